/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CST_XLSX_ERROR (cst_xlsx_error_quark ())

typedef enum
{
  CST_XLSX_ERROR_NOT_WORKBOOK,
  CST_XLSX_ERROR_TOO_LARGE,
  CST_XLSX_ERROR_DAMAGED,
  CST_XLSX_ERROR_NO_SHEET,
  CST_XLSX_ERROR_WRITE,
} CstXlsxError;

/* Limits against zip bombs. The whole archive may not unpack to more than
 * %CST_XLSX_MAX_UNPACKED bytes, and a part larger than %CST_XLSX_RATIO_FLOOR once unpacked
 * may not be more than %CST_XLSX_MAX_RATIO times its packed size. */
#define CST_XLSX_MAX_UNPACKED  (G_GUINT64_CONSTANT (1) << 30)
#define CST_XLSX_MAX_RATIO     100
#define CST_XLSX_RATIO_FLOOR   (G_GUINT64_CONSTANT (1) << 20)

GQuark     cst_xlsx_error_quark       (void);
gboolean   cst_xlsx_is_workbook       (const char    *path);
char     **cst_xlsx_list_sheets       (const char    *path,
                                       int           *first_visible,
                                       GError       **error);
char      *cst_xlsx_convert_to_csv    (const char    *path,
                                       int            sheet,
                                       GCancellable  *cancellable,
                                       GError       **error);

G_END_DECLS
