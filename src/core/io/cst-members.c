/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-members"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cst-members.h"
#include "store/cst-store.h"

static void
member_free (gpointer data)
{
  CstMember *member = data;

  g_free (member->email);
  g_free (member->first_name);
  g_free (member->last_name);
  g_free (member);
}

static gboolean
collect_member (gint64      person_id,
                const char *email,
                const char *first_name,
                const char *last_name,
                gint64      orders,
                double      total_spend,
                gint64      last_order,
                gpointer    user_data)
{
  CstMember *member = g_new0 (CstMember, 1);

  member->person_id = person_id;
  member->email = g_strdup (email);
  member->first_name = g_strdup (first_name);
  member->last_name = g_strdup (last_name);
  member->orders = orders;
  member->total_spend = total_spend;
  member->last_order = last_order;
  g_ptr_array_add (user_data, member);
  return TRUE;
}

/**
 * cst_members_load:
 * @project_path: a project
 * @run_id: a segmentation run of it
 * @segment: a segment of the run
 *
 * Opens the project on the calling thread and reads the segment's people, biggest spenders
 * first.
 *
 * Returns: (transfer full) (element-type CstMember) (nullable): the members
 */
GPtrArray *
cst_members_load (const char  *project_path,
                  gint64       run_id,
                  guint        segment,
                  GError     **error)
{
  g_autoptr(CstStore) store = cst_store_open (project_path, error);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (member_free);

  if (store == NULL ||
      !cst_store_foreach_segment_member (store, run_id, segment, collect_member, members, error))
    return NULL;
  return g_steal_pointer (&members);
}

/**
 * cst_csv_escape_field:
 * @value: (nullable): a field's text
 *
 * Quotes a field per RFC 4180 when it holds a comma, quote or line break, and defuses text a
 * spreadsheet would run as a formula (a leading `=`, `+`, `-`, `@`, tab or carriage return) by
 * prefixing an apostrophe, as OWASP recommends against CSV injection.
 *
 * Returns: (transfer full): the field as it goes into the file
 */
char *
cst_csv_escape_field (const char *value)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean quote;

  if (value == NULL)
    return g_strdup ("");
  if (strchr ("=+-@\t\r", value[0]) != NULL && value[0] != '\0')
    g_string_append_c (out, '\'');
  g_string_append (out, value);

  quote = strpbrk (out->str, ",\"\n\r") != NULL;
  if (quote)
    {
      g_string_replace (out, "\"", "\"\"", 0);
      g_string_prepend_c (out, '"');
      g_string_append_c (out, '"');
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * cst_members_write_csv:
 * @members: (element-type CstMember): people to write
 * @path: the file to write; replaced atomically
 *
 * Writes email, first name, last name, orders, total spend and last order date as UTF-8 CSV.
 */
gboolean
cst_members_write_csv (GPtrArray   *members,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(GString) text = g_string_new ("email,first_name,last_name,orders,total_spend,last_order\n");

  for (guint i = 0; i < members->len; i++)
    {
      const CstMember *m = g_ptr_array_index (members, i);
      g_autofree char *email = cst_csv_escape_field (m->email);
      g_autofree char *first = cst_csv_escape_field (m->first_name);
      g_autofree char *last = cst_csv_escape_field (m->last_name);
      g_autofree char *date = NULL;
      char spend[G_ASCII_DTOSTR_BUF_SIZE];

      if (m->last_order != CST_NO_TIME)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (m->last_order);

          date = g_date_time_format (dt, "%Y-%m-%d");
        }
      g_ascii_formatd (spend, sizeof spend, "%.2f", m->total_spend);
      g_string_append_printf (text, "%s,%s,%s,%" G_GINT64_FORMAT ",%s,%s\n",
                              email, first, last, m->orders, spend, date != NULL ? date : "");
    }

  return g_file_set_contents_full (path, text->str, text->len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
