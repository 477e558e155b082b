/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cst-cli.h"
#include "io/cst-csv.h"
#include "io/cst-parse.h"
#include "predict/cst-clv.h"

/* `constellate-cli clv`: BG/NBD and Gamma-Gamma from a transaction log. The log may be
 * comma-, semicolon- or tab-separated (read by the core's CSV reader) or aligned with blanks
 * (like CDNOW's files, split here). A column is named by its header or, for files without one,
 * by its number counted from 1. */

typedef struct
{
  gint64 customer;
  gint64 time;
  double amount;
} Transaction;

typedef struct
{
  char  *input;
  char  *customer;
  char  *date;
  char  *amount;
  char  *date_format;
  char  *calibration_end;
  gboolean json;
} ClvArgs;

/* A row source over either reader. */
typedef struct
{
  CstCsvReader     *csv;
  GDataInputStream *lines;
  char            **fields;   /* the blank-separated row */
  guint64           line;
} Rows;

static gboolean
rows_next (Rows    *rows,
           GError **error)
{
  if (rows->csv != NULL)
    return cst_csv_reader_next (rows->csv, error);

  for (;;)
    {
      g_autofree char *text = g_data_input_stream_read_line_utf8 (rows->lines, NULL, NULL, error);
      g_autoptr(GPtrArray) parts = NULL;
      char **split;

      if (text == NULL)
        return FALSE;
      rows->line++;
      g_strstrip (text);
      if (text[0] == '\0')
        continue;
      parts = g_ptr_array_new ();
      split = g_strsplit_set (text, " \t", -1);
      for (guint i = 0; split[i] != NULL; i++)
        if (split[i][0] != '\0')
          g_ptr_array_add (parts, g_strdup (split[i]));
      g_strfreev (split);
      g_ptr_array_add (parts, NULL);
      g_strfreev (rows->fields);
      rows->fields = (char **) g_ptr_array_free (g_steal_pointer (&parts), FALSE);
      return TRUE;
    }
}

static guint
rows_n_fields (Rows *rows)
{
  return rows->csv != NULL ? cst_csv_reader_get_n_fields (rows->csv) : g_strv_length (rows->fields);
}

static const char *
rows_field (Rows *rows,
            guint index)
{
  if (rows->csv != NULL)
    return cst_csv_reader_get_field (rows->csv, index);
  return index < g_strv_length (rows->fields) ? rows->fields[index] : NULL;
}

static guint64
rows_line (Rows *rows)
{
  return rows->csv != NULL ? cst_csv_reader_get_line (rows->csv) : rows->line;
}

static void
rows_clear (Rows *rows)
{
  g_clear_pointer (&rows->csv, cst_csv_reader_free);
  g_clear_object (&rows->lines);
  g_clear_pointer (&rows->fields, g_strfreev);
}

/* The separator from the first line: a comma, semicolon or tab makes it delimited, anything
 * else is read as blank-aligned columns. */
static gboolean
rows_open (Rows        *rows,
           const char  *path,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, error);
  g_autoptr(GDataInputStream) data = NULL;
  g_autofree char *first = NULL;
  char delimiter = 0;

  if (stream == NULL)
    return FALSE;
  data = g_data_input_stream_new (G_INPUT_STREAM (stream));
  first = g_data_input_stream_read_line_utf8 (data, NULL, NULL, NULL);
  if (first != NULL)
    delimiter = strchr (first, ',') ? ',' : strchr (first, ';') ? ';' : strchr (first, '\t') ? '\t' : 0;
  if (delimiter != 0)
    {
      rows->csv = cst_csv_reader_new (path, delimiter, error);
      return rows->csv != NULL;
    }
  g_clear_object (&data);
  g_clear_object (&stream);
  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return FALSE;
  rows->lines = g_data_input_stream_new (G_INPUT_STREAM (stream));
  g_data_input_stream_set_newline_type (rows->lines, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  return TRUE;
}

static gboolean
parse_date_format (const char     *text,
                   CstDateFormat  *format,
                   GError        **error)
{
  static const struct { const char *pattern; CstDateFormat format; } known[] = {
    { "%Y%m%d", CST_DATE_FORMAT_COMPACT },
    { "%Y-%m-%d", CST_DATE_FORMAT_ISO },
    { "%Y/%m/%d", CST_DATE_FORMAT_YMD_SLASH },
    { "%d.%m.%Y", CST_DATE_FORMAT_DMY_DOT },
    { "%d/%m/%Y", CST_DATE_FORMAT_DMY },
    { "%d-%m-%Y", CST_DATE_FORMAT_DMY },
    { "%m/%d/%Y", CST_DATE_FORMAT_MDY },
    { "%m-%d-%Y", CST_DATE_FORMAT_MDY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (text, known[i].pattern))
      {
        *format = known[i].format;
        return TRUE;
      }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("Unknown --date-format “%s”; use one of %%Y%%m%%d, %%Y-%%m-%%d, %%Y/%%m/%%d, "
                 "%%d.%%m.%%Y, %%d/%%m/%%Y, %%m/%%d/%%Y"), text);
  return FALSE;
}

/* The first format that fits, preferring the unambiguous ones. */
static CstDateFormat
guess_date_format (const char *text)
{
  static const CstDateFormat order[] = {
    CST_DATE_FORMAT_ISO, CST_DATE_FORMAT_COMPACT, CST_DATE_FORMAT_YMD_SLASH,
    CST_DATE_FORMAT_DMY_DOT, CST_DATE_FORMAT_DMY, CST_DATE_FORMAT_MDY,
  };
  CstDateFormat fits = cst_parse_date_fits (text, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (fits & order[i])
      return order[i];
  return CST_DATE_FORMAT_NONE;
}

/* A column by header name, or by number (from 1) when @header is NULL. */
static gboolean
find_column (Rows        *rows,
             gboolean     has_header,
             const char  *display,
             const char  *option,
             const char  *name,
             guint       *column,
             GError     **error)
{
  guint64 number;

  if (!has_header)
    {
      if (g_ascii_string_to_unsigned (name, 10, 1, rows_n_fields (rows), &number, NULL))
        {
          *column = (guint) number - 1;
          return TRUE;
        }
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s has no header, so %s must be a column number from 1 to %u"),
                   display, option, rows_n_fields (rows));
      return FALSE;
    }
  for (guint f = 0; f < rows_n_fields (rows); f++)
    if (g_str_equal (rows_field (rows, f), name))
      {
        *column = f;
        return TRUE;
      }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("%s: no column named “%s” in the header"), display, name);
  return FALSE;
}

static int
cmp_transaction (gconstpointer a,
                 gconstpointer b)
{
  const Transaction *x = a, *y = b;

  if (x->customer != y->customer)
    return (x->customer > y->customer) - (x->customer < y->customer);
  return (x->time > y->time) - (x->time < y->time);
}

static gboolean
all_digits (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (; *text; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

static GArray *
read_transactions (const ClvArgs  *args,
                   CstDateFormat   format,
                   GError        **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (Transaction));
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *display = g_filename_display_name (args->input);
  g_autoptr(GError) local_error = NULL;
  Rows rows = { 0 };
  guint c_customer = 0, c_date = 0, c_amount = 0;
  gboolean has_header, pending;

  if (!rows_open (&rows, args->input, error))
    return NULL;
  if (!rows_next (&rows, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is empty"), display);
      rows_clear (&rows);
      return NULL;
    }
  /* Numbers for every column name say there is no header. */
  has_header = !(all_digits (args->customer) && all_digits (args->date) &&
                 (args->amount == NULL || all_digits (args->amount)));
  if (!find_column (&rows, has_header, display, "--customer", args->customer, &c_customer, error) ||
      !find_column (&rows, has_header, display, "--date", args->date, &c_date, error) ||
      (args->amount != NULL &&
       !find_column (&rows, has_header, display, "--amount", args->amount, &c_amount, error)))
    {
      rows_clear (&rows);
      return NULL;
    }

  for (pending = !has_header; pending || rows_next (&rows, &local_error); pending = FALSE)
    {
      const char *key = rows_field (&rows, c_customer);
      const char *date = rows_field (&rows, c_date);
      Transaction t = { 0, 0, NAN };
      gpointer id;

      if (key == NULL || date == NULL || (args->amount != NULL && rows_field (&rows, c_amount) == NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s, line %lu: the row has only %u fields"), display,
                       (gulong) rows_line (&rows), rows_n_fields (&rows));
          rows_clear (&rows);
          return NULL;
        }
      if (format == CST_DATE_FORMAT_NONE)
        format = guess_date_format (date);
      if (!cst_parse_datetime (date, format, &t.time))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s, line %lu, column %u: “%s” is not a date"), display,
                       (gulong) rows_line (&rows), c_date + 1, date);
          rows_clear (&rows);
          return NULL;
        }
      if (args->amount != NULL &&
          !cst_parse_number (rows_field (&rows, c_amount), '.', '\0', &t.amount, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s, line %lu, column %u: “%s” is not an amount"), display,
                       (gulong) rows_line (&rows), c_amount + 1, rows_field (&rows, c_amount));
          rows_clear (&rows);
          return NULL;
        }
      if (!g_hash_table_lookup_extended (ids, key, NULL, &id))
        {
          id = GSIZE_TO_POINTER (g_hash_table_size (ids));
          g_hash_table_insert (ids, g_strdup (key), id);
        }
      t.customer = (gint64) GPOINTER_TO_SIZE (id);
      g_array_append_val (out, t);
    }
  rows_clear (&rows);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (out->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s has no transactions"), display);
      return NULL;
    }
  g_array_sort (out, cmp_transaction);
  return g_steal_pointer (&out);
}

static void
add_params (JsonBuilder               *b,
            const CstBgnbdParams      *bgnbd,
            const CstGammaGammaParams *gg,
            gboolean                   has_spend)
{
  json_builder_set_member_name (b, "bgnbd");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "r");
  json_builder_add_double_value (b, bgnbd->r);
  json_builder_set_member_name (b, "alpha");
  json_builder_add_double_value (b, bgnbd->alpha);
  json_builder_set_member_name (b, "a");
  json_builder_add_double_value (b, bgnbd->a);
  json_builder_set_member_name (b, "b");
  json_builder_add_double_value (b, bgnbd->b);
  json_builder_set_member_name (b, "log_likelihood");
  json_builder_add_double_value (b, bgnbd->log_likelihood);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "gamma_gamma");
  if (!has_spend)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "p");
  json_builder_add_double_value (b, gg->p);
  json_builder_set_member_name (b, "q");
  json_builder_add_double_value (b, gg->q);
  json_builder_set_member_name (b, "gamma");
  json_builder_add_double_value (b, gg->gamma);
  json_builder_set_member_name (b, "log_likelihood");
  json_builder_add_double_value (b, gg->log_likelihood);
  json_builder_end_object (b);
}

int
cst_cli_clv (int    argc,
             char **argv)
{
  ClvArgs args = { 0 };
  GOptionEntry entries[] = {
    { "transactions", 0, 0, G_OPTION_ARG_FILENAME, &args.input, N_("Transaction log (CSV, TSV or blank-aligned)"), N_("FILE") },
    { "customer", 0, 0, G_OPTION_ARG_STRING, &args.customer, N_("Customer column (name, or number from 1 without a header)"), N_("COL") },
    { "date", 0, 0, G_OPTION_ARG_STRING, &args.date, N_("Date column"), N_("COL") },
    { "amount", 0, 0, G_OPTION_ARG_STRING, &args.amount, N_("Amount column, for spend and lifetime value"), N_("COL") },
    { "date-format", 0, 0, G_OPTION_ARG_STRING, &args.date_format, N_("Date format such as %Y%m%d (guessed when not given)"), N_("FMT") },
    { "calibration-end", 0, 0, G_OPTION_ARG_STRING, &args.calibration_end, N_("Fit on transactions up to this day and compare the rest with the predictions"), N_("DATE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &args.json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) transactions = NULL;
  g_autoptr(GArray) customers = NULL;
  g_autoptr(GArray) groups = NULL;
  g_autoptr(CstClvResult) result = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree gint64 *ids = NULL, *times = NULL;
  g_autofree double *amounts = NULL;
  CstDateFormat format = CST_DATE_FORMAT_NONE;
  CstClvOptions options;
  gint64 last = G_MININT64, cal_end;
  double seconds_read, holdout_weeks = 0, total_expected = 0, total_clv = 0;
  int status = 0;

  g_option_context_set_summary (context, _("Fit BG/NBD and Gamma-Gamma lifetime-value models to a transaction log."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv))
    {
      status = 2;
      goto out;
    }
  if (args.input == NULL || args.customer == NULL || args.date == NULL)
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), _("--transactions, --customer and --date are required"));
      status = 2;
      goto out;
    }
  if (args.date_format != NULL && !parse_date_format (args.date_format, &format, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      status = 2;
      goto out;
    }

  transactions = read_transactions (&args, format, &error);
  if (transactions == NULL)
    {
      status = cst_cli_fail (error);
      goto out;
    }
  seconds_read = g_timer_elapsed (timer, NULL);

  ids = g_new (gint64, transactions->len);
  times = g_new (gint64, transactions->len);
  amounts = g_new (double, transactions->len);
  for (guint i = 0; i < transactions->len; i++)
    {
      const Transaction *t = &g_array_index (transactions, Transaction, i);

      ids[i] = t->customer;
      times[i] = t->time;
      amounts[i] = t->amount;
      last = MAX (last, t->time);
    }
  cal_end = last;
  if (args.calibration_end != NULL)
    {
      CstDateFormat fmt = format != CST_DATE_FORMAT_NONE && cst_parse_date_fits (args.calibration_end, NULL) & format
                          ? format : guess_date_format (args.calibration_end);

      if (!cst_parse_datetime (args.calibration_end, fmt, &cal_end))
        {
          fprintf (stderr, "%s: %s\n", g_get_prgname (), _("--calibration-end is not a date"));
          status = 2;
          goto out;
        }
      holdout_weeks = floor (last / 86400.0) > floor (cal_end / 86400.0)
                      ? (floor (last / 86400.0) - floor (cal_end / 86400.0)) / 7.0 : 0.0;
    }
  customers = cst_clv_summarize (ids, times, args.amount != NULL ? amounts : NULL, transactions->len,
                                 cal_end, last, NULL);

  g_timer_start (timer);
  cst_clv_options_init (&options);
  result = cst_clv_fit ((const CstClvCustomer *) customers->data, customers->len, &options,
                        NULL, NULL, NULL, &error);
  if (result == NULL)
    {
      status = cst_cli_fail (error);
      goto out;
    }
  for (gsize i = 0; i < result->n_customers; i++)
    {
      total_expected += result->values[i].expected_purchases;
      total_clv += result->values[i].clv;
    }
  if (holdout_weeks > 0)
    groups = cst_clv_holdout_by_frequency (&result->bgnbd, (const CstClvCustomer *) customers->data,
                                           customers->len, holdout_weeks, 7);

  if (args.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "transactions");
      json_builder_add_int_value (b, transactions->len);
      json_builder_set_member_name (b, "customers");
      json_builder_add_int_value (b, customers->len);
      json_builder_set_member_name (b, "repeat_customers");
      json_builder_add_int_value (b, result->n_repeat);
      add_params (b, &result->bgnbd, &result->gamma_gamma, result->has_spend);
      json_builder_set_member_name (b, "expected_purchases_52_weeks");
      json_builder_add_double_value (b, total_expected);
      if (result->has_spend)
        {
          json_builder_set_member_name (b, "clv_12_months");
          json_builder_add_double_value (b, total_clv);
        }
      json_builder_set_member_name (b, "bootstrap_replicates");
      json_builder_add_int_value (b, result->n_bootstrap);
      json_builder_set_member_name (b, "seconds_read");
      json_builder_add_double_value (b, seconds_read);
      json_builder_set_member_name (b, "seconds_fit");
      json_builder_add_double_value (b, result->seconds_fit);
      json_builder_set_member_name (b, "seconds_bootstrap");
      json_builder_add_double_value (b, result->seconds_bootstrap);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, seconds_read + g_timer_elapsed (timer, NULL));
      if (groups != NULL)
        {
          double actual = 0, predicted = 0;

          json_builder_set_member_name (b, "holdout");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "weeks");
          json_builder_add_double_value (b, holdout_weeks);
          json_builder_set_member_name (b, "groups");
          json_builder_begin_array (b);
          for (guint g = 0; g < groups->len; g++)
            {
              const CstClvHoldoutGroup *group = &g_array_index (groups, CstClvHoldoutGroup, g);

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "frequency");
              json_builder_add_string_value (b, g + 1 == groups->len ? "7+" : (char[]) { '0' + g, 0 });
              json_builder_set_member_name (b, "customers");
              json_builder_add_int_value (b, group->n_customers);
              json_builder_set_member_name (b, "actual");
              json_builder_add_double_value (b, group->actual);
              json_builder_set_member_name (b, "predicted");
              json_builder_add_double_value (b, group->predicted);
              json_builder_end_object (b);
              actual += group->actual * group->n_customers;
              predicted += group->predicted * group->n_customers;
            }
          json_builder_end_array (b);
          json_builder_set_member_name (b, "total_actual");
          json_builder_add_double_value (b, actual);
          json_builder_set_member_name (b, "total_predicted");
          json_builder_add_double_value (b, predicted);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      cst_cli_print_json (b);
    }
  else
    {
      printf (_("%u customers, %u transactions\n"), customers->len, transactions->len);
      printf ("BG/NBD       r = %.4f  alpha = %.4f  a = %.4f  b = %.4f  LL = %.2f\n",
              result->bgnbd.r, result->bgnbd.alpha, result->bgnbd.a, result->bgnbd.b,
              result->bgnbd.log_likelihood);
      if (result->has_spend)
        printf ("Gamma-Gamma  p = %.4f  q = %.4f  gamma = %.4f  LL = %.2f\n", result->gamma_gamma.p,
                result->gamma_gamma.q, result->gamma_gamma.gamma, result->gamma_gamma.log_likelihood);
      if (groups != NULL)
        {
          printf (_("Holdout (%.1f weeks), mean repeat purchases per customer:\n"), holdout_weeks);
          for (guint g = 0; g < groups->len; g++)
            {
              const CstClvHoldoutGroup *group = &g_array_index (groups, CstClvHoldoutGroup, g);

              printf ("  %u%s  %6lu customers  actual %.3f  predicted %.3f\n", group->frequency,
                      g + 1 == groups->len ? "+" : " ", (gulong) group->n_customers, group->actual,
                      group->predicted);
            }
        }
      printf (_("%.2f seconds\n"), seconds_read + g_timer_elapsed (timer, NULL));
    }

out:
  g_free (args.input);
  g_free (args.customer);
  g_free (args.date);
  g_free (args.amount);
  g_free (args.date_format);
  g_free (args.calibration_end);
  return status;
}
