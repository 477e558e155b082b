/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli-deck"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cst-cli.h"
#include "cst-deck.h"
#include "cst-pipeline.h"
#include "cst-report.h"

/* The newest segmentation of a project, or an error saying there is none. */
static CstSegmentation *
load_segmentation (const char  *project,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  CstSegmentation *seg;

  if (!g_file_test (project, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *display = g_filename_display_name (project);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The project “%s” does not exist"), display);
      return NULL;
    }
  seg = cst_pipeline_load (project, NULL, &local_error);
  if (seg == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        {
          g_autofree char *display = g_filename_display_name (project);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("The project “%s” has no segments yet; run “constellate-cli run” first"), display);
        }
    }
  return seg;
}

/**
 * cst_cli_deck:
 *
 * `constellate-cli deck --project P.constellate --out deck.pdf [--size 16:9|4:3] [--json]`:
 * the workshop slides as a PDF, the same as the presentation mode shows.
 */
int
cst_cli_deck (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstSegmentation) seg = NULL;
  g_autoptr(CstReportPredictions) predictions = NULL;
  g_autoptr(GPtrArray) slides = NULL;
  g_autofree char *project = NULL;
  g_autofree char *out = NULL;
  g_autofree char *size = NULL;
  gboolean json = FALSE;
  double width = 960, height = 540;
  gint64 start = g_get_monotonic_time ();
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_FILENAME, &project, N_("The project file (.constellate)"), N_("FILE") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The PDF to write"), N_("FILE") },
    { "size", 's', 0, G_OPTION_ARG_STRING, &size, N_("Slide shape: 16:9 (default) or 4:3"), N_("SHAPE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Write the segments of a project as a PDF deck: an overview, "
                                           "one slide per segment, then the predictions if computed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv))
    return 2;
  if (project == NULL || out == NULL)
    {
      return cst_cli_usage_error (_("--project FILE and --out FILE are required"));
    }
  if (size != NULL && g_str_equal (size, "4:3"))
    width = 720;
  else if (size != NULL && !g_str_equal (size, "16:9"))
    {
      return cst_cli_usage_error (_("--size must be 16:9 or 4:3"));
    }

  seg = load_segmentation (project, &error);
  if (seg == NULL)
    return cst_cli_fail (error);
  predictions = cst_report_predictions_load_project (project, &error);
  if (predictions == NULL)
    return cst_cli_fail (error);
  slides = cst_deck_build_full (seg, predictions);
  if (!cst_deck_write_pdf (slides, out, width, height, &error))
    return cst_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "out");
      json_builder_add_string_value (b, out);
      json_builder_set_member_name (b, "slides");
      json_builder_add_int_value (b, slides->len);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
      json_builder_end_object (b);
      cst_cli_print_json (b);
    }
  else
    printf (g_dngettext (GETTEXT_PACKAGE, "Wrote %u slide to %s\n", "Wrote %u slides to %s\n", slides->len),
            slides->len, out);
  return 0;
}

/**
 * cst_cli_chart:
 *
 * `constellate-cli chart --project P.constellate --kind map|sizes|heatmap|kchoice|difference|
 * scores|gain|lift|roc|calibration|clv|reach --out FILE.{png,svg,pdf} [--segment N] [--width W
 * --height H]`. The prediction charts need the project's stored predictions.
 */
int
cst_cli_chart (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstSegmentation) seg = NULL;
  g_autofree char *project = NULL;
  g_autofree char *out = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *segment_kinds = g_strjoinv ("|", (char **) cst_report_chart_kinds ());
  g_autofree char *predict_kinds = g_strjoinv ("|", (char **) cst_report_predict_chart_kinds ());
  g_autofree char *kinds = g_strconcat (segment_kinds, "|", predict_kinds, NULL);
  int segment = 1, width = 1200, height = 800;
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_FILENAME, &project, N_("The project file (.constellate)"), N_("FILE") },
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind, N_("The chart: map, sizes, heatmap, kchoice, difference, scores, gain, lift, roc, calibration, clv or reach"), N_("KIND") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The file to write: .png, .svg or .pdf"), N_("FILE") },
    { "segment", 0, 0, G_OPTION_ARG_INT, &segment, N_("For difference: the segment, from 1"), N_("N") },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, N_("Width in pixels or points (default 1200)"), N_("W") },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, N_("Height in pixels or points (default 800)"), N_("H") },
    { NULL }
  };

  g_option_context_set_summary (context, _("Draw a chart of a project's segments or predictions into a PNG, SVG or PDF file."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv))
    return 2;
  if (project == NULL || out == NULL || kind == NULL)
    {
      fprintf (stderr, "%s: %s (%s)\n", g_get_prgname (), _("--project, --kind and --out are required"), kinds);
      return 2;
    }
  if (width < 100 || height < 100 || width > 20000 || height > 20000 || segment < 1)
    {
      return cst_cli_usage_error (_("--width and --height must be between 100 and 20000, --segment at least 1"));
    }

  if (g_strv_contains (cst_report_predict_chart_kinds (), kind))
    {
      g_autoptr(CstReportPredictions) predictions = cst_report_predictions_load_project (project, &error);

      if (predictions == NULL
          || !cst_report_export_predict_chart (predictions, kind, out, width, height, &error))
        return cst_cli_fail (error);
      return 0;
    }
  if (!g_strv_contains (cst_report_chart_kinds (), kind))
    {
      g_autofree char *message = g_strdup_printf (_("Unknown chart “%s”; the charts are: %s"), kind, kinds);

      return cst_cli_usage_error (message);
    }

  seg = load_segmentation (project, &error);
  if (seg == NULL || !cst_report_export_chart (seg, kind, segment - 1, out, width, height, &error))
    return cst_cli_fail (error);
  return 0;
}
