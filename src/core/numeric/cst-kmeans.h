/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"

G_BEGIN_DECLS

/**
 * CstKmeansAlgorithm:
 * @CST_KMEANS_LLOYD: Lloyd's iterations over all rows (exact; rows whose label provably cannot
 *   change are skipped)
 * @CST_KMEANS_MINIBATCH: mini-batch k-means (Sculley 2010) on random batches of rows, then one
 *   assignment of every row to its nearest centre
 */
typedef enum
{
  CST_KMEANS_LLOYD,
  CST_KMEANS_MINIBATCH,
} CstKmeansAlgorithm;

typedef struct
{
  guint   k;          /* number of clusters, >= 1 and <= rows */
  guint   max_iter;   /* Lloyd iterations per initialisation (default 300); with mini-batch,
                       * the most mini-batch steps */
  double  tol;        /* stop when the relative change of inertia is below this (default 1e-6);
                       * not used by mini-batch */
  guint   n_init;     /* independent k-means++ initialisations, best inertia kept (default 4) */
  guint32 seed;       /* seed of the GRand that drives k-means++; same seed, same result */

  /* Added after the first release: cst_kmeans_options_init() fills them, so callers that start
   * from it keep the behaviour they had. */
  CstKmeansAlgorithm  algorithm;       /* default CST_KMEANS_LLOYD */
  guint               batch_size;      /* rows per mini-batch step, ≥ 1 (default 2048) */
  gboolean            use_float32;     /* above 64 columns, distances in single precision
                                        * (sgemm); centre sums, centres and the reported
                                        * inertia stay double. Up to 64 columns distances are
                                        * screened in float anyway (default FALSE) */
  const double       *init_centroids;  /* (nullable) k × cols starting centres used instead of
                                        * k-means++ (then a single initialisation); not copied,
                                        * must outlive the call (default NULL) */
} CstKmeansOptions;

typedef struct
{
  guint   k;
  gsize   rows;
  gsize   cols;
  double *centroids;  /* k × cols, row-major */
  guint  *labels;     /* rows, each in [0, k) */
  gsize  *sizes;      /* k */
  double  inertia;    /* sum of squared distances to the assigned centroid */
  guint   iterations; /* Lloyd iterations of the kept initialisation */
} CstKmeansResult;

void             cst_kmeans_options_init (CstKmeansOptions       *options);
CstKmeansResult *cst_kmeans_fit          (const double           *x,
                                          gsize                   rows,
                                          gsize                   cols,
                                          const CstKmeansOptions *options,
                                          GCancellable           *cancellable,
                                          CstProgressFunc         progress,
                                          gpointer                progress_data,
                                          GError                **error);
void             cst_kmeans_result_free  (CstKmeansResult        *result);
void             cst_kmeans_predict      (const double           *x,
                                          gsize                   rows,
                                          gsize                   cols,
                                          const double           *centroids,
                                          guint                   k,
                                          guint                  *labels,
                                          double                 *sq_dists);

void             cst_kmeans_blas_single_threaded_begin (void);
void             cst_kmeans_blas_single_threaded_end   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstKmeansResult, cst_kmeans_result_free)

G_END_DECLS
