/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli-predict"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "classify/cst-classifier.h"
#include "classify/cst-design.h"
#include "cst-cli.h"

/* `constellate-cli score`: trains a churn or propensity classifier on one CSV file and reports
 * how well it ranks a stratified holdout. Numeric columns are used as numbers, categorical ones
 * one-hot encoded, identifiers dropped (classify/cst-design.c). */

typedef struct
{
  char     *input;
  char     *target;
  char     *positive;
  char     *model;
  char     *test_fraction;
  char     *seed;
  char     *scores;
  gboolean  json;
} ScoreArgs;

static gboolean
write_scores (const char    *path,
              CstDesign     *design,
              CstClassifier *classifier,
              GError       **error)
{
  g_autofree double *probability = g_new (double, MAX (design->n, 1));
  g_autoptr(GString) text = g_string_new ("row,line,probability,label,holdout\n");
  const guint8 *holdout = cst_classifier_get_holdout (classifier, NULL);

  cst_classifier_predict (classifier, design->x, design->n, probability);
  for (gsize i = 0; i < design->n; i++)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (number, sizeof number, "%.6f", probability[i]);
      g_string_append_printf (text, "%zu,%" G_GUINT64_FORMAT ",%s,%d,%d\n", i + 1,
                              design->lines[i], number, design->y[i], holdout[i]);
    }
  return g_file_set_contents (path, text->str, text->len, error);
}

static void
print_json (const ScoreArgs     *args,
            CstDesign           *design,
            CstClassifier       *classifier,
            double               seconds_read,
            double               seconds_fit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const CstEvaluation *evaluation = cst_classifier_get_evaluation (classifier);
  g_autoptr(GArray) drivers = cst_classifier_dup_drivers (classifier, 10);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "input");
  json_builder_add_string_value (builder, args->input);
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, args->target);
  json_builder_set_member_name (builder, "positive");
  json_builder_add_string_value (builder, design->positive);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder,
                                 cst_classifier_kind_to_string (cst_classifier_get_kind (classifier)));
  cst_cli_json_add_double (builder, "auc", evaluation->auc);
  cst_cli_json_add_double (builder, "auc_logistic", evaluation->auc_logistic);
  cst_cli_json_add_double (builder, "auc_trees", evaluation->auc_trees);
  cst_cli_json_add_double (builder, "lift_top10", evaluation->lift_top10);
  cst_cli_json_add_double (builder, "base_rate", evaluation->base_rate);
  json_builder_set_member_name (builder, "n");
  json_builder_add_int_value (builder, (gint64) design->n);
  json_builder_set_member_name (builder, "n_train");
  json_builder_add_int_value (builder, (gint64) evaluation->n_train);
  json_builder_set_member_name (builder, "n_test");
  json_builder_add_int_value (builder, (gint64) evaluation->n_test);
  json_builder_set_member_name (builder, "n_features");
  json_builder_add_int_value (builder, (gint64) design->p);
  json_builder_set_member_name (builder, "n_trees");
  json_builder_add_int_value (builder, cst_classifier_get_n_trees (classifier));

  json_builder_set_member_name (builder, "dropped_columns");
  json_builder_begin_array (builder);
  for (guint c = 0; c < design->dropped->len; c++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "column");
      json_builder_add_string_value (builder, g_ptr_array_index (design->dropped, c));
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, g_ptr_array_index (design->dropped_reasons, c));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "suspicious");
  json_builder_begin_array (builder);
  for (guint k = 0; k < evaluation->suspicious->len; k++)
    json_builder_add_string_value (builder,
                                   g_ptr_array_index (design->names,
                                                      g_array_index (evaluation->suspicious, guint, k)));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "drivers");
  json_builder_begin_array (builder);
  for (guint k = 0; k < drivers->len; k++)
    {
      const CstDriver *driver = &g_array_index (drivers, CstDriver, k);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "feature");
      json_builder_add_string_value (builder, g_ptr_array_index (design->names, driver->feature));
      cst_cli_json_add_double (builder, "importance", driver->importance);
      json_builder_set_member_name (builder, "direction");
      json_builder_add_int_value (builder, driver->direction);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "calibration");
  json_builder_begin_array (builder);
  for (guint k = 0; k < evaluation->calibration->len; k++)
    {
      const CstCurvePoint *point = &g_array_index (evaluation->calibration, CstCurvePoint, k);

      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, point->x);
      json_builder_add_double_value (builder, point->y);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "calibration_counts");
  json_builder_begin_array (builder);
  for (guint k = 0; evaluation->calibration_counts != NULL && k < evaluation->calibration_counts->len; k++)
    json_builder_add_int_value (builder, (gint64) g_array_index (evaluation->calibration_counts, guint64, k));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "seconds_read");
  json_builder_add_double_value (builder, seconds_read);
  json_builder_set_member_name (builder, "seconds_fit");
  json_builder_add_double_value (builder, seconds_fit);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, seconds_read + seconds_fit);
  json_builder_end_object (builder);

  cst_cli_print_json (builder);
}

static void
print_summary (CstDesign     *design,
               CstClassifier *classifier,
               double         seconds_read,
               double         seconds_fit)
{
  const CstEvaluation *evaluation = cst_classifier_get_evaluation (classifier);
  g_autoptr(GArray) drivers = cst_classifier_dup_drivers (classifier, 5);

  printf (_("Model: %s, holdout AUC %.4f (logistic %.4f, trees %.4f)\n"),
          cst_classifier_kind_to_string (cst_classifier_get_kind (classifier)),
          evaluation->auc, evaluation->auc_logistic, evaluation->auc_trees);
  printf (_("Lift in the top 10 %%: %.2f; base rate %.1f %%\n"), evaluation->lift_top10,
          100.0 * evaluation->base_rate);
  printf (_("Rows: %zu (%zu train, %zu holdout); features: %zu\n"), design->n,
          evaluation->n_train, evaluation->n_test, design->p);
  for (guint c = 0; c < design->dropped->len; c++)
    printf (_("Left out “%s”: %s\n"), (const char *) g_ptr_array_index (design->dropped, c),
            (const char *) g_ptr_array_index (design->dropped_reasons, c));
  for (guint k = 0; k < evaluation->suspicious->len; k++)
    printf (_("Warning: “%s” alone predicts the outcome almost perfectly; it may contain the "
              "answer\n"),
            (const char *) g_ptr_array_index (design->names,
                                              g_array_index (evaluation->suspicious, guint, k)));
  for (guint k = 0; k < drivers->len; k++)
    {
      const CstDriver *driver = &g_array_index (drivers, CstDriver, k);

      printf ("  %s %s\n", driver->direction > 0 ? "↑" : "↓",
              (const char *) g_ptr_array_index (design->names, driver->feature));
    }
  printf (_("Seconds: %.3f reading, %.3f training\n"), seconds_read, seconds_fit);
}

int
cst_cli_score (int    argc,
               char **argv)
{
  ScoreArgs args = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CstDesign) design = NULL;
  g_autoptr(CstClassifier) classifier = NULL;
  CstClassifierOptions options;
  gint64 start;
  double seconds_read;
  double seconds_fit;
  int status = 1;
  const GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &args.input,
      N_("CSV file with one row per customer"), N_("FILE") },
    { "target", 't', 0, G_OPTION_ARG_STRING, &args.target,
      N_("Column holding the outcome to predict"), N_("COLUMN") },
    { "positive", 0, 0, G_OPTION_ARG_STRING, &args.positive,
      N_("Value of the target that counts as the outcome (default Yes, yes, 1 or true)"),
      N_("VALUE") },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &args.model,
      N_("auto (the better of both on the holdout), logistic or trees (default auto)"),
      N_("MODEL") },
    { "test-fraction", 0, 0, G_OPTION_ARG_STRING, &args.test_fraction,
      N_("Share of rows held out for evaluation (default 0.25)"), N_("F") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &args.seed,
      N_("Random seed of the split (default 42)"), N_("S") },
    { "scores", 0, 0, G_OPTION_ARG_FILENAME, &args.scores,
      N_("Write row, line, probability, label and holdout flag of every row to this CSV"),
      N_("OUT.csv") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &args.json,
      N_("Print one JSON object"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Train a churn or propensity model on a CSV file and "
                                           "measure it on a holdout."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  cst_classifier_options_init (&options);

  if (!cst_cli_parse_options (context, &argc, &argv))
    {
      status = 2;
      goto out;
    }

  if (argc > 1)
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 _("Unexpected argument “%s” (the file goes after --input)"), argv[1]);
  else if (args.input == NULL || args.target == NULL)
    g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("--input FILE.csv and --target COLUMN are required"));
  else if (args.model != NULL && !g_str_equal (args.model, "auto") &&
           !g_str_equal (args.model, "logistic") && !g_str_equal (args.model, "trees"))
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 _("Invalid value for --model: “%s” (use auto, logistic or trees)"), args.model);
  if (error == NULL && args.model != NULL)
    options.kind = g_str_equal (args.model, "logistic") ? CST_CLASSIFIER_LOGISTIC
                   : g_str_equal (args.model, "trees") ? CST_CLASSIFIER_TREES
                   : CST_CLASSIFIER_AUTO;
  if (error == NULL && args.test_fraction != NULL)
    {
      char *end;
      double f = g_ascii_strtod (args.test_fraction, &end);

      if (end == args.test_fraction || *end != '\0' || !(f >= 0.05 && f <= 0.9))
        g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("Invalid value for --test-fraction: “%s” (use a number from 0.05 to "
                       "0.9)"), args.test_fraction);
      else
        options.test_fraction = f;
    }
  if (error == NULL && args.seed != NULL)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (args.seed, 10, 0, G_MAXUINT32, &seed, NULL))
        g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("Invalid value for --seed: “%s”"), args.seed);
      else
        options.seed = seed;
    }
  if (error != NULL)
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      status = 2;
      goto out;
    }

  start = g_get_monotonic_time ();
  design = cst_design_read_csv (args.input, args.target, args.positive, NULL, &error);
  if (design == NULL)
    goto out;
  seconds_read = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  start = g_get_monotonic_time ();
  g_ptr_array_add (design->names, NULL);
  classifier = cst_classifier_fit (design->x, design->y, design->n, design->p,
                                   (const char * const *) design->names->pdata, &options, NULL,
                                   NULL, NULL, &error);
  g_ptr_array_remove_index (design->names, design->names->len - 1);
  if (classifier == NULL)
    {
      g_autofree char *display = g_filename_display_name (args.input);
      g_prefix_error (&error, "%s: ", display);
      goto out;
    }
  seconds_fit = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  if (args.scores != NULL && !write_scores (args.scores, design, classifier, &error))
    goto out;

  if (args.json)
    print_json (&args, design, classifier, seconds_read, seconds_fit);
  else
    print_summary (design, classifier, seconds_read, seconds_fit);
  status = 0;

out:
  if (error != NULL && status != 2)
    status = cst_cli_fail (error);

  g_free (args.input);
  g_free (args.target);
  g_free (args.positive);
  g_free (args.model);
  g_free (args.test_fraction);
  g_free (args.seed);
  g_free (args.scores);
  return status;
}
