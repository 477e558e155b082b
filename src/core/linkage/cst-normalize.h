/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Normalizers for identity resolution. Every function accepts hostile input (NULL, empty,
 * invalid UTF-8, control characters, bidi marks, emoji, very long strings), never aborts on it
 * and returns %NULL when nothing usable is left. All results are newly allocated UTF-8 (free
 * with g_free). All functions are thread-safe and cost linear time in the input length. */

/**
 * cst_normalize_phone_e164:
 * @raw: (nullable): a phone number as it was written: spaces, dashes, dots, brackets, "(0)",
 *   "+", international prefixes 00 / 011, national trunk prefix 0, "ext." suffixes
 * @default_region: (nullable): ISO 3166 alpha-2 ("DE", "US", "GB"…) for numbers written
 *   without a country code; %NULL accepts only numbers with a country code
 *
 * Built-in rules know the national formats of DE, AT, CH, GB, US, CA, FR, NL, ES, IT, AU, BE,
 * LU, DK, SE, NO, PL, IE and PT (lengths, trunk prefix, Italy keeping its leading 0); numbers of
 * other countries are accepted when they have a country code and 7–15 digits. When the build
 * found libphonenumber, numbers these rules cannot place (a national number of another
 * default region, say) are given to it, and kept when its numbering plan says they are valid.
 *
 * Returns: (transfer full) (nullable): E.164 ("+491712345678") or %NULL when the number is
 *   not a plausible phone number
 */
char *cst_normalize_phone_e164 (const char *raw, const char *default_region);

typedef enum
{
  CST_EMAIL_PLAIN          = 0,
  /* Gmail ignores dots and "+tag" in the local part; googlemail.com is gmail.com. */
  CST_EMAIL_PROVIDER_RULES = 1 << 0,
  /* Drop "+tag" for every domain (most providers deliver "a+b@x" to "a@x"). */
  CST_EMAIL_STRIP_TAGS     = 1 << 1,
} CstEmailFlags;

/* Trimmed, lower-cased address (IDN domains are kept as written, lower-cased), or %NULL when it
 * is not an address. With @flags, provider rules fold equivalent spellings. */
char *cst_normalize_email (const char *raw, CstEmailFlags flags);

/* The local part of a normalized address ("anna.meier" of "anna.meier@example.org"). */
char *cst_normalize_email_local (const char *normalized_email);

/* A name for comparison: NFKD, accents removed (Müller → muller, also "ue" of "Mueller" kept as
 * written), lower case, punctuation and digits dropped, titles (dr, prof, mr, mrs, ms, herr,
 * frau) removed, whitespace collapsed. %NULL when nothing is left. At most 256 bytes are kept. */
char *cst_normalize_name (const char *raw);

/* A first name mapped to its canonical form through nickname equivalences (bob → robert,
 * bill → william, hans → johannes, sepp → josef…); input is normalized first. */
char *cst_normalize_first_name (const char *raw);

/* German umlaut transcriptions folded (ue → u, oe → o, ae → a, ss → s) on an already normalized
 * name, so that "mueller", "müller" and "muller" compare equal. */
char *cst_normalize_name_fold (const char *normalized_name);

/* American Soundex (4 characters, "R163") of a normalized name, or %NULL when it has no letter. */
char *cst_normalize_soundex (const char *normalized_name);

/* Postcode: upper case, spaces and dashes removed ("sw1a 1aa" → "SW1A1AA"; "D-10115" → "10115"). */
char *cst_normalize_postcode (const char *raw);

/* Street or town: normalized like a name, common abbreviations expanded (str./strasse/straße →
 * strasse, st → street, rd → road, ave → avenue, pl → place…), house numbers kept. */
char *cst_normalize_address (const char *raw);

/* The first run of digits in a street line ("12a" of "Hauptstr. 12a" → "12"), or %NULL. */
char *cst_normalize_house_number (const char *raw);

/**
 * cst_normalize_birth_date:
 * @raw: (nullable): a date as written: ISO "1980-03-07", "19800307", "07.03.1980",
 *   "07/03/1980", "3/7/1980" (US when @month_first)
 * @month_first: whether an ambiguous "a/b/yyyy" means month/day (US) rather than day/month
 *
 * Returns: (transfer full) (nullable): "YYYY-MM-DD", or %NULL when the date is not a valid
 *   calendar day between 1880 and 2100
 */
char *cst_normalize_birth_date (const char *raw, gboolean month_first);

/* Whether two normalized "YYYY-MM-DD" dates are the same day with day and month swapped
 * (1980-03-07 against 1980-07-03): the typical US/European mix-up. */
gboolean cst_normalize_dates_swapped (const char *a, const char *b);

/* Digits only ("+49 (171) 23" → "4917123"), or %NULL when there are none. */
char *cst_normalize_digits (const char *raw);

G_END_DECLS
