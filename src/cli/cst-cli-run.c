/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli-run"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "cst-cli.h"
#include "cst-pipeline.h"
#include "features/cst-features.h"

int
cst_cli_sample (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int seed = CST_SAMPLE_DEFAULT_SEED;
  int people = CST_SAMPLE_DEFAULT_PEOPLE;
  gboolean json = FALSE;
  CstSampleOptions options;
  gint64 start;
  double seconds;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Folder to write the exports into"), N_("DIR") },
    { "seed", 's', 0, G_OPTION_ARG_INT, &seed, N_("Random seed (same seed, same files)"), N_("SEED") },
    { "people", 'n', 0, G_OPTION_ARG_INT, &people, N_("Number of CRM contacts"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Write the sample exports of a small retailer: CRM contacts, shop "
                                           "orders, email engagement, and the generator’s truth."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv))
    return 2;
  if (out == NULL || people < 10)
    {
      return cst_cli_usage_error (out == NULL ? _("--out DIR is required") : _("--people must be at least 10"));
    }

  cst_sample_options_init (&options);
  options.seed = (guint32) seed;
  options.n_people = people;
  start = g_get_monotonic_time ();
  if (!cst_sample_write (out, &options, NULL, NULL, NULL, &error))
    return cst_cli_fail (error);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "directory");
      json_builder_add_string_value (builder, out);
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, options.seed);
      json_builder_set_member_name (builder, "people");
      json_builder_add_int_value (builder, options.n_people);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, seconds);
      json_builder_end_object (builder);
      cst_cli_print_json (builder);
    }
  else
    printf (_("Wrote %s, %s, %s and %s to %s in %.2f s\n"), CST_SAMPLE_CONTACTS_FILE, CST_SAMPLE_ORDERS_FILE,
            CST_SAMPLE_ENGAGEMENT_FILE, CST_SAMPLE_TRUTH_FILE, out, seconds);
  return 0;
}

static void
print_summary (const CstPipelineSummary *summary)
{
  const CstSegmentation *seg = summary->segmentation;

  printf (_("%zu rows from %zu files (%zu rejected) → %zu records → %zu people\n"),
          summary->n_rows, summary->n_sources, summary->n_rejected, summary->n_records, summary->n_people);
  if (seg == NULL)
    {
      if (summary->note != NULL)
        printf ("%s\n", summary->note);
      return;
    }
  printf (_("%zu people segmented into %u segments (%zu without orders left out)\n"),
          seg->n_people, seg->k, seg->n_skipped);
  if (seg->reason != NULL)
    printf ("%s\n", seg->reason);
  for (guint i = 0; seg->notes != NULL && seg->notes[i] != NULL; i++)
    printf ("%s\n", seg->notes[i]);
  printf ("\n");

  for (guint s = 0; s < seg->k; s++)
    {
      printf ("%s — %zu (%.1f %%)\n", seg->segment_names[s], seg->sizes[s],
              100.0 * seg->sizes[s] / MAX (seg->n_people, 1));
      for (guint j = 0; j < 3; j++)
        if (cst_segmentation_get_fact (seg, s, j) != NULL)
          printf ("    • %s\n", cst_segmentation_get_fact (seg, s, j));
      for (guint f = 0; f < seg->n_features; f++)
        {
          const CstFeatureInfo *fi = cst_feature_info_lookup (seg->feature_names[f]);
          g_autofree char *label = cst_feature_dup_label (seg->feature_names[f]);
          g_autofree char *value = NULL;
          g_autofree char *rest = NULL;

          if (fi == NULL)
            continue;
          value = cst_feature_format_value (fi, seg->means[s * seg->n_features + f]);
          rest = cst_feature_format_value (fi, seg->rest_means[s * seg->n_features + f]);
          /* Translators: a feature, the segment's value and everyone else's */
          printf (_("    %s: %s (others %s)\n"), label, value, rest);
        }
    }
  printf ("\n");
  printf (_("Seconds: sample %.2f, import %.2f, people %.2f, segments %.2f\n"),
          summary->seconds_sample, summary->seconds_import, summary->seconds_identity,
          summary->seconds_segment);
}

static void
print_summary_json (const CstPipelineSummary *summary,
                    const char               *project)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const CstSegmentation *seg = summary->segmentation;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "project");
  json_builder_add_string_value (b, project);
  json_builder_set_member_name (b, "files");
  json_builder_add_int_value (b, summary->n_sources);
  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, summary->n_rows);
  json_builder_set_member_name (b, "rejected");
  json_builder_add_int_value (b, summary->n_rejected);
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, summary->n_records);
  json_builder_set_member_name (b, "people");
  json_builder_add_int_value (b, summary->n_people);
  if (seg != NULL)
    {
      json_builder_set_member_name (b, "segmented");
      json_builder_add_int_value (b, seg->n_people);
      json_builder_set_member_name (b, "skipped");
      json_builder_add_int_value (b, seg->n_skipped);
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, seg->method == CST_SEGMENTATION_RFM ? "rfm" : "discover");
      json_builder_set_member_name (b, "k");
      json_builder_add_int_value (b, seg->k);
      json_builder_set_member_name (b, "k_auto");
      json_builder_add_boolean_value (b, seg->auto_k);
      if (seg->reason != NULL)
        {
          json_builder_set_member_name (b, "reason");
          json_builder_add_string_value (b, seg->reason);
        }
      json_builder_set_member_name (b, "k_table");
      json_builder_begin_array (b);
      for (guint c = 0; c < seg->n_choices; c++)
        {
          const CstKChoice *choice = &seg->choices[c];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "k");
          json_builder_add_int_value (b, choice->k);
          json_builder_set_member_name (b, "silhouette");
          json_builder_add_double_value (b, choice->silhouette);
          json_builder_set_member_name (b, "stability");
          json_builder_add_double_value (b, choice->stability);
          json_builder_set_member_name (b, "smallest_share");
          json_builder_add_double_value (b, choice->smallest_share);
          json_builder_set_member_name (b, "actionable");
          json_builder_add_boolean_value (b, choice->actionable);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "inertia");
      json_builder_add_double_value (b, seg->inertia);
      json_builder_set_member_name (b, "iterations");
      json_builder_add_int_value (b, seg->iterations);
      json_builder_set_member_name (b, "segments");
      json_builder_begin_array (b);
      for (guint s = 0; s < seg->k; s++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, seg->segment_names[s]);
          json_builder_set_member_name (b, "size");
          json_builder_add_int_value (b, seg->sizes[s]);
          json_builder_set_member_name (b, "facts");
          json_builder_begin_array (b);
          for (guint j = 0; j < 3; j++)
            if (cst_segmentation_get_fact (seg, s, j) != NULL)
              json_builder_add_string_value (b, cst_segmentation_get_fact (seg, s, j));
          json_builder_end_array (b);
          json_builder_set_member_name (b, "means");
          json_builder_begin_object (b);
          for (guint f = 0; f < seg->n_features; f++)
            {
              json_builder_set_member_name (b, seg->feature_names[f]);
              if (isnan (seg->means[s * seg->n_features + f]))
                json_builder_add_null_value (b);
              else
                json_builder_add_double_value (b, seg->means[s * seg->n_features + f]);
            }
          json_builder_end_object (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  if (summary->note != NULL)
    {
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, summary->note);
    }
  json_builder_set_member_name (b, "seconds_sample");
  json_builder_add_double_value (b, summary->seconds_sample);
  json_builder_set_member_name (b, "seconds_import");
  json_builder_add_double_value (b, summary->seconds_import);
  json_builder_set_member_name (b, "seconds_identity");
  json_builder_add_double_value (b, summary->seconds_identity);
  json_builder_set_member_name (b, "seconds_segment");
  json_builder_add_double_value (b, summary->seconds_segment);
  json_builder_end_object (b);
  cst_cli_print_json (b);
}

int
cst_cli_run (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *project = NULL;
  g_auto(GStrv) inputs = NULL;
  gboolean sample = FALSE;
  gboolean json = FALSE;
  g_autofree char *k_text = NULL;
  g_autofree char *method = NULL;
  int seed = 42;
  CstSegmentationOptions options;
  CstSampleOptions sample_options;
  CstPipelineSummary summary = { 0 };
  gboolean ok;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_FILENAME, &project, N_("The project file (.constellate)"), N_("FILE") },
    { "sample", 0, 0, G_OPTION_ARG_NONE, &sample, N_("Fill a new project with the sample data"), NULL },
    { "input", 'i', 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, N_("Import this CSV into a new project (repeatable)"), N_("FILE") },
    { "k", 'k', 0, G_OPTION_ARG_STRING, &k_text, N_("Number of segments: 2–12, or “auto” (default)"), N_("N") },
    { "method", 'm', 0, G_OPTION_ARG_STRING, &method, N_("“discover” (k-means, default) or “rfm”"), N_("METHOD") },
    { "seed", 's', 0, G_OPTION_ARG_INT, &seed, N_("Random seed of k-means"), N_("SEED") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Run the whole path on a project: import, match people, segment. "
                                           "Without --sample or --input, an existing project is segmented again."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv))
    return 2;
  if (project == NULL)
    {
      return cst_cli_usage_error (_("--project FILE is required"));
    }
  cst_segmentation_options_init (&options);
  if (k_text != NULL && !g_str_equal (k_text, "auto"))
    {
      guint64 k = 0;

      if (!g_ascii_string_to_unsigned (k_text, 10, 2, 12, &k, NULL))
        {
          return cst_cli_usage_error (_("--k must be “auto” or between 2 and 12"));
        }
      options.k = k;
    }
  if (method != NULL && !g_str_equal (method, "discover") && !g_str_equal (method, "rfm"))
    {
      return cst_cli_usage_error (_("--method must be “discover” or “rfm”"));
    }
  if (g_strcmp0 (method, "rfm") == 0)
    options.method = CST_SEGMENTATION_RFM;
  if (sample && inputs != NULL)
    {
      return cst_cli_usage_error (_("use either --sample or --input, not both"));
    }

  options.seed = (guint32) seed;

  if (sample)
    {
      cst_sample_options_init (&sample_options);
      ok = cst_pipeline_create_sample (project, &sample_options, &options, &summary, NULL, NULL, NULL, &error);
    }
  else if (inputs != NULL)
    ok = cst_pipeline_create_from_files (project, (const char * const *) inputs, &options, &summary,
                                         NULL, NULL, NULL, &error);
  else if (!g_file_test (project, G_FILE_TEST_EXISTS))
    {
      g_autofree char *display = g_filename_display_name (project);

      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The project “%s” does not exist; use --sample or --input to make one"), display);
      ok = FALSE;
    }
  else
    ok = cst_pipeline_segment (project, &options, &summary, NULL, NULL, NULL, &error);

  if (!ok)
    {
      cst_pipeline_summary_clear (&summary);
      return cst_cli_fail (error);
    }

  if (json)
    print_summary_json (&summary, project);
  else
    print_summary (&summary);
  cst_pipeline_summary_clear (&summary);
  return 0;
}
