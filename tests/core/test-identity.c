/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "../cst-test-util.h"
#include "identity/cst-identity.h"
#include "io/cst-import.h"
#include "linkage/cst-store-linkage.h"
#include "store/cst-store.h"

static char *
fixture (const char *name)
{
  return g_build_filename (CST_TEST_DATA_DIR, name, NULL);
}

static CstStore *
new_store (char **dir_out)
{
  g_autofree char *dir = g_dir_make_tmp ("constellate-identity-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "p.constellate", NULL);
  g_autoptr(GError) error = NULL;
  CstStore *store = cst_store_open (path, &error);

  g_assert_no_error (error);
  *dir_out = g_steal_pointer (&dir);
  return store;
}

static void
test_identity_normalize_email (void)
{
  const struct { const char *in; const char *out; } cases[] = {
    { "Anna.Schmidt@Web.de", "anna.schmidt@web.de" },
    { "  anna.schmidt@web.de ", "anna.schmidt@web.de" },
    { "J.O.E.R.G@gmail.com", "joerg@gmail.com" },
    { "joerg+shop@googlemail.com", "joerg@gmail.com" },
    { "first.last+tag@outlook.com", "first.last+tag@outlook.com" },  /* only Gmail drops these */
    { "ZOË@Example.org", "zoë@example.org" },
    { "", NULL },
    { "no-at-sign", NULL },
    { "two@@example.org", NULL },
    { "a@b", NULL },
    { "@example.org", NULL },
    { "a b@example.org", NULL },
    { "x@example.", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = cst_identity_normalize_email (cases[i].in);

      g_assert_cmpstr (normalized, ==, cases[i].out);
    }
  g_assert_null (cst_identity_normalize_email (NULL));
}

static void
test_identity_import_and_match (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *contacts = fixture ("contacts-small.csv");
  g_autofree char *orders = fixture ("orders-small.csv");
  g_autoptr(GError) error = NULL;
  CstImportReport report = { 0 };
  CstIdentityReport identity = { 0 };
  CstStore *store = new_store (&dir);

  g_assert_true (cst_import_csv (store, contacts, -1, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.kind, ==, CST_SOURCE_CONTACTS);
  g_assert_cmpuint (report.n_rows, ==, 3);
  g_assert_cmpuint (report.n_rejected, ==, 0);

  /* Seven orders: one with a date that is not a date, one with an amount that is not an
   * amount, one with too few fields. Each is kept raw and listed with its reason. */
  g_assert_true (cst_import_csv (store, orders, -1, &report, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.kind, ==, CST_SOURCE_ORDERS);
  g_assert_cmpuint (report.n_rows, ==, 7);
  g_assert_cmpuint (report.n_imported, ==, 4);
  g_assert_cmpuint (report.n_rejected, ==, 3);
  g_assert_cmpint (cst_store_count_records (store), ==, 3 + 4);

  /* Anna (CRM + one order in different case and spacing), Jörg (CRM + two orders under Gmail
   * spellings), Zoë (no email: her own person), and the shop-only new person. */
  g_assert_true (cst_identity_match_by_email (store, &identity, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (identity.n_records, ==, 7);
  g_assert_cmpuint (identity.n_people, ==, 4);
  g_assert_cmpuint (identity.n_without_email, ==, 1);

  /* The probabilistic linker (the project path) finds the same four people, and a second run
   * keeps their stable ids. */
  {
    CstIdentityReport linked = { 0 };
    CstIdentityReport again = { 0 };
    g_autoptr(GArray) first = NULL;
    g_autoptr(GArray) second = NULL;

    g_assert_true (cst_identity_link (store, NULL, &linked, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (linked.n_records, ==, 7);
    g_assert_cmpuint (linked.n_people, ==, 4);
    g_assert_cmpuint (linked.n_without_email, ==, 1);
    g_assert_cmpint (linked.run_id, >, identity.run_id);
    first = cst_store_linkage_search_people (store, 0, "", 100, &error);
    g_assert_no_error (error);

    g_assert_true (cst_identity_link (store, NULL, &again, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    second = cst_store_linkage_search_people (store, 0, "", 100, &error);
    g_assert_cmpuint (first->len, ==, 4);
    g_assert_cmpuint (second->len, ==, 4);
    for (guint i = 0; i < first->len; i++)
      {
        CstLinkagePerson *a = &g_array_index (first, CstLinkagePerson, i);
        CstLinkagePerson *b = &g_array_index (second, CstLinkagePerson, i);

        g_assert_cmpint (a->uid, ==, b->uid);
        g_assert_cmpint (a->n_records, ==, b->n_records);
        g_assert_cmpstr (a->email, ==, b->email);
      }
  }

  cst_store_close (store);
  cst_test_remove_dir (dir);
}

static void
test_identity_missing_column (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *bad = fixture ("orders-no-amount.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sources = NULL;
  CstStore *store = new_store (&dir);

  /* Asked to read it as orders, the file lacks a column an order needs (its date): a clear
   * message that names the file and the column, and nothing in the project changes. */
  g_assert_false (cst_import_csv (store, bad, CST_SOURCE_ORDERS, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_MISSING_COLUMN);
  g_assert_nonnull (strstr (error->message, "orders-no-amount.csv"));
  g_assert_nonnull (strstr (error->message, "date"));
  sources = cst_store_list_sources (store, NULL);
  g_assert_cmpuint (sources->len, ==, 0);
  g_assert_cmpint (cst_store_count_records (store), ==, 0);

  cst_store_close (store);
  cst_test_remove_dir (dir);
}

static void
test_identity_cancel (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *orders = fixture ("orders-small.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) sources = NULL;
  CstStore *store = new_store (&dir);

  g_cancellable_cancel (cancellable);
  g_assert_false (cst_import_csv (store, orders, -1, NULL, cancellable, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  sources = cst_store_list_sources (store, NULL);
  g_assert_cmpuint (sources->len, ==, 0);

  cst_store_close (store);
  cst_test_remove_dir (dir);
}

static void
test_identity_parse_time (void)
{
  gint64 t = 0;

  g_assert_true (cst_import_parse_time ("2025-03-08 21:30:00", &t));
  g_assert_cmpint (t, ==, 1741469400);
  g_assert_true (cst_import_parse_time ("2025-03-08", &t));
  g_assert_cmpint (t, ==, 1741392000);
  g_assert_true (cst_import_parse_time ("2025-03-08 21:30", &t));
  g_assert_cmpint (t, ==, 1741469400);
  /* The wall clock of the file is kept, the zone dropped. */
  g_assert_true (cst_import_parse_time ("2025-03-08T21:30:00+02:00", &t));
  g_assert_cmpint (t, ==, 1741469400);
  g_assert_false (cst_import_parse_time ("2025-02-30", &t));
  g_assert_false (cst_import_parse_time ("yesterday", &t));
  g_assert_false (cst_import_parse_time ("2025-03-08 25:00", &t));
  g_assert_false (cst_import_parse_time ("2025-03-08 trailing", &t));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cst/identity/normalize-email", test_identity_normalize_email);
  g_test_add_func ("/cst/identity/import-and-match", test_identity_import_and_match);
  g_test_add_func ("/cst/identity/missing-column", test_identity_missing_column);
  g_test_add_func ("/cst/identity/cancel", test_identity_cancel);
  g_test_add_func ("/cst/identity/parse-time", test_identity_parse_time);

  return g_test_run ();
}
