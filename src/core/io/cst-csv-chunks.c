/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-csv"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cst-csv-chunks.h"

#if defined (__SSE2__)
#include <emmintrin.h>
#endif

void
cst_csv_chunk_clear (CstCsvChunk *chunk)
{
  g_clear_pointer (&chunk->bytes, g_bytes_unref);
}

/* One piece's scan: its line ends, and whether it holds a quote or a NUL byte. */
typedef struct
{
  const char *data;
  gsize       length;
  guint64     newlines;
  gboolean    unsafe;
} Scan;

/* Line ends in [p, p + n), sixteen bytes at a time with SSE2: matches are counted in byte
 * lanes (at most 255 steps before they are summed), then the rest one by one. */
static guint64
count_newlines (const char *p,
                gsize       n)
{
  guint64 count = 0;
  gsize i = 0;

#if defined (__SSE2__)
  const __m128i newline = _mm_set1_epi8 ('\n');

  while (i + 16 <= n)
    {
      __m128i lanes = _mm_setzero_si128 ();
      __m128i sums;

      for (guint step = 0; step < 255 && i + 16 <= n; step++, i += 16)
        lanes = _mm_sub_epi8 (lanes, _mm_cmpeq_epi8 (_mm_loadu_si128 ((const __m128i *) (p + i)),
                                                     newline));
      sums = _mm_sad_epu8 (lanes, _mm_setzero_si128 ());
      count += (guint64) _mm_cvtsi128_si32 (sums) + (guint64) _mm_extract_epi16 (sums, 4);
    }
#endif

  for (; i < n; i++)
    count += p[i] == '\n';

  return count;
}

/* Quotes and NULs looked for with memchr() and line ends counted, 64 KiB at a time so that all
 * three read the block from the cache, and a quote ends the scan early. */
static gpointer
scan_piece (gpointer data)
{
  Scan *scan = data;

  for (gsize at = 0; at < scan->length; at += 65536)
    {
      const char *p = scan->data + at;
      const gsize n = MIN (65536, scan->length - at);

      if (memchr (p, '"', n) != NULL || memchr (p, '\0', n) != NULL)
        {
          scan->unsafe = TRUE;
          break;
        }
      scan->newlines += count_newlines (p, n);
    }

  return NULL;
}

/**
 * cst_csv_split:
 * @path: a UTF-8 delimited file
 * @n_chunks: how many pieces to make, at most (usually the number of processors)
 * @min_size: files smaller than this are not worth cutting
 * @error: return location for a #CST_CSV_ERROR when the file cannot be read
 *
 * Maps the file and cuts it into up to @n_chunks pieces of about equal size, each ending at a
 * line end; the first piece holds the header. Gives up (returns %NULL without an error) when
 * the file is smaller than @min_size, holds a quote character or a NUL byte, starts with a
 * UTF-16 byte-order mark, or has too few lines: then one reader must read it from the start.
 *
 * Cost: one pass over the mapped bytes to look for quotes and count lines, one thread per
 * piece (which also brings the file into memory in parallel); no copy.
 *
 * Returns: (transfer full) (nullable) (element-type CstCsvChunk): the pieces, in file order
 */
GArray *
cst_csv_split (const char  *path,
               guint        n_chunks,
               gsize        min_size,
               GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) chunks = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree Scan *scans = NULL;
  g_autofree GThread **threads = NULL;
  const char *data;
  gsize size, start, header_end;
  guint64 line = 1;

  g_return_val_if_fail (path != NULL, NULL);

  if (n_chunks < 2)
    return NULL;
  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CST_CSV_ERROR, CST_CSV_ERROR_OPEN, _("Could not open “%s”: %s"), display,
                   local_error->message);
      return NULL;
    }
  size = g_mapped_file_get_length (mapped);
  if (size < MAX (min_size, 2))
    return NULL;
  data = g_mapped_file_get_contents (mapped);
  if ((guchar) data[0] == 0xFF || (guchar) data[0] == 0xFE)
    return NULL;
  {
    const char *nl = memchr (data, '\n', size);

    if (nl == NULL || (gsize) (nl - data) + 1 >= size)
      return NULL;
    header_end = nl - data;
  }

  bytes = g_mapped_file_get_bytes (mapped);
  chunks = g_array_new (FALSE, FALSE, sizeof (CstCsvChunk));
  g_array_set_clear_func (chunks, (GDestroyNotify) cst_csv_chunk_clear);

  start = 0;
  for (guint i = 1; i <= n_chunks && start < size; i++)
    {
      gsize end = i == n_chunks ? size : MAX (size / n_chunks * i, header_end + 1);
      CstCsvChunk chunk;

      if (end < size)
        {
          const char *nl = memchr (data + end, '\n', size - end);

          end = nl != NULL ? (gsize) (nl - data) + 1 : size;
        }
      if (end <= start)
        continue;
      chunk.bytes = g_bytes_new_from_bytes (bytes, start, end - start);
      chunk.first_line = 1;
      g_array_append_val (chunks, chunk);
      start = end;
    }

  if (chunks->len < 2)
    return NULL;

  /* The pieces are scanned side by side; a quote anywhere (a line end inside quotes could be
   * a cut) or a NUL means one reader must read the file from the start. */
  scans = g_new0 (Scan, chunks->len);
  threads = g_new0 (GThread *, chunks->len);
  for (guint i = 0; i < chunks->len; i++)
    {
      GBytes *piece = g_array_index (chunks, CstCsvChunk, i).bytes;

      scans[i].data = g_bytes_get_data (piece, &scans[i].length);
      if (i > 0)
        threads[i] = g_thread_try_new ("cst-csv-scan", scan_piece, &scans[i], NULL);
    }
  scan_piece (&scans[0]);
  for (guint i = 1; i < chunks->len; i++)
    {
      if (threads[i] != NULL)
        g_thread_join (threads[i]);
      else
        scan_piece (&scans[i]);
    }

  for (guint i = 0; i < chunks->len; i++)
    {
      if (scans[i].unsafe)
        return NULL;
      g_array_index (chunks, CstCsvChunk, i).first_line = line;
      line += scans[i].newlines;
    }

  return g_steal_pointer (&chunks);
}

/**
 * cst_csv_reader_new_for_chunk:
 * @chunk: a piece from cst_csv_split()
 * @path: the file, named in error messages
 * @delimiter: the field separator
 *
 * A reader of one piece whose line numbers are the file's.
 *
 * Returns: (transfer full): a new reader
 */
CstCsvReader *
cst_csv_reader_new_for_chunk (const CstCsvChunk *chunk,
                              const char        *path,
                              char               delimiter)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (chunk->bytes);
  CstCsvReader *reader = cst_csv_reader_new_for_stream (stream, path, g_bytes_get_size (chunk->bytes), delimiter);

  cst_csv_reader_set_first_line (reader, chunk->first_line);
  return reader;
}
