/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-slide"

#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "cst-chart-slide.h"
#include "cst-chart-util.h"

typedef enum
{
  SLIDE_OVERVIEW,
  SLIDE_SEGMENT,
} SlideKind;

struct _CstSlide
{
  SlideKind           kind;
  char               *title;
  char               *subtitle;       /* overview: the reason; segment: its size */
  char               *facts[3];
  char               *footer;         /* segment: its share of revenue */
  guint               segment;
  guint               page;
  guint               n_pages;
  CstSizesModel      *sizes;
  CstDifferenceModel *difference;
};

/**
 * cst_slide_new_overview:
 * @sizes: (transfer full): the segment sizes to show
 */
CstSlide *
cst_slide_new_overview (const char    *title,
                        const char    *subtitle,
                        CstSizesModel *sizes)
{
  CstSlide *self = g_new0 (CstSlide, 1);

  self->kind = SLIDE_OVERVIEW;
  self->title = g_strdup (title);
  self->subtitle = g_strdup (subtitle);
  self->sizes = sizes;
  return self;
}

/**
 * cst_slide_new_segment:
 * @segment: the segment's index, for its colour
 * @facts: (array zero-terminated=1) (nullable): up to three key facts
 * @difference: (transfer full) (nullable): what sets the segment apart
 */
CstSlide *
cst_slide_new_segment (const char         *name,
                       guint               segment,
                       const char         *size_text,
                       const char * const *facts,
                       const char         *footer,
                       CstDifferenceModel *difference)
{
  CstSlide *self = g_new0 (CstSlide, 1);

  self->kind = SLIDE_SEGMENT;
  self->title = g_strdup (name);
  self->subtitle = g_strdup (size_text);
  for (guint i = 0; facts != NULL && i < 3 && facts[i] != NULL; i++)
    self->facts[i] = g_strdup (facts[i]);
  self->footer = g_strdup (footer);
  self->segment = segment;
  self->difference = difference;
  return self;
}

/* "3 / 7" in the corner, so a presenter knows where they are. */
void
cst_slide_set_page (CstSlide *slide,
                    guint     page,
                    guint     n_pages)
{
  g_return_if_fail (slide != NULL);

  slide->page = page;
  slide->n_pages = n_pages;
}

void
cst_slide_free (CstSlide *slide)
{
  if (slide == NULL)
    return;
  g_free (slide->title);
  g_free (slide->subtitle);
  for (guint i = 0; i < 3; i++)
    g_free (slide->facts[i]);
  g_free (slide->footer);
  g_clear_pointer (&slide->sizes, cst_sizes_model_free);
  g_clear_pointer (&slide->difference, cst_difference_model_free);
  g_free (slide);
}

/* Wrapped text of @px pixels per em at (x, y); returns its height. */
static double
draw_paragraph (cairo_t        *cr,
                const char     *family,
                const char     *text,
                double          px,
                PangoWeight     weight,
                double          x,
                double          y,
                double          width,
                const CstColor *color)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_new ();
  int w, h;

  pango_font_description_set_family (desc, family);
  pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);

  cst_chart_set_source_color (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  return h;
}

/* Charts drawn on a slide: the same painters at a larger scale, on the slide's background. */
static void
style_for_chart (const CstChartStyle *style,
                 double               height,
                 CstChartStyle       *out)
{
  cst_chart_style_copy (style, out);
  out->scale = style->scale * MAX (1.0, height / 520.0);
  out->background.alpha = 0.0;
}

/**
 * cst_chart_slide_paint:
 *
 * Paints @slide filling @width × @height, on the style's background (or white/dark when it
 * is transparent). Text is sized from the height: titles at 8 % of it, facts at 4.5 %.
 */
void
cst_chart_slide_paint (cairo_t             *cr,
                       const CstSlide      *slide,
                       double               width,
                       double               height,
                       const CstChartStyle *style)
{
  const char *family = style->font_family != NULL ? style->font_family : "Cantarell";
  double margin = MIN (width, height) * 0.07;
  double inner = width - 2 * margin;
  double y = margin;
  CstChartStyle chart_style;

  g_return_if_fail (cr != NULL && slide != NULL && style != NULL);

  if (width < 40 || height < 40)
    return;

  cairo_save (cr);
  if (style->background.alpha > 0)
    cst_chart_set_source_color (cr, &style->background);
  else if (style->foreground.red > 0.5)
    cairo_set_source_rgb (cr, 0.14, 0.14, 0.15);
  else
    cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  style_for_chart (style, height, &chart_style);

  if (slide->kind == SLIDE_SEGMENT)
    {
      const CstColor *color = cst_chart_style_segment (style, slide->segment);

      /* The segment's colour as a band on the left edge ties the slide to the map. */
      cst_chart_set_source_color (cr, color);
      cairo_rectangle (cr, 0, 0, margin * 0.35, height);
      cairo_fill (cr);
    }

  y += draw_paragraph (cr, family, slide->title, height * 0.08, PANGO_WEIGHT_BOLD, margin, y, inner,
                       &style->foreground);
  if (slide->subtitle != NULL)
    y += height * 0.015 + draw_paragraph (cr, family, slide->subtitle, height * 0.04, PANGO_WEIGHT_NORMAL,
                                          margin, y + height * 0.015, inner, &style->muted);
  y += height * 0.05;

  if (slide->kind == SLIDE_OVERVIEW && slide->sizes != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, margin, y);
      cst_chart_sizes_paint (cr, slide->sizes, inner, height - y - margin, &chart_style);
      cairo_restore (cr);
    }
  else if (slide->kind == SLIDE_SEGMENT)
    {
      double left = inner * 0.46;
      double fy = y;

      for (guint i = 0; i < 3 && slide->facts[i] != NULL; i++)
        {
          g_autofree char *bullet = g_strdup_printf ("•  %s", slide->facts[i]);

          fy += draw_paragraph (cr, family, bullet, height * 0.045, PANGO_WEIGHT_NORMAL, margin, fy, left,
                                &style->foreground) + height * 0.035;
        }
      if (slide->footer != NULL)
        draw_paragraph (cr, family, slide->footer, height * 0.045, PANGO_WEIGHT_BOLD, margin,
                        MAX (fy, height - margin - height * 0.06), left, &style->accent);

      if (slide->difference != NULL)
        {
          cairo_save (cr);
          cairo_translate (cr, margin + left + inner * 0.04, y);
          cst_chart_difference_paint (cr, slide->difference, inner - left - inner * 0.04, height - y - margin,
                                      &chart_style);
          cairo_restore (cr);
        }
    }

  if (slide->n_pages > 0)
    {
      g_autofree char *page = g_strdup_printf ("%u / %u", slide->page + 1, slide->n_pages);
      g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
      PangoFontDescription *desc = pango_font_description_new ();
      int w, h;

      pango_font_description_set_family (desc, family);
      pango_font_description_set_absolute_size (desc, height * 0.025 * PANGO_SCALE);
      pango_layout_set_font_description (layout, desc);
      pango_font_description_free (desc);
      pango_layout_set_text (layout, page, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      cst_chart_set_source_color (cr, &style->muted);
      cairo_move_to (cr, width - margin * 0.5 - w, height - margin * 0.5 - h);
      pango_cairo_show_layout (cr, layout);
    }

  cst_chart_style_clear (&chart_style);
  cairo_restore (cr);
}

/* Returns: (transfer full): the slide in words, for screen readers */
char *
cst_chart_slide_describe (const CstSlide *slide)
{
  g_autoptr(GString) text = g_string_new (slide->title);

  if (slide->subtitle != NULL)
    g_string_append_printf (text, ". %s", slide->subtitle);
  for (guint i = 0; i < 3 && slide->facts[i] != NULL; i++)
    g_string_append_printf (text, ". %s", slide->facts[i]);
  if (slide->footer != NULL)
    g_string_append_printf (text, ". %s", slide->footer);
  g_string_append_c (text, '.');
  return g_string_free (g_steal_pointer (&text), FALSE);
}
