/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-privacy-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-chart-util.h"
#include "cst-privacy-window.h"

#include "features/cst-features.h"
#include "audience/cst-privacy.h"
#include "store/cst-store.h"

/* Privacy and governance (issue 8): which columns are sensitive, how each segment's mix
 * compares with the whole base, erasing a person on request and sharing a pseudonymized copy.
 * Every reading and writing of the project runs in a worker thread with its own store. */

/* Values shown per attribute in the fairness table; the rest would not fit a dialog. */
#define FAIRNESS_MAX_VALUES 6

typedef enum
{
  TASK_LOAD,
  TASK_MARK,
  TASK_FAIRNESS,
  TASK_SEARCH,
  TASK_ERASE,
  TASK_COPY,
  TASK_PROXIES,
  TASK_COUNT,
} TaskKind;

typedef struct
{
  TaskKind  kind;
  char     *project_path;
  gint64    source_id;
  char     *column;
  gboolean  sensitive;
  char     *attribute;
  char     *term;       /* an email, or a person number in digits */
  char     *path;
  GArray   *ids;        /* gint64, for TASK_COUNT */
  GCancellable *job_cancellable;  /* the Cancel button's, for erasing and copying */
} TaskData;

typedef struct
{
  gint64  person_id;
  char   *email;
  char   *country;
  gint64  orders;
  double  total_spend;
} FoundPerson;

typedef struct
{
  GArray     *sources;       /* CstSourceInfo */
  GPtrArray  *sensitive;     /* CstSensitiveColumn */
  GPtrArray  *cells;         /* CstFairnessCell */
  GArray     *found;         /* FoundPerson */
  CstErasure  erasure;
  gint64      n_erasures;
  GPtrArray  *columns;       /* GStrv per source (NULL when unknown), as sources */
  GArray     *erasures;      /* CstErasureEntry, the whole log */
  GPtrArray  *proxies;       /* CstPrivacyProxy */
  GArray     *counts;        /* CstPersonRecordCount */
} TaskResult;

/* The columns a source of each kind is read for, shown only when a file's own header cannot be
 * read back from the project. */
static const char *const contact_columns[] = {
  N_("Customer key"), N_("Email"), N_("First name"), N_("Last name"), N_("Phone"), N_("Postcode"),
  N_("City"), N_("Country"), N_("Consent"),
};
static const char *const order_columns[] = {
  N_("Customer key"), N_("Email"), N_("Order"), N_("Date"), N_("Amount"), N_("Quantity"),
  N_("Category"), N_("Channel"), N_("Discount"),
};
static const char *const engagement_columns[] = {
  N_("Email"), N_("Campaign"), N_("Date"), N_("Opened"), N_("Clicked"),
};

/* Words in a column name that suggest special-category data (GDPR art. 9) or an exact birth date. */
static const char *const sensitive_words[] = {
  "health", "medical", "diagnos", "ethnic", "race", "religio", "faith", "belief", "birth", "dob",
  "gender", "sex", "orientation", "politic", "union", "disab", "pregnan", "biometric", "genetic",
};

static const char *const attributes[] = {
  "country", "city", "postcode", "channel", "category", "campaign", "consent",
};

struct _CstPrivacyWindow
{
  AdwPreferencesWindow parent_instance;

  char              *project_path;
  GCancellable      *cancellable;
  guint              n_running;
  guint              fairness_serial;
  GArray            *sources;        /* CstSourceInfo */
  GHashTable        *switches;       /* "id\x1fcolumn" → GtkSwitch (borrowed) */
  GPtrArray         *source_groups;  /* AdwExpanderRow per source (borrowed) */
  GArray            *found;          /* FoundPerson */
  char              *found_term;     /* what found them */
  GPtrArray         *found_rows;     /* AdwActionRow (borrowed) */
  gint64             n_erasures;
  GPtrArray         *audit_rows;     /* AdwActionRow (borrowed) */
  GPtrArray         *proxy_rows;     /* AdwActionRow with a proxy subtitle (borrowed) */
  guint              proxies_serial;
  GCancellable      *job_cancellable;/* erasing or copying, for the Cancel buttons */
  GMutex             progress_lock;
  double             progress_fraction;
  guint              progress_idle;
  GtkWidget         *erase_progress_row;
  GtkWidget         *copy_progress_row;

  AdwPreferencesGroup *files_group;
  AdwComboRow         *add_source_row;
  AdwEntryRow         *add_column_row;
  AdwComboRow         *attribute_row;
  GtkLabel            *fairness_summary;
  GtkGrid             *fairness_grid;
  AdwEntryRow         *search_row;
  AdwPreferencesGroup *found_group;
  AdwPreferencesGroup *audit_group;
  GtkLabel            *audit_count;
  GtkWidget           *copy_button;
};

G_DEFINE_FINAL_TYPE (CstPrivacyWindow, cst_privacy_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROJECT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void mark_toggled_cb (CstPrivacyWindow *self,
                             GParamSpec       *pspec,
                             GtkSwitch        *toggle);
static void find_proxies    (CstPrivacyWindow *self);

static void
found_person_clear (gpointer data)
{
  FoundPerson *person = data;

  g_free (person->email);
  g_free (person->country);
}

static void
task_data_free (gpointer data)
{
  TaskData *td = data;

  g_free (td->project_path);
  g_free (td->column);
  g_free (td->attribute);
  g_free (td->term);
  g_free (td->path);
  g_clear_pointer (&td->ids, g_array_unref);
  g_clear_object (&td->job_cancellable);
  g_free (td);
}

static void
task_result_free (gpointer data)
{
  TaskResult *result = data;

  g_clear_pointer (&result->sources, g_array_unref);
  g_clear_pointer (&result->sensitive, g_ptr_array_unref);
  g_clear_pointer (&result->cells, g_ptr_array_unref);
  g_clear_pointer (&result->found, g_array_unref);
  g_clear_pointer (&result->columns, g_ptr_array_unref);
  g_clear_pointer (&result->erasures, g_array_unref);
  g_clear_pointer (&result->proxies, g_ptr_array_unref);
  g_clear_pointer (&result->counts, g_array_unref);
  g_free (result);
}

static char *
switch_key (gint64      source_id,
            const char *column)
{
  g_autofree char *lower = g_utf8_casefold (column, -1);

  return g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s", source_id, lower);
}

static gboolean
looks_sensitive (const char *column)
{
  g_autofree char *lower = g_utf8_casefold (column, -1);

  for (guint i = 0; i < G_N_ELEMENTS (sensitive_words); i++)
    if (strstr (lower, sensitive_words[i]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
is_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

/* The worker. */

static gboolean
collect_found_cb (const CstAudienceMember *member,
                  gpointer                 user_data)
{
  GArray *found = user_data;
  FoundPerson person = {
    .person_id = member->person_id,
    .email = g_strdup (member->email),
    .country = g_strdup (member->country),
    .orders = member->orders,
    .total_spend = member->total_spend,
  };

  g_array_append_val (found, person);
  return TRUE;
}

static gboolean
run_task (CstStore         *store,
          TaskData         *td,
          TaskResult       *result,
          GCancellable     *cancellable,
          CstProgressFunc   progress,
          gpointer          progress_data,
          GError          **error)
{
  switch (td->kind)
    {
    case TASK_LOAD:
      result->sources = cst_store_list_sources (store, error);
      if (result->sources == NULL)
        return FALSE;
      result->sensitive = cst_privacy_list_sensitive (store, error);
      if (result->sensitive == NULL)
        return FALSE;
      result->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
      for (guint i = 0; i < result->sources->len; i++)
        g_ptr_array_add (result->columns,
                         cst_store_audience_dup_source_columns (store, g_array_index (result->sources, CstSourceInfo, i).id,
                                                                NULL));
      result->erasures = cst_store_audience_list_erasures (store, error);
      result->n_erasures = result->erasures != NULL ? (gint64) result->erasures->len : -1;
      return result->erasures != NULL;

    case TASK_PROXIES:
      result->proxies = cst_privacy_find_proxies (store, cancellable, error);
      return result->proxies != NULL;

    case TASK_COUNT:
      result->counts = g_array_new (FALSE, TRUE, sizeof (CstPersonRecordCount));
      g_array_set_clear_func (result->counts, cst_person_record_count_clear);
      return cst_store_audience_count_person_records (store, (const gint64 *) (void *) td->ids->data, td->ids->len,
                                                      result->counts, error);

    case TASK_MARK:
      return cst_privacy_mark_sensitive (store, td->source_id, td->column, td->sensitive, error);

    case TASK_FAIRNESS:
      result->cells = cst_privacy_fairness_table (store, td->attribute, error);
      return result->cells != NULL;

    case TASK_SEARCH:
      {
        g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

        result->found = g_array_new (FALSE, TRUE, sizeof (FoundPerson));
        g_array_set_clear_func (result->found, found_person_clear);
        if (is_digits (td->term))
          {
            gint64 id = g_ascii_strtoll (td->term, NULL, 10);

            g_array_append_val (ids, id);
          }
        else if (!cst_store_audience_people_by_email (store, td->term, ids, error))
          return FALSE;
        return cst_store_audience_foreach_member (store, (const gint64 *) (void *) ids->data, ids->len,
                                                  collect_found_cb, result->found, error);
      }

    case TASK_ERASE:
      if (is_digits (td->term))
        {
          if (!cst_privacy_erase_person (store, g_ascii_strtoll (td->term, NULL, 10), NULL, &result->erasure,
                                         cancellable, progress, progress_data, error))
            return FALSE;
        }
      else if (!cst_privacy_erase_person (store, 0, td->term, &result->erasure, cancellable, progress, progress_data,
                                          error))
        return FALSE;
      result->erasures = cst_store_audience_list_erasures (store, error);
      result->n_erasures = result->erasures != NULL ? (gint64) result->erasures->len : -1;
      return result->erasures != NULL;

    case TASK_COPY:
      return cst_privacy_save_pseudonymized (store, td->path, cancellable, progress, progress_data, error);

    default:
      g_assert_not_reached ();
    }
}

/* Progress of the one erasing or copying job, from its thread: the newest fraction is kept
 * under a lock and shown by one idle on the main thread. */
static gboolean
job_progress_idle (gpointer user_data)
{
  CstPrivacyWindow *self = user_data;
  double fraction;

  g_mutex_lock (&self->progress_lock);
  fraction = self->progress_fraction;
  self->progress_idle = 0;
  g_mutex_unlock (&self->progress_lock);
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *row = i == 0 ? self->erase_progress_row : self->copy_progress_row;
      GtkProgressBar *bar = row != NULL ? g_object_get_data (G_OBJECT (row), "bar") : NULL;

      if (bar != NULL)
        gtk_progress_bar_set_fraction (bar, fraction);
    }
  return G_SOURCE_REMOVE;
}

static void
job_progress_cb (double      fraction,
                 const char *message,
                 gpointer    user_data)
{
  CstPrivacyWindow *self = user_data;

  g_mutex_lock (&self->progress_lock);
  self->progress_fraction = fraction;
  if (self->progress_idle == 0)
    self->progress_idle = g_idle_add_full (G_PRIORITY_LOW, job_progress_idle, g_object_ref (self), g_object_unref);
  g_mutex_unlock (&self->progress_lock);
}

static void
task_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *td = task_data;
  g_autoptr(CstStore) store = NULL;
  TaskResult *result = g_new0 (TaskResult, 1);
  GError *error = NULL;

  if (td->job_cancellable != NULL)
    cancellable = td->job_cancellable;
  store = cst_store_open (td->project_path, &error);
  if (store == NULL || !run_task (store, td, result, cancellable,
                                  td->job_cancellable != NULL ? job_progress_cb : NULL, source_object, &error))
    {
      task_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, task_result_free);
}

static void
start_task (CstPrivacyWindow    *self,
            TaskData            *td,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, callback, user_data);

  td->project_path = g_strdup (self->project_path);
  self->n_running++;
  g_task_set_source_tag (task, start_task);
  g_task_set_task_data (task, td, task_data_free);
  g_task_run_in_thread (task, task_thread);
}

/* Closed (or closing): results that arrive now have no widgets to go to. */
static gboolean
is_closing (CstPrivacyWindow *self)
{
  return self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable);
}

/* Takes a finished task's result; FALSE (and a toast unless cancelled) on an error. */
static TaskResult *
finish_task (CstPrivacyWindow  *self,
             GAsyncResult      *result,
             const char        *what)
{
  g_autoptr(GError) error = NULL;
  TaskResult *out = g_task_propagate_pointer (G_TASK (result), &error);

  self->n_running--;
  if (is_closing (self))
    {
      g_clear_pointer (&out, task_result_free);
      return NULL;
    }
  if (out == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf ("%s: %s", what, error->message);
      AdwToast *toast = adw_toast_new (text);

      adw_toast_set_timeout (toast, 0);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
    }
  return out;
}

static void
show_toast (CstPrivacyWindow *self,
            const char       *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

/* Sensitive columns. */

static GtkWidget *
add_column_row (CstPrivacyWindow    *self,
                AdwExpanderRow      *group,
                gint64               source_id,
                const char          *column,
                gboolean             sensitive)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *icon;
  g_autofree char *accessible = g_strdup_printf (_("%s is sensitive"), column);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), column);
  if (looks_sensitive (column) && !sensitive)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("The name looks sensitive"));
  gtk_switch_set_active (GTK_SWITCH (toggle), sensitive);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (toggle, _("Sensitive: left out of models and exports"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (toggle), "source-id", g_memdup2 (&source_id, sizeof source_id), g_free);
  g_object_set_data_full (G_OBJECT (toggle), "column", g_strdup (column), g_free);
  /* Shown when the column has stand-ins or is one: the subtitle says which. */
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "warning");
  gtk_widget_set_visible (icon, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Warning"), -1);
  g_object_set_data (G_OBJECT (row), "proxy-icon", icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  /* The activatable widget is labelled by the row's title as well, which a screen reader
   * heard after the switch's own name ("phone is sensitive phone"). */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (mark_toggled_cb), self, G_CONNECT_SWAPPED);
  adw_expander_row_add_row (group, row);
  g_hash_table_insert (self->switches, switch_key (source_id, column), toggle);
  return row;
}

static AdwExpanderRow *
find_source_group (CstPrivacyWindow *self,
                   gint64            source_id)
{
  for (guint i = 0; i < self->source_groups->len; i++)
    {
      AdwExpanderRow *group = g_ptr_array_index (self->source_groups, i);

      if (*(gint64 *) g_object_get_data (G_OBJECT (group), "source-id") == source_id)
        return group;
    }
  return NULL;
}

static void
mark_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (source);
  g_autoptr(GtkSwitch) toggle = user_data;
  TaskResult *out = finish_task (self, result, _("Could not change the column"));

  if (out == NULL && !is_closing (self))
    {
      /* Show what the project holds, not what was asked. */
      g_signal_handlers_block_by_func (toggle, mark_toggled_cb, self);
      gtk_switch_set_active (toggle, !gtk_switch_get_active (toggle));
      g_signal_handlers_unblock_by_func (toggle, mark_toggled_cb, self);
      return;
    }
  if (out != NULL)
    {
      find_proxies (self);
      g_signal_emit (self, signals[PROJECT_CHANGED], 0);
    }
  g_clear_pointer (&out, task_result_free);
}

static void
mark_toggled_cb (CstPrivacyWindow *self,
                 GParamSpec       *pspec,
                 GtkSwitch        *toggle)
{
  TaskData *td = g_new0 (TaskData, 1);

  td->kind = TASK_MARK;
  td->source_id = *(gint64 *) g_object_get_data (G_OBJECT (toggle), "source-id");
  td->column = g_strdup (g_object_get_data (G_OBJECT (toggle), "column"));
  td->sensitive = gtk_switch_get_active (toggle);
  start_task (self, td, mark_done_cb, g_object_ref (toggle));
}

static void
add_column_apply_cb (CstPrivacyWindow *self)
{
  g_autofree char *column = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->add_column_row))));
  guint selected = adw_combo_row_get_selected (self->add_source_row);
  g_autofree char *key = NULL;
  GtkSwitch *existing;
  const CstSourceInfo *info;

  if (column[0] == '\0' || self->sources == NULL || selected >= self->sources->len)
    return;
  info = &g_array_index (self->sources, CstSourceInfo, selected);
  key = switch_key (info->id, column);
  existing = g_hash_table_lookup (self->switches, key);
  if (existing != NULL)
    gtk_switch_set_active (existing, TRUE);
  else
    {
      GtkWidget *row = add_column_row (self, find_source_group (self, info->id), info->id, column, FALSE);
      GtkSwitch *toggle = g_hash_table_lookup (self->switches, key);

      gtk_switch_set_active (toggle, TRUE);
      gtk_widget_grab_focus (row);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->add_column_row), "");
}

static void
fill_sources (CstPrivacyWindow *self,
              TaskResult       *loaded)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  self->sources = g_steal_pointer (&loaded->sources);
  for (guint i = 0; i < self->sources->len; i++)
    {
      const CstSourceInfo *info = &g_array_index (self->sources, CstSourceInfo, i);
      GtkWidget *group = adw_expander_row_new ();
      const char *const *columns;
      guint n_columns;
      char **header = loaded->columns != NULL && i < loaded->columns->len
                      ? g_ptr_array_index (loaded->columns, i) : NULL;
      g_autofree char *rows = cst_chart_format_count (info->n_rows);
      g_autofree char *description = NULL;

      switch (info->kind)
        {
        case CST_SOURCE_ORDERS:
          columns = order_columns;
          n_columns = G_N_ELEMENTS (order_columns);
          description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Orders · %s row", "Orders · %s rows",
                                                      info->n_rows), rows);
          break;
        case CST_SOURCE_ENGAGEMENT:
          columns = engagement_columns;
          n_columns = G_N_ELEMENTS (engagement_columns);
          description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Email engagement · %s row",
                                                      "Email engagement · %s rows", info->n_rows), rows);
          break;
        case CST_SOURCE_CONTACTS:
        default:
          columns = contact_columns;
          n_columns = G_N_ELEMENTS (contact_columns);
          description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Contacts · %s row", "Contacts · %s rows",
                                                      info->n_rows), rows);
          break;
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (group), info->name);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (group), description);
      g_object_set_data_full (G_OBJECT (group), "source-id", g_memdup2 (&info->id, sizeof info->id), g_free);
      if (header != NULL && header[0] != NULL)
        {
          /* The file's own columns, as its header row named them; a title twice keeps one row. */
          for (guint c = 0; header[c] != NULL; c++)
            {
              g_autofree char *key = switch_key (info->id, header[c]);

              if (header[c][0] != '\0' && !g_hash_table_contains (self->switches, key))
                add_column_row (self, ADW_EXPANDER_ROW (group), info->id, header[c], FALSE);
            }
        }
      else
        for (guint c = 0; c < n_columns; c++)
          add_column_row (self, ADW_EXPANDER_ROW (group), info->id, _(columns[c]), FALSE);
      adw_preferences_group_add (self->files_group, group);
      g_ptr_array_add (self->source_groups, group);
      gtk_string_list_append (names, info->name);
    }
  adw_combo_row_set_model (self->add_source_row, G_LIST_MODEL (names));

  /* Switch on what the project holds, adding rows for columns the list above lacks. */
  for (guint i = 0; i < loaded->sensitive->len; i++)
    {
      CstSensitiveColumn *column = g_ptr_array_index (loaded->sensitive, i);
      g_autofree char *key = switch_key (column->source_id, column->column_name);
      GtkSwitch *toggle = g_hash_table_lookup (self->switches, key);
      AdwExpanderRow *group;

      if (toggle != NULL)
        {
          g_signal_handlers_block_by_func (toggle, mark_toggled_cb, self);
          gtk_switch_set_active (toggle, TRUE);
          g_signal_handlers_unblock_by_func (toggle, mark_toggled_cb, self);
        }
      else if ((group = find_source_group (self, column->source_id)) != NULL)
        add_column_row (self, group, column->source_id, column->column_name, TRUE);
    }

  /* Open the files that hold sensitive columns (their stand-ins show there), else the first. */
  for (guint i = 0; i < loaded->sensitive->len; i++)
    {
      CstSensitiveColumn *column = g_ptr_array_index (loaded->sensitive, i);
      AdwExpanderRow *group = find_source_group (self, column->source_id);

      if (group != NULL)
        adw_expander_row_set_expanded (group, TRUE);
    }
  if (loaded->sensitive->len == 0 && self->source_groups->len > 0)
    adw_expander_row_set_expanded (g_ptr_array_index (self->source_groups, 0), TRUE);
}

static void
update_audit (CstPrivacyWindow *self,
              GArray           *erasures)
{
  g_autofree char *count = cst_chart_format_count (self->n_erasures);

  gtk_label_set_label (self->audit_count, count);
  if (erasures == NULL)
    return;
  for (guint i = 0; i < self->audit_rows->len; i++)
    adw_preferences_group_remove (self->audit_group, g_ptr_array_index (self->audit_rows, i));
  g_ptr_array_set_size (self->audit_rows, 0);
  /* Newest first. The log names an erasure by its number and time, never by who it was. */
  for (guint i = erasures->len; i-- > 0;)
    {
      const CstErasureEntry *entry = &g_array_index (erasures, CstErasureEntry, i);
      g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (entry->erased_at, NULL);
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
      g_autofree char *time = local != NULL ? g_date_time_format (local, "%x %X") : g_strdup (entry->erased_at);
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, entry->audit_id);
      /* Translators: an entry of the erasure log; %s is its number */
      g_autofree char *title = g_strdup_printf (_("Erasure %s"), number);
      g_autofree char *records = cst_chart_format_count (entry->n_records);
      g_autofree char *raw = cst_chart_format_count (entry->n_raw_rows);
      g_autofree char *removed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record", "%s records",
                                                               entry->n_records), records);
      g_autofree char *raw_rows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s raw row", "%s raw rows",
                                                                entry->n_raw_rows), raw);
      /* Translators: a date and time, then "3 records", then "3 raw rows". */
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s and %s removed"), time, removed, raw_rows);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_preferences_group_add (self->audit_group, row);
      g_ptr_array_add (self->audit_rows, row);
    }
}

/* Proxies: shown on the rows of the sensitive columns they stand in for. */

static AdwActionRow *
column_row (CstPrivacyWindow *self,
            gint64            source_id,
            const char       *column)
{
  g_autofree char *key = switch_key (source_id, column);
  GtkWidget *toggle = g_hash_table_lookup (self->switches, key);

  return toggle != NULL ? ADW_ACTION_ROW (gtk_widget_get_ancestor (toggle, ADW_TYPE_ACTION_ROW)) : NULL;
}

static void
proxies_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (source);
  TaskResult *out = finish_task (self, result, _("Could not look for stand-ins of the sensitive columns"));
  g_autoptr(GHashTable) texts = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (out == NULL || GPOINTER_TO_UINT (user_data) != self->proxies_serial)
    {
      g_clear_pointer (&out, task_result_free);
      return;
    }
  for (guint i = 0; i < self->proxy_rows->len; i++)
    {
      AdwActionRow *row = g_ptr_array_index (self->proxy_rows, i);
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

      adw_action_row_set_subtitle (row, looks_sensitive (title) ? _("The name looks sensitive") : NULL);
      gtk_widget_set_visible (g_object_get_data (G_OBJECT (row), "proxy-icon"), FALSE);
    }
  g_ptr_array_set_size (self->proxy_rows, 0);

  texts = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < out->proxies->len; i++)
    {
      const CstPrivacyProxy *proxy = g_ptr_array_index (out->proxies, i);
      AdwActionRow *row = column_row (self, proxy->source_id, proxy->sensitive_column);
      g_autofree char *name = proxy->is_feature ? cst_feature_dup_label (proxy->column)
                                                : g_strdup_printf ("“%s”", proxy->column);
      GPtrArray *list;

      if (row == NULL)
        continue;
      list = g_hash_table_lookup (texts, row);
      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (texts, row, list);
        }
      /* Translators: a column or behaviour and how strongly it predicts the sensitive column. */
      g_ptr_array_add (list, g_strdup_printf (proxy->by_correlation ? _("%s (r = %.2f)") : _("%s (AUC %.2f)"),
                                              name != NULL ? name : proxy->column, proxy->score));
      if (!proxy->is_feature && (row = column_row (self, proxy->source_id, proxy->column)) != NULL &&
          !g_hash_table_contains (texts, row))
        {
          g_autofree char *text = g_strdup_printf (_("Predicts the sensitive “%s”: consider marking it too"),
                                                   proxy->sensitive_column);

          adw_action_row_set_subtitle (row, text);
          gtk_widget_set_visible (g_object_get_data (G_OBJECT (row), "proxy-icon"), TRUE);
          g_ptr_array_add (self->proxy_rows, row);
        }
    }
  g_hash_table_iter_init (&iter, texts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *list = value;
      g_autofree char *joined = NULL;
      g_autofree char *text = NULL;

      g_ptr_array_add (list, NULL);
      joined = g_strjoinv (", ", (char **) list->pdata);
      text = g_strdup_printf (_("Predicted by %s: a model can learn it from these"), joined);
      adw_action_row_set_subtitle (key, text);
      gtk_widget_set_visible (g_object_get_data (G_OBJECT (key), "proxy-icon"), TRUE);
      g_ptr_array_add (self->proxy_rows, key);
    }
  task_result_free (out);
}

static void
find_proxies (CstPrivacyWindow *self)
{
  TaskData *td = g_new0 (TaskData, 1);

  td->kind = TASK_PROXIES;
  start_task (self, td, proxies_done_cb, GUINT_TO_POINTER (++self->proxies_serial));
}

/* Fairness. */

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
grid_label (const char *text,
            float       xalign,
            const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
share_cell (double      share,
            double      base_share,
            const char *segment,
            const char *value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *text = g_strdup_printf ("%.0f %%", 100.0 * share);
  GtkWidget *label = grid_label (text, 1.0, "numeric");
  GtkWidget *bar = gtk_level_bar_new_for_interval (0.0, 1.0);
  g_autofree char *accessible = g_strdup_printf (_("%s, %s: %.0f %% against %.0f %% of everyone"), segment, value,
                                                 100.0 * share, 100.0 * base_share);
  double ratio = base_share > 0 ? share / base_share : 1.0;

  /* Far from the base's mix in either direction is what the table is for. */
  if (ratio >= 1.5)
    gtk_widget_add_css_class (label, "segment-high");
  else if (ratio <= 1.0 / 1.5)
    gtk_widget_add_css_class (label, "segment-low");
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (share, 0.0, 1.0));
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_set_size_request (bar, 72, 6);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return box;
}

static const char *
value_title (const char *value)
{
  return value[0] != '\0' ? value : _("None given");
}

static void
fairness_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (source);
  TaskResult *out = finish_task (self, result, _("Could not compare the segments"));
  g_autoptr(GHashTable) base = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_autoptr(GPtrArray) segments = NULL;
  const CstFairnessCell *most = NULL;
  guint n_values;

  if (out == NULL)
    return;
  if (GPOINTER_TO_UINT (user_data) != self->fairness_serial)
    {
      task_result_free (out);
      return;
    }
  clear_grid (self->fairness_grid);
  if (out->cells->len == 0)
    {
      gtk_label_set_label (self->fairness_summary, _("No segments yet: segment the customers first."));
      task_result_free (out);
      return;
    }

  /* The values by their share of the whole base, largest first; the table shows the top few. */
  base = g_hash_table_new (g_str_hash, g_str_equal);
  values = g_ptr_array_new ();
  segments = g_ptr_array_new ();
  for (guint i = 0; i < out->cells->len; i++)
    {
      CstFairnessCell *cell = g_ptr_array_index (out->cells, i);

      if (!g_hash_table_contains (base, cell->value))
        {
          g_hash_table_insert (base, cell->value, cell);
          g_ptr_array_add (values, cell);
        }
      if (segments->len == 0 || ((CstFairnessCell *) g_ptr_array_index (segments, segments->len - 1))->segment != cell->segment)
        g_ptr_array_add (segments, cell);
      /* The widest gap between a segment and the base, among values of some weight. */
      if (cell->base_share >= 0.02 &&
          (most == NULL || fabs (cell->share - cell->base_share) > fabs (most->share - most->base_share)))
        most = cell;
    }
  for (guint i = 1; i < values->len; i++)
    for (guint j = i; j > 0 && ((CstFairnessCell *) values->pdata[j])->base_share >
                               ((CstFairnessCell *) values->pdata[j - 1])->base_share; j--)
      {
        gpointer swap = values->pdata[j];

        values->pdata[j] = values->pdata[j - 1];
        values->pdata[j - 1] = swap;
      }
  n_values = MIN (values->len, FAIRNESS_MAX_VALUES);

  gtk_grid_attach (self->fairness_grid, grid_label (_("Segment"), 0.0, "heading"), 0, 0, 1, 1);
  for (guint v = 0; v < n_values; v++)
    gtk_grid_attach (self->fairness_grid,
                     grid_label (value_title (((CstFairnessCell *) values->pdata[v])->value), 1.0, "heading"),
                     v + 1, 0, 1, 1);
  for (guint s = 0; s < segments->len; s++)
    {
      CstFairnessCell *first = g_ptr_array_index (segments, s);

      gtk_grid_attach (self->fairness_grid, grid_label (first->segment_name, 0.0, NULL), 0, s + 1, 1, 1);
      for (guint v = 0; v < n_values; v++)
        {
          const CstFairnessCell *column = values->pdata[v];
          double share = 0;

          for (guint i = 0; i < out->cells->len; i++)
            {
              CstFairnessCell *cell = g_ptr_array_index (out->cells, i);

              if (cell->segment == first->segment && g_str_equal (cell->value, column->value))
                share = cell->share;
            }
          gtk_grid_attach (self->fairness_grid,
                           share_cell (share, column->base_share, first->segment_name, value_title (column->value)),
                           v + 1, s + 1, 1, 1);
        }
    }
  gtk_grid_attach (self->fairness_grid, grid_label (_("Everyone"), 0.0, "heading"), 0, segments->len + 1, 1, 1);
  for (guint v = 0; v < n_values; v++)
    {
      const CstFairnessCell *column = values->pdata[v];

      gtk_grid_attach (self->fairness_grid,
                       share_cell (column->base_share, column->base_share, _("Everyone"), value_title (column->value)),
                       v + 1, segments->len + 1, 1, 1);
    }

  if (most != NULL && fabs (most->share - most->base_share) >= 0.05)
    {
      g_autofree char *text =
        g_strdup_printf (_("“%s” differs most: %.0f %% of its people have “%s”, against %.0f %% of everyone."),
                         most->segment_name, 100.0 * most->share, value_title (most->value), 100.0 * most->base_share);

      gtk_label_set_label (self->fairness_summary, text);
    }
  else
    gtk_label_set_label (self->fairness_summary,
                         _("Every segment is within 5 points of the whole base's mix."));
  if (values->len > n_values)
    {
      g_autofree char *shown = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "%s The table shows the %u most common of %u value.",
                                                             "%s The table shows the %u most common of %u values.",
                                                             values->len),
                                                gtk_label_get_label (self->fairness_summary), n_values, values->len);

      gtk_label_set_label (self->fairness_summary, shown);
    }
  task_result_free (out);
}

static void
attribute_changed_cb (CstPrivacyWindow *self)
{
  TaskData *td = g_new0 (TaskData, 1);
  guint selected = adw_combo_row_get_selected (self->attribute_row);

  td->kind = TASK_FAIRNESS;
  td->attribute = g_strdup (attributes[MIN (selected, G_N_ELEMENTS (attributes) - 1)]);
  gtk_label_set_label (self->fairness_summary, _("Comparing the segments…"));
  start_task (self, td, fairness_done_cb, GUINT_TO_POINTER (++self->fairness_serial));
}

/* Erasure. */

static void
clear_found (CstPrivacyWindow *self)
{
  for (guint i = 0; i < self->found_rows->len; i++)
    adw_preferences_group_remove (self->found_group, g_ptr_array_index (self->found_rows, i));
  g_ptr_array_set_size (self->found_rows, 0);
  g_clear_pointer (&self->found, g_array_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->found_group), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.erase", FALSE);
}

static void
search_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (source);
  TaskResult *out = finish_task (self, result, _("Could not search"));

  if (out == NULL)
    {
      g_free (user_data);
      return;
    }
  clear_found (self);
  self->found = g_steal_pointer (&out->found);
  g_free (self->found_term);
  self->found_term = g_strdup (user_data);
  gtk_widget_set_visible (GTK_WIDGET (self->found_group), TRUE);
  if (self->found->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nobody found"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("No person in this project has this email or number."));
      adw_preferences_group_add (self->found_group, row);
      g_ptr_array_add (self->found_rows, row);
    }
  for (guint i = 0; i < self->found->len; i++)
    {
      const FoundPerson *person = &g_array_index (self->found, FoundPerson, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, person->person_id);
      /* Translators: a person found for erasure; %s is their internal number */
      g_autofree char *title = g_strdup_printf (_("Person %s"), number);
      g_autofree char *orders = cst_chart_format_count (person->orders);
      g_autofree char *subtitle =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s · %s order, %'.2f spent",
                                      "%s · %s · %s orders, %'.2f spent", person->orders),
                         person->email != NULL ? person->email : _("no email"),
                         person->country != NULL ? person->country : _("no country"), orders, person->total_spend);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_preferences_group_add (self->found_group, row);
      g_ptr_array_add (self->found_rows, row);
    }
  adw_preferences_group_set_description (self->found_group,
                                         self->found->len > 0
                                         ? _("Their records from every imported file, the raw rows, segment and score "
                                             "results and audience memberships.")
                                         : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.erase",
                                 self->found->len > 0 && self->job_cancellable == NULL);
  task_result_free (out);
  g_free (user_data);
}

static void
search_apply_cb (CstPrivacyWindow *self)
{
  cst_privacy_window_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_row)));
}

static void
end_job (CstPrivacyWindow *self)
{
  gtk_widget_set_visible (self->erase_progress_row, FALSE);
  gtk_widget_set_visible (self->copy_progress_row, FALSE);
  g_clear_object (&self->job_cancellable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.save-copy", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.erase", self->found != NULL && self->found->len > 0);
}

static GCancellable *
begin_job (CstPrivacyWindow *self,
           GtkWidget        *progress_row)
{
  GtkProgressBar *bar = g_object_get_data (G_OBJECT (progress_row), "bar");

  /* One erasing or copying job at a time: the Cancel button belongs to it. */
  g_clear_object (&self->job_cancellable);
  self->job_cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.save-copy", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.erase", FALSE);
  gtk_progress_bar_set_fraction (bar, 0);
  gtk_widget_set_visible (progress_row, TRUE);
  return g_object_ref (self->job_cancellable);
}

static void
cancel_job_cb (CstPrivacyWindow *self)
{
  if (self->job_cancellable != NULL)
    g_cancellable_cancel (self->job_cancellable);
}

static GtkWidget *
make_progress_row (CstPrivacyWindow *self,
                   const char       *title)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *bar = gtk_progress_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (bar, TRUE);
  gtk_widget_set_size_request (bar, 160, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), cancel);
  g_signal_connect_object (cancel, "clicked", G_CALLBACK (cancel_job_cb), self, G_CONNECT_SWAPPED);
  g_object_set_data (G_OBJECT (row), "bar", bar);
  g_object_set_data (G_OBJECT (row), "cancel", cancel);
  gtk_widget_set_visible (row, FALSE);
  return row;
}

static void
erase_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (source);
  TaskResult *out = finish_task (self, result, _("Could not erase"));

  /* finish_task() already dropped the result of a closing window. */
  if (is_closing (self))
    return;
  end_job (self);
  /* Cancelled or failed: nothing was erased, the people found are still there (end_job()
   * enabled Erase again for them). */
  if (out == NULL)
    return;
  clear_found (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_row), "");
  self->n_erasures = out->n_erasures;
  update_audit (self, out->erasures);
  show_toast (self, _("Erased"));
  task_result_free (out);
  g_signal_emit (self, signals[PROJECT_CHANGED], 0);
}

static void
erase_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   CstPrivacyWindow *self)
{
  if (g_str_equal (response, "erase"))
    cst_privacy_window_erase_found (self);
}

static void
count_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (source);
  TaskResult *out = finish_task (self, result, _("Could not count the person’s records"));
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) list = g_string_new (NULL);
  guint n = self->found != NULL ? self->found->len : 0;
  GtkWidget *dialog;

  if (out == NULL || n == 0)
    {
      g_clear_pointer (&out, task_result_free);
      return;
    }
  /* One sentence: the dialog centres its text, so a list would not line up. */
  for (guint i = 0; i < out->counts->len; i++)
    {
      const CstPersonRecordCount *count = &g_array_index (out->counts, CstPersonRecordCount, i);
      g_autofree char *records = cst_chart_format_count (count->n_records);

      if (i > 0)
        g_string_append (list, _(", "));
      /* Translators: "3 records from “orders.csv”". */
      g_string_append_printf (list, g_dngettext (GETTEXT_PACKAGE, "%s record from “%s”", "%s records from “%s”",
                                                 count->n_records), records, count->source_name);
    }
  if (out->counts->len == 0)
    g_string_append (list, _("their profile"));
  if (n == 1)
    g_string_printf (body, _("This person’s %s, raw rows, segment and score results and audience memberships are "
                             "removed from the project for good. Files you exported earlier are not changed."),
                     list->str);
  else
    g_string_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                        "These %u people’s %s, raw rows, segment and score results and audience "
                                        "memberships are removed from the project for good. Files you exported "
                                        "earlier are not changed.",
                                        "These %u people’s %s, raw rows, segment and score results and audience "
                                        "memberships are removed from the project for good. Files you exported "
                                        "earlier are not changed.", n),
                     n, list->str);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Erase for Good?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "erase", _("_Erase"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "erase", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (erase_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  task_result_free (out);
}

static void
erase_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (widget);
  TaskData *td;
  guint n = self->found != NULL ? self->found->len : 0;

  if (n == 0)
    return;
  /* What will go is counted first, so the confirmation can say it. */
  td = g_new0 (TaskData, 1);
  td->kind = TASK_COUNT;
  td->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  for (guint i = 0; i < n; i++)
    g_array_append_val (td->ids, g_array_index (self->found, FoundPerson, i).person_id);
  start_task (self, td, count_done_cb, NULL);
}

/* Pseudonymized copy. */

static void
copy_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (source);
  TaskResult *out = finish_task (self, result, _("Could not save the copy"));

  /* finish_task() already dropped the result of a closing window. */
  if (is_closing (self))
    return;
  end_job (self);
  gtk_widget_set_sensitive (self->copy_button, TRUE);
  gtk_button_set_label (GTK_BUTTON (self->copy_button), _("_Save a Pseudonymized Copy…"));
  if (out == NULL)
    return;
  show_toast (self, _("Pseudonymized copy saved"));
  task_result_free (out);
}

static void
copy_response_cb (CstPrivacyWindow     *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      cst_privacy_window_save_copy_to (self, g_file_peek_path (file));
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
save_copy_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *base = g_path_get_basename (self->project_path);
  g_autofree char *name = NULL;
  char *dot = strrchr (base, '.');

  if (dot != NULL)
    *dot = '\0';
  name = g_strdup_printf (_("%s (pseudonymized).constellate"), base);
  chooser = gtk_file_chooser_native_new (_("Save a Pseudonymized Copy"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (copy_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Loading. */

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (source);
  TaskResult *out = finish_task (self, result, _("Could not read the project"));

  if (out == NULL)
    return;
  fill_sources (self, out);
  self->n_erasures = out->n_erasures;
  update_audit (self, out->erasures);
  task_result_free (out);
  find_proxies (self);
}

static gboolean
close_request_cb (CstPrivacyWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->job_cancellable != NULL)
    g_cancellable_cancel (self->job_cancellable);
  return FALSE;
}

static void
cst_privacy_window_dispose (GObject *object)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->job_cancellable != NULL)
    g_cancellable_cancel (self->job_cancellable);
  g_clear_object (&self->job_cancellable);
  g_clear_pointer (&self->audit_rows, g_ptr_array_unref);
  g_clear_pointer (&self->proxy_rows, g_ptr_array_unref);
  self->erase_progress_row = NULL;
  self->copy_progress_row = NULL;
  g_clear_pointer (&self->switches, g_hash_table_unref);
  g_clear_pointer (&self->source_groups, g_ptr_array_unref);
  g_clear_pointer (&self->found_rows, g_ptr_array_unref);
  g_clear_pointer (&self->found, g_array_unref);
  g_clear_pointer (&self->found_term, g_free);
  g_clear_pointer (&self->sources, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_PRIVACY_WINDOW);

  G_OBJECT_CLASS (cst_privacy_window_parent_class)->dispose (object);
}

static void
cst_privacy_window_finalize (GObject *object)
{
  CstPrivacyWindow *self = CST_PRIVACY_WINDOW (object);

  g_free (self->project_path);
  g_mutex_clear (&self->progress_lock);

  G_OBJECT_CLASS (cst_privacy_window_parent_class)->finalize (object);
}

static void
cst_privacy_window_class_init (CstPrivacyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_privacy_window_dispose;
  object_class->finalize = cst_privacy_window_finalize;

  /**
   * CstPrivacyWindow::project-changed:
   *
   * A person was erased or a column's sensitivity changed: what the project's views show may
   * be out of date (segment sizes, members, which features models may use).
   */
  signals[PROJECT_CHANGED] = g_signal_new ("project-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/constellate/Constellate/cst-privacy-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, files_group);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, add_source_row);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, add_column_row);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, attribute_row);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, fairness_summary);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, fairness_grid);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, search_row);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, found_group);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, audit_group);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, audit_count);
  gtk_widget_class_bind_template_child (widget_class, CstPrivacyWindow, copy_button);

  gtk_widget_class_install_action (widget_class, "privacy.erase", NULL, erase_action);
  gtk_widget_class_install_action (widget_class, "privacy.save-copy", NULL, save_copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "privacy.save-copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_privacy_window_init (CstPrivacyWindow *self)
{
  GtkExpression *expression;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->switches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->source_groups = g_ptr_array_new ();
  self->found_rows = g_ptr_array_new ();
  self->audit_rows = g_ptr_array_new ();
  self->proxy_rows = g_ptr_array_new ();
  self->n_erasures = -1;
  g_mutex_init (&self->progress_lock);
  self->erase_progress_row = make_progress_row (self, _("Erasing"));
  adw_preferences_group_add (self->found_group, self->erase_progress_row);
  self->copy_progress_row = make_progress_row (self, _("Saving the copy"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (self->copy_button,
                                                                             ADW_TYPE_PREFERENCES_GROUP)),
                             self->copy_progress_row);

  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  adw_combo_row_set_expression (self->add_source_row, expression);
  gtk_expression_unref (expression);

  g_signal_connect_object (self->add_column_row, "apply", G_CALLBACK (add_column_apply_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_row, "apply", G_CALLBACK (search_apply_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->attribute_row, "notify::selected", G_CALLBACK (attribute_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.erase", FALSE);
}

/**
 * cst_privacy_window_new:
 * @project_path: the project
 *
 * Opens the privacy window; the project's sources, sensitive columns and fairness table load
 * in worker threads.
 */
CstPrivacyWindow *
cst_privacy_window_new (GtkWindow  *parent,
                        const char *project_path)
{
  CstPrivacyWindow *self;
  TaskData *td;

  g_return_val_if_fail (project_path != NULL, NULL);

  self = g_object_new (CST_TYPE_PRIVACY_WINDOW, "transient-for", parent, NULL);
  self->project_path = g_strdup (project_path);
  td = g_new0 (TaskData, 1);
  td->kind = TASK_LOAD;
  start_task (self, td, load_done_cb, NULL);
  attribute_changed_cb (self);
  return self;
}

gboolean
cst_privacy_window_is_busy (CstPrivacyWindow *self)
{
  g_return_val_if_fail (CST_IS_PRIVACY_WINDOW (self), FALSE);

  return self->n_running > 0;
}

void
cst_privacy_window_set_sensitive (CstPrivacyWindow *self,
                                  gint64            source_id,
                                  const char       *column_name,
                                  gboolean          sensitive)
{
  g_autofree char *key = NULL;
  GtkSwitch *toggle;
  AdwExpanderRow *group;

  g_return_if_fail (CST_IS_PRIVACY_WINDOW (self));
  g_return_if_fail (column_name != NULL);

  key = switch_key (source_id, column_name);
  toggle = g_hash_table_lookup (self->switches, key);
  if (toggle == NULL && (group = find_source_group (self, source_id)) != NULL)
    {
      add_column_row (self, group, source_id, column_name, FALSE);
      toggle = g_hash_table_lookup (self->switches, key);
    }
  g_return_if_fail (toggle != NULL);
  gtk_switch_set_active (toggle, sensitive);
}

gboolean
cst_privacy_window_get_sensitive (CstPrivacyWindow *self,
                                  gint64            source_id,
                                  const char       *column_name)
{
  g_autofree char *key = NULL;
  GtkSwitch *toggle;

  g_return_val_if_fail (CST_IS_PRIVACY_WINDOW (self), FALSE);

  key = switch_key (source_id, column_name);
  toggle = g_hash_table_lookup (self->switches, key);
  return toggle != NULL && gtk_switch_get_active (toggle);
}

const char *
cst_privacy_window_get_column_note (CstPrivacyWindow *self,
                                    gint64            source_id,
                                    const char       *column_name)
{
  AdwActionRow *row;
  const char *subtitle;

  g_return_val_if_fail (CST_IS_PRIVACY_WINDOW (self), NULL);

  row = column_row (self, source_id, column_name);
  subtitle = row != NULL ? adw_action_row_get_subtitle (row) : NULL;
  return subtitle != NULL && subtitle[0] != '\0' ? subtitle : NULL;
}

guint
cst_privacy_window_get_n_log_rows (CstPrivacyWindow *self)
{
  g_return_val_if_fail (CST_IS_PRIVACY_WINDOW (self), 0);

  return self->audit_rows->len;
}

void
cst_privacy_window_search (CstPrivacyWindow *self,
                           const char       *email_or_id)
{
  TaskData *td;
  g_autofree char *term = NULL;

  g_return_if_fail (CST_IS_PRIVACY_WINDOW (self));
  g_return_if_fail (email_or_id != NULL);

  term = g_strstrip (g_strdup (email_or_id));
  if (term[0] == '\0')
    return;
  td = g_new0 (TaskData, 1);
  td->kind = TASK_SEARCH;
  td->term = g_steal_pointer (&term);
  start_task (self, td, search_done_cb, g_strdup (td->term));
}

guint
cst_privacy_window_get_n_found (CstPrivacyWindow *self)
{
  g_return_val_if_fail (CST_IS_PRIVACY_WINDOW (self), 0);

  return self->found != NULL ? self->found->len : 0;
}

void
cst_privacy_window_erase_found (CstPrivacyWindow *self)
{
  TaskData *td;

  g_return_if_fail (CST_IS_PRIVACY_WINDOW (self));

  if (self->found == NULL || self->found->len == 0 || self->found_term == NULL)
    return;
  /* By the email searched for, the core also removes records carrying it that were never
   * linked to the people shown; by number, that one person. One job, one transaction. */
  td = g_new0 (TaskData, 1);
  td->kind = TASK_ERASE;
  td->term = g_strdup (self->found_term);
  td->job_cancellable = begin_job (self, self->erase_progress_row);
  start_task (self, td, erase_done_cb, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "privacy.erase", FALSE);
}

gint64
cst_privacy_window_get_n_erasures (CstPrivacyWindow *self)
{
  g_return_val_if_fail (CST_IS_PRIVACY_WINDOW (self), -1);

  return self->n_erasures;
}

void
cst_privacy_window_save_copy_to (CstPrivacyWindow *self,
                                 const char       *path)
{
  TaskData *td;

  g_return_if_fail (CST_IS_PRIVACY_WINDOW (self));
  g_return_if_fail (path != NULL);

  td = g_new0 (TaskData, 1);
  td->kind = TASK_COPY;
  td->path = g_strdup (path);
  td->job_cancellable = begin_job (self, self->copy_progress_row);
  gtk_widget_set_sensitive (self->copy_button, FALSE);
  gtk_button_set_label (GTK_BUTTON (self->copy_button), _("Saving the Copy…"));
  start_task (self, td, copy_done_cb, NULL);
}
