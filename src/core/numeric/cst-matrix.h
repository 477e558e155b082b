/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void cst_matrix_column_stats (const double *x,
                              gsize         rows,
                              gsize         cols,
                              double       *means,
                              double       *sds);
void cst_matrix_standardize  (double       *x,
                              gsize         rows,
                              gsize         cols,
                              const double *means,
                              const double *sds);
void cst_matrix_row_sq_norms (const double *x,
                              gsize         rows,
                              gsize         cols,
                              double       *out);

G_END_DECLS
