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

static cairo_surface_t *
paint_map (const CstMapModel   *model,
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
  cst_chart_map_paint (cr, model, width, height, style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static cairo_surface_t *
paint_sizes (const CstSizesModel *model,
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
  cst_chart_sizes_paint (cr, model, width, height, style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
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

  surface = paint_map (model, 800, 600, &style);
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

  surface = paint_map (model, 800, 600, &style);
  maybe_save (surface, "map-dark.png");
  check_map_pixels (surface, &style, 3);
  cairo_surface_destroy (surface);

  /* High contrast and a selection paint too. */
  cst_chart_style_set_high_contrast (&style, TRUE);
  cst_map_model_set_selected (model, 1);
  g_assert_cmpint (cst_map_model_get_selected (model), ==, 1);
  surface = paint_map (model, 800, 600, &style);
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

  plain = paint_map (model, 800, 600, &style);
  cst_map_model_set_selected (model, 2);
  selected = paint_map (model, 800, 600, &style);
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
  surface = paint_map (model, 800, 600, &style);
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
  static const int sizes[][2] = {
    { 10, 10 }, { 1, 1 }, { 0, 0 }, { 120, 90 }, { 320, 240 }, { 2000, 40 },
  };

  cst_chart_style_init_light (&style);

  /* No points, no segments. */
  {
    g_autoptr(CstMapModel) model = cst_map_model_new (0, NULL, NULL, NULL, 0, NULL);
    g_autofree char *text = cst_chart_map_describe (model);
    cairo_surface_t *surface = paint_map (model, 800, 600, &style);

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
    cairo_surface_destroy (paint_map (model, 800, 600, &style));
  }

  /* One segment, default names. */
  {
    double x[] = { 1, 2, 3, 4 };
    double y[] = { 4, 3, 2, 1 };
    guint seg[] = { 0, 0, 0, 0 };
    g_autoptr(CstMapModel) model = cst_map_model_new (4, x, y, seg, 1, NULL);
    g_autofree char *text = cst_chart_map_describe (model);
    cairo_surface_t *surface = paint_map (model, 800, 600, &style);

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

    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        cairo_surface_t *surface = paint_map (model, sizes[i][0], sizes[i][1], &style);

        cst_chart_map_hit_test (model, sizes[i][0], sizes[i][1], &style, 5, 5, NULL);
        cairo_surface_destroy (surface);
      }

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
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      cairo_surface_destroy (paint_map (model, sizes[i][0], sizes[i][1], &style));

    style.scale = 2.0;
    cairo_surface_destroy (paint_map (model, 1600, 1200, &style));
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
      surface = paint_map (twelve, 500, 500, &style);
      maybe_save (surface, "map-twelve-narrow.png");
      cairo_surface_destroy (surface);
      surface = paint_map (twelve, 900, 420, &style);
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
      if (dark)
        cst_chart_style_init_dark (&style);
      else
        cst_chart_style_init_light (&style);
      cst_chart_style_get_surface (&style, &bg);

      surface = paint_sizes (model, 640, 360, &style);
      maybe_save (surface, dark ? "sizes-dark.png" : "sizes-light.png");
      g_assert_cmpuint (count_non_background (surface, &bg), >, 640 * 360 / 20);
      for (guint s = 0; s < 5; s++)
        g_assert_cmpuint (count_color (surface, &bg, cst_chart_style_segment (&style, s)), >, 100);
      cairo_surface_destroy (surface);

      cst_sizes_model_set_selected (model, 1);
      surface = paint_sizes (model, 640, 360, &style);
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
  static const int sizes[][2] = {
    { 10, 10 }, { 1, 1 }, { 0, 0 }, { 120, 90 }, { 200, 600 }, { 2000, 40 },
  };

  cst_chart_style_init_dark (&style);

  {
    g_autoptr(CstSizesModel) model = cst_sizes_model_new (0, NULL, NULL);
    g_autofree char *text = cst_chart_sizes_describe (model);

    g_assert_nonnull (text);
    cairo_surface_destroy (paint_sizes (model, 400, 300, &style));
    g_assert_cmpint (cst_chart_sizes_hit_test (model, 400, 300, &style, 200, 150, NULL), ==, -1);
  }

  {
    static const gsize zeros[] = { 0, 0, 0 };
    g_autoptr(CstSizesModel) model = cst_sizes_model_new (3, NULL, zeros);
    cairo_rectangle_t bar;

    cairo_surface_destroy (paint_sizes (model, 400, 300, &style));
    g_assert_false (cst_chart_sizes_get_bar_rect (model, 400, 300, &style, 0, &bar));
  }

  {
    g_autoptr(CstSizesModel) model = sizes_model ();

    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        cairo_surface_destroy (paint_sizes (model, sizes[i][0], sizes[i][1], &style));
        cst_chart_sizes_hit_test (model, sizes[i][0], sizes[i][1], &style, 5, 5, NULL);
      }
  }

  /* Forty segments do not fit in 300 pixels: the rows that fit are drawn. */
  {
    gsize counts[40];
    g_autoptr(CstSizesModel) model = NULL;
    cairo_surface_t *surface;

    for (guint i = 0; i < 40; i++)
      counts[i] = 1000 - 20 * i;
    model = cst_sizes_model_new (40, NULL, counts);
    surface = paint_sizes (model, 400, 300, &style);
    maybe_save (surface, "sizes-forty.png");
    cairo_surface_destroy (surface);
  }

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

  return g_test_run ();
}
