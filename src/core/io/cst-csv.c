/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-csv"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#if defined (__SSE2__)
#include <emmintrin.h>
#endif

#include "cst-csv.h"

/* A streaming RFC 4180 reader: quoted fields, doubled quotes, delimiters and line breaks inside
 * quotes, CRLF or LF line ends, a UTF-8 byte-order mark. Memory stays constant in the size of
 * the file: only one record (its fields and its raw bytes) is held at a time. */

#define READ_CHUNK (256 * 1024)

struct _CstCsvReader
{
  char    *path;
  FILE    *file;
  GInputStream *stream;   /* instead of file, for text converted on the fly */
  GError  *read_error;    /* a failed read of stream, reported by the next call to next() */
  char     delimiter;

  char    *buffer;
  gsize    buffer_len;
  gsize    buffer_pos;
  goffset  consumed;      /* bytes of the file before buffer[0] */
  goffset  size;
  gboolean eof;

  GString *raw;           /* the record's bytes as they are in the file, without the line end */
  GString *values;        /* unquoted fields, each followed by a NUL */
  GArray  *offsets;       /* guint: start of each field in values */
  char   **fields;        /* n_fields borrowed pointers into values, rebuilt per record */
  guint    n_fields;
  gsize    fields_allocated;

  guint64  line;          /* line of the next character, 1-based */
  guint64  record_line;   /* line the current record started on */
  guint64  record;        /* records read, including a header */
};

G_DEFINE_QUARK (cst-csv-error-quark, cst_csv_error)

static gboolean
refill (CstCsvReader *self)
{
  gsize n;

  if (self->eof)
    return FALSE;

  self->consumed += self->buffer_len;
  if (self->stream != NULL)
    {
      /* The text read before a failure is still returned; the failure ends the input and
       * is reported where it happened. */
      if (!g_input_stream_read_all (self->stream, self->buffer, READ_CHUNK, &n, NULL,
                                    &self->read_error))
        self->eof = TRUE;
    }
  else
    n = fread (self->buffer, 1, READ_CHUNK, self->file);
  self->buffer_len = n;
  self->buffer_pos = 0;
  if (n == 0)
    {
      self->eof = TRUE;
      return FALSE;
    }
  return TRUE;
}

static inline int
next_char (CstCsvReader *self)
{
  if (self->buffer_pos >= self->buffer_len && !refill (self))
    return -1;
  return (guchar) self->buffer[self->buffer_pos++];
}

static inline int
peek_char (CstCsvReader *self)
{
  if (self->buffer_pos >= self->buffer_len && !refill (self))
    return -1;
  return (guchar) self->buffer[self->buffer_pos];
}

/* g_string_append_len() without its checks for overlapping or NULL text. */
static inline void
append_run (GString    *string,
            const char *text,
            gsize       length)
{
  gsize old = string->len;

  if (old + length + 1 > string->allocated_len)
    g_string_set_size (string, old + length);
  else
    string->len = old + length;
  memcpy (string->str + old, text, length);
  string->str[string->len] = '\0';
}

static void
end_field (CstCsvReader *self)
{
  guint start;

  g_string_append_c (self->values, '\0');
  start = self->values->len;
  g_array_append_val (self->offsets, start);
}

/* The 1-based number of the first field of the current record that is not valid UTF-8, and
 * whether a NUL byte (which g_utf8_validate_len() rejects) makes it so. Each field in values
 * is followed by a NUL of its own, so fields are checked by their length. Quotes and
 * delimiters are ASCII: a bad byte of the record is always in some field. */
static guint
find_bad_field (CstCsvReader *self,
                gboolean     *nul)
{
  guint n = self->offsets->len;

  for (guint i = 0; i < n; i++)
    {
      guint start = g_array_index (self->offsets, guint, i);
      guint end = i + 1 < n ? g_array_index (self->offsets, guint, i + 1) - 1
                            : self->values->len - 1;
      const char *field = self->values->str + start;

      if (memchr (field, '\0', end - start) != NULL)
        {
          *nul = TRUE;
          return i + 1;
        }
      if (!g_utf8_validate_len (field, end - start, NULL))
        return i + 1;
    }
  return n;
}

/* Room for @n field pointers. */
static inline void
reserve_fields (CstCsvReader *self,
                gsize         n)
{
  if (n > self->fields_allocated)
    {
      self->fields_allocated = MAX (n, 2 * self->fields_allocated);
      self->fields = g_renew (char *, self->fields, self->fields_allocated);
    }
}

/* Room for @length bytes and a NUL in @string; its length is then @length. */
static inline void
reserve_string (GString *string,
                gsize    length)
{
  if (length + 1 > string->allocated_len)
    g_string_set_size (string, length);
  string->len = length;
}

/* The common record, read at once: a whole line in the buffer (LF or CRLF) without a quote, a
 * CR inside or a NUL, in valid UTF-8. Its line end is found with memchr(), its fields split in
 * one pass sixteen bytes at a time (SSE2), and the line copied twice, as the raw record and
 * as the fields. Anything else (an empty line, a record across the end of the buffer, quotes,
 * bad bytes) returns FALSE without consuming a byte, and the byte-by-byte reader below takes
 * it, with the same result. */
static gboolean
next_plain_record (CstCsvReader *self)
{
  const char *start = self->buffer + self->buffer_pos;
  const gsize avail = self->buffer_len - self->buffer_pos;
  const char delimiter = self->delimiter;
  const char *nl;
  gsize len, i = 0;
  guint n_fields = 1;
  guint high = 0;
  char *v;

  if (avail == 0 || (nl = memchr (start, '\n', avail)) == NULL)
    return FALSE;
  len = nl - start;
  if (len > 0 && start[len - 1] == '\r')
    len--;
  if (len == 0)
    return FALSE;

  reserve_string (self->values, len + 1);
  reserve_fields (self, len + 1);
  v = self->values->str;
  memcpy (v, start, len);
  v[len] = v[len + 1] = '\0';  /* the last field's end, and the GString's own */
  self->fields[0] = v;

#if defined (__SSE2__)
  {
    const __m128i delim = _mm_set1_epi8 (delimiter);
    const __m128i quote = _mm_set1_epi8 ('"');
    const __m128i cr = _mm_set1_epi8 ('\r');
    const __m128i nul = _mm_setzero_si128 ();

    for (; i + 16 <= len; i += 16)
      {
        __m128i bytes = _mm_loadu_si128 ((const __m128i *) (v + i));
        __m128i odd = _mm_or_si128 (_mm_cmpeq_epi8 (bytes, quote), _mm_cmpeq_epi8 (bytes, cr));
        guint special = _mm_movemask_epi8 (_mm_or_si128 (odd, _mm_cmpeq_epi8 (bytes, nul)));
        guint marks = _mm_movemask_epi8 (_mm_cmpeq_epi8 (bytes, delim));

        if (special != 0)
          return FALSE;
        high |= _mm_movemask_epi8 (bytes);
        while (marks != 0)
          {
            guint at = i + __builtin_ctz (marks);

            v[at] = '\0';
            self->fields[n_fields++] = v + at + 1;
            marks &= marks - 1;
          }
      }
  }
#endif

  for (; i < len; i++)
    {
      char c = v[i];

      if (c == '"' || c == '\r' || c == '\0')
        return FALSE;
      high |= (guchar) c & 0x80;
      if (c == delimiter)
        {
          v[i] = '\0';
          self->fields[n_fields++] = v + i + 1;
        }
    }

  if (high != 0 && !g_utf8_validate_len (start, len, NULL))
    return FALSE;

  reserve_string (self->raw, len);
  memcpy (self->raw->str, start, len);
  self->raw->str[len] = '\0';

  self->n_fields = n_fields;
  self->record_line = self->line++;
  self->buffer_pos += (nl - start) + 1;
  self->record++;
  return TRUE;
}

/**
 * cst_csv_reader_new:
 * @path: a file in the file system encoding
 * @delimiter: the field separator, usually `,`
 * @error: return location for a #CST_CSV_ERROR
 *
 * Opens @path for reading. Nothing is read until cst_csv_reader_next().
 *
 * Returns: (transfer full) (nullable): a new reader, or %NULL with @error set
 */
CstCsvReader *
cst_csv_reader_new (const char  *path,
                    char         delimiter,
                    GError     **error)
{
  g_autoptr(CstCsvReader) self = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (delimiter != '"' && delimiter != '\n' && delimiter != '\r', NULL);

  self = g_new0 (CstCsvReader, 1);
  self->path = g_strdup (path);
  self->delimiter = delimiter;
  self->file = g_fopen (path, "rb");
  if (self->file == NULL)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CST_CSV_ERROR, CST_CSV_ERROR_OPEN,
                   _("Could not open “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }
  if (g_stat (path, &st) == 0)
    self->size = st.st_size;

  self->buffer = g_malloc (READ_CHUNK);
  self->raw = g_string_sized_new (256);
  self->values = g_string_sized_new (256);
  self->offsets = g_array_new (FALSE, FALSE, sizeof (guint));
  self->line = 1;

  /* A UTF-8 byte-order mark, as Excel writes it, is not part of the first field. */
  if (refill (self) && self->buffer_len >= 3 &&
      memcmp (self->buffer, "\xEF\xBB\xBF", 3) == 0)
    self->buffer_pos = 3;

  return g_steal_pointer (&self);
}

/**
 * cst_csv_reader_set_first_line:
 * @line: the line number of the first line the reader reads
 *
 * For a reader of a piece of a file (cst_csv_reader_new_for_chunk()): its line numbers, in
 * records and in error messages, are then the file's. Call before the first record.
 */
void
cst_csv_reader_set_first_line (CstCsvReader *self,
                               guint64       line)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (line >= 1);

  self->line = line;
}

/**
 * cst_csv_reader_new_for_stream:
 * @stream: UTF-8 text, for example from cst_sniff_open_utf8()
 * @path: the file @stream reads, named in error messages
 * @size: the size in bytes that cst_csv_reader_get_size() reports, or 0 when unknown
 * @delimiter: the field separator
 *
 * Like cst_csv_reader_new(), for text that is converted while it is read. A read error of
 * @stream (such as a byte the file's encoding does not define) ends the records: the next
 * call to cst_csv_reader_next() fails with %CST_CSV_ERROR_ENCODING, naming the file and line.
 * Offsets count bytes of @stream, not of the file.
 *
 * Returns: (transfer full): a new reader, holding a reference on @stream
 */
CstCsvReader *
cst_csv_reader_new_for_stream (GInputStream *stream,
                               const char   *path,
                               goffset       size,
                               char          delimiter)
{
  CstCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (delimiter != '"' && delimiter != '\n' && delimiter != '\r', NULL);

  self = g_new0 (CstCsvReader, 1);
  self->path = g_strdup (path);
  self->stream = g_object_ref (stream);
  self->delimiter = delimiter;
  self->size = MAX (size, 0);
  self->buffer = g_malloc (READ_CHUNK);
  self->raw = g_string_sized_new (256);
  self->values = g_string_sized_new (256);
  self->offsets = g_array_new (FALSE, FALSE, sizeof (guint));
  self->line = 1;

  if (refill (self) && self->buffer_len >= 3 &&
      memcmp (self->buffer, "\xEF\xBB\xBF", 3) == 0)
    self->buffer_pos = 3;

  return self;
}

/**
 * cst_csv_reader_next:
 * @self: a reader
 * @error: return location for a #CST_CSV_ERROR
 *
 * Reads the next record (the first call returns the header, if the file has one). Lines that
 * are completely empty are skipped: they hold no data. The fields stay valid until the next
 * call.
 *
 * Returns: %TRUE if a record was read; %FALSE at the end of the file (@error unset) or on a
 *   syntax or encoding error (@error set, naming the file and line)
 */
gboolean
cst_csv_reader_next (CstCsvReader  *self,
                     GError       **error)
{
  gboolean quoted = FALSE;
  gboolean field_start = TRUE;
  guint64 quote_line = 0;
  char high = 0;         /* any byte ≥ 0x80 seen: then the record must be checked as UTF-8 */
  gboolean saw_nul = FALSE;  /* a NUL byte seen, which UTF-8 text never holds */

  g_return_val_if_fail (self != NULL, FALSE);

  if (next_plain_record (self))
    return TRUE;

  for (;;)
    {
      int c;

      g_string_truncate (self->raw, 0);
      g_string_truncate (self->values, 0);
      g_array_set_size (self->offsets, 0);
      g_array_append_vals (self->offsets, (guint[]) { 0 }, 1);
      self->record_line = self->line;
      quoted = FALSE;
      field_start = TRUE;

      for (;;)
        {
          /* Runs of ordinary bytes are copied at once: most fields hold neither quotes nor
           * separators, and appending them byte by byte dominated the reader's time. */
          if (!quoted && self->buffer_pos < self->buffer_len)
            {
              const char *start = self->buffer + self->buffer_pos;
              const char *stop = self->buffer + self->buffer_len;
              const char *q = start;
              char delimiter = self->delimiter;

              while (q < stop && *q != delimiter && *q != '\n' && *q != '\r' && *q != '"')
                {
                  high |= *q;
                  saw_nul |= *q == '\0';
                  q++;
                }
              if (q > start)
                {
                  append_run (self->raw, start, q - start);
                  append_run (self->values, start, q - start);
                  self->buffer_pos += q - start;
                  field_start = FALSE;
                  continue;
                }
            }

          c = next_char (self);
          high |= (char) c;
          saw_nul |= c == 0;

          if (c < 0)
            {
              if (self->read_error != NULL)
                {
                  g_autofree char *display = g_filename_display_name (self->path);

                  /* Translators: a file, a line number and why it could not be read */
                  g_set_error (error, CST_CSV_ERROR, CST_CSV_ERROR_ENCODING,
                               _("%s, line %lu: %s"), display, (gulong) self->line,
                               self->read_error->message);
                  return FALSE;
                }
              if (quoted)
                {
                  g_autofree char *display = g_filename_display_name (self->path);

                  g_set_error (error, CST_CSV_ERROR, CST_CSV_ERROR_SYNTAX,
                               _("%s, line %lu: a quotation mark (\") opens a value that is "
                                 "never closed"),
                               display, (gulong) quote_line);
                  return FALSE;
                }
              break;
            }

          if (quoted)
            {
              if (c == '"')
                {
                  g_string_append_c (self->raw, '"');
                  if (peek_char (self) == '"')
                    {
                      g_string_append_c (self->raw, '"');
                      g_string_append_c (self->values, '"');
                      self->buffer_pos++;
                    }
                  else
                    quoted = FALSE;
                  continue;
                }
              if (c == '\n')
                self->line++;
              g_string_append_c (self->raw, c);
              g_string_append_c (self->values, c);
              continue;
            }

          if (c == '\n' || c == '\r')
            {
              if (c == '\r' && peek_char (self) == '\n')
                self->buffer_pos++;
              self->line++;
              break;
            }

          g_string_append_c (self->raw, c);

          if (c == self->delimiter)
            {
              end_field (self);
              field_start = TRUE;
              continue;
            }
          if (c == '"' && field_start)
            {
              quoted = TRUE;
              quote_line = self->line;
              field_start = FALSE;
              continue;
            }

          /* Text after a closing quote ("ab"c) is kept, as spreadsheets do, rather than lost. */
          field_start = FALSE;
          g_string_append_c (self->values, c);
        }

      if (self->raw->len == 0)
        {
          if (c < 0)
            return FALSE;
          continue;
        }
      break;
    }

  g_string_append_c (self->values, '\0');

  if (((high & 0x80) != 0 || saw_nul) && !g_utf8_validate_len (self->raw->str, self->raw->len, NULL))
    {
      g_autofree char *display = g_filename_display_name (self->path);
      gboolean nul = FALSE;
      guint column = find_bad_field (self, &nul);

      if (nul)
        /* Translators: a file, a line and a column number */
        g_set_error (error, CST_CSV_ERROR, CST_CSV_ERROR_ENCODING,
                     _("%s, line %lu, column %u: the text holds a zero byte (NUL), which text "
                       "never does. Was the file damaged or is it no CSV export?"),
                     display, (gulong) self->record_line, column);
      else
        g_set_error (error, CST_CSV_ERROR, CST_CSV_ERROR_ENCODING,
                     _("%s, line %lu, column %u: the text is not valid UTF-8. Choose the file's "
                       "encoding in the import settings, or save it again as UTF-8."),
                     display, (gulong) self->record_line, column);
      return FALSE;
    }

  reserve_fields (self, self->offsets->len);
  self->n_fields = self->offsets->len;
  for (guint i = 0; i < self->offsets->len; i++)
    self->fields[i] = self->values->str + g_array_index (self->offsets, guint, i);

  self->record++;
  return TRUE;
}

guint
cst_csv_reader_get_n_fields (CstCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_fields;
}

/**
 * cst_csv_reader_get_field:
 * @self: a reader
 * @index: a field index
 *
 * Returns: (transfer none): the unquoted text of field @index of the current record, or ""
 *   when the record has fewer fields
 */
const char *
cst_csv_reader_get_field (CstCsvReader *self,
                          guint         index)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (index >= self->n_fields)
    return "";
  return self->fields[index];
}

/**
 * cst_csv_reader_get_raw:
 * @self: a reader
 * @length: (out) (optional): the length in bytes
 *
 * Returns: (transfer none): the current record exactly as it is in the file, without its line
 *   end; NUL-terminated
 */
const char *
cst_csv_reader_get_raw (CstCsvReader *self,
                        gsize        *length)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (length != NULL)
    *length = self->raw->len;
  return self->raw->str;
}

/* The 1-based line the current record starts on. */
guint64
cst_csv_reader_get_line (CstCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->record_line;
}

/* The 1-based number of the current record, counting a header as record 1. */
guint64
cst_csv_reader_get_record (CstCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->record;
}

/* Bytes consumed so far; with cst_csv_reader_get_size() this gives import progress. */
goffset
cst_csv_reader_get_offset (CstCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->consumed + self->buffer_pos;
}

goffset
cst_csv_reader_get_size (CstCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->size;
}

const char *
cst_csv_reader_get_path (CstCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

void
cst_csv_reader_free (CstCsvReader *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->file, fclose);
  g_clear_object (&self->stream);
  g_clear_error (&self->read_error);
  g_free (self->path);
  g_free (self->buffer);
  if (self->raw != NULL)
    g_string_free (self->raw, TRUE);
  if (self->values != NULL)
    g_string_free (self->values, TRUE);
  g_clear_pointer (&self->offsets, g_array_unref);
  g_free (self->fields);
  g_free (self);
}

/**
 * cst_csv_append_field:
 * @out: the line being written
 * @value: (nullable): one field's text; %NULL writes an empty field
 *
 * Appends @value as one RFC 4180 field: as it is, or in double quotes (quotes inside doubled)
 * when it holds a comma, a quote or a line break, or starts or ends with a space, which
 * readers trim from unquoted fields.
 */
void
cst_csv_append_field (GString    *out,
                      const char *value)
{
  gsize length;

  g_return_if_fail (out != NULL);

  if (value == NULL)
    return;
  length = strlen (value);
  if (strpbrk (value, ",\"\r\n") == NULL &&
      (length == 0 || (!g_ascii_isspace (value[0]) && !g_ascii_isspace (value[length - 1]))))
    {
      g_string_append_len (out, value, length);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * cst_csv_quote_field:
 * @value: (nullable): one field's text
 *
 * Returns: (transfer full): @value as one field of a CSV line (cst_csv_append_field())
 */
char *
cst_csv_quote_field (const char *value)
{
  GString *out = g_string_new (NULL);

  cst_csv_append_field (out, value);
  return g_string_free (out, FALSE);
}
