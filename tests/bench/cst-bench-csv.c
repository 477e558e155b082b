/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-bench-csv"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

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
 *   stream FILE [parse|strtod]   parses every field but keeps nothing: the reader's own
 *                                memory, which must not grow with the size of the file
 *
 * Usage: cst-bench-csv columns|stream FILE [parse|strtod] */

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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CstCsvReader) reader = NULL;
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
      (!g_str_equal (argv[1], "columns") && !g_str_equal (argv[1], "stream")) ||
      (argc == 4 && !g_str_equal (argv[3], "parse") && !g_str_equal (argv[3], "strtod")))
    {
      g_printerr ("Usage: cst-bench-csv columns|stream FILE [parse|strtod]\n");
      return 2;
    }
  keep = g_str_equal (argv[1], "columns");
  use_strtod = argc == 4 && g_str_equal (argv[3], "strtod");
  if (g_stat (argv[2], &st) != 0)
    {
      g_printerr ("cst-bench-csv: cannot read %s\n", argv[2]);
      return 1;
    }

  /* The clock starts before the file is opened, as pandas' does. */
  start = g_get_monotonic_time ();
  reader = cst_csv_reader_new (argv[2], ',', &error);
  if (reader == NULL || !cst_csv_reader_next (reader, &error))
    {
      g_printerr ("cst-bench-csv: %s\n", error != NULL ? error->message : "empty file");
      return 1;
    }
  n_columns = cst_csv_reader_get_n_fields (reader);
  columns = g_new0 (Column, n_columns);

  while (cst_csv_reader_next (reader, &error))
    {
      if (cst_csv_reader_get_n_fields (reader) != n_columns)
        {
          g_printerr ("cst-bench-csv: line %" G_GUINT64_FORMAT ": %u fields, expected %u\n",
                      cst_csv_reader_get_line (reader), cst_csv_reader_get_n_fields (reader),
                      n_columns);
          return 1;
        }
      for (guint c = 0; c < n_columns; c++)
        {
          double value;

          if (!parse_field (cst_csv_reader_get_field (reader, c), use_strtod, &value))
            value = NAN;
          sum += value;
          if (!keep)
            continue;
          /* Doubling keeps the copies linear in the number of rows, as pandas' chunks do. */
          if (rows == columns[c].capacity)
            {
              columns[c].capacity = MAX (1024, 2 * columns[c].capacity);
              columns[c].values = g_renew (double, columns[c].values, columns[c].capacity);
            }
          columns[c].values[rows] = value;
        }
      rows++;
    }
  if (error != NULL)
    {
      g_printerr ("cst-bench-csv: %s\n", error->message);
      return 1;
    }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  printf ("{\"side\":\"constellate\",\"mode\":\"%s\",\"parser\":\"%s\",\"rows\":%" G_GSIZE_FORMAT
          ",\"columns\":%u,\"bytes\":%" G_GINT64_FORMAT ",\"seconds\":%.4f,\"mb_per_s\":%.1f,"
          "\"sum\":%.6f,\"peak_rss_kib\":%" G_GINT64_FORMAT "}\n",
          argv[1], use_strtod ? "g_ascii_strtod" : "cst_parse_number", rows, n_columns,
          (gint64) st.st_size, seconds, st.st_size / 1e6 / seconds, sum, peak_rss_kib ());

  for (guint c = 0; c < n_columns; c++)
    g_free (columns[c].values);
  return 0;
}
