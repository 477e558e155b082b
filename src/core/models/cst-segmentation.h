/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"

G_BEGIN_DECLS

typedef struct _CstStore CstStore;

#define CST_SEGMENTATION_ERROR (cst_segmentation_error_quark ())

typedef enum
{
  CST_SEGMENTATION_ERROR_NOT_MATCHED,
  CST_SEGMENTATION_ERROR_TOO_FEW_PEOPLE,
} CstSegmentationError;

/* One stored segmentation run, complete and immutable once made: safe to hand from a worker
 * thread to the UI. Means are in the features' own units (days, orders, euros, shares). */
typedef struct
{
  gint64   run_id;
  char    *created_at;     /* ISO 8601, UTC */
  guint    k;
  guint32  seed;
  gsize    n_people;       /* people segmented */
  gsize    n_skipped;      /* people without any order, not segmented */
  double   inertia;        /* k-means objective on the standardized features */
  guint    iterations;
  double   explained[2];   /* share of variance on the two map axes */
  double   seconds;

  guint    n_features;
  char   **feature_names;  /* n_features, see cst_feature_info_lookup() */
  double  *overall_means;  /* n_features */

  char   **segment_names;  /* k */
  gsize   *sizes;          /* k */
  double  *means;          /* k × n_features, row-major */

  gint64  *person_ids;     /* n_people */
  guint   *labels;         /* n_people, in [0, k) */
  double  *x;              /* n_people: first principal component */
  double  *y;              /* n_people: second principal component */
} CstSegmentation;

typedef struct
{
  guint   k;
  guint32 seed;
  guint   n_init;
} CstSegmentationOptions;

GQuark           cst_segmentation_error_quark  (void);
void             cst_segmentation_options_init (CstSegmentationOptions       *options);
CstSegmentation *cst_segmentation_new          (guint                         k,
                                                guint                         n_features,
                                                gsize                         n_people);
CstSegmentation *cst_segmentation_run          (CstStore                     *store,
                                                const CstSegmentationOptions *options,
                                                GCancellable                 *cancellable,
                                                CstProgressFunc               progress,
                                                gpointer                      progress_data,
                                                GError                      **error);
const double    *cst_segmentation_get_mean     (const CstSegmentation        *self,
                                                guint                         segment,
                                                guint                         feature);
void             cst_segmentation_free         (CstSegmentation              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstSegmentation, cst_segmentation_free)

G_END_DECLS
