/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "../cst-test-util.h"
#include "classify/cst-classifier.h"
#include "classify/cst-classify-private.h"

/* Standard normal deviates by Box–Muller from a seeded GRand. */
static double
gaussian (GRand *rand)
{
  double u1 = 1.0 - g_rand_double (rand);
  double u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* The analytic gradient of the penalized, weighted log-loss against central differences
 * (step 1e-6, relative tolerance 1e-6) at a random point. */
static void
test_gradient (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const gsize n = 200, p = 5;
  g_autofree double *x = g_new (double, n * p);
  g_autofree guint8 *y = g_new (guint8, n);
  g_autofree double *w = g_new (double, n);
  double theta[6], grad[6];

  for (gsize i = 0; i < n; i++)
    {
      double z = 0.0;

      for (gsize j = 0; j < p; j++)
        {
          x[i * p + j] = gaussian (rand);
          z += (j + 1.0) * 0.3 * x[i * p + j];
        }
      y[i] = g_rand_double (rand) < 1.0 / (1.0 + exp (-z));
      w[i] = g_rand_double_range (rand, 0.5, 2.0);
    }
  for (gsize j = 0; j <= p; j++)
    theta[j] = g_rand_double_range (rand, -1.0, 1.0);

  cst_logistic_loss (x, y, w, n, p, 0.7, theta, grad);
  for (gsize j = 0; j <= p; j++)
    {
      double h = 1e-6;
      double saved = theta[j];
      double up, down, numeric;

      theta[j] = saved + h;
      up = cst_logistic_loss (x, y, w, n, p, 0.7, theta, NULL);
      theta[j] = saved - h;
      down = cst_logistic_loss (x, y, w, n, p, 0.7, theta, NULL);
      theta[j] = saved;
      numeric = (up - down) / (2.0 * h);
      g_assert_cmpfloat_with_epsilon (grad[j], numeric, 1e-6 * MAX (1.0, fabs (numeric)));
    }
}

/* Reference: scikit-learn 1.2.1 (Debian 12), LogisticRegression(C=C, tol=1e-12,
 * max_iter=100000).fit(X, y) on these 12 rows, coef_ and intercept_ printed with repr():
 *   C = 1.0: 0.9094118828988935, -0.129343787218899, intercept -0.2735018640903646
 *   C = 0.1: 0.2875860908496641, -0.02003618553755046, intercept -0.08611977974963828
 * lbfgs stops about 1e-6 short of the optimum (at C = 0.1 its gradient is not yet zero), so
 * the exact values come from 50 plain Newton steps in NumPy on the same objective (gradient
 * below 1e-15), which the sklearn values match to 1.2e-6:
 *   C = 1.0: 0.9094119132187468, -0.12934379273277907, intercept -0.2735019118610669
 *   C = 0.1: 0.28758591484333706, -0.020036497870584098, intercept -0.0861209139836113
 * We check against the exact values to 1e-8 and against sklearn's to 2e-6. */
static void
test_sklearn_reference (void)
{
  static const double x[] = { 0.5, 1.2, 1.5, -0.3, -0.7, 0.8, 2.1, 1.9, -1.2, -0.5, 0.3, -1.4,
                              1.1, 0.4, -0.4, 2.2, 0.9, -0.9, -1.8, 0.1, 1.7, 0.6, -0.2, -0.7 };
  static const guint8 y[] = { 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1 };
  static const struct { double c, b0, b1, intercept, sk0, sk1, sk_intercept; } cases[] = {
    { 1.0, 0.9094119132187468, -0.12934379273277907, -0.2735019118610669,
      0.9094118828988935, -0.129343787218899, -0.2735018640903646 },
    { 0.1, 0.28758591484333706, -0.020036497870584098, -0.0861209139836113,
      0.2875860908496641, -0.02003618553755046, -0.08611977974963828 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      double theta[3] = { 0.0, 0.0, 0.0 };
      g_autoptr(GError) error = NULL;
      guint steps = cst_logistic_fit (x, y, NULL, 12, 2, cases[k].c, theta, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (steps, >, 0);
      g_assert_cmpfloat_with_epsilon (theta[0], cases[k].b0, 1e-8);
      g_assert_cmpfloat_with_epsilon (theta[1], cases[k].b1, 1e-8);
      g_assert_cmpfloat_with_epsilon (theta[2], cases[k].intercept, 1e-8);
      g_assert_cmpfloat_with_epsilon (theta[0], cases[k].sk0, 2e-6);
      g_assert_cmpfloat_with_epsilon (theta[1], cases[k].sk1, 2e-6);
      g_assert_cmpfloat_with_epsilon (theta[2], cases[k].sk_intercept, 2e-6);
    }
}

/* By hand: positives at 0.9, 0.8, 0.5 and negatives at 0.8, 0.5, 0.5, 0.2. Of the 12
 * (positive, negative) pairs, 0.9 wins 4, 0.8 wins 3 and ties 1, 0.5 wins 1 and ties 2:
 * (4 + 3.5 + 2) / 12 = 0.791666…. The order of tied rows must not matter. */
static void
test_auc_ties (void)
{
  static const double score[] = { 0.9, 0.8, 0.8, 0.5, 0.5, 0.5, 0.2 };
  static const guint8 y[] = { 1, 1, 0, 1, 0, 0, 0 };
  static const double score_swapped[] = { 0.5, 0.5, 0.8, 0.2, 0.9, 0.8, 0.5 };
  static const guint8 y_swapped[] = { 0, 1, 0, 0, 1, 1, 0 };
  static const double constant[] = { 0.3, 0.3, 0.3, 0.3 };
  static const guint8 y_constant[] = { 1, 0, 1, 0 };
  static const guint8 all_one[] = { 1, 1, 1, 1 };

  g_assert_cmpfloat_with_epsilon (cst_classify_auc (score, y, 7), 9.5 / 12.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (cst_classify_auc (score_swapped, y_swapped, 7), 9.5 / 12.0,
                                  1e-15);
  g_assert_cmpfloat_with_epsilon (cst_classify_auc (constant, y_constant, 4), 0.5, 1e-15);
  g_assert_true (isnan (cst_classify_auc (constant, all_one, 4)));
}

/* Curves on a tiny holdout where everything can be counted. */
static void
test_curves (void)
{
  static const double prob[] = { 0.95, 0.85, 0.75, 0.65, 0.55, 0.45, 0.35, 0.25, 0.15, 0.05 };
  static const guint8 y[] = { 1, 1, 0, 1, 0, 0, 1, 0, 0, 0 };
  CstEvaluation evaluation = { 0 };
  const CstCurvePoint *roc;
  const CstCurvePoint *gain;

  cst_classify_evaluate (prob, y, 10, &evaluation);
  g_assert_cmpfloat_with_epsilon (evaluation.base_rate, 0.4, 1e-15);
  /* The top 10 % is one row, a positive: rate 1 ÷ 0.4. */
  g_assert_cmpfloat_with_epsilon (evaluation.lift_top10, 2.5, 1e-12);
  g_assert_cmpuint (evaluation.roc->len, ==, 11);
  roc = (const CstCurvePoint *) evaluation.roc->data;
  g_assert_cmpfloat (roc[0].x, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (roc[3].x, 1.0 / 6.0, 1e-12);   /* after 0.95, 0.85, 0.75 */
  g_assert_cmpfloat_with_epsilon (roc[3].y, 0.5, 1e-12);
  g_assert_cmpfloat (roc[10].x, ==, 1.0);
  g_assert_cmpfloat (roc[10].y, ==, 1.0);
  g_assert_cmpuint (evaluation.gain->len, ==, 101);
  gain = (const CstCurvePoint *) evaluation.gain->data;
  g_assert_cmpfloat_with_epsilon (gain[50].y, 0.75, 1e-12);     /* 3 of 4 in the top half */
  g_assert_cmpfloat (gain[100].y, ==, 1.0);
  g_assert_cmpuint (evaluation.calibration->len, ==, 10);
  g_assert_cmpuint (evaluation.calibration_counts->len, ==, 10);
  for (guint b = 0; b < 10; b++)
    g_assert_cmpuint (g_array_index (evaluation.calibration_counts, guint64, b), ==, 1);
  cst_evaluation_clear (&evaluation);

  /* Empty bins are left out of both arrays, which stay aligned. */
  {
    static const double clumped[] = { 0.12, 0.15, 0.18, 0.81, 0.82 };
    static const guint8 y2[] = { 0, 1, 0, 1, 1 };
    CstEvaluation two = { 0 };

    cst_classify_evaluate (clumped, y2, 5, &two);
    g_assert_cmpuint (two.calibration->len, ==, 2);
    g_assert_cmpuint (two.calibration_counts->len, ==, 2);
    g_assert_cmpuint (g_array_index (two.calibration_counts, guint64, 0), ==, 3);
    g_assert_cmpuint (g_array_index (two.calibration_counts, guint64, 1), ==, 2);
    g_assert_cmpfloat_with_epsilon (g_array_index (two.calibration, CstCurvePoint, 0).y, 1.0 / 3.0, 1e-12);
    cst_evaluation_clear (&two);
  }
}

/* Two features whose product decides the outcome: no line separates the classes (logistic
 * stays near AUC 0.5), trees find the four quadrants. */
static void
test_xor (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  const gsize n = 4000, p = 3;
  g_autofree double *x = g_new (double, n * p);
  g_autofree guint8 *y = g_new (guint8, n);
  CstClassifierOptions options;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstClassifier) logistic = NULL;
  g_autoptr(CstClassifier) trees = NULL;
  g_autoptr(CstClassifier) automatic = NULL;
  g_autoptr(GArray) drivers = NULL;

  for (gsize i = 0; i < n; i++)
    {
      x[i * p + 0] = g_rand_double_range (rand, -1.0, 1.0);
      x[i * p + 1] = g_rand_double_range (rand, -1.0, 1.0);
      x[i * p + 2] = gaussian (rand);    /* noise */
      y[i] = (x[i * p + 0] * x[i * p + 1] > 0.0) != (g_rand_double (rand) < 0.05);
    }

  cst_classifier_options_init (&options);
  options.kind = CST_CLASSIFIER_LOGISTIC;
  logistic = cst_classifier_fit (x, y, n, p, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  options.kind = CST_CLASSIFIER_TREES;
  trees = cst_classifier_fit (x, y, n, p, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  options.kind = CST_CLASSIFIER_AUTO;
  automatic = cst_classifier_fit (x, y, n, p, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_message ("XOR: logistic AUC %.4f, trees AUC %.4f",
                  cst_classifier_get_evaluation (logistic)->auc,
                  cst_classifier_get_evaluation (trees)->auc);
  g_assert_cmpfloat (cst_classifier_get_evaluation (logistic)->auc, <, 0.6);
  g_assert_cmpfloat (cst_classifier_get_evaluation (trees)->auc, >, 0.9);
  g_assert_cmpint (cst_classifier_get_kind (automatic), ==, CST_CLASSIFIER_TREES);
  g_assert_cmpfloat (cst_classifier_get_evaluation (automatic)->auc, ==,
                     cst_classifier_get_evaluation (automatic)->auc_trees);
  g_assert_false (isnan (cst_classifier_get_evaluation (automatic)->auc_logistic));
  g_assert_cmpuint (cst_classifier_get_evaluation (trees)->n_test, ==, 1000);

  /* The two real features drive the trees; the noise column comes last. */
  drivers = cst_classifier_dup_drivers (trees, 0);
  g_assert_cmpuint (drivers->len, >=, 2);
  g_assert_cmpuint (g_array_index (drivers, CstDriver, 0).feature, <, 2);
  g_assert_cmpuint (g_array_index (drivers, CstDriver, 1).feature, <, 2);
}

/* Missing values, a leaked column and seeded reproducibility on a linear outcome. */
static void
test_missing_and_leak (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  const gsize n = 3000, p = 4;
  g_autofree double *x = g_new (double, n * p);
  g_autofree double *x3 = g_new (double, n * 3);
  g_autofree guint8 *y = g_new (guint8, n);
  g_autofree double *prob_a = g_new (double, n);
  g_autofree double *prob_b = g_new (double, n);
  CstClassifierOptions options;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstClassifier) a = NULL;
  g_autoptr(CstClassifier) b = NULL;
  g_autoptr(GArray) drivers = NULL;
  const CstEvaluation *evaluation;

  for (gsize i = 0; i < n; i++)
    {
      double z;

      x[i * p + 0] = gaussian (rand);
      x[i * p + 1] = gaussian (rand);
      x[i * p + 2] = gaussian (rand);
      z = 1.5 * x[i * p + 0] - 1.0 * x[i * p + 1] - 1.0;
      y[i] = g_rand_double (rand) < 1.0 / (1.0 + exp (-z));
      /* A column written after the fact: the outcome itself, slightly blurred. */
      x[i * p + 3] = y[i] + 0.01 * gaussian (rand);
      if (g_rand_double (rand) < 0.2)
        x[i * p + 1] = NAN;
      memcpy (x3 + i * 3, x + i * p, 3 * sizeof (double));
    }

  cst_classifier_options_init (&options);
  options.kind = CST_CLASSIFIER_LOGISTIC;
  a = cst_classifier_fit (x3, y, n, 3, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  b = cst_classifier_fit (x3, y, n, 3, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cst_classifier_predict (a, x3, n, prob_a);
  cst_classifier_predict (b, x3, n, prob_b);
  g_assert_cmpmem (prob_a, n * sizeof (double), prob_b, n * sizeof (double));
  for (gsize i = 0; i < n; i++)
    g_assert_true (prob_a[i] > 0.0 && prob_a[i] < 1.0);

  evaluation = cst_classifier_get_evaluation (a);
  g_assert_cmpfloat (evaluation->auc, >, 0.75);
  g_assert_cmpuint (evaluation->suspicious->len, ==, 0);
  drivers = cst_classifier_dup_drivers (a, 2);
  g_assert_cmpuint (drivers->len, ==, 2);
  g_assert_cmpuint (g_array_index (drivers, CstDriver, 0).feature, ==, 0);
  g_assert_cmpint (g_array_index (drivers, CstDriver, 0).direction, ==, 1);
  g_assert_cmpuint (g_array_index (drivers, CstDriver, 1).feature, ==, 1);
  g_assert_cmpint (g_array_index (drivers, CstDriver, 1).direction, ==, -1);

  g_clear_pointer (&a, cst_classifier_free);
  options.kind = CST_CLASSIFIER_TREES;
  a = cst_classifier_fit (x, y, n, p, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  evaluation = cst_classifier_get_evaluation (a);
  g_assert_cmpuint (evaluation->suspicious->len, ==, 1);
  g_assert_cmpuint (g_array_index (evaluation->suspicious, guint, 0), ==, 3);
}

typedef struct
{
  double   last;
  guint    calls;
  gboolean monotone;
} Progress;

static void
progress_cb (double      fraction,
             const char *message,
             gpointer    user_data)
{
  Progress *progress = user_data;

  progress->monotone = progress->monotone && fraction >= progress->last;
  progress->last = fraction;
  progress->calls++;
}

/* The trees spread histograms over threads; the model must be bit-identical for any thread
 * count. Progress only moves forward and ends at 1. The sparse (one-hot) histograms must agree
 * with the dense ones: the same data with the binary columns flipped (0 ↔ 1 makes the listed
 * rows the common ones) gives the same AUC to 1e-3 (rounding may break a tie between splits differently). */
static void
test_threads_and_progress (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  const gsize n = 6000, p = 8;
  g_autofree double *x = g_new (double, n * p);
  g_autofree guint8 *y = g_new (guint8, n);
  g_autofree double *one = g_new (double, n);
  g_autofree double *two = g_new (double, n);
  CstClassifierOptions options;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstClassifier) a = NULL;
  g_autoptr(CstClassifier) b = NULL;
  g_autoptr(CstClassifier) flipped = NULL;
  Progress progress = { 0.0, 0, TRUE };

  for (gsize i = 0; i < n; i++)
    {
      double z = 0.0;

      for (gsize j = 0; j < p; j++)
        {
          /* The last two columns are one-hot-like (mostly 0), which takes the sparse path. */
          if (j >= p - 2)
            x[i * p + j] = g_rand_double (rand) < 0.12 ? 1.0 : 0.0;
          else
            x[i * p + j] = g_rand_double (rand) < 0.05 ? NAN : gaussian (rand);
          z += isnan (x[i * p + j]) ? 0.5 : sin (x[i * p + j] * (j + 1));
        }
      y[i] = g_rand_double (rand) < 1.0 / (1.0 + exp (-z));
    }

  cst_classifier_options_init (&options);
  options.kind = CST_CLASSIFIER_TREES;
  g_setenv ("CST_CLASSIFY_THREADS", "1", TRUE);
  a = cst_classifier_fit (x, y, n, p, NULL, &options, NULL, progress_cb, &progress, &error);
  g_assert_no_error (error);
  g_setenv ("CST_CLASSIFY_THREADS", "2", TRUE);
  b = cst_classifier_fit (x, y, n, p, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    for (gsize j = p - 2; j < p; j++)
      x[i * p + j] = 1.0 - x[i * p + j];
  flipped = cst_classifier_fit (x, y, n, p, NULL, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_unsetenv ("CST_CLASSIFY_THREADS");
  g_test_message ("sparse %.6f, dense %.6f", cst_classifier_get_evaluation (b)->auc,
                  cst_classifier_get_evaluation (flipped)->auc);
  g_assert_cmpfloat_with_epsilon (cst_classifier_get_evaluation (b)->auc,
                                  cst_classifier_get_evaluation (flipped)->auc, 1e-3);
  for (gsize i = 0; i < n; i++)
    for (gsize j = p - 2; j < p; j++)
      x[i * p + j] = 1.0 - x[i * p + j];

  g_assert_cmpuint (cst_classifier_get_n_trees (a), >, 1);
  g_assert_cmpuint (cst_classifier_get_n_trees (a), ==, cst_classifier_get_n_trees (b));
  cst_classifier_predict (a, x, n, one);
  cst_classifier_predict (b, x, n, two);
  g_assert_cmpmem (one, n * sizeof (double), two, n * sizeof (double));

  g_assert_true (progress.monotone);
  g_assert_cmpuint (progress.calls, >, 2);
  g_assert_cmpfloat (progress.last, ==, 1.0);
}

static void
test_refusals (void)
{
  guint8 y[100] = { 0 };
  double x[100];
  g_autoptr(GError) error = NULL;
  CstClassifier *classifier;

  for (guint i = 0; i < 100; i++)
    x[i] = i;
  classifier = cst_classifier_fit (x, y, 100, 1, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_null (classifier);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  for (guint i = 0; i < 5; i++)
    y[i] = 1;
  classifier = cst_classifier_fit (x, y, 100, 1, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_null (classifier);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  double x[400];
  guint8 y[400];
  g_autoptr(GError) error = NULL;
  CstClassifier *classifier;

  for (guint i = 0; i < 400; i++)
    {
      x[i] = gaussian (rand);
      y[i] = x[i] + gaussian (rand) > 0.0;
    }
  g_cancellable_cancel (cancellable);
  classifier = cst_classifier_fit (x, y, 400, 1, NULL, NULL, cancellable, NULL, NULL, &error);
  g_assert_null (classifier);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/classify/gradient", test_gradient);
  g_test_add_func ("/cst/classify/sklearn-reference", test_sklearn_reference);
  g_test_add_func ("/cst/classify/auc-ties", test_auc_ties);
  g_test_add_func ("/cst/classify/curves", test_curves);
  g_test_add_func ("/cst/classify/xor", test_xor);
  g_test_add_func ("/cst/classify/missing-and-leak", test_missing_and_leak);
  g_test_add_func ("/cst/classify/threads-and-progress", test_threads_and_progress);
  g_test_add_func ("/cst/classify/refusals", test_refusals);
  g_test_add_func ("/cst/classify/cancel", test_cancel);

  return g_test_run ();
}
