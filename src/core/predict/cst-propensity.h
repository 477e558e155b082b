/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "classify/cst-classifier.h"
#include "jobs/cst-progress.h"

G_BEGIN_DECLS

typedef struct _CstStore CstStore;

/* Who will leave and who will buy: a classifier trained on a split in time. Features come only
 * from orders and engagement before a cutoff day, the answer (the label) only from the days
 * after it, so the model cannot see the future by construction; then everyone is scored on
 * features recomputed up to the end of the data, so the scores are about the days to come. */

typedef enum
{
  CST_PROPENSITY_CHURN,      /* no purchase within horizon_days after the cutoff */
  CST_PROPENSITY_PURCHASE,   /* at least one purchase within horizon_days after the cutoff */
} CstPropensityTarget;

typedef enum
{
  CST_BAND_LOW,
  CST_BAND_MEDIUM,
  CST_BAND_HIGH,
} CstBand;

#define CST_BAND_DEFAULT_LOW  0.3   /* below: Low */
#define CST_BAND_DEFAULT_HIGH 0.6   /* at or above: High */

/* One purchase day of one person: the day's orders added up. */
typedef struct
{
  gint64 person_id;
  gint64 time;      /* start of the day, seconds since 1970 (wall clock) */
  double amount;    /* sum of the day's order lines; NAN when a line had no amount */
} CstPurchaseDay;

typedef struct
{
  gint64 data_start;     /* first purchase day */
  gint64 data_end;       /* last purchase day */
  gint64 cutoff;         /* first day of the outcome window (features see only days before it) */
  guint  horizon_days;   /* length of the outcome window */
  double gap_p90_days;   /* 90th percentile of the days between two purchases of a person; NAN when nobody bought twice */
} CstTimeSplit;

typedef struct
{
  CstPropensityTarget  target;
  guint                horizon_days;   /* 0: suggested (churn: from the gaps; purchase: 90) */
  gint64               cutoff;         /* G_MININT64: suggested (data end + 1 day − horizon) */
  double               low_threshold;  /* default CST_BAND_DEFAULT_LOW */
  double               high_threshold; /* default CST_BAND_DEFAULT_HIGH */
  CstClassifierOptions classifier;     /* cst_classifier_options_init() */
} CstPropensityOptions;

/* A reason the model found, for people: the feature, its importance and a plain, translated
 * phrase for the direction that makes the outcome more likely ("more days since the last
 * order"). */
typedef struct
{
  char   *feature;      /* stored feature name, e.g. "recency_days" */
  char   *text;         /* translated phrase */
  double  importance;   /* ≥ 0, strongest first */
  int     direction;    /* +1 or −1, as CstDriver */
} CstPropensityDriver;

typedef struct
{
  gsize  n_people[3];   /* by CstBand */
  double expected[3];   /* sum of probabilities: how many of them are expected to act */
} CstBandCounts;

typedef struct
{
  gint64               id;              /* the stored run, 0 before saving */
  gint64               identity_run;
  CstPropensityTarget  target;
  CstTimeSplit         split;
  CstClassifierKind    kind;            /* the model chosen */
  double               low_threshold, high_threshold;
  /* The holdout evaluation of the chosen model (copied from the classifier). */
  double               auc, auc_logistic, auc_trees, lift_top10, base_rate;
  gsize                n_train, n_test;
  GArray              *roc, *gain, *calibration;   /* CstCurvePoint */
  GArray              *calibration_counts;  /* guint64 per calibration point: holdout people in
                                             * that bin; NULL for runs stored without them */
  GPtrArray           *drivers;         /* CstPropensityDriver *, strongest first */
  char               **warnings;        /* translated sentences, NULL-terminated */
  char               **feature_names;   /* the model's columns, NULL-terminated */
  /* Everyone with an order, scored as of the end of the data. */
  gsize                n_people;
  gint64              *person_ids;      /* ascending */
  double              *probability;     /* of the target outcome, in [0, 1] */
  guint8              *band;            /* CstBand */
  double               seconds;
} CstPropensityRun;

const char *cst_propensity_target_to_string (CstPropensityTarget target);   /* "churn", "purchase" */
const char *cst_band_to_string              (CstBand             band);     /* "low", "medium", "high" */
const char *cst_band_get_label              (CstBand             band);     /* translated "High" … */
void        cst_propensity_options_init     (CstPropensityOptions *options);

/* Every person's purchase days (sorted by person, then day), from the stored orders of
 * @identity_run. Order lines with amount ≤ 0 (returns) do not make a purchase day. */
GArray     *cst_predict_collect_purchases   (CstStore            *store,
                                             gint64               identity_run,
                                             GCancellable        *cancellable,
                                             GError             **error);
/* Suggests a split: churn horizon = the 90th percentile of the gaps between purchases rounded
 * up to a friendly length (7, 14, 30, 60, 90, 120, 180, 270 or 365 days), purchase horizon 90
 * days (or @horizon_days when not 0); cutoff = last day + 1 − horizon. Fails with a sentence
 * when the data spans too little time to leave as much history as outcome window. */
gboolean    cst_time_split_suggest          (const GArray        *purchases,
                                             CstPropensityTarget  target,
                                             guint                horizon_days,
                                             CstTimeSplit        *split,
                                             GError             **error);
/* The labels for the people of a feature table computed up to split->cutoff: 1 when the target
 * happened in [cutoff, cutoff + horizon). @labels has @n entries. */
void        cst_time_split_label            (const CstTimeSplit  *split,
                                             CstPropensityTarget  target,
                                             const GArray        *purchases,
                                             const gint64        *person_ids,
                                             gsize                n,
                                             guint8              *labels);

/* Runs the whole time split on a project: purchases, split, features before the cutoff,
 * labels after it, cst_classifier_fit(), features to the end of the data, scores, bands,
 * drivers, warnings. Cancellable; progress from 0 to 1. Cost: two passes over the orders, one
 * classifier fit. Does not save: see cst_store_save_propensity(). */
CstPropensityRun *cst_propensity_run        (CstStore                   *store,
                                             gint64                      identity_run,
                                             const CstPropensityOptions *options,
                                             GCancellable               *cancellable,
                                             CstProgressFunc             progress,
                                             gpointer                    progress_data,
                                             GError                    **error);
void        cst_propensity_run_free         (CstPropensityRun    *run);

CstBand     cst_band_for                    (double               probability,
                                             double               low_threshold,
                                             double               high_threshold);
/* For any two thresholds (low ≤ high): people per band and the expected number who act. */
void        cst_band_count                  (const double        *probability,
                                             gsize                n,
                                             double               low_threshold,
                                             double               high_threshold,
                                             CstBandCounts       *counts);
/* Re-bands a run's people with new thresholds (in place). */
void        cst_propensity_run_set_thresholds (CstPropensityRun  *run,
                                               double             low_threshold,
                                               double             high_threshold);
/* Returns: (transfer full): the phrase for a feature moving in @direction, translated. */
char       *cst_propensity_driver_text      (const char          *feature,
                                             int                  direction);
void        cst_propensity_driver_free      (CstPropensityDriver *driver);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPropensityRun, cst_propensity_run_free)

G_END_DECLS
