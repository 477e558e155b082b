/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmarks of the linker on real and generated data; prints one JSON line per measurement.
 *
 *   cst-bench-linkage febrl DIR          FEBRL dataset1–3 (dedup) and 4a+4b (linkage)
 *   cst-bench-linkage dedupe FILE        dedupe-examples' csv_example (True Id)
 *   cst-bench-linkage scale N DIR        N records in three sources made from the sample
 *                                        generator's people, perturbed (DIR holds the sample)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "io/cst-csv.h"
#include "io/cst-sample.h"
#include "linkage/cst-link-csv.h"
#include "linkage/cst-linker.h"

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
report (const char          *name,
        const CstLinkResult *result,
        const char * const  *truth,
        double               seconds_read)
{
  double p, r, f1, total = seconds_read;

  cst_link_pairwise_quality (result->person, truth, result->n_records, &p, &r, &f1);
  for (guint s = 1; s < CST_LINK_N_STAGES; s++)
    total += result->seconds[s];
  printf ("{\"data\":\"%s\",\"records\":%u,\"estimated_comparisons\":%" G_GUINT64_FORMAT
          ",\"candidate_pairs\":%" G_GUINT64_FORMAT ",\"people\":%u,\"precision\":%.4f,\"recall\":%.4f,"
          "\"f1\":%.4f,\"seconds_read\":%.2f,\"seconds_blocking\":%.2f,\"seconds_comparing\":%.2f,"
          "\"seconds_training\":%.2f,\"seconds_clustering\":%.2f,\"seconds\":%.2f}\n",
          name, result->n_records, result->n_estimated, result->n_candidates, result->n_people, p, r, f1,
          seconds_read, result->seconds[CST_LINK_STAGE_BLOCKING], result->seconds[CST_LINK_STAGE_COMPARING],
          result->seconds[CST_LINK_STAGE_TRAINING], result->seconds[CST_LINK_STAGE_CLUSTERING], total);
  fflush (stdout);
}

/* "rec-12-dup-3" → "12" */
static char *
febrl_truth (const char *label)
{
  const char *start = strchr (label, '-');
  const char *end = start != NULL ? strchr (start + 1, '-') : NULL;

  return start != NULL && end != NULL ? g_strndup (start + 1, end - start - 1) : g_strdup (label);
}

static int
run_febrl (const char *dir)
{
  const char *sets[][3] = {
    { "febrl-dataset1", "dataset1.csv", NULL },
    { "febrl-dataset2", "dataset2.csv", NULL },
    { "febrl-dataset3", "dataset3.csv", NULL },
    { "febrl-dataset4a+4b", "dataset4a.csv", "dataset4b.csv" },
  };

  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      g_autofree char *a = g_build_filename (dir, sets[s][1], NULL);
      g_autofree char *b = sets[s][2] != NULL ? g_build_filename (dir, sets[s][2], NULL) : NULL;
      const char *paths[] = { a, b, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(CstLinkData) data = NULL;
      g_autoptr(CstLinkResult) result = NULL;
      g_autoptr(GPtrArray) truth = g_ptr_array_new_with_free_func (g_free);
      double t0 = now (), read;

      data = cst_link_data_new_from_csv (paths, "rec_id", NULL, NULL, NULL, NULL, &error);
      if (data == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      read = now () - t0;
      result = cst_link_run (data, NULL, NULL, NULL, NULL, &error);
      if (result == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      for (guint r = 0; r < result->n_records; r++)
        g_ptr_array_add (truth, febrl_truth (cst_link_data_get_label (data, r)));
      report (sets[s][0], result, (const char * const *) truth->pdata, read);
    }
  return 0;
}

static int
run_dedupe (const char *file)
{
  const char *paths[] = { file, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CstLinkData) data = NULL;
  g_autoptr(CstLinkResult) result = NULL;
  g_autoptr(GPtrArray) truth = NULL;
  double t0 = now (), read;

  data = cst_link_data_new_from_csv (paths, "Id", "True Id", &truth, "US", NULL, &error);
  if (data == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  read = now () - t0;
  result = cst_link_run (data, NULL, NULL, NULL, NULL, &error);
  if (result == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  report ("dedupe-csv-example", result, (const char * const *) truth->pdata, read);
  return 0;
}

/* The scale benchmark's people: fields recombined from the sample generator's contacts, so the
 * names, streets and towns are the generator's, with double names and random dates, postcodes
 * and phones for the variety of a million people. */
typedef struct
{
  GPtrArray *first, *last, *street, *city, *domain;
} Vocabulary;

static gboolean
load_vocabulary (const char *dir,
                 Vocabulary *v)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstCsvReader) reader = NULL;
  g_autofree char *path = g_build_filename (dir, CST_SAMPLE_CONTACTS_FILE, NULL);
  CstSampleOptions options;

  cst_sample_options_init (&options);
  options.n_people = 20000;
  if (!g_file_test (path, G_FILE_TEST_EXISTS) &&
      !cst_sample_write (dir, &options, NULL, NULL, NULL, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }
  reader = cst_csv_reader_new (path, ',', &error);
  if (reader == NULL || !cst_csv_reader_next (reader, &error))
    return FALSE;
  v->first = g_ptr_array_new_with_free_func (g_free);
  v->last = g_ptr_array_new_with_free_func (g_free);
  v->street = g_ptr_array_new_with_free_func (g_free);
  v->city = g_ptr_array_new_with_free_func (g_free);
  v->domain = g_ptr_array_new_with_free_func (g_free);
  while (cst_csv_reader_next (reader, NULL))
    {
      const char *email = cst_csv_reader_get_field (reader, 3);
      const char *at = email != NULL ? strchr (email, '@') : NULL;
      g_autofree char *street = g_strdup (cst_csv_reader_get_field (reader, 5));
      char *digit = strpbrk (street, "0123456789");

      if (digit != NULL)
        *digit = '\0';
      g_ptr_array_add (v->first, g_strdup (cst_csv_reader_get_field (reader, 1)));
      g_ptr_array_add (v->last, g_strdup (cst_csv_reader_get_field (reader, 2)));
      g_ptr_array_add (v->street, g_strdup (g_strstrip (street)));
      g_ptr_array_add (v->city, g_strdup (cst_csv_reader_get_field (reader, 7)));
      g_ptr_array_add (v->domain, g_strdup (at != NULL ? at + 1 : "example.org"));
    }
  return v->first->len > 0;
}

static const char *
pick (GPtrArray *a,
      GRand     *rand)
{
  return g_ptr_array_index (a, g_rand_int_range (rand, 0, a->len));
}

/* One typo: a letter dropped, doubled or swapped with its neighbour. */
static char *
typo (const char *s,
      GRand      *rand)
{
  GString *out = g_string_new (s);
  guint n = out->len;

  if (n >= 3)
    {
      guint i = g_rand_int_range (rand, 1, n - 1);

      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0: g_string_erase (out, i, 1); break;
        case 1: g_string_insert_c (out, i, out->str[i]); break;
        default:
          {
            char c = out->str[i];
            out->str[i] = out->str[i + 1];
            out->str[i + 1] = c;
          }
        }
    }
  return g_string_free (out, FALSE);
}

static int
run_scale (guint       n,
           const char *dir)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261122);
  g_autoptr(CstLinkData) data = cst_link_data_new ("DE");
  g_autoptr(CstLinkResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) truth = g_ptr_array_new_with_free_func (g_free);
  Vocabulary v = { 0 };
  guint n_people = n / 2;
  double t0, read;

  if (!load_vocabulary (dir, &v))
    return 1;
  cst_link_data_add_column (data, CST_LINK_FIRST_NAME, "first_name");
  cst_link_data_add_column (data, CST_LINK_LAST_NAME, "last_name");
  cst_link_data_add_column (data, CST_LINK_EMAIL, "email");
  cst_link_data_add_column (data, CST_LINK_PHONE, "phone");
  cst_link_data_add_column (data, CST_LINK_STREET, "street");
  cst_link_data_add_column (data, CST_LINK_POSTCODE, "postcode");
  cst_link_data_add_column (data, CST_LINK_CITY, "city");
  cst_link_data_add_column (data, CST_LINK_BIRTH_DATE, "birth_date");
  cst_link_data_add_source (data, "crm");
  cst_link_data_add_source (data, "shop");
  cst_link_data_add_source (data, "newsletter");

  t0 = now ();
  /* Source 0 holds 40 % of the records, 1 and 2 30 % each; every record is a person drawn from
   * n / 2 people, so about half of the records have a twin somewhere. */
  for (guint i = 0; i < n; i++)
    {
      guint source = i < n * 4 / 10 ? 0 : i < n * 7 / 10 ? 1 : 2;
      guint person = source == 0 ? i % n_people : (guint) g_rand_int_range (rand, 0, n_people);
      g_autoptr(GRand) pr = g_rand_new_with_seed (person * 2654435761u + 7);
      g_autofree char *first = NULL, *last = NULL, *email = NULL, *phone = NULL;
      g_autofree char *street = NULL, *postcode = NULL, *birth = NULL;
      const char *city;
      const char *values[8];
      guint32 phone_number;

      /* The person's own fields, from a generator seeded by the person. */
      first = g_rand_int_range (pr, 0, 4) == 0 ? g_strdup_printf ("%s %s", pick (v.first, pr), pick (v.first, pr))
                                                : g_strdup (pick (v.first, pr));
      last = g_rand_int_range (pr, 0, 3) == 0 ? g_strdup_printf ("%s-%s", pick (v.last, pr), pick (v.last, pr))
                                               : g_strdup (pick (v.last, pr));
      street = g_strdup_printf ("%s %d", pick (v.street, pr), g_rand_int_range (pr, 1, 200));
      postcode = g_strdup_printf ("%05d", g_rand_int_range (pr, 1000, 99999));
      city = pick (v.city, pr);
      birth = g_strdup_printf ("%04d-%02d-%02d", g_rand_int_range (pr, 1940, 2006), g_rand_int_range (pr, 1, 13),
                               g_rand_int_range (pr, 1, 29));
      phone_number = g_rand_int_range (pr, 1000000, 99999999);
      email = g_strdup_printf ("%c.%s%d@%s", g_ascii_tolower (first[0]), last, g_rand_int_range (pr, 1, 999),
                               pick (v.domain, pr));
      phone = g_strdup_printf (g_rand_int_range (rand, 0, 2) ? "+49 17%d %d" : "017%d/%d",
                               g_rand_int_range (pr, 0, 10), phone_number);

      /* This source's copy: typos, missing fields, another email. */
      if (source > 0)
        {
          if (g_rand_int_range (rand, 0, 10) == 0)
            {
              char *t = typo (last, rand);
              g_free (last);
              last = t;
            }
          if (g_rand_int_range (rand, 0, 10) == 0)
            {
              char *t = typo (first, rand);
              g_free (first);
              first = t;
            }
          if (g_rand_int_range (rand, 0, 5) == 0)
            g_clear_pointer (&phone, g_free);
          if (g_rand_int_range (rand, 0, 5) == 0)
            {
              g_free (email);
              /* Another address of the same person (a real mailbox is one person's). */
              email = g_strdup_printf ("%s.%s%u@%s", first, last, person % 1000, pick (v.domain, rand));
            }
          if (g_rand_int_range (rand, 0, 4) == 0)
            g_clear_pointer (&birth, g_free);
          if (g_rand_int_range (rand, 0, 10) == 0)
            {
              char *t = typo (street, rand);
              g_free (street);
              street = t;
            }
        }
      values[0] = first;
      values[1] = last;
      values[2] = email;
      values[3] = phone;
      values[4] = street;
      values[5] = postcode;
      values[6] = city;
      values[7] = birth;
      cst_link_data_add_record (data, source, i + 1, NULL, values);
      g_ptr_array_add (truth, g_strdup_printf ("%u", person));
    }
  read = now () - t0;
  result = cst_link_run (data, NULL, NULL, NULL, NULL, &error);
  if (result == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  report ("scale", result, (const char * const *) truth->pdata, read);
  g_ptr_array_unref (v.first);
  g_ptr_array_unref (v.last);
  g_ptr_array_unref (v.street);
  g_ptr_array_unref (v.city);
  g_ptr_array_unref (v.domain);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 3 && g_str_equal (argv[1], "febrl"))
    {
      g_autofree char *probe = g_build_filename (argv[2], "dataset1.csv", NULL);

      if (!g_file_test (probe, G_FILE_TEST_EXISTS))
        return 77;
      return run_febrl (argv[2]);
    }
  if (argc >= 3 && g_str_equal (argv[1], "dedupe"))
    {
      if (!g_file_test (argv[2], G_FILE_TEST_EXISTS))
        return 77;
      return run_dedupe (argv[2]);
    }
  if (argc >= 4 && g_str_equal (argv[1], "scale"))
    {
      g_mkdir_with_parents (argv[3], 0755);
      return run_scale (g_ascii_strtoull (argv[2], NULL, 10), argv[3]);
    }
  fprintf (stderr, "usage: %s febrl DIR | dedupe FILE | scale N DIR\n", argv[0]);
  return 2;
}
