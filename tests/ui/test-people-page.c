/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The People page on the sample project: summary, review queue, keys, undo, Apply, search. */

#include "config.h"

#include <adwaita.h>
#include <stdlib.h>
#include <string.h>

#include "../cst-test-util.h"
#include "cst-ui-test-util.h"
#include "cst-people-page.h"
#include "cst-pipeline.h"
#include "linkage/cst-store-linkage.h"

static char *dir;
static char *project;

typedef gboolean (*Predicate) (CstPeoplePage *page, gpointer data);

/* Runs the main loop until @done holds and the page has nothing running. */
static void
wait_until (CstPeoplePage *page,
            Predicate      done,
            gpointer       data,
            guint          timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + timeout_seconds * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while ((cst_people_page_is_busy (page) || (done != NULL && !done (page, data))) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  g_assert_false (cst_people_page_is_busy (page));
  if (done != NULL)
    g_assert_true (done (page, data));
  for (guint i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
n_listed_is (CstPeoplePage *page,
             gpointer       data)
{
  return cst_people_page_get_n_people_listed (page) == GPOINTER_TO_UINT (data);
}

static gboolean
has_records (CstPeoplePage *page,
             gpointer       data)
{
  return cst_people_page_get_n_person_records (page) > 0;
}

static GtkWidget *
find_by_type (GtkWidget *root,
              GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_by_type (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static GtkLabel *
find_label_starting (GtkWidget  *root,
                     const char *prefix)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (child) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (child)), prefix))
        return GTK_LABEL (child);
      if ((found = find_label_starting (child, prefix)) != NULL)
        return found;
    }
  return NULL;
}

/* Presses @keyval as the page's own shortcut does: the binding that a key press on the page
 * triggers, found among the page's shortcut controllers. */
static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                 widget, gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

static CstStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  CstStore *store = cst_store_open (project, &error);

  g_assert_no_error (error);
  return store;
}

/* The person of the newest run that holds @record_id: one indexed lookup in the store. */
static gint64
person_of (CstStore *store,
           gint64    record_id)
{
  gint64 person = cst_store_linkage_person_of_record (store, -1, record_id);

  g_assert_cmpint (person, >, 0);
  return person;
}

static GtkWidget *
focus_of (GtkWidget *widget)
{
  return gtk_root_get_focus (gtk_widget_get_root (widget));
}

static char *
expected_summary (const CstLinkageSummary *summary)
{
  /* gtk_test_init() runs the tests in en_US.UTF-8: thousands separators, no translation. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT " records → %'" G_GINT64_FORMAT " people",
                          summary->n_records, summary->n_people);
}

static GtkWidget *
new_window (GtkWidget *page)
{
  GtkWidget *window = adw_window_new ();

  adw_window_set_content (ADW_WINDOW (window), page);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
changed_cb (CstPeoplePage *page,
            guint         *count)
{
  (*count)++;
}

static void
test_people_page_empty (void)
{
  CstPeoplePage *page = CST_PEOPLE_PAGE (cst_people_page_new ());
  GtkWidget *window = new_window (GTK_WIDGET (page));

  cst_people_page_set_project (page, NULL);
  wait_until (page, NULL, NULL, 5);
  g_assert_null (cst_people_page_get_summary_text (page));
  g_assert_cmpuint (cst_people_page_get_n_review (page), ==, 0);
  g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (page), "people.apply")));
  g_assert_nonnull (find_by_type (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A project whose records were never compared offers to find the people. */
static void
test_people_page_not_linked (void)
{
  CstPeoplePage *page = CST_PEOPLE_PAGE (cst_people_page_new ());
  GtkWidget *window = new_window (GTK_WIDGET (page));
  g_autofree char *path = g_build_filename (dir, "empty.constellate", NULL);
  g_autoptr(GError) error = NULL;
  CstStore *store = cst_store_open (path, &error);
  GtkWidget *find;

  g_assert_no_error (error);
  cst_store_close (store);

  cst_people_page_set_project (page, path);
  wait_until (page, NULL, NULL, 10);
  g_assert_null (cst_people_page_get_summary_text (page));
  find = find_button (gtk_widget_get_first_child (GTK_WIDGET (page)), "people.apply");
  g_assert_true (GTK_IS_BUTTON (find));
  g_assert_true (gtk_widget_get_visible (find) && gtk_widget_is_sensitive (find));
  g_signal_emit_by_name (find, "clicked");
  g_assert_true (cst_people_page_is_busy (page));
  wait_until (page, NULL, NULL, 30);
  g_assert_cmpstr (cst_people_page_get_summary_text (page), ==, "0 records → 0 people");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_people_page_review (void)
{
  CstPeoplePage *page = CST_PEOPLE_PAGE (cst_people_page_new ());
  GtkWidget *window = new_window (GTK_WIDGET (page));
  g_autoptr(GError) error = NULL;
  CstStore *store = open_store ();
  CstLinkageSummary before = { 0 }, after = { 0 };
  g_autoptr(GPtrArray) review = NULL;
  g_autoptr(GArray) decisions = NULL;
  g_autofree char *summary_text = NULL;
  gint64 same_a, same_b;
  gboolean apart_before;
  guint n_review, n_changed = 0;
  GtkWidget *button;

  g_assert_true (cst_store_linkage_get_summary (store, -1, &before, &error));
  g_assert_no_error (error);
  review = cst_store_linkage_list_review (store, before.run_id, 500, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (review->len, >=, 3);
  same_a = ((CstLinkageReviewItem *) g_ptr_array_index (review, 0))->record_a;
  same_b = ((CstLinkageReviewItem *) g_ptr_array_index (review, 0))->record_b;
  apart_before = person_of (store, same_a) != person_of (store, same_b);
  cst_store_close (store);

  g_signal_connect (page, "people-changed", G_CALLBACK (changed_cb), &n_changed);
  g_test_timer_start ();
  cst_people_page_set_project (page, project);
  g_assert_true (cst_people_page_is_busy (page));
  wait_until (page, NULL, NULL, 60);
  g_test_message ("load: %.3f s", g_test_timer_elapsed ());

  /* The summary says what the store holds. */
  summary_text = expected_summary (&before);
  g_assert_cmpstr (cst_people_page_get_summary_text (page), ==, summary_text);
  n_review = cst_people_page_get_n_review (page);
  g_assert_cmpuint (n_review, ==, review->len);
  {
    guint n_property;
    gboolean busy;

    g_object_get (page, "n-review", &n_property, "busy", &busy, NULL);
    g_assert_cmpuint (n_property, ==, n_review);
    g_assert_false (busy);
  }
  g_assert_cmpuint (cst_people_page_get_n_pending (page), ==, 0);

  /* Same, with the button: the first pair of the queue (the most informative) is stored. */
  button = find_button (GTK_WIDGET (page), "people.same");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_grab_focus (button));
  g_signal_emit_by_name (button, "clicked");
  wait_until (page, NULL, NULL, 10);
  g_assert_cmpuint (cst_people_page_get_n_review (page), ==, n_review - 1);
  g_assert_cmpuint (cst_people_page_get_n_pending (page), ==, 1);
  /* The button went insensitive while the answer was stored; the focus is back in the review
   * card, so the next key press reaches the page's shortcuts. */
  g_assert_nonnull (focus_of (GTK_WIDGET (page)));
  g_assert_true (gtk_widget_is_ancestor (focus_of (GTK_WIDGET (page)), GTK_WIDGET (page)));

  /* Different, with the N key. */
  g_assert_true (press_key (GTK_WIDGET (page), GDK_KEY_n));
  wait_until (page, NULL, NULL, 10);
  g_assert_cmpuint (cst_people_page_get_n_review (page), ==, n_review - 2);
  g_assert_cmpuint (cst_people_page_get_n_pending (page), ==, 2);

  store = open_store ();
  decisions = cst_store_linkage_list_decisions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 2);
  g_assert_true (g_array_index (decisions, CstLinkageDecision, 0).same);
  g_assert_false (g_array_index (decisions, CstLinkageDecision, 1).same);
  g_assert_cmpint (MIN (g_array_index (decisions, CstLinkageDecision, 0).record_a,
                        g_array_index (decisions, CstLinkageDecision, 0).record_b), ==, MIN (same_a, same_b));
  g_clear_pointer (&decisions, g_array_unref);
  cst_store_close (store);

  /* Skip moves on without a decision. */
  g_assert_true (press_key (GTK_WIDGET (page), GDK_KEY_s));
  g_assert_cmpuint (cst_people_page_get_n_review (page), ==, n_review - 2);
  g_assert_cmpuint (cst_people_page_get_n_pending (page), ==, 2);

  /* Undo, with the button: the Different decision goes, its pair comes back. */
  button = find_button (GTK_WIDGET (page), "people.undo");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  wait_until (page, NULL, NULL, 10);
  g_assert_cmpuint (cst_people_page_get_n_review (page), ==, n_review - 1);
  g_assert_cmpuint (cst_people_page_get_n_pending (page), ==, 1);
  store = open_store ();
  decisions = cst_store_linkage_list_decisions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 1);
  g_assert_true (g_array_index (decisions, CstLinkageDecision, 0).same);
  g_assert_cmpint (cst_store_linkage_count_pending_decisions (store, -1, &error), ==, 1);
  cst_store_close (store);

  /* Reopened, the page still knows that one change waits to be applied. */
  cst_people_page_set_project (page, project);
  wait_until (page, NULL, NULL, 60);
  g_assert_cmpuint (cst_people_page_get_n_pending (page), ==, 1);
  g_assert_nonnull (find_label_starting (GTK_WIDGET (page), "1 change waiting"));
  g_assert_cmpuint (cst_people_page_get_n_review (page), ==, n_review - 1);

  /* Apply re-runs the linker in a thread with the one Same decision. */
  button = find_button (GTK_WIDGET (page), "people.apply");
  g_assert_nonnull (button);
  g_test_timer_start ();
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (cst_people_page_is_busy (page));
  wait_until (page, NULL, NULL, 120);
  g_test_message ("apply (link again and reload): %.3f s", g_test_timer_elapsed ());
  g_assert_cmpuint (n_changed, ==, 1);
  g_assert_cmpuint (cst_people_page_get_n_pending (page), ==, 0);

  store = open_store ();
  g_assert_true (cst_store_linkage_get_summary (store, -1, &after, &error));
  g_assert_no_error (error);
  g_assert_cmpint (after.run_id, >, before.run_id);
  g_assert_cmpint (after.n_records, ==, before.n_records);
  g_free (summary_text);
  summary_text = expected_summary (&after);
  g_assert_cmpstr (cst_people_page_get_summary_text (page), ==, summary_text);
  /* The answered pair has left the queue for good. */
  g_assert_cmpuint (cst_people_page_get_n_review (page), ==, n_review - 1);

  /* The pair said to be the same is one person now; if it was two before, one fewer person. */
  g_assert_cmpint (person_of (store, same_a), ==, person_of (store, same_b));
  g_assert_cmpint (cst_store_linkage_count_pending_decisions (store, -1, &error), ==, 0);
  if (apart_before)
    g_assert_cmpint (after.n_people, ==, before.n_people - 1);
  else
    g_assert_cmpint (after.n_people, ==, before.n_people);
  g_test_message ("people: %" G_GINT64_FORMAT " before, %" G_GINT64_FORMAT " after",
                  before.n_people, after.n_people);
  cst_store_close (store);

  cst_linkage_summary_clear (&before);
  cst_linkage_summary_clear (&after);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_people_page_search (void)
{
  CstPeoplePage *page = CST_PEOPLE_PAGE (cst_people_page_new ());
  GtkWidget *window = new_window (GTK_WIDGET (page));
  g_autoptr(GError) error = NULL;
  CstStore *store = open_store ();
  g_autoptr(GArray) everybody = cst_store_linkage_search_people (store, -1, "", G_MAXINT, &error);
  g_autoptr(GArray) found = NULL;
  const CstLinkagePerson *known = NULL;
  gint64 first_record = -1, last_record = -1;
  g_autoptr(GListModel) toplevels = NULL;
  AdwMessageDialog *dialog = NULL;
  GtkWidget *check;
  guint n_changed = 0;
  GtkWidget *entry;
  GtkListBox *list;

  g_assert_no_error (error);
  g_array_set_clear_func (everybody, (GDestroyNotify) cst_linkage_person_clear);
  /* A person with records in two files and an address that names them alone. */
  for (guint i = 0; i < everybody->len && known == NULL; i++)
    {
      const CstLinkagePerson *person = &g_array_index (everybody, CstLinkagePerson, i);
      g_autoptr(GArray) records = NULL;

      if (person->n_records < 2 || person->n_records > 10 || person->email == NULL ||
          strchr (person->email, '@') == NULL || person->flagged)
        continue;
      records = cst_store_linkage_list_person_records (store, person->person_id, &error);
      g_assert_no_error (error);
      g_array_set_clear_func (records, (GDestroyNotify) cst_linkage_record_clear);
      if (g_array_index (records, CstLinkageRecord, 0).source_id !=
          g_array_index (records, CstLinkageRecord, records->len - 1).source_id)
        {
          known = person;
          first_record = g_array_index (records, CstLinkageRecord, 0).record_id;
          last_record = g_array_index (records, CstLinkageRecord, records->len - 1).record_id;
        }
    }
  g_assert_nonnull (known);
  found = cst_store_linkage_search_people (store, -1, known->email, 200, &error);
  g_assert_no_error (error);
  cst_store_close (store);

  cst_people_page_set_project (page, project);
  wait_until (page, NULL, NULL, 60);
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_parent (find_by_type (GTK_WIDGET (page), GTK_TYPE_PANED))), "people");

  entry = find_by_type (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), known->email);
  wait_until (page, n_listed_is, GUINT_TO_POINTER (found->len), 10);
  g_assert_cmpuint (cst_people_page_get_n_people_listed (page), >=, 1);

  list = GTK_LIST_BOX (find_by_type (GTK_WIDGET (page), GTK_TYPE_LIST_BOX));
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (list)), ==, "people-list");
  for (guint i = 0; i < found->len; i++)
    if (g_array_index (found, CstLinkagePerson, i).person_id == known->person_id)
      {
        gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, i));
        break;
      }
  wait_until (page, has_records, NULL, 10);
  g_assert_cmpuint (cst_people_page_get_n_person_records (page), ==, known->n_records);
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (page), "people.split")));

  /* Split: the first file's records are someone else. */
  g_signal_connect (page, "people-changed", G_CALLBACK (changed_cb), &n_changed);
  g_signal_emit_by_name (find_button (GTK_WIDGET (page), "people.split"), "clicked");
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        dialog = ADW_MESSAGE_DIALOG (toplevel);
    }
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "split"));
  check = find_by_type (adw_message_dialog_get_extra_child (dialog), GTK_TYPE_CHECK_BUTTON);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "split"));
  adw_message_dialog_response (dialog, "split");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until (page, NULL, NULL, 10);
  g_assert_cmpuint (cst_people_page_get_n_pending (page), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (page), "people.apply", NULL);
  wait_until (page, NULL, NULL, 120);
  g_assert_cmpuint (n_changed, ==, 1);
  store = open_store ();
  g_assert_cmpint (person_of (store, first_record), !=, person_of (store, last_record));
  cst_store_close (store);

  g_array_set_clear_func (found, (GDestroyNotify) cst_linkage_person_clear);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The slider tells the model's precision, recall and merges for the threshold under it, and a
 * Cancel of Apply leaves the project as it was. */
static void
test_people_page_threshold_cancel (void)
{
  CstPeoplePage *page = CST_PEOPLE_PAGE (cst_people_page_new ());
  GtkWidget *window = new_window (GTK_WIDGET (page));
  g_autoptr(GError) error = NULL;
  CstStore *store = open_store ();
  CstLinkageSummary before = { 0 }, after = { 0 };
  g_autoptr(GArray) curve = NULL;
  const CstLinkageCurvePoint *point;
  g_autofree char *merges = NULL;
  GtkRange *scale;
  GtkLabel *label;
  guint n_changed = 0;

  g_assert_true (cst_store_linkage_get_summary (store, -1, &before, &error));
  curve = cst_store_linkage_get_curve (store, before.run_id, 100, &error);
  g_assert_no_error (error);
  cst_store_close (store);

  g_signal_connect (page, "people-changed", G_CALLBACK (changed_cb), &n_changed);
  cst_people_page_set_project (page, project);
  wait_until (page, NULL, NULL, 60);

  scale = GTK_RANGE (find_by_type (GTK_WIDGET (page), GTK_TYPE_SCALE));
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (scale), before.threshold, 1e-9);
  gtk_range_set_value (scale, 0.5);
  point = &g_array_index (curve, CstLinkageCurvePoint, 50);
  g_assert_cmpfloat_with_epsilon (point->threshold, 0.5, 1e-9);
  merges = g_strdup_printf ("%'" G_GINT64_FORMAT " pair", point->n_merges);
  label = find_label_starting (GTK_WIDGET (page), "Expected precision");
  g_assert_nonnull (label);
  g_assert_nonnull (strstr (gtk_label_get_label (label), merges));
  g_assert_nonnull (find_label_starting (GTK_WIDGET (page), "new threshold"));

  /* Apply, then Cancel at once: silent, nothing changed. */
  gtk_widget_activate_action (GTK_WIDGET (page), "people.apply", NULL);
  g_assert_true (cst_people_page_is_busy (page));
  gtk_widget_activate_action (GTK_WIDGET (page), "people.cancel", NULL);
  wait_until (page, NULL, NULL, 60);
  g_assert_cmpuint (n_changed, ==, 0);
  store = open_store ();
  g_assert_true (cst_store_linkage_get_summary (store, -1, &after, &error));
  g_assert_cmpint (after.run_id, ==, before.run_id);
  cst_store_close (store);

  cst_linkage_summary_clear (&before);
  cst_linkage_summary_clear (&after);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* `test-people-page --show PROJECT [review|people]`: the page alone in a window, for
 * screenshots while the window's wiring is elsewhere. */
static int
show (const char *path,
      const char *section)
{
  GtkWidget *page = cst_people_page_new ();
  GtkWidget *window = new_window (page);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  gtk_window_set_title (GTK_WINDOW (window), "People");
  gtk_window_set_default_size (GTK_WINDOW (window), g_getenv ("PEOPLE_WIDTH") != NULL ? atoi (g_getenv ("PEOPLE_WIDTH")) : 1280,
                               860);
  g_signal_connect_swapped (window, "destroy", G_CALLBACK (g_main_loop_quit), loop);
  cst_people_page_set_project (CST_PEOPLE_PAGE (page), strcmp (path, "-") != 0 ? path : NULL);
  if (section != NULL)
    {
      while (cst_people_page_is_busy (CST_PEOPLE_PAGE (page)))
        g_main_context_iteration (NULL, TRUE);
      gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_parent (find_by_type (page, GTK_TYPE_PANED))), section);
      if (g_getenv ("PEOPLE_SEARCH") != NULL)
        gtk_editable_set_text (GTK_EDITABLE (find_by_type (page, GTK_TYPE_SEARCH_ENTRY)), g_getenv ("PEOPLE_SEARCH"));
      if (g_getenv ("PEOPLE_APPLY") != NULL)
        gtk_widget_activate_action (page, "people.apply", NULL);
      if (g_getenv ("PEOPLE_SELECT") != NULL)
        {
          GtkListBox *list = GTK_LIST_BOX (find_by_type (page, GTK_TYPE_LIST_BOX));
          gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

          /* The search answers after its typing delay. */
          while (g_get_monotonic_time () < deadline)
            g_main_context_iteration (NULL, FALSE);
          gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, atoi (g_getenv ("PEOPLE_SELECT"))));
        }
    }
  g_main_loop_run (loop);
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

  if (argc >= 3 && strcmp (argv[1], "--show") == 0)
    {
      gtk_init ();
      adw_init ();
      return show (argv[2], argc >= 4 ? argv[3] : NULL);
    }

  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  dir = g_dir_make_tmp ("constellate-people-XXXXXX", &error);
  g_assert_no_error (error);
  project = g_build_filename (dir, "sample.constellate", NULL);
  cst_sample_options_init (&sample);
  cst_segmentation_options_init (&options);
  options.k = 4;
  if (!cst_pipeline_create_sample (project, &sample, &options, &summary, NULL, NULL, NULL, &error))
    g_error ("The sample project could not be made: %s", error->message);
  cst_pipeline_summary_clear (&summary);
  cst_segmentation_options_clear (&options);

  g_test_add_func ("/cst/people-page/empty", test_people_page_empty);
  g_test_add_func ("/cst/people-page/not-linked", test_people_page_not_linked);
  g_test_add_func ("/cst/people-page/threshold-cancel", test_people_page_threshold_cancel);
  g_test_add_func ("/cst/people-page/review", test_people_page_review);
  g_test_add_func ("/cst/people-page/search", test_people_page_search);
  status = g_test_run ();

  g_remove (project);
  cst_test_remove_dir (dir);
  g_free (project);
  g_free (dir);
  return status;
}
