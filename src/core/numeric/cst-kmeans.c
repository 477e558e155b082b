/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-kmeans"

#include "config.h"

#include "cst-kmeans.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cst-matrix.h"

/* Rows per distance block: the BLAS kernel fills a BLOCK_ROWS × k buffer, so the memory for
 * distances stays bounded (4096 × k doubles per thread) whatever the number of rows. */
#define BLOCK_ROWS 4096

/* Rows per chunk, the unit of work handed to a thread. Every chunk keeps its own partial sums,
 * which are added up in chunk order afterwards: the result is the same bit for bit whatever the
 * number of threads and whichever thread ran which chunk. */
#define CHUNK_ROWS (8 * BLOCK_ROWS)

/* Upper bound on the local trials of k-means++ (2 + ⌊ln k⌋ reaches it only for k > e^14). */
#define MAX_TRIALS 16

/* A fixed set of threads that run one pass over the chunks at a time; the calling thread works
 * too, and is the only one that reports progress or checks for cancellation. */
typedef void (*ChunkFunc) (gpointer data,
                           guint    chunk);

typedef struct
{
  GThreadPool *pool;       /* helpers, or NULL when working alone */
  guint        n_helpers;
  GMutex       mutex;
  GCond        done;
  guint        pending;    /* helpers still in the current pass */
  ChunkFunc    func;
  gpointer     data;
  guint        n_chunks;
  gint         next;       /* next chunk to take, atomic */
} Team;

/* The shared description of the problem and what every initialization reuses. */
typedef struct
{
  const double *x;           /* rows × cols */
  gsize         rows;
  gsize         cols;
  guint         k;
  guint         n_chunks;
  Team         *team;
  double       *x_norms;     /* rows: ‖x_i‖² */
  double       *c_norms;     /* k: ‖c_j‖² */
  double       *cumulative;  /* rows: running sum of the D² weights while seeding */
  double       *candidates;  /* MAX_TRIALS × cols: the k-means++ candidates */
  double       *cand_norms;  /* MAX_TRIALS */
  guint         n_cand;
  gsize         centre_row;  /* the row just chosen as a centre while seeding */
  gboolean      first;       /* the first centre: closest[] is not initialised yet */
  /* Per-chunk partial results, combined in chunk order. */
  double       *chunk_sums;  /* n_chunks × k × cols */
  gsize        *chunk_sizes; /* n_chunks × k */
  double       *chunk_value; /* n_chunks × MAX_TRIALS: inertia, or one D² total per candidate */
  gsize        *chunk_changed; /* n_chunks */
} Workspace;

/* The state of one initialization. */
typedef struct
{
  double *centroids;  /* k × cols */
  guint  *labels;     /* rows */
  double *min_dist;   /* rows: squared distance to the assigned (while seeding: nearest) centre */
  gsize  *sizes;      /* k */
  double  inertia;    /* exact, computed directly after the run */
  guint   iterations;
} Run;

/* What a pass over the chunks works on. */
typedef struct
{
  Workspace *ws;
  Run       *run;
} Pass;

static void
team_work (Team *team)
{
  for (;;)
    {
      gint chunk = g_atomic_int_add (&team->next, 1);

      if (chunk >= (gint) team->n_chunks)
        break;
      team->func (team->data, chunk);
    }
}

static void
team_helper_cb (gpointer task,
                gpointer user_data)
{
  Team *team = user_data;

  team_work (team);

  g_mutex_lock (&team->mutex);
  if (--team->pending == 0)
    g_cond_signal (&team->done);
  g_mutex_unlock (&team->mutex);
}

/* OpenBLAS threads every call above a small size. Called from several of our threads at once,
 * it serialises them on its one worker pool and wakes its threads for every block, which made a
 * fit on 1,000,000 × 16 rows three times slower than running each call in its calling thread.
 * So while a team of ours works, OpenBLAS is single-threaded. The setting is process-wide:
 * overlapping fits share it through a count and the last one restores the previous value;
 * other BLAS users in the meantime are merely not threaded. */
static GMutex blas_mutex;
static guint blas_single_users;
static int blas_saved_threads;

static void
blas_single_threaded_begin (void)
{
  g_mutex_lock (&blas_mutex);
  if (blas_single_users++ == 0)
    {
      blas_saved_threads = openblas_get_num_threads ();
      if (blas_saved_threads > 1)
        openblas_set_num_threads (1);
    }
  g_mutex_unlock (&blas_mutex);
}

static void
blas_single_threaded_end (void)
{
  g_mutex_lock (&blas_mutex);
  g_assert (blas_single_users > 0);
  if (--blas_single_users == 0 && blas_saved_threads > 1)
    openblas_set_num_threads (blas_saved_threads);
  g_mutex_unlock (&blas_mutex);
}

/* One thread per processor, at most one per chunk. CST_KMEANS_THREADS overrides the count, for
 * tests (results must not depend on it) and benchmarks. */
static guint
count_threads (guint n_chunks)
{
  const char *env = g_getenv ("CST_KMEANS_THREADS");
  guint64 n = g_get_num_processors ();

  if (env != NULL && !g_ascii_string_to_unsigned (env, 10, 1, 1024, &n, NULL))
    n = g_get_num_processors ();

  return MAX (1, MIN ((guint) n, n_chunks));
}

static Team *
team_new (guint n_chunks)
{
  Team *team = g_new0 (Team, 1);
  guint n_threads = count_threads (n_chunks);

  g_mutex_init (&team->mutex);
  g_cond_init (&team->done);

  if (n_threads > 1)
    {
      /* Exclusive threads: started once, reused by every pass of the fit. */
      team->pool = g_thread_pool_new (team_helper_cb, team, n_threads - 1, TRUE, NULL);
      if (team->pool != NULL)
        {
          team->n_helpers = n_threads - 1;
          blas_single_threaded_begin ();
        }
    }

  return team;
}

static void
team_free (Team *team)
{
  if (team == NULL)
    return;

  if (team->pool != NULL)
    {
      g_thread_pool_free (team->pool, FALSE, TRUE);
      blas_single_threaded_end ();
    }
  g_mutex_clear (&team->mutex);
  g_cond_clear (&team->done);
  g_free (team);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Team, team_free)

/* Calls @func once for every chunk, spread over the team, and returns when all are done. */
static void
team_run (Team      *team,
          guint      n_chunks,
          ChunkFunc  func,
          gpointer   data)
{
  guint helpers = MIN (team->n_helpers, n_chunks - 1);

  team->func = func;
  team->data = data;
  team->n_chunks = n_chunks;
  g_atomic_int_set (&team->next, 0);
  team->pending = helpers;

  /* The queue's lock publishes the fields above to the helpers. */
  for (guint h = 0; h < helpers; h++)
    g_thread_pool_push (team->pool, GUINT_TO_POINTER (h + 1), NULL);

  team_work (team);

  g_mutex_lock (&team->mutex);
  while (team->pending > 0)
    g_cond_wait (&team->done, &team->mutex);
  g_mutex_unlock (&team->mutex);
}

static Run *
run_new (const Workspace *ws)
{
  Run *run = g_new0 (Run, 1);

  run->centroids = g_new0 (double, (gsize) ws->k * ws->cols);
  run->labels = g_new (guint, ws->rows);
  run->min_dist = g_new (double, ws->rows);
  run->sizes = g_new0 (gsize, ws->k);

  return run;
}

static void
run_free (Run *run)
{
  if (run == NULL)
    return;

  g_free (run->centroids);
  g_free (run->labels);
  g_free (run->min_dist);
  g_free (run->sizes);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static inline double
sq_dist (const double *a,
         const double *b,
         gsize         cols)
{
  double s = 0.0;

  for (gsize j = 0; j < cols; j++)
    {
      double d = a[j] - b[j];

      s += d * d;
    }

  return s;
}

/* A uniform index in [0, n): g_rand_int_range() is limited to gint32, which a million-row table
 * does not reach but a bigger one could. */
static gsize
random_index (GRand *rand,
              gsize  n)
{
  gsize i = (gsize) (g_rand_double (rand) * (double) n);

  return MIN (i, n - 1);
}

/* First index whose cumulative weight is strictly above @r. Because @r < total, such an index
 * exists, and it always carries a positive weight, so a point already chosen as a centre (weight
 * 0) is never drawn again while another point is available. */
static gsize
search_cumulative (const double *cumulative,
                   gsize         n,
                   double        r)
{
  gsize lo = 0;
  gsize hi = n - 1;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (cumulative[mid] > r)
        hi = mid;
      else
        lo = mid + 1;
    }

  return lo;
}

static inline void
chunk_range (const Workspace *ws,
             guint            chunk,
             gsize           *start,
             gsize           *end)
{
  *start = (gsize) chunk * CHUNK_ROWS;
  *end = MIN (*start + CHUNK_ROWS, ws->rows);
}

static gboolean
validate (const double            *x,
          gsize                    rows,
          gsize                    cols,
          const CstKmeansOptions  *options,
          GError                 **error)
{
  if (cols == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("k-means needs at least one column"));
      return FALSE;
    }

  if (cols > G_MAXINT || options->k > G_MAXINT)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Too many columns or clusters for k-means"));
      return FALSE;
    }

  if (options->k < 1 || options->k > rows)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The number of segments must be between 1 and the number of rows (%zu), not %u"),
                   rows, options->k);
      return FALSE;
    }

  if (options->max_iter < 1 || options->n_init < 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("k-means needs at least one iteration and one initialization"));
      return FALSE;
    }

  if (!(options->tol >= 0.0) || !isfinite (options->tol))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The k-means tolerance must be a finite number ≥ 0, not %g"), options->tol);
      return FALSE;
    }

  for (gsize i = 0; i < rows; i++)
    {
      const double *row = x + i * cols;

      for (gsize j = 0; j < cols; j++)
        {
          if (G_UNLIKELY (!isfinite (row[j])))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Row %zu, column %zu is not a finite number (%g); k-means needs complete numeric data"),
                           i + 1, j + 1, row[j]);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* Squared distances from rows [start, start + n) to the m points in @centers (m × cols, squared
 * norms in @centre_norms) through ‖x‖² − 2·x·c + ‖c‖², the middle term from BLAS. The identity
 * loses digits when x and c are close and large, so negative results (pure rounding) are
 * clamped to 0. */
static void
block_distances (const Workspace *ws,
                 gsize            start,
                 gsize            n,
                 const double    *centers,
                 const double    *centre_norms,
                 guint            m,
                 double          *out)
{
  /* dgemm packs its operands first, which a single centre does not repay. */
  if (m == 1)
    cblas_dgemv (CblasRowMajor, CblasNoTrans,
                 (int) n, (int) ws->cols,
                 -2.0, ws->x + start * ws->cols, (int) ws->cols,
                 centers, 1,
                 0.0, out, 1);
  else
    cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                 (int) n, (int) m, (int) ws->cols,
                 -2.0, ws->x + start * ws->cols, (int) ws->cols,
                 centers, (int) ws->cols,
                 0.0, out, (int) m);

  for (gsize b = 0; b < n; b++)
    {
      double x_norm = ws->x_norms[start + b];

      for (guint t = 0; t < m; t++)
        {
          double d = out[b * m + t] + x_norm + centre_norms[t];

          out[b * m + t] = d > 0.0 ? d : 0.0;
        }
    }
}

static void
norms_chunk (gpointer data,
             guint    chunk)
{
  Workspace *ws = data;
  gsize start, end;

  chunk_range (ws, chunk, &start, &end);
  cst_matrix_row_sq_norms (ws->x + start * ws->cols, end - start, ws->cols, ws->x_norms + start);
}

/* closest[i] = min (closest[i], D²(x_i, centre)) for the chosen centre ws->centre_row. */
static void
closest_chunk (gpointer data,
               guint    chunk)
{
  Pass *pass = data;
  Workspace *ws = pass->ws;
  double *closest = pass->run->min_dist;
  const double *centre = ws->x + ws->centre_row * ws->cols;
  const double centre_norm = ws->x_norms[ws->centre_row];
  g_autofree double *dist = g_new (double, BLOCK_ROWS);
  gsize chunk_start, chunk_end;

  chunk_range (ws, chunk, &chunk_start, &chunk_end);

  for (gsize start = chunk_start; start < chunk_end; start += BLOCK_ROWS)
    {
      gsize n = MIN ((gsize) BLOCK_ROWS, chunk_end - start);

      block_distances (ws, start, n, centre, &centre_norm, 1, dist);

      for (gsize b = 0; b < n; b++)
        {
          gsize i = start + b;
          double d = i == ws->centre_row ? 0.0 : dist[b];

          if (ws->first || d < closest[i])
            closest[i] = d;
        }
    }
}

/* Σ_i min (closest[i], D²(x_i, candidate t)) for every candidate, per chunk. */
static void
trials_chunk (gpointer data,
              guint    chunk)
{
  Pass *pass = data;
  Workspace *ws = pass->ws;
  const double *closest = pass->run->min_dist;
  const guint m = ws->n_cand;
  double *pots = ws->chunk_value + (gsize) chunk * MAX_TRIALS;
  g_autofree double *dist = g_new (double, (gsize) BLOCK_ROWS * m);
  gsize chunk_start, chunk_end;

  chunk_range (ws, chunk, &chunk_start, &chunk_end);

  for (guint t = 0; t < m; t++)
    pots[t] = 0.0;

  for (gsize start = chunk_start; start < chunk_end; start += BLOCK_ROWS)
    {
      gsize n = MIN ((gsize) BLOCK_ROWS, chunk_end - start);

      block_distances (ws, start, n, ws->candidates, ws->cand_norms, m, dist);

      for (gsize b = 0; b < n; b++)
        {
          double current = closest[start + b];

          for (guint t = 0; t < m; t++)
            pots[t] += MIN (dist[b * m + t], current);
        }
    }
}

/* Makes ws->centre_row a centre: updates the D² of every row and their running sum, the
 * weights of the next draw. Returns the total weight. */
static double
add_centre (Workspace *ws,
            Run       *run,
            gsize      centre_row,
            gboolean   first)
{
  Pass pass = { ws, run };
  double total = 0.0;

  ws->centre_row = centre_row;
  ws->first = first;
  team_run (ws->team, ws->n_chunks, closest_chunk, &pass);

  /* A sequential pass over rows doubles, cheap next to the distances; it keeps the weights
   * exactly the same whatever the number of threads. */
  for (gsize i = 0; i < ws->rows; i++)
    {
      total += run->min_dist[i];
      ws->cumulative[i] = total;
    }

  return total;
}

/* Greedy k-means++ (Arthur & Vassilvitskii 2007, with the local trials of scikit-learn's
 * _kmeans_plusplus): each new centre is the best of 2 + ⌊ln k⌋ candidates drawn with probability
 * proportional to D², "best" meaning the one that lowers the total D² most. A chosen row gets a
 * D² of exactly 0, so it is never drawn twice while other rows are left. On return
 * run->min_dist holds the D² of every row.
 *
 * Cost: 2k passes over the data, each one BLAS product per block of rows. */
static gboolean
seed_plusplus (Workspace     *ws,
               Run           *run,
               GRand         *rand,
               GCancellable  *cancellable,
               GError       **error)
{
  const gsize rows = ws->rows;
  const gsize cols = ws->cols;
  gsize chosen;
  double total;

  ws->n_cand = MIN (2 + (guint) log ((double) ws->k), MAX_TRIALS);

  chosen = random_index (rand, rows);
  memcpy (run->centroids, ws->x + chosen * cols, cols * sizeof (double));
  total = add_centre (ws, run, chosen, TRUE);

  for (guint c = 1; c < ws->k; c++)
    {
      gsize candidates[MAX_TRIALS];
      double best_pot = INFINITY;
      Pass pass = { ws, run };

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (guint t = 0; t < ws->n_cand; t++)
        {
          /* When every row coincides with a centre already any row is as good as any other. */
          if (total > 0.0)
            candidates[t] = search_cumulative (ws->cumulative, rows, g_rand_double (rand) * total);
          else
            candidates[t] = random_index (rand, rows);

          memcpy (ws->candidates + t * cols, ws->x + candidates[t] * cols, cols * sizeof (double));
          ws->cand_norms[t] = ws->x_norms[candidates[t]];
        }

      /* All candidates are evaluated in one pass, so each row is read once for them. */
      team_run (ws->team, ws->n_chunks, trials_chunk, &pass);

      for (guint t = 0; t < ws->n_cand; t++)
        {
          double pot = 0.0;

          for (guint chunk = 0; chunk < ws->n_chunks; chunk++)
            pot += ws->chunk_value[(gsize) chunk * MAX_TRIALS + t];

          if (pot < best_pot)
            {
              best_pot = pot;
              chosen = candidates[t];
            }
        }

      memcpy (run->centroids + (gsize) c * cols, ws->x + chosen * cols, cols * sizeof (double));
      total = add_centre (ws, run, chosen, FALSE);
    }

  return TRUE;
}

/* The assignment step for one chunk: labels every row with its nearest centre (ties go to the
 * lower index), the distances from one dgemm per block, and accumulates the chunk's share of
 * the update step (sums, sizes) while the block is still in cache. */
static void
assign_chunk (gpointer data,
              guint    chunk)
{
  Pass *pass = data;
  Workspace *ws = pass->ws;
  Run *run = pass->run;
  const gsize cols = ws->cols;
  const guint k = ws->k;
  double *sums = ws->chunk_sums + (gsize) chunk * k * cols;
  gsize *sizes = ws->chunk_sizes + (gsize) chunk * k;
  g_autofree double *dots = g_new (double, (gsize) BLOCK_ROWS * k);
  double inertia = 0.0;
  gsize changed = 0;
  gsize chunk_start, chunk_end;

  chunk_range (ws, chunk, &chunk_start, &chunk_end);
  memset (sums, 0, (gsize) k * cols * sizeof (double));
  memset (sizes, 0, k * sizeof (gsize));

  for (gsize start = chunk_start; start < chunk_end; start += BLOCK_ROWS)
    {
      gsize n = MIN ((gsize) BLOCK_ROWS, chunk_end - start);

      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                   (int) n, (int) k, (int) cols,
                   -2.0, ws->x + start * cols, (int) cols,
                   run->centroids, (int) cols,
                   0.0, dots, (int) k);

      for (gsize b = 0; b < n; b++)
        {
          gsize i = start + b;
          const double *row = ws->x + i * cols;
          double *sum;
          double best = INFINITY;
          guint best_j = 0;

          /* ‖x_i‖² is the same for every centre: it is added after the comparison. Written
           * as selects rather than a branch, which mispredicts on overlapping clusters. */
          for (guint j = 0; j < k; j++)
            {
              double d = dots[b * k + j] + ws->c_norms[j];
              gboolean closer = d < best;

              best_j = closer ? j : best_j;
              best = closer ? d : best;
            }

          best += ws->x_norms[i];
          if (best < 0.0)
            best = 0.0;

          if (run->labels[i] != best_j)
            {
              run->labels[i] = best_j;
              changed++;
            }
          run->min_dist[i] = best;
          inertia += best;

          sum = sums + (gsize) best_j * cols;
          for (gsize j = 0; j < cols; j++)
            sum[j] += row[j];
          sizes[best_j]++;
        }
    }

  ws->chunk_value[(gsize) chunk * MAX_TRIALS] = inertia;
  ws->chunk_changed[chunk] = changed;
}

/* Runs the assignment step over all chunks and combines their partial results, in chunk order,
 * into @sums (k × cols) and run->sizes. Returns the inertia under the BLAS identity and the
 * number of labels that changed. */
static double
assign_labels (Workspace *ws,
               Run       *run,
               double    *sums,
               gsize     *n_changed)
{
  const gsize kc = (gsize) ws->k * ws->cols;
  Pass pass = { ws, run };
  double inertia = 0.0;
  gsize changed = 0;

  cst_matrix_row_sq_norms (run->centroids, ws->k, ws->cols, ws->c_norms);
  team_run (ws->team, ws->n_chunks, assign_chunk, &pass);

  memset (sums, 0, kc * sizeof (double));
  memset (run->sizes, 0, ws->k * sizeof (gsize));

  for (guint chunk = 0; chunk < ws->n_chunks; chunk++)
    {
      const double *chunk_sums = ws->chunk_sums + chunk * kc;
      const gsize *chunk_sizes = ws->chunk_sizes + (gsize) chunk * ws->k;

      for (gsize e = 0; e < kc; e++)
        sums[e] += chunk_sums[e];
      for (guint c = 0; c < ws->k; c++)
        run->sizes[c] += chunk_sizes[c];
      inertia += ws->chunk_value[(gsize) chunk * MAX_TRIALS];
      changed += ws->chunk_changed[chunk];
    }

  *n_changed = changed;

  return inertia;
}

/* The update step, from the sums of assign_labels(): every centre moves to the mean of its rows.
 * A cluster left empty takes the row that is farthest from its own centre (among clusters that
 * can spare one), as scikit-learn does; that both fills the cluster and removes the worst-fitted
 * point from its old one. */
static void
update_centroids (const Workspace *ws,
                  Run             *run,
                  double          *sums)
{
  const gsize rows = ws->rows;
  const gsize cols = ws->cols;
  const guint k = ws->k;

  for (guint c = 0; c < k; c++)
    {
      gsize far = G_MAXSIZE;
      double far_dist = -1.0;
      guint old;

      if (run->sizes[c] > 0)
        continue;

      for (gsize i = 0; i < rows; i++)
        {
          if (run->sizes[run->labels[i]] > 1 && run->min_dist[i] > far_dist)
            {
              far_dist = run->min_dist[i];
              far = i;
            }
        }

      /* rows ≥ k, so while a cluster is empty another one holds at least two rows. */
      g_assert (far != G_MAXSIZE);

      g_debug ("cluster %u is empty: row %zu moves into it", c, far + 1);

      old = run->labels[far];
      for (gsize j = 0; j < cols; j++)
        {
          sums[(gsize) old * cols + j] -= ws->x[far * cols + j];
          sums[(gsize) c * cols + j] = ws->x[far * cols + j];
        }
      run->sizes[old]--;
      run->sizes[c] = 1;
      run->labels[far] = c;
      run->min_dist[far] = 0.0;
    }

  for (guint c = 0; c < k; c++)
    {
      double inv = 1.0 / (double) run->sizes[c];

      for (gsize j = 0; j < cols; j++)
        run->centroids[(gsize) c * cols + j] = sums[(gsize) c * cols + j] * inv;
    }
}

/* The exact inertia of one chunk, from direct differences. */
static void
inertia_chunk (gpointer data,
               guint    chunk)
{
  Pass *pass = data;
  Workspace *ws = pass->ws;
  Run *run = pass->run;
  const gsize cols = ws->cols;
  double inertia = 0.0;
  gsize start, end;

  chunk_range (ws, chunk, &start, &end);

  for (gsize i = start; i < end; i++)
    inertia += sq_dist (ws->x + i * cols, run->centroids + (gsize) run->labels[i] * cols, cols);

  ws->chunk_value[(gsize) chunk * MAX_TRIALS] = inertia;
}

/* The inertia reported to the user, summed from direct differences: the BLAS identity is fine
 * for choosing the nearest centre but can lose several digits in the sum itself. Also recounts
 * the sizes from the final labels. */
static void
finish_run (Workspace *ws,
            Run       *run)
{
  Pass pass = { ws, run };
  double inertia = 0.0;

  team_run (ws->team, ws->n_chunks, inertia_chunk, &pass);

  for (guint chunk = 0; chunk < ws->n_chunks; chunk++)
    inertia += ws->chunk_value[(gsize) chunk * MAX_TRIALS];

  memset (run->sizes, 0, ws->k * sizeof (gsize));
  for (gsize i = 0; i < ws->rows; i++)
    run->sizes[run->labels[i]]++;

  run->inertia = inertia;
}

static gboolean
fit_one (Workspace               *ws,
         Run                     *run,
         const CstKmeansOptions  *options,
         guint                    init,
         GCancellable            *cancellable,
         CstProgressFunc          progress,
         gpointer                 progress_data,
         GError                 **error)
{
  /* One generator per initialization, seeded from (seed, init): initialization i gives the same
   * centers whatever n_init is. */
  const guint32 seed_array[2] = { options->seed, init };
  g_autoptr(GRand) rand = g_rand_new_with_seed_array (seed_array, G_N_ELEMENTS (seed_array));
  g_autofree double *sums = g_new (double, (gsize) ws->k * ws->cols);
  double previous = INFINITY;
  gboolean converged = FALSE;
  gint64 started = g_get_monotonic_time ();
  gint64 seeded;

  cst_progress_report (progress, progress_data, (double) init / options->n_init,
                       _("Choosing initial segment centers"));

  if (!seed_plusplus (ws, run, rand, cancellable, error))
    return FALSE;

  seeded = g_get_monotonic_time ();

  for (gsize i = 0; i < ws->rows; i++)
    run->labels[i] = G_MAXUINT;
  run->iterations = 0;

  for (guint iter = 0; iter < options->max_iter; iter++)
    {
      gsize changed;
      double inertia;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      cst_progress_report (progress, progress_data,
                           (init + (double) iter / options->max_iter) / options->n_init,
                           _("Refining segments"));

      inertia = assign_labels (ws, run, sums, &changed);
      run->iterations = iter + 1;

      /* Labels that did not move mean the centers are already the means of their clusters. */
      if (changed == 0)
        {
          converged = TRUE;
          break;
        }

      update_centroids (ws, run, sums);

      /* previous == 0 also stops here: every row sits on its centre. */
      if (isfinite (previous) && fabs (previous - inertia) <= options->tol * previous)
        break;

      previous = inertia;
    }

  /* The centers moved after the last assignment: one more assignment step makes every label
   * point at its nearest final centre. */
  if (!converged)
    {
      gsize changed;

      assign_labels (ws, run, sums, &changed);
    }

  finish_run (ws, run);

  g_debug ("init %u: seeding %.3f s, %u iterations %.3f s, inertia %.17g", init,
           (seeded - started) / (double) G_USEC_PER_SEC, run->iterations,
           (g_get_monotonic_time () - seeded) / (double) G_USEC_PER_SEC, run->inertia);

  return TRUE;
}

/* Renumbers the clusters by decreasing size, ties broken by the row where each first appears
 * (empty clusters last, in their old order), so that two runs that found the same partition
 * report the same labels. */
static void
relabel_canonical (const Workspace *ws,
                   Run             *run)
{
  const guint k = ws->k;
  const gsize cols = ws->cols;
  g_autofree gsize *first = g_new (gsize, k);
  g_autofree guint *order = g_new (guint, k);
  g_autofree guint *new_label = g_new (guint, k);
  g_autofree double *centroids = g_new (double, (gsize) k * cols);
  g_autofree gsize *sizes = g_new (gsize, k);

  for (guint c = 0; c < k; c++)
    {
      first[c] = G_MAXSIZE;
      order[c] = c;
    }

  for (gsize i = 0; i < ws->rows; i++)
    if (first[run->labels[i]] == G_MAXSIZE)
      first[run->labels[i]] = i;

  /* Insertion sort: k is small and the order must be total, hence the final index tie-break. */
  for (guint a = 1; a < k; a++)
    {
      guint c = order[a];
      guint b = a;

      while (b > 0)
        {
          guint p = order[b - 1];
          gboolean before = run->sizes[c] > run->sizes[p] ||
                            (run->sizes[c] == run->sizes[p] &&
                             (first[c] < first[p] || (first[c] == first[p] && c < p)));

          if (!before)
            break;
          order[b] = p;
          b--;
        }
      order[b] = c;
    }

  for (guint n = 0; n < k; n++)
    {
      guint c = order[n];

      new_label[c] = n;
      sizes[n] = run->sizes[c];
      memcpy (centroids + (gsize) n * cols, run->centroids + (gsize) c * cols,
              cols * sizeof (double));
    }

  for (gsize i = 0; i < ws->rows; i++)
    run->labels[i] = new_label[run->labels[i]];

  memcpy (run->centroids, centroids, (gsize) k * cols * sizeof (double));
  memcpy (run->sizes, sizes, k * sizeof (gsize));
}

/**
 * cst_kmeans_options_init:
 * @options: (out caller-allocates): options to fill
 *
 * Fills @options with the defaults: k = 4, max_iter = 300, tol = 1e-6, n_init = 4, seed = 42.
 */
void
cst_kmeans_options_init (CstKmeansOptions *options)
{
  g_return_if_fail (options != NULL);

  options->k = 4;
  options->max_iter = 300;
  options->tol = 1e-6;
  options->n_init = 4;
  options->seed = 42;
}

/**
 * cst_kmeans_fit:
 * @x: rows × cols values, row-major, all finite
 * @rows: number of rows (points), ≥ k
 * @cols: number of columns (dimensions), ≥ 1
 * @options: (nullable): the options, or %NULL for the defaults of cst_kmeans_options_init()
 * @cancellable: (nullable): checked once per centre while seeding and once per iteration
 * @progress: (nullable): called from the calling thread with the fraction over all
 *   initializations and iterations
 * @progress_data: data for @progress
 * @error: return location for a #GError
 *
 * Partitions the rows of @x into k clusters minimising the sum of squared Euclidean distances to
 * the cluster means (Lloyd's algorithm). Each of the n_init initializations is seeded by greedy
 * k-means++ from its own GRand (seeded with the pair (seed, index)), iterates until no label
 * changes, the relative change of inertia falls to tol or below, or max_iter iterations; the one
 * with the lowest inertia is kept (the first on ties). Clusters are then renumbered by decreasing
 * size, ties by first appearance, so results are comparable across runs: the same input and
 * options give the same labels and the same inertia bit for bit on a given machine.
 *
 * Distances come from BLAS (dgemm, dgemv) over blocks of 4096 rows; chunks of 32768 rows are
 * spread over one thread per processor, each with its own partial sums added up in chunk
 * order, so the result does not depend on the number of threads or on their scheduling. The
 * reported inertia is recomputed directly from differences.
 *
 * Cost: O(n_init × (iterations × k + k·(2 + ln k)) × rows × cols) time; memory about
 * rows × 40 bytes (norms, D² weights, and labels and distances for the current and the best
 * initialization) plus per-chunk partial sums (k × cols doubles per 32768 rows) and 4096 × k
 * doubles per thread; @x is not copied. While helper threads run, OpenBLAS is switched to one
 * thread per call (process-wide, restored afterwards); CST_KMEANS_THREADS caps the number of
 * threads.
 *
 * Errors: %G_IO_ERROR_INVALID_ARGUMENT for bad options or a NaN/infinite value (the message
 * names the 1-based row and column), %G_IO_ERROR_CANCELLED when cancelled.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 */
CstKmeansResult *
cst_kmeans_fit (const double            *x,
                gsize                    rows,
                gsize                    cols,
                const CstKmeansOptions  *options,
                GCancellable            *cancellable,
                CstProgressFunc          progress,
                gpointer                 progress_data,
                GError                 **error)
{
  CstKmeansOptions defaults;
  Workspace ws = { 0 };
  g_autoptr(Team) team = NULL;
  g_autoptr(Run) best = NULL;
  g_autoptr(Run) run = NULL;
  g_autofree double *x_norms = NULL;
  g_autofree double *c_norms = NULL;
  g_autofree double *cumulative = NULL;
  g_autofree double *candidates = NULL;
  g_autofree double *cand_norms = NULL;
  g_autofree double *chunk_sums = NULL;
  g_autofree gsize *chunk_sizes = NULL;
  g_autofree double *chunk_value = NULL;
  g_autofree gsize *chunk_changed = NULL;
  CstKmeansResult *result;

  g_return_val_if_fail (x != NULL || rows == 0 || cols == 0, NULL);
  g_return_val_if_fail (rows == 0 || cols <= G_MAXSIZE / sizeof (double) / rows, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      cst_kmeans_options_init (&defaults);
      options = &defaults;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!validate (x, rows, cols, options, error))
    return NULL;

  ws.x = x;
  ws.rows = rows;
  ws.cols = cols;
  ws.k = options->k;
  ws.n_chunks = (guint) ((rows + CHUNK_ROWS - 1) / CHUNK_ROWS);
  ws.team = team = team_new (ws.n_chunks);
  ws.x_norms = x_norms = g_new (double, rows);
  ws.c_norms = c_norms = g_new (double, options->k);
  ws.cumulative = cumulative = g_new (double, rows);
  ws.candidates = candidates = g_new (double, MAX_TRIALS * cols);
  ws.cand_norms = cand_norms = g_new (double, MAX_TRIALS);
  ws.chunk_sums = chunk_sums = g_new (double, (gsize) ws.n_chunks * options->k * cols);
  ws.chunk_sizes = chunk_sizes = g_new (gsize, (gsize) ws.n_chunks * options->k);
  ws.chunk_value = chunk_value = g_new (double, (gsize) ws.n_chunks * MAX_TRIALS);
  ws.chunk_changed = chunk_changed = g_new (gsize, ws.n_chunks);

  team_run (team, ws.n_chunks, norms_chunk, &ws);

  for (guint init = 0; init < options->n_init; init++)
    {
      if (run == NULL)
        run = run_new (&ws);

      if (!fit_one (&ws, run, options, init, cancellable, progress, progress_data, error))
        return NULL;

      if (best == NULL || run->inertia < best->inertia)
        {
          g_clear_pointer (&best, run_free);
          best = g_steal_pointer (&run);
        }
    }

  relabel_canonical (&ws, best);

  cst_progress_report (progress, progress_data, 1.0, NULL);

  result = g_new0 (CstKmeansResult, 1);
  result->k = options->k;
  result->rows = rows;
  result->cols = cols;
  result->centroids = g_steal_pointer (&best->centroids);
  result->labels = g_steal_pointer (&best->labels);
  result->sizes = g_steal_pointer (&best->sizes);
  result->inertia = best->inertia;
  result->iterations = best->iterations;

  return result;
}

/**
 * cst_kmeans_result_free:
 * @result: (nullable) (transfer full): a result from cst_kmeans_fit()
 *
 * Frees @result and its arrays.
 */
void
cst_kmeans_result_free (CstKmeansResult *result)
{
  if (result == NULL)
    return;

  g_free (result->centroids);
  g_free (result->labels);
  g_free (result->sizes);
  g_free (result);
}
