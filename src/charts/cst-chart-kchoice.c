/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-kchoice"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-chart-kchoice.h"
#include "cst-chart-util.h"

/* The two score lines take palette colours 1 and 6, Okabe & Ito's blue and vermillion: a pair
 * that stays distinct for every kind of colour vision, and both above 3:1 contrast on light
 * and dark surfaces. Their markers differ in shape too (circles and squares). */
#define SILHOUETTE_COLOR 0
#define STABILITY_COLOR  5

#define N_LEGEND_ITEMS 4

/* Between the score panel and the smallest-segment panel, enough for both tick labels. */
#define PANEL_GAP 32.0

struct _CstKChoiceModel
{
  guint    n;
  guint   *k;
  double  *silhouette;
  double  *stability;
  double  *smallest_share;
  int      recommended;    /* an index, or -1 */
  int      chosen;         /* an index, or -1 when the user has not chosen another k */
  double   min_share;
  char    *reason;
  char    *title;
  int      selected;

  /* Prepared ranges. */
  double   score_lo;       /* the lowest score, or 0 when all are positive */
  double   share_hi;       /* the largest smallest-share */
  gboolean has_silhouette;
  gboolean has_stability;
  gboolean has_share;
};

/* The chart's own layouts, owned by its frame. */
typedef struct
{
  PangoLayout *legend;
  PangoLayout *tick;
  PangoLayout *tick_bold;
  PangoLayout *axis;
  PangoLayout *label;
} KChoiceText;

typedef struct
{
  double             s;
  double             pad;

  gboolean           show_legend;
  char              *legend_text[N_LEGEND_ITEMS];
  gboolean           legend_shown[N_LEGEND_ITEMS];
  double             legend_x[N_LEGEND_ITEMS];
  double             legend_y[N_LEGEND_ITEMS];
  double             legend_row_h;
  double             legend_text_h;

  gboolean           show_plot;
  gboolean           show_lower;
  gboolean           show_axes;
  double             plot_x;
  double             plot_w;
  double             col_w;
  cairo_rectangle_t  upper;
  cairo_rectangle_t  lower;
  CstChartTicks      upper_ticks;
  CstChartTicks      lower_ticks;
  double             tick_h;
  double             axis_h;
  guint              label_stride;
  double             band_top;
  double             band_bottom;

  /* The pills above the recommended and chosen columns; width 0 when not shown. */
  cairo_rectangle_t  rec_label;
  cairo_rectangle_t  chosen_label;
  char              *rec_text;
  char              *chosen_text;
} KChoiceGeometry;

static const char *
model_title (const CstKChoiceModel *model)
{
  return model->title != NULL ? model->title : _("Choosing the number of segments");
}

static gboolean
has_selection (const CstKChoiceModel *model)
{
  return model->selected >= 0 && (guint) model->selected < model->n;
}

static char *
format_score (double value)
{
  return cst_chart_format_number (value, 2);
}

static char *
format_share (double share)
{
  return cst_chart_format_percent (share, 1);
}

/* "3 %", or "2.5 %" when the threshold is not a whole percent. */
static char *
format_min_share (const CstKChoiceModel *model)
{
  double percent = model->min_share * 100.0;
  gboolean whole = fabs (percent - round (percent)) < 1e-9;

  return cst_chart_format_percent (model->min_share, whole ? 0 : 1);
}

static void
kchoice_text_init (KChoiceText   *text,
                   CstChartFrame *frame)
{
  text->legend = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_NORMAL);
  text->tick = cst_chart_frame_create_layout (frame, CST_CHART_FONT_TINY, PANGO_WEIGHT_NORMAL);
  text->tick_bold = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_BOLD);
  text->axis = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_NORMAL);
  text->label = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_BOLD);
}

static void
kchoice_geometry_clear (KChoiceGeometry *geo)
{
  g_clear_pointer (&geo->rec_text, g_free);
  g_clear_pointer (&geo->chosen_text, g_free);
  for (guint i = 0; i < N_LEGEND_ITEMS; i++)
    g_clear_pointer (&geo->legend_text[i], g_free);
}

static double
column_x (const KChoiceGeometry *geo,
          guint                  index)
{
  return geo->plot_x + (index + 0.5) * geo->col_w;
}

static double
score_y (const KChoiceGeometry *geo,
         double                 value)
{
  const CstChartTicks *t = &geo->upper_ticks;
  double frac = (value - t->min) / (t->max - t->min);

  return geo->upper.y + geo->upper.height * (1.0 - CLAMP (frac, 0.0, 1.0));
}

static double
share_y (const KChoiceGeometry *geo,
         double                 value)
{
  double frac = value / geo->lower_ticks.max;

  return geo->lower.y + geo->lower.height * (1.0 - CLAMP (frac, 0.0, 1.0));
}

static char *
share_tick_text (double value,
                 double step)
{
  return cst_chart_format_percent (value, step < 0.01 - 1e-12 ? 1 : 0);
}

/* Puts the pill of @text centred above column @index, kept inside the plot. */
static void
place_label (const KChoiceGeometry *geo,
             KChoiceText           *text,
             const char            *label,
             guint                  index,
             double                 y,
             double                 width,
             cairo_rectangle_t     *rect)
{
  double s = geo->s;
  double tw, th;

  tw = cst_chart_measure_text (text->label, label, &th);
  rect->width = tw + 16.0 * s;
  rect->height = th + 6.0 * s;
  rect->x = column_x (geo, index) - rect->width / 2.0;
  rect->x = CLAMP (rect->x, geo->pad, width - geo->pad - rect->width);
  rect->y = y;
}

static void
compute_legend (const CstKChoiceModel *model,
                double                 width,
                double                 top,
                KChoiceText           *text,
                KChoiceGeometry       *geo)
{
  double s = geo->s;
  double x = geo->pad;
  guint row = 0;
  g_autofree char *minimum = format_min_share (model);

  geo->legend_text[0] = g_strdup (_("Separation (silhouette)"));
  geo->legend_text[1] = g_strdup (_("Stability"));
  geo->legend_text[2] = g_strdup (_("Smallest segment"));
  /* Translators: the legend of the smallest actionable segment size, "3 % minimum". */
  geo->legend_text[3] = g_strdup_printf (_("%s minimum"), minimum);
  geo->legend_shown[0] = model->has_silhouette;
  geo->legend_shown[1] = model->has_stability;
  geo->legend_shown[2] = geo->legend_shown[3] = model->has_share;

  cst_chart_measure_text (text->legend, "Ag", &geo->legend_text_h);
  geo->legend_row_h = ceil (geo->legend_text_h * 1.4);

  for (guint i = 0; i < N_LEGEND_ITEMS; i++)
    {
      double w;

      if (!geo->legend_shown[i])
        continue;

      w = 22.0 * s + 6.0 * s + cst_chart_measure_text (text->legend, geo->legend_text[i], NULL);
      if (x > geo->pad && x + w > width - geo->pad)
        {
          row++;
          x = geo->pad;
        }
      geo->legend_x[i] = x;
      geo->legend_y[i] = top + row * geo->legend_row_h;
      x += w + 18.0 * s;
    }
}

/* Lays the chart out for @frame: creates @text there, so that painting, hit tests and tests
 * all measure the same text, then measures the header into @frame and fills @geo. */
static void
compute_geometry (const CstKChoiceModel *model,
                  CstChartFrame         *frame,
                  KChoiceText           *text,
                  KChoiceGeometry       *geo)
{
  double width = frame->width;
  double height = frame->height;
  double s = frame->s;
  g_autofree char *subtitle = NULL;
  double top, bottom, total, left_w = 0.0;
  double label_h = 0.0;
  guint n = model->n;

  kchoice_text_init (text, frame);
  memset (geo, 0, sizeof *geo);
  geo->s = s;

  if (!frame->drawable)
    return;

  geo->pad = frame->pad;
  if (model->reason != NULL)
    subtitle = g_strdup (model->reason);
  else if (n > 1)
    /* Translators: the subtitle of the k-choice chart, "For 2 to 12 segments; higher is better". */
    subtitle = g_strdup_printf (_("For %u to %u segments; higher is better"),
                                model->k[0], model->k[n - 1]);
  else if (n == 1)
    /* Translators: the subtitle of a k-choice chart with one candidate, "For 4 segments; …". */
    subtitle = g_strdup_printf (ngettext ("For %u segment; higher is better",
                                          "For %u segments; higher is better", model->k[0]),
                                model->k[0]);
  /* Without candidates there is nothing to say below the title. */
  if (!cst_chart_header_measure (&frame->header, model_title (model), subtitle,
                                 width, height, s, geo->pad, 200.0))
    return;

  top = cst_chart_header_get_bottom (&frame->header) + 12.0 * s;

  if (n == 0)
    return;

  geo->show_legend = height >= 220.0 * s && width >= 240.0 * s;
  if (geo->show_legend)
    {
      double last = top;

      compute_legend (model, width, top, text, geo);
      for (guint i = 0; i < N_LEGEND_ITEMS; i++)
        if (geo->legend_shown[i])
          last = MAX (last, geo->legend_y[i] + geo->legend_row_h);
      top = last + 10.0 * s;
    }

  /* A row for the "Recommended" and "Your choice" pills above the plot. */
  if (model->recommended >= 0 || model->chosen >= 0)
    {
      cst_chart_measure_text (text->label, "Ag", &label_h);
      label_h += 6.0 * s;
      top += label_h + 6.0 * s;
    }

  cst_chart_measure_text (text->tick, "0", &geo->tick_h);
  cst_chart_measure_text (text->axis, "0", &geo->axis_h);
  geo->show_axes = height >= 160.0 * s && width >= 200.0 * s;

  bottom = height - geo->pad;
  if (geo->show_axes)
    bottom -= 6.0 * s + geo->tick_h * (CST_CHART_FONT_SMALL / CST_CHART_FONT_TINY) + 4.0 * s
              + geo->axis_h;
  total = bottom - top;

  geo->show_lower = model->has_share && total >= 200.0 * s;
  if (geo->show_lower)
    {
      geo->lower.height = round (total * 0.3);
      geo->upper.height = total - geo->lower.height - PANEL_GAP * s;
    }
  else
    geo->upper.height = total;
  geo->upper.y = top;
  geo->lower.y = top + geo->upper.height + PANEL_GAP * s;

  if (geo->upper.height < 30.0 * s)
    return;

  /* Scores run to 1; below 0 only when a silhouette is negative. */
  cst_chart_nice_ticks (model->score_lo, 1.0,
                        (guint) CLAMP (geo->upper.height / (44.0 * s), 3.0, 6.0),
                        &geo->upper_ticks);
  if (geo->show_lower)
    cst_chart_nice_ticks (0.0, MAX (model->share_hi, model->min_share * 1.6),
                          (guint) CLAMP (geo->lower.height / (28.0 * s), 2.0, 4.0),
                          &geo->lower_ticks);

  if (geo->show_axes)
    {
      for (guint i = 0; i < geo->upper_ticks.n_ticks; i++)
        {
          g_autofree char *label = cst_chart_format_tick (cst_chart_ticks_value (&geo->upper_ticks,
                                                                                 i),
                                                          geo->upper_ticks.step);

          left_w = MAX (left_w, cst_chart_measure_text (text->tick, label, NULL));
        }
      for (guint i = 0; geo->show_lower && i < geo->lower_ticks.n_ticks; i++)
        {
          g_autofree char *label = share_tick_text (cst_chart_ticks_value (&geo->lower_ticks, i),
                                                    geo->lower_ticks.step);

          left_w = MAX (left_w, cst_chart_measure_text (text->tick, label, NULL));
        }
      left_w += 8.0 * s;
    }

  geo->plot_x = geo->pad + left_w;
  geo->plot_w = width - geo->pad - geo->plot_x;
  geo->upper.x = geo->lower.x = geo->plot_x;
  geo->upper.width = geo->lower.width = geo->plot_w;
  geo->col_w = geo->plot_w / n;
  geo->show_plot = geo->plot_w >= 40.0 * s;
  if (!geo->show_plot)
    return;

  /* Number labels under every column, or every second, third… when they would touch. */
  {
    g_autofree char *widest = g_strdup_printf ("%u", model->k[n - 1]);
    double w = cst_chart_measure_text (text->tick_bold, widest, NULL) + 8.0 * s;

    geo->label_stride = (guint) MAX (1.0, ceil (w / geo->col_w));
  }

  geo->band_top = geo->upper.y - 4.0 * s;
  geo->band_bottom = (geo->show_lower ? geo->lower.y + geo->lower.height : geo->upper.y
                      + geo->upper.height) + 4.0 * s;
  if (geo->show_axes)
    geo->band_bottom += geo->tick_h * (CST_CHART_FONT_SMALL / CST_CHART_FONT_TINY) + 4.0 * s;

  if (model->recommended >= 0)
    {
      /* Translators: the label above the recommended number of segments, "Recommended: 5". */
      geo->rec_text = g_strdup_printf (_("Recommended: %u"), model->k[model->recommended]);
      place_label (geo, text, geo->rec_text, model->recommended, top - label_h - 6.0 * s, width,
                   &geo->rec_label);
    }

  if (model->chosen >= 0)
    {
      /* Translators: the label above the number of segments the user chose, "Your choice: 7". */
      geo->chosen_text = g_strdup_printf (_("Your choice: %u"), model->k[model->chosen]);
      place_label (geo, text, geo->chosen_text, model->chosen, top - label_h - 6.0 * s, width,
                   &geo->chosen_label);

      /* Neighbouring pills push the chosen one aside, towards its own column. */
      if (geo->rec_label.width > 0.0)
        {
          cairo_rectangle_t *r = &geo->rec_label;
          cairo_rectangle_t *c = &geo->chosen_label;
          double gap = 6.0 * s;

          if (c->x < r->x + r->width + gap && r->x < c->x + c->width + gap)
            {
              if (model->chosen > model->recommended)
                c->x = r->x + r->width + gap;
              else
                c->x = r->x - gap - c->width;
            }
          if (c->x < geo->pad || c->x + c->width > width - geo->pad)
            c->width = 0.0;
        }
    }
}

static void
paint_bands (cairo_t               *cr,
             const CstKChoiceModel *model,
             const KChoiceGeometry *geo,
             const CstChartStyle   *style)
{
  double s = geo->s;
  double w = MIN (geo->col_w * 0.86, 56.0 * s);
  double h = geo->band_bottom - geo->band_top;

  if (has_selection (model))
    {
      CstColor fill = style->foreground;

      fill.alpha = style->high_contrast ? 0.12 : 0.06;
      cst_chart_rounded_rectangle (cr, column_x (geo, model->selected) - w / 2.0, geo->band_top,
                                   w, h, 8.0 * s);
      cst_chart_set_source_color (cr, &fill);
      cairo_fill (cr);
    }

  if (model->recommended >= 0)
    {
      CstColor fill = style->accent;

      fill.alpha = style->high_contrast ? 0.22 : 0.13;
      cst_chart_rounded_rectangle (cr, column_x (geo, model->recommended) - w / 2.0,
                                   geo->band_top, w, h, 8.0 * s);
      cst_chart_set_source_color (cr, &fill);
      cairo_fill (cr);
    }

  if (model->chosen >= 0)
    {
      double dash[] = { 4.0 * s, 3.0 * s };
      CstColor line = style->foreground;

      line.alpha *= 0.6;
      cairo_save (cr);
      cst_chart_rounded_rectangle (cr, column_x (geo, model->chosen) - w / 2.0 + 0.75 * s,
                                   geo->band_top + 0.75 * s, w - 1.5 * s, h - 1.5 * s, 8.0 * s);
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
      cairo_set_line_width (cr, 1.5 * s);
      cst_chart_set_source_color (cr, &line);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
}

static void
paint_axes (cairo_t               *cr,
            const CstKChoiceModel *model,
            const KChoiceGeometry *geo,
            const CstChartStyle   *style,
            KChoiceText           *text)
{
  double s = geo->s;
  double lw = MAX (1.0, round (s));
  CstColor grid = style->muted;
  CstColor base = style->muted;

  grid.alpha *= style->high_contrast ? 0.35 : 0.22;
  base.alpha *= style->high_contrast ? 1.0 : 0.6;
  cairo_set_line_width (cr, lw);

  for (guint i = 0; i < geo->upper_ticks.n_ticks; i++)
    {
      double v = cst_chart_ticks_value (&geo->upper_ticks, i);
      double y = cst_chart_snap (score_y (geo, v), lw);

      cst_chart_set_source_color (cr, i == 0 || fabs (v) < 1e-9 ? &base : &grid);
      cairo_move_to (cr, geo->plot_x, y);
      cairo_line_to (cr, geo->plot_x + geo->plot_w, y);
      cairo_stroke (cr);

      if (geo->show_axes)
        {
          g_autofree char *label = cst_chart_format_tick (v, geo->upper_ticks.step);

          cst_chart_draw_text (cr, text->tick, label, geo->plot_x - 8.0 * s, y - geo->tick_h / 2.0,
                               0.0, CST_CHART_ALIGN_END, &style->muted);
        }
    }

  for (guint i = 0; geo->show_lower && i < geo->lower_ticks.n_ticks; i++)
    {
      double v = cst_chart_ticks_value (&geo->lower_ticks, i);
      double y = cst_chart_snap (share_y (geo, v), lw);

      cst_chart_set_source_color (cr, i == 0 ? &base : &grid);
      cairo_move_to (cr, geo->plot_x, y);
      cairo_line_to (cr, geo->plot_x + geo->plot_w, y);
      cairo_stroke (cr);

      if (geo->show_axes)
        {
          g_autofree char *label = share_tick_text (v, geo->lower_ticks.step);

          cst_chart_draw_text (cr, text->tick, label, geo->plot_x - 8.0 * s, y - geo->tick_h / 2.0,
                               0.0, CST_CHART_ALIGN_END, &style->muted);
        }
    }

  if (!geo->show_axes)
    return;

  {
    double y = (geo->show_lower ? geo->lower.y + geo->lower.height
                                : geo->upper.y + geo->upper.height) + 6.0 * s;
    double label_h = 0.0;

    for (guint i = 0; i < model->n; i++)
      {
        g_autofree char *label = NULL;
        gboolean recommended = (int) i == model->recommended;
        gboolean strong = recommended || (int) i == model->chosen || (int) i == model->selected;

        if (i % geo->label_stride != 0 && !strong)
          continue;

        label = g_strdup_printf ("%u", model->k[i]);
        cst_chart_draw_text (cr, strong ? text->tick_bold : text->axis, label, column_x (geo, i),
                             y, 0.0, CST_CHART_ALIGN_CENTER,
                             recommended ? &style->accent : strong ? &style->foreground
                                                                   : &style->muted);
      }

    cst_chart_measure_text (text->axis, "0", &label_h);
    cst_chart_draw_text (cr, text->axis, _("Number of segments"),
                         geo->plot_x + geo->plot_w / 2.0, y + label_h + 4.0 * s, geo->plot_w,
                         CST_CHART_ALIGN_CENTER, &style->muted);
  }
}

/* A bar growing up from @base, rounded at the top only; an open path along the baseline. */
static void
bar_path (cairo_t *cr,
          double   x,
          double   top,
          double   w,
          double   base,
          double   radius)
{
  radius = MIN (radius, MIN (w / 2.0, base - top));
  if (radius <= 0.0)
    {
      cairo_rectangle (cr, x, top, w, base - top);
      return;
    }

  cairo_move_to (cr, x, base);
  cairo_arc (cr, x + radius, top + radius, radius, G_PI, 1.5 * G_PI);
  cairo_arc (cr, x + w - radius, top + radius, radius, 1.5 * G_PI, 2.0 * G_PI);
  cairo_line_to (cr, x + w, base);
}

static void
paint_bars (cairo_t               *cr,
            const CstKChoiceModel *model,
            const KChoiceGeometry *geo,
            const CstChartStyle   *style,
            KChoiceText           *text)
{
  double s = geo->s;
  double bar_w = MIN (geo->col_w * 0.5, 28.0 * s);
  double base = share_y (geo, 0.0);
  double threshold = share_y (geo, model->min_share);
  CstColor solid = style->foreground;
  CstColor faint = style->muted;
  CstColor line = style->foreground;

  solid.alpha = style->high_contrast ? 0.55 : 0.32;
  faint.alpha *= 0.5;

  for (guint i = 0; i < model->n; i++)
    {
      double v = model->smallest_share[i];
      double top, x;

      if (!isfinite (v))
        continue;

      top = MIN (share_y (geo, v), base - 1.0 * s);
      x = column_x (geo, i) - bar_w / 2.0;

      bar_path (cr, x, top, bar_w, base, 3.0 * s);
      if (v >= model->min_share)
        {
          cst_chart_set_source_color (cr, &solid);
          cairo_fill (cr);
        }
      else
        {
          /* Too small to act on: an outline only, so that it reads as missing the mark. */
          cairo_new_path (cr);
          bar_path (cr, x + 0.75 * s, top + 0.75 * s, bar_w - 1.5 * s, base, 3.0 * s);
          cst_chart_set_source_color (cr, &faint);
          cairo_set_line_width (cr, 1.5 * s);
          cairo_stroke (cr);
        }
    }

  /* The actionable threshold, dashed across the panel, labelled at its right end. */
  {
    double dash[] = { 5.0 * s, 4.0 * s };
    double lw = (style->high_contrast ? 2.0 : 1.5) * s;
    g_autofree char *minimum = format_min_share (model);
    g_autofree char *label = g_strdup_printf (_("%s minimum"), minimum);
    double tw, th;
    CstColor backing;

    line.alpha *= 0.8;
    cairo_save (cr);
    cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
    cairo_set_line_width (cr, lw);
    cst_chart_set_source_color (cr, &line);
    cairo_move_to (cr, geo->plot_x, cst_chart_snap (threshold, lw));
    cairo_line_to (cr, geo->plot_x + geo->plot_w, cst_chart_snap (threshold, lw));
    cairo_stroke (cr);
    cairo_restore (cr);

    tw = cst_chart_measure_text (text->tick, label, &th);
    cst_chart_style_get_surface (style, &backing);
    backing.alpha = 0.85;
    cst_chart_rounded_rectangle (cr, geo->plot_x + geo->plot_w - tw - 8.0 * s,
                                 threshold - th - 3.0 * s, tw + 8.0 * s, th + 2.0 * s, 3.0 * s);
    cst_chart_set_source_color (cr, &backing);
    cairo_fill (cr);
    cst_chart_draw_text (cr, text->tick, label, geo->plot_x + geo->plot_w - 4.0 * s,
                         threshold - th - 2.0 * s, 0.0, CST_CHART_ALIGN_END, &style->foreground);
  }
}

static void
marker_path (cairo_t *cr,
             double   x,
             double   y,
             double   r,
             gboolean square)
{
  if (square)
    cairo_rectangle (cr, x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r);
  else
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0.0, 2.0 * G_PI);
    }
}

static void
paint_series (cairo_t               *cr,
              const CstKChoiceModel *model,
              const KChoiceGeometry *geo,
              const CstChartStyle   *style,
              const double          *values,
              const CstColor        *color,
              gboolean               square)
{
  double s = geo->s;
  double r = 4.5 * s;
  gboolean drawing = FALSE;
  CstColor ring;

  cst_chart_style_get_surface (style, &ring);

  /* The line, broken where a value is missing. */
  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, (style->high_contrast ? 3.5 : 2.5) * s);
  for (guint i = 0; i < model->n; i++)
    {
      if (!isfinite (values[i]))
        {
          drawing = FALSE;
          continue;
        }
      if (drawing)
        cairo_line_to (cr, column_x (geo, i), score_y (geo, values[i]));
      else
        cairo_move_to (cr, column_x (geo, i), score_y (geo, values[i]));
      drawing = TRUE;
    }
  cst_chart_set_source_color (cr, color);
  cairo_stroke (cr);

  for (guint i = 0; i < model->n; i++)
    {
      double rr = (int) i == model->selected ? r * 1.35 : r;

      if (!isfinite (values[i]))
        continue;

      marker_path (cr, column_x (geo, i), score_y (geo, values[i]), rr, square);
      cst_chart_set_source_color (cr, color);
      cairo_fill_preserve (cr);
      cst_chart_set_source_color (cr, &ring);
      cairo_set_line_width (cr, 1.5 * s);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
paint_pills (cairo_t               *cr,
             const KChoiceGeometry *geo,
             const CstChartStyle   *style,
             KChoiceText           *text)
{
  double s = geo->s;

  if (geo->rec_label.width > 0.0)
    {
      const cairo_rectangle_t *r = &geo->rec_label;
      CstColor fill = style->accent;

      fill.alpha = style->high_contrast ? 0.3 : 0.18;
      cst_chart_rounded_rectangle (cr, r->x, r->y, r->width, r->height, r->height / 2.0);
      cst_chart_set_source_color (cr, &fill);
      cairo_fill (cr);
      cst_chart_draw_text (cr, text->label, geo->rec_text, r->x + r->width / 2.0, r->y + 3.0 * s,
                           0.0, CST_CHART_ALIGN_CENTER, &style->accent);
    }

  if (geo->chosen_label.width > 0.0)
    {
      const cairo_rectangle_t *r = &geo->chosen_label;
      CstColor border = style->foreground;

      border.alpha *= 0.6;
      cst_chart_rounded_rectangle (cr, r->x + 0.75 * s, r->y + 0.75 * s, r->width - 1.5 * s,
                                   r->height - 1.5 * s, r->height / 2.0);
      cst_chart_set_source_color (cr, &border);
      cairo_set_line_width (cr, 1.5 * s);
      cairo_stroke (cr);
      cst_chart_draw_text (cr, text->label, geo->chosen_text, r->x + r->width / 2.0,
                           r->y + 3.0 * s, 0.0, CST_CHART_ALIGN_CENTER, &style->foreground);
    }
}

static void
paint_legend (cairo_t               *cr,
              const KChoiceGeometry *geo,
              const CstChartStyle   *style,
              KChoiceText           *text)
{
  double s = geo->s;

  for (guint i = 0; i < N_LEGEND_ITEMS; i++)
    {
      double x = geo->legend_x[i];
      double mid = geo->legend_y[i] + geo->legend_row_h / 2.0;

      if (!geo->legend_shown[i])
        continue;

      cairo_save (cr);
      switch (i)
        {
        case 0:
        case 1:
          {
            const CstColor *color = cst_chart_style_segment (style, i == 0 ? SILHOUETTE_COLOR
                                                                           : STABILITY_COLOR);
            CstColor ring;

            cst_chart_style_get_surface (style, &ring);
            cairo_set_line_width (cr, 2.5 * s);
            cairo_move_to (cr, x, mid);
            cairo_line_to (cr, x + 22.0 * s, mid);
            cst_chart_set_source_color (cr, color);
            cairo_stroke (cr);
            marker_path (cr, x + 11.0 * s, mid, 4.5 * s, i == 1);
            cairo_fill_preserve (cr);
            cst_chart_set_source_color (cr, &ring);
            cairo_set_line_width (cr, 1.5 * s);
            cairo_stroke (cr);
          }
          break;

        case 2:
          {
            CstColor solid = style->foreground;

            solid.alpha = style->high_contrast ? 0.55 : 0.32;
            cst_chart_rounded_rectangle (cr, x + 6.0 * s, mid - 6.0 * s, 10.0 * s, 12.0 * s,
                                         2.0 * s);
            cst_chart_set_source_color (cr, &solid);
            cairo_fill (cr);
          }
          break;

        default:
          {
            double dash[] = { 5.0 * s, 4.0 * s };
            CstColor line = style->foreground;

            line.alpha *= 0.8;
            cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
            cairo_set_line_width (cr, 1.5 * s);
            cairo_move_to (cr, x, mid);
            cairo_line_to (cr, x + 22.0 * s, mid);
            cst_chart_set_source_color (cr, &line);
            cairo_stroke (cr);
          }
          break;
        }
      cairo_restore (cr);

      cst_chart_draw_text (cr, text->legend, geo->legend_text[i], x + 28.0 * s,
                           mid - geo->legend_text_h / 2.0, 0.0, CST_CHART_ALIGN_START,
                           &style->foreground);
    }
}

/**
 * cst_kchoice_model_new:
 * @n_candidates: the number of candidate values of k
 * @k: (array length=n_candidates): the candidates, increasing
 * @silhouette: (array length=n_candidates) (nullable): the mean silhouette per candidate,
 *   −1…1; NAN where unknown, %NULL for none
 * @stability: (array length=n_candidates) (nullable): the stability per candidate, 0…1
 *   (for example the mean adjusted Rand index over resamples); NAN or %NULL where unknown
 * @smallest_share: (array length=n_candidates) (nullable): the share of people in the
 *   smallest segment, 0…1; NAN or %NULL where unknown
 * @recommended_k: the recommended number of segments, or 0 for none
 *
 * Prepares the k-choice chart. The smallest actionable share starts at
 * %CST_KCHOICE_DEFAULT_MIN_SHARE.
 *
 * Returns: (transfer full): the model, or %NULL when @k does not increase
 */
CstKChoiceModel *
cst_kchoice_model_new (guint         n_candidates,
                       const guint  *k,
                       const double *silhouette,
                       const double *stability,
                       const double *smallest_share,
                       guint         recommended_k)
{
  CstKChoiceModel *model;
  guint n = n_candidates;

  g_return_val_if_fail (n == 0 || k != NULL, NULL);
  for (guint i = 1; i < n; i++)
    g_return_val_if_fail (k[i] > k[i - 1], NULL);

  model = g_new0 (CstKChoiceModel, 1);
  model->n = n;
  model->k = g_memdup2 (k, sizeof (guint) * MAX (n, 1));
  model->silhouette = g_new (double, MAX (n, 1));
  model->stability = g_new (double, MAX (n, 1));
  model->smallest_share = g_new (double, MAX (n, 1));
  model->min_share = CST_KCHOICE_DEFAULT_MIN_SHARE;
  model->selected = -1;
  model->chosen = -1;

  for (guint i = 0; i < n; i++)
    {
      double sil = silhouette != NULL && isfinite (silhouette[i]) ? silhouette[i] : NAN;
      double stab = stability != NULL && isfinite (stability[i]) ? stability[i] : NAN;
      double share = smallest_share != NULL && isfinite (smallest_share[i])
                     ? CLAMP (smallest_share[i], 0.0, 1.0) : NAN;

      model->silhouette[i] = isfinite (sil) ? CLAMP (sil, -1.0, 1.0) : NAN;
      model->stability[i] = isfinite (stab) ? CLAMP (stab, -1.0, 1.0) : NAN;
      model->smallest_share[i] = share;

      model->has_silhouette |= isfinite (sil);
      model->has_stability |= isfinite (stab);
      model->has_share |= isfinite (share);
      if (isfinite (sil))
        model->score_lo = MIN (model->score_lo, model->silhouette[i]);
      if (isfinite (stab))
        model->score_lo = MIN (model->score_lo, model->stability[i]);
      if (isfinite (share))
        model->share_hi = MAX (model->share_hi, share);
    }

  model->recommended = cst_kchoice_model_find_k (model, recommended_k);

  return model;
}

void
cst_kchoice_model_free (CstKChoiceModel *model)
{
  if (model == NULL)
    return;

  g_free (model->k);
  g_free (model->silhouette);
  g_free (model->stability);
  g_free (model->smallest_share);
  g_free (model->reason);
  g_free (model->title);
  g_free (model);
}

/**
 * cst_kchoice_model_set_chosen:
 * @model: a k-choice model
 * @chosen_k: the number of segments the user chose, or 0 for none
 *
 * Marks the user's choice when it differs from the recommendation; a choice equal to the
 * recommended k, or not among the candidates, is not marked.
 */
void
cst_kchoice_model_set_chosen (CstKChoiceModel *model,
                              guint            chosen_k)
{
  int index;

  g_return_if_fail (model != NULL);

  index = cst_kchoice_model_find_k (model, chosen_k);
  model->chosen = index != model->recommended ? index : -1;
}

/**
 * cst_kchoice_model_set_min_share:
 * @model: a k-choice model
 * @min_share: the smallest actionable segment, as a share of people (0…1)
 */
void
cst_kchoice_model_set_min_share (CstKChoiceModel *model,
                                 double           min_share)
{
  g_return_if_fail (model != NULL);
  g_return_if_fail (isfinite (min_share) && min_share >= 0.0 && min_share < 1.0);

  model->min_share = min_share;
}

/**
 * cst_kchoice_model_set_reason:
 * @model: a k-choice model
 * @reason: (nullable): the plain-language reason for the recommendation, shown as the
 *   subtitle and read to screen readers; %NULL for a generic subtitle
 */
void
cst_kchoice_model_set_reason (CstKChoiceModel *model,
                              const char      *reason)
{
  g_return_if_fail (model != NULL);

  g_free (model->reason);
  model->reason = g_strdup (reason);
}

/**
 * cst_kchoice_model_set_title:
 * @model: a k-choice model
 * @title: (nullable): the title, or %NULL for "Choosing the number of segments"
 */
void
cst_kchoice_model_set_title (CstKChoiceModel *model,
                             const char      *title)
{
  g_return_if_fail (model != NULL);

  g_free (model->title);
  model->title = g_strdup (title);
}

/**
 * cst_kchoice_model_set_selected:
 * @model: a k-choice model
 * @index: the candidate to highlight (an index, not a k), or -1 for none
 */
void
cst_kchoice_model_set_selected (CstKChoiceModel *model,
                                int              index)
{
  g_return_if_fail (model != NULL);

  model->selected = index >= 0 && (guint) index < model->n ? index : -1;
}

int
cst_kchoice_model_get_selected (const CstKChoiceModel *model)
{
  g_return_val_if_fail (model != NULL, -1);

  return model->selected;
}

guint
cst_kchoice_model_get_n_candidates (const CstKChoiceModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return model->n;
}

/**
 * cst_kchoice_model_find_k:
 * @model: a k-choice model
 * @k: a number of segments
 *
 * Returns: the index of the candidate @k, or -1 when it is not a candidate
 */
int
cst_kchoice_model_find_k (const CstKChoiceModel *model,
                          guint                  k)
{
  g_return_val_if_fail (model != NULL, -1);

  for (guint i = 0; i < model->n; i++)
    if (model->k[i] == k)
      return i;
  return -1;
}

/**
 * cst_kchoice_model_get_k:
 * @model: a k-choice model
 * @index: a candidate index
 *
 * Returns: the number of segments of candidate @index
 */
guint
cst_kchoice_model_get_k (const CstKChoiceModel *model,
                         guint                  index)
{
  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (index < model->n, 0);

  return model->k[index];
}

/**
 * cst_chart_kchoice_get_position:
 * @model: a k-choice model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @index: a candidate index
 * @series: which mark
 * @x: (out): the horizontal centre of the mark
 * @y: (out): the centre of the marker, or the top of the bar
 *
 * Returns: %FALSE when the mark is not drawn (no room, or an unknown value)
 */
gboolean
cst_chart_kchoice_get_position (const CstKChoiceModel *model,
                                double                 width,
                                double                 height,
                                const CstChartStyle   *style,
                                guint                  index,
                                CstKChoiceSeries       series,
                                double                *x,
                                double                *y)
{
  CstChartFrame frame;
  KChoiceText text;
  KChoiceGeometry geo;
  gboolean drawn = FALSE;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);
  g_return_val_if_fail (index < model->n, FALSE);
  g_return_val_if_fail (x != NULL && y != NULL, FALSE);

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  *x = *y = NAN;
  if (geo.show_plot)
    {
      double v;

      *x = column_x (&geo, index);
      switch (series)
        {
        case CST_KCHOICE_SILHOUETTE:
        case CST_KCHOICE_STABILITY:
          v = series == CST_KCHOICE_SILHOUETTE ? model->silhouette[index]
                                               : model->stability[index];
          drawn = isfinite (v);
          *y = drawn ? score_y (&geo, v) : NAN;
          break;

        case CST_KCHOICE_SMALLEST_SHARE:
        default:
          v = model->smallest_share[index];
          drawn = geo.show_lower && isfinite (v);
          *y = drawn ? share_y (&geo, v) : NAN;
          break;
        }
    }

  kchoice_geometry_clear (&geo);
  cst_chart_frame_end (&frame);

  return drawn;
}

/**
 * cst_chart_kchoice_paint:
 * @cr: the context to paint on
 * @model: the prepared model
 * @width: the chart width in user units
 * @height: the chart height in user units
 * @style: the style
 *
 * Paints the k-choice chart: title and the reason for the recommendation, a legend, the
 * separation and stability lines over k on a 0–1 scale, a lower panel with the smallest
 * segment's share as bars against the dashed actionable threshold (bars below it drawn as
 * outlines), a band and a pill for the recommended k, a dashed band for the user's choice.
 */
void
cst_chart_kchoice_paint (cairo_t               *cr,
                         const CstKChoiceModel *model,
                         double                 width,
                         double                 height,
                         const CstChartStyle   *style)
{
  CstChartFrame frame;
  KChoiceText text;
  KChoiceGeometry geo;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  cst_chart_frame_begin_paint (&frame, cr, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  cst_chart_header_paint (&frame.header, cr, style);

  if (geo.show_plot)
    {
      if (geo.show_legend)
        paint_legend (cr, &geo, style, &text);
      paint_bands (cr, model, &geo, style);
      paint_axes (cr, model, &geo, style, &text);
      if (geo.show_lower)
        paint_bars (cr, model, &geo, style, &text);
      paint_series (cr, model, &geo, style, model->stability,
                    cst_chart_style_segment (style, STABILITY_COLOR), TRUE);
      paint_series (cr, model, &geo, style, model->silhouette,
                    cst_chart_style_segment (style, SILHOUETTE_COLOR), FALSE);
      paint_pills (cr, &geo, style, &text);
    }

  kchoice_geometry_clear (&geo);
  cst_chart_frame_end (&frame);
}

/* "5 segments (recommended) — separation 0.41, stability 0.93, smallest segment 8.2 %". */
static char *
candidate_text (const CstKChoiceModel *model,
                guint                  i,
                gboolean               below_note)
{
  g_autofree char *head = NULL;
  GString *out;

  head = g_strdup_printf (ngettext ("%u segment", "%u segments", model->k[i]), model->k[i]);
  out = g_string_new (head);

  if ((int) i == model->recommended)
    /* Translators: follows "5 segments" in a tooltip or a spoken list. */
    g_string_append (out, _(" (recommended)"));
  else if ((int) i == model->chosen)
    /* Translators: follows "7 segments" in a tooltip or a spoken list. */
    g_string_append (out, _(" (your choice)"));

  /* Translators: between a candidate and its numbers, "5 segments — separation 0.41, …". */
  g_string_append (out, _(" — "));

  {
    g_autofree char *sil = format_score (model->silhouette[i]);
    g_autofree char *stab = format_score (model->stability[i]);
    g_autofree char *share = format_share (model->smallest_share[i]);
    gboolean first = TRUE;

    if (isfinite (model->silhouette[i]))
      {
        /* Translators: the mean silhouette in a tooltip, "separation 0.41". */
        g_string_append_printf (out, _("separation %s"), sil);
        first = FALSE;
      }
    if (isfinite (model->stability[i]))
      {
        if (!first)
          g_string_append (out, _(", "));
        /* Translators: the stability in a tooltip, "stability 0.93". */
        g_string_append_printf (out, _("stability %s"), stab);
        first = FALSE;
      }
    if (isfinite (model->smallest_share[i]))
      {
        if (!first)
          g_string_append (out, _(", "));
        /* Translators: the share of the smallest segment in a tooltip, "smallest segment 8.2 %". */
        g_string_append_printf (out, _("smallest segment %s"), share);
        if (below_note && model->smallest_share[i] < model->min_share)
          {
            g_autofree char *minimum = format_min_share (model);

            /* Translators: follows "smallest segment 1.2 %", "below the 3 % minimum". */
            g_string_append_printf (out, _(", below the %s minimum"), minimum);
          }
        first = FALSE;
      }
    if (first)
      /* Translators: a candidate number of segments without any measurement. */
      g_string_append (out, _("not measured"));
  }

  return g_string_free (out, FALSE);
}

/**
 * cst_chart_kchoice_hit_test:
 * @model: a k-choice model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @x: the pointer position
 * @y: the pointer position
 * @tooltip: (out) (optional): a new string, "5 segments (recommended) — separation 0.41,
 *   stability 0.93, smallest segment 8.2 %", or %NULL
 *
 * Returns: the index of the candidate whose column (from the top of the plot to its numbers)
 *   contains the point, or -1
 */
int
cst_chart_kchoice_hit_test (const CstKChoiceModel *model,
                            double                 width,
                            double                 height,
                            const CstChartStyle   *style,
                            double                 x,
                            double                 y,
                            char                 **tooltip)
{
  CstChartFrame frame;
  KChoiceText text;
  KChoiceGeometry geo;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  if (tooltip != NULL)
    *tooltip = NULL;

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  if (geo.show_plot && x >= geo.plot_x && x < geo.plot_x + geo.plot_w
      && y >= geo.band_top && y < geo.band_bottom)
    hit = MIN ((guint) floor ((x - geo.plot_x) / geo.col_w), model->n - 1);

  /* The pills name their column too. */
  if (hit < 0 && geo.show_plot)
    {
      const cairo_rectangle_t *r = &geo.rec_label;
      const cairo_rectangle_t *c = &geo.chosen_label;

      if (r->width > 0.0 && cst_chart_rect_contains (r, x, y))
        hit = model->recommended;
      else if (c->width > 0.0 && cst_chart_rect_contains (c, x, y))
        hit = model->chosen;
    }

  if (hit >= 0 && tooltip != NULL)
    *tooltip = candidate_text (model, hit, TRUE);

  kchoice_geometry_clear (&geo);
  cst_chart_frame_end (&frame);

  return hit;
}

/**
 * cst_chart_kchoice_describe:
 * @model: a k-choice model
 *
 * Returns: (transfer full): sentences for screen readers: "Choosing the number of segments,
 *   2 to 12 segments: 5 recommended. 5 groups: clearly separated and stable. 2 segments —
 *   separation 0.35, stability 0.98, smallest segment 21.0 %; …"
 */
char *
cst_chart_kchoice_describe (const CstKChoiceModel *model)
{
  GString *out;

  g_return_val_if_fail (model != NULL, NULL);

  if (model->n == 0)
    /* Translators: %s is the chart title. */
    return g_strdup_printf (_("%s: no candidates to show."), model_title (model));

  out = g_string_new (NULL);
  if (model->n > 1)
    /* Translators: "Choosing the number of segments, 2 to 12 segments: " */
    g_string_append_printf (out, _("%s, %u to %u segments: "), model_title (model),
                            model->k[0], model->k[model->n - 1]);
  else
    /* Translators: "Choosing the number of segments: " with a single candidate. */
    g_string_append_printf (out, _("%s: "), model_title (model));

  if (model->recommended >= 0)
    /* Translators: the recommended number of segments in a spoken summary. */
    g_string_append_printf (out, _("%u recommended."), model->k[model->recommended]);
  else
    g_string_append (out, _("no recommendation."));
  if (model->chosen >= 0)
    /* Translators: the number of segments the user chose, in a spoken summary. */
    g_string_append_printf (out, _(" You chose %u."), model->k[model->chosen]);
  if (model->reason != NULL)
    g_string_append_printf (out, " %s", model->reason);
  if (model->has_share)
    {
      g_autofree char *minimum = format_min_share (model);

      /* Translators: the actionable threshold in a spoken summary. */
      g_string_append_printf (out, _(" Segments below %s of people are too small to act on."),
                              minimum);
    }

  for (guint i = 0; i < model->n; i++)
    {
      g_autofree char *item = candidate_text (model, i, TRUE);

      g_string_append (out, i == 0 ? " " : _("; "));
      g_string_append (out, item);
    }
  g_string_append (out, ".");

  return g_string_free (out, FALSE);
}
