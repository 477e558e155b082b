/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "models/cst-segmentation.h"

G_BEGIN_DECLS

#define CST_TYPE_SEGMENT_DIALOG (cst_segment_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CstSegmentDialog, cst_segment_dialog, CST, SEGMENT_DIALOG, AdwWindow)

CstSegmentDialog *cst_segment_dialog_new         (GtkWindow             *parent,
                                                  const char            *project_path,
                                                  const CstSegmentation *segmentation,
                                                  guint                  segment);
guint             cst_segment_dialog_get_n_members (CstSegmentDialog    *self);
gboolean          cst_segment_dialog_is_loading  (CstSegmentDialog      *self);
gboolean          cst_segment_dialog_export      (CstSegmentDialog      *self,
                                                  const char            *path,
                                                  GError               **error);

G_END_DECLS
