/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-segmentation"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cst-segmentation.h"
#include "features/cst-features.h"
#include "models/cst-auto-k.h"
#include "models/cst-explain.h"
#include "models/cst-rfm.h"
#include "numeric/cst-kmeans.h"
#include "numeric/cst-matrix.h"
#include "numeric/cst-pca.h"
#include "store/cst-store.h"

G_DEFINE_QUARK (cst-segmentation-error-quark, cst_segmentation_error)

void
cst_segmentation_options_init (CstSegmentationOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->method = CST_SEGMENTATION_DISCOVER;
  options->k = 0;
  options->seed = 42;
  options->n_init = 4;
  options->log_scale = TRUE;
  options->winsorize = TRUE;
  options->float32 = FALSE;
  options->sample_size = 10000;
  options->disabled_features = NULL;
}

void
cst_segmentation_options_copy (const CstSegmentationOptions *src,
                               CstSegmentationOptions       *dest)
{
  g_return_if_fail (src != NULL && dest != NULL);

  *dest = *src;
  dest->disabled_features = g_strdupv (src->disabled_features);
}

void
cst_segmentation_options_clear (CstSegmentationOptions *options)
{
  g_clear_pointer (&options->disabled_features, g_strfreev);
}

/* Returns: (transfer full): the options as a JSON object, stored with each run */
char *
cst_segmentation_options_to_json (const CstSegmentationOptions *options)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, options->method == CST_SEGMENTATION_RFM ? "rfm" : "discover");
  json_builder_set_member_name (b, "k");
  if (options->k == 0)
    json_builder_add_string_value (b, "auto");
  else
    json_builder_add_int_value (b, options->k);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, options->seed);
  json_builder_set_member_name (b, "n_init");
  json_builder_add_int_value (b, options->n_init);
  json_builder_set_member_name (b, "log_scale");
  json_builder_add_boolean_value (b, options->log_scale);
  json_builder_set_member_name (b, "winsorize");
  json_builder_add_boolean_value (b, options->winsorize);
  json_builder_set_member_name (b, "float32");
  json_builder_add_boolean_value (b, options->float32);
  json_builder_set_member_name (b, "sample_size");
  json_builder_add_int_value (b, options->sample_size);
  json_builder_set_member_name (b, "disabled_features");
  json_builder_begin_array (b);
  for (guint i = 0; options->disabled_features != NULL && options->disabled_features[i] != NULL; i++)
    json_builder_add_string_value (b, options->disabled_features[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/**
 * cst_segmentation_options_from_json:
 * @json: what cst_segmentation_options_to_json() wrote
 * @options: (out caller-allocates): the options; defaults where @json says nothing
 *
 * Returns: %FALSE when @json is not an object (@options then holds the defaults)
 */
gboolean
cst_segmentation_options_from_json (const char             *json,
                                    CstSegmentationOptions *options)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;
  JsonNode *node;

  cst_segmentation_options_init (options);
  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;

  o = json_node_get_object (json_parser_get_root (parser));
  options->method = g_strcmp0 (json_object_get_string_member_with_default (o, "method", ""), "rfm") == 0
                    ? CST_SEGMENTATION_RFM : CST_SEGMENTATION_DISCOVER;
  node = json_object_get_member (o, "k");
  options->k = node != NULL && json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node) : 0;
  options->seed = json_object_get_int_member_with_default (o, "seed", options->seed);
  options->n_init = json_object_get_int_member_with_default (o, "n_init", options->n_init);
  options->log_scale = json_object_get_boolean_member_with_default (o, "log_scale", options->log_scale);
  options->winsorize = json_object_get_boolean_member_with_default (o, "winsorize", options->winsorize);
  options->float32 = json_object_get_boolean_member_with_default (o, "float32", options->float32);
  options->sample_size = json_object_get_int_member_with_default (o, "sample_size", options->sample_size);
  if (json_object_has_member (o, "disabled_features"))
    {
      JsonArray *array = json_object_get_array_member (o, "disabled_features");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        g_strv_builder_add (builder, json_array_get_string_element (array, i));
      options->disabled_features = g_strv_builder_end (builder);
      if (options->disabled_features[0] == NULL)
        g_clear_pointer (&options->disabled_features, g_strfreev);
    }
  return TRUE;
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
  self->n_missing = g_new0 (gsize, n_features);
  self->segment_names = g_new0 (char *, k + 1);
  for (guint s = 0; s < k; s++)
    self->segment_names[s] = g_strdup_printf (_("Segment %u"), s + 1);
  self->facts = g_new0 (char *, (gsize) k * 3 + 1);
  self->sizes = g_new0 (gsize, k);
  self->means = g_new0 (double, (gsize) k * n_features);
  self->rest_means = g_new0 (double, (gsize) k * n_features);
  self->std_diffs = g_new0 (double, (gsize) k * n_features);
  self->person_ids = g_new0 (gint64, n_people);
  self->labels = g_new0 (guint, n_people);
  self->x = g_new0 (double, n_people);
  self->y = g_new0 (double, n_people);
  return self;
}

/* Returns: (nullable): fact @index (0–2) of @segment */
const char *
cst_segmentation_get_fact (const CstSegmentation *self,
                           guint                  segment,
                           guint                  index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (segment < self->k && index < 3, NULL);

  return self->facts[(gsize) segment * 3 + index];
}

static void
swap (double *a,
      double *b)
{
  double t = *a;

  *a = *b;
  *b = t;
}

/* The @k-th smallest of @n values (0-based), reordering them: Hoare's selection, expected
 * linear time, so percentiles of a million values cost milliseconds, not a sort. */
static double
select_kth (double *v,
            gsize   n,
            gsize   k)
{
  gsize lo = 0, hi = n - 1;

  while (lo < hi)
    {
      double pivot = v[lo + (hi - lo) / 2];
      gsize i = lo, j = hi;

      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              swap (&v[i], &v[j]);
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        return v[k];
    }
  return v[k];
}

/* The @q quantile (0–1) of the non-NAN values of column @col, or NAN when there are none. */
static double
column_quantile (const double *x,
                 gsize         rows,
                 guint         cols,
                 guint         col,
                 double        q,
                 double       *scratch)
{
  gsize n = 0;

  for (gsize i = 0; i < rows; i++)
    if (!isnan (x[i * cols + col]))
      scratch[n++] = x[i * cols + col];
  if (n == 0)
    return NAN;
  return select_kth (scratch, n, (gsize) floor (q * (n - 1) + 0.5));
}

/* From the per-person features to what k-means sees: missing values filled with the column's
 * median (and counted), log1p of heavy-tailed counts and money, clipping at the 1st and 99th
 * percentile so that a handful of extreme customers cannot pull a centre away, and zero mean,
 * unit variance per column so that no feature dominates the distances by its unit alone. */
static double *
preprocess (const double                 *values,
            gsize                         rows,
            guint                         cols,
            char                        **names,
            const CstSegmentationOptions *options,
            gsize                        *n_missing)
{
  double *x = g_memdup2 (values, sizeof (double) * rows * cols);
  g_autofree double *scratch = g_new (double, rows);
  g_autofree double *means = g_new0 (double, cols);
  g_autofree double *sds = g_new0 (double, cols);

  for (guint f = 0; f < cols; f++)
    {
      const CstFeatureInfo *info = cst_feature_info_lookup (names[f]);
      double median = column_quantile (x, rows, cols, f, 0.5, scratch);

      n_missing[f] = 0;
      for (gsize i = 0; i < rows; i++)
        {
          double *v = &x[i * cols + f];

          if (isnan (*v))
            {
              *v = isnan (median) ? 0.0 : median;
              n_missing[f]++;
            }
          if (options->log_scale && info != NULL && info->log_scale)
            *v = log1p (MAX (*v, 0.0));
        }

      if (options->winsorize)
        {
          double low = column_quantile (x, rows, cols, f, 0.01, scratch);
          double high = column_quantile (x, rows, cols, f, 0.99, scratch);

          for (gsize i = 0; i < rows; i++)
            x[i * cols + f] = CLAMP (x[i * cols + f], low, high);
        }
    }

  cst_matrix_column_stats (x, rows, cols, means, sds);
  cst_matrix_standardize (x, rows, cols, means, sds);
  return x;
}

static gboolean
is_disabled (const CstSegmentationOptions *options,
             const char                   *name)
{
  return options->disabled_features != NULL &&
         g_strv_contains ((const char * const *) options->disabled_features, name);
}

/* RFM needs these three whatever else is switched on. */
static gboolean
rfm_labels (const CstFeatureTable *table,
            guint                 *labels,
            guint                 *k,
            GPtrArray             *names,
            GError               **error)
{
  int r = cst_feature_table_find (table, CST_FEATURE_RECENCY);
  int f = cst_feature_table_find (table, CST_FEATURE_ORDERS);
  int m = cst_feature_table_find (table, CST_FEATURE_TOTAL_SPEND);
  g_autofree double *recency = g_new (double, table->rows);
  g_autofree double *frequency = g_new (double, table->rows);
  g_autofree double *monetary = g_new (double, table->rows);
  g_autofree CstRfmScore *scores = g_new (CstRfmScore, table->rows);
  g_autofree CstRfmGroup *groups = g_new (CstRfmGroup, table->rows);
  int index[CST_RFM_N_GROUPS];

  g_assert (r >= 0 && f >= 0 && m >= 0);
  for (gsize i = 0; i < table->rows; i++)
    {
      recency[i] = table->values[i * table->cols + r];
      frequency[i] = table->values[i * table->cols + f];
      monetary[i] = table->values[i * table->cols + m];
    }
  cst_rfm_score (recency, frequency, monetary, table->rows, scores, groups);

  /* Segments are the groups that have members, in the usual order from Champions to Lost. */
  for (guint g = 0; g < CST_RFM_N_GROUPS; g++)
    index[g] = -1;
  for (gsize i = 0; i < table->rows; i++)
    index[groups[i]] = 0;
  *k = 0;
  for (guint g = 0; g < CST_RFM_N_GROUPS; g++)
    if (index[g] == 0)
      {
        index[g] = (*k)++;
        g_ptr_array_add (names, g_strdup (cst_rfm_group_name (g)));
      }
  for (gsize i = 0; i < table->rows; i++)
    labels[i] = index[groups[i]];

  if (*k < 2)
    {
      g_set_error_literal (error, CST_SEGMENTATION_ERROR, CST_SEGMENTATION_ERROR_TOO_FEW_PEOPLE,
                           _("All customers fall into one RFM group: there is nothing to compare"));
      return FALSE;
    }
  return TRUE;
}

/**
 * cst_segmentation_run:
 * @store: an open project whose people were matched
 * @options: method, k (0 for automatic), seed, preprocessing, features switched off
 *
 * Computes the behavioural features of the newest identity run, preprocesses them, groups the
 * people (k-means with an automatic or given k, or classic RFM), names and explains each segment,
 * projects the people on the first two principal components for the map, and stores everything
 * as a new run (earlier runs stay). Cost: dominated by k-means, O(people × k × features ×
 * iterations × n_init), times the candidates 2–12 when k is automatic.
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
  g_autoptr(CstAutoKResult) auto_k = NULL;
  g_autoptr(CstExplanation) explanation = NULL;
  g_autoptr(CstPca) pca = NULL;
  g_autoptr(CstSegmentation) seg = NULL;
  g_autoptr(GPtrArray) selected_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rfm_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) selected = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree double *values = NULL;
  g_autofree double *x = NULL;
  g_autofree double *projected = NULL;
  g_autofree guint *labels = NULL;
  g_autofree gsize *n_missing = NULL;
  CstProgressStage stage = { progress, progress_data, 0, 0 };
  gint64 identity_run;
  gint64 start = g_get_monotonic_time ();
  guint k = 0, cols;
  guint iterations = 0;
  double inertia = 0;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->k == 0 || options->k >= 2, NULL);

  identity_run = cst_store_get_latest_identity_run (store, NULL);
  if (identity_run < 0)
    {
      g_set_error_literal (error, CST_SEGMENTATION_ERROR, CST_SEGMENTATION_ERROR_NOT_MATCHED,
                           _("The people in this project have not been matched yet"));
      return NULL;
    }

  stage.start = 0.0, stage.span = 0.15;
  table = cst_features_compute (store, identity_run, cancellable, cst_progress_stage_report, &stage, error);
  if (table == NULL)
    return NULL;
  if (table->rows == 0)
    {
      g_set_error_literal (error, CST_SEGMENTATION_ERROR, CST_SEGMENTATION_ERROR_TOO_FEW_PEOPLE,
                           _("No one in this project has ordered yet. Import a shop orders file to find segments."));
      return NULL;
    }
  /* Two segments need at least three people to be worth a comparison. */
  if (table->rows < MAX (options->k, 2) + 1)
    {
      g_set_error (error, CST_SEGMENTATION_ERROR, CST_SEGMENTATION_ERROR_TOO_FEW_PEOPLE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Only %zu person has ordered: too few to find segments",
                                "Only %zu people have ordered: too few to find segments",
                                table->rows),
                   table->rows);
      return NULL;
    }

  /* The features the user kept, in the table's order. */
  for (guint f = 0; f < table->cols; f++)
    if (!is_disabled (options, table->names[f]))
      {
        g_array_append_val (selected, f);
        g_ptr_array_add (selected_names, g_strdup (table->names[f]));
      }
  g_ptr_array_add (selected_names, NULL);
  cols = selected->len;
  if (cols == 0)
    {
      g_set_error_literal (error, CST_SEGMENTATION_ERROR, CST_SEGMENTATION_ERROR_NO_FEATURES,
                           _("Every feature is switched off: switch at least one on to find segments"));
      return NULL;
    }

  values = g_new (double, table->rows * cols);
  for (gsize i = 0; i < table->rows; i++)
    for (guint c = 0; c < cols; c++)
      values[i * cols + c] = table->values[i * table->cols + g_array_index (selected, guint, c)];
  n_missing = g_new0 (gsize, cols);
  x = preprocess (values, table->rows, cols, (char **) selected_names->pdata, options, n_missing);
  labels = g_new0 (guint, table->rows);

  if (options->method == CST_SEGMENTATION_RFM)
    {
      cst_progress_report (progress, progress_data, 0.2, _("Scoring recency, frequency and spend"));
      if (!rfm_labels (table, labels, &k, rfm_names, error))
        return NULL;
    }
  else
    {
      CstKmeansOptions km_options;

      k = options->k;
      if (k == 0)
        {
          CstAutoKOptions auto_options;

          cst_auto_k_options_init (&auto_options);
          auto_options.seed = options->seed;
          auto_options.n_init = MAX (options->n_init, 1);
          auto_options.sample_size = options->sample_size;
          auto_options.k_max = MIN (auto_options.k_max, table->rows - 1);
          auto_options.use_float32 = options->float32;
          stage.start = 0.15, stage.span = 0.7;
          cst_progress_report (progress, progress_data, stage.start, _("Finding the best number of segments"));
          auto_k = cst_auto_k_choose (x, table->rows, cols, &auto_options, cancellable,
                                      cst_progress_stage_report, &stage, error);
          if (auto_k == NULL)
            return NULL;
          k = auto_k->recommended;
        }

      /* The automatic choice already fitted its recommended k on all rows. */
      if (auto_k != NULL && auto_k->fit != NULL)
        km = g_steal_pointer (&auto_k->fit);
      else
        {
          cst_kmeans_options_init (&km_options);
          km_options.k = k;
          km_options.seed = options->seed;
          km_options.n_init = MAX (options->n_init, 1);
          km_options.use_float32 = options->float32;
          stage.start = auto_k != NULL ? 0.7 : 0.15;
          stage.span = 0.85 - stage.start;
          cst_progress_report (progress, progress_data, stage.start, _("Finding segments"));
          km = cst_kmeans_fit (x, table->rows, cols, &km_options, cancellable,
                               cst_progress_stage_report, &stage, error);
          if (km == NULL)
            return NULL;
        }
      memcpy (labels, km->labels, sizeof (guint) * table->rows);
      inertia = km->inertia;
      iterations = km->iterations;
    }

  cst_progress_report (progress, progress_data, 0.86, _("Explaining the segments"));
  explanation = cst_explain_segments (values, x, table->rows, cols,
                                      (const char * const *) selected_names->pdata, labels, k);

  cst_progress_report (progress, progress_data, 0.88, _("Drawing the map"));
  pca = cst_pca_fit (x, table->rows, cols, MIN (2, cols), error);
  if (pca == NULL)
    return NULL;
  projected = g_new0 (double, table->rows * pca->n_components);
  cst_pca_transform (pca, x, table->rows, projected);

  seg = cst_segmentation_new (k, cols, table->rows);
  seg->method = options->method;
  seg->auto_k = auto_k != NULL;
  seg->seed = options->seed;
  seg->n_skipped = table->n_skipped;
  seg->inertia = inertia;
  seg->iterations = iterations;
  seg->explained[0] = pca->explained[0];
  seg->explained[1] = pca->n_components > 1 ? pca->explained[1] : 0.0;
  seg->settings = cst_segmentation_options_to_json (options);
  seg->notes = g_strdupv (table->notes);
  memcpy (seg->n_missing, n_missing, sizeof (gsize) * cols);
  for (guint f = 0; f < cols; f++)
    seg->feature_names[f] = g_strdup (selected_names->pdata[f]);

  if (auto_k != NULL)
    {
      seg->reason = g_strdup (auto_k->reason);
      seg->n_choices = auto_k->n_choices;
      seg->choices = g_memdup2 (auto_k->choices, sizeof (CstKChoice) * auto_k->n_choices);
    }

  for (guint s = 0; s < k; s++)
    {
      const CstSegmentExplanation *e = &explanation->segments[s];

      g_free (seg->segment_names[s]);
      seg->segment_names[s] = g_strdup (options->method == CST_SEGMENTATION_RFM ? rfm_names->pdata[s] : e->name);
      for (guint j = 0; j < 3; j++)
        seg->facts[s * 3 + j] = g_strdup (e->facts[j]);
      for (guint d = 0; d < e->n_differences; d++)
        {
          const CstDifference *diff = &e->differences[d];
          gsize at = (gsize) s * cols + diff->feature;

          seg->means[at] = diff->mean;
          seg->rest_means[at] = diff->rest_mean;
          seg->std_diffs[at] = diff->std_diff;
        }
    }

  for (guint f = 0; f < cols; f++)
    {
      double sum = 0;
      gsize n = 0;

      for (gsize i = 0; i < table->rows; i++)
        if (!isnan (values[i * cols + f]))
          {
            sum += values[i * cols + f];
            n++;
          }
      seg->overall_means[f] = n > 0 ? sum / n : NAN;
    }

  for (gsize i = 0; i < table->rows; i++)
    {
      seg->person_ids[i] = table->person_ids[i];
      seg->labels[i] = labels[i];
      seg->sizes[labels[i]]++;
      seg->x[i] = projected[i * pca->n_components];
      seg->y[i] = pca->n_components > 1 ? projected[i * pca->n_components + 1] : 0.0;
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
  g_free (self->reason);
  g_free (self->settings);
  g_strfreev (self->notes);
  g_strfreev (self->feature_names);
  g_free (self->overall_means);
  g_free (self->n_missing);
  g_strfreev (self->segment_names);
  for (guint i = 0; i < self->k * 3; i++)
    g_free (self->facts[i]);
  g_free (self->facts);
  g_free (self->sizes);
  g_free (self->means);
  g_free (self->rest_means);
  g_free (self->std_diffs);
  g_free (self->choices);
  g_free (self->person_ids);
  g_free (self->labels);
  g_free (self->x);
  g_free (self->y);
  g_free (self);
}
