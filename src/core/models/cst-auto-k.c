/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-auto-k"

#include "config.h"

#include "cst-auto-k.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "numeric/cst-cluster-quality.h"
#include "numeric/cst-metrics.h"

/* Stability (mean adjusted Rand index over the resamples) from which a k counts as stable.
 * 0.8 is the usual threshold for "reproducible" partitions (Lange et al. 2004; von Luxburg
 * 2010 discusses why no value is universal); below it a segment often changes shape when the
 * data change a little, which a marketer cannot act on. */
#define STABLE_ARI 0.8

/* Silhouettes from which the separation is described as clear, or reasonable (Kaufman &
 * Rousseeuw 1990 call 0.51–0.70 "a reasonable structure", 0.26–0.50 "weak"; customer data
 * rarely reaches 0.7, so the words are one step kinder to the data and say nothing stronger
 * than "clearly"). */
/* How much separation the recommendation gives up for fewer segments: a k whose silhouette is
 * within this fraction of the best eligible one counts as "almost as good". Silhouettes of
 * customer data creep up slowly with k as big groups are cut into similar halves (on the sample
 * data 0.297 at its four planted groups, 0.325 at eight); fewer segments are easier to act on,
 * so the smallest almost-as-good k wins — the parsimony of the one-standard-error rule. */
#define SILHOUETTE_TOLERANCE 0.10

#define CLEAR_SILHOUETTE      0.5
#define REASONABLE_SILHOUETTE 0.25

/* The fraction of the progress bar that a candidate's stages take. */
#define PROGRESS_FIT        0.55
#define PROGRESS_SILHOUETTE 0.15

/* The resampled fits of one k, shared by the threads that run them. */
typedef struct
{
  const double          *xs;         /* m × cols: the sample */
  gsize                  m;
  gsize                  cols;
  const guint           *labels;     /* m: the sample's labels in the fit on all rows */
  guint                  k;
  const CstAutoKOptions *options;
  double                *ari;        /* n_bootstrap */
  double                *agreement;  /* n_bootstrap */
  GCancellable          *cancellable;
  gint                   next;       /* next resample to take, atomic */
  GMutex                 mutex;
  GError                *error;      /* the first failure, under mutex */
} Bootstrap;

/* MurmurHash3's finaliser over (seed, a, b): a different, well-mixed seed for every k and every
 * resample, the same on every machine. */
static guint32
derive_seed (guint32 seed,
             guint32 a,
             guint32 b)
{
  guint32 h = seed ^ (a * 0x9e3779b9u) ^ (b * 0x85ebca6bu);

  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;

  return h;
}

static void
gather_rows (const double *x,
             gsize         cols,
             const gsize  *rows,
             gsize         n,
             double       *out)
{
  for (gsize s = 0; s < n; s++)
    memcpy (out + s * cols, x + rows[s] * cols, cols * sizeof (double));
}

/* The share of items on which two labelings of k clusters agree once their clusters are
 * matched one to one, greedily by largest overlap: exact when one partition is a small
 * perturbation of the other (the overlaps then dominate the diagonal), a lower bound of the
 * optimal matching otherwise. */
static double
matched_agreement (const guint *a,
                   const guint *b,
                   gsize        n,
                   guint        k)
{
  g_autofree gsize *table = g_new0 (gsize, (gsize) k * k);
  g_autofree gboolean *used_a = g_new0 (gboolean, k);
  g_autofree gboolean *used_b = g_new0 (gboolean, k);
  gsize matched = 0;

  for (gsize i = 0; i < n; i++)
    table[(gsize) a[i] * k + b[i]]++;

  for (guint round = 0; round < k; round++)
    {
      gsize best = 0;
      guint best_a = G_MAXUINT, best_b = G_MAXUINT;

      for (guint p = 0; p < k; p++)
        for (guint q = 0; q < k; q++)
          if (!used_a[p] && !used_b[q] && (best_a == G_MAXUINT || table[(gsize) p * k + q] > best))
            {
              best = table[(gsize) p * k + q];
              best_a = p;
              best_b = q;
            }

      used_a[best_a] = used_b[best_b] = TRUE;
      matched += best;
    }

  return n > 0 ? (double) matched / (double) n : 1.0;
}

/* One resample: k-means on m rows drawn with replacement from the sample, the sample assigned to
 * the nearest of its centres, and that labeling compared with the fit on all rows. */
static void
bootstrap_one (Bootstrap *self,
               guint      b)
{
  const CstAutoKOptions *options = self->options;
  g_autoptr(GRand) rand = g_rand_new_with_seed (derive_seed (options->seed, self->k, b + 1));
  g_autofree gsize *picked = g_new (gsize, self->m);
  g_autofree double *resample = g_new (double, self->m * self->cols);
  g_autofree guint *predicted = g_new (guint, self->m);
  g_autoptr(CstKmeansResult) fit = NULL;
  g_autoptr(GError) error = NULL;
  CstKmeansOptions km;

  for (gsize s = 0; s < self->m; s++)
    picked[s] = MIN ((gsize) (g_rand_double (rand) * (double) self->m), self->m - 1);
  gather_rows (self->xs, self->cols, picked, self->m, resample);

  cst_kmeans_options_init (&km);
  km.k = self->k;
  km.n_init = options->n_init;
  km.seed = derive_seed (options->seed, self->k, G_MAXUINT32 - b);

  fit = cst_kmeans_fit (resample, self->m, self->cols, &km, self->cancellable, NULL, NULL, &error);
  if (fit == NULL)
    {
      g_mutex_lock (&self->mutex);
      if (self->error == NULL)
        self->error = g_steal_pointer (&error);
      g_mutex_unlock (&self->mutex);
      return;
    }

  cst_kmeans_predict (self->xs, self->m, self->cols, fit->centroids, self->k, predicted, NULL);
  self->ari[b] = cst_adjusted_rand_index (self->labels, predicted, self->m);
  self->agreement[b] = matched_agreement (self->labels, predicted, self->m, self->k);
}

static void
bootstrap_work (Bootstrap *self)
{
  for (;;)
    {
      gint b = g_atomic_int_add (&self->next, 1);
      gboolean failed;

      if (b >= (gint) self->options->n_bootstrap)
        break;

      g_mutex_lock (&self->mutex);
      failed = self->error != NULL;
      g_mutex_unlock (&self->mutex);
      if (failed)
        break;

      bootstrap_one (self, b);
    }
}

static void
bootstrap_helper_cb (gpointer task,
                     gpointer user_data)
{
  bootstrap_work (user_data);
}

/* Runs the resamples of one k, one thread per processor: each fit is small (one chunk of
 * cst_kmeans_fit, so single-threaded), and they are independent. Each writes its own slots and
 * the means are taken in resample order, so the result does not depend on the threads. */
static gboolean
run_bootstrap (Bootstrap  *self,
               double     *stability,
               double     *agreement,
               GError    **error)
{
  guint n = self->options->n_bootstrap;
  guint n_threads = MIN (g_get_num_processors (), n);
  GThreadPool *pool = NULL;
  double sum_ari = 0.0, sum_agreement = 0.0;

  if (n == 0)
    {
      *stability = NAN;
      *agreement = NAN;
      return TRUE;
    }

  g_mutex_init (&self->mutex);

  if (n_threads > 1)
    pool = g_thread_pool_new (bootstrap_helper_cb, self, n_threads - 1, FALSE, NULL);

  if (pool != NULL)
    {
      for (guint h = 1; h < n_threads; h++)
        g_thread_pool_push (pool, GUINT_TO_POINTER (h), NULL);
    }

  bootstrap_work (self);

  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);

  g_mutex_clear (&self->mutex);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      return FALSE;
    }

  for (guint b = 0; b < n; b++)
    {
      sum_ari += self->ari[b];
      sum_agreement += self->agreement[b];
    }
  *stability = sum_ari / n;
  *agreement = sum_agreement / n;

  return TRUE;
}

static const CstKChoice *
find_choice (const CstKChoice *choices,
             guint             n_choices,
             guint             k)
{
  for (guint c = 0; c < n_choices; c++)
    if (choices[c].k == k)
      return &choices[c];
  return NULL;
}

static gboolean
is_stable (const CstKChoice *choice)
{
  return choice->stability >= STABLE_ARI;
}

/* Whether any choice had its stability measured (n_bootstrap > 0). */
static gboolean
stability_known (const CstKChoice *choices,
                 guint             n_choices)
{
  for (guint c = 0; c < n_choices; c++)
    if (!isnan (choices[c].stability))
      return TRUE;
  return FALSE;
}

static int
percent (double share)
{
  return (int) floor (100.0 * share + 0.5);
}

/* The first sentence: the number of segments, how well they are separated, how stable. One
 * whole template per case, so that translators never assemble adjectives. */
static char *
describe_choice (const CstKChoice *choice,
                 gboolean          with_stability)
{
  guint k = choice->k;
  double s = choice->silhouette;
  /* The share of customers who keep their segment: the matched agreement, which is what the
   * sentence says; it is close to the stability on stable choices. */
  int kept = percent (isnan (choice->agreement) ? choice->stability : choice->agreement);

  if (!with_stability || isnan (choice->stability))
    {
      if (s >= CLEAR_SILHOUETTE)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u segment: clearly separated.",
                                             "%u segments: clearly separated.", k), k);
      if (s >= REASONABLE_SILHOUETTE)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u segment: reasonably separated.",
                                             "%u segments: reasonably separated.", k), k);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u segment: overlapping, with no sharp borders.",
                                           "%u segments: overlapping, with no sharp borders.",
                                           k), k);
    }

  if (is_stable (choice))
    {
      if (s >= CLEAR_SILHOUETTE)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u segment: clearly separated and stable (%d %% of "
                                             "customers stay in the same segment when the data "
                                             "is resampled).",
                                             "%u segments: clearly separated and stable (%d %% of "
                                             "customers stay in the same segment when the data "
                                             "is resampled).", k), k, kept);
      if (s >= REASONABLE_SILHOUETTE)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u segment: reasonably separated and stable (%d %% "
                                             "of customers stay in the same segment when the "
                                             "data is resampled).",
                                             "%u segments: reasonably separated and stable (%d %% "
                                             "of customers stay in the same segment when the "
                                             "data is resampled).", k), k, kept);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u segment: overlapping, but stable (%d %% of "
                                           "customers stay in the same segment when the data is "
                                           "resampled).",
                                           "%u segments: overlapping, but stable (%d %% of "
                                           "customers stay in the same segment when the data is "
                                           "resampled).", k), k, kept);
    }

  if (s >= CLEAR_SILHOUETTE)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u segment: clearly separated, but only %d %% of "
                                         "customers stay in the same segment when the data is "
                                         "resampled.",
                                         "%u segments: clearly separated, but only %d %% of "
                                         "customers stay in the same segment when the data is "
                                         "resampled.", k), k, kept);
  if (s >= REASONABLE_SILHOUETTE)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u segment: reasonably separated, but only %d %% of "
                                         "customers stay in the same segment when the data is "
                                         "resampled.",
                                         "%u segments: reasonably separated, but only %d %% of "
                                         "customers stay in the same segment when the data is "
                                         "resampled.", k), k, kept);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u segment: overlapping, and only %d %% of customers stay "
                                       "in the same segment when the data is resampled.",
                                       "%u segments: overlapping, and only %d %% of customers "
                                       "stay in the same segment when the data is resampled.",
                                       k), k, kept);
}

/* Why the neighbour k ± 1 lost against the recommended choice, following the order of the rule
 * of cst_auto_k_recommend(): too small a segment, then not stable enough, then less separated. */
static char *
describe_neighbour (const CstKChoice *chosen,
                    const CstKChoice *other,
                    gboolean          stability_required,
                    double            min_share)
{
  guint k = other->k;

  if (chosen->actionable && !other->actionable)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u would leave a segment smaller than %g %%",
                                         "%u would leave a segment smaller than %g %%", k),
                            k, 100.0 * min_share);

  if (stability_required && !is_stable (other))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u would be less stable",
                                         "%u would be less stable", k), k);

  if (other->silhouette < chosen->silhouette)
    {
      if (k < chosen->k)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u would merge two different groups",
                                             "%u would merge two different groups", k), k);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u would split a group into similar parts",
                                           "%u would split a group into similar parts", k), k);
    }

  /* A bigger k that separates only a little better lost on purpose: fewer segments win when
   * they are almost as good (see cst_auto_k_recommend()). */
  if (k > chosen->k && other->silhouette > chosen->silhouette &&
      other->silhouette - chosen->silhouette <= SILHOUETTE_TOLERANCE * fabs (other->silhouette))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u would separate only slightly better, with more segments to act on",
                                         "%u would separate only slightly better, with more segments to act on",
                                         k), k);

  /* Only when describing a k other than the recommended one can a neighbour separate better. */
  if (other->silhouette > chosen->silhouette)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u would separate the groups better",
                                         "%u would separate the groups better", k), k);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u would be no better separated",
                                       "%u would be no better separated", k), k);
}

static gboolean
validate (const double           *x,
          gsize                   rows,
          gsize                   cols,
          const CstAutoKOptions  *options,
          guint                  *k_max,
          GError                **error)
{
  if (options->k_min < 2 || options->k_max < options->k_min)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The range of segment counts to try must start at 2 or more and not be "
                     "empty (%u to %u)"), options->k_min, options->k_max);
      return FALSE;
    }

  if (!(options->min_share >= 0.0 && options->min_share < 1.0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The smallest actionable segment must be a share between 0 and 1, not %g"),
                   options->min_share);
      return FALSE;
    }

  if (cols == 0 || options->n_init < 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Choosing the number of segments needs at least one column and one "
                             "k-means initialization"));
      return FALSE;
    }

  /* The silhouette needs at least one row more than segments, in the sample and overall. */
  *k_max = options->k_max;
  if (rows > 0)
    *k_max = MIN (*k_max, rows - 1);
  if (options->sample_size > 0)
    *k_max = MIN (*k_max, options->sample_size - 1);

  if (rows == 0 || *k_max < options->k_min)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Too few rows (%zu) or too small a sample (%zu) to compare %u or more "
                     "segments"), rows, options->sample_size, options->k_min);
      return FALSE;
    }

  /* Checked here, although k-means checks too: its first fit may run on the sample, whose row
   * numbers would not be the caller's. */
  for (gsize e = 0; e < rows * cols; e++)
    {
      if (G_UNLIKELY (!isfinite (x[e])))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Row %zu, column %zu is not a finite number (%g); choosing the number "
                         "of segments needs complete numeric data"),
                       e / cols + 1, e % cols + 1, x[e]);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * cst_auto_k_options_init:
 * @options: (out caller-allocates): options to fill
 *
 * Fills @options with the defaults: k from 2 to 12, smallest actionable segment 3 %, 5
 * resamples, a sample of 10,000 rows, 4 k-means initializations, seed 42, mini-batch candidate
 * fits above 50,000 rows, double precision.
 */
void
cst_auto_k_options_init (CstAutoKOptions *options)
{
  g_return_if_fail (options != NULL);

  options->k_min = 2;
  options->k_max = 12;
  options->min_share = 0.03;
  options->n_bootstrap = 5;
  options->sample_size = 10000;
  options->n_init = 4;
  options->seed = 42;
  /* Measured with 16 columns on two cores: with Lloyd's iterations on all rows, the whole
   * choice took 2.2 s on 50,000 rows, 3.3 s on 100,000 and 5.0 s on 200,000; with mini-batch
   * candidates 1.7 s at any of these sizes (2.5 s on 1,000,000), at the same inertia within
   * 0.1 % after the final refinement. */
  options->minibatch_above = 50000;
  options->use_float32 = FALSE;
}

/**
 * cst_auto_k_recommend:
 * @choices: (array length=n_choices): the evaluated candidates
 * @n_choices: number of candidates, ≥ 1
 *
 * Applies the rule that picks the recommended number of segments:
 *
 * 1. Only actionable candidates compete (smallest segment ≥ the minimum share). When none is
 *    actionable, all compete.
 * 2. Among those, only stable ones compete (stability, the mean adjusted Rand index over the
 *    resamples, ≥ 0.8), when at least one is stable. A stability of NaN (not measured) counts as
 *    not stable, so with no measurement at all this step changes nothing.
 * 3. Among those, the best silhouette s* is found; the smallest k whose silhouette is at least
 *    (1 − SILHOUETTE_TOLERANCE) × s* wins. A NaN silhouette never qualifies unless every
 *    silhouette is NaN, when the smallest k wins.
 *
 * So stability and size veto, separation decides, and fewer segments win when they separate
 * almost as well.
 *
 * Returns: the recommended k
 */
guint
cst_auto_k_recommend (const CstKChoice *choices,
                      guint             n_choices)
{
  gboolean any_actionable = FALSE;
  gboolean any_stable = FALSE;
  double best = -G_MAXDOUBLE;
  const CstKChoice *chosen = NULL;

  g_return_val_if_fail (choices != NULL && n_choices >= 1, 0);

  for (guint c = 0; c < n_choices; c++)
    any_actionable = any_actionable || choices[c].actionable;

  for (guint c = 0; c < n_choices; c++)
    if (choices[c].actionable || !any_actionable)
      any_stable = any_stable || is_stable (&choices[c]);

#define ELIGIBLE(choice) ((!any_actionable || (choice)->actionable) && (!any_stable || is_stable (choice)))

  for (guint c = 0; c < n_choices; c++)
    if (ELIGIBLE (&choices[c]) && !isnan (choices[c].silhouette))
      best = MAX (best, choices[c].silhouette);

  for (guint c = 0; c < n_choices; c++)
    {
      const CstKChoice *choice = &choices[c];
      gboolean good_enough;

      if (!ELIGIBLE (choice))
        continue;
      if (best == -G_MAXDOUBLE)
        good_enough = TRUE;
      else
        good_enough = !isnan (choice->silhouette) &&
                      choice->silhouette >= best - SILHOUETTE_TOLERANCE * fabs (best);
      if (good_enough && (chosen == NULL || choice->k < chosen->k))
        chosen = choice;
    }

#undef ELIGIBLE

  g_assert (chosen != NULL);

  return chosen->k;
}

/**
 * cst_auto_k_describe:
 * @choices: (array length=n_choices): the evaluated candidates
 * @n_choices: number of candidates
 * @recommended: the recommended k, one of the candidates
 * @min_share: the smallest actionable share used to mark them
 *
 * A translated, plain-language reason for @recommended, for a marketer: how many segments, how
 * clearly separated (silhouette ≥ 0.5 "clearly", ≥ 0.25 "reasonably", else "overlapping"), how
 * stable (the share of customers who stay in their segment when the data are resampled), and
 * why k + 1 and k − 1 lost (a segment too small, less stable, or less separated: merging two
 * different groups or splitting one into similar parts). For example "5 segments: clearly
 * separated and stable (93 % of customers stay in the same segment when the data is
 * resampled). 6 would be less stable; 4 would merge two different groups."
 *
 * Returns: (transfer full): the reason
 */
char *
cst_auto_k_describe (const CstKChoice *choices,
                     guint             n_choices,
                     guint             recommended,
                     double            min_share)
{
  const CstKChoice *chosen;
  g_autoptr(GString) text = NULL;
  g_autofree char *head = NULL;
  gboolean any_actionable = FALSE;
  gboolean any_stable = FALSE;
  gboolean with_stability;
  guint n_clauses = 0;

  g_return_val_if_fail (choices != NULL && n_choices >= 1, NULL);

  chosen = find_choice (choices, n_choices, recommended);
  g_return_val_if_fail (chosen != NULL, NULL);

  for (guint c = 0; c < n_choices; c++)
    any_actionable = any_actionable || choices[c].actionable;
  for (guint c = 0; c < n_choices; c++)
    if (choices[c].actionable || !any_actionable)
      any_stable = any_stable || is_stable (&choices[c]);

  with_stability = stability_known (choices, n_choices);
  head = describe_choice (chosen, with_stability);
  text = g_string_new (head);

  /* k + 1 first: "would split" reads best before "would merge". */
  for (guint side = 0; side < 2; side++)
    {
      guint k = side == 0 ? recommended + 1 : recommended - 1;
      const CstKChoice *other = find_choice (choices, n_choices, k);
      g_autofree char *clause = NULL;

      if (other == NULL)
        continue;

      clause = describe_neighbour (chosen, other, any_stable, min_share);
      if (n_clauses == 0)
        g_string_append_c (text, ' ');
      else
        /* Translators: separates the reasons why other numbers of segments lost. */
        g_string_append (text, C_("auto-k reason", "; "));
      g_string_append (text, clause);
      n_clauses++;
    }

  if (n_clauses > 0)
    /* Translators: ends the list of reasons why other numbers of segments lost. */
    g_string_append (text, C_("auto-k reason", "."));

  if (!any_actionable)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              _("Every number of segments from %u to %u leaves a segment smaller "
                                "than %g %%."),
                              choices[0].k, choices[n_choices - 1].k, 100.0 * min_share);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * cst_auto_k_choose:
 * @x: rows × cols values, row-major, all finite (standardized features)
 * @rows: number of rows (people)
 * @cols: number of columns, ≥ 1
 * @options: (nullable): the options, or %NULL for the defaults of cst_auto_k_options_init()
 * @cancellable: (nullable): checked inside every fit and every silhouette
 * @progress: (nullable): called from the calling thread with the fraction done
 * @progress_data: data for @progress
 * @error: return location for a #GError
 *
 * Evaluates every k from k_min to k_max (k_max lowered to rows − 1 and sample_size − 1 when
 * needed) and recommends one with cst_auto_k_recommend(), explained by cst_auto_k_describe().
 * For each k:
 *
 * - k-means on all rows (cst_kmeans_fit(): n_init initializations, seed derived from (seed, k);
 *   above minibatch_above rows, k-means on the sample followed by mini-batch k-means on all
 *   rows from its centres), which gives the inertia and the smallest segment's share; the
 *   Calinski–Harabasz and Davies–Bouldin indices on all rows;
 * - the exact silhouette on a random sample of sample_size rows (cst_silhouette_sample_rows()
 *   with @seed; the same rows for every k);
 * - the stability: n_bootstrap times, k-means on a bootstrap resample (drawn with replacement)
 *   of the sample rows, every sample row assigned to the nearest resampled centre, and the
 *   adjusted Rand index against the labels of the fit on all rows; the mean over resamples.
 *   The matched agreement (share of the sample that keeps its segment) is kept with it.
 *
 * The fit of the recommended k is returned with the table, so its segments come from all rows.
 * When the candidates were fitted by mini-batch, that one fit is refined by Lloyd's iterations
 * from its centres, so the final segments are a converged k-means (their inertia can be lower
 * than the candidate's in the table). The same input and options give the same result on any
 * number of threads.
 *
 * Cost: for each k, one k-means on all rows, n_bootstrap k-means on sample_size rows, and one
 * silhouette on sample_size rows (O(sample_size² × cols)). On 1,000,000 × 16 rows with the
 * defaults, about 2.5 s on two cores. Memory: the fits of all candidates are kept until the end
 * (rows × 4 bytes of labels each), plus sample_size × cols doubles.
 *
 * Errors: %G_IO_ERROR_INVALID_ARGUMENT for bad options, too few rows or non-finite values;
 * %G_IO_ERROR_CANCELLED when cancelled.
 *
 * Returns: (transfer full) (nullable): the table and the recommendation, or %NULL with @error
 */
CstAutoKResult *
cst_auto_k_choose (const double           *x,
                   gsize                   rows,
                   gsize                   cols,
                   const CstAutoKOptions  *options,
                   GCancellable           *cancellable,
                   CstProgressFunc         progress,
                   gpointer                progress_data,
                   GError                **error)
{
  CstAutoKOptions defaults;
  g_autofree gsize *sample = NULL;
  g_autofree double *xs = NULL;
  g_autofree guint *sample_labels = NULL;
  g_autofree double *ari = NULL;
  g_autofree double *agreement = NULL;
  g_autofree CstKChoice *choices = NULL;
  CstKmeansResult **fits = NULL;
  CstAutoKResult *result = NULL;
  gboolean minibatch;
  guint k_max, n_choices;
  guint recommended;
  gsize m;
  gboolean ok = FALSE;

  g_return_val_if_fail (x != NULL || rows == 0, NULL);
  g_return_val_if_fail (rows == 0 || cols <= G_MAXSIZE / sizeof (double) / rows, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      cst_auto_k_options_init (&defaults);
      options = &defaults;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!validate (x, rows, cols, options, &k_max, error))
    return NULL;

  n_choices = k_max - options->k_min + 1;
  minibatch = rows > options->minibatch_above;

  sample = cst_silhouette_sample_rows (rows, options->sample_size, options->seed, &m);
  xs = g_new (double, m * cols);
  gather_rows (x, cols, sample, m, xs);
  sample_labels = g_new (guint, m);
  ari = g_new0 (double, MAX (options->n_bootstrap, 1));
  agreement = g_new0 (double, MAX (options->n_bootstrap, 1));
  choices = g_new0 (CstKChoice, n_choices);
  fits = g_new0 (CstKmeansResult *, n_choices);

  for (guint c = 0; c < n_choices; c++)
    {
      CstKChoice *choice = &choices[c];
      guint k = options->k_min + c;
      CstProgressStage stage = { progress, progress_data, (double) c / n_choices,
                                 PROGRESS_FIT / n_choices };
      Bootstrap boot = { 0 };
      g_autoptr(CstKmeansResult) sample_fit = NULL;
      CstKmeansOptions km;
      g_autoptr(GError) local_error = NULL;
      gsize smallest = G_MAXSIZE;
      gint64 started = g_get_monotonic_time ();
      gint64 fitted, indexed, scored;
      gboolean bootstrapped;

      cst_kmeans_options_init (&km);
      km.k = k;
      km.n_init = options->n_init;
      km.seed = derive_seed (options->seed, k, 0);

      /* On a large table, k-means on the sample picks the local minimum (n_init
       * initializations, Lloyd's iterations to convergence: cheap on 10,000 rows), and
       * mini-batch k-means from its centres adapts them to all rows. Mini-batch's own
       * initializations, compared after a few steps, ended 1–2 % above Lloyd's inertia for a
       * third of the k on the benchmark, in another local minimum than the resampled fits
       * find, which then read as instability; from the sample's centres the candidates are
       * within 0.1 % of Lloyd on all rows, at a tenth of its cost. */
      if (minibatch)
        {
          sample_fit = cst_kmeans_fit (xs, m, cols, &km, cancellable, NULL, NULL, error);
          if (sample_fit == NULL)
            goto out;
          km.algorithm = CST_KMEANS_MINIBATCH;
          km.init_centroids = sample_fit->centroids;
        }
      km.use_float32 = options->use_float32;

      fits[c] = cst_kmeans_fit (x, rows, cols, &km, cancellable, cst_progress_stage_report, &stage,
                                error);
      if (fits[c] == NULL)
        goto out;
      fitted = g_get_monotonic_time ();

      choice->k = k;
      choice->inertia = fits[c]->inertia;
      for (guint s = 0; s < k; s++)
        smallest = MIN (smallest, fits[c]->sizes[s]);
      choice->smallest_share = (double) smallest / (double) rows;
      choice->actionable = choice->smallest_share >= options->min_share;
      cst_cluster_indices (x, rows, cols, fits[c]->labels, k, &choice->calinski_harabasz,
                           &choice->davies_bouldin);
      indexed = g_get_monotonic_time ();

      cst_progress_report (progress, progress_data, stage.start + stage.span,
                           _("Measuring how well the segments are separated"));

      for (gsize s = 0; s < m; s++)
        sample_labels[s] = fits[c]->labels[sample[s]];

      /* A sample that misses all but one segment (possible only for tiny segments) has no
       * silhouette; that k then simply cannot win on separation. */
      choice->silhouette = cst_silhouette_score (xs, m, cols, sample_labels, k, 0, 0, cancellable,
                                                 &local_error);
      if (local_error != NULL)
        {
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              goto out;
            }
          g_debug ("k = %u: no silhouette: %s", k, local_error->message);
        }
      scored = g_get_monotonic_time ();

      cst_progress_report (progress, progress_data,
                           stage.start + (PROGRESS_FIT + PROGRESS_SILHOUETTE) / n_choices,
                           _("Checking that the segments are stable"));

      boot.xs = xs;
      boot.m = m;
      boot.cols = cols;
      boot.labels = sample_labels;
      boot.k = k;
      boot.options = options;
      boot.ari = ari;
      boot.agreement = agreement;
      boot.cancellable = cancellable;

      cst_kmeans_blas_single_threaded_begin ();
      bootstrapped = run_bootstrap (&boot, &choice->stability, &choice->agreement, error);
      cst_kmeans_blas_single_threaded_end ();
      if (!bootstrapped)
        goto out;

      g_debug ("k = %u: fit %.3f s, indices %.3f s, silhouette %.3f s, stability %.3f s; "
               "silhouette %.4f, stability %.4f, smallest %.4f", k,
               (fitted - started) / (double) G_USEC_PER_SEC,
               (indexed - fitted) / (double) G_USEC_PER_SEC,
               (scored - indexed) / (double) G_USEC_PER_SEC,
               (g_get_monotonic_time () - scored) / (double) G_USEC_PER_SEC,
               choice->silhouette, choice->stability, choice->smallest_share);
    }

  recommended = cst_auto_k_recommend (choices, n_choices);

  result = g_new0 (CstAutoKResult, 1);
  result->n_choices = n_choices;
  result->recommended = recommended;
  result->reason = cst_auto_k_describe (choices, n_choices, recommended, options->min_share);
  result->fit = g_steal_pointer (&fits[recommended - options->k_min]);

  if (minibatch)
    {
      CstKmeansOptions km;
      CstKmeansResult *refined;

      cst_progress_report (progress, progress_data, 0.99, _("Refining segments"));

      cst_kmeans_options_init (&km);
      km.k = recommended;
      km.use_float32 = options->use_float32;
      km.init_centroids = result->fit->centroids;

      refined = cst_kmeans_fit (x, rows, cols, &km, cancellable, NULL, NULL, error);
      if (refined == NULL)
        goto out;
      cst_kmeans_result_free (result->fit);
      result->fit = refined;
    }

  result->choices = g_steal_pointer (&choices);
  ok = TRUE;

  cst_progress_report (progress, progress_data, 1.0, NULL);

out:
  for (guint c = 0; c < n_choices; c++)
    cst_kmeans_result_free (fits[c]);
  g_free (fits);

  if (!ok)
    g_clear_pointer (&result, cst_auto_k_result_free);

  return result;
}

/**
 * cst_auto_k_result_free:
 * @result: (nullable) (transfer full): a result of cst_auto_k_choose()
 *
 * Frees @result, its table, its reason and its fit.
 */
void
cst_auto_k_result_free (CstAutoKResult *result)
{
  if (result == NULL)
    return;

  g_free (result->choices);
  g_free (result->reason);
  cst_kmeans_result_free (result->fit);
  g_free (result);
}
