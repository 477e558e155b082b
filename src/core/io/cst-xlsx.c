/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-xlsx"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libxml/xmlreader.h>
#include <unzip.h>

#include "cst-xlsx.h"
#include "cst-csv.h"

/* An Excel workbook is a zip archive of XML parts. A sheet is turned into a temporary CSV so
 * that the rest of the import (sniffing, inference, the plan, the row-by-row import) reads it
 * like any other export. The sheet is streamed through libxml2's pull parser straight out of
 * the archive; only the shared strings table (which any cell may point to) and the cell
 * styles are held in memory.
 *
 * Everything in the archive is untrusted: sizes come from the central directory and are
 * checked before a part is opened, and again while it is inflated; a DTD (the way into entity
 * expansion attacks; OOXML never has one) is refused; the CSV written may not outgrow the
 * packed sheet by more than the same ratio.
 *
 * The helpers below are always given an @error to fill: several tell "not there" (NULL, no
 * error) from "broken" (NULL and an error) by it. */

#define MAX_ENTRIES     65536
#define MAX_COLUMNS     16384      /* XFD, Excel's last column */
#define MAX_ROWS        1048576    /* Excel's last row */
#define CHECK_INTERVAL  4096       /* rows between cancellation checks */
#define MIN_CSV_LIMIT   (G_GUINT64_CONSTANT (16) << 20)

/* How a cell's number format shows its number. */
typedef enum
{
  VALUE_NUMBER,
  VALUE_DATE,
  VALUE_DATETIME,
  VALUE_TIME,       /* a time of day; with a day part it is written as a date and time */
  VALUE_ELAPSED,    /* a duration such as [h]:mm:ss: kept as the number */
} ValueKind;

typedef enum
{
  CELL_NUMBER,
  CELL_SHARED,
  CELL_INLINE,
  CELL_STRING,      /* a formula's text result */
  CELL_BOOLEAN,
  CELL_ERROR,
  CELL_ISO_DATE,
} CellType;

typedef struct
{
  char    *path;
  char    *display;     /* the file's name, for messages */
  unzFile  zip;
} Workbook;

/* One part of the archive being inflated into the XML parser. */
typedef struct
{
  Workbook     *workbook;
  const char   *name;
  guint64       unpacked;
  guint64       limit;
  guint64       packed;
  GCancellable *cancellable;
  gboolean      too_large;
  gboolean      cancelled;
  gboolean      read_failed;
  char         *xml_error;  /* the parser's first message, for the debug log */
} Part;

typedef struct
{
  char     *name;
  char     *relation;   /* the r:id pointing into the workbook's relationships */
  gboolean  hidden;
} Sheet;

/* The shared strings, back to back in one buffer: millions of small strings cost no more
 * than their text. */
typedef struct
{
  GString *text;
  GArray  *offsets;   /* gsize per string */
} SharedStrings;

typedef struct
{
  Workbook            *workbook;
  const SharedStrings *shared;
  const GArray        *styles;          /* a ValueKind (guint8) per cell format */
  gboolean             date1904;
  GCancellable        *cancellable;
  FILE                *out;
  guint64              written;
  guint64              limit;           /* most bytes of CSV the sheet may produce */
  guint                width;           /* fields every row is padded to */
  guint                max_width;       /* fields of the widest row with a value */
  guint                min_written;     /* fields of the narrowest row written */
  guint                row;             /* Excel number of the current row */
  guint                pending_empty;   /* rows without values, written before the next value */
  gboolean             started;         /* a row with a value was written */
  GPtrArray           *cells;           /* the current row's values by column, or NULL */
  GString             *line;
} Conversion;

G_DEFINE_QUARK (cst-xlsx-error-quark, cst_xlsx_error)

static void
sheet_free (gpointer data)
{
  Sheet *sheet = data;

  g_free (sheet->name);
  g_free (sheet->relation);
  g_free (sheet);
}

static void
workbook_close (Workbook *workbook)
{
  if (workbook->zip != NULL)
    unzClose (workbook->zip);
  workbook->zip = NULL;
  g_clear_pointer (&workbook->path, g_free);
  g_clear_pointer (&workbook->display, g_free);
}

static void
shared_strings_clear (SharedStrings *shared)
{
  if (shared->text != NULL)
    g_string_free (shared->text, TRUE);
  g_clear_pointer (&shared->offsets, g_array_unref);
}

static void
init_libxml (void)
{
  static gsize initialized = 0;

  /* The parser's global tables must be set up once before threads use it. */
  if (g_once_init_enter (&initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&initialized, 1);
    }
}

static void
set_not_workbook (GError         **error,
                  const Workbook  *workbook)
{
  g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_NOT_WORKBOOK,
               _("“%s” is not an Excel workbook"), workbook->display);
}

static void
set_too_large (GError         **error,
               const Workbook  *workbook)
{
  g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_TOO_LARGE,
               _("“%s” is too large once unpacked to be read safely"), workbook->display);
}

static void
set_damaged (GError         **error,
             const Workbook  *workbook)
{
  g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_DAMAGED,
               _("“%s” is damaged or incomplete and cannot be read"), workbook->display);
}

static gboolean
read_magic (const char *path,
            guint8      magic[8])
{
  FILE *file = g_fopen (path, "rb");
  gboolean ok;

  if (file == NULL)
    return FALSE;
  ok = fread (magic, 1, 8, file) == 8;
  fclose (file);
  return ok;
}

/* Adds up the central directory: an archive that claims to unpack to more than the limit is
 * refused before anything is inflated. */
static gboolean
check_central_directory (Workbook  *workbook,
                         GError   **error)
{
  unz_global_info64 global;
  guint64 total = 0;
  int status;

  if (unzGetGlobalInfo64 (workbook->zip, &global) != UNZ_OK)
    {
      set_damaged (error, workbook);
      return FALSE;
    }
  if (global.number_entry > MAX_ENTRIES)
    {
      set_too_large (error, workbook);
      return FALSE;
    }

  for (status = unzGoToFirstFile (workbook->zip); status == UNZ_OK;
       status = unzGoToNextFile (workbook->zip))
    {
      unz_file_info64 info;

      if (unzGetCurrentFileInfo64 (workbook->zip, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
        break;
      if (info.uncompressed_size > CST_XLSX_MAX_UNPACKED ||
          (total += info.uncompressed_size) > CST_XLSX_MAX_UNPACKED)
        {
          set_too_large (error, workbook);
          return FALSE;
        }
    }
  if (status != UNZ_END_OF_LIST_OF_FILE)
    {
      set_damaged (error, workbook);
      return FALSE;
    }
  return TRUE;
}

static gboolean
workbook_open (Workbook    *workbook,
               const char  *path,
               GError     **error)
{
  static const guint8 ole_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
  guint8 magic[8] = { 0 };

  workbook->path = g_strdup (path);
  workbook->display = g_filename_display_basename (path);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_NOT_WORKBOOK,
                   _("Could not open “%s”: %s"), workbook->display, g_strerror (ENOENT));
      return FALSE;
    }
  if (read_magic (path, magic) && memcmp (magic, ole_magic, sizeof ole_magic) == 0)
    {
      /* Excel writes both the old .xls format and password-protected workbooks this way. */
      g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_NOT_WORKBOOK,
                   _("“%s” is an older Excel workbook or is protected by a password. Open it in "
                     "Excel, save it as an Excel workbook (.xlsx) without a password, and import "
                     "that file."),
                   workbook->display);
      return FALSE;
    }
  if (memcmp (magic, "PK\x03\x04", 4) != 0)
    {
      set_not_workbook (error, workbook);
      return FALSE;
    }

  workbook->zip = unzOpen64 (path);
  if (workbook->zip == NULL)
    {
      /* It starts like a zip archive but has no directory at its end: cut short. */
      set_damaged (error, workbook);
      return FALSE;
    }
  if (!check_central_directory (workbook, error))
    return FALSE;
  if (unzLocateFile (workbook->zip, "xl/workbook.xml", 2) != UNZ_OK)
    {
      set_not_workbook (error, workbook);
      return FALSE;
    }
  return TRUE;
}

/* Part reading */

static int
read_part_cb (void *context,
              char *buffer,
              int   length)
{
  Part *part = context;
  int n;

  if (g_cancellable_is_cancelled (part->cancellable))
    {
      part->cancelled = TRUE;
      return -1;
    }
  n = unzReadCurrentFile (part->workbook->zip, buffer, length);
  if (n < 0)
    {
      part->read_failed = TRUE;
      return -1;
    }
  /* The central directory may lie about the size; count what really comes out. */
  part->unpacked += n;
  if (part->unpacked > part->limit ||
      (part->unpacked > CST_XLSX_RATIO_FLOOR &&
       part->unpacked / MAX (part->packed, 1) > CST_XLSX_MAX_RATIO))
    {
      part->too_large = TRUE;
      return -1;
    }
  return n;
}

static void
xml_error_cb (void        *data,
              xmlErrorPtr  xml_error)
{
  Part *part = data;

  if (part->xml_error == NULL && xml_error != NULL && xml_error->message != NULL &&
      xml_error->level >= XML_ERR_ERROR)
    part->xml_error = g_strchomp (g_strdup_printf ("%s:%d: %s", part->name, xml_error->line,
                                                   xml_error->message));
}

/* Opens @name for streaming, or returns NULL: with @error set when it is broken or too
 * large, without when it is not in the archive and @optional. */
static xmlTextReaderPtr
part_open (Part          *part,
           Workbook      *workbook,
           const char    *name,
           gboolean       optional,
           GCancellable  *cancellable,
           GError       **error)
{
  unz_file_info64 info;
  xmlTextReaderPtr reader;

  memset (part, 0, sizeof *part);
  part->workbook = workbook;
  part->name = name;
  part->cancellable = cancellable;

  if (unzLocateFile (workbook->zip, name, 2) != UNZ_OK)
    {
      if (!optional)
        set_not_workbook (error, workbook);
      return NULL;
    }
  if (unzGetCurrentFileInfo64 (workbook->zip, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
    {
      set_damaged (error, workbook);
      return NULL;
    }
  if ((info.flag & 1) != 0)
    {
      g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_NOT_WORKBOOK,
                   _("“%s” is protected by a password. Save it without a password and import "
                     "it again."),
                   workbook->display);
      return NULL;
    }
  if (info.uncompressed_size > CST_XLSX_MAX_UNPACKED ||
      (info.uncompressed_size > CST_XLSX_RATIO_FLOOR &&
       info.uncompressed_size / MAX (info.compressed_size, 1) > CST_XLSX_MAX_RATIO))
    {
      set_too_large (error, workbook);
      return NULL;
    }
  part->limit = info.uncompressed_size;
  part->packed = info.compressed_size;

  if (unzOpenCurrentFile (workbook->zip) != UNZ_OK)
    {
      set_damaged (error, workbook);
      return NULL;
    }

  init_libxml ();
  /* No XML_PARSE_NOENT, DTDLOAD or HUGE: entities stay unexpanded and the parser's own size
   * limits stay on. */
  reader = xmlReaderForIO (read_part_cb, NULL, part, name, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING);
  if (reader == NULL)
    {
      unzCloseCurrentFile (workbook->zip);
      set_damaged (error, workbook);
      return NULL;
    }
  xmlTextReaderSetStructuredErrorHandler (reader, xml_error_cb, part);
  return reader;
}

/* Turns what stopped the parser into an error. */
static void
part_set_error (Part    *part,
                GError **error)
{
  if (part->cancelled && g_cancellable_set_error_if_cancelled (part->cancellable, error))
    return;
  if (part->too_large)
    set_too_large (error, part->workbook);
  else
    {
      if (part->xml_error != NULL)
        g_debug ("%s: %s", part->workbook->display, part->xml_error);
      set_damaged (error, part->workbook);
    }
}

/* Moves to the next node; FALSE at the end (@error unset) or on a failure (@error set). */
static gboolean
part_next (Part             *part,
           xmlTextReaderPtr  reader,
           GError          **error)
{
  int status = xmlTextReaderRead (reader);

  if (status == 1 && xmlTextReaderNodeType (reader) == XML_READER_TYPE_DOCUMENT_TYPE)
    {
      if (part->xml_error == NULL)
        part->xml_error = g_strdup_printf ("%s: has a document type declaration", part->name);
      status = -1;
    }
  if (status == 1)
    return TRUE;
  if (status < 0 || part->cancelled || part->too_large || part->read_failed)
    part_set_error (part, error);
  return FALSE;
}

/* Frees the reader and checks the part's checksum, which is known once it was read whole. */
static gboolean
part_close (Part              *part,
            xmlTextReaderPtr   reader,
            gboolean           complete,
            GError           **error)
{
  int status;

  xmlFreeTextReader (reader);
  status = unzCloseCurrentFile (part->workbook->zip);
  g_clear_pointer (&part->xml_error, g_free);
  if (complete && status != UNZ_OK)
    {
      set_damaged (error, part->workbook);
      return FALSE;
    }
  return complete;
}

static const char *
node_name (xmlTextReaderPtr reader)
{
  const xmlChar *name = xmlTextReaderConstLocalName (reader);

  return name != NULL ? (const char *) name : "";
}

static gboolean
is_text_node (xmlTextReaderPtr reader)
{
  switch (xmlTextReaderNodeType (reader))
    {
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Calls the attributes of the current element, by local name, without copying them. */
typedef void (*AttributeFunc) (const char *name,
                               const char *value,
                               gpointer    data);

static void
foreach_attribute (xmlTextReaderPtr reader,
                   AttributeFunc    func,
                   gpointer         data)
{
  if (xmlTextReaderMoveToFirstAttribute (reader) != 1)
    return;
  do
    {
      const xmlChar *value = xmlTextReaderConstValue (reader);

      func (node_name (reader), value != NULL ? (const char *) value : "", data);
    }
  while (xmlTextReaderMoveToNextAttribute (reader) == 1);
  xmlTextReaderMoveToElement (reader);
}

static char *
dup_attribute (xmlTextReaderPtr  reader,
               const char       *name)
{
  xmlChar *value = xmlTextReaderGetAttribute (reader, (const xmlChar *) name);
  char *copy = g_strdup ((const char *) value);

  xmlFree (value);
  return copy;
}

/* Excel writes characters XML cannot hold (and underscores that would look like one) as
 * `_xHHHH_`. */
static void
decode_escapes (GString *text)
{
  gsize in = 0, out = 0;

  if (strstr (text->str, "_x") == NULL)
    return;
  while (in < text->len)
    {
      const char *p = text->str + in;
      guint code = 0;
      gboolean escape = in + 7 <= text->len && p[0] == '_' && p[1] == 'x' && p[6] == '_';

      for (guint i = 2; escape && i < 6; i++)
        escape = g_ascii_isxdigit (p[i]);
      if (escape)
        for (guint i = 2; i < 6; i++)
          code = code * 16 + g_ascii_xdigit_value (p[i]);
      if (escape && code != 0 && g_unichar_validate (code))
        {
          char utf8[6];
          int n = g_unichar_to_utf8 (code, utf8);

          /* Never longer than the seven bytes it replaces. */
          memcpy (text->str + out, utf8, n);
          out += n;
          in += 7;
        }
      else
        text->str[out++] = text->str[in++];
    }
  g_string_truncate (text, out);
}

/* Workbook, relationships, styles, shared strings */

static void
sheet_attribute_cb (const char *name,
                    const char *value,
                    gpointer    data)
{
  Sheet *sheet = data;

  if (g_str_equal (name, "name"))
    {
      g_free (sheet->name);
      sheet->name = g_strdup (value);
    }
  else if (g_str_equal (name, "id"))
    {
      g_free (sheet->relation);
      sheet->relation = g_strdup (value);
    }
  else if (g_str_equal (name, "state"))
    sheet->hidden = !g_str_equal (value, "visible");
}

static gboolean
is_true (const char *value)
{
  return value != NULL && (g_str_equal (value, "1") || g_ascii_strcasecmp (value, "true") == 0);
}

/* The sheets in workbook order and whether dates count from 1904. */
static GPtrArray *
read_workbook (Workbook      *workbook,
               gboolean      *date1904,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GPtrArray) sheets = g_ptr_array_new_with_free_func (sheet_free);
  xmlTextReaderPtr reader;
  Part part;

  *date1904 = FALSE;
  reader = part_open (&part, workbook, "xl/workbook.xml", FALSE, cancellable, error);
  if (reader == NULL)
    return NULL;

  while (part_next (&part, reader, error))
    {
      const char *name;

      if (xmlTextReaderNodeType (reader) != XML_READER_TYPE_ELEMENT)
        continue;
      name = node_name (reader);
      if (g_str_equal (name, "workbookPr"))
        {
          g_autofree char *value = dup_attribute (reader, "date1904");

          *date1904 = is_true (value);
        }
      else if (g_str_equal (name, "sheet"))
        {
          Sheet *sheet = g_new0 (Sheet, 1);

          foreach_attribute (reader, sheet_attribute_cb, sheet);
          if (sheet->name == NULL)
            sheet->name = g_strdup_printf (_("Sheet %u"), sheets->len + 1);
          g_ptr_array_add (sheets, sheet);
        }
    }
  if (!part_close (&part, reader, *error == NULL, error))
    return NULL;
  return g_steal_pointer (&sheets);
}

/* Resolves a relationship target against the folder `xl/`, as a part name in the archive. */
static char *
resolve_target (const char *target)
{
  g_auto(GStrv) segments = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autofree char *joined = NULL;

  if (target[0] == '/')
    joined = g_strdup (target + 1);
  else
    joined = g_strconcat ("xl/", target, NULL);
  segments = g_strsplit (joined, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (g_str_equal (segments[i], "..") && kept->len > 0)
        g_ptr_array_set_size (kept, kept->len - 1);
      else if (!g_str_equal (segments[i], ".") && !g_str_equal (segments[i], "..") &&
               segments[i][0] != '\0')
        g_ptr_array_add (kept, segments[i]);
    }
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("/", (char **) kept->pdata);
}

/* The part that holds @sheet (the @index-th): through the workbook's relationships, or where
 * every writer puts it when they are missing. */
static char *
find_sheet_part (Workbook      *workbook,
                 const Sheet   *sheet,
                 guint          index,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree char *target = NULL;
  xmlTextReaderPtr reader;
  Part part;

  reader = part_open (&part, workbook, "xl/_rels/workbook.xml.rels", TRUE, cancellable, error);
  if (reader == NULL && *error != NULL)
    return NULL;

  while (reader != NULL && target == NULL && part_next (&part, reader, error))
    {
      g_autofree char *id = NULL;

      if (xmlTextReaderNodeType (reader) != XML_READER_TYPE_ELEMENT ||
          !g_str_equal (node_name (reader), "Relationship"))
        continue;
      id = dup_attribute (reader, "Id");
      if (sheet->relation != NULL && g_strcmp0 (id, sheet->relation) == 0)
        target = dup_attribute (reader, "Target");
    }
  if (reader != NULL)
    {
      /* Stopping early is fine: the target is found and the rest does not matter. */
      gboolean failed = *error != NULL;

      part_close (&part, reader, FALSE, NULL);
      if (failed)
        return NULL;
    }

  if (target != NULL && target[0] != '\0')
    return resolve_target (target);
  return g_strdup_printf ("xl/worksheets/sheet%u.xml", index + 1);
}

/* Sorts a number format's code into a ValueKind: skips quoted text, escaped and padding
 * characters and bracketed colours, locales and conditions, then looks at the letters left. */
static ValueKind
classify_format_code (const char *code)
{
  gboolean date = FALSE, time = FALSE, month_or_minute = FALSE, elapsed = FALSE;

  if (g_ascii_strcasecmp (code, "General") == 0)
    return VALUE_NUMBER;

  for (const char *p = code; *p != '\0' && *p != ';'; p++)
    {
      char c = g_ascii_tolower (*p);

      if (c == '"')
        {
          const char *end = strchr (p + 1, '"');

          if (end == NULL)
            break;
          p = end;
        }
      else if (c == '\\' || c == '_' || c == '*')
        {
          if (p[1] == '\0')
            break;
          p++;
        }
      else if (c == '[')
        {
          const char *end = strchr (p + 1, ']');
          gboolean duration = end != NULL && end > p + 1;

          if (end == NULL)
            break;
          for (const char *q = p + 1; q < end; q++)
            duration = duration && strchr ("hHmMsS", *q) != NULL;
          elapsed = elapsed || duration;
          p = end;
        }
      else if (g_ascii_strncasecmp (p, "am/pm", 5) == 0)
        {
          time = TRUE;
          p += 4;
        }
      else if (g_ascii_strncasecmp (p, "a/p", 3) == 0)
        {
          time = TRUE;
          p += 2;
        }
      else if (c == 'e' && (p[1] == '+' || p[1] == '-'))
        return VALUE_NUMBER;  /* scientific notation */
      else if (c == 'y' || c == 'd')
        date = TRUE;
      else if (c == 'h' || c == 's')
        time = TRUE;
      else if (c == 'm')
        month_or_minute = TRUE;
    }

  if (date)
    return time ? VALUE_DATETIME : VALUE_DATE;
  if (elapsed)
    return VALUE_ELAPSED;
  if (time)
    return VALUE_TIME;
  if (month_or_minute)
    return VALUE_DATE;   /* "mmm": a month needs a date to say which */
  return VALUE_NUMBER;
}

static ValueKind
classify_builtin_format (guint id)
{
  switch (id)
    {
    case 14: case 15: case 16: case 17:
      return VALUE_DATE;
    case 18: case 19: case 20: case 21: case 45: case 47:
      return VALUE_TIME;
    case 22:
      return VALUE_DATETIME;
    case 46:
      return VALUE_ELAPSED;
    default:
      return VALUE_NUMBER;
    }
}

/* A ValueKind per cell format (the `s` attribute of cells); NULL with @error unset when the
 * workbook has no styles. */
static GArray *
read_styles (Workbook      *workbook,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GArray) kinds = g_array_new (FALSE, TRUE, sizeof (guint8));
  g_autoptr(GHashTable) custom = g_hash_table_new (NULL, NULL);
  gboolean in_num_fmts = FALSE, in_cell_xfs = FALSE;
  xmlTextReaderPtr reader;
  Part part;

  reader = part_open (&part, workbook, "xl/styles.xml", TRUE, cancellable, error);
  if (reader == NULL)
    return NULL;

  while (part_next (&part, reader, error))
    {
      int type = xmlTextReaderNodeType (reader);
      const char *name = node_name (reader);
      gboolean empty = xmlTextReaderIsEmptyElement (reader) == 1;

      if (type == XML_READER_TYPE_END_ELEMENT)
        {
          if (g_str_equal (name, "numFmts"))
            in_num_fmts = FALSE;
          else if (g_str_equal (name, "cellXfs"))
            in_cell_xfs = FALSE;
          continue;
        }
      if (type != XML_READER_TYPE_ELEMENT)
        continue;

      if (g_str_equal (name, "numFmts"))
        in_num_fmts = !empty;
      else if (g_str_equal (name, "cellXfs"))
        in_cell_xfs = !empty;
      else if (in_num_fmts && g_str_equal (name, "numFmt"))
        {
          g_autofree char *id = dup_attribute (reader, "numFmtId");
          g_autofree char *code = dup_attribute (reader, "formatCode");
          guint64 number;

          if (id != NULL && code != NULL &&
              g_ascii_string_to_unsigned (id, 10, 0, G_MAXUINT16, &number, NULL))
            g_hash_table_insert (custom, GUINT_TO_POINTER ((guint) number),
                                 GUINT_TO_POINTER (classify_format_code (code)));
        }
      else if (in_cell_xfs && g_str_equal (name, "xf"))
        {
          g_autofree char *id = dup_attribute (reader, "numFmtId");
          guint64 number = 0;
          guint8 kind = VALUE_NUMBER;

          if (id != NULL && g_ascii_string_to_unsigned (id, 10, 0, G_MAXUINT16, &number, NULL))
            {
              gpointer found;

              if (g_hash_table_lookup_extended (custom, GUINT_TO_POINTER ((guint) number), NULL, &found))
                kind = GPOINTER_TO_UINT (found);
              else
                kind = classify_builtin_format (number);
            }
          g_array_append_val (kinds, kind);
        }
    }
  if (!part_close (&part, reader, *error == NULL, error))
    return NULL;
  return g_steal_pointer (&kinds);
}

/* Reads the shared strings table: each `<si>` is one string, its rich-text runs joined; the
 * phonetic guides (`<rPh>`) of East Asian text are not part of the text. */
static gboolean
read_shared_strings (Workbook       *workbook,
                     SharedStrings  *shared,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean in_si = FALSE, in_t = FALSE;
  guint in_phonetic = 0;
  xmlTextReaderPtr reader;
  Part part;

  shared->text = g_string_new (NULL);
  shared->offsets = g_array_new (FALSE, FALSE, sizeof (gsize));

  reader = part_open (&part, workbook, "xl/sharedStrings.xml", TRUE, cancellable, error);
  if (reader == NULL)
    return *error == NULL;

  while (part_next (&part, reader, error))
    {
      int type = xmlTextReaderNodeType (reader);
      const char *name;
      gboolean empty;

      if (in_t && in_phonetic == 0 && is_text_node (reader))
        {
          g_string_append (text, (const char *) xmlTextReaderConstValue (reader));
          continue;
        }
      if (type != XML_READER_TYPE_ELEMENT && type != XML_READER_TYPE_END_ELEMENT)
        continue;

      name = node_name (reader);
      empty = type == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement (reader) == 1;
      if (g_str_equal (name, "si"))
        {
          if (type == XML_READER_TYPE_ELEMENT)
            {
              in_si = TRUE;
              g_string_truncate (text, 0);
            }
          if (type == XML_READER_TYPE_END_ELEMENT || empty)
            {
              gsize offset = shared->text->len;

              decode_escapes (text);
              g_string_append_len (shared->text, text->str, text->len + 1);
              g_array_append_val (shared->offsets, offset);
              in_si = FALSE;
            }
        }
      else if (in_si && g_str_equal (name, "rPh"))
        {
          if (type == XML_READER_TYPE_ELEMENT && !empty)
            in_phonetic++;
          else if (type == XML_READER_TYPE_END_ELEMENT && in_phonetic > 0)
            in_phonetic--;
        }
      else if (in_si && g_str_equal (name, "t"))
        in_t = type == XML_READER_TYPE_ELEMENT && !empty;
    }
  return part_close (&part, reader, *error == NULL, error);
}

/* Cells and rows */

static gboolean
parse_cell_reference (const char *reference,
                      guint      *column,
                      guint      *row)
{
  guint c = 0, r = 0;
  const char *p = reference;

  for (; g_ascii_isalpha (*p); p++)
    if ((c = c * 26 + (g_ascii_toupper (*p) - 'A' + 1)) > MAX_COLUMNS)
      return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    if ((r = r * 10 + (*p - '0')) > MAX_ROWS)
      return FALSE;
  if (*p != '\0' || c == 0 || r == 0)
    return FALSE;
  *column = c - 1;
  *row = r;
  return TRUE;
}

/* Writes an Excel serial number as an ISO date, time or both. Days count from 1900-01-01 as
 * day 1, including the 29 February 1900 that Lotus 1-2-3 invented and Excel kept; or from
 * 1904-01-01 as day 0 in the 1904 system of old Mac workbooks. Returns FALSE, to keep the
 * number as written, for what is no date: the phantom day, day 0 of 1900, negative numbers
 * and years past 9999. */
static gboolean
format_serial (const char *text,
               ValueKind   kind,
               gboolean    date1904,
               GString    *out)
{
  GDate date;
  char *end;
  double serial;
  gint64 seconds, days, time;

  if (kind == VALUE_NUMBER || kind == VALUE_ELAPSED)
    return FALSE;
  serial = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (serial) || serial < 0 || serial >= 2958466)
    return FALSE;

  /* Excel keeps milliseconds; whole seconds are what exports show. */
  seconds = llround (serial * 86400.0);
  days = seconds / 86400;
  time = seconds % 86400;

  if (kind == VALUE_TIME && days == 0)
    {
      g_string_append_printf (out, "%02d:%02d:%02d", (int) (time / 3600), (int) (time / 60 % 60),
                              (int) (time % 60));
      return TRUE;
    }

  g_date_clear (&date, 1);
  if (date1904)
    g_date_set_dmy (&date, 1, G_DATE_JANUARY, 1904);
  else if (days == 0 || days == 60)
    return FALSE;
  else if (days < 60)
    g_date_set_dmy (&date, 31, G_DATE_DECEMBER, 1899);
  else
    g_date_set_dmy (&date, 30, G_DATE_DECEMBER, 1899);
  g_date_add_days (&date, days);

  g_string_append_printf (out, "%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
  if (kind != VALUE_DATE)
    g_string_append_printf (out, " %02d:%02d:%02d", (int) (time / 3600), (int) (time / 60 % 60),
                            (int) (time % 60));
  return TRUE;
}

static gboolean
write_line (Conversion  *conversion,
            GError     **error)
{
  if (conversion->written + conversion->line->len > conversion->limit)
    {
      set_too_large (error, conversion->workbook);
      return FALSE;
    }
  if (fwrite (conversion->line->str, 1, conversion->line->len, conversion->out) != conversion->line->len)
    {
      int saved_errno = errno;

      g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_WRITE,
                   _("Could not write a temporary copy of “%s”: %s"),
                   conversion->workbook->display, g_strerror (saved_errno));
      return FALSE;
    }
  conversion->written += conversion->line->len;
  return TRUE;
}

/* Rows without values are written as empty lines, which CSV readers skip as holding no data,
 * so that the CSV's line numbers stay the sheet's row numbers for messages about rows. */
static gboolean
write_empty_rows (Conversion  *conversion,
                  guint        n_rows,
                  GError     **error)
{
  g_string_assign (conversion->line, "\r\n");
  for (guint r = 0; r < n_rows; r++)
    if (!write_line (conversion, error))
      return FALSE;
  return TRUE;
}

/* Writes the current row. Rows without values wait: those between two rows with values, or
 * before the first, are written as empty lines; those after the last are dropped. */
static gboolean
finish_row (Conversion  *conversion,
            GError     **error)
{
  GPtrArray *cells = conversion->cells;
  guint row_width = 0, width;

  for (guint c = cells->len; c > 0; c--)
    if (g_ptr_array_index (cells, c - 1) != NULL)
      {
        row_width = c;
        break;
      }
  if (row_width == 0)
    {
      conversion->pending_empty++;
      g_ptr_array_set_size (cells, 0);
      return TRUE;
    }

  if (conversion->pending_empty > 0 &&
      !write_empty_rows (conversion, conversion->pending_empty, error))
    return FALSE;
  conversion->pending_empty = 0;
  conversion->started = TRUE;

  width = MAX (conversion->width, row_width);
  conversion->max_width = MAX (conversion->max_width, row_width);
  conversion->min_written = MIN (conversion->min_written, width);

  g_string_truncate (conversion->line, 0);
  for (guint c = 0; c < width; c++)
    {
      const char *value = c < cells->len ? g_ptr_array_index (cells, c) : NULL;

      if (c > 0)
        g_string_append_c (conversion->line, ',');
      if (value != NULL)
        cst_csv_append_field (conversion->line, value);
    }
  g_string_append (conversion->line, "\r\n");
  g_ptr_array_set_size (cells, 0);
  return write_line (conversion, error);
}

typedef struct
{
  char reference[16];
  char type[16];
  char style[16];
} CellAttributes;

static void
copy_attribute (char       *buffer,
                gsize       size,
                const char *value)
{
  if (g_strlcpy (buffer, value, size) >= size)
    g_strlcpy (buffer, "!", size);
}

static void
cell_attribute_cb (const char *name,
                   const char *value,
                   gpointer    data)
{
  CellAttributes *attributes = data;

  if (g_str_equal (name, "r"))
    copy_attribute (attributes->reference, sizeof attributes->reference, value);
  else if (g_str_equal (name, "t"))
    copy_attribute (attributes->type, sizeof attributes->type, value);
  else if (g_str_equal (name, "s"))
    copy_attribute (attributes->style, sizeof attributes->style, value);
}

static CellType
cell_type_from_attribute (const char *type)
{
  if (type[0] == '\0' || g_str_equal (type, "n"))
    return CELL_NUMBER;
  if (g_str_equal (type, "s"))
    return CELL_SHARED;
  if (g_str_equal (type, "inlineStr"))
    return CELL_INLINE;
  if (g_str_equal (type, "b"))
    return CELL_BOOLEAN;
  if (g_str_equal (type, "e"))
    return CELL_ERROR;
  if (g_str_equal (type, "d"))
    return CELL_ISO_DATE;
  return CELL_STRING;
}

/* The text of a finished cell as it goes into the CSV, or NULL when it has none. */
static char *
cell_text (Conversion  *conversion,
           CellType     type,
           guint        style,
           GString     *value,
           GError     **error)
{
  guint64 index;

  switch (type)
    {
    case CELL_SHARED:
      if (!g_ascii_string_to_unsigned (value->str, 10, 0, G_MAXUINT, &index, NULL) ||
          index >= conversion->shared->offsets->len)
        {
          g_debug ("%s: a cell points to shared string “%s” of %u", conversion->workbook->display,
                   value->str, conversion->shared->offsets->len);
          set_damaged (error, conversion->workbook);
          return NULL;
        }
      return g_strdup (conversion->shared->text->str +
                       g_array_index (conversion->shared->offsets, gsize, index));

    case CELL_INLINE:
    case CELL_STRING:
      decode_escapes (value);
      return g_strdup (value->str);

    case CELL_BOOLEAN:
      if (g_str_equal (value->str, "1"))
        return g_strdup ("TRUE");
      if (g_str_equal (value->str, "0"))
        return g_strdup ("FALSE");
      return g_strdup (value->str);

    case CELL_ISO_DATE:
      /* "2024-01-01T10:00:00" as the rest of the import reads dates. */
      g_strdelimit (value->str, "T", ' ');
      if (value->len > 0 && value->str[value->len - 1] == 'Z')
        g_string_truncate (value, value->len - 1);
      return g_strdup (value->str);

    case CELL_ERROR:
      return g_strdup (value->str);

    case CELL_NUMBER:
    default:
      {
        ValueKind kind = VALUE_NUMBER;
        GString *date;

        if (conversion->styles != NULL && style < conversion->styles->len)
          kind = g_array_index (conversion->styles, guint8, style);
        if (kind == VALUE_NUMBER)
          return g_strdup (value->str);
        date = g_string_new (NULL);
        if (format_serial (value->str, kind, conversion->date1904, date))
          return g_string_free (date, FALSE);
        g_string_free (date, TRUE);
        return g_strdup (value->str);
      }
    }
}

/* One pass over the sheet part: every row padded to conversion->width. */
static gboolean
convert_rows (Conversion  *conversion,
              const char  *part_name,
              GError     **error)
{
  g_autoptr(GString) value = g_string_new (NULL);
  xmlTextReaderPtr reader;
  Part part;
  gboolean in_sheet_data = FALSE, in_cell = FALSE, in_row = FALSE;
  gboolean in_v = FALSE, in_is = FALSE, in_t = FALSE;
  guint in_phonetic = 0;
  CellType cell_type = CELL_NUMBER;
  guint cell_style = 0, column = 0, n_rows = 0;
  int next_column = 0;
  gboolean failed = FALSE;

  reader = part_open (&part, conversion->workbook, part_name, FALSE, conversion->cancellable, error);
  if (reader == NULL)
    return FALSE;
  /* The CSV may outgrow the packed sheet by the same ratio as the XML. */
  conversion->limit = CLAMP (part.packed * CST_XLSX_MAX_RATIO, MIN_CSV_LIMIT, CST_XLSX_MAX_UNPACKED);

  while (!failed && part_next (&part, reader, error))
    {
      int type = xmlTextReaderNodeType (reader);
      const char *name;
      gboolean empty, start, end;

      if (in_cell && (in_v || (in_is && in_t && in_phonetic == 0)) && is_text_node (reader))
        {
          g_string_append (value, (const char *) xmlTextReaderConstValue (reader));
          continue;
        }
      if (type != XML_READER_TYPE_ELEMENT && type != XML_READER_TYPE_END_ELEMENT)
        continue;

      name = node_name (reader);
      start = type == XML_READER_TYPE_ELEMENT;
      empty = start && xmlTextReaderIsEmptyElement (reader) == 1;
      end = !start || empty;

      if (g_str_equal (name, "sheetData"))
        in_sheet_data = start && !empty;
      else if (!in_sheet_data)
        continue;
      else if (g_str_equal (name, "row"))
        {
          if (start)
            {
              g_autofree char *number = dup_attribute (reader, "r");
              guint64 row;

              if (number == NULL)
                row = conversion->row + 1;
              else if (!g_ascii_string_to_unsigned (number, 10, 1, MAX_ROWS, &row, NULL))
                {
                  g_debug ("%s: row number “%s”", conversion->workbook->display, number);
                  set_damaged (error, conversion->workbook);
                  failed = TRUE;
                  break;
                }
              /* Rows left out are empty rows; a row out of order is taken as the next. */
              if (row > conversion->row + 1)
                conversion->pending_empty += row - conversion->row - 1;
              conversion->row = MAX (conversion->row + 1, (guint) row);
              in_row = TRUE;
              next_column = 0;
            }
          if (end && in_row)
            {
              in_row = FALSE;
              if (!finish_row (conversion, error))
                {
                  failed = TRUE;
                  break;
                }
              if ((++n_rows % CHECK_INTERVAL) == 0 &&
                  g_cancellable_set_error_if_cancelled (conversion->cancellable, error))
                {
                  failed = TRUE;
                  break;
                }
            }
        }
      else if (in_row && g_str_equal (name, "c"))
        {
          if (start)
            {
              CellAttributes attributes = { "", "", "" };
              guint64 style = 0;
              guint row;

              foreach_attribute (reader, cell_attribute_cb, &attributes);
              if (attributes.reference[0] == '\0')
                column = next_column;
              else if (!parse_cell_reference (attributes.reference, &column, &row))
                {
                  g_debug ("%s: cell reference “%s”", conversion->workbook->display,
                           attributes.reference);
                  set_damaged (error, conversion->workbook);
                  failed = TRUE;
                  break;
                }
              if (column >= MAX_COLUMNS)
                {
                  set_damaged (error, conversion->workbook);
                  failed = TRUE;
                  break;
                }
              cell_type = cell_type_from_attribute (attributes.type);
              if (attributes.style[0] != '\0')
                g_ascii_string_to_unsigned (attributes.style, 10, 0, G_MAXUINT, &style, NULL);
              cell_style = style;
              next_column = column + 1;
              g_string_truncate (value, 0);
              in_cell = !empty;
              in_v = in_is = in_t = FALSE;
              in_phonetic = 0;
            }
          else if (in_cell)
            {
              char *text;

              in_cell = FALSE;
              if (value->len == 0)
                continue;
              text = cell_text (conversion, cell_type, cell_style, value, error);
              if (text == NULL)
                {
                  failed = TRUE;
                  break;
                }
              if (text[0] == '\0')
                {
                  g_free (text);
                  continue;
                }
              if (column >= conversion->cells->len)
                g_ptr_array_set_size (conversion->cells, column + 1);
              g_free (g_ptr_array_index (conversion->cells, column));
              g_ptr_array_index (conversion->cells, column) = text;
            }
        }
      else if (in_cell && g_str_equal (name, "v"))
        in_v = start && !empty;
      else if (in_cell && g_str_equal (name, "is"))
        in_is = start && !empty;
      else if (in_is && g_str_equal (name, "rPh"))
        {
          if (start && !empty)
            in_phonetic++;
          else if (!start && in_phonetic > 0)
            in_phonetic--;
        }
      else if (in_is && g_str_equal (name, "t"))
        in_t = start && !empty;
    }

  failed = failed || (*error != NULL);
  return part_close (&part, reader, !failed, failed ? NULL : error);
}

static char *
create_temporary_csv (Workbook  *workbook,
                      GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("constellate-xlsx-XXXXXX.csv", &path, &local_error);
  if (fd < 0)
    {
      g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_WRITE,
                   _("Could not write a temporary copy of “%s”: %s"),
                   workbook->display, local_error->message);
      return NULL;
    }
  g_close (fd, NULL);
  return path;
}

/* Writes the sheet in @part_name to @csv_path. Rows are padded to the widest row; when a
 * wider row comes after narrower ones were written, the sheet is read again with the width
 * known, so only ragged sheets pay for a second pass. */
static gboolean
write_csv (Conversion  *conversion,
           const char  *part_name,
           const char  *csv_path,
           GError     **error)
{
  for (guint pass = 0; pass < 2; pass++)
    {
      gboolean ok;
      int saved_errno = 0;

      conversion->out = g_fopen (csv_path, "wb");
      if (conversion->out == NULL)
        {
          saved_errno = errno;
          g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_WRITE,
                       _("Could not write a temporary copy of “%s”: %s"),
                       conversion->workbook->display, g_strerror (saved_errno));
          return FALSE;
        }
      conversion->written = 0;
      conversion->row = 0;
      conversion->pending_empty = 0;
      conversion->started = FALSE;
      conversion->min_written = G_MAXUINT;
      g_ptr_array_set_size (conversion->cells, 0);

      ok = convert_rows (conversion, part_name, error);
      if (fclose (conversion->out) != 0 && ok)
        {
          saved_errno = errno;
          g_set_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_WRITE,
                       _("Could not write a temporary copy of “%s”: %s"),
                       conversion->workbook->display, g_strerror (saved_errno));
          ok = FALSE;
        }
      conversion->out = NULL;
      if (!ok)
        return FALSE;
      if (!conversion->started || conversion->min_written >= conversion->max_width)
        return TRUE;
      conversion->width = conversion->max_width;
    }
  g_assert_not_reached ();
}

/**
 * cst_xlsx_is_workbook:
 * @path: a file in the file system encoding
 *
 * Whether @path is a zip archive with an Excel workbook part (`xl/workbook.xml`), whatever
 * its name. Cost: reads the archive's central directory.
 *
 * Returns: %TRUE for an Excel workbook
 */
gboolean
cst_xlsx_is_workbook (const char *path)
{
  guint8 magic[8] = { 0 };
  unzFile zip;
  gboolean found;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!read_magic (path, magic) || memcmp (magic, "PK\x03\x04", 4) != 0)
    return FALSE;
  zip = unzOpen64 (path);
  if (zip == NULL)
    return FALSE;
  found = unzLocateFile (zip, "xl/workbook.xml", 2) == UNZ_OK;
  unzClose (zip);
  return found;
}

/**
 * cst_xlsx_list_sheets:
 * @path: an Excel workbook (.xlsx)
 * @first_visible: (out) (optional): the index of the first sheet that is not hidden, the one
 *   cst_xlsx_convert_to_csv() reads when given -1
 * @error: return location for a #CST_XLSX_ERROR naming the file
 *
 * Lists the names of the workbook's sheets in the order Excel shows their tabs, hidden sheets
 * included; the index of a name is the @sheet to give cst_xlsx_convert_to_csv().
 *
 * Returns: (transfer full) (nullable): the names, or %NULL with @error set
 */
char **
cst_xlsx_list_sheets (const char  *path,
                      int         *first_visible,
                      GError     **error)
{
  g_autoptr(GPtrArray) sheets = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GError) local_error = NULL;
  Workbook workbook = { 0 };
  gboolean date1904;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (workbook_open (&workbook, path, &local_error))
    sheets = read_workbook (&workbook, &date1904, NULL, &local_error);
  workbook_close (&workbook);
  if (sheets == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (first_visible != NULL)
    {
      *first_visible = 0;
      for (guint i = 0; i < sheets->len; i++)
        if (!((Sheet *) g_ptr_array_index (sheets, i))->hidden)
          {
            *first_visible = i;
            break;
          }
    }
  for (guint i = 0; i < sheets->len; i++)
    g_strv_builder_add (names, ((Sheet *) g_ptr_array_index (sheets, i))->name);
  return g_strv_builder_end (names);
}

/**
 * cst_xlsx_convert_to_csv:
 * @path: an Excel workbook (.xlsx)
 * @sheet: the index of a sheet in cst_xlsx_list_sheets(), or -1 for the first visible sheet
 * @cancellable: (nullable): checked while reading
 * @error: return location for a #CST_XLSX_ERROR naming the file, or %G_IO_ERROR_CANCELLED
 *
 * Writes a sheet as a temporary UTF-8 CSV (comma-separated, quoted per RFC 4180, CRLF line
 * ends) that the importer reads like any export. Cells give their text as Excel stores it:
 * numbers as written ("12.5"), shared and inline strings (rich-text runs joined), TRUE or
 * FALSE, error codes such as `#N/A`; numbers whose cell format shows a date become
 * `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or `HH:MM:SS` (1900 or 1904 date system, as the
 * workbook says). Missing cells become empty fields, and every row has as many fields as the
 * widest. Rows without values become empty lines, which readers skip, so that line numbers in
 * the CSV are the sheet's row numbers; those after the last value are left out.
 *
 * Archives that would unpack to more than %CST_XLSX_MAX_UNPACKED bytes, or parts that unpack
 * to more than %CST_XLSX_MAX_RATIO times their packed size, are refused before and while
 * reading; so are damaged archives, malformed XML and files that are no workbook.
 *
 * Cost: one pass over the sheet (two when rows have different widths); memory holds the
 * shared strings and one row.
 *
 * Returns: (transfer full) (nullable): the path of the CSV, which the caller deletes, or
 *   %NULL with @error set; nothing is left behind on failure
 */
char *
cst_xlsx_convert_to_csv (const char    *path,
                         int            sheet,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GPtrArray) sheets = NULL;
  g_autoptr(GArray) styles = NULL;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *part_name = NULL;
  g_autofree char *csv_path = NULL;
  g_autoptr(GError) local_error = NULL;   /* the helpers need an error to fill; see the top */
  SharedStrings shared = { NULL, NULL };
  Workbook workbook = { 0 };
  Conversion conversion = { 0 };
  gboolean date1904 = FALSE;
  gboolean ok = FALSE;
  int chosen = sheet;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (sheet >= -1, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!workbook_open (&workbook, path, &local_error))
    goto out;
  sheets = read_workbook (&workbook, &date1904, cancellable, &local_error);
  if (sheets == NULL)
    goto out;

  if (sheets->len == 0)
    {
      g_set_error (&local_error, CST_XLSX_ERROR, CST_XLSX_ERROR_NO_SHEET,
                   _("“%s” has no sheets"), workbook.display);
      goto out;
    }
  if (chosen < 0)
    {
      chosen = 0;
      for (guint i = 0; i < sheets->len; i++)
        if (!((Sheet *) g_ptr_array_index (sheets, i))->hidden)
          {
            chosen = i;
            break;
          }
    }
  if ((guint) chosen >= sheets->len)
    {
      g_set_error (&local_error, CST_XLSX_ERROR, CST_XLSX_ERROR_NO_SHEET,
                   _("“%s” has no sheet number %d"), workbook.display, chosen + 1);
      goto out;
    }

  part_name = find_sheet_part (&workbook, g_ptr_array_index (sheets, chosen), chosen,
                               cancellable, &local_error);
  if (part_name == NULL)
    goto out;
  styles = read_styles (&workbook, cancellable, &local_error);
  if (styles == NULL && local_error != NULL)
    goto out;
  if (!read_shared_strings (&workbook, &shared, cancellable, &local_error))
    goto out;

  csv_path = create_temporary_csv (&workbook, &local_error);
  if (csv_path == NULL)
    goto out;

  conversion.workbook = &workbook;
  conversion.shared = &shared;
  conversion.styles = styles;
  conversion.date1904 = date1904;
  conversion.cancellable = cancellable;
  conversion.cells = cells;
  conversion.line = line;
  ok = write_csv (&conversion, part_name, csv_path, &local_error);

out:
  if (!ok && csv_path != NULL)
    g_unlink (csv_path);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  shared_strings_clear (&shared);
  workbook_close (&workbook);
  return ok ? g_steal_pointer (&csv_path) : NULL;
}
