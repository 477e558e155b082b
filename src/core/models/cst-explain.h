/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How one segment differs from everyone else on one feature. */
typedef struct
{
  guint  feature;     /* index into the run's features */
  double mean;        /* the segment's mean, in the feature's own unit */
  double rest_mean;   /* the mean of everyone not in the segment, same unit */
  double std_diff;    /* difference of the preprocessed (log1p, winsorized, standardized) means,
                       * in standard deviations of the whole population: the effect size used to
                       * rank differences */
  double ratio;       /* mean / rest_mean in the feature's own unit; NAN when rest_mean is 0 */
} CstDifference;

typedef struct
{
  char          *name;          /* translated plain-language name, unique within the run */
  char          *facts[3];      /* translated sentences, strongest first; NULL where fewer */
  CstDifference *differences;   /* n_differences, sorted by |std_diff|, largest first */
  guint          n_differences;
} CstSegmentExplanation;

typedef struct
{
  guint                  k;
  guint                  n_features;
  CstSegmentExplanation *segments;  /* k */
} CstExplanation;

CstExplanation *cst_explain_segments  (const double       *values,
                                       const double       *standardized,
                                       gsize               rows,
                                       guint               cols,
                                       const char * const *feature_names,
                                       const guint        *labels,
                                       guint               k);
void            cst_explanation_free  (CstExplanation     *explanation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstExplanation, cst_explanation_free)

G_END_DECLS
