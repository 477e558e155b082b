/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "models/cst-segmentation.h"

G_BEGIN_DECLS

#define CST_TYPE_MODEL_PANEL (cst_model_panel_get_type ())

G_DECLARE_FINAL_TYPE (CstModelPanel, cst_model_panel, CST, MODEL_PANEL, GtkWidget)

void cst_model_panel_get_options  (CstModelPanel          *self,
                                   CstSegmentationOptions *options);
void cst_model_panel_set_options  (CstModelPanel                *self,
                                   const CstSegmentationOptions *options);
void cst_model_panel_set_features (CstModelPanel          *self,
                                   const char * const     *channel_features);

G_END_DECLS
