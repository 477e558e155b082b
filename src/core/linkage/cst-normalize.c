/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-normalize"

#include "config.h"

#include <string.h>

#include "cst-normalize.h"
#include "cst-phonenumber.h"

/* Inputs longer than this are cut (at a character boundary) before any work: no real name,
 * street or address is longer, and it bounds the cost of hostile input. */
#define MAX_INPUT_BYTES 1024
#define MAX_NAME_BYTES  256

typedef struct
{
  const char *region;
  const char *cc;
  guint8      min_len;     /* national significant number */
  guint8      max_len;
  gboolean    trunk_zero;  /* nationally written with a leading 0 that E.164 drops */
  gboolean    keeps_zero;  /* Italy: the leading 0 is part of the number */
  const char *first;       /* allowed first digits of the national significant number */
} Country;

static const Country countries[] = {
  { "DE", "49", 6, 13, TRUE, FALSE, "123456789" },
  { "AT", "43", 6, 13, TRUE, FALSE, "123456789" },
  { "CH", "41", 9, 9, TRUE, FALSE, "2345789" },
  { "GB", "44", 9, 10, TRUE, FALSE, "1235789" },
  { "US", "1", 10, 10, FALSE, FALSE, "23456789" },
  { "CA", "1", 10, 10, FALSE, FALSE, "23456789" },
  { "FR", "33", 9, 9, TRUE, FALSE, "123456789" },
  { "NL", "31", 9, 9, TRUE, FALSE, "123456789" },
  { "ES", "34", 9, 9, FALSE, FALSE, "56789" },
  { "IT", "39", 6, 11, FALSE, TRUE, "03" },
  { "AU", "61", 9, 9, TRUE, FALSE, "234578" },
  { "BE", "32", 8, 9, TRUE, FALSE, "123456789" },
  { "LU", "352", 4, 11, FALSE, FALSE, "123456789" },
  { "DK", "45", 8, 8, FALSE, FALSE, "123456789" },
  { "SE", "46", 7, 10, TRUE, FALSE, "123456789" },
  { "NO", "47", 8, 8, FALSE, FALSE, "23456789" },
  { "PL", "48", 9, 9, FALSE, FALSE, "123456789" },
  { "IE", "353", 7, 9, TRUE, FALSE, "123456789" },
  { "PT", "351", 9, 9, FALSE, FALSE, "23679" },
};

/* ITU-T E.164 country codes with one or two digits; all others have three. */
static const char *const short_codes[] = {
  "1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45",
  "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
  "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
};

static const Country *
country_by_region (const char *region)
{
  if (region == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    if (g_ascii_strcasecmp (countries[i].region, region) == 0)
      return &countries[i];
  return NULL;
}

static const Country *
country_by_code (const char *cc)
{
  /* Canada shares +1 with the US; both have the same rules, so the first entry serves. */
  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    if (strcmp (countries[i].cc, cc) == 0)
      return &countries[i];
  return NULL;
}

static gsize
country_code_length (const char *digits)
{
  for (guint i = 0; i < G_N_ELEMENTS (short_codes); i++)
    if (g_str_has_prefix (digits, short_codes[i]))
      return strlen (short_codes[i]);
  return 3;
}

static gboolean
all_same_digit (const char *digits)
{
  for (const char *p = digits; *p != '\0'; p++)
    if (*p != digits[0])
      return FALSE;
  return TRUE;
}

/* Checks a national significant number against its country; returns it in E.164 or NULL. */
static char *
format_e164 (const char *cc,
             const char *nsn)
{
  const Country *c = country_by_code (cc);
  gsize len;

  if (c != NULL && c->trunk_zero && nsn[0] == '0')
    nsn++;  /* "+49 0171…": the trunk prefix written after the country code by mistake */
  len = strlen (nsn);
  if (len == 0 || all_same_digit (nsn) || strlen (cc) + len > 15)
    return NULL;
  if (c != NULL)
    {
      if (len < c->min_len || len > c->max_len || strchr (c->first, nsn[0]) == NULL)
        return NULL;
      if (g_str_equal (cc, "1") && (nsn[3] < '2'))
        return NULL;  /* NANP exchange codes start with 2–9 */
    }
  else if (strlen (cc) + len < 8 || nsn[0] == '0')
    return NULL;
  return g_strconcat ("+", cc, nsn, NULL);
}

static char *
from_international (const char *digits)
{
  gsize cc_len = country_code_length (digits);
  char cc[4] = { 0 };

  if (strlen (digits) <= cc_len || digits[0] == '0')
    return NULL;
  memcpy (cc, digits, cc_len);
  return format_e164 (cc, digits + cc_len);
}

static char *
builtin_phone_e164 (const char *raw,
                    const char *default_region)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  const Country *region = country_by_region (default_region);
  gboolean plus = FALSE;
  gboolean nanp;
  gsize n = 0;

  if (raw == NULL)
    return NULL;

  for (const char *p = raw; *p != '\0' && n < 64; p++, n++)
    {
      char ch = *p;

      if (g_ascii_isdigit (ch))
        {
          if (digits->len >= 20)
            return NULL;
          g_string_append_c (digits, ch);
        }
      else if (ch == '+')
        {
          if (digits->len > 0 || plus)
            return NULL;
          plus = TRUE;
        }
      else if (ch == '(' && p[1] == '0' && p[2] == ')' && (digits->len > 0 || plus))
        p += 2;  /* "+49 (0)171": the optional trunk prefix of the national form */
      else if (ch == ' ' || ch == '-' || ch == '.' || ch == '/' || ch == '(' || ch == ')' ||
               ch == '\t')
        continue;
      else if ((guchar) ch == 0xc2 && (guchar) p[1] == 0xa0)
        p++;  /* no-break space */
      else if (digits->len >= 6 &&
               (ch == '#' || ch == 'x' || ch == 'X' || g_ascii_strncasecmp (p, "ext", 3) == 0 ||
                g_ascii_strncasecmp (p, "dw", 2) == 0))
        break;  /* an extension: "… ext. 12", "… x12", "… #12" */
      else
        return NULL;
    }
  if (n >= 64 || digits->len < 4)
    return NULL;

  nanp = region != NULL && g_str_equal (region->cc, "1");
  if (plus)
    return from_international (digits->str);
  if (nanp && g_str_has_prefix (digits->str, "011"))
    return from_international (digits->str + 3);
  /* 00 is the international prefix nearly everywhere; NANP numbers never start with 0, so it
   * is unambiguous there too. */
  if (g_str_has_prefix (digits->str, "00"))
    return from_international (digits->str + 2);
  if (region == NULL)
    return NULL;

  if (nanp)
    {
      const char *nsn = digits->str;

      if (digits->len == 11 && nsn[0] == '1')
        nsn++;
      return format_e164 ("1", nsn);
    }
  if (region->trunk_zero && digits->str[0] == '0')
    return format_e164 (region->cc, digits->str + 1);
  if (region->keeps_zero || !region->trunk_zero)
    {
      char *result = format_e164 (region->cc, digits->str);

      if (result != NULL)
        return result;
    }
  /* "491712345678": the country code written without "+" or "00". */
  if (g_str_has_prefix (digits->str, region->cc))
    return format_e164 (region->cc, digits->str + strlen (region->cc));
  return NULL;
}

/* Plain printable ASCII, as a phone number is written: anything else (controls, bidi marks)
 * stays refused, whatever a library would make of it. */
static gboolean
is_plain_ascii (const char *text)
{
  gsize n = 0;

  for (const char *p = text; *p != '\0'; p++, n++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7E || n >= 64)
      return FALSE;
  return TRUE;
}

char *
cst_normalize_phone_e164 (const char *raw,
                          const char *default_region)
{
  char *result = builtin_phone_e164 (raw, default_region);

  /* The built-in rules first, so results do not depend on how the program was built; the
   * library for the countries and formats they cannot place. */
  if (result == NULL && raw != NULL && is_plain_ascii (raw) && cst_phonenumber_available ())
    result = cst_phonenumber_e164 (raw, default_region);
  return result;
}

/* Valid UTF-8, at most MAX_INPUT_BYTES, cut at a character boundary. */
static char *
sanitize (const char *raw)
{
  g_autofree char *valid = NULL;
  gsize len;

  if (raw == NULL)
    return NULL;
  len = strnlen (raw, MAX_INPUT_BYTES);
  valid = g_utf8_make_valid (raw, len);
  return g_steal_pointer (&valid);
}

char *
cst_normalize_email (const char   *raw,
                     CstEmailFlags flags)
{
  g_autofree char *clean = sanitize (raw);
  g_autofree char *lower = NULL;
  g_autoptr(GString) local = NULL;
  char *trimmed;
  const char *at;
  const char *domain;

  if (clean == NULL)
    return NULL;
  trimmed = g_strstrip (clean);
  if (trimmed[0] == '<' && g_str_has_suffix (trimmed, ">"))
    {
      trimmed[strlen (trimmed) - 1] = '\0';
      trimmed++;
    }
  if (g_ascii_strncasecmp (trimmed, "mailto:", 7) == 0)
    trimmed += 7;
  if (trimmed[0] == '\0')
    return NULL;
  lower = g_utf8_strdown (trimmed, -1);

  for (const char *p = lower; *p != '\0'; p++)
    if ((guchar) *p < 0x21 || strchr (",;<>()[]\\\"", *p) != NULL)
      return NULL;
  at = strchr (lower, '@');
  if (at == NULL || at == lower || strchr (at + 1, '@') != NULL)
    return NULL;
  domain = at + 1;
  if (domain[0] == '\0' || strchr (domain, '.') == NULL || domain[0] == '.' ||
      g_str_has_suffix (domain, ".") || strstr (domain, "..") != NULL)
    return NULL;

  local = g_string_new_len (lower, at - lower);
  if ((flags & CST_EMAIL_PROVIDER_RULES) &&
      (g_str_equal (domain, "gmail.com") || g_str_equal (domain, "googlemail.com")))
    {
      char *plus = strchr (local->str, '+');

      if (plus != NULL)
        g_string_truncate (local, plus - local->str);
      g_string_replace (local, ".", "", 0);
      domain = "gmail.com";
    }
  else if (flags & CST_EMAIL_STRIP_TAGS)
    {
      char *plus = strchr (local->str, '+');

      if (plus != NULL && plus != local->str)
        g_string_truncate (local, plus - local->str);
    }
  if (local->len == 0)
    return NULL;
  return g_strconcat (local->str, "@", domain, NULL);
}

char *
cst_normalize_email_local (const char *normalized_email)
{
  const char *at;

  if (normalized_email == NULL || (at = strchr (normalized_email, '@')) == NULL ||
      at == normalized_email)
    return NULL;
  return g_strndup (normalized_email, at - normalized_email);
}

/* Letters without accents in lower case; with @keep_digits digits too; anything else becomes a
 * single space. Apostrophes vanish ("O'Brien" → "obrien"). */
static char *
fold_text (const char *raw,
           gboolean    keep_digits)
{
  g_autofree char *clean = sanitize (raw);
  g_autofree char *decomposed = NULL;
  g_autoptr(GString) out = NULL;
  gboolean space = TRUE;

  if (clean == NULL)
    return NULL;
  decomposed = g_utf8_normalize (clean, -1, G_NORMALIZE_ALL);
  if (decomposed == NULL)
    return NULL;

  out = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0' && out->len < MAX_NAME_BYTES;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);
      const char *repl = NULL;

      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_ENCLOSING_MARK ||
          type == G_UNICODE_SPACING_MARK || type == G_UNICODE_FORMAT || c == '\'' ||
          c == 0x2019 || c == 0x2018 || c == '`' || c == 0xb4)
        continue;  /* accents, bidi marks, zero-width joiners, apostrophes */

      switch (c)
        {
        case 0xdf: repl = "ss"; break;     /* ß */
        case 0xe6: case 0xc6: repl = "ae"; break;
        case 0x153: case 0x152: repl = "oe"; break;
        case 0xf8: case 0xd8: repl = "o"; break;
        case 0x142: case 0x141: repl = "l"; break;
        case 0x111: case 0x110: repl = "d"; break;
        case 0xfe: case 0xde: repl = "th"; break;
        case 0x131: repl = "i"; break;
        default: break;
        }
      if (repl != NULL)
        {
          g_string_append (out, repl);
          space = FALSE;
        }
      else if (g_unichar_isalpha (c) || (keep_digits && g_unichar_isdigit (c)))
        {
          char buf[8];
          gunichar lower = g_unichar_tolower (c);

          g_string_append_len (out, buf, g_unichar_to_utf8 (lower, buf));
          space = FALSE;
        }
      else if (!space)
        {
          g_string_append_c (out, ' ');
          space = TRUE;
        }
    }
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    return NULL;
  /* The byte cap may have cut a character: keep the string valid. */
  if (!g_utf8_validate (out->str, -1, NULL))
    {
      const char *end;

      g_utf8_validate (out->str, -1, &end);
      g_string_truncate (out, end - out->str);
    }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static const char *const titles[] = {
  "dr", "prof", "mr", "mrs", "ms", "miss", "herr", "frau", "mme", "mlle", "sir", "dipl", "ing",
};

char *
cst_normalize_name (const char *raw)
{
  g_autofree char *folded = fold_text (raw, FALSE);
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) out = NULL;

  if (folded == NULL)
    return NULL;
  words = g_strsplit (folded, " ", -1);
  out = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean title = FALSE;

      for (guint t = 0; t < G_N_ELEMENTS (titles) && words[i + 1] != NULL; t++)
        title = title || g_str_equal (words[i], titles[t]);
      if (title || words[i][0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }
  if (out->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Pairs of nickname → canonical name. Only unambiguous, common equivalences: a wrong entry
 * would make strangers look alike. */
static const char *const nicknames[][2] = {
  { "bob", "robert" }, { "bobby", "robert" }, { "rob", "robert" }, { "robbie", "robert" },
  { "bert", "robert" }, { "bill", "william" }, { "billy", "william" }, { "will", "william" },
  { "willy", "william" }, { "liam", "william" }, { "jim", "james" }, { "jimmy", "james" },
  { "jamie", "james" }, { "mike", "michael" }, { "mick", "michael" }, { "micha", "michael" },
  { "dave", "david" }, { "davy", "david" }, { "dick", "richard" }, { "rick", "richard" },
  { "rich", "richard" }, { "tom", "thomas" }, { "tommy", "thomas" }, { "tony", "anthony" },
  { "toni", "anton" }, { "joe", "joseph" }, { "joey", "joseph" }, { "sepp", "josef" },
  { "jo", "johanna" }, { "hans", "johannes" }, { "jan", "johannes" }, { "johann", "johannes" },
  { "jack", "john" }, { "johnny", "john" }, { "jon", "john" }, { "chris", "christopher" },
  { "kit", "christopher" }, { "dan", "daniel" }, { "danny", "daniel" }, { "sam", "samuel" },
  { "ben", "benjamin" }, { "benny", "benjamin" }, { "ed", "edward" }, { "eddie", "edward" },
  { "ted", "edward" }, { "fred", "frederick" }, { "freddy", "frederick" }, { "fritz", "friedrich" },
  { "alex", "alexander" }, { "sandy", "alexander" }, { "andy", "andrew" }, { "drew", "andrew" },
  { "matt", "matthew" }, { "nick", "nicholas" }, { "pat", "patrick" }, { "pete", "peter" },
  { "steve", "stephen" }, { "steven", "stephen" }, { "stefan", "stephan" }, { "greg", "gregory" },
  { "larry", "lawrence" }, { "charlie", "charles" }, { "chuck", "charles" }, { "harry", "henry" },
  { "hank", "henry" }, { "heinz", "heinrich" }, { "kate", "katherine" }, { "katie", "katherine" },
  { "kathy", "katherine" }, { "cathy", "katherine" }, { "catherine", "katherine" },
  { "kathrin", "katharina" }, { "käthe", "katharina" }, { "liz", "elizabeth" },
  { "beth", "elizabeth" }, { "betty", "elizabeth" }, { "lisa", "elisabeth" },
  { "liesel", "elisabeth" }, { "sue", "susan" }, { "susie", "susan" }, { "peggy", "margaret" },
  { "maggie", "margaret" }, { "meg", "margaret" }, { "gretel", "margarete" },
  { "jenny", "jennifer" }, { "jen", "jennifer" }, { "becky", "rebecca" }, { "vicky", "victoria" },
  { "abby", "abigail" }, { "debbie", "deborah" }, { "patty", "patricia" }, { "trish", "patricia" },
  { "mandy", "amanda" }, { "nancy", "ann" }, { "annie", "ann" }, { "anne", "ann" },
  { "anna", "ann" }, { "lena", "helena" }, { "leni", "helena" }, { "resi", "theresa" },
  { "uli", "ulrich" }, { "wolf", "wolfgang" }, { "klaus", "nikolaus" }, { "franz", "franziskus" },
};

char *
cst_normalize_first_name (const char *raw)
{
  g_autofree char *name = cst_normalize_name (raw);
  char *space;

  if (name == NULL)
    return NULL;
  /* The first given name decides ("anna maria" is compared as "anna"). */
  space = strchr (name, ' ');
  if (space != NULL)
    *space = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (nicknames); i++)
    if (g_str_equal (name, nicknames[i][0]))
      return g_strdup (nicknames[i][1]);
  return g_steal_pointer (&name);
}

char *
cst_normalize_name_fold (const char *normalized_name)
{
  g_autoptr(GString) out = NULL;

  if (normalized_name == NULL || normalized_name[0] == '\0')
    return NULL;
  out = g_string_new (normalized_name);
  g_string_replace (out, "ue", "u", 0);
  g_string_replace (out, "oe", "o", 0);
  g_string_replace (out, "ae", "a", 0);
  g_string_replace (out, "ss", "s", 0);
  g_string_replace (out, "ph", "f", 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
cst_normalize_soundex (const char *normalized_name)
{
  /*                        abcdefghijklmnopqrstuvwxyz */
  static const char codes[] = "01230120022455012623010202";
  char out[5] = { 0 };
  char last = 0;
  guint n = 0;

  if (normalized_name == NULL)
    return NULL;
  for (const char *p = normalized_name; *p != '\0' && n < 4; p++)
    {
      char c = g_ascii_tolower (*p);
      char code;

      if (c < 'a' || c > 'z')
        continue;
      code = codes[c - 'a'];
      if (n == 0)
        {
          out[n++] = g_ascii_toupper (c);
          last = code;
          continue;
        }
      if (code != '0' && code != last)
        out[n++] = code;
      /* h and w do not separate equal codes; vowels do. */
      if (c != 'h' && c != 'w')
        last = code;
    }
  if (n == 0)
    return NULL;
  while (n < 4)
    out[n++] = '0';
  return g_strdup (out);
}

char *
cst_normalize_postcode (const char *raw)
{
  g_autofree char *clean = sanitize (raw);
  g_autoptr(GString) out = NULL;
  const char *p;

  if (clean == NULL)
    return NULL;
  p = g_strstrip (clean);
  /* "D-10115", "A-1010", "CH-8001": a country letter in front of the code. */
  if (g_ascii_isalpha (p[0]) && (p[1] == '-' || (g_ascii_isalpha (p[1]) && p[2] == '-')) &&
      g_ascii_isdigit (p[p[1] == '-' ? 2 : 3]))
    p += p[1] == '-' ? 2 : 3;
  out = g_string_new (NULL);
  for (; *p != '\0' && out->len < 16; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_toupper (*p));
    else if (*p != ' ' && *p != '-')
      return NULL;
  if (out->len < 3)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *const street_words[][2] = {
  { "str", "strasse" }, { "st", "street" }, { "rd", "road" }, { "ave", "avenue" },
  { "av", "avenue" }, { "pl", "place" }, { "ln", "lane" }, { "dr", "drive" }, { "ct", "court" },
  { "cres", "crescent" }, { "cr", "crescent" }, { "blvd", "boulevard" }, { "hwy", "highway" },
  { "pde", "parade" }, { "tce", "terrace" }, { "cl", "close" }, { "sq", "square" },
  { "mt", "mount" }, { "n", "north" }, { "s", "south" }, { "e", "east" }, { "w", "west" },
  { "apt", "apartment" }, { "flt", "flat" }, { "weg", "weg" },
};

char *
cst_normalize_address (const char *raw)
{
  g_autofree char *folded = fold_text (raw, TRUE);
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) out = NULL;

  if (folded == NULL)
    return NULL;
  words = g_strsplit (folded, " ", -1);
  out = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];
      const char *expanded = NULL;

      for (guint j = 0; j < G_N_ELEMENTS (street_words) && expanded == NULL; j++)
        if (g_str_equal (w, street_words[j][0]))
          expanded = street_words[j][1];
      if (out->len > 0)
        g_string_append_c (out, ' ');
      if (expanded != NULL)
        g_string_append (out, expanded);
      else if (g_str_has_suffix (w, "str") && strlen (w) > 4)
        g_string_append_printf (out, "%.*sstrasse", (int) strlen (w) - 3, w);
      else
        g_string_append (out, w);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
cst_normalize_house_number (const char *raw)
{
  const char *p;
  gsize n = 0;

  if (raw == NULL)
    return NULL;
  for (p = raw; *p != '\0' && !g_ascii_isdigit (*p) && n < MAX_INPUT_BYTES; p++, n++)
    ;
  if (!g_ascii_isdigit (*p))
    return NULL;
  n = 0;
  while (g_ascii_isdigit (p[n]) && n < 8)
    n++;
  return g_strndup (p, n);
}

char *
cst_normalize_digits (const char *raw)
{
  g_autoptr(GString) out = NULL;
  gsize n = 0;

  if (raw == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = raw; *p != '\0' && n < MAX_INPUT_BYTES; p++, n++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p);
  if (out->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
format_date (int year,
             int month,
             int day)
{
  if (year < 1880 || year > 2100 || month < 1 || month > 12 || day < 1 ||
      !g_date_valid_dmy (day, month, year))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", year, month, day);
}

char *
cst_normalize_birth_date (const char *raw,
                          gboolean    month_first)
{
  int parts[3] = { 0 };
  int widths[3] = { 0 };
  guint n = 0;
  gboolean dotted = FALSE;
  const char *p;
  gsize len = 0;

  if (raw == NULL)
    return NULL;
  for (p = raw; *p != '\0' && len < 64; p++, len++)
    {
      if (g_ascii_isdigit (*p))
        {
          if (n == 3 || widths[n] >= 8)
            return NULL;
          parts[n] = parts[n] * 10 + (*p - '0');
          widths[n]++;
        }
      else if (widths[n] > 0)
        {
          if (*p == '.')
            dotted = TRUE;
          if (*p == 'T' || *p == ' ')
            {
              if (n == 2)
                break;  /* a time after the date */
            }
          if (++n == 3)
            break;
        }
      else if (*p != ' ')
        return NULL;
    }
  if (n < 3 && widths[n] > 0)
    n++;

  if (n == 1 && widths[0] == 8)
    return format_date (parts[0] / 10000, parts[0] / 100 % 100, parts[0] % 100);
  if (n != 3)
    return NULL;
  if (widths[0] == 4)
    return format_date (parts[0], parts[1], parts[2]);
  if (widths[2] == 2)
    parts[2] += parts[2] <= 25 ? 2000 : 1900;  /* a two-digit year of birth */
  else if (widths[2] != 4)
    return NULL;
  if (parts[0] > 12 || dotted)
    return format_date (parts[2], parts[1], parts[0]);
  if (parts[1] > 12)
    return format_date (parts[2], parts[0], parts[1]);
  return month_first ? format_date (parts[2], parts[0], parts[1])
                     : format_date (parts[2], parts[1], parts[0]);
}

gboolean
cst_normalize_dates_swapped (const char *a,
                             const char *b)
{
  if (a == NULL || b == NULL || strlen (a) != 10 || strlen (b) != 10)
    return FALSE;
  return strncmp (a, b, 5) == 0 && strncmp (a + 5, b + 8, 2) == 0 &&
         strncmp (a + 8, b + 5, 2) == 0 && strcmp (a, b) != 0;
}
