/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "linkage/cst-linker.h"

/* Comparison vectors drawn from a known two-class model (λ = 0.1, three columns with four
 * levels each); EM started from the priors and a deliberately wrong u must recover m, u and λ.
 * Tolerance 0.02 on every probability: with 200,000 pairs the sampling error alone is below
 * 0.005 (3 standard errors of a proportion near 0.5 among 20,000 matches). */
static void
test_em_recovers_m_u (void)
{
  const double lambda_true = 0.1;
  const double m_true[3][CST_LINK_N_LEVELS] = {
    { 0, 0.80, 0.10, 0.05, 0.05 },
    { 0, 0.70, 0.15, 0.10, 0.05 },
    { 0, 0.90, 0.02, 0.03, 0.05 },
  };
  const double u_true[3][CST_LINK_N_LEVELS] = {
    { 0, 0.02, 0.03, 0.10, 0.85 },
    { 0, 0.05, 0.05, 0.10, 0.80 },
    { 0, 0.01, 0.02, 0.07, 0.90 },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) patterns = g_array_new (FALSE, FALSE, sizeof (CstLinkPattern));
  double m[CST_LINK_MAX_COLUMNS][CST_LINK_N_LEVELS] = { { 0 } };
  double u[CST_LINK_MAX_COLUMNS][CST_LINK_N_LEVELS] = { { 0 } };
  double lambda = 0;
  gboolean converged = FALSE;
  GHashTableIter iter;
  gpointer key, value;
  guint iterations;

  for (guint i = 0; i < 200000; i++)
    {
      gboolean match = g_rand_double (rand) < lambda_true;
      guint64 levels = 0;

      for (guint c = 0; c < 3; c++)
        {
          double x = g_rand_double (rand), acc = 0;
          guint l = CST_LINK_LEVEL_DIFFERENT;

          for (guint k = CST_LINK_LEVEL_EXACT; k < CST_LINK_N_LEVELS; k++)
            {
              acc += match ? m_true[c][k] : u_true[c][k];
              if (x < acc)
                {
                  l = k;
                  break;
                }
            }
          levels |= (guint64) l << (4 * c);
        }
      {
        double *count = g_hash_table_lookup (counts, &levels);

        if (count == NULL)
          {
            gint64 *k = g_new (gint64, 1);

            *k = levels;
            count = g_new0 (double, 1);
            g_hash_table_insert (counts, k, count);
          }
        (*count)++;
      }
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CstLinkPattern p = { *(guint64 *) key, *(double *) value };
      g_array_append_val (patterns, p);
    }

  /* A flat, wrong start for u. */
  for (guint c = 0; c < 3; c++)
    for (guint l = CST_LINK_LEVEL_EXACT; l < CST_LINK_N_LEVELS; l++)
      u[c][l] = 0.25;
  iterations = cst_link_em ((CstLinkPattern *) patterns->data, patterns->len, 3, 500, m, u, &lambda, &converged);
  g_test_message ("EM: %u iterations, λ = %.4f", iterations, lambda);
  g_assert_true (converged);
  g_assert_cmpfloat_with_epsilon (lambda, lambda_true, 0.01);
  for (guint c = 0; c < 3; c++)
    for (guint l = CST_LINK_LEVEL_EXACT; l < CST_LINK_N_LEVELS; l++)
      {
        g_assert_cmpfloat_with_epsilon (m[c][l], m_true[c][l], 0.02);
        g_assert_cmpfloat_with_epsilon (u[c][l], u_true[c][l], 0.02);
      }
}

static void
test_em_jaro_winkler (void)
{
  /* Reference values of Winkler (1990) as tabulated in the literature. */
  g_assert_cmpfloat_with_epsilon (cst_link_jaro_winkler ("martha", "marhta"), 0.961, 0.001);
  g_assert_cmpfloat_with_epsilon (cst_link_jaro_winkler ("dwayne", "duane"), 0.840, 0.001);
  g_assert_cmpfloat_with_epsilon (cst_link_jaro_winkler ("dixon", "dicksonx"), 0.813, 0.001);
  g_assert_cmpfloat (cst_link_jaro_winkler ("abc", "abc"), ==, 1.0);
  g_assert_cmpfloat (cst_link_jaro_winkler ("abc", "xyz"), ==, 0.0);
}

static void
test_em_pairwise_quality (void)
{
  const guint person[] = { 0, 0, 1, 1, 2 };
  const char *truth[] = { "a", "a", "a", "b", "b" };
  double p, r, f1;

  /* Found pairs {01, 23}; true pairs {01, 02, 12, 34}: 1 of 2 right, 1 of 4 found. */
  cst_link_pairwise_quality (person, truth, 5, &p, &r, &f1);
  g_assert_cmpfloat_with_epsilon (p, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (r, 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (f1, 1.0 / 3, 1e-12);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/linkage-em/recovers-m-u", test_em_recovers_m_u);
  g_test_add_func ("/cst/linkage-em/jaro-winkler", test_em_jaro_winkler);
  g_test_add_func ("/cst/linkage-em/pairwise-quality", test_em_pairwise_quality);

  return g_test_run ();
}
