/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "cst-test-util.h"
#include "linkage/cst-link-csv.h"
#include "linkage/cst-linker.h"

/* FEBRL (Christen 2008): truth in rec_id, "rec-N-org" / "rec-N-dup-K". The floors, with
 * the default options for every data set (no tuning per data set). */

static char *
febrl_truth (const char *label)
{
  const char *start = strchr (label, '-');
  const char *end = start != NULL ? strchr (start + 1, '-') : NULL;

  return start != NULL && end != NULL ? g_strndup (start + 1, end - start - 1) : g_strdup (label);
}

static void
check_febrl (const char *a,
             const char *b,
             double      f1_floor)
{
  g_autofree char *pa = cst_test_shared_data (a);
  g_autofree char *pb = b != NULL ? cst_test_shared_data (b) : NULL;
  const char *paths[] = { pa, pb, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLinkData) data = NULL;
  g_autoptr(CstLinkResult) result = NULL;
  g_autoptr(GPtrArray) truth = g_ptr_array_new_with_free_func (g_free);
  double p, r, f1;

  if (pa == NULL || (b != NULL && pb == NULL))
    {
      g_test_skip ("shared data febrl not available");
      return;
    }
  data = cst_link_data_new_from_csv (paths, "rec_id", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  result = cst_link_run (data, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (result->em_iterations > 0);
  /* The estimate is an upper bound of the distinct pairs. */
  g_assert_cmpuint (result->n_candidates, <=, result->n_estimated);

  for (guint i = 0; i < result->n_records; i++)
    g_ptr_array_add (truth, febrl_truth (cst_link_data_get_label (data, i)));
  cst_link_pairwise_quality (result->person, (const char * const *) truth->pdata, result->n_records, &p, &r, &f1);
  g_test_message ("%s%s%s: %u records, %" G_GUINT64_FORMAT " candidate pairs, %u people; "
                  "precision %.4f, recall %.4f, F1 %.4f", a, b != NULL ? " + " : "", b != NULL ? b : "",
                  result->n_records, result->n_candidates, result->n_people, p, r, f1);
  g_assert_cmpfloat (f1, >=, f1_floor);
}

static void
test_febrl_dataset3 (void)
{
  check_febrl ("febrl/dataset3.csv", NULL, 0.97);
}

static void
test_febrl_dataset4 (void)
{
  check_febrl ("febrl/dataset4a.csv", "febrl/dataset4b.csv", 0.99);
}

static void
test_febrl_cap (void)
{
  g_autofree char *path = cst_test_shared_data ("febrl/dataset1.csv");
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLinkData) data = NULL;
  g_autoptr(CstLinkResult) result = NULL;
  CstLinkOptions options;

  if (path == NULL)
    {
      g_test_skip ("shared data febrl not available");
      return;
    }
  data = cst_link_data_new_from_csv (paths, "rec_id", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cst_link_options_init (&options);
  options.max_comparisons = 100;
  result = cst_link_run (data, &options, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, CST_LINK_ERROR, CST_LINK_ERROR_TOO_MANY_COMPARISONS);
  g_assert_nonnull (strstr (error->message, "limit of 100"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/linkage-febrl/dataset3", test_febrl_dataset3);
  g_test_add_func ("/cst/linkage-febrl/dataset4a-4b", test_febrl_dataset4);
  g_test_add_func ("/cst/linkage-febrl/comparison-cap", test_febrl_cap);

  return g_test_run ();
}
