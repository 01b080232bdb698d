//! Pooled estimates of the ratios that compared trials report for one endpoint.
//!
//! [`pool`] takes each trial's hazard (or odds, or risk) ratio for an endpoint, derives its
//! standard error on the log scale from what the source prints, and pools them with
//! [`stats::fit`]: fixed effect and random effects, with heterogeneity and a prediction
//! interval. The standard error comes from the confidence interval
//! (`(ln high − ln low) / (2·z)`, z the normal quantile of the interval's level), or, where
//! only an exact p-value is printed, from that p-value (`z = Φ⁻¹(1 − p/2)`,
//! `SE = |ln ratio| / z`, a two-sided test assumed); [`SeFrom`] records which. A trial with
//! neither, with a p-value printed only as a bound ("<0.001"), or with a ratio of exactly 1
//! and only a p-value, is listed in [`Pool::not_pooled`] with its reason: a standard error is
//! never guessed.
//!
//! Every pooled figure is computed by evidex, not reported by any source; [`COMPUTED`] and
//! [`CAVEAT`] travel with it to every screen and export. Nothing here prints.

pub mod report;
pub mod stats;

use serde::Serialize;

use crate::corpus::{Cmp, Corpus, Kind, Lang, Outcome, Ratio, RecordRef, Trial};
use crate::i18n::{tr, trf};
use crate::present;
pub use stats::{FitError, Method, Z95};

/// The label of every pooled line.
pub const COMPUTED: &str = "computed by evidex (not reported by any source)";

/// The caveat that goes with every pooled estimate.
pub const CAVEAT: &str = "Pooling across trials assumes comparable populations and comparators; \
     where they differ, the pooled estimate may mislead.";

/// How τ² of the random-effects model is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tau2 {
    /// Restricted maximum likelihood (metafor's default).
    #[default]
    Reml,
    /// DerSimonian–Laird.
    Dl,
}

impl Tau2 {
    pub fn label(self) -> &'static str {
        match self {
            Tau2::Reml => "REML",
            Tau2::Dl => "DerSimonian–Laird",
        }
    }

    fn method(self) -> Method {
        match self {
            Tau2::Reml => Method::Reml,
            Tau2::Dl => Method::Dl,
        }
    }
}

/// Where a study's standard error comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum SeFrom {
    /// The confidence interval printed beside the ratio, at `level` per cent.
    Ci { level: f64 },
    /// The exact p-value printed for the comparison (two-sided test assumed).
    PValue { p: f64 },
}

impl SeFrom {
    /// `from the 95% CI`, `from P=0.032`.
    pub fn describe(&self) -> String {
        self.describe_in(Lang::En)
    }

    /// [`SeFrom::describe`] in `lang`.
    pub fn describe_in(&self, lang: Lang) -> String {
        match self {
            SeFrom::Ci { level } => trf(lang, "from the %{level}% CI", &[("level", level)]),
            SeFrom::PValue { p } => trf(lang, "from P=%{p} (two-sided)", &[("p", p)]),
        }
    }
}

/// A study that is pooled: its ratio as printed and the standard error derived from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Study {
    pub id: String,
    pub title: String,
    /// The ratio as the source prints it: `HR 0.77`, `HR 0.80 (95% CI 0.66–0.97)`.
    pub printed: String,
    pub ratio: f64,
    /// The printed interval, if any.
    pub ci: Option<(f64, f64)>,
    /// ln(ratio) and its standard error, computed by evidex.
    pub log_ratio: f64,
    pub se: f64,
    pub se_from: SeFrom,
    /// Weight in the fixed-effect and random-effects estimates, per cent.
    pub weight_fixed: f64,
    pub weight_random: f64,
}

/// A compared study that is not pooled, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotPooled {
    pub id: String,
    pub title: String,
    pub reason: String,
}

/// One pooled estimate, on the ratio scale (and its log), computed by evidex.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// `fixed effect (inverse variance)`, `random effects (REML)`.
    pub model: String,
    pub ratio: f64,
    pub ci: (f64, f64),
    /// 95 % prediction interval (random effects only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prediction: Option<(f64, f64)>,
    pub log_ratio: f64,
    pub se: f64,
    /// Two-sided p of the test that the pooled ratio is 1.
    pub p: f64,
    pub tau2: f64,
    pub i2: f64,
    pub h2: f64,
    pub label: &'static str,
}

/// Cochran's Q and the heterogeneity of the random-effects model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heterogeneity {
    pub q: f64,
    pub df: usize,
    pub p: f64,
    pub tau2: f64,
    pub tau2_method: Tau2,
    pub i2: f64,
    pub h2: f64,
}

/// The pooled estimates of one endpoint across compared trials.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pool {
    pub endpoint: String,
    /// `HR`, `OR` or `RR`: only ratios of one kind are pooled.
    pub kind: String,
    pub studies: Vec<Study>,
    pub not_pooled: Vec<NotPooled>,
    /// Absent when fewer than two studies can be pooled.
    pub fixed: Option<Estimate>,
    pub random: Option<Estimate>,
    pub heterogeneity: Option<Heterogeneity>,
    /// Why studies that each have a standard error are still not pooled (different diseases).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    pub label: &'static str,
    pub caveat: &'static str,
}

impl Pool {
    /// Whether two or more studies were pooled.
    pub fn is_pooled(&self) -> bool {
        self.fixed.is_some()
    }
}

/// `hazard ratio`, `odds ratio`, `risk ratio`.
pub fn kind_name(kind: &str) -> &'static str {
    match kind {
        "OR" => "odds ratio",
        "RR" => "risk ratio",
        _ => "hazard ratio",
    }
}

/// `a hazard ratio`, `an odds ratio`, `a risk ratio`.
fn a_kind(kind: &str) -> &'static str {
    match kind {
        "OR" => "an odds ratio",
        "RR" => "a risk ratio",
        _ => "a hazard ratio",
    }
}

fn kind_of(r: &Ratio) -> &str {
    r.kind.as_deref().unwrap_or("HR")
}

/// The outcomes of `t` for `endpoint` that carry a ratio, the whole population's first.
fn ratio_outcomes<'a>(t: &'a Trial, endpoint: &str) -> Vec<&'a Outcome> {
    let mut v: Vec<&Outcome> = t
        .outcomes
        .iter()
        .filter(|o| o.endpoint == endpoint && o.hr.is_some())
        .collect();
    v.sort_by_key(|o| o.subgroup.is_some());
    v
}

/// The log ratio and its standard error from a ratio as printed, or why there is none.
pub fn standard_error(
    r: &Ratio,
    p: Option<&crate::corpus::PValue>,
) -> Result<(f64, SeFrom), String> {
    standard_error_in(r, p, Lang::En)
}

/// [`standard_error`], the reason there is none in `lang`.
pub fn standard_error_in(
    r: &Ratio,
    p: Option<&crate::corpus::PValue>,
    lang: Lang,
) -> Result<(f64, SeFrom), String> {
    let value = r.value.value();
    if !(value > 0.0 && value.is_finite()) {
        return Err(trf(
            lang,
            "a ratio of %{ratio} cannot be put on the log scale",
            &[("ratio", &r.value)],
        ));
    }
    let y = value.ln();
    if let Some(ci) = &r.ci {
        let (l, h) = (ci.low.value(), ci.high.value());
        let level = ci.level.as_ref().map_or(95.0, |l| l.value());
        if !(l > 0.0 && h > l && h.is_finite()) {
            return Err(trf(
                lang,
                "its confidence interval %{low}–%{high} cannot be put on the log scale",
                &[("low", &ci.low), ("high", &ci.high)],
            ));
        }
        if !(level > 0.0 && level < 100.0) {
            return Err(trf(
                lang,
                "its interval's level %{level}% is not a confidence level",
                &[("level", &level)],
            ));
        }
        let z = stats::qnorm(0.5 + level / 200.0);
        return Ok(((h.ln() - l.ln()) / (2.0 * z), SeFrom::Ci { level }));
    }
    let Some(p) = p else {
        return Err(tr(lang, "no confidence interval and no p-value printed").into_owned());
    };
    if p.cmp != Cmp::Eq {
        return Err(trf(
            lang,
            "no confidence interval, and P is printed only as %{p}: the standard error cannot be derived",
            &[("p", &format!("{}{}", p.cmp.symbol(), p.value))],
        ));
    }
    let pv = p.value.value();
    if !(pv > 0.0 && pv < 1.0) {
        return Err(trf(
            lang,
            "no confidence interval, and P=%{p} gives no standard error",
            &[("p", &p.value)],
        ));
    }
    if y == 0.0 {
        return Err(trf(
            lang,
            "no confidence interval, and with a ratio of exactly %{ratio} a p-value gives no standard error",
            &[("ratio", &r.value)],
        ));
    }
    let z = stats::qnorm(1.0 - pv / 2.0);
    Ok((y.abs() / z, SeFrom::PValue { p: pv }))
}

/// Pools the ratios that the trials among `records` report for `endpoint` (records of other
/// kinds are left out). The kind of ratio pooled is the one most of them report (hazard ratio
/// on a tie); a trial that reports another kind is not pooled.
pub fn pool(c: &Corpus, records: &[RecordRef], endpoint: &str, tau2: Tau2, lang: Lang) -> Pool {
    let trials: Vec<(RecordRef, &Trial)> = records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|&r| (r, c.trial(r.index)))
        .collect();
    let kind = common_kind(&trials, endpoint);
    let mut studies = Vec::new();
    let mut not_pooled = Vec::new();
    for &(r, t) in &trials {
        match study_of(c, r, t, endpoint, &kind, lang) {
            Ok(Some(s)) => studies.push(s),
            Ok(None) => {}
            Err(n) => not_pooled.push(n),
        }
    }
    // Trials of different diseases are never pooled: their populations differ by design.
    let pooled_trials: Vec<&Trial> = studies
        .iter()
        .filter_map(|s| trials.iter().find(|(_, t)| t.id == s.id).map(|(_, t)| *t))
        .collect();
    let refused = (studies.len() >= 2 && !crate::compare::same_population(c, &pooled_trials))
        .then(|| mixed_diseases(c, &pooled_trials, &studies, lang));
    let y: Vec<f64> = studies.iter().map(|s| s.log_ratio).collect();
    let v: Vec<f64> = studies.iter().map(|s| s.se * s.se).collect();
    let fe = stats::fit(&y, &v, Method::Fixed).ok();
    let re = random_fit(&y, &v, tau2, &mut studies, &mut not_pooled, lang);
    match (fe, re) {
        (Some(fe), Some(re)) if refused.is_none() => Pool {
            not_pooled,
            ..pooled(&fe, &re, studies, tau2, Pool::empty(endpoint, kind), lang)
        },
        _ => Pool {
            studies,
            not_pooled,
            refused,
            ..Pool::empty(endpoint, kind)
        },
    }
}

/// The random-effects fit of the studies' log ratios `y` with variances `v`; when the REML
/// estimate of τ² does not converge, every study is moved to `not_pooled` with that reason.
fn random_fit(
    y: &[f64],
    v: &[f64],
    tau2: Tau2,
    studies: &mut Vec<Study>,
    not_pooled: &mut Vec<NotPooled>,
    lang: Lang,
) -> Option<stats::Fit> {
    match stats::fit(y, v, tau2.method()) {
        Ok(f) => Some(f),
        Err(FitError::NoConvergence(n)) => {
            for s in studies.drain(..) {
                not_pooled.push(NotPooled {
                    id: s.id,
                    title: s.title,
                    reason: trf(
                        lang,
                        "the REML estimate of τ² did not converge in %{n} iterations; try DerSimonian–Laird",
                        &[("n", &n)],
                    ),
                });
            }
            None
        }
        Err(_) => None,
    }
}

/// The pool `empty` filled with the studies, weighted, and the fixed-effect and
/// random-effects estimates and heterogeneity of the fits `fe` and `re`.
fn pooled(
    fe: &stats::Fit,
    re: &stats::Fit,
    mut studies: Vec<Study>,
    tau2: Tau2,
    empty: Pool,
    lang: Lang,
) -> Pool {
    for (i, s) in studies.iter_mut().enumerate() {
        s.weight_fixed = fe.weights[i];
        s.weight_random = re.weights[i];
    }
    Pool {
        fixed: Some(estimate(
            fe,
            tr(lang, "fixed effect (inverse variance)").into_owned(),
        )),
        random: Some(estimate(
            re,
            trf(lang, "random effects (%{tau2})", &[("tau2", &tau2.label())]),
        )),
        heterogeneity: Some(Heterogeneity {
            q: re.q,
            df: re.df,
            p: re.q_p,
            tau2: re.tau2,
            tau2_method: tau2,
            i2: re.i2,
            h2: re.h2,
        }),
        studies,
        ..empty
    }
}

impl Pool {
    /// A pool of `kind` for `endpoint` with no study and no estimate yet.
    fn empty(endpoint: &str, kind: String) -> Pool {
        Pool {
            endpoint: endpoint.to_string(),
            kind,
            studies: Vec::new(),
            not_pooled: Vec::new(),
            fixed: None,
            random: None,
            heterogeneity: None,
            refused: None,
            label: COMPUTED,
            caveat: CAVEAT,
        }
    }
}

/// The ratio most of the trials report for an endpoint (HR before OR before RR on a tie):
/// the one the pool is of.
fn common_kind(trials: &[(RecordRef, &Trial)], endpoint: &str) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (_, t) in trials {
        if let Some(o) = ratio_outcomes(t, endpoint).first()
            && let Some(r) = &o.hr
        {
            let k = kind_of(r).to_string();
            match counts.iter_mut().find(|(x, _)| *x == k) {
                Some((_, n)) => *n += 1,
                None => counts.push((k, 1)),
            }
        }
    }
    let rank = |k: &str| ["HR", "OR", "RR"].iter().position(|x| *x == k).unwrap_or(3);
    counts.sort_by_key(|(k, n)| (std::cmp::Reverse(*n), rank(k)));
    counts.first().map_or("HR".to_string(), |(k, _)| k.clone())
}

/// A trial as a study of the pool, or why it is not pooled (`Ok(None)`: an outcome with no
/// ratio, which is not pooled and needs no reason).
fn study_of(
    c: &Corpus,
    r: RecordRef,
    t: &Trial,
    endpoint: &str,
    kind: &str,
    lang: Lang,
) -> Result<Option<Study>, NotPooled> {
    let name = kind_name(kind);
    let (id, title) = (t.id.clone(), c.name_of(r, lang).to_string());
    let skip = |reason: String| NotPooled {
        id: id.clone(),
        title: title.clone(),
        reason,
    };
    let outcomes = ratio_outcomes(t, endpoint);
    let Some(o) = outcomes.first() else {
        return Err(skip(trf(
            lang,
            "no %{kind} reported for %{endpoint}",
            &[("kind", &tr(lang, name)), ("endpoint", &endpoint)],
        )));
    };
    let Some(ratio) = &o.hr else { return Ok(None) };
    if let Some(sg) = &o.subgroup {
        return Err(skip(trf(
            lang,
            "%{a_kind} is reported only for a subgroup (%{subgroup})",
            &[
                ("a_kind", &tr(lang, a_kind(kind_of(ratio)))),
                ("subgroup", sg),
            ],
        )));
    }
    if kind_of(ratio) != kind {
        return Err(skip(trf(
            lang,
            "reports %{a_kind} for %{endpoint}; the pooled studies report %{kind}s",
            &[
                ("a_kind", &tr(lang, a_kind(kind_of(ratio)))),
                ("endpoint", &endpoint),
                ("kind", &tr(lang, name)),
            ],
        )));
    }
    let (se, se_from) = standard_error_in(ratio, o.p.as_ref(), lang).map_err(skip)?;
    Ok(Some(Study {
        printed: present::ratio(ratio),
        ratio: ratio.value.value(),
        ci: ratio
            .ci
            .as_ref()
            .map(|ci| (ci.low.value(), ci.high.value())),
        log_ratio: ratio.value.value().ln(),
        se,
        se_from,
        weight_fixed: 0.0,
        weight_random: 0.0,
        id,
        title,
    }))
}

/// Why trials of different diseases are not pooled, naming each one's diseases.
fn mixed_diseases(c: &Corpus, trials: &[&Trial], studies: &[Study], lang: Lang) -> String {
    let parts: Vec<String> = trials
        .iter()
        .zip(studies)
        .map(|(t, s)| {
            let names = crate::compare::disease_names(c, &t.diseases, lang);
            format!("{}: {}", s.title, names)
        })
        .collect();
    trf(
        lang,
        "the trials study different diseases (%{parts}); pooling them would mix populations",
        &[("parts", &parts.join("; "))],
    )
}

/// A fitted model as a pooled ratio (back from the log scale), labelled as computed.
fn estimate(f: &stats::Fit, model: String) -> Estimate {
    Estimate {
        model,
        ratio: f.estimate.exp(),
        ci: (f.ci.0.exp(), f.ci.1.exp()),
        prediction: f.pi.map(|(a, b)| (a.exp(), b.exp())),
        log_ratio: f.estimate,
        se: f.se,
        p: f.p,
        tau2: f.tau2,
        i2: f.i2,
        h2: f.h2,
        label: COMPUTED,
    }
}

/// The pooled estimates of a comparison, for its exports: one per endpoint (in the forest
/// plot's order) for which two or more of the compared trials can be pooled, REML.
pub fn pools(c: &Corpus, records: &[RecordRef], lang: Lang) -> Vec<Pool> {
    crate::compare::chart_choices(c, records, crate::compare::Chart::Forest)
        .iter()
        .filter_map(|g| g.endpoint())
        .map(|ep| pool(c, records, ep, Tau2::Reml, lang))
        .filter(Pool::is_pooled)
        .collect()
}

#[cfg(test)]
mod tests;
