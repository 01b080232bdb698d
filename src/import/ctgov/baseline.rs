//! Baseline characteristics from the results section: age, sex, race and ethnicity, region
//! and performance status per group, as the trial's [`Baseline`]. Other measures (disease
//! scores, laboratory values) are not imported.

use super::api::*;
use super::arms::ArmSet;
use super::outcomes::denominators;
use crate::corpus::{
    Baseline, BaselineGroup, BaselineValue, Characteristic, CharacteristicKind, CharacteristicRow,
    Citation, Num,
};
use crate::import::names::{unescape, words};

/// What a measure's title says it describes, by its words: `Age, Continuous`, `Sex: Female,
/// Male`, `Race (NIH/OMB)`, `Ethnicity (NIH/OMB)`, `Region of Enrollment`, `ECOG Performance
/// Status`. `Stage` and `Percentage` are no age.
pub(super) fn kind_of(title: &str) -> Option<CharacteristicKind> {
    let t = title.to_lowercase();
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    Some(
        if has("ecog") || has("karnofsky") || has("lansky") || t.contains("performance status") {
            CharacteristicKind::PerformanceStatus
        } else if has("age") {
            CharacteristicKind::Age
        } else if has("sex") || has("gender") {
            CharacteristicKind::Sex
        } else if has("race") || has("ethnicity") || has("ethnic") {
            CharacteristicKind::RaceEthnicity
        } else if has("region") || has("country") || has("countries") || has("geographic") {
            CharacteristicKind::Region
        } else {
            return None;
        },
    )
}

/// The baseline table, with only the characteristics [`kind_of`] knows. `None` when the
/// record gives none of them.
pub(super) fn map_baseline<'s>(
    b: &'s BaselineModule,
    arms: &mut ArmSet<'s>,
    cite: &dyn Fn(&str) -> Citation,
) -> Option<Baseline> {
    let n = denominators(&b.denoms);
    let mut groups: Vec<BaselineGroup> = Vec::new();
    for g in &b.groups {
        let (Some(id), Some(title)) = (nonempty(&g.id), nonempty(&g.title)) else {
            continue;
        };
        if groups.iter().any(|x| x.id == id) {
            continue;
        }
        groups.push(BaselineGroup {
            id: id.to_string(),
            label: unescape(title),
            arm: arms.arm_for(title, nonempty(&g.description), false),
            n: n.iter().find(|(gid, _)| gid == id).map(|(_, n)| *n),
        });
    }
    let known = |g: &str| groups.iter().any(|x| x.id == g);
    let characteristics: Vec<Characteristic> = b
        .measures
        .iter()
        .filter_map(|m| characteristic(m, &known))
        .collect();
    if groups.is_empty() || characteristics.is_empty() {
        return None;
    }
    let quote = clean_opt(&b.population_description).unwrap_or_else(|| {
        let titles: Vec<&str> = characteristics.iter().map(|c| c.title.as_str()).collect();
        format!("Baseline characteristics: {}", titles.join("; "))
    });
    Some(Baseline {
        groups,
        population: clean_opt(&b.population_description),
        characteristics,
        citation: cite(&quote),
    })
}

fn characteristic(m: &Measure, known: &dyn Fn(&str) -> bool) -> Option<Characteristic> {
    let title = clean_opt(&m.title)?;
    let kind = kind_of(&title)?;
    let mut rows = Vec::new();
    for class in &m.classes {
        for cat in &class.categories {
            let values: Vec<BaselineValue> = cat
                .measurements
                .iter()
                .filter_map(|x| value(x, known))
                .collect();
            if !values.is_empty() {
                rows.push(CharacteristicRow {
                    class: clean_opt(&class.title),
                    category: clean_opt(&cat.title),
                    values,
                });
            }
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some(Characteristic {
        kind,
        title,
        param: nonempty(&m.param_type).map(words),
        dispersion: nonempty(&m.dispersion_type).map(words),
        unit: clean_opt(&m.unit_of_measure),
        rows,
    })
}

/// One group's figure, exactly as printed; a figure that is not a number ("NA") is left out.
fn value(x: &Measurement, known: &dyn Fn(&str) -> bool) -> Option<BaselineValue> {
    let group = nonempty(&x.group_id).filter(|g| known(g))?;
    let num = |t: &Option<Text>| text(t).and_then(Num::parse);
    Some(BaselineValue {
        group: group.to_string(),
        value: num(&x.value)?,
        spread: num(&x.spread),
        low: num(&x.lower_limit),
        high: num(&x.upper_limit),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_title() {
        use CharacteristicKind::*;
        for (title, kind) in [
            ("Age, Continuous", Some(Age)),
            ("Age, Categorical", Some(Age)),
            ("Sex: Female, Male", Some(Sex)),
            ("Gender", Some(Sex)),
            ("Ethnicity (NIH/OMB)", Some(RaceEthnicity)),
            ("Race/Ethnicity, Customized", Some(RaceEthnicity)),
            ("Region of Enrollment", Some(Region)),
            ("ECOG Performance Status", Some(PerformanceStatus)),
            ("Karnofsky score", Some(PerformanceStatus)),
            ("Tumour Stage", None),
            ("Percentage of body surface area", None),
            ("Eczema Area and Severity Index (EASI) Score", None),
        ] {
            assert_eq!(kind_of(title), kind, "{title}");
        }
    }
}
