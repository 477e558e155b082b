/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-clv"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cst-clv.h"
#include "numeric/cst-optimize.h"
#include "numeric/cst-compare.h"

#define SECONDS_PER_DAY 86400

/* Parameters live in log space during fitting, so every step stays positive; these bounds keep
 * lgamma and exp far from overflow when a line search probes wildly. */
#define LOG_PARAM_LIMIT 18.0

static inline gint64
day_of (gint64 t)
{
  return t >= 0 ? t / SECONDS_PER_DAY : -((-t + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);
}

GArray *
cst_clv_summarize (const gint64  *customer,
                   const gint64  *time,
                   const double  *amount,
                   gsize          n,
                   gint64         calibration_end,
                   gint64         observation_end,
                   GArray       **ids)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (CstClvCustomer));
  g_autoptr(GArray) who = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 cal_day = day_of (calibration_end);
  gint64 obs_day = day_of (observation_end);
  gsize i = 0;

  while (i < n)
    {
      gint64 id = customer[i];
      gint64 first_day = day_of (time[i]), last_day = first_day, prev_day = G_MININT64;
      double x = -1, holdout = 0, repeat_sum = 0, day_amount = 0;
      gboolean amounts_ok = amount != NULL;
      CstClvCustomer c;

      /* A day's transactions are one purchase: amounts are added per day, and the first day's
       * purchase is not a repeat. */
      for (; i < n && customer[i] == id; i++)
        {
          gint64 d = day_of (time[i]);

          if (d > cal_day)
            {
              if (d <= obs_day && d != prev_day)
                holdout++;
              prev_day = d;
              continue;
            }
          if (d != prev_day)
            {
              if (x >= 1)
                repeat_sum += day_amount;
              x++;
              day_amount = 0;
              last_day = d;
            }
          prev_day = d;
          if (amount != NULL)
            {
              if (isnan (amount[i]))
                amounts_ok = FALSE;
              else
                day_amount += amount[i];
            }
        }
      if (x < 0)
        continue;   /* first seen after calibration */
      if (x >= 1)
        repeat_sum += day_amount;

      c.x = x;
      c.t_x = (last_day - first_day) / 7.0;
      c.T = (cal_day - first_day) / 7.0;
      c.m_x = x >= 1 && amounts_ok ? repeat_sum / x : NAN;
      c.x_star = obs_day > cal_day ? holdout : NAN;
      g_array_append_val (out, c);
      g_array_append_val (who, id);
    }

  if (ids != NULL)
    *ids = g_steal_pointer (&who);
  return g_steal_pointer (&out);
}

/* BG/NBD ---------------------------------------------------------------------------------- */

typedef struct
{
  const CstClvCustomer *customers;
  const double         *weights;
  gsize                 n;
  double                total_weight;
  guint                 max_x;
  /* Per distinct x, refreshed for each parameter vector: everything that depends only on x. */
  double               *c1, *c2, *c3, *d1r, *d2a, *d2b, *d3a, *d3b;
} BgnbdData;

static double
bgnbd_ll (const double *theta,
          BgnbdData    *data,
          double       *grad)
{
  double r = exp (theta[0]), alpha = exp (theta[1]), a = exp (theta[2]), b = exp (theta[3]);
  double lbeta_ab = cst_lbeta (a, b), lgamma_r = lgamma (r), log_alpha = log (alpha);
  double psi_r = 0, psi_ab = 0, psi_a = 0, psi_b = 0, psi_a1 = 0;
  double ll = 0, g[4] = { 0 };

  for (guint k = 0; k < 4; k++)
    if (!(fabs (theta[k]) < LOG_PARAM_LIMIT))
      return NAN;

  if (grad != NULL)
    {
      psi_r = cst_digamma (r);
      psi_ab = cst_digamma (a + b);
      psi_a = cst_digamma (a);
      psi_b = cst_digamma (b);
      psi_a1 = cst_digamma (a + 1);
    }
  for (guint x = 0; x <= data->max_x; x++)
    {
      data->c1[x] = lgamma (r + x) - lgamma_r;
      data->c2[x] = cst_lbeta (a, b + x) - lbeta_ab;
      data->c3[x] = x > 0 ? cst_lbeta (a + 1, b + x - 1) - lbeta_ab : -INFINITY;
      if (grad != NULL)
        {
          double psi_abx = cst_digamma (a + b + x);

          data->d1r[x] = cst_digamma (r + x) - psi_r;
          data->d2a[x] = psi_ab - psi_abx;
          data->d2b[x] = cst_digamma (b + x) - psi_abx - psi_b + psi_ab;
          data->d3a[x] = x > 0 ? psi_a1 - psi_abx - psi_a + psi_ab : 0;
          data->d3b[x] = x > 0 ? cst_digamma (b + x - 1) - psi_abx - psi_b + psi_ab : 0;
        }
    }

  for (gsize i = 0; i < data->n; i++)
    {
      const CstClvCustomer *c = &data->customers[i];
      double w = data->weights != NULL ? data->weights[i] : 1.0;
      guint x = (guint) c->x;
      double rx = r + x, log_aT = log (alpha + c->T), a1, a2, a3, lse;

      if (w == 0)
        continue;
      a1 = data->c1[x] + r * log_alpha;
      a2 = data->c2[x] - rx * log_aT;
      a3 = x > 0 ? data->c3[x] - rx * log (alpha + c->t_x) : -INFINITY;
      lse = cst_log_add_exp (a2, a3);
      ll += w * (a1 + lse);

      if (grad != NULL)
        {
          double w2 = exp (a2 - lse), w3 = x > 0 ? exp (a3 - lse) : 0.0;
          double log_atx = x > 0 ? log (alpha + c->t_x) : 0.0;

          g[0] += w * (data->d1r[x] + log_alpha - w2 * log_aT - w3 * log_atx);
          g[1] += w * (r / alpha - w2 * rx / (alpha + c->T) - (x > 0 ? w3 * rx / (alpha + c->t_x) : 0.0));
          g[2] += w * (w2 * data->d2a[x] + w3 * data->d3a[x]);
          g[3] += w * (w2 * data->d2b[x] + w3 * data->d3b[x]);
        }
    }

  if (grad != NULL)
    {
      /* Chain rule to the log parameters: ∂/∂log θ = θ ∂/∂θ. */
      grad[0] = g[0] * r;
      grad[1] = g[1] * alpha;
      grad[2] = g[2] * a;
      grad[3] = g[3] * b;
    }
  return ll;
}

static void
bgnbd_data_init (BgnbdData            *data,
                 const CstClvCustomer *customers,
                 const double         *weights,
                 gsize                 n)
{
  memset (data, 0, sizeof *data);
  data->customers = customers;
  data->weights = weights;
  data->n = n;
  for (gsize i = 0; i < n; i++)
    {
      data->max_x = MAX (data->max_x, (guint) customers[i].x);
      data->total_weight += weights != NULL ? weights[i] : 1.0;
    }
  data->c1 = g_new (double, 8 * (data->max_x + 1));
  data->c2 = data->c1 + (data->max_x + 1);
  data->c3 = data->c2 + (data->max_x + 1);
  data->d1r = data->c3 + (data->max_x + 1);
  data->d2a = data->d1r + (data->max_x + 1);
  data->d2b = data->d2a + (data->max_x + 1);
  data->d3a = data->d2b + (data->max_x + 1);
  data->d3b = data->d3a + (data->max_x + 1);
}

static void
bgnbd_data_clear (BgnbdData *data)
{
  g_clear_pointer (&data->c1, g_free);
}

double
cst_bgnbd_log_likelihood (const CstBgnbdParams *params,
                          const CstClvCustomer *customers,
                          const double         *weights,
                          gsize                 n,
                          double               *gradient)
{
  BgnbdData data;
  double theta[4], ll;

  g_return_val_if_fail (params != NULL && (customers != NULL || n == 0), NAN);

  theta[0] = log (params->r);
  theta[1] = log (params->alpha);
  theta[2] = log (params->a);
  theta[3] = log (params->b);
  bgnbd_data_init (&data, customers, weights, n);
  ll = bgnbd_ll (theta, &data, gradient);
  bgnbd_data_clear (&data);
  return ll;
}

/* A very weak ridge on the log parameters. When the data push a parameter to the edge (no
 * dropout at all: a → 0; spend that never varies within a customer: p → ∞) the likelihood keeps
 * creeping upwards forever, and the optimizer with it. This pulls such fits back to a finite
 * point at negligible cost elsewhere: on CDNOW it moves no estimate in the fourth digit. */
#define RIDGE 1e-7

/* The objective both fits minimize: the mean negative log-likelihood ll / total_weight plus the
 * ridge, given ll and its gradient (in @gradient, turned into the objective's) at theta. */
static double
ridged_mean_objective (double        ll,
                       double        total_weight,
                       const double *theta,
                       guint         n,
                       double       *gradient)
{
  double penalty = 0;

  for (guint k = 0; k < n; k++)
    {
      penalty += RIDGE * theta[k] * theta[k];
      if (gradient != NULL)
        gradient[k] = -gradient[k] / total_weight + 2 * RIDGE * theta[k];
    }
  return -ll / total_weight + penalty;
}

/* Minimizes @objective over the log parameters theta (n of them), in place. A warm start
 * refines theta with BFGS alone (200 iterations); a cold one first runs Nelder-Mead (600) from
 * theta's neutral start, then BFGS. Both fits share these settings. */
static void
minimize_log_params (CstObjectiveFunc  objective,
                     gpointer          data,
                     double           *theta,
                     guint             n,
                     gboolean          warm_start)
{
  CstOptimizeOptions options;
  CstOptimizeResult result;

  cst_optimize_options_init (&options);
  if (warm_start)
    options.max_iter = 200;
  else
    {
      options.max_iter = 600;
      cst_optimize_nelder_mead (objective, data, theta, n, &options, &result);
      options.max_iter = 0;
    }
  options.tol = 1e-9;
  cst_optimize_bfgs (objective, TRUE, data, theta, n, &options, &result);
}

/* The mean negative log-likelihood (plus the ridge): averaging keeps the gradient tolerance
 * meaningful for any number of customers. */
static double
bgnbd_objective (const double *theta,
                 guint         n,
                 double       *gradient,
                 gpointer      user_data)
{
  BgnbdData *data = user_data;

  return ridged_mean_objective (bgnbd_ll (theta, data, gradient), data->total_weight, theta, n, gradient);
}

gboolean
cst_bgnbd_fit (const CstClvCustomer *customers,
               const double         *weights,
               gsize                 n,
               gboolean              warm_start,
               CstBgnbdParams       *params,
               GError              **error)
{
  BgnbdData data;
  double theta[4] = { 0, 0, 0, 0 };
  gboolean any_repeat = FALSE;

  g_return_val_if_fail (params != NULL, FALSE);

  for (gsize i = 0; i < n && !any_repeat; i++)
    any_repeat = customers[i].x > 0 && (weights == NULL || weights[i] > 0);
  if (!any_repeat)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("No customer bought more than once, so future purchases cannot be estimated."));
      return FALSE;
    }

  bgnbd_data_init (&data, customers, weights, n);
  if (warm_start)
    {
      theta[0] = log (params->r);
      theta[1] = log (params->alpha);
      theta[2] = log (params->a);
      theta[3] = log (params->b);
    }
  else
    {
      double mean_T = 0;

      /* A neutral start: rates of the order of one purchase per average customer life. */
      for (gsize i = 0; i < n; i++)
        mean_T += customers[i].T / n;
      theta[1] = log (MAX (mean_T, 1.0));
    }
  minimize_log_params (bgnbd_objective, &data, theta, 4, warm_start);

  params->r = exp (theta[0]);
  params->alpha = exp (theta[1]);
  params->a = exp (theta[2]);
  params->b = exp (theta[3]);
  params->log_likelihood = bgnbd_ll (theta, &data, NULL);
  bgnbd_data_clear (&data);

  if (!isfinite (params->log_likelihood))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The purchase model could not be fitted to these customers."));
      return FALSE;
    }
  return TRUE;
}

/* Gamma-Gamma ----------------------------------------------------------------------------- */

typedef struct
{
  const CstClvCustomer *customers;
  const double         *weights;
  gsize                 n;
  double                total_weight;
} GammaGammaData;

static inline gboolean
is_repeat_with_spend (const CstClvCustomer *c)
{
  return c->x > 0 && c->m_x > 0 && isfinite (c->m_x);
}

static double
gamma_gamma_ll (const double   *theta,
                GammaGammaData *data,
                double         *grad)
{
  double p = exp (theta[0]), q = exp (theta[1]), gamma = exp (theta[2]);
  double lgamma_q = lgamma (q), log_gamma = log (gamma), psi_q = grad != NULL ? cst_digamma (q) : 0;
  double ll = 0, g[3] = { 0 };

  for (guint k = 0; k < 3; k++)
    if (!(fabs (theta[k]) < LOG_PARAM_LIMIT))
      return NAN;

  for (gsize i = 0; i < data->n; i++)
    {
      const CstClvCustomer *c = &data->customers[i];
      double w = data->weights != NULL ? data->weights[i] : 1.0;
      double px, log_m, log_x, log_gmx;

      if (w == 0 || !is_repeat_with_spend (c))
        continue;
      px = p * c->x;
      log_m = log (c->m_x);
      log_x = log (c->x);
      log_gmx = log (gamma + c->m_x * c->x);
      ll += w * (lgamma (px + q) - lgamma (px) - lgamma_q + q * log_gamma + (px - 1) * log_m +
                 px * log_x - (px + q) * log_gmx);
      if (grad != NULL)
        {
          double psi_pxq = cst_digamma (px + q);

          g[0] += w * c->x * (psi_pxq - cst_digamma (px) + log_m + log_x - log_gmx);
          g[1] += w * (psi_pxq - psi_q + log_gamma - log_gmx);
          g[2] += w * (q / gamma - (px + q) / (gamma + c->m_x * c->x));
        }
    }
  if (grad != NULL)
    {
      grad[0] = g[0] * p;
      grad[1] = g[1] * q;
      grad[2] = g[2] * gamma;
    }
  return ll;
}

static void
gamma_gamma_data_init (GammaGammaData       *data,
                       const CstClvCustomer *customers,
                       const double         *weights,
                       gsize                 n)
{
  memset (data, 0, sizeof *data);
  data->customers = customers;
  data->weights = weights;
  data->n = n;
  for (gsize i = 0; i < n; i++)
    if (is_repeat_with_spend (&customers[i]))
      data->total_weight += weights != NULL ? weights[i] : 1.0;
}

double
cst_gamma_gamma_log_likelihood (const CstGammaGammaParams *params,
                                const CstClvCustomer      *customers,
                                const double              *weights,
                                gsize                      n,
                                double                    *gradient)
{
  GammaGammaData data;
  double theta[3];

  g_return_val_if_fail (params != NULL && (customers != NULL || n == 0), NAN);

  theta[0] = log (params->p);
  theta[1] = log (params->q);
  theta[2] = log (params->gamma);
  gamma_gamma_data_init (&data, customers, weights, n);
  return gamma_gamma_ll (theta, &data, gradient);
}

static double
gamma_gamma_objective (const double *theta,
                       guint         n,
                       double       *gradient,
                       gpointer      user_data)
{
  GammaGammaData *data = user_data;

  return ridged_mean_objective (gamma_gamma_ll (theta, data, gradient), data->total_weight, theta, n,
                                gradient);
}

gboolean
cst_gamma_gamma_fit (const CstClvCustomer *customers,
                     const double         *weights,
                     gsize                 n,
                     gboolean              warm_start,
                     CstGammaGammaParams  *params,
                     GError              **error)
{
  GammaGammaData data;
  double theta[3] = { 0, 0, 0 };
  double mean = 0;
  gsize n_repeat = 0;

  g_return_val_if_fail (params != NULL, FALSE);

  gamma_gamma_data_init (&data, customers, weights, n);
  for (gsize i = 0; i < n; i++)
    if (is_repeat_with_spend (&customers[i]) && (weights == NULL || weights[i] > 0))
      {
        n_repeat++;
        mean += customers[i].m_x;
      }
  if (n_repeat < 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Fewer than two customers bought again with a known amount, so spend per purchase cannot be estimated."));
      return FALSE;
    }
  mean /= n_repeat;

  if (warm_start)
    {
      theta[0] = log (params->p);
      theta[1] = log (params->q);
      theta[2] = log (params->gamma);
    }
  else
    {
      /* Start where the population mean pγ/(q − 1) equals the observed mean, with q = 2. */
      theta[1] = log (2.0);
      theta[2] = log (mean);
    }
  minimize_log_params (gamma_gamma_objective, &data, theta, 3, warm_start);
  params->p = exp (theta[0]);
  params->q = exp (theta[1]);
  params->gamma = exp (theta[2]);
  params->log_likelihood = gamma_gamma_ll (theta, &data, NULL);

  if (!isfinite (params->log_likelihood))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The spend model could not be fitted to these customers."));
      return FALSE;
    }
  return TRUE;
}

/* Predictions ----------------------------------------------------------------------------- */

double
cst_hyp2f1 (double a,
            double b,
            double c,
            double z)
{
  double term = 1.0, sum = 1.0;

  /* c ≤ 0 happens (x = 0 with a + b < 1) and is fine unless it is a pole: 0, −1, −2, … */
  g_return_val_if_fail (z >= 0 && z < 1 && !(c <= 0 && c == floor (c)), NAN);

  for (guint k = 0; k < 200000; k++)
    {
      term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
      sum += term;
      /* Terms shrink geometrically once k exceeds the parameters; stop when they no longer
       * matter (the remaining tail is below term·z/(1 − z) for the geometric part). */
      if (fabs (term) <= 1e-15 * fabs (sum) * (1.0 - z) && k > a + b && k > -c)
        break;
    }
  return sum;
}

/* log of a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x): the odds that the customer has left. */
static double
log_dropout_odds (const CstBgnbdParams *p,
                  const CstClvCustomer *c)
{
  return log (p->a) - log (p->b + c->x - 1) + (p->r + c->x) * (log (p->alpha + c->T) - log (p->alpha + c->t_x));
}

double
cst_bgnbd_p_alive (const CstBgnbdParams *params,
                   const CstClvCustomer *customer)
{
  g_return_val_if_fail (params != NULL && customer != NULL, NAN);

  if (customer->x <= 0)
    return 1.0;
  /* 1 / (1 + e^L) computed without overflow for large L. */
  return CLAMP (1.0 / (1.0 + exp (log_dropout_odds (params, customer))), 0.0, 1.0);
}

double
cst_bgnbd_expected (const CstBgnbdParams *params,
                    const CstClvCustomer *customer,
                    double                t)
{
  const CstBgnbdParams *p = params;
  const CstClvCustomer *c = customer;
  double rx, z, log_ratio, hyp, numerator, denominator;

  g_return_val_if_fail (params != NULL && customer != NULL, NAN);

  if (t <= 0)
    return 0.0;
  rx = p->r + c->x;
  z = t / (p->alpha + c->T + t);
  log_ratio = log (p->alpha + c->T) - log (p->alpha + c->T + t);
  hyp = cst_hyp2f1 (rx, p->b + c->x, p->a + p->b + c->x - 1, z);
  numerator = (p->a + p->b + c->x - 1) / (p->a - 1) * (1.0 - exp (rx * log_ratio) * hyp);
  denominator = c->x > 0 ? 1.0 + exp (log_dropout_odds (p, c)) : 1.0;
  return MAX (numerator / denominator, 0.0);
}

double
cst_bgnbd_expected_new (const CstBgnbdParams *params,
                        double                t)
{
  const CstBgnbdParams *p = params;
  double hyp;

  g_return_val_if_fail (params != NULL, NAN);

  if (t <= 0)
    return 0.0;
  hyp = cst_hyp2f1 (p->r, p->b, p->a + p->b - 1, t / (p->alpha + t));
  return MAX ((p->a + p->b - 1) / (p->a - 1) * (1.0 - pow (p->alpha / (p->alpha + t), p->r) * hyp), 0.0);
}

static double
population_mean (const CstGammaGammaParams *p,
                 double                     fallback)
{
  return p->q > 1 ? p->p * p->gamma / (p->q - 1) : fallback;
}

double
cst_gamma_gamma_expected_spend (const CstGammaGammaParams *params,
                                const CstClvCustomer      *customer,
                                double                     fallback_mean)
{
  const CstGammaGammaParams *p = params;
  double mean, px, weight;

  g_return_val_if_fail (params != NULL && customer != NULL, NAN);

  mean = population_mean (p, fallback_mean);
  if (!is_repeat_with_spend (customer) || p->q <= 1)
    return MAX (mean, 0.0);
  /* A credibility-weighted mix of the population mean and the customer's own mean. */
  px = p->p * customer->x;
  weight = (p->q - 1) / (px + p->q - 1);
  return MAX (weight * mean + (1 - weight) * customer->m_x, 0.0);
}

void
cst_clv_options_init (CstClvOptions *options)
{
  g_return_if_fail (options != NULL);

  options->horizon_weeks = 52.0;
  options->months = 12;
  options->monthly_discount = 0.01;
  options->n_bootstrap = 40;
  options->seed = 42;
}

/* Expected purchases, P(alive), spend and discounted value of one customer under one set of
 * parameters. */
static void
predict_one (const CstClvOptions       *options,
             const CstBgnbdParams      *bgnbd,
             const CstGammaGammaParams *gg,
             gboolean                   has_spend,
             double                     fallback_spend,
             const CstClvCustomer      *c,
             double                     out[4])
{
  double previous = 0, value = 0, spend;

  out[0] = cst_bgnbd_expected (bgnbd, c, options->horizon_weeks);
  out[1] = cst_bgnbd_p_alive (bgnbd, c);
  spend = has_spend ? cst_gamma_gamma_expected_spend (gg, c, fallback_spend) : 0.0;
  out[2] = spend;
  for (guint k = 1; k <= options->months && has_spend; k++)
    {
      double e = cst_bgnbd_expected (bgnbd, c, k * CST_WEEKS_PER_MONTH);

      value += MAX (e - previous, 0.0) * spend / pow (1.0 + options->monthly_discount, k);
      previous = MAX (e, previous);
    }
  out[3] = value;
}

/* Linear interpolation between order statistics (type 7, as R and numpy). */
static double
quantile_sorted (const double *v,
                 guint         n,
                 double        q)
{
  double h = (n - 1) * q;
  guint lo = (guint) floor (h);

  if (lo + 1 >= n)
    return v[n - 1];
  return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}

/* Customers with the same summary have the same likelihood and the same predictions: one-time
 * buyers differ only by their first day, so on CDNOW 23,570 customers make about 9,500 distinct
 * summaries. Fits and predictions run over the distinct ones, with counts as weights. */
static int
cmp_customer_index (gconstpointer a,
                    gconstpointer b,
                    gpointer      data)
{
  const CstClvCustomer *all = data;
  const CstClvCustomer *x = &all[*(const gsize *) a], *y = &all[*(const gsize *) b];
  double kx[4] = { x->x, x->t_x, x->T, isnan (x->m_x) ? -1 : x->m_x };
  double ky[4] = { y->x, y->t_x, y->T, isnan (y->m_x) ? -1 : y->m_x };

  for (guint k = 0; k < 4; k++)
    if (kx[k] != ky[k])
      return kx[k] < ky[k] ? -1 : 1;
  return 0;
}

CstClvResult *
cst_clv_fit (const CstClvCustomer *customers,
             gsize                 n,
             const CstClvOptions  *options,
             GCancellable         *cancellable,
             CstProgressFunc       progress,
             gpointer              progress_data,
             GError              **error)
{
  g_autoptr(CstClvResult) result = g_new0 (CstClvResult, 1);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GArray) boot_bgnbd = g_array_new (FALSE, FALSE, sizeof (CstBgnbdParams));
  g_autoptr(GArray) boot_gg = g_array_new (FALSE, FALSE, sizeof (CstGammaGammaParams));
  g_autoptr(GArray) unique = g_array_new (FALSE, FALSE, sizeof (CstClvCustomer));
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree gsize *order = g_new (gsize, MAX (n, 1));
  g_autofree gsize *group_of = g_new (gsize, MAX (n, 1));
  g_autofree double *weights = NULL;
  g_autofree double *scratch = NULL;
  g_autofree CstClvValue *group_values = NULL;
  const CstClvCustomer *u;
  double *w0;
  double observed_spend = 0;
  gsize n_observed = 0, m;

  g_return_val_if_fail (customers != NULL || n == 0, NULL);

  if (options != NULL)
    result->options = *options;
  else
    cst_clv_options_init (&result->options);
  result->n_customers = n;

  for (gsize i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) n, sizeof (gsize), cmp_customer_index, (gpointer) customers);
  for (gsize i = 0; i < n; i++)
    {
      if (i == 0 || cmp_customer_index (&order[i - 1], &order[i], (gpointer) customers) != 0)
        {
          double one = 0;

          g_array_append_val (unique, customers[order[i]]);
          g_array_append_val (counts, one);
        }
      group_of[order[i]] = unique->len - 1;
      g_array_index (counts, double, unique->len - 1) += 1;
    }
  u = (const CstClvCustomer *) unique->data;
  w0 = (double *) counts->data;
  m = unique->len;

  cst_progress_report (progress, progress_data, 0.0, _("Fitting the purchase model"));
  if (!cst_bgnbd_fit (u, w0, m, FALSE, &result->bgnbd, error))
    return NULL;

  for (gsize i = 0; i < n; i++)
    {
      result->n_repeat += customers[i].x > 0;
      if (is_repeat_with_spend (&customers[i]))
        {
          observed_spend += customers[i].m_x;
          n_observed++;
        }
    }
  observed_spend = n_observed > 0 ? observed_spend / n_observed : 0.0;
  result->has_spend = n_observed >= 2 &&
                      cst_gamma_gamma_fit (u, w0, m, FALSE, &result->gamma_gamma, NULL);
  result->population_spend = result->has_spend ? population_mean (&result->gamma_gamma, observed_spend) : NAN;
  result->seconds_fit = g_timer_elapsed (timer, NULL);

  /* Parameter bootstrap: resample customers with replacement (as multinomial weights on the
   * distinct summaries, so no copy), refit both models from the full fit. */
  g_timer_start (timer);
  rand = g_rand_new_with_seed (result->options.seed);
  weights = g_new (double, MAX (m, 1));
  for (guint rep = 0; rep < result->options.n_bootstrap && n > 0; rep++)
    {
      CstBgnbdParams bp = result->bgnbd;
      CstGammaGammaParams gp = result->gamma_gamma;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      cst_progress_report (progress, progress_data, 0.1 + 0.6 * rep / result->options.n_bootstrap,
                           _("Estimating the ranges"));
      memset (weights, 0, sizeof (double) * m);
      for (gsize i = 0; i < n; i++)
        weights[group_of[g_rand_int_range (rand, 0, (gint32) n)]] += 1.0;
      if (!cst_bgnbd_fit (u, weights, m, TRUE, &bp, NULL))
        continue;
      if (result->has_spend && !cst_gamma_gamma_fit (u, weights, m, TRUE, &gp, NULL))
        continue;
      g_array_append_val (boot_bgnbd, bp);
      g_array_append_val (boot_gg, gp);
    }
  result->n_bootstrap = boot_bgnbd->len;

  cst_progress_report (progress, progress_data, 0.7, _("Predicting every customer"));
  group_values = g_new0 (CstClvValue, MAX (m, 1));
  scratch = g_new (double, 4 * (boot_bgnbd->len + 1));
  for (gsize i = 0; i < m; i++)
    {
      CstClvValue *v = &group_values[i];
      double point[4];
      guint nb = boot_bgnbd->len;

      if ((i & 0x3ff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      predict_one (&result->options, &result->bgnbd, &result->gamma_gamma, result->has_spend,
                   observed_spend, &u[i], point);
      v->expected_purchases = v->expected_purchases_low = v->expected_purchases_high = point[0];
      v->p_alive = v->p_alive_low = v->p_alive_high = point[1];
      v->expected_spend = v->expected_spend_low = v->expected_spend_high = point[2];
      v->clv = v->clv_low = v->clv_high = point[3];
      if (nb < 2)
        continue;
      for (guint b = 0; b < nb; b++)
        {
          double q[4];

          predict_one (&result->options, &g_array_index (boot_bgnbd, CstBgnbdParams, b),
                       &g_array_index (boot_gg, CstGammaGammaParams, b), result->has_spend,
                       observed_spend, &u[i], q);
          for (guint k = 0; k < 4; k++)
            scratch[k * nb + b] = q[k];
        }
      for (guint k = 0; k < 4; k++)
        qsort (scratch + k * nb, nb, sizeof (double), cst_compare_doubles);
      /* The point estimate stays inside its range even when the bootstrap is skewed. */
      v->expected_purchases_low = MIN (quantile_sorted (scratch, nb, 0.1), point[0]);
      v->expected_purchases_high = MAX (quantile_sorted (scratch, nb, 0.9), point[0]);
      v->p_alive_low = MIN (quantile_sorted (scratch + nb, nb, 0.1), point[1]);
      v->p_alive_high = MAX (quantile_sorted (scratch + nb, nb, 0.9), point[1]);
      v->expected_spend_low = MIN (quantile_sorted (scratch + 2 * nb, nb, 0.1), point[2]);
      v->expected_spend_high = MAX (quantile_sorted (scratch + 2 * nb, nb, 0.9), point[2]);
      v->clv_low = MIN (quantile_sorted (scratch + 3 * nb, nb, 0.1), point[3]);
      v->clv_high = MAX (quantile_sorted (scratch + 3 * nb, nb, 0.9), point[3]);
    }
  result->values = g_new (CstClvValue, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    result->values[i] = group_values[group_of[i]];
  result->seconds_bootstrap = g_timer_elapsed (timer, NULL);
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return g_steal_pointer (&result);
}

void
cst_clv_result_free (CstClvResult *result)
{
  if (result == NULL)
    return;
  g_free (result->values);
  g_free (result);
}

GArray *
cst_clv_holdout_by_frequency (const CstBgnbdParams *params,
                              const CstClvCustomer *customers,
                              gsize                 n,
                              double                holdout_weeks,
                              guint                 max_group)
{
  GArray *groups = g_array_new (FALSE, TRUE, sizeof (CstClvHoldoutGroup));

  g_return_val_if_fail (params != NULL && max_group > 0, groups);

  g_array_set_size (groups, max_group + 1);
  for (guint g = 0; g <= max_group; g++)
    g_array_index (groups, CstClvHoldoutGroup, g).frequency = g;
  for (gsize i = 0; i < n; i++)
    {
      guint g = (guint) MIN (customers[i].x, (double) max_group);
      CstClvHoldoutGroup *group = &g_array_index (groups, CstClvHoldoutGroup, g);

      group->n_customers++;
      group->actual += isnan (customers[i].x_star) ? 0 : customers[i].x_star;
      group->predicted += cst_bgnbd_expected (params, &customers[i], holdout_weeks);
    }
  for (guint g = 0; g <= max_group; g++)
    {
      CstClvHoldoutGroup *group = &g_array_index (groups, CstClvHoldoutGroup, g);

      if (group->n_customers > 0)
        {
          group->actual /= group->n_customers;
          group->predicted /= group->n_customers;
        }
    }
  return groups;
}
