//! Inverse-variance pooling of effect sizes, as metafor's `rma()` computes it.
//!
//! Pure numbers: effect sizes `y` (log ratios) with their sampling variances `v` in, a [`Fit`]
//! out. The fixed-effect model weights each study by `1/v`; the random-effects model by
//! `1/(v + τ²)`, with τ² estimated by restricted maximum likelihood (Fisher scoring from the
//! Hedges estimate, step 1, convergence when τ² changes by less than 1e-5, at most 100
//! iterations, τ² truncated at 0: `rma()`'s defaults) or by the DerSimonian–Laird moment
//! estimator. Cochran's Q always uses the fixed-effect weights; I² and H² follow `rma()`: from
//! Q for the fixed-effect model, from τ² and the typical within-study variance for random
//! effects. Intervals use the normal quantile (`rma()`'s default `test = "z"`), and the
//! prediction interval is `predict()`'s default: the estimate ± z·√(SE² + τ²).
//!
//! The reference values the tests pin come from metafor itself (`tests/metafor/pooled.R`).

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// The normal quantile of a two-sided 95 % interval, as R's `qnorm(0.975)` gives it.
pub const Z95: f64 = 1.959_963_984_540_054;

/// How studies are pooled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Inverse-variance fixed effect (`rma(method = "FE")`, `"EE"` in metafor 4).
    Fixed,
    /// Random effects, τ² by restricted maximum likelihood (`rma(method = "REML")`).
    Reml,
    /// Random effects, τ² by DerSimonian–Laird (`rma(method = "DL")`).
    Dl,
}

/// Why a set of studies cannot be pooled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("pooling needs at least two studies")]
    TooFew,
    #[error("an effect size or variance is not a finite number, or a variance is not positive")]
    Invalid,
    #[error("the REML estimate of τ² did not converge in {0} iterations")]
    NoConvergence(u32),
}

/// A pooled estimate on the scale of `y` (log ratios), with heterogeneity.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub method: Method,
    /// Number of studies.
    pub k: usize,
    pub estimate: f64,
    pub se: f64,
    /// Two-sided test of estimate = 0.
    pub z: f64,
    pub p: f64,
    /// 95 % confidence interval.
    pub ci: (f64, f64),
    /// 95 % prediction interval (random effects only; for a fixed effect it is the CI).
    pub pi: Option<(f64, f64)>,
    /// Between-study variance (0 for the fixed-effect model).
    pub tau2: f64,
    /// Per cent.
    pub i2: f64,
    pub h2: f64,
    /// Cochran's Q, its degrees of freedom (k − 1) and upper-tail chi-square p.
    pub q: f64,
    pub df: usize,
    pub q_p: f64,
    /// Each study's weight in per cent, in input order.
    pub weights: Vec<f64>,
    /// Fisher-scoring iterations (REML only).
    pub iterations: u32,
}

/// The REML convergence threshold, iteration limit and step of `rma()`'s `control`.
const THRESHOLD: f64 = 1e-5;
const MAX_ITER: u32 = 100;
const STEP: f64 = 1.0;

/// `Φ⁻¹(p)`, the standard normal quantile.
pub fn qnorm(p: f64) -> f64 {
    // Normal::new(0, 1) cannot fail.
    Normal::new(0.0, 1.0).map_or(f64::NAN, |n| n.inverse_cdf(p))
}

/// Upper tail of the standard normal.
pub fn pnorm_upper(z: f64) -> f64 {
    Normal::new(0.0, 1.0).map_or(f64::NAN, |n| n.sf(z))
}

/// Upper tail of the chi-square distribution with `df` degrees of freedom.
pub fn pchisq_upper(x: f64, df: usize) -> f64 {
    ChiSquared::new(df as f64).map_or(f64::NAN, |c| c.sf(x))
}

/// Inverse-variance weighted mean and its variance.
fn weighted(y: &[f64], w: &[f64]) -> (f64, f64) {
    let sw: f64 = w.iter().sum();
    let mu = y.iter().zip(w).map(|(y, w)| y * w).sum::<f64>() / sw;
    (mu, 1.0 / sw)
}

/// Pools `y` with sampling variances `v` by `method`.
pub fn fit(y: &[f64], v: &[f64], method: Method) -> Result<Fit, FitError> {
    let k = y.len();
    if k < 2 || v.len() != k {
        return Err(FitError::TooFew);
    }
    if y.iter().any(|x| !x.is_finite()) || v.iter().any(|x| !x.is_finite() || *x <= 0.0) {
        return Err(FitError::Invalid);
    }
    let df = k - 1;
    // Cochran's Q with fixed-effect weights.
    let w: Vec<f64> = v.iter().map(|v| 1.0 / v).collect();
    let (mu_fe, _) = weighted(y, &w);
    let q: f64 = y.iter().zip(&w).map(|(y, w)| w * (y - mu_fe).powi(2)).sum();
    let sw: f64 = w.iter().sum();
    let sw2: f64 = w.iter().map(|w| w * w).sum();
    let c = sw - sw2 / sw;
    // The typical within-study variance of I² (Higgins & Thompson), as `rma()` computes it.
    let vt = df as f64 / c;

    let mut iterations = 0;
    let tau2 = match method {
        Method::Fixed => 0.0,
        Method::Dl => ((q - df as f64) / c).max(0.0),
        Method::Reml => {
            let (t, n) = reml(y, v)?;
            iterations = n;
            t
        }
    };
    let ws: Vec<f64> = v.iter().map(|v| 1.0 / (v + tau2)).collect();
    let (estimate, var) = weighted(y, &ws);
    let se = var.sqrt();
    let z = estimate / se;
    let p = 2.0 * pnorm_upper(z.abs());
    let ci = (estimate - Z95 * se, estimate + Z95 * se);
    let (i2, h2, pi) = match method {
        Method::Fixed => (
            if q > 0.0 {
                (100.0 * (q - df as f64) / q).max(0.0)
            } else {
                0.0
            },
            q / df as f64,
            None,
        ),
        Method::Reml | Method::Dl => {
            let half = Z95 * (var + tau2).sqrt();
            (
                100.0 * tau2 / (vt + tau2),
                1.0 + tau2 / vt,
                Some((estimate - half, estimate + half)),
            )
        }
    };
    let sws: f64 = ws.iter().sum();
    Ok(Fit {
        method,
        k,
        estimate,
        se,
        z,
        p,
        ci,
        pi,
        tau2,
        i2,
        h2,
        q,
        df,
        q_p: pchisq_upper(q, df),
        weights: ws.iter().map(|w| 100.0 * w / sws).collect(),
        iterations,
    })
}

/// τ² by REML: Fisher scoring as `rma()` does it for an intercept-only model. A step that
/// would take τ² below 0 is halved until it does not; after convergence, τ² is set to 0 when
/// the restricted likelihood at 0 is higher (by more than `rma()`'s tolerance), as `rma()`
/// does when the algorithm stops at a local maximum.
fn reml(y: &[f64], v: &[f64]) -> Result<(f64, u32), FitError> {
    let k = y.len() as f64;
    // Start from the Hedges (HE) estimate, truncated at 0.
    let mean = y.iter().sum::<f64>() / k;
    let ss = y.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (k - 1.0);
    let mut tau2 = (ss - v.iter().sum::<f64>() / k).max(0.0);
    let mut iter = 0;
    loop {
        let w: Vec<f64> = v.iter().map(|v| 1.0 / (v + tau2)).collect();
        let sw: f64 = w.iter().sum();
        let sw2: f64 = w.iter().map(|w| w * w).sum();
        let sw3: f64 = w.iter().map(|w| w * w * w).sum();
        let (mu, _) = weighted(y, &w);
        // P = W − w wᵀ / Σw; PY = w ∘ (y − μ̂).
        let ypy: f64 = y.iter().zip(&w).map(|(y, w)| (w * (y - mu)).powi(2)).sum();
        let tr_p = sw - sw2 / sw;
        let tr_pp = sw2 - 2.0 * sw3 / sw + (sw2 / sw).powi(2);
        let mut adj = STEP * (ypy - tr_p) / tr_pp;
        if adj.is_nan() {
            adj = 0.0;
        }
        while tau2 + adj < 0.0 {
            adj /= 2.0;
        }
        let old = tau2;
        tau2 += adj;
        iter += 1;
        if !tau2.is_finite() || iter > MAX_ITER {
            return Err(FitError::NoConvergence(MAX_ITER));
        }
        if (tau2 - old).abs() <= THRESHOLD {
            break;
        }
    }
    if reml_loglik(y, v, 0.0) - reml_loglik(y, v, tau2) > LL_TOL && tau2 > THRESHOLD {
        tau2 = 0.0;
    }
    Ok((tau2.max(0.0), iter))
}

/// `rma()`'s tolerance for the likelihood check: `.Machine$double.eps^0.25`.
const LL_TOL: f64 = 1.220_703_125e-4;

/// The restricted log-likelihood of an intercept-only model at `tau2`.
fn reml_loglik(y: &[f64], v: &[f64], tau2: f64) -> f64 {
    let k = y.len() as f64;
    let w: Vec<f64> = v.iter().map(|v| 1.0 / (v + tau2)).collect();
    let (mu, var) = weighted(y, &w);
    let rss: f64 = y.iter().zip(&w).map(|(y, w)| w * (y - mu).powi(2)).sum();
    -0.5 * (k - 1.0) * (2.0 * std::f64::consts::PI).ln()
        - 0.5 * v.iter().map(|v| (v + tau2).ln()).sum::<f64>()
        + 0.5 * var.ln()
        - 0.5 * rss
}
