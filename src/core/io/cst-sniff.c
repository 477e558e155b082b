/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-sniff"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "cst-sniff.h"

/* Detecting how a file is written from its first 256 KiB: encoding, delimiter, header,
 * decimal separator, date formats. Everything is decided on that sample and kept in the
 * result, so the wizard can show why; the whole file is read later by the importer, through
 * cst_sniff_open_utf8() when it is not UTF-8. Memory is bounded by the sample size. */

/* Records compared when choosing the delimiter. */
#define DELIMITER_RECORDS 100

static const char delimiters[] = { ',', ';', '\t', '|' };

G_DEFINE_QUARK (cst-sniff-error-quark, cst_sniff_error)

typedef enum
{
  CELL_EMPTY,
  CELL_NUMBER,
  CELL_DATE,
  CELL_TEXT,
} CellKind;

/* A small RFC 4180 parser over the decoded sample. Unlike the streaming reader it trims spaces
 * around unquoted fields and accepts a quote after leading spaces, because "a, b" exports
 * (FEBRL, hand-written files) mean the spaces as decoration. */
static GPtrArray *
parse_records (const char *text,
               gsize       length,
               char        delimiter,
               guint       max_records,
               gboolean   *last_complete)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;
  const char *end = text + length;
  gboolean complete = TRUE;

  while (p < end && records->len < max_records)
    {
      gboolean record_done = FALSE;

      /* Completely empty lines hold no data, as in the streaming reader. */
      if (*p == '\n' || *p == '\r')
        {
          p++;
          continue;
        }

      while (!record_done)
        {
          gboolean quoted = FALSE;
          gboolean was_quoted = FALSE;

          g_string_truncate (field, 0);
          while (p < end && (*p == ' ' || (*p == '\t' && delimiter != '\t')))
            p++;

          if (p < end && *p == '"')
            {
              quoted = was_quoted = TRUE;
              p++;
            }

          while (p < end)
            {
              if (quoted)
                {
                  if (*p == '"')
                    {
                      if (p + 1 < end && p[1] == '"')
                        {
                          g_string_append_c (field, '"');
                          p += 2;
                          continue;
                        }
                      quoted = FALSE;
                      p++;
                      continue;
                    }
                  g_string_append_c (field, *p++);
                  continue;
                }
              if (*p == delimiter || *p == '\n' || *p == '\r')
                break;
              g_string_append_c (field, *p++);
            }

          if (quoted)
            complete = FALSE;
          if (!was_quoted)
            {
              while (field->len > 0 &&
                     (field->str[field->len - 1] == ' ' ||
                      (field->str[field->len - 1] == '\t' && delimiter != '\t')))
                g_string_truncate (field, field->len - 1);
            }
          g_ptr_array_add (fields, g_strndup (field->str, field->len));

          if (p < end && *p == delimiter)
            {
              p++;
              continue;
            }
          if (p < end && *p == '\r')
            p++;
          if (p < end && *p == '\n')
            p++;
          record_done = TRUE;
        }

      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (records, g_ptr_array_steal (fields, NULL));
    }

  if (last_complete != NULL)
    *last_complete = complete;
  return g_steal_pointer (&records);
}

static gboolean
valid_utf8_prefix (const char *p,
                   gsize       n)
{
  guchar lead = p[0];
  gsize need;

  if (lead >= 0xF0 && lead <= 0xF4)
    need = 4;
  else if (lead >= 0xE0)
    need = 3;
  else if (lead >= 0xC2 && lead <= 0xDF)
    need = 2;
  else
    return FALSE;
  if (n >= need)
    return FALSE;
  for (gsize i = 1; i < n; i++)
    if (((guchar) p[i] & 0xC0) != 0x80)
      return FALSE;
  return TRUE;
}

/**
 * cst_sniff_detect_encoding:
 * @data: the first bytes of a file
 * @length: their number
 * @has_bom: (out) (optional): whether @data starts with a byte-order mark
 *
 * Detects the encoding from a byte-order mark, the pattern of NUL bytes that UTF-16 gives
 * mostly-ASCII text, and UTF-8 validity; 8-bit text that is not UTF-8 is taken as
 * Windows-1252 (Latin-1 for the printable range), or ISO-8859-1 if it uses one of the five
 * bytes Windows-1252 leaves undefined. A UTF-8 sequence cut at the end of @data is allowed.
 *
 * Returns: (transfer none) (nullable): the encoding name for g_convert(), or %NULL when
 *   @data looks binary (NUL bytes without the UTF-16 pattern)
 */
const char *
cst_sniff_detect_encoding (const char *data,
                           gsize       length,
                           gboolean   *has_bom)
{
  gsize even_nul = 0, odd_nul = 0;
  gsize scan = MIN (length, 4096);
  const char *end = NULL;
  gsize valid_multibyte = 0, invalid = 0;
  gsize control = 0;
  gboolean undefined_1252 = FALSE;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (has_bom != NULL)
    *has_bom = TRUE;
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    return "UTF-8";
  if (length >= 2 && memcmp (data, "\xFF\xFE", 2) == 0)
    return "UTF-16LE";
  if (length >= 2 && memcmp (data, "\xFE\xFF", 2) == 0)
    return "UTF-16BE";
  if (has_bom != NULL)
    *has_bom = FALSE;

  for (gsize i = 0; i < scan; i++)
    if (data[i] == '\0')
      {
        if (i % 2 == 0)
          even_nul++;
        else
          odd_nul++;
      }

  /* ASCII in UTF-16 puts a NUL in every other byte: after the character in little-endian,
   * before it in big-endian. */
  if (odd_nul + even_nul > scan / 8)
    {
      if (odd_nul > 4 * even_nul)
        return "UTF-16LE";
      if (even_nul > 4 * odd_nul)
        return "UTF-16BE";
      return NULL;
    }
  if ((odd_nul + even_nul) * 100 > scan)
    return NULL;

  /* Text holds no control characters but tabs and line ends (a stray form feed or escape at
   * most); random bytes hold one in eight. */
  for (gsize i = 0; i < scan; i++)
    {
      guchar c = data[i];

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F)
        control++;
    }
  if (control * 16 > scan)
    return NULL;

  if (g_utf8_validate_len (data, length, &end))
    return "UTF-8";
  if ((gsize) (data + length - end) < 4 && valid_utf8_prefix (end, data + length - end))
    return "UTF-8";

  /* Mostly valid UTF-8 with a few broken bytes is UTF-8 with errors, which the reader reports
   * by line; Windows-1252 would turn every "ü" of the file into "Ã¼". */
  for (const char *p = data; p < data + length;)
    {
      guchar c = *p;

      if (c < 0x80)
        {
          p++;
          continue;
        }
      if (c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D)
        undefined_1252 = TRUE;
      if (g_utf8_get_char_validated (p, data + length - p) < 0x80000000)
        {
          valid_multibyte++;
          p = g_utf8_next_char (p);
        }
      else
        {
          invalid++;
          p++;
        }
    }
  /* No broken sequence at all: NUL bytes failed the validation, which the reader reports. */
  if (invalid == 0 || valid_multibyte > 4 * invalid)
    return "UTF-8";

  return undefined_1252 ? "ISO-8859-1" : "WINDOWS-1252";
}

static gsize
bom_length (const char *encoding,
            gboolean    has_bom)
{
  if (!has_bom)
    return 0;
  return g_str_equal (encoding, "UTF-8") ? 3 : 2;
}

/* The end of the last complete line of @data, so that a cut sample ends on a line end and
 * never inside a UTF-16 code unit or a UTF-8 sequence. */
static gsize
cut_at_last_line (const char *data,
                  gsize       length,
                  const char *encoding)
{
  if (g_str_equal (encoding, "UTF-16LE") || g_str_equal (encoding, "UTF-16BE"))
    {
      gboolean le = g_str_equal (encoding, "UTF-16LE");

      for (gsize i = length & ~(gsize) 1; i >= 2; i -= 2)
        {
          const char *unit = data + i - 2;

          if ((le && unit[0] == '\n' && unit[1] == '\0') ||
              (!le && unit[0] == '\0' && unit[1] == '\n'))
            return i;
        }
      return length & ~(gsize) 1;
    }

  for (gsize i = length; i > 0; i--)
    if (data[i - 1] == '\n')
      return i;
  return length;
}

static CellKind
classify (const char *text)
{
  if (cst_parse_is_na (text))
    return CELL_EMPTY;
  if (cst_parse_number (text, '.', '\0', NULL, NULL) || cst_parse_number (text, ',', '\0', NULL, NULL))
    return CELL_NUMBER;
  if (cst_parse_date_fits (text, NULL) != CST_DATE_FORMAT_NONE)
    return CELL_DATE;
  return CELL_TEXT;
}

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* Scores a delimiter by how consistently it splits the records: the share of records with
 * the most common field count, and that count. */
static void
score_delimiter (const char *text,
                 gsize       length,
                 char        delimiter,
                 gboolean    truncated,
                 double     *consistency,
                 guint      *n_fields)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean complete;
  guint best = 0, best_run = 0, run = 0;

  records = parse_records (text, length, delimiter, DELIMITER_RECORDS, &complete);
  if ((!complete || truncated) && records->len > 1)
    g_ptr_array_set_size (records, records->len - 1);

  *consistency = 0;
  *n_fields = 0;
  if (records->len == 0)
    return;

  for (guint i = 0; i < records->len; i++)
    {
      guint n = g_strv_length (g_ptr_array_index (records, i));

      g_array_append_val (counts, n);
    }
  g_array_sort (counts, compare_guint);
  for (guint i = 0; i < counts->len; i++)
    {
      run = (i > 0 && g_array_index (counts, guint, i) == g_array_index (counts, guint, i - 1))
            ? run + 1 : 1;
      if (run > best_run || (run == best_run && g_array_index (counts, guint, i) > best))
        {
          best_run = run;
          best = g_array_index (counts, guint, i);
        }
    }

  *consistency = (double) best_run / counts->len;
  *n_fields = best;
}

static char
choose_delimiter (const char *text,
                  gsize       length,
                  gboolean    truncated)
{
  char chosen = ',';
  double best_consistency = -1;
  guint best_fields = 0;

  for (guint i = 0; i < G_N_ELEMENTS (delimiters); i++)
    {
      double consistency;
      guint n_fields;

      score_delimiter (text, length, delimiters[i], truncated, &consistency, &n_fields);
      if (n_fields < 2)
        continue;
      /* More consistent wins; among equally consistent ones, the one giving more columns (a
       * comma inside every row's text is rarer than a real column). */
      if (consistency > best_consistency + 1e-9 ||
          (consistency > best_consistency - 1e-9 && n_fields > best_fields))
        {
          chosen = delimiters[i];
          best_consistency = consistency;
          best_fields = n_fields;
        }
    }
  return chosen;
}

static gboolean
same_record (char **a,
             char **b)
{
  guint i;

  for (i = 0; a[i] != NULL && b[i] != NULL; i++)
    if (!g_str_equal (a[i], b[i]))
      return FALSE;
  return a[i] == NULL && b[i] == NULL;
}

static gboolean
detect_header (GPtrArray *records,
               guint      n_columns)
{
  char **first = g_ptr_array_index (records, 0);
  double yes = 0, no = 0;
  guint n_first = g_strv_length (first);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gboolean *repeat = g_new0 (gboolean, records->len);

  /* The first record again, as a whole, is a header: exports joined one after the other
   * repeat theirs. Those rows say nothing about the columns' values. */
  for (guint r = 1; r < records->len; r++)
    if (same_record (first, g_ptr_array_index (records, r)))
      {
        repeat[r] = TRUE;
        yes += 1;
      }

  for (guint c = 0; c < n_first; c++)
    {
      CellKind head = classify (first[c]);
      guint below = 0, typed = 0, repeats = 0;

      for (guint r = 1; r < records->len; r++)
        {
          char **row = g_ptr_array_index (records, r);
          CellKind kind;

          if (repeat[r] || c >= g_strv_length (row))
            continue;
          kind = classify (row[c]);
          if (kind == CELL_EMPTY)
            continue;
          below++;
          if (kind == CELL_NUMBER || kind == CELL_DATE)
            typed++;
          if (g_str_equal (row[c], first[c]))
            repeats++;
        }

      switch (head)
        {
        case CELL_NUMBER:
        case CELL_DATE:
          no += 2;
          break;
        case CELL_TEXT:
          if (below > 0 && typed * 5 >= below * 4)
            yes += 2;
          else if (repeats > 0)
            no += 1;
          else
            yes += 0.5;
          break;
        case CELL_EMPTY:
        default:
          break;
        }
    }

  /* Header names repeat less than data: two equal non-empty names count against a header.
   * A set, because a line split at every comma can have tens of thousands of fields. */
  for (guint c = 0; c < n_first; c++)
    if (first[c][0] != '\0' && !g_hash_table_add (seen, first[c]))
      no += 0.5;

  return yes > 0 && yes >= no;
}

/* Every field of every record is empty: a file of blank lines, spaces or bare delimiters. */
static gboolean
has_values (GPtrArray *records)
{
  for (guint r = 0; r < records->len; r++)
    for (char **field = g_ptr_array_index (records, r); *field != NULL; field++)
      if ((*field)[0] != '\0')
        return TRUE;
  return FALSE;
}

/* Names a file that is not text by its signature, in the words its owner knows it by. */
static const char *
describe_binary (const char *data,
                 gsize       length)
{
  static const struct
  {
    const char *magic;
    gsize       length;
    const char *message;
  } kinds[] = {
    { "\x89PNG\r\n\x1a\n", 8,
      N_("This is a PNG picture, not a table. Choose the CSV file you exported.") },
    { "\xFF\xD8\xFF", 3,
      N_("This is a JPEG picture, not a table. Choose the CSV file you exported.") },
    { "GIF8", 4,
      N_("This is a GIF picture, not a table. Choose the CSV file you exported.") },
    { "%PDF", 4,
      N_("This is a PDF document, not a table. Choose the CSV file you exported.") },
    { "PK\x03\x04", 4,
      N_("This is a compressed (ZIP) file or an Excel workbook, not CSV text. Open it in a "
         "spreadsheet program and save it as CSV.") },
    { "\xD0\xCF\x11\xE0", 4,
      N_("This is an old Excel or Word file, not CSV text. Open it in a spreadsheet program "
         "and save it as CSV.") },
    { "\x1F\x8B", 2,
      N_("This is a compressed (gzip) file, not CSV text. Unpack it first.") },
    { "SQLite format 3", 15,
      N_("This is a database, not CSV text. Choose the CSV file you exported.") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (length >= kinds[i].length && memcmp (data, kinds[i].magic, kinds[i].length) == 0)
      return _(kinds[i].message);
  return NULL;
}

static void
detect_decimal (CstSniffResult *self,
                char            forced)
{
  guint point = 0, comma = 0;
  guint thousands_votes[256] = { 0 };
  guint best = 0;

  for (guint r = 0; r < self->rows->len; r++)
    {
      char **row = g_ptr_array_index (self->rows, r);

      for (guint c = 0; c < self->n_columns; c++)
        {
          const char *text = row[c];
          gboolean by_point, by_comma;

          if (cst_parse_is_na (text) || cst_parse_date_fits (text, NULL) != CST_DATE_FORMAT_NONE)
            continue;
          by_point = cst_parse_number (text, '.', '\0', NULL, NULL);
          by_comma = cst_parse_number (text, ',', '\0', NULL, NULL);
          /* "1,234" and "1.234" read either way; only unambiguous values vote. */
          if (by_point && !by_comma)
            point++;
          else if (by_comma && !by_point)
            comma++;
        }
    }

  if (forced != '\0')
    self->decimal = forced;
  else if (point == 0 && comma == 0)
    /* Spreadsheets use semicolons precisely where the comma is the decimal separator. */
    self->decimal = self->delimiter == ';' ? ',' : '.';
  else
    self->decimal = comma > point ? ',' : '.';

  for (guint r = 0; r < self->rows->len; r++)
    {
      char **row = g_ptr_array_index (self->rows, r);

      for (guint c = 0; c < self->n_columns; c++)
        {
          CstNumberInfo info;

          if (cst_parse_number (row[c], self->decimal, '\0', NULL, &info) && info.thousands != '\0')
            thousands_votes[(guchar) info.thousands]++;
        }
    }
  self->thousands = '\0';
  for (guint i = 1; i < 256; i++)
    if (thousands_votes[i] > best)
      {
        best = thousands_votes[i];
        self->thousands = (char) i;
      }
}

static guint
popcount (guint mask)
{
  guint n = 0;

  for (; mask != 0; mask &= mask - 1)
    n++;
  return n;
}

static void
analyse_columns (CstSniffResult *self)
{
  g_autoptr(GArray) masks = g_array_new (FALSE, FALSE, sizeof (guint));

  self->columns = g_new0 (CstSniffColumn, self->n_columns);

  for (guint c = 0; c < self->n_columns; c++)
    {
      CstSniffColumn *column = &self->columns[c];
      guint common = CST_DATE_FORMAT_ALL;
      guint chosen = 0;

      g_array_set_size (masks, 0);
      for (guint r = 0; r < self->rows->len; r++)
        {
          const char *text = ((char **) g_ptr_array_index (self->rows, r))[c];
          gboolean has_time = FALSE;
          guint mask;

          if (cst_parse_is_na (text))
            {
              column->n_empty++;
              continue;
            }
          column->n_values++;
          mask = cst_parse_date_fits (text, &has_time);
          if (mask == 0)
            continue;
          column->n_dates++;
          column->has_time |= has_time;
          common &= mask;
          g_array_append_val (masks, mask);
        }

      if (column->n_dates == 0)
        continue;

      /* The fewest formats that read every date: values that fit one format decide first,
       * then each undecided value adds a format only if none chosen so far reads it. */
      for (guint i = 0; i < masks->len; i++)
        if (popcount (g_array_index (masks, guint, i)) == 1)
          chosen |= g_array_index (masks, guint, i);
      for (guint i = 0; i < masks->len; i++)
        {
          guint mask = g_array_index (masks, guint, i);

          if ((mask & chosen) == 0)
            chosen |= mask & -mask;
        }

      column->n_date_formats = popcount (chosen);
      column->date_formats = common;
      column->date_ambiguous = (common & CST_DATE_FORMAT_DMY) && (common & CST_DATE_FORMAT_MDY);
    }
}

static char *
decode_sample (const char  *data,
               gsize        length,
               const char  *encoding,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize written = 0;

  if (g_str_equal (encoding, "UTF-8"))
    return g_utf8_make_valid (data, length);

  text = g_convert (data, length, "UTF-8", encoding, NULL, &written, &local_error);
  if (text == NULL)
    {
      g_set_error (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_ENCODING,
                   _("The text cannot be read as %s: %s"), encoding, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&text);
}

static CstSniffResult *
sniff_bytes (const char             *path,
             const char             *data,
             gsize                   length,
             gboolean                truncated,
             const CstSniffOptions  *options,
             GError                **error)
{
  g_autoptr(CstSniffResult) self = g_new0 (CstSniffResult, 1);
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *text = NULL;
  const char *encoding;
  gboolean has_bom = FALSE;
  gboolean complete;
  gsize skip, usable;
  guint first_data;
  const char *binary;
  g_autoptr(GHashTable) names = NULL;

  self->path = g_strdup (path);
  self->truncated = truncated;

  if ((binary = describe_binary (data, length)) != NULL)
    {
      g_set_error_literal (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_BINARY, binary);
      return NULL;
    }
  encoding = cst_sniff_detect_encoding (data, length, &has_bom);
  if (options->encoding != NULL)
    encoding = options->encoding;
  if (encoding == NULL)
    {
      g_set_error_literal (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_BINARY,
                           _("This is not a text file: it holds binary data"));
      return NULL;
    }

  /* A sample without a single line end: one line of more than 256 KiB is no export of rows,
   * and splitting it would give hundreds of thousands of columns. */
  if (truncated && memchr (data, '\n', length) == NULL && memchr (data, '\r', length) == NULL)
    {
      g_set_error (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_NOT_A_TABLE,
                   _("Its first line is longer than %u KB, so it is not a table of rows. Is it "
                     "really a CSV export?"),
                   CST_SNIFF_MAX_BYTES / 1024);
      return NULL;
    }
  self->encoding = g_strdup (encoding);
  self->has_bom = has_bom;

  skip = bom_length (encoding, has_bom);
  usable = truncated ? cut_at_last_line (data + skip, length - skip, encoding) : length - skip;
  text = decode_sample (data + skip, usable, encoding, error);
  if (text == NULL)
    return NULL;

  self->delimiter = options->delimiter != '\0' ? options->delimiter
                                               : choose_delimiter (text, strlen (text), truncated);

  records = parse_records (text, strlen (text), self->delimiter, CST_SNIFF_MAX_ROWS + 1, &complete);
  /* A quote still open at the end of the sample: the sample was cut inside a multi-line
   * field, or the file's last quote never closes (the importer reports that one). */
  if (!complete && records->len > 1)
    g_ptr_array_set_size (records, records->len - 1);
  if (records->len == 0 || !has_values (records))
    {
      g_set_error_literal (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_EMPTY,
                           _("The file is empty"));
      return NULL;
    }

  for (guint i = 0; i < records->len; i++)
    self->n_columns = MAX (self->n_columns, g_strv_length (g_ptr_array_index (records, i)));
  if (self->n_columns > CST_SNIFF_MAX_COLUMNS)
    {
      g_set_error (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_NOT_A_TABLE,
                   _("It has %u columns, more than a spreadsheet can hold (%u), so it is not a "
                     "table of rows. Is it really a CSV export?"),
                   self->n_columns, (guint) CST_SNIFF_MAX_COLUMNS);
      return NULL;
    }

  if (options->has_header >= 0)
    self->has_header = options->has_header > 0;
  else
    self->has_header = detect_header (records, self->n_columns);

  /* Column names are unique, so that a reason naming a column names one: a second “amount”
   * becomes “amount (2)”. */
  names = g_hash_table_new (g_str_hash, g_str_equal);
  self->header = g_new0 (char *, self->n_columns + 1);
  for (guint c = 0; c < self->n_columns; c++)
    {
      char **first = g_ptr_array_index (records, 0);
      const char *name = self->has_header && c < g_strv_length (first) ? first[c] : "";

      if (name[0] != '\0')
        self->header[c] = g_strdup (name);
      else
        /* Translators: the name of a column the file gives no name, with its position */
        self->header[c] = g_strdup_printf (_("Column %u"), c + 1);
      if (g_hash_table_contains (names, self->header[c]))
        {
          g_autofree char *base = g_steal_pointer (&self->header[c]);

          for (guint copy = 2; self->header[c] == NULL; copy++)
            {
              /* Translators: a column name the file uses more than once, and which time */
              self->header[c] = g_strdup_printf (_("%s (%u)"), base, copy);
              if (g_hash_table_contains (names, self->header[c]))
                g_clear_pointer (&self->header[c], g_free);
            }
        }
      g_hash_table_add (names, self->header[c]);
    }

  first_data = self->has_header ? 1 : 0;
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint r = first_data; r < records->len && self->rows->len < CST_SNIFF_MAX_ROWS; r++)
    {
      char **record = g_ptr_array_index (records, r);
      guint n = g_strv_length (record);
      char **row;

      /* The header again (joined exports) is no data; the importer rejects it by name. */
      if (self->has_header && same_record (record, g_ptr_array_index (records, 0)))
        continue;
      row = g_new0 (char *, self->n_columns + 1);

      for (guint c = 0; c < self->n_columns; c++)
        row[c] = g_strdup (c < n ? record[c] : "");
      g_ptr_array_add (self->rows, row);
    }

  detect_decimal (self, options->decimal);
  analyse_columns (self);

  return g_steal_pointer (&self);
}

/**
 * cst_sniff_file_full:
 * @path: a file in the file system encoding
 * @options: (nullable): settings to use instead of detecting them
 * @error: return location for a #CST_SNIFF_ERROR
 *
 * Detects how @path is written from its first %CST_SNIFF_MAX_BYTES bytes and keeps up to
 * %CST_SNIFF_MAX_ROWS decoded records for inference (cst_infer_columns()) and preview.
 *
 * Cost: reads at most 256 KiB; memory is a few times that, whatever the size of the file.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set when the file
 *   cannot be read, is empty or is binary
 */
CstSniffResult *
cst_sniff_file_full (const char             *path,
                     const CstSniffOptions  *options,
                     GError                **error)
{
  static const CstSniffOptions defaults = CST_SNIFF_OPTIONS_INIT;
  g_autofree char *data = NULL;
  gsize length;
  gboolean truncated;
  FILE *file;

  g_return_val_if_fail (path != NULL, NULL);

  if (options == NULL)
    options = &defaults;

  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_OPEN,
                   _("Could not open “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }

  /* One byte more than the sample tells whether the file goes on. */
  data = g_malloc (CST_SNIFF_MAX_BYTES + 1);
  length = fread (data, 1, CST_SNIFF_MAX_BYTES + 1, file);
  fclose (file);
  truncated = length > CST_SNIFF_MAX_BYTES;
  length = MIN (length, CST_SNIFF_MAX_BYTES);

  if (length == 0)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_EMPTY,
                   _("“%s” is empty"), display);
      return NULL;
    }

  return sniff_bytes (path, data, length, truncated, options, error);
}

/**
 * cst_sniff_file:
 * @path: a file in the file system encoding
 * @error: return location for a #CST_SNIFF_ERROR
 *
 * Same as cst_sniff_file_full() with every setting detected.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 */
CstSniffResult *
cst_sniff_file (const char  *path,
                GError     **error)
{
  return cst_sniff_file_full (path, NULL, error);
}

/**
 * cst_sniff_result_get_value:
 * @self: a result
 * @row: a sampled data row, below `self->rows->len`
 * @column: a column, below `self->n_columns`
 *
 * Returns: (transfer none): the decoded field
 */
const char *
cst_sniff_result_get_value (const CstSniffResult *self,
                            guint                 row,
                            guint                 column)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);
  g_return_val_if_fail (column < self->n_columns, NULL);

  return ((char **) g_ptr_array_index (self->rows, row))[column];
}

void
cst_sniff_result_free (CstSniffResult *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_free (self->encoding);
  g_strfreev (self->header);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_free (self->columns);
  g_free (self);
}

/**
 * cst_sniff_open_utf8:
 * @path: a file in the file system encoding
 * @encoding: its encoding, as cst_sniff_file() detected it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Opens @path as a stream of UTF-8, without its byte-order mark. Other encodings are converted
 * on the fly by a #GCharsetConverter, which keeps one buffer of a few KiB: memory is constant
 * in the size of the file. A byte the encoding does not define (one of the five gaps of
 * Windows-1252) fails the read with %G_IO_ERROR_INVALID_DATA rather than being replaced. A
 * UTF-8 stream is passed through unchecked; the CSV reader validates it line by line.
 *
 * Returns: (transfer full) (nullable): a stream, or %NULL with @error set
 */
GInputStream *
cst_sniff_open_utf8 (const char    *path,
                     const char    *encoding,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GCharsetConverter) converter = NULL;
  char head[3];
  gssize n;
  gsize skip = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (encoding != NULL, NULL);

  file = g_file_new_for_path (path);
  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  n = g_input_stream_read (G_INPUT_STREAM (stream), head, sizeof head, cancellable, error);
  if (n < 0)
    return NULL;
  if (n >= 3 && memcmp (head, "\xEF\xBB\xBF", 3) == 0 && g_str_equal (encoding, "UTF-8"))
    skip = 3;
  else if (n >= 2 && (memcmp (head, "\xFF\xFE", 2) == 0 || memcmp (head, "\xFE\xFF", 2) == 0) &&
           g_str_has_prefix (encoding, "UTF-16"))
    skip = 2;
  if (!g_seekable_seek (G_SEEKABLE (stream), skip, G_SEEK_SET, cancellable, error))
    return NULL;

  if (g_ascii_strcasecmp (encoding, "UTF-8") == 0)
    return G_INPUT_STREAM (g_steal_pointer (&stream));

  converter = g_charset_converter_new ("UTF-8", encoding, error);
  if (converter == NULL)
    return NULL;
  return g_converter_input_stream_new (G_INPUT_STREAM (stream), G_CONVERTER (converter));
}

/**
 * cst_sniff_convert_to_utf8_file:
 * @path: a file in the file system encoding
 * @encoding: its encoding, as cst_sniff_file() detected it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes a UTF-8 copy of @path without a byte-order mark into a new temporary file, for the
 * CSV reader, which reads UTF-8 files. Streams through cst_sniff_open_utf8(): constant memory,
 * disk space of the converted size. On failure or cancellation no file is left behind.
 *
 * Returns: (transfer full) (nullable): the path of the copy, which the caller removes, or
 *   %NULL with @error set
 */
char *
cst_sniff_convert_to_utf8_file (const char    *path,
                                const char    *encoding,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GFile) target = NULL;
  g_autoptr(GFileOutputStream) output = NULL;
  g_autofree char *tmp = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (encoding != NULL, NULL);

  input = cst_sniff_open_utf8 (path, encoding, cancellable, error);
  if (input == NULL)
    return NULL;

  fd = g_file_open_tmp ("constellate-XXXXXX.csv", &tmp, error);
  if (fd < 0)
    return NULL;
  g_close (fd, NULL);

  target = g_file_new_for_path (tmp);
  output = g_file_replace (target, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, error);
  if (output == NULL ||
      g_output_stream_splice (G_OUTPUT_STREAM (output), input,
                              G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                              G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              cancellable, error) < 0)
    {
      g_remove (tmp);
      return NULL;
    }

  return g_steal_pointer (&tmp);
}
