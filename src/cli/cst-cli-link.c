/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli-link"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "cst-cli.h"
#include "io/cst-csv.h"
#include "linkage/cst-link-csv.h"
#include "linkage/cst-linker.h"

/* `constellate-cli link`: probabilistic record linkage of CSV files, within and across them. */

/* The territory of the user's locale ("de_DE.UTF-8" → "DE") for phone numbers written without
 * a country code, or NULL. */
static char *
locale_region (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *underscore = strchr (names[i], '_');

      if (underscore != NULL && g_ascii_isalpha (underscore[1]) && g_ascii_isalpha (underscore[2]))
        return g_ascii_strup (underscore + 1, 2);
    }
  return NULL;
}

/* Streams to the file (not an atomic replace, so a pipe or /dev/stdout works too). */
static FILE *
open_output (const char  *path,
             GError     **error)
{
  FILE *out = g_fopen (path, "w");

  if (out == NULL)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Could not write %s: %s"), path,
                   g_strerror (saved));
    }
  return out;
}

static gboolean
close_output (FILE        *out,
              const char  *path,
              GError     **error)
{
  if (ferror (out) | (fclose (out) != 0))
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Could not write %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_clusters (const char          *path,
                const CstLinkData   *data,
                const CstLinkResult *result,
                GError             **error)
{
  FILE *out = open_output (path, error);

  if (out == NULL)
    return FALSE;
  fputs ("source,record_id,person_id\n", out);
  for (guint r = 0; r < result->n_records; r++)
    {
      g_autofree char *source = cst_csv_quote_field (cst_link_data_get_source_name (data, cst_link_data_get_source (data, r)));
      g_autofree char *label = cst_csv_quote_field (cst_link_data_get_label (data, r));

      fprintf (out, "%s,%s,%u\n", source, label, result->person[r] + 1);
    }
  return close_output (out, path, error);
}

static gboolean
write_pairs (const char          *path,
             const CstLinkData   *data,
             const CstLinkResult *result,
             GError             **error)
{
  FILE *out = open_output (path, error);

  if (out == NULL)
    return FALSE;
  fputs ("source_a,record_id_a,source_b,record_id_b,probability,weight,linked\n", out);
  for (guint i = 0; i < result->pairs->len; i++)
    {
      const CstLinkPair *p = &g_array_index (result->pairs, CstLinkPair, i);
      g_autofree char *sa = cst_csv_quote_field (cst_link_data_get_source_name (data, cst_link_data_get_source (data, p->a)));
      g_autofree char *la = cst_csv_quote_field (cst_link_data_get_label (data, p->a));
      g_autofree char *sb = cst_csv_quote_field (cst_link_data_get_source_name (data, cst_link_data_get_source (data, p->b)));
      g_autofree char *lb = cst_csv_quote_field (cst_link_data_get_label (data, p->b));
      char prob[G_ASCII_DTOSTR_BUF_SIZE], weight[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (prob, sizeof prob, "%.6f", p->probability);
      g_ascii_formatd (weight, sizeof weight, "%.3f", p->weight);
      fprintf (out, "%s,%s,%s,%s,%s,%s,%d\n", sa, la, sb, lb, prob, weight,
               result->person[p->a] == result->person[p->b]);
    }
  return close_output (out, path, error);
}

static void
print_json (const CstLinkData   *data,
            const CstLinkResult *result,
            const CstLinkOptions *options)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  static const char *const stages[CST_LINK_N_STAGES] = {
    "read", "blocking", "comparing", "training", "clustering"
  };
  double total = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, result->n_records);
  json_builder_set_member_name (b, "sources");
  json_builder_add_int_value (b, cst_link_data_get_n_sources (data));
  json_builder_set_member_name (b, "estimated_comparisons");
  json_builder_add_int_value (b, result->n_estimated);
  json_builder_set_member_name (b, "candidate_pairs");
  json_builder_add_int_value (b, result->n_candidates);
  json_builder_set_member_name (b, "matched_pairs");
  json_builder_add_int_value (b, result->n_matched);
  json_builder_set_member_name (b, "people");
  json_builder_add_int_value (b, result->n_people);
  json_builder_set_member_name (b, "flagged_people");
  json_builder_add_int_value (b, result->n_flagged);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, options->threshold);
  json_builder_set_member_name (b, "match_share");
  json_builder_add_double_value (b, result->lambda);
  json_builder_set_member_name (b, "em_iterations");
  json_builder_add_int_value (b, result->em_iterations);
  json_builder_set_member_name (b, "fields");
  json_builder_begin_array (b);
  for (guint c = 0; c < cst_link_data_get_n_columns (data); c++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "column");
      json_builder_add_string_value (b, cst_link_data_get_column_name (data, c));
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, cst_link_kind_to_string (cst_link_data_get_kind (data, c)));
      json_builder_set_member_name (b, "m");
      json_builder_begin_array (b);
      for (guint l = CST_LINK_LEVEL_EXACT; l < CST_LINK_N_LEVELS; l++)
        json_builder_add_double_value (b, result->m[c][l]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "u");
      json_builder_begin_array (b);
      for (guint l = CST_LINK_LEVEL_EXACT; l < CST_LINK_N_LEVELS; l++)
        json_builder_add_double_value (b, result->u[c][l]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "seconds");
  json_builder_begin_object (b);
  for (guint s = 0; s < CST_LINK_N_STAGES; s++)
    {
      json_builder_set_member_name (b, stages[s]);
      json_builder_add_double_value (b, result->seconds[s]);
      total += result->seconds[s];
    }
  json_builder_set_member_name (b, "total");
  json_builder_add_double_value (b, total);
  json_builder_end_object (b);
  json_builder_end_object (b);
  cst_cli_print_json (b);
}

/**
 * cst_cli_link:
 *
 * Returns: the exit status: 0 on success, 1 on an error, 2 on a wrong command line
 */
int
cst_cli_link (int    argc,
              char **argv)
{
  g_auto(GStrv) inputs = NULL;
  g_autofree char *id_column = NULL;
  g_autofree char *threshold_text = NULL;
  g_autofree char *clusters = NULL;
  g_autofree char *pairs = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs,
      N_("CSV file of records; repeat for each source"), N_("FILE") },
    { "id-column", 0, 0, G_OPTION_ARG_STRING, &id_column,
      N_("Column holding each record's id (default: the row number)"), N_("COL") },
    { "threshold", 't', 0, G_OPTION_ARG_STRING, &threshold_text,
      N_("Match probability from which two records are the same person (default 0.9)"), N_("P") },
    { "clusters", 0, 0, G_OPTION_ARG_FILENAME, &clusters,
      N_("Write source,record_id,person_id of every record to OUT.csv"), N_("OUT.csv") },
    { "pairs", 0, 0, G_OPTION_ARG_FILENAME, &pairs,
      N_("Write every scored candidate pair with its probability to OUT.csv"), N_("OUT.csv") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object with the counts and the seconds per stage"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLinkData) data = NULL;
  g_autoptr(CstLinkResult) result = NULL;
  g_autofree char *region = locale_region ();
  CstLinkOptions options;
  gint64 start;
  double seconds_read;

  g_option_context_set_summary (context,
                                _("Find records of the same person within and across CSV files "
                                  "(Fellegi–Sunter record linkage with EM-estimated weights)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv))
    return 2;

  cst_link_options_init (&options);
  if (inputs == NULL || inputs[0] == NULL)
    {
      return cst_cli_usage_error (_("At least one --input file is needed."));
    }
  if (threshold_text != NULL)
    {
      char *end = NULL;
      double t = g_ascii_strtod (threshold_text, &end);

      if (end == threshold_text || *end != '\0' || !(t > 0.0 && t < 1.0))
        {
          return cst_cli_usage_error (_("--threshold must be a probability between 0 and 1, e.g. 0.9."));
        }
      options.threshold = t;
    }

  start = g_get_monotonic_time ();
  data = cst_link_data_new_from_csv ((const char * const *) inputs, id_column, NULL, NULL, region,
                                     NULL, &error);
  if (data == NULL)
    return cst_cli_fail (error);
  seconds_read = (g_get_monotonic_time () - start) / 1e6;

  result = cst_link_run (data, &options, NULL, NULL, NULL, &error);
  if (result == NULL)
    return cst_cli_fail (error);
  result->seconds[CST_LINK_STAGE_NORMALIZE] = seconds_read;

  if (clusters != NULL && !write_clusters (clusters, data, result, &error))
    return cst_cli_fail (error);
  if (pairs != NULL && !write_pairs (pairs, data, result, &error))
    return cst_cli_fail (error);

  if (json)
    print_json (data, result, &options);
  else
    {
      /* Numbers as text: a G_GUINT64_FORMAT inside the message would cut it for xgettext. */
      g_autofree char *candidates = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) result->n_candidates);
      g_autofree char *matched = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) result->n_matched);

      printf (_("%u records → %u people (%s candidate pairs, %s linked, %u people to review)\n"),
              result->n_records, result->n_people, candidates, matched, result->n_flagged);
    }
  return 0;
}
