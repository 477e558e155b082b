/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-pca"

#include "config.h"

#include "cst-pca.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "cst-matrix.h"

/* Rows centred at a time: the centred copy of the data never exceeds BLOCK_ROWS × cols doubles,
 * so a million-row input costs no second copy of itself. */
#define BLOCK_ROWS 4096

static void
center_block (const double *x,
              gsize         n,
              gsize         cols,
              const double *mean,
              double       *out)
{
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < cols; j++)
      out[i * cols + j] = x[i * cols + j] - mean[j];
}

/**
 * cst_pca_fit:
 * @x: rows × cols values, row-major, all finite
 * @rows: number of rows (observations), ≥ 2
 * @cols: number of columns (variables), ≥ 1
 * @n_components: components to keep, 1 ≤ n_components ≤ cols
 * @error: return location for a #GError
 *
 * Principal component analysis by eigen-decomposition of the sample covariance matrix. The data
 * are centred block by block and the covariance (divisor n − 1) accumulated with cblas_dsyrk;
 * LAPACKE_dsyevd then gives its eigenpairs, which are returned by decreasing eigenvalue. Each
 * component has unit length and its largest-magnitude entry made positive (the first such entry
 * on exact ties), which fixes the otherwise arbitrary sign. Eigenvalues are variances in the
 * squared units of the input; tiny negative values from rounding are reported as 0. The explained
 * fraction divides each eigenvalue by the total variance, the trace of the covariance (0 when
 * every column is constant).
 *
 * Cost: O(rows × cols²) for the covariance plus O(cols³) for the decomposition; memory
 * O(cols² + 4096 × cols). The input is not copied.
 *
 * Errors: %G_IO_ERROR_INVALID_ARGUMENT when rows < 2, cols < 1, n_components is out of range or a
 * value is not finite; %G_IO_ERROR_FAILED if LAPACK does not converge.
 *
 * Returns: (transfer full) (nullable): the fitted model, or %NULL with @error set
 */
CstPca *
cst_pca_fit (const double  *x,
             gsize          rows,
             gsize          cols,
             guint          n_components,
             GError       **error)
{
  g_autoptr(CstPca) pca = NULL;
  g_autofree double *cov = NULL;
  g_autofree double *block = NULL;
  g_autofree double *w = NULL;
  double total = 0.0;
  lapack_int info;

  g_return_val_if_fail (x != NULL || rows == 0 || cols == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (rows < 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("PCA needs at least 2 rows, not %zu"), rows);
      return NULL;
    }

  if (cols < 1 || cols > G_MAXINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("PCA needs between 1 and %d columns, not %zu"), G_MAXINT, cols);
      return NULL;
    }

  if (n_components < 1 || n_components > cols)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("PCA can keep between 1 and %zu components, not %u"),
                   cols, n_components);
      return NULL;
    }

  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      if (G_UNLIKELY (!isfinite (x[i * cols + j])))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Row %zu, column %zu is not a finite number (%g); PCA needs complete numeric data"),
                       i + 1, j + 1, x[i * cols + j]);
          return NULL;
        }

  pca = g_new0 (CstPca, 1);
  pca->cols = cols;
  pca->n_components = n_components;
  pca->mean = g_new (double, cols);
  pca->components = g_new (double, (gsize) n_components * cols);
  pca->eigenvalues = g_new (double, n_components);
  pca->explained = g_new (double, n_components);

  cst_matrix_column_stats (x, rows, cols, pca->mean, NULL);

  /* Only the upper triangle is written by dsyrk and read by dsyevd. */
  cov = g_new0 (double, cols * cols);
  block = g_new (double, (gsize) MIN (rows, BLOCK_ROWS) * cols);

  for (gsize start = 0; start < rows; start += BLOCK_ROWS)
    {
      gsize n = MIN ((gsize) BLOCK_ROWS, rows - start);

      center_block (x + start * cols, n, cols, pca->mean, block);
      cblas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans,
                   (int) cols, (int) n,
                   1.0 / (double) (rows - 1), block, (int) cols,
                   1.0, cov, (int) cols);
    }

  for (gsize j = 0; j < cols; j++)
    total += cov[j * cols + j];

  w = g_new (double, cols);
  info = LAPACKE_dsyevd (LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int) cols, cov, (lapack_int) cols, w);
  if (info != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The eigen-decomposition of the covariance matrix failed (LAPACK dsyevd "
                     "returned %d)"), (int) info);
      return NULL;
    }

  /* dsyevd returns ascending eigenvalues with the eigenvectors as the columns of cov. */
  for (guint c = 0; c < n_components; c++)
    {
      gsize src = cols - 1 - c;
      double *component = pca->components + (gsize) c * cols;
      double largest = -1.0;
      double sign = 1.0;

      for (gsize j = 0; j < cols; j++)
        {
          component[j] = cov[j * cols + src];
          if (fabs (component[j]) > largest)
            {
              largest = fabs (component[j]);
              sign = component[j] < 0.0 ? -1.0 : 1.0;
            }
        }

      for (gsize j = 0; j < cols; j++)
        component[j] *= sign;

      pca->eigenvalues[c] = MAX (w[src], 0.0);
      pca->explained[c] = total > 0.0 ? pca->eigenvalues[c] / total : 0.0;
    }

  return g_steal_pointer (&pca);
}

/**
 * cst_pca_transform:
 * @pca: a fitted model
 * @x: rows × pca->cols values, row-major
 * @rows: number of rows
 * @out: (out caller-allocates): rows × pca->n_components scores, row-major
 *
 * Projects rows on the components: out = (x − mean) · componentsᵀ, centred block by block and
 * multiplied with cblas_dgemm. The mean itself maps to the origin.
 *
 * Cost: O(rows × cols × n_components); memory O(4096 × cols).
 */
void
cst_pca_transform (const CstPca *pca,
                   const double *x,
                   gsize         rows,
                   double       *out)
{
  g_autofree double *block = NULL;
  const gsize cols = pca != NULL ? pca->cols : 0;

  g_return_if_fail (pca != NULL);
  g_return_if_fail (x != NULL || rows == 0);
  g_return_if_fail (out != NULL || rows == 0);

  if (rows == 0)
    return;

  block = g_new (double, (gsize) MIN (rows, BLOCK_ROWS) * cols);

  for (gsize start = 0; start < rows; start += BLOCK_ROWS)
    {
      gsize n = MIN ((gsize) BLOCK_ROWS, rows - start);

      center_block (x + start * cols, n, cols, pca->mean, block);
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                   (int) n, (int) pca->n_components, (int) cols,
                   1.0, block, (int) cols,
                   pca->components, (int) cols,
                   0.0, out + start * pca->n_components, (int) pca->n_components);
    }
}

/**
 * cst_pca_free:
 * @pca: (nullable) (transfer full): a model from cst_pca_fit()
 *
 * Frees @pca and its arrays.
 */
void
cst_pca_free (CstPca *pca)
{
  if (pca == NULL)
    return;

  g_free (pca->mean);
  g_free (pca->components);
  g_free (pca->eigenvalues);
  g_free (pca->explained);
  g_free (pca);
}
