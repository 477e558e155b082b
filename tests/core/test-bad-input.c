/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../cst-test-util.h"
#include "io/cst-import-plan.h"
#include "io/cst-members.h"
#include "io/cst-rejected.h"
#include "store/cst-store.h"

/* The bad-input catalogue (tests/data/bad/, described in its README) goes through the whole
 * path the app takes: plan, validate, import into a project that already holds a source.
 * Each file either fails with a message that names it (and the line and column where one is
 * to blame) and leaves the project as it was, or imports with every unreadable row rejected
 * for a reason. A second part kills an import midway, in a child process, and reopens the
 * project. */

#define BAD_DIR CST_TEST_DATA_DIR "/bad"

/* Rows of the file the crash test imports, and progress reports the child makes before the
 * parent kills it (one every 2,048 rows after the first at 0). */
#define CRASH_ROWS       300000
#define CRASH_KILL_AFTER 6

/* Seconds any one file may take; the 10 MB files are the slow ones. Generous for ASan. */
#define TIME_BUDGET 30.0

typedef enum
{
  FAILS,
  IMPORTS,
} Outcome;

typedef struct
{
  const char *file;
  Outcome     outcome;
  const char *words;        /* FAILS: what the message must say besides the file's name */
  guint       n_rows;       /* IMPORTS: data rows and rejected rows */
  guint       n_rejected;
} BadFile;

static const BadFile catalogue[] = {
  { "empty.csv", FAILS, "is empty" },
  { "whitespace-only.csv", FAILS, "is empty" },
  { "only-delimiters.csv", FAILS, "is empty" },
  { "header-only.csv", FAILS, "no rows" },
  { "binary-garbage.csv", FAILS, "not a text file" },
  { "png-renamed.csv", FAILS, "PNG picture" },
  { "zip-renamed.csv", FAILS, "Excel workbook" },
  { "nul-bytes.csv", FAILS, "line 42, column 3: the text holds a zero byte" },
  { "invalid-utf8-middle.csv", FAILS, "line 5, column 3: the text is not valid UTF-8" },
  { "unterminated-quote.csv", FAILS, "line 5: a quotation mark" },
  { "ragged-rows.csv", IMPORTS, NULL, 8, 4 },
  { "mixed-delimiters.csv", IMPORTS, NULL, 8, 3 },
  { "runaway-quote.csv", IMPORTS, NULL, 4, 1 },
  { "duplicate-header.csv", IMPORTS, NULL, 3, 0 },
  { "empty-header.csv", IMPORTS, NULL, 3, 1 },
  { "header-repeated.csv", IMPORTS, NULL, 4, 1 },
  { "no-header.csv", IMPORTS, NULL, 3, 0 },
  { "impossible-dates.csv", IMPORTS, NULL, 8, 4 },
  { "dates-three-formats.csv", IMPORTS, NULL, 9, 4 },
  { "text-in-amount.csv", IMPORTS, NULL, 8, 4 },
  { "absurd-amounts.csv", IMPORTS, NULL, 9, 4 },
  { "na-only-column.csv", IMPORTS, NULL, 5, 5 },
  { "formula-injection.csv", IMPORTS, NULL, 9, 3 },
  { "bad-emails.csv", IMPORTS, NULL, 7, 4 },
  { "bom-middle.csv", IMPORTS, NULL, 5, 0 },
  { "cr-only.csv", IMPORTS, NULL, 4, 0 },
  { "long-field.csv", IMPORTS, NULL, 3, 0 },
  { "utf16-no-bom.csv", IMPORTS, NULL, 2, 0 },
  { "trailing-delimiter.csv", IMPORTS, NULL, 3, 0 },
  { "trailing-delimiter-rows.csv", IMPORTS, NULL, 3, 0 },
  { "stray-quote.csv", IMPORTS, NULL, 2, 0 },
  { "control-chars.csv", IMPORTS, NULL, 2, 0 },
  { "wide-columns.csv", IMPORTS, NULL, 2, 0 },
};

/* Reasons checked word for word: row number (1-based data row), column, reason. */
typedef struct
{
  const char *file;
  gint64      row;
  const char *column;     /* NULL: the row as a whole */
  const char *reason;
} Reason;

static const Reason reasons[] = {
  { "text-in-amount.csv", 4, "amount", "Column “amount”: “twelve” is not an amount" },
  { "text-in-amount.csv", 5, "amount", "Column “amount”: “12,5,0” is not an amount" },
  { "absurd-amounts.csv", 5, "amount", "Column “amount”: “1e300” is too large to be an amount" },
  { "impossible-dates.csv", 4, "order_date", "Column “order_date”: “2025-02-30” is not a date" },
  { "impossible-dates.csv", 5, "order_date", "Column “order_date”: “31.04.2025” is not a date" },
  { "bad-emails.csv", 2, "email", "Column “email”: “anna@@x” is not an email address" },
  { "bad-emails.csv", 3, "email", "Column “email”: “@x.de” is not an email address" },
  { "dates-three-formats.csv", 4, "order_date",
    "Column “order_date”: “03/15/2025” is written in another date format than the column, "
    "which is read as YYYY-MM-DD" },
  { "ragged-rows.csv", 4, NULL, "The row has 7 fields, but the header has 6" },
  { "ragged-rows.csv", 6, NULL, "The row has 3 fields, but the header has 6" },
  { "mixed-delimiters.csv", 4, NULL, "The row has 1 field, but the header has 6" },
  { "header-repeated.csv", 3, NULL,
    "The row repeats the column names: were several exports joined into one file?" },
  { "na-only-column.csv", 1, "amount", "Column “amount” is empty: an order needs its amount" },
};

/* A project holding one imported source before the bad file comes. */
typedef struct
{
  char     *dir;
  char     *project;
  CstStore *store;
} Fixture;

/* What a project holds, to compare before and after. */
typedef struct
{
  guint  n_sources;
  gint64 last_source;
  gint64 n_records;
  guint  n_rejected;
} Counts;

static char *
write_text (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
import_good_file (CstStore   *store,
                  const char *dir)
{
  g_autofree char *path = write_text (dir, "customers.csv",
                                      "customer_id,email,first_name,last_name,order_date,amount\n"
                                      "1,ada@example.com,Ada,Lovelace,2025-01-02,19.90\n"
                                      "2,alan@example.com,Alan,Turing,2025-01-03,29.90\n"
                                      "3,grace@example.com,Grace,Hopper,tomorrow,39.90\n");
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report;

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  cst_import_file (store, plan, &report, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 3);
  g_assert_cmpuint (report.n_rejected, ==, 1);
}

static gboolean
count_rejected_cb (gint64      source_id,
                   const char *source_name,
                   gint64      row_number,
                   gint64      line,
                   const char *column_name,
                   const char *reason,
                   const char *raw,
                   gpointer    user_data)
{
  (*(guint *) user_data)++;
  return TRUE;
}

static Counts
count_project (CstStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sources = cst_store_list_sources (store, &error);
  Counts counts = { 0 };

  g_assert_no_error (error);
  counts.n_sources = sources->len;
  if (sources->len > 0)
    counts.last_source = g_array_index (sources, CstSourceInfo, sources->len - 1).id;
  counts.n_records = cst_store_count_records (store);
  cst_store_foreach_rejected_row (store, -1, count_rejected_cb, &counts.n_rejected, &error);
  g_assert_no_error (error);
  return counts;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("constellate-bad-XXXXXX", &error);
  g_assert_no_error (error);
  f->project = g_build_filename (f->dir, "p.constellate", NULL);
  f->store = cst_store_open (f->project, &error);
  g_assert_no_error (error);
  import_good_file (f->store, f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->store, cst_store_close);
  cst_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->project);
}

/* The whole path of the wizard and the CLI: plan, validate, import. */
static gboolean
import_path (CstStore         *store,
             const char       *path,
             CstImportPlan   **plan_out,
             CstImportReport  *report,
             GError          **error)
{
  g_autoptr(CstImportPlan) plan = cst_import_plan_new (path, NULL, error);
  gboolean ok;

  if (plan == NULL)
    return FALSE;
  ok = cst_import_plan_validate (plan, error) &&
       cst_import_file (store, plan, report, NULL, NULL, NULL, error);
  if (plan_out != NULL)
    *plan_out = g_steal_pointer (&plan);
  return ok;
}

typedef struct
{
  const char *file;
  guint       n_checked;
} ReasonCheck;

static gboolean
check_reason_cb (gint64      source_id,
                 const char *source_name,
                 gint64      row_number,
                 gint64      line,
                 const char *column_name,
                 const char *reason,
                 const char *raw,
                 gpointer    user_data)
{
  ReasonCheck *check = user_data;

  /* Every rejected row says why, on which line, and blames its column by name when one
   * column is to blame; a row as a whole (ragged, a repeated header) names none. */
  g_assert_cmpstr (source_name, ==, check->file);
  g_assert_cmpint (line, >=, row_number);
  g_assert_nonnull (reason);
  g_assert_cmpuint (strlen (reason), >, 10);
  if (column_name != NULL)
    {
      g_autofree char *quoted = g_strdup_printf ("“%s”", column_name);

      g_assert_nonnull (strstr (reason, quoted));
    }

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reasons[i].file, check->file) && reasons[i].row == row_number)
      {
        g_assert_cmpstr (column_name, ==, reasons[i].column);
        g_assert_cmpstr (reason, ==, reasons[i].reason);
        check->n_checked++;
      }
  return TRUE;
}

/* Runs one file through the import path and checks the outcome it must have. */
static void
check_file (Fixture    *f,
            const char *path,
            Outcome     outcome,
            const char *words,
            guint       n_rows,
            guint       n_rejected)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };
  Counts before = count_project (f->store);
  Counts after;
  gint64 start = g_get_monotonic_time ();
  double seconds;
  gboolean ok;

  ok = import_path (f->store, path, &plan, &report, &error);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("%s: %s in %.2f s", name, ok ? "imported" : error->message, seconds);
  g_assert_cmpfloat (seconds, <, TIME_BUDGET);

  after = count_project (f->store);
  if (outcome == FAILS)
    {
      g_assert_false (ok);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, name));
      if (words != NULL && strstr (error->message, words) == NULL)
        g_error ("“%s” does not say “%s”", error->message, words);
      /* Nothing changed, not even an empty source. */
      g_assert_cmpuint (after.n_sources, ==, before.n_sources);
      g_assert_cmpint (after.last_source, ==, before.last_source);
      g_assert_cmpint (after.n_records, ==, before.n_records);
      g_assert_cmpuint (after.n_rejected, ==, before.n_rejected);
    }
  else
    {
      ReasonCheck check = { name, 0 };
      guint n_expected = 0;

      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (report.n_rows, ==, n_rows);
      g_assert_cmpuint (report.n_rejected, ==, n_rejected);
      g_assert_cmpuint (after.n_sources, ==, before.n_sources + 1);
      g_assert_cmpint (after.n_records, ==, before.n_records + (n_rows - n_rejected));
      g_assert_cmpuint (after.n_rejected, ==, before.n_rejected + n_rejected);

      cst_store_foreach_rejected_row (f->store, report.source_id, check_reason_cb, &check, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
        if (g_str_equal (reasons[i].file, name))
          n_expected++;
      g_assert_cmpuint (check.n_checked, ==, n_expected);
    }

  g_clear_error (&error);
  cst_store_check_integrity (f->store, &error);
  g_assert_no_error (error);
}

static void
test_bad_file (Fixture       *f,
               gconstpointer  data)
{
  const BadFile *bad = data;
  g_autofree char *path = g_build_filename (BAD_DIR, bad->file, NULL);

  check_file (f, path, bad->outcome, bad->words, bad->n_rows, bad->n_rejected);
}

/* Every file of the folder is in the catalogue and in its README, and the other way round. */
static void
test_bad_catalogue (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (BAD_DIR, 0, &error);
  g_autofree char *readme = NULL;
  const char *name;
  guint n_files = 0;

  g_assert_no_error (error);
  g_file_get_contents (BAD_DIR "/README", &readme, NULL, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gboolean listed = FALSE;

      if (g_str_equal (name, "README"))
        continue;
      n_files++;
      for (guint i = 0; i < G_N_ELEMENTS (catalogue); i++)
        listed |= g_str_equal (catalogue[i].file, name);
      if (!listed)
        g_error ("%s is not in the catalogue of test-bad-input.c", name);
    }
  g_assert_cmpuint (n_files, ==, G_N_ELEMENTS (catalogue));
  g_assert_cmpuint (n_files, >=, 25);

  for (guint i = 0; i < G_N_ELEMENTS (catalogue); i++)
    if (strstr (readme, catalogue[i].file) == NULL)
      g_error ("%s is not described in tests/data/bad/README", catalogue[i].file);
}

typedef struct
{
  char   *email;
  char   *first_name;
  char   *last_name;
} Person;

static void
person_free (gpointer data)
{
  Person *person = data;

  g_free (person->email);
  g_free (person->first_name);
  g_free (person->last_name);
  g_free (person);
}

static gboolean
collect_record_cb (gint64      record_id,
                   const char *email,
                   const char *customer_key,
                   const char *first_name,
                   const char *last_name,
                   gpointer    user_data)
{
  Person *person = g_new0 (Person, 1);

  person->email = g_strdup (email);
  person->first_name = g_strdup (first_name);
  person->last_name = g_strdup (last_name);
  if (customer_key != NULL)
    g_hash_table_insert (user_data, g_strdup (customer_key), person);
  else
    person_free (person);
  return TRUE;
}

static GHashTable *
collect_records (CstStore *store)
{
  g_autoptr(GHashTable) records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         person_free);
  g_autoptr(GError) error = NULL;

  cst_store_foreach_record_identity (store, collect_record_cb, records, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&records);
}

/* The file's lines, for comparing raw rows with; the catalogue's files end in LF. */
static char **
read_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return g_strsplit (text, "\n", -1);
}

static gboolean
check_raw_cb (gint64      source_id,
              const char *source_name,
              gint64      row_number,
              gint64      line,
              const char *column_name,
              const char *reason,
              const char *raw,
              gpointer    user_data)
{
  char **lines = user_data;

  g_assert_cmpint (line, <=, g_strv_length (lines));
  g_assert_cmpstr (raw, ==, lines[line - 1]);
  return TRUE;
}

static void
assert_defused (const char *value)
{
  g_autofree char *escaped = cst_csv_escape_field (value);
  const char *text = escaped[0] == '"' ? escaped + 1 : escaped;

  g_assert_nonnull (strchr ("=+-@", value[0]));
  g_assert_cmpint (text[0], ==, '\'');
}

/* Formulas are text: kept as written, raw rows unchanged, and defused on export. */
static void
test_bad_formulas (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (BAD_DIR, "formula-injection.csv", NULL);
  g_autofree char *out = g_build_filename (f->dir, "rejected.csv", NULL);
  g_autoptr(GHashTable) records = NULL;
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = read_lines (path);
  static const char * const keys[] = { "1004", "1005", "1006" };
  CstImportReport report;
  const Person *p;

  import_path (f->store, path, NULL, &report, &error);
  g_assert_no_error (error);
  records = collect_records (f->store);

  p = g_hash_table_lookup (records, "1004");
  g_assert_cmpstr (p->email, ==, "-dan@example.com");
  g_assert_cmpstr (p->first_name, ==, "=HYPERLINK(\"http://x\",\"click\")");
  p = g_hash_table_lookup (records, "1005");
  g_assert_cmpstr (p->email, ==, "+eva@example.com");
  g_assert_cmpstr (p->first_name, ==, "+cmd");
  g_assert_cmpstr (p->last_name, ==, "-2+3");
  p = g_hash_table_lookup (records, "1006");
  g_assert_cmpstr (p->email, ==, "=fay@example.com");
  g_assert_cmpstr (p->first_name, ==, "@SUM(A1)");
  g_assert_cmpstr (p->last_name, ==, "=1+1");

  /* Any export of them carries an apostrophe in front, so no spreadsheet runs them. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      p = g_hash_table_lookup (records, keys[i]);
      assert_defused (p->email);
      assert_defused (p->first_name);
      if (i > 0)
        assert_defused (p->last_name);
    }

  /* The rows with a formula for an email address are rejected, and kept as they came. */
  g_assert_cmpuint (report.n_rejected, ==, 3);
  g_assert_null (g_hash_table_lookup (records, "1007"));
  g_assert_null (g_hash_table_lookup (records, "1008"));
  cst_store_foreach_rejected_row (f->store, report.source_id, check_raw_cb, lines, &error);
  g_assert_no_error (error);

  /* "Save rejected rows…" leaves no field a spreadsheet would run. */
  cst_rejected_rows_write_csv (f->project, report.source_id, out, &error);
  g_assert_no_error (error);
  reader = cst_csv_reader_new (out, ',', &error);
  g_assert_no_error (error);
  while (cst_csv_reader_next (reader, &error))
    for (guint i = 0; i < cst_csv_reader_get_n_fields (reader); i++)
      {
        const char *field = cst_csv_reader_get_field (reader, i);

        g_assert_false (field[0] != '\0' && strchr ("=+-@", field[0]) != NULL);
      }
  g_assert_no_error (error);
}

/* Values come out clean where the file was odd but readable. */
static void
test_bad_values (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CstImportReport report;
  g_autoptr(GHashTable) records = NULL;
  g_autoptr(CstImportPlan) plan = NULL;
  g_autofree char *bom = g_build_filename (BAD_DIR, "bom-middle.csv", NULL);
  g_autofree char *stray = g_build_filename (BAD_DIR, "stray-quote.csv", NULL);
  g_autofree char *duplicate = g_build_filename (BAD_DIR, "duplicate-header.csv", NULL);
  const Person *p;

  /* A byte-order mark in the middle is no part of a customer number or a name. */
  import_path (f->store, bom, NULL, &report, &error);
  g_assert_no_error (error);
  records = collect_records (f->store);
  g_assert_nonnull (g_hash_table_lookup (records, "1004"));
  p = g_hash_table_lookup (records, "1005");
  g_assert_cmpstr (p->last_name, ==, "Smith");
  g_clear_pointer (&records, g_hash_table_unref);

  /* Text after a closing quote is kept, as spreadsheets keep it. */
  import_path (f->store, stray, NULL, &report, &error);
  g_assert_no_error (error);
  records = collect_records (f->store);
  p = g_hash_table_lookup (records, "2001");
  g_assert_cmpstr (p->first_name, ==, "abc\"");

  /* Two columns of one name get names of their own, so a reason names one of them. */
  plan = cst_import_plan_new (duplicate, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plan->column_names[2], ==, "name");
  g_assert_cmpstr (plan->column_names[3], ==, "name (2)");
  g_assert_cmpstr (plan->column_names[5], ==, "amount");
  g_assert_cmpstr (plan->column_names[6], ==, "amount (2)");
}

/* Ten megabytes on one line, made at run time: a clear error or an import, in bounded time
 * and memory. */
static void
test_bad_long_lines (Fixture       *f,
                     gconstpointer  data)
{
  const gsize size = 10 * 1024 * 1024;
  g_autoptr(GString) text = g_string_sized_new (size + 100);
  g_autofree char *commas = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *field = NULL;

  /* One line of short fields: hundreds of thousands of "columns". */
  while (text->len < size)
    g_string_append (text, "abc,");
  commas = write_text (f->dir, "one-line-commas.csv", text->str);
  check_file (f, commas, FAILS, "first line is longer than", 0, 0);

  /* One line without any delimiter. */
  g_string_truncate (text, 0);
  while (text->len < size)
    g_string_append (text, "abcdefghijklmnopqrstuvwxyz");
  plain = write_text (f->dir, "one-line.csv", text->str);
  check_file (f, plain, FAILS, "first line is longer than", 0, 0);

  /* A proper header and one 10 MB value: imported, kept whole. */
  g_string_truncate (text, 0);
  g_string_append (text, "customer_id,email,first_name\n1,ada@example.com,\"");
  while (text->len < size)
    g_string_append (text, "Augusta Ada King, Countess of Lovelace ");
  g_string_append (text, "\"\n2,alan@example.com,Alan\n");
  field = write_text (f->dir, "long-value.csv", text->str);
  check_file (f, field, IMPORTS, NULL, 2, 0);
}

/* The crash test's child: imports @csv into @project, telling the parent its progress on
 * standard output, one line per report. */
static void
report_progress_cb (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  printf ("%.4f\n", fraction);
  fflush (stdout);
}

static int
crash_child (const char *project,
             const char *csv)
{
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report;

  store = cst_store_open (project, &error);
  if (store != NULL)
    plan = cst_import_plan_new (csv, NULL, &error);
  if (plan == NULL ||
      !cst_import_file (store, plan, &report, NULL, report_progress_cb, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("done\n");
  return 0;
}

static char *test_binary;

/* Kills an import in another process after it has written thousands of rows into its
 * transaction, then reopens the project: what was there is there, nothing of the import is. */
static void
test_bad_crash (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("customer_id,email,first_name,last_name,order_date,"
                                          "amount\n");
  g_autofree char *csv = NULL;
  g_autofree char *wal = g_strconcat (f->project, "-wal", NULL);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GArray) sources_before = NULL;
  g_autoptr(GArray) sources_after = NULL;
  g_autoptr(GError) error = NULL;
  guint n_reports = 0;
  GStatBuf st;
  Counts before, after;
  char *line;

  for (guint i = 0; i < CRASH_ROWS; i++)
    g_string_append_printf (text, "%u,person%u@example.com,First%u,Last%u,2025-%02u-%02u,%u.%02u\n",
                            i % 50000, i % 50000, i, i, 1 + i % 12, 1 + i % 28, i % 500, i % 100);
  csv = write_text (f->dir, "big-orders.csv", text->str);
  g_string_free (g_steal_pointer (&text), TRUE);

  before = count_project (f->store);
  sources_before = cst_store_list_sources (f->store, &error);
  g_assert_no_error (error);
  g_clear_pointer (&f->store, cst_store_close);

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            test_binary, "--crash-child", f->project, csv, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  /* The first report comes before the transaction, the others every 2,048 rows inside it. */
  while (n_reports < CRASH_KILL_AFTER &&
         (line = g_data_input_stream_read_line (lines, NULL, NULL, &error)) != NULL)
    {
      g_assert_cmpstr (line, !=, "done");
      n_reports++;
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n_reports, ==, CRASH_KILL_AFTER);
  if (g_stat (wal, &st) == 0)
    g_test_message ("write-ahead log at the kill: %ld bytes", (long) st.st_size);

  g_subprocess_force_exit (child);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  f->store = cst_store_open (f->project, &error);
  g_assert_no_error (error);
  cst_store_check_integrity (f->store, &error);
  g_assert_no_error (error);

  after = count_project (f->store);
  g_assert_cmpuint (after.n_sources, ==, before.n_sources);
  g_assert_cmpint (after.last_source, ==, before.last_source);
  g_assert_cmpint (after.n_records, ==, before.n_records);
  g_assert_cmpuint (after.n_rejected, ==, before.n_rejected);
  sources_after = cst_store_list_sources (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sources_before->len; i++)
    {
      CstSourceInfo *a = &g_array_index (sources_before, CstSourceInfo, i);
      CstSourceInfo *b = &g_array_index (sources_after, CstSourceInfo, i);

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->n_rows, ==, b->n_rows);
      g_assert_cmpint (a->n_rejected, ==, b->n_rejected);
    }

  /* The project goes on working: the same file imports in full. */
  {
    CstImportReport report;

    import_path (f->store, csv, NULL, &report, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (report.n_rows, ==, CRASH_ROWS);
    g_assert_cmpint (cst_store_count_records (f->store), ==, before.n_records + CRASH_ROWS);
    cst_store_check_integrity (f->store, &error);
    g_assert_no_error (error);
  }
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--crash-child"))
    return crash_child (argv[2], argv[3]);

  test_binary = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/bad-input/catalogue", test_bad_catalogue);
  for (guint i = 0; i < G_N_ELEMENTS (catalogue); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/cst/bad-input/file/%s", catalogue[i].file);

      g_test_add (test_path, Fixture, &catalogue[i],
                  fixture_set_up, test_bad_file, fixture_tear_down);
    }
  g_test_add ("/cst/bad-input/formulas", Fixture, NULL,
              fixture_set_up, test_bad_formulas, fixture_tear_down);
  g_test_add ("/cst/bad-input/values", Fixture, NULL,
              fixture_set_up, test_bad_values, fixture_tear_down);
  g_test_add ("/cst/bad-input/long-lines", Fixture, NULL,
              fixture_set_up, test_bad_long_lines, fixture_tear_down);
  g_test_add ("/cst/bad-input/crash", Fixture, NULL,
              fixture_set_up, test_bad_crash, fixture_tear_down);

  return g_test_run ();
}
