/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "../cst-test-util.h"
#include "cst-ui-test-util.h"
#include "cst-application.h"
#include "cst-pipeline.h"
#include "cst-import-wizard.h"
#include "cst-presentation.h"
#include "cst-segment-dialog.h"
#include "cst-segments-page.h"
#include "cst-window.h"

static CstApplication *app;
static char *data_home;

static void
iterate_until_idle (CstWindow *window,
                    guint      timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + timeout_seconds * G_USEC_PER_SEC;

  while (cst_window_is_busy (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cst_window_is_busy (window));

  /* Let the pages lay out and draw what the job left. */
  for (guint i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

/* Layout happens on the frame clock, some frames after a job's result arrives. */
static void
wait_for_allocation (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while ((gtk_widget_get_width (widget) == 0 || !gtk_widget_get_mapped (widget)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static GtkFlowBox *
find_flow_box (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkFlowBox *found;

      if (GTK_IS_FLOW_BOX (child))
        return GTK_FLOW_BOX (child);
      if ((found = find_flow_box (child)) != NULL)
        return found;
    }
  return NULL;
}

static char *
sample_project_path (void)
{
  return g_build_filename (data_home, "constellate", "Sample Customers.constellate", NULL);
}

static CstWindow *
new_window (void)
{
  CstWindow *window = cst_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  gtk_window_present (GTK_WINDOW (window));
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  return window;
}

static void
test_window_opens (void)
{
  CstWindow *window = new_window ();

  g_assert_cmpstr (cst_window_get_visible_page (window), ==, "welcome");
  g_assert_false (cst_window_has_project (window));
  g_assert_nonnull (find_button (GTK_WIDGET (window), "win.try-sample"));
  g_assert_nonnull (find_button (GTK_WIDGET (window), "win.import"));
  g_assert_nonnull (find_button (GTK_WIDGET (window), "win.open"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Counts the pixels that differ from the background and the distinct colours among them. */
static void
count_texture_pixels (GdkTexture *texture,
                      guint      *n_marked,
                      guint      *n_colours)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  guint32 background;

  gdk_texture_download (texture, pixels, stride);
  memcpy (&background, pixels, 4);
  *n_marked = 0;
  for (int i = 0; i < width * height; i++)
    {
      guint32 pixel;

      memcpy (&pixel, pixels + 4 * i, 4);
      if (pixel != background)
        {
          (*n_marked)++;
          g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
        }
    }
  *n_colours = g_hash_table_size (colours);
}

static void
test_window_sample_path (void)
{
  CstWindow *window = new_window ();
  CstSegmentsPage *page = cst_window_get_segments_page (window);
  GtkWidget *sample_button = find_button (GTK_WIDGET (window), "win.try-sample");
  CstChartView *map;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *project = sample_project_path ();
  GskRenderer *renderer;
  int width, height;
  guint n_marked, n_colours;

  /* Click "Try the Sample Data": the job runs in a thread while the window stays live. */
  g_test_timer_start ();
  g_signal_emit_by_name (sample_button, "clicked");
  g_assert_true (cst_window_is_busy (window));
  g_assert_false (gtk_widget_is_sensitive (sample_button));
  iterate_until_idle (window, 120);
  g_test_message ("sample path in the window, click to segments shown: %.2f s", g_test_timer_elapsed ());

  g_assert_true (cst_window_has_project (window));
  g_assert_true (g_file_test (project, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (cst_window_get_visible_page (window), ==, "segments");
  /* The number of segments was chosen automatically: the sample has four planted groups. */
  g_assert_cmpuint (cst_segments_page_get_n_cards (page), ==, 4);

  /* The map draws real pixels in several segment colours into an offscreen texture. */
  map = cst_segments_page_get_map_view (page);
  wait_for_allocation (GTK_WIDGET (map));
  width = gtk_widget_get_width (GTK_WIDGET (map));
  height = gtk_widget_get_height (GTK_WIDGET (map));
  g_assert_cmpint (width, >, 100);
  g_assert_cmpint (height, >, 100);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (map));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (GTK_WIDGET (map)));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  count_texture_pixels (texture, &n_marked, &n_colours);
  g_test_message ("map %d×%d: %u marked pixels, %u colours", width, height, n_marked, n_colours);
  g_assert_cmpuint (n_marked, >, (guint) (width * height / 50));
  g_assert_cmpuint (n_colours, >=, 4);

  /* Ask for five segments in the model panel and press Find Segments. */
  adw_combo_row_set_selected (find_combo_row (GTK_WIDGET (page), "segments"), 4);
  g_signal_emit_by_name (find_button (GTK_WIDGET (page), "segments.run"), "clicked");
  g_assert_true (cst_window_is_busy (window));
  iterate_until_idle (window, 120);
  g_assert_cmpuint (cst_segments_page_get_n_cards (page), ==, 5);

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWindow *
find_segment_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (CST_IS_SEGMENT_DIALOG (window))
        return window;
    }
  return NULL;
}

static void
test_window_segment_detail (void)
{
  CstWindow *window = new_window ();
  g_autofree char *project = sample_project_path ();
  g_autoptr(GFile) file = g_file_new_for_path (project);
  g_autofree char *dir = g_dir_make_tmp ("constellate-export-XXXXXX", NULL);
  g_autofree char *csv = g_build_filename (dir, "members.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  CstSegmentsPage *page;
  const CstSegmentation *seg;
  GtkWidget *card;
  CstSegmentDialog *dialog;
  gint64 deadline;
  guint lines = 0;

  g_test_summary ("A segment card opens the segment's people, who export as CSV");
  cst_window_open_project (window, file);
  iterate_until_idle (window, 60);
  page = cst_window_get_segments_page (window);
  seg = cst_segments_page_get_segmentation (page);
  g_assert_nonnull (seg);

  /* Click the first card. */
  card = gtk_widget_get_first_child (GTK_WIDGET (find_flow_box (GTK_WIDGET (page))));
  g_assert_true (GTK_IS_FLOW_BOX_CHILD (card));
  g_signal_emit_by_name (card, "activate");
  dialog = CST_SEGMENT_DIALOG (find_segment_dialog ());
  g_assert_nonnull (dialog);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (cst_segment_dialog_is_loading (dialog) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (cst_segment_dialog_get_n_members (dialog), ==, seg->sizes[0]);

  g_assert_true (cst_segment_dialog_export (dialog, csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv, &contents, NULL, &error));
  g_assert_true (g_str_has_prefix (contents, "email,first_name,last_name,orders,total_spend,last_order\n"));
  for (const char *p = contents; *p != '\0'; p++)
    lines += *p == '\n';
  g_assert_cmpuint (lines, ==, seg->sizes[0] + 1);

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  cst_test_remove_dir (dir);
}

/* A German shop export as Excel writes it: semicolons, decimal commas, Windows-1252, D.M.Y. */
static char *
write_german_orders (const char *dir)
{
  g_autoptr(GString) text = g_string_new ("Kundennummer;E-Mail;Bestelldatum;Betrag;Kanal\r\n");
  g_autofree char *path = g_build_filename (dir, "Bestellungen.csv", NULL);
  g_autofree char *cp1252 = NULL;
  gsize length = 0;

  for (guint customer = 0; customer < 60; customer++)
    for (guint order = 0; order < 1 + customer % 7; order++)
      g_string_append_printf (text, "K%04u;kunde%u@beispiel.de;%02u.%02u.2025;%u,%02u;%s\r\n",
                              customer, customer, 1 + (customer + order * 3) % 28, 1 + (order * 2 + customer) % 12,
                              10 + (customer * 7 + order * 13) % 190, (customer * 31) % 100,
                              customer % 3 == 0 ? "Geschäft" : "Online");
  cp1252 = g_convert (text->str, text->len, "WINDOWS-1252", "UTF-8", NULL, &length, NULL);
  g_assert_nonnull (cp1252);
  g_assert_true (g_file_set_contents (path, cp1252, length, NULL));
  return g_steal_pointer (&path);
}

static void
test_window_import_wizard (void)
{
  CstWindow *window = new_window ();
  g_autofree char *dir = g_dir_make_tmp ("constellate-wizard-XXXXXX", NULL);
  g_autofree char *path = write_german_orders (dir);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  CstImportWizard *wizard;
  CstImportPlan *plan;
  gint64 deadline;
  int amount = -1;

  g_test_summary ("The import wizard reads a German Excel export as it is and imports it");
  wizard = cst_window_open_import_wizard (window, &file, 1);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (cst_import_wizard_is_reading (wizard) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 20 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  g_assert_cmpuint (cst_import_wizard_get_n_plans (wizard), ==, 1);
  plan = cst_import_wizard_get_plan (wizard, 0);
  g_assert_cmpint (plan->delimiter, ==, ';');
  g_assert_cmpint (plan->decimal, ==, ',');
  g_assert_cmpstr (plan->encoding, ==, "WINDOWS-1252");
  g_assert_true (plan->has_header);
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  for (guint c = 0; c < plan->n_columns; c++)
    if (plan->roles[c] == CST_ROLE_AMOUNT)
      amount = c;
  g_assert_cmpint (amount, ==, 3);

  /* Press Import: the window imports in its job and shows the segments. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (wizard), NULL), "clicked");
  g_assert_true (cst_window_is_busy (window));
  iterate_until_idle (window, 60);
  g_assert_true (cst_window_has_project (window));
  g_assert_cmpuint (cst_segments_page_get_n_cards (cst_window_get_segments_page (window)), >=, 2);

  /* The same file again, now with a project open: asked, "Add", and refused as already there,
   * with the project unchanged. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    AdwMessageDialog *dialog = NULL;

    wizard = cst_window_open_import_wizard (window, &file, 1);
    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (cst_import_wizard_is_reading (wizard) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_signal_emit_by_name (find_button (GTK_WIDGET (wizard), NULL), "clicked");
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (toplevel))
          dialog = ADW_MESSAGE_DIALOG (toplevel);
      }
    g_assert_nonnull (dialog);
    adw_message_dialog_response (dialog, "add");
    gtk_window_destroy (GTK_WINDOW (dialog));
    iterate_until_idle (window, 60);
    g_assert_true (cst_window_has_project (window));
    /* The refusal is shown in a dialog of its own. */
    dialog = NULL;
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (toplevel))
          dialog = ADW_MESSAGE_DIALOG (toplevel);
      }
    g_assert_nonnull (dialog);
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Already in This Project");
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "already in this project"));
    /* The other thing the user may have meant: the file as a new project of its own. */
    g_assert_true (adw_message_dialog_has_response (dialog, "new"));
    {
      g_autofree char *before = g_strdup (cst_window_get_project_path (window));

      adw_message_dialog_response (dialog, "new");
      gtk_window_destroy (GTK_WINDOW (dialog));
      iterate_until_idle (window, 60);
      g_assert_true (cst_window_has_project (window));
      g_assert_cmpstr (cst_window_get_project_path (window), !=, before);
    }
  }

  gtk_window_destroy (GTK_WINDOW (window));
  cst_test_remove_dir (dir);
}

/* Activates the shortcut of @widget whose trigger reads @trigger_text ("F5"), as pressing the
 * key does. Returns whether there was one and it ran. */
static gboolean
press_shortcut (GtkWidget  *widget,
                const char *trigger_text)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *text = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_str_equal (text, trigger_text))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

/* Delivers a key press to @widget's key controllers, as GTK does for a real key. Returns
 * whether a controller handled it. */
static gboolean
send_key (GtkWidget *widget,
          guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  return handled;
}

static void
test_window_present (void)
{
  CstWindow *window = new_window ();
  g_autofree char *project = sample_project_path ();
  g_autoptr(GFile) file = g_file_new_for_path (project);
  GListModel *toplevels = gtk_window_get_toplevels ();
  CstPresentation *presentation = NULL;
  const CstSegmentation *seg;

  g_test_summary ("F5 presents the segments full screen, one slide per segment after an overview");
  cst_window_open_project (window, file);
  iterate_until_idle (window, 60);
  seg = cst_segments_page_get_segmentation (cst_window_get_segments_page (window));

  /* F5, through the window's own shortcut. */
  g_assert_true (press_shortcut (GTK_WIDGET (window), "F5"));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (CST_IS_PRESENTATION (toplevel))
        presentation = CST_PRESENTATION (toplevel);
    }
  g_assert_nonnull (presentation);
  g_assert_cmpuint (cst_presentation_get_n_slides (presentation), ==, seg->k + 1);
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, 0);

  /* The keys a presenter (or a clicker, which sends Page Down/Up) uses, through the window's own
   * key controller. */
  g_assert_true (send_key (GTK_WIDGET (presentation), GDK_KEY_Right));
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, 1);
  g_assert_true (send_key (GTK_WIDGET (presentation), GDK_KEY_Page_Down));
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, 2);
  g_assert_true (send_key (GTK_WIDGET (presentation), GDK_KEY_Left));
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, 1);
  g_assert_true (send_key (GTK_WIDGET (presentation), GDK_KEY_End));
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, seg->k);
  g_assert_true (send_key (GTK_WIDGET (presentation), GDK_KEY_space));
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, seg->k);
  g_assert_true (send_key (GTK_WIDGET (presentation), GDK_KEY_Home));
  g_assert_cmpuint (cst_presentation_get_slide (presentation), ==, 0);
  g_assert_false (send_key (GTK_WIDGET (presentation), GDK_KEY_a));
  for (guint i = 0; i < 20 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  /* Escape leaves: the presentation window is gone. */
  g_object_add_weak_pointer (G_OBJECT (presentation), (gpointer *) &presentation);
  g_assert_true (send_key (GTK_WIDGET (presentation), GDK_KEY_Escape));
  for (guint i = 0; i < 20 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (presentation);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_cancel (void)
{
  CstWindow *window = new_window ();
  g_autofree char *project = sample_project_path ();
  g_autoptr(CstSegmentation) before = NULL;
  g_autoptr(CstSegmentation) after = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Cancelling the sample job leaves the existing project as it was");
  before = cst_pipeline_load (project, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (before);

  cst_window_try_sample (window);
  g_assert_true (cst_window_is_busy (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-job", NULL);
  iterate_until_idle (window, 60);
  g_assert_false (cst_window_has_project (window));

  after = cst_pipeline_load (project, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->run_id, ==, before->run_id);
  g_assert_cmpuint (after->k, ==, before->k);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_reopen (void)
{
  CstWindow *window = new_window ();
  g_autofree char *project = sample_project_path ();
  g_autoptr(GFile) file = g_file_new_for_path (project);

  CstSegmentsPage *page;
  g_autoptr(CstSegmentation) stored = NULL;
  g_autoptr(GError) error = NULL;
  gint64 run_id;

  g_test_summary ("A stored result is shown again when the project is reopened; a canceled run changes nothing");
  cst_window_open_project (window, file);
  iterate_until_idle (window, 60);
  g_assert_true (cst_window_has_project (window));
  page = cst_window_get_segments_page (window);
  g_assert_cmpuint (cst_segments_page_get_n_cards (page), ==, 5);
  run_id = cst_segments_page_get_segmentation (page)->run_id;

  /* Find Segments, then Cancel: the shown and the stored segments stay as they were. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (page), "segments.run"), "clicked");
  g_assert_true (cst_window_is_busy (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-job", NULL);
  iterate_until_idle (window, 60);
  g_assert_cmpuint (cst_segments_page_get_n_cards (page), ==, 5);
  g_assert_cmpint (cst_segments_page_get_segmentation (page)->run_id, ==, run_id);
  stored = cst_pipeline_load (project, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->run_id, ==, run_id);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  data_home = g_dir_make_tmp ("constellate-ui-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = cst_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/cst/window/opens", test_window_opens);
  g_test_add_func ("/cst/window/sample-path", test_window_sample_path);
  g_test_add_func ("/cst/window/cancel", test_window_cancel);
  g_test_add_func ("/cst/window/reopen", test_window_reopen);
  g_test_add_func ("/cst/window/segment-detail", test_window_segment_detail);
  g_test_add_func ("/cst/window/import-wizard", test_window_import_wizard);
  g_test_add_func ("/cst/window/present", test_window_present);
  status = g_test_run ();

  g_clear_object (&app);
  return status;
}
