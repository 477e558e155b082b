/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-features"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cst-features.h"
#include "store/cst-store.h"
#include "numeric/cst-compare.h"

#define SECONDS_PER_DAY 86400.0

/* A channel becomes a feature when at least this share of all orders used it; at most
 * MAX_CHANNELS channels, the most used first. */
#define MIN_CHANNEL_SHARE 0.01
#define MAX_CHANNELS      5

static const CstFeatureInfo features[] = {
  { CST_FEATURE_RECENCY, N_("Days since last order"), N_("How many days ago the person last ordered"),
    CST_FEATURE_UNIT_DAYS, CST_FEATURE_GROUP_RECENCY, FALSE, TRUE },
  { CST_FEATURE_ORDERS, N_("Orders"), N_("How many orders the person placed"),
    CST_FEATURE_UNIT_COUNT, CST_FEATURE_GROUP_FREQUENCY, TRUE, TRUE },
  { CST_FEATURE_GAP, N_("Days between orders"), N_("The average time between two orders; needs two orders"),
    CST_FEATURE_UNIT_DAYS, CST_FEATURE_GROUP_FREQUENCY, TRUE, TRUE },
  { CST_FEATURE_GAP_REGULARITY, N_("Irregularity of orders"),
    N_("How much the time between orders varies (0 is like clockwork); needs three orders"),
    CST_FEATURE_UNIT_RATIO, CST_FEATURE_GROUP_FREQUENCY, FALSE, TRUE },
  { CST_FEATURE_TENURE, N_("Days since first order"), N_("How long ago the person first ordered"),
    CST_FEATURE_UNIT_DAYS, CST_FEATURE_GROUP_RECENCY, FALSE, TRUE },
  { CST_FEATURE_TOTAL_SPEND, N_("Total spend"), N_("The sum of all the person’s orders"),
    CST_FEATURE_UNIT_MONEY, CST_FEATURE_GROUP_SPEND, TRUE, TRUE },
  { CST_FEATURE_AVERAGE_ORDER, N_("Average order"), N_("The average value of one order"),
    CST_FEATURE_UNIT_MONEY, CST_FEATURE_GROUP_SPEND, TRUE, TRUE },
  { CST_FEATURE_WEEKEND, N_("Weekend orders"), N_("Share of orders placed on a Saturday or Sunday"),
    CST_FEATURE_UNIT_SHARE, CST_FEATURE_GROUP_TIMING, FALSE, TRUE },
  { CST_FEATURE_EVENING, N_("Evening orders"), N_("Share of orders placed between 6 pm and 6 am"),
    CST_FEATURE_UNIT_SHARE, CST_FEATURE_GROUP_TIMING, FALSE, TRUE },
  { CST_FEATURE_TOP_CATEGORY, N_("Favorite category share"),
    N_("Share of orders in the person’s most bought category"),
    CST_FEATURE_UNIT_SHARE, CST_FEATURE_GROUP_ASSORTMENT, FALSE, TRUE },
  { CST_FEATURE_CATEGORIES, N_("Categories bought"), N_("How many different categories the person bought from"),
    CST_FEATURE_UNIT_COUNT, CST_FEATURE_GROUP_ASSORTMENT, TRUE, TRUE },
  { CST_FEATURE_DISCOUNT, N_("Discounted orders"), N_("Share of orders that used a discount"),
    CST_FEATURE_UNIT_SHARE, CST_FEATURE_GROUP_DISCOUNTS, FALSE, TRUE },
  /* Translators: %s is a sales channel as written in the data, such as "web" or "store" */
  { CST_FEATURE_CHANNEL_PREFIX, N_("Orders via %s"), N_("Share of orders placed through this channel"),
    CST_FEATURE_UNIT_SHARE, CST_FEATURE_GROUP_CHANNEL, FALSE, TRUE },
  { CST_FEATURE_OPEN_RATE, N_("Email open rate"), N_("Share of received emails the person opened"),
    CST_FEATURE_UNIT_SHARE, CST_FEATURE_GROUP_ENGAGEMENT, FALSE, TRUE },
  { CST_FEATURE_CLICK_RATE, N_("Email click rate"), N_("Share of received emails in which the person clicked"),
    CST_FEATURE_UNIT_SHARE, CST_FEATURE_GROUP_ENGAGEMENT, FALSE, TRUE },
  { CST_FEATURE_ENGAGEMENT, N_("Days since last email open"),
    N_("How many days ago the person last opened an email (or, if never, first received one)"),
    CST_FEATURE_UNIT_DAYS, CST_FEATURE_GROUP_ENGAGEMENT, FALSE, TRUE },
};

static const char * const group_labels[CST_FEATURE_N_GROUPS] = {
  [CST_FEATURE_GROUP_RECENCY] = N_("Recency"),
  [CST_FEATURE_GROUP_FREQUENCY] = N_("Frequency"),
  [CST_FEATURE_GROUP_SPEND] = N_("Spend"),
  [CST_FEATURE_GROUP_TIMING] = N_("Timing"),
  [CST_FEATURE_GROUP_ASSORTMENT] = N_("Categories"),
  [CST_FEATURE_GROUP_DISCOUNTS] = N_("Discounts"),
  [CST_FEATURE_GROUP_CHANNEL] = N_("Channels"),
  [CST_FEATURE_GROUP_ENGAGEMENT] = N_("Email engagement"),
};

typedef struct
{
  gint64 first_time;
  gint64 last_time;
  gint64 prev_time;
  double lines;
  double orders;
  double spend;
  double weekend;
  double evening;
  double discounted;
  double discount_known;
  double gap_sum;
  double gap_sq_sum;
  double gaps;
  guint  top_category_count;
  guint  n_categories;
  guint  channel_offset;    /* into Scan.channel_counts */
  double sent;
  double opened;
  double clicked;
  double click_known;
  gint64 first_sent;
  gint64 last_open;
} Accumulator;

typedef struct
{
  GArray       *people;          /* gint64 */
  GArray       *acc;             /* Accumulator */
  GHashTable   *categories;      /* interned category → id + 1 */
  GHashTable   *channels;        /* interned channel → id + 1 */
  GPtrArray    *channel_names;   /* by id */
  GArray       *channel_totals;  /* guint per channel id */
  GArray       *channel_counts;  /* per person, MAX_SEEN_CHANNELS guints */
  GArray       *person_categories; /* guint counts per category id, for the current person */
  GCancellable *cancellable;
  gsize         n_seen;
  gint64        max_time;
  /* The order being read: its lines are added up before it counts. */
  gboolean      open;
  char         *order_id;
  gint64        order_time;
  double        order_amount;
  gboolean      order_discounted;
  gboolean      order_discount_known;
  int           order_channel;
  gsize         n_with_category;
  gsize         n_with_channel;
  gsize         n_engagement;
  gint64        cutoff;          /* rows at or after this time are not read (G_MAXINT64: none) */
} Scan;

/* Channels are counted per person for the first MAX_SEEN_CHANNELS distinct values; exports
 * rarely have more, and later ones are rare by construction. */
#define MAX_SEEN_CHANNELS 16

const CstFeatureInfo *
cst_feature_info_get_all (guint *n_features)
{
  if (n_features != NULL)
    *n_features = G_N_ELEMENTS (features);
  return features;
}

/**
 * cst_feature_info_lookup:
 * @name: a stored feature name, such as "orders" or "channel:web"
 *
 * Returns: (nullable): what the feature means; for a channel feature, the channel template
 */
const CstFeatureInfo *
cst_feature_info_lookup (const char *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    {
      if (g_str_equal (features[i].name, CST_FEATURE_CHANNEL_PREFIX))
        {
          if (g_str_has_prefix (name, CST_FEATURE_CHANNEL_PREFIX))
            return &features[i];
        }
      else if (g_str_equal (features[i].name, name))
        return &features[i];
    }
  return NULL;
}

/* Returns: (transfer full): the translated label, "Orders via web" for "channel:web" */
char *
cst_feature_dup_label (const char *name)
{
  const CstFeatureInfo *info = cst_feature_info_lookup (name);

  if (info == NULL)
    return g_strdup (name);
  if (info->group == CST_FEATURE_GROUP_CHANNEL)
    {
      GString *label = g_string_new (_(info->label));

      g_string_replace (label, "%s", name + strlen (CST_FEATURE_CHANNEL_PREFIX), 1);
      return g_string_free (label, FALSE);
    }
  return g_strdup (_(info->label));
}

char *
cst_feature_dup_description (const char *name)
{
  const CstFeatureInfo *info = cst_feature_info_lookup (name);

  return g_strdup (info != NULL ? _(info->description) : "");
}

const char *
cst_feature_group_label (CstFeatureGroup group)
{
  g_return_val_if_fail (group < CST_FEATURE_N_GROUPS, NULL);

  return _(group_labels[group]);
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

  if (isnan (value))
    return g_strdup ("–");

  switch (info->unit)
    {
    case CST_FEATURE_UNIT_DAYS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'.0f day", "%'.0f days", (gulong) round (value)), value);
    case CST_FEATURE_UNIT_COUNT:
      return g_strdup_printf ("%'.1f", value);
    case CST_FEATURE_UNIT_MONEY:
      return g_strdup_printf ("%'.2f", value);
    case CST_FEATURE_UNIT_SHARE:
      /* Translators: a percentage; keep the %% */
      return g_strdup_printf (_("%.0f %%"), 100.0 * value);
    case CST_FEATURE_UNIT_RATIO:
      return g_strdup_printf ("%.2f", value);
    default:
      g_assert_not_reached ();
    }
}

/* Day of the week and hour of a wall-clock time stored as seconds since 1970: 1970-01-01 was a
 * Thursday. Floor division keeps times before 1970 right. */
static inline int
weekday_of (gint64 t)
{
  gint64 days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);

  return (int) (((days + 4) % 7 + 7) % 7); /* 0 = Sunday */
}

static inline int
hour_of (gint64 t)
{
  return (int) ((((t % 86400) + 86400) % 86400) / 3600);
}

static guint
intern (GHashTable *table,
        GPtrArray  *names,
        const char *value)
{
  gpointer id = g_hash_table_lookup (table, value);

  if (id == NULL)
    {
      char *copy = g_strdup (value);

      id = GUINT_TO_POINTER (g_hash_table_size (table) + 1);
      g_hash_table_insert (table, copy, id);
      if (names != NULL)
        g_ptr_array_add (names, copy);
    }
  return GPOINTER_TO_UINT (id) - 1;
}

/* The current person's categories are counted in a small array that is cleared per person. */
static void
finish_categories (Scan *scan)
{
  Accumulator *a;

  if (scan->acc->len == 0)
    return;
  a = &g_array_index (scan->acc, Accumulator, scan->acc->len - 1);
  for (guint c = 0; c < scan->person_categories->len; c++)
    {
      guint count = g_array_index (scan->person_categories, guint, c);

      if (count > 0)
        a->n_categories++;
      a->top_category_count = MAX (a->top_category_count, count);
    }
  if (scan->person_categories->len > 0)
    memset (scan->person_categories->data, 0, sizeof (guint) * scan->person_categories->len);
}

/* An order counts once all its lines are read: its time, weekday and channel once, its amount
 * added to the spend. An order whose lines add up to nothing or less (a cancellation or a
 * return) reduces the spend but is not an order. */
static void
finish_order (Scan *scan)
{
  Accumulator *a;
  int weekday, hour;

  if (!scan->open)
    return;
  scan->open = FALSE;
  g_clear_pointer (&scan->order_id, g_free);

  a = &g_array_index (scan->acc, Accumulator, scan->acc->len - 1);
  a->spend += scan->order_amount;
  if (scan->order_amount <= 0.0)
    return;

  /* Orders arrive sorted by time within a person, so gaps are differences of neighbours. */
  if (a->orders > 0)
    {
      double gap = (scan->order_time - a->prev_time) / SECONDS_PER_DAY;

      a->gap_sum += gap;
      a->gap_sq_sum += gap * gap;
      a->gaps += 1;
    }
  else
    a->first_time = scan->order_time;
  a->prev_time = scan->order_time;
  a->last_time = scan->order_time;
  a->orders += 1;
  weekday = weekday_of (scan->order_time);
  hour = hour_of (scan->order_time);
  a->weekend += (weekday == 0 || weekday == 6);
  a->evening += (hour >= 18 || hour < 6);
  if (scan->order_discount_known)
    {
      a->discount_known += 1;
      a->discounted += scan->order_discounted;
    }
  if (scan->order_channel >= 0)
    {
      g_array_index (scan->channel_totals, guint, scan->order_channel)++;
      if (scan->order_channel < MAX_SEEN_CHANNELS)
        g_array_index (scan->channel_counts, guint, a->channel_offset + scan->order_channel)++;
    }
  scan->max_time = MAX (scan->max_time, scan->order_time);
}

static gboolean
scan_order (gint64      person_id,
            gint64      event_time,
            double      amount,
            double      discount,
            const char *order_id,
            const char *category,
            const char *channel,
            gpointer    user_data)
{
  Scan *scan = user_data;
  Accumulator *a;
  gboolean new_person;

  /* Lines of the future are invisible: a split in time must not leak into the features. */
  if (event_time >= scan->cutoff)
    return TRUE;

  new_person = scan->people->len == 0 ||
               g_array_index (scan->people, gint64, scan->people->len - 1) != person_id;

  /* A line of the order being read: same person, same order number. */
  if (!new_person && scan->open && order_id != NULL && scan->order_id != NULL &&
      g_str_equal (order_id, scan->order_id))
    {
      scan->order_amount += amount;
    }
  else
    {
      finish_order (scan);
      if (new_person)
        {
          Accumulator fresh = { .prev_time = CST_NO_TIME, .first_sent = CST_NO_TIME, .last_open = CST_NO_TIME };

          finish_categories (scan);
          fresh.channel_offset = scan->channel_counts->len;
          g_array_set_size (scan->channel_counts, scan->channel_counts->len + MAX_SEEN_CHANNELS);
          g_array_append_val (scan->people, person_id);
          g_array_append_val (scan->acc, fresh);
        }
      scan->open = TRUE;
      scan->order_id = g_strdup (order_id);
      scan->order_time = event_time;
      scan->order_amount = amount;
      scan->order_discounted = FALSE;
      scan->order_discount_known = FALSE;
      scan->order_channel = -1;
    }

  a = &g_array_index (scan->acc, Accumulator, scan->acc->len - 1);
  a->lines += 1;
  if (!isnan (discount))
    {
      scan->order_discount_known = TRUE;
      scan->order_discounted |= discount > 0.005;
    }

  if (category != NULL && category[0] != '\0')
    {
      guint id = intern (scan->categories, NULL, category);

      if (id >= scan->person_categories->len)
        g_array_set_size (scan->person_categories, id + 1);
      g_array_index (scan->person_categories, guint, id)++;
      scan->n_with_category++;
    }

  if (channel != NULL && channel[0] != '\0')
    {
      guint id = intern (scan->channels, scan->channel_names, channel);

      if (id >= scan->channel_totals->len)
        g_array_set_size (scan->channel_totals, id + 1);
      scan->order_channel = id;
      scan->n_with_channel++;
    }

  /* Checking the cancellable on every row would cost more than the row itself. */
  if ((++scan->n_seen & 0xfff) == 0 && g_cancellable_is_cancelled (scan->cancellable))
    return FALSE;
  return TRUE;
}

static gboolean
scan_engagement (gint64   person_id,
                 gint64   event_time,
                 int      opened,
                 int      clicked,
                 gpointer user_data)
{
  Scan *scan = user_data;
  gint64 *found = bsearch (&person_id, scan->people->data, scan->people->len, sizeof (gint64), cst_compare_int64);
  Accumulator *a;

  /* With a cutoff, a row without a date might be from the future, so it is not read. */
  if (scan->cutoff != G_MAXINT64 && (event_time == CST_NO_TIME || event_time >= scan->cutoff))
    return TRUE;
  scan->n_engagement++;
  if (found == NULL)
    return TRUE;

  a = &g_array_index (scan->acc, Accumulator, found - (gint64 *) scan->people->data);
  a->sent += 1;
  a->opened += opened > 0;
  if (clicked >= 0)
    {
      a->click_known += 1;
      a->clicked += clicked > 0;
    }
  if (event_time != CST_NO_TIME)
    {
      if (a->first_sent == CST_NO_TIME || event_time < a->first_sent)
        a->first_sent = event_time;
      if (opened > 0 && (a->last_open == CST_NO_TIME || event_time > a->last_open))
        a->last_open = event_time;
    }
  return TRUE;
}

static int
cmp_channel_total (gconstpointer a,
                   gconstpointer b,
                   gpointer      totals)
{
  guint x = g_array_index ((GArray *) totals, guint, *(const guint *) a);
  guint y = g_array_index ((GArray *) totals, guint, *(const guint *) b);

  return (y > x) - (y < x);
}

static void
add_note (GPtrArray  *notes,
          const char *note)
{
  g_ptr_array_add (notes, g_strdup (note));
}

/**
 * cst_features_compute:
 * @store: an open project
 * @identity_run: the people to describe
 *
 * Computes the behavioural features of every person who ordered at least once, each one only
 * where the imported data supports it: without categories there are no category features,
 * without a discount column no discount share, without email engagement no email features,
 * with a single sales channel no channel mix; each such gap is explained in @notes. Values that
 * cannot exist for a person (the time between orders of a one-time buyer) are NAN and counted in
 * n_missing. Recency is measured from the data's own "today", one day after its last order, so
 * that an old export gives the same answer next year. Cost: one pass over the orders and one over
 * the engagement rows; memory proportional to people.
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error set
 */
static CstFeatureTable *
compute (CstStore         *store,
         gint64            identity_run,
         gint64            cutoff,
         GCancellable     *cancellable,
         CstProgressFunc   progress,
         gpointer          progress_data,
         GError          **error)
{
  g_autoptr(CstFeatureTable) table = NULL;
  g_autoptr(GArray) people = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) acc = g_array_new (FALSE, FALSE, sizeof (Accumulator));
  g_autoptr(GHashTable) categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) channels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) channel_names = g_ptr_array_new ();
  g_autoptr(GArray) channel_totals = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(GArray) channel_counts = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(GArray) person_categories = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) channel_order = g_array_new (FALSE, FALSE, sizeof (guint));
  Scan scan = {
    .people = people,
    .acc = acc,
    .categories = categories,
    .channels = channels,
    .channel_names = channel_names,
    .channel_totals = channel_totals,
    .channel_counts = channel_counts,
    .person_categories = person_categories,
    .cancellable = cancellable,
    .max_time = G_MININT64,
    .order_channel = -1,
    .cutoff = cutoff,
  };
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean has_discount = FALSE, has_clicks = FALSE, has_engagement_time = FALSE;
  gsize total_orders = 0;
  gint64 n_people = 0;

  cst_progress_report (progress, progress_data, 0.0, _("Reading orders"));
  if (!cst_store_foreach_order (store, identity_run, scan_order, &scan, error))
    {
      g_free (scan.order_id);
      return NULL;
    }
  finish_order (&scan);
  finish_categories (&scan);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  cst_progress_report (progress, progress_data, 0.6, _("Reading email engagement"));
  if (!cst_store_foreach_engagement (store, identity_run, scan_engagement, &scan, error))
    return NULL;

  /* Someone whose every order was cancelled or returned has no buying behaviour to describe. */
  for (guint i = 0; i < acc->len; i++)
    if (g_array_index (acc, Accumulator, i).orders > 0)
      g_array_append_val (kept, i);

  for (guint i = 0; i < acc->len; i++)
    {
      const Accumulator *a = &g_array_index (acc, Accumulator, i);

      total_orders += a->orders;
      has_discount |= a->discount_known > 0;
      has_clicks |= a->click_known > 0;
      has_engagement_time |= a->first_sent != CST_NO_TIME;
    }

  /* Which features this data supports, in the order of the feature table. */
  for (guint c = 0; c < channel_totals->len; c++)
    if (g_array_index (channel_totals, guint, c) >= MIN_CHANNEL_SHARE * total_orders && c < MAX_SEEN_CHANNELS)
      g_array_append_val (channel_order, c);
  g_array_sort_with_data (channel_order, cmp_channel_total, channel_totals);
  if (channel_order->len > MAX_CHANNELS)
    g_array_set_size (channel_order, MAX_CHANNELS);

  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    {
      const CstFeatureInfo *info = &features[i];

      if (info->group == CST_FEATURE_GROUP_ASSORTMENT && scan.n_with_category == 0)
        continue;
      if (info->group == CST_FEATURE_GROUP_DISCOUNTS && !has_discount)
        continue;
      if (info->group == CST_FEATURE_GROUP_ENGAGEMENT && scan.n_engagement == 0)
        continue;
      if (g_str_equal (info->name, CST_FEATURE_CLICK_RATE) && !has_clicks)
        continue;
      if (g_str_equal (info->name, CST_FEATURE_ENGAGEMENT) && !has_engagement_time)
        continue;
      if (info->group == CST_FEATURE_GROUP_CHANNEL)
        {
          /* One channel for everybody says nothing about anybody. */
          if (channel_order->len >= 2)
            for (guint c = 0; c < channel_order->len; c++)
              g_ptr_array_add (names, g_strconcat (CST_FEATURE_CHANNEL_PREFIX,
                                                   (const char *) g_ptr_array_index (channel_names,
                                                                                     g_array_index (channel_order, guint, c)),
                                                   NULL));
          continue;
        }
      g_ptr_array_add (names, g_strdup (info->name));
    }

  if (scan.n_with_category == 0)
    add_note (notes, _("The orders have no category, so favorite category and category breadth are not used."));
  if (!has_discount)
    add_note (notes, _("The orders have no discount column, so the share of discounted orders is not used."));
  if (channel_order->len < 2)
    add_note (notes, _("The orders come through one sales channel or name none, so the channel mix is not used."));
  if (scan.n_engagement == 0)
    add_note (notes, _("There is no email engagement file, so email open and click rates are not used."));
  else
    {
      if (!has_clicks)
        add_note (notes, _("The email engagement has no clicks, so the click rate is not used."));
      if (!has_engagement_time)
        add_note (notes, _("The email engagement has no send dates, so the days since the last email open are not used."));
    }
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (notes, NULL);

  table = g_new0 (CstFeatureTable, 1);
  table->rows = kept->len;
  table->cols = names->len - 1;
  table->names = (char **) g_ptr_array_steal (names, NULL);
  table->notes = (char **) g_ptr_array_steal (notes, NULL);
  table->values = g_new0 (double, table->rows * table->cols);
  table->n_missing = g_new0 (gsize, table->cols);
  table->person_ids = g_new (gint64, kept->len);
  for (guint i = 0; i < kept->len; i++)
    table->person_ids[i] = g_array_index (people, gint64, g_array_index (kept, guint, i));
  cst_store_get_latest_identity_run (store, &n_people);
  table->n_skipped = n_people > (gint64) kept->len ? n_people - kept->len : 0;
  if (cutoff != G_MAXINT64)
    table->reference_time = cutoff;
  else
    table->reference_time = kept->len > 0 ? scan.max_time + (gint64) SECONDS_PER_DAY : 0;

  for (guint f = 0; f < table->cols; f++)
    {
      const char *name = table->names[f];
      guint channel = G_MAXUINT;

      if (g_str_has_prefix (name, CST_FEATURE_CHANNEL_PREFIX))
        channel = intern (channels, NULL, name + strlen (CST_FEATURE_CHANNEL_PREFIX));

      for (gsize i = 0; i < table->rows; i++)
        {
          const Accumulator *a = &g_array_index (acc, Accumulator, g_array_index (kept, guint, i));
          double v;

          if (g_str_equal (name, CST_FEATURE_RECENCY))
            v = (table->reference_time - a->last_time) / SECONDS_PER_DAY;
          else if (g_str_equal (name, CST_FEATURE_ORDERS))
            v = a->orders;
          else if (g_str_equal (name, CST_FEATURE_GAP))
            v = a->gaps >= 1 ? a->gap_sum / a->gaps : NAN;
          else if (g_str_equal (name, CST_FEATURE_GAP_REGULARITY))
            {
              /* Coefficient of variation of the gaps: 0 for clockwork, about 1 for random. */
              if (a->gaps >= 2 && a->gap_sum > 0)
                {
                  double mean = a->gap_sum / a->gaps;
                  double var = MAX (a->gap_sq_sum / a->gaps - mean * mean, 0.0) * a->gaps / (a->gaps - 1);

                  v = sqrt (var) / mean;
                }
              else
                v = NAN;
            }
          else if (g_str_equal (name, CST_FEATURE_TENURE))
            v = (table->reference_time - a->first_time) / SECONDS_PER_DAY;
          else if (g_str_equal (name, CST_FEATURE_TOTAL_SPEND))
            v = a->spend;
          else if (g_str_equal (name, CST_FEATURE_AVERAGE_ORDER))
            v = a->spend / a->orders;
          else if (g_str_equal (name, CST_FEATURE_WEEKEND))
            v = a->weekend / a->orders;
          else if (g_str_equal (name, CST_FEATURE_EVENING))
            v = a->evening / a->orders;
          else if (g_str_equal (name, CST_FEATURE_TOP_CATEGORY))
            v = a->n_categories > 0 ? a->top_category_count / a->lines : NAN;
          else if (g_str_equal (name, CST_FEATURE_CATEGORIES))
            v = a->n_categories > 0 ? a->n_categories : NAN;
          else if (g_str_equal (name, CST_FEATURE_DISCOUNT))
            v = a->discount_known > 0 ? a->discounted / a->discount_known : NAN;
          else if (channel != G_MAXUINT)
            v = g_array_index (channel_counts, guint, a->channel_offset + channel) / a->orders;
          else if (g_str_equal (name, CST_FEATURE_OPEN_RATE))
            v = a->sent > 0 ? a->opened / a->sent : NAN;
          else if (g_str_equal (name, CST_FEATURE_CLICK_RATE))
            v = a->click_known > 0 ? a->clicked / a->click_known : NAN;
          else if (g_str_equal (name, CST_FEATURE_ENGAGEMENT))
            {
              gint64 since = a->last_open != CST_NO_TIME ? a->last_open : a->first_sent;

              v = since != CST_NO_TIME ? MAX (table->reference_time - since, 0) / SECONDS_PER_DAY : NAN;
            }
          else
            g_assert_not_reached ();

          table->values[i * table->cols + f] = v;
          table->n_missing[f] += isnan (v);
        }
    }

  cst_progress_report (progress, progress_data, 1.0, NULL);
  return g_steal_pointer (&table);
}

CstFeatureTable *
cst_features_compute (CstStore         *store,
                      gint64            identity_run,
                      GCancellable     *cancellable,
                      CstProgressFunc   progress,
                      gpointer          progress_data,
                      GError          **error)
{
  return compute (store, identity_run, G_MAXINT64, cancellable, progress, progress_data, error);
}

/**
 * cst_features_compute_until:
 * @store: an open project
 * @identity_run: the people to describe
 * @cutoff: seconds since 1970 (wall clock); G_MAXINT64 for no cutoff
 *
 * Like cst_features_compute(), but as the data stood just before @cutoff: orders and
 * engagement at or after it are never read (engagement rows without a date neither), people
 * whose first order is later are not in the table, and recency is measured from @cutoff itself
 * (reference_time = @cutoff). This is what makes a time split free of leakage by construction.
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error set
 */
CstFeatureTable *
cst_features_compute_until (CstStore         *store,
                            gint64            identity_run,
                            gint64            cutoff,
                            GCancellable     *cancellable,
                            CstProgressFunc   progress,
                            gpointer          progress_data,
                            GError          **error)
{
  return compute (store, identity_run, cutoff, cancellable, progress, progress_data, error);
}

/* Returns: the column of feature @name in @table, or -1 */
int
cst_feature_table_find (const CstFeatureTable *table,
                        const char            *name)
{
  for (guint f = 0; f < table->cols; f++)
    if (g_str_equal (table->names[f], name))
      return f;
  return -1;
}

void
cst_feature_table_free (CstFeatureTable *table)
{
  if (table == NULL)
    return;
  g_strfreev (table->names);
  g_strfreev (table->notes);
  g_free (table->values);
  g_free (table->n_missing);
  g_free (table->person_ids);
  g_free (table);
}
