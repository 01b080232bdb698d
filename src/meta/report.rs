//! Text of a [`Pool`]: the plain report `evidex meta` prints, its JSON, and the lines the
//! comparison exports (Markdown, CSV) append. Strings from the corpus pass the sanitiser;
//! numbers are evidex's own and carry [`super::COMPUTED`] wherever they appear.

use serde_json::json;

use super::{Estimate, Pool, SeFrom, Study};
use crate::corpus::Lang;
use crate::i18n::{tr, trf};
use crate::text::{clean, wrap};

/// Which pooled estimate a report leads with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Model {
    /// Random effects (τ² as the pool was computed).
    #[default]
    Random,
    /// Inverse-variance fixed effect.
    Fixed,
}

impl Model {
    pub fn code(self) -> &'static str {
        match self {
            Model::Random => "re",
            Model::Fixed => "fe",
        }
    }

    pub fn of(self, p: &Pool) -> Option<&Estimate> {
        match self {
            Model::Random => p.random.as_ref(),
            Model::Fixed => p.fixed.as_ref(),
        }
    }
}

/// A ratio or bound to three decimals.
pub fn r3(x: f64) -> String {
    format!("{x:.3}")
}

/// A p-value: `p = 0.650`, `p < 0.001`.
pub fn p3(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {p:.3}")
    }
}

/// `HR 0.738 (95% CI 0.601–0.906)`.
pub fn estimate_text(kind: &str, e: &Estimate) -> String {
    format!(
        "{kind} {} (95% CI {}–{})",
        r3(e.ratio),
        r3(e.ci.0),
        r3(e.ci.1)
    )
}

/// `τ² 0.0000 (REML) · I² 0.0% · H² 1.00 · Q 0.13 (df 1), p 0.716`.
pub fn heterogeneity_text(p: &Pool, e: &Estimate) -> String {
    let Some(h) = &p.heterogeneity else {
        return String::new();
    };
    let tau = if e.prediction.is_some() {
        format!("τ² {:.4} ({}) · ", e.tau2, h.tau2_method.label())
    } else {
        String::new()
    };
    format!(
        "{tau}I² {:.1}% · H² {:.2} · Q {:.2} (df {}), {}",
        e.i2,
        e.h2,
        h.q,
        h.df,
        p3(h.p)
    )
}

/// `SE 0.122 (ln HR) from P=0.032 (two-sided)`, in `lang`.
pub fn se_text(kind: &str, s: &Study, lang: Lang) -> String {
    trf(
        lang,
        "SE %{se} of ln %{kind}, %{from}",
        &[
            ("se", &format!("{:.4}", s.se)),
            ("kind", &kind),
            ("from", &s.se_from.describe_in(lang)),
        ],
    )
}

/// The report `evidex meta` prints, wrapped to `total` columns, in `lang`.
pub fn text(p: &Pool, model: Model, total: usize, lang: Lang) -> String {
    let mut w = Wrapped {
        out: String::new(),
        total,
    };
    header(&mut w, p, lang);
    studies(&mut w, p, lang);
    not_pooled(&mut w, p, lang);
    w.para("", 0);
    pooled(&mut w, p, model, lang);
    w.out
}

/// Text wrapped to a width, paragraph by paragraph.
struct Wrapped {
    out: String,
    total: usize,
}

impl Wrapped {
    /// One paragraph, wrapped and indented by `indent` columns.
    fn para(&mut self, s: &str, indent: usize) {
        let pad = " ".repeat(indent);
        for l in wrap(s, self.total.saturating_sub(indent).max(20)) {
            self.out.push_str(&pad);
            self.out.push_str(&l);
            self.out.push('\n');
        }
    }
}

/// What was pooled of how many, and that pooled lines are computed by evidex.
fn header(w: &mut Wrapped, p: &Pool, lang: Lang) {
    let kind = p.kind.as_str();
    let n = p.studies.len() + p.not_pooled.len();
    let msg = if p.is_pooled() {
        "%{endpoint} %{kind}: %{n} of %{total} trials pooled"
    } else {
        "%{endpoint} %{kind}: %{n} of %{total} trials with a standard error; nothing pooled"
    };
    w.para(
        &trf(
            lang,
            msg,
            &[
                ("endpoint", &clean(&p.endpoint)),
                ("kind", &tr(lang, super::kind_name(kind))),
                ("n", &p.studies.len()),
                ("total", &n),
            ],
        ),
        0,
    );
    w.para(
        &trf(
            lang,
            "! Pooled lines are %{computed}. %{caveat}",
            &[
                ("computed", &tr(lang, super::COMPUTED)),
                ("caveat", &tr(lang, super::CAVEAT)),
            ],
        ),
        0,
    );
}

/// The pooled studies (or those with a standard error), each with its SE and weights.
fn studies(w: &mut Wrapped, p: &Pool, lang: Lang) {
    let kind = p.kind.as_str();
    if !p.studies.is_empty() {
        w.para("", 0);
        w.para(
            &tr(
                lang,
                if p.is_pooled() {
                    "Pooled studies (ratio as printed; SE and weights computed by evidex):"
                } else {
                    "Studies with a standard error (ratio as printed; SE computed by evidex):"
                },
            ),
            0,
        );
        for s in &p.studies {
            w.para(&clean(&s.title), 2);
            w.para(
                &format!("{} · {}", clean(&s.printed), se_text(kind, s, lang)),
                6,
            );
            if p.is_pooled() {
                w.para(
                    &trf(
                        lang,
                        "weight %{fixed}% fixed effect, %{random}% random effects",
                        &[
                            ("fixed", &format!("{:.1}", s.weight_fixed)),
                            ("random", &format!("{:.1}", s.weight_random)),
                        ],
                    ),
                    6,
                );
            }
        }
    }
}

/// The trials not pooled, each with why.
fn not_pooled(w: &mut Wrapped, p: &Pool, lang: Lang) {
    if !p.not_pooled.is_empty() {
        w.para("", 0);
        w.para(&tr(lang, "Not pooled:"), 0);
        for s in &p.not_pooled {
            w.para(&clean(&s.title), 2);
            w.para(&clean(&s.reason), 6);
        }
    }
}

/// The pooled estimate of `model` with its prediction interval and heterogeneity, or why
/// nothing was pooled.
fn pooled(w: &mut Wrapped, p: &Pool, model: Model, lang: Lang) {
    let kind = p.kind.as_str();
    let Some(e) = model.of(p) else {
        w.para(
            &match &p.refused {
                Some(why) => trf(lang, "Nothing pooled: %{why}.", &[("why", &clean(why))]),
                None => tr(
                    lang,
                    "Nothing pooled: pooling needs two or more studies with a standard error.",
                )
                .into_owned(),
            },
            0,
        );
        return;
    };
    w.para(
        &trf(
            lang,
            "Pooled, %{model}, %{computed}:",
            &[
                ("model", &e.model),
                ("computed", &tr(lang, super::COMPUTED)),
            ],
        ),
        0,
    );
    w.para(&format!("{}, {}", estimate_text(kind, e), p3(e.p)), 2);
    if let Some((a, b)) = e.prediction {
        w.para(
            &trf(
                lang,
                "95% prediction interval %{low}–%{high}",
                &[("low", &r3(a)), ("high", &r3(b))],
            ),
            2,
        );
    }
    w.para(
        &trf(
            lang,
            "Heterogeneity: %{text}",
            &[("text", &heterogeneity_text(p, e))],
        ),
        2,
    );
}

fn study_json(s: &Study) -> serde_json::Value {
    let mut v = serde_json::to_value(s).unwrap_or_default();
    if let SeFrom::PValue { .. } = s.se_from {
        v["se_method"] = json!("z = qnorm(1 - p/2), SE = |ln ratio| / z");
    } else {
        v["se_method"] = json!("SE = (ln high - ln low) / (2 z)");
    }
    v
}

/// JSON of a pool for scripts, with the estimate `model` chosen as `pooled`.
pub fn json(p: &Pool, model: Model) -> serde_json::Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    v["studies"] = p.studies.iter().map(study_json).collect();
    v["model"] = json!(model.code());
    v["pooled"] = serde_json::to_value(model.of(p)).unwrap_or_default();
    v
}

/// The pooled lines of a comparison's Markdown export, in `lang`.
pub fn markdown(pools: &[Pool], lang: Lang) -> String {
    markdown_cited(pools, &|_, _| String::new(), lang)
}

/// [`markdown`] with each study's printed ratio followed by `refs(endpoint, study id)`: the
/// numbers of the references behind it (` [1,2]`), or nothing.
pub fn markdown_cited(pools: &[Pool], refs: &dyn Fn(&str, &str) -> String, lang: Lang) -> String {
    let mut out = String::new();
    for p in pools {
        let esc = |s: &str| clean(s).replace('\\', "\\\\").replace('|', "\\|");
        out.push_str(&format!(
            "\n**{}** {}\n\n",
            trf(
                lang,
                "Pooled %{endpoint} %{kind}, %{computed}.",
                &[
                    ("endpoint", &esc(&p.endpoint)),
                    ("kind", &tr(lang, super::kind_name(&p.kind))),
                    ("computed", &tr(lang, super::COMPUTED)),
                ],
            ),
            tr(lang, super::CAVEAT)
        ));
        for h in [
            "Study",
            "Ratio as printed",
            "SE (computed by evidex)",
            "Weight FE / RE",
        ] {
            out.push_str(&format!("| {} ", tr(lang, h)));
        }
        out.push_str("|\n|---|---|---|---|\n");
        for s in &p.studies {
            out.push_str(&format!(
                "| {} | {}{} | {:.4} {} | {:.1}% / {:.1}% |\n",
                esc(&s.title),
                esc(&s.printed),
                refs(&p.endpoint, &s.id),
                s.se,
                s.se_from.describe_in(lang),
                s.weight_fixed,
                s.weight_random
            ));
        }
        for e in [&p.fixed, &p.random].into_iter().flatten() {
            let pi = e.prediction.map_or(String::new(), |(a, b)| {
                format!(
                    "; {}",
                    trf(
                        lang,
                        "95% prediction interval %{low}–%{high}",
                        &[("low", &r3(a)), ("high", &r3(b))],
                    )
                )
            });
            out.push_str(&format!(
                "| **{}**, {} | {}{pi} | {} | |\n",
                trf(lang, "Pooled, %{model}", &[("model", &e.model)]),
                tr(lang, super::COMPUTED),
                estimate_text(&p.kind, e),
                heterogeneity_text(p, e)
            ));
        }
        for s in &p.not_pooled {
            out.push_str(&format!(
                "| {} | {} | | |\n",
                esc(&s.title),
                trf(
                    lang,
                    "not pooled: %{reason}",
                    &[("reason", &esc(&s.reason))]
                )
            ));
        }
    }
    out
}

/// The pooled lines of a comparison's CSV export: `field` (which says the line is computed by
/// evidex), the estimate, then heterogeneity, the pooled studies and the caveat; padded to
/// `columns` (at least 2) cells after the field, as the CSV's other rows are.
pub fn csv_rows(pools: &[Pool], columns: usize) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let row = |field: String, cells: Vec<String>| {
        let mut r = vec![field];
        r.extend(cells);
        while r.len() < columns + 1 {
            r.push(String::new());
        }
        r
    };
    for p in pools {
        for e in [&p.fixed, &p.random].into_iter().flatten() {
            let pi = e.prediction.map_or(String::new(), |(a, b)| {
                format!("; 95% prediction interval {}–{}", r3(a), r3(b))
            });
            let studies = p
                .studies
                .iter()
                .map(|s| format!("{} (SE {})", clean(&s.title), s.se_from.describe()))
                .collect::<Vec<_>>()
                .join(", ");
            rows.push(row(
                format!(
                    "{} pooled {}, {}",
                    clean(&p.endpoint),
                    e.model,
                    super::COMPUTED
                ),
                vec![
                    format!("{}{pi}", estimate_text(&p.kind, e)),
                    format!(
                        "{}; pooled: {studies}. {}",
                        heterogeneity_text(p, e),
                        super::CAVEAT
                    ),
                ],
            ));
        }
        for s in &p.not_pooled {
            rows.push(row(
                format!("{} not pooled", clean(&p.endpoint)),
                vec![clean(&s.title).into_owned(), clean(&s.reason).into_owned()],
            ));
        }
    }
    rows
}
