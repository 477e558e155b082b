/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-segments-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "cst-chart-map.h"
#include "cst-chart-sizes.h"
#include "cst-segments-page.h"
#include "features/cst-features.h"

struct _CstSegmentsPage
{
  GtkWidget        parent_instance;

  CstSegmentation *segmentation;
  gboolean         busy;

  GtkStack        *stack;
  AdwStatusPage   *empty_page;
  GtkLabel        *title_label;
  GtkLabel        *summary_label;
  GtkSpinButton   *k_spin;
  GtkButton       *run_button;
  CstChartView    *map_view;
  CstChartView    *sizes_view;
  GtkFlowBox      *cards_box;
};

enum {
  RUN,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CstSegmentsPage, cst_segments_page, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

static char *
color_to_hex (const CstColor *color)
{
  return g_strdup_printf ("#%02x%02x%02x",
                          (int) round (color->red * 255), (int) round (color->green * 255),
                          (int) round (color->blue * 255));
}

static void
init_style (CstChartStyle *style)
{
  if (adw_style_manager_get_dark (adw_style_manager_get_default ()))
    cst_chart_style_init_dark (style);
  else
    cst_chart_style_init_light (style);
}

/* One card per segment: its size and how its people behave, next to everyone's average. */
static GtkWidget *
create_card (CstSegmentsPage     *self,
             guint                segment,
             const CstChartStyle *style)
{
  const CstSegmentation *seg = self->segmentation;
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *swatch = gtk_label_new (NULL);
  GtkWidget *name = gtk_label_new (seg->segment_names[segment]);
  GtkWidget *size = NULL;
  GtkWidget *grid = gtk_grid_new ();
  g_autofree char *hex = color_to_hex (cst_chart_style_segment (style, segment));
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\">●</span>", hex);
  g_autofree char *count = g_strdup_printf ("%'zu", seg->sizes[segment]);
  g_autofree char *size_text = NULL;
  g_autofree char *description = NULL;
  guint row = 0;

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "segment-card");

  gtk_label_set_markup (GTK_LABEL (swatch), markup);
  gtk_widget_add_css_class (swatch, "segment-swatch");
  gtk_accessible_update_state (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (header), swatch);
  gtk_box_append (GTK_BOX (header), name);
  gtk_box_append (GTK_BOX (card), header);

  size_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s person · %.1f %%", "%s people · %.1f %%",
                                            seg->sizes[segment]),
                               count, 100.0 * seg->sizes[segment] / MAX (seg->n_people, 1));
  size = gtk_label_new (size_text);
  gtk_label_set_xalign (GTK_LABEL (size), 0);
  gtk_widget_add_css_class (size, "dim-label");
  gtk_box_append (GTK_BOX (card), size);

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_widget_set_margin_top (grid, 6);
  for (guint f = 0; f < seg->n_features; f++)
    {
      const CstFeatureInfo *info = cst_feature_info_lookup (seg->feature_names[f]);
      double mean = seg->means[(gsize) segment * seg->n_features + f];
      double overall = seg->overall_means[f];
      g_autofree char *value = NULL;
      g_autofree char *average = NULL;
      g_autofree char *average_text = NULL;
      GtkWidget *label, *value_label, *average_label;

      if (info == NULL)
        continue;

      value = cst_feature_format_value (info, mean);
      average = cst_feature_format_value (info, overall);
      /* Translators: the average of all segmented customers, shown beside a segment's value */
      average_text = g_strdup_printf (_("avg. %s"), average);

      label = gtk_label_new (_(info->label));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_tooltip_text (label, _(info->description));
      value_label = gtk_label_new (value);
      gtk_label_set_xalign (GTK_LABEL (value_label), 1);
      gtk_widget_add_css_class (value_label, "numeric");
      average_label = gtk_label_new (average_text);
      gtk_label_set_xalign (GTK_LABEL (average_label), 1);
      gtk_widget_add_css_class (average_label, "dim-label");
      gtk_widget_add_css_class (average_label, "caption");
      gtk_widget_add_css_class (average_label, "numeric");

      /* Mark the values that stand out: 25 % above or below the average. */
      if (fabs (overall) > 1e-9 && fabs (mean / overall - 1.0) >= 0.25)
        gtk_widget_add_css_class (value_label, mean > overall ? "segment-high" : "segment-low");

      gtk_grid_attach (GTK_GRID (grid), label, 0, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value_label, 1, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), average_label, 2, row, 1, 1);
      row++;
    }
  gtk_box_append (GTK_BOX (card), grid);

  description = g_strdup_printf ("%s, %s", seg->segment_names[segment], size_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  return card;
}

static void
rebuild (CstSegmentsPage *self)
{
  const CstSegmentation *seg = self->segmentation;
  CstChartStyle style;
  GtkWidget *child;
  g_autofree char *title = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *people = NULL;
  g_autofree char *skipped = NULL;
  g_autofree char *skipped_text = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box))) != NULL)
    gtk_flow_box_remove (self->cards_box, child);

  if (seg == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  people = g_strdup_printf ("%'zu", seg->n_people);
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Customer in %u Segments",
                                        "%s Customers in %u Segments", seg->n_people),
                           people, seg->k);
  gtk_label_set_label (self->title_label, title);

  skipped = g_strdup_printf ("%'zu", seg->n_skipped);
  if (seg->n_skipped > 0)
    skipped_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%s contact without any order is not included.",
                                                 "%s contacts without any order are not included.",
                                                 seg->n_skipped),
                                    skipped);
  summary = g_strdup_printf (_("Grouped by recency, frequency, spend, timing, discounts and email engagement. "
                               "%s The map shows %.0f %% of the differences between customers."),
                             skipped_text != NULL ? skipped_text : "",
                             100.0 * (seg->explained[0] + seg->explained[1]));
  gtk_label_set_label (self->summary_label, summary);

  {
    g_autoptr(CstMapModel) map = cst_map_model_new (seg->n_people, seg->x, seg->y, seg->labels, seg->k,
                                                    (const char * const *) seg->segment_names);
    g_autoptr(CstSizesModel) sizes = cst_sizes_model_new (seg->k, (const char * const *) seg->segment_names,
                                                          seg->sizes);

    cst_map_model_set_title (map, _("Segment map"));
    cst_map_model_set_axis_names (map, _("Component 1"), _("Component 2"));
    cst_sizes_model_set_title (sizes, _("Segment sizes"));

    cst_chart_view_set_chart (self->map_view, g_steal_pointer (&map), (GDestroyNotify) cst_map_model_free,
                              (CstChartPaintFunc) cst_chart_map_paint,
                              (CstChartHitTestFunc) cst_chart_map_hit_test,
                              (CstChartSelectFunc) cst_map_model_set_selected,
                              (CstChartDescribeFunc) cst_chart_map_describe);
    cst_chart_view_set_chart (self->sizes_view, g_steal_pointer (&sizes), (GDestroyNotify) cst_sizes_model_free,
                              (CstChartPaintFunc) cst_chart_sizes_paint,
                              (CstChartHitTestFunc) cst_chart_sizes_hit_test,
                              (CstChartSelectFunc) cst_sizes_model_set_selected,
                              (CstChartDescribeFunc) cst_chart_sizes_describe);
  }

  init_style (&style);
  for (guint s = 0; s < seg->k; s++)
    gtk_flow_box_append (self->cards_box, create_card (self, s, &style));
  cst_chart_style_clear (&style);

  gtk_spin_button_set_value (self->k_spin, seg->k);
  gtk_stack_set_visible_child_name (self->stack, "segments");
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CstSegmentsPage *self = CST_SEGMENTS_PAGE (widget);

  g_signal_emit (self, signals[RUN], 0, cst_segments_page_get_k (self));
}

static void
dark_changed_cb (CstSegmentsPage *self)
{
  /* The swatches on the cards follow the charts' palette for the current theme. */
  if (self->segmentation != NULL)
    rebuild (self);
}

static void
cst_segments_page_dispose (GObject *object)
{
  CstSegmentsPage *self = CST_SEGMENTS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CST_TYPE_SEGMENTS_PAGE);
  g_clear_pointer (&self->segmentation, cst_segmentation_free);

  G_OBJECT_CLASS (cst_segments_page_parent_class)->dispose (object);
}

static void
cst_segments_page_class_init (CstSegmentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_segments_page_dispose;

  /**
   * CstSegmentsPage::run:
   * @k: the number of segments the user asked for
   *
   * The user wants the segments found again.
   */
  signals[RUN] = g_signal_new ("run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                               G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (CST_TYPE_CHART_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/constellate/Constellate/cst-segments-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, k_spin);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, run_button);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, map_view);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, sizes_view);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, cards_box);

  gtk_widget_class_install_action (widget_class, "segments.run", NULL, run_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cst_segments_page_init (CstSegmentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The map and the bars show the same segments: selecting one selects it in both. */
  g_object_bind_property (self->map_view, "selected", self->sizes_view, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * cst_segments_page_set_segmentation:
 * @segmentation: (transfer full) (nullable): the run to show
 */
void
cst_segments_page_set_segmentation (CstSegmentsPage *self,
                                    CstSegmentation *segmentation)
{
  g_return_if_fail (CST_IS_SEGMENTS_PAGE (self));

  if (self->segmentation == segmentation)
    return;
  g_clear_pointer (&self->segmentation, cst_segmentation_free);
  self->segmentation = segmentation;
  rebuild (self);
}

const CstSegmentation *
cst_segments_page_get_segmentation (CstSegmentsPage *self)
{
  g_return_val_if_fail (CST_IS_SEGMENTS_PAGE (self), NULL);

  return self->segmentation;
}

/**
 * cst_segments_page_set_empty_message:
 * @message: (nullable): why there are no segments; %NULL for the general hint
 */
void
cst_segments_page_set_empty_message (CstSegmentsPage *self,
                                     const char      *message)
{
  g_return_if_fail (CST_IS_SEGMENTS_PAGE (self));

  adw_status_page_set_description (self->empty_page,
                                   message != NULL ? message
                                                   : _("Import your exports or try the sample data: Constellate "
                                                       "then groups your customers by how they buy."));
}

guint
cst_segments_page_get_k (CstSegmentsPage *self)
{
  g_return_val_if_fail (CST_IS_SEGMENTS_PAGE (self), 0);

  return gtk_spin_button_get_value_as_int (self->k_spin);
}

void
cst_segments_page_set_k (CstSegmentsPage *self,
                         guint            k)
{
  g_return_if_fail (CST_IS_SEGMENTS_PAGE (self));

  gtk_spin_button_set_value (self->k_spin, k);
}

/* While a job runs, the page shows its last result but cannot start another run. */
void
cst_segments_page_set_busy (CstSegmentsPage *self,
                            gboolean         busy)
{
  g_return_if_fail (CST_IS_SEGMENTS_PAGE (self));

  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "segments.run", !busy);
}

guint
cst_segments_page_get_n_cards (CstSegmentsPage *self)
{
  guint n = 0;

  g_return_val_if_fail (CST_IS_SEGMENTS_PAGE (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

CstChartView *
cst_segments_page_get_map_view (CstSegmentsPage *self)
{
  g_return_val_if_fail (CST_IS_SEGMENTS_PAGE (self), NULL);

  return self->map_view;
}

CstChartView *
cst_segments_page_get_sizes_view (CstSegmentsPage *self)
{
  g_return_val_if_fail (CST_IS_SEGMENTS_PAGE (self), NULL);

  return self->sizes_view;
}
