/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <stdarg.h>
#include <string.h>

#include "../cst-test-util.h"
#include "cst-deck.h"
#include "cst-pipeline.h"
#include "predict/cst-store-predict.h"

static CstSegmentation *seg;
static char *plain_project;       /* the sample: segments, no predictions */
static char *predicted_project;   /* the same with a stored churn, CLV and lookalike run */
static char *work_dir;

/* Pixels that differ from the corner's colour. */
static guint
count_marked (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data = cairo_image_surface_get_data (surface);
  guint32 background;
  guint n = 0;

  cairo_surface_flush (surface);
  memcpy (&background, data, 4);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel;

        memcpy (&pixel, data + y * stride + 4 * x, 4);
        n += pixel != background;
      }
  return n;
}

static void
test_deck_slides (void)
{
  g_autoptr(GPtrArray) slides = cst_deck_build (seg);
  const char *dir = g_getenv ("CST_TEST_CHART_DIR");
  CstChartStyle style;

  /* An overview, then one slide per segment. */
  g_assert_cmpuint (slides->len, ==, seg->k + 1);

  cst_chart_style_init_light (&style);
  for (guint i = 0; i < slides->len; i++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1280, 720);
      cairo_t *cr = cairo_create (surface);
      g_autofree char *text = cst_chart_slide_describe (g_ptr_array_index (slides, i));
      guint marked;

      cst_chart_slide_paint (cr, g_ptr_array_index (slides, i), 1280, 720, &style);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      marked = count_marked (surface);
      g_test_message ("slide %u: %u marked pixels — %s", i + 1, marked, text);
      g_assert_cmpuint (marked, >, 1280 * 720 / 50);
      if (i > 0)
        g_assert_nonnull (strstr (text, seg->segment_names[i - 1]));
      if (dir != NULL)
        {
          g_autofree char *name = g_strdup_printf ("slide-%u.png", i + 1);
          g_autofree char *path = g_build_filename (dir, name, NULL);

          g_mkdir_with_parents (dir, 0755);
          cairo_surface_write_to_png (surface, path);
        }
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  cst_chart_style_clear (&style);
}

static void
test_deck_pdf (void)
{
  g_autoptr(GPtrArray) slides = cst_deck_build (seg);
  g_autofree char *dir = g_dir_make_tmp ("constellate-deck-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "deck.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  guint pages = 0;

  g_assert_true (cst_deck_write_pdf (slides, path, 960, 540, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  for (const char *p = contents; (p = g_strstr_len (p, length - (p - contents), "/Type /Page\n")) != NULL; p++)
    pages++;
  g_test_message ("deck.pdf: %zu bytes", length);
  g_assert_cmpuint (length, >, 10000);
  (void) pages;
  cst_test_remove_dir (dir);
}

/* Paints every slide in @style at @width × @height; each must draw without a cairo error and
 * cover a fair part of the slide. */
static void
paint_all (GPtrArray           *slides,
           const CstChartStyle *style,
           const char          *style_name,
           int                  width,
           int                  height)
{
  const char *dir = g_getenv ("CST_TEST_CHART_DIR");

  for (guint i = 0; i < slides->len; i++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      cairo_t *cr = cairo_create (surface);
      guint marked;

      cst_chart_slide_paint (cr, g_ptr_array_index (slides, i), width, height, style);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      marked = count_marked (surface);
      g_test_message ("%s %d×%d slide %u: %u marked pixels", style_name, width, height, i + 1, marked);
      g_assert_cmpuint (marked, >, (guint) (width * height / 50));
      if (dir != NULL)
        {
          g_autofree char *name = g_strdup_printf ("deck-%s-%dx%d-%02u.png", style_name, width, height, i + 1);
          g_autofree char *path = g_build_filename (dir, name, NULL);

          g_mkdir_with_parents (dir, 0755);
          cairo_surface_write_to_png (surface, path);
        }
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
}

static void
test_deck_predictions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) slides = cst_deck_build_for_project (predicted_project, &error);
  g_autoptr(CstReportPredictions) predictions = NULL;
  g_autofree char *churn_text = NULL;
  g_autofree char *high = NULL;
  CstChartStyle style;
  CstBandCounts counts;

  g_assert_no_error (error);
  g_assert_nonnull (slides);
  /* Overview, one per segment, then churn, lifetime value and lookalikes. */
  g_assert_cmpuint (slides->len, ==, seg->k + 1 + 3);

  predictions = cst_report_predictions_load_project (predicted_project, &error);
  g_assert_no_error (error);
  g_assert_nonnull (predictions->churn);
  g_assert_null (predictions->purchase);
  g_assert_nonnull (predictions->clv);
  g_assert_nonnull (predictions->lookalike);

  /* The churn headline counts the High band in words, with the drivers and the AUC. */
  churn_text = cst_chart_slide_describe (g_ptr_array_index (slides, seg->k + 1));
  cst_band_count (predictions->churn->probability, predictions->churn->n_people,
                  predictions->churn->low_threshold, predictions->churn->high_threshold, &counts);
  high = g_strdup_printf ("%'zu", counts.n_people[CST_BAND_HIGH]);
  g_test_message ("churn slide: %s", churn_text);
  g_assert_true (g_str_has_prefix (churn_text, high));
  g_assert_nonnull (strstr (churn_text, "likely to stop buying in the next"));
  g_assert_nonnull (strstr (churn_text, "AUC"));
  g_assert_nonnull (strstr (churn_text, "What makes it more likely"));
  g_assert_cmpuint (predictions->churn->drivers->len, >, 0);
  {
    const CstPropensityDriver *driver = g_ptr_array_index (predictions->churn->drivers, 0);

    g_assert_nonnull (strstr (churn_text, driver->text + 1));
  }
  {
    g_autofree char *text = cst_chart_slide_describe (g_ptr_array_index (slides, seg->k + 2));

    g_test_message ("CLV slide: %s", text);
    g_assert_true (g_str_has_prefix (text, "The top 10"));
    g_assert_nonnull (strstr (text, "of customers hold "));
  }
  {
    g_autofree char *text = cst_chart_slide_describe (g_ptr_array_index (slides, seg->k + 3));

    g_test_message ("lookalike slide: %s", text);
    g_assert_nonnull (strstr (text, "Audience: "));
  }

  if (g_getenv ("CST_TEST_CHART_DIR") != NULL)
    {
      g_autofree char *pdf = g_build_filename (g_getenv ("CST_TEST_CHART_DIR"), "deck.pdf", NULL);

      g_mkdir_with_parents (g_getenv ("CST_TEST_CHART_DIR"), 0755);
      g_assert_true (cst_deck_write_pdf (slides, pdf, 960, 540, &error));
      g_assert_no_error (error);
    }

  cst_chart_style_init_light (&style);
  paint_all (slides, &style, "light", 1280, 720);
  paint_all (slides, &style, "light", 1024, 768);
  cst_chart_style_clear (&style);
  cst_chart_style_init_dark (&style);
  paint_all (slides, &style, "dark", 1280, 720);
  cst_chart_style_clear (&style);
}

/* A project without predictions keeps the segment deck as it was. */
static void
test_deck_no_predictions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) slides = cst_deck_build_for_project (plain_project, &error);
  g_autoptr(CstReportPredictions) predictions = cst_report_predictions_load_project (plain_project, &error);
  g_autoptr(GPtrArray) none = cst_deck_build_predictions (predictions);
  g_autoptr(GPtrArray) missing = cst_deck_build_for_project ("/nonexistent/x.constellate", &error);

  g_assert_null (missing);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (slides);
  g_assert_cmpuint (slides->len, ==, seg->k + 1);
  g_assert_true (cst_report_predictions_is_empty (predictions));
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_deck_predict_charts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstReportPredictions) predictions = cst_report_predictions_load_project (predicted_project, &error);
  g_autoptr(CstReportPredictions) empty = cst_report_predictions_load_project (plain_project, &error);
  g_autofree char *dir = g_dir_make_tmp ("constellate-deck-XXXXXX", NULL);

  g_assert_no_error (error);
  for (const char * const *kind = cst_report_predict_chart_kinds (); *kind != NULL; kind++)
    {
      g_autofree char *name = g_strdup_printf ("%s.png", *kind);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (cst_report_export_predict_chart (predictions, *kind, path, 900, 560, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_true (length > 8 && memcmp (contents, "\x89PNG", 4) == 0);
      g_test_message ("%s: %zu bytes", *kind, length);

      /* Without a run, a sentence instead of an empty chart. */
      g_assert_false (cst_report_export_predict_chart (empty, *kind, path, 900, 560, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_test_message ("%s without a run: %s", *kind, error->message);
      g_clear_error (&error);
    }
  g_assert_false (cst_report_export_predict_chart (predictions, "pie", "x.png", 900, 560, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  cst_test_remove_dir (dir);
}

static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  const char *cli = g_getenv ("CST_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) cli);
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static void
test_deck_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("constellate-deck-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "roc.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "deck.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  gsize length = 0;

  if (g_getenv ("CST_CLI") == NULL)
    {
      g_test_skip ("CST_CLI does not name constellate-cli");
      return;
    }

  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "chart", "--project", predicted_project, "--kind", "roc",
                              "--out", png, NULL), ==, 0);
    g_assert_true (g_file_get_contents (png, &contents, &length, NULL));
    g_assert_true (length > 1000 && memcmp (contents, "\x89PNG", 4) == 0);
    g_test_message ("chart --kind roc: %zu bytes", length);
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "chart", "--project", plain_project, "--kind", "roc",
                              "--out", png, NULL), ==, 1);
    g_test_message ("chart --kind roc without predictions: %s", err);
    g_assert_nonnull (strstr (err, "no churn or purchase predictions"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "chart", "--project", plain_project, "--kind", "pie",
                              "--out", png, NULL), ==, 2);
    g_assert_nonnull (strstr (err, "reach"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (&out, &err, "deck", "--project", predicted_project, "--out", pdf, "--json", NULL), ==, 0);
    expected = g_strdup_printf ("\"slides\":%u", seg->k + 4);
    g_test_message ("deck: %s", out);
    g_assert_nonnull (strstr (out, expected));
  }
  cst_test_remove_dir (dir);
}

/* Stores a churn, a lifetime value and a lookalike run (seed: the first segment) in @path. */
static void
add_predictions (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = cst_store_open (path, &error);
  g_autoptr(CstPropensityRun) churn = NULL;
  g_autoptr(CstClvRun) clv = NULL;
  g_autoptr(CstLookalikeRun) look = NULL;
  g_autoptr(GArray) seed = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *description = NULL;
  CstPropensityOptions options;
  CstClvOptions clv_options;
  gint64 identity_run;
  gint64 start = g_get_monotonic_time ();

  g_assert_no_error (error);
  identity_run = cst_store_get_latest_identity_run (store, NULL);
  cst_propensity_options_init (&options);
  churn = cst_propensity_run (store, identity_run, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_store_save_propensity (store, churn, &error));
  g_assert_no_error (error);

  cst_clv_options_init (&clv_options);
  clv_options.n_bootstrap = 5;
  clv = cst_clv_run (store, identity_run, &clv_options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_store_save_clv (store, clv, &error));
  g_assert_no_error (error);

  for (gsize i = 0; i < seg->n_people; i++)
    if (seg->labels[i] == 0)
      g_array_append_val (seed, seg->person_ids[i]);
  description = g_strdup_printf ("“%s”", seg->segment_names[0]);
  look = cst_lookalike_run (store, identity_run, (const gint64 *) seed->data, seed->len, description,
                            CST_LOOKALIKE_AUTO, 42, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_store_save_lookalike (store, look, &error));
  g_assert_no_error (error);
  g_test_message ("predictions stored in %.1f s", (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  CstSampleOptions sample;
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);

  work_dir = g_dir_make_tmp ("constellate-deck-XXXXXX", NULL);
  plain_project = g_build_filename (work_dir, "sample.constellate", NULL);
  predicted_project = g_build_filename (work_dir, "predicted.constellate", NULL);
  cst_sample_options_init (&sample);
  cst_segmentation_options_init (&options);
  g_assert_true (cst_pipeline_create_sample (plain_project, &sample, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  seg = g_steal_pointer (&summary.segmentation);
  cst_pipeline_summary_clear (&summary);
  {
    g_autoptr(GFile) from = g_file_new_for_path (plain_project);
    g_autoptr(GFile) to = g_file_new_for_path (predicted_project);

    g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  add_predictions (predicted_project);

  g_test_add_func ("/cst/deck/slides", test_deck_slides);
  g_test_add_func ("/cst/deck/pdf", test_deck_pdf);
  g_test_add_func ("/cst/deck/predictions", test_deck_predictions);
  g_test_add_func ("/cst/deck/no-predictions", test_deck_no_predictions);
  g_test_add_func ("/cst/deck/predict-charts", test_deck_predict_charts);
  g_test_add_func ("/cst/deck/cli", test_deck_cli);
  status = g_test_run ();

  cst_segmentation_free (seg);
  cst_test_remove_dir (work_dir);
  g_free (work_dir);
  g_free (plain_project);
  g_free (predicted_project);
  return status;
}
