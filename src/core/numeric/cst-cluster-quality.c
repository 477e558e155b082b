/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cluster-quality"

#include "config.h"

#include "cst-cluster-quality.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#if defined (__SSE2__)
#include <emmintrin.h>
#endif

/* x86-64 processors with AVX take twice as many square roots per cycle in its 256-bit
 * registers; the build targets plain x86-64, so that path is compiled for AVX alone and chosen
 * at run time. */
#if defined (__GNUC__) && defined (__x86_64__)
#define HAVE_AVX_PATH 1
#include <immintrin.h>
#endif

#include "cst-kmeans.h"
#include "cst-matrix.h"

/* The silhouette works on square tiles of TILE × TILE distances (512 KiB of doubles, so a tile
 * stays in a core's L2 cache between the BLAS product that fills it and the passes that turn it
 * into distances and sum them). Distances are symmetric, so only the tiles on and above the
 * diagonal are computed: a tile's rows give the sums of its top block's rows, its columns those
 * of its left block's rows. That halves both the products and the square roots, which
 * dominate (the square root alone was more than half of the time). */
#define TILE 256

/* Everything the threads of one silhouette share. The sum of a row's distances to a cluster is
 * added from pieces computed by different threads in an order that depends on scheduling. To
 * make the score the same bit for bit whatever the number of threads, every piece is rounded
 * to a 64-bit fixed-point number (a power-of-two scale chosen so that no sum can overflow) and
 * the pieces are added as integers, whose sum does not depend on the order. The rounding is
 * below 1e-14 of the largest distance per piece, far under the 1e-9 the tests ask of the score. */
typedef struct
{
  const double *xs;          /* n × cols: the sampled rows, centred, sorted by label */
  const double *norms;       /* n: ‖x_i‖² */
  const guint  *labels;      /* n, non-decreasing */
  const gsize  *offsets;     /* k + 1: cluster c holds rows [offsets[c], offsets[c + 1]) */
  gsize         n;
  gsize         cols;
  guint         k;
  guint         n_blocks;    /* blocks of TILE rows */
  double        scale;       /* fixed-point units per distance unit, a power of two */
  double      (*distances) (const double *g,
                            const double *norms,
                            double        nr,
                            gsize         m,
                            double       *column);
  gint64      **sums;        /* per thread: n × k fixed-point sums of distances */
  GCancellable *cancellable;
  gint          next;        /* next block row to take, atomic */
  gint          cancelled;   /* atomic */
} Silhouette;

/* The Euclidean distances d_j = sqrt (max (0, g[j] + nr + norms[j])) of one row to m others,
 * from the BLAS product g = −2·x·y and the squared norms, in one pass: returns Σ d_j and, when
 * @column is not NULL, adds d_j to column[j] (the sums along the columns of a tile). The clamp
 * removes the small negative values that rounding leaves for near-identical rows, and an entry
 * g[j] = −∞ gives exactly 0. Two SSE2 lanes on x86-64, where the compiler does not vectorise
 * sqrt() itself (errno); the square root is the bottleneck. */
static double
distances_row (const double *g,
               const double *norms,
               double        nr,
               gsize         m,
               double       *column)
{
  double sum = 0.0;
  gsize j = 0;

#if defined (__SSE2__)
  const __m128d zero = _mm_setzero_pd ();
  const __m128d vnr = _mm_set1_pd (nr);
  __m128d acc0 = zero, acc1 = zero;
  double lanes[2];

  for (; j + 4 <= m; j += 4)
    {
      __m128d v0 = _mm_add_pd (_mm_add_pd (_mm_loadu_pd (g + j), vnr), _mm_loadu_pd (norms + j));
      __m128d v1 = _mm_add_pd (_mm_add_pd (_mm_loadu_pd (g + j + 2), vnr),
                               _mm_loadu_pd (norms + j + 2));
      __m128d d0 = _mm_sqrt_pd (_mm_max_pd (v0, zero));
      __m128d d1 = _mm_sqrt_pd (_mm_max_pd (v1, zero));

      acc0 = _mm_add_pd (acc0, d0);
      acc1 = _mm_add_pd (acc1, d1);
      if (column != NULL)
        {
          _mm_storeu_pd (column + j, _mm_add_pd (_mm_loadu_pd (column + j), d0));
          _mm_storeu_pd (column + j + 2, _mm_add_pd (_mm_loadu_pd (column + j + 2), d1));
        }
    }

  _mm_storeu_pd (lanes, _mm_add_pd (acc0, acc1));
  sum = lanes[0] + lanes[1];
#endif

  for (; j < m; j++)
    {
      double v = g[j] + nr + norms[j];
      double d = v > 0.0 ? sqrt (v) : 0.0;

      sum += d;
      if (column != NULL)
        column[j] += d;
    }

  return sum;
}

#ifdef HAVE_AVX_PATH
/* distances_row() with four lanes, for processors with AVX. */
__attribute__ ((target ("avx"))) static double
distances_row_avx (const double *g,
                   const double *norms,
                   double        nr,
                   gsize         m,
                   double       *column)
{
  const __m256d zero = _mm256_setzero_pd ();
  const __m256d vnr = _mm256_set1_pd (nr);
  __m256d acc0 = zero, acc1 = zero;
  double lanes[4];
  double sum;
  gsize j = 0;

  for (; j + 8 <= m; j += 8)
    {
      __m256d v0 = _mm256_add_pd (_mm256_add_pd (_mm256_loadu_pd (g + j), vnr),
                                  _mm256_loadu_pd (norms + j));
      __m256d v1 = _mm256_add_pd (_mm256_add_pd (_mm256_loadu_pd (g + j + 4), vnr),
                                  _mm256_loadu_pd (norms + j + 4));
      __m256d d0 = _mm256_sqrt_pd (_mm256_max_pd (v0, zero));
      __m256d d1 = _mm256_sqrt_pd (_mm256_max_pd (v1, zero));

      acc0 = _mm256_add_pd (acc0, d0);
      acc1 = _mm256_add_pd (acc1, d1);
      if (column != NULL)
        {
          _mm256_storeu_pd (column + j, _mm256_add_pd (_mm256_loadu_pd (column + j), d0));
          _mm256_storeu_pd (column + j + 4, _mm256_add_pd (_mm256_loadu_pd (column + j + 4), d1));
        }
    }

  _mm256_storeu_pd (lanes, _mm256_add_pd (acc0, acc1));
  sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);

  for (; j < m; j++)
    {
      double v = g[j] + nr + norms[j];
      double d = v > 0.0 ? sqrt (v) : 0.0;

      sum += d;
      if (column != NULL)
        column[j] += d;
    }

  return sum;
}
#endif

static inline gint64
to_fixed (const Silhouette *self,
          double            value)
{
  /* value ≥ 0 and value × scale < 2^62 by the choice of scale. */
  return (gint64) (value * self->scale + 0.5);
}

/* One tile: the distances between the rows of block I and those of block J ≥ I, added per
 * cluster (the rows are sorted by label, so a cluster is a contiguous run) into @sums: along the
 * rows for block I, and, off the diagonal, along the columns for block J (accumulated in
 * @column over the rows of one cluster, then added). */
static void
silhouette_tile (const Silhouette *self,
                 guint             block_i,
                 guint             block_j,
                 double           *tile,
                 double           *column,
                 gint64           *sums)
{
  const guint k = self->k;
  const gboolean diagonal = block_i == block_j;
  const gsize r0 = (gsize) block_i * TILE;
  const gsize r1 = MIN (r0 + TILE, self->n);
  const gsize c0 = (gsize) block_j * TILE;
  const gsize c1 = MIN (c0 + TILE, self->n);
  const gsize m = c1 - c0;

  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
               (int) (r1 - r0), (int) m, (int) self->cols,
               -2.0, self->xs + r0 * self->cols, (int) self->cols,
               self->xs + c0 * self->cols, (int) self->cols,
               0.0, tile, (int) m);

  if (!diagonal)
    memset (column, 0, m * sizeof (double));

  for (gsize r = r0; r < r1; r++)
    {
      double *g = tile + (r - r0) * m;
      guint own = self->labels[r];

      /* A row's distance to itself is exactly 0, as in scikit-learn (the identity would leave a
       * rounding residue of about 1e-8 × ‖x‖): −∞ clamps to 0. */
      if (diagonal)
        g[r - c0] = -INFINITY;

      for (gsize j = c0; j < c1;)
        {
          guint c = self->labels[j];
          gsize run_end = MIN (self->offsets[c + 1], c1);
          double sum = self->distances (g + (j - c0), self->norms + j, self->norms[r],
                                        run_end - j, diagonal ? NULL : column + (j - c0));

          sums[r * k + c] += to_fixed (self, sum);
          j = run_end;
        }

      /* The last row of its cluster in this block: its cluster's column sums are complete. */
      if (!diagonal && (r + 1 == r1 || self->labels[r + 1] != own))
        {
          for (gsize j = 0; j < m; j++)
            sums[(c0 + j) * k + own] += to_fixed (self, column[j]);
          memset (column, 0, m * sizeof (double));
        }
    }
}

/* A worker: takes block rows I (largest first, which balances the threads) and computes the
 * tiles (I, J ≥ I) into its own sums. */
static void
silhouette_work (Silhouette *self,
                 guint       worker)
{
  g_autofree double *tile = g_new (double, (gsize) TILE * TILE);
  g_autofree double *column = g_new (double, TILE);
  gint64 *sums = self->sums[worker];

  for (;;)
    {
      gint block = g_atomic_int_add (&self->next, 1);

      if (block >= (gint) self->n_blocks)
        break;

      if (g_atomic_int_get (&self->cancelled) ||
          g_cancellable_is_cancelled (self->cancellable))
        {
          g_atomic_int_set (&self->cancelled, TRUE);
          break;
        }

      for (guint j = block; j < self->n_blocks; j++)
        silhouette_tile (self, block, j, tile, column, sums);
    }
}

static void
silhouette_helper_cb (gpointer task,
                      gpointer user_data)
{
  silhouette_work (user_data, GPOINTER_TO_UINT (task));
}

/* One thread per processor, at most one per block row; CST_KMEANS_THREADS caps the count as it
 * does for k-means (tests check that the result does not depend on it). */
static guint
count_threads (guint n_blocks)
{
  const char *env = g_getenv ("CST_KMEANS_THREADS");
  guint64 n = g_get_num_processors ();

  if (env != NULL && !g_ascii_string_to_unsigned (env, 10, 1, 1024, &n, NULL))
    n = g_get_num_processors ();

  return MAX (1, MIN ((guint) n, n_blocks));
}

/* Runs every block row on @n_threads threads (the calling thread included). */
static void
silhouette_run (Silhouette *self,
                guint       n_threads)
{
  GThreadPool *pool = NULL;

  if (n_threads > 1)
    pool = g_thread_pool_new (silhouette_helper_cb, self, n_threads - 1, FALSE, NULL);

  if (pool == NULL)
    {
      silhouette_work (self, 0);
      return;
    }

  cst_kmeans_blas_single_threaded_begin ();

  /* The queue's lock publishes the fields of self to the helpers. */
  for (guint h = 1; h < n_threads; h++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (h), NULL);

  silhouette_work (self, 0);

  /* Returns once every pushed task has run. */
  g_thread_pool_free (pool, FALSE, TRUE);

  cst_kmeans_blas_single_threaded_end ();
}

/**
 * cst_silhouette_sample_rows:
 * @rows: number of rows to draw from
 * @sample_size: rows wanted; 0 means all rows
 * @seed: seed of the GRand that draws them
 * @n_sample: (out): the number of rows returned, min (rows, sample_size)
 *
 * Draws a uniform random sample of distinct rows without replacement (Knuth's selection
 * sampling, Algorithm S), in increasing order; all rows, in order, when @rows ≤ @sample_size.
 * The same arguments give the same rows on every machine. cst_silhouette_score() samples with
 * this function, so callers can look at exactly the rows it scored.
 *
 * Cost: O(rows) time (one random number per row until the sample is complete), no memory
 * beyond the result.
 *
 * Returns: (transfer full) (array length=n_sample): the row indices, free with g_free()
 */
gsize *
cst_silhouette_sample_rows (gsize    rows,
                            gsize    sample_size,
                            guint32  seed,
                            gsize   *n_sample)
{
  g_autoptr(GRand) rand = NULL;
  gsize n = sample_size == 0 ? rows : MIN (rows, sample_size);
  gsize *out = g_new (gsize, MAX (n, 1));
  gsize selected = 0;

  g_return_val_if_fail (n_sample != NULL, NULL);

  *n_sample = n;

  if (n == rows)
    {
      for (gsize i = 0; i < rows; i++)
        out[i] = i;
      return out;
    }

  rand = g_rand_new_with_seed (seed);
  for (gsize i = 0; i < rows && selected < n; i++)
    {
      /* Row i is taken with probability (still needed) / (still available). */
      if (g_rand_double (rand) * (double) (rows - i) < (double) (n - selected))
        out[selected++] = i;
    }

  g_assert (selected == n);

  return out;
}

/**
 * cst_silhouette_score:
 * @x: rows × cols values, row-major
 * @rows: number of rows
 * @cols: number of columns, ≥ 1
 * @labels: rows labels, each < @k
 * @k: number of clusters
 * @sample_size: rows to score, drawn by cst_silhouette_sample_rows() with @seed; 0, or a value
 *   ≥ @rows, scores every row
 * @seed: seed of the sample
 * @cancellable: (nullable): checked once per block of 256 rows
 * @error: return location for a #GError
 *
 * The mean silhouette coefficient (Rousseeuw 1987) of the sampled rows, computed exactly on the
 * sample as scikit-learn's silhouette_score (X, labels, sample_size=…) does: for each row, a is
 * its mean Euclidean distance to the other sampled rows of its cluster, b the smallest mean
 * distance to the sampled rows of another cluster, and s = (b − a) / max (a, b); s = 0 for a
 * row alone in its cluster within the sample. Pairwise squared distances come from BLAS
 * (‖a‖² − 2·a·b + ‖b‖² on the centred rows, dgemm over tiles of 256 × 256 on and above the
 * diagonal, clamped at 0 before the square root); a row's distance to itself is exactly 0.
 * Agrees with scikit-learn to about 1e-15 on standardized data.
 *
 * Cost: O(n² × cols / 2) time for n = min (rows, sample_size) (about 0.9 s for n = 50,000 and
 * 16 columns on two cores with AVX, 0.04 s for 10,000), spread over one thread per processor
 * (CST_KMEANS_THREADS caps them), with OpenBLAS held to one thread meanwhile (see
 * cst_kmeans_blas_single_threaded_begin()); memory n × (cols + 2) doubles, n × k 64-bit
 * integers per thread and a 512 KiB tile per thread. The result is the same bit for bit
 * whatever the number of threads.
 *
 * Errors: %G_IO_ERROR_INVALID_ARGUMENT when a label is ≥ @k or the sample does not hold
 * between 2 and n − 1 distinct labels (the silhouette is undefined there);
 * %G_IO_ERROR_CANCELLED when cancelled.
 *
 * Returns: the score in [−1, 1], or NAN with @error set
 */
double
cst_silhouette_score (const double  *x,
                      gsize          rows,
                      gsize          cols,
                      const guint   *labels,
                      guint          k,
                      gsize          sample_size,
                      guint32        seed,
                      GCancellable  *cancellable,
                      GError       **error)
{
  Silhouette self = { 0 };
  g_autofree gsize *sample = NULL;
  g_autofree gsize *offsets = NULL;
  g_autofree gsize *fill = NULL;
  g_autofree double *xs = NULL;
  g_autofree double *norms = NULL;
  g_autofree guint *sorted = NULL;
  g_autofree double *mean = NULL;
  gsize n;
  guint n_labels = 0;
  guint n_threads;
  double total = 0.0;
  double max_norm = 0.0;
  gboolean cancelled;
  int exponent;

  g_return_val_if_fail (x != NULL || rows == 0, NAN);
  g_return_val_if_fail (labels != NULL || rows == 0, NAN);
  g_return_val_if_fail (cols >= 1 && cols <= G_MAXINT, NAN);
  g_return_val_if_fail (k >= 1, NAN);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NAN);
  g_return_val_if_fail (error == NULL || *error == NULL, NAN);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NAN;

  sample = cst_silhouette_sample_rows (rows, sample_size, seed, &n);

  /* Counting sort of the sample by label: offsets[c] is where cluster c starts. */
  offsets = g_new0 (gsize, (gsize) k + 1);
  for (gsize s = 0; s < n; s++)
    {
      guint label = labels[sample[s]];

      if (label >= k)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Row %zu has segment %u, but there are only %u segments"),
                       sample[s] + 1, label + 1, k);
          return NAN;
        }
      offsets[label + 1]++;
    }

  for (guint c = 0; c < k; c++)
    {
      n_labels += offsets[c + 1] > 0;
      offsets[c + 1] += offsets[c];
    }

  if (n_labels < 2 || n_labels > n - 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The silhouette needs between 2 and %zu segments among the rows it "
                     "scores, not %u"), n > 0 ? n - 1 : 0, n_labels);
      return NAN;
    }

  xs = g_new (double, n * cols);
  norms = g_new (double, n);
  sorted = g_new (guint, n);
  mean = g_new0 (double, cols);
  fill = g_memdup2 (offsets, ((gsize) k + 1) * sizeof (gsize));
  for (gsize s = 0; s < n; s++)
    {
      guint label = labels[sample[s]];
      gsize to = fill[label]++;

      memcpy (xs + to * cols, x + sample[s] * cols, cols * sizeof (double));
      sorted[to] = label;
      for (gsize j = 0; j < cols; j++)
        mean[j] += x[sample[s] * cols + j];
    }

  /* Distances do not change when every row moves by the same vector; around the mean, the
   * identity ‖a‖² − 2·a·b + ‖b‖² cancels fewer digits for data far from the origin. */
  for (gsize j = 0; j < cols; j++)
    mean[j] /= (double) n;
  for (gsize s = 0; s < n; s++)
    for (gsize j = 0; j < cols; j++)
      xs[s * cols + j] -= mean[j];
  cst_matrix_row_sq_norms (xs, n, cols, norms);

  for (gsize s = 0; s < n; s++)
    max_norm = MAX (max_norm, norms[s]);

  /* Every row on the same point: all distances are 0, and so is every silhouette. */
  if (max_norm == 0.0)
    return 0.0;

  /* No distance exceeds 2 × the largest norm, so a sum over n rows stays below
   * 2^62 fixed-point units with this scale. */
  frexp (2.0 * sqrt (max_norm) * (double) n, &exponent);

  self.xs = xs;
  self.norms = norms;
  self.labels = sorted;
  self.offsets = offsets;
  self.n = n;
  self.cols = cols;
  self.k = k;
  self.n_blocks = (guint) ((n + TILE - 1) / TILE);
  self.scale = ldexp (1.0, 62 - exponent);
  self.cancellable = cancellable;
  self.distances = distances_row;
#ifdef HAVE_AVX_PATH
  if (__builtin_cpu_supports ("avx"))
    self.distances = distances_row_avx;
#endif

  n_threads = count_threads (self.n_blocks);
  self.sums = g_new (gint64 *, n_threads);
  for (guint t = 0; t < n_threads; t++)
    self.sums[t] = g_new0 (gint64, n * k);

  silhouette_run (&self, n_threads);

  cancelled = g_cancellable_set_error_if_cancelled (cancellable, error);
  g_assert (cancelled || !self.cancelled);

  /* In row order, from the integer sums: the same result whatever thread added what. */
  for (gsize r = 0; r < n && !cancelled; r++)
    {
      guint own = sorted[r];
      gsize n_own = offsets[own + 1] - offsets[own];
      double a = 0.0, b = INFINITY, denom;

      /* A row alone in its cluster has silhouette 0. */
      if (n_own <= 1)
        continue;

      for (guint c = 0; c < k; c++)
        {
          gsize n_c = offsets[c + 1] - offsets[c];
          gint64 fixed = 0;
          double sum;

          if (n_c == 0)
            continue;

          for (guint t = 0; t < n_threads; t++)
            fixed += self.sums[t][r * k + c];
          sum = (double) fixed / self.scale;

          if (c == own)
            a = sum / (double) (n_own - 1);
          else
            b = MIN (b, sum / (double) n_c);
        }

      /* a = b = 0 (duplicated rows) gives 0, as scikit-learn's nan_to_num. */
      denom = MAX (a, b);
      if (denom > 0.0)
        total += (b - a) / denom;
    }

  for (guint t = 0; t < n_threads; t++)
    g_free (self.sums[t]);
  g_free (self.sums);

  return cancelled ? NAN : total / (double) n;
}

/* Rows per chunk of the Calinski–Harabasz and Davies–Bouldin passes, the unit of work of a
 * thread; each chunk keeps its own partial sums, added in chunk order, so the indices do not
 * depend on the number of threads. */
#define CHUNK_ROWS 32768

/* The two passes over the rows shared by both indices: the cluster means, then the dispersion
 * of every cluster around its mean. */
typedef struct
{
  const double *x;
  gsize         rows;
  gsize         cols;
  const guint  *labels;
  guint         k;
  guint         n_chunks;
  gint          next;          /* next chunk, atomic */
  gboolean      second_pass;
  const double *means;         /* k × cols, for the second pass */
  double       *chunk_sums;    /* first pass: n_chunks × (k + 1) × cols (the last row: all rows) */
  gsize        *chunk_sizes;   /* first pass: n_chunks × k */
  double       *chunk_within;  /* second pass: n_chunks × k: Σ ‖x − mean‖² per cluster */
  double       *chunk_scatter; /* second pass: n_chunks × k: Σ ‖x − mean‖ per cluster */
} Dispersion;

static void
dispersion_chunk (Dispersion *self,
                  guint       chunk)
{
  const gsize cols = self->cols;
  const guint k = self->k;
  gsize start = (gsize) chunk * CHUNK_ROWS;
  gsize end = MIN (start + CHUNK_ROWS, self->rows);

  if (!self->second_pass)
    {
      double *sums = self->chunk_sums + (gsize) chunk * (k + 1) * cols;
      double *all = sums + (gsize) k * cols;
      gsize *sizes = self->chunk_sizes + (gsize) chunk * k;

      memset (sums, 0, (gsize) (k + 1) * cols * sizeof (double));
      memset (sizes, 0, k * sizeof (gsize));

      for (gsize i = start; i < end; i++)
        {
          const double *row = self->x + i * cols;
          double *sum = sums + (gsize) self->labels[i] * cols;

          for (gsize j = 0; j < cols; j++)
            {
              sum[j] += row[j];
              all[j] += row[j];
            }
          sizes[self->labels[i]]++;
        }
    }
  else
    {
      double *within = self->chunk_within + (gsize) chunk * k;
      double *scatter = self->chunk_scatter + (gsize) chunk * k;

      memset (within, 0, k * sizeof (double));
      memset (scatter, 0, k * sizeof (double));

      for (gsize i = start; i < end; i++)
        {
          const double *row = self->x + i * cols;
          const double *centre = self->means + (gsize) self->labels[i] * cols;
          double d2 = 0.0;

          for (gsize j = 0; j < cols; j++)
            {
              double d = row[j] - centre[j];

              d2 += d * d;
            }
          within[self->labels[i]] += d2;
          scatter[self->labels[i]] += sqrt (d2);
        }
    }
}

static void
dispersion_work (Dispersion *self)
{
  for (;;)
    {
      gint chunk = g_atomic_int_add (&self->next, 1);

      if (chunk >= (gint) self->n_chunks)
        break;
      dispersion_chunk (self, chunk);
    }
}

static void
dispersion_helper_cb (gpointer task,
                      gpointer user_data)
{
  dispersion_work (user_data);
}

static void
dispersion_run (Dispersion *self)
{
  guint n_threads = count_threads (self->n_chunks);
  GThreadPool *pool = NULL;

  g_atomic_int_set (&self->next, 0);

  if (n_threads > 1)
    pool = g_thread_pool_new (dispersion_helper_cb, self, n_threads - 1, FALSE, NULL);

  for (guint h = 1; pool != NULL && h < n_threads; h++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (h), NULL);

  dispersion_work (self);

  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);
}

/**
 * cst_cluster_indices:
 * @x: rows × cols values, row-major
 * @rows: number of rows
 * @cols: number of columns, ≥ 1
 * @labels: rows labels, each < @k
 * @k: number of clusters; empty ones are ignored
 * @calinski_harabasz: (out) (optional): the Calinski–Harabasz index, see
 *   cst_calinski_harabasz()
 * @davies_bouldin: (out) (optional): the Davies–Bouldin index, see cst_davies_bouldin()
 *
 * Both indices from the same two passes over @x (cluster means, then dispersion around them),
 * each spread over one thread per processor in chunks of 32,768 rows whose partial sums are
 * added in chunk order: the values do not depend on the number of threads. Both are NAN when
 * fewer than 2 or more than rows − 1 clusters are non-empty.
 *
 * Cost: two passes over @x, O(rows × cols + k² × cols); memory k × (cols + 2) doubles per
 * 32,768 rows.
 */
void
cst_cluster_indices (const double *x,
                     gsize         rows,
                     gsize         cols,
                     const guint  *labels,
                     guint         k,
                     double       *calinski_harabasz,
                     double       *davies_bouldin)
{
  Dispersion self = { 0 };
  g_autofree gsize *sizes = NULL;
  g_autofree double *means = NULL;
  g_autofree double *mean = NULL;
  g_autofree double *within = NULL;
  g_autofree double *scatter = NULL;
  g_autofree double *chunk_sums = NULL;
  g_autofree gsize *chunk_sizes = NULL;
  g_autofree double *chunk_within = NULL;
  g_autofree double *chunk_scatter = NULL;
  double between = 0.0;
  double within_total = 0.0;
  double db_total = 0.0;
  gboolean scatter_zero = TRUE;
  gboolean means_equal = TRUE;
  guint n_labels = 0;

  if (calinski_harabasz != NULL)
    *calinski_harabasz = NAN;
  if (davies_bouldin != NULL)
    *davies_bouldin = NAN;

  g_return_if_fail (x != NULL || rows == 0);
  g_return_if_fail (labels != NULL || rows == 0);
  g_return_if_fail (cols >= 1);
  g_return_if_fail (k >= 1);

  for (gsize i = 0; i < rows; i++)
    g_return_if_fail (labels[i] < k);

  self.x = x;
  self.rows = rows;
  self.cols = cols;
  self.labels = labels;
  self.k = k;
  self.n_chunks = (guint) ((rows + CHUNK_ROWS - 1) / CHUNK_ROWS);
  self.chunk_sums = chunk_sums = g_new (double, (gsize) self.n_chunks * (k + 1) * cols);
  self.chunk_sizes = chunk_sizes = g_new (gsize, (gsize) self.n_chunks * k);
  self.chunk_within = chunk_within = g_new (double, (gsize) self.n_chunks * k);
  self.chunk_scatter = chunk_scatter = g_new (double, (gsize) self.n_chunks * k);

  dispersion_run (&self);

  sizes = g_new0 (gsize, k);
  means = g_new0 (double, (gsize) k * cols);
  mean = g_new0 (double, cols);
  for (guint chunk = 0; chunk < self.n_chunks; chunk++)
    {
      const double *sums = chunk_sums + (gsize) chunk * (k + 1) * cols;

      for (gsize e = 0; e < (gsize) k * cols; e++)
        means[e] += sums[e];
      for (gsize j = 0; j < cols; j++)
        mean[j] += sums[(gsize) k * cols + j];
      for (guint c = 0; c < k; c++)
        sizes[c] += chunk_sizes[(gsize) chunk * k + c];
    }

  for (guint c = 0; c < k; c++)
    {
      if (sizes[c] == 0)
        continue;
      n_labels++;
      for (gsize j = 0; j < cols; j++)
        means[(gsize) c * cols + j] /= (double) sizes[c];
    }
  for (gsize j = 0; j < cols; j++)
    mean[j] /= (double) rows;

  if (n_labels < 2 || n_labels + 1 > rows)
    return;

  self.second_pass = TRUE;
  self.means = means;
  dispersion_run (&self);

  within = g_new0 (double, k);
  scatter = g_new0 (double, k);
  for (guint chunk = 0; chunk < self.n_chunks; chunk++)
    for (guint c = 0; c < k; c++)
      {
        within[c] += chunk_within[(gsize) chunk * k + c];
        scatter[c] += chunk_scatter[(gsize) chunk * k + c];
      }

  /* Calinski–Harabasz: between- over within-cluster dispersion, each per degree of freedom. */
  for (guint c = 0; c < k; c++)
    {
      double d2 = 0.0;

      for (gsize j = 0; j < cols; j++)
        {
          double d = means[(gsize) c * cols + j] - mean[j];

          d2 += d * d;
        }
      between += (double) sizes[c] * d2;
      within_total += within[c];
    }

  if (calinski_harabasz != NULL)
    *calinski_harabasz = within_total == 0.0
                         ? 1.0
                         : between * (double) (rows - n_labels) /
                           (within_total * (double) (n_labels - 1));

  /* Davies–Bouldin: for each cluster its worst ratio of summed scatters to the distance
   * between means, averaged. */
  for (guint c = 0; c < k; c++)
    {
      if (sizes[c] == 0)
        continue;
      scatter[c] /= (double) sizes[c];
      scatter_zero = scatter_zero && fabs (scatter[c]) <= 1e-8;
    }

  for (guint a = 0; a < k; a++)
    {
      double worst = 0.0;

      if (sizes[a] == 0)
        continue;

      for (guint b = 0; b < k; b++)
        {
          double d2 = 0.0;
          double d;

          if (b == a || sizes[b] == 0)
            continue;

          for (gsize j = 0; j < cols; j++)
            {
              double diff = means[(gsize) a * cols + j] - means[(gsize) b * cols + j];

              d2 += diff * diff;
            }
          d = sqrt (d2);
          means_equal = means_equal && d <= 1e-8;

          /* Coinciding means: scikit-learn sets the distance to ∞, so the pair adds 0. */
          if (d > 0.0)
            worst = MAX (worst, (scatter[a] + scatter[b]) / d);
        }

      db_total += worst;
    }

  if (davies_bouldin != NULL)
    *davies_bouldin = scatter_zero || means_equal ? 0.0 : db_total / (double) n_labels;
}

/**
 * cst_calinski_harabasz:
 * @x: rows × cols values, row-major
 * @rows: number of rows
 * @cols: number of columns, ≥ 1
 * @labels: rows labels, each < @k
 * @k: number of clusters; empty ones are ignored
 *
 * The Calinski–Harabasz index (variance ratio criterion), as scikit-learn's
 * calinski_harabasz_score: [B / (m − 1)] / [W / (rows − m)], B = Σ n_c ‖mean_c − mean‖² the
 * dispersion between clusters, W = Σ ‖x_i − mean_{c(i)}‖² the dispersion within them, m the
 * number of non-empty clusters; 1 when W = 0. Higher is better. Computed by
 * cst_cluster_indices(); call that for both indices at once.
 *
 * Cost: two passes over @x, O(rows × cols), threaded.
 *
 * Returns: the index, or NAN when m is not between 2 and rows − 1 (undefined there)
 */
double
cst_calinski_harabasz (const double *x,
                       gsize         rows,
                       gsize         cols,
                       const guint  *labels,
                       guint         k)
{
  double value;

  cst_cluster_indices (x, rows, cols, labels, k, &value, NULL);

  return value;
}

/**
 * cst_davies_bouldin:
 * @x: rows × cols values, row-major
 * @rows: number of rows
 * @cols: number of columns, ≥ 1
 * @labels: rows labels, each < @k
 * @k: number of clusters; empty ones are ignored
 *
 * The Davies–Bouldin index, as scikit-learn's davies_bouldin_score: the mean over clusters i of
 * max_j (s_i + s_j) / d_ij, s_i being the mean Euclidean distance of cluster i's rows to its
 * mean and d_ij the distance between the means (a pair of coinciding means counts 0). 0 when
 * every s_i or every d_ij is within 1e-8 of 0 (numpy.allclose, as scikit-learn). Lower is
 * better. Computed by cst_cluster_indices().
 *
 * Cost: two passes over @x, O(rows × cols + k² × cols), threaded.
 *
 * Returns: the index, or NAN when fewer than 2 or more than rows − 1 clusters are non-empty
 */
double
cst_davies_bouldin (const double *x,
                    gsize         rows,
                    gsize         cols,
                    const guint  *labels,
                    guint         k)
{
  double value;

  cst_cluster_indices (x, rows, cols, labels, k, NULL, &value);

  return value;
}
