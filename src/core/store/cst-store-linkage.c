/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-store-linkage"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-store-private.h"
#include "linkage/cst-store-linkage.h"

/* The records columns the linker reads, in its column order. */
static const struct
{
  CstLinkKind kind;
  const char *name;
} record_columns[] = {
  { CST_LINK_CUSTOMER_KEY, "customer_key" },
  { CST_LINK_EMAIL, "email" },
  { CST_LINK_FIRST_NAME, "first_name" },
  { CST_LINK_LAST_NAME, "last_name" },
  { CST_LINK_PHONE, "phone" },
  { CST_LINK_POSTCODE, "postcode" },
  { CST_LINK_CITY, "city" },
};

static char *
dup_column_text (sqlite3_stmt *stmt,
                 int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gint64
resolve_run (CstStore *self,
             gint64    run_id)
{
  sqlite3_stmt *stmt;
  gint64 id = -1;

  if (run_id > 0)
    return run_id;
  stmt = cst_store_prepare (self, "SELECT MAX(run_id) FROM linkage_runs", NULL);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

CstLinkData *
cst_store_linkage_load_records (CstStore    *self,
                                const char  *default_region,
                                GError     **error)
{
  g_autoptr(CstLinkData) data = cst_link_data_new (default_region);
  g_autoptr(GHashTable) sources = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) source_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  for (guint c = 0; c < G_N_ELEMENTS (record_columns); c++)
    cst_link_data_add_column (data, record_columns[c].kind, record_columns[c].name);

  stmt = cst_store_prepare (self, "SELECT id, name FROM sources ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (source_ids, id);
      cst_link_data_add_source (data, (const char *) sqlite3_column_text (stmt, 1));
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;
  for (guint i = 0; i < source_ids->len; i++)
    g_hash_table_insert (sources, &g_array_index (source_ids, gint64, i), GUINT_TO_POINTER (i));
  /* Order lines count as the orders file whose customer numbers they carry: the same number
   * there is the same person. */
  for (guint i = 0; i < source_ids->len; i++)
    {
      g_autofree char *key = g_strdup_printf (CST_STORE_KEYS_OF_SOURCE "%" G_GINT64_FORMAT,
                                              g_array_index (source_ids, gint64, i));
      g_autofree char *orders_hash = cst_store_dup_info (self, key);
      gint64 orders_id = orders_hash != NULL ? cst_store_find_source_by_hash (self, orders_hash,
                                                                              NULL)
                                             : -1;
      gpointer index;

      if (orders_id >= 0 && g_hash_table_lookup_extended (sources, &orders_id, NULL, &index))
        g_hash_table_insert (sources, &g_array_index (source_ids, gint64, i), index);
    }

  stmt = cst_store_prepare (self,
                            "SELECT id, source_id, customer_key, email, first_name, last_name, phone, "
                            "postcode, city FROM records ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *values[G_N_ELEMENTS (record_columns)];
      gint64 source_id = sqlite3_column_int64 (stmt, 1);
      gpointer source;

      for (guint c = 0; c < G_N_ELEMENTS (record_columns); c++)
        values[c] = (const char *) sqlite3_column_text (stmt, 2 + c);
      if (!g_hash_table_lookup_extended (sources, &source_id, NULL, &source))
        continue;  /* impossible with foreign keys on */
      cst_link_data_add_record (data, GPOINTER_TO_UINT (source), sqlite3_column_int64 (stmt, 0), NULL,
                                values);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&data);
}

GArray *
cst_store_linkage_list_decisions (CstStore  *self,
                                  GError   **error)
{
  g_autoptr(GArray) decisions = g_array_new (FALSE, FALSE, sizeof (CstLinkageDecision));
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "SELECT id, record_a, record_b, same FROM linkage_decisions ORDER BY id",
                                          error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstLinkageDecision d = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
        sqlite3_column_int64 (stmt, 2), sqlite3_column_int (stmt, 3) != 0
      };
      g_array_append_val (decisions, d);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&decisions);
}

/* Golden record: per field, the value most records of the person hold; ties go to the newest
 * record (the highest id, imported last). */
static const char *
survivor (const CstLinkData *data,
          const guint       *members,
          guint              n,
          guint              column,
          gboolean           normalized)
{
  const char *best = NULL;
  guint best_count = 0;

  for (guint i = 0; i < n; i++)
    {
      const char *v = normalized ? cst_link_data_get_value (data, members[i], column)
                                 : cst_link_data_get_raw (data, members[i], column);
      guint count = 0;

      if (v == NULL)
        continue;
      for (guint j = 0; j < n; j++)
        {
          const char *w = normalized ? cst_link_data_get_value (data, members[j], column)
                                     : cst_link_data_get_raw (data, members[j], column);
          count += w == v;  /* interned: equal values are equal pointers */
        }
      if (count >= best_count)
        {
          best = v;
          best_count = count;
        }
      if (n > 64 && i >= 64)
        break;  /* a very large person: the first 64 records decide, keeping this linear */
    }
  return best;
}

static int
find_column (const CstLinkData *data,
             CstLinkKind        kind)
{
  for (guint c = 0; c < cst_link_data_get_n_columns (data); c++)
    if (cst_link_data_get_kind (data, c) == kind)
      return c;
  return -1;
}

typedef struct
{
  gint64 uid;
  gint64 count;
} UidCount;

gint64
cst_store_linkage_save (CstStore             *self,
                        const CstLinkData    *data,
                        const CstLinkResult  *result,
                        const CstLinkOptions *options,
                        gint64                last_decision,
                        double                seconds,
                        GCancellable         *cancellable,
                        GError              **error)
{
  guint n = result->n_records;
  guint np = result->n_people;
  g_autofree guint *start = g_new0 (guint, np + 1);
  g_autofree guint *members = g_new (guint, MAX (n, 1));
  g_autofree gint64 *old_uid = g_new (gint64, MAX (n, 1));     /* record → uid in the last run, or 0 */
  g_autofree gint64 *person_uid = g_new0 (gint64, MAX (np, 1));
  g_autoptr(GHashTable) old_sizes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) best = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  sqlite3_stmt *stmt;
  gint64 previous, run_id, next_uid = 1;
  int email_col = find_column (data, CST_LINK_EMAIL);
  int first_col = find_column (data, CST_LINK_FIRST_NAME);
  int last_col = find_column (data, CST_LINK_LAST_NAME);
  int rc;

  g_return_val_if_fail (self != NULL && data != NULL && result != NULL, -1);

  /* People's records, grouped. */
  for (guint r = 0; r < n; r++)
    start[result->person[r] + 1]++;
  for (guint p = 0; p < np; p++)
    start[p + 1] += start[p];
  {
    g_autofree guint *fill = g_memdup2 (start, (np + 1) * sizeof (guint));

    for (guint r = 0; r < n; r++)
      members[fill[result->person[r]]++] = r;
  }
  for (guint r = 0; r < n; r++)
    old_uid[r] = 0;

  if (!cst_store_begin (self, error))
    return -1;

  /* Stable ids: the previous linker run's uid of each record. */
  previous = resolve_run (self, 0);
  stmt = cst_store_prepare (self, "SELECT COALESCE(MAX(uid), 0) FROM linkage_people", error);
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    next_uid = sqlite3_column_int64 (stmt, 0) + 1;
  sqlite3_reset (stmt);
  if (previous > 0)
    {
      g_autoptr(GHashTable) rec_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

      for (guint r = 0; r < n; r++)
        {
          gint64 *key = g_new (gint64, 1);

          *key = cst_link_data_get_id (data, r);
          g_hash_table_insert (rec_index, key, GUINT_TO_POINTER (r + 1));
        }
      stmt = cst_store_prepare (self,
                                "SELECT pr.record_id, lp.uid FROM people p "
                                "JOIN linkage_people lp ON lp.person_id = p.id "
                                "JOIN person_records pr ON pr.person_id = p.id WHERE p.run_id = ?1",
                                error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, previous);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 rid = sqlite3_column_int64 (stmt, 0);
          gint64 uid = sqlite3_column_int64 (stmt, 1);
          guint r = GPOINTER_TO_UINT (g_hash_table_lookup (rec_index, &rid));
          gint64 *size = g_hash_table_lookup (old_sizes, &uid);

          if (size == NULL)
            {
              gint64 *key = g_new (gint64, 1);

              *key = uid;
              size = g_new0 (gint64, 1);
              g_hash_table_insert (old_sizes, key, size);
            }
          (*size)++;
          if (r > 0)
            old_uid[r - 1] = uid;
        }
      if (!cst_store_step_rows_done (self, stmt, rc, error))
        goto fail;

      /* For every old uid, the new person holding most of its records claims it. */
      for (guint p = 0; p < np; p++)
        {
          g_autoptr(GHashTable) counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
          GHashTableIter iter;
          gpointer key, value;

          for (guint i = start[p]; i < start[p + 1]; i++)
            {
              gint64 uid = old_uid[members[i]];
              gint64 *c;

              if (uid == 0)
                continue;
              c = g_hash_table_lookup (counts, &uid);
              if (c == NULL)
                {
                  gint64 *k = g_new (gint64, 1);

                  *k = uid;
                  c = g_new0 (gint64, 1);
                  g_hash_table_insert (counts, k, c);
                }
              (*c)++;
            }
          g_hash_table_iter_init (&iter, counts);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              gint64 uid = *(gint64 *) key, c = *(gint64 *) value;
              gint64 *size = g_hash_table_lookup (old_sizes, &uid);
              UidCount *claim = g_hash_table_lookup (best, &uid);

              if (size == NULL || 2 * c < *size)
                continue;  /* this person holds less than half of the old one */
              if (claim == NULL)
                {
                  gint64 *k = g_new (gint64, 1);

                  *k = uid;
                  claim = g_new0 (UidCount, 1);
                  claim->count = -1;
                  g_hash_table_insert (best, k, claim);
                }
              if (c > claim->count)
                {
                  claim->uid = p;  /* the claiming person, reusing the field */
                  claim->count = c;
                }
            }
        }
      {
        GHashTableIter iter;
        gpointer key, value;

        g_hash_table_iter_init (&iter, best);
        while (g_hash_table_iter_next (&iter, &key, &value))
          {
            UidCount *claim = value;
            gint64 uid = *(gint64 *) key;

            /* A person may win two old uids (two people merged): it keeps the smaller. */
            if (person_uid[claim->uid] == 0 || uid < person_uid[claim->uid])
              person_uid[claim->uid] = uid;
          }
      }
    }
  for (guint p = 0; p < np; p++)
    if (person_uid[p] == 0)
      person_uid[p] = next_uid++;

  run_id = cst_store_add_identity_run (self, "fellegi-sunter", error);
  if (run_id < 0)
    goto fail;

  stmt = cst_store_prepare (self,
                            "INSERT INTO linkage_runs (run_id, threshold, n_estimated, n_candidates, "
                            "n_matched, n_flagged, match_share, prior, rules, last_decision) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                            error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_double (stmt, 2, options->threshold);
  sqlite3_bind_int64 (stmt, 3, result->n_estimated);
  sqlite3_bind_int64 (stmt, 4, result->n_candidates);
  sqlite3_bind_int64 (stmt, 5, result->n_matched);
  sqlite3_bind_int64 (stmt, 6, result->n_flagged);
  sqlite3_bind_double (stmt, 7, result->lambda);
  sqlite3_bind_double (stmt, 8, result->prior);
  sqlite3_bind_int64 (stmt, 9, options->rules);
  sqlite3_bind_int64 (stmt, 10, MAX (last_decision, 0));
  if (!cst_store_step_done (self, stmt, error))
    goto fail;

  stmt = cst_store_prepare (self,
                            "INSERT INTO linkage_columns (run_id, idx, kind, name, m1, m2, m3, m4, u1, u2, u3, u4) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                            error);
  if (stmt == NULL)
    goto fail;
  for (guint c = 0; c < cst_link_data_get_n_columns (data); c++)
    {
      sqlite3_bind_int64 (stmt, 1, run_id);
      sqlite3_bind_int (stmt, 2, c);
      sqlite3_bind_text (stmt, 3, cst_link_kind_to_string (cst_link_data_get_kind (data, c)), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, cst_link_data_get_column_name (data, c), -1, SQLITE_TRANSIENT);
      for (guint l = 0; l < 4; l++)
        {
          sqlite3_bind_double (stmt, 5 + l, result->m[c][l + 1]);
          sqlite3_bind_double (stmt, 9 + l, result->u[c][l + 1]);
        }
      if (!cst_store_step_done (self, stmt, error))
        goto fail;
    }

  /* People, their records and stable ids. */
  for (guint p = 0; p < np; p++)
    {
      const guint *m = members + start[p];
      guint count = start[p + 1] - start[p];
      g_autofree char *key = g_strdup_printf ("uid:%" G_GINT64_FORMAT, person_uid[p]);
      gint64 person_id;

      person_id = cst_store_add_person (self, run_id, key,
                                        email_col >= 0 ? survivor (data, m, count, email_col, TRUE) : NULL,
                                        first_col >= 0 ? survivor (data, m, count, first_col, FALSE) : NULL,
                                        last_col >= 0 ? survivor (data, m, count, last_col, FALSE) : NULL,
                                        count, error);
      if (person_id < 0)
        goto fail;
      for (guint i = 0; i < count; i++)
        if (!cst_store_link_record (self, person_id, cst_link_data_get_id (data, m[i]), error))
          goto fail;
      stmt = cst_store_prepare (self, "INSERT INTO linkage_people (person_id, uid, flagged) VALUES (?1, ?2, ?3)",
                                error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, person_id);
      sqlite3_bind_int64 (stmt, 2, person_uid[p]);
      sqlite3_bind_int (stmt, 3, result->flagged[p] ? 1 : 0);
      if (!cst_store_step_done (self, stmt, error))
        goto fail;
      if ((p & 0x3ff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
    }

  stmt = cst_store_prepare (self,
                            "INSERT INTO linkage_pairs (run_id, record_a, record_b, probability, weight, levels, rules) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < result->pairs->len; i++)
    {
      const CstLinkPair *pair = &g_array_index (result->pairs, CstLinkPair, i);
      gint64 a = cst_link_data_get_id (data, pair->a), b = cst_link_data_get_id (data, pair->b);

      sqlite3_bind_int64 (stmt, 1, run_id);
      sqlite3_bind_int64 (stmt, 2, MIN (a, b));
      sqlite3_bind_int64 (stmt, 3, MAX (a, b));
      sqlite3_bind_double (stmt, 4, pair->probability);
      sqlite3_bind_double (stmt, 5, pair->weight);
      sqlite3_bind_int64 (stmt, 6, (gint64) pair->levels);
      sqlite3_bind_int64 (stmt, 7, pair->rules);
      if (!cst_store_step_done (self, stmt, error))
        goto fail;
      if ((i & 0xffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
    }

  if (!cst_store_finish_identity_run (self, run_id, n, np, seconds, error) ||
      !cst_store_commit (self, error))
    goto fail;
  return run_id;

fail:
  cst_store_rollback (self);
  return -1;
}

void
cst_linkage_summary_clear (CstLinkageSummary *summary)
{
  if (summary->overlaps != NULL)
    {
      for (guint i = 0; i < summary->overlaps->len; i++)
        {
          CstLinkageOverlap *o = &g_array_index (summary->overlaps, CstLinkageOverlap, i);
          g_free (o->name_a);
          g_free (o->name_b);
        }
      g_clear_pointer (&summary->overlaps, g_array_unref);
    }
}

gboolean
cst_store_linkage_get_summary (CstStore          *self,
                               gint64             run_id,
                               CstLinkageSummary *summary,
                               GError           **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL && summary != NULL, FALSE);
  memset (summary, 0, sizeof *summary);
  run_id = resolve_run (self, run_id);
  if (run_id <= 0)
    return FALSE;

  stmt = cst_store_prepare (self,
                            "SELECT r.n_records, r.n_people, l.n_flagged, l.n_candidates, l.n_matched, l.threshold "
                            "FROM identity_runs r JOIN linkage_runs l ON l.run_id = r.id WHERE r.id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return cst_store_set_sqlite_error (self, rc, error);
      return FALSE;
    }
  summary->run_id = run_id;
  summary->n_records = sqlite3_column_int64 (stmt, 0);
  summary->n_people = sqlite3_column_int64 (stmt, 1);
  summary->n_flagged = sqlite3_column_int64 (stmt, 2);
  summary->n_candidates = sqlite3_column_int64 (stmt, 3);
  summary->n_matched = sqlite3_column_int64 (stmt, 4);
  summary->threshold = sqlite3_column_double (stmt, 5);
  sqlite3_reset (stmt);

  summary->overlaps = g_array_new (FALSE, TRUE, sizeof (CstLinkageOverlap));
  stmt = cst_store_prepare (self,
                            "WITH ps AS (SELECT DISTINCT pr.person_id, rec.source_id FROM people p "
                            "  JOIN person_records pr ON pr.person_id = p.id "
                            "  JOIN records rec ON rec.id = pr.record_id WHERE p.run_id = ?1) "
                            "SELECT a.source_id, b.source_id, sa.name, sb.name, COUNT(*) FROM ps a "
                            "JOIN ps b ON a.person_id = b.person_id AND a.source_id < b.source_id "
                            "JOIN sources sa ON sa.id = a.source_id JOIN sources sb ON sb.id = b.source_id "
                            "GROUP BY a.source_id, b.source_id ORDER BY a.source_id, b.source_id",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstLinkageOverlap o = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
        dup_column_text (stmt, 2), dup_column_text (stmt, 3), sqlite3_column_int64 (stmt, 4)
      };
      g_array_append_val (summary->overlaps, o);
    }
  return cst_store_step_rows_done (self, stmt, rc, error);
}

GArray *
cst_store_linkage_get_curve (CstStore  *self,
                             gint64     run_id,
                             guint      n_steps,
                             GError   **error)
{
  g_autoptr(GArray) curve = NULL;
  g_autofree double *count = NULL;
  g_autofree double *mass = NULL;
  sqlite3_stmt *stmt;
  double total_mass = 0;
  int rc;

  g_return_val_if_fail (self != NULL && n_steps > 0 && n_steps <= 100000, NULL);
  run_id = resolve_run (self, run_id);
  count = g_new0 (double, n_steps + 1);
  mass = g_new0 (double, n_steps + 1);

  stmt = cst_store_prepare (self,
                            "SELECT MIN(CAST(probability * ?2 AS INTEGER), ?2), COUNT(*), SUM(probability) "
                            "FROM linkage_pairs WHERE run_id = ?1 GROUP BY 1",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int (stmt, 2, n_steps);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int bin = CLAMP (sqlite3_column_int (stmt, 0), 0, (int) n_steps);

      count[bin] += sqlite3_column_int64 (stmt, 1);
      mass[bin] += sqlite3_column_double (stmt, 2);
      total_mass += sqlite3_column_double (stmt, 2);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;

  /* Pairs at or above threshold t = bin / n_steps: a suffix sum over the bins. */
  curve = g_array_sized_new (FALSE, FALSE, sizeof (CstLinkageCurvePoint), n_steps + 1);
  g_array_set_size (curve, n_steps + 1);
  {
    double c = 0, m = 0;

    for (int b = n_steps; b >= 0; b--)
      {
        CstLinkageCurvePoint *pt = &g_array_index (curve, CstLinkageCurvePoint, b);

        c += count[b];
        m += mass[b];
        pt->threshold = (double) b / n_steps;
        pt->n_merges = (gint64) c;
        pt->precision = c > 0 ? m / c : 1.0;
        pt->recall = total_mass > 0 ? m / total_mass : 1.0;
      }
  }
  return g_steal_pointer (&curve);
}

void
cst_linkage_review_item_free (CstLinkageReviewItem *item)
{
  if (item == NULL)
    return;
  g_free (item->source_a);
  g_free (item->source_b);
  g_free (item->sentence);
  g_clear_pointer (&item->fields, g_ptr_array_unref);
  g_free (item);
}

static void
linkage_field_free (CstLinkageField *field)
{
  g_free (field->label);
  g_free (field->value_a);
  g_free (field->value_b);
  g_free (field);
}

/* Raw values of a record in the order of record_columns, and its source's name. */
static gboolean
load_record_values (CstStore  *self,
                    gint64     record_id,
                    char     **values,
                    char     **source,
                    GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "SELECT r.customer_key, r.email, r.first_name, r.last_name, r.phone, "
                                          "r.postcode, r.city, s.name FROM records r "
                                          "JOIN sources s ON s.id = r.source_id WHERE r.id = ?1",
                                          error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, record_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      for (guint c = 0; c < G_N_ELEMENTS (record_columns); c++)
        values[c] = dup_column_text (stmt, c);
      *source = dup_column_text (stmt, G_N_ELEMENTS (record_columns));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cst_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

GPtrArray *
cst_store_linkage_list_review (CstStore  *self,
                               gint64     run_id,
                               guint      limit,
                               GError   **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_linkage_review_item_free);
  CstLinkKind kinds[CST_LINK_MAX_COLUMNS];
  char *names[CST_LINK_MAX_COLUMNS] = { NULL };
  guint n_columns = 0;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  run_id = resolve_run (self, run_id);

  stmt = cst_store_prepare (self, "SELECT kind, name FROM linkage_columns WHERE run_id = ?1 ORDER BY idx", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && n_columns < CST_LINK_MAX_COLUMNS)
    {
      kinds[n_columns] = cst_link_kind_from_string ((const char *) sqlite3_column_text (stmt, 0));
      names[n_columns] = dup_column_text (stmt, 1);
      n_columns++;
    }
  sqlite3_reset (stmt);

  stmt = cst_store_prepare (self,
                            "SELECT p.record_a, p.record_b, p.probability, p.levels FROM linkage_pairs p "
                            "WHERE p.run_id = ?1 AND p.probability BETWEEN 0.05 AND 0.95 AND p.rules = 0 "
                            "AND NOT EXISTS (SELECT 1 FROM linkage_decisions d WHERE "
                            "  (d.record_a = p.record_a AND d.record_b = p.record_b) OR "
                            "  (d.record_a = p.record_b AND d.record_b = p.record_a)) "
                            "ORDER BY ABS(p.probability - 0.5), p.record_a, p.record_b LIMIT ?2",
                            error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstLinkageReviewItem *item = g_new0 (CstLinkageReviewItem, 1);
      guint64 levels = (guint64) sqlite3_column_int64 (stmt, 3);

      item->record_a = sqlite3_column_int64 (stmt, 0);
      item->record_b = sqlite3_column_int64 (stmt, 1);
      item->probability = sqlite3_column_double (stmt, 2);
      item->sentence = cst_link_explain_columns (kinds, (const char * const *) names, n_columns, levels);
      item->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) linkage_field_free);
      for (guint c = 0; c < n_columns; c++)
        {
          CstLinkageField *field = g_new0 (CstLinkageField, 1);

          field->label = g_strdup (names[c]);
          field->level = (levels >> (4 * c)) & 0xf;
          g_ptr_array_add (item->fields, field);
        }
      g_ptr_array_add (items, item);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    goto out;

  /* Both records' values, as written. */
  for (guint i = 0; i < items->len; i++)
    {
      CstLinkageReviewItem *item = g_ptr_array_index (items, i);
      char *va[G_N_ELEMENTS (record_columns)] = { NULL };
      char *vb[G_N_ELEMENTS (record_columns)] = { NULL };
      gboolean ok = load_record_values (self, item->record_a, va, &item->source_a, error) &&
                    load_record_values (self, item->record_b, vb, &item->source_b, error);

      for (guint c = 0; c < item->fields->len; c++)
        {
          CstLinkageField *field = g_ptr_array_index (item->fields, c);

          for (guint k = 0; k < G_N_ELEMENTS (record_columns); k++)
            if (g_str_equal (record_columns[k].name, field->label))
              {
                field->value_a = g_strdup (va[k]);
                field->value_b = g_strdup (vb[k]);
              }
          if (kinds[c] < CST_LINK_N_KINDS && kinds[c] != CST_LINK_OTHER)
            {
              g_free (field->label);
              field->label = g_strdup (cst_link_kind_get_label (kinds[c]));
            }
        }
      for (guint k = 0; k < G_N_ELEMENTS (record_columns); k++)
        {
          g_free (va[k]);
          g_free (vb[k]);
        }
      if (!ok)
        goto out;
    }
  for (guint c = 0; c < n_columns; c++)
    g_free (names[c]);
  return g_steal_pointer (&items);

out:
  for (guint c = 0; c < n_columns; c++)
    g_free (names[c]);
  return NULL;
}

static gint64
insert_decision (CstStore  *self,
                 gint64     record_a,
                 gint64     record_b,
                 gboolean   same,
                 gint64     batch,
                 GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "INSERT INTO linkage_decisions (record_a, record_b, same, decided_at, batch) "
                                          "VALUES (?1, ?2, ?3, ?4, ?5)",
                                          error);
  g_autofree char *now = cst_store_now_iso8601 ();

  g_return_val_if_fail (record_a != record_b, -1);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, MIN (record_a, record_b));
  sqlite3_bind_int64 (stmt, 2, MAX (record_a, record_b));
  sqlite3_bind_int (stmt, 3, same ? 1 : 0);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  if (batch > 0)
    sqlite3_bind_int64 (stmt, 5, batch);
  else
    sqlite3_bind_null (stmt, 5);
  if (!cst_store_step_done (self, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (cst_store_get_db (self));
}

gint64
cst_store_linkage_decide (CstStore  *self,
                          gint64     record_a,
                          gint64     record_b,
                          gboolean   same,
                          GError   **error)
{
  return insert_decision (self, record_a, record_b, same, 0, error);
}

gint64
cst_store_linkage_get_last_decision (CstStore  *self,
                                     GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self, "SELECT COALESCE(MAX(id), 0) FROM linkage_decisions", error);
  gint64 id = -1;
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else
    cst_store_set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);
  return id;
}

gint64
cst_store_linkage_count_pending_decisions (CstStore  *self,
                                           gint64     run_id,
                                           GError   **error)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;
  int rc;

  g_return_val_if_fail (self != NULL, -1);

  run_id = resolve_run (self, run_id);
  stmt = cst_store_prepare (self,
                            "SELECT COUNT(DISTINCT COALESCE(batch, id)) FROM linkage_decisions WHERE id > "
                            "COALESCE((SELECT last_decision FROM linkage_runs WHERE run_id = ?1), 0)",
                            error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    cst_store_set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);
  return n;
}

gboolean
cst_store_linkage_get_run_options (CstStore        *self,
                                   gint64           run_id,
                                   CstLinkOptions  *options,
                                   GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (self != NULL && options != NULL, FALSE);

  run_id = resolve_run (self, run_id);
  if (run_id <= 0)
    return FALSE;
  stmt = cst_store_prepare (self, "SELECT threshold, rules FROM linkage_runs WHERE run_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      options->threshold = sqlite3_column_double (stmt, 0);
      options->rules = (CstLinkRules) sqlite3_column_int64 (stmt, 1);
      found = TRUE;
    }
  else if (rc != SQLITE_DONE)
    cst_store_set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);
  return found;
}

gboolean
cst_store_linkage_undo (CstStore  *self,
                        GError   **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "DELETE FROM linkage_decisions WHERE id = (SELECT MAX(id) FROM linkage_decisions)",
                                          error);

  if (stmt == NULL || !cst_store_step_done (self, stmt, error))
    return FALSE;
  return sqlite3_changes (cst_store_get_db (self)) > 0;
}

gboolean
cst_store_linkage_split_person (CstStore      *self,
                                gint64         person_id,
                                const gint64  *record_ids,
                                guint          n_record_ids,
                                GError       **error)
{
  g_autoptr(GArray) others = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  gint64 batch = 0;
  int rc;

  g_return_val_if_fail (self != NULL && (record_ids != NULL || n_record_ids == 0), FALSE);

  stmt = cst_store_prepare (self, "SELECT record_id FROM person_records WHERE person_id = ?1 ORDER BY record_id",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, person_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gboolean chosen = FALSE;

      for (guint i = 0; i < n_record_ids && !chosen; i++)
        chosen = record_ids[i] == id;
      if (!chosen)
        g_array_append_val (others, id);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return FALSE;

  if (!cst_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < n_record_ids; i++)
    for (guint j = 0; j < others->len; j++)
      {
        /* One split, one batch: the first decision's id. */
        gint64 id = insert_decision (self, record_ids[i], g_array_index (others, gint64, j), FALSE, batch, error);

        if (id < 0)
          {
            cst_store_rollback (self);
            return FALSE;
          }
        if (batch <= 0)
          batch = id;
      }
  return cst_store_commit (self, error);
}

void
cst_linkage_person_clear (CstLinkagePerson *person)
{
  g_clear_pointer (&person->email, g_free);
  g_clear_pointer (&person->first_name, g_free);
  g_clear_pointer (&person->last_name, g_free);
}

GArray *
cst_store_linkage_search_people (CstStore    *self,
                                 gint64       run_id,
                                 const char  *query,
                                 guint        limit,
                                 GError     **error)
{
  g_autoptr(GArray) people = g_array_new (FALSE, TRUE, sizeof (CstLinkagePerson));
  g_autofree char *pattern = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_array_set_clear_func (people, (GDestroyNotify) cst_linkage_person_clear);
  run_id = resolve_run (self, run_id);
  {
    /* LIKE with an escape character: the user's text is matched literally. */
    g_autoptr(GString) p = g_string_new ("%");

    for (const char *c = query != NULL ? query : ""; *c != '\0'; c++)
      {
        if (*c == '%' || *c == '_' || *c == '\\')
          g_string_append_c (p, '\\');
        g_string_append_c (p, *c);
      }
    g_string_append_c (p, '%');
    pattern = g_string_free (g_steal_pointer (&p), FALSE);
  }

  stmt = cst_store_prepare (self,
                            "SELECT p.id, lp.uid, p.email, p.first_name, p.last_name, p.n_records, lp.flagged "
                            "FROM people p JOIN linkage_people lp ON lp.person_id = p.id WHERE p.run_id = ?1 AND "
                            "(COALESCE(p.first_name, '') || ' ' || COALESCE(p.last_name, '') LIKE ?2 ESCAPE '\\' "
                            " OR COALESCE(p.email, '') LIKE ?2 ESCAPE '\\') "
                            "ORDER BY lp.flagged DESC, p.last_name, p.first_name, p.id LIMIT ?3",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstLinkagePerson person = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), dup_column_text (stmt, 2),
        dup_column_text (stmt, 3), dup_column_text (stmt, 4), sqlite3_column_int64 (stmt, 5),
        sqlite3_column_int (stmt, 6) != 0
      };
      g_array_append_val (people, person);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&people);
}

gint64
cst_store_linkage_find_uid (CstStore *self,
                            gint64    run_id,
                            gint64    uid)
{
  sqlite3_stmt *stmt;
  gint64 id = -1;

  run_id = resolve_run (self, run_id);
  stmt = cst_store_prepare (self,
                            "SELECT p.id FROM people p JOIN linkage_people lp ON lp.person_id = p.id "
                            "WHERE p.run_id = ?1 AND lp.uid = ?2",
                            NULL);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

gint64
cst_store_linkage_person_of_record (CstStore *self,
                                        gint64    run_id,
                                        gint64    record_id)
{
  sqlite3_stmt *stmt;
  gint64 id = -1;

  run_id = resolve_run (self, run_id);
  stmt = cst_store_prepare (self,
                            "SELECT p.id FROM person_records pr JOIN people p ON p.id = pr.person_id "
                            "WHERE pr.record_id = ?1 AND p.run_id = ?2",
                            NULL);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, record_id);
  sqlite3_bind_int64 (stmt, 2, run_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

void
cst_linkage_record_clear (CstLinkageRecord *record)
{
  g_clear_pointer (&record->source, g_free);
  g_clear_pointer (&record->customer_key, g_free);
  g_clear_pointer (&record->email, g_free);
  g_clear_pointer (&record->first_name, g_free);
  g_clear_pointer (&record->last_name, g_free);
  g_clear_pointer (&record->phone, g_free);
  g_clear_pointer (&record->postcode, g_free);
  g_clear_pointer (&record->city, g_free);
}

GArray *
cst_store_linkage_list_person_records (CstStore  *self,
                                       gint64     person_id,
                                       GError   **error)
{
  g_autoptr(GArray) records = g_array_new (FALSE, TRUE, sizeof (CstLinkageRecord));
  sqlite3_stmt *stmt = cst_store_prepare (self,
                                          "SELECT r.id, r.source_id, r.row_number, s.name, r.customer_key, r.email, r.first_name, "
                                          "r.last_name, r.phone, r.postcode, r.city FROM person_records pr "
                                          "JOIN records r ON r.id = pr.record_id JOIN sources s ON s.id = r.source_id "
                                          "WHERE pr.person_id = ?1 ORDER BY r.source_id, r.id",
                                          error);
  int rc;

  g_array_set_clear_func (records, (GDestroyNotify) cst_linkage_record_clear);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, person_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CstLinkageRecord r = {
        sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2),
        dup_column_text (stmt, 3), dup_column_text (stmt, 4), dup_column_text (stmt, 5),
        dup_column_text (stmt, 6), dup_column_text (stmt, 7), dup_column_text (stmt, 8),
        dup_column_text (stmt, 9), dup_column_text (stmt, 10)
      };
      g_array_append_val (records, r);
    }
  if (!cst_store_step_rows_done (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&records);
}
