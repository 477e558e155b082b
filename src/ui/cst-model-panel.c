/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-model-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cst-model-panel.h"
#include "features/cst-features.h"

/* The model configuration panel: what to find (groups or classic RFM), how many segments
 * (automatic or 2–12), which behaviour to compare, grouped as marketers think of it, and the
 * advanced knobs tucked away. It only edits CstSegmentationOptions; the segments page runs. */
struct _CstModelPanel
{
  GtkWidget            parent_instance;

  GHashTable          *switches;        /* feature name → GtkSwitch */
  AdwExpanderRow      *group_rows[CST_FEATURE_N_GROUPS];

  AdwPreferencesPage  *page;
  AdwComboRow         *goal_row;
  AdwComboRow         *k_row;
  AdwPreferencesGroup *features_group;
  AdwExpanderRow      *advanced_row;
  GtkSwitch           *log_switch;
  GtkSwitch           *winsorize_switch;
  GtkSwitch           *float32_switch;
  GtkSpinButton       *seed_spin;
  GtkSpinButton       *sample_spin;
  GtkButton           *run_button;
};

G_DEFINE_FINAL_TYPE (CstModelPanel, cst_model_panel, GTK_TYPE_WIDGET)

static AdwExpanderRow *
ensure_group_row (CstModelPanel  *self,
                  CstFeatureGroup group)
{
  if (self->group_rows[group] == NULL)
    {
      GtkWidget *row = adw_expander_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cst_feature_group_label (group));
      adw_preferences_group_add (self->features_group, row);
      self->group_rows[group] = ADW_EXPANDER_ROW (row);
    }
  return self->group_rows[group];
}

static void
add_feature_row (CstModelPanel *self,
                 const char    *name)
{
  const CstFeatureInfo *info = cst_feature_info_lookup (name);
  g_autofree char *label = cst_feature_dup_label (name);
  g_autofree char *description = cst_feature_dup_description (name);
  GtkWidget *row;
  GtkWidget *toggle;

  if (info == NULL || g_hash_table_contains (self->switches, name))
    return;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), description);
  toggle = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (toggle), info->default_on);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_expander_row_add_row (ensure_group_row (self, info->group), row);
  g_hash_table_insert (self->switches, g_strdup (name), toggle);
}

static void
goal_changed_cb (CstModelPanel *self)
{
  gboolean discover = adw_combo_row_get_selected (self->goal_row) == 0;

  /* RFM has its own three measures and its own groups. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->k_row), discover);
  gtk_widget_set_sensitive (GTK_WIDGET (self->features_group), discover);
}

static void
cst_model_panel_dispose (GObject *object)
{
  CstModelPanel *self = CST_MODEL_PANEL (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_MODEL_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->switches, g_hash_table_unref);

  G_OBJECT_CLASS (cst_model_panel_parent_class)->dispose (object);
}

static void
cst_model_panel_class_init (CstModelPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_model_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/constellate/Constellate/cst-model-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, page);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, goal_row);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, k_row);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, features_group);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, log_switch);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, winsorize_switch);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, float32_switch);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, sample_spin);
  gtk_widget_class_bind_template_child (widget_class, CstModelPanel, run_button);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "modelpanel");
}

static void
cst_model_panel_init (CstModelPanel *self)
{
  g_autoptr(GtkStringList) k_choices = gtk_string_list_new (NULL);
  guint n_info;
  const CstFeatureInfo *info = cst_feature_info_get_all (&n_info);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->switches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_string_list_append (k_choices, _("Automatic"));
  for (guint k = 2; k <= 12; k++)
    {
      g_autofree char *text = g_strdup_printf ("%u", k);

      gtk_string_list_append (k_choices, text);
    }
  adw_combo_row_set_model (self->k_row, G_LIST_MODEL (k_choices));

  /* Every feature Constellate knows, except the channel template: channels come from data. */
  for (guint i = 0; i < n_info; i++)
    if (info[i].group != CST_FEATURE_GROUP_CHANNEL)
      add_feature_row (self, info[i].name);

  g_signal_connect_object (self->goal_row, "notify::selected", G_CALLBACK (goal_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * cst_model_panel_get_options:
 * @options: (out caller-allocates): filled from the panel; clear with
 *   cst_segmentation_options_clear()
 */
void
cst_model_panel_get_options (CstModelPanel          *self,
                             CstSegmentationOptions *options)
{
  g_autoptr(GStrvBuilder) disabled = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer name, toggle;
  guint k;

  g_return_if_fail (CST_IS_MODEL_PANEL (self));

  cst_segmentation_options_init (options);
  options->method = adw_combo_row_get_selected (self->goal_row) == 1 ? CST_SEGMENTATION_RFM
                                                                     : CST_SEGMENTATION_DISCOVER;
  k = adw_combo_row_get_selected (self->k_row);
  options->k = k == 0 || k == GTK_INVALID_LIST_POSITION ? 0 : k + 1;
  options->seed = gtk_spin_button_get_value_as_int (self->seed_spin);
  options->sample_size = gtk_spin_button_get_value_as_int (self->sample_spin);
  options->log_scale = gtk_switch_get_active (self->log_switch);
  options->winsorize = gtk_switch_get_active (self->winsorize_switch);
  options->float32 = gtk_switch_get_active (self->float32_switch);

  g_hash_table_iter_init (&iter, self->switches);
  while (g_hash_table_iter_next (&iter, &name, &toggle))
    if (!gtk_switch_get_active (toggle))
      g_strv_builder_add (disabled, name);
  options->disabled_features = g_strv_builder_end (disabled);
  if (options->disabled_features[0] == NULL)
    g_clear_pointer (&options->disabled_features, g_strfreev);
}

/* Shows the options of a stored run, so the panel always says how the segments on screen were
 * made. */
void
cst_model_panel_set_options (CstModelPanel                *self,
                             const CstSegmentationOptions *options)
{
  GHashTableIter iter;
  gpointer name, toggle;

  g_return_if_fail (CST_IS_MODEL_PANEL (self));

  adw_combo_row_set_selected (self->goal_row, options->method == CST_SEGMENTATION_RFM ? 1 : 0);
  adw_combo_row_set_selected (self->k_row, options->k >= 2 && options->k <= 12 ? options->k - 1 : 0);
  gtk_spin_button_set_value (self->seed_spin, options->seed);
  gtk_spin_button_set_value (self->sample_spin, options->sample_size);
  gtk_switch_set_active (self->log_switch, options->log_scale);
  gtk_switch_set_active (self->winsorize_switch, options->winsorize);
  gtk_switch_set_active (self->float32_switch, options->float32);

  for (guint i = 0; options->disabled_features != NULL && options->disabled_features[i] != NULL; i++)
    add_feature_row (self, options->disabled_features[i]);

  g_hash_table_iter_init (&iter, self->switches);
  while (g_hash_table_iter_next (&iter, &name, &toggle))
    gtk_switch_set_active (toggle, options->disabled_features == NULL ||
                                   !g_strv_contains ((const char * const *) options->disabled_features, name));
  goal_changed_cb (self);
}

/* Adds rows for the data's own features (the sales channels found in the orders). */
void
cst_model_panel_set_features (CstModelPanel      *self,
                              const char * const *feature_names)
{
  g_return_if_fail (CST_IS_MODEL_PANEL (self));

  for (guint i = 0; feature_names != NULL && feature_names[i] != NULL; i++)
    add_feature_row (self, feature_names[i]);
}
