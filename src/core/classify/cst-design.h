/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CstDesign:
 * @x: @n × @p values, row-major, NAN for a missing number
 * @y: @n outcomes, 1 where the target column holds @positive
 * @names: @p feature names: a numeric column's header, or `column=value` for one level of a
 *   one-hot encoded categorical column
 * @lines: @n line numbers of the rows in the file (for messages and score files)
 * @dropped: names of the columns left out
 * @dropped_reasons: for each of @dropped, why (a translated sentence)
 * @positive: the target value counted as the positive outcome
 * @n_columns: columns in the file, the target included
 *
 * A CSV table made ready for a classifier: numeric columns as numbers, categorical columns
 * (at most 50 distinct values) one-hot encoded, identifier-like columns (nearly every value
 * distinct) dropped.
 */
typedef struct
{
  double    *x;
  guint8    *y;
  gsize      n;
  gsize      p;
  GPtrArray *names;
  guint64   *lines;
  GPtrArray *dropped;
  GPtrArray *dropped_reasons;
  char      *positive;
  guint      n_columns;
} CstDesign;

/* Reads @path (encoding, separator and decimal comma sniffed) with @target as the outcome.
 * @positive: (nullable): the positive value; by default the first of "Yes", "yes", "1",
 * "true", "True" present in the column. Errors name the file, line and column. */
CstDesign *cst_design_read_csv (const char    *path,
                                const char    *target,
                                const char    *positive,
                                GCancellable  *cancellable,
                                GError       **error);
void       cst_design_free     (CstDesign     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstDesign, cst_design_free)

G_END_DECLS
