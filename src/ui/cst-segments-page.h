/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cst-chart-view.h"
#include "cst-model-panel.h"
#include "models/cst-segmentation.h"

G_BEGIN_DECLS

#define CST_TYPE_SEGMENTS_PAGE (cst_segments_page_get_type ())

G_DECLARE_FINAL_TYPE (CstSegmentsPage, cst_segments_page, CST, SEGMENTS_PAGE, GtkWidget)

void                   cst_segments_page_set_segmentation (CstSegmentsPage *self,
                                                           CstSegmentation *segmentation);
const CstSegmentation *cst_segments_page_get_segmentation (CstSegmentsPage *self);
void                   cst_segments_page_set_empty_message (CstSegmentsPage *self,
                                                            const char      *message);
void                   cst_segments_page_get_options      (CstSegmentsPage        *self,
                                                           CstSegmentationOptions *options);
CstModelPanel         *cst_segments_page_get_model_panel  (CstSegmentsPage *self);
void                   cst_segments_page_set_busy         (CstSegmentsPage *self,
                                                           gboolean         busy);
guint                  cst_segments_page_get_n_cards      (CstSegmentsPage *self);
CstChartView          *cst_segments_page_get_map_view     (CstSegmentsPage *self);
CstChartView          *cst_segments_page_get_sizes_view   (CstSegmentsPage *self);

G_END_DECLS
