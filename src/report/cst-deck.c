/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-deck"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <math.h>

#include "cst-deck.h"
#include "cst-report.h"
#include "cst-pipeline.h"
#include "features/cst-features.h"
#include "predict/cst-clv.h"

static int
find_feature (const CstSegmentation *seg,
              const char            *name)
{
  for (guint f = 0; f < seg->n_features; f++)
    if (g_str_equal (seg->feature_names[f], name))
      return f;
  return -1;
}

/**
 * cst_deck_build:
 * @segmentation: a stored run
 *
 * Returns: (transfer full) (element-type CstSlide): the slides, numbered
 */
GPtrArray *
cst_deck_build (const CstSegmentation *seg)
{
  GPtrArray *slides = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_slide_free);
  g_autofree char *people = g_strdup_printf ("%'zu", seg->n_people);
  g_autofree char *title = NULL;
  CstSizesModel *sizes;
  int spend = find_feature (seg, CST_FEATURE_TOTAL_SPEND);
  double revenue = 0;

  g_return_val_if_fail (seg != NULL, NULL);

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s Customer in %u Segments",
                                        "%s Customers in %u Segments", seg->n_people),
                           people, seg->k);
  sizes = cst_report_sizes_model (seg);
  g_ptr_array_add (slides, cst_slide_new_overview (title, seg->reason, sizes));

  if (spend >= 0)
    for (guint s = 0; s < seg->k; s++)
      revenue += seg->means[(gsize) s * seg->n_features + spend] * seg->sizes[s];

  for (guint s = 0; s < seg->k; s++)
    {
      g_autofree char *count = g_strdup_printf ("%'zu", seg->sizes[s]);
      g_autofree char *size_text = NULL;
      g_autofree char *footer = NULL;
      const char *facts[4] = { NULL };
      CstDifferenceModel *difference;

      size_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s person · %.1f %% of customers",
                                                "%s people · %.1f %% of customers", seg->sizes[s]),
                                   count, 100.0 * seg->sizes[s] / MAX (seg->n_people, 1));
      for (guint j = 0; j < 3; j++)
        facts[j] = cst_segmentation_get_fact (seg, s, j);
      if (spend >= 0 && revenue > 0)
        footer = g_strdup_printf (_("%.0f %% of revenue"),
                                  100.0 * seg->means[(gsize) s * seg->n_features + spend] * seg->sizes[s] / revenue);

      difference = cst_report_difference_model (seg, s, 6);
      cst_difference_model_set_title (difference, _("What sets them apart"));
      g_ptr_array_add (slides, cst_slide_new_segment (seg->segment_names[s], s, size_text, facts, footer,
                                                      difference));
    }

  cst_deck_number (slides);
  return slides;
}

void
cst_deck_number (GPtrArray *slides)
{
  for (guint i = 0; i < slides->len; i++)
    cst_slide_set_page (g_ptr_array_index (slides, i), i, slides->len);
}

/* "more days since the last order" → "More days since the last order" */
static char *
capitalize (const char *text)
{
  gunichar first = g_utf8_get_char (text);
  char buffer[8];
  int len = g_unichar_to_utf8 (g_unichar_totitle (first), buffer);

  return g_strdup_printf ("%.*s%s", len, buffer, g_utf8_next_char (text));
}

static CstSlide *
propensity_slide (const CstPropensityRun *run)
{
  gboolean churn = run->target == CST_PROPENSITY_CHURN;
  CstBandCounts counts;
  double expected = 0;
  g_autofree char *high = NULL;
  g_autofree char *scored = NULL;
  g_autofree char *about = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *footer = NULL;
  char *drivers[4] = { NULL };
  CstScoresModel *scores = cst_report_scores_model (run);
  CstSlide *slide;
  guint n_drivers = 0;

  cst_band_count (run->probability, run->n_people, run->low_threshold, run->high_threshold, &counts);
  for (guint b = 0; b < 3; b++)
    expected += counts.expected[b];
  cst_scores_model_set_title (scores, churn ? _("Everyone’s chance of stopping") : _("Everyone’s chance of buying"));
  high = g_strdup_printf ("%'zu", counts.n_people[CST_BAND_HIGH]);
  scored = g_strdup_printf ("%'zu", run->n_people);
  about = g_strdup_printf ("%'.0f", expected);

  if (churn)
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer is likely to stop buying in the next %u days",
                                          "%s customers are likely to stop buying in the next %u days",
                                          counts.n_people[CST_BAND_HIGH]),
                             high, run->split.horizon_days);
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer is likely to buy in the next %u days",
                                          "%s customers are likely to buy in the next %u days",
                                          counts.n_people[CST_BAND_HIGH]),
                             high, run->split.horizon_days);

  if (isfinite (run->auc))
    subtitle = g_strdup_printf (churn ? g_dngettext (GETTEXT_PACKAGE,
                                                     "Of %s customer scored, about %s is expected to stop. On past orders, the model told a leaver from a stayer %.0f\u00a0%% of the time (AUC %.2f).",
                                                     "Of %s customers scored, about %s are expected to stop. On past orders, the model told a leaver from a stayer %.0f\u00a0%% of the time (AUC %.2f).",
                                                     run->n_people)
                                      : g_dngettext (GETTEXT_PACKAGE,
                                                     "Of %s customer scored, about %s is expected to buy. On past orders, the model told a buyer from a non-buyer %.0f\u00a0%% of the time (AUC %.2f).",
                                                     "Of %s customers scored, about %s are expected to buy. On past orders, the model told a buyer from a non-buyer %.0f\u00a0%% of the time (AUC %.2f).",
                                                     run->n_people),
                                scored, about, 100.0 * run->auc, run->auc);
  else
    subtitle = g_strdup_printf (churn ? g_dngettext (GETTEXT_PACKAGE, "Of %s customer scored, about %s is expected to stop.",
                                                     "Of %s customers scored, about %s are expected to stop.", run->n_people)
                                      : g_dngettext (GETTEXT_PACKAGE, "Of %s customer scored, about %s is expected to buy.",
                                                     "Of %s customers scored, about %s are expected to buy.", run->n_people),
                                scored, about);

  for (guint d = 0; run->drivers != NULL && d < run->drivers->len && n_drivers < 3; d++)
    {
      const CstPropensityDriver *driver = g_ptr_array_index (run->drivers, d);

      if (driver->text != NULL && driver->text[0] != '\0')
        drivers[n_drivers++] = capitalize (driver->text);
    }

  if (isfinite (run->lift_top10) && run->lift_top10 > 0)
    footer = g_strdup_printf (churn ? _("The top 10\u00a0%% by score hold %.1f× the average share of leavers")
                                    : _("The top 10\u00a0%% by score hold %.1f× the average share of buyers"),
                              run->lift_top10);

  slide = cst_slide_new_chart (title, subtitle, n_drivers > 0 ? _("What makes it more likely") : NULL,
                               (const char * const *) drivers, footer, scores,
                               (CstSlidePaintFunc) cst_chart_scores_paint, (GDestroyNotify) cst_scores_model_free);
  for (guint d = 0; d < n_drivers; d++)
    g_free (drivers[d]);
  return slide;
}

static int
compare_doubles_desc (gconstpointer a,
                      gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x < y) - (x > y);
}

static CstSlide *
clv_slide (const CstClvRun *run)
{
  const CstClvResult *result = run->result;
  g_autofree double *values = g_new (double, MAX (result->n_customers, 1));
  gsize n = 0, n_top;
  double total = 0, top = 0;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *customers = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *mean_text = NULL;
  g_autofree char *median_text = NULL;
  g_autofree char *top_text = NULL;
  char *facts[4] = { NULL };
  g_autofree char *footer = NULL;
  CstClvModel *model;
  CstSlide *slide;

  if (!result->has_spend)
    return NULL;
  for (gsize i = 0; i < result->n_customers; i++)
    if (isfinite (result->values[i].clv))
      {
        values[n++] = result->values[i].clv;
        total += result->values[i].clv;
      }
  if (n == 0 || total <= 0)
    return NULL;
  qsort (values, n, sizeof (double), compare_doubles_desc);
  n_top = (n + 9) / 10;
  for (gsize i = 0; i < n_top; i++)
    top += values[i];

  /* Translators: "The top 10 % of customers hold 46 % of the expected value" */
  title = g_strdup_printf (_("The top 10\u00a0%% of customers hold %.0f\u00a0%% of the expected value"), 100.0 * top / total);
  customers = g_strdup_printf ("%'zu", n);
  total_text = cst_chart_format_money (total, NULL);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Together, %s customer is expected to spend %s in the next %u months.",
                                           "Together, %s customers are expected to spend %s in the next %u months.", n),
                              customers, total_text, result->options.months);
  mean_text = cst_chart_format_money (total / n, NULL);
  median_text = cst_chart_format_money (n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]), NULL);
  top_text = cst_chart_format_money (values[n_top - 1], NULL);
  facts[0] = g_strdup_printf (_("On average, a customer is worth\u00a0%s"), mean_text);
  facts[1] = g_strdup_printf (_("Half of them are worth less than\u00a0%s"), median_text);
  facts[2] = g_strdup_printf (_("The top 10\u00a0%% are each worth\u00a0%s or more"), top_text);
  {
    g_autofree char *top_count = g_strdup_printf ("%'zu", n_top);
    g_autofree char *top_total = cst_chart_format_money (top, NULL);

    footer = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The top %s customer: %s together",
                                           "The top %s customers: %s together", n_top),
                              top_count, top_total);
  }

  model = cst_report_clv_model (run);
  cst_clv_model_set_title (model, _("Value in the next 12 months"));
  slide = cst_slide_new_chart (title, subtitle, NULL, (const char * const *) facts, footer, model,
                               (CstSlidePaintFunc) cst_chart_clv_paint, (GDestroyNotify) cst_clv_model_free);
  for (guint i = 0; i < 3; i++)
    g_free (facts[i]);
  return slide;
}

static CstSlide *
lookalike_slide (const CstLookalikeRun *run)
{
  gsize audience = cst_lookalike_run_count_above (run, CST_REPORT_LOOKALIKE_THRESHOLD);
  gsize close = cst_lookalike_run_count_above (run, 0.8);
  g_autofree char *count = g_strdup_printf ("%'zu", audience);
  g_autofree char *seed = g_strdup_printf ("%'zu", run->n_seed);
  g_autofree char *close_text = g_strdup_printf ("%'zu", close);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  char *facts[4] = { NULL };
  g_autofree char *footer = NULL;
  CstReachModel *reach;
  CstSlide *slide;
  guint f = 0;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s more person behaves like %s",
                                        "%s more people behave like %s", audience),
                           count, run->seed_description != NULL ? run->seed_description : _("the seed"));
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Everyone outside a seed of %s person, scored by how much they resemble it.",
                                           "Everyone outside a seed of %s people, scored by how much they resemble them.",
                                           run->n_seed),
                              seed);
  facts[f++] = g_strdup (_("Similarity 1 is as alike as a typical seed member; the audience starts at 0.5"));
  facts[f++] = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s person is very alike (0.8 or more)",
                                             "%s people are very alike (0.8 or more)", close),
                                close_text);
  if (isfinite (run->auc))
    facts[f++] = g_strdup_printf (_("The model told seed members from the rest %.0f\u00a0%% of the time (AUC %.2f)"),
                                  100.0 * run->auc, run->auc);
  footer = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Audience: %s person", "Audience: %s people", audience), count);

  reach = cst_report_reach_model (run, CST_REPORT_LOOKALIKE_THRESHOLD);
  cst_reach_model_set_title (reach, _("Audience at each similarity"));
  slide = cst_slide_new_chart (title, subtitle, NULL, (const char * const *) facts, footer, reach,
                               (CstSlidePaintFunc) cst_chart_reach_paint, (GDestroyNotify) cst_reach_model_free);
  for (guint i = 0; i < f; i++)
    g_free (facts[i]);
  return slide;
}

/**
 * cst_deck_build_predictions:
 * @predictions: (nullable): the stored predictions of a project
 *
 * Returns: (transfer full) (element-type CstSlide): a slide for each prediction run there is,
 *   not numbered; empty without predictions
 */
GPtrArray *
cst_deck_build_predictions (const CstReportPredictions *p)
{
  GPtrArray *slides = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_slide_free);
  CstSlide *slide;

  if (p == NULL)
    return slides;
  if (p->churn != NULL && p->churn->n_people > 0)
    g_ptr_array_add (slides, propensity_slide (p->churn));
  if (p->purchase != NULL && p->purchase->n_people > 0)
    g_ptr_array_add (slides, propensity_slide (p->purchase));
  if (p->clv != NULL && (slide = clv_slide (p->clv)) != NULL)
    g_ptr_array_add (slides, slide);
  if (p->lookalike != NULL && p->lookalike->n_people > 0)
    g_ptr_array_add (slides, lookalike_slide (p->lookalike));
  return slides;
}

/**
 * cst_deck_build_full:
 * @segmentation: (nullable): a stored run
 * @predictions: (nullable): the stored predictions
 *
 * Returns: (transfer full) (element-type CstSlide): the slides, numbered
 */
GPtrArray *
cst_deck_build_full (const CstSegmentation      *seg,
                     const CstReportPredictions *p)
{
  GPtrArray *slides = seg != NULL ? cst_deck_build (seg)
                                  : g_ptr_array_new_with_free_func ((GDestroyNotify) cst_slide_free);
  g_autoptr(GPtrArray) more = cst_deck_build_predictions (p);

  for (guint i = 0; i < more->len; i++)
    g_ptr_array_add (slides, g_ptr_array_steal_index (more, i--));
  cst_deck_number (slides);
  return slides;
}

/**
 * cst_deck_build_for_project:
 *
 * Returns: (transfer full) (element-type CstSlide) (nullable): the numbered slides, or %NULL
 *   with @error set
 */
GPtrArray *
cst_deck_build_for_project (const char  *project_path,
                            GError     **error)
{
  g_autoptr(CstSegmentation) seg = NULL;
  g_autoptr(CstReportPredictions) predictions = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = g_filename_display_name (project_path);

  if (!g_file_test (project_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The project “%s” does not exist"), display);
      return NULL;
    }
  seg = cst_pipeline_load (project_path, NULL, &local_error);
  if (seg == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The project “%s” has no segments yet"), display);
      return NULL;
    }
  predictions = cst_report_predictions_load_project (project_path, error);
  if (predictions == NULL)
    return NULL;
  return cst_deck_build_full (seg, predictions);
}

/**
 * cst_deck_write_pdf:
 * @width: page width in points (e.g. 960 for 16:9 with @height 540)
 *
 * Writes one PDF page per slide, light style, vector text and charts.
 */
gboolean
cst_deck_write_pdf (GPtrArray   *slides,
                    const char  *path,
                    double       width,
                    double       height,
                    GError     **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, width, height);
  cairo_t *cr = cairo_create (surface);
  CstChartStyle style;
  cairo_status_t status;

  cst_chart_style_init_light (&style);
  for (guint i = 0; i < slides->len; i++)
    {
      cst_chart_slide_paint (cr, g_ptr_array_index (slides, i), width, height, &style);
      cairo_show_page (cr);
    }
  cst_chart_style_clear (&style);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"), display,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
