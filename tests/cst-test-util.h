/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "io/cst-csv.h"

/* The shared real data sets (FEBRL, CDNOW, …) live beside the project by default; the
 * CONSTELLATE_SHARED_DATA environment variable points elsewhere. Tests that need them call
 * cst_test_shared_data() and skip when it returns NULL. */
static inline char *
cst_test_shared_data (const char *relative)
{
  const char *env = g_getenv ("CONSTELLATE_SHARED_DATA");
  g_autofree char *base = env != NULL ? g_strdup (env)
                                      : g_build_filename (CST_SOURCE_ROOT, "..", "shared", "data", NULL);
  g_autofree char *path = g_build_filename (base, relative, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  return g_steal_pointer (&path);
}

/* Removes a temporary folder of files made by a test. */
static inline void
cst_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);
      g_remove (file);
    }
  g_rmdir (dir);
}

/* The complete rows of the named numeric columns of the shared Telco churn data set, row-major,
 * or NULL (and a skipped test) when the data set is absent. TotalCharges is blank for 11 new
 * customers; those rows are left out. */
static inline GArray *
cst_test_load_telco_columns (const char * const *names,
                             guint               n_names)
{
  g_autofree char *path = cst_test_shared_data ("telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv");
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree int *index = g_new (int, n_names);
  g_autofree double *row = g_new (double, n_names);

  if (path == NULL)
    {
      g_test_skip ("shared data telco-churn not available");
      return NULL;
    }

  reader = cst_csv_reader_new (path, ',', &error);
  g_assert_no_error (error);
  g_assert_true (cst_csv_reader_next (reader, &error));
  for (guint c = 0; c < n_names; c++)
    {
      index[c] = -1;
      for (guint f = 0; f < cst_csv_reader_get_n_fields (reader); f++)
        if (g_str_equal (cst_csv_reader_get_field (reader, f), names[c]))
          index[c] = f;
      g_assert_cmpint (index[c], >=, 0);
    }

  while (cst_csv_reader_next (reader, &error))
    {
      gboolean complete = TRUE;

      for (guint c = 0; c < n_names; c++)
        {
          const char *field = cst_csv_reader_get_field (reader, index[c]);
          char *end;

          row[c] = g_ascii_strtod (field, &end);
          if (end == field || *end != '\0')
            complete = FALSE;
        }
      if (complete)
        g_array_append_vals (values, row, n_names);
    }
  g_assert_no_error (error);
  return g_steal_pointer (&values);
}
