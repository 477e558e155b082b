/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-import-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-import-wizard.h"

/* The import wizard: one page per file that shows how Constellate reads it — what the file
 * holds, how it is written (encoding, separator, header, decimal separator), its first rows,
 * and what each column means — and lets the user correct any of it before anything is
 * imported. The files are read (at most their first 256 KiB) in a worker thread; changing a
 * setting re-reads that sample, which is bounded and fast, on the main thread. */

#define PREVIEW_ROWS  8
#define PREVIEW_CHARS 24  /* longest cell shown whole in the preview */

static const struct { const char *name; const char *label; } encodings[] = {
  { "UTF-8", N_("UTF-8") },
  { "UTF-16LE", N_("UTF-16 (little-endian)") },
  { "UTF-16BE", N_("UTF-16 (big-endian)") },
  { "WINDOWS-1252", N_("Windows-1252 (Western)") },
  { "ISO-8859-1", N_("ISO-8859-1 (Western)") },
};

static const struct { char delimiter; const char *label; } delimiters[] = {
  { ',', N_("Comma") },
  { ';', N_("Semicolon") },
  { '\t', N_("Tab") },
  { '|', N_("Vertical bar") },
};

static const struct { CstFileKind kind; const char *label; } kinds[] = {
  { CST_FILE_KIND_CONTACTS, N_("Contacts") },
  { CST_FILE_KIND_TRANSACTIONS, N_("Orders") },
  { CST_FILE_KIND_ENGAGEMENT, N_("Email engagement") },
  { CST_FILE_KIND_EVENTS, N_("Website or app events") },
};

struct _CstImportWizard
{
  AdwWindow      parent_instance;

  GPtrArray     *plans;          /* CstImportPlan, in the order of the files */
  GPtrArray     *files;          /* GFile */
  GCancellable  *cancellable;
  guint          current;
  gboolean       reading;
  gboolean       updating;       /* filling widgets from a plan: ignore their signals */
  gboolean       page_queued;

  AdwWindowTitle *title;
  GtkButton     *back_button;
  GtkButton     *next_button;
  GtkStack      *stack;
  GtkWidget     *page_box;       /* the current file's page, rebuilt per file */
  GtkScrolledWindow *scrolled;
  GtkLabel      *error_label;
};

enum {
  IMPORT,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CstImportWizard, cst_import_wizard, ADW_TYPE_WINDOW)

static guint signals[N_SIGNALS];

static void show_page (CstImportWizard *self);

static gboolean
show_page_idle_cb (gpointer data)
{
  CstImportWizard *self = data;

  self->page_queued = FALSE;
  if (self->plans != NULL && self->plans->len > 0)
    show_page (self);
  return G_SOURCE_REMOVE;
}

/* Rebuilding the page from inside a row's own signal would destroy the row while it emits:
 * rebuild once the main loop is back. */
static void
queue_show_page (CstImportWizard *self)
{
  if (self->page_queued)
    return;
  self->page_queued = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT, show_page_idle_cb, g_object_ref (self), g_object_unref);
}

static CstImportPlan *
current_plan (CstImportWizard *self)
{
  return g_ptr_array_index (self->plans, self->current);
}

static void
update_validation (CstImportWizard *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = cst_import_plan_validate (current_plan (self), &error);
  g_autofree char *notice = ok ? cst_import_plan_dup_notice (current_plan (self)) : NULL;

  /* A problem in red, blocking the import; a notice in grey, not blocking it. */
  gtk_label_set_label (self->error_label, !ok ? error->message : notice != NULL ? notice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), !ok || notice != NULL);
  if (ok)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->error_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), ok);
}

/* A settings row changed: read the sample again with the user's choice. */
static void
reread (CstImportWizard       *self,
        const CstSniffOptions *forced)
{
  g_autoptr(GError) error = NULL;

  if (!cst_import_plan_reread (current_plan (self), forced, &error))
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  queue_show_page (self);
}

static CstSniffOptions
current_options (CstImportWizard *self)
{
  CstImportPlan *plan = current_plan (self);
  CstSniffOptions options = {
    .encoding = plan->encoding,
    .delimiter = plan->delimiter,
    .has_header = plan->has_header ? 1 : 0,
    .decimal = plan->decimal,
  };

  return options;
}

static void
encoding_changed_cb (AdwComboRow     *row,
                     GParamSpec      *pspec,
                     CstImportWizard *self)
{
  guint i = adw_combo_row_get_selected (row);
  CstSniffOptions options;

  if (self->updating || i >= G_N_ELEMENTS (encodings))
    return;
  options = current_options (self);
  options.encoding = encodings[i].name;
  reread (self, &options);
}

static void
delimiter_changed_cb (AdwComboRow     *row,
                      GParamSpec      *pspec,
                      CstImportWizard *self)
{
  guint i = adw_combo_row_get_selected (row);
  CstSniffOptions options;

  if (self->updating || i >= G_N_ELEMENTS (delimiters))
    return;
  options = current_options (self);
  options.delimiter = delimiters[i].delimiter;
  reread (self, &options);
}

static void
decimal_changed_cb (AdwComboRow     *row,
                    GParamSpec      *pspec,
                    CstImportWizard *self)
{
  CstSniffOptions options;

  if (self->updating)
    return;
  options = current_options (self);
  options.decimal = adw_combo_row_get_selected (row) == 1 ? ',' : '.';
  reread (self, &options);
}

static void
header_changed_cb (GtkSwitch       *toggle,
                   GParamSpec      *pspec,
                   CstImportWizard *self)
{
  CstSniffOptions options;

  if (self->updating)
    return;
  options = current_options (self);
  options.has_header = gtk_switch_get_active (toggle) ? 1 : 0;
  reread (self, &options);
}

static void
kind_changed_cb (AdwComboRow     *row,
                 GParamSpec      *pspec,
                 CstImportWizard *self)
{
  guint i = adw_combo_row_get_selected (row);

  if (self->updating || i >= G_N_ELEMENTS (kinds))
    return;
  cst_import_plan_set_kind (current_plan (self), kinds[i].kind);
  update_validation (self);
}

static void
role_changed_cb (AdwComboRow     *row,
                 GParamSpec      *pspec,
                 CstImportWizard *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "column"));
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating || selected == GTK_INVALID_LIST_POSITION)
    return;
  cst_import_plan_set_role (current_plan (self), column, (CstRole) selected);
  /* A role lives on one column only: the page shows where it moved from. */
  queue_show_page (self);
}

static void
date_format_changed_cb (AdwComboRow     *row,
                        GParamSpec      *pspec,
                        CstImportWizard *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "column"));

  if (self->updating)
    return;
  cst_import_plan_set_date_format (current_plan (self), column,
                                   adw_combo_row_get_selected (row) == 1 ? CST_DATE_FORMAT_MDY : CST_DATE_FORMAT_DMY);
}

typedef struct
{
  CstImportPlan *plan;   /* a copy, switched in the worker */
  guint          index;  /* its place among the wizard's plans */
  int            sheet;
} SheetData;

static void
sheet_data_free (gpointer data)
{
  SheetData *sd = data;

  cst_import_plan_free (sd->plan);
  g_free (sd);
}

static void
sheet_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SheetData *sd = task_data;
  GError *error = NULL;

  if (!cst_import_plan_set_sheet (sd->plan, sd->sheet, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
sheet_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CstImportWizard *self = CST_IMPORT_WIZARD (source);
  SheetData *sd = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->reading = FALSE;
  gtk_widget_set_sensitive (self->page_box, TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (self->error_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
        }
      return;
    }
  if (self->plans == NULL || sd->index >= self->plans->len)
    return;
  {
    CstImportPlan *old = g_ptr_array_index (self->plans, sd->index);

    g_ptr_array_index (self->plans, sd->index) = g_steal_pointer (&sd->plan);
    cst_import_plan_free (old);
  }
  queue_show_page (self);
}

/* Another sheet of a workbook: converted in a worker, since a sheet can be large. */
static void
sheet_changed_cb (AdwComboRow     *row,
                  GParamSpec      *pspec,
                  CstImportWizard *self)
{
  g_autoptr(GTask) task = NULL;
  SheetData *sd;

  if (self->updating || self->reading)
    return;
  sd = g_new0 (SheetData, 1);
  sd->plan = cst_import_plan_copy (current_plan (self));
  sd->index = self->current;
  sd->sheet = (int) adw_combo_row_get_selected (row);
  self->reading = TRUE;
  gtk_widget_set_sensitive (self->page_box, FALSE);
  task = g_task_new (self, self->cancellable, sheet_done_cb, NULL);
  g_task_set_source_tag (task, sheet_changed_cb);
  g_task_set_task_data (task, sd, sheet_data_free);
  g_task_run_in_thread (task, sheet_thread);
}

static GtkWidget *
combo_row (const char  *title,
           const char  *subtitle,
           const char **items,
           guint        n_items,
           guint        selected)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();

  for (guint i = 0; i < n_items; i++)
    gtk_string_list_append (model, items[i]);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  return row;
}

static GtkWidget *
build_settings (CstImportWizard *self,
                CstImportPlan   *plan)
{
  GtkWidget *group = adw_preferences_group_new ();
  gboolean workbook = plan->sheet_names != NULL;
  const char *labels[8];
  guint selected = 0;
  GtkWidget *row;
  GtkWidget *toggle;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("How the File Is Written"));

  if (plan->sheet_names != NULL && g_strv_length (plan->sheet_names) > 1)
    {
      row = combo_row (_("Sheet"), _("The workbook has more than one sheet: choose the one to import"),
                       (const char **) plan->sheet_names, g_strv_length (plan->sheet_names),
                       plan->sheet >= 0 ? (guint) plan->sheet : 0);
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (sheet_changed_cb), self, 0);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  for (guint i = 0; i < G_N_ELEMENTS (encodings); i++)
    {
      labels[i] = _(encodings[i].label);
      if (g_ascii_strcasecmp (plan->encoding, encodings[i].name) == 0)
        selected = i;
    }
  row = combo_row (_("Encoding"), NULL, labels, G_N_ELEMENTS (encodings), selected);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (encoding_changed_cb), self, 0);
  /* A workbook's cells come out as UTF-8 text, comma-separated, with a decimal point: only the
   * sheet and the header row are the user's to choose. */
  gtk_widget_set_visible (row, !workbook);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  selected = 0;
  for (guint i = 0; i < G_N_ELEMENTS (delimiters); i++)
    {
      labels[i] = _(delimiters[i].label);
      if (plan->delimiter == delimiters[i].delimiter)
        selected = i;
    }
  row = combo_row (_("Values separated by"), NULL, labels, G_N_ELEMENTS (delimiters), selected);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (delimiter_changed_cb), self, 0);
  gtk_widget_set_visible (row, !workbook);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("First row holds the column names"));
  toggle = gtk_switch_new ();
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), plan->has_header);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("First row holds the column names"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (header_changed_cb), self, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  labels[0] = _("Point (1,234.56)");
  labels[1] = _("Comma (1.234,56)");
  row = combo_row (_("Decimal separator"), NULL, labels, 2, plan->decimal == ',' ? 1 : 0);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (decimal_changed_cb), self, 0);
  gtk_widget_set_visible (row, !workbook);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  return group;
}

/* A cell of the preview: its whole text up to PREVIEW_CHARS characters, then an ellipsis. An
 * ellipsizing label would otherwise shrink to the ellipsis alone, and a wide file would show
 * nothing but dots instead of scrolling sideways. */
static void
preview_label_setup (GtkLabel   *label,
                     const char *text)
{
  gtk_label_set_xalign (label, 0);
  gtk_label_set_width_chars (label, (int) MIN (g_utf8_strlen (text, -1), PREVIEW_CHARS));
  gtk_label_set_max_width_chars (label, PREVIEW_CHARS);
  gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
}

/* The first rows as the file will be read, so a wrong separator or encoding shows at once. */
static GtkWidget *
build_preview (CstImportPlan *plan)
{
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *grid = gtk_grid_new ();
  guint n_rows = plan->sniff != NULL && plan->sniff->rows != NULL ? MIN (plan->sniff->rows->len, PREVIEW_ROWS) : 0;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 8);
  gtk_widget_set_margin_bottom (grid, 8);

  for (guint c = 0; c < plan->n_columns; c++)
    {
      GtkWidget *label = gtk_label_new (plan->column_names[c]);

      gtk_widget_add_css_class (label, "heading");
      preview_label_setup (GTK_LABEL (label), plan->column_names[c]);
      gtk_grid_attach (GTK_GRID (grid), label, c, 0, 1, 1);
    }
  for (guint r = 0; r < n_rows; r++)
    {
      char **fields = g_ptr_array_index (plan->sniff->rows, r);

      for (guint c = 0; c < plan->n_columns && fields[c] != NULL; c++)
        {
          GtkWidget *label = gtk_label_new (fields[c]);

          preview_label_setup (GTK_LABEL (label), fields[c]);
          gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
          gtk_grid_attach (GTK_GRID (grid), label, c, r + 1, 1, 1);
        }
    }

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), grid);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_frame_set_child (GTK_FRAME (frame), scrolled);
  gtk_widget_add_css_class (frame, "view");
  gtk_accessible_update_property (GTK_ACCESSIBLE (frame), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The first rows of the file"), -1);
  return frame;
}

static GtkWidget *
build_columns (CstImportWizard *self,
               CstImportPlan   *plan)
{
  GtkWidget *group = adw_preferences_group_new ();
  const char *role_labels[CST_N_ROLES];

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("What Each Column Means"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Columns that are not used are still kept in the project as they came."));

  role_labels[CST_ROLE_NONE] = _("Not used");
  for (guint r = 1; r < CST_N_ROLES; r++)
    role_labels[r] = cst_role_get_label (r);

  for (guint c = 0; c < plan->n_columns; c++)
    {
      const CstColumnInference *info = plan->inference != NULL && c < plan->inference->n_columns
                                       ? &plan->inference->columns[c] : NULL;
      g_autoptr(GString) subtitle = g_string_new (NULL);
      GtkWidget *row;

      if (info != NULL && info->samples != NULL && info->samples[0] != NULL)
        {
          g_autofree char *samples = g_strjoinv (", ", info->samples);

          /* Translators: followed by a few values of the column */
          g_string_append_printf (subtitle, _("e.g. %s"), samples);
        }
      for (guint w = 0; info != NULL && info->warnings != NULL && info->warnings[w] != NULL; w++)
        g_string_append_printf (subtitle, "%s⚠ %s", subtitle->len > 0 ? "\n" : "", info->warnings[w]);

      row = combo_row (plan->column_names[c], subtitle->str, role_labels, CST_N_ROLES, plan->roles[c]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      g_object_set_data (G_OBJECT (row), "column", GUINT_TO_POINTER (c));
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (role_changed_cb), self, 0);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

      /* Dates that read either way are asked, never guessed silently. */
      if (plan->sniff != NULL && c < plan->sniff->n_columns && plan->sniff->columns[c].date_ambiguous &&
          plan->roles[c] != CST_ROLE_NONE)
        {
          const char *formats[] = { _("Day/month/year (31/12/2025)"), _("Month/day/year (12/31/2025)") };
          g_autofree char *title = g_strdup_printf (_("Dates in “%s”"), plan->column_names[c]);
          GtkWidget *date_row = combo_row (title, _("Both readings fit these dates: which one is right?"),
                                           formats, 2, plan->date_formats[c] == CST_DATE_FORMAT_MDY ? 1 : 0);

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (date_row), FALSE);
          g_object_set_data (G_OBJECT (date_row), "column", GUINT_TO_POINTER (c));
          g_signal_connect_object (date_row, "notify::selected", G_CALLBACK (date_format_changed_cb), self, 0);
          gtk_widget_add_css_class (date_row, "warning");
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), date_row);
        }
    }
  return group;
}

static void
show_page (CstImportWizard *self)
{
  CstImportPlan *plan = current_plan (self);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  GtkWidget *kind_group = adw_preferences_group_new ();
  GtkWidget *kind_row;
  const char *kind_labels[G_N_ELEMENTS (kinds)];
  guint kind_selected = 0;
  g_autofree char *subtitle = NULL;
  GtkWidget *clamp = adw_clamp_new ();
  double scroll = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (self->scrolled));

  self->updating = TRUE;

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  if (plan->inference != NULL && plan->inference->detected_export != NULL)
    {
      GtkWidget *detected = gtk_label_new (plan->inference->detected_export);

      gtk_label_set_wrap (GTK_LABEL (detected), TRUE);
      gtk_label_set_xalign (GTK_LABEL (detected), 0);
      gtk_widget_add_css_class (detected, "detected-export");
      gtk_box_append (GTK_BOX (box), detected);
    }

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (kind_group), _("What Is in This File?"));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      kind_labels[i] = _(kinds[i].label);
      if (plan->kind == kinds[i].kind)
        kind_selected = i;
    }
  kind_row = combo_row (_("This file holds"),
                        _("Contacts: people and how to reach them. Orders: what people bought, when, for how "
                          "much. Email engagement: emails sent, opened, clicked."),
                        kind_labels, G_N_ELEMENTS (kinds), kind_selected);
  g_signal_connect_object (kind_row, "notify::selected", G_CALLBACK (kind_changed_cb), self, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (kind_group), kind_row);
  gtk_box_append (GTK_BOX (box), kind_group);

  gtk_box_append (GTK_BOX (box), build_settings (self, plan));
  gtk_box_append (GTK_BOX (box), build_preview (plan));
  gtk_box_append (GTK_BOX (box), build_columns (self, plan));

  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (self->scrolled, clamp);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), scroll);

  /* Translators: "File 1 of 3" */
  subtitle = g_strdup_printf (_("File %u of %u"), self->current + 1, self->plans->len);
  adw_window_title_set_title (self->title, plan->display_name);
  adw_window_title_set_subtitle (self->title, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->current > 0);
  gtk_button_set_label (self->next_button, self->current + 1 < self->plans->len ? _("_Next") : _("_Import"));
  gtk_button_set_use_underline (self->next_button, TRUE);

  self->updating = FALSE;
  update_validation (self);
}

static void
back_clicked_cb (CstImportWizard *self)
{
  if (self->current > 0)
    {
      self->current--;
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0);
      show_page (self);
    }
}

static void
next_clicked_cb (CstImportWizard *self)
{
  if (self->current + 1 < self->plans->len)
    {
      self->current++;
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0);
      show_page (self);
      return;
    }
  g_signal_emit (self, signals[IMPORT], 0);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GPtrArray *files = task_data;
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_import_plan_free);

  for (guint i = 0; i < files->len; i++)
    {
      GError *error = NULL;
      g_autofree char *path = g_file_get_path (g_ptr_array_index (files, i));
      CstImportPlan *plan = cst_import_plan_new (path, cancellable, &error);

      if (plan == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (plans, plan);
    }
  cst_import_plans_link_orders (plans);
  g_task_return_pointer (task, g_steal_pointer (&plans), (GDestroyNotify) g_ptr_array_unref);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CstImportWizard *self = CST_IMPORT_WIZARD (source);
  g_autoptr(GError) error = NULL;
  GPtrArray *plans = g_task_propagate_pointer (G_TASK (result), &error);

  self->reading = FALSE;
  if (plans == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          AdwStatusPage *status = ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack, "error"));

          adw_status_page_set_description (status, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      return;
    }

  g_clear_pointer (&self->plans, g_ptr_array_unref);
  self->plans = plans;
  self->current = 0;
  gtk_stack_set_visible_child_name (self->stack, "file");
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), TRUE);
  show_page (self);
}

static void
cst_import_wizard_dispose (GObject *object)
{
  CstImportWizard *self = CST_IMPORT_WIZARD (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->plans, g_ptr_array_unref);
  g_clear_pointer (&self->files, g_ptr_array_unref);

  G_OBJECT_CLASS (cst_import_wizard_parent_class)->dispose (object);
}

static void
cst_import_wizard_class_init (CstImportWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_import_wizard_dispose;

  /**
   * CstImportWizard::import:
   *
   * The user checked every file and pressed Import; the plans are ready
   * (cst_import_wizard_get_plan()).
   */
  signals[IMPORT] = g_signal_new ("import", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cst_import_wizard_init (CstImportWizard *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *reading = adw_status_page_new ();
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *error_page = adw_status_page_new ();
  GtkWidget *file_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

  self->cancellable = g_cancellable_new ();
  self->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_import_plan_free);

  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("Import Data"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);

  self->back_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Back")));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), FALSE);
  g_signal_connect_object (self->back_button, "clicked", G_CALLBACK (back_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), GTK_WIDGET (self->back_button));

  self->next_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Import")));
  gtk_widget_add_css_class (GTK_WIDGET (self->next_button), "suggested-action");
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), FALSE);
  g_signal_connect_object (self->next_button, "clicked", G_CALLBACK (next_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->next_button));
  gtk_box_append (GTK_BOX (toolbar), header);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);

  adw_status_page_set_title (ADW_STATUS_PAGE (reading), _("Reading the Files…"));
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 32, 32);
  adw_status_page_set_child (ADW_STATUS_PAGE (reading), spinner);
  gtk_stack_add_named (self->stack, reading, "reading");

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (error_page), "dialog-warning-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (error_page), _("This File Cannot Be Read"));
  gtk_stack_add_named (self->stack, error_page, "error");

  self->scrolled = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  gtk_scrolled_window_set_policy (self->scrolled, GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (GTK_WIDGET (self->scrolled), TRUE);
  gtk_box_append (GTK_BOX (file_box), GTK_WIDGET (self->scrolled));
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_margin_start (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->error_label), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->error_label), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (file_box), GTK_WIDGET (self->error_label));
  gtk_stack_add_named (self->stack, file_box, "file");

  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), toolbar);
}

/**
 * cst_import_wizard_new:
 * @files: (array length=n_files): the files to import
 *
 * Opens the wizard and starts reading the files in a worker thread.
 */
CstImportWizard *
cst_import_wizard_new (GtkWindow  *parent,
                       GFile     **files,
                       guint       n_files)
{
  CstImportWizard *self;
  g_autoptr(GTask) task = NULL;
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (n_files > 0, NULL);

  self = g_object_new (CST_TYPE_IMPORT_WIZARD,
                       "transient-for", parent,
                       "modal", TRUE,
                       "default-width", 820,
                       "default-height", 760,
                       "title", _("Import Data"),
                       NULL);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (copy, g_object_ref (files[i]));
  self->files = g_ptr_array_ref (copy);
  self->reading = TRUE;

  task = g_task_new (self, self->cancellable, read_done_cb, NULL);
  g_task_set_source_tag (task, cst_import_wizard_new);
  g_task_set_task_data (task, copy, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, read_thread);
  return self;
}

gboolean
cst_import_wizard_is_reading (CstImportWizard *self)
{
  g_return_val_if_fail (CST_IS_IMPORT_WIZARD (self), FALSE);

  return self->reading;
}

guint
cst_import_wizard_get_n_plans (CstImportWizard *self)
{
  g_return_val_if_fail (CST_IS_IMPORT_WIZARD (self), 0);

  return self->plans->len;
}

/* Returns: (transfer none): the plan of file @index, as the user left it */
CstImportPlan *
cst_import_wizard_get_plan (CstImportWizard *self,
                            guint            index)
{
  g_return_val_if_fail (CST_IS_IMPORT_WIZARD (self), NULL);
  g_return_val_if_fail (index < self->plans->len, NULL);

  return g_ptr_array_index (self->plans, index);
}

/* Shows the current file's page again after its plan was changed from outside. */
void
cst_import_wizard_refresh (CstImportWizard *self)
{
  g_return_if_fail (CST_IS_IMPORT_WIZARD (self));

  if (self->plans->len > 0)
    show_page (self);
}
