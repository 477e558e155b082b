/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-matrix"

#include "config.h"

#include "cst-matrix.h"

#include <math.h>

/* All matrices here are dense, row-major, rows × cols doubles: element (i, j) lives at
 * x[i * cols + j]. The helpers walk the rows in order so that a large matrix streams through the
 * cache once per pass. */

/**
 * cst_matrix_column_stats:
 * @x: rows × cols values, row-major
 * @rows: number of rows
 * @cols: number of columns
 * @means: (out caller-allocates) (nullable): cols column means
 * @sds: (out caller-allocates) (nullable): cols sample standard deviations (divisor n − 1)
 *
 * Computes the mean and the sample standard deviation of every column in two passes (the mean,
 * then the sum of squared deviations from it), which avoids the cancellation of the one-pass
 * Σx² − n·x̄² formula on columns with a large offset. With fewer than two rows the standard
 * deviations are 0; with no rows the means are 0 too.
 *
 * Cost: two passes over the matrix, O(rows × cols), no allocation beyond cols doubles.
 */
void
cst_matrix_column_stats (const double *x,
                         gsize         rows,
                         gsize         cols,
                         double       *means,
                         double       *sds)
{
  g_autofree double *mean_buf = NULL;
  double *m;

  g_return_if_fail (x != NULL || rows == 0 || cols == 0);

  if (means == NULL && sds == NULL)
    return;

  m = means;
  if (m == NULL)
    m = mean_buf = g_new (double, cols);

  for (gsize j = 0; j < cols; j++)
    m[j] = 0.0;

  for (gsize i = 0; i < rows; i++)
    {
      const double *row = x + i * cols;

      for (gsize j = 0; j < cols; j++)
        m[j] += row[j];
    }

  if (rows > 0)
    for (gsize j = 0; j < cols; j++)
      m[j] /= (double) rows;

  if (sds == NULL)
    return;

  for (gsize j = 0; j < cols; j++)
    sds[j] = 0.0;

  if (rows < 2)
    return;

  for (gsize i = 0; i < rows; i++)
    {
      const double *row = x + i * cols;

      for (gsize j = 0; j < cols; j++)
        {
          double d = row[j] - m[j];

          sds[j] += d * d;
        }
    }

  for (gsize j = 0; j < cols; j++)
    sds[j] = sqrt (sds[j] / (double) (rows - 1));
}

/**
 * cst_matrix_standardize:
 * @x: (inout): rows × cols values, row-major, changed in place
 * @rows: number of rows
 * @cols: number of columns
 * @means: cols values subtracted from each column
 * @sds: cols values each column is divided by after centring
 *
 * Replaces every value by (x − mean) / sd, column by column. A standard deviation of 0 (a constant
 * column) or one that is not finite is treated as 1, so a constant column becomes all zeros
 * instead of NaN and simply stops contributing to distances.
 *
 * Cost: one pass over the matrix, O(rows × cols); allocates cols doubles.
 */
void
cst_matrix_standardize (double       *x,
                        gsize         rows,
                        gsize         cols,
                        const double *means,
                        const double *sds)
{
  g_autofree double *inv = NULL;

  g_return_if_fail (x != NULL || rows == 0 || cols == 0);
  g_return_if_fail (means != NULL || cols == 0);
  g_return_if_fail (sds != NULL || cols == 0);

  /* Multiplying by a reciprocal is not bit-identical to dividing, but the difference is one
   * rounding (≤ 1 ulp) and it keeps the inner loop free of divisions. */
  inv = g_new (double, MAX (cols, 1));
  for (gsize j = 0; j < cols; j++)
    inv[j] = (sds[j] > 0.0 && isfinite (sds[j])) ? 1.0 / sds[j] : 1.0;

  for (gsize i = 0; i < rows; i++)
    {
      double *row = x + i * cols;

      for (gsize j = 0; j < cols; j++)
        row[j] = (row[j] - means[j]) * inv[j];
    }
}

/**
 * cst_matrix_row_sq_norms:
 * @x: rows × cols values, row-major
 * @rows: number of rows
 * @cols: number of columns
 * @out: (out caller-allocates): rows values, ‖x_i‖² for each row
 *
 * Computes the squared Euclidean norm of every row, as needed by the distance identity
 * ‖x − c‖² = ‖x‖² − 2·x·c + ‖c‖².
 *
 * Cost: one pass over the matrix, O(rows × cols), no allocation.
 */
void
cst_matrix_row_sq_norms (const double *x,
                         gsize         rows,
                         gsize         cols,
                         double       *out)
{
  g_return_if_fail (x != NULL || rows == 0 || cols == 0);
  g_return_if_fail (out != NULL || rows == 0);

  for (gsize i = 0; i < rows; i++)
    {
      const double *row = x + i * cols;
      double s = 0.0;

      for (gsize j = 0; j < cols; j++)
        s += row[j] * row[j];
      out[i] = s;
    }
}
