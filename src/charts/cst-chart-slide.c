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
  SLIDE_CHART,
} SlideKind;

struct _CstSlide
{
  SlideKind           kind;
  char               *title;
  char               *subtitle;       /* overview: the reason; segment: its size */
  char               *facts_title;    /* chart: a heading over the facts */
  char               *facts[3];
  char               *footer;         /* segment: its share of revenue */
  guint               segment;
  guint               page;
  guint               n_pages;
  CstSizesModel      *sizes;
  CstDifferenceModel *difference;
  gpointer            model;          /* chart */
  CstSlidePaintFunc   paint;
  GDestroyNotify      free_model;
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

/**
 * cst_slide_new_chart:
 * @subtitle: (nullable): a sentence under the headline
 * @facts_title: (nullable): a heading over @facts
 * @facts: (array zero-terminated=1) (nullable): up to three bullets
 * @footer: (nullable): a closing sentence in the accent colour
 * @model: (transfer full) (nullable): the chart's model, freed with @free_model
 * @paint: (nullable): its painter
 */
CstSlide *
cst_slide_new_chart (const char         *title,
                     const char         *subtitle,
                     const char         *facts_title,
                     const char * const *facts,
                     const char         *footer,
                     gpointer            model,
                     CstSlidePaintFunc   paint,
                     GDestroyNotify      free_model)
{
  CstSlide *self = g_new0 (CstSlide, 1);

  self->kind = SLIDE_CHART;
  self->title = g_strdup (title);
  self->subtitle = g_strdup (subtitle);
  self->facts_title = g_strdup (facts_title);
  for (guint i = 0; facts != NULL && i < 3 && facts[i] != NULL; i++)
    self->facts[i] = g_strdup (facts[i]);
  self->footer = g_strdup (footer);
  self->model = model;
  self->paint = paint;
  self->free_model = free_model;
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
  g_free (slide->facts_title);
  for (guint i = 0; i < 3; i++)
    g_free (slide->facts[i]);
  g_free (slide->footer);
  g_clear_pointer (&slide->sizes, cst_sizes_model_free);
  g_clear_pointer (&slide->difference, cst_difference_model_free);
  if (slide->model != NULL && slide->free_model != NULL)
    slide->free_model (slide->model);
  g_free (slide);
}

/* Wrapped text of @px pixels per em at (x, y); returns its height. With @color %NULL it only
 * measures. */
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

  if (color != NULL)
    {
      cst_chart_set_source_color (cr, color);
      cairo_move_to (cr, x, y);
      pango_cairo_show_layout (cr, layout);
    }
  return h;
}

/* A bullet in the accent colour with its text in a hanging indent; returns the height. With
 * @style %NULL it only measures. */
static double
draw_bullet (cairo_t             *cr,
             const char          *family,
             const char          *text,
             double               px,
             double               x,
             double               y,
             double               width,
             const CstChartStyle *style)
{
  double indent = px * 1.1;

  if (style != NULL)
    draw_paragraph (cr, family, "•", px, PANGO_WEIGHT_NORMAL, x + px * 0.1, y, indent, &style->accent);
  return draw_paragraph (cr, family, text, px, PANGO_WEIGHT_NORMAL, x + indent, y, width - indent,
                         style != NULL ? &style->foreground : NULL);
}

/* The largest size from @px down to @min_px (in steps of 8 %) at which @text takes at most
 * @max_lines lines of @width. */
static double
fit_lines (cairo_t     *cr,
           const char  *family,
           const char  *text,
           double       px,
           double       min_px,
           PangoWeight  weight,
           double       width,
           guint        max_lines)
{
  while (px * 0.92 >= min_px)
    {
      double h = draw_paragraph (cr, family, text, px, weight, 0, 0, width, NULL);

      if (h <= max_lines * px * 1.4)
        break;
      px *= 0.92;
    }
  return px;
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

/* The words of a chart slide on the left (heading, bullets, footer), shrunk together until they
 * fit above the bottom margin; the chart on the right. */
static void
paint_chart_slide_body (cairo_t             *cr,
                        const CstSlide      *slide,
                        const char          *family,
                        double               margin,
                        double               top,
                        double               width,
                        double               height,
                        const CstChartStyle *style,
                        const CstChartStyle *chart_style)
{
  double inner = width - 2 * margin;
  /* On a 4:3 slide the chart needs a larger share of the narrower width. */
  double left = inner * (width / height < 1.5 ? 0.39 : 0.42);
  double bottom = height - margin;
  double px = height * 0.045;
  double gap, y;
  guint n_facts = 0;

  while (n_facts < 3 && slide->facts[n_facts] != NULL)
    n_facts++;

  /* Heading, bullets with a hanging indent, footer: all at one size, shrunk together. */
  for (;;)
    {
      double h = 0;

      gap = px * 0.6;
      if (slide->facts_title != NULL)
        h += draw_paragraph (cr, family, slide->facts_title, px, PANGO_WEIGHT_BOLD, 0, 0, left, NULL) + gap * 0.6;
      for (guint i = 0; i < n_facts; i++)
        h += draw_bullet (cr, family, slide->facts[i], px, 0, 0, left, NULL) + gap;
      if (slide->footer != NULL)
        h += gap + draw_paragraph (cr, family, slide->footer, px, PANGO_WEIGHT_BOLD, 0, 0, left, NULL);
      if (top + h <= bottom || px * 0.93 < height * 0.03)
        break;
      px *= 0.93;
    }

  y = top;
  if (slide->facts_title != NULL)
    y += draw_paragraph (cr, family, slide->facts_title, px, PANGO_WEIGHT_BOLD, margin, y, left,
                         &style->muted) + gap * 0.6;
  for (guint i = 0; i < n_facts; i++)
    y += draw_bullet (cr, family, slide->facts[i], px, margin, y, left, style) + gap;
  if (slide->footer != NULL)
    {
      double h = draw_paragraph (cr, family, slide->footer, px, PANGO_WEIGHT_BOLD, 0, 0, left, NULL);

      draw_paragraph (cr, family, slide->footer, px, PANGO_WEIGHT_BOLD, margin, MAX (y + gap, bottom - h), left,
                      &style->accent);
    }

  if (slide->model != NULL && slide->paint != NULL)
    {
      double x = margin + left + inner * 0.04;

      cairo_save (cr);
      cairo_translate (cr, x, top);
      slide->paint (cr, slide->model, width - margin - x, bottom - top, chart_style);
      cairo_restore (cr);
    }
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
  double title_px = height * 0.08, subtitle_px = height * 0.04;
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

  if (slide->kind == SLIDE_CHART)
    {
      /* A headline is a sentence: two lines at most, in type no smaller than 5.5 %. */
      title_px = fit_lines (cr, family, slide->title, height * 0.075, height * 0.055, PANGO_WEIGHT_BOLD, inner, 2);
      subtitle_px = slide->subtitle != NULL
                    ? fit_lines (cr, family, slide->subtitle, height * 0.04, height * 0.034, PANGO_WEIGHT_NORMAL, inner, 2)
                    : subtitle_px;
    }
  y += draw_paragraph (cr, family, slide->title, title_px, PANGO_WEIGHT_BOLD, margin, y, inner,
                       &style->foreground);
  if (slide->subtitle != NULL)
    y += height * 0.015 + draw_paragraph (cr, family, slide->subtitle, subtitle_px, PANGO_WEIGHT_NORMAL,
                                          margin, y + height * 0.015, inner, &style->muted);
  y += slide->kind == SLIDE_CHART ? height * 0.04 : height * 0.05;

  if (slide->kind == SLIDE_OVERVIEW && slide->sizes != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, margin, y);
      cst_chart_sizes_paint (cr, slide->sizes, inner, height - y - margin, &chart_style);
      cairo_restore (cr);
    }
  else if (slide->kind == SLIDE_SEGMENT)
    {
      double left = inner * 0.44;
      double fy = y;

      for (guint i = 0; i < 3 && slide->facts[i] != NULL; i++)
        fy += draw_bullet (cr, family, slide->facts[i], height * 0.045, margin, fy, left, style) + height * 0.035;
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
  else if (slide->kind == SLIDE_CHART)
    paint_chart_slide_body (cr, slide, family, margin, y, width, height, style, &chart_style);

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
/* Appends @sentence, ending the text so far with a full stop unless it has one. */
static void
append_sentence (GString    *text,
                 const char *sentence)
{
  if (text->len > 0)
    {
      if (text->str[text->len - 1] != '.')
        g_string_append_c (text, '.');
      g_string_append_c (text, ' ');
    }
  g_string_append (text, sentence);
}

char *
cst_chart_slide_describe (const CstSlide *slide)
{
  g_autoptr(GString) text = g_string_new (NULL);

  append_sentence (text, slide->title);
  if (slide->subtitle != NULL)
    append_sentence (text, slide->subtitle);
  if (slide->facts_title != NULL)
    append_sentence (text, slide->facts_title);
  for (guint i = 0; i < 3 && slide->facts[i] != NULL; i++)
    append_sentence (text, slide->facts[i]);
  if (slide->footer != NULL)
    append_sentence (text, slide->footer);
  append_sentence (text, "");
  g_string_truncate (text, text->len - 1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}
