/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-bench-csv"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "io/cst-csv-chunks.h"
#include "io/cst-csv.h"
#include "io/cst-parse.h"

/* The reader's side of issue 3's "Measured" targets. Reads a numeric CSV with the core's
 * streaming reader (cst_csv_reader_next) and parses every field, then prints one JSON line:
 * rows, columns, bytes, seconds, MB/s (10^6 bytes per second, as pandas users count them), the
 * sum of all values (so the compiler cannot skip the parsing, and both sides can be compared)
 * and the peak resident memory of the process (VmHWM).
 *
 *   columns FILE [parse|strtod]  fills one growing double array per column, like
 *                                pandas.read_csv's typed columns; parse (default) reads
 *                                each field with cst_parse_number, strtod with g_ascii_strtod
 *   pieces FILE [parse|strtod]   like columns, on every core: the file cut at line ends
 *                                (cst_csv_split()), one reader per piece, the pieces' columns
 *                                joined at the end — the way constellate-cli segment reads
 *   stream FILE [parse|strtod]   parses every field but keeps nothing: the reader's own
 *                                memory, which must not grow with the size of the file
 *
 * Usage: cst-bench-csv columns|pieces|stream FILE [parse|strtod] */

typedef struct
{
  double *values;
  gsize   capacity;
} Column;

/* VmHWM from /proc/self/status in KiB, or -1 where there is no such file. */
static gint64
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("VmHWM:"), NULL, 10);
}

static inline gboolean
parse_field (const char *text,
             gboolean    use_strtod,
             double     *out)
{
  char *end;

  if (!use_strtod)
    return cst_parse_number (text, '.', '\0', out, NULL);
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

typedef struct
{
  CstCsvReader *reader;
  Column       *columns;
  guint         n_columns;
  gboolean      keep;
  gboolean      use_strtod;
  gsize         rows;
  double        sum;
  GError       *error;
} Piece;

/* Reads every record of the piece's reader into its columns. */
static gpointer
read_piece (gpointer data)
{
  Piece *piece = data;

  while (cst_csv_reader_next (piece->reader, &piece->error))
    {
      if (cst_csv_reader_get_n_fields (piece->reader) != piece->n_columns)
        {
          g_set_error (&piece->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "line %" G_GUINT64_FORMAT ": %u fields, expected %u",
                       cst_csv_reader_get_line (piece->reader),
                       cst_csv_reader_get_n_fields (piece->reader), piece->n_columns);
          return NULL;
        }
      for (guint c = 0; c < piece->n_columns; c++)
        {
          Column *column = &piece->columns[c];
          double value;

          if (!parse_field (cst_csv_reader_get_field (piece->reader, c), piece->use_strtod, &value))
            value = NAN;
          piece->sum += value;
          if (!piece->keep)
            continue;
          /* Doubling keeps the copies linear in the number of rows, as pandas' chunks do. */
          if (piece->rows == column->capacity)
            {
              column->capacity = MAX (1024, 2 * column->capacity);
              column->values = g_renew (double, column->values, column->capacity);
            }
          column->values[piece->rows] = value;
        }
      piece->rows++;
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GArray) chunks = NULL;
  g_autofree Piece *pieces = NULL;
  g_autofree GThread **threads = NULL;
  guint n_pieces;
  gboolean pieces_mode;
  g_autoptr(GError) error = NULL;
  g_autofree Column *columns = NULL;
  gboolean keep, use_strtod = FALSE;
  guint n_columns;
  gsize rows = 0;
  double sum = 0;
  gint64 start;
  double seconds;
  GStatBuf st;

  if (argc < 3 || argc > 4 ||
      (!g_str_equal (argv[1], "columns") && !g_str_equal (argv[1], "pieces") &&
       !g_str_equal (argv[1], "stream")) ||
      (argc == 4 && !g_str_equal (argv[3], "parse") && !g_str_equal (argv[3], "strtod")))
    {
      g_printerr ("Usage: cst-bench-csv columns|pieces|stream FILE [parse|strtod]\n");
      return 2;
    }
  pieces_mode = g_str_equal (argv[1], "pieces");
  keep = !g_str_equal (argv[1], "stream");
  use_strtod = argc == 4 && g_str_equal (argv[3], "strtod");
  if (g_stat (argv[2], &st) != 0)
    {
      g_printerr ("cst-bench-csv: cannot read %s\n", argv[2]);
      return 1;
    }

  /* The clock starts before the file is opened, as pandas' does. */
  start = g_get_monotonic_time ();
  if (pieces_mode)
    chunks = cst_csv_split (argv[2], g_get_num_processors (), 0, &error);
  n_pieces = chunks != NULL ? chunks->len : 1;
  pieces = g_new0 (Piece, n_pieces);
  for (guint i = 0; i < n_pieces; i++)
    {
      pieces[i].reader = chunks != NULL
                         ? cst_csv_reader_new_for_chunk (&g_array_index (chunks, CstCsvChunk, i), argv[2], ',')
                         : cst_csv_reader_new (argv[2], ',', &error);
      if (pieces[i].reader == NULL)
        {
          g_printerr ("cst-bench-csv: %s\n", error->message);
          return 1;
        }
    }
  if (!cst_csv_reader_next (pieces[0].reader, &error))
    {
      g_printerr ("cst-bench-csv: %s\n", error != NULL ? error->message : "empty file");
      return 1;
    }
  n_columns = cst_csv_reader_get_n_fields (pieces[0].reader);
  for (guint i = 0; i < n_pieces; i++)
    {
      pieces[i].columns = g_new0 (Column, n_columns);
      pieces[i].n_columns = n_columns;
      pieces[i].keep = keep;
      pieces[i].use_strtod = use_strtod;
    }
  threads = g_new0 (GThread *, n_pieces);
  for (guint i = 1; i < n_pieces; i++)
    threads[i] = g_thread_new ("piece", read_piece, &pieces[i]);
  read_piece (&pieces[0]);
  for (guint i = 1; i < n_pieces; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < n_pieces; i++)
    {
      if (pieces[i].error != NULL)
        {
          g_printerr ("cst-bench-csv: %s\n", pieces[i].error->message);
          return 1;
        }
      rows += pieces[i].rows;
      sum += pieces[i].sum;
    }
  /* One typed array per column, as pandas returns them: the pieces' columns joined. */
  columns = g_new0 (Column, n_columns);
  if (keep && n_pieces == 1)
    memcpy (columns, pieces[0].columns, sizeof (Column) * n_columns);
  else if (keep)
    for (guint c = 0; c < n_columns; c++)
      {
        gsize at = 0;

        columns[c].capacity = rows;
        columns[c].values = g_new (double, MAX (rows, 1));
        for (guint i = 0; i < n_pieces; i++)
          {
            memcpy (columns[c].values + at, pieces[i].columns[c].values, sizeof (double) * pieces[i].rows);
            at += pieces[i].rows;
            g_free (pieces[i].columns[c].values);
          }
      }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  printf ("{\"side\":\"constellate\",\"mode\":\"%s\",\"parser\":\"%s\",\"rows\":%" G_GSIZE_FORMAT
          ",\"columns\":%u,\"bytes\":%" G_GINT64_FORMAT ",\"seconds\":%.4f,\"mb_per_s\":%.1f,"
          "\"sum\":%.6f,\"peak_rss_kib\":%" G_GINT64_FORMAT "}\n",
          argv[1], use_strtod ? "g_ascii_strtod" : "cst_parse_number", rows, n_columns,
          (gint64) st.st_size, seconds, st.st_size / 1e6 / seconds, sum, peak_rss_kib ());

  for (guint c = 0; c < n_columns; c++)
    g_free (columns[c].values);
  for (guint i = 0; i < n_pieces; i++)
    {
      cst_csv_reader_free (pieces[i].reader);
      g_free (pieces[i].columns);
    }
  return 0;
}
