/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "models/cst-rfm.h"

/* Ten people, scored by hand with score = 1 + ⌊5·b / n⌋, b = people strictly worse:
 *
 *   recency (fewer days is better)   400 200 100  30  30  30  20  10   5   5
 *     b                                0   1   2   3   3   3   6   7   8   8
 *     R                                1   1   2   2   2   2   4   4   5   5
 *   orders                             1   1   1   1   2   2   3   5   8  13
 *     b                                0   0   0   0   4   4   6   7   8   9
 *     F                                1   1   1   1   3   3   4   4   5   5
 *   spend                             10  20  30  40  50  60  70  80  90 100
 *     M                                1   1   2   2   3   3   4   4   5   5
 *
 * Ties share a score: the three people at 30 days all get R 2, the four one-time buyers F 1.
 * (Average ranks would give the one-time buyers ⌈5 · 2.5 / 10⌉ = 2.) */
static void
test_scores (void)
{
  const double recency[] = { 400, 200, 100, 30, 30, 30, 20, 10, 5, 5 };
  const double orders[] = { 1, 1, 1, 1, 2, 2, 3, 5, 8, 13 };
  const double spend[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
  const guint8 r[] = { 1, 1, 2, 2, 2, 2, 4, 4, 5, 5 };
  const guint8 f[] = { 1, 1, 1, 1, 3, 3, 4, 4, 5, 5 };
  const guint8 m[] = { 1, 1, 2, 2, 3, 3, 4, 4, 5, 5 };
  CstRfmScore scores[10];
  CstRfmGroup groups[10];

  cst_rfm_score (recency, orders, spend, 10, scores, groups);
  for (guint i = 0; i < 10; i++)
    {
      g_assert_cmpuint (scores[i].r, ==, r[i]);
      g_assert_cmpuint (scores[i].f, ==, f[i]);
      g_assert_cmpuint (scores[i].m, ==, m[i]);
      g_assert_cmpint (groups[i], ==, cst_rfm_group_for_score (scores[i]));
    }

  /* Person 0: R 1, FM ⌊(1 + 1) / 2⌋ = 1: lost. Person 4: R 2, FM 3: at risk. Person 6: R 4,
   * FM 4: champion. Person 9: R 5, FM 5: champion. Person 3: R 2, FM ⌊(1 + 2) / 2⌋ = 1:
   * hibernating. */
  g_assert_cmpint (groups[0], ==, CST_RFM_LOST);
  g_assert_cmpint (groups[3], ==, CST_RFM_HIBERNATING);
  g_assert_cmpint (groups[4], ==, CST_RFM_AT_RISK);
  g_assert_cmpint (groups[6], ==, CST_RFM_CHAMPIONS);
  g_assert_cmpint (groups[9], ==, CST_RFM_CHAMPIONS);
}

/* Without ties, 25 people fall into five quintiles of five, in the order of their values,
 * whatever order they come in. */
static void
test_quintiles (void)
{
  double x[25];
  guint counts[6] = { 0 };
  CstRfmScore scores[25];

  for (guint i = 0; i < 25; i++)
    x[i] = (i * 7) % 25;   /* a permutation of 0…24 */
  cst_rfm_score (x, x, x, 25, scores, NULL);
  for (guint i = 0; i < 25; i++)
    {
      g_assert_cmpuint (scores[i].f, ==, 1 + (guint) x[i] / 5);
      g_assert_cmpuint (scores[i].m, ==, scores[i].f);
      g_assert_cmpuint (scores[i].r, ==, 6 - scores[i].f);
      counts[scores[i].f]++;
    }
  for (guint s = 1; s <= 5; s++)
    g_assert_cmpuint (counts[s], ==, 5);
}

/* Missing values score 1 and do not count in the ranks; no people, no work; all equal, all 1. */
static void
test_edge_cases (void)
{
  const double recency[] = { NAN, 10, 20, 30, 40, 50 };
  const double orders[] = { 3, 3, 3, 3, 3, 3 };
  const double spend[] = { 1, 2, 3, 4, 5, NAN };
  CstRfmScore scores[6];

  cst_rfm_score (recency, orders, spend, 6, scores, NULL);
  /* Recency of the five valid: 50 → b 0 → 1, 40 → 2, 30 → 3, 20 → 4, 10 → 5. */
  g_assert_cmpuint (scores[0].r, ==, 1);
  for (guint i = 1; i < 6; i++)
    g_assert_cmpuint (scores[i].r, ==, 6 - i);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpuint (scores[i].f, ==, 1);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpuint (scores[i].m, ==, i + 1);
  g_assert_cmpuint (scores[5].m, ==, 1);

  cst_rfm_score (NULL, NULL, NULL, 0, NULL, NULL);
}

/* The R × FM map, cell by cell, as documented in cst-rfm.c. Rows are FM 5 down to 1, columns
 * R 1 to 5. */
static void
test_group_map (void)
{
  enum { CH = CST_RFM_CHAMPIONS, LO = CST_RFM_LOYAL, PL = CST_RFM_POTENTIAL_LOYALISTS,
         NC = CST_RFM_NEW_CUSTOMERS, PR = CST_RFM_PROMISING, NA = CST_RFM_NEED_ATTENTION,
         AS = CST_RFM_ABOUT_TO_SLEEP, AR = CST_RFM_AT_RISK, CL = CST_RFM_CANT_LOSE,
         HI = CST_RFM_HIBERNATING, LS = CST_RFM_LOST };
  const int map[5][5] = {
    /* FM 5 */ { CL, CL, LO, CH, CH },
    /* FM 4 */ { AR, AR, LO, CH, CH },
    /* FM 3 */ { AR, AR, NA, PL, PL },
    /* FM 2 */ { LS, HI, AS, PL, PL },
    /* FM 1 */ { LS, HI, AS, PR, NC },
  };
  guint seen[CST_RFM_N_GROUPS] = { 0 };

  for (guint8 r = 1; r <= 5; r++)
    for (guint8 f = 1; f <= 5; f++)
      for (guint8 m = 1; m <= 5; m++)
        {
          CstRfmScore score = { r, f, m };
          guint fm = (f + m) / 2;
          CstRfmGroup group = cst_rfm_group_for_score (score);

          g_assert_cmpint (group, ==, map[5 - fm][r - 1]);
          seen[group]++;
        }
  for (guint g = 0; g < CST_RFM_N_GROUPS; g++)
    g_assert_cmpuint (seen[g], >, 0);

  /* The familiar corners, and FM rounding down: F 4 with M 3 is FM 3. */
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 5, 5, 5 }), ==, CST_RFM_CHAMPIONS);
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 1, 1, 1 }), ==, CST_RFM_LOST);
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 5, 1, 1 }), ==, CST_RFM_NEW_CUSTOMERS);
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 5, 1, 2 }), ==, CST_RFM_NEW_CUSTOMERS);
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 4, 1, 1 }), ==, CST_RFM_PROMISING);
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 1, 5, 5 }), ==, CST_RFM_CANT_LOSE);
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 3, 3, 3 }), ==, CST_RFM_NEED_ATTENTION);
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 3, 5, 4 }), ==, CST_RFM_LOYAL);
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 5, 4, 3 }), ==, CST_RFM_POTENTIAL_LOYALISTS);
  g_assert_cmpint (cst_rfm_group_for_score ((CstRfmScore) { 4, 4, 4 }), ==, CST_RFM_CHAMPIONS);
}

static void
test_names (void)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint g = 0; g < CST_RFM_N_GROUPS; g++)
    {
      const char *name = cst_rfm_group_name (g);
      const char *description = cst_rfm_group_description (g);

      g_assert_nonnull (name);
      g_assert_cmpuint (strlen (name), >, 0);
      g_assert_true (g_hash_table_add (names, (gpointer) name));
      g_assert_nonnull (description);
      g_assert_true (g_str_has_suffix (description, "."));
    }
  g_assert_cmpstr (cst_rfm_group_name (CST_RFM_CHAMPIONS), ==, "Champions");
  g_assert_cmpstr (cst_rfm_group_name (CST_RFM_CANT_LOSE), ==, "Can’t lose them");
  g_assert_cmpstr (cst_rfm_group_name (CST_RFM_LOST), ==, "Lost");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/rfm/scores", test_scores);
  g_test_add_func ("/cst/rfm/quintiles", test_quintiles);
  g_test_add_func ("/cst/rfm/edge-cases", test_edge_cases);
  g_test_add_func ("/cst/rfm/group-map", test_group_map);
  g_test_add_func ("/cst/rfm/names", test_names);

  return g_test_run ();
}
