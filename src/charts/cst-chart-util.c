/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-util"

#include "config.h"

#include <glib/gi18n.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "cst-chart-util.h"

/* U+2212 MINUS SIGN: a hyphen is too short next to digits. */
#define MINUS_SIGN "\xe2\x88\x92"

/**
 * cst_chart_nice_number:
 * @value: a positive number
 * @round: whether to round to the nearest nice number rather than the next larger one
 *
 * Heckbert's "nice numbers" (Graphics Gems, 1990, "Nice numbers for graph labels"): a number
 * of the form 1, 2 or 5 × 10ⁿ close to @value.
 *
 * Returns: the nice number, or 0 when @value is not a positive finite number.
 */
double
cst_chart_nice_number (double   value,
                       gboolean round)
{
  double exponent;
  double fraction;
  double nice;

  if (!isfinite (value) || value <= 0.0)
    return 0.0;

  exponent = floor (log10 (value));
  fraction = value / pow (10.0, exponent);

  if (round)
    nice = fraction < 1.5 ? 1.0 : fraction < 3.0 ? 2.0 : fraction < 7.0 ? 5.0 : 10.0;
  else
    nice = fraction <= 1.0 ? 1.0 : fraction <= 2.0 ? 2.0 : fraction <= 5.0 ? 5.0 : 10.0;

  return nice * pow (10.0, exponent);
}

/**
 * cst_chart_nice_ticks:
 * @lo: the smallest value to cover
 * @hi: the largest value to cover
 * @target: about how many ticks are wanted (at least 2)
 * @ticks: (out): the ticks
 *
 * Heckbert's loose labelling: ticks at multiples of a nice step (1, 2 or 5 × 10ⁿ, close to the
 * range divided into @target - 1 parts) that cover [@lo, @hi]: 0–97 gives 0, 20, …, 100. An
 * empty or non-finite range is widened so that the result always has a positive step.
 */
void
cst_chart_nice_ticks (double         lo,
                      double         hi,
                      guint          target,
                      CstChartTicks *ticks)
{
  double range;
  double step;
  double k_min;
  double k_max;

  g_return_if_fail (ticks != NULL);

  if (!isfinite (lo) || !isfinite (hi))
    {
      lo = 0.0;
      hi = 1.0;
    }
  if (hi < lo)
    {
      double tmp = lo;

      lo = hi;
      hi = tmp;
    }
  if (hi - lo <= fabs (hi) * 1e-12 || hi - lo < 1e-300)
    {
      double pad = lo != 0.0 ? fabs (lo) * 0.1 : 1.0;

      lo -= pad;
      hi += pad;
    }
  target = MAX (target, 2);

  /* Heckbert rounds the range to a nice number before dividing it; that can halve the number of
   * ticks (a range of 6.1 becomes 10 and the step 5), so the step comes from the raw range. */
  range = hi - lo;
  step = cst_chart_nice_number (range / (target - 1), TRUE);
  g_assert (step > 0.0);

  /* The small tolerances keep 0.3 / 0.1 = 2.9999999999999996 from adding a tick. */
  k_min = floor (lo / step + 1e-9);
  k_max = ceil (hi / step - 1e-9);

  ticks->step = step;
  ticks->min = k_min * step;
  ticks->max = k_max * step;
  ticks->n_ticks = (guint) (k_max - k_min) + 1;
}

/**
 * cst_chart_ticks_value:
 * @ticks: ticks from cst_chart_nice_ticks()
 * @index: a tick index below @ticks->n_ticks
 *
 * Returns: the value of tick @index, computed as an integer multiple of the step so that
 * rounding errors do not accumulate.
 */
double
cst_chart_ticks_value (const CstChartTicks *ticks,
                       guint                index)
{
  double k;

  g_return_val_if_fail (ticks != NULL, 0.0);

  k = round (ticks->min / ticks->step) + index;
  return k * ticks->step;
}

static gboolean
has_nonzero_digit (const char *s)
{
  for (; *s != '\0'; s++)
    if (*s >= '1' && *s <= '9')
      return TRUE;
  return FALSE;
}

/**
 * cst_chart_format_number_full:
 * @value: the number
 * @decimals: digits after the decimal separator (0 to 12)
 * @thousands_sep: the group separator, or %NULL or "" for none
 * @grouping: group sizes as in `struct lconv`, from the right, the last one repeating and
 *   CHAR_MAX ending the grouping; %NULL or "" for none
 *
 * Formats @value with explicit separators; used by cst_chart_format_number() with the current
 * locale's, and by tests with fixed ones. The decimal separator is the locale's.
 *
 * Returns: (transfer full): the text
 */
char *
cst_chart_format_number_full (double      value,
                              int         decimals,
                              const char *thousands_sep,
                              const char *grouping)
{
  g_autofree char *digits = NULL;
  GString *out;
  gboolean negative;
  gsize int_len = 0;
  gsize n_groups = 0;
  gsize pos;
  gsize starts[64];

  if (!isfinite (value))
    return g_strdup ("–");

  decimals = CLAMP (decimals, 0, 12);
  digits = g_strdup_printf ("%.*f", decimals, fabs (value));
  negative = value < 0.0 && has_nonzero_digit (digits);

  while (g_ascii_isdigit (digits[int_len]))
    int_len++;

  out = g_string_new (negative ? MINUS_SIGN : NULL);

  /* Find where each group of the integer part starts, walking from the right. */
  pos = int_len;
  if (thousands_sep != NULL && *thousands_sep != '\0' && grouping != NULL && *grouping != '\0')
    {
      const char *g = grouping;
      int size = *g;

      while (size > 0 && size != CHAR_MAX && pos > (gsize) size && n_groups < G_N_ELEMENTS (starts))
        {
          pos -= size;
          starts[n_groups++] = pos;
          if (g[1] != '\0')
            size = *++g;
        }
    }

  /* starts[] runs right to left; emit left to right. */
  g_string_append_len (out, digits, pos);
  for (gsize i = n_groups; i > 0; i--)
    {
      gsize start = starts[i - 1];
      gsize end = i > 1 ? starts[i - 2] : int_len;

      g_string_append (out, thousands_sep);
      g_string_append_len (out, digits + start, end - start);
    }
  g_string_append (out, digits + int_len);

  return g_string_free (out, FALSE);
}

/**
 * cst_chart_format_number:
 * @value: the number
 * @decimals: digits after the decimal separator
 *
 * Formats @value with the thousands separator, grouping and decimal separator of the current
 * LC_NUMERIC locale ("12,345.6" in English, "12.345,6" in German, "12345.6" in the C locale)
 * and a typographic minus sign.
 *
 * Returns: (transfer full): the text
 */
char *
cst_chart_format_number (double value,
                         int    decimals)
{
  const struct lconv *lc = localeconv ();

  return cst_chart_format_number_full (value, decimals, lc->thousands_sep, lc->grouping);
}

/**
 * cst_chart_format_count:
 * @count: a count
 *
 * Returns: (transfer full): @count with the locale's thousands separators
 */
char *
cst_chart_format_count (guint64 count)
{
  return cst_chart_format_number ((double) count, 0);
}

/**
 * cst_chart_format_percent:
 * @fraction: a share between 0 and 1
 * @decimals: digits after the decimal separator
 *
 * Returns: (transfer full): the share as a percentage, such as "24.7 %"; a share too small to
 *   show at this precision reads "<0.1 %" rather than a misleading "0.0 %".
 */
char *
cst_chart_format_percent (double fraction,
                          int    decimals)
{
  double percent = fraction * 100.0;
  double smallest;
  g_autofree char *number = NULL;

  decimals = CLAMP (decimals, 0, 6);
  smallest = pow (10.0, -decimals);

  if (percent > 0.0 && percent < smallest * 0.5)
    {
      number = cst_chart_format_number (smallest, decimals);
      /* Translators: a percentage smaller than the one shown, such as "<0.1 %". */
      return g_strdup_printf (_("<%s %%"), number);
    }

  number = cst_chart_format_number (percent, decimals);
  /* Translators: a percentage, such as "24.7 %"; %s is the number. */
  return g_strdup_printf (_("%s %%"), number);
}

/**
 * cst_chart_format_tick:
 * @value: a tick value
 * @step: the distance between ticks
 *
 * Returns: (transfer full): @value with as many decimals as @step needs
 */
char *
cst_chart_format_tick (double value,
                       double step)
{
  int decimals = 0;

  if (step > 0.0 && step < 1.0)
    decimals = (int) ceil (-log10 (step) - 1e-9);
  if (fabs (value) < step * 1e-6)
    value = 0.0;

  return cst_chart_format_number (value, decimals);
}

/**
 * cst_chart_format_people:
 * @count: a number of people
 *
 * Returns: (transfer full): "1 person", "1,234 people" in the user's language
 */
char *
cst_chart_format_people (guint64 count)
{
  g_autofree char *number = cst_chart_format_count (count);

  /* Translators: %s is a number with thousands separators. */
  return g_strdup_printf (ngettext ("%s person", "%s people", (gulong) MIN (count, G_MAXULONG)),
                          number);
}

/**
 * cst_chart_format_summary:
 * @n_people: the number of people
 * @n_segments: the number of segments
 *
 * Returns: (transfer full): "4,600 people in 4 segments"
 */
char *
cst_chart_format_summary (guint64 n_people,
                          guint   n_segments)
{
  g_autofree char *people = cst_chart_format_people (n_people);

  /* Translators: %s is a number of people ("4,600 people"), %u the number of segments. */
  return g_strdup_printf (ngettext ("%s in %u segment", "%s in %u segments", n_segments),
                          people, n_segments);
}

/**
 * cst_chart_segment_tooltip:
 * @name: the segment name
 * @count: the number of people in the segment
 * @total: the number of people in all segments
 *
 * Returns: (transfer full): "Loyal big spenders — 1,234 people (24.7 %)"
 */
char *
cst_chart_segment_tooltip (const char *name,
                           guint64     count,
                           guint64     total)
{
  g_autofree char *people = cst_chart_format_people (count);
  g_autofree char *share = cst_chart_format_percent (total > 0 ? (double) count / total : 0.0, 1);

  /* Translators: a tooltip: segment name, number of people, share of everyone. */
  return g_strdup_printf (_("%s — %s (%s)"), name, people, share);
}

/**
 * cst_chart_describe_segments:
 * @title: the chart title
 * @n_segments: the number of segments
 * @names: (array length=n_segments): the segment names
 * @sizes: (array length=n_segments): the number of people per segment
 * @total: the number of people in all segments
 *
 * Returns: (transfer full): a sentence for screen readers, "Segment map of 4,600 people in
 *   4 segments: Loyal big spenders 920 (20 %), …". Shares are rounded to whole percents, which
 *   are easier to listen to.
 */
char *
cst_chart_describe_segments (const char        *title,
                             guint              n_segments,
                             const char *const *names,
                             const gsize       *sizes,
                             guint64            total)
{
  g_autofree char *summary = NULL;
  g_autofree char *list = NULL;
  GString *items;

  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (n_segments == 0 || (names != NULL && sizes != NULL), NULL);

  if (total == 0)
    /* Translators: %s is the chart title. */
    return g_strdup_printf (_("%s: no people to show."), title);

  summary = cst_chart_format_summary (total, n_segments);

  items = g_string_new (NULL);
  for (guint seg = 0; seg < n_segments; seg++)
    {
      g_autofree char *count = cst_chart_format_count (sizes[seg]);
      g_autofree char *share = cst_chart_format_percent ((double) sizes[seg] / total, 0);

      if (seg > 0)
        /* Translators: the separator between the items of a spoken list. */
        g_string_append (items, _(", "));
      /* Translators: a segment in a spoken list: name, count and share, "Loyal 920 (20 %)". */
      g_string_append_printf (items, _("%s %s (%s)"), names[seg], count, share);
    }
  list = g_string_free (items, FALSE);

  /* Translators: "Segment map of 4,600 people in 4 segments: Loyal 920 (20 %), …." */
  return g_strdup_printf (_("%s of %s: %s."), title, summary, list);
}

/**
 * cst_chart_create_layout:
 * @cr: the context the layout will draw on (or a measuring context)
 * @style: the style giving the font
 * @size_factor: the text size relative to the style's base size
 * @weight: the font weight
 *
 * Returns: (transfer full): a single-paragraph layout with the style's font
 */
PangoLayout *
cst_chart_create_layout (cairo_t             *cr,
                         const CstChartStyle *style,
                         double               size_factor,
                         PangoWeight          weight)
{
  PangoLayout *layout;
  PangoFontDescription *desc;
  double size;

  g_return_val_if_fail (cr != NULL, NULL);
  g_return_val_if_fail (style != NULL, NULL);

  size = style->font_size * style->scale * size_factor;
  if (!isfinite (size) || size < 1.0)
    size = 1.0;

  desc = pango_font_description_new ();
  pango_font_description_set_family (desc, style->font_family != NULL ? style->font_family
                                                                      : "Sans");
  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);

  layout = pango_cairo_create_layout (cr);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_font_description_free (desc);

  return layout;
}

/**
 * cst_chart_layout_set_text:
 * @layout: a layout
 * @text: the text
 * @max_width: the width to ellipsize to, or 0 or less for no limit
 */
void
cst_chart_layout_set_text (PangoLayout *layout,
                           const char  *text,
                           double       max_width)
{
  g_return_if_fail (PANGO_IS_LAYOUT (layout));

  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  if (max_width > 0.0)
    {
      /* Rounding, not flooring: a width computed as a difference of coordinates can come out
       * a hair below the measured text width and would ellipsize text that fits. */
      pango_layout_set_width (layout, (int) MAX (1.0, round (max_width * PANGO_SCALE)));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  else
    {
      pango_layout_set_width (layout, -1);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
    }
}

/**
 * cst_chart_layout_get_size:
 * @layout: a layout
 * @width: (out) (optional): the logical width in device units
 * @height: (out) (optional): the logical height in device units
 */
void
cst_chart_layout_get_size (PangoLayout *layout,
                           double      *width,
                           double      *height)
{
  PangoRectangle logical;

  g_return_if_fail (PANGO_IS_LAYOUT (layout));

  pango_layout_get_extents (layout, NULL, &logical);
  if (width != NULL)
    *width = (double) logical.width / PANGO_SCALE;
  if (height != NULL)
    *height = (double) logical.height / PANGO_SCALE;
}

/**
 * cst_chart_measure_text:
 * @layout: a layout
 * @text: the text
 * @height: (out) (optional): the height of the text
 *
 * Sets @text on @layout without a width limit and measures it.
 *
 * Returns: the width of @text
 */
double
cst_chart_measure_text (PangoLayout *layout,
                        const char  *text,
                        double      *height)
{
  double width;

  cst_chart_layout_set_text (layout, text, 0.0);
  cst_chart_layout_get_size (layout, &width, height);
  return width;
}

/**
 * cst_chart_show_layout:
 * @cr: a context
 * @layout: a layout created for @cr
 * @x: the anchor: left edge, centre or right edge, depending on @align
 * @y: the top of the text
 * @align: how the text sits relative to @x
 *
 * Draws @layout with the current source.
 */
void
cst_chart_show_layout (cairo_t       *cr,
                       PangoLayout   *layout,
                       double         x,
                       double         y,
                       CstChartAlign  align)
{
  PangoRectangle logical;
  double left;
  double width;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (PANGO_IS_LAYOUT (layout));

  pango_layout_get_extents (layout, NULL, &logical);
  width = (double) logical.width / PANGO_SCALE;

  switch (align)
    {
    case CST_CHART_ALIGN_CENTER:
      left = x - width / 2.0;
      break;

    case CST_CHART_ALIGN_END:
      left = x - width;
      break;

    case CST_CHART_ALIGN_START:
    default:
      left = x;
      break;
    }

  cairo_move_to (cr,
                 left - (double) logical.x / PANGO_SCALE,
                 y - (double) logical.y / PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
  cairo_new_path (cr);
}

/**
 * cst_chart_draw_text:
 * @cr: a context
 * @layout: a layout created for @cr
 * @text: the text
 * @x: the anchor, see cst_chart_show_layout()
 * @y: the top of the text
 * @max_width: the width to ellipsize to, or 0 for no limit
 * @align: how the text sits relative to @x
 * @color: the text colour
 *
 * Returns: the width of the drawn text
 */
double
cst_chart_draw_text (cairo_t        *cr,
                     PangoLayout    *layout,
                     const char     *text,
                     double          x,
                     double          y,
                     double          max_width,
                     CstChartAlign   align,
                     const CstColor *color)
{
  double width;

  g_return_val_if_fail (cr != NULL, 0.0);
  g_return_val_if_fail (PANGO_IS_LAYOUT (layout), 0.0);
  g_return_val_if_fail (color != NULL, 0.0);

  cst_chart_layout_set_text (layout, text, max_width);
  cst_chart_layout_get_size (layout, &width, NULL);
  cst_chart_set_source_color (cr, color);
  cst_chart_show_layout (cr, layout, x, y, align);

  return width;
}

/**
 * cst_chart_rounded_rectangle:
 * @cr: a context
 * @x: the left edge
 * @y: the top edge
 * @width: the width
 * @height: the height
 * @radius: the corner radius, reduced to fit
 *
 * Adds a closed rounded rectangle to the current path.
 */
void
cst_chart_rounded_rectangle (cairo_t *cr,
                             double   x,
                             double   y,
                             double   width,
                             double   height,
                             double   radius)
{
  g_return_if_fail (cr != NULL);

  if (width <= 0.0 || height <= 0.0)
    return;

  radius = CLAMP (radius, 0.0, MIN (width, height) / 2.0);
  if (radius <= 0.0)
    {
      cairo_rectangle (cr, x, y, width, height);
      return;
    }

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2.0, 0.0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0.0, G_PI / 2.0);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2.0, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3.0 * G_PI / 2.0);
  cairo_close_path (cr);
}

/**
 * cst_chart_snap:
 * @coordinate: a coordinate in device units
 * @line_width: the width of the line to draw there
 *
 * Returns: @coordinate moved to where a line of @line_width covers whole pixels, so that
 *   hairlines stay crisp instead of blurring over two pixel rows
 */
double
cst_chart_snap (double coordinate,
                double line_width)
{
  double w = round (line_width);

  if ((long) w % 2 == 1)
    return floor (coordinate) + 0.5;
  return round (coordinate);
}

/**
 * cst_chart_color_mix:
 * @a: the first colour
 * @b: the second colour
 * @t: how much of @b, from 0 to 1
 * @result: (out): the mixed colour
 */
void
cst_chart_color_mix (const CstColor *a,
                     const CstColor *b,
                     double          t,
                     CstColor       *result)
{
  g_return_if_fail (a != NULL && b != NULL && result != NULL);

  t = CLAMP (t, 0.0, 1.0);
  result->red = a->red + (b->red - a->red) * t;
  result->green = a->green + (b->green - a->green) * t;
  result->blue = a->blue + (b->blue - a->blue) * t;
  result->alpha = a->alpha + (b->alpha - a->alpha) * t;
}

/**
 * cst_chart_measure_context_new:
 *
 * Hit tests need the same text measurements as painting but have no context to paint on; this
 * gives them one on a tiny image surface.
 *
 * Returns: (transfer full): a context for measuring text
 */
cairo_t *
cst_chart_measure_context_new (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  return cr;
}

/**
 * cst_chart_paint_background:
 * @cr: a context
 * @style: the style
 * @width: the width of the chart
 * @height: the height of the chart
 *
 * Fills the chart area with the style's background, unless it is transparent.
 */
void
cst_chart_paint_background (cairo_t             *cr,
                            const CstChartStyle *style,
                            double               width,
                            double               height)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  if (style->background.alpha <= 0.0)
    return;

  cairo_save (cr);
  cst_chart_set_source_color (cr, &style->background);
  cairo_rectangle (cr, 0.0, 0.0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);
}

/**
 * cst_chart_paint_selection:
 * @cr: a context
 * @style: the style
 * @x: the left edge
 * @y: the top edge
 * @width: the width
 * @height: the height
 * @radius: the corner radius
 *
 * Fills a rounded rectangle with a faint wash of the accent colour, behind the row or legend
 * entry of the selected segment.
 */
void
cst_chart_paint_selection (cairo_t             *cr,
                           const CstChartStyle *style,
                           double               x,
                           double               y,
                           double               width,
                           double               height,
                           double               radius)
{
  CstColor highlight;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  highlight = style->accent;
  highlight.alpha = 0.15;
  cst_chart_rounded_rectangle (cr, x, y, width, height, radius);
  cst_chart_set_source_color (cr, &highlight);
  cairo_fill (cr);
}

/**
 * cst_chart_rect_contains:
 * @rect: a rectangle
 * @x: a point
 * @y: a point
 *
 * Returns: whether the point lies in @rect, counting the left and top edges but not the right
 *   and bottom ones, so that a point on the border of two adjacent rows hits exactly one
 */
gboolean
cst_chart_rect_contains (const cairo_rectangle_t *rect,
                         double                   x,
                         double                   y)
{
  g_return_val_if_fail (rect != NULL, FALSE);

  return x >= rect->x && x < rect->x + rect->width && y >= rect->y && y < rect->y + rect->height;
}

/**
 * cst_chart_set_string:
 * @field: (inout): an owned string, or %NULL
 * @value: (nullable): the new value
 *
 * Replaces *@field with a copy of @value and frees the old string, as a model's setters do
 * for its title and labels (g_set_str() is GLib 2.76, newer than Debian 12's). @value may be
 * *@field itself.
 */
void
cst_chart_set_string (char       **field,
                      const char  *value)
{
  char *copy;

  g_return_if_fail (field != NULL);

  copy = g_strdup (value);
  g_free (*field);
  *field = copy;
}

/**
 * cst_chart_header_init:
 * @header: (out caller-allocates): the header to set up
 * @cr: the context the header will draw on (or a measuring context)
 * @style: the style giving the font
 *
 * Creates the title and subtitle layouts; nothing is shown until cst_chart_header_measure().
 */
void
cst_chart_header_init (CstChartHeader      *header,
                       cairo_t             *cr,
                       const CstChartStyle *style)
{
  g_return_if_fail (header != NULL);

  memset (header, 0, sizeof *header);
  header->title_layout = cst_chart_create_layout (cr, style, CST_CHART_FONT_TITLE,
                                                  PANGO_WEIGHT_BOLD);
  header->subtitle_layout = cst_chart_create_layout (cr, style, CST_CHART_FONT_SMALL,
                                                     PANGO_WEIGHT_NORMAL);
}

/**
 * cst_chart_header_measure:
 * @header: a header
 * @title: the title
 * @subtitle: (nullable): the subtitle; %NULL or empty for none
 * @width: the chart width
 * @height: the chart height
 * @scale: the style's scale, as in #CstChartFrame
 * @pad: the chart's padding, as in #CstChartFrame
 * @subtitle_min_height: the chart height, in unscaled pixels, below which the subtitle is left
 *   out to keep room for the chart itself
 *
 * Keeps copies of the two lines, measures them and decides what is shown: the title when the
 * chart is at least 24 pixels wide inside its padding and tall enough for the title and the
 * padding; the subtitle with the title, from @subtitle_min_height on.
 *
 * Returns: whether the title is shown; painters draw nothing else when it is not
 */
gboolean
cst_chart_header_measure (CstChartHeader *header,
                          const char     *title,
                          const char     *subtitle,
                          double          width,
                          double          height,
                          double          scale,
                          double          pad,
                          double          subtitle_min_height)
{
  g_return_val_if_fail (header != NULL, FALSE);
  g_return_val_if_fail (PANGO_IS_LAYOUT (header->title_layout), FALSE);

  g_free (header->title);
  g_free (header->subtitle);
  header->title = g_strdup (title);
  header->subtitle = g_strdup (subtitle != NULL ? subtitle : "");
  cst_chart_measure_text (header->title_layout, header->title, &header->title_h);
  cst_chart_measure_text (header->subtitle_layout, header->subtitle, &header->subtitle_h);

  header->x = pad;
  header->y = pad;
  header->width = width - 2.0 * pad;
  header->line_gap = 2.0 * scale;
  header->show_title = width - 2.0 * pad >= 24.0 * scale && height >= header->title_h + 2.0 * pad;
  header->show_subtitle = header->show_title
                          && height >= subtitle_min_height * scale
                          && *header->subtitle != '\0';

  return header->show_title;
}

/**
 * cst_chart_header_get_bottom:
 * @header: a measured header
 *
 * Returns: the bottom of the lines shown, where a painter's own parts may start (after a gap
 *   of its choosing)
 */
double
cst_chart_header_get_bottom (const CstChartHeader *header)
{
  g_return_val_if_fail (header != NULL, 0.0);

  return header->y + header->title_h
         + (header->show_subtitle ? header->line_gap + header->subtitle_h : 0.0);
}

/**
 * cst_chart_header_paint:
 * @header: a measured header
 * @cr: the context the header was initialized for
 * @style: the style
 *
 * Draws the title in the foreground colour and the subtitle in the muted one, as far as
 * cst_chart_header_measure() decided they are shown.
 */
void
cst_chart_header_paint (CstChartHeader      *header,
                        cairo_t             *cr,
                        const CstChartStyle *style)
{
  g_return_if_fail (header != NULL);
  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  if (!header->show_title)
    return;

  cst_chart_draw_text (cr, header->title_layout, header->title,
                       header->x + header->title_indent, header->y,
                       header->width - header->title_indent, CST_CHART_ALIGN_START,
                       &style->foreground);
  if (header->show_subtitle)
    cst_chart_draw_text (cr, header->subtitle_layout, header->subtitle,
                         header->x, header->y + header->title_h + header->line_gap, header->width,
                         CST_CHART_ALIGN_START, &style->muted);
}

/**
 * cst_chart_header_clear:
 * @header: a header
 *
 * Frees what the header holds; it may be initialized again.
 */
void
cst_chart_header_clear (CstChartHeader *header)
{
  g_return_if_fail (header != NULL);

  g_clear_object (&header->title_layout);
  g_clear_object (&header->subtitle_layout);
  g_clear_pointer (&header->title, g_free);
  g_clear_pointer (&header->subtitle, g_free);
}

static void
frame_init (CstChartFrame       *frame,
            cairo_t             *cr,
            gboolean             scratch,
            const CstChartStyle *style,
            double               width,
            double               height)
{
  double s = style->scale > 0.0 && isfinite (style->scale) ? style->scale : 1.0;

  memset (frame, 0, sizeof *frame);
  frame->cr = cr;
  frame->style = style;
  frame->scratch = scratch;
  frame->layouts = g_ptr_array_new_with_free_func (g_object_unref);
  frame->width = width;
  frame->height = height;
  frame->s = s;
  frame->drawable = width > 0.0 && height > 0.0 && isfinite (width) && isfinite (height);
  if (frame->drawable)
    frame->pad = MIN (16.0 * s, MIN (width, height) / 20.0);
  cst_chart_header_init (&frame->header, cr, style);
}

/**
 * cst_chart_frame_begin_paint:
 * @frame: (out caller-allocates): the frame to set up
 * @cr: the context to paint on
 * @style: the style
 * @width: the chart width in user units
 * @height: the chart height in user units
 *
 * Starts painting a chart: saves the state of @cr, fills the background and sets up @frame
 * with its header. End with cst_chart_frame_end(), which restores @cr.
 */
void
cst_chart_frame_begin_paint (CstChartFrame       *frame,
                             cairo_t             *cr,
                             const CstChartStyle *style,
                             double               width,
                             double               height)
{
  g_return_if_fail (frame != NULL);
  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  cairo_save (cr);
  cst_chart_paint_background (cr, style, width, height);
  frame_init (frame, cr, FALSE, style, width, height);
}

/**
 * cst_chart_frame_begin_measure:
 * @frame: (out caller-allocates): the frame to set up
 * @style: the style
 * @width: the chart width in user units
 * @height: the chart height in user units
 *
 * Starts laying out a chart without painting it, for hit tests and for the positions tests
 * and keyboard focus ask for: the text is measured on a scratch context, so that the layout
 * comes out exactly as painted. End with cst_chart_frame_end(), which destroys the context.
 */
void
cst_chart_frame_begin_measure (CstChartFrame       *frame,
                               const CstChartStyle *style,
                               double               width,
                               double               height)
{
  g_return_if_fail (frame != NULL);
  g_return_if_fail (style != NULL);

  frame_init (frame, cst_chart_measure_context_new (), TRUE, style, width, height);
}

/**
 * cst_chart_frame_create_layout:
 * @frame: a frame
 * @size_factor: the text size relative to the style's base size
 * @weight: the font weight
 *
 * Creates a layout for the frame's context, as cst_chart_create_layout() does, that lives
 * until cst_chart_frame_end().
 *
 * Returns: (transfer none): the layout, owned by @frame
 */
PangoLayout *
cst_chart_frame_create_layout (CstChartFrame *frame,
                               double         size_factor,
                               PangoWeight    weight)
{
  PangoLayout *layout;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (frame->cr != NULL, NULL);

  layout = cst_chart_create_layout (frame->cr, frame->style, size_factor, weight);
  g_ptr_array_add (frame->layouts, layout);
  return layout;
}

/**
 * cst_chart_frame_end:
 * @frame: a frame
 *
 * Frees the header and the layouts made for the frame, and restores (after painting) or
 * destroys (after measuring) the context.
 */
void
cst_chart_frame_end (CstChartFrame *frame)
{
  g_return_if_fail (frame != NULL);
  g_return_if_fail (frame->cr != NULL);

  cst_chart_header_clear (&frame->header);
  g_clear_pointer (&frame->layouts, g_ptr_array_unref);
  if (frame->scratch)
    cairo_destroy (frame->cr);
  else
    cairo_restore (frame->cr);
  frame->cr = NULL;
}

/**
 * cst_chart_compare_doubles:
 * @a: a double
 * @b: another
 *
 * For qsort(): ascending doubles (finite ones; the charts sort no NaN).
 *
 * Returns: negative, 0 or positive
 */
int
cst_chart_compare_doubles (const void *a,
                           const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}
