/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-map"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cst-chart-map.h"
#include "cst-chart-util.h"

/* Points are painted run by run: every segment's points are split evenly over a few passes,
 * and each pass paints the segments in a rotated order, so the layering is interleaved and no
 * segment hides another everywhere. On vector surfaces each run is one path and one fill. */
#define N_PASSES 8

/* The view covers the 0.5th to 99.5th percentiles of each axis plus this share of the range on
 * each side, so that a few outliers do not squash the cloud into a corner. */
#define LOW_PERCENTILE  0.005
#define HIGH_PERCENTILE 0.995
#define MARGIN          0.06

#define POINT_ALPHA          0.55
#define POINT_ALPHA_HC       0.75
#define POINT_ALPHA_SELECTED 0.9
#define POINT_ALPHA_FADED    0.1

#define SQR(x) ((x) * (x))

struct _CstMapModel
{
  gsize    n_points;
  guint    n_segments;
  char   **names;
  char    *title;
  char    *x_name;
  char    *y_name;
  gsize   *sizes;
  double  *centroid_x;
  double  *centroid_y;

  /* The drawn sample in runs: pass by pass and, within a pass, segment by segment; run r is
   * [run_start[r], run_start[r + 1]) with r = pass × n_segments + segment. */
  gsize    n_drawn;
  float   *drawn_x;
  float   *drawn_y;
  guint   *drawn_segment;
  gsize   *run_start;

  /* The data range the plot shows. */
  double   x_lo;
  double   x_hi;
  double   y_lo;
  double   y_hi;

  int      selected;
};

/* The chart's own layouts, owned by its frame. */
typedef struct
{
  PangoLayout *tick;
  PangoLayout *axis;
  PangoLayout *legend;
  PangoLayout *label;
} MapText;

typedef struct
{
  double             s;
  double             pad;

  gboolean           show_plot;
  cairo_rectangle_t  plot;
  CstChartTicks      xticks;
  CstChartTicks      yticks;
  double             tick_h;
  double             axis_h;
  gboolean           show_axes;
  double             radius;
  double             marker_r;

  gboolean           show_legend;
  gboolean           legend_right;
  double             legend_x;
  double             legend_y;
  double             legend_entry_w;
  double             legend_name_w;
  double             legend_row_h;
  double             legend_col_gap;
  guint              legend_cols;
  guint              legend_n_shown;

  /* Per segment; label_w is 0 where no label is shown. */
  double            *marker_x;
  double            *marker_y;
  double            *label_x;
  double            *label_y;
  double            *label_w;
  double            *label_h;
} MapGeometry;

static const char *
model_title (const CstMapModel *model)
{
  return model->title != NULL ? model->title : _("Segment map");
}

static const char *
segment_name (const CstMapModel *model,
              guint              segment)
{
  return model->names[segment];
}

static gboolean
has_selection (const CstMapModel *model)
{
  return model->selected >= 0 && (guint) model->selected < model->n_segments;
}

/* Linear interpolation between order statistics of sorted @values (type 7 in Hyndman & Fan). */
static double
percentile (const double *values,
            gsize         n,
            double        p)
{
  double pos = p * (n - 1);
  gsize i = (gsize) floor (pos);
  double frac = pos - i;

  g_assert (n > 0);

  if (i + 1 >= n)
    return values[n - 1];
  return values[i] + (values[i + 1] - values[i]) * frac;
}

static void
robust_limits (const float *v,
               gsize        n,
               double      *lo,
               double      *hi)
{
  g_autofree double *sorted = NULL;
  double a, b, range;

  if (n == 0)
    {
      *lo = -1.0;
      *hi = 1.0;
      return;
    }

  sorted = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    sorted[i] = v[i];
  qsort (sorted, n, sizeof (double), cst_chart_compare_doubles);

  a = percentile (sorted, n, LOW_PERCENTILE);
  b = percentile (sorted, n, HIGH_PERCENTILE);
  range = b - a;

  /* All points (nearly) identical: centre them in a unit-sized window. */
  if (!(range > 1e-12 * MAX (fabs (a), fabs (b))) || range < 1e-300)
    {
      double half = MAX (fabs (a) * 0.1, 1.0);

      *lo = a - half;
      *hi = a + half;
      return;
    }

  *lo = a - range * MARGIN;
  *hi = b + range * MARGIN;
}

static void
sample_points (CstMapModel  *model,
               gsize         n_points,
               const double *x,
               const double *y,
               const guint  *segment)
{
  guint k = model->n_segments;
  guint n_runs = N_PASSES * k;
  g_autofree gsize *finite = g_new0 (gsize, k);
  g_autofree gsize *quota = g_new0 (gsize, k);
  g_autofree gsize *seen = g_new0 (gsize, k);
  g_autofree gsize *taken = g_new0 (gsize, k);
  g_autofree gsize *next = g_new0 (gsize, k);
  g_autofree gsize *fill = NULL;
  gsize n_finite = 0;
  gsize n_drawn = 0;

  for (gsize i = 0; i < n_points; i++)
    if (isfinite (x[i]) && isfinite (y[i]))
      {
        finite[segment[i]]++;
        n_finite++;
      }

  /* Stratified, evenly strided sampling: each segment keeps a share of the budget in proportion
   * to its size (largest remainders round the shares so that they fill the budget exactly), but
   * at least one point, and takes every (size / quota)-th of its points in input order. */
  if (n_finite <= CST_CHART_MAP_MAX_POINTS)
    {
      for (guint s = 0; s < k; s++)
        quota[s] = finite[s];
    }
  else
    {
      const guint64 budget = CST_CHART_MAP_MAX_POINTS;
      g_autofree guint64 *remainder = g_new0 (guint64, k);
      g_autofree gboolean *rounded_up = g_new0 (gboolean, k);
      guint64 assigned = 0;

      for (guint s = 0; s < k; s++)
        {
          quota[s] = (gsize) ((guint64) finite[s] * budget / n_finite);
          remainder[s] = (guint64) finite[s] * budget % n_finite;
          assigned += quota[s];
        }

      for (; assigned < budget; assigned++)
        {
          guint best = G_MAXUINT;

          for (guint s = 0; s < k; s++)
            if (!rounded_up[s] && quota[s] < finite[s]
                && (best == G_MAXUINT || remainder[s] > remainder[best]))
              best = s;
          if (best == G_MAXUINT)
            break;
          quota[best]++;
          rounded_up[best] = TRUE;
        }

      /* A segment too small for its share still shows: it takes one point from the largest. */
      for (guint s = 0; s < k; s++)
        if (finite[s] > 0 && quota[s] == 0)
          {
            guint largest = 0;

            for (guint t = 1; t < k; t++)
              if (quota[t] > quota[largest])
                largest = t;
            if (quota[largest] > 1)
              quota[largest]--;
            quota[s] = 1;
          }
    }

  for (guint s = 0; s < k; s++)
    n_drawn += quota[s];
  g_assert (n_drawn <= n_finite);
  g_assert (n_drawn <= CST_CHART_MAP_MAX_POINTS || k > CST_CHART_MAP_MAX_POINTS / 2);

  model->n_drawn = n_drawn;
  model->drawn_x = g_new (float, MAX (n_drawn, 1));
  model->drawn_y = g_new (float, MAX (n_drawn, 1));
  model->drawn_segment = g_new (guint, MAX (n_drawn, 1));
  model->run_start = g_new0 (gsize, n_runs + 1);

  /* The j-th sampled point of a segment goes to pass j mod N_PASSES. Count run sizes first. */
  for (guint s = 0; s < k; s++)
    for (guint p = 0; p < N_PASSES; p++)
      {
        gsize in_pass = quota[s] / N_PASSES + (p < quota[s] % N_PASSES ? 1 : 0);

        model->run_start[p * k + s + 1] = in_pass;
      }
  for (guint r = 0; r < n_runs; r++)
    model->run_start[r + 1] += model->run_start[r];
  g_assert (model->run_start[n_runs] == n_drawn);

  fill = g_memdup2 (model->run_start, sizeof (gsize) * (n_runs + 1));

  for (gsize i = 0; i < n_points; i++)
    {
      guint s = segment[i];

      if (!isfinite (x[i]) || !isfinite (y[i]))
        continue;

      if (taken[s] < quota[s] && seen[s] == next[s])
        {
          guint pass = taken[s] % N_PASSES;
          gsize at = fill[pass * k + s]++;

          model->drawn_x[at] = (float) x[i];
          model->drawn_y[at] = (float) y[i];
          model->drawn_segment[at] = s;
          taken[s]++;
          next[s] = (gsize) ((guint64) taken[s] * finite[s] / quota[s]);
        }
      seen[s]++;
    }

  for (guint s = 0; s < k; s++)
    g_assert (taken[s] == quota[s]);
}

static void
map_text_init (MapText       *text,
               CstChartFrame *frame)
{
  text->tick = cst_chart_frame_create_layout (frame, CST_CHART_FONT_TINY, PANGO_WEIGHT_NORMAL);
  text->axis = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_NORMAL);
  text->legend = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_NORMAL);
  text->label = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_SEMIBOLD);
}

static void
map_geometry_clear (MapGeometry *geo)
{
  g_clear_pointer (&geo->marker_x, g_free);
}

static double
to_px (const MapGeometry *geo,
       const CstMapModel *model,
       double             x,
       double             inset)
{
  double t = (x - model->x_lo) / (model->x_hi - model->x_lo);
  double px = geo->plot.x + inset + t * (geo->plot.width - 2.0 * inset);

  return CLAMP (px, geo->plot.x + inset, geo->plot.x + geo->plot.width - inset);
}

static double
to_py (const MapGeometry *geo,
       const CstMapModel *model,
       double             y,
       double             inset)
{
  double t = (y - model->y_lo) / (model->y_hi - model->y_lo);
  double py = geo->plot.y + geo->plot.height - inset - t * (geo->plot.height - 2.0 * inset);

  return CLAMP (py, geo->plot.y + inset, geo->plot.y + geo->plot.height - inset);
}

static double
overlap_area (double ax, double ay, double aw, double ah,
              double bx, double by, double bw, double bh)
{
  double w = MIN (ax + aw, bx + bw) - MAX (ax, bx);
  double h = MIN (ay + ah, by + bh) - MAX (ay, by);

  return w > 0.0 && h > 0.0 ? w * h : 0.0;
}

static char *
legend_count_text (const CstMapModel *model,
                   guint              segment)
{
  return cst_chart_format_count (model->sizes[segment]);
}

static int
compare_by_size (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const CstMapModel *model = user_data;
  guint sa = *(const guint *) a;
  guint sb = *(const guint *) b;

  if (model->sizes[sa] != model->sizes[sb])
    return model->sizes[sa] > model->sizes[sb] ? -1 : 1;
  return (sa > sb) - (sa < sb);
}

/* Places one name label per centroid. Larger segments choose first, among eight directions at
 * two distances around their marker, the spot that covers the fewest other labels and markers.
 * A label that cannot avoid every other label is left out: its marker, the legend and the
 * tooltip still name the segment, and a pile of overlapping pills would help nobody. */
static void
place_labels (const CstMapModel *model,
              MapGeometry       *geo,
              MapText           *text)
{
  static const double directions[][2] = {
    { 0, -1 }, { 0, 1 }, { 1, 0 }, { -1, 0 }, { 1, -1 }, { -1, -1 }, { 1, 1 }, { -1, 1 },
  };
  double s = geo->s;
  double gap = 5.0 * s;
  double hpad = 8.0 * s;
  double vpad = 3.0 * s;
  double dot = 8.0 * s;
  double max_text_w = MAX (20.0 * s, MIN (geo->plot.width * 0.45, 240.0 * s));
  double min_x = geo->plot.x + 2.0 * s;
  double min_y = geo->plot.y + 2.0 * s;
  double max_x = geo->plot.x + geo->plot.width - 2.0 * s;
  double max_y = geo->plot.y + geo->plot.height - 2.0 * s;
  double r = geo->marker_r;
  g_autofree guint *order = g_new (guint, MAX (model->n_segments, 1));
  g_autofree gboolean *placed = g_new0 (gboolean, MAX (model->n_segments, 1));

  for (guint seg = 0; seg < model->n_segments; seg++)
    order[seg] = seg;
  g_qsort_with_data (order, model->n_segments, sizeof (guint), compare_by_size, (gpointer) model);

  for (guint o = 0; o < model->n_segments; o++)
    {
      guint seg = order[o];
      double mx = geo->marker_x[seg];
      double my = geo->marker_y[seg];
      double tw, th, lw, lh;
      double best_score = G_MAXDOUBLE;
      double best_label_overlap = 0.0;
      double best_x = 0.0, best_y = 0.0;

      if (!isfinite (mx))
        continue;

      tw = MIN (cst_chart_measure_text (text->label, segment_name (model, seg), &th), max_text_w);
      lw = hpad + dot + 5.0 * s + tw + hpad;
      lh = th + 2.0 * vpad;

      if (lw > max_x - min_x || lh > max_y - min_y)
        continue;

      for (guint d = 0; d < 2 * G_N_ELEMENTS (directions); d++)
        {
          const double *dir = directions[d % G_N_ELEMENTS (directions)];
          double dist = gap + (d >= G_N_ELEMENTS (directions) ? lh : 0.0);
          double cx, cy, lx, ly;
          double label_overlap = 0.0;
          double marker_overlap = 0.0;
          double score;

          /* The label's nearest edge or corner sits @dist away from the marker's edge. */
          cx = mx + dir[0] * (r + dist + lw / 2.0);
          cy = my + dir[1] * (r + dist + lh / 2.0);
          if (dir[0] != 0 && dir[1] != 0)
            cx -= dir[0] * (lw / 2.0 - r);
          lx = CLAMP (cx - lw / 2.0, min_x, max_x - lw);
          ly = CLAMP (cy - lh / 2.0, min_y, max_y - lh);

          for (guint other = 0; other < model->n_segments; other++)
            {
              if (placed[other])
                label_overlap += overlap_area (lx, ly, lw, lh,
                                               geo->label_x[other], geo->label_y[other],
                                               geo->label_w[other], geo->label_h[other]);
              if (isfinite (geo->marker_x[other]))
                marker_overlap += overlap_area (lx, ly, lw, lh,
                                                geo->marker_x[other] - r, geo->marker_y[other] - r,
                                                2.0 * r, 2.0 * r);
            }

          score = 100.0 * label_overlap + marker_overlap + d * 1e-3;
          if (score < best_score)
            {
              best_score = score;
              best_label_overlap = label_overlap;
              best_x = lx;
              best_y = ly;
            }
        }

      if (best_label_overlap > 0.0)
        continue;

      geo->label_x[seg] = best_x;
      geo->label_y[seg] = best_y;
      geo->label_w[seg] = lw;
      geo->label_h[seg] = lh;
      placed[seg] = TRUE;
    }
}

/* The map draws only the ticks inside its data range (it does not widen the range to nice
 * numbers, which would waste space around the cloud); ask for more until two fall inside. */
static void
inner_ticks (double         lo,
             double         hi,
             guint          target,
             CstChartTicks *ticks)
{
  for (guint t = target; t < target + 6; t++)
    {
      guint inside = 0;

      cst_chart_nice_ticks (lo, hi, t, ticks);
      for (guint i = 0; i < ticks->n_ticks; i++)
        {
          double v = cst_chart_ticks_value (ticks, i);

          inside += v >= lo && v <= hi;
        }
      if (inside >= 2)
        return;
    }
}

/* Lays the chart out for @frame: creates @text there, so that painting, hit tests and tests
 * all measure the same text, then measures the header into @frame and fills @geo. */
static void
compute_geometry (const CstMapModel   *model,
                  CstChartFrame       *frame,
                  MapText             *text,
                  MapGeometry         *geo)
{
  double width = frame->width;
  double height = frame->height;
  double s = frame->s;
  guint k = model->n_segments;
  g_autofree char *summary = NULL;
  double top, bottom, left, right;
  double ytick_w = 0.0;
  double line_h = 0.0;
  double below = 0.0;
  guint target;

  map_text_init (text, frame);
  memset (geo, 0, sizeof *geo);
  geo->s = s;
  geo->marker_x = g_new0 (double, 6 * MAX (k, 1));
  geo->marker_y = geo->marker_x + k;
  geo->label_x = geo->marker_x + 2 * k;
  geo->label_y = geo->marker_x + 3 * k;
  geo->label_w = geo->marker_x + 4 * k;
  geo->label_h = geo->marker_x + 5 * k;
  for (guint seg = 0; seg < k; seg++)
    geo->marker_x[seg] = geo->marker_y[seg] = NAN;

  if (!frame->drawable)
    return;

  geo->pad = frame->pad;
  geo->radius = 2.5 * s;
  geo->marker_r = 6.5 * s;

  /* Header: a title and a muted summary line. */
  summary = cst_chart_format_summary (model->n_points, k);
  if (!cst_chart_header_measure (&frame->header, model_title (model), summary,
                                 width, height, s, geo->pad, 200.0))
    return;

  top = cst_chart_header_get_bottom (&frame->header) + 12.0 * s;

  cst_chart_measure_text (text->tick, "0", &geo->tick_h);
  cst_chart_measure_text (text->axis, "0", &geo->axis_h);
  geo->show_axes = width >= 240.0 * s && height >= 180.0 * s;

  /* The legend: colour swatch, name, count. */
  geo->show_legend = k > 0 && height >= 120.0 * s && width >= 160.0 * s;
  if (geo->show_legend)
    {
      double name_w = 0.0;
      double count_w = 0.0;

      for (guint seg = 0; seg < k; seg++)
        {
          g_autofree char *count = legend_count_text (model, seg);
          double w = cst_chart_measure_text (text->legend, segment_name (model, seg), &line_h);

          name_w = MAX (name_w, w);
          count_w = MAX (count_w, cst_chart_measure_text (text->legend, count, NULL));
        }

      geo->legend_name_w = MIN (name_w, 240.0 * s);
      geo->legend_row_h = ceil (line_h * 1.55);
      geo->legend_col_gap = 20.0 * s;
      geo->legend_entry_w = 10.0 * s + 8.0 * s + geo->legend_name_w + 12.0 * s + count_w;

      /* On the right when the plot keeps a useful width, with names shortened down to 120
       * pixels if need be; otherwise in rows below the plot. */
      {
        double room = width - 2.0 * geo->pad - 24.0 * s - 300.0 * s;
        double excess = geo->legend_entry_w - room;
        double min_name_w = MIN (geo->legend_name_w, 120.0 * s);

        if (excess > 0.0 && geo->legend_name_w - excess >= min_name_w)
          {
            geo->legend_name_w -= excess;
            geo->legend_entry_w -= excess;
          }
        geo->legend_right = geo->legend_entry_w <= room;
      }
      if (geo->legend_right)
        {
          geo->legend_x = width - geo->pad - geo->legend_entry_w;
          geo->legend_y = top;
          geo->legend_cols = 1;
        }
      else
        {
          double avail = width - 2.0 * geo->pad;
          double fixed = geo->legend_entry_w - geo->legend_name_w;
          double min_name_w = MIN (geo->legend_name_w, 120.0 * s);
          guint rows, max_rows;

          /* As many columns as keep names at least 120 pixels wide (or whole). */
          geo->legend_cols = 1;
          for (guint cols = 2; cols <= MIN (k, 6); cols++)
            {
              double cell_w = (avail - (cols - 1) * geo->legend_col_gap) / cols;

              if (cell_w - fixed >= min_name_w)
                geo->legend_cols = cols;
            }
          geo->legend_entry_w = MIN (geo->legend_entry_w,
                                     (avail - (geo->legend_cols - 1) * geo->legend_col_gap)
                                     / geo->legend_cols);
          geo->legend_name_w = MAX (0.0, geo->legend_entry_w - fixed);

          rows = (k + geo->legend_cols - 1) / geo->legend_cols;
          /* The legend may take at most a third of the height; when it is cut short, the last
           * cell says how many segments are left out. */
          max_rows = (guint) MAX (1.0, floor ((height - top) / 3.0 / geo->legend_row_h));
          if (rows > max_rows)
            {
              rows = max_rows;
              geo->legend_n_shown = rows * geo->legend_cols - 1;
            }
          else
            geo->legend_n_shown = k;
          below = rows * geo->legend_row_h + 8.0 * s;
          geo->legend_x = geo->pad;
          geo->legend_y = height - geo->pad - rows * geo->legend_row_h;
        }
    }

  bottom = height - geo->pad - below;
  if (geo->show_axes)
    bottom -= geo->tick_h + 4.0 * s + geo->axis_h + 6.0 * s;

  /* The y ticks decide how much room their labels need on the left. */
  target = (guint) CLAMP ((bottom - top) / (48.0 * s), 3.0, 8.0);
  inner_ticks (model->y_lo, model->y_hi, target, &geo->yticks);
  if (geo->show_axes)
    {
      for (guint i = 0; i < geo->yticks.n_ticks; i++)
        {
          double v = cst_chart_ticks_value (&geo->yticks, i);
          g_autofree char *label = NULL;

          if (v < model->y_lo || v > model->y_hi)
            continue;
          label = cst_chart_format_tick (v, geo->yticks.step);
          ytick_w = MAX (ytick_w, cst_chart_measure_text (text->tick, label, NULL));
        }
      left = geo->pad + geo->axis_h + 8.0 * s + ytick_w + 6.0 * s;
    }
  else
    left = geo->pad;

  right = geo->legend_right ? geo->legend_x - 24.0 * s : width - geo->pad;

  geo->plot.x = left;
  geo->plot.y = top;
  geo->plot.width = right - left;
  geo->plot.height = bottom - top;
  geo->show_plot = geo->plot.width >= 40.0 * s && geo->plot.height >= 40.0 * s;

  if (!geo->show_plot)
    {
      geo->show_legend = FALSE;
      return;
    }

  target = (guint) CLAMP (geo->plot.width / (80.0 * s), 3.0, 10.0);
  inner_ticks (model->x_lo, model->x_hi, target, &geo->xticks);

  if (geo->legend_right)
    {
      guint fit = (guint) MAX (1.0, floor (geo->plot.height / geo->legend_row_h));

      /* When not every segment fits, the last row says how many are left out. */
      geo->legend_n_shown = fit >= k ? k : fit - 1;
    }

  for (guint seg = 0; seg < k; seg++)
    {
      if (model->sizes[seg] == 0 || !isfinite (model->centroid_x[seg]))
        continue;
      geo->marker_x[seg] = to_px (geo, model, model->centroid_x[seg], geo->marker_r + 1.0 * s);
      geo->marker_y[seg] = to_py (geo, model, model->centroid_y[seg], geo->marker_r + 1.0 * s);
    }

  place_labels (model, geo, text);
}

static void
legend_entry_origin (const MapGeometry *geo,
                     guint              entry,
                     double            *x,
                     double            *y)
{
  guint col = entry % geo->legend_cols;
  guint row = entry / geo->legend_cols;

  *x = geo->legend_x + col * (geo->legend_entry_w + geo->legend_col_gap);
  *y = geo->legend_y + row * geo->legend_row_h;
}

/* The opacity of points. Up to about one point per dot-sized area of the plot it is 0.55;
 * beyond, it falls with the average overdraw so that dense cores keep showing their shape
 * instead of saturating into flat colour (50,000 points on a 500 × 500 plot get about 0.25). */
static double
point_alpha (const CstMapModel   *model,
             const MapGeometry   *geo,
             const CstChartStyle *style,
             guint                segment)
{
  double area = MAX (geo->plot.width * geo->plot.height, 1.0);
  double overdraw = model->n_drawn * G_PI * geo->radius * geo->radius / area;
  double alpha = CLAMP (1.2 / (1.0 + overdraw), 0.2, POINT_ALPHA);

  if (style->high_contrast)
    alpha = MIN (alpha + (POINT_ALPHA_HC - POINT_ALPHA), 1.0);

  /* A selected segment stands out by contrast with the faded others, and gains some opacity
   * itself without turning a dense cloud into a solid blob. */
  if (has_selection (model))
    return (guint) model->selected == segment ? MIN (POINT_ALPHA_SELECTED, alpha * 1.6)
                                              : MIN (POINT_ALPHA_FADED, alpha * 0.4);
  return alpha;
}

/* Points beyond the robust limits are pinned to the edge of the plot, where they still show
 * that something lies further out. */
static inline void
point_position (const CstMapModel *model,
                const MapGeometry *geo,
                gsize              i,
                double            *px,
                double            *py)
{
  double r = geo->radius;
  double tx = (model->drawn_x[i] - model->x_lo) / (model->x_hi - model->x_lo);
  double ty = (model->drawn_y[i] - model->y_lo) / (model->y_hi - model->y_lo);
  double x = geo->plot.x + r + tx * (geo->plot.width - 2.0 * r);
  double y = geo->plot.y + geo->plot.height - r - ty * (geo->plot.height - 2.0 * r);

  *px = CLAMP (x, geo->plot.x + r, geo->plot.x + geo->plot.width - r);
  *py = CLAMP (y, geo->plot.y + r, geo->plot.y + geo->plot.height - r);
}

/* The order points are painted in: pass by pass, rotating which segment comes last, with the
 * selected segment (if any) on top of everything. Calls @func once per non-empty run. */
typedef void (*RunFunc) (gsize start, gsize end, guint segment, gpointer data);

static void
foreach_run (const CstMapModel *model,
             RunFunc            func,
             gpointer           data)
{
  guint k = model->n_segments;

  for (guint pass = 0; pass < N_PASSES; pass++)
    for (guint j = 0; j < k; j++)
      {
        guint seg = (j + pass) % k;
        guint run = pass * k + seg;

        if (has_selection (model) && seg == (guint) model->selected)
          continue;
        if (model->run_start[run] < model->run_start[run + 1])
          func (model->run_start[run], model->run_start[run + 1], seg, data);
      }

  if (has_selection (model))
    for (guint pass = 0; pass < N_PASSES; pass++)
      {
        guint run = pass * k + model->selected;

        if (model->run_start[run] < model->run_start[run + 1])
          func (model->run_start[run], model->run_start[run + 1], model->selected, data);
      }
}

/* Vector output (PDF, SVG): one path of circles per run and one fill. Overlapping circles of a
 * run merge under the winding rule, so alpha accumulates across runs only; that is close to the
 * raster look and keeps files small enough. */
typedef struct
{
  cairo_t             *cr;
  const CstMapModel   *model;
  const MapGeometry   *geo;
  const CstChartStyle *style;
} VectorRun;

static void
vector_run (gsize    start,
            gsize    end,
            guint    segment,
            gpointer data)
{
  VectorRun *v = data;
  double r = v->geo->radius;
  CstColor color = *cst_chart_style_segment (v->style, segment);

  color.alpha = point_alpha (v->model, v->geo, v->style, segment);
  cst_chart_set_source_color (v->cr, &color);

  for (gsize i = start; i < end; i++)
    {
      double px, py;

      point_position (v->model, v->geo, i, &px, &py);
      cairo_move_to (v->cr, px + r, py);
      cairo_arc (v->cr, px, py, r, 0.0, 2.0 * G_PI);
    }
  cairo_fill (v->cr);
}

/* Raster output (the screen, PNG, the clipboard). Cairo needs about 6 µs to tessellate and fill
 * each small circle, 300 ms for 50,000 points, whether batched or not; blending precomputed
 * antialiased dots into one image and compositing that once takes a few milliseconds. Dots are
 * precomputed at 4 × 4 sub-pixel offsets (8 × 8 samples per pixel), so positions stay accurate
 * to a quarter pixel. */
#define SUBPIXELS 4
#define SUPERSAMPLES 8

typedef struct
{
  const CstMapModel   *model;
  const MapGeometry   *geo;
  const CstChartStyle *style;
  double               scale;  /* layer pixels per user unit */
  guint32             *pixels;
  int                  stride; /* in pixels */
  int                  width;
  int                  height;
  int                  size;   /* dot mask size */
  int                  centre; /* the dot's centre pixel in its mask */
  guint8              *masks;  /* SUBPIXELS² masks of size² coverages */
} RasterRun;

static guint8 *
make_dot_masks (double radius,
                int    centre,
                int    size)
{
  guint8 *masks = g_malloc0 ((gsize) SUBPIXELS * SUBPIXELS * size * size);
  double r2 = radius * radius;

  for (int sy = 0; sy < SUBPIXELS; sy++)
    for (int sx = 0; sx < SUBPIXELS; sx++)
      {
        guint8 *mask = masks + (sy * SUBPIXELS + sx) * size * size;
        double cx = centre + (sx + 0.5) / SUBPIXELS;
        double cy = centre + (sy + 0.5) / SUBPIXELS;

        for (int j = 0; j < size; j++)
          for (int i = 0; i < size; i++)
            {
              int inside = 0;

              for (int b = 0; b < SUPERSAMPLES; b++)
                for (int a = 0; a < SUPERSAMPLES; a++)
                  {
                    double dx = i + (a + 0.5) / SUPERSAMPLES - cx;
                    double dy = j + (b + 0.5) / SUPERSAMPLES - cy;

                    inside += dx * dx + dy * dy <= r2;
                  }
              mask[j * size + i] = (guint8) ((inside * 255 + SUPERSAMPLES * SUPERSAMPLES / 2)
                                             / (SUPERSAMPLES * SUPERSAMPLES));
            }
      }

  return masks;
}

static inline guint32
div255 (guint32 x)
{
  x += 128;
  return (x + (x >> 8)) >> 8;
}

static void
raster_run (gsize    start,
            gsize    end,
            guint    segment,
            gpointer data)
{
  RasterRun *ras = data;
  const CstColor *color = cst_chart_style_segment (ras->style, segment);
  guint32 alpha = (guint32) round (point_alpha (ras->model, ras->geo, ras->style, segment) * 255.0);
  guint32 red = (guint32) round (CLAMP (color->red, 0.0, 1.0) * 255.0);
  guint32 green = (guint32) round (CLAMP (color->green, 0.0, 1.0) * 255.0);
  guint32 blue = (guint32) round (CLAMP (color->blue, 0.0, 1.0) * 255.0);
  int size = ras->size;

  for (gsize i = start; i < end; i++)
    {
      double px, py;
      int ix, iy, sx, sy;
      const guint8 *mask;

      point_position (ras->model, ras->geo, i, &px, &py);
      px = (px - ras->geo->plot.x) * ras->scale;
      py = (py - ras->geo->plot.y) * ras->scale;
      ix = (int) floor (px);
      iy = (int) floor (py);
      sx = MIN ((int) ((px - ix) * SUBPIXELS), SUBPIXELS - 1);
      sy = MIN ((int) ((py - iy) * SUBPIXELS), SUBPIXELS - 1);
      mask = ras->masks + (sy * SUBPIXELS + sx) * size * size;
      ix -= ras->centre;
      iy -= ras->centre;

      for (int j = 0; j < size; j++)
        {
          int y = iy + j;
          guint32 *row;

          if (y < 0 || y >= ras->height)
            continue;
          row = ras->pixels + (gsize) y * ras->stride;

          for (int k = 0; k < size; k++)
            {
              int x = ix + k;
              guint32 coverage = mask[j * size + k];
              guint32 a, inv, dst;

              if (coverage == 0 || x < 0 || x >= ras->width)
                continue;

              /* Premultiplied "over": out = colour × a + dst × (1 − a), per channel. */
              a = div255 (alpha * coverage);
              inv = 255 - a;
              dst = row[x];
              row[x] = (div255 (255 * a + (dst >> 24) * inv) << 24)
                       | (div255 (red * a + ((dst >> 16) & 0xff) * inv) << 16)
                       | (div255 (green * a + ((dst >> 8) & 0xff) * inv) << 8)
                       | div255 (blue * a + (dst & 0xff) * inv);
            }
        }
    }
}

static gboolean
is_vector_target (cairo_t *cr)
{
  switch ((int) cairo_surface_get_type (cairo_get_target (cr)))
    {
    case CAIRO_SURFACE_TYPE_PDF:
    case CAIRO_SURFACE_TYPE_PS:
    case CAIRO_SURFACE_TYPE_SVG:
    case CAIRO_SURFACE_TYPE_SCRIPT:
      return TRUE;

    default:
      return FALSE;
    }
}

static void
paint_points (cairo_t             *cr,
              const CstMapModel   *model,
              const MapGeometry   *geo,
              const CstChartStyle *style)
{
  double dx = 1.0, dy = 0.0;
  double scale;
  RasterRun ras = { 0 };
  cairo_surface_t *layer;

  if (model->n_drawn == 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, geo->plot.x, geo->plot.y, geo->plot.width, geo->plot.height);
  cairo_clip (cr);

  if (is_vector_target (cr))
    {
      VectorRun v = { cr, model, geo, style };

      cairo_set_tolerance (cr, 0.25);
      foreach_run (model, vector_run, &v);
      cairo_restore (cr);
      return;
    }

  /* The layer has the resolution of the device, so that points stay crisp on hi-dpi screens
   * and in 2× exports. */
  cairo_user_to_device_distance (cr, &dx, &dy);
  scale = CLAMP (hypot (dx, dy), 1.0, 4.0);

  ras.model = model;
  ras.geo = geo;
  ras.style = style;
  ras.scale = scale;
  ras.width = (int) ceil (geo->plot.width * scale);
  ras.height = (int) ceil (geo->plot.height * scale);
  ras.centre = (int) ceil (geo->radius * scale) + 1;
  ras.size = 2 * ras.centre + 2;

  layer = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, ras.width, ras.height);
  if (cairo_surface_status (layer) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (layer);
      cairo_restore (cr);
      return;
    }

  cairo_surface_flush (layer);
  ras.pixels = (guint32 *) cairo_image_surface_get_data (layer);
  ras.stride = cairo_image_surface_get_stride (layer) / 4;
  ras.masks = make_dot_masks (geo->radius * scale, ras.centre, ras.size);

  foreach_run (model, raster_run, &ras);

  g_free (ras.masks);
  cairo_surface_mark_dirty (layer);

  cairo_translate (cr, geo->plot.x, geo->plot.y);
  cairo_scale (cr, 1.0 / scale, 1.0 / scale);
  cairo_set_source_surface (cr, layer, 0.0, 0.0);
  cairo_paint (cr);

  cairo_surface_destroy (layer);
  cairo_restore (cr);
}

static void
paint_grid (cairo_t             *cr,
            const CstMapModel   *model,
            const MapGeometry   *geo,
            const CstChartStyle *style,
            MapText             *text)
{
  double s = geo->s;
  double lw = MAX (1.0, round (s));
  CstColor grid = style->muted;
  CstColor zero = style->muted;
  CstColor frame = style->muted;
  const cairo_rectangle_t *p = &geo->plot;

  grid.alpha *= style->high_contrast ? 0.35 : 0.22;
  zero.alpha *= style->high_contrast ? 0.7 : 0.45;
  frame.alpha *= style->high_contrast ? 1.0 : 0.5;

  cairo_save (cr);
  cairo_set_line_width (cr, lw);

  for (guint i = 0; i < geo->xticks.n_ticks; i++)
    {
      double v = cst_chart_ticks_value (&geo->xticks, i);
      double x;

      if (v < model->x_lo || v > model->x_hi)
        continue;
      x = cst_chart_snap (to_px (geo, model, v, geo->radius), lw);
      cst_chart_set_source_color (cr, fabs (v) < geo->xticks.step * 1e-6 ? &zero : &grid);
      cairo_move_to (cr, x, p->y);
      cairo_line_to (cr, x, p->y + p->height);
      cairo_stroke (cr);

      if (geo->show_axes)
        {
          g_autofree char *label = cst_chart_format_tick (v, geo->xticks.step);

          cst_chart_draw_text (cr, text->tick, label, x, p->y + p->height + 4.0 * s, 0.0,
                               CST_CHART_ALIGN_CENTER, &style->muted);
        }
    }

  for (guint i = 0; i < geo->yticks.n_ticks; i++)
    {
      double v = cst_chart_ticks_value (&geo->yticks, i);
      double y;

      if (v < model->y_lo || v > model->y_hi)
        continue;
      y = cst_chart_snap (to_py (geo, model, v, geo->radius), lw);
      cst_chart_set_source_color (cr, fabs (v) < geo->yticks.step * 1e-6 ? &zero : &grid);
      cairo_move_to (cr, p->x, y);
      cairo_line_to (cr, p->x + p->width, y);
      cairo_stroke (cr);

      if (geo->show_axes)
        {
          g_autofree char *label = cst_chart_format_tick (v, geo->yticks.step);

          cst_chart_draw_text (cr, text->tick, label, p->x - 6.0 * s, y - geo->tick_h / 2.0, 0.0,
                               CST_CHART_ALIGN_END, &style->muted);
        }
    }

  /* The frame. */
  cst_chart_set_source_color (cr, &frame);
  cst_chart_rounded_rectangle (cr,
                               cst_chart_snap (p->x, lw), cst_chart_snap (p->y, lw),
                               round (p->width), round (p->height), 2.0 * s);
  cairo_stroke (cr);

  if (geo->show_axes)
    {
      const char *x_name = model->x_name != NULL ? model->x_name : _("Component 1");
      const char *y_name = model->y_name != NULL ? model->y_name : _("Component 2");

      cst_chart_draw_text (cr, text->axis, x_name,
                           p->x + p->width / 2.0,
                           p->y + p->height + 4.0 * s + geo->tick_h + 4.0 * s,
                           p->width, CST_CHART_ALIGN_CENTER, &style->muted);

      /* The y axis name reads bottom to top, centred on the plot. */
      cairo_save (cr);
      cairo_translate (cr, geo->pad, p->y + p->height / 2.0);
      cairo_rotate (cr, -G_PI / 2.0);
      pango_cairo_update_layout (cr, text->axis);
      cst_chart_draw_text (cr, text->axis, y_name, 0.0, 0.0, p->height,
                           CST_CHART_ALIGN_CENTER, &style->muted);
      cairo_restore (cr);
      pango_cairo_update_layout (cr, text->axis);
    }

  cairo_restore (cr);
}

static void
paint_centroids (cairo_t             *cr,
                 const CstMapModel   *model,
                 const MapGeometry   *geo,
                 const CstChartStyle *style,
                 MapText             *text)
{
  double s = geo->s;
  CstColor surface;
  CstColor pill_border = style->muted;

  cst_chart_style_get_surface (style, &surface);
  pill_border.alpha *= style->high_contrast ? 1.0 : 0.4;

  cairo_save (cr);

  /* Markers first, so that labels are never covered by another segment's marker. */
  for (guint seg = 0; seg < model->n_segments; seg++)
    {
      CstColor fill = *cst_chart_style_segment (style, seg);
      CstColor ring = surface;
      gboolean faded = has_selection (model) && (guint) model->selected != seg;

      if (!isfinite (geo->marker_x[seg]))
        continue;

      if (faded)
        {
          fill.alpha = 0.35;
          ring.alpha = 0.6;
        }

      cairo_arc (cr, geo->marker_x[seg], geo->marker_y[seg], geo->marker_r, 0.0, 2.0 * G_PI);
      cst_chart_set_source_color (cr, &fill);
      cairo_fill_preserve (cr);
      cst_chart_set_source_color (cr, &ring);
      cairo_set_line_width (cr, (style->high_contrast ? 3.0 : 2.0) * s);
      cairo_stroke (cr);

      /* A thin dark ring outside the light one keeps the marker visible over pale points. */
      cairo_arc (cr, geo->marker_x[seg], geo->marker_y[seg],
                 geo->marker_r + (style->high_contrast ? 2.0 : 1.5) * s, 0.0, 2.0 * G_PI);
      cst_chart_set_source_color (cr, &pill_border);
      cairo_set_line_width (cr, 1.0 * s);
      cairo_stroke (cr);
    }

  for (guint seg = 0; seg < model->n_segments; seg++)
    {
      double lx = geo->label_x[seg];
      double ly = geo->label_y[seg];
      double lw = geo->label_w[seg];
      double lh = geo->label_h[seg];
      gboolean faded = has_selection (model) && (guint) model->selected != seg;
      CstColor pill = surface;
      CstColor dot = *cst_chart_style_segment (style, seg);
      CstColor fg = faded ? style->muted : style->foreground;
      double text_x = lx + 8.0 * s + 8.0 * s + 5.0 * s;

      if (lw <= 0.0)
        continue;

      pill.alpha = faded ? 0.6 : 0.92;
      cst_chart_rounded_rectangle (cr, lx, ly, lw, lh, lh / 2.0);
      cst_chart_set_source_color (cr, &pill);
      cairo_fill_preserve (cr);
      if (!faded && has_selection (model))
        {
          cst_chart_set_source_color (cr, &style->accent);
          cairo_set_line_width (cr, 2.0 * s);
        }
      else
        {
          cst_chart_set_source_color (cr, &pill_border);
          cairo_set_line_width (cr, (style->high_contrast ? 2.0 : 1.0) * s);
        }
      cairo_stroke (cr);

      if (faded)
        dot.alpha = 0.5;
      cairo_arc (cr, lx + 8.0 * s + 4.0 * s, ly + lh / 2.0, 4.0 * s, 0.0, 2.0 * G_PI);
      cst_chart_set_source_color (cr, &dot);
      cairo_fill (cr);

      cst_chart_draw_text (cr, text->label, segment_name (model, seg),
                           text_x, ly + 3.0 * s, lx + lw - 8.0 * s - text_x,
                           CST_CHART_ALIGN_START, &fg);
    }

  cairo_restore (cr);
}

static void
paint_legend (cairo_t             *cr,
              const CstMapModel   *model,
              const MapGeometry   *geo,
              const CstChartStyle *style,
              MapText             *text)
{
  double s = geo->s;
  double text_h;

  cst_chart_measure_text (text->legend, "0", &text_h);

  for (guint seg = 0; seg < geo->legend_n_shown; seg++)
    {
      g_autofree char *count = legend_count_text (model, seg);
      gboolean selected = has_selection (model) && (guint) model->selected == seg;
      gboolean faded = has_selection (model) && !selected;
      CstColor swatch = *cst_chart_style_segment (style, seg);
      double x, y, ty;

      legend_entry_origin (geo, seg, &x, &y);
      ty = y + (geo->legend_row_h - text_h) / 2.0;

      if (selected)
        cst_chart_paint_selection (cr, style, x - 6.0 * s, y, geo->legend_entry_w + 12.0 * s,
                                   geo->legend_row_h, 6.0 * s);

      if (faded)
        swatch.alpha = 0.4;
      cairo_arc (cr, x + 5.0 * s, y + geo->legend_row_h / 2.0, 5.0 * s, 0.0, 2.0 * G_PI);
      cst_chart_set_source_color (cr, &swatch);
      cairo_fill (cr);

      cst_chart_draw_text (cr, text->legend, segment_name (model, seg),
                           x + 18.0 * s, ty, geo->legend_name_w, CST_CHART_ALIGN_START,
                           faded ? &style->muted : &style->foreground);
      cst_chart_draw_text (cr, text->legend, count, x + geo->legend_entry_w, ty, 0.0,
                           CST_CHART_ALIGN_END, &style->muted);
    }

  if (geo->legend_n_shown < model->n_segments)
    {
      guint more = model->n_segments - geo->legend_n_shown;
      g_autofree char *label = NULL;
      double x, y;

      legend_entry_origin (geo, geo->legend_n_shown, &x, &y);
      /* Translators: the last line of a legend too long to show in full. */
      label = g_strdup_printf (ngettext ("%u more segment", "%u more segments", more), more);
      cst_chart_draw_text (cr, text->legend, label, x + 18.0 * s,
                           y + (geo->legend_row_h - text_h) / 2.0, geo->legend_entry_w - 18.0 * s,
                           CST_CHART_ALIGN_START, &style->muted);
    }
}

/**
 * cst_map_model_new:
 * @n_points: the number of points
 * @x: (array length=n_points): the first coordinate of each point
 * @y: (array length=n_points): the second coordinate of each point
 * @segment: (array length=n_points): the segment of each point, below @n_segments
 * @n_segments: the number of segments
 * @segment_names: (array length=n_segments) (nullable): the segment names; %NULL, or a %NULL
 *   entry, gives "Segment 1", "Segment 2", …
 *
 * Prepares a segment map. Centroids (mean position) and sizes come from all points; points with
 * a non-finite coordinate count in their segment's size but are not drawn. Above
 * %CST_CHART_MAP_MAX_POINTS finite points, a deterministic stratified sample is drawn: every
 * segment keeps its share and at least one point. Costs O(n) plus sorting the drawn sample once
 * for the robust axis limits.
 *
 * Returns: (transfer full): the model, or %NULL if a segment index is out of range
 */
CstMapModel *
cst_map_model_new (gsize              n_points,
                   const double      *x,
                   const double      *y,
                   const guint       *segment,
                   guint              n_segments,
                   const char *const *segment_names)
{
  g_autoptr(CstMapModel) model = NULL;

  g_return_val_if_fail (n_points == 0 || (x != NULL && y != NULL && segment != NULL), NULL);
  g_return_val_if_fail (n_points == 0 || n_segments > 0, NULL);

  for (gsize i = 0; i < n_points; i++)
    g_return_val_if_fail (segment[i] < n_segments, NULL);

  model = g_new0 (CstMapModel, 1);
  model->n_points = n_points;
  model->n_segments = n_segments;
  model->selected = -1;
  model->names = g_new0 (char *, n_segments + 1);
  model->sizes = g_new0 (gsize, MAX (n_segments, 1));
  model->centroid_x = g_new0 (double, MAX (n_segments, 1));
  model->centroid_y = g_new0 (double, MAX (n_segments, 1));

  for (guint s = 0; s < n_segments; s++)
    {
      if (segment_names != NULL && segment_names[s] != NULL)
        model->names[s] = g_strdup (segment_names[s]);
      else
        /* Translators: the name of a segment that has none yet. */
        model->names[s] = g_strdup_printf (_("Segment %u"), s + 1);
    }

  /* Centroids from every finite point, whether drawn or not. */
  {
    g_autofree gsize *n_finite = g_new0 (gsize, MAX (n_segments, 1));

    for (gsize i = 0; i < n_points; i++)
      {
        guint s = segment[i];

        model->sizes[s]++;
        if (isfinite (x[i]) && isfinite (y[i]))
          {
            model->centroid_x[s] += x[i];
            model->centroid_y[s] += y[i];
            n_finite[s]++;
          }
      }

    for (guint s = 0; s < n_segments; s++)
      {
        if (n_finite[s] > 0)
          {
            model->centroid_x[s] /= n_finite[s];
            model->centroid_y[s] /= n_finite[s];
          }
        else
          model->centroid_x[s] = model->centroid_y[s] = NAN;
      }
  }

  sample_points (model, n_points, x, y, segment);
  robust_limits (model->drawn_x, model->n_drawn, &model->x_lo, &model->x_hi);
  robust_limits (model->drawn_y, model->n_drawn, &model->y_lo, &model->y_hi);

  return g_steal_pointer (&model);
}

void
cst_map_model_free (CstMapModel *model)
{
  if (model == NULL)
    return;

  g_strfreev (model->names);
  g_free (model->title);
  g_free (model->x_name);
  g_free (model->y_name);
  g_free (model->sizes);
  g_free (model->centroid_x);
  g_free (model->centroid_y);
  g_free (model->drawn_x);
  g_free (model->drawn_y);
  g_free (model->drawn_segment);
  g_free (model->run_start);
  g_free (model);
}

/**
 * cst_map_model_set_title:
 * @model: a map model
 * @title: (nullable): the title, or %NULL for "Segment map"
 */
void
cst_map_model_set_title (CstMapModel *model,
                         const char  *title)
{
  g_return_if_fail (model != NULL);

  g_free (model->title);
  model->title = g_strdup (title);
}

/**
 * cst_map_model_set_axis_names:
 * @model: a map model
 * @x_name: (nullable): the horizontal axis name, or %NULL for "Component 1"
 * @y_name: (nullable): the vertical axis name, or %NULL for "Component 2"
 */
void
cst_map_model_set_axis_names (CstMapModel *model,
                              const char  *x_name,
                              const char  *y_name)
{
  g_return_if_fail (model != NULL);

  g_free (model->x_name);
  g_free (model->y_name);
  model->x_name = g_strdup (x_name);
  model->y_name = g_strdup (y_name);
}

/**
 * cst_map_model_set_selected:
 * @model: a map model
 * @segment: the segment to highlight, or -1 for none; out of range means none
 */
void
cst_map_model_set_selected (CstMapModel *model,
                            int          segment)
{
  g_return_if_fail (model != NULL);

  model->selected = segment >= 0 && (guint) segment < model->n_segments ? segment : -1;
}

int
cst_map_model_get_selected (const CstMapModel *model)
{
  g_return_val_if_fail (model != NULL, -1);

  return model->selected;
}

guint
cst_map_model_get_n_segments (const CstMapModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return model->n_segments;
}

/**
 * cst_map_model_get_n_drawn:
 * @model: a map model
 *
 * Returns: how many points are drawn: every finite point up to %CST_CHART_MAP_MAX_POINTS,
 *   a sample beyond
 */
gsize
cst_map_model_get_n_drawn (const CstMapModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return model->n_drawn;
}

/**
 * cst_map_model_get_n_points:
 * @model: a map model
 *
 * Returns: the number of points the model was built from
 */
gsize
cst_map_model_get_n_points (const CstMapModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return model->n_points;
}

/**
 * cst_map_model_get_segment_size:
 * @model: a map model
 * @segment: a segment index
 *
 * Returns: the number of points in @segment
 */
gsize
cst_map_model_get_segment_size (const CstMapModel *model,
                                guint              segment)
{
  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (segment < model->n_segments, 0);

  return model->sizes[segment];
}

/**
 * cst_map_model_get_centroid:
 * @model: a map model
 * @segment: a segment index
 * @x: (out) (optional): the mean first coordinate
 * @y: (out) (optional): the mean second coordinate
 *
 * Returns: %FALSE when @segment has no point with finite coordinates
 */
gboolean
cst_map_model_get_centroid (const CstMapModel *model,
                            guint              segment,
                            double            *x,
                            double            *y)
{
  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (segment < model->n_segments, FALSE);

  if (x != NULL)
    *x = model->centroid_x[segment];
  if (y != NULL)
    *y = model->centroid_y[segment];

  return isfinite (model->centroid_x[segment]);
}

/**
 * cst_chart_map_get_centroid_position:
 * @model: a map model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @segment: a segment index
 * @x: (out): where the centroid marker of @segment is drawn
 * @y: (out): where the centroid marker of @segment is drawn
 *
 * Returns: %FALSE when the marker is not drawn (an empty segment, or no room for the plot)
 */
gboolean
cst_chart_map_get_centroid_position (const CstMapModel   *model,
                                     double               width,
                                     double               height,
                                     const CstChartStyle *style,
                                     guint                segment,
                                     double              *x,
                                     double              *y)
{
  CstChartFrame frame;
  MapText text;
  MapGeometry geo;
  gboolean drawn;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);
  g_return_val_if_fail (segment < model->n_segments, FALSE);
  g_return_val_if_fail (x != NULL && y != NULL, FALSE);

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  drawn = geo.show_plot && isfinite (geo.marker_x[segment]);
  *x = geo.marker_x[segment];
  *y = geo.marker_y[segment];

  map_geometry_clear (&geo);
  cst_chart_frame_end (&frame);

  return drawn;
}

/**
 * cst_chart_map_paint:
 * @cr: the context to paint on
 * @model: the prepared map
 * @width: the chart width in user units
 * @height: the chart height in user units
 * @style: the style
 *
 * Paints the segment map: title and summary, a framed plot with a faint grid and axis names,
 * the (sampled) points in segment colours, a marker and a name label per centroid, and a legend
 * with counts. About 15 ms for 50,000 points on a 900 × 600 image surface; vector surfaces
 * (PDF, SVG) get one circle per point and take longer.
 */
void
cst_chart_map_paint (cairo_t             *cr,
                     const CstMapModel   *model,
                     double               width,
                     double               height,
                     const CstChartStyle *style)
{
  CstChartFrame frame;
  MapText text;
  MapGeometry geo;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  cst_chart_frame_begin_paint (&frame, cr, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  cst_chart_header_paint (&frame.header, cr, style);

  if (geo.show_plot)
    {
      paint_grid (cr, model, &geo, style, &text);
      paint_points (cr, model, &geo, style);
      paint_centroids (cr, model, &geo, style, &text);
    }

  if (geo.show_legend)
    paint_legend (cr, model, &geo, style, &text);

  map_geometry_clear (&geo);
  cst_chart_frame_end (&frame);
}

int
cst_chart_map_hit_test (const CstMapModel   *model,
                        double               width,
                        double               height,
                        const CstChartStyle *style,
                        double               x,
                        double               y,
                        char               **tooltip)
{
  CstChartFrame frame;
  MapText text;
  MapGeometry geo;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  if (tooltip != NULL)
    *tooltip = NULL;

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  /* Legend entries. */
  if (geo.show_legend)
    for (guint seg = 0; seg < geo.legend_n_shown && hit < 0; seg++)
      {
        double ex, ey;

        legend_entry_origin (&geo, seg, &ex, &ey);
        if (x >= ex - 6.0 * geo.s && x <= ex + geo.legend_entry_w + 6.0 * geo.s
            && y >= ey && y < ey + geo.legend_row_h)
          hit = seg;
      }

  if (hit < 0 && geo.show_plot)
    {
      double tolerance = 6.0 * geo.s;

      /* Labels and markers lie on top of the points; the last drawn wins. */
      for (guint seg = model->n_segments; seg > 0 && hit < 0; seg--)
        {
          guint s = seg - 1;

          if (geo.label_w[s] > 0.0
              && x >= geo.label_x[s] && x <= geo.label_x[s] + geo.label_w[s]
              && y >= geo.label_y[s] && y <= geo.label_y[s] + geo.label_h[s])
            hit = s;
        }
      for (guint seg = model->n_segments; seg > 0 && hit < 0; seg--)
        {
          guint s = seg - 1;
          double dx = x - geo.marker_x[s];
          double dy = y - geo.marker_y[s];

          if (isfinite (dx) && dx * dx + dy * dy <= SQR (geo.marker_r + 2.0 * geo.s))
            hit = s;
        }

      if (hit < 0
          && x >= geo.plot.x - tolerance && x <= geo.plot.x + geo.plot.width + tolerance
          && y >= geo.plot.y - tolerance && y <= geo.plot.y + geo.plot.height + tolerance)
        {
          double best = SQR (tolerance);

          for (gsize i = 0; i < model->n_drawn; i++)
            {
              double dx = to_px (&geo, model, model->drawn_x[i], geo.radius) - x;
              double dy = to_py (&geo, model, model->drawn_y[i], geo.radius) - y;
              double d = dx * dx + dy * dy;

              if (d <= best)
                {
                  best = d;
                  hit = model->drawn_segment[i];
                }
            }
        }
    }

  if (hit >= 0 && tooltip != NULL)
    *tooltip = cst_chart_segment_tooltip (segment_name (model, hit), model->sizes[hit],
                                          model->n_points);

  map_geometry_clear (&geo);
  cst_chart_frame_end (&frame);

  return hit;
}

/**
 * cst_chart_map_describe:
 * @model: a map model
 *
 * Returns: (transfer full): a sentence for screen readers: "Segment map of 4,600 people in
 *   4 segments: Loyal big spenders 920 (20 %), …"
 */
char *
cst_chart_map_describe (const CstMapModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);

  return cst_chart_describe_segments (model_title (model), model->n_segments,
                                      (const char *const *) model->names, model->sizes,
                                      model->n_points);
}

