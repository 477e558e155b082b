/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-application"

#include "config.h"

#include <glib/gi18n.h>

#include "cst-application.h"
#include "cst-window.h"

struct _CstApplication
{
  AdwApplication parent_instance;

  gboolean       start_sample;
};

G_DEFINE_FINAL_TYPE (CstApplication, cst_application, ADW_TYPE_APPLICATION)

static CstWindow *
get_or_create_window (CstApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (cst_window_new (self));
  return CST_WINDOW (window);
}

static void
cst_application_activate (GApplication *app)
{
  CstApplication *self = CST_APPLICATION (app);
  CstWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));

  if (self->start_sample)
    {
      self->start_sample = FALSE;
      cst_window_try_sample (window);
    }
}

static void
cst_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  CstApplication *self = CST_APPLICATION (app);
  g_autoptr(GPtrArray) exports = g_ptr_array_new ();

  /* Projects open one per window (the first in the existing window if it is still empty);
   * anything else is an export to import through the wizard. */
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_file_get_basename (files[i]);
      CstWindow *window;

      if (!g_str_has_suffix (name, ".constellate"))
        {
          g_ptr_array_add (exports, files[i]);
          continue;
        }
      window = get_or_create_window (self);
      if (cst_window_has_project (window))
        window = cst_window_new (self);
      gtk_window_present (GTK_WINDOW (window));
      cst_window_open_project (window, files[i]);
    }

  if (exports->len > 0)
    {
      CstWindow *window = get_or_create_window (self);

      gtk_window_present (GTK_WINDOW (window));
      cst_window_open_import_wizard (window, (GFile **) exports->pdata, exports->len);
    }
}

static int
cst_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  CstApplication *self = CST_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("constellate %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_contains (options, "sample"))
    self->start_sample = TRUE;

  return G_APPLICATION_CLASS (cst_application_parent_class)->handle_local_options (app, options);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  CstApplication *self = user_data;
  static const char *developers[] = { "The Constellate developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Constellate"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Constellate developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Find the groups in your customer base. Your data never leaves this computer."),
                         "website", "https://github.com/constellate/constellate",
                         "issue-url", "https://github.com/constellate/constellate/issues",
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  CstApplication *self = user_data;

  gtk_show_uri (gtk_application_get_active_window (GTK_APPLICATION (self)),
                "help:constellate", GDK_CURRENT_TIME);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  CstApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing each window lets it cancel its jobs and save its state. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "help", help_action },
  { "quit", quit_action },
};

static void
cst_application_startup (GApplication *app)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (cst_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", (const char *[]) { "F1", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open", (const char *[]) { "<Control>o", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.import", (const char *[]) { "<Control>i", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", (const char *[]) { "<Control>w", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.cancel-job", (const char *[]) { "Escape", NULL });
}

static void
cst_application_class_init (CstApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = cst_application_activate;
  app_class->open = cst_application_open;
  app_class->startup = cst_application_startup;
  app_class->handle_local_options = cst_application_handle_local_options;
}

static void
cst_application_init (CstApplication *self)
{
  static const GOptionEntry entries[] = {
    { "sample", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Start with a new project filled with the sample data"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[PROJECT…]"));
}

CstApplication *
cst_application_new (void)
{
  return g_object_new (CST_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/constellate/Constellate",
                       NULL);
}
