/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-difference"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-chart-difference.h"
#include "cst-chart-util.h"

#define BAR_ALPHA_FADED 0.35

/* Bars take the heatmap's colours three quarters of the way out on its diverging scale (Tol's
 * BuRd: #4393C3 below, #D6604D above on light surfaces), so that a segment's strong
 * differences have the same colours in both charts, with contrast above 3:1 on either
 * surface. */
#define BAR_SCALE_POSITION 0.75

struct _CstDifferenceModel
{
  char     *segment_name;
  guint     segment;
  guint     n;
  guint    *features;    /* display order → feature index */
  char    **labels;      /* in display order */
  double   *effects;     /* in display order; NAN last */
  char    **values;      /* "+1.9 sd", NULL where unknown */
  char    **details;     /* "80 % vs 31 %", NULL until set_means */
  guint     n_finite;
  double    largest;     /* the largest |effect| */
  guint     max_bars;    /* 0 for all */
  char     *title;
  int       selected;
};

/* The chart's own layouts, owned by its frame. */
typedef struct
{
  PangoLayout *name;
  PangoLayout *name_bold;
  PangoLayout *value;
  PangoLayout *tick;
} DifferenceText;

typedef struct
{
  double         s;
  double         pad;

  gboolean       show_rows;
  gboolean       show_values;
  gboolean       show_axis;
  double         top;
  double         row_h;
  double         bar_h;
  double         text_h;
  double         value_h;
  double         tick_h;
  double         name_w;
  double         plot_x;      /* the bars' extent: plot_x … plot_x + plot_w */
  double         plot_w;
  double         zero_x;
  double         limit;
  CstChartTicks  ticks;
  guint          n_bars;      /* bars the model offers (max_bars applied) */
  guint          n_shown;     /* bars that fit */
} DifferenceGeometry;

static char *
default_title (const CstDifferenceModel *model)
{
  if (model->title != NULL)
    return g_strdup (model->title);

  /* Translators: the title of a segment's difference chart; %s is the segment name. */
  return g_strdup_printf (_("What makes %s different"), model->segment_name);
}

static gboolean
has_selection (const CstDifferenceModel *model)
{
  return model->selected >= 0 && (guint) model->selected < model->n;
}

static guint
n_bars (const CstDifferenceModel *model)
{
  return model->max_bars > 0 ? MIN (model->max_bars, model->n) : model->n;
}

static char *
default_format (double value)
{
  double a = fabs (value);

  return cst_chart_format_number (value, a >= 100.0 ? 0 : a >= 10.0 ? 1 : 2);
}

static void
free_strings (char  **strings,
              guint   n)
{
  if (strings == NULL)
    return;

  for (guint i = 0; i < n; i++)
    g_free (strings[i]);
  g_free (strings);
}

static void
difference_text_init (DifferenceText *text,
                      CstChartFrame  *frame)
{
  text->name = cst_chart_frame_create_layout (frame, CST_CHART_FONT_BODY, PANGO_WEIGHT_NORMAL);
  text->name_bold = cst_chart_frame_create_layout (frame, CST_CHART_FONT_BODY, PANGO_WEIGHT_BOLD);
  text->value = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_NORMAL);
  text->tick = cst_chart_frame_create_layout (frame, CST_CHART_FONT_TINY, PANGO_WEIGHT_NORMAL);
}

/* "−2", "0", "+2": whole or half standard deviations with their sign. */
static char *
tick_text (double value,
           double step)
{
  g_autofree char *number = cst_chart_format_tick (value, step);

  return value > step * 1e-6 ? g_strconcat ("+", number, NULL) : g_steal_pointer (&number);
}

/* Lays the chart out for @frame: creates @text there, so that painting, hit tests and tests
 * all measure the same text, then measures the header into @frame and fills @geo. */
static void
compute_geometry (const CstDifferenceModel *model,
                  CstChartFrame            *frame,
                  DifferenceText           *text,
                  DifferenceGeometry       *geo)
{
  double width = frame->width;
  double height = frame->height;
  double s = frame->s;
  g_autofree char *title = NULL;
  double name_w = 0.0;
  double value_w = 0.0;
  double avail_h, min_row_h, bottom, inner_w;
  guint n;

  difference_text_init (text, frame);
  memset (geo, 0, sizeof *geo);
  geo->s = s;

  if (!frame->drawable)
    return;

  geo->pad = frame->pad;
  title = default_title (model);
  if (!cst_chart_header_measure (&frame->header, title,
                                 /* Translators: the subtitle of a segment's difference chart. */
                                 _("Difference from everyone else, in standard deviations"),
                                 width, height, s, geo->pad, 160.0))
    return;

  /* The segment's colour before the title ties the chart to the map and the cards. */
  frame->header.title_indent = width - 2.0 * geo->pad >= 120.0 * s ? 20.0 * s : 0.0;
  geo->top = cst_chart_header_get_bottom (&frame->header) + 12.0 * s;

  geo->n_bars = n = n_bars (model);
  if (n == 0)
    return;

  for (guint i = 0; i < n; i++)
    {
      name_w = MAX (name_w, cst_chart_measure_text (text->name_bold, model->labels[i],
                                                    &geo->text_h));
      if (model->values[i] != NULL)
        value_w = MAX (value_w, cst_chart_measure_text (text->value, model->values[i],
                                                        &geo->value_h));
    }
  if (model->n_finite < n)
    /* Translators: in place of a bar for a feature without data. */
    value_w = MAX (value_w, cst_chart_measure_text (text->value, _("no data"), &geo->value_h));

  geo->name_w = MIN (name_w, MIN (240.0 * s, (width - 2.0 * geo->pad) * 0.38));
  geo->plot_x = geo->pad + geo->name_w + 16.0 * s;
  geo->plot_w = width - geo->pad - geo->plot_x;

  /* Value labels sit outside the bar ends, on either side; they go when they would leave the
   * bars too little room, and the tooltips keep the numbers. */
  geo->show_values = geo->plot_w - 2.0 * (value_w + 8.0 * s) >= 80.0 * s;
  inner_w = geo->show_values ? geo->plot_w - 2.0 * (value_w + 8.0 * s) : geo->plot_w;

  /* A symmetric scale, so that the same length means the same difference either way. */
  cst_chart_nice_ticks (-MAX (model->largest, 1.0), MAX (model->largest, 1.0),
                        (guint) CLAMP (inner_w / (70.0 * s), 3.0, 7.0), &geo->ticks);
  geo->limit = MAX (-geo->ticks.min, geo->ticks.max);
  geo->zero_x = geo->plot_x + geo->plot_w / 2.0;
  geo->plot_x = geo->zero_x - inner_w / 2.0;
  geo->plot_w = inner_w;

  cst_chart_measure_text (text->tick, "0", &geo->tick_h);
  geo->show_axis = height >= 200.0 * s;
  bottom = height - geo->pad - (geo->show_axis ? 6.0 * s + 2.0 * geo->tick_h + 4.0 * s : 0.0);

  avail_h = bottom - geo->top;
  min_row_h = geo->text_h + 6.0 * s;
  geo->show_rows = geo->plot_w >= 20.0 * s && avail_h >= min_row_h;
  if (!geo->show_rows)
    return;

  geo->row_h = MIN (avail_h / n, 36.0 * s);
  if (geo->row_h < min_row_h)
    {
      /* Not every bar fits: a line says how many are left out, beside the axis's numbers or,
       * without an axis, in a last row. */
      geo->row_h = min_row_h;
      geo->n_shown = (guint) floor (avail_h / min_row_h) - (geo->show_axis ? 0 : 1);
      geo->show_rows = geo->n_shown > 0;
    }
  else
    geo->n_shown = n;
  geo->bar_h = MIN (round (geo->row_h * 0.62), 22.0 * s);
}

static double
value_to_x (const DifferenceGeometry *geo,
            double                    value)
{
  double t = CLAMP (value / geo->limit, -1.0, 1.0);

  return geo->zero_x + t * geo->plot_w / 2.0;
}

static void
row_rect (const DifferenceGeometry *geo,
          guint                     bar,
          double                    width,
          cairo_rectangle_t        *rect)
{
  rect->x = geo->pad - 6.0 * geo->s;
  rect->y = geo->top + bar * geo->row_h;
  rect->width = width - 2.0 * geo->pad + 12.0 * geo->s;
  rect->height = geo->row_h;
}

static void
bar_rect (const CstDifferenceModel *model,
          const DifferenceGeometry *geo,
          guint                     bar,
          cairo_rectangle_t        *rect)
{
  double v = model->effects[bar];
  double end = isfinite (v) ? value_to_x (geo, v) : geo->zero_x;
  double mid = geo->top + (bar + 0.5) * geo->row_h;
  double min_w = 2.0 * geo->s;

  /* A small difference still gets a visible sliver on its side; one that its label shows as
   * "0.0 sd" gets none, which would claim a direction the label does not. */
  if (!isfinite (v) || fabs (v) < 0.05)
    end = geo->zero_x;
  else if (fabs (end - geo->zero_x) < min_w)
    end = geo->zero_x + (v < 0.0 ? -min_w : min_w);

  rect->x = MIN (end, geo->zero_x);
  rect->width = fabs (end - geo->zero_x);
  rect->y = round (mid - geo->bar_h / 2.0);
  rect->height = geo->bar_h;
}

/* A horizontal bar from the zero line, rounded at its outer end only. */
static void
bar_path (cairo_t                 *cr,
          const cairo_rectangle_t *r,
          gboolean                 negative,
          double                   radius)
{
  double x0 = r->x, x1 = r->x + r->width;
  double y0 = r->y, y1 = r->y + r->height;

  radius = MIN (radius, MIN (r->width, r->height / 2.0));
  if (radius <= 0.0)
    {
      cairo_rectangle (cr, r->x, r->y, r->width, r->height);
      return;
    }

  if (negative)
    {
      cairo_move_to (cr, x1, y0);
      cairo_line_to (cr, x1, y1);
      cairo_arc (cr, x0 + radius, y1 - radius, radius, G_PI / 2.0, G_PI);
      cairo_arc (cr, x0 + radius, y0 + radius, radius, G_PI, 1.5 * G_PI);
    }
  else
    {
      cairo_move_to (cr, x0, y1);
      cairo_line_to (cr, x0, y0);
      cairo_arc (cr, x1 - radius, y0 + radius, radius, 1.5 * G_PI, 2.0 * G_PI);
      cairo_arc (cr, x1 - radius, y1 - radius, radius, 0.0, G_PI / 2.0);
    }
  cairo_close_path (cr);
}

/* The header with the segment's colour in the room left before the title. */
static void
paint_title (cairo_t                  *cr,
             const CstDifferenceModel *model,
             CstChartHeader           *header,
             const CstChartStyle      *style,
             double                    s)
{
  if (header->show_title && header->title_indent > 0.0)
    {
      cst_chart_rounded_rectangle (cr, header->x, header->y + header->title_h / 2.0 - 6.0 * s,
                                   12.0 * s, 12.0 * s, 3.5 * s);
      cst_chart_set_source_color (cr, cst_chart_style_segment (style, model->segment));
      cairo_fill (cr);
    }

  cst_chart_header_paint (header, cr, style);
}

static void
paint_grid (cairo_t                  *cr,
            const DifferenceGeometry *geo,
            const CstChartStyle      *style,
            DifferenceText           *text)
{
  double s = geo->s;
  double lw = MAX (1.0, round (s));
  double y0 = geo->top;
  double y1 = geo->top + geo->row_h * geo->n_shown;
  CstColor grid = style->muted;
  CstColor zero = style->muted;

  grid.alpha *= style->high_contrast ? 0.35 : 0.22;
  zero.alpha *= style->high_contrast ? 1.0 : 0.7;
  cairo_set_line_width (cr, lw);

  for (guint i = 0; i < geo->ticks.n_ticks; i++)
    {
      double v = cst_chart_ticks_value (&geo->ticks, i);
      double x = cst_chart_snap (value_to_x (geo, v), lw);

      if (fabs (v) < geo->ticks.step * 1e-6)
        continue;

      cst_chart_set_source_color (cr, &grid);
      cairo_move_to (cr, x, y0);
      cairo_line_to (cr, x, y1);
      cairo_stroke (cr);

      if (geo->show_axis)
        {
          g_autofree char *label = tick_text (v, geo->ticks.step);

          cst_chart_draw_text (cr, text->tick, label, x, y1 + 6.0 * s, 0.0,
                               CST_CHART_ALIGN_CENTER, &style->muted);
        }
    }

  if (geo->show_axis)
    {
      double y = y1 + 6.0 * s + geo->tick_h + 4.0 * s;

      cst_chart_draw_text (cr, text->tick, "0", geo->zero_x, y1 + 6.0 * s, 0.0,
                           CST_CHART_ALIGN_CENTER, &style->muted);
      double half = geo->plot_w / 2.0 - 8.0 * s;
      /* Translators: under the left half of a difference chart. */
      const char *below = _("← Below average");
      /* Translators: under the right half of a difference chart. */
      const char *above = _("Above average →");

      /* A narrow chart (a slide's) says it shorter rather than cut the words. */
      if (cst_chart_measure_text (text->tick, below, NULL) > half || cst_chart_measure_text (text->tick, above, NULL) > half)
        {
          /* Translators: under the left half of a narrow difference chart. */
          below = _("← Below");
          /* Translators: under the right half of a narrow difference chart. */
          above = _("Above →");
        }
      cst_chart_draw_text (cr, text->tick, below, geo->plot_x, y, half, CST_CHART_ALIGN_START, &style->muted);
      cst_chart_draw_text (cr, text->tick, above, geo->plot_x + geo->plot_w, y, half, CST_CHART_ALIGN_END,
                           &style->muted);
    }

  /* The zero line, on top of the grid; the bars grow from it. */
  cst_chart_set_source_color (cr, &zero);
  cairo_move_to (cr, cst_chart_snap (geo->zero_x, lw), y0);
  cairo_line_to (cr, cst_chart_snap (geo->zero_x, lw), y1);
  cairo_stroke (cr);
}

static void
paint_rows (cairo_t                  *cr,
            const CstDifferenceModel *model,
            const DifferenceGeometry *geo,
            const CstChartStyle      *style,
            DifferenceText           *text,
            double                    width)
{
  double s = geo->s;

  for (guint i = 0; i < geo->n_shown; i++)
    {
      gboolean selected = has_selection (model) && (guint) model->selected == i;
      gboolean faded = has_selection (model) && !selected;
      double v = model->effects[i];
      cairo_rectangle_t row, bar;
      double mid;

      row_rect (geo, i, width, &row);
      bar_rect (model, geo, i, &bar);
      mid = row.y + row.height / 2.0;

      if (selected)
        cst_chart_paint_selection (cr, style, row.x, row.y + 1.0 * s, row.width,
                                   row.height - 2.0 * s, 8.0 * s);

      cst_chart_draw_text (cr, selected ? text->name_bold : text->name, model->labels[i],
                           geo->pad, mid - geo->text_h / 2.0, geo->name_w, CST_CHART_ALIGN_START,
                           faded || !isfinite (v) ? &style->muted : &style->foreground);

      if (!isfinite (v))
        {
          cst_chart_draw_text (cr, text->value, _("no data"), geo->zero_x + 8.0 * s,
                               mid - geo->value_h / 2.0, 0.0, CST_CHART_ALIGN_START,
                               &style->muted);
          continue;
        }

      {
        CstColor fill;

        cst_chart_heatmap_scale_color (style, v < 0.0 ? -BAR_SCALE_POSITION : BAR_SCALE_POSITION,
                                       &fill);
        if (faded)
          fill.alpha = BAR_ALPHA_FADED;
        if (bar.width > 0.0)
          {
            bar_path (cr, &bar, v < 0.0, 4.0 * s);
            cst_chart_set_source_color (cr, &fill);
            cairo_fill (cr);
          }
      }

      if (geo->show_values)
        {
          gboolean left = v < 0.0;

          cst_chart_draw_text (cr, text->value, model->values[i],
                               left ? bar.x - 6.0 * s : bar.x + bar.width + 6.0 * s,
                               mid - geo->value_h / 2.0, 0.0,
                               left ? CST_CHART_ALIGN_END : CST_CHART_ALIGN_START,
                               faded ? &style->muted : &style->foreground);
        }
    }

  if (geo->n_shown < geo->n_bars)
    {
      guint more = geo->n_bars - geo->n_shown;
      g_autofree char *label = NULL;

      double y = geo->top + geo->n_shown * geo->row_h;
      double max_w = geo->name_w;

      if (geo->show_axis)
        {
          g_autofree char *first_tick = tick_text (geo->ticks.min, geo->ticks.step);
          double tick_w = cst_chart_measure_text (text->tick, first_tick, NULL);

          y += 6.0 * s;
          max_w = geo->plot_x - tick_w / 2.0 - 8.0 * s - geo->pad;
        }
      else
        y += (geo->row_h - geo->value_h) / 2.0;

      /* Translators: under a chart too short to show every feature. */
      label = g_strdup_printf (ngettext ("%u more feature", "%u more features", more), more);
      cst_chart_draw_text (cr, text->tick, label, geo->pad, y, max_w, CST_CHART_ALIGN_START,
                           &style->muted);
    }
}

static int
compare_effects (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const double *effects = user_data;
  guint fa = *(const guint *) a;
  guint fb = *(const guint *) b;
  double va = effects[fa];
  double vb = effects[fb];
  gboolean na = !isfinite (va);
  gboolean nb = !isfinite (vb);

  /* Largest size first, unknown values last, ties in feature order. */
  if (na != nb)
    return na ? 1 : -1;
  if (!na && fabs (va) != fabs (vb))
    return fabs (va) > fabs (vb) ? -1 : 1;
  return (fa > fb) - (fa < fb);
}

/**
 * cst_difference_model_new:
 * @segment_name: (nullable): the segment's name, for the title; %NULL gives "Segment N"
 * @segment: the segment's index, which picks its colour for the title's swatch
 * @n_features: the number of features
 * @feature_labels: (array length=n_features) (nullable): the feature labels; %NULL, or a %NULL
 *   entry, gives "Feature 1", …
 * @effects: (array length=n_features): the segment's standardized differences from everyone
 *   else, in standard deviations; NAN where unknown
 *
 * Prepares the chart: copies the data, sorts the features by the size of their difference
 * (unknown ones last) and formats the values. Costs O(n log n).
 *
 * Returns: (transfer full): the model
 */
CstDifferenceModel *
cst_difference_model_new (const char        *segment_name,
                          guint              segment,
                          guint              n_features,
                          const char *const *feature_labels,
                          const double      *effects)
{
  CstDifferenceModel *model;
  guint n = n_features;

  g_return_val_if_fail (n == 0 || effects != NULL, NULL);

  model = g_new0 (CstDifferenceModel, 1);
  model->segment = segment;
  model->n = n;
  model->selected = -1;
  if (segment_name != NULL)
    model->segment_name = g_strdup (segment_name);
  else
    /* Translators: the name of a segment that has none yet. */
    model->segment_name = g_strdup_printf (_("Segment %u"), segment + 1);
  model->features = g_new (guint, MAX (n, 1));
  model->labels = g_new0 (char *, n + 1);
  model->effects = g_new (double, MAX (n, 1));
  model->values = g_new0 (char *, MAX (n, 1));
  model->details = g_new0 (char *, MAX (n, 1));

  for (guint f = 0; f < n; f++)
    model->features[f] = f;
  g_qsort_with_data (model->features, n, sizeof (guint), compare_effects, (gpointer) effects);

  for (guint i = 0; i < n; i++)
    {
      guint f = model->features[i];
      double v = effects[f];

      if (feature_labels != NULL && feature_labels[f] != NULL)
        model->labels[i] = g_strdup (feature_labels[f]);
      else
        /* Translators: the label of a feature that has none. */
        model->labels[i] = g_strdup_printf (_("Feature %u"), f + 1);

      if (isfinite (v))
        {
          model->effects[i] = v;
          model->values[i] = cst_chart_heatmap_format_sd (v, TRUE);
          model->largest = MAX (model->largest, fabs (v));
          model->n_finite++;
        }
      else
        model->effects[i] = NAN;
    }

  return model;
}

/**
 * cst_difference_model_set_means:
 * @model: a difference model
 * @means: (array) (nullable): the segment's mean of each feature, in the feature's own unit,
 *   in feature order; %NULL to remove the means from the tooltips
 * @rest_means: (array): the means of everyone else, in feature order
 * @format: (scope call) (nullable): formats a value of a feature; %NULL for plain numbers
 * @user_data: data for @format
 *
 * Adds "80 % vs 31 %" to the tooltips and the description. @format is called here and not
 * kept.
 */
void
cst_difference_model_set_means (CstDifferenceModel *model,
                                const double       *means,
                                const double       *rest_means,
                                CstChartFormatFunc  format,
                                gpointer            user_data)
{
  g_return_if_fail (model != NULL);
  g_return_if_fail (means == NULL || rest_means != NULL);

  free_strings (model->details, model->n);
  model->details = g_new0 (char *, MAX (model->n, 1));

  if (means == NULL)
    return;

  for (guint i = 0; i < model->n; i++)
    {
      guint f = model->features[i];
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      if (!isfinite (means[f]) || !isfinite (rest_means[f]))
        continue;

      a = format != NULL ? format (f, means[f], user_data) : default_format (means[f]);
      b = format != NULL ? format (f, rest_means[f], user_data) : default_format (rest_means[f]);
      /* Translators: a segment's mean against everyone else's, "80 % vs 31 %". */
      model->details[i] = g_strdup_printf (_("%s vs %s"), a, b);
    }
}

void
cst_difference_model_free (CstDifferenceModel *model)
{
  if (model == NULL)
    return;

  g_free (model->segment_name);
  g_free (model->features);
  g_strfreev (model->labels);
  g_free (model->effects);
  free_strings (model->values, model->n);
  free_strings (model->details, model->n);
  g_free (model->title);
  g_free (model);
}

/**
 * cst_difference_model_set_max_bars:
 * @model: a difference model
 * @max_bars: how many of the largest differences to show, or 0 for all (slides show a few)
 */
void
cst_difference_model_set_max_bars (CstDifferenceModel *model,
                                   guint               max_bars)
{
  g_return_if_fail (model != NULL);

  model->max_bars = max_bars;
  if (has_selection (model) && (guint) model->selected >= n_bars (model))
    model->selected = -1;
}

/**
 * cst_difference_model_set_title:
 * @model: a difference model
 * @title: (nullable): the title, or %NULL for "What makes … different"
 */
void
cst_difference_model_set_title (CstDifferenceModel *model,
                                const char         *title)
{
  g_return_if_fail (model != NULL);

  g_free (model->title);
  model->title = g_strdup (title);
}

/**
 * cst_difference_model_set_selected:
 * @model: a difference model
 * @bar: the bar to highlight, in display order, or -1 for none; out of range means none
 */
void
cst_difference_model_set_selected (CstDifferenceModel *model,
                                   int                 bar)
{
  g_return_if_fail (model != NULL);

  model->selected = bar >= 0 && (guint) bar < n_bars (model) ? bar : -1;
}

int
cst_difference_model_get_selected (const CstDifferenceModel *model)
{
  g_return_val_if_fail (model != NULL, -1);

  return model->selected;
}

/**
 * cst_difference_model_get_n_bars:
 * @model: a difference model
 *
 * Returns: the number of bars the chart offers: every feature, or the maximum set with
 *   cst_difference_model_set_max_bars()
 */
guint
cst_difference_model_get_n_bars (const CstDifferenceModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return n_bars (model);
}

/**
 * cst_difference_model_get_feature:
 * @model: a difference model
 * @bar: a bar, in display order
 *
 * Returns: the index of the feature that @bar shows
 */
guint
cst_difference_model_get_feature (const CstDifferenceModel *model,
                                  guint                     bar)
{
  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (bar < model->n, 0);

  return model->features[bar];
}

/**
 * cst_chart_difference_get_bar_rect:
 * @model: a difference model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @bar: a bar, in display order
 * @rect: (out): where the bar is drawn
 *
 * Returns: %FALSE when the bar is not drawn (no room, past the maximum, no data, or a
 *   difference below 0.05 sd); @rect is still set where there is room
 */
gboolean
cst_chart_difference_get_bar_rect (const CstDifferenceModel *model,
                                   double                    width,
                                   double                    height,
                                   const CstChartStyle      *style,
                                   guint                     bar,
                                   cairo_rectangle_t        *rect)
{
  CstChartFrame frame;
  DifferenceText text;
  DifferenceGeometry geo;
  gboolean drawn;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);
  g_return_val_if_fail (bar < model->n, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  drawn = geo.show_rows && bar < geo.n_shown;
  if (drawn)
    bar_rect (model, &geo, bar, rect);
  else
    *rect = (cairo_rectangle_t) { 0.0, 0.0, 0.0, 0.0 };
  drawn = drawn && rect->width > 0.0;

  cst_chart_frame_end (&frame);

  return drawn;
}

/**
 * cst_chart_difference_paint:
 * @cr: the context to paint on
 * @model: the prepared model
 * @width: the chart width in user units
 * @height: the chart height in user units
 * @style: the style
 *
 * Paints the segment's differences: the title with the segment's colour, one row per feature
 * with its label, a bar from the zero line (red above average, blue below, as in the heatmap)
 * and "+1.9 sd" at its end, a faint grid and an axis in standard deviations.
 */
void
cst_chart_difference_paint (cairo_t                  *cr,
                            const CstDifferenceModel *model,
                            double                    width,
                            double                    height,
                            const CstChartStyle      *style)
{
  CstChartFrame frame;
  DifferenceText text;
  DifferenceGeometry geo;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  cst_chart_frame_begin_paint (&frame, cr, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  paint_title (cr, model, &frame.header, style, geo.s);

  if (geo.show_rows)
    {
      paint_grid (cr, &geo, style, &text);
      paint_rows (cr, model, &geo, style, &text, width);
    }

  cst_chart_frame_end (&frame);
}

static char *
bar_tooltip (const CstDifferenceModel *model,
             guint                     bar)
{
  g_autofree char *effect = cst_chart_heatmap_format_effect (model->effects[bar],
                                                             model->details[bar]);

  /* Translators: a tooltip, "Weekend orders: 80 % vs 31 % (1.9 sd above)". */
  return g_strdup_printf (_("%s: %s"), model->labels[bar], effect);
}

/**
 * cst_chart_difference_hit_test:
 * @model: a difference model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @x: the pointer position
 * @y: the pointer position
 * @tooltip: (out) (optional): a new string, "Weekend orders: 80 % vs 31 % (1.9 sd above)", or
 *   %NULL
 *
 * Returns: the bar (in display order) whose row contains the point, or -1
 */
int
cst_chart_difference_hit_test (const CstDifferenceModel *model,
                               double                    width,
                               double                    height,
                               const CstChartStyle      *style,
                               double                    x,
                               double                    y,
                               char                    **tooltip)
{
  CstChartFrame frame;
  DifferenceText text;
  DifferenceGeometry geo;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  if (tooltip != NULL)
    *tooltip = NULL;

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  if (geo.show_rows)
    for (guint i = 0; i < geo.n_shown && hit < 0; i++)
      {
        cairo_rectangle_t row;

        row_rect (&geo, i, width, &row);
        if (cst_chart_rect_contains (&row, x, y))
          hit = i;
      }

  if (hit >= 0 && tooltip != NULL)
    *tooltip = bar_tooltip (model, hit);

  cst_chart_frame_end (&frame);

  return hit;
}

/**
 * cst_chart_difference_describe:
 * @model: a difference model
 *
 * Returns: (transfer full): a sentence for screen readers, strongest difference first: "What
 *   makes Weekend bargain hunters different, in standard deviations from everyone else:
 *   Weekend orders +1.9 sd (80 % vs 31 %), Discounted orders +1.6 sd, …"
 */
char *
cst_chart_difference_describe (const CstDifferenceModel *model)
{
  g_autofree char *title = NULL;
  GString *out;
  guint n;

  g_return_val_if_fail (model != NULL, NULL);

  title = default_title (model);
  n = n_bars (model);
  if (n == 0)
    /* Translators: %s is the chart title. */
    return g_strdup_printf (_("%s: no features to show."), title);

  out = g_string_new (NULL);
  /* Translators: introduces the list of a segment's differences; %s is the chart title. */
  g_string_append_printf (out, _("%s, in standard deviations from everyone else: "), title);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        /* Translators: the separator between the items of a spoken list. */
        g_string_append (out, _(", "));

      if (!isfinite (model->effects[i]))
        /* Translators: a feature without data in a spoken list, "Open rate no data". */
        g_string_append_printf (out, _("%s no data"), model->labels[i]);
      else if (model->details[i] != NULL)
        /* Translators: "Weekend orders +1.9 sd (80 % vs 31 %)" in a spoken list. */
        g_string_append_printf (out, _("%s %s (%s)"), model->labels[i], model->values[i],
                                model->details[i]);
      else
        /* Translators: "Weekend orders +1.9 sd" in a spoken list. */
        g_string_append_printf (out, _("%s %s"), model->labels[i], model->values[i]);
    }
  g_string_append (out, ".");

  return g_string_free (out, FALSE);
}
