/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-predict"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "cst-chart-predict.h"
#include "cst-chart-util.h"

/* The model's own marks take palette colour 0 (Okabe–Ito blue); a second highlighted group
 * (the Medium band, the top 10 % of value) takes colour 1 (Okabe–Ito orange): the pair stays
 * distinct for every kind of colour vision. References (random, perfect, the diagonal) are
 * grey and dashed, so that they read as references without a legend. */
#define MODEL_COLOR  0
#define SECOND_COLOR 1

#define MAX_LEGEND 4

/* Charts larger than a page grow their text and lines with their size, up to this factor. */
#define MAX_GROWTH 1.8

typedef enum
{
  MARK_LINE,
  MARK_DASH,
  MARK_BOX,
  MARK_DOT,
} LegendMark;

typedef enum
{
  PLOT_LOOSE_Y = 1 << 0,  /* extend the y range to the nice ticks around it */
  PLOT_SQUARE  = 1 << 1,  /* the plot is a square, centred */
  PLOT_ASPECT  = 1 << 2,  /* the plot is at most 1.6 times as wide as high, centred */
  PLOT_NO_X    = 1 << 3,  /* no x ticks: the chart labels its own categories */
  PLOT_GRID_X  = 1 << 4,  /* vertical grid lines at the x ticks */
} PlotFlags;

typedef char *(*FormatFunc) (double        value,
                             double        step,
                             gconstpointer data);

/* The layout every chart here shares: header, a legend row, a rectangular plot with nice
 * ticks on both axes and axis titles, or a message in place of the plot. */
typedef struct
{
  CstChartFrame       *frame;
  const CstChartStyle *style;
  double               s;
  double               pad;
  double               width;
  double               height;

  PangoLayout         *tick;
  PangoLayout         *axis;
  PangoLayout         *legend;
  PangoLayout         *label;
  PangoLayout         *message_layout;
  double               tick_h;
  double               axis_h;
  double               legend_h;
  double               label_h;

  double               top;         /* where the chart's own parts start, below the header */
  gboolean             show_title;
  char                *message;     /* the empty state, shown instead of the plot */
  gboolean             show_plot;
  gboolean             show_axes;
  gboolean             show_legend;
  cairo_rectangle_t    area;

  guint                n_legend;
  char                *legend_text[MAX_LEGEND];
  CstColor             legend_color[MAX_LEGEND];
  LegendMark           legend_mark[MAX_LEGEND];
  double               legend_x[MAX_LEGEND];
  double               legend_y[MAX_LEGEND];

  double               x0, x1, y0, y1;
  double               x_tick_hi;   /* x ticks stop here (x1 unless a chart says otherwise) */
  CstChartTicks        xt;
  CstChartTicks        yt;
  guint                flags;
  FormatFunc           xfmt;
  FormatFunc           yfmt;
  gconstpointer        fmt_data;
  char                *x_title;
  char                *y_title;
} Plot;

/* One paint, hit test or measurement: a copy of the style with the scale grown for large
 * charts, the frame and the plot. Lives on the stack and must not move. */
typedef struct
{
  CstChartStyle style;
  CstChartFrame frame;
  Plot          plot;
} Chart;

/* ---- Formatting ------------------------------------------------------------------------- */

static char *
format_score (double value)
{
  return cst_chart_format_number (value, 2);
}

static char *
format_tick_number (double        value,
                    double        step,
                    gconstpointer data)
{
  return cst_chart_format_tick (value, step);
}

static char *
format_tick_percent (double        value,
                     double        step,
                     gconstpointer data)
{
  double percent_step = step * 100.0;
  int decimals = 0;

  if (fabs (value) < step * 1e-6)
    value = 0.0;
  while (decimals < 3 && fabs (percent_step - round (percent_step)) > 1e-6)
    {
      percent_step *= 10.0;
      decimals++;
    }
  return cst_chart_format_percent (value, decimals);
}

static char *
format_tick_lift (double        value,
                  double        step,
                  gconstpointer data)
{
  g_autofree char *number = cst_chart_format_tick (value, step);

  /* Translators: a lift, "2.5×"; %s is the number. */
  return g_strdup_printf (_("%s×"), number);
}

static const char *
currency_symbol (const char *currency)
{
  static const struct { const char *code; const char *symbol; } symbols[] = {
    { "EUR", "€" }, { "USD", "$" }, { "GBP", "£" }, { "JPY", "¥" }, { "INR", "₹" },
    { "KRW", "₩" }, { "ILS", "₪" }, { "NGN", "₦" }, { "TRY", "₺" }, { "UAH", "₴" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    if (g_ascii_strcasecmp (currency, symbols[i].code) == 0)
      return symbols[i].symbol;
  return currency;
}

static char *
format_money_decimals (double      value,
                       int         decimals,
                       const char *currency)
{
  const struct lconv *lc = localeconv ();
  g_autofree char *number = cst_chart_format_number (value, decimals);
  const char *symbol;
  gboolean precedes;
  gboolean short_symbol;

  if (currency == NULL || *currency == '\0')
    return g_steal_pointer (&number);

  symbol = currency_symbol (currency);
  short_symbol = g_utf8_strlen (symbol, -1) == 1;
  /* The locale says where its own currency goes; without an opinion (the C locale), signs go
   * before the number as in "$12" and codes after it as in "12 CHF". */
  if (lc->p_cs_precedes == 0 || lc->p_cs_precedes == 1)
    precedes = lc->p_cs_precedes == 1;
  else
    precedes = short_symbol;

  if (precedes)
    return g_strdup_printf (short_symbol ? "%s%s" : "%s\u00a0%s", symbol, number);
  return g_strdup_printf ("%s\u00a0%s", number, symbol);
}

/**
 * cst_chart_format_money:
 * @value: an amount
 * @currency: (nullable): an ISO 4217 code such as "EUR", or %NULL for none
 *
 * Formats an amount with the locale's thousands separators and the currency's sign where the
 * locale puts it ("€1,234", "1.234 €"); amounts of 100 or more have no cents.
 *
 * Returns: (transfer full): the text
 */
char *
cst_chart_format_money (double      value,
                        const char *currency)
{
  return format_money_decimals (value, fabs (value) >= 100.0 ? 0 : 2, currency);
}

static char *
format_tick_money (double        value,
                   double        step,
                   gconstpointer data)
{
  int decimals = 0;

  if (step > 0.0 && step < 1.0)
    decimals = (int) ceil (-log10 (step) - 1e-9);
  if (fabs (value) < step * 1e-6)
    value = 0.0;
  return format_money_decimals (value, decimals, data);
}

static char *
format_percent (double fraction)
{
  return cst_chart_format_percent (fraction, fabs (fraction * 100.0 - round (fraction * 100.0))
                                             < 0.05 ? 0 : 1);
}

/* ---- The shared plot -------------------------------------------------------------------- */

static void
chart_begin (Chart               *chart,
             cairo_t             *cr,
             const CstChartStyle *style,
             double               width,
             double               height)
{
  Plot *p = &chart->plot;
  double base = style->scale > 0.0 && isfinite (style->scale) ? style->scale : 1.0;
  double growth = 1.0;

  if (width > 0.0 && height > 0.0 && isfinite (width) && isfinite (height))
    growth = CLAMP (MIN (width / 900.0, height / 560.0), 1.0, MAX_GROWTH);

  cst_chart_style_copy (style, &chart->style);
  chart->style.scale = base * growth;

  if (cr != NULL)
    cst_chart_frame_begin_paint (&chart->frame, cr, &chart->style, width, height);
  else
    cst_chart_frame_begin_measure (&chart->frame, &chart->style, width, height);

  memset (p, 0, sizeof *p);
  p->frame = &chart->frame;
  p->style = &chart->style;
  p->s = chart->frame.s;
  p->pad = chart->frame.pad;
  p->width = width;
  p->height = height;
  p->tick = cst_chart_frame_create_layout (&chart->frame, CST_CHART_FONT_SMALL,
                                           PANGO_WEIGHT_NORMAL);
  p->axis = cst_chart_frame_create_layout (&chart->frame, CST_CHART_FONT_SMALL,
                                           PANGO_WEIGHT_NORMAL);
  p->legend = cst_chart_frame_create_layout (&chart->frame, CST_CHART_FONT_SMALL,
                                             PANGO_WEIGHT_NORMAL);
  p->label = cst_chart_frame_create_layout (&chart->frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_BOLD);
  p->message_layout = cst_chart_frame_create_layout (&chart->frame, CST_CHART_FONT_BODY,
                                                     PANGO_WEIGHT_NORMAL);
  cst_chart_measure_text (p->tick, "0", &p->tick_h);
  cst_chart_measure_text (p->axis, "Ag", &p->axis_h);
  cst_chart_measure_text (p->legend, "Ag", &p->legend_h);
  cst_chart_measure_text (p->label, "Ag", &p->label_h);
  p->xfmt = format_tick_number;
  p->yfmt = format_tick_number;
}

static void
chart_end (Chart *chart)
{
  Plot *p = &chart->plot;

  g_clear_pointer (&p->message, g_free);
  g_clear_pointer (&p->x_title, g_free);
  g_clear_pointer (&p->y_title, g_free);
  for (guint i = 0; i < MAX_LEGEND; i++)
    g_clear_pointer (&p->legend_text[i], g_free);
  cst_chart_frame_end (&chart->frame);
  cst_chart_style_clear (&chart->style);
}

/* Measures the header; returns whether the chart shows anything at all. */
static gboolean
plot_header (Plot       *p,
             const char *title,
             const char *subtitle)
{
  if (!p->frame->drawable)
    return FALSE;

  p->show_title = cst_chart_header_measure (&p->frame->header, title, subtitle, p->width,
                                            p->height, p->s, p->pad, 220.0);
  p->top = cst_chart_header_get_bottom (&p->frame->header) + 12.0 * p->s;
  return p->show_title;
}

static void
plot_set_message (Plot       *p,
                  const char *message)
{
  g_free (p->message);
  p->message = g_strdup (message);
  p->show_plot = FALSE;
}

/* The header, then @problem in place of the plot when there is one: returns whether the plot
 * itself is to be laid out. */
static gboolean
plot_start (Plot       *p,
            const char *title,
            const char *subtitle,
            const char *problem)
{
  if (!plot_header (p, title, subtitle))
    return FALSE;
  if (problem != NULL)
    {
      plot_set_message (p, problem);
      return FALSE;
    }
  return TRUE;
}

static void
plot_add_legend (Plot           *p,
                 char           *text,
                 const CstColor *color,
                 LegendMark      mark)
{
  g_assert (p->n_legend < MAX_LEGEND);

  p->legend_text[p->n_legend] = text;
  p->legend_color[p->n_legend] = *color;
  p->legend_mark[p->n_legend] = mark;
  p->n_legend++;
}

static double
px (const Plot *p,
    double      v)
{
  return p->area.x + (v - p->x0) / (p->x1 - p->x0) * p->area.width;
}

static double
py (const Plot *p,
    double      v)
{
  return p->area.y + p->area.height * (1.0 - (v - p->y0) / (p->y1 - p->y0));
}

static double
value_at_x (const Plot *p,
            double      x)
{
  double frac = CLAMP ((x - p->area.x) / p->area.width, 0.0, 1.0);

  return p->x0 + frac * (p->x1 - p->x0);
}

static gboolean
tick_in_range (double v,
               double lo,
               double hi)
{
  double eps = (hi - lo) * 1e-9;

  return v >= lo - eps && v <= hi + eps;
}

/* Lays out the legend, the axes and the plot area for data in [x0, x1] × [y0, y1], leaving
 * @extra_top above the plot and @extra_right beside it for the chart's own labels. */
static gboolean
plot_layout (Plot   *p,
             double  x0,
             double  x1,
             double  y0,
             double  y1,
             guint   flags,
             double  extra_top,
             double  extra_right)
{
  double s = p->s;
  double top = p->top;
  double bottom, left, right, label_w = 0.0;
  double avail_w, avail_h;

  p->flags = flags;
  p->show_plot = FALSE;
  if (!p->show_title || p->message != NULL)
    return FALSE;

  p->show_legend = p->n_legend > 0 && p->height >= 200.0 * s && p->width >= 260.0 * s;
  if (p->show_legend)
    {
      double x = p->pad;
      guint row = 0;
      double row_h = ceil (p->legend_h * 1.4);

      for (guint i = 0; i < p->n_legend; i++)
        {
          double w = 22.0 * s + 6.0 * s + cst_chart_measure_text (p->legend, p->legend_text[i],
                                                                  NULL);

          if (x > p->pad && x + w > p->width - p->pad)
            {
              row++;
              x = p->pad;
            }
          p->legend_x[i] = x;
          p->legend_y[i] = top + row * row_h;
          x += w + 20.0 * s;
        }
      top += (row + 1) * row_h + 8.0 * s;
    }

  p->show_axes = p->height >= 170.0 * s && p->width >= 220.0 * s;
  bottom = p->height - p->pad;
  if (p->show_axes)
    bottom -= 6.0 * s + p->tick_h + 6.0 * s + p->axis_h;

  /* The plot matters more than the legend: a legend that would leave the plot too short to
   * read goes (the title and the tooltips still say what is what). */
  if (p->show_legend && bottom - top - extra_top < 110.0 * s)
    {
      p->show_legend = FALSE;
      top = p->top;
    }
  top += extra_top;
  avail_h = bottom - top;
  if (avail_h < 40.0 * s)
    return FALSE;

  if (!(y1 > y0) || !isfinite (y0) || !isfinite (y1))
    {
      y0 = 0.0;
      y1 = 1.0;
    }
  cst_chart_nice_ticks (y0, y1, (guint) CLAMP (avail_h / (52.0 * s), 3.0, 8.0), &p->yt);
  if (flags & PLOT_LOOSE_Y)
    {
      y0 = p->yt.min;
      y1 = p->yt.max;
    }
  p->y0 = y0;
  p->y1 = y1;

  if (p->show_axes)
    {
      for (guint i = 0; i < p->yt.n_ticks; i++)
        {
          double v = cst_chart_ticks_value (&p->yt, i);
          g_autofree char *text = NULL;

          if (!tick_in_range (v, y0, y1))
            continue;
          text = p->yfmt (v, p->yt.step, p->fmt_data);
          label_w = MAX (label_w, cst_chart_measure_text (p->tick, text, NULL));
        }
      left = p->pad + (p->y_title != NULL ? p->axis_h + 8.0 * s : 0.0) + label_w + 8.0 * s;
      right = p->width - p->pad - extra_right - 12.0 * s;
    }
  else
    {
      left = p->pad;
      right = p->width - p->pad - extra_right;
    }
  avail_w = right - left;
  if (avail_w < 60.0 * s)
    return FALSE;

  p->area.x = left;
  p->area.y = top;
  p->area.width = avail_w;
  p->area.height = avail_h;
  if (flags & PLOT_SQUARE)
    {
      double side = MIN (avail_w, avail_h);

      p->area.x = left + (avail_w - side) / 2.0;
      p->area.width = p->area.height = side;
    }
  else if ((flags & PLOT_ASPECT) && avail_w > 1.6 * avail_h)
    {
      p->area.width = 1.6 * avail_h;
      p->area.x = left + (avail_w - p->area.width) / 2.0;
    }

  if (!(x1 > x0) || !isfinite (x0) || !isfinite (x1))
    {
      x0 = 0.0;
      x1 = 1.0;
    }
  p->x0 = x0;
  p->x1 = x1;
  p->x_tick_hi = x1;

  /* As many x ticks as fit with room between their labels. */
  for (guint target = (guint) CLAMP (p->area.width / (65.0 * s), 5.0, 11.0); ; target--)
    {
      double widest = 0.0;

      cst_chart_nice_ticks (x0, x1, target, &p->xt);
      if (target <= 2 || (flags & PLOT_NO_X))
        break;
      for (guint i = 0; i < p->xt.n_ticks; i++)
        {
          g_autofree char *text = p->xfmt (cst_chart_ticks_value (&p->xt, i), p->xt.step,
                                           p->fmt_data);

          widest = MAX (widest, cst_chart_measure_text (p->tick, text, NULL));
        }
      if (p->area.width * p->xt.step / (x1 - x0) >= widest + 14.0 * s)
        break;
    }

  /* A square plot of one range on both axes reads best with the same ticks on both. */
  if ((flags & PLOT_SQUARE) && x0 == y0 && x1 == y1)
    p->yt = p->xt;

  p->show_plot = TRUE;
  return TRUE;
}

static void
paint_message (cairo_t    *cr,
               const Plot *p)
{
  double w = p->width - 2.0 * p->pad;
  double tw, th;
  double top = p->top;
  double y;

  if (w <= 0.0)
    return;

  pango_layout_set_single_paragraph_mode (p->message_layout, FALSE);
  pango_layout_set_text (p->message_layout, p->message, -1);
  pango_layout_set_width (p->message_layout, (int) (w * PANGO_SCALE));
  pango_layout_set_wrap (p->message_layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (p->message_layout, PANGO_ELLIPSIZE_NONE);
  pango_layout_set_alignment (p->message_layout, PANGO_ALIGN_CENTER);
  cst_chart_layout_get_size (p->message_layout, &tw, &th);

  y = MAX (top, top + (p->height - p->pad - top - th) / 2.0);
  cairo_save (cr);
  cairo_rectangle (cr, 0.0, top, p->width, MAX (0.0, p->height - top));
  cairo_clip (cr);
  cst_chart_set_source_color (cr, &p->style->muted);
  cairo_move_to (cr, p->pad, y);
  pango_cairo_show_layout (cr, p->message_layout);
  cairo_new_path (cr);
  cairo_restore (cr);
}

static void
paint_legend_mark (cairo_t        *cr,
                   double          s,
                   LegendMark      mark,
                   const CstColor *color,
                   double          x,
                   double          y)
{
  double dash[] = { 4.0 * s, 3.0 * s };

  cairo_save (cr);
  cst_chart_set_source_color (cr, color);
  switch (mark)
    {
    case MARK_BOX:
      cst_chart_rounded_rectangle (cr, x + 4.0 * s, y - 6.0 * s, 14.0 * s, 12.0 * s, 2.0 * s);
      cairo_fill (cr);
      break;

    case MARK_DOT:
      cairo_arc (cr, x + 11.0 * s, y, 5.0 * s, 0.0, 2.0 * G_PI);
      cairo_fill (cr);
      break;

    case MARK_DASH:
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
      G_GNUC_FALLTHROUGH;
    case MARK_LINE:
    default:
      cairo_set_line_width (cr, (mark == MARK_LINE ? 3.0 : 2.0) * s);
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + 22.0 * s, y);
      cairo_stroke (cr);
      break;
    }
  cairo_restore (cr);
}

static void
paint_legend (cairo_t    *cr,
              const Plot *p)
{
  double s = p->s;

  for (guint i = 0; i < p->n_legend; i++)
    {
      paint_legend_mark (cr, s, p->legend_mark[i], &p->legend_color[i], p->legend_x[i],
                         p->legend_y[i] + p->legend_h / 2.0);
      cst_chart_draw_text (cr, p->legend, p->legend_text[i], p->legend_x[i] + 28.0 * s,
                           p->legend_y[i], p->width - p->pad - p->legend_x[i] - 28.0 * s,
                           CST_CHART_ALIGN_START, &p->style->foreground);
    }
}

static void
paint_axes (cairo_t    *cr,
            const Plot *p)
{
  double s = p->s;
  double lw = MAX (1.0, round (s));
  const CstChartStyle *style = p->style;
  CstColor grid = style->muted;
  CstColor base = style->muted;
  double bottom = p->area.y + p->area.height;

  grid.alpha *= style->high_contrast ? 0.35 : 0.22;
  base.alpha *= style->high_contrast ? 1.0 : 0.7;
  cairo_save (cr);
  cairo_set_line_width (cr, lw);

  for (guint i = 0; i < p->yt.n_ticks; i++)
    {
      double v = cst_chart_ticks_value (&p->yt, i);
      double y;

      if (!tick_in_range (v, p->y0, p->y1))
        continue;
      y = cst_chart_snap (py (p, v), lw);
      cst_chart_set_source_color (cr, fabs (v - p->y0) < p->yt.step * 1e-6 ? &base : &grid);
      cairo_move_to (cr, p->area.x, y);
      cairo_line_to (cr, p->area.x + p->area.width, y);
      cairo_stroke (cr);

      if (p->show_axes)
        {
          g_autofree char *label = p->yfmt (v, p->yt.step, p->fmt_data);

          cst_chart_draw_text (cr, p->tick, label, p->area.x - 8.0 * s, y - p->tick_h / 2.0, 0.0,
                               CST_CHART_ALIGN_END, &style->muted);
        }
    }

  if (!(p->flags & PLOT_NO_X))
    for (guint i = 0; i < p->xt.n_ticks; i++)
      {
        double v = cst_chart_ticks_value (&p->xt, i);
        double x;

        if (!tick_in_range (v, p->x0, p->x_tick_hi))
          continue;
        x = cst_chart_snap (px (p, v), lw);
        cst_chart_set_source_color (cr, (p->flags & PLOT_GRID_X) ? &grid : &base);
        cairo_move_to (cr, x, (p->flags & PLOT_GRID_X) ? p->area.y : bottom);
        cairo_line_to (cr, x, bottom + 4.0 * s);
        cairo_stroke (cr);

        if (p->show_axes)
          {
            g_autofree char *label = p->xfmt (v, p->xt.step, p->fmt_data);

            cst_chart_draw_text (cr, p->tick, label, x, bottom + 6.0 * s, 0.0,
                                 CST_CHART_ALIGN_CENTER, &style->muted);
          }
      }

  if (p->show_axes && p->x_title != NULL)
    {
      /* Centred under the plot, but moved (and at worst ellipsized) to stay inside the chart. */
      double max_w = p->width - 2.0 * p->pad;
      double tw = MIN (cst_chart_measure_text (p->axis, p->x_title, NULL), max_w);
      double cx = CLAMP (p->area.x + p->area.width / 2.0, p->pad + tw / 2.0,
                         p->width - p->pad - tw / 2.0);

      cst_chart_draw_text (cr, p->axis, p->x_title, cx, bottom + 12.0 * s + p->tick_h, max_w,
                           CST_CHART_ALIGN_CENTER, &style->muted);
    }

  if (p->show_axes && p->y_title != NULL)
    {
      double x = p->pad;

      /* Beside the tick labels, reading upwards. */
      if (p->flags & (PLOT_SQUARE | PLOT_ASPECT))
        {
          double label_w = 0.0;

          for (guint i = 0; i < p->yt.n_ticks; i++)
            {
              double v = cst_chart_ticks_value (&p->yt, i);
              g_autofree char *text = NULL;

              if (!tick_in_range (v, p->y0, p->y1))
                continue;
              text = p->yfmt (v, p->yt.step, p->fmt_data);
              label_w = MAX (label_w, cst_chart_measure_text (p->tick, text, NULL));
            }
          x = MAX (p->pad, p->area.x - 16.0 * s - label_w - p->axis_h);
        }
      cairo_save (cr);
      cairo_translate (cr, x, p->area.y + p->area.height / 2.0);
      cairo_rotate (cr, -G_PI / 2.0);
      cst_chart_draw_text (cr, p->axis, p->y_title, 0.0, 0.0, p->area.height,
                           CST_CHART_ALIGN_CENTER, &style->muted);
      cairo_restore (cr);
    }

  cairo_restore (cr);
}

/* Header, legend, axes or the empty-state message: everything but the data. */
static void
paint_frame (cairo_t    *cr,
             const Plot *p)
{
  cst_chart_header_paint (&p->frame->header, cr, p->style);
  if (!p->show_title)
    return;
  if (p->message != NULL)
    {
      paint_message (cr, p);
      return;
    }
  if (!p->show_plot)
    return;
  if (p->show_legend)
    paint_legend (cr, p);
  paint_axes (cr, p);
}

/* Lays out one chart for a paint (@cr set: the frame is painted too) or for a hit test or a
 * measurement (@cr NULL). @layout takes the chart's own model as @model. */
typedef void (*LayoutFunc) (gconstpointer model,
                            Plot         *p);

static Plot *
chart_begin_layout (Chart               *chart,
                    cairo_t             *cr,
                    const CstChartStyle *style,
                    double               width,
                    double               height,
                    LayoutFunc           layout,
                    gconstpointer        model)
{
  chart_begin (chart, cr, style, width, height);
  layout (model, &chart->plot);
  if (cr != NULL)
    paint_frame (cr, &chart->plot);
  return &chart->plot;
}

/* The start of every hit test: no tooltip until something is hit, and the measured layout. */
static Plot *
hit_test_begin (Chart               *chart,
                const CstChartStyle *style,
                double               width,
                double               height,
                LayoutFunc           layout,
                gconstpointer        model,
                char               **tooltip)
{
  if (tooltip != NULL)
    *tooltip = NULL;
  return chart_begin_layout (chart, NULL, style, width, height, layout, model);
}

static void
clip_to_area (cairo_t    *cr,
              const Plot *p,
              double      margin)
{
  cairo_rectangle (cr, p->area.x - margin, p->area.y - margin, p->area.width + 2.0 * margin,
                   p->area.height + 2.0 * margin);
  cairo_clip (cr);
}

static void
stroke_curve (cairo_t        *cr,
              const Plot     *p,
              guint           n,
              const double   *xs,
              const double   *ys,
              const CstColor *color,
              double          line_width,
              gboolean        dashed)
{
  double dash[] = { 6.0 * p->s, 4.0 * p->s };

  if (n < 2)
    return;

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, dashed ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, line_width);
  if (dashed)
    cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
  cairo_move_to (cr, px (p, xs[0]), py (p, ys[0]));
  for (guint i = 1; i < n; i++)
    cairo_line_to (cr, px (p, xs[i]), py (p, ys[i]));
  cst_chart_set_source_color (cr, color);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Fills between the curve and the bottom of the plot with a wash of @color. */
static void
fill_under (cairo_t        *cr,
            const Plot     *p,
            guint           n,
            const double   *xs,
            const double   *ys,
            const CstColor *color,
            double          alpha)
{
  CstColor wash = *color;

  if (n < 2)
    return;

  wash.alpha = alpha;
  cairo_move_to (cr, px (p, xs[0]), py (p, p->y0));
  for (guint i = 0; i < n; i++)
    cairo_line_to (cr, px (p, xs[i]), py (p, ys[i]));
  cairo_line_to (cr, px (p, xs[n - 1]), py (p, p->y0));
  cairo_close_path (cr);
  cst_chart_set_source_color (cr, &wash);
  cairo_fill (cr);
}

/* A model's curve (gain, ROC, reach) starts with a faint fill under it, clipped to the plot
 * with room for the thick line at its edges; the caller then paints the references the curve
 * lies over, and end_model_curve() the curve itself. */
static void
begin_model_curve (cairo_t        *cr,
                   const Plot     *p,
                   guint           n,
                   const double   *xs,
                   const double   *ys,
                   const CstColor *color)
{
  cairo_save (cr);
  clip_to_area (cr, p, 4.0 * p->s);
  fill_under (cr, p, n, xs, ys, color, 0.12);
}

static void
end_model_curve (cairo_t        *cr,
                 const Plot     *p,
                 guint           n,
                 const double   *xs,
                 const double   *ys,
                 const CstColor *color)
{
  stroke_curve (cr, p, n, xs, ys, color, (p->style->high_contrast ? 4.0 : 3.0) * p->s, FALSE);
  cairo_restore (cr);
}

static void
reference_color (const Plot *p,
                 CstColor   *color)
{
  *color = p->style->muted;
  color->alpha = MIN (1.0, color->alpha * (p->style->high_contrast ? 1.6 : 1.2));
}

/* A label on a rounded backing of the surface colour, so that it stays readable over lines.
 * @x is the anchor as in cst_chart_show_layout(), @y the top of the backing. */
static void
paint_pill (cairo_t        *cr,
            const Plot     *p,
            const char     *text,
            double          x,
            double          y,
            CstChartAlign   align,
            const CstColor *color)
{
  double s = p->s;
  double tw, th, left;
  CstColor backing;

  tw = cst_chart_measure_text (p->label, text, &th);
  left = align == CST_CHART_ALIGN_START ? x : align == CST_CHART_ALIGN_END ? x - tw - 12.0 * s
                                                                          : x - tw / 2.0 - 6.0 * s;
  left = CLAMP (left, p->pad, MAX (p->pad, p->width - p->pad - tw - 12.0 * s));
  cst_chart_style_get_surface (p->style, &backing);
  backing.alpha = 0.9;
  cst_chart_rounded_rectangle (cr, left, y, tw + 12.0 * s, th + 4.0 * s, 4.0 * s);
  cst_chart_set_source_color (cr, &backing);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, MAX (1.0, round (p->s)));
  cst_chart_set_source_color (cr, &p->style->muted);
  cairo_stroke (cr);
  cst_chart_draw_text (cr, p->label, text, left + 6.0 * s, y + 2.0 * s, 0.0,
                       CST_CHART_ALIGN_START, color);
}

static void
paint_dot (cairo_t        *cr,
           const Plot     *p,
           double          x,
           double          y,
           double          r,
           const CstColor *color)
{
  CstColor ring;

  cst_chart_style_get_surface (p->style, &ring);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, r, 0.0, 2.0 * G_PI);
  cst_chart_set_source_color (cr, color);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.5 * p->s);
  cst_chart_set_source_color (cr, &ring);
  cairo_stroke (cr);
}

/* A bar from @base up to @top, with rounded top corners. */
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
  cairo_close_path (cr);
}

static gboolean
in_area (const Plot *p,
         double      x,
         double      y,
         double      margin)
{
  return p->show_plot && x >= p->area.x - margin && x <= p->area.x + p->area.width + margin
         && y >= p->area.y - margin && y <= p->area.y + p->area.height + margin;
}

/* Linear interpolation of the curve (xs, ys), xs ascending, at @x. */
static double
interpolate (guint         n,
             const double *xs,
             const double *ys,
             double        x)
{
  if (n == 0)
    return NAN;
  if (x <= xs[0])
    return ys[0];
  for (guint i = 1; i < n; i++)
    if (x <= xs[i])
      {
        double span = xs[i] - xs[i - 1];

        if (span <= 0.0)
          return ys[i];
        return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / span;
      }
  return ys[n - 1];
}

/* The index of the point whose x is nearest to @x. */
static int
nearest_by_x (guint         n,
              const double *xs,
              double        x)
{
  int best = -1;
  double best_d = INFINITY;

  for (guint i = 0; i < n; i++)
    if (fabs (xs[i] - x) < best_d)
      {
        best_d = fabs (xs[i] - x);
        best = i;
      }
  return best;
}

/* ---- Score histogram with band thresholds ---------------------------------------------- */

struct _CstScoresModel
{
  guint    n_bins;
  double  *edges;
  guint64 *counts;
  double  *expected;       /* per bin: the sum of its scores, the responders it should give */
  guint64  total;
  double   total_expected;
  double   low;
  double   high;
  gboolean explicit_stats;
  guint64  band_count[3];
  double   band_expected[3];
  char    *title;
  char    *outcome;        /* "leavers"; NULL: "responders" */
  char    *axis_label;     /* NULL: "Predicted score (chance of responding)" */
};

static const char *
band_name (CstScoresBand band)
{
  switch (band)
    {
    case CST_SCORES_BAND_HIGH:
      /* Translators: the band of the highest scores. */
      return C_("band", "High");
    case CST_SCORES_BAND_MEDIUM:
      return C_("band", "Medium");
    case CST_SCORES_BAND_LOW:
    default:
      return C_("band", "Low");
    }
}

static void
scores_band_color (const Plot    *p,
                   CstScoresBand  band,
                   CstColor      *color)
{
  if (band == CST_SCORES_BAND_HIGH)
    *color = *cst_chart_style_segment (p->style, MODEL_COLOR);
  else if (band == CST_SCORES_BAND_MEDIUM)
    *color = *cst_chart_style_segment (p->style, SECOND_COLOR);
  else
    {
      *color = p->style->muted;
      color->alpha = MIN (1.0, color->alpha * 1.1);
    }
}

/* Splits each bin between the bands by the share of its width on each side of a threshold:
 * scores are taken as spread evenly within a bin. */
static void
scores_compute_bands (CstScoresModel *model)
{
  double count[3] = { 0.0, 0.0, 0.0 };
  double limits[4];

  if (model->explicit_stats)
    return;

  limits[0] = -INFINITY;
  limits[1] = model->low;
  limits[2] = model->high;
  limits[3] = INFINITY;
  memset (model->band_expected, 0, sizeof model->band_expected);

  for (guint i = 0; i < model->n_bins; i++)
    {
      double a = model->edges[i];
      double b = model->edges[i + 1];

      for (guint band = 0; band < 3; band++)
        {
          double lo = MAX (a, limits[band]);
          double hi = MIN (b, limits[band + 1]);
          double frac;

          if (b > a)
            frac = hi > lo ? (hi - lo) / (b - a) : 0.0;
          else
            frac = a >= limits[band] && a < limits[band + 1] ? 1.0 : 0.0;
          count[band] += frac * model->counts[i];
          model->band_expected[band] += frac * model->expected[i];
        }
    }
  for (guint band = 0; band < 3; band++)
    model->band_count[band] = (guint64) llround (count[band]);
}

/**
 * cst_scores_model_new:
 * @n_bins: the number of bins
 * @edges: (array length=n_bins+1): the bin edges, ascending (scores from 0 to 1)
 * @counts: (array length=n_bins): the number of people per bin
 * @score_sums: (array length=n_bins) (nullable): the sum of the scores in each bin, the
 *   responders the bin is expected to give; %NULL to take count × bin centre
 *
 * The thresholds start at a third and two thirds of the range; see
 * cst_scores_model_set_thresholds().
 *
 * Returns: (transfer full): the model
 */
CstScoresModel *
cst_scores_model_new (guint          n_bins,
                      const double  *edges,
                      const guint64 *counts,
                      const double  *score_sums)
{
  CstScoresModel *model;

  g_return_val_if_fail (n_bins == 0 || (edges != NULL && counts != NULL), NULL);

  model = g_new0 (CstScoresModel, 1);
  model->n_bins = n_bins;
  model->edges = g_new0 (double, n_bins + 1);
  model->counts = g_new0 (guint64, MAX (n_bins, 1));
  model->expected = g_new0 (double, MAX (n_bins, 1));
  if (n_bins > 0)
    memcpy (model->edges, edges, (n_bins + 1) * sizeof (double));

  for (guint i = 0; i < n_bins; i++)
    {
      double centre = (edges[i] + edges[i + 1]) / 2.0;

      model->counts[i] = counts[i];
      model->expected[i] = score_sums != NULL && isfinite (score_sums[i])
                           ? score_sums[i] : counts[i] * centre;
      model->total += counts[i];
      model->total_expected += model->expected[i];
    }

  if (n_bins > 0)
    {
      double lo = model->edges[0];
      double hi = model->edges[n_bins];

      model->low = lo + (hi - lo) / 3.0;
      model->high = lo + 2.0 * (hi - lo) / 3.0;
    }
  scores_compute_bands (model);

  return model;
}

/**
 * cst_scores_model_new_from_scores:
 * @n: the number of scores
 * @scores: (array length=n): scores between 0 and 1; others are left out
 * @n_bins: the number of equal bins over [0, 1]
 *
 * Bins raw scores, keeping the sum of the scores of each bin for the expected responders.
 *
 * Returns: (transfer full): the model
 */
CstScoresModel *
cst_scores_model_new_from_scores (gsize         n,
                                  const double *scores,
                                  guint         n_bins)
{
  g_autofree double *edges = NULL;
  g_autofree guint64 *counts = NULL;
  g_autofree double *sums = NULL;
  double lo = INFINITY, hi = -INFINITY;
  gsize n_valid = 0;

  g_return_val_if_fail (n == 0 || scores != NULL, NULL);
  g_return_val_if_fail (n_bins > 0, NULL);

  for (gsize i = 0; i < n; i++)
    if (isfinite (scores[i]) && scores[i] >= 0.0 && scores[i] <= 1.0)
      {
        lo = MIN (lo, scores[i]);
        hi = MAX (hi, scores[i]);
        n_valid++;
      }

  /* Equal scores make one bin of no width: the chart says so instead of drawing bands. */
  if (n_valid > 0 && hi - lo <= 1e-12)
    {
      double e[2] = { lo, lo };
      guint64 c = n_valid;
      double sum = lo * n_valid;

      return cst_scores_model_new (1, e, &c, &sum);
    }

  edges = g_new (double, n_bins + 1);
  counts = g_new0 (guint64, n_bins);
  sums = g_new0 (double, n_bins);
  for (guint i = 0; i <= n_bins; i++)
    edges[i] = (double) i / n_bins;

  for (gsize i = 0; i < n; i++)
    {
      guint bin;

      if (!isfinite (scores[i]) || scores[i] < 0.0 || scores[i] > 1.0)
        continue;
      bin = MIN ((guint) (scores[i] * n_bins), n_bins - 1);
      counts[bin]++;
      sums[bin] += scores[i];
    }

  return cst_scores_model_new (n_bins, edges, counts, sums);
}

/**
 * cst_scores_model_set_thresholds:
 * @model: a scores model
 * @low: the lowest score of the Medium band
 * @high: the lowest score of the High band
 *
 * Moves the band limits (swapped when given the wrong way round) and recomputes the band
 * counts from the bins, unless cst_scores_model_set_band_stats() gave exact ones, which are
 * then dropped.
 */
void
cst_scores_model_set_thresholds (CstScoresModel *model,
                                 double          low,
                                 double          high)
{
  g_return_if_fail (model != NULL);
  g_return_if_fail (isfinite (low) && isfinite (high));

  model->low = MIN (low, high);
  model->high = MAX (low, high);
  model->explicit_stats = FALSE;
  scores_compute_bands (model);
}

void
cst_scores_model_get_thresholds (const CstScoresModel *model,
                                 double               *low,
                                 double               *high)
{
  g_return_if_fail (model != NULL);

  if (low != NULL)
    *low = model->low;
  if (high != NULL)
    *high = model->high;
}

/**
 * cst_scores_model_set_band_stats:
 * @model: a scores model
 * @counts: (array fixed-size=3): the exact number of people in the Low, Medium and High bands
 * @expected: (array fixed-size=3): the expected responders in each band
 *
 * Replaces the counts estimated from the bins with exact ones from the scores, until the
 * thresholds move.
 */
void
cst_scores_model_set_band_stats (CstScoresModel *model,
                                 const guint64  *counts,
                                 const double   *expected)
{
  g_return_if_fail (model != NULL);
  g_return_if_fail (counts != NULL && expected != NULL);

  memcpy (model->band_count, counts, sizeof model->band_count);
  memcpy (model->band_expected, expected, sizeof model->band_expected);
  model->explicit_stats = TRUE;
}

void
cst_scores_model_get_band_stats (const CstScoresModel *model,
                                 CstScoresBand         band,
                                 guint64              *count,
                                 double               *expected)
{
  g_return_if_fail (model != NULL);
  g_return_if_fail (band <= CST_SCORES_BAND_HIGH);

  if (count != NULL)
    *count = model->band_count[band];
  if (expected != NULL)
    *expected = model->band_expected[band];
}

void
cst_scores_model_set_title (CstScoresModel *model,
                            const char     *title)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->title, title);
}

void
cst_scores_model_free (CstScoresModel *model)
{
  if (model == NULL)
    return;

  g_free (model->edges);
  g_free (model->counts);
  g_free (model->expected);
  g_free (model->title);
  g_free (model->outcome);
  g_free (model->axis_label);
  g_free (model);
}

/**
 * cst_scores_model_set_outcome:
 * @model: a scores model
 * @outcome_plural: (nullable): who the score counts, in the plural and translated ("leavers",
 *   "buyers"), for "about 380 expected leavers"; %NULL for "responders"
 * @axis_label: (nullable): the horizontal axis title, translated ("Predicted score (chance of
 *   leaving)"); %NULL for "Predicted score (chance of responding)"
 *
 * Names the outcome the scores predict, in the legend, the band labels, the axis and the
 * description.
 */
void
cst_scores_model_set_outcome (CstScoresModel *model,
                              const char     *outcome_plural,
                              const char     *axis_label)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->outcome, outcome_plural);
  cst_chart_set_string (&model->axis_label, axis_label);
}

static const char *
scores_outcome (const CstScoresModel *model)
{
  /* Translators: who a score counts, in the plural, as in "about 380 expected responders". */
  return model->outcome != NULL ? model->outcome : _("responders");
}

static const char *
scores_title (const CstScoresModel *model)
{
  return model->title != NULL ? model->title
                              : _("How likely people are to respond, in three bands");
}

/* The empty-state message, or NULL when the histogram can be drawn. */
static char *
scores_problem (const CstScoresModel *model)
{
  guint n_filled = 0;

  if (model->total == 0)
    return g_strdup (_("No scores to show yet."));
  for (guint i = 0; i < model->n_bins; i++)
    n_filled += model->counts[i] > 0;
  if (model->n_bins < 2 || model->edges[model->n_bins] - model->edges[0] <= 1e-12
      || n_filled < 2)
    {
      g_autofree char *people = cst_chart_format_people (model->total);
      g_autofree char *score = format_score (model->total_expected / model->total);

      /* Translators: %s are a number of people ("1,234 people") and a score ("0.42"). */
      return g_strdup_printf (_("All %s have about the same score (%s), so there are no bands "
                                "to tell apart."), people, score);
    }
  return NULL;
}

static char *
scores_band_text (const CstScoresModel *model,
                  CstScoresBand         band)
{
  g_autofree char *people = cst_chart_format_people (model->band_count[band]);
  g_autofree char *expected = NULL;

  expected = cst_chart_format_count ((guint64) llround (model->band_expected[band]));
  /* Translators: a band in the legend, "High: 1,234 people, about 540 expected responders";
   * the last %s is who the score counts ("responders", "leavers", "buyers"). */
  return g_strdup_printf (_("%s: %s, about %s expected %s"), band_name (band), people,
                          expected, scores_outcome (model));
}

/* The label of @band above the plot, from the richest (0: "High · 682 people · about 387
 * responders") to the shortest (2: "High"). */
static char *
scores_strip_text (const CstScoresModel *model,
                   CstScoresBand         band,
                   int                   variant)
{
  g_autofree char *people = NULL;
  g_autofree char *expected = NULL;

  if (variant >= 2)
    return g_strdup (band_name (band));
  people = cst_chart_format_people (model->band_count[band]);
  if (variant == 1)
    /* Translators: a band label above the score histogram, "High · 682 people". */
    return g_strdup_printf (_("%s · %s"), band_name (band), people);
  expected = cst_chart_format_count ((guint64) llround (model->band_expected[band]));
  /* Translators: a band label above the score histogram, "High · 682 people · about 387
   * responders"; the last %s is who the score counts ("responders", "leavers", "buyers"). */
  return g_strdup_printf (_("%s · %s · about %s %s"), band_name (band), people, expected,
                          scores_outcome (model));
}

/* Where the label of @band may go: between the plot's edges and the handles. */
static void
scores_band_span (const CstScoresModel *model,
                  const Plot           *p,
                  CstScoresBand         band,
                  double               *left,
                  double               *right)
{
  double limits[4] = { p->x0, CLAMP (model->low, p->x0, p->x1),
                       CLAMP (model->high, p->x0, p->x1), p->x1 };

  *left = px (p, limits[band]) + (band > 0 ? 10.0 * p->s : 0.0);
  *right = px (p, limits[band + 1]) - (band < 2 ? 10.0 * p->s : 0.0);
}

/* The richest label of @band that fits its span, or 3 when not even its name does. */
static int
scores_strip_variant (const CstScoresModel *model,
                      const Plot           *p,
                      CstScoresBand         band)
{
  double left, right;

  scores_band_span (model, p, band, &left, &right);
  for (int variant = 0; variant < 3; variant++)
    {
      g_autofree char *text = scores_strip_text (model, band, variant);

      if (cst_chart_measure_text (p->label, text, NULL) + 8.0 * p->s <= right - left)
        return variant;
    }
  return 3;
}

static void
scores_layout (gconstpointer data,
               Plot         *p)
{
  const CstScoresModel *model = data;
  g_autofree char *problem = scores_problem (model);
  g_autofree char *subtitle = NULL;
  double max_count = 0.0;

  if (problem == NULL)
    {
      g_autofree char *people = cst_chart_format_people (model->total);
      g_autofree char *high = format_score (model->high);
      g_autofree char *low = format_score (model->low);

      /* Translators: "4,600 people scored; High from 0.62, Medium from 0.31". */
      subtitle = g_strdup_printf (_("%s scored; High from %s, Medium from %s"), people, high, low);
    }
  if (!plot_start (p, scores_title (model), subtitle, problem))
    return;

  for (int band = CST_SCORES_BAND_HIGH; band >= CST_SCORES_BAND_LOW; band--)
    {
      CstColor color;

      scores_band_color (p, band, &color);
      plot_add_legend (p, scores_band_text (model, band), &color, MARK_BOX);
    }
  for (guint i = 0; i < model->n_bins; i++)
    max_count = MAX (max_count, model->counts[i]);

  p->x_title = g_strdup (model->axis_label != NULL ? model->axis_label
                                                   : _("Predicted score (chance of responding)"));
  p->y_title = g_strdup (_("People"));
  /* Room above the plot for the band labels and the handles of the threshold lines. */
  if (!plot_layout (p, model->edges[0], model->edges[model->n_bins], 0.0, max_count,
                    PLOT_LOOSE_Y, p->label_h + 12.0 * p->s, 0.0))
    return;

  /* When every band's label above the plot has room for its numbers, the legend would only
   * repeat them: it goes, and the plot takes its room. */
  for (int band = 0; band < 3; band++)
    if (scores_strip_variant (model, p, band) != 0)
      return;
  for (guint i = 0; i < p->n_legend; i++)
    g_clear_pointer (&p->legend_text[i], g_free);
  p->n_legend = 0;
  plot_layout (p, model->edges[0], model->edges[model->n_bins], 0.0, max_count, PLOT_LOOSE_Y,
               p->label_h + 12.0 * p->s, 0.0);
}

static double
scores_strip_top (const Plot *p)
{
  return p->area.y - p->label_h - 10.0 * p->s;
}

static void
paint_handle (cairo_t    *cr,
              const Plot *p,
              double      x)
{
  double s = p->s;
  double w = 12.0 * s;
  double h = p->label_h + 8.0 * s;
  double top = scores_strip_top (p);
  double lw = 2.0 * s;
  CstColor surface;

  cst_chart_style_get_surface (p->style, &surface);

  /* The line itself, across the plot. */
  cairo_set_line_width (cr, lw);
  cst_chart_set_source_color (cr, &p->style->foreground);
  cairo_move_to (cr, x, top + h);
  cairo_line_to (cr, x, p->area.y + p->area.height);
  cairo_stroke (cr);

  /* A grip at its top, with two ridges, so that it looks like it can be dragged. */
  cst_chart_rounded_rectangle (cr, x - w / 2.0, top, w, h, 4.0 * s);
  cst_chart_set_source_color (cr, &p->style->foreground);
  cairo_fill (cr);
  cairo_set_line_width (cr, MAX (1.0, 1.2 * s));
  cst_chart_set_source_color (cr, &surface);
  for (int k = -1; k <= 1; k += 2)
    {
      cairo_move_to (cr, x + k * 2.0 * s, top + 4.0 * s);
      cairo_line_to (cr, x + k * 2.0 * s, top + h - 4.0 * s);
    }
  cairo_stroke (cr);
}

void
cst_chart_scores_paint (cairo_t              *cr,
                        const CstScoresModel *model,
                        double                width,
                        double                height,
                        const CstChartStyle  *style)
{
  Chart chart;
  Plot *p;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  p = chart_begin_layout (&chart, cr, style, width, height, scores_layout, model);

  if (p->show_plot)
    {
      double s = p->s;
      double base = py (p, 0.0);
      double limits[4] = { p->x0, CLAMP (model->low, p->x0, p->x1),
                           CLAMP (model->high, p->x0, p->x1), p->x1 };

      /* The bars, coloured by band: each band's part is clipped to its range, so that a bin
       * split by a threshold shows both colours. */
      for (int band = 0; band < 3; band++)
        {
          CstColor color;
          double left = px (p, limits[band]);
          double right = px (p, limits[band + 1]);

          if (right <= left)
            continue;
          scores_band_color (p, band, &color);
          cairo_save (cr);
          cairo_rectangle (cr, left, p->area.y, right - left, p->area.height);
          cairo_clip (cr);
          for (guint i = 0; i < model->n_bins; i++)
            {
              double a = px (p, model->edges[i]);
              double b = px (p, model->edges[i + 1]);
              double gap = MIN (2.0 * s, (b - a) * 0.2);

              if (model->counts[i] == 0)
                continue;
              bar_path (cr, a + gap / 2.0, MIN (py (p, model->counts[i]), base - 1.0),
                        b - a - gap, base, 2.0 * s);
            }
          cst_chart_set_source_color (cr, &color);
          cairo_fill (cr);
          cairo_restore (cr);
        }

      /* The band labels above the plot, all as rich as the narrowest band allows (a band too
       * narrow for its name goes without). */
      int common = 0;

      for (int band = 0; band < 3; band++)
        common = MAX (common, MIN (scores_strip_variant (model, p, band), 2));
      for (int band = 0; band < 3; band++)
        {
          int variant = MAX (common, scores_strip_variant (model, p, band));
          g_autofree char *text = NULL;
          double left, right;
          CstColor color;

          if (variant > 2)
            continue;
          text = scores_strip_text (model, band, variant);
          scores_band_span (model, p, band, &left, &right);
          scores_band_color (p, band, &color);
          if (band == CST_SCORES_BAND_LOW)
            color = p->style->foreground;
          cst_chart_draw_text (cr, p->label, text, (left + right) / 2.0,
                               scores_strip_top (p) + 4.0 * s, 0.0, CST_CHART_ALIGN_CENTER,
                               &color);
        }

      paint_handle (cr, p, px (p, limits[1]));
      paint_handle (cr, p, px (p, limits[2]));

      /* The threshold values, beside the lines near the top of the plot. */
      for (int k = 1; k <= 2; k++)
        {
          g_autofree char *value = format_score (k == 1 ? model->low : model->high);
          double x = px (p, limits[k]);
          double tw = cst_chart_measure_text (p->label, value, NULL);
          gboolean right_side = x + 8.0 * s + tw + 12.0 * s < p->area.x + p->area.width;

          paint_pill (cr, p, value, right_side ? x + 6.0 * s : x - 6.0 * s,
                      p->area.y + 6.0 * s + (k == 1 ? p->label_h + 8.0 * s : 0.0),
                      right_side ? CST_CHART_ALIGN_START : CST_CHART_ALIGN_END,
                      &p->style->foreground);
        }
    }

  chart_end (&chart);
}

static CstScoresHandle
scores_find_handle (const CstScoresModel *model,
                    const Plot           *p,
                    double                x,
                    double                y)
{
  double grab = 8.0 * p->s;
  double d_low, d_high;

  if (!p->show_plot || y < scores_strip_top (p) || y > p->area.y + p->area.height)
    return CST_SCORES_HANDLE_NONE;

  d_low = fabs (x - px (p, CLAMP (model->low, p->x0, p->x1)));
  d_high = fabs (x - px (p, CLAMP (model->high, p->x0, p->x1)));
  if (MIN (d_low, d_high) > grab)
    return CST_SCORES_HANDLE_NONE;
  /* When the lines are close, the nearer one; at a tie the High one, which moves away from
   * the Low one when dragged right. */
  return d_high <= d_low ? CST_SCORES_HANDLE_HIGH : CST_SCORES_HANDLE_LOW;
}

/**
 * cst_chart_scores_hit_handle:
 * @model: a scores model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @x: the pointer position
 * @y: the pointer position
 *
 * Returns: the threshold line within 8 pixels (at scale 1) of @x, between its grip above the
 *   plot and the bottom of the plot, or %CST_SCORES_HANDLE_NONE
 */
CstScoresHandle
cst_chart_scores_hit_handle (const CstScoresModel *model,
                             double                width,
                             double                height,
                             const CstChartStyle  *style,
                             double                x,
                             double                y)
{
  Chart chart;
  CstScoresHandle handle;

  g_return_val_if_fail (model != NULL, CST_SCORES_HANDLE_NONE);
  g_return_val_if_fail (style != NULL, CST_SCORES_HANDLE_NONE);

  chart_begin_layout (&chart, NULL, style, width, height, scores_layout, model);
  handle = scores_find_handle (model, &chart.plot, x, y);
  chart_end (&chart);

  return handle;
}

double
cst_chart_scores_score_at (const CstScoresModel *model,
                           double                width,
                           double                height,
                           const CstChartStyle  *style,
                           double                x)
{
  Chart chart;
  double score = NAN;

  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (style != NULL, NAN);

  chart_begin_layout (&chart, NULL, style, width, height, scores_layout, model);
  if (chart.plot.show_plot)
    score = value_at_x (&chart.plot, x);
  chart_end (&chart);

  return score;
}

static CstScoresBand
scores_band_of (const CstScoresModel *model,
                double                score)
{
  if (score >= model->high)
    return CST_SCORES_BAND_HIGH;
  if (score >= model->low)
    return CST_SCORES_BAND_MEDIUM;
  return CST_SCORES_BAND_LOW;
}

/**
 * cst_chart_scores_hit_test:
 * @model: a scores model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @x: the pointer position
 * @y: the pointer position
 * @tooltip: (out) (optional): "Scores 0.40 to 0.45: 123 people (Medium band)", or %NULL
 *
 * Returns: the bin whose column (from above the plot to its bottom) contains the point, or -1
 */
int
cst_chart_scores_hit_test (const CstScoresModel *model,
                           double                width,
                           double                height,
                           const CstChartStyle  *style,
                           double                x,
                           double                y,
                           char                **tooltip)
{
  Chart chart;
  Plot *p;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  p = hit_test_begin (&chart, style, width, height, scores_layout, model, tooltip);
  if (p->show_plot && x >= p->area.x && x < p->area.x + p->area.width
      && y >= scores_strip_top (p) && y <= p->area.y + p->area.height)
    {
      double v = value_at_x (p, x);

      for (guint i = 0; i < model->n_bins && hit < 0; i++)
        if (v >= model->edges[i] && (v < model->edges[i + 1] || i + 1 == model->n_bins))
          hit = i;
    }
  if (hit >= 0 && tooltip != NULL)
    {
      g_autofree char *a = format_score (model->edges[hit]);
      g_autofree char *b = format_score (model->edges[hit + 1]);
      g_autofree char *people = cst_chart_format_people (model->counts[hit]);
      double centre = (model->edges[hit] + model->edges[hit + 1]) / 2.0;

      /* Translators: a tooltip, "Scores 0.40 to 0.45: 123 people (Medium band)". */
      *tooltip = g_strdup_printf (_("Scores %s to %s: %s (%s band)"), a, b, people,
                                  band_name (scores_band_of (model, centre)));
    }
  chart_end (&chart);

  return hit;
}

/**
 * cst_chart_scores_describe:
 * @model: a scores model
 *
 * Returns: (transfer full): "How likely people are to respond, in three bands: 4,600 people;
 *   High (from 0.62) 512 people, about 380 expected responders; Medium …"
 */
char *
cst_chart_scores_describe (const CstScoresModel *model)
{
  g_autofree char *problem = NULL;
  g_autofree char *people = NULL;
  GString *out;

  g_return_val_if_fail (model != NULL, NULL);

  problem = scores_problem (model);
  if (problem != NULL)
    /* Translators: the chart title and the reason nothing is drawn. */
    return g_strdup_printf (_("%s: %s"), scores_title (model), problem);

  people = cst_chart_format_people (model->total);
  out = g_string_new (NULL);
  g_string_append_printf (out, _("%s: %s"), scores_title (model), people);
  for (int band = CST_SCORES_BAND_HIGH; band >= CST_SCORES_BAND_LOW; band--)
    {
      g_autofree char *count = cst_chart_format_people (model->band_count[band]);
      g_autofree char *expected =
        cst_chart_format_count ((guint64) llround (model->band_expected[band]));
      g_autofree char *limit = format_score (band == CST_SCORES_BAND_HIGH ? model->high
                                             : model->low);

      if (band == CST_SCORES_BAND_LOW)
        /* Translators: "; Low 3,000 people, about 120 expected responders"; the last %s is
         * who the score counts ("responders", "leavers", "buyers"). */
        g_string_append_printf (out, _("; %s %s, about %s expected %s"),
                                band_name (band), count, expected, scores_outcome (model));
      else
        /* Translators: "; High (from 0.62) 512 people, about 380 expected responders"; the
         * last %s is who the score counts ("responders", "leavers", "buyers"). */
        g_string_append_printf (out, _("; %s (from %s) %s, about %s expected %s"),
                                band_name (band), limit, count, expected, scores_outcome (model));
    }
  g_string_append (out, ".");
  return g_string_free (out, FALSE);
}

/* ---- Gain ------------------------------------------------------------------------------- */

struct _CstGainModel
{
  guint   n;
  double *contacted;
  double *found;
  double  positive_rate;
  char   *title;
  char   *outcome;     /* "leavers"; NULL: "responders" */
  char   *axis_label;  /* NULL: "Responders found" */
};

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  const double *p = a;
  const double *q = b;

  if (p[0] != q[0])
    return (p[0] > q[0]) - (p[0] < q[0]);
  return (p[1] > q[1]) - (p[1] < q[1]);
}

/* Copies a curve of shares, sorted by x, clamped to [0, 1], starting at (0, 0) and, when
 * @close, ending at (1, 1). */
static guint
copy_curve (guint          n,
            const double  *xs,
            const double  *ys,
            gboolean       close,
            double       **out_x,
            double       **out_y)
{
  GArray *pts = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  guint m;

  for (guint i = 0; i < n; i++)
    {
      double pt[2] = { xs[i], ys[i] };

      if (!isfinite (pt[0]) || !isfinite (pt[1]))
        continue;
      pt[0] = CLAMP (pt[0], 0.0, 1.0);
      pt[1] = CLAMP (pt[1], 0.0, 1.0);
      g_array_append_val (pts, pt);
    }

  if (pts->len > 0)
    {
      /* By x, then y: a ROC curve climbs at equal x. */
      g_array_sort (pts, compare_points);
      if (g_array_index (pts, double, 0) > 0.0 || g_array_index (pts, double, 1) > 0.0)
        {
          double origin[2] = { 0.0, 0.0 };

          g_array_prepend_val (pts, origin);
        }
      if (close && (g_array_index (pts, double, 2 * (pts->len - 1)) < 1.0
                    || g_array_index (pts, double, 2 * (pts->len - 1) + 1) < 1.0))
        {
          double end[2] = { 1.0, 1.0 };

          g_array_append_val (pts, end);
        }
    }

  m = pts->len;
  *out_x = g_new (double, MAX (m, 1));
  *out_y = g_new (double, MAX (m, 1));
  for (guint i = 0; i < m; i++)
    {
      (*out_x)[i] = g_array_index (pts, double, 2 * i);
      (*out_y)[i] = g_array_index (pts, double, 2 * i + 1);
    }
  g_array_unref (pts);

  return m;
}

/**
 * cst_gain_model_new:
 * @n_points: the number of points
 * @contacted: (array length=n_points): shares of people contacted, highest scores first (0…1)
 * @found: (array length=n_points): the shares of all responders among them (0…1)
 * @positive_rate: the share of responders among everyone (0…1), for the perfect line
 *
 * Points are sorted and the curve starts at (0, 0).
 *
 * Returns: (transfer full): the model
 */
CstGainModel *
cst_gain_model_new (guint         n_points,
                    const double *contacted,
                    const double *found,
                    double        positive_rate)
{
  CstGainModel *model;

  g_return_val_if_fail (n_points == 0 || (contacted != NULL && found != NULL), NULL);

  model = g_new0 (CstGainModel, 1);
  model->n = copy_curve (n_points, contacted, found, FALSE, &model->contacted, &model->found);
  model->positive_rate = isfinite (positive_rate) ? CLAMP (positive_rate, 0.0, 1.0) : 0.0;
  return model;
}

void
cst_gain_model_set_title (CstGainModel *model,
                          const char   *title)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->title, title);
}

void
cst_gain_model_free (CstGainModel *model)
{
  if (model == NULL)
    return;

  g_free (model->contacted);
  g_free (model->found);
  g_free (model->title);
  g_free (model->outcome);
  g_free (model->axis_label);
  g_free (model);
}

/**
 * cst_gain_model_set_outcome:
 * @model: a gain model
 * @outcome_plural: (nullable): who is found, in the plural and translated ("leavers",
 *   "buyers"); %NULL for "responders"
 * @axis_label: (nullable): the vertical axis title, translated ("Leavers found"); %NULL for
 *   "Responders found"
 *
 * Names the outcome in the subtitle, the curve's label, the tooltip and the description.
 */
void
cst_gain_model_set_outcome (CstGainModel *model,
                            const char   *outcome_plural,
                            const char   *axis_label)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->outcome, outcome_plural);
  cst_chart_set_string (&model->axis_label, axis_label);
}

static const char *
gain_outcome (const CstGainModel *model)
{
  /* Translators: who the gain curve finds, in the plural: "finds 48 % of responders". */
  return model->outcome != NULL ? model->outcome : _("responders");
}

static const char *
gain_title (const CstGainModel *model)
{
  return model->title != NULL ? model->title
                              : _("Responders found by contacting the highest scores first");
}

static char *
gain_problem (const CstGainModel *model)
{
  if (model->n < 2)
    return g_strdup (_("No people to show yet."));
  if (model->positive_rate <= 0.0)
    return g_strdup (_("Nobody here has responded, so there are no responders to find."));
  return NULL;
}

/* The share contacted that the chart reads out: the top fifth. */
#define GAIN_MARK 0.2

/* The perfect model's line: thin and faint, a bound rather than a result. */
static void
gain_perfect_color (const Plot *p,
                    CstColor   *color)
{
  *color = p->style->foreground;
  color->alpha *= p->style->high_contrast ? 0.8 : 0.55;
}

static void
gain_layout (gconstpointer data,
             Plot         *p)
{
  const CstGainModel *model = data;
  g_autofree char *problem = gain_problem (model);
  g_autofree char *subtitle = NULL;
  CstColor ref, perfect;

  if (problem == NULL)
    {
      g_autofree char *top = format_percent (GAIN_MARK);
      g_autofree char *found = format_percent (interpolate (model->n, model->contacted,
                                                            model->found, GAIN_MARK));

      /* Translators: "Contacting the top 20 % finds 48 % of responders; picking at random,
       * 20 %"; the third %s is who is found ("responders", "leavers", "buyers"). */
      subtitle = g_strdup_printf (_("Contacting the top %s finds %s of %s; picking at "
                                    "random, %s"), top, found, gain_outcome (model), top);
    }
  if (!plot_start (p, gain_title (model), subtitle, problem))
    return;

  reference_color (p, &ref);
  plot_add_legend (p, g_strdup (_("This model")), cst_chart_style_segment (p->style, MODEL_COLOR),
                   MARK_LINE);
  plot_add_legend (p, g_strdup (_("Random order")), &ref, MARK_DASH);
  gain_perfect_color (p, &perfect);
  plot_add_legend (p, g_strdup (_("Perfect model")), &perfect, MARK_LINE);
  p->xfmt = p->yfmt = format_tick_percent;
  p->x_title = g_strdup (_("People contacted, highest scores first"));
  p->y_title = g_strdup (model->axis_label != NULL ? model->axis_label : _("Responders found"));
  plot_layout (p, 0.0, 1.0, 0.0, 1.0, PLOT_ASPECT | PLOT_GRID_X, 0.0, 0.0);
}

void
cst_chart_gain_paint (cairo_t             *cr,
                      const CstGainModel  *model,
                      double               width,
                      double               height,
                      const CstChartStyle *style)
{
  Chart chart;
  Plot *p;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  p = chart_begin_layout (&chart, cr, style, width, height, gain_layout, model);

  if (p->show_plot)
    {
      double s = p->s;
      const CstColor *color = cst_chart_style_segment (p->style, MODEL_COLOR);
      double diag_x[2] = { 0.0, 1.0 };
      double perfect_x[3] = { 0.0, model->positive_rate, 1.0 };
      double perfect_y[3] = { 0.0, 1.0, 1.0 };
      CstColor ref, perfect;
      double mark_y = interpolate (model->n, model->contacted, model->found, GAIN_MARK);
      g_autofree char *label = NULL;
      g_autofree char *top = format_percent (GAIN_MARK);
      g_autofree char *found = format_percent (mark_y);

      reference_color (p, &ref);
      gain_perfect_color (p, &perfect);
      begin_model_curve (cr, p, model->n, model->contacted, model->found, color);
      stroke_curve (cr, p, 3, perfect_x, perfect_y, &perfect, 1.5 * s, FALSE);
      stroke_curve (cr, p, 2, diag_x, diag_x, &ref, 2.0 * s, TRUE);
      end_model_curve (cr, p, model->n, model->contacted, model->found, color);

      /* What the top fifth gives, marked on the curve. */
      paint_dot (cr, p, px (p, GAIN_MARK), py (p, mark_y), 5.5 * s, color);
      /* Translators: a label on the gain curve, "Top 20 % → 48 % of responders"; the last %s
       * is who is found ("responders", "leavers", "buyers"). */
      label = g_strdup_printf (_("Top %s → %s of %s"), top, found, gain_outcome (model));
      /* Only where it fits inside the plot; small charts say it in the subtitle. */
      if (px (p, GAIN_MARK) + 22.0 * s + cst_chart_measure_text (p->label, label, NULL)
          <= p->area.x + p->area.width)
        paint_pill (cr, p, label, px (p, GAIN_MARK) + 10.0 * s, py (p, mark_y) + 8.0 * s,
                    CST_CHART_ALIGN_START, &p->style->foreground);
    }

  chart_end (&chart);
}

/**
 * cst_chart_gain_hit_test:
 * @tooltip: (out) (optional): "Contacting 30 % finds 61 % of responders", or %NULL
 *
 * Returns: the point whose share contacted is nearest to the pointer in the plot, or -1
 */
int
cst_chart_gain_hit_test (const CstGainModel  *model,
                         double               width,
                         double               height,
                         const CstChartStyle *style,
                         double               x,
                         double               y,
                         char               **tooltip)
{
  Chart chart;
  Plot *p;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  p = hit_test_begin (&chart, style, width, height, gain_layout, model, tooltip);
  if (in_area (p, x, y, 0.0))
    hit = nearest_by_x (model->n, model->contacted, value_at_x (p, x));
  if (hit >= 0 && tooltip != NULL)
    {
      g_autofree char *contacted = format_percent (model->contacted[hit]);
      g_autofree char *found = format_percent (model->found[hit]);

      /* Translators: a tooltip, "Contacting 30 % finds 61 % of responders"; the last %s is who
       * is found ("responders", "leavers", "buyers"). */
      *tooltip = g_strdup_printf (_("Contacting %s finds %s of %s"), contacted, found,
                                  gain_outcome (model));
    }
  chart_end (&chart);

  return hit;
}

char *
cst_chart_gain_describe (const CstGainModel *model)
{
  g_autofree char *problem = NULL;
  g_autofree char *top = NULL;
  g_autofree char *found = NULL;
  g_autofree char *half = NULL;
  g_autofree char *half_found = NULL;

  g_return_val_if_fail (model != NULL, NULL);

  problem = gain_problem (model);
  if (problem != NULL)
    return g_strdup_printf (_("%s: %s"), gain_title (model), problem);

  top = format_percent (GAIN_MARK);
  found = format_percent (interpolate (model->n, model->contacted, model->found, GAIN_MARK));
  half = format_percent (0.5);
  half_found = format_percent (interpolate (model->n, model->contacted, model->found, 0.5));
  /* Translators: "Responders found …: contacting the top 20 % of people finds 48 % of
   * responders and the top 50 % finds 81 %, where random picking finds 20 % and 50 %."; the
   * fourth %s is who is found ("responders", "leavers", "buyers"). */
  return g_strdup_printf (_("%s: contacting the top %s of people finds %s of %s and the "
                            "top %s finds %s, where random picking finds %s and %s."),
                          gain_title (model), top, found, gain_outcome (model), half, half_found,
                          top, half);
}

/* ---- Lift ------------------------------------------------------------------------------- */

struct _CstLiftModel
{
  guint   n;
  double *lift;
  double  max_lift;
  char   *title;
};

/**
 * cst_lift_model_new:
 * @n_groups: the number of groups, usually 10 (deciles)
 * @lift: (array length=n_groups): the response rate of each group divided by the overall rate,
 *   highest scores first; NAN for a group without people
 *
 * Returns: (transfer full): the model
 */
CstLiftModel *
cst_lift_model_new (guint         n_groups,
                    const double *lift)
{
  CstLiftModel *model;

  g_return_val_if_fail (n_groups == 0 || lift != NULL, NULL);

  model = g_new0 (CstLiftModel, 1);
  model->n = n_groups;
  model->lift = g_new (double, MAX (n_groups, 1));
  for (guint i = 0; i < n_groups; i++)
    {
      model->lift[i] = isfinite (lift[i]) && lift[i] >= 0.0 ? lift[i] : NAN;
      if (isfinite (model->lift[i]))
        model->max_lift = MAX (model->max_lift, model->lift[i]);
    }
  return model;
}

void
cst_lift_model_set_title (CstLiftModel *model,
                          const char   *title)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->title, title);
}

void
cst_lift_model_free (CstLiftModel *model)
{
  if (model == NULL)
    return;

  g_free (model->lift);
  g_free (model->title);
  g_free (model);
}

static const char *
lift_title (const CstLiftModel *model)
{
  return model->title != NULL ? model->title
                              : _("How many times more responders than random, by decile");
}

static char *
lift_problem (const CstLiftModel *model)
{
  if (model->n == 0 || model->max_lift <= 0.0)
    return g_strdup (_("No responders to compare yet."));
  return NULL;
}

static char *
format_lift (double lift)
{
  g_autofree char *number = cst_chart_format_number (lift, 1);

  return g_strdup_printf (_("%s×"), number);
}

static void
lift_layout (gconstpointer data,
             Plot         *p)
{
  const CstLiftModel *model = data;
  g_autofree char *problem = lift_problem (model);
  g_autofree char *subtitle = NULL;
  CstColor ref;

  if (problem == NULL && isfinite (model->lift[0]))
    {
      g_autofree char *first = format_lift (model->lift[0]);

      /* Translators: "The top 10 % respond 3.2× as often as average; 1× is random". */
      subtitle = g_strdup_printf (model->n == 10
                                  ? _("The top 10 %% respond %s as often as average; 1× is random")
                                  : _("The first group responds %s as often as average; 1× is "
                                      "random"), first);
    }
  if (!plot_start (p, lift_title (model), subtitle, problem))
    return;

  reference_color (p, &ref);
  plot_add_legend (p, g_strdup (_("Lift of the group")),
                   cst_chart_style_segment (p->style, MODEL_COLOR), MARK_BOX);
  plot_add_legend (p, g_strdup (_("Random (1×)")), &ref, MARK_DASH);
  p->yfmt = format_tick_lift;
  p->x_title = g_strdup (model->n == 10 ? _("Decile of people, highest scores first")
                                        : _("Group of people, highest scores first"));
  p->y_title = g_strdup (_("Lift"));
  plot_layout (p, 0.0, model->n, 0.0, MAX (model->max_lift, 1.0) * 1.08,
               PLOT_LOOSE_Y | PLOT_NO_X, p->label_h + 4.0 * p->s, 0.0);
}

void
cst_chart_lift_paint (cairo_t             *cr,
                      const CstLiftModel  *model,
                      double               width,
                      double               height,
                      const CstChartStyle *style)
{
  Chart chart;
  Plot *p;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  p = chart_begin_layout (&chart, cr, style, width, height, lift_layout, model);

  if (p->show_plot)
    {
      double s = p->s;
      double col_w = p->area.width / model->n;
      double bar_w = MIN (col_w * 0.7, 80.0 * s);
      double base = py (p, 0.0);
      double one = py (p, 1.0);
      double dash[] = { 6.0 * s, 4.0 * s };
      const CstColor *color = cst_chart_style_segment (p->style, MODEL_COLOR);
      CstColor below = *color;
      CstColor ref;
      gboolean show_values = bar_w >= cst_chart_measure_text (p->tick, "0.0×", NULL);
      guint stride = (guint) ceil (cst_chart_measure_text (p->tick, "10", NULL) * 2.0 / col_w);

      below.alpha = 0.45;
      reference_color (p, &ref);

      /* Bars below 1× are paler: those groups respond less than average. */
      for (guint i = 0; i < model->n; i++)
        {
          double v = model->lift[i];

          if (!isfinite (v))
            continue;
          bar_path (cr, px (p, i + 0.5) - bar_w / 2.0, MIN (py (p, v), base - 1.0), bar_w, base,
                    3.0 * s);
          cst_chart_set_source_color (cr, v >= 1.0 ? color : &below);
          cairo_fill (cr);
        }

      /* Random is a lift of 1: over the bars, under the numbers. */
      cairo_save (cr);
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
      cairo_set_line_width (cr, 2.0 * s);
      cst_chart_set_source_color (cr, &ref);
      cairo_move_to (cr, p->area.x, cst_chart_snap (one, 2.0 * s));
      cairo_line_to (cr, p->area.x + p->area.width, cst_chart_snap (one, 2.0 * s));
      cairo_stroke (cr);
      cairo_restore (cr);

      for (guint i = 0; i < model->n; i++)
        {
          double v = model->lift[i];
          double cx = px (p, i + 0.5);

          if (isfinite (v) && show_values)
            {
              g_autofree char *label = format_lift (v);
              double top = MIN (py (p, v), base - 1.0);

              cst_chart_draw_text (cr, p->tick, label, cx, top - p->tick_h - 3.0 * s, 0.0,
                                   CST_CHART_ALIGN_CENTER, &p->style->foreground);
            }
          if (p->show_axes && i % MAX (stride, 1) == 0)
            {
              g_autofree char *label = g_strdup_printf ("%u", i + 1);

              cst_chart_draw_text (cr, p->tick, label, cx, base + 6.0 * s, 0.0,
                                   CST_CHART_ALIGN_CENTER, &p->style->muted);
            }
        }
    }

  chart_end (&chart);
}

/**
 * cst_chart_lift_hit_test:
 * @tooltip: (out) (optional): "Decile 1: 3.2× the average response rate", or %NULL
 *
 * Returns: the group whose column contains the point, or -1
 */
int
cst_chart_lift_hit_test (const CstLiftModel  *model,
                         double               width,
                         double               height,
                         const CstChartStyle *style,
                         double               x,
                         double               y,
                         char               **tooltip)
{
  Chart chart;
  Plot *p;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  p = hit_test_begin (&chart, style, width, height, lift_layout, model, tooltip);
  if (in_area (p, x, y, 0.0) && x < p->area.x + p->area.width)
    hit = MIN ((guint) floor ((x - p->area.x) / p->area.width * model->n), model->n - 1);
  if (hit >= 0 && tooltip != NULL)
    {
      if (isfinite (model->lift[hit]))
        {
          g_autofree char *lift = format_lift (model->lift[hit]);

          /* Translators: a tooltip, "Decile 1: 3.2× the average response rate". */
          *tooltip = g_strdup_printf (model->n == 10 ? _("Decile %d: %s the average response rate")
                                                     : _("Group %d: %s the average response rate"),
                                      hit + 1, lift);
        }
      else
        *tooltip = g_strdup_printf (model->n == 10 ? _("Decile %d: nobody") : _("Group %d: nobody"),
                                    hit + 1);
    }
  chart_end (&chart);

  return hit;
}

char *
cst_chart_lift_describe (const CstLiftModel *model)
{
  g_autofree char *problem = NULL;
  GString *out;

  g_return_val_if_fail (model != NULL, NULL);

  problem = lift_problem (model);
  if (problem != NULL)
    return g_strdup_printf (_("%s: %s"), lift_title (model), problem);

  out = g_string_new (NULL);
  /* Translators: "How many times more responders than random, by decile: " */
  g_string_append_printf (out, _("%s: "), lift_title (model));
  for (guint i = 0; i < model->n; i++)
    {
      g_autofree char *lift = isfinite (model->lift[i]) ? format_lift (model->lift[i])
                                                        : g_strdup ("–");

      if (i > 0)
        g_string_append (out, _(", "));
      /* Translators: an item of a spoken list, "decile 1 3.2×". */
      g_string_append_printf (out, model->n == 10 ? _("decile %u %s") : _("group %u %s"), i + 1,
                              lift);
    }
  g_string_append (out, ".");
  return g_string_free (out, FALSE);
}

/* ---- ROC -------------------------------------------------------------------------------- */

struct _CstRocModel
{
  guint   n;
  double *fpr;
  double *tpr;
  double *thresholds;    /* NULL, or per input point (matched by position after sorting) */
  double  auc;
  char   *title;
  char   *x_title;       /* NULL: the defaults about responders */
  char   *y_title;
};

/**
 * cst_roc_model_new:
 * @n_points: the number of points
 * @fpr: (array length=n_points): false positive rates (0…1)
 * @tpr: (array length=n_points): true positive rates (0…1)
 * @thresholds: (array length=n_points) (nullable): the score cut-off of each point
 * @auc: the area under the curve; NAN to compute it from the points (trapezoids)
 *
 * Points are sorted; the curve runs from (0, 0) to (1, 1).
 *
 * Returns: (transfer full): the model
 */
CstRocModel *
cst_roc_model_new (guint         n_points,
                   const double *fpr,
                   const double *tpr,
                   const double *thresholds,
                   double        auc)
{
  CstRocModel *model;

  g_return_val_if_fail (n_points == 0 || (fpr != NULL && tpr != NULL), NULL);

  model = g_new0 (CstRocModel, 1);
  model->n = copy_curve (n_points, fpr, tpr, TRUE, &model->fpr, &model->tpr);

  /* Thresholds follow their points: find each kept point's cut-off in the input. */
  if (thresholds != NULL)
    {
      model->thresholds = g_new (double, MAX (model->n, 1));
      for (guint i = 0; i < model->n; i++)
        {
          model->thresholds[i] = NAN;
          for (guint j = 0; j < n_points; j++)
            if (fpr[j] == model->fpr[i] && tpr[j] == model->tpr[i])
              {
                model->thresholds[i] = thresholds[j];
                break;
              }
        }
    }

  if (!isfinite (auc))
    {
      auc = 0.0;
      for (guint i = 1; i < model->n; i++)
        auc += (model->fpr[i] - model->fpr[i - 1]) * (model->tpr[i] + model->tpr[i - 1]) / 2.0;
    }
  model->auc = CLAMP (auc, 0.0, 1.0);
  return model;
}

void
cst_roc_model_set_title (CstRocModel *model,
                         const char  *title)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->title, title);
}

void
cst_roc_model_free (CstRocModel *model)
{
  if (model == NULL)
    return;

  g_free (model->fpr);
  g_free (model->tpr);
  g_free (model->thresholds);
  g_free (model->title);
  g_free (model->x_title);
  g_free (model->y_title);
  g_free (model);
}

/**
 * cst_roc_model_set_axis_titles:
 * @model: a ROC model
 * @x_title: (nullable): translated, or %NULL for "Non-responders wrongly flagged (false
 *   positive rate)"
 * @y_title: (nullable): translated, or %NULL for "Responders flagged (true positive rate)"
 */
void
cst_roc_model_set_axis_titles (CstRocModel *model,
                               const char  *x_title,
                               const char  *y_title)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->x_title, x_title);
  cst_chart_set_string (&model->y_title, y_title);
}

static char *
roc_title (const CstRocModel *model)
{
  g_autofree char *auc = format_score (model->auc);

  if (model->title != NULL)
    return g_strdup (model->title);
  if (model->n < 2)
    return g_strdup (_("How well the scores tell responders apart"));
  /* Translators: the ROC chart title, %s is the AUC such as "0.83". */
  return g_strdup_printf (_("How well the scores tell responders apart (AUC %s)"), auc);
}

static const char *
roc_quality (double auc)
{
  /* The usual rule of thumb (Hosmer & Lemeshow, Applied Logistic Regression, 2000, 5.2.4). */
  if (auc >= 0.9)
    return _("excellent separation");
  if (auc >= 0.8)
    return _("good separation");
  if (auc >= 0.7)
    return _("fair separation");
  if (auc > 0.55)
    return _("weak separation");
  return _("no better than chance");
}

static char *
roc_problem (const CstRocModel *model)
{
  if (model->n < 2)
    return g_strdup (_("No people to show yet."));
  return NULL;
}

static void
roc_layout (gconstpointer data,
            Plot         *p)
{
  const CstRocModel *model = data;
  g_autofree char *problem = roc_problem (model);
  g_autofree char *title = roc_title (model);
  g_autofree char *subtitle = NULL;
  g_autofree char *auc = format_score (model->auc);
  g_autofree char *half = format_score (0.5);
  CstColor ref;

  if (problem == NULL)
    /* Translators: the ROC subtitle, %s is "good separation" or similar. */
    subtitle = g_strdup_printf (_("The higher the curve above the diagonal, the better: %s"),
                                roc_quality (model->auc));
  if (!plot_start (p, title, subtitle, problem))
    return;

  reference_color (p, &ref);
  /* Translators: legend entries, "This model (AUC 0.83)", "Random guessing (AUC 0.50)". */
  plot_add_legend (p, g_strdup_printf (_("This model (AUC %s)"), auc),
                   cst_chart_style_segment (p->style, MODEL_COLOR), MARK_LINE);
  plot_add_legend (p, g_strdup_printf (_("Random guessing (AUC %s)"), half), &ref, MARK_DASH);
  p->xfmt = p->yfmt = format_tick_percent;
  p->x_title = g_strdup (model->x_title != NULL ? model->x_title
                         : _("Non-responders wrongly flagged (false positive rate)"));
  p->y_title = g_strdup (model->y_title != NULL ? model->y_title
                         : _("Responders flagged (true positive rate)"));
  plot_layout (p, 0.0, 1.0, 0.0, 1.0, PLOT_SQUARE | PLOT_GRID_X, 0.0, 0.0);
}

void
cst_chart_roc_paint (cairo_t             *cr,
                     const CstRocModel   *model,
                     double               width,
                     double               height,
                     const CstChartStyle *style)
{
  Chart chart;
  Plot *p;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  p = chart_begin_layout (&chart, cr, style, width, height, roc_layout, model);

  if (p->show_plot)
    {
      double s = p->s;
      const CstColor *color = cst_chart_style_segment (p->style, MODEL_COLOR);
      double diag[2] = { 0.0, 1.0 };
      CstColor ref;

      reference_color (p, &ref);
      begin_model_curve (cr, p, model->n, model->fpr, model->tpr, color);
      stroke_curve (cr, p, 2, diag, diag, &ref, 2.0 * s, TRUE);
      end_model_curve (cr, p, model->n, model->fpr, model->tpr, color);
    }

  chart_end (&chart);
}

/**
 * cst_chart_roc_hit_test:
 * @tooltip: (out) (optional): "Flagging 20 % of non-responders catches 71 % of responders
 *   (scores from 0.35)", or %NULL
 *
 * Returns: the point nearest to the pointer within the plot, or -1
 */
int
cst_chart_roc_hit_test (const CstRocModel   *model,
                        double               width,
                        double               height,
                        const CstChartStyle *style,
                        double               x,
                        double               y,
                        char               **tooltip)
{
  Chart chart;
  Plot *p;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  p = hit_test_begin (&chart, style, width, height, roc_layout, model, tooltip);
  if (in_area (p, x, y, 0.0))
    {
      double best = INFINITY;

      for (guint i = 0; i < model->n; i++)
        {
          double d = hypot (px (p, model->fpr[i]) - x, py (p, model->tpr[i]) - y);

          if (d < best)
            {
              best = d;
              hit = i;
            }
        }
    }
  if (hit >= 0 && tooltip != NULL)
    {
      g_autofree char *f = format_percent (model->fpr[hit]);
      g_autofree char *t = format_percent (model->tpr[hit]);
      GString *out = g_string_new (NULL);

      /* Translators: a tooltip, "Flagging 20 % of non-responders catches 71 % of responders". */
      g_string_append_printf (out, _("Flagging %s of non-responders catches %s of responders"),
                              f, t);
      if (model->thresholds != NULL && isfinite (model->thresholds[hit]))
        {
          g_autofree char *cut = format_score (model->thresholds[hit]);

          /* Translators: follows the ROC tooltip, " (scores from 0.35)". */
          g_string_append_printf (out, _(" (scores from %s)"), cut);
        }
      *tooltip = g_string_free (out, FALSE);
    }
  chart_end (&chart);

  return hit;
}

char *
cst_chart_roc_describe (const CstRocModel *model)
{
  g_autofree char *problem = NULL;
  g_autofree char *title = NULL;
  g_autofree char *auc = NULL;
  g_autofree char *tpr = NULL;
  g_autofree char *fpr = NULL;

  g_return_val_if_fail (model != NULL, NULL);

  title = roc_title (model);
  problem = roc_problem (model);
  if (problem != NULL)
    return g_strdup_printf (_("%s: %s"), title, problem);

  auc = format_score (model->auc);
  fpr = format_percent (0.1);
  tpr = format_percent (interpolate (model->n, model->fpr, model->tpr, 0.1));
  /* Translators: "ROC curve …: area under the curve 0.83, good separation; flagging 10 % of
   * non-responders catches 55 % of responders." */
  return g_strdup_printf (_("%s: area under the curve %s, %s; flagging %s of non-responders "
                            "catches %s of responders."), title, auc, roc_quality (model->auc),
                          fpr, tpr);
}

/* ---- Calibration ------------------------------------------------------------------------ */

struct _CstCalibrationModel
{
  guint    n;            /* bins kept: with people and finite values */
  double  *predicted;
  double  *observed;
  guint64 *counts;
  guint64  max_count;
  guint64  total;
  double   hi;           /* the largest value on either axis */
  char    *title;
  char    *x_title;      /* NULL: the defaults about responding */
  char    *y_title;
};

/**
 * cst_calibration_model_new:
 * @n_bins: the number of bins
 * @predicted: (array length=n_bins): the mean predicted probability of each bin (0…1)
 * @observed: (array length=n_bins): the observed response rate of each bin (0…1)
 * @counts: (array length=n_bins): the number of people in each bin
 *
 * Bins without people are left out; indices of hit tests count the bins kept.
 *
 * Returns: (transfer full): the model
 */
CstCalibrationModel *
cst_calibration_model_new (guint          n_bins,
                           const double  *predicted,
                           const double  *observed,
                           const guint64 *counts)
{
  CstCalibrationModel *model;

  g_return_val_if_fail (n_bins == 0 || (predicted != NULL && observed != NULL && counts != NULL),
                        NULL);

  model = g_new0 (CstCalibrationModel, 1);
  model->predicted = g_new (double, MAX (n_bins, 1));
  model->observed = g_new (double, MAX (n_bins, 1));
  model->counts = g_new (guint64, MAX (n_bins, 1));
  for (guint i = 0; i < n_bins; i++)
    {
      guint k = model->n;

      if (counts[i] == 0 || !isfinite (predicted[i]) || !isfinite (observed[i]))
        continue;
      model->predicted[k] = CLAMP (predicted[i], 0.0, 1.0);
      model->observed[k] = CLAMP (observed[i], 0.0, 1.0);
      model->counts[k] = counts[i];
      model->max_count = MAX (model->max_count, counts[i]);
      model->total += counts[i];
      model->hi = MAX (model->hi, MAX (model->predicted[k], model->observed[k]));
      model->n++;
    }
  return model;
}

void
cst_calibration_model_set_title (CstCalibrationModel *model,
                                 const char          *title)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->title, title);
}

void
cst_calibration_model_free (CstCalibrationModel *model)
{
  if (model == NULL)
    return;

  g_free (model->predicted);
  g_free (model->observed);
  g_free (model->counts);
  g_free (model->title);
  g_free (model->x_title);
  g_free (model->y_title);
  g_free (model);
}

/**
 * cst_calibration_model_set_axis_titles:
 * @model: a calibration model
 * @x_title: (nullable): translated, or %NULL for "Predicted chance of responding"
 * @y_title: (nullable): translated, or %NULL for "Share who responded"
 */
void
cst_calibration_model_set_axis_titles (CstCalibrationModel *model,
                                       const char          *x_title,
                                       const char          *y_title)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->x_title, x_title);
  cst_chart_set_string (&model->y_title, y_title);
}

static const char *
calibration_title (const CstCalibrationModel *model)
{
  return model->title != NULL ? model->title
                              : _("Predicted chance of responding against what happened");
}

static char *
calibration_problem (const CstCalibrationModel *model)
{
  if (model->n == 0)
    return g_strdup (_("No people to show yet."));
  if (model->n == 1)
    return g_strdup (_("All scores fall in one bin, so there is no calibration to check."));
  return NULL;
}

/* The largest gap between predicted and observed, weighted by people: the expected
 * calibration error. */
static double
calibration_error (const CstCalibrationModel *model)
{
  double sum = 0.0;

  for (guint i = 0; i < model->n; i++)
    sum += model->counts[i] * fabs (model->predicted[i] - model->observed[i]);
  return model->total > 0 ? sum / model->total : 0.0;
}

static void
calibration_layout (gconstpointer data,
                    Plot         *p)
{
  const CstCalibrationModel *model = data;
  g_autofree char *problem = calibration_problem (model);
  g_autofree char *subtitle = NULL;
  CstColor ref;
  CstChartTicks ticks;
  double hi;

  if (problem == NULL)
    {
      g_autofree char *error = cst_chart_format_number (100.0 * calibration_error (model), 1);

      /* Translators: the calibration subtitle; %s is a number of percentage points, "2.1". */
      subtitle = g_strdup_printf (_("Points on the diagonal are right on average; bigger points "
                                    "hold more people; mean gap %s percentage points"), error);
    }
  if (!plot_start (p, calibration_title (model), subtitle, problem))
    return;

  reference_color (p, &ref);
  plot_add_legend (p, g_strdup (_("Groups of people with similar scores")),
                   cst_chart_style_segment (p->style, MODEL_COLOR), MARK_DOT);
  plot_add_legend (p, g_strdup (_("Perfectly calibrated")), &ref, MARK_DASH);
  p->xfmt = p->yfmt = format_tick_percent;
  p->x_title = g_strdup (model->x_title != NULL ? model->x_title : _("Predicted chance of responding"));
  p->y_title = g_strdup (model->y_title != NULL ? model->y_title : _("Share who responded"));

  /* Both axes share one range, zoomed in on small probabilities (a campaign that gets 3 % is
   * not drawn in the bottom corner of a 0–100 % square). */
  cst_chart_nice_ticks (0.0, MAX (model->hi * 1.05, 0.01), 5, &ticks);
  hi = MIN (ticks.max, 1.0);
  plot_layout (p, 0.0, hi, 0.0, hi, PLOT_SQUARE | PLOT_GRID_X, 0.0, 0.0);
}

static double
calibration_radius (const CstCalibrationModel *model,
                    const Plot                *p,
                    guint                      i)
{
  double s = p->s;
  double frac = model->max_count > 0 ? sqrt ((double) model->counts[i] / model->max_count) : 1.0;

  /* Area grows with the number of people. */
  return 3.0 * s + frac * 11.0 * s;
}

void
cst_chart_calibration_paint (cairo_t                   *cr,
                             const CstCalibrationModel *model,
                             double                     width,
                             double                     height,
                             const CstChartStyle       *style)
{
  Chart chart;
  Plot *p;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  p = chart_begin_layout (&chart, cr, style, width, height, calibration_layout, model);

  if (p->show_plot)
    {
      double s = p->s;
      const CstColor *color = cst_chart_style_segment (p->style, MODEL_COLOR);
      CstColor line = *color;
      double diag[2] = { 0.0, p->x1 };
      CstColor ref;

      reference_color (p, &ref);
      line.alpha = 0.6;
      cairo_save (cr);
      clip_to_area (cr, p, 16.0 * s);
      stroke_curve (cr, p, 2, diag, diag, &ref, 2.0 * s, TRUE);
      stroke_curve (cr, p, model->n, model->predicted, model->observed, &line, 1.5 * s, FALSE);
      for (guint i = 0; i < model->n; i++)
        paint_dot (cr, p, px (p, model->predicted[i]), py (p, model->observed[i]),
                   calibration_radius (model, p, i), color);
      cairo_restore (cr);
    }

  chart_end (&chart);
}

/**
 * cst_chart_calibration_hit_test:
 * @tooltip: (out) (optional): "Predicted 12 %, 10 % responded — 1,234 people", or %NULL
 *
 * Returns: the bin (among those with people) whose point is nearest to the pointer, within its
 *   radius and 6 more pixels, or -1
 */
int
cst_chart_calibration_hit_test (const CstCalibrationModel *model,
                                double                     width,
                                double                     height,
                                const CstChartStyle       *style,
                                double                     x,
                                double                     y,
                                char                     **tooltip)
{
  Chart chart;
  Plot *p;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  p = hit_test_begin (&chart, style, width, height, calibration_layout, model, tooltip);
  if (p->show_plot)
    {
      double best = INFINITY;

      for (guint i = 0; i < model->n; i++)
        {
          double d = hypot (px (p, model->predicted[i]) - x, py (p, model->observed[i]) - y);

          if (d <= calibration_radius (model, p, i) + 6.0 * p->s && d < best)
            {
              best = d;
              hit = i;
            }
        }
    }
  if (hit >= 0 && tooltip != NULL)
    {
      g_autofree char *pred = format_percent (model->predicted[hit]);
      g_autofree char *obs = format_percent (model->observed[hit]);
      g_autofree char *people = cst_chart_format_people (model->counts[hit]);

      /* Translators: a tooltip, "Predicted 12 %, 10 % responded — 1,234 people". */
      *tooltip = g_strdup_printf (_("Predicted %s, %s responded — %s"), pred, obs, people);
    }
  chart_end (&chart);

  return hit;
}

char *
cst_chart_calibration_describe (const CstCalibrationModel *model)
{
  g_autofree char *problem = NULL;
  g_autofree char *error = NULL;
  g_autofree char *people = NULL;

  g_return_val_if_fail (model != NULL, NULL);

  problem = calibration_problem (model);
  if (problem != NULL)
    return g_strdup_printf (_("%s: %s"), calibration_title (model), problem);

  error = cst_chart_format_number (100.0 * calibration_error (model), 1);
  people = cst_chart_format_people (model->total);
  /* Translators: "Predicted chance …: 10 groups of 4,600 people; predictions are off by 1.2
   * percentage points on average." */
  return g_strdup_printf (ngettext ("%s: %u group of %s; predictions are off by %s percentage "
                                    "points on average.",
                                    "%s: %u groups of %s; predictions are off by %s percentage "
                                    "points on average.", model->n),
                          calibration_title (model), model->n, people, error);
}

/* ---- Customer lifetime value ------------------------------------------------------------ */

struct _CstClvModel
{
  guint    n_bins;
  double  *edges;
  guint64 *counts;
  guint64  n_above;      /* values above the last edge, drawn as one more bar */
  guint64  total;
  double   threshold;    /* the smallest value of the top 10 % */
  double   top_share;    /* their share of the total value (0…1), NAN when unknown */
  char    *currency;
  char    *title;
};

/**
 * cst_clv_model_new:
 * @n_bins: the number of bins
 * @edges: (array length=n_bins+1): bin edges, ascending, in money
 * @counts: (array length=n_bins): customers per bin
 * @n_above: customers above the last edge (the long tail, drawn as one bar after a gap)
 * @top_threshold: the smallest value of the top 10 % of customers
 * @top_share: the share of the total value the top 10 % hold (0…1)
 *
 * Returns: (transfer full): the model
 */
CstClvModel *
cst_clv_model_new (guint          n_bins,
                   const double  *edges,
                   const guint64 *counts,
                   guint64        n_above,
                   double         top_threshold,
                   double         top_share)
{
  CstClvModel *model;

  g_return_val_if_fail (n_bins == 0 || (edges != NULL && counts != NULL), NULL);

  model = g_new0 (CstClvModel, 1);
  model->n_bins = n_bins;
  model->edges = g_new0 (double, n_bins + 1);
  model->counts = g_new0 (guint64, MAX (n_bins, 1));
  if (n_bins > 0)
    {
      memcpy (model->edges, edges, (n_bins + 1) * sizeof (double));
      memcpy (model->counts, counts, n_bins * sizeof (guint64));
    }
  model->n_above = n_bins > 0 ? n_above : 0;
  model->total = model->n_above;
  for (guint i = 0; i < n_bins; i++)
    model->total += counts[i];
  model->threshold = top_threshold;
  model->top_share = isfinite (top_share) ? CLAMP (top_share, 0.0, 1.0) : NAN;
  return model;
}

/**
 * cst_clv_model_new_from_values:
 * @n: the number of customers
 * @values: (array length=n): predicted 12-month values; non-finite ones are left out
 *
 * Bins the values for the chart: about 30 bins of a nice width from 0 (or the lowest value)
 * up to the 99th percentile when the tail beyond it is long (the maximum more than 1.5 times
 * the percentile), the rest in one more bar; the top 10 % are the ⌈n / 10⌉ largest values.
 * Sorts a copy: O(n log n).
 *
 * Returns: (transfer full): the model
 */
CstClvModel *
cst_clv_model_new_from_values (gsize         n,
                               const double *values)
{
  g_autofree double *sorted = NULL;
  g_autofree double *edges = NULL;
  g_autofree guint64 *counts = NULL;
  gsize m = 0, n_top;
  double lo, hi, cap, step, sum = 0.0, top_sum = 0.0;
  guint n_bins;
  guint64 n_above = 0;

  g_return_val_if_fail (n == 0 || values != NULL, NULL);

  sorted = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      sorted[m++] = values[i];
  if (m == 0)
    return cst_clv_model_new (0, NULL, NULL, 0, NAN, NAN);
  qsort (sorted, m, sizeof (double), cst_chart_compare_doubles);

  lo = MIN (0.0, sorted[0]);
  hi = sorted[m - 1];
  n_top = (m + 9) / 10;
  for (gsize i = 0; i < m; i++)
    {
      sum += sorted[i];
      if (i >= m - n_top)
        top_sum += sorted[i];
    }

  /* Equal values: one bin of no width, which the chart reports instead of drawing. */
  if (hi - sorted[0] <= 1e-9 * MAX (1.0, fabs (hi)))
    {
      double e[2] = { hi, hi };
      guint64 c = m;

      return cst_clv_model_new (1, e, &c, 0, hi, sum > 0.0 ? top_sum / sum : NAN);
    }

  cap = sorted[(gsize) floor (0.99 * (m - 1))];
  if (!(hi > 1.5 * cap && cap > lo))
    cap = hi;
  step = cst_chart_nice_number ((cap - lo) / 30.0, TRUE);
  lo = floor (lo / step) * step;
  n_bins = (guint) CLAMP (ceil ((cap - lo) / step - 1e-9), 1.0, 200.0);
  if (lo + n_bins * step < cap)
    n_bins++;
  edges = g_new (double, n_bins + 1);
  counts = g_new0 (guint64, n_bins);
  for (guint i = 0; i <= n_bins; i++)
    edges[i] = lo + i * step;
  for (gsize i = 0; i < m; i++)
    {
      double v = sorted[i];

      if (v > edges[n_bins])
        n_above++;
      else
        counts[MIN ((guint) floor ((v - lo) / step), n_bins - 1)]++;
    }

  return cst_clv_model_new (n_bins, edges, counts, n_above, sorted[m - n_top],
                            sum > 0.0 ? top_sum / sum : NAN);
}

/**
 * cst_clv_model_set_currency:
 * @model: a CLV model
 * @currency: (nullable): the ISO 4217 code of the money, or %NULL for plain numbers
 */
void
cst_clv_model_set_currency (CstClvModel *model,
                            const char  *currency)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->currency, currency);
}

void
cst_clv_model_set_title (CstClvModel *model,
                         const char  *title)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->title, title);
}

void
cst_clv_model_free (CstClvModel *model)
{
  if (model == NULL)
    return;

  g_free (model->edges);
  g_free (model->counts);
  g_free (model->currency);
  g_free (model->title);
  g_free (model);
}

static char *
clv_title (const CstClvModel *model)
{
  g_autofree char *share = NULL;

  if (model->title != NULL)
    return g_strdup (model->title);
  if (!isfinite (model->top_share) || model->total == 0 || model->n_bins == 0
      || model->edges[model->n_bins] - model->edges[0] <= 0.0)
    return g_strdup (_("Predicted value of each customer over the next 12 months"));
  share = format_percent (model->top_share);
  /* Translators: the CLV chart title, "The top 10 % of customers hold 46 % of the predicted
   * 12-month value". */
  return g_strdup_printf (_("The top 10 %% of customers hold %s of the predicted 12-month value"),
                          share);
}

static char *
clv_problem (const CstClvModel *model)
{
  if (model->total == 0)
    return g_strdup (_("No customers to show yet."));
  if (model->n_bins == 0 || model->edges[model->n_bins] - model->edges[0] <= 0.0)
    {
      g_autofree char *count = cst_chart_format_count (model->total);
      g_autofree char *value = cst_chart_format_money (model->edges[0], model->currency);

      if (model->total == 1)
        /* Translators: %s is an amount, "€120". */
        return g_strdup_printf (_("The only customer has a predicted value of %s."), value);
      /* Translators: "All 1,234 customers have the same predicted value (€120)." */
      return g_strdup_printf (_("All %s customers have the same predicted value (%s)."), count,
                              value);
    }
  return NULL;
}

/* The x range: the bins, then, when there is a tail, a gap of half a bin and one more bar. */
static double
clv_bin_width (const CstClvModel *model)
{
  return (model->edges[model->n_bins] - model->edges[0]) / model->n_bins;
}

static double
clv_x_max (const CstClvModel *model)
{
  return model->edges[model->n_bins] + (model->n_above > 0 ? 2.0 * clv_bin_width (model) : 0.0);
}

static double
clv_threshold_x (const CstClvModel *model)
{
  if (model->n_above > 0 && model->threshold > model->edges[model->n_bins])
    return model->edges[model->n_bins] + clv_bin_width (model);
  return CLAMP (model->threshold, model->edges[0], model->edges[model->n_bins]);
}

static void
clv_layout (gconstpointer data,
            Plot         *p)
{
  const CstClvModel *model = data;
  g_autofree char *problem = clv_problem (model);
  g_autofree char *title = clv_title (model);
  g_autofree char *subtitle = NULL;
  double max_count = model->n_above;

  if (problem == NULL)
    {
      g_autofree char *count = cst_chart_format_count (model->total);

      /* Translators: "4,600 customers by their predicted value over the next 12 months". */
      subtitle = g_strdup_printf (ngettext ("%s customer by predicted value over the next 12 "
                                            "months",
                                            "%s customers by predicted value over the next 12 "
                                            "months", (gulong) MIN (model->total, G_MAXULONG)),
                                  count);
      if (model->n_above > 0)
        {
          g_autofree char *above = cst_chart_format_count (model->n_above);
          g_autofree char *edge = cst_chart_format_money (model->edges[model->n_bins],
                                                          model->currency);
          char *longer;

          /* Translators: follows the CLV subtitle, "; the 50 above €1,200 share the last bar",
           * which holds the long tail of the largest values. */
          longer = g_strdup_printf (_("%s; the %s above %s share the last bar"), subtitle, above,
                                    edge);
          g_free (subtitle);
          subtitle = longer;
        }
    }
  if (!plot_start (p, title, subtitle, problem))
    return;

  for (guint i = 0; i < model->n_bins; i++)
    max_count = MAX (max_count, model->counts[i]);

  if (isfinite (model->threshold))
    {
      g_autofree char *value = cst_chart_format_money (model->threshold, model->currency);

      plot_add_legend (p, g_strdup (_("Other customers")),
                       cst_chart_style_segment (p->style, MODEL_COLOR), MARK_BOX);
      /* Translators: a legend entry, "Top 10 % (from €850)". */
      plot_add_legend (p, g_strdup_printf (_("Top 10 %% (from %s)"), value),
                       cst_chart_style_segment (p->style, SECOND_COLOR), MARK_BOX);
    }
  p->xfmt = format_tick_money;
  p->fmt_data = model->currency;
  p->x_title = g_strdup (_("Predicted value over the next 12 months"));
  p->y_title = g_strdup (_("Customers"));
  plot_layout (p, model->edges[0], clv_x_max (model), 0.0, max_count, PLOT_LOOSE_Y,
               p->label_h + 10.0 * p->s, 0.0);
  /* The tick labels stop before the tail bar's own label. */
  p->x_tick_hi = model->edges[model->n_bins];
  if (p->show_plot && model->n_above > 0)
    {
      g_autofree char *edge = cst_chart_format_money (model->edges[model->n_bins],
                                                      model->currency);
      g_autofree char *label = g_strdup_printf (_("%s+"), edge);
      double tail_w = cst_chart_measure_text (p->tick, label, NULL);
      double tick_w = cst_chart_measure_text (p->tick, edge, NULL);
      double tail_x = px (p, model->edges[model->n_bins] + 1.5 * clv_bin_width (model));

      p->x_tick_hi = MIN (p->x_tick_hi,
                          value_at_x (p, tail_x - tail_w / 2.0 - tick_w / 2.0 - 8.0 * p->s));
    }
}

void
cst_chart_clv_paint (cairo_t             *cr,
                     const CstClvModel   *model,
                     double               width,
                     double               height,
                     const CstChartStyle *style)
{
  Chart chart;
  Plot *p;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  p = chart_begin_layout (&chart, cr, style, width, height, clv_layout, model);

  if (p->show_plot)
    {
      double s = p->s;
      double base = py (p, 0.0);
      double thr_x = isfinite (model->threshold) ? px (p, clv_threshold_x (model)) : INFINITY;
      double bin_w = clv_bin_width (model);
      const CstColor *color = cst_chart_style_segment (p->style, MODEL_COLOR);
      const CstColor *top_color = cst_chart_style_segment (p->style, SECOND_COLOR);

      /* Bars below the threshold in blue, above it in orange, split where it crosses a bin. */
      for (int part = 0; part < 2; part++)
        {
          cairo_save (cr);
          if (part == 0)
            cairo_rectangle (cr, p->area.x, p->area.y, MAX (0.0, MIN (thr_x, p->area.x
                                                                      + p->area.width)
                                                                 - p->area.x), p->area.height);
          else
            cairo_rectangle (cr, thr_x, p->area.y, MAX (0.0, p->area.x + p->area.width - thr_x),
                             p->area.height);
          cairo_clip (cr);
          for (guint i = 0; i <= model->n_bins; i++)
            {
              double a, b, gap;
              guint64 count;

              if (i < model->n_bins)
                {
                  a = px (p, model->edges[i]);
                  b = px (p, model->edges[i + 1]);
                  count = model->counts[i];
                }
              else
                {
                  a = px (p, model->edges[model->n_bins] + bin_w);
                  b = px (p, model->edges[model->n_bins] + 2.0 * bin_w);
                  count = model->n_above;
                }
              if (count == 0)
                continue;
              gap = MIN (2.0 * s, (b - a) * 0.2);
              bar_path (cr, a + gap / 2.0, MIN (py (p, count), base - 1.0), b - a - gap, base,
                        2.0 * s);
            }
          cst_chart_set_source_color (cr, part == 0 ? color : top_color);
          cairo_fill (cr);
          cairo_restore (cr);
        }

      /* The tail bar's label, "€2,000+". */
      if (model->n_above > 0 && p->show_axes)
        {
          g_autofree char *edge = cst_chart_format_money (model->edges[model->n_bins],
                                                          model->currency);
          /* Translators: the bar of values above the axis, "€2,000+". */
          g_autofree char *label = g_strdup_printf (_("%s+"), edge);

          cst_chart_draw_text (cr, p->tick, label,
                               px (p, model->edges[model->n_bins] + 1.5 * bin_w),
                               base + 6.0 * s, 0.0, CST_CHART_ALIGN_CENTER,
                               &p->style->foreground);
        }

      /* The top 10 % threshold: a line across the plot and its value above it. */
      if (isfinite (thr_x))
        {
          double dash[] = { 6.0 * s, 4.0 * s };
          g_autofree char *value = cst_chart_format_money (model->threshold, model->currency);
          /* Translators: above the top 10 % threshold line, "Top 10 % from €850". */
          g_autofree char *label = g_strdup_printf (_("Top 10 %% from %s"), value);
          double tw = cst_chart_measure_text (p->label, label, NULL);
          gboolean right_side = thr_x + 6.0 * s + tw + 12.0 * s <= p->width - p->pad;

          cairo_save (cr);
          cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
          cairo_set_line_width (cr, 2.0 * s);
          cst_chart_set_source_color (cr, &p->style->foreground);
          cairo_move_to (cr, thr_x, p->area.y - 4.0 * s);
          cairo_line_to (cr, thr_x, base);
          cairo_stroke (cr);
          cairo_restore (cr);
          paint_pill (cr, p, label, right_side ? thr_x - 6.0 * s : thr_x + 6.0 * s,
                      p->area.y - p->label_h - 10.0 * s,
                      right_side ? CST_CHART_ALIGN_START : CST_CHART_ALIGN_END,
                      &p->style->foreground);
        }
    }

  chart_end (&chart);
}

/**
 * cst_chart_clv_hit_test:
 * @tooltip: (out) (optional): "€200 to €250: 123 customers", or %NULL
 *
 * Returns: the bin under the pointer, @n_bins for the tail bar, or -1
 */
int
cst_chart_clv_hit_test (const CstClvModel   *model,
                        double               width,
                        double               height,
                        const CstChartStyle *style,
                        double               x,
                        double               y,
                        char               **tooltip)
{
  Chart chart;
  Plot *p;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  p = hit_test_begin (&chart, style, width, height, clv_layout, model, tooltip);
  if (in_area (p, x, y, 0.0))
    {
      double v = value_at_x (p, x);
      double last = model->edges[model->n_bins];

      if (v >= last + clv_bin_width (model) && model->n_above > 0)
        hit = model->n_bins;
      else
        for (guint i = 0; i < model->n_bins && hit < 0; i++)
          if (v >= model->edges[i] && (v < model->edges[i + 1] || (i + 1 == model->n_bins
                                                                   && v <= last)))
            hit = i;
    }
  if (hit >= 0 && tooltip != NULL)
    {
      g_autofree char *a = format_tick_money (model->edges[MIN ((guint) hit, model->n_bins)],
                                              clv_bin_width (model), model->currency);
      guint64 count = (guint) hit == model->n_bins ? model->n_above : model->counts[hit];
      g_autofree char *customers = cst_chart_format_count (count);

      if ((guint) hit == model->n_bins)
        /* Translators: a tooltip, "Over €2,000: 12 customers". */
        *tooltip = g_strdup_printf (ngettext ("Over %s: %s customer", "Over %s: %s customers",
                                              (gulong) MIN (count, G_MAXULONG)), a, customers);
      else
        {
          g_autofree char *b = format_tick_money (model->edges[hit + 1], clv_bin_width (model),
                                                  model->currency);

          /* Translators: a tooltip, "€200 to €250: 123 customers". */
          *tooltip = g_strdup_printf (ngettext ("%s to %s: %s customer", "%s to %s: %s customers",
                                                (gulong) MIN (count, G_MAXULONG)), a, b,
                                      customers);
        }
    }
  chart_end (&chart);

  return hit;
}

char *
cst_chart_clv_describe (const CstClvModel *model)
{
  g_autofree char *problem = NULL;
  g_autofree char *title = NULL;
  g_autofree char *count = NULL;
  g_autofree char *threshold = NULL;

  g_return_val_if_fail (model != NULL, NULL);

  title = clv_title (model);
  problem = clv_problem (model);
  if (problem != NULL)
    return g_strdup_printf (_("%s: %s"), title, problem);

  count = cst_chart_format_count (model->total);
  if (!isfinite (model->threshold))
    return g_strdup_printf (_("%s: %s customers."), title, count);
  threshold = cst_chart_format_money (model->threshold, model->currency);
  /* Translators: "The top 10 % …: 4,600 customers; the top 10 % are worth €850 or more each." */
  return g_strdup_printf (_("%s: %s customers; the top 10 %% are worth %s or more each."), title,
                          count, threshold);
}

/* ---- Reach curve ------------------------------------------------------------------------ */

struct _CstReachModel
{
  guint    n;
  double  *threshold;
  double  *audience;     /* as doubles, for interpolation and drawing */
  guint64  max_audience;
  double   chosen;
  char    *title;
};

/**
 * cst_reach_model_new:
 * @n_points: the number of points
 * @threshold: (array length=n_points): similarity thresholds, ascending
 * @audience: (array length=n_points): the number of people at or above each threshold
 * @chosen: the chosen threshold, marked on the curve; NAN for none
 *
 * Returns: (transfer full): the model
 */
CstReachModel *
cst_reach_model_new (guint          n_points,
                     const double  *threshold,
                     const guint64 *audience,
                     double         chosen)
{
  CstReachModel *model;

  g_return_val_if_fail (n_points == 0 || (threshold != NULL && audience != NULL), NULL);

  model = g_new0 (CstReachModel, 1);
  model->threshold = g_new (double, MAX (n_points, 1));
  model->audience = g_new (double, MAX (n_points, 1));
  for (guint i = 0; i < n_points; i++)
    {
      /* Thresholds must ascend: a repeated or out-of-order one is left out. */
      if (!isfinite (threshold[i])
          || (model->n > 0 && threshold[i] <= model->threshold[model->n - 1]))
        continue;
      model->threshold[model->n] = threshold[i];
      model->audience[model->n] = audience[i];
      model->max_audience = MAX (model->max_audience, audience[i]);
      model->n++;
    }
  model->chosen = model->n > 0 && isfinite (chosen)
                  ? CLAMP (chosen, model->threshold[0], model->threshold[model->n - 1]) : NAN;
  return model;
}

void
cst_reach_model_set_title (CstReachModel *model,
                           const char    *title)
{
  g_return_if_fail (model != NULL);

  cst_chart_set_string (&model->title, title);
}

/**
 * cst_reach_model_get_chosen_audience:
 * @model: a reach model
 *
 * Returns: the audience at the chosen threshold, interpolated between the points, or 0
 */
guint64
cst_reach_model_get_chosen_audience (const CstReachModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  if (!isfinite (model->chosen))
    return 0;
  return (guint64) llround (interpolate (model->n, model->threshold, model->audience,
                                         model->chosen));
}

void
cst_reach_model_free (CstReachModel *model)
{
  if (model == NULL)
    return;

  g_free (model->threshold);
  g_free (model->audience);
  g_free (model->title);
  g_free (model);
}

static const char *
reach_title (const CstReachModel *model)
{
  return model->title != NULL ? model->title
                              : _("How many lookalikes you reach at each similarity threshold");
}

static char *
reach_problem (const CstReachModel *model)
{
  if (model->n < 2)
    return g_strdup (_("No lookalike audience to show yet."));
  if (model->max_audience == 0)
    return g_strdup (_("Nobody is similar enough at any threshold."));
  return NULL;
}

static char *
reach_point_text (double  threshold,
                  guint64 audience)
{
  g_autofree char *t = format_score (threshold);
  g_autofree char *people = cst_chart_format_people (audience);

  /* Translators: "At 0.80: 12,345 people". */
  return g_strdup_printf (_("At %s: %s"), t, people);
}

static void
reach_layout (gconstpointer data,
              Plot         *p)
{
  const CstReachModel *model = data;
  g_autofree char *problem = reach_problem (model);
  g_autofree char *subtitle = NULL;

  if (problem == NULL && isfinite (model->chosen))
    {
      g_autofree char *t = format_score (model->chosen);
      guint64 audience = cst_reach_model_get_chosen_audience (model);
      g_autofree char *people = cst_chart_format_people (audience);

      /* Translators: "A stricter threshold finds fewer, closer lookalikes; at 0.80: 12,345
       * people". */
      subtitle = g_strdup_printf (_("A stricter threshold finds fewer, closer lookalikes; chosen "
                                    "%s gives %s"), t, people);
    }
  else if (problem == NULL)
    subtitle = g_strdup (_("A stricter threshold finds fewer, closer lookalikes"));
  if (!plot_start (p, reach_title (model), subtitle, problem))
    return;

  p->x_title = g_strdup (_("Similarity threshold (higher is more like the seed)"));
  p->y_title = g_strdup (_("People in the audience"));
  plot_layout (p, model->threshold[0], model->threshold[model->n - 1], 0.0,
               model->max_audience * 1.05, PLOT_LOOSE_Y | PLOT_GRID_X, 0.0, 0.0);
}

void
cst_chart_reach_paint (cairo_t             *cr,
                       const CstReachModel *model,
                       double               width,
                       double               height,
                       const CstChartStyle *style)
{
  Chart chart;
  Plot *p;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  p = chart_begin_layout (&chart, cr, style, width, height, reach_layout, model);

  if (p->show_plot)
    {
      double s = p->s;
      const CstColor *color = cst_chart_style_segment (p->style, MODEL_COLOR);

      begin_model_curve (cr, p, model->n, model->threshold, model->audience, color);
      end_model_curve (cr, p, model->n, model->threshold, model->audience, color);

      if (isfinite (model->chosen))
        {
          guint64 audience = cst_reach_model_get_chosen_audience (model);
          double x = px (p, model->chosen);
          double y = py (p, audience);
          double dash[] = { 5.0 * s, 4.0 * s };
          g_autofree char *label = reach_point_text (model->chosen, audience);
          double tw = cst_chart_measure_text (p->label, label, NULL);
          gboolean right_side = x + 14.0 * s + tw + 12.0 * s <= p->area.x + p->area.width;
          double label_y = CLAMP (y - p->label_h - 14.0 * s, p->area.y,
                                  p->area.y + p->area.height - p->label_h - 4.0 * s);

          cairo_save (cr);
          cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
          cairo_set_line_width (cr, 1.5 * s);
          cst_chart_set_source_color (cr, &p->style->foreground);
          cairo_move_to (cr, x, py (p, p->y0));
          cairo_line_to (cr, x, y);
          cairo_line_to (cr, p->area.x, y);
          cairo_stroke (cr);
          cairo_restore (cr);
          paint_dot (cr, p, x, y, 6.5 * s, &p->style->foreground);
          paint_pill (cr, p, label, right_side ? x + 12.0 * s : x - 12.0 * s, label_y,
                      right_side ? CST_CHART_ALIGN_START : CST_CHART_ALIGN_END,
                      &p->style->foreground);
        }
    }

  chart_end (&chart);
}

/**
 * cst_chart_reach_hit_test:
 * @tooltip: (out) (optional): "At 0.80: 12,345 people", or %NULL
 *
 * Returns: the point whose threshold is nearest to the pointer in the plot, or -1
 */
int
cst_chart_reach_hit_test (const CstReachModel *model,
                          double               width,
                          double               height,
                          const CstChartStyle *style,
                          double               x,
                          double               y,
                          char               **tooltip)
{
  Chart chart;
  Plot *p;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  p = hit_test_begin (&chart, style, width, height, reach_layout, model, tooltip);
  if (in_area (p, x, y, 0.0))
    hit = nearest_by_x (model->n, model->threshold, value_at_x (p, x));
  if (hit >= 0 && tooltip != NULL)
    *tooltip = reach_point_text (model->threshold[hit], (guint64) model->audience[hit]);
  chart_end (&chart);

  return hit;
}

char *
cst_chart_reach_describe (const CstReachModel *model)
{
  g_autofree char *problem = NULL;
  g_autofree char *lo = NULL;
  g_autofree char *hi = NULL;
  g_autofree char *lo_people = NULL;
  g_autofree char *hi_people = NULL;
  g_autofree char *chosen = NULL;

  g_return_val_if_fail (model != NULL, NULL);

  problem = reach_problem (model);
  if (problem != NULL)
    return g_strdup_printf (_("%s: %s"), reach_title (model), problem);

  lo = format_score (model->threshold[0]);
  hi = format_score (model->threshold[model->n - 1]);
  lo_people = cst_chart_format_people ((guint64) model->audience[0]);
  hi_people = cst_chart_format_people ((guint64) model->audience[model->n - 1]);
  if (isfinite (model->chosen))
    {
      g_autofree char *t = format_score (model->chosen);
      guint64 audience = cst_reach_model_get_chosen_audience (model);
      g_autofree char *people = cst_chart_format_people (audience);

      /* Translators: "; the chosen threshold 0.80 gives 12,345 people". */
      chosen = g_strdup_printf (_("; the chosen threshold %s gives %s"), t, people);
    }
  /* Translators: "How many lookalikes …: from 45,000 people at 0.50 to 1,200 people at 0.95",
   * then the chosen threshold if any, then a full stop. */
  return g_strdup_printf (_("%s: from %s at %s to %s at %s%s."), reach_title (model), lo_people,
                          lo, hi_people, hi, chosen != NULL ? chosen : "");
}

/* ---- Positions -------------------------------------------------------------------------- */

/**
 * cst_chart_predict_data_to_point:
 * @kind: which chart @model is for
 * @model: a model of that chart
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @vx: a value on the x axis
 * @vy: a value on the y axis
 * @x: (out): where it is drawn
 * @y: (out): where it is drawn
 *
 * Returns: %FALSE when the chart draws no plot at this size
 */
gboolean
cst_chart_predict_data_to_point (CstPredictChart      kind,
                                 gconstpointer        model,
                                 double               width,
                                 double               height,
                                 const CstChartStyle *style,
                                 double               vx,
                                 double               vy,
                                 double              *x,
                                 double              *y)
{
  /* By kind; an unknown kind is drawn as a reach chart. */
  static const LayoutFunc layouts[] = {
    [CST_PREDICT_CHART_SCORES] = scores_layout,
    [CST_PREDICT_CHART_GAIN] = gain_layout,
    [CST_PREDICT_CHART_LIFT] = lift_layout,
    [CST_PREDICT_CHART_ROC] = roc_layout,
    [CST_PREDICT_CHART_CALIBRATION] = calibration_layout,
    [CST_PREDICT_CHART_CLV] = clv_layout,
    [CST_PREDICT_CHART_REACH] = reach_layout,
  };
  Chart chart;
  Plot *p;
  gboolean shown;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);
  g_return_val_if_fail (x != NULL && y != NULL, FALSE);

  if ((guint) kind >= G_N_ELEMENTS (layouts))
    kind = CST_PREDICT_CHART_REACH;
  p = chart_begin_layout (&chart, NULL, style, width, height, layouts[kind], model);
  shown = p->show_plot;
  *x = shown ? px (p, vx) : NAN;
  *y = shown ? py (p, vy) : NAN;
  chart_end (&chart);

  return shown;
}
