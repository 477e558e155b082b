/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"

G_BEGIN_DECLS

typedef struct _CstStore CstStore;

typedef enum
{
  CST_FEATURE_UNIT_DAYS,
  CST_FEATURE_UNIT_COUNT,
  CST_FEATURE_UNIT_MONEY,
  CST_FEATURE_UNIT_SHARE,
  CST_FEATURE_UNIT_RATIO,     /* a dimensionless number such as a coefficient of variation */
} CstFeatureUnit;

typedef enum
{
  CST_FEATURE_GROUP_RECENCY,
  CST_FEATURE_GROUP_FREQUENCY,
  CST_FEATURE_GROUP_SPEND,
  CST_FEATURE_GROUP_TIMING,
  CST_FEATURE_GROUP_ASSORTMENT,
  CST_FEATURE_GROUP_DISCOUNTS,
  CST_FEATURE_GROUP_CHANNEL,
  CST_FEATURE_GROUP_ENGAGEMENT,
  CST_FEATURE_N_GROUPS
} CstFeatureGroup;

/* What a behavioural feature means, for people. label and description are translatable (marked
 * with N_; translate with _ when shown). The per-channel features are one template, "channel:",
 * whose stored names carry the channel ("channel:web"): use cst_feature_dup_label() for them. */
typedef struct
{
  const char      *name;         /* stable identifier stored in the project */
  const char      *label;        /* e.g. "Days since last order"; for "channel:" a %s template */
  const char      *description;
  CstFeatureUnit   unit;
  CstFeatureGroup  group;
  gboolean         log_scale;    /* heavy-tailed: log1p before standardizing */
  gboolean         default_on;   /* used unless the user switches it off */
} CstFeatureInfo;

/* Feature names, for code that needs one in particular. */
#define CST_FEATURE_RECENCY          "recency_days"
#define CST_FEATURE_ORDERS           "orders"
#define CST_FEATURE_TOTAL_SPEND      "total_spend"
#define CST_FEATURE_AVERAGE_ORDER    "average_order"
#define CST_FEATURE_TENURE           "tenure_days"
#define CST_FEATURE_GAP              "mean_gap_days"
#define CST_FEATURE_GAP_REGULARITY   "gap_variation"
#define CST_FEATURE_WEEKEND          "weekend_share"
#define CST_FEATURE_EVENING          "evening_share"
#define CST_FEATURE_TOP_CATEGORY     "top_category_share"
#define CST_FEATURE_CATEGORIES       "category_breadth"
#define CST_FEATURE_DISCOUNT         "discount_share"
#define CST_FEATURE_CHANNEL_PREFIX   "channel:"
#define CST_FEATURE_OPEN_RATE        "email_open_rate"
#define CST_FEATURE_CLICK_RATE       "email_click_rate"
#define CST_FEATURE_ENGAGEMENT       "days_since_engagement"

/* Per-person behaviour computed from the stored orders and engagement of one identity run. */
typedef struct
{
  gsize    rows;            /* people with at least one order */
  guint    cols;
  char   **names;           /* cols feature names (see above), NULL-terminated */
  double  *values;          /* rows × cols, row-major, in the features' own units; NAN = missing */
  gint64  *person_ids;      /* rows, ascending */
  gsize   *n_missing;       /* cols: people whose value is missing (NAN) */
  gsize    n_skipped;       /* people without orders */
  gint64   reference_time;  /* "today" of the data: one day after its last order */
  char   **notes;           /* translated sentences on features the data cannot support, NULL-terminated */
} CstFeatureTable;

const CstFeatureInfo *cst_feature_info_get_all    (guint                *n_features);
const CstFeatureInfo *cst_feature_info_lookup     (const char           *name);
char                 *cst_feature_dup_label       (const char           *name);
char                 *cst_feature_dup_description (const char           *name);
const char           *cst_feature_group_label     (CstFeatureGroup       group);
char                 *cst_feature_format_value    (const CstFeatureInfo *info,
                                                   double                value);

CstFeatureTable      *cst_features_compute        (CstStore             *store,
                                                   gint64                identity_run,
                                                   GCancellable         *cancellable,
                                                   CstProgressFunc       progress,
                                                   gpointer              progress_data,
                                                   GError              **error);
/* The same, from orders and engagement strictly before @cutoff only; see the .c file. */
CstFeatureTable      *cst_features_compute_until  (CstStore             *store,
                                                   gint64                identity_run,
                                                   gint64                cutoff,
                                                   GCancellable         *cancellable,
                                                   CstProgressFunc       progress,
                                                   gpointer              progress_data,
                                                   GError              **error);
int                   cst_feature_table_find      (const CstFeatureTable *table,
                                                   const char           *name);
void                  cst_feature_table_free      (CstFeatureTable      *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeatureTable, cst_feature_table_free)

G_END_DECLS
