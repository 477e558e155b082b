/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-people-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-alert.h"
#include "cst-chart-util.h"
#include "cst-people-page.h"
#include "identity/cst-identity.h"
#include "jobs/cst-job.h"
#include "linkage/cst-store-linkage.h"

/* How much the page reads at once: the review queue is answered a pair at a time, and the list
 * of people is narrowed by searching, so neither needs the whole project in memory. */
#define REVIEW_LIMIT 500
#define PEOPLE_LIMIT 200
#define CURVE_STEPS  100
#define MAX_OVERLAPS 6

typedef enum
{
  OP_LOAD,
  OP_DECIDE,
  OP_UNDO,
  OP_SPLIT,
  OP_SEARCH,
  OP_RECORDS,
  OP_APPLY,
} OpKind;

/* Everything a worker needs, copied on the main thread: workers never touch widgets, and each
 * opens its own connection to the project. */
typedef struct
{
  OpKind   kind;
  guint    serial;       /* the project load it belongs to: results of an older one are dropped */
  guint    query_serial; /* the search or selection it answers */
  char    *project_path;
  gint64   record_a;
  gint64   record_b;
  gboolean same;
  gint64   person_id;
  GArray  *record_ids;   /* gint64 */
  char    *query;
  double   threshold;
  CstJob  *job;
} OpData;

/* What a worker read back. */
typedef struct
{
  gboolean          has_run;
  CstLinkageSummary summary;
  GArray           *curve;    /* CstLinkageCurvePoint */
  GPtrArray        *review;   /* CstLinkageReviewItem */
  GArray           *people;   /* CstLinkagePerson */
  GArray           *records;  /* CstLinkageRecord */
  gint64            n_pending; /* decisions stored after the newest run (load and writes) */
} OpResult;

/* A decision taken on this page, kept so that Undo can put its pair back in the queue. */
typedef struct
{
  CstLinkageReviewItem *item;
  guint                 position;
} Answered;

struct _CstPeoplePage
{
  GtkWidget          parent_instance;

  char              *project_path;
  GCancellable      *cancellable;   /* every read and write of the current project */
  CstJob            *apply_job;
  guint              serial;
  guint              search_serial;
  guint              records_serial;
  gboolean           loading;
  guint              n_writes;
  gboolean           disposed;
  gboolean           notified_busy;
  gboolean           refocus_review; /* an answer or undo was given from the page's keyboard focus */
  guint              notified_n_review;

  gboolean           has_run;
  CstLinkageSummary  summary;
  GArray            *curve;
  GPtrArray         *review;        /* CstLinkageReviewItem, the queue in order */
  guint              review_total;
  GPtrArray         *answered;      /* Answered, newest last */
  guint              n_pending;
  GArray            *people;        /* CstLinkagePerson, as listed */
  GArray            *records;       /* CstLinkageRecord of the selected person */
  gint64             person_id;

  AdwToastOverlay   *toast_overlay;
  GtkStack          *stack;
  AdwStatusPage     *empty_page;
  GtkSpinner        *loading_spinner;
  GtkLabel          *loading_label;
  GtkWidget         *find_button;
  GtkWidget         *find_progress_box;
  GtkProgressBar    *find_progress_bar;
  GtkLabel          *summary_label;
  GtkLabel          *overlap_label;
  GtkWidget         *flagged_icon;
  GtkLabel          *flagged_label;
  GtkLabel          *pending_label;
  GtkRevealer       *progress_revealer;
  GtkProgressBar    *progress_bar;
  GtkScale          *threshold_scale;
  GtkAdjustment     *threshold_adjustment;
  GtkLabel          *threshold_value_label;
  GtkLabel          *curve_label;
  GtkStack          *section_stack;
  GtkStackPage      *review_stack_page;
  GtkStack          *review_stack;
  GtkLabel          *position_label;
  GtkLabel          *probability_label;
  GtkLabel          *sentence_label;
  GtkGrid           *fields_grid;
  GtkWidget         *same_button;
  GtkSearchEntry    *search_entry;
  GtkStack          *people_stack;
  GtkListBox        *people_list;
  GtkStack          *person_stack;
  GtkLabel          *person_title;
  GtkLabel          *person_subtitle;
  GtkWidget         *person_flag_label;
  GtkBox            *records_box;
};

enum {
  PEOPLE_CHANGED,
  N_SIGNALS
};

enum {
  PROP_0,
  PROP_BUSY,
  PROP_N_REVIEW,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CstPeoplePage, cst_people_page, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];
static GParamSpec *properties[N_PROPS];

static void start_op (CstPeoplePage *self, OpData *data);

/* Whether the keyboard focus is on @area or inside it. */
static gboolean
focus_within (CstPeoplePage *self,
              GtkWidget     *area)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == area || gtk_widget_is_ancestor (focus, area));
}

static void
op_data_free (gpointer pointer)
{
  OpData *data = pointer;

  g_free (data->project_path);
  g_clear_pointer (&data->record_ids, g_array_unref);
  g_free (data->query);
  g_clear_object (&data->job);
  g_free (data);
}

static void
op_result_free (gpointer pointer)
{
  OpResult *result = pointer;

  cst_linkage_summary_clear (&result->summary);
  g_clear_pointer (&result->curve, g_array_unref);
  g_clear_pointer (&result->review, g_ptr_array_unref);
  g_clear_pointer (&result->people, g_array_unref);
  g_clear_pointer (&result->records, g_array_unref);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpResult, op_result_free)

static void
answered_free (gpointer pointer)
{
  Answered *answered = pointer;

  g_clear_pointer (&answered->item, cst_linkage_review_item_free);
  g_free (answered);
}

static char *
format_percent (double fraction)
{
  return g_strdup_printf ("%.0f %%", 100.0 * fraction);
}

static void
person_name (const CstLinkagePerson *person,
             GString                *out)
{
  if (person->first_name != NULL && *person->first_name != '\0')
    g_string_append (out, person->first_name);
  if (person->last_name != NULL && *person->last_name != '\0')
    {
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, person->last_name);
    }
  if (out->len == 0)
    g_string_append (out, person->email != NULL && *person->email != '\0' ? person->email : _("Unnamed person"));
}

/* Worker side. */

static gboolean
read_people (CstStore  *store,
             gint64     run_id,
             const char *query,
             OpResult  *result,
             GError   **error)
{
  result->people = cst_store_linkage_search_people (store, run_id, query != NULL ? query : "", PEOPLE_LIMIT, error);
  if (result->people != NULL)
    g_array_set_clear_func (result->people, (GDestroyNotify) cst_linkage_person_clear);
  return result->people != NULL;
}

static gboolean
read_everything (CstStore  *store,
                 OpResult  *result,
                 GError   **error)
{
  result->has_run = cst_store_linkage_get_summary (store, -1, &result->summary, error);
  if (!result->has_run)
    return *error == NULL;

  /* What waits to be applied is the store's to say: it survives closing the project. */
  result->n_pending = cst_store_linkage_count_pending_decisions (store, result->summary.run_id, error);
  if (result->n_pending < 0)
    return FALSE;

  result->curve = cst_store_linkage_get_curve (store, result->summary.run_id, CURVE_STEPS, error);
  if (result->curve == NULL)
    return FALSE;
  result->review = cst_store_linkage_list_review (store, result->summary.run_id, REVIEW_LIMIT, error);
  if (result->review == NULL)
    return FALSE;
  return read_people (store, result->summary.run_id, "", result, error);
}

static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  OpData *data = task_data;
  g_autoptr(GError) error = NULL;
  OpResult *result = g_new0 (OpResult, 1);
  CstStore *store;
  gboolean ok = TRUE;

  store = cst_store_open (data->project_path, &error);
  if (store == NULL)
    {
      op_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (data->kind)
    {
    case OP_LOAD:
      ok = read_everything (store, result, &error);
      break;
    case OP_DECIDE:
      ok = cst_store_linkage_decide (store, data->record_a, data->record_b, data->same, &error) >= 0;
      break;
    case OP_UNDO:
      ok = cst_store_linkage_undo (store, &error) || error == NULL;
      break;
    case OP_SPLIT:
      ok = cst_store_linkage_split_person (store, data->person_id, (const gint64 *) data->record_ids->data,
                                           data->record_ids->len, &error);
      break;
    case OP_SEARCH:
      ok = read_people (store, -1, data->query, result, &error);
      break;
    case OP_RECORDS:
      result->records = cst_store_linkage_list_person_records (store, data->person_id, &error);
      if (result->records != NULL)
        g_array_set_clear_func (result->records, (GDestroyNotify) cst_linkage_record_clear);
      ok = result->records != NULL;
      break;
    case OP_APPLY:
    default:
      {
        CstLinkOptions options;

        /* The rules of the newest run stay; the threshold is the slider's. */
        cst_link_options_init (&options);
        ok = cst_store_linkage_get_run_options (store, -1, &options, &error) || error == NULL;
        options.threshold = data->threshold;
        ok = ok && cst_identity_link (store, &options, NULL, cancellable, cst_job_progress, data->job, &error);
        if (ok)
          {
            cst_job_update (data->job, 1.0, _("Reading people"));
            ok = read_everything (store, result, &error);
          }
      }
      break;
    }

  if (ok && (data->kind == OP_DECIDE || data->kind == OP_UNDO || data->kind == OP_SPLIT))
    {
      result->n_pending = cst_store_linkage_count_pending_decisions (store, -1, &error);
      ok = result->n_pending >= 0;
    }

  cst_store_close (store);

  if (!ok)
    {
      op_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, result, op_result_free);
}

/* Main thread: showing what was read. */

static gboolean
is_busy (CstPeoplePage *self)
{
  return self->loading || self->n_writes > 0 || self->apply_job != NULL;
}

static const CstLinkageReviewItem *
current_item (CstPeoplePage *self)
{
  if (self->review == NULL || self->review->len == 0)
    return NULL;
  return g_ptr_array_index (self->review, 0);
}

static void
update_actions (CstPeoplePage *self)
{
  gboolean busy = is_busy (self);
  gboolean reviewing = self->has_run &&
                       g_strcmp0 (gtk_stack_get_visible_child_name (self->section_stack), "review") == 0;
  gboolean can_answer = !busy && reviewing && current_item (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.same", can_answer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.different", can_answer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.skip",
                                 can_answer && self->review->len > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.undo",
                                 !busy && self->answered != NULL && self->answered->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.apply", !busy && self->project_path != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.cancel", self->apply_job != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "people.split",
                                 !busy && self->records != NULL && self->records->len > 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->threshold_scale), self->apply_job == NULL);

  if (busy != self->notified_busy)
    {
      self->notified_busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  if (cst_people_page_get_n_review (self) != self->notified_n_review)
    {
      self->notified_n_review = cst_people_page_get_n_review (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REVIEW]);
    }
}

static double
current_threshold (CstPeoplePage *self)
{
  /* The slider moves in hundredths, like the curve. */
  return round (gtk_adjustment_get_value (self->threshold_adjustment) * CURVE_STEPS) / CURVE_STEPS;
}

static gboolean
threshold_changed (CstPeoplePage *self)
{
  return self->has_run && fabs (current_threshold (self) - self->summary.threshold) > 0.5 / CURVE_STEPS;
}

static void
update_pending (CstPeoplePage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->n_pending > 0)
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE, "%u change waiting to be applied",
                                         "%u changes waiting to be applied", self->n_pending),
                            self->n_pending);
  if (threshold_changed (self))
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, _("new threshold"));
    }
  if (text->len == 0)
    g_string_append (text, _("Nothing waiting to be applied"));
  gtk_label_set_label (self->pending_label, text->str);
}

static void
update_curve (CstPeoplePage *self)
{
  double threshold = current_threshold (self);
  g_autofree char *value = format_percent (threshold);
  g_autofree char *text = NULL;
  const CstLinkageCurvePoint *point = NULL;
  guint index = (guint) CLAMP (round (threshold * CURVE_STEPS), 0, CURVE_STEPS);

  gtk_label_set_label (self->threshold_value_label, value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->threshold_scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, value, -1);

  if (self->curve != NULL && index < self->curve->len)
    point = &g_array_index (self->curve, CstLinkageCurvePoint, index);
  if (point == NULL)
    {
      gtk_label_set_label (self->curve_label, "");
    }
  else
    {
      g_autofree char *precision = format_percent (point->precision);
      g_autofree char *recall = format_percent (point->recall);
      g_autofree char *merges = cst_chart_format_count (point->n_merges);
      g_autofree char *merge_text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s pair joined", "%s pairs joined", point->n_merges),
                         merges);

      /* TRANSLATORS: "Expected precision 98 % · recall 95 % · 1,234 pairs joined" */
      text = g_strdup_printf (_("Expected precision %s · recall %s · %s"), precision, recall, merge_text);
      gtk_label_set_label (self->curve_label, text);
    }
  update_pending (self);
  update_actions (self);
}

static const char *
level_word (CstLinkLevel level)
{
  switch (level)
    {
    case CST_LINK_LEVEL_EXACT:
      return _("Same");
    case CST_LINK_LEVEL_CLOSE:
      return _("Nearly the same");
    case CST_LINK_LEVEL_SIMILAR:
      return _("Similar");
    case CST_LINK_LEVEL_DIFFERENT:
      return _("Different");
    case CST_LINK_LEVEL_MISSING:
    case CST_LINK_N_LEVELS:
    default:
      return _("Missing");
    }
}

/* What the model made of a field. A field without a level although both records fill it is one
 * the model does not weigh (customer numbers: only the exact rule within a file uses them). */
static const char *
field_word (const CstLinkageField *field)
{
  if (field->level == CST_LINK_LEVEL_MISSING &&
      field->value_a != NULL && *field->value_a != '\0' &&
      field->value_b != NULL && *field->value_b != '\0')
    return _("Not compared");
  return level_word (field->level);
}

/* The agreement in words with an icon; the colour only repeats what they say. */
static GtkWidget *
create_level_badge (CstLinkLevel  level,
                    const char   *word)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  const char *icon = "dialog-question-symbolic";
  const char *css = "dim-label";
  GtkWidget *image;
  GtkWidget *label;

  switch (level)
    {
    case CST_LINK_LEVEL_EXACT:
      icon = "object-select-symbolic";
      css = "success";
      break;
    case CST_LINK_LEVEL_CLOSE:
    case CST_LINK_LEVEL_SIMILAR:
      icon = "view-more-horizontal-symbolic";
      css = "warning";
      break;
    case CST_LINK_LEVEL_DIFFERENT:
      icon = "window-close-symbolic";
      css = "error";
      break;
    case CST_LINK_LEVEL_MISSING:
    case CST_LINK_N_LEVELS:
    default:
      icon = "list-remove-symbolic";
      break;
    }

  image = gtk_image_new_from_icon_name (icon);
  gtk_accessible_update_state (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  label = gtk_label_new (word);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_add_css_class (box, css);
  gtk_widget_set_valign (box, GTK_ALIGN_START);
  return box;
}

static GtkWidget *
create_value_label (const char *text,
                    gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text != NULL && *text != '\0' ? text : "—");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_START);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  if (text == NULL || *text == '\0')
    gtk_widget_add_css_class (label, "dim-label");
  return label;
}

/* "customer number" → "Customer number", for a row heading. */
static char *
capitalize (const char *text)
{
  const char *rest;
  g_autofree char *first = NULL;

  if (text == NULL || *text == '\0')
    return g_strdup ("");
  rest = g_utf8_next_char (text);
  first = g_utf8_strup (text, rest - text);
  return g_strconcat (first, rest, NULL);
}

static void
show_item (CstPeoplePage *self)
{
  const CstLinkageReviewItem *item = current_item (self);
  GtkWidget *child;
  guint answered = self->answered != NULL ? self->answered->len : 0;
  g_autofree char *title = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields_grid))) != NULL)
    gtk_grid_remove (self->fields_grid, child);

  if (self->review != NULL && self->review->len > 0)
    {
      g_autofree char *count = cst_chart_format_count (self->review->len);

      /* TRANSLATORS: the section's title with the number of pairs waiting */
      title = g_strdup_printf (_("To Review (%s)"), count);
    }
  else
    title = g_strdup (_("To Review"));
  gtk_stack_page_set_title (self->review_stack_page, title);
  gtk_stack_page_set_needs_attention (self->review_stack_page, item != NULL);

  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->review_stack, "done");
      update_actions (self);
      return;
    }

  {
    g_autofree char *position = cst_chart_format_count (answered + 1);
    g_autofree char *total = cst_chart_format_count (answered + self->review->len);
    g_autofree char *text = g_strdup_printf (_("Pair %s of %s"), position, total);
    g_autofree char *percent = format_percent (item->probability);
    g_autofree char *probability = g_strdup_printf (_("Match probability %s"), percent);

    gtk_label_set_label (self->position_label, text);
    gtk_label_set_label (self->probability_label, probability);
    gtk_label_set_label (self->sentence_label, item->sentence != NULL ? item->sentence : "");
  }

  /* Column headers: which file each record comes from. */
  {
    g_autofree char *a = g_strdup_printf ("%s · #%" G_GINT64_FORMAT, item->source_a, item->record_a);
    g_autofree char *b = g_strdup_printf ("%s · #%" G_GINT64_FORMAT, item->source_b, item->record_b);
    GtkWidget *field = create_value_label (_("Field"), TRUE);
    GtkWidget *agreement = create_value_label (_("Agreement"), TRUE);

    gtk_widget_add_css_class (field, "dim-label");
    gtk_widget_add_css_class (agreement, "dim-label");
    gtk_widget_set_hexpand (field, FALSE);
    gtk_widget_set_hexpand (agreement, FALSE);
    gtk_grid_attach (self->fields_grid, field, 0, 0, 1, 1);
    gtk_grid_attach (self->fields_grid, create_value_label (a, TRUE), 1, 0, 1, 1);
    gtk_grid_attach (self->fields_grid, create_value_label (b, TRUE), 2, 0, 1, 1);
    gtk_grid_attach (self->fields_grid, agreement, 3, 0, 1, 1);
  }

  for (guint i = 0; item->fields != NULL && i < item->fields->len; i++)
    {
      const CstLinkageField *field = g_ptr_array_index (item->fields, i);
      g_autofree char *label = capitalize (field->label);
      GtkWidget *name = create_value_label (label, FALSE);
      GtkWidget *badge = create_level_badge (field->level, field_word (field));
      g_autofree char *description =
        g_strdup_printf (_("%s: %s and %s, %s"), field->label,
                         field->value_a != NULL && *field->value_a != '\0' ? field->value_a : _("empty"),
                         field->value_b != NULL && *field->value_b != '\0' ? field->value_b : _("empty"),
                         field_word (field));

      gtk_widget_add_css_class (name, "dim-label");
      gtk_widget_set_hexpand (name, FALSE);
      gtk_grid_attach (self->fields_grid, name, 0, i + 1, 1, 1);
      gtk_grid_attach (self->fields_grid, create_value_label (field->value_a, FALSE), 1, i + 1, 1, 1);
      gtk_grid_attach (self->fields_grid, create_value_label (field->value_b, FALSE), 2, i + 1, 1, 1);
      gtk_grid_attach (self->fields_grid, badge, 3, i + 1, 1, 1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (badge), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
    }

  gtk_stack_set_visible_child_name (self->review_stack, "item");
  update_actions (self);
}

static GtkWidget *
create_person_row (const CstLinkagePerson *person)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *count = cst_chart_format_count (person->n_records);
  g_autofree char *records = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record", "%s records",
                                                           person->n_records), count);
  GtkWidget *records_label = gtk_label_new (records);

  person_name (person, name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name->str);
  if (person->email != NULL && *person->email != '\0' && g_strcmp0 (person->email, name->str) != 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), person->email);

  if (person->flagged)
    {
      GtkWidget *flag = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      GtkWidget *word = gtk_label_new (_("Check"));

      gtk_accessible_update_state (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      gtk_box_append (GTK_BOX (flag), icon);
      gtk_box_append (GTK_BOX (flag), word);
      gtk_widget_add_css_class (flag, "warning");
      gtk_widget_add_css_class (flag, "caption");
      gtk_widget_set_valign (flag, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (flag, _("These records may belong to more than one person"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag);
    }
  gtk_widget_add_css_class (records_label, "dim-label");
  gtk_widget_add_css_class (records_label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), records_label);
  return row;
}

static void
show_people (CstPeoplePage *self)
{
  GtkWidget *child;

  /* Unselect first: the list is rebuilt, and the selected person may not be in it any more. */
  gtk_list_box_unselect_all (self->people_list);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->people_list))) != NULL)
    gtk_list_box_remove (self->people_list, child);

  for (guint i = 0; self->people != NULL && i < self->people->len; i++)
    gtk_list_box_append (self->people_list,
                         create_person_row (&g_array_index (self->people, CstLinkagePerson, i)));
  gtk_stack_set_visible_child_name (self->people_stack,
                                    self->people != NULL && self->people->len > 0 ? "list" : "none");
}

/* One row for every different way a file writes the person: an orders export repeats the
 * same address on every order, and fifty equal rows would hide the one that differs. */
typedef struct
{
  GtkWidget *row;
  GtkWidget *count_label;
  guint      count;
} RecordRow;

#define MAX_ROWS_SHOWN 6

static GtkWidget *
create_record_row (const CstLinkageRecord *record,
                   const char             *title,
                   const char             *details,
                   RecordRow              *out)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), details);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  if (record->customer_key != NULL && *record->customer_key != '\0')
    {
      GtkWidget *key = gtk_label_new (record->customer_key);

      gtk_widget_add_css_class (key, "dim-label");
      gtk_widget_add_css_class (key, "numeric");
      gtk_widget_set_tooltip_text (key, _("Customer number in this file"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), key);
    }
  out->row = row;
  out->count = 1;
  out->count_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (out->count_label, "dim-label");
  gtk_widget_add_css_class (out->count_label, "numeric");
  gtk_widget_set_visible (out->count_label, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), out->count_label);
  return row;
}

static void
show_records (CstPeoplePage *self)
{
  GtkWidget *child;
  guint i = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->records_box))) != NULL)
    gtk_box_remove (self->records_box, child);

  if (self->records == NULL)
    {
      gtk_stack_set_visible_child_name (self->person_stack, "none");
      update_actions (self);
      return;
    }

  /* Records come ordered by source: one group per file. */
  while (i < self->records->len)
    {
      const CstLinkageRecord *first = &g_array_index (self->records, CstLinkageRecord, i);
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *more = NULL;
      g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_autofree char *n_text = NULL;
      guint n_rows = 0, n_in_source = 0;

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                       first->source != NULL ? first->source : _("Unknown file"));
      gtk_box_append (self->records_box, group);

      for (; i < self->records->len; i++)
        {
          const CstLinkageRecord *record = &g_array_index (self->records, CstLinkageRecord, i);
          g_autoptr(GString) name = g_string_new (NULL);
          g_autoptr(GString) details = g_string_new (NULL);
          g_autofree char *key = NULL;
          const char *parts[] = { record->email, record->phone, record->postcode, record->city };
          RecordRow *existing;

          if (record->source_id != first->source_id)
            break;
          n_in_source++;
          if (record->first_name != NULL)
            g_string_append (name, record->first_name);
          if (record->last_name != NULL && *record->last_name != '\0')
            g_string_append_printf (name, "%s%s", name->len > 0 ? " " : "", record->last_name);
          if (name->len == 0)
            g_string_append (name, _("No name given"));
          for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
            if (parts[p] != NULL && *parts[p] != '\0')
              g_string_append_printf (details, "%s%s", details->len > 0 ? " · " : "", parts[p]);

          key = g_strdup_printf ("%s\n%s\n%s", name->str, details->str,
                                 record->customer_key != NULL ? record->customer_key : "");
          existing = g_hash_table_lookup (rows, key);
          if (existing != NULL)
            {
              g_autofree char *count = cst_chart_format_count (++existing->count);
              g_autofree char *text = g_strdup_printf (_("× %s"), count);
              g_autofree char *tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record written alike",
                                                                       "%s records written alike", existing->count),
                                                          count);

              gtk_label_set_label (GTK_LABEL (existing->count_label), text);
              gtk_widget_set_tooltip_text (existing->count_label, tooltip);
              gtk_accessible_update_property (GTK_ACCESSIBLE (existing->count_label),
                                              GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
              gtk_widget_set_visible (existing->count_label, TRUE);
              continue;
            }
          existing = g_new0 (RecordRow, 1);
          create_record_row (record, name->str, details->str, existing);
          g_hash_table_insert (rows, g_steal_pointer (&key), existing);
          if (++n_rows <= MAX_ROWS_SHOWN)
            {
              adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), existing->row);
              continue;
            }
          /* A long list folds away behind one row. */
          if (more == NULL)
            {
              more = adw_expander_row_new ();
              adw_preferences_row_set_title (ADW_PREFERENCES_ROW (more), _("More records"));
              adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), more);
            }
          adw_expander_row_add_row (ADW_EXPANDER_ROW (more), existing->row);
        }

      n_text = cst_chart_format_count (n_in_source);
      {
        g_autofree char *description =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record", "%s records", n_in_source), n_text);

        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
      }
    }

  gtk_stack_set_visible_child_name (self->person_stack, "person");
  update_actions (self);
}

static void
show_loaded (CstPeoplePage *self,
             OpResult      *result)
{
  g_autofree char *records = NULL;
  g_autofree char *records_text = NULL;
  g_autofree char *people_text = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GString) overlaps = g_string_new (NULL);

  cst_linkage_summary_clear (&self->summary);
  g_clear_pointer (&self->curve, g_array_unref);
  g_clear_pointer (&self->review, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_array_unref);
  g_clear_pointer (&self->records, g_array_unref);
  g_ptr_array_set_size (self->answered, 0);
  self->n_pending = (guint) MAX (result->n_pending, 0);
  self->person_id = -1;

  self->has_run = result->has_run;
  if (!result->has_run)
    {
      adw_status_page_set_title (self->empty_page, _("No People Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Constellate has not yet compared the records of this project. Let it "
                                         "find which records belong to the same person: you can check its work "
                                         "here afterwards."));
      gtk_widget_set_visible (self->find_button, TRUE);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_actions (self);
      return;
    }

  self->summary = result->summary;
  memset (&result->summary, 0, sizeof result->summary);
  self->curve = g_steal_pointer (&result->curve);
  self->review = g_steal_pointer (&result->review);
  self->people = g_steal_pointer (&result->people);
  self->review_total = self->review->len;

  records = cst_chart_format_count (self->summary.n_records);
  records_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record", "%s records", self->summary.n_records),
                                  records);
  people_text = cst_chart_format_people (self->summary.n_people);
  /* TRANSLATORS: "107,375 records → 5,277 people" */
  title = g_strdup_printf (_("%s → %s"), records_text, people_text);
  gtk_label_set_label (self->summary_label, title);

  for (guint i = 0; self->summary.overlaps != NULL && i < MIN (self->summary.overlaps->len, MAX_OVERLAPS); i++)
    {
      const CstLinkageOverlap *overlap = &g_array_index (self->summary.overlaps, CstLinkageOverlap, i);
      g_autofree char *n = cst_chart_format_count (overlap->n_people);

      if (overlaps->len > 0)
        g_string_append (overlaps, "\n");
      g_string_append_printf (overlaps,
                              g_dngettext (GETTEXT_PACKAGE, "%s and %s share %s person",
                                           "%s and %s share %s people", overlap->n_people),
                              overlap->name_a, overlap->name_b, n);
    }
  if (overlaps->len == 0)
    g_string_append (overlaps, _("No person appears in more than one file."));
  gtk_label_set_label (self->overlap_label, overlaps->str);

  if (self->summary.n_flagged > 0)
    {
      g_autofree char *n = cst_chart_format_count (self->summary.n_flagged);
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%s person may join records of different people: look for “Check” under People",
                                      "%s people may join records of different people: look for “Check” under People",
                                      self->summary.n_flagged), n);

      gtk_label_set_label (self->flagged_label, text);
    }
  else
    gtk_label_set_label (self->flagged_label, _("Nobody is flagged for a second look."));
  gtk_widget_set_visible (self->flagged_icon, self->summary.n_flagged > 0);

  /* The slider starts where the run was made, and marks that place. */
  gtk_scale_clear_marks (self->threshold_scale);
  gtk_scale_add_mark (self->threshold_scale, self->summary.threshold, GTK_POS_BOTTOM, NULL);
  gtk_adjustment_set_value (self->threshold_adjustment, self->summary.threshold);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  self->search_serial++;
  show_item (self);
  show_people (self);
  show_records (self);
  update_curve (self);
  if (self->summary.n_records == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Records Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Add your exports to this project: Constellate then finds which records "
                                         "belong to the same person."));
      gtk_widget_set_visible (self->find_button, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  gtk_widget_set_visible (self->find_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "main");
}

static void
op_done_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  CstPeoplePage *self = CST_PEOPLE_PAGE (source);
  OpData *data = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  OpResult *result = g_task_propagate_pointer (G_TASK (res), &error);
  g_autoptr(OpResult) owned = result;

  (void) user_data;
  if (self->disposed || data->serial != self->serial)
    return;

  switch (data->kind)
    {
    case OP_LOAD:
      self->loading = FALSE;
      gtk_spinner_stop (self->loading_spinner);
      if (result == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              adw_status_page_set_title (self->empty_page, _("Could Not Read the People"));
              adw_status_page_set_description (self->empty_page, error->message);
              gtk_stack_set_visible_child_name (self->stack, "empty");
            }
          break;
        }
      show_loaded (self, result);
      break;

    case OP_DECIDE:
    case OP_UNDO:
    case OP_SPLIT:
      self->n_writes--;
      if (result == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
          break;
        }
      if (data->kind == OP_DECIDE)
        {
          Answered *answered = g_new0 (Answered, 1);

          /* The pair leaves the queue only once its decision is stored. */
          answered->item = g_ptr_array_steal_index (self->review, 0);
          g_ptr_array_add (self->answered, answered);
          show_item (self);
        }
      else if (data->kind == OP_UNDO && self->answered->len > 0)
        {
          Answered *answered = g_ptr_array_steal_index (self->answered, self->answered->len - 1);

          g_ptr_array_insert (self->review, 0, g_steal_pointer (&answered->item));
          answered_free (answered);
          show_item (self);
        }
      else if (data->kind == OP_SPLIT)
        {
          /* Undo takes back the newest decision, which is now one of the split's: the review's
           * decisions can no longer be taken back one by one. */
          g_ptr_array_set_size (self->answered, 0);
          adw_toast_overlay_add_toast (self->toast_overlay,
                                       adw_toast_new (_("The records will be kept apart when you apply your changes.")));
        }
      self->n_pending = (guint) result->n_pending;
      update_pending (self);
      update_actions (self);
      if (self->refocus_review && !focus_within (self, GTK_WIDGET (self)) &&
          gtk_widget_get_mapped (self->same_button) && gtk_widget_is_sensitive (self->same_button))
        gtk_widget_grab_focus (self->same_button);
      self->refocus_review = FALSE;
      break;

    case OP_SEARCH:
      if (result == NULL || data->query_serial != self->search_serial)
        break;
      g_clear_pointer (&self->people, g_array_unref);
      self->people = g_steal_pointer (&result->people);
      show_people (self);
      break;

    case OP_RECORDS:
      if (result == NULL || data->query_serial != self->records_serial)
        break;
      g_clear_pointer (&self->records, g_array_unref);
      self->records = g_steal_pointer (&result->records);
      show_records (self);
      break;

    case OP_APPLY:
    default:
      g_clear_object (&self->apply_job);
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
      gtk_widget_set_visible (self->find_progress_box, FALSE);
      gtk_spinner_stop (self->loading_spinner);
      gtk_label_set_label (self->loading_label, _("Loading people…"));
      if (result == NULL)
        {
          if (!self->has_run)
            gtk_stack_set_visible_child_name (self->stack, "empty");
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            cst_alert_show_error (GTK_WIDGET (self), _("Could Not Find the People"), error->message);
          break;
        }
      show_loaded (self, result);
      g_signal_emit (self, signals[PEOPLE_CHANGED], 0);
      break;
    }

  update_actions (self);
}

static void
start_op (CstPeoplePage *self,
          OpData        *data)
{
  g_autoptr(GTask) task = NULL;
  GCancellable *cancellable = self->cancellable;

  g_assert (self->project_path != NULL);
  data->serial = self->serial;
  data->project_path = g_strdup (self->project_path);
  if (data->kind == OP_APPLY)
    cancellable = cst_job_get_cancellable (data->job);

  task = g_task_new (self, cancellable, op_done_cb, NULL);
  g_task_set_source_tag (task, start_op);
  g_task_set_task_data (task, data, op_data_free);
  g_task_run_in_thread (task, op_thread);
  update_actions (self);
}

static OpData *
op_data_new (OpKind kind)
{
  OpData *data = g_new0 (OpData, 1);

  data->kind = kind;
  return data;
}

static void
job_progress_cb (CstPeoplePage *self)
{
  g_autofree char *message = NULL;

  if (self->apply_job == NULL)
    return;
  message = cst_job_dup_message (self->apply_job);
  gtk_progress_bar_set_fraction (self->progress_bar, cst_job_get_fraction (self->apply_job));
  gtk_progress_bar_set_fraction (self->find_progress_bar, cst_job_get_fraction (self->apply_job));
  gtk_progress_bar_set_text (self->progress_bar, message != NULL ? message : _("Finding people"));
}

/* Actions. */


static void
answer (CstPeoplePage *self,
        gboolean       same)
{
  const CstLinkageReviewItem *item = current_item (self);
  OpData *data;

  if (item == NULL || is_busy (self))
    return;
  data = op_data_new (OP_DECIDE);
  data->record_a = item->record_a;
  data->record_b = item->record_b;
  data->same = same;
  /* The buttons go insensitive while the answer is stored, and a focused one loses its focus:
   * it comes back when the next pair shows, so that Y, N and S keep working. */
  self->refocus_review = focus_within (self, GTK_WIDGET (self));
  self->n_writes++;
  start_op (self, data);
}

static void
same_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  answer (CST_PEOPLE_PAGE (widget), TRUE);
}

static void
different_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  answer (CST_PEOPLE_PAGE (widget), FALSE);
}

static void
skip_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstPeoplePage *self = CST_PEOPLE_PAGE (widget);

  if (is_busy (self) || self->review == NULL || self->review->len < 2)
    return;
  /* A skipped pair goes to the back of the queue: it comes round again after the others. */
  g_ptr_array_add (self->review, g_ptr_array_steal_index (self->review, 0));
  show_item (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstPeoplePage *self = CST_PEOPLE_PAGE (widget);

  if (is_busy (self) || self->answered->len == 0)
    return;
  self->refocus_review = focus_within (self, GTK_WIDGET (self));
  self->n_writes++;
  start_op (self, op_data_new (OP_UNDO));
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CstPeoplePage *self = CST_PEOPLE_PAGE (widget);
  OpData *data;

  if (is_busy (self) || self->project_path == NULL)
    return;

  self->apply_job = cst_job_new (_("Finding people"));
  g_signal_connect_object (self->apply_job, "notify::fraction", G_CALLBACK (job_progress_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->apply_job, "notify::message", G_CALLBACK (job_progress_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _("Finding people"));
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);

  /* Without a run there is nothing on screen to put the progress under: it takes the
   * loading page's place. */
  if (!self->has_run)
    {
      gtk_label_set_label (self->loading_label, _("Finding people…"));
      gtk_progress_bar_set_fraction (self->find_progress_bar, 0.0);
      gtk_widget_set_visible (self->find_progress_box, TRUE);
      gtk_spinner_start (self->loading_spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  data = op_data_new (OP_APPLY);
  if (self->has_run)
    data->threshold = current_threshold (self);
  else
    {
      CstLinkOptions options;

      cst_link_options_init (&options);
      data->threshold = options.threshold;
    }
  data->job = g_object_ref (self->apply_job);
  start_op (self, data);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstPeoplePage *self = CST_PEOPLE_PAGE (widget);

  if (self->apply_job != NULL)
    cst_job_cancel (self->apply_job);
}

static void
split_toggled_cb (AdwMessageDialog *dialog)
{
  GtkWidget *list = g_object_get_data (G_OBJECT (dialog), "list");
  guint n = 0, checked = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *check = g_object_get_data (G_OBJECT (row), "check");

      n++;
      checked += gtk_check_button_get_active (GTK_CHECK_BUTTON (check));
    }
  /* A split must leave the person at least one record, and take at least one away. */
  adw_message_dialog_set_response_enabled (dialog, "split", checked > 0 && checked < n);
}

static void
split_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   CstPeoplePage    *self)
{
  GtkWidget *list = g_object_get_data (G_OBJECT (dialog), "list");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  OpData *data;

  if (g_strcmp0 (response, "split") != 0 || self->disposed || is_busy (self) || self->person_id < 0)
    return;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *check = g_object_get_data (G_OBJECT (row), "check");
      GArray *row_ids = g_object_get_data (G_OBJECT (row), "record-ids");

      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)))
        g_array_append_vals (ids, row_ids->data, row_ids->len);
    }
  if (ids->len == 0)
    return;

  data = op_data_new (OP_SPLIT);
  data->person_id = self->person_id;
  data->record_ids = g_steal_pointer (&ids);
  self->n_writes++;
  start_op (self, data);
}

/* Records written alike in one file are ticked together, as the People section shows them. */
static void
split_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CstPeoplePage *self = CST_PEOPLE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GtkWidget *dialog;
  GtkWidget *list;
  GtkWidget *scrolled;

  if (is_busy (self) || self->records == NULL || self->records->len < 2 || !GTK_IS_WINDOW (root))
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (root), _("Split This Person?"),
                                   _("Tick the records that belong to someone else. They are kept apart from "
                                     "this person’s other records when you apply your changes."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "split", _("_Split"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "split", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Records of this person"), -1);
  for (guint i = 0; i < self->records->len; i++)
    {
      const CstLinkageRecord *record = &g_array_index (self->records, CstLinkageRecord, i);
      g_autofree char *title = g_strstrip (g_strdup_printf ("%s %s", record->first_name != NULL ? record->first_name : "",
                                                            record->last_name != NULL ? record->last_name : ""));
      gboolean has_phone = record->phone != NULL && *record->phone != '\0';
      g_autofree char *subtitle = g_strdup_printf ("%s\n%s%s%s", record->source != NULL ? record->source : "",
                                                   record->email != NULL ? record->email : "",
                                                   has_phone ? " · " : "", has_phone ? record->phone : "");
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "\n%s\n%s\n%s\n%s", record->source_id, title,
                                              subtitle, record->phone != NULL ? record->phone : "",
                                              record->customer_key != NULL ? record->customer_key : "");
      GtkWidget *row = g_hash_table_lookup (rows, key);
      GtkWidget *check;
      GArray *ids;

      if (row == NULL)
        {
          row = adw_action_row_new ();
          check = gtk_check_button_new ();
          ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *title != '\0' ? title : _("No name given"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
          gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
          gtk_accessible_update_relation (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL, -1);
          g_object_set_data (G_OBJECT (row), "check", check);
          g_object_set_data_full (G_OBJECT (row), "record-ids", ids, (GDestroyNotify) g_array_unref);
          g_signal_connect_object (check, "toggled", G_CALLBACK (split_toggled_cb), dialog, G_CONNECT_SWAPPED);
          gtk_list_box_append (GTK_LIST_BOX (list), row);
          g_hash_table_insert (rows, g_steal_pointer (&key), row);
        }
      ids = g_object_get_data (G_OBJECT (row), "record-ids");
      g_array_append_val (ids, record->record_id);
      if (ids->len > 1)
        {
          g_autofree char *count = cst_chart_format_count (ids->len);
          g_autofree char *with_count =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s record", "%s · %s records", ids->len),
                             subtitle, count);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), with_count);
        }
    }

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  /* A message dialog is narrow and short by default; records need room to be told apart. */
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled),
                                              MIN (70 * (int) g_hash_table_size (rows), 300));
  gtk_widget_set_size_request (scrolled, 420, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  g_object_set_data (G_OBJECT (dialog), "list", list);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "split", FALSE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (split_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Template callbacks. */

static void
search_changed_cb (CstPeoplePage *self)
{
  OpData *data;

  if (self->disposed || !self->has_run || self->project_path == NULL)
    return;
  data = op_data_new (OP_SEARCH);
  data->query = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  data->query_serial = ++self->search_serial;
  start_op (self, data);
}

static void
person_selected_cb (CstPeoplePage *self,
                    GtkListBoxRow *row)
{
  const CstLinkagePerson *person;
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *count = NULL;
  g_autofree char *subtitle = NULL;
  OpData *data;
  int index;

  /* Disposing the template empties the list, which unselects its row. */
  if (self->disposed)
    return;
  self->records_serial++;
  g_clear_pointer (&self->records, g_array_unref);
  if (row == NULL || self->people == NULL || (index = gtk_list_box_row_get_index (row)) < 0 ||
      (guint) index >= self->people->len)
    {
      self->person_id = -1;
      show_records (self);
      return;
    }

  person = &g_array_index (self->people, CstLinkagePerson, index);
  self->person_id = person->person_id;
  person_name (person, name);
  count = cst_chart_format_count (person->n_records);
  /* The address only when the title is not already the address. */
  if (person->email != NULL && *person->email != '\0' && g_strcmp0 (person->email, name->str) != 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s record", "%s · %s records",
                                             person->n_records),
                                person->email, count);
  else
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s record", "%s records", person->n_records), count);
  gtk_label_set_label (self->person_title, name->str);
  gtk_label_set_label (self->person_subtitle, subtitle);
  gtk_widget_set_visible (self->person_flag_label, person->flagged);

  data = op_data_new (OP_RECORDS);
  data->person_id = person->person_id;
  data->query_serial = self->records_serial;
  start_op (self, data);
}

static void
section_changed_cb (CstPeoplePage *self)
{
  if (self->disposed)
    return;
  update_actions (self);
}

static void
threshold_value_changed_cb (CstPeoplePage *self)
{
  update_curve (self);
}

/* Overrides. */

static void
cst_people_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CstPeoplePage *self = CST_PEOPLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, cst_people_page_is_busy (self));
      break;
    case PROP_N_REVIEW:
      g_value_set_uint (value, cst_people_page_get_n_review (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_people_page_dispose (GObject *object)
{
  CstPeoplePage *self = CST_PEOPLE_PAGE (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->apply_job != NULL)
    cst_job_cancel (self->apply_job);
  g_clear_object (&self->apply_job);
  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_PEOPLE_PAGE);

  G_OBJECT_CLASS (cst_people_page_parent_class)->dispose (object);
}

static void
cst_people_page_finalize (GObject *object)
{
  CstPeoplePage *self = CST_PEOPLE_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->project_path);
  cst_linkage_summary_clear (&self->summary);
  g_clear_pointer (&self->curve, g_array_unref);
  g_clear_pointer (&self->review, g_ptr_array_unref);
  g_clear_pointer (&self->answered, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_array_unref);
  g_clear_pointer (&self->records, g_array_unref);

  G_OBJECT_CLASS (cst_people_page_parent_class)->finalize (object);
}

static void
cst_people_page_class_init (CstPeoplePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_people_page_dispose;
  object_class->finalize = cst_people_page_finalize;
  object_class->get_property = cst_people_page_get_property;

  /* The page is loading, storing a decision or finding the people again (Apply). */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Uncertain pairs waiting for an answer: a badge for the People tab. */
  properties[PROP_N_REVIEW] =
    g_param_spec_uint ("n-review", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CstPeoplePage::people-changed:
   *
   * The linker ran again (Apply) and the people of the project changed: whatever was computed
   * per person (segments, predictions) is out of date.
   */
  signals[PEOPLE_CHANGED] = g_signal_new ("people-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/constellate/Constellate/cst-people-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, stack);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, loading_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, find_button);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, find_progress_box);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, find_progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, overlap_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, flagged_icon);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, flagged_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, threshold_scale);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, threshold_adjustment);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, threshold_value_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, curve_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, section_stack);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, review_stack_page);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, review_stack);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, position_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, probability_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, sentence_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, fields_grid);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, same_button);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, people_stack);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, people_list);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, person_stack);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, person_title);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, person_subtitle);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, person_flag_label);
  gtk_widget_class_bind_template_child (widget_class, CstPeoplePage, records_box);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, person_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, section_changed_cb);

  gtk_widget_class_install_action (widget_class, "people.same", NULL, same_action);
  gtk_widget_class_install_action (widget_class, "people.different", NULL, different_action);
  gtk_widget_class_install_action (widget_class, "people.skip", NULL, skip_action);
  gtk_widget_class_install_action (widget_class, "people.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "people.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "people.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "people.split", NULL, split_action);

  /* Single keys answer the review quickly; a focused search entry keeps its letters, since it
   * handles a key before the page's shortcuts see it. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, 0, "people.same", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, 0, "people.different", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, 0, "people.skip", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "people.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "people.cancel", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cst_people_page_init (CstPeoplePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->answered = g_ptr_array_new_with_free_func (answered_free);
  self->person_id = -1;
  g_signal_connect_object (self->threshold_adjustment, "value-changed",
                           G_CALLBACK (threshold_value_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("People"), -1);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_actions (self);
}

/* Public API. */

GtkWidget *
cst_people_page_new (void)
{
  return g_object_new (CST_TYPE_PEOPLE_PAGE, NULL);
}

/**
 * cst_people_page_set_project:
 * @project_path: (nullable): the open project, or %NULL for none
 *
 * Reads the project's newest identity run in a worker thread and shows it; anything still
 * running for the previous project is cancelled (a running Apply too).
 */
void
cst_people_page_set_project (CstPeoplePage *self,
                             const char    *project_path)
{
  g_return_if_fail (CST_IS_PEOPLE_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->apply_job != NULL)
    cst_job_cancel (self->apply_job);
  g_clear_object (&self->apply_job);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  self->serial++;
  self->n_writes = 0;
  self->loading = FALSE;
  self->has_run = FALSE;
  g_clear_pointer (&self->review, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_array_unref);
  g_clear_pointer (&self->records, g_array_unref);
  g_clear_pointer (&self->curve, g_array_unref);
  g_ptr_array_set_size (self->answered, 0);
  self->n_pending = 0;
  self->person_id = -1;
  gtk_widget_set_visible (self->find_button, FALSE);
  gtk_widget_set_visible (self->find_progress_box, FALSE);
  gtk_label_set_label (self->loading_label, _("Loading people…"));
  if (self->project_path != project_path)
    {
      g_free (self->project_path);
      self->project_path = g_strdup (project_path);
    }

  if (project_path == NULL)
    {
      adw_status_page_set_title (self->empty_page, _("No People Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Import your exports or try the sample data: Constellate then finds which "
                                         "records belong to the same person, and lets you check its work here."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      update_actions (self);
      return;
    }

  self->loading = TRUE;
  gtk_spinner_start (self->loading_spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  start_op (self, op_data_new (OP_LOAD));
}

const char *
cst_people_page_get_project (CstPeoplePage *self)
{
  g_return_val_if_fail (CST_IS_PEOPLE_PAGE (self), NULL);
  return self->project_path;
}

/**
 * cst_people_page_is_applying:
 *
 * Whether Apply is finding people again: a write the window's own jobs must not overlap.
 * Loading and single decisions are not (SQLite serializes those small writes).
 */
gboolean
cst_people_page_is_applying (CstPeoplePage *self)
{
  g_return_val_if_fail (CST_IS_PEOPLE_PAGE (self), FALSE);

  return self->apply_job != NULL;
}

gboolean
cst_people_page_is_busy (CstPeoplePage *self)
{
  g_return_val_if_fail (CST_IS_PEOPLE_PAGE (self), FALSE);
  return is_busy (self);
}

const char *
cst_people_page_get_summary_text (CstPeoplePage *self)
{
  g_return_val_if_fail (CST_IS_PEOPLE_PAGE (self), NULL);
  return self->has_run ? gtk_label_get_label (self->summary_label) : NULL;
}

guint
cst_people_page_get_n_review (CstPeoplePage *self)
{
  g_return_val_if_fail (CST_IS_PEOPLE_PAGE (self), 0);
  return self->review != NULL ? self->review->len : 0;
}

guint
cst_people_page_get_n_pending (CstPeoplePage *self)
{
  g_return_val_if_fail (CST_IS_PEOPLE_PAGE (self), 0);
  return self->n_pending;
}

guint
cst_people_page_get_n_people_listed (CstPeoplePage *self)
{
  g_return_val_if_fail (CST_IS_PEOPLE_PAGE (self), 0);
  return self->people != NULL ? self->people->len : 0;
}

guint
cst_people_page_get_n_person_records (CstPeoplePage *self)
{
  g_return_val_if_fail (CST_IS_PEOPLE_PAGE (self), 0);
  return self->records != NULL ? self->records->len : 0;
}
