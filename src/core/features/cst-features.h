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
} CstFeatureUnit;

/* What a behavioural feature means, for people: label and description are translatable
 * (mark with N_, translate with _ at display time). */
typedef struct
{
  const char     *name;         /* stable identifier stored in the project */
  const char     *label;
  const char     *description;
  CstFeatureUnit  unit;
  gboolean        log_scale;    /* heavy-tailed: log1p before standardizing */
} CstFeatureInfo;

/* Per-person behaviour computed from the stored orders and engagement of one identity run. */
typedef struct
{
  gsize    rows;          /* people with at least one order */
  guint    cols;
  double  *values;        /* rows × cols, row-major, in the features' own units */
  gint64  *person_ids;    /* rows, ascending */
  gsize    n_skipped;     /* people without orders */
  gsize    n_imputed;     /* people whose open rate was unknown and set to the average */
  gint64   reference_time;/* "today" of the data: one day after its last order */
} CstFeatureTable;

const CstFeatureInfo *cst_feature_info_get_all  (guint             *n_features);
const CstFeatureInfo *cst_feature_info_lookup   (const char        *name);
char                 *cst_feature_format_value  (const CstFeatureInfo *info,
                                                 double             value);

CstFeatureTable      *cst_features_compute      (CstStore          *store,
                                                 gint64             identity_run,
                                                 GCancellable      *cancellable,
                                                 CstProgressFunc    progress,
                                                 gpointer           progress_data,
                                                 GError           **error);
void                  cst_feature_table_free    (CstFeatureTable   *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstFeatureTable, cst_feature_table_free)

G_END_DECLS
