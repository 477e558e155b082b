/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"
#include "models/cst-auto-k.h"

G_BEGIN_DECLS

typedef struct _CstStore CstStore;

#define CST_SEGMENTATION_ERROR (cst_segmentation_error_quark ())

typedef enum
{
  CST_SEGMENTATION_ERROR_NOT_MATCHED,
  CST_SEGMENTATION_ERROR_TOO_FEW_PEOPLE,
  CST_SEGMENTATION_ERROR_NO_FEATURES,
} CstSegmentationError;

typedef enum
{
  CST_SEGMENTATION_DISCOVER,   /* k-means on the behavioural features */
  CST_SEGMENTATION_RFM,        /* classic RFM quintiles and their named groups */
} CstSegmentationMethod;

/* How to segment. Plain data: copy with cst_segmentation_options_copy(). */
typedef struct
{
  CstSegmentationMethod method;
  guint                 k;                  /* 2–12, or 0 to choose automatically */
  guint32               seed;
  guint                 n_init;
  gboolean              log_scale;          /* log1p of heavy-tailed features (default TRUE) */
  gboolean              winsorize;          /* clip at the 1st/99th percentile (default TRUE) */
  gboolean              float32;            /* single-precision k-means */
  gsize                 sample_size;        /* rows for the automatic choice's silhouette and stability */
  char                **disabled_features;  /* names switched off; NULL-terminated or NULL */
} CstSegmentationOptions;

/* One stored segmentation run, complete and immutable once made: safe to hand from a worker
 * thread to the UI. Means are in the features' own units (days, orders, money, shares). */
typedef struct
{
  gint64                run_id;
  char                 *created_at;     /* ISO 8601, UTC */
  CstSegmentationMethod method;
  guint                 k;
  gboolean              auto_k;         /* k was chosen automatically */
  char                 *reason;         /* why this k, in words; NULL when the user chose it */
  guint32               seed;
  gsize                 n_people;       /* people segmented */
  gsize                 n_skipped;      /* people without any order, not segmented */
  double                inertia;        /* k-means objective on the standardized features */
  guint                 iterations;
  double                explained[2];   /* share of variance on the two map axes */
  double                seconds;
  char                 *settings;       /* the options, as JSON */
  char                **notes;          /* features the data could not support, in words */

  guint                 n_features;
  char                **feature_names;  /* n_features, see cst_feature_info_lookup() */
  double               *overall_means;  /* n_features */
  gsize                *n_missing;      /* n_features: people whose value was filled in */

  char                **segment_names;  /* k */
  char                **facts;          /* k × 3, row-major; NULL where fewer */
  gsize                *sizes;          /* k */
  double               *means;          /* k × n_features */
  double               *rest_means;     /* k × n_features: everyone else's mean */
  double               *std_diffs;      /* k × n_features: effect size against everyone else */

  guint                 n_choices;      /* candidate k of an automatic choice, else 0 */
  CstKChoice           *choices;

  gint64               *person_ids;     /* n_people */
  guint                *labels;         /* n_people, in [0, k) */
  double               *x;              /* n_people: first principal component */
  double               *y;              /* n_people: second principal component */
} CstSegmentation;

GQuark           cst_segmentation_error_quark   (void);
void             cst_segmentation_options_init  (CstSegmentationOptions       *options);
void             cst_segmentation_options_copy  (const CstSegmentationOptions *src,
                                                 CstSegmentationOptions       *dest);
void             cst_segmentation_options_clear (CstSegmentationOptions       *options);
char            *cst_segmentation_options_to_json (const CstSegmentationOptions *options);
gboolean         cst_segmentation_options_from_json (const char             *json,
                                                     CstSegmentationOptions *options);

CstSegmentation *cst_segmentation_new           (guint                         k,
                                                 guint                         n_features,
                                                 gsize                         n_people);
CstSegmentation *cst_segmentation_run           (CstStore                     *store,
                                                 const CstSegmentationOptions *options,
                                                 GCancellable                 *cancellable,
                                                 CstProgressFunc               progress,
                                                 gpointer                      progress_data,
                                                 GError                      **error);
const char      *cst_segmentation_get_fact      (const CstSegmentation        *self,
                                                 guint                         segment,
                                                 guint                         index);
void             cst_segmentation_free          (CstSegmentation              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstSegmentation, cst_segmentation_free)

G_END_DECLS
