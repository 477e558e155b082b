/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-chart-style"

#include "config.h"

#include "cst-chart-style.h"

#define RGB(hex) \
  { ((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0, 1.0 }

/* The segment palette. No set of twelve hues stays pairwise distinct for every kind of colour
 * vision, so the order matters: the first seven are Okabe & Ito's "Color Universal Design" set
 * (Okabe, M. & Ito, K., 2008, https://jfly.uni-koeln.de/color/; black dropped, yellow replaced
 * by Paul Tol's darker "bright" yellow #CCBB44 because #F0E442 vanishes on white), which stay
 * distinct under protanopia, deuteranopia and tritanopia; colours 8 to 12 come from Paul Tol's
 * "muted" qualitative scheme (Tol, P., 2021, "Colour Schemes", SRON/EPS/TN/09-002,
 * https://personal.sron.nl/~pault/), chosen to differ in lightness from the earlier ones.
 * Most segmentations have three to eight segments and only use the safest part. */
static const CstColor palette_light[CST_CHART_PALETTE_SIZE] = {
  RGB (0x0072b2), /* Okabe–Ito blue */
  RGB (0xe69f00), /* Okabe–Ito orange */
  RGB (0x009e73), /* Okabe–Ito bluish green */
  RGB (0xcc79a7), /* Okabe–Ito reddish purple */
  RGB (0x56b4e9), /* Okabe–Ito sky blue */
  RGB (0xd55e00), /* Okabe–Ito vermillion */
  RGB (0xccbb44), /* Tol bright yellow */
  RGB (0x332288), /* Tol muted indigo */
  RGB (0x999933), /* Tol muted olive */
  RGB (0x882255), /* Tol muted wine */
  RGB (0x44aa99), /* Tol muted teal */
  RGB (0xaa4499), /* Tol muted purple */
};

/* The same hues on a dark surface. Where a colour has less than 3:1 contrast with libadwaita's
 * dark view background (#1e1e1e) it is replaced by a lighter tint of the same hue, so that a
 * segment keeps its identity when the user switches between light and dark. */
static const CstColor palette_dark[CST_CHART_PALETTE_SIZE] = {
  RGB (0x3a9ad9), /* Okabe–Ito blue, lightened */
  RGB (0xe69f00),
  RGB (0x19b98a), /* Okabe–Ito bluish green, lightened */
  RGB (0xcc79a7),
  RGB (0x56b4e9),
  RGB (0xe8702a), /* Okabe–Ito vermillion, lightened */
  RGB (0xccbb44),
  RGB (0x8877dd), /* Tol muted indigo, lightened */
  RGB (0xaaaa44), /* Tol muted olive, lightened */
  RGB (0xcc5588), /* Tol muted wine, lightened */
  RGB (0x44aa99),
  RGB (0xbb55aa), /* Tol muted purple, lightened */
};

/* libadwaita 1.2's surface colours (@view_bg_color), used where no widget background shows
 * through: exported images and the clipboard. */
static const CstColor surface_light = RGB (0xffffff);
static const CstColor surface_dark = RGB (0x1e1e1e);

static void
init_common (CstChartStyle *style)
{
  style->background = (CstColor) { 0.0, 0.0, 0.0, 0.0 };
  style->font_family = g_strdup ("Cantarell");
  style->font_size = 14.0;
  style->scale = 1.0;
  style->high_contrast = FALSE;
}

/**
 * cst_chart_style_init_light:
 * @style: an uninitialized style
 *
 * Fills @style with libadwaita's light look: a transparent background (the widget's own
 * background shows), @window_fg_color (black at 80 %) for text, a dimmed grey for axes and
 * secondary text, the light accent and the light palette. Free with cst_chart_style_clear().
 */
void
cst_chart_style_init_light (CstChartStyle *style)
{
  g_return_if_fail (style != NULL);

  init_common (style);
  style->foreground = (CstColor) { 0.0, 0.0, 0.0, 0.8 };
  style->muted = (CstColor) { 0.0, 0.0, 0.0, 0.5 };
  style->accent = (CstColor) RGB (0x1c71d8);
  for (guint i = 0; i < CST_CHART_PALETTE_SIZE; i++)
    style->palette[i] = palette_light[i];
}

/**
 * cst_chart_style_init_dark:
 * @style: an uninitialized style
 *
 * Like cst_chart_style_init_light() for libadwaita's dark look: white text, a light grey for
 * axes, the dark accent and the dark palette.
 */
void
cst_chart_style_init_dark (CstChartStyle *style)
{
  g_return_if_fail (style != NULL);

  init_common (style);
  style->foreground = (CstColor) { 1.0, 1.0, 1.0, 1.0 };
  style->muted = (CstColor) { 1.0, 1.0, 1.0, 0.55 };
  style->accent = (CstColor) RGB (0x78aeed);
  for (guint i = 0; i < CST_CHART_PALETTE_SIZE; i++)
    style->palette[i] = palette_dark[i];
}

/**
 * cst_chart_style_set_high_contrast:
 * @style: an initialized style
 * @high_contrast: whether to use the high contrast variant
 *
 * Switches @style to (or away from) libadwaita's high contrast variant: opaque text, a darker
 * grey for axes, and painters draw thicker lines and more opaque marks. Switching back restores
 * the alpha values of the normal light or dark style.
 */
void
cst_chart_style_set_high_contrast (CstChartStyle *style,
                                   gboolean       high_contrast)
{
  gboolean dark;

  g_return_if_fail (style != NULL);

  dark = cst_chart_style_is_dark (style);
  style->high_contrast = !!high_contrast;
  style->foreground.alpha = high_contrast || dark ? 1.0 : 0.8;
  if (high_contrast)
    style->muted.alpha = dark ? 0.8 : 0.75;
  else
    style->muted.alpha = dark ? 0.55 : 0.5;
}

/**
 * cst_chart_style_is_dark:
 * @style: a style
 *
 * Returns: whether @style draws light marks on a dark surface, judged from the luminance of
 * its foreground colour.
 */
gboolean
cst_chart_style_is_dark (const CstChartStyle *style)
{
  const CstColor *fg;

  g_return_val_if_fail (style != NULL, FALSE);

  fg = &style->foreground;
  return 0.2126 * fg->red + 0.7152 * fg->green + 0.0722 * fg->blue > 0.5;
}

/**
 * cst_chart_style_get_surface:
 * @style: a style
 * @surface: (out): the opaque colour of the surface the chart sits on
 *
 * Gives the background to paint where no widget background shows through (exports, the
 * clipboard, tests): the style's own background when it is opaque, otherwise libadwaita's view
 * background for the light or dark variant.
 */
void
cst_chart_style_get_surface (const CstChartStyle *style,
                             CstColor            *surface)
{
  g_return_if_fail (style != NULL);
  g_return_if_fail (surface != NULL);

  if (style->background.alpha >= 1.0)
    *surface = style->background;
  else
    *surface = cst_chart_style_is_dark (style) ? surface_dark : surface_light;
}

void
cst_chart_style_clear (CstChartStyle *style)
{
  g_return_if_fail (style != NULL);

  g_clear_pointer (&style->font_family, g_free);
}

/**
 * cst_chart_style_copy:
 * @src: a style
 * @dest: an uninitialized style (or one that was cleared)
 *
 * Copies @src into @dest, duplicating the font family. Free with cst_chart_style_clear().
 */
void
cst_chart_style_copy (const CstChartStyle *src,
                      CstChartStyle       *dest)
{
  g_return_if_fail (src != NULL);
  g_return_if_fail (dest != NULL);

  *dest = *src;
  dest->font_family = g_strdup (src->font_family);
}

/**
 * cst_chart_style_segment:
 * @style: a style
 * @segment: a segment index
 *
 * Returns: (transfer none): the colour of @segment; indices past the palette wrap around.
 */
const CstColor *
cst_chart_style_segment (const CstChartStyle *style,
                         guint                segment)
{
  g_return_val_if_fail (style != NULL, NULL);

  return &style->palette[segment % CST_CHART_PALETTE_SIZE];
}

void
cst_chart_set_source_color (cairo_t        *cr,
                            const CstColor *color)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (color != NULL);

  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}
