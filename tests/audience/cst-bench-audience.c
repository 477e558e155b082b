/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "audience/cst-audience.h"

/* Benchmark export-1m: 1,000,000 generated people through the export writer, once as a CSV of
 * the default columns and once as a Google Customer Match hashed list (email normalization,
 * E.164 phone normalization and two SHA-256 per row). The store is not involved: this measures
 * the writer every export ends in. Prints one JSON line. */

#define N_PEOPLE 1000000

static const char *first_names[] = { "Anna", "Lukas", "Marie", "Jonas", "Sophie", "Leon", "Emma", "Paul",
                                     "Mia", "Felix", "Lena", "Noah", "Julien", "Giuseppe", "Ayşe", "Zoë" };
static const char *last_names[] = { "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
                                    "Becker", "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf" };
static const char *domains[] = { "gmail.com", "gmx.de", "web.de", "t-online.de", "example.org" };

static double
run (CstExportFormat  format,
     const char      *path,
     guint64         *bytes)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstAudienceWriter) writer = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  char email[96], phone[32];

  writer = cst_audience_writer_new (path, format, CST_HASHED_GOOGLE, NULL, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      const char *first = first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))];
      const char *last = last_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (last_names))];
      CstAudienceMember m = {
        .person_id = i + 1,
        .first_name = first,
        .last_name = last,
        .country = "DE",
        .consent = 1,
        .orders = g_rand_int_range (rand, 1, 40),
        .total_spend = g_rand_double_range (rand, 5, 4000),
        .last_order = 1735689600 + g_rand_int_range (rand, 0, 3e7),
      };

      g_snprintf (email, sizeof email, "%s.%s%u@%s", first, last, i,
                  domains[g_rand_int_range (rand, 0, G_N_ELEMENTS (domains))]);
      g_snprintf (phone, sizeof phone, i % 2 ? "+49 17%u %07u" : "017%u %07u", g_rand_int_range (rand, 0, 10),
                  g_rand_int_range (rand, 0, 10000000));
      m.email = email;
      m.phone = phone;
      g_assert_true (cst_audience_writer_add (writer, &m, "Loyal big spenders", NULL, &error));
    }
  g_assert_true (cst_audience_writer_finish (writer, bytes, &error));
  g_assert_no_error (error);
  return g_timer_elapsed (timer, NULL);
}

int
main (void)
{
  g_autofree char *dir = g_dir_make_tmp ("constellate-bench-audience-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "audience.csv", NULL);
  g_autofree char *hashed = g_build_filename (dir, "audience-hashed.csv", NULL);
  guint64 csv_bytes = 0, hashed_bytes = 0;
  double csv_seconds, hashed_seconds;

  csv_seconds = run (CST_EXPORT_CSV, csv, &csv_bytes);
  hashed_seconds = run (CST_EXPORT_HASHED, hashed, &hashed_bytes);
  printf ("{\"people\":%d,\"source\":\"generated rows, no project\","
          "\"csv_seconds\":%.3f,\"csv_mb\":%.1f,\"csv_mb_per_s\":%.1f,\"csv_rows_per_s\":%.0f,"
          "\"hashed_seconds\":%.3f,\"hashed_mb\":%.1f,\"hashed_mb_per_s\":%.1f,\"hashed_rows_per_s\":%.0f}\n",
          N_PEOPLE, csv_seconds, csv_bytes / 1e6, csv_bytes / 1e6 / csv_seconds, N_PEOPLE / csv_seconds,
          hashed_seconds, hashed_bytes / 1e6, hashed_bytes / 1e6 / hashed_seconds, N_PEOPLE / hashed_seconds);
  g_unlink (csv);
  g_unlink (hashed);
  g_rmdir (dir);
  return 0;
}
