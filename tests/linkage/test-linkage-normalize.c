/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "linkage/cst-normalize.h"
#include "linkage/cst-phonenumber.h"

typedef struct
{
  const char *in;
  const char *region;
  const char *out;
} PhoneCase;

static void
test_normalize_phone (void)
{
  const PhoneCase cases[] = {
    { "+49 171 2345678", NULL, "+491712345678" },
    { "0171 / 234 56 78", "DE", "+491712345678" },
    { "0049 (0)171-2345678", "US", "+491712345678" },
    { "+49 (0)30 1234567", "GB", "+49301234567" },
    { "491712345678", "DE", "+491712345678" },
    { "+49 0171 2345678", NULL, "+491712345678" },
    { "0664 1234567", "AT", "+436641234567" },
    { "044 668 18 00", "CH", "+41446681800" },
    { "020 7946 0018", "GB", "+442079460018" },
    { "07700 900123", "GB", "+447700900123" },
    { "+44 (0)20 7946 0018", "DE", "+442079460018" },
    { "(212) 555-0123", "US", "+12125550123" },
    { "1-212-555-0123", "US", "+12125550123" },
    { "212.555.0123 ext. 45", "US", "+12125550123" },
    { "011 49 171 2345678", "US", "+491712345678" },
    { "01 23 45 67 89", "FR", "+33123456789" },
    { "06 12 34 56 78", "FR", "+33612345678" },
    { "020-1234567", "NL", "+31201234567" },
    { "06-12345678", "NL", "+31612345678" },
    { "612 34 56 78", "ES", "+34612345678" },
    { "91 123 45 67", "ES", "+34911234567" },
    { "06 1234 5678", "IT", "+390612345678" },
    { "347 123 4567", "IT", "+393471234567" },
    { "+39 06 1234 5678", NULL, "+390612345678" },
    { "(02) 9876 5432", "AU", "+61298765432" },
    { "0412 345 678", "AU", "+61412345678" },
    { "+81 3-1234-5678", "DE", "+81312345678" },
    /* Not phone numbers. */
    { "0171 2345678", NULL, NULL },
    { "", "DE", NULL },
    { "n/a", "DE", NULL },
    { "call me maybe", "DE", NULL },
    { "0000000000", "DE", NULL },
    { "123", "DE", NULL },
    { "555-0123", "US", NULL },
    { "(012) 555-0123", "US", NULL },
    { "+49 171 2345678 +49", NULL, NULL },
    { "12345678901234567890123", "DE", NULL },
    { "0612345678", "ES", NULL },
    { "\xe2\x80\x8f+49 171 2345678", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = cst_normalize_phone_e164 (cases[i].in, cases[i].region);

      g_test_message ("%s (%s) → %s", cases[i].in, cases[i].region, got);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
  g_assert_null (cst_normalize_phone_e164 (NULL, "DE"));
}

/* Countries the built-in rules do not know, through libphonenumber when the build has it. */
static void
test_normalize_phone_library (void)
{
  static const struct { const char *raw, *region, *e164; } cases[] = {
    { "03-1234-5678", "JP", "+81312345678" },       /* Tokyo */
    { "(11) 91234-5678", "BR", "+5511912345678" },  /* São Paulo mobile */
    { "021 123 4567", "ZA", "+27211234567" },       /* Cape Town */
    { "+81 3-1234-5678", NULL, "+81312345678" },
    { "12", "JP", NULL },                           /* too short anywhere */
  };

  if (!cst_phonenumber_available ())
    {
      g_test_skip ("built without libphonenumber");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *e164 = cst_normalize_phone_e164 (cases[i].raw, cases[i].region);

      g_assert_cmpstr (e164, ==, cases[i].e164);
    }
  /* A right-to-left mark stays refused, library or not. */
  g_assert_null (cst_normalize_phone_e164 ("\xE2\x80\x8F" "03-1234-5678", "JP"));
}

static void
test_normalize_email (void)
{
  const struct { const char *in; CstEmailFlags flags; const char *out; } cases[] = {
    { "Anna.Schmidt@Web.de", CST_EMAIL_PLAIN, "anna.schmidt@web.de" },
    { " <mailto:Anna@Web.de> ", CST_EMAIL_PLAIN, "anna@web.de" },
    { "mailto:Anna@Web.de", CST_EMAIL_PLAIN, "anna@web.de" },
    { "<anna@web.de>", CST_EMAIL_PLAIN, "anna@web.de" },
    { "J.O.E.R.G+x@googlemail.com", CST_EMAIL_PROVIDER_RULES, "joerg@gmail.com" },
    { "J.O.E.R.G+x@googlemail.com", CST_EMAIL_PLAIN, "j.o.e.r.g+x@googlemail.com" },
    { "first.last+tag@outlook.com", CST_EMAIL_PROVIDER_RULES, "first.last+tag@outlook.com" },
    { "first.last+tag@outlook.com", CST_EMAIL_STRIP_TAGS, "first.last@outlook.com" },
    { "ZOË@Example.org", CST_EMAIL_PLAIN, "zoë@example.org" },
    { "no-at-sign", CST_EMAIL_PLAIN, NULL },
    { "a@b@c.de", CST_EMAIL_PLAIN, NULL },
    { "a@localhost", CST_EMAIL_PLAIN, NULL },
    { "a b@c.de", CST_EMAIL_PLAIN, NULL },
    { "a@c..de", CST_EMAIL_PLAIN, NULL },
    { "\x01" "a@c.de", CST_EMAIL_PLAIN, NULL },
    { "+x@gmail.com", CST_EMAIL_PROVIDER_RULES, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = cst_normalize_email (cases[i].in, cases[i].flags);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
  {
    g_autofree char *local = cst_normalize_email_local ("anna.meier@example.org");
    g_assert_cmpstr (local, ==, "anna.meier");
  }
}

static void
test_normalize_names (void)
{
  const struct { const char *in; const char *name; const char *first; } cases[] = {
    { "  Müller ", "muller", "muller" },
    { "Dr. Hans-Peter O'Brien", "hans peter obrien", "johannes" },
    { "BOB", "bob", "robert" },
    { "Françoise", "francoise", "francoise" },
    { "Łukasz Straße", "lukasz strasse", "lukasz" },
    { "\xe2\x80\x8f" "Anna\xe2\x80\x8e", "anna", "ann" },           /* bidi marks */
    { "Zoë \xf0\x9f\x98\x80", "zoe", "zoe" },                      /* emoji */
    { "An\x01na\tMaria", "an na maria", "an" },                     /* control characters */
    { "\xff\xfe" "Eva", "eva", "eva" },                             /* invalid UTF-8 */
    { "12345 !!!", NULL, NULL },
    { "", NULL, NULL },
    { "Dr", "dr", "dr" },                                           /* a title alone is a name */
    { "Ἀλέξανδρος", "αλεξανδρος", "αλεξανδρος" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = cst_normalize_name (cases[i].in);
      g_autofree char *first = cst_normalize_first_name (cases[i].in);

      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_cmpstr (first, ==, cases[i].first);
    }
  g_assert_null (cst_normalize_name (NULL));

  {
    g_autofree char *a = cst_normalize_name_fold ("mueller");
    g_autofree char *b = cst_normalize_name_fold ("muller");
    g_autofree char *s1 = cst_normalize_soundex ("robert");
    g_autofree char *s2 = cst_normalize_soundex ("rupert");
    g_autofree char *s3 = cst_normalize_soundex ("ashcraft");
    g_autofree char *s4 = cst_normalize_soundex ("tymczak");

    g_assert_cmpstr (a, ==, b);
    g_assert_cmpstr (s1, ==, "R163");
    g_assert_cmpstr (s2, ==, "R163");
    g_assert_cmpstr (s3, ==, "A261");
    g_assert_cmpstr (s4, ==, "T522");
    g_assert_null (cst_normalize_soundex ("123"));
  }
}

static void
test_normalize_hostile (void)
{
  /* 10 kB of a name, emoji, bidi marks and control characters: bounded output, valid UTF-8. */
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GString) mixed = g_string_new (NULL);

  for (guint i = 0; i < 10240 / 4; i++)
    g_string_append (big, "Anné");
  for (guint i = 0; i < 2000; i++)
    g_string_append (mixed, i % 3 == 0 ? "\xe2\x80\xae" : i % 3 == 1 ? "\xf0\x9f\x91\x8d" : "\x07x");

  {
    g_autofree char *name = cst_normalize_name (big->str);
    g_autofree char *mixed_name = cst_normalize_name (mixed->str);
    g_autofree char *address = cst_normalize_address (big->str);
    g_autofree char *phone = cst_normalize_phone_e164 (big->str, "DE");
    g_autofree char *email = cst_normalize_email (big->str, CST_EMAIL_PROVIDER_RULES);
    g_autofree char *date = cst_normalize_birth_date (big->str, FALSE);
    g_autofree char *postcode = cst_normalize_postcode (big->str);

    g_assert_nonnull (name);
    g_assert_cmpuint (strlen (name), <=, 260);
    g_assert_true (g_utf8_validate (name, -1, NULL));
    g_assert_nonnull (mixed_name);
    g_assert_true (g_utf8_validate (mixed_name, -1, NULL));
    g_assert_cmpuint (strlen (address), <=, 260);
    g_assert_null (phone);
    g_assert_null (email);
    g_assert_null (date);
    g_assert_null (postcode);
  }
}

static void
test_normalize_address (void)
{
  const struct { const char *in; const char *out; } cases[] = {
    { "Hauptstr. 12a", "hauptstrasse 12a" },
    { "Hauptstraße 12a", "hauptstrasse 12a" },
    { "12 Wallaby Pl", "12 wallaby place" },
    { "5th Ave.", "5th avenue" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = cst_normalize_address (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
  {
    g_autofree char *pc1 = cst_normalize_postcode ("sw1a 1aa");
    g_autofree char *pc2 = cst_normalize_postcode ("D-10115");
    g_autofree char *pc3 = cst_normalize_postcode ("10;115");
    g_autofree char *hn = cst_normalize_house_number ("Hauptstr. 12a");

    g_assert_cmpstr (pc1, ==, "SW1A1AA");
    g_assert_cmpstr (pc2, ==, "10115");
    g_assert_null (pc3);
    g_assert_cmpstr (hn, ==, "12");
  }
}

static void
test_normalize_dates (void)
{
  const struct { const char *in; gboolean us; const char *out; } cases[] = {
    { "1980-03-07", FALSE, "1980-03-07" },
    { "1980-03-07T00:00:00", FALSE, "1980-03-07" },
    { "19800307", FALSE, "1980-03-07" },
    { "07.03.1980", TRUE, "1980-03-07" },
    { "7.3.80", FALSE, "1980-03-07" },
    { "07/03/1980", FALSE, "1980-03-07" },
    { "07/03/1980", TRUE, "1980-07-03" },
    { "25/03/1980", TRUE, "1980-03-25" },
    { "03/25/1980", FALSE, "1980-03-25" },
    { "1980-02-30", FALSE, NULL },
    { "31.04.1980", FALSE, NULL },
    { "1870-01-01", FALSE, NULL },
    { "yesterday", FALSE, NULL },
    { "", FALSE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = cst_normalize_birth_date (cases[i].in, cases[i].us);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
  g_assert_true (cst_normalize_dates_swapped ("1980-03-07", "1980-07-03"));
  g_assert_false (cst_normalize_dates_swapped ("1980-03-03", "1980-03-03"));
  g_assert_false (cst_normalize_dates_swapped ("1980-03-07", "1981-07-03"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/normalize/phone", test_normalize_phone);
  g_test_add_func ("/cst/normalize/phone-library", test_normalize_phone_library);
  g_test_add_func ("/cst/normalize/email", test_normalize_email);
  g_test_add_func ("/cst/normalize/names", test_normalize_names);
  g_test_add_func ("/cst/normalize/hostile", test_normalize_hostile);
  g_test_add_func ("/cst/normalize/address", test_normalize_address);
  g_test_add_func ("/cst/normalize/dates", test_normalize_dates);

  return g_test_run ();
}
