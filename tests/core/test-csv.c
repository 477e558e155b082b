/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "../cst-test-util.h"
#include "io/cst-csv-chunks.h"
#include "io/cst-csv.h"
#include "io/cst-members.h"

static char *
fixture (const char *name)
{
  return g_build_filename (CST_TEST_DATA_DIR, name, NULL);
}

static void
test_csv_quoted (void)
{
  g_autofree char *path = fixture ("quoted.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstCsvReader) reader = cst_csv_reader_new (path, ',', &error);
  const char *raw;
  gsize length;

  g_assert_no_error (error);

  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_cmpuint (cst_csv_reader_get_n_fields (reader), ==, 2);
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 0), ==, "a");
  g_assert_cmpuint (cst_csv_reader_get_line (reader), ==, 1);

  /* A delimiter and a line break inside quotes belong to the field. */
  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 0), ==, "x, y");
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 1), ==, "line1\nline2");
  g_assert_cmpuint (cst_csv_reader_get_line (reader), ==, 2);
  raw = cst_csv_reader_get_raw (reader, &length);
  g_assert_cmpstr (raw, ==, "\"x, y\",\"line1\nline2\"");
  g_assert_cmpuint (length, ==, strlen (raw));

  /* Doubled quotes are one quote; CRLF ends the record; the record starts on line 4. */
  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 0), ==, "say \"hi\"");
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 1), ==, "plain");
  g_assert_cmpuint (cst_csv_reader_get_line (reader), ==, 4);

  /* The blank line is skipped; a trailing empty field is a field. */
  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_cmpuint (cst_csv_reader_get_n_fields (reader), ==, 2);
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 0), ==, "last");
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 1), ==, "");
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 7), ==, "");
  g_assert_cmpuint (cst_csv_reader_get_line (reader), ==, 6);
  g_assert_cmpuint (cst_csv_reader_get_record (reader), ==, 4);

  g_assert_false (cst_csv_reader_next (reader, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cst_csv_reader_get_offset (reader), ==, cst_csv_reader_get_size (reader));
}

/* Records read at once (whole plain lines) and byte by byte (quotes, lines across the end of
 * the reader's 256 KiB buffer, empty lines, the last line without its line end) give the
 * fields, raw bytes and line numbers the file holds. */
static void
test_csv_plain_and_quoted (void)
{
  g_autoptr(GString) text = g_string_new ("id,name,amount,note\n");
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(CstCsvReader) reader = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cst-csv-XXXXXX", &error);
  g_autofree char *path = NULL;
  guint64 line = 2;
  guint n = 0;

  g_assert_no_error (error);
  for (guint r = 0; r < 12000; r++)
    {
      char **fields = g_new0 (char *, 5);

      fields[0] = g_strdup_printf ("%u", r);
      fields[1] = g_strdup (r % 3 == 0 ? "Zoë Müller" : r % 7 == 0 ? "Smith, Ann" : "Ann");
      fields[2] = g_strdup_printf ("%u.%02u", r * 7, r % 100);
      fields[3] = g_strdup (r % 11 == 0 ? "" : r % 13 == 0 ? "said \"hi\"" : "ok");
      for (guint f = 0; f < 4; f++)
        {
          gboolean quote = strpbrk (fields[f], ",\"") != NULL;

          if (f > 0)
            g_string_append_c (text, ',');
          if (quote)
            {
              g_autofree char *doubled = NULL;
              g_auto(GStrv) parts = g_strsplit (fields[f], "\"", -1);

              doubled = g_strjoinv ("\"\"", parts);
              g_string_append_printf (text, "\"%s\"", doubled);
            }
          else
            g_string_append (text, fields[f]);
        }
      /* CRLF on every other line, no line end at all after the last one. */
      if (r + 1 < 12000)
        g_string_append (text, r % 2 ? "\r\n" : "\n");
      g_ptr_array_add (expected, fields);
      g_array_append_val (lines, line);
      line++;
      if (r % 97 == 0 && r + 1 < 12000)
        {
          g_string_append_c (text, '\n');
          line++;
        }
    }
  g_assert_cmpuint (text->len, >, 256 * 1024);

  path = g_build_filename (dir, "mixed.csv", NULL);
  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
  reader = cst_csv_reader_new (path, ',', &error);
  g_assert_no_error (error);

  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 3), ==, "note");
  while (cst_csv_reader_next (reader, &error))
    {
      char **fields = g_ptr_array_index (expected, n);

      g_assert_cmpuint (cst_csv_reader_get_n_fields (reader), ==, 4);
      for (guint f = 0; f < 4; f++)
        g_assert_cmpstr (cst_csv_reader_get_field (reader, f), ==, fields[f]);
      g_assert_cmpuint (cst_csv_reader_get_line (reader), ==, g_array_index (lines, guint64, n));
      if (strpbrk (cst_csv_reader_get_raw (reader, NULL), "\"\r") == NULL)
        {
          g_autofree char *joined = g_strjoinv (",", fields);

          g_assert_cmpstr (cst_csv_reader_get_raw (reader, NULL), ==, joined);
        }
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 12000);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_csv_bom (void)
{
  g_autofree char *path = fixture ("bom.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstCsvReader) reader = cst_csv_reader_new (path, ',', &error);

  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 0), ==, "name");
}

static void
test_csv_errors (void)
{
  g_autofree char *unterminated = fixture ("unterminated.csv");
  g_autofree char *latin1 = fixture ("latin1.csv");
  g_autofree char *missing = fixture ("does-not-exist.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstCsvReader) reader = NULL;

  reader = cst_csv_reader_new (missing, ',', &error);
  g_assert_null (reader);
  g_assert_error (error, CST_CSV_ERROR, CST_CSV_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "does-not-exist.csv"));
  g_clear_error (&error);

  /* The message names the file and the line where the quote opened. */
  reader = cst_csv_reader_new (unterminated, ',', &error);
  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_false (cst_csv_reader_next (reader, &error));
  g_assert_error (error, CST_CSV_ERROR, CST_CSV_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "unterminated.csv, line 2"));
  g_clear_error (&error);
  g_clear_pointer (&reader, cst_csv_reader_free);

  reader = cst_csv_reader_new (latin1, ',', &error);
  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_false (cst_csv_reader_next (reader, &error));
  g_assert_error (error, CST_CSV_ERROR, CST_CSV_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "latin1.csv, line 2"));
}

static void
test_csv_real_data (void)
{
  g_autofree char *path = cst_test_shared_data ("telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(CstCsvReader) reader = NULL;
  guint64 n = 0;

  if (path == NULL)
    {
      g_test_skip ("The shared Telco churn data set is not available");
      return;
    }

  /* SOURCE.md of the data set: 7,043 customers and 21 columns. */
  reader = cst_csv_reader_new (path, ',', &error);
  g_assert_no_error (error);
  while (cst_csv_reader_next (reader, &error))
    {
      g_assert_cmpuint (cst_csv_reader_get_n_fields (reader), ==, 21);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 7043 + 1);
}

static void
test_csv_escape (void)
{
  const struct { const char *in; const char *out; } cases[] = {
    { "anna@example.org", "anna@example.org" },
    { "Müller, Jörg", "\"Müller, Jörg\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    /* Text a spreadsheet would run as a formula is defused with an apostrophe. */
    { "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
    { "+49 171 2345678", "'+49 171 2345678" },
    { "-5", "'-5" },
    { "@SUM(A1)", "'@SUM(A1)" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = cst_csv_escape_field (cases[i].in);

      g_assert_cmpstr (escaped, ==, cases[i].out);
    }
}

/* Reads every record of @reader into @rows as "line:f1|f2|…". */
static void
collect (CstCsvReader *reader,
         GPtrArray    *rows)
{
  g_autoptr(GError) error = NULL;

  while (cst_csv_reader_next (reader, &error))
    {
      g_autoptr(GString) row = g_string_new (NULL);

      g_string_printf (row, "%" G_GUINT64_FORMAT ":", cst_csv_reader_get_line (reader));
      for (guint i = 0; i < cst_csv_reader_get_n_fields (reader); i++)
        g_string_append_printf (row, "%s%s", i > 0 ? "|" : "", cst_csv_reader_get_field (reader, i));
      g_ptr_array_add (rows, g_string_free (g_steal_pointer (&row), FALSE));
    }
  g_assert_no_error (error);
}

/* A file cut into pieces at line ends reads, piece by piece, exactly as it reads whole: the
 * same records with the same line numbers, blank lines and CRLF included. A quote anywhere, or
 * a file too small, is not cut. */
static void
test_csv_chunks (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-csv-chunks-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "table.csv", NULL);
  g_autofree char *quoted = g_build_filename (dir, "quoted.csv", NULL);
  g_autoptr(GString) text = g_string_new ("a,b,c\r\n");
  g_autoptr(GPtrArray) whole = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GArray) chunks = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5000; i++)
    {
      g_string_append_printf (text, "%u,%u.5,x%u\r\n", i, i * 7, i % 13);
      if (i % 997 == 0)
        g_string_append (text, "\r\n");
    }
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));

  reader = cst_csv_reader_new (path, ',', &error);
  g_assert_no_error (error);
  collect (reader, whole);

  chunks = cst_csv_split (path, 3, 1024, &error);
  g_assert_no_error (error);
  g_assert_nonnull (chunks);
  g_assert_cmpuint (chunks->len, ==, 3);
  g_assert_cmpuint (g_array_index (chunks, CstCsvChunk, 0).first_line, ==, 1);
  for (guint i = 0; i < chunks->len; i++)
    {
      const CstCsvChunk *chunk = &g_array_index (chunks, CstCsvChunk, i);
      gsize size;
      const char *data = g_bytes_get_data (chunk->bytes, &size);
      g_autoptr(CstCsvReader) part = NULL;

      /* Each piece ends at a line end. */
      g_assert_cmpint (data[size - 1], ==, '\n');
      part = cst_csv_reader_new_for_chunk (chunk, path, ',');
      collect (part, pieces);
    }
  g_assert_cmpuint (pieces->len, ==, whole->len);
  for (guint i = 0; i < whole->len; i++)
    g_assert_cmpstr (g_ptr_array_index (pieces, i), ==, g_ptr_array_index (whole, i));

  /* Too small to be worth it, or a quote that may hide a line break: read whole. */
  g_assert_null (cst_csv_split (path, 3, text->len + 1, &error));
  g_assert_no_error (error);
  g_string_append (text, "1,\"two\nlines\",3\r\n");
  g_assert_true (g_file_set_contents (quoted, text->str, text->len, NULL));
  g_assert_null (cst_csv_split (quoted, 3, 1024, &error));
  g_assert_no_error (error);

  cst_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/csv/quoted", test_csv_quoted);
  g_test_add_func ("/cst/csv/plain-and-quoted", test_csv_plain_and_quoted);
  g_test_add_func ("/cst/csv/bom", test_csv_bom);
  g_test_add_func ("/cst/csv/errors", test_csv_errors);
  g_test_add_func ("/cst/csv/real-data", test_csv_real_data);
  g_test_add_func ("/cst/csv/escape", test_csv_escape);
  g_test_add_func ("/cst/csv/chunks", test_csv_chunks);

  return g_test_run ();
}
