/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <zip.h>

#include "../cst-test-util.h"
#include "identity/cst-identity.h"
#include "io/cst-import-plan.h"
#include "io/cst-xlsx.h"
#include "store/cst-store.h"

/* Workbooks are built here from literal XML parts with minizip, so each case shows exactly the
 * XML it reads. The temporary folder of the process is the test's own (see main), so that a
 * leftover temporary CSV is seen. */

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static const char content_types[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
  "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
  "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
  "<Override PartName=\"/xl/workbook.xml\" "
  "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
  "</Types>";

/* Style 0 is General, 1 a built-in date (14), 2 a custom date and time, 3 a number format,
 * 4 a built-in time (21). The date in cellStyleXfs must not count: cells point into cellXfs. */
static const char styles[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<styleSheet xmlns=\"" NS_MAIN "\">"
  "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\\ hh:mm\"/></numFmts>"
  "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
  "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
  "<xf numFmtId=\"164\" applyNumberFormat=\"1\"/><xf numFmtId=\"4\"/><xf numFmtId=\"21\"/></cellXfs>"
  "<dxfs count=\"1\"><dxf><numFmt numFmtId=\"165\" formatCode=\"yyyy\"/></dxf></dxfs>"
  "</styleSheet>";

typedef struct
{
  const char *names[3];     /* sheet names, NULL-terminated */
  const char *sheets[3];    /* each sheet's <sheetData> content */
  const char *shared;       /* <si> elements, or NULL for no shared strings part */
  gboolean    date1904;
  gboolean    no_styles;
} Book;

typedef struct
{
  char     *dir;
  CstStore *store;
} Fixture;

static char *test_tmp_dir;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *project = NULL;

  f->dir = g_dir_make_tmp ("constellate-xlsx-test-XXXXXX", &error);
  g_assert_no_error (error);
  project = g_build_filename (f->dir, "p.constellate", NULL);
  f->store = cst_store_open (project, &error);
  g_assert_no_error (error);
}

/* No temporary CSV may outlive the plan or the failed conversion that made it. */
static void
assert_no_temporary_files (void)
{
  g_autoptr(GDir) dir = g_dir_open (test_tmp_dir, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, "constellate-xlsx-") && g_str_has_suffix (name, ".csv"));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->store, cst_store_close);
  cst_test_remove_dir (f->dir);
  g_free (f->dir);
  assert_no_temporary_files ();
}

static void
add_entry (zipFile     zip,
           const char *name,
           const char *data,
           gsize       length)
{
  zip_fileinfo info = { 0 };

  g_assert_cmpint (zipOpenNewFileInZip (zip, name, &info, NULL, 0, NULL, 0, NULL,
                                        Z_DEFLATED, Z_BEST_COMPRESSION), ==, ZIP_OK);
  g_assert_cmpint (zipWriteInFileInZip (zip, data, length), ==, ZIP_OK);
  g_assert_cmpint (zipCloseFileInZip (zip), ==, ZIP_OK);
}

static void
add_text (zipFile     zip,
          const char *name,
          const char *text)
{
  add_entry (zip, name, text, strlen (text));
}

static void
add_book_parts (zipFile     zip,
                const Book *book)
{
  g_autoptr(GString) workbook = g_string_new (NULL);
  g_autoptr(GString) rels = g_string_new (NULL);

  g_string_append_printf (workbook,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
                          "<workbookPr%s/><sheets>",
                          book->date1904 ? " date1904=\"1\"" : "");
  g_string_append (rels,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
  for (guint i = 0; book->names[i] != NULL; i++)
    {
      g_autofree char *part = g_strdup_printf ("xl/worksheets/sheet%u.xml", i + 1);
      g_autofree char *sheet = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                                "<worksheet xmlns=\"" NS_MAIN "\">"
                                                "<dimension ref=\"A1\"/><sheetData>%s</sheetData>"
                                                "<pageMargins left=\"0.7\"/></worksheet>",
                                                book->sheets[i]);

      /* Relationship ids in reverse order, so that only following them finds the sheet. */
      g_string_append_printf (workbook, "<sheet name=\"%s\" sheetId=\"%u\" r:id=\"rId%u\"/>",
                              book->names[i], i + 1, 10 - i);
      g_string_append_printf (rels, "<Relationship Id=\"rId%u\" Type=\"" NS_REL "/worksheet\" "
                              "Target=\"worksheets/sheet%u.xml\"/>", 10 - i, i + 1);
      add_text (zip, part, sheet);
    }
  g_string_append (workbook, "</sheets></workbook>");
  g_string_append (rels, "</Relationships>");

  add_text (zip, "[Content_Types].xml", content_types);
  add_text (zip, "xl/workbook.xml", workbook->str);
  add_text (zip, "xl/_rels/workbook.xml.rels", rels->str);
  if (!book->no_styles)
    add_text (zip, "xl/styles.xml", styles);
  if (book->shared != NULL)
    {
      g_autofree char *shared = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                                 "<sst xmlns=\"" NS_MAIN "\">%s</sst>", book->shared);

      add_text (zip, "xl/sharedStrings.xml", shared);
    }
}

static char *
write_book (Fixture    *f,
            const char *name,
            const Book *book)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  zipFile zip = zipOpen (path, APPEND_STATUS_CREATE);

  g_assert_nonnull (zip);
  add_book_parts (zip, book);
  g_assert_cmpint (zipClose (zip, NULL), ==, ZIP_OK);
  return g_steal_pointer (&path);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* Converts sheet @sheet of @path and returns the CSV's text, deleting the file. */
static char *
convert (const char *path,
         int         sheet)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = cst_xlsx_convert_to_csv (path, sheet, NULL, &error);
  char *text;

  g_assert_no_error (error);
  g_assert_nonnull (csv);
  text = read_text (csv);
  g_assert_cmpint (g_unlink (csv), ==, 0);
  return text;
}

/* An orders export: shared strings (one with rich-text runs, one with a phonetic guide that is
 * no text, one with a comma), inline strings, numbers as written, a formula's cached text,
 * dates and a date and time, a missing row (4) and missing cells (E5, and B6 to E6 of a row
 * with a cell of no value). */
static const char orders_shared[] =
  "<si><t>customer_id</t></si>"
  "<si><r><t>em</t></r><r><rPr><b/></rPr><t>ail</t></r></si>"
  "<si><t>order_date</t></si>"
  "<si><t>channel</t></si>"
  "<si><t>anna@example.com</t><rPh sb=\"0\" eb=\"1\"><t>ANNA</t></rPh></si>"
  "<si><t>Shop, Berlin</t></si>";

static const char orders_sheet[] =
  "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
  "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"inlineStr\"><is><t>amount</t></is></c>"
  "<c r=\"E1\" t=\"s\"><v>3</v></c></row>"
  "<row r=\"2\"><c r=\"A2\"><v>1001</v></c><c r=\"B2\" t=\"s\"><v>4</v></c>"
  "<c r=\"C2\" s=\"1\"><v>45292</v></c><c r=\"D2\" s=\"3\"><v>12.5</v></c>"
  "<c r=\"E2\" t=\"s\"><v>5</v></c></row>"
  "<row r=\"3\"><c r=\"A3\"><v>1002</v></c>"
  "<c r=\"B3\" t=\"inlineStr\"><is><r><t>bob@</t></r><r><t>example.com</t></r></is></c>"
  "<c r=\"C3\" s=\"2\"><v>45292.75</v></c><c r=\"D3\"><v>7</v></c>"
  "<c r=\"E3\" t=\"str\"><f>\"On\"&amp;\"line\"</f><v>Online</v></c></row>"
  "<row r=\"5\"><c r=\"A5\"><v>1003</v></c><c r=\"B5\" t=\"inlineStr\"><is><t>cleo@example.com</t></is></c>"
  "<c r=\"C5\" s=\"1\"><v>45306</v></c><c r=\"D5\"><v>99.99</v></c></row>"
  "<row r=\"6\" spans=\"1:5\"><c r=\"A6\"><v>1004</v></c><c r=\"B6\" s=\"1\"/></row>"
  "<row r=\"9\"><c r=\"C9\" s=\"3\"/></row>";

static const Book orders_book = {
  .names = { "Orders", NULL },
  .sheets = { orders_sheet, NULL },
  .shared = orders_shared,
};

static void
test_xlsx_convert (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = write_book (f, "orders.xlsx", &orders_book);
  g_autofree char *csv = NULL;

  g_assert_true (cst_xlsx_is_workbook (path));
  csv = convert (path, -1);
  g_assert_cmpstr (csv, ==,
                   "customer_id,email,order_date,amount,channel\r\n"
                   "1001,anna@example.com,2024-01-01,12.5,\"Shop, Berlin\"\r\n"
                   "1002,bob@example.com,2024-01-01 18:00:00,7,Online\r\n"
                   "\r\n"
                   "1003,cleo@example.com,2024-01-15,99.99,\r\n"
                   "1004,,,,\r\n");
}

/* Booleans, errors, escapes, quotes and spaces, times, the 1900 leap-year bug and dates
 * written as ISO text. */
static void
test_xlsx_values (Fixture       *f,
                  gconstpointer  data)
{
  Book book = {
    .names = { "Values", NULL },
    .sheets = {
      "<row r=\"1\"><c r=\"A1\" t=\"b\"><v>1</v></c><c r=\"B1\" t=\"b\"><v>0</v></c>"
      "<c r=\"C1\" t=\"e\"><v>#N/A</v></c><c r=\"D1\" t=\"s\"><v>0</v></c>"
      "<c r=\"E1\" t=\"d\"><v>2024-03-01T08:30:00Z</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>59</v></c><c r=\"B2\" s=\"1\"><v>60</v></c>"
      "<c r=\"C2\" s=\"1\"><v>61</v></c><c r=\"D2\" s=\"4\"><v>0.5</v></c>"
      "<c r=\"E2\" s=\"1\"><v>-3</v></c></row>"
      "<row><c><v>a</v></c><c t=\"inlineStr\"><is><t>x_x005F_y</t></is></c></row>",
      NULL },
    .shared = "<si><t xml:space=\"preserve\"> say \"hi\"_x000D__x000A_</t></si>",
  };
  g_autofree char *path = write_book (f, "values.xlsx", &book);
  g_autofree char *csv = convert (path, 0);

  g_assert_cmpstr (csv, ==,
                   "TRUE,FALSE,#N/A,\" say \"\"hi\"\"\r\n\",2024-03-01 08:30:00\r\n"
                   "1900-02-28,60,1900-03-01,12:00:00,-3\r\n"
                   "a,x_y,,,\r\n");
}

/* Two sheets: listed in order, the first (visible) is the default, either can be chosen, and a
 * number past the last is an error. */
static void
test_xlsx_sheets (Fixture       *f,
                  gconstpointer  data)
{
  Book book = {
    .names = { "Notes", "Data &amp; more", NULL },
    .sheets = {
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>note</t></is></c></row>",
      "<row r=\"2\"><c r=\"B2\"><v>2</v></c></row><row r=\"3\"><c r=\"A3\"><v>1</v></c></row>",
      NULL },
  };
  g_autofree char *path = write_book (f, "two.xlsx", &book);
  g_auto(GStrv) names = NULL;
  int first_visible = -1;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;

  names = cst_xlsx_list_sheets (path, &first_visible, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first_visible, ==, 0);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "Notes");
  g_assert_cmpstr (names[1], ==, "Data & more");

  first = convert (path, 0);
  g_assert_cmpstr (first, ==, "note\r\n");
  /* Row 1 is empty and B2 is wider than A3: the ragged sheet is padded in a second pass. */
  second = convert (path, 1);
  g_assert_cmpstr (second, ==, "\r\n,2\r\n1,\r\n");

  csv = cst_xlsx_convert_to_csv (path, 2, NULL, &error);
  g_assert_error (error, CST_XLSX_ERROR, CST_XLSX_ERROR_NO_SHEET);
  g_assert_null (csv);
  g_assert_nonnull (strstr (error->message, "two.xlsx"));
}

/* A workbook of a notes sheet and the orders: the plan reads the first visible sheet, lists
 * both, and reads the orders afresh when they are chosen; a copy made before keeps its sheet. */
static void
test_xlsx_plan_sheet (Fixture       *f,
                      gconstpointer  data)
{
  Book book = {
    .names = { "Notes", "Orders", NULL },
    .sheets = {
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Exported on Monday</t></is></c></row>",
      orders_sheet,
      NULL },
    .shared = orders_shared,
  };
  g_autofree char *path = write_book (f, "book.xlsx", &book);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(CstImportPlan) copy = NULL;
  g_autoptr(GError) error = NULL;

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan->sheet_names);
  g_assert_cmpuint (g_strv_length (plan->sheet_names), ==, 2);
  g_assert_cmpstr (plan->sheet_names[1], ==, "Orders");
  g_assert_cmpint (plan->sheet, ==, 0);
  g_assert_cmpuint (plan->n_columns, ==, 1);

  copy = cst_import_plan_copy (plan);
  g_assert_true (cst_import_plan_set_sheet (plan, 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (plan->sheet, ==, 1);
  g_assert_cmpuint (plan->n_columns, ==, 5);
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_cmpint (plan->roles[1], ==, CST_ROLE_EMAIL);
  g_assert_true (g_file_test (plan->csv_path, G_FILE_TEST_EXISTS));

  /* The copy still reads the notes from its own temporary file. */
  g_assert_cmpint (copy->sheet, ==, 0);
  g_assert_cmpuint (copy->n_columns, ==, 1);
  g_assert_true (g_file_test (copy->csv_path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (copy->sheet_names[1], ==, "Orders");
}

/* The 1904 date system of old Mac workbooks: day 0 is 1904-01-01. */
static void
test_xlsx_date1904 (Fixture       *f,
                    gconstpointer  data)
{
  Book book = {
    .names = { "Sheet1", NULL },
    .sheets = { "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>43830</v></c>"
                "<c r=\"C1\" s=\"2\"><v>43830.25</v></c></row>", NULL },
    .date1904 = TRUE,
  };
  g_autofree char *path = write_book (f, "mac.xlsx", &book);
  g_autofree char *csv = convert (path, -1);

  /* 45292 - 1462, the days between the two systems' day 0. */
  g_assert_cmpstr (csv, ==, "1904-01-01,2024-01-01,2024-01-01 06:00:00\r\n");
}

static gboolean
collect_identity_cb (gint64      record_id,
                     const char *email,
                     const char *customer_key,
                     const char *first_name,
                     const char *last_name,
                     gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("%s|%s", customer_key ? customer_key : "",
                                               email ? email : ""));
  return TRUE;
}

static gboolean
collect_order_cb (gint64      person_id,
                  gint64      event_time,
                  double      amount,
                  double      discount,
                  const char *order_id,
                  const char *category,
                  const char *channel,
                  gpointer    user_data)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (event_time);
  g_autofree char *iso = g_date_time_format (time, "%F %T");

  g_ptr_array_add (user_data, g_strdup_printf ("%s %.2f %s", iso, amount, channel ? channel : "-"));
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
count_rejected_cb (gint64      source_id,
                   const char *source_name,
                   gint64      row_number,
                   gint64      line,
                   const char *column_name,
                   const char *reason,
                   const char *raw,
                   gpointer    user_data)
{
  /* The CSV's lines are the sheet's rows, so a rejected row names the row Excel shows. */
  g_assert_cmpint (line, ==, 6);
  g_assert_cmpstr (source_name, ==, "orders.xlsx");
  (*(int *) user_data)++;
  return TRUE;
}

/* The workbook goes through the same plan and import as a CSV export; the plan keeps the
 * workbook's name and deletes its temporary CSV with its last copy. */
static void
test_xlsx_import (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = write_book (f, "orders.xlsx", &orders_book);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(CstImportPlan) copy = NULL;
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = NULL;
  CstImportReport report = { 0 };
  CstIdentityReport identity = { 0 };
  int n_rejected = 0;

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plan->path, ==, path);
  g_assert_cmpstr (plan->display_name, ==, "orders.xlsx");
  g_assert_nonnull (plan->csv_path);
  g_assert_true (g_file_test (plan->csv_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (plan->n_columns, ==, 5);
  g_assert_true (plan->has_header);
  g_assert_cmpint (plan->delimiter, ==, ',');
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_cmpint (plan->roles[0], ==, CST_ROLE_CUSTOMER_KEY);
  g_assert_cmpint (plan->roles[1], ==, CST_ROLE_EMAIL);
  g_assert_cmpint (plan->roles[2], ==, CST_ROLE_ORDER_DATE);
  g_assert_cmpint (plan->roles[3], ==, CST_ROLE_AMOUNT);

  /* The copy shares the file; freeing the original leaves it for the copy. */
  copy = cst_import_plan_copy (plan);
  csv_path = g_strdup (plan->csv_path);
  g_clear_pointer (&plan, cst_import_plan_free);
  g_assert_true (g_file_test (csv_path, G_FILE_TEST_EXISTS));

  g_assert_true (cst_import_file (f->store, copy, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&copy, cst_import_plan_free);
  g_assert_false (g_file_test (csv_path, G_FILE_TEST_EXISTS));

  /* Rows 2, 3, 5 are orders; row 6 has no date or amount; the empty row 4 is no row. */
  g_assert_cmpuint (report.n_rows, ==, 4);
  g_assert_cmpuint (report.n_imported, ==, 3);
  g_assert_cmpuint (report.n_rejected, ==, 1);
  g_assert_true (cst_store_foreach_rejected_row (f->store, -1, count_rejected_cb, &n_rejected, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_rejected, ==, 1);

  g_assert_true (cst_store_foreach_record_identity (f->store, collect_identity_cb, people, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 3);
  g_assert_cmpstr (people->pdata[0], ==, "1001|anna@example.com");
  g_assert_cmpstr (people->pdata[1], ==, "1002|bob@example.com");
  g_assert_cmpstr (people->pdata[2], ==, "1003|cleo@example.com");

  g_assert_true (cst_identity_match_by_email (f->store, &identity, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cst_store_foreach_order (f->store, identity.run_id, collect_order_cb, orders, &error));
  g_assert_no_error (error);
  g_ptr_array_sort (orders, compare_strings);
  g_assert_cmpuint (orders->len, ==, 3);
  g_assert_cmpstr (orders->pdata[0], ==, "2024-01-01 00:00:00 12.50 Shop, Berlin");
  g_assert_cmpstr (orders->pdata[1], ==, "2024-01-01 18:00:00 7.00 Online");
  g_assert_cmpstr (orders->pdata[2], ==, "2024-01-15 00:00:00 99.99 -");
}

/* Bad inputs: each fails with an error naming the file, leaving no temporary file, both
 * converted directly and through a plan. */

static void
assert_refused (const char *path,
                GQuark      domain,
                int         code)
{
  g_autofree char *display = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) plan_error = NULL;
  g_autoptr(CstImportPlan) plan = NULL;
  g_autofree char *csv = NULL;

  csv = cst_xlsx_convert_to_csv (path, -1, NULL, &error);
  g_assert_null (csv);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, display));
  assert_no_temporary_files ();

  plan = cst_import_plan_new (path, NULL, &plan_error);
  g_assert_null (plan);
  g_assert_error (plan_error, domain, code);
  g_assert_cmpstr (plan_error->message, ==, error->message);
  assert_no_temporary_files ();
}

static void
test_xlsx_not_zip (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "report.xlsx", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "email,amount\nanna@example.com,12\n", -1, &error);
  g_assert_no_error (error);
  g_assert_false (cst_xlsx_is_workbook (path));
  assert_refused (path, CST_XLSX_ERROR, CST_XLSX_ERROR_NOT_WORKBOOK);
}

static void
test_xlsx_no_workbook (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "archive.xlsx", NULL);
  zipFile zip = zipOpen (path, APPEND_STATUS_CREATE);

  add_text (zip, "[Content_Types].xml", content_types);
  add_text (zip, "word/document.xml", "<document/>");
  g_assert_cmpint (zipClose (zip, NULL), ==, ZIP_OK);

  g_assert_false (cst_xlsx_is_workbook (path));
  assert_refused (path, CST_XLSX_ERROR, CST_XLSX_ERROR_NOT_WORKBOOK);
}

static void
test_xlsx_truncated (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = write_book (f, "cut.xlsx", &orders_book);
  g_autofree char *bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  /* The first half: the central directory at the end is gone. */
  g_file_get_contents (path, &bytes, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, bytes, length / 2, &error);
  g_assert_no_error (error);

  g_assert_false (cst_xlsx_is_workbook (path));
  assert_refused (path, CST_XLSX_ERROR, CST_XLSX_ERROR_DAMAGED);
}

/* 50 MB of zeros as the sheet pack into about 50 KB: the central directory shows a ratio of
 * about 1000:1 and the sheet is refused before it is inflated. */
static void
test_xlsx_zip_bomb (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "bomb.xlsx", NULL);
  gsize size = 50 * 1024 * 1024;
  g_autofree char *zeros = g_malloc0 (size);
  zipFile zip = zipOpen (path, APPEND_STATUS_CREATE);
  GStatBuf st;

  add_text (zip, "[Content_Types].xml", content_types);
  add_text (zip, "xl/workbook.xml",
            "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
            "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
  add_text (zip, "xl/_rels/workbook.xml.rels",
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
  add_entry (zip, "xl/worksheets/sheet1.xml", zeros, size);
  g_assert_cmpint (zipClose (zip, NULL), ==, ZIP_OK);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, <, 1024 * 1024);

  g_assert_true (cst_xlsx_is_workbook (path));
  assert_refused (path, CST_XLSX_ERROR, CST_XLSX_ERROR_TOO_LARGE);
}

static void
test_xlsx_malformed (Fixture       *f,
                     gconstpointer  data)
{
  Book broken = {
    .names = { "Sheet1", NULL },
    .sheets = { "<row r=\"1\"><c r=\"A1\"><v>1</v></row>", NULL },
  };
  Book entities = {
    .names = { "Sheet1", NULL },
    .sheets = { "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", NULL },
    .shared = "<si><t>&undefined;</t></si>",
  };
  Book bad_reference = {
    .names = { "Sheet1", NULL },
    .sheets = { "<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>", NULL },
  };
  Book bad_index = {
    .names = { "Sheet1", NULL },
    .sheets = { "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>", NULL },
    .shared = "<si><t>only one</t></si>",
  };
  g_autofree char *path = write_book (f, "broken.xlsx", &broken);
  g_autofree char *entity_path = write_book (f, "entity.xlsx", &entities);
  g_autofree char *reference_path = write_book (f, "reference.xlsx", &bad_reference);
  g_autofree char *index_path = write_book (f, "index.xlsx", &bad_index);

  assert_refused (path, CST_XLSX_ERROR, CST_XLSX_ERROR_DAMAGED);
  assert_refused (entity_path, CST_XLSX_ERROR, CST_XLSX_ERROR_DAMAGED);
  assert_refused (reference_path, CST_XLSX_ERROR, CST_XLSX_ERROR_DAMAGED);
  assert_refused (index_path, CST_XLSX_ERROR, CST_XLSX_ERROR_DAMAGED);
}

/* A document type declaration is how entity expansion bombs start; workbooks never have one. */
static void
test_xlsx_doctype (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "laughs.xlsx", NULL);
  zipFile zip = zipOpen (path, APPEND_STATUS_CREATE);

  add_text (zip, "[Content_Types].xml", content_types);
  add_text (zip, "xl/workbook.xml",
            "<?xml version=\"1.0\"?><!DOCTYPE workbook [<!ENTITY a \"aaaaaaaaaa\">"
            "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
            "<workbook xmlns=\"" NS_MAIN "\"><sheets><sheet name=\"&b;\"/></sheets></workbook>");
  g_assert_cmpint (zipClose (zip, NULL), ==, ZIP_OK);

  assert_refused (path, CST_XLSX_ERROR, CST_XLSX_ERROR_DAMAGED);
}

static void
test_xlsx_cancelled (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = write_book (f, "orders.xlsx", &orders_book);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;

  g_cancellable_cancel (cancellable);
  csv = cst_xlsx_convert_to_csv (path, -1, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (csv);
  assert_no_temporary_files ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  int status;

  /* A temporary folder of our own, set before anything asks GLib for it: g_get_tmp_dir()
   * reads TMPDIR once. */
  dir = g_build_filename (g_getenv ("TMPDIR") != NULL ? g_getenv ("TMPDIR") : "/tmp",
                          "constellate-xlsx-tmp-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (dir));
  test_tmp_dir = dir;
  g_setenv ("TMPDIR", dir, TRUE);

  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/cst/xlsx/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("convert", test_xlsx_convert);
  ADD ("values", test_xlsx_values);
  ADD ("sheets", test_xlsx_sheets);
  ADD ("plan-sheet", test_xlsx_plan_sheet);
  ADD ("date1904", test_xlsx_date1904);
  ADD ("import", test_xlsx_import);
  ADD ("not-zip", test_xlsx_not_zip);
  ADD ("no-workbook", test_xlsx_no_workbook);
  ADD ("truncated", test_xlsx_truncated);
  ADD ("zip-bomb", test_xlsx_zip_bomb);
  ADD ("malformed", test_xlsx_malformed);
  ADD ("doctype", test_xlsx_doctype);
  ADD ("cancelled", test_xlsx_cancelled);
#undef ADD

  status = g_test_run ();
  cst_test_remove_dir (dir);
  return status;
}
