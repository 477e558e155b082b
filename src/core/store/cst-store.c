/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-store"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "cst-store.h"
#include "cst-store-private.h"

#include "cst-core-resources.h"

#define MIGRATIONS_PATH "/io/github/constellate/core/store/migrations"

struct _CstStore
{
  sqlite3    *db;
  char       *path;
  GHashTable *statements;   /* static SQL text → sqlite3_stmt */
  int         schema_version;
};

G_DEFINE_QUARK (cst-store-error-quark, cst_store_error)

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static const char * const source_kinds[] = { "contacts", "orders", "engagement" };

gboolean
cst_store_set_sqlite_error (CstStore     *self,
                  int           code,
                  GError      **error)
{
  g_autofree char *display = g_filename_display_name (self->path);

  g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY,
               _("Could not update the project “%s”: %s"), display,
               self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (code));
  return FALSE;
}

sqlite3_stmt *
cst_store_prepare (CstStore    *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      cst_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
cst_store_exec (CstStore    *self,
      const char  *sql,
      GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY,
                   _("Could not update the project “%s”: %s"), display, message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/* Ends a statement whose rows were stepped through: resets it, and sets @error unless the
 * last step, @rc, was SQLITE_DONE. */
gboolean
cst_store_step_rows_done (CstStore      *self,
                          sqlite3_stmt  *stmt,
                          int            rc,
                          GError       **error)
{
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return cst_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

/* Runs a prepared statement that returns no rows. */
gboolean
cst_store_step_done (CstStore      *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  return cst_store_step_rows_done (self, stmt, sqlite3_step (stmt), error);
}

void
cst_store_bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text == NULL || text[0] == '\0')
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
cst_store_bind_double_or_null (sqlite3_stmt *stmt,
                     int           index,
                     double        value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_double (stmt, index, value);
}

void
cst_store_bind_int_or_null (sqlite3_stmt *stmt,
                  int           index,
                  int           value)
{
  if (value < 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int (stmt, index, value);
}

double
cst_store_column_double_or_nan (sqlite3_stmt *stmt,
                      int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, column);
}

char *
cst_store_now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

static int
strv_cmp (gconstpointer a,
          gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The migrations are compiled in with --manual-register: referencing the resource from here
 * keeps it linked in from this static library, where an automatic constructor would be
 * dropped by the linker. */
static GResource *
get_resource (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      cst_store_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  return cst_store_get_resource ();
}

static char **
list_migrations (GError **error)
{
  g_auto(GStrv) names = g_resource_enumerate_children (get_resource (), MIGRATIONS_PATH,
                                                       G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (names == NULL)
    return NULL;

  /* Migrations are numbered NNNN-name.sql: their names sort in the order they must run. */
  qsort (names, g_strv_length (names), sizeof (char *), strv_cmp);
  return g_steal_pointer (&names);
}

static gboolean
migrate (CstStore  *self,
         GError   **error)
{
  g_auto(GStrv) names = list_migrations (error);
  guint n;

  if (names == NULL)
    return FALSE;
  n = g_strv_length (names);

  if (self->schema_version > (int) n)
    {
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_TOO_NEW,
                   _("The project “%s” was saved by a newer version of Constellate. Update Constellate to open it."),
                   display);
      return FALSE;
    }

  for (guint i = self->schema_version; i < n; i++)
    {
      g_autofree char *resource_path = g_build_path ("/", MIGRATIONS_PATH, names[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *sql = NULL;
      g_autofree char *pragma = NULL;
      g_autoptr(GError) local_error = NULL;

      bytes = g_resource_lookup_data (get_resource (), resource_path,
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (bytes == NULL)
        return FALSE;
      sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      pragma = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

      /* Each migration and its version bump commit together, or not at all. */
      if (!cst_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!cst_store_exec (self, sql, &local_error) || !cst_store_exec (self, pragma, &local_error))
        {
          cst_store_exec (self, "ROLLBACK", NULL);
          g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_MIGRATION,
                       _("Could not upgrade the project to version %u: %s"), i + 1,
                       local_error->message);
          return FALSE;
        }
      if (!cst_store_exec (self, "COMMIT", error))
        return FALSE;
      self->schema_version = i + 1;
      g_debug ("Migrated %s to schema version %d", self->path, self->schema_version);
    }
  return TRUE;
}

static int
read_user_version (CstStore *self)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* A database that has tables but no version is somebody else's file, not a project. */
static gboolean
has_foreign_tables (CstStore *self)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_prepare_v2 (self->db, "SELECT 1 FROM sqlite_schema LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
    return TRUE;
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

/**
 * cst_store_open:
 * @path: the project file; created when it does not exist
 * @error: return location for a #CST_STORE_ERROR
 *
 * Opens a project on the calling thread, creating or upgrading its schema through the
 * numbered migrations. WAL journaling, foreign keys and a busy timeout are switched on.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
CstStore *
cst_store_open (const char  *path,
                GError     **error)
{
  g_autoptr(CstStore) self = NULL;
  g_autofree char *display = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (CstStore, 1);
  self->path = g_strdup (path);
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
  display = g_filename_display_name (path);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_OPEN,
                   _("Could not open the project “%s”: %s"), display,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, TRUE);

  self->schema_version = read_user_version (self);
  if (self->schema_version < 0)
    {
      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a Constellate project"), display);
      return NULL;
    }
  if (self->schema_version == 0 && has_foreign_tables (self))
    {
      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_NOT_A_PROJECT,
                   _("“%s” is a database, but not a Constellate project"), display);
      return NULL;
    }

  if (!cst_store_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !cst_store_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !cst_store_exec (self, "PRAGMA synchronous = NORMAL", error) ||
      /* 64 MiB of pages (SQLite's default is 2 MiB): an import inserts into several indexes
       * at once, and a small cache reads the same pages from the file again and again. */
      !cst_store_exec (self, "PRAGMA cache_size = -65536", error) ||
      !migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
cst_store_close (CstStore *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->path);
  g_free (self);
}

sqlite3 *
cst_store_get_db (CstStore *self)
{
  return self->db;
}

const char *
cst_store_get_path (CstStore *self)
{
  return self->path;
}

int
cst_store_get_schema_version (CstStore *self)
{
  return self->schema_version;
}

/* The schema version this build creates: the number of migrations it carries. */
int
cst_store_get_latest_version (void)
{
  g_auto(GStrv) names = list_migrations (NULL);

  return names != NULL ? (int) g_strv_length (names) : 0;
}

const char *
cst_source_kind_to_string (CstSourceKind kind)
{
  g_return_val_if_fail (kind <= CST_SOURCE_ENGAGEMENT, NULL);

  return source_kinds[kind];
}

gboolean
cst_store_begin (CstStore  *self,
                 GError   **error)
{
  return cst_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
cst_store_commit (CstStore  *self,
                  GError   **error)
{
  return cst_store_exec (self, "COMMIT", error);
}

void
cst_store_rollback (CstStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    cst_store_exec (self, "ROLLBACK", NULL);
}

gboolean
cst_store_set_info (CstStore    *self,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "INSERT OR REPLACE INTO project_info (key, value) VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return cst_store_step_done (self, stmt, error);
}

char *
cst_store_dup_info (CstStore   *self,
                    const char *key)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "SELECT value FROM project_info WHERE key = ?1", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

/* Import */

gint64
cst_store_add_source (CstStore           *self,
                      const char         *name,
                      const char         *path,
                      CstSourceKind       kind,
                      const char * const *header,
                      GError            **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *joined = g_strjoinv ("\x1f", (char **) header);
  g_autofree char *now = cst_store_now_iso8601 ();

  stmt = cst_store_prepare (self,
                  "INSERT INTO sources (name, path, kind, imported_at, header) VALUES (?1, ?2, ?3, ?4, ?5)",
                  error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  cst_store_bind_text_or_null (stmt, 2, path);
  sqlite3_bind_text (stmt, 3, cst_source_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, joined, -1, SQLITE_TRANSIENT);
  if (!cst_store_step_done (self, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
cst_store_finish_source (CstStore  *self,
                         gint64     source_id,
                         gint64     n_rows,
                         gint64     n_rejected,
                         GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "UPDATE sources SET n_rows = ?2, n_rejected = ?3 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_int64 (stmt, 2, n_rows);
  sqlite3_bind_int64 (stmt, 3, n_rejected);
  return cst_store_step_done (self, stmt, error);
}

/**
 * cst_store_add_raw_row_with_hash:
 * @row_hash: (nullable): the SHA-256 of @raw in hex, for recognising the row in a newer
 *   export of the same source (cst_store_has_seen_row())
 *
 * Keeps a data row exactly as it was in the file, with its hash.
 */
gboolean
cst_store_add_raw_row_with_hash (CstStore    *self,
                                 gint64       source_id,
                                 gint64       row_number,
                                 gint64       line,
                                 const char  *raw,
                                 gsize        length,
                                 const char  *row_hash,
                                 GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "INSERT INTO raw_rows (source_id, row_number, line, raw, row_hash) "
                                "VALUES (?1, ?2, ?3, ?4, ?5)",
                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_int64 (stmt, 2, row_number);
  sqlite3_bind_int64 (stmt, 3, line);
  sqlite3_bind_text (stmt, 4, raw, length, SQLITE_STATIC);
  cst_store_bind_text_or_null (stmt, 5, row_hash);
  return cst_store_step_done (self, stmt, error);
}

/**
 * cst_store_has_seen_row:
 * @source_id: the source being imported; its header must be stored already
 * @row_hash: the SHA-256 of the row's raw text, in hex
 * @seen: (out): whether an earlier source with exactly the same header holds the row
 *
 * Tells whether a row was imported before from an earlier export of the same source, that is
 * a source older than @source_id with the same column names in the same order. Rows imported
 * before schema version 3 have no hash and are never seen.
 *
 * Cost: one index lookup on the row hash.
 *
 * Returns: %TRUE on success, with @seen set
 */
gboolean
cst_store_has_seen_row (CstStore    *self,
                        gint64       source_id,
                        const char  *row_hash,
                        gboolean    *seen,
                        GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "SELECT 1 FROM raw_rows r JOIN sources s ON s.id = r.source_id "
                                "WHERE r.row_hash = ?2 AND s.id < ?1 "
                                "AND s.header = (SELECT header FROM sources WHERE id = ?1) LIMIT 1",
                                error);
  int rc;

  g_return_val_if_fail (row_hash != NULL, FALSE);
  g_return_val_if_fail (seen != NULL, FALSE);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_text (stmt, 2, row_hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cst_store_set_sqlite_error (self, rc, error);
  *seen = rc == SQLITE_ROW;
  return TRUE;
}

/**
 * cst_store_set_source_content_hash:
 * @sha256: the SHA-256 of the source file's bytes, in hex
 */
gboolean
cst_store_set_source_content_hash (CstStore    *self,
                                   gint64       source_id,
                                   const char  *sha256,
                                   GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "UPDATE sources SET content_hash = ?2 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  cst_store_bind_text_or_null (stmt, 2, sha256);
  return cst_store_step_done (self, stmt, error);
}

/**
 * cst_store_find_source_by_hash:
 * @sha256: the SHA-256 of a file's bytes, in hex (cst_import_plan_dup_content_hash())
 * @imported_at: (out) (optional) (transfer full): when the source was imported, ISO 8601 UTC
 *
 * Finds the oldest source imported from a file with exactly these bytes.
 *
 * Returns: the source's id, or -1 when there is none (or the query failed)
 */
gint64
cst_store_find_source_by_hash (CstStore    *self,
                               const char  *sha256,
                               char       **imported_at)
{
  sqlite3_stmt *stmt;
  gint64 id = -1;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (sha256 != NULL, -1);

  if (imported_at != NULL)
    *imported_at = NULL;
  stmt = cst_store_prepare (self, "SELECT id, imported_at FROM sources WHERE content_hash = ?1 ORDER BY id LIMIT 1",
                  NULL);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      if (imported_at != NULL)
        *imported_at = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  return id;
}

gboolean
cst_store_add_rejected_row (CstStore    *self,
                            gint64       source_id,
                            gint64       row_number,
                            const char  *column_name,
                            const char  *reason,
                            GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "INSERT INTO rejected_rows (source_id, row_number, column_name, reason) "
                                "VALUES (?1, ?2, ?3, ?4)",
                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_int64 (stmt, 2, row_number);
  cst_store_bind_text_or_null (stmt, 3, column_name);
  sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_TRANSIENT);
  return cst_store_step_done (self, stmt, error);
}

gboolean
cst_store_add_record (CstStore         *self,
                      const CstRecord  *r,
                      GError          **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "INSERT INTO records (source_id, row_number, customer_key, email, first_name, "
                                "last_name, phone, postcode, city, country, consent, order_id, event_time, amount, "
                                "quantity, category, channel, discount, campaign, opened, clicked) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
                                "?17, ?18, ?19, ?20, ?21)",
                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, r->source_id);
  sqlite3_bind_int64 (stmt, 2, r->row_number);
  cst_store_bind_text_or_null (stmt, 3, r->customer_key);
  cst_store_bind_text_or_null (stmt, 4, r->email);
  cst_store_bind_text_or_null (stmt, 5, r->first_name);
  cst_store_bind_text_or_null (stmt, 6, r->last_name);
  cst_store_bind_text_or_null (stmt, 7, r->phone);
  cst_store_bind_text_or_null (stmt, 8, r->postcode);
  cst_store_bind_text_or_null (stmt, 9, r->city);
  cst_store_bind_text_or_null (stmt, 10, r->country);
  cst_store_bind_int_or_null (stmt, 11, r->consent);
  cst_store_bind_text_or_null (stmt, 12, r->order_id);
  if (r->event_time == CST_NO_TIME)
    sqlite3_bind_null (stmt, 13);
  else
    sqlite3_bind_int64 (stmt, 13, r->event_time);
  cst_store_bind_double_or_null (stmt, 14, r->amount);
  cst_store_bind_int_or_null (stmt, 15, r->quantity);
  cst_store_bind_text_or_null (stmt, 16, r->category);
  cst_store_bind_text_or_null (stmt, 17, r->channel);
  cst_store_bind_double_or_null (stmt, 18, r->discount);
  cst_store_bind_text_or_null (stmt, 19, r->campaign);
  cst_store_bind_int_or_null (stmt, 20, r->opened);
  cst_store_bind_int_or_null (stmt, 21, r->clicked);
  return cst_store_step_done (self, stmt, error);
}

static void
source_info_clear (gpointer data)
{
  CstSourceInfo *info = data;

  g_clear_pointer (&info->name, g_free);
}

/**
 * cst_store_list_sources:
 *
 * Returns: (transfer full) (element-type CstSourceInfo): the imported files, oldest first
 */
GArray *
cst_store_list_sources (CstStore  *self,
                        GError   **error)
{
  g_autoptr(GArray) sources = g_array_new (FALSE, TRUE, sizeof (CstSourceInfo));
  sqlite3_stmt *stmt = cst_store_prepare (self, "SELECT id, name, kind, n_rows, n_rejected FROM sources ORDER BY id", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  g_array_set_clear_func (sources, source_info_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstSourceInfo info = { 0 };
      const char *kind = (const char *) sqlite3_column_text (stmt, 2);

      info.id = sqlite3_column_int64 (stmt, 0);
      info.name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      for (guint i = 0; i < G_N_ELEMENTS (source_kinds); i++)
        if (g_strcmp0 (kind, source_kinds[i]) == 0)
          info.kind = i;
      info.n_rows = sqlite3_column_int64 (stmt, 3);
      info.n_rejected = sqlite3_column_int64 (stmt, 4);
      g_array_append_val (sources, info);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cst_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&sources);
}

/**
 * cst_store_foreach_rejected_row:
 * @source_id: a source, or -1 for the rejected rows of every source
 * @func: called per row, oldest source first, in file order; returns %FALSE to stop
 *
 * Lists the rows that were kept only raw, with the reason and the row as it was in the file.
 * Cost: one pass over the rejected rows and their raw rows (an index lookup each).
 */
gboolean
cst_store_foreach_rejected_row (CstStore            *self,
                                gint64               source_id,
                                CstRejectedRowFunc   func,
                                gpointer             user_data,
                                GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (func != NULL, FALSE);

  stmt = cst_store_prepare (self,
                  "SELECT r.source_id, s.name, r.row_number, coalesce (w.line, 0), "
                  "r.column_name, r.reason, coalesce (w.raw, '') "
                  "FROM rejected_rows r JOIN sources s ON s.id = r.source_id "
                  "LEFT JOIN raw_rows w ON w.source_id = r.source_id AND w.row_number = r.row_number "
                  "WHERE ?1 < 0 OR r.source_id = ?1 "
                  "ORDER BY r.source_id, r.row_number",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, source_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!func (sqlite3_column_int64 (stmt, 0),
                 (const char *) sqlite3_column_text (stmt, 1),
                 sqlite3_column_int64 (stmt, 2),
                 sqlite3_column_int64 (stmt, 3),
                 (const char *) sqlite3_column_text (stmt, 4),
                 (const char *) sqlite3_column_text (stmt, 5),
                 (const char *) sqlite3_column_text (stmt, 6),
                 user_data))
        break;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return cst_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

gint64
cst_store_count_records (CstStore *self)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "SELECT count(*) FROM records", NULL);
  gint64 n = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return n;
}

/**
 * cst_store_check_integrity:
 * @self: a store
 * @error: return location for a %CST_STORE_ERROR_QUERY naming the project and the first
 *   problem found
 *
 * Checks the project file as SQLite sees it (`PRAGMA integrity_check`: pages, indexes,
 * constraints) and that every row points at what it refers to (`PRAGMA foreign_key_check`),
 * for example after a crash or a killed import.
 *
 * Cost: reads the whole file once; seconds for a project of millions of rows.
 *
 * Returns: %TRUE when the project is sound
 */
gboolean
cst_store_check_integrity (CstStore  *self,
                           GError   **error)
{
  g_autofree char *display = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);

  display = g_filename_display_name (self->path);

  stmt = cst_store_prepare (self, "PRAGMA integrity_check", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY,
                   _("The project “%s” is damaged: %s"), display,
                   rc == SQLITE_ROW ? (const char *) sqlite3_column_text (stmt, 0)
                                    : sqlite3_errmsg (self->db));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  stmt = cst_store_prepare (self, "PRAGMA foreign_key_check", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY,
                   _("The project “%s” is damaged: a row of “%s” refers to a missing row of “%s”"),
                   display, (const char *) sqlite3_column_text (stmt, 0),
                   (const char *) sqlite3_column_text (stmt, 2));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return cst_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

/* Identity */

gboolean
cst_store_foreach_record_identity (CstStore              *self,
                                   CstRecordIdentityFunc  func,
                                   gpointer               user_data,
                                   GError               **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "SELECT id, email, customer_key, first_name, last_name FROM records ORDER BY id",
                                error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!func (sqlite3_column_int64 (stmt, 0),
                 (const char *) sqlite3_column_text (stmt, 1),
                 (const char *) sqlite3_column_text (stmt, 2),
                 (const char *) sqlite3_column_text (stmt, 3),
                 (const char *) sqlite3_column_text (stmt, 4),
                 user_data))
        {
          sqlite3_reset (stmt);
          return TRUE;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return cst_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

gint64
cst_store_add_identity_run (CstStore    *self,
                            const char  *method,
                            GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "INSERT INTO identity_runs (created_at, method, n_records, n_people, seconds) "
                                "VALUES (?1, ?2, 0, 0, 0)",
                                error);
  g_autofree char *now = cst_store_now_iso8601 ();

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, method, -1, SQLITE_TRANSIENT);
  if (!cst_store_step_done (self, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
cst_store_finish_identity_run (CstStore  *self,
                               gint64     run_id,
                               gint64     n_records,
                               gint64     n_people,
                               double     seconds,
                               GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "UPDATE identity_runs SET n_records = ?2, n_people = ?3, seconds = ?4 WHERE id = ?1",
                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int64 (stmt, 2, n_records);
  sqlite3_bind_int64 (stmt, 3, n_people);
  sqlite3_bind_double (stmt, 4, seconds);
  return cst_store_step_done (self, stmt, error);
}

gint64
cst_store_add_person (CstStore    *self,
                      gint64       run_id,
                      const char  *match_key,
                      const char  *email,
                      const char  *first_name,
                      const char  *last_name,
                      gint64       n_records,
                      GError     **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "INSERT INTO people (run_id, match_key, email, first_name, last_name, n_records) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, match_key, -1, SQLITE_TRANSIENT);
  cst_store_bind_text_or_null (stmt, 3, email);
  cst_store_bind_text_or_null (stmt, 4, first_name);
  cst_store_bind_text_or_null (stmt, 5, last_name);
  sqlite3_bind_int64 (stmt, 6, n_records);
  if (!cst_store_step_done (self, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
cst_store_link_record (CstStore  *self,
                       gint64     person_id,
                       gint64     record_id,
                       GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "INSERT INTO person_records (person_id, record_id) VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  sqlite3_bind_int64 (stmt, 2, record_id);
  return cst_store_step_done (self, stmt, error);
}

/* Returns the newest identity run, or -1 when people were never matched. */
gint64
cst_store_get_latest_identity_run (CstStore *self,
                                   gint64   *n_people)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "SELECT id, n_people FROM identity_runs ORDER BY id DESC LIMIT 1", NULL);
  gint64 id = -1;

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      if (n_people != NULL)
        *n_people = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  return id;
}

/* Features */

gboolean
cst_store_foreach_order (CstStore      *self,
                         gint64         identity_run,
                         CstOrderFunc   func,
                         gpointer       user_data,
                         GError       **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "SELECT p.id, r.event_time, r.amount, r.discount, r.category, r.channel, r.order_id "
                                "FROM people p JOIN person_records pr ON pr.person_id = p.id "
                                "JOIN records r ON r.id = pr.record_id "
                                "JOIN sources s ON s.id = r.source_id "
                                "WHERE p.run_id = ?1 AND s.kind = 'orders' "
                                "AND r.event_time IS NOT NULL AND r.amount IS NOT NULL "
                                "ORDER BY p.id, r.event_time, r.order_id, r.id",
                                error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, identity_run);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      double discount = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? NAN : sqlite3_column_double (stmt, 3);

      if (!func (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
                 sqlite3_column_double (stmt, 2), discount,
                 (const char *) sqlite3_column_text (stmt, 6),
                 (const char *) sqlite3_column_text (stmt, 4),
                 (const char *) sqlite3_column_text (stmt, 5), user_data))
        break;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return cst_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

gboolean
cst_store_foreach_engagement (CstStore           *self,
                              gint64              identity_run,
                              CstEngagementFunc   func,
                              gpointer            user_data,
                              GError            **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "SELECT p.id, r.event_time, coalesce (r.opened, -1), coalesce (r.clicked, -1) "
                                "FROM people p JOIN person_records pr ON pr.person_id = p.id "
                                "JOIN records r ON r.id = pr.record_id "
                                "JOIN sources s ON s.id = r.source_id "
                                "WHERE p.run_id = ?1 AND s.kind = 'engagement' "
                                "ORDER BY p.id",
                                error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, identity_run);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 event_time = sqlite3_column_type (stmt, 1) == SQLITE_NULL ? CST_NO_TIME : sqlite3_column_int64 (stmt, 1);

      if (!func (sqlite3_column_int64 (stmt, 0), event_time, sqlite3_column_int (stmt, 2),
                 sqlite3_column_int (stmt, 3), user_data))
        break;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return cst_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

/* Segmentation */

/**
 * cst_store_save_segmentation:
 * @segmentation: a finished run; its run_id and created_at are set here
 *
 * Stores a whole segmentation run in one transaction.
 */
gboolean
cst_store_save_segmentation (CstStore         *self,
                             gint64            identity_run,
                             CstSegmentation  *seg,
                             GError          **error)
{
  sqlite3_stmt *stmt;
  gint64 run_id;
  g_autofree char *notes = NULL;

  g_return_val_if_fail (seg != NULL, FALSE);

  if (seg->notes != NULL && seg->notes[0] != NULL)
    notes = g_strjoinv ("\n", seg->notes);

  if (!cst_store_begin (self, error))
    return FALSE;

  g_clear_pointer (&seg->created_at, g_free);
  seg->created_at = cst_store_now_iso8601 ();

  stmt = cst_store_prepare (self,
                  "INSERT INTO segment_runs (created_at, identity_run_id, method, k, seed, n_people, "
                  "n_skipped, inertia, iterations, explained_x, explained_y, seconds, auto_k, reason, "
                  "settings, notes) "
                  "VALUES (?1, ?2, ?12, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?13, ?14, ?15, ?16)",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, seg->created_at, -1, SQLITE_STATIC);
  if (identity_run > 0)
    sqlite3_bind_int64 (stmt, 2, identity_run);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int (stmt, 3, seg->k);
  sqlite3_bind_int64 (stmt, 4, seg->seed);
  sqlite3_bind_int64 (stmt, 5, seg->n_people);
  sqlite3_bind_int64 (stmt, 6, seg->n_skipped);
  sqlite3_bind_double (stmt, 7, seg->inertia);
  sqlite3_bind_int (stmt, 8, seg->iterations);
  sqlite3_bind_double (stmt, 9, seg->explained[0]);
  sqlite3_bind_double (stmt, 10, seg->explained[1]);
  sqlite3_bind_double (stmt, 11, seg->seconds);
  sqlite3_bind_text (stmt, 12, seg->method == CST_SEGMENTATION_RFM ? "rfm" : "kmeans", -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 13, seg->auto_k);
  cst_store_bind_text_or_null (stmt, 14, seg->reason);
  cst_store_bind_text_or_null (stmt, 15, seg->settings);
  cst_store_bind_text_or_null (stmt, 16, notes);
  if (!cst_store_step_done (self, stmt, error))
    goto fail;
  run_id = sqlite3_last_insert_rowid (self->db);

  for (guint c = 0; c < seg->n_choices; c++)
    {
      const CstKChoice *choice = &seg->choices[c];

      stmt = cst_store_prepare (self,
                      "INSERT INTO segment_k_choices (run_id, k, inertia, silhouette, calinski_harabasz, "
                      "davies_bouldin, stability, smallest_share, actionable) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                      error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, run_id);
      sqlite3_bind_int (stmt, 2, choice->k);
      sqlite3_bind_double (stmt, 3, choice->inertia);
      sqlite3_bind_double (stmt, 4, choice->silhouette);
      sqlite3_bind_double (stmt, 5, choice->calinski_harabasz);
      sqlite3_bind_double (stmt, 6, choice->davies_bouldin);
      sqlite3_bind_double (stmt, 7, choice->stability);
      sqlite3_bind_double (stmt, 8, choice->smallest_share);
      sqlite3_bind_int (stmt, 9, choice->actionable);
      if (!cst_store_step_done (self, stmt, error))
        goto fail;
    }

  for (guint f = 0; f < seg->n_features; f++)
    {
      stmt = cst_store_prepare (self,
                      "INSERT INTO segment_run_features (run_id, idx, name, overall_mean, n_missing) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
                      error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, run_id);
      sqlite3_bind_int (stmt, 2, f);
      sqlite3_bind_text (stmt, 3, seg->feature_names[f], -1, SQLITE_STATIC);
      cst_store_bind_double_or_null (stmt, 4, seg->overall_means[f]);
      sqlite3_bind_int64 (stmt, 5, seg->n_missing[f]);
      if (!cst_store_step_done (self, stmt, error))
        goto fail;
    }

  for (guint s = 0; s < seg->k; s++)
    {
      stmt = cst_store_prepare (self,
                      "INSERT INTO segments (run_id, idx, name, size, fact1, fact2, fact3) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, run_id);
      sqlite3_bind_int (stmt, 2, s);
      sqlite3_bind_text (stmt, 3, seg->segment_names[s], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, seg->sizes[s]);
      for (guint j = 0; j < 3; j++)
        cst_store_bind_text_or_null (stmt, 5 + j, seg->facts[s * 3 + j]);
      if (!cst_store_step_done (self, stmt, error))
        goto fail;

      for (guint f = 0; f < seg->n_features; f++)
        {
          stmt = cst_store_prepare (self,
                          "INSERT INTO segment_means (run_id, segment, feature, mean, rest_mean, std_diff) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, run_id);
          sqlite3_bind_int (stmt, 2, s);
          sqlite3_bind_int (stmt, 3, f);
          cst_store_bind_double_or_null (stmt, 4, seg->means[s * seg->n_features + f]);
          cst_store_bind_double_or_null (stmt, 5, seg->rest_means[s * seg->n_features + f]);
          cst_store_bind_double_or_null (stmt, 6, seg->std_diffs[s * seg->n_features + f]);
          if (!cst_store_step_done (self, stmt, error))
            goto fail;
        }
    }

  stmt = cst_store_prepare (self,
                  "INSERT INTO assignments (run_id, person_id, segment, x, y) VALUES (?1, ?2, ?3, ?4, ?5)",
                  error);
  if (stmt == NULL)
    goto fail;
  for (gsize i = 0; i < seg->n_people; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, run_id);
      sqlite3_bind_int64 (stmt, 2, seg->person_ids[i]);
      sqlite3_bind_int (stmt, 3, seg->labels[i]);
      sqlite3_bind_double (stmt, 4, seg->x[i]);
      sqlite3_bind_double (stmt, 5, seg->y[i]);
      if (!cst_store_step_done (self, stmt, error))
        goto fail;
    }

  if (!cst_store_commit (self, error))
    goto fail;
  seg->run_id = run_id;
  return TRUE;

fail:
  cst_store_rollback (self);
  return FALSE;
}

/**
 * cst_store_load_latest_segmentation:
 *
 * Returns: (transfer full) (nullable): the newest segmentation run; %NULL with @error unset
 *   when the project has none yet
 */
CstSegmentation *
cst_store_load_latest_segmentation (CstStore  *self,
                                    GError   **error)
{
  g_autoptr(CstSegmentation) seg = NULL;
  sqlite3_stmt *stmt;
  gint64 run_id;
  guint n_features = 0;
  int rc;

  stmt = cst_store_prepare (self, "SELECT count(*) FROM segment_run_features WHERE run_id = "
                        "(SELECT max (id) FROM segment_runs)", error);
  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n_features = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  stmt = cst_store_prepare (self,
                  "SELECT id, created_at, k, seed, n_people, n_skipped, inertia, iterations, explained_x, "
                  "explained_y, seconds, method, auto_k, reason, settings, notes "
                  "FROM segment_runs ORDER BY id DESC LIMIT 1",
                  error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        cst_store_set_sqlite_error (self, rc, error);
      return NULL;
    }

  seg = cst_segmentation_new (sqlite3_column_int (stmt, 2), n_features, sqlite3_column_int64 (stmt, 4));
  run_id = seg->run_id = sqlite3_column_int64 (stmt, 0);
  seg->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  seg->seed = sqlite3_column_int64 (stmt, 3);
  seg->n_skipped = sqlite3_column_int64 (stmt, 5);
  seg->inertia = sqlite3_column_double (stmt, 6);
  seg->iterations = sqlite3_column_int (stmt, 7);
  seg->explained[0] = sqlite3_column_double (stmt, 8);
  seg->explained[1] = sqlite3_column_double (stmt, 9);
  seg->seconds = sqlite3_column_double (stmt, 10);
  seg->method = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 11), "rfm") == 0
                ? CST_SEGMENTATION_RFM : CST_SEGMENTATION_DISCOVER;
  seg->auto_k = sqlite3_column_int (stmt, 12);
  seg->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 13));
  seg->settings = g_strdup ((const char *) sqlite3_column_text (stmt, 14));
  if (sqlite3_column_type (stmt, 15) != SQLITE_NULL)
    seg->notes = g_strsplit ((const char *) sqlite3_column_text (stmt, 15), "\n", -1);
  sqlite3_reset (stmt);

  stmt = cst_store_prepare (self,
                  "SELECT k, inertia, silhouette, calinski_harabasz, davies_bouldin, stability, smallest_share, "
                  "actionable FROM segment_k_choices WHERE run_id = ?1 ORDER BY k",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  {
    g_autoptr(GArray) choices = g_array_new (FALSE, TRUE, sizeof (CstKChoice));

    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        CstKChoice choice = {
          .k = sqlite3_column_int (stmt, 0),
          .inertia = sqlite3_column_double (stmt, 1),
          .silhouette = sqlite3_column_double (stmt, 2),
          .calinski_harabasz = sqlite3_column_double (stmt, 3),
          .davies_bouldin = sqlite3_column_double (stmt, 4),
          .stability = sqlite3_column_double (stmt, 5),
          .smallest_share = sqlite3_column_double (stmt, 6),
          .actionable = sqlite3_column_int (stmt, 7),
        };
        g_array_append_val (choices, choice);
      }
    sqlite3_reset (stmt);
    seg->n_choices = choices->len;
    seg->choices = (CstKChoice *) (void *) g_array_free (g_steal_pointer (&choices), seg->n_choices == 0);
  }

  stmt = cst_store_prepare (self, "SELECT idx, name, overall_mean, n_missing FROM segment_run_features WHERE run_id = ?1",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint f = sqlite3_column_int (stmt, 0);

      if (f >= n_features)
        continue;
      seg->feature_names[f] = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      seg->overall_means[f] = cst_store_column_double_or_nan (stmt, 2);
      seg->n_missing[f] = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_reset (stmt);

  stmt = cst_store_prepare (self, "SELECT idx, name, size, fact1, fact2, fact3 FROM segments WHERE run_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint s = sqlite3_column_int (stmt, 0);

      if (s >= seg->k)
        continue;
      g_free (seg->segment_names[s]);
      seg->segment_names[s] = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      seg->sizes[s] = sqlite3_column_int64 (stmt, 2);
      for (guint j = 0; j < 3; j++)
        seg->facts[s * 3 + j] = g_strdup ((const char *) sqlite3_column_text (stmt, 3 + j));
    }
  sqlite3_reset (stmt);

  stmt = cst_store_prepare (self, "SELECT segment, feature, mean, rest_mean, std_diff FROM segment_means WHERE run_id = ?1",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint s = sqlite3_column_int (stmt, 0);
      guint f = sqlite3_column_int (stmt, 1);

      if (s < seg->k && f < n_features)
        {
          seg->means[s * n_features + f] = cst_store_column_double_or_nan (stmt, 2);
          seg->rest_means[s * n_features + f] = cst_store_column_double_or_nan (stmt, 3);
          seg->std_diffs[s * n_features + f] = cst_store_column_double_or_nan (stmt, 4);
        }
    }
  sqlite3_reset (stmt);

  stmt = cst_store_prepare (self,
                  "SELECT person_id, segment, x, y FROM assignments WHERE run_id = ?1 ORDER BY person_id",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  for (gsize i = 0; i < seg->n_people && sqlite3_step (stmt) == SQLITE_ROW; i++)
    {
      seg->person_ids[i] = sqlite3_column_int64 (stmt, 0);
      seg->labels[i] = MIN ((guint) sqlite3_column_int (stmt, 1), seg->k - 1);
      seg->x[i] = sqlite3_column_double (stmt, 2);
      seg->y[i] = sqlite3_column_double (stmt, 3);
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&seg);
}

/**
 * cst_store_foreach_segment_member:
 * @run_id: a segmentation run
 * @segment: a segment of it
 *
 * Calls @func for every person of @segment, biggest spenders first, with their orders, total
 * spend and last order time (CST_NO_TIME when unknown).
 */
gboolean
cst_store_foreach_segment_member (CstStore       *self,
                                  gint64          run_id,
                                  guint           segment,
                                  CstMemberFunc   func,
                                  gpointer        user_data,
                                  GError        **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                "SELECT p.id, p.email, p.first_name, p.last_name, coalesce (o.n, 0), "
                                "coalesce (o.spend, 0), o.last "
                                "FROM assignments a JOIN people p ON p.id = a.person_id "
                                "LEFT JOIN (SELECT pr.person_id AS person_id, count (*) AS n, sum (r.amount) AS spend, "
                                "           max (r.event_time) AS last "
                                "           FROM person_records pr JOIN records r ON r.id = pr.record_id "
                                "           JOIN sources s ON s.id = r.source_id "
                                "           WHERE s.kind = 'orders' GROUP BY pr.person_id) o ON o.person_id = p.id "
                                "WHERE a.run_id = ?1 AND a.segment = ?2 "
                                "ORDER BY coalesce (o.spend, 0) DESC, p.id",
                                error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int (stmt, 2, segment);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 last = sqlite3_column_type (stmt, 6) == SQLITE_NULL ? CST_NO_TIME : sqlite3_column_int64 (stmt, 6);

      if (!func (sqlite3_column_int64 (stmt, 0),
                 (const char *) sqlite3_column_text (stmt, 1),
                 (const char *) sqlite3_column_text (stmt, 2),
                 (const char *) sqlite3_column_text (stmt, 3),
                 sqlite3_column_int64 (stmt, 4),
                 sqlite3_column_double (stmt, 5),
                 last, user_data))
        break;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return cst_store_set_sqlite_error (self, rc, error);
  return TRUE;
}
