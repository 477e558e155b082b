/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-predict-charts"

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "cst-chart-predict.h"
#include "cst-chart-style.h"
#include "cst-chart-util.h"

/* The prediction painters are tested on image surfaces: pixels of the expected colours are
 * looked for where the data puts them, rather than compared with reference images, so that
 * fonts and antialiasing do not matter. Set CST_CHART_PNG_DIR to a directory to also get one
 * PNG of each chart (320 × 240 and 800 × 500 light, 1920 × 1080 dark). */

typedef void (*PaintFunc)   (cairo_t             *cr,
                             gconstpointer        model,
                             double               width,
                             double               height,
                             const CstChartStyle *style);
typedef int  (*HitTestFunc) (gconstpointer        model,
                             double               width,
                             double               height,
                             const CstChartStyle *style,
                             double               x,
                             double               y,
                             char               **tooltip);
typedef char *(*DescribeFunc) (gconstpointer model);

typedef struct
{
  const char     *name;
  CstPredictChart kind;
  PaintFunc       paint;
  HitTestFunc     hit_test;
  DescribeFunc    describe;
} ChartFuncs;

#define CHART_FUNCS(chart, kind) \
  { #chart, kind, (PaintFunc) cst_chart_##chart##_paint, \
    (HitTestFunc) cst_chart_##chart##_hit_test, (DescribeFunc) cst_chart_##chart##_describe }

static const ChartFuncs scores_chart = CHART_FUNCS (scores, CST_PREDICT_CHART_SCORES);
static const ChartFuncs gain_chart = CHART_FUNCS (gain, CST_PREDICT_CHART_GAIN);
static const ChartFuncs lift_chart = CHART_FUNCS (lift, CST_PREDICT_CHART_LIFT);
static const ChartFuncs roc_chart = CHART_FUNCS (roc, CST_PREDICT_CHART_ROC);
static const ChartFuncs calibration_chart =
  CHART_FUNCS (calibration, CST_PREDICT_CHART_CALIBRATION);
static const ChartFuncs clv_chart = CHART_FUNCS (clv, CST_PREDICT_CHART_CLV);
static const ChartFuncs reach_chart = CHART_FUNCS (reach, CST_PREDICT_CHART_REACH);

/* ---- A synthetic campaign ---------------------------------------------------------------- */

/* 5,000 people with a latent propensity x ~ N(0, 1); they respond with probability
 * σ(−2.2 + 1.6 x) (about 15 %), and the model scores them σ(−2.0 + 1.4 x): a good model
 * (AUC about 0.8), slightly overconfident at the bottom. Fixed seed. */
#define N_PEOPLE 5000

typedef struct
{
  double  *score;
  gboolean *responded;
  guint    n_positive;
  guint    order[N_PEOPLE];  /* by score, highest first */
} Campaign;

static double
normal (GRand *rand)
{
  double u1 = g_rand_double_range (rand, 1e-12, 1.0);
  double u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static double
sigmoid (double z)
{
  return 1.0 / (1.0 + exp (-z));
}

static const Campaign *campaign_sort_data;

static int
compare_by_score (gconstpointer a,
                  gconstpointer b)
{
  double x = campaign_sort_data->score[*(const guint *) a];
  double y = campaign_sort_data->score[*(const guint *) b];

  return (x < y) - (x > y);
}

static void
campaign_init (Campaign *c)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);

  c->score = g_new (double, N_PEOPLE);
  c->responded = g_new (gboolean, N_PEOPLE);
  c->n_positive = 0;
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      double x = normal (rand);

      c->responded[i] = g_rand_double (rand) < sigmoid (-2.2 + 1.6 * x);
      c->score[i] = sigmoid (-2.0 + 1.4 * x);
      c->n_positive += c->responded[i];
      c->order[i] = i;
    }
  campaign_sort_data = c;
  qsort (c->order, N_PEOPLE, sizeof (guint), compare_by_score);
}

static void
campaign_clear (Campaign *c)
{
  g_clear_pointer (&c->score, g_free);
  g_clear_pointer (&c->responded, g_free);
}

static CstScoresModel *
scores_model_from (const Campaign *c)
{
  return cst_scores_model_new_from_scores (N_PEOPLE, c->score, 20);
}

static CstGainModel *
gain_model_from (const Campaign *c)
{
  double contacted[100], found[100];
  guint hits = 0, k = 0;

  for (guint i = 0; i < N_PEOPLE; i++)
    {
      hits += c->responded[c->order[i]];
      if ((i + 1) % (N_PEOPLE / 100) == 0)
        {
          contacted[k] = (double) (i + 1) / N_PEOPLE;
          found[k] = (double) hits / c->n_positive;
          k++;
        }
    }
  g_assert_cmpuint (k, ==, 100);
  return cst_gain_model_new (k, contacted, found, (double) c->n_positive / N_PEOPLE);
}

static void
campaign_lift (const Campaign *c,
               double          lift[10])
{
  double rate = (double) c->n_positive / N_PEOPLE;

  for (guint d = 0; d < 10; d++)
    {
      guint hits = 0;

      for (guint i = d * N_PEOPLE / 10; i < (d + 1) * N_PEOPLE / 10; i++)
        hits += c->responded[c->order[i]];
      lift[d] = hits / (N_PEOPLE / 10.0) / rate;
    }
}

/* The ROC curve at every 25th person and its AUC by the rank formula (Mann–Whitney). */
static CstRocModel *
roc_model_from (const Campaign *c,
                double         *auc_out)
{
  double fpr[N_PEOPLE / 25 + 1], tpr[N_PEOPLE / 25 + 1], cut[N_PEOPLE / 25 + 1];
  guint tp = 0, fp = 0, k = 0;
  double pairs = 0.0;
  guint n_negative = N_PEOPLE - c->n_positive;

  for (guint i = 0; i < N_PEOPLE; i++)
    {
      guint person = c->order[i];

      if (c->responded[person])
        tp++;
      else
        {
          fp++;
          pairs += tp;   /* positives ranked above this negative */
        }
      if ((i + 1) % 25 == 0)
        {
          fpr[k] = (double) fp / n_negative;
          tpr[k] = (double) tp / c->n_positive;
          cut[k] = c->score[person];
          k++;
        }
    }
  *auc_out = pairs / ((double) c->n_positive * n_negative);
  return cst_roc_model_new (k, fpr, tpr, cut, *auc_out);
}

static CstCalibrationModel *
calibration_model_from (const Campaign *c)
{
  double pred[10] = { 0 }, obs[10] = { 0 };
  guint64 counts[10] = { 0 };

  for (guint i = 0; i < N_PEOPLE; i++)
    {
      guint bin = MIN ((guint) (c->score[i] * 10), 9);

      pred[bin] += c->score[i];
      obs[bin] += c->responded[i];
      counts[bin]++;
    }
  for (guint b = 0; b < 10; b++)
    if (counts[b] > 0)
      {
        pred[b] /= counts[b];
        obs[b] /= counts[b];
      }
  return cst_calibration_model_new (10, pred, obs, counts);
}

/* Log-normal 12-month values: a long tail, as customer value always has. */
static double *
clv_values (gsize n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);
  double *v = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    v[i] = exp (4.5 + 1.1 * normal (rand));
  return v;
}

#define N_REACH 50

static CstReachModel *
reach_model_new_test (double chosen)
{
  double t[N_REACH];
  guint64 audience[N_REACH];

  for (guint i = 0; i < N_REACH; i++)
    {
      t[i] = 0.5 + i * 0.01;
      audience[i] = (guint64) round (240000.0 * pow (1.0 - t[i], 2.0) / 0.25);
    }
  return cst_reach_model_new (N_REACH, t, audience, chosen);
}

/* ---- Pixels ------------------------------------------------------------------------------ */

static cairo_surface_t *
paint_chart (const ChartFuncs    *chart,
             gconstpointer        model,
             int                  width,
             int                  height,
             const CstChartStyle *style)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (width, 1),
                                                         MAX (height, 1));
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

static void
maybe_save (cairo_surface_t *surface,
            const char      *name)
{
  const char *dir = g_getenv ("CST_CHART_PNG_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL || *dir == '\0')
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
  guint32 pixel;

  x = CLAMP (x, 0, cairo_image_surface_get_width (surface) - 1);
  y = CLAMP (y, 0, cairo_image_surface_get_height (surface) - 1);
  pixel = *(const guint32 *) (data + y * stride + 4 * x);
  /* The surface is opaque, so premultiplication does not matter. */
  rgb[0] = ((pixel >> 16) & 0xff) / 255.0;
  rgb[1] = ((pixel >> 8) & 0xff) / 255.0;
  rgb[2] = (pixel & 0xff) / 255.0;
}

/* Whether a pixel is @color blended over @bg at an opacity of 30 % or more (not a faint wash):
 * its difference from the background points the same way as the colour's. Grey text and lines
 * point elsewhere. */
static gboolean
is_color (const double    rgb[3],
          const CstColor *bg,
          const CstColor *color)
{
  double c[3] = { color->red - bg->red, color->green - bg->green, color->blue - bg->blue };
  double d[3] = { rgb[0] - bg->red, rgb[1] - bg->green, rgb[2] - bg->blue };
  double c_norm = sqrt (c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
  double d_norm = sqrt (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  double cosine;

  if (d_norm < 0.1 || c_norm < 1e-6)
    return FALSE;
  cosine = (d[0] * c[0] + d[1] * c[1] + d[2] * c[2]) / (d_norm * c_norm);
  return cosine > 0.99 && d_norm / c_norm > 0.3 && d_norm / c_norm < 1.05;
}

static gsize
count_color_in (cairo_surface_t *surface,
                const CstColor  *bg,
                const CstColor  *color,
                int              x0,
                int              y0,
                int              x1,
                int              y1)
{
  gsize n = 0;

  x0 = MAX (x0, 0);
  y0 = MAX (y0, 0);
  x1 = MIN (x1, cairo_image_surface_get_width (surface));
  y1 = MIN (y1, cairo_image_surface_get_height (surface));
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        double rgb[3];

        pixel_rgb (surface, x, y, rgb);
        n += is_color (rgb, bg, color);
      }
  return n;
}

static gsize
count_color (cairo_surface_t *surface,
             const CstColor  *bg,
             const CstColor  *color)
{
  return count_color_in (surface, bg, color, 0, 0, G_MAXINT, G_MAXINT);
}

/* Pixels that differ from the background at all, in a rectangle. */
static gsize
count_ink_in (cairo_surface_t *surface,
              const CstColor  *bg,
              int              x0,
              int              y0,
              int              x1,
              int              y1)
{
  gsize n = 0;

  x0 = MAX (x0, 0);
  y0 = MAX (y0, 0);
  x1 = MIN (x1, cairo_image_surface_get_width (surface));
  y1 = MIN (y1, cairo_image_surface_get_height (surface));
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        double rgb[3];

        pixel_rgb (surface, x, y, rgb);
        n += fabs (rgb[0] - bg->red) + fabs (rgb[1] - bg->green) + fabs (rgb[2] - bg->blue) > 0.1;
      }
  return n;
}

/* How dark (light style) or light (dark style) a pixel is against the background, 0…3. */
static double
contrast_at (cairo_surface_t *surface,
             const CstColor  *bg,
             int              x,
             int              y)
{
  double rgb[3];

  pixel_rgb (surface, x, y, rgb);
  return fabs (rgb[0] - bg->red) + fabs (rgb[1] - bg->green) + fabs (rgb[2] - bg->blue);
}

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

/* Paints @model at three sizes in light and dark, checks that the model colour shows at the
 * two larger ones, and hit tests all over without a crash; saves the 800 × 500 light and the
 * 1920 × 1080 dark paintings when asked. */
static void
check_paints_full (const ChartFuncs *chart,
                   gconstpointer     model,
                   gboolean          expect_color)
{
  static const int sizes[][2] = { { 320, 240 }, { 800, 500 }, { 1920, 1080 } };

  for (int dark = 0; dark <= 1; dark++)
    {
      CstChartStyle style;
      CstColor bg;

      style_init_for (&style, dark, &bg);
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        {
          cairo_surface_t *surface = paint_chart (chart, model, sizes[i][0], sizes[i][1], &style);
          gsize n = count_color (surface, &bg, cst_chart_style_segment (&style, 0));

          g_test_message ("%s %d×%d %s: %" G_GSIZE_FORMAT " pixels of the model colour",
                          chart->name, sizes[i][0], sizes[i][1], dark ? "dark" : "light", n);
          if (i > 0 && expect_color)
            g_assert_cmpuint (n, >, 200);
          else if (!expect_color)
            g_assert_cmpuint (n, ==, 0);
          if (i == 0 && !dark && expect_color)
            {
              g_autofree char *name = g_strdup_printf ("%s-small.png", chart->name);

              maybe_save (surface, name);
            }
          if (i == 1 && !dark && expect_color)
            {
              g_autofree char *name = g_strdup_printf ("%s.png", chart->name);

              maybe_save (surface, name);
            }
          if (i == 2 && dark && expect_color)
            {
              g_autofree char *name = g_strdup_printf ("%s-1920-dark.png", chart->name);

              maybe_save (surface, name);
            }
          cairo_surface_destroy (surface);

          /* A 12 × 8 grid over the whole chart, edges included. */
          for (int y = 0; y < sizes[i][1]; y += sizes[i][1] / 8)
            for (int x = 0; x < sizes[i][0]; x += sizes[i][0] / 12)
              {
                char *tooltip = NULL;
                int hit = chart->hit_test (model, sizes[i][0], sizes[i][1], &style, x, y, &tooltip);

                g_assert_true ((hit >= 0) == (tooltip != NULL));
                g_free (tooltip);
              }
        }

      /* Sizes where nothing fits, down to nothing at all. */
      cairo_surface_destroy (paint_chart (chart, model, 0, 0, &style));
      cairo_surface_destroy (paint_chart (chart, model, 10, 10, &style));
      cairo_surface_destroy (paint_chart (chart, model, 2000, 40, &style));
      cairo_surface_destroy (paint_chart (chart, model, 120, 600, &style));
      chart->hit_test (model, 0, 0, &style, 0, 0, NULL);
      cst_chart_style_clear (&style);
    }

  /* High contrast, and a scale of 2 (a HiDPI export), too. */
  {
    CstChartStyle style;
    g_autofree char *name = g_strdup_printf ("%s-hc.png", chart->name);
    cairo_surface_t *surface;

    cst_chart_style_init_light (&style);
    cst_chart_style_set_high_contrast (&style, TRUE);
    surface = paint_chart (chart, model, 800, 500, &style);
    if (expect_color)
      maybe_save (surface, name);
    cairo_surface_destroy (surface);
    style.scale = 2.0;
    cairo_surface_destroy (paint_chart (chart, model, 1600, 1000, &style));
    cst_chart_style_clear (&style);
  }
}

static void
check_paints (const ChartFuncs *chart,
              gconstpointer     model)
{
  check_paints_full (chart, model, TRUE);
}

/* A model that cannot be drawn shows a message: text in the middle of the chart, no model
 * colour, nothing to hit, and a description that says why. */
static void
check_empty (const ChartFuncs *chart,
             gconstpointer     model,
             const char       *expected_words)
{
  CstChartStyle style;
  CstColor bg;
  cairo_surface_t *surface;
  g_autofree char *text = NULL;

  style_init_for (&style, FALSE, &bg);
  surface = paint_chart (chart, model, 800, 500, &style);
  maybe_save (surface, "empty.png");
  g_assert_cmpuint (count_color (surface, &bg, cst_chart_style_segment (&style, 0)), ==, 0);
  g_assert_cmpuint (count_ink_in (surface, &bg, 0, 200, 800, 300), >, 100);
  cairo_surface_destroy (surface);

  for (int x = 0; x < 800; x += 50)
    for (int y = 0; y < 500; y += 50)
      g_assert_cmpint (chart->hit_test (model, 800, 500, &style, x, y, NULL), ==, -1);
  g_assert_false (cst_chart_predict_data_to_point (chart->kind, model, 800, 500, &style, 0.5,
                                                   0.5, &(double) { 0 }, &(double) { 0 }));

  text = chart->describe (model);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, expected_words));
  cst_chart_style_clear (&style);
}

static void
data_point (const ChartFuncs    *chart,
            gconstpointer        model,
            int                  width,
            int                  height,
            const CstChartStyle *style,
            double               vx,
            double               vy,
            double              *x,
            double              *y)
{
  g_assert_true (cst_chart_predict_data_to_point (chart->kind, model, width, height, style, vx,
                                                  vy, x, y));
}

/* ---- Score histogram ---------------------------------------------------------------------- */

static void
test_scores_paint (void)
{
  Campaign c;
  g_autoptr(CstScoresModel) model = NULL;

  campaign_init (&c);
  model = scores_model_from (&c);
  cst_scores_model_set_thresholds (model, 0.15, 0.4);
  check_paints (&scores_chart, model);

  /* Wide bands: their labels hold the numbers, and the legend goes. */
  {
    CstChartStyle style;
    CstColor bg;
    cairo_surface_t *surface;

    style_init_for (&style, FALSE, &bg);
    cst_scores_model_set_thresholds (model, 0.3, 0.6);
    surface = paint_chart (&scores_chart, model, 1920, 1080, &style);
    maybe_save (surface, "scores-wide-bands.png");
    cairo_surface_destroy (surface);
    cst_chart_style_clear (&style);
  }
  campaign_clear (&c);
}

static void
test_scores_bands (void)
{
  Campaign c;
  g_autoptr(CstScoresModel) model = NULL;
  guint64 count[3], exact[3] = { 0, 0, 0 };
  double expected[3], exact_expected[3] = { 0, 0, 0 }, total_expected = 0.0;

  campaign_init (&c);
  model = scores_model_from (&c);
  /* On bin edges (20 bins of 0.05), so the counts from the bins are exact. */
  cst_scores_model_set_thresholds (model, 0.4, 0.15);
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      int band = c.score[i] >= 0.4 ? 2 : c.score[i] >= 0.15 ? 1 : 0;

      exact[band]++;
      exact_expected[band] += c.score[i];
      total_expected += c.score[i];
    }

  for (int band = 0; band < 3; band++)
    {
      cst_scores_model_get_band_stats (model, band, &count[band], &expected[band]);
      g_test_message ("band %d: %" G_GUINT64_FORMAT " people, %.1f expected (exact %"
                      G_GUINT64_FORMAT ", %.1f)", band, count[band], expected[band], exact[band],
                      exact_expected[band]);
      g_assert_cmpuint (count[band], ==, exact[band]);
      g_assert_cmpfloat_with_epsilon (expected[band], exact_expected[band], 1e-6);
    }
  g_assert_cmpuint (count[0] + count[1] + count[2], ==, N_PEOPLE);

  /* Swapped thresholds are put in order. */
  {
    double lo, hi;

    cst_scores_model_get_thresholds (model, &lo, &hi);
    g_assert_cmpfloat (lo, ==, 0.15);
    g_assert_cmpfloat (hi, ==, 0.4);
  }

  /* Exact numbers from the core replace the estimates until the thresholds move. */
  {
    guint64 given[3] = { 3000, 1500, 500 };
    double given_expected[3] = { 100.0, 300.0, 250.0 };
    g_autofree char *text = NULL;

    cst_scores_model_set_band_stats (model, given, given_expected);
    cst_scores_model_get_band_stats (model, CST_SCORES_BAND_HIGH, &count[2], &expected[2]);
    g_assert_cmpuint (count[2], ==, 500);
    text = cst_chart_scores_describe (model);
    g_test_message ("%s", text);
    g_assert_nonnull (strstr (text, "5000 people"));
    g_assert_nonnull (strstr (text, "High (from 0.40) 500 people, about 250 expected"));
    g_assert_nonnull (strstr (text, "Medium (from 0.15) 1500 people, about 300 expected"));
    g_assert_nonnull (strstr (text, "Low 3000 people, about 100 expected"));
    g_assert_nonnull (strstr (text, "about 250 expected responders"));

    /* Named outcomes replace "responders" everywhere, and NULL brings it back. */
    cst_scores_model_set_outcome (model, "leavers", "Predicted score (how likely to stop buying)");
    g_clear_pointer (&text, g_free);
    text = cst_chart_scores_describe (model);
    g_assert_nonnull (strstr (text, "High (from 0.40) 500 people, about 250 expected leavers"));
    g_assert_nonnull (strstr (text, "Low 3000 people, about 100 expected leavers"));
    g_assert_null (strstr (text, "responders"));
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 560);
      cairo_t *cr = cairo_create (surface);
      CstChartStyle style;

      cst_chart_style_init_light (&style);
      cst_chart_scores_paint (cr, model, 900, 560, &style);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cst_chart_style_clear (&style);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
    cst_scores_model_set_outcome (model, NULL, NULL);
    g_clear_pointer (&text, g_free);
    text = cst_chart_scores_describe (model);
    g_assert_nonnull (strstr (text, "about 250 expected responders"));

    cst_scores_model_set_thresholds (model, 0.15, 0.4);
    cst_scores_model_get_band_stats (model, CST_SCORES_BAND_HIGH, &count[2], NULL);
    g_assert_cmpuint (count[2], ==, exact[2]);
  }

  /* A threshold inside a bin splits it in proportion. */
  {
    double edges[3] = { 0.0, 0.5, 1.0 };
    guint64 counts[2] = { 100, 200 };
    g_autoptr(CstScoresModel) two = cst_scores_model_new (2, edges, counts, NULL);

    cst_scores_model_set_thresholds (two, 0.25, 0.75);
    cst_scores_model_get_band_stats (two, CST_SCORES_BAND_LOW, &count[0], &expected[0]);
    cst_scores_model_get_band_stats (two, CST_SCORES_BAND_MEDIUM, &count[1], NULL);
    cst_scores_model_get_band_stats (two, CST_SCORES_BAND_HIGH, &count[2], NULL);
    g_assert_cmpuint (count[0], ==, 50);
    g_assert_cmpuint (count[1], ==, 150);
    g_assert_cmpuint (count[2], ==, 100);
    /* Without score sums a bin expects count × centre: 50 × 0.25. */
    g_assert_cmpfloat_with_epsilon (expected[0], 12.5, 1e-9);
  }

  g_assert_cmpfloat (total_expected, >, 0.0);
  campaign_clear (&c);
}

static void
test_scores_pixels (void)
{
  Campaign c;
  g_autoptr(CstScoresModel) model = NULL;
  CstChartStyle style;
  CstColor bg;
  cairo_surface_t *surface;
  double x_low, x_high, y_base, x, y;

  campaign_init (&c);
  model = scores_model_from (&c);
  cst_scores_model_set_thresholds (model, 0.15, 0.4);
  style_init_for (&style, FALSE, &bg);
  surface = paint_chart (&scores_chart, model, 800, 500, &style);

  data_point (&scores_chart, model, 800, 500, &style, 0.15, 0.0, &x_low, &y_base);
  data_point (&scores_chart, model, 800, 500, &style, 0.4, 0.0, &x_high, &y);
  g_test_message ("thresholds at x = %.1f and %.1f, baseline at y = %.1f", x_low, x_high, y_base);
  g_assert_cmpfloat (x_low, <, x_high);

  /* The threshold lines are dark, solid lines at their x, from top to bottom of the plot. */
  for (int yy = (int) y_base - 150; yy < (int) y_base - 5; yy += 10)
    {
      g_assert_cmpfloat (contrast_at (surface, &bg, (int) round (x_low), yy), >, 1.2);
      g_assert_cmpfloat (contrast_at (surface, &bg, (int) round (x_high), yy), >, 1.2);
    }
  /* And not beside them, in the gap between bars where nothing else is drawn above the bars. */
  g_assert_cmpfloat (contrast_at (surface, &bg, (int) round (x_high) + 12, (int) y_base - 250),
                     <, 0.5);

  /* Bars take their band colours: Low (grey) under 0.15, Medium (palette 1) between, High
   * (palette 0) above 0.4. */
  data_point (&scores_chart, model, 800, 500, &style, 0.275, 0.0, &x, &y);
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 1), x - 10,
                                    y - 40, x + 10, y - 2), >, 300);
  data_point (&scores_chart, model, 800, 500, &style, 0.475, 0.0, &x, &y);
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 0), x - 10,
                                    y - 20, x + 10, y - 2), >, 150);
  /* No Medium colour left of the Low threshold, no High colour left of the High one. */
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 1), 0,
                                    y_base - 300, x_low - 3, y_base), ==, 0);
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 0), 0,
                                    y_base - 300, x_high - 3, y_base), <, 10);

  cairo_surface_destroy (surface);
  cst_chart_style_clear (&style);
  campaign_clear (&c);
}

static void
test_scores_hit_test (void)
{
  Campaign c;
  g_autoptr(CstScoresModel) model = NULL;
  CstChartStyle style;
  CstColor bg;
  double x_low, x_high, x, y;

  campaign_init (&c);
  model = scores_model_from (&c);
  cst_scores_model_set_thresholds (model, 0.15, 0.4);
  style_init_for (&style, FALSE, &bg);

  data_point (&scores_chart, model, 800, 500, &style, 0.15, 0.0, &x_low, &y);
  data_point (&scores_chart, model, 800, 500, &style, 0.4, 0.0, &x_high, &y);

  /* Each bin is found at its centre, with its numbers in the tooltip. */
  for (int bin = 0; bin < 20; bin++)
    {
      g_autofree char *tooltip = NULL;

      data_point (&scores_chart, model, 800, 500, &style, bin * 0.05 + 0.025, 0.0, &x, &y);
      g_assert_cmpint (cst_chart_scores_hit_test (model, 800, 500, &style, x, y - 20, &tooltip),
                       ==, bin);
      if (bin == 3)
        {
          g_test_message ("%s", tooltip);
          g_assert_nonnull (strstr (tooltip, "Scores 0.15 to 0.20"));
          g_assert_nonnull (strstr (tooltip, "Medium band"));
        }
    }

  /* Handles: on the lines, a few pixels off, at the grip above the plot; not 20 pixels away. */
  g_assert_cmpint (cst_chart_scores_hit_handle (model, 800, 500, &style, x_low, y - 50), ==,
                   CST_SCORES_HANDLE_LOW);
  g_assert_cmpint (cst_chart_scores_hit_handle (model, 800, 500, &style, x_high + 5, y - 50), ==,
                   CST_SCORES_HANDLE_HIGH);
  g_assert_cmpint (cst_chart_scores_hit_handle (model, 800, 500, &style, x_high + 20, y - 50), ==,
                   CST_SCORES_HANDLE_NONE);
  g_assert_cmpint (cst_chart_scores_hit_handle (model, 800, 500, &style, x_high, 3), ==,
                   CST_SCORES_HANDLE_NONE);
  g_assert_cmpfloat_with_epsilon (cst_chart_scores_score_at (model, 800, 500, &style, x_high),
                                  0.4, 0.005);

  /* Dragging: moving the High threshold to where the pointer is moves the line there. */
  cst_scores_model_set_thresholds (model, 0.15,
                                   cst_chart_scores_score_at (model, 800, 500, &style,
                                                              x_high + 60));
  g_assert_cmpint (cst_chart_scores_hit_handle (model, 800, 500, &style, x_high + 60, y - 50), ==,
                   CST_SCORES_HANDLE_HIGH);

  /* Outside the plot: nothing. */
  g_assert_cmpint (cst_chart_scores_hit_test (model, 800, 500, &style, 2, 2, NULL), ==, -1);

  cst_chart_style_clear (&style);
  campaign_clear (&c);
}

static void
test_scores_degenerate (void)
{
  double same[50];
  g_autoptr(CstScoresModel) none = cst_scores_model_new_from_scores (0, NULL, 20);
  g_autoptr(CstScoresModel) equal = NULL;
  g_autoptr(CstScoresModel) one_bin = NULL;
  double edges[2] = { 0.0, 1.0 };
  guint64 counts[1] = { 40 };

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    same[i] = 0.42;
  equal = cst_scores_model_new_from_scores (G_N_ELEMENTS (same), same, 20);
  one_bin = cst_scores_model_new (1, edges, counts, NULL);

  check_empty (&scores_chart, none, "No scores");
  check_empty (&scores_chart, equal, "All 50 people have about the same score (0.42)");
  check_empty (&scores_chart, one_bin, "All 40 people");
  check_paints_full (&scores_chart, none, FALSE);
  check_paints_full (&scores_chart, equal, FALSE);
}

/* ---- Gain and lift ------------------------------------------------------------------------ */

static void
test_gain (void)
{
  Campaign c;
  g_autoptr(CstGainModel) model = NULL;
  CstChartStyle style;
  CstColor bg;
  cairo_surface_t *surface;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  double x, y, xd, yd;
  int hit;

  campaign_init (&c);
  model = gain_model_from (&c);
  check_paints (&gain_chart, model);

  style_init_for (&style, FALSE, &bg);
  surface = paint_chart (&gain_chart, model, 800, 500, &style);

  /* A good model's curve runs above the diagonal: at 40 % contacted, the model colour is found
   * well above where random picking is. */
  data_point (&gain_chart, model, 800, 500, &style, 0.4, 0.4, &xd, &yd);
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 0), xd - 2,
                                    yd - 200, xd + 2, yd - 40), >, 4);
  /* Just above the diagonal is the wash under the curve, not the background. */
  g_assert_cmpfloat (contrast_at (surface, &bg, xd, yd - 10), >, 0.05);
  /* Above the curve at 40 %, nothing of the model colour (only the wash stops below it). */
  data_point (&gain_chart, model, 800, 500, &style, 0.4, 0.98, &x, &y);
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 0), x - 2,
                                    y, x + 2, y + 4), ==, 0);
  cairo_surface_destroy (surface);

  data_point (&gain_chart, model, 800, 500, &style, 0.3, 0.5, &x, &y);
  hit = cst_chart_gain_hit_test (model, 800, 500, &style, x, y, &tooltip);
  /* 100 points at 1 %, …, 100 % after the origin: 30 % is point 30. */
  g_assert_cmpint (hit, ==, 30);
  g_test_message ("%s", tooltip);
  g_assert_nonnull (strstr (tooltip, "Contacting 30 % finds"));

  text = cst_chart_gain_describe (model);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "top 20 % of people finds"));
  g_assert_nonnull (strstr (text, "random picking finds 20 % and 50 %"));
  g_assert_nonnull (strstr (text, "% of responders and"));
  g_assert_nonnull (strstr (tooltip, "of responders"));

  /* A named outcome reaches the tooltip and the description. */
  cst_gain_model_set_outcome (model, "buyers", "Buyers found");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&tooltip, g_free);
  text = cst_chart_gain_describe (model);
  g_assert_nonnull (strstr (text, "% of buyers and"));
  g_assert_null (strstr (text, "responders"));
  hit = cst_chart_gain_hit_test (model, 800, 500, &style, x, y, &tooltip);
  g_assert_cmpint (hit, ==, 30);
  g_assert_nonnull (strstr (tooltip, "of buyers"));

  cst_chart_style_clear (&style);
  campaign_clear (&c);
}

static void
test_lift (void)
{
  Campaign c;
  double lift[10];
  g_autoptr(CstLiftModel) model = NULL;
  CstChartStyle style;
  CstColor bg;
  cairo_surface_t *surface;
  g_autofree char *text = NULL;
  g_autofree char *first = NULL;

  campaign_init (&c);
  campaign_lift (&c, lift);
  model = cst_lift_model_new (10, lift);
  check_paints (&lift_chart, model);

  style_init_for (&style, FALSE, &bg);
  surface = paint_chart (&lift_chart, model, 800, 500, &style);
  for (int d = 0; d < 10; d++)
    {
      double x, y, x_top, y_top;
      g_autofree char *tooltip = NULL;

      data_point (&lift_chart, model, 800, 500, &style, d + 0.5, 0.0, &x, &y);
      data_point (&lift_chart, model, 800, 500, &style, d + 0.5, lift[d], &x_top, &y_top);
      g_assert_cmpint (cst_chart_lift_hit_test (model, 800, 500, &style, x, y - 5, &tooltip), ==,
                       d);
      g_assert_nonnull (tooltip);

      /* The bar reaches its lift: coloured just below its top, not just above it. */
      if (y - y_top > 8)
        {
          double rgb[3];

          pixel_rgb (surface, x, y_top + 4, rgb);
          g_assert_true (is_color (rgb, &bg, cst_chart_style_segment (&style, 0)));
          pixel_rgb (surface, x, y_top - 25, rgb);
          g_assert_false (is_color (rgb, &bg, cst_chart_style_segment (&style, 0)));
        }
    }
  cairo_surface_destroy (surface);

  g_assert_cmpfloat (lift[0], >, 2.0);
  text = cst_chart_lift_describe (model);
  first = cst_chart_format_number (lift[0], 1);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, first));
  g_assert_nonnull (strstr (text, "decile 10"));

  cst_chart_style_clear (&style);
  campaign_clear (&c);
}

static void
test_gain_lift_degenerate (void)
{
  double x[2] = { 0.5, 1.0 }, y[2] = { 0.5, 1.0 };
  g_autoptr(CstGainModel) none = cst_gain_model_new (0, NULL, NULL, 0.1);
  g_autoptr(CstGainModel) no_positive = cst_gain_model_new (2, x, y, 0.0);
  g_autoptr(CstLiftModel) no_lift = cst_lift_model_new (0, NULL);
  double nan_lift[3] = { NAN, NAN, NAN };
  g_autoptr(CstLiftModel) all_nan = cst_lift_model_new (3, nan_lift);

  check_empty (&gain_chart, none, "No people");
  check_empty (&gain_chart, no_positive, "Nobody here has responded");
  check_empty (&lift_chart, no_lift, "No responders");
  check_empty (&lift_chart, all_nan, "No responders");
}

/* ---- ROC -------------------------------------------------------------------------------- */

static void
test_roc (void)
{
  Campaign c;
  double auc;
  g_autoptr(CstRocModel) model = NULL;
  CstChartStyle style;
  CstColor bg;
  cairo_surface_t *surface;
  g_autofree char *text = NULL;
  g_autofree char *auc_text = NULL;
  gsize above = 0, below = 0;

  campaign_init (&c);
  model = roc_model_from (&c, &auc);
  g_test_message ("AUC %.4f", auc);
  g_assert_cmpfloat (auc, >, 0.75);
  g_assert_cmpfloat (auc, <, 0.9);
  check_paints (&roc_chart, model);

  style_init_for (&style, FALSE, &bg);
  surface = paint_chart (&roc_chart, model, 800, 500, &style);

  /* Every column of the plot: the curve's colour sits above the diagonal, never below it. */
  for (double f = 0.05; f < 0.96; f += 0.05)
    {
      double x, y_diag, y_top;

      data_point (&roc_chart, model, 800, 500, &style, f, f, &x, &y_diag);
      data_point (&roc_chart, model, 800, 500, &style, f, 1.0, &x, &y_top);
      above += count_color_in (surface, &bg, cst_chart_style_segment (&style, 0), x - 1, y_top,
                               x + 2, y_diag - 4);
      below += count_color_in (surface, &bg, cst_chart_style_segment (&style, 0), x - 1,
                               y_diag + 4, x + 2, y_diag + 200);
    }
  g_test_message ("curve pixels above the diagonal %" G_GSIZE_FORMAT ", below %" G_GSIZE_FORMAT,
                  above, below);
  g_assert_cmpuint (above, >, 40);
  g_assert_cmpuint (below, ==, 0);

  /* The curve passes through its points: found by walking up the column at 10 % false
   * positives, it is at the true positive rate there, and hovering it names that point. */
  {
    double x, y, rgb[3];
    int curve_y = -1;
    double tpr, vx, vy0, vy1;
    g_autofree char *tooltip = NULL;

    data_point (&roc_chart, model, 800, 500, &style, 0.1, 0.0, &x, &y);
    for (int yy = (int) y - 3; yy > y - 400 && curve_y < 0; yy--)
      {
        pixel_rgb (surface, x, yy, rgb);
        if (is_color (rgb, &bg, cst_chart_style_segment (&style, 0))
            && contrast_at (surface, &bg, x, yy) > 0.6)
          curve_y = yy;
      }
    g_assert_cmpint (curve_y, >=, 0);
    data_point (&roc_chart, model, 800, 500, &style, 0.0, 0.0, &vx, &vy0);
    data_point (&roc_chart, model, 800, 500, &style, 0.0, 1.0, &vx, &vy1);
    /* The top edge of a 3-pixel line, so allow its half width. */
    tpr = (vy0 - curve_y - 1.5) / (vy0 - vy1);
    g_test_message ("curve at 10 %% false positives: %.3f", tpr);
    g_assert_cmpfloat (tpr, >, 0.35);
    g_assert_cmpfloat (tpr, <, 0.6);

    g_assert_cmpint (cst_chart_roc_hit_test (model, 800, 500, &style, x, curve_y + 1, &tooltip),
                     >=, 0);
    g_test_message ("%s", tooltip);
    g_assert_true (g_str_has_prefix (tooltip, "Flagging 9.")
                   || g_str_has_prefix (tooltip, "Flagging 10"));
    g_assert_nonnull (strstr (tooltip, "(scores from 0."));
  }
  maybe_save (surface, "roc-check.png");
  cairo_surface_destroy (surface);

  auc_text = cst_chart_format_number (auc, 2);
  text = cst_chart_roc_describe (model);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, auc_text));
  g_assert_nonnull (strstr (text, "area under the curve"));

  /* The AUC from the points (trapezoids) is close to the rank formula's. */
  {
    g_autoptr(CstRocModel) computed = NULL;
    double fpr[3] = { 0.0, 0.5, 1.0 }, tpr[3] = { 0.0, 1.0, 1.0 };
    g_autofree char *square = NULL;

    computed = cst_roc_model_new (3, fpr, tpr, NULL, NAN);
    square = cst_chart_roc_describe (computed);
    g_assert_nonnull (strstr (square, "(AUC 0.75)"));
  }

  cst_chart_style_clear (&style);
  campaign_clear (&c);
}

static void
test_roc_degenerate (void)
{
  g_autoptr(CstRocModel) none = cst_roc_model_new (0, NULL, NULL, NULL, NAN);

  check_empty (&roc_chart, none, "No people");
}

/* ---- Calibration -------------------------------------------------------------------------- */

static void
test_calibration (void)
{
  Campaign c;
  g_autoptr(CstCalibrationModel) model = NULL;
  CstChartStyle style;
  CstColor bg;
  cairo_surface_t *surface;
  g_autofree char *text = NULL;
  double x_big, y_big, x_small, y_small;
  gsize big, small;

  campaign_init (&c);
  model = calibration_model_from (&c);
  check_paints (&calibration_chart, model);

  style_init_for (&style, FALSE, &bg);
  surface = paint_chart (&calibration_chart, model, 800, 500, &style);

  /* Synthetic bins with a known layout: 1,000 people at (0.1, 0.12), 50 at (0.5, 0.4). */
  {
    double pred[3] = { 0.1, 0.3, 0.5 }, obs[3] = { 0.12, 0.3, 0.4 };
    guint64 counts[3] = { 1000, 200, 50 };
    g_autoptr(CstCalibrationModel) known = cst_calibration_model_new (3, pred, obs, counts);
    cairo_surface_t *known_surface = paint_chart (&calibration_chart, known, 800, 500, &style);
    g_autofree char *tooltip = NULL;

    data_point (&calibration_chart, known, 800, 500, &style, 0.1, 0.12, &x_big, &y_big);
    data_point (&calibration_chart, known, 800, 500, &style, 0.5, 0.4, &x_small, &y_small);
    big = count_color_in (known_surface, &bg, cst_chart_style_segment (&style, 0), x_big - 20,
                          y_big - 20, x_big + 20, y_big + 20);
    small = count_color_in (known_surface, &bg, cst_chart_style_segment (&style, 0), x_small - 20,
                            y_small - 20, x_small + 20, y_small + 20);
    g_test_message ("point of 1,000 people: %" G_GSIZE_FORMAT " pixels, of 50: %" G_GSIZE_FORMAT,
                    big, small);
    /* Area follows the count: 20 times the people, several times the pixels. */
    g_assert_cmpuint (big, >, 3 * small);
    g_assert_cmpuint (small, >, 20);

    g_assert_cmpint (cst_chart_calibration_hit_test (known, 800, 500, &style, x_small + 3,
                                                     y_small - 2, &tooltip), ==, 2);
    g_test_message ("%s", tooltip);
    g_assert_nonnull (strstr (tooltip, "Predicted 50 %, 40 % responded — 50 people"));
    g_assert_cmpint (cst_chart_calibration_hit_test (known, 800, 500, &style, x_big, y_big, NULL),
                     ==, 0);
    /* Between the points, away from both: nothing. */
    g_assert_cmpint (cst_chart_calibration_hit_test (known, 800, 500, &style,
                                                     (x_big + x_small) / 2, y_big, NULL), ==, -1);
    cairo_surface_destroy (known_surface);
  }
  cairo_surface_destroy (surface);

  text = cst_chart_calibration_describe (model);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "5000 people"));
  g_assert_nonnull (strstr (text, "off by"));

  cst_chart_style_clear (&style);
  campaign_clear (&c);
}

static void
test_calibration_degenerate (void)
{
  double pred[2] = { 0.3, 0.6 }, obs[2] = { 0.2, 0.5 };
  guint64 counts[2] = { 100, 0 };
  g_autoptr(CstCalibrationModel) none = cst_calibration_model_new (0, NULL, NULL, NULL);
  g_autoptr(CstCalibrationModel) one = cst_calibration_model_new (2, pred, obs, counts);

  check_empty (&calibration_chart, none, "No people");
  check_empty (&calibration_chart, one, "one bin");
}

/* ---- Customer lifetime value -------------------------------------------------------------- */

static int
compare_desc (gconstpointer a,
              gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x < y) - (x > y);
}

static void
test_clv (void)
{
  g_autofree double *values = clv_values (N_PEOPLE);
  g_autofree double *sorted = g_memdup2 (values, N_PEOPLE * sizeof (double));
  g_autoptr(CstClvModel) model = NULL;
  double top = 0.0, all = 0.0;
  g_autofree char *share = NULL;
  g_autofree char *text = NULL;
  g_autofree char *threshold = NULL;
  CstChartStyle style;
  CstColor bg;
  cairo_surface_t *surface;
  double x_thr, y_base, x, y;

  qsort (sorted, N_PEOPLE, sizeof (double), compare_desc);
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      all += sorted[i];
      if (i < N_PEOPLE / 10)
        top += sorted[i];
    }

  model = cst_clv_model_new_from_values (N_PEOPLE, values);
  cst_clv_model_set_currency (model, "EUR");
  check_paints (&clv_chart, model);

  /* The title states the top 10 %'s share, the description the threshold in euros. */
  share = cst_chart_format_percent (top / all, 1);
  text = cst_chart_clv_describe (model);
  g_test_message ("top 10 %% hold %.4f; %s", top / all, text);
  g_assert_nonnull (strstr (text, share));
  threshold = cst_chart_format_money (sorted[N_PEOPLE / 10 - 1], "EUR");
  g_assert_nonnull (strstr (text, threshold));
  g_assert_true (g_str_has_prefix (threshold, "€"));
  g_assert_nonnull (strstr (text, "5000 customers"));

  /* The long tail is cut: the largest value is far beyond the axis, in the last bar. */
  style_init_for (&style, FALSE, &bg);
  surface = paint_chart (&clv_chart, model, 800, 500, &style);
  data_point (&clv_chart, model, 800, 500, &style, sorted[N_PEOPLE / 10 - 1], 0.0, &x_thr,
              &y_base);
  /* Left of the threshold the bars are blue, right of it orange. */
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 0), x_thr - 60,
                                    y_base - 60, x_thr - 4, y_base - 1), >, 100);
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 1), x_thr + 4,
                                    y_base - 30, x_thr + 60, y_base - 1), >, 50);
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 1), 0,
                                    y_base - 300, x_thr - 4, y_base - 1), ==, 0);
  /* The dashed threshold line itself. */
  {
    gsize dark_px = 0;

    for (int yy = (int) y_base - 200; yy < (int) y_base - 2; yy++)
      dark_px += contrast_at (surface, &bg, (int) round (x_thr), yy) > 1.0;
    g_assert_cmpuint (dark_px, >, 60);
  }

  /* Hit tests: a bin at its centre, the tail bar at the right. */
  data_point (&clv_chart, model, 800, 500, &style, 30.0, 0.0, &x, &y);
  {
    g_autofree char *tooltip = NULL;
    int bin = cst_chart_clv_hit_test (model, 800, 500, &style, x, y - 3, &tooltip);

    g_assert_cmpint (bin, >=, 0);
    g_test_message ("%s", tooltip);
    g_assert_nonnull (strstr (tooltip, "€"));
    g_assert_nonnull (strstr (tooltip, "customers"));
  }
  {
    g_autofree char *tooltip = NULL;
    int hit;

    /* The plot ends with the tail bar: near the right edge, the pointer is on it. */
    hit = cst_chart_clv_hit_test (model, 800, 500, &style, 800 - 40, y - 3, &tooltip);
    g_test_message ("%d %s", hit, tooltip != NULL ? tooltip : "(none)");
    g_assert_nonnull (tooltip);
    g_assert_true (g_str_has_prefix (tooltip, "Over €"));
  }
  cairo_surface_destroy (surface);

  /* Money in the C locale: no separators, the sign before the amount, cents below 100. */
  {
    g_autofree char *big = cst_chart_format_money (12345.0, "EUR");
    g_autofree char *small = cst_chart_format_money (12.5, "USD");
    g_autofree char *code = cst_chart_format_money (250.0, "CHF");
    g_autofree char *plain = cst_chart_format_money (250.0, NULL);

    g_assert_cmpstr (big, ==, "€12345");
    g_assert_cmpstr (small, ==, "$12.50");
    g_assert_cmpstr (code, ==, "250\u00a0CHF");
    g_assert_cmpstr (plain, ==, "250");
  }

  cst_chart_style_clear (&style);
}

static void
test_clv_degenerate (void)
{
  double same[20];
  g_autoptr(CstClvModel) none = cst_clv_model_new_from_values (0, NULL);
  g_autoptr(CstClvModel) equal = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    same[i] = 120.0;
  equal = cst_clv_model_new_from_values (G_N_ELEMENTS (same), same);
  cst_clv_model_set_currency (equal, "EUR");

  check_empty (&clv_chart, none, "No customers");
  check_empty (&clv_chart, equal, "All 20 customers have the same predicted value (€120)");
}

/* ---- Reach ------------------------------------------------------------------------------- */

static void
test_reach (void)
{
  g_autoptr(CstReachModel) model = reach_model_new_test (0.8);
  CstChartStyle style;
  CstColor bg;
  cairo_surface_t *surface;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  guint64 chosen = cst_reach_model_get_chosen_audience (model);
  double x, y, x0, y0;

  /* 240,000 × (1 − 0.8)² / 0.25 = 38,400. */
  g_assert_cmpuint (chosen, ==, 38400);
  check_paints (&reach_chart, model);

  style_init_for (&style, FALSE, &bg);
  surface = paint_chart (&reach_chart, model, 800, 500, &style);

  /* The marker: a dark dot on the curve at (0.8, 38,400) and a dashed line down to the axis. */
  data_point (&reach_chart, model, 800, 500, &style, 0.8, chosen, &x, &y);
  data_point (&reach_chart, model, 800, 500, &style, 0.8, 0.0, &x0, &y0);
  g_assert_cmpfloat (contrast_at (surface, &bg, x, y), >, 1.5);
  {
    gsize dark_px = 0;

    for (int yy = (int) y + 10; yy < (int) y0; yy++)
      dark_px += contrast_at (surface, &bg, (int) round (x), yy) > 1.0;
    g_assert_cmpuint (dark_px, >, (gsize) ((y0 - y - 10) * 0.4));
  }
  /* The curve in the model colour at the start, high up. */
  data_point (&reach_chart, model, 800, 500, &style, 0.55, 240000.0 * 0.45 * 0.45 / 0.25, &x, &y);
  g_assert_cmpuint (count_color_in (surface, &bg, cst_chart_style_segment (&style, 0), x - 3,
                                    y - 3, x + 3, y + 3), >, 5);
  cairo_surface_destroy (surface);

  g_assert_cmpint (cst_chart_reach_hit_test (model, 800, 500, &style, x, y, &tooltip), ==, 5);
  g_test_message ("%s", tooltip);
  g_assert_nonnull (strstr (tooltip, "At 0.55: 194400 people"));

  text = cst_chart_reach_describe (model);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "240000 people at 0.50"));
  g_assert_nonnull (strstr (text, "chosen threshold 0.80 gives 38400 people"));

  cst_chart_style_clear (&style);
}

static void
test_reach_degenerate (void)
{
  double t[3] = { 0.5, 0.7, 0.9 };
  guint64 zero[3] = { 0, 0, 0 };
  g_autoptr(CstReachModel) none = cst_reach_model_new (0, NULL, NULL, NAN);
  g_autoptr(CstReachModel) nobody = cst_reach_model_new (3, t, zero, 0.7);
  g_autoptr(CstReachModel) one = cst_reach_model_new (1, t, zero, 0.7);

  check_empty (&reach_chart, none, "No lookalike");
  check_empty (&reach_chart, nobody, "Nobody is similar enough");
  check_empty (&reach_chart, one, "No lookalike");
}

/* ---- Presentation sizes -------------------------------------------------------------------- */

/* On a 1920 × 1080 slide the text grows: the title is taller than on an 800 × 500 page. */
static void
test_presentation_size (void)
{
  g_autoptr(CstReachModel) model = reach_model_new_test (0.8);
  CstChartStyle style;
  CstColor bg;
  double x_small, y_small, x_big, y_big, xs0, ys0, xb0, yb0;

  style_init_for (&style, FALSE, &bg);
  data_point (&reach_chart, model, 800, 500, &style, 0.5, 0.0, &xs0, &ys0);
  data_point (&reach_chart, model, 800, 500, &style, 0.99, 240000.0, &x_small, &y_small);
  data_point (&reach_chart, model, 1920, 1080, &style, 0.5, 0.0, &xb0, &yb0);
  data_point (&reach_chart, model, 1920, 1080, &style, 0.99, 240000.0, &x_big, &y_big);
  g_test_message ("plot top at %.0f (800 × 500) and %.0f (1920 × 1080); left at %.0f and %.0f",
                  y_small, y_big, xs0, xb0);
  /* Everything above and left of the plot (title, legend, tick labels) scales up. */
  g_assert_cmpfloat (y_big, >, y_small * 1.5);
  g_assert_cmpfloat (xb0, >, xs0 * 1.5);
  cst_chart_style_clear (&style);
}

/* In a locale with thousands separators, audiences and money use them, and the currency sign
 * goes where the locale puts its own. */
static void
test_locale (void)
{
  g_autoptr(CstReachModel) model = reach_model_new_test (0.8);
  g_autofree char *text = NULL;
  g_autofree char *money = NULL;
  g_autofree char *tooltip = NULL;
  CstChartStyle style;
  CstColor bg;
  double x, y;

  if (setlocale (LC_NUMERIC, "en_US.UTF-8") == NULL
      || setlocale (LC_MONETARY, "en_US.UTF-8") == NULL)
    {
      setlocale (LC_ALL, "C.UTF-8");
      g_test_skip ("the en_US.UTF-8 locale is not installed");
      return;
    }

  text = cst_chart_reach_describe (model);
  money = cst_chart_format_money (12345.0, "EUR");
  style_init_for (&style, FALSE, &bg);
  data_point (&reach_chart, model, 800, 500, &style, 0.8, 0.0, &x, &y);
  cst_chart_reach_hit_test (model, 800, 500, &style, x, y - 10, &tooltip);
  setlocale (LC_ALL, "C.UTF-8");

  g_test_message ("%s | %s | %s", text, money, tooltip);
  g_assert_nonnull (strstr (text, "240,000 people at 0.50"));
  g_assert_nonnull (strstr (text, "gives 38,400 people"));
  g_assert_cmpstr (money, ==, "€12,345");
  g_assert_cmpstr (tooltip, ==, "At 0.80: 38,400 people");
  cst_chart_style_clear (&style);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/predict-charts/scores/paint", test_scores_paint);
  g_test_add_func ("/cst/predict-charts/scores/bands", test_scores_bands);
  g_test_add_func ("/cst/predict-charts/scores/pixels", test_scores_pixels);
  g_test_add_func ("/cst/predict-charts/scores/hit-test", test_scores_hit_test);
  g_test_add_func ("/cst/predict-charts/scores/degenerate", test_scores_degenerate);
  g_test_add_func ("/cst/predict-charts/gain", test_gain);
  g_test_add_func ("/cst/predict-charts/lift", test_lift);
  g_test_add_func ("/cst/predict-charts/gain-lift/degenerate", test_gain_lift_degenerate);
  g_test_add_func ("/cst/predict-charts/roc", test_roc);
  g_test_add_func ("/cst/predict-charts/roc/degenerate", test_roc_degenerate);
  g_test_add_func ("/cst/predict-charts/calibration", test_calibration);
  g_test_add_func ("/cst/predict-charts/calibration/degenerate", test_calibration_degenerate);
  g_test_add_func ("/cst/predict-charts/clv", test_clv);
  g_test_add_func ("/cst/predict-charts/clv/degenerate", test_clv_degenerate);
  g_test_add_func ("/cst/predict-charts/reach", test_reach);
  g_test_add_func ("/cst/predict-charts/reach/degenerate", test_reach_degenerate);
  g_test_add_func ("/cst/predict-charts/presentation-size", test_presentation_size);
  g_test_add_func ("/cst/predict-charts/locale", test_locale);

  return g_test_run ();
}
