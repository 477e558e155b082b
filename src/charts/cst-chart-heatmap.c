/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-heatmap"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cst-chart-heatmap.h"
#include "cst-chart-util.h"

#define RGB(hex) \
  { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0, 1.0 }

#define N_STOPS 9

/* The diverging scale on a light surface is Paul Tol's "BuRd" (Tol, P., 2021, "Colour
 * Schemes", SRON/EPS/TN/09-002, https://personal.sron.nl/~pault/, figure 19), which is
 * ColorBrewer's RdBu (Brewer, C. A., colorbrewer2.org) reversed: blue for below average, red for
 * above. Blue against red stays distinct under protanopia, deuteranopia and tritanopia, and
 * lightness falls symmetrically from the neutral centre, so the strength of a difference reads
 * the same in grey print. Colours between the nine stops are interpolated linearly. */
static const CstColor scale_light[N_STOPS] = {
  RGB (0x2166ac), RGB (0x4393c3), RGB (0x92c5de), RGB (0xd1e5f0),
  RGB (0xf7f7f7),
  RGB (0xfddbc7), RGB (0xf4a582), RGB (0xd6604d), RGB (0xb2182b),
};

/* On a dark surface a near-white centre would glare and make the weakest differences the
 * brightest cells. The dark variant keeps BuRd's hues but runs its lightness the other way,
 * from a dark neutral just above libadwaita's view background (#1e1e1e) out to light tints, in
 * the manner of Crameri's dark-centred "berlin" (Crameri, F., 2018, Scientific colour maps,
 * doi:10.5281/zenodo.1243862). Relative luminance rises monotonically from the centre on both
 * sides and matches between the sides within 0.05 at each stop. */
static const CstColor scale_dark[N_STOPS] = {
  RGB (0x7db8e8), RGB (0x4f9bd1), RGB (0x3677aa), RGB (0x2d4c66),
  RGB (0x3a3a3a),
  RGB (0x6b3a30), RGB (0xa8493a), RGB (0xd9694f), RGB (0xf4a582),
};

/* Effects beyond this many standard deviations share the end colour. */
#define MAX_LIMIT 3.0

/* Column labels rotated by 45° are cut to this length (at scale 1). */
#define ROTATED_LABEL_MAX 150.0

/* Columns at least this wide (at scale 1) get horizontal labels, wrapped on two lines. */
#define HORIZONTAL_COLUMN_MIN 76.0

#define COS45 0.70710678118654752

struct _CstHeatmapModel
{
  guint     n_segments;
  guint     n_features;
  char    **segment_names;
  char    **feature_labels;
  double   *effects;       /* n_segments × n_features, row-major; NAN where unknown */
  char    **cell_values;   /* the same shape: "+1.9", or NULL where unknown */
  char    **cell_details;  /* the same shape: "80 % vs 31 %", all NULL until set_means */
  double    limit;         /* the scale runs from −limit to +limit */
  gboolean  has_missing;
  char     *title;
  int       selected;
};

/* The chart's own layouts, owned by its frame. */
typedef struct
{
  PangoLayout *row;
  PangoLayout *row_bold;
  PangoLayout *column;
  PangoLayout *cell;
  PangoLayout *legend;
} HeatmapText;

typedef struct
{
  double             s;
  double             pad;

  gboolean           show_grid;
  cairo_rectangle_t  grid;
  double             col_w;
  double             row_h;
  double             gap;

  gboolean           show_rows;
  double             row_text_h;
  double             name_w;

  gboolean           show_columns;
  gboolean           rotate_columns;
  double             angle;          /* of rotated labels, counterclockwise */
  double             column_start;   /* where rotated labels start along their baseline */
  double             column_text_h;
  double             column_max_w;   /* wrap width, or the longest rotated label */

  gboolean           show_cell_text;
  double             cell_text_h;

  gboolean           show_legend;
  gboolean           show_legend_ticks;
  gboolean           show_legend_missing;
  double             legend_x;
  double             legend_y;
  double             legend_h;
  double             legend_below_w;
  double             legend_bar_w;
  double             legend_bar_h;
  double             legend_text_h;
  double             legend_tick_h;
} HeatmapGeometry;

static const char *
model_title (const CstHeatmapModel *model)
{
  return model->title != NULL ? model->title : _("Segment profiles");
}

static gboolean
has_selection (const CstHeatmapModel *model)
{
  return model->selected >= 0 && (guint) model->selected < model->n_segments;
}

static inline gsize
cell_index (const CstHeatmapModel *model,
            guint                  segment,
            guint                  feature)
{
  return (gsize) segment * model->n_features + feature;
}

static void
free_cells (char  **cells,
            gsize   n)
{
  if (cells == NULL)
    return;

  for (gsize i = 0; i < n; i++)
    g_free (cells[i]);
  g_free (cells);
}

static double
luminance (const CstColor *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

/* Text on a cell: whichever of near-black and white contrasts more with the fill. */
static void
cell_text_color (const CstColor *fill,
                 CstColor       *text)
{
  if (luminance (fill) > 0.45)
    *text = (CstColor) { 0.0, 0.0, 0.0, 0.82 };
  else
    *text = (CstColor) { 1.0, 1.0, 1.0, 0.95 };
}

/* A general-purpose number for values without a formatter: more decimals for small numbers. */
static char *
default_format (double value)
{
  double a = fabs (value);

  return cst_chart_format_number (value, a >= 100.0 ? 0 : a >= 10.0 ? 1 : 2);
}

static void
heatmap_text_init (HeatmapText   *text,
                   CstChartFrame *frame)
{
  text->row = cst_chart_frame_create_layout (frame, CST_CHART_FONT_BODY, PANGO_WEIGHT_NORMAL);
  text->row_bold = cst_chart_frame_create_layout (frame, CST_CHART_FONT_BODY, PANGO_WEIGHT_BOLD);
  text->column = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_NORMAL);
  text->cell = cst_chart_frame_create_layout (frame, CST_CHART_FONT_TINY, PANGO_WEIGHT_SEMIBOLD);
  text->legend = cst_chart_frame_create_layout (frame, CST_CHART_FONT_TINY, PANGO_WEIGHT_NORMAL);
}

/* Sets @text on @layout wrapped at word boundaries into @width, at most two lines, centred,
 * with an ellipsis where it still does not fit. */
static void
set_wrapped_text (PangoLayout *layout,
                  const char  *text,
                  double       width)
{
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) MAX (1.0, round (width * PANGO_SCALE)));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height (layout, -2);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
}

static void
unset_wrapped_text (PangoLayout *layout)
{
  pango_layout_set_height (layout, -1);
  pango_layout_set_alignment (layout, PANGO_ALIGN_LEFT);
}

/* Whole standard deviations with their sign: "−2", "0", "+2". */
static char *
legend_tick_text (int value)
{
  g_autofree char *number = cst_chart_format_number (value, 0);

  return value > 0 ? g_strconcat ("+", number, NULL) : g_steal_pointer (&number);
}

static void
compute_legend (const CstHeatmapModel *model,
                double                 width,
                HeatmapText           *text,
                HeatmapGeometry       *geo)
{
  double s = geo->s;
  double below_w, above_w, missing_w, tick_w = 0.0;
  double total;
  int limit = (int) model->limit;

  below_w = cst_chart_measure_text (text->legend, _("Below average"), &geo->legend_text_h);
  above_w = cst_chart_measure_text (text->legend, _("Above average"), NULL);
  missing_w = cst_chart_measure_text (text->legend, _("No data"), NULL);
  for (int v = -limit; v <= limit; v++)
    {
      g_autofree char *label = legend_tick_text (v);

      tick_w = MAX (tick_w, cst_chart_measure_text (text->legend, label, &geo->legend_tick_h));
    }

  geo->legend_below_w = below_w;
  geo->legend_bar_h = round (10.0 * s);
  geo->legend_bar_w = CLAMP ((width - 2.0 * geo->pad) * 0.3, 120.0 * s, 260.0 * s);
  geo->show_legend_missing = model->has_missing;

  total = below_w + 8.0 * s + geo->legend_bar_w + 8.0 * s + above_w;
  if (geo->show_legend_missing)
    total += 24.0 * s + 14.0 * s + 6.0 * s + missing_w;

  if (total > width - 2.0 * geo->pad && geo->show_legend_missing)
    {
      total -= 24.0 * s + 14.0 * s + 6.0 * s + missing_w;
      geo->show_legend_missing = FALSE;
    }
  geo->show_legend = total <= width - 2.0 * geo->pad;

  /* Tick labels every standard deviation when they fit, otherwise only the ends and zero. */
  geo->show_legend_ticks = geo->legend_bar_w / (2.0 * limit) >= tick_w + 6.0 * s;
  geo->legend_h = geo->legend_bar_h + 3.0 * s + geo->legend_tick_h;
}

/* Lays the chart out for @frame: creates @text there, so that painting, hit tests and tests
 * all measure the same text, then measures the header into @frame and fills @geo. */
static void
compute_geometry (const CstHeatmapModel *model,
                  CstChartFrame         *frame,
                  HeatmapText           *text,
                  HeatmapGeometry       *geo)
{
  double width = frame->width;
  double height = frame->height;
  double s = frame->s;
  guint k = model->n_segments;
  guint n = model->n_features;
  double top, bottom, grid_x, avail_w, avail_h;
  double name_w = 0.0;
  double header_h = 0.0;
  double legend_room = 0.0;
  double value_w, value_h;

  heatmap_text_init (text, frame);
  memset (geo, 0, sizeof *geo);
  geo->s = s;

  if (!frame->drawable)
    return;

  geo->pad = frame->pad;
  if (!cst_chart_header_measure (&frame->header, model_title (model),
                                 /* Translators: the subtitle of the segment profile heatmap. */
                                 _("Difference from everyone else, in standard deviations"),
                                 width, height, s, geo->pad, 200.0))
    return;

  top = cst_chart_header_get_bottom (&frame->header) + 16.0 * s;

  if (k == 0 || n == 0)
    return;

  /* The legend sits under the grid when the chart is large enough to explain itself. */
  if (height >= 240.0 * s && width >= 320.0 * s)
    {
      compute_legend (model, width, text, geo);
      if (geo->show_legend)
        legend_room = 16.0 * s + geo->legend_h;
    }
  bottom = height - geo->pad - legend_room;

  /* Row labels: a colour swatch and the segment name. */
  /* Measured in bold, which the selected row uses. */
  for (guint seg = 0; seg < k; seg++)
    name_w = MAX (name_w, cst_chart_measure_text (text->row_bold, model->segment_names[seg],
                                                  &geo->row_text_h));
  geo->name_w = MIN (name_w, MIN (200.0 * s, (width - 2.0 * geo->pad) * 0.3));
  geo->show_rows = geo->name_w >= 24.0 * s;
  grid_x = geo->pad + (geo->show_rows ? 18.0 * s + geo->name_w + 12.0 * s : 0.0);
  avail_w = width - geo->pad - grid_x;
  if (avail_w < 4.0 * s * n)
    {
      /* Not even thin columns fit next to the names: drop the names. */
      geo->show_rows = FALSE;
      grid_x = geo->pad;
      avail_w = width - 2.0 * geo->pad;
    }
  avail_h = bottom - top;

  /* Column labels: horizontal and wrapped when the columns are wide, rotated by 45° (reading
   * upwards to the right from the top of their column) when they are narrow. */
  cst_chart_measure_text (text->column, "Ag", &geo->column_text_h);
  geo->col_w = MIN (avail_w / n, 160.0 * s);
  if (geo->col_w >= HORIZONTAL_COLUMN_MIN * s)
    {
      geo->column_max_w = geo->col_w - 8.0 * s;
      for (guint f = 0; f < n; f++)
        {
          double h;

          set_wrapped_text (text->column, model->feature_labels[f], geo->column_max_w);
          cst_chart_layout_get_size (text->column, NULL, &h);
          header_h = MAX (header_h, h);
        }
      unset_wrapped_text (text->column);
      header_h += 8.0 * s;
      geo->show_columns = header_h <= avail_h * 0.4;
      if (!geo->show_columns)
        header_h = 0.0;
    }
  else
    {
      double th = geo->column_text_h;
      double max_len = ROTATED_LABEL_MAX * s;
      double longest = 0.0;
      double grid_w = avail_w;
      double c, sn;

      /* 45° while neighbouring labels keep a line's distance from each other, otherwise
       * upright; the header may take at most 40 % of the height. */
      geo->rotate_columns = TRUE;
      geo->angle = (avail_w / n) * COS45 >= th * 0.9 ? G_PI / 4.0 : G_PI / 2.0;
      c = cos (geo->angle);
      sn = sin (geo->angle);
      geo->column_start = th / 2.0 * c / sn;
      max_len = MIN (max_len, (avail_h * 0.4 - 6.0 * s - th / 2.0 * c) / sn - geo->column_start);

      /* Label f starts at the centre of column f and ends (x0 + L)·cos a + h/2·sin a further
       * right; the columns narrow until the rightmost end stays inside the chart. */
      for (guint f = 0; f < n && max_len >= 24.0 * s; f++)
        {
          double len = MIN (cst_chart_measure_text (text->column, model->feature_labels[f], NULL),
                            max_len);
          double room = width - geo->pad - grid_x - (geo->column_start + len) * c - th / 2.0 * sn;

          longest = MAX (longest, len);
          grid_w = MIN (grid_w, room * n / (f + 0.5));
        }

      geo->column_max_w = max_len;
      geo->show_columns = max_len >= 24.0 * s && grid_w > 0.0
                          && (grid_w / n) * (geo->angle < G_PI / 3.0 ? COS45 : 1.0) >= th * 0.9;
      if (geo->show_columns)
        {
          geo->col_w = grid_w / n;
          header_h = (geo->column_start + longest) * sn + th / 2.0 * c + 6.0 * s;
        }
    }

  geo->grid.x = grid_x;
  geo->grid.y = top + header_h;
  geo->grid.width = geo->col_w * n;
  geo->row_h = MIN ((bottom - geo->grid.y) / k, 48.0 * s);
  geo->grid.height = geo->row_h * k;
  geo->show_grid = geo->col_w >= 2.0 * s && geo->row_h >= 2.0 * s;
  if (!geo->show_grid)
    {
      geo->show_legend = FALSE;
      return;
    }

  geo->show_rows = geo->show_rows && geo->row_h >= geo->row_text_h * 0.8;
  geo->gap = geo->col_w >= 10.0 * s && geo->row_h >= 10.0 * s ? MAX (1.0, round (2.0 * s)) : 0.0;

  value_w = cst_chart_measure_text (text->cell, "\xe2\x88\x92" "0.0", &value_h);
  geo->cell_text_h = value_h;
  geo->show_cell_text = geo->col_w - geo->gap >= value_w + 6.0 * s
                        && geo->row_h - geo->gap >= value_h + 2.0 * s;

  if (geo->show_legend)
    {
      double legend_w = geo->legend_below_w + 8.0 * s + geo->legend_bar_w;

      geo->legend_y = geo->grid.y + geo->grid.height + 16.0 * s;
      geo->legend_x = geo->grid.x + legend_w <= width - geo->pad ? geo->grid.x : geo->pad;
    }
}

/* The cell's rectangle, with edges on whole pixels and a gap to its neighbours. */
static void
cell_rect (const HeatmapGeometry *geo,
           guint                  segment,
           guint                  feature,
           cairo_rectangle_t     *rect)
{
  double left = round (geo->grid.x + feature * geo->col_w);
  double right = round (geo->grid.x + (feature + 1) * geo->col_w) - geo->gap;
  double top = round (geo->grid.y + segment * geo->row_h);
  double bottom = round (geo->grid.y + (segment + 1) * geo->row_h) - geo->gap;

  rect->x = left;
  rect->y = top;
  rect->width = MAX (right - left, 1.0);
  rect->height = MAX (bottom - top, 1.0);
}

static void
row_label_rect (const HeatmapGeometry *geo,
                guint                  segment,
                cairo_rectangle_t     *rect)
{
  rect->x = geo->pad - 6.0 * geo->s;
  rect->y = geo->grid.y + segment * geo->row_h;
  rect->width = geo->grid.x - 6.0 * geo->s - rect->x;
  rect->height = geo->row_h - geo->gap;
}

static void
scale_fill (const CstHeatmapModel *model,
            const CstChartStyle   *style,
            double                 value,
            CstColor              *color)
{
  cst_chart_heatmap_scale_color (style, value / model->limit, color);
}

static void
paint_missing (cairo_t             *cr,
               const CstChartStyle *style,
               double               x,
               double               y,
               double               w,
               double               h,
               double               radius,
               double               s)
{
  CstColor fill = style->muted;
  CstColor hatch = style->muted;
  double step = 5.0 * s;

  fill.alpha *= 0.16;
  hatch.alpha *= style->high_contrast ? 0.8 : 0.5;

  cairo_save (cr);
  cst_chart_rounded_rectangle (cr, x, y, w, h, radius);
  cst_chart_set_source_color (cr, &fill);
  cairo_fill_preserve (cr);
  cairo_clip (cr);

  /* Diagonal hatching, so that "no data" never reads as "average". */
  cst_chart_set_source_color (cr, &hatch);
  cairo_set_line_width (cr, MAX (1.0, s));
  for (double d = -h; d < w; d += step)
    {
      cairo_move_to (cr, x + d, y + h);
      cairo_line_to (cr, x + d + h, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
paint_columns (cairo_t               *cr,
               const CstHeatmapModel *model,
               const HeatmapGeometry *geo,
               const CstChartStyle   *style,
               HeatmapText           *text)
{
  double s = geo->s;

  for (guint f = 0; f < model->n_features; f++)
    {
      double cx = geo->grid.x + (f + 0.5) * geo->col_w - geo->gap / 2.0;

      if (geo->rotate_columns)
        {
          double th = geo->column_text_h;

          cairo_save (cr);
          cairo_translate (cr, cx, geo->grid.y - 6.0 * s);
          cairo_rotate (cr, -geo->angle);
          pango_cairo_update_layout (cr, text->column);
          /* Starting a little along the baseline keeps the label's lower corner above the
           * grid. */
          cst_chart_draw_text (cr, text->column, model->feature_labels[f], geo->column_start,
                               -th / 2.0,
                               geo->column_max_w, CST_CHART_ALIGN_START, &style->foreground);
          cairo_restore (cr);
          pango_cairo_update_layout (cr, text->column);
        }
      else
        {
          double h;

          set_wrapped_text (text->column, model->feature_labels[f], geo->column_max_w);
          cst_chart_layout_get_size (text->column, NULL, &h);
          cst_chart_set_source_color (cr, &style->foreground);
          cst_chart_show_layout (cr, text->column, cx, geo->grid.y - 6.0 * s - h,
                                 CST_CHART_ALIGN_CENTER);
        }
    }

  unset_wrapped_text (text->column);
}

static void
paint_rows (cairo_t               *cr,
            const CstHeatmapModel *model,
            const HeatmapGeometry *geo,
            const CstChartStyle   *style,
            HeatmapText           *text)
{
  double s = geo->s;

  for (guint seg = 0; seg < model->n_segments; seg++)
    {
      gboolean selected = has_selection (model) && (guint) model->selected == seg;
      gboolean faded = has_selection (model) && !selected;
      CstColor swatch = *cst_chart_style_segment (style, seg);
      cairo_rectangle_t row;
      double mid;

      row_label_rect (geo, seg, &row);
      mid = row.y + row.height / 2.0;

      if (selected)
        cst_chart_paint_selection (cr, style, row.x, row.y, row.width, row.height, 6.0 * s);

      cst_chart_rounded_rectangle (cr, geo->pad, round (mid - 5.0 * s), 10.0 * s, 10.0 * s,
                                   3.0 * s);
      cst_chart_set_source_color (cr, &swatch);
      cairo_fill (cr);

      cst_chart_draw_text (cr, selected ? text->row_bold : text->row, model->segment_names[seg],
                           geo->pad + 18.0 * s, mid - geo->row_text_h / 2.0, geo->name_w,
                           CST_CHART_ALIGN_START, faded ? &style->muted : &style->foreground);
    }
}

static void
paint_cells (cairo_t               *cr,
             const CstHeatmapModel *model,
             const HeatmapGeometry *geo,
             const CstChartStyle   *style,
             HeatmapText           *text)
{
  double s = geo->s;
  double radius = MIN (3.0 * s, MIN (geo->col_w, geo->row_h) / 6.0);

  for (guint seg = 0; seg < model->n_segments; seg++)
    for (guint f = 0; f < model->n_features; f++)
      {
        gsize i = cell_index (model, seg, f);
        double value = model->effects[i];
        cairo_rectangle_t r;
        CstColor fill, ink;

        cell_rect (geo, seg, f, &r);

        if (!isfinite (value))
          {
            paint_missing (cr, style, r.x, r.y, r.width, r.height, radius, s);
            continue;
          }

        scale_fill (model, style, value, &fill);
        cst_chart_rounded_rectangle (cr, r.x, r.y, r.width, r.height, radius);
        cst_chart_set_source_color (cr, &fill);
        cairo_fill (cr);

        if (geo->show_cell_text)
          {
            cell_text_color (&fill, &ink);
            cst_chart_draw_text (cr, text->cell, model->cell_values[i],
                                 r.x + r.width / 2.0, r.y + (r.height - geo->cell_text_h) / 2.0,
                                 r.width - 2.0 * s, CST_CHART_ALIGN_CENTER, &ink);
          }
      }

  /* A hairline around the grid in high contrast, where the palest cells meet the surface. */
  if (style->high_contrast)
    {
      cairo_set_line_width (cr, 1.0);
      cst_chart_set_source_color (cr, &style->muted);
      cairo_rectangle (cr, round (geo->grid.x) - 0.5, round (geo->grid.y) - 0.5,
                       round (geo->grid.width) - geo->gap + 1.0,
                       round (geo->grid.height) - geo->gap + 1.0);
      cairo_stroke (cr);
    }

  if (has_selection (model))
    {
      double lw = (style->high_contrast ? 3.0 : 2.0) * s;
      double inset = geo->gap / 2.0 + lw / 2.0;
      double y = round (geo->grid.y + model->selected * geo->row_h);
      double bottom = round (geo->grid.y + (model->selected + 1) * geo->row_h) - geo->gap;

      /* A frame around the row in the accent colour, outside the cells so that no colour is
       * covered. */
      cst_chart_rounded_rectangle (cr, round (geo->grid.x) - inset, y - inset,
                                   round (geo->grid.x + geo->grid.width) - geo->gap
                                   - round (geo->grid.x) + 2.0 * inset,
                                   bottom - y + 2.0 * inset, radius + inset);
      cairo_set_line_width (cr, lw);
      cst_chart_set_source_color (cr, &style->accent);
      cairo_stroke (cr);
    }
}

static void
paint_legend (cairo_t               *cr,
              const CstHeatmapModel *model,
              const HeatmapGeometry *geo,
              const CstChartStyle   *style,
              HeatmapText           *text)
{
  double s = geo->s;
  double x = geo->legend_x;
  double y = geo->legend_y;
  double bar_x = x + geo->legend_below_w + 8.0 * s;
  double bar_w = geo->legend_bar_w;
  double bar_h = geo->legend_bar_h;
  double text_y = y + (bar_h - geo->legend_text_h) / 2.0;
  int limit = (int) model->limit;
  cairo_pattern_t *gradient;

  cst_chart_draw_text (cr, text->legend, _("Below average"), x, text_y, 0.0,
                       CST_CHART_ALIGN_START, &style->muted);

  gradient = cairo_pattern_create_linear (bar_x, 0.0, bar_x + bar_w, 0.0);
  for (guint i = 0; i < N_STOPS; i++)
    {
      double t = (double) i / (N_STOPS - 1);
      CstColor c;

      cst_chart_heatmap_scale_color (style, 2.0 * t - 1.0, &c);
      cairo_pattern_add_color_stop_rgba (gradient, t, c.red, c.green, c.blue, c.alpha);
    }
  cst_chart_rounded_rectangle (cr, bar_x, y, bar_w, bar_h, 3.0 * s);
  cairo_set_source (cr, gradient);
  cairo_fill (cr);
  cairo_pattern_destroy (gradient);

  if (style->high_contrast)
    {
      cst_chart_rounded_rectangle (cr, bar_x, y, bar_w, bar_h, 3.0 * s);
      cairo_set_line_width (cr, 1.0);
      cst_chart_set_source_color (cr, &style->muted);
      cairo_stroke (cr);
    }

  for (int v = -limit; v <= limit; v++)
    {
      g_autofree char *label = NULL;
      double tx = bar_x + bar_w * (v + limit) / (2.0 * limit);

      if (!geo->show_legend_ticks && v != 0 && abs (v) != limit)
        continue;

      label = legend_tick_text (v);
      cst_chart_draw_text (cr, text->legend, label, tx, y + bar_h + 3.0 * s, 0.0,
                           CST_CHART_ALIGN_CENTER, &style->muted);
    }

  x = bar_x + bar_w + 8.0 * s;
  x += cst_chart_draw_text (cr, text->legend, _("Above average"), x, text_y, 0.0,
                            CST_CHART_ALIGN_START, &style->muted);

  if (geo->show_legend_missing)
    {
      x += 24.0 * s;
      paint_missing (cr, style, x, y - 1.0 * s, 14.0 * s, bar_h + 2.0 * s, 2.0 * s, s);
      cst_chart_draw_text (cr, text->legend, _("No data"), x + 14.0 * s + 6.0 * s, text_y, 0.0,
                           CST_CHART_ALIGN_START, &style->muted);
    }
}

/* Which cell or row label lies under (x, y); @feature is -1 over a row label. */
static gboolean
locate (const CstHeatmapModel *model,
        const HeatmapGeometry *geo,
        double                 x,
        double                 y,
        int                   *segment,
        int                   *feature)
{
  guint seg, f;

  if (!geo->show_grid || y < geo->grid.y || y >= geo->grid.y + geo->grid.height)
    return FALSE;

  seg = MIN ((guint) floor ((y - geo->grid.y) / geo->row_h), model->n_segments - 1);

  if (x >= geo->grid.x && x < geo->grid.x + geo->grid.width)
    {
      f = MIN ((guint) floor ((x - geo->grid.x) / geo->col_w), model->n_features - 1);
      *segment = seg;
      *feature = f;
      return TRUE;
    }

  if (geo->show_rows)
    {
      cairo_rectangle_t row;

      row_label_rect (geo, seg, &row);
      if (x >= row.x && x < geo->grid.x)
        {
          *segment = seg;
          *feature = -1;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * cst_heatmap_model_new:
 * @n_segments: the number of segments (rows)
 * @n_features: the number of features (columns)
 * @segment_names: (array length=n_segments) (nullable): the segment names; %NULL, or a %NULL
 *   entry, gives "Segment 1", "Segment 2", …
 * @feature_labels: (array length=n_features) (nullable): the feature labels; %NULL, or a %NULL
 *   entry, gives "Feature 1", …
 * @effects: (array): @n_segments × @n_features standardized differences, row by row: the
 *   segment's mean minus everyone else's, in standard deviations; NAN where unknown
 *
 * Prepares a heatmap: copies the data, formats each cell's value and chooses the colour scale,
 * which runs to ±1, ±2 or ±3 standard deviations (the largest difference rounded up, at most
 * 3; stronger differences share the end colour). Tooltips give only the difference until
 * cst_heatmap_model_set_means() adds the means. Costs O(@n_segments × @n_features).
 *
 * Returns: (transfer full): the model
 */
CstHeatmapModel *
cst_heatmap_model_new (guint              n_segments,
                       guint              n_features,
                       const char *const *segment_names,
                       const char *const *feature_labels,
                       const double      *effects)
{
  CstHeatmapModel *model;
  gsize n_cells = (gsize) n_segments * n_features;
  double largest = 0.0;

  g_return_val_if_fail (n_cells == 0 || effects != NULL, NULL);

  model = g_new0 (CstHeatmapModel, 1);
  model->n_segments = n_segments;
  model->n_features = n_features;
  model->selected = -1;
  model->segment_names = g_new0 (char *, n_segments + 1);
  model->feature_labels = g_new0 (char *, n_features + 1);
  model->effects = g_new (double, MAX (n_cells, 1));
  model->cell_values = g_new0 (char *, MAX (n_cells, 1));
  model->cell_details = g_new0 (char *, MAX (n_cells, 1));

  for (guint seg = 0; seg < n_segments; seg++)
    {
      if (segment_names != NULL && segment_names[seg] != NULL)
        model->segment_names[seg] = g_strdup (segment_names[seg]);
      else
        /* Translators: the name of a segment that has none yet. */
        model->segment_names[seg] = g_strdup_printf (_("Segment %u"), seg + 1);
    }

  for (guint f = 0; f < n_features; f++)
    {
      if (feature_labels != NULL && feature_labels[f] != NULL)
        model->feature_labels[f] = g_strdup (feature_labels[f]);
      else
        /* Translators: the label of a feature that has none. */
        model->feature_labels[f] = g_strdup_printf (_("Feature %u"), f + 1);
    }

  for (gsize i = 0; i < n_cells; i++)
    {
      double v = effects[i];

      if (isfinite (v))
        {
          model->effects[i] = v;
          model->cell_values[i] = cst_chart_heatmap_format_sd (v, FALSE);
          largest = MAX (largest, fabs (v));
        }
      else
        {
          model->effects[i] = NAN;
          model->has_missing = TRUE;
        }
    }

  /* Rounded up to whole standard deviations, with a little slack so that 2.0000001 from
   * rounding noise does not widen the scale to 3. */
  model->limit = CLAMP (ceil (largest - 1e-6), 1.0, MAX_LIMIT);

  return model;
}

/**
 * cst_heatmap_model_set_means:
 * @model: a heatmap model
 * @means: (array) (nullable): @n_segments × @n_features means of each segment, in the
 *   features' own units, row by row; %NULL to remove the means from the tooltips
 * @rest_means: (array): the means of everyone not in the segment, the same shape
 * @format: (scope call) (nullable): formats a value of a feature; %NULL for plain numbers
 * @user_data: data for @format
 *
 * Adds "80 % vs 31 %" to the tooltips. @format is called here, once per finite value, and not
 * kept.
 */
void
cst_heatmap_model_set_means (CstHeatmapModel    *model,
                             const double       *means,
                             const double       *rest_means,
                             CstChartFormatFunc  format,
                             gpointer            user_data)
{
  gsize n_cells;

  g_return_if_fail (model != NULL);
  g_return_if_fail (means == NULL || rest_means != NULL);

  n_cells = (gsize) model->n_segments * model->n_features;
  free_cells (model->cell_details, n_cells);
  model->cell_details = g_new0 (char *, MAX (n_cells, 1));

  if (means == NULL)
    return;

  for (guint seg = 0; seg < model->n_segments; seg++)
    for (guint f = 0; f < model->n_features; f++)
      {
        gsize i = cell_index (model, seg, f);
        g_autofree char *a = NULL;
        g_autofree char *b = NULL;

        if (!isfinite (means[i]) || !isfinite (rest_means[i]))
          continue;

        a = format != NULL ? format (f, means[i], user_data) : default_format (means[i]);
        b = format != NULL ? format (f, rest_means[i], user_data) : default_format (rest_means[i]);
        /* Translators: a segment's mean against everyone else's, "80 % vs 31 %". */
        model->cell_details[i] = g_strdup_printf (_("%s vs %s"), a, b);
      }
}

void
cst_heatmap_model_free (CstHeatmapModel *model)
{
  gsize n_cells;

  if (model == NULL)
    return;

  n_cells = (gsize) model->n_segments * model->n_features;
  g_strfreev (model->segment_names);
  g_strfreev (model->feature_labels);
  g_free (model->effects);
  free_cells (model->cell_values, n_cells);
  free_cells (model->cell_details, n_cells);
  g_free (model->title);
  g_free (model);
}

/**
 * cst_heatmap_model_set_title:
 * @model: a heatmap model
 * @title: (nullable): the title, or %NULL for "Segment profiles"
 */
void
cst_heatmap_model_set_title (CstHeatmapModel *model,
                             const char      *title)
{
  g_return_if_fail (model != NULL);

  g_free (model->title);
  model->title = g_strdup (title);
}

/**
 * cst_heatmap_model_set_selected:
 * @model: a heatmap model
 * @segment: the segment whose row to highlight, or -1 for none; out of range means none
 */
void
cst_heatmap_model_set_selected (CstHeatmapModel *model,
                                int              segment)
{
  g_return_if_fail (model != NULL);

  model->selected = segment >= 0 && (guint) segment < model->n_segments ? segment : -1;
}

int
cst_heatmap_model_get_selected (const CstHeatmapModel *model)
{
  g_return_val_if_fail (model != NULL, -1);

  return model->selected;
}

guint
cst_heatmap_model_get_n_segments (const CstHeatmapModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return model->n_segments;
}

guint
cst_heatmap_model_get_n_features (const CstHeatmapModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return model->n_features;
}

/**
 * cst_heatmap_model_get_limit:
 * @model: a heatmap model
 *
 * Returns: where the colour scale ends, in standard deviations: 1, 2 or 3
 */
double
cst_heatmap_model_get_limit (const CstHeatmapModel *model)
{
  g_return_val_if_fail (model != NULL, 1.0);

  return model->limit;
}

/**
 * cst_chart_heatmap_scale_color:
 * @style: the style, which decides between the light and the dark scale
 * @t: the position on the scale, from −1 (far below average) to +1 (far above)
 * @color: (out): the colour
 */
void
cst_chart_heatmap_scale_color (const CstChartStyle *style,
                               double               t,
                               CstColor            *color)
{
  const CstColor *stops;
  double pos;
  guint i;

  g_return_if_fail (style != NULL);
  g_return_if_fail (color != NULL);

  stops = cst_chart_style_is_dark (style) ? scale_dark : scale_light;
  if (!isfinite (t))
    t = 0.0;
  pos = (CLAMP (t, -1.0, 1.0) + 1.0) / 2.0 * (N_STOPS - 1);
  i = MIN ((guint) floor (pos), N_STOPS - 2);
  cst_chart_color_mix (&stops[i], &stops[i + 1], pos - i, color);
}

/**
 * cst_chart_heatmap_format_sd:
 * @sd: a difference in standard deviations
 * @with_unit: whether to add the unit
 *
 * Returns: (transfer full): @sd with one decimal and its sign, "+1.9" or "−0.4" ("+1.9 sd"
 *   with the unit); a difference that rounds to zero has no sign
 */
char *
cst_chart_heatmap_format_sd (double   sd,
                             gboolean with_unit)
{
  g_autofree char *number = NULL;
  g_autofree char *signed_number = NULL;

  if (!isfinite (sd))
    return g_strdup ("–");

  number = cst_chart_format_number (sd, 1);

  /* cst_chart_format_number() gives negative numbers their minus sign; positive ones that do
   * not round to zero get a plus, because the direction is the point of the number. */
  if (sd > 0.0 && round (sd * 10.0) != 0.0)
    signed_number = g_strconcat ("+", number, NULL);
  else
    signed_number = g_steal_pointer (&number);

  if (!with_unit)
    return g_steal_pointer (&signed_number);

  /* Translators: a difference in standard deviations, "+1.9 sd". */
  return g_strdup_printf (_("%s sd"), signed_number);
}

/**
 * cst_chart_heatmap_format_effect:
 * @sd: a difference in standard deviations, or NAN
 * @detail: (nullable): the means, "80 % vs 31 %", or %NULL
 *
 * Returns: (transfer full): "80 % vs 31 % (1.9 sd above)", or without the means "1.9 sd above
 *   average"; "about average" below 0.05 sd; "no data" for NAN
 */
char *
cst_chart_heatmap_format_effect (double      sd,
                                 const char *detail)
{
  g_autofree char *size = NULL;
  g_autofree char *relation = NULL;

  if (!isfinite (sd))
    /* Translators: a heatmap cell without a value. */
    return g_strdup (_("no data"));

  size = cst_chart_format_number (fabs (sd), 1);
  if (fabs (sd) < 0.05)
    /* Translators: a segment's mean equals everyone else's. */
    relation = g_strdup (_("about average"));
  else if (detail != NULL)
    /* Translators: follows the means, "80 % vs 31 % (1.9 sd above)"; sd = standard deviations. */
    relation = g_strdup_printf (sd > 0.0 ? _("%s sd above") : _("%s sd below"), size);
  else
    /* Translators: sd = standard deviations. */
    return g_strdup_printf (sd > 0.0 ? _("%s sd above average") : _("%s sd below average"), size);

  if (detail == NULL)
    return g_steal_pointer (&relation);

  /* Translators: the means and how far apart they are, "80 % vs 31 % (1.9 sd above)". */
  return g_strdup_printf (_("%s (%s)"), detail, relation);
}

/**
 * cst_chart_heatmap_get_cell_rect:
 * @model: a heatmap model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @segment: a segment index
 * @feature: a feature index
 * @rect: (out): where the cell is drawn
 *
 * Returns: %FALSE when the grid is not drawn (no room)
 */
gboolean
cst_chart_heatmap_get_cell_rect (const CstHeatmapModel *model,
                                 double                 width,
                                 double                 height,
                                 const CstChartStyle   *style,
                                 guint                  segment,
                                 guint                  feature,
                                 cairo_rectangle_t     *rect)
{
  CstChartFrame frame;
  HeatmapText text;
  HeatmapGeometry geo;
  gboolean drawn;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);
  g_return_val_if_fail (segment < model->n_segments, FALSE);
  g_return_val_if_fail (feature < model->n_features, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  drawn = geo.show_grid;
  if (drawn)
    cell_rect (&geo, segment, feature, rect);
  else
    *rect = (cairo_rectangle_t) { 0.0, 0.0, 0.0, 0.0 };

  cst_chart_frame_end (&frame);

  return drawn;
}

/**
 * cst_chart_heatmap_paint:
 * @cr: the context to paint on
 * @model: the prepared model
 * @width: the chart width in user units
 * @height: the chart height in user units
 * @style: the style
 *
 * Paints the heatmap: title, feature labels above the columns (rotated when the columns are
 * narrow), one row per segment with its colour and name, cells on the diverging scale with
 * their value when they are large enough, hatched cells without data, and a legend bar from
 * "Below average" to "Above average". The selected segment's row is framed in the accent.
 */
void
cst_chart_heatmap_paint (cairo_t               *cr,
                         const CstHeatmapModel *model,
                         double                 width,
                         double                 height,
                         const CstChartStyle   *style)
{
  CstChartFrame frame;
  HeatmapText text;
  HeatmapGeometry geo;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  cst_chart_frame_begin_paint (&frame, cr, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  cst_chart_header_paint (&frame.header, cr, style);

  if (geo.show_grid)
    {
      if (geo.show_columns)
        paint_columns (cr, model, &geo, style, &text);
      if (geo.show_rows)
        paint_rows (cr, model, &geo, style, &text);
      paint_cells (cr, model, &geo, style, &text);
      if (geo.show_legend)
        paint_legend (cr, model, &geo, style, &text);
    }

  cst_chart_frame_end (&frame);
}

/**
 * cst_chart_heatmap_hit_test:
 * @model: a heatmap model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @x: the pointer position
 * @y: the pointer position
 * @tooltip: (out) (optional): a new string, "Weekend bargain hunters — Weekend orders: 80 % vs
 *   31 % (1.9 sd above)" over a cell, the segment name over a row label, or %NULL
 *
 * Returns: the segment whose row contains the point, or -1
 */
int
cst_chart_heatmap_hit_test (const CstHeatmapModel *model,
                            double                 width,
                            double                 height,
                            const CstChartStyle   *style,
                            double                 x,
                            double                 y,
                            char                 **tooltip)
{
  CstChartFrame frame;
  HeatmapText text;
  HeatmapGeometry geo;
  int segment = -1;
  int feature = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  if (tooltip != NULL)
    *tooltip = NULL;

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  if (!locate (model, &geo, x, y, &segment, &feature))
    segment = -1;

  if (segment >= 0 && tooltip != NULL)
    {
      if (feature >= 0)
        {
          gsize i = cell_index (model, segment, feature);
          g_autofree char *effect = cst_chart_heatmap_format_effect (model->effects[i],
                                                                     model->cell_details[i]);

          /* Translators: a heatmap tooltip: segment, feature, and the difference,
           * "Weekend bargain hunters — Weekend orders: 80 % vs 31 % (1.9 sd above)". */
          *tooltip = g_strdup_printf (_("%s — %s: %s"), model->segment_names[segment],
                                      model->feature_labels[feature], effect);
        }
      else
        *tooltip = g_strdup (model->segment_names[segment]);
    }

  cst_chart_frame_end (&frame);

  return segment;
}

/**
 * cst_chart_heatmap_describe:
 * @model: a heatmap model
 *
 * Returns: (transfer full): sentences for screen readers: the title, the size of the table,
 *   and for each segment its three strongest differences, "Segment profiles of 5 segments by
 *   16 features, in standard deviations from everyone else: Weekend bargain hunters: Weekend
 *   orders +1.9 sd, Discount share +1.2 sd, Total spend −0.6 sd. …"
 */
char *
cst_chart_heatmap_describe (const CstHeatmapModel *model)
{
  g_autofree char *segments = NULL;
  g_autofree char *features = NULL;
  GString *out;

  g_return_val_if_fail (model != NULL, NULL);

  if (model->n_segments == 0 || model->n_features == 0)
    /* Translators: %s is the chart title. */
    return g_strdup_printf (_("%s: no segments to show."), model_title (model));

  segments = g_strdup_printf (ngettext ("%u segment", "%u segments", model->n_segments),
                              model->n_segments);
  features = g_strdup_printf (ngettext ("%u feature", "%u features", model->n_features),
                              model->n_features);

  out = g_string_new (NULL);
  /* Translators: "How the segments differ: 5 segments by 16 features, in standard deviations
   * from everyone else: …"; the first %s is the chart's title */
  g_string_append_printf (out, _("%s: %s by %s, in standard deviations from everyone else: "),
                          model_title (model), segments, features);

  for (guint seg = 0; seg < model->n_segments; seg++)
    {
      guint top[3];
      guint n_top = 0;

      /* The three largest differences by size; a selection, not a sort, as rows are short. */
      for (guint t = 0; t < 3; t++)
        {
          int best = -1;

          for (guint f = 0; f < model->n_features; f++)
            {
              double v = model->effects[cell_index (model, seg, f)];
              gboolean taken = FALSE;

              for (guint u = 0; u < n_top; u++)
                taken = taken || top[u] == f;
              if (taken || !isfinite (v))
                continue;
              if (best < 0 || fabs (v) > fabs (model->effects[cell_index (model, seg, best)]))
                best = f;
            }
          if (best < 0)
            break;
          top[n_top++] = best;
        }

      if (seg > 0)
        g_string_append (out, " ");
      /* Translators: a segment name introducing its strongest differences, "Loyal: …". */
      g_string_append_printf (out, _("%s: "), model->segment_names[seg]);

      if (n_top == 0)
        /* Translators: a segment without any known difference, in a spoken list. */
        g_string_append (out, _("no data"));

      for (guint t = 0; t < n_top; t++)
        {
          g_autofree char *sd = cst_chart_heatmap_format_sd (
            model->effects[cell_index (model, seg, top[t])], TRUE);

          if (t > 0)
            /* Translators: the separator between the items of a spoken list. */
            g_string_append (out, _(", "));
          /* Translators: a feature and its difference in a spoken list,
           * "Weekend orders +1.9 sd". */
          g_string_append_printf (out, _("%s %s"), model->feature_labels[top[t]], sd);
        }
      g_string_append (out, ".");
    }

  return g_string_free (out, FALSE);
}
