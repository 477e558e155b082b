/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-evaluation"

#include "config.h"

#include "cst-classify-private.h"

#include <math.h>
#include <stdlib.h>

/* Holdout measures. Everything sorts the scores once; ties are treated as one threshold, so the
 * ROC curve, the AUC and the gain curve do not depend on the order of tied rows. */

typedef struct
{
  double score;
  gsize  index;
} Ranked;

/* Descending by score, NAN last, then by row for a deterministic order. */
static int
compare_descending (const void *a,
                    const void *b)
{
  const Ranked *ra = a;
  const Ranked *rb = b;
  gboolean na = isnan (ra->score);
  gboolean nb = isnan (rb->score);

  if (na != nb)
    return na ? 1 : -1;
  if (!na && ra->score != rb->score)
    return ra->score > rb->score ? -1 : 1;
  return ra->index < rb->index ? -1 : ra->index > rb->index;
}

static Ranked *
rank_descending (const double *score,
                 gsize         n)
{
  Ranked *ranked = g_new (Ranked, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    ranked[i] = (Ranked) { score[i], i };
  qsort (ranked, n, sizeof (Ranked), compare_descending);
  return ranked;
}

static inline gboolean
same_score (double a,
            double b)
{
  return a == b || (isnan (a) && isnan (b));
}

double
cst_classify_auc (const double *score,
                  const guint8 *y,
                  gsize         n)
{
  g_autofree Ranked *ranked = rank_descending (score, n);
  double n1 = 0.0;
  double n0 = 0.0;
  double pairs = 0.0;   /* (positive, negative) pairs ordered correctly, ties counting ½ */

  /* Walking from the highest score down, every negative group meets the positives seen so
   * far above it (all correctly ordered) and half of its own tied positives. */
  for (gsize start = 0; start < n;)
    {
      gsize end = start;
      double pos = 0.0;
      double neg = 0.0;

      while (end < n && same_score (ranked[end].score, ranked[start].score))
        {
          if (y[ranked[end].index])
            pos++;
          else
            neg++;
          end++;
        }
      pairs += neg * (n1 + 0.5 * pos);
      n1 += pos;
      n0 += neg;
      start = end;
    }

  if (n1 == 0.0 || n0 == 0.0)
    return NAN;
  return pairs / (n1 * n0);
}

void
cst_evaluation_clear (CstEvaluation *evaluation)
{
  g_clear_pointer (&evaluation->roc, g_array_unref);
  g_clear_pointer (&evaluation->gain, g_array_unref);
  g_clear_pointer (&evaluation->calibration, g_array_unref);
  g_clear_pointer (&evaluation->suspicious, g_array_unref);
  g_clear_pointer (&evaluation->calibration_counts, g_array_unref);
}

void
cst_classify_evaluate (const double  *probability,
                       const guint8  *y,
                       gsize          n,
                       CstEvaluation *evaluation)
{
  g_autofree Ranked *ranked = rank_descending (probability, n);
  double positives = 0.0;
  double found = 0.0;
  double seen_neg = 0.0;
  gsize top;
  double bin_sum[10] = { 0 };
  double bin_hits[10] = { 0 };
  double bin_count[10] = { 0 };
  CstCurvePoint point;

  for (gsize i = 0; i < n; i++)
    positives += y[i] ? 1.0 : 0.0;
  evaluation->base_rate = n > 0 ? positives / n : NAN;

  /* Lift: the top 10 % by score (at least one row), rows in score order. */
  top = MAX ((gsize) 1, (gsize) ceil (0.1 * n));
  top = MIN (top, n);
  for (gsize k = 0; k < top; k++)
    found += y[ranked[k].index] ? 1.0 : 0.0;
  evaluation->lift_top10 = positives > 0.0 && top > 0 ? (found / top) / evaluation->base_rate : NAN;

  /* ROC: one point per distinct score, from (0, 0) to (1, 1). */
  evaluation->roc = g_array_new (FALSE, FALSE, sizeof (CstCurvePoint));
  point = (CstCurvePoint) { 0.0, 0.0 };
  g_array_append_val (evaluation->roc, point);
  found = 0.0;
  for (gsize start = 0; start < n;)
    {
      gsize end = start;

      while (end < n && same_score (ranked[end].score, ranked[start].score))
        {
          if (y[ranked[end].index])
            found++;
          else
            seen_neg++;
          end++;
        }
      point.x = n - positives > 0.0 ? seen_neg / (n - positives) : 0.0;
      point.y = positives > 0.0 ? found / positives : 0.0;
      g_array_append_val (evaluation->roc, point);
      start = end;
    }

  /* Gain: after contacting the top k % (k = 0 … 100), the share of all positives reached. */
  evaluation->gain = g_array_new (FALSE, FALSE, sizeof (CstCurvePoint));
  found = 0.0;
  for (guint k = 0, row = 0; k <= 100; k++)
    {
      gsize upto = (gsize) llround (k / 100.0 * n);

      for (; row < upto; row++)
        found += y[ranked[row].index] ? 1.0 : 0.0;
      point.x = k / 100.0;
      point.y = positives > 0.0 ? found / positives : 0.0;
      g_array_append_val (evaluation->gain, point);
    }

  /* Calibration: ten equal-width bins of predicted probability. */
  for (gsize i = 0; i < n; i++)
    {
      double p = probability[i];
      int b;

      if (isnan (p))
        continue;
      b = CLAMP ((int) floor (p * 10.0), 0, 9);
      bin_sum[b] += p;
      bin_hits[b] += y[i] ? 1.0 : 0.0;
      bin_count[b]++;
    }
  evaluation->calibration = g_array_new (FALSE, FALSE, sizeof (CstCurvePoint));
  evaluation->calibration_counts = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint b = 0; b < 10; b++)
    if (bin_count[b] > 0.0)
      {
        guint64 count = (guint64) bin_count[b];

        point.x = bin_sum[b] / bin_count[b];
        point.y = bin_hits[b] / bin_count[b];
        g_array_append_val (evaluation->calibration, point);
        g_array_append_val (evaluation->calibration_counts, count);
      }
}
