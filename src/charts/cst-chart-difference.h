/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cst-chart-heatmap.h"
#include "cst-chart-style.h"

G_BEGIN_DECLS

/* A prepared model of "what makes this segment different": one segment's standardized
 * differences from everyone else as diverging horizontal bars, sorted by size, largest first.
 * Items (bars, selection, hit tests) count in that display order; see
 * cst_difference_model_get_feature(). The model owns its data. */
typedef struct _CstDifferenceModel CstDifferenceModel;

CstDifferenceModel *cst_difference_model_new          (const char               *segment_name,
                                                       guint                     segment,
                                                       guint                     n_features,
                                                       const char *const        *feature_labels,
                                                       const double             *effects);
void                cst_difference_model_set_means    (CstDifferenceModel       *model,
                                                       const double             *means,
                                                       const double             *rest_means,
                                                       CstChartFormatFunc        format,
                                                       gpointer                  user_data);
void                cst_difference_model_set_max_bars (CstDifferenceModel       *model,
                                                       guint                     max_bars);
void                cst_difference_model_set_title    (CstDifferenceModel       *model,
                                                       const char               *title);
void                cst_difference_model_set_selected (CstDifferenceModel       *model,
                                                       int                       bar);
int                 cst_difference_model_get_selected (const CstDifferenceModel *model);
guint               cst_difference_model_get_n_bars   (const CstDifferenceModel *model);
guint               cst_difference_model_get_feature  (const CstDifferenceModel *model,
                                                       guint                     bar);
void                cst_difference_model_free         (CstDifferenceModel       *model);

void                cst_chart_difference_paint        (cairo_t                  *cr,
                                                       const CstDifferenceModel *model,
                                                       double                    width,
                                                       double                    height,
                                                       const CstChartStyle      *style);
/* Returns the bar whose row (label, bar and value) contains (x, y), or -1. */
int                 cst_chart_difference_hit_test     (const CstDifferenceModel *model,
                                                       double                    width,
                                                       double                    height,
                                                       const CstChartStyle      *style,
                                                       double                    x,
                                                       double                    y,
                                                       char                    **tooltip);
char               *cst_chart_difference_describe     (const CstDifferenceModel *model);
/* Where @bar is drawn at this size, for tests and keyboard focus. */
gboolean            cst_chart_difference_get_bar_rect (const CstDifferenceModel *model,
                                                       double                    width,
                                                       double                    height,
                                                       const CstChartStyle      *style,
                                                       guint                     bar,
                                                       cairo_rectangle_t        *rect);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstDifferenceModel, cst_difference_model_free)

G_END_DECLS
