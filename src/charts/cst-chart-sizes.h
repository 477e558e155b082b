/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cst-chart-style.h"

G_BEGIN_DECLS

/* A prepared model of segment sizes: one horizontal bar per segment with its name, count and
 * share of the total, coloured like the segment on the map. The model owns its data. */
typedef struct _CstSizesModel CstSizesModel;

CstSizesModel *cst_sizes_model_new          (guint               n_segments,
                                             const char *const  *segment_names,
                                             const gsize        *sizes);
void           cst_sizes_model_set_title    (CstSizesModel       *model,
                                             const char          *title);
void           cst_sizes_model_set_selected (CstSizesModel       *model,
                                             int                  segment);
void           cst_sizes_model_free         (CstSizesModel       *model);
int            cst_sizes_model_get_selected (const CstSizesModel *model);
guint          cst_sizes_model_get_n_segments (const CstSizesModel *model);

void           cst_chart_sizes_paint        (cairo_t             *cr,
                                             const CstSizesModel *model,
                                             double               width,
                                             double               height,
                                             const CstChartStyle *style);
int            cst_chart_sizes_hit_test     (const CstSizesModel *model,
                                             double               width,
                                             double               height,
                                             const CstChartStyle *style,
                                             double               x,
                                             double               y,
                                             char               **tooltip);
char          *cst_chart_sizes_describe     (const CstSizesModel *model);
/* Where the bar of @segment is drawn at this size, for tests and keyboard focus. */
gboolean       cst_chart_sizes_get_bar_rect (const CstSizesModel *model,
                                             double               width,
                                             double               height,
                                             const CstChartStyle *style,
                                             guint                segment,
                                             cairo_rectangle_t   *rect);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstSizesModel, cst_sizes_model_free)

G_END_DECLS
