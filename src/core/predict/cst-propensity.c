/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-propensity"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cst-propensity.h"
#include "features/cst-features.h"
#include "store/cst-store.h"
#include "numeric/cst-compare.h"

#define SECONDS_PER_DAY 86400

/* Below this many people before the cutoff, or positives among them, a model says little. */
#define FEW_PEOPLE    200
#define FEW_POSITIVES 30

static const guint friendly_days[] = { 7, 14, 30, 60, 90, 120, 180, 270, 365 };

/* Plain phrases for the direction that makes the outcome more likely: [0] for a higher value,
 * [1] for a lower one. */
static const struct
{
  const char *feature;
  const char *higher;
  const char *lower;
} driver_phrases[] = {
  { CST_FEATURE_RECENCY, N_("more days since the last order"), N_("a more recent last order") },
  { CST_FEATURE_ORDERS, N_("more orders"), N_("fewer orders") },
  { CST_FEATURE_GAP, N_("longer gaps between orders"), N_("shorter gaps between orders") },
  { CST_FEATURE_GAP_REGULARITY, N_("more irregular ordering"), N_("more regular ordering") },
  { CST_FEATURE_TENURE, N_("a longer time as a customer"), N_("a shorter time as a customer") },
  { CST_FEATURE_TOTAL_SPEND, N_("a higher total spend"), N_("a lower total spend") },
  { CST_FEATURE_AVERAGE_ORDER, N_("larger orders"), N_("smaller orders") },
  { CST_FEATURE_WEEKEND, N_("more weekend orders"), N_("fewer weekend orders") },
  { CST_FEATURE_EVENING, N_("more evening orders"), N_("fewer evening orders") },
  { CST_FEATURE_TOP_CATEGORY, N_("more focus on one category"), N_("less focus on one category") },
  { CST_FEATURE_CATEGORIES, N_("more categories bought"), N_("fewer categories bought") },
  { CST_FEATURE_DISCOUNT, N_("more discounted orders"), N_("fewer discounted orders") },
  /* Translators: %s is a sales channel as written in the data, such as "web" */
  { CST_FEATURE_CHANNEL_PREFIX, N_("more orders via %s"), N_("fewer orders via %s") },
  { CST_FEATURE_OPEN_RATE, N_("opening more emails"), N_("opening fewer emails") },
  { CST_FEATURE_CLICK_RATE, N_("clicking in more emails"), N_("clicking in fewer emails") },
  { CST_FEATURE_ENGAGEMENT, N_("more days since the last email open"), N_("a more recent email open") },
};

const char *
cst_propensity_target_to_string (CstPropensityTarget target)
{
  return target == CST_PROPENSITY_CHURN ? "churn" : "purchase";
}

const char *
cst_band_to_string (CstBand band)
{
  static const char * const names[] = { "low", "medium", "high" };

  g_return_val_if_fail (band <= CST_BAND_HIGH, NULL);
  return names[band];
}

const char *
cst_band_get_label (CstBand band)
{
  static const char * const labels[] = { N_("Low"), N_("Medium"), N_("High") };

  g_return_val_if_fail (band <= CST_BAND_HIGH, NULL);
  return _(labels[band]);
}

void
cst_propensity_options_init (CstPropensityOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->target = CST_PROPENSITY_CHURN;
  options->horizon_days = 0;
  options->cutoff = G_MININT64;
  options->low_threshold = CST_BAND_DEFAULT_LOW;
  options->high_threshold = CST_BAND_DEFAULT_HIGH;
  cst_classifier_options_init (&options->classifier);
}

static inline gint64
day_start (gint64 t)
{
  gint64 d = t >= 0 ? t / SECONDS_PER_DAY : -((-t + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);

  return d * SECONDS_PER_DAY;
}

typedef struct
{
  GArray       *days;
  GCancellable *cancellable;
  gsize         n_seen;
} Collect;

static gboolean
collect_order (gint64      person_id,
               gint64      event_time,
               double      amount,
               double      discount,
               const char *order_id,
               const char *category,
               const char *channel,
               gpointer    user_data)
{
  Collect *c = user_data;
  CstPurchaseDay *last = c->days->len > 0 ? &g_array_index (c->days, CstPurchaseDay, c->days->len - 1) : NULL;
  gint64 day = day_start (event_time);

  if (event_time == CST_NO_TIME)
    return TRUE;
  if (last != NULL && last->person_id == person_id && last->time == day)
    last->amount += amount;
  else
    {
      CstPurchaseDay p = { person_id, day, amount };

      g_array_append_val (c->days, p);
    }
  if ((++c->n_seen & 0xfff) == 0 && g_cancellable_is_cancelled (c->cancellable))
    return FALSE;
  return TRUE;
}

GArray *
cst_predict_collect_purchases (CstStore      *store,
                               gint64         identity_run,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (CstPurchaseDay));
  Collect c = { days, cancellable, 0 };
  guint kept = 0;

  g_return_val_if_fail (store != NULL, NULL);

  if (!cst_store_foreach_order (store, identity_run, collect_order, &c, error))
    {
      if (error != NULL && *error == NULL)
        g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  /* A day whose lines add up to nothing or less is a return, not a purchase. */
  for (guint i = 0; i < days->len; i++)
    {
      CstPurchaseDay *p = &g_array_index (days, CstPurchaseDay, i);

      if (isnan (p->amount) || p->amount > 0)
        g_array_index (days, CstPurchaseDay, kept++) = *p;
    }
  g_array_set_size (days, kept);
  return g_steal_pointer (&days);
}

static guint
friendly_at_least (double days)
{
  for (guint i = 0; i < G_N_ELEMENTS (friendly_days); i++)
    if (friendly_days[i] >= days)
      return friendly_days[i];
  return friendly_days[G_N_ELEMENTS (friendly_days) - 1];
}

static guint
friendly_at_most (double days)
{
  guint best = 0;

  for (guint i = 0; i < G_N_ELEMENTS (friendly_days); i++)
    if (friendly_days[i] <= days)
      best = friendly_days[i];
  return best;
}

gboolean
cst_time_split_suggest (const GArray        *purchases,
                        CstPropensityTarget  target,
                        guint                horizon_days,
                        CstTimeSplit        *split,
                        GError             **error)
{
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (double));
  double span_days;

  g_return_val_if_fail (purchases != NULL && split != NULL, FALSE);

  memset (split, 0, sizeof *split);
  if (purchases->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The project has no dated orders, so there is nothing to learn from."));
      return FALSE;
    }
  split->data_start = G_MAXINT64;
  split->data_end = G_MININT64;
  for (guint i = 0; i < purchases->len; i++)
    {
      const CstPurchaseDay *p = &g_array_index (purchases, CstPurchaseDay, i);

      split->data_start = MIN (split->data_start, p->time);
      split->data_end = MAX (split->data_end, p->time);
      if (i > 0 && g_array_index (purchases, CstPurchaseDay, i - 1).person_id == p->person_id)
        {
          double gap = (double) (p->time - g_array_index (purchases, CstPurchaseDay, i - 1).time) / SECONDS_PER_DAY;

          g_array_append_val (gaps, gap);
        }
    }
  g_array_sort (gaps, cst_compare_doubles);
  split->gap_p90_days = gaps->len > 0 ? g_array_index (gaps, double, (gsize) (0.9 * (gaps->len - 1))) : NAN;
  span_days = (double) (split->data_end - split->data_start) / SECONDS_PER_DAY + 1;

  if (horizon_days > 0)
    split->horizon_days = horizon_days;
  else if (target == CST_PROPENSITY_PURCHASE)
    split->horizon_days = 90;
  else
    /* Someone who has not bought for longer than 9 in 10 of all gaps between purchases has
     * probably left. */
    split->horizon_days = isnan (split->gap_p90_days) ? 90 : friendly_at_least (MAX (split->gap_p90_days, 30));

  /* The history before the cutoff should be at least as long as the window after it. */
  if (horizon_days == 0 && split->horizon_days > span_days / 2)
    split->horizon_days = friendly_at_most (span_days / 2);
  if (split->horizon_days == 0 || split->horizon_days > span_days / 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The orders span only %.0f days: a prediction %u days ahead needs at least "
                     "twice that much history."), span_days, MAX (split->horizon_days, 7));
      return FALSE;
    }
  split->cutoff = split->data_end + SECONDS_PER_DAY - (gint64) split->horizon_days * SECONDS_PER_DAY;
  return TRUE;
}

void
cst_time_split_label (const CstTimeSplit  *split,
                      CstPropensityTarget  target,
                      const GArray        *purchases,
                      const gint64        *person_ids,
                      gsize                n,
                      guint8              *labels)
{
  gint64 window_end = split->cutoff + (gint64) split->horizon_days * SECONDS_PER_DAY;
  guint j = 0;

  /* Both are sorted by person: one merge pass. */
  for (gsize i = 0; i < n; i++)
    {
      gboolean bought = FALSE;

      while (j < purchases->len && g_array_index (purchases, CstPurchaseDay, j).person_id < person_ids[i])
        j++;
      for (guint k = j; k < purchases->len; k++)
        {
          const CstPurchaseDay *p = &g_array_index (purchases, CstPurchaseDay, k);

          if (p->person_id != person_ids[i])
            break;
          if (p->time >= split->cutoff && p->time < window_end)
            bought = TRUE;
        }
      labels[i] = target == CST_PROPENSITY_PURCHASE ? bought : !bought;
    }
}

CstBand
cst_band_for (double probability,
              double low_threshold,
              double high_threshold)
{
  if (probability >= high_threshold)
    return CST_BAND_HIGH;
  if (probability >= low_threshold)
    return CST_BAND_MEDIUM;
  return CST_BAND_LOW;
}

void
cst_band_count (const double  *probability,
                gsize          n,
                double         low_threshold,
                double         high_threshold,
                CstBandCounts *counts)
{
  g_return_if_fail (counts != NULL && (probability != NULL || n == 0));

  memset (counts, 0, sizeof *counts);
  for (gsize i = 0; i < n; i++)
    {
      CstBand band = cst_band_for (probability[i], low_threshold, MAX (low_threshold, high_threshold));

      counts->n_people[band]++;
      counts->expected[band] += probability[i];
    }
}

void
cst_propensity_run_set_thresholds (CstPropensityRun *run,
                                   double            low_threshold,
                                   double            high_threshold)
{
  g_return_if_fail (run != NULL);

  run->low_threshold = low_threshold;
  run->high_threshold = MAX (low_threshold, high_threshold);
  for (gsize i = 0; i < run->n_people; i++)
    run->band[i] = cst_band_for (run->probability[i], run->low_threshold, run->high_threshold);
}

char *
cst_propensity_driver_text (const char *feature,
                            int         direction)
{
  g_return_val_if_fail (feature != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (driver_phrases); i++)
    {
      const char *phrase = direction >= 0 ? driver_phrases[i].higher : driver_phrases[i].lower;

      if (g_str_equal (driver_phrases[i].feature, CST_FEATURE_CHANNEL_PREFIX))
        {
          if (g_str_has_prefix (feature, CST_FEATURE_CHANNEL_PREFIX))
            {
              GString *text = g_string_new (_(phrase));

              g_string_replace (text, "%s", feature + strlen (CST_FEATURE_CHANNEL_PREFIX), 1);
              return g_string_free (text, FALSE);
            }
        }
      else if (g_str_equal (driver_phrases[i].feature, feature))
        return g_strdup (_(phrase));
    }
  {
    g_autofree char *label = cst_feature_dup_label (feature);

    /* The label as it is written (lower-casing it would break German nouns). */
    /* Translators: %s is a feature's name as the app shows it, such as "Orders" */
    return g_strdup_printf (direction >= 0 ? _("higher values of “%s”") : _("lower values of “%s”"), label);
  }
}

void
cst_propensity_driver_free (CstPropensityDriver *driver)
{
  if (driver == NULL)
    return;
  g_free (driver->feature);
  g_free (driver->text);
  g_free (driver);
}

void
cst_propensity_run_free (CstPropensityRun *run)
{
  if (run == NULL)
    return;
  g_clear_pointer (&run->roc, g_array_unref);
  g_clear_pointer (&run->gain, g_array_unref);
  g_clear_pointer (&run->calibration, g_array_unref);
  g_clear_pointer (&run->calibration_counts, g_array_unref);
  g_clear_pointer (&run->drivers, g_ptr_array_unref);
  g_strfreev (run->warnings);
  g_strfreev (run->feature_names);
  g_free (run->person_ids);
  g_free (run->probability);
  g_free (run->band);
  g_free (run);
}

static GArray *
copy_curve (const GArray *curve)
{
  GArray *copy = g_array_new (FALSE, FALSE, sizeof (CstCurvePoint));

  if (curve != NULL && curve->len > 0)
    g_array_append_vals (copy, curve->data, curve->len);
  return copy;
}

static char *
format_day (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("?");
}

CstPropensityRun *
cst_propensity_run (CstStore                   *store,
                    gint64                      identity_run,
                    const CstPropensityOptions *options,
                    GCancellable               *cancellable,
                    CstProgressFunc             progress,
                    gpointer                    progress_data,
                    GError                    **error)
{
  g_autoptr(CstPropensityRun) run = g_new0 (CstPropensityRun, 1);
  g_autoptr(GArray) purchases = NULL;
  g_autoptr(CstFeatureTable) train = NULL;
  g_autoptr(CstFeatureTable) now = NULL;
  g_autoptr(CstClassifier) model = NULL;
  g_autoptr(GArray) drivers = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree guint8 *labels = NULL;
  g_autofree double *x_now = NULL;
  g_autofree char *cutoff_text = NULL;
  CstPropensityOptions defaults;
  CstProgressStage stage;
  const CstEvaluation *evaluation;
  gsize n_positive = 0;

  g_return_val_if_fail (store != NULL, NULL);

  if (options == NULL)
    {
      cst_propensity_options_init (&defaults);
      options = &defaults;
    }
  run->identity_run = identity_run;
  run->target = options->target;

  cst_progress_report (progress, progress_data, 0.0, _("Reading orders"));
  purchases = cst_predict_collect_purchases (store, identity_run, cancellable, error);
  if (purchases == NULL)
    return NULL;
  if (!cst_time_split_suggest (purchases, options->target, options->horizon_days, &run->split, error))
    return NULL;
  if (options->cutoff != G_MININT64)
    {
      run->split.cutoff = day_start (options->cutoff);
      if (run->split.cutoff <= run->split.data_start || run->split.cutoff > run->split.data_end)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The cutoff day must fall after the first and on or before the last order day."));
          return NULL;
        }
    }
  cutoff_text = format_day (run->split.cutoff);

  /* Features strictly before the cutoff: the future is never read. */
  stage = (CstProgressStage) { progress, progress_data, 0.1, 0.2 };
  train = cst_features_compute_until (store, identity_run, run->split.cutoff, cancellable,
                                      cst_progress_stage_report, &stage, error);
  if (train == NULL)
    return NULL;
  if (train->rows < 20 || train->cols == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Only %zu people had ordered before %s: too few to learn from."), train->rows, cutoff_text);
      return NULL;
    }
  labels = g_new (guint8, train->rows);
  cst_time_split_label (&run->split, options->target, purchases, train->person_ids, train->rows, labels);
  for (gsize i = 0; i < train->rows; i++)
    n_positive += labels[i];

  stage = (CstProgressStage) { progress, progress_data, 0.3, 0.5 };
  cst_progress_report (progress, progress_data, 0.3, _("Training the model"));
  model = cst_classifier_fit (train->values, labels, train->rows, train->cols,
                              (const char * const *) train->names, &options->classifier,
                              cancellable, cst_progress_stage_report, &stage, error);
  if (model == NULL)
    return NULL;

  /* Everyone as of the end of the data, in the training's columns. */
  stage = (CstProgressStage) { progress, progress_data, 0.8, 0.15 };
  now = cst_features_compute (store, identity_run, cancellable, cst_progress_stage_report, &stage, error);
  if (now == NULL)
    return NULL;
  x_now = g_new (double, MAX (now->rows * train->cols, 1));
  for (guint f = 0; f < train->cols; f++)
    {
      int col = cst_feature_table_find (now, train->names[f]);

      for (gsize i = 0; i < now->rows; i++)
        x_now[i * train->cols + f] = col >= 0 ? now->values[i * now->cols + col] : NAN;
    }
  run->n_people = now->rows;
  run->person_ids = g_memdup2 (now->person_ids, sizeof (gint64) * MAX (now->rows, 1));
  run->probability = g_new (double, MAX (now->rows, 1));
  run->band = g_new (guint8, MAX (now->rows, 1));
  cst_classifier_predict (model, x_now, now->rows, run->probability);
  for (gsize i = 0; i < run->n_people; i++)
    run->probability[i] = CLAMP (run->probability[i], 0.0, 1.0);
  cst_propensity_run_set_thresholds (run, options->low_threshold, options->high_threshold);

  run->kind = cst_classifier_get_kind (model);
  evaluation = cst_classifier_get_evaluation (model);
  run->auc = evaluation->auc;
  run->auc_logistic = evaluation->auc_logistic;
  run->auc_trees = evaluation->auc_trees;
  run->lift_top10 = evaluation->lift_top10;
  run->base_rate = evaluation->base_rate;
  run->n_train = evaluation->n_train;
  run->n_test = evaluation->n_test;
  run->roc = copy_curve (evaluation->roc);
  run->gain = copy_curve (evaluation->gain);
  run->calibration = copy_curve (evaluation->calibration);
  run->calibration_counts = g_array_new (FALSE, FALSE, sizeof (guint64));
  if (evaluation->calibration_counts != NULL && evaluation->calibration_counts->len > 0)
    g_array_append_vals (run->calibration_counts, evaluation->calibration_counts->data,
                         evaluation->calibration_counts->len);
  run->feature_names = g_strdupv (train->names);

  run->drivers = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_propensity_driver_free);
  drivers = cst_classifier_dup_drivers (model, 6);
  for (guint d = 0; drivers != NULL && d < drivers->len; d++)
    {
      const CstDriver *driver = &g_array_index (drivers, CstDriver, d);
      CstPropensityDriver *out = g_new0 (CstPropensityDriver, 1);

      g_assert (driver->feature < train->cols);
      out->feature = g_strdup (train->names[driver->feature]);
      out->text = cst_propensity_driver_text (out->feature, driver->direction);
      out->importance = driver->importance;
      out->direction = driver->direction >= 0 ? 1 : -1;
      g_ptr_array_add (run->drivers, out);
    }

  if (train->rows < FEW_PEOPLE)
    g_ptr_array_add (warnings, g_strdup_printf (_("Only %zu people had ordered before %s; the scores are a rough guide."),
                                                train->rows, cutoff_text));
  if (MIN (n_positive, train->rows - n_positive) < FEW_POSITIVES)
    g_ptr_array_add (warnings, g_strdup_printf (_("Only %zu of %zu people fall on the rarer side of the outcome; the scores are a rough guide."),
                                                MIN (n_positive, train->rows - n_positive), train->rows));
  for (guint s = 0; evaluation->suspicious != NULL && s < evaluation->suspicious->len; s++)
    {
      guint f = g_array_index (evaluation->suspicious, guint, s);
      g_autofree char *label = cst_feature_dup_label (train->names[f]);

      g_ptr_array_add (warnings, g_strdup_printf (_("“%s” alone predicts the outcome almost perfectly: check that it does not contain the answer."),
                                                  label));
    }
  if (run->split.cutoff + (gint64) run->split.horizon_days * SECONDS_PER_DAY > run->split.data_end + SECONDS_PER_DAY)
    g_ptr_array_add (warnings, g_strdup_printf (_("The %u days after %s run past the end of the data, so some people count as not buying only because the data stops."),
                                                run->split.horizon_days, cutoff_text));
  if (run->auc < 0.6)
    g_ptr_array_add (warnings, g_strdup_printf (_("The model barely beats chance (AUC %.2f): treat the scores with care."),
                                                run->auc));
  g_ptr_array_add (warnings, NULL);
  run->warnings = (char **) g_ptr_array_steal (warnings, NULL);
  run->seconds = g_timer_elapsed (timer, NULL);
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return g_steal_pointer (&run);
}
