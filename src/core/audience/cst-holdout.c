/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-holdout"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cst-holdout.h"
#include "cst-audience.h"
#include "io/cst-csv.h"

/* Coefficients of Acklam's approximation of the normal quantile (2003). */
static const double qa[] = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
static const double qb[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01 };
static const double qc[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
static const double qd[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00 };

double
cst_normal_cdf (double x)
{
  return 0.5 * erfc (-x / G_SQRT2);
}

double
cst_normal_quantile (double p)
{
  const double low = 0.02425;
  double q, r, x, e, u;

  if (!(p > 0.0 && p < 1.0))
    return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;

  if (p < low)
    {
      q = sqrt (-2 * log (p));
      x = (((((qc[0] * q + qc[1]) * q + qc[2]) * q + qc[3]) * q + qc[4]) * q + qc[5]) /
          ((((qd[0] * q + qd[1]) * q + qd[2]) * q + qd[3]) * q + 1);
    }
  else if (p <= 1 - low)
    {
      q = p - 0.5;
      r = q * q;
      x = (((((qa[0] * r + qa[1]) * r + qa[2]) * r + qa[3]) * r + qa[4]) * r + qa[5]) * q /
          (((((qb[0] * r + qb[1]) * r + qb[2]) * r + qb[3]) * r + qb[4]) * r + 1);
    }
  else
    {
      q = sqrt (-2 * log1p (-p));
      x = -(((((qc[0] * q + qc[1]) * q + qc[2]) * q + qc[3]) * q + qc[4]) * q + qc[5]) /
          ((((qd[0] * q + qd[1]) * q + qd[2]) * q + qd[3]) * q + 1);
    }

  /* One Halley step against erfc brings the 1e-9 approximation to full precision. */
  e = cst_normal_cdf (x) - p;
  u = e * sqrt (2 * G_PI) * exp (x * x / 2);
  return x - u / (1 + x * u / 2);
}

gboolean
cst_holdout_sample_size (double         baseline,
                         double         min_lift,
                         double         alpha,
                         double         power,
                         double         holdout_share,
                         CstSampleSize *result)
{
  double p1 = baseline, p2, k, pbar, za, zb, delta, root, n_c;

  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  if (!(baseline > 0 && baseline < 1) || !(min_lift > 0) || !(alpha > 0 && alpha < 1) ||
      !(power > 0 && power < 1) || !(holdout_share > 0 && holdout_share < 1))
    return FALSE;
  p2 = baseline * (1 + min_lift);
  if (p2 >= 1)
    return FALSE;

  k = (1 - holdout_share) / holdout_share;   /* treatment per holdout person */
  pbar = (p1 + k * p2) / (1 + k);
  za = cst_normal_quantile (1 - alpha / 2);
  zb = cst_normal_quantile (power);
  delta = p2 - p1;
  root = za * sqrt (pbar * (1 - pbar) * (1 + 1 / k)) + zb * sqrt (p1 * (1 - p1) + p2 * (1 - p2) / k);
  n_c = ceil (root * root / (delta * delta) - 1e-9);

  result->n_holdout = (gsize) n_c;
  result->n_treatment = (gsize) ceil (k * n_c - 1e-9);
  result->n_total = result->n_holdout + result->n_treatment;
  result->treated_rate = p2;
  return TRUE;
}

gboolean
cst_holdout_lift (gsize    conversions_treatment,
                  gsize    n_treatment,
                  gsize    conversions_holdout,
                  gsize    n_holdout,
                  double   alpha,
                  CstLift *result)
{
  double pt, pc, z, se, pooled, se0, se_log;

  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  if (n_treatment == 0 || n_holdout == 0 || conversions_treatment > n_treatment ||
      conversions_holdout > n_holdout || !(alpha > 0 && alpha < 1))
    return FALSE;

  pt = (double) conversions_treatment / (double) n_treatment;
  pc = (double) conversions_holdout / (double) n_holdout;
  z = cst_normal_quantile (1 - alpha / 2);

  result->n_treatment = n_treatment;
  result->conversions_treatment = conversions_treatment;
  result->n_holdout = n_holdout;
  result->conversions_holdout = conversions_holdout;
  result->rate_treatment = pt;
  result->rate_holdout = pc;
  result->absolute_lift = pt - pc;
  se = sqrt (pt * (1 - pt) / (double) n_treatment + pc * (1 - pc) / (double) n_holdout);
  result->absolute_low = result->absolute_lift - z * se;
  result->absolute_high = result->absolute_lift + z * se;

  if (conversions_holdout > 0 && conversions_treatment > 0)
    {
      double log_rr = log (pt / pc);

      se_log = sqrt (1.0 / (double) conversions_treatment - 1.0 / (double) n_treatment +
                     1.0 / (double) conversions_holdout - 1.0 / (double) n_holdout);
      result->relative_lift = pt / pc - 1;
      result->relative_low = exp (log_rr - z * se_log) - 1;
      result->relative_high = exp (log_rr + z * se_log) - 1;
    }
  else
    {
      result->relative_lift = conversions_holdout > 0 ? -1.0 : NAN;
      result->relative_low = NAN;
      result->relative_high = NAN;
    }

  pooled = (double) (conversions_treatment + conversions_holdout) / (double) (n_treatment + n_holdout);
  se0 = sqrt (pooled * (1 - pooled) * (1.0 / (double) n_treatment + 1.0 / (double) n_holdout));
  result->p_value = se0 > 0 ? 2 * cst_normal_cdf (-fabs (pt - pc) / se0) : 1.0;
  return TRUE;
}

static int
parse_flag (const char *text)
{
  g_autofree char *t = g_ascii_strdown (g_strstrip (g_strdup (text != NULL ? text : "")), -1);

  if (g_str_equal (t, "1") || g_str_equal (t, "yes") || g_str_equal (t, "true") || g_str_equal (t, "y"))
    return 1;
  if (g_str_equal (t, "0") || g_str_equal (t, "no") || g_str_equal (t, "false") || g_str_equal (t, "n") ||
      g_str_equal (t, ""))
    return 0;
  return -1;
}

gboolean
cst_holdout_measure_csv (CstStore    *store,
                         gint64       audience_id,
                         const char  *results_path,
                         CstLift     *result,
                         GError     **error)
{
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GHashTable) members = NULL;
  g_autoptr(GHashTable) converted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *display = g_filename_display_name (results_path);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int col_email = -1, col_person = -1, col_converted = -1;
  gsize n_treatment = 0, n_holdout = 0, x_treatment = 0, x_holdout = 0, unmatched = 0;
  g_autoptr(GError) local_error = NULL;
  GHashTableIter iter;
  gpointer key, value;

  members = cst_store_audience_load_members (store, audience_id, error);
  if (members == NULL)
    return FALSE;
  reader = cst_csv_reader_new (results_path, ',', error);
  if (reader == NULL)
    return FALSE;
  if (!cst_csv_reader_next (reader, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_INVALID, _("“%s” is empty"), display);
      return FALSE;
    }
  for (guint f = 0; f < cst_csv_reader_get_n_fields (reader); f++)
    {
      g_autofree char *name = g_ascii_strdown (cst_csv_reader_get_field (reader, f), -1);

      g_strstrip (name);
      if (g_str_equal (name, "email") || g_str_equal (name, "e-mail"))
        col_email = (int) f;
      else if (g_str_equal (name, "person_id") || g_str_equal (name, "person"))
        col_person = (int) f;
      else if (g_str_equal (name, "converted") || g_str_equal (name, "conversion"))
        col_converted = (int) f;
    }
  if (col_converted < 0 || (col_email < 0 && col_person < 0))
    {
      g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_INVALID,
                   _("“%s” needs a column “converted” and a column “email” or “person_id” in its first line"), display);
      return FALSE;
    }

  while (cst_csv_reader_next (reader, &local_error))
    {
      guint64 line = cst_csv_reader_get_line (reader);
      guint n_fields = cst_csv_reader_get_n_fields (reader);
      int flag = parse_flag ((guint) col_converted < n_fields ? cst_csv_reader_get_field (reader, col_converted) : NULL);

      if (flag < 0)
        {
          g_autofree char *line_text = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) line);

          g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_INVALID,
                       _("“%s”, line %s, column “converted”: “%s” is not yes or no"),
                       display, line_text, cst_csv_reader_get_field (reader, col_converted));
          return FALSE;
        }
      g_array_set_size (ids, 0);
      if (col_person >= 0 && (guint) col_person < n_fields && *cst_csv_reader_get_field (reader, col_person) != '\0')
        {
          gint64 id;

          if (!g_ascii_string_to_signed (cst_csv_reader_get_field (reader, col_person), 10, 1, G_MAXINT64, &id, NULL))
            {
              g_autofree char *line_text = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) line);

              g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_INVALID,
                           _("“%s”, line %s, column “person_id”: “%s” is not a person number"),
                           display, line_text, cst_csv_reader_get_field (reader, col_person));
              return FALSE;
            }
          g_array_append_val (ids, id);
        }
      else if (col_email >= 0 && (guint) col_email < n_fields)
        {
          if (!cst_store_audience_people_by_email (store, cst_csv_reader_get_field (reader, col_email), ids, error))
            return FALSE;
        }

      {
        gboolean matched = FALSE;

        for (guint i = 0; i < ids->len; i++)
          {
            gint64 id = g_array_index (ids, gint64, i);

            if (g_hash_table_contains (members, &id))
              {
                matched = TRUE;
                if (flag == 1)
                  g_hash_table_add (converted, g_memdup2 (&id, sizeof id));
              }
          }
        if (!matched)
          unmatched++;
      }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_hash_table_iter_init (&iter, members);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gboolean held = GPOINTER_TO_INT (value) - 1;
      gboolean conv = g_hash_table_contains (converted, key);

      if (held)
        {
          n_holdout++;
          x_holdout += conv;
        }
      else
        {
          n_treatment++;
          x_treatment += conv;
        }
    }
  if (!cst_holdout_lift (x_treatment, n_treatment, x_holdout, n_holdout, 0.05, result))
    {
      g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_EMPTY, "%s",
                   _("The audience needs people both in its holdout and outside it to measure a lift"));
      return FALSE;
    }
  result->n_unmatched = unmatched;
  return TRUE;
}
