/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cst-test-util.h"
#include "identity/cst-identity.h"
#include "io/cst-import.h"
#include "io/cst-sample.h"
#include "linkage/cst-store-linkage.h"
#include "store/cst-store.h"

/* A project made from the sample generator (600 contacts, their orders and emails), linked by
 * the project path (cst_identity_link). */
typedef struct
{
  char     *dir;
  CstStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *project = NULL;
  const char *files[] = { CST_SAMPLE_CONTACTS_FILE, CST_SAMPLE_ORDERS_FILE, CST_SAMPLE_ENGAGEMENT_FILE };
  CstSampleOptions options;

  f->dir = g_dir_make_tmp ("constellate-linkage-XXXXXX", NULL);
  cst_sample_options_init (&options);
  options.n_people = 600;
  g_assert_true (cst_sample_write (f->dir, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  project = g_build_filename (f->dir, "p.constellate", NULL);
  f->store = cst_store_open (project, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, files[i], NULL);

      g_assert_true (cst_import_csv (f->store, path, -1, NULL, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  unused)
{
  g_clear_pointer (&f->store, cst_store_close);
  cst_test_remove_dir (f->dir);
  g_free (f->dir);
}

static void
link_project (Fixture           *f,
              CstIdentityReport *report)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_identity_link (f->store, NULL, report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* uid → sorted record ids, for every person of the newest run. */
static GHashTable *
snapshot (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) people = cst_store_linkage_search_people (f->store, 0, "", G_MAXINT, &error);
  GHashTable *map = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < people->len; i++)
    {
      CstLinkagePerson *p = &g_array_index (people, CstLinkagePerson, i);
      g_autoptr(GArray) records = cst_store_linkage_list_person_records (f->store, p->person_id, &error);
      g_autoptr(GString) ids = g_string_new (NULL);
      gint64 *uid = g_new (gint64, 1);
      g_autofree gint64 *sorted = g_new (gint64, records->len);

      g_assert_no_error (error);
      g_assert_cmpint (records->len, ==, p->n_records);
      for (guint r = 0; r < records->len; r++)
        sorted[r] = g_array_index (records, CstLinkageRecord, r).record_id;
      for (guint r = 0; r < records->len; r++)
        for (guint s = r + 1; s < records->len; s++)
          if (sorted[s] < sorted[r])
            {
              gint64 t = sorted[r];
              sorted[r] = sorted[s];
              sorted[s] = t;
            }
      for (guint r = 0; r < records->len; r++)
        g_string_append_printf (ids, "%" G_GINT64_FORMAT ",", sorted[r]);
      *uid = p->uid;
      g_hash_table_insert (map, uid, g_string_free (g_steal_pointer (&ids), FALSE));
    }
  return map;
}

static void
test_store_sample_truth (Fixture       *f,
                         gconstpointer  unused)
{
  g_autofree char *truth_path = g_build_filename (f->dir, CST_SAMPLE_TRUTH_FILE, NULL);
  g_autoptr(GHashTable) truth_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) people = NULL;
  g_autoptr(GArray) person = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) truth = g_ptr_array_new ();
  CstIdentityReport report = { 0 };
  CstLinkageSummary summary;
  g_autoptr(GArray) curve = NULL;
  g_autoptr(GPtrArray) review = NULL;
  double p, r, f1;

  link_project (f, &report);
  g_assert_cmpuint (report.n_records, ==, cst_store_count_records (f->store));

  /* The generator's truth: file,row,person,group. */
  reader = cst_csv_reader_new (truth_path, ',', &error);
  g_assert_no_error (error);
  g_assert_true (cst_csv_reader_next (reader, &error));
  while (cst_csv_reader_next (reader, &error))
    g_hash_table_insert (truth_of,
                         g_strdup_printf ("%s:%s", cst_csv_reader_get_field (reader, 0), cst_csv_reader_get_field (reader, 1)),
                         g_strdup (cst_csv_reader_get_field (reader, 2)));
  g_assert_no_error (error);

  people = cst_store_linkage_search_people (f->store, 0, "", G_MAXINT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, report.n_people);
  for (guint i = 0; i < people->len; i++)
    {
      g_autoptr(GArray) records = cst_store_linkage_list_person_records (f->store,
                                                                         g_array_index (people, CstLinkagePerson, i).person_id,
                                                                         &error);
      g_assert_no_error (error);
      for (guint k = 0; k < records->len; k++)
        {
          CstLinkageRecord *rec = &g_array_index (records, CstLinkageRecord, k);
          g_autofree char *key = g_strdup_printf ("%s:%" G_GINT64_FORMAT, rec->source, rec->row_number);
          const char *t = g_hash_table_lookup (truth_of, key);

          g_assert_nonnull (t);
          g_array_append_val (person, i);
          g_ptr_array_add (truth, (gpointer) t);
        }
    }
  g_assert_cmpuint (person->len, ==, report.n_records);
  cst_link_pairwise_quality ((guint *) person->data, (const char * const *) truth->pdata, person->len, &p, &r, &f1);
  g_test_message ("sample (600 contacts): %zu records → %zu people; pairwise precision %.4f, recall %.4f, F1 %.4f",
                  report.n_records, report.n_people, p, r, f1);
  g_assert_cmpfloat (p, >=, 0.98);
  g_assert_cmpfloat (r, >=, 0.97);

  /* The People page's calls. */
  g_assert_true (cst_store_linkage_get_summary (f->store, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (summary.n_people, ==, report.n_people);
  g_assert_cmpint (summary.n_records, ==, report.n_records);
  g_assert_cmpuint (summary.overlaps->len, >=, 2);  /* contacts share people with orders and emails */
  cst_linkage_summary_clear (&summary);

  curve = cst_store_linkage_get_curve (f->store, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (curve->len, ==, 101);
  for (guint i = 1; i < curve->len; i++)
    {
      CstLinkageCurvePoint *a = &g_array_index (curve, CstLinkageCurvePoint, i - 1);
      CstLinkageCurvePoint *b = &g_array_index (curve, CstLinkageCurvePoint, i);

      g_assert_cmpint (b->n_merges, <=, a->n_merges);
      g_assert_cmpfloat (b->recall, <=, a->recall + 1e-12);
    }

  review = cst_store_linkage_list_review (f->store, 0, 20, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < review->len; i++)
    {
      CstLinkageReviewItem *item = g_ptr_array_index (review, i);

      g_assert_cmpfloat (item->probability, >=, 0.05);
      g_assert_cmpfloat (item->probability, <=, 0.95);
      g_assert_nonnull (item->sentence);
      g_assert_cmpuint (strlen (item->sentence), >, 5);
      g_assert_nonnull (item->source_a);
      g_assert_cmpuint (item->fields->len, >, 0);
      if (i > 0)
        g_assert_cmpfloat (ABS (item->probability - 0.5), >=,
                           ABS (((CstLinkageReviewItem *) g_ptr_array_index (review, i - 1))->probability - 0.5) - 1e-9);
    }
  g_test_message ("review queue: %u uncertain pairs; first: %s", review->len,
                  review->len > 0 ? ((CstLinkageReviewItem *) g_ptr_array_index (review, 0))->sentence : "-");
}

static void
test_store_stable_ids (Fixture       *f,
                       gconstpointer  unused)
{
  g_autofree char *extra = g_build_filename (f->dir, "new-contacts.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("customer_id,first_name,last_name,email,phone,postcode,city\n");
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GError) error = NULL;
  CstIdentityReport report = { 0 };
  GHashTableIter iter;
  gpointer key, value;
  guint kept = 0, present = 0;

  link_project (f, &report);
  before = snapshot (f);

  /* 1 % new records: six new people. */
  for (guint i = 0; i < report.n_records / 100; i++)
    g_string_append_printf (csv, "N%u,Newperson%u,Zzyzx%c%c,new%u@example.org,,99%03u,Neustadt\n",
                            i, i, 'a' + i % 26, 'a' + i / 26 % 26, i, i);
  g_assert_true (g_file_set_contents (extra, csv->str, -1, &error));
  g_assert_true (cst_import_csv (f->store, extra, -1, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  link_project (f, &report);
  after = snapshot (f);
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      kept += g_strcmp0 (g_hash_table_lookup (after, key), value) == 0;
      present += g_hash_table_contains (after, key);
    }
  g_test_message ("stable ids: %u of %u people kept their id, %u also exactly their records", present,
                  g_hash_table_size (before), kept);
  /* The model is re-estimated with the new records, so a pair near the threshold may flip; the
   * ids must not: an id disappears only when its records went apart. */
  g_assert_cmpuint (present, >=, g_hash_table_size (before) * 995 / 1000);
  g_assert_cmpuint (kept, >=, g_hash_table_size (before) * 99 / 100);
  g_assert_cmpuint (g_hash_table_size (after), >=, g_hash_table_size (before) + report.n_records / 100 - 1);
}

/* Two records of one person and two of different people, by record id. */
static void
find_records (Fixture *f,
              gint64  *same_a,
              gint64  *same_b,
              gint64  *other_a,
              gint64  *other_b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) people = cst_store_linkage_search_people (f->store, 0, "", G_MAXINT, &error);

  *same_a = *same_b = *other_a = *other_b = -1;
  for (guint i = 0; i < people->len; i++)
    {
      CstLinkagePerson *p = &g_array_index (people, CstLinkagePerson, i);
      g_autoptr(GArray) records = cst_store_linkage_list_person_records (f->store, p->person_id, &error);

      if (records->len >= 2 && *same_a < 0 &&
          g_str_equal (g_array_index (records, CstLinkageRecord, 0).source, CST_SAMPLE_CONTACTS_FILE))
        {
          *same_a = g_array_index (records, CstLinkageRecord, 0).record_id;
          *same_b = g_array_index (records, CstLinkageRecord, records->len - 1).record_id;
        }
      else if (records->len == 1 && *other_a < 0)
        *other_a = g_array_index (records, CstLinkageRecord, 0).record_id;
      else if (records->len == 1 && *other_b < 0)
        *other_b = g_array_index (records, CstLinkageRecord, 0).record_id;
    }
  if (*same_a < 0)
    for (guint i = 0; i < people->len && *same_a < 0; i++)
      {
        CstLinkagePerson *p = &g_array_index (people, CstLinkagePerson, i);
        g_autoptr(GArray) records = cst_store_linkage_list_person_records (f->store, p->person_id, &error);

        if (records->len >= 2)
          {
            *same_a = g_array_index (records, CstLinkageRecord, 0).record_id;
            *same_b = g_array_index (records, CstLinkageRecord, 1).record_id;
          }
      }
  g_assert_cmpint (*same_a, >, 0);
  g_assert_cmpint (*other_b, >, 0);
}

static gboolean
together (Fixture *f,
          gint64   a,
          gint64   b)
{
  gint64 pa = cst_store_linkage_person_of_record (f->store, 0, a);

  g_assert_cmpint (pa, >, 0);
  return pa == cst_store_linkage_person_of_record (f->store, 0, b);
}

static gint64
pending (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 n = cst_store_linkage_count_pending_decisions (f->store, 0, &error);

  g_assert_no_error (error);
  return n;
}

static void
test_store_decisions (Fixture       *f,
                      gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  CstIdentityReport report = { 0 };
  gint64 same_a, same_b, other_a, other_b;
  gint64 person;

  /* Before any linker run, every decision is pending (there are none yet). */
  g_assert_cmpint (pending (f), ==, 0);
  link_project (f, &report);
  find_records (f, &same_a, &same_b, &other_a, &other_b);
  g_assert_true (together (f, same_a, same_b));
  g_assert_false (together (f, other_a, other_b));
  g_assert_cmpint (pending (f), ==, 0);

  g_assert_cmpint (cst_store_linkage_decide (f->store, same_a, same_b, FALSE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (pending (f), ==, 1);
  g_assert_cmpint (cst_store_linkage_decide (f->store, other_a, other_b, TRUE, &error), >, 0);
  g_assert_no_error (error);
  /* Counted from the store: a reopened project still knows what waits. */
  g_assert_cmpint (pending (f), ==, 2);
  g_assert_cmpint (cst_store_linkage_count_pending_decisions (f->store, report.run_id, NULL), ==, 2);

  /* Respected by the next run and by every later one. */
  for (guint run = 0; run < 2; run++)
    {
      link_project (f, &report);
      g_assert_false (together (f, same_a, same_b));
      g_assert_true (together (f, other_a, other_b));
      g_assert_cmpint (pending (f), ==, 0);
    }

  /* Undo the last decision ("Same"): the two fall apart again. */
  g_assert_true (cst_store_linkage_undo (f->store, &error));
  g_assert_no_error (error);
  {
    /* An undone decision's id is never given again: a new decision is pending, undone or not. */
    gint64 id = cst_store_linkage_decide (f->store, other_a, other_b, FALSE, &error);

    g_assert_no_error (error);
    g_assert_cmpint (pending (f), ==, 1);
    g_assert_true (cst_store_linkage_undo (f->store, &error));
    g_assert_cmpint (cst_store_linkage_get_last_decision (f->store, &error), <, id);
    g_assert_cmpint (pending (f), ==, 0);
  }
  link_project (f, &report);
  g_assert_false (together (f, other_a, other_b));
  g_assert_false (together (f, same_a, same_b));

  /* Undo the first; then there is nothing left to undo. */
  g_assert_true (cst_store_linkage_undo (f->store, &error));
  g_assert_false (cst_store_linkage_undo (f->store, &error));
  g_assert_no_error (error);
  link_project (f, &report);
  g_assert_true (together (f, same_a, same_b));

  /* Split: the first record leaves its person. */
  person = cst_store_linkage_person_of_record (f->store, 0, same_a);
  g_assert_true (cst_store_linkage_split_person (f->store, person, &same_a, 1, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GArray) records = cst_store_linkage_list_person_records (f->store, person, &error);
    g_autoptr(GArray) decisions = cst_store_linkage_list_decisions (f->store, &error);

    /* One decision per other record of the person, but one change waiting. */
    g_assert_no_error (error);
    g_assert_cmpuint (decisions->len, ==, records->len - 1);
    g_assert_cmpint (pending (f), ==, 1);
  }
  link_project (f, &report);
  g_assert_false (together (f, same_a, same_b));
  g_assert_cmpint (pending (f), ==, 0);
}

/* The threshold and rules a user chose stick: a run without options (as after an import)
 * makes people with those of the newest run. */
static void
test_store_options_stick (Fixture       *f,
                          gconstpointer  unused)
{
  g_autoptr(GError) error = NULL;
  CstIdentityReport report = { 0 };
  CstIdentityReport strict = { 0 };
  CstLinkageSummary summary = { 0 };
  CstLinkOptions options;
  CstLinkOptions read;
  guint n_default;

  cst_link_options_init (&read);
  g_assert_false (cst_store_linkage_get_run_options (f->store, 0, &read, &error));
  g_assert_no_error (error);

  link_project (f, &report);
  n_default = report.n_people;
  g_assert_true (cst_store_linkage_get_run_options (f->store, 0, &read, &error));
  g_assert_cmpfloat_with_epsilon (read.threshold, 0.9, 1e-9);
  g_assert_cmpint (read.rules, ==, CST_LINK_RULES_DEFAULT);

  /* A strict threshold and no email rule: more people. */
  cst_link_options_init (&options);
  options.threshold = 0.999;
  options.rules = CST_LINK_RULE_CUSTOMER_KEY;
  g_assert_true (cst_identity_link (f->store, &options, &strict, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strict.n_people, >, n_default);

  /* The next run without options (what an import does) keeps them. */
  link_project (f, &report);
  g_assert_cmpuint (report.n_people, ==, strict.n_people);
  g_assert_true (cst_store_linkage_get_summary (f->store, 0, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (summary.run_id, ==, report.run_id);
  g_assert_cmpfloat_with_epsilon (summary.threshold, 0.999, 1e-9);
  cst_linkage_summary_clear (&summary);
  cst_link_options_init (&read);
  g_assert_true (cst_store_linkage_get_run_options (f->store, report.run_id, &read, &error));
  g_assert_cmpint (read.rules, ==, CST_LINK_RULE_CUSTOMER_KEY);

  /* Asking for the defaults again brings the default people back. */
  cst_link_options_init (&options);
  g_assert_true (cst_identity_link (f->store, &options, &report, NULL, NULL, NULL, &error));
  g_assert_cmpuint (report.n_people, ==, n_default);
  link_project (f, &report);
  g_assert_cmpuint (report.n_people, ==, n_default);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cst/linkage-store/sample-truth", Fixture, NULL, fixture_set_up, test_store_sample_truth,
              fixture_tear_down);
  g_test_add ("/cst/linkage-store/stable-ids", Fixture, NULL, fixture_set_up, test_store_stable_ids,
              fixture_tear_down);
  g_test_add ("/cst/linkage-store/decisions", Fixture, NULL, fixture_set_up, test_store_decisions,
              fixture_tear_down);
  g_test_add ("/cst/linkage-store/options-stick", Fixture, NULL, fixture_set_up, test_store_options_stick,
              fixture_tear_down);

  return g_test_run ();
}
