/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-import"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cst-import.h"

#include "cst-import-plan.h"

/* The skeleton's entry points, kept for their callers: cst_import_csv() now reads any file
 * through an import plan (io/cst-import-plan.c), and cst_import_guess_kind() still answers
 * from header names alone. */

typedef enum
{
  ROLE_CUSTOMER_KEY,
  ROLE_EMAIL,
  ROLE_FIRST_NAME,
  ROLE_LAST_NAME,
  ROLE_PHONE,
  ROLE_POSTCODE,
  ROLE_CITY,
  ROLE_COUNTRY,
  ROLE_CONSENT,
  ROLE_ORDER_ID,
  ROLE_TIME,
  ROLE_AMOUNT,
  ROLE_QUANTITY,
  ROLE_CATEGORY,
  ROLE_CHANNEL,
  ROLE_DISCOUNT,
  ROLE_CAMPAIGN,
  ROLE_OPENED,
  ROLE_CLICKED,
  ROLE_UNIT_PRICE,
  N_ROLES
} Role;

typedef struct
{
  const char *names[12];        /* header spellings, normalised: lower case, '_' for ' ' and '-' */
} RoleInfo;

static const RoleInfo roles[N_ROLES] = {
  [ROLE_CUSTOMER_KEY] = { { "customer_id", "customerid", "contact_id", "customer_number", "customer" } },
  [ROLE_EMAIL] = { { "email", "e_mail", "email_address", "customer_email", "mail" } },
  [ROLE_FIRST_NAME] = { { "first_name", "firstname", "given_name" } },
  [ROLE_LAST_NAME] = { { "last_name", "lastname", "surname", "family_name" } },
  [ROLE_PHONE] = { { "phone", "phone_number", "mobile", "telephone" } },
  [ROLE_POSTCODE] = { { "postcode", "postal_code", "zip", "zip_code", "plz" } },
  [ROLE_CITY] = { { "city", "town" } },
  [ROLE_COUNTRY] = { { "country", "country_code" } },
  [ROLE_CONSENT] = { { "newsletter_consent", "consent", "accepts_marketing", "opt_in" } },
  [ROLE_ORDER_ID] = { { "order_id", "order_number", "order_no", "invoiceno", "invoice_no", "invoice" } },
  [ROLE_TIME] = { { "order_date", "created_at", "date", "sent_at", "timestamp", "event_time", "paid_at", "invoicedate", "invoice_date" } },
  [ROLE_AMOUNT] = { { "amount", "total", "order_total", "revenue", "total_price" } },
  [ROLE_QUANTITY] = { { "items", "quantity", "qty", "item_count" } },
  [ROLE_CATEGORY] = { { "category", "product_category" } },
  [ROLE_CHANNEL] = { { "channel", "sales_channel", "source" } },
  [ROLE_DISCOUNT] = { { "discount", "discount_amount", "total_discounts" } },
  [ROLE_CAMPAIGN] = { { "campaign", "campaign_name", "campaign_title" } },
  [ROLE_OPENED] = { { "opened", "open", "opens" } },
  [ROLE_CLICKED] = { { "clicked", "click", "clicks" } },
  [ROLE_UNIT_PRICE] = { { "unitprice", "unit_price", "price", "item_price" } },
};

G_DEFINE_QUARK (cst-import-error-quark, cst_import_error)

static char *
normalize_header (const char *name)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  char *lower = g_utf8_strdown (stripped, -1);

  for (char *p = lower; *p != '\0'; p++)
    if (*p == ' ' || *p == '-' || *p == '.')
      *p = '_';
  return lower;
}

static void
map_columns (const char * const *header,
             int                 columns[N_ROLES])
{
  for (guint r = 0; r < N_ROLES; r++)
    columns[r] = -1;

  for (guint i = 0; header[i] != NULL; i++)
    {
      g_autofree char *name = normalize_header (header[i]);

      for (guint r = 0; r < N_ROLES; r++)
        {
          if (columns[r] >= 0)
            continue;
          for (guint j = 0; j < G_N_ELEMENTS (roles[r].names) && roles[r].names[j] != NULL; j++)
            if (g_str_equal (name, roles[r].names[j]))
              {
                columns[r] = i;
                break;
              }
        }
    }
}

/**
 * cst_import_guess_kind:
 * @header: the column names of a file
 * @kind: (out): what the file most likely holds
 *
 * Returns: %TRUE when the header has an email column, which every kind needs
 */
gboolean
cst_import_guess_kind (const char * const *header,
                       CstSourceKind      *kind)
{
  int columns[N_ROLES];

  map_columns (header, columns);
  if (columns[ROLE_OPENED] >= 0 || columns[ROLE_CAMPAIGN] >= 0)
    *kind = CST_SOURCE_ENGAGEMENT;
  else if ((columns[ROLE_AMOUNT] >= 0 || columns[ROLE_UNIT_PRICE] >= 0) && columns[ROLE_TIME] >= 0)
    *kind = CST_SOURCE_ORDERS;
  else
    *kind = CST_SOURCE_CONTACTS;
  return columns[ROLE_EMAIL] >= 0 || columns[ROLE_CUSTOMER_KEY] >= 0;
}

/**
 * cst_import_parse_time:
 * @text: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` or ISO 8601 with `T` and an optional zone
 * @out: (out): seconds since 1970 of the wall-clock time as written
 *
 * Times are kept as the wall clock of the file: a 21:00 order is an evening order wherever
 * the shop's server was. A zone, when given, is dropped after reading the local time.
 */
gboolean
cst_import_parse_time (const char *text,
                       gint64     *out)
{
  int year, month, day, hour = 0, minute = 0, n = 0;
  double second = 0;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  if (strchr (trimmed, 'T') != NULL)
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (trimmed, utc);

      if (parsed == NULL)
        return FALSE;
      dt = g_date_time_new_utc (g_date_time_get_year (parsed), g_date_time_get_month (parsed),
                                g_date_time_get_day_of_month (parsed), g_date_time_get_hour (parsed),
                                g_date_time_get_minute (parsed), g_date_time_get_seconds (parsed));
    }
  else
    {
      int fields = sscanf (trimmed, "%4d-%2d-%2d%n %2d:%2d%n:%lf%n",
                           &year, &month, &day, &n, &hour, &minute, &n, &second, &n);

      if ((fields != 3 && fields != 5 && fields != 6) || trimmed[n] != '\0')
        return FALSE;
      if (!g_date_valid_dmy (day, month, year) || hour > 23 || minute > 59 || second >= 61)
        return FALSE;
      dt = g_date_time_new_utc (year, month, day, hour, minute, second);
    }

  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

/**
 * cst_import_csv:
 * @store: an open project
 * @path: a delimited text file in any encoding the sniffer detects
 * @kind: a #CstSourceKind, or -1 to take what the file holds from its columns
 * @report: (out caller-allocates) (optional): what was imported
 *
 * Imports one file as a new source in one transaction, with the settings and roles that
 * cst_import_plan_new() detects: a plan made without the user, for the pipeline, the CLI and
 * tests. Every data row is kept raw; rows whose values cannot be read are listed with the
 * reason and column, never silently dropped. On a missing column, a broken file or
 * cancellation nothing is changed. Cost: one pass over the file, constant memory.
 */
gboolean
cst_import_csv (CstStore         *store,
                const char       *path,
                int               kind,
                CstImportReport  *report,
                GCancellable     *cancellable,
                CstProgressFunc   progress,
                gpointer          progress_data,
                GError          **error)
{
  static const CstFileKind file_kinds[] = {
    [CST_SOURCE_CONTACTS] = CST_FILE_KIND_CONTACTS,
    [CST_SOURCE_ORDERS] = CST_FILE_KIND_TRANSACTIONS,
    [CST_SOURCE_ENGAGEMENT] = CST_FILE_KIND_ENGAGEMENT,
  };
  g_autoptr(CstImportPlan) plan = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (kind < (int) G_N_ELEMENTS (file_kinds), FALSE);

  plan = cst_import_plan_new (path, cancellable, error);
  if (plan == NULL)
    return FALSE;

  if (kind >= 0)
    cst_import_plan_set_kind (plan, file_kinds[kind]);
  else if (plan->kind == CST_FILE_KIND_UNKNOWN)
    /* Without a choice, a file of people is the least that can be made of it. */
    cst_import_plan_set_kind (plan, CST_FILE_KIND_CONTACTS);

  return cst_import_file (store, plan, report, cancellable, progress, progress_data, error);
}
