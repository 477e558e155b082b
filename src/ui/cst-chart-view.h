/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "cst-chart-style.h"

G_BEGIN_DECLS

/* Generic painter signatures, so that one widget hosts every chart kind. */
typedef void  (*CstChartPaintFunc)    (cairo_t             *cr,
                                       gconstpointer        model,
                                       double               width,
                                       double               height,
                                       const CstChartStyle *style);
typedef int   (*CstChartHitTestFunc)  (gconstpointer        model,
                                       double               width,
                                       double               height,
                                       const CstChartStyle *style,
                                       double               x,
                                       double               y,
                                       char               **tooltip);
typedef void  (*CstChartSelectFunc)   (gpointer             model,
                                       int                  item);
typedef char *(*CstChartDescribeFunc) (gconstpointer        model);

#define CST_TYPE_CHART_VIEW (cst_chart_view_get_type ())

G_DECLARE_FINAL_TYPE (CstChartView, cst_chart_view, CST, CHART_VIEW, GtkWidget)

GtkWidget *cst_chart_view_new          (void);
void       cst_chart_view_set_chart    (CstChartView         *self,
                                        gpointer              model,
                                        GDestroyNotify        model_free,
                                        CstChartPaintFunc     paint,
                                        CstChartHitTestFunc   hit_test,
                                        CstChartSelectFunc    select,
                                        CstChartDescribeFunc  describe);
gpointer   cst_chart_view_get_model    (CstChartView         *self);
void       cst_chart_view_set_n_items  (CstChartView         *self,
                                        guint                 n_items);
int        cst_chart_view_get_selected (CstChartView         *self);
void       cst_chart_view_set_selected (CstChartView         *self,
                                        int                   item);
/* The style the chart is painted with now (light or dark, high contrast, the widget's font),
 * in widget coordinates (scale 1): for hit tests of the page's own, such as dragging a
 * threshold with cst_chart_scores_hit_handle(). Owned by the view, valid until the next style
 * change. */
const CstChartStyle *cst_chart_view_get_style (CstChartView *self);
/* Renders the chart at the given size into a new image surface with the current style. */
cairo_surface_t *cst_chart_view_render (CstChartView         *self,
                                        int                   width,
                                        int                   height);

G_END_DECLS
