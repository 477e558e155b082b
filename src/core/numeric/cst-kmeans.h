/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"

G_BEGIN_DECLS

typedef struct
{
  guint   k;          /* number of clusters, >= 1 and <= rows */
  guint   max_iter;   /* Lloyd iterations per initialisation (default 300) */
  double  tol;        /* stop when the relative change of inertia is below this (default 1e-6) */
  guint   n_init;     /* independent k-means++ initialisations, best inertia kept (default 4) */
  guint32 seed;       /* seed of the GRand that drives k-means++; same seed, same result */
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstKmeansResult, cst_kmeans_result_free)

G_END_DECLS
