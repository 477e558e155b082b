/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cst-cli.h"
#include "audience/cst-audience.h"
#include "audience/cst-privacy.h"

/* constellate-cli export and erase (issue 8). Both refuse to create a project: a typing
 * mistake in --project must not leave an empty project behind. */

static CstStore *
open_existing (const char  *project,
               GError     **error)
{
  if (!g_file_test (project, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *display = g_filename_display_name (project);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no project “%s”"), display);
      return NULL;
    }
  return cst_store_open (project, error);
}

static gboolean
parse_columns (const char        *text,
               CstExportOptions  *options)
{
  g_auto(GStrv) names = g_strsplit (text, ",", -1);

  options->n_columns = 0;
  for (guint i = 0; names[i] != NULL; i++)
    {
      CstAudienceColumn column;

      g_strstrip (names[i]);
      if (!cst_audience_column_from_id (names[i], &column) || options->n_columns >= CST_AUDIENCE_N_COLUMNS)
        return FALSE;
      options->columns[options->n_columns++] = column;
    }
  return options->n_columns > 0;
}

int
cst_cli_export (int    argc,
                char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstAudience) audience = NULL;
  g_autofree char *project = NULL;
  g_autofree char *segment = NULL;
  g_autofree char *holdout = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *format = NULL;
  g_autofree char *platform = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *country = NULL;
  g_autofree char *out = NULL;
  gboolean json = FALSE;
  CstExportOptions options;
  CstExportSummary summary = { 0 };
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_FILENAME, &project, N_("The project file (.constellate)"), N_("FILE") },
    { "segment", 0, 0, G_OPTION_ARG_STRING, &segment, N_("A segment of the newest run, by number or name"), N_("ID|NAME") },
    { "holdout", 0, 0, G_OPTION_ARG_STRING, &holdout, N_("Share held back as a control group, 0–0.9 (default 0.1, or the audience’s stored share)"), N_("F") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, N_("Seed of the holdout draw (default: the stored one, or one from the audience)"), N_("S") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("csv, xlsx or hashed (SHA-256 customer list)"), N_("FORMAT") },
    { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, N_("Layout of a hashed list: google (default) or meta"), N_("NAME") },
    { "columns", 0, 0, G_OPTION_ARG_STRING, &columns, N_("Columns of a CSV or XLSX, comma-separated (email,first_name,last_name,phone,country,postcode,city,customer_key,consent,orders,total_spend,last_order,segment,person_id)"), N_("LIST") },
    { "country", 0, 0, G_OPTION_ARG_STRING, &country, N_("Only people of this country (ISO code)"), N_("CC") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The file to write"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  if (!cst_cli_parse_command (_("Export a segment of the newest run as an audience. People who refused "
                                 "consent are left out; a seeded holdout group is held back from every export "
                                 "of the same audience."),
                              entries, &argc, &argv))
    return 2;
  if (project == NULL || segment == NULL || format == NULL || out == NULL)
    return cst_cli_usage_error (_("--project, --segment, --format and --out are required"));

  cst_export_options_init (&options);
  if (!cst_export_format_from_string (format, &options.format))
    return cst_cli_usage_error (_("--format must be csv, xlsx or hashed"));
  if (platform != NULL && !cst_hashed_platform_from_string (platform, &options.platform))
    return cst_cli_usage_error (_("--platform must be google or meta"));
  if (columns != NULL && !parse_columns (columns, &options))
    return cst_cli_usage_error (_("--columns lists unknown columns"));
  if (holdout != NULL)
    {
      char *end = NULL;

      options.holdout_share = g_ascii_strtod (holdout, &end);
      if (end == holdout || *end != '\0' || !(options.holdout_share >= 0 && options.holdout_share <= 0.9))
        return cst_cli_usage_error (_("--holdout must be a share between 0 and 0.9"));
    }
  if (seed != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (seed, 10, 0, G_MAXUINT32, &value, NULL))
        return cst_cli_usage_error (_("--seed must be a whole number between 0 and 4294967295"));
      options.has_seed = TRUE;
      options.seed = (guint32) value;
    }

  store = open_existing (project, &error);
  if (store == NULL)
    return cst_cli_fail (error);
  audience = cst_audience_new_from_segment (store, segment, &error);
  if (audience == NULL)
    return cst_cli_fail (error);
  cst_audience_set_country (audience, country);
  if (!cst_audience_export (store, audience, &options, out, &summary, NULL, NULL, NULL, &error))
    return cst_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      cst_cli_json_add_string (builder, "segment", cst_audience_get_name (audience));
      cst_cli_json_add_string (builder, "format", format);
      cst_cli_json_add_string (builder, "out", out);
      cst_cli_json_add_int (builder, "audience_id", summary.audience_id);
      cst_cli_json_add_int (builder, "candidates", (gint64) summary.n_candidates);
      cst_cli_json_add_int (builder, "no_consent", (gint64) summary.n_no_consent);
      cst_cli_json_add_int (builder, "filtered", (gint64) summary.n_filtered);
      cst_cli_json_add_int (builder, "eligible", (gint64) summary.n_eligible);
      cst_cli_json_add_int (builder, "held", (gint64) summary.n_held);
      cst_cli_json_add_int (builder, "written", (gint64) summary.n_written);
      cst_cli_json_add_int (builder, "no_identifier", (gint64) summary.n_no_identifier);
      cst_cli_json_add_int (builder, "dropped_sensitive_columns", (gint64) summary.n_dropped_columns);
      cst_cli_json_add_double (builder, "holdout_share", summary.holdout_share);
      cst_cli_json_add_int (builder, "seed", summary.seed);
      cst_cli_json_add_boolean (builder, "holdout_reused", summary.holdout_reused);
      cst_cli_json_add_int (builder, "bytes", (gint64) summary.bytes);
      cst_cli_json_add_double (builder, "seconds", summary.seconds);
      json_builder_end_object (builder);
      cst_cli_print_json (builder);
    }
  else
    printf (_("Wrote %zu people of “%s” to %s; held back %zu (%.1f %%, seed %u); left out %zu without consent and %zu by rules\n"),
            summary.n_written, cst_audience_get_name (audience), out, summary.n_held, summary.holdout_share * 100.0,
            summary.seed, summary.n_no_consent, summary.n_filtered);
  return 0;
}

/* What an erasure would remove, per file, without changing anything. */
static int
print_erase_preview (CstStore   *store,
                     gint64      person_id,
                     const char *email,
                     gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) counts = g_array_new (FALSE, TRUE, sizeof (CstPersonRecordCount));
  gint64 total = 0;

  g_array_set_clear_func (counts, cst_person_record_count_clear);
  if (person_id > 0)
    g_array_append_val (ids, person_id);
  else if (!cst_store_audience_people_by_email (store, email, ids, &error))
    return cst_cli_fail (error);
  if (!cst_store_audience_count_person_records (store, (const gint64 *) (void *) ids->data, ids->len, counts, &error))
    return cst_cli_fail (error);
  for (guint i = 0; i < counts->len; i++)
    total += g_array_index (counts, CstPersonRecordCount, i).n_records;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      cst_cli_json_add_boolean (builder, "dry_run", TRUE);
      cst_cli_json_add_int (builder, "people", ids->len);
      cst_cli_json_add_int (builder, "records", total);
      json_builder_set_member_name (builder, "sources");
      json_builder_begin_array (builder);
      for (guint i = 0; i < counts->len; i++)
        {
          const CstPersonRecordCount *count = &g_array_index (counts, CstPersonRecordCount, i);

          json_builder_begin_object (builder);
          cst_cli_json_add_int (builder, "id", count->source_id);
          cst_cli_json_add_string (builder, "name", count->source_name);
          cst_cli_json_add_int (builder, "records", count->n_records);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      cst_cli_print_json (builder);
    }
  else
    {
      {
        g_autofree char *records = g_strdup_printf ("%" G_GINT64_FORMAT, total);
        g_autofree char *people = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person", "%u people", ids->len),
                                                   ids->len);

        /* Translators: "Would erase 1 person and 46 records:" (%s are the two counts) */
        printf (g_dngettext (GETTEXT_PACKAGE, "Would erase %s and %s record:\n", "Would erase %s and %s records:\n",
                             (gulong) total),
                people, records);
      }
      for (guint i = 0; i < counts->len; i++)
        {
          const CstPersonRecordCount *count = &g_array_index (counts, CstPersonRecordCount, i);

          printf ("  %s: %" G_GINT64_FORMAT "\n", count->source_name, count->n_records);
        }
    }
  return 0;
}

int
cst_cli_erase (int    argc,
               char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = NULL;
  g_autoptr(GTimer) timer = NULL;
  g_autofree char *project = NULL;
  g_autofree char *email = NULL;
  g_autofree char *person = NULL;
  gboolean json = FALSE;
  gboolean dry_run = FALSE;
  gint64 person_id = 0;
  CstErasure result = { 0 };
  const GOptionEntry entries[] = {
    { "project", 'p', 0, G_OPTION_ARG_FILENAME, &project, N_("The project file (.constellate)"), N_("FILE") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Erase every person and record with this address"), N_("E") },
    { "person", 0, 0, G_OPTION_ARG_STRING, &person, N_("Erase the person with this internal number"), N_("ID") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, N_("Only count what would be erased, per file"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };

  if (!cst_cli_parse_command (_("Erase a person from a project: every record, raw row, link, assignment and "
                                 "score, in one transaction, with freed bytes overwritten. An audit entry keeps "
                                 "only the internal number and the time."),
                              entries, &argc, &argv))
    return 2;
  if (project == NULL || (email == NULL) == (person == NULL))
    return cst_cli_usage_error (_("--project and exactly one of --email or --person are required"));
  if (person != NULL && !g_ascii_string_to_signed (person, 10, 1, G_MAXINT64, &person_id, NULL))
    return cst_cli_usage_error (_("--person must be a person number"));
  if (email != NULL && *g_strstrip (email) == '\0')
    return cst_cli_usage_error (_("--email must not be empty"));

  timer = g_timer_new ();
  store = open_existing (project, &error);
  if (store != NULL && dry_run)
    return print_erase_preview (store, person_id, email, json);
  if (store == NULL || !cst_privacy_erase_person (store, person_id, email, &result, NULL, NULL, NULL, &error))
    return cst_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      cst_cli_json_add_int (builder, "audit_id", result.audit_id);
      cst_cli_json_add_int (builder, "people", result.n_people);
      cst_cli_json_add_int (builder, "records", result.n_records);
      cst_cli_json_add_int (builder, "raw_rows", result.n_raw_rows);
      cst_cli_json_add_double (builder, "seconds", g_timer_elapsed (timer, NULL));
      json_builder_end_object (builder);
      cst_cli_print_json (builder);
    }
  else
    {
      g_autofree char *people = g_strdup_printf ("%" G_GINT64_FORMAT, result.n_people);
      g_autofree char *records = g_strdup_printf ("%" G_GINT64_FORMAT, result.n_records);
      g_autofree char *raw = g_strdup_printf ("%" G_GINT64_FORMAT, result.n_raw_rows);
      g_autofree char *audit = g_strdup_printf ("%" G_GINT64_FORMAT, result.audit_id);

      /* Translators: the counts of people, records and raw rows erased, then the audit entry's number */
      printf (_("Erased people: %s, records: %s, raw rows: %s; audit entry %s\n"), people, records, raw, audit);
    }
  return 0;
}
