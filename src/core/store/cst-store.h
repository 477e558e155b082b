/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "models/cst-segmentation.h"

G_BEGIN_DECLS

/* The project file: one SQLite database. A CstStore is one connection and belongs to the
 * thread that opened it; the UI opens its own in each worker job, never on the main thread. */

#define CST_STORE_ERROR (cst_store_error_quark ())

typedef enum
{
  CST_STORE_ERROR_OPEN,
  CST_STORE_ERROR_NOT_A_PROJECT,
  CST_STORE_ERROR_TOO_NEW,
  CST_STORE_ERROR_MIGRATION,
  CST_STORE_ERROR_QUERY,
} CstStoreError;

typedef enum
{
  CST_SOURCE_CONTACTS,
  CST_SOURCE_ORDERS,
  CST_SOURCE_ENGAGEMENT,
} CstSourceKind;

#define CST_NO_TIME G_MININT64

/* A parsed row. Strings are borrowed; NULL means empty. Numbers use NAN, -1 or CST_NO_TIME
 * for "not given". */
typedef struct
{
  gint64      source_id;
  gint64      row_number;
  const char *customer_key;
  const char *email;
  const char *first_name;
  const char *last_name;
  const char *phone;
  const char *postcode;
  const char *city;
  const char *country;
  int         consent;
  const char *order_id;
  gint64      event_time;
  double      amount;
  int         quantity;
  const char *category;
  const char *channel;
  double      discount;
  const char *campaign;
  int         opened;
  int         clicked;
} CstRecord;

typedef struct
{
  gint64        id;
  char         *name;
  CstSourceKind kind;
  gint64        n_rows;
  gint64        n_rejected;
} CstSourceInfo;

typedef gboolean (*CstRecordIdentityFunc) (gint64      record_id,
                                           const char *email,
                                           const char *customer_key,
                                           const char *first_name,
                                           const char *last_name,
                                           gpointer    user_data);
/* One order line, or one order where a file has a row per order. discount is NAN when the file
 * had no discount; order_id, category and channel NULL when not given. Lines come sorted by
 * person, time and order, so the lines of one order are neighbours. */
typedef gboolean (*CstOrderFunc)          (gint64      person_id,
                                           gint64      event_time,
                                           double      amount,
                                           double      discount,
                                           const char *order_id,
                                           const char *category,
                                           const char *channel,
                                           gpointer    user_data);
/* A row that was kept only raw: line is the file's line the row starts on, column_name NULL
 * when no one column was to blame (a ragged row), raw the row as it was in the file. */
typedef gboolean (*CstRejectedRowFunc)    (gint64      source_id,
                                           const char *source_name,
                                           gint64      row_number,
                                           gint64      line,
                                           const char *column_name,
                                           const char *reason,
                                           const char *raw,
                                           gpointer    user_data);
/* event_time is CST_NO_TIME and opened/clicked -1 when not given. */
typedef gboolean (*CstEngagementFunc)     (gint64      person_id,
                                           gint64      event_time,
                                           int         opened,
                                           int         clicked,
                                           gpointer    user_data);

GQuark      cst_store_error_quark             (void);
const char *cst_source_kind_to_string         (CstSourceKind        kind);

CstStore   *cst_store_open                    (const char          *path,
                                               GError             **error);
void        cst_store_close                   (CstStore            *self);
const char *cst_store_get_path                (CstStore            *self);
int         cst_store_get_schema_version      (CstStore            *self);
int         cst_store_get_latest_version      (void);

gboolean    cst_store_begin                   (CstStore            *self,
                                               GError             **error);
gboolean    cst_store_commit                  (CstStore            *self,
                                               GError             **error);
void        cst_store_rollback                (CstStore            *self);

/* project_info key, followed by a source id: the content hash of the source whose customer
 * numbers that source's records carry (order lines linked to their orders file). */
#define CST_STORE_KEYS_OF_SOURCE "customer-keys-of-source:"

gboolean    cst_store_set_info                (CstStore            *self,
                                               const char          *key,
                                               const char          *value,
                                               GError             **error);
char       *cst_store_dup_info                (CstStore            *self,
                                               const char          *key);

/* Import */
gint64      cst_store_add_source              (CstStore            *self,
                                               const char          *name,
                                               const char          *path,
                                               CstSourceKind        kind,
                                               const char * const  *header,
                                               GError             **error);
gboolean    cst_store_finish_source           (CstStore            *self,
                                               gint64               source_id,
                                               gint64               n_rows,
                                               gint64               n_rejected,
                                               GError             **error);
gboolean    cst_store_add_raw_row_with_hash   (CstStore            *self,
                                               gint64               source_id,
                                               gint64               row_number,
                                               gint64               line,
                                               const char          *raw,
                                               gsize                length,
                                               const char          *row_hash,
                                               GError             **error);
gboolean    cst_store_has_seen_row            (CstStore            *self,
                                               gint64               source_id,
                                               const char          *row_hash,
                                               gboolean            *seen,
                                               GError             **error);
gboolean    cst_store_set_source_content_hash (CstStore            *self,
                                               gint64               source_id,
                                               const char          *sha256,
                                               GError             **error);
gint64      cst_store_find_source_by_hash     (CstStore            *self,
                                               const char          *sha256,
                                               char               **imported_at);
gboolean    cst_store_add_rejected_row        (CstStore            *self,
                                               gint64               source_id,
                                               gint64               row_number,
                                               const char          *column_name,
                                               const char          *reason,
                                               GError             **error);
gboolean    cst_store_add_record              (CstStore            *self,
                                               const CstRecord     *record,
                                               GError             **error);
GArray     *cst_store_list_sources            (CstStore            *self,
                                               GError             **error);
gboolean    cst_store_foreach_rejected_row    (CstStore            *self,
                                               gint64               source_id,
                                               CstRejectedRowFunc   func,
                                               gpointer             user_data,
                                               GError             **error);
gint64      cst_store_count_records           (CstStore            *self);
gboolean    cst_store_check_integrity         (CstStore            *self,
                                               GError             **error);

/* Identity */
gboolean    cst_store_foreach_record_identity (CstStore             *self,
                                               CstRecordIdentityFunc func,
                                               gpointer              user_data,
                                               GError              **error);
gint64      cst_store_add_identity_run        (CstStore            *self,
                                               const char          *method,
                                               GError             **error);
gboolean    cst_store_finish_identity_run     (CstStore            *self,
                                               gint64               run_id,
                                               gint64               n_records,
                                               gint64               n_people,
                                               double               seconds,
                                               GError             **error);
gint64      cst_store_add_person              (CstStore            *self,
                                               gint64               run_id,
                                               const char          *match_key,
                                               const char          *email,
                                               const char          *first_name,
                                               const char          *last_name,
                                               gint64               n_records,
                                               GError             **error);
gboolean    cst_store_link_record             (CstStore            *self,
                                               gint64               person_id,
                                               gint64               record_id,
                                               GError             **error);
gint64      cst_store_get_latest_identity_run (CstStore            *self,
                                               gint64              *n_people);

/* Features */
gboolean    cst_store_foreach_order           (CstStore            *self,
                                               gint64               identity_run,
                                               CstOrderFunc         func,
                                               gpointer             user_data,
                                               GError             **error);
gboolean    cst_store_foreach_engagement      (CstStore            *self,
                                               gint64               identity_run,
                                               CstEngagementFunc    func,
                                               gpointer             user_data,
                                               GError             **error);

/* A person in a segment, with the plain facts a marketer sorts by. */
typedef gboolean (*CstMemberFunc)         (gint64      person_id,
                                           const char *email,
                                           const char *first_name,
                                           const char *last_name,
                                           gint64      orders,
                                           double      total_spend,
                                           gint64      last_order,
                                           gpointer    user_data);

/* Segmentation */
gboolean    cst_store_save_segmentation       (CstStore            *self,
                                               gint64               identity_run,
                                               CstSegmentation     *segmentation,
                                               GError             **error);
CstSegmentation *cst_store_load_latest_segmentation (CstStore      *self,
                                                     GError       **error);
gboolean    cst_store_foreach_segment_member  (CstStore            *self,
                                               gint64               run_id,
                                               guint                segment,
                                               CstMemberFunc        func,
                                               gpointer             user_data,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstStore, cst_store_close)

G_END_DECLS
