/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-link-csv"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cst-link-csv.h"
#include "io/cst-csv.h"
#include "io/cst-infer.h"
#include "io/cst-sniff.h"

#define MAX_OTHER_COLUMNS 6

typedef struct
{
  CstSniffResult *sniff;
  int             id_field;
  int             keep_field;
  int             fields[CST_LINK_MAX_COLUMNS];  /* link column → field of this file, or −1 */
} FilePlan;

static void
file_plan_clear (FilePlan *plan)
{
  g_clear_pointer (&plan->sniff, cst_sniff_result_free);
}

static gboolean
same_name (const char *a,
           const char *b)
{
  g_autofree char *x = g_strstrip (g_strdup (a));
  g_autofree char *y = g_strstrip (g_strdup (b));

  return g_ascii_strcasecmp (x, y) == 0;
}

static gboolean
is_house_number (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  g_strdelimit (lower, "_-.", ' ');
  g_strstrip (lower);
  return g_str_equal (lower, "street number") || g_str_equal (lower, "house number") ||
         g_str_equal (lower, "hausnummer") || g_str_equal (lower, "housenumber") ||
         g_str_equal (lower, "number");
}

static CstLinkKind
kind_of_role (CstRole role)
{
  switch (role)
    {
    case CST_ROLE_CUSTOMER_KEY: return CST_LINK_CUSTOMER_KEY;
    case CST_ROLE_EMAIL: return CST_LINK_EMAIL;
    case CST_ROLE_PHONE: return CST_LINK_PHONE;
    case CST_ROLE_FIRST_NAME: return CST_LINK_FIRST_NAME;
    case CST_ROLE_LAST_NAME: return CST_LINK_LAST_NAME;
    case CST_ROLE_FULL_NAME: return CST_LINK_FULL_NAME;
    case CST_ROLE_STREET: return CST_LINK_STREET;
    case CST_ROLE_POSTCODE: return CST_LINK_POSTCODE;
    case CST_ROLE_CITY: return CST_LINK_CITY;
    case CST_ROLE_BIRTH_DATE: return CST_LINK_BIRTH_DATE;
    default: return CST_LINK_N_KINDS;
    }
}

CstLinkData *
cst_link_data_new_from_csv (const char * const  *paths,
                            const char          *id_column,
                            const char          *keep_column,
                            GPtrArray          **kept,
                            const char          *default_region,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_autoptr(CstLinkData) data = cst_link_data_new (default_region);
  g_autoptr(GArray) plans = g_array_new (FALSE, TRUE, sizeof (FilePlan));
  g_autoptr(GPtrArray) keep_values = g_ptr_array_new_with_free_func (g_free);
  CstLinkKind kinds[CST_LINK_MAX_COLUMNS];
  char *names[CST_LINK_MAX_COLUMNS];
  guint n_columns = 0, n_other = 0;
  gboolean id_found = FALSE;

  g_return_val_if_fail (paths != NULL, NULL);
  g_array_set_clear_func (plans, (GDestroyNotify) file_plan_clear);

  /* First pass: every file's header and roles, to agree on one set of columns. */
  for (guint f = 0; paths[f] != NULL; f++)
    {
      FilePlan plan = { NULL, -1, -1, { 0 } };
      g_autoptr(CstInference) inference = NULL;

      plan.sniff = cst_sniff_file (paths[f], error);
      if (plan.sniff == NULL)
        return NULL;
      g_array_append_val (plans, plan);
      inference = cst_infer_columns (plan.sniff);
      for (guint i = 0; i < CST_LINK_MAX_COLUMNS; i++)
        g_array_index (plans, FilePlan, f).fields[i] = -1;

      for (guint c = 0; c < inference->n_columns; c++)
        {
          const CstColumnInference *col = &inference->columns[c];
          const char *name = plan.sniff->has_header ? plan.sniff->header[c] : col->name;
          CstLinkKind kind = kind_of_role (col->role);
          guint slot;

          if (id_column != NULL && same_name (name, id_column))
            {
              g_array_index (plans, FilePlan, f).id_field = c;
              continue;
            }
          if (keep_column != NULL && same_name (name, keep_column))
            {
              g_array_index (plans, FilePlan, f).keep_field = c;
              continue;
            }
          if (is_house_number (name))
            kind = CST_LINK_HOUSE_NUMBER;
          if (kind == CST_LINK_N_KINDS)
            {
              guint sampled = col->n_values + col->n_empty;

              if (col->role != CST_ROLE_NONE && col->role != CST_ROLE_COUNTRY)
                continue;  /* orders, amounts, events: not about who someone is */
              if (col->type == CST_COLUMN_TYPE_EMPTY || col->type == CST_COLUMN_TYPE_BOOLEAN ||
                  col->type == CST_COLUMN_TYPE_MONEY || col->type == CST_COLUMN_TYPE_DECIMAL ||
                  col->type == CST_COLUMN_TYPE_DATETIME || sampled == 0 ||
                  col->n_values * 2 < sampled || col->n_distinct < 2)
                continue;
              kind = CST_LINK_OTHER;
            }

          /* The same role (or other column name) in an earlier file shares its column. */
          for (slot = 0; slot < n_columns; slot++)
            if (kinds[slot] == kind && (kind != CST_LINK_OTHER || same_name (names[slot], name)))
              break;
          if (slot == n_columns)
            {
              if (n_columns == CST_LINK_MAX_COLUMNS || (kind == CST_LINK_OTHER && n_other == MAX_OTHER_COLUMNS))
                continue;
              n_other += kind == CST_LINK_OTHER;
              kinds[n_columns] = kind;
              names[n_columns] = g_strstrip (g_strdup (name));
              n_columns++;
            }
          if (g_array_index (plans, FilePlan, f).fields[slot] < 0)
            g_array_index (plans, FilePlan, f).fields[slot] = c;
        }
      id_found |= g_array_index (plans, FilePlan, f).id_field >= 0;
    }
  /* A file without the id column (an order export beside a CRM) numbers its rows instead. */
  if (id_column != NULL && !id_found)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("No input file has a column named “%s”."), id_column);
      for (guint i = 0; i < n_columns; i++)
        g_free (names[i]);
      return NULL;
    }
  for (guint i = 0; i < n_columns; i++)
    {
      cst_link_data_add_column (data, kinds[i], names[i]);
      g_free (names[i]);
    }

  /* Second pass: the records. */
  for (guint f = 0; paths[f] != NULL; f++)
    {
      FilePlan *plan = &g_array_index (plans, FilePlan, f);
      g_autofree char *base = g_path_get_basename (paths[f]);
      g_autoptr(GInputStream) stream = NULL;
      g_autoptr(CstCsvReader) reader = NULL;
      g_autoptr(GFile) file = g_file_new_for_path (paths[f]);
      g_autoptr(GFileInfo) info = NULL;
      guint source = cst_link_data_add_source (data, base);
      gint64 row = 0;
      GError *local_error = NULL;

      stream = cst_sniff_open_utf8 (paths[f], plan->sniff->encoding, cancellable, error);
      if (stream == NULL)
        return NULL;
      info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, cancellable, NULL);
      reader = cst_csv_reader_new_for_stream (stream, paths[f], info != NULL ? g_file_info_get_size (info) : -1,
                                              plan->sniff->delimiter);
      if (plan->sniff->has_header && !cst_csv_reader_next (reader, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return NULL;
            }
          continue;
        }
      while (cst_csv_reader_next (reader, &local_error))
        {
          char *stripped[CST_LINK_MAX_COLUMNS] = { NULL };
          const char *values[CST_LINK_MAX_COLUMNS] = { NULL };
          guint nf = cst_csv_reader_get_n_fields (reader);
          g_autofree char *label = NULL;

          row++;
          for (guint c = 0; c < n_columns; c++)
            if (plan->fields[c] >= 0 && (guint) plan->fields[c] < nf)
              {
                stripped[c] = g_strstrip (g_strdup (cst_csv_reader_get_field (reader, plan->fields[c])));
                values[c] = stripped[c];
              }
          if (plan->id_field >= 0 && (guint) plan->id_field < nf)
            label = g_strstrip (g_strdup (cst_csv_reader_get_field (reader, plan->id_field)));
          else
            label = g_strdup_printf ("%" G_GINT64_FORMAT, row);
          if (kept != NULL)
            g_ptr_array_add (keep_values,
                             plan->keep_field >= 0 && (guint) plan->keep_field < nf
                               ? g_strstrip (g_strdup (cst_csv_reader_get_field (reader, plan->keep_field)))
                               : g_strdup (""));
          cst_link_data_add_record (data, source, row, label, values);
          for (guint c = 0; c < n_columns; c++)
            g_free (stripped[c]);
          if ((row & 0xffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
        }
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }
  if (kept != NULL)
    *kept = g_steal_pointer (&keep_values);
  return g_steal_pointer (&data);
}
