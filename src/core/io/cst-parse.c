/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-parse"

#include "config.h"

#include <math.h>
#include <string.h>

#include "cst-parse.h"

/* Reading the numbers and dates of real exports: `1.234,56 €`, `$1,234.56`, `(12.50)`,
 * `04.03.2025 14:30`, `2025-03-04T14:30:00+01:00`. Both parsers are strict: a value that could
 * be read in two ways under the given settings is not read at all, so that a row is rejected
 * with a reason rather than imported with a wrong number. Neither allocates, since the
 * importer calls them for every field of every row. */

typedef struct
{
  const char *text;
  const char *code;
} Currency;

/* Longer spellings first, so that `R$` is not read as `$`. */
static const Currency currencies[] = {
  { "US$", "USD" }, { "R$", "BRL" }, { "€", "EUR" }, { "$", "USD" }, { "£", "GBP" },
  { "¥", "JPY" }, { "EUR", "EUR" }, { "USD", "USD" }, { "GBP", "GBP" }, { "CHF", "CHF" },
  { "JPY", "JPY" }, { "BRL", "BRL" }, { "CAD", "CAD" }, { "AUD", "AUD" }, { "SEK", "SEK" },
  { "NOK", "NOK" }, { "DKK", "DKK" }, { "PLN", "PLN" }, { "MXN", "MXN" }, { "CZK", "CZK" },
};

static const char * const na_markers[] = { "", "NA", "N/A", "n/a", "na", "null", "NULL", "Null",
                                           "-", "#N/A", "NaN", "nan", "None", "(null)" };

/* Returns the length of a space at @p (ASCII space or tab, no-break space, narrow no-break
 * space, thin space), 0 if there is none. */
static gsize
space_at (const char *p)
{
  if (*p == ' ' || *p == '\t')
    return 1;
  /* Byte by byte, stopping at the first difference: @p may end right after its first byte. */
  if ((guchar) p[0] == 0xC2 && (guchar) p[1] == 0xA0)
    return 2;
  if ((guchar) p[0] == 0xE2 && (guchar) p[1] == 0x80 && ((guchar) p[2] == 0xAF || (guchar) p[2] == 0x89))
    return 3;
  return 0;
}

static const char *
skip_spaces (const char *p)
{
  gsize n;

  while ((n = space_at (p)) > 0)
    p += n;
  return p;
}

static const char *
match_currency (const char  *p,
                const char **code)
{
  for (guint i = 0; i < G_N_ELEMENTS (currencies); i++)
    {
      gsize len = strlen (currencies[i].text);

      if (strncmp (p, currencies[i].text, len) != 0)
        continue;
      /* A code must stand alone: "EURO" or "USDT" is a word, not a currency. */
      if (g_ascii_isalpha (currencies[i].text[len - 1]) && g_ascii_isalpha (p[len]))
        continue;
      *code = currencies[i].code;
      return p + len;
    }
  return NULL;
}

/* Reads a group separator at @p if one is allowed there: it must be followed by exactly three
 * digits, then by something that is not a digit. Returns its length, 0 when there is none. */
static gsize
group_separator_at (const char *p,
                    char        decimal,
                    char        thousands,
                    char       *kind)
{
  gsize n = 0;
  char k = '\0';

  if ((n = space_at (p)) > 0)
    k = ' ';
  else if (*p == '\'' && decimal != '\'')
    k = '\'', n = 1;
  else if ((*p == '.' || *p == ',') && *p != decimal)
    k = *p, n = 1;

  if (n == 0)
    return 0;
  /* A given thousands separator excludes the other punctuation, but spaces are always
   * grouping: `1 234,56` is written in France whatever the spreadsheet says. */
  if (thousands != '\0' && k != ' ' && k != thousands)
    return 0;
  if (!g_ascii_isdigit (p[n]) || !g_ascii_isdigit (p[n + 1]) || !g_ascii_isdigit (p[n + 2]) ||
      g_ascii_isdigit (p[n + 3]))
    return 0;
  *kind = k;
  return n;
}

/* Powers of ten that are exact doubles. */
static const double exact_powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* The common case of a machine-written number, `-123.45678`: an optional minus, digits, the
 * decimal separator and digits, nothing else. When the digits fit in 53 bits and there are at
 * most 22 decimals, mantissa / 10^decimals is two exact doubles and one correctly rounded
 * division, so the result is the one strtod gives (Clinger 1990, "How to read floating point
 * numbers accurately"). Returns FALSE, having written nothing, for anything else. */
static inline gboolean
parse_plain_number (const char    *text,
                    char           decimal,
                    double        *out,
                    CstNumberInfo *info)
{
  const char *p = text;
  guint64 mantissa = 0;
  guint n_digits = 0, n_decimals = 0;
  gboolean negative = FALSE;
  double value;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    {
      mantissa = mantissa * 10 + (guint64) (*p++ - '0');
      if (++n_digits > 15)
        return FALSE;
    }
  if (*p == decimal)
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        {
          mantissa = mantissa * 10 + (guint64) (*p++ - '0');
          if (n_digits + ++n_decimals > 15)
            return FALSE;
        }
    }
  if (*p != '\0')
    return FALSE;

  value = (double) mantissa / exact_powers_of_ten[n_decimals];
  if (out != NULL)
    *out = negative ? -value : value;
  if (info != NULL)
    {
      *info = (CstNumberInfo) { 0 };
      info->n_digits = n_digits;
      info->n_decimals = n_decimals;
      info->leading_zero = text[negative] == '0' && g_ascii_isdigit (text[negative + 1]);
      info->negative = negative;
    }
  return TRUE;
}

/**
 * cst_parse_number:
 * @text: a field
 * @decimal: the decimal separator, `'.'` or `','`
 * @thousands: the thousands separator, or `'\0'` to accept the one of `.` and `,` that is not
 *   @decimal; spaces (also no-break ones) and `'` always group
 * @out: (out) (optional): the value
 * @info: (out) (optional): how it was written
 *
 * Reads a number the way people write them in exports: a sign or accountant's parentheses,
 * a currency sign or code before or after it (`€1.234,56`, `12,50 EUR`, `-$3.00`), thousands
 * groups of exactly three digits, and with a decimal point an exponent. Anything else around
 * the number, or a separator in an impossible place (`1,5` with a decimal point, `1.5` with a
 * decimal comma), makes it not a number: that value is reported, never guessed.
 *
 * Cost: linear in the length of @text; no allocation.
 *
 * Returns: %TRUE if @text is a finite number
 */
gboolean
cst_parse_number (const char    *text,
                  char           decimal,
                  char           thousands,
                  double        *out,
                  CstNumberInfo *info)
{
  char buffer[128];
  gsize len = 0;
  const char *p;
  const char *code = NULL;
  const char *next;
  gboolean negative = FALSE;
  gboolean parens = FALSE;
  guint group = 0;
  CstNumberInfo local = { 0 };
  double value;
  char *end;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (decimal == '.' || decimal == ',', FALSE);

  if (parse_plain_number (text, decimal, out, info))
    return TRUE;

  p = skip_spaces (text);

  /* Prefixes in any order: "-€12", "€-12", "(€12)", "EUR 12". */
  for (;;)
    {
      if (*p == '-' || *p == '+')
        {
          if (negative || (*p == '+' && local.negative))
            return FALSE;
          negative = *p == '-';
          local.negative = TRUE;
          p = skip_spaces (p + 1);
        }
      else if (strncmp (p, "\xE2\x88\x92", 3) == 0)  /* U+2212 MINUS SIGN */
        {
          if (local.negative)
            return FALSE;
          negative = local.negative = TRUE;
          p = skip_spaces (p + 3);
        }
      else if (*p == '(' && !parens && !local.negative)
        {
          parens = TRUE;
          p = skip_spaces (p + 1);
        }
      else if (code == NULL && (next = match_currency (p, &code)) != NULL)
        p = skip_spaces (next);
      else
        break;
    }
  local.negative = negative || parens;

  if (*p == '0' && g_ascii_isdigit (p[1]))
    local.leading_zero = TRUE;

  /* Integer part with optional groups: the first group has one to three digits, every later
   * one exactly three (group_separator_at() sees to that), all with the same separator. */
  while (g_ascii_isdigit (*p))
    {
      gsize sep;
      char kind = '\0';

      if (len >= sizeof buffer - 8)
        return FALSE;
      buffer[len++] = *p++;
      local.n_digits++;
      group++;
      if (g_ascii_isdigit (*p) || *p == '\0' ||
          (sep = group_separator_at (p, decimal, thousands, &kind)) == 0)
        continue;
      if (local.thousands == '\0' ? group > 3 : kind != local.thousands)
        return FALSE;
      local.thousands = kind;
      group = 0;
      p += sep;
    }

  if (*p == decimal && g_ascii_isdigit (p[1]))
    {
      buffer[len++] = '.';
      p++;
      while (g_ascii_isdigit (*p))
        {
          if (len >= sizeof buffer - 8)
            return FALSE;
          buffer[len++] = *p++;
          local.n_decimals++;
        }
    }

  if (local.n_digits == 0 && local.n_decimals == 0)
    return FALSE;

  if (decimal == '.' && (*p == 'e' || *p == 'E') && local.thousands == '\0' &&
      (g_ascii_isdigit (p[1]) || ((p[1] == '-' || p[1] == '+') && g_ascii_isdigit (p[2]))))
    {
      buffer[len++] = *p++;
      if (*p == '-' || *p == '+')
        buffer[len++] = *p++;
      while (g_ascii_isdigit (*p))
        {
          if (len >= sizeof buffer - 2)
            return FALSE;
          buffer[len++] = *p++;
        }
    }
  buffer[len] = '\0';

  p = skip_spaces (p);
  if (code == NULL && (next = match_currency (p, &code)) != NULL)
    p = skip_spaces (next);
  if (parens)
    {
      if (*p != ')')
        return FALSE;
      p = skip_spaces (p + 1);
    }
  if (*p != '\0')
    return FALSE;

  value = g_ascii_strtod (buffer, &end);
  if (*end != '\0' || !isfinite (value))
    return FALSE;

  local.currency = code;
  if (out != NULL)
    *out = local.negative ? -value : value;
  if (info != NULL)
    *info = local;
  return TRUE;
}

typedef struct
{
  int      a, b, c;         /* the three date numbers as written */
  guint    na, nb, nc;      /* their digit counts */
  char     sep1, sep2;      /* '\0' for the compact form */
  gboolean has_time;
  int      hour, minute, second;
} Parts;

static const char *
read_int (const char *p,
          int        *value,
          guint      *digits,
          guint       max_digits)
{
  *value = 0;
  *digits = 0;
  while (g_ascii_isdigit (*p) && *digits < max_digits)
    {
      *value = *value * 10 + (*p - '0');
      (*digits)++;
      p++;
    }
  return p;
}

/* Splits a date with an optional time. Returns FALSE when @text has any other shape. */
static gboolean
split_datetime (const char *text,
                Parts      *parts)
{
  const char *p = skip_spaces (text);

  memset (parts, 0, sizeof *parts);

  p = read_int (p, &parts->a, &parts->na, 8);
  if (parts->na == 8)
    {
      /* 20250304: the compact form. */
      parts->c = parts->a % 100;
      parts->b = (parts->a / 100) % 100;
      parts->a /= 10000;
      parts->na = 4, parts->nb = 2, parts->nc = 2;
    }
  else
    {
      if (parts->na == 0 || parts->na == 3 || parts->na > 4)
        return FALSE;
      if (*p != '-' && *p != '/' && *p != '.')
        return FALSE;
      parts->sep1 = *p++;
      p = read_int (p, &parts->b, &parts->nb, 2);
      if (parts->nb == 0 || *p != parts->sep1)
        return FALSE;
      parts->sep2 = *p++;
      p = read_int (p, &parts->c, &parts->nc, 4);
      if (parts->nc == 0 || parts->nc == 3 || g_ascii_isdigit (*p))
        return FALSE;
    }

  if (g_ascii_isdigit (*p))
    return FALSE;

  /* The time: after "T" or spaces, and in D.M.Y files sometimes after a comma. */
  if (*p == 'T' || *p == ' ' || *p == ',')
    {
      const char *q = p;
      guint nh, nm, ns;

      if (*q == 'T' || *q == ',')
        q++;
      q = skip_spaces (q);
      if (*q == '\0')
        {
          p = q;
          goto done;
        }
      q = read_int (q, &parts->hour, &nh, 2);
      if (nh == 0 || *q != ':')
        return FALSE;
      q = read_int (q + 1, &parts->minute, &nm, 2);
      if (nm != 2)
        return FALSE;
      if (*q == ':')
        {
          q = read_int (q + 1, &parts->second, &ns, 2);
          if (ns != 2)
            return FALSE;
          if (*q == '.' || *q == ',')
            {
              q++;
              if (!g_ascii_isdigit (*q))
                return FALSE;
              while (g_ascii_isdigit (*q))
                q++;
            }
        }
      parts->has_time = TRUE;
      q = skip_spaces (q);

      if (g_ascii_strncasecmp (q, "AM", 2) == 0 || g_ascii_strncasecmp (q, "PM", 2) == 0)
        {
          gboolean pm = g_ascii_tolower (*q) == 'p';

          if (parts->hour < 1 || parts->hour > 12)
            return FALSE;
          parts->hour = (parts->hour % 12) + (pm ? 12 : 0);
          q = skip_spaces (q + 2);
        }

      /* A zone is read and dropped: times are the wall clock of the file. */
      if (*q == 'Z')
        q++;
      else if (g_ascii_strncasecmp (q, "UTC", 3) == 0 || g_ascii_strncasecmp (q, "GMT", 3) == 0)
        q += 3;
      if (*q == '+' || *q == '-')
        {
          int zh, zm;
          guint nzh, nzm;

          q = read_int (q + 1, &zh, &nzh, 2);
          if (nzh != 2 || zh > 14)
            return FALSE;
          if (*q == ':')
            q++;
          q = read_int (q, &zm, &nzm, 2);
          if ((nzm != 0 && nzm != 2) || zm > 59)
            return FALSE;
        }
      p = q;
    }

done:
  p = skip_spaces (p);
  if (*p != '\0')
    return FALSE;
  if (parts->has_time && (parts->hour > 23 || parts->minute > 59 || parts->second > 60))
    return FALSE;
  return TRUE;
}

static int
full_year (int   year,
           guint digits)
{
  /* Two-digit years as spreadsheets expand them: 00–69 are 2000–2069, 70–99 are 1970–1999. */
  if (digits == 2)
    return year < 70 ? 2000 + year : 1900 + year;
  return year;
}

static gboolean
valid_date (int year,
            int month,
            int day)
{
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         g_date_valid_dmy (day, month, year);
}

static CstDateFormat
fits (const Parts *parts)
{
  CstDateFormat result = CST_DATE_FORMAT_NONE;

  if (parts->sep1 == '\0')
    {
      /* Eight digits are a date only in a plausible range: 1900–2100. */
      if (parts->a >= 1900 && parts->a <= 2100 && valid_date (parts->a, parts->b, parts->c))
        result |= CST_DATE_FORMAT_COMPACT;
      return result;
    }

  if (parts->na == 4)
    {
      if (parts->nc > 2)
        return CST_DATE_FORMAT_NONE;
      if (!valid_date (parts->a, parts->b, parts->c))
        return CST_DATE_FORMAT_NONE;
      if (parts->sep1 == '-')
        result |= CST_DATE_FORMAT_ISO;
      else if (parts->sep1 == '/')
        result |= CST_DATE_FORMAT_YMD_SLASH;
      return result;
    }

  if (parts->na > 2 || (parts->nc != 2 && parts->nc != 4))
    return CST_DATE_FORMAT_NONE;

  if (parts->sep1 == '.')
    {
      if (valid_date (full_year (parts->c, parts->nc), parts->b, parts->a))
        result |= CST_DATE_FORMAT_DMY_DOT;
      return result;
    }

  if (valid_date (full_year (parts->c, parts->nc), parts->b, parts->a))
    result |= CST_DATE_FORMAT_DMY;
  if (valid_date (full_year (parts->c, parts->nc), parts->a, parts->b))
    result |= CST_DATE_FORMAT_MDY;
  return result;
}

/**
 * cst_parse_date_fits:
 * @text: a field
 * @has_time: (out) (optional): whether @text carries a time of day
 *
 * Says which date formats @text can be read in, as a mask of #CstDateFormat. `03/04/2025`
 * gives %CST_DATE_FORMAT_DMY | %CST_DATE_FORMAT_MDY; `25/03/2025` only the first. A column's
 * format is the intersection over its values; when that still holds both D/M/Y and M/D/Y, the
 * user has to choose.
 *
 * Returns: the formats @text fits, %CST_DATE_FORMAT_NONE when it is not a date
 */
CstDateFormat
cst_parse_date_fits (const char *text,
                     gboolean   *has_time)
{
  Parts parts;
  CstDateFormat result;

  g_return_val_if_fail (text != NULL, CST_DATE_FORMAT_NONE);

  if (!split_datetime (text, &parts))
    return CST_DATE_FORMAT_NONE;
  result = fits (&parts);
  if (has_time != NULL)
    *has_time = result != CST_DATE_FORMAT_NONE && parts.has_time;
  return result;
}

/**
 * cst_parse_datetime:
 * @text: a field
 * @format: one format (a single flag of #CstDateFormat)
 * @out: (out): seconds since 1970-01-01 00:00 of the wall-clock time as written
 *
 * Reads a date or date and time in @format. A missing time is midnight; a zone is dropped
 * (times are the file's wall clock, see src/DESIGN.md); fractions of a second are dropped.
 * Two-digit years 00–69 are 2000–2069, 70–99 are 1970–1999.
 *
 * Returns: %TRUE if @text is a valid date in @format
 */
gboolean
cst_parse_datetime (const char    *text,
                    CstDateFormat  format,
                    gint64        *out)
{
  g_autoptr(GDateTime) dt = NULL;
  Parts parts;
  int year, month, day;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (format != CST_DATE_FORMAT_NONE && (format & (format - 1)) == 0, FALSE);

  if (!split_datetime (text, &parts) || (fits (&parts) & format) == 0)
    return FALSE;

  switch (format)
    {
    case CST_DATE_FORMAT_ISO:
    case CST_DATE_FORMAT_YMD_SLASH:
    case CST_DATE_FORMAT_COMPACT:
      year = parts.a, month = parts.b, day = parts.c;
      break;
    case CST_DATE_FORMAT_DMY_DOT:
    case CST_DATE_FORMAT_DMY:
      year = full_year (parts.c, parts.nc), month = parts.b, day = parts.a;
      break;
    case CST_DATE_FORMAT_MDY:
      year = full_year (parts.c, parts.nc), month = parts.a, day = parts.b;
      break;
    case CST_DATE_FORMAT_NONE:
    default:
      g_assert_not_reached ();
    }

  /* A leap second is kept inside its minute. */
  dt = g_date_time_new_utc (year, month, day, parts.hour, parts.minute, MIN (parts.second, 59));
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

/**
 * cst_date_format_to_string:
 * @format: one format
 *
 * Returns: (transfer none): the format as a pattern a user recognises (`DD.MM.YYYY`); these
 *   patterns are the same in every language
 */
const char *
cst_date_format_to_string (CstDateFormat format)
{
  switch (format)
    {
    case CST_DATE_FORMAT_ISO:
      return "YYYY-MM-DD";
    case CST_DATE_FORMAT_DMY_DOT:
      return "DD.MM.YYYY";
    case CST_DATE_FORMAT_DMY:
      return "DD/MM/YYYY";
    case CST_DATE_FORMAT_MDY:
      return "MM/DD/YYYY";
    case CST_DATE_FORMAT_YMD_SLASH:
      return "YYYY/MM/DD";
    case CST_DATE_FORMAT_COMPACT:
      return "YYYYMMDD";
    case CST_DATE_FORMAT_NONE:
    default:
      return "";
    }
}

/**
 * cst_parse_is_na:
 * @text: a field
 *
 * Returns: whether @text says "no value": empty or blank, `NA`, `N/A`, `null`, `-`, `#N/A`,
 *   `NaN`, `None`
 */
gboolean
cst_parse_is_na (const char *text)
{
  const char *p;
  gsize len;

  g_return_val_if_fail (text != NULL, FALSE);

  p = skip_spaces (text);
  len = strlen (p);
  while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
    len--;
  if (len == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (na_markers); i++)
    if (strlen (na_markers[i]) == len && memcmp (p, na_markers[i], len) == 0)
      return TRUE;
  return FALSE;
}
