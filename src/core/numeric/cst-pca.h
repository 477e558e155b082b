/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gsize   cols;          /* input dimension */
  guint   n_components;  /* kept components */
  double *mean;          /* cols */
  double *components;    /* n_components × cols, row-major, unit length, sign fixed so that the
                          * largest-magnitude entry of each component is positive */
  double *eigenvalues;   /* n_components, descending: variances along the components (n − 1) */
  double *explained;     /* n_components: fraction of the total variance */
} CstPca;

CstPca *cst_pca_fit       (const double *x,
                           gsize         rows,
                           gsize         cols,
                           guint         n_components,
                           GError      **error);
void    cst_pca_transform (const CstPca *pca,
                           const double *x,
                           gsize         rows,
                           double       *out);
void    cst_pca_free      (CstPca       *pca);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstPca, cst_pca_free)

G_END_DECLS
