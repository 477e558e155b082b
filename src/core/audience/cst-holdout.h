/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "store/cst-store.h"

G_BEGIN_DECLS

/* Planning and reading a holdout test: how many people an audience and its holdout need, and
 * what lift a campaign measured, with a confidence interval. */

typedef struct
{
  gsize  n_holdout;      /* people to hold back */
  gsize  n_treatment;    /* people to reach */
  gsize  n_total;        /* the audience: holdout + treatment */
  double treated_rate;   /* the rate the lift stands for: baseline × (1 + lift) */
} CstSampleSize;

/**
 * cst_holdout_sample_size:
 * @baseline: the conversion rate without the campaign, in (0, 1)
 * @min_lift: the smallest relative lift worth detecting (0.10 = +10 %), > 0
 * @alpha: two-sided significance level (0.05)
 * @power: probability of detecting @min_lift when it is real (0.8)
 * @holdout_share: the share of the audience held back, in (0, 1)
 *
 * Two-proportion z-test without continuity correction (Fleiss, Statistical Methods for Rates
 * and Proportions, 1981, eq. 3.14 generalized to unequal groups). Constant time.
 *
 * Returns: %FALSE when the inputs are out of range or the treated rate would exceed 1
 */
gboolean cst_holdout_sample_size (double         baseline,
                                  double         min_lift,
                                  double         alpha,
                                  double         power,
                                  double         holdout_share,
                                  CstSampleSize *result);

typedef struct
{
  gsize  n_treatment;
  gsize  conversions_treatment;
  gsize  n_holdout;
  gsize  conversions_holdout;
  double rate_treatment;
  double rate_holdout;
  double absolute_lift;     /* rate_treatment − rate_holdout */
  double absolute_low;      /* Wald interval of the difference */
  double absolute_high;
  double relative_lift;     /* rate_treatment / rate_holdout − 1; NAN when the holdout had none */
  double relative_low;      /* from the log risk ratio (Katz et al. 1978) */
  double relative_high;
  double p_value;           /* two-sided, pooled two-proportion z-test */
  gsize  n_unmatched;       /* results rows whose person is not in the audience */
} CstLift;

/* The lift of conversions in treatment against holdout, with a (1 − @alpha) interval. */
gboolean cst_holdout_lift        (gsize          conversions_treatment,
                                  gsize          n_treatment,
                                  gsize          conversions_holdout,
                                  gsize          n_holdout,
                                  double         alpha,
                                  CstLift       *result);

/**
 * cst_holdout_measure_csv:
 * @store: the project
 * @audience_id: an exported audience (#CstExportSummary.audience_id)
 * @results_path: a CSV with a header naming `email` or `person_id`, and `converted`
 *   (1/0, yes/no, true/false); people of the audience missing from it did not convert
 *
 * Counts conversions among the exported people and the holdout of the audience and computes
 * the lift (cst_holdout_lift() at α = 0.05). Errors name the file, line and column.
 */
gboolean cst_holdout_measure_csv (CstStore      *store,
                                  gint64         audience_id,
                                  const char    *results_path,
                                  CstLift       *result,
                                  GError       **error);

/* The standard normal quantile (Acklam's rational approximation refined by one Halley step;
 * relative error below 1e-12 on (0, 1)). */
double   cst_normal_quantile     (double         p);
double   cst_normal_cdf          (double         x);

G_END_DECLS
