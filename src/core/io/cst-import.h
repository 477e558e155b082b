/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"
#include "store/cst-store.h"

G_BEGIN_DECLS

#define CST_IMPORT_ERROR (cst_import_error_quark ())

typedef enum
{
  CST_IMPORT_ERROR_EMPTY,
  CST_IMPORT_ERROR_MISSING_COLUMN,
  CST_IMPORT_ERROR_UNSUPPORTED,
  CST_IMPORT_ERROR_ALREADY_IMPORTED,
} CstImportError;

typedef struct
{
  gint64        source_id;
  CstSourceKind kind;
  gsize         n_rows;      /* data rows in the file, every one of them kept as it came */
  gsize         n_imported;  /* rows whose values could be read */
  gsize         n_rejected;  /* rows kept only raw, each with its reason */
  double        seconds;
  gsize         n_skipped_seen;  /* rows of an earlier export of the same source, not stored
                                  * again (CstImportPlan.skip_seen_rows); not in n_rows */
} CstImportReport;

GQuark   cst_import_error_quark (void);
gboolean cst_import_guess_kind  (const char * const  *header,
                                 CstSourceKind       *kind);
gboolean cst_import_parse_time  (const char          *text,
                                 gint64              *out);
gboolean cst_import_csv         (CstStore            *store,
                                 const char          *path,
                                 int                  kind,
                                 CstImportReport     *report,
                                 GCancellable        *cancellable,
                                 CstProgressFunc      progress,
                                 gpointer             progress_data,
                                 GError             **error);

G_END_DECLS
