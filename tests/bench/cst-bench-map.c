/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The segment map of 1,000,000 people: model preparation (the one-time cost before the first
 * frame), painting one frame, and hit-testing under the pointer (the per-event cost of hover),
 * at 1200 × 800 on an image surface like the one GTK's cairo renderer uses. Prints one JSON
 * line. */
#include "config.h"

#include <cairo.h>
#include <glib.h>
#include <math.h>

#include "cst-chart-map.h"

int
main (int   argc,
      char *argv[])
{
  const gsize n = 1000000;
  const guint k = 6;
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  g_autofree guint *segment = g_new (guint, n);
  const char *names[] = { "Frequent big spenders", "Weekend bargain hunters", "Lapsed one-time buyers",
                          "New customers", "Email fans", "Occasional buyers", NULL };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(CstMapModel) model = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1200, 800);
  CstChartStyle style;
  double build, first = 0, worst = 0, total = 0, hit_worst = 0, hit_total = 0;
  const guint frames = 20, hits = 1000;
  gint64 start;

  for (gsize i = 0; i < n; i++)
    {
      guint s = g_rand_int_range (rand, 0, k);
      double angle = 2 * G_PI * s / k;

      segment[i] = s;
      x[i] = 3 * cos (angle) + g_rand_double_range (rand, -1.5, 1.5);
      y[i] = 3 * sin (angle) + g_rand_double_range (rand, -1.5, 1.5);
    }
  cst_chart_style_init_light (&style);

  start = g_get_monotonic_time ();
  model = cst_map_model_new (n, x, y, segment, k, names);
  build = (g_get_monotonic_time () - start) / 1e6;

  for (guint f = 0; f < frames; f++)
    {
      cairo_t *cr = cairo_create (surface);
      double seconds;

      start = g_get_monotonic_time ();
      cst_chart_map_paint (cr, model, 1200, 800, &style);
      cairo_surface_flush (surface);
      seconds = (g_get_monotonic_time () - start) / 1e6;
      cairo_destroy (cr);
      if (f == 0)
        first = seconds;
      worst = MAX (worst, seconds);
      total += seconds;
    }

  for (guint h = 0; h < hits; h++)
    {
      g_autofree char *tooltip = NULL;
      double seconds;

      start = g_get_monotonic_time ();
      cst_chart_map_hit_test (model, 1200, 800, &style, g_rand_double_range (rand, 0, 1200),
                              g_rand_double_range (rand, 0, 800), &tooltip);
      seconds = (g_get_monotonic_time () - start) / 1e6;
      hit_worst = MAX (hit_worst, seconds);
      hit_total += seconds;
    }

  g_print ("{\"points\":%zu,\"drawn\":%zu,\"seconds_model\":%.4f,\"seconds_first_paint\":%.4f,"
           "\"seconds_paint_mean\":%.4f,\"seconds_paint_worst\":%.4f,\"seconds_hit_mean\":%.6f,"
           "\"seconds_hit_worst\":%.6f,\"first_frame\":%.4f}\n",
           n, cst_map_model_get_n_drawn (model), build, first, total / frames, worst, hit_total / hits, hit_worst,
           build + first);

  cst_chart_style_clear (&style);
  cairo_surface_destroy (surface);
  return 0;
}
