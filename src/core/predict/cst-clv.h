/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"

G_BEGIN_DECLS

/* Customer lifetime value from "buy till you die" models: BG/NBD (Fader, Hardie & Lee 2005,
 * "Counting Your Customers the Easy Way") for how many purchases a customer will make, and
 * Gamma-Gamma (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value") for how much each
 * one will be worth. Time is measured in weeks, as in the papers. */

#define CST_WEEKS_PER_MONTH (365.25 / 12.0 / 7.0)

/* One customer summarized at the end of a calibration period. Transactions on the same day
 * count as one (their amounts add up). */
typedef struct
{
  double x;        /* repeat transactions in the calibration period (all but the first), ≥ 0 */
  double t_x;      /* weeks from the first to the last transaction (0 when x = 0) */
  double T;        /* weeks from the first transaction to the end of the calibration period */
  double m_x;      /* mean value of the repeat transactions; NAN when x = 0 or without amounts */
  double x_star;   /* transactions in the holdout period after it; NAN without a holdout */
} CstClvCustomer;

typedef struct
{
  double r, alpha, a, b;     /* BG/NBD: purchase rate Gamma(r, α); dropout Beta(a, b) */
  double log_likelihood;     /* at these parameters, over the customers fitted */
} CstBgnbdParams;

typedef struct
{
  double p, q, gamma;        /* Gamma-Gamma: spend per transaction Gamma(p, ν), ν ~ Gamma(q, γ) */
  double log_likelihood;
} CstGammaGammaParams;

/* Summaries from a transaction log. @customer, @time (seconds since 1970, wall clock) and
 * @amount (nullable) are @n parallel arrays sorted by customer, then time; customers are any
 * integers. Transactions up to and including the day of @calibration_end make the calibration
 * period; those after it and up to @observation_end count as holdout (x_star; pass
 * @observation_end = @calibration_end for none). Customers whose first transaction falls after
 * @calibration_end are left out. Returns: (transfer full): CstClvCustomer, with the customer of
 * each row in @ids (gint64, transfer full) when not %NULL. Cost O(n). */
GArray   *cst_clv_summarize                (const gint64          *customer,
                                            const gint64          *time,
                                            const double          *amount,
                                            gsize                  n,
                                            gint64                 calibration_end,
                                            gint64                 observation_end,
                                            GArray               **ids);

/* Log-likelihoods summed over customers with optional @weights (bootstrap counts; NULL = 1).
 * When @gradient is not NULL it receives the derivatives with respect to the LOG parameters
 * (log r, log α, log a, log b) or (log p, log q, log γ). Gamma-Gamma uses only customers with
 * x > 0 and a positive m_x. */
double    cst_bgnbd_log_likelihood         (const CstBgnbdParams       *params,
                                            const CstClvCustomer       *customers,
                                            const double               *weights,
                                            gsize                       n,
                                            double                     *gradient);
double    cst_gamma_gamma_log_likelihood   (const CstGammaGammaParams  *params,
                                            const CstClvCustomer       *customers,
                                            const double               *weights,
                                            gsize                       n,
                                            double                     *gradient);

/* Maximum likelihood in log-parameter space (Nelder–Mead from a neutral start, then BFGS with
 * the analytic gradient; with @params already holding a fit and @warm_start, BFGS alone).
 * Fails with a sentence when the data cannot identify the model (no repeat purchase at all). */
gboolean  cst_bgnbd_fit                    (const CstClvCustomer       *customers,
                                            const double               *weights,
                                            gsize                       n,
                                            gboolean                    warm_start,
                                            CstBgnbdParams             *params,
                                            GError                    **error);
gboolean  cst_gamma_gamma_fit              (const CstClvCustomer       *customers,
                                            const double               *weights,
                                            gsize                       n,
                                            gboolean                    warm_start,
                                            CstGammaGammaParams        *params,
                                            GError                    **error);

/* Gauss's 2F1(a, b; c; z) for 0 ≤ z < 1 by its power series (c not 0, −1, −2, …), summed to a relative
 * 1e-15; up to 200,000 terms as z → 1. */
double    cst_hyp2f1                       (double a,
                                            double b,
                                            double c,
                                            double z);
/* Probability that the customer is still active at the end of calibration, in [0, 1]. */
double    cst_bgnbd_p_alive                (const CstBgnbdParams       *params,
                                            const CstClvCustomer       *customer);
/* Expected transactions in the @t weeks after the end of calibration (FHL 2005, eq. 10), ≥ 0. */
double    cst_bgnbd_expected               (const CstBgnbdParams       *params,
                                            const CstClvCustomer       *customer,
                                            double                      t);
/* Expected transactions of a new customer in the first @t weeks (FHL 2005, eq. 9). */
double    cst_bgnbd_expected_new           (const CstBgnbdParams       *params,
                                            double                      t);
/* Expected value of one future transaction: the conditional mean of Gamma-Gamma for repeat
 * customers, the population mean pγ/(q − 1) for the others (@fallback_mean when q ≤ 1). */
double    cst_gamma_gamma_expected_spend   (const CstGammaGammaParams  *params,
                                            const CstClvCustomer       *customer,
                                            double                      fallback_mean);

typedef struct
{
  double  horizon_weeks;     /* expected purchases over this many weeks (default 52) */
  guint   months;            /* lifetime value over this many months (default 12) */
  double  monthly_discount;  /* discount rate per month (default 0.01) */
  guint   n_bootstrap;       /* parameter bootstrap replicates for the ranges (default 40; 0: none) */
  guint32 seed;              /* of the bootstrap's GRand (default 42) */
} CstClvOptions;

/* Per customer, in the order given; each value with its 10th and 90th bootstrap percentiles
 * (equal to the value without bootstrap). All values are ≥ 0; P(alive) is in [0, 1]. */
typedef struct
{
  double expected_purchases, expected_purchases_low, expected_purchases_high;
  double p_alive, p_alive_low, p_alive_high;
  double expected_spend, expected_spend_low, expected_spend_high;
  double clv, clv_low, clv_high;
} CstClvValue;

typedef struct
{
  CstClvOptions        options;
  CstBgnbdParams       bgnbd;
  CstGammaGammaParams  gamma_gamma;
  gboolean             has_spend;       /* amounts were given and ≥ 2 repeat customers had them */
  gsize                n_customers;
  gsize                n_repeat;        /* customers with x > 0 (Gamma-Gamma's data) */
  double               population_spend; /* mean spend of a transaction in the population */
  guint                n_bootstrap;     /* replicates that converged */
  CstClvValue         *values;          /* n_customers */
  double               seconds_fit;
  double               seconds_bootstrap;
} CstClvResult;

/* Expected repeat purchases in the holdout against what happened, by calibration frequency. */
typedef struct
{
  guint  frequency;      /* repeat purchases in calibration; the last group holds ≥ this */
  gsize  n_customers;
  double actual;         /* mean holdout purchases per customer */
  double predicted;      /* mean of the BG/NBD conditional expectation */
} CstClvHoldoutGroup;

void          cst_clv_options_init         (CstClvOptions              *options);
/* Fits both models, predicts every customer and bootstraps the ranges (customers resampled
 * with replacement, both models refitted from the full fit, 10th/90th percentiles). Cost: one
 * fit of each plus n_bootstrap warm-started refits and 12 hypergeometric series per customer
 * per replicate. */
CstClvResult *cst_clv_fit                  (const CstClvCustomer       *customers,
                                            gsize                       n,
                                            const CstClvOptions        *options,
                                            GCancellable               *cancellable,
                                            CstProgressFunc             progress,
                                            gpointer                    progress_data,
                                            GError                    **error);
void          cst_clv_result_free          (CstClvResult               *result);
/* Groups 0, 1, …, max_group − 1 and "max_group or more" (FHL 2005 use 7+). */
GArray       *cst_clv_holdout_by_frequency (const CstBgnbdParams       *params,
                                            const CstClvCustomer       *customers,
                                            gsize                       n,
                                            double                      holdout_weeks,
                                            guint                       max_group);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstClvResult, cst_clv_result_free)

G_END_DECLS
