/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-kmeans"

#include "config.h"

#include "cst-kmeans.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#if defined (__SSE2__)
#include <emmintrin.h>
#endif

#include <glib/gi18n-lib.h>

#include "cst-matrix.h"

/* Rows per distance block: the BLAS kernel fills a BLOCK_ROWS × k buffer, so the memory for
 * distances stays bounded (2048 × k doubles per thread) whatever the number of rows. 2048 rows
 * of 16 columns, their packed copy inside BLAS and their distances stay in a 1 MiB L2 cache
 * until the update step has added them up; 4096 did not, and cost 20 % of the time. */
#define BLOCK_ROWS 2048

/* Rows per chunk, the unit of work handed to a thread. Every chunk keeps its own partial sums,
 * which are added up in chunk order afterwards: the result is the same bit for bit whatever the
 * number of threads and whichever thread ran which chunk. */
#define CHUNK_ROWS 32768

/* The tile of the fused assignment kernel, fused_top2(). */
#define FUSED_TILE     8   /* rows per tile: one vector of doubles per column */
#define FUSED_CENTRES  4   /* centres per step: four independent sums hide the FMA latency */
#define FUSED_MAX_COLS 64  /* the transposed tile lives on the stack; wider data uses BLAS */
#define SCREEN_TILE    16  /* rows per tile of fused_top2_screen(): one vector of floats */
#define SCREEN_CENTRES 8   /* its centres per step */
#define SCREEN_MIN_PENDING 4 /* fewer pending rows in a tile go to the double kernel alone */
#define MOVE_AHEAD     32  /* rows that moved are fetched this many ahead of their sums */
#define SCREEN_MAX_NORM 1e30   /* largest ‖x‖² the float screen takes: far from float's 3.4e38 */
#define SCREEN_FLOOR   1e-30f  /* added to every margin: rounding near float's smallest values */

/* How many past passes' centres carry a row's bounds forward (at most HISTORY_BYTES of them); a
 * row whose bounds are older is recomputed. */
#define HISTORY_MAX   32
#define HISTORY_BYTES (16 << 20)

/* Upper bound on the local trials of k-means++ (2 + ⌊ln k⌋ reaches it only for k > e^14). */
#define MAX_TRIALS 16

/* The vector kernels are compiled for x86-64-v4, x86-64-v3 and the baseline (see fused_top2()). */
#if defined (__GNUC__) && !defined (__clang__) && defined (__x86_64__) && \
    defined (__ELF__) && !defined (__SANITIZE_ADDRESS__)
#define FUSED_CLONES __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FUSED_CLONES
#endif

typedef double fused_vd __attribute__ ((vector_size (FUSED_TILE * sizeof (double))));
typedef gint64 fused_vl __attribute__ ((vector_size (FUSED_TILE * sizeof (gint64))));
typedef float screen_vf __attribute__ ((vector_size (SCREEN_TILE * sizeof (float))));
typedef gint32 screen_vi __attribute__ ((vector_size (SCREEN_TILE * sizeof (gint32))));

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
  double       *chunk_sums;  /* n_chunks × k × cols: change of the cluster sums */
  gssize       *chunk_counts; /* n_chunks × k: change of the cluster sizes */
  double       *chunk_value; /* n_chunks × MAX_TRIALS: inertia, or one D² total per candidate */
  gsize        *chunk_changed; /* n_chunks */
  double        x_sq_total;  /* Σ ‖x_i‖², for the inertia from the cluster sums */
  /* Where the centres were in the last passes, for the bounds of assign_chunk(). */
  gboolean      assign_all;  /* recompute every row (no valid bounds yet, or skip_tests) */
  guint         skip_tests;  /* passes still to run without testing the bounds */
  gboolean      fetch_rows;  /* the last pass moved many rows: screened tiles fetch theirs */
  guint         test_backoff; /* passes skipped after the last test that did not pay */
  guint         pass;        /* assignment passes since assign_reset() */
  guint         history;     /* passes kept in past_centres */
  double       *past_centres; /* history × k × cols: the centres of pass p in slot p % history */
  double       *drift;       /* history × k: ‖c_now − c_then‖ for the pass in each slot */
  double       *drift_max;   /* history: the largest drift of a slot, of centre drift_max_centre */
  guint        *drift_max_centre; /* history */
  double       *drift_second; /* history: the largest drift among the slot's other centres */
  double       *half_gap;    /* k: half the distance from each centre to its nearest other one */
  /* Single precision (options->use_float32): the assignment step runs sgemm on these copies;
   * sums, centres and the reported inertia stay double. */
  gboolean      single;
  /* Or screening (double precision up to FUSED_MAX_COLS columns): fused_top2_screen() finds the
   * nearest centres in float and fused_top2() checks the close calls in double. */
  gboolean      screen;
  float        *tiles;       /* ⌈rows / SCREEN_TILE⌉ × cols × SCREEN_TILE: the rows in float, a
                              * tile's columns one after the other (a short last tile repeats
                              * its last row) */
  gboolean      tiles_ready; /* tiles filled (by the first assignment pass) */
  float        *neg2f;       /* k_padded × cols: the centres in float, times −2 */
  float        *neg2f_norms; /* k_padded: their squared norms, +∞ for padding */
  float         screen_margin;
  float         screen_c_max; /* the largest of neg2f_norms[0..k) */
  float        *xf;          /* rows × cols, when single */
  float        *cf;          /* k × cols: the centres being assigned to */
  float        *cf_norms;    /* k: ‖cf_j‖² */
  /* The centres for fused_top2() (double precision and at most FUSED_MAX_COLS columns), else
   * NULL: times −2, and their squared norms, padded to k_padded centres. */
  double       *neg2;        /* k_padded × cols */
  double       *neg2_norms;  /* k_padded */
  guint         k_padded;
} Workspace;

/* The state of one initialization. */
typedef struct
{
  double *centroids;  /* k × cols */
  guint  *labels;     /* rows */
  double *min_dist;   /* rows: squared distance to the assigned (while seeding: nearest) centre,
                       * as of the last time the row's distances were computed */
  double *upper;      /* rows: upper bound of the distance to the assigned centre */
  double *lower;      /* rows: lower bound of the distance to every other centre */
  float  *upper_f;    /* with screening, rows: upper and lower in float, rounded outwards */
  float  *lower_f;
  guint  *stamp;      /* rows: the pass whose centres upper and lower refer to, or G_MAXUINT */
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

/**
 * cst_kmeans_blas_single_threaded_begin:
 *
 * Makes OpenBLAS run every call in its calling thread until the matching
 * cst_kmeans_blas_single_threaded_end(). For numeric code that spreads BLAS calls over threads
 * of its own (k-means, silhouette, automatic k): OpenBLAS threading each of those small calls
 * as well would serialise them on its one worker pool. Calls nest and may overlap from
 * several threads; the last end restores the previous thread count. Process-wide.
 */
void
cst_kmeans_blas_single_threaded_begin (void)
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

/**
 * cst_kmeans_blas_single_threaded_end:
 *
 * Ends one cst_kmeans_blas_single_threaded_begin().
 */
void
cst_kmeans_blas_single_threaded_end (void)
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
          cst_kmeans_blas_single_threaded_begin ();
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
      cst_kmeans_blas_single_threaded_end ();
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
  if (ws->screen)
    {
      run->upper_f = g_new (float, ws->rows);
      run->lower_f = g_new (float, ws->rows);
    }
  else
    {
      run->upper = g_new (double, ws->rows);
      run->lower = g_new (double, ws->rows);
    }
  run->stamp = g_new (guint, ws->rows);
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
  g_free (run->upper);
  g_free (run->lower);
  g_free (run->upper_f);
  g_free (run->lower_f);
  g_free (run->stamp);
  g_free (run->sizes);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* Allocates everything a fit over @x needs besides its runs; @team does the passes. */
static void
workspace_init (Workspace    *ws,
                const double *x,
                gsize         rows,
                gsize         cols,
                guint         k,
                Team         *team,
                gboolean      use_float32)
{
  ws->x = x;
  ws->rows = rows;
  ws->cols = cols;
  ws->k = k;
  ws->n_chunks = (guint) ((rows + CHUNK_ROWS - 1) / CHUNK_ROWS);
  ws->team = team;
  ws->x_norms = g_new (double, rows);
  ws->c_norms = g_new (double, k);
  ws->cumulative = g_new (double, rows);
  ws->candidates = g_new (double, MAX_TRIALS * cols);
  ws->cand_norms = g_new (double, MAX_TRIALS);
  ws->chunk_sums = g_new (double, (gsize) ws->n_chunks * k * cols);
  ws->chunk_counts = g_new (gssize, (gsize) ws->n_chunks * k);
  ws->chunk_value = g_new (double, (gsize) ws->n_chunks * MAX_TRIALS);
  ws->chunk_changed = g_new (gsize, ws->n_chunks);
  /* A power of two, so that a stamp's slot is a mask, not a division, in the hot loops. */
  ws->history = HISTORY_MAX;
  while (ws->history > 1 && (gsize) ws->history * k * cols * sizeof (double) > HISTORY_BYTES)
    ws->history /= 2;
  ws->past_centres = g_new (double, (gsize) ws->history * k * cols);
  ws->drift = g_new (double, (gsize) ws->history * k);
  ws->drift_max = g_new (double, ws->history);
  ws->drift_max_centre = g_new (guint, ws->history);
  ws->drift_second = g_new (double, ws->history);
  ws->half_gap = g_new0 (double, k);

  /* Up to FUSED_MAX_COLS columns the float screen runs either way, with the close calls checked
   * in double: it is faster than sgemm in single precision throughout. */
  if (use_float32 && cols > FUSED_MAX_COLS)
    {
      ws->single = TRUE;
      ws->xf = g_new (float, rows * cols);
      ws->cf = g_new (float, (gsize) k * cols);
      ws->cf_norms = g_new (float, k);
    }
  else if (cols <= FUSED_MAX_COLS)
    {
      ws->k_padded = (k + SCREEN_CENTRES - 1) / SCREEN_CENTRES * SCREEN_CENTRES;
      ws->neg2 = g_new0 (double, (gsize) ws->k_padded * cols);
      ws->neg2_norms = g_new (double, ws->k_padded);
      for (guint c = k; c < ws->k_padded; c++)
        ws->neg2_norms[c] = INFINITY;

      ws->screen = TRUE;
      ws->tiles = g_new (float, (rows + SCREEN_TILE - 1) / SCREEN_TILE * SCREEN_TILE * cols);
      ws->neg2f = g_new0 (float, (gsize) ws->k_padded * cols);
      ws->neg2f_norms = g_new (float, ws->k_padded);
      for (guint c = k; c < ws->k_padded; c++)
        ws->neg2f_norms[c] = INFINITY;
      /* (4 cols + 12) · 2⁻²⁴: about twice the bound in fused_top2_screen()'s comment. */
      ws->screen_margin = (float) (cols + 3) * 0x1p-22f;
    }
}

static void
workspace_clear (Workspace *ws)
{
  g_clear_pointer (&ws->x_norms, g_free);
  g_clear_pointer (&ws->c_norms, g_free);
  g_clear_pointer (&ws->cumulative, g_free);
  g_clear_pointer (&ws->candidates, g_free);
  g_clear_pointer (&ws->cand_norms, g_free);
  g_clear_pointer (&ws->chunk_sums, g_free);
  g_clear_pointer (&ws->chunk_counts, g_free);
  g_clear_pointer (&ws->chunk_value, g_free);
  g_clear_pointer (&ws->chunk_changed, g_free);
  g_clear_pointer (&ws->past_centres, g_free);
  g_clear_pointer (&ws->drift, g_free);
  g_clear_pointer (&ws->drift_max, g_free);
  g_clear_pointer (&ws->drift_max_centre, g_free);
  g_clear_pointer (&ws->drift_second, g_free);
  g_clear_pointer (&ws->half_gap, g_free);
  g_clear_pointer (&ws->xf, g_free);
  g_clear_pointer (&ws->tiles, g_free);
  g_clear_pointer (&ws->neg2f, g_free);
  g_clear_pointer (&ws->neg2f_norms, g_free);
  g_clear_pointer (&ws->cf, g_free);
  g_clear_pointer (&ws->cf_norms, g_free);
  g_clear_pointer (&ws->neg2, g_free);
  g_clear_pointer (&ws->neg2_norms, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Workspace, workspace_clear)

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

  if (options->algorithm != CST_KMEANS_LLOYD && options->algorithm != CST_KMEANS_MINIBATCH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown k-means algorithm %d"), (int) options->algorithm);
      return FALSE;
    }

  if (options->algorithm == CST_KMEANS_MINIBATCH && options->batch_size < 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Mini-batch k-means needs at least one row per batch"));
      return FALSE;
    }

  if (options->init_centroids != NULL)
    {
      for (gsize e = 0; e < (gsize) options->k * cols; e++)
        {
          if (!isfinite (options->init_centroids[e]))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Initial centre %zu, column %zu is not a finite number (%g)"),
                           e / cols + 1, e % cols + 1, options->init_centroids[e]);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* Every value must be finite. A NaN or an infinity makes the row's squared norm non-finite, so
 * only the rows whose norm (computed in parallel by norms_chunk()) is not finite are searched;
 * a norm can also overflow on finite values beyond 1e154, which pass. */
static gboolean
check_finite (const Workspace  *ws,
              GError          **error)
{
  for (gsize i = 0; i < ws->rows; i++)
    {
      const double *row = ws->x + i * ws->cols;

      if (G_LIKELY (isfinite (ws->x_norms[i])))
        continue;

      for (gsize j = 0; j < ws->cols; j++)
        {
          if (!isfinite (row[j]))
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

/* The float tiles of rows [start, end) for fused_top2_screen(): each tile's columns one after
 * the other, a vector of SCREEN_TILE rows each. */
FUSED_CLONES static void
build_tiles (const double *x,
             gsize         start,
             gsize         end,
             gsize         cols,
             float        *tiles)
{
  for (gsize first = start; first < end; first += SCREEN_TILE)
    {
      float *tile = tiles + (first - start) * cols;

      for (gsize j = 0; j < cols; j++)
        {
          screen_vf column;

          for (gsize r = 0; r < SCREEN_TILE; r++)
            column[r] = (float) x[MIN (first + r, end - 1) * cols + j];
          memcpy (tile + j * SCREEN_TILE, &column, sizeof column);
        }
    }
}

static void
norms_chunk (gpointer data,
             guint    chunk)
{
  Workspace *ws = data;
  const gsize cols = ws->cols;
  gsize start, end;

  chunk_range (ws, chunk, &start, &end);
  cst_matrix_row_sq_norms (ws->x + start * cols, end - start, cols, ws->x_norms + start);

  if (ws->xf != NULL)
    {
      for (gsize e = start * cols; e < end * cols; e++)
        ws->xf[e] = (float) ws->x[e];
    }
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

/* For each of the @n rows of a block, the centre j minimising e_j = dots[j·n + b] + c_norms[j]
 * (ties go to the lower index), that minimum, and the second smallest e (∞ when k = 1). The
 * products come transposed (k × n, one row per centre), so consecutive rows of the block are
 * consecutive in memory and are compared two at a time with SSE2 (four at a time for floats),
 * with selects instead of branches, which mispredict on overlapping clusters; the comparisons,
 * and so the labels, are exactly those of one row at a time. ‖x_b‖² is the same for every
 * centre: the caller adds it after the comparison. The second smallest is
 * min (second, max (best, e)): the old best when e wins, else the smaller of e and the old
 * second. */
static void
top2_block (const double *dots,
            const double *c_norms,
            gsize         n,
            guint         k,
            guint        *best_j,
            double       *best,
            double       *second)
{
  gsize b = 0;

#if defined (__SSE2__)
  for (; b + 4 <= n; b += 4)
    {
      __m128d v0 = _mm_set1_pd (INFINITY), v1 = v0, w0 = v0, w1 = v0;
      __m128d l0 = _mm_setzero_pd (), l1 = l0;

      for (guint j = 0; j < k; j++)
        {
          const double *row = dots + (gsize) j * n + b;
          __m128d cn = _mm_set1_pd (c_norms[j]);
          __m128d index = _mm_set1_pd ((double) j);
          __m128d e0 = _mm_add_pd (_mm_loadu_pd (row), cn);
          __m128d e1 = _mm_add_pd (_mm_loadu_pd (row + 2), cn);
          __m128d closer0 = _mm_cmplt_pd (e0, v0);
          __m128d closer1 = _mm_cmplt_pd (e1, v1);

          w0 = _mm_min_pd (w0, _mm_max_pd (v0, e0));
          w1 = _mm_min_pd (w1, _mm_max_pd (v1, e1));
          l0 = _mm_or_pd (_mm_and_pd (closer0, index), _mm_andnot_pd (closer0, l0));
          l1 = _mm_or_pd (_mm_and_pd (closer1, index), _mm_andnot_pd (closer1, l1));
          v0 = _mm_min_pd (e0, v0);
          v1 = _mm_min_pd (e1, v1);
        }

      _mm_storeu_pd (best + b, v0);
      _mm_storeu_pd (best + b + 2, v1);
      _mm_storeu_pd (second + b, w0);
      _mm_storeu_pd (second + b + 2, w1);
      _mm_storel_epi64 ((__m128i *) (best_j + b), _mm_cvttpd_epi32 (l0));
      _mm_storel_epi64 ((__m128i *) (best_j + b + 2), _mm_cvttpd_epi32 (l1));
    }
#endif

  for (; b < n; b++)
    {
      double v = INFINITY, w = INFINITY;
      guint l = 0;

      for (guint j = 0; j < k; j++)
        {
          double e = dots[(gsize) j * n + b] + c_norms[j];

          w = MIN (w, MAX (v, e));
          l = e < v ? j : l;
          v = e < v ? e : v;
        }

      best_j[b] = l;
      best[b] = v;
      second[b] = w;
    }
}

/* top2_block() in single precision; the results are widened to double. */
static void
top2_block_float (const float *dots,
                  const float *c_norms,
                  gsize        n,
                  guint        k,
                  guint       *best_j,
                  double      *best,
                  double      *second)
{
  gsize b = 0;

#if defined (__SSE2__)
  for (; b + 8 <= n; b += 8)
    {
      __m128 v0 = _mm_set1_ps (INFINITY), v1 = v0, w0 = v0, w1 = v0;
      __m128 l0 = _mm_setzero_ps (), l1 = l0;
      float lanes[8];

      for (guint j = 0; j < k; j++)
        {
          const float *row = dots + (gsize) j * n + b;
          __m128 cn = _mm_set1_ps (c_norms[j]);
          __m128 index = _mm_set1_ps ((float) j);
          __m128 e0 = _mm_add_ps (_mm_loadu_ps (row), cn);
          __m128 e1 = _mm_add_ps (_mm_loadu_ps (row + 4), cn);
          __m128 closer0 = _mm_cmplt_ps (e0, v0);
          __m128 closer1 = _mm_cmplt_ps (e1, v1);

          w0 = _mm_min_ps (w0, _mm_max_ps (v0, e0));
          w1 = _mm_min_ps (w1, _mm_max_ps (v1, e1));
          l0 = _mm_or_ps (_mm_and_ps (closer0, index), _mm_andnot_ps (closer0, l0));
          l1 = _mm_or_ps (_mm_and_ps (closer1, index), _mm_andnot_ps (closer1, l1));
          v0 = _mm_min_ps (e0, v0);
          v1 = _mm_min_ps (e1, v1);
        }

      _mm_storeu_si128 ((__m128i *) (best_j + b), _mm_cvttps_epi32 (l0));
      _mm_storeu_si128 ((__m128i *) (best_j + b + 4), _mm_cvttps_epi32 (l1));
      _mm_storeu_ps (lanes, v0);
      _mm_storeu_ps (lanes + 4, v1);
      for (guint q = 0; q < 8; q++)
        best[b + q] = lanes[q];
      _mm_storeu_ps (lanes, w0);
      _mm_storeu_ps (lanes + 4, w1);
      for (guint q = 0; q < 8; q++)
        second[b + q] = lanes[q];
    }
#endif

  for (; b < n; b++)
    {
      float v = INFINITY, w = INFINITY;
      guint l = 0;

      for (guint j = 0; j < k; j++)
        {
          float e = dots[(gsize) j * n + b] + c_norms[j];

          w = MIN (w, MAX (v, e));
          l = e < v ? j : l;
          v = e < v ? e : v;
        }

      best_j[b] = l;
      best[b] = v;
      second[b] = w;
    }
}

/* out[i] = sqrt (in[i]) for i < n, in ≥ 0 (in place allowed). SSE2 where available: the
 * compiler does not vectorise sqrt() itself (errno), and the bounds take two roots a row. */
static inline void
sqrt_array (const double *in,
            double       *out,
            gsize         n)
{
  gsize i = 0;

#if defined (__SSE2__)
  for (; i + 2 <= n; i += 2)
    _mm_storeu_pd (out + i, _mm_sqrt_pd (_mm_loadu_pd (in + i)));
#endif

  for (; i < n; i++)
    out[i] = sqrt (in[i]);
}

/* sum[j] += row[j] for j < cols: one row's share of the update step. Element by element, so
 * vectorising changes no result. */
static inline void
add_row (double       *sum,
         const double *row,
         gsize         cols)
{
  gsize j = 0;

#if defined (__SSE2__)
  for (; j + 2 <= cols; j += 2)
    _mm_storeu_pd (sum + j, _mm_add_pd (_mm_loadu_pd (sum + j), _mm_loadu_pd (row + j)));
#endif

  for (; j < cols; j++)
    sum[j] += row[j];
}

/* Widens the float row to double before adding it, so the centres do not drift with the number
 * of rows. */
static inline void
add_row_float (double      *sum,
               const float *row,
               gsize        cols,
               double       sign)
{
  for (gsize j = 0; j < cols; j++)
    sum[j] += sign * (double) row[j];
}

/* The fused assignment kernel: distances and the two nearest centres of a few rows at a time,
 * without a BLAS call. dgemm on the small products of the assignment step (2048 rows × k × 16)
 * spent as long packing its operands and writing k products per row to memory as multiplying,
 * and the search for the two smallest then read them all back; here eight rows are transposed
 * into one vector per column, every centre's products stay in registers and the two smallest
 * are kept with selects as the products come. The arithmetic, in GCC's generic vectors, is
 * compiled for x86-64-v4 (AVX-512), x86-64-v3 (AVX2 + FMA) and the baseline, picked when the
 * library loads (function multiversioning), so the binary runs on any x86-64 and uses the
 * widest units it finds. Each product is ‖c‖² + Σ_j x_j · (−2 c_j), summed in column order
 * for every row: the result of a row depends on neither the thread nor its neighbours in the
 * tile, though the FMA of the wider versions rounds differently from the baseline, so, as with
 * BLAS, results are bit-identical on one machine, not across processors. */

/* For the @n rows of @x listed in @index, the centre j minimising e_j = ‖c_j‖² − 2·x·c_j (ties
 * to the lower index), as top2_block() finds it; then, with the row's ‖x‖² from @x_norms added
 * and clamped at 0, the squared distance to it (@best), its square root (@upper) and the square
 * root of the second smallest (@lower; ∞ when k = 1): the new bounds of the row. @neg2 holds
 * the centres times −2 and @norms their squared norms, both padded to a multiple of
 * FUSED_CENTRES centres (padding: zeros and +∞, which never win). */
FUSED_CLONES static void
fused_top2 (const double *x,
            const double *x_norms,
            const gsize  *index,
            gsize         n,
            gsize         cols,
            const double *neg2,
            const double *norms,
            guint         k_padded,
            guint        *best_j,
            double       *best,
            double       *upper,
            double       *lower)
{
  fused_vd xt[FUSED_MAX_COLS];

  g_assert (cols <= FUSED_MAX_COLS);
  g_assert (k_padded % FUSED_CENTRES == 0);

  for (gsize b = 0; b < n; b += FUSED_TILE)
    {
      const gsize m = MIN ((gsize) FUSED_TILE, n - b);
      const fused_vl none = { 0 };
      fused_vd v, w, u;
      fused_vl l = none;

      /* The rows of the tile after next are read from memory while this one is computed: the
       * pending rows are scattered, which defeats the hardware prefetcher. */
      for (gsize r = b + 2 * FUSED_TILE; r < MIN (n, b + 3 * FUSED_TILE); r++)
        for (gsize line = 0; line < cols * sizeof (double); line += 64)
          __builtin_prefetch ((const char *) (x + index[r] * cols) + line);

      for (gsize r = 0; r < FUSED_TILE; r++)
        {
          const double *row = x + index[b + MIN (r, m - 1)] * cols;

          /* A short tile repeats its last row; the copies' results are not stored. */
          for (gsize j = 0; j < cols; j++)
            xt[j][r] = row[j];
        }

      for (gsize r = 0; r < FUSED_TILE; r++)
        v[r] = w[r] = INFINITY;

      for (guint c = 0; c < k_padded; c += FUSED_CENTRES)
        {
          const double *c0 = neg2 + (gsize) c * cols;
          const double *c1 = c0 + cols;
          const double *c2 = c1 + cols;
          const double *c3 = c2 + cols;
          fused_vd e[FUSED_CENTRES];

          for (guint q = 0; q < FUSED_CENTRES; q++)
            for (gsize r = 0; r < FUSED_TILE; r++)
              e[q][r] = norms[c + q];

          for (gsize j = 0; j < cols; j++)
            {
              fused_vd xj = xt[j];

              e[0] += xj * c0[j];
              e[1] += xj * c1[j];
              e[2] += xj * c2[j];
              e[3] += xj * c3[j];
            }

          /* In centre order, so ties go to the lower index; the second smallest is
           * min (w, max (v, e)), as in top2_block(). */
          for (guint q = 0; q < FUSED_CENTRES; q++)
            {
              fused_vl closer = (fused_vl) (e[q] < v);
              fused_vd larger = (fused_vd) (((fused_vl) v & closer) | ((fused_vl) e[q] & ~closer));
              fused_vl below = (fused_vl) (larger < w);

              w = (fused_vd) (((fused_vl) larger & below) | ((fused_vl) w & ~below));
              l = ((none + (gint64) (c + q)) & closer) | (l & ~closer);
              v = (fused_vd) (((fused_vl) e[q] & closer) | ((fused_vl) v & ~closer));
            }
        }

      /* The bounds, a tile at a time (the square roots too, with -fno-math-errno). */
      for (gsize r = 0; r < FUSED_TILE; r++)
        {
          double norm = x_norms[index[b + MIN (r, m - 1)]];

          v[r] += norm;
          w[r] += norm;
        }
      v = (fused_vd) ((fused_vl) v & (v > 0.0));
      w = (fused_vd) ((fused_vl) w & (w > 0.0));
      for (gsize r = 0; r < FUSED_TILE; r++)
        {
          u[r] = sqrt (v[r]);
          w[r] = sqrt (w[r]);
        }

      for (gsize r = 0; r < m; r++)
        {
          best_j[b + r] = (guint) l[r];
          best[b + r] = v[r];
          upper[b + r] = u[r];
          lower[b + r] = w[r];
        }
    }
}

/* Whether a row whose bounds, exact in pass @stamp, were @upper for its centre @label and @lower
 * for every other centre, provably keeps @label in the current pass: @upper grows by how far
 * that centre has moved since, @lower shrinks by the farthest any other has, and while the
 * upper bound stays below the lower one, or below half the distance from the centre to its
 * nearest other one, no other centre can be closer (triangle inequality). Strictly: on a tie
 * the row is recomputed, so ties go to the lower index as in plain Lloyd iterations
 * (coinciding centres after an empty-cluster repair). Bounds older than the history are not
 * used. */
static inline gboolean
bounds_settled (const Workspace *ws,
                guint            stamp,
                guint            label,
                double           upper,
                double           lower)
{
  guint slot;

  if (stamp == G_MAXUINT || ws->pass - stamp >= ws->history)
    return FALSE;

  slot = stamp & (ws->history - 1);
  upper += ws->drift[(gsize) slot * ws->k + label];
  lower -= label == ws->drift_max_centre[slot] ? ws->drift_second[slot] : ws->drift_max[slot];

  return upper < MAX (lower, ws->half_gap[label]);
}

/* The screening kernel: fused_top2() in single precision for one tile of @m ≤ SCREEN_TILE
 * consecutive rows, whose float copies are stored a column at a time (cols vectors of
 * SCREEN_TILE, so they need no transposing), with their ‖x‖² in @x_norms. Sixteen rows to a
 * vector: twice the rows per instruction of the double kernel, and half the memory read. Its
 * nearest centre (@best_j) is only taken where it is certain. Rounding x, c, ‖x‖² and ‖c‖² to
 * float and summing them with cols products in float moves each squared distance by at most
 * (2 cols + 7) · 2⁻²⁴ · (‖x‖² + ‖c_j‖²) (Higham's bound for a dot product, with
 * ‖c‖² + 2|x·c| ≤ 2 (‖x‖² + ‖c‖²)); @margin times (‖x‖² + @c_max), with @c_max the largest
 * ‖c‖², is about twice that. Where the second smallest is more than two margins above the
 * smallest, no rounding can swap them and @sure is set: the label is the one exact arithmetic
 * gives, and the bounds (@upper, @lower: the distance to it and to the next, widened by a
 * margin and a few ulps each way) hold. Elsewhere (close calls and ties: on overlapping
 * clusters about one row in ten thousand) the caller asks fused_top2() in double precision. */
FUSED_CLONES static void
fused_top2_screen (const float  *tile,
                   const double *x_norms,
                   gsize         m,
                   gsize         cols,
                   const float  *neg2,
                   const float  *norms,
                   guint         k_padded,
                   float         margin,
                   float         c_max,
                   guint        *best_j,
                   float        *upper,
                   float        *lower,
                   gboolean     *sure)
{
  const screen_vi none = { 0 };
  screen_vf row_norms, v, w, eps, up, lo;
  screen_vi l = none, certain;

  g_assert (cols <= FUSED_MAX_COLS);
  g_assert (k_padded % SCREEN_CENTRES == 0);
  g_assert (m >= 1 && m <= SCREEN_TILE);

  for (gsize r = 0; r < SCREEN_TILE; r++)
    {
      /* A short tile repeats its last row; the copies' results are not stored. */
      row_norms[r] = (float) x_norms[MIN (r, m - 1)];
      v[r] = w[r] = INFINITY;
    }

  for (guint c = 0; c < k_padded; c += SCREEN_CENTRES)
    {
      const float *cc = neg2 + (gsize) c * cols;
      screen_vf e[SCREEN_CENTRES];

      /* ‖x‖² + ‖c‖² − 2 x·c: the squared distances themselves. */
      for (guint q = 0; q < SCREEN_CENTRES; q++)
        e[q] = row_norms + norms[c + q];

      for (gsize j = 0; j < cols; j++)
        {
          screen_vf xj;

          memcpy (&xj, tile + j * SCREEN_TILE, sizeof xj);
          e[0] += xj * cc[j];
          e[1] += xj * cc[cols + j];
          e[2] += xj * cc[2 * cols + j];
          e[3] += xj * cc[3 * cols + j];
          e[4] += xj * cc[4 * cols + j];
          e[5] += xj * cc[5 * cols + j];
          e[6] += xj * cc[6 * cols + j];
          e[7] += xj * cc[7 * cols + j];
        }

      /* As in fused_top2(): ties to the lower index, the second smallest kept too. */
      for (guint q = 0; q < SCREEN_CENTRES; q++)
        {
          screen_vi closer = (screen_vi) (e[q] < v);
          screen_vf larger = (screen_vf) (((screen_vi) v & closer) |
                                          ((screen_vi) e[q] & ~closer));
          screen_vi below = (screen_vi) (larger < w);

          w = (screen_vf) (((screen_vi) larger & below) | ((screen_vi) w & ~below));
          l = ((none + (gint32) (c + q)) & closer) | (l & ~closer);
          v = (screen_vf) (((screen_vi) e[q] & closer) | ((screen_vi) v & ~closer));
        }
    }

  eps = margin * (row_norms + c_max) + SCREEN_FLOOR;
  certain = (screen_vi) (w - v > eps + eps);
  up = v + eps;
  lo = w - eps;
  up = (screen_vf) ((screen_vi) up & (up > 0.0f));
  lo = (screen_vf) ((screen_vi) lo & (lo > 0.0f));
  for (gsize r = 0; r < SCREEN_TILE; r++)
    {
      up[r] = sqrtf (up[r]);
      lo[r] = sqrtf (lo[r]);
    }
  /* The square roots and the sums before them round to nearest: a few ulps of room. */
  up *= 1.0f + 0x1p-20f;
  lo *= 1.0f - 0x1p-20f;

  for (gsize r = 0; r < m; r++)
    {
      best_j[r] = (guint) l[r];
      upper[r] = up[r];
      lower[r] = lo[r];
      sure[r] = certain[r] != 0;
    }
}

/* Moves the @n rows listed in @moved into the clusters in @moved_to: each row's values leave
 * its old cluster's sums (unless it had none yet) and join the new one's, in this chunk's
 * partial sums and counts. The rows are fetched MOVE_AHEAD rows ahead (after the screen they
 * are not in the cache), and added eight columns to a vector. */
FUSED_CLONES static void
move_rows (const Workspace *ws,
           Run             *run,
           double          *sums,
           gssize          *counts,
           const gsize     *moved,
           const guint     *moved_to,
           gsize            n)
{
  const gsize cols = ws->cols;

  for (gsize q = 0; q < n; q++)
    {
      const double *row = ws->x + moved[q] * cols;
      const guint label = moved_to[q];
      const guint old = run->labels[moved[q]];
      double *to = sums + (gsize) label * cols;
      double *from = old != G_MAXUINT ? sums + (gsize) old * cols : NULL;
      gsize j = 0;

      if (q + MOVE_AHEAD < n)
        for (gsize line = 0; line < cols * sizeof (double); line += 64)
          __builtin_prefetch ((const char *) (ws->x + moved[q + MOVE_AHEAD] * cols) + line);

      run->labels[moved[q]] = label;
      counts[label]++;
      if (from != NULL)
        counts[old]--;

      for (; j + FUSED_TILE <= cols; j += FUSED_TILE)
        {
          fused_vd value, sum;

          memcpy (&value, row + j, sizeof value);
          memcpy (&sum, to + j, sizeof sum);
          sum += value;
          memcpy (to + j, &sum, sizeof sum);
          if (from == NULL)
            continue;
          memcpy (&sum, from + j, sizeof sum);
          sum -= value;
          memcpy (from + j, &sum, sizeof sum);
        }
      for (; j < cols; j++)
        {
          to[j] += row[j];
          if (from != NULL)
            from[j] -= row[j];
        }
    }
}

/* @value rounded to a float that is not below it, or not above it. */
static inline float
float_above (double value)
{
  float f = (float) value;

  return (double) f < value ? nextafterf (f, INFINITY) : f;
}

static inline float
float_below (double value)
{
  float f = (float) value;

  return (double) f > value ? nextafterf (f, -INFINITY) : f;
}

/* The assignment step with screening: assign_chunk()'s bounds (kept in float), tested a row at
 * a time; a tile of SCREEN_TILE rows with at least SCREEN_MIN_PENDING rows that may change is
 * computed whole by fused_top2_screen() (which renews the bounds of its other rows too), while
 * the pending rows of the other tiles, and the close calls of the screen, go to fused_top2() in
 * double precision. So the labels are those of the double kernel, up to distances that exact
 * arithmetic can tell apart and double rounding might not. The rows that moved update the sums
 * at the end of each block, read a few rows ahead: they were not read in double, so they are
 * not in the cache. */
static void
assign_chunk_screen (gpointer data,
                     guint    chunk)
{
  Pass *pass = data;
  Workspace *ws = pass->ws;
  Run *run = pass->run;
  const gsize cols = ws->cols;
  const guint k = ws->k;
  const guint now = ws->pass;
  double *sums = ws->chunk_sums + (gsize) chunk * k * cols;
  gssize *counts = ws->chunk_counts + (gsize) chunk * k;
  guint8 tile_pending[BLOCK_ROWS / SCREEN_TILE];
  guint tile_j[SCREEN_TILE];
  gboolean sure[SCREEN_TILE];
  g_autofree gsize *pending = g_new (gsize, BLOCK_ROWS);
  g_autofree gsize *exact = g_new (gsize, BLOCK_ROWS);
  g_autofree guint *exact_j = g_new (guint, BLOCK_ROWS);
  g_autofree double *exact_d = g_new (double, 3 * BLOCK_ROWS);
  g_autofree gsize *moved = g_new (gsize, BLOCK_ROWS);
  g_autofree guint *moved_to = g_new (guint, BLOCK_ROWS);
  gsize changed = 0;
  gsize computed = 0;
  gsize chunk_start, chunk_end;

  chunk_range (ws, chunk, &chunk_start, &chunk_end);
  memset (sums, 0, (gsize) k * cols * sizeof (double));
  memset (counts, 0, k * sizeof (gssize));

  for (gsize start = chunk_start; start < chunk_end; start += BLOCK_ROWS)
    {
      const gsize n = MIN ((gsize) BLOCK_ROWS, chunk_end - start);
      gsize n_pending = 0, n_exact = 0, n_moved = 0, next = 0;

      /* Every row is pending: every tile is computed whole. */
      if (ws->assign_all)
        {
          memset (tile_pending, SCREEN_TILE, sizeof tile_pending);
          n_pending = n;
        }
      else
        memset (tile_pending, 0, sizeof tile_pending);

      for (gsize i = start; i < start + n && !ws->assign_all; i++)
        {
          const gboolean settled = bounds_settled (ws, run->stamp[i], run->labels[i],
                                                   run->upper_f[i], run->lower_f[i]);

          pending[n_pending] = i;
          n_pending += !settled;
          tile_pending[(i - start) / SCREEN_TILE] += !settled;
        }

      for (gsize first = start; first < start + n; first += SCREEN_TILE)
        {
          const gsize m = MIN ((gsize) SCREEN_TILE, start + n - first);
          const guint count = tile_pending[(first - start) / SCREEN_TILE];

          if (count < SCREEN_MIN_PENDING)
            {
              for (guint r = 0; r < count; r++)
                exact[n_exact++] = pending[next++];
              continue;
            }
          next += count;
          computed += m;

          /* Many rows moved last time: this tile's rows are fetched for the sums now, while
           * the screen works on their float copies. */
          if (ws->fetch_rows)
            for (gsize line = 0; line < m * cols * sizeof (double); line += 64)
              __builtin_prefetch ((const char *) (ws->x + first * cols) + line);

          /* The first pass computes every tile: it makes the float copies on the way, while
           * the rows are in the cache for the sums. Tiles start at multiples of SCREEN_TILE
           * (so do blocks and chunks); a short last tile repeats its last row. */
          if (!ws->tiles_ready)
            build_tiles (ws->x, first, first + m, cols, ws->tiles + first * cols);

          fused_top2_screen (ws->tiles + first * cols, ws->x_norms + first, m, cols, ws->neg2f,
                             ws->neg2f_norms, ws->k_padded, ws->screen_margin, ws->screen_c_max,
                             tile_j, run->upper_f + first, run->lower_f + first, sure);
          for (gsize r = 0; r < m; r++)
            {
              const gsize i = first + r;

              run->stamp[i] = now;
              if (!sure[r])
                exact[n_exact++] = i;
              else if (tile_j[r] != run->labels[i])
                {
                  moved[n_moved] = i;
                  moved_to[n_moved++] = tile_j[r];
                }
            }
        }

      if (n_exact > 0)
        {
          computed += n_exact;
          fused_top2 (ws->x, ws->x_norms, exact, n_exact, cols, ws->neg2, ws->neg2_norms,
                      ws->k_padded, exact_j, exact_d, exact_d + BLOCK_ROWS,
                      exact_d + 2 * BLOCK_ROWS);
          for (gsize q = 0; q < n_exact; q++)
            {
              const gsize i = exact[q];

              run->stamp[i] = now;
              run->upper_f[i] = float_above (exact_d[BLOCK_ROWS + q]);
              run->lower_f[i] = float_below (exact_d[2 * BLOCK_ROWS + q]);
              if (exact_j[q] != run->labels[i])
                {
                  moved[n_moved] = i;
                  moved_to[n_moved++] = exact_j[q];
                }
            }
        }

      move_rows (ws, run, sums, counts, moved, moved_to, n_moved);
      changed += n_moved;
    }

  ws->chunk_changed[chunk] = changed;
  ws->chunk_value[(gsize) chunk * MAX_TRIALS] = (double) computed;
}

/* The assignment step for one chunk, with the bounds of Hamerly (2010, "Making k-means even
 * faster"): every row keeps an upper bound u of its distance to its centre and a lower bound l
 * of its distance to every other centre, both exact in the pass of the row's stamp. They are
 * carried to the current centres with how far each centre now is from where it was then, as
 * Newling and Fleuret (2016, "Fast k-means with accurate bounds") do: u grows by the drift of
 * its own centre and l shrinks by the largest drift of the others; ‖c_now − c_then‖ is never
 * more than the sum of the shifts in between, and a row that cannot change is only read, never
 * written. While u < max (l, half the distance from its centre to the nearest other centre), no
 * other centre can be closer (triangle inequality) and the row is skipped without reading it.
 * The other rows of a block get all their distances from fused_top2() reading them in place
 * (double precision, up to FUSED_MAX_COLS columns), or are gathered (or, when they are most of
 * it, the whole block is taken in place) for one dgemm (sgemm on the float copies);
 * ‖x‖² − 2·x·c + ‖c‖² clamped at 0, which also renews their bounds. So the labels are those of
 * plain Lloyd iterations (up to the rounding of the distances themselves), while after the
 * first few iterations most rows cost a comparison instead of k distances: on the
 * 1,000,000 × 16 benchmark with k = 8, 17 iterations cost as much as 5 plain ones. On heavily
 * overlapping clusters with many centres (k = 32 there) two rows in three still need computing
 * every pass: the bounds cannot do better when the two nearest centres are nearly as close.
 *
 * Rows that change cluster add their values to the new cluster's sums and subtract them from the
 * old one's, per chunk, so the update step needs no pass over all rows either. With
 * ws->assign_all every row is computed (the first iteration, when no bounds exist; labels of
 * G_MAXUINT mean "none yet", so the sums are then built from scratch; and the pass after one
 * that found almost every row pending). */
static void
assign_chunk (gpointer data,
              guint    chunk)
{
  Pass *pass = data;
  Workspace *ws = pass->ws;
  Run *run = pass->run;
  const gsize cols = ws->cols;
  const guint k = ws->k;
  const gboolean single = ws->single;
  const gboolean fused = ws->neg2 != NULL;
  const guint now = ws->pass;
  double *sums = ws->chunk_sums + (gsize) chunk * k * cols;
  gssize *counts = ws->chunk_counts + (gsize) chunk * k;
  g_autofree gsize *pending = g_new (gsize, BLOCK_ROWS);
  g_autofree double *norms = g_new (double, BLOCK_ROWS);
  g_autofree guint *best_j = g_new (guint, BLOCK_ROWS);
  g_autofree double *best = g_new (double, BLOCK_ROWS);
  g_autofree double *second = g_new (double, BLOCK_ROWS);
  g_autofree double *roots = g_new (double, BLOCK_ROWS);
  g_autofree double *dots = NULL;
  g_autofree double *rows_d = NULL;
  g_autofree float *dots_f = NULL;
  g_autofree float *rows_f = NULL;
  g_autofree gsize *moved = g_new (gsize, BLOCK_ROWS);
  g_autofree guint *moved_to = g_new (guint, BLOCK_ROWS);
  gsize n_moved;
  gsize changed = 0;
  gsize computed = 0;
  gsize chunk_start, chunk_end;

  if (single)
    {
      dots_f = g_new (float, (gsize) BLOCK_ROWS * k);
      rows_f = g_new (float, (gsize) BLOCK_ROWS * cols);
    }
  else if (!fused)
    {
      dots = g_new (double, (gsize) BLOCK_ROWS * k);
      rows_d = g_new (double, (gsize) BLOCK_ROWS * cols);
    }

  chunk_range (ws, chunk, &chunk_start, &chunk_end);
  memset (sums, 0, (gsize) k * cols * sizeof (double));
  memset (counts, 0, k * sizeof (gssize));

  for (gsize start = chunk_start; start < chunk_end; start += BLOCK_ROWS)
    {
      gsize n = MIN ((gsize) BLOCK_ROWS, chunk_end - start);
      gsize n_pending = 0;
      gboolean contiguous;

      for (gsize i = start; i < start + n; i++)
        {
          const gboolean settled = !ws->assign_all &&
                                   bounds_settled (ws, run->stamp[i], run->labels[i],
                                                   run->upper[i], run->lower[i]);

          /* Without a branch: whether a row is settled is a coin toss on overlapping clusters. */
          pending[n_pending] = i;
          n_pending += !settled;
        }

      if (n_pending == 0)
        continue;

      /* The fused kernel reads the pending rows where they are and computes only those. */
      if (fused)
        {
          computed += n_pending;
          fused_top2 (ws->x, ws->x_norms, pending, n_pending, cols, ws->neg2, ws->neg2_norms,
                      ws->k_padded, best_j, best, roots, second);
          goto labels;
        }

      /* When most of a block needs its distances, the whole block is computed in place (which
       * also renews the bounds of the others); otherwise its pending rows are gathered. */
      contiguous = 2 * n_pending > n;
      if (contiguous)
        {
          n_pending = n;
          for (gsize p = 0; p < n; p++)
            pending[p] = start + p;
        }

      computed += n_pending;
      for (gsize p = 0; p < n_pending; p++)
        {
          norms[p] = ws->x_norms[pending[p]];
          if (contiguous)
            continue;
          if (single)
            memcpy (rows_f + p * cols, ws->xf + pending[p] * cols, cols * sizeof (float));
          else
            memcpy (rows_d + p * cols, ws->x + pending[p] * cols, cols * sizeof (double));
        }

      if (single)
        {
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                       (int) k, (int) n_pending, (int) cols,
                       -2.0f, ws->cf, (int) cols,
                       contiguous ? ws->xf + start * cols : rows_f, (int) cols,
                       0.0f, dots_f, (int) n_pending);
          top2_block_float (dots_f, ws->cf_norms, n_pending, k, best_j, best, second);
        }
      else
        {
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                       (int) k, (int) n_pending, (int) cols,
                       -2.0, run->centroids, (int) cols,
                       contiguous ? ws->x + start * cols : rows_d, (int) cols,
                       0.0, dots, (int) n_pending);
          top2_block (dots, ws->c_norms, n_pending, k, best_j, best, second);
        }

      /* Squared distances, then the bounds: their square roots, two at a time. */
      for (gsize p = 0; p < n_pending; p++)
        {
          best[p] = MAX (best[p] + norms[p], 0.0);
          second[p] = MAX (second[p] + norms[p], 0.0);
        }
      sqrt_array (best, roots, n_pending);
      sqrt_array (second, second, n_pending);

    labels:
      n_moved = 0;
      for (gsize p = 0; p < n_pending; p++)
        {
          gsize i = pending[p];

          run->min_dist[i] = best[p];
          run->upper[i] = roots[p];
          run->lower[i] = second[p];
          run->stamp[i] = now;
          moved[n_moved] = i;
          moved_to[n_moved] = best_j[p];
          n_moved += best_j[p] != run->labels[i];
        }
      changed += n_moved;

      if (!single)
        {
          move_rows (ws, run, sums, counts, moved, moved_to, n_moved);
          continue;
        }

      for (gsize q = 0; q < n_moved; q++)
        {
          const gsize i = moved[q];
          const guint old = run->labels[i];

          run->labels[i] = moved_to[q];
          counts[moved_to[q]]++;
          add_row_float (sums + (gsize) moved_to[q] * cols, ws->xf + i * cols, cols, 1.0);
          if (old == G_MAXUINT)
            continue;
          counts[old]--;
          add_row_float (sums + (gsize) old * cols, ws->xf + i * cols, cols, -1.0);
        }
    }

  ws->chunk_changed[chunk] = changed;
  ws->chunk_value[(gsize) chunk * MAX_TRIALS] = (double) computed;
}

/* Before an assignment pass: keeps its centres in the history and measures how far every centre
 * now is from where it was in each pass the history still holds, for assign_chunk(). */
static void
prepare_history (Workspace    *ws,
                 const double *centroids)
{
  const guint k = ws->k;
  const gsize cols = ws->cols;
  const guint h = ws->history;
  const guint now = ws->pass;

  memcpy (ws->past_centres + (gsize) (now % h) * k * cols, centroids,
          (gsize) k * cols * sizeof (double));

  for (guint then = now >= h ? now - h + 1 : 0; then <= now; then++)
    {
      const guint slot = then % h;
      const double *past = ws->past_centres + (gsize) slot * k * cols;
      double *drift = ws->drift + (gsize) slot * k;

      ws->drift_max[slot] = ws->drift_second[slot] = 0.0;
      ws->drift_max_centre[slot] = 0;
      for (guint c = 0; c < k; c++)
        {
          drift[c] = sqrt (sq_dist (centroids + (gsize) c * cols, past + (gsize) c * cols, cols));
          if (drift[c] > ws->drift_max[slot])
            {
              ws->drift_second[slot] = ws->drift_max[slot];
              ws->drift_max[slot] = drift[c];
              ws->drift_max_centre[slot] = c;
            }
          else
            ws->drift_second[slot] = MAX (ws->drift_second[slot], drift[c]);
        }
    }
}

/* Runs the assignment step over all chunks and adds their changes, in chunk order, to @sums
 * (k × cols) and run->sizes. Returns the number of labels that changed. */
static gsize
assign_rows (Workspace *ws,
             Run       *run,
             double    *sums)
{
  const gsize kc = (gsize) ws->k * ws->cols;
  Pass pass = { ws, run };
  gsize changed = 0;
  double computed = 0.0;

  cst_matrix_row_sq_norms (run->centroids, ws->k, ws->cols, ws->c_norms);

  if (ws->neg2 != NULL)
    {
      /* Times −2 is exact, so these are the products BLAS would be asked for. */
      for (gsize e = 0; e < kc; e++)
        ws->neg2[e] = -2.0 * run->centroids[e];
      memcpy (ws->neg2_norms, ws->c_norms, ws->k * sizeof (double));
    }

  if (ws->screen)
    {
      ws->screen_c_max = 0.0f;
      for (guint c = 0; c < ws->k; c++)
        {
          double norm = 0.0;

          for (gsize j = 0; j < ws->cols; j++)
            {
              float value = (float) run->centroids[(gsize) c * ws->cols + j];

              ws->neg2f[(gsize) c * ws->cols + j] = -2.0f * value;
              norm += (double) value * value;
            }
          ws->neg2f_norms[c] = (float) norm;
          ws->screen_c_max = MAX (ws->screen_c_max, ws->neg2f_norms[c]);
        }
    }

  if (ws->single)
    {
      for (gsize e = 0; e < kc; e++)
        ws->cf[e] = (float) run->centroids[e];
      for (guint c = 0; c < ws->k; c++)
        {
          double norm = 0.0;

          for (gsize j = 0; j < ws->cols; j++)
            norm += (double) ws->cf[(gsize) c * ws->cols + j] * ws->cf[(gsize) c * ws->cols + j];
          ws->cf_norms[c] = (float) norm;
        }
    }

  prepare_history (ws, run->centroids);

  g_assert (!ws->screen || ws->tiles_ready || ws->assign_all);
  team_run (ws->team, ws->n_chunks, ws->screen ? assign_chunk_screen : assign_chunk, &pass);
  ws->tiles_ready = ws->screen;
  ws->pass++;

  for (guint chunk = 0; chunk < ws->n_chunks; chunk++)
    {
      const double *chunk_sums = ws->chunk_sums + chunk * kc;
      const gssize *chunk_counts = ws->chunk_counts + (gsize) chunk * ws->k;

      for (gsize e = 0; e < kc; e++)
        sums[e] += chunk_sums[e];
      for (guint c = 0; c < ws->k; c++)
        run->sizes[c] = (gsize) ((gssize) run->sizes[c] + chunk_counts[c]);
      changed += ws->chunk_changed[chunk];
      computed += ws->chunk_value[(gsize) chunk * MAX_TRIALS];
    }

  /* Per-iteration detail is too chatty for G_MESSAGES_DEBUG=all; keep it for debugging. */
  (void) computed;

  /* When the bounds were tested and almost every row had to be computed anyway, testing them
   * costs more than it saves: the next passes compute every row (renewing every bound) without
   * testing, one pass the first time, then twice as many each time the test finds the same
   * (at most 8), and none once it pays again. */
  if (ws->assign_all)
    {
      if (ws->skip_tests > 0)
        ws->skip_tests--;
    }
  else if (computed >= 0.9 * (double) ws->rows)
    ws->skip_tests = ws->test_backoff = CLAMP (2 * ws->test_backoff, 1, 8);
  else
    ws->test_backoff = 0;
  ws->assign_all = ws->skip_tests > 0;
  ws->fetch_rows = changed > ws->rows / 8;

  return changed;
}

/* Starts an assignment from nothing: no labels, empty sums, every row to be computed. */
static void
assign_reset (Workspace *ws,
              Run       *run,
              double    *sums)
{
  for (gsize i = 0; i < ws->rows; i++)
    {
      run->labels[i] = G_MAXUINT;
      run->stamp[i] = G_MAXUINT;
    }
  memset (sums, 0, (gsize) ws->k * ws->cols * sizeof (double));
  memset (run->sizes, 0, ws->k * sizeof (gsize));
  ws->assign_all = TRUE;
  ws->skip_tests = ws->test_backoff = 0;
  ws->fetch_rows = TRUE;
  ws->pass = 0;
}

/* The inertia of the current labels with respect to the centres they were assigned to, from the
 * cluster sums: Σ ‖x_i − c_(i)‖² = Σ ‖x_i‖² − 2 Σ_c c·S_c + Σ_c n_c ‖c‖². No pass over the rows,
 * which the bounds let most iterations skip; it only serves the tolerance test (the reported
 * inertia is summed from direct differences). */
static double
inertia_from_sums (const Workspace *ws,
                   const Run       *run,
                   const double    *sums)
{
  double inertia = ws->x_sq_total;

  for (guint c = 0; c < ws->k; c++)
    {
      const double *centre = run->centroids + (gsize) c * ws->cols;
      const double *sum = sums + (gsize) c * ws->cols;
      double dot = 0.0, norm = 0.0;

      for (gsize j = 0; j < ws->cols; j++)
        {
          dot += centre[j] * sum[j];
          norm += centre[j] * centre[j];
        }
      inertia += (double) run->sizes[c] * norm - 2.0 * dot;
    }

  return MAX (inertia, 0.0);
}

/* Half the distance from each centre to its nearest other centre, for the bounds of
 * assign_chunk(). */
static void
measure_gaps (Workspace *ws,
              const Run *run)
{
  const gsize cols = ws->cols;

  for (guint c = 0; c < ws->k; c++)
    ws->half_gap[c] = INFINITY;

  for (guint c = 0; c < ws->k; c++)
    for (guint o = c + 1; o < ws->k; o++)
      {
        double half = 0.5 * sqrt (sq_dist (run->centroids + (gsize) c * cols,
                                           run->centroids + (gsize) o * cols, cols));

        ws->half_gap[c] = MIN (ws->half_gap[c], half);
        ws->half_gap[o] = MIN (ws->half_gap[o], half);
      }
}

/* The update step, from the sums of assign_rows(): every centre moves to the mean of its rows.
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

  gboolean distances = !ws->screen;

  for (guint c = 0; c < k; c++)
    {
      gsize far = G_MAXSIZE;
      double far_dist = -1.0;
      guint old;

      if (run->sizes[c] > 0)
        continue;

      /* Screening keeps no distances: they are measured once, when a cluster empties. */
      if (!distances)
        {
          for (gsize i = 0; i < rows; i++)
            run->min_dist[i] = run->labels[i] == G_MAXUINT
                               ? 0.0
                               : sq_dist (ws->x + i * cols,
                                          run->centroids + (gsize) run->labels[i] * cols, cols);
          distances = TRUE;
        }

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
      /* No bounds: the next step recomputes the row. */
      run->stamp[far] = G_MAXUINT;
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
         guint                    n_init,
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

  cst_progress_report (progress, progress_data, (double) init / n_init,
                       _("Choosing initial segment centers"));

  if (options->init_centroids != NULL)
    memcpy (run->centroids, options->init_centroids, (gsize) ws->k * ws->cols * sizeof (double));
  else if (!seed_plusplus (ws, run, rand, cancellable, error))
    return FALSE;

  seeded = g_get_monotonic_time ();

  assign_reset (ws, run, sums);
  run->iterations = 0;

  for (guint iter = 0; iter < options->max_iter; iter++)
    {
      gsize changed;
      double inertia;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      cst_progress_report (progress, progress_data,
                           (init + (double) iter / options->max_iter) / n_init,
                           _("Refining segments"));

      changed = assign_rows (ws, run, sums);
      inertia = inertia_from_sums (ws, run, sums);
      run->iterations = iter + 1;

      /* Labels that did not move mean the centers are already the means of their clusters. */
      if (changed == 0)
        {
          converged = TRUE;
          break;
        }

      update_centroids (ws, run, sums);
      measure_gaps (ws, run);

      /* previous == 0 also stops here: every row sits on its centre. */
      if (isfinite (previous) && fabs (previous - inertia) <= options->tol * previous)
        break;

      previous = inertia;
    }

  /* The centers moved after the last assignment: one more assignment step makes every label
   * point at its nearest final centre. */
  if (!converged)
    assign_rows (ws, run, sums);

  finish_run (ws, run);

  g_debug ("init %u: seeding %.3f s, %u iterations %.3f s, inertia %.17g", init,
           (seeded - started) / (double) G_USEC_PER_SEC, run->iterations,
           (g_get_monotonic_time () - seeded) / (double) G_USEC_PER_SEC, run->inertia);

  return TRUE;
}

/* Labels each of the @n rows of @x with its nearest centre (ties go to the lower index) and
 * returns the sum of the squared distances, from the BLAS identity clamped at 0; @dists
 * (nullable) receives them one by one. @dots holds BLOCK_ROWS × k doubles. Single-threaded: for
 * the small sets of mini-batch k-means and for predictions. */
static double
nearest_centres (const double *x,
                 const double *x_norms,
                 gsize         n,
                 gsize         cols,
                 const double *centroids,
                 const double *c_norms,
                 guint         k,
                 guint        *labels,
                 double       *dists,
                 double       *dots)
{
  double total = 0.0;

  for (gsize start = 0; start < n; start += BLOCK_ROWS)
    {
      gsize m = MIN ((gsize) BLOCK_ROWS, n - start);

      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                   (int) m, (int) k, (int) cols,
                   -2.0, x + start * cols, (int) cols,
                   centroids, (int) cols,
                   0.0, dots, (int) k);

      for (gsize b = 0; b < m; b++)
        {
          double best = INFINITY;
          guint best_j = 0;

          for (guint j = 0; j < k; j++)
            {
              double d = dots[b * k + j] + c_norms[j];
              gboolean closer = d < best;

              best_j = closer ? j : best_j;
              best = closer ? d : best;
            }

          best += x_norms[start + b];
          if (best < 0.0)
            best = 0.0;

          labels[start + b] = best_j;
          if (dists != NULL)
            dists[start + b] = best;
          total += best;
        }
    }

  return total;
}

/* Rows drawn to choose the starting centres of mini-batch k-means, and as many again to compare
 * the n_init candidates: 3 × batch_size, at least 3k, as in scikit-learn's MiniBatchKMeans. */
static gsize
minibatch_init_size (gsize rows,
                     guint k,
                     guint batch_size)
{
  return MIN (rows, MAX (3 * (gsize) batch_size, 3 * (gsize) k));
}

/* Copies @n rows drawn uniformly with replacement, and their squared norms, into @out. */
static void
draw_rows (const Workspace *ws,
           GRand           *rand,
           gsize            n,
           double          *out,
           double          *out_norms)
{
  for (gsize b = 0; b < n; b++)
    {
      gsize i = random_index (rand, ws->rows);

      memcpy (out + b * ws->cols, ws->x + i * ws->cols, ws->cols * sizeof (double));
      out_norms[b] = ws->x_norms[i];
    }
}

/* After a final assignment: a centre that no row chose moves onto the row farthest from its own
 * centre, among clusters that can spare one (the repair of update_centroids()). Returns whether
 * any centre moved. */
static gboolean
repair_empty (const Workspace *ws,
              Run             *run)
{
  gboolean moved = FALSE;

  for (guint c = 0; c < ws->k; c++)
    {
      gsize far = G_MAXSIZE;
      double far_dist = -1.0;

      if (run->sizes[c] > 0)
        continue;

      for (gsize i = 0; i < ws->rows; i++)
        {
          if (run->sizes[run->labels[i]] > 1 && run->min_dist[i] > far_dist)
            {
              far_dist = run->min_dist[i];
              far = i;
            }
        }

      g_assert (far != G_MAXSIZE);

      g_debug ("mini-batch centre %u is empty: row %zu moves into it", c, far + 1);

      run->sizes[run->labels[far]]--;
      run->sizes[c] = 1;
      run->labels[far] = c;
      run->min_dist[far] = 0.0;
      memcpy (run->centroids + (gsize) c * ws->cols, ws->x + far * ws->cols,
              ws->cols * sizeof (double));
      moved = TRUE;
    }

  return moved;
}

/* Steps without improvement of the smoothed batch inertia after which mini-batch k-means stops,
 * and the weight of the newest batch in that exponentially weighted average (a window of about
 * 2 / MINIBATCH_ALPHA − 1 = 19 batches). */
#define MINIBATCH_PATIENCE 10
#define MINIBATCH_ALPHA    0.1

/* Steps every initialization of mini-batch k-means runs before they are compared: the first
 * steps decide which local minimum a start descends into, the rest only refine it. */
#define MINIBATCH_PROBE 20

/* One mini-batch descent, which can be stopped and resumed. */
typedef struct
{
  GRand   *rand;       /* draws the batches */
  double  *centroids;  /* k × cols */
  double  *counts;     /* k: rows each centre has received */
  double   ewa;        /* smoothed batch inertia */
  double   ewa_min;
  guint    no_improvement;
  guint    steps;
  gboolean done;       /* converged (no improvement) or max_iter reached */
} Descent;

static void
descent_free (Descent *descent)
{
  if (descent == NULL)
    return;

  g_clear_pointer (&descent->rand, g_rand_free);
  g_free (descent->centroids);
  g_free (descent->counts);
  g_free (descent);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Descent, descent_free)

/* Runs the steps of @descent until it is done or has made @until steps. Returns FALSE with
 * @error set when cancelled. */
static gboolean
descent_run (Workspace               *ws,
             Descent                 *descent,
             const CstKmeansOptions  *options,
             guint                    until,
             GCancellable            *cancellable,
             GError                 **error)
{
  const gsize cols = ws->cols;
  const guint k = ws->k;
  const gsize batch = MIN ((gsize) options->batch_size, ws->rows);
  double *centroids = descent->centroids;
  g_autofree double *bx = g_new (double, batch * cols);
  g_autofree double *b_norms = g_new (double, batch);
  g_autofree guint *b_labels = g_new (guint, batch);
  g_autofree double *dots = g_new (double, (gsize) BLOCK_ROWS * k);
  g_autofree double *sums = g_new (double, (gsize) k * cols);
  g_autofree gsize *b_sizes = g_new (gsize, k);

  until = MIN (until, options->max_iter);

  while (!descent->done && descent->steps < until)
    {
      double inertia;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      draw_rows (ws, descent->rand, batch, bx, b_norms);
      cst_matrix_row_sq_norms (centroids, k, cols, ws->c_norms);
      inertia = nearest_centres (bx, b_norms, batch, cols, centroids, ws->c_norms, k,
                                 b_labels, NULL, dots) / (double) batch;

      memset (sums, 0, (gsize) k * cols * sizeof (double));
      memset (b_sizes, 0, k * sizeof (gsize));
      for (gsize b = 0; b < batch; b++)
        {
          add_row (sums + (gsize) b_labels[b] * cols, bx + b * cols, cols);
          b_sizes[b_labels[b]]++;
        }

      /* Per-centre learning rate 1/v over the rows it received so far (Sculley 2010). */
      for (guint c = 0; c < k; c++)
        {
          double *centre = centroids + (gsize) c * cols;
          double v;

          if (b_sizes[c] == 0)
            continue;

          v = descent->counts[c] + (double) b_sizes[c];
          for (gsize j = 0; j < cols; j++)
            centre[j] = (centre[j] * descent->counts[c] + sums[(gsize) c * cols + j]) / v;
          descent->counts[c] = v;
        }

      descent->steps++;
      descent->done = descent->steps >= options->max_iter;

      /* The first batch measures the starting centres, not the fit. */
      if (descent->steps == 1)
        continue;

      descent->ewa = isfinite (descent->ewa)
                     ? (1.0 - MINIBATCH_ALPHA) * descent->ewa + MINIBATCH_ALPHA * inertia
                     : inertia;
      if (descent->ewa < descent->ewa_min)
        {
          descent->ewa_min = descent->ewa;
          descent->no_improvement = 0;
        }
      else if (++descent->no_improvement >= MINIBATCH_PATIENCE)
        descent->done = TRUE;
    }

  return TRUE;
}

/* Mini-batch k-means (Sculley 2010, "Web-scale k-means clustering"). Every step draws
 * batch_size rows uniformly with replacement, assigns them to their nearest centres, and moves
 * each centre towards its rows with the per-centre learning rate 1/v, v being the number of rows
 * the centre has received so far; over one batch in which b rows chose centre c that is
 *   c ← (v·c + Σ x) / (v + b),   v ← v + b.
 * It stops after max_iter steps, or earlier when a moving average of the batch inertia has not
 * improved for MINIBATCH_PATIENCE steps (scikit-learn's max_no_improvement; tol is not used).
 *
 * Each of the n_init initializations seeds greedy k-means++ on its own random subset of
 * 3 × batch_size rows (seeding on all rows would cost 2k passes over the data, more than the
 * whole fit) and descends MINIBATCH_PROBE steps; they are then judged by their inertia on one
 * more random subset, and only the best descends on. Judging after some steps rather than at
 * the seeds matters: on overlapping data different seeds descend into different local minima,
 * and the best seed is not always the best end (on the benchmark, one k in three ended 2 %
 * worse). Every initialization draws from its own GRand seeded with (seed, index), as in
 * Lloyd's path.
 *
 * Then one threaded pass assigns every row to its nearest centre (in float when asked), so the
 * labels, sizes and the exact inertia describe the returned centres; centres that no row chose
 * are repaired as in Lloyd's path. */
static gboolean
fit_minibatch (Workspace               *ws,
               Run                     *run,
               const CstKmeansOptions  *options,
               GCancellable            *cancellable,
               CstProgressFunc          progress,
               gpointer                 progress_data,
               GError                 **error)
{
  const gsize cols = ws->cols;
  const guint k = ws->k;
  const gsize size = minibatch_init_size (ws->rows, k, options->batch_size);
  const guint n_init = options->init_centroids != NULL ? 1 : options->n_init;
  const guint32 valid_seed[2] = { options->seed, G_MAXUINT32 };
  g_autoptr(GRand) valid_rand = g_rand_new_with_seed_array (valid_seed, G_N_ELEMENTS (valid_seed));
  g_autofree double *valid = g_new (double, size * cols);
  g_autofree double *valid_norms = g_new (double, size);
  g_autofree double *subset = g_new (double, size * cols);
  g_autofree guint *labels = g_new (guint, size);
  g_autofree double *dots = g_new (double, (gsize) BLOCK_ROWS * k);
  g_autofree double *all_sums = g_new (double, (gsize) k * cols);
  g_autoptr(GPtrArray) descents = g_ptr_array_new_with_free_func ((GDestroyNotify) descent_free);
  g_auto(Workspace) sub = { 0 };
  g_autoptr(Run) candidate = NULL;
  Descent *winner = NULL;
  double best = INFINITY;

  draw_rows (ws, valid_rand, size, valid, valid_norms);
  workspace_init (&sub, subset, size, cols, k, ws->team, FALSE);
  candidate = run_new (&sub);

  for (guint init = 0; init < n_init; init++)
    {
      const guint32 seed_array[2] = { options->seed, init };
      Descent *descent = g_new0 (Descent, 1);
      double inertia;

      g_ptr_array_add (descents, descent);
      descent->rand = g_rand_new_with_seed_array (seed_array, G_N_ELEMENTS (seed_array));
      descent->centroids = g_new (double, (gsize) k * cols);
      descent->counts = g_new0 (double, k);
      descent->ewa = descent->ewa_min = INFINITY;

      cst_progress_report (progress, progress_data, 0.5 * init / n_init,
                           _("Choosing initial segment centers"));

      if (options->init_centroids != NULL)
        memcpy (descent->centroids, options->init_centroids, (gsize) k * cols * sizeof (double));
      else
        {
          draw_rows (ws, descent->rand, size, subset, sub.x_norms);
          if (!seed_plusplus (&sub, candidate, descent->rand, cancellable, error))
            return FALSE;
          memcpy (descent->centroids, candidate->centroids, (gsize) k * cols * sizeof (double));
        }

      if (!descent_run (ws, descent, options, n_init > 1 ? MINIBATCH_PROBE : G_MAXUINT,
                        cancellable, error))
        return FALSE;

      cst_matrix_row_sq_norms (descent->centroids, k, cols, ws->c_norms);
      inertia = nearest_centres (valid, valid_norms, size, cols, descent->centroids, ws->c_norms,
                                 k, labels, NULL, dots);

      g_debug ("mini-batch init %u: validation inertia %.17g after %u steps", init, inertia,
               descent->steps);

      if (inertia < best)
        {
          best = inertia;
          winner = descent;
        }
    }

  cst_progress_report (progress, progress_data, 0.5, _("Refining segments"));

  if (!descent_run (ws, winner, options, G_MAXUINT, cancellable, error))
    return FALSE;

  memcpy (run->centroids, winner->centroids, (gsize) k * cols * sizeof (double));
  run->iterations = winner->steps;

  cst_progress_report (progress, progress_data, 0.9, _("Assigning every row to its segment"));

  assign_reset (ws, run, all_sums);
  assign_rows (ws, run, all_sums);

  /* A repaired centre may attract other rows: one more assignment of every row, then the
   * labels are the nearest centres except, in the rare case of another repair, for the moved
   * rows. */
  if (repair_empty (ws, run))
    {
      assign_reset (ws, run, all_sums);
      assign_rows (ws, run, all_sums);
      repair_empty (ws, run);
    }

  finish_run (ws, run);

  g_debug ("mini-batch: %u steps of %u rows, inertia %.17g", run->iterations,
           options->batch_size, run->inertia);

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
 * Fills @options with the defaults: k = 4, max_iter = 300, tol = 1e-6, n_init = 4, seed = 42,
 * Lloyd's algorithm in double precision from k-means++ centres (batch_size 2048 is used only
 * when the algorithm is switched to mini-batch).
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
  options->algorithm = CST_KMEANS_LLOYD;
  options->batch_size = 2048;
  options->use_float32 = FALSE;
  options->init_centroids = NULL;
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
 * With init_centroids set, those centres replace k-means++ and a single initialization runs.
 * With use_float32 and more than 64 columns the assignment step computes distances in single
 * precision (sgemm on a float copy of @x, rows × cols × 4 more bytes); the centre sums, the
 * centres and the reported inertia stay double. Up to 64 columns it changes nothing: the
 * distances are screened in single precision anyway (see below). With %CST_KMEANS_MINIBATCH, max_iter counts mini-batch steps of batch_size rows
 * (k-means++ then runs on n_init subsets of 3 × batch_size rows, the best on another subset
 * kept; tol is not used), followed by one assignment of every row: O((max_iter × batch_size +
 * rows) × k × cols), for tables too large for Lloyd's iterations; its inertia is typically a few
 * percent above Lloyd's.
 *
 * Distances come from vectorised kernels (compiled for AVX-512, AVX2 and the baseline and
 * chosen at load time) or BLAS (dgemm, dgemv, sgemm) over blocks of 2048 rows. Up to 64
 * columns in double precision, a float screen over tiles of 16 rows finds each row's nearest
 * centre wherever rounding cannot change the answer, and a double kernel settles the close
 * calls (see fused_top2_screen()): the labels of plain iterations, faster. Chunks of 32768
 * rows are spread over one thread per processor, each with its own partial sums added up in
 * chunk order, so the result does not depend on the number of threads or on their scheduling.
 * Lloyd's iterations skip the rows whose label provably cannot change (Hamerly's bounds, see
 * assign_chunk()), which gives the labels of plain iterations at a fraction of the cost once
 * the centres settle; the tolerance test uses the inertia from the cluster sums. The reported
 * inertia is recomputed directly from differences.
 *
 * Cost: O(n_init × (iterations × k + k·(2 + ln k)) × rows × cols) time at worst, the later
 * iterations usually much less; memory about rows × 72 bytes (norms, D² weights, and labels,
 * distances and bounds for the current and the best initialization), with the screen rows ×
 * cols × 4 bytes more for the float copy, plus per-chunk partial sums (k × cols doubles per
 * 32768 rows) and 2048 × (k + cols) doubles per thread; @x is not copied. While helper threads run, OpenBLAS is switched to one
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
  g_autoptr(Team) team = NULL;
  g_auto(Workspace) ws = { 0 };
  g_autoptr(Run) best = NULL;
  g_autoptr(Run) run = NULL;
  CstKmeansResult *result;
  double max_norm = 0.0;
  guint n_init;

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

  team = team_new ((guint) ((rows + CHUNK_ROWS - 1) / CHUNK_ROWS));
  workspace_init (&ws, x, rows, cols, options->k, team, options->use_float32);

  team_run (team, ws.n_chunks, norms_chunk, &ws);

  if (!check_finite (&ws, error))
    return NULL;

  for (gsize i = 0; i < rows; i++)
    {
      ws.x_sq_total += ws.x_norms[i];
      max_norm = MAX (max_norm, ws.x_norms[i]);
    }

  /* Squares beyond float's range cannot be screened in float; and mini-batch k-means assigns
   * all rows once, which does not repay making the float copies. */
  if (ws.screen && (max_norm > SCREEN_MAX_NORM || options->algorithm == CST_KMEANS_MINIBATCH))
    {
      ws.screen = FALSE;
      g_clear_pointer (&ws.tiles, g_free);
    }

  if (options->algorithm == CST_KMEANS_MINIBATCH)
    {
      best = run_new (&ws);
      if (!fit_minibatch (&ws, best, options, cancellable, progress, progress_data, error))
        return NULL;
    }
  else
    {
      n_init = options->init_centroids != NULL ? 1 : options->n_init;

      for (guint init = 0; init < n_init; init++)
        {
          if (run == NULL)
            run = run_new (&ws);

          if (!fit_one (&ws, run, options, init, n_init, cancellable, progress, progress_data,
                        error))
            return NULL;

          if (best == NULL || run->inertia < best->inertia)
            {
              g_clear_pointer (&best, run_free);
              best = g_steal_pointer (&run);
            }
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
 * cst_kmeans_predict:
 * @x: rows × cols values, row-major
 * @rows: number of rows
 * @cols: number of columns, ≥ 1
 * @centroids: k × cols centres, row-major
 * @k: number of centres, ≥ 1
 * @labels: (out caller-allocates): rows labels, each the index of the nearest centre (ties go
 *   to the lower index)
 * @sq_dists: (out caller-allocates) (nullable): rows squared distances to that centre
 *
 * Assigns every row of @x to its nearest centre, as the assignment step of cst_kmeans_fit()
 * does (distances through ‖x‖² − 2·x·c + ‖c‖² with dgemm over blocks of 2048 rows, clamped at
 * 0). Runs in the calling thread.
 *
 * Cost: O(rows × k × cols) time, 2048 × (k + 1) + k doubles of memory.
 */
void
cst_kmeans_predict (const double *x,
                    gsize         rows,
                    gsize         cols,
                    const double *centroids,
                    guint         k,
                    guint        *labels,
                    double       *sq_dists)
{
  g_autofree double *c_norms = NULL;
  g_autofree double *x_norms = NULL;
  g_autofree double *dots = NULL;

  g_return_if_fail (x != NULL || rows == 0);
  g_return_if_fail (cols >= 1 && cols <= G_MAXINT);
  g_return_if_fail (centroids != NULL);
  g_return_if_fail (k >= 1 && k <= G_MAXINT);
  g_return_if_fail (labels != NULL || rows == 0);

  c_norms = g_new (double, k);
  x_norms = g_new (double, BLOCK_ROWS);
  dots = g_new (double, (gsize) BLOCK_ROWS * k);
  cst_matrix_row_sq_norms (centroids, k, cols, c_norms);

  for (gsize start = 0; start < rows; start += BLOCK_ROWS)
    {
      gsize n = MIN ((gsize) BLOCK_ROWS, rows - start);

      cst_matrix_row_sq_norms (x + start * cols, n, cols, x_norms);
      nearest_centres (x + start * cols, x_norms, n, cols, centroids, c_norms, k, labels + start,
                       sq_dists != NULL ? sq_dists + start : NULL, dots);
    }
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
