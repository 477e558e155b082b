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

  GPtrArray       *slides;   /* CstSlide */
  guint            current;
  GtkDrawingArea  *area;
  AdwToastOverlay *toasts;
  GCancellable    *cancellable;   /* loading the prediction slides */
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

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
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
                                  _("Presentation of the segments and predictions"), -1);
  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, GTK_WIDGET (self->area));
  adw_window_set_content (ADW_WINDOW (self), GTK_WIDGET (self->toasts));

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

/* Worker thread: opens its own store, loads the stored predictions, makes their slides. */
static void
load_predictions_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstReportPredictions) predictions = cst_report_predictions_load_project (task_data, &error);

  if (predictions == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (g_task_return_error_if_cancelled (task))
    return;
  else
    g_task_return_pointer (task, cst_deck_build_predictions (predictions), (GDestroyNotify) g_ptr_array_unref);
}

static void
load_predictions_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(CstPresentation) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) more = g_task_propagate_pointer (G_TASK (result), &error);

  g_weak_ref_clear (weak);
  g_free (weak);
  /* Closed meanwhile: nothing to show, nothing to say. */
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->slides == NULL)
    return;
  g_clear_object (&self->cancellable);
  if (more == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The predictions could not be shown: %s"), error->message);
      AdwToast *toast = adw_toast_new (text);

      adw_toast_set_timeout (toast, 5);
      adw_toast_overlay_add_toast (self->toasts, toast);
      return;
    }
  for (guint i = 0; i < more->len; i++)
    g_ptr_array_add (self->slides, g_ptr_array_steal_index (more, i--));
  cst_deck_number (self->slides);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

/**
 * cst_presentation_new_for_project:
 * @segmentation: the run to present; its slides are made at once
 * @project_path: the project, whose stored predictions (churn, purchase, lifetime value,
 *   lookalikes) are loaded in a worker thread and added after the segments when they arrive
 *
 * Opens the presentation full screen over @parent.
 */
CstPresentation *
cst_presentation_new_for_project (GtkWindow             *parent,
                                  const CstSegmentation *segmentation,
                                  const char            *project_path)
{
  CstPresentation *self = cst_presentation_new (parent, segmentation);
  g_autoptr(GTask) task = NULL;
  GWeakRef *weak;

  g_return_val_if_fail (project_path != NULL, self);

  /* The task holds no reference: closing the window disposes it, which cancels the load. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, load_predictions_done, weak);
  g_task_set_source_tag (task, cst_presentation_new_for_project);
  g_task_set_task_data (task, g_strdup (project_path), g_free);
  g_task_run_in_thread (task, load_predictions_thread);
  return self;
}

/* Whether the prediction slides are still being loaded. */
gboolean
cst_presentation_is_loading (CstPresentation *self)
{
  g_return_val_if_fail (CST_IS_PRESENTATION (self), FALSE);

  return self->cancellable != NULL;
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
