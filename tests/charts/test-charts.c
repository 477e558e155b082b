/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-charts"

#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "cst-chart-difference.h"
#include "cst-chart-heatmap.h"
#include "cst-chart-kchoice.h"
#include "cst-chart-map.h"
#include "cst-chart-sizes.h"
#include "cst-chart-style.h"
#include "cst-chart-util.h"

/* The painters are tested on image surfaces: pixels are counted rather than compared with
 * reference images, so that font and antialiasing differences between machines do not matter.
 * Set CST_TEST_CHART_DIR to a directory to also get the rendered charts as PNG files. */

typedef struct
{
  gsize   n;
  guint   k;
  double *x;
  double *y;
  guint  *segment;
} Points;

static const char *const names[] = {
  "Loyal big spenders",
  "Bargain hunters",
  "Sleeping customers",
  "New arrivals",
  "Weekend browsers",
};

static void
points_clear (Points *p)
{
  g_clear_pointer (&p->x, g_free);
  g_clear_pointer (&p->y, g_free);
  g_clear_pointer (&p->segment, g_free);
}

/* Gaussian blobs, one per segment, from a fixed seed. Segments are assigned round-robin with
 * uneven weights so that sizes differ. */
static void
points_init (Points *p,
             gsize   n,
             guint   k)
{
  static const double centres[][2] = {
    { -2.0, 0.5 }, { 2.0, 1.0 }, { 0.2, -2.0 }, { 3.0, -2.5 }, { -3.0, -2.0 },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);

  g_assert (k <= G_N_ELEMENTS (centres));

  p->n = n;
  p->k = k;
  p->x = g_new (double, MAX (n, 1));
  p->y = g_new (double, MAX (n, 1));
  p->segment = g_new (guint, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      double u1 = g_rand_double_range (rand, 1e-12, 1.0);
      double u2 = g_rand_double (rand);
      double r = sqrt (-2.0 * log (u1));
      guint s = (guint) (g_rand_double (rand) * (k + 1)) % k; /* segment 0 twice as likely */

      p->segment[i] = s;
      p->x[i] = centres[s][0] + 0.8 * r * cos (2.0 * G_PI * u2);
      p->y[i] = centres[s][1] + 0.6 * r * sin (2.0 * G_PI * u2);
    }
}

static CstMapModel *
map_model_from (const Points *p)
{
  return cst_map_model_new (p->n, p->x, p->y, p->segment, p->k, names);
}

/* A painter and its hit test, so that one helper serves every chart. */
typedef void (*ChartPaintFunc)   (cairo_t             *cr,
                                  gconstpointer        model,
                                  double               width,
                                  double               height,
                                  const CstChartStyle *style);
typedef int  (*ChartHitTestFunc) (gconstpointer        model,
                                  double               width,
                                  double               height,
                                  const CstChartStyle *style,
                                  double               x,
                                  double               y,
                                  char               **tooltip);

typedef struct
{
  ChartPaintFunc   paint;
  ChartHitTestFunc hit_test;
} ChartFuncs;

#define CHART_FUNCS(chart) \
  { (ChartPaintFunc) cst_chart_##chart##_paint, (ChartHitTestFunc) cst_chart_##chart##_hit_test }

static const ChartFuncs map_chart = CHART_FUNCS (map);
static const ChartFuncs sizes_chart = CHART_FUNCS (sizes);
static const ChartFuncs heatmap_chart = CHART_FUNCS (heatmap);
static const ChartFuncs kchoice_chart = CHART_FUNCS (kchoice);
static const ChartFuncs difference_chart = CHART_FUNCS (difference);

/* Paints @model on a new image surface filled with the style's surface colour. */
static cairo_surface_t *
paint_chart (const ChartFuncs    *chart,
             gconstpointer        model,
             int                  width,
             int                  height,
             const CstChartStyle *style)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  CstColor bg;

  cst_chart_style_get_surface (style, &bg);
  cst_chart_set_source_color (cr, &bg);
  cairo_paint (cr);
  chart->paint (cr, model, width, height, style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);

  return surface;
}

/* The light or the dark style, and the surface colour charts are painted on. */
static void
style_init_for (CstChartStyle *style,
                gboolean       dark,
                CstColor      *bg)
{
  if (dark)
    cst_chart_style_init_dark (style);
  else
    cst_chart_style_init_light (style);
  cst_chart_style_get_surface (style, bg);
}

static void
maybe_save (cairo_surface_t *surface,
            const char      *name)
{
  const char *dir = g_getenv ("CST_TEST_CHART_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;

  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  g_test_message ("wrote %s", path);
}

/* Paints @model at sizes where little or nothing fits, down to nothing at all, and hit tests
 * near a corner there: nothing may crash or warn. The 320 × 240 chart is saved as @small_name
 * when given. */
static void
check_odd_sizes (const ChartFuncs    *chart,
                 gconstpointer        model,
                 const CstChartStyle *style,
                 const char          *small_name)
{
  static const int sizes[][2] = {
    { 10, 10 }, { 1, 1 }, { 0, 0 }, { 120, 90 }, { 200, 600 }, { 2000, 40 }, { 320, 240 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      cairo_surface_t *surface = paint_chart (chart, model, sizes[i][0], sizes[i][1], style);

      if (small_name != NULL && sizes[i][0] == 320)
        maybe_save (surface, small_name);
      cairo_surface_destroy (surface);
      chart->hit_test (model, sizes[i][0], sizes[i][1], style, 5, 5, NULL);
    }
}

/* A model without anything to show paints, and nothing in it can be hit. */
static void
check_empty (const ChartFuncs    *chart,
             gconstpointer        model,
             const CstChartStyle *style)
{
  cairo_surface_destroy (paint_chart (chart, model, 400, 300, style));
  g_assert_cmpint (chart->hit_test (model, 400, 300, style, 200, 150, NULL), ==, -1);
}

static void
pixel_rgb (cairo_surface_t *surface,
           int              x,
           int              y,
           double           rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 pixel = *(const guint32 *) (data + y * stride + 4 * x);

  /* The surface is opaque, so premultiplication does not matter. */
  rgb[0] = ((pixel >> 16) & 0xff) / 255.0;
  rgb[1] = ((pixel >> 8) & 0xff) / 255.0;
  rgb[2] = (pixel & 0xff) / 255.0;
}

static gsize
count_non_background (cairo_surface_t *surface,
                      const CstColor  *bg)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  gsize n = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double rgb[3];

        pixel_rgb (surface, x, y, rgb);
        if (fabs (rgb[0] - bg->red) + fabs (rgb[1] - bg->green) + fabs (rgb[2] - bg->blue) > 0.05)
          n++;
      }

  return n;
}

/* Counts pixels that are segment @color blended over @bg at some opacity: their difference
 * from the background points in the same direction as the colour's (cosine > 0.995). Text and
 * grid lines are grey and point elsewhere; the palette colours are far apart in direction. */
static gsize
count_color (cairo_surface_t *surface,
             const CstColor  *bg,
             const CstColor  *color)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  double c[3] = { color->red - bg->red, color->green - bg->green, color->blue - bg->blue };
  double c_norm = sqrt (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
  gsize n = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double rgb[3], d[3], d_norm, cosine, opacity;

        pixel_rgb (surface, x, y, rgb);
        d[0] = rgb[0] - bg->red;
        d[1] = rgb[1] - bg->green;
        d[2] = rgb[2] - bg->blue;
        d_norm = sqrt (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (d_norm < 0.15)
          continue;

        cosine = (d[0] * c[0] + d[1] * c[1] + d[2] * c[2]) / (d_norm * c_norm);
        opacity = d_norm / c_norm;
        if (cosine > 0.995 && opacity > 0.3 && opacity < 1.05)
          n++;
      }

  return n;
}

static void
check_map_pixels (cairo_surface_t     *surface,
                  const CstChartStyle *style,
                  guint                n_segments)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  CstColor bg;
  gsize ink;

  cst_chart_style_get_surface (style, &bg);
  ink = count_non_background (surface, &bg);
  g_test_message ("%" G_GSIZE_FORMAT " of %d pixels painted", ink, width * height);
  g_assert_cmpuint (ink, >, (gsize) (width * height) / 20);

  for (guint s = 0; s < n_segments; s++)
    {
      gsize n = count_color (surface, &bg, cst_chart_style_segment (style, s));

      g_test_message ("segment %u: %" G_GSIZE_FORMAT " pixels", s, n);
      g_assert_cmpuint (n, >, 500);
    }
}

/* Ticks and formatting */

static void
test_ticks (void)
{
  CstChartTicks t;

  /* Heckbert's example ranges; the expected ticks are what his loose labelling gives. */
  cst_chart_nice_ticks (0.0, 97.0, 6, &t);
  g_assert_cmpfloat_with_epsilon (t.min, 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.max, 100.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.step, 20.0, 1e-12);
  g_assert_cmpuint (t.n_ticks, ==, 6);
  for (guint i = 0; i < t.n_ticks; i++)
    g_assert_cmpfloat_with_epsilon (cst_chart_ticks_value (&t, i), 20.0 * i, 1e-12);

  cst_chart_nice_ticks (0.013, 0.087, 6, &t);
  g_assert_true (fabs (t.step - 0.01) < 1e-12 || fabs (t.step - 0.02) < 1e-12);
  g_assert_cmpfloat (t.min, <=, 0.013);
  g_assert_cmpfloat (t.max, >=, 0.087);
  g_assert_cmpfloat (t.max - 0.087, <, t.step);
  g_assert_cmpfloat (0.013 - t.min, <, t.step);
  for (guint i = 0; i < t.n_ticks; i++)
    {
      double v = cst_chart_ticks_value (&t, i);

      /* Every tick is an exact multiple of the step, up to rounding. */
      g_assert_cmpfloat_with_epsilon (v / t.step, round (v / t.step), 1e-9);
    }

  cst_chart_nice_ticks (-3.7, 4.2, 5, &t);
  g_assert_cmpfloat_with_epsilon (t.step, 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.min, -4.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (t.max, 6.0, 1e-12);

  /* Degenerate ranges still give a positive step. */
  cst_chart_nice_ticks (5.0, 5.0, 5, &t);
  g_assert_cmpfloat (t.step, >, 0.0);
  g_assert_cmpfloat (t.min, <=, 5.0);
  g_assert_cmpfloat (t.max, >=, 5.0);
  cst_chart_nice_ticks (0.0, 0.0, 5, &t);
  g_assert_cmpfloat (t.step, >, 0.0);
  cst_chart_nice_ticks (NAN, INFINITY, 5, &t);
  g_assert_cmpfloat (t.step, >, 0.0);
  g_assert_cmpuint (t.n_ticks, >=, 2);

  g_assert_cmpfloat (cst_chart_nice_number (0.0, TRUE), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (cst_chart_nice_number (7.4, FALSE), 10.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cst_chart_nice_number (2.9, TRUE), 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cst_chart_nice_number (3.1, TRUE), 5.0, 1e-12);
}

static void
test_format (void)
{
  struct
  {
    double      value;
    int         decimals;
    const char *sep;
    const char *grouping;
    const char *expected;
  } cases[] = {
    { 0, 0, ",", "\3", "0" },
    { 999, 0, ",", "\3", "999" },
    { 1000, 0, ",", "\3", "1,000" },
    { 1234567, 0, ",", "\3", "1,234,567" },
    { 1234567, 0, ".", "\3", "1.234.567" },
    { 1234567, 0, "\xe2\x80\xaf", "\3", "1\xe2\x80\xaf" "234\xe2\x80\xaf" "567" },
    { 1234567, 0, ",", "\3\2", "12,34,567" },
    { 1234567, 0, "", "\3", "1234567" },
    { 1234567, 0, ",", "", "1234567" },
    { -1234.5, 1, ",", "\3", "\xe2\x88\x92" "1,234.5" },
    { -0.001, 1, ",", "\3", "0.0" },
    { 100000, 0, ",", "\3", "100,000" },
  };
  g_autofree char *percent = NULL;
  g_autofree char *tiny = NULL;
  g_autofree char *tick = NULL;
  g_autofree char *neg_tick = NULL;
  g_autofree char *people = NULL;
  g_autofree char *person = NULL;
  g_autofree char *count = NULL;
  g_autofree char *tooltip = NULL;

  /* These run in the C locale, whose decimal separator is ".". */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = cst_chart_format_number_full (cases[i].value, cases[i].decimals,
                                                            cases[i].sep, cases[i].grouping);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  /* The C locale has no grouping: the count stays as it is. */
  count = cst_chart_format_count (4600);
  g_assert_true (g_str_equal (count, "4600") || g_str_equal (count, "4,600"));

  percent = cst_chart_format_percent (0.247, 1);
  g_assert_cmpstr (percent, ==, "24.7 %");
  tiny = cst_chart_format_percent (0.0001, 1);
  g_assert_cmpstr (tiny, ==, "<0.1 %");
  tick = cst_chart_format_tick (0.04, 0.02);
  g_assert_cmpstr (tick, ==, "0.04");
  neg_tick = cst_chart_format_tick (-2.0, 1.0);
  g_assert_cmpstr (neg_tick, ==, "\xe2\x88\x92" "2");
  people = cst_chart_format_people (12);
  g_assert_cmpstr (people, ==, "12 people");
  person = cst_chart_format_people (1);
  g_assert_cmpstr (person, ==, "1 person");

  tooltip = cst_chart_segment_tooltip ("Loyal big spenders", 1234, 4996);
  g_assert_cmpstr (tooltip, ==, "Loyal big spenders — 1234 people (24.7 %)");
}

static void
test_style (void)
{
  CstChartStyle light, dark, copy;
  CstColor surface;

  cst_chart_style_init_light (&light);
  cst_chart_style_init_dark (&dark);

  g_assert_cmpfloat (light.background.alpha, ==, 0.0);
  g_assert_cmpstr (light.font_family, ==, "Cantarell");
  g_assert_cmpfloat (light.font_size, ==, 14.0);
  g_assert_cmpfloat (light.scale, ==, 1.0);
  g_assert_false (cst_chart_style_is_dark (&light));
  g_assert_true (cst_chart_style_is_dark (&dark));

  cst_chart_style_get_surface (&light, &surface);
  g_assert_cmpfloat (surface.red, ==, 1.0);
  g_assert_cmpfloat (surface.alpha, ==, 1.0);
  cst_chart_style_get_surface (&dark, &surface);
  g_assert_cmpfloat (surface.red, <, 0.2);

  /* Twelve different colours, and indices past the palette wrap around. */
  for (guint i = 0; i < CST_CHART_PALETTE_SIZE; i++)
    for (guint j = i + 1; j < CST_CHART_PALETTE_SIZE; j++)
      {
        const CstColor *a = cst_chart_style_segment (&light, i);
        const CstColor *b = cst_chart_style_segment (&light, j);

        g_assert_cmpfloat (fabs (a->red - b->red) + fabs (a->green - b->green)
                           + fabs (a->blue - b->blue), >, 0.1);
      }
  g_assert_true (cst_chart_style_segment (&light, 13) == cst_chart_style_segment (&light, 1));

  cst_chart_style_copy (&dark, &copy);
  g_assert_true (copy.font_family != dark.font_family);
  g_assert_cmpstr (copy.font_family, ==, dark.font_family);
  cst_chart_style_set_high_contrast (&copy, TRUE);
  g_assert_true (copy.high_contrast);
  g_assert_cmpfloat (copy.muted.alpha, >, dark.muted.alpha);
  cst_chart_style_set_high_contrast (&copy, FALSE);
  g_assert_cmpfloat (copy.muted.alpha, ==, dark.muted.alpha);

  cst_chart_style_clear (&copy);
  g_assert_null (copy.font_family);
  cst_chart_style_clear (&light);
  cst_chart_style_clear (&dark);
}

/* The segment map */

static void
test_map_light (void)
{
  Points p;
  g_autoptr(CstMapModel) model = NULL;
  CstChartStyle style;
  cairo_surface_t *surface;

  points_init (&p, 3000, 3);
  model = map_model_from (&p);
  cst_chart_style_init_light (&style);

  surface = paint_chart (&map_chart, model, 800, 600, &style);
  maybe_save (surface, "map-light.png");
  check_map_pixels (surface, &style, 3);

  cairo_surface_destroy (surface);
  cst_chart_style_clear (&style);
  points_clear (&p);
}

static void
test_map_dark (void)
{
  Points p;
  g_autoptr(CstMapModel) model = NULL;
  CstChartStyle style;
  cairo_surface_t *surface;

  points_init (&p, 3000, 3);
  model = map_model_from (&p);
  cst_chart_style_init_dark (&style);

  surface = paint_chart (&map_chart, model, 800, 600, &style);
  maybe_save (surface, "map-dark.png");
  check_map_pixels (surface, &style, 3);
  cairo_surface_destroy (surface);

  /* High contrast and a selection paint too. */
  cst_chart_style_set_high_contrast (&style, TRUE);
  cst_map_model_set_selected (model, 1);
  g_assert_cmpint (cst_map_model_get_selected (model), ==, 1);
  surface = paint_chart (&map_chart, model, 800, 600, &style);
  maybe_save (surface, "map-dark-hc-selected.png");
  cairo_surface_destroy (surface);

  cst_map_model_set_selected (model, 7);
  g_assert_cmpint (cst_map_model_get_selected (model), ==, -1);

  cst_chart_style_clear (&style);
  points_clear (&p);
}

static void
test_map_selected (void)
{
  Points p;
  g_autoptr(CstMapModel) model = NULL;
  CstChartStyle style;
  cairo_surface_t *plain;
  cairo_surface_t *selected;
  CstColor bg;
  gsize plain_0, plain_2, selected_0, selected_2;

  points_init (&p, 3000, 3);
  model = map_model_from (&p);
  cst_chart_style_init_light (&style);
  cst_chart_style_get_surface (&style, &bg);

  plain = paint_chart (&map_chart, model, 800, 600, &style);
  cst_map_model_set_selected (model, 2);
  selected = paint_chart (&map_chart, model, 800, 600, &style);
  maybe_save (selected, "map-light-selected.png");

  /* The selected segment stands out more, the others less. */
  plain_0 = count_color (plain, &bg, cst_chart_style_segment (&style, 0));
  plain_2 = count_color (plain, &bg, cst_chart_style_segment (&style, 2));
  selected_0 = count_color (selected, &bg, cst_chart_style_segment (&style, 0));
  selected_2 = count_color (selected, &bg, cst_chart_style_segment (&style, 2));
  g_test_message ("segment 0: %" G_GSIZE_FORMAT " → %" G_GSIZE_FORMAT " pixels, "
                  "segment 2: %" G_GSIZE_FORMAT " → %" G_GSIZE_FORMAT,
                  plain_0, selected_0, plain_2, selected_2);
  g_assert_cmpuint (selected_0, <, plain_0);
  g_assert_cmpuint (selected_2, >=, plain_2);

  cairo_surface_destroy (plain);
  cairo_surface_destroy (selected);
  cst_chart_style_clear (&style);
  points_clear (&p);
}

static void
test_map_sample (void)
{
  Points p;
  g_autoptr(CstMapModel) model = NULL;
  CstChartStyle style;
  cairo_surface_t *surface;
  double sum_x[4] = { 0 }, sum_y[4] = { 0 };
  gsize count[4] = { 0 };

  /* 60,000 points, and a fourth segment of three points at the very end of the input that
   * the sample must still show. */
  points_init (&p, 60000, 3);
  p.k = 4;
  for (gsize i = p.n - 3; i < p.n; i++)
    {
      p.segment[i] = 3;
      p.x[i] = 10.0 + i % 3;
      p.y[i] = -1.0;
    }
  model = map_model_from (&p);

  g_assert_cmpuint (cst_map_model_get_n_points (model), ==, 60000);
  g_assert_cmpuint (cst_map_model_get_n_drawn (model), ==, CST_CHART_MAP_MAX_POINTS);

  for (gsize i = 0; i < p.n; i++)
    {
      sum_x[p.segment[i]] += p.x[i];
      sum_y[p.segment[i]] += p.y[i];
      count[p.segment[i]]++;
    }

  /* Centroids come from all points, not from the sample: equal to the true means up to the
   * rounding of a sum of 60,000 doubles (relative 1e-12). */
  for (guint s = 0; s < 4; s++)
    {
      double cx, cy;

      g_assert_true (cst_map_model_get_centroid (model, s, &cx, &cy));
      g_assert_cmpuint (cst_map_model_get_segment_size (model, s), ==, count[s]);
      g_assert_cmpfloat_with_epsilon (cx, sum_x[s] / count[s], 1e-12 * MAX (1.0, fabs (cx)));
      g_assert_cmpfloat_with_epsilon (cy, sum_y[s] / count[s], 1e-12 * MAX (1.0, fabs (cy)));
    }

  cst_chart_style_init_light (&style);
  surface = paint_chart (&map_chart, model, 800, 600, &style);
  maybe_save (surface, "map-sampled.png");

  /* The tiny segment is represented: its colour shows (its three points sit far out and are
   * pinned to the edge, plus its centroid marker and label). */
  {
    CstColor bg;

    cst_chart_style_get_surface (&style, &bg);
    g_assert_cmpuint (count_color (surface, &bg, cst_chart_style_segment (&style, 3)), >, 20);
  }

  cairo_surface_destroy (surface);
  cst_chart_style_clear (&style);
  points_clear (&p);
}

static void
test_map_hit_test (void)
{
  Points p;
  g_autoptr(CstMapModel) model = NULL;
  CstChartStyle style;

  points_init (&p, 3000, 3);
  model = map_model_from (&p);
  cst_chart_style_init_light (&style);

  for (guint s = 0; s < 3; s++)
    {
      g_autofree char *tooltip = NULL;
      g_autofree char *count = cst_chart_format_count (cst_map_model_get_segment_size (model, s));
      double px, py;
      int hit;

      g_assert_true (cst_chart_map_get_centroid_position (model, 800, 600, &style, s, &px, &py));
      g_assert_cmpfloat (px, >, 0.0);
      g_assert_cmpfloat (px, <, 800.0);
      g_assert_cmpfloat (py, >, 0.0);
      g_assert_cmpfloat (py, <, 600.0);

      hit = cst_chart_map_hit_test (model, 800, 600, &style, px, py, &tooltip);
      g_assert_cmpint (hit, ==, s);
      g_assert_nonnull (tooltip);
      g_assert_true (g_str_has_prefix (tooltip, names[s]));
      g_assert_nonnull (strstr (tooltip, count));
      g_test_message ("%s", tooltip);
    }

  /* The title is not a segment. */
  {
    char *tooltip = (char *) "unchanged";

    g_assert_cmpint (cst_chart_map_hit_test (model, 800, 600, &style, 5, 5, &tooltip), ==, -1);
    g_assert_null (tooltip);
  }

  /* Without a tooltip pointer. */
  cst_chart_map_hit_test (model, 800, 600, &style, 400, 300, NULL);

  cst_chart_style_clear (&style);
  points_clear (&p);
}

static void
test_map_describe (void)
{
  Points p;
  g_autoptr(CstMapModel) model = NULL;
  g_autofree char *text = NULL;
  g_autofree char *titled = NULL;
  g_autofree char *total = NULL;

  points_init (&p, 4600, 4);
  model = map_model_from (&p);
  text = cst_chart_map_describe (model);
  g_test_message ("%s", text);

  total = cst_chart_format_count (4600);
  g_assert_true (g_str_has_prefix (text, "Segment map of "));
  g_assert_nonnull (strstr (text, total));
  g_assert_nonnull (strstr (text, "4 segments"));
  for (guint s = 0; s < 4; s++)
    {
      g_autofree char *count = cst_chart_format_count (cst_map_model_get_segment_size (model, s));
      g_autofree char *item = g_strdup_printf ("%s %s (", names[s], count);

      g_assert_nonnull (strstr (text, item));
    }

  cst_map_model_set_title (model, "Customers 2024");
  cst_map_model_set_axis_names (model, "Spending", "Frequency");
  titled = cst_chart_map_describe (model);
  g_assert_true (g_str_has_prefix (titled, "Customers 2024 of "));

  points_clear (&p);
}

static void
test_map_performance (void)
{
  Points p;
  g_autoptr(CstMapModel) model = NULL;
  CstChartStyle style;
  cairo_surface_t *surface;
  double best = G_MAXDOUBLE;
  double total = 0.0;
  const guint runs = 5;

  points_init (&p, 50000, 5);
  g_test_timer_start ();
  model = map_model_from (&p);
  g_test_message ("building the model of 50,000 points: %.1f ms", g_test_timer_elapsed () * 1e3);
  g_assert_cmpuint (cst_map_model_get_n_drawn (model), ==, 50000);

  cst_chart_style_init_light (&style);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 600);

  for (guint i = 0; i < runs; i++)
    {
      cairo_t *cr = cairo_create (surface);
      double elapsed;

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      g_test_timer_start ();
      cst_chart_map_paint (cr, model, 900, 600, &style);
      cairo_surface_flush (surface);
      elapsed = g_test_timer_elapsed ();
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);

      best = MIN (best, elapsed);
      total += elapsed;
    }

  /* Timing is reported, not asserted: machines differ too much. */
  g_test_minimized_result (best * 1e3,
                           "painting 50,000 points at 900×600: %.1f ms best, %.1f ms mean",
                           best * 1e3, total / runs * 1e3);
  maybe_save (surface, "map-50k.png");

  g_test_timer_start ();
  for (guint i = 0; i < 20; i++)
    cst_chart_map_hit_test (model, 900, 600, &style, 450.0 + i, 300.0, NULL);
  g_test_message ("hit test over 50,000 points: %.2f ms", g_test_timer_elapsed () / 20 * 1e3);

  cairo_surface_destroy (surface);
  cst_chart_style_clear (&style);
  points_clear (&p);
}

static void
test_map_vector (void)
{
  Points p;
  g_autoptr(CstMapModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  CstChartStyle style;

  points_init (&p, 3000, 3);
  model = map_model_from (&p);
  cst_map_model_set_selected (model, 0);
  cst_chart_style_init_light (&style);
  dir = g_dir_make_tmp ("cst-charts-XXXXXX", &error);
  g_assert_no_error (error);

  /* Vector surfaces get real circles rather than the raster point layer. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_build_filename (dir, i == 0 ? "map.pdf" : "map.svg", NULL);
      cairo_surface_t *surface = i == 0 ? cairo_pdf_surface_create (path, 600, 450)
                                        : cairo_svg_surface_create (path, 600, 450);
      cairo_t *cr = cairo_create (surface);
      GStatBuf st;

      cairo_scale (cr, 0.75, 0.75);
      cst_chart_map_paint (cr, model, 800, 600, &style);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_finish (surface);
      g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (surface);

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_size, >, 10000);
      g_test_message ("%s: %ld bytes", path, (long) st.st_size);
      g_unlink (path);
    }

  g_rmdir (dir);
  cst_chart_style_clear (&style);
  points_clear (&p);
}

static void
test_map_hidpi (void)
{
  Points p;
  g_autoptr(CstMapModel) model = NULL;
  CstChartStyle style;
  cairo_surface_t *surface;
  cairo_t *cr;
  CstColor bg;

  points_init (&p, 3000, 3);
  model = map_model_from (&p);
  cst_chart_style_init_light (&style);
  cst_chart_style_get_surface (&style, &bg);

  /* 400 × 300 logical pixels on a surface of twice the resolution: the point layer follows the
   * device scale, and the chart fills the whole surface. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 600);
  cairo_surface_set_device_scale (surface, 2.0, 2.0);
  cr = cairo_create (surface);
  cst_chart_set_source_color (cr, &bg);
  cairo_paint (cr);
  cst_chart_map_paint (cr, model, 400, 300, &style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  maybe_save (surface, "map-hidpi.png");
  check_map_pixels (surface, &style, 3);

  cairo_surface_destroy (surface);
  cst_chart_style_clear (&style);
  points_clear (&p);
}

static void
test_map_edge_cases (void)
{
  CstChartStyle style;

  cst_chart_style_init_light (&style);

  /* No points, no segments. */
  {
    g_autoptr(CstMapModel) model = cst_map_model_new (0, NULL, NULL, NULL, 0, NULL);
    g_autofree char *text = cst_chart_map_describe (model);
    cairo_surface_t *surface = paint_chart (&map_chart, model, 800, 600, &style);

    g_assert_cmpuint (cst_map_model_get_n_drawn (model), ==, 0);
    g_assert_cmpint (cst_chart_map_hit_test (model, 800, 600, &style, 400, 300, NULL), ==, -1);
    g_assert_nonnull (text);
    maybe_save (surface, "map-empty.png");
    cairo_surface_destroy (surface);
  }

  /* No points in three named segments. */
  {
    g_autoptr(CstMapModel) model = cst_map_model_new (0, NULL, NULL, NULL, 3, names);
    double x, y;

    g_assert_false (cst_map_model_get_centroid (model, 0, &x, &y));
    g_assert_true (isnan (x));
    cairo_surface_destroy (paint_chart (&map_chart, model, 800, 600, &style));
  }

  /* One segment, default names. */
  {
    double x[] = { 1, 2, 3, 4 };
    double y[] = { 4, 3, 2, 1 };
    guint seg[] = { 0, 0, 0, 0 };
    g_autoptr(CstMapModel) model = cst_map_model_new (4, x, y, seg, 1, NULL);
    g_autofree char *text = cst_chart_map_describe (model);
    cairo_surface_t *surface = paint_chart (&map_chart, model, 800, 600, &style);

    g_assert_nonnull (strstr (text, "Segment 1 4 (100 %)"));
    g_assert_nonnull (strstr (text, "1 segment:"));
    maybe_save (surface, "map-one-segment.png");
    cairo_surface_destroy (surface);
  }

  /* All points identical, and some not finite. */
  {
    double x[] = { 2.5, 2.5, 2.5, NAN, 2.5, INFINITY };
    double y[] = { -1, -1, -1, 0, -1, 0 };
    guint seg[] = { 0, 1, 0, 1, 1, 2 };
    g_autoptr(CstMapModel) model = cst_map_model_new (6, x, y, seg, 3, names);
    double cx, cy, px, py;

    g_assert_cmpuint (cst_map_model_get_n_drawn (model), ==, 4);
    g_assert_cmpuint (cst_map_model_get_segment_size (model, 1), ==, 3);
    g_assert_true (cst_map_model_get_centroid (model, 1, &cx, &cy));
    g_assert_cmpfloat (cx, ==, 2.5);
    g_assert_cmpfloat (cy, ==, -1.0);
    g_assert_false (cst_map_model_get_centroid (model, 2, NULL, NULL));

    check_odd_sizes (&map_chart, model, &style, NULL);

    g_assert_true (cst_chart_map_get_centroid_position (model, 800, 600, &style, 0, &px, &py));
    g_assert_true (isfinite (px) && isfinite (py));
    g_assert_false (cst_chart_map_get_centroid_position (model, 800, 600, &style, 2, &px, &py));
  }

  /* Tiny and odd sizes with real data, at a presentation scale too. */
  {
    Points p;
    g_autoptr(CstMapModel) model = NULL;

    points_init (&p, 500, 3);
    model = map_model_from (&p);
    check_odd_sizes (&map_chart, model, &style, NULL);

    style.scale = 2.0;
    cairo_surface_destroy (paint_chart (&map_chart, model, 1600, 1200, &style));
    style.scale = 1.0;

    /* Twelve segments with long names, in a narrow chart: the legend moves below. */
    {
      g_autofree char **many = g_new0 (char *, 13);
      g_autoptr(CstMapModel) twelve = NULL;
      cairo_surface_t *surface;

      for (guint s = 0; s < 12; s++)
        many[s] = g_strdup_printf ("Segment with a rather long name %u", s + 1);
      for (gsize i = 0; i < p.n; i++)
        p.segment[i] = i % 12;
      twelve = cst_map_model_new (p.n, p.x, p.y, p.segment, 12, (const char *const *) many);
      surface = paint_chart (&map_chart, twelve, 500, 500, &style);
      maybe_save (surface, "map-twelve-narrow.png");
      cairo_surface_destroy (surface);
      surface = paint_chart (&map_chart, twelve, 900, 420, &style);
      maybe_save (surface, "map-twelve-wide.png");
      cairo_surface_destroy (surface);
      for (guint s = 0; s < 12; s++)
        g_free (many[s]);
    }

    points_clear (&p);
  }

  cst_chart_style_clear (&style);
}

/* Segment sizes */

static CstSizesModel *
sizes_model (void)
{
  static const gsize sizes[] = { 1234, 2310, 876, 402, 174 };

  return cst_sizes_model_new (G_N_ELEMENTS (sizes), names, sizes);
}

static void
test_sizes_paint (void)
{
  g_autoptr(CstSizesModel) model = sizes_model ();
  CstChartStyle style;
  cairo_surface_t *surface;
  CstColor bg;

  for (guint dark = 0; dark < 2; dark++)
    {
      style_init_for (&style, dark, &bg);

      surface = paint_chart (&sizes_chart, model, 640, 360, &style);
      maybe_save (surface, dark ? "sizes-dark.png" : "sizes-light.png");
      g_assert_cmpuint (count_non_background (surface, &bg), >, 640 * 360 / 20);
      for (guint s = 0; s < 5; s++)
        g_assert_cmpuint (count_color (surface, &bg, cst_chart_style_segment (&style, s)), >, 100);
      cairo_surface_destroy (surface);

      cst_sizes_model_set_selected (model, 1);
      surface = paint_chart (&sizes_chart, model, 640, 360, &style);
      maybe_save (surface, dark ? "sizes-dark-selected.png" : "sizes-light-selected.png");
      cairo_surface_destroy (surface);
      cst_sizes_model_set_selected (model, -1);

      cst_chart_style_clear (&style);
    }
}

static void
test_sizes_hit_test (void)
{
  g_autoptr(CstSizesModel) model = sizes_model ();
  CstChartStyle style;

  cst_chart_style_init_light (&style);

  for (guint s = 0; s < 5; s++)
    {
      g_autofree char *tooltip = NULL;
      g_autofree char *count = cst_chart_format_count ((gsize[]) { 1234, 2310, 876, 402, 174 }[s]);
      cairo_rectangle_t bar;
      int hit;

      g_assert_true (cst_chart_sizes_get_bar_rect (model, 640, 360, &style, s, &bar));
      g_assert_cmpfloat (bar.width, >, 0.0);
      hit = cst_chart_sizes_hit_test (model, 640, 360, &style, bar.x + bar.width / 2.0,
                                      bar.y + bar.height / 2.0, &tooltip);
      g_assert_cmpint (hit, ==, s);
      g_assert_true (g_str_has_prefix (tooltip, names[s]));
      g_assert_nonnull (strstr (tooltip, count));
    }

  /* The largest bar is the longest. */
  {
    cairo_rectangle_t a, b;

    cst_chart_sizes_get_bar_rect (model, 640, 360, &style, 0, &a);
    cst_chart_sizes_get_bar_rect (model, 640, 360, &style, 1, &b);
    g_assert_cmpfloat (b.width, >, a.width);
  }

  g_assert_cmpint (cst_chart_sizes_hit_test (model, 640, 360, &style, 2, 2, NULL), ==, -1);

  cst_chart_style_clear (&style);
}

static void
test_sizes_describe (void)
{
  g_autoptr(CstSizesModel) model = sizes_model ();
  g_autofree char *text = cst_chart_sizes_describe (model);
  g_autofree char *total = cst_chart_format_count (4996);
  g_autofree char *first = cst_chart_format_count (1234);

  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Segment sizes of "));
  g_assert_nonnull (strstr (text, total));
  g_assert_nonnull (strstr (text, first));
  g_assert_nonnull (strstr (text, "Loyal big spenders"));
  g_assert_nonnull (strstr (text, "(25 %)"));
}

static void
test_sizes_edge_cases (void)
{
  CstChartStyle style;

  cst_chart_style_init_dark (&style);

  {
    g_autoptr(CstSizesModel) model = cst_sizes_model_new (0, NULL, NULL);
    g_autofree char *text = cst_chart_sizes_describe (model);

    g_assert_nonnull (text);
    check_empty (&sizes_chart, model, &style);
  }

  {
    static const gsize zeros[] = { 0, 0, 0 };
    g_autoptr(CstSizesModel) model = cst_sizes_model_new (3, NULL, zeros);
    cairo_rectangle_t bar;

    cairo_surface_destroy (paint_chart (&sizes_chart, model, 400, 300, &style));
    g_assert_false (cst_chart_sizes_get_bar_rect (model, 400, 300, &style, 0, &bar));
  }

  {
    g_autoptr(CstSizesModel) model = sizes_model ();

    check_odd_sizes (&sizes_chart, model, &style, NULL);
  }

  /* Forty segments do not fit in 300 pixels: the rows that fit are drawn. */
  {
    gsize counts[40];
    g_autoptr(CstSizesModel) model = NULL;
    cairo_surface_t *surface;

    for (guint i = 0; i < 40; i++)
      counts[i] = 1000 - 20 * i;
    model = cst_sizes_model_new (40, NULL, counts);
    surface = paint_chart (&sizes_chart, model, 400, 300, &style);
    maybe_save (surface, "sizes-forty.png");
    cairo_surface_destroy (surface);
  }

  cst_chart_style_clear (&style);
}

/* How many distinct colours (quantized to 5 bits a channel) cover at least @min_pixels. */
static guint
count_distinct_colors (cairo_surface_t *surface,
                       gsize            min_pixels)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  g_autofree guint32 *counts = g_new0 (guint32, 1 << 15);
  guint distinct = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double rgb[3];
        guint key;

        pixel_rgb (surface, x, y, rgb);
        key = ((guint) (rgb[0] * 31.0 + 0.5) << 10) | ((guint) (rgb[1] * 31.0 + 0.5) << 5)
              | (guint) (rgb[2] * 31.0 + 0.5);
        counts[key]++;
      }

  for (guint i = 0; i < 1 << 15; i++)
    distinct += counts[i] >= min_pixels;

  return distinct;
}

/* The mean colour of a rectangle's inner half, away from antialiased edges and text. */
static void
mean_rgb (cairo_surface_t         *surface,
          const cairo_rectangle_t *rect,
          double                   rgb[3])
{
  int x0 = (int) ceil (rect->x + rect->width * 0.1);
  int x1 = (int) floor (rect->x + rect->width * 0.25);
  int y0 = (int) ceil (rect->y + rect->height * 0.1);
  int y1 = (int) floor (rect->y + rect->height * 0.25);
  int n = 0;

  rgb[0] = rgb[1] = rgb[2] = 0.0;
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        double p[3];

        pixel_rgb (surface, x, y, p);
        rgb[0] += p[0];
        rgb[1] += p[1];
        rgb[2] += p[2];
        n++;
      }
  g_assert_cmpint (n, >, 0);
  rgb[0] /= n;
  rgb[1] /= n;
  rgb[2] /= n;
}

/* Segment profiles */

#define N_PROFILE_SEGMENTS 5
#define N_PROFILE_FEATURES 16

static const char *const feature_labels[N_PROFILE_FEATURES] = {
  "Days since last order", "Orders", "Total spend", "Average order value", "Days as customer",
  "Days between orders", "Regularity of orders", "Weekend orders", "Evening orders",
  "Top category share", "Categories bought", "Discounted orders", "Online share",
  "Email open rate", "Email click rate", "Days since last email activity",
};

/* Units of the features above: 0 days, 1 count, 2 money, 3 share. */
static const int feature_units[N_PROFILE_FEATURES] = {
  0, 1, 2, 2, 0, 0, 1, 3, 3, 3, 1, 3, 3, 3, 3, 0,
};

static const double profile_effects[N_PROFILE_SEGMENTS][N_PROFILE_FEATURES] = {
  { -1.2, 1.8, 2.1, 1.1, 0.9, -0.8, 0.4, -0.1, 0.2, 0.3, 1.3, -0.6, 0.1, 0.9, 0.8, -0.7 },
  { 0.1, 0.4, -0.3, -0.9, 0.0, -0.2, 0.1, 1.9, 0.3, -0.2, 0.2, 1.6, 0.5, 0.2, 0.4, -0.1 },
  { 2.4, -0.9, -0.6, 0.1, 0.7, 1.2, -0.5, 0.0, -0.1, 0.2, -0.7, 0.0, -0.4, -1.3, -1.1, 1.7 },
  { -0.8, -0.7, -0.8, -0.2, -1.6, 0.3, -0.1, 0.2, 0.6, -0.4, -0.6, 0.3, 0.8, 0.5, 0.3, -0.5 },
  { 0.3, -0.2, 0.1, 0.6, 0.2, 0.0, 0.1, -0.9, 1.4, 0.9, -0.3, -0.5, -1.0, 0.1, 0.0, 0.2 },
};

static char *
format_feature_value (guint    feature,
                      double   value,
                      gpointer user_data)
{
  g_assert (feature < N_PROFILE_FEATURES);
  g_assert_cmpuint (GPOINTER_TO_UINT (user_data), ==, 42);

  switch (feature_units[feature])
    {
    case 0:
      return g_strdup_printf ("%.0f days", value);
    case 1:
      return g_strdup_printf ("%.1f", value);
    case 2:
      return g_strdup_printf ("€%.2f", value);
    default:
      return cst_chart_format_percent (value, 0);
    }
}

/* Means that fit the effects: the rest at a fixed level, the segment shifted by the effect. */
static void
profile_means (double *means,
               double *rest_means)
{
  static const double level[N_PROFILE_FEATURES] = {
    60, 4.2, 310, 74, 400, 45, 1.3, 0.31, 0.22, 0.45, 3.1, 0.18, 0.7, 0.32, 0.06, 30,
  };
  static const double spread[N_PROFILE_FEATURES] = {
    25, 2.0, 150, 30, 200, 20, 0.5, 0.26, 0.15, 0.2, 1.5, 0.15, 0.2, 0.15, 0.04, 15,
  };

  for (guint s = 0; s < N_PROFILE_SEGMENTS; s++)
    for (guint f = 0; f < N_PROFILE_FEATURES; f++)
      {
        rest_means[s * N_PROFILE_FEATURES + f] = level[f];
        means[s * N_PROFILE_FEATURES + f] = level[f] + profile_effects[s][f] * spread[f];
      }
}

static CstHeatmapModel *
heatmap_model (void)
{
  double means[N_PROFILE_SEGMENTS * N_PROFILE_FEATURES];
  double rest[N_PROFILE_SEGMENTS * N_PROFILE_FEATURES];
  CstHeatmapModel *model;

  model = cst_heatmap_model_new (N_PROFILE_SEGMENTS, N_PROFILE_FEATURES, names, feature_labels,
                                 &profile_effects[0][0]);
  profile_means (means, rest);
  cst_heatmap_model_set_means (model, means, rest, format_feature_value, GUINT_TO_POINTER (42));

  return model;
}

static void
check_chart_pixels (cairo_surface_t     *surface,
                    const CstChartStyle *style,
                    guint                min_colors)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  CstColor bg;
  gsize ink;
  guint colors;

  cst_chart_style_get_surface (style, &bg);
  ink = count_non_background (surface, &bg);
  colors = count_distinct_colors (surface, 40);
  g_test_message ("%" G_GSIZE_FORMAT " of %d pixels painted, %u colours", ink, width * height,
                  colors);
  g_assert_cmpuint (ink, >, (gsize) (width * height) / 20);
  g_assert_cmpuint (colors, >=, min_colors);
}

static void
test_heatmap_paint (void)
{
  g_autoptr(CstHeatmapModel) model = heatmap_model ();
  CstChartStyle style;
  cairo_surface_t *surface;

  g_assert_cmpfloat (cst_heatmap_model_get_limit (model), ==, 3.0);

  for (guint dark = 0; dark < 2; dark++)
    {
      CstColor bg, below, above;
      cairo_rectangle_t low, high;
      double rgb[3];

      style_init_for (&style, dark, &bg);

      surface = paint_chart (&heatmap_chart, model, 800, 600, &style);
      maybe_save (surface, dark ? "heatmap-dark.png" : "heatmap-light.png");
      check_chart_pixels (surface, &style, 20);

      /* Every segment's swatch shows. */
      for (guint s = 0; s < N_PROFILE_SEGMENTS; s++)
        g_assert_cmpuint (count_color (surface, &bg, cst_chart_style_segment (&style, s)), >, 40);

      /* A cell far below average is blue, one far above is red, on either surface. */
      g_assert_true (cst_chart_heatmap_get_cell_rect (model, 800, 600, &style, 2, 13, &low));
      g_assert_true (cst_chart_heatmap_get_cell_rect (model, 800, 600, &style, 2, 0, &high));
      cst_chart_heatmap_scale_color (&style, -1.3 / 3.0, &below);
      cst_chart_heatmap_scale_color (&style, 2.4 / 3.0, &above);
      mean_rgb (surface, &low, rgb);
      g_assert_cmpfloat (rgb[2], >, rgb[0] + 0.15);
      g_assert_cmpfloat (fabs (rgb[0] - below.red) + fabs (rgb[2] - below.blue), <, 0.03);
      mean_rgb (surface, &high, rgb);
      g_assert_cmpfloat (rgb[0], >, rgb[2] + 0.25);
      g_assert_cmpfloat (fabs (rgb[0] - above.red) + fabs (rgb[2] - above.blue), <, 0.03);
      cairo_surface_destroy (surface);

      cst_heatmap_model_set_selected (model, 1);
      surface = paint_chart (&heatmap_chart, model, 800, 600, &style);
      maybe_save (surface, dark ? "heatmap-dark-selected.png" : "heatmap-light-selected.png");
      g_assert_cmpuint (count_color (surface, &bg, &style.accent), >, 200);
      cairo_surface_destroy (surface);
      cst_heatmap_model_set_selected (model, -1);

      cst_chart_style_clear (&style);
    }

  /* The scale is symmetric in lightness and neutral in the middle. */
  cst_chart_style_init_light (&style);
  {
    CstColor centre, lo, hi;

    cst_chart_heatmap_scale_color (&style, 0.0, &centre);
    cst_chart_heatmap_scale_color (&style, -1.0, &lo);
    cst_chart_heatmap_scale_color (&style, 1.0, &hi);
    g_assert_cmpfloat (fabs (centre.red - centre.blue), <, 0.01);
    g_assert_cmpfloat (lo.blue, >, lo.red);
    g_assert_cmpfloat (hi.red, >, hi.blue);
    cst_chart_heatmap_scale_color (&style, 7.0, &centre);
    g_assert_cmpfloat (centre.red, ==, hi.red);
  }
  cst_chart_style_clear (&style);
}

static void
test_heatmap_hit_test (void)
{
  g_autoptr(CstHeatmapModel) model = heatmap_model ();
  CstChartStyle style;

  cst_chart_style_init_light (&style);

  for (guint s = 0; s < N_PROFILE_SEGMENTS; s++)
    for (guint f = 0; f < N_PROFILE_FEATURES; f += 5)
      {
        g_autofree char *tooltip = NULL;
        cairo_rectangle_t cell;
        int hit;

        g_assert_true (cst_chart_heatmap_get_cell_rect (model, 800, 600, &style, s, f, &cell));
        g_assert_cmpfloat (cell.width, >, 10.0);
        g_assert_cmpfloat (cell.height, >, 10.0);
        hit = cst_chart_heatmap_hit_test (model, 800, 600, &style, cell.x + cell.width / 2.0,
                                          cell.y + cell.height / 2.0, &tooltip);
        g_assert_cmpint (hit, ==, s);
        g_assert_true (g_str_has_prefix (tooltip, names[s]));
        g_assert_nonnull (strstr (tooltip, feature_labels[f]));
      }

  /* The tooltip of the brief: segment, feature, the means and the difference in words. */
  {
    g_autofree char *tooltip = NULL;
    cairo_rectangle_t cell;

    cst_chart_heatmap_get_cell_rect (model, 800, 600, &style, 1, 7, &cell);
    cst_chart_heatmap_hit_test (model, 800, 600, &style, cell.x + 2.0, cell.y + 2.0, &tooltip);
    g_assert_cmpstr (tooltip, ==, "Bargain hunters — Weekend orders: 80 % vs 31 % (1.9 sd above)");

    g_clear_pointer (&tooltip, g_free);
    cst_chart_heatmap_get_cell_rect (model, 800, 600, &style, 3, 0, &cell);
    cst_chart_heatmap_hit_test (model, 800, 600, &style, cell.x + 2.0, cell.y + 2.0, &tooltip);
    g_assert_cmpstr (tooltip, ==,
                     "New arrivals — Days since last order: 40 days vs 60 days (0.8 sd below)");
  }

  /* Row labels select their segment; the corner and the column labels select nothing. */
  {
    cairo_rectangle_t cell;
    g_autofree char *tooltip = NULL;

    cst_chart_heatmap_get_cell_rect (model, 800, 600, &style, 4, 0, &cell);
    g_assert_cmpint (cst_chart_heatmap_hit_test (model, 800, 600, &style, 40,
                                                 cell.y + cell.height / 2.0, &tooltip), ==, 4);
    g_assert_cmpstr (tooltip, ==, names[4]);
    g_assert_cmpint (cst_chart_heatmap_hit_test (model, 800, 600, &style, 2, 2, NULL), ==, -1);
    cst_chart_heatmap_get_cell_rect (model, 800, 600, &style, 0, 3, &cell);
    g_assert_cmpint (cst_chart_heatmap_hit_test (model, 800, 600, &style, cell.x + 2.0,
                                                 cell.y - 20.0, NULL), ==, -1);
  }

  /* Without means the tooltip still gives the difference in words. */
  {
    g_autoptr(CstHeatmapModel) plain = cst_heatmap_model_new (N_PROFILE_SEGMENTS,
                                                              N_PROFILE_FEATURES, names,
                                                              feature_labels,
                                                              &profile_effects[0][0]);
    g_autofree char *tooltip = NULL;
    cairo_rectangle_t cell;

    cst_chart_heatmap_get_cell_rect (plain, 800, 600, &style, 0, 2, &cell);
    cst_chart_heatmap_hit_test (plain, 800, 600, &style, cell.x + 2.0, cell.y + 2.0, &tooltip);
    g_assert_cmpstr (tooltip, ==, "Loyal big spenders — Total spend: 2.1 sd above average");
  }

  cst_chart_style_clear (&style);
}

static void
test_heatmap_describe (void)
{
  g_autoptr(CstHeatmapModel) model = heatmap_model ();
  g_autofree char *text = cst_chart_heatmap_describe (model);

  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Segment profiles: 5 segments by 16 features"));
  g_assert_nonnull (strstr (text, "Loyal big spenders: Total spend +2.1 sd, Orders +1.8 sd, "
                                  "Categories bought +1.3 sd."));
  g_assert_nonnull (strstr (text, "Sleeping customers: Days since last order +2.4 sd, "
                                  "Days since last email activity +1.7 sd, "
                                  "Email open rate \xe2\x88\x92" "1.3 sd."));

  {
    g_autoptr(CstHeatmapModel) empty = cst_heatmap_model_new (0, 0, NULL, NULL, NULL);
    g_autofree char *none = cst_chart_heatmap_describe (empty);

    g_assert_cmpstr (none, ==, "Segment profiles: no segments to show.");
  }
}

static void
test_heatmap_edge_cases (void)
{
  CstChartStyle style;

  cst_chart_style_init_dark (&style);

  /* One segment, one feature: a single, wide cell with horizontal labels. */
  {
    static const double one = -0.7;
    static const char *const label[] = { "Weekend orders" };
    g_autoptr(CstHeatmapModel) model = cst_heatmap_model_new (1, 1, names, label, &one);
    cairo_rectangle_t cell;
    cairo_surface_t *surface;
    g_autofree char *tooltip = NULL;

    g_assert_cmpfloat (cst_heatmap_model_get_limit (model), ==, 1.0);
    surface = paint_chart (&heatmap_chart, model, 800, 600, &style);
    maybe_save (surface, "heatmap-one.png");
    cairo_surface_destroy (surface);
    g_assert_true (cst_chart_heatmap_get_cell_rect (model, 800, 600, &style, 0, 0, &cell));
    g_assert_cmpint (cst_chart_heatmap_hit_test (model, 800, 600, &style,
                                                 cell.x + cell.width / 2.0,
                                                 cell.y + cell.height / 2.0, &tooltip), ==, 0);
    g_assert_cmpstr (tooltip, ==, "Loyal big spenders — Weekend orders: 0.7 sd below average");
  }

  /* Missing values are hatched grey, not the neutral colour, and say "no data". */
  {
    double effects[3 * 4] = {
      0.5, NAN, -1.5, 0.2,
      NAN, NAN, 1.1, -0.3,
      0.9, 0.0, INFINITY, -2.0,
    };
    g_autoptr(CstHeatmapModel) model = cst_heatmap_model_new (3, 4, NULL, NULL, effects);
    cairo_rectangle_t cell;
    cairo_surface_t *surface;
    g_autofree char *tooltip = NULL;
    g_autofree char *text = NULL;
    CstChartStyle light;

    cst_chart_style_init_light (&light);
    g_assert_cmpfloat (cst_heatmap_model_get_limit (model), ==, 2.0);
    surface = paint_chart (&heatmap_chart, model, 640, 400, &light);
    maybe_save (surface, "heatmap-missing.png");
    cst_chart_heatmap_get_cell_rect (model, 640, 400, &light, 0, 1, &cell);
    {
      double rgb[3];
      CstColor neutral;

      /* Hatching: the cell is grey and not uniform. */
      mean_rgb (surface, &cell, rgb);
      cst_chart_heatmap_scale_color (&light, 0.0, &neutral);
      g_assert_cmpfloat (fabs (rgb[0] - rgb[2]), <, 0.02);
      g_assert_cmpfloat (fabs (rgb[0] - neutral.red), >, 0.04);
    }
    cairo_surface_destroy (surface);
    cst_chart_heatmap_hit_test (model, 640, 400, &light, cell.x + 3.0, cell.y + 3.0, &tooltip);
    g_assert_cmpstr (tooltip, ==, "Segment 1 — Feature 2: no data");
    text = cst_chart_heatmap_describe (model);
    g_assert_nonnull (strstr (text, "Segment 2: Feature 3 +1.1 sd, "
                                    "Feature 4 \xe2\x88\x92" "0.3 sd."));
    cst_chart_style_clear (&light);
  }

  /* Sixteen labels in 900 pixels at the height the Segments page gives five segments. */
  {
    g_autoptr(CstHeatmapModel) model = heatmap_model ();
    cairo_surface_t *surface;
    cairo_rectangle_t first, last;

    surface = paint_chart (&heatmap_chart, model, 900, 360, &style);
    maybe_save (surface, "heatmap-900x360.png");
    cairo_surface_destroy (surface);
    g_assert_true (cst_chart_heatmap_get_cell_rect (model, 900, 360, &style, 0, 0, &first));
    g_assert_true (cst_chart_heatmap_get_cell_rect (model, 900, 360, &style, 4, 15, &last));
    g_assert_cmpfloat (first.width, >=, 24.0);
    g_assert_cmpfloat (last.x + last.width, <=, 900.0);
    g_assert_cmpfloat (last.y + last.height, <=, 360.0);
  }

  /* Twelve segments, twenty features on a narrow chart. */
  {
    double effects[12 * 20];
    g_autoptr(CstHeatmapModel) model = NULL;
    cairo_surface_t *surface;

    for (guint i = 0; i < G_N_ELEMENTS (effects); i++)
      effects[i] = 3.5 * sin (i * 0.7);
    model = cst_heatmap_model_new (12, 20, NULL, NULL, effects);
    cst_heatmap_model_set_selected (model, 11);
    surface = paint_chart (&heatmap_chart, model, 480, 600, &style);
    maybe_save (surface, "heatmap-twelve-narrow.png");
    cairo_surface_destroy (surface);
  }

  {
    g_autoptr(CstHeatmapModel) model = heatmap_model ();

    cst_heatmap_model_set_selected (model, 99);
    g_assert_cmpint (cst_heatmap_model_get_selected (model), ==, -1);
    check_odd_sizes (&heatmap_chart, model, &style, "heatmap-small.png");
  }

  {
    g_autoptr(CstHeatmapModel) empty = cst_heatmap_model_new (0, 0, NULL, NULL, NULL);

    check_empty (&heatmap_chart, empty, &style);
  }

  cst_chart_style_clear (&style);
}

/* Choosing k */

#define N_CANDIDATES 11

static const guint candidate_k[N_CANDIDATES] = { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static const double candidate_silhouette[N_CANDIDATES] = {
  0.35, 0.38, 0.41, 0.46, 0.40, 0.37, 0.33, 0.31, 0.30, 0.28, 0.27,
};
static const double candidate_stability[N_CANDIDATES] = {
  0.98, 0.95, 0.93, 0.94, 0.81, 0.74, 0.70, 0.66, 0.62, 0.60, 0.58,
};
static const double candidate_smallest[N_CANDIDATES] = {
  0.21, 0.14, 0.11, 0.082, 0.06, 0.041, 0.028, 0.019, 0.012, 0.009, 0.006,
};

static CstKChoiceModel *
kchoice_model (void)
{
  CstKChoiceModel *model = cst_kchoice_model_new (N_CANDIDATES, candidate_k, candidate_silhouette,
                                                  candidate_stability, candidate_smallest, 5);

  cst_kchoice_model_set_reason (model, "5 groups: clearly separated and stable; 6 would split "
                                       "the loyal customers into two similar halves.");
  return model;
}

static void
test_kchoice_paint (void)
{
  g_autoptr(CstKChoiceModel) model = kchoice_model ();
  CstChartStyle style;
  cairo_surface_t *surface;

  for (guint dark = 0; dark < 2; dark++)
    {
      CstColor bg;

      style_init_for (&style, dark, &bg);

      surface = paint_chart (&kchoice_chart, model, 800, 600, &style);
      maybe_save (surface, dark ? "kchoice-dark.png" : "kchoice-light.png");
      g_assert_cmpuint (count_non_background (surface, &bg), >, 800 * 600 / 25);
      g_assert_cmpuint (count_distinct_colors (surface, 40), >=, 6);

      /* Both lines and the recommended band show in their colours. */
      g_assert_cmpuint (count_color (surface, &bg, cst_chart_style_segment (&style, 0)), >, 500);
      g_assert_cmpuint (count_color (surface, &bg, cst_chart_style_segment (&style, 5)), >, 500);
      g_assert_cmpuint (count_color (surface, &bg, &style.accent), >, 200);

      /* The recommended column is tinted with the accent, its neighbour is not. */
      {
        double x, y, x_next, y_next, band[3], beside[3];

        cst_chart_kchoice_get_position (model, 800, 600, &style, 3, CST_KCHOICE_SILHOUETTE, &x, &y);
        cst_chart_kchoice_get_position (model, 800, 600, &style, 4, CST_KCHOICE_SILHOUETTE,
                                        &x_next, &y_next);
        pixel_rgb (surface, (int) x + 8, (int) y + 30, band);
        pixel_rgb (surface, (int) x_next + 8, (int) y + 30, beside);
        g_assert_cmpfloat (band[2] - band[0], >, 0.04);
        g_assert_cmpfloat (fabs (beside[0] - bg.red) + fabs (beside[2] - bg.blue), <, 0.02);
      }

      /* The marker of the best silhouette sits highest, in the line's colour. */
      {
        double x, y, x2, y2, rgb[3];
        const CstColor *blue = cst_chart_style_segment (&style, 0);

        g_assert_true (cst_chart_kchoice_get_position (model, 800, 600, &style, 3,
                                                       CST_KCHOICE_SILHOUETTE, &x, &y));
        for (guint i = 0; i < N_CANDIDATES; i++)
          if (i != 3)
            {
              g_assert_true (cst_chart_kchoice_get_position (model, 800, 600, &style, i,
                                                             CST_KCHOICE_SILHOUETTE, &x2, &y2));
              g_assert_cmpfloat (y2, >, y);
              g_assert_cmpfloat (fabs (x2 - x), >, 20.0);
            }
        pixel_rgb (surface, (int) x, (int) y, rgb);
        g_assert_cmpfloat (fabs (rgb[0] - blue->red) + fabs (rgb[1] - blue->green)
                           + fabs (rgb[2] - blue->blue), <, 0.1);
      }

      /* A bar above the threshold is filled; one below is only outlined. */
      {
        double x, y, rgb[3], below[3];

        g_assert_true (cst_chart_kchoice_get_position (model, 800, 600, &style, 0,
                                                       CST_KCHOICE_SMALLEST_SHARE, &x, &y));
        pixel_rgb (surface, (int) x, (int) y + 6, rgb);
        g_assert_cmpfloat (fabs (rgb[0] - bg.red), >, 0.1);
        g_assert_true (cst_chart_kchoice_get_position (model, 800, 600, &style, 8,
                                                       CST_KCHOICE_SMALLEST_SHARE, &x, &y));
        pixel_rgb (surface, (int) x, (int) y + 5, below);
        g_assert_cmpfloat (fabs (below[0] - bg.red), <, 0.02);
      }
      cairo_surface_destroy (surface);

      cst_kchoice_model_set_chosen (model, 7);
      cst_kchoice_model_set_selected (model, 6);
      surface = paint_chart (&kchoice_chart, model, 800, 600, &style);
      maybe_save (surface, dark ? "kchoice-dark-chosen.png" : "kchoice-light-chosen.png");
      cairo_surface_destroy (surface);
      cst_kchoice_model_set_chosen (model, 0);
      cst_kchoice_model_set_selected (model, -1);

      cst_chart_style_clear (&style);
    }
}

static void
test_kchoice_hit_test (void)
{
  g_autoptr(CstKChoiceModel) model = kchoice_model ();
  CstChartStyle style;

  cst_chart_style_init_light (&style);

  for (guint i = 0; i < N_CANDIDATES; i++)
    for (guint series = 0; series < 3; series++)
      {
        g_autofree char *tooltip = NULL;
        g_autofree char *head = g_strdup_printf ("%u segments", candidate_k[i]);
        double x, y;

        g_assert_true (cst_chart_kchoice_get_position (model, 800, 600, &style, i, series, &x, &y));
        g_assert_cmpint (cst_chart_kchoice_hit_test (model, 800, 600, &style, x, y, &tooltip),
                         ==, i);
        g_assert_true (g_str_has_prefix (tooltip, head));
      }

  {
    g_autofree char *tooltip = NULL;
    double x, y;

    cst_chart_kchoice_get_position (model, 800, 600, &style, 3, CST_KCHOICE_STABILITY, &x, &y);
    cst_chart_kchoice_hit_test (model, 800, 600, &style, x, y, &tooltip);
    g_assert_cmpstr (tooltip, ==, "5 segments (recommended) — separation 0.46, stability 0.94, "
                                  "smallest segment 8.2 %");

    g_clear_pointer (&tooltip, g_free);
    cst_kchoice_model_set_chosen (model, 10);
    cst_chart_kchoice_get_position (model, 800, 600, &style, 8, CST_KCHOICE_STABILITY, &x, &y);
    cst_chart_kchoice_hit_test (model, 800, 600, &style, x, y, &tooltip);
    g_assert_cmpstr (tooltip, ==, "10 segments (your choice) — separation 0.30, stability 0.62, "
                                  "smallest segment 1.2 %, below the 3 % minimum");
  }

  g_assert_cmpint (cst_chart_kchoice_hit_test (model, 800, 600, &style, 2, 2, NULL), ==, -1);
  g_assert_cmpint (cst_chart_kchoice_hit_test (model, 800, 600, &style, 400, 598, NULL), ==, -1);

  /* The choice equal to the recommendation is not marked twice; unknown k are ignored. */
  g_assert_cmpint (cst_kchoice_model_find_k (model, 5), ==, 3);
  g_assert_cmpint (cst_kchoice_model_find_k (model, 13), ==, -1);
  g_assert_cmpuint (cst_kchoice_model_get_k (model, 3), ==, 5);

  cst_chart_style_clear (&style);
}

static void
test_kchoice_describe (void)
{
  g_autoptr(CstKChoiceModel) model = kchoice_model ();
  g_autofree char *text = NULL;

  cst_kchoice_model_set_chosen (model, 7);
  text = cst_chart_kchoice_describe (model);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Choosing the number of segments, 2 to 12 segments: "
                                         "5 recommended. You chose 7. 5 groups: clearly"));
  g_assert_nonnull (strstr (text, "too small to act on"));
  g_assert_nonnull (strstr (text, "2 segments — separation 0.35, stability 0.98, smallest "
                                  "segment 21.0 %; "));
  g_assert_nonnull (strstr (text, "7 segments (your choice) — "));
  g_assert_true (g_str_has_suffix (text, "smallest segment 0.6 %, below the 3 % minimum."));
}

static void
test_kchoice_edge_cases (void)
{
  CstChartStyle style;

  cst_chart_style_init_dark (&style);

  /* A range of one k: one column in the middle. */
  {
    static const guint k[] = { 4 };
    static const double sil[] = { 0.52 }, stab[] = { 0.9 }, share[] = { 0.12 };
    g_autoptr(CstKChoiceModel) model = cst_kchoice_model_new (1, k, sil, stab, share, 4);
    cairo_surface_t *surface;
    double x, y;

    surface = paint_chart (&kchoice_chart, model, 800, 600, &style);
    maybe_save (surface, "kchoice-one.png");
    cairo_surface_destroy (surface);
    g_assert_true (cst_chart_kchoice_get_position (model, 800, 600, &style, 0,
                                                   CST_KCHOICE_SILHOUETTE, &x, &y));
    g_assert_cmpfloat (fabs (x - 400.0), <, 40.0);
    g_assert_cmpint (cst_chart_kchoice_hit_test (model, 800, 600, &style, x, y, NULL), ==, 0);
  }

  /* Missing measurements, a negative silhouette, no stability, another threshold. */
  {
    static const guint k[] = { 2, 3, 4, 5, 6 };
    static const double sil[] = { 0.2, -0.15, NAN, 0.05, 0.1 };
    static const double share[] = { 0.4, NAN, 0.049, 0.03, 0.02 };
    g_autoptr(CstKChoiceModel) model = cst_kchoice_model_new (5, k, sil, NULL, share, 0);
    cairo_surface_t *surface;
    g_autofree char *text = NULL;
    g_autofree char *tooltip = NULL;
    double x, y;

    cst_kchoice_model_set_min_share (model, 0.05);
    cst_kchoice_model_set_chosen (model, 3);
    surface = paint_chart (&kchoice_chart, model, 640, 420, &style);
    maybe_save (surface, "kchoice-missing.png");
    cairo_surface_destroy (surface);
    g_assert_false (cst_chart_kchoice_get_position (model, 640, 420, &style, 2,
                                                    CST_KCHOICE_SILHOUETTE, &x, &y));
    g_assert_false (cst_chart_kchoice_get_position (model, 640, 420, &style, 2,
                                                    CST_KCHOICE_STABILITY, &x, &y));
    g_assert_true (cst_chart_kchoice_get_position (model, 640, 420, &style, 1,
                                                   CST_KCHOICE_SILHOUETTE, &x, &y));
    g_assert_cmpint (cst_chart_kchoice_hit_test (model, 640, 420, &style, x, y, &tooltip), ==, 1);
    g_assert_cmpstr (tooltip, ==, "3 segments (your choice) — separation \xe2\x88\x92" "0.15");
    text = cst_chart_kchoice_describe (model);
    g_assert_nonnull (strstr (text, "no recommendation"));
    g_assert_nonnull (strstr (text, "below 5 % of people"));
  }

  {
    static const guint bad[] = { 3, 2 };

    g_test_expect_message ("cst-chart-kchoice", G_LOG_LEVEL_CRITICAL, "*k[i] > k[i - 1]*");
    g_assert_null (cst_kchoice_model_new (2, bad, NULL, NULL, NULL, 0));
    g_test_assert_expected_messages ();
  }

  {
    g_autoptr(CstKChoiceModel) model = kchoice_model ();

    cst_kchoice_model_set_chosen (model, 12);
    check_odd_sizes (&kchoice_chart, model, &style, "kchoice-small.png");
  }

  {
    g_autoptr(CstKChoiceModel) empty = cst_kchoice_model_new (0, NULL, NULL, NULL, NULL, 0);
    g_autofree char *text = cst_chart_kchoice_describe (empty);

    g_assert_nonnull (text);
    check_empty (&kchoice_chart, empty, &style);
  }

  cst_chart_style_clear (&style);
}

/* What makes a segment different */

static CstDifferenceModel *
difference_model (guint segment)
{
  double means[N_PROFILE_SEGMENTS * N_PROFILE_FEATURES];
  double rest[N_PROFILE_SEGMENTS * N_PROFILE_FEATURES];
  CstDifferenceModel *model;

  model = cst_difference_model_new (names[segment], segment, N_PROFILE_FEATURES, feature_labels,
                                    profile_effects[segment]);
  profile_means (means, rest);
  cst_difference_model_set_means (model, means + segment * N_PROFILE_FEATURES,
                                  rest + segment * N_PROFILE_FEATURES, format_feature_value,
                                  GUINT_TO_POINTER (42));
  return model;
}

static void
test_difference_paint (void)
{
  g_autoptr(CstDifferenceModel) model = difference_model (1);
  CstChartStyle style;
  cairo_surface_t *surface;

  /* Sorted by size: Weekend orders (+1.9), Discounted orders (+1.6), Average order value (−0.9). */
  g_assert_cmpuint (cst_difference_model_get_n_bars (model), ==, N_PROFILE_FEATURES);
  g_assert_cmpuint (cst_difference_model_get_feature (model, 0), ==, 7);
  g_assert_cmpuint (cst_difference_model_get_feature (model, 1), ==, 11);
  g_assert_cmpuint (cst_difference_model_get_feature (model, 2), ==, 3);

  for (guint dark = 0; dark < 2; dark++)
    {
      CstColor bg, above, below;
      cairo_rectangle_t first, third, last, zero;
      double rgb[3];

      style_init_for (&style, dark, &bg);
      cst_chart_heatmap_scale_color (&style, 0.75, &above);
      cst_chart_heatmap_scale_color (&style, -0.75, &below);

      surface = paint_chart (&difference_chart, model, 800, 600, &style);
      maybe_save (surface, dark ? "difference-dark.png" : "difference-light.png");
      check_chart_pixels (surface, &style, 5);
      g_assert_cmpuint (count_color (surface, &bg, &above), >, 2000);
      g_assert_cmpuint (count_color (surface, &bg, &below), >, 2000);
      /* The title's swatch in the segment's colour. */
      g_assert_cmpuint (count_color (surface, &bg, cst_chart_style_segment (&style, 1)), >, 60);

      /* Positive bars grow right from the zero line, negative ones left, longest first. */
      g_assert_true (cst_chart_difference_get_bar_rect (model, 800, 600, &style, 0, &first));
      g_assert_true (cst_chart_difference_get_bar_rect (model, 800, 600, &style, 2, &third));
      g_assert_true (cst_chart_difference_get_bar_rect (model, 800, 600, &style, 14, &last));
      g_assert_false (cst_chart_difference_get_bar_rect (model, 800, 600, &style, 15, &zero));
      g_assert_cmpfloat (zero.width, ==, 0.0);
      g_assert_cmpfloat (fabs (first.x - (third.x + third.width)), <, 1.0);
      g_assert_cmpfloat (first.width, >, third.width * 1.9);
      g_assert_cmpfloat (last.width, <, third.width);
      g_assert_cmpfloat (first.y, <, third.y);
      mean_rgb (surface, &first, rgb);
      g_assert_cmpfloat (fabs (rgb[0] - above.red) + fabs (rgb[2] - above.blue), <, 0.03);
      mean_rgb (surface, &third, rgb);
      g_assert_cmpfloat (fabs (rgb[0] - below.red) + fabs (rgb[2] - below.blue), <, 0.03);
      cairo_surface_destroy (surface);

      cst_difference_model_set_selected (model, 2);
      surface = paint_chart (&difference_chart, model, 800, 600, &style);
      maybe_save (surface, dark ? "difference-dark-selected.png"
                                : "difference-light-selected.png");
      cairo_surface_destroy (surface);
      cst_difference_model_set_selected (model, -1);

      cst_chart_style_clear (&style);
    }
}

static void
test_difference_hit_test (void)
{
  g_autoptr(CstDifferenceModel) model = difference_model (1);
  CstChartStyle style;

  cst_chart_style_init_light (&style);

  for (guint i = 0; i < N_PROFILE_FEATURES; i++)
    {
      g_autofree char *tooltip = NULL;
      cairo_rectangle_t bar;
      guint f = cst_difference_model_get_feature (model, i);

      /* The last difference is 0.0 sd and has no bar, but its row still answers. */
      g_assert_true (cst_chart_difference_get_bar_rect (model, 800, 600, &style, i, &bar)
                     == (i < N_PROFILE_FEATURES - 1));
      g_assert_cmpint (cst_chart_difference_hit_test (model, 800, 600, &style,
                                                      bar.x + bar.width / 2.0,
                                                      bar.y + bar.height / 2.0, &tooltip), ==, i);
      g_assert_true (g_str_has_prefix (tooltip, feature_labels[f]));
    }

  {
    g_autofree char *tooltip = NULL;
    cairo_rectangle_t bar;

    cst_chart_difference_get_bar_rect (model, 800, 600, &style, 0, &bar);
    cst_chart_difference_hit_test (model, 800, 600, &style, 30, bar.y + 2.0, &tooltip);
    g_assert_cmpstr (tooltip, ==, "Weekend orders: 80 % vs 31 % (1.9 sd above)");
  }

  g_assert_cmpint (cst_chart_difference_hit_test (model, 800, 600, &style, 2, 2, NULL), ==, -1);
  g_assert_cmpint (cst_chart_difference_hit_test (model, 800, 600, &style, 400, 598, NULL), ==, -1);

  cst_chart_style_clear (&style);
}

static void
test_difference_describe (void)
{
  g_autoptr(CstDifferenceModel) model = difference_model (1);
  g_autofree char *text = cst_chart_difference_describe (model);

  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "What makes Bargain hunters different, in standard "
                                         "deviations from everyone else: Weekend orders +1.9 sd "
                                         "(80 % vs 31 %), Discounted orders +1.6 sd (42 % vs "
                                         "18 %), Average order value \xe2\x88\x92" "0.9 sd "
                                         "(€47.00 vs €74.00), "));
  g_assert_true (g_str_has_suffix (text, "Days as customer 0.0 sd (400 days vs 400 days)."));

  cst_difference_model_set_max_bars (model, 2);
  g_clear_pointer (&text, g_free);
  text = cst_chart_difference_describe (model);
  g_assert_true (g_str_has_suffix (text, "Discounted orders +1.6 sd (42 % vs 18 %)."));
}

static void
test_difference_edge_cases (void)
{
  CstChartStyle style;

  cst_chart_style_init_dark (&style);

  /* One feature, below average. */
  {
    static const double one = -0.4;
    static const char *const label[] = { "Email open rate" };
    g_autoptr(CstDifferenceModel) model = cst_difference_model_new ("New arrivals", 3, 1, label,
                                                                    &one);
    cairo_surface_t *surface;
    cairo_rectangle_t bar;
    g_autofree char *tooltip = NULL;

    surface = paint_chart (&difference_chart, model, 800, 600, &style);
    maybe_save (surface, "difference-one.png");
    cairo_surface_destroy (surface);
    g_assert_true (cst_chart_difference_get_bar_rect (model, 800, 600, &style, 0, &bar));
    g_assert_cmpint (cst_chart_difference_hit_test (model, 800, 600, &style, bar.x + 1.0,
                                                    bar.y + 1.0, &tooltip), ==, 0);
    g_assert_cmpstr (tooltip, ==, "Email open rate: 0.4 sd below average");
  }

  /* Missing values go last and say so; a tiny difference still shows a sliver. */
  {
    static const double effects[] = { NAN, 0.001, 2.7, -3.4, NAN };
    g_autoptr(CstDifferenceModel) model = cst_difference_model_new (NULL, 0, 5, NULL, effects);
    cairo_surface_t *surface;
    cairo_rectangle_t bar;
    g_autofree char *tooltip = NULL;
    g_autofree char *text = NULL;

    g_assert_cmpuint (cst_difference_model_get_feature (model, 0), ==, 3);
    g_assert_cmpuint (cst_difference_model_get_feature (model, 3), ==, 0);
    g_assert_cmpuint (cst_difference_model_get_feature (model, 4), ==, 4);
    surface = paint_chart (&difference_chart, model, 640, 400, &style);
    maybe_save (surface, "difference-missing.png");
    cairo_surface_destroy (surface);
    g_assert_false (cst_chart_difference_get_bar_rect (model, 640, 400, &style, 3, &bar));
    cst_chart_difference_hit_test (model, 640, 400, &style, 30, bar.y + bar.height / 2.0,
                                   &tooltip);
    g_assert_cmpstr (tooltip, ==, "Feature 1: no data");
    g_clear_pointer (&tooltip, g_free);
    g_assert_false (cst_chart_difference_get_bar_rect (model, 640, 400, &style, 2, &bar));
    g_assert_cmpint (cst_chart_difference_hit_test (model, 640, 400, &style, 30,
                                                    bar.y + bar.height / 2.0, &tooltip), ==, 2);
    g_assert_cmpstr (tooltip, ==, "Feature 2: about average");
    text = cst_chart_difference_describe (model);
    g_assert_true (g_str_has_prefix (text, "What makes Segment 1 different"));
    g_assert_true (g_str_has_suffix (text, "Feature 1 no data, Feature 5 no data."));
  }

  /* Forty features in a short chart: the rows that fit, and how many are left out. */
  {
    double effects[40];
    g_autoptr(CstDifferenceModel) model = NULL;
    cairo_surface_t *surface;

    for (guint i = 0; i < 40; i++)
      effects[i] = 2.5 * cos (i * 1.3);
    model = cst_difference_model_new ("Loyal big spenders", 0, 40, NULL, effects);
    surface = paint_chart (&difference_chart, model, 480, 360, &style);
    maybe_save (surface, "difference-forty.png");
    cairo_surface_destroy (surface);

    /* A slide shows only the strongest few. */
    cst_difference_model_set_max_bars (model, 5);
    cst_difference_model_set_selected (model, 7);
    g_assert_cmpint (cst_difference_model_get_selected (model), ==, -1);
    surface = paint_chart (&difference_chart, model, 960, 540, &style);
    maybe_save (surface, "difference-five.png");
    cairo_surface_destroy (surface);
  }

  {
    g_autoptr(CstDifferenceModel) model = difference_model (0);

    check_odd_sizes (&difference_chart, model, &style, "difference-small.png");
  }

  {
    g_autoptr(CstDifferenceModel) empty = cst_difference_model_new ("Empty", 0, 0, NULL, NULL);
    g_autofree char *text = cst_chart_difference_describe (empty);

    g_assert_cmpstr (text, ==, "What makes Empty different: no features to show.");
    check_empty (&difference_chart, empty, &style);
  }

  cst_chart_style_clear (&style);
}

/* The three profile charts together */

/* At twice the scale on twice the size, every mark lands at twice the position (text is
 * measured at each size, so allow a few pixels), and vector surfaces take the charts without
 * errors. */
static void
test_profiles_scale_and_vector (void)
{
  g_autoptr(CstHeatmapModel) heatmap = heatmap_model ();
  g_autoptr(CstKChoiceModel) kchoice = kchoice_model ();
  g_autoptr(CstDifferenceModel) difference = difference_model (0);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  CstChartStyle style, big;

  cst_chart_style_init_light (&style);
  cst_chart_style_copy (&style, &big);
  big.scale = 2.0;

  {
    cairo_rectangle_t a, b;

    g_assert_true (cst_chart_heatmap_get_cell_rect (heatmap, 800, 600, &style, 3, 9, &a));
    g_assert_true (cst_chart_heatmap_get_cell_rect (heatmap, 1600, 1200, &big, 3, 9, &b));
    g_assert_cmpfloat (fabs (b.x - 2.0 * a.x), <, 8.0);
    g_assert_cmpfloat (fabs (b.y - 2.0 * a.y), <, 8.0);
    g_assert_cmpfloat (fabs (b.width - 2.0 * a.width), <, 4.0);

    g_assert_true (cst_chart_difference_get_bar_rect (difference, 800, 600, &style, 4, &a));
    g_assert_true (cst_chart_difference_get_bar_rect (difference, 1600, 1200, &big, 4, &b));
    g_assert_cmpfloat (fabs (b.x - 2.0 * a.x), <, 8.0);
    g_assert_cmpfloat (fabs (b.y - 2.0 * a.y), <, 8.0);
    g_assert_cmpfloat (fabs (b.width - 2.0 * a.width), <, 8.0);
  }

  {
    double ax, ay, bx, by;

    g_assert_true (cst_chart_kchoice_get_position (kchoice, 800, 600, &style, 5,
                                                   CST_KCHOICE_STABILITY, &ax, &ay));
    g_assert_true (cst_chart_kchoice_get_position (kchoice, 1600, 1200, &big, 5,
                                                   CST_KCHOICE_STABILITY, &bx, &by));
    g_assert_cmpfloat (fabs (bx - 2.0 * ax), <, 8.0);
    g_assert_cmpfloat (fabs (by - 2.0 * ay), <, 8.0);
  }

  {
    cairo_surface_t *surface = paint_chart (&heatmap_chart, heatmap,
                                            1600, 1200, &big);

    maybe_save (surface, "heatmap-2x.png");
    cairo_surface_destroy (surface);
  }

  /* High contrast, dark: every chart still paints, with its extra outlines. */
  {
    CstChartStyle hc;
    cairo_surface_t *surface;

    cst_chart_style_init_dark (&hc);
    cst_chart_style_set_high_contrast (&hc, TRUE);
    cst_heatmap_model_set_selected (heatmap, 2);
    surface = paint_chart (&heatmap_chart, heatmap, 800, 600, &hc);
    maybe_save (surface, "heatmap-dark-hc.png");
    check_chart_pixels (surface, &hc, 20);
    cairo_surface_destroy (surface);
    cst_heatmap_model_set_selected (heatmap, -1);
    surface = paint_chart (&kchoice_chart, kchoice, 800, 600, &hc);
    maybe_save (surface, "kchoice-dark-hc.png");
    cairo_surface_destroy (surface);
    surface = paint_chart (&difference_chart, difference, 800, 600, &hc);
    maybe_save (surface, "difference-dark-hc.png");
    cairo_surface_destroy (surface);
    cst_chart_style_clear (&hc);
  }

  dir = g_dir_make_tmp ("cst-charts-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint chart = 0; chart < 3; chart++)
    for (guint i = 0; i < 2; i++)
      {
        static const char *const kinds[] = { "heatmap", "kchoice", "difference" };
        const ChartFuncs *charts[] = { &heatmap_chart, &kchoice_chart, &difference_chart };
        gconstpointer models[] = { heatmap, kchoice, difference };
        g_autofree char *name = g_strdup_printf ("%s.%s", kinds[chart], i == 0 ? "pdf" : "svg");
        g_autofree char *path = g_build_filename (dir, name, NULL);
        cairo_surface_t *surface = i == 0 ? cairo_pdf_surface_create (path, 600, 450)
                                          : cairo_svg_surface_create (path, 600, 450);
        cairo_t *cr = cairo_create (surface);
        GStatBuf st;

        cairo_scale (cr, 0.75, 0.75);
        charts[chart]->paint (cr, models[chart], 800, 600, &style);
        g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
        cairo_destroy (cr);
        cairo_surface_finish (surface);
        g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
        cairo_surface_destroy (surface);

        g_assert_cmpint (g_stat (path, &st), ==, 0);
        g_assert_cmpint (st.st_size, >, 2000);
        g_unlink (path);
      }

  g_rmdir (dir);
  cst_chart_style_clear (&big);
  cst_chart_style_clear (&style);
}

/* Painting is cheap enough for every frame: well under a frame's budget for the largest
 * models the page shows (12 segments × 20 features; 11 candidates; 20 bars). */
static void
test_profiles_performance (void)
{
  double effects[12 * 20];
  g_autoptr(CstHeatmapModel) heatmap = NULL;
  g_autoptr(CstKChoiceModel) kchoice = kchoice_model ();
  g_autoptr(CstDifferenceModel) difference = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 600);
  CstChartStyle style;
  gint64 start;
  double ms[3];

  for (guint i = 0; i < G_N_ELEMENTS (effects); i++)
    effects[i] = 3.0 * sin (i * 0.37);
  heatmap = cst_heatmap_model_new (12, 20, NULL, NULL, effects);
  difference = cst_difference_model_new (NULL, 0, 20, NULL, effects);
  cst_chart_style_init_light (&style);

  for (guint chart = 0; chart < 3; chart++)
    {
      cairo_t *cr = cairo_create (surface);

      start = g_get_monotonic_time ();
      for (guint i = 0; i < 10; i++)
        {
          if (chart == 0)
            cst_chart_heatmap_paint (cr, heatmap, 900, 600, &style);
          else if (chart == 1)
            cst_chart_kchoice_paint (cr, kchoice, 900, 600, &style);
          else
            cst_chart_difference_paint (cr, difference, 900, 600, &style);
        }
      cairo_surface_flush (surface);
      ms[chart] = (g_get_monotonic_time () - start) / 10.0 / 1000.0;
      cairo_destroy (cr);
    }

  g_test_message ("heatmap %.1f ms, k-choice %.1f ms, difference %.1f ms per paint",
                  ms[0], ms[1], ms[2]);
  /* Generous for slow, instrumented builds; typical figures are a few milliseconds. */
  for (guint chart = 0; chart < 3; chart++)
    g_assert_cmpfloat (ms[chart], <, 50.0);

  cairo_surface_destroy (surface);
  cst_chart_style_clear (&style);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/charts/ticks", test_ticks);
  g_test_add_func ("/cst/charts/format", test_format);
  g_test_add_func ("/cst/charts/style", test_style);
  g_test_add_func ("/cst/charts/map/light", test_map_light);
  g_test_add_func ("/cst/charts/map/dark", test_map_dark);
  g_test_add_func ("/cst/charts/map/selected", test_map_selected);
  g_test_add_func ("/cst/charts/map/sample", test_map_sample);
  g_test_add_func ("/cst/charts/map/hit-test", test_map_hit_test);
  g_test_add_func ("/cst/charts/map/describe", test_map_describe);
  g_test_add_func ("/cst/charts/map/performance", test_map_performance);
  g_test_add_func ("/cst/charts/map/vector", test_map_vector);
  g_test_add_func ("/cst/charts/map/hidpi", test_map_hidpi);
  g_test_add_func ("/cst/charts/map/edge-cases", test_map_edge_cases);
  g_test_add_func ("/cst/charts/sizes/paint", test_sizes_paint);
  g_test_add_func ("/cst/charts/sizes/hit-test", test_sizes_hit_test);
  g_test_add_func ("/cst/charts/sizes/describe", test_sizes_describe);
  g_test_add_func ("/cst/charts/sizes/edge-cases", test_sizes_edge_cases);
  g_test_add_func ("/cst/charts/heatmap/paint", test_heatmap_paint);
  g_test_add_func ("/cst/charts/heatmap/hit-test", test_heatmap_hit_test);
  g_test_add_func ("/cst/charts/heatmap/describe", test_heatmap_describe);
  g_test_add_func ("/cst/charts/heatmap/edge-cases", test_heatmap_edge_cases);
  g_test_add_func ("/cst/charts/kchoice/paint", test_kchoice_paint);
  g_test_add_func ("/cst/charts/kchoice/hit-test", test_kchoice_hit_test);
  g_test_add_func ("/cst/charts/kchoice/describe", test_kchoice_describe);
  g_test_add_func ("/cst/charts/kchoice/edge-cases", test_kchoice_edge_cases);
  g_test_add_func ("/cst/charts/difference/paint", test_difference_paint);
  g_test_add_func ("/cst/charts/difference/hit-test", test_difference_hit_test);
  g_test_add_func ("/cst/charts/difference/describe", test_difference_describe);
  g_test_add_func ("/cst/charts/difference/edge-cases", test_difference_edge_cases);
  g_test_add_func ("/cst/charts/profiles/scale-and-vector", test_profiles_scale_and_vector);
  g_test_add_func ("/cst/charts/profiles/performance", test_profiles_performance);

  return g_test_run ();
}
