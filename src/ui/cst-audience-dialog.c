/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-audience-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cst-alert.h"
#include "cst-chart-util.h"
#include "cst-audience-dialog.h"
#include "cst-job-bar.h"
#include "audience/cst-holdout.h"
#include "audience/cst-privacy.h"
#include "jobs/cst-job.h"
#include "store/cst-store.h"

/* Audiences out (issue 8): who goes into a campaign file, who is held back to measure it, and
 * in which format. Every count comes from the core in a worker thread with its own store; the
 * dialog only shows them. */

/* Options change in bursts (a spin button held down): wait this long before previewing. */
#define PREVIEW_DELAY_MS 150

/* The rows of the format combo, in order. */
enum {
  FORMAT_CSV,
  FORMAT_XLSX,
  FORMAT_GOOGLE,
  FORMAT_META,
};

typedef struct
{
  char             *project_path;
  gboolean          from_segment;
  guint             segment;
  char             *name;
  GArray           *ids;           /* gint64, for a list of people */
  char             *country;       /* NULL: any */
  CstConsentRule    consent;
  CstExportOptions  options;
  char             *path;          /* exports and results */
  gint64            audience_id;   /* results */
  CstJob           *job;
} TaskData;

typedef struct
{
  char     *source_name;
  gint64    source_size;
  GPtrArray *countries;             /* char *, sorted */
  gboolean  sensitive[CST_AUDIENCE_N_COLUMNS];
} LoadResult;

typedef struct
{
  CstExportSummary summary;
  gboolean         stored;          /* the audience exists: its holdout is kept */
} PreviewResult;

struct _CstAudienceDialog
{
  AdwWindow          parent_instance;

  char              *project_path;
  gboolean           from_segment;
  guint              segment;
  char              *name;
  GArray            *ids;

  GCancellable      *cancellable;   /* the dialog's life */
  GCancellable      *preview_cancellable;
  guint              preview_source;
  guint              preview_serial;
  gboolean           loading;
  gboolean           previewing;
  gboolean           have_preview;
  gboolean           stored_holdout;
  CstExportSummary   preview;
  gboolean           have_export;
  CstExportSummary   export_summary;
  char              *export_path;
  gboolean           have_lift;
  CstLift            lift;
  CstJob            *job;
  gboolean           sensitive[CST_AUDIENCE_N_COLUMNS];
  GtkCheckButton    *column_checks[CST_AUDIENCE_N_COLUMNS];
  GtkStringList     *countries;

  AdwWindowTitle    *window_title;
  GtkWidget         *export_button;
  AdwToastOverlay   *toast_overlay;
  GtkStack          *stack;
  AdwActionRow      *source_row;
  AdwComboRow       *country_row;
  AdwComboRow       *consent_row;
  GtkSpinner        *preview_spinner;
  GtkLabel          *candidates_label;
  GtkLabel          *no_consent_label;
  GtkLabel          *filtered_label;
  GtkLabel          *held_label;
  GtkLabel          *written_label;
  AdwActionRow      *share_row;
  GtkSpinButton     *share_spin;
  GtkLabel          *seed_label;
  GtkSpinButton     *baseline_spin;
  GtkSpinButton     *lift_spin;
  AdwActionRow      *sample_row;
  GtkImage          *sample_icon;
  AdwComboRow       *format_row;
  AdwExpanderRow    *columns_row;
  AdwActionRow      *results_row;
  AdwStatusPage     *done_page;
  CstJobBar         *job_bar;
};

G_DEFINE_FINAL_TYPE (CstAudienceDialog, cst_audience_dialog, ADW_TYPE_WINDOW)

static void schedule_preview (CstAudienceDialog *self);

static void
task_data_free (gpointer data)
{
  TaskData *td = data;

  g_free (td->project_path);
  g_free (td->name);
  g_clear_pointer (&td->ids, g_array_unref);
  g_free (td->country);
  g_free (td->path);
  g_clear_object (&td->job);
  g_free (td);
}

static void
load_result_free (gpointer data)
{
  LoadResult *result = data;

  g_free (result->source_name);
  g_clear_pointer (&result->countries, g_ptr_array_unref);
  g_free (result);
}

static CstConsentRule
get_consent (CstAudienceDialog *self)
{
  switch (adw_combo_row_get_selected (self->consent_row))
    {
    case 1:
      return CST_CONSENT_REQUIRE_GIVEN;
    case 2:
      return CST_CONSENT_IGNORE;
    default:
      return CST_CONSENT_EXCLUDE_REFUSED;
    }
}

static char *
dup_country (CstAudienceDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->country_row);

  /* The first row is "Any country". */
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return g_strdup (gtk_string_list_get_string (self->countries, selected));
}

static void
fill_options (CstAudienceDialog *self,
              CstExportOptions  *options)
{
  guint format = adw_combo_row_get_selected (self->format_row);

  cst_export_options_init (options);
  options->format = format == FORMAT_XLSX ? CST_EXPORT_XLSX
                    : format == FORMAT_GOOGLE || format == FORMAT_META ? CST_EXPORT_HASHED
                    : CST_EXPORT_CSV;
  options->platform = format == FORMAT_META ? CST_HASHED_META : CST_HASHED_GOOGLE;
  /* A stored audience keeps its holdout: a control group that changes measures nothing. */
  options->holdout_share = self->stored_holdout ? -1.0 : gtk_spin_button_get_value (self->share_spin) / 100.0;
  options->n_columns = 0;
  for (guint c = 0; c < CST_AUDIENCE_N_COLUMNS; c++)
    if (self->column_checks[c] != NULL && gtk_check_button_get_active (self->column_checks[c]))
      {
        options->columns[options->n_columns++] = c;
        if (self->sensitive[c])
          options->include_sensitive = TRUE;
      }
  /* Nothing ticked would mean "the defaults" to the core; the person meant fewer columns. */
  if (options->n_columns == 0)
    options->columns[options->n_columns++] = CST_AUDIENCE_COLUMN_PERSON_ID;
}

static TaskData *
task_data_new (CstAudienceDialog *self)
{
  TaskData *td = g_new0 (TaskData, 1);

  td->project_path = g_strdup (self->project_path);
  td->from_segment = self->from_segment;
  td->segment = self->segment;
  td->name = g_strdup (self->name);
  if (self->ids != NULL)
    td->ids = g_array_ref (self->ids);
  td->country = dup_country (self);
  td->consent = get_consent (self);
  fill_options (self, &td->options);
  return td;
}

/* In a worker: the audience the dialog describes, with its rules. */
static CstAudience *
make_audience (CstStore  *store,
               TaskData  *td,
               GError   **error)
{
  CstAudience *audience;

  if (td->from_segment)
    {
      g_autofree char *index = g_strdup_printf ("%u", td->segment);

      audience = cst_audience_new_from_segment (store, index, error);
      if (audience == NULL)
        return NULL;
    }
  else
    {
      g_autofree char *key = g_strdup_printf ("list:%s", td->name);

      audience = cst_audience_new_from_people (key, td->name, NULL, (const gint64 *) (void *) td->ids->data,
                                               td->ids->len);
    }
  cst_audience_set_country (audience, td->country);
  cst_audience_set_consent_rule (audience, td->consent);
  return audience;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* Loading: the source's size, the countries present and which export columns are sensitive. */

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *td = task_data;
  g_autoptr(CstStore) store = NULL;
  g_autoptr(GPtrArray) cells = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GError *error = NULL;
  LoadResult *result = g_new0 (LoadResult, 1);

  result->countries = g_ptr_array_new_with_free_func (g_free);
  store = cst_store_open (td->project_path, &error);
  if (store == NULL)
    {
      load_result_free (result);
      g_task_return_error (task, error);
      return;
    }

  if (td->from_segment)
    {
      g_autofree char *index = g_strdup_printf ("%u", td->segment);
      gint64 run_id;
      guint segment;

      if (cst_store_audience_find_segment (store, index, &run_id, &segment, NULL))
        {
          g_auto(GStrv) facts = NULL;
          g_autofree char *reason = NULL;
          g_autofree char *created_at = NULL;

          cst_store_audience_describe_segment (store, run_id, segment, &result->source_name, &result->source_size,
                                               &facts, &reason, &created_at, NULL);
        }
    }
  else
    result->source_size = td->ids->len;

  /* The countries present among the source's people, from the fairness table's counts. */
  cells = cst_privacy_fairness_table (store, "country", NULL);
  for (guint i = 0; cells != NULL && i < cells->len; i++)
    {
      CstFairnessCell *cell = g_ptr_array_index (cells, i);

      if (cell->value[0] == '\0' || cell->count == 0 || (td->from_segment && cell->segment != td->segment))
        continue;
      if (g_hash_table_add (seen, cell->value))
        g_ptr_array_add (result->countries, g_strdup (cell->value));
    }
  g_ptr_array_sort (result->countries, compare_strings);

  /* The core decides which export columns a marked source column stands for (aliases too),
   * exactly as the export will; on an error nothing is flagged and the export still drops them. */
  for (guint c = 0; c < CST_AUDIENCE_N_COLUMNS; c++)
    if (!cst_audience_column_is_sensitive (store, c, &result->sensitive[c], NULL))
      result->sensitive[c] = FALSE;
  g_task_return_pointer (task, result, load_result_free);
}

static void
build_columns (CstAudienceDialog *self)
{
  CstExportOptions defaults;
  gboolean is_default[CST_AUDIENCE_N_COLUMNS] = { FALSE };

  /* The core's default columns, read from its options: n_columns 0 means them. */
  cst_export_options_init (&defaults);
  if (defaults.n_columns == 0)
    {
      const CstAudienceColumn fallback[] = {
        CST_AUDIENCE_COLUMN_EMAIL, CST_AUDIENCE_COLUMN_FIRST_NAME, CST_AUDIENCE_COLUMN_LAST_NAME,
        CST_AUDIENCE_COLUMN_PHONE, CST_AUDIENCE_COLUMN_COUNTRY, CST_AUDIENCE_COLUMN_ORDERS,
        CST_AUDIENCE_COLUMN_TOTAL_SPEND, CST_AUDIENCE_COLUMN_LAST_ORDER, CST_AUDIENCE_COLUMN_SEGMENT,
      };

      for (guint i = 0; i < G_N_ELEMENTS (fallback); i++)
        is_default[fallback[i]] = TRUE;
    }
  else
    for (guint i = 0; i < defaults.n_columns; i++)
      is_default[defaults.columns[i]] = TRUE;

  for (guint c = 0; c < CST_AUDIENCE_N_COLUMNS; c++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      const char *title = _(cst_audience_column_get_title (c));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      if (self->sensitive[c])
        {
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       _("Marked sensitive in Privacy: left out unless you tick it"));
          gtk_widget_add_css_class (row, "warning");
        }
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), is_default[c] && !self->sensitive[c]);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      /* The row is named by its title alone and the check by the row. Left to themselves,
       * the row was labelled by both its title and its check, and a screen reader heard
       * "Email Email". Set after the activatable widget, which sets the row's relations. */
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL, -1);
      g_signal_connect_object (check, "toggled", G_CALLBACK (schedule_preview), self, G_CONNECT_SWAPPED);
      adw_expander_row_add_row (self->columns_row, row);
      self->column_checks[c] = GTK_CHECK_BUTTON (check);
    }
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (source);
  g_autoptr(GError) error = NULL;
  LoadResult *loaded = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *size = NULL;
  g_autofree char *subtitle = NULL;

  self->loading = FALSE;
  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_action_row_set_subtitle (self->source_row, error->message);
      return;
    }

  if (loaded->source_name != NULL && self->from_segment)
    {
      g_free (self->name);
      self->name = g_strdup (loaded->source_name);
      adw_window_title_set_subtitle (self->window_title, self->name);
    }
  size = cst_chart_format_count (loaded->source_size);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s person", "%s · %s people", loaded->source_size),
                              self->name, size);
  adw_action_row_set_subtitle (self->source_row, subtitle);

  for (guint i = 0; i < loaded->countries->len; i++)
    gtk_string_list_append (self->countries, g_ptr_array_index (loaded->countries, i));
  memcpy (self->sensitive, loaded->sensitive, sizeof self->sensitive);
  build_columns (self);
  load_result_free (loaded);
  schedule_preview (self);
}

/* The preview. */

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TaskData *td = task_data;
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstAudience) audience = NULL;
  g_autofree char *key = NULL;
  PreviewResult *result;
  GError *error = NULL;
  gint64 audience_id = 0;
  guint32 seed = 0;
  double share = 0;
  gboolean stored;

  store = cst_store_open (td->project_path, &error);
  if (store == NULL || (audience = make_audience (store, td, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  key = cst_audience_dup_key (audience);
  stored = cst_store_audience_lookup (store, key, &audience_id, &seed, &share, NULL);
  if (stored)
    td->options.holdout_share = -1.0;

  result = g_new0 (PreviewResult, 1);
  result->stored = stored;
  if (!cst_audience_preview (store, audience, &td->options, &result->summary, &error))
    {
      g_free (result);
      g_task_return_error (task, error);
      return;
    }
  if (stored)
    {
      result->summary.audience_id = audience_id;
      result->summary.seed = seed;
      result->summary.holdout_share = share;
    }
  g_task_return_pointer (task, result, g_free);
}

/* "2" for 2.0, "2.5" otherwise: how people say percentages. */
static char *
format_percent (double value)
{
  if (fabs (value - round (value)) < 0.05)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.1f", value);
}

static void
update_sample_size (CstAudienceDialog *self)
{
  double baseline = gtk_spin_button_get_value (self->baseline_spin) / 100.0;
  double lift = gtk_spin_button_get_value (self->lift_spin) / 100.0;
  double share = self->stored_holdout && self->have_preview ? self->preview.holdout_share
                                                            : gtk_spin_button_get_value (self->share_spin) / 100.0;
  CstSampleSize size;
  g_autofree char *text = NULL;
  gboolean too_small = FALSE;

  if (share <= 0.0)
    text = g_strdup (_("Hold back some people to measure what the campaign changed."));
  else if (!cst_holdout_sample_size (baseline, lift / baseline, 0.05, 0.8, share, &size))
    text = g_strdup (_("The baseline and the lift together exceed 100 %."));
  else
    {
      g_autofree char *total = cst_chart_format_count (size.n_total);
      g_autofree char *held = cst_chart_format_count (size.n_holdout);
      g_autofree char *points = format_percent (lift * 100.0);
      g_autofree char *base_text = format_percent (baseline * 100.0);

      /* Translators: "To detect a 2-point lift on a 5 % baseline you need about 4,000 people in
       * the audience and 400 held back." */
      text = g_strdup_printf (_("To detect a %s-point lift on a %s %% baseline you need about %s people in the "
                                "audience and %s held back."),
                              points, base_text, total, held);
      if (self->have_preview && self->preview.n_eligible < size.n_total)
        {
          g_autofree char *have = cst_chart_format_count (self->preview.n_eligible);
          g_autofree char *warned = g_strdup_printf (_("%s This audience has only %s: a smaller lift will go "
                                                       "unnoticed; test a bigger lift or a larger audience."),
                                                     text, have);

          g_free (text);
          text = g_steal_pointer (&warned);
          too_small = TRUE;
        }
    }
  adw_action_row_set_subtitle (self->sample_row, text);
  gtk_image_set_from_icon_name (self->sample_icon, too_small ? "dialog-warning-symbolic" : "dialog-information-symbolic");
  if (too_small)
    gtk_widget_add_css_class (GTK_WIDGET (self->sample_icon), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sample_icon), "warning");
}

static void
set_count (GtkLabel *label,
           gsize     n)
{
  g_autofree char *text = cst_chart_format_count (n);

  gtk_label_set_label (label, text);
}

static void
update_actions (CstAudienceDialog *self)
{
  gboolean busy = self->job != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audience.export", !busy && self->have_preview &&
                                 self->preview.n_written > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audience.import-results", !busy && self->have_preview &&
                                 self->preview.audience_id > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audience.open-folder", self->export_path != NULL);
}

static void
preview_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autofree PreviewResult *preview = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *seed = NULL;

  /* An older preview than the newest options: its counts are stale. Cancelled: the dialog may
   * be gone already. */
  if (GPOINTER_TO_UINT (user_data) != self->preview_serial ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->previewing = FALSE;
  gtk_spinner_stop (self->preview_spinner);
  if (preview == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }

  self->preview = preview->summary;
  self->have_preview = TRUE;
  self->stored_holdout = preview->stored;
  set_count (self->candidates_label, preview->summary.n_candidates);
  set_count (self->no_consent_label, preview->summary.n_no_consent);
  set_count (self->filtered_label, preview->summary.n_filtered);
  set_count (self->held_label, preview->summary.n_held);
  set_count (self->written_label, preview->summary.n_written);
  seed = g_strdup_printf ("%u", preview->summary.seed);
  gtk_label_set_label (self->seed_label, seed);

  gtk_widget_set_sensitive (GTK_WIDGET (self->share_spin), !preview->stored);
  if (preview->stored)
    {
      g_signal_handlers_block_by_func (self->share_spin, schedule_preview, self);
      gtk_spin_button_set_value (self->share_spin, round (preview->summary.holdout_share * 100.0));
      g_signal_handlers_unblock_by_func (self->share_spin, schedule_preview, self);
      adw_action_row_set_subtitle (self->share_row, _("Kept from the first export, so results stay comparable"));
    }
  else
    adw_action_row_set_subtitle (self->share_row, _("Share of the audience, in percent"));
  update_sample_size (self);
  update_actions (self);
}

static gboolean
preview_timeout_cb (gpointer data)
{
  CstAudienceDialog *self = data;
  g_autoptr(GTask) task = NULL;

  self->preview_source = 0;
  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  self->preview_cancellable = g_cancellable_new ();
  self->previewing = TRUE;
  gtk_spinner_start (self->preview_spinner);

  task = g_task_new (self, self->preview_cancellable, preview_done_cb, GUINT_TO_POINTER (++self->preview_serial));
  g_task_set_source_tag (task, preview_timeout_cb);
  g_task_set_task_data (task, task_data_new (self), task_data_free);
  g_task_run_in_thread (task, preview_thread);
  return G_SOURCE_REMOVE;
}

static void
schedule_preview (CstAudienceDialog *self)
{
  if (self->loading)
    return;
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout_cb, self);
  update_sample_size (self);
}

static void
rules_changed_cb (CstAudienceDialog *self)
{
  /* Other rules make another audience, which may have a stored holdout of its own. */
  self->stored_holdout = FALSE;
  schedule_preview (self);
}

static void
format_changed_cb (CstAudienceDialog *self)
{
  guint format = adw_combo_row_get_selected (self->format_row);
  gboolean hashed = format == FORMAT_GOOGLE || format == FORMAT_META;

  gtk_widget_set_sensitive (GTK_WIDGET (self->columns_row), !hashed);
  adw_expander_row_set_subtitle (self->columns_row,
                                 hashed ? _("Hashed lists hold only SHA-256 hashes of emails and phones")
                                        : _("What each row of the file shows"));
  if (hashed)
    adw_expander_row_set_expanded (self->columns_row, FALSE);
  schedule_preview (self);
}

/* Export. */

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *td = task_data;
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstAudience) audience = NULL;
  CstExportSummary *summary = g_new0 (CstExportSummary, 1);
  GError *error = NULL;

  store = cst_store_open (td->project_path, &error);
  if (store == NULL || (audience = make_audience (store, td, &error)) == NULL ||
      !cst_audience_export (store, audience, &td->options, td->path, summary, cancellable,
                            cst_job_progress, td->job, &error))
    {
      g_free (summary);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, summary, g_free);
}

static void
finish_job (CstAudienceDialog *self)
{
  cst_job_bar_set_job (self->job_bar, NULL);
  g_clear_object (&self->job);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), TRUE);
  update_actions (self);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autofree CstExportSummary *summary = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_autofree char *written = NULL;
  g_autofree char *held = NULL;
  g_autofree char *left = NULL;
  g_autofree char *text = NULL;
  g_autofree char *basename = NULL;
  GString *description;

  if (cancelled && self->stack == NULL)
    return;
  finish_job (self);
  if (summary == NULL)
    {
      g_clear_pointer (&self->export_path, g_free);
      if (!cancelled)
        cst_alert_show_error (GTK_WIDGET (self), _("Could Not Export the Audience"), error->message);
      update_actions (self);
      return;
    }

  self->export_summary = *summary;
  self->have_export = TRUE;
  written = cst_chart_format_count (summary->n_written);
  held = cst_chart_format_count (summary->n_held);
  left = cst_chart_format_count (summary->n_no_consent);
  description = g_string_new (NULL);
  g_string_append_printf (description, g_dngettext (GETTEXT_PACKAGE, "%s person written", "%s people written",
                                                    summary->n_written), written);
  g_string_append_printf (description, g_dngettext (GETTEXT_PACKAGE, ", %s held back", ", %s held back",
                                                    summary->n_held), held);
  g_string_append_printf (description, g_dngettext (GETTEXT_PACKAGE, ", %s left out: no consent",
                                                    ", %s left out: no consent", summary->n_no_consent), left);
  if (summary->n_filtered > 0)
    {
      g_autofree char *filtered = cst_chart_format_count (summary->n_filtered);

      g_string_append_printf (description, g_dngettext (GETTEXT_PACKAGE, ", %s left out by the rules",
                                                        ", %s left out by the rules", summary->n_filtered), filtered);
    }
  g_string_append (description, ".");
  if (summary->n_no_identifier > 0)
    {
      g_autofree char *missing = cst_chart_format_count (summary->n_no_identifier);

      g_string_append_printf (description, g_dngettext (GETTEXT_PACKAGE, " %s person had neither email nor phone.",
                                                        " %s people had neither email nor phone.",
                                                        summary->n_no_identifier), missing);
    }
  if (summary->n_dropped_columns > 0)
    g_string_append_printf (description, g_dngettext (GETTEXT_PACKAGE, " %u sensitive column was left out.",
                                                      " %u sensitive columns were left out.",
                                                      summary->n_dropped_columns),
                            (guint) summary->n_dropped_columns);
  basename = g_path_get_basename (self->export_path);
  g_string_append_printf (description, "\n%s", basename);
  adw_status_page_set_description (self->done_page, description->str);
  g_string_free (description, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "done");
  gtk_widget_set_visible (self->export_button, FALSE);

  /* The export stored the audience and its holdout: the next preview shows them kept. */
  self->preview.audience_id = summary->audience_id;
  schedule_preview (self);
}

static void
start_export (CstAudienceDialog *self,
              const char        *path)
{
  g_autoptr(GTask) task = NULL;
  TaskData *td;

  g_return_if_fail (self->job == NULL);

  td = task_data_new (self);
  td->path = g_strdup (path);
  g_free (self->export_path);
  self->export_path = g_strdup (path);
  self->job = cst_job_new (_("Exporting the audience"));
  td->job = g_object_ref (self->job);
  cst_job_bar_set_job (self->job_bar, self->job);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), FALSE);
  update_actions (self);

  task = g_task_new (self, cst_job_get_cancellable (self->job), export_done_cb, NULL);
  g_task_set_source_tag (task, start_export);
  g_task_set_task_data (task, td, task_data_free);
  g_task_run_in_thread (task, export_thread);
}

static void
export_response_cb (CstAudienceDialog    *self,
                    int                   response,
                    GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      start_export (self, g_file_peek_path (file));
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

/* "Lapsed big spenders 2026-11-22.csv": the source and the day, without characters that file
 * systems refuse. */
static char *
suggest_file_name (CstAudienceDialog *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = g_strdup (self->name != NULL ? self->name : _("Audience"));
  guint format = adw_combo_row_get_selected (self->format_row);
  const char *extension = format == FORMAT_XLSX ? "xlsx" : "csv";
  const char *suffix = format == FORMAT_GOOGLE ? _(" (Google)") : format == FORMAT_META ? _(" (Meta)") : "";

  g_strdelimit (name, "/\\:*?\"<>|", '-');
  return g_strdup_printf ("%s %s%s.%s", name, day, suffix, extension);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = suggest_file_name (self);

  chooser = gtk_file_chooser_native_new (_("Export Audience"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (widget);
  g_autofree char *folder = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;

  if (self->export_path == NULL)
    return;
  folder = g_path_get_dirname (self->export_path);
  file = g_file_new_for_path (folder);
  uri = g_file_get_uri (file);
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (widget);

  gtk_stack_set_visible_child_name (self->stack, "options");
  gtk_widget_set_visible (self->export_button, TRUE);
}

/* Campaign results. */

static void
measure_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TaskData *td = task_data;
  g_autoptr(CstStore) store = NULL;
  CstLift *lift = g_new0 (CstLift, 1);
  GError *error = NULL;

  store = cst_store_open (td->project_path, &error);
  if (store == NULL || !cst_holdout_measure_csv (store, td->audience_id, td->path, lift, &error))
    {
      g_free (lift);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, lift, g_free);
}

static char *
describe_lift (const CstLift *lift)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, _("Reached people converted at %.1f %%, people held back at %.1f %%: "),
                          100.0 * lift->rate_treatment, 100.0 * lift->rate_holdout);
  g_string_append_printf (text, _("%+.1f points (95 %% interval %+.1f to %+.1f)"),
                          100.0 * lift->absolute_lift, 100.0 * lift->absolute_low, 100.0 * lift->absolute_high);
  if (isfinite (lift->relative_lift))
    g_string_append_printf (text, _(", %+.0f %% (from %+.0f %% to %+.0f %%)"), 100.0 * lift->relative_lift,
                            100.0 * lift->relative_low, 100.0 * lift->relative_high);
  g_string_append (text, ". ");
  if (lift->absolute_low > 0)
    g_string_append (text, _("The campaign very likely raised conversions."));
  else if (lift->absolute_high < 0)
    g_string_append (text, _("The campaign very likely lowered conversions."));
  else
    g_string_append (text, _("The difference could be chance: the interval includes no change."));
  return g_string_free (text, FALSE);
}

static void
measure_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autofree CstLift *lift = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL;

  if (self->stack == NULL)
    return;
  finish_job (self);
  if (lift == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cst_alert_show_error (GTK_WIDGET (self), _("Could Not Read the Results"), error->message);
      return;
    }
  text = describe_lift (lift);
  adw_action_row_set_subtitle (self->results_row, text);
  self->have_lift = TRUE;
  self->lift = *lift;
}

static void
start_measure (CstAudienceDialog *self,
               const char        *path)
{
  g_autoptr(GTask) task = NULL;
  TaskData *td;

  g_return_if_fail (self->job == NULL);

  td = task_data_new (self);
  td->path = g_strdup (path);
  td->audience_id = self->preview.audience_id;
  self->job = cst_job_new (_("Measuring the lift"));
  cst_job_bar_set_job (self->job_bar, self->job);
  update_actions (self);
  task = g_task_new (self, cst_job_get_cancellable (self->job), measure_done_cb, NULL);
  g_task_set_source_tag (task, start_measure);
  g_task_set_task_data (task, td, task_data_free);
  g_task_run_in_thread (task, measure_thread);
}

static void
results_response_cb (CstAudienceDialog    *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT && self->job == NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      start_measure (self, g_file_peek_path (file));
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
import_results_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Campaign Results"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (results_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
close_request_cb (CstAudienceDialog *self)
{
  /* Closing cancels whatever runs; each task keeps the dialog alive until its worker returns. */
  if (self->job != NULL)
    cst_job_cancel (self->job);
  g_cancellable_cancel (self->preview_cancellable);
  g_cancellable_cancel (self->cancellable);
  return FALSE;
}

static void
cst_audience_dialog_dispose (GObject *object)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (object);

  close_request_cb (self);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  g_clear_object (&self->preview_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->job);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_AUDIENCE_DIALOG);

  G_OBJECT_CLASS (cst_audience_dialog_parent_class)->dispose (object);
}

static void
cst_audience_dialog_finalize (GObject *object)
{
  CstAudienceDialog *self = CST_AUDIENCE_DIALOG (object);

  g_free (self->project_path);
  g_free (self->name);
  g_free (self->export_path);
  g_clear_pointer (&self->ids, g_array_unref);

  G_OBJECT_CLASS (cst_audience_dialog_parent_class)->finalize (object);
}

static void
cst_audience_dialog_class_init (CstAudienceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_audience_dialog_dispose;
  object_class->finalize = cst_audience_dialog_finalize;

  g_type_ensure (CST_TYPE_JOB_BAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/constellate/Constellate/cst-audience-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, country_row);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, consent_row);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, candidates_label);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, no_consent_label);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, filtered_label);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, held_label);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, written_label);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, share_row);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, share_spin);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, seed_label);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, baseline_spin);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, lift_spin);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, sample_row);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, sample_icon);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, columns_row);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, results_row);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, CstAudienceDialog, job_bar);

  gtk_widget_class_install_action (widget_class, "audience.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "audience.import-results", NULL, import_results_action);
  gtk_widget_class_install_action (widget_class, "audience.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "audience.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "audience.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_audience_dialog_init (CstAudienceDialog *self)
{
  GtkExpression *expression;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->preview_cancellable = g_cancellable_new ();
  self->loading = TRUE;

  self->countries = gtk_string_list_new (NULL);
  gtk_string_list_append (self->countries, _("Any country"));
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  adw_combo_row_set_expression (self->country_row, expression);
  gtk_expression_unref (expression);
  adw_combo_row_set_model (self->country_row, G_LIST_MODEL (self->countries));
  g_object_unref (self->countries);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->share_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Share held back, in percent"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->baseline_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Baseline conversion, in percent"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->lift_spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Lift to detect, in percentage points"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->seed_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Holdout seed"), -1);

  g_signal_connect_object (self->country_row, "notify::selected", G_CALLBACK (rules_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->consent_row, "notify::selected", G_CALLBACK (rules_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->format_row, "notify::selected", G_CALLBACK (format_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->share_spin, "value-changed", G_CALLBACK (schedule_preview), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->baseline_spin, "value-changed", G_CALLBACK (update_sample_size), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->lift_spin, "value-changed", G_CALLBACK (update_sample_size), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
  update_sample_size (self);
  update_actions (self);
}

static CstAudienceDialog *
dialog_new (GtkWindow *parent)
{
  return g_object_new (CST_TYPE_AUDIENCE_DIALOG, "transient-for", parent, NULL);
}

static void
start_load (CstAudienceDialog *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, load_done_cb, NULL);

  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, task_data_new (self), task_data_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * cst_audience_dialog_new_for_segment:
 * @project_path: the project
 * @segment_index: a segment of the newest run
 * @segment_name: its name, shown until the project confirms it
 *
 * Opens the export dialog for a segment; its counts load in worker threads.
 */
CstAudienceDialog *
cst_audience_dialog_new_for_segment (GtkWindow  *parent,
                                     const char *project_path,
                                     guint       segment_index,
                                     const char *segment_name)
{
  CstAudienceDialog *self;

  g_return_val_if_fail (project_path != NULL, NULL);

  self = dialog_new (parent);
  self->project_path = g_strdup (project_path);
  self->from_segment = TRUE;
  self->segment = segment_index;
  self->name = g_strdup (segment_name);
  adw_window_title_set_subtitle (self->window_title, segment_name);
  start_load (self);
  return self;
}

/**
 * cst_audience_dialog_new_for_people:
 * @name: what the list is ("Likely to buy again, top 10 %"); also the audience's key, so the
 *   same name keeps the same holdout
 * @person_ids: (array length=n_ids): the people
 *
 * Opens the export dialog for a list of people: a lookalike audience or a score band.
 */
CstAudienceDialog *
cst_audience_dialog_new_for_people (GtkWindow    *parent,
                                    const char   *project_path,
                                    const char   *name,
                                    const gint64 *person_ids,
                                    gsize         n_ids)
{
  CstAudienceDialog *self;

  g_return_val_if_fail (project_path != NULL && name != NULL, NULL);
  g_return_val_if_fail (person_ids != NULL || n_ids == 0, NULL);

  self = dialog_new (parent);
  self->project_path = g_strdup (project_path);
  self->name = g_strdup (name);
  self->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (self->ids, person_ids, n_ids);
  adw_window_title_set_subtitle (self->window_title, name);
  start_load (self);
  return self;
}

gboolean
cst_audience_dialog_is_busy (CstAudienceDialog *self)
{
  g_return_val_if_fail (CST_IS_AUDIENCE_DIALOG (self), FALSE);

  return self->loading || self->previewing || self->preview_source != 0 || self->job != NULL;
}

const CstExportSummary *
cst_audience_dialog_get_preview (CstAudienceDialog *self)
{
  g_return_val_if_fail (CST_IS_AUDIENCE_DIALOG (self), NULL);

  return self->have_preview ? &self->preview : NULL;
}

const CstExportSummary *
cst_audience_dialog_get_export_summary (CstAudienceDialog *self)
{
  g_return_val_if_fail (CST_IS_AUDIENCE_DIALOG (self), NULL);

  return self->have_export ? &self->export_summary : NULL;
}

void
cst_audience_dialog_set_holdout_share (CstAudienceDialog *self,
                                       double             share)
{
  g_return_if_fail (CST_IS_AUDIENCE_DIALOG (self));

  gtk_spin_button_set_value (self->share_spin, share * 100.0);
}

void
cst_audience_dialog_set_format (CstAudienceDialog *self,
                                CstExportFormat    format,
                                CstHashedPlatform  platform)
{
  g_return_if_fail (CST_IS_AUDIENCE_DIALOG (self));

  adw_combo_row_set_selected (self->format_row,
                              format == CST_EXPORT_XLSX ? FORMAT_XLSX
                              : format == CST_EXPORT_HASHED ? (platform == CST_HASHED_META ? FORMAT_META : FORMAT_GOOGLE)
                              : FORMAT_CSV);
}

void
cst_audience_dialog_export_to (CstAudienceDialog *self,
                               const char        *path)
{
  g_return_if_fail (CST_IS_AUDIENCE_DIALOG (self));
  g_return_if_fail (path != NULL);

  start_export (self, path);
}

/* Measures the lift from a results CSV as "Import Results…" does after its file chooser; the
 * audience must have been exported. */
void
cst_audience_dialog_import_results_from (CstAudienceDialog *self,
                                         const char        *path)
{
  g_return_if_fail (CST_IS_AUDIENCE_DIALOG (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (self->have_preview && self->preview.audience_id > 0);

  start_measure (self, path);
}

/* The lift measured last, or %NULL. */
const CstLift *
cst_audience_dialog_get_lift (CstAudienceDialog *self)
{
  g_return_val_if_fail (CST_IS_AUDIENCE_DIALOG (self), NULL);

  return self->have_lift ? &self->lift : NULL;
}
