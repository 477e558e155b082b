/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-segments-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "cst-chart-heatmap.h"
#include "cst-chart-kchoice.h"
#include "cst-chart-map.h"
#include "cst-chart-sizes.h"
#include "cst-model-panel.h"
#include "cst-report.h"
#include "cst-segments-page.h"
#include "features/cst-features.h"

struct _CstSegmentsPage
{
  GtkWidget        parent_instance;

  CstSegmentation *segmentation;
  gboolean         busy;

  AdwFlap         *flap;
  CstModelPanel   *model_panel;
  GtkStack        *stack;
  AdwStatusPage   *empty_page;
  GtkLabel        *title_label;
  GtkLabel        *reason_label;
  GtkLabel        *summary_label;
  GtkButton       *run_button;
  CstChartView    *map_view;
  CstChartView    *sizes_view;
  GtkWidget       *heatmap_frame;
  CstChartView    *heatmap_view;
  GtkWidget       *kchoice_frame;
  CstChartView    *kchoice_view;
  GtkFlowBox      *cards_box;
};

enum {
  RUN,
  OPEN_SEGMENT,
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

/* One card per segment, as it would be put on a workshop slide: its colour, its name, how many
 * people it holds, and the three facts that set it apart. */
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
  GtkWidget *size;
  GtkWidget *child;
  g_autofree char *hex = color_to_hex (cst_chart_style_segment (style, segment));
  g_autofree char *markup = g_strdup_printf ("<span foreground=\"%s\">●</span>", hex);
  g_autofree char *count = g_strdup_printf ("%'zu", seg->sizes[segment]);
  g_autofree char *size_text = NULL;
  g_autoptr(GString) description = NULL;

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "segment-card");

  gtk_label_set_markup (GTK_LABEL (swatch), markup);
  gtk_widget_add_css_class (swatch, "segment-swatch");
  gtk_accessible_update_state (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  gtk_widget_add_css_class (name, "title-4");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
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

  description = g_string_new (NULL);
  g_string_append_printf (description, "%s, %s.", seg->segment_names[segment], size_text);
  for (guint j = 0; j < 3; j++)
    {
      const char *fact = cst_segmentation_get_fact (seg, segment, j);
      GtkWidget *label;

      if (fact == NULL)
        continue;
      label = gtk_label_new (fact);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "segment-fact");
      gtk_box_append (GTK_BOX (card), label);
      g_string_append_printf (description, " %s.", fact);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, description->str, -1);
  child = gtk_flow_box_child_new ();
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), card);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, description->str, -1);
  return child;
}

static void
card_activated_cb (CstSegmentsPage  *self,
                   GtkFlowBoxChild  *child)
{
  /* Picking a card picks its segment on the charts too, and opens it up close. */
  cst_chart_view_set_selected (self->map_view, gtk_flow_box_child_get_index (child));
  g_signal_emit (self, signals[OPEN_SEGMENT], 0, (guint) gtk_flow_box_child_get_index (child));
}

static void
update_heatmap (CstSegmentsPage *self)
{
  const CstSegmentation *seg = self->segmentation;
  g_autoptr(CstHeatmapModel) heatmap = cst_report_heatmap_model (seg);

  cst_chart_view_set_chart (self->heatmap_view, g_steal_pointer (&heatmap), (GDestroyNotify) cst_heatmap_model_free,
                            (CstChartPaintFunc) cst_chart_heatmap_paint,
                            (CstChartHitTestFunc) cst_chart_heatmap_hit_test,
                            (CstChartSelectFunc) cst_heatmap_model_set_selected,
                            (CstChartDescribeFunc) cst_chart_heatmap_describe);
  cst_chart_view_set_n_items (self->heatmap_view, seg->k);
  gtk_widget_set_size_request (GTK_WIDGET (self->heatmap_view), -1, 200 + 40 * seg->k);
}

/* How good each candidate number of segments was, when the number was chosen automatically. */
static void
update_kchoice (CstSegmentsPage *self)
{
  const CstSegmentation *seg = self->segmentation;
  g_autoptr(CstKChoiceModel) model = cst_report_kchoice_model (seg);

  gtk_widget_set_visible (self->kchoice_frame, model != NULL);
  if (model == NULL)
    return;
  cst_chart_view_set_chart (self->kchoice_view, g_steal_pointer (&model), (GDestroyNotify) cst_kchoice_model_free,
                            (CstChartPaintFunc) cst_chart_kchoice_paint,
                            (CstChartHitTestFunc) cst_chart_kchoice_hit_test,
                            (CstChartSelectFunc) cst_kchoice_model_set_selected,
                            (CstChartDescribeFunc) cst_chart_kchoice_describe);
  cst_chart_view_set_n_items (self->kchoice_view, seg->n_choices);
}

/* The cards, whose colour swatches follow the charts' palette for the current theme. */
static void
rebuild_cards (CstSegmentsPage *self)
{
  CstChartStyle style;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box))) != NULL)
    gtk_flow_box_remove (self->cards_box, child);
  if (self->segmentation == NULL)
    return;

  init_style (&style);
  for (guint s = 0; s < self->segmentation->k; s++)
    gtk_flow_box_append (self->cards_box, create_card (self, s, &style));
  cst_chart_style_clear (&style);
}

static void
rebuild (CstSegmentsPage *self)
{
  const CstSegmentation *seg = self->segmentation;
  g_autofree char *title = NULL;
  g_autofree char *people = NULL;
  g_autofree char *skipped = NULL;
  g_autoptr(GString) summary_text = NULL;

  rebuild_cards (self);

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
  gtk_label_set_label (self->reason_label, seg->reason != NULL ? seg->reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), seg->reason != NULL);

  skipped = g_strdup_printf ("%'zu", seg->n_skipped);
  summary_text = g_string_new (seg->method == CST_SEGMENTATION_RFM
                               ? _("Classic RFM: recency, frequency and spend scored 1 to 5 against the other customers.")
                               : _("Grouped by how customers buy: recency, frequency, spend, timing, categories, "
                                   "discounts, channels and email engagement."));
  if (seg->n_skipped > 0)
    {
      g_string_append_c (summary_text, ' ');
      g_string_append_printf (summary_text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%s contact without any order is not included.",
                                           "%s contacts without any order are not included.",
                                           seg->n_skipped),
                              skipped);
    }
  for (guint i = 0; seg->notes != NULL && seg->notes[i] != NULL; i++)
    {
      g_string_append_c (summary_text, ' ');
      g_string_append (summary_text, seg->notes[i]);
    }
  g_string_append_c (summary_text, ' ');
  g_string_append_printf (summary_text, _("The map shows %.0f %% of the differences between customers."),
                          100.0 * (seg->explained[0] + seg->explained[1]));
  gtk_label_set_label (self->summary_label, summary_text->str);

  {
    g_autoptr(CstMapModel) map = cst_report_map_model (seg);
    g_autoptr(CstSizesModel) sizes = cst_report_sizes_model (seg);

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

  update_heatmap (self);
  update_kchoice (self);

  {
    CstSegmentationOptions options;

    cst_segmentation_options_from_json (seg->settings, &options);
    cst_model_panel_set_features (self->model_panel, (const char * const *) seg->feature_names);
    cst_model_panel_set_options (self->model_panel, &options);
    cst_segmentation_options_clear (&options);
  }

  gtk_stack_set_visible_child_name (self->stack, "segments");
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CstSegmentsPage *self = CST_SEGMENTS_PAGE (widget);

  g_signal_emit (self, signals[RUN], 0);
}

static void
dark_changed_cb (CstSegmentsPage *self)
{
  /* The charts take the theme's colours when they paint; only the cards' swatches are fixed. */
  rebuild_cards (self);
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
   *
   * The user wants the segments found again, with the options of the model panel
   * (cst_segments_page_get_options()).
   */
  signals[RUN] = g_signal_new ("run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                               G_TYPE_NONE, 0);

  /**
   * CstSegmentsPage::open-segment:
   * @segment: the segment's index
   *
   * The user wants to see a segment up close: its differences and its people.
   */
  signals[OPEN_SEGMENT] = g_signal_new ("open-segment", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (CST_TYPE_CHART_VIEW);
  g_type_ensure (CST_TYPE_MODEL_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/constellate/Constellate/cst-segments-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, flap);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, model_panel);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, reason_label);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, run_button);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, map_view);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, sizes_view);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, heatmap_frame);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, heatmap_view);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, kchoice_frame);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, kchoice_view);
  gtk_widget_class_bind_template_child (widget_class, CstSegmentsPage, cards_box);
  gtk_widget_class_bind_template_callback (widget_class, card_activated_cb);

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
  g_object_bind_property (self->map_view, "selected", self->heatmap_view, "selected",
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

/**
 * cst_segments_page_get_options:
 * @options: (out caller-allocates): the model panel's options; clear with
 *   cst_segmentation_options_clear()
 */
void
cst_segments_page_get_options (CstSegmentsPage        *self,
                               CstSegmentationOptions *options)
{
  g_return_if_fail (CST_IS_SEGMENTS_PAGE (self));

  cst_model_panel_get_options (self->model_panel, options);
}

CstModelPanel *
cst_segments_page_get_model_panel (CstSegmentsPage *self)
{
  g_return_val_if_fail (CST_IS_SEGMENTS_PAGE (self), NULL);

  return self->model_panel;
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
