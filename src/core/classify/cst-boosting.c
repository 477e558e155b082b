/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-boosting"

#include "config.h"

#include "cst-classify-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

/* Histogram gradient boosting for binary log-loss, in the manner of LightGBM and scikit-learn's
 * HistGradientBoostingClassifier: every feature is cut once into at most 255 quantile bins
 * (missing values get bin 255 of their own), so a split search costs O(bins) per feature after
 * one O(rows) pass that sums gradients into histograms. Trees grow best-first up to 31 leaves;
 * a child's histograms come from scanning the smaller child and subtracting it from the
 * parent's. Histograms and split searches run per feature on all processors; the reduction is
 * in feature order, so the model does not depend on the thread count. */

#define MAX_BINS    255
#define MISSING_BIN 255
#define N_SLOTS     256

typedef struct
{
  double g;
  double h;
  guint  count;
} Bin;

typedef struct
{
  int      feature;       /* −1 for a leaf */
  guint8   bin;           /* rows with a bin ≤ this go left */
  gboolean missing_left;
  double   threshold;     /* the same rule on raw values: x ≤ threshold goes left */
  guint    left;
  guint    right;
  double   value;         /* a leaf's contribution to the log-odds */
} Node;

struct _CstBoosting
{
  gsize    p;
  double   baseline;
  guint   *n_bins;        /* p */
  double **edges;         /* p arrays of n_bins − 1 upper bin edges */
  GPtrArray *trees;       /* GArray of Node, root first */
  double  *importance;    /* p */
};

typedef struct
{
  double   gain;
  int      feature;
  guint8   bin;
  gboolean missing_left;
  double   g_left;
  double   h_left;
  guint    n_left;
} Split;

/* A leaf that is still growing: its rows are rows[start, end) of the tree's row order. */
typedef struct
{
  guint  node;
  gsize  start;
  gsize  end;
  guint  depth;
  double g;
  double h;
  Bin   *hist;       /* p × N_SLOTS, or NULL once the leaf cannot split */
  Split  split;
} Leaf;

/* What the per-feature workers need for one step. */
typedef struct
{
  const CstBoostingOptions *options;
  gsize         p;
  gsize         n;
  const guint8 *binned;    /* column-major: feature j of row i at j · n + i */
  const guint  *n_bins;
  const guint  *rows;
  const double *g;
  const double *h;
  Leaf         *small;     /* its histograms are built from its rows */
  Leaf         *large;     /* NULL, or the sibling: parent's histograms minus small's */
  Split        *best_small;  /* p */
  Split        *best_large;  /* p */
  gint          next;      /* next feature to take */
  GPtrArray    *spare;     /* histogram buffers to reuse: fresh pages cost more than the sums */
  double       *ordered;   /* (g, h) of the small leaf's rows in their order, read sequentially */
  /* Features where most training rows share one bin (one-hot columns): the other rows are
   * listed, so a leaf larger than the list sums only those and gets the common bin by
   * subtraction from the leaf's totals. sparse_rows[j] is NULL for a dense feature. */
  guint       **sparse_rows;
  guint8      **sparse_bins;
  gsize        *sparse_len;
  guint8       *common_bin;
  guint        *leaf_of;   /* training row → the node of the leaf holding it */
} Step;

typedef struct
{
  GThreadPool  *pool;
  guint         n_helpers;
  GMutex        mutex;
  GCond         cond;
  guint         busy;
  Step         *step;
} Team;

void
cst_boosting_options_init (CstBoostingOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (CstBoostingOptions) {
    .learning_rate = 0.1,
    .max_iter = 300,
    .max_leaf_nodes = 31,
    .min_samples_leaf = 20,
    .l2 = 0.0,
    .patience = 10,
  };
}

/* One thread per processor; CST_CLASSIFY_THREADS overrides the count, for tests (the model must
 * not depend on it) and benchmarks. */
static guint
count_threads (void)
{
  const char *env = g_getenv ("CST_CLASSIFY_THREADS");
  guint64 n = g_get_num_processors ();

  if (env != NULL && !g_ascii_string_to_unsigned (env, 10, 1, 1024, &n, NULL))
    n = g_get_num_processors ();
  return (guint) n;
}

/* The distinct values of values[0, m) in increasing order into distinct (room for max), by
 * insertion into a sorted array: O(m log max) for the usual few-valued column (one-hot, codes,
 * counts), against a full sort. Returns max + 1 as soon as there are more. */
static gsize
collect_distinct (const double *values,
                  gsize         m,
                  double       *distinct,
                  gsize         max)
{
  gsize n_distinct = 0;

  for (gsize i = 0; i < m; i++)
    {
      double v = values[i];
      gsize lo = cst_classify_lower_bound (distinct, n_distinct, v);

      if (lo < n_distinct && distinct[lo] == v)
        continue;
      if (n_distinct == max)
        return max + 1;
      memmove (distinct + lo + 1, distinct + lo, sizeof (double) * (n_distinct - lo));
      distinct[lo] = v;
      n_distinct++;
    }
  return n_distinct;
}

/* Upper edges of the bins of one feature from its training values (reordered): midpoints
 * between distinct values when there are at most 255 of them, otherwise midpoints at 254
 * evenly spaced quantiles (duplicates merged). Returns the number of bins. */
static guint
find_edges (double  *values,
            gsize    m,
            double **edges_out)
{
  double distinct[MAX_BINS];
  double *edges = g_new (double, MAX_BINS);
  gsize n_distinct;
  guint n_edges = 0;

  n_distinct = collect_distinct (values, m, distinct, MAX_BINS);
  if (n_distinct <= MAX_BINS)
    {
      for (gsize k = 0; k + 1 < n_distinct; k++)
        edges[n_edges++] = 0.5 * (distinct[k] + distinct[k + 1]);
    }
  else
    {
      qsort (values, m, sizeof (double), cst_compare_doubles);
      for (guint k = 1; k < MAX_BINS; k++)
        {
          double position = (double) k / MAX_BINS * (m - 1);
          gsize below = (gsize) floor (position);
          gsize above = MIN (below + 1, m - 1);
          double q = values[below] + (position - below) * (values[above] - values[below]);

          /* The edge must separate values that really differ: a quantile inside a run of equal
           * values would make an empty bin. */
          if (n_edges > 0 && q <= edges[n_edges - 1])
            continue;
          if (q >= values[m - 1])
            break;
          edges[n_edges++] = q;
        }
    }

  *edges_out = edges;
  return n_edges + 1;
}

/* The bin of a value: the first edge at or above it (binary search), MISSING_BIN for NAN. */
static inline guint8
bin_of (const double *edges,
        guint         n_edges,
        double        v)
{
  if (isnan (v))
    return MISSING_BIN;
  return (guint8) cst_classify_lower_bound (edges, n_edges, v);
}

static void
consider (Split                    *best,
          const CstBoostingOptions *options,
          int                       feature,
          guint8                    bin,
          gboolean                  missing_left,
          double                    g_left,
          double                    h_left,
          guint                     n_left,
          const Leaf               *leaf,
          guint                     n_leaf,
          double                    parent_score)
{
  double g_right = leaf->g - g_left;
  double h_right = leaf->h - h_left;
  guint n_right = n_leaf - n_left;
  double gain;

  if (n_left < options->min_samples_leaf || n_right < options->min_samples_leaf)
    return;
  if (h_left < 1e-3 || h_right < 1e-3)
    return;
  gain = g_left * g_left / (h_left + options->l2) + g_right * g_right / (h_right + options->l2)
         - parent_score;
  if (gain > best->gain)
    *best = (Split) { gain, feature, bin, missing_left, g_left, h_left, n_left };
}

/* The best split of one leaf on one feature, missing values tried on either side. */
static void
best_split_on (const Step *step,
               const Leaf *leaf,
               const Bin  *hist,
               int         feature,
               Split      *best)
{
  const CstBoostingOptions *options = step->options;
  guint nb = step->n_bins[feature];
  guint n_leaf = leaf->end - leaf->start;
  double parent_score = leaf->g * leaf->g / (leaf->h + options->l2);
  const Bin *missing = &hist[MISSING_BIN];
  double g_left = 0.0;
  double h_left = 0.0;
  guint n_left = 0;

  *best = (Split) { 1e-12, -1, 0, FALSE, 0.0, 0.0, 0 };
  if (n_leaf < 2 * options->min_samples_leaf)
    return;

  /* Missing values to the right; the last candidate sends only them right. */
  for (guint b = 0; b < nb; b++)
    {
      g_left += hist[b].g;
      h_left += hist[b].h;
      n_left += hist[b].count;
      if (b + 1 == nb && missing->count == 0)
        break;
      consider (best, options, feature, b, FALSE, g_left, h_left, n_left, leaf, n_leaf,
                parent_score);
    }

  if (missing->count == 0)
    return;

  /* Missing values to the left. */
  g_left = missing->g;
  h_left = missing->h;
  n_left = missing->count;
  for (guint b = 0; b + 1 < nb; b++)
    {
      g_left += hist[b].g;
      h_left += hist[b].h;
      n_left += hist[b].count;
      consider (best, options, feature, b, TRUE, g_left, h_left, n_left, leaf, n_leaf,
                parent_score);
    }
}

static Bin *
take_histograms (Step *step)
{
  if (step->spare->len > 0)
    return g_ptr_array_steal_index_fast (step->spare, step->spare->len - 1);
  return g_new (Bin, step->p * N_SLOTS);
}

static void
give_histograms (Step *step,
                 Bin  *hist)
{
  if (hist != NULL)
    g_ptr_array_add (step->spare, hist);
}

static void
build_histogram (const Step *step,
                 const Leaf *leaf,
                 int         feature,
                 Bin        *hist)
{
  const guint8 *column = step->binned + (gsize) feature * step->n;
  const guint *rows = step->rows + leaf->start;
  const double *ordered = step->ordered;
  gsize m = leaf->end - leaf->start;

  /* Only the bins the feature uses, and the missing one, are ever read. */
  memset (hist, 0, sizeof (Bin) * step->n_bins[feature]);
  memset (&hist[MISSING_BIN], 0, sizeof (Bin));

  if (step->sparse_rows[feature] != NULL && step->sparse_len[feature] < m)
    {
      const guint *listed = step->sparse_rows[feature];
      const guint8 *bins = step->sparse_bins[feature];
      gsize len = step->sparse_len[feature];
      Bin *common = &hist[step->common_bin[feature]];
      double g = 0.0;
      double h = 0.0;
      guint count = 0;

      for (gsize k = 0; k < len; k++)
        {
          guint r = listed[k];

          if (step->leaf_of[r] == leaf->node)
            {
              Bin *b = &hist[bins[k]];

              b->g += step->g[r];
              b->h += step->h[r];
              b->count++;
              g += step->g[r];
              h += step->h[r];
              count++;
            }
        }
      common->g = leaf->g - g;
      common->h = leaf->h - h;
      common->count = m - count;
      return;
    }

  if (m < 256)
    {
      for (gsize k = 0; k < m; k++)
        {
          Bin *b = &hist[column[rows[k]]];

          b->g += ordered[2 * k];
          b->h += ordered[2 * k + 1];
          b->count++;
        }
    }
  else
    {
      /* Consecutive rows often fall into the same bin (a one-hot column has two), and adding
       * into one bin is a chain of dependent memory updates. Four interleaved copies of the
       * histogram break the chain; they are added up at the end, in a fixed order. */
      Bin copies[3][N_SLOTS];
      guint nb = step->n_bins[feature];
      gsize k = 0;

      for (guint c = 0; c < 3; c++)
        {
          memset (copies[c], 0, sizeof (Bin) * nb);
          memset (&copies[c][MISSING_BIN], 0, sizeof (Bin));
        }
      for (; k + 4 <= m; k += 4)
        {
          Bin *b0 = &hist[column[rows[k]]];
          Bin *b1 = &copies[0][column[rows[k + 1]]];
          Bin *b2 = &copies[1][column[rows[k + 2]]];
          Bin *b3 = &copies[2][column[rows[k + 3]]];

          b0->g += ordered[2 * k];
          b0->h += ordered[2 * k + 1];
          b0->count++;
          b1->g += ordered[2 * k + 2];
          b1->h += ordered[2 * k + 3];
          b1->count++;
          b2->g += ordered[2 * k + 4];
          b2->h += ordered[2 * k + 5];
          b2->count++;
          b3->g += ordered[2 * k + 6];
          b3->h += ordered[2 * k + 7];
          b3->count++;
        }
      for (; k < m; k++)
        {
          Bin *b = &hist[column[rows[k]]];

          b->g += ordered[2 * k];
          b->h += ordered[2 * k + 1];
          b->count++;
        }
      for (guint c = 0; c < 3; c++)
        for (guint b = 0; b < N_SLOTS; b++)
          {
            if (b == nb)
              b = MISSING_BIN;
            hist[b].g += copies[c][b].g;
            hist[b].h += copies[c][b].h;
            hist[b].count += copies[c][b].count;
          }
    }
}

static void
work_on_feature (Step *step,
                 int   feature)
{
  Bin *small = step->small->hist + (gsize) feature * N_SLOTS;

  build_histogram (step, step->small, feature, small);
  best_split_on (step, step->small, small, feature, &step->best_small[feature]);

  if (step->large != NULL)
    {
      Bin *large = step->large->hist + (gsize) feature * N_SLOTS;

      for (guint b = 0; b < N_SLOTS; b++)
        {
          if (b == step->n_bins[feature])
            b = MISSING_BIN;
          large[b].g -= small[b].g;
          large[b].h -= small[b].h;
          large[b].count -= small[b].count;
        }
      best_split_on (step, step->large, large, feature, &step->best_large[feature]);
    }
}

static void
work (Step *step)
{
  for (;;)
    {
      int feature = g_atomic_int_add (&step->next, 1);

      if ((gsize) feature >= step->p)
        break;
      work_on_feature (step, feature);
    }
}

static void
helper_cb (gpointer data,
           gpointer user_data)
{
  Team *team = user_data;

  work (team->step);
  g_mutex_lock (&team->mutex);
  team->busy--;
  g_cond_signal (&team->cond);
  g_mutex_unlock (&team->mutex);
}

static void
run_step (Team *team,
          Step *step)
{
  step->next = 0;
  team->step = step;
  for (gsize k = step->small->start; k < step->small->end; k++)
    {
      guint r = step->rows[k];

      step->ordered[2 * (k - step->small->start)] = step->g[r];
      step->ordered[2 * (k - step->small->start) + 1] = step->h[r];
    }
  /* Helpers only pay off when there is enough work per feature to share. */
  if (team->pool != NULL && (step->small->end - step->small->start) * step->p >= 20000)
    {
      g_mutex_lock (&team->mutex);
      team->busy = team->n_helpers;
      g_mutex_unlock (&team->mutex);
      for (guint t = 0; t < team->n_helpers; t++)
        g_thread_pool_push (team->pool, GUINT_TO_POINTER (t + 1), NULL);
      work (step);
      g_mutex_lock (&team->mutex);
      while (team->busy > 0)
        g_cond_wait (&team->cond, &team->mutex);
      g_mutex_unlock (&team->mutex);
    }
  else
    work (step);
}

static Split
reduce (const Split *per_feature,
        gsize        p)
{
  Split best = { 1e-12, -1, 0, FALSE, 0.0, 0.0, 0 };

  for (gsize j = 0; j < p; j++)
    if (per_feature[j].feature >= 0 && per_feature[j].gain > best.gain)
      best = per_feature[j];
  return best;
}

static gboolean
goes_left (const Node *node,
           guint8      bin)
{
  if (bin == MISSING_BIN)
    return node->missing_left;
  return bin <= node->bin;
}

/* Grows one tree on the current gradients; adds its leaf values to raw (training rows) and
 * returns the nodes. */
static GArray *
grow_tree (Team   *team,
           Step   *step,
           guint  *rows,
           gsize   n_rows,
           guint  *scratch,
           double *raw,
           double *importance)
{
  const CstBoostingOptions *options = step->options;
  GArray *nodes = g_array_new (FALSE, TRUE, sizeof (Node));
  g_autoptr(GArray) leaves = g_array_new (FALSE, TRUE, sizeof (Leaf));
  Leaf root = { 0 };
  Node node = { .feature = -1 };
  gsize p = step->p;

  g_array_append_val (nodes, node);
  root.node = 0;
  root.start = 0;
  root.end = n_rows;
  for (gsize k = 0; k < n_rows; k++)
    {
      root.g += step->g[rows[k]];
      root.h += step->h[rows[k]];
      step->leaf_of[rows[k]] = 0;
    }
  root.hist = take_histograms (step);
  step->rows = rows;
  step->small = &root;
  step->large = NULL;
  run_step (team, step);
  root.split = reduce (step->best_small, p);
  g_array_append_val (leaves, root);

  for (guint n_leaves = 1; n_leaves < options->max_leaf_nodes; n_leaves++)
    {
      Leaf *parent = NULL;
      guint parent_index = 0;
      Leaf left = { 0 };
      Leaf right = { 0 };
      Node *split_node;
      gsize n_left = 0;
      gsize n_right = 0;
      const guint8 *column;
      Leaf *small;
      Leaf *large;

      for (guint l = 0; l < leaves->len; l++)
        {
          Leaf *leaf = &g_array_index (leaves, Leaf, l);

          if (leaf->hist != NULL && leaf->split.feature >= 0 &&
              (parent == NULL || leaf->split.gain > parent->split.gain))
            {
              parent = leaf;
              parent_index = l;
            }
        }
      if (parent == NULL)
        break;

      /* Stable partition of the parent's rows: left ones first, in order. */
      column = step->binned + (gsize) parent->split.feature * step->n;
      split_node = &g_array_index (nodes, Node, parent->node);
      split_node->feature = parent->split.feature;
      split_node->bin = parent->split.bin;
      split_node->missing_left = parent->split.missing_left;
      for (gsize k = parent->start; k < parent->end; k++)
        {
          guint r = rows[k];

          if (goes_left (split_node, column[r]))
            {
              rows[parent->start + n_left++] = r;
              step->leaf_of[r] = nodes->len;
            }
          else
            {
              scratch[n_right++] = r;
              step->leaf_of[r] = nodes->len + 1;
            }
        }
      memcpy (rows + parent->start + n_left, scratch, sizeof (guint) * n_right);
      g_assert (n_left == parent->split.n_left);
      importance[parent->split.feature] += parent->split.gain;

      left = (Leaf) { nodes->len, parent->start, parent->start + n_left, parent->depth + 1,
                      parent->split.g_left, parent->split.h_left, NULL, { 0 } };
      right = (Leaf) { nodes->len + 1, parent->start + n_left, parent->end, parent->depth + 1,
                       parent->g - parent->split.g_left, parent->h - parent->split.h_left, NULL,
                       { 0 } };
      split_node->left = left.node;
      split_node->right = right.node;
      node = (Node) { .feature = -1 };
      g_array_append_val (nodes, node);
      g_array_append_val (nodes, node);

      /* The smaller child gets fresh histograms; the larger inherits the parent's. */
      if (n_left <= n_right)
        {
          left.hist = take_histograms (step);
          right.hist = g_steal_pointer (&parent->hist);
          small = &left;
          large = &right;
        }
      else
        {
          right.hist = take_histograms (step);
          left.hist = g_steal_pointer (&parent->hist);
          small = &right;
          large = &left;
        }
      step->small = small;
      step->large = large;
      run_step (team, step);
      small->split = reduce (step->best_small, p);
      large->split = reduce (step->best_large, p);
      if (small->split.feature < 0)
        give_histograms (step, g_steal_pointer (&small->hist));
      if (large->split.feature < 0)
        give_histograms (step, g_steal_pointer (&large->hist));

      g_array_remove_index (leaves, parent_index);
      g_array_append_val (leaves, left);
      g_array_append_val (leaves, right);
    }

  for (guint l = 0; l < leaves->len; l++)
    {
      Leaf *leaf = &g_array_index (leaves, Leaf, l);
      double value = -options->learning_rate * leaf->g / (leaf->h + options->l2);

      g_array_index (nodes, Node, leaf->node).value = value;
      for (gsize k = leaf->start; k < leaf->end; k++)
        raw[rows[k]] += value;
      give_histograms (step, leaf->hist);
    }

  return nodes;
}

static double
tree_value_binned (GArray       *nodes,
                   const guint8 *binned,
                   gsize         n,
                   gsize         row)
{
  const Node *node = &g_array_index (nodes, Node, 0);

  while (node->feature >= 0)
    node = &g_array_index (nodes, Node,
                           goes_left (node, binned[(gsize) node->feature * n + row])
                             ? node->left : node->right);
  return node->value;
}

static double
tree_value (GArray       *nodes,
            const double *x)
{
  const Node *node = &g_array_index (nodes, Node, 0);

  while (node->feature >= 0)
    {
      double v = x[node->feature];
      gboolean left = isnan (v) ? node->missing_left : v <= node->threshold;

      node = &g_array_index (nodes, Node, left ? node->left : node->right);
    }
  return node->value;
}

static double
weighted_log_loss (const double *raw,
                   const guint8 *y,
                   const double *w,
                   const guint  *rows,
                   gsize         m)
{
  double loss = 0.0;

  for (gsize k = 0; k < m; k++)
    {
      guint r = rows[k];
      double z = raw[r];
      double l = z > 0.0 ? z + log1p (exp (-z)) : log1p (exp (z));

      loss += (w != NULL ? w[r] : 1.0) * (l - (y[r] ? z : 0.0));
    }
  return loss;
}

CstBoosting *
cst_boosting_fit (const double             *x,
                  const guint8             *y,
                  const double             *w,
                  const guint8             *valid,
                  gsize                     n,
                  gsize                     p,
                  const CstBoostingOptions *options,
                  GCancellable             *cancellable,
                  CstProgressFunc           progress,
                  gpointer                  progress_data,
                  GError                  **error)
{
  g_autoptr(CstBoosting) self = g_new0 (CstBoosting, 1);
  g_autofree guint8 *binned = g_new (guint8, MAX (n * p, 1));
  g_autofree guint *train_rows = g_new (guint, MAX (n, 1));
  g_autofree guint *valid_rows = g_new (guint, MAX (n, 1));
  g_autofree guint *rows = g_new (guint, MAX (n, 1));
  g_autofree guint *scratch = g_new (guint, MAX (n, 1));
  g_autofree double *raw = g_new (double, MAX (n, 1));
  g_autofree double *g = g_new (double, MAX (n, 1));
  g_autofree double *h = g_new (double, MAX (n, 1));
  g_autofree double *values = g_new (double, MAX (n, 1));
  g_autofree Split *best_small = g_new (Split, MAX (p, 1));
  g_autofree Split *best_large = g_new (Split, MAX (p, 1));
  gsize n_train = 0;
  gsize n_valid = 0;
  double pos = 0.0;
  double total = 0.0;
  double best_loss = INFINITY;
  guint best_round = 0;
  Team team = { 0 };
  Step step = { 0 };
  guint n_threads;
  gboolean ok = TRUE;

  g_return_val_if_fail (x != NULL && y != NULL && options != NULL, NULL);

  for (gsize i = 0; i < n; i++)
    {
      if (valid != NULL && valid[i])
        valid_rows[n_valid++] = i;
      else
        {
          double wi = w != NULL ? w[i] : 1.0;

          train_rows[n_train++] = i;
          pos += y[i] ? wi : 0.0;
          total += wi;
        }
    }
  if (n_train < 2 || pos <= 0.0 || pos >= total)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Gradient boosting needs training rows of both outcomes"));
      return NULL;
    }

  self->p = p;
  self->baseline = log (pos / (total - pos));
  self->n_bins = g_new (guint, MAX (p, 1));
  self->edges = g_new0 (double *, MAX (p, 1));
  self->importance = g_new0 (double, MAX (p, 1));
  self->trees = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  /* Bins from the training rows only, so validation rows are binned like new data. */
  for (gsize j = 0; j < p; j++)
    {
      gsize m = 0;

      for (gsize k = 0; k < n_train; k++)
        {
          double v = x[(gsize) train_rows[k] * p + j];

          if (!isnan (v))
            values[m++] = v;
        }
      self->n_bins[j] = find_edges (values, m, &self->edges[j]);
      for (gsize i = 0; i < n; i++)
        binned[j * n + i] = bin_of (self->edges[j], self->n_bins[j] - 1, x[i * p + j]);
    }

  n_threads = MIN (count_threads (), MAX (p, 1));
  g_mutex_init (&team.mutex);
  g_cond_init (&team.cond);
  if (n_threads > 1)
    {
      team.pool = g_thread_pool_new (helper_cb, &team, n_threads - 1, TRUE, NULL);
      team.n_helpers = team.pool != NULL ? n_threads - 1 : 0;
    }

  step.options = options;
  step.p = p;
  step.n = n;
  step.binned = binned;
  step.n_bins = self->n_bins;
  step.g = g;
  step.h = h;
  step.best_small = best_small;
  step.best_large = best_large;
  step.spare = g_ptr_array_new_with_free_func (g_free);
  step.ordered = g_new (double, 2 * MAX (n, 1));
  step.leaf_of = g_new0 (guint, MAX (n, 1));
  step.sparse_rows = g_new0 (guint *, MAX (p, 1));
  step.sparse_bins = g_new0 (guint8 *, MAX (p, 1));
  step.sparse_len = g_new0 (gsize, MAX (p, 1));
  step.common_bin = g_new0 (guint8, MAX (p, 1));
  for (gsize j = 0; j < p; j++)
    {
      const guint8 *column = binned + j * n;
      gsize counts[N_SLOTS] = { 0 };
      guint common = 0;
      gsize len = 0;

      for (gsize k = 0; k < n_train; k++)
        counts[column[train_rows[k]]]++;
      for (guint b = 1; b < N_SLOTS; b++)
        if (counts[b] > counts[common])
          common = b;
      /* Worth it when at most a quarter of the rows are listed. */
      if (4 * (n_train - counts[common]) > n_train)
        continue;
      step.common_bin[j] = common;
      step.sparse_rows[j] = g_new (guint, MAX (n_train - counts[common], 1));
      step.sparse_bins[j] = g_new (guint8, MAX (n_train - counts[common], 1));
      for (gsize k = 0; k < n_train; k++)
        if (column[train_rows[k]] != common)
          {
            step.sparse_rows[j][len] = train_rows[k];
            step.sparse_bins[j][len++] = column[train_rows[k]];
          }
      step.sparse_len[j] = len;
    }

  for (gsize i = 0; i < n; i++)
    raw[i] = self->baseline;

  for (guint round = 0; round < options->max_iter; round++)
    {
      GArray *nodes;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      for (gsize k = 0; k < n_train; k++)
        {
          guint r = train_rows[k];
          double s = cst_classify_sigmoid (raw[r]);
          double wi = w != NULL ? w[r] : 1.0;

          g[r] = wi * (s - (y[r] ? 1.0 : 0.0));
          h[r] = MAX (wi * s * (1.0 - s), 1e-16);
        }
      memcpy (rows, train_rows, sizeof (guint) * n_train);
      nodes = grow_tree (&team, &step, rows, n_train, scratch, raw, self->importance);
      g_ptr_array_add (self->trees, nodes);

      for (guint k = 0; k < nodes->len; k++)
        {
          Node *node = &g_array_index (nodes, Node, k);

          if (node->feature >= 0)
            node->threshold = node->bin < self->n_bins[node->feature] - 1
                                ? self->edges[node->feature][node->bin] : INFINITY;
        }

      cst_progress_report (progress, progress_data, (round + 1.0) / options->max_iter,
                           _("Growing trees"));

      if (n_valid == 0)
        continue;

      for (gsize k = 0; k < n_valid; k++)
        raw[valid_rows[k]] += tree_value_binned (nodes, binned, n, valid_rows[k]);

      {
        double loss = weighted_log_loss (raw, y, w, valid_rows, n_valid);

        if (round == 0 || loss < best_loss - 1e-7 * fabs (best_loss))
          {
            best_loss = loss;
            best_round = round;
          }
        else if (round - best_round >= options->patience)
          break;
      }
    }

  if (team.pool != NULL)
    g_thread_pool_free (team.pool, FALSE, TRUE);
  g_ptr_array_unref (step.spare);
  g_free (step.ordered);
  g_free (step.leaf_of);
  for (gsize j = 0; j < p; j++)
    {
      g_free (step.sparse_rows[j]);
      g_free (step.sparse_bins[j]);
    }
  g_free (step.sparse_rows);
  g_free (step.sparse_bins);
  g_free (step.sparse_len);
  g_free (step.common_bin);
  g_mutex_clear (&team.mutex);
  g_cond_clear (&team.cond);

  if (!ok)
    return NULL;

  /* Keep the rounds up to the best validation loss. The importances still count the dropped
   * rounds' splits; they are few (patience) and only rank features. */
  if (n_valid > 0 && self->trees->len > best_round + 1)
    g_ptr_array_set_size (self->trees, best_round + 1);

  return g_steal_pointer (&self);
}

void
cst_boosting_decision (CstBoosting  *self,
                       const double *x,
                       gsize         n,
                       double       *out)
{
  g_return_if_fail (self != NULL);

  for (gsize i = 0; i < n; i++)
    {
      double z = self->baseline;

      for (guint t = 0; t < self->trees->len; t++)
        z += tree_value (g_ptr_array_index (self->trees, t), x + i * self->p);
      out[i] = z;
    }
}

guint
cst_boosting_get_n_trees (CstBoosting *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->trees->len;
}

const double *
cst_boosting_get_importance (CstBoosting *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->importance;
}

void
cst_boosting_free (CstBoosting *self)
{
  if (self == NULL)
    return;

  for (gsize j = 0; self->edges != NULL && j < self->p; j++)
    g_free (self->edges[j]);
  g_free (self->edges);
  g_free (self->n_bins);
  g_free (self->importance);
  g_clear_pointer (&self->trees, g_ptr_array_unref);
  g_free (self);
}
