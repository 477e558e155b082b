/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "../cst-test-util.h"

/* `constellate-cli score` as a user runs it, on a small table written here: an identifier, a
 * number with gaps, a category, an amount, a date and a Yes/No outcome that depends on the
 * category and the amount. */

static char *
write_fixture (const char *dir,
               gboolean    blank_outcome)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (21);
  g_autoptr(GString) text = g_string_new ("id,age,plan,monthly_spend,signup,churned\n");
  static const char * const plans[] = { "Basic", "Plus", "Pro" };
  char *path = g_build_filename (dir, blank_outcome ? "blank.csv" : "customers.csv", NULL);

  for (guint i = 0; i < 400; i++)
    {
      guint plan = g_rand_int_range (rand, 0, 3);
      double spend = g_rand_double_range (rand, 10.0, 100.0);
      int age = g_rand_int_range (rand, 18, 80);
      double z = -1.0 + 1.2 * plan - 0.04 * (spend - 55.0);
      gboolean churned = g_rand_double (rand) < 1.0 / (1.0 + exp (-z));
      char spend_text[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (spend_text, sizeof spend_text, "%.2f", spend);
      g_string_append_printf (text, "C%05u,", i + 1);
      if (i % 10 != 3)
        g_string_append_printf (text, "%d", age);
      g_string_append_printf (text, ",%s,%s,2024-%02d-%02d,%s\n", plans[plan], spend_text,
                              1 + i % 12, 1 + i % 28,
                              blank_outcome && i == 41 ? "" : churned ? "Yes" : "No");
    }
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  return path;
}

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  const char *cli = g_getenv ("CST_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "score");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &status, &error);
  g_assert_no_error (error);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}

static void
test_score (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-classify-cli-XXXXXX", NULL);
  g_autofree char *input = write_fixture (dir, FALSE);
  g_autofree char *scores = g_build_filename (dir, "scores.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *scores_text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--input", input, "--target", "churned", "--scores", scores, "--json",
                         NULL };
  JsonObject *root;
  JsonArray *dropped;
  guint holdout = 0;
  gint64 n_test;

  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
  g_assert_nonnull (strchr (out, '\n'));
  g_assert_null (strchr (out, '\n') + 1 == NULL ? NULL : strchr (strchr (out, '\n') + 1, '\n'));
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (root, "positive"), ==, "Yes");
  g_assert_true (g_str_equal (json_object_get_string_member (root, "model"), "logistic") ||
                 g_str_equal (json_object_get_string_member (root, "model"), "trees"));
  g_assert_cmpfloat (json_object_get_double_member (root, "auc"), >, 0.7);
  g_assert_cmpint (json_object_get_int_member (root, "n"), ==, 400);
  /* A quarter of each class, rounded per class. */
  n_test = json_object_get_int_member (root, "n_test");
  g_assert_cmpint (n_test, >=, 99);
  g_assert_cmpint (n_test, <=, 101);
  g_assert_cmpint (json_object_get_int_member (root, "n_features"), ==, 5);  /* age, 3 plans, spend */
  g_assert_true (json_object_has_member (root, "seconds"));
  g_assert_true (json_object_has_member (root, "lift_top10"));
  g_assert_true (json_object_has_member (root, "base_rate"));
  {
    JsonArray *calibration = json_object_get_array_member (root, "calibration");
    JsonArray *calibration_counts = json_object_get_array_member (root, "calibration_counts");
    gint64 in_bins = 0;

    g_assert_cmpuint (json_array_get_length (calibration_counts), ==, json_array_get_length (calibration));
    for (guint k = 0; k < json_array_get_length (calibration_counts); k++)
      in_bins += json_array_get_int_element (calibration_counts, k);
    g_assert_cmpint (in_bins, ==, n_test);
  }
  dropped = json_object_get_array_member (root, "dropped_columns");
  g_assert_cmpuint (json_array_get_length (dropped), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (dropped, 0),
                                                  "column"), ==, "id");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (dropped, 1),
                                                  "column"), ==, "signup");
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (dropped, 1),
                                                           "reason"), "date"));

  g_assert_true (g_file_get_contents (scores, &scores_text, NULL, NULL));
  lines = g_strsplit (scores_text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "row,line,probability,label,holdout");
  g_assert_cmpuint (g_strv_length (lines), ==, 402);   /* header, 400 rows, final empty */
  for (guint i = 1; i <= 400; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);
      double p = g_ascii_strtod (fields[2], NULL);

      g_assert_cmpuint (g_strv_length (fields), ==, 5);
      g_assert_cmpuint (g_ascii_strtoull (fields[0], NULL, 10), ==, i);
      g_assert_cmpuint (g_ascii_strtoull (fields[1], NULL, 10), ==, i + 1);
      g_assert_true (p > 0.0 && p < 1.0);
      holdout += g_str_equal (fields[4], "1");
    }
  g_assert_cmpuint (holdout, ==, n_test);

  /* --positive flips the outcome; the same split and model kind give the same AUC. */
  {
    const char *flipped[] = { "--input", input, "--target", "churned", "--positive", "No",
                              "--model", "logistic", "--json", NULL };
    const char *plain[] = { "--input", input, "--target", "churned", "--model", "logistic",
                            "--json", NULL };
    g_autofree char *out_flipped = NULL;
    g_autofree char *out_plain = NULL;
    g_autoptr(JsonParser) p1 = json_parser_new ();
    g_autoptr(JsonParser) p2 = json_parser_new ();
    JsonObject *a, *b;

    g_assert_cmpint (run_cli (flipped, &out_flipped, NULL), ==, 0);
    g_assert_cmpint (run_cli (plain, &out_plain, NULL), ==, 0);
    g_assert_true (json_parser_load_from_data (p1, out_flipped, -1, NULL));
    g_assert_true (json_parser_load_from_data (p2, out_plain, -1, NULL));
    a = json_node_get_object (json_parser_get_root (p1));
    b = json_node_get_object (json_parser_get_root (p2));
    g_assert_cmpstr (json_object_get_string_member (a, "positive"), ==, "No");
    g_assert_cmpstr (json_object_get_string_member (a, "model"), ==, "logistic");
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "base_rate") +
                                    json_object_get_double_member (b, "base_rate"), 1.0, 1e-12);
  }

  cst_test_remove_dir (dir);
}

static void
test_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cst-classify-cli-XXXXXX", NULL);
  g_autofree char *input = write_fixture (dir, FALSE);
  g_autofree char *blank = write_fixture (dir, TRUE);

  {
    const char *args[] = { "--input", input, "--target", "cancelled", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "customers.csv"));
    g_assert_nonnull (strstr (err, "“cancelled”"));
  }
  {
    const char *args[] = { "--input", blank, "--target", "churned", NULL };
    g_autofree char *err = NULL;

    /* Row 42 is on line 43, the outcome in column 6. */
    g_assert_cmpint (run_cli (args, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "blank.csv, line 43, column 6 (“churned”)"));
  }
  {
    const char *args[] = { "--input", input, "--target", "churned", "--positive", "Maybe", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "Maybe"));
  }
  {
    const char *args[] = { "--input", input, "--target", "churned", "--model", "forest", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "forest"));
  }
  {
    const char *args[] = { "--input", input, NULL };

    g_assert_cmpint (run_cli (args, NULL, NULL), ==, 2);
  }

  cst_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/classify-cli/score", test_score);
  g_test_add_func ("/cst/classify-cli/errors", test_errors);

  return g_test_run ();
}
