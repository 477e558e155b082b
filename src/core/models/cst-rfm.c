/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-rfm"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "cst-rfm.h"

/* The R × FM segment map.
 *
 * RFM scoring goes back to direct marketing (Hughes, "Strategic Database Marketing", 1994;
 * Blattberg, Kim & Neslin, "Database Marketing", Springer 2008, ch. 12). The eleven named
 * groups are industry convention rather than anything from those books; the common table (as
 * published by Putler, "RFM Analysis For Successful Customer Segmentation", and repeated by
 * vendors) gives each group a range of R and of FM, the combined frequency and monetary score:
 *
 *   Champions            R 4–5  FM 4–5     Need attention   R 2–3  FM 2–3
 *   Loyal customers      R 2–5  FM 3–5     About to sleep   R 2–3  FM 1–2
 *   Potential loyalists  R 3–5  FM 1–3     At risk          R 1–2  FM 2–5
 *   New customers        R 4–5  FM 1       Can't lose them  R 1    FM 4–5
 *   Promising            R 3–4  FM 1       Hibernating      R 1–2  FM 1–2
 *                                          Lost             R 1–2  FM 1–2
 *
 * Those ranges overlap (Hibernating and Lost are the same box). Overlaps are settled by the
 * R × F map common in analysts' notebooks (hibernating [1-2][1-2], at risk [1-2][3-4], can't
 * lose [1-2]5, about to sleep 3[1-2], need attention 33, loyal [3-4][4-5], promising 41, new
 * 51, potential loyalists [4-5][2-3], champions 5[4-5]), read with FM for F, except that
 * Champions take R 4–5 as in the table above, and Lost takes the R 1 end of that map's
 * hibernating box (R 1, FM 1–2), Hibernating keeping R 2. The result is a partition of the
 * 5 × 5 grid:
 *
 *   FM \ R   1            2            3               4                    5
 *     5      Can't lose   Can't lose   Loyal           Champions            Champions
 *     4      At risk      At risk      Loyal           Champions            Champions
 *     3      At risk      At risk      Need attention  Potential loyalists  Potential loyalists
 *     2      Lost         Hibernating  About to sleep  Potential loyalists  Potential loyalists
 *     1      Lost         Hibernating  About to sleep  Promising            New customers
 *
 * FM is the mean of F and M rounded down, so a customer must earn both to reach a row. */
static const CstRfmGroup segment_map[5][5] = {
  /* FM = 1 */
  { CST_RFM_LOST, CST_RFM_HIBERNATING, CST_RFM_ABOUT_TO_SLEEP, CST_RFM_PROMISING,
    CST_RFM_NEW_CUSTOMERS },
  /* FM = 2 */
  { CST_RFM_LOST, CST_RFM_HIBERNATING, CST_RFM_ABOUT_TO_SLEEP, CST_RFM_POTENTIAL_LOYALISTS,
    CST_RFM_POTENTIAL_LOYALISTS },
  /* FM = 3 */
  { CST_RFM_AT_RISK, CST_RFM_AT_RISK, CST_RFM_NEED_ATTENTION, CST_RFM_POTENTIAL_LOYALISTS,
    CST_RFM_POTENTIAL_LOYALISTS },
  /* FM = 4 */
  { CST_RFM_AT_RISK, CST_RFM_AT_RISK, CST_RFM_LOYAL, CST_RFM_CHAMPIONS, CST_RFM_CHAMPIONS },
  /* FM = 5 */
  { CST_RFM_CANT_LOSE, CST_RFM_CANT_LOSE, CST_RFM_LOYAL, CST_RFM_CHAMPIONS, CST_RFM_CHAMPIONS },
};

static const struct
{
  const char *name;
  const char *description;
} group_texts[CST_RFM_N_GROUPS] = {
  [CST_RFM_CHAMPIONS] = {
    N_("Champions"),
    N_("Bought recently, buy often and spend the most."),
  },
  [CST_RFM_LOYAL] = {
    N_("Loyal customers"),
    N_("Buy often and spend well, though not always very recently."),
  },
  [CST_RFM_POTENTIAL_LOYALISTS] = {
    N_("Potential loyalists"),
    N_("Recent customers who have already bought more than once or spent a fair amount."),
  },
  [CST_RFM_NEW_CUSTOMERS] = {
    N_("New customers"),
    N_("Bought very recently, but only once or for little so far."),
  },
  [CST_RFM_PROMISING] = {
    N_("Promising"),
    N_("Bought fairly recently, but have not bought often or spent much yet."),
  },
  [CST_RFM_NEED_ATTENTION] = {
    N_("Need attention"),
    N_("Middling recency, frequency and spend: they may drift away without a reason to return."),
  },
  [CST_RFM_ABOUT_TO_SLEEP] = {
    N_("About to sleep"),
    N_("Have not bought for a while and bought little: they will be lost without a nudge."),
  },
  [CST_RFM_AT_RISK] = {
    N_("At risk"),
    N_("Bought often and spent well, but a long time ago."),
  },
  [CST_RFM_CANT_LOSE] = {
    N_("Can’t lose them"),
    N_("Were among the best customers, but have not come back for a long time."),
  },
  [CST_RFM_HIBERNATING] = {
    N_("Hibernating"),
    N_("Last bought long ago, rarely and for little."),
  },
  [CST_RFM_LOST] = {
    N_("Lost"),
    N_("The lowest recency, and low frequency and spend: the least likely to return."),
  },
};

typedef struct
{
  double key;    /* larger is better */
  gsize  index;
} Ranked;

static int
compare_ranked (const void *a,
                const void *b)
{
  const Ranked *ra = a;
  const Ranked *rb = b;

  if (ra->key != rb->key)
    return ra->key < rb->key ? -1 : 1;
  return (ra->index > rb->index) - (ra->index < rb->index);
}

/* Quintile scores by rank, ties kept together. A value's score is 1 + ⌊5·b / m⌋, where b is
 * the number of the m valid values strictly worse than it: without ties that is exactly five
 * groups of n/5 (for n divisible by 5), and all equal values share the score of the lowest of
 * them (pandas' rank (method = "min")). Average ranks (⌈5·r̄ / m⌉) would be the other common
 * choice, but they fail where ties are the rule: when more than 40 % of customers ordered
 * once, every one-time buyer would get F = 2 and nobody F = 1, so "New customers" (F 1) could
 * never appear. Here the lowest value always scores 1. Missing values (NAN) score 1 and do not
 * count in m.
 *
 * The scores are written through @out, @stride bytes apart. */
static void
score_column (const double *x,
              gsize         n,
              gboolean      lower_is_better,
              guint8       *out,
              gsize         stride)
{
  g_autofree Ranked *ranked = g_new (Ranked, n);
  gsize m = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (isnan (x[i]))
        out[i * stride] = 1;
      else
        {
          ranked[m].key = lower_is_better ? -x[i] : x[i];
          ranked[m].index = i;
          m++;
        }
    }
  if (m == 0)
    return;

  qsort (ranked, m, sizeof (Ranked), compare_ranked);
  for (gsize start = 0, end; start < m; start = end)
    {
      guint8 score = (guint8) (1 + (guint64) 5 * start / m);

      for (end = start; end < m && ranked[end].key == ranked[start].key; end++)
        out[ranked[end].index * stride] = score;
    }
}

/**
 * cst_rfm_score:
 * @recency_days: @n days since each person's last order (fewer is better)
 * @frequency: @n numbers of orders
 * @monetary: @n total spends
 * @n: people
 * @scores: (out caller-allocates): @n scores
 * @groups: (out caller-allocates) (nullable): @n named groups, or %NULL
 *
 * Scores each person 1–5 on recency, frequency and monetary value by quintile of rank among
 * everyone (5 = best; equal values share a score, the lowest value always scores 1; see
 * score_column() for why ties are ranked by their minimum rather than their average), and
 * places each in the R × FM segment map (cst_rfm_group_for_score()). Missing values (NAN) score 1.
 *
 * Cost: three sorts, O(n log n); 16 bytes of memory per person.
 */
void
cst_rfm_score (const double *recency_days,
               const double *frequency,
               const double *monetary,
               gsize         n,
               CstRfmScore  *scores,
               CstRfmGroup  *groups)
{
  g_return_if_fail (n == 0 || (recency_days != NULL && frequency != NULL && monetary != NULL));
  g_return_if_fail (n == 0 || scores != NULL);

  if (n == 0)
    return;
  score_column (recency_days, n, TRUE, (guint8 *) scores + offsetof (CstRfmScore, r),
                sizeof (CstRfmScore));
  score_column (frequency, n, FALSE, (guint8 *) scores + offsetof (CstRfmScore, f),
                sizeof (CstRfmScore));
  score_column (monetary, n, FALSE, (guint8 *) scores + offsetof (CstRfmScore, m),
                sizeof (CstRfmScore));

  if (groups != NULL)
    for (gsize i = 0; i < n; i++)
      groups[i] = cst_rfm_group_for_score (scores[i]);
}

/**
 * cst_rfm_group_for_score:
 * @score: R, F and M, each 1–5
 *
 * Places a score in the R × FM segment map documented at the top of cst-rfm.c, where
 * FM = ⌊(F + M) / 2⌋.
 *
 * Returns: the named group
 */
CstRfmGroup
cst_rfm_group_for_score (CstRfmScore score)
{
  guint fm;

  g_return_val_if_fail (score.r >= 1 && score.r <= 5, CST_RFM_LOST);
  g_return_val_if_fail (score.f >= 1 && score.f <= 5, CST_RFM_LOST);
  g_return_val_if_fail (score.m >= 1 && score.m <= 5, CST_RFM_LOST);

  fm = (score.f + score.m) / 2u;
  return segment_map[fm - 1][score.r - 1];
}

/**
 * cst_rfm_group_name:
 * @group: a group
 *
 * Returns: (transfer none): the group's translated name, as marketers know it ("Champions")
 */
const char *
cst_rfm_group_name (CstRfmGroup group)
{
  g_return_val_if_fail (group < CST_RFM_N_GROUPS, NULL);

  return _(group_texts[group].name);
}

/**
 * cst_rfm_group_description:
 * @group: a group
 *
 * Returns: (transfer none): one translated sentence saying who is in the group
 */
const char *
cst_rfm_group_description (CstRfmGroup group)
{
  g_return_val_if_fail (group < CST_RFM_N_GROUPS, NULL);

  return _(group_texts[group].description);
}
