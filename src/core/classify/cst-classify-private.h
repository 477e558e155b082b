/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The parts of the classifiers that tests check one by one: the logistic loss and its Newton
 * fit on prepared (standardized) columns, the histogram gradient-boosted trees, and the
 * holdout measures. cst-classifier.h is the API for everyone else. */

#include <gio/gio.h>
#include <math.h>

#include "jobs/cst-progress.h"
#include "cst-classifier.h"
#include "numeric/cst-compare.h"

G_BEGIN_DECLS

/* The logistic function σ(z) = 1 / (1 + e^{−z}), written so that e^{±z} never overflows. */
static inline double
cst_classify_sigmoid (double z)
{
  if (z >= 0.0)
    return 1.0 / (1.0 + exp (-z));
  else
    {
      double e = exp (z);
      return e / (1.0 + e);
    }
}

/* The first index of sorted[0, n) (ascending) whose value is not below v: where v stands or
 * would be inserted; n when every value is below. O(log n). */
static inline gsize
cst_classify_lower_bound (const double *sorted,
                          gsize         n,
                          double        v)
{
  gsize lo = 0;
  gsize hi = n;

  while (lo < hi)
    {
      gsize mid = (lo + hi) / 2;

      if (sorted[mid] < v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* theta has p + 1 entries, the intercept last. The loss is
 *   c · Σ w_i (log(1 + e^{z_i}) − y_i z_i) + ½ ‖β‖²,   z_i = x_i·β + intercept,
 * scikit-learn's LogisticRegression objective (the intercept is not penalized). w may be NULL
 * (all 1). grad (p + 1, nullable) receives the gradient. Cost O(n p). */
double    cst_logistic_loss (const double  *x,
                             const guint8  *y,
                             const double  *w,
                             gsize          n,
                             gsize          p,
                             double         c,
                             const double  *theta,
                             double        *grad);
/* Newton's method with step halving from theta's contents (zeros for a cold start); stops when
 * the largest gradient entry is below 1e-8 · (1 + c Σw). Cost per step O(n p²) (dsyrk) plus a
 * Cholesky solve of p + 1. Returns the number of steps, or 0 on cancellation or failure. */
guint     cst_logistic_fit  (const double  *x,
                             const guint8  *y,
                             const double  *w,
                             gsize          n,
                             gsize          p,
                             double         c,
                             double        *theta,
                             GCancellable  *cancellable,
                             GError       **error);

typedef struct
{
  double learning_rate;     /* 0.1 */
  guint  max_iter;          /* boosting rounds before early stopping, 300 */
  guint  max_leaf_nodes;    /* 31 */
  guint  min_samples_leaf;  /* 20 */
  double l2;                /* on leaf values, 0 as scikit-learn */
  guint  patience;          /* rounds without a better validation loss, 10 */
} CstBoostingOptions;

typedef struct _CstBoosting CstBoosting;

void         cst_boosting_options_init (CstBoostingOptions *options);
/* Binary log-loss boosting of x (n × p row-major, NAN missing) with sample weights w (NULL: 1).
 * Rows with valid[i] set are not trained on: they decide early stopping, and the model keeps
 * the rounds up to the best validation loss. valid may be NULL (no early stopping). */
CstBoosting *cst_boosting_fit          (const double             *x,
                                        const guint8             *y,
                                        const double             *w,
                                        const guint8             *valid,
                                        gsize                     n,
                                        gsize                     p,
                                        const CstBoostingOptions *options,
                                        GCancellable             *cancellable,
                                        CstProgressFunc           progress,
                                        gpointer                  progress_data,
                                        GError                  **error);
/* Raw scores (log-odds) of n rows. */
void         cst_boosting_decision     (CstBoosting  *self,
                                        const double *x,
                                        gsize         n,
                                        double       *out);
guint        cst_boosting_get_n_trees  (CstBoosting  *self);
/* Split gain summed per feature (p values). */
const double *cst_boosting_get_importance (CstBoosting *self);
void         cst_boosting_free         (CstBoosting  *self);

/* Area under the ROC curve from ranks, ties given their mean rank (the Mann–Whitney U
 * statistic over n0 n1). NAN when a class is absent. NAN scores are ranked lowest. */
double       cst_classify_auc          (const double *score,
                                        const guint8 *y,
                                        gsize         n);

/* Fills base rate, lift in the top 10 %, ROC (one point per distinct score), gain (one point per
 * percent contacted) and calibration (10 equal-width bins, empty bins left out) of
 * probabilities on n holdout rows, with the rows in each calibration bin. The arrays are
 * created; auc and the rest are left alone. */
void         cst_classify_evaluate     (const double  *probability,
                                        const guint8  *y,
                                        gsize          n,
                                        CstEvaluation *evaluation);
void         cst_evaluation_clear      (CstEvaluation *evaluation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstBoosting, cst_boosting_free)

G_END_DECLS
