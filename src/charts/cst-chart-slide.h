/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cst-chart-difference.h"
#include "cst-chart-sizes.h"
#include "cst-chart-style.h"

G_BEGIN_DECLS

/* A slide of the workshop deck: the overview (how many people, how many segments, their
 * sizes) or one segment (its name, size, three key facts, what sets it apart, its share of
 * revenue). The same painter draws the full-screen presentation and the PDF deck, in type large
 * enough to read from the back of a room: every size is a fraction of the slide's height. */
typedef struct _CstSlide CstSlide;

CstSlide *cst_slide_new_overview  (const char          *title,
                                   const char          *subtitle,
                                   CstSizesModel       *sizes);
CstSlide *cst_slide_new_segment   (const char          *name,
                                   guint                segment,
                                   const char          *size_text,
                                   const char * const  *facts,
                                   const char          *footer,
                                   CstDifferenceModel  *difference);
/* Paints a chart model into width × height with a style, like every cst_chart_*_paint(). */
typedef void (*CstSlidePaintFunc) (cairo_t             *cr,
                                   gconstpointer        model,
                                   double               width,
                                   double               height,
                                   const CstChartStyle *style);

/* A slide of words and one chart: a headline, a subtitle, a short heading over up to three
 * bullets, a footer in the accent colour on the left; the chart on the right. Text that does
 * not fit shrinks, down to a size still readable from the back of a room. */
CstSlide *cst_slide_new_chart     (const char          *title,
                                   const char          *subtitle,
                                   const char          *facts_title,
                                   const char * const  *facts,
                                   const char          *footer,
                                   gpointer             model,
                                   CstSlidePaintFunc    paint,
                                   GDestroyNotify       free_model);
void      cst_slide_set_page      (CstSlide            *slide,
                                   guint                page,
                                   guint                n_pages);
void      cst_slide_free          (CstSlide            *slide);

void      cst_chart_slide_paint   (cairo_t             *cr,
                                   const CstSlide      *slide,
                                   double               width,
                                   double               height,
                                   const CstChartStyle *style);
char     *cst_chart_slide_describe (const CstSlide     *slide);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstSlide, cst_slide_free)

G_END_DECLS
