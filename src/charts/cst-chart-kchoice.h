/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cst-chart-style.h"

G_BEGIN_DECLS

/* A prepared model of the k-choice chart: for each candidate number of segments k, how well
 * separated the segments are (mean silhouette), how stable they are across resamples (0…1) and
 * how large the smallest segment is, against the smallest actionable share, with the
 * recommended k and the user's choice marked. The model owns its data. */
typedef struct _CstKChoiceModel CstKChoiceModel;

typedef enum
{
  CST_KCHOICE_SILHOUETTE,
  CST_KCHOICE_STABILITY,
  CST_KCHOICE_SMALLEST_SHARE,
} CstKChoiceSeries;

#define CST_KCHOICE_DEFAULT_MIN_SHARE 0.03

CstKChoiceModel *cst_kchoice_model_new           (guint                  n_candidates,
                                                  const guint           *k,
                                                  const double          *silhouette,
                                                  const double          *stability,
                                                  const double          *smallest_share,
                                                  guint                  recommended_k);
void             cst_kchoice_model_set_chosen    (CstKChoiceModel       *model,
                                                  guint                  chosen_k);
void             cst_kchoice_model_set_min_share (CstKChoiceModel       *model,
                                                  double                 min_share);
void             cst_kchoice_model_set_reason    (CstKChoiceModel       *model,
                                                  const char            *reason);
void             cst_kchoice_model_set_title     (CstKChoiceModel       *model,
                                                  const char            *title);
void             cst_kchoice_model_set_selected  (CstKChoiceModel       *model,
                                                  int                    index);
int              cst_kchoice_model_get_selected  (const CstKChoiceModel *model);
guint            cst_kchoice_model_get_n_candidates (const CstKChoiceModel *model);
int              cst_kchoice_model_find_k        (const CstKChoiceModel *model,
                                                  guint                  k);
guint            cst_kchoice_model_get_k         (const CstKChoiceModel *model,
                                                  guint                  index);
void             cst_kchoice_model_free          (CstKChoiceModel       *model);

void             cst_chart_kchoice_paint         (cairo_t               *cr,
                                                  const CstKChoiceModel *model,
                                                  double                 width,
                                                  double                 height,
                                                  const CstChartStyle   *style);
/* Returns the index of the candidate whose column contains (x, y), or -1; the tooltip gives
 * every number for that k. */
int              cst_chart_kchoice_hit_test      (const CstKChoiceModel *model,
                                                  double                 width,
                                                  double                 height,
                                                  const CstChartStyle   *style,
                                                  double                 x,
                                                  double                 y,
                                                  char                 **tooltip);
char            *cst_chart_kchoice_describe      (const CstKChoiceModel *model);
/* Where the marker (or, for the smallest share, the top centre of the bar) of candidate
 * @index is drawn at this size, for tests and keyboard focus. */
gboolean         cst_chart_kchoice_get_position  (const CstKChoiceModel *model,
                                                  double                 width,
                                                  double                 height,
                                                  const CstChartStyle   *style,
                                                  guint                  index,
                                                  CstKChoiceSeries       series,
                                                  double                *x,
                                                  double                *y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstKChoiceModel, cst_kchoice_model_free)

G_END_DECLS
