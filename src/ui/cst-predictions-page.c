/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-predictions-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-alert.h"
#include "cst-chart-predict.h"
#include "cst-chart-util.h"
#include "cst-chart-view.h"
#include "cst-predictions-page.h"
#include "cst-report.h"
#include "jobs/cst-job.h"
#include "predict/cst-store-predict.h"
#include "store/cst-store.h"

/* The Predictions page. Everything shown comes from stored runs: a run is made in a worker
 * thread that opens its own store, saved there, and handed to the main thread complete. The page
 * runs one job at a time; the progress bar and Cancel of that job sit next to the section that
 * started it. Band thresholds and the lookalike audience are recomputed on the main thread from
 * the run's scores, which is cheap (one pass over the people). */

#define SECONDS_PER_DAY  86400
#define N_TOP_CUSTOMERS  20
#define N_SCORE_BINS     40
#define SAVE_DELAY_MS    600   /* thresholds are saved once they rest this long */

typedef enum
{
  JOB_NONE,
  JOB_LOAD,
  JOB_PROPENSITY,
  JOB_CLV,
  JOB_LOOKALIKE,
} JobKind;

/* Everything a worker needs, copied on the main thread: the worker never touches widgets. */
typedef struct
{
  JobKind              kind;
  char                *project_path;
  CstPropensityOptions propensity;
  GArray              *seed_ids;       /* gint64 */
  char                *seed_description;
  CstJob              *job;
} JobData;

/* What a project holds for this page, read in one go when it is opened. */
typedef struct
{
  gboolean          has_people;
  gboolean          has_orders;
  CstPropensityRun *runs[2];           /* by CstPropensityTarget */
  CstClvRun        *clv;
  CstLookalikeRun  *lookalike;
  CstTimeSplit      splits[2];
  gboolean          split_ok[2];
  char             *split_error;
  GArray           *people;            /* gint64, ascending */
  GPtrArray        *emails;            /* parallel to people, nullable strings */
  GPtrArray        *names;             /* parallel to people, "First Last" or NULL */
} Loaded;

/* Band thresholds to store, copied on the main thread. */
typedef struct
{
  char   *project_path;
  gint64  run_id;
  double  low, high;
} SaveData;

/* A lookalike seed the user can pick. */
typedef struct
{
  int   segment;                       /* ≥ 0: a segment of the segmentation */
  int   target;                        /* ≥ 0 (segment < 0): the High band of this propensity run */
} SeedChoice;

struct _CstPredictionsPage
{
  GtkWidget          parent_instance;

  char              *project_path;
  guint              generation;       /* bumped by set_project: older results are dropped */
  CstJob            *job;
  JobKind            job_kind;

  CstPropensityRun  *runs[2];
  CstClvRun         *clv;
  CstLookalikeRun   *lookalike;
  CstTimeSplit       splits[2];
  gboolean           split_ok[2];
  char              *split_error;
  guint              horizon[2];       /* chosen by the user; 0: suggested */
  gint64             cutoff[2];        /* chosen by the user; G_MININT64: suggested */
  GArray            *people;
  GPtrArray         *emails;
  GPtrArray         *names;
  CstBandCounts      counts;
  guint              n_top;

  /* The segmentation, copied: names and members of each segment. */
  char             **segment_names;
  GPtrArray         *segment_members;  /* GArray of gint64 per segment */
  GArray            *seed_choices;     /* SeedChoice, parallel to the seed row's model */

  gboolean           updating;
  guint              save_source;      /* pending save of moved thresholds */
  gint64             save_run;         /* the run whose thresholds moved */
  gboolean           saving;           /* a save is in flight; one more after it when pending */
  gboolean           save_again;
  GPtrArray         *driver_rows;
  CstScoresHandle    drag_handle;

  GtkStack          *stack;
  AdwStatusPage     *empty_page;
  AdwComboRow       *target_row;
  GtkSpinButton     *horizon_spin;
  GtkMenuButton     *cutoff_button;
  GtkCalendar       *cutoff_calendar;
  AdwActionRow      *split_row;
  GtkWidget         *run_progress;
  GtkProgressBar    *run_bar;
  GtkWidget         *results_box;
  GtkLabel          *headline_label;
  GtkLabel          *model_label;
  GtkLabel          *run_info_label;
  GtkBox            *warnings_box;
  CstChartView      *scores_view;
  GtkBox            *bands_box;
  GtkAdjustment     *low_adjustment;
  GtkAdjustment     *high_adjustment;
  CstChartView      *gain_view;
  CstChartView      *lift_view;
  CstChartView      *roc_view;
  CstChartView      *calibration_view;
  AdwPreferencesGroup *drivers_group;
  GtkWidget         *clv_progress;
  GtkProgressBar    *clv_bar;
  GtkWidget         *clv_box;
  GtkLabel          *clv_label;
  GtkBox            *clv_warnings_box;
  CstChartView      *clv_view;
  GtkListBox        *top_list;
  AdwComboRow       *seed_row;
  GtkWidget         *lookalike_progress;
  GtkProgressBar    *lookalike_bar;
  GtkWidget         *lookalike_box;
  GtkLabel          *lookalike_label;
  GtkBox            *lookalike_warnings_box;
  CstChartView      *reach_view;
  GtkAdjustment     *similarity_adjustment;
  GtkAdjustment     *audience_adjustment;
  AdwActionRow      *audience_result_row;
};

enum {
  EXPORT_AUDIENCE,
  BUSY_CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CstPredictionsPage, cst_predictions_page, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

/* ---- Helpers ---------------------------------------------------------------------------- */

static void
job_data_free (gpointer data)
{
  JobData *job_data = data;

  g_free (job_data->project_path);
  g_clear_pointer (&job_data->seed_ids, g_array_unref);
  g_free (job_data->seed_description);
  g_clear_object (&job_data->job);
  g_free (job_data);
}

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  g_clear_pointer (&loaded->runs[0], cst_propensity_run_free);
  g_clear_pointer (&loaded->runs[1], cst_propensity_run_free);
  g_clear_pointer (&loaded->clv, cst_clv_run_free);
  g_clear_pointer (&loaded->lookalike, cst_lookalike_run_free);
  g_free (loaded->split_error);
  g_clear_pointer (&loaded->people, g_array_unref);
  g_clear_pointer (&loaded->emails, g_ptr_array_unref);
  g_clear_pointer (&loaded->names, g_ptr_array_unref);
  g_free (loaded);
}

static char *
format_day (gint64 time)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (time);

  /* Times are wall-clock days stored as if they were UTC. */
  /* Translators: a day as in "before 1 March 2025", in g_date_time_format() codes. */
  return date != NULL ? g_date_time_format (date, _("%-d %B %Y")) : g_strdup ("?");
}

static const char *
target_question (CstPropensityTarget target)
{
  return target == CST_PROPENSITY_CHURN ? _("Who will stop buying") : _("Who will buy");
}

static const char *
auc_in_words (double auc)
{
  if (auc >= 0.9)
    return _("very good at telling them apart");
  if (auc >= 0.8)
    return _("good at telling them apart");
  if (auc >= 0.7)
    return _("fair at telling them apart");
  if (auc >= 0.6)
    return _("weak at telling them apart");
  return _("hardly better than a coin toss");
}

static const char *
kind_in_words (CstClassifierKind kind)
{
  return kind == CST_CLASSIFIER_TREES ? _("a forest of decision trees")
                                      : _("a weighted score (logistic regression)");
}

static CstPropensityTarget
selected_target (CstPredictionsPage *self)
{
  return adw_combo_row_get_selected (self->target_row) == 1 ? CST_PROPENSITY_PURCHASE
                                                             : CST_PROPENSITY_CHURN;
}

/* Finds a person's email and name ("First Last"); either may come back NULL. */
static void
person_for (CstPredictionsPage  *self,
            gint64               person_id,
            const char         **email,
            const char         **name)
{
  guint lo = 0, hi;

  *email = NULL;
  *name = NULL;
  if (self->people == NULL)
    return;
  hi = self->people->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 id = g_array_index (self->people, gint64, mid);

      if (id == person_id)
        {
          *email = self->emails != NULL ? g_ptr_array_index (self->emails, mid) : NULL;
          *name = self->names != NULL ? g_ptr_array_index (self->names, mid) : NULL;
          return;
        }
      if (id < person_id)
        lo = mid + 1;
      else
        hi = mid;
    }
}

static void
remove_children (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_BOX (box))
        gtk_box_remove (GTK_BOX (box), child);
      else if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_widget_unparent (child);
    }
}

/* Warnings are the first thing to read after the headline: a card per sentence, in the
 * warning colour, with an icon for those who do not see the colour. */
static void
fill_warnings (GtkBox      *box,
               char *const *warnings)
{
  remove_children (GTK_WIDGET (box));
  gtk_widget_set_visible (GTK_WIDGET (box), warnings != NULL && warnings[0] != NULL);
  if (warnings == NULL)
    return;

  for (guint i = 0; warnings[i] != NULL; i++)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      GtkWidget *label = gtk_label_new (warnings[i]);

      gtk_widget_add_css_class (card, "card");
      gtk_widget_set_margin_start (icon, 12);
      gtk_widget_set_margin_top (icon, 12);
      gtk_widget_set_valign (icon, GTK_ALIGN_START);
      gtk_widget_add_css_class (icon, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Warning"), -1);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_box_append (GTK_BOX (card), icon);
      gtk_box_append (GTK_BOX (card), label);
      gtk_box_append (box, card);
    }
}

/* The value of a gain curve (sorted by x, from (0, 0)) at share @x, linearly interpolated. */
/* ---- Jobs ------------------------------------------------------------------------------- */

static gboolean
load_project (CstStore      *store,
              gint64         identity_run,
              Loaded        *loaded,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GArray) purchases = NULL;
  g_autoptr(GPtrArray) emails = NULL;
  g_autoptr(GPtrArray) names = NULL;

  purchases = cst_predict_collect_purchases (store, identity_run, cancellable, error);
  if (purchases == NULL)
    return FALSE;
  loaded->has_orders = purchases->len > 0;
  if (!loaded->has_orders)
    return TRUE;

  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(GError) split_error = NULL;

      loaded->split_ok[t] = cst_time_split_suggest (purchases, t, 0, &loaded->splits[t], &split_error);
      if (!loaded->split_ok[t] && loaded->split_error == NULL)
        loaded->split_error = g_strdup (split_error->message);
    }

  for (guint t = 0; t < 2; t++)
    {
      loaded->runs[t] = cst_store_load_latest_propensity (store, t, error);
      if (loaded->runs[t] == NULL && error != NULL && *error != NULL)
        return FALSE;
    }
  loaded->clv = cst_store_load_latest_clv (store, error);
  if (loaded->clv == NULL && error != NULL && *error != NULL)
    return FALSE;
  loaded->lookalike = cst_store_load_latest_lookalike (store, error);
  if (loaded->lookalike == NULL && error != NULL && *error != NULL)
    return FALSE;

  loaded->people = cst_store_list_people_full (store, identity_run, &emails, &names, error);
  if (loaded->people == NULL)
    return FALSE;
  loaded->emails = g_steal_pointer (&emails);
  loaded->names = g_steal_pointer (&names);
  return TRUE;
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  JobData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = NULL;
  gint64 identity_run;
  gint64 n_people = 0;

  store = cst_store_open (data->project_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  identity_run = cst_store_get_latest_identity_run (store, &n_people);

  if (data->kind == JOB_LOAD)
    {
      Loaded *loaded = g_new0 (Loaded, 1);

      loaded->has_people = identity_run > 0 && n_people > 0;
      if (loaded->has_people && !load_project (store, identity_run, loaded, cancellable, &error))
        {
          loaded_free (loaded);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_task_return_pointer (task, loaded, loaded_free);
      return;
    }

  if (identity_run <= 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This project has no people yet: import orders first."));
      return;
    }

  switch (data->kind)
    {
    case JOB_PROPENSITY:
      {
        g_autoptr(CstPropensityRun) run = cst_propensity_run (store, identity_run, &data->propensity,
                                                              cancellable, cst_job_progress, data->job,
                                                              &error);

        if (run == NULL || !cst_store_save_propensity (store, run, &error))
          g_task_return_error (task, g_steal_pointer (&error));
        else
          g_task_return_pointer (task, g_steal_pointer (&run), (GDestroyNotify) cst_propensity_run_free);
      }
      break;
    case JOB_CLV:
      {
        CstClvOptions options;
        g_autoptr(CstClvRun) run = NULL;

        cst_clv_options_init (&options);
        run = cst_clv_run (store, identity_run, &options, cancellable, cst_job_progress, data->job, &error);
        if (run == NULL || !cst_store_save_clv (store, run, &error))
          g_task_return_error (task, g_steal_pointer (&error));
        else
          g_task_return_pointer (task, g_steal_pointer (&run), (GDestroyNotify) cst_clv_run_free);
      }
      break;
    case JOB_LOOKALIKE:
      {
        g_autoptr(CstLookalikeRun) run = NULL;

        run = cst_lookalike_run (store, identity_run, (const gint64 *) data->seed_ids->data,
                                 data->seed_ids->len, data->seed_description, CST_LOOKALIKE_AUTO, 42,
                                 cancellable, cst_job_progress, data->job, &error);
        if (run == NULL || !cst_store_save_lookalike (store, run, &error))
          g_task_return_error (task, g_steal_pointer (&error));
        else
          g_task_return_pointer (task, g_steal_pointer (&run), (GDestroyNotify) cst_lookalike_run_free);
      }
      break;
    case JOB_LOAD:
    case JOB_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* ---- Saving moved thresholds ------------------------------------------------------------ */

/* Moving a band threshold re-bands on the main thread at once; the store hears about it once
 * the thresholds rest for SAVE_DELAY_MS, in a worker with its own store, one save at a time so
 * that an older save never lands after a newer one. */

static void
save_data_free (gpointer data)
{
  SaveData *save = data;

  g_free (save->project_path);
  g_free (save);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *save = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = cst_store_open (save->project_path, &error);

  if (store == NULL ||
      !cst_store_update_propensity_thresholds (store, save->run_id, save->low, save->high, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static CstPropensityRun *
run_with_id (CstPredictionsPage *self,
             gint64              run_id)
{
  for (guint t = 0; t < 2; t++)
    if (self->runs[t] != NULL && self->runs[t]->id == run_id)
      return self->runs[t];
  return NULL;
}

static void start_save (CstPredictionsPage *self);

static void
save_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CstPredictionsPage *self = CST_PREDICTIONS_PAGE (object);
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* A run replaced since (a new project, a deleted run) has nothing left to save. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
          gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
        cst_alert_show_error (GTK_WIDGET (self), _("Could Not Save the Bands"), error->message);
    }
  if (self->save_again)
    {
      self->save_again = FALSE;
      start_save (self);
    }
}

/* Sends the thresholds of run self->save_run to the store; with @detached, without a callback
 * (the page is going away or changing project). */
static void
start_save_full (CstPredictionsPage *self,
                 gboolean            detached)
{
  CstPropensityRun *run = run_with_id (self, self->save_run);
  g_autoptr(GTask) task = NULL;
  SaveData *save;

  if (run == NULL || self->project_path == NULL)
    return;
  if (self->saving && !detached)
    {
      self->save_again = TRUE;
      return;
    }
  save = g_new0 (SaveData, 1);
  save->project_path = g_strdup (self->project_path);
  save->run_id = run->id;
  save->low = run->low_threshold;
  save->high = run->high_threshold;
  if (detached)
    task = g_task_new (NULL, NULL, NULL, NULL);
  else
    {
      task = g_task_new (self, NULL, save_done_cb, NULL);
      self->saving = TRUE;
    }
  g_task_set_source_tag (task, start_save_full);
  g_task_set_name (task, "save band thresholds");
  g_task_set_task_data (task, save, save_data_free);
  g_task_run_in_thread (task, save_thread);
}

static void
start_save (CstPredictionsPage *self)
{
  start_save_full (self, FALSE);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  CstPredictionsPage *self = user_data;

  self->save_source = 0;
  start_save (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (CstPredictionsPage *self,
               CstPropensityRun   *run)
{
  if (run == NULL || run->id <= 0)
    return;
  if (self->save_source != 0 && self->save_run != run->id)
    start_save (self);   /* another run's thresholds are still waiting: they go first */
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_run = run->id;
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

/* Saves what is pending now, without waiting for the thresholds to rest. */
static void
flush_save (CstPredictionsPage *self,
            gboolean            detached)
{
  if (self->save_source == 0)
    return;
  g_clear_handle_id (&self->save_source, g_source_remove);
  start_save_full (self, detached);
}

/* ---- Showing ---------------------------------------------------------------------------- */

static void update_actions (CstPredictionsPage *self);
static void update_seed_choices (CstPredictionsPage *self);

static gint64
effective_cutoff (CstPredictionsPage  *self,
                  CstPropensityTarget  target)
{
  guint horizon = self->horizon[target] != 0 ? self->horizon[target] : self->splits[target].horizon_days;

  if (self->cutoff[target] != G_MININT64)
    return self->cutoff[target];
  /* The suggestion: the outcome window ends with the data. */
  return self->splits[target].data_end + SECONDS_PER_DAY - (gint64) horizon * SECONDS_PER_DAY;
}

static void
update_split (CstPredictionsPage *self)
{
  CstPropensityTarget target = selected_target (self);
  g_autofree char *day = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *end = NULL;
  g_autoptr(GDateTime) date = NULL;
  guint horizon;
  gint64 cutoff;

  if (!self->split_ok[target])
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->split_row),
                                     self->split_error != NULL ? self->split_error
                                                               : _("There are not enough orders to learn from."));
      adw_action_row_set_subtitle (self->split_row, "");
      gtk_menu_button_set_label (self->cutoff_button, "—");
      return;
    }

  horizon = self->horizon[target] != 0 ? self->horizon[target] : self->splits[target].horizon_days;
  cutoff = effective_cutoff (self, target);
  day = format_day (cutoff);
  end = format_day (self->splits[target].data_end);

  if (target == CST_PROPENSITY_CHURN)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Learning from orders before %s, checking who did not buy again in the %u day after",
                                          "Learning from orders before %s, checking who did not buy again in the %u days after",
                                          horizon),
                             day, horizon);
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Learning from orders before %s, checking who bought in the %u day after",
                                          "Learning from orders before %s, checking who bought in the %u days after",
                                          horizon),
                             day, horizon);
  if (cutoff + (gint64) horizon * SECONDS_PER_DAY > self->splits[target].data_end + SECONDS_PER_DAY)
    subtitle = g_strdup_printf (_("The orders end on %s, before that window closes: results will be less reliable."), end);
  else
    subtitle = g_strdup_printf (_("Then everyone is scored on their orders up to %s, the last day of the data."), end);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->split_row), title);
  adw_action_row_set_subtitle (self->split_row, subtitle);

  gtk_menu_button_set_label (self->cutoff_button, day);
  self->updating = TRUE;
  gtk_spin_button_set_value (self->horizon_spin, horizon);
  date = g_date_time_new_from_unix_utc (cutoff);
  if (date != NULL)
    gtk_calendar_select_day (self->cutoff_calendar, date);
  self->updating = FALSE;
}

static void
set_chart (CstChartView         *view,
           gpointer              model,
           GDestroyNotify        model_free,
           CstChartPaintFunc     paint,
           CstChartHitTestFunc   hit_test,
           CstChartDescribeFunc  describe)
{
  cst_chart_view_set_chart (view, model, model_free, paint, hit_test, NULL, describe);
}

static void
update_bands (CstPredictionsPage *self)
{
  CstPropensityRun *run = self->runs[selected_target (self)];
  CstScoresModel *model;
  guint64 counts[3];
  const char *act;

  if (run == NULL)
    return;

  cst_propensity_run_set_thresholds (run, gtk_adjustment_get_value (self->low_adjustment),
                                     gtk_adjustment_get_value (self->high_adjustment));
  cst_band_count (run->probability, run->n_people, run->low_threshold, run->high_threshold,
                  &self->counts);

  model = cst_chart_view_get_model (self->scores_view);
  if (model != NULL)
    {
      for (guint b = 0; b < 3; b++)
        counts[b] = self->counts.n_people[b];
      cst_scores_model_set_thresholds (model, run->low_threshold, run->high_threshold);
      cst_scores_model_set_band_stats (model, counts, self->counts.expected);
      gtk_widget_queue_draw (GTK_WIDGET (self->scores_view));
    }

  act = run->target == CST_PROPENSITY_CHURN ? _("expected to stop buying") : _("expected to buy");
  remove_children (GTK_WIDGET (self->bands_box));
  for (int b = CST_BAND_HIGH; b >= CST_BAND_LOW; b--)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *title = gtk_label_new (cst_band_get_label (b));
      g_autofree char *expected = cst_chart_format_count ((gsize) round (self->counts.expected[b]));
      g_autofree char *people = cst_chart_format_people (self->counts.n_people[b]);
      g_autofree char *acting = g_strdup_printf (_("about %s %s"), expected, act);
      g_autofree char *description = g_strdup_printf ("%s: %s, %s", cst_band_get_label (b), people, acting);
      GtkWidget *count = gtk_label_new (people);
      GtkWidget *detail = gtk_label_new (acting);

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (title, "heading");
      gtk_widget_add_css_class (count, "title-3");
      gtk_widget_add_css_class (detail, "dim-label");
      gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
      gtk_label_set_justify (GTK_LABEL (detail), GTK_JUSTIFY_CENTER);
      gtk_widget_set_margin_top (title, 12);
      gtk_widget_set_margin_bottom (detail, 12);
      gtk_widget_set_margin_start (detail, 12);
      gtk_widget_set_margin_end (detail, 12);
      gtk_box_append (GTK_BOX (card), title);
      gtk_box_append (GTK_BOX (card), count);
      gtk_box_append (GTK_BOX (card), detail);
      gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
      gtk_box_append (self->bands_box, card);
    }
}

static void
show_quality (CstPredictionsPage *self,
              CstPropensityRun   *run)
{
  gboolean churn = run->target == CST_PROPENSITY_CHURN;
  CstGainModel *gain;
  CstRocModel *roc;
  CstCalibrationModel *calibration;

  /* The models are the presentation's (cst-report), named here for the run's outcome. */
  gain = cst_report_gain_model (run);
  if (churn)
    /* Translators: "finds 48 % of leavers": customers who stopped buying. */
    cst_gain_model_set_outcome (gain, _("leavers"), _("Leavers found"));
  else
    /* Translators: "finds 48 % of buyers". */
    cst_gain_model_set_outcome (gain, _("buyers"), _("Buyers found"));
  set_chart (self->gain_view, gain, (GDestroyNotify) cst_gain_model_free,
             (CstChartPaintFunc) cst_chart_gain_paint, (CstChartHitTestFunc) cst_chart_gain_hit_test,
             (CstChartDescribeFunc) cst_chart_gain_describe);

  /* Lift by tenth of people, derived from the gain. */
  set_chart (self->lift_view, cst_report_lift_model (run), (GDestroyNotify) cst_lift_model_free,
             (CstChartPaintFunc) cst_chart_lift_paint, (CstChartHitTestFunc) cst_chart_lift_hit_test,
             (CstChartDescribeFunc) cst_chart_lift_describe);

  roc = cst_report_roc_model (run);
  {
    g_autofree char *auc = g_strdup_printf ("%.2f", run->auc);
    g_autofree char *title = NULL;

    if (isfinite (run->auc))
      /* Translators: the ROC chart title, %s is the AUC such as "0.83". */
      title = g_strdup_printf (churn ? _("How well the scores tell leavers apart (AUC %s)")
                                     : _("How well the scores tell buyers apart (AUC %s)"), auc);
    else
      title = g_strdup (churn ? _("How well the scores tell leavers apart")
                              : _("How well the scores tell buyers apart"));
    cst_roc_model_set_title (roc, title);
  }
  if (churn)
    cst_roc_model_set_axis_titles (roc, _("Customers who stayed, wrongly flagged (false positive rate)"),
                                   _("Leavers flagged (true positive rate)"));
  else
    cst_roc_model_set_axis_titles (roc, _("Non-buyers wrongly flagged (false positive rate)"),
                                   _("Buyers flagged (true positive rate)"));
  set_chart (self->roc_view, roc, (GDestroyNotify) cst_roc_model_free,
             (CstChartPaintFunc) cst_chart_roc_paint, (CstChartHitTestFunc) cst_chart_roc_hit_test,
             (CstChartDescribeFunc) cst_chart_roc_describe);

  calibration = cst_report_calibration_model (run);
  if (churn)
    {
      cst_calibration_model_set_title (calibration, _("Predicted chance of stopping buying against what happened"));
      cst_calibration_model_set_axis_titles (calibration, _("Predicted chance of stopping buying"),
                                             _("Share who stopped buying"));
    }
  else
    {
      cst_calibration_model_set_title (calibration, _("Predicted chance of buying against what happened"));
      cst_calibration_model_set_axis_titles (calibration, _("Predicted chance of buying"),
                                             _("Share who bought"));
    }
  set_chart (self->calibration_view, calibration, (GDestroyNotify) cst_calibration_model_free,
             (CstChartPaintFunc) cst_chart_calibration_paint,
             (CstChartHitTestFunc) cst_chart_calibration_hit_test,
             (CstChartDescribeFunc) cst_chart_calibration_describe);
}

static void
show_drivers (CstPredictionsPage *self,
              CstPropensityRun   *run)
{
  double strongest = 0.0;

  for (guint i = 0; i < self->driver_rows->len; i++)
    adw_preferences_group_remove (self->drivers_group, g_ptr_array_index (self->driver_rows, i));
  g_ptr_array_set_size (self->driver_rows, 0);

  for (guint i = 0; run->drivers != NULL && i < run->drivers->len; i++)
    strongest = MAX (strongest, ((CstPropensityDriver *) g_ptr_array_index (run->drivers, i))->importance);

  for (guint i = 0; run->drivers != NULL && i < MIN (run->drivers->len, 8); i++)
    {
      CstPropensityDriver *driver = g_ptr_array_index (run->drivers, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *bar = gtk_level_bar_new_for_interval (0.0, 1.0);
      g_autofree char *first = g_utf8_substring (driver->text, 0, 1);
      g_autofree char *upper = g_utf8_strup (first, -1);
      g_autofree char *title = g_strconcat (upper, g_utf8_offset_to_pointer (driver->text, 1), NULL);
      g_autofree char *strength = g_strdup_printf (_("Strength %.0f %%"),
                                                   strongest > 0 ? 100.0 * driver->importance / strongest : 0.0);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      /* One colour for every strength: the default offsets would paint the strongest green, as
       * if it were good news. */
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), strongest > 0 ? driver->importance / strongest : 0.0);
      gtk_widget_set_size_request (bar, 160, -1);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (bar, strength);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, strength, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
      adw_preferences_group_add (self->drivers_group, row);
      g_ptr_array_add (self->driver_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->drivers_group), self->driver_rows->len > 0);
}

static void
show_propensity (CstPredictionsPage *self)
{
  CstPropensityRun *run = self->runs[selected_target (self)];
  CstScoresModel *scores;
  g_autofree char *headline = NULL;
  g_autofree char *model = NULL;
  g_autofree char *info = NULL;
  g_autofree char *n_train = NULL;
  g_autofree char *n_test = NULL;
  g_autofree char *n_people = NULL;
  g_autofree char *cutoff = NULL;
  g_autofree char *lift = NULL;
  double other;

  gtk_widget_set_visible (self->results_box, run != NULL);
  if (run == NULL)
    return;

  headline = g_strdup_printf (_("%s: %s (AUC %.2f)"), target_question (run->target),
                              auc_in_words (run->auc), run->auc);
  gtk_label_set_label (self->headline_label, headline);

  other = run->kind == CST_CLASSIFIER_TREES ? run->auc_logistic : run->auc_trees;
  if (isfinite (other))
    model = g_strdup_printf (_("The model is %s: on customers it had not seen, it ranked them better than %s (AUC %.2f against %.2f)."),
                             kind_in_words (run->kind),
                             kind_in_words (run->kind == CST_CLASSIFIER_TREES ? CST_CLASSIFIER_LOGISTIC
                                                                             : CST_CLASSIFIER_TREES),
                             run->auc, other);
  else
    model = g_strdup_printf (_("The model is %s."), kind_in_words (run->kind));
  if (isfinite (run->lift_top10))
    lift = g_strdup_printf (run->target == CST_PROPENSITY_CHURN
                            ? _("The top 10 %% by score hold %.1f times as many people who stopped buying as average.")
                            : _("The top 10 %% by score hold %.1f times as many buyers as average."),
                            run->lift_top10);
  {
    g_autofree char *text = g_strjoin (" ", model, lift != NULL ? lift : "", NULL);

    gtk_label_set_label (self->model_label, text);
  }

  n_train = cst_chart_format_count (run->n_train);
  n_test = cst_chart_format_count (run->n_test);
  n_people = cst_chart_format_count (run->n_people);
  cutoff = format_day (run->split.cutoff);
  info = g_strdup_printf (_("Learned from %s customers and tested on %s, with orders before %s · %s people scored · %.1f s"),
                          n_train, n_test, cutoff, n_people, run->seconds);
  gtk_label_set_label (self->run_info_label, info);

  fill_warnings (self->warnings_box, run->warnings);

  scores = cst_scores_model_new_from_scores (run->n_people, run->probability, N_SCORE_BINS);
  cst_scores_model_set_title (scores, run->target == CST_PROPENSITY_CHURN
                                      ? _("Chance of stopping buying")
                                      : _("Chance of buying"));
  if (run->target == CST_PROPENSITY_CHURN)
    /* Translators: "about 380 expected leavers": customers expected to stop buying. */
    cst_scores_model_set_outcome (scores, _("leavers"), _("Predicted score (how likely to stop buying)"));
  else
    /* Translators: "about 380 expected buyers". */
    cst_scores_model_set_outcome (scores, _("buyers"), _("Predicted score (how likely to buy)"));
  set_chart (self->scores_view, scores, (GDestroyNotify) cst_scores_model_free,
             (CstChartPaintFunc) cst_chart_scores_paint, (CstChartHitTestFunc) cst_chart_scores_hit_test,
             (CstChartDescribeFunc) cst_chart_scores_describe);

  self->updating = TRUE;
  gtk_adjustment_set_value (self->low_adjustment, run->low_threshold);
  gtk_adjustment_set_value (self->high_adjustment, run->high_threshold);
  self->updating = FALSE;
  update_bands (self);

  show_quality (self, run);
  show_drivers (self, run);
}

static int
compare_clv_desc (gconstpointer a,
                  gconstpointer b,
                  gpointer      data)
{
  const CstClvValue *values = data;
  double va = values[*(const guint *) a].clv;
  double vb = values[*(const guint *) b].clv;

  return (va < vb) - (va > vb);
}

static void
show_clv (CstPredictionsPage *self)
{
  CstClvRun *run = self->clv;
  const CstClvResult *result;
  g_autofree double *values = NULL;
  g_autofree guint *order = NULL;
  g_autofree char *sentence = NULL;
  g_autofree char *n_customers = NULL;
  g_autofree char *n_repeat = NULL;
  g_autofree char *spend = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *dropout_text = NULL;
  CstClvModel *model;
  double total = 0.0;
  double rate, dropout;

  gtk_widget_set_visible (self->clv_box, run != NULL);
  self->n_top = 0;
  remove_children (GTK_WIDGET (self->top_list));
  if (run == NULL)
    return;
  result = run->result;

  values = g_new (double, MAX (result->n_customers, 1));
  order = g_new (guint, MAX (result->n_customers, 1));
  for (gsize i = 0; i < result->n_customers; i++)
    {
      values[i] = result->values[i].clv;
      order[i] = i;
      total += values[i];
    }

  /* BG/NBD in one sentence: while active, a customer buys at rate r/α a week on average and
   * drops out after each purchase with probability a/(a + b). */
  rate = result->bgnbd.r / result->bgnbd.alpha * CST_WEEKS_PER_MONTH;
  dropout = result->bgnbd.a / (result->bgnbd.a + result->bgnbd.b);
  n_customers = cst_chart_format_count (result->n_customers);
  n_repeat = cst_chart_format_count (result->n_repeat);
  spend = cst_chart_format_money (result->population_spend, NULL);
  total_text = cst_chart_format_money (total, NULL);
  /* Small dropout rates matter (1 in 300 per purchase adds up), so they keep a decimal. */
  if (100.0 * dropout >= 10.0)
    dropout_text = g_strdup_printf ("%.0f", 100.0 * dropout);
  else if (100.0 * dropout >= 0.05)
    dropout_text = g_strdup_printf ("%.1f", 100.0 * dropout);
  else
    /* Translators: a share too small to show, as in "under 0.1 % of them stop after each
     * purchase". */
    dropout_text = g_strdup (_("under 0.1"));
  if (result->has_spend)
    sentence = g_strdup_printf (_("While they stay, customers buy about %.2f times a month, and %s %% of them stop after each purchase; a purchase is worth about %s. Fitted on %s customers, %s of whom bought more than once. Together they are expected to spend %s in the next %u months."),
                                rate, dropout_text, spend, n_customers, n_repeat, total_text,
                                result->options.months);
  else
    sentence = g_strdup_printf (_("While they stay, customers buy about %.2f times a month, and %s %% of them stop after each purchase. The orders have no amounts, so values cannot be estimated. Fitted on %s customers, %s of whom bought more than once."),
                                rate, dropout_text, n_customers, n_repeat);
  gtk_label_set_label (self->clv_label, sentence);
  fill_warnings (self->clv_warnings_box, run->warnings);

  model = cst_clv_model_new_from_values (result->n_customers, values);
  cst_clv_model_set_title (model, _("Expected value over the next 12 months"));
  set_chart (self->clv_view, model, (GDestroyNotify) cst_clv_model_free,
             (CstChartPaintFunc) cst_chart_clv_paint, (CstChartHitTestFunc) cst_chart_clv_hit_test,
             (CstChartDescribeFunc) cst_chart_clv_describe);

  g_qsort_with_data (order, (int) result->n_customers, sizeof (guint), compare_clv_desc, result->values);
  for (gsize k = 0; k < MIN (result->n_customers, N_TOP_CUSTOMERS); k++)
    {
      const CstClvValue *v = &result->values[order[k]];
      gint64 id = run->person_ids[order[k]];
      const char *email, *name;
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      /* Translators: a person without name or email; %s is their internal number */
      g_autofree char *fallback = g_strdup_printf (_("Person %s"), number);
      g_autofree char *outlook = g_strdup_printf (_("%.1f purchases expected · %.0f %% likely still a customer"),
                                                  v->expected_purchases, 100.0 * v->p_alive);
      g_autofree char *subtitle = NULL;
      g_autofree char *value = cst_chart_format_money (v->clv, NULL);
      g_autofree char *low = cst_chart_format_money (v->clv_low, NULL);
      g_autofree char *high = cst_chart_format_money (v->clv_high, NULL);
      g_autofree char *range = g_strdup_printf (_("%s to %s"), low, high);
      g_autofree char *description = g_strdup_printf (_("Worth %s, likely between %s"), value, range);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *value_label = gtk_label_new (value);
      GtkWidget *range_label = gtk_label_new (range);

      /* "First Last" over the email; the email alone when no name is known. */
      person_for (self, id, &email, &name);
      if (name != NULL && email != NULL)
        subtitle = g_strdup_printf ("%s\n%s", email, outlook);
      else
        subtitle = g_strdup (outlook);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     name != NULL ? name : email != NULL ? email : fallback);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (value_label, "heading");
      gtk_widget_add_css_class (value_label, "numeric");
      gtk_widget_add_css_class (range_label, "dim-label");
      gtk_widget_add_css_class (range_label, "caption");
      gtk_widget_add_css_class (range_label, "numeric");
      gtk_label_set_xalign (GTK_LABEL (value_label), 1);
      gtk_label_set_xalign (GTK_LABEL (range_label), 1);
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), value_label);
      gtk_box_append (GTK_BOX (box), range_label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
      gtk_list_box_append (self->top_list, row);
      self->n_top++;
    }
}

static void
update_audience (CstPredictionsPage *self)
{
  CstLookalikeRun *run = self->lookalike;
  double threshold = gtk_adjustment_get_value (self->similarity_adjustment);
  gsize above, at_most, chosen;
  g_autofree char *n = NULL;
  g_autofree char *text = NULL;

  if (run == NULL)
    return;

  above = cst_lookalike_run_count_above (run, threshold);
  at_most = (gsize) gtk_adjustment_get_value (self->audience_adjustment);
  chosen = at_most > 0 ? MIN (above, at_most) : above;
  n = cst_chart_format_count (chosen);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s person in the audience", "%s people in the audience",
                                       chosen), n);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->audience_result_row), text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "predictions.export-audience",
                                 chosen > 0 && self->job == NULL);

  set_chart (self->reach_view, cst_report_reach_model (run, threshold), (GDestroyNotify) cst_reach_model_free,
             (CstChartPaintFunc) cst_chart_reach_paint, (CstChartHitTestFunc) cst_chart_reach_hit_test,
             (CstChartDescribeFunc) cst_chart_reach_describe);
}

static void
show_lookalike (CstPredictionsPage *self)
{
  CstLookalikeRun *run = self->lookalike;
  g_autofree char *n_seed = NULL;
  g_autofree char *n_people = NULL;
  g_autofree char *text = NULL;
  g_autofree char *how = NULL;

  gtk_widget_set_visible (self->lookalike_box, run != NULL);
  if (run == NULL)
    return;

  n_seed = cst_chart_format_count (run->n_seed);
  n_people = cst_chart_format_count (run->n_people);
  if (run->method == CST_LOOKALIKE_DISTANCE)
    how = g_strdup (_("The seed is small, so similarity is the distance to its nearest members."));
  else
    how = g_strdup_printf (_("A model learned what sets the seed apart (%s, AUC %.2f)."),
                           auc_in_words (run->auc), run->auc);
  text = g_strdup_printf (_("%s: %s members with orders, compared with everyone else among %s people. %s"),
                          run->seed_description != NULL ? run->seed_description : _("The seed"),
                          n_seed, n_people, how);
  gtk_label_set_label (self->lookalike_label, text);
  fill_warnings (self->lookalike_warnings_box, run->warnings);
  update_audience (self);
}

/* ---- Callbacks -------------------------------------------------------------------------- */

static GtkProgressBar *
job_bar (CstPredictionsPage *self)
{
  switch (self->job_kind)
    {
    case JOB_PROPENSITY: return self->run_bar;
    case JOB_CLV: return self->clv_bar;
    case JOB_LOOKALIKE: return self->lookalike_bar;
    case JOB_LOAD:
    case JOB_NONE:
    default: return NULL;
    }
}

static void
job_progress_cb (CstPredictionsPage *self,
                 GParamSpec         *pspec,
                 CstJob             *job)
{
  GtkProgressBar *bar = job_bar (self);
  g_autofree char *message = NULL;

  if (bar == NULL || job != self->job)
    return;
  message = cst_job_dup_message (job);
  gtk_progress_bar_set_fraction (bar, cst_job_get_fraction (job));
  gtk_progress_bar_set_text (bar, message != NULL && *message != '\0' ? message : NULL);
}

static void
set_job (CstPredictionsPage *self,
         CstJob             *job,
         JobKind             kind)
{
  gboolean was_busy = self->job != NULL;

  g_set_object (&self->job, job);
  self->job_kind = job != NULL ? kind : JOB_NONE;
  gtk_widget_set_visible (self->run_progress, self->job_kind == JOB_PROPENSITY);
  gtk_widget_set_visible (self->clv_progress, self->job_kind == JOB_CLV);
  gtk_widget_set_visible (self->lookalike_progress, self->job_kind == JOB_LOOKALIKE);
  if (job_bar (self) != NULL)
    {
      gtk_progress_bar_set_fraction (job_bar (self), 0.0);
      gtk_progress_bar_set_text (job_bar (self), _("Starting…"));
    }
  update_actions (self);
  if (was_busy != (job != NULL))
    g_signal_emit (self, signals[BUSY_CHANGED], 0, job != NULL);
}

static void
apply_loaded (CstPredictionsPage *self,
              Loaded             *loaded)
{
  for (guint t = 0; t < 2; t++)
    {
      g_clear_pointer (&self->runs[t], cst_propensity_run_free);
      self->runs[t] = g_steal_pointer (&loaded->runs[t]);
      self->splits[t] = loaded->splits[t];
      self->split_ok[t] = loaded->split_ok[t];
      self->horizon[t] = 0;
      self->cutoff[t] = G_MININT64;
    }
  g_clear_pointer (&self->clv, cst_clv_run_free);
  self->clv = g_steal_pointer (&loaded->clv);
  g_clear_pointer (&self->lookalike, cst_lookalike_run_free);
  self->lookalike = g_steal_pointer (&loaded->lookalike);
  g_free (self->split_error);
  self->split_error = g_steal_pointer (&loaded->split_error);
  g_clear_pointer (&self->people, g_array_unref);
  self->people = g_steal_pointer (&loaded->people);
  g_clear_pointer (&self->emails, g_ptr_array_unref);
  self->emails = g_steal_pointer (&loaded->emails);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  self->names = g_steal_pointer (&loaded->names);

  if (!loaded->has_people || !loaded->has_orders)
    {
      adw_status_page_set_title (self->empty_page, loaded->has_people ? _("No Orders to Learn From")
                                                                      : _("No Customers Yet"));
      adw_status_page_set_description (self->empty_page,
                                       loaded->has_people
                                       ? _("Predictions learn from who bought what and when. Add an orders export with a customer, a date and an amount to this project.")
                                       : _("Import your customers and their orders first: predictions learn from who bought what and when."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  /* Show the newest kind of prediction first. */
  self->updating = TRUE;
  adw_combo_row_set_selected (self->target_row,
                              self->runs[CST_PROPENSITY_PURCHASE] != NULL &&
                              (self->runs[CST_PROPENSITY_CHURN] == NULL ||
                               self->runs[CST_PROPENSITY_PURCHASE]->id > self->runs[CST_PROPENSITY_CHURN]->id)
                              ? 1 : 0);
  self->updating = FALSE;
  update_split (self);
  show_propensity (self);
  show_clv (self);
  update_seed_choices (self);
  show_lookalike (self);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

typedef struct
{
  guint    generation;
  JobKind  kind;
} JobTag;

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CstPredictionsPage *self = CST_PREDICTIONS_PAGE (object);
  JobData *data = g_task_get_task_data (G_TASK (result));
  g_autofree JobTag *tag = user_data;
  g_autoptr(GError) error = NULL;
  gpointer value;

  value = g_task_propagate_pointer (G_TASK (result), &error);
  if (data->job == self->job)
    set_job (self, NULL, JOB_NONE);

  if (tag->generation != self->generation)
    {
      /* A project opened since: this result belongs to the previous one. */
      if (value != NULL)
        {
          if (tag->kind == JOB_LOAD)
            loaded_free (value);
          else if (tag->kind == JOB_PROPENSITY)
            cst_propensity_run_free (value);
          else if (tag->kind == JOB_CLV)
            cst_clv_run_free (value);
          else
            cst_lookalike_run_free (value);
        }
      return;
    }

  if (value == NULL)
    {
      if (tag->kind == JOB_LOAD)
        {
          adw_status_page_set_title (self->empty_page, _("Could Not Read the Project"));
          adw_status_page_set_description (self->empty_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "empty");
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cst_alert_show_error (GTK_WIDGET (self),
                              tag->kind == JOB_CLV ? _("Could Not Estimate Lifetime Value")
                              : tag->kind == JOB_LOOKALIKE ? _("Could Not Find Lookalikes")
                              : _("Could Not Make the Prediction"),
                              error->message);
      return;
    }

  switch (tag->kind)
    {
    case JOB_LOAD:
      apply_loaded (self, value);
      loaded_free (value);
      break;
    case JOB_PROPENSITY:
      {
        CstPropensityRun *run = value;

        flush_save (self, FALSE);   /* before the run it is about goes */
        g_clear_pointer (&self->runs[run->target], cst_propensity_run_free);
        self->runs[run->target] = run;
        self->updating = TRUE;
        adw_combo_row_set_selected (self->target_row, run->target == CST_PROPENSITY_PURCHASE ? 1 : 0);
        self->updating = FALSE;
        update_split (self);
        show_propensity (self);
        update_seed_choices (self);
      }
      break;
    case JOB_CLV:
      g_clear_pointer (&self->clv, cst_clv_run_free);
      self->clv = value;
      show_clv (self);
      break;
    case JOB_LOOKALIKE:
      g_clear_pointer (&self->lookalike, cst_lookalike_run_free);
      self->lookalike = value;
      show_lookalike (self);
      break;
    case JOB_NONE:
    default:
      g_assert_not_reached ();
    }
  update_actions (self);
}

static void
start_job (CstPredictionsPage *self,
           JobData            *data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(CstJob) job = NULL;
  JobTag *tag = g_new0 (JobTag, 1);
  const char *title;

  switch (data->kind)
    {
    case JOB_PROPENSITY: title = _("Making a prediction"); break;
    case JOB_CLV: title = _("Estimating lifetime value"); break;
    case JOB_LOOKALIKE: title = _("Finding lookalikes"); break;
    case JOB_LOAD:
    case JOB_NONE:
    default: title = _("Reading predictions"); break;
    }

  if (self->job != NULL)
    cst_job_cancel (self->job);

  job = cst_job_new (title);
  data->job = g_object_ref (job);
  data->project_path = g_strdup (self->project_path);
  tag->generation = self->generation;
  tag->kind = data->kind;
  g_signal_connect_object (job, "notify::fraction", G_CALLBACK (job_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "notify::message", G_CALLBACK (job_progress_cb), self, G_CONNECT_SWAPPED);
  set_job (self, job, data->kind);

  task = g_task_new (self, cst_job_get_cancellable (job), job_done_cb, tag);
  g_task_set_source_tag (task, start_job);
  g_task_set_name (task, title);
  g_task_set_task_data (task, data, job_data_free);
  g_task_run_in_thread (task, job_thread);
}

static void
update_actions (CstPredictionsPage *self)
{
  gboolean idle = self->job == NULL && self->project_path != NULL;
  CstPropensityTarget target = selected_target (self);
  guint seed = adw_combo_row_get_selected (self->seed_row);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "predictions.run", idle && self->split_ok[target]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "predictions.run-clv", idle && self->split_ok[0]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "predictions.run-lookalike",
                                 idle && self->seed_choices->len > 0 && seed != GTK_INVALID_LIST_POSITION);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "predictions.cancel",
                                 self->job != NULL && self->job_kind != JOB_LOAD);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "predictions.export-audience",
                                 self->job == NULL && self->lookalike != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->target_row), self->job == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->seed_row), self->job == NULL);
}

static void
update_seed_choices (CstPredictionsPage *self)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  g_array_set_size (self->seed_choices, 0);
  for (guint s = 0; self->segment_names != NULL && self->segment_names[s] != NULL; s++)
    {
      GArray *members = g_ptr_array_index (self->segment_members, s);
      SeedChoice choice = { (int) s, -1 };
      g_autofree char *n = cst_chart_format_count (members->len);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Segment “%s” (%s person)",
                                                            "Segment “%s” (%s people)", members->len),
                                               self->segment_names[s], n);

      gtk_string_list_append (list, text);
      g_array_append_val (self->seed_choices, choice);
    }
  for (int t = 0; t < 2; t++)
    if (self->runs[t] != NULL)
      {
        SeedChoice choice = { -1, t };
        g_autofree char *text = g_strdup_printf (_("High band of “%s”"), target_question (t));

        gtk_string_list_append (list, text);
        g_array_append_val (self->seed_choices, choice);
      }

  adw_combo_row_set_model (self->seed_row, G_LIST_MODEL (list));
  update_actions (self);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CstPredictionsPage *self = CST_PREDICTIONS_PAGE (widget);
  CstPropensityTarget target = selected_target (self);
  JobData *data;

  if (self->job != NULL || self->project_path == NULL || !self->split_ok[target])
    return;

  data = g_new0 (JobData, 1);
  data->kind = JOB_PROPENSITY;
  cst_propensity_options_init (&data->propensity);
  data->propensity.target = target;
  data->propensity.horizon_days = self->horizon[target] != 0 ? self->horizon[target]
                                                             : self->splits[target].horizon_days;
  data->propensity.cutoff = effective_cutoff (self, target);
  if (self->runs[target] != NULL)
    {
      data->propensity.low_threshold = self->runs[target]->low_threshold;
      data->propensity.high_threshold = self->runs[target]->high_threshold;
    }
  start_job (self, data);
}

static void
run_clv_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CstPredictionsPage *self = CST_PREDICTIONS_PAGE (widget);
  JobData *data;

  if (self->job != NULL || self->project_path == NULL)
    return;
  data = g_new0 (JobData, 1);
  data->kind = JOB_CLV;
  start_job (self, data);
}

static void
run_lookalike_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CstPredictionsPage *self = CST_PREDICTIONS_PAGE (widget);
  guint selected = adw_combo_row_get_selected (self->seed_row);
  const SeedChoice *choice;
  JobData *data;

  if (self->job != NULL || self->project_path == NULL || selected >= self->seed_choices->len)
    return;
  choice = &g_array_index (self->seed_choices, SeedChoice, selected);

  data = g_new0 (JobData, 1);
  data->kind = JOB_LOOKALIKE;
  data->seed_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (choice->segment >= 0)
    {
      GArray *members = g_ptr_array_index (self->segment_members, choice->segment);

      g_array_append_vals (data->seed_ids, members->data, members->len);
      data->seed_description = g_strdup_printf (_("Segment “%s”"), self->segment_names[choice->segment]);
    }
  else
    {
      CstPropensityRun *run = self->runs[choice->target];

      for (gsize i = 0; i < run->n_people; i++)
        if (run->band[i] == CST_BAND_HIGH)
          g_array_append_val (data->seed_ids, run->person_ids[i]);
      data->seed_description = g_strdup_printf (_("High band of “%s”"), target_question (choice->target));
    }
  start_job (self, data);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstPredictionsPage *self = CST_PREDICTIONS_PAGE (widget);

  if (self->job != NULL && self->job_kind != JOB_LOAD)
    cst_job_cancel (self->job);
}

static void
export_audience_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CstPredictionsPage *self = CST_PREDICTIONS_PAGE (widget);
  g_autoptr(GArray) ids = NULL;

  if (self->lookalike == NULL)
    return;
  ids = cst_lookalike_run_take (self->lookalike, (gsize) gtk_adjustment_get_value (self->audience_adjustment),
                                gtk_adjustment_get_value (self->similarity_adjustment));
  g_signal_emit (self, signals[EXPORT_AUDIENCE], 0, ids);
}

static void
target_changed_cb (CstPredictionsPage *self)
{
  if (self->updating)
    return;
  update_split (self);
  show_propensity (self);
  update_actions (self);
}

static void
horizon_changed_cb (CstPredictionsPage *self)
{
  CstPropensityTarget target = selected_target (self);

  if (self->updating || !self->split_ok[target])
    return;
  self->horizon[target] = (guint) gtk_spin_button_get_value_as_int (self->horizon_spin);
  update_split (self);
}

static void
cutoff_changed_cb (CstPredictionsPage *self)
{
  CstPropensityTarget target = selected_target (self);
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) day = NULL;

  if (self->updating || !self->split_ok[target])
    return;
  date = gtk_calendar_get_date (self->cutoff_calendar);
  day = g_date_time_new_utc (g_date_time_get_year (date), g_date_time_get_month (date),
                             g_date_time_get_day_of_month (date), 0, 0, 0);
  self->cutoff[target] = g_date_time_to_unix (day);
  update_split (self);
}

static void
threshold_changed_cb (CstPredictionsPage *self,
                      GtkAdjustment      *adjustment)
{
  double low, high;

  if (self->updating)
    return;

  /* Keep low ≤ high by pushing the other threshold along. */
  low = gtk_adjustment_get_value (self->low_adjustment);
  high = gtk_adjustment_get_value (self->high_adjustment);
  self->updating = TRUE;
  if (low > high)
    {
      if (adjustment == self->low_adjustment)
        gtk_adjustment_set_value (self->high_adjustment, low);
      else
        gtk_adjustment_set_value (self->low_adjustment, high);
    }
  self->updating = FALSE;
  update_bands (self);
  schedule_save (self, self->runs[selected_target (self)]);
}

static void
audience_changed_cb (CstPredictionsPage *self)
{
  update_audience (self);
}

static void
seed_changed_cb (CstPredictionsPage *self)
{
  update_actions (self);
}

/* The band lines can be dragged on the histogram itself. */
static void
drag_begin_cb (CstPredictionsPage *self,
               double              x,
               double              y,
               GtkGestureDrag     *gesture)
{
  gconstpointer model = cst_chart_view_get_model (self->scores_view);

  self->drag_handle = CST_SCORES_HANDLE_NONE;
  if (model != NULL && self->runs[selected_target (self)] != NULL)
    self->drag_handle = cst_chart_scores_hit_handle (model, gtk_widget_get_width (GTK_WIDGET (self->scores_view)),
                                                     gtk_widget_get_height (GTK_WIDGET (self->scores_view)),
                                                     cst_chart_view_get_style (self->scores_view), x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), self->drag_handle != CST_SCORES_HANDLE_NONE
                                                ? GTK_EVENT_SEQUENCE_CLAIMED : GTK_EVENT_SEQUENCE_DENIED);
}

static void
drag_update_cb (CstPredictionsPage *self,
                double              dx,
                double              dy,
                GtkGestureDrag     *gesture)
{
  gconstpointer model = cst_chart_view_get_model (self->scores_view);
  double x, y, score;

  if (self->drag_handle == CST_SCORES_HANDLE_NONE || model == NULL ||
      !gtk_gesture_drag_get_start_point (gesture, &x, &y))
    return;
  score = cst_chart_scores_score_at (model, gtk_widget_get_width (GTK_WIDGET (self->scores_view)),
                                     gtk_widget_get_height (GTK_WIDGET (self->scores_view)),
                                     cst_chart_view_get_style (self->scores_view), x + dx);
  if (isnan (score))
    return;
  gtk_adjustment_set_value (self->drag_handle == CST_SCORES_HANDLE_LOW ? self->low_adjustment
                                                                       : self->high_adjustment,
                            round (score * 100.0) / 100.0);
}

/* The audience can be picked on the reach curve too: the similarity axis is linear, so two
 * points of it give the threshold under any horizontal position. */
static void
reach_pick (CstPredictionsPage *self,
            double              x)
{
  gconstpointer model = cst_chart_view_get_model (self->reach_view);
  double width = gtk_widget_get_width (GTK_WIDGET (self->reach_view));
  double height = gtk_widget_get_height (GTK_WIDGET (self->reach_view));
  const CstChartStyle *style = cst_chart_view_get_style (self->reach_view);
  double x0, x1, y;
  gboolean shown;

  if (model == NULL || self->lookalike == NULL)
    return;
  shown = cst_chart_predict_data_to_point (CST_PREDICT_CHART_REACH, model, width, height, style, 0.0, 0.0, &x0, &y) &&
          cst_chart_predict_data_to_point (CST_PREDICT_CHART_REACH, model, width, height, style, 1.0, 0.0, &x1, &y);
  if (!shown || fabs (x1 - x0) < 1.0)
    return;
  gtk_adjustment_set_value (self->similarity_adjustment, round (CLAMP ((x - x0) / (x1 - x0), 0.0, 1.0) * 100.0) / 100.0);
}

static void
reach_drag_begin_cb (CstPredictionsPage *self,
                     double              x,
                     double              y,
                     GtkGestureDrag     *gesture)
{
  reach_pick (self, x);
}

static void
reach_drag_update_cb (CstPredictionsPage *self,
                      double              dx,
                      double              dy,
                      GtkGestureDrag     *gesture)
{
  double x, y;

  if (gtk_gesture_drag_get_start_point (gesture, &x, &y))
    reach_pick (self, x + dx);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
cst_predictions_page_dispose (GObject *object)
{
  CstPredictionsPage *self = CST_PREDICTIONS_PAGE (object);

  /* A job still running keeps the page alive through its task; its result must not reach the
   * disposed widgets. Thresholds moved just before closing are still saved. */
  flush_save (self, TRUE);
  self->generation++;
  if (self->job != NULL)
    cst_job_cancel (self->job);
  g_clear_object (&self->job);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_PREDICTIONS_PAGE);

  G_OBJECT_CLASS (cst_predictions_page_parent_class)->dispose (object);
}

static void
cst_predictions_page_finalize (GObject *object)
{
  CstPredictionsPage *self = CST_PREDICTIONS_PAGE (object);

  g_free (self->project_path);
  g_clear_pointer (&self->runs[0], cst_propensity_run_free);
  g_clear_pointer (&self->runs[1], cst_propensity_run_free);
  g_clear_pointer (&self->clv, cst_clv_run_free);
  g_clear_pointer (&self->lookalike, cst_lookalike_run_free);
  g_free (self->split_error);
  g_clear_pointer (&self->people, g_array_unref);
  g_clear_pointer (&self->emails, g_ptr_array_unref);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_strfreev (self->segment_names);
  g_clear_pointer (&self->segment_members, g_ptr_array_unref);
  g_clear_pointer (&self->seed_choices, g_array_unref);
  g_clear_pointer (&self->driver_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (cst_predictions_page_parent_class)->finalize (object);
}

static void
cst_predictions_page_class_init (CstPredictionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_predictions_page_dispose;
  object_class->finalize = cst_predictions_page_finalize;

  /**
   * CstPredictionsPage::export-audience:
   * @person_ids: (element-type gint64): the chosen audience, most similar first
   */
  signals[EXPORT_AUDIENCE] = g_signal_new ("export-audience", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ARRAY);
  signals[BUSY_CHANGED] = g_signal_new ("busy-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  g_type_ensure (CST_TYPE_CHART_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/constellate/Constellate/cst-predictions-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "predictionspage");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, target_row);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, horizon_spin);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, cutoff_button);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, cutoff_calendar);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, split_row);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, run_progress);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, run_bar);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, results_box);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, headline_label);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, model_label);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, run_info_label);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, scores_view);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, bands_box);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, low_adjustment);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, high_adjustment);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, gain_view);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, lift_view);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, roc_view);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, calibration_view);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, drivers_group);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, clv_progress);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, clv_bar);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, clv_box);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, clv_label);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, clv_warnings_box);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, clv_view);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, top_list);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, seed_row);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, lookalike_progress);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, lookalike_bar);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, lookalike_box);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, lookalike_label);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, lookalike_warnings_box);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, reach_view);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, similarity_adjustment);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, audience_adjustment);
  gtk_widget_class_bind_template_child (widget_class, CstPredictionsPage, audience_result_row);

  gtk_widget_class_install_action (widget_class, "predictions.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "predictions.run-clv", NULL, run_clv_action);
  gtk_widget_class_install_action (widget_class, "predictions.run-lookalike", NULL, run_lookalike_action);
  gtk_widget_class_install_action (widget_class, "predictions.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "predictions.export-audience", NULL, export_audience_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "predictions.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "predictions.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "predictions.export-audience", NULL);
}

static void
cst_predictions_page_init (CstPredictionsPage *self)
{
  g_autoptr(GtkStringList) targets = NULL;
  GtkGesture *drag;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->seed_choices = g_array_new (FALSE, FALSE, sizeof (SeedChoice));
  self->segment_members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->driver_rows = g_ptr_array_new ();
  self->cutoff[0] = self->cutoff[1] = G_MININT64;

  targets = gtk_string_list_new (NULL);
  gtk_string_list_append (targets, _("Who will stop buying"));
  gtk_string_list_append (targets, _("Who will buy in the coming days"));
  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (targets));

  g_signal_connect_swapped (self->target_row, "notify::selected", G_CALLBACK (target_changed_cb), self);
  g_signal_connect_swapped (self->seed_row, "notify::selected", G_CALLBACK (seed_changed_cb), self);
  g_signal_connect_swapped (self->horizon_spin, "value-changed", G_CALLBACK (horizon_changed_cb), self);
  g_signal_connect_swapped (self->cutoff_calendar, "day-selected", G_CALLBACK (cutoff_changed_cb), self);
  g_signal_connect_swapped (self->low_adjustment, "value-changed", G_CALLBACK (threshold_changed_cb), self);
  g_signal_connect_swapped (self->high_adjustment, "value-changed", G_CALLBACK (threshold_changed_cb), self);
  g_signal_connect_swapped (self->similarity_adjustment, "value-changed", G_CALLBACK (audience_changed_cb), self);
  g_signal_connect_swapped (self->audience_adjustment, "value-changed", G_CALLBACK (audience_changed_cb), self);

  /* In the capture phase, so that a press on a threshold line drags it instead of selecting
   * the bar underneath. */
  drag = gtk_gesture_drag_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->scores_view), GTK_EVENT_CONTROLLER (drag));

  drag = gtk_gesture_drag_new ();
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (reach_drag_begin_cb), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (reach_drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->reach_view), GTK_EVENT_CONTROLLER (drag));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cutoff_calendar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("First day of the outcome window"), -1);

  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_actions (self);
}

/* ---- Public API ------------------------------------------------------------------------- */

GtkWidget *
cst_predictions_page_new (void)
{
  return g_object_new (CST_TYPE_PREDICTIONS_PAGE, NULL);
}

/**
 * cst_predictions_page_set_project:
 * @project_path: (nullable): the project to show, or %NULL for none
 *
 * Cancels any running job and reads the project's stored predictions in a worker thread.
 */
void
cst_predictions_page_set_project (CstPredictionsPage *self,
                                  const char         *project_path)
{
  JobData *data;

  g_return_if_fail (CST_IS_PREDICTIONS_PAGE (self));

  flush_save (self, TRUE);   /* to the project the thresholds belong to */
  self->generation++;
  if (self->job != NULL)
    {
      cst_job_cancel (self->job);
      set_job (self, NULL, JOB_NONE);
    }
  g_free (self->project_path);
  self->project_path = g_strdup (project_path);

  for (guint t = 0; t < 2; t++)
    {
      g_clear_pointer (&self->runs[t], cst_propensity_run_free);
      self->split_ok[t] = FALSE;
    }
  g_clear_pointer (&self->clv, cst_clv_run_free);
  g_clear_pointer (&self->lookalike, cst_lookalike_run_free);

  if (project_path == NULL)
    {
      adw_status_page_set_title (self->empty_page, _("No Project Open"));
      adw_status_page_set_description (self->empty_page,
                                       _("Open a project with orders, or try the sample data: predictions learn from who bought what and when."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_actions (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "loading");
  data = g_new0 (JobData, 1);
  data->kind = JOB_LOAD;
  start_job (self, data);
}

/**
 * cst_predictions_page_set_segmentation:
 * @segmentation: (nullable): borrowed; the names and members of its segments are copied
 *
 * Offers the segments as lookalike seeds.
 */
void
cst_predictions_page_set_segmentation (CstPredictionsPage    *self,
                                       const CstSegmentation *segmentation)
{
  g_return_if_fail (CST_IS_PREDICTIONS_PAGE (self));

  g_clear_pointer (&self->segment_names, g_strfreev);
  g_ptr_array_set_size (self->segment_members, 0);
  if (segmentation != NULL && segmentation->k > 0)
    {
      self->segment_names = g_new0 (char *, segmentation->k + 1);
      for (guint s = 0; s < segmentation->k; s++)
        {
          self->segment_names[s] = g_strdup (segmentation->segment_names[s]);
          g_ptr_array_add (self->segment_members, g_array_new (FALSE, FALSE, sizeof (gint64)));
        }
      for (gsize i = 0; i < segmentation->n_people; i++)
        g_array_append_val (g_ptr_array_index (self->segment_members, segmentation->labels[i]),
                            segmentation->person_ids[i]);
    }
  update_seed_choices (self);
}

gboolean
cst_predictions_page_is_busy (CstPredictionsPage *self)
{
  g_return_val_if_fail (CST_IS_PREDICTIONS_PAGE (self), FALSE);

  return self->job != NULL;
}

void
cst_predictions_page_cancel (CstPredictionsPage *self)
{
  g_return_if_fail (CST_IS_PREDICTIONS_PAGE (self));

  if (self->job != NULL)
    cst_job_cancel (self->job);
}

const char *
cst_predictions_page_get_headline (CstPredictionsPage *self)
{
  g_return_val_if_fail (CST_IS_PREDICTIONS_PAGE (self), NULL);

  return gtk_widget_get_visible (self->results_box) ? gtk_label_get_label (self->headline_label) : NULL;
}

/* Returns the number of people scored by the shown run; @counts receives the people per band
 * (by CstBand) under the current thresholds. */
gsize
cst_predictions_page_get_band_counts (CstPredictionsPage *self,
                                      gsize               counts[3])
{
  CstPropensityRun *run;

  g_return_val_if_fail (CST_IS_PREDICTIONS_PAGE (self), 0);

  run = self->runs[selected_target (self)];
  for (guint b = 0; b < 3; b++)
    counts[b] = run != NULL ? self->counts.n_people[b] : 0;
  return run != NULL ? run->n_people : 0;
}

guint
cst_predictions_page_get_n_top_customers (CstPredictionsPage *self)
{
  g_return_val_if_fail (CST_IS_PREDICTIONS_PAGE (self), 0);

  return self->n_top;
}
