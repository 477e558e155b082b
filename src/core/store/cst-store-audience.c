/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-store-audience"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cst-store-private.h"
#include "audience/cst-store-audience.h"

/* The SQL of issue 8. Lists of people go through a temporary table (the connection's own temp
 * schema, never written into the project), so a million ids cost one insert each and one join. */

/* Steps a query that gives at most one row. Returns: SQLITE_ROW with the row ready to read
 * (reset the statement afterwards); otherwise the statement is reset, and for any code but
 * SQLITE_DONE (no row) @error is set. */
static int
step_single_row (CstStore      *self,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return rc;
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    cst_store_set_sqlite_error (self, rc, error);
  return rc;
}

/* Cancellation inside long statements (a VACUUM, a closure over a million records): SQLite
 * asks every few thousand virtual-machine steps and stops the statement with SQLITE_INTERRUPT. */
static int
cancelled_cb (void *data)
{
  return g_cancellable_is_cancelled (data) ? 1 : 0;
}

static void
watch_cancellable (CstStore     *self,
                   GCancellable *cancellable)
{
  if (cancellable != NULL)
    sqlite3_progress_handler (cst_store_get_db (self), 4096, cancelled_cb, cancellable);
  else
    sqlite3_progress_handler (cst_store_get_db (self), 0, NULL, NULL);
}

/* An interrupted statement reports a store error; the caller should see a cancellation. */
static void
prefer_cancelled (GCancellable  *cancellable,
                  GError       **error)
{
  if (!g_cancellable_is_cancelled (cancellable) || error == NULL)
    return;
  g_clear_error (error);
  g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
fill_temp_ids (CstStore      *self,
               const char    *clear_sql,
               const char    *insert_sql,
               const gint64  *ids,
               gsize          n_ids,
               GError       **error)
{
  sqlite3_stmt *stmt;

  if (!cst_store_exec (self, "CREATE TEMP TABLE IF NOT EXISTS cst_audience_ids (id INTEGER PRIMARY KEY)", error) ||
      !cst_store_exec (self, clear_sql, error))
    return FALSE;
  stmt = cst_store_prepare (self, insert_sql, error);
  if (stmt == NULL)
    return FALSE;
  for (gsize i = 0; i < n_ids; i++)
    {
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      if (!cst_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cst_store_audience_segment_people (CstStore  *self,
                                   gint64     run_id,
                                   guint      segment,
                                   GArray    *ids,
                                   GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "SELECT person_id FROM assignments WHERE run_id = ?1 AND segment = ?2 "
                                          "ORDER BY person_id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int (stmt, 2, (int) segment);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  return cst_store_step_rows_done (self, stmt, rc, error);
}

gboolean
cst_store_audience_find_segment (CstStore    *self,
                                 const char  *id_or_name,
                                 gint64      *run_id,
                                 guint       *segment,
                                 GError     **error)
{
  sqlite3_stmt *stmt;
  guint64 index = 0;
  gboolean by_index;
  int rc;

  g_return_val_if_fail (id_or_name != NULL, FALSE);

  by_index = g_ascii_string_to_unsigned (id_or_name, 10, 0, G_MAXINT, &index, NULL);
  stmt = cst_store_prepare (self,
                            "SELECT run_id, idx FROM segments WHERE run_id = (SELECT max (id) FROM segment_runs) "
                            "AND (idx = ?1 OR lower (name) = lower (?2)) ORDER BY (idx = ?1) DESC LIMIT 1",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, by_index ? (gint64) index : -1);
  sqlite3_bind_text (stmt, 2, id_or_name, -1, SQLITE_TRANSIENT);
  rc = step_single_row (self, stmt, error);
  if (rc == SQLITE_ROW)
    {
      *run_id = sqlite3_column_int64 (stmt, 0);
      *segment = (guint) sqlite3_column_int (stmt, 1);
      sqlite3_reset (stmt);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      g_autofree char *display = g_filename_display_name (cst_store_get_path (self));

      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY,
                   _("The newest segmentation of “%s” has no segment “%s”"), display, id_or_name);
    }
  return FALSE;
}

gboolean
cst_store_audience_foreach_member (CstStore               *self,
                                   const gint64           *ids,
                                   gsize                   n_ids,
                                   CstAudienceMemberFunc   func,
                                   gpointer                user_data,
                                   GError                **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!fill_temp_ids (self, "DELETE FROM temp.cst_audience_ids",
                      "INSERT OR IGNORE INTO temp.cst_audience_ids (id) VALUES (?1)", ids, n_ids, error))
    return FALSE;

  /* Contact values: any non-empty one of the person's records (max() picks one
   * deterministically); orders are distinct order ids of order records, or rows without one. */
  stmt = cst_store_prepare (self,
                            "SELECT p.id, p.email, p.first_name, p.last_name, max (r.phone), max (r.country), "
                            "max (r.postcode), max (r.city), min (r.customer_key), max (r.consent = 0), "
                            "max (r.consent = 1), "
                            "count (DISTINCT CASE WHEN s.kind = 'orders' THEN coalesce (r.order_id, '#row' || r.id) END), "
                            "total (CASE WHEN s.kind = 'orders' THEN r.amount END), "
                            "max (CASE WHEN s.kind = 'orders' THEN r.event_time END), "
                            "max (r.email), max (r.first_name), max (r.last_name) "
                            "FROM temp.cst_audience_ids t JOIN people p ON p.id = t.id "
                            "LEFT JOIN person_records pr ON pr.person_id = p.id "
                            "LEFT JOIN records r ON r.id = pr.record_id "
                            "LEFT JOIN sources s ON s.id = r.source_id "
                            "GROUP BY p.id ORDER BY p.id",
                            error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstAudienceMember m = {
        .person_id = sqlite3_column_int64 (stmt, 0),
        .email = (const char *) sqlite3_column_text (stmt, 1),
        .first_name = (const char *) sqlite3_column_text (stmt, 2),
        .last_name = (const char *) sqlite3_column_text (stmt, 3),
        .phone = (const char *) sqlite3_column_text (stmt, 4),
        .country = (const char *) sqlite3_column_text (stmt, 5),
        .postcode = (const char *) sqlite3_column_text (stmt, 6),
        .city = (const char *) sqlite3_column_text (stmt, 7),
        .customer_key = (const char *) sqlite3_column_text (stmt, 8),
        .orders = sqlite3_column_int64 (stmt, 11),
        .total_spend = sqlite3_column_double (stmt, 12),
        .last_order = sqlite3_column_type (stmt, 13) == SQLITE_NULL ? CST_NO_TIME : sqlite3_column_int64 (stmt, 13),
      };

      if (sqlite3_column_int (stmt, 9))
        m.consent = 0;
      else if (sqlite3_column_int (stmt, 10))
        m.consent = 1;
      else
        m.consent = -1;
      /* The profile's own values first; a record's when the profile has none. */
      if (m.email == NULL)
        m.email = (const char *) sqlite3_column_text (stmt, 14);
      if (m.first_name == NULL)
        m.first_name = (const char *) sqlite3_column_text (stmt, 15);
      if (m.last_name == NULL)
        m.last_name = (const char *) sqlite3_column_text (stmt, 16);
      if (!func (&m, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  return cst_store_step_rows_done (self, stmt, rc, error);
}

gboolean
cst_store_audience_lookup (CstStore    *self,
                           const char  *key,
                           gint64      *audience_id,
                           guint32     *seed,
                           double      *holdout_share,
                           GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "SELECT id, seed, holdout_share FROM audiences WHERE key = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (step_single_row (self, stmt, error) != SQLITE_ROW)
    return FALSE;
  *audience_id = sqlite3_column_int64 (stmt, 0);
  *seed = (guint32) sqlite3_column_int64 (stmt, 1);
  *holdout_share = sqlite3_column_double (stmt, 2);
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
cst_store_audience_add_members (CstStore      *self,
                                gint64         audience_id,
                                const gint64  *ids,
                                const guint8  *held,
                                gsize          n_ids,
                                GError       **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "INSERT OR REPLACE INTO audience_members (audience_id, person_id, held) "
                                          "VALUES (?1, ?2, ?3)", error);

  if (stmt == NULL)
    return FALSE;
  for (gsize i = 0; i < n_ids; i++)
    {
      sqlite3_bind_int64 (stmt, 1, audience_id);
      sqlite3_bind_int64 (stmt, 2, ids[i]);
      sqlite3_bind_int (stmt, 3, held[i] ? 1 : 0);
      if (!cst_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gint64
cst_store_audience_create (CstStore      *self,
                           const char    *key,
                           const char    *name,
                           guint32        seed,
                           double         holdout_share,
                           const gint64  *ids,
                           const guint8  *held,
                           gsize          n_ids,
                           GError       **error)
{
  g_autofree char *now = cst_store_now_iso8601 ();
  sqlite3_stmt *stmt;
  gint64 id;

  if (!cst_store_begin (self, error))
    return 0;
  stmt = cst_store_prepare (self,
                            "INSERT INTO audiences (key, name, created_at, seed, holdout_share) "
                            "VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, seed);
  sqlite3_bind_double (stmt, 5, holdout_share);
  if (!cst_store_step_done (self, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (cst_store_get_db (self));
  if (!cst_store_audience_add_members (self, id, ids, held, n_ids, error) ||
      !cst_store_commit (self, error))
    goto fail;
  return id;

fail:
  cst_store_rollback (self);
  return 0;
}

GHashTable *
cst_store_audience_load_members (CstStore  *self,
                                 gint64     audience_id,
                                 GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "SELECT person_id, held FROM audience_members WHERE audience_id = ?1",
                                          error);
  g_autoptr(GHashTable) members = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, audience_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (members, g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)),
                         GINT_TO_POINTER (sqlite3_column_int (stmt, 1) + 1));
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&members);
}

gboolean
cst_store_audience_log_export (CstStore    *self,
                               gint64       audience_id,
                               const char  *format,
                               gint64       n_candidates,
                               gint64       n_no_consent,
                               gint64       n_filtered,
                               gint64       n_held,
                               gint64       n_written,
                               GError     **error)
{
  g_autofree char *now = cst_store_now_iso8601 ();
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "INSERT INTO audience_exports (audience_id, created_at, format, n_candidates, "
                                          "n_no_consent, n_filtered, n_held, n_written) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, audience_id);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, format, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, n_candidates);
  sqlite3_bind_int64 (stmt, 5, n_no_consent);
  sqlite3_bind_int64 (stmt, 6, n_filtered);
  sqlite3_bind_int64 (stmt, 7, n_held);
  sqlite3_bind_int64 (stmt, 8, n_written);
  return cst_store_step_done (self, stmt, error);
}

gboolean
cst_store_audience_people_by_email (CstStore    *self,
                                    const char  *email,
                                    GArray      *ids,
                                    GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "SELECT id FROM people WHERE lower (trim (email)) = lower (trim (?1)) "
                                          "UNION SELECT pr.person_id FROM records r "
                                          "JOIN person_records pr ON pr.record_id = r.id "
                                          "WHERE lower (trim (r.email)) = lower (trim (?1)) ORDER BY 1",
                                          error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  return cst_store_step_rows_done (self, stmt, rc, error);
}

/* Sensitive columns */

void
cst_sensitive_column_free (gpointer data)
{
  CstSensitiveColumn *column = data;

  if (column == NULL)
    return;
  g_free (column->source_name);
  g_free (column->column_name);
  g_free (column);
}

gboolean
cst_store_audience_set_sensitive (CstStore    *self,
                                  gint64       source_id,
                                  const char  *column_name,
                                  gboolean     sensitive,
                                  gboolean     allow_in_models,
                                  GError     **error)
{
  sqlite3_stmt *stmt;

  if (!sensitive)
    {
      stmt = cst_store_prepare (self, "DELETE FROM sensitive_columns WHERE source_id = ?1 AND column_name = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, source_id);
      sqlite3_bind_text (stmt, 2, column_name, -1, SQLITE_TRANSIENT);
      return cst_store_step_done (self, stmt, error);
    }

  stmt = cst_store_prepare (self,
                            "INSERT OR REPLACE INTO sensitive_columns (source_id, column_name, allow_in_models, marked_at) "
                            "VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autofree char *now = cst_store_now_iso8601 ();

    sqlite3_bind_int64 (stmt, 1, source_id);
    sqlite3_bind_text (stmt, 2, column_name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int (stmt, 3, allow_in_models ? 1 : 0);
    sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
    return cst_store_step_done (self, stmt, error);
  }
}

GPtrArray *
cst_store_audience_list_sensitive (CstStore  *self,
                                   GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "SELECT c.source_id, s.name, c.column_name, c.allow_in_models "
                                          "FROM sensitive_columns c JOIN sources s ON s.id = c.source_id "
                                          "ORDER BY c.source_id, c.column_name", error);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (cst_sensitive_column_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstSensitiveColumn *column = g_new0 (CstSensitiveColumn, 1);

      column->source_id = sqlite3_column_int64 (stmt, 0);
      column->source_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      column->column_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      column->allow_in_models = sqlite3_column_int (stmt, 3) != 0;
      g_ptr_array_add (columns, column);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&columns);
}

/* Fairness */

#define FAIRNESS_SQL(column) \
  "SELECT a.segment, coalesce (v.value, ''), count (*) FROM assignments a " \
  "LEFT JOIN (SELECT pr.person_id AS person_id, max (" column ") AS value FROM person_records pr " \
  "           JOIN records r ON r.id = pr.record_id GROUP BY pr.person_id) v ON v.person_id = a.person_id " \
  "WHERE a.run_id = ?1 GROUP BY a.segment, coalesce (v.value, '') ORDER BY a.segment, 2"

/* Column names are never taken from the caller: each attribute has its own static statement. */
static const struct
{
  const char *attribute;
  const char *sql;
} fairness_queries[] = {
  { "country",  FAIRNESS_SQL ("upper (r.country)") },
  { "city",     FAIRNESS_SQL ("r.city") },
  { "postcode", FAIRNESS_SQL ("r.postcode") },
  { "channel",  FAIRNESS_SQL ("r.channel") },
  { "category", FAIRNESS_SQL ("r.category") },
  { "campaign", FAIRNESS_SQL ("r.campaign") },
  { "consent",  FAIRNESS_SQL ("CASE r.consent WHEN 1 THEN 'yes' WHEN 0 THEN 'no' END") },
};

gboolean
cst_store_audience_count_by_attribute (CstStore              *self,
                                       gint64                 run_id,
                                       const char            *attribute,
                                       CstFairnessCountFunc   func,
                                       gpointer               user_data,
                                       GError               **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  for (guint i = 0; i < G_N_ELEMENTS (fairness_queries); i++)
    if (g_strcmp0 (attribute, fairness_queries[i].attribute) == 0)
      {
        stmt = cst_store_prepare (self, fairness_queries[i].sql, error);
        if (stmt == NULL)
          return FALSE;
      }
  if (stmt == NULL)
    {
      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY,
                   _("“%s” is not an attribute segments can be compared by"), attribute);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!func ((guint) sqlite3_column_int (stmt, 0), (const char *) sqlite3_column_text (stmt, 1),
               sqlite3_column_int64 (stmt, 2), user_data))
      {
        rc = SQLITE_DONE;
        break;
      }
  return cst_store_step_rows_done (self, stmt, rc, error);
}

/* Erasure */

static gint64
query_count (CstStore    *self,
             const char  *sql,
             GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, sql, error);
  gint64 n = -1;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    cst_store_set_sqlite_error (self, rc, error);
  return n;
}

/* The person's closure: their records, every person (of any identity run) linked to one of
 * those records, and those people's records, until nothing new comes in. An older run may have
 * split or merged the same customer differently; all of them are the same data subject. */
/* Empties the working tables, before an erasure and after it (or its failure). */
static const char erase_wipe[] =
  "DELETE FROM temp.cst_erase_people; DELETE FROM temp.cst_erase_records;"
  "DELETE FROM temp.cst_erase_terms; DELETE FROM temp.cst_erase_rows;";

static const char *const erase_closure[] = {
  "INSERT OR IGNORE INTO temp.cst_erase_records (id) SELECT pr.record_id FROM person_records pr "
  "JOIN temp.cst_erase_people e ON e.id = pr.person_id",
  "INSERT OR IGNORE INTO temp.cst_erase_people (id) SELECT pr.person_id FROM person_records pr "
  "JOIN temp.cst_erase_records e ON e.id = pr.record_id",
};

static const char *const erase_steps[] = {
  /* Rows a reader could not parse have no record, but their raw text may still hold the
   * person's address or phone: those are found by the person's own identifiers. CROSS JOIN
   * keeps SQLite's planner from scanning every raw row instead of the few rejected ones. */
  "INSERT OR IGNORE INTO temp.cst_erase_terms (term) SELECT lower (trim (email)) FROM records "
  "WHERE id IN (SELECT id FROM temp.cst_erase_records) AND length (trim (email)) >= 3",
  "INSERT OR IGNORE INTO temp.cst_erase_terms (term) SELECT lower (trim (phone)) FROM records "
  "WHERE id IN (SELECT id FROM temp.cst_erase_records) AND length (trim (phone)) >= 6",
  "INSERT OR IGNORE INTO temp.cst_erase_terms (term) SELECT lower (trim (email)) FROM people "
  "WHERE id IN (SELECT id FROM temp.cst_erase_people) AND length (trim (email)) >= 3",
  "INSERT OR IGNORE INTO temp.cst_erase_rows (source_id, row_number) SELECT source_id, row_number FROM records "
  "WHERE id IN (SELECT id FROM temp.cst_erase_records)",
  "INSERT OR IGNORE INTO temp.cst_erase_rows (source_id, row_number) SELECT rr.source_id, rr.row_number "
  "FROM rejected_rows rr CROSS JOIN raw_rows w ON w.source_id = rr.source_id AND w.row_number = rr.row_number "
  "WHERE EXISTS (SELECT 1 FROM temp.cst_erase_terms t WHERE instr (lower (w.raw), t.term) > 0)",
  /* Segment sizes stay true to their assignments. */
  "UPDATE segments SET size = size - (SELECT count (*) FROM assignments a WHERE a.run_id = segments.run_id "
  "AND a.segment = segments.idx AND a.person_id IN (SELECT id FROM temp.cst_erase_people)) "
  "WHERE run_id IN (SELECT run_id FROM assignments WHERE person_id IN (SELECT id FROM temp.cst_erase_people))",
  "DELETE FROM rejected_rows WHERE (source_id, row_number) IN (SELECT source_id, row_number FROM temp.cst_erase_rows)",
  "DELETE FROM raw_rows WHERE (source_id, row_number) IN (SELECT source_id, row_number FROM temp.cst_erase_rows)",
  /* Everything else that names the person or one of their records goes by ON DELETE CASCADE. */
  "DELETE FROM people WHERE id IN (SELECT id FROM temp.cst_erase_people)",
  "DELETE FROM records WHERE id IN (SELECT id FROM temp.cst_erase_records)",
};

/**
 * cst_store_audience_erase:
 * @person_id: a person, or 0 to go by @email
 * @email: (nullable): an address; every record and profile carrying it (trimmed,
 *   case-insensitive) is erased, with everything linked to them
 *
 * Removes the person, every record and raw row of theirs and every row that refers to them, in
 * one transaction with `secure_delete` on (freed bytes are overwritten with zeros), adds an
 * audit row holding only the internal person number, the time and the counts, then
 * checkpoints the write-ahead log so that no older page image of the person stays in it.
 * Fails with %CST_STORE_ERROR_QUERY when nobody matches.
 */
gboolean
cst_store_audience_erase (CstStore         *self,
                          gint64            person_id,
                          const char       *email,
                          CstErasure       *result,
                          GCancellable     *cancellable,
                          CstProgressFunc   progress,
                          gpointer          progress_data,
                          GError          **error)
{
  g_autofree char *now = cst_store_now_iso8601 ();
  CstErasure out = { 0 };
  sqlite3_stmt *stmt;
  gint64 audit_person = person_id;
  gint64 before;

  g_return_val_if_fail (person_id > 0 || (email != NULL && *email != '\0'), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !cst_store_exec (self, "PRAGMA secure_delete = ON", error))
    return FALSE;
  cst_progress_report (progress, progress_data, 0.0, _("Finding the person’s records"));
  watch_cancellable (self, cancellable);
  if (!cst_store_exec (self,
                       "CREATE TEMP TABLE IF NOT EXISTS cst_erase_people (id INTEGER PRIMARY KEY);"
                       "CREATE TEMP TABLE IF NOT EXISTS cst_erase_records (id INTEGER PRIMARY KEY);"
                       "CREATE TEMP TABLE IF NOT EXISTS cst_erase_terms (term TEXT PRIMARY KEY);"
                       "CREATE TEMP TABLE IF NOT EXISTS cst_erase_rows (source_id INTEGER, row_number INTEGER, "
                       "                                                PRIMARY KEY (source_id, row_number));",
                       error) ||
      !cst_store_begin (self, error))
    goto fail_outside;
  if (!cst_store_exec (self, erase_wipe, error))
    goto fail;

  if (person_id > 0)
    {
      stmt = cst_store_prepare (self, "INSERT INTO temp.cst_erase_people (id) SELECT id FROM people WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, person_id);
      if (!cst_store_step_done (self, stmt, error))
        goto fail;
    }
  else
    {
      static const char *const by_email[] = {
        "INSERT OR IGNORE INTO temp.cst_erase_records (id) SELECT id FROM records "
        "WHERE lower (trim (email)) = lower (trim (?1))",
        "INSERT OR IGNORE INTO temp.cst_erase_people (id) SELECT id FROM people "
        "WHERE lower (trim (email)) = lower (trim (?1))",
      };

      for (guint i = 0; i < G_N_ELEMENTS (by_email); i++)
        {
          stmt = cst_store_prepare (self, by_email[i], error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
          if (!cst_store_step_done (self, stmt, error))
            goto fail;
        }
    }

  /* Each pass starts from the counts the last one ended with; none grew, the closure is whole. */
  do
    {
      before = out.n_people + out.n_records;
      for (guint i = 0; i < G_N_ELEMENTS (erase_closure); i++)
        if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
            !cst_store_exec (self, erase_closure[i], error))
          goto fail;
      out.n_people = query_count (self, "SELECT count (*) FROM temp.cst_erase_people", error);
      out.n_records = query_count (self, "SELECT count (*) FROM temp.cst_erase_records", error);
      if (out.n_people < 0 || out.n_records < 0)
        goto fail;
    }
  while (out.n_people + out.n_records != before);

  if (out.n_people == 0 && out.n_records == 0)
    {
      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY, "%s",
                   person_id > 0 ? _("There is no such person in the project")
                                 : _("No person or record in the project has this email address"));
      goto fail;
    }
  if (audit_person <= 0)
    audit_person = query_count (self, "SELECT coalesce (min (id), 0) FROM temp.cst_erase_people", error);

  for (guint i = 0; i < G_N_ELEMENTS (erase_steps); i++)
    {
      cst_progress_report (progress, progress_data, 0.1 + 0.8 * i / G_N_ELEMENTS (erase_steps),
                           _("Erasing the person’s records"));
      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !cst_store_exec (self, erase_steps[i], error))
        goto fail;
      if (g_str_has_prefix (erase_steps[i], "DELETE FROM raw_rows"))
        out.n_raw_rows = sqlite3_changes (cst_store_get_db (self));
    }

  stmt = cst_store_prepare (self,
                            "INSERT INTO erasure_log (person_id, erased_at, n_people, n_records, n_raw_rows) "
                            "VALUES (?1, ?2, ?3, ?4, ?5)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, audit_person);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, out.n_people);
  sqlite3_bind_int64 (stmt, 4, out.n_records);
  sqlite3_bind_int64 (stmt, 5, out.n_raw_rows);
  if (!cst_store_step_done (self, stmt, error))
    goto fail;
  out.audit_id = sqlite3_last_insert_rowid (cst_store_get_db (self));

  /* Past this point the erasure is whole: the last chance to cancel is before the commit. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !cst_store_exec (self, erase_wipe, error) ||
      !cst_store_commit (self, error))
    goto fail;
  watch_cancellable (self, NULL);
  cst_progress_report (progress, progress_data, 0.95, _("Overwriting the freed space"));

  /* A reader elsewhere may keep the checkpoint from finishing; the pages are zeroed in the
   * database either way, and the next checkpoint completes it. */
  cst_store_exec (self, "PRAGMA wal_checkpoint (TRUNCATE)", NULL);
  cst_store_exec (self, "PRAGMA secure_delete = OFF", NULL);
  if (result != NULL)
    *result = out;
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return TRUE;

fail:
  watch_cancellable (self, NULL);
  cst_store_rollback (self);
fail_outside:
  watch_cancellable (self, NULL);
  cst_store_exec (self, erase_wipe, NULL);
  cst_store_exec (self, "PRAGMA secure_delete = OFF", NULL);
  prefer_cancelled (cancellable, error);
  return FALSE;
}

gint64
cst_store_audience_count_erasures (CstStore *self)
{
  return query_count (self, "SELECT count (*) FROM erasure_log", NULL);
}

static char *
quote_identifier (const char *name)
{
  g_autoptr(GString) quoted = g_string_new (name);

  g_string_replace (quoted, "\"", "\"\"", 0);
  g_string_prepend_c (quoted, '"');
  g_string_append_c (quoted, '"');
  return g_string_free (g_steal_pointer (&quoted), FALSE);
}

/**
 * cst_store_audience_find_text:
 * @needle: text to look for
 *
 * Scans every column of every table of the project (names from `sqlite_schema`, values read as
 * text) for @needle, case-insensitively. Costs one full scan of the database; meant for checks
 * after an erasure and for tests, not for interactive search.
 *
 * Returns: (transfer full): "table.column" of each hit, possibly empty; %NULL on error
 */
char **
cst_store_audience_find_text (CstStore    *self,
                              const char  *needle,
                              GError     **error)
{
  g_autoptr(GStrvBuilder) hits = g_strv_builder_new ();
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lower = g_utf8_strdown (needle, -1);
  sqlite3 *db = cst_store_get_db (self);
  sqlite3_stmt *stmt;
  int rc;

  stmt = cst_store_prepare (self, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                  "ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;

  for (guint t = 0; t < tables->len; t++)
    {
      const char *table = g_ptr_array_index (tables, t);
      g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);

      stmt = cst_store_prepare (self, "SELECT name FROM pragma_table_info (?1)", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      if (!cst_store_step_rows_done (self, stmt, rc, error))
        return NULL;

      for (guint c = 0; c < columns->len; c++)
        {
          const char *column = g_ptr_array_index (columns, c);
          g_autofree char *qt = quote_identifier (table);
          g_autofree char *qc = quote_identifier (column);
          /* Identifiers come from the schema itself, quoted; the needle is bound. */
          g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s WHERE instr (lower (CAST (%s AS TEXT)), ?1) > 0",
                                                  qt, qc);
          sqlite3_stmt *scan = NULL;

          rc = sqlite3_prepare_v2 (db, sql, -1, &scan, NULL);
          if (rc != SQLITE_OK)
            {
              cst_store_set_sqlite_error (self, rc, error);
              return NULL;
            }
          sqlite3_bind_text (scan, 1, lower, -1, SQLITE_STATIC);
          rc = sqlite3_step (scan);
          if (rc == SQLITE_ROW && sqlite3_column_int64 (scan, 0) > 0)
            {
              g_autofree char *hit = g_strdup_printf ("%s.%s", table, column);

              g_strv_builder_add (hits, hit);
            }
          sqlite3_finalize (scan);
          if (rc != SQLITE_ROW)
            {
              cst_store_set_sqlite_error (self, rc, error);
              return NULL;
            }
        }
    }
  return g_strv_builder_end (hits);
}

/* Pseudonymized copies */

static void
keyed_hash_func (sqlite3_context  *context,
                 int               argc,
                 sqlite3_value   **argv)
{
  GBytes *key = sqlite3_user_data (context);
  const unsigned char *text = sqlite3_value_text (argv[0]);
  g_autoptr(GHmac) hmac = NULL;

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL || text == NULL)
    {
      sqlite3_result_null (context);
      return;
    }
  hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  g_hmac_update (hmac, text, sqlite3_value_bytes (argv[0]));
  sqlite3_result_text (context, g_hmac_get_string (hmac), -1, SQLITE_TRANSIENT);
}

static const char *const pseudonymize_steps[] = {
  "UPDATE records SET email = cst_keyed_hash (lower (trim (email))), phone = cst_keyed_hash (phone), "
  "customer_key = cst_keyed_hash (customer_key), first_name = NULL, last_name = NULL, postcode = NULL, "
  "city = NULL",
  "UPDATE people SET email = cst_keyed_hash (lower (trim (email))), match_key = cst_keyed_hash (match_key), "
  "first_name = NULL, last_name = NULL",
  "DELETE FROM raw_rows",
  "UPDATE sources SET path = NULL",
  "INSERT OR REPLACE INTO project_info (key, value) VALUES ('pseudonymized', 'yes')",
};

gboolean
cst_store_audience_pseudonymize_copy (CstStore         *self,
                                      const char       *dest_path,
                                      GBytes           *key,
                                      GCancellable     *cancellable,
                                      CstProgressFunc   progress,
                                      gpointer          progress_data,
                                      GError          **error)
{
  g_autofree char *part = g_strconcat (dest_path, ".part", NULL);
  g_autofree char *display = g_filename_display_name (dest_path);
  g_autoptr(CstStore) copy = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_remove (part);
  stmt = cst_store_prepare (self, "VACUUM INTO ?1", error);
  if (stmt == NULL)
    return FALSE;
  cst_progress_report (progress, progress_data, 0.0, _("Copying the project"));
  sqlite3_bind_text (stmt, 1, part, -1, SQLITE_TRANSIENT);
  watch_cancellable (self, cancellable);
  if (!cst_store_step_done (self, stmt, error))
    goto fail;
  watch_cancellable (self, NULL);

  copy = cst_store_open (part, error);
  if (copy == NULL)
    goto fail;
  watch_cancellable (copy, cancellable);
  rc = sqlite3_create_function_v2 (cst_store_get_db (copy), "cst_keyed_hash", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC, g_bytes_ref (key), keyed_hash_func,
                                   NULL, NULL, (void (*) (void *)) g_bytes_unref);
  if (rc != SQLITE_OK)
    {
      cst_store_set_sqlite_error (copy, rc, error);
      goto fail;
    }
  if (!cst_store_exec (copy, "PRAGMA secure_delete = ON", error) || !cst_store_begin (copy, error))
    goto fail;
  for (guint i = 0; i < G_N_ELEMENTS (pseudonymize_steps); i++)
    {
      cst_progress_report (progress, progress_data, 0.3 + 0.4 * i / G_N_ELEMENTS (pseudonymize_steps),
                           _("Replacing identifiers by keyed hashes"));
      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !cst_store_exec (copy, pseudonymize_steps[i], error))
        {
          watch_cancellable (copy, NULL);
          cst_store_rollback (copy);
          goto fail;
        }
    }
  cst_progress_report (progress, progress_data, 0.7, _("Checking that no address is left"));
  /* A safety net for tables this file does not know (other capabilities add theirs): a copy
   * that still holds an email address anywhere is not written. */
  {
    g_auto(GStrv) left = cst_store_audience_find_text (copy, "@", error);

    if (left == NULL || left[0] != NULL)
      {
        watch_cancellable (copy, NULL);
        if (left != NULL)
          {
            g_autofree char *columns = g_strjoinv (", ", left);

            g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY,
                         _("The shared copy “%s” would still hold email addresses in %s"), display, columns);
          }
        cst_store_rollback (copy);
        goto fail;
      }
  }
  /* The copy is shared as one file: the log is folded in and the free pages dropped. */
  cst_progress_report (progress, progress_data, 0.8, _("Compacting the copy"));
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      watch_cancellable (copy, NULL);
      cst_store_rollback (copy);
      goto fail;
    }
  if (!cst_store_commit (copy, error) ||
      !cst_store_exec (copy, "VACUUM", error) ||
      !cst_store_exec (copy, "PRAGMA journal_mode = DELETE", error))
    goto fail;
  g_clear_pointer (&copy, cst_store_close);

  if (g_rename (part, dest_path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not save the shared copy “%s”: %s"), display, g_strerror (saved));
      goto fail;
    }
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return TRUE;

fail:
  watch_cancellable (self, NULL);
  g_clear_pointer (&copy, cst_store_close);
  prefer_cancelled (cancellable, error);
  g_remove (part);
  {
    g_autofree char *wal = g_strconcat (part, "-wal", NULL);
    g_autofree char *shm = g_strconcat (part, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  return FALSE;
}

gboolean
cst_store_audience_describe_segment (CstStore    *self,
                                     gint64       run_id,
                                     guint        segment,
                                     char       **name,
                                     gint64      *size,
                                     char      ***facts,
                                     char       **reason,
                                     char       **created_at,
                                     GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "SELECT s.name, s.size, s.fact1, s.fact2, s.fact3, r.reason, r.created_at "
                                          "FROM segments s JOIN segment_runs r ON r.id = s.run_id "
                                          "WHERE s.run_id = ?1 AND s.idx = ?2", error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int (stmt, 2, (int) segment);
  rc = step_single_row (self, stmt, error);
  if (rc == SQLITE_DONE)
    {
      g_autofree char *run = g_strdup_printf ("%" G_GINT64_FORMAT, run_id);

      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY,
                   _("The segmentation run %s has no segment %u"), run, segment);
    }
  if (rc != SQLITE_ROW)
    return FALSE;
  *name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  *size = sqlite3_column_int64 (stmt, 1);
  for (int i = 2; i <= 4; i++)
    if (sqlite3_column_type (stmt, i) != SQLITE_NULL)
      g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, i));
  *facts = g_strv_builder_end (builder);
  *reason = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  *created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  sqlite3_reset (stmt);
  return TRUE;
}

/* Source columns, the audit log and what an erasure would take */

char **
cst_store_audience_dup_source_columns (CstStore    *self,
                                       gint64       source_id,
                                       GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "SELECT header FROM sources WHERE id = ?1", error);
  char **columns = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, source_id);
  rc = step_single_row (self, stmt, error);
  /* The importer stores the header joined by the unit separator (cst_store_add_source()). */
  if (rc == SQLITE_ROW)
    {
      const char *header = (const char *) sqlite3_column_text (stmt, 0);

      columns = header != NULL && *header != '\0' ? g_strsplit (header, "\x1f", -1) : g_new0 (char *, 1);
      sqlite3_reset (stmt);
    }
  else if (rc == SQLITE_DONE)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, source_id);

      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY,
                   _("The project has no imported file number %s"), number);
    }
  return columns;
}

static void
erasure_entry_clear (gpointer data)
{
  CstErasureEntry *entry = data;

  g_clear_pointer (&entry->erased_at, g_free);
}

GArray *
cst_store_audience_list_erasures (CstStore  *self,
                                  GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "SELECT id, erased_at, n_records, n_raw_rows FROM erasure_log "
                                                "ORDER BY id", error);
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (CstErasureEntry));
  int rc;

  if (stmt == NULL)
    return NULL;
  g_array_set_clear_func (entries, erasure_entry_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstErasureEntry entry = {
        .audit_id = sqlite3_column_int64 (stmt, 0),
        .erased_at = g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        .n_records = sqlite3_column_int64 (stmt, 2),
        .n_raw_rows = sqlite3_column_int64 (stmt, 3),
      };

      g_array_append_val (entries, entry);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&entries);
}

void
cst_person_record_count_clear (gpointer data)
{
  CstPersonRecordCount *count = data;

  g_clear_pointer (&count->source_name, g_free);
}

gboolean
cst_store_audience_count_person_records (CstStore      *self,
                                         const gint64  *ids,
                                         gsize          n,
                                         GArray        *counts,
                                         GError       **error)
{
  sqlite3_stmt *stmt;
  gint64 before, after;
  int rc;

  g_return_val_if_fail (counts != NULL, FALSE);

  /* The temp tables live in the connection's own temp schema: nothing of the project changes. */
  if (!cst_store_exec (self,
                       "CREATE TEMP TABLE IF NOT EXISTS cst_erase_people (id INTEGER PRIMARY KEY);"
                       "CREATE TEMP TABLE IF NOT EXISTS cst_erase_records (id INTEGER PRIMARY KEY);"
                       "DELETE FROM temp.cst_erase_people; DELETE FROM temp.cst_erase_records;", error))
    return FALSE;
  stmt = cst_store_prepare (self, "INSERT OR IGNORE INTO temp.cst_erase_people (id) SELECT id FROM people WHERE id = ?1",
                            error);
  if (stmt == NULL)
    goto fail;
  for (gsize i = 0; i < n; i++)
    {
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      if (!cst_store_step_done (self, stmt, error))
        goto fail;
    }
  do
    {
      before = query_count (self, "SELECT (SELECT count (*) FROM temp.cst_erase_people) + "
                                  "(SELECT count (*) FROM temp.cst_erase_records)", error);
      for (guint i = 0; i < G_N_ELEMENTS (erase_closure); i++)
        if (!cst_store_exec (self, erase_closure[i], error))
          goto fail;
      after = query_count (self, "SELECT (SELECT count (*) FROM temp.cst_erase_people) + "
                                 "(SELECT count (*) FROM temp.cst_erase_records)", error);
      if (before < 0 || after < 0)
        goto fail;
    }
  while (after != before);

  stmt = cst_store_prepare (self,
                            "SELECT s.id, s.name, count (*) FROM temp.cst_erase_records e "
                            "JOIN records r ON r.id = e.id JOIN sources s ON s.id = r.source_id "
                            "GROUP BY s.id ORDER BY s.id", error);
  if (stmt == NULL)
    goto fail;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstPersonRecordCount count = {
        .source_id = sqlite3_column_int64 (stmt, 0),
        .source_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        .n_records = sqlite3_column_int64 (stmt, 2),
      };

      g_array_append_val (counts, count);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    goto fail;
  cst_store_exec (self, "DELETE FROM temp.cst_erase_people; DELETE FROM temp.cst_erase_records;", NULL);
  return TRUE;

fail:
  cst_store_exec (self, "DELETE FROM temp.cst_erase_people; DELETE FROM temp.cst_erase_records;", NULL);
  return FALSE;
}

gboolean
cst_store_audience_foreach_source_row (CstStore          *self,
                                       gint64             source_id,
                                       gint64             identity_run,
                                       CstSourceRowFunc   func,
                                       gpointer           user_data,
                                       GError           **error)
{
  /* A record belongs to at most one person per identity run; max() keeps one row per raw row
   * should a run ever link it twice. */
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "SELECT coalesce ((SELECT max (pr.person_id) FROM records r "
                                          "                  JOIN person_records pr ON pr.record_id = r.id "
                                          "                  JOIN people p ON p.id = pr.person_id "
                                          "                  WHERE r.source_id = w.source_id AND r.row_number = w.row_number "
                                          "                  AND p.run_id = ?2), 0), w.raw "
                                          "FROM raw_rows w WHERE w.source_id = ?1 ORDER BY w.row_number", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_int64 (stmt, 2, identity_run);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!func (sqlite3_column_int64 (stmt, 0), (const char *) sqlite3_column_text (stmt, 1),
               (gsize) sqlite3_column_bytes (stmt, 1), user_data))
      {
        rc = SQLITE_DONE;
        break;
      }
  return cst_store_step_rows_done (self, stmt, rc, error);
}
