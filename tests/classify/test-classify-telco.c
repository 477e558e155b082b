/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "../cst-test-util.h"
#include "classify/cst-classifier.h"
#include "classify/cst-design.h"

/* The IBM Telco churn data set (shared/data/telco-churn, SOURCE.md): 7,043 customers, 1,869
 * churned, TotalCharges blank for 11. Skips without the data. */

static CstDesign *
load_telco (void)
{
  g_autofree char *path = cst_test_shared_data ("telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv");
  g_autoptr(GError) error = NULL;
  CstDesign *design;

  if (path == NULL)
    {
      g_test_skip ("shared data telco-churn not available");
      return NULL;
    }
  design = cst_design_read_csv (path, "Churn", NULL, NULL, &error);
  g_assert_no_error (error);
  return design;
}

static int
find_name (CstDesign  *design,
           const char *name)
{
  for (guint j = 0; j < design->names->len; j++)
    if (g_str_equal (g_ptr_array_index (design->names, j), name))
      return j;
  return -1;
}

/* The reader: counts from SOURCE.md, the identifier dropped, categoricals one-hot encoded. */
static void
test_design (void)
{
  g_autoptr(CstDesign) design = load_telco ();
  gsize positives = 0;
  gsize missing = 0;
  int total_charges;

  if (design == NULL)
    return;

  g_assert_cmpuint (design->n, ==, 7043);
  g_assert_cmpstr (design->positive, ==, "Yes");
  for (gsize i = 0; i < design->n; i++)
    positives += design->y[i];
  g_assert_cmpuint (positives, ==, 1869);

  g_assert_cmpuint (design->dropped->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (design->dropped, 0), ==, "customerID");

  /* 3 numeric columns + SeniorCitizen (0/1, numeric) + 16 categorical columns' levels:
   * gender 2, Partner 2, Dependents 2, PhoneService 2, MultipleLines 3, InternetService 3,
   * six service columns 3 each, Contract 3, PaperlessBilling 2, PaymentMethod 4. */
  g_assert_cmpuint (design->p, ==, 4 + 2 + 2 + 2 + 2 + 3 + 3 + 6 * 3 + 3 + 2 + 4);
  g_assert_cmpint (find_name (design, "tenure"), >=, 0);
  g_assert_cmpint (find_name (design, "Contract=Two year"), >=, 0);
  total_charges = find_name (design, "TotalCharges");
  g_assert_cmpint (total_charges, >=, 0);
  for (gsize i = 0; i < design->n; i++)
    missing += isnan (design->x[i * design->p + total_charges]);
  g_assert_cmpuint (missing, ==, 11);
  g_assert_cmpuint (design->lines[0], ==, 2);
}

/* Published results on this data set put the AUC of logistic regression and boosting at about
 * 0.84–0.86; the calibrated probabilities must match the observed churn rate: over the ten
 * bins of the holdout, the count-weighted mean gap |predicted − observed| (expected
 * calibration error) stays below 0.04, and in every bin of at least 50 customers the gap is
 * within three binomial standard errors of the observed rate plus 0.02 (what Platt scaling's
 * own estimate from about 500 validation rows may be off by). */
static void
test_fit_and_calibration (void)
{
  g_autoptr(CstDesign) design = load_telco ();
  g_autoptr(CstClassifier) classifier = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) drivers = NULL;
  g_autofree double *probability = NULL;
  const CstEvaluation *evaluation;
  const guint8 *holdout;
  double sum[10] = { 0 }, hits[10] = { 0 }, count[10] = { 0 };
  double ece = 0.0;
  double n_test = 0.0;
  int tenure;
  gboolean tenure_seen = FALSE;
  gsize n;

  if (design == NULL)
    return;

  classifier = cst_classifier_fit (design->x, design->y, design->n, design->p, NULL, NULL, NULL,
                                   NULL, NULL, &error);
  g_assert_no_error (error);
  evaluation = cst_classifier_get_evaluation (classifier);
  g_test_message ("Telco: %s, AUC %.4f (logistic %.4f, trees %.4f), lift %.2f",
                  cst_classifier_kind_to_string (cst_classifier_get_kind (classifier)),
                  evaluation->auc, evaluation->auc_logistic, evaluation->auc_trees,
                  evaluation->lift_top10);
  g_assert_cmpfloat (evaluation->auc, >=, 0.83);
  g_assert_cmpfloat (evaluation->auc, ==, MAX (evaluation->auc_logistic, evaluation->auc_trees));
  g_assert_cmpfloat (evaluation->lift_top10, >, 2.5);
  g_assert_cmpuint (evaluation->n_test, ==, 1761);   /* 25 % of each class, rounded */
  g_assert_cmpfloat_with_epsilon (evaluation->base_rate, 1869.0 / 7043.0, 0.002);
  g_assert_cmpuint (evaluation->suspicious->len, ==, 0);

  probability = g_new (double, design->n);
  cst_classifier_predict (classifier, design->x, design->n, probability);
  holdout = cst_classifier_get_holdout (classifier, &n);
  g_assert_cmpuint (n, ==, design->n);
  for (gsize i = 0; i < n; i++)
    if (holdout[i])
      {
        int b = CLAMP ((int) floor (probability[i] * 10.0), 0, 9);

        sum[b] += probability[i];
        hits[b] += design->y[i];
        count[b]++;
        n_test++;
      }
  for (int b = 0; b < 10; b++)
    {
      double gap;

      if (count[b] == 0)
        continue;
      gap = fabs (sum[b] / count[b] - hits[b] / count[b]);
      g_test_message ("bin %d: %4.0f customers, predicted %.3f, observed %.3f", b, count[b],
                      sum[b] / count[b], hits[b] / count[b]);
      ece += count[b] / n_test * gap;
      if (count[b] >= 50)
        {
          double rate = hits[b] / count[b];

          g_assert_cmpfloat (gap, <=, 3.0 * sqrt (rate * (1.0 - rate) / count[b]) + 0.02);
        }
    }
  g_test_message ("expected calibration error %.4f", ece);
  g_assert_cmpfloat (ece, <, 0.04);

  /* The evaluation's own curve agrees with this count. */
  g_assert_cmpuint (evaluation->calibration->len, >=, 8);
  g_assert_cmpuint (evaluation->calibration_counts->len, ==, evaluation->calibration->len);
  {
    guint64 total = 0;
    guint k = 0;

    for (int b = 0; b < 10; b++)
      if (count[b] > 0)
        {
          g_assert_cmpuint (k, <, evaluation->calibration_counts->len);
          g_assert_cmpuint (g_array_index (evaluation->calibration_counts, guint64, k), ==, (guint64) count[b]);
          total += g_array_index (evaluation->calibration_counts, guint64, k);
          k++;
        }
    g_assert_cmpuint (k, ==, evaluation->calibration_counts->len);
    g_assert_cmpuint (total, ==, evaluation->n_test);
  }

  /* Long-standing customers churn less: tenure is a leading driver, pointing down. */
  tenure = find_name (design, "tenure");
  drivers = cst_classifier_dup_drivers (classifier, 5);
  for (guint k = 0; k < drivers->len; k++)
    if (g_array_index (drivers, CstDriver, k).feature == (guint) tenure)
      {
        tenure_seen = TRUE;
        g_assert_cmpint (g_array_index (drivers, CstDriver, k).direction, ==, -1);
      }
  g_assert_true (tenure_seen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/classify-telco/design", test_design);
  g_test_add_func ("/cst/classify-telco/fit-and-calibration", test_fit_and_calibration);

  return g_test_run ();
}
