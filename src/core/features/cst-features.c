/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-features"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "cst-features.h"
#include "store/cst-store.h"

#define SECONDS_PER_DAY 86400

enum {
  F_RECENCY,
  F_ORDERS,
  F_TOTAL_SPEND,
  F_AVERAGE_ORDER,
  F_TENURE,
  F_WEEKEND_SHARE,
  F_EVENING_SHARE,
  F_DISCOUNT_SHARE,
  F_OPEN_RATE,
  N_FEATURES
};

static const CstFeatureInfo features[N_FEATURES] = {
  [F_RECENCY] = { "recency_days", N_("Days since last order"),
                  N_("How many days ago the person last ordered"), CST_FEATURE_UNIT_DAYS, FALSE },
  [F_ORDERS] = { "orders", N_("Orders"),
                 N_("How many orders the person placed"), CST_FEATURE_UNIT_COUNT, TRUE },
  [F_TOTAL_SPEND] = { "total_spend", N_("Total spend"),
                      N_("The sum of all the person’s orders"), CST_FEATURE_UNIT_MONEY, TRUE },
  [F_AVERAGE_ORDER] = { "average_order", N_("Average order"),
                        N_("The average value of one order"), CST_FEATURE_UNIT_MONEY, TRUE },
  [F_TENURE] = { "tenure_days", N_("Days since first order"),
                 N_("How long ago the person first ordered"), CST_FEATURE_UNIT_DAYS, FALSE },
  [F_WEEKEND_SHARE] = { "weekend_share", N_("Weekend orders"),
                        N_("Share of orders placed on a Saturday or Sunday"), CST_FEATURE_UNIT_SHARE, FALSE },
  [F_EVENING_SHARE] = { "evening_share", N_("Evening orders"),
                        N_("Share of orders placed between 6 pm and 6 am"), CST_FEATURE_UNIT_SHARE, FALSE },
  [F_DISCOUNT_SHARE] = { "discount_share", N_("Discounted orders"),
                         N_("Share of orders that used a discount"), CST_FEATURE_UNIT_SHARE, FALSE },
  [F_OPEN_RATE] = { "email_open_rate", N_("Email open rate"),
                    N_("Share of received emails the person opened"), CST_FEATURE_UNIT_SHARE, FALSE },
};

typedef struct
{
  GArray       *people;    /* gint64 */
  GArray       *acc;       /* Accumulator per person */
  GCancellable *cancellable;
  gsize         n_seen;
  gint64        max_time;
} OrderScan;

typedef struct
{
  gint64 first_time;
  gint64 last_time;
  double orders;
  double spend;
  double weekend;
  double evening;
  double discounted;
  double sent;
  double opened;
} Accumulator;

const CstFeatureInfo *
cst_feature_info_get_all (guint *n_features)
{
  if (n_features != NULL)
    *n_features = N_FEATURES;
  return features;
}

const CstFeatureInfo *
cst_feature_info_lookup (const char *name)
{
  for (guint i = 0; i < N_FEATURES; i++)
    if (g_strcmp0 (features[i].name, name) == 0)
      return &features[i];
  return NULL;
}

/**
 * cst_feature_format_value:
 * @info: a feature
 * @value: a value in the feature's unit
 *
 * Returns: (transfer full): @value written for people, in the current locale
 */
char *
cst_feature_format_value (const CstFeatureInfo *info,
                          double                value)
{
  g_return_val_if_fail (info != NULL, NULL);

  switch (info->unit)
    {
    case CST_FEATURE_UNIT_DAYS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'.0f day", "%'.0f days", (gulong) round (value)), value);
    case CST_FEATURE_UNIT_COUNT:
      return g_strdup_printf ("%'.1f", value);
    case CST_FEATURE_UNIT_MONEY:
      return g_strdup_printf ("%'.2f", value);
    case CST_FEATURE_UNIT_SHARE:
      return g_strdup_printf ("%.0f %%", 100.0 * value);
    default:
      g_assert_not_reached ();
    }
}

/* Day of the week and hour of a wall-clock time stored as seconds since 1970: 1970-01-01 was a
 * Thursday. Floor division keeps times before 1970 right. */
static inline int
weekday_of (gint64 t)
{
  gint64 days = t >= 0 ? t / SECONDS_PER_DAY : -((-t + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);

  return (int) (((days + 4) % 7 + 7) % 7); /* 0 = Sunday */
}

static inline int
hour_of (gint64 t)
{
  gint64 s = ((t % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;

  return (int) (s / 3600);
}

static gboolean
scan_order (gint64   person_id,
            gint64   event_time,
            double   amount,
            double   discount,
            gpointer user_data)
{
  OrderScan *scan = user_data;
  Accumulator *a;
  int weekday, hour;

  if (scan->people->len == 0 ||
      g_array_index (scan->people, gint64, scan->people->len - 1) != person_id)
    {
      Accumulator fresh = { .first_time = event_time, .last_time = event_time };

      g_array_append_val (scan->people, person_id);
      g_array_append_val (scan->acc, fresh);
    }

  a = &g_array_index (scan->acc, Accumulator, scan->acc->len - 1);
  a->first_time = MIN (a->first_time, event_time);
  a->last_time = MAX (a->last_time, event_time);
  a->orders += 1;
  a->spend += amount;
  weekday = weekday_of (event_time);
  hour = hour_of (event_time);
  a->weekend += (weekday == 0 || weekday == 6);
  a->evening += (hour >= 18 || hour < 6);
  a->discounted += discount > 0.005;
  scan->max_time = MAX (scan->max_time, event_time);

  /* Checking the cancellable on every row would cost more than the row itself. */
  if ((++scan->n_seen & 0xfff) == 0 && g_cancellable_is_cancelled (scan->cancellable))
    return FALSE;
  return TRUE;
}

static int
cmp_gint64 (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static gboolean
scan_engagement (gint64   person_id,
                 int      opened,
                 int      clicked,
                 gpointer user_data)
{
  OrderScan *scan = user_data;
  gint64 *found = bsearch (&person_id, scan->people->data, scan->people->len, sizeof (gint64), cmp_gint64);

  if (found != NULL)
    {
      Accumulator *a = &g_array_index (scan->acc, Accumulator, found - (gint64 *) scan->people->data);

      a->sent += 1;
      a->opened += opened > 0;
    }
  return TRUE;
}

/**
 * cst_features_compute:
 * @store: an open project
 * @identity_run: the people to describe
 *
 * Computes the behavioural features (see cst_feature_info_get_all()) of every person who
 * ordered at least once. Recency is measured from the data's own "today", one day after its
 * last order, so that an old export gives the same answer next year. People who never received
 * an email get the average open rate (counted in n_imputed). Cost: one pass over the orders and
 * one over the engagement rows.
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error set
 */
CstFeatureTable *
cst_features_compute (CstStore         *store,
                      gint64            identity_run,
                      GCancellable     *cancellable,
                      CstProgressFunc   progress,
                      gpointer          progress_data,
                      GError          **error)
{
  g_autoptr(CstFeatureTable) table = NULL;
  g_autoptr(GArray) people = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) acc = g_array_new (FALSE, FALSE, sizeof (Accumulator));
  OrderScan scan = { people, acc, cancellable, 0, G_MININT64 };
  double open_sum = 0, open_n = 0, mean_open;
  gint64 n_people = 0;

  cst_progress_report (progress, progress_data, 0.0, _("Reading orders"));
  if (!cst_store_foreach_order (store, identity_run, scan_order, &scan, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  cst_progress_report (progress, progress_data, 0.6, _("Reading email engagement"));
  if (!cst_store_foreach_engagement (store, identity_run, scan_engagement, &scan, error))
    return NULL;

  table = g_new0 (CstFeatureTable, 1);
  table->rows = people->len;
  table->cols = N_FEATURES;
  table->values = g_new0 (double, table->rows * table->cols);
  table->person_ids = g_memdup2 (people->data, sizeof (gint64) * people->len);
  cst_store_get_latest_identity_run (store, &n_people);
  table->n_skipped = n_people > (gint64) people->len ? n_people - people->len : 0;
  table->reference_time = people->len > 0 ? scan.max_time + SECONDS_PER_DAY : 0;

  for (guint i = 0; i < acc->len; i++)
    {
      const Accumulator *a = &g_array_index (acc, Accumulator, i);

      if (a->sent > 0)
        {
          open_sum += a->opened / a->sent;
          open_n += 1;
        }
    }
  mean_open = open_n > 0 ? open_sum / open_n : 0.0;

  for (guint i = 0; i < acc->len; i++)
    {
      const Accumulator *a = &g_array_index (acc, Accumulator, i);
      double *row = table->values + (gsize) i * N_FEATURES;

      row[F_RECENCY] = (double) (table->reference_time - a->last_time) / SECONDS_PER_DAY;
      row[F_ORDERS] = a->orders;
      row[F_TOTAL_SPEND] = a->spend;
      row[F_AVERAGE_ORDER] = a->spend / a->orders;
      row[F_TENURE] = (double) (table->reference_time - a->first_time) / SECONDS_PER_DAY;
      row[F_WEEKEND_SHARE] = a->weekend / a->orders;
      row[F_EVENING_SHARE] = a->evening / a->orders;
      row[F_DISCOUNT_SHARE] = a->discounted / a->orders;
      if (a->sent > 0)
        row[F_OPEN_RATE] = a->opened / a->sent;
      else
        {
          row[F_OPEN_RATE] = mean_open;
          table->n_imputed++;
        }
    }

  cst_progress_report (progress, progress_data, 1.0, NULL);
  return g_steal_pointer (&table);
}

void
cst_feature_table_free (CstFeatureTable *table)
{
  if (table == NULL)
    return;
  g_free (table->values);
  g_free (table->person_ids);
  g_free (table);
}
