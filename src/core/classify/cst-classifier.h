/* src/core/classify/cst-classifier.h — the contract between the classifier helper (who
 * implements it) and the predictions helper (who calls it). Do not change these signatures;
 * additions are fine. */
#pragma once
#include <gio/gio.h>
#include "jobs/cst-progress.h"
G_BEGIN_DECLS

typedef enum { CST_CLASSIFIER_AUTO, CST_CLASSIFIER_LOGISTIC, CST_CLASSIFIER_TREES } CstClassifierKind;

typedef struct
{
  CstClassifierKind kind;           /* AUTO fits both and keeps the better holdout AUC */
  double            test_fraction;  /* share held out for evaluation, default 0.25 (stratified) */
  guint32           seed;           /* default 42 */
} CstClassifierOptions;

typedef struct { double x, y; } CstCurvePoint;

typedef struct
{
  guint  feature;     /* column index into x */
  double importance;  /* ≥ 0, comparable within one model, strongest first */
  int    direction;   /* +1: a higher value makes the outcome more likely; −1: less likely */
} CstDriver;

typedef struct
{
  double  auc;               /* holdout AUC of the chosen model */
  double  auc_logistic;      /* NAN when not fitted */
  double  auc_trees;         /* NAN when not fitted */
  double  lift_top10;        /* positive rate in the top 10 % of scores ÷ base rate */
  double  base_rate;         /* share of positives in the holdout */
  gsize   n_train;
  gsize   n_test;
  GArray *roc;               /* CstCurvePoint: false positive rate → true positive rate */
  GArray *gain;              /* CstCurvePoint: share of people contacted → share of positives found */
  GArray *calibration;       /* CstCurvePoint: mean predicted probability → observed rate (10 bins) */
  GArray *suspicious;        /* guint feature indices that alone reach AUC ≥ 0.98: "may contain the answer" */
  GArray *calibration_counts; /* guint64 per calibration point: holdout rows in that bin */
} CstEvaluation;

typedef struct _CstClassifier CstClassifier;

const char          *cst_classifier_kind_to_string (CstClassifierKind kind);  /* "logistic", "trees" */
void                 cst_classifier_options_init   (CstClassifierOptions *options);

/* x: n × p row-major, NAN = missing; y: 0/1. Fails with a human message when a class is absent
 * or there are too few rows. */
CstClassifier       *cst_classifier_fit            (const double               *x,
                                                    const guint8               *y,
                                                    gsize                       n,
                                                    gsize                       p,
                                                    const char * const         *feature_names,
                                                    const CstClassifierOptions *options,
                                                    GCancellable               *cancellable,
                                                    CstProgressFunc             progress,
                                                    gpointer                    progress_data,
                                                    GError                    **error);
CstClassifierKind    cst_classifier_get_kind       (CstClassifier *self);   /* the one chosen */
const CstEvaluation *cst_classifier_get_evaluation (CstClassifier *self);
/* Calibrated probabilities for n rows of the same p columns. */
void                 cst_classifier_predict        (CstClassifier *self,
                                                    const double  *x,
                                                    gsize          n,
                                                    double        *probability);
GArray              *cst_classifier_dup_drivers    (CstClassifier *self,
                                                    guint          max);     /* of CstDriver */
void                 cst_classifier_free           (CstClassifier *self);

/* Additions beyond the original contract. */

/* The rows of the x given to cst_classifier_fit() that formed the holdout: n flags, 1 for a
 * holdout row (the evaluation's rows), 0 for a training row. */
const guint8        *cst_classifier_get_holdout    (CstClassifier *self,
                                                    gsize         *n);
gsize                cst_classifier_get_n_features (CstClassifier *self);
/* Boosting rounds kept after early stopping (0 when trees were not fitted). */
guint                cst_classifier_get_n_trees    (CstClassifier *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstClassifier, cst_classifier_free)
G_END_DECLS
