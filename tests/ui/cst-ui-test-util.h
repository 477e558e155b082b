/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the window tests share for finding widgets and keeping the main loop awake. */

#include <adwaita.h>
#include <string.h>

/* A timeout callback that only wakes a blocking g_main_context_iteration() now and then. */
static inline gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The first button below @root bound to @action_name; without an action name, the suggested
 * button (a dialog's main action). */
static inline GtkWidget *
find_button (GtkWidget  *root,
             const char *action_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) &&
          (action_name != NULL ? g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action_name) == 0
                               : gtk_widget_has_css_class (child, "suggested-action")))
        return child;
      if ((found = find_button (child, action_name)) != NULL)
        return found;
    }
  return NULL;
}

/* The first combo row below @root whose title contains @word. */
static inline AdwComboRow *
find_combo_row (GtkWidget  *root,
                const char *word)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      AdwComboRow *found;

      if (ADW_IS_COMBO_ROW (child) &&
          strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), word) != NULL)
        return ADW_COMBO_ROW (child);
      if ((found = find_combo_row (child, word)) != NULL)
        return found;
    }
  return NULL;
}
