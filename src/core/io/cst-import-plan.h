/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "io/cst-import.h"
#include "io/cst-infer.h"
#include "io/cst-sniff.h"
#include "jobs/cst-progress.h"

G_BEGIN_DECLS

/* How to read one file: everything the import wizard shows and lets the user change. A plan
 * starts from what cst_sniff_file() and cst_infer_columns() found; the user's changes go
 * through the setters, which keep it consistent. Plans are plain data owned by one thread at a
 * time: the wizard makes them in a worker, edits them on the main thread, and hands a copy to
 * the import job. */
typedef struct _CstImportPlan
{
  char           *path;
  char           *display_name;     /* the file's name, for people */
  char           *encoding;         /* see CstSniffResult */
  char            delimiter;
  gboolean        has_header;
  char            decimal;          /* '.' or ',' */
  char            thousands;        /* '\0' when none */
  CstFileKind     kind;             /* what the file holds; CST_FILE_KIND_EVENTS is not importable yet */
  guint           n_columns;
  char          **column_names;     /* n_columns, NULL-terminated */
  CstRole        *roles;            /* n_columns; CST_ROLE_NONE: kept raw, not used */
  CstDateFormat  *date_formats;     /* n_columns; the one format each date column is read with */
  CstSniffResult *sniff;            /* owned: preview rows and per-column counts */
  CstInference   *inference;        /* owned: types, samples and warnings per column */
  char           *csv_path;         /* (nullable): for an Excel workbook, the temporary CSV of
                                     * its sheet, read instead of @path; shared by copies of the
                                     * plan and deleted with the last of them */
  gboolean        skip_seen_rows;   /* skip rows an earlier source with the same header holds
                                     * (a newer export of the same source); FALSE by default */
  char          **sheet_names;      /* (nullable): a workbook's sheets, in the order of their tabs */
  int             sheet;            /* the sheet read (index in sheet_names; at first the first
                                     * visible one), -1 when the file is no workbook */
  struct _CstImportPlan *orders;    /* (nullable) (owned): for order lines that name no person,
                                     * the orders file they take their person and date from, by
                                     * order number (cst_import_plans_link_orders()) */
  char           *lines_name;       /* (nullable): for such an orders file, its lines file */
} CstImportPlan;

CstImportPlan *cst_import_plan_new           (const char             *path,
                                              GCancellable           *cancellable,
                                              GError                **error);
gboolean       cst_import_plan_reread        (CstImportPlan          *self,
                                              const CstSniffOptions  *forced,
                                              GError                **error);
void           cst_import_plan_set_role      (CstImportPlan          *self,
                                              guint                   column,
                                              CstRole                 role);
void           cst_import_plan_set_kind      (CstImportPlan          *self,
                                              CstFileKind             kind);
void           cst_import_plan_set_date_format (CstImportPlan        *self,
                                              guint                   column,
                                              CstDateFormat           format);
gboolean       cst_import_plan_set_sheet     (CstImportPlan          *self,
                                              int                     sheet,
                                              GCancellable           *cancellable,
                                              GError                **error);
gboolean       cst_import_plan_validate      (const CstImportPlan    *self,
                                              GError                **error);
char          *cst_import_plan_dup_notice    (const CstImportPlan    *self);
guint          cst_import_plans_link_orders  (GPtrArray              *plans);
char          *cst_import_plan_dup_content_hash (const CstImportPlan *self,
                                              GError                **error);
CstImportPlan *cst_import_plan_copy          (const CstImportPlan    *self);
void           cst_import_plan_free          (CstImportPlan          *self);

gboolean       cst_import_file               (CstStore               *store,
                                              const CstImportPlan    *plan,
                                              CstImportReport        *report,
                                              GCancellable           *cancellable,
                                              CstProgressFunc         progress,
                                              gpointer                progress_data,
                                              GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstImportPlan, cst_import_plan_free)

G_END_DECLS
