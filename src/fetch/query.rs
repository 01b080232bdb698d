//! What to fetch: the user's filters in evidex's own values, their mapping onto the
//! parameters of the ClinicalTrials.gov API v2 `/studies` endpoint, and the sync key that
//! names a query stably (the key under which a sink keeps the page token to resume from).
//!
//! The mapping: `--cond`, `--term`, `--intr` become `query.cond`, `query.term`,
//! `query.intr`; `--status` becomes `filter.overallStatus` (a comma-separated list);
//! `--phase` and `--updated-since` become clauses of `filter.advanced`
//! (`AREA[Phase](PHASE2 OR PHASE3)`, `AREA[LastUpdatePostDate]RANGE[2024-01-01,MAX]`, joined
//! by `AND`); NCT ids become `filter.ids`. Every page asks for `format=json` and
//! `pageSize=1000`; the first also for `countTotal=true`.

use std::fmt;

use clap::ValueEnum;

/// The most studies the API returns in one page.
pub const PAGE_SIZE: u32 = 1000;

/// Overall recruitment status, in evidex's words (the corpus's status codes where the corpus
/// has one), each mapped to the API's value by [`Status::api`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub enum Status {
    /// Not yet recruiting (NOT_YET_RECRUITING).
    #[value(alias = "not-yet-recruiting")]
    Planned,
    /// RECRUITING.
    Recruiting,
    /// ENROLLING_BY_INVITATION.
    EnrollingByInvitation,
    /// ACTIVE_NOT_RECRUITING.
    ActiveNotRecruiting,
    /// COMPLETED.
    Completed,
    /// SUSPENDED.
    Suspended,
    /// TERMINATED.
    Terminated,
    /// WITHDRAWN.
    Withdrawn,
    /// UNKNOWN (the registry's status for records not verified in two years).
    Unknown,
}

impl Status {
    /// The API's value.
    pub fn api(self) -> &'static str {
        match self {
            Status::Planned => "NOT_YET_RECRUITING",
            Status::Recruiting => "RECRUITING",
            Status::EnrollingByInvitation => "ENROLLING_BY_INVITATION",
            Status::ActiveNotRecruiting => "ACTIVE_NOT_RECRUITING",
            Status::Completed => "COMPLETED",
            Status::Suspended => "SUSPENDED",
            Status::Terminated => "TERMINATED",
            Status::Withdrawn => "WITHDRAWN",
            Status::Unknown => "UNKNOWN",
        }
    }
}

/// Trial phase, in evidex's words (`--phase 3`), each mapped to the API's value by
/// [`Phase::api`]. A phase 2/3 trial lists both phases, so it matches `2` and `3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum)]
pub enum Phase {
    /// Early phase 1 (EARLY_PHASE1).
    #[value(name = "early1", alias = "0")]
    Early1,
    /// PHASE1.
    #[value(name = "1")]
    P1,
    /// PHASE2.
    #[value(name = "2")]
    P2,
    /// PHASE3.
    #[value(name = "3")]
    P3,
    /// PHASE4.
    #[value(name = "4")]
    P4,
    /// Not applicable (NA): studies without phases, such as device or behavioural studies.
    #[value(name = "na")]
    Na,
}

impl Phase {
    /// The API's value.
    pub fn api(self) -> &'static str {
        match self {
            Phase::Early1 => "EARLY_PHASE1",
            Phase::P1 => "PHASE1",
            Phase::P2 => "PHASE2",
            Phase::P3 => "PHASE3",
            Phase::P4 => "PHASE4",
            Phase::Na => "NA",
        }
    }
}

/// A calendar date, `YYYY-MM-DD`, checked (month and day in range, leap years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl std::str::FromStr for Date {
    type Err = String;

    fn from_str(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2024-01-31");
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u16, String> {
            let part = &s[r];
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(format!("`{s}`: there is no month {month}")),
        };
        if year < 1900 || day == 0 || day > days {
            return Err(format!("`{s}` is not a day of the calendar"));
        }
        Ok(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A registry id, `NCT` and eight digits, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NctId(String);

impl NctId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for NctId {
    type Err = String;

    fn from_str(s: &str) -> Result<NctId, String> {
        let up = s.trim().to_ascii_uppercase();
        let ok =
            up.len() == 11 && up.starts_with("NCT") && up[3..].bytes().all(|c| c.is_ascii_digit());
        if ok {
            Ok(NctId(up))
        } else {
            Err(format!(
                "`{s}` is not a ClinicalTrials.gov id (NCT and eight digits, e.g. NCT02513394)"
            ))
        }
    }
}

impl fmt::Display for NctId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A fetch's filters. Build one, then [`Query::normalised`] it (the fetch does) so that the
/// same filters written differently give the same parameters and the same sync key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Condition or disease (`query.cond`), in the API's search syntax.
    pub cond: Option<String>,
    /// Any field (`query.term`).
    pub term: Option<String>,
    /// Intervention or treatment (`query.intr`).
    pub intr: Option<String>,
    /// Any of these statuses.
    pub status: Vec<Status>,
    /// Any of these phases.
    pub phase: Vec<Phase>,
    /// Records updated on the registry on or after this date.
    pub updated_since: Option<Date>,
    /// Only these studies.
    pub ids: Vec<NctId>,
}

impl Query {
    /// The same filters in one canonical form: text with its runs of white space made one
    /// space and trimmed (empty text dropped), lists sorted without repeats. The text keeps
    /// its case: the API's search syntax has upper-case operators (`AND`, `OR`, `NOT`).
    pub fn normalised(&self) -> Query {
        fn text(t: &Option<String>) -> Option<String> {
            let s = t
                .as_deref()?
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            (!s.is_empty()).then_some(s)
        }
        fn sorted<T: Ord + Clone>(v: &[T]) -> Vec<T> {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v
        }
        Query {
            cond: text(&self.cond),
            term: text(&self.term),
            intr: text(&self.intr),
            status: sorted(&self.status),
            phase: sorted(&self.phase),
            updated_since: self.updated_since,
            ids: sorted(&self.ids),
        }
    }

    /// Whether no filter is set, so that the query would fetch the whole registry.
    pub fn is_everything(&self) -> bool {
        self.normalised() == Query::default()
    }

    /// The query's API parameters, in a fixed order, without the paging ones (`pageSize`,
    /// `pageToken`, `countTotal`), which the API allows to differ between pages.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let q = self.normalised();
        let mut p = vec![("format", "json".to_string())];
        for (name, value) in [
            ("query.cond", &q.cond),
            ("query.term", &q.term),
            ("query.intr", &q.intr),
        ] {
            if let Some(v) = value {
                p.push((name, v.clone()));
            }
        }
        if !q.status.is_empty() {
            let list: Vec<&str> = q.status.iter().map(|s| s.api()).collect();
            p.push(("filter.overallStatus", list.join(",")));
        }
        let mut advanced = Vec::new();
        match q.phase.as_slice() {
            [] => {}
            [one] => advanced.push(format!("AREA[Phase]{}", one.api())),
            many => {
                let list: Vec<&str> = many.iter().map(|p| p.api()).collect();
                advanced.push(format!("AREA[Phase]({})", list.join(" OR ")));
            }
        }
        if let Some(d) = q.updated_since {
            advanced.push(format!("AREA[LastUpdatePostDate]RANGE[{d},MAX]"));
        }
        if !advanced.is_empty() {
            p.push(("filter.advanced", advanced.join(" AND ")));
        }
        if !q.ids.is_empty() {
            let list: Vec<&str> = q.ids.iter().map(NctId::as_str).collect();
            p.push(("filter.ids", list.join(",")));
        }
        p
    }

    /// A stable name for this query: `ctgov:` and its parameters as a URL query string. The
    /// same filters, however written, give the same key; different filters, different keys.
    /// The server's address is not part of it.
    pub fn sync_key(&self) -> String {
        let parts: Vec<String> = self
            .params()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(&v)))
            .collect();
        format!("ctgov:{}", parts.join("&"))
    }
}

/// Percent-encodes everything but the URL's unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> Query {
        Query::default()
    }

    #[test]
    fn evidex_values_map_to_the_apis() {
        let query = Query {
            cond: Some("  hepatocellular   carcinoma ".into()),
            status: vec![Status::Recruiting, Status::Planned, Status::Recruiting],
            phase: vec![Phase::P3],
            ..q()
        };
        assert_eq!(
            query.params(),
            vec![
                ("format", "json".to_string()),
                ("query.cond", "hepatocellular carcinoma".into()),
                (
                    "filter.overallStatus",
                    "NOT_YET_RECRUITING,RECRUITING".into()
                ),
                ("filter.advanced", "AREA[Phase]PHASE3".into()),
            ]
        );
    }

    #[test]
    fn several_phases_and_a_date_make_one_advanced_filter() {
        let query = Query {
            phase: vec![Phase::P3, Phase::P2],
            updated_since: Some("2024-02-29".parse().unwrap()),
            ids: vec!["nct02513394".parse().unwrap()],
            ..q()
        };
        let p = query.params();
        assert!(
            p.contains(&(
                "filter.advanced",
                "AREA[Phase](PHASE2 OR PHASE3) AND AREA[LastUpdatePostDate]RANGE[2024-02-29,MAX]"
                    .into()
            ))
        );
        assert!(p.contains(&("filter.ids", "NCT02513394".into())));
    }

    #[test]
    fn the_sync_key_ignores_spelling_but_not_meaning() {
        let a = Query {
            cond: Some("liver  cancer".into()),
            phase: vec![Phase::P3, Phase::P2],
            ..q()
        };
        let b = Query {
            cond: Some(" liver cancer".into()),
            phase: vec![Phase::P2, Phase::P3, Phase::P2],
            ..q()
        };
        assert_eq!(a.sync_key(), b.sync_key());
        let c = Query {
            phase: vec![Phase::P2],
            ..a.clone()
        };
        assert_ne!(a.sync_key(), c.sync_key());
        assert_eq!(
            a.sync_key(),
            "ctgov:format=json&query.cond=liver%20cancer&\
             filter.advanced=AREA%5BPhase%5D%28PHASE2%20OR%20PHASE3%29"
        );
    }

    #[test]
    fn no_filter_is_the_whole_registry() {
        assert!(q().is_everything());
        assert!(
            Query {
                cond: Some("  ".into()),
                ..q()
            }
            .is_everything()
        );
        assert!(
            !Query {
                status: vec![Status::Completed],
                ..q()
            }
            .is_everything()
        );
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(
            "2024-02-29".parse::<Date>().unwrap().to_string(),
            "2024-02-29"
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-10",
            "24-01-01",
            "2024/01/01",
            "yesterday",
            "2024-01-32",
            "+024-01-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }

    #[test]
    fn nct_ids_are_checked_and_upper_cased() {
        assert_eq!(
            "nct04267848".parse::<NctId>().unwrap().as_str(),
            "NCT04267848"
        );
        for bad in ["NCT0426784", "NCT042678489", "04267848", "NCTabcdefgh", ""] {
            assert!(bad.parse::<NctId>().is_err(), "{bad}");
        }
    }
}
