/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-privacy"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "cst-privacy.h"
#include "features/cst-features.h"
#include "io/cst-csv.h"

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
cst_privacy_erase_person (CstStore         *store,
                          gint64            person_id,
                          const char       *email,
                          CstErasure       *result,
                          GCancellable     *cancellable,
                          CstProgressFunc   progress,
                          gpointer          progress_data,
                          GError          **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (person_id > 0 || (email != NULL && *email != '\0'), FALSE);

  return cst_store_audience_erase (store, person_id, email, result, cancellable, progress, progress_data, error);
}

gboolean
cst_privacy_save_pseudonymized (CstStore         *store,
                                const char       *dest_path,
                                GCancellable     *cancellable,
                                CstProgressFunc   progress,
                                gpointer          progress_data,
                                GError          **error)
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
  ok = cst_store_audience_pseudonymize_copy (store, dest_path, bytes, cancellable, progress, progress_data, error);
  memset (key, 0, sizeof key);
  return ok;
}

/* Proxies */

void
cst_privacy_proxy_free (gpointer data)
{
  CstPrivacyProxy *proxy = data;

  if (proxy == NULL)
    return;
  g_free (proxy->column);
  g_free (proxy->sensitive_column);
  g_free (proxy);
}

/* A cell as a number: plain decimals ("1,5" too), or a date's year with its fraction
 * ("1984-07-01" is about 1984.5) so that birth dates compare with ages; NAN otherwise. */
static double
parse_number (const char *text)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  double value;
  int y, m, d;

  if (text == NULL)
    return NAN;
  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return NAN;
  if (sscanf (text, "%4d-%2d-%2d", &y, &m, &d) == 3 && y > 1000 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
    return y + (m - 1) / 12.0 + (d - 1) / 365.0;
  copy = g_strdup (text);
  g_strchomp (copy);
  if (strchr (copy, ',') != NULL && strchr (copy, '.') == NULL)
    *strchr (copy, ',') = '.';
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (value))
    return NAN;
  return value;
}

/* The rows of one file, split again: the importer keeps each row exactly as it was, and the
 * file's delimiter is the one that splits a row into as many fields as the header has. */
typedef struct
{
  GString *text;
  GArray  *person_ids;   /* gint64 per row */
} SourceRows;

static gboolean
collect_row (gint64      person_id,
             const char *raw,
             gsize       length,
             gpointer    user_data)
{
  SourceRows *rows = user_data;

  g_string_append_len (rows->text, raw, (gssize) length);
  g_string_append_c (rows->text, '\n');
  g_array_append_val (rows->person_ids, person_id);
  return TRUE;
}

/* A file's rows as numbers, column by column, plus the text of the columns that are asked for
 * (the sensitive ones; each distinct value stored once). */
typedef struct
{
  gsize          n_rows;
  double        *numbers;     /* n_columns × n_rows, column-major; NAN where not a number */
  gboolean      *is_numeric;  /* per column: nine in ten of its non-empty cells are numbers */
  const char  ***values;      /* per column: n_rows strings for a kept column, else NULL */
  guint          n_columns;
  GStringChunk  *chunk;
} SourceTable;

static void
source_table_free (SourceTable *table)
{
  for (guint c = 0; c < table->n_columns; c++)
    g_free (table->values[c]);
  g_free (table->values);
  g_free (table->numbers);
  g_free (table->is_numeric);
  g_string_chunk_free (table->chunk);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SourceTable, source_table_free)

static SourceTable *
split_rows (const SourceRows *rows,
            guint             n_columns,
            const gboolean   *keep)
{
  static const char delimiters[] = { ',', ';', '\t', '|' };
  gsize n = rows->person_ids->len;

  for (guint d = 0; d < G_N_ELEMENTS (delimiters); d++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (rows->text->str, rows->text->len);
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
      g_autoptr(CstCsvReader) reader = cst_csv_reader_new_for_stream (stream, "rows", (goffset) rows->text->len,
                                                                       delimiters[d]);
      g_autoptr(SourceTable) table = NULL;
      g_autofree gsize *present = NULL;
      g_autofree gsize *numeric = NULL;
      gsize i = 0;

      /* The first row decides the delimiter; a later short or long row of a messy file is
       * read as far as it goes. */
      if (!cst_csv_reader_next (reader, NULL) || cst_csv_reader_get_n_fields (reader) != n_columns)
        continue;
      table = g_new0 (SourceTable, 1);
      table->n_rows = n;
      table->n_columns = n_columns;
      table->numbers = g_new (double, (gsize) n_columns * MAX (n, 1));
      table->is_numeric = g_new0 (gboolean, n_columns);
      table->values = g_new0 (const char **, n_columns);
      table->chunk = g_string_chunk_new (4096);
      present = g_new0 (gsize, n_columns);
      numeric = g_new0 (gsize, n_columns);
      for (guint c = 0; c < n_columns; c++)
        if (keep[c])
          table->values[c] = g_new0 (const char *, MAX (n, 1));
      do
        {
          guint n_fields = cst_csv_reader_get_n_fields (reader);

          if (i >= n)
            break;
          for (guint c = 0; c < n_columns; c++)
            {
              const char *value = c < n_fields ? cst_csv_reader_get_field (reader, c) : "";
              double x = parse_number (value);

              table->numbers[(gsize) c * n + i] = x;
              present[c] += value[0] != '\0';
              numeric[c] += isfinite (x);
              if (table->values[c] != NULL)
                table->values[c][i] = g_string_chunk_insert_const (table->chunk, value);
            }
          i++;
        }
      while (cst_csv_reader_next (reader, NULL));
      if (i != n)
        continue;
      for (guint c = 0; c < n_columns; c++)
        table->is_numeric[c] = present[c] >= 3 && numeric[c] * 10 >= present[c] * 9;
      return g_steal_pointer (&table);
    }
  return NULL;
}

/* How a sensitive column's values are compared: as groups, or as numbers. */
typedef struct
{
  const char   **groups;   /* per row; NULL for missing or rare values */
  const double  *numbers;  /* per row (borrowed from the table), when numeric */
  gboolean       numeric;
} SensitiveValues;

static void
classify_values (const SourceTable *table,
                 guint              column,
                 SensitiveValues   *out)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  const char **values = table->values[column];
  gsize n = table->n_rows, n_present = 0, n_numeric = 0, min_count;

  g_assert (values != NULL);
  out->groups = g_new0 (const char *, MAX (n, 1));
  out->numbers = table->numbers + (gsize) column * n;
  for (gsize i = 0; i < n; i++)
    {
      if (values[i][0] == '\0')
        continue;
      n_present++;
      if (isfinite (out->numbers[i]))
        n_numeric++;
      g_hash_table_insert (counts, (gpointer) values[i],
                           GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (counts, values[i])) + 1));
    }
  /* Numbers with many distinct values (ages, birth dates, incomes) are compared by
   * correlation; codes with a few values ("1", "2", "3") are groups like words are. */
  out->numeric = n_present > 0 && n_numeric * 10 >= n_present * 9 && g_hash_table_size (counts) > 12;
  /* A value held by a handful of rows separates them perfectly by chance: rare values are
   * left out of the AUC. */
  min_count = MAX (10, n_present / 50);
  for (gsize i = 0; i < n; i++)
    if (values[i][0] != '\0' && GPOINTER_TO_SIZE (g_hash_table_lookup (counts, values[i])) >= min_count)
      out->groups[i] = values[i];
}

static double
score_against (const double          *x,
               const SensitiveValues *values,
               const gsize           *rows,
               gsize                  n)
{
  g_autofree double *y = g_new (double, MAX (n, 1));
  g_autofree const char **g = g_new (const char *, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      y[i] = values->numbers[rows != NULL ? rows[i] : i];
      g[i] = values->groups[rows != NULL ? rows[i] : i];
    }
  if (values->numeric)
    return cst_privacy_proxy_correlation (x, y, n);
  return cst_privacy_proxy_auc (x, g, n, NULL);
}

static void
add_proxy (GPtrArray             *proxies,
           gint64                 source_id,
           const char            *column,
           const char            *sensitive_column,
           double                 score,
           gboolean               is_feature,
           const SensitiveValues *values)
{
  CstPrivacyProxy *proxy;
  double threshold = values->numeric ? CST_PRIVACY_PROXY_CORRELATION : CST_PRIVACY_PROXY_AUC;

  if (!isfinite (score) || score < threshold)
    return;
  proxy = g_new0 (CstPrivacyProxy, 1);
  proxy->source_id = source_id;
  proxy->column = g_strdup (column);
  proxy->sensitive_column = g_strdup (sensitive_column);
  proxy->score = score;
  proxy->is_feature = is_feature;
  proxy->by_correlation = values->numeric;
  g_ptr_array_add (proxies, proxy);
}

static int
compare_proxies (gconstpointer a,
                 gconstpointer b)
{
  const CstPrivacyProxy *x = *(const CstPrivacyProxy * const *) a;
  const CstPrivacyProxy *y = *(const CstPrivacyProxy * const *) b;
  int by_score = (x->score < y->score) - (x->score > y->score);

  if (by_score != 0)
    return by_score;
  if (x->source_id != y->source_id)
    return (x->source_id > y->source_id) - (x->source_id < y->source_id);
  if (g_strcmp0 (x->sensitive_column, y->sensitive_column) != 0)
    return g_strcmp0 (x->sensitive_column, y->sensitive_column);
  return g_strcmp0 (x->column, y->column);
}

static gboolean
find_source_proxies (CstStore               *store,
                     gint64                  source_id,
                     GPtrArray              *marked,
                     gint64                  identity_run,
                     const CstFeatureTable  *features,
                     GPtrArray              *proxies,
                     GCancellable           *cancellable,
                     GError                **error)
{
  g_auto(GStrv) columns = cst_store_audience_dup_source_columns (store, source_id, error);
  SourceRows rows = { g_string_new (NULL), g_array_new (FALSE, FALSE, sizeof (gint64)) };
  g_autoptr(SourceTable) table = NULL;
  g_autofree int *marked_column = g_new (int, MAX (marked->len, 1));
  g_autofree gboolean *keep = NULL;
  guint n_columns;
  gboolean ok = FALSE;

  if (columns == NULL)
    goto out;
  n_columns = g_strv_length (columns);
  keep = g_new0 (gboolean, MAX (n_columns, 1));

  /* Each sensitive column of this file by its header title: exactly, else ignoring case and
   * punctuation ("Birth Date" marks birth_date). */
  for (guint m = 0; m < marked->len; m++)
    {
      const CstSensitiveColumn *sensitive = g_ptr_array_index (marked, m);
      g_autofree char *wanted = normalize_name (sensitive->column_name);

      marked_column[m] = -1;
      if (sensitive->source_id != source_id)
        continue;
      for (guint c = 0; c < n_columns && marked_column[m] < 0; c++)
        if (g_strcmp0 (columns[c], sensitive->column_name) == 0)
          marked_column[m] = (int) c;
      for (guint c = 0; c < n_columns && marked_column[m] < 0; c++)
        {
          g_autofree char *have = normalize_name (columns[c]);

          if (g_str_equal (have, wanted))
            marked_column[m] = (int) c;
        }
      if (marked_column[m] >= 0)
        keep[marked_column[m]] = TRUE;
    }

  if (!cst_store_audience_foreach_source_row (store, source_id, identity_run, collect_row, &rows, error))
    goto out;
  ok = TRUE;
  if (n_columns == 0 || rows.person_ids->len < 3)
    goto out;
  table = split_rows (&rows, n_columns, keep);
  /* A workbook's rows are not kept as delimited text: nothing to compare for it. */
  if (table == NULL)
    goto out;
  g_string_truncate (rows.text, 0);

  for (guint m = 0; m < marked->len; m++)
    {
      const CstSensitiveColumn *sensitive = g_ptr_array_index (marked, m);
      SensitiveValues values = { 0 };
      int column = marked_column[m];

      if (column < 0)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          goto out;
        }
      classify_values (table, (guint) column, &values);

      /* The file's other numeric columns, row by row. A column that is itself sensitive is
       * already out of exports and models, so it is not reported as a proxy. */
      for (guint c = 0; c < n_columns; c++)
        if (!keep[c] && table->is_numeric[c])
          add_proxy (proxies, source_id, columns[c], sensitive->column_name,
                     score_against (table->numbers + (gsize) c * table->n_rows, &values, NULL, table->n_rows),
                     FALSE, &values);

      /* The behavioural features, person by person: a person's value is that of their first
       * row in this file. */
      if (features != NULL && features->rows > 0)
        {
          g_autoptr(GHashTable) first_row = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
          g_autofree gsize *row_of = g_new (gsize, features->rows);
          g_autofree gsize *feature_row = g_new (gsize, features->rows);
          g_autofree double *x = g_new (double, features->rows);
          gsize n = 0;

          for (guint i = (guint) table->n_rows; i-- > 0;)
            {
              gint64 person = g_array_index (rows.person_ids, gint64, i);

              if (person > 0)
                g_hash_table_replace (first_row, g_memdup2 (&person, sizeof person), GUINT_TO_POINTER (i + 1));
            }
          for (gsize r = 0; r < features->rows; r++)
            {
              guint i = GPOINTER_TO_UINT (g_hash_table_lookup (first_row, &features->person_ids[r]));

              if (i > 0)
                {
                  row_of[n] = i - 1;
                  feature_row[n] = r;
                  n++;
                }
            }
          for (guint f = 0; n >= 3 && f < features->cols; f++)
            {
              for (gsize k = 0; k < n; k++)
                x[k] = features->values[feature_row[k] * features->cols + f];
              add_proxy (proxies, source_id, features->names[f], sensitive->column_name,
                         score_against (x, &values, row_of, n), TRUE, &values);
            }
        }
      g_free (values.groups);
    }

out:
  g_string_free (rows.text, TRUE);
  g_array_unref (rows.person_ids);
  return ok;
}

GPtrArray *
cst_privacy_find_proxies (CstStore      *store,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GPtrArray) proxies = g_ptr_array_new_with_free_func (cst_privacy_proxy_free);
  g_autoptr(GPtrArray) marked = NULL;
  g_autoptr(CstFeatureTable) features = NULL;
  g_autoptr(GArray) sources = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 identity_run;

  g_return_val_if_fail (store != NULL, NULL);

  marked = cst_store_audience_list_sensitive (store, error);
  if (marked == NULL)
    return NULL;
  if (marked->len == 0)
    return g_steal_pointer (&proxies);

  identity_run = cst_store_get_latest_identity_run (store, NULL);
  if (identity_run > 0)
    {
      g_autoptr(GError) local = NULL;

      features = cst_features_compute (store, identity_run, cancellable, NULL, NULL, &local);
      /* A project without orders has no behaviour to compare: its files' columns still count. */
      if (features == NULL && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }

  for (guint i = 0; i < marked->len; i++)
    {
      gint64 id = ((const CstSensitiveColumn *) g_ptr_array_index (marked, i))->source_id;

      if (sources->len == 0 || g_array_index (sources, gint64, sources->len - 1) != id)
        g_array_append_val (sources, id);
    }
  for (guint s = 0; s < sources->len; s++)
    if (!find_source_proxies (store, g_array_index (sources, gint64, s), marked, identity_run, features,
                              proxies, cancellable, error))
      return NULL;
  g_ptr_array_sort (proxies, compare_proxies);
  return g_steal_pointer (&proxies);
}
