/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "../cst-test-util.h"

/* `constellate-cli import` and `inspect`, run as a user runs them: the built program in a
 * child process (its path in CST_CLI), its exit status, stdout and stderr. The reading itself
 * is tested in test-sniff, test-import-plan and test-bad-input; this test checks what the
 * command line adds: options, exit statuses, messages and exactly one JSON object. */

/* A German spreadsheet saved as CSV: semicolons, decimal commas, dots between thousands,
 * day-first dates. */
static const char german_csv[] =
  "Bestellnummer;E-Mail;Bestelldatum;Betrag;Menge;Kategorie\n"
  "1001;anna@example.de;03.02.2025;1.234,50;2;Schuhe\n"
  "1002;bernd@example.de;15.02.2025;19,99;1;Bücher\n"
  "1003;clara@example.de;01.03.2025;5,00;3;Spielzeug\n";

typedef struct
{
  char *dir;
  char *project;
  char *german;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("constellate-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->project = g_build_filename (f->dir, "test.constellate", NULL);
  f->german = g_build_filename (f->dir, "bestellungen.csv", NULL);
  g_assert_true (g_file_set_contents (f->german, german_csv, -1, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  cst_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->project);
  g_free (f->german);
}

/* Runs constellate-cli with the NULL-terminated arguments; FALSE (and a skipped test) when
 * the test runs without CST_CLI. */
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
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  return TRUE;
}

/* Exactly one JSON object on one line, as every --json prints. */
static JsonObject *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *newline = strchr (text, '\n');
  JsonNode *root;

  g_assert_nonnull (newline);
  g_assert_cmpstr (newline + 1, ==, "");
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
first_file (JsonObject *result)
{
  JsonArray *files = json_object_get_array_member (result, "files");

  g_assert_cmpuint (json_array_get_length (files), ==, 1);
  return json_array_get_object_element (files, 0);
}

static void
test_import_json (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *orders = g_build_filename (CST_TEST_DATA_DIR, "orders-small.csv", NULL);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) result = NULL;
  JsonObject *file, *mapping;

  if (!run_cli (&run, "import", "--project", f->project, "--json", orders, NULL))
    return;
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_test (f->project, G_FILE_TEST_IS_REGULAR));

  result = parse_json (run.out);
  file = first_file (result);
  g_assert_cmpstr (json_object_get_string_member (file, "file"), ==, "orders-small.csv");
  g_assert_cmpstr (json_object_get_string_member (file, "kind"), ==, "transactions");
  g_assert_cmpint (json_object_get_int_member (file, "rows"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (file, "imported"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (file, "rejected"), ==, 3);
  g_assert_true (json_object_get_null_member (file, "export"));
  g_assert_cmpfloat (json_object_get_double_member (file, "seconds"), >=, 0);
  mapping = json_object_get_object_member (file, "mapping");
  g_assert_cmpstr (json_object_get_string_member (mapping, "email"), ==, "email");
  g_assert_cmpstr (json_object_get_string_member (mapping, "order_date"), ==, "order-date");
  g_assert_cmpstr (json_object_get_string_member (mapping, "amount"), ==, "amount");
  g_assert_cmpstr (json_object_get_string_member (mapping, "category"), ==, "category");

  /* People were matched again: the four readable orders belong to three people (two of
   * Jörg's addresses fold into one). */
  g_assert_cmpint (json_object_get_int_member (result, "records"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (result, "people"), ==, 3);
}

static void
test_inspect_german (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) result = NULL;
  JsonArray *columns;
  JsonObject *date, *amount;

  if (!run_cli (&run, "inspect", f->german, "--json", NULL))
    return;
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  /* Inspecting imports nothing and makes no project. */
  g_assert_false (g_file_test (f->project, G_FILE_TEST_EXISTS));

  result = parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (result, "encoding"), ==, "UTF-8");
  g_assert_cmpstr (json_object_get_string_member (result, "delimiter"), ==, ";");
  g_assert_cmpstr (json_object_get_string_member (result, "decimal"), ==, ",");
  g_assert_cmpstr (json_object_get_string_member (result, "thousands"), ==, ".");
  g_assert_true (json_object_get_boolean_member (result, "header"));
  g_assert_cmpstr (json_object_get_string_member (result, "kind"), ==, "transactions");

  columns = json_object_get_array_member (result, "columns");
  g_assert_cmpuint (json_array_get_length (columns), ==, 6);
  date = json_array_get_object_element (columns, 2);
  g_assert_cmpstr (json_object_get_string_member (date, "name"), ==, "Bestelldatum");
  g_assert_cmpstr (json_object_get_string_member (date, "type"), ==, "date");
  g_assert_cmpstr (json_object_get_string_member (date, "role"), ==, "order-date");
  g_assert_cmpstr (json_object_get_string_member (date, "date_format"), ==, "DD.MM.YYYY");
  g_assert_false (json_object_get_boolean_member (date, "date_ambiguous"));
  amount = json_array_get_object_element (columns, 3);
  g_assert_cmpstr (json_object_get_string_member (amount, "role"), ==, "amount");
  g_assert_cmpfloat (json_object_get_double_member (amount, "confidence"), >, 0.5);
}

static void
test_inspect_text (Fixture       *f,
                   gconstpointer  data)
{
  g_auto(Run) run = { 0 };

  if (!run_cli (&run, "inspect", f->german, NULL))
    return;
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "bestellungen.csv"));
  g_assert_nonnull (strstr (run.out, "Bestelldatum"));
  g_assert_nonnull (strstr (run.out, "DD.MM.YYYY"));
}

static void
test_map (Fixture       *f,
          gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) result = NULL;
  JsonObject *file, *mapping;

  /* Headers match exactly, or else ignoring case. */
  if (!run_cli (&run, "import", "--project", f->project, "--json", f->german,
                "--map", "kategorie=product", "--map", "Menge=none", NULL))
    return;
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  result = parse_json (run.out);
  file = first_file (result);
  mapping = json_object_get_object_member (file, "mapping");
  g_assert_cmpstr (json_object_get_string_member (mapping, "Kategorie"), ==, "product");
  g_assert_cmpstr (json_object_get_string_member (mapping, "Menge"), ==, "none");
  g_assert_cmpstr (json_object_get_string_member (mapping, "Betrag"), ==, "amount");
  g_assert_cmpint (json_object_get_int_member (file, "rows"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (file, "imported"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (file, "rejected"), ==, 0);
}

static void
test_bad_map (Fixture       *f,
              gconstpointer  data)
{
  const char * const maps[] = { "Betrag=money-ish", "Nichtda=amount", "Betrag" };

  for (guint i = 0; i < G_N_ELEMENTS (maps); i++)
    {
      g_auto(Run) run = { 0 };

      if (!run_cli (&run, "import", "--project", f->project, "--json", f->german,
                    "--map", maps[i], NULL))
        return;
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_nonnull (strstr (run.err, "--map"));
      /* A wrong command line touches nothing. */
      g_assert_false (g_file_test (f->project, G_FILE_TEST_EXISTS));
    }
}

static void
test_missing_file (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no-such-export.csv", NULL);
  g_auto(Run) run = { 0 };
  g_auto(Run) inspect = { 0 };

  if (!run_cli (&run, "import", "--project", f->project, "--json", missing, NULL))
    return;
  g_assert_cmpint (run.status, !=, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "no-such-export.csv"));
  g_assert_false (g_file_test (f->project, G_FILE_TEST_EXISTS));

  g_assert_true (run_cli (&inspect, "inspect", missing, NULL));
  g_assert_cmpint (inspect.status, !=, 0);
  g_assert_nonnull (strstr (inspect.err, "no-such-export.csv"));
}

/* A file that cannot be imported leaves an existing project as it was: the next import is
 * its second source, not its third. */
static void
test_failed_file_changes_nothing (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *broken = g_build_filename (CST_TEST_DATA_DIR, "orders-no-amount.csv", NULL);
  g_auto(Run) first = { 0 };
  g_auto(Run) failed = { 0 };
  g_auto(Run) second = { 0 };
  g_autoptr(JsonObject) result = NULL;

  if (!run_cli (&first, "import", "--project", f->project, "--json", f->german, NULL))
    return;
  g_assert_cmpint (first.status, ==, 0);

  g_assert_true (run_cli (&failed, "import", "--project", f->project, "--kind", "transactions",
                          "--json", broken, NULL));
  g_assert_cmpint (failed.status, ==, 1);
  g_assert_cmpstr (failed.out, ==, "");
  g_assert_nonnull (strstr (failed.err, "orders-no-amount.csv"));

  g_assert_true (run_cli (&second, "import", "--project", f->project, "--json", f->german, NULL));
  g_assert_cmpint (second.status, ==, 0);
  result = parse_json (second.out);
  g_assert_cmpint (json_object_get_int_member (first_file (result), "source_id"), ==, 2);
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_auto(Run) no_project = { 0 };
  g_auto(Run) bad_kind = { 0 };
  g_auto(Run) no_file = { 0 };

  if (!run_cli (&no_project, "import", f->german, NULL))
    return;
  g_assert_cmpint (no_project.status, ==, 2);
  g_assert_nonnull (strstr (no_project.err, "--project"));

  g_assert_true (run_cli (&bad_kind, "import", "--project", f->project, "--kind", "orders",
                          f->german, NULL));
  g_assert_cmpint (bad_kind.status, ==, 2);
  g_assert_nonnull (strstr (bad_kind.err, "--kind"));

  g_assert_true (run_cli (&no_file, "import", "--project", f->project, NULL));
  g_assert_cmpint (no_file.status, ==, 2);
  g_assert_false (g_file_test (f->project, G_FILE_TEST_EXISTS));
}

/* The sample path, then the deck and a chart of it, as a scheduled report job would run them. */
static void
test_cli_deck_and_chart (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_auto(Run) deck = { 0 };
  g_auto(Run) chart = { 0 };
  g_auto(Run) bad = { 0 };
  g_autofree char *pdf = g_build_filename (f->dir, "deck.pdf", NULL);
  g_autofree char *png = g_build_filename (f->dir, "map.png", NULL);
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!run_cli (&run, "run", "--project", f->project, "--sample", "--json", NULL))
    return;
  g_assert_cmpint (run.status, ==, 0);
  object = parse_json (run.out);

  g_assert_true (run_cli (&deck, "deck", "--project", f->project, "--out", pdf, "--json", NULL));
  g_assert_cmpint (deck.status, ==, 0);
  g_clear_pointer (&object, json_object_unref);
  object = parse_json (deck.out);
  g_assert_cmpint (json_object_get_int_member (object, "slides"), ==, 5);
  g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_clear_pointer (&contents, g_free);

  g_assert_true (run_cli (&chart, "chart", "--project", f->project, "--kind", "map", "--out", png, NULL));
  g_assert_cmpint (chart.status, ==, 0);
  g_assert_true (g_file_get_contents (png, &contents, &length, NULL));
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);

  /* A chart that does not exist is refused with the list of those that do. */
  g_assert_true (run_cli (&bad, "chart", "--project", f->project, "--kind", "pie", "--out", png, NULL));
  g_assert_cmpint (bad.status, !=, 0);
  g_assert_nonnull (strstr (bad.err, "heatmap"));
}

/* A table large enough to be read on every core gives the same segments as its first half
 * read alone would suggest it should: same rows, and a bad value near the end is named by the
 * file's own line number, found by whichever piece holds it. */
static void
test_segment_parallel_read (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "big.csv", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.csv", NULL);
  g_autoptr(GString) text = g_string_new ("x,y,z,w\n");
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  const guint n_rows = 300000;   /* about 9 MB: above the 8 MB from which pieces are read */
  g_auto(Run) run = { 0 };
  g_auto(Run) failed = { 0 };

  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (text, "%.6f,%.6f,%.6f,%.6f\n", g_rand_double (rand) + (i % 3),
                            g_rand_double (rand), g_rand_double (rand) * 10, g_rand_double (rand));
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));

  if (!run_cli (&run, "segment", "--input", path, "--k", "3", "--json", NULL))
    return;
  g_assert_cmpint (run.status, ==, 0);
  result = parse_json (run.out);
  g_assert_cmpint (json_object_get_int_member (result, "rows"), ==, n_rows);

  /* Line 1 is the header: the bad value sits on line n_rows − 9, in the last piece. */
  {
    char *line = text->str;

    for (guint i = 0; i < n_rows - 10; i++)
      line = strchr (line, '\n') + 1;
    line[0] = 'q';
  }
  g_assert_true (g_file_set_contents (bad, text->str, text->len, NULL));
  g_assert_true (run_cli (&failed, "segment", "--input", bad, "--columns", "x,y", "--k", "3", NULL));
  g_assert_cmpint (failed.status, ==, 1);
  {
    g_autofree char *expected = g_strdup_printf ("line %u, column 1", n_rows - 9);

    g_assert_nonnull (strstr (failed.err, expected));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cst/cli/deck-and-chart", test_cli_deck_and_chart);
  ADD ("/cst/cli/import-json", test_import_json);
  ADD ("/cst/cli/inspect-german", test_inspect_german);
  ADD ("/cst/cli/inspect-text", test_inspect_text);
  ADD ("/cst/cli/map", test_map);
  ADD ("/cst/cli/bad-map", test_bad_map);
  ADD ("/cst/cli/missing-file", test_missing_file);
  ADD ("/cst/cli/failed-file-changes-nothing", test_failed_file_changes_nothing);
  ADD ("/cst/cli/usage", test_usage);
  ADD ("/cst/cli/segment-parallel-read", test_segment_parallel_read);
#undef ADD

  return g_test_run ();
}
