/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define CST_CHART_PALETTE_SIZE 12

typedef struct
{
  double red, green, blue, alpha;
} CstColor;

/* Everything a painter needs to know about its surroundings. The UI fills it from the style
 * manager (light, dark, high contrast); exports and tests use the light or dark defaults. */
typedef struct
{
  CstColor background;   /* alpha 0 means: leave the surface as it is */
  CstColor foreground;   /* text and marks */
  CstColor muted;        /* axes, grid, secondary text */
  CstColor accent;       /* selection and focus */
  CstColor palette[CST_CHART_PALETTE_SIZE]; /* segment colours, colour-blind safe */
  char    *font_family;  /* owned */
  double   font_size;    /* base text size in device units at scale 1 (points × 96 / 72) */
  double   scale;        /* 1.0 on screen; larger for presentation slides */
  gboolean high_contrast;
} CstChartStyle;

void            cst_chart_style_init_light   (CstChartStyle       *style);
void            cst_chart_style_init_dark    (CstChartStyle       *style);
void            cst_chart_style_clear        (CstChartStyle       *style);
void            cst_chart_style_copy         (const CstChartStyle *src,
                                              CstChartStyle       *dest);
const CstColor *cst_chart_style_segment      (const CstChartStyle *style,
                                              guint                segment);
void            cst_chart_set_source_color   (cairo_t             *cr,
                                              const CstColor      *color);
void            cst_chart_style_set_high_contrast (CstChartStyle  *style,
                                                   gboolean        high_contrast);
gboolean        cst_chart_style_is_dark      (const CstChartStyle *style);
void            cst_chart_style_get_surface  (const CstChartStyle *style,
                                              CstColor            *surface);

G_END_DECLS
