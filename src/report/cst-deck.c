/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-deck"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <math.h>

#include "cst-deck.h"
#include "cst-report.h"
#include "features/cst-features.h"

static int
find_feature (const CstSegmentation *seg,
              const char            *name)
{
  for (guint f = 0; f < seg->n_features; f++)
    if (g_str_equal (seg->feature_names[f], name))
      return f;
  return -1;
}

/**
 * cst_deck_build:
 * @segmentation: a stored run
 *
 * Returns: (transfer full) (element-type CstSlide): the slides, numbered
 */
GPtrArray *
cst_deck_build (const CstSegmentation *seg)
{
  GPtrArray *slides = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_slide_free);
  g_autofree char *people = g_strdup_printf ("%'zu", seg->n_people);
  g_autofree char *title = NULL;
  CstSizesModel *sizes;
  int spend = find_feature (seg, CST_FEATURE_TOTAL_SPEND);
  double revenue = 0;

  g_return_val_if_fail (seg != NULL, NULL);

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Customer in %u Segments",
                                        "%s Customers in %u Segments", seg->n_people),
                           people, seg->k);
  sizes = cst_report_sizes_model (seg);
  g_ptr_array_add (slides, cst_slide_new_overview (title, seg->reason, sizes));

  if (spend >= 0)
    for (guint s = 0; s < seg->k; s++)
      revenue += seg->means[(gsize) s * seg->n_features + spend] * seg->sizes[s];

  for (guint s = 0; s < seg->k; s++)
    {
      g_autofree char *count = g_strdup_printf ("%'zu", seg->sizes[s]);
      g_autofree char *size_text = NULL;
      g_autofree char *footer = NULL;
      const char *facts[4] = { NULL };
      CstDifferenceModel *difference;

      size_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s person · %.1f %% of customers",
                                                "%s people · %.1f %% of customers", seg->sizes[s]),
                                   count, 100.0 * seg->sizes[s] / MAX (seg->n_people, 1));
      for (guint j = 0; j < 3; j++)
        facts[j] = cst_segmentation_get_fact (seg, s, j);
      if (spend >= 0 && revenue > 0)
        footer = g_strdup_printf (_("%.0f %% of revenue"),
                                  100.0 * seg->means[(gsize) s * seg->n_features + spend] * seg->sizes[s] / revenue);

      difference = cst_report_difference_model (seg, s, 6);
      cst_difference_model_set_title (difference, _("What sets them apart"));
      g_ptr_array_add (slides, cst_slide_new_segment (seg->segment_names[s], s, size_text, facts, footer,
                                                      difference));
    }

  for (guint i = 0; i < slides->len; i++)
    cst_slide_set_page (g_ptr_array_index (slides, i), i, slides->len);
  return slides;
}

/**
 * cst_deck_write_pdf:
 * @width: page width in points (e.g. 960 for 16:9 with @height 540)
 *
 * Writes one PDF page per slide, light style, vector text and charts.
 */
gboolean
cst_deck_write_pdf (GPtrArray   *slides,
                    const char  *path,
                    double       width,
                    double       height,
                    GError     **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, width, height);
  cairo_t *cr = cairo_create (surface);
  CstChartStyle style;
  cairo_status_t status;

  cst_chart_style_init_light (&style);
  for (guint i = 0; i < slides->len; i++)
    {
      cst_chart_slide_paint (cr, g_ptr_array_index (slides, i), width, height, &style);
      cairo_show_page (cr);
    }
  cst_chart_style_clear (&style);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"), display,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
