/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "audience/cst-store-audience.h"
#include "store/cst-store.h"

G_BEGIN_DECLS

/* Privacy and governance (issue 8): sensitive columns, proxies of them, the mix of each
 * segment against the whole base, erasure of a person and pseudonymized copies to share. */

/* Sensitive columns of an imported source (health, religion, birth date…). A sensitive column
 * is left out of exports and may not feed models unless allowed explicitly. */
gboolean   cst_privacy_mark_sensitive     (CstStore      *store,
                                           gint64         source_id,
                                           const char    *column_name,
                                           gboolean       sensitive,
                                           GError       **error);
/* Keeps @column_name sensitive (out of exports) but lets models use it, or not. */
gboolean   cst_privacy_allow_in_models    (CstStore      *store,
                                           gint64         source_id,
                                           const char    *column_name,
                                           gboolean       allow,
                                           GError       **error);
/* Returns: (transfer full) (element-type CstSensitiveColumn) (nullable) */
GPtrArray *cst_privacy_list_sensitive     (CstStore      *store,
                                           GError       **error);
/**
 * cst_privacy_may_use_in_models:
 * @source_id: a source, or 0 for "any source" (a feature named like a column, "age")
 * @name: a column or feature name; compared case-insensitively, ignoring everything but
 *   letters and digits ("Birth Date" is "birth_date")
 * @allowed: (out): %FALSE when a matching column is sensitive and not allowed in models
 */
gboolean   cst_privacy_may_use_in_models  (CstStore      *store,
                                           gint64         source_id,
                                           const char    *name,
                                           gboolean      *allowed,
                                           GError       **error);

/* Proxies: a feature that predicts a sensitive attribute well can stand in for it. */
#define CST_PRIVACY_PROXY_AUC          0.75
#define CST_PRIVACY_PROXY_CORRELATION  0.5

/**
 * cst_privacy_proxy_auc:
 * @x: (array length=n): a numeric feature; NAN values are skipped
 * @groups: (array length=n): the sensitive attribute's value per row; %NULL or "" skipped
 * @best_group: (out) (optional) (transfer full): the value @x separates best
 *
 * For each value of the attribute, the area under the ROC curve of @x separating it from the
 * rest (Mann–Whitney, ties averaged), folded to [0.5, 1] since either direction leaks. Costs
 * one sort, O(n log n).
 *
 * Returns: the largest folded AUC, or NAN when fewer than two values are present
 */
double     cst_privacy_proxy_auc          (const double       *x,
                                           const char * const *groups,
                                           gsize               n,
                                           char              **best_group);
/* |Pearson correlation| of two numeric columns over rows where both are finite; NAN if < 3. */
double     cst_privacy_proxy_correlation  (const double       *x,
                                           const double       *y,
                                           gsize               n);

/* A column that predicts a sensitive one: a behavioural feature of the newest identity run
 * (is_feature, @column is the feature's name, e.g. "total_spend" or "channel:web") or another
 * numeric column of the sensitive column's own file. */
typedef struct
{
  gint64    source_id;          /* the file of the sensitive column */
  char     *column;
  char     *sensitive_column;
  double    score;              /* folded AUC (categorical) or |Pearson r| (numeric) */
  gboolean  is_feature;
  gboolean  by_correlation;     /* the score is a correlation, not an AUC */
} CstPrivacyProxy;

void       cst_privacy_proxy_free         (gpointer       proxy);

/**
 * cst_privacy_find_proxies:
 *
 * For each sensitive column, reads its values from the stored rows of its file and scores every
 * behavioural feature (per person, through the newest identity run) and every other numeric
 * column of the same file (per row) against it: a categorical column (or a numeric one with at
 * most 12 distinct values) by cst_privacy_proxy_auc() over values held by at least 2 % of the
 * rows (and at least 10), a numeric one (dates count as years) by
 * cst_privacy_proxy_correlation(). Scores at or above %CST_PRIVACY_PROXY_AUC or
 * %CST_PRIVACY_PROXY_CORRELATION are proxies. Costs one feature computation and one pass over
 * the raw rows of each file with a sensitive column.
 *
 * Returns: (transfer full) (element-type CstPrivacyProxy) (nullable): the proxies, strongest
 *   first; empty when nothing is sensitive
 */
GPtrArray *cst_privacy_find_proxies       (CstStore        *store,
                                           GCancellable    *cancellable,
                                           GError         **error);

/* Fairness: each segment's mix of an attribute against the whole segmented base. */
typedef struct
{
  guint   segment;
  char   *segment_name;
  char   *value;          /* "" when the person has none */
  gint64  count;          /* people of the segment with this value */
  double  share;          /* of the segment */
  double  base_share;     /* of everyone segmented */
  double  ratio;          /* share / base_share: 1 is the base's mix */
} CstFairnessCell;

void       cst_fairness_cell_free         (gpointer       cell);
/**
 * cst_privacy_fairness_table:
 * @attribute: "country", "city", "postcode", "channel", "category", "campaign" or "consent"
 *
 * One cell per segment of the newest run and value of @attribute (a person's value is one of
 * their records' values), ordered by segment and value. One query over the assignments.
 *
 * Returns: (transfer full) (element-type CstFairnessCell) (nullable)
 */
GPtrArray *cst_privacy_fairness_table     (CstStore      *store,
                                           const char    *attribute,
                                           GError       **error);

/* Erases a person (by internal number, or every person and record with @email): see
 * cst_store_audience_erase(). */
gboolean   cst_privacy_erase_person       (CstStore        *store,
                                           gint64           person_id,
                                           const char      *email,
                                           CstErasure      *result,
                                           GCancellable    *cancellable,
                                           CstProgressFunc  progress,
                                           gpointer         progress_data,
                                           GError         **error);

/**
 * cst_privacy_save_pseudonymized:
 * @dest_path: the copy to write; it appears complete or not at all
 *
 * Writes a copy of the project for sharing. Emails (trimmed, lower-cased), phones, customer
 * keys and identity match keys become HMAC-SHA256 hashes under a random key made for this copy
 * and never stored, so records still link up inside the copy but nobody can test a guessed
 * address against it, nor join two copies. First and last names, postcodes, cities, file paths
 * and every raw imported row are removed. Countries, orders, segments and scores stay. The
 * copy is vacuumed into one file, so no freed page keeps an identifier. Cancelling (also in
 * the middle of the copy's long statements) leaves no file behind.
 */
gboolean   cst_privacy_save_pseudonymized (CstStore        *store,
                                           const char      *dest_path,
                                           GCancellable    *cancellable,
                                           CstProgressFunc  progress,
                                           gpointer         progress_data,
                                           GError         **error);

G_END_DECLS
