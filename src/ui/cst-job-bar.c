/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-job-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-job-bar.h"

/* The bar at the bottom of the window while a long job runs: what it does, how far it is,
 * and a Cancel button that works. */
struct _CstJobBar
{
  GtkWidget       parent_instance;

  CstJob         *job;
  GtkRevealer    *revealer;
  GtkLabel       *title;
  GtkLabel       *message;
  GtkProgressBar *progress;
  GtkButton      *cancel;
};

enum {
  PROP_0,
  PROP_JOB,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CstJobBar, cst_job_bar, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void
job_changed_cb (CstJobBar *self)
{
  g_autofree char *message = NULL;

  if (self->job == NULL)
    return;
  message = cst_job_dup_message (self->job);
  gtk_progress_bar_set_fraction (self->progress, cst_job_get_fraction (self->job));
  gtk_label_set_label (self->message, message != NULL ? message : "");
}

static void
cancel_clicked_cb (CstJobBar *self)
{
  if (self->job != NULL)
    {
      cst_job_cancel (self->job);
      gtk_widget_set_sensitive (GTK_WIDGET (self->cancel), FALSE);
      gtk_label_set_label (self->message, _("Canceling…"));
    }
}

static void
cst_job_bar_dispose (GObject *object)
{
  CstJobBar *self = CST_JOB_BAR (object);
  GtkWidget *child;

  g_clear_object (&self->job);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (cst_job_bar_parent_class)->dispose (object);
}

static void
cst_job_bar_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CstJobBar *self = CST_JOB_BAR (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_job_bar_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CstJobBar *self = CST_JOB_BAR (object);

  switch (prop_id)
    {
    case PROP_JOB:
      cst_job_bar_set_job (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cst_job_bar_class_init (CstJobBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cst_job_bar_dispose;
  object_class->get_property = cst_job_bar_get_property;
  object_class->set_property = cst_job_bar_set_property;

  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, CST_TYPE_JOB,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jobbar");
}

static void
cst_job_bar_init (CstJobBar *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_UP);
  gtk_widget_set_parent (GTK_WIDGET (self->revealer), GTK_WIDGET (self));

  gtk_widget_add_css_class (box, "toolbar");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  self->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "heading");
  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->message), "dim-label");
  gtk_label_set_ellipsize (self->message, PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (self->message, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->message), TRUE);
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (self->title));
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (self->message));

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Progress"), -1);
  gtk_box_append (GTK_BOX (labels), texts);
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (self->progress));
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);

  self->cancel = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Cancel")));
  gtk_widget_set_valign (GTK_WIDGET (self->cancel), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cancel), _("Stop this job; nothing is changed"));
  g_signal_connect_object (self->cancel, "clicked", G_CALLBACK (cancel_clicked_cb), self, G_CONNECT_SWAPPED);

  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->cancel));
  gtk_revealer_set_child (self->revealer, box);
}

CstJob *
cst_job_bar_get_job (CstJobBar *self)
{
  g_return_val_if_fail (CST_IS_JOB_BAR (self), NULL);

  return self->job;
}

/**
 * cst_job_bar_set_job:
 * @job: (nullable): the job to follow; %NULL hides the bar
 */
void
cst_job_bar_set_job (CstJobBar *self,
                     CstJob    *job)
{
  g_return_if_fail (CST_IS_JOB_BAR (self));
  g_return_if_fail (job == NULL || CST_IS_JOB (job));

  if (self->job == job)
    return;

  if (self->job != NULL)
    g_signal_handlers_disconnect_by_func (self->job, job_changed_cb, self);
  g_set_object (&self->job, job);

  if (job != NULL)
    {
      g_signal_connect_object (job, "notify::fraction", G_CALLBACK (job_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (job, "notify::message", G_CALLBACK (job_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_label_set_label (self->title, cst_job_get_title (job));
      gtk_widget_set_sensitive (GTK_WIDGET (self->cancel), TRUE);
      job_changed_cb (self);
    }
  gtk_revealer_set_reveal_child (self->revealer, job != NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}
