/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../cst-test-util.h"
#include "cst-ui-test-util.h"
#include "cst-chart-predict.h"
#include "cst-chart-view.h"
#include "cst-pipeline.h"
#include "cst-predictions-page.h"
#include "predict/cst-lookalike.h"
#include "predict/cst-propensity.h"
#include "io/cst-sample.h"
#include "predict/cst-store-predict.h"
#include "store/cst-store.h"

static char *data_home;
static char *project;
static CstSegmentation *segmentation;

static void
settle (void)
{
  for (guint i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

/* Layout happens on the frame clock, some frames after a result arrives. */
static void
wait_for_allocation (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while ((gtk_widget_get_width (widget) < 100 || gtk_widget_get_height (widget) < 100 ||
          !gtk_widget_get_mapped (widget)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static void
wait_until_idle (CstPredictionsPage *page,
                 guint               timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + timeout_seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (cst_predictions_page_is_busy (page) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  g_assert_false (cst_predictions_page_is_busy (page));
  settle ();
}

/* Collects the widgets of @type in tree order. */
static void
find_all (GtkWidget *root,
          GType      type,
          GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (g_type_is_a (G_OBJECT_TYPE (child), type))
        g_ptr_array_add (found, child);
      find_all (child, type, found);
    }
}

static GtkWindow *
new_window (CstPredictionsPage **page)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  *page = CST_PREDICTIONS_PAGE (cst_predictions_page_new ());
  gtk_window_set_child (window, GTK_WIDGET (*page));
  gtk_window_set_default_size (window, 1200, 900);
  gtk_window_present (window);
  settle ();
  return window;
}

static void
click (GtkWidget  *root,
       const char *action_name)
{
  GtkWidget *button = find_button (root, action_name);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
test_empty (void)
{
  CstPredictionsPage *page;
  GtkWindow *window = new_window (&page);
  g_autofree char *missing = g_build_filename (data_home, "empty.constellate", NULL);
  GtkStack *stack;
  g_autoptr(GPtrArray) stacks = g_ptr_array_new ();

  find_all (GTK_WIDGET (page), GTK_TYPE_STACK, stacks);
  stack = g_ptr_array_index (stacks, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (page), "predictions.run")));

  /* A new, empty project has no people: the page says what it needs. */
  cst_predictions_page_set_project (page, missing);
  wait_until_idle (page, 30);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_null (cst_predictions_page_get_headline (page));

  gtk_window_destroy (window);
}

static void
test_churn (void)
{
  CstPredictionsPage *page;
  GtkWindow *window = new_window (&page);
  g_autoptr(GPtrArray) scales = g_ptr_array_new ();
  gsize counts[3], moved[3];
  gsize n;
  const char *headline;

  g_test_timer_start ();
  cst_predictions_page_set_project (page, project);
  wait_until_idle (page, 60);
  g_test_message ("project read (orders, suggested splits, stored runs): %.2f s", g_test_timer_elapsed ());
  g_assert_null (cst_predictions_page_get_headline (page));

  g_test_timer_start ();
  click (GTK_WIDGET (page), "predictions.run");
  g_assert_true (cst_predictions_page_is_busy (page));
  g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (page), "predictions.run")));
  wait_until_idle (page, 240);
  g_test_message ("churn run from the button: %.2f s", g_test_timer_elapsed ());

  headline = cst_predictions_page_get_headline (page);
  g_assert_nonnull (headline);
  g_test_message ("headline: %s", headline);
  g_assert_nonnull (strstr (headline, "AUC 0."));

  n = cst_predictions_page_get_band_counts (page, counts);
  g_assert_cmpuint (n, >, 100);
  g_assert_cmpuint (counts[0] + counts[1] + counts[2], ==, n);

  /* The threshold lines can be grabbed where the view paints them, with the view's own style
   * (its font and scale): at 0.30 the Low/Medium handle, at 0.60 the Medium/High one. */
  {
    g_autoptr(GPtrArray) views = g_ptr_array_new ();
    CstChartView *view;
    const CstChartStyle *style;
    double width, height;
    const double at[2] = { CST_BAND_DEFAULT_LOW, CST_BAND_DEFAULT_HIGH };
    const CstScoresHandle want[2] = { CST_SCORES_HANDLE_LOW, CST_SCORES_HANDLE_HIGH };

    find_all (GTK_WIDGET (page), CST_TYPE_CHART_VIEW, views);
    view = g_ptr_array_index (views, 0);
    wait_for_allocation (GTK_WIDGET (view));
    width = gtk_widget_get_width (GTK_WIDGET (view));
    height = gtk_widget_get_height (GTK_WIDGET (view));
    style = cst_chart_view_get_style (view);
    g_assert_nonnull (style);
    for (guint h = 0; h < 2; h++)
      {
        double x, y;
        gboolean grabbed = FALSE;

        g_assert_true (cst_chart_predict_data_to_point (CST_PREDICT_CHART_SCORES, cst_chart_view_get_model (view),
                                                        width, height, style, at[h], 0.0, &x, &y));
        for (double row = 0; row < height && !grabbed; row += 2.0)
          grabbed = cst_chart_scores_hit_handle (cst_chart_view_get_model (view), width, height, style,
                                                 x, row) == want[h];
        g_assert_true (grabbed);
      }
  }

  /* The first two scales are the band thresholds (Medium from, High from). Moving the upper
   * one down puts more people in High, and the bands still add up. */
  find_all (GTK_WIDGET (page), GTK_TYPE_SCALE, scales);
  g_assert_cmpuint (scales->len, >=, 2);
  gtk_range_set_value (GTK_RANGE (g_ptr_array_index (scales, 1)), 0.35);
  gtk_range_set_value (GTK_RANGE (g_ptr_array_index (scales, 0)), 0.1);
  settle ();
  g_assert_cmpuint (cst_predictions_page_get_band_counts (page, moved), ==, n);
  g_assert_cmpuint (moved[0] + moved[1] + moved[2], ==, n);
  g_assert_cmpuint (moved[2], >=, counts[2]);
  g_assert_true (moved[0] != counts[0] || moved[1] != counts[1] || moved[2] != counts[2]);

  /* Pushing Medium above High drags High along: thresholds stay ordered. */
  gtk_range_set_value (GTK_RANGE (g_ptr_array_index (scales, 0)), 0.8);
  settle ();
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (g_ptr_array_index (scales, 1))), >=, 0.8);
  cst_predictions_page_get_band_counts (page, moved);
  g_assert_cmpuint (moved[1], ==, 0);

  /* Once the thresholds rest, they are saved (in a worker) with the stored bands. */
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    guint wake = g_timeout_add (50, wake_cb, NULL);
    gboolean saved = FALSE;

    while (!saved && g_get_monotonic_time () < deadline)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(CstStore) store = NULL;
        g_autoptr(CstPropensityRun) stored = NULL;

        g_main_context_iteration (NULL, TRUE);
        store = cst_store_open (project, &error);
        g_assert_no_error (error);
        stored = cst_store_load_latest_propensity (store, CST_PROPENSITY_CHURN, &error);
        g_assert_no_error (error);
        saved = fabs (stored->low_threshold - 0.8) < 1e-9 && fabs (stored->high_threshold - 0.8) < 1e-9;
        if (saved)
          for (gsize i = 0; i < stored->n_people; i++)
            g_assert_cmpint (stored->band[i], ==, cst_band_for (stored->probability[i], 0.8, 0.8));
      }
    g_source_remove (wake);
    g_assert_true (saved);
  }

  /* The histogram names the outcome: leavers, not responders. */
  {
    g_autoptr(GPtrArray) views = g_ptr_array_new ();
    g_autofree char *described = NULL;

    find_all (GTK_WIDGET (page), CST_TYPE_CHART_VIEW, views);
    described = cst_chart_scores_describe (cst_chart_view_get_model (g_ptr_array_index (views, 0)));
    g_test_message ("scores chart: %s", described);
    g_assert_nonnull (strstr (described, "expected leavers"));
    g_assert_null (strstr (described, "responders"));
    g_assert_nonnull (cst_chart_view_get_style (g_ptr_array_index (views, 0)));
  }

  /* The other question has no run yet: its results are hidden, and its split is its own. */
  {
    g_autoptr(GPtrArray) combos = g_ptr_array_new ();

    find_all (GTK_WIDGET (page), ADW_TYPE_COMBO_ROW, combos);
    adw_combo_row_set_selected (g_ptr_array_index (combos, 0), 1);
    settle ();
    g_assert_null (cst_predictions_page_get_headline (page));
    g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (page), "predictions.run")));
    adw_combo_row_set_selected (g_ptr_array_index (combos, 0), 0);
    settle ();
    g_assert_nonnull (cst_predictions_page_get_headline (page));
  }

  /* The run was stored: a new page on the same project shows it again. */
  gtk_window_destroy (window);
  window = new_window (&page);
  cst_predictions_page_set_project (page, project);
  wait_until_idle (page, 60);
  g_assert_nonnull (cst_predictions_page_get_headline (page));
  g_assert_cmpuint (cst_predictions_page_get_band_counts (page, counts), ==, n);
  /* … with the thresholds as they were left. */
  g_ptr_array_set_size (scales, 0);
  find_all (GTK_WIDGET (page), GTK_TYPE_SCALE, scales);
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (GTK_RANGE (g_ptr_array_index (scales, 0))), 0.8, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (GTK_RANGE (g_ptr_array_index (scales, 1))), 0.8, 1e-9);
  g_assert_cmpuint (counts[1], ==, 0);
  gtk_window_destroy (window);
}

static void
test_cancel (void)
{
  CstPredictionsPage *page;
  GtkWindow *window = new_window (&page);
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstClvRun) run = NULL;
  g_autoptr(GError) error = NULL;

  cst_predictions_page_set_project (page, project);
  wait_until_idle (page, 60);

  click (GTK_WIDGET (page), "predictions.run-clv");
  g_assert_true (cst_predictions_page_is_busy (page));
  click (GTK_WIDGET (page), "predictions.cancel");
  wait_until_idle (page, 60);
  /* Cancelling is silent: no dialog opened, the page stays usable. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, 1);
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (page), "predictions.run-clv")));
  g_assert_cmpuint (cst_predictions_page_get_n_top_customers (page), ==, 0);

  /* Nothing was stored by the cancelled run. */
  store = cst_store_open (project, &error);
  g_assert_no_error (error);
  run = cst_store_load_latest_clv (store, &error);
  g_assert_no_error (error);
  g_assert_null (run);
  gtk_window_destroy (window);
}

/* Closing the window during a run: the job is cancelled, its result never reaches the disposed
 * widgets, and the page is finalized once the worker is done. */
static void
test_close_while_running (void)
{
  CstPredictionsPage *page;
  GtkWindow *window = new_window (&page);
  gint64 deadline;

  cst_predictions_page_set_project (page, project);
  wait_until_idle (page, 60);
  click (GTK_WIDGET (page), "predictions.run-clv");
  g_assert_true (cst_predictions_page_is_busy (page));

  g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &page);
  gtk_window_destroy (window);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (page != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (page);
}

static void
test_clv (void)
{
  CstPredictionsPage *page;
  GtkWindow *window = new_window (&page);
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstClvRun) run = NULL;
  g_autoptr(GError) error = NULL;

  cst_predictions_page_set_project (page, project);
  wait_until_idle (page, 60);

  g_test_timer_start ();
  click (GTK_WIDGET (page), "predictions.run-clv");
  wait_until_idle (page, 240);
  g_test_message ("CLV run from the button: %.2f s", g_test_timer_elapsed ());
  g_assert_cmpuint (cst_predictions_page_get_n_top_customers (page), ==, 20);

  /* The top customers go by name, with the email beneath. */
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();
    guint named = 0, listed = 0;

    find_all (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, rows);
    for (guint i = 0; i < rows->len; i++)
      {
        const char *title = adw_preferences_row_get_title (g_ptr_array_index (rows, i));
        const char *subtitle = adw_action_row_get_subtitle (g_ptr_array_index (rows, i));

        if (subtitle == NULL || strstr (subtitle, "purchases expected") == NULL)
          continue;
        listed++;
        if (strchr (title, '@') == NULL && strchr (title, ' ') != NULL && strchr (subtitle, '@') != NULL)
          named++;
      }
    g_test_message ("top customers: %u listed, %u by name", listed, named);
    g_assert_cmpuint (listed, ==, 20);
    g_assert_cmpuint (named, >=, 10);
  }

  /* What the list shows is what was stored; no value is negative and each range holds it. */
  store = cst_store_open (project, &error);
  g_assert_no_error (error);
  run = cst_store_load_latest_clv (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  g_assert_cmpuint (run->result->n_customers, >, 100);
  for (gsize i = 0; i < run->result->n_customers; i++)
    {
      const CstClvValue *v = &run->result->values[i];

      g_assert_cmpfloat (v->clv, >=, 0.0);
      g_assert_cmpfloat (v->clv_low, >=, 0.0);
      g_assert_cmpfloat (v->expected_purchases, >=, 0.0);
      g_assert_cmpfloat (v->p_alive, >=, 0.0);
      g_assert_cmpfloat (v->p_alive, <=, 1.0);
    }
  gtk_window_destroy (window);
}

static void
export_cb (CstPredictionsPage *page,
           GArray             *ids,
           GArray            **out)
{
  *out = g_array_copy (ids);
}

static void
test_lookalike (void)
{
  CstPredictionsPage *page;
  GtkWindow *window = new_window (&page);
  g_autoptr(GPtrArray) views = g_ptr_array_new ();
  g_autoptr(GPtrArray) scales = g_ptr_array_new ();
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GHashTable) seed = g_hash_table_new (g_int64_hash, g_int64_equal);
  CstChartView *reach;

  cst_predictions_page_set_project (page, project);
  cst_predictions_page_set_segmentation (page, segmentation);
  wait_until_idle (page, 60);

  /* The first seed offered is the first segment. */
  for (gsize i = 0; i < segmentation->n_people; i++)
    if (segmentation->labels[i] == 0)
      g_hash_table_add (seed, &segmentation->person_ids[i]);

  click (GTK_WIDGET (page), "predictions.run-lookalike");
  wait_until_idle (page, 240);

  find_all (GTK_WIDGET (page), CST_TYPE_CHART_VIEW, views);
  reach = g_ptr_array_index (views, views->len - 1);
  g_assert_nonnull (cst_chart_view_get_model (reach));
  wait_for_allocation (GTK_WIDGET (reach));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (reach)));

  /* A press on the reach curve picks the similarity under it: 0.3 of the axis' width. */
  find_all (GTK_WIDGET (page), GTK_TYPE_SCALE, scales);
  {
    GtkRange *similarity = g_ptr_array_index (scales, scales->len - 1);
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (reach));
    double x0, x1, y, width = gtk_widget_get_width (GTK_WIDGET (reach));
    double height = gtk_widget_get_height (GTK_WIDGET (reach));
    CstChartStyle style;
    gboolean picked = FALSE;

    cst_chart_style_init_light (&style);
    g_assert_true (cst_chart_predict_data_to_point (CST_PREDICT_CHART_REACH, cst_chart_view_get_model (reach),
                                                    width, height, &style, 0.0, 0.0, &x0, &y));
    g_assert_true (cst_chart_predict_data_to_point (CST_PREDICT_CHART_REACH, cst_chart_view_get_model (reach),
                                                    width, height, &style, 1.0, 0.0, &x1, &y));
    cst_chart_style_clear (&style);
    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_DRAG (controller))
          {
            g_signal_emit_by_name (controller, "drag-begin", x0 + 0.3 * (x1 - x0), y);
            picked = TRUE;
          }
      }
    g_assert_true (picked);
    settle ();
    g_assert_cmpfloat_with_epsilon (gtk_range_get_value (similarity), 0.3, 0.011);
  }

  g_signal_connect (page, "export-audience", G_CALLBACK (export_cb), &ids);
  click (GTK_WIDGET (page), "predictions.export-audience");
  g_assert_nonnull (ids);
  g_assert_cmpuint (ids->len, >, 0);
  g_test_message ("lookalike audience at similarity 0.3: %u people", ids->len);
  for (guint i = 0; i < ids->len; i++)
    g_assert_false (g_hash_table_contains (seed, &g_array_index (ids, gint64, i)));
  gtk_window_destroy (window);
}

/* The High band of a churn run is a seed too: after Predict the seed list offers it; the stored
 * lookalike run has exactly that band as its seed, and the audience holds nobody from it. */
static void
test_lookalike_high_band (void)
{
  CstPredictionsPage *page;
  GtkWindow *window = new_window (&page);
  g_autoptr(GHashTable) high = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstPropensityRun) churn = NULL;
  g_autoptr(CstLookalikeRun) look = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  AdwComboRow *seed_row;
  GListModel *choices;
  guint choice = G_MAXUINT;
  gsize n_seed = 0;

  cst_predictions_page_set_project (page, project);
  cst_predictions_page_set_segmentation (page, segmentation);
  wait_until_idle (page, 60);
  click (GTK_WIDGET (page), "predictions.run");
  wait_until_idle (page, 240);

  seed_row = find_combo_row (GTK_WIDGET (page), "these people");
  g_assert_nonnull (seed_row);
  choices = adw_combo_row_get_model (seed_row);
  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (choices), i), "High band of"))
      choice = i;
  g_assert_cmpuint (choice, !=, G_MAXUINT);
  adw_combo_row_set_selected (seed_row, choice);

  click (GTK_WIDGET (page), "predictions.run-lookalike");
  wait_until_idle (page, 240);

  store = cst_store_open (project, &error);
  g_assert_no_error (error);
  churn = cst_store_load_latest_propensity (store, CST_PROPENSITY_CHURN, &error);
  g_assert_no_error (error);
  look = cst_store_load_latest_lookalike (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (churn);
  g_assert_nonnull (look);
  g_assert_true (g_str_has_prefix (look->seed_description, "High band of"));

  for (gsize i = 0; i < churn->n_people; i++)
    if (churn->band[i] == CST_BAND_HIGH)
      g_hash_table_add (high, &churn->person_ids[i]);
  g_assert_cmpuint (g_hash_table_size (high), >, 0);
  for (gsize i = 0; i < look->n_people; i++)
    {
      g_assert_cmpint (look->is_seed[i] != 0, ==, g_hash_table_contains (high, &look->person_ids[i]));
      n_seed += look->is_seed[i] != 0;
    }
  g_assert_cmpuint (n_seed, ==, look->n_seed);
  g_assert_cmpuint (look->n_seed + look->n_seed_unknown, ==, g_hash_table_size (high));

  g_signal_connect (page, "export-audience", G_CALLBACK (export_cb), &ids);
  click (GTK_WIDGET (page), "predictions.export-audience");
  g_assert_nonnull (ids);
  g_test_message ("High band seed: %u people; lookalike audience: %u people",
                  g_hash_table_size (high), ids->len);
  for (guint i = 0; i < ids->len; i++)
    g_assert_false (g_hash_table_contains (high, &g_array_index (ids, gint64, i)));
  gtk_window_destroy (window);
}

/* CST_PREDPAGE_SHOW=PROJECT shows the page on a project until the window is closed, for
 * screenshots. */
static int
show_page (const char *path)
{
  CstPredictionsPage *page;
  GtkWindow *window = new_window (&page);
  g_autoptr(CstSegmentation) seg = cst_pipeline_load (path, NULL, NULL);

  g_auto(GStrv) actions = g_strsplit (g_getenv ("CST_PREDPAGE_RUN") != NULL ? g_getenv ("CST_PREDPAGE_RUN") : "",
                                      ",", -1);
  int width = 1200, height = 900;

  if (g_getenv ("CST_PREDPAGE_SIZE") != NULL)
    sscanf (g_getenv ("CST_PREDPAGE_SIZE"), "%dx%d", &width, &height);
  gtk_window_set_default_size (window, width, height);
  gtk_window_set_title (window, "Predictions");
  cst_predictions_page_set_project (page, path);
  cst_predictions_page_set_segmentation (page, seg);
  for (guint i = 0; actions[i] != NULL; i++)
    if (*actions[i] != '\0')
      {
        wait_until_idle (page, 120);
        gtk_widget_activate_action (GTK_WIDGET (page), actions[i], NULL);
      }
  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);
  return 0;
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

  data_home = g_dir_make_tmp ("constellate-predpage-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (g_getenv ("CST_PREDPAGE_SHOW") != NULL)
    return show_page (g_getenv ("CST_PREDPAGE_SHOW"));

  project = g_build_filename (data_home, "sample.constellate", NULL);
  cst_sample_options_init (&sample);
  cst_segmentation_options_init (&options);
  g_assert_true (cst_pipeline_create_sample (project, &sample, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  segmentation = g_steal_pointer (&summary.segmentation);
  cst_pipeline_summary_clear (&summary);
  cst_segmentation_options_clear (&options);
  g_assert_nonnull (segmentation);

  g_test_add_func ("/cst/predictions-page/empty", test_empty);
  g_test_add_func ("/cst/predictions-page/churn", test_churn);
  g_test_add_func ("/cst/predictions-page/cancel", test_cancel);
  g_test_add_func ("/cst/predictions-page/close-while-running", test_close_while_running);
  g_test_add_func ("/cst/predictions-page/clv", test_clv);
  g_test_add_func ("/cst/predictions-page/lookalike", test_lookalike);
  g_test_add_func ("/cst/predictions-page/lookalike-high-band", test_lookalike_high_band);
  status = g_test_run ();

  g_clear_pointer (&segmentation, cst_segmentation_free);
  g_free (project);
  return status;
}
