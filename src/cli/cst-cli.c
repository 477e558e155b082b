/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cst-cli.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Subcommand;

static const Subcommand subcommands[] = {
  { "sample",  cst_cli_sample,  N_("Write the sample exports (CRM contacts, shop orders, email engagement)") },
  { "run",     cst_cli_run,     N_("Run the whole path on a project: import, people, segments") },
  { "import",  cst_cli_import,  N_("Import files into a project, reading them as the import wizard does") },
  { "inspect", cst_cli_inspect, N_("Show how a file would be read: encoding, delimiter, types, roles") },
  { "segment", cst_cli_segment, N_("Segment the numeric columns of a CSV file with k-means") },
  { "deck",    cst_cli_deck,    N_("Write a project's segments as a PDF deck of slides") },
  { "chart",   cst_cli_chart,   N_("Draw a chart of a project's segments as PNG, SVG or PDF") },
  { "link",    cst_cli_link,    N_("Find the same person across files by probabilistic record linkage") },
  { "score",   cst_cli_score,   N_("Train a churn or propensity model on a labelled CSV and score it") },
  { "clv",     cst_cli_clv,     N_("Fit BG/NBD and Gamma-Gamma lifetime value models to transactions") },
  { "export",  cst_cli_export,  N_("Export a segment as an audience: CSV, XLSX or a hashed list") },
  { "erase",   cst_cli_erase,   N_("Erase a person from a project, keeping only an audit entry") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n%s\n", _("Usage: constellate-cli SUBCOMMAND [OPTION…]"), _("Subcommands:"));
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (stream, "  %-10s %s\n", subcommands[i].name, _(subcommands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “constellate-cli SUBCOMMAND --help” for its options."));
}

/**
 * cst_cli_parse_options:
 *
 * Parses a subcommand's options; a mistake is printed to stderr.
 *
 * Returns: %FALSE when the command line is wrong (exit with status 2)
 */
gboolean
cst_cli_parse_options (GOptionContext   *context,
                       int              *argc,
                       char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_cli_parse_command:
 * @summary: the subcommand's translated summary for --help
 * @entries: its options, in the program's translation domain
 *
 * Parses a subcommand's command line with a context made and freed here; the parsed values
 * stay with the caller. A mistake is printed to stderr.
 *
 * Returns: %FALSE when the command line is wrong (exit with status 2)
 */
gboolean
cst_cli_parse_command (const char         *summary,
                       const GOptionEntry *entries,
                       int                *argc,
                       char             ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return cst_cli_parse_options (context, argc, argv);
}

/**
 * cst_cli_usage_error:
 * @message: what is wrong with the command line, translated
 *
 * Prints @message to stderr after the program's name.
 *
 * Returns: 2, the exit status of a wrong command line
 */
int
cst_cli_usage_error (const char *message)
{
  fprintf (stderr, "%s: %s\n", g_get_prgname (), message);
  return 2;
}

void
cst_cli_json_add_int (JsonBuilder *builder,
                      const char  *name,
                      gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
cst_cli_json_add_double (JsonBuilder *builder,
                         const char  *name,
                         double       value)
{
  json_builder_set_member_name (builder, name);
  /* JSON has no NaN or infinity: a value that is not there is null. */
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
cst_cli_json_add_string (JsonBuilder *builder,
                         const char  *name,
                         const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
cst_cli_json_add_boolean (JsonBuilder *builder,
                          const char  *name,
                          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/**
 * cst_cli_print_json:
 * @builder: a builder holding one complete object
 *
 * Prints the builder's root as exactly one line of JSON on stdout.
 */
void
cst_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

/**
 * cst_cli_fail:
 * @error: what went wrong
 *
 * Prints @error to stderr; cancellation is not an error to report.
 *
 * Returns: the exit status to return from the subcommand
 */
int
cst_cli_fail (const GError *error)
{
  if (error != NULL)
    fprintf (stderr, "constellate-cli: %s\n", error->message);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_usage (stdout);
      return 0;
    }
  if (g_str_equal (name, "--version"))
    {
      printf ("constellate-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    {
      if (g_str_equal (name, subcommands[i].name))
        {
          g_autofree char *program = g_strdup_printf ("constellate-cli %s", name);
          g_autofree char **sub_argv = g_new0 (char *, argc);

          sub_argv[0] = program;
          for (int j = 2; j < argc; j++)
            sub_argv[j - 1] = argv[j];

          g_set_prgname (program);
          return subcommands[i].run (argc - 1, sub_argv);
        }
    }

  fprintf (stderr, _("constellate-cli: unknown subcommand “%s”\n\n"), name);
  print_usage (stderr);
  return 2;
}
