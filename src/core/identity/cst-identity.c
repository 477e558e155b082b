/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-identity"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cst-identity.h"
#include "linkage/cst-linker.h"
#include "linkage/cst-store-linkage.h"
#include "store/cst-store.h"

typedef struct
{
  char   *key;
  char   *email;
  char   *first_name;
  char   *last_name;
  GArray *records;  /* gint64 */
} Person;

typedef struct
{
  GHashTable   *by_key;   /* key → Person, borrowed from people */
  GPtrArray    *people;   /* Person, in order of first appearance */
  GCancellable *cancellable;
  gsize         n_records;
  gsize         n_without_email;
} Matcher;

static void
person_free (Person *person)
{
  g_free (person->key);
  g_free (person->email);
  g_free (person->first_name);
  g_free (person->last_name);
  g_array_unref (person->records);
  g_free (person);
}

static gboolean
is_gmail (const char *domain)
{
  return g_str_equal (domain, "gmail.com") || g_str_equal (domain, "googlemail.com");
}

/**
 * cst_identity_normalize_email:
 * @email: (nullable): an address as it was written
 *
 * Trims and lower-cases an address and applies the provider rule that Gmail ignores dots and
 * "+tags" in the local part (and that googlemail.com is gmail.com). Lower-casing the local part
 * is not what RFC 5321 promises, but it is what every large mail provider does.
 *
 * Returns: (transfer full) (nullable): the normalized address, or %NULL when @email is empty
 *   or not an address
 */
char *
cst_identity_normalize_email (const char *email)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *lower = NULL;
  g_autoptr(GString) local = NULL;
  const char *at;
  const char *domain;

  if (email == NULL)
    return NULL;

  trimmed = g_strstrip (g_strdup (email));
  if (trimmed[0] == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    return NULL;
  lower = g_utf8_strdown (trimmed, -1);

  at = strchr (lower, '@');
  if (at == NULL || at == lower || strchr (at + 1, '@') != NULL || strpbrk (lower, " \t,;<>") != NULL)
    return NULL;
  domain = at + 1;
  if (domain[0] == '\0' || strchr (domain, '.') == NULL || domain[0] == '.' ||
      g_str_has_suffix (domain, "."))
    return NULL;

  local = g_string_new_len (lower, at - lower);
  if (is_gmail (domain))
    {
      char *plus = strchr (local->str, '+');

      if (plus != NULL)
        g_string_truncate (local, plus - local->str);
      g_string_replace (local, ".", "", 0);
      if (local->len == 0)
        return NULL;
      domain = "gmail.com";
    }

  return g_strconcat (local->str, "@", domain, NULL);
}

static gboolean
match_record (gint64      record_id,
              const char *email,
              const char *customer_key,
              const char *first_name,
              const char *last_name,
              gpointer    user_data)
{
  Matcher *m = user_data;
  g_autofree char *normalized = cst_identity_normalize_email (email);
  g_autofree char *key = NULL;
  Person *person;

  if (normalized != NULL)
    key = g_strconcat ("email:", normalized, NULL);
  else if (customer_key != NULL && customer_key[0] != '\0')
    key = g_strconcat ("customer:", customer_key, NULL);
  else
    key = g_strdup_printf ("record:%" G_GINT64_FORMAT, record_id);
  if (normalized == NULL)
    m->n_without_email++;

  person = g_hash_table_lookup (m->by_key, key);
  if (person == NULL)
    {
      person = g_new0 (Person, 1);
      person->key = g_steal_pointer (&key);
      person->records = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_ptr_array_add (m->people, person);
      g_hash_table_insert (m->by_key, person->key, person);
    }

  /* The golden record of the skeleton: the first non-empty value wins. */
  if (person->email == NULL && normalized != NULL)
    person->email = g_strdup (normalized);
  if (person->first_name == NULL && first_name != NULL && first_name[0] != '\0')
    person->first_name = g_strdup (first_name);
  if (person->last_name == NULL && last_name != NULL && last_name[0] != '\0')
    person->last_name = g_strdup (last_name);
  g_array_append_val (person->records, record_id);

  m->n_records++;
  if ((m->n_records & 0xfff) == 0 && g_cancellable_is_cancelled (m->cancellable))
    return FALSE;
  return TRUE;
}

/**
 * cst_identity_match_by_email:
 * @store: an open project with imported records
 * @report: (out caller-allocates) (optional): what was done
 *
 * Makes one person of all records that share a normalized email address; a record without a
 * usable address but with a customer number joins the records with that number (as in an
 * invoice export keyed by customer); any other record becomes a person of its own. The result is stored as a new identity run in
 * one transaction: on error or cancellation the project is unchanged. Cost: linear in the
 * number of records.
 */
gboolean
cst_identity_match_by_email (CstStore           *store,
                             CstIdentityReport  *report,
                             GCancellable       *cancellable,
                             CstProgressFunc     progress,
                             gpointer            progress_data,
                             GError            **error)
{
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func ((GDestroyNotify) person_free);
  Matcher m = { by_key, people, cancellable, 0, 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 run_id;
  double seconds;

  cst_progress_report (progress, progress_data, 0.0, _("Matching people by email address"));
  if (!cst_store_foreach_record_identity (store, match_record, &m, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  cst_progress_report (progress, progress_data, 0.4, _("Saving people"));
  if (!cst_store_begin (store, error))
    return FALSE;

  run_id = cst_store_add_identity_run (store, "email", error);
  if (run_id < 0)
    goto fail;

  for (guint i = 0; i < people->len; i++)
    {
      Person *p = g_ptr_array_index (people, i);
      gint64 person_id = cst_store_add_person (store, run_id, p->key, p->email, p->first_name,
                                               p->last_name, p->records->len, error);
      if (person_id < 0)
        goto fail;
      for (guint j = 0; j < p->records->len; j++)
        if (!cst_store_link_record (store, person_id, g_array_index (p->records, gint64, j), error))
          goto fail;

      if ((i & 0x3ff) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            goto fail;
          cst_progress_report (progress, progress_data, 0.4 + 0.6 * i / people->len, NULL);
        }
    }

  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (!cst_store_finish_identity_run (store, run_id, m.n_records, people->len, seconds, error) ||
      !cst_store_commit (store, error))
    goto fail;

  if (report != NULL)
    {
      report->run_id = run_id;
      report->n_records = m.n_records;
      report->n_people = people->len;
      report->n_without_email = m.n_without_email;
      report->seconds = seconds;
    }
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return TRUE;

fail:
  cst_store_rollback (store);
  return FALSE;
}

gboolean
cst_identity_link (CstStore           *store,
                   const CstLinkOptions *options,
                   CstIdentityReport  *report,
                   GCancellable       *cancellable,
                   CstProgressFunc     progress,
                   gpointer            progress_data,
                   GError            **error)
{
  g_autoptr(CstLinkData) data = NULL;
  g_autoptr(CstLinkResult) result = NULL;
  g_autoptr(GArray) decisions = NULL;
  g_autoptr(GArray) mapped = g_array_new (FALSE, FALSE, sizeof (CstLinkDecision));
  g_autoptr(GHashTable) index_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *ids = NULL;
  CstLinkOptions link_options;
  CstProgressStage stage = { progress, progress_data, 0.1, 0.7 };
  gint64 start = g_get_monotonic_time ();
  gint64 run_id;
  gint64 last_decision = 0;
  guint n, n_without_email = 0;
  int email_col = -1;

  g_return_val_if_fail (store != NULL, FALSE);

  /* Without options, the threshold and rules chosen for the newest run stick. */
  if (options != NULL)
    link_options = *options;
  else
    {
      g_autoptr(GError) local_error = NULL;

      cst_link_options_init (&link_options);
      if (!cst_store_linkage_get_run_options (store, -1, &link_options, &local_error) && local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  cst_progress_report (progress, progress_data, 0.0, _("Reading records"));
  data = cst_store_linkage_load_records (store, NULL, error);
  if (data == NULL)
    return FALSE;
  n = cst_link_data_get_n_records (data);

  /* Decisions refer to records.id; the linker wants record indices. */
  ids = g_new (gint64, MAX (n, 1));
  for (guint r = 0; r < n; r++)
    {
      ids[r] = cst_link_data_get_id (data, r);
      g_hash_table_insert (index_of, &ids[r], GUINT_TO_POINTER (r));
    }
  decisions = cst_store_linkage_list_decisions (store, error);
  if (decisions == NULL)
    return FALSE;
  for (guint i = 0; i < decisions->len; i++)
    last_decision = MAX (last_decision, g_array_index (decisions, CstLinkageDecision, i).id);
  {
    /* A later decision about the same pair overrides an earlier one. */
    g_autoptr(GHashTable) latest = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < decisions->len; i++)
      {
        CstLinkageDecision *d = &g_array_index (decisions, CstLinkageDecision, i);
        char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, d->record_a, d->record_b);

        g_ptr_array_add (keys, key);
        g_hash_table_insert (latest, key, GUINT_TO_POINTER (i));
      }
    for (guint i = 0; i < decisions->len; i++)
      {
        CstLinkageDecision *d = &g_array_index (decisions, CstLinkageDecision, i);
        gpointer a, b;

        if (GPOINTER_TO_UINT (g_hash_table_lookup (latest, g_ptr_array_index (keys, i))) != i)
          continue;
        if (g_hash_table_lookup_extended (index_of, &d->record_a, NULL, &a) &&
            g_hash_table_lookup_extended (index_of, &d->record_b, NULL, &b))
          {
            CstLinkDecision m = { GPOINTER_TO_UINT (a), GPOINTER_TO_UINT (b), d->same };
            g_array_append_val (mapped, m);
          }
      }
  }
  link_options.decisions = (const CstLinkDecision *) mapped->data;
  link_options.n_decisions = mapped->len;

  result = cst_link_run (data, &link_options, cancellable, cst_progress_stage_report, &stage, error);
  if (result == NULL)
    return FALSE;

  cst_progress_report (progress, progress_data, 0.8, _("Saving people"));
  run_id = cst_store_linkage_save (store, data, result, &link_options, last_decision,
                                   (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
                                   cancellable, error);
  if (run_id < 0)
    return FALSE;

  for (guint c = 0; c < cst_link_data_get_n_columns (data); c++)
    if (cst_link_data_get_kind (data, c) == CST_LINK_EMAIL)
      email_col = c;
  for (guint r = 0; r < n; r++)
    n_without_email += email_col < 0 || cst_link_data_get_value (data, r, email_col) == NULL;

  if (report != NULL)
    {
      report->run_id = run_id;
      report->n_records = n;
      report->n_people = result->n_people;
      report->n_without_email = n_without_email;
      report->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
    }
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return TRUE;
}
