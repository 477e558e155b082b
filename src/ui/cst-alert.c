/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-alert"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cst-alert.h"

/**
 * cst_alert_show_error:
 * @widget: the widget the failure happened in (a window, page or view)
 * @heading: what could not be done, translated ("Could Not Export")
 * @body: (nullable): why, as the error message says it
 *
 * Tells the user that something failed, in a message dialog with one Close button, over the
 * window @widget is in (or on its own when @widget is not in a window yet).
 */
void
cst_alert_show_error (GtkWidget  *widget,
                      const char *heading,
                      const char *body)
{
  GtkRoot *root;
  GtkWidget *dialog;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (heading != NULL);

  g_debug ("%s: %s", heading, body != NULL ? body : "");
  root = gtk_widget_get_root (widget);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}
