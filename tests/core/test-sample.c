/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "io/cst-sample.h"

/* Every check reads the written files back with a small RFC 4180 parser of its own, so the
 * tests see exactly what the importer will see. Share tolerances are absolute percentage
 * points and follow the brief (±5 points for group shares); the generator's quotas make the
 * real deviations far smaller. */

enum { FILE_CONTACTS, FILE_ORDERS, FILE_ENGAGEMENT, FILE_TRUTH, N_FILES };

static const char *const file_names[N_FILES] = {
  CST_SAMPLE_CONTACTS_FILE, CST_SAMPLE_ORDERS_FILE, CST_SAMPLE_ENGAGEMENT_FILE,
  CST_SAMPLE_TRUTH_FILE,
};

static const char *const headers[N_FILES] = {
  ("customer_id,first_name,last_name,email,phone,street,postcode,city,country,birth_date,"
   "signup_date,newsletter_consent"),
  "order_id,email,order_date,amount,items,category,channel,discount",
  "email,campaign,sent_at,opened,clicked",
  "file,row,person,group",
};

enum { LOYAL, BARGAIN, LAPSED, NEW, PROSPECT, N_GROUPS };

static const char *const group_names[N_GROUPS] = {
  CST_SAMPLE_GROUP_LOYAL, CST_SAMPLE_GROUP_BARGAIN, CST_SAMPLE_GROUP_LAPSED,
  CST_SAMPLE_GROUP_NEW, CST_SAMPLE_GROUP_PROSPECT,
};

/* Targets from the brief: shares of buyers, prospects a share of contacts. */
static const double group_targets[N_GROUPS] = { 0.20, 0.30, 0.30, 0.20, 0.08 };

typedef struct
{
  char      *dir;
  GPtrArray *tables[N_FILES];   /* rows of GStrv, the header first */
  guint     *person[N_FILES];   /* truth person of each data row, index row − 1 */
  guint     *group[N_FILES];    /* truth group of each data row */
  guint      n_rows[N_FILES];   /* data rows, without the header */
  guint      n_persons;         /* one more than the largest person id */
  int       *person_group;      /* by person id; −1 when unseen */
  GDate      end;
} Sample;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR))
          remove_tree (child);
        else
          g_assert_cmpint (g_unlink (child), ==, 0);
      }
  g_rmdir (path);
}

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static GPtrArray *
read_csv (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autoptr(GString) field = g_string_new (NULL);
  gboolean quoted = FALSE;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (contents, length, NULL));
  g_assert_null (memchr (contents, '\r', length));
  g_assert_cmpuint (length, >, 0);
  g_assert_cmpint (contents[length - 1], ==, '\n');

  for (const char *p = contents; p < contents + length; p++)
    {
      if (quoted)
        {
          if (*p != '"')
            g_string_append_c (field, *p);
          else if (p + 1 < contents + length && p[1] == '"')
            g_string_append_c (field, *p++);
          else
            quoted = FALSE;
        }
      else if (*p == '"')
        {
          g_assert_cmpuint (field->len, ==, 0);
          quoted = TRUE;
        }
      else if (*p == ',' || *p == '\n')
        {
          g_ptr_array_add (fields, g_strndup (field->str, field->len));
          g_string_truncate (field, 0);
          if (*p == '\n')
            {
              g_ptr_array_add (fields, NULL);
              g_ptr_array_add (rows, g_ptr_array_free (g_steal_pointer (&fields), FALSE));
              fields = g_ptr_array_new ();
            }
        }
      else
        g_string_append_c (field, *p);
    }
  g_assert_false (quoted);
  return g_steal_pointer (&rows);
}

static const char *
cell (Sample     *sample,
      guint       file,
      guint       row,
      const char *column)
{
  char **header = g_ptr_array_index (sample->tables[file], 0);

  for (guint i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], column))
      return ((char **) g_ptr_array_index (sample->tables[file], row))[i];
  g_assert_not_reached ();
}

static int
group_index (const char *name)
{
  for (guint i = 0; i < N_GROUPS; i++)
    if (g_str_equal (name, group_names[i]))
      return (int) i;
  g_assert_not_reached ();
}

/* Days between a YYYY-MM-DD prefix and the end date. */
static int
days_before_end (Sample     *sample,
                 const char *date)
{
  int year, month, day;
  GDate when;

  g_assert_cmpint (sscanf (date, "%4d-%2d-%2d", &year, &month, &day), ==, 3);
  g_assert_true (g_date_valid_dmy (day, month, year));
  g_date_clear (&when, 1);
  g_date_set_dmy (&when, day, month, year);
  return g_date_days_between (&when, &sample->end);
}

static gboolean
is_weekend (const char *date)
{
  int year, month, day;
  GDate when;

  g_assert_cmpint (sscanf (date, "%4d-%2d-%2d", &year, &month, &day), ==, 3);
  g_date_clear (&when, 1);
  g_date_set_dmy (&when, day, month, year);
  return g_date_get_weekday (&when) >= G_DATE_SATURDAY;
}

static gint64
parse_cents (const char *text)
{
  g_autoptr(GRegex) regex = g_regex_new ("^[0-9]+\\.[0-9][0-9]$", 0, 0, NULL);
  char *end = NULL;
  double value;

  g_assert_true (g_regex_match (regex, text, 0, NULL));
  value = g_ascii_strtod (text, &end);
  return (gint64) llround (value * 100.0);
}

static void
generate (const CstSampleOptions *options,
          const char             *dir)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  ok = cst_sample_write (dir, options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("%u people generated in %.3f s", options->n_people,
                  (g_get_monotonic_time () - start) / 1e6);
}

/* Generates into a new temporary folder and reads everything back, checking that the truth
 * names every data row exactly once and that each person keeps one group everywhere. */
static Sample *
load_sample (const CstSampleOptions *options)
{
  g_autoptr(GError) error = NULL;
  Sample *sample = g_new0 (Sample, 1);
  GPtrArray *truth;

  sample->dir = g_dir_make_tmp ("cst-sample-XXXXXX", &error);
  g_assert_no_error (error);
  generate (options, sample->dir);

  g_date_clear (&sample->end, 1);
  g_date_set_dmy (&sample->end, options->end_day, options->end_month, options->end_year);

  for (guint f = 0; f < N_FILES; f++)
    {
      g_autofree char *path = g_build_filename (sample->dir, file_names[f], NULL);
      g_autofree char *header = NULL;
      guint n_columns;

      sample->tables[f] = read_csv (path);
      g_assert_cmpuint (sample->tables[f]->len, >=, 1);
      header = g_strjoinv (",", g_ptr_array_index (sample->tables[f], 0));
      g_assert_cmpstr (header, ==, headers[f]);
      n_columns = g_strv_length (g_ptr_array_index (sample->tables[f], 0));
      for (guint r = 1; r < sample->tables[f]->len; r++)
        g_assert_cmpuint (g_strv_length (g_ptr_array_index (sample->tables[f], r)), ==, n_columns);
      sample->n_rows[f] = sample->tables[f]->len - 1;
      sample->person[f] = g_new0 (guint, sample->n_rows[f] + 1);
      sample->group[f] = g_new0 (guint, sample->n_rows[f] + 1);
    }

  truth = sample->tables[FILE_TRUTH];
  g_assert_cmpuint (truth->len - 1, ==, sample->n_rows[FILE_CONTACTS] +
                                        sample->n_rows[FILE_ORDERS] +
                                        sample->n_rows[FILE_ENGAGEMENT]);
  for (guint r = 1; r < truth->len; r++)
    {
      char **fields = g_ptr_array_index (truth, r);
      guint file = N_FILES;
      guint64 row;
      guint64 person;

      for (guint f = 0; f < FILE_TRUTH; f++)
        if (g_str_equal (fields[0], file_names[f]))
          file = f;
      g_assert_cmpuint (file, <, FILE_TRUTH);
      g_assert_true (g_ascii_string_to_unsigned (fields[1], 10, 1, sample->n_rows[file], &row,
                                                 NULL));
      g_assert_true (g_ascii_string_to_unsigned (fields[2], 10, 1, G_MAXUINT - 1, &person,
                                                 NULL));
      g_assert_cmpuint (sample->person[file][row - 1], ==, 0);
      sample->person[file][row - 1] = (guint) person;
      sample->group[file][row - 1] = (guint) group_index (fields[3]);
      sample->n_persons = MAX (sample->n_persons, (guint) person + 1);
    }

  sample->person_group = g_new (int, sample->n_persons);
  for (guint p = 0; p < sample->n_persons; p++)
    sample->person_group[p] = -1;
  for (guint f = 0; f < FILE_TRUTH; f++)
    for (guint r = 0; r < sample->n_rows[f]; r++)
      {
        guint p = sample->person[f][r];

        g_assert_cmpuint (p, !=, 0);  /* every data row has a truth row */
        g_assert_true (sample->person_group[p] == -1 ||
                       sample->person_group[p] == (int) sample->group[f][r]);
        sample->person_group[p] = (int) sample->group[f][r];
      }
  return sample;
}

static void
sample_free (Sample *sample)
{
  for (guint f = 0; f < N_FILES; f++)
    {
      g_ptr_array_unref (sample->tables[f]);
      g_free (sample->person[f]);
      g_free (sample->group[f]);
    }
  g_free (sample->person_group);
  remove_tree (sample->dir);
  g_assert_false (g_file_test (sample->dir, G_FILE_TEST_EXISTS));
  g_free (sample->dir);
  g_free (sample);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sample, sample_free)

/* The email forms the identity stage should treat as equal: trimmed, lower case, Gmail
 * without dots in the local part. */
static char *
normalize_email (const char *email)
{
  g_autofree char *copy = g_strstrip (g_strdup (email));
  g_autofree char *lower = g_ascii_strdown (copy, -1);
  char *at = strrchr (lower, '@');
  GString *out;

  if (at == NULL || !g_str_equal (at, "@gmail.com"))
    return g_steal_pointer (&lower);
  out = g_string_new (NULL);
  for (char *p = lower; p < at; p++)
    if (*p != '.')
      g_string_append_c (out, *p);
  g_string_append (out, at);
  return g_string_free (out, FALSE);
}

/* Truth person → CRM email (NULL when not in the CRM, "" when the field is empty). */
static GHashTable *
crm_emails (Sample *sample)
{
  GHashTable *emails = g_hash_table_new (NULL, NULL);

  for (guint r = 0; r < sample->n_rows[FILE_CONTACTS]; r++)
    g_hash_table_insert (emails, GUINT_TO_POINTER (sample->person[FILE_CONTACTS][r]),
                         (gpointer) cell (sample, FILE_CONTACTS, r + 1, "email"));
  return emails;
}

static void
test_options (void)
{
  CstSampleOptions options;

  memset (&options, 0xff, sizeof options);
  cst_sample_options_init (&options);
  g_assert_cmpuint (options.seed, ==, CST_SAMPLE_DEFAULT_SEED);
  g_assert_cmpuint (options.n_people, ==, CST_SAMPLE_DEFAULT_PEOPLE);
  g_assert_cmpint (options.end_year, ==, 2026);
  g_assert_cmpint (options.end_month, ==, 10);
  g_assert_cmpint (options.end_day, ==, 31);
}

static void
test_determinism (void)
{
  g_autoptr(GError) error = NULL;
  char *dirs[3] = { NULL };
  CstSampleOptions options;

  cst_sample_options_init (&options);
  for (guint d = 0; d < 3; d++)
    {
      dirs[d] = g_dir_make_tmp ("cst-sample-XXXXXX", &error);
      g_assert_no_error (error);
    }
  generate (&options, dirs[0]);
  generate (&options, dirs[1]);
  options.seed++;
  generate (&options, dirs[2]);

  for (guint f = 0; f < N_FILES; f++)
    {
      char *contents[3] = { NULL };
      gsize lengths[3];

      for (guint d = 0; d < 3; d++)
        {
          g_autofree char *path = g_build_filename (dirs[d], file_names[f], NULL);

          g_file_get_contents (path, &contents[d], &lengths[d], &error);
          g_assert_no_error (error);
        }
      g_assert_cmpmem (contents[0], lengths[0], contents[1], lengths[1]);
      g_assert_false (lengths[0] == lengths[2] &&
                      memcmp (contents[0], contents[2], lengths[0]) == 0);
      for (guint d = 0; d < 3; d++)
        g_free (contents[d]);
    }

  for (guint d = 0; d < 3; d++)
    {
      remove_tree (dirs[d]);
      g_free (dirs[d]);
    }
}

/* Missing fields are independent draws, so their shares are binomial: allow four standard
 * deviations (about 2.6 points at 30 % of 5000 people, 10 points at 30 % of 300). */
static double
binomial_tolerance (double p,
                    guint  n)
{
  return 4.0 * sqrt (p * (1.0 - p) / n);
}

static void
check_contacts (Sample *sample)
{
  g_autoptr(GRegex) date = g_regex_new ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", 0, 0, NULL);
  g_autoptr(GRegex) postcode = g_regex_new ("^[0-9]{4,5}$", 0, 0, NULL);
  g_autoptr(GRegex) phone = g_regex_new ("^(\\+|0|\\(0)[0-9 ()/+-]{8,}$", 0, 0, NULL);
  guint n = sample->n_rows[FILE_CONTACTS];
  guint missing_phone = 0, missing_birth = 0, missing_street = 0, missing_email = 0;
  guint non_ascii = 0;
  g_autoptr(GHashTable) emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint r = 1; r <= n; r++)
    {
      g_autofree char *id = g_strdup_printf ("C%06u", r);
      const char *email = cell (sample, FILE_CONTACTS, r, "email");
      const char *country = cell (sample, FILE_CONTACTS, r, "country");
      const char *code = cell (sample, FILE_CONTACTS, r, "postcode");
      const char *birth = cell (sample, FILE_CONTACTS, r, "birth_date");
      const char *signup = cell (sample, FILE_CONTACTS, r, "signup_date");
      const char *consent = cell (sample, FILE_CONTACTS, r, "newsletter_consent");

      g_assert_cmpstr (cell (sample, FILE_CONTACTS, r, "customer_id"), ==, id);
      g_assert_cmpstr (cell (sample, FILE_CONTACTS, r, "first_name"), !=, "");
      g_assert_cmpstr (cell (sample, FILE_CONTACTS, r, "last_name"), !=, "");
      g_assert_cmpstr (cell (sample, FILE_CONTACTS, r, "city"), !=, "");
      if (!g_str_is_ascii (cell (sample, FILE_CONTACTS, r, "last_name")))
        non_ascii++;

      if (email[0] == '\0')
        missing_email++;
      else
        {
          g_assert_nonnull (strchr (email, '@'));
          /* Different people never share a mailbox. */
          g_assert_true (g_hash_table_add (emails, normalize_email (email)));
        }
      if (cell (sample, FILE_CONTACTS, r, "phone")[0] == '\0')
        missing_phone++;
      else
        g_assert_true (g_regex_match (phone, cell (sample, FILE_CONTACTS, r, "phone"), 0, NULL));
      if (cell (sample, FILE_CONTACTS, r, "street")[0] == '\0')
        {
          missing_street++;
          g_assert_cmpstr (code, ==, "");
        }
      else
        {
          g_assert_true (g_regex_match (postcode, code, 0, NULL));
          g_assert_cmpuint (strlen (code), ==, g_str_equal (country, "DE") ? 5 : 4);
        }
      g_assert_true (g_str_equal (country, "DE") || g_str_equal (country, "AT") ||
                     g_str_equal (country, "CH"));
      if (birth[0] == '\0')
        missing_birth++;
      else
        {
          g_assert_true (g_regex_match (date, birth, 0, NULL));
          g_assert_cmpint (days_before_end (sample, birth), >=, 18 * 365);
        }
      g_assert_true (g_regex_match (date, signup, 0, NULL));
      g_assert_cmpint (days_before_end (sample, signup), >=, 0);
      g_assert_true (g_str_equal (consent, "yes") || g_str_equal (consent, "no"));
      /* Customer ids grow with signup date. */
      if (r > 1)
        g_assert_cmpstr (signup, >=, cell (sample, FILE_CONTACTS, r - 1, "signup_date"));
    }

  g_test_message ("missing: phone %.1f %%, birth %.1f %%, street %.1f %%, email %.1f %%",
                  100.0 * missing_phone / n, 100.0 * missing_birth / n,
                  100.0 * missing_street / n, 100.0 * missing_email / n);
  g_assert_cmpfloat_with_epsilon ((double) missing_phone / n, 0.15, binomial_tolerance (0.15, n));
  g_assert_cmpfloat_with_epsilon ((double) missing_birth / n, 0.30, binomial_tolerance (0.30, n));
  g_assert_cmpfloat_with_epsilon ((double) missing_street / n, 0.05, binomial_tolerance (0.05, n));
  g_assert_cmpfloat_with_epsilon ((double) missing_email / n, 0.03, binomial_tolerance (0.03, n));
  g_assert_cmpuint (non_ascii, >, 0);
}

static void
check_orders (Sample *sample)
{
  static const char *const categories[] = {
    "Fashion", "Shoes", "Beauty", "Home", "Electronics", "Sports", "Books", "Toys",
  };
  g_autoptr(GRegex) timestamp = g_regex_new ("^[0-9]{4}-[0-9]{2}-[0-9]{2} "
                                             "[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$", 0, 0, NULL);
  guint n = sample->n_rows[FILE_ORDERS];

  for (guint r = 1; r <= n; r++)
    {
      g_autofree char *id = g_strdup_printf ("#%u", 100000 + r);
      const char *when = cell (sample, FILE_ORDERS, r, "order_date");
      const char *channel = cell (sample, FILE_ORDERS, r, "channel");
      gboolean known_category = FALSE;
      guint64 items;
      int days;

      g_assert_cmpstr (cell (sample, FILE_ORDERS, r, "order_id"), ==, id);
      g_assert_nonnull (strchr (cell (sample, FILE_ORDERS, r, "email"), '@'));
      g_assert_true (g_regex_match (timestamp, when, 0, NULL));
      if (r > 1)
        g_assert_cmpstr (when, >=, cell (sample, FILE_ORDERS, r - 1, "order_date"));
      days = days_before_end (sample, when);
      g_assert_cmpint (days, >=, 0);
      g_assert_cmpint (days, <, 730);
      g_assert_cmpint (parse_cents (cell (sample, FILE_ORDERS, r, "amount")), >, 0);
      g_assert_cmpint (parse_cents (cell (sample, FILE_ORDERS, r, "discount")), >=, 0);
      g_assert_true (g_ascii_string_to_unsigned (cell (sample, FILE_ORDERS, r, "items"), 10,
                                                 1, 100, &items, NULL));
      for (guint c = 0; c < G_N_ELEMENTS (categories); c++)
        known_category |= g_str_equal (cell (sample, FILE_ORDERS, r, "category"), categories[c]);
      g_assert_true (known_category);
      g_assert_true (g_str_equal (channel, "web") || g_str_equal (channel, "app") ||
                     g_str_equal (channel, "store"));
    }
}

static void
check_engagement (Sample *sample)
{
  g_autoptr(GHashTable) contacts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) campaigns = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean quoted_campaign = FALSE;

  for (guint r = 1; r <= sample->n_rows[FILE_CONTACTS]; r++)
    {
      const char *email = cell (sample, FILE_CONTACTS, r, "email");

      if (email[0] != '\0')
        g_hash_table_insert (contacts, g_ascii_strdown (email, -1), GUINT_TO_POINTER (r));
    }

  for (guint r = 1; r <= sample->n_rows[FILE_ENGAGEMENT]; r++)
    {
      const char *email = cell (sample, FILE_ENGAGEMENT, r, "email");
      const char *campaign = cell (sample, FILE_ENGAGEMENT, r, "campaign");
      const char *opened = cell (sample, FILE_ENGAGEMENT, r, "opened");
      const char *clicked = cell (sample, FILE_ENGAGEMENT, r, "clicked");
      const char *sent = cell (sample, FILE_ENGAGEMENT, r, "sent_at");
      guint contact = GPOINTER_TO_UINT (g_hash_table_lookup (contacts, email));
      g_autofree char *lower = g_ascii_strdown (email, -1);

      g_assert_cmpstr (email, ==, lower);
      g_assert_cmpuint (contact, !=, 0);
      g_assert_cmpuint (sample->person[FILE_ENGAGEMENT][r - 1], ==,
                        sample->person[FILE_CONTACTS][contact - 1]);
      g_assert_cmpstr (cell (sample, FILE_CONTACTS, contact, "newsletter_consent"), ==, "yes");
      g_assert_cmpint (strncmp (cell (sample, FILE_CONTACTS, contact, "signup_date"), sent, 10),
                       <, 0);
      g_assert_true (g_str_equal (opened, "0") || g_str_equal (opened, "1"));
      g_assert_true (g_str_equal (clicked, "0") || g_str_equal (clicked, "1"));
      if (g_str_equal (clicked, "1"))
        g_assert_cmpstr (opened, ==, "1");
      /* Campaign names start with the month they were sent in. */
      g_assert_cmpint (strncmp (campaign, sent, 7), ==, 0);
      g_hash_table_add (campaigns, (gpointer) campaign);
      quoted_campaign |= strchr (campaign, ',') != NULL;
    }
  g_assert_cmpuint (g_hash_table_size (campaigns), ==, 24);
  g_assert_true (quoted_campaign);
}

static void
check_shares (Sample *sample)
{
  guint contacts[N_GROUPS] = { 0 };
  guint buyers[N_GROUPS] = { 0 };
  g_autofree gboolean *bought = g_new0 (gboolean, sample->n_persons);
  guint n_buyers = 0;

  for (guint r = 0; r < sample->n_rows[FILE_ORDERS]; r++)
    {
      guint p = sample->person[FILE_ORDERS][r];

      g_assert_cmpint (sample->person_group[p], !=, PROSPECT);
      if (!bought[p])
        {
          bought[p] = TRUE;
          buyers[sample->person_group[p]]++;
          n_buyers++;
        }
    }
  for (guint r = 0; r < sample->n_rows[FILE_CONTACTS]; r++)
    {
      guint p = sample->person[FILE_CONTACTS][r];

      contacts[sample->group[FILE_CONTACTS][r]]++;
      /* Everyone in a buyer group bought, and only they did. */
      g_assert_true (bought[p] == (sample->group[FILE_CONTACTS][r] != PROSPECT));
    }

  for (guint g = 0; g < N_GROUPS; g++)
    {
      double share = g == PROSPECT ? (double) contacts[g] / sample->n_rows[FILE_CONTACTS]
                                   : (double) buyers[g] / n_buyers;

      g_test_message ("%s: %.1f %% (target %.0f %%)", group_names[g], 100 * share,
                      100 * group_targets[g]);
      g_assert_cmpuint (g == PROSPECT ? contacts[g] : buyers[g], >, 0);
      g_assert_cmpfloat_with_epsilon (share, group_targets[g], 0.05);
    }
}

static void
test_shape (void)
{
  g_autoptr(Sample) sample = NULL;
  CstSampleOptions options;

  cst_sample_options_init (&options);
  sample = load_sample (&options);

  g_test_message ("rows: %u contacts, %u orders, %u emails", sample->n_rows[FILE_CONTACTS],
                  sample->n_rows[FILE_ORDERS], sample->n_rows[FILE_ENGAGEMENT]);
  g_assert_cmpuint (sample->n_rows[FILE_CONTACTS], ==, options.n_people);
  g_assert_cmpuint (sample->n_rows[FILE_ORDERS], >=, 35000);
  g_assert_cmpuint (sample->n_rows[FILE_ORDERS], <=, 45000);
  g_assert_cmpuint (sample->n_rows[FILE_ENGAGEMENT], >, 0);

  check_contacts (sample);
  check_orders (sample);
  check_engagement (sample);
  check_shares (sample);
}

static void
test_noise (void)
{
  g_autoptr(Sample) sample = NULL;
  g_autoptr(GHashTable) crm = NULL;
  g_autoptr(GHashTable) buyers = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) other = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GHashTable) shop_only = g_hash_table_new (NULL, NULL);
  guint n_case = 0, n_space = 0, n_dots = 0, n_noisy = 0;
  CstSampleOptions options;
  GHashTableIter iter;
  gpointer key;

  cst_sample_options_init (&options);
  sample = load_sample (&options);
  crm = crm_emails (sample);

  for (guint r = 0; r < sample->n_rows[FILE_ORDERS]; r++)
    {
      guint p = sample->person[FILE_ORDERS][r];
      const char *shop = cell (sample, FILE_ORDERS, r + 1, "email");
      const char *listed;
      g_autofree char *shop_norm = normalize_email (shop);
      g_autofree char *crm_norm = NULL;

      g_hash_table_add (buyers, GUINT_TO_POINTER (p));
      if (!g_hash_table_lookup_extended (crm, GUINT_TO_POINTER (p), NULL, (gpointer *) &listed))
        {
          g_hash_table_add (shop_only, GUINT_TO_POINTER (p));
          continue;
        }
      if (listed[0] == '\0')
        continue;

      crm_norm = normalize_email (listed);
      if (g_str_equal (shop_norm, crm_norm))
        {
          g_autofree char *shop_lower = g_ascii_strdown (shop, -1);
          g_autofree char *crm_lower = g_ascii_strdown (listed, -1);

          if (g_str_equal (shop, listed))
            continue;
          n_noisy++;
          n_space += shop[0] == ' ' || shop[strlen (shop) - 1] == ' ';
          n_case += g_str_equal (shop_lower, crm_lower) && !g_str_equal (shop, listed);
          n_dots += strchr (shop, ' ') == NULL && !g_str_equal (shop_lower, crm_lower);
        }
      else
        {
          const char *seen = g_hash_table_lookup (other, GUINT_TO_POINTER (p));

          /* A second address is used consistently for all of that person's orders. */
          if (seen != NULL)
            g_assert_cmpstr (seen, ==, shop_norm);
          else
            g_hash_table_insert (other, GUINT_TO_POINTER (p), g_steal_pointer (&shop_norm));
        }
    }

  g_test_message ("noisy order emails: %u (case only %u, spaces %u, gmail dots %u) of %u",
                  n_noisy, n_case, n_space, n_dots, sample->n_rows[FILE_ORDERS]);
  g_test_message ("buyers %u: %u with another shop email, %u shop-only",
                  g_hash_table_size (buyers), g_hash_table_size (other),
                  g_hash_table_size (shop_only));
  g_assert_cmpuint (n_case, >, 0);
  g_assert_cmpuint (n_space, >, 0);
  g_assert_cmpuint (n_dots, >, 0);
  g_assert_cmpfloat ((double) n_noisy / sample->n_rows[FILE_ORDERS], >, 0.10);
  g_assert_cmpuint (g_hash_table_size (other), >, 0);
  g_assert_cmpfloat ((double) g_hash_table_size (other) / g_hash_table_size (buyers), <, 0.05);
  g_assert_cmpuint (g_hash_table_size (shop_only), >, 0);
  g_assert_cmpfloat ((double) g_hash_table_size (shop_only) / g_hash_table_size (buyers), <,
                     0.03);

  /* Shop-only people have ids of their own, never shared with a contact. */
  g_hash_table_iter_init (&iter, shop_only);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_assert_false (g_hash_table_contains (crm, key));
}

typedef struct
{
  guint   people;
  guint   orders;
  guint   weekend;
  guint   discounted;
  double  spend;
  double  recency;         /* sum over people of days since their last order */
  guint   recent_30;       /* people whose last order is at most 30 days old */
  int     min_first;       /* smallest number of days since a first order */
  int     max_last;        /* largest number of days since a last order */
  int     min_last;
  guint   sent;
  guint   opened;
  guint   clicked;
} GroupStats;

static void
test_structure (void)
{
  g_autoptr(Sample) sample = NULL;
  g_autofree guint *orders = NULL;
  g_autofree int *first = NULL;
  g_autofree int *last = NULL;
  GroupStats stats[N_GROUPS] = { { 0 } };
  CstSampleOptions options;
  guint loyal_cheap = 0;
  guint bargain_weekday_people = 0;

  cst_sample_options_init (&options);
  sample = load_sample (&options);
  orders = g_new0 (guint, sample->n_persons);
  first = g_new0 (int, sample->n_persons);
  last = g_new (int, sample->n_persons);
  for (guint p = 0; p < sample->n_persons; p++)
    last[p] = G_MAXINT;
  for (guint g = 0; g < N_GROUPS; g++)
    {
      stats[g].min_first = G_MAXINT;
      stats[g].min_last = G_MAXINT;
    }

  for (guint r = 0; r < sample->n_rows[FILE_ORDERS]; r++)
    {
      guint p = sample->person[FILE_ORDERS][r];
      GroupStats *s = &stats[sample->group[FILE_ORDERS][r]];
      const char *when = cell (sample, FILE_ORDERS, r + 1, "order_date");
      gint64 amount = parse_cents (cell (sample, FILE_ORDERS, r + 1, "amount"));
      int days = days_before_end (sample, when);

      orders[p]++;
      first[p] = MAX (first[p], days);
      last[p] = MIN (last[p], days);
      s->orders++;
      s->weekend += is_weekend (when);
      s->discounted += parse_cents (cell (sample, FILE_ORDERS, r + 1, "discount")) > 0;
      s->spend += amount / 100.0;
    }
  for (guint p = 0; p < sample->n_persons; p++)
    {
      GroupStats *s;

      if (orders[p] == 0)
        continue;
      s = &stats[sample->person_group[p]];
      s->people++;
      s->recency += last[p];
      s->recent_30 += last[p] <= 30;
      s->min_first = MIN (s->min_first, first[p]);
      s->max_last = MAX (s->max_last, last[p]);
      s->min_last = MIN (s->min_last, last[p]);
    }
  for (guint r = 0; r < sample->n_rows[FILE_ENGAGEMENT]; r++)
    {
      GroupStats *s = &stats[sample->group[FILE_ENGAGEMENT][r]];

      s->sent++;
      s->opened += g_str_equal (cell (sample, FILE_ENGAGEMENT, r + 1, "opened"), "1");
      s->clicked += g_str_equal (cell (sample, FILE_ENGAGEMENT, r + 1, "clicked"), "1");
    }

  for (guint g = 0; g < N_GROUPS; g++)
    {
      GroupStats *s = &stats[g];

      if (g != PROSPECT)
        g_test_message ("%s: %u people, %.1f orders each, basket %.2f, weekend %.0f %%, "
                        "discount %.0f %%, recency %.0f d (<= 30 d: %.0f %%), open %.0f %%, "
                        "click %.0f %%",
                        group_names[g], s->people, (double) s->orders / s->people,
                        s->spend / s->orders, 100.0 * s->weekend / s->orders,
                        100.0 * s->discounted / s->orders, s->recency / s->people,
                        100.0 * s->recent_30 / s->people, 100.0 * s->opened / s->sent,
                        100.0 * s->clicked / s->sent);
      else
        g_test_message ("%s: open %.0f %%, click %.0f %%", group_names[g],
                        100.0 * s->opened / s->sent, 100.0 * s->clicked / s->sent);
    }

#define MEAN(g, field) ((double) stats[g].field / stats[g].orders)
#define PER_PERSON(g, field) ((double) stats[g].field / stats[g].people)
#define RATE(g, field) ((double) stats[g].field / stats[g].sent)

  /* Frequency: loyal ≫ bargain ≫ lapsed and new. */
  g_assert_cmpfloat (PER_PERSON (LOYAL, orders), >, 2.0 * PER_PERSON (BARGAIN, orders));
  g_assert_cmpfloat (PER_PERSON (BARGAIN, orders), >, 3.0 * PER_PERSON (LAPSED, orders));
  g_assert_cmpfloat (PER_PERSON (LAPSED, orders), <, 1.5);
  g_assert_cmpfloat (PER_PERSON (NEW, orders), <, 3.0);

  /* Spend per order. */
  g_assert_cmpfloat (MEAN (LOYAL, spend), >, 2.0 * MEAN (BARGAIN, spend));
  g_assert_cmpfloat (MEAN (LOYAL, spend), >, 90.0);
  g_assert_cmpfloat (MEAN (BARGAIN, spend), <, 40.0);

  /* Timing and discounts. */
  g_assert_cmpfloat (MEAN (BARGAIN, weekend), >, 0.7);
  g_assert_cmpfloat (MEAN (LOYAL, weekend), <, 0.4);
  g_assert_cmpfloat (MEAN (BARGAIN, discounted), >, 0.6);
  g_assert_cmpfloat (MEAN (LOYAL, discounted), <, 0.2);

  /* Recency: loyal buyers ordered lately, lapsed ones a year or more ago, new ones only in
   * the last 90 days. */
  g_assert_cmpfloat (PER_PERSON (LOYAL, recent_30), >, 0.85);
  g_assert_cmpint (stats[LAPSED].min_last, >=, 365);
  g_assert_cmpint (stats[NEW].min_first, >=, 0);
  for (guint p = 0; p < sample->n_persons; p++)
    if (orders[p] > 0 && sample->person_group[p] == NEW)
      g_assert_cmpint (first[p], <, 90);

  /* Engagement. */
  g_assert_cmpfloat (RATE (LOYAL, opened), >, 0.5);
  g_assert_cmpfloat (RATE (LOYAL, clicked), >, 0.15);
  g_assert_cmpfloat (RATE (LAPSED, opened), <, 0.15);
  g_assert_cmpfloat (RATE (BARGAIN, opened), >, RATE (LAPSED, opened));
  g_assert_cmpfloat (RATE (NEW, opened), >, RATE (BARGAIN, opened));

#undef MEAN
#undef PER_PERSON
#undef RATE

  /* Not trivially separable: some loyal orders cost less than a typical bargain basket, and
   * some bargain hunters shop mostly on weekdays. */
  for (guint r = 0; r < sample->n_rows[FILE_ORDERS]; r++)
    if (sample->group[FILE_ORDERS][r] == LOYAL &&
        parse_cents (cell (sample, FILE_ORDERS, r + 1, "amount")) < 4000)
      loyal_cheap++;
  {
    g_autofree guint *weekday_orders = g_new0 (guint, sample->n_persons);

    for (guint r = 0; r < sample->n_rows[FILE_ORDERS]; r++)
      if (!is_weekend (cell (sample, FILE_ORDERS, r + 1, "order_date")))
        weekday_orders[sample->person[FILE_ORDERS][r]]++;
    for (guint p = 0; p < sample->n_persons; p++)
      if (orders[p] > 0 && sample->person_group[p] == BARGAIN && 2 * weekday_orders[p] >= orders[p])
        bargain_weekday_people++;
  }
  g_test_message ("overlap: %u loyal orders under 40.00, %u bargain hunters mostly on weekdays",
                  loyal_cheap, bargain_weekday_people);
  g_assert_cmpuint (loyal_cheap, >, 0);
  g_assert_cmpuint (bargain_weekday_people, >, 0);
}

static void
test_small (void)
{
  g_autoptr(Sample) sample = NULL;
  CstSampleOptions options;
  gint64 start;
  double seconds;

  cst_sample_options_init (&options);
  options.n_people = 300;
  options.seed = 7;
  options.end_year = 2025;
  options.end_month = 3;
  options.end_day = 1;

  start = g_get_monotonic_time ();
  sample = load_sample (&options);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("300 people: %u orders, %u emails; generated and checked in %.3f s",
                  sample->n_rows[FILE_ORDERS], sample->n_rows[FILE_ENGAGEMENT], seconds);
  /* Generous enough for valgrind. */
  g_assert_cmpfloat (seconds, <, 20.0);

  g_assert_cmpuint (sample->n_rows[FILE_CONTACTS], ==, 300);
  g_assert_cmpuint (sample->n_rows[FILE_ORDERS], >, 1800);
  g_assert_cmpuint (sample->n_rows[FILE_ORDERS], <, 3000);
  check_contacts (sample);
  check_orders (sample);
  check_engagement (sample);
  check_shares (sample);
}

static void
cancel_late_cb (double      fraction,
                const char *message,
                gpointer    user_data)
{
  /* The last report before the files are written. */
  if (fraction >= 0.9 && fraction < 1.0)
    g_cancellable_cancel (user_data);
}

static void
record_progress_cb (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  GArray *fractions = user_data;

  g_assert_nonnull (message);
  g_array_append_val (fractions, fraction);
}

static void
test_progress (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = g_dir_make_tmp ("cst-sample-XXXXXX", &error);
  g_autofree char *out = NULL;
  CstSampleOptions options;
  gboolean ok;

  g_assert_no_error (error);
  out = g_build_filename (dir, "nested", "out", NULL);
  cst_sample_options_init (&options);
  options.n_people = 500;

  ok = cst_sample_write (out, &options, NULL, record_progress_cb, fractions, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (count_entries (out), ==, N_FILES);
  g_assert_cmpuint (fractions->len, >, 4);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=,
                       g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);

  remove_tree (dir);
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("cst-sample-XXXXXX", &error);
  g_autofree char *out = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *contacts = NULL;
  CstSampleOptions options;
  gboolean ok;

  g_assert_no_error (error);
  out = g_build_filename (dir, "out", NULL);
  cst_sample_options_init (&options);
  options.n_people = 300;

  /* Cancelled before it starts: nothing is created. */
  g_cancellable_cancel (cancellable);
  ok = cst_sample_write (out, &options, cancellable, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (ok);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* Cancelled after the temporary files are written: they are removed again. */
  g_cancellable_reset (cancellable);
  ok = cst_sample_write (out, &options, cancellable, cancel_late_cb, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (ok);
  g_assert_cmpuint (count_entries (out), ==, 0);
  g_clear_error (&error);

  /* A cancelled rewrite leaves the previous files exactly as they were. */
  g_cancellable_reset (cancellable);
  generate (&options, out);
  contacts = g_build_filename (out, CST_SAMPLE_CONTACTS_FILE, NULL);
  g_file_get_contents (contacts, &before, NULL, &error);
  g_assert_no_error (error);
  options.seed++;
  ok = cst_sample_write (out, &options, cancellable, cancel_late_cb, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (ok);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (out), ==, N_FILES);
  g_file_get_contents (contacts, &after, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (before, ==, after);

  remove_tree (dir);
}

static void
test_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cst-sample-XXXXXX", &error);
  g_autofree char *blocker = NULL;
  g_autofree char *out = NULL;
  CstSampleOptions options;
  gboolean ok;

  g_assert_no_error (error);
  blocker = g_build_filename (dir, "a-file", NULL);
  g_file_set_contents (blocker, "x", 1, &error);
  g_assert_no_error (error);
  out = g_build_filename (blocker, "out", NULL);
  cst_sample_options_init (&options);
  options.n_people = 50;

  /* A path through a regular file cannot become a folder; the message names it. */
  ok = cst_sample_write (out, &options, NULL, NULL, NULL, &error);
  g_assert_false (ok);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_nonnull (strstr (error->message, out));
  g_test_message ("%s", error->message);

  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/sample/options", test_options);
  g_test_add_func ("/cst/sample/determinism", test_determinism);
  g_test_add_func ("/cst/sample/shape", test_shape);
  g_test_add_func ("/cst/sample/noise", test_noise);
  g_test_add_func ("/cst/sample/structure", test_structure);
  g_test_add_func ("/cst/sample/small", test_small);
  g_test_add_func ("/cst/sample/progress", test_progress);
  g_test_add_func ("/cst/sample/cancel", test_cancel);
  g_test_add_func ("/cst/sample/error", test_error);

  return g_test_run ();
}
