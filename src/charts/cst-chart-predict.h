/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cst-chart-style.h"

G_BEGIN_DECLS

/* The charts of the Predictions page and of the presentation: the score histogram with its
 * High / Medium / Low bands, the gain and lift charts, the ROC curve, the calibration chart,
 * the distribution of customer lifetime value and the reach curve of a lookalike audience.
 *
 * Every model is prepared from plain arrays (the predictions core computes them), copies what
 * it is given and owns its data. Every painter draws into any cairo context at any size with a
 * style; charts larger than a typical page (900 × 560) grow their text and lines with their
 * size, up to 1.8 times, so that the same painter is readable on a projector. Hit tests take
 * the same arguments as the painter plus a point, return an item index or -1 and can write a
 * tooltip, so that CstChartView hosts them. describe() returns one sentence for screen
 * readers. Degenerate models (no people, all scores equal, a single bin) draw a short
 * message instead of a misleading chart. */

/* ---- Score histogram with band thresholds ---------------------------------------------- */

typedef struct _CstScoresModel CstScoresModel;

typedef enum
{
  CST_SCORES_HANDLE_NONE,
  CST_SCORES_HANDLE_LOW,   /* the threshold between Low and Medium */
  CST_SCORES_HANDLE_HIGH,  /* the threshold between Medium and High */
} CstScoresHandle;

typedef enum
{
  CST_SCORES_BAND_LOW,
  CST_SCORES_BAND_MEDIUM,
  CST_SCORES_BAND_HIGH,
} CstScoresBand;

CstScoresModel *cst_scores_model_new             (guint                 n_bins,
                                                  const double         *edges,
                                                  const guint64        *counts,
                                                  const double         *score_sums);
CstScoresModel *cst_scores_model_new_from_scores (gsize                 n,
                                                  const double         *scores,
                                                  guint                 n_bins);
void            cst_scores_model_set_thresholds  (CstScoresModel       *model,
                                                  double                low,
                                                  double                high);
void            cst_scores_model_get_thresholds  (const CstScoresModel *model,
                                                  double               *low,
                                                  double               *high);
void            cst_scores_model_set_band_stats  (CstScoresModel       *model,
                                                  const guint64        *counts,
                                                  const double         *expected);
void            cst_scores_model_get_band_stats  (const CstScoresModel *model,
                                                  CstScoresBand         band,
                                                  guint64              *count,
                                                  double               *expected);
void            cst_scores_model_set_title       (CstScoresModel       *model,
                                                  const char           *title);
/* Who the scores count ("leavers", "buyers"; NULL: "responders") and the axis title (NULL:
 * "Predicted score (chance of responding)"), both translated. */
void            cst_scores_model_set_outcome     (CstScoresModel       *model,
                                                  const char           *outcome_plural,
                                                  const char           *axis_label);
void            cst_scores_model_free            (CstScoresModel       *model);

void            cst_chart_scores_paint           (cairo_t              *cr,
                                                  const CstScoresModel *model,
                                                  double                width,
                                                  double                height,
                                                  const CstChartStyle  *style);
/* Returns the bin under (x, y), or -1. */
int             cst_chart_scores_hit_test        (const CstScoresModel *model,
                                                  double                width,
                                                  double                height,
                                                  const CstChartStyle  *style,
                                                  double                x,
                                                  double                y,
                                                  char                **tooltip);
/* Returns the threshold line whose grab area contains (x, y), for dragging. */
CstScoresHandle cst_chart_scores_hit_handle      (const CstScoresModel *model,
                                                  double                width,
                                                  double                height,
                                                  const CstChartStyle  *style,
                                                  double                x,
                                                  double                y);
/* The score under horizontal position @x (clamped to the axis), NAN when there is no plot. */
double          cst_chart_scores_score_at        (const CstScoresModel *model,
                                                  double                width,
                                                  double                height,
                                                  const CstChartStyle  *style,
                                                  double                x);
char           *cst_chart_scores_describe        (const CstScoresModel *model);

/* ---- Gain and lift ---------------------------------------------------------------------- */

typedef struct _CstGainModel CstGainModel;

CstGainModel *cst_gain_model_new       (guint               n_points,
                                        const double       *contacted,
                                        const double       *found,
                                        double              positive_rate);
void          cst_gain_model_set_title (CstGainModel       *model,
                                        const char         *title);
/* Who is found ("leavers", "buyers"; NULL: "responders") and the vertical axis title (NULL:
 * "Responders found"), both translated. */
void          cst_gain_model_set_outcome (CstGainModel     *model,
                                          const char       *outcome_plural,
                                          const char       *axis_label);
void          cst_gain_model_free      (CstGainModel       *model);
void          cst_chart_gain_paint     (cairo_t            *cr,
                                        const CstGainModel *model,
                                        double              width,
                                        double              height,
                                        const CstChartStyle *style);
/* Returns the point nearest to x inside the plot, or -1. */
int           cst_chart_gain_hit_test  (const CstGainModel *model,
                                        double              width,
                                        double              height,
                                        const CstChartStyle *style,
                                        double              x,
                                        double              y,
                                        char              **tooltip);
char         *cst_chart_gain_describe  (const CstGainModel *model);

typedef struct _CstLiftModel CstLiftModel;

CstLiftModel *cst_lift_model_new       (guint               n_groups,
                                        const double       *lift);
void          cst_lift_model_set_title (CstLiftModel       *model,
                                        const char         *title);
void          cst_lift_model_free      (CstLiftModel       *model);
void          cst_chart_lift_paint     (cairo_t            *cr,
                                        const CstLiftModel *model,
                                        double              width,
                                        double              height,
                                        const CstChartStyle *style);
/* Returns the group (0 = highest scores) whose column contains (x, y), or -1. */
int           cst_chart_lift_hit_test  (const CstLiftModel *model,
                                        double              width,
                                        double              height,
                                        const CstChartStyle *style,
                                        double              x,
                                        double              y,
                                        char              **tooltip);
char         *cst_chart_lift_describe  (const CstLiftModel *model);

/* ---- ROC curve -------------------------------------------------------------------------- */

typedef struct _CstRocModel CstRocModel;

CstRocModel *cst_roc_model_new        (guint               n_points,
                                       const double       *fpr,
                                       const double       *tpr,
                                       const double       *thresholds,
                                       double              auc);
void         cst_roc_model_set_title  (CstRocModel        *model,
                                       const char         *title);
/* Axis titles for a named outcome (translated); NULL keeps the default about responders. */
void         cst_roc_model_set_axis_titles (CstRocModel   *model,
                                            const char    *x_title,
                                            const char    *y_title);
void         cst_roc_model_free       (CstRocModel        *model);
void         cst_chart_roc_paint      (cairo_t            *cr,
                                       const CstRocModel  *model,
                                       double              width,
                                       double              height,
                                       const CstChartStyle *style);
int          cst_chart_roc_hit_test   (const CstRocModel  *model,
                                       double              width,
                                       double              height,
                                       const CstChartStyle *style,
                                       double              x,
                                       double              y,
                                       char              **tooltip);
char        *cst_chart_roc_describe   (const CstRocModel  *model);

/* ---- Calibration ------------------------------------------------------------------------ */

typedef struct _CstCalibrationModel CstCalibrationModel;

CstCalibrationModel *cst_calibration_model_new       (guint                      n_bins,
                                                      const double              *predicted,
                                                      const double              *observed,
                                                      const guint64             *counts);
void                 cst_calibration_model_set_title (CstCalibrationModel       *model,
                                                      const char                *title);
/* Axis titles for a named outcome (translated); NULL keeps the default about responding. */
void                 cst_calibration_model_set_axis_titles (CstCalibrationModel *model,
                                                            const char          *x_title,
                                                            const char          *y_title);
void                 cst_calibration_model_free      (CstCalibrationModel       *model);
void                 cst_chart_calibration_paint     (cairo_t                   *cr,
                                                      const CstCalibrationModel *model,
                                                      double                     width,
                                                      double                     height,
                                                      const CstChartStyle       *style);
/* Returns the bin whose point is nearest to (x, y) within its radius and a margin, or -1. */
int                  cst_chart_calibration_hit_test  (const CstCalibrationModel *model,
                                                      double                     width,
                                                      double                     height,
                                                      const CstChartStyle       *style,
                                                      double                     x,
                                                      double                     y,
                                                      char                     **tooltip);
char                *cst_chart_calibration_describe  (const CstCalibrationModel *model);

/* ---- Customer lifetime value ------------------------------------------------------------ */

typedef struct _CstClvModel CstClvModel;

CstClvModel *cst_clv_model_new              (guint               n_bins,
                                             const double       *edges,
                                             const guint64      *counts,
                                             guint64             n_above,
                                             double              top_threshold,
                                             double              top_share);
CstClvModel *cst_clv_model_new_from_values  (gsize               n,
                                             const double       *values);
void         cst_clv_model_set_currency     (CstClvModel        *model,
                                             const char         *currency);
void         cst_clv_model_set_title        (CstClvModel        *model,
                                             const char         *title);
void         cst_clv_model_free             (CstClvModel        *model);
void         cst_chart_clv_paint            (cairo_t            *cr,
                                             const CstClvModel  *model,
                                             double              width,
                                             double              height,
                                             const CstChartStyle *style);
/* Returns the bin under (x, y); n_bins for the bar of values above the axis, or -1. */
int          cst_chart_clv_hit_test         (const CstClvModel  *model,
                                             double              width,
                                             double              height,
                                             const CstChartStyle *style,
                                             double              x,
                                             double              y,
                                             char              **tooltip);
char        *cst_chart_clv_describe         (const CstClvModel  *model);
char        *cst_chart_format_money         (double              value,
                                             const char         *currency);

/* ---- Reach curve of a lookalike audience ------------------------------------------------ */

typedef struct _CstReachModel CstReachModel;

CstReachModel *cst_reach_model_new       (guint                n_points,
                                          const double        *threshold,
                                          const guint64       *audience,
                                          double               chosen);
void           cst_reach_model_set_title (CstReachModel       *model,
                                          const char          *title);
guint64        cst_reach_model_get_chosen_audience (const CstReachModel *model);
void           cst_reach_model_free      (CstReachModel       *model);
void           cst_chart_reach_paint     (cairo_t             *cr,
                                          const CstReachModel *model,
                                          double               width,
                                          double               height,
                                          const CstChartStyle *style);
int            cst_chart_reach_hit_test  (const CstReachModel *model,
                                          double               width,
                                          double               height,
                                          const CstChartStyle *style,
                                          double               x,
                                          double               y,
                                          char               **tooltip);
char          *cst_chart_reach_describe  (const CstReachModel *model);

/* ---- Positions, for tests and keyboard focus --------------------------------------------- */

typedef enum
{
  CST_PREDICT_CHART_SCORES,
  CST_PREDICT_CHART_GAIN,
  CST_PREDICT_CHART_LIFT,
  CST_PREDICT_CHART_ROC,
  CST_PREDICT_CHART_CALIBRATION,
  CST_PREDICT_CHART_CLV,
  CST_PREDICT_CHART_REACH,
} CstPredictChart;

/* Where the data point (@vx, @vy) of @model (a model of @kind) is drawn at this size: x and y
 * in the chart's data units (for lift, vx is the group index + 0.5; for the CLV chart, values
 * inside the axis). Returns FALSE when the chart shows no plot at this size. */
gboolean cst_chart_predict_data_to_point (CstPredictChart      kind,
                                          gconstpointer        model,
                                          double               width,
                                          double               height,
                                          const CstChartStyle *style,
                                          double               vx,
                                          double               vy,
                                          double              *x,
                                          double              *y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstScoresModel, cst_scores_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstGainModel, cst_gain_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstLiftModel, cst_lift_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstRocModel, cst_roc_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstCalibrationModel, cst_calibration_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstClvModel, cst_clv_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstReachModel, cst_reach_model_free)

G_END_DECLS
