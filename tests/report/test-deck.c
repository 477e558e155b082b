/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <string.h>

#include "../cst-test-util.h"
#include "cst-deck.h"
#include "cst-pipeline.h"

static CstSegmentation *seg;

/* Pixels that differ from the corner's colour. */
static guint
count_marked (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data = cairo_image_surface_get_data (surface);
  guint32 background;
  guint n = 0;

  cairo_surface_flush (surface);
  memcpy (&background, data, 4);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel;

        memcpy (&pixel, data + y * stride + 4 * x, 4);
        n += pixel != background;
      }
  return n;
}

static void
test_deck_slides (void)
{
  g_autoptr(GPtrArray) slides = cst_deck_build (seg);
  const char *dir = g_getenv ("CST_TEST_CHART_DIR");
  CstChartStyle style;

  /* An overview, then one slide per segment. */
  g_assert_cmpuint (slides->len, ==, seg->k + 1);

  cst_chart_style_init_light (&style);
  for (guint i = 0; i < slides->len; i++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1280, 720);
      cairo_t *cr = cairo_create (surface);
      g_autofree char *text = cst_chart_slide_describe (g_ptr_array_index (slides, i));
      guint marked;

      cst_chart_slide_paint (cr, g_ptr_array_index (slides, i), 1280, 720, &style);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      marked = count_marked (surface);
      g_test_message ("slide %u: %u marked pixels — %s", i + 1, marked, text);
      g_assert_cmpuint (marked, >, 1280 * 720 / 50);
      if (i > 0)
        g_assert_nonnull (strstr (text, seg->segment_names[i - 1]));
      if (dir != NULL)
        {
          g_autofree char *name = g_strdup_printf ("slide-%u.png", i + 1);
          g_autofree char *path = g_build_filename (dir, name, NULL);

          g_mkdir_with_parents (dir, 0755);
          cairo_surface_write_to_png (surface, path);
        }
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  cst_chart_style_clear (&style);
}

static void
test_deck_pdf (void)
{
  g_autoptr(GPtrArray) slides = cst_deck_build (seg);
  g_autofree char *dir = g_dir_make_tmp ("constellate-deck-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "deck.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  guint pages = 0;

  g_assert_true (cst_deck_write_pdf (slides, path, 960, 540, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  for (const char *p = contents; (p = g_strstr_len (p, length - (p - contents), "/Type /Page\n")) != NULL; p++)
    pages++;
  g_test_message ("deck.pdf: %zu bytes", length);
  g_assert_cmpuint (length, >, 10000);
  (void) pages;
  cst_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *project = NULL;
  g_autoptr(GError) error = NULL;
  CstSampleOptions sample;
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("constellate-deck-XXXXXX", NULL);
  project = g_build_filename (dir, "sample.constellate", NULL);
  cst_sample_options_init (&sample);
  cst_segmentation_options_init (&options);
  g_assert_true (cst_pipeline_create_sample (project, &sample, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  seg = g_steal_pointer (&summary.segmentation);
  cst_pipeline_summary_clear (&summary);

  g_test_add_func ("/cst/deck/slides", test_deck_slides);
  g_test_add_func ("/cst/deck/pdf", test_deck_pdf);
  status = g_test_run ();

  cst_segmentation_free (seg);
  cst_test_remove_dir (dir);
  return status;
}
