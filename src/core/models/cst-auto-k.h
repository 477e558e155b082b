/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"
#include "numeric/cst-kmeans.h"

G_BEGIN_DECLS

typedef struct
{
  guint   k_min;          /* default 2 */
  guint   k_max;          /* default 12 */
  double  min_share;      /* smallest actionable segment, share of people (default 0.03) */
  guint   n_bootstrap;    /* resamples for stability (default 5) */
  gsize   sample_size;    /* rows for the silhouette and the resamples (default 10,000) */
  guint   n_init;         /* k-means restarts per k (default 4) */
  guint32 seed;

  /* Added with the implementation; cst_auto_k_options_init() fills them. */
  gsize    minibatch_above;  /* rows above which the candidate fits use mini-batch k-means
                              * from the sample's centres (default 50,000; G_MAXSIZE:
                              * never) */
  gboolean use_float32;      /* single-precision distances in the fits on all rows
                              * (default FALSE) */
} CstAutoKOptions;

/* The quality of one candidate k. */
typedef struct
{
  guint  k;
  double inertia;
  double silhouette;         /* −1…1, higher is better separated */
  double calinski_harabasz;  /* higher is better */
  double davies_bouldin;     /* lower is better */
  double stability;          /* mean ARI between the full fit and fits on resamples, 0…1 */
  double smallest_share;     /* share of people in the smallest segment */
  gboolean actionable;       /* smallest_share >= min_share */
  double agreement;          /* share of the sample that stays in the same segment in the
                              * resampled fits (segments matched by largest overlap), 0…1 */
} CstKChoice;

typedef struct
{
  guint       n_choices;
  CstKChoice *choices;       /* k_min … k_max */
  guint       recommended;   /* the recommended k */
  char       *reason;        /* translated plain-language reason for it */
  CstKmeansResult *fit;      /* the segments of the recommended k, fitted on all rows */
} CstAutoKResult;

void            cst_auto_k_options_init (CstAutoKOptions       *options);
CstAutoKResult *cst_auto_k_choose       (const double          *x,
                                         gsize                  rows,
                                         gsize                  cols,
                                         const CstAutoKOptions *options,
                                         GCancellable          *cancellable,
                                         CstProgressFunc        progress,
                                         gpointer               progress_data,
                                         GError               **error);
void            cst_auto_k_result_free  (CstAutoKResult        *result);
guint           cst_auto_k_recommend    (const CstKChoice      *choices,
                                         guint                  n_choices);
char           *cst_auto_k_describe     (const CstKChoice      *choices,
                                         guint                  n_choices,
                                         guint                  recommended,
                                         double                 min_share);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstAutoKResult, cst_auto_k_result_free)

G_END_DECLS
