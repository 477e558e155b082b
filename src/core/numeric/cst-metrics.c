/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-metrics"

#include "config.h"

#include "cst-metrics.h"

#include <stdlib.h>

/* A dense contingency table is used while it stays this small (in cells) and not much larger
 * than the input; beyond that the pairs are sorted instead. */
#define MAX_DENSE_CELLS (1 << 22)

/* C(n, 2) as a double: exact while n·(n − 1) < 2^53 (n up to about 9.5 × 10^7), within one
 * rounding beyond. */
static inline double
pairs (guint64 n)
{
  return n < 2 ? 0.0 : (double) n * (double) (n - 1) / 2.0;
}

static int
compare_guint64 (const void *a,
                 const void *b)
{
  guint64 x = *(const guint64 *) a;
  guint64 y = *(const guint64 *) b;

  return (x > y) - (x < y);
}

/* Σ C(count, 2) over the runs of equal values of a sorted array. */
static double
sum_pairs_of_runs (const guint64 *sorted,
                   gsize          n)
{
  double sum = 0.0;
  gsize run = 0;

  for (gsize i = 0; i < n; i++)
    {
      run++;
      if (i + 1 == n || sorted[i + 1] != sorted[i])
        {
          sum += pairs (run);
          run = 0;
        }
    }

  return sum;
}

static void
sum_pairs_dense (const guint *labels_a,
                 const guint *labels_b,
                 gsize        n,
                 guint        range_a,
                 guint        range_b,
                 double      *sum_ij,
                 double      *sum_a,
                 double      *sum_b)
{
  g_autofree guint64 *table = g_new0 (guint64, (gsize) range_a * range_b);
  g_autofree guint64 *count_a = g_new0 (guint64, range_a);
  g_autofree guint64 *count_b = g_new0 (guint64, range_b);

  for (gsize i = 0; i < n; i++)
    {
      table[(gsize) labels_a[i] * range_b + labels_b[i]]++;
      count_a[labels_a[i]]++;
      count_b[labels_b[i]]++;
    }

  *sum_ij = *sum_a = *sum_b = 0.0;
  for (gsize c = 0; c < (gsize) range_a * range_b; c++)
    *sum_ij += pairs (table[c]);
  for (guint a = 0; a < range_a; a++)
    *sum_a += pairs (count_a[a]);
  for (guint b = 0; b < range_b; b++)
    *sum_b += pairs (count_b[b]);
}

static void
sum_pairs_sorted (const guint *labels_a,
                  const guint *labels_b,
                  gsize        n,
                  double      *sum_ij,
                  double      *sum_a,
                  double      *sum_b)
{
  g_autofree guint64 *keys = g_new (guint64, n);

  for (gsize i = 0; i < n; i++)
    keys[i] = ((guint64) labels_a[i] << 32) | labels_b[i];
  qsort (keys, n, sizeof (guint64), compare_guint64);
  *sum_ij = sum_pairs_of_runs (keys, n);

  for (gsize i = 0; i < n; i++)
    keys[i] = labels_a[i];
  qsort (keys, n, sizeof (guint64), compare_guint64);
  *sum_a = sum_pairs_of_runs (keys, n);

  for (gsize i = 0; i < n; i++)
    keys[i] = labels_b[i];
  qsort (keys, n, sizeof (guint64), compare_guint64);
  *sum_b = sum_pairs_of_runs (keys, n);
}

/**
 * cst_adjusted_rand_index:
 * @labels_a: n labels of the first partition (any non-negative values; only equality matters)
 * @labels_b: n labels of the second partition
 * @n: number of items
 *
 * The adjusted Rand index of Hubert & Arabie (1985), the Rand index corrected for chance, from
 * the contingency table n_ij of the two partitions:
 *
 *   ARI = (Σ C(n_ij, 2) − E) / (½ (Σ C(a_i, 2) + Σ C(b_j, 2)) − E),
 *   E = Σ C(a_i, 2) · Σ C(b_j, 2) / C(n, 2)
 *
 * It is 1 for identical partitions (up to renaming of the labels), about 0 for independent ones,
 * and can be negative. The denominator vanishes only when both partitions are a single cluster
 * or both are all singletons, i.e. identical; those cases, and n < 2, return 1. Same as
 * sklearn.metrics.adjusted_rand_score.
 *
 * Cost: O(n) with a dense table when the label ranges are small, otherwise O(n log n) by sorting;
 * memory O(n) at most.
 *
 * Returns: the index, in [−0.5, 1]
 */
double
cst_adjusted_rand_index (const guint *labels_a,
                         const guint *labels_b,
                         gsize        n)
{
  guint max_a = 0;
  guint max_b = 0;
  double sum_ij, sum_a, sum_b;
  double expected, maximum;
  guint64 cells;

  g_return_val_if_fail (labels_a != NULL || n == 0, 0.0);
  g_return_val_if_fail (labels_b != NULL || n == 0, 0.0);

  if (n < 2)
    return 1.0;

  for (gsize i = 0; i < n; i++)
    {
      max_a = MAX (max_a, labels_a[i]);
      max_b = MAX (max_b, labels_b[i]);
    }

  cells = ((guint64) max_a + 1) * ((guint64) max_b + 1);
  if (cells <= MAX_DENSE_CELLS && cells <= 4 * (guint64) n + 1024)
    sum_pairs_dense (labels_a, labels_b, n, max_a + 1, max_b + 1, &sum_ij, &sum_a, &sum_b);
  else
    sum_pairs_sorted (labels_a, labels_b, n, &sum_ij, &sum_a, &sum_b);

  expected = sum_a * sum_b / pairs (n);
  maximum = 0.5 * (sum_a + sum_b);

  if (maximum == expected)
    return 1.0;

  return (sum_ij - expected) / (maximum - expected);
}
