/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cst-alert.h"
#include "cst-chart-util.h"
#include "cst-import-wizard.h"
#include "cst-job-bar.h"
#include "cst-audience-dialog.h"
#include "cst-people-page.h"
#include "cst-predictions-page.h"
#include "cst-presentation.h"
#include "cst-privacy-window.h"
#include "io/cst-rejected.h"
#include "cst-pipeline.h"
#include "cst-segment-dialog.h"
#include "cst-segments-page.h"
#include "cst-window.h"

#define SETTINGS_SCHEMA "io.github.constellate.Constellate"
#define MAX_RECENT 8

typedef enum
{
  JOB_SAMPLE,
  JOB_IMPORT,
  JOB_ADD,
  JOB_SEGMENT,
  JOB_LOAD,
} JobKind;

/* Everything a worker needs, copied on the main thread: the worker never touches widgets. */
typedef struct
{
  JobKind                kind;
  char                  *project_path;
  GPtrArray             *plans;      /* CstImportPlan copies, from the wizard */
  CstSegmentationOptions options;
  CstSampleOptions       sample;
  CstJob                *job;
} JobData;

struct _CstWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  CstJob               *job;
  char                 *project_path;

  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkStack             *main_stack;
  AdwStatusPage        *welcome_page;
  GtkLabel             *recent_label;
  GtkListBox           *recent_list;
  AdwViewStack         *view_stack;
  GtkLabel             *data_title;
  GtkListBox           *sources_list;
  GtkWidget            *save_rejected_button;
  CstPeoplePage        *people_page;
  CstSegmentsPage      *segments_page;
  CstPredictionsPage   *predictions_page;
  CstJobBar            *job_bar;
};

G_DEFINE_FINAL_TYPE (CstWindow, cst_window, ADW_TYPE_APPLICATION_WINDOW)

static void
job_data_free (gpointer data)
{
  JobData *job_data = data;

  g_free (job_data->project_path);
  g_clear_pointer (&job_data->plans, g_ptr_array_unref);
  cst_segmentation_options_clear (&job_data->options);
  g_clear_object (&job_data->job);
  g_free (job_data);
}

static void
summary_free (gpointer data)
{
  CstPipelineSummary *summary = data;

  cst_pipeline_summary_clear (summary);
  g_free (summary);
}

static char *
projects_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "constellate", NULL);
}

/* Runs in a worker thread: the pipeline step, then a fresh read of what the project holds, so
 * that the window only ever shows stored results. */
static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  JobData *data = task_data;
  g_autoptr(GError) error = NULL;
  CstPipelineSummary *summary = g_new0 (CstPipelineSummary, 1);
  CstPipelineSummary loaded = { 0 };
  gboolean ok = TRUE;

  switch (data->kind)
    {
    case JOB_SAMPLE:
      ok = cst_pipeline_create_sample (data->project_path, &data->sample, &data->options, summary,
                                       cancellable, cst_job_progress, data->job, &error);
      break;
    case JOB_IMPORT:
      ok = cst_pipeline_create_from_plans (data->project_path, (CstImportPlan * const *) data->plans->pdata,
                                           data->plans->len, &data->options, summary, cancellable,
                                           cst_job_progress, data->job, &error);
      break;
    case JOB_ADD:
      ok = cst_pipeline_add_plans (data->project_path, (CstImportPlan * const *) data->plans->pdata,
                                   data->plans->len, &data->options, summary, cancellable,
                                   cst_job_progress, data->job, &error);
      break;
    case JOB_SEGMENT:
      ok = cst_pipeline_segment (data->project_path, &data->options, summary, cancellable,
                                 cst_job_progress, data->job, &error);
      break;
    case JOB_LOAD:
    default:
      break;
    }

  if (ok)
    {
      loaded.segmentation = cst_pipeline_load (data->project_path, &loaded, &error);
      ok = error == NULL;
    }

  if (!ok)
    {
      summary_free (summary);
      cst_pipeline_summary_clear (&loaded);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  loaded.seconds_sample = summary->seconds_sample;
  loaded.seconds_import = summary->seconds_import;
  loaded.seconds_identity = summary->seconds_identity;
  loaded.seconds_segment = summary->seconds_segment;
  loaded.note = g_steal_pointer (&summary->note);
  loaded.n_added_rows = summary->n_added_rows;
  loaded.n_skipped_seen = summary->n_skipped_seen;
  summary_free (summary);
  g_task_return_pointer (task, g_memdup2 (&loaded, sizeof loaded), summary_free);
}

static void
update_actions (CstWindow *self)
{
  /* The People page's Apply writes the people anew: no import or segmentation meanwhile. */
  gboolean busy = self->job != NULL || cst_people_page_is_applying (self->people_page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.try-sample", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-job", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.privacy", !busy && self->project_path != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.present",
                                 !busy && cst_segments_page_get_segmentation (self->segments_page) != NULL);
  cst_segments_page_set_busy (self->segments_page, busy || self->project_path == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->people_page), self->job == NULL);
}

static void import_as_new_project (CstWindow *self,
                                   GPtrArray *plans);

static void
already_imported_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              CstWindow        *self)
{
  GPtrArray *plans = g_object_get_data (G_OBJECT (dialog), "plans");

  if (self->job == NULL && g_str_equal (response, "new"))
    import_as_new_project (self, plans);
}

/* A file the project holds already would only bring the same rows again: say so, and offer
 * the other thing the user may have meant, a new project from these files. */
static void
ask_already_imported (CstWindow    *self,
                      GPtrArray    *plans,
                      const GError *error)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Already in This Project"), NULL));
  adw_message_dialog_format_body (dialog, "%s. %s", error->message,
                                  _("Its rows are in the project once, as they should be. The files can "
                                    "start a new project instead."));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "new", _("_New Project"), NULL);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "plans", g_ptr_array_ref (plans), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (already_imported_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remember_project (CstWindow  *self,
                  const char *path)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  g_strv_builder_add (builder, path);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT; i++)
    if (!g_str_equal (recent[i], path))
      {
        g_strv_builder_add (builder, recent[i]);
        n++;
      }
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char * const *) updated);
}

static void
recent_row_activated_cb (CstWindow     *self,
                         GtkListBoxRow *row)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");
  g_autoptr(GFile) file = g_file_new_for_path (path);

  cst_window_open_project (self, file);
}

/* A folder as people write it: the home folder as "~". */
static char *
display_folder (const char *folder)
{
  const char *home = g_get_home_dir ();
  g_autofree char *display = g_filename_display_name (folder);

  if (g_str_has_prefix (folder, home) && (folder[strlen (home)] == '/' || folder[strlen (home)] == '\0'))
    {
      g_autofree char *rest = g_filename_display_name (folder + strlen (home));

      return g_strconcat ("~", rest, NULL);
    }
  return g_steal_pointer (&display);
}

static void
update_recent (CstWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL && shown < 5; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *folder = NULL;
      g_autofree char *folder_display = NULL;
      GtkWidget *row;

      if (!g_file_test (recent[i], G_FILE_TEST_IS_REGULAR))
        continue;
      name = g_filename_display_basename (recent[i]);
      folder = g_path_get_dirname (recent[i]);
      folder_display = display_folder (folder);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder_display);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (recent[i]), g_free);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->recent_label), shown > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_list), shown > 0);
}

/* The bottom switcher stands in for the header's when the window is narrow, and only once a
 * project is open: the welcome page has no pages to switch between. */
static void
update_switcher_bar (CstWindow *self)
{
  gboolean project = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "project") == 0;

  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    project && adw_view_switcher_title_get_title_visible (self->switcher_title));
}

static void
show_sources (CstWindow                *self,
              const CstPipelineSummary *summary)
{
  GtkWidget *child;
  g_autofree char *rows = cst_chart_format_count (summary->n_rows);
  g_autofree char *files = NULL;
  g_autofree char *title = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sources_list))) != NULL)
    gtk_list_box_remove (self->sources_list, child);

  /* Translators: the first %s is a number of rows, the second "1 File" or "3 Files" */
  files = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu File", "%zu Files", summary->n_sources),
                           summary->n_sources);
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Row From %s", "%s Rows From %s", summary->n_rows),
                           rows, files);
  gtk_widget_set_visible (self->save_rejected_button, summary->n_rejected > 0);
  gtk_label_set_label (self->data_title, title);

  for (guint i = 0; summary->sources != NULL && i < summary->sources->len; i++)
    {
      const CstSourceInfo *info = &g_array_index (summary->sources, CstSourceInfo, i);
      g_autofree char *n_rows = cst_chart_format_count (info->n_rows);
      g_autofree char *n_rejected = cst_chart_format_count (info->n_rejected);
      g_autofree char *subtitle = NULL;
      const char *kind;
      const char *icon;
      GtkWidget *row = adw_action_row_new ();

      switch (info->kind)
        {
        case CST_SOURCE_CONTACTS:
          kind = _("Contacts"), icon = "avatar-default-symbolic";
          break;
        case CST_SOURCE_ORDERS:
          kind = _("Orders"), icon = "emblem-documents-symbolic";
          break;
        case CST_SOURCE_ENGAGEMENT:
        default:
          kind = _("Email engagement"), icon = "mail-unread-symbolic";
          break;
        }
      /* Translators: "Orders · 40,000 rows · 0 rejected"; %s are the kind of file and counts */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s row · %s rejected",
                                               "%s · %s rows · %s rejected", info->n_rows),
                                  kind, n_rows, n_rejected);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon));
      gtk_list_box_append (self->sources_list, row);
    }
}

static void
show_summary (CstWindow          *self,
              CstPipelineSummary *summary)
{
  g_autofree char *name = g_filename_display_basename (self->project_path);
  gboolean had_project = g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "project");

  adw_view_switcher_title_set_subtitle (self->switcher_title, name);
  show_sources (self, summary);
  cst_segments_page_set_segmentation (self->segments_page, g_steal_pointer (&summary->segmentation));
  cst_segments_page_set_empty_message (self->segments_page, summary->note);
  cst_people_page_set_project (self->people_page, self->project_path);
  cst_predictions_page_set_project (self->predictions_page, self->project_path);
  cst_predictions_page_set_segmentation (self->predictions_page,
                                         cst_segments_page_get_segmentation (self->segments_page));

  /* A run that found no segments keeps the earlier ones on screen: say why nothing changed. */
  if (summary->note != NULL && cst_segments_page_get_segmentation (self->segments_page) != NULL)
    {
      AdwToast *toast = adw_toast_new (summary->note);

      adw_toast_set_timeout (toast, 8);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  gtk_stack_set_visible_child_name (self->main_stack, "project");
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, TRUE);
  if (!had_project)
    adw_view_stack_set_visible_child_name (self->view_stack, "segments");
}

static void
save_rejected_response_cb (CstWindow            *self,
                           int                   response,
                           GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT && self->project_path != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;

      if (!cst_rejected_rows_write_csv (self->project_path, -1, g_file_peek_path (file), &error))
        cst_alert_show_error (GTK_WIDGET (self), _("Could Not Save the Rejected Rows"), error->message);
      else
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Rejected rows saved")));
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
save_rejected (CstWindow *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Save Rejected Rows"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("rejected-rows.csv"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (save_rejected_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
import_report_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           CstWindow        *self)
{
  if (g_str_equal (response, "save"))
    save_rejected (self);
}

static void
save_rejected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  save_rejected (CST_WINDOW (widget));
}

/* After an import, say what came in and what could not be read; rejected rows can be saved
 * as a CSV to fix and import again. */
static void
report_import (CstWindow                *self,
               const CstPipelineSummary *summary)
{
  g_autofree char *rows = cst_chart_format_count (summary->n_rows);
  g_autofree char *rejected = cst_chart_format_count (summary->n_rejected);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (summary->n_rejected == 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row imported", "%s rows imported",
                                                            summary->n_rows), rows);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
      return;
    }

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Row Imported", "%s Rows Imported", summary->n_rows),
                             rows);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s row could not be read. It is kept in the project as it came, with the "
                                       "reason; save it as a CSV file to fix it and import it again.",
                                       "%s rows could not be read. They are kept in the project as they came, "
                                       "each with the reason; save them as a CSV file to fix them and import "
                                       "them again.",
                                       summary->n_rejected),
                          rejected);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "close", _("_Close"), "save", _("_Save Rejected Rows…"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (import_report_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Files added to a project: how many rows are new, and how many it already held. */
static void
report_added (CstWindow                *self,
              const CstPipelineSummary *summary)
{
  g_autofree char *added = cst_chart_format_count (summary->n_added_rows);
  g_autofree char *seen = cst_chart_format_count (summary->n_skipped_seen);
  g_autofree char *text = NULL;

  if (summary->n_skipped_seen > 0)
    /* Translators: "120 rows added, 40,225 already in the project" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row added, %s already in the project",
                                         "%s rows added, %s already in the project", summary->n_added_rows),
                            added, seen);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row added", "%s rows added", summary->n_added_rows),
                            added);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CstWindow *self = CST_WINDOW (source);
  JobData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  CstPipelineSummary *summary;

  summary = g_task_propagate_pointer (G_TASK (result), &error);

  g_clear_object (&self->job);
  cst_job_bar_set_job (self->job_bar, NULL);

  if (summary == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Stopped. Nothing was changed.")));
      else if (data->kind == JOB_ADD && data->plans != NULL &&
               g_error_matches (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_ALREADY_IMPORTED))
        ask_already_imported (self, data->plans, error);
      else
        cst_alert_show_error (GTK_WIDGET (self),
                              data->kind == JOB_LOAD ? _("Could Not Open the Project")
                              : data->kind == JOB_ADD ? _("Could Not Add the Files")
                              : data->kind == JOB_IMPORT ? _("Could Not Import the Files")
                              : _("Something Went Wrong"),
                              error->message);
      update_actions (self);
      return;
    }

  g_free (self->project_path);
  self->project_path = g_strdup (data->project_path);
  remember_project (self, self->project_path);
  if (data->kind == JOB_IMPORT)
    report_import (self, summary);
  else if (data->kind == JOB_ADD)
    report_added (self, summary);
  g_debug ("Job finished: sample %.2f s, import %.2f s, people %.2f s, segments %.2f s",
           summary->seconds_sample, summary->seconds_import, summary->seconds_identity, summary->seconds_segment);
  show_summary (self, summary);
  summary_free (summary);
  update_actions (self);
}

static JobData *
job_data_new (CstWindow *self,
              JobKind    kind)
{
  JobData *data = g_new0 (JobData, 1);

  data->kind = kind;
  cst_segmentation_options_init (&data->options);
  data->options.k = g_settings_get_int (self->settings, "segment-count");
  return data;
}

static void
start_job (CstWindow  *self,
           JobData    *data,
           const char *title)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (self->job == NULL);

  /* The window's job may replace the people and segments the page's run would stand on. */
  cst_predictions_page_cancel (self->predictions_page);
  self->job = cst_job_new (title);
  data->job = g_object_ref (self->job);
  cst_job_bar_set_job (self->job_bar, self->job);
  update_actions (self);

  task = g_task_new (self, cst_job_get_cancellable (self->job), job_done_cb, NULL);
  g_task_set_source_tag (task, start_job);
  g_task_set_name (task, title);
  g_task_set_task_data (task, data, job_data_free);
  g_task_run_in_thread (task, job_thread);
}

static void
segments_run_cb (CstWindow *self)
{
  JobData *data;

  if (self->project_path == NULL || self->job != NULL)
    return;

  data = job_data_new (self, JOB_SEGMENT);
  cst_segmentation_options_clear (&data->options);
  cst_segments_page_get_options (self->segments_page, &data->options);
  if (data->options.method == CST_SEGMENTATION_DISCOVER)
    g_settings_set_int (self->settings, "segment-count", data->options.k);
  data->project_path = g_strdup (self->project_path);
  start_job (self, data, _("Finding segments"));
}

/* Decisions on the People page made new people: their segments follow. */
static void
people_changed_cb (CstWindow *self)
{
  segments_run_cb (self);
}

static void
open_segment_cb (CstWindow *self,
                 guint      segment)
{
  const CstSegmentation *seg = cst_segments_page_get_segmentation (self->segments_page);
  CstSegmentDialog *dialog;

  if (seg == NULL || self->project_path == NULL || segment >= seg->k)
    return;
  dialog = cst_segment_dialog_new (GTK_WINDOW (self), self->project_path, seg, segment);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
present_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CstWindow *self = CST_WINDOW (widget);
  const CstSegmentation *seg = cst_segments_page_get_segmentation (self->segments_page);

  if (seg != NULL)
    gtk_window_present (GTK_WINDOW (cst_presentation_new_for_project (GTK_WINDOW (self), seg, self->project_path)));
}

/* After an erasure the project holds fewer people: show it as it is now. */
static void
project_changed_cb (CstWindow *self)
{
  g_autoptr(GFile) file = NULL;

  if (self->project_path == NULL)
    return;
  file = g_file_new_for_path (self->project_path);
  cst_window_open_project (self, file);
}

/* A lookalike audience, from the Predictions page, goes out through the same audience dialog as
 * a segment. Its name keys the stored holdout: the same day's exports hold back the same people. */
static void
predictions_export_cb (CstWindow          *self,
                       GArray             *person_ids,
                       CstPredictionsPage *page)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;

  if (self->project_path == NULL || person_ids == NULL || person_ids->len == 0)
    return;
  /* Translators: the name of an exported audience; %s is a date */
  name = g_strdup_printf (_("Lookalike audience %s"), date);
  gtk_window_present (GTK_WINDOW (cst_audience_dialog_new_for_people (GTK_WINDOW (self), self->project_path, name,
                                                                      (const gint64 *) (gpointer) person_ids->data,
                                                                      person_ids->len)));
}

static void
privacy_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CstWindow *self = CST_WINDOW (widget);
  CstPrivacyWindow *privacy;

  if (self->project_path == NULL)
    return;
  privacy = cst_privacy_window_new (GTK_WINDOW (self), self->project_path);
  g_signal_connect_object (privacy, "project-changed", G_CALLBACK (project_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (privacy));
}

static void
try_sample_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  cst_window_try_sample (CST_WINDOW (widget));
}

static void
cancel_job_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CstWindow *self = CST_WINDOW (widget);

  if (self->job != NULL)
    cst_job_cancel (self->job);
}

static void
open_response_cb (CstWindow            *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      cst_window_open_project (self, file);
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstWindow *self = CST_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open Project"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Constellate projects"));
  gtk_file_filter_add_pattern (filter, "*.constellate");
  gtk_file_filter_add_mime_type (filter, "application/x-constellate-project");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (open_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
import_response_cb (CstWindow            *self,
                    int                   response,
                    GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      guint n = g_list_model_get_n_items (files);
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      if (n > 0)
        cst_window_open_import_wizard (self, (GFile **) array->pdata, n);
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstWindow *self = CST_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Data"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("CSV and Excel files"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.xlsx");
  gtk_file_filter_add_mime_type (filter, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
cst_window_close_request (GtkWindow *window)
{
  CstWindow *self = CST_WINDOW (window);
  int width, height;

  if (self->job != NULL)
    cst_job_cancel (self->job);

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (cst_window_parent_class)->close_request (window);
}

static void
cst_window_dispose (GObject *object)
{
  CstWindow *self = CST_WINDOW (object);

  if (self->job != NULL)
    cst_job_cancel (self->job);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_WINDOW);

  G_OBJECT_CLASS (cst_window_parent_class)->dispose (object);
}

static void
cst_window_finalize (GObject *object)
{
  CstWindow *self = CST_WINDOW (object);

  g_clear_object (&self->job);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->project_path, g_free);

  G_OBJECT_CLASS (cst_window_parent_class)->finalize (object);
}

static gboolean drop_cb (GtkDropTarget *target,
                         const GValue  *value,
                         double         x,
                         double         y,
                         CstWindow     *self);

static void
cst_window_class_init (CstWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cst_window_dispose;
  object_class->finalize = cst_window_finalize;
  window_class->close_request = cst_window_close_request;

  g_type_ensure (CST_TYPE_SEGMENTS_PAGE);
  g_type_ensure (CST_TYPE_PREDICTIONS_PAGE);
  g_type_ensure (CST_TYPE_PEOPLE_PAGE);
  g_type_ensure (CST_TYPE_JOB_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/constellate/Constellate/cst-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CstWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, recent_label);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, data_title);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, sources_list);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, save_rejected_button);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, people_page);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, segments_page);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, predictions_page);
  gtk_widget_class_bind_template_child (widget_class, CstWindow, job_bar);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, segments_run_cb);
  gtk_widget_class_bind_template_callback (widget_class, predictions_export_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_segment_cb);

  gtk_widget_class_install_action (widget_class, "win.try-sample", NULL, try_sample_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-job", NULL, cancel_job_action);
  gtk_widget_class_install_action (widget_class, "win.save-rejected", NULL, save_rejected_action);
  gtk_widget_class_install_action (widget_class, "win.present", NULL, present_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.present", NULL);
  gtk_widget_class_install_action (widget_class, "win.privacy", NULL, privacy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.privacy", NULL);
}

static void
cst_window_init (CstWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (SETTINGS_SCHEMA);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  adw_status_page_set_icon_name (self->welcome_page, APPLICATION_ID);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, FALSE);
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (update_switcher_bar), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->main_stack, "notify::visible-child-name",
                           G_CALLBACK (update_switcher_bar), self, G_CONNECT_SWAPPED);
  update_switcher_bar (self);

  g_signal_connect_object (self->people_page, "people-changed", G_CALLBACK (people_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->people_page, "notify::busy", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  /* The number of pairs waiting for a decision, on the People tab. */
  g_object_bind_property (self->people_page, "n-review",
                          adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->people_page)), "badge-number",
                          G_BINDING_SYNC_CREATE);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* Exports dropped on the window are imported through the wizard. */
  {
    GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  }

  update_recent (self);
  update_actions (self);
}

CstWindow *
cst_window_new (CstApplication *application)
{
  return g_object_new (CST_TYPE_WINDOW, "application", application, NULL);
}

/**
 * cst_window_try_sample:
 *
 * Makes a new project from the generated sample exports in the user's data folder and shows
 * its segments: the one-click tour of Constellate.
 */
void
cst_window_try_sample (CstWindow *self)
{
  g_autofree char *dir = projects_dir ();
  JobData *data;

  g_return_if_fail (CST_IS_WINDOW (self));

  if (self->job != NULL)
    return;

  g_mkdir_with_parents (dir, 0700);
  data = job_data_new (self, JOB_SAMPLE);
  /* Translators: the file name of the sample project; keep the extension */
  data->project_path = g_build_filename (dir, _("Sample Customers.constellate"), NULL);
  cst_sample_options_init (&data->sample);
  data->sample.seed = g_settings_get_uint (self->settings, "sample-seed");
  start_job (self, data, _("Trying the sample data"));
}

void
cst_window_open_project (CstWindow *self,
                         GFile     *file)
{
  JobData *data;

  g_return_if_fail (CST_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->job != NULL || g_file_peek_path (file) == NULL)
    return;

  data = job_data_new (self, JOB_LOAD);
  data->project_path = g_file_get_path (file);
  start_job (self, data, _("Opening the project"));
}

static GPtrArray *
copy_plans (CstImportWizard *wizard)
{
  GPtrArray *plans = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_import_plan_free);

  for (guint i = 0; i < cst_import_wizard_get_n_plans (wizard); i++)
    g_ptr_array_add (plans, cst_import_plan_copy (cst_import_wizard_get_plan (wizard, i)));
  return plans;
}

static void
import_as_new_project (CstWindow *self,
                       GPtrArray *plans)
{
  g_autofree char *dir = projects_dir ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H.%M.%S");
  g_autofree char *base = g_strdup (((CstImportPlan *) g_ptr_array_index (plans, 0))->display_name);
  g_autofree char *name = NULL;
  JobData *data;
  char *dot;

  g_mkdir_with_parents (dir, 0700);
  data = job_data_new (self, JOB_IMPORT);
  data->plans = g_ptr_array_ref (plans);
  if ((dot = strrchr (base, '.')) != NULL)
    *dot = '\0';
  name = g_strdup_printf ("%s %s.constellate", base, stamp);
  data->project_path = g_build_filename (dir, name, NULL);
  /* Two imports within a second must not make one file: the new project would replace the
   * other when it is moved into place. */
  for (guint n = 2; g_file_test (data->project_path, G_FILE_TEST_EXISTS); n++)
    {
      g_free (name);
      g_free (data->project_path);
      name = g_strdup_printf ("%s %s (%u).constellate", base, stamp, n);
      data->project_path = g_build_filename (dir, name, NULL);
    }
  start_job (self, data, _("Importing data"));
}

static void
add_to_project (CstWindow *self,
                GPtrArray *plans)
{
  JobData *data = job_data_new (self, JOB_ADD);

  data->plans = g_ptr_array_ref (plans);
  data->project_path = g_strdup (self->project_path);
  start_job (self, data, _("Adding data"));
}

static void
add_or_new_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        CstWindow        *self)
{
  GPtrArray *plans = g_object_get_data (G_OBJECT (dialog), "plans");

  if (self->job != NULL)
    return;
  if (g_str_equal (response, "add"))
    add_to_project (self, plans);
  else if (g_str_equal (response, "new"))
    import_as_new_project (self, plans);
}

/* With a project open, the files can join it (people and segments are found again, rows seen
 * before are not added twice) or start a new project. */
static void
wizard_import_cb (CstWindow       *self,
                  CstImportWizard *wizard)
{
  g_autoptr(GPtrArray) plans = NULL;
  g_autofree char *name = NULL;
  g_autofree char *add = NULL;
  AdwMessageDialog *dialog;

  if (self->job != NULL || cst_import_wizard_get_n_plans (wizard) == 0)
    return;

  plans = copy_plans (wizard);
  gtk_window_destroy (GTK_WINDOW (wizard));

  if (self->project_path == NULL)
    {
      import_as_new_project (self, plans);
      return;
    }

  name = g_filename_display_basename (self->project_path);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Add to This Project?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  _("The files can join “%s”: its people and segments are then found again, and "
                                    "rows it already holds are not added twice. Or they can start a new project."),
                                  name);
  /* Translators: a button; %s is the project's file name */
  add = g_strdup_printf (_("_Add to “%s”"), name);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "new", _("_New Project"), "add", add, NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "plans", g_steal_pointer (&plans), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (add_or_new_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * cst_window_open_import_wizard:
 * @files: (array length=n_files): CSV exports
 *
 * Shows how each file will be read and what each column means, and imports them into a new
 * project once the user agrees.
 */
CstImportWizard *
cst_window_open_import_wizard (CstWindow  *self,
                               GFile     **files,
                               guint       n_files)
{
  CstImportWizard *wizard;

  g_return_val_if_fail (CST_IS_WINDOW (self), NULL);
  g_return_val_if_fail (n_files > 0, NULL);

  wizard = cst_import_wizard_new (GTK_WINDOW (self), files, n_files);
  g_signal_connect_object (wizard, "import", G_CALLBACK (wizard_import_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (wizard));
  return wizard;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CstWindow     *self)
{
  GSList *list = g_value_get_boxed (value);
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  if (self->job != NULL || list == NULL)
    return FALSE;

  /* A project opens; anything else goes through the import wizard. */
  if (list->next == NULL && g_str_has_suffix (g_file_peek_path (list->data) != NULL ? g_file_peek_path (list->data) : "",
                                              ".constellate"))
    {
      cst_window_open_project (self, list->data);
      return TRUE;
    }
  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  cst_window_open_import_wizard (self, (GFile **) files->pdata, files->len);
  return TRUE;
}

gboolean
cst_window_has_project (CstWindow *self)
{
  g_return_val_if_fail (CST_IS_WINDOW (self), FALSE);

  return self->project_path != NULL;
}

/* The open project's file, or %NULL. */
const char *
cst_window_get_project_path (CstWindow *self)
{
  g_return_val_if_fail (CST_IS_WINDOW (self), NULL);

  return self->project_path;
}

gboolean
cst_window_is_busy (CstWindow *self)
{
  g_return_val_if_fail (CST_IS_WINDOW (self), FALSE);

  return self->job != NULL;
}

CstSegmentsPage *
cst_window_get_segments_page (CstWindow *self)
{
  g_return_val_if_fail (CST_IS_WINDOW (self), NULL);

  return self->segments_page;
}

/* "welcome", or the name of the visible project page ("segments", …). */
const char *
cst_window_get_visible_page (CstWindow *self)
{
  g_return_val_if_fail (CST_IS_WINDOW (self), NULL);

  if (g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "welcome"))
    return "welcome";
  return adw_view_stack_get_visible_child_name (self->view_stack);
}
