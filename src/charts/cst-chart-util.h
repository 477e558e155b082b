/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pango/pangocairo.h>

#include "cst-chart-style.h"

G_BEGIN_DECLS

/* Helpers shared by the painters: axis ticks, locale-aware number formatting, text drawing
 * with Pango and a few shapes. Nothing here keeps state between calls. */

/* Ticks on an axis: n_ticks values min, min + step, …, max, all multiples of step. */
typedef struct
{
  double min;
  double max;
  double step;
  guint  n_ticks;
} CstChartTicks;

typedef enum
{
  CST_CHART_ALIGN_START,  /* x is the left edge */
  CST_CHART_ALIGN_CENTER, /* x is the centre */
  CST_CHART_ALIGN_END,    /* x is the right edge */
} CstChartAlign;

/* Relative text sizes, as factors of CstChartStyle.font_size × scale. */
#define CST_CHART_FONT_TITLE 1.2
#define CST_CHART_FONT_BODY  1.0
#define CST_CHART_FONT_SMALL 0.86
#define CST_CHART_FONT_TINY  0.78

double   cst_chart_nice_number         (double               value,
                                        gboolean             round);
void     cst_chart_nice_ticks          (double               lo,
                                        double               hi,
                                        guint                target,
                                        CstChartTicks       *ticks);
double   cst_chart_ticks_value         (const CstChartTicks *ticks,
                                        guint                index);

char    *cst_chart_format_number       (double               value,
                                        int                  decimals);
char    *cst_chart_format_number_full  (double               value,
                                        int                  decimals,
                                        const char          *thousands_sep,
                                        const char          *grouping);
char    *cst_chart_format_count        (guint64              count);
char    *cst_chart_format_percent      (double               fraction,
                                        int                  decimals);
char    *cst_chart_format_tick         (double               value,
                                        double               step);
char    *cst_chart_format_people       (guint64              count);
int      cst_chart_compare_doubles     (const void          *a,
                                        const void          *b);
char    *cst_chart_format_summary      (guint64              n_people,
                                        guint                n_segments);
char    *cst_chart_segment_tooltip     (const char          *name,
                                        guint64              count,
                                        guint64              total);
char    *cst_chart_describe_segments   (const char          *title,
                                        guint                n_segments,
                                        const char *const   *names,
                                        const gsize         *sizes,
                                        guint64              total);

PangoLayout *cst_chart_create_layout   (cairo_t             *cr,
                                        const CstChartStyle *style,
                                        double               size_factor,
                                        PangoWeight          weight);
void     cst_chart_layout_set_text     (PangoLayout         *layout,
                                        const char          *text,
                                        double               max_width);
void     cst_chart_layout_get_size     (PangoLayout         *layout,
                                        double              *width,
                                        double              *height);
double   cst_chart_measure_text        (PangoLayout         *layout,
                                        const char          *text,
                                        double              *height);
void     cst_chart_show_layout         (cairo_t             *cr,
                                        PangoLayout         *layout,
                                        double               x,
                                        double               y,
                                        CstChartAlign        align);
double   cst_chart_draw_text           (cairo_t             *cr,
                                        PangoLayout         *layout,
                                        const char          *text,
                                        double               x,
                                        double               y,
                                        double               max_width,
                                        CstChartAlign        align,
                                        const CstColor      *color);

void     cst_chart_rounded_rectangle   (cairo_t             *cr,
                                        double               x,
                                        double               y,
                                        double               width,
                                        double               height,
                                        double               radius);
double   cst_chart_snap                (double               coordinate,
                                        double               line_width);
void     cst_chart_color_mix           (const CstColor      *a,
                                        const CstColor      *b,
                                        double               t,
                                        CstColor            *result);
cairo_t *cst_chart_measure_context_new (void);
void     cst_chart_paint_background    (cairo_t             *cr,
                                        const CstChartStyle *style,
                                        double               width,
                                        double               height);
void     cst_chart_paint_selection     (cairo_t             *cr,
                                        const CstChartStyle *style,
                                        double               x,
                                        double               y,
                                        double               width,
                                        double               height,
                                        double               radius);
gboolean cst_chart_rect_contains       (const cairo_rectangle_t *rect,
                                        double               x,
                                        double               y);
void     cst_chart_set_string          (char               **field,
                                        const char          *value);

/* The title block every chart starts with: a bold title and, when there is room, a muted
 * subtitle line below it, both at the chart's padding and ellipsized to its width. The header
 * owns its layouts and its two lines. */
typedef struct
{
  PangoLayout *title_layout;
  PangoLayout *subtitle_layout;
  char        *title;
  char        *subtitle;

  /* Set by cst_chart_header_measure(). */
  double       x;             /* the left edge of both lines */
  double       y;             /* the top of the title */
  double       width;         /* what both lines are ellipsized to */
  double       line_gap;      /* between the title and the subtitle */
  double       title_h;
  double       subtitle_h;
  gboolean     show_title;
  gboolean     show_subtitle;

  /* Room before the title, for a painter that draws something there (0 for none). */
  double       title_indent;
} CstChartHeader;

void     cst_chart_header_init         (CstChartHeader      *header,
                                        cairo_t             *cr,
                                        const CstChartStyle *style);
gboolean cst_chart_header_measure      (CstChartHeader      *header,
                                        const char          *title,
                                        const char          *subtitle,
                                        double               width,
                                        double               height,
                                        double               scale,
                                        double               pad,
                                        double               subtitle_min_height);
double   cst_chart_header_get_bottom   (const CstChartHeader *header);
void     cst_chart_header_paint        (CstChartHeader      *header,
                                        cairo_t             *cr,
                                        const CstChartStyle *style);
void     cst_chart_header_clear        (CstChartHeader      *header);

/* One paint, hit test or measurement of a chart from start to end: the context the text is
 * laid out for (the painted one, or a scratch one for measuring), the chart's size, scale and
 * padding, and its header. Painters lay out their own parts from it. */
typedef struct
{
  cairo_t             *cr;
  const CstChartStyle *style;
  double               width;
  double               height;
  double               s;         /* the style's scale, 1 when it is not a positive number */
  double               pad;       /* the padding around the chart; 0 when !drawable */
  gboolean             drawable;  /* the size is positive and finite */
  CstChartHeader       header;

  /*< private >*/
  gboolean             scratch;
  GPtrArray           *layouts;
} CstChartFrame;

void     cst_chart_frame_begin_paint   (CstChartFrame       *frame,
                                        cairo_t             *cr,
                                        const CstChartStyle *style,
                                        double               width,
                                        double               height);
void     cst_chart_frame_begin_measure (CstChartFrame       *frame,
                                        const CstChartStyle *style,
                                        double               width,
                                        double               height);
PangoLayout *cst_chart_frame_create_layout (CstChartFrame *frame,
                                            double         size_factor,
                                            PangoWeight    weight);
void     cst_chart_frame_end           (CstChartFrame       *frame);

G_END_DECLS
