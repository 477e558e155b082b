/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cst-chart-style.h"

G_BEGIN_DECLS

/* A prepared model of the segment map: a 2-D scatter (usually the first two principal
 * components) with one colour per segment and a labelled centroid per segment. The model owns
 * its arrays. Above CST_CHART_MAP_MAX_POINTS the constructor keeps a deterministic, evenly
 * spread sample so that painting stays fast; the centroids always come from all points. */
#define CST_CHART_MAP_MAX_POINTS 50000

typedef struct _CstMapModel CstMapModel;

CstMapModel *cst_map_model_new            (gsize              n_points,
                                           const double      *x,
                                           const double      *y,
                                           const guint       *segment,
                                           guint              n_segments,
                                           const char *const *segment_names);
void         cst_map_model_set_title      (CstMapModel       *model,
                                           const char        *title);
void         cst_map_model_set_axis_names (CstMapModel       *model,
                                           const char        *x_name,
                                           const char        *y_name);
void         cst_map_model_set_selected   (CstMapModel       *model,
                                           int                segment);
int          cst_map_model_get_selected   (const CstMapModel *model);
guint        cst_map_model_get_n_segments (const CstMapModel *model);
gsize        cst_map_model_get_n_drawn    (const CstMapModel *model);
void         cst_map_model_free           (CstMapModel       *model);
gsize        cst_map_model_get_n_points   (const CstMapModel *model);
gsize        cst_map_model_get_segment_size (const CstMapModel *model,
                                             guint              segment);
gboolean     cst_map_model_get_centroid   (const CstMapModel *model,
                                           guint              segment,
                                           double            *x,
                                           double            *y);

void         cst_chart_map_paint          (cairo_t             *cr,
                                           const CstMapModel   *model,
                                           double               width,
                                           double               height,
                                           const CstChartStyle *style);
/* Returns the segment under (x, y) — the nearest drawn point within a few pixels, or a centroid
 * label — or -1; with @tooltip set to a new string describing it. */
int          cst_chart_map_hit_test       (const CstMapModel   *model,
                                           double               width,
                                           double               height,
                                           const CstChartStyle *style,
                                           double               x,
                                           double               y,
                                           char               **tooltip);
char        *cst_chart_map_describe       (const CstMapModel   *model);
/* Where the centroid marker of @segment is drawn at this size, for tests and keyboard focus. */
gboolean     cst_chart_map_get_centroid_position (const CstMapModel   *model,
                                                  double               width,
                                                  double               height,
                                                  const CstChartStyle *style,
                                                  guint                segment,
                                                  double              *x,
                                                  double              *y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstMapModel, cst_map_model_free)

G_END_DECLS
