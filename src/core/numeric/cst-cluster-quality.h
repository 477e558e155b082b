/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

double cst_silhouette_score   (const double *x,
                               gsize         rows,
                               gsize         cols,
                               const guint  *labels,
                               guint         k,
                               gsize         sample_size,
                               guint32       seed,
                               GCancellable *cancellable,
                               GError      **error);
double cst_calinski_harabasz  (const double *x,
                               gsize         rows,
                               gsize         cols,
                               const guint  *labels,
                               guint         k);
double cst_davies_bouldin     (const double *x,
                               gsize         rows,
                               gsize         cols,
                               const guint  *labels,
                               guint         k);

void   cst_cluster_indices    (const double *x,
                               gsize         rows,
                               gsize         cols,
                               const guint  *labels,
                               guint         k,
                               double       *calinski_harabasz,
                               double       *davies_bouldin);
gsize *cst_silhouette_sample_rows (gsize     rows,
                                   gsize     sample_size,
                                   guint32   seed,
                                   gsize    *n_sample);

G_END_DECLS
