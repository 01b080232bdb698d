# Reference values for evidex's pooled estimates (src/meta), computed with metafor.
#
# Rerun from the repository root (needs R and metafor; on Debian `apt-get install r-cran-metafor`):
#     Rscript tests/metafor/pooled.R
# It reads tests/metafor/cases.csv (ratios as a source prints them: value, interval and its
# level in per cent (95 when empty), or an exact two-sided p-value) and writes
# tests/metafor/studies.csv (each study's log ratio and standard error, derived as evidex
# derives them) and tests/metafor/pooled.csv (rma() with method FE, REML and DL, and predict()).
# tests/meta.rs reads both; `cargo test` never runs R.
#
# The ratios of the cases other than acceptance-pfs are test inputs, not evidence.
# acceptance-pfs is EMERALD-1 and TALENTACE's progression-free survival hazard ratios with
# their exact p-values, as data/corpus.json records them.

suppressPackageStartupMessages(library(metafor))

dir <- "tests/metafor"
cases <- read.csv(file.path(dir, "cases.csv"), colClasses = c("character", "character",
                  "numeric", "numeric", "numeric", "numeric", "numeric"))

# The standard error of ln(ratio): from the interval, else from the exact p-value.
derive <- function(r) {
  yi <- log(r$ratio)
  if (!is.na(r$low)) {
    level <- ifelse(is.na(r$level), 95, r$level)
    z <- qnorm(0.5 + level / 200)
    sei <- (log(r$high) - log(r$low)) / (2 * z)
    from <- "ci"
  } else {
    z <- qnorm(1 - r$p / 2)
    sei <- abs(yi) / z
    from <- "p"
  }
  data.frame(case = r$case, study = r$study, yi = yi, sei = sei, from = from)
}

studies <- do.call(rbind, lapply(seq_len(nrow(cases)), function(i) derive(cases[i, ])))

f <- function(x) sprintf("%.15g", x)
out <- list()
for (case in unique(studies$case)) {
  d <- studies[studies$case == case, ]
  for (method in c("FE", "REML", "DL")) {
    m <- rma(yi = d$yi, sei = d$sei, method = method)
    p <- predict(m)
    pi <- if (method == "FE") c(NA, NA) else c(p$pi.lb, p$pi.ub)
    out[[length(out) + 1]] <- data.frame(
      case = case, method = method, k = m$k,
      estimate = f(m$b[1]), se = f(m$se), ci_lb = f(m$ci.lb), ci_ub = f(m$ci.ub),
      pval = f(m$pval), pi_lb = f(pi[1]), pi_ub = f(pi[2]),
      tau2 = f(m$tau2), I2 = f(m$I2), H2 = f(m$H2), QE = f(m$QE), QEp = f(m$QEp),
      ratio = f(exp(m$b[1])), ratio_lb = f(exp(m$ci.lb)), ratio_ub = f(exp(m$ci.ub)))
  }
}
pooled <- do.call(rbind, out)

studies$yi <- f(studies$yi)
studies$sei <- f(studies$sei)
write.csv(studies, file.path(dir, "studies.csv"), row.names = FALSE, quote = FALSE)
write.csv(pooled, file.path(dir, "pooled.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("metafor %s, R %s: wrote %s and %s\n", packageVersion("metafor"),
            getRversion(), file.path(dir, "studies.csv"), file.path(dir, "pooled.csv")))
