/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-bench-numeric"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "models/cst-auto-k.h"
#include "numeric/cst-cluster-quality.h"
#include "numeric/cst-kmeans.h"
#include "numeric/cst-pca.h"

/* The numeric side of the benchmarks against scikit-learn (bench-numeric.sh runs both sides on
 * the same files). Data and initial centres go through raw little-endian float64 files, which
 * numpy reads with fromfile(), so neither side pays for parsing text and both see the same
 * bits. Every command prints one JSON object; times cover the computation only, not the
 * reading.
 *
 *   gen OUT.f64 ROWS COLS K SEED SPREAD      the table of cst-bench-gen, as float64
 *   kmeans DATA.f64 COLS K ITER CENTRES.f64  Lloyd from K rows drawn as centres (written to
 *                                            CENTRES.f64), ITER iterations, tol 0: double,
 *                                            float32 (the same path up to 64 columns), and
 *                                            mini-batch for comparison
 *   silhouette DATA.f64 COLS N SAMPLE.f64 LABELS.i32
 *                                            silhouette of N sampled rows labelled by k-means
 *                                            (k = 8); the rows and labels are written out
 *   autok DATA.f64 COLS                      automatic k (2–12, with stability), defaults
 *   pca DATA.f64 COLS                        PCA with 2 components
 */

static double
gaussian (GRand *rand)
{
  double u1 = 1.0 - g_rand_double (rand); /* (0, 1], so log() is finite */
  double u2 = g_rand_double (rand);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static guint64
parse_arg (const char *text,
           guint64     min,
           guint64     max)
{
  g_autoptr(GError) error = NULL;
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, &error))
    {
      g_printerr ("cst-bench-numeric: %s\n", error->message);
      exit (2);
    }
  return value;
}

static void
write_or_die (const char *path,
              const void *data,
              gsize       size)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, data, size, &error))
    {
      g_printerr ("cst-bench-numeric: %s\n", error->message);
      exit (1);
    }
}

/* Reads a float64 table of @cols columns; returns the rows through @rows. */
static double *
read_table (const char *path,
            gsize       cols,
            gsize      *rows)
{
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("cst-bench-numeric: %s\n", error->message);
      exit (1);
    }
  if (length % (cols * sizeof (double)) != 0)
    {
      g_printerr ("cst-bench-numeric: %s does not hold rows of %zu doubles\n", path, cols);
      exit (1);
    }

  *rows = length / (cols * sizeof (double));
  return (double *) contents;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
print_builder (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

static void
die_on_error (const GError *error)
{
  if (error != NULL)
    {
      g_printerr ("cst-bench-numeric: %s\n", error->message);
      exit (1);
    }
}

/* Same generator and draws as cst-bench-gen (blob centres first, then per row a blob and its
 * Gaussian noise), without the rounding to five decimals of the CSV. */
static int
command_gen (char **argv)
{
  gsize rows = parse_arg (argv[1], 1, G_MAXUINT32);
  gsize cols = parse_arg (argv[2], 1, 4096);
  guint k = parse_arg (argv[3], 1, 4096);
  guint32 seed = parse_arg (argv[4], 0, G_MAXUINT32);
  double spread = g_ascii_strtod (argv[5], NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree double *centres = g_new (double, (gsize) k * cols);
  g_autofree double *x = g_new (double, rows * cols);
  g_autofree char *tmp = g_strdup_printf ("%s.tmp", argv[0]);

  for (gsize c = 0; c < (gsize) k * cols; c++)
    centres[c] = g_rand_double_range (rand, -spread, spread);

  for (gsize i = 0; i < rows; i++)
    {
      guint blob = g_rand_int_range (rand, 0, (gint32) k);

      for (gsize j = 0; j < cols; j++)
        x[i * cols + j] = centres[(gsize) blob * cols + j] + gaussian (rand);
    }

  /* Written beside and renamed, so an interrupted run leaves no truncated table. */
  write_or_die (tmp, x, rows * cols * sizeof (double));
  if (g_rename (tmp, argv[0]) != 0)
    {
      g_printerr ("cst-bench-numeric: %s: %s\n", argv[0], g_strerror (errno));
      return 1;
    }

  return 0;
}

static void
add_fit (JsonBuilder           *builder,
         const char            *name,
         const CstKmeansResult *fit,
         double                 seconds)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "inertia");
  json_builder_add_double_value (builder, fit->inertia);
  json_builder_set_member_name (builder, "iterations");
  json_builder_add_int_value (builder, fit->iterations);
  json_builder_end_object (builder);
}

static int
command_kmeans (char **argv)
{
  gsize cols = parse_arg (argv[1], 1, 4096);
  guint k = parse_arg (argv[2], 1, 4096);
  guint iter = parse_arg (argv[3], 1, 100000);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(CstKmeansResult) lloyd = NULL;
  g_autoptr(CstKmeansResult) single = NULL;
  g_autoptr(CstKmeansResult) minibatch = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *x = NULL;
  g_autofree double *centres = NULL;
  g_autofree gsize *picked = NULL;
  CstKmeansOptions options;
  gsize rows, n_picked;
  gint64 start;
  double t_lloyd, t_single, t_minibatch;

  x = read_table (argv[0], cols, &rows);

  /* k distinct rows, drawn uniformly: the same start for both libraries. */
  picked = cst_silhouette_sample_rows (rows, k, g_rand_int (rand), &n_picked);
  g_assert (n_picked == k);
  centres = g_new (double, (gsize) k * cols);
  for (guint c = 0; c < k; c++)
    memcpy (centres + (gsize) c * cols, x + picked[c] * cols, cols * sizeof (double));
  write_or_die (argv[4], centres, (gsize) k * cols * sizeof (double));

  cst_kmeans_options_init (&options);
  options.k = k;
  options.max_iter = iter;
  options.tol = 0.0;
  options.init_centroids = centres;

  start = g_get_monotonic_time ();
  lloyd = cst_kmeans_fit (x, rows, cols, &options, NULL, NULL, NULL, &error);
  t_lloyd = seconds_since (start);
  die_on_error (error);

  options.use_float32 = TRUE;
  start = g_get_monotonic_time ();
  single = cst_kmeans_fit (x, rows, cols, &options, NULL, NULL, NULL, &error);
  t_single = seconds_since (start);
  die_on_error (error);

  /* Mini-batch from the same centres, with its default steps, for the record. */
  cst_kmeans_options_init (&options);
  options.k = k;
  options.algorithm = CST_KMEANS_MINIBATCH;
  options.init_centroids = centres;
  start = g_get_monotonic_time ();
  minibatch = cst_kmeans_fit (x, rows, cols, &options, NULL, NULL, NULL, &error);
  t_minibatch = seconds_since (start);
  die_on_error (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, rows);
  json_builder_set_member_name (builder, "k");
  json_builder_add_int_value (builder, k);
  add_fit (builder, "lloyd", lloyd, t_lloyd);
  add_fit (builder, "lloyd_float32", single, t_single);
  add_fit (builder, "minibatch", minibatch, t_minibatch);
  json_builder_end_object (builder);
  print_builder (builder);

  return 0;
}

static int
command_silhouette (char **argv)
{
  gsize cols = parse_arg (argv[1], 1, 4096);
  gsize n = parse_arg (argv[2], 3, G_MAXUINT32);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(CstKmeansResult) fit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *x = NULL;
  g_autofree double *xs = NULL;
  g_autofree gsize *picked = NULL;
  g_autofree gint32 *labels = NULL;
  CstKmeansOptions options;
  gsize rows;
  gint64 start;
  double score, seconds;

  x = read_table (argv[0], cols, &rows);
  picked = cst_silhouette_sample_rows (rows, n, 1, &n);
  xs = g_new (double, n * cols);
  for (gsize s = 0; s < n; s++)
    memcpy (xs + s * cols, x + picked[s] * cols, cols * sizeof (double));

  cst_kmeans_options_init (&options);
  options.k = 8;
  fit = cst_kmeans_fit (xs, n, cols, &options, NULL, NULL, NULL, &error);
  die_on_error (error);

  labels = g_new (gint32, n);
  for (gsize s = 0; s < n; s++)
    labels[s] = (gint32) fit->labels[s];
  write_or_die (argv[3], xs, n * cols * sizeof (double));
  write_or_die (argv[4], labels, n * sizeof (gint32));

  start = g_get_monotonic_time ();
  score = cst_silhouette_score (xs, n, cols, fit->labels, 8, 0, 0, NULL, &error);
  seconds = seconds_since (start);
  die_on_error (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, n);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "silhouette");
  json_builder_add_double_value (builder, score);
  json_builder_end_object (builder);
  print_builder (builder);

  return 0;
}

static int
command_autok (char **argv)
{
  gsize cols = parse_arg (argv[1], 1, 4096);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(CstAutoKResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *x = NULL;
  gsize rows;
  gint64 start;
  double seconds;

  x = read_table (argv[0], cols, &rows);

  start = g_get_monotonic_time ();
  result = cst_auto_k_choose (x, rows, cols, NULL, NULL, NULL, NULL, &error);
  seconds = seconds_since (start);
  die_on_error (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, rows);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "chosen_k");
  json_builder_add_int_value (builder, result->recommended);
  json_builder_set_member_name (builder, "inertia");
  json_builder_add_double_value (builder, result->fit->inertia);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, result->reason);
  json_builder_set_member_name (builder, "k_table");
  json_builder_begin_array (builder);
  for (guint c = 0; c < result->n_choices; c++)
    {
      const CstKChoice *choice = &result->choices[c];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "k");
      json_builder_add_int_value (builder, choice->k);
      json_builder_set_member_name (builder, "silhouette");
      json_builder_add_double_value (builder, choice->silhouette);
      json_builder_set_member_name (builder, "stability");
      json_builder_add_double_value (builder, choice->stability);
      json_builder_set_member_name (builder, "smallest_share");
      json_builder_add_double_value (builder, choice->smallest_share);
      json_builder_set_member_name (builder, "inertia");
      json_builder_add_double_value (builder, choice->inertia);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  print_builder (builder);

  return 0;
}

static int
command_pca (char **argv)
{
  gsize cols = parse_arg (argv[1], 1, 4096);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(CstPca) pca = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *x = NULL;
  gsize rows;
  gint64 start;
  double seconds;

  x = read_table (argv[0], cols, &rows);

  start = g_get_monotonic_time ();
  pca = cst_pca_fit (x, rows, cols, 2, &error);
  seconds = seconds_since (start);
  die_on_error (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, rows);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "explained_variance_ratio");
  json_builder_begin_array (builder);
  for (guint c = 0; c < pca->n_components; c++)
    json_builder_add_double_value (builder, pca->explained[c]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "explained_variance");
  json_builder_begin_array (builder);
  for (guint c = 0; c < pca->n_components; c++)
    json_builder_add_double_value (builder, pca->eigenvalues[c]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  print_builder (builder);

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *name;
    int         n_args;
    int       (*run) (char **argv);
  } commands[] = {
    { "gen", 6, command_gen },
    { "kmeans", 5, command_kmeans },
    { "silhouette", 5, command_silhouette },
    { "autok", 2, command_autok },
    { "pca", 2, command_pca },
  };

  for (guint c = 0; argc >= 2 && c < G_N_ELEMENTS (commands); c++)
    if (g_str_equal (argv[1], commands[c].name))
      {
        if (argc - 2 != commands[c].n_args)
          break;
        return commands[c].run (argv + 2);
      }

  g_printerr ("Usage: cst-bench-numeric gen|kmeans|silhouette|autok|pca ARGS… "
              "(see the comment at the top of cst-bench-numeric.c)\n");
  return 2;
}
