/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-view"

#include "config.h"

#include <adwaita.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-alert.h"
#include "cst-chart-map.h"
#include "cst-chart-sizes.h"
#include "cst-chart-view.h"

/* Hosts any painter from src/charts: paints it in snapshot(), keeps its colours in step with the
 * style manager, and adds what a widget needs on top of a picture: tooltips and selection by
 * hit-testing, keyboard navigation, an accessible description, copy and export. */

#define MIN_WIDTH  320
#define MIN_HEIGHT 240

/* Exports to PDF and SVG are measured in points; a pixel on screen is 1/96 inch. */
#define POINTS_PER_PIXEL (72.0 / 96.0)

typedef enum
{
  FORMAT_PNG,
  FORMAT_SVG,
  FORMAT_PDF,
} ExportFormat;

struct _CstChartView
{
  GtkWidget             parent_instance;

  gpointer              model;
  GDestroyNotify        model_free;
  CstChartPaintFunc     paint;
  CstChartHitTestFunc   hit_test;
  CstChartSelectFunc    select;
  CstChartDescribeFunc  describe;
  guint                 n_items;
  int                   selected;

  CstChartStyle         style;
  gboolean              style_valid;

  GtkWidget            *menu;
  GtkFileChooserNative *export_dialog;
  GtkFileFilter        *filters[3];
};

G_DEFINE_FINAL_TYPE (CstChartView, cst_chart_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const CstChartStyle *
get_style (CstChartView *self)
{
  AdwStyleManager *manager;
  PangoContext *context;
  const PangoFontDescription *font;

  if (self->style_valid)
    return &self->style;

  manager = adw_style_manager_get_default ();
  if (adw_style_manager_get_dark (manager))
    cst_chart_style_init_dark (&self->style);
  else
    cst_chart_style_init_light (&self->style);
  cst_chart_style_set_high_contrast (&self->style, adw_style_manager_get_high_contrast (manager));

  /* Follow the interface font, so that the "Large Text" setting and the user's font choice
   * reach the charts too. Pango sizes in points turn into pixels at the screen resolution. */
  context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  font = pango_context_get_font_description (context);
  if (font != NULL)
    {
      const char *family = pango_font_description_get_family (font);
      double size = (double) pango_font_description_get_size (font) / PANGO_SCALE;

      if (family != NULL && *family != '\0')
        {
          g_free (self->style.font_family);
          self->style.font_family = g_strdup (family);
        }
      if (size > 0.0)
        {
          if (!pango_font_description_get_size_is_absolute (font))
            {
              double dpi = pango_cairo_context_get_resolution (context);

              size *= (dpi > 0.0 ? dpi : 96.0) / 72.0;
            }
          self->style.font_size = size;
        }
    }

  self->style_valid = TRUE;
  return &self->style;
}

static void
invalidate_style (CstChartView *self)
{
  if (self->style_valid)
    cst_chart_style_clear (&self->style);
  self->style_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const CstChartStyle *
cst_chart_view_get_style (CstChartView *self)
{
  g_return_val_if_fail (CST_IS_CHART_VIEW (self), NULL);

  return get_style (self);
}

/* Painting happens in device pixels: the painter gets the size and style multiplied by the
 * scale factor under a matching cairo_scale(). GTK records cairo drawing without a device scale,
 * so this is how the map's point layer, which the painter rasterizes itself, stays sharp on
 * hi-dpi screens. Hit tests use the same coordinates. */
static void
paint_scaled (CstChartView *self,
              cairo_t      *cr,
              double        width,
              double        height,
              double        scale)
{
  CstChartStyle style;

  cst_chart_style_copy (get_style (self), &style);
  style.scale *= scale;

  cairo_save (cr);
  cairo_scale (cr, 1.0 / scale, 1.0 / scale);
  self->paint (cr, self->model, width * scale, height * scale, &style);
  cairo_restore (cr);

  cst_chart_style_clear (&style);
}

static int
hit_test_at (CstChartView  *self,
             double         x,
             double         y,
             char         **tooltip)
{
  CstChartStyle style;
  double scale;
  int item;

  if (tooltip != NULL)
    *tooltip = NULL;
  if (self->model == NULL || self->hit_test == NULL)
    return -1;

  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  cst_chart_style_copy (get_style (self), &style);
  style.scale *= scale;
  item = self->hit_test (self->model,
                         gtk_widget_get_width (GTK_WIDGET (self)) * scale,
                         gtk_widget_get_height (GTK_WIDGET (self)) * scale,
                         &style, x * scale, y * scale, tooltip);
  cst_chart_style_clear (&style);

  return item;
}

/* Paints the chart on the opaque colour of the current style into a new image surface of
 * @width × @height pixels times @scale. */
static cairo_surface_t *
render_scaled (CstChartView *self,
               int           width,
               int           height,
               double        scale)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  CstColor background;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                        MAX (1, (int) ceil (width * scale)),
                                        MAX (1, (int) ceil (height * scale)));
  cairo_surface_set_device_scale (surface, scale, scale);

  cr = cairo_create (surface);
  cst_chart_style_get_surface (get_style (self), &background);
  cst_chart_set_source_color (cr, &background);
  cairo_paint (cr);
  if (self->model != NULL && self->paint != NULL)
    self->paint (cr, self->model, width, height, get_style (self));
  cairo_destroy (cr);

  cairo_surface_flush (surface);
  return surface;
}

static void
update_accessible (CstChartView *self)
{
  g_autofree char *description = NULL;
  g_autofree char *label = NULL;
  const char *colon;

  if (self->model != NULL && self->describe != NULL)
    description = self->describe (self->model);

  if (description == NULL)
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      return;
    }

  /* The label is the summary before the list ("Segment map of 4,600 people in 4 segments"),
   * the description the whole sentence with every item. */
  colon = strchr (description, ':');
  label = colon != NULL ? g_strndup (description, colon - description) : g_strdup (description);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static gboolean
export_to_file (CstChartView  *self,
                const char    *path,
                ExportFormat   format,
                GError       **error)
{
  int width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), MIN_WIDTH);
  int height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), MIN_HEIGHT);
  cairo_surface_t *surface;
  cairo_status_t status;

  if (format == FORMAT_PNG)
    {
      /* Twice the screen resolution, so that the image stays sharp on slides and in print. */
      surface = render_scaled (self, width, height, 2.0);
      status = cairo_surface_write_to_png (surface, path);
    }
  else
    {
      double points_w = width * POINTS_PER_PIXEL;
      double points_h = height * POINTS_PER_PIXEL;
      cairo_t *cr;
      CstColor background;

      if (format == FORMAT_SVG)
        surface = cairo_svg_surface_create (path, points_w, points_h);
      else
        surface = cairo_pdf_surface_create (path, points_w, points_h);

      cr = cairo_create (surface);
      cairo_scale (cr, POINTS_PER_PIXEL, POINTS_PER_PIXEL);
      cst_chart_style_get_surface (get_style (self), &background);
      cst_chart_set_source_color (cr, &background);
      cairo_paint (cr);
      if (self->model != NULL && self->paint != NULL)
        self->paint (cr, self->model, width, height, get_style (self));
      status = cairo_status (cr);
      cairo_destroy (cr);

      cairo_surface_finish (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status (surface);
    }

  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}

static void
export_response_cb (CstChartView         *self,
                    int                   response,
                    GtkFileChooserNative *dialog)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *lower = NULL;
  GtkFileFilter *filter;
  ExportFormat format = FORMAT_PNG;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  g_clear_object (&self->export_dialog);

  if (file == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      cst_alert_show_error (GTK_WIDGET (self), _("Could Not Export the Chart"),
                            _("Charts can only be saved to folders on this computer."));
      return;
    }

  /* The extension the user typed decides; without one, the chosen filter does. The file keeps
   * its name: in a sandbox only the exact file chosen may be written. */
  lower = g_utf8_strdown (path, -1);
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (dialog));
  if (g_str_has_suffix (lower, ".svg"))
    format = FORMAT_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    format = FORMAT_PDF;
  else if (g_str_has_suffix (lower, ".png"))
    format = FORMAT_PNG;
  else if (filter != NULL && filter == self->filters[FORMAT_SVG])
    format = FORMAT_SVG;
  else if (filter != NULL && filter == self->filters[FORMAT_PDF])
    format = FORMAT_PDF;

  if (!export_to_file (self, path, format, &error))
    {
      g_autofree char *body = g_strdup_printf (_("“%s” could not be written: %s"),
                                               path, error->message);

      cst_alert_show_error (GTK_WIDGET (self), _("Could Not Export the Chart"), body);
    }
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CstChartView *self = CST_CHART_VIEW (widget);
  int width = MAX (gtk_widget_get_width (widget), MIN_WIDTH);
  int height = MAX (gtk_widget_get_height (widget), MIN_HEIGHT);
  double scale = MAX (2, gtk_widget_get_scale_factor (widget));
  cairo_surface_t *surface;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (self->model == NULL)
    return;

  /* Cairo's ARGB32 is GDK_MEMORY_DEFAULT: the texture can wrap the pixels as they are, and the
   * bytes keep the surface alive. */
  surface = render_scaled (self, width, height, scale);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface)
                                      * cairo_image_surface_get_height (surface),
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (cairo_image_surface_get_width (surface),
                                    cairo_image_surface_get_height (surface),
                                    GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));

  gdk_clipboard_set_texture (gtk_widget_get_clipboard (widget), texture);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CstChartView *self = CST_CHART_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  static const struct
  {
    const char *name;
    const char *mime_type;
    const char *pattern;
  } formats[] = {
    [FORMAT_PNG] = { N_("PNG Image"), "image/png", "*.png" },
    [FORMAT_SVG] = { N_("SVG Image"), "image/svg+xml", "*.svg" },
    [FORMAT_PDF] = { N_("PDF Document"), "application/pdf", "*.pdf" },
  };

  if (self->model == NULL)
    return;

  if (self->export_dialog != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_dialog));
      return;
    }

  /* GtkFileDialog needs GTK 4.10; the native chooser uses the portal inside Flatpak. */
  self->export_dialog = gtk_file_chooser_native_new (_("Export Chart"),
                                                     GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                          : NULL,
                                                     GTK_FILE_CHOOSER_ACTION_SAVE,
                                                     _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->export_dialog), TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _(formats[i].name));
      gtk_file_filter_add_mime_type (filter, formats[i].mime_type);
      gtk_file_filter_add_pattern (filter, formats[i].pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->export_dialog), filter);
      self->filters[i] = filter;
      g_object_unref (filter);
    }
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->export_dialog), self->filters[FORMAT_PNG]);
  /* Translators: the suggested file name of an exported chart. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->export_dialog), _("Chart.png"));

  g_signal_connect_object (self->export_dialog, "response",
                           G_CALLBACK (export_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->export_dialog));
}

static void
popup_menu (CstChartView *self,
            double        x,
            double        y)
{
  if (self->model == NULL)
    return;

  if (self->menu == NULL)
    {
      g_autoptr(GMenu) menu = g_menu_new ();

      g_menu_append (menu, _("_Copy Image"), "chart.copy");
      g_menu_append (menu, _("_Export…"), "chart.export");

      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
      gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
    }

  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
menu_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  popup_menu (CST_CHART_VIEW (widget),
              gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
}

static gboolean
move_selection_cb (GtkWidget *widget,
                   GVariant  *args,
                   gpointer   user_data)
{
  CstChartView *self = CST_CHART_VIEW (widget);
  int delta = g_variant_get_int32 (args);
  int n = self->n_items;
  int item;

  if (self->model == NULL || n == 0)
    return FALSE;

  /* Left/Right (and Up/Down) step through the items and wrap around; Home and End, passed as
   * large steps, go to the first and last. */
  if (delta <= -n)
    item = 0;
  else if (delta >= n)
    item = n - 1;
  else if (self->selected < 0)
    item = delta > 0 ? 0 : n - 1;
  else
    item = ((self->selected + delta) % n + n) % n;

  cst_chart_view_set_selected (self, item);
  return TRUE;
}

static gboolean
clear_selection_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  CstChartView *self = CST_CHART_VIEW (widget);

  /* Without a selection, Escape goes on to close whatever dialog holds the chart. */
  if (self->selected < 0)
    return FALSE;

  cst_chart_view_set_selected (self, -1);
  return TRUE;
}

static void
click_pressed_cb (CstChartView    *self,
                  int              n_press,
                  double           x,
                  double           y,
                  GtkGestureClick *gesture)
{
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  int item;

  if (self->model == NULL)
    return;

  if (event != NULL && gdk_event_triggers_context_menu (event))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      popup_menu (self, x, y);
      return;
    }

  if (button != GDK_BUTTON_PRIMARY || n_press != 1)
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));

  /* A click selects the item under the pointer; clicking it again, or clicking beside every
   * item, clears the selection. */
  item = hit_test_at (self, x, y, NULL);
  cst_chart_view_set_selected (self, item == self->selected ? -1 : item);
}

static void
long_press_cb (CstChartView        *self,
               double               x,
               double               y,
               GtkGestureLongPress *gesture)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  popup_menu (self, x, y);
}

static void
motion_cb (CstChartView             *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  gboolean over_item = hit_test_at (self, x, y, NULL) >= 0;

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), over_item ? "pointer" : NULL);
}

static gboolean
query_tooltip_cb (CstChartView *self,
                  int           x,
                  int           y,
                  gboolean      keyboard_mode,
                  GtkTooltip   *tooltip)
{
  g_autofree char *text = NULL;

  if (keyboard_mode)
    return FALSE;

  if (hit_test_at (self, x, y, &text) < 0 || text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  /* Ask again once the pointer moves on: neighbouring points may belong to another segment. */
  gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { x - 2, y - 2, 5, 5 });
  return TRUE;
}

static void
style_changed_cb (CstChartView *self)
{
  invalidate_style (self);
}

static void
cst_chart_view_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  CstChartView *self = CST_CHART_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0)
    return;

  if (self->model != NULL && self->paint != NULL)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

      paint_scaled (self, cr, width, height, gtk_widget_get_scale_factor (widget));
      cairo_destroy (cr);
    }

  /* libadwaita's focus ring: 2 px of the accent colour at half opacity, drawn inside. */
  if (gtk_widget_has_visible_focus (widget))
    {
      const CstColor *accent = &get_style (self)->accent;
      GdkRGBA color = { accent->red, accent->green, accent->blue, 0.5 };
      GskRoundedRect outline;

      gsk_rounded_rect_init_from_rect (&outline,
                                       &GRAPHENE_RECT_INIT (1, 1, width - 2, height - 2), 10);
      gtk_snapshot_append_border (snapshot, &outline,
                                  (float[4]) { 2, 2, 2, 2 },
                                  (GdkRGBA[4]) { color, color, color, color });
    }
}

static void
cst_chart_view_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = MIN_WIDTH;
    }
  else
    {
      *minimum = MIN_HEIGHT;
      *natural = MIN_HEIGHT;
    }
}

static void
cst_chart_view_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  CstChartView *self = CST_CHART_VIEW (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
cst_chart_view_state_flags_changed (GtkWidget     *widget,
                                    GtkStateFlags  previous)
{
  GtkStateFlags changed = previous ^ gtk_widget_get_state_flags (widget);

  if (changed & (GTK_STATE_FLAG_FOCUS_VISIBLE | GTK_STATE_FLAG_FOCUSED))
    gtk_widget_queue_draw (widget);

  GTK_WIDGET_CLASS (cst_chart_view_parent_class)->state_flags_changed (widget, previous);
}

static void
cst_chart_view_system_setting_changed (GtkWidget        *widget,
                                       GtkSystemSetting  setting)
{
  /* The font (and its resolution) feeds the style. */
  if (setting == GTK_SYSTEM_SETTING_DPI || setting == GTK_SYSTEM_SETTING_FONT_NAME
      || setting == GTK_SYSTEM_SETTING_FONT_CONFIG)
    invalidate_style (CST_CHART_VIEW (widget));

  GTK_WIDGET_CLASS (cst_chart_view_parent_class)->system_setting_changed (widget, setting);
}

static void
cst_chart_view_dispose (GObject *object)
{
  CstChartView *self = CST_CHART_VIEW (object);

  if (self->export_dialog != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->export_dialog));
      g_clear_object (&self->export_dialog);
    }
  g_clear_pointer (&self->menu, gtk_widget_unparent);

  if (self->model != NULL && self->model_free != NULL)
    self->model_free (self->model);
  self->model = NULL;
  self->model_free = NULL;

  G_OBJECT_CLASS (cst_chart_view_parent_class)->dispose (object);
}

static void
cst_chart_view_finalize (GObject *object)
{
  CstChartView *self = CST_CHART_VIEW (object);

  if (self->style_valid)
    cst_chart_style_clear (&self->style);

  G_OBJECT_CLASS (cst_chart_view_parent_class)->finalize (object);
}

static void
cst_chart_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CstChartView *self = CST_CHART_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_chart_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CstChartView *self = CST_CHART_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      cst_chart_view_set_selected (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_chart_view_class_init (CstChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_chart_view_dispose;
  object_class->finalize = cst_chart_view_finalize;
  object_class->get_property = cst_chart_view_get_property;
  object_class->set_property = cst_chart_view_set_property;

  widget_class->snapshot = cst_chart_view_snapshot;
  widget_class->measure = cst_chart_view_measure;
  widget_class->size_allocate = cst_chart_view_size_allocate;
  widget_class->state_flags_changed = cst_chart_view_state_flags_changed;
  widget_class->system_setting_changed = cst_chart_view_system_setting_changed;

  /**
   * CstChartView:selected:
   *
   * The highlighted item (a segment), or -1 for none.
   */
  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL,
                      -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "chart.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "chart.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "chart.menu", NULL, menu_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK,
                                       "chart.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "chart.menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "chart.menu", NULL);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, 0, move_selection_cb, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Right, 0, move_selection_cb, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, 0, move_selection_cb, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Down, 0, move_selection_cb, "i", 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, 0, move_selection_cb, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Left, 0, move_selection_cb, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, 0, move_selection_cb, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Up, 0, move_selection_cb, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Home, 0, move_selection_cb, "i",
                                G_MININT32 / 2);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_End, 0, move_selection_cb, "i",
                                G_MAXINT32 / 2);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, clear_selection_cb, NULL);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cst_chart_view_init (CstChartView *self)
{
  GtkGesture *click;
  GtkGesture *long_press;
  GtkEventController *motion;
  AdwStyleManager *manager = adw_style_manager_get_default ();

  self->selected = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_object (click, "pressed", G_CALLBACK (click_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  long_press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect_object (long_press, "pressed", G_CALLBACK (long_press_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (long_press));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  g_signal_connect_object (manager, "notify::dark", G_CALLBACK (style_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "notify::high-contrast", G_CALLBACK (style_changed_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.copy", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.menu", FALSE);
}

GtkWidget *
cst_chart_view_new (void)
{
  return g_object_new (CST_TYPE_CHART_VIEW, NULL);
}

/**
 * cst_chart_view_set_chart:
 * @self: a chart view
 * @model: (transfer full) (nullable): the prepared model, or %NULL to show nothing
 * @model_free: (nullable): frees @model when the view lets go of it
 * @paint: paints @model
 * @hit_test: (nullable): finds the item under a point
 * @select: (nullable): highlights an item in @model
 * @describe: (nullable): describes @model for screen readers
 *
 * Shows a new chart, freeing the previous model, and clears the selection. For the segment map
 * and segment sizes painters the number of items (for keyboard navigation) is known; other
 * charts set it with cst_chart_view_set_n_items().
 */
void
cst_chart_view_set_chart (CstChartView         *self,
                          gpointer              model,
                          GDestroyNotify        model_free,
                          CstChartPaintFunc     paint,
                          CstChartHitTestFunc   hit_test,
                          CstChartSelectFunc    select,
                          CstChartDescribeFunc  describe)
{
  g_return_if_fail (CST_IS_CHART_VIEW (self));
  g_return_if_fail (model == NULL || paint != NULL);

  if (self->model != NULL && self->model_free != NULL && self->model != model)
    self->model_free (self->model);

  self->model = model;
  self->model_free = model_free;
  self->paint = paint;
  self->hit_test = hit_test;
  self->select = select;
  self->describe = describe;

  if (model != NULL && paint == (CstChartPaintFunc) cst_chart_map_paint)
    self->n_items = cst_map_model_get_n_segments (model);
  else if (model != NULL && paint == (CstChartPaintFunc) cst_chart_sizes_paint)
    self->n_items = cst_sizes_model_get_n_segments (model);
  else
    self->n_items = 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.copy", model != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.export", model != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chart.menu", model != NULL);

  /* A new model starts without a selection; tell it so, in case it was built with one. */
  if (model != NULL && select != NULL)
    select (model, -1);
  if (self->selected != -1)
    {
      self->selected = -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
    }

  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * cst_chart_view_set_n_items:
 * @self: a chart view
 * @n_items: how many items the keyboard can step through
 *
 * Needed only for charts other than the segment map and segment sizes.
 */
void
cst_chart_view_set_n_items (CstChartView *self,
                            guint         n_items)
{
  g_return_if_fail (CST_IS_CHART_VIEW (self));

  self->n_items = n_items;
}

gpointer
cst_chart_view_get_model (CstChartView *self)
{
  g_return_val_if_fail (CST_IS_CHART_VIEW (self), NULL);

  return self->model;
}

int
cst_chart_view_get_selected (CstChartView *self)
{
  g_return_val_if_fail (CST_IS_CHART_VIEW (self), -1);

  return self->selected;
}

/**
 * cst_chart_view_set_selected:
 * @self: a chart view
 * @item: the item to highlight, or -1 for none
 *
 * Highlights @item in the model and redraws. An item beyond the known number of items means
 * none.
 */
void
cst_chart_view_set_selected (CstChartView *self,
                             int           item)
{
  g_return_if_fail (CST_IS_CHART_VIEW (self));

  if (item < 0 || (self->n_items > 0 && (guint) item >= self->n_items))
    item = -1;

  if (self->selected == item)
    return;

  self->selected = item;
  if (self->model != NULL && self->select != NULL)
    self->select (self->model, item);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/**
 * cst_chart_view_render:
 * @self: a chart view
 * @width: the width in pixels
 * @height: the height in pixels
 *
 * Paints the chart with the current style on its opaque background (white in light mode,
 * libadwaita's dark view colour in dark mode), for the clipboard, exports and tests.
 *
 * Returns: (transfer full): a new ARGB32 image surface
 */
cairo_surface_t *
cst_chart_view_render (CstChartView *self,
                       int           width,
                       int           height)
{
  g_return_val_if_fail (CST_IS_CHART_VIEW (self), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  return render_scaled (self, width, height, 1.0);
}
