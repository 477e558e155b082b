/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "models/cst-segmentation.h"

G_BEGIN_DECLS

#define CST_TYPE_PRESENTATION (cst_presentation_get_type ())

G_DECLARE_FINAL_TYPE (CstPresentation, cst_presentation, CST, PRESENTATION, AdwWindow)

CstPresentation *cst_presentation_new          (GtkWindow             *parent,
                                                const CstSegmentation *segmentation);
CstPresentation *cst_presentation_new_for_project (GtkWindow           *parent,
                                                  const CstSegmentation *segmentation,
                                                  const char          *project_path);
gboolean         cst_presentation_is_loading   (CstPresentation       *self);
guint            cst_presentation_get_slide    (CstPresentation       *self);
guint            cst_presentation_get_n_slides (CstPresentation       *self);
void             cst_presentation_go           (CstPresentation       *self,
                                                int                    delta);

G_END_DECLS
