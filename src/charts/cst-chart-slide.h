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
