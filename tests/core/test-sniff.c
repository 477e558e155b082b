/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "../cst-test-util.h"
#include "io/cst-csv.h"
#include "io/cst-infer.h"
#include "io/cst-parse.h"
#include "io/cst-sniff.h"

/* Fixtures are written by the tests themselves into a temporary folder: several need bytes
 * (Windows-1252, UTF-16) that are awkward to keep as files in the repository. */
static char *fixture_dir;

static char *
write_fixture (const char *name,
               const char *data,
               gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture_dir, name, NULL);

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
  return path;
}

static CstSniffResult *
sniff_text (const char *name,
            const char *text)
{
  g_autofree char *path = write_fixture (name, text, -1);
  g_autoptr(GError) error = NULL;
  CstSniffResult *result = cst_sniff_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static int
column_named (const CstInference *inference,
              const char         *name)
{
  for (guint c = 0; c < inference->n_columns; c++)
    if (g_str_equal (inference->columns[c].name, name))
      return c;
  g_error ("no column %s", name);
  return -1;
}

static gboolean
has_warning (const CstColumnInference *column,
             const char               *text)
{
  for (guint i = 0; column->warnings[i] != NULL; i++)
    if (strstr (column->warnings[i], text) != NULL)
      return TRUE;
  return FALSE;
}

static void
assert_role (const CstInference *inference,
             const char         *name,
             CstRole             role)
{
  const CstColumnInference *column = &inference->columns[column_named (inference, name)];

  if (column->role != role)
    g_error ("column “%s”: role %s (%.2f), expected %s", name, cst_role_to_string (column->role),
             column->confidence, cst_role_to_string (role));
}

static void
assert_type (const CstInference *inference,
             const char         *name,
             CstColumnType       type)
{
  const CstColumnInference *column = &inference->columns[column_named (inference, name)];

  if (column->type != type)
    g_error ("column “%s”: type %s, expected %s", name, cst_column_type_to_string (column->type),
             cst_column_type_to_string (type));
}

static void
test_parse_number (void)
{
  CstNumberInfo info;
  double value;

  /* Exact binary values or a tolerance of 1e-9 relative, the rounding of strtod. */
  g_assert_true (cst_parse_number ("€1.234,56", ',', '\0', &value, &info));
  g_assert_cmpfloat_with_epsilon (value, 1234.56, 1e-9);
  g_assert_cmpstr (info.currency, ==, "EUR");
  g_assert_cmpint (info.thousands, ==, '.');
  g_assert_cmpuint (info.n_decimals, ==, 2);

  g_assert_true (cst_parse_number ("$1,234.56", '.', '\0', &value, &info));
  g_assert_cmpfloat_with_epsilon (value, 1234.56, 1e-9);
  g_assert_cmpstr (info.currency, ==, "USD");

  g_assert_true (cst_parse_number ("1 234,56 €", ',', '\0', &value, &info));
  g_assert_cmpfloat_with_epsilon (value, 1234.56, 1e-9);
  g_assert_true (cst_parse_number ("1\xC2\xA0" "234,5", ',', '\0', &value, NULL));
  g_assert_cmpfloat (value, ==, 1234.5);
  g_assert_true (cst_parse_number ("12,50", ',', '.', &value, NULL));
  g_assert_cmpfloat (value, ==, 12.5);
  g_assert_true (cst_parse_number ("(12.50)", '.', '\0', &value, &info));
  g_assert_cmpfloat (value, ==, -12.5);
  g_assert_true (info.negative);
  g_assert_true (cst_parse_number ("-€3", ',', '\0', &value, NULL));
  g_assert_cmpfloat (value, ==, -3);
  g_assert_true (cst_parse_number ("EUR 12,50", ',', '\0', &value, &info));
  g_assert_cmpstr (info.currency, ==, "EUR");
  g_assert_true (cst_parse_number ("1.5e3", '.', '\0', &value, NULL));
  g_assert_cmpfloat (value, ==, 1500);
  g_assert_true (cst_parse_number ("1.234.567", ',', '\0', &value, NULL));
  g_assert_cmpfloat (value, ==, 1234567);
  g_assert_true (cst_parse_number ("0049", '.', '\0', &value, &info));
  g_assert_true (info.leading_zero);

  /* Separators in impossible places are refused, not guessed. */
  g_assert_false (cst_parse_number ("1,5", '.', '\0', &value, NULL));
  g_assert_false (cst_parse_number ("1.5", ',', '.', &value, NULL));
  g_assert_false (cst_parse_number ("1234,567", '.', '\0', &value, NULL));
  g_assert_false (cst_parse_number ("1,23,456", '.', '\0', &value, NULL));
  g_assert_false (cst_parse_number ("1.234,567.8", ',', '\0', &value, NULL));
  g_assert_false (cst_parse_number ("12 apples", '.', '\0', &value, NULL));
  g_assert_false (cst_parse_number ("EURO 12", '.', '\0', &value, NULL));
  g_assert_false (cst_parse_number ("", '.', '\0', &value, NULL));
  g_assert_false (cst_parse_number ("-", '.', '\0', &value, NULL));
  g_assert_false (cst_parse_number ("--1", '.', '\0', &value, NULL));
  g_assert_false (cst_parse_number ("(12", '.', '\0', &value, NULL));

  g_assert_true (cst_parse_is_na (""));
  g_assert_true (cst_parse_is_na ("  "));
  g_assert_true (cst_parse_is_na ("N/A"));
  g_assert_true (cst_parse_is_na ("#N/A"));
  g_assert_true (cst_parse_is_na ("null"));
  g_assert_true (cst_parse_is_na ("-"));
  g_assert_false (cst_parse_is_na ("0"));
  g_assert_false (cst_parse_is_na ("Nadine"));
}

static gint64
utc (int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, second);

  return g_date_time_to_unix (dt);
}

static void
test_parse_date (void)
{
  gboolean has_time;
  gint64 t;

  g_assert_cmpint (cst_parse_date_fits ("03/04/2025", &has_time), ==,
                   CST_DATE_FORMAT_DMY | CST_DATE_FORMAT_MDY);
  g_assert_false (has_time);
  g_assert_cmpint (cst_parse_date_fits ("13/04/2025", NULL), ==, CST_DATE_FORMAT_DMY);
  g_assert_cmpint (cst_parse_date_fits ("04/13/2025", NULL), ==, CST_DATE_FORMAT_MDY);
  g_assert_cmpint (cst_parse_date_fits ("2025-03-04", NULL), ==, CST_DATE_FORMAT_ISO);
  g_assert_cmpint (cst_parse_date_fits ("2025/03/04", NULL), ==, CST_DATE_FORMAT_YMD_SLASH);
  g_assert_cmpint (cst_parse_date_fits ("4.3.25", NULL), ==, CST_DATE_FORMAT_DMY_DOT);
  g_assert_cmpint (cst_parse_date_fits ("20250304", NULL), ==, CST_DATE_FORMAT_COMPACT);
  g_assert_cmpint (cst_parse_date_fits ("2025-02-30", NULL), ==, CST_DATE_FORMAT_NONE);
  g_assert_cmpint (cst_parse_date_fits ("12.5", NULL), ==, CST_DATE_FORMAT_NONE);
  g_assert_cmpint (cst_parse_date_fits ("1.234.567", NULL), ==, CST_DATE_FORMAT_NONE);
  g_assert_cmpint (cst_parse_date_fits ("12345678", NULL), ==, CST_DATE_FORMAT_NONE);
  g_assert_cmpint (cst_parse_date_fits ("2025-03-04 25:00", NULL), ==, CST_DATE_FORMAT_NONE);
  g_assert_cmpint (cst_parse_date_fits ("2017-10-02 10:56:33", &has_time), ==, CST_DATE_FORMAT_ISO);
  g_assert_true (has_time);

  /* Wall clock as written; the zone is dropped (src/DESIGN.md, "Times are wall-clock"). */
  g_assert_true (cst_parse_datetime ("2025-03-04T14:30:00+01:00", CST_DATE_FORMAT_ISO, &t));
  g_assert_cmpint (t, ==, utc (2025, 3, 4, 14, 30, 0));
  g_assert_true (cst_parse_datetime ("2025-03-04 14:30:15.250Z", CST_DATE_FORMAT_ISO, &t));
  g_assert_cmpint (t, ==, utc (2025, 3, 4, 14, 30, 15));
  g_assert_true (cst_parse_datetime ("2024-01-15 10:23:45 +0100", CST_DATE_FORMAT_ISO, &t));
  g_assert_cmpint (t, ==, utc (2024, 1, 15, 10, 23, 45));
  g_assert_true (cst_parse_datetime ("04.03.2025 14:30", CST_DATE_FORMAT_DMY_DOT, &t));
  g_assert_cmpint (t, ==, utc (2025, 3, 4, 14, 30, 0));
  g_assert_true (cst_parse_datetime ("03/04/2025", CST_DATE_FORMAT_DMY, &t));
  g_assert_cmpint (t, ==, utc (2025, 4, 3, 0, 0, 0));
  g_assert_true (cst_parse_datetime ("03/04/2025", CST_DATE_FORMAT_MDY, &t));
  g_assert_cmpint (t, ==, utc (2025, 3, 4, 0, 0, 0));
  g_assert_true (cst_parse_datetime ("3/4/25 2:05 PM", CST_DATE_FORMAT_MDY, &t));
  g_assert_cmpint (t, ==, utc (2025, 3, 4, 14, 5, 0));
  g_assert_true (cst_parse_datetime ("12/31/99 12:00 AM", CST_DATE_FORMAT_MDY, &t));
  g_assert_cmpint (t, ==, utc (1999, 12, 31, 0, 0, 0));
  g_assert_true (cst_parse_datetime ("19600210", CST_DATE_FORMAT_COMPACT, &t));
  g_assert_cmpint (t, ==, utc (1960, 2, 10, 0, 0, 0));
  g_assert_true (cst_parse_datetime ("1970-01-01", CST_DATE_FORMAT_ISO, &t));
  g_assert_cmpint (t, ==, 0);

  g_assert_false (cst_parse_datetime ("13/04/2025", CST_DATE_FORMAT_MDY, &t));
  g_assert_false (cst_parse_datetime ("2025-03-04", CST_DATE_FORMAT_DMY, &t));
  g_assert_false (cst_parse_datetime ("2025-03-04 x", CST_DATE_FORMAT_ISO, &t));
  g_assert_false (cst_parse_datetime ("13:00 PM 2025-03-04", CST_DATE_FORMAT_ISO, &t));
}

/* A German Excel export: semicolons, decimal commas, Windows-1252 umlauts and €, D.M.Y. */
static const char german[] =
  "Kundennummer;Vorname;Nachname;Straße;PLZ;Ort;Bestelldatum;Betrag\r\n"
  "K-1001;Jürgen;Müller;Hauptstraße 1;01067;Dresden;04.03.2025;1.234,56\r\n"
  "K-1002;Anna;Schäfer;Bahnhofstraße 12;80331;München;15.03.2025;12,50\r\n"
  "K-1003;Björn;Weiß;Gartenweg 3;10115;Berlin;28.02.2025;7,00\r\n"
  "K-1004;Özlem;Yılmaz;Ringstraße 8;50667;Köln;01.04.2025;99,90\r\n"
  "K-1005;Eva;Groß;Am Markt 5;20095;Hamburg;;250,00\r\n";

static void
test_sniff_german_excel (void)
{
  g_autofree char *cp1252 = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CstSniffResult) sniff = NULL;
  g_autoptr(CstInference) inference = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  char buffer[4096];
  gsize length, n_read;
  int c;

  /* "Yılmaz" has no Windows-1252 form; the fixture spells it without the dotless i. */
  g_autofree char *text = NULL;
  g_autoptr(GString) s = g_string_new (german);

  g_string_replace (s, "Yılmaz", "Yilmaz", 0);
  text = g_string_free (g_steal_pointer (&s), FALSE);
  cp1252 = g_convert (text, -1, "WINDOWS-1252", "UTF-8", NULL, &length, &error);
  g_assert_no_error (error);
  path = write_fixture ("german.csv", cp1252, length);

  sniff = cst_sniff_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sniff->encoding, ==, "WINDOWS-1252");
  g_assert_false (sniff->has_bom);
  g_assert_cmpint (sniff->delimiter, ==, ';');
  g_assert_true (sniff->has_header);
  g_assert_cmpint (sniff->decimal, ==, ',');
  g_assert_cmpint (sniff->thousands, ==, '.');
  g_assert_cmpuint (sniff->n_columns, ==, 8);
  g_assert_cmpstr (sniff->header[3], ==, "Straße");
  g_assert_cmpuint (sniff->rows->len, ==, 5);
  g_assert_cmpstr (cst_sniff_result_get_value (sniff, 0, 2), ==, "Müller");
  g_assert_cmpint (sniff->columns[6].date_formats, ==, CST_DATE_FORMAT_DMY_DOT);
  g_assert_false (sniff->columns[6].date_ambiguous);
  g_assert_cmpuint (sniff->columns[6].n_empty, ==, 1);

  inference = cst_infer_columns (sniff);
  assert_role (inference, "Kundennummer", CST_ROLE_CUSTOMER_KEY);
  assert_role (inference, "Vorname", CST_ROLE_FIRST_NAME);
  assert_role (inference, "Nachname", CST_ROLE_LAST_NAME);
  assert_role (inference, "Straße", CST_ROLE_STREET);
  assert_role (inference, "PLZ", CST_ROLE_POSTCODE);
  assert_role (inference, "Ort", CST_ROLE_CITY);
  assert_role (inference, "Bestelldatum", CST_ROLE_ORDER_DATE);
  assert_role (inference, "Betrag", CST_ROLE_AMOUNT);
  assert_type (inference, "PLZ", CST_COLUMN_TYPE_POSTCODE);
  assert_type (inference, "Bestelldatum", CST_COLUMN_TYPE_DATE);
  assert_type (inference, "Betrag", CST_COLUMN_TYPE_DECIMAL);
  c = column_named (inference, "Bestelldatum");
  g_assert_cmpint (inference->columns[c].date_format, ==, CST_DATE_FORMAT_DMY_DOT);
  g_assert_true (has_warning (&inference->columns[c], "20 % empty"));
  g_assert_cmpint (inference->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_null (inference->detected_export);

  /* The whole file, converted while streaming. */
  stream = cst_sniff_open_utf8 (path, sniff->encoding, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_input_stream_read_all (stream, buffer, sizeof buffer - 1, &n_read, NULL, &error));
  g_assert_no_error (error);
  buffer[n_read] = '\0';
  g_assert_true (g_utf8_validate (buffer, n_read, NULL));
  g_assert_true (g_str_has_prefix (buffer, "Kundennummer;"));
  g_assert_nonnull (strstr (buffer, "Björn;Weiß"));
}

static void
test_sniff_utf16 (void)
{
  static const char text[] = "Email,First Name,Amount\r\n"
                             "anna@example.de,Anna,\"1,234.50\"\r\n"
                             "li@example.cn,李,12.00\r\n"
                             "bo@example.se,Bö,3.99\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) bytes = g_string_new_len ("\xFF\xFE", 2);
  g_autofree char *utf16 = NULL;
  g_autofree char *path = NULL;
  g_autofree char *copy = NULL;
  g_autoptr(CstSniffResult) sniff = NULL;
  g_autoptr(CstCsvReader) reader = NULL;
  gsize length;

  utf16 = g_convert (text, -1, "UTF-16LE", "UTF-8", NULL, &length, &error);
  g_assert_no_error (error);
  g_string_append_len (bytes, utf16, length);
  path = write_fixture ("utf16.csv", bytes->str, bytes->len);

  sniff = cst_sniff_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sniff->encoding, ==, "UTF-16LE");
  g_assert_true (sniff->has_bom);
  g_assert_cmpint (sniff->delimiter, ==, ',');
  g_assert_true (sniff->has_header);
  g_assert_cmpstr (sniff->header[0], ==, "Email");
  g_assert_cmpstr (cst_sniff_result_get_value (sniff, 1, 1), ==, "李");
  g_assert_cmpint (sniff->decimal, ==, '.');
  g_assert_cmpint (sniff->thousands, ==, ',');

  /* The same bytes without the mark are still recognised by their NUL pattern. */
  g_assert_cmpstr (cst_sniff_detect_encoding (utf16, length, NULL), ==, "UTF-16LE");

  /* A converted copy reads with the UTF-8 reader, without a mark in the first name. */
  copy = cst_sniff_convert_to_utf8_file (path, sniff->encoding, NULL, &error);
  g_assert_no_error (error);
  reader = cst_csv_reader_new (copy, ',', &error);
  g_assert_no_error (error);
  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 0), ==, "Email");
  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_true (cst_csv_reader_next (reader, &error));
  g_assert_cmpstr (cst_csv_reader_get_field (reader, 1), ==, "李");
  g_clear_pointer (&reader, cst_csv_reader_free);
  g_remove (copy);
}

static void
test_sniff_tab_newlines (void)
{
  g_autoptr(CstSniffResult) sniff =
    sniff_text ("notes.tsv",
                "id\tnote\tscore\n"
                "1\t\"first line\nsecond line, with a comma\"\t3.5\n"
                "2\tplain; text\t4.0\n"
                "3\t\"say \"\"hi\"\"\"\t2.25\n");

  g_assert_cmpint (sniff->delimiter, ==, '\t');
  g_assert_true (sniff->has_header);
  g_assert_cmpuint (sniff->n_columns, ==, 3);
  g_assert_cmpuint (sniff->rows->len, ==, 3);
  g_assert_cmpstr (cst_sniff_result_get_value (sniff, 0, 1), ==,
                   "first line\nsecond line, with a comma");
  g_assert_cmpstr (cst_sniff_result_get_value (sniff, 2, 1), ==, "say \"hi\"");
  g_assert_cmpint (sniff->decimal, ==, '.');
}

static void
test_sniff_no_header (void)
{
  g_autoptr(CstSniffResult) sniff =
    sniff_text ("noheader.csv",
                "1001,2024-01-03,12.50,anna@example.com\n"
                "1002,2024-01-04,7.00,bo@example.com\n"
                "1003,2024-01-09,19.99,cy@example.com\n");
  g_autoptr(CstInference) inference = NULL;

  g_assert_false (sniff->has_header);
  g_assert_cmpuint (sniff->rows->len, ==, 3);
  g_assert_cmpstr (sniff->header[0], ==, "Column 1");
  inference = cst_infer_columns (sniff);
  g_assert_cmpint (inference->columns[1].type, ==, CST_COLUMN_TYPE_DATE);
  g_assert_cmpint (inference->columns[3].role, ==, CST_ROLE_EMAIL);
}

static void
test_sniff_shopify_orders (void)
{
  g_autoptr(CstSniffResult) sniff =
    sniff_text ("orders_export.csv",
                "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,"
                "Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,"
                "Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,"
                "Lineitem price,Billing Name,Billing City,Billing Zip,Billing Country\n"
                "#1001,anna@example.com,paid,2024-01-15 10:23:45 +0100,fulfilled,"
                "2024-01-16 09:00:00 +0100,yes,EUR,40.00,4.90,7.60,44.90,WINTER10,4.00,"
                "Standard,2024-01-15 10:20:01 +0100,2,Mug,20.00,Anna Berg,Berlin,10115,DE\n"
                "#1002,bo@example.com,paid,2024-01-16 11:00:00 +0100,unfulfilled,,no,EUR,"
                "15.00,4.90,2.85,19.90,,0.00,Standard,2024-01-16 10:59:00 +0100,1,Tea,15.00,"
                "Bo Lind,Hamburg,20095,DE\n");
  g_autoptr(CstInference) inference = cst_infer_columns (sniff);

  g_assert_cmpint (inference->export, ==, CST_EXPORT_SHOPIFY_ORDERS);
  g_assert_cmpstr (inference->detected_export, ==, "This looks like a Shopify orders export");
  g_assert_cmpint (inference->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  assert_role (inference, "Name", CST_ROLE_ORDER_ID);
  assert_role (inference, "Email", CST_ROLE_EMAIL);
  assert_role (inference, "Created at", CST_ROLE_ORDER_DATE);
  assert_role (inference, "Total", CST_ROLE_AMOUNT);
  assert_role (inference, "Lineitem quantity", CST_ROLE_QUANTITY);
  assert_role (inference, "Accepts Marketing", CST_ROLE_CONSENT);
  assert_type (inference, "Created at", CST_COLUMN_TYPE_DATETIME);
  assert_type (inference, "Accepts Marketing", CST_COLUMN_TYPE_BOOLEAN);
}

static void
test_sniff_hubspot (void)
{
  g_autoptr(CstSniffResult) sniff =
    sniff_text ("hubspot-crm-exports-all-contacts.csv",
                "\"Record ID\",\"First Name\",\"Last Name\",\"Email\",\"Phone Number\","
                "\"Lifecycle Stage\",\"Create Date\",\"Contact owner\",\"Last Activity Date\"\n"
                "\"51\",\"Maria\",\"Johnson\",\"maria@example.com\",\"+1 555 0100\",\"lead\","
                "\"2023-06-01 10:00\",\"Sam\",\"2024-02-01 12:00\"\n"
                "\"101\",\"Brian\",\"Halligan\",\"bh@example.com\",\"+1 555 0101\",\"customer\","
                "\"2023-07-11 09:30\",\"Sam\",\"\"\n");
  g_autoptr(CstInference) inference = cst_infer_columns (sniff);

  g_assert_cmpint (inference->export, ==, CST_EXPORT_HUBSPOT_CONTACTS);
  g_assert_nonnull (inference->detected_export);
  g_assert_cmpint (inference->kind, ==, CST_FILE_KIND_CONTACTS);
  assert_role (inference, "Record ID", CST_ROLE_CUSTOMER_KEY);
  assert_role (inference, "First Name", CST_ROLE_FIRST_NAME);
  assert_role (inference, "Phone Number", CST_ROLE_PHONE);
  assert_type (inference, "Phone Number", CST_COLUMN_TYPE_PHONE);
}

static void
test_sniff_ambiguous_dates (void)
{
  g_autoptr(CstSniffResult) sniff =
    sniff_text ("ambiguous.csv",
                "customer,date,amount\n"
                "a1,03/04/2025,10.00\n"
                "a2,05/06/2025,12.00\n"
                "a3,11/12/2025,13.00\n");
  g_autoptr(CstInference) inference = cst_infer_columns (sniff);
  const CstColumnInference *column = &inference->columns[1];

  g_assert_true (sniff->columns[1].date_ambiguous);
  g_assert_cmpint (sniff->columns[1].date_formats, ==, CST_DATE_FORMAT_DMY | CST_DATE_FORMAT_MDY);
  g_assert_cmpint (column->type, ==, CST_COLUMN_TYPE_DATE);
  g_assert_true (column->date_ambiguous);
  g_assert_true (has_warning (column, "dates could be day/month or month/day"));
}

static void
test_sniff_us_dates (void)
{
  g_autoptr(CstSniffResult) sniff =
    sniff_text ("us.csv",
                "Order ID,Order Date,Sales\n"
                "CA-1,03/04/2025,10.00\n"
                "CA-2,04/13/2025 5:30 PM,12.00\n"
                "CA-3,11/12/2025,13.00\n");
  g_autoptr(CstInference) inference = cst_infer_columns (sniff);
  const CstColumnInference *column = &inference->columns[1];

  g_assert_false (sniff->columns[1].date_ambiguous);
  g_assert_cmpint (sniff->columns[1].date_formats, ==, CST_DATE_FORMAT_MDY);
  g_assert_cmpint (column->type, ==, CST_COLUMN_TYPE_DATETIME);
  g_assert_cmpint (column->date_format, ==, CST_DATE_FORMAT_MDY);
  g_assert_false (has_warning (column, "day/month"));
  assert_role (inference, "Order ID", CST_ROLE_ORDER_ID);
  assert_role (inference, "Order Date", CST_ROLE_ORDER_DATE);
  assert_role (inference, "Sales", CST_ROLE_AMOUNT);
}

static void
test_sniff_mixed_dates (void)
{
  g_autoptr(CstSniffResult) sniff =
    sniff_text ("mixed.csv",
                "fecha,importe,correo electrónico\n"
                "2025-03-04,\"1.234,56 €\",ana@example.es\n"
                "15.03.2025,\"12,50 €\",luis@example.es\n"
                "25/03/2025,\"7,00 €\",eva@example.es\n");
  g_autoptr(CstInference) inference = cst_infer_columns (sniff);

  g_assert_cmpuint (sniff->columns[0].n_date_formats, ==, 3);
  g_assert_true (has_warning (&inference->columns[0], "3 date formats"));
  assert_role (inference, "fecha", CST_ROLE_ORDER_DATE);
  assert_role (inference, "correo electrónico", CST_ROLE_EMAIL);
  assert_role (inference, "importe", CST_ROLE_AMOUNT);
}

static void
test_sniff_money (void)
{
  g_autoptr(CstSniffResult) sniff =
    sniff_text ("money.csv",
                "Kunde;Betrag;Datum\n"
                "a;€1.234,56;2025-01-01\n"
                "b;€12,50;2025-01-02\n"
                "c;€7,00;2025-01-03\n");
  g_autoptr(CstInference) inference = cst_infer_columns (sniff);
  g_autoptr(CstSniffResult) two = NULL;
  g_autoptr(CstInference) two_inference = NULL;

  g_assert_cmpint (sniff->delimiter, ==, ';');
  g_assert_cmpint (sniff->decimal, ==, ',');
  g_assert_cmpint (sniff->thousands, ==, '.');
  assert_type (inference, "Betrag", CST_COLUMN_TYPE_MONEY);
  g_assert_cmpstr (inference->columns[1].currency, ==, "EUR");

  two = sniff_text ("two-currencies.csv",
                    "montant,pays,courriel\n"
                    "12.00 EUR,France,a@example.fr\n"
                    "$13.50,Deutschland,b@example.fr\n"
                    "14.00 EUR,FR,c@example.fr\n");
  two_inference = cst_infer_columns (two);
  g_assert_true (has_warning (&two_inference->columns[0], "looks like money in two currencies"));
  g_assert_null (two_inference->columns[0].currency);
  assert_role (two_inference, "montant", CST_ROLE_AMOUNT);
  assert_role (two_inference, "pays", CST_ROLE_COUNTRY);
  assert_type (two_inference, "pays", CST_COLUMN_TYPE_COUNTRY);
  assert_role (two_inference, "courriel", CST_ROLE_EMAIL);
}

static void
test_sniff_options (void)
{
  g_autofree char *path = write_fixture ("forced.csv", "a;b\n1,5;2\n", -1);
  CstSniffOptions options = CST_SNIFF_OPTIONS_INIT;
  g_autoptr(CstSniffResult) sniff = NULL;
  g_autoptr(GError) error = NULL;

  options.delimiter = ',';
  options.has_header = 0;
  sniff = cst_sniff_file_full (path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sniff->delimiter, ==, ',');
  g_assert_false (sniff->has_header);
  g_assert_cmpuint (sniff->rows->len, ==, 2);
  g_assert_cmpstr (cst_sniff_result_get_value (sniff, 1, 0), ==, "1");
}

static void
test_sniff_errors (void)
{
  g_autofree char *empty = write_fixture ("empty.csv", "", 0);
  g_autofree char *binary = write_fixture ("binary.csv", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20);
  g_autofree char *missing = g_build_filename (fixture_dir, "missing.csv", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (cst_sniff_file (empty, &error));
  g_assert_error (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_null (cst_sniff_file (binary, &error));
  g_assert_error (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_BINARY);
  g_clear_error (&error);
  g_assert_null (cst_sniff_file (missing, &error));
  g_assert_error (error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_OPEN);
}

static CstSniffResult *
sniff_shared (const char *relative)
{
  g_autofree char *path = cst_test_shared_data (relative);
  g_autoptr(GError) error = NULL;
  CstSniffResult *sniff;

  if (path == NULL)
    {
      g_autofree char *message = g_strdup_printf ("shared data %s not available", relative);

      g_test_skip (message);
      return NULL;
    }
  sniff = cst_sniff_file (path, &error);
  g_assert_no_error (error);
  return sniff;
}

static void
test_shared_telco (void)
{
  g_autoptr(CstSniffResult) sniff = sniff_shared ("telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv");
  g_autoptr(CstInference) inference = NULL;

  if (sniff == NULL)
    return;
  g_assert_cmpstr (sniff->encoding, ==, "UTF-8");
  g_assert_cmpint (sniff->delimiter, ==, ',');
  g_assert_true (sniff->has_header);
  g_assert_cmpint (sniff->decimal, ==, '.');
  g_assert_cmpuint (sniff->n_columns, ==, 21);
  g_assert_true (sniff->truncated);
  g_assert_cmpuint (sniff->rows->len, ==, CST_SNIFF_MAX_ROWS);

  inference = cst_infer_columns (sniff);
  assert_type (inference, "TotalCharges", CST_COLUMN_TYPE_DECIMAL);
  assert_type (inference, "Churn", CST_COLUMN_TYPE_BOOLEAN);
  assert_role (inference, "Churn", CST_ROLE_OUTCOME);
  assert_role (inference, "customerID", CST_ROLE_CUSTOMER_KEY);
  assert_role (inference, "TotalCharges", CST_ROLE_AMOUNT);
  g_assert_cmpint (inference->kind, ==, CST_FILE_KIND_CONTACTS);
}

static void
test_shared_bank (void)
{
  g_autoptr(CstSniffResult) sniff = sniff_shared ("bank-marketing/bank-full.csv");
  g_autoptr(CstInference) inference = NULL;

  if (sniff == NULL)
    return;
  g_assert_cmpint (sniff->delimiter, ==, ';');
  g_assert_true (sniff->has_header);
  g_assert_cmpuint (sniff->n_columns, ==, 17);
  g_assert_cmpstr (sniff->header[0], ==, "age");

  inference = cst_infer_columns (sniff);
  assert_type (inference, "age", CST_COLUMN_TYPE_INTEGER);
  assert_type (inference, "y", CST_COLUMN_TYPE_BOOLEAN);
  assert_role (inference, "y", CST_ROLE_OUTCOME);
}

static void
test_shared_olist (void)
{
  g_autoptr(CstSniffResult) sniff = sniff_shared ("olist-subset/orders.csv");
  g_autoptr(CstInference) inference = NULL;
  int c;

  if (sniff == NULL)
    return;
  g_assert_cmpint (sniff->delimiter, ==, ',');
  g_assert_true (sniff->has_header);

  inference = cst_infer_columns (sniff);
  c = column_named (inference, "order_purchase_timestamp");
  assert_type (inference, "order_purchase_timestamp", CST_COLUMN_TYPE_DATETIME);
  g_assert_cmpint (inference->columns[c].date_format, ==, CST_DATE_FORMAT_ISO);
  assert_role (inference, "order_purchase_timestamp", CST_ROLE_ORDER_DATE);
  assert_role (inference, "order_id", CST_ROLE_ORDER_ID);
  assert_role (inference, "customer_id", CST_ROLE_CUSTOMER_KEY);
  assert_type (inference, "order_id", CST_COLUMN_TYPE_IDENTIFIER);
  assert_type (inference, "order_status", CST_COLUMN_TYPE_CATEGORY);
  g_assert_cmpint (inference->kind, ==, CST_FILE_KIND_TRANSACTIONS);
}

static void
test_shared_febrl (void)
{
  g_autoptr(CstSniffResult) sniff = sniff_shared ("febrl/dataset1.csv");
  g_autoptr(CstInference) inference = NULL;

  if (sniff == NULL)
    return;
  g_assert_cmpint (sniff->delimiter, ==, ',');
  g_assert_true (sniff->has_header);
  /* ", " separated: the spaces are decoration, not part of names or values. */
  g_assert_cmpstr (sniff->header[1], ==, "given_name");

  inference = cst_infer_columns (sniff);
  assert_role (inference, "given_name", CST_ROLE_FIRST_NAME);
  assert_role (inference, "surname", CST_ROLE_LAST_NAME);
  assert_role (inference, "postcode", CST_ROLE_POSTCODE);
  assert_role (inference, "suburb", CST_ROLE_CITY);
  assert_role (inference, "date_of_birth", CST_ROLE_BIRTH_DATE);
  assert_type (inference, "postcode", CST_COLUMN_TYPE_POSTCODE);
  assert_type (inference, "date_of_birth", CST_COLUMN_TYPE_DATE);
  g_assert_cmpint (inference->kind, ==, CST_FILE_KIND_CONTACTS);
}

/* CDNOW's event log: customer number, compact YYYYMMDD dates, CDs bought and dollars spent. */
static void
test_shared_cdnow (void)
{
  g_autoptr(CstSniffResult) sniff = sniff_shared ("cdnow/cdnowElog.csv");
  g_autoptr(CstInference) inference = NULL;
  int c;

  if (sniff == NULL)
    return;
  g_assert_cmpint (sniff->delimiter, ==, ',');
  g_assert_true (sniff->has_header);

  inference = cst_infer_columns (sniff);
  assert_role (inference, "masterid", CST_ROLE_CUSTOMER_KEY);
  assert_role (inference, "date", CST_ROLE_ORDER_DATE);
  assert_role (inference, "cds", CST_ROLE_QUANTITY);
  assert_role (inference, "sales", CST_ROLE_AMOUNT);
  c = column_named (inference, "date");
  g_assert_cmpint (inference->columns[c].date_format, ==, CST_DATE_FORMAT_COMPACT);
  g_assert_cmpint (inference->kind, ==, CST_FILE_KIND_TRANSACTIONS);
}

/* Organisations from nine source lists, with shifted and half-empty columns: the address parts
 * and the phone are found, and a "Website" column that holds "No" is not a country. */
static void
test_shared_dedupe (void)
{
  g_autoptr(CstSniffResult) sniff = sniff_shared ("dedupe-examples/csv_example_input_with_true_ids.csv");
  g_autoptr(CstInference) inference = NULL;

  if (sniff == NULL)
    return;
  g_assert_cmpint (sniff->delimiter, ==, ',');
  g_assert_true (sniff->has_header);

  inference = cst_infer_columns (sniff);
  assert_role (inference, "Address", CST_ROLE_STREET);
  assert_role (inference, "Zip", CST_ROLE_POSTCODE);
  assert_role (inference, "Phone", CST_ROLE_PHONE);
  assert_role (inference, "Website", CST_ROLE_NONE);
  g_assert_cmpint (inference->columns[column_named (inference, "Website")].type, !=, CST_COLUMN_TYPE_COUNTRY);
  g_assert_cmpint (inference->kind, ==, CST_FILE_KIND_CONTACTS);
}

/* Olist's order lines: order and product codes, and the price of each line. */
static void
test_shared_olist_items (void)
{
  g_autoptr(CstSniffResult) sniff = sniff_shared ("olist-subset/order_items.csv");
  g_autoptr(CstInference) inference = NULL;

  if (sniff == NULL)
    return;
  inference = cst_infer_columns (sniff);
  assert_role (inference, "order_id", CST_ROLE_ORDER_ID);
  assert_role (inference, "product_id", CST_ROLE_PRODUCT);
  assert_type (inference, "price", CST_COLUMN_TYPE_DECIMAL);
  g_assert_cmpint (inference->kind, ==, CST_FILE_KIND_TRANSACTIONS);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  fixture_dir = g_dir_make_tmp ("cst-sniff-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/cst/sniff/parse-number", test_parse_number);
  g_test_add_func ("/cst/sniff/parse-date", test_parse_date);
  g_test_add_func ("/cst/sniff/german-excel", test_sniff_german_excel);
  g_test_add_func ("/cst/sniff/utf16", test_sniff_utf16);
  g_test_add_func ("/cst/sniff/tab-newlines", test_sniff_tab_newlines);
  g_test_add_func ("/cst/sniff/no-header", test_sniff_no_header);
  g_test_add_func ("/cst/sniff/shopify-orders", test_sniff_shopify_orders);
  g_test_add_func ("/cst/sniff/hubspot", test_sniff_hubspot);
  g_test_add_func ("/cst/sniff/ambiguous-dates", test_sniff_ambiguous_dates);
  g_test_add_func ("/cst/sniff/us-dates", test_sniff_us_dates);
  g_test_add_func ("/cst/sniff/mixed-dates", test_sniff_mixed_dates);
  g_test_add_func ("/cst/sniff/money", test_sniff_money);
  g_test_add_func ("/cst/sniff/options", test_sniff_options);
  g_test_add_func ("/cst/sniff/errors", test_sniff_errors);
  g_test_add_func ("/cst/sniff/shared-telco", test_shared_telco);
  g_test_add_func ("/cst/sniff/shared-bank", test_shared_bank);
  g_test_add_func ("/cst/sniff/shared-olist", test_shared_olist);
  g_test_add_func ("/cst/sniff/shared-febrl", test_shared_febrl);
  g_test_add_func ("/cst/sniff/shared-cdnow", test_shared_cdnow);
  g_test_add_func ("/cst/sniff/shared-dedupe", test_shared_dedupe);
  g_test_add_func ("/cst/sniff/shared-olist-items", test_shared_olist_items);

  status = g_test_run ();
  cst_test_remove_dir (fixture_dir);
  g_free (fixture_dir);
  return status;
}
