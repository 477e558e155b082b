/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-rejected"

#include "config.h"


#include "cst-rejected.h"

#include "cst-members.h"
#include "store/cst-store.h"

/* "Save rejected rows…": the rows a project kept only raw, with why, as a CSV a marketer can
 * fix in a spreadsheet and import again. */

typedef struct
{
  GOutputStream  *out;
  GString        *line;
  GError        **error;
  gboolean        failed;
} Writer;

static void
append_field (GString    *line,
              const char *value)
{
  g_autofree char *escaped = cst_csv_escape_field (value);

  if (line->len > 0)
    g_string_append_c (line, ',');
  g_string_append (line, escaped);
}

static gboolean
write_row_cb (gint64      source_id,
              const char *source_name,
              gint64      row_number,
              gint64      line,
              const char *column_name,
              const char *reason,
              const char *raw,
              gpointer    user_data)
{
  Writer *writer = user_data;
  char number[32];

  g_string_truncate (writer->line, 0);
  append_field (writer->line, source_name);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, row_number);
  append_field (writer->line, number);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, line);
  append_field (writer->line, line > 0 ? number : NULL);
  append_field (writer->line, column_name);
  append_field (writer->line, reason);
  append_field (writer->line, raw);
  g_string_append_c (writer->line, '\n');

  if (!g_output_stream_write_all (writer->out, writer->line->str, writer->line->len, NULL, NULL,
                                  writer->error))
    {
      writer->failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_rejected_rows_write_csv:
 * @project_path: a project
 * @source_id: the source whose rejected rows to write, or -1 for those of every source
 * @out_path: the CSV file to write; an existing file is replaced only once the new one is
 *   complete
 * @error: return location for a #GError
 *
 * Writes `file,row,line,column,reason,raw` for every rejected row, in file order: the file's
 * name, the data row's number, the line it starts on, the column to blame (empty when the
 * row as a whole was wrong), the reason, and the row exactly as it was in the file. Fields
 * are quoted per RFC 4180 and defused against formula injection (cst_csv_escape_field()).
 *
 * Cost: one pass over the rejected rows, streamed: constant memory.
 *
 * Returns: %TRUE on success
 */
gboolean
cst_rejected_rows_write_csv (const char  *project_path,
                             gint64       source_id,
                             const char  *out_path,
                             GError     **error)
{
  g_autoptr(CstStore) store = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) file_out = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GCancellable) abandon = g_cancellable_new ();
  static const char header[] = "file,row,line,column,reason,raw\n";
  Writer writer = { NULL, line, error, FALSE };
  gboolean existed;

  g_return_val_if_fail (project_path != NULL, FALSE);
  g_return_val_if_fail (out_path != NULL, FALSE);

  store = cst_store_open (project_path, error);
  if (store == NULL)
    return FALSE;

  file = g_file_new_for_path (out_path);
  existed = g_file_query_exists (file, NULL);
  file_out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (file_out == NULL)
    return FALSE;
  out = g_buffered_output_stream_new (G_OUTPUT_STREAM (file_out));
  writer.out = out;

  if (!g_output_stream_write_all (out, header, sizeof header - 1, NULL, NULL, error))
    goto fail;
  if (!cst_store_foreach_rejected_row (store, source_id, write_row_cb, &writer, error) ||
      writer.failed)
    goto fail;
  return g_output_stream_close (out, NULL, error);

fail:
  /* Closing a replace with a cancelled cancellable keeps the old file and drops the new
   * text; a file that did not exist before is removed. */
  g_cancellable_cancel (abandon);
  g_output_stream_close (out, abandon, NULL);
  if (!existed)
    g_file_delete (file, NULL, NULL);
  return FALSE;
}
