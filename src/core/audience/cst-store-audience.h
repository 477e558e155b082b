/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"
#include "store/cst-store.h"

G_BEGIN_DECLS

/* The store side of issue 8 (store/cst-store-audience.c): plain C over the project's SQL, for
 * cst-audience.c, cst-holdout.c and cst-privacy.c. Every function runs on the store's thread. */

/* One person of an audience with what an export may show. Strings are borrowed for the call.
 * A person's contact values come from their records (one of them when several disagree);
 * consent is 0 when any record says no, 1 when one says yes and none no, -1 when none says. */
typedef struct
{
  gint64      person_id;
  const char *email;
  const char *first_name;
  const char *last_name;
  const char *phone;
  const char *country;
  const char *postcode;
  const char *city;
  const char *customer_key;
  int         consent;
  gint64      orders;        /* distinct orders */
  double      total_spend;
  gint64      last_order;    /* wall-clock seconds since 1970, or CST_NO_TIME */
} CstAudienceMember;

typedef gboolean (*CstAudienceMemberFunc) (const CstAudienceMember *member,
                                           gpointer                 user_data);

/* The people of a segment of a run, ascending ids, appended to @ids (gint64). */
gboolean  cst_store_audience_segment_people (CstStore              *self,
                                             gint64                 run_id,
                                             guint                  segment,
                                             GArray                *ids,
                                             GError               **error);
/* Finds a segment of the newest run by its index ("2") or name (case-insensitive). */
gboolean  cst_store_audience_find_segment   (CstStore              *self,
                                             const char            *id_or_name,
                                             gint64                *run_id,
                                             guint                 *segment,
                                             GError               **error);
/* The segment's name, size, up to three facts (NULL-terminated), the run's reason and date. */
gboolean  cst_store_audience_describe_segment (CstStore            *self,
                                               gint64               run_id,
                                               guint                segment,
                                               char               **name,
                                               gint64              *size,
                                               char              ***facts,
                                               char               **reason,
                                               char               **created_at,
                                               GError             **error);
/* Calls @func for each of @ids (ascending, each once) that is still a person. */
gboolean  cst_store_audience_foreach_member (CstStore              *self,
                                             const gint64          *ids,
                                             gsize                  n_ids,
                                             CstAudienceMemberFunc  func,
                                             gpointer               user_data,
                                             GError               **error);

/* Holdouts: an audience by key; FALSE with no error when it does not exist yet. */
gboolean  cst_store_audience_lookup         (CstStore              *self,
                                             const char            *key,
                                             gint64                *audience_id,
                                             guint32               *seed,
                                             double                *holdout_share,
                                             GError               **error);
/* Creates the audience with its members (ascending ids) and their held flags. */
gint64    cst_store_audience_create         (CstStore              *self,
                                             const char            *key,
                                             const char            *name,
                                             guint32                seed,
                                             double                 holdout_share,
                                             const gint64          *ids,
                                             const guint8          *held,
                                             gsize                  n_ids,
                                             GError               **error);
/* Stored members → held flag (GINT_TO_POINTER (held + 1)), keys are gint64 pointers (owned). */
GHashTable *cst_store_audience_load_members (CstStore              *self,
                                             gint64                 audience_id,
                                             GError               **error);
gboolean  cst_store_audience_add_members    (CstStore              *self,
                                             gint64                 audience_id,
                                             const gint64          *ids,
                                             const guint8          *held,
                                             gsize                  n_ids,
                                             GError               **error);
gboolean  cst_store_audience_log_export     (CstStore              *self,
                                             gint64                 audience_id,
                                             const char            *format,
                                             gint64                 n_candidates,
                                             gint64                 n_no_consent,
                                             gint64                 n_filtered,
                                             gint64                 n_held,
                                             gint64                 n_written,
                                             GError               **error);
/* People whose records or profile carry @email (trimmed, case-insensitive), appended to @ids. */
gboolean  cst_store_audience_people_by_email (CstStore             *self,
                                              const char           *email,
                                              GArray               *ids,
                                              GError              **error);

/* Sensitive columns. */
typedef struct
{
  gint64    source_id;
  char     *source_name;
  char     *column_name;
  gboolean  allow_in_models;
} CstSensitiveColumn;

void      cst_sensitive_column_free         (gpointer               column);
gboolean  cst_store_audience_set_sensitive  (CstStore              *self,
                                             gint64                 source_id,
                                             const char            *column_name,
                                             gboolean               sensitive,
                                             gboolean               allow_in_models,
                                             GError               **error);
/* (element-type CstSensitiveColumn) */
GPtrArray *cst_store_audience_list_sensitive (CstStore             *self,
                                              GError              **error);

/* Fairness: people of each segment of @run_id by the value of a record column (country, city,
 * postcode, channel, category, campaign or consent; "" for none). */
typedef gboolean (*CstFairnessCountFunc) (guint       segment,
                                          const char *value,
                                          gint64      count,
                                          gpointer    user_data);
gboolean  cst_store_audience_count_by_attribute (CstStore          *self,
                                                 gint64             run_id,
                                                 const char        *attribute,
                                                 CstFairnessCountFunc func,
                                                 gpointer           user_data,
                                                 GError           **error);

/* Erasure. */
typedef struct
{
  gint64 audit_id;
  gint64 n_people;
  gint64 n_records;
  gint64 n_raw_rows;
} CstErasure;

gboolean  cst_store_audience_erase          (CstStore              *self,
                                             gint64                 person_id,
                                             const char            *email,
                                             CstErasure            *result,
                                             GCancellable          *cancellable,
                                             CstProgressFunc        progress,
                                             gpointer               progress_data,
                                             GError               **error);
/* Every "table.column" of the project whose text contains @needle (case-insensitive). */
char    **cst_store_audience_find_text      (CstStore              *self,
                                             const char            *needle,
                                             GError               **error);
gint64    cst_store_audience_count_erasures (CstStore              *self);

/* One row of the erasure audit log: when, and how much went; never who. */
typedef struct
{
  gint64  audit_id;
  char   *erased_at;     /* ISO 8601, UTC */
  gint64  n_records;
  gint64  n_raw_rows;
} CstErasureEntry;

/* Every erasure of the project, oldest first; the array frees each entry's strings.
 * Returns: (transfer full) (element-type CstErasureEntry) (nullable) */
GArray   *cst_store_audience_list_erasures  (CstStore              *self,
                                             GError               **error);

/* What erasing these people would remove, per source. */
typedef struct
{
  gint64  source_id;
  char   *source_name;
  gint64  n_records;
} CstPersonRecordCount;

/**
 * cst_store_audience_count_person_records:
 * @ids: (array length=n): people, as an erasure of each would take them
 * @counts: (element-type CstPersonRecordCount): appended to, one entry per source with records,
 *   ordered by source; give it a clear func freeing source_name (g_array_set_clear_func with
 *   cst_person_record_count_clear)
 *
 * Follows the same closure as cst_store_audience_erase() (every record of the people, every
 * person of any identity run linked to one of them, …) without changing anything.
 */
gboolean  cst_store_audience_count_person_records (CstStore        *self,
                                                   const gint64    *ids,
                                                   gsize            n,
                                                   GArray          *counts,
                                                   GError         **error);
void      cst_person_record_count_clear     (gpointer               count);

/**
 * cst_store_audience_dup_source_columns:
 *
 * The column titles of an imported source, in file order, exactly as its header row had them.
 *
 * Returns: (transfer full): a %NULL-terminated array, or %NULL with @error set when the source
 *   does not exist
 */
char    **cst_store_audience_dup_source_columns (CstStore          *self,
                                                 gint64             source_id,
                                                 GError           **error);

/* Calls @func with each stored raw row of @source_id (file order) and the person of
 * @identity_run it belongs to (0 when none: rejected, or not linked). */
typedef gboolean (*CstSourceRowFunc) (gint64      person_id,
                                      const char *raw,
                                      gsize       length,
                                      gpointer    user_data);
gboolean  cst_store_audience_foreach_source_row (CstStore          *self,
                                                 gint64             source_id,
                                                 gint64             identity_run,
                                                 CstSourceRowFunc   func,
                                                 gpointer           user_data,
                                                 GError           **error);

/* Writes a pseudonymized copy of the project to @dest_path (see cst_privacy_save_pseudonymized). */
gboolean  cst_store_audience_pseudonymize_copy (CstStore           *self,
                                                const char         *dest_path,
                                                GBytes             *key,
                                                GCancellable       *cancellable,
                                                CstProgressFunc     progress,
                                                gpointer            progress_data,
                                                GError            **error);

G_END_DECLS
