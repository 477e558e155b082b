/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "../cst-test-util.h"
#include "cst-pipeline.h"
#include "io/cst-csv.h"
#include "numeric/cst-metrics.h"

typedef struct
{
  char *dir;
  char *project;
  char *files[4];
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  CstSampleOptions options;
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("constellate-pipeline-XXXXXX", NULL);
  f->project = g_build_filename (f->dir, "sample.constellate", NULL);
  f->files[0] = g_build_filename (f->dir, CST_SAMPLE_CONTACTS_FILE, NULL);
  f->files[1] = g_build_filename (f->dir, CST_SAMPLE_ORDERS_FILE, NULL);
  f->files[2] = g_build_filename (f->dir, CST_SAMPLE_ENGAGEMENT_FILE, NULL);
  f->files[3] = NULL;

  cst_sample_options_init (&options);
  g_assert_true (cst_sample_write (f->dir, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  cst_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->project);
  for (guint i = 0; i < 3; i++)
    g_free (f->files[i]);
}

/* truth.csv → "file:row" → group */
static GHashTable *
load_truth (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, CST_SAMPLE_TRUTH_FILE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CstCsvReader) reader = cst_csv_reader_new (path, ',', &error);
  GHashTable *truth = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_no_error (error);
  g_assert_true (cst_csv_reader_next (reader, &error));
  while (cst_csv_reader_next (reader, &error))
    g_hash_table_insert (truth,
                         g_strdup_printf ("%s:%s", cst_csv_reader_get_field (reader, 0),
                                          cst_csv_reader_get_field (reader, 1)),
                         g_strdup (cst_csv_reader_get_field (reader, 3)));
  g_assert_no_error (error);
  return truth;
}

static guint
group_index (const char *group)
{
  const char *groups[] = { CST_SAMPLE_GROUP_LOYAL, CST_SAMPLE_GROUP_BARGAIN, CST_SAMPLE_GROUP_LAPSED,
                           CST_SAMPLE_GROUP_NEW, CST_SAMPLE_GROUP_PROSPECT };

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    if (g_strcmp0 (group, groups[i]) == 0)
      return i;
  g_assert_not_reached ();
}

/* The planted group of each segmented person: the group of their shop orders. */
static guint *
truth_labels (const char            *project,
              GHashTable            *truth,
              const CstSegmentation *seg)
{
  g_autoptr(GHashTable) by_person = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint *labels = g_new0 (guint, seg->n_people);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  for (gsize i = 0; i < seg->n_people; i++)
    g_hash_table_insert (by_person, &seg->person_ids[i], GSIZE_TO_POINTER (i + 1));

  g_assert_cmpint (sqlite3_open (project, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT pr.person_id, s.name, r.row_number FROM person_records pr "
                                       "JOIN records r ON r.id = pr.record_id JOIN sources s ON s.id = r.source_id "
                                       "WHERE s.kind = 'orders'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 person = sqlite3_column_int64 (stmt, 0);
      gsize index = GPOINTER_TO_SIZE (g_hash_table_lookup (by_person, &person));
      g_autofree char *key = g_strdup_printf ("%s:%lld", sqlite3_column_text (stmt, 1),
                                              (long long) sqlite3_column_int64 (stmt, 2));
      const char *group = g_hash_table_lookup (truth, key);

      g_assert_nonnull (group);
      if (index > 0)
        labels[index - 1] = group_index (group);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return labels;
}

static void
test_pipeline_sample_path (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) truth = NULL;
  g_autoptr(CstSegmentation) reloaded = NULL;
  g_autofree guint *labels = NULL;
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };
  CstPipelineSummary loaded = { 0 };
  const CstSegmentation *seg;
  gsize total = 0;
  double ari;

  cst_segmentation_options_init (&options);
  g_assert_true (cst_pipeline_create_from_files (f->project, (const char * const *) f->files, &options,
                                                 &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  seg = summary.segmentation;

  /* Every row of every file is in the project; the sample has no broken rows. */
  g_assert_cmpuint (summary.n_sources, ==, 3);
  g_assert_cmpuint (summary.n_rejected, ==, 0);
  g_assert_cmpuint (summary.n_records, ==, summary.n_rows);
  /* 5,000 CRM contacts, a few shop-only people and a few under a second address. */
  g_assert_cmpuint (summary.n_people, >=, 5000);
  g_assert_cmpuint (summary.n_people, <=, 5500);

  /* Automatic k finds the four planted groups, says why, and names them. */
  g_assert_true (seg->auto_k);
  g_assert_cmpuint (seg->k, ==, 4);
  g_assert_nonnull (seg->reason);
  g_assert_cmpuint (seg->n_choices, ==, 11);
  for (guint s = 0; s < seg->k; s++)
    {
      total += seg->sizes[s];
      g_assert_false (g_str_has_prefix (seg->segment_names[s], "Segment "));
      g_assert_nonnull (cst_segmentation_get_fact (seg, s, 0));
      g_test_message ("segment %u: %s (%zu) — %s", s, seg->segment_names[s], seg->sizes[s],
                      cst_segmentation_get_fact (seg, s, 0));
      for (guint t = 0; t < s; t++)
        g_assert_cmpstr (seg->segment_names[s], !=, seg->segment_names[t]);
    }
  g_assert_cmpuint (total, ==, seg->n_people);
  g_assert_cmpuint (seg->n_people + seg->n_skipped, ==, summary.n_people);

  /* Recovery of the planted behavioural groups, measured against the generator's truth. */
  truth = load_truth (f->dir);
  labels = truth_labels (f->project, truth, seg);
  ari = cst_adjusted_rand_index (labels, seg->labels, seg->n_people);
  g_test_message ("sample path: %zu rows, %zu people, %zu segmented; ARI against the planted groups %.3f; "
                  "seconds import %.2f, people %.2f, segments %.2f",
                  summary.n_rows, summary.n_people, seg->n_people, ari,
                  summary.seconds_import, summary.seconds_identity, summary.seconds_segment);
  g_assert_cmpfloat (ari, >=, 0.9);
  {
    /* The planted groups, named as a marketer would (the C locale gives the English names). */
    const char *expected[] = { "Frequent big spenders", "Weekend bargain hunters", "Lapsed one-time buyers",
                               "New customers" };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      g_assert_true (g_strv_contains ((const char * const *) seg->segment_names, expected[i]));
  }

  /* What was stored is what is shown when the project is opened again. */
  reloaded = cst_pipeline_load (f->project, &loaded, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reloaded->run_id, ==, seg->run_id);
  g_assert_true (reloaded->auto_k);
  g_assert_cmpstr (reloaded->reason, ==, seg->reason);
  g_assert_cmpstr (reloaded->settings, ==, seg->settings);
  g_assert_cmpuint (reloaded->n_choices, ==, seg->n_choices);
  g_assert_cmpstr (reloaded->segment_names[0], ==, seg->segment_names[0]);
  g_assert_cmpstr (cst_segmentation_get_fact (reloaded, 0, 0), ==, cst_segmentation_get_fact (seg, 0, 0));
  g_assert_cmpuint (reloaded->n_people, ==, seg->n_people);
  g_assert_cmpmem (reloaded->labels, seg->n_people * sizeof (guint), seg->labels, seg->n_people * sizeof (guint));
  g_assert_cmpmem (reloaded->sizes, seg->k * sizeof (gsize), seg->sizes, seg->k * sizeof (gsize));
  g_assert_cmpuint (loaded.n_rows, ==, summary.n_rows);
  g_assert_cmpuint (loaded.sources->len, ==, 3);

  /* Segmenting again adds a run and keeps the earlier one; classic RFM names its groups. */
  options.method = CST_SEGMENTATION_RFM;
  g_assert_true (cst_pipeline_segment (f->project, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (summary.segmentation->method, ==, CST_SEGMENTATION_RFM);
  g_assert_cmpuint (summary.segmentation->k, >=, 5);
  g_assert_cmpuint (summary.segmentation->n_choices, ==, 0);
  options.method = CST_SEGMENTATION_DISCOVER;
  options.k = 5;
  g_assert_true (cst_pipeline_segment (f->project, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.segmentation->k, ==, 5);
  g_assert_cmpint (summary.segmentation->run_id, ==, reloaded->run_id + 2);
  g_assert_false (summary.segmentation->auto_k);

  cst_pipeline_summary_clear (&summary);
  cst_pipeline_summary_clear (&loaded);
}

static void
test_pipeline_bad_file (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *bad = g_build_filename (CST_TEST_DATA_DIR, "unterminated.csv", NULL);
  const char *files[] = { f->files[0], bad, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *part = g_strconcat (f->project, ".part", NULL);
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };

  /* One broken file: no project is made, nothing half-made is left, the message names it. */
  cst_segmentation_options_init (&options);
  g_assert_false (cst_pipeline_create_from_files (f->project, files, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "unterminated.csv"));
  g_assert_false (g_file_test (f->project, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  cst_pipeline_summary_clear (&summary);
}

static void
test_pipeline_cancel (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };

  cst_segmentation_options_init (&options);
  g_cancellable_cancel (cancellable);
  g_assert_false (cst_pipeline_create_from_files (f->project, (const char * const *) f->files, &options,
                                                  &summary, cancellable, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (f->project, G_FILE_TEST_EXISTS));
  cst_pipeline_summary_clear (&summary);
}

static void
test_pipeline_no_orders (Fixture       *f,
                         gconstpointer  data)
{
  const char *files[] = { f->files[0], NULL };
  g_autoptr(GError) error = NULL;
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };

  /* Contacts alone: the project is made and says why it has no segments. */
  cst_segmentation_options_init (&options);
  g_assert_true (cst_pipeline_create_from_files (f->project, files, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (summary.segmentation);
  g_assert_nonnull (summary.note);
  g_assert_cmpuint (summary.n_rows, ==, 5000);
  g_assert_true (g_file_test (f->project, G_FILE_TEST_IS_REGULAR));
  cst_pipeline_summary_clear (&summary);
}

/* The UCI Online Retail invoices (SOURCE.md: 541,909 lines, 135,080 without a CustomerID,
 * 4,372 customers): keyed by customer number, valued as price × quantity, one order per invoice,
 * cancellations as returns. */
static void
test_pipeline_online_retail (void)
{
  g_autofree char *xz = cst_test_shared_data ("online-retail/Online_Retail.csv.xz");
  g_autofree char *dir = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *project = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) xz_process = NULL;
  g_autoptr(GError) error = NULL;
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };
  const char *files[2] = { NULL, NULL };

  g_autofree char *xz_program = g_find_program_in_path ("xz");

  if (xz == NULL || xz_program == NULL)
    {
      g_test_skip ("The shared Online Retail data set or xz is not available");
      return;
    }

  dir = g_dir_make_tmp ("constellate-retail-XXXXXX", NULL);
  csv = g_build_filename (dir, "online-retail.csv", NULL);
  project = g_build_filename (dir, "retail.constellate", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, csv);
  xz_process = g_subprocess_launcher_spawn (launcher, &error, "xz", "-dc", xz, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (xz_process, NULL, &error));
  g_assert_no_error (error);

  files[0] = csv;
  cst_segmentation_options_init (&options);
  g_assert_true (cst_pipeline_create_from_files (project, files, &options, &summary, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (summary.n_rows, ==, 541909);
  g_assert_cmpuint (summary.n_rejected, ==, 135080);
  g_assert_cmpuint (summary.n_people, ==, 4372);
  g_assert_nonnull (summary.segmentation);
  g_assert_true (summary.segmentation->auto_k);
  g_assert_cmpuint (summary.segmentation->n_people, >=, 4300);
  for (guint s = 0; s < summary.segmentation->k; s++)
    {
      g_assert_false (g_str_has_prefix (summary.segmentation->segment_names[s], "Segment "));
      g_test_message ("Online Retail segment %u: %s (%zu)", s, summary.segmentation->segment_names[s],
                      summary.segmentation->sizes[s]);
    }
  g_test_message ("Online Retail: %s; import %.2f s, people %.2f s, segments %.2f s",
                  summary.segmentation->reason, summary.seconds_import, summary.seconds_identity,
                  summary.seconds_segment);

  cst_pipeline_summary_clear (&summary);
  cst_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cst/pipeline/sample-path", Fixture, NULL, fixture_set_up, test_pipeline_sample_path, fixture_tear_down);
  g_test_add ("/cst/pipeline/bad-file", Fixture, NULL, fixture_set_up, test_pipeline_bad_file, fixture_tear_down);
  g_test_add ("/cst/pipeline/no-orders", Fixture, NULL, fixture_set_up, test_pipeline_no_orders, fixture_tear_down);
  g_test_add_func ("/cst/pipeline/online-retail", test_pipeline_online_retail);
  g_test_add ("/cst/pipeline/cancel", Fixture, NULL, fixture_set_up, test_pipeline_cancel, fixture_tear_down);

  return g_test_run ();
}
