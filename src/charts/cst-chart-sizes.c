/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-sizes"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-chart-sizes.h"
#include "cst-chart-util.h"

#define BAR_ALPHA_FADED 0.35

struct _CstSizesModel
{
  guint    n_segments;
  char   **names;
  gsize   *sizes;
  guint64  total;
  gsize    largest;
  char    *title;
  int      selected;
};

/* The chart's own layouts, owned by its frame. */
typedef struct
{
  PangoLayout *name;
  PangoLayout *name_bold;
  PangoLayout *value;
} SizesText;

typedef struct
{
  double   s;
  double   pad;
  gboolean show_rows;
  gboolean show_values;
  double   text_h;

  double   top;
  double   row_h;
  double   bar_h;
  double   name_w;
  double   bar_x;
  double   bar_max_w;
  guint    n_shown;
} SizesGeometry;

static const char *
model_title (const CstSizesModel *model)
{
  return model->title != NULL ? model->title : _("Segment sizes");
}

static gboolean
has_selection (const CstSizesModel *model)
{
  return model->selected >= 0 && (guint) model->selected < model->n_segments;
}

static char *
count_text (const CstSizesModel *model,
            guint                segment)
{
  return cst_chart_format_count (model->sizes[segment]);
}

static char *
share_text (const CstSizesModel *model,
            guint                segment)
{
  g_autofree char *share = cst_chart_format_percent (model->total > 0
                                                     ? (double) model->sizes[segment] / model->total
                                                     : 0.0, 1);

  /* Translators: follows the count at the end of a bar: "1,234 · 24.7 %". */
  return g_strdup_printf (_("· %s"), share);
}

static void
sizes_text_init (SizesText     *text,
                 CstChartFrame *frame)
{
  text->name = cst_chart_frame_create_layout (frame, CST_CHART_FONT_BODY, PANGO_WEIGHT_NORMAL);
  text->name_bold = cst_chart_frame_create_layout (frame, CST_CHART_FONT_BODY, PANGO_WEIGHT_BOLD);
  text->value = cst_chart_frame_create_layout (frame, CST_CHART_FONT_SMALL, PANGO_WEIGHT_NORMAL);
}

static double
value_width (const CstSizesModel *model,
             SizesText           *text,
             guint                segment,
             double               s)
{
  g_autofree char *count = count_text (model, segment);
  g_autofree char *share = share_text (model, segment);

  return cst_chart_measure_text (text->value, count, NULL) + 4.0 * s
         + cst_chart_measure_text (text->value, share, NULL);
}

/* Lays the chart out for @frame: creates @text there, so that painting, hit tests and tests
 * all measure the same text, then measures the header into @frame and fills @geo. */
static void
compute_geometry (const CstSizesModel *model,
                  CstChartFrame       *frame,
                  SizesText           *text,
                  SizesGeometry       *geo)
{
  double width = frame->width;
  double height = frame->height;
  double s = frame->s;
  guint k = model->n_segments;
  g_autofree char *summary = NULL;
  double name_w = 0.0;
  double value_w = 0.0;
  double avail_h;
  double min_row_h;

  sizes_text_init (text, frame);
  memset (geo, 0, sizeof *geo);
  geo->s = s;

  if (!frame->drawable)
    return;

  geo->pad = frame->pad;
  summary = cst_chart_format_summary (model->total, k);
  if (!cst_chart_header_measure (&frame->header, model_title (model), summary,
                                 width, height, s, geo->pad, 160.0))
    return;

  geo->top = cst_chart_header_get_bottom (&frame->header) + 12.0 * s;

  for (guint seg = 0; seg < k; seg++)
    {
      name_w = MAX (name_w, cst_chart_measure_text (text->name, model->names[seg], &geo->text_h));
      value_w = MAX (value_w, value_width (model, text, seg, s));
    }

  geo->name_w = MIN (name_w, MIN (220.0 * s, (width - 2.0 * geo->pad) * 0.35));
  geo->bar_x = geo->pad + geo->name_w + 12.0 * s;
  geo->bar_max_w = width - geo->pad - value_w - 8.0 * s - geo->bar_x;
  geo->show_values = TRUE;

  /* When the values leave too little room, the bars win; tooltips still give the numbers. */
  if (geo->bar_max_w < 60.0 * s)
    {
      geo->show_values = FALSE;
      geo->bar_max_w = width - geo->pad - geo->bar_x;
    }

  avail_h = height - geo->pad - geo->top;
  min_row_h = geo->text_h + 6.0 * s;
  geo->show_rows = k > 0 && geo->bar_max_w >= 20.0 * s && avail_h >= min_row_h;
  if (!geo->show_rows)
    return;

  geo->row_h = MIN (avail_h / k, 44.0 * s);
  if (geo->row_h < min_row_h)
    {
      /* Not every bar fits: the last row says how many are left out. */
      geo->row_h = min_row_h;
      geo->n_shown = (guint) floor (avail_h / min_row_h) - 1;
    }
  else
    geo->n_shown = k;
  geo->bar_h = MIN (round (geo->row_h * 0.62), 26.0 * s);
}

static double
bar_width (const CstSizesModel *model,
           const SizesGeometry *geo,
           guint                segment)
{
  double w;

  if (model->largest == 0 || model->sizes[segment] == 0)
    return 0.0;

  /* A segment of one person among millions still gets a visible sliver. */
  w = geo->bar_max_w * (double) model->sizes[segment] / model->largest;
  return MAX (w, 3.0 * geo->s);
}

static void
row_rect (const SizesGeometry *geo,
          guint                segment,
          double               width,
          cairo_rectangle_t   *rect)
{
  rect->x = geo->pad - 6.0 * geo->s;
  rect->y = geo->top + segment * geo->row_h;
  rect->width = width - 2.0 * geo->pad + 12.0 * geo->s;
  rect->height = geo->row_h;
}

/**
 * cst_sizes_model_new:
 * @n_segments: the number of segments
 * @segment_names: (array length=n_segments) (nullable): the names; %NULL, or a %NULL entry,
 *   gives "Segment 1", "Segment 2", …
 * @sizes: (array length=n_segments): the number of people per segment
 *
 * Returns: (transfer full): a new model of the segment sizes
 */
CstSizesModel *
cst_sizes_model_new (guint              n_segments,
                     const char *const *segment_names,
                     const gsize       *sizes)
{
  CstSizesModel *model;

  g_return_val_if_fail (n_segments == 0 || sizes != NULL, NULL);

  model = g_new0 (CstSizesModel, 1);
  model->n_segments = n_segments;
  model->selected = -1;
  model->names = g_new0 (char *, n_segments + 1);
  model->sizes = g_new0 (gsize, MAX (n_segments, 1));

  for (guint s = 0; s < n_segments; s++)
    {
      if (segment_names != NULL && segment_names[s] != NULL)
        model->names[s] = g_strdup (segment_names[s]);
      else
        /* Translators: the name of a segment that has none yet. */
        model->names[s] = g_strdup_printf (_("Segment %u"), s + 1);

      model->sizes[s] = sizes[s];
      model->total += sizes[s];
      model->largest = MAX (model->largest, sizes[s]);
    }

  return model;
}

void
cst_sizes_model_free (CstSizesModel *model)
{
  if (model == NULL)
    return;

  g_strfreev (model->names);
  g_free (model->sizes);
  g_free (model->title);
  g_free (model);
}

/**
 * cst_sizes_model_set_title:
 * @model: a sizes model
 * @title: (nullable): the title, or %NULL for "Segment sizes"
 */
void
cst_sizes_model_set_title (CstSizesModel *model,
                           const char    *title)
{
  g_return_if_fail (model != NULL);

  g_free (model->title);
  model->title = g_strdup (title);
}

/**
 * cst_sizes_model_set_selected:
 * @model: a sizes model
 * @segment: the segment to highlight, or -1 for none; out of range means none
 */
void
cst_sizes_model_set_selected (CstSizesModel *model,
                              int            segment)
{
  g_return_if_fail (model != NULL);

  model->selected = segment >= 0 && (guint) segment < model->n_segments ? segment : -1;
}

int
cst_sizes_model_get_selected (const CstSizesModel *model)
{
  g_return_val_if_fail (model != NULL, -1);

  return model->selected;
}

guint
cst_sizes_model_get_n_segments (const CstSizesModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return model->n_segments;
}

/**
 * cst_chart_sizes_get_bar_rect:
 * @model: a sizes model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @segment: a segment index
 * @rect: (out): where the bar of @segment is drawn
 *
 * Returns: %FALSE when the bar is not drawn (no room, or an empty segment)
 */
gboolean
cst_chart_sizes_get_bar_rect (const CstSizesModel *model,
                              double               width,
                              double               height,
                              const CstChartStyle *style,
                              guint                segment,
                              cairo_rectangle_t   *rect)
{
  CstChartFrame frame;
  SizesText text;
  SizesGeometry geo;
  gboolean drawn;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (style != NULL, FALSE);
  g_return_val_if_fail (segment < model->n_segments, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  rect->x = geo.bar_x;
  rect->y = geo.top + segment * geo.row_h + (geo.row_h - geo.bar_h) / 2.0;
  rect->width = bar_width (model, &geo, segment);
  rect->height = geo.bar_h;
  drawn = geo.show_rows && segment < geo.n_shown && rect->width > 0.0;

  cst_chart_frame_end (&frame);

  return drawn;
}

/**
 * cst_chart_sizes_paint:
 * @cr: the context to paint on
 * @model: the prepared model
 * @width: the chart width in user units
 * @height: the chart height in user units
 * @style: the style
 *
 * Paints one horizontal bar per segment, in model order, scaled to the largest segment: the
 * name on the left, the bar in the segment's colour and "1,234 · 24.7 %" at its end.
 */
void
cst_chart_sizes_paint (cairo_t             *cr,
                       const CstSizesModel *model,
                       double               width,
                       double               height,
                       const CstChartStyle *style)
{
  CstChartFrame frame;
  SizesText text;
  SizesGeometry geo;
  double s;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (model != NULL);
  g_return_if_fail (style != NULL);

  cst_chart_frame_begin_paint (&frame, cr, style, width, height);
  compute_geometry (model, &frame, &text, &geo);
  s = geo.s;

  cst_chart_header_paint (&frame.header, cr, style);

  if (geo.show_rows)
    {
      CstColor baseline = style->muted;
      double lw = MAX (1.0, round (s));
      double x = cst_chart_snap (geo.bar_x, lw) - lw / 2.0;
      double value_h;

      cst_chart_measure_text (text.value, "0", &value_h);

      for (guint seg = 0; seg < geo.n_shown; seg++)
        {
          gboolean selected = has_selection (model) && (guint) model->selected == seg;
          gboolean faded = has_selection (model) && !selected;
          CstColor bar = *cst_chart_style_segment (style, seg);
          cairo_rectangle_t row;
          double bar_y, bw, mid;

          row_rect (&geo, seg, width, &row);
          mid = row.y + row.height / 2.0;
          bar_y = round (mid - geo.bar_h / 2.0);
          bw = bar_width (model, &geo, seg);

          if (selected)
            cst_chart_paint_selection (cr, style, row.x, row.y + 1.0 * s, row.width,
                                       row.height - 2.0 * s, 8.0 * s);

          cst_chart_draw_text (cr, selected ? text.name_bold : text.name, model->names[seg],
                               geo.pad, mid - geo.text_h / 2.0, geo.name_w, CST_CHART_ALIGN_START,
                               faded ? &style->muted : &style->foreground);

          if (bw > 0.0)
            {
              if (faded)
                bar.alpha = BAR_ALPHA_FADED;
              cst_chart_rounded_rectangle (cr, geo.bar_x, bar_y, bw, geo.bar_h, 4.0 * s);
              cst_chart_set_source_color (cr, &bar);
              cairo_fill (cr);
            }

          if (geo.show_values)
            {
              g_autofree char *count = count_text (model, seg);
              g_autofree char *share = share_text (model, seg);
              double vx = geo.bar_x + bw + 8.0 * s;
              double vy = mid - value_h / 2.0;

              vx += cst_chart_draw_text (cr, text.value, count, vx, vy, 0.0, CST_CHART_ALIGN_START,
                                         faded ? &style->muted : &style->foreground);
              cst_chart_draw_text (cr, text.value, share, vx + 4.0 * s, vy, 0.0,
                                   CST_CHART_ALIGN_START, &style->muted);
            }
        }

      if (geo.n_shown < model->n_segments)
        {
          guint more = model->n_segments - geo.n_shown;
          g_autofree char *label = NULL;

          /* Translators: the last line of a chart too short to show every segment. */
          label = g_strdup_printf (ngettext ("%u more segment", "%u more segments", more), more);
          cst_chart_draw_text (cr, text.value, label, geo.bar_x + 8.0 * s,
                               geo.top + geo.n_shown * geo.row_h + (geo.row_h - value_h) / 2.0,
                               width - geo.pad - geo.bar_x - 8.0 * s, CST_CHART_ALIGN_START,
                               &style->muted);
        }

      /* The baseline the bars grow from. */
      baseline.alpha *= style->high_contrast ? 1.0 : 0.6;
      cairo_set_line_width (cr, lw);
      cst_chart_set_source_color (cr, &baseline);
      cairo_move_to (cr, x, geo.top);
      cairo_line_to (cr, x, geo.top + geo.n_shown * geo.row_h);
      cairo_stroke (cr);
    }

  cst_chart_frame_end (&frame);
}

/**
 * cst_chart_sizes_hit_test:
 * @model: a sizes model
 * @width: the chart width
 * @height: the chart height
 * @style: the style the chart is painted with
 * @x: the pointer position
 * @y: the pointer position
 * @tooltip: (out) (optional): a new string describing the bar, or %NULL
 *
 * Returns: the index of the bar whose row (name, bar and value) contains the point, or -1
 */
int
cst_chart_sizes_hit_test (const CstSizesModel *model,
                          double               width,
                          double               height,
                          const CstChartStyle *style,
                          double               x,
                          double               y,
                          char               **tooltip)
{
  CstChartFrame frame;
  SizesText text;
  SizesGeometry geo;
  int hit = -1;

  g_return_val_if_fail (model != NULL, -1);
  g_return_val_if_fail (style != NULL, -1);

  if (tooltip != NULL)
    *tooltip = NULL;

  cst_chart_frame_begin_measure (&frame, style, width, height);
  compute_geometry (model, &frame, &text, &geo);

  if (geo.show_rows)
    for (guint seg = 0; seg < geo.n_shown && hit < 0; seg++)
      {
        cairo_rectangle_t row;

        row_rect (&geo, seg, width, &row);
        if (cst_chart_rect_contains (&row, x, y))
          hit = seg;
      }

  if (hit >= 0 && tooltip != NULL)
    *tooltip = cst_chart_segment_tooltip (model->names[hit], model->sizes[hit], model->total);

  cst_chart_frame_end (&frame);

  return hit;
}

/**
 * cst_chart_sizes_describe:
 * @model: a sizes model
 *
 * Returns: (transfer full): a sentence for screen readers: "Segment sizes of 4,600 people in
 *   4 segments: Loyal big spenders 920 (20 %), …"
 */
char *
cst_chart_sizes_describe (const CstSizesModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);

  return cst_chart_describe_segments (model_title (model), model->n_segments,
                                      (const char *const *) model->names, model->sizes,
                                      model->total);
}
