/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "features/cst-features.h"
#include "models/cst-explain.h"

/* Hand-computed numbers are sums and quotients of a few short binary fractions, so 1e-12 is
 * generous; ratios such as 0.5 / 0.3 are compared with the same quotient computed here. */
#define TOLERANCE 1e-12

static const CstDifference *
find_difference (const CstSegmentExplanation *segment,
                 guint                        feature)
{
  for (guint d = 0; d < segment->n_differences; d++)
    if (segment->differences[d].feature == feature)
      return &segment->differences[d];
  g_assert_not_reached ();
}

static guint
count_facts (const CstSegmentExplanation *segment)
{
  guint n = 0;

  while (n < G_N_ELEMENTS (segment->facts) && segment->facts[n] != NULL)
    n++;
  for (guint j = n; j < G_N_ELEMENTS (segment->facts); j++)
    g_assert_null (segment->facts[j]);
  return n;
}

/* Six people, two features (weekend share first, orders second, so that the sort has to move
 * orders to the front), two segments; person 1's weekend share is missing.
 *
 *   person  segment  weekend  orders   standardized weekend  orders
 *   0       0        0.50     10       0.5                    2.0
 *   1       0        NAN       6       0.0                    1.0
 *   2       1        0.25      2      −0.25                  −0.5
 *   3       1        0.75      1       1.25                  −1.0
 *   4       1        0.00      3      −1.0                   −0.25
 *   5       1        0.20      2      −0.5                   −1.25
 *
 * Segment 0: orders mean (10 + 6) / 2 = 8, rest (2 + 1 + 3 + 2) / 4 = 2, ratio 4;
 *   standardized means (2 + 1) / 2 = 1.5 and (−0.5 − 1 − 0.25 − 1.25) / 4 = −0.75:
 *   std_diff 2.25. Weekend mean 0.5 (the missing value skipped), rest
 *   (0.25 + 0.75 + 0 + 0.2) / 4 = 0.3, ratio 0.5 / 0.3; standardized (0.5 + 0) / 2 = 0.25 against
 *   (−0.25 + 1.25 − 1 − 0.5) / 4 = −0.125: std_diff 0.375.
 * Segment 1 is the mirror: orders 2 against 8 (ratio 0.25, std_diff −2.25), weekend 0.3
 *   against 0.5 (ratio 0.6, std_diff −0.375). */
static void
test_hand_checked (void)
{
  const double values[] = {
    0.50, 10,
    NAN, 6,
    0.25, 2,
    0.75, 1,
    0.00, 3,
    0.20, 2,
  };
  const double standardized[] = {
    0.5, 2.0,
    0.0, 1.0,
    -0.25, -0.5,
    1.25, -1.0,
    -1.0, -0.25,
    -0.5, -1.25,
  };
  const char *names[] = { CST_FEATURE_WEEKEND, CST_FEATURE_ORDERS };
  const guint labels[] = { 0, 0, 1, 1, 1, 1 };
  g_autoptr(CstExplanation) e = NULL;
  const CstSegmentExplanation *s0, *s1;
  const CstDifference *d;

  e = cst_explain_segments (values, standardized, 6, 2, names, labels, 2);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->k, ==, 2);
  g_assert_cmpuint (e->n_features, ==, 2);
  s0 = &e->segments[0];
  s1 = &e->segments[1];
  g_assert_cmpuint (s0->n_differences, ==, 2);
  g_assert_cmpuint (s1->n_differences, ==, 2);

  /* Sorted by |std_diff|: orders (column 1) first in both segments. */
  g_assert_cmpuint (s0->differences[0].feature, ==, 1);
  g_assert_cmpuint (s0->differences[1].feature, ==, 0);
  g_assert_cmpuint (s1->differences[0].feature, ==, 1);

  d = find_difference (s0, 1);
  g_assert_cmpfloat_with_epsilon (d->mean, 8.0, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->rest_mean, 2.0, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->std_diff, 2.25, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->ratio, 4.0, TOLERANCE);
  d = find_difference (s0, 0);
  g_assert_cmpfloat_with_epsilon (d->mean, 0.5, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->rest_mean, 0.3, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->std_diff, 0.375, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->ratio, 0.5 / 0.3, TOLERANCE);

  d = find_difference (s1, 1);
  g_assert_cmpfloat_with_epsilon (d->mean, 2.0, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->rest_mean, 8.0, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->std_diff, -2.25, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->ratio, 0.25, TOLERANCE);
  d = find_difference (s1, 0);
  g_assert_cmpfloat_with_epsilon (d->mean, 0.3, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->rest_mean, 0.5, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->std_diff, -0.375, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (d->ratio, 0.6, TOLERANCE);

  /* Orders up by 2.25 sd names segment 0; weekend (0.375 sd) is below the 0.5 of a defining
   * trait but above the 0.2 of a fact. Segment 1 orders twice on average: occasional, not
   * one-time. */
  g_assert_cmpstr (s0->name, ==, "Frequent buyers");
  g_assert_cmpstr (s1->name, ==, "Occasional buyers");
  g_assert_cmpuint (count_facts (s0), ==, 2);
  g_assert_cmpstr (s0->facts[0], ==, "Order 4.0× as often as other customers");
  g_assert_cmpstr (s0->facts[1], ==, "50 % of their orders are on a weekend (others: 30 %)");
  g_assert_cmpuint (count_facts (s1), ==, 2);
  g_assert_cmpstr (s1->facts[0], ==, "Order 75 % less often than other customers");
  g_assert_cmpstr (s1->facts[1], ==, "30 % of their orders are on a weekend (others: 50 %)");
}

/* Missing values: a segment whose values are all missing has a NAN mean and no ratio; a rest
 * mean of 0 gives no ratio either. Neither yields a fact, and neither breaks the sort. */
static void
test_missing (void)
{
  const double values[] = {
    NAN, 0.5,
    NAN, 0.7,
    0.4, 0.0,
    0.2, 0.0,
  };
  const double standardized[] = {
    0.0, 1.0,
    0.0, 1.0,
    1.0, -1.0,
    -1.0, -1.0,
  };
  const char *names[] = { CST_FEATURE_OPEN_RATE, CST_FEATURE_DISCOUNT };
  const guint labels[] = { 0, 0, 1, 1 };
  g_autoptr(CstExplanation) e = cst_explain_segments (values, standardized, 4, 2, names, labels, 2);
  const CstDifference *open0, *discount0, *discount1;

  g_assert_nonnull (e);
  open0 = find_difference (&e->segments[0], 0);
  discount0 = find_difference (&e->segments[0], 1);
  discount1 = find_difference (&e->segments[1], 1);

  g_assert_true (isnan (open0->mean));
  g_assert_cmpfloat_with_epsilon (open0->rest_mean, 0.3, TOLERANCE);
  g_assert_true (isnan (open0->ratio));
  g_assert_cmpfloat_with_epsilon (open0->std_diff, 0.0, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (discount0->mean, 0.6, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (discount0->rest_mean, 0.0, TOLERANCE);
  g_assert_true (isnan (discount0->ratio));
  g_assert_cmpfloat_with_epsilon (discount0->std_diff, 2.0, TOLERANCE);
  g_assert_cmpfloat_with_epsilon (discount1->ratio, 0.0, TOLERANCE);

  /* The discount share still makes a fact (shares are said as levels, not ratios); the open
   * rate, missing in segment 0, does not. */
  g_assert_cmpstr (e->segments[0].name, ==, "Bargain hunters");
  g_assert_cmpuint (count_facts (&e->segments[0]), ==, 1);
  g_assert_cmpstr (e->segments[0].facts[0], ==, "Use a discount on 60 % of orders (others: 0 %)");
}

/* A table that mimics the sample data's four planted groups, from the means measured on the
 * walking skeleton's sample: loyal (orders 26, spend 3058, average 117, recency 11 d, tenure
 * 700 d, weekend 28 %, discount 10 %, open 54 %), weekend bargain hunters (orders 8.9, average
 * 31, recency 108 d, weekend 80 %, discount 70 %, evening 58 %), lapsed one-time buyers
 * (orders 1.2, recency 540 d, tenure 566 d, open 26 %) and new customers (orders 1.7, recency
 * 31 d, tenure 44 d, open 48 %). Values the measurements do not give come from the sample
 * generator's group parameters (cst-sample.c). People vary as they do in the sample: shares are
 * counted over each person's own orders (so a one-order person has 0 % or 100 %), open rates
 * over 20 emails, a quarter of the people have no email (NAN), and order counts are whole. */
enum { F_RECENCY, F_ORDERS, F_TOTAL, F_AVERAGE, F_TENURE, F_WEEKEND, F_EVENING, F_DISCOUNT,
       F_OPEN, N_SAMPLE_FEATURES };

static const char *sample_names[N_SAMPLE_FEATURES] = {
  CST_FEATURE_RECENCY, CST_FEATURE_ORDERS, CST_FEATURE_TOTAL_SPEND, CST_FEATURE_AVERAGE_ORDER,
  CST_FEATURE_TENURE, CST_FEATURE_WEEKEND, CST_FEATURE_EVENING, CST_FEATURE_DISCOUNT,
  CST_FEATURE_OPEN_RATE,
};

typedef struct
{
  guint  size;
  double recency, orders, average, tenure, weekend, evening, discount, open;
} PlantedGroup;

static const PlantedGroup planted[] = {
  { 200, 11, 26, 117, 700, 0.28, 0.30, 0.10, 0.54 },
  { 300, 108, 8.9, 31, 400, 0.80, 0.58, 0.70, 0.35 },
  { 300, 540, 1.2, 50, 566, 0.28, 0.35, 0.30, 0.26 },
  { 200, 31, 1.7, 60, 44, 0.28, 0.40, 0.40, 0.48 },
};

static double
counted_share (GRand  *rand,
               double  p,
               guint   n)
{
  guint hits = 0;

  for (guint i = 0; i < n; i++)
    hits += g_rand_double (rand) < p;
  return (double) hits / n;
}

/* Whole orders with the given mean: the floor plus one with the remaining probability. */
static double
whole_orders (GRand  *rand,
              double  mean)
{
  double jittered = mean < 3.0 ? mean : mean * g_rand_double_range (rand, 0.6, 1.4);
  double base = floor (jittered);

  return MAX (1.0, base + (g_rand_double (rand) < jittered - base));
}

static void
make_sample_like (double **values_out,
                  guint  **labels_out,
                  gsize   *rows_out)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize rows = 0, i = 0;
  double *values;
  guint *labels;

  for (guint g = 0; g < G_N_ELEMENTS (planted); g++)
    rows += planted[g].size;
  values = g_new (double, rows * N_SAMPLE_FEATURES);
  labels = g_new (guint, rows);

  for (guint g = 0; g < G_N_ELEMENTS (planted); g++)
    for (guint p = 0; p < planted[g].size; p++, i++)
      {
        const PlantedGroup *spec = &planted[g];
        double *row = values + i * N_SAMPLE_FEATURES;
        double orders = whole_orders (rand, spec->orders);
        double recency = spec->recency * g_rand_double_range (rand, 0.5, 1.5);
        guint n = (guint) orders;

        labels[i] = g;
        row[F_RECENCY] = recency;
        row[F_ORDERS] = orders;
        row[F_AVERAGE] = spec->average * g_rand_double_range (rand, 0.7, 1.3);
        row[F_TOTAL] = orders * row[F_AVERAGE];
        /* Tenure is at least recency; the lapsed and new groups' tenure is a little more. */
        row[F_TENURE] = g <= 1 ? MAX (recency, spec->tenure * g_rand_double_range (rand, 0.5, 1.5))
                               : recency + 2 * (spec->tenure - spec->recency) * g_rand_double (rand);
        row[F_WEEKEND] = counted_share (rand, spec->weekend, n);
        row[F_EVENING] = counted_share (rand, spec->evening, n);
        row[F_DISCOUNT] = counted_share (rand, spec->discount, n);
        row[F_OPEN] = g_rand_double (rand) < 0.25
                      ? NAN
                      : counted_share (rand, CLAMP (spec->open + g_rand_double_range (rand, -0.2, 0.2), 0, 1), 20);
      }

  *values_out = values;
  *labels_out = labels;
  *rows_out = rows;
}

/* The clustering's preprocessing in small: log1p for counts and money, then zero mean and unit
 * variance per column, missing values at the mean (0). */
static double *
standardize (const double       *values,
             gsize               rows,
             guint               cols,
             const char * const *names)
{
  double *x = g_new (double, rows * cols);

  for (guint c = 0; c < cols; c++)
    {
      gboolean log_scale = g_str_equal (names[c], CST_FEATURE_ORDERS) ||
                           g_str_equal (names[c], CST_FEATURE_TOTAL_SPEND) ||
                           g_str_equal (names[c], CST_FEATURE_AVERAGE_ORDER);
      double sum = 0, sum2 = 0, mean, sd;
      gsize n = 0;

      for (gsize i = 0; i < rows; i++)
        {
          double v = values[i * cols + c];

          if (isnan (v))
            continue;
          v = log_scale ? log1p (v) : v;
          x[i * cols + c] = v;
          sum += v;
          n++;
        }
      mean = sum / n;
      for (gsize i = 0; i < rows; i++)
        if (!isnan (values[i * cols + c]))
          sum2 += (x[i * cols + c] - mean) * (x[i * cols + c] - mean);
      sd = sqrt (sum2 / n);
      for (gsize i = 0; i < rows; i++)
        x[i * cols + c] = isnan (values[i * cols + c]) || sd == 0 ? 0.0 : (x[i * cols + c] - mean) / sd;
    }
  return x;
}

static const char *expected_sample_names[] = {
  "Frequent big spenders",
  "Weekend bargain hunters",
  "Lapsed one-time buyers",
  "New customers",
};

static void
test_sample_like (void)
{
  g_autofree double *values = NULL;
  g_autofree guint *labels = NULL;
  g_autofree double *x = NULL;
  g_autoptr(CstExplanation) e = NULL;
  gsize rows;

  make_sample_like (&values, &labels, &rows);
  x = standardize (values, rows, N_SAMPLE_FEATURES, sample_names);
  e = cst_explain_segments (values, x, rows, N_SAMPLE_FEATURES, sample_names, labels, 4);
  g_assert_nonnull (e);

  for (guint s = 0; s < 4; s++)
    {
      const CstSegmentExplanation *segment = &e->segments[s];

      g_test_message ("segment %u: %s", s, segment->name);
      for (guint d = 0; d < segment->n_differences; d++)
        g_test_message ("  %-16s %+.2f sd  %.3g vs %.3g", sample_names[segment->differences[d].feature],
                        segment->differences[d].std_diff, segment->differences[d].mean,
                        segment->differences[d].rest_mean);
      for (guint j = 0; j < count_facts (segment); j++)
        g_test_message ("  • %s", segment->facts[j]);
      g_assert_cmpuint (count_facts (segment), ==, 3);
    }
  for (guint s = 0; s < 4; s++)
    g_assert_cmpstr (e->segments[s].name, ==, expected_sample_names[s]);
}

/* Names key on feature names, never on positions: the same table with its columns reversed,
 * or with some left out, gives the same names and the same facts. */
static void
test_sample_like_any_order (void)
{
  g_autofree double *values = NULL;
  g_autofree guint *labels = NULL;
  g_autofree double *reversed = NULL;
  g_autofree double *x = NULL;
  g_autofree double *x_reversed = NULL;
  g_autoptr(CstExplanation) e = NULL;
  g_autoptr(CstExplanation) e_reversed = NULL;
  const char *names_reversed[N_SAMPLE_FEATURES];
  gsize rows;

  make_sample_like (&values, &labels, &rows);
  reversed = g_new (double, rows * N_SAMPLE_FEATURES);
  for (guint c = 0; c < N_SAMPLE_FEATURES; c++)
    {
      names_reversed[c] = sample_names[N_SAMPLE_FEATURES - 1 - c];
      for (gsize i = 0; i < rows; i++)
        reversed[i * N_SAMPLE_FEATURES + c] = values[i * N_SAMPLE_FEATURES + N_SAMPLE_FEATURES - 1 - c];
    }
  x = standardize (values, rows, N_SAMPLE_FEATURES, sample_names);
  x_reversed = standardize (reversed, rows, N_SAMPLE_FEATURES, names_reversed);
  e = cst_explain_segments (values, x, rows, N_SAMPLE_FEATURES, sample_names, labels, 4);
  e_reversed = cst_explain_segments (reversed, x_reversed, rows, N_SAMPLE_FEATURES, names_reversed,
                                     labels, 4);

  for (guint s = 0; s < 4; s++)
    {
      g_assert_cmpstr (e_reversed->segments[s].name, ==, e->segments[s].name);
      for (guint j = 0; j < 3; j++)
        g_assert_cmpstr (e_reversed->segments[s].facts[j], ==, e->segments[s].facts[j]);
    }

  /* Without the email open rate, the evening share and the tenure: the loyal, bargain and
   * lapsed groups keep their names; the new customers, known by their short tenure, are now
   * the ones who bought least often and little. */
  {
    const guint keep[] = { F_DISCOUNT, F_ORDERS, F_WEEKEND, F_TOTAL, F_RECENCY, F_AVERAGE };
    const guint n_keep = G_N_ELEMENTS (keep);
    g_autofree double *subset = g_new (double, rows * n_keep);
    g_autofree double *x_subset = NULL;
    g_autoptr(CstExplanation) e_subset = NULL;
    const char *names_subset[G_N_ELEMENTS (keep)];

    for (guint c = 0; c < n_keep; c++)
      {
        names_subset[c] = sample_names[keep[c]];
        for (gsize i = 0; i < rows; i++)
          subset[i * n_keep + c] = values[i * N_SAMPLE_FEATURES + keep[c]];
      }
    x_subset = standardize (subset, rows, n_keep, names_subset);
    e_subset = cst_explain_segments (subset, x_subset, rows, n_keep, names_subset, labels, 4);
    for (guint s = 0; s < 3; s++)
      g_assert_cmpstr (e_subset->segments[s].name, ==, expected_sample_names[s]);
    g_test_message ("new customers without tenure: %s", e_subset->segments[3].name);
    g_assert_cmpstr (e_subset->segments[3].name, !=, "New customers");
  }
}

/* Two segments that come out with the same name are told apart by their next strongest trait;
 * where nothing tells them apart, by letters. */
static void
test_unique_names (void)
{
  /* Three segments of two people. Segments 0 and 1 both order much more and spend much more
   * than segment 2 (std_diff 1.5 each); segment 0 orders a little more on weekends
   * (std_diff +0.45, below a defining trait), segment 1 a little less. */
  const double values[] = {
    10, 1000, 0.4,   10, 1000, 0.4,
    10, 1000, 0.2,   10, 1000, 0.2,
    1, 50, 0.3,      1, 50, 0.3,
  };
  const double standardized[] = {
    1, 1, 0.3,   1, 1, 0.3,
    1, 1, -0.3,  1, 1, -0.3,
    -2, -2, 0,   -2, -2, 0,
  };
  const char *names[] = { CST_FEATURE_ORDERS, CST_FEATURE_TOTAL_SPEND, CST_FEATURE_WEEKEND };
  const guint labels[] = { 0, 0, 1, 1, 2, 2 };
  g_autoptr(CstExplanation) e = cst_explain_segments (values, standardized, 6, 3, names, labels, 3);

  g_assert_nonnull (e);
  g_assert_cmpfloat_with_epsilon (find_difference (&e->segments[0], 2)->std_diff, 0.45, TOLERANCE);
  g_assert_cmpstr (e->segments[0].name, ==, "Frequent big spenders (weekend)");
  /* Segment 1's weekend difference is negative: no trait, no tag, and its name is already
   * unique once segment 0 has its tag. */
  g_assert_cmpstr (e->segments[1].name, ==, "Frequent big spenders");
  g_assert_cmpstr (e->segments[2].name, ==, "One-time buyers");
}

/* All values equal: every effect is 0, every segment "Average customers", told apart by
 * letters; no facts, no crash. */
static void
test_all_equal (void)
{
  const double values[] = { 3, 0.5, 3, 0.5, 3, 0.5, 3, 0.5, 3, 0.5, 3, 0.5 };
  const double standardized[12] = { 0 };
  const char *names[] = { CST_FEATURE_ORDERS, CST_FEATURE_WEEKEND };
  const guint labels[] = { 0, 1, 2, 0, 1, 2 };
  g_autoptr(CstExplanation) e = cst_explain_segments (values, standardized, 6, 2, names, labels, 3);

  g_assert_nonnull (e);
  g_assert_cmpstr (e->segments[0].name, ==, "Average customers A");
  g_assert_cmpstr (e->segments[1].name, ==, "Average customers B");
  g_assert_cmpstr (e->segments[2].name, ==, "Average customers C");
  for (guint s = 0; s < 3; s++)
    {
      g_assert_cmpuint (count_facts (&e->segments[s]), ==, 0);
      for (guint d = 0; d < 2; d++)
        {
          g_assert_cmpfloat (e->segments[s].differences[d].std_diff, ==, 0.0);
          g_assert_cmpfloat_with_epsilon (e->segments[s].differences[d].ratio, 1.0, TOLERANCE);
        }
    }
}

/* One segment: nobody to compare with. */
static void
test_single_segment (void)
{
  const double values[] = { 1, 2, 3 };
  const double standardized[] = { -1, 0, 1 };
  const char *names[] = { CST_FEATURE_ORDERS };
  const guint labels[] = { 0, 0, 0 };
  g_autoptr(CstExplanation) e = cst_explain_segments (values, standardized, 3, 1, names, labels, 1);

  g_assert_nonnull (e);
  g_assert_cmpstr (e->segments[0].name, ==, "All customers");
  g_assert_cmpfloat_with_epsilon (e->segments[0].differences[0].mean, 2.0, TOLERANCE);
  g_assert_true (isnan (e->segments[0].differences[0].rest_mean));
  g_assert_true (isnan (e->segments[0].differences[0].ratio));
  g_assert_cmpfloat (e->segments[0].differences[0].std_diff, ==, 0.0);
  g_assert_cmpuint (count_facts (&e->segments[0]), ==, 0);
}

/* A segment with everyone but one person, and an empty segment. */
static void
test_lopsided (void)
{
  const double values[] = { 1, 1, 1, 1, 1, 50 };
  const double standardized[] = { -0.4, -0.4, -0.4, -0.4, -0.4, 2.0 };
  const char *names[] = { CST_FEATURE_ORDERS };
  const guint labels[] = { 0, 0, 0, 0, 0, 1 };
  g_autoptr(CstExplanation) e = cst_explain_segments (values, standardized, 6, 1, names, labels, 3);

  g_assert_nonnull (e);
  /* −0.4 − 2.0 = −2.4 sd; five people with one order each. */
  g_assert_cmpfloat_with_epsilon (e->segments[0].differences[0].std_diff, -2.4, TOLERANCE);
  g_assert_cmpstr (e->segments[0].name, ==, "One-time buyers");
  g_assert_cmpstr (e->segments[0].facts[0], ==, "Order 98 % less often than other customers");
  g_assert_cmpstr (e->segments[1].name, ==, "Frequent buyers");
  g_assert_cmpstr (e->segments[1].facts[0], ==, "Order 50× as often as other customers");
  g_assert_cmpstr (e->segments[2].name, ==, "Empty segment");
  g_assert_true (isnan (e->segments[2].differences[0].mean));
  g_assert_cmpfloat_with_epsilon (e->segments[2].differences[0].rest_mean, 55.0 / 6, TOLERANCE);
  g_assert_cmpuint (count_facts (&e->segments[2]), ==, 0);
}

/* The first fact of a segment of one person with @mean against one person with @rest_mean,
 * 2 sd apart in the direction of the difference (−2 when the two are equal). */
static char *
fact_for (const char *name,
          double      mean,
          double      rest_mean)
{
  const double values[] = { mean, rest_mean };
  const double standardized[] = { mean > rest_mean ? 1 : -1, mean > rest_mean ? -1 : 1 };
  const char *names[] = { name };
  const guint labels[] = { 0, 1 };
  g_autoptr(CstExplanation) e = cst_explain_segments (values, standardized, 2, 1, names, labels, 2);

  g_assert_nonnull (e);
  return g_strdup (e->segments[0].facts[0]);
}

#define assert_fact(name, mean, rest, expected)                  \
  G_STMT_START {                                                  \
    g_autofree char *fact_ = fact_for ((name), (mean), (rest));   \
    g_assert_cmpstr (fact_, ==, (expected));                      \
  } G_STMT_END

static void
test_facts (void)
{
  /* Ratios from 2 up: two significant digits. */
  assert_fact (CST_FEATURE_ORDERS, 31, 10, "Order 3.1× as often as other customers");
  assert_fact (CST_FEATURE_AVERAGE_ORDER, 42.4, 10, "Spend 4.2× as much per order");
  assert_fact (CST_FEATURE_TOTAL_SPEND, 1140, 100, "Spend 11× as much in total");
  assert_fact (CST_FEATURE_TOTAL_SPEND, 9.96, 1, "Spend 10× as much in total");
  assert_fact (CST_FEATURE_TOTAL_SPEND, 1234, 10, "Spend 120× as much in total");
  assert_fact (CST_FEATURE_ORDERS, 20.2, 10, "Order twice as often as other customers");
  /* Below 2, a whole percentage more; below 1, the other way round. */
  assert_fact (CST_FEATURE_ORDERS, 15, 10, "Order 50 % more often than other customers");
  assert_fact (CST_FEATURE_ORDERS, 5, 10, "Order half as often as other customers");
  assert_fact (CST_FEATURE_AVERAGE_ORDER, 60, 100, "Spend 40 % less per order");
  assert_fact (CST_FEATURE_TOTAL_SPEND, 5, 10, "Spend half as much in total");
  assert_fact (CST_FEATURE_TOTAL_SPEND, 1, 1000, "Spend 99 % less in total");
  /* No difference worth a word: no fact. */
  assert_fact (CST_FEATURE_ORDERS, 10.02, 10, NULL);
  /* Others at 0: no ratio, the generic form with the feature's label. */
  {
    g_autofree char *fact = fact_for (CST_FEATURE_ORDERS, 3, 0);

    g_assert_true (g_str_has_suffix (fact, ": 3.0 (others: 0.0)"));
  }

  /* Days: whole days, with plurals. */
  assert_fact (CST_FEATURE_RECENCY, 540.4, 94.6,
               "Last ordered 540 days ago on average (others: 95 days)");
  assert_fact (CST_FEATURE_RECENCY, 1.2, 30, "Last ordered 1 day ago on average (others: 30 days)");
  assert_fact (CST_FEATURE_TENURE, 44, 1, "First ordered 44 days ago on average (others: 1 day)");
  assert_fact (CST_FEATURE_GAP, 12, 40, "Order every 12 days on average (others: 40 days)");
  assert_fact (CST_FEATURE_ENGAGEMENT, 3, 60,
               "Last engaged with an email 3 days ago on average (others: 60 days)");

  /* Shares: whole percentages. */
  assert_fact (CST_FEATURE_WEEKEND, 0.80, 0.31, "80 % of their orders are on a weekend (others: 31 %)");
  assert_fact (CST_FEATURE_EVENING, 0.584, 0.3,
               "58 % of their orders are in the evening or at night (others: 30 %)");
  assert_fact (CST_FEATURE_DISCOUNT, 0.70, 0.25, "Use a discount on 70 % of orders (others: 25 %)");
  assert_fact (CST_FEATURE_OPEN_RATE, 0.54, 0.32, "Open 54 % of emails (others: 32 %)");
  assert_fact (CST_FEATURE_CLICK_RATE, 0.1, 0.02, "Click a link in 10 % of emails (others: 2 %)");
  assert_fact (CST_FEATURE_TOP_CATEGORY, 0.9, 0.5,
               "90 % of their purchases are in their favorite category (others: 50 %)");
  assert_fact ("channel:app", 0.65, 0.2, "Order via the app 65 % of the time (others: 20 %)");
  assert_fact ("channel:web", 0.65, 0.2, "Order online 65 % of the time (others: 20 %)");
  assert_fact ("channel:store", 0.65, 0.2, "Order in store 65 % of the time (others: 20 %)");
  assert_fact ("channel:kiosk", 0.65, 0.2, "Order via kiosk 65 % of the time (others: 20 %)");

  /* Category breadth as a ratio too, and regularity in words. */
  assert_fact (CST_FEATURE_CATEGORIES, 4.2, 1.4, "Buy from 3.0× as many categories");
  assert_fact (CST_FEATURE_CATEGORIES, 1.1, 3.7, "Buy from 70 % fewer categories");
  assert_fact (CST_FEATURE_GAP_REGULARITY, 0.2, 0.9,
               "Order at more regular intervals than other customers");
}

/* The name of a segment of one person with the given standardized differences against one other
 * person, with raw means chosen to match their sign. */
static char *
name_for (const char * const *names,
          const double       *effects,
          const double       *means,
          guint               cols)
{
  g_autofree double *values = g_new (double, 2 * cols);
  g_autofree double *standardized = g_new (double, 2 * cols);
  const guint labels[] = { 0, 1 };
  g_autoptr(CstExplanation) e = NULL;

  for (guint c = 0; c < cols; c++)
    {
      values[c] = means[c];
      values[cols + c] = means[c] * (effects[c] > 0 ? 0.5 : effects[c] < 0 ? 2 : 1);
      standardized[c] = effects[c] / 2;
      standardized[cols + c] = -effects[c] / 2;
    }
  e = cst_explain_segments (values, standardized, 2, cols, names, labels, 2);
  g_assert_nonnull (e);
  return g_strdup (e->segments[0].name);
}

/* The grammar on its own: adjective + noun, alone forms, explained-away traits, themes, a
 * partner at least half as strong, core themes first, built channel words. */
static void
test_grammar (void)
{
  struct
  {
    const char *names[3];
    double      effects[3];
    double      means[3];
    const char *expected;
  } cases[] = {
    /* Alone forms. */
    { { "orders" }, { 1.0 }, { 20 }, "Frequent buyers" },
    { { "weekend_share" }, { 1.0 }, { 0.8 }, "Weekend shoppers" },
    { { "channel:app" }, { 1.0 }, { 0.8 }, "App-first customers" },
    { { "channel:kiosk" }, { 1.0 }, { 0.8 }, "Kiosk-first customers" },
    { { "email_open_rate" }, { -1.0 }, { 0.1 }, "Email-quiet customers" },
    { { "gap_variation" }, { -1.0 }, { 0.1 }, "Regulars" },
    { { "category_breadth" }, { 1.0 }, { 5 }, "Explorers" },
    { { "top_category_share" }, { 1.0 }, { 0.9 }, "Category loyalists" },
    { { "evening_share" }, { 1.0 }, { 0.7 }, "Evening shoppers" },
    /* Adjective + noun, whichever is stronger; the stronger of two nouns is the head. */
    { { "weekend_share", "discount_share" }, { 2.0, 1.5 }, { 0.8, 0.7 }, "Weekend bargain hunters" },
    { { "discount_share", "total_spend" }, { 2.0, 1.5 }, { 0.7, 900 }, "High-value bargain hunters" },
    { { "discount_share", "total_spend" }, { 1.5, 2.0 }, { 0.7, 900 }, "Deal-seeking big spenders" },
    { { "channel:store", "orders" }, { 2.0, 1.5 }, { 0.9, 20 }, "Frequent in-store shoppers" },
    { { "channel:kiosk", "discount_share" }, { 2.0, 1.5 }, { 0.9, 0.7 }, "Kiosk-first bargain hunters" },
    /* Same theme: no "premium big spenders"; the next trait pairs instead. */
    { { "total_spend", "average_order", "orders" }, { 2.0, 1.9, 1.8 }, { 900, 100, 20 },
      "Frequent big spenders" },
    /* Two adjectives cannot pair: the alone form. */
    { { "weekend_share", "evening_share" }, { 2.0, 1.5 }, { 0.8, 0.7 }, "Weekend shoppers" },
    /* A partner less than half as strong does not name the segment. */
    { { "tenure_days", "email_open_rate" }, { -2.4, 1.0 }, { 40, 0.6 }, "New customers" },
    { { "tenure_days", "email_open_rate" }, { -2.0, 1.2 }, { 40, 0.6 }, "Engaged newcomers" },
    /* Explained away: new customers naturally have few orders and ordered recently. */
    { { "tenure_days", "orders", "recency_days" }, { -2.0, -1.9, -1.8 }, { 40, 1.7, 20 },
      "New customers" },
    /* New and lapsed contradict (tenure is at least recency): the segment mixes the two, and
     * neither names it; what they share does. */
    { { "tenure_days", "recency_days", "orders" }, { -2.0, 1.9, -1.8 }, { 300, 290, 1.4 },
      "One-time buyers" },
    /* Core themes are preferred partners: lapsed before email-quiet. */
    { { "orders", "email_open_rate", "recency_days" }, { -2.0, -1.9, 1.8 }, { 1.1, 0.1, 500 },
      "Lapsed one-time buyers" },
    /* Below 0.5 sd nothing is defining. The other person is average too, so the two names
     * are told apart by the strongest notable trait. */
    { { "orders", "weekend_share" }, { 0.45, -0.3 }, { 5, 0.3 }, "Average customers (frequent)" },
    /* Defining, but nothing the vocabulary names. */
    { { "weekend_share" }, { -1.0 }, { 0.1 }, "Mixed group" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint cols = 0;
      g_autofree char *name = NULL;

      while (cols < 3 && cases[i].names[cols] != NULL)
        cols++;
      name = name_for (cases[i].names, cases[i].effects, cases[i].means, cols);
      g_assert_cmpstr (name, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/explain/hand-checked", test_hand_checked);
  g_test_add_func ("/cst/explain/missing", test_missing);
  g_test_add_func ("/cst/explain/sample-like", test_sample_like);
  g_test_add_func ("/cst/explain/sample-like-any-order", test_sample_like_any_order);
  g_test_add_func ("/cst/explain/unique-names", test_unique_names);
  g_test_add_func ("/cst/explain/all-equal", test_all_equal);
  g_test_add_func ("/cst/explain/single-segment", test_single_segment);
  g_test_add_func ("/cst/explain/lopsided", test_lopsided);
  g_test_add_func ("/cst/explain/facts", test_facts);
  g_test_add_func ("/cst/explain/grammar", test_grammar);

  return g_test_run ();
}
