/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "../cst-test-util.h"
#include "cst-pipeline.h"
#include "features/cst-features.h"
#include "identity/cst-identity.h"
#include "io/cst-csv.h"
#include "predict/cst-clv-run.h"
#include "predict/cst-lookalike.h"
#include "predict/cst-propensity.h"
#include "predict/cst-store-predict.h"
#include "store/cst-store.h"

/* One sample project (5,000 contacts, two years of orders) made once for all the tests here. */
static char *dir;
static char *project;

static void
make_project (const char         *path,
              const char * const *files)
{
  g_autoptr(GError) error = NULL;
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };

  cst_segmentation_options_init (&options);
  g_assert_true (cst_pipeline_create_from_files (path, files, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cst_pipeline_summary_clear (&summary);
}

static CstStore *
open_project (const char *path,
              gint64     *identity_run)
{
  g_autoptr(GError) error = NULL;
  CstStore *store = cst_store_open (path, &error);

  g_assert_no_error (error);
  *identity_run = cst_store_get_latest_identity_run (store, NULL);
  g_assert_cmpint (*identity_run, >, 0);
  return store;
}

static void
test_churn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstPropensityRun) run = NULL;
  CstPropensityOptions options;
  CstBandCounts counts;
  gint64 identity_run;
  double sum = 0;

  store = open_project (project, &identity_run);
  cst_propensity_options_init (&options);
  run = cst_propensity_run (store, identity_run, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The suggested split: a friendly horizon, the outcome window fits the data exactly. */
  g_assert_cmpuint (run->split.horizon_days, >=, 30);
  g_assert_cmpint (run->split.cutoff + (gint64) run->split.horizon_days * 86400, ==, run->split.data_end + 86400);
  g_test_message ("churn: horizon %u days (gap p90 %.1f), model %s, AUC %.3f (logistic %.3f, trees %.3f), "
                  "lift %.2f, base rate %.3f, %zu train / %zu test, %.2f s",
                  run->split.horizon_days, run->split.gap_p90_days, cst_classifier_kind_to_string (run->kind),
                  run->auc, run->auc_logistic, run->auc_trees, run->lift_top10, run->base_rate,
                  run->n_train, run->n_test, run->seconds);
  /* The sample plants lapsed one-time buyers and loyal customers: churn is predictable. */
  g_assert_cmpfloat (run->auc, >, 0.7);
  g_assert_cmpuint (run->n_people, >, 4000);
  g_assert_cmpuint (run->drivers->len, >, 0);
  for (guint d = 0; d < run->drivers->len; d++)
    {
      const CstPropensityDriver *driver = g_ptr_array_index (run->drivers, d);

      g_test_message ("driver: %s (%s, %.3f)", driver->text, driver->feature, driver->importance);
      g_assert_true (driver->text != NULL && driver->text[0] != '\0');
    }
  for (gsize i = 0; i < run->n_people; i++)
    {
      g_assert_cmpfloat (run->probability[i], >=, 0.0);
      g_assert_cmpfloat (run->probability[i], <=, 1.0);
      g_assert_cmpint (run->band[i], ==, cst_band_for (run->probability[i], run->low_threshold, run->high_threshold));
      sum += run->probability[i];
    }
  cst_band_count (run->probability, run->n_people, 0.3, 0.6, &counts);
  g_assert_cmpuint (counts.n_people[0] + counts.n_people[1] + counts.n_people[2], ==, run->n_people);
  g_assert_cmpfloat_with_epsilon (counts.expected[0] + counts.expected[1] + counts.expected[2], sum, 1e-6);
  /* Everyone High at threshold 0, nobody above 1. */
  cst_band_count (run->probability, run->n_people, 0.0, 0.0, &counts);
  g_assert_cmpuint (counts.n_people[CST_BAND_HIGH], ==, run->n_people);

  {
    g_autofree char *text = cst_propensity_driver_text (CST_FEATURE_RECENCY, +1);
    g_autofree char *channel = cst_propensity_driver_text ("channel:web", -1);

    g_assert_cmpstr (text, ==, "more days since the last order");
    g_assert_cmpstr (channel, ==, "fewer orders via web");
  }
}

static gboolean
same_value (double a,
            double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

/* Orders planted after the cutoff, on a new channel with huge amounts, for a random half of the
 * people: a perfect answer key for "will buy in the next 90 days". The time split must not see
 * any of it: the training features are identical to those of the project without the plant. */
static void
test_no_leakage (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) clean = NULL;
  g_autoptr(CstStore) planted = NULL;
  g_autoptr(CstFeatureTable) before = NULL;
  g_autoptr(CstFeatureTable) after = NULL;
  g_autoptr(CstFeatureTable) full = NULL;
  g_autoptr(CstPropensityRun) run = NULL;
  g_autoptr(GArray) purchases = NULL;
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GString) extra = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *leak_dir = g_dir_make_tmp ("constellate-leak-XXXXXX", NULL);
  g_autofree char *leak_project = g_build_filename (leak_dir, "planted.constellate", NULL);
  g_autofree char *orders_in = g_build_filename (dir, CST_SAMPLE_ORDERS_FILE, NULL);
  g_autofree char *orders_out = g_build_filename (leak_dir, CST_SAMPLE_ORDERS_FILE, NULL);
  g_autofree char *contacts = g_build_filename (dir, CST_SAMPLE_CONTACTS_FILE, NULL);
  g_autofree char *engagement = g_build_filename (dir, CST_SAMPLE_ENGAGEMENT_FILE, NULL);
  g_autofree char *original = NULL;
  g_autofree char *planted_date = NULL;
  const char *files[4] = { contacts, orders_out, engagement, NULL };
  CstPropensityOptions options;
  CstTimeSplit split;
  gint64 run_clean, run_planted;
  guint n_planted = 0;

  clean = open_project (project, &run_clean);
  purchases = cst_predict_collect_purchases (clean, run_clean, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_time_split_suggest (purchases, CST_PROPENSITY_PURCHASE, 90, &split, &error));
  g_assert_no_error (error);

  /* Ten days after the cutoff, inside the outcome window. */
  {
    g_autoptr(GDateTime) day = g_date_time_new_from_unix_utc (split.cutoff + 10 * 86400);

    planted_date = g_date_time_format (day, "%Y-%m-%d 12:00:00");
  }
  g_assert_true (g_file_get_contents (orders_in, &original, NULL, &error));
  reader = cst_csv_reader_new (orders_in, ',', &error);
  g_assert_no_error (error);
  g_assert_true (cst_csv_reader_next (reader, &error));   /* header */
  while (cst_csv_reader_next (reader, &error))
    {
      const char *email = cst_csv_reader_get_field (reader, 1);

      if (g_hash_table_contains (seen, email))
        continue;
      g_hash_table_add (seen, g_strdup (email));
      if (g_str_hash (email) % 2 == 0)
        g_string_append_printf (extra, "#9%05u,%s,%s,5000.00,1,Books,leak,0.00\n", n_planted++, email, planted_date);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n_planted, >, 1000);
  {
    g_autofree char *text = g_strconcat (original, extra->str, NULL);

    g_assert_true (g_file_set_contents (orders_out, text, -1, &error));
  }
  make_project (leak_project, files);
  planted = open_project (leak_project, &run_planted);

  before = cst_features_compute_until (clean, run_clean, split.cutoff, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  after = cst_features_compute_until (planted, run_planted, split.cutoff, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  full = cst_features_compute (planted, run_planted, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The plant is a strong signal in the full data … */
  g_assert_cmpint (cst_feature_table_find (full, "channel:leak"), >=, 0);
  /* … and invisible before the cutoff: same people, same columns, same numbers. */
  g_assert_cmpuint (before->rows, ==, after->rows);
  g_assert_cmpuint (before->cols, ==, after->cols);
  g_assert_cmpint (cst_feature_table_find (after, "channel:leak"), ==, -1);
  g_assert_cmpint (before->reference_time, ==, after->reference_time);
  for (guint f = 0; f < before->cols; f++)
    g_assert_cmpstr (before->names[f], ==, after->names[f]);
  for (gsize i = 0; i < before->rows; i++)
    {
      g_assert_cmpint (before->person_ids[i], ==, after->person_ids[i]);
      for (guint f = 0; f < before->cols; f++)
        g_assert_true (same_value (before->values[i * before->cols + f], after->values[i * after->cols + f]));
    }

  /* The model trained on the planted project uses none of it, and its AUC stays honest. */
  cst_propensity_options_init (&options);
  options.target = CST_PROPENSITY_PURCHASE;
  options.horizon_days = 90;
  run = cst_propensity_run (planted, run_planted, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->split.cutoff, ==, split.cutoff);
  g_assert_false (g_strv_contains ((const char * const *) run->feature_names, "channel:leak"));
  for (guint d = 0; d < run->drivers->len; d++)
    g_assert_cmpstr (((CstPropensityDriver *) g_ptr_array_index (run->drivers, d))->feature, !=, "channel:leak");
  g_test_message ("purchase model on the planted project: AUC %.3f", run->auc);
  g_assert_cmpfloat (run->auc, <, 0.95);

  cst_test_remove_dir (leak_dir);
}

/* A seed of 30 % of the planted "loyal big spenders" finds the other 70 % among everyone else. */
typedef struct
{
  double score;
  gboolean positive;
} Scored;

static int
cmp_scored (gconstpointer a,
            gconstpointer b)
{
  const Scored *x = a, *y = b;

  return (x->score < y->score) - (x->score > y->score);
}

static double
auc_of (GArray *scored)
{
  double pos = 0, neg = 0, right = 0;

  /* Descending by score: each negative adds the positives ranked above it (ties count half). */
  g_array_sort (scored, cmp_scored);
  for (guint i = 0; i < scored->len;)
    {
      guint j = i;
      double tie_pos = 0, tie_neg = 0;

      while (j < scored->len && g_array_index (scored, Scored, j).score == g_array_index (scored, Scored, i).score)
        {
          if (g_array_index (scored, Scored, j).positive)
            tie_pos++;
          else
            tie_neg++;
          j++;
        }
      right += tie_neg * pos + 0.5 * tie_neg * tie_pos;
      pos += tie_pos;
      neg += tie_neg;
      i = j;
    }
  return pos > 0 && neg > 0 ? right / (pos * neg) : NAN;
}

static void
test_lookalike (gconstpointer data)
{
  CstLookalikeMethod method = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstLookalikeRun) run = NULL;
  g_autoptr(GHashTable) group_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) emails = NULL;
  g_autoptr(GArray) people = NULL;
  g_autoptr(GArray) seed = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) loyal = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) scored = g_array_new (FALSE, FALSE, sizeof (Scored));
  g_autoptr(GArray) top = NULL;
  g_autofree char *truth_path = g_build_filename (dir, CST_SAMPLE_TRUTH_FILE, NULL);
  g_autofree char *contacts_path = g_build_filename (dir, CST_SAMPLE_CONTACTS_FILE, NULL);
  g_autoptr(CstCsvReader) truth = NULL;
  g_autoptr(CstCsvReader) contacts = NULL;
  g_autoptr(GHashTable) row_group = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 identity_run;
  guint n_loyal = 0, hits = 0, n_rest_loyal = 0;
  double auc;

  /* Group of each CRM row from the generator's truth, then of each normalized email. */
  truth = cst_csv_reader_new (truth_path, ',', &error);
  g_assert_no_error (error);
  while (cst_csv_reader_next (truth, &error))
    if (g_str_equal (cst_csv_reader_get_field (truth, 0), CST_SAMPLE_CONTACTS_FILE))
      g_hash_table_insert (row_group, g_strdup (cst_csv_reader_get_field (truth, 1)),
                           g_strdup (cst_csv_reader_get_field (truth, 3)));
  contacts = cst_csv_reader_new (contacts_path, ',', &error);
  g_assert_no_error (error);
  g_assert_true (cst_csv_reader_next (contacts, &error));
  for (guint row = 1; cst_csv_reader_next (contacts, &error); row++)
    {
      g_autofree char *key = g_strdup_printf ("%u", row);
      const char *group = g_hash_table_lookup (row_group, key);
      char *email = cst_identity_normalize_email (cst_csv_reader_get_field (contacts, 3));

      if (group != NULL && email != NULL)
        g_hash_table_insert (group_of, email, g_strdup (group));
      else
        g_free (email);
    }

  store = open_project (project, &identity_run);
  people = cst_store_list_people (store, identity_run, &emails, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < people->len; i++)
    {
      g_autofree char *email = cst_identity_normalize_email (g_ptr_array_index (emails, i));
      const char *group = email != NULL ? g_hash_table_lookup (group_of, email) : NULL;

      if (g_strcmp0 (group, CST_SAMPLE_GROUP_LOYAL) != 0)
        continue;
      g_hash_table_add (loyal, &g_array_index (people, gint64, i));
      if (n_loyal++ % 10 < 3)
        g_array_append_val (seed, g_array_index (people, gint64, i));
    }
  g_assert_cmpuint (n_loyal, >, 500);

  run = cst_lookalike_run (store, identity_run, (gint64 *) seed->data, seed->len, "30 % of the loyal group",
                           method, 42, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (run->n_seed + run->n_seed_unknown, ==, seed->len);
  for (gsize i = 0; i < run->n_people; i++)
    {
      Scored s = { run->similarity[i], g_hash_table_contains (loyal, &run->person_ids[i]) };

      g_assert_cmpfloat (run->similarity[i], >=, 0.0);
      g_assert_cmpfloat (run->similarity[i], <=, 1.0);
      if (run->is_seed[i])
        continue;
      n_rest_loyal += s.positive;
      g_array_append_val (scored, s);
    }
  auc = auc_of (scored);
  top = cst_lookalike_run_take (run, n_rest_loyal, 0.0);
  for (guint i = 0; i < top->len; i++)
    hits += g_hash_table_contains (loyal, &g_array_index (top, gint64, i));
  g_test_message ("%s: seed %zu, AUC of the rest %.3f, precision of the top %u: %.3f (chance %.3f), %.2f s",
                  cst_lookalike_method_to_string (run->method), run->n_seed, auc, top->len,
                  (double) hits / top->len, (double) n_rest_loyal / scored->len, run->seconds);
  /* Far better than chance (AUC 0.5, precision = the group's share). */
  g_assert_cmpfloat (auc, >, 0.85);
  g_assert_cmpfloat ((double) hits / top->len, >, 2.0 * n_rest_loyal / scored->len);

  /* The reach curve falls from everyone outside the seed at 0 to few at 1. */
  g_assert_cmpuint (run->reach->len, ==, 21);
  g_assert_cmpfloat (g_array_index (run->reach, CstCurvePoint, 0).y, ==, scored->len);
  for (guint i = 1; i < run->reach->len; i++)
    g_assert_cmpfloat (g_array_index (run->reach, CstCurvePoint, i).y, <=, g_array_index (run->reach, CstCurvePoint, i - 1).y);
  g_assert_cmpuint (cst_lookalike_run_take (run, 0, 0.5)->len, ==, cst_lookalike_run_count_above (run, 0.5));
}

static void
test_clv_project (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstClvRun) run = NULL;
  CstClvOptions options;
  gint64 identity_run;

  store = open_project (project, &identity_run);
  cst_clv_options_init (&options);
  options.n_bootstrap = 20;
  run = cst_clv_run (store, identity_run, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (run->result->has_spend);
  g_assert_cmpuint (run->holdout->len, ==, 8);
  g_test_message ("sample CLV: fit %.2f s, bootstrap %.2f s", run->result->seconds_fit, run->result->seconds_bootstrap);
  g_test_message ("sample CLV: r %.3f alpha %.3f a %.3f b %.3f; p %.2f q %.2f gamma %.2f; %.2f s",
                  run->result->bgnbd.r, run->result->bgnbd.alpha, run->result->bgnbd.a, run->result->bgnbd.b,
                  run->result->gamma_gamma.p, run->result->gamma_gamma.q, run->result->gamma_gamma.gamma,
                  run->seconds);
  for (gsize i = 0; i < run->result->n_customers; i++)
    {
      const CstClvValue *v = &run->result->values[i];

      g_assert_cmpfloat (v->clv_low, >=, 0.0);
      g_assert_cmpfloat (v->clv_low, <=, v->clv_high);
      g_assert_cmpfloat (v->p_alive_low, >=, 0.0);
      g_assert_cmpfloat (v->p_alive_high, <=, 1.0);
    }
}

/* Save every kind of run, close, reopen, load: the same numbers. */
static void
test_store_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstPropensityRun) churn = NULL;
  g_autoptr(CstPropensityRun) churn_back = NULL;
  g_autoptr(CstPropensityRun) none = NULL;
  g_autoptr(CstClvRun) clv = NULL;
  g_autoptr(CstClvRun) clv_back = NULL;
  g_autoptr(CstLookalikeRun) look = NULL;
  g_autoptr(CstLookalikeRun) look_back = NULL;
  g_autoptr(GArray) people = NULL;
  CstPropensityOptions options;
  CstClvOptions clv_options;
  gint64 identity_run;

  store = open_project (project, &identity_run);
  cst_propensity_options_init (&options);
  churn = cst_propensity_run (store, identity_run, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cst_clv_options_init (&clv_options);
  clv_options.n_bootstrap = 5;
  clv = cst_clv_run (store, identity_run, &clv_options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  people = cst_store_list_people (store, identity_run, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) emails = NULL;
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GArray) again = cst_store_list_people_full (store, identity_run, &emails, &names, &error);
    guint named = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (again->len, ==, people->len);
    g_assert_cmpuint (emails->len, ==, people->len);
    g_assert_cmpuint (names->len, ==, people->len);
    for (guint i = 0; i < names->len; i++)
      {
        const char *name = g_ptr_array_index (names, i);

        g_assert_cmpint (g_array_index (again, gint64, i), ==, g_array_index (people, gint64, i));
        if (name != NULL)
          {
            named++;
            g_assert_cmpuint (strlen (name), >, 0);
            g_assert_false (g_ascii_isspace (name[0]));
            g_assert_false (g_ascii_isspace (name[strlen (name) - 1]));
          }
      }
    /* The sample's contacts have names. */
    g_assert_cmpuint (named, >, people->len / 2);
  }
  look = cst_lookalike_run (store, identity_run, (gint64 *) people->data, 10, "ten people",
                            CST_LOOKALIKE_DISTANCE, 1, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (cst_store_save_propensity (store, churn, &error));
  g_assert_true (cst_store_save_clv (store, clv, &error));
  g_assert_true (cst_store_save_lookalike (store, look, &error));
  g_assert_no_error (error);
  g_clear_pointer (&store, cst_store_close);

  store = open_project (project, &identity_run);
  churn_back = cst_store_load_latest_propensity (store, CST_PROPENSITY_CHURN, &error);
  g_assert_no_error (error);
  none = cst_store_load_latest_propensity (store, CST_PROPENSITY_PURCHASE, &error);
  g_assert_no_error (error);
  g_assert_null (none);
  g_assert_cmpint (churn_back->id, ==, churn->id);
  g_assert_cmpint (churn_back->split.cutoff, ==, churn->split.cutoff);
  g_assert_cmpuint (churn_back->split.horizon_days, ==, churn->split.horizon_days);
  g_assert_cmpint (churn_back->kind, ==, churn->kind);
  g_assert_cmpfloat (churn_back->auc, ==, churn->auc);
  g_assert_cmpuint (churn_back->roc->len, ==, churn->roc->len);
  g_assert_nonnull (churn->calibration_counts);
  g_assert_cmpuint (churn->calibration_counts->len, ==, churn->calibration->len);
  g_assert_nonnull (churn_back->calibration_counts);
  g_assert_cmpuint (churn_back->calibration_counts->len, ==, churn->calibration_counts->len);
  {
    guint64 total = 0;

    for (guint k = 0; k < churn->calibration_counts->len; k++)
      {
        g_assert_cmpuint (g_array_index (churn_back->calibration_counts, guint64, k), ==,
                          g_array_index (churn->calibration_counts, guint64, k));
        total += g_array_index (churn->calibration_counts, guint64, k);
      }
    g_assert_cmpuint (total, ==, churn->n_test);
  }
  g_assert_cmpuint (churn_back->drivers->len, ==, churn->drivers->len);
  g_assert_cmpstr (((CstPropensityDriver *) g_ptr_array_index (churn_back->drivers, 0))->text, ==,
                   ((CstPropensityDriver *) g_ptr_array_index (churn->drivers, 0))->text);
  g_assert_cmpuint (g_strv_length (churn_back->feature_names), ==, g_strv_length (churn->feature_names));
  g_assert_cmpuint (churn_back->n_people, ==, churn->n_people);
  for (gsize i = 0; i < churn->n_people; i++)
    {
      g_assert_cmpint (churn_back->person_ids[i], ==, churn->person_ids[i]);
      g_assert_cmpfloat (churn_back->probability[i], ==, churn->probability[i]);
      g_assert_cmpint (churn_back->band[i], ==, churn->band[i]);
    }

  /* Moved thresholds are kept, and the stored bands follow them. */
  g_assert_true (cst_store_update_propensity_thresholds (store, churn_back->id, 0.25, 0.5, &error));
  g_assert_no_error (error);
  g_assert_false (cst_store_update_propensity_thresholds (store, churn_back->id, 0.7, 0.2, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (cst_store_update_propensity_thresholds (store, churn_back->id + 1000, 0.2, 0.7, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr(CstPropensityRun) moved = cst_store_load_latest_propensity (store, CST_PROPENSITY_CHURN, &error);

    g_assert_no_error (error);
    g_assert_cmpint (moved->id, ==, churn->id);
    g_assert_cmpfloat (moved->low_threshold, ==, 0.25);
    g_assert_cmpfloat (moved->high_threshold, ==, 0.5);
    for (gsize i = 0; i < moved->n_people; i++)
      g_assert_cmpint (moved->band[i], ==, cst_band_for (moved->probability[i], 0.25, 0.5));
  }

  clv_back = cst_store_load_latest_clv (store, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (clv_back->result->bgnbd.r, ==, clv->result->bgnbd.r);
  g_assert_cmpfloat (clv_back->result->gamma_gamma.gamma, ==, clv->result->gamma_gamma.gamma);
  g_assert_cmpuint (clv_back->holdout->len, ==, clv->holdout->len);
  g_assert_cmpuint (clv_back->result->n_customers, ==, clv->result->n_customers);
  for (gsize i = 0; i < clv->result->n_customers; i++)
    {
      g_assert_cmpint (clv_back->person_ids[i], ==, clv->person_ids[i]);
      g_assert_true (memcmp (&clv_back->result->values[i], &clv->result->values[i], sizeof (CstClvValue)) == 0);
    }

  look_back = cst_store_load_latest_lookalike (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (look_back->seed_description, ==, "ten people");
  g_assert_cmpuint (look_back->n_people, ==, look->n_people);
  g_assert_cmpuint (look_back->reach->len, ==, look->reach->len);
  for (gsize i = 0; i < look->n_people; i++)
    {
      g_assert_cmpfloat (look_back->similarity[i], ==, look->similarity[i]);
      g_assert_cmpint (look_back->is_seed[i], ==, look->is_seed[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  CstSampleOptions options;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("constellate-predict-XXXXXX", NULL);
  project = g_build_filename (dir, "sample.constellate", NULL);
  cst_sample_options_init (&options);
  g_assert_true (cst_sample_write (dir, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *contacts = g_build_filename (dir, CST_SAMPLE_CONTACTS_FILE, NULL);
    g_autofree char *orders = g_build_filename (dir, CST_SAMPLE_ORDERS_FILE, NULL);
    g_autofree char *engagement = g_build_filename (dir, CST_SAMPLE_ENGAGEMENT_FILE, NULL);
    const char *files[] = { contacts, orders, engagement, NULL };

    make_project (project, files);
  }

  g_test_add_func ("/cst/predict/churn", test_churn);
  g_test_add_func ("/cst/predict/no-leakage", test_no_leakage);
  g_test_add_data_func ("/cst/predict/lookalike-classifier", GINT_TO_POINTER (CST_LOOKALIKE_CLASSIFIER), test_lookalike);
  g_test_add_data_func ("/cst/predict/lookalike-distance", GINT_TO_POINTER (CST_LOOKALIKE_DISTANCE), test_lookalike);
  g_test_add_func ("/cst/predict/clv-project", test_clv_project);
  g_test_add_func ("/cst/predict/store-roundtrip", test_store_roundtrip);

  status = g_test_run ();
  cst_test_remove_dir (dir);
  g_free (dir);
  g_free (project);
  return status;
}
