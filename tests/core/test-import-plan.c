/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "../cst-test-util.h"
#include "cst-pipeline.h"
#include "identity/cst-identity.h"
#include "io/cst-aligned.h"
#include "io/cst-import-plan.h"
#include "io/cst-rejected.h"
#include "io/cst-sample.h"
#include "store/cst-store.h"

/* A temporary folder with a project and the files a test writes. */
typedef struct
{
  char     *dir;
  char     *project;
  CstStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("constellate-plan-XXXXXX", &error);
  g_assert_no_error (error);
  f->project = g_build_filename (f->dir, "p.constellate", NULL);
  f->store = cst_store_open (f->project, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->store, cst_store_close);
  cst_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->project);
}

/* Writes @text into the fixture's folder, converted to @encoding (NULL: as it is). */
static char *
write_file (Fixture    *f,
            const char *name,
            const char *text,
            const char *encoding,
            gboolean    bom)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) bytes = g_string_new (NULL);

  if (bom)
    g_string_append_len (bytes, "\xFF\xFE", 2);
  if (encoding != NULL)
    {
      gsize written = 0;
      g_autofree char *converted = g_convert (text, -1, encoding, "UTF-8", NULL, &written, &error);

      g_assert_no_error (error);
      g_string_append_len (bytes, converted, written);
    }
  else
    g_string_append (bytes, text);

  g_file_set_contents (path, bytes->str, bytes->len, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static int
column_of (const CstImportPlan *plan,
           const char          *name)
{
  for (guint c = 0; c < plan->n_columns; c++)
    if (g_str_equal (plan->column_names[c], name))
      return c;
  g_assert_not_reached ();
}

static gint64
utc (int year,
     int month,
     int day)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, 0, 0, 0);

  return g_date_time_to_unix (dt);
}

typedef struct
{
  gint64  time;
  double  amount;
  char   *channel;
} Order;

static void
order_clear (gpointer data)
{
  g_free (((Order *) data)->channel);
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
  Order order = { event_time, amount, g_strdup (channel) };

  g_array_append_val (user_data, order);
  return TRUE;
}

static int
compare_orders (gconstpointer a,
                gconstpointer b)
{
  const Order *x = a, *y = b;

  return x->time < y->time ? -1 : x->time > y->time ? 1 : (x->amount > y->amount) - (x->amount < y->amount);
}

/* Matches people and returns the stored orders, sorted by time and amount. */
static GArray *
load_orders (CstStore *store)
{
  g_autoptr(GError) error = NULL;
  GArray *orders = g_array_new (FALSE, FALSE, sizeof (Order));
  CstIdentityReport identity = { 0 };

  g_array_set_clear_func (orders, order_clear);
  g_assert_true (cst_identity_match_by_email (store, &identity, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cst_store_foreach_order (store, identity.run_id, collect_order_cb, orders, &error));
  g_assert_no_error (error);
  g_array_sort (orders, compare_orders);
  return orders;
}

static gboolean
collect_identity_cb (gint64      record_id,
                     const char *email,
                     const char *customer_key,
                     const char *first_name,
                     const char *last_name,
                     gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("%s|%s|%s|%s", customer_key ? customer_key : "",
                                               email ? email : "", first_name ? first_name : "",
                                               last_name ? last_name : ""));
  return TRUE;
}

static GPtrArray *
load_people (CstStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (cst_store_foreach_record_identity (store, collect_identity_cb, rows, &error));
  g_assert_no_error (error);
  return rows;
}

typedef struct
{
  gint64  row;
  gint64  line;
  char   *column;
  char   *reason;
  char   *raw;
} Rejected;

static void
rejected_clear (gpointer data)
{
  Rejected *r = data;

  g_free (r->column);
  g_free (r->reason);
  g_free (r->raw);
}

static gboolean
collect_rejected_cb (gint64      source_id,
                     const char *source_name,
                     gint64      row_number,
                     gint64      line,
                     const char *column_name,
                     const char *reason,
                     const char *raw,
                     gpointer    user_data)
{
  Rejected r = { row_number, line, g_strdup (column_name), g_strdup (reason), g_strdup (raw) };

  g_array_append_val (user_data, r);
  return TRUE;
}

static GArray *
load_rejected (CstStore *store)
{
  g_autoptr(GError) error = NULL;
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (Rejected));

  g_array_set_clear_func (rows, rejected_clear);
  g_assert_true (cst_store_foreach_rejected_row (store, -1, collect_rejected_cb, rows, &error));
  g_assert_no_error (error);
  return rows;
}

/* A German Excel export: Windows-1252, semicolons, decimal commas with thousands points,
 * D.M.Y dates. */
static void
test_import_plan_german_excel (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *path = write_file (f, "Bestellungen.csv",
                                      "Kundennummer;E-Mail;Bestelldatum;Betrag;Kanal\r\n"
                                      "K1;anna@example.de;03.04.2025;12,50;Filiale Köln\r\n"
                                      "K2;joerg@example.de;15.04.2025;1.234,56;Online\r\n"
                                      "K3;zoe@example.de;30.04.2025;7,00;Online\r\n"
                                      "K1;anna@example.de;02.05.2025;99,99;Filiale Köln\r\n",
                                      "WINDOWS-1252", FALSE);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GArray) orders = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plan->display_name, ==, "Bestellungen.csv");
  g_assert_cmpstr (plan->encoding, ==, "WINDOWS-1252");
  g_assert_cmpint (plan->delimiter, ==, ';');
  g_assert_true (plan->has_header);
  g_assert_cmpint (plan->decimal, ==, ',');
  g_assert_cmpint (plan->thousands, ==, '.');
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_cmpuint (plan->n_columns, ==, 5);
  g_assert_cmpint (plan->roles[0], ==, CST_ROLE_CUSTOMER_KEY);
  g_assert_cmpint (plan->roles[1], ==, CST_ROLE_EMAIL);
  g_assert_cmpint (plan->roles[2], ==, CST_ROLE_ORDER_DATE);
  g_assert_cmpint (plan->roles[3], ==, CST_ROLE_AMOUNT);
  g_assert_cmpint (plan->roles[4], ==, CST_ROLE_CHANNEL);
  g_assert_cmpint (plan->date_formats[2], ==, CST_DATE_FORMAT_DMY_DOT);
  g_assert_true (cst_import_plan_validate (plan, &error));
  g_assert_no_error (error);

  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.kind, ==, CST_SOURCE_ORDERS);
  g_assert_cmpuint (report.n_rows, ==, 4);
  g_assert_cmpuint (report.n_rejected, ==, 0);

  orders = load_orders (f->store);
  g_assert_cmpuint (orders->len, ==, 4);
  g_assert_cmpint (g_array_index (orders, Order, 0).time, ==, utc (2025, 4, 3));
  g_assert_cmpfloat_with_epsilon (g_array_index (orders, Order, 0).amount, 12.50, 1e-9);
  g_assert_cmpstr (g_array_index (orders, Order, 0).channel, ==, "Filiale Köln");
  g_assert_cmpint (g_array_index (orders, Order, 1).time, ==, utc (2025, 4, 15));
  g_assert_cmpfloat_with_epsilon (g_array_index (orders, Order, 1).amount, 1234.56, 1e-9);
  g_assert_cmpint (g_array_index (orders, Order, 2).time, ==, utc (2025, 4, 30));
  g_assert_cmpfloat_with_epsilon (g_array_index (orders, Order, 2).amount, 7.0, 1e-9);
  g_assert_cmpint (g_array_index (orders, Order, 3).time, ==, utc (2025, 5, 2));
  g_assert_cmpfloat_with_epsilon (g_array_index (orders, Order, 3).amount, 99.99, 1e-9);
}

/* UTF-16LE with a byte-order mark, as Excel's "Unicode text" writes it, with a full name to
 * split and a tab between the fields. */
static void
test_import_plan_utf16_contacts (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *path = write_file (f, "contacts.txt",
                                      "customer_id\temail\tname\tcity\r\n"
                                      "C1\tzoe@example.org\tZoë Brown\tLondon\r\n"
                                      "C2\tjoerg@example.de\tJörg Müller\tKöln\r\n"
                                      "C3\tanna@example.de\tAnna Maria Schmidt\tMünchen\r\n",
                                      "UTF-16LE", TRUE);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plan->encoding, ==, "UTF-16LE");
  g_assert_cmpint (plan->delimiter, ==, '\t');
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_CONTACTS);
  g_assert_cmpint (plan->roles[column_of (plan, "email")], ==, CST_ROLE_EMAIL);
  g_assert_cmpint (plan->roles[column_of (plan, "name")], ==, CST_ROLE_FULL_NAME);

  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.kind, ==, CST_SOURCE_CONTACTS);
  g_assert_cmpuint (report.n_rows, ==, 3);
  g_assert_cmpuint (report.n_rejected, ==, 0);

  /* A full name is split at its last space. */
  people = load_people (f->store);
  g_assert_cmpuint (people->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (people, 0), ==, "C1|zoe@example.org|Zoë|Brown");
  g_assert_cmpstr (g_ptr_array_index (people, 1), ==, "C2|joerg@example.de|Jörg|Müller");
  g_assert_cmpstr (g_ptr_array_index (people, 2), ==, "C3|anna@example.de|Anna Maria|Schmidt");
}

static void
import_and_check_dates (Fixture             *f,
                        const CstImportPlan *plan,
                        gint64               first,
                        gint64               second)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) orders = NULL;
  g_autoptr(CstStore) store = NULL;
  g_autofree char *project = g_build_filename (f->dir, "dates.constellate", NULL);

  store = cst_store_open (project, &error);
  g_assert_no_error (error);
  g_assert_true (cst_import_file (store, plan, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  orders = load_orders (store);
  g_assert_cmpuint (orders->len, ==, 2);
  g_assert_cmpint (g_array_index (orders, Order, 0).time, ==, first);
  g_assert_cmpint (g_array_index (orders, Order, 1).time, ==, second);

  g_clear_pointer (&store, cst_store_close);
  g_remove (project);
}

/* `03/04/2025` is the 3rd of April or the 4th of March: the plan picks one (month first in a
 * comma file with decimal points), says it was ambiguous, and reads what the user chooses. */
static void
test_import_plan_ambiguous_dates (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *us = write_file (f, "us.csv",
                                    "order_id,email,order_date,amount\n"
                                    "1,a@example.org,03/04/2025,10.00\n"
                                    "2,b@example.org,05/06/2025,20.50\n",
                                    NULL, FALSE);
  g_autofree char *eu = write_file (f, "eu.csv",
                                    "order_id;email;order_date;amount\n"
                                    "1;a@example.org;03/04/2025;10,00\n"
                                    "2;b@example.org;05/06/2025;20,50\n",
                                    NULL, FALSE);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(CstImportPlan) eu_plan = NULL;
  g_autoptr(GError) error = NULL;
  int date;

  plan = cst_import_plan_new (us, NULL, &error);
  g_assert_no_error (error);
  date = column_of (plan, "order_date");
  g_assert_cmpint (plan->roles[date], ==, CST_ROLE_ORDER_DATE);
  g_assert_true (plan->sniff->columns[date].date_ambiguous);
  g_assert_cmpint (plan->date_formats[date], ==, CST_DATE_FORMAT_MDY);
  import_and_check_dates (f, plan, utc (2025, 3, 4), utc (2025, 5, 6));

  cst_import_plan_set_date_format (plan, date, CST_DATE_FORMAT_DMY);
  g_assert_cmpint (plan->date_formats[date], ==, CST_DATE_FORMAT_DMY);
  import_and_check_dates (f, plan, utc (2025, 4, 3), utc (2025, 6, 5));

  /* Semicolons and decimal commas: day first. */
  eu_plan = cst_import_plan_new (eu, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (eu_plan->sniff->columns[date].date_ambiguous);
  g_assert_cmpint (eu_plan->date_formats[date], ==, CST_DATE_FORMAT_DMY);
  import_and_check_dates (f, eu_plan, utc (2025, 4, 3), utc (2025, 6, 5));
}

static void
test_import_plan_roles (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (CST_TEST_DATA_DIR, "orders-small.csv", NULL);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(CstImportPlan) copy = NULL;
  g_autoptr(GError) error = NULL;
  CstSniffOptions forced = CST_SNIFF_OPTIONS_INIT;
  int email, channel, category;

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  email = column_of (plan, "email");
  channel = column_of (plan, "channel");
  category = column_of (plan, "category");
  g_assert_cmpint (plan->roles[email], ==, CST_ROLE_EMAIL);
  g_assert_cmpint (plan->roles[channel], ==, CST_ROLE_CHANNEL);

  /* A role belongs to one column: giving it to another moves it. */
  cst_import_plan_set_role (plan, category, CST_ROLE_CHANNEL);
  g_assert_cmpint (plan->roles[category], ==, CST_ROLE_CHANNEL);
  g_assert_cmpint (plan->roles[channel], ==, CST_ROLE_NONE);

  /* Not used is not a role: any number of columns may have it. */
  cst_import_plan_set_role (plan, email, CST_ROLE_NONE);
  cst_import_plan_set_role (plan, category, CST_ROLE_NONE);
  g_assert_cmpint (plan->roles[email], ==, CST_ROLE_NONE);
  g_assert_cmpint (plan->roles[channel], ==, CST_ROLE_NONE);
  g_assert_cmpint (plan->roles[category], ==, CST_ROLE_NONE);
  cst_import_plan_set_role (plan, channel, CST_ROLE_EMAIL);
  g_assert_cmpint (plan->roles[channel], ==, CST_ROLE_EMAIL);

  /* A copy is independent. */
  copy = cst_import_plan_copy (plan);
  cst_import_plan_set_role (copy, email, CST_ROLE_EMAIL);
  g_assert_cmpint (copy->roles[channel], ==, CST_ROLE_NONE);
  g_assert_cmpint (plan->roles[channel], ==, CST_ROLE_EMAIL);
  g_assert_cmpuint (copy->sniff->rows->len, ==, plan->sniff->rows->len);
  g_assert_cmpstr (copy->inference->columns[email].name, ==, "email");

  /* Reading again with the same columns keeps the user's roles and kind… */
  cst_import_plan_set_kind (plan, CST_FILE_KIND_CONTACTS);
  forced.delimiter = ',';
  g_assert_true (cst_import_plan_reread (plan, &forced, &error));
  g_assert_no_error (error);
  g_assert_cmpint (plan->roles[channel], ==, CST_ROLE_EMAIL);
  g_assert_cmpint (plan->roles[email], ==, CST_ROLE_NONE);
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_CONTACTS);

  /* …and without a header row the columns change, so the roles start again. */
  forced.has_header = 0;
  g_assert_true (cst_import_plan_reread (plan, &forced, &error));
  g_assert_no_error (error);
  g_assert_false (plan->has_header);
  g_assert_cmpstr (plan->column_names[0], ==, "Column 1");
  g_assert_cmpuint (plan->sniff->rows->len, ==, 8);
}

static void
assert_invalid (const CstImportPlan *plan,
                int                  code,
                const char          *expected)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (cst_import_plan_validate (plan, &error));
  g_assert_error (error, CST_IMPORT_ERROR, code);
  g_assert_nonnull (strstr (error->message, plan->display_name));
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” does not say “%s”", error->message, expected);
}

static void
test_import_plan_validate (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (CST_TEST_DATA_DIR, "orders-small.csv", NULL);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  int email, date, amount, items;

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  email = column_of (plan, "email");
  date = column_of (plan, "order_date");
  amount = column_of (plan, "amount");
  items = column_of (plan, "items");
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_true (cst_import_plan_validate (plan, &error));
  g_assert_no_error (error);

  cst_import_plan_set_role (plan, amount, CST_ROLE_NONE);
  assert_invalid (plan, CST_IMPORT_ERROR_MISSING_COLUMN, "amount or the unit price");
  cst_import_plan_set_role (plan, items, CST_ROLE_UNIT_PRICE);
  g_assert_true (cst_import_plan_validate (plan, NULL));

  cst_import_plan_set_role (plan, date, CST_ROLE_NONE);
  assert_invalid (plan, CST_IMPORT_ERROR_MISSING_COLUMN, "order date");
  cst_import_plan_set_role (plan, date, CST_ROLE_ORDER_DATE);

  cst_import_plan_set_role (plan, email, CST_ROLE_NONE);
  assert_invalid (plan, CST_IMPORT_ERROR_MISSING_COLUMN, "email address or the customer number");

  /* Contacts need no email address or customer number: each row is then a person of its
   * own, which a notice says without blocking the import. */
  cst_import_plan_set_kind (plan, CST_FILE_KIND_CONTACTS);
  g_assert_true (cst_import_plan_validate (plan, NULL));
  notice = cst_import_plan_dup_notice (plan);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, plan->display_name));
  g_clear_pointer (&notice, g_free);
  cst_import_plan_set_role (plan, email, CST_ROLE_CUSTOMER_KEY);
  g_assert_true (cst_import_plan_validate (plan, NULL));
  g_assert_null (cst_import_plan_dup_notice (plan));

  cst_import_plan_set_kind (plan, CST_FILE_KIND_ENGAGEMENT);
  assert_invalid (plan, CST_IMPORT_ERROR_MISSING_COLUMN, "email address");
  cst_import_plan_set_role (plan, email, CST_ROLE_EMAIL);
  assert_invalid (plan, CST_IMPORT_ERROR_MISSING_COLUMN, "opened");
  cst_import_plan_set_role (plan, items, CST_ROLE_OPENED);
  g_assert_true (cst_import_plan_validate (plan, NULL));

  cst_import_plan_set_kind (plan, CST_FILE_KIND_EVENTS);
  assert_invalid (plan, CST_IMPORT_ERROR_UNSUPPORTED, "Event files cannot be imported yet");
  cst_import_plan_set_kind (plan, CST_FILE_KIND_UNKNOWN);
  assert_invalid (plan, CST_IMPORT_ERROR_UNSUPPORTED, "Choose what");

  /* cst_import_file() checks the plan too, and changes nothing. */
  g_assert_false (cst_import_file (f->store, plan, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_UNSUPPORTED);
  g_assert_cmpint (cst_store_count_records (f->store), ==, 0);
}

/* One unreadable amount among many: the row is kept raw and listed with its column and
 * reason; every other row is imported. */
static void
test_import_plan_bad_amount (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("Kundennummer;Bestelldatum;Betrag\n");
  g_autofree char *path = NULL;
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GArray) rejected = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };
  const Rejected *r;

  for (guint i = 1; i <= 40; i++)
    {
      if (i == 17)
        g_string_append (text, "K17;17.03.2025;zwölf\n");
      else
        g_string_append_printf (text, "K%u;%02u.03.2025;%u,50\n", i, (i % 28) + 1, i);
    }
  path = write_file (f, "bestellungen.csv", text->str, NULL, FALSE);

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_cmpint (plan->roles[2], ==, CST_ROLE_AMOUNT);

  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 40);
  g_assert_cmpuint (report.n_imported, ==, 39);
  g_assert_cmpuint (report.n_rejected, ==, 1);

  rejected = load_rejected (f->store);
  g_assert_cmpuint (rejected->len, ==, 1);
  r = &g_array_index (rejected, Rejected, 0);
  g_assert_cmpint (r->row, ==, 17);
  g_assert_cmpint (r->line, ==, 18);
  g_assert_cmpstr (r->column, ==, "Betrag");
  g_assert_cmpstr (r->reason, ==, "Column “Betrag”: “zwölf” is not an amount");
  g_assert_cmpstr (r->raw, ==, "K17;17.03.2025;zwölf");
}

/* A byte Windows-1252 leaves undefined, far beyond the sniffed sample: the import fails
 * naming the file and the line, and changes nothing. */
static void
test_import_plan_undefined_byte (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("email;Ort\n");
  g_autofree char *path = g_build_filename (f->dir, "broken.csv", NULL);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sources = NULL;
  guint n_lines = 20000;

  for (guint i = 0; i < n_lines; i++)
    g_string_append_printf (text, "p%u@example.org;K\xF6ln\n", i);
  g_string_append (text, "late@example.org;\x81\n");
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plan->encoding, ==, "WINDOWS-1252");
  g_assert_true (plan->sniff->truncated);

  g_assert_false (cst_import_file (f->store, plan, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, CST_CSV_ERROR, CST_CSV_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "broken.csv, line 20002"));
  sources = cst_store_list_sources (f->store, NULL);
  g_assert_cmpuint (sources->len, ==, 0);
  g_assert_cmpint (cst_store_count_records (f->store), ==, 0);
}

/* The skeleton's fixture through the wrapper: the same three rejected rows with the same
 * reasons as before plans existed. */
static void
test_import_plan_wrapper_reasons (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (CST_TEST_DATA_DIR, "orders-small.csv", NULL);
  g_autoptr(GArray) rejected = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };

  g_assert_true (cst_import_csv (f->store, path, -1, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rejected, ==, 3);

  rejected = load_rejected (f->store);
  g_assert_cmpuint (rejected->len, ==, 3);
  g_assert_cmpstr (g_array_index (rejected, Rejected, 0).reason, ==,
                   "Column “order_date”: “yesterday” is not a date");
  g_assert_cmpstr (g_array_index (rejected, Rejected, 1).reason, ==,
                   "Column “amount”: “ten euros” is not an amount");
  g_assert_cmpstr (g_array_index (rejected, Rejected, 2).reason, ==,
                   "The row has 4 fields, but the header has 8");
  g_assert_null (g_array_index (rejected, Rejected, 2).column);
}

static void
cancel_on_progress (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  if (fraction > 0 && fraction < 1)
    g_cancellable_cancel (user_data);
}

/* Cancelling midway leaves the project as it was: the earlier import stays, nothing of the
 * cancelled one is there. */
static void
test_import_plan_cancel (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *contacts = g_build_filename (CST_TEST_DATA_DIR, "contacts-small.csv", NULL);
  g_autoptr(GString) text = g_string_new ("email;Betrag;Bestelldatum;Ort\n");
  g_autofree char *path = NULL;
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) sources = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cst_import_csv (f->store, contacts, -1, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "p%u@example.org;%u,99;%02u.01.2025;Köln\n", i, i % 100, i % 28 + 1);
  path = write_file (f, "many.csv", text->str, "WINDOWS-1252", FALSE);
  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plan->encoding, ==, "WINDOWS-1252");
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);

  g_assert_false (cst_import_file (f->store, plan, NULL, cancellable, cancel_on_progress, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  sources = cst_store_list_sources (f->store, NULL);
  g_assert_cmpuint (sources->len, ==, 1);
  g_assert_cmpint (cst_store_count_records (f->store), ==, 3);

  /* A cancelled plan is not made at all. */
  g_clear_error (&error);
  g_assert_null (cst_import_plan_new (path, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_import_plan_rejected_csv (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *orders = g_build_filename (CST_TEST_DATA_DIR, "orders-small.csv", NULL);
  g_autofree char *contacts = g_build_filename (CST_TEST_DATA_DIR, "contacts-small.csv", NULL);
  g_autofree char *out = g_build_filename (f->dir, "rejected.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GArray) sources = NULL;
  g_autoptr(GError) error = NULL;
  gint64 orders_id;
  const char *expected =
    "file,row,line,column,reason,raw\n"
    "orders-small.csv,5,6,order_date,Column “order_date”: “yesterday” is not a date,"
    "\"#5,anna.schmidt@web.de,yesterday,10.00,1,Toys,web,0\"\n"
    "orders-small.csv,6,7,amount,Column “amount”: “ten euros” is not an amount,"
    "\"#6,anna.schmidt@web.de,2025-05-01 12:00:00,ten euros,1,Toys,web,0\"\n"
    "orders-small.csv,7,8,,\"The row has 4 fields, but the header has 8\","
    "\"#7,anna.schmidt@web.de,2025-05-02 12:00:00,5.00\"\n";

  g_assert_true (cst_import_csv (f->store, contacts, -1, NULL, NULL, NULL, NULL, &error));
  g_assert_true (cst_import_csv (f->store, orders, -1, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  sources = cst_store_list_sources (f->store, &error);
  orders_id = g_array_index (sources, CstSourceInfo, 1).id;

  g_assert_true (cst_rejected_rows_write_csv (f->project, -1, out, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &text, NULL, &error));
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);

  g_assert_true (cst_rejected_rows_write_csv (f->project, orders_id, out, &error));
  g_assert_true (g_file_get_contents (out, &text, NULL, &error));
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);

  /* The contacts had none: only the header. */
  g_assert_true (cst_rejected_rows_write_csv (f->project, g_array_index (sources, CstSourceInfo, 0).id,
                                              out, &error));
  g_assert_true (g_file_get_contents (out, &text, NULL, &error));
  g_assert_cmpstr (text, ==, "file,row,line,column,reason,raw\n");
}

/* A table aligned with blanks (as CDNOW's log is written) is read through a CSV of its own:
 * four columns with their roles, every row kept, a short row rejected with its reason. */
static void
test_import_plan_aligned (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = write_file (f, "log.txt",
                                      " customer_id  date      number_of_cds  dollar_value\n"
                                      " 00001        19970101  1              11.77\n"
                                      " 00002        19970112  1              12.00\n"
                                      " 00002        19970112  5              77.00\n"
                                      " 00003        19970102  2\n"
                                      " 00003        19970330  2              20.76\n",
                                      NULL, FALSE);
  g_autofree char *prose = write_file (f, "notes.txt", "one two three\nfour five six\nseven eight nine\n", NULL, FALSE);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };

  g_assert_true (cst_aligned_detect (path));
  /* Single blanks between words are prose, not alignment. */
  g_assert_false (cst_aligned_detect (prose));

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan->csv_path);
  g_assert_cmpuint (plan->n_columns, ==, 4);
  g_assert_true (plan->has_header);
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_cmpint (plan->roles[0], ==, CST_ROLE_CUSTOMER_KEY);
  g_assert_cmpint (plan->roles[1], ==, CST_ROLE_ORDER_DATE);
  g_assert_cmpint (plan->roles[3], ==, CST_ROLE_AMOUNT);

  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 5);
  g_assert_cmpuint (report.n_rejected, ==, 1);
}

/* CDNOW's master log as published: 69,659 transactions aligned with blanks, imported without
 * being asked anything. */
static void
test_import_plan_cdnow_master (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *path = cst_test_shared_data ("cdnow/CDNOW_master.txt");
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };

  if (path == NULL)
    {
      g_test_skip ("The shared CDNOW data set is not available");
      return;
    }
  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->n_columns, ==, 4);
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_cmpint (plan->roles[column_of (plan, "customer_id")], ==, CST_ROLE_CUSTOMER_KEY);
  g_assert_cmpint (plan->roles[column_of (plan, "date")], ==, CST_ROLE_ORDER_DATE);
  g_assert_cmpint (plan->roles[column_of (plan, "number_of_cds")], ==, CST_ROLE_QUANTITY);
  g_assert_cmpint (plan->roles[column_of (plan, "dollar_value")], ==, CST_ROLE_AMOUNT);

  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 69659);
  g_assert_cmpuint (report.n_rejected, ==, 0);
}

/* A purchase log without column names (200 purchases of 120 customers): the values alone give
 * the customer (an identifier that repeats), the date, the quantity and the amount, so it is
 * read as orders. Then CDNOW's 1/10
 * sample as published (no header, aligned with blanks, five columns), imported without being
 * asked anything. */
static void
test_import_plan_headerless (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "log.csv", NULL);
  g_autofree char *cdnow = cst_test_shared_data ("cdnow/CDNOW_sample.txt");
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(CstImportPlan) sample = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };

  /* 200 purchases of 120 customers. */
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (log, "CU%05u,2025-%02u-%02u,%u,%u.%02u\n", (i * 7) % 120 + 1,
                            i % 12 + 1, i % 28 + 1, i % 3 + 1, 5 + (i * 13) % 90, (i * 37) % 100);
  g_assert_true (g_file_set_contents (path, log->str, log->len, &error));
  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (plan->has_header);
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_cmpint (plan->roles[0], ==, CST_ROLE_CUSTOMER_KEY);
  g_assert_cmpint (plan->roles[1], ==, CST_ROLE_ORDER_DATE);
  g_assert_cmpint (plan->roles[2], ==, CST_ROLE_QUANTITY);
  g_assert_cmpint (plan->roles[3], ==, CST_ROLE_AMOUNT);
  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 200);
  g_assert_cmpuint (report.n_rejected, ==, 0);

  if (cdnow == NULL)
    {
      g_test_skip ("The shared CDNOW data set is not available");
      return;
    }
  sample = cst_import_plan_new (cdnow, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sample->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_cmpint (sample->roles[0], ==, CST_ROLE_CUSTOMER_KEY);
  g_assert_cmpint (sample->roles[1], ==, CST_ROLE_NONE);
  g_assert_cmpint (sample->roles[2], ==, CST_ROLE_ORDER_DATE);
  g_assert_cmpint (sample->roles[3], ==, CST_ROLE_QUANTITY);
  g_assert_cmpint (sample->roles[4], ==, CST_ROLE_AMOUNT);
  g_assert_true (cst_import_file (f->store, sample, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 6919);
  g_assert_cmpuint (report.n_rejected, ==, 0);
}

/* Orders and their lines as two files (Olist's shape): the orders have the number, the
 * customer and the date but no amount; the lines the order number, the price and a freight
 * cost, but no customer. Linked, the lines take their orders' customers and dates and are
 * imported as orders, the orders file as contacts; the freight is no amount. Then Olist's own
 * files, through the whole path. */
static void
test_import_plan_order_lines (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *orders_path = g_build_filename (f->dir, "orders.csv", NULL);
  g_autofree char *lines_path = g_build_filename (f->dir, "order_items.csv", NULL);
  g_autofree char *project = g_build_filename (f->dir, "lines.constellate", NULL);
  g_autofree char *olist_orders = cst_test_shared_data ("olist-subset/orders.csv");
  g_autofree char *olist_items = cst_test_shared_data ("olist-subset/order_items.csv");
  g_autofree char *olist_project = g_build_filename (f->dir, "olist.constellate", NULL);
  g_autoptr(GString) orders = g_string_new ("order_id,customer_id,order_purchase_timestamp\n");
  g_autoptr(GString) lines = g_string_new ("order_id,product_id,price,freight_value\n");
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_import_plan_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  CstImportPlan *orders_plan, *lines_plan;
  CstSegmentationOptions options;
  CstPipelineSummary summary = { 0 };

  for (guint o = 0; o < 120; o++)
    g_string_append_printf (orders, "ord%04u,cust%03u,2025-%02u-%02u 10:%02u:00\n", o, o % 70,
                            o % 12 + 1, o % 28 + 1, o % 60);
  for (guint l = 0; l < 200; l++)
    g_string_append_printf (lines, "ord%04u,prod%03u,%u.%02u,%u.50\n", (l * 7) % 120, l % 90,
                            10 + (l * 13) % 200, (l * 17) % 100, 3 + l % 9);
  g_assert_true (g_file_set_contents (orders_path, orders->str, orders->len, &error));
  g_assert_true (g_file_set_contents (lines_path, lines->str, lines->len, &error));

  orders_plan = cst_import_plan_new (orders_path, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (plans, orders_plan);
  lines_plan = cst_import_plan_new (lines_path, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (plans, lines_plan);
  g_assert_false (cst_import_plan_validate (orders_plan, NULL));
  g_assert_false (cst_import_plan_validate (lines_plan, NULL));
  g_assert_cmpint (lines_plan->roles[column_of (lines_plan, "price")], ==, CST_ROLE_UNIT_PRICE);
  g_assert_cmpint (lines_plan->roles[column_of (lines_plan, "freight_value")], ==, CST_ROLE_NONE);

  g_assert_cmpuint (cst_import_plans_link_orders (plans), ==, 1);
  g_assert_cmpint (orders_plan->kind, ==, CST_FILE_KIND_CONTACTS);
  g_assert_cmpint (lines_plan->kind, ==, CST_FILE_KIND_TRANSACTIONS);
  g_assert_true (cst_import_plan_validate (orders_plan, NULL));
  g_assert_true (cst_import_plan_validate (lines_plan, NULL));
  notice = cst_import_plan_dup_notice (lines_plan);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, "orders.csv"));
  g_clear_pointer (&notice, g_free);
  notice = cst_import_plan_dup_notice (orders_plan);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, "order_items.csv"));

  cst_segmentation_options_init (&options);
  g_assert_true (cst_pipeline_create_from_plans (project, (CstImportPlan * const *) plans->pdata,
                                                 plans->len, &options, &summary, NULL, NULL, NULL,
                                                 &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_rows, ==, 320);
  g_assert_cmpuint (summary.n_rejected, ==, 0);
  /* 70 customers: the lines' people are the orders' people. */
  g_assert_cmpuint (summary.n_people, ==, 70);
  cst_pipeline_summary_clear (&summary);

  if (olist_orders == NULL || olist_items == NULL)
    {
      cst_segmentation_options_clear (&options);
      g_test_skip ("The shared Olist data set is not available");
      return;
    }
  {
    const char *files[] = { olist_orders, olist_items, NULL };

    summary = (CstPipelineSummary) { 0 };
    g_assert_true (cst_pipeline_create_from_files (olist_project, files, &options, &summary, NULL,
                                                   NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.n_rows, ==, 21252);
    g_assert_cmpuint (summary.n_rejected, ==, 0);
    g_assert_cmpuint (summary.n_people, ==, 10000);
    g_assert_nonnull (summary.segmentation);
    g_test_message ("Olist: %zu people, %zu segmented in %u segments", summary.n_people,
                    summary.segmentation->n_people, summary.segmentation->k);
    g_assert_cmpuint (summary.segmentation->n_people, ==, 9889);
    cst_pipeline_summary_clear (&summary);
  }
  cst_segmentation_options_clear (&options);
}

/* "cust", the usual abbreviation (BTYD's CDNOW summary), names the customer number. */
static void
test_import_plan_cust (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "summary.csv", NULL);
  g_autoptr(GString) text = g_string_new ("cust,x,t.x,T.cal\n");
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i <= 80; i++)
    g_string_append_printf (text, "%u,%u,%u.5,38.86\n", i, i % 4, i % 30);
  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->roles[0], ==, CST_ROLE_CUSTOMER_KEY);
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_CONTACTS);
  g_assert_true (cst_import_plan_validate (plan, NULL));
}

/* The shared Telco churn table: one row per customer, keyed by customerID. */
static void
test_import_plan_telco (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = cst_test_shared_data ("telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv");
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };

  if (path == NULL)
    {
      g_test_skip ("The shared Telco churn data set is not available");
      return;
    }

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_CONTACTS);
  g_assert_cmpint (plan->roles[column_of (plan, "customerID")], ==, CST_ROLE_CUSTOMER_KEY);

  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.kind, ==, CST_SOURCE_CONTACTS);
  g_assert_cmpuint (report.n_rows, ==, 7043);
  g_assert_cmpuint (report.n_rejected, ==, 0);

  people = load_people (f->store);
  g_assert_cmpuint (people->len, ==, 7043);
  g_assert_cmpstr (g_ptr_array_index (people, 0), ==, "7590-VHVEG|||");
}

/* The shared Bank Marketing table: one row per client and no column that identifies anyone,
 * semicolons, CRLF, quoted values. It is imported without being asked anything, each row a
 * person of its own (which the plan's notice says), with the outcome column found. */
static void
test_import_plan_bank (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = cst_test_shared_data ("bank-marketing/bank-additional-full.csv");
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  CstImportReport report = { 0 };

  if (path == NULL)
    {
      g_test_skip ("The shared Bank Marketing data set is not available");
      return;
    }

  plan = cst_import_plan_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan->delimiter, ==, ';');
  g_assert_cmpint (plan->kind, ==, CST_FILE_KIND_CONTACTS);
  g_assert_cmpint (plan->roles[column_of (plan, "y")], ==, CST_ROLE_OUTCOME);
  g_assert_true (cst_import_plan_validate (plan, &error));
  g_assert_no_error (error);
  notice = cst_import_plan_dup_notice (plan);
  g_assert_nonnull (notice);

  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 41188);
  g_assert_cmpuint (report.n_rejected, ==, 0);
  people = load_people (f->store);
  g_assert_cmpuint (people->len, ==, 41188);
}

/* The wizard's path gives the same project as the file path when nobody changes the plans. */
static void
test_import_plan_pipeline (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *by_files = g_build_filename (f->dir, "files.constellate", NULL);
  g_autofree char *by_plans = g_build_filename (f->dir, "plans.constellate", NULL);
  g_autofree char *contacts = g_build_filename (f->dir, CST_SAMPLE_CONTACTS_FILE, NULL);
  g_autofree char *orders = g_build_filename (f->dir, CST_SAMPLE_ORDERS_FILE, NULL);
  g_autofree char *engagement = g_build_filename (f->dir, CST_SAMPLE_ENGAGEMENT_FILE, NULL);
  g_autofree char *truth = g_build_filename (f->dir, CST_SAMPLE_TRUTH_FILE, NULL);
  const char *files[] = { contacts, orders, engagement, NULL };
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_import_plan_free);
  g_autoptr(GError) error = NULL;
  CstSampleOptions sample;
  CstSegmentationOptions options;
  CstPipelineSummary a = { 0 }, b = { 0 };

  cst_sample_options_init (&sample);
  sample.n_people = 1500;
  g_assert_true (cst_sample_write (f->dir, &sample, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_remove (truth);

  cst_segmentation_options_init (&options);
  options.k = 4;
  g_assert_true (cst_pipeline_create_from_files (by_files, files, &options, &a, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; files[i] != NULL; i++)
    {
      g_ptr_array_add (plans, cst_import_plan_new (files[i], NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (cst_pipeline_create_from_plans (by_plans, (CstImportPlan * const *) plans->pdata, plans->len,
                                                 &options, &b, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (a.n_sources, ==, 3);
  g_assert_cmpuint (b.n_sources, ==, a.n_sources);
  g_assert_cmpuint (b.n_rows, ==, a.n_rows);
  g_assert_cmpuint (b.n_rejected, ==, 0);
  g_assert_cmpuint (b.n_records, ==, a.n_records);
  g_assert_cmpuint (b.n_people, ==, a.n_people);
  g_assert_nonnull (a.segmentation);
  g_assert_nonnull (b.segmentation);
  g_assert_cmpuint (b.segmentation->k, ==, a.segmentation->k);
  g_assert_cmpuint (b.segmentation->n_people, ==, a.segmentation->n_people);
  for (guint s = 0; s < a.segmentation->k; s++)
    {
      g_assert_cmpstr (b.segmentation->segment_names[s], ==, a.segmentation->segment_names[s]);
      g_assert_cmpuint (b.segmentation->sizes[s], ==, a.segmentation->sizes[s]);
    }
  g_assert_cmpmem (b.segmentation->labels, b.segmentation->n_people * sizeof (guint),
                   a.segmentation->labels, a.segmentation->n_people * sizeof (guint));

  cst_pipeline_summary_clear (&a);
  cst_pipeline_summary_clear (&b);

  /* A plan that does not validate makes no project. */
  cst_import_plan_set_kind (g_ptr_array_index (plans, 0), CST_FILE_KIND_EVENTS);
  g_remove (by_plans);
  g_assert_false (cst_pipeline_create_from_plans (by_plans, (CstImportPlan * const *) plans->pdata, plans->len,
                                                  &options, &b, NULL, NULL, NULL, &error));
  g_assert_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_UNSUPPORTED);
  g_assert_false (g_file_test (by_plans, G_FILE_TEST_EXISTS));
  cst_pipeline_summary_clear (&b);

  g_remove (contacts);
  g_remove (orders);
  g_remove (engagement);
  g_remove (by_files);
}

/* Counts of a project, to see that a refused import changed nothing. */
typedef struct
{
  guint  n_sources;
  gint64 n_records;
  gint64 identity_run;
  gint64 segment_run;
} ProjectState;

static ProjectState
read_state (const char *project)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CstStore) store = cst_store_open (project, &error);
  g_autoptr(GArray) sources = NULL;
  g_autoptr(CstSegmentation) seg = NULL;
  ProjectState state = { 0 };

  g_assert_no_error (error);
  sources = cst_store_list_sources (store, &error);
  g_assert_no_error (error);
  state.n_sources = sources->len;
  state.n_records = cst_store_count_records (store);
  state.identity_run = cst_store_get_latest_identity_run (store, NULL);
  seg = cst_store_load_latest_segmentation (store, &error);
  g_assert_no_error (error);
  state.segment_run = seg != NULL ? seg->run_id : -1;
  return state;
}

/* The same file again is refused before anything changes; a newer export of the same source
 * (the same rows and three new ones, so different bytes) appends exactly the new rows. */
static void
test_import_plan_add_again (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *project = g_build_filename (f->dir, "add.constellate", NULL);
  g_autofree char *contacts = g_build_filename (f->dir, CST_SAMPLE_CONTACTS_FILE, NULL);
  g_autofree char *orders = g_build_filename (f->dir, CST_SAMPLE_ORDERS_FILE, NULL);
  g_autofree char *engagement = g_build_filename (f->dir, CST_SAMPLE_ENGAGEMENT_FILE, NULL);
  g_autofree char *truth = g_build_filename (f->dir, CST_SAMPLE_TRUTH_FILE, NULL);
  g_autofree char *newer = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *expected_hash = NULL;
  g_autofree char *imported_at = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) newer_text = NULL;
  const char *files[] = { contacts, orders, engagement, NULL };
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_import_plan_free);
  g_autoptr(CstImportPlan) again = NULL;
  g_autoptr(CstImportPlan) newer_plan = NULL;
  g_autoptr(GError) error = NULL;
  CstSampleOptions sample;
  CstSegmentationOptions options;
  CstPipelineSummary created = { 0 }, added = { 0 };
  ProjectState before, after;
  gsize length = 0, n_order_rows = 0;
  guint n_lines;

  cst_sample_options_init (&sample);
  sample.n_people = 400;
  g_assert_true (cst_sample_write (f->dir, &sample, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_remove (truth);

  cst_segmentation_options_init (&options);
  options.k = 3;
  for (guint i = 0; files[i] != NULL; i++)
    {
      g_ptr_array_add (plans, cst_import_plan_new (files[i], NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (cst_pipeline_create_from_plans (project, (CstImportPlan * const *) plans->pdata, plans->len,
                                                 &options, &created, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (created.segmentation);

  /* Each source keeps the SHA-256 of its file's bytes. */
  g_assert_true (g_file_get_contents (orders, &text, &length, &error));
  g_assert_no_error (error);
  expected_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, length);
  hash = cst_import_plan_dup_content_hash (g_ptr_array_index (plans, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash, ==, expected_hash);
  {
    g_autoptr(CstStore) store = cst_store_open (project, &error);

    g_assert_no_error (error);
    /* The sources are numbered in the order of the plans: the orders file is the second. */
    g_assert_cmpint (cst_store_find_source_by_hash (store, hash, &imported_at), ==, 2);
  }
  g_assert_nonnull (imported_at);

  /* The same file again: refused, naming it, and the project is as it was. */
  before = read_state (project);
  again = cst_import_plan_new (orders, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cst_pipeline_add_plans (project, &again, 1, &options, &added, NULL, NULL, NULL, &error));
  g_assert_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_ALREADY_IMPORTED);
  g_assert_nonnull (strstr (error->message, CST_SAMPLE_ORDERS_FILE));
  g_assert_nonnull (strstr (error->message, "is already in this project (imported on "));
  g_clear_error (&error);
  after = read_state (project);
  g_assert_cmpuint (after.n_sources, ==, before.n_sources);
  g_assert_cmpint (after.n_records, ==, before.n_records);
  g_assert_cmpint (after.identity_run, ==, before.identity_run);
  g_assert_cmpint (after.segment_run, ==, before.segment_run);

  /* A newer export: every old row, then three new orders (copies of the last three with other
   * order numbers). */
  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);
  if (n_lines > 0 && lines[n_lines - 1][0] == '\0')
    n_lines--;
  n_order_rows = n_lines - 1;
  newer_text = g_string_new (text);
  for (guint i = n_lines - 3; i < n_lines; i++)
    {
      g_assert_cmpint (lines[i][0], ==, '#');
      g_string_append_printf (newer_text, "#9%s\n", lines[i] + 2);
    }
  newer = g_build_filename (f->dir, "shop-orders-newer.csv", NULL);
  g_assert_true (g_file_set_contents (newer, newer_text->str, newer_text->len, &error));
  g_assert_no_error (error);

  newer_plan = cst_import_plan_new (newer, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (newer_plan->skip_seen_rows);
  g_assert_true (cst_pipeline_add_plans (project, &newer_plan, 1, &options, &added, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added.n_added_rows, ==, 3);
  g_assert_cmpuint (added.n_skipped_seen, ==, n_order_rows);
  g_assert_cmpuint (added.n_sources, ==, 4);
  g_assert_cmpuint (added.n_rows, ==, created.n_rows + 3);
  g_assert_cmpuint (added.n_records, ==, created.n_records + 3);
  g_assert_nonnull (added.segmentation);

  after = read_state (project);
  g_assert_cmpuint (after.n_sources, ==, before.n_sources + 1);
  g_assert_cmpint (after.n_records, ==, before.n_records + 3);
  g_assert_cmpint (after.identity_run, >, before.identity_run);
  g_assert_cmpint (after.segment_run, >, before.segment_run);
  g_assert_cmpint (added.segmentation->run_id, ==, after.segment_run);

  /* The newer export is now known by its own bytes too. */
  {
    g_autoptr(CstStore) store = cst_store_open (project, &error);
    g_autofree char *newer_hash = cst_import_plan_dup_content_hash (newer_plan, &error);

    g_assert_no_error (error);
    g_assert_cmpint (cst_store_find_source_by_hash (store, newer_hash, NULL), ==,
                     g_array_index (added.sources, CstSourceInfo, 3).id);
  }

  cst_pipeline_summary_clear (&created);
  cst_pipeline_summary_clear (&added);
  g_remove (contacts);
  g_remove (orders);
  g_remove (engagement);
  g_remove (newer);
  g_remove (project);
}

/* A plan copy keeps skip_seen_rows, and a plain import without it stores a seen row again. */
static void
test_import_plan_skip_seen_rows (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *first = write_file (f, "a.csv", "email,first_name\na@example.com,Ann\nb@example.com,Bo\n", NULL, FALSE);
  g_autofree char *second = write_file (f, "b.csv", "email,first_name\na@example.com,Ann\nb@example.com,Bo\nc@example.com,Cy\n", NULL, FALSE);
  g_autofree char *other_header = write_file (f, "c.csv", "email,name\na@example.com,Ann\n", NULL, FALSE);
  g_autoptr(CstImportPlan) plan = NULL;
  g_autoptr(CstImportPlan) copy = NULL;
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };

  plan = cst_import_plan_new (first, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 2);
  g_assert_cmpuint (report.n_skipped_seen, ==, 0);
  g_clear_pointer (&plan, cst_import_plan_free);

  plan = cst_import_plan_new (second, NULL, &error);
  g_assert_no_error (error);
  plan->skip_seen_rows = TRUE;
  copy = cst_import_plan_copy (plan);
  g_assert_true (copy->skip_seen_rows);
  g_assert_true (cst_import_file (f->store, copy, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 1);
  g_assert_cmpuint (report.n_imported, ==, 1);
  g_assert_cmpuint (report.n_skipped_seen, ==, 2);
  g_assert_cmpint (cst_store_count_records (f->store), ==, 3);

  /* Another header is another source: its rows are new even when their text is not. */
  g_clear_pointer (&plan, cst_import_plan_free);
  plan = cst_import_plan_new (other_header, NULL, &error);
  g_assert_no_error (error);
  plan->skip_seen_rows = TRUE;
  g_assert_true (cst_import_file (f->store, plan, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.n_rows, ==, 1);
  g_assert_cmpuint (report.n_skipped_seen, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cst/import-plan/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("german-excel", test_import_plan_german_excel);
  ADD ("aligned", test_import_plan_aligned);
  ADD ("cdnow-master", test_import_plan_cdnow_master);
  ADD ("utf16-contacts", test_import_plan_utf16_contacts);
  ADD ("ambiguous-dates", test_import_plan_ambiguous_dates);
  ADD ("roles", test_import_plan_roles);
  ADD ("validate", test_import_plan_validate);
  ADD ("bad-amount", test_import_plan_bad_amount);
  ADD ("undefined-byte", test_import_plan_undefined_byte);
  ADD ("wrapper-reasons", test_import_plan_wrapper_reasons);
  ADD ("cancel", test_import_plan_cancel);
  ADD ("rejected-csv", test_import_plan_rejected_csv);
  ADD ("telco", test_import_plan_telco);
  ADD ("bank", test_import_plan_bank);
  ADD ("headerless", test_import_plan_headerless);
  ADD ("order-lines", test_import_plan_order_lines);
  ADD ("cust", test_import_plan_cust);
  ADD ("pipeline", test_import_plan_pipeline);
  ADD ("add-again", test_import_plan_add_again);
  ADD ("skip-seen-rows", test_import_plan_skip_seen_rows);

#undef ADD

  return g_test_run ();
}
