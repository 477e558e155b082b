/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-segmentation"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cst-segmentation.h"
#include "features/cst-features.h"
#include "numeric/cst-kmeans.h"
#include "numeric/cst-matrix.h"
#include "numeric/cst-pca.h"
#include "store/cst-store.h"

G_DEFINE_QUARK (cst-segmentation-error-quark, cst_segmentation_error)

void
cst_segmentation_options_init (CstSegmentationOptions *options)
{
  g_return_if_fail (options != NULL);

  options->k = 4;
  options->seed = 42;
  options->n_init = 4;
}

/**
 * cst_segmentation_new:
 *
 * Allocates an empty result with room for @k segments, @n_features features and @n_people
 * people; segments are named "Segment 1" … until something better names them.
 */
CstSegmentation *
cst_segmentation_new (guint k,
                      guint n_features,
                      gsize n_people)
{
  CstSegmentation *self = g_new0 (CstSegmentation, 1);

  self->k = k;
  self->n_features = n_features;
  self->n_people = n_people;
  self->feature_names = g_new0 (char *, n_features + 1);
  self->overall_means = g_new0 (double, n_features);
  self->segment_names = g_new0 (char *, k + 1);
  for (guint s = 0; s < k; s++)
    self->segment_names[s] = g_strdup_printf (_("Segment %u"), s + 1);
  self->sizes = g_new0 (gsize, k);
  self->means = g_new0 (double, (gsize) k * n_features);
  self->person_ids = g_new0 (gint64, n_people);
  self->labels = g_new0 (guint, n_people);
  self->x = g_new0 (double, n_people);
  self->y = g_new0 (double, n_people);
  return self;
}

const double *
cst_segmentation_get_mean (const CstSegmentation *self,
                           guint                  segment,
                           guint                  feature)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (segment < self->k && feature < self->n_features, NULL);

  return &self->means[(gsize) segment * self->n_features + feature];
}

/* log1p of heavy-tailed features, then zero mean and unit variance per column, so that no
 * feature dominates the distances by its unit alone. */
static double *
prepare_matrix (const CstFeatureTable *table)
{
  guint n_info;
  const CstFeatureInfo *info = cst_feature_info_get_all (&n_info);
  double *x = g_memdup2 (table->values, sizeof (double) * table->rows * table->cols);
  g_autofree double *means = g_new0 (double, table->cols);
  g_autofree double *sds = g_new0 (double, table->cols);

  g_assert (n_info == table->cols);
  for (gsize i = 0; i < table->rows; i++)
    for (guint f = 0; f < table->cols; f++)
      if (info[f].log_scale)
        x[i * table->cols + f] = log1p (MAX (x[i * table->cols + f], 0.0));

  cst_matrix_column_stats (x, table->rows, table->cols, means, sds);
  cst_matrix_standardize (x, table->rows, table->cols, means, sds);
  return x;
}

/**
 * cst_segmentation_run:
 * @store: an open project whose people were matched
 * @options: k, seed and restarts
 *
 * Computes the behavioural features of the newest identity run, standardizes them, groups the
 * people with k-means, projects them on the first two principal components for the map and
 * stores everything as a new segmentation run (earlier runs stay). Cost: dominated by k-means,
 * O(people × k × features × iterations × n_init).
 *
 * Returns: (transfer full) (nullable): the stored run, or %NULL with @error set
 */
CstSegmentation *
cst_segmentation_run (CstStore                     *store,
                      const CstSegmentationOptions *options,
                      GCancellable                 *cancellable,
                      CstProgressFunc               progress,
                      gpointer                      progress_data,
                      GError                      **error)
{
  g_autoptr(CstFeatureTable) table = NULL;
  g_autoptr(CstKmeansResult) km = NULL;
  g_autoptr(CstPca) pca = NULL;
  g_autoptr(CstSegmentation) seg = NULL;
  g_autofree double *x = NULL;
  g_autofree double *projected = NULL;
  CstKmeansOptions km_options;
  CstProgressStage stage = { progress, progress_data, 0, 0 };
  const CstFeatureInfo *info;
  gint64 identity_run;
  gint64 start = g_get_monotonic_time ();

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (options != NULL && options->k >= 1, NULL);

  identity_run = cst_store_get_latest_identity_run (store, NULL);
  if (identity_run < 0)
    {
      g_set_error_literal (error, CST_SEGMENTATION_ERROR, CST_SEGMENTATION_ERROR_NOT_MATCHED,
                           _("The people in this project have not been matched yet"));
      return NULL;
    }

  stage.start = 0.0, stage.span = 0.2;
  table = cst_features_compute (store, identity_run, cancellable, cst_progress_stage_report, &stage, error);
  if (table == NULL)
    return NULL;
  if (table->rows == 0)
    {
      g_set_error_literal (error, CST_SEGMENTATION_ERROR, CST_SEGMENTATION_ERROR_TOO_FEW_PEOPLE,
                           _("No one in this project has ordered yet. Import a shop orders file to find segments."));
      return NULL;
    }
  if (table->rows < MAX (options->k, 2))
    {
      g_set_error (error, CST_SEGMENTATION_ERROR, CST_SEGMENTATION_ERROR_TOO_FEW_PEOPLE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Only %zu person has ordered: too few for %u segments",
                                "Only %zu people have ordered: too few for %u segments",
                                table->rows),
                   table->rows, options->k);
      return NULL;
    }

  x = prepare_matrix (table);

  cst_kmeans_options_init (&km_options);
  km_options.k = options->k;
  km_options.seed = options->seed;
  km_options.n_init = MAX (options->n_init, 1);
  stage.start = 0.2, stage.span = 0.65;
  cst_progress_report (progress, progress_data, stage.start, _("Finding segments"));
  km = cst_kmeans_fit (x, table->rows, table->cols, &km_options, cancellable,
                       cst_progress_stage_report, &stage, error);
  if (km == NULL)
    return NULL;

  cst_progress_report (progress, progress_data, 0.86, _("Drawing the map"));
  pca = cst_pca_fit (x, table->rows, table->cols, 2, error);
  if (pca == NULL)
    return NULL;
  projected = g_new (double, table->rows * 2);
  cst_pca_transform (pca, x, table->rows, projected);

  seg = cst_segmentation_new (options->k, table->cols, table->rows);
  seg->seed = options->seed;
  seg->n_skipped = table->n_skipped;
  seg->inertia = km->inertia;
  seg->iterations = km->iterations;
  seg->explained[0] = pca->explained[0];
  seg->explained[1] = pca->explained[1];

  info = cst_feature_info_get_all (NULL);
  for (guint f = 0; f < table->cols; f++)
    seg->feature_names[f] = g_strdup (info[f].name);

  for (gsize i = 0; i < table->rows; i++)
    {
      guint s = km->labels[i];

      seg->person_ids[i] = table->person_ids[i];
      seg->labels[i] = s;
      seg->x[i] = projected[2 * i];
      seg->y[i] = projected[2 * i + 1];
      seg->sizes[s]++;
      for (guint f = 0; f < table->cols; f++)
        {
          double v = table->values[i * table->cols + f];

          seg->means[(gsize) s * table->cols + f] += v;
          seg->overall_means[f] += v;
        }
    }
  for (guint f = 0; f < table->cols; f++)
    {
      seg->overall_means[f] /= table->rows;
      for (guint s = 0; s < seg->k; s++)
        if (seg->sizes[s] > 0)
          seg->means[(gsize) s * table->cols + f] /= seg->sizes[s];
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  seg->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  cst_progress_report (progress, progress_data, 0.92, _("Saving segments"));
  if (!cst_store_save_segmentation (store, identity_run, seg, error))
    return NULL;

  cst_progress_report (progress, progress_data, 1.0, NULL);
  return g_steal_pointer (&seg);
}

void
cst_segmentation_free (CstSegmentation *self)
{
  if (self == NULL)
    return;

  g_free (self->created_at);
  g_strfreev (self->feature_names);
  g_free (self->overall_means);
  g_strfreev (self->segment_names);
  g_free (self->sizes);
  g_free (self->means);
  g_free (self->person_ids);
  g_free (self->labels);
  g_free (self->x);
  g_free (self->y);
  g_free (self);
}
