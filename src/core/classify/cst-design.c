/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-design"

#include "config.h"

#include "cst-design.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "io/cst-csv.h"
#include "io/cst-parse.h"
#include "io/cst-sniff.h"

/* One streaming pass keeps, per cell, the number it reads as (NAN if none) and the index of
 * its distinct text within the column; the column kinds are decided at the end, when every
 * value has been seen. Distinct values are tracked up to MAX_TRACKED per column, enough to
 * tell a categorical column from an identifier. */

#define MAX_TRACKED     5000
#define MAX_LEVELS      50
#define NO_LEVEL        G_MAXUINT32

typedef struct
{
  char       *name;
  gboolean    numeric;      /* every non-missing value read as a number */
  gsize       n_values;     /* non-missing */
  GHashTable *levels;       /* text → index + 1 */
  GPtrArray  *level_names;  /* in order of first appearance */
  gboolean    overflow;     /* more than MAX_TRACKED distinct values */
  gboolean    dates;        /* every value that is not a number reads as a date */
} Column;

static void
column_clear (Column *column)
{
  g_free (column->name);
  g_clear_pointer (&column->levels, g_hash_table_unref);
  g_clear_pointer (&column->level_names, g_ptr_array_unref);
}

static gboolean
looks_like_id_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  gsize len = strlen (lower);

  return g_str_equal (lower, "id") || (len > 2 && g_str_has_suffix (lower, "id"));
}

void
cst_design_free (CstDesign *self)
{
  if (self == NULL)
    return;
  g_free (self->x);
  g_free (self->y);
  g_free (self->lines);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->dropped, g_ptr_array_unref);
  g_clear_pointer (&self->dropped_reasons, g_ptr_array_unref);
  g_free (self->positive);
  g_free (self);
}

static void
drop (CstDesign  *self,
      const char *name,
      char       *reason)
{
  g_ptr_array_add (self->dropped, g_strdup (name));
  g_ptr_array_add (self->dropped_reasons, reason);
}

CstDesign *
cst_design_read_csv (const char    *path,
                     const char    *target,
                     const char    *positive,
                     GCancellable  *cancellable,
                     GError       **error)
{
  static const char * const default_positives[] = { "Yes", "yes", "YES", "1", "true", "True",
                                                    "TRUE" };
  g_autoptr(CstDesign) self = NULL;
  g_autoptr(CstSniffResult) sniff = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(CstCsvReader) reader = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) codes = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree Column *columns = NULL;
  GError *local_error = NULL;
  guint m;
  guint target_index = G_MAXUINT;
  guint positive_code = NO_LEVEL;
  gsize n = 0;
  GStatBuf st;

  g_return_val_if_fail (path != NULL && target != NULL, NULL);

  sniff = cst_sniff_file (path, error);
  if (sniff == NULL)
    return NULL;
  m = sniff->n_columns;

  stream = cst_sniff_open_utf8 (path, sniff->encoding, cancellable, error);
  if (stream == NULL)
    return NULL;
  reader = cst_csv_reader_new_for_stream (stream, path, g_stat (path, &st) == 0 ? st.st_size : 0,
                                          sniff->delimiter);
  if (sniff->has_header && !cst_csv_reader_next (reader, error))
    return NULL;

  columns = g_new0 (Column, MAX (m, 1));
  for (guint c = 0; c < m; c++)
    {
      columns[c].name = g_strdup (sniff->header[c]);
      columns[c].numeric = TRUE;
      columns[c].dates = TRUE;
      columns[c].levels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
      columns[c].level_names = g_ptr_array_new_with_free_func (g_free);
      if (g_str_equal (columns[c].name, target) && target_index == G_MAXUINT)
        target_index = c;
    }
  if (target_index == G_MAXUINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("%s: no column named “%s” in the header"), display, target);
      goto fail;
    }

  while (cst_csv_reader_next (reader, &local_error))
    {
      guint n_fields = cst_csv_reader_get_n_fields (reader);
      guint64 line = cst_csv_reader_get_line (reader);

      if (n % 4096 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
      if (n_fields == 1 && *cst_csv_reader_get_field (reader, 0) == '\0')
        continue;   /* a blank line */
      if (n_fields != m)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s, line %lu: %u fields where the header has %u"),
                       display, (gulong) line, n_fields, m);
          goto fail;
        }

      for (guint c = 0; c < m; c++)
        {
          const char *text = cst_csv_reader_get_field (reader, c);
          Column *column = &columns[c];
          double value = NAN;
          guint32 code = NO_LEVEL;

          if (!cst_parse_is_na (text))
            {
              gpointer found;

              column->n_values++;
              if (column->numeric &&
                  !cst_parse_number (text, sniff->decimal, sniff->thousands, &value, NULL))
                {
                  column->numeric = FALSE;
                  value = NAN;
                }
              if (!column->numeric && column->dates &&
                  cst_parse_date_fits (text, NULL) == CST_DATE_FORMAT_NONE)
                column->dates = FALSE;
              found = g_hash_table_lookup (column->levels, text);
              if (found != NULL)
                code = GPOINTER_TO_UINT (found) - 1;
              else if (column->level_names->len < MAX_TRACKED)
                {
                  char *copy = g_strdup (text);

                  code = column->level_names->len;
                  g_ptr_array_add (column->level_names, copy);
                  g_hash_table_insert (column->levels, copy, GUINT_TO_POINTER (code + 1));
                }
              else
                column->overflow = TRUE;
            }
          else if (c == target_index)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("%s, line %lu, column %u (“%s”): the outcome is empty"),
                           display, (gulong) line, c + 1, column->name);
              goto fail;
            }

          g_array_append_val (numbers, value);
          g_array_append_val (codes, code);
        }
      g_array_append_val (lines, line);
      n++;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      goto fail;
    }
  if (n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s has a header but no data rows"), display);
      goto fail;
    }

  self = g_new0 (CstDesign, 1);
  self->n = n;
  self->n_columns = m;
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->dropped = g_ptr_array_new_with_free_func (g_free);
  self->dropped_reasons = g_ptr_array_new_with_free_func (g_free);
  self->lines = g_memdup2 (lines->data, sizeof (guint64) * n);

  /* The outcome. */
  {
    Column *column = &columns[target_index];

    if (positive != NULL)
      {
        gpointer found = g_hash_table_lookup (column->levels, positive);

        if (found == NULL)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _("%s, column %u (“%s”): no row has the value “%s”"),
                         display, target_index + 1, column->name, positive);
            goto fail;
          }
        positive_code = GPOINTER_TO_UINT (found) - 1;
      }
    else
      for (guint k = 0; k < G_N_ELEMENTS (default_positives) && positive_code == NO_LEVEL; k++)
        {
          gpointer found = g_hash_table_lookup (column->levels, default_positives[k]);

          if (found != NULL)
            positive_code = GPOINTER_TO_UINT (found) - 1;
        }
    if (positive_code == NO_LEVEL)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("%s, column %u (“%s”): none of its values is Yes, 1 or true; say which "
                       "value is the positive outcome with --positive"),
                     display, target_index + 1, column->name);
        goto fail;
      }
    self->positive = g_strdup (g_ptr_array_index (column->level_names, positive_code));
    self->y = g_new (guint8, n);
    for (gsize i = 0; i < n; i++)
      self->y[i] = g_array_index (codes, guint32, i * m + target_index) == positive_code;
  }

  /* Column kinds, then the values. */
  {
    g_autofree int *kind = g_new0 (int, MAX (m, 1));   /* 0 dropped, 1 numeric, 2 one-hot */
    g_autofree gsize *offset = g_new0 (gsize, MAX (m, 1));
    gsize p = 0;

    for (guint c = 0; c < m; c++)
      {
        Column *column = &columns[c];
        gsize distinct = column->level_names->len;
        gboolean all_distinct = column->overflow || (distinct == column->n_values && distinct > 1);

        offset[c] = p;
        if (c == target_index)
          continue;
        if (column->n_values == 0)
          drop (self, column->name, g_strdup (_("every value is empty")));
        else if (column->numeric && looks_like_id_name (column->name) && all_distinct)
          drop (self, column->name, g_strdup (_("an identifier: every value is different")));
        else if (column->numeric)
          {
            kind[c] = 1;
            g_ptr_array_add (self->names, g_strdup (column->name));
            p++;
          }
        else if (column->dates)
          drop (self, column->name,
                g_strdup (_("dates: a model needs numbers such as the days since each date")));
        else if (column->overflow || (distinct > 20 && distinct * 2 > column->n_values))
          drop (self, column->name, g_strdup (_("an identifier: nearly every value is different")));
        else if (distinct > MAX_LEVELS)
          drop (self, column->name,
                g_strdup_printf (_("text with %zu different values, too many to compare"),
                                 distinct));
        else
          {
            kind[c] = 2;
            for (guint l = 0; l < distinct; l++)
              g_ptr_array_add (self->names,
                               g_strdup_printf ("%s=%s", column->name,
                                                (const char *) g_ptr_array_index (column->level_names, l)));
            p += distinct;
          }
      }

    self->p = p;
    self->x = g_new0 (double, MAX (n * p, 1));
    for (gsize i = 0; i < n; i++)
      {
        double *row = self->x + i * p;

        for (guint c = 0; c < m; c++)
          {
            if (kind[c] == 1)
              row[offset[c]] = g_array_index (numbers, double, i * m + c);
            else if (kind[c] == 2)
              {
                guint32 code = g_array_index (codes, guint32, i * m + c);

                if (code != NO_LEVEL)
                  row[offset[c] + code] = 1.0;
              }
          }
      }
  }

  for (guint c = 0; c < m; c++)
    column_clear (&columns[c]);
  return g_steal_pointer (&self);

fail:
  for (guint c = 0; c < m; c++)
    column_clear (&columns[c]);
  return NULL;
}
