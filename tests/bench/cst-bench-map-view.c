/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The segment map of 1,000,000 people in the real widget, on GTK's frame clock: a window shows a
 * CstChartView at 1200 × 800; the benchmark measures the time from handing it the people to the
 * first painted frame; then a pointer moves over the map (motion and tooltip queries every 8 ms,
 * as hovering does, which repaints nothing); then every frame changes the picture (a click
 * selects another segment). Issue 7's budget is read from the work of each redrawn frame
 * (before-paint to after-paint on the frame clock) and the main loop's worst stall in each phase,
 * probed by a timer due every 4 ms. Prints one JSON line; exits 77 (skip) without a display. */
#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "cst-chart-map.h"
#include "cst-chart-view.h"

#define N_POINTS 1000000
#define N_SEGMENTS 6
#define PROBE_MS 4
#define HOVER_EVENTS 250
#define REDRAW_FRAMES 60

typedef struct
{
  GtkWidget   *window;
  CstChartView *view;
  GtkEventController *motion;
  GRand       *rand;
  gint64       start;
  gint64       handed;       /* when the model was handed to the view */
  gint64       first_frame;  /* after-paint of the first frame with the map */
  gint64       frame_begin;
  GArray      *frame_seconds;
  gint64       last_probe;
  double       probe_worst;
  gboolean     redrawing;
  double       hover_stall;
  guint        n_hover;
  gboolean     done;
} Bench;

static CstMapModel *
make_model (void)
{
  g_autofree double *x = g_new (double, N_POINTS);
  g_autofree double *y = g_new (double, N_POINTS);
  g_autofree guint *segment = g_new (guint, N_POINTS);
  const char *names[] = { "Frequent big spenders", "Weekend bargain hunters", "Lapsed one-time buyers",
                          "New customers", "Email fans", "Occasional buyers", NULL };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (gsize i = 0; i < N_POINTS; i++)
    {
      guint s = g_rand_int_range (rand, 0, N_SEGMENTS);
      double angle = 2 * G_PI * s / N_SEGMENTS;

      segment[i] = s;
      x[i] = 3 * cos (angle) + g_rand_double_range (rand, -1.5, 1.5);
      y[i] = 3 * sin (angle) + g_rand_double_range (rand, -1.5, 1.5);
    }
  return cst_map_model_new (N_POINTS, x, y, segment, N_SEGMENTS, names);
}

static gboolean
probe_cb (gpointer data)
{
  Bench *bench = data;
  gint64 now = g_get_monotonic_time ();

  /* A stall is how much later than due the timer fired. */
  if (bench->last_probe != 0)
    bench->probe_worst = MAX (bench->probe_worst, (now - bench->last_probe) / 1e6 - PROBE_MS / 1e3);
  bench->last_probe = now;
  return G_SOURCE_CONTINUE;
}

static void
before_paint_cb (GdkFrameClock *clock,
           Bench         *bench)
{
  bench->frame_begin = g_get_monotonic_time ();
}

/* One pointer position over the map, as a hover delivers it: the motion controller's hit test
 * (cursor shape) and the tooltip query (hit test and text). */
static void
hover (Bench *bench)
{
  double x = g_rand_double_range (bench->rand, 60, 1140);
  double y = g_rand_double_range (bench->rand, 60, 740);

  g_signal_emit_by_name (bench->motion, "motion", x, y);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (bench->view));
}

/* Hover alone repaints nothing: a pointer event every 8 ms, as a mouse sends them. */
static gboolean
hover_cb (gpointer data)
{
  Bench *bench = data;

  hover (bench);
  if (++bench->n_hover < HOVER_EVENTS)
    return G_SOURCE_CONTINUE;
  bench->hover_stall = bench->probe_worst;
  bench->probe_worst = 0;
  bench->last_probe = 0;
  bench->redrawing = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (bench->view));
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *bench)
{
  gint64 now = g_get_monotonic_time ();

  if (bench->handed == 0)
    return;
  if (bench->first_frame == 0)
    {
      bench->first_frame = now;
      bench->probe_worst = 0;
      bench->last_probe = 0;
      g_timeout_add (8, hover_cb, bench);
      return;
    }
  if (!bench->redrawing || bench->frame_begin == 0)
    return;

  g_array_append_val (bench->frame_seconds, (double) { (now - bench->frame_begin) / 1e6 });
  bench->frame_begin = 0;

  /* Frames that change the picture: a click selects the next segment (or clears the selection)
   * every frame, while the pointer keeps moving. */
  hover (bench);
  cst_chart_view_set_selected (bench->view, (int) (bench->frame_seconds->len % (N_SEGMENTS + 1)) - 1);
  gtk_widget_queue_draw (GTK_WIDGET (bench->view));

  if (bench->frame_seconds->len >= REDRAW_FRAMES)
    bench->done = TRUE;
}

static GtkEventController *
find_motion_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        return controller;
    }
  return NULL;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  Bench bench = { 0 };
  CstMapModel *model;
  GdkFrameClock *clock;
  double worst, mean = 0, p95;
  guint n_over_50 = 0;
  const char *renderer;
  guint probe;

  if (!gtk_init_check ())
    {
      g_printerr ("No display: run under xvfb-run\n");
      return 77;
    }
  adw_init ();

  bench.rand = g_rand_new_with_seed (11);
  bench.frame_seconds = g_array_new (FALSE, FALSE, sizeof (double));
  bench.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1200, 800);
  bench.view = CST_CHART_VIEW (cst_chart_view_new ());
  gtk_window_set_child (GTK_WINDOW (bench.window), GTK_WIDGET (bench.view));
  bench.motion = find_motion_controller (GTK_WIDGET (bench.view));
  g_assert (bench.motion != NULL);
  gtk_window_present (GTK_WINDOW (bench.window));

  /* Let the empty window settle on screen first. */
  for (guint i = 0; i < 50; i++)
    while (g_main_context_pending (NULL))
      g_main_context_iteration (NULL, FALSE);
  g_usleep (200000);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  clock = gtk_widget_get_frame_clock (bench.window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &bench);
  probe = g_timeout_add_full (G_PRIORITY_HIGH, PROBE_MS, probe_cb, &bench, NULL);

  /* From here the clock runs: building the model is part of the time to the first frame, as it
   * is when the Segments page receives a run. */
  bench.start = g_get_monotonic_time ();
  model = make_model ();
  bench.handed = g_get_monotonic_time ();
  cst_chart_view_set_chart (bench.view, model, (GDestroyNotify) cst_map_model_free,
                            (CstChartPaintFunc) cst_chart_map_paint,
                            (CstChartHitTestFunc) cst_chart_map_hit_test,
                            (CstChartSelectFunc) cst_map_model_set_selected,
                            (CstChartDescribeFunc) cst_chart_map_describe);

  while (!bench.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (probe);

  g_array_sort (bench.frame_seconds, compare_double);
  worst = g_array_index (bench.frame_seconds, double, bench.frame_seconds->len - 1);
  p95 = g_array_index (bench.frame_seconds, double, (guint) (0.95 * (bench.frame_seconds->len - 1)));
  for (guint i = 0; i < bench.frame_seconds->len; i++)
    {
      double s = g_array_index (bench.frame_seconds, double, i);

      mean += s / bench.frame_seconds->len;
      n_over_50 += s > 0.050;
    }
  renderer = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (bench.window)));

  g_print ("{\"points\":%d,\"drawn\":%zu,\"renderer\":\"%s\",\"seconds_model\":%.4f,"
           "\"seconds_to_first_frame\":%.4f,\"frames\":%u,\"seconds_frame_mean\":%.4f,"
           "\"seconds_frame_p95\":%.4f,\"seconds_frame_worst\":%.4f,\"frames_over_50ms\":%u,"
           "\"seconds_hover_worst_stall\":%.4f,\"seconds_redraw_worst_stall\":%.4f}\n",
           N_POINTS, cst_map_model_get_n_drawn (cst_chart_view_get_model (bench.view)), renderer,
           (bench.handed - bench.start) / 1e6, (bench.first_frame - bench.start) / 1e6,
           bench.frame_seconds->len, mean, p95, worst, n_over_50, bench.hover_stall, bench.probe_worst);

  gtk_window_destroy (GTK_WINDOW (bench.window));
  g_array_unref (bench.frame_seconds);
  g_rand_free (bench.rand);
  return 0;
}
