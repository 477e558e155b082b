/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "classify/cst-classifier.h"
#include "jobs/cst-progress.h"

G_BEGIN_DECLS

typedef struct _CstStore CstStore;

/* Lookalikes: people who behave like a seed group (a segment, a propensity band, a list).
 *
 * The default method trains a classifier of seed against everyone else on the behavioural
 * features (through cst_classifier_fit()). It learns WHICH features make the seed special,
 * which plain distances cannot: a seed of big spenders is found by spend, whatever their
 * weekday share. People who are like the seed but not in it are "negatives" in training; as
 * long as they are a minority of the rest, their scores still rank above unlike people (the
 * classic positive-unlabelled argument). With fewer than 30 seed members the classifier has too
 * little to learn from, and the distance method is used: the mean standardized distance to the
 * 5 nearest seed members.
 *
 * Similarity is scaled so that 1 means "as seed-like as the median seed member": the
 * classifier's probability, or exp(−d / d_seed) for distances, divided by the seed's median,
 * capped at 1. */
typedef enum
{
  CST_LOOKALIKE_AUTO,
  CST_LOOKALIKE_CLASSIFIER,
  CST_LOOKALIKE_DISTANCE,
} CstLookalikeMethod;

typedef struct
{
  gint64               id;                /* stored run, 0 before saving */
  gint64               identity_run;
  CstLookalikeMethod   method;            /* the one used */
  char                *seed_description;  /* e.g. "Segment “Loyal big spenders”", as given */
  gsize                n_seed;            /* seed members with orders (scored) */
  gsize                n_seed_unknown;    /* seed members without orders or not in the run */
  gsize                n_people;          /* everyone with an order */
  gint64              *person_ids;        /* n_people, ascending */
  double              *similarity;        /* n_people, in [0, 1] */
  guint8              *is_seed;           /* n_people */
  double               auc;               /* holdout AUC of seed against the rest; NAN for distance */
  GArray              *reach;             /* CstCurvePoint: similarity threshold → people outside the seed at or above it */
  char               **warnings;          /* translated sentences, NULL-terminated */
  double               seconds;
} CstLookalikeRun;

const char      *cst_lookalike_method_to_string (CstLookalikeMethod method);

/* Scores everyone with an order against the seed (person ids of @identity_run). Cancellable;
 * progress from 0 to 1. Fails with a sentence when fewer than 3 seed members have orders or
 * the seed is everybody. */
CstLookalikeRun *cst_lookalike_run              (CstStore            *store,
                                                 gint64               identity_run,
                                                 const gint64        *seed_ids,
                                                 gsize                n_seed_ids,
                                                 const char          *seed_description,
                                                 CstLookalikeMethod   method,
                                                 guint32              seed,
                                                 GCancellable        *cancellable,
                                                 CstProgressFunc      progress,
                                                 gpointer             progress_data,
                                                 GError             **error);
/* The audience: people outside the seed with similarity ≥ @min_similarity, most similar first,
 * at most @max_people (0: no limit). Returns: (transfer full): gint64 person ids. */
GArray          *cst_lookalike_run_take         (const CstLookalikeRun *run,
                                                 gsize                  max_people,
                                                 double                 min_similarity);
/* People outside the seed at or above @threshold. */
gsize            cst_lookalike_run_count_above  (const CstLookalikeRun *run,
                                                 double                 threshold);
void             cst_lookalike_run_free         (CstLookalikeRun       *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstLookalikeRun, cst_lookalike_run_free)

G_END_DECLS
