/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cst-chart-style.h"

G_BEGIN_DECLS

/* Formats a value of @feature in the feature's own unit ("80 %", "€42.10", "12 days") for the
 * tooltips of the heatmap and the difference chart. Models call it while they are built and
 * keep the strings, never later. */
typedef char *(*CstChartFormatFunc) (guint    feature,
                                     double   value,
                                     gpointer user_data);

/* A prepared model of the segment profile heatmap: one row per segment, one column per
 * feature, each cell the standardized difference between the segment's mean and everyone
 * else's (an effect size in standard deviations, NAN where unknown), on a diverging colour
 * scale. The model owns its data. */
typedef struct _CstHeatmapModel CstHeatmapModel;

CstHeatmapModel *cst_heatmap_model_new          (guint                  n_segments,
                                                 guint                  n_features,
                                                 const char *const     *segment_names,
                                                 const char *const     *feature_labels,
                                                 const double          *effects);
void             cst_heatmap_model_set_means    (CstHeatmapModel       *model,
                                                 const double          *means,
                                                 const double          *rest_means,
                                                 CstChartFormatFunc     format,
                                                 gpointer               user_data);
void             cst_heatmap_model_set_title    (CstHeatmapModel       *model,
                                                 const char            *title);
void             cst_heatmap_model_set_selected (CstHeatmapModel       *model,
                                                 int                    segment);
int              cst_heatmap_model_get_selected (const CstHeatmapModel *model);
guint            cst_heatmap_model_get_n_segments (const CstHeatmapModel *model);
guint            cst_heatmap_model_get_n_features (const CstHeatmapModel *model);
double           cst_heatmap_model_get_limit    (const CstHeatmapModel *model);
void             cst_heatmap_model_free         (CstHeatmapModel       *model);

void             cst_chart_heatmap_paint        (cairo_t               *cr,
                                                 const CstHeatmapModel *model,
                                                 double                 width,
                                                 double                 height,
                                                 const CstChartStyle   *style);
/* Returns the segment whose row (name or cells) contains (x, y), or -1; the tooltip names the
 * row and, over a cell, the column and its numbers. */
int              cst_chart_heatmap_hit_test     (const CstHeatmapModel *model,
                                                 double                 width,
                                                 double                 height,
                                                 const CstChartStyle   *style,
                                                 double                 x,
                                                 double                 y,
                                                 char                 **tooltip);
char            *cst_chart_heatmap_describe     (const CstHeatmapModel *model);
/* Where the cell of (@segment, @feature) is drawn at this size, for tests and keyboard focus. */
gboolean         cst_chart_heatmap_get_cell_rect (const CstHeatmapModel *model,
                                                  double                 width,
                                                  double                 height,
                                                  const CstChartStyle   *style,
                                                  guint                  segment,
                                                  guint                  feature,
                                                  cairo_rectangle_t     *rect);

/* The diverging scale, shared with the difference chart: @t from −1 (far below average,
 * blue) through 0 (neutral) to +1 (far above average, red); values beyond are clamped. */
void             cst_chart_heatmap_scale_color  (const CstChartStyle   *style,
                                                 double                 t,
                                                 CstColor              *color);
char            *cst_chart_heatmap_format_sd    (double                 sd,
                                                 gboolean               with_unit);
char            *cst_chart_heatmap_format_effect (double                sd,
                                                  const char           *detail);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstHeatmapModel, cst_heatmap_model_free)

G_END_DECLS
