/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "audience/cst-audience.h"
#include "audience/cst-holdout.h"

G_BEGIN_DECLS

#define CST_TYPE_AUDIENCE_DIALOG (cst_audience_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CstAudienceDialog, cst_audience_dialog, CST, AUDIENCE_DIALOG, AdwWindow)

CstAudienceDialog      *cst_audience_dialog_new_for_segment    (GtkWindow         *parent,
                                                                const char        *project_path,
                                                                guint              segment_index,
                                                                const char        *segment_name);
CstAudienceDialog      *cst_audience_dialog_new_for_people     (GtkWindow         *parent,
                                                                const char        *project_path,
                                                                const char        *name,
                                                                const gint64      *person_ids,
                                                                gsize              n_ids);

/* For tests and the window: whether a load, preview or export is still under way. */
gboolean                cst_audience_dialog_is_busy            (CstAudienceDialog *self);
/* The newest preview counts, or %NULL before the first one arrived. */
const CstExportSummary *cst_audience_dialog_get_preview        (CstAudienceDialog *self);
/* What the last export wrote, or %NULL when none finished. */
const CstExportSummary *cst_audience_dialog_get_export_summary (CstAudienceDialog *self);
void                    cst_audience_dialog_set_holdout_share  (CstAudienceDialog *self,
                                                                double             share);
void                    cst_audience_dialog_set_format         (CstAudienceDialog *self,
                                                                CstExportFormat    format,
                                                                CstHashedPlatform  platform);
/* Exports to @path as the Export button does after its file chooser. */
void                    cst_audience_dialog_export_to          (CstAudienceDialog *self,
                                                                const char        *path);
void                    cst_audience_dialog_import_results_from (CstAudienceDialog *self,
                                                                 const char        *path);
const CstLift          *cst_audience_dialog_get_lift           (CstAudienceDialog *self);

G_END_DECLS
