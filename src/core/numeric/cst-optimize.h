/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CstObjectiveFunc:
 * @x: the point, @n values
 * @n: the number of parameters
 * @gradient: (nullable): when not %NULL, receives the @n partial derivatives at @x
 * @user_data: closure data
 *
 * A function to minimize. Returns the value at @x; a non-finite value (or NAN) marks @x as
 * outside the domain, and the minimizers step back from it.
 */
typedef double (*CstObjectiveFunc) (const double *x,
                                    guint         n,
                                    double       *gradient,
                                    gpointer      user_data);

typedef struct
{
  guint  max_iter;     /* iterations (BFGS) or simplex steps (Nelder–Mead); default 500 / 4000 */
  double tol;          /* BFGS: stop when max |gradient| < tol (default 1e-6); Nelder–Mead: when
                        * the simplex's value spread < tol (default 1e-10) */
  double step;         /* Nelder–Mead initial simplex size in each coordinate (default 0.5) */
} CstOptimizeOptions;

typedef struct
{
  double   value;       /* the objective at the returned point */
  guint    iterations;
  guint    evaluations;
  gboolean converged;
} CstOptimizeResult;

void     cst_optimize_options_init   (CstOptimizeOptions    *options);

gboolean cst_optimize_nelder_mead    (CstObjectiveFunc       func,
                                      gpointer               user_data,
                                      double                *x,
                                      guint                  n,
                                      const CstOptimizeOptions *options,
                                      CstOptimizeResult     *result);
gboolean cst_optimize_bfgs           (CstObjectiveFunc       func,
                                      gboolean               has_gradient,
                                      gpointer               user_data,
                                      double                *x,
                                      guint                  n,
                                      const CstOptimizeOptions *options,
                                      CstOptimizeResult     *result);
void     cst_optimize_numeric_gradient (CstObjectiveFunc     func,
                                        gpointer             user_data,
                                        const double        *x,
                                        guint                n,
                                        double              *gradient);

double   cst_digamma                 (double                 x);
double   cst_lbeta                   (double                 a,
                                      double                 b);
double   cst_log_add_exp             (double                 a,
                                      double                 b);

G_END_DECLS
