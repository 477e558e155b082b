/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Ascending order for qsort(), bsearch() and g_array_sort(): doubles (no NaN expected) and
 * 64-bit integers such as person and record ids. */
static inline int
cst_compare_doubles (gconstpointer a,
                     gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static inline int
cst_compare_int64 (gconstpointer a,
                   gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

G_END_DECLS
