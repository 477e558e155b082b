/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-segment-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-alert.h"
#include "cst-audience-dialog.h"
#include "cst-chart-difference.h"
#include "cst-chart-view.h"
#include "cst-report.h"
#include "cst-segment-dialog.h"
#include "features/cst-features.h"
#include "io/cst-members.h"
#include "store/cst-store.h"

/* One segment up close: what sets it apart, drawn as diverging bars, and its people in a
 * sortable table that can be exported for a campaign. */

#define CST_TYPE_MEMBER_ITEM (cst_member_item_get_type ())
G_DECLARE_FINAL_TYPE (CstMemberItem, cst_member_item, CST, MEMBER_ITEM, GObject)

struct _CstMemberItem
{
  GObject  parent_instance;
  char    *email;
  char    *name;
  gint64   orders;
  double   spend;
  char    *last_order;
};

enum {
  ITEM_PROP_0,
  ITEM_PROP_EMAIL,
  ITEM_PROP_NAME,
  ITEM_PROP_ORDERS,
  ITEM_PROP_SPEND,
  ITEM_PROP_LAST_ORDER,
  ITEM_N_PROPS
};

G_DEFINE_FINAL_TYPE (CstMemberItem, cst_member_item, G_TYPE_OBJECT)

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
cst_member_item_finalize (GObject *object)
{
  CstMemberItem *self = CST_MEMBER_ITEM (object);

  g_free (self->email);
  g_free (self->name);
  g_free (self->last_order);
  G_OBJECT_CLASS (cst_member_item_parent_class)->finalize (object);
}

static void
cst_member_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CstMemberItem *self = CST_MEMBER_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;
    case ITEM_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case ITEM_PROP_ORDERS:
      g_value_set_int64 (value, self->orders);
      break;
    case ITEM_PROP_SPEND:
      g_value_set_double (value, self->spend);
      break;
    case ITEM_PROP_LAST_ORDER:
      g_value_set_string (value, self->last_order);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_member_item_class_init (CstMemberItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cst_member_item_finalize;
  object_class->get_property = cst_member_item_get_property;

  item_properties[ITEM_PROP_EMAIL] =
    g_param_spec_string ("email", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_ORDERS] =
    g_param_spec_int64 ("orders", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_SPEND] =
    g_param_spec_double ("spend", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_LAST_ORDER] =
    g_param_spec_string ("last-order", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
cst_member_item_init (CstMemberItem *self)
{
}

static CstMemberItem *
cst_member_item_new (const CstMember *member)
{
  CstMemberItem *self = g_object_new (CST_TYPE_MEMBER_ITEM, NULL);
  g_autofree char *name = g_strjoin (" ", member->first_name != NULL ? member->first_name : "",
                                     member->last_name != NULL ? member->last_name : "", NULL);

  self->email = g_strdup (member->email != NULL ? member->email : "");
  self->name = g_strstrip (g_steal_pointer (&name));
  self->orders = member->orders;
  self->spend = member->total_spend;
  if (member->last_order != CST_NO_TIME)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (member->last_order);

      self->last_order = g_date_time_format (dt, "%Y-%m-%d");
    }
  else
    self->last_order = g_strdup ("");
  return self;
}

struct _CstSegmentDialog
{
  AdwWindow     parent_instance;

  char         *project_path;
  char         *segment_name;
  gint64        run_id;
  guint         segment;
  GPtrArray    *members;       /* CstMember, once loaded */
  GListStore   *items;
  GCancellable *cancellable;

  GtkLabel     *count_label;
  GtkColumnView *table;
  GtkWidget    *export_button;
  GtkStack     *table_stack;
};

G_DEFINE_FINAL_TYPE (CstSegmentDialog, cst_segment_dialog, ADW_TYPE_WINDOW)

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CstSegmentDialog *self = source_object;
  GError *error = NULL;
  GPtrArray *members = cst_members_load (self->project_path, self->run_id, self->segment, &error);

  if (members == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, members, (GDestroyNotify) g_ptr_array_unref);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CstSegmentDialog *self = CST_SEGMENT_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) members = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  if (members == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->count_label, error->message);
      return;
    }

  for (guint i = 0; i < members->len; i++)
    g_ptr_array_add (items, cst_member_item_new (g_ptr_array_index (members, i)));
  g_list_store_splice (self->items, 0, 0, items->pdata, items->len);
  self->members = g_steal_pointer (&members);

  count = g_strdup_printf ("%'u", self->members->len);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s person, biggest spenders first",
                                       "%s people, biggest spenders first", self->members->len),
                          count);
  gtk_label_set_label (self->count_label, text);
  gtk_widget_set_sensitive (self->export_button, TRUE);
  gtk_stack_set_visible_child_name (self->table_stack, "table");
}

static void
export_response_cb (CstSegmentDialog     *self,
                    int                   response,
                    GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;

      if (!cst_segment_dialog_export (self, g_file_peek_path (file), &error))
        cst_alert_show_error (GTK_WIDGET (self), _("Could Not Export"), error->message);
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstSegmentDialog *self = CST_SEGMENT_DIALOG (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = g_strdup_printf ("%s.csv", self->segment_name);

  chooser = gtk_file_chooser_native_new (_("Export Members"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The segment as a campaign audience: consent rules, a control group held back, CSV, Excel or
 * a hashed list for an ad platform. */
static void
export_audience_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CstSegmentDialog *self = CST_SEGMENT_DIALOG (widget);

  gtk_window_present (GTK_WINDOW (cst_audience_dialog_new_for_segment (GTK_WINDOW (self), self->project_path,
                                                                       self->segment, self->segment_name)));
}

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (user_data) ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (GPOINTER_TO_INT (user_data))
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  CstMemberItem *member = gtk_list_item_get_item (item);
  const char *property = g_object_get_data (G_OBJECT (factory), "property");
  g_autofree char *text = NULL;

  if (g_str_equal (property, "orders"))
    text = g_strdup_printf ("%'" G_GINT64_FORMAT, member->orders);
  else if (g_str_equal (property, "spend"))
    text = g_strdup_printf ("%'.2f", member->spend);
  else
    g_object_get (member, property, &text, NULL);
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
add_column (CstSegmentDialog *self,
            const char       *title,
            const char       *property,
            gboolean          numeric,
            gboolean          expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkExpression *expression = gtk_property_expression_new (CST_TYPE_MEMBER_ITEM, NULL, property);
  GtkSorter *sorter;
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "property", (gpointer) property);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cb), GINT_TO_POINTER (numeric));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_label_cb), NULL);

  if (numeric)
    sorter = GTK_SORTER (gtk_numeric_sorter_new (expression));
  else
    sorter = GTK_SORTER (gtk_string_sorter_new (expression));

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->table, column);
  g_object_unref (sorter);
  g_object_unref (column);
}

static void
cst_segment_dialog_dispose (GObject *object)
{
  CstSegmentDialog *self = CST_SEGMENT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->items);
  g_clear_pointer (&self->members, g_ptr_array_unref);

  G_OBJECT_CLASS (cst_segment_dialog_parent_class)->dispose (object);
}

static void
cst_segment_dialog_finalize (GObject *object)
{
  CstSegmentDialog *self = CST_SEGMENT_DIALOG (object);

  g_free (self->project_path);
  g_free (self->segment_name);

  G_OBJECT_CLASS (cst_segment_dialog_parent_class)->finalize (object);
}

static void
cst_segment_dialog_class_init (CstSegmentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_segment_dialog_dispose;
  object_class->finalize = cst_segment_dialog_finalize;

  gtk_widget_class_install_action (widget_class, "segment.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "segment.export-audience", NULL, export_audience_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "segment.export-audience", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_segment_dialog_init (CstSegmentDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->items = g_list_store_new (CST_TYPE_MEMBER_ITEM);
}

static GtkWidget *
build_content (CstSegmentDialog      *self,
               const CstSegmentation *seg,
               guint                  segment)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = adw_window_title_new (seg->segment_names[segment], NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *chart = cst_chart_view_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *audience_button;
  g_autoptr(CstDifferenceModel) model = NULL;
  guint n_bars;
  g_autofree char *size = g_strdup_printf ("%'zu", seg->sizes[segment]);
  g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s person · %.1f %%",
                                                            "%s people · %.1f %%", seg->sizes[segment]),
                                               size, 100.0 * seg->sizes[segment] / MAX (seg->n_people, 1));
  GtkSortListModel *sorted;
  GtkNoSelection *selection;

  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (title), subtitle);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  self->export_button = gtk_button_new_with_mnemonic (_("_Export Members…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->export_button), "segment.export");
  gtk_widget_set_sensitive (self->export_button, FALSE);
  gtk_widget_set_tooltip_text (self->export_button, _("Every person of the segment as a table, as shown below"));
  audience_button = gtk_button_new_with_mnemonic (_("Export _Audience…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (audience_button), "segment.export-audience");
  gtk_widget_set_tooltip_text (audience_button,
                               _("For a campaign: leaves out people without consent and holds back a control group"));
  gtk_widget_add_css_class (audience_button, "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), audience_button);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->export_button);
  gtk_box_append (GTK_BOX (toolbar), header);

  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_vexpand (box, TRUE);

  /* The eight strongest differences tell the story; the heatmap on the page has them all. */
  model = cst_report_difference_model (seg, segment, 8);
  n_bars = cst_difference_model_get_n_bars (model);
  gtk_widget_set_size_request (chart, -1, 110 + 26 * MIN (seg->n_features, 8));
  cst_chart_view_set_chart (CST_CHART_VIEW (chart), g_steal_pointer (&model), (GDestroyNotify) cst_difference_model_free,
                            (CstChartPaintFunc) cst_chart_difference_paint,
                            (CstChartHitTestFunc) cst_chart_difference_hit_test,
                            (CstChartSelectFunc) cst_difference_model_set_selected,
                            (CstChartDescribeFunc) cst_chart_difference_describe);
  cst_chart_view_set_n_items (CST_CHART_VIEW (chart), n_bars);
  gtk_frame_set_child (GTK_FRAME (frame), chart);
  gtk_widget_add_css_class (frame, "chart-frame");
  gtk_box_append (GTK_BOX (box), frame);

  self->count_label = GTK_LABEL (gtk_label_new (_("Loading the people of this segment…")));
  gtk_label_set_xalign (self->count_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "heading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->count_label));

  self->table = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_column_view_set_show_row_separators (self->table, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->table), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("People in this segment"), -1);
  add_column (self, _("Email"), "email", FALSE, TRUE);
  add_column (self, _("Name"), "name", FALSE, TRUE);
  add_column (self, _("Orders"), "orders", TRUE, FALSE);
  add_column (self, _("Total Spend"), "spend", TRUE, FALSE);
  add_column (self, _("Last Order"), "last-order", FALSE, FALSE);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->items)),
                                    g_object_ref (gtk_column_view_get_sorter (self->table)));
  selection = gtk_no_selection_new (G_LIST_MODEL (sorted));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->table));
  gtk_widget_add_css_class (scrolled, "card");
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  self->table_stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->table_stack, spinner, "loading");
  gtk_stack_add_named (self->table_stack, scrolled, "table");
  gtk_widget_set_vexpand (GTK_WIDGET (self->table_stack), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->table_stack));

  gtk_box_append (GTK_BOX (toolbar), box);
  return toolbar;
}

/**
 * cst_segment_dialog_new:
 * @project_path: the project the segmentation is stored in
 * @segmentation: the shown run
 * @segment: which of its segments
 *
 * Opens the segment's detail window; its people load in a worker thread.
 */
CstSegmentDialog *
cst_segment_dialog_new (GtkWindow             *parent,
                        const char            *project_path,
                        const CstSegmentation *segmentation,
                        guint                  segment)
{
  CstSegmentDialog *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (segmentation != NULL && segment < segmentation->k, NULL);

  self = g_object_new (CST_TYPE_SEGMENT_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "default-width", 900,
                       "default-height", 820,
                       "title", segmentation->segment_names[segment],
                       NULL);
  self->project_path = g_strdup (project_path);
  self->segment_name = g_strdup (segmentation->segment_names[segment]);
  self->run_id = segmentation->run_id;
  self->segment = segment;
  adw_window_set_content (ADW_WINDOW (self), build_content (self, segmentation, segment));

  task = g_task_new (self, self->cancellable, load_done_cb, NULL);
  g_task_set_source_tag (task, cst_segment_dialog_new);
  g_task_run_in_thread (task, load_thread);
  return self;
}

guint
cst_segment_dialog_get_n_members (CstSegmentDialog *self)
{
  g_return_val_if_fail (CST_IS_SEGMENT_DIALOG (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

gboolean
cst_segment_dialog_is_loading (CstSegmentDialog *self)
{
  g_return_val_if_fail (CST_IS_SEGMENT_DIALOG (self), FALSE);

  return self->members == NULL;
}

/* Writes the members to @path as CSV; see cst_members_write_csv(). */
gboolean
cst_segment_dialog_export (CstSegmentDialog  *self,
                           const char        *path,
                           GError           **error)
{
  g_return_val_if_fail (CST_IS_SEGMENT_DIALOG (self), FALSE);
  g_return_val_if_fail (self->members != NULL, FALSE);

  return cst_members_write_csv (self->members, path, error);
}
