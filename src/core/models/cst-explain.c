/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-explain"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cst-explain.h"
#include "features/cst-features.h"

/* Effect sizes are differences of standardized means, in population standard deviations.
 * Cohen's conventional thresholds: 0.5 ("medium") makes a difference a defining trait that may
 * name the segment; 0.2 ("small") is the least difference worth a key fact or a tag. */
#define DEFINING_EFFECT 0.5
#define NOTABLE_EFFECT  0.2

/* A segment whose people placed fewer than 1.5 orders on average is mostly people who bought
 * once: "one-time buyers" rather than "occasional buyers". */
#define ONE_TIME_ORDERS 1.5

/* The strongest trait always names the segment; its partner comes from the next two, and only
 * if it is at least half as strong: both words of a name should be about clear differences, so
 * "New customers" does not become "Engaged newcomers" over a much weaker email difference. */
#define N_PARTNERS     2
#define PARTNER_SHARE  0.5

#define N_FACTS G_N_ELEMENTS (((CstSegmentExplanation *) NULL)->facts)

/* Themes keep the two words of a name about different things ("Frequent big spenders", never
 * "High-value big spenders"). The first four are the classic value dimensions (recency,
 * frequency, monetary value and tenure): marketers read a segment through them first, so a
 * partner from these themes is preferred over one about timing, channel or email. */
typedef enum
{
  THEME_RECENCY,
  THEME_FREQUENCY,
  THEME_SPEND,
  THEME_TENURE,
  THEME_WEEKEND,
  THEME_EVENING,
  THEME_ASSORTMENT,
  THEME_PRICE,
  THEME_CHANNEL,
  THEME_EMAIL,
} Theme;

#define THEME_IS_CORE(theme) ((theme) <= THEME_TENURE)

typedef enum
{
  COND_NONE,
  COND_ONE_TIME,   /* the segment's mean is below ONE_TIME_ORDERS */
  COND_REPEAT,     /* the segment's mean is at least ONE_TIME_ORDERS */
} Condition;

typedef enum
{
  TRAIT_FREQUENT,
  TRAIT_ONE_TIME,
  TRAIT_OCCASIONAL,
  TRAIT_SHORT_GAPS,
  TRAIT_LONG_GAPS,
  TRAIT_REGULAR,
  TRAIT_IRREGULAR,
  TRAIT_HIGH_VALUE,
  TRAIT_LOW_VALUE,
  TRAIT_PREMIUM,
  TRAIT_BUDGET,
  TRAIT_LAPSED,
  TRAIT_ACTIVE,
  TRAIT_NEW,
  TRAIT_LONG_STANDING,
  TRAIT_WEEKEND,
  TRAIT_EVENING,
  TRAIT_EXPLORER,
  TRAIT_CATEGORY_LOYAL,
  TRAIT_BARGAIN,
  TRAIT_CHANNEL_APP,
  TRAIT_CHANNEL_STORE,
  TRAIT_CHANNEL_WEB,
  TRAIT_CHANNEL_OTHER,   /* any other channel: its words are built from the channel's name */
  TRAIT_EMAIL_FAN,
  TRAIT_EMAIL_CLICKER,
  TRAIT_EMAIL_QUIET,
  TRAIT_CLICK_QUIET,
  TRAIT_ENGAGED,
  TRAIT_DISENGAGED,
  N_TRAITS
} TraitId;

#define BIT(id) (G_GUINT64_CONSTANT (1) << (id))

G_STATIC_ASSERT (N_TRAITS <= 64);

/* A trait is a feature that is clearly higher (direction +1) or lower (−1) in the segment than
 * in the rest, in the words a marketer would use. A name is an adjective and a noun from two
 * traits ("weekend" + "bargain hunters"), or the alone form of the strongest trait ("New
 * customers"). adjective and noun are lower case (the name gets its capital once put
 * together); noun is NULL where the trait has no natural head noun. explains lists the traits
 * that follow from this one (a new customer cannot have many orders): they never name a
 * segment beside it. contradicts lists the traits no one person can have together with this
 * one: a segment showing both mixes two kinds of people, and neither names it (k-means with too
 * small a k merges the new and the lapsed customers, whose only common trait is few orders). */
typedef struct
{
  const char *feature;
  int         direction;
  Condition   condition;
  Theme       theme;
  const char *adjective;
  const char *noun;
  const char *alone;
  const char *tag;        /* a word or two that tells apart segments of the same name */
  guint64     explains;
  guint64     contradicts;
} Trait;

/* Translators: the adjectives and nouns below are put together by the "%s %s" template of a
 * segment name ("frequent" + "big spenders" = "Frequent big spenders"); any adjective may go
 * with any noun. The alone forms are complete names. Tags follow a name in brackets to tell two
 * segments apart: "Big spenders (weekend)". */
static const Trait traits[N_TRAITS] = {
  [TRAIT_FREQUENT] = {
    CST_FEATURE_ORDERS, +1, COND_NONE, THEME_FREQUENCY,
    NC_("segment name adjective", "frequent"), NULL, N_("Frequent buyers"), NC_("segment tag", "frequent"),
    BIT (TRAIT_ACTIVE) | BIT (TRAIT_LONG_STANDING) | BIT (TRAIT_EXPLORER) | BIT (TRAIT_SHORT_GAPS),
  },
  [TRAIT_ONE_TIME] = {
    CST_FEATURE_ORDERS, -1, COND_ONE_TIME, THEME_FREQUENCY,
    NC_("segment name adjective", "one-time"), NC_("segment name noun", "one-time buyers"), N_("One-time buyers"), NC_("segment tag", "one order"),
    BIT (TRAIT_LOW_VALUE) | BIT (TRAIT_CATEGORY_LOYAL),
  },
  [TRAIT_OCCASIONAL] = {
    CST_FEATURE_ORDERS, -1, COND_REPEAT, THEME_FREQUENCY,
    NC_("segment name adjective", "occasional"), NC_("segment name noun", "occasional buyers"), N_("Occasional buyers"), NC_("segment tag", "occasional"),
    BIT (TRAIT_LOW_VALUE),
  },
  [TRAIT_SHORT_GAPS] = {
    CST_FEATURE_GAP, -1, COND_NONE, THEME_FREQUENCY,
    NC_("segment name adjective", "frequent"), NULL, N_("Frequent buyers"), NC_("segment tag", "short gaps"), 0,
  },
  [TRAIT_LONG_GAPS] = {
    CST_FEATURE_GAP, +1, COND_NONE, THEME_FREQUENCY,
    NC_("segment name adjective", "infrequent"), NULL, N_("Infrequent buyers"), NC_("segment tag", "long gaps"), 0,
  },
  [TRAIT_REGULAR] = {
    CST_FEATURE_GAP_REGULARITY, -1, COND_NONE, THEME_FREQUENCY,
    NC_("segment name adjective", "regular"), NC_("segment name noun", "regulars"), N_("Regulars"), NC_("segment tag", "regular"), 0,
  },
  [TRAIT_IRREGULAR] = {
    CST_FEATURE_GAP_REGULARITY, +1, COND_NONE, THEME_FREQUENCY,
    NC_("segment name adjective", "irregular"), NULL, N_("Irregular buyers"), NC_("segment tag", "irregular"), 0,
  },
  [TRAIT_HIGH_VALUE] = {
    CST_FEATURE_TOTAL_SPEND, +1, COND_NONE, THEME_SPEND,
    NC_("segment name adjective", "high-value"), NC_("segment name noun", "big spenders"), N_("Big spenders"), NC_("segment tag", "high spend"), 0,
  },
  [TRAIT_LOW_VALUE] = {
    CST_FEATURE_TOTAL_SPEND, -1, COND_NONE, THEME_SPEND,
    NC_("segment name adjective", "low-spending"), NC_("segment name noun", "light spenders"), N_("Light spenders"), NC_("segment tag", "low spend"), 0,
  },
  [TRAIT_PREMIUM] = {
    CST_FEATURE_AVERAGE_ORDER, +1, COND_NONE, THEME_SPEND,
    NC_("segment name adjective", "premium"), NC_("segment name noun", "big spenders"), N_("Premium buyers"), NC_("segment tag", "big baskets"), 0,
  },
  [TRAIT_BUDGET] = {
    CST_FEATURE_AVERAGE_ORDER, -1, COND_NONE, THEME_SPEND,
    NC_("segment name adjective", "budget"), NC_("segment name noun", "budget shoppers"), N_("Budget shoppers"), NC_("segment tag", "small baskets"), 0,
  },
  [TRAIT_LAPSED] = {
    CST_FEATURE_RECENCY, +1, COND_NONE, THEME_RECENCY,
    NC_("segment name adjective", "lapsed"), NULL, N_("Lapsed customers"), NC_("segment tag", "lapsed"),
    /* Tenure is at least recency: long gone means long known, and never new. */
    BIT (TRAIT_LONG_STANDING), BIT (TRAIT_NEW),
  },
  [TRAIT_ACTIVE] = {
    CST_FEATURE_RECENCY, -1, COND_NONE, THEME_RECENCY,
    NC_("segment name adjective", "active"), NULL, N_("Active customers"), NC_("segment tag", "recent"), 0,
  },
  [TRAIT_NEW] = {
    CST_FEATURE_TENURE, -1, COND_NONE, THEME_TENURE,
    NC_("segment name adjective", "new"), NC_("segment name noun", "newcomers"), N_("New customers"), NC_("segment tag", "new"),
    /* Recency is at most tenure, and a short history holds few orders in few categories. */
    BIT (TRAIT_ONE_TIME) | BIT (TRAIT_OCCASIONAL) | BIT (TRAIT_LOW_VALUE) | BIT (TRAIT_ACTIVE) |
    BIT (TRAIT_CATEGORY_LOYAL) | BIT (TRAIT_SHORT_GAPS) | BIT (TRAIT_LONG_GAPS),
    BIT (TRAIT_LAPSED),
  },
  [TRAIT_LONG_STANDING] = {
    CST_FEATURE_TENURE, +1, COND_NONE, THEME_TENURE,
    NC_("segment name adjective", "long-standing"), NULL, N_("Long-standing customers"), NC_("segment tag", "long-standing"), 0,
  },
  [TRAIT_WEEKEND] = {
    CST_FEATURE_WEEKEND, +1, COND_NONE, THEME_WEEKEND,
    NC_("segment name adjective", "weekend"), NULL, N_("Weekend shoppers"), NC_("segment tag", "weekend"), 0,
  },
  [TRAIT_EVENING] = {
    CST_FEATURE_EVENING, +1, COND_NONE, THEME_EVENING,
    NC_("segment name adjective", "evening"), NULL, N_("Evening shoppers"), NC_("segment tag", "evening"), 0,
  },
  [TRAIT_EXPLORER] = {
    CST_FEATURE_CATEGORIES, +1, COND_NONE, THEME_ASSORTMENT,
    NC_("segment name adjective", "variety-seeking"), NC_("segment name noun", "explorers"), N_("Explorers"), NC_("segment tag", "many categories"), 0,
  },
  [TRAIT_CATEGORY_LOYAL] = {
    CST_FEATURE_TOP_CATEGORY, +1, COND_NONE, THEME_ASSORTMENT,
    NC_("segment name adjective", "category-loyal"), NC_("segment name noun", "category loyalists"), N_("Category loyalists"), NC_("segment tag", "one category"), 0,
  },
  [TRAIT_BARGAIN] = {
    CST_FEATURE_DISCOUNT, +1, COND_NONE, THEME_PRICE,
    NC_("segment name adjective", "deal-seeking"), NC_("segment name noun", "bargain hunters"), N_("Bargain hunters"), NC_("segment tag", "discounts"),
    /* Discounted orders are smaller orders. */
    BIT (TRAIT_BUDGET),
  },
  [TRAIT_CHANNEL_APP] = {
    CST_FEATURE_CHANNEL_PREFIX "app", +1, COND_NONE, THEME_CHANNEL,
    NC_("segment name adjective", "app-first"), NC_("segment name noun", "app shoppers"), N_("App-first customers"), NC_("segment tag", "app"), 0,
  },
  [TRAIT_CHANNEL_STORE] = {
    CST_FEATURE_CHANNEL_PREFIX "store", +1, COND_NONE, THEME_CHANNEL,
    NC_("segment name adjective", "in-store"), NC_("segment name noun", "in-store shoppers"), N_("In-store shoppers"), NC_("segment tag", "in store"), 0,
  },
  [TRAIT_CHANNEL_WEB] = {
    CST_FEATURE_CHANNEL_PREFIX "web", +1, COND_NONE, THEME_CHANNEL,
    NC_("segment name adjective", "online"), NC_("segment name noun", "online shoppers"), N_("Online shoppers"), NC_("segment tag", "online"), 0,
  },
  [TRAIT_CHANNEL_OTHER] = {
    /* Words built in channel_words() from the channel's own name. */
    CST_FEATURE_CHANNEL_PREFIX, +1, COND_NONE, THEME_CHANNEL, NULL, NULL, NULL, NULL, 0,
  },
  [TRAIT_EMAIL_FAN] = {
    CST_FEATURE_OPEN_RATE, +1, COND_NONE, THEME_EMAIL,
    NC_("segment name adjective", "engaged"), NC_("segment name noun", "email fans"), N_("Email fans"), NC_("segment tag", "opens emails"), 0,
  },
  [TRAIT_EMAIL_CLICKER] = {
    CST_FEATURE_CLICK_RATE, +1, COND_NONE, THEME_EMAIL,
    NC_("segment name adjective", "engaged"), NC_("segment name noun", "email fans"), N_("Email clickers"), NC_("segment tag", "clicks emails"), 0,
  },
  [TRAIT_EMAIL_QUIET] = {
    CST_FEATURE_OPEN_RATE, -1, COND_NONE, THEME_EMAIL,
    NC_("segment name adjective", "email-quiet"), NULL, N_("Email-quiet customers"), NC_("segment tag", "email-quiet"), 0,
  },
  [TRAIT_CLICK_QUIET] = {
    CST_FEATURE_CLICK_RATE, -1, COND_NONE, THEME_EMAIL,
    NC_("segment name adjective", "email-quiet"), NULL, N_("Email-quiet customers"), NC_("segment tag", "few clicks"), 0,
  },
  [TRAIT_ENGAGED] = {
    CST_FEATURE_ENGAGEMENT, -1, COND_NONE, THEME_EMAIL,
    NC_("segment name adjective", "engaged"), NC_("segment name noun", "email fans"), N_("Engaged customers"), NC_("segment tag", "engaged"), 0,
  },
  [TRAIT_DISENGAGED] = {
    CST_FEATURE_ENGAGEMENT, +1, COND_NONE, THEME_EMAIL,
    NC_("segment name adjective", "disengaged"), NULL, N_("Disengaged customers"), NC_("segment tag", "disengaged"), 0,
  },
};

/* A trait found in one segment. */
typedef struct
{
  TraitId     id;
  double      effect;    /* std_diff */
  const char *channel;   /* the channel's name, for TRAIT_CHANNEL_OTHER */
} Found;

/* The words of one trait, translated; channel traits may be built, so they are owned. */
typedef struct
{
  char *adjective;
  char *noun;
  char *alone;
  char *tag;
} Words;

static void
words_clear (Words *words)
{
  g_clear_pointer (&words->adjective, g_free);
  g_clear_pointer (&words->noun, g_free);
  g_clear_pointer (&words->alone, g_free);
  g_clear_pointer (&words->tag, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Words, words_clear)

static int
compare_differences (const void *a,
                     const void *b)
{
  const CstDifference *da = a;
  const CstDifference *db = b;
  double ea = fabs (da->std_diff);
  double eb = fabs (db->std_diff);

  if (ea != eb)
    return ea > eb ? -1 : 1;
  return (da->feature > db->feature) - (da->feature < db->feature);
}

/* The name with its first letter in title case: adjectives are stored in lower case so that a
 * translation may put the noun first. */
static char *
sentence_case (const char *text)
{
  gunichar first = g_utf8_get_char (text);
  char head[8] = { 0 };

  if (first == 0 || g_unichar_isupper (first) || g_unichar_istitle (first))
    return g_strdup (text);
  g_unichar_to_utf8 (g_unichar_totitle (first), head);
  return g_strconcat (head, g_utf8_next_char (text), NULL);
}

static gboolean
trait_matches (const Trait         *trait,
               const char          *name,
               const CstDifference *diff)
{
  gboolean one_time = isfinite (diff->mean) && diff->mean < ONE_TIME_ORDERS;

  if (diff->std_diff * trait->direction <= 0.0)
    return FALSE;
  if (trait->condition == COND_ONE_TIME && !one_time)
    return FALSE;
  if (trait->condition == COND_REPEAT && one_time)
    return FALSE;
  if (g_str_equal (trait->feature, CST_FEATURE_CHANNEL_PREFIX))
    return g_str_has_prefix (name, CST_FEATURE_CHANNEL_PREFIX) &&
           name[strlen (CST_FEATURE_CHANNEL_PREFIX)] != '\0';
  return g_str_equal (trait->feature, name);
}

/* The trait a difference shows, if the vocabulary has one; the specific channels come before
 * the catch-all, so the first match is the right one. */
static gboolean
find_trait (const char          *name,
            const CstDifference *diff,
            Found               *found)
{
  for (guint t = 0; t < N_TRAITS; t++)
    if (trait_matches (&traits[t], name, diff))
      {
        found->id = t;
        found->effect = diff->std_diff;
        found->channel = t == TRAIT_CHANNEL_OTHER ? name + strlen (CST_FEATURE_CHANNEL_PREFIX) : NULL;
        return TRUE;
      }
  return FALSE;
}

static void
get_words (const Found *found,
           Words       *words)
{
  const Trait *trait = &traits[found->id];

  if (found->id == TRAIT_CHANNEL_OTHER)
    {
      /* Translators: an adjective built from a sales channel's name, as in "kiosk-first" */
      words->adjective = g_strdup_printf (_("%s-first"), found->channel);
      words->noun = NULL;
      /* Translators: a segment name built from a sales channel's name */
      words->alone = g_strdup_printf (_("%s-first customers"), found->channel);
      words->tag = g_strdup (found->channel);
      return;
    }
  /* Adjectives, nouns and tags have contexts of their own: languages inflect an adjective in a
   * name differently from the same word alone in brackets. */
  words->adjective = g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, "segment name adjective", trait->adjective));
  words->noun = trait->noun != NULL
                ? g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, "segment name noun", trait->noun)) : NULL;
  words->alone = g_strdup (_(trait->alone));
  words->tag = g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, "segment tag", trait->tag));
}

static char *
join_name (const Found *adjective,
           const Found *noun)
{
  g_auto(Words) a = { 0 };
  g_auto(Words) n = { 0 };
  g_autofree char *name = NULL;

  get_words (adjective, &a);
  get_words (noun, &n);
  /* Translators: a segment name: an adjective and a noun, as in "weekend" + "bargain hunters".
   * Use "%2$s %1$s" to put the noun first. */
  /* Translators: a segment's name, an adjective and a noun ("Frequent" "big spenders"); reorder
   * with %2$s %1$s if your language puts the adjective after the noun */
  name = g_strdup_printf (C_("segment name from adjective and noun", "%s %s"), a.adjective, n.noun);
  return sentence_case (name);
}

/* Names a segment from its traits (strongest first) and returns, in @used, the traits the name
 * uses. The grammar:
 *  1. Defining traits are those of at least DEFINING_EFFECT. Two that contradict each other
 *     are both dropped; then a trait that another remaining one explains (whichever is
 *     stronger) is dropped.
 *  2. The strongest remaining trait T always appears.
 *  3. Its partner is one of the next N_PARTNERS traits of another theme that are at least
 *     PARTNER_SHARE as strong as T, core themes first, then by strength: the first that makes
 *     an adjective + noun pair with T. When both have a noun, T's is the head noun.
 *  4. With no partner, T's alone form ("Weekend shoppers").
 * Returns NULL when no trait is left. */
static char *
name_from_traits (GArray  *found,
                  guint64 *used)
{
  g_autoptr(GArray) defining = g_array_new (FALSE, FALSE, sizeof (Found));
  const Found *partners[N_PARTNERS];
  guint n_partners = 0;
  guint64 present = 0;
  guint64 cancelled = 0;
  guint64 explained = 0;
  const Found *first;

  *used = 0;
  for (guint i = 0; i < found->len; i++)
    {
      const Found *f = &g_array_index (found, Found, i);

      if (fabs (f->effect) >= DEFINING_EFFECT)
        present |= BIT (f->id);
    }
  for (guint t = 0; t < N_TRAITS; t++)
    if ((present & BIT (t)) && (traits[t].contradicts & present))
      cancelled |= BIT (t);
  for (guint t = 0; t < N_TRAITS; t++)
    if ((present & BIT (t)) && !(cancelled & BIT (t)))
      explained |= traits[t].explains;
  for (guint i = 0; i < found->len; i++)
    {
      const Found *f = &g_array_index (found, Found, i);

      if ((present & BIT (f->id)) && !((cancelled | explained) & BIT (f->id)))
        g_array_append_val (defining, *f);
    }
  if (defining->len == 0)
    return NULL;

  first = &g_array_index (defining, Found, 0);
  *used = BIT (first->id);
  for (guint i = 1; i < defining->len && n_partners < N_PARTNERS; i++)
    {
      const Found *f = &g_array_index (defining, Found, i);

      if (traits[f->id].theme != traits[first->id].theme &&
          fabs (f->effect) >= PARTNER_SHARE * fabs (first->effect))
        partners[n_partners++] = f;
    }
  /* Core themes first, then strength. */
  if (n_partners == 2 && !THEME_IS_CORE (traits[partners[0]->id].theme) &&
      THEME_IS_CORE (traits[partners[1]->id].theme))
    {
      const Found *tmp = partners[0];

      partners[0] = partners[1];
      partners[1] = tmp;
    }

  for (guint p = 0; p < n_partners; p++)
    {
      const Found *partner = partners[p];

      if (traits[first->id].noun != NULL)
        {
          *used |= BIT (partner->id);
          return join_name (partner, first);
        }
      if (traits[partner->id].noun != NULL)
        {
          *used |= BIT (partner->id);
          return join_name (first, partner);
        }
    }

  {
    g_auto(Words) w = { 0 };

    get_words (first, &w);
    return sentence_case (w.alone);
  }
}

/* The tag of the strongest notable trait the name does not use, or NULL. */
static char *
dup_tag (GArray  *found,
         guint64  used)
{
  for (guint i = 0; i < found->len; i++)
    {
      const Found *f = &g_array_index (found, Found, i);

      if (fabs (f->effect) >= NOTABLE_EFFECT && !(used & BIT (f->id)))
        {
          g_auto(Words) w = { 0 };

          get_words (f, &w);
          return g_steal_pointer (&w.tag);
        }
    }
  return NULL;
}

/* Number formatting for people. */

/* A double as the n of a plural form. */
static gulong
plural_n (double value)
{
  double r = round (fabs (value));

  return r < (double) G_MAXULONG ? (gulong) r : G_MAXULONG;
}

/* @ratio (> 0) rounded to two significant digits, and the decimals that writing it needs. */
static double
round_significant (double  ratio,
                   int    *decimals)
{
  int exponent = (int) floor (log10 (ratio));
  double scale = pow (10.0, 1 - exponent);
  double rounded = round (ratio * scale) / scale;

  /* 9.96 rounds up to 10: one digit fewer after the point. */
  if (rounded >= pow (10.0, exponent + 1))
    exponent++;
  *decimals = MAX (0, 1 - exponent);
  return rounded;
}

/* A ratio to two significant digits: 3.1, 11, 120. */
static char *
format_ratio (double ratio)
{
  int decimals;
  double rounded = round_significant (ratio, &decimals);

  return g_strdup_printf ("%'.*f", decimals, rounded);
}

static char *
format_percent (double share)
{
  /* Translators: a whole percentage; use your language's spacing and sign */
  return g_strdup_printf (_("%d %%"), (int) round (100.0 * share));
}

static char *
format_whole (double value)
{
  return g_strdup_printf ("%'.0f", round (value));
}

static char *
format_days (double days)
{
  g_autofree char *number = format_whole (days);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s day", "%s days", plural_n (days)),
                          number);
}

static char *
format_value (const CstFeatureInfo *info,
              double                value)
{
  if (info == NULL)
    return g_strdup_printf ("%.3g", value);

  switch (info->unit)
    {
    case CST_FEATURE_UNIT_DAYS:
      return format_days (value);
    case CST_FEATURE_UNIT_COUNT:
      return g_strdup_printf ("%'.1f", value);
    case CST_FEATURE_UNIT_MONEY:
      return g_strdup_printf ("%'.2f", value);
    case CST_FEATURE_UNIT_SHARE:
      return format_percent (value);
    case CST_FEATURE_UNIT_RATIO:
    default:
      return g_strdup_printf ("%.2f", value);
    }
}

static const CstFeatureInfo *
lookup_info (const char *name)
{
  const CstFeatureInfo *info = cst_feature_info_lookup (name);

  if (info == NULL && g_str_has_prefix (name, CST_FEATURE_CHANNEL_PREFIX))
    info = cst_feature_info_lookup (CST_FEATURE_CHANNEL_PREFIX);
  return info;
}

/* Key facts. Each template is a literal so that the compiler checks its format. */

typedef enum
{
  RATIO_TIMES,  /* 2.1× and up */
  RATIO_TWICE,  /* 1.95 to 2.05 */
  RATIO_MORE,   /* 1 % to 95 % more */
  RATIO_LESS,
  RATIO_HALF,
} RatioForm;

/* How to say @ratio: "3.1× as often" from 2 up (two significant digits), "twice", a whole
 * percentage more or less in between, "half" at 50 % less. Returns FALSE when the ratio rounds
 * to no difference at all. */
static gboolean
ratio_form (double     ratio,
            RatioForm *form,
            int       *percent,
            char     **times)
{
  if (ratio >= 1.0)
    {
      int decimals;
      double rounded = round_significant (ratio, &decimals);

      if (rounded == 2.0)
        *form = RATIO_TWICE;
      else if (rounded > 2.0)
        {
          *form = RATIO_TIMES;
          *times = format_ratio (ratio);
        }
      else
        {
          *percent = (int) round (100.0 * (ratio - 1.0));
          *form = RATIO_MORE;
          return *percent > 0;
        }
      return TRUE;
    }

  /* "100 % less" only when they really do none of it. */
  *percent = (int) round (100.0 * (1.0 - ratio));
  if (ratio > 0.0)
    *percent = MIN (*percent, 99);
  *form = *percent == 50 ? RATIO_HALF : RATIO_LESS;
  return *percent > 0;
}

static char *
describe_ratio (const char *name,
                double      ratio)
{
  g_autofree char *times = NULL;
  RatioForm form;
  int percent = 0;

  if (!isfinite (ratio) || ratio < 0.0 || !ratio_form (ratio, &form, &percent, &times))
    return NULL;

  if (g_str_equal (name, CST_FEATURE_ORDERS))
    switch (form)
      {
      case RATIO_TIMES: return g_strdup_printf (_("Order %s× as often as other customers"), times);
      case RATIO_TWICE: return g_strdup (_("Order twice as often as other customers"));
      case RATIO_MORE: return g_strdup_printf (_("Order %d %% more often than other customers"), percent);
      case RATIO_LESS: return g_strdup_printf (_("Order %d %% less often than other customers"), percent);
      case RATIO_HALF: return g_strdup (_("Order half as often as other customers"));
      default: g_assert_not_reached ();
      }
  if (g_str_equal (name, CST_FEATURE_AVERAGE_ORDER))
    switch (form)
      {
      case RATIO_TIMES: return g_strdup_printf (_("Spend %s× as much per order"), times);
      case RATIO_TWICE: return g_strdup (_("Spend twice as much per order"));
      case RATIO_MORE: return g_strdup_printf (_("Spend %d %% more per order"), percent);
      case RATIO_LESS: return g_strdup_printf (_("Spend %d %% less per order"), percent);
      case RATIO_HALF: return g_strdup (_("Spend half as much per order"));
      default: g_assert_not_reached ();
      }
  if (g_str_equal (name, CST_FEATURE_TOTAL_SPEND))
    switch (form)
      {
      case RATIO_TIMES: return g_strdup_printf (_("Spend %s× as much in total"), times);
      case RATIO_TWICE: return g_strdup (_("Spend twice as much in total"));
      case RATIO_MORE: return g_strdup_printf (_("Spend %d %% more in total"), percent);
      case RATIO_LESS: return g_strdup_printf (_("Spend %d %% less in total"), percent);
      case RATIO_HALF: return g_strdup (_("Spend half as much in total"));
      default: g_assert_not_reached ();
      }
  if (g_str_equal (name, CST_FEATURE_CATEGORIES))
    switch (form)
      {
      case RATIO_TIMES: return g_strdup_printf (_("Buy from %s× as many categories"), times);
      case RATIO_TWICE: return g_strdup (_("Buy from twice as many categories"));
      case RATIO_MORE: return g_strdup_printf (_("Buy from %d %% more categories"), percent);
      case RATIO_LESS: return g_strdup_printf (_("Buy from %d %% fewer categories"), percent);
      case RATIO_HALF: return g_strdup (_("Buy from half as many categories"));
      default: g_assert_not_reached ();
      }
  g_assert_not_reached ();
}

static char *
describe_days (const char *name,
               double      mean,
               double      rest_mean)
{
  g_autofree char *number = format_whole (mean);
  g_autofree char *others = format_days (rest_mean);
  gulong n = plural_n (mean);

  if (g_str_equal (name, CST_FEATURE_RECENCY))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Last ordered %s day ago on average (others: %s)",
                                         "Last ordered %s days ago on average (others: %s)", n),
                            number, others);
  if (g_str_equal (name, CST_FEATURE_TENURE))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "First ordered %s day ago on average (others: %s)",
                                         "First ordered %s days ago on average (others: %s)", n),
                            number, others);
  if (g_str_equal (name, CST_FEATURE_GAP))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Order every %s day on average (others: %s)",
                                         "Order every %s days on average (others: %s)", n),
                            number, others);
  if (g_str_equal (name, CST_FEATURE_ENGAGEMENT))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Last engaged with an email %s day ago on average (others: %s)",
                                         "Last engaged with an email %s days ago on average (others: %s)", n),
                            number, others);
  return NULL;
}

static char *
describe_share (const char *name,
                double      mean,
                double      rest_mean)
{
  g_autofree char *share = format_percent (mean);
  g_autofree char *others = format_percent (rest_mean);

  if (g_str_equal (name, CST_FEATURE_WEEKEND))
    return g_strdup_printf (_("%s of their orders are on a weekend (others: %s)"), share, others);
  if (g_str_equal (name, CST_FEATURE_EVENING))
    return g_strdup_printf (_("%s of their orders are in the evening or at night (others: %s)"),
                            share, others);
  if (g_str_equal (name, CST_FEATURE_DISCOUNT))
    return g_strdup_printf (_("Use a discount on %s of orders (others: %s)"), share, others);
  if (g_str_equal (name, CST_FEATURE_OPEN_RATE))
    return g_strdup_printf (_("Open %s of emails (others: %s)"), share, others);
  if (g_str_equal (name, CST_FEATURE_CLICK_RATE))
    return g_strdup_printf (_("Click a link in %s of emails (others: %s)"), share, others);
  if (g_str_equal (name, CST_FEATURE_TOP_CATEGORY))
    return g_strdup_printf (_("%s of their purchases are in their favorite category (others: %s)"),
                            share, others);
  if (g_str_equal (name, CST_FEATURE_CHANNEL_PREFIX "app"))
    return g_strdup_printf (_("Order via the app %s of the time (others: %s)"), share, others);
  if (g_str_equal (name, CST_FEATURE_CHANNEL_PREFIX "web"))
    return g_strdup_printf (_("Order online %s of the time (others: %s)"), share, others);
  if (g_str_equal (name, CST_FEATURE_CHANNEL_PREFIX "store"))
    return g_strdup_printf (_("Order in store %s of the time (others: %s)"), share, others);
  if (g_str_has_prefix (name, CST_FEATURE_CHANNEL_PREFIX))
    /* Translators: the first %s is a sales channel's name as found in the data */
    return g_strdup_printf (_("Order via %s %s of the time (others: %s)"),
                            name + strlen (CST_FEATURE_CHANNEL_PREFIX), share, others);
  return NULL;
}

/* One key fact about one difference, or NULL when there is nothing to say. */
static char *
describe_difference (const char          *name,
                     const CstDifference *diff)
{
  const CstFeatureInfo *info;
  g_autofree char *label = NULL;
  g_autofree char *mean = NULL;
  g_autofree char *rest = NULL;
  char *fact = NULL;

  if (!isfinite (diff->mean) || !isfinite (diff->rest_mean))
    return NULL;

  /* Counts and money are said as ratios: "3.1× as often" reads better than two averages, and
   * fractional counts ("1.1 categories") have no right plural in gettext. */
  if (g_str_equal (name, CST_FEATURE_ORDERS) || g_str_equal (name, CST_FEATURE_AVERAGE_ORDER) ||
      g_str_equal (name, CST_FEATURE_TOTAL_SPEND) || g_str_equal (name, CST_FEATURE_CATEGORIES))
    {
      /* A ratio that rounds to 1 says nothing; a missing one (others at 0) falls through to
       * the generic form. */
      if (isfinite (diff->ratio))
        return describe_ratio (name, diff->ratio);
    }
  else if ((fact = describe_days (name, diff->mean, diff->rest_mean)) != NULL ||
           (fact = describe_share (name, diff->mean, diff->rest_mean)) != NULL)
    return fact;
  else if (g_str_equal (name, CST_FEATURE_GAP_REGULARITY))
    {
      /* A coefficient of variation means nothing to a marketer: say it in words. */
      return g_strdup (diff->std_diff < 0.0 ? _("Order at more regular intervals than other customers")
                                            : _("Order at less regular intervals than other customers"));
    }

  info = lookup_info (name);
  label = cst_feature_dup_label (name);
  mean = format_value (info, diff->mean);
  rest = format_value (info, diff->rest_mean);
  /* Translators: a feature's label, the segment's value and everyone else's */
  return g_strdup_printf (_("%s: %s (others: %s)"), label != NULL ? label : name, mean, rest);
}

static void
add_facts (CstSegmentExplanation *segment,
           const char * const    *feature_names)
{
  guint n = 0;

  for (guint d = 0; d < segment->n_differences && n < N_FACTS; d++)
    {
      const CstDifference *diff = &segment->differences[d];
      char *fact;

      if (fabs (diff->std_diff) < NOTABLE_EFFECT)
        break;
      fact = describe_difference (feature_names[diff->feature], diff);
      if (fact != NULL)
        segment->facts[n++] = fact;
    }
}

/* How many of the @k names equal names[@s]. */
static guint
count_name (char  **names,
            guint   k,
            guint   s)
{
  guint n = 0;

  for (guint t = 0; t < k; t++)
    n += g_str_equal (names[t], names[s]);
  return n;
}

static void
replace_name (char **name,
              char  *new_name)
{
  g_free (*name);
  *name = new_name;
}

/* Makes the names unique: a clashing name gets the tag of its segment's strongest trait that
 * the name does not use ("Big spenders (weekend)"); names that still clash get letters in
 * segment order ("Big spenders A", "Big spenders B"); should a lettered name meet another
 * segment's name, the segment's number settles it. k is small (a dozen), so the quadratic
 * counting costs nothing. */
static void
make_unique (char   **names,
             char   **tags,
             guint    k)
{
  g_auto(GStrv) bases = g_new0 (char *, k + 1);
  g_autofree gboolean *clash = g_new0 (gboolean, k);

  for (guint s = 0; s < k; s++)
    bases[s] = g_strdup (names[s]);

  for (guint s = 0; s < k; s++)
    clash[s] = count_name (names, k, s) > 1;
  for (guint s = 0; s < k; s++)
    if (clash[s] && tags[s] != NULL)
      /* Translators: a segment name and a word telling it apart, as in "Big spenders (weekend)" */
      replace_name (&names[s], g_strdup_printf (_("%s (%s)"), bases[s], tags[s]));

  for (guint s = 0; s < k; s++)
    clash[s] = count_name (names, k, s) > 1;
  for (guint s = 0, index; s < k; s++)
    {
      if (!clash[s])
        continue;
      index = 0;
      for (guint t = 0; t < s; t++)
        index += clash[t] && g_str_equal (bases[t], bases[s]);
      if (index < 26)
        {
          char letter[2] = { (char) ('A' + index), '\0' };

          /* Translators: a segment name and a letter telling apart segments of that name */
          replace_name (&names[s], g_strdup_printf (C_("segment name", "%s %s"), bases[s], letter));
        }
      else
        replace_name (&names[s], g_strdup_printf (C_("segment name", "%s %u"), bases[s], index + 1));
    }

  for (guint s = 0; s < k; s++)
    if (count_name (names, k, s) > 1)
      replace_name (&names[s], g_strdup_printf (C_("segment name", "%s %u"), names[s], s + 1));
}

static char *
name_segment (const CstSegmentExplanation *segment,
              const char * const          *feature_names,
              gsize                        size,
              gsize                        rest_size,
              char                       **tag)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Found));
  gboolean stands_out = FALSE;
  guint64 used = 0;
  char *name;

  *tag = NULL;
  if (size == 0)
    return g_strdup (_("Empty segment"));
  if (rest_size == 0)
    return g_strdup (_("All customers"));

  for (guint d = 0; d < segment->n_differences; d++)
    {
      const CstDifference *diff = &segment->differences[d];
      Found f;

      if (fabs (diff->std_diff) >= DEFINING_EFFECT)
        stands_out = TRUE;
      if (find_trait (feature_names[diff->feature], diff, &f))
        g_array_append_val (found, f);
    }

  name = name_from_traits (found, &used);
  *tag = dup_tag (found, used);
  if (name != NULL)
    return name;
  /* Nothing stands out, or only differences the vocabulary has no words for (a segment that
   * merely does less of what another segment does a lot). */
  return g_strdup (stands_out ? _("Mixed group") : _("Average customers"));
}

/**
 * cst_explain_segments:
 * @values: @rows × @cols raw features, row-major, in their own units; NAN = missing
 * @standardized: the same people and features as the clustering saw them (log1p, winsorized,
 *   standardized to an overall standard deviation of 1), without NANs
 * @rows: people
 * @cols: features
 * @feature_names: @cols stable feature names (CST_FEATURE_*, "channel:<name>"), in the columns'
 *   order, which may be any order and any subset
 * @labels: @rows segment indices, each below @k
 * @k: segments
 *
 * Describes how each segment differs from everyone else: per feature the segment's and the
 * rest's mean (NAN-aware, in the feature's unit), the difference of the standardized means (an
 * effect size in population standard deviations) and the ratio of the means; the differences
 * sorted by effect size; a plain-language name, unique within the run; and up to three key
 * facts, strongest first. A mean is NAN where every value of the feature is missing in that
 * group (the gaps between orders of a segment of one-time buyers). A segment with no one else
 * to compare with (k = 1) gets zero effect sizes, NAN rest means and no facts.
 *
 * Cost: one pass over the data, O(rows × cols), plus O(k² × cols); memory O(k × cols).
 *
 * Returns: (transfer full): the explanation, or %NULL if a label is not below @k
 */
CstExplanation *
cst_explain_segments (const double       *values,
                      const double       *standardized,
                      gsize               rows,
                      guint               cols,
                      const char * const *feature_names,
                      const guint        *labels,
                      guint               k)
{
  g_autoptr(CstExplanation) explanation = NULL;
  g_autofree gsize *sizes = NULL;
  g_autofree double *std_sums = NULL;
  g_autofree double *raw_sums = NULL;
  g_autofree gsize *raw_counts = NULL;
  g_autofree char **names = NULL;
  g_autofree char **tags = NULL;

  g_return_val_if_fail (k > 0, NULL);
  g_return_val_if_fail (rows == 0 || labels != NULL, NULL);
  g_return_val_if_fail (rows == 0 || cols == 0 || (values != NULL && standardized != NULL), NULL);
  g_return_val_if_fail (cols == 0 || feature_names != NULL, NULL);

  sizes = g_new0 (gsize, k);
  std_sums = g_new0 (double, (gsize) k * cols);
  raw_sums = g_new0 (double, (gsize) k * cols);
  raw_counts = g_new0 (gsize, (gsize) k * cols);

  for (gsize i = 0; i < rows; i++)
    {
      const double *raw = values + i * cols;
      const double *std = standardized + i * cols;
      guint s = labels[i];

      if (G_UNLIKELY (s >= k))
        {
          g_critical ("%s: person %" G_GSIZE_FORMAT " has segment %u of %u", G_STRFUNC, i, s, k);
          return NULL;
        }
      sizes[s]++;
      for (guint c = 0; c < cols; c++)
        {
          gsize at = (gsize) s * cols + c;

          std_sums[at] += std[c];
          if (!isnan (raw[c]))
            {
              raw_sums[at] += raw[c];
              raw_counts[at]++;
            }
        }
    }

  explanation = g_new0 (CstExplanation, 1);
  explanation->k = k;
  explanation->n_features = cols;
  explanation->segments = g_new0 (CstSegmentExplanation, k);

  for (guint s = 0; s < k; s++)
    {
      CstSegmentExplanation *segment = &explanation->segments[s];
      gsize rest_size = rows - sizes[s];

      segment->n_differences = cols;
      segment->differences = g_new0 (CstDifference, cols);
      for (guint c = 0; c < cols; c++)
        {
          CstDifference *diff = &segment->differences[c];
          gsize at = (gsize) s * cols + c;
          double rest_std = 0.0;
          double rest_raw = 0.0;
          gsize rest_count = 0;

          /* The rest's sums are added up from the other segments rather than taken from a
           * total, which would cancel digits when the segment holds most people. */
          for (guint t = 0; t < k; t++)
            if (t != s)
              {
                rest_std += std_sums[(gsize) t * cols + c];
                rest_raw += raw_sums[(gsize) t * cols + c];
                rest_count += raw_counts[(gsize) t * cols + c];
              }

          diff->feature = c;
          diff->mean = raw_counts[at] > 0 ? raw_sums[at] / raw_counts[at] : NAN;
          diff->rest_mean = rest_count > 0 ? rest_raw / rest_count : NAN;
          diff->std_diff = sizes[s] > 0 && rest_size > 0
                           ? std_sums[at] / sizes[s] - rest_std / rest_size
                           : 0.0;
          diff->ratio = isfinite (diff->mean) && isfinite (diff->rest_mean) && diff->rest_mean != 0.0
                        ? diff->mean / diff->rest_mean
                        : NAN;
        }
      if (cols > 0)
        qsort (segment->differences, cols, sizeof (CstDifference), compare_differences);
    }

  names = g_new0 (char *, k);
  tags = g_new0 (char *, k);
  for (guint s = 0; s < k; s++)
    {
      CstSegmentExplanation *segment = &explanation->segments[s];

      names[s] = name_segment (segment, feature_names, sizes[s], rows - sizes[s], &tags[s]);
      add_facts (segment, feature_names);
    }
  make_unique (names, tags, k);
  for (guint s = 0; s < k; s++)
    {
      explanation->segments[s].name = names[s];
      g_free (tags[s]);
    }

  return g_steal_pointer (&explanation);
}

/**
 * cst_explanation_free:
 * @explanation: (nullable): an explanation
 *
 * Frees @explanation with its names, facts and differences.
 */
void
cst_explanation_free (CstExplanation *explanation)
{
  if (explanation == NULL)
    return;

  for (guint s = 0; explanation->segments != NULL && s < explanation->k; s++)
    {
      CstSegmentExplanation *segment = &explanation->segments[s];

      g_free (segment->name);
      for (guint j = 0; j < N_FACTS; j++)
        g_free (segment->facts[j]);
      g_free (segment->differences);
    }
  g_free (explanation->segments);
  g_free (explanation);
}
