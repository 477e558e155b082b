/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-optimize"

#include "config.h"

#include <math.h>
#include <string.h>

#include "cst-optimize.h"

/* Small, dependable minimizers for smooth likelihoods of a handful of parameters (BG/NBD,
 * Gamma-Gamma): BFGS with a backtracking line search, and Nelder–Mead for when no gradient is
 * trustworthy. Both treat a non-finite objective as "outside the domain" and step back. */

void
cst_optimize_options_init (CstOptimizeOptions *options)
{
  g_return_if_fail (options != NULL);

  options->max_iter = 0;    /* 0: each method's own default */
  options->tol = 0.0;
  options->step = 0.5;
}

/* ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x moves x above 10, where the asymptotic
 * series is accurate to about 1e-14. */
double
cst_digamma (double x)
{
  double result = 0.0, inv, inv2;

  if (!(x > 0.0) || !isfinite (x))
    return NAN;
  while (x < 10.0)
    {
      result -= 1.0 / x;
      x += 1.0;
    }
  inv = 1.0 / x;
  inv2 = inv * inv;
  result += log (x) - 0.5 * inv -
            inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
  return result;
}

double
cst_lbeta (double a,
           double b)
{
  return lgamma (a) + lgamma (b) - lgamma (a + b);
}

/* log (e^a + e^b) without overflow or underflow. */
double
cst_log_add_exp (double a,
                 double b)
{
  double m = MAX (a, b);

  if (isinf (m) && m < 0)
    return m;
  return m + log1p (exp (MIN (a, b) - m));
}

/* Central differences with a step scaled to each coordinate: error O(h²) ≈ 1e-10 relative. */
void
cst_optimize_numeric_gradient (CstObjectiveFunc  func,
                               gpointer          user_data,
                               const double     *x,
                               guint             n,
                               double           *gradient)
{
  g_autofree double *y = g_memdup2 (x, sizeof (double) * n);

  for (guint i = 0; i < n; i++)
    {
      double h = 1e-5 * MAX (1.0, fabs (x[i]));
      double up, down;

      y[i] = x[i] + h;
      up = func (y, n, NULL, user_data);
      y[i] = x[i] - h;
      down = func (y, n, NULL, user_data);
      y[i] = x[i];
      gradient[i] = (up - down) / (2 * h);
    }
}

static double
evaluate (CstObjectiveFunc   func,
          gboolean           has_gradient,
          gpointer           user_data,
          const double      *x,
          guint              n,
          double            *gradient,
          CstOptimizeResult *result)
{
  double value;

  result->evaluations++;
  if (gradient == NULL)
    return func (x, n, NULL, user_data);
  if (has_gradient)
    return func (x, n, gradient, user_data);
  value = func (x, n, NULL, user_data);
  if (isfinite (value))
    {
      cst_optimize_numeric_gradient (func, user_data, x, n, gradient);
      result->evaluations += 2 * n;
    }
  return value;
}

/**
 * cst_optimize_bfgs:
 * @func: the objective
 * @has_gradient: whether @func fills its gradient argument; otherwise central differences
 * @x: (inout): the starting point, replaced by the minimum found
 * @options: (nullable): limits; %NULL for the defaults
 * @result: (out) (optional): value, iterations and whether the gradient test was met
 *
 * Quasi-Newton minimization (BFGS update of the inverse Hessian, Armijo backtracking). The
 * inverse Hessian restarts from the identity when the curvature condition fails. Cost per
 * iteration: one gradient and usually one or two values, plus O(n²).
 *
 * Returns: %TRUE when the gradient fell below the tolerance, %FALSE when the iteration limit
 *   was hit or the start was outside the domain (@x is then the best point seen)
 */
gboolean
cst_optimize_bfgs (CstObjectiveFunc          func,
                   gboolean                  has_gradient,
                   gpointer                  user_data,
                   double                   *x,
                   guint                     n,
                   const CstOptimizeOptions *options,
                   CstOptimizeResult        *result)
{
  CstOptimizeResult local = { 0 };
  guint max_iter = options != NULL && options->max_iter > 0 ? options->max_iter : 500;
  double tol = options != NULL && options->tol > 0 ? options->tol : 1e-6;
  g_autofree double *h = g_new0 (double, n * n);
  g_autofree double *g = g_new (double, n);
  g_autofree double *g_new_ = g_new (double, n);
  g_autofree double *d = g_new (double, n);
  g_autofree double *x_new = g_new (double, n);
  g_autofree double *s = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  g_autofree double *hy = g_new (double, n);
  double f, f_new = NAN;
  guint stalls = 0;

  g_return_val_if_fail (func != NULL && x != NULL && n > 0, FALSE);

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);

  f = evaluate (func, has_gradient, user_data, x, n, g, result);
  if (!isfinite (f))
    {
      result->value = f;
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    h[i * n + i] = 1.0;

  for (result->iterations = 0; result->iterations < max_iter; result->iterations++)
    {
      double gmax = 0.0, slope = 0.0, step = 1.0, sy = 0.0, yhy = 0.0;
      gboolean accepted = FALSE;

      for (guint i = 0; i < n; i++)
        gmax = MAX (gmax, fabs (g[i]));
      if (gmax < tol)
        {
          result->converged = TRUE;
          break;
        }

      for (guint i = 0; i < n; i++)
        {
          d[i] = 0.0;
          for (guint j = 0; j < n; j++)
            d[i] -= h[i * n + j] * g[j];
          slope += d[i] * g[i];
        }
      /* Not a descent direction: the curvature estimate went bad, so fall back to steepest
       * descent. */
      if (!(slope < 0.0))
        {
          memset (h, 0, sizeof (double) * n * n);
          slope = 0.0;
          for (guint i = 0; i < n; i++)
            {
              h[i * n + i] = 1.0;
              d[i] = -g[i];
              slope -= g[i] * g[i];
            }
        }

      /* The first steps of a fresh Hessian can be wildly long: cap the move at 2 per coordinate. */
      {
        double dmax = 0.0;

        for (guint i = 0; i < n; i++)
          dmax = MAX (dmax, fabs (d[i]));
        if (dmax > 2.0)
          step = 2.0 / dmax;
      }

      for (guint tries = 0; tries < 60; tries++, step *= 0.5)
        {
          for (guint i = 0; i < n; i++)
            x_new[i] = x[i] + step * d[i];
          f_new = evaluate (func, has_gradient, user_data, x_new, n, NULL, result);
          if (isfinite (f_new) && f_new <= f + 1e-4 * step * slope)
            {
              accepted = TRUE;
              break;
            }
        }
      if (!accepted)
        break;   /* no progress possible along any step: at the minimum within rounding */

      evaluate (func, has_gradient, user_data, x_new, n, g_new_, result);
      for (guint i = 0; i < n; i++)
        {
          s[i] = x_new[i] - x[i];
          y[i] = g_new_[i] - g[i];
          sy += s[i] * y[i];
        }
      for (guint i = 0; i < n; i++)
        {
          hy[i] = 0.0;
          for (guint j = 0; j < n; j++)
            hy[i] += h[i * n + j] * y[j];
          yhy += y[i] * hy[i];
        }
      if (sy > 1e-12 * sqrt (yhy > 0 ? yhy : 1.0))
        {
          /* H ← H + (sᵀy + yᵀHy) ssᵀ / (sᵀy)² − (Hy sᵀ + s yᵀH) / sᵀy */
          for (guint i = 0; i < n; i++)
            for (guint j = 0; j < n; j++)
              h[i * n + j] += (sy + yhy) * s[i] * s[j] / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
        }

      stalls = fabs (f - f_new) <= 1e-12 * MAX (1.0, fabs (f)) ? stalls + 1 : 0;
      memcpy (x, x_new, sizeof (double) * n);
      memcpy (g, g_new_, sizeof (double) * n);
      f = f_new;
      if (stalls >= 3)
        {
          result->converged = TRUE;
          break;
        }
    }

  result->value = f;
  return result->converged;
}

/**
 * cst_optimize_nelder_mead:
 * @func: the objective (its gradient argument is always %NULL)
 * @x: (inout): the starting point, replaced by the best vertex
 * @options: (nullable): limits and the initial simplex size
 * @result: (out) (optional): value, steps, convergence
 *
 * The downhill simplex with the standard coefficients (reflection 1, expansion 2, contraction
 * ½, shrink ½). Slow but needs nothing but values; a good first stage before BFGS when the
 * start is far off.
 *
 * Returns: %TRUE when the simplex's value spread fell below the tolerance
 */
gboolean
cst_optimize_nelder_mead (CstObjectiveFunc          func,
                          gpointer                  user_data,
                          double                   *x,
                          guint                     n,
                          const CstOptimizeOptions *options,
                          CstOptimizeResult        *result)
{
  CstOptimizeResult local = { 0 };
  guint max_iter = options != NULL && options->max_iter > 0 ? options->max_iter : 4000;
  double tol = options != NULL && options->tol > 0 ? options->tol : 1e-10;
  double size = options != NULL && options->step > 0 ? options->step : 0.5;
  g_autofree double *p = g_new (double, (n + 1) * n);
  g_autofree double *fv = g_new (double, n + 1);
  g_autofree double *centre = g_new (double, n);
  g_autofree double *xr = g_new (double, n);
  g_autofree double *xe = g_new (double, n);
  guint best = 0;

  g_return_val_if_fail (func != NULL && x != NULL && n > 0, FALSE);

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);

  for (guint v = 0; v <= n; v++)
    {
      memcpy (p + v * n, x, sizeof (double) * n);
      if (v > 0)
        p[v * n + v - 1] += size;
    }
  for (guint v = 0; v <= n; v++)
    {
      double value = func (p + v * n, n, NULL, user_data);

      result->evaluations++;
      fv[v] = isfinite (value) ? value : HUGE_VAL;
    }

  for (result->iterations = 0; result->iterations < max_iter; result->iterations++)
    {
      guint worst = 0, second = 0;
      double fr, fe;

      best = 0;
      for (guint v = 1; v <= n; v++)
        {
          if (fv[v] < fv[best])
            best = v;
          if (fv[v] > fv[worst])
            worst = v;
        }
      second = best;
      for (guint v = 0; v <= n; v++)
        if (v != worst && fv[v] > fv[second])
          second = v;
      if (fabs (fv[worst] - fv[best]) <= tol * (1.0 + fabs (fv[best])))
        {
          result->converged = TRUE;
          break;
        }

      memset (centre, 0, sizeof (double) * n);
      for (guint v = 0; v <= n; v++)
        if (v != worst)
          for (guint i = 0; i < n; i++)
            centre[i] += p[v * n + i] / n;

      for (guint i = 0; i < n; i++)
        xr[i] = centre[i] + (centre[i] - p[worst * n + i]);
      fr = func (xr, n, NULL, user_data);
      result->evaluations++;
      if (!isfinite (fr))
        fr = HUGE_VAL;

      if (fr < fv[best])
        {
          for (guint i = 0; i < n; i++)
            xe[i] = centre[i] + 2.0 * (centre[i] - p[worst * n + i]);
          fe = func (xe, n, NULL, user_data);
          result->evaluations++;
          if (isfinite (fe) && fe < fr)
            {
              memcpy (p + worst * n, xe, sizeof (double) * n);
              fv[worst] = fe;
            }
          else
            {
              memcpy (p + worst * n, xr, sizeof (double) * n);
              fv[worst] = fr;
            }
        }
      else if (fr < fv[second])
        {
          memcpy (p + worst * n, xr, sizeof (double) * n);
          fv[worst] = fr;
        }
      else
        {
          /* Contract towards the better of the worst vertex and its reflection. */
          const double *from = fr < fv[worst] ? xr : p + worst * n;
          double fc;

          for (guint i = 0; i < n; i++)
            xe[i] = centre[i] + 0.5 * (from[i] - centre[i]);
          fc = func (xe, n, NULL, user_data);
          result->evaluations++;
          if (isfinite (fc) && fc < MIN (fr, fv[worst]))
            {
              memcpy (p + worst * n, xe, sizeof (double) * n);
              fv[worst] = fc;
            }
          else
            {
              for (guint v = 0; v <= n; v++)
                {
                  double value;

                  if (v == best)
                    continue;
                  for (guint i = 0; i < n; i++)
                    p[v * n + i] = p[best * n + i] + 0.5 * (p[v * n + i] - p[best * n + i]);
                  value = func (p + v * n, n, NULL, user_data);
                  result->evaluations++;
                  fv[v] = isfinite (value) ? value : HUGE_VAL;
                }
            }
        }
    }

  best = 0;
  for (guint v = 1; v <= n; v++)
    if (fv[v] < fv[best])
      best = v;
  memcpy (x, p + best * n, sizeof (double) * n);
  result->value = fv[best];
  return result->converged;
}
