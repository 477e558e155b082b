/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CstDateFormat:
 * @CST_DATE_FORMAT_NONE: not a date
 * @CST_DATE_FORMAT_ISO: `2025-03-04` (ISO 8601, also with `T` and a zone)
 * @CST_DATE_FORMAT_DMY_DOT: `04.03.2025` or `4.3.25`, as German spreadsheets write it
 * @CST_DATE_FORMAT_DMY: `04/03/2025` or `04-03-2025`, day first
 * @CST_DATE_FORMAT_MDY: `03/04/2025` or `03-04-2025`, month first (United States)
 * @CST_DATE_FORMAT_YMD_SLASH: `2025/03/04`
 * @CST_DATE_FORMAT_COMPACT: `20250304`
 *
 * The date orders Constellate reads. They are flags, so that one value can fit several at
 * once: `03/04/2025` fits both %CST_DATE_FORMAT_DMY and %CST_DATE_FORMAT_MDY. Every format
 * takes an optional time after a space or `T`: `HH:MM`, `HH:MM:SS`, fractions of a second,
 * `AM`/`PM`, and a zone (`Z`, `UTC`, `+01:00`, `+0100`), which is read and dropped: times are
 * kept as the wall clock of the file (see src/DESIGN.md).
 */
typedef enum
{
  CST_DATE_FORMAT_NONE      = 0,
  CST_DATE_FORMAT_ISO       = 1 << 0,
  CST_DATE_FORMAT_DMY_DOT   = 1 << 1,
  CST_DATE_FORMAT_DMY       = 1 << 2,
  CST_DATE_FORMAT_MDY       = 1 << 3,
  CST_DATE_FORMAT_YMD_SLASH = 1 << 4,
  CST_DATE_FORMAT_COMPACT   = 1 << 5,
} CstDateFormat;

#define CST_DATE_FORMAT_ALL (CST_DATE_FORMAT_ISO | CST_DATE_FORMAT_DMY_DOT | CST_DATE_FORMAT_DMY | \
                             CST_DATE_FORMAT_MDY | CST_DATE_FORMAT_YMD_SLASH | CST_DATE_FORMAT_COMPACT)

/**
 * CstNumberInfo:
 * @currency: (nullable): the ISO 4217 code of a currency sign or code next to the number
 *   (`"EUR"` for `€` or `EUR`), a static string
 * @n_decimals: digits after the decimal separator
 * @n_digits: digits before the decimal separator
 * @thousands: the group separator used, `'\0'` when none; any kind of space is `' '`
 * @leading_zero: the number starts with a 0 followed by more digits (`0049`), which makes it
 *   a code rather than a quantity
 * @negative: a sign or accountant's parentheses made it negative
 */
typedef struct
{
  const char *currency;
  guint       n_decimals;
  guint       n_digits;
  char        thousands;
  gboolean    leading_zero;
  gboolean    negative;
} CstNumberInfo;

gboolean       cst_parse_number          (const char     *text,
                                          char            decimal,
                                          char            thousands,
                                          double         *out,
                                          CstNumberInfo  *info);
CstDateFormat  cst_parse_date_fits       (const char     *text,
                                          gboolean       *has_time);
gboolean       cst_parse_datetime        (const char     *text,
                                          CstDateFormat   format,
                                          gint64         *out);
const char    *cst_date_format_to_string (CstDateFormat   format);
gboolean       cst_parse_is_na           (const char     *text);

G_END_DECLS
