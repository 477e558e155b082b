/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audience export dialog and the privacy window (issue 8) on a sample project, under Xvfb. */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cst-test-util.h"
#include "cst-ui-test-util.h"
#include "audience/cst-privacy.h"
#include "cst-audience-dialog.h"
#include "cst-pipeline.h"
#include "cst-privacy-window.h"
#include "io/cst-sample.h"
#include "store/cst-store.h"

static char *tmp_dir;
static char *project;

/* Runs the main loop until @busy says the widget's jobs ended (previews, exports, erasures). */
static void
iterate_while (gboolean (*busy) (gpointer),
               gpointer  widget,
               guint     timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + timeout_seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (busy (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  g_assert_false (busy (widget));
  for (guint i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
dialog_busy (gpointer dialog)
{
  return cst_audience_dialog_is_busy (dialog);
}

static gboolean
privacy_busy (gpointer window)
{
  return cst_privacy_window_is_busy (window);
}

static void
assert_counts_add_up (const CstExportSummary *summary)
{
  g_assert_cmpuint (summary->n_candidates, >, 0);
  g_assert_cmpuint (summary->n_candidates, ==, summary->n_no_consent + summary->n_filtered + summary->n_eligible);
  g_assert_cmpuint (summary->n_eligible, ==, summary->n_held + summary->n_written);
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gboolean
collect_email_cb (const CstAudienceMember *member,
                  gpointer                 user_data)
{
  GPtrArray *emails = user_data;

  if (member->email != NULL && member->email[0] != '\0')
    g_ptr_array_add (emails, g_ascii_strdown (member->email, -1));
  return TRUE;
}

/* The emails of the people the stored audience holds back. */
static GPtrArray *
held_emails (gint64 audience_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = cst_store_open (project, &error);
  g_autoptr(GHashTable) members = NULL;
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (gint64));
  GPtrArray *emails = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_assert_no_error (error);
  members = cst_store_audience_load_members (store, audience_id, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, members);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_INT (value) - 1 == 1)
      g_array_append_val (held, *(gint64 *) key);
  g_array_sort (held, compare_int64);
  g_assert_true (cst_store_audience_foreach_member (store, (const gint64 *) (void *) held->data, held->len,
                                                    collect_email_cb, emails, &error));
  g_assert_no_error (error);
  return emails;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;
  return n;
}

static void
test_audience_dialog (void)
{
  CstAudienceDialog *dialog = cst_audience_dialog_new_for_segment (NULL, project, 0, "Segment 0");
  const CstExportSummary *preview;
  const CstExportSummary *exported;
  CstExportSummary first;
  AdwComboRow *country;
  g_autofree char *csv_path = g_build_filename (tmp_dir, "audience.csv", NULL);
  g_autofree char *hashed_path = g_build_filename (tmp_dir, "audience-google.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *hashed = NULL;
  g_autoptr(GPtrArray) held = NULL;
  g_autoptr(GError) error = NULL;

  gtk_window_present (GTK_WINDOW (dialog));
  iterate_while (dialog_busy, dialog, 60);

  /* The preview counts appear and add up. */
  preview = cst_audience_dialog_get_preview (dialog);
  g_assert_nonnull (preview);
  assert_counts_add_up (preview);
  g_assert_cmpuint (preview->n_held, >, 0);
  g_assert_cmpfloat_with_epsilon (preview->holdout_share, 0.10, 1e-9);
  first = *preview;

  /* A bigger holdout holds more people back from the same eligible ones. */
  cst_audience_dialog_set_holdout_share (dialog, 0.25);
  iterate_while (dialog_busy, dialog, 60);
  preview = cst_audience_dialog_get_preview (dialog);
  assert_counts_add_up (preview);
  g_assert_cmpuint (preview->n_eligible, ==, first.n_eligible);
  g_assert_cmpuint (preview->n_held, >, first.n_held);
  g_assert_cmpfloat_with_epsilon (preview->holdout_share, 0.25, 1e-9);

  /* Export to a CSV through the dialog: one row per person written, nobody held back. */
  cst_audience_dialog_export_to (dialog, csv_path);
  g_assert_true (cst_audience_dialog_is_busy (dialog));
  iterate_while (dialog_busy, dialog, 120);
  exported = cst_audience_dialog_get_export_summary (dialog);
  g_assert_nonnull (exported);
  assert_counts_add_up (exported);
  g_assert_cmpuint (exported->n_written, ==, preview->n_written);
  g_assert_cmpuint (exported->n_held, ==, preview->n_held);
  g_assert_cmpint (exported->audience_id, >, 0);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_lines (csv), ==, exported->n_written + 1);
  lower = g_ascii_strdown (csv, -1);
  held = held_emails (exported->audience_id);
  g_assert_cmpuint (held->len, >, 0);
  for (guint i = 0; i < held->len; i++)
    g_assert_null (strstr (lower, g_ptr_array_index (held, i)));

  /* After the export the audience's holdout is stored and kept. */
  preview = cst_audience_dialog_get_preview (dialog);
  g_assert_true (preview->holdout_reused);
  g_assert_cmpint (preview->audience_id, ==, exported->audience_id);

  /* Campaign results: every fifth written person with an email converted, and two held back. */
  {
    g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);
    g_auto(GStrv) header = g_strsplit (lines[0], ",", -1);
    g_autofree char *results_path = g_build_filename (tmp_dir, "results.csv", NULL);
    GString *results = g_string_new ("email,converted\n");
    const CstLift *lift;
    guint email_column = 0;
    gsize converted = 0;

    while (header[email_column] != NULL && g_ascii_strcasecmp (header[email_column], "email") != 0)
      email_column++;
    g_assert_nonnull (header[email_column]);
    for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
      {
        g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);

        if (g_strv_length (fields) > email_column && strchr (fields[email_column], '@') != NULL && i % 5 == 0)
          {
            g_string_append_printf (results, "%s,1\n", fields[email_column]);
            converted++;
          }
      }
    for (guint i = 0; i < 2; i++)
      g_string_append_printf (results, "%s,1\n", (char *) g_ptr_array_index (held, i));
    g_assert_true (g_file_set_contents (results_path, results->str, -1, &error));
    g_string_free (results, TRUE);

    cst_audience_dialog_import_results_from (dialog, results_path);
    iterate_while (dialog_busy, dialog, 60);
    lift = cst_audience_dialog_get_lift (dialog);
    g_assert_nonnull (lift);
    g_assert_cmpuint (lift->n_treatment, ==, exported->n_written);
    g_assert_cmpuint (lift->n_holdout, ==, exported->n_held);
    g_assert_cmpuint (lift->conversions_treatment, ==, converted);
    g_assert_cmpuint (lift->conversions_holdout, ==, 2);
    g_assert_cmpfloat (lift->absolute_low, <=, lift->absolute_lift);
    g_assert_cmpfloat (lift->absolute_lift, <=, lift->absolute_high);
  }

  /* A hashed list for Google writes no raw email. */
  cst_audience_dialog_set_format (dialog, CST_EXPORT_HASHED, CST_HASHED_GOOGLE);
  iterate_while (dialog_busy, dialog, 60);
  cst_audience_dialog_export_to (dialog, hashed_path);
  iterate_while (dialog_busy, dialog, 120);
  exported = cst_audience_dialog_get_export_summary (dialog);
  g_assert_true (g_file_get_contents (hashed_path, &hashed, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (strchr (hashed, '@'));
  g_assert_cmpuint (count_lines (hashed), ==, exported->n_written - exported->n_no_identifier + 1);
  g_assert_true (g_str_has_prefix (hashed, "Email,Phone"));

  /* One country only: the others are left out by the rules, and this other audience has a
   * holdout of its own, not stored yet. */
  country = find_combo_row (GTK_WIDGET (dialog), "Country");
  g_assert_nonnull (country);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (country)), >, 2);
  adw_combo_row_set_selected (country, 1);
  iterate_while (dialog_busy, dialog, 60);
  preview = cst_audience_dialog_get_preview (dialog);
  assert_counts_add_up (preview);
  g_assert_cmpuint (preview->n_candidates, ==, first.n_candidates);
  g_assert_cmpuint (preview->n_filtered, >, 0);
  g_assert_false (preview->holdout_reused);
  g_assert_cmpint (preview->audience_id, ==, 0);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Closing while the first preview runs: the workers end quietly (fatal warnings are on). */
static void
test_audience_close_busy (void)
{
  CstAudienceDialog *dialog = cst_audience_dialog_new_for_segment (NULL, project, 1, "Segment 1");
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (cst_audience_dialog_is_busy (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static gint64
source_of_kind (CstSourceKind kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = cst_store_open (project, &error);
  g_autoptr(GArray) sources = NULL;

  g_assert_no_error (error);
  sources = cst_store_list_sources (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sources->len; i++)
    if (g_array_index (sources, CstSourceInfo, i).kind == kind)
      return g_array_index (sources, CstSourceInfo, i).id;
  g_assert_not_reached ();
}

static gint64
contacts_source_id (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = cst_store_open (project, &error);
  g_autoptr(GArray) sources = NULL;

  g_assert_no_error (error);
  sources = cst_store_list_sources (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sources->len; i++)
    if (g_array_index (sources, CstSourceInfo, i).kind == CST_SOURCE_CONTACTS)
      return g_array_index (sources, CstSourceInfo, i).id;
  g_assert_not_reached ();
}

/* An email of a person of segment 0. */
static char *
some_email (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = cst_store_open (project, &error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) emails = g_ptr_array_new_with_free_func (g_free);
  gint64 run_id;
  guint segment;

  g_assert_true (cst_store_audience_find_segment (store, "0", &run_id, &segment, &error));
  g_assert_true (cst_store_audience_segment_people (store, run_id, segment, ids, &error));
  g_assert_true (cst_store_audience_foreach_member (store, (const gint64 *) (void *) ids->data, MIN (ids->len, 20),
                                                    collect_email_cb, emails, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (emails->len, >, 0);
  return g_strdup (g_ptr_array_index (emails, 0));
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
test_privacy_window (void)
{
  guint n_changed = 0;
  CstPrivacyWindow *window = cst_privacy_window_new (NULL, project);
  gint64 source_id = contacts_source_id ();
  g_autofree char *email = some_email ();
  gint64 n_erasures;

  gtk_window_present (GTK_WINDOW (window));
  iterate_while (privacy_busy, window, 60);
  g_assert_false (cst_privacy_window_get_sensitive (window, source_id, "Phone"));
  n_erasures = cst_privacy_window_get_n_erasures (window);
  g_assert_cmpint (n_erasures, ==, 0);
  g_assert_cmpuint (cst_privacy_window_get_n_log_rows (window), ==, 0);
  /* The file's own columns are listed, those no importer field maps to as well: the sample's
   * birth_date has a row, flagged by its name. */
  g_assert_cmpstr (cst_privacy_window_get_column_note (window, source_id, "birth_date"), ==,
                   "The name looks sensitive");
  g_assert_false (cst_privacy_window_get_sensitive (window, source_id, "birth_date"));

  /* Marking the orders' amount sensitive flags what predicts it: the average order (a
   * behaviour) and the file's own items column (measured in tests/audience/find-proxies). */
  cst_privacy_window_set_sensitive (window, source_of_kind (CST_SOURCE_ORDERS), "amount", TRUE);
  iterate_while (privacy_busy, window, 60);
  g_assert_nonnull (strstr (cst_privacy_window_get_column_note (window, source_of_kind (CST_SOURCE_ORDERS), "amount"),
                            "Average order (r = 0."));
  g_assert_true (g_str_has_prefix (cst_privacy_window_get_column_note (window, source_of_kind (CST_SOURCE_ORDERS), "items"),
                                   "Predicts the sensitive “amount”"));
  cst_privacy_window_set_sensitive (window, source_of_kind (CST_SOURCE_ORDERS), "amount", FALSE);
  iterate_while (privacy_busy, window, 60);
  g_assert_null (cst_privacy_window_get_column_note (window, source_of_kind (CST_SOURCE_ORDERS), "items"));

  /* Mark a column sensitive: it is stored, and a reopened window shows it so. */
  cst_privacy_window_set_sensitive (window, source_id, "Phone", TRUE);
  iterate_while (privacy_busy, window, 60);
  gtk_window_destroy (GTK_WINDOW (window));
  window = cst_privacy_window_new (NULL, project);
  gtk_window_present (GTK_WINDOW (window));
  iterate_while (privacy_busy, window, 60);
  g_assert_true (cst_privacy_window_get_sensitive (window, source_id, "Phone"));
  g_assert_false (cst_privacy_window_get_sensitive (window, source_id, "Email"));

  /* Erase a person by email: the search finds them before and not after, and the log has one
   * entry more. */
  g_signal_connect (window, "project-changed", G_CALLBACK (count_cb), &n_changed);
  cst_privacy_window_search (window, email);
  iterate_while (privacy_busy, window, 60);
  g_assert_cmpuint (cst_privacy_window_get_n_found (window), >=, 1);
  cst_privacy_window_erase_found (window);
  iterate_while (privacy_busy, window, 60);
  g_assert_cmpint (cst_privacy_window_get_n_erasures (window), ==, n_erasures + 1);
  g_assert_cmpuint (cst_privacy_window_get_n_log_rows (window), ==, n_erasures + 1);
  g_assert_cmpuint (n_changed, ==, 1);
  cst_privacy_window_search (window, email);
  iterate_while (privacy_busy, window, 60);
  g_assert_cmpuint (cst_privacy_window_get_n_found (window), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
find_visible_button (GtkWidget  *widget,
                     const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_visible_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_privacy_copy (void)
{
  CstPrivacyWindow *window = cst_privacy_window_new (NULL, project);
  g_autofree char *copy = g_build_filename (tmp_dir, "copy.constellate", NULL);

  gtk_window_present (GTK_WINDOW (window));
  iterate_while (privacy_busy, window, 60);

  /* Cancel, as the progress row's button does: no file, no error. */
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "share");
  cst_privacy_window_save_copy_to (window, copy);
  for (guint i = 0; i < 20 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  {
    GtkWidget *cancel = find_visible_button (GTK_WIDGET (window), "_Cancel");

    g_assert_nonnull (cancel);
    g_signal_emit_by_name (cancel, "clicked");
  }
  iterate_while (privacy_busy, window, 120);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_assert_null (find_visible_button (GTK_WIDGET (window), "_Cancel"));

  cst_privacy_window_save_copy_to (window, copy);
  iterate_while (privacy_busy, window, 120);
  g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  CstSampleOptions sample;
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  tmp_dir = g_dir_make_tmp ("constellate-audience-ui-XXXXXX", NULL);
  project = g_build_filename (tmp_dir, "sample.constellate", NULL);
  cst_sample_options_init (&sample);
  sample.n_people = 2000;
  cst_segmentation_options_init (&options);
  options.k = 4;
  if (!cst_pipeline_create_sample (project, &sample, &options, &summary, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
  cst_pipeline_summary_clear (&summary);

  /* For screenshots while building: CST_TEST_SHOW=audience|privacy[:PAGE] shows the window on
   * the sample project until killed, instead of testing. */
  if (g_getenv ("CST_TEST_SHOW") != NULL)
    {
      g_auto(GStrv) show = g_strsplit (g_getenv ("CST_TEST_SHOW"), ":", 2);
      GtkWindow *window;

      if (g_str_equal (show[0], "privacy"))
        {
          /* Something to show: a sensitive column with stand-ins, two erasures in the log. */
          {
            g_autoptr(CstStore) store = cst_store_open (project, &error);

            g_assert_no_error (error);
            g_assert_true (cst_privacy_mark_sensitive (store, source_of_kind (CST_SOURCE_ORDERS), "amount", TRUE, &error));
            g_assert_true (cst_privacy_erase_person (store, 11, NULL, NULL, NULL, NULL, NULL, &error));
            g_assert_true (cst_privacy_erase_person (store, 12, NULL, NULL, NULL, NULL, NULL, &error));
          }
          window = GTK_WINDOW (cst_privacy_window_new (NULL, project));
          if (show[1] != NULL)
            adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window),
                                                          g_str_equal (show[1], "confirm") ? "erase" : show[1]);
        }
      else
        window = GTK_WINDOW (cst_audience_dialog_new_for_segment (NULL, project, 0, "Segment 0"));
      if (g_getenv ("CST_TEST_SHOW_HEIGHT") != NULL)
        gtk_window_set_default_size (window, 680, atoi (g_getenv ("CST_TEST_SHOW_HEIGHT")));
      gtk_window_set_modal (window, FALSE);
      gtk_window_present (window);
      if (show[1] != NULL && g_str_equal (show[0], "privacy"))
        {
          adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window),
                                                          g_str_equal (show[1], "confirm") ? "erase" : show[1]);
          if (g_str_equal (show[1], "erase") || g_str_equal (show[1], "confirm"))
            {
              g_autofree char *email = some_email ();

              adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "erase");
              iterate_while (privacy_busy, window, 60);
              cst_privacy_window_search (CST_PRIVACY_WINDOW (window), email);
              if (g_str_equal (show[1], "confirm"))
                {
                  iterate_while (privacy_busy, window, 60);
                  gtk_widget_activate_action (GTK_WIDGET (window), "privacy.erase", NULL);
                }
            }
        }
      else if (show[1] != NULL && g_str_equal (show[1], "done"))
        {
          g_autofree char *path = g_build_filename (tmp_dir, "Weekend bargain hunters 2026-11-22.csv", NULL);

          iterate_while (dialog_busy, window, 60);
          cst_audience_dialog_export_to (CST_AUDIENCE_DIALOG (window), path);
        }
      while (TRUE)
        g_main_context_iteration (NULL, TRUE);
    }

  g_test_add_func ("/cst/audience-dialog/preview-export", test_audience_dialog);
  g_test_add_func ("/cst/audience-dialog/close-busy", test_audience_close_busy);
  g_test_add_func ("/cst/audience-dialog/privacy", test_privacy_window);
  g_test_add_func ("/cst/audience-dialog/privacy-copy", test_privacy_copy);
  status = g_test_run ();

  cst_test_remove_dir (tmp_dir);
  g_free (project);
  g_free (tmp_dir);
  return status;
}
