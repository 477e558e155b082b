/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-bench-gen"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>
#include <glib/gstdio.h>

/* Writes the benchmark table: ROWS rows of COLS numbers drawn from K spherical Gaussian blobs
 * (unit standard deviation, centres uniform in [−SPREAD, SPREAD]^COLS), all from one GRand seeded
 * with SEED, so the same arguments give the same file byte for byte on every machine. The file is
 * written next to its destination and renamed into place, so an interrupted run never leaves a
 * truncated table that later runs would take as complete.
 *
 * Usage: cst-bench-gen OUT.csv ROWS COLS K SEED SPREAD */

static double
gaussian (GRand *rand)
{
  double u1 = 1.0 - g_rand_double (rand); /* (0, 1], so log() is finite */
  double u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static guint64
parse_arg (const char *text,
           guint64     min,
           guint64     max)
{
  g_autoptr(GError) error = NULL;
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, &error))
    {
      g_printerr ("cst-bench-gen: %s\n", error->message);
      exit (2);
    }
  return value;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GRand) rand = NULL;
  g_autofree double *centres = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *buffer = NULL;
  guint64 rows, cols, k, seed;
  double spread;
  char *end;
  FILE *out;

  if (argc != 7)
    {
      g_printerr ("Usage: cst-bench-gen OUT.csv ROWS COLS K SEED SPREAD\n");
      return 2;
    }

  rows = parse_arg (argv[2], 1, G_MAXUINT32);
  cols = parse_arg (argv[3], 1, 4096);
  k = parse_arg (argv[4], 1, 4096);
  seed = parse_arg (argv[5], 0, G_MAXUINT32);
  spread = g_ascii_strtod (argv[6], &end);
  if (end == argv[6] || *end != '\0' || !(spread >= 0.0 && spread < 1e6))
    {
      g_printerr ("cst-bench-gen: SPREAD must be a number in [0, 1e6)\n");
      return 2;
    }

  rand = g_rand_new_with_seed ((guint32) seed);
  centres = g_new (double, k * cols);
  for (guint64 c = 0; c < k * cols; c++)
    centres[c] = g_rand_double_range (rand, -spread, spread);

  tmp = g_strdup_printf ("%s.tmp", argv[1]);
  out = g_fopen (tmp, "wb");
  if (out == NULL)
    {
      g_printerr ("cst-bench-gen: %s: %s\n", tmp, g_strerror (errno));
      return 1;
    }
  buffer = g_malloc (1 << 20);
  setvbuf (out, buffer, _IOFBF, 1 << 20);

  for (guint64 j = 0; j < cols; j++)
    fprintf (out, "%sx%" G_GUINT64_FORMAT, j > 0 ? "," : "", j + 1);
  fputc ('\n', out);

  for (guint64 i = 0; i < rows; i++)
    {
      guint64 blob = (guint64) g_rand_int_range (rand, 0, (gint32) k);

      for (guint64 j = 0; j < cols; j++)
        {
          double v = centres[blob * cols + j] + gaussian (rand);

          /* Five decimals, printed in the C locale's format: enough to make ties rare. */
          fprintf (out, "%s%.5f", j > 0 ? "," : "", v);
        }
      fputc ('\n', out);
    }

  if (fclose (out) != 0)
    {
      g_printerr ("cst-bench-gen: %s: %s\n", tmp, g_strerror (errno));
      g_unlink (tmp);
      return 1;
    }

  if (g_rename (tmp, argv[1]) != 0)
    {
      g_printerr ("cst-bench-gen: %s: %s\n", argv[1], g_strerror (errno));
      g_unlink (tmp);
      return 1;
    }

  return 0;
}
