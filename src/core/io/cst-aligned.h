/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Text tables aligned with blanks, as old systems and some data sets write them (CDNOW's
 * transaction log): columns separated by runs of spaces, no quotes, no other separator. The
 * importer reads them through a temporary CSV, as it reads Excel workbooks. */
gboolean  cst_aligned_detect         (const char    *path);
char     *cst_aligned_convert_to_csv (const char    *path,
                                      GCancellable  *cancellable,
                                      GError       **error);

G_END_DECLS
