/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "../cst-test-util.h"
#include "io/cst-csv.h"
#include "numeric/cst-kmeans.h"
#include "numeric/cst-matrix.h"
#include "numeric/cst-metrics.h"

/* Standard normal deviates by Box–Muller from a seeded GRand: the fixtures are the same on every
 * machine and every run. */
static double
gaussian (GRand *rand)
{
  double u1 = 1.0 - g_rand_double (rand); /* (0, 1], so log() is finite */
  double u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* @k spherical Gaussian blobs (standard deviation @sd) around centres drawn uniformly in
 * [−@spread, @spread]^cols; the true blob of each row goes to @truth. */
static double *
make_blobs (guint32  seed,
            gsize    rows,
            gsize    cols,
            guint    k,
            double   spread,
            double   sd,
            guint  **truth)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree double *centres = g_new (double, k * cols);
  double *x = g_new (double, rows * cols);
  guint *labels = g_new (guint, rows);

  for (gsize c = 0; c < k * cols; c++)
    centres[c] = g_rand_double_range (rand, -spread, spread);

  for (gsize i = 0; i < rows; i++)
    {
      labels[i] = g_rand_int_range (rand, 0, k);
      for (gsize j = 0; j < cols; j++)
        x[i * cols + j] = centres[labels[i] * cols + j] + sd * gaussian (rand);
    }

  if (truth != NULL)
    *truth = labels;
  else
    g_free (labels);

  return x;
}

/* The squared Euclidean distance summed over rows, written independently of the library. */
static double
reference_inertia (const double          *x,
                   const CstKmeansResult *result)
{
  double inertia = 0.0;

  for (gsize i = 0; i < result->rows; i++)
    for (gsize j = 0; j < result->cols; j++)
      {
        double d = x[i * result->cols + j] - result->centroids[result->labels[i] * result->cols + j];

        inertia += d * d;
      }

  return inertia;
}

static void
assert_result_consistent (const CstKmeansResult *result)
{
  gsize total = 0;

  for (guint c = 0; c < result->k; c++)
    {
      gsize count = 0;

      for (gsize i = 0; i < result->rows; i++)
        count += result->labels[i] == c;
      g_assert_cmpuint (count, ==, result->sizes[c]);
      total += result->sizes[c];

      /* Canonical order: sizes never increase. */
      if (c > 0)
        g_assert_cmpuint (result->sizes[c], <=, result->sizes[c - 1]);
    }

  g_assert_cmpuint (total, ==, result->rows);
}

static void
test_options_defaults (void)
{
  CstKmeansOptions options;

  memset (&options, 0xff, sizeof options);
  cst_kmeans_options_init (&options);

  g_assert_cmpuint (options.k, ==, 4);
  g_assert_cmpuint (options.max_iter, ==, 300);
  g_assert_cmpfloat (options.tol, ==, 1e-6);
  g_assert_cmpuint (options.n_init, ==, 4);
  g_assert_cmpuint (options.seed, ==, 42);
}

/* Two obvious groups of three points. Worked by hand:
 *   A = {(0,0), (0,1), (1,0)}: centroid ((0+0+1)/3, (0+1+0)/3) = (1/3, 1/3);
 *     squared distances 1/9+1/9 = 2/9, 1/9+4/9 = 5/9, 4/9+1/9 = 5/9, sum 12/9 = 4/3.
 *   B = {(10,10), (10,11), (11,10)} = A + (10,10): centroid (31/3, 31/3), sum 4/3.
 *   Inertia 4/3 + 4/3 = 8/3. Both groups hold 3 rows; the tie is broken by first appearance, so
 *   A (row 1) is segment 0 and B is segment 1.
 * Tolerance 1e-12: the centroids are means of three small integers (one rounding each) and the
 * inertia a sum of six such squares. */
static void
test_hand_example (void)
{
  const double x[] = { 0, 0,  0, 1,  1, 0,  10, 10,  10, 11,  11, 10 };
  const guint expected[] = { 0, 0, 0, 1, 1, 1 };
  CstKmeansOptions options;
  g_autoptr(CstKmeansResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cst_kmeans_options_init (&options);
  options.k = 2;

  result = cst_kmeans_fit (x, 6, 2, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  g_assert_cmpuint (result->k, ==, 2);
  g_assert_cmpuint (result->rows, ==, 6);
  g_assert_cmpuint (result->cols, ==, 2);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (result->labels[i], ==, expected[i]);
  g_assert_cmpuint (result->sizes[0], ==, 3);
  g_assert_cmpuint (result->sizes[1], ==, 3);

  g_assert_cmpfloat_with_epsilon (result->centroids[0], 1.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (result->centroids[1], 1.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (result->centroids[2], 31.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (result->centroids[3], 31.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (result->inertia, 8.0 / 3.0, 1e-12);
  g_assert_cmpuint (result->iterations, >=, 1);
}

/* k = 1: the centroid is the column mean and the inertia the total sum of squares, here for
 * x = 1..5 in one column: mean 3, Σ (x − 3)² = 4+1+0+1+4 = 10 (exact in binary). */
static void
test_single_cluster (void)
{
  const double x[] = { 1, 2, 3, 4, 5 };
  CstKmeansOptions options;
  g_autoptr(CstKmeansResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cst_kmeans_options_init (&options);
  options.k = 1;

  result = cst_kmeans_fit (x, 5, 1, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (result->centroids[0], 3.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (result->inertia, 10.0, 1e-15);
  g_assert_cmpuint (result->sizes[0], ==, 5);
}

/* Five well-separated blobs in 6-D (centres uniform in [−10, 10]^6, unit standard deviation),
 * 2,000 rows: k-means must recover the planted partition. Reference: ARI ≥ 0.9, the usual bar
 * for well-separated blobs (scikit-learn's make_blobs examples score 1.0). */
static void
test_planted_blobs (void)
{
  g_autofree guint *truth = NULL;
  g_autofree double *x = make_blobs (20240501, 2000, 6, 5, 10.0, 1.0, &truth);
  CstKmeansOptions options;
  g_autoptr(CstKmeansResult) result = NULL;
  g_autoptr(GError) error = NULL;
  double ari;

  cst_kmeans_options_init (&options);
  options.k = 5;

  result = cst_kmeans_fit (x, 2000, 6, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_result_consistent (result);

  ari = cst_adjusted_rand_index (truth, result->labels, 2000);
  g_test_message ("planted blobs: ARI %.6f, inertia %.6f, %u iterations",
                  ari, result->inertia, result->iterations);
  g_assert_cmpfloat (ari, >=, 0.9);

  /* The reported inertia is the exact one; tolerance: relative 1e-12 for a 12,000-term sum. */
  g_assert_cmpfloat_with_epsilon (result->inertia, reference_inertia (x, result),
                                  1e-12 * result->inertia);
}

/* Same input, same options: labels identical and inertia identical bit for bit. */
static void
test_determinism (void)
{
  g_autofree double *x = make_blobs (7, 3000, 4, 6, 5.0, 1.5, NULL);
  CstKmeansOptions options;
  g_autoptr(CstKmeansResult) a = NULL;
  g_autoptr(CstKmeansResult) b = NULL;
  g_autoptr(GError) error = NULL;

  cst_kmeans_options_init (&options);
  options.k = 6;
  options.seed = 1234;

  a = cst_kmeans_fit (x, 3000, 4, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  b = cst_kmeans_fit (x, 3000, 4, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpmem (a->labels, 3000 * sizeof (guint), b->labels, 3000 * sizeof (guint));
  g_assert_cmpmem (a->centroids, 6 * 4 * sizeof (double), b->centroids, 6 * 4 * sizeof (double));
  g_assert_cmpmem (&a->inertia, sizeof (double), &b->inertia, sizeof (double));
  g_assert_cmpuint (a->iterations, ==, b->iterations);
}

/* Work is split into chunks of 32768 rows spread over threads, each chunk with its own partial
 * sums added in chunk order: one thread and three threads must give the same labels and the
 * same inertia bit for bit. CST_KMEANS_THREADS sets the number of threads. */
static void
test_threads (void)
{
  const gsize rows = 150000;
  g_autofree double *x = make_blobs (2024, rows, 3, 6, 3.0, 1.0, NULL);
  CstKmeansOptions options;
  g_autoptr(CstKmeansResult) one = NULL;
  g_autoptr(CstKmeansResult) three = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("CST_KMEANS_THREADS"));

  cst_kmeans_options_init (&options);
  options.k = 6;
  options.n_init = 2;

  g_setenv ("CST_KMEANS_THREADS", "1", TRUE);
  one = cst_kmeans_fit (x, rows, 3, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_setenv ("CST_KMEANS_THREADS", "3", TRUE);
  three = cst_kmeans_fit (x, rows, 3, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  if (saved != NULL)
    g_setenv ("CST_KMEANS_THREADS", saved, TRUE);
  else
    g_unsetenv ("CST_KMEANS_THREADS");

  g_test_message ("150,000 rows: inertia %.17g, %u iterations", one->inertia, one->iterations);
  assert_result_consistent (one);
  g_assert_cmpmem (one->labels, rows * sizeof (guint), three->labels, rows * sizeof (guint));
  g_assert_cmpmem (one->centroids, 6 * 3 * sizeof (double), three->centroids, 6 * 3 * sizeof (double));
  g_assert_cmpmem (&one->inertia, sizeof (double), &three->inertia, sizeof (double));
  g_assert_cmpuint (one->iterations, ==, three->iterations);
}

/* Plain Lloyd iterations written independently of the library (direct differences, ties to
 * the lower index, no bounds, no BLAS), as many as the library runs from @init: assignment and
 * update until no label changes or @max_iter updates, then a last assignment. */
static void
plain_lloyd (const double *x,
             gsize         rows,
             gsize         cols,
             guint         k,
             const double *init,
             guint         max_iter,
             guint        *labels,
             double       *centres)
{
  g_autofree double *sums = g_new (double, k * cols);
  g_autofree gsize *sizes = g_new (gsize, k);

  memcpy (centres, init, k * cols * sizeof (double));
  for (gsize i = 0; i < rows; i++)
    labels[i] = G_MAXUINT;

  for (guint iter = 0; iter <= max_iter; iter++)
    {
      gboolean changed = FALSE;

      for (gsize i = 0; i < rows; i++)
        {
          double best = INFINITY;
          guint best_c = 0;

          for (guint c = 0; c < k; c++)
            {
              double d = 0.0;

              for (gsize j = 0; j < cols; j++)
                d += (x[i * cols + j] - centres[c * cols + j]) *
                     (x[i * cols + j] - centres[c * cols + j]);
              if (d < best)
                {
                  best = d;
                  best_c = c;
                }
            }
          changed |= labels[i] != best_c;
          labels[i] = best_c;
        }

      if (!changed || iter == max_iter)
        break;

      memset (sums, 0, k * cols * sizeof (double));
      memset (sizes, 0, k * sizeof (gsize));
      for (gsize i = 0; i < rows; i++)
        {
          sizes[labels[i]]++;
          for (gsize j = 0; j < cols; j++)
            sums[labels[i] * cols + j] += x[i * cols + j];
        }
      for (guint c = 0; c < k; c++)
        {
          g_assert_cmpuint (sizes[c], >, 0); /* the fixtures never empty a cluster */
          for (gsize j = 0; j < cols; j++)
            centres[c * cols + j] = sums[c * cols + j] / sizes[c];
        }
    }
}

/* Fits @x from @init with @max_iter iterations and tol 0, and checks the labels against
 * plain_lloyd() from the same centres: each row's centre equal to 1e-9 (clusters are
 * renumbered by size, so labels are compared through the centre each points at) and the
 * inertia equal to 1e-12 relative. */
static void
assert_matches_plain (const double *x,
                      gsize         rows,
                      gsize         cols,
                      guint         k,
                      const double *init,
                      guint         max_iter)
{
  g_autofree double *centres = g_new (double, k * cols);
  g_autofree guint *labels = g_new (guint, rows);
  g_autoptr(CstKmeansResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CstKmeansOptions options;
  double inertia = 0.0, scale = 0.0;

  cst_kmeans_options_init (&options);
  options.k = k;
  options.max_iter = max_iter;
  options.tol = 0.0;
  options.init_centroids = init;
  result = cst_kmeans_fit (x, rows, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_result_consistent (result);

  plain_lloyd (x, rows, cols, k, init, options.max_iter, labels, centres);

  for (gsize e = 0; e < k * cols; e++)
    scale = MAX (scale, fabs (centres[e]));
  for (gsize i = 0; i < rows; i++)
    {
      const double *ours = result->centroids + result->labels[i] * cols;
      const double *theirs = centres + labels[i] * cols;

      for (gsize j = 0; j < cols; j++)
        g_assert_cmpfloat_with_epsilon (ours[j], theirs[j], 1e-9 * MAX (scale, 1.0));
      for (gsize j = 0; j < cols; j++)
        inertia += (x[i * cols + j] - theirs[j]) * (x[i * cols + j] - theirs[j]);
    }

  g_test_message ("%zu x %zu, k = %u: inertia %.17g, plain %.17g", rows, cols, k,
                  result->inertia, inertia);
  g_assert_cmpfloat (fabs (result->inertia - inertia), <=, 1e-12 * inertia);
}

/* The assignment step has three implementations: a float screen over tiles of sixteen rows
 * that hands its close calls to a fused, vectorised kernel in double precision (up to 64
 * columns), and BLAS blocks for wider data (and float32). All, with the bounds that skip rows,
 * must give the labels of plain Lloyd iterations from the same centres: here on overlapping
 * blobs (so labels keep changing and the bounds must do real work), with k not a multiple of
 * the kernels' centres per step and row counts not a multiple of their tiles. */
static void
test_fused_matches_plain (void)
{
  const struct { gsize rows; gsize cols; guint k; } cases[] = {
    { 20011, 16, 7 },   /* screen and fused kernel */
    { 5003, 3, 13 },    /* few columns, more centres */
    { 1007, 64, 50 },   /* the widest screened table, many centre steps, a short last tile */
    { 333, 1, 3 },      /* one column */
    { 3001, 70, 5 },    /* wider than the kernels: BLAS */
  };

  for (guint n = 0; n < G_N_ELEMENTS (cases); n++)
    {
      const gsize rows = cases[n].rows, cols = cases[n].cols;
      const guint k = cases[n].k;
      g_autofree double *x = make_blobs (77 + n, rows, cols, 5, 1.0, 1.0, NULL);
      g_autofree double *init = g_new (double, k * cols);

      for (guint c = 0; c < k; c++)
        memcpy (init + c * cols, x + (gsize) (c * 997 % rows) * cols, cols * sizeof (double));
      assert_matches_plain (x, rows, cols, k, init, 15);
    }
}

/* Close calls: on a 10 × 10 grid of small integers, repeated, many rows are exactly as far
 * from two centres (a tie the float screen cannot settle, so the double kernel must, giving the
 * lower index as plain Lloyd iterations do). Every distance here is exact in double, also
 * after the update (the means are halves), so the ties are real ones; with other values the
 * expanded form ‖x‖² + ‖c‖² − 2 x·c that both kernels (and BLAS) use rounds them apart. Then
 * blobs far from the origin scaled to 1e-20 and to 1e14 (too large to screen in float): the
 * labels stay those of plain iterations. */
static void
test_close_calls (void)
{
  const gsize rows = 20000, cols = 4;
  const guint k = 6;
  g_autofree double *x = g_new0 (double, rows * cols);
  g_autofree double *init = g_new0 (double, k * cols);
  const double scales[] = { 1e-20, 1e14 };

  for (gsize i = 0; i < rows; i++)
    {
      x[i * cols] = i % 10;
      x[i * cols + 1] = (i / 10) % 10;
    }
  /* Centres two apart on the first axis: every row with x = 3 or 5 or 7 is on a tie. */
  for (guint c = 0; c < k; c++)
    {
      init[c * cols] = 2.0 * (c % 3) + 2.0;
      init[c * cols + 1] = c < 3 ? 2.0 : 7.0;
    }
  assert_matches_plain (x, rows, cols, k, init, 1);
  assert_matches_plain (x, rows, cols, k, init, 10);

  for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
    {
      g_autofree double *scaled = make_blobs (5, 8000, 16, 4, 1.0, 1.0, NULL);
      g_autofree double *start = g_new (double, 5 * 16);

      for (gsize e = 0; e < 8000 * 16; e++)
        scaled[e] = (scaled[e] + 100.0) * scales[s];
      for (guint c = 0; c < 5; c++)
        memcpy (start + c * 16, scaled + (gsize) c * 1511 * 16, 16 * sizeof (double));
      assert_matches_plain (scaled, 8000, 16, 5, start, 12);
    }
}

/* Initialisation i is seeded from (seed, i) whatever n_init is, so raising n_init only adds
 * candidates: the inertia can never rise, and when it stays the kept run is the same one. The
 * fixture (25 close blobs on a 5 × 5 grid, k = 25) has many local optima, so some later
 * initialisation must find a strictly better one. */
static void
test_n_init_keeps_best (void)
{
  const gsize rows = 1500;
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  g_autofree double *x = g_new (double, rows * 2);
  g_autoptr(CstKmeansResult) previous = NULL;
  gboolean improved = FALSE;

  for (gsize i = 0; i < rows; i++)
    {
      guint blob = g_rand_int_range (rand, 0, 25);

      x[2 * i] = 3.0 * (blob % 5) + gaussian (rand);
      x[2 * i + 1] = 3.0 * (blob / 5) + gaussian (rand);
    }

  for (guint n_init = 1; n_init <= 8; n_init++)
    {
      CstKmeansOptions options;
      g_autoptr(CstKmeansResult) result = NULL;
      g_autoptr(GError) error = NULL;

      cst_kmeans_options_init (&options);
      options.k = 25;
      options.n_init = n_init;
      options.seed = 5;

      result = cst_kmeans_fit (x, rows, 2, &options, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      assert_result_consistent (result);
      g_test_message ("n_init %u: inertia %.17g", n_init, result->inertia);

      if (previous != NULL)
        {
          g_assert_cmpfloat (result->inertia, <=, previous->inertia);
          if (result->inertia == previous->inertia)
            g_assert_cmpmem (result->labels, rows * sizeof (guint),
                             previous->labels, rows * sizeof (guint));
          else
            improved = TRUE;
        }

      g_clear_pointer (&previous, cst_kmeans_result_free);
      previous = g_steal_pointer (&result);
    }

  g_assert_true (improved);
}

/* Ten rows but only three distinct points, k = 5: seeding runs out of new points, two centres
 * coincide with others and the duplicates leave clusters empty, which exercises the repair. Only
 * three clusters can keep rows; nothing may crash and every row must be accounted for. */
static void
test_empty_cluster (void)
{
  const double x[] = { 1, 1,  1, 1,  1, 1,  1, 1,  5, 5,  5, 5,  5, 5,  9, 0,  9, 0,  9, 0 };
  CstKmeansOptions options;
  g_autoptr(CstKmeansResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cst_kmeans_options_init (&options);
  options.k = 5;

  result = cst_kmeans_fit (x, 10, 2, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_result_consistent (result);

  for (gsize i = 0; i < 10; i++)
    g_assert_cmpuint (result->labels[i], <, 5);

  /* Every row sits on a centre: inertia exactly 0. Sizes in canonical order: 4, 3, 3, 0, 0. */
  g_assert_cmpfloat (result->inertia, ==, 0.0);
  g_assert_cmpuint (result->sizes[0], ==, 4);
  g_assert_cmpuint (result->sizes[1], ==, 3);
  g_assert_cmpuint (result->sizes[2], ==, 3);

  /* All rows identical. */
  {
    double same[12];
    g_autoptr(CstKmeansResult) r = NULL;

    for (guint i = 0; i < 12; i++)
      same[i] = 2.5;

    options.k = 3;
    r = cst_kmeans_fit (same, 12, 1, &options, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    assert_result_consistent (r);
    g_assert_cmpfloat (r->inertia, ==, 0.0);
  }

  /* k = rows: every row its own cluster. */
  {
    const double y[] = { 0, 1, 3, 7, 15 };
    g_autoptr(CstKmeansResult) r = NULL;

    options.k = 5;
    r = cst_kmeans_fit (y, 5, 1, &options, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    assert_result_consistent (r);
    g_assert_cmpfloat (r->inertia, ==, 0.0);
    for (guint c = 0; c < 5; c++)
      g_assert_cmpuint (r->sizes[c], ==, 1);
  }
}

static void
test_invalid_input (void)
{
  double x[] = { 0, 0, 0,  1, 1, 1,  2, 2, NAN,  3, 3, 3 };
  CstKmeansOptions options;
  g_autoptr(GError) error = NULL;
  CstKmeansResult *result;

  cst_kmeans_options_init (&options);
  options.k = 2;

  /* NaN at row 3, column 3 (1-based). */
  result = cst_kmeans_fit (x, 4, 3, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Row 3, column 3"));
  g_clear_error (&error);

  x[8] = 2;
  x[1] = INFINITY;
  result = cst_kmeans_fit (x, 4, 3, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Row 1, column 2"));
  g_clear_error (&error);
  x[1] = 0;

  /* k > rows */
  options.k = 5;
  result = cst_kmeans_fit (x, 4, 3, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* k = 0 */
  options.k = 0;
  result = cst_kmeans_fit (x, 4, 3, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* no columns */
  options.k = 1;
  result = cst_kmeans_fit (x, 4, 0, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* no rows */
  result = cst_kmeans_fit (NULL, 0, 3, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* negative tolerance, no initialisation */
  options.k = 2;
  options.tol = -1.0;
  result = cst_kmeans_fit (x, 4, 3, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  options.tol = 1e-6;
  options.n_init = 0;
  result = cst_kmeans_fit (x, 4, 3, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* NULL options: the defaults (k = 4). */
  {
    g_autoptr(CstKmeansResult) r = cst_kmeans_fit (x, 4, 3, NULL, NULL, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (r->k, ==, 4);
  }
}

static void
test_cancelled (void)
{
  g_autofree double *x = make_blobs (3, 500, 3, 3, 10.0, 1.0, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CstKmeansResult *result;

  g_cancellable_cancel (cancellable);
  result = cst_kmeans_fit (x, 500, 3, NULL, cancellable, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  GArray       *fractions;
  GCancellable *cancel_after_first;
} ProgressLog;

static void
progress_cb (double      fraction,
             const char *message,
             gpointer    user_data)
{
  ProgressLog *log = user_data;

  g_array_append_val (log->fractions, fraction);
  if (log->cancel_after_first != NULL && log->fractions->len >= 3)
    g_cancellable_cancel (log->cancel_after_first);
}

/* Progress goes from 0 to 1 without stepping back; cancelling from inside the progress callback
 * (as a UI thread would, asynchronously) stops the fit at the next check. */
static void
test_progress (void)
{
  g_autofree double *x = make_blobs (11, 1000, 3, 4, 10.0, 1.0, NULL);
  ProgressLog log = { g_array_new (FALSE, FALSE, sizeof (double)), NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CstKmeansResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = cst_kmeans_fit (x, 1000, 3, NULL, NULL, progress_cb, &log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log.fractions->len, >=, 2);
  for (guint i = 0; i < log.fractions->len; i++)
    {
      double f = g_array_index (log.fractions, double, i);

      g_assert_cmpfloat (f, >=, 0.0);
      g_assert_cmpfloat (f, <=, 1.0);
      if (i > 0)
        g_assert_cmpfloat (f, >=, g_array_index (log.fractions, double, i - 1));
    }
  g_assert_cmpfloat (g_array_index (log.fractions, double, log.fractions->len - 1), ==, 1.0);

  g_array_set_size (log.fractions, 0);
  log.cancel_after_first = cancellable;
  g_clear_pointer (&result, cst_kmeans_result_free);
  result = cst_kmeans_fit (x, 1000, 3, NULL, cancellable, progress_cb, &log, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_array_unref (log.fractions);
}

/* Column statistics on x = 1..5 (one column) and a constant column: mean 3, sample sd
 * sqrt(10 / 4) = 1.5811388300841898 (R: sd(1:5)); the constant column has sd 0 and standardizes
 * to zeros. Tolerance 1e-15 (a handful of roundings on small numbers). */
static void
test_matrix (void)
{
  double x[] = { 1, 7,  2, 7,  3, 7,  4, 7,  5, 7 };
  double means[2], sds[2], norms[5];

  cst_matrix_column_stats (x, 5, 2, means, sds);
  g_assert_cmpfloat_with_epsilon (means[0], 3.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (means[1], 7.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (sds[0], 1.5811388300841898, 1e-15);
  g_assert_cmpfloat (sds[1], ==, 0.0);

  cst_matrix_row_sq_norms (x, 5, 2, norms);
  g_assert_cmpfloat (norms[0], ==, 1 + 49);
  g_assert_cmpfloat (norms[4], ==, 25 + 49);

  cst_matrix_standardize (x, 5, 2, means, sds);
  g_assert_cmpfloat_with_epsilon (x[0], -2.0 / 1.5811388300841898, 1e-15);
  g_assert_cmpfloat_with_epsilon (x[4], 0.0, 1e-15);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpfloat (x[2 * i + 1], ==, 0.0);

  cst_matrix_column_stats (x, 5, 2, means, sds);
  g_assert_cmpfloat_with_epsilon (means[0], 0.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (sds[0], 1.0, 1e-15);

  /* A single row has no spread. */
  cst_matrix_column_stats (x, 1, 2, means, sds);
  g_assert_cmpfloat (sds[0], ==, 0.0);
}

/* Adjusted Rand index. References: scikit-learn's adjusted_rand_score documentation
 * (labels [0,0,1,1] vs [0,0,1,2] → 0.5714285714285715 = 4/7; [0,0,1,1] vs [1,1,0,0] → 1.0;
 * [0,0,0,0] vs [0,1,2,3] → 0.0) and by hand: for the first, n_ij = {2,1,1} gives Σ C = 1,
 * Σ C(a_i) = 2, Σ C(b_j) = 1, E = 2·1/6 = 1/3, max = 3/2, (1 − 1/3)/(3/2 − 1/3) = 4/7.
 * Tolerance 1e-15. */
static void
test_ari (void)
{
  const guint truth[] = { 0, 0, 1, 1 };
  const guint split[] = { 0, 0, 1, 2 };
  const guint swapped[] = { 1, 1, 0, 0 };
  const guint one[] = { 0, 0, 0, 0 };
  const guint singletons[] = { 0, 1, 2, 3 };
  const guint sparse_truth[] = { 7, 7, 4000000000u, 4000000000u };
  const guint sparse_split[] = { 1u << 30, 1u << 30, 5, 123456789 };

  g_assert_cmpfloat_with_epsilon (cst_adjusted_rand_index (truth, truth, 4), 1.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (cst_adjusted_rand_index (truth, swapped, 4), 1.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (cst_adjusted_rand_index (truth, split, 4), 4.0 / 7.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (cst_adjusted_rand_index (truth, split, 4),
                                  0.5714285714285715, 1e-15);
  g_assert_cmpfloat_with_epsilon (cst_adjusted_rand_index (split, truth, 4), 4.0 / 7.0, 1e-15);

  /* Large label values take the sorting path; only equality of labels matters. */
  g_assert_cmpfloat_with_epsilon (cst_adjusted_rand_index (sparse_truth, sparse_split, 4),
                                  4.0 / 7.0, 1e-15);

  /* Degenerate: both a single cluster, both all singletons → 1; one of each → 0. */
  g_assert_cmpfloat (cst_adjusted_rand_index (one, one, 4), ==, 1.0);
  g_assert_cmpfloat (cst_adjusted_rand_index (singletons, singletons, 4), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (cst_adjusted_rand_index (one, singletons, 4), 0.0, 1e-15);
  g_assert_cmpfloat (cst_adjusted_rand_index (truth, truth, 1), ==, 1.0);
  g_assert_cmpfloat (cst_adjusted_rand_index (NULL, NULL, 0), ==, 1.0);
}

/* ARI of a large random pair against an O(n²) count of agreeing pairs (the definition): with
 * pairs counted directly, ARI = (a − E) / (max − E) over the same quantities. Tolerance 1e-12. */
static void
test_ari_pairs (void)
{
  const gsize n = 300;
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  g_autofree guint *a = g_new (guint, n);
  g_autofree guint *b = g_new (guint, n);
  double both = 0, same_a = 0, same_b = 0, total = n * (n - 1) / 2.0;
  double expected, maximum;

  for (gsize i = 0; i < n; i++)
    {
      a[i] = g_rand_int_range (rand, 0, 4);
      b[i] = g_rand_boolean (rand) ? a[i] : (guint) g_rand_int_range (rand, 0, 6);
    }

  for (gsize i = 0; i < n; i++)
    for (gsize j = i + 1; j < n; j++)
      {
        same_a += a[i] == a[j];
        same_b += b[i] == b[j];
        both += a[i] == a[j] && b[i] == b[j];
      }

  expected = same_a * same_b / total;
  maximum = (same_a + same_b) / 2;
  g_assert_cmpfloat_with_epsilon (cst_adjusted_rand_index (a, b, n),
                                  (both - expected) / (maximum - expected), 1e-12);
}

/* The numeric columns of the IBM Telco churn data (7,043 customers): tenure, MonthlyCharges and
 * TotalCharges, rows with a blank TotalCharges (new customers) left out. A smoke test: the fit
 * runs on real, skewed data and is self-consistent. */
static void
test_telco (void)
{
  const char *names[] = { "tenure", "MonthlyCharges", "TotalCharges" };
  g_autoptr(CstKmeansResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CstKmeansOptions options;
  double means[3], sds[3];
  gsize rows;
  g_autoptr(GArray) values = NULL;

  values = cst_test_load_telco_columns (names, G_N_ELEMENTS (names));
  if (values == NULL)
    return;

  rows = values->len / 3;
  g_test_message ("telco: %" G_GSIZE_FORMAT " complete rows", rows);
  g_assert_cmpuint (rows, ==, 7032);

  cst_matrix_column_stats ((double *) values->data, rows, 3, means, sds);
  cst_matrix_standardize ((double *) values->data, rows, 3, means, sds);

  cst_kmeans_options_init (&options);
  options.k = 4;
  result = cst_kmeans_fit ((double *) values->data, rows, 3, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_result_consistent (result);
  g_test_message ("telco: k = 4, inertia %.6f, sizes %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT
                  " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT ", %u iterations",
                  result->inertia, result->sizes[0], result->sizes[1], result->sizes[2],
                  result->sizes[3], result->iterations);

  /* Standardized data has a total sum of squares of 3 × (rows − 1); four clusters must explain
   * a good part of it. */
  g_assert_cmpfloat (result->inertia, <, 0.5 * 3 * (rows - 1));
  g_assert_cmpfloat_with_epsilon (result->inertia,
                                  reference_inertia ((double *) values->data, result),
                                  1e-10 * result->inertia);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/kmeans/options-defaults", test_options_defaults);
  g_test_add_func ("/cst/kmeans/hand-example", test_hand_example);
  g_test_add_func ("/cst/kmeans/single-cluster", test_single_cluster);
  g_test_add_func ("/cst/kmeans/planted-blobs", test_planted_blobs);
  g_test_add_func ("/cst/kmeans/determinism", test_determinism);
  g_test_add_func ("/cst/kmeans/threads", test_threads);
  g_test_add_func ("/cst/kmeans/fused-matches-plain", test_fused_matches_plain);
  g_test_add_func ("/cst/kmeans/close-calls", test_close_calls);
  g_test_add_func ("/cst/kmeans/n-init-keeps-best", test_n_init_keeps_best);
  g_test_add_func ("/cst/kmeans/empty-cluster", test_empty_cluster);
  g_test_add_func ("/cst/kmeans/invalid-input", test_invalid_input);
  g_test_add_func ("/cst/kmeans/cancelled", test_cancelled);
  g_test_add_func ("/cst/kmeans/progress", test_progress);
  g_test_add_func ("/cst/kmeans/matrix", test_matrix);
  g_test_add_func ("/cst/kmeans/ari", test_ari);
  g_test_add_func ("/cst/kmeans/ari-pairs", test_ari_pairs);
  g_test_add_func ("/cst/kmeans/telco", test_telco);

  return g_test_run ();
}
