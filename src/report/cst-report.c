/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-report"

#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>

#include "cst-report.h"
#include "features/cst-features.h"

static char *
format_value (guint    feature,
              double   value,
              gpointer user_data)
{
  const CstSegmentation *seg = user_data;
  const CstFeatureInfo *info;

  if (feature >= seg->n_features)
    return g_strdup ("");
  info = cst_feature_info_lookup (seg->feature_names[feature]);
  return info != NULL ? cst_feature_format_value (info, value) : g_strdup_printf ("%.2f", value);
}

static GPtrArray *
feature_labels (const CstSegmentation *seg)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);

  for (guint f = 0; f < seg->n_features; f++)
    g_ptr_array_add (labels, cst_feature_dup_label (seg->feature_names[f]));
  g_ptr_array_add (labels, NULL);
  return labels;
}

/* Returns: (transfer full): the segment map: people on the first two principal components */
CstMapModel *
cst_report_map_model (const CstSegmentation *seg)
{
  CstMapModel *map = cst_map_model_new (seg->n_people, seg->x, seg->y, seg->labels, seg->k,
                                        (const char * const *) seg->segment_names);

  cst_map_model_set_title (map, _("Segment map"));
  cst_map_model_set_axis_names (map, _("Component 1"), _("Component 2"));
  return map;
}

/* Returns: (transfer full): the segment sizes */
CstSizesModel *
cst_report_sizes_model (const CstSegmentation *seg)
{
  CstSizesModel *sizes = cst_sizes_model_new (seg->k, (const char * const *) seg->segment_names, seg->sizes);

  cst_sizes_model_set_title (sizes, _("Segment sizes"));
  return sizes;
}

/* Returns: (transfer full): every segment against everyone else on every feature */
CstHeatmapModel *
cst_report_heatmap_model (const CstSegmentation *seg)
{
  g_autoptr(GPtrArray) labels = feature_labels (seg);
  CstHeatmapModel *heatmap = cst_heatmap_model_new (seg->k, seg->n_features,
                                                    (const char * const *) seg->segment_names,
                                                    (const char * const *) labels->pdata, seg->std_diffs);

  cst_heatmap_model_set_means (heatmap, seg->means, seg->rest_means, format_value, (gpointer) seg);
  cst_heatmap_model_set_title (heatmap, _("How the segments differ"));
  return heatmap;
}

/* Returns: (transfer full) (nullable): how each candidate number of segments scored, or %NULL
 *   when the number was not chosen automatically */
CstKChoiceModel *
cst_report_kchoice_model (const CstSegmentation *seg)
{
  g_autofree guint *ks = NULL;
  g_autofree double *silhouette = NULL;
  g_autofree double *stability = NULL;
  g_autofree double *smallest = NULL;
  CstKChoiceModel *model;

  if (seg->n_choices == 0)
    return NULL;

  ks = g_new (guint, seg->n_choices);
  silhouette = g_new (double, seg->n_choices);
  stability = g_new (double, seg->n_choices);
  smallest = g_new (double, seg->n_choices);
  for (guint i = 0; i < seg->n_choices; i++)
    {
      ks[i] = seg->choices[i].k;
      silhouette[i] = seg->choices[i].silhouette;
      stability[i] = seg->choices[i].stability;
      smallest[i] = seg->choices[i].smallest_share;
    }
  model = cst_kchoice_model_new (seg->n_choices, ks, silhouette, stability, smallest, seg->k);
  cst_kchoice_model_set_title (model, _("Choosing the number of segments"));
  if (seg->reason != NULL)
    cst_kchoice_model_set_reason (model, seg->reason);
  return model;
}

/**
 * cst_report_difference_model:
 * @max_bars: the strongest differences to show, or 0 for all
 *
 * Returns: (transfer full): what sets @segment apart from everyone else
 */
CstDifferenceModel *
cst_report_difference_model (const CstSegmentation *seg,
                             guint                  segment,
                             guint                  max_bars)
{
  g_autoptr(GPtrArray) labels = feature_labels (seg);
  CstDifferenceModel *model;

  g_return_val_if_fail (segment < seg->k, NULL);

  model = cst_difference_model_new (seg->segment_names[segment], segment, seg->n_features,
                                    (const char * const *) labels->pdata,
                                    seg->std_diffs + (gsize) segment * seg->n_features);
  cst_difference_model_set_means (model, seg->means + (gsize) segment * seg->n_features,
                                  seg->rest_means + (gsize) segment * seg->n_features, format_value,
                                  (gpointer) seg);
  if (max_bars > 0)
    cst_difference_model_set_max_bars (model, max_bars);
  return model;
}

static const char * const chart_kinds[] = { "map", "sizes", "heatmap", "kchoice", "difference", NULL };

/* The kinds cst_report_export_chart() draws. */
const char * const *
cst_report_chart_kinds (void)
{
  return chart_kinds;
}

static void
paint_kind (cairo_t               *cr,
            const CstSegmentation *seg,
            const char            *kind,
            guint                  segment,
            double                 width,
            double                 height,
            const CstChartStyle   *style)
{
  if (g_str_equal (kind, "map"))
    {
      g_autoptr(CstMapModel) model = cst_report_map_model (seg);
      cst_chart_map_paint (cr, model, width, height, style);
    }
  else if (g_str_equal (kind, "sizes"))
    {
      g_autoptr(CstSizesModel) model = cst_report_sizes_model (seg);
      cst_chart_sizes_paint (cr, model, width, height, style);
    }
  else if (g_str_equal (kind, "heatmap"))
    {
      g_autoptr(CstHeatmapModel) model = cst_report_heatmap_model (seg);
      cst_chart_heatmap_paint (cr, model, width, height, style);
    }
  else if (g_str_equal (kind, "kchoice"))
    {
      g_autoptr(CstKChoiceModel) model = cst_report_kchoice_model (seg);
      if (model != NULL)
        cst_chart_kchoice_paint (cr, model, width, height, style);
    }
  else
    {
      g_autoptr(CstDifferenceModel) model = cst_report_difference_model (seg, segment, 0);
      cst_chart_difference_paint (cr, model, width, height, style);
    }
}

/**
 * cst_report_export_chart:
 * @kind: one of cst_report_chart_kinds()
 * @segment: for "difference", which segment
 * @path: the file; its extension (.png, .svg, .pdf) chooses the format
 *
 * Draws a chart of @segmentation in the light style on white, for reports made by scheduled
 * jobs.
 */
gboolean
cst_report_export_chart (const CstSegmentation *seg,
                         const char            *kind,
                         guint                  segment,
                         const char            *path,
                         int                    width,
                         int                    height,
                         GError               **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *lower = g_ascii_strdown (path, -1);
  cairo_surface_t *surface;
  cairo_status_t status;
  CstChartStyle style;
  cairo_t *cr;

  if (!g_strv_contains (chart_kinds, kind))
    {
      g_autofree char *kinds = g_strjoinv (", ", (char **) chart_kinds);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown chart “%s”; the charts are: %s"), kind, kinds);
      return FALSE;
    }
  if (g_str_equal (kind, "kchoice") && seg->n_choices == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The number of segments of this run was not chosen automatically: there is no choice to draw"));
      return FALSE;
    }
  if (g_str_equal (kind, "difference") && segment >= seg->k)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("There is no segment %u: this run has %u"), segment + 1, seg->k);
      return FALSE;
    }

  if (g_str_has_suffix (lower, ".svg"))
    surface = cairo_svg_surface_create (path, width, height);
  else if (g_str_has_suffix (lower, ".pdf"))
    surface = cairo_pdf_surface_create (path, width, height);
  else if (g_str_has_suffix (lower, ".png"))
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s”: the file must end in .png, .svg or .pdf"), display);
      return FALSE;
    }

  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cst_chart_style_init_light (&style);
  paint_kind (cr, seg, kind, segment, width, height, &style);
  cst_chart_style_clear (&style);
  cairo_destroy (cr);

  if (g_str_has_suffix (lower, ".png"))
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"), display,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
