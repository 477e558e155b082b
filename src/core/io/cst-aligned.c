/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-aligned"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cst-aligned.h"
#include "cst-csv.h"

#define SAMPLE_BYTES (64 * 1024)
#define MIN_LINES    3

/* Splits a line at runs of blanks, leading and trailing blanks dropped. */
static char **
split_blanks (const char *line)
{
  g_autoptr(GStrvBuilder) fields = g_strv_builder_new ();
  const char *p = line;

  while (*p != '\0')
    {
      const char *start;
      g_autofree char *field = NULL;

      while (*p == ' ')
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && *p != ' ')
        p++;
      field = g_strndup (start, p - start);
      g_strv_builder_add (fields, field);
    }
  return g_strv_builder_end (fields);
}

/**
 * cst_aligned_detect:
 * @path: a text file
 *
 * Whether the file's first lines (up to 64 kB) are a table aligned with blanks: at least three
 * non-empty lines, four in five of them with the same number (two or more) of blank-separated
 * fields, at least one
 * run of two or more blanks (alignment, not prose), and none of the characters a delimited
 * export would use (`,` `;` `|` tab `"`). The last, possibly cut, line of the sample is not
 * judged.
 *
 * Returns: %TRUE for an aligned table
 */
gboolean
cst_aligned_detect (const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *buffer = g_malloc (SAMPLE_BYTES + 1);
  g_auto(GStrv) lines = NULL;
  gssize n_read;
  guint n_fields = 0, n_lines = 0, n_all;
  GHashTable *counts;
  gboolean aligned = FALSE;

  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, NULL);
  if (stream == NULL)
    return FALSE;
  n_read = g_input_stream_read (G_INPUT_STREAM (stream), buffer, SAMPLE_BYTES, NULL, NULL);
  if (n_read <= 0)
    return FALSE;
  buffer[n_read] = '\0';
  if (memchr (buffer, '\0', n_read) != NULL || !g_utf8_validate (buffer, n_read, NULL))
    return FALSE;
  if (strpbrk (buffer, ",;|\t\"") != NULL)
    return FALSE;

  lines = g_strsplit (buffer, "\n", -1);
  n_all = g_strv_length (lines);
  /* The sample may end inside a line: leave that one out unless the file ended there too. */
  if (n_read == SAMPLE_BYTES && n_all > 1)
    n_all--;
  counts = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < n_all; i++)
    {
      g_auto(GStrv) fields = NULL;
      char *line = lines[i];
      gsize len = strlen (line);
      guint n;

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      fields = split_blanks (line);
      if (fields[0] == NULL)
        continue;
      n = g_strv_length (fields);
      g_hash_table_insert (counts, GUINT_TO_POINTER (n),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (n))) + 1));
      aligned |= strstr (line, "  ") != NULL;
      n_lines++;
    }

  /* Most lines have the same number of fields; a few broken rows are the importer's to reject. */
  {
    GHashTableIter iter;
    gpointer key, value;
    guint best = 0;

    g_hash_table_iter_init (&iter, counts);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (GPOINTER_TO_UINT (value) > best)
        {
          best = GPOINTER_TO_UINT (value);
          n_fields = GPOINTER_TO_UINT (key);
        }
    g_hash_table_unref (counts);
    return n_lines >= MIN_LINES && n_fields >= 2 && aligned && best >= 0.8 * n_lines;
  }
}

/**
 * cst_aligned_convert_to_csv:
 * @path: a table aligned with blanks (cst_aligned_detect())
 * @cancellable: (nullable): checked every few thousand lines
 * @error: return location for a #GError naming the file
 *
 * Writes the table as a temporary UTF-8 CSV with one line per line of the file, so that line
 * numbers stay the file's; a line with another number of fields stays so (the importer rejects
 * it with its reason, the row is never lost).
 *
 * Cost: one pass; memory holds one line.
 *
 * Returns: (transfer full) (nullable): the CSV's path, which the caller deletes
 */
char *
cst_aligned_convert_to_csv (const char    *path,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GFileIOStream) io = NULL;
  g_autoptr(GFile) out_file = NULL;
  g_autoptr(GBufferedOutputStream) out = NULL;
  g_autofree char *out_path = NULL;
  g_autoptr(GError) local_error = NULL;
  char *line;
  gsize length;
  guint64 n = 0;

  input = g_file_read (file, cancellable, error);
  if (input == NULL)
    return NULL;
  out_file = g_file_new_tmp ("constellate-aligned-XXXXXX.csv", &io, error);
  if (out_file == NULL)
    return NULL;
  out_path = g_file_get_path (out_file);
  out = G_BUFFERED_OUTPUT_STREAM (g_buffered_output_stream_new_sized (
                                    g_io_stream_get_output_stream (G_IO_STREAM (io)), 1 << 16));
  lines = g_data_input_stream_new (G_INPUT_STREAM (input));
  g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_ANY);

  while ((line = g_data_input_stream_read_line (lines, &length, cancellable, &local_error)) != NULL)
    {
      g_auto(GStrv) fields = split_blanks (line);
      g_autoptr(GString) row = g_string_new (NULL);

      g_free (line);
      for (guint i = 0; fields[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (row, ',');
          cst_csv_append_field (row, fields[i]);
        }
      g_string_append (row, "\r\n");
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), row->str, row->len, NULL, cancellable, &local_error))
        break;
      if (++n % 4096 == 0 && g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        break;
    }
  if (local_error == NULL)
    g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &local_error);
  if (local_error == NULL)
    g_io_stream_close (G_IO_STREAM (io), cancellable, &local_error);

  if (local_error != NULL)
    {
      g_autofree char *display = g_filename_display_basename (path);

      g_unlink (out_path);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not read “%s”: %s"), display,
                     local_error->message);
      return NULL;
    }
  return g_steal_pointer (&out_path);
}
