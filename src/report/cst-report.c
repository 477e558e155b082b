/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-report"

#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>

#include "cst-report.h"
#include "features/cst-features.h"
#include "predict/cst-store-predict.h"

static char *
format_value (guint    feature,
              double   value,
              gpointer user_data)
{
  const CstSegmentation *seg = user_data;
  const CstFeatureInfo *info;

  if (feature >= seg->n_features)
    return g_strdup ("");
  info = cst_feature_info_lookup (seg->feature_names[feature]);
  return info != NULL ? cst_feature_format_value (info, value) : g_strdup_printf ("%.2f", value);
}

static GPtrArray *
feature_labels (const CstSegmentation *seg)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);

  for (guint f = 0; f < seg->n_features; f++)
    g_ptr_array_add (labels, cst_feature_dup_label (seg->feature_names[f]));
  g_ptr_array_add (labels, NULL);
  return labels;
}

/* Returns: (transfer full): the segment map: people on the first two principal components */
CstMapModel *
cst_report_map_model (const CstSegmentation *seg)
{
  CstMapModel *map = cst_map_model_new (seg->n_people, seg->x, seg->y, seg->labels, seg->k,
                                        (const char * const *) seg->segment_names);

  cst_map_model_set_title (map, _("Segment map"));
  cst_map_model_set_axis_names (map, _("Component 1"), _("Component 2"));
  return map;
}

/* Returns: (transfer full): the segment sizes */
CstSizesModel *
cst_report_sizes_model (const CstSegmentation *seg)
{
  CstSizesModel *sizes = cst_sizes_model_new (seg->k, (const char * const *) seg->segment_names, seg->sizes);

  cst_sizes_model_set_title (sizes, _("Segment sizes"));
  return sizes;
}

/* Returns: (transfer full): every segment against everyone else on every feature */
CstHeatmapModel *
cst_report_heatmap_model (const CstSegmentation *seg)
{
  g_autoptr(GPtrArray) labels = feature_labels (seg);
  CstHeatmapModel *heatmap = cst_heatmap_model_new (seg->k, seg->n_features,
                                                    (const char * const *) seg->segment_names,
                                                    (const char * const *) labels->pdata, seg->std_diffs);

  cst_heatmap_model_set_means (heatmap, seg->means, seg->rest_means, format_value, (gpointer) seg);
  cst_heatmap_model_set_title (heatmap, _("How the segments differ"));
  return heatmap;
}

/* Returns: (transfer full) (nullable): how each candidate number of segments scored, or %NULL
 *   when the number was not chosen automatically */
CstKChoiceModel *
cst_report_kchoice_model (const CstSegmentation *seg)
{
  g_autofree guint *ks = NULL;
  g_autofree double *silhouette = NULL;
  g_autofree double *stability = NULL;
  g_autofree double *smallest = NULL;
  CstKChoiceModel *model;

  if (seg->n_choices == 0)
    return NULL;

  ks = g_new (guint, seg->n_choices);
  silhouette = g_new (double, seg->n_choices);
  stability = g_new (double, seg->n_choices);
  smallest = g_new (double, seg->n_choices);
  for (guint i = 0; i < seg->n_choices; i++)
    {
      ks[i] = seg->choices[i].k;
      silhouette[i] = seg->choices[i].silhouette;
      stability[i] = seg->choices[i].stability;
      smallest[i] = seg->choices[i].smallest_share;
    }
  model = cst_kchoice_model_new (seg->n_choices, ks, silhouette, stability, smallest, seg->k);
  cst_kchoice_model_set_title (model, _("Choosing the number of segments"));
  if (seg->reason != NULL)
    cst_kchoice_model_set_reason (model, seg->reason);
  return model;
}

/**
 * cst_report_difference_model:
 * @max_bars: the strongest differences to show, or 0 for all
 *
 * Returns: (transfer full): what sets @segment apart from everyone else
 */
CstDifferenceModel *
cst_report_difference_model (const CstSegmentation *seg,
                             guint                  segment,
                             guint                  max_bars)
{
  g_autoptr(GPtrArray) labels = feature_labels (seg);
  CstDifferenceModel *model;

  g_return_val_if_fail (segment < seg->k, NULL);

  model = cst_difference_model_new (seg->segment_names[segment], segment, seg->n_features,
                                    (const char * const *) labels->pdata,
                                    seg->std_diffs + (gsize) segment * seg->n_features);
  cst_difference_model_set_means (model, seg->means + (gsize) segment * seg->n_features,
                                  seg->rest_means + (gsize) segment * seg->n_features, format_value,
                                  (gpointer) seg);
  if (max_bars > 0)
    cst_difference_model_set_max_bars (model, max_bars);
  return model;
}

static const char * const chart_kinds[] = { "map", "sizes", "heatmap", "kchoice", "difference", NULL };

/* The kinds cst_report_export_chart() draws. */
const char * const *
cst_report_chart_kinds (void)
{
  return chart_kinds;
}

static void
paint_kind (cairo_t               *cr,
            const CstSegmentation *seg,
            const char            *kind,
            guint                  segment,
            double                 width,
            double                 height,
            const CstChartStyle   *style)
{
  if (g_str_equal (kind, "map"))
    {
      g_autoptr(CstMapModel) model = cst_report_map_model (seg);
      cst_chart_map_paint (cr, model, width, height, style);
    }
  else if (g_str_equal (kind, "sizes"))
    {
      g_autoptr(CstSizesModel) model = cst_report_sizes_model (seg);
      cst_chart_sizes_paint (cr, model, width, height, style);
    }
  else if (g_str_equal (kind, "heatmap"))
    {
      g_autoptr(CstHeatmapModel) model = cst_report_heatmap_model (seg);
      cst_chart_heatmap_paint (cr, model, width, height, style);
    }
  else if (g_str_equal (kind, "kchoice"))
    {
      g_autoptr(CstKChoiceModel) model = cst_report_kchoice_model (seg);
      if (model != NULL)
        cst_chart_kchoice_paint (cr, model, width, height, style);
    }
  else
    {
      g_autoptr(CstDifferenceModel) model = cst_report_difference_model (seg, segment, 0);
      cst_chart_difference_paint (cr, model, width, height, style);
    }
}

typedef void (*PaintFunc) (cairo_t             *cr,
                           gconstpointer        data,
                           double               width,
                           double               height,
                           const CstChartStyle *style);

/* Creates the file from its extension, paints white and the chart in the light style. */
static gboolean
write_chart (const char     *path,
             int             width,
             int             height,
             PaintFunc       paint,
             gconstpointer   data,
             GError        **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *lower = g_ascii_strdown (path, -1);
  cairo_surface_t *surface;
  cairo_status_t status;
  CstChartStyle style;
  cairo_t *cr;

  if (g_str_has_suffix (lower, ".svg"))
    surface = cairo_svg_surface_create (path, width, height);
  else if (g_str_has_suffix (lower, ".pdf"))
    surface = cairo_pdf_surface_create (path, width, height);
  else if (g_str_has_suffix (lower, ".png"))
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s”: the file must end in .png, .svg or .pdf"), display);
      return FALSE;
    }

  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cst_chart_style_init_light (&style);
  paint (cr, data, width, height, &style);
  cst_chart_style_clear (&style);
  cairo_destroy (cr);

  if (g_str_has_suffix (lower, ".png"))
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"), display,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const CstSegmentation *seg;
  const char            *kind;
  guint                  segment;
} SegmentChart;

static void
paint_segment_chart (cairo_t             *cr,
                     gconstpointer        data,
                     double               width,
                     double               height,
                     const CstChartStyle *style)
{
  const SegmentChart *chart = data;

  paint_kind (cr, chart->seg, chart->kind, chart->segment, width, height, style);
}

/**
 * cst_report_export_chart:
 * @kind: one of cst_report_chart_kinds()
 * @segment: for "difference", which segment
 * @path: the file; its extension (.png, .svg, .pdf) chooses the format
 *
 * Draws a chart of @segmentation in the light style on white, for reports made by scheduled
 * jobs.
 */
gboolean
cst_report_export_chart (const CstSegmentation *seg,
                         const char            *kind,
                         guint                  segment,
                         const char            *path,
                         int                    width,
                         int                    height,
                         GError               **error)
{
  SegmentChart chart = { seg, kind, segment };

  if (!g_strv_contains (chart_kinds, kind))
    {
      g_autofree char *kinds = g_strjoinv (", ", (char **) chart_kinds);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown chart “%s”; the charts are: %s"), kind, kinds);
      return FALSE;
    }
  if (g_str_equal (kind, "kchoice") && seg->n_choices == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The number of segments of this run was not chosen automatically: there is no choice to draw"));
      return FALSE;
    }
  if (g_str_equal (kind, "difference") && segment >= seg->k)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("There is no segment %u: this run has %u"), segment + 1, seg->k);
      return FALSE;
    }
  return write_chart (path, width, height, paint_segment_chart, &chart, error);
}

/* ---- Predictions ------------------------------------------------------------------------ */

/**
 * cst_report_predictions_load:
 * @store: an open project (in the calling thread)
 *
 * Returns: (transfer full) (nullable): the newest prediction runs, or %NULL on an error
 */
CstReportPredictions *
cst_report_predictions_load (CstStore  *store,
                             GError   **error)
{
  g_autoptr(CstReportPredictions) p = g_new0 (CstReportPredictions, 1);

  p->churn = cst_store_load_latest_propensity (store, CST_PROPENSITY_CHURN, error);
  if (p->churn == NULL && error != NULL && *error != NULL)
    return NULL;
  p->purchase = cst_store_load_latest_propensity (store, CST_PROPENSITY_PURCHASE, error);
  if (p->purchase == NULL && error != NULL && *error != NULL)
    return NULL;
  p->clv = cst_store_load_latest_clv (store, error);
  if (p->clv == NULL && error != NULL && *error != NULL)
    return NULL;
  p->lookalike = cst_store_load_latest_lookalike (store, error);
  if (p->lookalike == NULL && error != NULL && *error != NULL)
    return NULL;
  return g_steal_pointer (&p);
}

/**
 * cst_report_predictions_load_project:
 *
 * Opens the project in the calling thread (never the main thread of the app), loads its
 * predictions and closes it.
 *
 * Returns: (transfer full) (nullable): the newest prediction runs, or %NULL on an error
 */
CstReportPredictions *
cst_report_predictions_load_project (const char  *project_path,
                                     GError     **error)
{
  g_autoptr(CstStore) store = NULL;

  if (!g_file_test (project_path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *display = g_filename_display_name (project_path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The project “%s” does not exist"), display);
      return NULL;
    }
  store = cst_store_open (project_path, error);
  if (store == NULL)
    return NULL;
  return cst_report_predictions_load (store, error);
}

gboolean
cst_report_predictions_is_empty (const CstReportPredictions *p)
{
  return p == NULL || (p->churn == NULL && p->purchase == NULL && p->clv == NULL && p->lookalike == NULL);
}

void
cst_report_predictions_free (CstReportPredictions *p)
{
  if (p == NULL)
    return;
  g_clear_pointer (&p->churn, cst_propensity_run_free);
  g_clear_pointer (&p->purchase, cst_propensity_run_free);
  g_clear_pointer (&p->clv, cst_clv_run_free);
  g_clear_pointer (&p->lookalike, cst_lookalike_run_free);
  g_free (p);
}

#define N_SCORE_BINS 40

/* Returns: (transfer full): everyone's score with the run's bands and how many fall in each */
CstScoresModel *
cst_report_scores_model (const CstPropensityRun *run)
{
  CstScoresModel *model = cst_scores_model_new_from_scores (run->n_people, run->probability, N_SCORE_BINS);
  CstBandCounts counts;
  guint64 n[3];

  cst_band_count (run->probability, run->n_people, run->low_threshold, run->high_threshold, &counts);
  for (guint b = 0; b < 3; b++)
    n[b] = counts.n_people[b];
  cst_scores_model_set_thresholds (model, run->low_threshold, run->high_threshold);
  cst_scores_model_set_band_stats (model, n, counts.expected);
  cst_scores_model_set_title (model, run->target == CST_PROPENSITY_CHURN ? _("Chance of stopping buying")
                                                                         : _("Chance of buying"));
  return model;
}

double
cst_report_gain_at (const GArray *gain,
                    double        x)
{
  double x0 = 0.0, y0 = 0.0;

  if (gain == NULL)
    return x;
  for (guint i = 0; i < gain->len; i++)
    {
      const CstCurvePoint *p = &g_array_index (gain, CstCurvePoint, i);

      if (p->x >= x)
        {
          if (p->x - x0 <= 1e-12)
            return p->y;
          return y0 + (p->y - y0) * (x - x0) / (p->x - x0);
        }
      x0 = p->x;
      y0 = p->y;
    }
  return gain->len > 0 ? g_array_index (gain, CstCurvePoint, gain->len - 1).y : x;
}

static void
curve_arrays (const GArray  *curve,
              guint         *n,
              double       **x,
              double       **y)
{
  *n = curve != NULL ? curve->len : 0;
  *x = g_new (double, MAX (*n, 1));
  *y = g_new (double, MAX (*n, 1));
  for (guint i = 0; i < *n; i++)
    {
      (*x)[i] = g_array_index (curve, CstCurvePoint, i).x;
      (*y)[i] = g_array_index (curve, CstCurvePoint, i).y;
    }
}

/* Returns: (transfer full): the share of positives found when contacting the top scores */
CstGainModel *
cst_report_gain_model (const CstPropensityRun *run)
{
  g_autofree double *x = NULL;
  g_autofree double *y = NULL;
  CstGainModel *model;
  guint n;

  curve_arrays (run->gain, &n, &x, &y);
  model = cst_gain_model_new (n, x, y, run->base_rate);
  cst_gain_model_set_title (model, _("Share found when contacting the top scores"));
  return model;
}

/* Returns: (transfer full): how much better than average each tenth of people is, from the gain */
CstLiftModel *
cst_report_lift_model (const CstPropensityRun *run)
{
  gboolean has = run->gain != NULL && run->gain->len > 0;
  double lift[10];
  CstLiftModel *model;

  for (guint g = 0; g < 10; g++)
    lift[g] = has ? (cst_report_gain_at (run->gain, (g + 1) / 10.0) - cst_report_gain_at (run->gain, g / 10.0)) / 0.1
                  : NAN;
  model = cst_lift_model_new (has ? 10 : 0, lift);
  cst_lift_model_set_title (model, _("How much better than average, by tenth of people"));
  return model;
}

/* Returns: (transfer full): the ROC curve of the holdout */
CstRocModel *
cst_report_roc_model (const CstPropensityRun *run)
{
  g_autofree double *x = NULL;
  g_autofree double *y = NULL;
  guint n;

  curve_arrays (run->roc, &n, &x, &y);
  return cst_roc_model_new (n, x, y, NULL, run->auc);
}

/* Returns: (transfer full): predicted against observed rates of the holdout */
CstCalibrationModel *
cst_report_calibration_model (const CstPropensityRun *run)
{
  g_autofree double *predicted = NULL;
  g_autofree double *observed = NULL;
  g_autofree guint64 *counts = NULL;
  guint64 population[10] = { 0 };
  guint64 total = 0;
  guint n;

  curve_arrays (run->calibration, &n, &predicted, &observed);
  counts = g_new0 (guint64, MAX (n, 1));
  if (run->calibration_counts != NULL && run->calibration_counts->len == n)
    {
      /* The holdout people in each bin, as the evaluation counted them. */
      for (guint i = 0; i < n; i++)
        counts[i] = g_array_index (run->calibration_counts, guint64, i);
      return cst_calibration_model_new (n, predicted, observed, counts);
    }
  /* Runs saved before the counts were kept: the bins are tenths of probability, so the share
   * of everyone scored in each tenth, scaled to the holdout, stands in for it. */
  for (gsize i = 0; i < run->n_people; i++)
    population[CLAMP ((int) floor (run->probability[i] * 10.0), 0, 9)]++;
  for (guint i = 0; i < n; i++)
    {
      counts[i] = population[CLAMP ((int) floor (predicted[i] * 10.0), 0, 9)];
      total += counts[i];
    }
  for (guint i = 0; i < n; i++)
    counts[i] = MAX (1, (guint64) round ((double) counts[i] * run->n_test / MAX (total, 1)));
  return cst_calibration_model_new (n, predicted, observed, counts);
}

/* Returns: (transfer full): the distribution of predicted lifetime values */
CstClvModel *
cst_report_clv_model (const CstClvRun *run)
{
  const CstClvResult *result = run->result;
  g_autofree double *values = g_new (double, MAX (result->n_customers, 1));
  CstClvModel *model;

  for (gsize i = 0; i < result->n_customers; i++)
    values[i] = result->has_spend ? result->values[i].clv : NAN;
  model = cst_clv_model_new_from_values (result->n_customers, values);
  cst_clv_model_set_title (model, _("Expected value over the next 12 months"));
  return model;
}

/* Returns: (transfer full): people outside the seed at each similarity, @threshold marked */
CstReachModel *
cst_report_reach_model (const CstLookalikeRun *run,
                        double                 threshold)
{
  guint n = run->reach != NULL ? run->reach->len : 0;
  g_autofree double *x = g_new (double, MAX (n, 1));
  g_autofree guint64 *y = g_new (guint64, MAX (n, 1));
  CstReachModel *model;

  for (guint i = 0; i < n; i++)
    {
      x[i] = g_array_index (run->reach, CstCurvePoint, i).x;
      y[i] = (guint64) MAX (0.0, round (g_array_index (run->reach, CstCurvePoint, i).y));
    }
  model = cst_reach_model_new (n, x, y, threshold);
  cst_reach_model_set_title (model, _("People outside the seed at each similarity"));
  return model;
}

static const char * const predict_kinds[] = { "scores", "gain", "lift", "roc", "calibration", "clv", "reach", NULL };

const char * const *
cst_report_predict_chart_kinds (void)
{
  return predict_kinds;
}

typedef struct
{
  gpointer      model;
  PaintFunc     paint;
  GDestroyNotify free_model;
} PredictChart;

static void
paint_predict_chart (cairo_t             *cr,
                     gconstpointer        data,
                     double               width,
                     double               height,
                     const CstChartStyle *style)
{
  const PredictChart *chart = data;

  chart->paint (cr, chart->model, width, height, style);
}

/**
 * cst_report_export_predict_chart:
 * @kind: one of cst_report_predict_chart_kinds()
 * @path: the file; its extension (.png, .svg, .pdf) chooses the format
 */
gboolean
cst_report_export_predict_chart (const CstReportPredictions *p,
                                 const char                 *kind,
                                 const char                 *path,
                                 int                         width,
                                 int                         height,
                                 GError                    **error)
{
  const CstPropensityRun *run = p->churn != NULL ? p->churn : p->purchase;
  PredictChart chart = { NULL, NULL, NULL };
  gboolean ok;

  if (!g_strv_contains (predict_kinds, kind))
    {
      g_autofree char *kinds = g_strjoinv (", ", (char **) predict_kinds);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown chart “%s”; the prediction charts are: %s"), kind, kinds);
      return FALSE;
    }

  if (g_str_equal (kind, "clv"))
    {
      if (p->clv == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The project has no lifetime values yet; compute them on the Predictions page first"));
          return FALSE;
        }
      chart = (PredictChart) { cst_report_clv_model (p->clv), (PaintFunc) cst_chart_clv_paint,
                               (GDestroyNotify) cst_clv_model_free };
    }
  else if (g_str_equal (kind, "reach"))
    {
      if (p->lookalike == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The project has no lookalike audience yet; find one on the Predictions page first"));
          return FALSE;
        }
      chart = (PredictChart) { cst_report_reach_model (p->lookalike, CST_REPORT_LOOKALIKE_THRESHOLD),
                               (PaintFunc) cst_chart_reach_paint, (GDestroyNotify) cst_reach_model_free };
    }
  else if (run == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The project has no churn or purchase predictions yet; compute them on the Predictions page first"));
      return FALSE;
    }
  else if (g_str_equal (kind, "scores"))
    chart = (PredictChart) { cst_report_scores_model (run), (PaintFunc) cst_chart_scores_paint,
                             (GDestroyNotify) cst_scores_model_free };
  else if (g_str_equal (kind, "gain"))
    chart = (PredictChart) { cst_report_gain_model (run), (PaintFunc) cst_chart_gain_paint,
                             (GDestroyNotify) cst_gain_model_free };
  else if (g_str_equal (kind, "lift"))
    chart = (PredictChart) { cst_report_lift_model (run), (PaintFunc) cst_chart_lift_paint,
                             (GDestroyNotify) cst_lift_model_free };
  else if (g_str_equal (kind, "roc"))
    chart = (PredictChart) { cst_report_roc_model (run), (PaintFunc) cst_chart_roc_paint,
                             (GDestroyNotify) cst_roc_model_free };
  else
    chart = (PredictChart) { cst_report_calibration_model (run), (PaintFunc) cst_chart_calibration_paint,
                             (GDestroyNotify) cst_calibration_model_free };

  ok = write_chart (path, width, height, paint_predict_chart, &chart, error);
  chart.free_model (chart.model);
  return ok;
}
