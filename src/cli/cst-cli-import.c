/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli-import"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cst-cli.h"
#include "identity/cst-identity.h"
#include "io/cst-import-plan.h"
#include "store/cst-store.h"

/* `constellate-cli import` and `constellate-cli inspect`: the import wizard without a window.
 * Both make the same CstImportPlan the wizard makes, so a file reads the same way in the
 * window, on the command line and in tests. Every file is planned and checked before the
 * project is touched; each file is then imported in its own transaction (cst_import_file), and
 * people are matched again once at the end so the project never holds records without people.
 *
 * Exit status: 0 on success, 1 when a file cannot be read or imported, 2 for a wrong command
 * line (an unknown option, kind, column or role). */

/* Stable names of the recognised exports for JSON; the sentences for people come from the
 * inference. */
static const char * const export_nicks[CST_N_EXPORTS] = {
  [CST_EXPORT_NONE] = NULL,
  [CST_EXPORT_SHOPIFY_ORDERS] = "shopify-orders",
  [CST_EXPORT_SHOPIFY_CUSTOMERS] = "shopify-customers",
  [CST_EXPORT_HUBSPOT_CONTACTS] = "hubspot-contacts",
  [CST_EXPORT_MAILCHIMP_AUDIENCE] = "mailchimp-audience",
  [CST_EXPORT_STRIPE_PAYMENTS] = "stripe-payments",
  [CST_EXPORT_GA4_EVENTS] = "ga4-events",
};

/* One --map COLUMN=ROLE, parsed. */
typedef struct
{
  char    *column;
  CstRole  role;
  gboolean used;
} Mapping;

static void
mapping_clear (Mapping *mapping)
{
  g_clear_pointer (&mapping->column, g_free);
}

static char *
dup_role_list (void)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint r = 0; r < CST_N_ROLES; r++)
    {
      if (list->len > 0)
        g_string_append (list, ", ");
      g_string_append (list, cst_role_to_string (r));
    }
  return g_string_free (g_steal_pointer (&list), FALSE);
}

static gboolean
parse_kind (const char  *text,
            CstFileKind *kind)
{
  for (guint k = CST_FILE_KIND_UNKNOWN + 1; k < CST_N_FILE_KINDS; k++)
    if (g_str_equal (text, cst_file_kind_to_string (k)))
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

/* The delimiter as a person reads it: a tab is invisible. */
static const char *
delimiter_label (char delimiter)
{
  switch (delimiter)
    {
    case '\t':
      return C_("delimiter", "tab");
    case ',':
      return ",";
    case ';':
      return ";";
    case '|':
      return "|";
    default:
      return "?";
    }
}

static const char *
thousands_label (char thousands)
{
  switch (thousands)
    {
    case '\0':
      return C_("thousands separator", "none");
    case ' ':
      return C_("thousands separator", "space");
    case '.':
      return ".";
    case ',':
      return ",";
    case '\'':
      return "'";
    default:
      return "?";
    }
}

static void
add_char_member (JsonBuilder *b,
                 const char  *name,
                 char         c)
{
  char text[2] = { c, '\0' };

  json_builder_set_member_name (b, name);
  if (c == '\0')
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, text);
}

static void
add_strv_member (JsonBuilder        *b,
                 const char         *name,
                 const char * const *values)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (b, values[i]);
  json_builder_end_array (b);
}

/* Every format that @formats holds, in the order of the flags. */
static void
add_date_formats_member (JsonBuilder   *b,
                         const char    *name,
                         CstDateFormat  formats)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint bit = 0; (1u << bit) & CST_DATE_FORMAT_ALL; bit++)
    if ((guint) formats & (1u << bit))
      json_builder_add_string_value (b, cst_date_format_to_string (1u << bit));
  json_builder_end_array (b);
}

/* Finds the column --map names: its exact header name, or else the one header that matches
 * it ignoring case. */
static int
find_column (const CstImportPlan *plan,
             const char          *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  int found = -1;

  for (guint c = 0; c < plan->n_columns; c++)
    if (g_str_equal (plan->column_names[c], name))
      return c;
  for (guint c = 0; c < plan->n_columns; c++)
    {
      g_autofree char *other = g_utf8_casefold (plan->column_names[c], -1);

      if (g_str_equal (folded, other))
        {
          if (found >= 0)
            return -1;
          found = c;
        }
    }
  return found;
}

static void
add_mapping_member (JsonBuilder         *b,
                    const CstImportPlan *plan)
{
  json_builder_set_member_name (b, "mapping");
  json_builder_begin_object (b);
  for (guint c = 0; c < plan->n_columns; c++)
    {
      json_builder_set_member_name (b, plan->column_names[c]);
      json_builder_add_string_value (b, cst_role_to_string (plan->roles[c]));
    }
  json_builder_end_object (b);
}

static void
print_mapping (const CstImportPlan *plan)
{
  for (guint c = 0; c < plan->n_columns; c++)
    if (plan->roles[c] != CST_ROLE_NONE)
      printf ("    %-24s → %s\n", plan->column_names[c], cst_role_get_label (plan->roles[c]));
}

/* Progress on a terminal only: a log or a pipe gets the result alone. */
static void
progress_cb (double      fraction,
             const char *message,
             gpointer    user_data)
{
  fprintf (stderr, "\r%s… %3.0f %%", message != NULL ? message : "", 100 * fraction);
  fflush (stderr);
}

/* Removes a project this run created when nothing was imported into it, so a failed first
 * import leaves the folder as it was. SQLite's journal files go with it. */
static void
remove_new_project (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_remove (file);
    }
}

/* Import */

typedef struct
{
  CstImportPlan   *plan;
  CstImportReport  report;
  gboolean         imported;
} FileImport;

static void
file_import_clear (FileImport *file)
{
  g_clear_pointer (&file->plan, cst_import_plan_free);
}

static void
print_import_json (const char              *project,
                   GArray                  *files,
                   const CstIdentityReport *identity,
                   gboolean                 matched,
                   double                   seconds)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gsize n_rows = 0, n_imported = 0, n_rejected = 0;

  json_builder_begin_object (b);
  cst_cli_json_add_string (b, "project", project);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < files->len; i++)
    {
      const FileImport *file = &g_array_index (files, FileImport, i);
      const CstImportPlan *plan = file->plan;
      g_autofree char *notice = cst_import_plan_dup_notice (plan);

      n_rows += file->report.n_rows;
      n_imported += file->report.n_imported;
      n_rejected += file->report.n_rejected;

      json_builder_begin_object (b);
      cst_cli_json_add_string (b, "file", plan->display_name);
      cst_cli_json_add_string (b, "path", plan->path);
      cst_cli_json_add_string (b, "kind", cst_file_kind_to_string (plan->kind));
      cst_cli_json_add_string (b, "export", export_nicks[plan->inference->export]);
      cst_cli_json_add_string (b, "detected_export", plan->inference->detected_export);
      cst_cli_json_add_string (b, "notice", notice);
      json_builder_set_member_name (b, "source_id");
      json_builder_add_int_value (b, file->report.source_id);
      json_builder_set_member_name (b, "rows");
      json_builder_add_int_value (b, file->report.n_rows);
      json_builder_set_member_name (b, "imported");
      json_builder_add_int_value (b, file->report.n_imported);
      json_builder_set_member_name (b, "rejected");
      json_builder_add_int_value (b, file->report.n_rejected);
      add_mapping_member (b, plan);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, file->report.seconds);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "rows");
  json_builder_add_int_value (b, n_rows);
  json_builder_set_member_name (b, "imported");
  json_builder_add_int_value (b, n_imported);
  json_builder_set_member_name (b, "rejected");
  json_builder_add_int_value (b, n_rejected);
  if (matched)
    {
      json_builder_set_member_name (b, "records");
      json_builder_add_int_value (b, identity->n_records);
      json_builder_set_member_name (b, "people");
      json_builder_add_int_value (b, identity->n_people);
      json_builder_set_member_name (b, "seconds_identity");
      json_builder_add_double_value (b, identity->seconds);
    }
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, seconds);
  json_builder_end_object (b);
  cst_cli_print_json (b);
}

static void
print_import (const char              *project,
              GArray                  *files,
              const CstIdentityReport *identity,
              gboolean                 matched,
              double                   seconds)
{
  for (guint i = 0; i < files->len; i++)
    {
      const FileImport *file = &g_array_index (files, FileImport, i);
      const CstImportPlan *plan = file->plan;
      g_autofree char *notice = cst_import_plan_dup_notice (plan);

      /* Translators: a file's name and what it holds ("Transactions") */
      printf (_("%s (%s)\n"), plan->display_name, cst_file_kind_get_label (plan->kind));
      if (plan->inference->detected_export != NULL)
        printf ("    %s\n", plan->inference->detected_export);
      if (notice != NULL)
        printf ("    %s\n", notice);
      printf (_("    %zu rows read, %zu imported, %zu rejected in %.2f s\n"),
              file->report.n_rows, file->report.n_imported, file->report.n_rejected,
              file->report.seconds);
      print_mapping (plan);
    }
  if (matched)
    printf (_("%zu records → %zu people in %.2f s\n"), identity->n_records, identity->n_people,
            identity->seconds);
  /* Translators: the project file and the seconds the whole import took */
  printf (_("Project %s updated in %.2f s\n"), project, seconds);
}

int
cst_cli_import (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *project = NULL;
  g_autofree char *kind_text = NULL;
  g_auto(GStrv) map_texts = NULL;
  g_auto(GStrv) inputs = NULL;
  g_autoptr(GArray) maps = NULL;
  g_autoptr(GArray) files = NULL;
  g_autoptr(CstStore) store = NULL;
  CstIdentityReport identity = { 0 };
  CstFileKind kind = CST_FILE_KIND_UNKNOWN;
  gboolean json = FALSE;
  gboolean created;
  gboolean matched = FALSE;
  guint n_imported = 0;
  gint64 start = g_get_monotonic_time ();
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_FILENAME, &project, N_("The project file (.constellate); made if it does not exist"), N_("FILE") },
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_text, N_("What the files hold: contacts, transactions, events or engagement (default: detected)"), N_("KIND") },
    { "map", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &map_texts, N_("Give a column a role, e.g. “Kundennr=customer-key” (repeatable; “none” leaves a column unused)"), N_("COLUMN=ROLE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, N_("FILE…") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Import CSV or TSV files into a project, as the import "
                                           "wizard does: detect how each file is written and what its "
                                           "columns mean, keep every row, and match people again."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv))
    return 2;
  if (project == NULL)
    return cst_cli_usage_error (_("--project FILE is required"));
  if (inputs == NULL || inputs[0] == NULL)
    return cst_cli_usage_error (_("name at least one file to import"));
  if (kind_text != NULL && !parse_kind (kind_text, &kind))
    return cst_cli_usage_error (_("--kind must be “contacts”, “transactions”, “events” or “engagement”"));

  maps = g_array_new (FALSE, TRUE, sizeof (Mapping));
  g_array_set_clear_func (maps, (GDestroyNotify) mapping_clear);
  for (guint i = 0; map_texts != NULL && map_texts[i] != NULL; i++)
    {
      const char *equals = strrchr (map_texts[i], '=');
      Mapping mapping = { 0 };

      if (equals == NULL || equals == map_texts[i])
        {
          g_autofree char *message =
            g_strdup_printf (_("--map “%s” must be written COLUMN=ROLE"), map_texts[i]);
          return cst_cli_usage_error (message);
        }
      mapping.role = cst_role_from_string (equals + 1);
      if (mapping.role == CST_ROLE_NONE && !g_str_equal (equals + 1, "none"))
        {
          g_autofree char *roles = dup_role_list ();
          g_autofree char *message =
            /* Translators: the role a user typed, then the list of roles */
            g_strdup_printf (_("--map: unknown role “%s”; the roles are: %s"), equals + 1, roles);
          return cst_cli_usage_error (message);
        }
      mapping.column = g_strndup (map_texts[i], equals - map_texts[i]);
      g_array_append_val (maps, mapping);
    }

  /* Everything that can go wrong before importing does so before the project is touched. */
  files = g_array_new (FALSE, TRUE, sizeof (FileImport));
  g_array_set_clear_func (files, (GDestroyNotify) file_import_clear);
  for (guint i = 0; inputs[i] != NULL; i++)
    {
      FileImport file = { 0 };

      file.plan = cst_import_plan_new (inputs[i], NULL, &error);
      if (file.plan == NULL)
        return cst_cli_fail (error);
      if (kind != CST_FILE_KIND_UNKNOWN)
        cst_import_plan_set_kind (file.plan, kind);
      for (guint m = 0; m < maps->len; m++)
        {
          Mapping *mapping = &g_array_index (maps, Mapping, m);
          int column = find_column (file.plan, mapping->column);

          if (column < 0)
            continue;
          cst_import_plan_set_role (file.plan, column, mapping->role);
          mapping->used = TRUE;
        }
      g_array_append_val (files, file);
    }
  for (guint m = 0; m < maps->len; m++)
    {
      const Mapping *mapping = &g_array_index (maps, Mapping, m);

      if (!mapping->used)
        {
          const CstImportPlan *first = g_array_index (files, FileImport, 0).plan;
          g_autofree char *columns = g_strjoinv (", ", first->column_names);
          g_autofree char *message = NULL;

          if (files->len == 1)
            /* Translators: a file name, a column name, then the file’s columns */
            message = g_strdup_printf (_("--map: “%s” has no column “%s”; its columns are: %s"),
                                       first->display_name, mapping->column, columns);
          else
            message = g_strdup_printf (_("--map: no file has a column “%s”"), mapping->column);
          return cst_cli_usage_error (message);
        }
    }
  {
    g_autoptr(GPtrArray) plans = g_ptr_array_new ();

    for (guint i = 0; i < files->len; i++)
      g_ptr_array_add (plans, g_array_index (files, FileImport, i).plan);
    cst_import_plans_link_orders (plans);
  }
  for (guint i = 0; i < files->len; i++)
    if (!cst_import_plan_validate (g_array_index (files, FileImport, i).plan, &error))
      return cst_cli_fail (error);

  created = !g_file_test (project, G_FILE_TEST_EXISTS);
  store = cst_store_open (project, &error);
  if (store == NULL)
    return cst_cli_fail (error);

  for (guint i = 0; i < files->len; i++)
    {
      FileImport *file = &g_array_index (files, FileImport, i);
      gboolean show_progress = !json && isatty (STDERR_FILENO);

      if (!cst_import_file (store, file->plan, &file->report, NULL,
                            show_progress ? progress_cb : NULL, NULL, &error))
        {
          if (show_progress)
            fprintf (stderr, "\n");
          break;
        }
      if (show_progress)
        fprintf (stderr, "\r\033[K");
      file->imported = TRUE;
      n_imported++;
    }

  /* Records without people would be left out of every segment: match whatever was imported,
   * also when a later file failed. */
  if (n_imported > 0)
    {
      g_autoptr(GError) identity_error = NULL;

      matched = cst_identity_match_by_email (store, &identity, NULL, NULL, NULL, &identity_error);
      if (!matched && error == NULL)
        error = g_steal_pointer (&identity_error);
    }

  if (error != NULL)
    {
      g_clear_pointer (&store, cst_store_close);
      if (created && n_imported == 0)
        remove_new_project (project);
      for (guint i = 0; i < files->len; i++)
        if (g_array_index (files, FileImport, i).imported)
          fprintf (stderr, _("%s: “%s” was imported; the files after it were not\n"),
                   g_get_prgname (), g_array_index (files, FileImport, i).plan->display_name);
      return cst_cli_fail (error);
    }

  if (json)
    print_import_json (project, files, &identity, matched,
                       (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  else
    print_import (project, files, &identity, matched,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  return 0;
}

/* Inspect */

static void
print_inspect_json (const CstImportPlan *plan)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const CstSniffResult *sniff = plan->sniff;
  const CstInference *inference = plan->inference;

  json_builder_begin_object (b);
  cst_cli_json_add_string (b, "file", plan->display_name);
  cst_cli_json_add_string (b, "path", plan->path);
  cst_cli_json_add_string (b, "encoding", plan->encoding);
  json_builder_set_member_name (b, "bom");
  json_builder_add_boolean_value (b, sniff->has_bom);
  add_char_member (b, "delimiter", plan->delimiter);
  json_builder_set_member_name (b, "header");
  json_builder_add_boolean_value (b, plan->has_header);
  add_char_member (b, "decimal", plan->decimal);
  add_char_member (b, "thousands", plan->thousands);
  json_builder_set_member_name (b, "rows_sampled");
  json_builder_add_int_value (b, sniff->rows->len);
  json_builder_set_member_name (b, "truncated");
  json_builder_add_boolean_value (b, sniff->truncated);
  cst_cli_json_add_string (b, "kind", cst_file_kind_to_string (plan->kind));
  json_builder_set_member_name (b, "kind_confidence");
  json_builder_add_double_value (b, inference->kind_confidence);
  cst_cli_json_add_string (b, "export", export_nicks[inference->export]);
  cst_cli_json_add_string (b, "detected_export", inference->detected_export);

  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (guint c = 0; c < plan->n_columns; c++)
    {
      const CstColumnInference *ci = &inference->columns[c];
      const CstSniffColumn *sc = &sniff->columns[c];

      json_builder_begin_object (b);
      cst_cli_json_add_string (b, "name", plan->column_names[c]);
      cst_cli_json_add_string (b, "type", cst_column_type_to_string (ci->type));
      json_builder_set_member_name (b, "type_confidence");
      json_builder_add_double_value (b, ci->type_confidence);
      cst_cli_json_add_string (b, "role", cst_role_to_string (plan->roles[c]));
      /* A role that the exact header name gave, against what the sampled values said, has
       * no confidence of the inference's to report. */
      json_builder_set_member_name (b, "confidence");
      if (plan->roles[c] == ci->role)
        json_builder_add_double_value (b, ci->confidence);
      else
        json_builder_add_null_value (b);
      cst_cli_json_add_string (b, "date_format", plan->date_formats[c] != CST_DATE_FORMAT_NONE
                                                 ? cst_date_format_to_string (plan->date_formats[c])
                                                 : NULL);
      add_date_formats_member (b, "date_formats_fitting", sc->date_formats);
      json_builder_set_member_name (b, "date_ambiguous");
      json_builder_add_boolean_value (b, sc->date_ambiguous);
      json_builder_set_member_name (b, "n_date_formats");
      json_builder_add_int_value (b, sc->n_date_formats);
      cst_cli_json_add_string (b, "currency", ci->currency);
      json_builder_set_member_name (b, "values");
      json_builder_add_int_value (b, ci->n_values);
      json_builder_set_member_name (b, "empty");
      json_builder_add_int_value (b, ci->n_empty);
      json_builder_set_member_name (b, "distinct");
      json_builder_add_int_value (b, ci->n_distinct);
      add_strv_member (b, "samples", (const char * const *) ci->samples);
      add_strv_member (b, "warnings", (const char * const *) ci->warnings);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cst_cli_print_json (b);
}

static void
print_inspect (const CstImportPlan *plan)
{
  const CstSniffResult *sniff = plan->sniff;
  const CstInference *inference = plan->inference;

  printf ("%s\n", plan->display_name);
  printf (_("  Encoding:            %s%s\n"), plan->encoding,
          sniff->has_bom ? _(" (with byte-order mark)") : "");
  printf (_("  Delimiter:           %s\n"), delimiter_label (plan->delimiter));
  printf (_("  Header row:          %s\n"), plan->has_header ? _("yes") : _("no"));
  printf (_("  Decimal separator:   %c\n"), plan->decimal);
  printf (_("  Thousands separator: %s\n"), thousands_label (plan->thousands));
  printf (_("  What it holds:       %s (confidence %.2f)\n"), cst_file_kind_get_label (plan->kind),
          inference->kind_confidence);
  if (inference->detected_export != NULL)
    printf ("  %s\n", inference->detected_export);
  if (sniff->truncated)
    printf (_("  Read from the first %u rows; the file is longer.\n"), sniff->rows->len);
  printf ("\n");

  for (guint c = 0; c < plan->n_columns; c++)
    {
      const CstColumnInference *ci = &inference->columns[c];
      const CstSniffColumn *sc = &sniff->columns[c];

      printf ("  %s\n", plan->column_names[c]);
      printf (_("      Type: %s (%.0f %% of values)\n"), cst_column_type_get_label (ci->type),
              100 * ci->type_confidence);
      if (plan->roles[c] == CST_ROLE_NONE)
        printf (_("      Role: %s\n"), cst_role_get_label (CST_ROLE_NONE));
      else if (plan->roles[c] == ci->role)
        printf (_("      Role: %s (confidence %.2f)\n"), cst_role_get_label (plan->roles[c]),
                ci->confidence);
      else
        printf (_("      Role: %s (from the column’s name)\n"), cst_role_get_label (plan->roles[c]));
      if (plan->date_formats[c] != CST_DATE_FORMAT_NONE)
        printf (_("      Dates: %s%s\n"), cst_date_format_to_string (plan->date_formats[c]),
                sc->date_ambiguous ? _(" (day or month first cannot be told apart: check)") : "");
      for (guint w = 0; ci->warnings != NULL && ci->warnings[w] != NULL; w++)
        printf ("      ⚠ %s\n", ci->warnings[w]);
    }
}

int
cst_cli_inspect (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstImportPlan) plan = NULL;
  g_auto(GStrv) inputs = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Show how a file would be read, without importing it: "
                                           "encoding, delimiter, header row, number and date "
                                           "formats, and each column’s type and role."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cst_cli_parse_options (context, &argc, &argv))
    return 2;
  if (inputs == NULL || inputs[0] == NULL || inputs[1] != NULL)
    return cst_cli_usage_error (_("name exactly one file to inspect"));

  plan = cst_import_plan_new (inputs[0], NULL, &error);
  if (plan == NULL)
    return cst_cli_fail (error);

  if (json)
    print_inspect_json (plan);
  else
    print_inspect (plan);
  return 0;
}
