/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

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
