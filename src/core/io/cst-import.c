/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-import"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cst-csv.h"
#include "cst-import.h"

/* The skeleton's importer: comma-separated UTF-8 with a header row, columns recognised by
 * their names. The import wizard generalises every part of this. */

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
  const char *description;      /* for error messages */
  const char *names[12];        /* header spellings, normalised: lower case, '_' for ' ' and '-' */
} RoleInfo;

static const RoleInfo roles[N_ROLES] = {
  [ROLE_CUSTOMER_KEY] = { N_("customer number"), { "customer_id", "customerid", "contact_id", "customer_number", "customer" } },
  [ROLE_EMAIL] = { N_("email address"), { "email", "e_mail", "email_address", "customer_email", "mail" } },
  [ROLE_FIRST_NAME] = { N_("first name"), { "first_name", "firstname", "given_name" } },
  [ROLE_LAST_NAME] = { N_("last name"), { "last_name", "lastname", "surname", "family_name" } },
  [ROLE_PHONE] = { N_("phone number"), { "phone", "phone_number", "mobile", "telephone" } },
  [ROLE_POSTCODE] = { N_("postcode"), { "postcode", "postal_code", "zip", "zip_code", "plz" } },
  [ROLE_CITY] = { N_("city"), { "city", "town" } },
  [ROLE_COUNTRY] = { N_("country"), { "country", "country_code" } },
  [ROLE_CONSENT] = { N_("newsletter consent"), { "newsletter_consent", "consent", "accepts_marketing", "opt_in" } },
  [ROLE_ORDER_ID] = { N_("order number"), { "order_id", "order_number", "order_no", "invoiceno", "invoice_no", "invoice" } },
  [ROLE_TIME] = { N_("date"), { "order_date", "created_at", "date", "sent_at", "timestamp", "event_time", "paid_at", "invoicedate", "invoice_date" } },
  [ROLE_AMOUNT] = { N_("amount"), { "amount", "total", "order_total", "revenue", "total_price" } },
  [ROLE_QUANTITY] = { N_("number of items"), { "items", "quantity", "qty", "item_count" } },
  [ROLE_CATEGORY] = { N_("category"), { "category", "product_category" } },
  [ROLE_CHANNEL] = { N_("sales channel"), { "channel", "sales_channel", "source" } },
  [ROLE_DISCOUNT] = { N_("discount"), { "discount", "discount_amount", "total_discounts" } },
  [ROLE_CAMPAIGN] = { N_("campaign"), { "campaign", "campaign_name", "campaign_title" } },
  [ROLE_OPENED] = { N_("email opens"), { "opened", "open", "opens" } },
  [ROLE_CLICKED] = { N_("email clicks"), { "clicked", "click", "clicks" } },
  [ROLE_UNIT_PRICE] = { N_("unit price"), { "unitprice", "unit_price", "price", "item_price" } },
};

/* Roles a file of each kind cannot do without. Who: an email address, or else a customer
 * number; an order's value: its amount, or else a unit price (times the quantity). */
static const Role required_contacts[] = { ROLE_EMAIL };
static const Role required_orders[] = { ROLE_EMAIL, ROLE_TIME, ROLE_AMOUNT };
static const Role required_engagement[] = { ROLE_EMAIL, ROLE_OPENED };

static Role
stand_in (Role role)
{
  switch (role)
    {
    case ROLE_EMAIL:
      return ROLE_CUSTOMER_KEY;
    case ROLE_AMOUNT:
      return ROLE_UNIT_PRICE;
    default:
      return N_ROLES;
    }
}

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

static gboolean
parse_number (const char *text,
              double     *out)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  const char *p = trimmed;
  char *end = NULL;

  /* A currency sign in front of the amount is common in shop exports. */
  if (g_str_has_prefix (p, "€"))
    p += strlen ("€");
  else if (g_str_has_prefix (p, "£"))
    p += strlen ("£");
  else if (*p == '$')
    p++;
  while (*p == ' ')
    p++;
  if (*p == '\0')
    return FALSE;

  *out = g_ascii_strtod (p, &end);
  return end != p && *end == '\0' && isfinite (*out);
}

static int
parse_flag (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);

  g_strstrip (lower);
  if (lower[0] == '\0')
    return -1;
  if (g_str_equal (lower, "1") || g_str_equal (lower, "yes") || g_str_equal (lower, "true") ||
      g_str_equal (lower, "y") || g_str_equal (lower, "ja"))
    return 1;
  if (g_str_equal (lower, "0") || g_str_equal (lower, "no") || g_str_equal (lower, "false") ||
      g_str_equal (lower, "n") || g_str_equal (lower, "nein"))
    return 0;
  return -2;
}

static const char *
field (CstCsvReader *reader,
       const int     columns[N_ROLES],
       Role          role)
{
  const char *value;

  if (columns[role] < 0)
    return NULL;
  value = cst_csv_reader_get_field (reader, columns[role]);
  return value[0] != '\0' ? value : NULL;
}

/* Fills @record from the current row, or returns the reason it cannot be read. */
static char *
parse_row (CstCsvReader        *reader,
           const int            columns[N_ROLES],
           const char * const  *header,
           CstSourceKind        kind,
           guint                n_columns,
           CstRecord           *record,
           char               **column_name)
{
  const char *text;

  if (cst_csv_reader_get_n_fields (reader) != n_columns)
    return g_strdup_printf (_("The row has %u fields, but the header has %u"),
                            cst_csv_reader_get_n_fields (reader), n_columns);

  record->customer_key = field (reader, columns, ROLE_CUSTOMER_KEY);
  record->email = field (reader, columns, ROLE_EMAIL);
  record->first_name = field (reader, columns, ROLE_FIRST_NAME);
  record->last_name = field (reader, columns, ROLE_LAST_NAME);
  record->phone = field (reader, columns, ROLE_PHONE);
  record->postcode = field (reader, columns, ROLE_POSTCODE);
  record->city = field (reader, columns, ROLE_CITY);
  record->country = field (reader, columns, ROLE_COUNTRY);
  record->order_id = field (reader, columns, ROLE_ORDER_ID);
  record->category = field (reader, columns, ROLE_CATEGORY);
  record->channel = field (reader, columns, ROLE_CHANNEL);
  record->campaign = field (reader, columns, ROLE_CAMPAIGN);

#define REJECT(role, fmt, value) \
  G_STMT_START { \
    *column_name = g_strdup (header[columns[role]]); \
    return g_strdup_printf (fmt, header[columns[role]], value); \
  } G_STMT_END

  if ((text = field (reader, columns, ROLE_CONSENT)) != NULL &&
      (record->consent = parse_flag (text)) == -2)
    REJECT (ROLE_CONSENT, _("Column “%s”: “%s” is neither yes nor no"), text);

  if ((text = field (reader, columns, ROLE_TIME)) != NULL &&
      !cst_import_parse_time (text, &record->event_time))
    REJECT (ROLE_TIME, _("Column “%s”: “%s” is not a date"), text);

  if ((text = field (reader, columns, ROLE_AMOUNT)) != NULL && !parse_number (text, &record->amount))
    REJECT (ROLE_AMOUNT, _("Column “%s”: “%s” is not an amount"), text);

  if ((text = field (reader, columns, ROLE_DISCOUNT)) != NULL && !parse_number (text, &record->discount))
    REJECT (ROLE_DISCOUNT, _("Column “%s”: “%s” is not an amount"), text);

  if ((text = field (reader, columns, ROLE_QUANTITY)) != NULL)
    {
      double quantity;

      /* Negative quantities are returns, as invoice exports write them. */
      if (!parse_number (text, &quantity) || quantity != floor (quantity) || fabs (quantity) > G_MAXINT)
        REJECT (ROLE_QUANTITY, _("Column “%s”: “%s” is not a whole number"), text);
      record->quantity = quantity >= 0 ? (int) quantity : -1;
    }

  if (isnan (record->amount) && (text = field (reader, columns, ROLE_UNIT_PRICE)) != NULL)
    {
      double price;

      if (!parse_number (text, &price))
        REJECT (ROLE_UNIT_PRICE, _("Column “%s”: “%s” is not an amount"), text);
      /* A line of an invoice: its value is the price times the quantity (negative for returns). */
      if ((text = field (reader, columns, ROLE_QUANTITY)) != NULL)
        {
          double quantity;

          if (!parse_number (text, &quantity))
            REJECT (ROLE_QUANTITY, _("Column “%s”: “%s” is not a number"), text);
          price *= quantity;
        }
      record->amount = price;
    }

  if ((text = field (reader, columns, ROLE_OPENED)) != NULL && (record->opened = parse_flag (text)) == -2)
    REJECT (ROLE_OPENED, _("Column “%s”: “%s” is neither yes nor no"), text);

  if ((text = field (reader, columns, ROLE_CLICKED)) != NULL && (record->clicked = parse_flag (text)) == -2)
    REJECT (ROLE_CLICKED, _("Column “%s”: “%s” is neither yes nor no"), text);

#undef REJECT

  /* An order nobody can be found for cannot describe anybody's behaviour. */
  if (kind == CST_SOURCE_ORDERS && record->email == NULL && record->customer_key == NULL)
    return g_strdup (_("The order has no email address and no customer number: it cannot be given to a person"));

  /* An order needs its date and amount to say anything about behaviour. */
  if (kind == CST_SOURCE_ORDERS && record->event_time == CST_NO_TIME)
    {
      *column_name = g_strdup (header[columns[ROLE_TIME]]);
      return g_strdup_printf (_("Column “%s” is empty: an order needs its date"), header[columns[ROLE_TIME]]);
    }
  if (kind == CST_SOURCE_ORDERS && isnan (record->amount))
    {
      Role role = columns[ROLE_AMOUNT] >= 0 ? ROLE_AMOUNT : ROLE_UNIT_PRICE;

      *column_name = g_strdup (header[columns[role]]);
      return g_strdup_printf (_("Column “%s” is empty: an order needs its amount"), header[columns[role]]);
    }

  return NULL;
}

static gboolean
check_required (const char  *display,
                CstSourceKind kind,
                const int    columns[N_ROLES],
                GError     **error)
{
  const Role *required;
  guint n;

  switch (kind)
    {
    case CST_SOURCE_CONTACTS:
      required = required_contacts, n = G_N_ELEMENTS (required_contacts);
      break;
    case CST_SOURCE_ORDERS:
      required = required_orders, n = G_N_ELEMENTS (required_orders);
      break;
    case CST_SOURCE_ENGAGEMENT:
    default:
      required = required_engagement, n = G_N_ELEMENTS (required_engagement);
      break;
    }

  for (guint i = 0; i < n; i++)
    {
      Role alternative = stand_in (required[i]);

      if (columns[required[i]] < 0 && (alternative == N_ROLES || columns[alternative] < 0))
        {
          g_autofree char *expected = g_strjoinv (", ", (char **) roles[required[i]].names);

          if (alternative != N_ROLES)
            {
              g_autofree char *expected_too = g_strjoinv (", ", (char **) roles[alternative].names);

              g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_MISSING_COLUMN,
                           _("“%s” has no column for the %s or the %s (expected one of: %s; or: %s)"),
                           display, _(roles[required[i]].description), _(roles[alternative].description),
                           expected, expected_too);
            }
          else
            g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_MISSING_COLUMN,
                         _("“%s” has no column for the %s (expected one of: %s)"),
                         display, _(roles[required[i]].description), expected);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * cst_import_csv:
 * @store: an open project
 * @path: a comma-separated UTF-8 file with a header row
 * @kind: a #CstSourceKind, or -1 to guess it from the header
 * @report: (out caller-allocates) (optional): what was imported
 *
 * Imports one file as a new source in one transaction. Every data row is kept raw; rows whose
 * values cannot be read are listed with the reason and column, never silently dropped. On a
 * missing column, a broken file or cancellation nothing is changed. Cost: one pass over the
 * file, constant memory.
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
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *message = NULL;
  int columns[N_ROLES];
  CstSourceKind source_kind;
  gint64 source_id;
  gint64 start = g_get_monotonic_time ();
  gsize n_rows = 0, n_rejected = 0;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  reader = cst_csv_reader_new (path, ',', error);
  if (reader == NULL)
    return FALSE;
  if (!cst_csv_reader_next (reader, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_EMPTY, _("“%s” is empty"), display);
      return FALSE;
    }
  for (guint i = 0; i < cst_csv_reader_get_n_fields (reader); i++)
    g_ptr_array_add (header, g_strdup (cst_csv_reader_get_field (reader, i)));
  g_ptr_array_add (header, NULL);

  map_columns ((const char * const *) header->pdata, columns);
  if (kind < 0)
    cst_import_guess_kind ((const char * const *) header->pdata, &source_kind);
  else
    source_kind = kind;
  if (!check_required (display, source_kind, columns, error))
    return FALSE;

  message = g_strdup_printf (_("Importing %s"), basename);
  cst_progress_report (progress, progress_data, 0.0, message);

  if (!cst_store_begin (store, error))
    return FALSE;
  source_id = cst_store_add_source (store, basename, path, source_kind,
                                    (const char * const *) header->pdata, error);
  if (source_id < 0)
    goto fail;

  while (cst_csv_reader_next (reader, &local_error))
    {
      CstRecord record = {
        .source_id = source_id,
        .consent = -1,
        .event_time = CST_NO_TIME,
        .amount = NAN,
        .quantity = -1,
        .discount = NAN,
        .opened = -1,
        .clicked = -1,
      };
      g_autofree char *reason = NULL;
      g_autofree char *column_name = NULL;
      const char *raw;
      gsize raw_length;

      n_rows++;
      record.row_number = n_rows;
      raw = cst_csv_reader_get_raw (reader, &raw_length);
      if (!cst_store_add_raw_row (store, source_id, n_rows, cst_csv_reader_get_line (reader),
                                  raw, raw_length, error))
        goto fail;

      reason = parse_row (reader, columns, (const char * const *) header->pdata, source_kind,
                          header->len - 1, &record, &column_name);
      if (reason != NULL)
        {
          n_rejected++;
          if (!cst_store_add_rejected_row (store, source_id, n_rows, column_name, reason, error))
            goto fail;
        }
      else if (!cst_store_add_record (store, &record, error))
        goto fail;

      if ((n_rows & 0x7ff) == 0)
        {
          goffset size = cst_csv_reader_get_size (reader);

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            goto fail;
          if (size > 0)
            cst_progress_report (progress, progress_data,
                                 (double) cst_csv_reader_get_offset (reader) / size, message);
        }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  if (!cst_store_finish_source (store, source_id, n_rows, n_rejected, error) ||
      !cst_store_commit (store, error))
    goto fail;

  if (report != NULL)
    {
      report->source_id = source_id;
      report->kind = source_kind;
      report->n_rows = n_rows;
      report->n_imported = n_rows - n_rejected;
      report->n_rejected = n_rejected;
      report->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
    }
  cst_progress_report (progress, progress_data, 1.0, message);
  return TRUE;

fail:
  cst_store_rollback (store);
  return FALSE;
}
