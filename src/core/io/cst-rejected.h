/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean cst_rejected_rows_write_csv (const char  *project_path,
                                      gint64       source_id,
                                      const char  *out_path,
                                      GError     **error);

G_END_DECLS
