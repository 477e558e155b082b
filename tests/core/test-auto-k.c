/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "../cst-test-util.h"
#include "models/cst-auto-k.h"
#include "numeric/cst-cluster-quality.h"
#include "numeric/cst-kmeans.h"
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

/* Rows around the given centres (n_centres × cols), each row's blob drawn with the given
 * weights (NULL: equal), Gaussian noise of standard deviation @sd; the true blob of each row
 * goes to @truth (nullable). */
static double *
make_blobs (guint32        seed,
            gsize          rows,
            gsize          cols,
            const double  *centres,
            guint          n_centres,
            const double  *weights,
            double         sd,
            guint        **truth)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  double *x = g_new (double, rows * cols);
  guint *labels = g_new (guint, rows);

  for (gsize i = 0; i < rows; i++)
    {
      guint blob = 0;

      if (weights == NULL)
        blob = g_rand_int_range (rand, 0, n_centres);
      else
        {
          double u = g_rand_double (rand);

          while (blob + 1 < n_centres && u >= weights[blob])
            u -= weights[blob++];
        }

      labels[i] = blob;
      for (gsize j = 0; j < cols; j++)
        x[i * cols + j] = centres[blob * cols + j] + sd * gaussian (rand);
    }

  if (truth != NULL)
    *truth = labels;
  else
    g_free (labels);

  return x;
}

/* @k blobs with centres uniform in [−spread, spread]^cols. */
static double *
make_random_blobs (guint32 seed,
                   gsize   rows,
                   gsize   cols,
                   guint   k,
                   double  spread)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x5eed);
  g_autofree double *centres = g_new (double, k * cols);

  for (gsize c = 0; c < k * cols; c++)
    centres[c] = g_rand_double_range (rand, -spread, spread);

  return make_blobs (seed, rows, cols, centres, k, NULL, 1.0, NULL);
}

/* Five blobs far apart in three dimensions (nearest centres 10 apart, unit noise). */
static const double five_centres[] = {
  0, 0, 0,
  10, 0, 0,
  0, 10, 0,
  0, 0, 10,
  10, 10, 10,
};

/* The silhouette written directly from its definition with direct differences, O(n²), for
 * checking the tiled BLAS version. */
static double
naive_silhouette (const double *x,
                  gsize         n,
                  gsize         cols,
                  const guint  *labels,
                  guint         k)
{
  g_autofree gsize *counts = g_new0 (gsize, k);
  g_autofree double *sums = g_new (double, k);
  double total = 0.0;

  for (gsize i = 0; i < n; i++)
    counts[labels[i]]++;

  for (gsize i = 0; i < n; i++)
    {
      double a, b = INFINITY;

      memset (sums, 0, k * sizeof (double));
      for (gsize j = 0; j < n; j++)
        {
          double d2 = 0.0;

          for (gsize c = 0; c < cols; c++)
            {
              double d = x[i * cols + c] - x[j * cols + c];

              d2 += d * d;
            }
          sums[labels[j]] += sqrt (d2);
        }

      if (counts[labels[i]] <= 1)
        continue;
      a = sums[labels[i]] / (double) (counts[labels[i]] - 1);
      for (guint c = 0; c < k; c++)
        if (c != labels[i] && counts[c] > 0)
          b = MIN (b, sums[c] / (double) counts[c]);
      if (MAX (a, b) > 0.0)
        total += (b - a) / MAX (a, b);
    }

  return total / (double) n;
}

/* Twelve points in the plane: three groups of three or four and one point alone. Reference
 * values from scikit-learn 1.2.1 (Debian's python3-sklearn), sklearn.metrics.silhouette_score,
 * calinski_harabasz_score and davies_bouldin_score on exactly these numbers:
 *
 *   labels A (the lone point is segment 3): 0.7448409323419192, 108.70411985018727,
 *                                           0.18653216287882285
 *   labels B (the lone point joins 1):      0.6915495888768518, 21.193548387096776,
 *                                           0.44125480042518134
 *
 * Labels A check that a single-member cluster scores 0, as in scikit-learn. Tolerance 1e-9
 * (absolute; the values agree to about 1e-15). */
static void
test_reference_values (void)
{
  const double x[] = {
    0, 0,  0, 1,  1, 0,  1, 1.5,
    5, 5,  5, 6,  6, 5.5,  4.5, 5,
    0, 8,  1, 9,  0.5, 8.5,
    9, 0,
  };
  const guint labels_a[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3 };
  const guint labels_b[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 1 };
  g_autoptr(GError) error = NULL;
  double ch, db;

  g_assert_cmpfloat_with_epsilon (cst_silhouette_score (x, 12, 2, labels_a, 4, 0, 0, NULL, &error),
                                  0.7448409323419192, 1e-9);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (cst_calinski_harabasz (x, 12, 2, labels_a, 4),
                                  108.70411985018727, 1e-9);
  g_assert_cmpfloat_with_epsilon (cst_davies_bouldin (x, 12, 2, labels_a, 4),
                                  0.18653216287882285, 1e-9);

  /* A sample at least as large as the data scores every row; an empty fifth cluster changes
   * nothing. */
  g_assert_cmpfloat_with_epsilon (cst_silhouette_score (x, 12, 2, labels_b, 5, 100, 7, NULL,
                                                        &error),
                                  0.6915495888768518, 1e-9);
  g_assert_no_error (error);
  cst_cluster_indices (x, 12, 2, labels_b, 5, &ch, &db);
  g_assert_cmpfloat_with_epsilon (ch, 21.193548387096776, 1e-9);
  g_assert_cmpfloat_with_epsilon (db, 0.44125480042518134, 1e-9);
}

/* Undefined cases: one cluster, or every row alone; a label out of range. */
static void
test_quality_invalid (void)
{
  const double x[] = { 0, 1, 2, 3 };
  const guint one[] = { 0, 0, 0, 0 };
  const guint all[] = { 0, 1, 2, 3 };
  const guint bad[] = { 0, 1, 7, 1 };
  g_autoptr(GError) error = NULL;

  g_assert_true (isnan (cst_silhouette_score (x, 4, 1, one, 1, 0, 0, NULL, &error)));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (isnan (cst_silhouette_score (x, 4, 1, all, 4, 0, 0, NULL, &error)));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (isnan (cst_silhouette_score (x, 4, 1, bad, 2, 0, 0, NULL, &error)));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (isnan (cst_calinski_harabasz (x, 4, 1, one, 1)));
  g_assert_true (isnan (cst_davies_bouldin (x, 4, 1, all, 4)));
}

/* The tiled, symmetric, fixed-point silhouette against the direct definition on 700 rows
 * (three tiles of 256, the last one partial), tolerance 1e-12; the same bits on one thread as
 * on all; and a sampled silhouette equal to the direct one on exactly the rows it samples. */
static void
test_silhouette_tiles (void)
{
  const gsize n = 700, cols = 5;
  g_autofree double *x = make_random_blobs (21, n, cols, 4, 3.0);
  g_autofree guint *labels = g_new (guint, n);
  g_autofree gsize *rows = NULL;
  g_autofree double *xs = NULL;
  g_autofree guint *ls = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  double all_threads, one_thread, sampled;
  gsize m;

  /* Labels that are not a clustering, with a lone row and an empty segment (index 5). */
  for (gsize i = 0; i < n; i++)
    labels[i] = g_rand_int_range (rand, 0, 5);
  labels[123] = 6;

  all_threads = cst_silhouette_score (x, n, cols, labels, 7, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (all_threads, naive_silhouette (x, n, cols, labels, 7), 1e-12);

  g_setenv ("CST_KMEANS_THREADS", "1", TRUE);
  one_thread = cst_silhouette_score (x, n, cols, labels, 7, 0, 0, NULL, &error);
  g_unsetenv ("CST_KMEANS_THREADS");
  g_assert_no_error (error);
  g_assert_cmpmem (&one_thread, sizeof one_thread, &all_threads, sizeof all_threads);

  rows = cst_silhouette_sample_rows (n, 300, 99, &m);
  g_assert_cmpuint (m, ==, 300);
  xs = g_new (double, m * cols);
  ls = g_new (guint, m);
  for (gsize s = 0; s < m; s++)
    {
      if (s > 0)
        g_assert_cmpuint (rows[s], >, rows[s - 1]);
      memcpy (xs + s * cols, x + rows[s] * cols, cols * sizeof (double));
      ls[s] = labels[rows[s]];
    }
  sampled = cst_silhouette_score (x, n, cols, labels, 7, 300, 99, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (sampled, naive_silhouette (xs, m, cols, ls, 7), 1e-12);
}

/* Calinski–Harabasz and Davies–Bouldin over several chunks of 32,768 rows and threads, against
 * the definitions written out here; tolerance 1e-9 relative. */
static void
test_indices_chunks (void)
{
  const gsize n = 70000, cols = 3;
  const guint k = 4;
  g_autofree double *x = make_random_blobs (8, n, cols, k, 4.0);
  g_autofree guint *labels = g_new (guint, n);
  g_autofree double *means = g_new0 (double, k * cols);
  g_autofree double *mean = g_new0 (double, cols);
  g_autofree double *scatter = g_new0 (double, k);
  g_autofree gsize *sizes = g_new0 (gsize, k);
  double between = 0.0, within = 0.0, db = 0.0, ch;

  for (gsize i = 0; i < n; i++)
    {
      labels[i] = (guint) (x[i * cols] > 0) + 2 * (guint) (x[i * cols + 1] > 0);
      sizes[labels[i]]++;
      for (gsize j = 0; j < cols; j++)
        {
          means[labels[i] * cols + j] += x[i * cols + j];
          mean[j] += x[i * cols + j] / n;
        }
    }
  for (guint c = 0; c < k; c++)
    for (gsize j = 0; j < cols; j++)
      means[c * cols + j] /= sizes[c];

  for (gsize i = 0; i < n; i++)
    {
      double d2 = 0.0;

      for (gsize j = 0; j < cols; j++)
        d2 += pow (x[i * cols + j] - means[labels[i] * cols + j], 2);
      within += d2;
      scatter[labels[i]] += sqrt (d2) / sizes[labels[i]];
    }
  for (guint c = 0; c < k; c++)
    {
      double worst = 0.0;

      for (gsize j = 0; j < cols; j++)
        between += sizes[c] * pow (means[c * cols + j] - mean[j], 2);
      for (guint o = 0; o < k; o++)
        {
          double d2 = 0.0;

          if (o == c)
            continue;
          for (gsize j = 0; j < cols; j++)
            d2 += pow (means[c * cols + j] - means[o * cols + j], 2);
          worst = MAX (worst, (scatter[c] + scatter[o]) / sqrt (d2));
        }
      db += worst / k;
    }
  ch = between * (n - k) / (within * (k - 1));

  g_assert_cmpfloat_with_epsilon (cst_calinski_harabasz (x, n, cols, labels, k) / ch, 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (cst_davies_bouldin (x, n, cols, labels, k) / db, 1.0, 1e-9);
}

typedef struct
{
  GArray       *fractions;
  GCancellable *cancel_at;
  guint         cancel_after;
} ProgressLog;

static void
progress_cb (double      fraction,
             const char *message,
             gpointer    user_data)
{
  ProgressLog *log = user_data;

  g_array_append_val (log->fractions, fraction);
  if (log->cancel_at != NULL && log->fractions->len >= log->cancel_after)
    g_cancellable_cancel (log->cancel_at);
}

static CstKChoice
choice (guint    k,
        double   silhouette,
        double   stability,
        gboolean actionable)
{
  CstKChoice c = { 0 };

  c.k = k;
  c.silhouette = silhouette;
  c.stability = stability;
  c.agreement = stability;
  c.actionable = actionable;
  c.smallest_share = actionable ? 0.1 : 0.01;

  return c;
}

/* The recommendation rule of cst_auto_k_recommend(), case by case. */
static void
test_rule (void)
{
  /* The best silhouette among stable, actionable k: 6 has a better silhouette but is unstable,
   * 7 is better still but leaves a tiny segment. */
  {
    const CstKChoice t[] = {
      choice (4, 0.40, 0.95, TRUE), choice (5, 0.45, 0.90, TRUE),
      choice (6, 0.50, 0.60, TRUE), choice (7, 0.60, 0.99, FALSE),
    };
    g_assert_cmpuint (cst_auto_k_recommend (t, G_N_ELEMENTS (t)), ==, 5);
  }
  /* Nothing stable: the best silhouette among the actionable. */
  {
    const CstKChoice t[] = {
      choice (2, 0.30, 0.50, TRUE), choice (3, 0.35, 0.70, TRUE), choice (4, 0.50, 0.20, FALSE),
    };
    g_assert_cmpuint (cst_auto_k_recommend (t, G_N_ELEMENTS (t)), ==, 3);
  }
  /* Nothing actionable: all compete, stability still vetoes. */
  {
    const CstKChoice t[] = {
      choice (2, 0.30, 0.90, FALSE), choice (3, 0.40, 0.70, FALSE), choice (4, 0.35, 0.85, FALSE),
    };
    g_assert_cmpuint (cst_auto_k_recommend (t, G_N_ELEMENTS (t)), ==, 4);
  }
  /* Equal silhouettes: the smaller k; a NaN silhouette never wins. */
  {
    const CstKChoice t[] = {
      choice (2, NAN, 0.90, TRUE), choice (3, 0.40, 0.90, TRUE), choice (4, 0.40, 0.90, TRUE),
    };
    g_assert_cmpuint (cst_auto_k_recommend (t, G_N_ELEMENTS (t)), ==, 3);
  }
  /* Fewer segments win when they separate almost as well (within 10 % of the best): 4 at 0.297
   * against 8 at 0.325, the sample data's table; 5 at 0.30 loses to 6 at 0.40. */
  {
    const CstKChoice t[] = {
      choice (3, 0.259, 0.96, TRUE), choice (4, 0.297, 0.997, TRUE), choice (5, 0.310, 0.96, TRUE),
      choice (8, 0.325, 0.85, TRUE),
    };
    const CstKChoice u[] = { choice (5, 0.30, 0.9, TRUE), choice (6, 0.40, 0.9, TRUE) };

    g_assert_cmpuint (cst_auto_k_recommend (t, G_N_ELEMENTS (t)), ==, 4);
    g_assert_cmpuint (cst_auto_k_recommend (u, G_N_ELEMENTS (u)), ==, 6);
  }
  /* Stability not measured (NaN everywhere): silhouette alone. */
  {
    const CstKChoice t[] = {
      choice (2, 0.30, NAN, TRUE), choice (3, 0.45, NAN, TRUE), choice (4, 0.40, NAN, TRUE),
    };
    g_assert_cmpuint (cst_auto_k_recommend (t, G_N_ELEMENTS (t)), ==, 3);
  }
}

/* The reason, word for word, for the example of issue 5, and the other clauses. Run in the C
 * locale, so the English templates come out. */
static void
test_reason (void)
{
  const CstKChoice t[] = {
    choice (3, 0.40, 0.90, TRUE), choice (4, 0.55, 0.95, TRUE), choice (5, 0.62, 0.93, TRUE),
    choice (6, 0.64, 0.60, TRUE), choice (7, 0.70, 0.99, FALSE),
  };
  g_autofree char *five = NULL;
  g_autofree char *six = NULL;
  g_autofree char *three = NULL;

  g_assert_cmpuint (cst_auto_k_recommend (t, G_N_ELEMENTS (t)), ==, 5);
  five = cst_auto_k_describe (t, G_N_ELEMENTS (t), 5, 0.03);
  g_assert_cmpstr (five, ==,
                   "5 segments: clearly separated and stable (93 % of customers stay in the same "
                   "segment when the data is resampled). 6 would be less stable; 4 would merge "
                   "two different groups.");

  six = cst_auto_k_describe (t, G_N_ELEMENTS (t), 6, 0.03);
  g_assert_cmpstr (six, ==,
                   "6 segments: clearly separated, but only 60 % of customers stay in the same "
                   "segment when the data is resampled. 7 would leave a segment smaller than "
                   "3 %; 5 would merge two different groups.");

  three = cst_auto_k_describe (t, G_N_ELEMENTS (t), 3, 0.03);
  g_assert_cmpstr (three, ==,
                   "3 segments: reasonably separated and stable (90 % of customers stay in the "
                   "same segment when the data is resampled). 4 would separate the groups "
                   "better.");

  /* A tie goes to the smaller k; nothing stable; overlapping segments. */
  {
    const CstKChoice u[] = { choice (2, 0.2, 0.5, TRUE), choice (3, 0.2, 0.4, TRUE) };
    g_autofree char *two = NULL;

    g_assert_cmpuint (cst_auto_k_recommend (u, G_N_ELEMENTS (u)), ==, 2);
    two = cst_auto_k_describe (u, G_N_ELEMENTS (u), 2, 0.03);
    g_assert_cmpstr (two, ==,
                     "2 segments: overlapping, and only 50 % of customers stay in the same "
                     "segment when the data is resampled. 3 would be no better separated.");
  }

  /* Nothing actionable, and no stability measured. */
  {
    const CstKChoice u[] = { choice (2, 0.3, NAN, FALSE), choice (3, 0.2, NAN, FALSE) };
    g_autofree char *two = cst_auto_k_describe (u, G_N_ELEMENTS (u), 2, 0.05);

    g_assert_cmpstr (two, ==,
                     "2 segments: reasonably separated. 3 would split a group into similar "
                     "parts. Every number of segments from 2 to 3 leaves a segment smaller "
                     "than 5 %.");
  }
}

/* Five planted, well-separated blobs: k = 5 is chosen, its segments match the blobs (ARI ≥
 * 0.95), it is stable (≥ 0.95 on such data) and clearly separated; the table is complete and
 * consistent; progress runs from 0 to 1 without stepping back. */
static void
test_planted_blobs (void)
{
  const gsize n = 3000, cols = 3;
  g_autofree guint *truth = NULL;
  g_autofree double *x = make_blobs (1, n, cols, five_centres, 5, NULL, 1.0, &truth);
  ProgressLog log = { g_array_new (FALSE, FALSE, sizeof (double)), NULL, 0 };
  g_autoptr(CstAutoKResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const CstKChoice *five;

  result = cst_auto_k_choose (x, n, cols, NULL, NULL, progress_cb, &log, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (result->recommended, ==, 5);
  g_assert_cmpuint (result->n_choices, ==, 11);
  g_assert_nonnull (result->fit);
  g_assert_cmpuint (result->fit->k, ==, 5);
  g_assert_cmpfloat (cst_adjusted_rand_index (result->fit->labels, truth, n), >=, 0.95);

  five = &result->choices[3];
  g_assert_cmpuint (five->k, ==, 5);
  g_assert_cmpfloat (five->stability, >=, 0.95);
  g_assert_cmpfloat (five->agreement, >=, 0.95);
  g_assert_cmpfloat (five->silhouette, >=, 0.5);
  g_assert_true (five->actionable);
  g_assert_true (g_str_has_prefix (result->reason, "5 segments: clearly separated and stable"));

  for (guint c = 0; c < result->n_choices; c++)
    {
      const CstKChoice *ch = &result->choices[c];

      g_assert_cmpuint (ch->k, ==, 2 + c);
      g_assert_cmpfloat (ch->silhouette, <=, five->silhouette);
      g_assert_cmpfloat (ch->silhouette, >=, -1.0);
      g_assert_cmpfloat (ch->stability, <=, 1.0 + 1e-12);
      g_assert_cmpfloat (ch->calinski_harabasz, >, 0.0);
      g_assert_cmpfloat (ch->davies_bouldin, >, 0.0);
      g_assert_cmpfloat (ch->inertia, >, 0.0);
      g_assert_true (ch->actionable == (ch->smallest_share >= 0.03));
      if (c > 0)
        g_assert_cmpfloat (ch->inertia, <, result->choices[c - 1].inertia);
    }

  /* Calinski–Harabasz and Davies–Bouldin agree with the silhouette here. */
  for (guint c = 0; c < result->n_choices; c++)
    {
      g_assert_cmpfloat (result->choices[c].calinski_harabasz, <=, five->calinski_harabasz);
      g_assert_cmpfloat (result->choices[c].davies_bouldin, >=, five->davies_bouldin);
    }

  g_assert_cmpuint (log.fractions->len, >=, 11);
  for (guint i = 1; i < log.fractions->len; i++)
    g_assert_cmpfloat (g_array_index (log.fractions, double, i), >=,
                       g_array_index (log.fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (log.fractions, double, log.fractions->len - 1), ==, 1.0);
  g_array_unref (log.fractions);
}

/* Four big blobs and a tiny fifth one (1 % of the rows) far from them. The tiny blob is a real
 * group, so k = 5 separates best, but a segment of 1 % is not actionable: with the default
 * minimum share of 3 %, 4 is recommended and the reason says why 5 lost. Allowing segments of
 * 0.5 % makes 5 actionable, but its silhouette is within 10 % of 4's (the tiny group moves few
 * people's silhouettes), so the fewer segments still win. */
static void
test_tiny_cluster (void)
{
  const gsize n = 4000, cols = 3;
  const double weights[] = { 0.2475, 0.2475, 0.2475, 0.2475, 0.01 };
  g_autofree double *x = make_blobs (2, n, cols, five_centres, 5, weights, 1.0, NULL);
  g_autoptr(CstAutoKResult) strict = NULL;
  g_autoptr(CstAutoKResult) lenient = NULL;
  g_autoptr(GError) error = NULL;
  CstAutoKOptions options;

  cst_auto_k_options_init (&options);
  options.k_max = 7;
  strict = cst_auto_k_choose (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (strict->choices[3].actionable);
  g_assert_cmpfloat (strict->choices[3].smallest_share, <, 0.02);
  g_assert_cmpfloat (strict->choices[3].silhouette, >, strict->choices[2].silhouette);
  g_assert_cmpuint (strict->recommended, ==, 4);
  g_assert_nonnull (strstr (strict->reason, "5 would leave a segment smaller than 3 %"));

  options.min_share = 0.005;
  lenient = cst_auto_k_choose (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lenient->choices[3].actionable);
  g_assert_cmpfloat (lenient->choices[3].silhouette, <, lenient->choices[2].silhouette / 0.9);
  g_assert_cmpuint (lenient->recommended, ==, 4);
}

/* Same seed, same everything, bit for bit, also on one thread; another seed still finds the
 * same k on clean blobs. */
static void
test_determinism (void)
{
  const gsize n = 2000, cols = 3;
  g_autofree double *x = make_blobs (3, n, cols, five_centres, 5, NULL, 1.5, NULL);
  g_autoptr(CstAutoKResult) a = NULL;
  g_autoptr(CstAutoKResult) b = NULL;
  g_autoptr(CstAutoKResult) c = NULL;
  g_autoptr(GError) error = NULL;
  CstAutoKOptions options;

  cst_auto_k_options_init (&options);
  options.k_max = 8;
  options.sample_size = 1500;

  a = cst_auto_k_choose (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_setenv ("CST_KMEANS_THREADS", "1", TRUE);
  b = cst_auto_k_choose (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_unsetenv ("CST_KMEANS_THREADS");
  g_assert_no_error (error);

  g_assert_cmpuint (a->n_choices, ==, b->n_choices);
  g_assert_cmpmem (a->choices, a->n_choices * sizeof (CstKChoice),
                   b->choices, b->n_choices * sizeof (CstKChoice));
  g_assert_cmpuint (a->recommended, ==, b->recommended);
  g_assert_cmpstr (a->reason, ==, b->reason);
  g_assert_cmpmem (a->fit->labels, n * sizeof (guint), b->fit->labels, n * sizeof (guint));

  options.seed = 7;
  c = cst_auto_k_choose (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->recommended, ==, a->recommended);
}

/* Cancelled before it starts, and from the progress callback part-way (as the UI would). */
static void
test_cancel (void)
{
  const gsize n = 2000, cols = 3;
  g_autofree double *x = make_blobs (4, n, cols, five_centres, 5, NULL, 1.0, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ProgressLog log = { g_array_new (FALSE, FALSE, sizeof (double)), NULL, 0 };
  g_autoptr(GError) error = NULL;
  CstAutoKResult *result;
  double fraction;

  g_cancellable_cancel (cancellable);
  result = cst_auto_k_choose (x, n, cols, NULL, cancellable, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_cancellable_reset (cancellable);
  log.cancel_at = cancellable;
  log.cancel_after = 20;
  result = cst_auto_k_choose (x, n, cols, NULL, cancellable, progress_cb, &log, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  fraction = g_array_index (log.fractions, double, log.fractions->len - 1);
  g_assert_cmpfloat (fraction, <, 1.0);
  g_array_unref (log.fractions);

  g_clear_error (&error);
  g_cancellable_cancel (cancellable);
  g_assert_true (isnan (cst_silhouette_score (x, n, cols, (guint[2000]) { 0, 1 }, 2, 0, 0,
                                              cancellable, &error)));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Bad options are reported, and k_max shrinks to what a tiny table allows. */
static void
test_invalid (void)
{
  const double x[] = { 0, 0.1, 0.2, 5, 5.1, 5.2 };
  g_autoptr(CstAutoKResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CstAutoKOptions options;

  cst_auto_k_options_init (&options);
  options.k_min = 1;
  g_assert_null (cst_auto_k_choose (x, 6, 1, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  cst_auto_k_options_init (&options);
  options.min_share = 1.5;
  g_assert_null (cst_auto_k_choose (x, 6, 1, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_null (cst_auto_k_choose (x, 2, 1, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A NaN is reported with the caller's row and column, also when the candidates are fitted
   * on a sample first. */
  {
    g_autofree double *y = g_memdup2 (x, sizeof x);

    y[4] = NAN;
    cst_auto_k_options_init (&options);
    options.minibatch_above = 2;
    options.sample_size = 4;
    g_assert_null (cst_auto_k_choose (y, 6, 1, &options, NULL, NULL, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "Row 5, column 1"));
    g_clear_error (&error);
  }

  /* Six rows: k from 2 to 5 only. */
  result = cst_auto_k_choose (x, 6, 1, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_choices, ==, 4);
  g_assert_cmpuint (result->recommended, ==, 2);
}

/* The candidate fits by mini-batch (forced here from 1,000 rows up): the same k on planted
 * blobs, and the final segments, refined by Lloyd's iterations, still match the blobs. */
static void
test_minibatch_candidates (void)
{
  const gsize n = 6000, cols = 3;
  g_autofree guint *truth = NULL;
  g_autofree double *x = make_blobs (5, n, cols, five_centres, 5, NULL, 1.0, &truth);
  g_autoptr(CstAutoKResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CstAutoKOptions options;

  cst_auto_k_options_init (&options);
  options.minibatch_above = 1000;
  options.sample_size = 2000;
  options.use_float32 = TRUE;
  result = cst_auto_k_choose (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->recommended, ==, 5);
  g_assert_cmpfloat (cst_adjusted_rand_index (result->fit->labels, truth, n), >=, 0.95);
}

/* Single precision against double on the same data and the same starting centres: inertia
 * within 1e-4 relative (the float distances choose the nearest centre; the sums and the
 * reported inertia are double, so the difference is only the rare near-tie). Single precision
 * throughout only applies above 64 columns: narrower data is screened in float either way. */
static void
test_float32 (void)
{
  const gsize n = 40000, cols = 72;
  const guint k = 6;
  g_autofree double *x = make_random_blobs (6, n, cols, k, 2.0);
  g_autoptr(CstKmeansResult) seeded = NULL;
  g_autoptr(CstKmeansResult) lloyd = NULL;
  g_autoptr(CstKmeansResult) single = NULL;
  g_autoptr(GError) error = NULL;
  CstKmeansOptions options;

  cst_kmeans_options_init (&options);
  options.k = k;
  options.max_iter = 1;
  seeded = cst_kmeans_fit (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  options.max_iter = 100;
  options.init_centroids = seeded->centroids;
  lloyd = cst_kmeans_fit (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  options.use_float32 = TRUE;
  single = cst_kmeans_fit (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpfloat (fabs (single->inertia - lloyd->inertia) / lloyd->inertia, <=, 1e-4);
  g_assert_cmpfloat (cst_adjusted_rand_index (single->labels, lloyd->labels, n), >=, 0.99);
}

/* Mini-batch k-means: inertia within 3 % of Lloyd's on overlapping blobs; reproducible with a
 * seed, whatever the threads; every label the nearest centre of the returned centres (the final
 * full assignment), with sizes and inertia that match them. */
static void
test_minibatch (void)
{
  const gsize n = 100000, cols = 6;
  const guint k = 8;
  g_autofree double *x = make_random_blobs (9, n, cols, k, 1.5);
  g_autofree guint *nearest = g_new (guint, n);
  g_autofree double *sq = g_new (double, n);
  g_autofree gsize *sizes = g_new0 (gsize, k);
  g_autoptr(CstKmeansResult) lloyd = NULL;
  g_autoptr(CstKmeansResult) a = NULL;
  g_autoptr(CstKmeansResult) b = NULL;
  g_autoptr(GError) error = NULL;
  CstKmeansOptions options;
  double inertia = 0.0;

  cst_kmeans_options_init (&options);
  options.k = k;
  lloyd = cst_kmeans_fit (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  options.algorithm = CST_KMEANS_MINIBATCH;
  options.batch_size = 1024;
  a = cst_kmeans_fit (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_setenv ("CST_KMEANS_THREADS", "1", TRUE);
  b = cst_kmeans_fit (x, n, cols, &options, NULL, NULL, NULL, &error);
  g_unsetenv ("CST_KMEANS_THREADS");
  g_assert_no_error (error);

  g_test_message ("Lloyd %.6g, mini-batch %.6g after %u steps", lloyd->inertia, a->inertia,
                  a->iterations);
  g_assert_cmpfloat (a->inertia, <=, 1.03 * lloyd->inertia);
  g_assert_cmpuint (a->iterations, >=, 1);
  g_assert_cmpuint (a->iterations, <=, options.max_iter);

  g_assert_cmpmem (&a->inertia, sizeof (double), &b->inertia, sizeof (double));
  g_assert_cmpmem (a->labels, n * sizeof (guint), b->labels, n * sizeof (guint));
  g_assert_cmpmem (a->centroids, k * cols * sizeof (double), b->centroids,
                   k * cols * sizeof (double));

  cst_kmeans_predict (x, n, cols, a->centroids, k, nearest, sq);
  g_assert_cmpmem (a->labels, n * sizeof (guint), nearest, n * sizeof (guint));
  for (gsize i = 0; i < n; i++)
    {
      sizes[nearest[i]]++;
      inertia += sq[i];
    }
  g_assert_cmpmem (a->sizes, k * sizeof (gsize), sizes, k * sizeof (gsize));
  g_assert_cmpfloat_with_epsilon (inertia / a->inertia, 1.0, 1e-9);

  /* Bad batch size. */
  options.batch_size = 0;
  g_assert_null (cst_kmeans_fit (x, n, cols, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* Starting centres given by the caller: one initialization from exactly them (two iterations
 * on the hand example of test-kmeans reach its known optimum, inertia 8/3, tolerance 1e-12). */
static void
test_init_centroids (void)
{
  const double x[] = { 0, 0,  0, 1,  1, 0,  10, 10,  10, 11,  11, 10 };
  const double start[] = { 10, 10,  0, 0 };
  const double bad[] = { NAN, 0,  1, 1 };
  g_autoptr(CstKmeansResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CstKmeansOptions options;

  cst_kmeans_options_init (&options);
  options.k = 2;
  options.init_centroids = start;
  result = cst_kmeans_fit (x, 6, 2, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (result->inertia, 8.0 / 3.0, 1e-12);
  g_assert_cmpuint (result->labels[0], ==, 0);
  g_assert_cmpuint (result->labels[3], ==, 1);

  options.init_centroids = bad;
  g_assert_null (cst_kmeans_fit (x, 6, 2, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/auto-k/reference-values", test_reference_values);
  g_test_add_func ("/cst/auto-k/quality-invalid", test_quality_invalid);
  g_test_add_func ("/cst/auto-k/silhouette-tiles", test_silhouette_tiles);
  g_test_add_func ("/cst/auto-k/indices-chunks", test_indices_chunks);
  g_test_add_func ("/cst/auto-k/rule", test_rule);
  g_test_add_func ("/cst/auto-k/reason", test_reason);
  g_test_add_func ("/cst/auto-k/planted-blobs", test_planted_blobs);
  g_test_add_func ("/cst/auto-k/tiny-cluster", test_tiny_cluster);
  g_test_add_func ("/cst/auto-k/determinism", test_determinism);
  g_test_add_func ("/cst/auto-k/cancel", test_cancel);
  g_test_add_func ("/cst/auto-k/invalid", test_invalid);
  g_test_add_func ("/cst/auto-k/minibatch-candidates", test_minibatch_candidates);
  g_test_add_func ("/cst/auto-k/float32", test_float32);
  g_test_add_func ("/cst/auto-k/minibatch", test_minibatch);
  g_test_add_func ("/cst/auto-k/init-centroids", test_init_centroids);

  return g_test_run ();
}
