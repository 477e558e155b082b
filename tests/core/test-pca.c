/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "../cst-test-util.h"
#include "io/cst-csv.h"
#include "numeric/cst-matrix.h"
#include "numeric/cst-pca.h"

static double
gaussian (GRand *rand)
{
  double u1 = 1.0 - g_rand_double (rand);
  double u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static double
dot (const double *a,
     const double *b,
     gsize         n)
{
  double s = 0.0;

  for (gsize i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

/* Four points built so that the sample covariance is exactly [[2, 1], [1, 2]]:
 * ±1.5·(1, 1) and ±√0.75·(1, −1) give Σxx = 2·2.25 + 2·0.75 = 6 and Σxy = 2·2.25 − 2·0.75 = 3,
 * divided by n − 1 = 3: [[2, 1], [1, 2]], whose eigenvalues are 3 and 1 (eigenvectors (1, 1)/√2
 * and (1, −1)/√2). Tolerance 1e-9 as LAPACK's dsyevd is backward stable to a few ulps of the
 * norm. The two entries of each eigenvector have equal magnitude, so only the direction, not the
 * sign, is checked here. */
static void
test_known_2x2 (void)
{
  const double r = sqrt (0.75);
  const double x[] = { 1.5, 1.5,  -1.5, -1.5,  r, -r,  -r, r };
  const double u1[] = { M_SQRT1_2, M_SQRT1_2 };
  const double u2[] = { M_SQRT1_2, -M_SQRT1_2 };
  g_autoptr(CstPca) pca = NULL;
  g_autoptr(GError) error = NULL;

  pca = cst_pca_fit (x, 4, 2, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pca->cols, ==, 2);
  g_assert_cmpuint (pca->n_components, ==, 2);

  g_assert_cmpfloat_with_epsilon (pca->eigenvalues[0], 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (pca->eigenvalues[1], 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (pca->explained[0], 0.75, 1e-9);
  g_assert_cmpfloat_with_epsilon (pca->explained[1], 0.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (fabs (dot (pca->components, u1, 2)), 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fabs (dot (pca->components + 2, u2, 2)), 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (pca->mean[0], 0.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (pca->mean[1], 0.0, 1e-15);
}

/* Six points ±s_k·q_k + m along the orthonormal basis q1 = (2, 3, 6)/7, q2 = (3, −6, 2)/7,
 * q3 = (6, 2, −3)/7 (pairwise dot products 6 − 18 + 12 = 0, 12 + 6 − 18 = 0, 18 − 12 − 6 = 0),
 * offset by m = (100, −50, 7). The covariance is Σ_k 2·s_k²·q_k·q_kᵀ / 5, so with
 * s² = 12.5, 5, 1.25 the eigenvalues are 5, 2 and 0.5 exactly and the components are ±q_k. The
 * sign convention (largest-magnitude entry positive) gives q1, −q2 = (−3, 6, −2)/7 and q3.
 * Tolerance 1e-9 (the offset costs a few digits in the centring). */
static void
test_known_3x3 (void)
{
  const double q[3][3] = { { 2 / 7.0, 3 / 7.0, 6 / 7.0 },
                           { 3 / 7.0, -6 / 7.0, 2 / 7.0 },
                           { 6 / 7.0, 2 / 7.0, -3 / 7.0 } };
  const double expected[3][3] = { { 2 / 7.0, 3 / 7.0, 6 / 7.0 },
                                  { -3 / 7.0, 6 / 7.0, -2 / 7.0 },
                                  { 6 / 7.0, 2 / 7.0, -3 / 7.0 } };
  const double s[3] = { sqrt (12.5), sqrt (5.0), sqrt (1.25) };
  const double m[3] = { 100, -50, 7 };
  const double lambda[3] = { 5.0, 2.0, 0.5 };
  double x[6 * 3];
  double scores[6 * 3];
  double origin[3];
  g_autoptr(CstPca) pca = NULL;
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < 3; k++)
    for (guint j = 0; j < 3; j++)
      {
        x[(2 * k) * 3 + j] = m[j] + s[k] * q[k][j];
        x[(2 * k + 1) * 3 + j] = m[j] - s[k] * q[k][j];
      }

  pca = cst_pca_fit (x, 6, 3, 3, &error);
  g_assert_no_error (error);

  for (guint k = 0; k < 3; k++)
    {
      g_assert_cmpfloat_with_epsilon (pca->eigenvalues[k], lambda[k], 1e-9);
      g_assert_cmpfloat_with_epsilon (pca->explained[k], lambda[k] / 7.5, 1e-9);
      g_assert_cmpfloat_with_epsilon (pca->mean[k], m[k], 1e-9);
      for (guint j = 0; j < 3; j++)
        g_assert_cmpfloat_with_epsilon (pca->components[k * 3 + j], expected[k][j], 1e-9);
    }

  /* Row 2k projects to +s_k on component k (up to the sign flip of q2) and 0 elsewhere. */
  cst_pca_transform (pca, x, 6, scores);
  g_assert_cmpfloat_with_epsilon (scores[0 * 3 + 0], s[0], 1e-9);
  g_assert_cmpfloat_with_epsilon (scores[0 * 3 + 1], 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (scores[2 * 3 + 1], -s[1], 1e-9);
  g_assert_cmpfloat_with_epsilon (scores[4 * 3 + 2], s[2], 1e-9);

  /* The mean maps to the origin. */
  cst_pca_transform (pca, m, 1, origin);
  for (guint k = 0; k < 3; k++)
    g_assert_cmpfloat_with_epsilon (origin[k], 0.0, 1e-9);
}

/* Correlated random data (500 × 5, seeded): the eigenvalues of a full decomposition add up to
 * the total variance Σ_j sd_j² (the trace is invariant), the components are orthonormal, the
 * scores have the eigenvalues as sample variances and are uncorrelated, and the transform of the
 * mean is 0. Tolerance: relative 1e-10, i.e. well above the ~1e-14 rounding of these sums. */
static void
test_invariants (void)
{
  const gsize rows = 500, cols = 5;
  g_autoptr(GRand) rand = g_rand_new_with_seed (31337);
  g_autofree double *x = g_new (double, rows * cols);
  g_autofree double *scores = g_new (double, rows * cols);
  double means[5], sds[5], score_means[5], score_sds[5], origin[5];
  double total = 0.0, sum = 0.0, explained = 0.0;
  g_autoptr(CstPca) pca = NULL;
  g_autoptr(CstPca) two = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < rows; i++)
    {
      double a = gaussian (rand), b = gaussian (rand);

      x[i * cols + 0] = 10 + 3 * a;
      x[i * cols + 1] = -2 + 2 * a + 0.5 * gaussian (rand);
      x[i * cols + 2] = b;
      x[i * cols + 3] = 0.3 * a - b + 0.1 * gaussian (rand);
      x[i * cols + 4] = 1000 + 0.01 * gaussian (rand);
    }

  cst_matrix_column_stats (x, rows, cols, means, sds);
  for (gsize j = 0; j < cols; j++)
    total += sds[j] * sds[j];

  pca = cst_pca_fit (x, rows, cols, cols, &error);
  g_assert_no_error (error);

  for (gsize k = 0; k < cols; k++)
    {
      sum += pca->eigenvalues[k];
      explained += pca->explained[k];
      if (k > 0)
        g_assert_cmpfloat (pca->eigenvalues[k], <=, pca->eigenvalues[k - 1]);
      for (gsize l = 0; l < cols; l++)
        g_assert_cmpfloat_with_epsilon (dot (pca->components + k * cols, pca->components + l * cols,
                                             cols),
                                        k == l ? 1.0 : 0.0, 1e-12);
    }
  g_assert_cmpfloat_with_epsilon (sum, total, 1e-10 * total);
  g_assert_cmpfloat_with_epsilon (explained, 1.0, 1e-10);

  cst_pca_transform (pca, x, rows, scores);
  cst_matrix_column_stats (scores, rows, cols, score_means, score_sds);
  for (gsize k = 0; k < cols; k++)
    {
      g_assert_cmpfloat_with_epsilon (score_means[k], 0.0, 1e-10);
      g_assert_cmpfloat_with_epsilon (score_sds[k] * score_sds[k], pca->eigenvalues[k],
                                      1e-10 * total);
    }

  cst_pca_transform (pca, pca->mean, 1, origin);
  for (gsize k = 0; k < cols; k++)
    g_assert_cmpfloat_with_epsilon (origin[k], 0.0, 1e-10);

  /* Keeping fewer components keeps the leading ones unchanged. */
  two = cst_pca_fit (x, rows, cols, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (two->n_components, ==, 2);
  for (gsize k = 0; k < 2; k++)
    {
      g_assert_cmpfloat_with_epsilon (two->eigenvalues[k], pca->eigenvalues[k], 1e-12 * total);
      g_assert_cmpfloat_with_epsilon (two->explained[k], pca->explained[k], 1e-12);
      for (gsize j = 0; j < cols; j++)
        g_assert_cmpfloat_with_epsilon (two->components[k * cols + j],
                                        pca->components[k * cols + j], 1e-9);
    }
}

/* Constant data: no variance, every eigenvalue 0 and every explained fraction 0 (not NaN). */
static void
test_constant (void)
{
  const double x[] = { 4, 4,  4, 4,  4, 4 };
  g_autoptr(CstPca) pca = NULL;
  g_autoptr(GError) error = NULL;

  pca = cst_pca_fit (x, 3, 2, 2, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < 2; k++)
    {
      g_assert_cmpfloat (pca->eigenvalues[k], ==, 0.0);
      g_assert_cmpfloat (pca->explained[k], ==, 0.0);
    }
}

static void
test_errors (void)
{
  const double x[] = { 1, 2, 3,  4, 5, 6,  7, 8, 10 };
  const double bad[] = { 1, 2, 3,  4, NAN, 6 };
  g_autoptr(GError) error = NULL;

  g_assert_null (cst_pca_fit (x, 1, 3, 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (cst_pca_fit (x, 3, 3, 4, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (cst_pca_fit (x, 3, 3, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (cst_pca_fit (bad, 2, 3, 2, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Row 2, column 2"));
  g_clear_error (&error);
}

/* PCA of the standardized tenure, MonthlyCharges and TotalCharges of the IBM Telco churn data.
 * TotalCharges is close to tenure × MonthlyCharges, so the three are strongly correlated and
 * the first component must carry most of the variance; the explained fractions of a full
 * decomposition of standardized data add up to 1 (tolerance 1e-10). */
static void
test_telco (void)
{
  const char *names[] = { "tenure", "MonthlyCharges", "TotalCharges" };
  g_autoptr(CstPca) pca = NULL;
  g_autoptr(GError) error = NULL;
  double means[3], sds[3];
  gsize rows;
  g_autoptr(GArray) values = NULL;

  values = cst_test_load_telco_columns (names, G_N_ELEMENTS (names));
  if (values == NULL)
    return;

  rows = values->len / 3;
  cst_matrix_column_stats ((double *) values->data, rows, 3, means, sds);
  cst_matrix_standardize ((double *) values->data, rows, 3, means, sds);

  pca = cst_pca_fit ((double *) values->data, rows, 3, 3, &error);
  g_assert_no_error (error);
  g_test_message ("telco: explained %.4f %.4f %.4f",
                  pca->explained[0], pca->explained[1], pca->explained[2]);
  g_assert_cmpfloat (pca->explained[0], >, 0.6);
  g_assert_cmpfloat_with_epsilon (pca->explained[0] + pca->explained[1] + pca->explained[2],
                                  1.0, 1e-10);
  /* Standardized: the total variance is the number of columns. */
  g_assert_cmpfloat_with_epsilon (pca->eigenvalues[0] + pca->eigenvalues[1] + pca->eigenvalues[2],
                                  3.0, 1e-10);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/pca/known-2x2", test_known_2x2);
  g_test_add_func ("/cst/pca/known-3x3", test_known_3x3);
  g_test_add_func ("/cst/pca/invariants", test_invariants);
  g_test_add_func ("/cst/pca/constant", test_constant);
  g_test_add_func ("/cst/pca/errors", test_errors);
  g_test_add_func ("/cst/pca/telco", test_telco);

  return g_test_run ();
}
