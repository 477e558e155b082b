/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cst-parse.h"

G_BEGIN_DECLS

#define CST_SNIFF_ERROR (cst_sniff_error_quark ())

typedef enum
{
  CST_SNIFF_ERROR_OPEN,
  CST_SNIFF_ERROR_EMPTY,
  CST_SNIFF_ERROR_ENCODING,
  CST_SNIFF_ERROR_BINARY,
  CST_SNIFF_ERROR_NOT_A_TABLE,
} CstSniffError;

/* More columns than any spreadsheet holds (Excel and LibreOffice stop at 16,384): such a
 * "table" is text split at every comma, and inferring that many columns would take long. */
#define CST_SNIFF_MAX_COLUMNS 16384

/* Bytes read from the start of a file to detect its settings. */
#define CST_SNIFF_MAX_BYTES   (256 * 1024)
/* Data records kept from those bytes for inference; a preview shows the first 20. */
#define CST_SNIFF_MAX_ROWS    1000
#define CST_SNIFF_PREVIEW_ROWS 20

/**
 * CstSniffColumn:
 * @n_values: sampled values that are not empty or an NA marker
 * @n_empty: sampled values that are empty or an NA marker (`NA`, `N/A`, `null`, `-`, `#N/A`)
 * @n_dates: values that read as a date in some format
 * @date_formats: the #CstDateFormat flags that every date of the column fits; more than one
 *   flag means the values do not decide (see @date_ambiguous); none when they need several
 *   formats (see @n_date_formats)
 * @n_date_formats: how many different formats the dates are written in (1 for a clean column)
 * @date_ambiguous: every date fits both D/M/Y and M/D/Y (`03/04/2025`): ask, never guess
 * @has_time: some dates carry a time of day
 */
typedef struct
{
  guint         n_values;
  guint         n_empty;
  guint         n_dates;
  CstDateFormat date_formats;
  guint         n_date_formats;
  gboolean      date_ambiguous;
  gboolean      has_time;
} CstSniffColumn;

/**
 * CstSniffResult:
 * @path: the file
 * @encoding: a name for g_convert() and #GCharsetConverter: `UTF-8`, `UTF-16LE`, `UTF-16BE`,
 *   `WINDOWS-1252`, or `ISO-8859-1` for 8-bit text that uses the five bytes Windows-1252 leaves
 *   undefined
 * @has_bom: the file starts with a byte-order mark (skipped by cst_sniff_open_utf8())
 * @delimiter: `,` `;` `\t` or `|`
 * @has_header: the first record names the columns
 * @decimal: `.` or `,`
 * @thousands: the thousands separator seen in numbers (`.` `,` `'`, `' '` for any space), or
 *   `'\0'` when none was seen
 * @n_columns: columns of the widest sampled record
 * @header: (array zero-terminated=1): @n_columns names; "Column 1", … (translated) when the
 *   file has no header, and for empty header cells
 * @rows: (element-type GStrv): up to %CST_SNIFF_MAX_ROWS data records, each padded to
 *   @n_columns fields, decoded to UTF-8, with the spaces around unquoted fields removed
 * @columns: (array length=n_columns): what the sampled values say per column
 * @truncated: the file is longer than what was sampled, so the counts are a sample
 */
typedef struct
{
  char           *path;
  char           *encoding;
  gboolean        has_bom;
  char            delimiter;
  gboolean        has_header;
  char            decimal;
  char            thousands;
  guint           n_columns;
  char          **header;
  GPtrArray      *rows;
  CstSniffColumn *columns;
  gboolean        truncated;
} CstSniffResult;

/**
 * CstSniffOptions:
 * @encoding: (nullable): an encoding to use instead of detecting one
 * @delimiter: a delimiter to use, or `'\0'` to detect it
 * @has_header: 1 or 0 to say whether the first record is a header, -1 to detect it
 * @decimal: `.` or `,` to use, or `'\0'` to detect it
 *
 * Settings the user chose in the import wizard; everything left open is detected as usual.
 */
typedef struct
{
  const char *encoding;
  char        delimiter;
  int         has_header;
  char        decimal;
} CstSniffOptions;

#define CST_SNIFF_OPTIONS_INIT { NULL, '\0', -1, '\0' }

GQuark          cst_sniff_error_quark          (void);
CstSniffResult *cst_sniff_file                 (const char      *path,
                                                GError         **error);
CstSniffResult *cst_sniff_file_full            (const char      *path,
                                                const CstSniffOptions *options,
                                                GError         **error);
void            cst_sniff_result_free          (CstSniffResult  *self);
const char     *cst_sniff_result_get_value     (const CstSniffResult *self,
                                                guint            row,
                                                guint            column);
const char     *cst_sniff_detect_encoding      (const char      *data,
                                                gsize            length,
                                                gboolean        *has_bom);
GInputStream   *cst_sniff_open_utf8            (const char      *path,
                                                const char      *encoding,
                                                GCancellable    *cancellable,
                                                GError         **error);
char           *cst_sniff_convert_to_utf8_file (const char      *path,
                                                const char      *encoding,
                                                GCancellable    *cancellable,
                                                GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstSniffResult, cst_sniff_result_free)

G_END_DECLS
