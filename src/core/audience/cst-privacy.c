/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-privacy"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <sys/random.h>

#include "cst-privacy.h"

static char *
normalize_name (const char *name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name; p != NULL && *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

typedef struct
{
  const double *x;
} SortContext;

static int
compare_by_x (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const SortContext *ctx = user_data;
  double xa = ctx->x[*(const gsize *) a];
  double xb = ctx->x[*(const gsize *) b];

  return (xa > xb) - (xa < xb);
}

typedef struct
{
  double rank_sum;
  gsize  count;
} GroupRanks;

/* Public API */

gboolean
cst_privacy_mark_sensitive (CstStore    *store,
                            gint64       source_id,
                            const char  *column_name,
                            gboolean     sensitive,
                            GError     **error)
{
  g_return_val_if_fail (column_name != NULL, FALSE);

  return cst_store_audience_set_sensitive (store, source_id, column_name, sensitive, FALSE, error);
}

gboolean
cst_privacy_allow_in_models (CstStore    *store,
                             gint64       source_id,
                             const char  *column_name,
                             gboolean     allow,
                             GError     **error)
{
  g_return_val_if_fail (column_name != NULL, FALSE);

  return cst_store_audience_set_sensitive (store, source_id, column_name, TRUE, allow, error);
}

GPtrArray *
cst_privacy_list_sensitive (CstStore  *store,
                            GError   **error)
{
  return cst_store_audience_list_sensitive (store, error);
}

gboolean
cst_privacy_may_use_in_models (CstStore    *store,
                               gint64       source_id,
                               const char  *name,
                               gboolean    *allowed,
                               GError     **error)
{
  g_autoptr(GPtrArray) sensitive = cst_store_audience_list_sensitive (store, error);
  g_autofree char *wanted = normalize_name (name);

  if (sensitive == NULL)
    return FALSE;
  *allowed = TRUE;
  for (guint i = 0; i < sensitive->len; i++)
    {
      const CstSensitiveColumn *column = g_ptr_array_index (sensitive, i);
      g_autofree char *have = normalize_name (column->column_name);

      if ((source_id <= 0 || source_id == column->source_id) && g_str_equal (have, wanted) &&
          !column->allow_in_models)
        *allowed = FALSE;
    }
  return TRUE;
}

double
cst_privacy_proxy_auc (const double       *x,
                       const char * const *groups,
                       gsize               n,
                       char              **best_group)
{
  g_autofree gsize *order = g_new (gsize, MAX (n, 1));
  g_autofree double *ranks = NULL;
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  GHashTableIter iter;
  gpointer key, value;
  SortContext ctx = { x };
  gsize m = 0;
  double best = NAN;
  const char *best_name = NULL;

  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]) && groups[i] != NULL && groups[i][0] != '\0')
      order[m++] = i;
  g_qsort_with_data (order, (gint) m, sizeof (gsize), compare_by_x, &ctx);

  /* Average ranks (1-based) over runs of equal values. */
  ranks = g_new (double, MAX (m, 1));
  for (gsize i = 0; i < m;)
    {
      gsize j = i;

      while (j + 1 < m && x[order[j + 1]] == x[order[i]])
        j++;
      for (gsize t = i; t <= j; t++)
        ranks[t] = (double) (i + j + 2) / 2.0;
      i = j + 1;
    }

  for (gsize i = 0; i < m; i++)
    {
      const char *g = groups[order[i]];
      GroupRanks *r = g_hash_table_lookup (table, g);

      if (r == NULL)
        {
          r = g_new0 (GroupRanks, 1);
          g_hash_table_insert (table, (gpointer) g, r);
        }
      r->rank_sum += ranks[i];
      r->count++;
    }
  if (g_hash_table_size (table) < 2)
    {
      if (best_group != NULL)
        *best_group = NULL;
      return NAN;
    }

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const GroupRanks *r = value;
      double n1 = (double) r->count, n0 = (double) (m - r->count);
      double auc, folded;

      if (n0 == 0)
        continue;
      auc = (r->rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0);
      folded = MAX (auc, 1 - auc);
      /* Ties between values broken by name, so the result does not depend on hashing. */
      if (isnan (best) || folded > best || (folded == best && g_strcmp0 (key, best_name) < 0))
        {
          best = folded;
          best_name = key;
        }
    }
  if (best_group != NULL)
    *best_group = g_strdup (best_name);
  return best;
}

double
cst_privacy_proxy_correlation (const double *x,
                               const double *y,
                               gsize         n)
{
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  gsize m = 0;

  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]) && isfinite (y[i]))
      {
        m++;
        mx += x[i];
        my += y[i];
      }
  if (m < 3)
    return NAN;
  mx /= (double) m;
  my /= (double) m;
  for (gsize i = 0; i < n; i++)
    if (isfinite (x[i]) && isfinite (y[i]))
      {
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
        sxy += (x[i] - mx) * (y[i] - my);
      }
  if (sxx == 0 || syy == 0)
    return 0;
  return fabs (sxy / sqrt (sxx * syy));
}

void
cst_fairness_cell_free (gpointer data)
{
  CstFairnessCell *cell = data;

  if (cell == NULL)
    return;
  g_free (cell->segment_name);
  g_free (cell->value);
  g_free (cell);
}

static gboolean
collect_cell (guint       segment,
              const char *value,
              gint64      count,
              gpointer    user_data)
{
  CstFairnessCell *cell = g_new0 (CstFairnessCell, 1);

  cell->segment = segment;
  cell->value = g_strdup (value != NULL ? value : "");
  cell->count = count;
  g_ptr_array_add (user_data, cell);
  return TRUE;
}

GPtrArray *
cst_privacy_fairness_table (CstStore    *store,
                            const char  *attribute,
                            GError     **error)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (cst_fairness_cell_free);
  g_autoptr(GHashTable) sizes = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autofree char *first = g_strdup ("0");
  gint64 run_id;
  guint segment;
  double total = 0;

  g_return_val_if_fail (attribute != NULL, NULL);

  /* Segment 0 always exists in a run: it finds the newest run. */
  if (!cst_store_audience_find_segment (store, first, &run_id, &segment, error) ||
      !cst_store_audience_count_by_attribute (store, run_id, attribute, collect_cell, cells, error))
    return NULL;

  for (guint i = 0; i < cells->len; i++)
    {
      CstFairnessCell *cell = g_ptr_array_index (cells, i);

      g_hash_table_insert (sizes, GUINT_TO_POINTER (cell->segment + 1),
                           GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (sizes, GUINT_TO_POINTER (cell->segment + 1))) +
                                             (gsize) cell->count));
      total += (double) cell->count;
    }

  {
    g_autoptr(GHashTable) base_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

    for (guint i = 0; i < cells->len; i++)
      {
        CstFairnessCell *cell = g_ptr_array_index (cells, i);
        double *sum = g_hash_table_lookup (base_counts, cell->value);

        if (sum == NULL)
          {
            sum = g_new0 (double, 1);
            g_hash_table_insert (base_counts, g_strdup (cell->value), sum);
          }
        *sum += (double) cell->count;
      }

    for (guint i = 0; i < cells->len; i++)
      {
        CstFairnessCell *cell = g_ptr_array_index (cells, i);
        double size = (double) GPOINTER_TO_SIZE (g_hash_table_lookup (sizes, GUINT_TO_POINTER (cell->segment + 1)));
        const double *sum = g_hash_table_lookup (base_counts, cell->value);
        char *name = g_hash_table_lookup (names, GUINT_TO_POINTER (cell->segment + 1));

        if (name == NULL)
          {
            g_autofree char *reason = NULL;
            g_autofree char *created_at = NULL;
            g_auto(GStrv) facts = NULL;
            gint64 seg_size;

            if (!cst_store_audience_describe_segment (store, run_id, cell->segment, &name, &seg_size, &facts,
                                                      &reason, &created_at, error))
              return NULL;
            g_hash_table_insert (names, GUINT_TO_POINTER (cell->segment + 1), name);
          }
        cell->segment_name = g_strdup (name);
        cell->share = size > 0 ? (double) cell->count / size : NAN;
        cell->base_share = total > 0 ? *sum / total : NAN;
        cell->ratio = cell->base_share > 0 ? cell->share / cell->base_share : NAN;
      }
  }
  return g_steal_pointer (&cells);
}

gboolean
cst_privacy_erase_person (CstStore    *store,
                          gint64       person_id,
                          const char  *email,
                          CstErasure  *result,
                          GError     **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (person_id > 0 || (email != NULL && *email != '\0'), FALSE);

  return cst_store_audience_erase (store, person_id, email, result, error);
}

gboolean
cst_privacy_save_pseudonymized (CstStore    *store,
                                const char  *dest_path,
                                GError     **error)
{
  guint8 key[32];
  g_autoptr(GBytes) bytes = NULL;
  gsize filled = 0;
  gboolean ok;

  g_return_val_if_fail (store != NULL && dest_path != NULL, FALSE);

  /* The key must be unguessable (a guessed key would let anyone hash candidate addresses and
   * compare), so it comes from the kernel's generator, not from a seeded GRand. */
  while (filled < sizeof key)
    {
      ssize_t got = getrandom (key + filled, sizeof key - filled, 0);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                       _("Could not make a key for the shared copy: %s"), g_strerror (errno));
          return FALSE;
        }
      filled += (gsize) got;
    }
  bytes = g_bytes_new (key, sizeof key);
  ok = cst_store_audience_pseudonymize_copy (store, dest_path, bytes, error);
  memset (key, 0, sizeof key);
  return ok;
}
