/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cst-chart-difference.h"
#include "cst-chart-heatmap.h"
#include "cst-chart-kchoice.h"
#include "cst-chart-map.h"
#include "cst-chart-predict.h"
#include "cst-chart-sizes.h"
#include "models/cst-segmentation.h"
#include "predict/cst-clv-run.h"
#include "predict/cst-lookalike.h"
#include "predict/cst-propensity.h"
#include "store/cst-store.h"

G_BEGIN_DECLS

/* The chart models of a stored segmentation run, titled and labelled for people. One place
 * builds them for the Segments page, the segment detail, the deck and the command line, so they
 * all show the same. */
CstMapModel        *cst_report_map_model        (const CstSegmentation *segmentation);
CstSizesModel      *cst_report_sizes_model      (const CstSegmentation *segmentation);
CstHeatmapModel    *cst_report_heatmap_model    (const CstSegmentation *segmentation);
CstKChoiceModel    *cst_report_kchoice_model    (const CstSegmentation *segmentation);
CstDifferenceModel *cst_report_difference_model (const CstSegmentation *segmentation,
                                                 guint                  segment,
                                                 guint                  max_bars);

const char * const *cst_report_chart_kinds      (void);
gboolean            cst_report_export_chart     (const CstSegmentation *segmentation,
                                                 const char            *kind,
                                                 guint                  segment,
                                                 const char            *path,
                                                 int                    width,
                                                 int                    height,
                                                 GError               **error);

/* The stored predictions of a project: the newest run of each kind, any of them %NULL. */
typedef struct
{
  CstPropensityRun *churn;
  CstPropensityRun *purchase;
  CstClvRun        *clv;
  CstLookalikeRun  *lookalike;
} CstReportPredictions;

/* The similarity from which a lookalike is counted in the audience on slides and charts: half
 * as seed-like as the median seed member, the Predictions page's default. */
#define CST_REPORT_LOOKALIKE_THRESHOLD 0.5

CstReportPredictions *cst_report_predictions_load  (CstStore                   *store,
                                                    GError                    **error);
CstReportPredictions *cst_report_predictions_load_project (const char          *project_path,
                                                    GError                    **error);
gboolean              cst_report_predictions_is_empty (const CstReportPredictions *predictions);
void                  cst_report_predictions_free  (CstReportPredictions       *predictions);

/* Chart models of stored prediction runs, titled for people, the same as the Predictions page. */
CstScoresModel      *cst_report_scores_model      (const CstPropensityRun *run);
CstGainModel        *cst_report_gain_model        (const CstPropensityRun *run);
CstLiftModel        *cst_report_lift_model        (const CstPropensityRun *run);
CstRocModel         *cst_report_roc_model         (const CstPropensityRun *run);
CstCalibrationModel *cst_report_calibration_model (const CstPropensityRun *run);
CstClvModel         *cst_report_clv_model         (const CstClvRun        *run);
CstReachModel       *cst_report_reach_model       (const CstLookalikeRun  *run,
                                                   double                  threshold);
/* The value of a gain curve (sorted by x) at share @x of the people, linearly interpolated. */
double               cst_report_gain_at           (const GArray           *gain,
                                                   double                  x);

/* "scores", "gain", "lift", "roc", "calibration", "clv", "reach". */
const char * const  *cst_report_predict_chart_kinds (void);
/* Draws a prediction chart like cst_report_export_chart(). The propensity charts show the churn
 * run, or the purchase run when there is no churn run; fails with a sentence when the project
 * has no such run. */
gboolean             cst_report_export_predict_chart (const CstReportPredictions *predictions,
                                                      const char                 *kind,
                                                      const char                 *path,
                                                      int                         width,
                                                      int                         height,
                                                      GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstReportPredictions, cst_report_predictions_free)

G_END_DECLS
