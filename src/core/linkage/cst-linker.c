/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-linker"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cst-linker.h"
#include "cst-normalize.h"

G_DEFINE_QUARK (cst-link-error-quark, cst_link_error)

/* Values are interned in a string chunk, so equal normalized values are equal pointers: exact
 * agreement is a pointer comparison and blocking keys can hash pointers. */
struct _CstLinkData
{
  char         *region;
  guint         n_columns;
  CstLinkKind   kinds[CST_LINK_MAX_COLUMNS];
  char         *names[CST_LINK_MAX_COLUMNS];
  GHashTable   *cache[CST_LINK_MAX_COLUMNS];  /* interned raw → interned normalized (or "") */
  GPtrArray    *sources;
  GStringChunk *chunk;
  GArray       *ids;      /* gint64 */
  GArray       *labels;   /* const char *, interned or NULL */
  GArray       *source;   /* guint */
  GArray       *raw;      /* const char *, n_records × n_columns */
  GArray       *norm;     /* const char *, n_records × n_columns */
};

static const struct
{
  const char *name;
  const char *label;
} kind_info[CST_LINK_N_KINDS] = {
  [CST_LINK_CUSTOMER_KEY] = { "customer-key", N_("customer number") },
  [CST_LINK_FIRST_NAME] = { "first-name", N_("first name") },
  [CST_LINK_LAST_NAME] = { "last-name", N_("surname") },
  [CST_LINK_FULL_NAME] = { "full-name", N_("name") },
  [CST_LINK_EMAIL] = { "email", N_("email") },
  [CST_LINK_PHONE] = { "phone", N_("phone") },
  [CST_LINK_BIRTH_DATE] = { "birth-date", N_("birth date") },
  [CST_LINK_STREET] = { "street", N_("street") },
  [CST_LINK_HOUSE_NUMBER] = { "house-number", N_("house number") },
  [CST_LINK_POSTCODE] = { "postcode", N_("postcode") },
  [CST_LINK_CITY] = { "city", N_("town") },
  [CST_LINK_OTHER] = { "other", N_("other") },
};

const char *
cst_link_kind_to_string (CstLinkKind kind)
{
  g_return_val_if_fail (kind < CST_LINK_N_KINDS, NULL);
  return kind_info[kind].name;
}

const char *
cst_link_kind_get_label (CstLinkKind kind)
{
  g_return_val_if_fail (kind < CST_LINK_N_KINDS, NULL);
  return _(kind_info[kind].label);
}

CstLinkKind
cst_link_kind_from_string (const char *name)
{
  for (guint i = 0; i < CST_LINK_N_KINDS; i++)
    if (g_strcmp0 (kind_info[i].name, name) == 0)
      return i;
  return CST_LINK_OTHER;
}

/* Data */

CstLinkData *
cst_link_data_new (const char *default_region)
{
  CstLinkData *self = g_new0 (CstLinkData, 1);

  self->region = g_strdup (default_region);
  self->sources = g_ptr_array_new_with_free_func (g_free);
  self->chunk = g_string_chunk_new (1 << 20);
  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->labels = g_array_new (FALSE, FALSE, sizeof (const char *));
  self->source = g_array_new (FALSE, FALSE, sizeof (guint));
  self->raw = g_array_new (FALSE, TRUE, sizeof (const char *));
  self->norm = g_array_new (FALSE, TRUE, sizeof (const char *));
  return self;
}

void
cst_link_data_free (CstLinkData *self)
{
  if (self == NULL)
    return;
  g_free (self->region);
  for (guint c = 0; c < self->n_columns; c++)
    {
      g_free (self->names[c]);
      g_hash_table_unref (self->cache[c]);
    }
  g_ptr_array_unref (self->sources);
  g_string_chunk_free (self->chunk);
  g_array_unref (self->ids);
  g_array_unref (self->labels);
  g_array_unref (self->source);
  g_array_unref (self->raw);
  g_array_unref (self->norm);
  g_free (self);
}

guint
cst_link_data_add_column (CstLinkData *self,
                          CstLinkKind  kind,
                          const char  *name)
{
  g_return_val_if_fail (self != NULL && kind < CST_LINK_N_KINDS, 0);
  g_return_val_if_fail (self->n_columns < CST_LINK_MAX_COLUMNS, 0);
  g_return_val_if_fail (self->ids->len == 0, 0);

  self->kinds[self->n_columns] = kind;
  self->names[self->n_columns] = g_strdup (name != NULL ? name : kind_info[kind].name);
  self->cache[self->n_columns] = g_hash_table_new (g_direct_hash, g_direct_equal);
  return self->n_columns++;
}

guint
cst_link_data_add_source (CstLinkData *self,
                          const char  *name)
{
  g_return_val_if_fail (self != NULL, 0);
  g_ptr_array_add (self->sources, g_strdup (name));
  return self->sources->len - 1;
}

static char *
normalize_value (CstLinkKind  kind,
                 const char  *raw,
                 const char  *region)
{
  switch (kind)
    {
    case CST_LINK_CUSTOMER_KEY:
      {
        g_autofree char *copy = g_utf8_make_valid (raw, strnlen (raw, 256));
        return g_strdup (g_strstrip (copy));
      }
    case CST_LINK_FIRST_NAME:
      return cst_normalize_first_name (raw);
    case CST_LINK_LAST_NAME:
    case CST_LINK_FULL_NAME:
    case CST_LINK_CITY:
      return cst_normalize_name (raw);
    case CST_LINK_EMAIL:
      return cst_normalize_email (raw, CST_EMAIL_PROVIDER_RULES);
    case CST_LINK_PHONE:
      {
        char *e164 = cst_normalize_phone_e164 (raw, region);
        g_autofree char *digits = NULL;

        if (e164 != NULL)
          return e164;
        /* A local number without an area code still identifies within one export. */
        digits = cst_normalize_digits (raw);
        if (digits != NULL && strlen (digits) >= 6 && strlen (digits) <= 15)
          return g_steal_pointer (&digits);
        return NULL;
      }
    case CST_LINK_BIRTH_DATE:
      return cst_normalize_birth_date (raw, g_strcmp0 (region, "US") == 0);
    case CST_LINK_POSTCODE:
      return cst_normalize_postcode (raw);
    case CST_LINK_STREET:
    case CST_LINK_HOUSE_NUMBER:
    case CST_LINK_OTHER:
    case CST_LINK_N_KINDS:
    default:
      return cst_normalize_address (raw);
    }
}

void
cst_link_data_add_record (CstLinkData        *self,
                          guint               source,
                          gint64              id,
                          const char         *label,
                          const char * const *values)
{
  const char *raw_row[CST_LINK_MAX_COLUMNS] = { NULL };
  const char *norm_row[CST_LINK_MAX_COLUMNS] = { NULL };

  g_return_if_fail (self != NULL && source < self->sources->len);

  for (guint c = 0; c < self->n_columns; c++)
    {
      const char *value = values != NULL ? values[c] : NULL;
      const char *interned;
      const char *normalized;

      if (value == NULL || value[0] == '\0')
        continue;
      interned = g_string_chunk_insert_const (self->chunk, value);
      raw_row[c] = interned;
      normalized = g_hash_table_lookup (self->cache[c], interned);
      if (normalized == NULL)
        {
          g_autofree char *n = normalize_value (self->kinds[c], interned, self->region);

          normalized = g_string_chunk_insert_const (self->chunk, n != NULL ? n : "");
          g_hash_table_insert (self->cache[c], (gpointer) interned, (gpointer) normalized);
        }
      norm_row[c] = normalized[0] != '\0' ? normalized : NULL;
    }
  g_array_append_vals (self->raw, raw_row, self->n_columns);
  g_array_append_vals (self->norm, norm_row, self->n_columns);
  if (label != NULL)
    label = g_string_chunk_insert_const (self->chunk, label);
  g_array_append_val (self->ids, id);
  g_array_append_val (self->labels, label);
  g_array_append_val (self->source, source);
}

guint
cst_link_data_get_n_records (const CstLinkData *self)
{
  return self->ids->len;
}

guint
cst_link_data_get_n_columns (const CstLinkData *self)
{
  return self->n_columns;
}

CstLinkKind
cst_link_data_get_kind (const CstLinkData *self,
                        guint              column)
{
  g_return_val_if_fail (column < self->n_columns, CST_LINK_OTHER);
  return self->kinds[column];
}

const char *
cst_link_data_get_column_name (const CstLinkData *self,
                               guint              column)
{
  g_return_val_if_fail (column < self->n_columns, NULL);
  return self->names[column];
}

gint64
cst_link_data_get_id (const CstLinkData *self,
                      guint              record)
{
  return g_array_index (self->ids, gint64, record);
}

guint
cst_link_data_get_source (const CstLinkData *self,
                          guint              record)
{
  return g_array_index (self->source, guint, record);
}

const char *
cst_link_data_get_label (const CstLinkData *self,
                         guint              record)
{
  return g_array_index (self->labels, const char *, record);
}

guint
cst_link_data_get_n_sources (const CstLinkData *self)
{
  return self->sources->len;
}

const char *
cst_link_data_get_source_name (const CstLinkData *self,
                               guint              source)
{
  g_return_val_if_fail (source < self->sources->len, NULL);
  return g_ptr_array_index (self->sources, source);
}

const char *
cst_link_data_get_raw (const CstLinkData *self,
                       guint              record,
                       guint              column)
{
  return g_array_index (self->raw, const char *, (gsize) record * self->n_columns + column);
}

const char *
cst_link_data_get_value (const CstLinkData *self,
                         guint              record,
                         guint              column)
{
  return g_array_index (self->norm, const char *, (gsize) record * self->n_columns + column);
}

static inline const char *
value_at (const CstLinkData *self,
          guint              record,
          guint              column)
{
  return ((const char **) self->norm->data)[(gsize) record * self->n_columns + column];
}

void
cst_link_options_init (CstLinkOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->threshold = 0.9;
  options->max_comparisons = 100000000;
  options->rules = CST_LINK_RULES_DEFAULT;
  options->tf_adjust = TRUE;
  options->seed = 42;
  options->n_random_pairs = 500000;
  options->max_em_iterations = 100;
  options->chain_guard = TRUE;
}

void
cst_link_result_free (CstLinkResult *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->pairs, g_array_unref);
  g_free (self->person);
  g_free (self->flagged);
  g_free (self);
}

/* Comparisons */

double
cst_link_jaro_winkler (const char *a,
                       const char *b)
{
  gboolean ma[64] = { FALSE };
  gboolean mb[64] = { FALSE };
  int la = MIN ((int) strlen (a), 64);
  int lb = MIN ((int) strlen (b), 64);
  int window, matches = 0, transpositions = 0, prefix = 0;
  double jaro;

  if (la == 0 || lb == 0)
    return la == lb ? 1.0 : 0.0;
  window = MAX (MAX (la, lb) / 2 - 1, 0);
  for (int i = 0; i < la; i++)
    {
      int lo = MAX (0, i - window);
      int hi = MIN (lb - 1, i + window);

      for (int j = lo; j <= hi; j++)
        if (!mb[j] && a[i] == b[j])
          {
            ma[i] = mb[j] = TRUE;
            matches++;
            break;
          }
    }
  if (matches == 0)
    return 0.0;
  for (int i = 0, j = 0; i < la; i++)
    if (ma[i])
      {
        while (!mb[j])
          j++;
        if (a[i] != b[j])
          transpositions++;
        j++;
      }
  jaro = ((double) matches / la + (double) matches / lb +
          (matches - transpositions / 2.0) / matches) / 3.0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
    prefix++;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

static guint
hamming (const char *a,
         const char *b)
{
  guint d = 0;
  gsize la = strlen (a), lb = strlen (b);

  if (la != lb)
    return G_MAXUINT;
  for (gsize i = 0; i < la; i++)
    d += a[i] != b[i];
  return d;
}

static CstLinkLevel
text_level (const char *x,
            const char *y)
{
  double jw = cst_link_jaro_winkler (x, y);

  if (jw >= 0.92)
    return CST_LINK_LEVEL_CLOSE;
  if (jw >= 0.80)
    return CST_LINK_LEVEL_SIMILAR;
  return CST_LINK_LEVEL_DIFFERENT;
}

static CstLinkLevel
compare_values (CstLinkKind  kind,
                const char  *x,
                const char  *y)
{
  if (x == NULL || y == NULL)
    return CST_LINK_LEVEL_MISSING;
  if (x == y)
    return CST_LINK_LEVEL_EXACT;

  switch (kind)
    {
    case CST_LINK_CUSTOMER_KEY:
      return CST_LINK_LEVEL_MISSING;
    case CST_LINK_PHONE:
      {
        gsize lx = strlen (x), ly = strlen (y);

        if (lx >= 7 && ly >= 7 && strcmp (x + lx - 7, y + ly - 7) == 0)
          return CST_LINK_LEVEL_CLOSE;
        if (hamming (x, y) <= 1)
          return CST_LINK_LEVEL_SIMILAR;
        return CST_LINK_LEVEL_DIFFERENT;
      }
    case CST_LINK_BIRTH_DATE:
      {
        guint d = hamming (x, y);

        if (d <= 1 || cst_normalize_dates_swapped (x, y))
          return CST_LINK_LEVEL_CLOSE;
        if (d == 2 || strncmp (x, y, 4) == 0)
          return CST_LINK_LEVEL_SIMILAR;
        return CST_LINK_LEVEL_DIFFERENT;
      }
    case CST_LINK_POSTCODE:
    case CST_LINK_HOUSE_NUMBER:
      if (hamming (x, y) <= 1)
        return CST_LINK_LEVEL_CLOSE;
      return cst_link_jaro_winkler (x, y) >= 0.80 ? CST_LINK_LEVEL_SIMILAR
                                                   : CST_LINK_LEVEL_DIFFERENT;
    case CST_LINK_EMAIL:
      {
        const char *ax = strchr (x, '@');
        const char *ay = strchr (y, '@');

        if (ax != NULL && ay != NULL && ax - x == ay - y && strncmp (x, y, ax - x) == 0)
          return CST_LINK_LEVEL_CLOSE;
        return text_level (x, y);
      }
    case CST_LINK_STREET:
      {
        /* "1012 N Kedvale St" and "2929 W 19th St" may look alike letter by letter; another
         * house number is another address. */
        const char *dx = strpbrk (x, "0123456789");
        const char *dy = strpbrk (y, "0123456789");

        if (dx != NULL && dy != NULL)
          {
            gsize nx = strspn (dx, "0123456789"), ny = strspn (dy, "0123456789");

            if (nx != ny || strncmp (dx, dy, nx) != 0)
              return CST_LINK_LEVEL_DIFFERENT;
          }
        return text_level (x, y);
      }
    case CST_LINK_FIRST_NAME:
    case CST_LINK_LAST_NAME:
    case CST_LINK_FULL_NAME:
    case CST_LINK_CITY:
    case CST_LINK_OTHER:
    case CST_LINK_N_KINDS:
    default:
      return text_level (x, y);
    }
}

static guint64
compare_records (const CstLinkData *data,
                 guint              a,
                 guint              b)
{
  guint64 levels = 0;
  int first = -1, last = -1;

  for (guint c = 0; c < data->n_columns; c++)
    {
      CstLinkLevel l = compare_values (data->kinds[c], value_at (data, a, c), value_at (data, b, c));

      levels |= (guint64) l << (4 * c);
      if (data->kinds[c] == CST_LINK_FIRST_NAME && first < 0)
        first = c;
      else if (data->kinds[c] == CST_LINK_LAST_NAME && last < 0)
        last = c;
    }

  /* First name and surname written in each other's place: both count as close. */
  if (first >= 0 && last >= 0 &&
      ((levels >> (4 * first)) & 0xf) >= CST_LINK_LEVEL_SIMILAR &&
      ((levels >> (4 * last)) & 0xf) >= CST_LINK_LEVEL_SIMILAR)
    {
      const char *fa = value_at (data, a, first), *la = value_at (data, a, last);
      const char *fb = value_at (data, b, first), *lb = value_at (data, b, last);

      if (fa != NULL && la != NULL && fb != NULL && lb != NULL &&
          text_level (fa, lb) <= CST_LINK_LEVEL_CLOSE && text_level (la, fb) <= CST_LINK_LEVEL_CLOSE)
        {
          levels &= ~(((guint64) 0xf << (4 * first)) | ((guint64) 0xf << (4 * last)));
          levels |= (guint64) CST_LINK_LEVEL_CLOSE << (4 * first) | (guint64) CST_LINK_LEVEL_CLOSE << (4 * last);
        }
    }
  return levels;
}

/* Blocking */

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static guint64
hash_bytes (guint64     h,
            const char *s,
            gssize      len)
{
  if (len < 0)
    len = strlen (s);
  for (gssize i = 0; i < len; i++)
    h = (h ^ (guchar) s[i]) * FNV_PRIME;
  return (h ^ 0x1f) * FNV_PRIME;  /* a separator, so ("ab","c") ≠ ("a","bc") */
}

typedef struct
{
  const char *name;
  CstLinkKind parts[3];
  int         how[3];   /* transformation of each part, below */
} BlockRule;

enum
{
  WHOLE,
  INITIAL,
  SOUNDEX,
  YEAR,
  LAST7,
  LOCAL,
  NONE,
};

/* Each rule is as selective as a million records need (a block of a common surname and a birth
 * year alone would hold hundreds), and together they tolerate an error in any one field. */
static const BlockRule block_rules[] = {
  { N_("postcode and surname initial"), { CST_LINK_POSTCODE, CST_LINK_LAST_NAME, 0 }, { WHOLE, INITIAL, NONE } },
  { N_("postcode and name initial"), { CST_LINK_POSTCODE, CST_LINK_FULL_NAME, 0 }, { WHOLE, INITIAL, NONE } },
  { N_("surname sound, first initial and birth year"), { CST_LINK_LAST_NAME, CST_LINK_FIRST_NAME, CST_LINK_BIRTH_DATE }, { SOUNDEX, INITIAL, YEAR } },
  { N_("phone last digits"), { CST_LINK_PHONE, 0, 0 }, { LAST7, NONE, NONE } },
  { N_("email local part"), { CST_LINK_EMAIL, 0, 0 }, { LOCAL, NONE, NONE } },
  { N_("first name, surname and town"), { CST_LINK_FIRST_NAME, CST_LINK_LAST_NAME, CST_LINK_CITY }, { WHOLE, WHOLE, WHOLE } },
  { N_("first name, surname and birth year"), { CST_LINK_FIRST_NAME, CST_LINK_LAST_NAME, CST_LINK_BIRTH_DATE }, { WHOLE, WHOLE, YEAR } },
  { N_("whole name"), { CST_LINK_FULL_NAME, 0, 0 }, { WHOLE, NONE, NONE } },
  { N_("first name sound and birth date"), { CST_LINK_FIRST_NAME, CST_LINK_BIRTH_DATE, 0 }, { SOUNDEX, WHOLE, NONE } },
  { N_("birth date and postcode"), { CST_LINK_BIRTH_DATE, CST_LINK_POSTCODE, 0 }, { WHOLE, WHOLE, NONE } },
  { N_("street and house number"), { CST_LINK_STREET, CST_LINK_HOUSE_NUMBER, 0 }, { WHOLE, WHOLE, NONE } },
  { N_("street and town"), { CST_LINK_STREET, CST_LINK_CITY, 0 }, { WHOLE, WHOLE, NONE } },
};

static int
find_kind (const CstLinkData *data,
           CstLinkKind        kind)
{
  for (guint c = 0; c < data->n_columns; c++)
    if (data->kinds[c] == kind)
      return c;
  return -1;
}

static gboolean
key_part (const char *value,
          int         how,
          guint64    *h)
{
  switch (how)
    {
    case WHOLE:
      *h = hash_bytes (*h, (const char *) &value, sizeof value);  /* interned: the pointer is the value */
      return TRUE;
    case INITIAL:
      *h = hash_bytes (*h, value, g_utf8_next_char (value) - value);
      return TRUE;
    case SOUNDEX:
      {
        g_autofree char *folded = cst_normalize_name_fold (value);
        g_autofree char *sx = cst_normalize_soundex (folded);

        if (sx == NULL)
          return FALSE;
        *h = hash_bytes (*h, sx, -1);
        return TRUE;
      }
    case YEAR:
      *h = hash_bytes (*h, value, 4);
      return TRUE;
    case LAST7:
      {
        gsize len = strlen (value);

        if (len < 7)
          return FALSE;
        *h = hash_bytes (*h, value + len - 7, 7);
        return TRUE;
      }
    case LOCAL:
      {
        const char *at = strchr (value, '@');

        if (at == NULL || at - value < 3)
          return FALSE;  /* "a@…", "jo@…": too common to block on */
        *h = hash_bytes (*h, value, at - value);
        return TRUE;
      }
    default:
      return TRUE;
    }
}

typedef struct
{
  guint64 key;
  guint   record;
} Keyed;

static int
keyed_compare (gconstpointer a,
               gconstpointer b)
{
  const Keyed *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->record < y->record ? -1 : x->record > y->record;
}

typedef struct
{
  const char *name;
  GArray     *keyed;     /* Keyed, sorted */
  guint64     n_pairs;   /* Σ n_b(n_b−1)/2 */
} Blocking;

static void
blocking_clear (Blocking *b)
{
  g_clear_pointer (&b->keyed, g_array_unref);
}

/* One key array per rule (the rules whose columns exist), over @reps. */
static GArray *
build_blockings (const CstLinkData *data,
                 const GArray      *reps)
{
  GArray *blockings = g_array_new (FALSE, TRUE, sizeof (Blocking));
  struct { int column; int how; const char *name; } extra[CST_LINK_MAX_COLUMNS];
  guint n_extra = 0;

  g_array_set_clear_func (blockings, (GDestroyNotify) blocking_clear);

  /* Identifier-like other columns (most values distinct) block on their exact value. */
  for (guint c = 0; c < data->n_columns; c++)
    if (data->kinds[c] == CST_LINK_OTHER && g_hash_table_size (data->cache[c]) * 2 >= reps->len &&
        reps->len >= 2)
      {
        extra[n_extra].column = c;
        extra[n_extra].how = WHOLE;
        extra[n_extra].name = data->names[c];
        n_extra++;
      }

  for (guint r = 0; r < G_N_ELEMENTS (block_rules) + n_extra; r++)
    {
      int cols[3] = { -1, -1, -1 };
      int how[3] = { NONE, NONE, NONE };
      Blocking b = { 0 };

      if (r < G_N_ELEMENTS (block_rules))
        {
          const BlockRule *rule = &block_rules[r];

          gboolean complete = TRUE;

          for (guint p = 0; p < 3; p++)
            {
              how[p] = rule->how[p];
              if (how[p] != NONE)
                {
                  cols[p] = find_kind (data, rule->parts[p]);
                  complete = complete && cols[p] >= 0;
                }
            }
          if (!complete)
            continue;
          b.name = _(rule->name);
        }
      else
        {
          cols[0] = extra[r - G_N_ELEMENTS (block_rules)].column;
          how[0] = WHOLE;
          b.name = extra[r - G_N_ELEMENTS (block_rules)].name;
        }

      b.keyed = g_array_sized_new (FALSE, FALSE, sizeof (Keyed), reps->len);
      for (guint i = 0; i < reps->len; i++)
        {
          guint rec = g_array_index (reps, guint, i);
          guint64 h = FNV_OFFSET ^ r;
          gboolean ok = TRUE;

          for (guint p = 0; p < 3 && ok; p++)
            {
              const char *v;

              if (how[p] == NONE)
                continue;
              v = value_at (data, rec, cols[p]);
              ok = v != NULL && key_part (v, how[p], &h);
            }
          if (ok)
            {
              Keyed k = { h, rec };
              g_array_append_val (b.keyed, k);
            }
        }
      g_array_sort (b.keyed, keyed_compare);
      for (guint i = 0; i < b.keyed->len;)
        {
          guint j = i + 1;

          while (j < b.keyed->len && g_array_index (b.keyed, Keyed, j).key == g_array_index (b.keyed, Keyed, i).key)
            j++;
          b.n_pairs += (guint64) (j - i) * (j - i - 1) / 2;
          i = j;
        }
      g_array_append_val (blockings, b);
    }
  return blockings;
}

static void
radix_sort_u64 (guint64 *v,
                gsize    n)
{
  g_autofree guint64 *tmp = g_new (guint64, n);
  guint64 *src = v, *dst = tmp;

  for (guint shift = 0; shift < 64; shift += 8)
    {
      gsize count[257] = { 0 };

      for (gsize i = 0; i < n; i++)
        count[((src[i] >> shift) & 0xff) + 1]++;
      if (count[((src[0] >> shift) & 0xff) + 1] == n)
        continue;  /* every value has the same byte here */
      for (guint k = 0; k < 256; k++)
        count[k + 1] += count[k];
      for (gsize i = 0; i < n; i++)
        dst[count[(src[i] >> shift) & 0xff]++] = src[i];
      { guint64 *t = src; src = dst; dst = t; }
    }
  if (src != v)
    memcpy (v, src, n * sizeof (guint64));
}

/* Union-find */

typedef struct
{
  guint    *parent;
  guint    *next;         /* the members of a component as a circular list */
  gboolean *constrained;  /* the component holds a record of a "Different" decision */
  const CstLinkDecision *decisions;
  guint     n_decisions;
} Forest;

static guint
forest_find (Forest *f,
             guint   x)
{
  while (f->parent[x] != x)
    {
      f->parent[x] = f->parent[f->parent[x]];
      x = f->parent[x];
    }
  return x;
}

/* Joins the components of @a and @b unless a "Different" decision separates them. */
static gboolean
forest_union (Forest *f,
              guint   a,
              guint   b)
{
  guint ra = forest_find (f, a), rb = forest_find (f, b);

  if (ra == rb)
    return TRUE;
  if (f->constrained[ra] && f->constrained[rb])
    for (guint i = 0; i < f->n_decisions; i++)
      {
        const CstLinkDecision *d = &f->decisions[i];
        guint da, db;

        if (d->same)
          continue;
        da = forest_find (f, d->a);
        db = forest_find (f, d->b);
        if ((da == ra && db == rb) || (da == rb && db == ra))
          return FALSE;
      }
  {
    guint t = f->next[a];

    f->next[a] = f->next[b];
    f->next[b] = t;
  }
  if (ra < rb)
    {
      f->parent[rb] = ra;
      f->constrained[ra] |= f->constrained[rb];
    }
  else
    {
      f->parent[ra] = rb;
      f->constrained[rb] |= f->constrained[ra];
    }
  return TRUE;
}

/* Comparing in threads */

typedef struct
{
  const CstLinkData *data;
  CstLinkPair       *pairs;
  gsize              begin;
  gsize              end;
  GHashTable        *patterns;  /* levels → count (guint64 keys boxed in the table) */
  GCancellable      *cancellable;
} CompareJob;

static gpointer
compare_thread (gpointer user_data)
{
  CompareJob *job = user_data;

  for (gsize i = job->begin; i < job->end; i++)
    {
      CstLinkPair *p = &job->pairs[i];
      double *count;

      p->levels = compare_records (job->data, p->a, p->b);
      count = g_hash_table_lookup (job->patterns, &p->levels);
      if (count == NULL)
        {
          guint64 *key = g_new (guint64, 1);

          *key = p->levels;
          count = g_new0 (double, 1);
          g_hash_table_insert (job->patterns, key, count);
        }
      *count += 1;
      if ((i & 0xffff) == 0 && g_cancellable_is_cancelled (job->cancellable))
        break;
    }
  return NULL;
}

/* Fellegi–Sunter */

typedef CstLinkPattern Pattern;

static void
estimate_u (const CstLinkData *data,
            const GArray      *reps,
            guint              n_pairs,
            guint32            seed,
            CstLinkResult     *result)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  double counts[CST_LINK_MAX_COLUMNS][CST_LINK_N_LEVELS] = { { 0 } };

  for (guint i = 0; i < n_pairs && reps->len >= 2; i++)
    {
      guint a = g_array_index (reps, guint, g_rand_int_range (rand, 0, reps->len));
      guint b = g_array_index (reps, guint, g_rand_int_range (rand, 0, reps->len));
      guint64 levels;

      if (a == b)
        continue;
      levels = compare_records (data, a, b);
      for (guint c = 0; c < data->n_columns; c++)
        counts[c][(levels >> (4 * c)) & 0xf]++;
    }
  for (guint c = 0; c < data->n_columns; c++)
    {
      double total = 0;

      for (guint l = CST_LINK_LEVEL_EXACT; l < CST_LINK_N_LEVELS; l++)
        total += counts[c][l] + 0.5;
      /* Half a pseudo-count per level: an agreement never seen among random pairs is rare, not
       * impossible, which bounds its weight near log2(2 × pairs). */
      for (guint l = CST_LINK_LEVEL_EXACT; l < CST_LINK_N_LEVELS; l++)
        result->u[c][l] = (counts[c][l] + 0.5) / total;
    }
}

/* EM over the distinct comparison patterns with both classes free (Winkler 1988): u starts from
 * the random pairs, m from priors. Blocking makes candidate non-matches agree on the blocked
 * fields far more often than random pairs do; a free u absorbs that, where a u fixed from random
 * pairs would let "same postcode" alone look like a match. The weights then use m from here and
 * u from the random pairs, with the prior odds of a random pair. */
guint
cst_link_em (const CstLinkPattern *patterns,
             guint                 n_patterns,
             guint                 n_columns,
             guint                 max_iterations,
             double                m[][CST_LINK_N_LEVELS],
             double                u[][CST_LINK_N_LEVELS],
             double               *lambda_out,
             gboolean             *converged)
{
  static const double prior[CST_LINK_N_LEVELS] = { 0, 0.85, 0.07, 0.04, 0.04 };
  guint nc = MIN (n_columns, CST_LINK_MAX_COLUMNS);
  double lambda = 0.01;
  guint iterations = 0;

  g_return_val_if_fail (patterns != NULL || n_patterns == 0, 0);

  for (guint c = 0; c < nc; c++)
    for (guint l = 0; l < CST_LINK_N_LEVELS; l++)
      m[c][l] = prior[l];
  if (converged != NULL)
    *converged = FALSE;

  for (guint it = 0; it < max_iterations; it++)
    {
      double mc[CST_LINK_MAX_COLUMNS][CST_LINK_N_LEVELS] = { { 0 } };
      double uc[CST_LINK_MAX_COLUMNS][CST_LINK_N_LEVELS] = { { 0 } };
      double total = 0, matched = 0, change = 0;

      for (guint p = 0; p < n_patterns; p++)
        {
          double lm = log (lambda), lu = log1p (-lambda), w;

          for (guint c = 0; c < nc; c++)
            {
              guint l = (patterns[p].levels >> (4 * c)) & 0xf;

              if (l == CST_LINK_LEVEL_MISSING || l >= CST_LINK_N_LEVELS)
                continue;
              lm += log (m[c][l]);
              lu += log (u[c][l]);
            }
          w = 1.0 / (1.0 + exp (lu - lm));
          total += patterns[p].count;
          matched += patterns[p].count * w;
          for (guint c = 0; c < nc; c++)
            {
              guint l = (patterns[p].levels >> (4 * c)) & 0xf;

              if (l >= CST_LINK_N_LEVELS)
                continue;
              mc[c][l] += patterns[p].count * w;
              uc[c][l] += patterns[p].count * (1 - w);
            }
        }
      for (guint c = 0; c < nc; c++)
        {
          double sm = 0, su = 0;
          gboolean identified;

          for (guint l = CST_LINK_LEVEL_EXACT; l < CST_LINK_N_LEVELS; l++)
            {
              sm += mc[c][l] + 1e-3;
              su += uc[c][l] + 1e-3;
            }
          /* A "match" class whose members mostly disagree on a field is not the matches (it
           * is, say, namesakes collected by a name block), and one that holds hardly any pair
           * (the rules merged the matches before, or no pair compares this field) says
           * nothing: then the data cannot identify m for this field, so it keeps its prior. */
          identified = sm - 4e-3 >= 1.0 && (mc[c][CST_LINK_LEVEL_DIFFERENT] + 1e-3) / sm <= 0.6;
          for (guint l = CST_LINK_LEVEL_EXACT; l < CST_LINK_N_LEVELS; l++)
            {
              double mv = identified ? (mc[c][l] + 1e-3) / sm : prior[l];

              change = MAX (change, fabs (mv - m[c][l]));
              m[c][l] = mv;
              u[c][l] = (uc[c][l] + 1e-3) / su;
            }
        }
      matched = CLAMP (matched / MAX (total, 1), 1e-6, 1 - 1e-6);
      change = MAX (change, fabs (matched - lambda));
      lambda = matched;
      iterations = it + 1;
      if (change < 1e-6)
        {
          if (converged != NULL)
            *converged = TRUE;
          break;
        }
    }
  *lambda_out = lambda;
  return iterations;
}

/* EM over the distinct comparison patterns with both classes free (Winkler 1988): u starts from
 * the random pairs, m from priors. Blocking makes candidate non-matches agree on the blocked
 * fields far more often than random pairs do; a free u absorbs that, where a u fixed from random
 * pairs would let "same postcode" alone look like a match. The weights then use m from here and
 * u from the random pairs, with the prior odds of a random pair. */
static void
run_em (const CstLinkData *data,
        const Pattern     *patterns,
        guint              n_patterns,
        guint              max_iterations,
        CstLinkResult     *result)
{
  memcpy (result->u_candidates, result->u, sizeof result->u);
  result->em_iterations = cst_link_em (patterns, n_patterns, data->n_columns, max_iterations, result->m,
                                       result->u_candidates, &result->lambda, &result->em_converged);
}

typedef struct
{
  double      weight[CST_LINK_MAX_COLUMNS][CST_LINK_N_LEVELS];
  double      m_exact_log2[CST_LINK_MAX_COLUMNS];
  GHashTable *tf[CST_LINK_MAX_COLUMNS];  /* value → share of records with it, as a double */
  double      prior;
} Model;

static void
model_init (Model               *model,
            const CstLinkData   *data,
            const CstLinkResult *result,
            gboolean             tf_adjust)
{
  memset (model, 0, sizeof *model);
  model->prior = result->prior;
  for (guint c = 0; c < data->n_columns; c++)
    {
      for (guint l = CST_LINK_LEVEL_EXACT; l < CST_LINK_N_LEVELS; l++)
        model->weight[c][l] = log2 (result->m[c][l] / result->u[c][l]);
      model->m_exact_log2[c] = log2 (result->m[c][CST_LINK_LEVEL_EXACT]);
      /* Agreeing on "smith" says less than agreeing on "zwiebelhuber": the exact-match weight
       * uses the value's own frequency p_v (m / p_v) instead of the average u. */
      if (tf_adjust && data->kinds[c] != CST_LINK_CUSTOMER_KEY && data->kinds[c] != CST_LINK_EMAIL)
        {
          GHashTable *counts = g_hash_table_new (g_direct_hash, g_direct_equal);
          GHashTableIter iter;
          gpointer key, value;
          gsize n = 0;

          for (guint r = 0; r < data->ids->len; r++)
            {
              const char *v = value_at (data, r, c);

              if (v == NULL)
                continue;
              n++;
              g_hash_table_insert (counts, (gpointer) v,
                                   GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (counts, v)) + 1));
            }
          model->tf[c] = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
          g_hash_table_iter_init (&iter, counts);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              double *w = g_new (double, 1);
              double share = (double) GPOINTER_TO_SIZE (value) / n;

              /* Never more than the average weight's evidence against a frequent value would
               * suggest, never less than agreeing on a rare value: bounded by 2^±5. */
              *w = CLAMP (model->m_exact_log2[c] - log2 (share), model->weight[c][CST_LINK_LEVEL_EXACT] - 5,
                          model->weight[c][CST_LINK_LEVEL_EXACT] + 5);
              g_hash_table_insert (model->tf[c], key, w);
            }
          g_hash_table_unref (counts);
        }
    }
}

static void
model_clear (Model *model)
{
  for (guint c = 0; c < CST_LINK_MAX_COLUMNS; c++)
    g_clear_pointer (&model->tf[c], g_hash_table_unref);
}

static double
model_weight (const Model       *model,
              const CstLinkData *data,
              guint              a,
              guint64            levels)
{
  double w = model->prior;

  for (guint c = 0; c < data->n_columns; c++)
    {
      guint l = (levels >> (4 * c)) & 0xf;

      if (l == CST_LINK_LEVEL_MISSING)
        continue;
      if (l == CST_LINK_LEVEL_EXACT && model->tf[c] != NULL)
        {
          const double *tw = g_hash_table_lookup (model->tf[c], value_at (data, a, c));
          w += tw != NULL ? *tw : model->weight[c][l];
        }
      else
        w += model->weight[c][l];
    }
  return w;
}

static double
probability_of (double weight)
{
  return 1.0 / (1.0 + exp2 (-weight));
}

double
cst_link_score (const CstLinkData   *data,
                const CstLinkResult *result,
                guint                a,
                guint                b,
                guint64             *levels)
{
  guint64 l = compare_records (data, a, b);
  double w = result->prior;

  for (guint c = 0; c < data->n_columns; c++)
    {
      guint lv = (l >> (4 * c)) & 0xf;

      if (lv != CST_LINK_LEVEL_MISSING)
        w += log2 (result->m[c][lv] / result->u[c][lv]);
    }
  if (levels != NULL)
    *levels = l;
  return probability_of (w);
}

static int
pair_by_probability (gconstpointer a,
                     gconstpointer b)
{
  const CstLinkPair *x = *(const CstLinkPair * const *) a;
  const CstLinkPair *y = *(const CstLinkPair * const *) b;

  if (x->probability != y->probability)
    return x->probability > y->probability ? -1 : 1;
  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  return x->b < y->b ? -1 : x->b > y->b;
}

/* The whole name of a record for the phone + name rule. */
static char *
record_name (const CstLinkData *data,
             guint              r)
{
  int first = find_kind (data, CST_LINK_FIRST_NAME);
  int last = find_kind (data, CST_LINK_LAST_NAME);
  int full = find_kind (data, CST_LINK_FULL_NAME);

  if (full >= 0 && value_at (data, r, full) != NULL)
    return g_strdup (value_at (data, r, full));
  if (last >= 0 && value_at (data, r, last) != NULL)
    return g_strconcat (first >= 0 && value_at (data, r, first) != NULL ? value_at (data, r, first) : "",
                        " ", value_at (data, r, last), NULL);
  return NULL;
}

/* Whether joining the components of @a and @b keeps every two of their records from looking
 * like strangers (probability below 5 % with two fields that disagree). Components of more than
 * 40 records are not checked here (the chain guard flags them afterwards). */
static gboolean
chain_allows (const CstLinkData   *data,
              const CstLinkResult *result,
              Forest              *f,
              const guint         *entity,
              guint                a,
              guint                b)
{
  guint members[2][41];
  guint n[2] = { 0, 0 };
  guint start[2] = { a, b };

  if (forest_find (f, a) == forest_find (f, b))
    return TRUE;
  for (guint s = 0; s < 2; s++)
    {
      guint x = start[s];

      do
        {
          if (entity[x] == x)
            {
              if (n[s] == 40)
                return TRUE;
              members[s][n[s]++] = x;
            }
          x = f->next[x];
        }
      while (x != start[s]);
    }
  for (guint i = 0; i < n[0]; i++)
    for (guint j = 0; j < n[1]; j++)
      {
        guint64 levels;
        guint n_different = 0;

        if (cst_link_score (data, result, members[0][i], members[1][j], &levels) >= 0.05)
          continue;
        for (guint c = 0; c < data->n_columns; c++)
          n_different += ((levels >> (4 * c)) & 0xf) == CST_LINK_LEVEL_DIFFERENT;
        if (n_different >= 2)
          return FALSE;
      }
  return TRUE;
}

CstLinkResult *
cst_link_run (CstLinkData           *data,
              const CstLinkOptions  *options,
              GCancellable          *cancellable,
              CstProgressFunc        progress,
              gpointer               progress_data,
              GError               **error)
{
  g_autoptr(CstLinkResult) result = g_new0 (CstLinkResult, 1);
  CstLinkOptions defaults;
  guint n = data->ids->len;
  guint nc = data->n_columns;
  g_autofree guint *entity = g_new (guint, n);         /* record → its representative */
  g_autoptr(GArray) reps = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) blockings = NULL;
  g_autoptr(GArray) keys = NULL;
  g_autofree Pattern *patterns = NULL;
  g_autoptr(GHashTable) pattern_counts = NULL;
  g_autofree guint *parent = NULL;
  g_autofree guint *next = NULL;
  g_autofree gboolean *constrained = NULL;
  g_autoptr(GPtrArray) order = NULL;
  Forest forest;
  Model model;
  gint64 t0 = g_get_monotonic_time ();
  guint n_patterns = 0, n_compared_columns = 0;
  int email_col, key_col;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      cst_link_options_init (&defaults);
      options = &defaults;
    }
  for (guint c = 0; c < nc; c++)
    n_compared_columns += data->kinds[c] != CST_LINK_CUSTOMER_KEY;
  /* Without anything to compare only the deterministic rules (customer keys) can link. */
  result->n_records = n;

  /* Records equal in every compared column (with at least two values) are one entity: an order
   * export repeats its customer on every line, and comparing the copies would tell nothing. */
  cst_progress_report (progress, progress_data, 0.0, _("Finding candidate pairs"));
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
    g_autofree guint64 *hashes = g_new (guint64, n);

    for (guint r = 0; r < n; r++)
      {
        guint64 h = FNV_OFFSET;
        guint filled = 0;
        gboolean contact = FALSE;
        gpointer other;

        for (guint c = 0; c < nc; c++)
          {
            const char *v = value_at (data, r, c);

            if (data->kinds[c] == CST_LINK_CUSTOMER_KEY)
              continue;
            filled += v != NULL;
            contact |= v != NULL && (data->kinds[c] == CST_LINK_EMAIL || data->kinds[c] == CST_LINK_PHONE);
            h = hash_bytes (h, (const char *) &v, sizeof v);
          }
        hashes[r] = h;
        entity[r] = r;
        /* Identical names alone are not enough: two John Smiths are left to the model. */
        if (filled < 3 && !contact)
          filled = 0;
        if (filled > 0 && g_hash_table_lookup_extended (seen, &hashes[r], NULL, &other) &&
            memcmp (&g_array_index (data->norm, const char *, (gsize) r * nc),
                    &g_array_index (data->norm, const char *, (gsize) GPOINTER_TO_UINT (other) * nc),
                    nc * sizeof (char *)) == 0)
          {
            entity[r] = GPOINTER_TO_UINT (other);
            continue;
          }
        if (filled > 0)
          g_hash_table_insert (seen, &hashes[r], GUINT_TO_POINTER (r));
        g_array_append_val (reps, r);
      }
  }

  blockings = build_blockings (data, reps);
  for (guint i = 0; i < blockings->len; i++)
    result->n_estimated += g_array_index (blockings, Blocking, i).n_pairs;
  if (result->n_estimated > options->max_comparisons)
    {
      g_autoptr(GString) detail = g_string_new (NULL);

      for (guint i = 0; i < blockings->len; i++)
        {
          Blocking *b = &g_array_index (blockings, Blocking, i);
          g_string_append_printf (detail, "%s%s: %" G_GUINT64_FORMAT, i > 0 ? ", " : "", b->name, b->n_pairs);
        }
      {
        g_autofree char *estimated = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) result->n_estimated);
        g_autofree char *limit = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) options->max_comparisons);

        g_set_error (error, CST_LINK_ERROR, CST_LINK_ERROR_TOO_MANY_COMPARISONS,
                     _("Matching would compare %s pairs of records, more than the limit of %s (%s). "
                       "Values shared by very many records (a placeholder email, one postcode for "
                       "everybody) make blocks too large; clean them or raise the limit."),
                     estimated, limit, detail->str);
      }
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  keys = g_array_sized_new (FALSE, FALSE, sizeof (guint64), MIN (result->n_estimated, 1u << 24));
  for (guint i = 0; i < blockings->len; i++)
    {
      GArray *k = g_array_index (blockings, Blocking, i).keyed;

      for (guint s = 0; s < k->len;)
        {
          guint e = s + 1;

          while (e < k->len && g_array_index (k, Keyed, e).key == g_array_index (k, Keyed, s).key)
            e++;
          for (guint x = s; x < e; x++)
            for (guint y = x + 1; y < e; y++)
              {
                guint a = g_array_index (k, Keyed, x).record, b = g_array_index (k, Keyed, y).record;
                guint64 key = a < b ? ((guint64) a << 32 | b) : ((guint64) b << 32 | a);
                g_array_append_val (keys, key);
              }
          s = e;
        }
    }
  g_clear_pointer (&blockings, g_array_unref);
  if (keys->len > 0)
    radix_sort_u64 ((guint64 *) keys->data, keys->len);

  result->pairs = g_array_new (FALSE, FALSE, sizeof (CstLinkPair));
  {
    guint64 last = G_MAXUINT64;
    guint64 distinct = 0;

    for (guint i = 0; i < keys->len; i++)
      distinct += g_array_index (keys, guint64, i) != (i > 0 ? g_array_index (keys, guint64, i - 1) : last);
    g_array_set_size (result->pairs, distinct);
    distinct = 0;
    for (guint i = 0; i < keys->len; i++)
      {
        guint64 k = g_array_index (keys, guint64, i);
        CstLinkPair *p;

        if (i > 0 && k == g_array_index (keys, guint64, i - 1))
          continue;
        p = &g_array_index (result->pairs, CstLinkPair, distinct++);
        memset (p, 0, sizeof *p);
        p->a = k >> 32;
        p->b = k & 0xffffffff;
      }
  }
  g_clear_pointer (&keys, g_array_unref);
  result->n_candidates = result->pairs->len;
  result->seconds[CST_LINK_STAGE_BLOCKING] = (g_get_monotonic_time () - t0) / 1e6;
  t0 = g_get_monotonic_time ();

  /* Comparisons, split over threads; each counts its own comparison patterns. */
  cst_progress_report (progress, progress_data, 0.3, _("Comparing candidate pairs"));
  {
    guint n_threads = options->n_threads > 0 ? options->n_threads : g_get_num_processors ();
    g_autofree CompareJob *jobs = NULL;
    g_autofree GThread **threads = NULL;
    gsize total = result->pairs->len;

    n_threads = CLAMP (n_threads, 1, 16);
    if (total < 10000)
      n_threads = 1;
    jobs = g_new0 (CompareJob, n_threads);
    threads = g_new0 (GThread *, n_threads);
    for (guint t = 0; t < n_threads; t++)
      {
        jobs[t].data = data;
        jobs[t].pairs = (CstLinkPair *) result->pairs->data;
        jobs[t].begin = total * t / n_threads;
        jobs[t].end = total * (t + 1) / n_threads;
        jobs[t].patterns = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
        jobs[t].cancellable = cancellable;
        threads[t] = t == 0 ? NULL : g_thread_new ("cst-link-compare", compare_thread, &jobs[t]);
      }
    compare_thread (&jobs[0]);
    pattern_counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
    for (guint t = 0; t < n_threads; t++)
      {
        GHashTableIter iter;
        gpointer key, value;

        if (threads[t] != NULL)
          g_thread_join (threads[t]);
        g_hash_table_iter_init (&iter, jobs[t].patterns);
        while (g_hash_table_iter_next (&iter, &key, &value))
          {
            double *count = g_hash_table_lookup (pattern_counts, key);

            if (count == NULL)
              {
                guint64 *k = g_new (guint64, 1);

                *k = *(guint64 *) key;
                count = g_new0 (double, 1);
                g_hash_table_insert (pattern_counts, k, count);
              }
            *count += *(double *) value;
          }
        g_hash_table_unref (jobs[t].patterns);
      }
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  result->seconds[CST_LINK_STAGE_COMPARING] = (g_get_monotonic_time () - t0) / 1e6;
  t0 = g_get_monotonic_time ();

  /* u from random pairs, m and λ by EM over the distinct patterns. */
  cst_progress_report (progress, progress_data, 0.6, _("Estimating match weights"));
  /* Half a million random pairs pin u(exact) of a first name (about 1 %) to ±3 %; small data
   * need fewer. */
  estimate_u (data, reps, MIN (options->n_random_pairs, MAX (100000, 50 * reps->len)), options->seed, result);
  {
    GHashTableIter iter;
    gpointer key, value;

    patterns = g_new (Pattern, g_hash_table_size (pattern_counts) + 1);
    g_hash_table_iter_init (&iter, pattern_counts);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        patterns[n_patterns].levels = *(guint64 *) key;
        patterns[n_patterns].count = *(double *) value;
        n_patterns++;
      }
  }
  if (n_patterns > 0)
    {
      /* EM learns from pairs with at least three compared fields. A pair of an order line
       * (email only) and a contact says nothing about phones or birth dates, and thousands of
       * them let EM build a "match" class from whatever the remaining pairs share, such as
       * namesakes with different birth dates. */
      g_autofree Pattern *informative = g_new (Pattern, n_patterns);
      guint n_informative = 0;
      double informative_count = 0, expected = 0;

      for (guint p = 0; p < n_patterns; p++)
        {
          guint filled = 0;

          for (guint c = 0; c < nc; c++)
            filled += ((patterns[p].levels >> (4 * c)) & 0xf) != CST_LINK_LEVEL_MISSING;
          if (filled >= 3)
            {
              informative[n_informative++] = patterns[p];
              informative_count += patterns[p].count;
            }
        }
      if (informative_count >= 50)
        run_em (data, informative, n_informative, MAX (options->max_em_iterations, 1), result);
      else
        run_em (data, patterns, n_patterns, MAX (options->max_em_iterations, 1), result);

      /* The share of matches among all candidates under the trained model. */
      for (guint p = 0; p < n_patterns; p++)
        {
          double lr = log (result->lambda / (1 - result->lambda));

          for (guint c = 0; c < nc; c++)
            {
              guint l = (patterns[p].levels >> (4 * c)) & 0xf;

              if (l != CST_LINK_LEVEL_MISSING)
                lr += log (result->m[c][l]) - log (result->u_candidates[c][l]);
            }
          expected += patterns[p].count / (1 + exp (-lr));
        }
      result->lambda = CLAMP (expected / MAX (result->n_candidates, 1), 1e-6, 1 - 1e-6);
    }
  else
    {
      result->lambda = 1e-6;
      for (guint c = 0; c < nc; c++)
        for (guint l = 0; l < CST_LINK_N_LEVELS; l++)
          result->m[c][l] = l == CST_LINK_LEVEL_EXACT ? 0.9 : 0.1 / 3;
    }

  {
    /* Matches expected among the candidates, spread over all pairs: the prior odds of a random
     * pair, the scale on which u was measured. */
    double all_pairs = MAX ((double) reps->len * (reps->len - 1) / 2, 1);
    double matches = MAX (result->lambda * result->n_candidates, 1);

    result->prior = log2 (matches / MAX (all_pairs - matches, 1));
  }
  model_init (&model, data, result, options->tf_adjust);
  email_col = find_kind (data, CST_LINK_EMAIL);
  {
    int phone_col = find_kind (data, CST_LINK_PHONE);
    int street_col = find_kind (data, CST_LINK_STREET);
    int postcode_col = find_kind (data, CST_LINK_POSTCODE);

    for (guint i = 0; i < result->pairs->len; i++)
      {
        CstLinkPair *p = &g_array_index (result->pairs, CstLinkPair, i);
        double w = model_weight (&model, data, p->a, p->levels);

        p->weight = w;
        p->probability = probability_of (w);
        if ((options->rules & CST_LINK_RULE_PHONE_AND_NAME) && phone_col >= 0 &&
            cst_link_pair_get_level (p, phone_col) == CST_LINK_LEVEL_EXACT)
          {
            g_autofree char *na = record_name (data, p->a);
            g_autofree char *nb = record_name (data, p->b);

            /* …unless the addresses differ: a head office's number on its branches. */
            if (na != NULL && nb != NULL && cst_link_jaro_winkler (na, nb) >= 0.9 &&
                (street_col < 0 || cst_link_pair_get_level (p, street_col) != CST_LINK_LEVEL_DIFFERENT) &&
                (postcode_col < 0 || cst_link_pair_get_level (p, postcode_col) != CST_LINK_LEVEL_DIFFERENT))
              p->rules |= CST_LINK_RULE_PHONE_AND_NAME;
          }
        if ((options->rules & CST_LINK_RULE_EMAIL) && email_col >= 0 &&
            cst_link_pair_get_level (p, email_col) == CST_LINK_LEVEL_EXACT)
          p->rules |= CST_LINK_RULE_EMAIL;
      }
  }
  model_clear (&model);
  result->seconds[CST_LINK_STAGE_TRAINING] = (g_get_monotonic_time () - t0) / 1e6;
  t0 = g_get_monotonic_time ();

  /* Clustering: decisions "Same" first, then rules, then pairs by decreasing probability, never
   * across a "Different" decision. */
  cst_progress_report (progress, progress_data, 0.8, _("Grouping records into people"));
  parent = g_new (guint, n);
  next = g_new (guint, n);
  constrained = g_new0 (gboolean, n);
  for (guint r = 0; r < n; r++)
    parent[r] = next[r] = r;
  forest = (Forest) { parent, next, constrained, options->decisions, options->n_decisions };
  for (guint i = 0; i < options->n_decisions; i++)
    if (!options->decisions[i].same && options->decisions[i].a < n && options->decisions[i].b < n)
      constrained[options->decisions[i].a] = constrained[options->decisions[i].b] = TRUE;
  for (guint i = 0; i < options->n_decisions; i++)
    if (options->decisions[i].same && options->decisions[i].a < n && options->decisions[i].b < n)
      forest_union (&forest, options->decisions[i].a, options->decisions[i].b);
  for (guint r = 0; r < n; r++)
    if (entity[r] != r)
      forest_union (&forest, r, entity[r]);

  /* Deterministic rules on keys: the same customer key within a source, the same email. */
  key_col = find_kind (data, CST_LINK_CUSTOMER_KEY);
  for (guint rule = 0; rule < 2; rule++)
    {
      int col = rule == 0 ? key_col : email_col;
      g_autoptr(GHashTable) first = NULL;

      if (col < 0 || !(options->rules & (rule == 0 ? CST_LINK_RULE_CUSTOMER_KEY : CST_LINK_RULE_EMAIL)))
        continue;
      first = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      for (guint r = 0; r < n; r++)
        {
          const char *v = value_at (data, r, col);
          guint64 *slot;
          gpointer other;

          if (v == NULL)
            continue;
          slot = g_new (guint64, 1);
          /* Keys are per source; emails are global. */
          *slot = hash_bytes (rule == 0 ? hash_bytes (FNV_OFFSET, (const char *) &g_array_index (data->source, guint, r), sizeof (guint)) : FNV_OFFSET,
                              (const char *) &v, sizeof v);
          if (g_hash_table_lookup_extended (first, slot, NULL, &other))
            {
              guint o = GPOINTER_TO_UINT (other);

              if (value_at (data, o, col) == v &&
                  (rule == 1 || g_array_index (data->source, guint, o) == g_array_index (data->source, guint, r)))
                forest_union (&forest, r, o);
              g_free (slot);
            }
          else
            g_hash_table_insert (first, slot, GUINT_TO_POINTER (r));
        }
    }

  order = g_ptr_array_sized_new (result->pairs->len);
  for (guint i = 0; i < result->pairs->len; i++)
    {
      CstLinkPair *p = &g_array_index (result->pairs, CstLinkPair, i);

      if (p->probability >= options->threshold || p->rules != 0)
        g_ptr_array_add (order, p);
    }
  g_ptr_array_sort (order, pair_by_probability);
  for (guint i = 0; i < order->len; i++)
    {
      CstLinkPair *p = g_ptr_array_index (order, i);

      /* A score above the threshold does not join people whose other records look like
       * strangers to each other (a head office's phone on every branch); rules do. */
      if (p->rules == 0 && options->chain_guard && !chain_allows (data, result, &forest, entity, p->a, p->b))
        continue;
      if (forest_union (&forest, p->a, p->b))
        result->n_matched++;
    }

  /* Number people by their first record. */
  result->person = g_new (guint, n);
  {
    g_autofree guint *root_person = g_new (guint, n);

    for (guint r = 0; r < n; r++)
      root_person[r] = G_MAXUINT;
    for (guint r = 0; r < n; r++)
      {
        guint root = forest_find (&forest, r);

        if (root_person[root] == G_MAXUINT)
          root_person[root] = result->n_people++;
        result->person[r] = root_person[root];
      }
  }

  /* Chain guard: a person whose own records include two that look like strangers (probability
   * below 5 % and two fields that disagree) was joined through intermediaries; it is flagged
   * for review. */
  result->flagged = g_new0 (gboolean, MAX (result->n_people, 1));
  {
    g_autofree guint *size = g_new0 (guint, MAX (result->n_people, 1));
    g_autofree guint *start = g_new0 (guint, result->n_people + 1);
    g_autofree guint *members = g_new (guint, MAX (reps->len, 1));

    for (guint i = 0; i < reps->len; i++)
      size[result->person[g_array_index (reps, guint, i)]]++;
    for (guint p = 0; p < result->n_people; p++)
      start[p + 1] = start[p] + size[p];
    memset (size, 0, result->n_people * sizeof (guint));
    for (guint i = 0; i < reps->len; i++)
      {
        guint r = g_array_index (reps, guint, i);
        guint p = result->person[r];

        members[start[p] + size[p]++] = r;
      }
    for (guint p = 0; p < result->n_people; p++)
      {
        guint m = size[p];
        gboolean flag = m > 40;

        for (guint x = 0; x < m && !flag && m >= 3; x++)
          for (guint y = x + 1; y < m && !flag; y++)
            {
              guint64 levels;
              guint n_different = 0;

              if (cst_link_score (data, result, members[start[p] + x], members[start[p] + y], &levels) >= 0.05)
                continue;
              /* Records that merely lack data are not strangers: two fields must disagree. */
              for (guint c = 0; c < nc; c++)
                n_different += ((levels >> (4 * c)) & 0xf) == CST_LINK_LEVEL_DIFFERENT;
              flag = n_different >= 2;
            }
        result->flagged[p] = flag;
        result->n_flagged += flag;
      }
  }
  result->seconds[CST_LINK_STAGE_CLUSTERING] = (g_get_monotonic_time () - t0) / 1e6;
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return g_steal_pointer (&result);
}

/* Explanations */

static void
append_list (GString    *out,
             GPtrArray  *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == items->len ? _(" and ") : ", ");
      g_string_append (out, g_ptr_array_index (items, i));
    }
}

char *
cst_link_explain_columns (const CstLinkKind  *kinds,
                          const char * const *names,
                          guint               n_columns,
                          guint64             levels)
{
  g_autoptr(GPtrArray) same = g_ptr_array_new ();
  g_autoptr(GPtrArray) close = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) differ = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint c = 0; c < n_columns && c < CST_LINK_MAX_COLUMNS; c++)
    {
      CstLinkLevel l = (levels >> (4 * c)) & 0xf;
      const char *label = kinds[c] == CST_LINK_OTHER || kinds[c] >= CST_LINK_N_KINDS
                            ? names[c] : _(kind_info[kinds[c]].label);

      switch (l)
        {
        case CST_LINK_LEVEL_EXACT:
          g_ptr_array_add (same, (gpointer) label);
          break;
        case CST_LINK_LEVEL_CLOSE:
          if (kinds[c] == CST_LINK_BIRTH_DATE)
            g_ptr_array_add (close, g_strdup (_("birth date differs by one digit or has day and month swapped")));
          else if (kinds[c] == CST_LINK_PHONE)
            g_ptr_array_add (close, g_strdup (_("phone ends in the same seven digits")));
          else if (kinds[c] == CST_LINK_EMAIL)
            g_ptr_array_add (close, g_strdup (_("email has the same name at another provider")));
          else
            /* Translators: %s is a field, e.g. "surname" */
            g_ptr_array_add (close, g_strdup_printf (_("%s differs by a letter or two"), label));
          break;
        case CST_LINK_LEVEL_SIMILAR:
          /* Translators: %s is a field, e.g. "street" */
          g_ptr_array_add (close, g_strdup_printf (_("%s is similar"), label));
          break;
        case CST_LINK_LEVEL_DIFFERENT:
          g_ptr_array_add (differ, (gpointer) label);
          break;
        case CST_LINK_LEVEL_MISSING:
        case CST_LINK_N_LEVELS:
        default:
          break;
        }
    }
  if (same->len > 0)
    {
      g_string_append (out, _("Same "));
      append_list (out, same);
    }
  for (guint i = 0; i < close->len; i++)
    {
      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, g_ptr_array_index (close, i));
    }
  if (differ->len > 0)
    {
      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, _("different "));
      append_list (out, differ);
    }
  if (out->len == 0)
    return g_strdup (_("Nothing to compare."));
  out->str[0] = g_ascii_toupper (out->str[0]);
  g_string_append_c (out, '.');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
cst_link_explain (const CstLinkData *data,
                  guint64            levels)
{
  return cst_link_explain_columns (data->kinds, (const char * const *) data->names, data->n_columns,
                                   levels);
}

/* Evaluation */

typedef struct
{
  const char *truth;
  guint       person;
} Labelled;

static int
labelled_by_truth (gconstpointer a,
                   gconstpointer b)
{
  const Labelled *x = a, *y = b;
  int c = strcmp (x->truth, y->truth);

  if (c != 0)
    return c;
  return x->person < y->person ? -1 : x->person > y->person;
}

static int
labelled_by_person (gconstpointer a,
                    gconstpointer b)
{
  const Labelled *x = a, *y = b;

  if (x->person != y->person)
    return x->person < y->person ? -1 : 1;
  return strcmp (x->truth, y->truth);
}

void
cst_link_pairwise_quality (const guint       *person,
                           const char *const *truth,
                           guint              n,
                           double            *precision,
                           double            *recall,
                           double            *f1)
{
  g_autofree Labelled *v = g_new (Labelled, MAX (n, 1));
  double true_pairs = 0, found_pairs = 0, both = 0;

  for (guint i = 0; i < n; i++)
    v[i] = (Labelled) { truth[i], person[i] };
  /* Pairs in the same (truth, person) cell are correct; cells are counted once. */
  qsort (v, n, sizeof *v, labelled_by_truth);
  for (guint i = 0; i < n;)
    {
      guint j = i, k;

      while (j < n && strcmp (v[j].truth, v[i].truth) == 0)
        j++;
      true_pairs += (double) (j - i) * (j - i - 1) / 2;
      for (k = i; k < j;)
        {
          guint l = k;

          while (l < j && v[l].person == v[k].person)
            l++;
          both += (double) (l - k) * (l - k - 1) / 2;
          k = l;
        }
      i = j;
    }
  qsort (v, n, sizeof *v, labelled_by_person);
  for (guint i = 0; i < n;)
    {
      guint j = i;

      while (j < n && v[j].person == v[i].person)
        j++;
      found_pairs += (double) (j - i) * (j - i - 1) / 2;
      i = j;
    }
  *precision = found_pairs > 0 ? both / found_pairs : 1.0;
  *recall = true_pairs > 0 ? both / true_pairs : 1.0;
  *f1 = *precision + *recall > 0 ? 2 * *precision * *recall / (*precision + *recall) : 0.0;
}
