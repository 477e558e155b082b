/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-logistic"

#include "config.h"

#include "cst-classify-private.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

/* L2-regularized logistic regression by Newton's method. The columns are few (tens, after
 * one-hot encoding) and the rows many, so each step forms the (p + 1)² Hessian with one dsyrk
 * over weighted rows and solves it by Cholesky: a handful of steps reach machine precision,
 * where L-BFGS would need a hundred passes over the data. */

/* log(1 + e^z) without overflow. */
static inline double
log1pexp (double z)
{
  return z > 0.0 ? z + log1p (exp (-z)) : log1p (exp (z));
}

double
cst_logistic_loss (const double *x,
                   const guint8 *y,
                   const double *w,
                   gsize         n,
                   gsize         p,
                   double        c,
                   const double *theta,
                   double       *grad)
{
  g_autofree double *z = g_new (double, MAX (n, 1));
  double loss = 0.0;
  double intercept = theta[p];

  for (gsize i = 0; i < n; i++)
    z[i] = intercept;
  if (p > 0)
    cblas_dgemv (CblasRowMajor, CblasNoTrans, n, p, 1.0, x, p, theta, 1, 1.0, z, 1);

  for (gsize i = 0; i < n; i++)
    {
      double wi = w != NULL ? w[i] : 1.0;

      loss += wi * (log1pexp (z[i]) - (y[i] ? z[i] : 0.0));
      /* z now holds c · w (σ − y), the residual the gradient needs. */
      z[i] = c * wi * (cst_classify_sigmoid (z[i]) - (y[i] ? 1.0 : 0.0));
    }
  loss *= c;
  for (gsize j = 0; j < p; j++)
    loss += 0.5 * theta[j] * theta[j];

  if (grad != NULL)
    {
      double sum = 0.0;

      memcpy (grad, theta, sizeof (double) * p);
      if (p > 0)
        cblas_dgemv (CblasRowMajor, CblasTrans, n, p, 1.0, x, p, z, 1, 1.0, grad, 1);
      for (gsize i = 0; i < n; i++)
        sum += z[i];
      grad[p] = sum;
    }

  return loss;
}

guint
cst_logistic_fit (const double  *x,
                  const guint8  *y,
                  const double  *w,
                  gsize          n,
                  gsize          p,
                  double         c,
                  double        *theta,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gsize q = p + 1;
  g_autofree double *grad = g_new (double, q);
  g_autofree double *hessian = g_new (double, q * q);
  g_autofree double *step = g_new (double, q);
  g_autofree double *trial = g_new (double, q);
  g_autofree double *scaled = g_new (double, n * q);
  g_autofree double *z = g_new (double, MAX (n, 1));
  double total_weight = 0.0;
  double tolerance;
  double loss;

  for (gsize i = 0; i < n; i++)
    total_weight += w != NULL ? w[i] : 1.0;
  tolerance = 1e-8 * (1.0 + c * total_weight);

  loss = cst_logistic_loss (x, y, w, n, p, c, theta, grad);

  for (guint iteration = 1; iteration <= 100; iteration++)
    {
      double largest = 0.0;
      double t = 1.0;
      double new_loss;
      lapack_int info;

      for (gsize j = 0; j < q; j++)
        largest = MAX (largest, fabs (grad[j]));
      if (largest < tolerance)
        return iteration;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return 0;

      /* Hessian c Aᵀ diag(w σ (1 − σ)) A + diag(1, …, 1, 0), with A = [x 1]. */
      for (gsize i = 0; i < n; i++)
        z[i] = theta[p];
      if (p > 0)
        cblas_dgemv (CblasRowMajor, CblasNoTrans, n, p, 1.0, x, p, theta, 1, 1.0, z, 1);
      for (gsize i = 0; i < n; i++)
        {
          double s = cst_classify_sigmoid (z[i]);
          double r = sqrt (c * (w != NULL ? w[i] : 1.0) * s * (1.0 - s));
          double *row = scaled + i * q;

          for (gsize j = 0; j < p; j++)
            row[j] = r * x[i * p + j];
          row[p] = r;
        }
      memset (hessian, 0, sizeof (double) * q * q);
      cblas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans, q, n, 1.0, scaled, q, 0.0, hessian, q);
      for (gsize j = 0; j < p; j++)
        hessian[j * q + j] += 1.0;
      /* The intercept is unpenalized: a tiny ridge keeps the system definite when every weight
       * underflows (separable data), without moving the optimum measurably. */
      hessian[p * q + p] += 1e-10 * (1.0 + hessian[p * q + p]);

      memcpy (step, grad, sizeof (double) * q);
      info = LAPACKE_dposv (LAPACK_ROW_MAJOR, 'U', q, 1, hessian, q, step, 1);
      if (info != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Logistic regression failed: the Hessian is not positive definite "
                         "(LAPACK dposv returned %d)"), (int) info);
          return 0;
        }

      /* Step halving until the loss does not increase: Newton's full step is taken almost
       * always, but far from the optimum it may overshoot. */
      for (;;)
        {
          for (gsize j = 0; j < q; j++)
            trial[j] = theta[j] - t * step[j];
          new_loss = cst_logistic_loss (x, y, w, n, p, c, trial, NULL);
          if (new_loss <= loss || t < 1e-10)
            break;
          t *= 0.5;
        }

      memcpy (theta, trial, sizeof (double) * q);
      if (loss - new_loss <= 1e-15 * fabs (loss) && t < 1e-10)
        return iteration;
      loss = cst_logistic_loss (x, y, w, n, p, c, theta, grad);
    }

  return 100;
}
