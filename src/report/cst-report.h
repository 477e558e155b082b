/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cst-chart-difference.h"
#include "cst-chart-heatmap.h"
#include "cst-chart-kchoice.h"
#include "cst-chart-map.h"
#include "cst-chart-sizes.h"
#include "models/cst-segmentation.h"

G_BEGIN_DECLS

/* The chart models of a stored segmentation run, titled and labelled for people. One place
 * builds them for the Segments page, the segment detail, the deck and the command line, so they
 * all show the same. */
CstMapModel        *cst_report_map_model        (const CstSegmentation *segmentation);
CstSizesModel      *cst_report_sizes_model      (const CstSegmentation *segmentation);
CstHeatmapModel    *cst_report_heatmap_model    (const CstSegmentation *segmentation);
CstKChoiceModel    *cst_report_kchoice_model    (const CstSegmentation *segmentation);
CstDifferenceModel *cst_report_difference_model (const CstSegmentation *segmentation,
                                                 guint                  segment,
                                                 guint                  max_bars);

const char * const *cst_report_chart_kinds      (void);
gboolean            cst_report_export_chart     (const CstSegmentation *segmentation,
                                                 const char            *kind,
                                                 guint                  segment,
                                                 const char            *path,
                                                 int                    width,
                                                 int                    height,
                                                 GError               **error);

G_END_DECLS
