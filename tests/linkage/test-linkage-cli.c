/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <string.h>

#include "cst-test-util.h"

/* `constellate-cli link` as a user runs it. */

typedef struct
{
  char *out;
  char *err;
  int   status;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

static gboolean
run_cli (Run *run,
         ...)
{
  const char *cli = g_getenv ("CST_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  if (cli == NULL)
    {
      g_test_skip ("CST_CLI does not name constellate-cli");
      return FALSE;
    }
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "link");
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  return TRUE;
}

static void
test_cli_small_files (void)
{
  g_autofree char *contacts = g_build_filename (CST_TEST_DATA_DIR, "contacts-small.csv", NULL);
  g_autofree char *orders = g_build_filename (CST_TEST_DATA_DIR, "orders-small.csv", NULL);
  g_autofree char *dir = g_dir_make_tmp ("constellate-link-cli-XXXXXX", NULL);
  g_autofree char *clusters = g_build_filename (dir, "clusters.csv", NULL);
  g_autofree char *pairs = g_build_filename (dir, "pairs.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *root, *seconds;
  Run run = { 0 };

  if (!run_cli (&run, "--input", contacts, "--input", orders, "--id-column", "customer_id",
                "--clusters", clusters, "--pairs", pairs, "--json", NULL))
    return;
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  /* Exactly one line of JSON. */
  g_assert_nonnull (strchr (run.out, '\n'));
  g_assert_cmpstr (strchr (run.out, '\n') + 1, ==, "");
  g_assert_true (json_parser_load_from_data (parser, run.out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "records"), ==, 3 + 7);
  g_assert_cmpint (json_object_get_int_member (root, "sources"), ==, 2);
  g_assert_true (json_object_has_member (root, "candidate_pairs"));
  g_assert_true (json_object_has_member (root, "matched_pairs"));
  /* Anna's and Jörg's orders (two addresses, one Gmail) join their contacts; the third order
   * belongs to nobody known. At most 3 contacts + 1 stranger (a row without an email is
   * rejected by the importer but read here). */
  g_assert_cmpint (json_object_get_int_member (root, "people"), <=, 5);
  seconds = json_object_get_object_member (root, "seconds");
  g_assert_true (json_object_has_member (seconds, "blocking"));
  g_assert_true (json_object_has_member (seconds, "training"));
  g_assert_cmpfloat (json_object_get_double_member (seconds, "total"), >=, 0);

  g_assert_true (g_file_get_contents (clusters, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "source,record_id,person_id");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 10 + 1);
  g_assert_true (g_str_has_prefix (lines[1], "contacts-small.csv,C1,"));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (pairs, &text, NULL, &error));
  g_assert_true (g_str_has_prefix (text, "source_a,record_id_a,source_b,record_id_b,probability"));

  run_clear (&run);
  cst_test_remove_dir (dir);
}

static void
test_cli_bad_usage (void)
{
  g_autofree char *contacts = g_build_filename (CST_TEST_DATA_DIR, "contacts-small.csv", NULL);
  Run run = { 0 };

  if (!run_cli (&run, "--input", contacts, "--threshold", "1.5", NULL))
    return;
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--threshold"));
  run_clear (&run);

  g_assert_true (run_cli (&run, NULL));
  g_assert_cmpint (run.status, ==, 2);
  run_clear (&run);

  g_assert_true (run_cli (&run, "--input", "/nonexistent/file.csv", NULL));
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "/nonexistent/file.csv"));
  run_clear (&run);

  g_assert_true (run_cli (&run, "--input", contacts, "--id-column", "no such column", NULL));
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "no such column"));
  run_clear (&run);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/linkage-cli/small-files", test_cli_small_files);
  g_test_add_func ("/cst/linkage-cli/bad-usage", test_cli_bad_usage);

  return g_test_run ();
}
