/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "../cst-test-util.h"
#include "cst-pipeline.h"
#include "cst-presentation.h"
#include "predict/cst-store-predict.h"
#include "store/cst-store.h"

/* The presentation of a project with stored predictions: the segment slides at once, the
 * prediction slides added when the worker thread has loaded them. */

static CstSegmentation *seg;
static char *project;

static void
add_predictions (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = cst_store_open (path, &error);
  g_autoptr(CstPropensityRun) churn = NULL;
  g_autoptr(CstClvRun) clv = NULL;
  CstPropensityOptions options;
  CstClvOptions clv_options;
  gint64 identity_run;

  g_assert_no_error (error);
  identity_run = cst_store_get_latest_identity_run (store, NULL);
  cst_propensity_options_init (&options);
  churn = cst_propensity_run (store, identity_run, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_store_save_propensity (store, churn, &error));
  g_assert_no_error (error);
  cst_clv_options_init (&clv_options);
  clv_options.n_bootstrap = 0;
  clv = cst_clv_run (store, identity_run, &clv_options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_store_save_clv (store, clv, &error));
  g_assert_no_error (error);
}

static void
wait_loaded (CstPresentation *presentation)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (cst_presentation_is_loading (presentation) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cst_presentation_is_loading (presentation));
}

static void
test_presentation_predictions (void)
{
  CstPresentation *presentation = cst_presentation_new_for_project (NULL, seg, project);

  /* The segments at once; the keys work while the predictions load. */
  g_assert_cmpuint (cst_presentation_get_n_slides (presentation), ==, seg->k + 1);
  cst_presentation_go (presentation, 1);
  wait_loaded (presentation);

  /* Then churn and lifetime value after them, where the presenter was left alone. */
  g_assert_cmpuint (cst_presentation_get_n_slides (presentation), ==, seg->k + 3);
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, 1);
  cst_presentation_go (presentation, 100);
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, seg->k + 2);
  cst_presentation_go (presentation, -100);
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, 0);
  gtk_window_destroy (GTK_WINDOW (presentation));
}

/* Closing before the predictions arrive cancels silently. */
static void
test_presentation_close_early (void)
{
  CstPresentation *presentation = cst_presentation_new_for_project (NULL, seg, project);
  gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (presentation), (gpointer *) &presentation);
  gtk_window_destroy (GTK_WINDOW (presentation));
  g_assert_null (presentation);
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

/* A project that cannot be read leaves the segment deck and says so in a toast. */
static void
test_presentation_missing_project (void)
{
  CstPresentation *presentation = cst_presentation_new_for_project (NULL, seg, "/nonexistent/x.constellate");

  wait_loaded (presentation);
  g_assert_cmpuint (cst_presentation_get_n_slides (presentation), ==, seg->k + 1);
  gtk_window_destroy (GTK_WINDOW (presentation));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("constellate-presentation-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  CstSampleOptions sample;
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };
  int status;

  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  project = g_build_filename (dir, "sample.constellate", NULL);
  cst_sample_options_init (&sample);
  cst_segmentation_options_init (&options);
  g_assert_true (cst_pipeline_create_sample (project, &sample, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  seg = g_steal_pointer (&summary.segmentation);
  cst_pipeline_summary_clear (&summary);
  add_predictions (project);

  g_test_add_func ("/cst/presentation/predictions", test_presentation_predictions);
  g_test_add_func ("/cst/presentation/close-early", test_presentation_close_early);
  g_test_add_func ("/cst/presentation/missing-project", test_presentation_missing_project);
  status = g_test_run ();

  cst_segmentation_free (seg);
  cst_test_remove_dir (dir);
  g_free (project);
  return status;
}
