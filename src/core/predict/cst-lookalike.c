/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-lookalike"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cst-lookalike.h"
#include "features/cst-features.h"
#include "store/cst-store.h"
#include "numeric/cst-compare.h"

#define MIN_CLASSIFIER_SEED 30
#define NEIGHBOURS          5
/* Distances to more seed members than this cost more than they tell: a seeded sample is used. */
#define MAX_DISTANCE_SEED   2000

const char *
cst_lookalike_method_to_string (CstLookalikeMethod method)
{
  switch (method)
    {
    case CST_LOOKALIKE_CLASSIFIER:
      return "classifier";
    case CST_LOOKALIKE_DISTANCE:
      return "distance";
    case CST_LOOKALIKE_AUTO:
    default:
      return "auto";
    }
}

static double
median_of (double *v,
           gsize   n)
{
  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (double), cst_compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The features as the segmentation sees them: log1p for heavy tails, missing values at the
 * median, each column standardized; constant columns get weight 0. Returns rows × cols. */
static double *
standardize (const CstFeatureTable *t)
{
  double *z = g_new (double, MAX (t->rows * t->cols, 1));
  g_autofree double *column = g_new (double, MAX (t->rows, 1));

  for (guint f = 0; f < t->cols; f++)
    {
      const CstFeatureInfo *info = cst_feature_info_lookup (t->names[f]);
      gboolean log_scale = info != NULL && info->log_scale;
      gsize known = 0;
      double median, mean = 0, var = 0;

      for (gsize i = 0; i < t->rows; i++)
        {
          double v = t->values[i * t->cols + f];

          if (!isnan (v))
            column[known++] = log_scale ? log1p (MAX (v, 0.0)) : v;
        }
      median = known > 0 ? median_of (column, known) : 0.0;
      for (gsize i = 0; i < t->rows; i++)
        {
          double v = t->values[i * t->cols + f];

          v = isnan (v) ? median : log_scale ? log1p (MAX (v, 0.0)) : v;
          z[i * t->cols + f] = v;
          mean += v / t->rows;
        }
      for (gsize i = 0; i < t->rows; i++)
        var += (z[i * t->cols + f] - mean) * (z[i * t->cols + f] - mean) / t->rows;
      for (gsize i = 0; i < t->rows; i++)
        z[i * t->cols + f] = var > 1e-12 ? (z[i * t->cols + f] - mean) / sqrt (var) : 0.0;
    }
  return z;
}

/* Mean distance from row @i to its NEIGHBOURS nearest seed rows (itself excluded). */
static double
knn_distance (const double *z,
              guint         cols,
              gsize         i,
              const gsize  *seed_rows,
              gsize         n_seed,
              double       *best)
{
  guint k = MIN (NEIGHBOURS, n_seed), found = 0;
  double sum = 0;

  for (guint j = 0; j < k; j++)
    best[j] = HUGE_VAL;
  for (gsize s = 0; s < n_seed; s++)
    {
      double d = 0;

      if (seed_rows[s] == i)
        continue;
      for (guint f = 0; f < cols; f++)
        {
          double diff = z[i * cols + f] - z[seed_rows[s] * cols + f];

          d += diff * diff;
        }
      /* Insertion into the sorted k best. */
      if (d < best[k - 1])
        {
          guint j = k - 1;

          while (j > 0 && best[j - 1] > d)
            {
              best[j] = best[j - 1];
              j--;
            }
          best[j] = d;
        }
    }
  for (guint j = 0; j < k; j++)
    if (isfinite (best[j]))
      {
        sum += sqrt (best[j]);
        found++;
      }
  return found > 0 ? sum / found : HUGE_VAL;
}

CstLookalikeRun *
cst_lookalike_run (CstStore            *store,
                   gint64               identity_run,
                   const gint64        *seed_ids,
                   gsize                n_seed_ids,
                   const char          *seed_description,
                   CstLookalikeMethod   method,
                   guint32              seed,
                   GCancellable        *cancellable,
                   CstProgressFunc      progress,
                   gpointer             progress_data,
                   GError             **error)
{
  g_autoptr(CstLookalikeRun) run = g_new0 (CstLookalikeRun, 1);
  g_autoptr(CstFeatureTable) table = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree gint64 *sorted_seed = NULL;
  g_autofree double *scratch = NULL;
  CstProgressStage stage = { progress, progress_data, 0.0, 0.3 };
  double reference;
  gsize n_seed_rows = 0;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (seed_ids != NULL || n_seed_ids == 0, NULL);

  run->identity_run = identity_run;
  run->seed_description = g_strdup (seed_description != NULL ? seed_description : "");
  run->auc = NAN;

  table = cst_features_compute (store, identity_run, cancellable, cst_progress_stage_report, &stage, error);
  if (table == NULL)
    return NULL;

  sorted_seed = g_memdup2 (seed_ids, sizeof (gint64) * MAX (n_seed_ids, 1));
  qsort (sorted_seed, n_seed_ids, sizeof (gint64), cst_compare_int64);
  run->n_people = table->rows;
  run->person_ids = g_memdup2 (table->person_ids, sizeof (gint64) * MAX (table->rows, 1));
  run->similarity = g_new0 (double, MAX (table->rows, 1));
  run->is_seed = g_new0 (guint8, MAX (table->rows, 1));
  for (gsize i = 0; i < table->rows; i++)
    if (bsearch (&table->person_ids[i], sorted_seed, n_seed_ids, sizeof (gint64), cst_compare_int64) != NULL)
      {
        run->is_seed[i] = 1;
        n_seed_rows++;
      }
  run->n_seed = n_seed_rows;
  {
    gsize distinct = 0;

    for (gsize i = 0; i < n_seed_ids; i++)
      distinct += i == 0 || sorted_seed[i] != sorted_seed[i - 1];
    run->n_seed_unknown = distinct - n_seed_rows;
  }
  if (n_seed_rows < 3)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Only %zu people of the seed have orders: lookalikes need at least 3."), n_seed_rows);
      return NULL;
    }
  if (n_seed_rows == table->rows)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The seed holds everybody with orders, so there is nobody left to find."));
      return NULL;
    }
  if (run->n_seed_unknown > 0)
    g_ptr_array_add (warnings, g_strdup_printf (_("%zu people of the seed have no orders and are not used."),
                                                run->n_seed_unknown));

  if (method == CST_LOOKALIKE_AUTO)
    method = n_seed_rows >= MIN_CLASSIFIER_SEED && table->rows - n_seed_rows >= MIN_CLASSIFIER_SEED
             ? CST_LOOKALIKE_CLASSIFIER : CST_LOOKALIKE_DISTANCE;

  if (method == CST_LOOKALIKE_CLASSIFIER)
    {
      g_autoptr(CstClassifier) model = NULL;
      CstClassifierOptions options;

      stage = (CstProgressStage) { progress, progress_data, 0.3, 0.6 };
      cst_classifier_options_init (&options);
      options.seed = seed;
      model = cst_classifier_fit (table->values, run->is_seed, table->rows, table->cols,
                                  (const char * const *) table->names, &options, cancellable,
                                  cst_progress_stage_report, &stage, error);
      if (model == NULL)
        return NULL;
      cst_classifier_predict (model, table->values, table->rows, run->similarity);
      run->auc = cst_classifier_get_evaluation (model)->auc;
    }
  else
    {
      g_autofree double *z = standardize (table);
      g_autofree gsize *seed_rows = g_new (gsize, n_seed_rows);
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      double best[NEIGHBOURS];
      gsize s = 0;

      for (gsize i = 0; i < table->rows; i++)
        if (run->is_seed[i])
          seed_rows[s++] = i;
      /* A seeded partial shuffle keeps a fair sample of a very large seed. */
      for (gsize i = 0; i < MIN (n_seed_rows, MAX_DISTANCE_SEED); i++)
        {
          gsize j = i + (gsize) g_rand_double_range (rand, 0, n_seed_rows - i);
          gsize tmp = seed_rows[i];

          seed_rows[i] = seed_rows[MIN (j, n_seed_rows - 1)];
          seed_rows[MIN (j, n_seed_rows - 1)] = tmp;
        }
      s = MIN (n_seed_rows, MAX_DISTANCE_SEED);
      for (gsize i = 0; i < table->rows; i++)
        {
          if ((i & 0xff) == 0)
            {
              if (g_cancellable_set_error_if_cancelled (cancellable, error))
                return NULL;
              cst_progress_report (progress, progress_data, 0.3 + 0.6 * i / table->rows,
                                   _("Measuring similarity"));
            }
          run->similarity[i] = knn_distance (z, table->cols, i, seed_rows, s, best);
        }
      /* Distances become similarities on the seed's own scale. */
      {
        g_autofree double *seed_d = g_new (double, n_seed_rows);
        double d_seed;

        for (gsize i = 0, k = 0; i < table->rows; i++)
          if (run->is_seed[i])
            seed_d[k++] = run->similarity[i];
        d_seed = median_of (seed_d, n_seed_rows);
        if (!(d_seed > 1e-9))
          d_seed = 1e-9;
        for (gsize i = 0; i < table->rows; i++)
          run->similarity[i] = exp (-run->similarity[i] / d_seed);
      }
    }
  run->method = method;

  /* 1 = as seed-like as the median seed member. */
  scratch = g_new (double, n_seed_rows);
  for (gsize i = 0, k = 0; i < table->rows; i++)
    if (run->is_seed[i])
      scratch[k++] = run->similarity[i];
  reference = median_of (scratch, n_seed_rows);
  for (gsize i = 0; i < table->rows; i++)
    run->similarity[i] = reference > 0 ? CLAMP (run->similarity[i] / reference, 0.0, 1.0) : 0.0;

  run->reach = g_array_new (FALSE, FALSE, sizeof (CstCurvePoint));
  for (guint t = 0; t <= 20; t++)
    {
      CstCurvePoint point = { t / 20.0, 0 };

      point.y = cst_lookalike_run_count_above (run, point.x);
      g_array_append_val (run->reach, point);
    }
  if (method == CST_LOOKALIKE_CLASSIFIER && run->auc < 0.6)
    g_ptr_array_add (warnings, g_strdup_printf (_("The seed hardly differs from everybody else (AUC %.2f): its lookalikes are close to a random pick."),
                                                run->auc));
  g_ptr_array_add (warnings, NULL);
  run->warnings = (char **) g_ptr_array_steal (warnings, NULL);
  run->seconds = g_timer_elapsed (timer, NULL);
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return g_steal_pointer (&run);
}

gsize
cst_lookalike_run_count_above (const CstLookalikeRun *run,
                               double                 threshold)
{
  gsize count = 0;

  g_return_val_if_fail (run != NULL, 0);

  for (gsize i = 0; i < run->n_people; i++)
    count += !run->is_seed[i] && run->similarity[i] >= threshold;
  return count;
}

typedef struct
{
  gint64 id;
  double similarity;
} Ranked;

static int
cmp_ranked (gconstpointer a,
            gconstpointer b)
{
  const Ranked *x = a, *y = b;

  if (x->similarity != y->similarity)
    return x->similarity < y->similarity ? 1 : -1;
  return (x->id > y->id) - (x->id < y->id);
}

GArray *
cst_lookalike_run_take (const CstLookalikeRun *run,
                        gsize                  max_people,
                        double                 min_similarity)
{
  g_autoptr(GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (run != NULL, out);

  for (gsize i = 0; i < run->n_people; i++)
    if (!run->is_seed[i] && run->similarity[i] >= min_similarity)
      {
        Ranked r = { run->person_ids[i], run->similarity[i] };

        g_array_append_val (ranked, r);
      }
  g_array_sort (ranked, cmp_ranked);
  for (guint i = 0; i < ranked->len && (max_people == 0 || i < max_people); i++)
    g_array_append_val (out, g_array_index (ranked, Ranked, i).id);
  return out;
}

void
cst_lookalike_run_free (CstLookalikeRun *run)
{
  if (run == NULL)
    return;
  g_free (run->seed_description);
  g_free (run->person_ids);
  g_free (run->similarity);
  g_free (run->is_seed);
  g_clear_pointer (&run->reach, g_array_unref);
  g_strfreev (run->warnings);
  g_free (run);
}
