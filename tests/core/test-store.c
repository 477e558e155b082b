/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "../cst-test-util.h"
#include "store/cst-store.h"

static char *
temp_project (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("constellate-store-XXXXXX", NULL);

  return g_build_filename (dir, name, NULL);
}

static void
remove_project (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  cst_test_remove_dir (dir);
}

static int
pragma_int (const char *path,
            const char *pragma)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int value = -1;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, pragma, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_store_fresh (void)
{
  g_autofree char *path = temp_project ("fresh.constellate");
  g_autoptr(GError) error = NULL;
  CstStore *store;

  store = cst_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_store_get_latest_version (), >=, 1);
  g_assert_cmpint (cst_store_get_schema_version (store), ==, cst_store_get_latest_version ());
  g_assert_true (cst_store_set_info (store, "name", "Fresh", &error));
  cst_store_close (store);

  g_assert_cmpint (pragma_int (path, "PRAGMA user_version"), ==, cst_store_get_latest_version ());
  /* WAL is persistent in the file header. */
  g_assert_cmpint (pragma_int (path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), ==, 1);
  remove_project (path);
}

static void
test_store_existing (void)
{
  g_autofree char *path = temp_project ("existing.constellate");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sources = NULL;
  const char *header[] = { "email", NULL };
  CstStore *store;
  g_autofree char *value = NULL;

  store = cst_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_store_add_source (store, "a.csv", NULL, CST_SOURCE_CONTACTS, header, &error), >, 0);
  g_assert_true (cst_store_set_info (store, "name", "Existing", &error));
  cst_store_close (store);

  /* Reopening runs no migration again and keeps what was there. */
  store = cst_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cst_store_get_schema_version (store), ==, cst_store_get_latest_version ());
  sources = cst_store_list_sources (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, ==, 1);
  g_assert_cmpstr (g_array_index (sources, CstSourceInfo, 0).name, ==, "a.csv");
  value = cst_store_dup_info (store, "name");
  g_assert_cmpstr (value, ==, "Existing");
  cst_store_close (store);
  remove_project (path);
}

static void
test_store_rollback (void)
{
  g_autofree char *path = temp_project ("rollback.constellate");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sources = NULL;
  const char *header[] = { "email", NULL };
  CstStore *store = cst_store_open (path, &error);

  g_assert_true (cst_store_begin (store, &error));
  g_assert_cmpint (cst_store_add_source (store, "a.csv", NULL, CST_SOURCE_CONTACTS, header, &error), >, 0);
  cst_store_rollback (store);
  sources = cst_store_list_sources (store, &error);
  g_assert_cmpuint (sources->len, ==, 0);

  /* Foreign keys are on: a record of a source that does not exist is refused. */
  {
    CstRecord record = { .source_id = 999, .row_number = 1, .event_time = CST_NO_TIME, .amount = NAN,
                         .discount = NAN, .consent = -1, .quantity = -1, .opened = -1, .clicked = -1 };

    g_assert_false (cst_store_add_record (store, &record, &error));
    g_assert_error (error, CST_STORE_ERROR, CST_STORE_ERROR_QUERY);
  }
  cst_store_close (store);
  remove_project (path);
}

static void
test_store_not_a_project (void)
{
  g_autofree char *text = temp_project ("notes.constellate");
  g_autofree char *foreign = temp_project ("foreign.constellate");
  g_autofree char *newer = temp_project ("newer.constellate");
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  CstStore *store;

  g_assert_true (g_file_set_contents (text, "just some text, not a database at all, long enough", -1, NULL));
  store = cst_store_open (text, &error);
  g_assert_null (store);
  g_assert_error (error, CST_STORE_ERROR, CST_STORE_ERROR_NOT_A_PROJECT);
  g_assert_nonnull (strstr (error->message, "notes.constellate"));
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open (foreign, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = cst_store_open (foreign, &error);
  g_assert_null (store);
  g_assert_error (error, CST_STORE_ERROR, CST_STORE_ERROR_NOT_A_PROJECT);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = cst_store_open (newer, &error);
  g_assert_null (store);
  g_assert_error (error, CST_STORE_ERROR, CST_STORE_ERROR_TOO_NEW);
  /* Nothing was changed in the newer file. */
  g_assert_cmpint (pragma_int (newer, "PRAGMA user_version"), ==, 999);

  remove_project (text);
  remove_project (foreign);
  remove_project (newer);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/store/fresh", test_store_fresh);
  g_test_add_func ("/cst/store/existing", test_store_existing);
  g_test_add_func ("/cst/store/rollback", test_store_rollback);
  g_test_add_func ("/cst/store/not-a-project", test_store_not_a_project);

  return g_test_run ();
}
