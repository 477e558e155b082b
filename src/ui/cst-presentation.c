/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-presentation"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-deck.h"
#include "cst-presentation.h"

/* Presentation mode: the deck full screen, one idea per slide, nothing else on screen. Arrow
 * keys, Page Up/Down, Space and clicks move; Home and End jump; Escape leaves. */
struct _CstPresentation
{
  AdwWindow       parent_instance;

  GPtrArray      *slides;   /* CstSlide */
  guint           current;
  GtkDrawingArea *area;
};

G_DEFINE_FINAL_TYPE (CstPresentation, cst_presentation, ADW_TYPE_WINDOW)

static void
update_description (CstPresentation *self)
{
  g_autofree char *text = cst_chart_slide_describe (g_ptr_array_index (self->slides, self->current));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
draw_cb (GtkDrawingArea *area,
         cairo_t        *cr,
         int             width,
         int             height,
         gpointer        user_data)
{
  CstPresentation *self = user_data;
  CstChartStyle style;

  if (self->slides == NULL || self->slides->len == 0)
    return;

  if (adw_style_manager_get_dark (adw_style_manager_get_default ()))
    cst_chart_style_init_dark (&style);
  else
    cst_chart_style_init_light (&style);
  cst_chart_slide_paint (cr, g_ptr_array_index (self->slides, self->current), width, height, &style);
  cst_chart_style_clear (&style);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CstPresentation       *self)
{
  switch (keyval)
    {
    case GDK_KEY_Right:
    case GDK_KEY_Down:
    case GDK_KEY_Page_Down:
    case GDK_KEY_space:
    case GDK_KEY_Return:
      cst_presentation_go (self, 1);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_Up:
    case GDK_KEY_Page_Up:
    case GDK_KEY_BackSpace:
      cst_presentation_go (self, -1);
      return TRUE;
    case GDK_KEY_Home:
      cst_presentation_go (self, -(int) self->slides->len);
      return TRUE;
    case GDK_KEY_End:
      cst_presentation_go (self, (int) self->slides->len);
      return TRUE;
    case GDK_KEY_Escape:
      gtk_window_destroy (GTK_WINDOW (self));
      return TRUE;
    default:
      return FALSE;
    }
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            CstPresentation *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  cst_presentation_go (self, button == GDK_BUTTON_SECONDARY ? -1 : 1);
}

static void
cst_presentation_dispose (GObject *object)
{
  CstPresentation *self = CST_PRESENTATION (object);

  g_clear_pointer (&self->slides, g_ptr_array_unref);

  G_OBJECT_CLASS (cst_presentation_parent_class)->dispose (object);
}

static void
cst_presentation_class_init (CstPresentationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cst_presentation_dispose;
}

static void
cst_presentation_init (CstPresentation *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->area = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_drawing_area_set_draw_func (self->area, draw_cb, self, NULL);
  gtk_widget_set_focusable (GTK_WIDGET (self->area), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Presentation of the segments"), -1);
  adw_window_set_content (ADW_WINDOW (self), GTK_WIDGET (self->area));

  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->area), GTK_EVENT_CONTROLLER (click));
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (gtk_widget_queue_draw), self->area, G_CONNECT_SWAPPED);
}

/**
 * cst_presentation_new:
 * @segmentation: the run to present; the slides are made from it at once
 *
 * Opens the presentation full screen over @parent.
 */
CstPresentation *
cst_presentation_new (GtkWindow             *parent,
                      const CstSegmentation *segmentation)
{
  CstPresentation *self;

  g_return_val_if_fail (segmentation != NULL, NULL);

  self = g_object_new (CST_TYPE_PRESENTATION,
                       "transient-for", parent,
                       "title", _("Presentation"),
                       "default-width", 1280,
                       "default-height", 720,
                       NULL);
  self->slides = cst_deck_build (segmentation);
  update_description (self);
  gtk_window_fullscreen (GTK_WINDOW (self));
  return self;
}

guint
cst_presentation_get_slide (CstPresentation *self)
{
  g_return_val_if_fail (CST_IS_PRESENTATION (self), 0);

  return self->current;
}

guint
cst_presentation_get_n_slides (CstPresentation *self)
{
  g_return_val_if_fail (CST_IS_PRESENTATION (self), 0);

  return self->slides->len;
}

/* Moves @delta slides, staying within the deck. */
void
cst_presentation_go (CstPresentation *self,
                     int              delta)
{
  int target;

  g_return_if_fail (CST_IS_PRESENTATION (self));

  target = CLAMP ((int) self->current + delta, 0, (int) self->slides->len - 1);
  if ((guint) target == self->current)
    return;
  self->current = target;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}
