/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-import-plan"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cst-import-plan.h"

#include "cst-csv.h"
#include "cst-parse.h"
#include "cst-aligned.h"
#include "cst-xlsx.h"

/* A plan says how to read one file: the sniffed settings, the inferred roles and the user's
 * changes to both. cst_import_file() then streams the whole file once, in one transaction:
 * every data row is kept raw, rows whose used values read are stored as records, the others
 * as rejected rows naming the column and the reason. Memory is constant in the size of the
 * file; the plan itself holds at most the sniffed sample. */

/* Rows between two cancellation checks and progress reports. */
#define CHECK_INTERVAL 2048

/* U+FEFF, the byte-order mark, in UTF-8. */
#define BOM "\xEF\xBB\xBF"

/* Larger amounts are typing or export errors, not purchases: a trillion in any currency, which
 * also keeps sums of many amounts far from overflowing. */
#define MAX_AMOUNT 1e12

/* Header names the skeleton's importer read by name, normalised (lower case; spaces, dashes
 * and dots as '_'). Inference weighs names against values, so a column whose sample holds
 * broken values ("yesterday" under order_date) gets no role from it; a header that names the
 * role exactly still gives it, and the broken rows are rejected one by one with their reason
 * instead of the whole column being ignored. */
typedef struct
{
  CstRole     role;
  const char *names;    /* '|'-separated */
} HeaderRole;

static const HeaderRole exact_names[] = {
  { CST_ROLE_CUSTOMER_KEY, "customer_id|customerid|contact_id|customer_number|customer" },
  { CST_ROLE_EMAIL, "email|e_mail|email_address|customer_email|mail" },
  { CST_ROLE_FIRST_NAME, "first_name|firstname|given_name" },
  { CST_ROLE_LAST_NAME, "last_name|lastname|surname|family_name" },
  { CST_ROLE_PHONE, "phone|phone_number|mobile|telephone" },
  { CST_ROLE_POSTCODE, "postcode|postal_code|zip|zip_code|plz" },
  { CST_ROLE_CITY, "city|town" },
  { CST_ROLE_COUNTRY, "country|country_code" },
  { CST_ROLE_CONSENT, "newsletter_consent|consent|accepts_marketing|opt_in" },
  { CST_ROLE_ORDER_ID, "order_id|order_number|order_no|invoiceno|invoice_no|invoice" },
  { CST_ROLE_ORDER_DATE, "order_date|created_at|date|paid_at|invoicedate|invoice_date" },
  { CST_ROLE_EVENT_TIME, "sent_at|timestamp|event_time" },
  { CST_ROLE_AMOUNT, "amount|total|order_total|revenue|total_price" },
  { CST_ROLE_QUANTITY, "items|quantity|qty|item_count" },
  { CST_ROLE_CATEGORY, "category|product_category" },
  { CST_ROLE_CHANNEL, "channel|sales_channel|source" },
  { CST_ROLE_DISCOUNT, "discount|discount_amount|total_discounts" },
  { CST_ROLE_CAMPAIGN, "campaign|campaign_name|campaign_title" },
  { CST_ROLE_OPENED, "opened|open|opens" },
  { CST_ROLE_CLICKED, "clicked|click|clicks" },
  { CST_ROLE_UNIT_PRICE, "unitprice|unit_price|price|item_price" },
};

/* Spellings of yes and no in the languages whose headers inference reads, lower case. */
static const char * const yes_words[] = { "1", "yes", "y", "true", "t", "ja", "j", "wahr", "oui",
                                          "vrai", "si", "sí", "sim", "verdadero", "verdadeiro",
                                          "x" };
static const char * const no_words[] = { "0", "no", "n", "false", "f", "nein", "falsch", "non",
                                         "faux", "não", "nao", "falso" };

/* The state of one import: which column each used role reads and a scratch pool for the
 * current row's trimmed values. */
typedef struct
{
  const CstImportPlan *plan;
  int                  columns[CST_N_ROLES];
  int                  time_column;
  guint                n_expected;      /* fields a row should have: the header's */
  gboolean             uses_extra;      /* a role reads a column past the header's */
  CstDateFormat        ambiguous;       /* how to read a day-or-month date without a format */
  GPtrArray           *scratch;         /* owned strings of the current row */
  GHashTable          *orders;          /* (nullable): order number → OrderRef, for lines */
} Reading;

/* Who placed an order and when, from the orders file that order lines are linked to. */
typedef struct
{
  char   *customer_key;  /* (nullable) */
  char   *email;         /* (nullable) */
  gint64  time;          /* CST_NO_TIME when unknown */
} OrderRef;

static void
order_ref_free (gpointer data)
{
  OrderRef *ref = data;

  g_free (ref->customer_key);
  g_free (ref->email);
  g_free (ref);
}

/* An Excel workbook is read through a temporary CSV of its sheet (see cst-xlsx.c). Its path
 * lives in an atomic reference-counted box shared by a plan and its copies, since the wizard
 * keeps its plan while an import job reads a copy; the file goes with the last of them. */
static char *
temporary_path_new (const char *path)
{
  gsize size = strlen (path) + 1;
  char *box = g_atomic_rc_box_alloc (size);

  memcpy (box, path, size);
  return box;
}

static void
delete_temporary_file (gpointer data)
{
  g_unlink (data);
}

/* The file the rows are read from. */
static const char *
read_path (const CstImportPlan *self)
{
  return self->csv_path != NULL ? self->csv_path : self->path;
}

/* A workbook by its contents, or by its name: an "xlsx" that is no workbook gets the
 * workbook reader's message saying so, not the text sniffer's guesses about binary data. */
static gboolean
is_workbook (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return cst_xlsx_is_workbook (path) || g_str_has_suffix (lower, ".xlsx");
}

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

static gboolean
in_names (const char *names,
          const char *name)
{
  g_auto(GStrv) list = g_strsplit (names, "|", -1);

  return g_strv_contains ((const char * const *) list, name);
}

static int
find_role (const CstImportPlan *self,
           CstRole              role)
{
  for (guint c = 0; c < self->n_columns; c++)
    if (self->roles[c] == role)
      return c;
  return -1;
}

static gboolean
has_role (const CstImportPlan *self,
          CstRole              role)
{
  return find_role (self, role) >= 0;
}

/* Semicolon files and decimal commas come from the spreadsheets of countries that write the
 * day first; comma files with decimal points mostly from US tools, which write the month
 * first. Only a default: the plan keeps the ambiguity for the wizard to ask about. */
static CstDateFormat
ambiguous_date_choice (char delimiter,
                       char decimal)
{
  return delimiter == ';' || decimal == ',' ? CST_DATE_FORMAT_DMY : CST_DATE_FORMAT_MDY;
}

static CstDateFormat
choose_date_format (const CstSniffResult *sniff,
                    guint                 column)
{
  const CstSniffColumn *sc = &sniff->columns[column];
  CstDateFormat ambiguous = ambiguous_date_choice (sniff->delimiter, sniff->decimal);
  guint counts[8] = { 0 };
  CstDateFormat best = CST_DATE_FORMAT_NONE;
  double best_score = 0;

  if (sc->n_dates == 0)
    return CST_DATE_FORMAT_NONE;
  if (sc->date_ambiguous)
    return ambiguous;
  if (sc->date_formats != 0)
    return sc->date_formats & -sc->date_formats;

  /* Dates written in several formats: read the column in the one most of them use; the
   * others are rejected row by row with their reason, and the wizard warns about the mix. */
  for (guint r = 0; r < sniff->rows->len; r++)
    {
      CstDateFormat mask = cst_parse_date_fits (cst_sniff_result_get_value (sniff, r, column), NULL);

      for (guint bit = 0; bit < G_N_ELEMENTS (counts); bit++)
        if (mask & (1u << bit))
          counts[bit]++;
    }
  for (guint bit = 0; bit < G_N_ELEMENTS (counts); bit++)
    {
      double score = counts[bit] + ((1u << bit) == (guint) ambiguous ? 0.5 : 0);

      if (counts[bit] > 0 && score > best_score)
        {
          best = 1u << bit;
          best_score = score;
        }
    }
  return best;
}

/* Decides what the file holds from the roles when the exact header names added some, with
 * the same row rules as the inference: a date or order number with something bought is a
 * purchase, an opened or clicked flag engagement, an event type with a time an event. */
static CstFileKind
kind_from_roles (const CstImportPlan *self,
                 CstFileKind          inferred)
{
  if ((has_role (self, CST_ROLE_ORDER_DATE) || has_role (self, CST_ROLE_ORDER_ID)) &&
      (has_role (self, CST_ROLE_AMOUNT) || has_role (self, CST_ROLE_UNIT_PRICE) ||
       has_role (self, CST_ROLE_QUANTITY) || has_role (self, CST_ROLE_PRODUCT)))
    return CST_FILE_KIND_TRANSACTIONS;
  if (has_role (self, CST_ROLE_OPENED) || has_role (self, CST_ROLE_CLICKED))
    return CST_FILE_KIND_ENGAGEMENT;
  if (has_role (self, CST_ROLE_EVENT_TYPE) &&
      (has_role (self, CST_ROLE_EVENT_TIME) || has_role (self, CST_ROLE_ORDER_DATE)))
    return CST_FILE_KIND_EVENTS;
  if (inferred != CST_FILE_KIND_UNKNOWN)
    return inferred;
  if (has_role (self, CST_ROLE_EMAIL) || has_role (self, CST_ROLE_CUSTOMER_KEY))
    return CST_FILE_KIND_CONTACTS;
  return CST_FILE_KIND_UNKNOWN;
}

/* Roles whose values are read and checked row by row: a broken value rejects its row with a
 * reason. */
static gboolean
is_checked_role (CstRole role)
{
  switch ((int) role)
    {
    case CST_ROLE_EMAIL:
    case CST_ROLE_ORDER_DATE:
    case CST_ROLE_EVENT_TIME:
    case CST_ROLE_AMOUNT:
    case CST_ROLE_UNIT_PRICE:
    case CST_ROLE_QUANTITY:
    case CST_ROLE_DISCOUNT:
    case CST_ROLE_OPENED:
    case CST_ROLE_CLICKED:
    case CST_ROLE_CONSENT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The role @name (normalised) names exactly, or CST_ROLE_NONE. */
static CstRole
exact_role (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (exact_names); i++)
    if (in_names (exact_names[i].names, name))
      return exact_names[i].role;
  return CST_ROLE_NONE;
}

/* Gives columns the role their header names exactly; see exact_names. A column without a role
 * takes it when no other column has it. A column that inference gave another role, because
 * broken values in its sample hid what it holds ("order_date" with impossible dates read as
 * an order number), takes a checked role too, from whichever column had it, unless a second
 * header names the same role: then the header cannot decide. */
static gboolean
apply_exact_names (CstImportPlan *self)
{
  g_autofree CstRole *named = g_new0 (CstRole, self->n_columns);
  gboolean changed = FALSE;

  for (guint c = 0; c < self->n_columns; c++)
    {
      g_autofree char *name = normalize_header (self->column_names[c]);

      named[c] = exact_role (name);
    }

  for (guint c = 0; c < self->n_columns; c++)
    {
      CstRole role = named[c];
      guint n_named = 0;

      if (role == CST_ROLE_NONE || self->roles[c] == role)
        continue;
      if (self->roles[c] == CST_ROLE_NONE)
        {
          if (!has_role (self, role))
            {
              self->roles[c] = role;
              changed = TRUE;
            }
          continue;
        }

      for (guint other = 0; other < self->n_columns; other++)
        if (named[other] == role)
          n_named++;
      if (!is_checked_role (role) || n_named > 1)
        continue;
      for (guint other = 0; other < self->n_columns; other++)
        if (self->roles[other] == role)
          self->roles[other] = CST_ROLE_NONE;
      self->roles[c] = role;
      changed = TRUE;
    }
  return changed;
}

/* Takes @sniff and @inference and fills the plan from them. With @keep_choices the user's
 * roles, kind and date formats stay; the columns must be the same. */
static void
take_analysis (CstImportPlan  *self,
               CstSniffResult *sniff,
               CstInference   *inference,
               gboolean        keep_choices)
{
  g_autofree CstRole *old_roles = keep_choices ? g_steal_pointer (&self->roles) : NULL;
  g_autofree CstDateFormat *old_formats = keep_choices ? g_steal_pointer (&self->date_formats) : NULL;

  g_clear_pointer (&self->sniff, cst_sniff_result_free);
  g_clear_pointer (&self->inference, cst_inference_free);
  g_clear_pointer (&self->roles, g_free);
  g_clear_pointer (&self->date_formats, g_free);
  g_clear_pointer (&self->column_names, g_strfreev);
  g_clear_pointer (&self->encoding, g_free);

  self->sniff = sniff;
  self->inference = inference;
  self->encoding = g_strdup (sniff->encoding);
  self->delimiter = sniff->delimiter;
  self->has_header = sniff->has_header;
  self->decimal = sniff->decimal;
  self->thousands = sniff->thousands;
  self->n_columns = sniff->n_columns;
  self->column_names = g_strdupv (sniff->header);
  self->roles = g_new0 (CstRole, self->n_columns);
  self->date_formats = g_new0 (CstDateFormat, self->n_columns);

  for (guint c = 0; c < self->n_columns; c++)
    {
      CstDateFormat format = choose_date_format (sniff, c);

      self->date_formats[c] = format;
      /* A format the user chose stays while the new reading still finds dates it reads. */
      if (old_formats != NULL && old_formats[c] != CST_DATE_FORMAT_NONE &&
          ((guint) old_formats[c] & (guint) sniff->columns[c].date_formats) != 0)
        self->date_formats[c] = old_formats[c];
    }

  if (old_roles != NULL)
    {
      memcpy (self->roles, old_roles, sizeof (CstRole) * self->n_columns);
      return;
    }

  for (guint c = 0; c < self->n_columns; c++)
    self->roles[c] = inference->columns[c].role;
  self->kind = inference->kind;
  /* A recognised export knows what it holds; otherwise the exact names may say more. */
  if (apply_exact_names (self) && inference->export == CST_EXPORT_NONE)
    self->kind = kind_from_roles (self, inference->kind);
}

/* Sniff errors are about "the file"; the wizard lists several, so each message names its own. */
static void
name_file_in_error (GError     **error,
                    const char  *display)
{
  if (error == NULL || *error == NULL)
    return;
  if (g_error_matches (*error, CST_SNIFF_ERROR, CST_SNIFF_ERROR_EMPTY))
    {
      g_clear_error (error);
      g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_EMPTY, _("“%s” is empty"), display);
    }
  else if (strstr ((*error)->message, display) == NULL)
    /* Translators: the file's name, then what is wrong with it */
    g_prefix_error (error, _("“%s”: "), display);
}

static char **
strv_copy_n (char  **strv,
             guint   n)
{
  char **copy = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    copy[i] = g_strdup (strv[i]);
  return copy;
}

static CstSniffResult *
sniff_result_copy (const CstSniffResult *sniff)
{
  CstSniffResult *copy = g_memdup2 (sniff, sizeof *sniff);

  copy->path = g_strdup (sniff->path);
  copy->encoding = g_strdup (sniff->encoding);
  copy->header = strv_copy_n (sniff->header, sniff->n_columns);
  copy->rows = g_ptr_array_new_full (sniff->rows->len, (GDestroyNotify) g_strfreev);
  for (guint r = 0; r < sniff->rows->len; r++)
    g_ptr_array_add (copy->rows, strv_copy_n (g_ptr_array_index (sniff->rows, r), sniff->n_columns));
  copy->columns = g_memdup2 (sniff->columns, sizeof (CstSniffColumn) * sniff->n_columns);
  return copy;
}

static CstInference *
inference_copy (const CstInference *inference)
{
  CstInference *copy = g_memdup2 (inference, sizeof *inference);

  copy->columns = g_memdup2 (inference->columns, sizeof (CstColumnInference) * inference->n_columns);
  for (guint c = 0; c < inference->n_columns; c++)
    {
      copy->columns[c].name = g_strdup (inference->columns[c].name);
      copy->columns[c].samples = g_strdupv (inference->columns[c].samples);
      copy->columns[c].warnings = g_strdupv (inference->columns[c].warnings);
    }
  copy->detected_export = g_strdup (inference->detected_export);
  return copy;
}

static gboolean
source_kind_for_file_kind (CstFileKind    kind,
                           CstSourceKind *source_kind)
{
  switch (kind)
    {
    case CST_FILE_KIND_CONTACTS:
      *source_kind = CST_SOURCE_CONTACTS;
      return TRUE;
    case CST_FILE_KIND_TRANSACTIONS:
      *source_kind = CST_SOURCE_ORDERS;
      return TRUE;
    case CST_FILE_KIND_ENGAGEMENT:
      *source_kind = CST_SOURCE_ENGAGEMENT;
      return TRUE;
    case CST_FILE_KIND_UNKNOWN:
    case CST_FILE_KIND_EVENTS:
    case CST_N_FILE_KINDS:
    default:
      return FALSE;
    }
}

/* Row reading */

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t';
}

/* The value of @role in the current row, trimmed; NULL when the role has no column or the
 * value is empty or an NA marker. Valid until the next row. */
static const char *
value_of (Reading      *reading,
          CstCsvReader *reader,
          int           column)
{
  g_autoptr(GString) copy = NULL;
  const char *text;
  gsize length;

  if (column < 0)
    return NULL;
  text = cst_csv_reader_get_field (reader, column);
  /* A byte-order mark inside the file (exports joined together) is no part of the value. */
  while (g_str_has_prefix (text, BOM))
    text += strlen (BOM);
  if (cst_parse_is_na (text))
    return NULL;
  length = strlen (text);
  if (!is_space (text[0]) && !is_space (text[length - 1]) && strstr (text, BOM) == NULL)
    return text;

  copy = g_string_new (text);
  g_string_replace (copy, BOM, "", 0);
  text = g_strstrip (g_string_free (g_steal_pointer (&copy), FALSE));
  g_ptr_array_add (reading->scratch, (char *) text);
  return cst_parse_is_na (text) ? NULL : text;
}

static const char *
role_value (Reading      *reading,
            CstCsvReader *reader,
            CstRole       role)
{
  return value_of (reading, reader, reading->columns[role]);
}

/* 1 for yes, 0 for no, -2 when @text says neither. A count (of opens, of clicks) says yes
 * above zero; a date (when the email was opened, when consent was given) says yes. */
static int
parse_flag (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  double number;

  for (guint i = 0; i < G_N_ELEMENTS (yes_words); i++)
    if (g_str_equal (lower, yes_words[i]))
      return 1;
  for (guint i = 0; i < G_N_ELEMENTS (no_words); i++)
    if (g_str_equal (lower, no_words[i]))
      return 0;
  if (cst_parse_number (text, '.', '\0', &number, NULL) && number >= 0 && number == floor (number))
    return number > 0;
  if (cst_parse_date_fits (text, NULL) != CST_DATE_FORMAT_NONE)
    return 1;
  return -2;
}

static gboolean
parse_date (const Reading *reading,
            const char    *text,
            CstDateFormat  format,
            gint64        *out)
{
  CstDateFormat fits;

  if (format != CST_DATE_FORMAT_NONE)
    return cst_parse_datetime (text, format, out);

  /* A column the sample gave no format (its sampled values were no dates): each value is
   * read in the one format it fits, day-or-month dates as the plan reads ambiguous ones. */
  fits = cst_parse_date_fits (text, NULL);
  if ((fits & CST_DATE_FORMAT_DMY) && (fits & CST_DATE_FORMAT_MDY))
    fits = reading->ambiguous;
  if (fits == CST_DATE_FORMAT_NONE || (fits & (fits - 1)) != 0)
    return FALSE;
  return cst_parse_datetime (text, fits, out);
}

/* Splits "Anna Maria Schmidt" into "Anna Maria" and "Schmidt", at the last space; a single
 * word is taken as the first name. */
static void
split_full_name (Reading     *reading,
                 const char  *full,
                 const char **first,
                 const char **last)
{
  const char *space = strrchr (full, ' ');

  if (space == NULL)
    {
      *first = full;
      *last = NULL;
      return;
    }
  *first = g_strstrip (g_strndup (full, space - full));
  g_ptr_array_add (reading->scratch, (char *) *first);
  *last = space + 1;
}

/* An email address a person could have: one @ with text on both sides and no spaces. Only
 * what is certainly wrong is refused; whether the address exists is not for an import to say.
 * A wrong address refused here would otherwise merge strangers into one person ("@x.de"). */
static gboolean
is_email_address (const char *text)
{
  const char *at = strchr (text, '@');

  return at != NULL && at != text && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
         strpbrk (text, " \t\r\n") == NULL;
}

/* The current row is the header again, as where exports were joined one after the other. */
static gboolean
repeats_header (const Reading *reading,
                CstCsvReader  *reader)
{
  const CstImportPlan *plan = reading->plan;
  guint n_fields = cst_csv_reader_get_n_fields (reader);

  if (!plan->has_header || n_fields != reading->n_expected)
    return FALSE;
  for (guint c = 0; c < n_fields; c++)
    {
      const char *field = cst_csv_reader_get_field (reader, c);

      const char *name = plan->column_names[c];
      gsize length;

      while (g_str_has_prefix (field, BOM))
        field += strlen (BOM);
      while (is_space (*field))
        field++;
      length = strlen (field);
      while (length > 0 && is_space (field[length - 1]))
        length--;
      if (strlen (name) != length || strncmp (field, name, length) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Whether a row with another number of fields than the header can still be read: fields past
 * the header's are accepted when empty (a delimiter at the end of each data row) or when the
 * user gave one of those extra columns a role. */
static gboolean
fields_fit (const Reading *reading,
            CstCsvReader  *reader,
            guint          n_fields)
{
  if (n_fields == reading->n_expected)
    return TRUE;
  if (n_fields < reading->n_expected || n_fields > reading->plan->n_columns)
    return FALSE;
  if (reading->uses_extra)
    return TRUE;
  for (guint c = reading->n_expected; c < n_fields; c++)
    if (cst_csv_reader_get_field (reader, c)[0] != '\0')
      return FALSE;
  return TRUE;
}

/* Fills @record from the current row, or returns the reason it cannot be read and the name
 * of the column to blame in @column_name. */
static char *
parse_row (Reading       *reading,
           CstCsvReader  *reader,
           CstRecord     *record,
           char         **column_name)
{
  const CstImportPlan *plan = reading->plan;
  char * const *names = plan->column_names;
  const int *columns = reading->columns;
  guint n_fields = cst_csv_reader_get_n_fields (reader);
  const char *text;

  if (!fields_fit (reading, reader, n_fields))
    {
      if (plan->has_header)
        return g_strdup_printf (ngettext ("The row has %u field, but the header has %u",
                                          "The row has %u fields, but the header has %u",
                                          n_fields),
                                n_fields, reading->n_expected);
      return g_strdup_printf (ngettext ("The row has %u field, but the other rows have %u",
                                        "The row has %u fields, but the other rows have %u",
                                        n_fields),
                              n_fields, reading->n_expected);
    }
  if (repeats_header (reading, reader))
    return g_strdup (_("The row repeats the column names: were several exports joined into one "
                       "file?"));

  record->customer_key = role_value (reading, reader, CST_ROLE_CUSTOMER_KEY);
  record->email = role_value (reading, reader, CST_ROLE_EMAIL);
  record->first_name = role_value (reading, reader, CST_ROLE_FIRST_NAME);
  record->last_name = role_value (reading, reader, CST_ROLE_LAST_NAME);
  record->phone = role_value (reading, reader, CST_ROLE_PHONE);
  record->postcode = role_value (reading, reader, CST_ROLE_POSTCODE);
  record->city = role_value (reading, reader, CST_ROLE_CITY);
  record->country = role_value (reading, reader, CST_ROLE_COUNTRY);
  record->order_id = role_value (reading, reader, CST_ROLE_ORDER_ID);
  record->category = role_value (reading, reader, CST_ROLE_CATEGORY);
  record->channel = role_value (reading, reader, CST_ROLE_CHANNEL);
  record->campaign = role_value (reading, reader, CST_ROLE_CAMPAIGN);

  if (record->first_name == NULL && record->last_name == NULL &&
      (text = role_value (reading, reader, CST_ROLE_FULL_NAME)) != NULL)
    split_full_name (reading, text, &record->first_name, &record->last_name);

#define REJECT(column, format, value) \
  G_STMT_START { \
    *column_name = g_strdup (names[column]); \
    return g_strdup_printf (format, names[column], value); \
  } G_STMT_END

  /* A line break in a key or an address means a quotation mark opened a value and the
   * following lines ran into it; the row is several rows glued together. */
  {
    static const CstRole single_line[] = { CST_ROLE_CUSTOMER_KEY, CST_ROLE_EMAIL,
                                           CST_ROLE_ORDER_ID, CST_ROLE_PHONE };

    for (guint i = 0; i < G_N_ELEMENTS (single_line); i++)
      if ((text = role_value (reading, reader, single_line[i])) != NULL &&
          strpbrk (text, "\r\n") != NULL)
        {
          *column_name = g_strdup (names[columns[single_line[i]]]);
          return g_strdup_printf (_("Column “%s”: the value runs over several lines. A quotation "
                                    "mark (\") is probably missing or one too many."),
                                  names[columns[single_line[i]]]);
        }
  }

  if (record->email != NULL && !is_email_address (record->email))
    REJECT (columns[CST_ROLE_EMAIL], _("Column “%s”: “%s” is not an email address"), record->email);

  if ((text = role_value (reading, reader, CST_ROLE_CONSENT)) != NULL &&
      (record->consent = parse_flag (text)) == -2)
    REJECT (columns[CST_ROLE_CONSENT], _("Column “%s”: “%s” is neither yes nor no"), text);

  if ((text = value_of (reading, reader, reading->time_column)) != NULL &&
      !parse_date (reading, text, plan->date_formats[reading->time_column], &record->event_time))
    {
      CstDateFormat format = plan->date_formats[reading->time_column];
      CstDateFormat fits = cst_parse_date_fits (text, NULL);

      /* A real date in another format than the column's: say which one the column is read
       * in, so that the marketer sees the mix rather than a "date that is not a date". */
      if (format != CST_DATE_FORMAT_NONE && fits != CST_DATE_FORMAT_NONE && (fits & format) == 0)
        {
          *column_name = g_strdup (names[reading->time_column]);
          /* Translators: a column, a value and a date pattern such as YYYY-MM-DD */
          return g_strdup_printf (_("Column “%s”: “%s” is written in another date format than "
                                    "the column, which is read as %s"),
                                  names[reading->time_column], text,
                                  cst_date_format_to_string (format));
        }
      REJECT (reading->time_column, _("Column “%s”: “%s” is not a date"), text);
    }

  if ((text = role_value (reading, reader, CST_ROLE_AMOUNT)) != NULL &&
      !cst_parse_number (text, plan->decimal, plan->thousands, &record->amount, NULL))
    REJECT (columns[CST_ROLE_AMOUNT], _("Column “%s”: “%s” is not an amount"), text);
  if (text != NULL && fabs (record->amount) >= MAX_AMOUNT)
    REJECT (columns[CST_ROLE_AMOUNT], _("Column “%s”: “%s” is too large to be an amount"), text);

  if ((text = role_value (reading, reader, CST_ROLE_DISCOUNT)) != NULL &&
      !cst_parse_number (text, plan->decimal, plan->thousands, &record->discount, NULL))
    REJECT (columns[CST_ROLE_DISCOUNT], _("Column “%s”: “%s” is not an amount"), text);

  if ((text = role_value (reading, reader, CST_ROLE_QUANTITY)) != NULL)
    {
      double quantity;

      /* Negative quantities are returns, as invoice exports write them. */
      if (!cst_parse_number (text, plan->decimal, plan->thousands, &quantity, NULL) ||
          quantity != floor (quantity) || fabs (quantity) > G_MAXINT)
        REJECT (columns[CST_ROLE_QUANTITY], _("Column “%s”: “%s” is not a whole number"), text);
      record->quantity = quantity >= 0 ? (int) quantity : -1;

      if (isnan (record->amount) && (text = role_value (reading, reader, CST_ROLE_UNIT_PRICE)) != NULL)
        {
          double price;

          if (!cst_parse_number (text, plan->decimal, plan->thousands, &price, NULL))
            REJECT (columns[CST_ROLE_UNIT_PRICE], _("Column “%s”: “%s” is not an amount"), text);
          /* A line of an invoice: its value is the price times the quantity (negative for
           * returns). */
          record->amount = price * quantity;
        }
    }
  else if (isnan (record->amount) && (text = role_value (reading, reader, CST_ROLE_UNIT_PRICE)) != NULL &&
           !cst_parse_number (text, plan->decimal, plan->thousands, &record->amount, NULL))
    REJECT (columns[CST_ROLE_UNIT_PRICE], _("Column “%s”: “%s” is not an amount"), text);

  if ((text = role_value (reading, reader, CST_ROLE_OPENED)) != NULL &&
      (record->opened = parse_flag (text)) == -2)
    REJECT (columns[CST_ROLE_OPENED], _("Column “%s”: “%s” is neither yes nor no"), text);

  if ((text = role_value (reading, reader, CST_ROLE_CLICKED)) != NULL &&
      (record->clicked = parse_flag (text)) == -2)
    REJECT (columns[CST_ROLE_CLICKED], _("Column “%s”: “%s” is neither yes nor no"), text);

#undef REJECT

  if (plan->kind != CST_FILE_KIND_TRANSACTIONS)
    return NULL;

  /* A line of an order takes the person and the date of its order. */
  if (reading->orders != NULL && record->order_id != NULL)
    {
      const OrderRef *ref = g_hash_table_lookup (reading->orders, record->order_id);

      if (ref != NULL)
        {
          if (record->customer_key == NULL && record->email == NULL)
            {
              record->customer_key = ref->customer_key;
              record->email = ref->email;
            }
          if (ref->time != CST_NO_TIME)
            record->event_time = ref->time;
        }
    }

  /* An order nobody can be found for cannot describe anybody's behaviour. */
  if (record->email == NULL && record->customer_key == NULL)
    return g_strdup (_("The order has no email address and no customer number: it cannot be given to a person"));

  /* An order needs its date and amount to say anything about behaviour. */
  if (record->event_time == CST_NO_TIME)
    {
      *column_name = g_strdup (names[reading->time_column]);
      return g_strdup_printf (_("Column “%s” is empty: an order needs its date"),
                              names[reading->time_column]);
    }
  if (isnan (record->amount))
    {
      int column = columns[CST_ROLE_AMOUNT] >= 0 ? columns[CST_ROLE_AMOUNT] : columns[CST_ROLE_UNIT_PRICE];

      *column_name = g_strdup (names[column]);
      return g_strdup_printf (_("Column “%s” is empty: an order needs its amount"), names[column]);
    }

  return NULL;
}

/* Opens the file as UTF-8 records: directly when it is UTF-8, through a converting stream
 * otherwise. @base receives the stream of the file's own bytes, for progress. */
static CstCsvReader *
open_reader (const CstImportPlan  *plan,
             GInputStream        **base,
             GCancellable         *cancellable,
             GError              **error)
{
  g_autoptr(GInputStream) stream = NULL;
  GInputStream *file_stream;
  GStatBuf st;

  *base = NULL;
  if (g_ascii_strcasecmp (plan->encoding, "UTF-8") == 0)
    return cst_csv_reader_new (read_path (plan), plan->delimiter, error);

  stream = cst_sniff_open_utf8 (read_path (plan), plan->encoding, cancellable, error);
  if (stream == NULL)
    {
      name_file_in_error (error, plan->display_name);
      return NULL;
    }
  file_stream = G_IS_FILTER_INPUT_STREAM (stream)
                  ? g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream))
                  : stream;
  *base = g_object_ref (file_stream);
  return cst_csv_reader_new_for_stream (stream, plan->path,
                                        g_stat (read_path (plan), &st) == 0 ? st.st_size : 0,
                                        plan->delimiter);
}

static double
read_fraction (CstCsvReader *reader,
               GInputStream *base)
{
  goffset size = cst_csv_reader_get_size (reader);
  goffset offset;

  if (size <= 0)
    return 0;
  offset = base != NULL && G_IS_SEEKABLE (base) ? g_seekable_tell (G_SEEKABLE (base))
                                                : cst_csv_reader_get_offset (reader);
  return CLAMP ((double) offset / size, 0.0, 1.0);
}

/* Who placed each order and when, from the orders file @orders: order number → OrderRef, the
 * first row of each number. Cost: one pass over the file; memory for one entry per order. */
static GHashTable *
read_order_refs (const CstImportPlan  *orders,
                 GCancellable         *cancellable,
                 GError              **error)
{
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GInputStream) base = NULL;
  g_autoptr(GPtrArray) scratch = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      order_ref_free);
  g_autoptr(GError) local_error = NULL;
  Reading reading = { .plan = orders, .scratch = scratch, .n_expected = orders->n_columns };
  gsize n_read = 0;
  int time_column;

  for (guint r = 0; r < CST_N_ROLES; r++)
    reading.columns[r] = find_role (orders, r);
  reading.ambiguous = ambiguous_date_choice (orders->delimiter, orders->decimal);
  time_column = reading.columns[CST_ROLE_ORDER_DATE] >= 0 ? reading.columns[CST_ROLE_ORDER_DATE]
                                                          : reading.columns[CST_ROLE_EVENT_TIME];

  reader = open_reader (orders, &base, cancellable, error);
  if (reader == NULL)
    return NULL;
  if (orders->has_header && !cst_csv_reader_next (reader, &local_error))
    goto done;

  while (cst_csv_reader_next (reader, &local_error))
    {
      const char *id = role_value (&reading, reader, CST_ROLE_ORDER_ID);
      const char *text;

      if (id != NULL && !g_hash_table_contains (refs, id))
        {
          OrderRef *ref = g_new0 (OrderRef, 1);

          ref->customer_key = g_strdup (role_value (&reading, reader, CST_ROLE_CUSTOMER_KEY));
          ref->email = g_strdup (role_value (&reading, reader, CST_ROLE_EMAIL));
          ref->time = CST_NO_TIME;
          if (time_column >= 0 && (text = value_of (&reading, reader, time_column)) != NULL &&
              !parse_date (&reading, text, orders->date_formats[time_column], &ref->time))
            ref->time = CST_NO_TIME;
          g_hash_table_insert (refs, g_strdup (id), ref);
        }
      g_ptr_array_set_size (scratch, 0);

      if ((++n_read % CHECK_INTERVAL) == 0 &&
          g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }

done:
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&refs);
}

static gboolean
import_rows (CstStore             *store,
             const CstImportPlan  *plan,
             CstSourceKind         source_kind,
             CstImportReport      *report,
             GCancellable         *cancellable,
             CstProgressFunc       progress,
             gpointer              progress_data,
             GError              **error)
{
  g_autoptr(CstCsvReader) reader = NULL;
  g_autoptr(GInputStream) base = NULL;
  g_autoptr(GPtrArray) scratch = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *message = g_strdup_printf (_("Importing %s"), plan->display_name);
  Reading reading = { .plan = plan, .scratch = scratch, .n_expected = plan->n_columns };
  gint64 start = g_get_monotonic_time ();
  gint64 source_id;
  gsize n_rows = 0, n_rejected = 0, n_read = 0, n_skipped = 0;
  g_autofree char *content_hash = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GHashTable) order_refs = NULL;
  g_autofree char *orders_hash = NULL;
  int order_date, event_time;

  for (guint r = 0; r < CST_N_ROLES; r++)
    reading.columns[r] = find_role (plan, r);
  reading.ambiguous = ambiguous_date_choice (plan->delimiter, plan->decimal);

  /* Orders are dated by their order date, other rows by their event time; either stands in
   * for the other. */
  order_date = reading.columns[CST_ROLE_ORDER_DATE];
  event_time = reading.columns[CST_ROLE_EVENT_TIME];
  if (plan->kind == CST_FILE_KIND_TRANSACTIONS)
    reading.time_column = order_date >= 0 ? order_date : event_time;
  else
    reading.time_column = event_time >= 0 ? event_time : order_date;

  /* Order lines find their orders' people and dates first (outside the transaction). */
  if (plan->orders != NULL)
    {
      order_refs = read_order_refs (plan->orders, cancellable, error);
      orders_hash = order_refs != NULL ? cst_import_plan_dup_content_hash (plan->orders, error)
                                       : NULL;
      if (orders_hash == NULL)
        return FALSE;
      reading.orders = order_refs;
    }

  reader = open_reader (plan, &base, cancellable, error);
  if (reader == NULL)
    return FALSE;

  if (plan->has_header)
    {
      if (!cst_csv_reader_next (reader, &local_error))
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_EMPTY,
                         _("“%s” is empty"), plan->display_name);
          return FALSE;
        }
      reading.n_expected = cst_csv_reader_get_n_fields (reader);
    }
  for (guint c = 0; c < plan->n_columns; c++)
    if (plan->roles[c] != CST_ROLE_NONE && c >= reading.n_expected)
      reading.uses_extra = TRUE;

  cst_progress_report (progress, progress_data, 0.0, message);

  /* The file's own bytes (the workbook, not its temporary CSV) identify it. Hashing them is a
   * second streaming pass, before the transaction, so the database is not held locked by it. */
  content_hash = cst_import_plan_dup_content_hash (plan, error);
  if (content_hash == NULL)
    return FALSE;

  if (!cst_store_begin (store, error))
    return FALSE;
  source_id = cst_store_add_source (store, plan->display_name, plan->path, source_kind,
                                    (const char * const *) plan->column_names, error);
  if (source_id < 0 || !cst_store_set_source_content_hash (store, source_id, content_hash, error))
    goto fail;
  /* Order lines carry the customer numbers of their orders file: matching people treats them
   * as that file's (cst_store_linkage_load_records()). */
  if (plan->orders != NULL)
    {
      g_autofree char *key = g_strdup_printf (CST_STORE_KEYS_OF_SOURCE "%" G_GINT64_FORMAT,
                                              source_id);

      if (!cst_store_set_info (store, key, orders_hash, error))
        goto fail;
    }

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
      const char *row_hash;
      gsize raw_length;
      gboolean seen = FALSE;

      /* Row numbers are positions in the file, so a newer export's rows keep theirs even when
       * the rows before them were seen already and skipped. */
      n_read++;
      record.row_number = n_read;
      raw = cst_csv_reader_get_raw (reader, &raw_length);
      g_checksum_reset (checksum);
      g_checksum_update (checksum, (const guchar *) raw, raw_length);
      row_hash = g_checksum_get_string (checksum);

      if (plan->skip_seen_rows &&
          !cst_store_has_seen_row (store, source_id, row_hash, &seen, error))
        goto fail;
      if (seen)
        n_skipped++;
      else
        {
          n_rows++;
          if (!cst_store_add_raw_row_with_hash (store, source_id, n_read, cst_csv_reader_get_line (reader),
                                                raw, raw_length, row_hash, error))
            goto fail;

          reason = parse_row (&reading, reader, &record, &column_name);
          if (reason != NULL)
            {
              n_rejected++;
              if (!cst_store_add_rejected_row (store, source_id, n_read, column_name, reason, error))
                goto fail;
            }
          else if (!cst_store_add_record (store, &record, error))
            goto fail;
          g_ptr_array_set_size (scratch, 0);
        }

      if ((n_read % CHECK_INTERVAL) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            goto fail;
          cst_progress_report (progress, progress_data, read_fraction (reader, base), message);
        }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;
  /* A newer export whose rows were all seen before is no error: it adds an empty source. */
  if (n_read == 0)
    {
      g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_EMPTY,
                   _("“%s” has column names but no rows below them: there is nothing to import"),
                   plan->display_name);
      goto fail;
    }

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
      report->n_skipped_seen = n_skipped;
      report->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
    }
  cst_progress_report (progress, progress_data, 1.0, message);
  return TRUE;

fail:
  cst_store_rollback (store);
  return FALSE;
}

/**
 * cst_import_plan_new:
 * @path: a file in the file system encoding
 * @cancellable: (nullable): checked between the steps
 * @error: return location for a #GError
 *
 * Sniffs @path (encoding, delimiter, header, separators, date formats), infers its columns'
 * types and roles and preselects what it holds. Each column with dates gets one format; a
 * column whose dates fit both day and month first gets D/M/Y in semicolon or decimal-comma
 * files and M/D/Y otherwise, and keeps `sniff->columns[i].date_ambiguous` set for the wizard
 * to ask. A header that names a role exactly (`order_date`, `amount`) gives it even when
 * sampled values do not fit, so broken rows are rejected with their reason.
 *
 * An Excel workbook (or any file named `.xlsx`) is first converted to a temporary CSV of its
 * first visible sheet (cst_xlsx_convert_to_csv()), and so is a table aligned with blanks
 * (cst_aligned_convert_to_csv()); the CSV is kept in `csv_path` and deleted when the last copy
 * of the plan is freed, and the plan reads it.
 *
 * Cost: reads at most %CST_SNIFF_MAX_BYTES of the file; memory bounded by that sample. A
 * workbook's sheet is read whole once to convert it.
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL with @error set (naming the file)
 */
CstImportPlan *
cst_import_plan_new (const char    *path,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(CstImportPlan) self = NULL;
  g_autoptr(CstSniffResult) sniff = NULL;
  g_autoptr(CstInference) inference = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  self = g_new0 (CstImportPlan, 1);
  self->path = g_strdup (path);
  self->sheet = -1;
  display = g_filename_display_basename (path);
  if (is_workbook (path))
    {
      g_autofree char *csv_path = cst_xlsx_convert_to_csv (path, -1, cancellable, error);

      if (csv_path == NULL)
        return NULL;
      self->csv_path = temporary_path_new (csv_path);
      /* Readable already, so its sheets list too. */
      self->sheet_names = cst_xlsx_list_sheets (path, &self->sheet, NULL);
    }
  else if (cst_aligned_detect (path))
    {
      g_autofree char *csv_path = cst_aligned_convert_to_csv (path, cancellable, error);

      if (csv_path == NULL)
        return NULL;
      self->csv_path = temporary_path_new (csv_path);
    }
  sniff = cst_sniff_file (read_path (self), error);
  if (sniff == NULL)
    {
      name_file_in_error (error, display);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  inference = cst_infer_columns (sniff);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  self->display_name = g_steal_pointer (&display);
  take_analysis (self, g_steal_pointer (&sniff), g_steal_pointer (&inference), FALSE);
  return g_steal_pointer (&self);
}

/**
 * cst_import_plan_set_sheet:
 * @self: the plan of an Excel workbook
 * @sheet: an index in `sheet_names`
 * @cancellable: (nullable): checked while converting
 * @error: return location for a #GError naming the file
 *
 * Reads another sheet of the workbook: converts it, then detects its settings, types and roles
 * afresh (another sheet has other columns). On failure the plan is unchanged.
 *
 * Cost: one pass over the sheet, as for the first.
 *
 * Returns: %TRUE on success
 */
gboolean
cst_import_plan_set_sheet (CstImportPlan  *self,
                           int             sheet,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autofree char *csv_path = NULL;
  g_autoptr(CstSniffResult) sniff = NULL;
  CstInference *inference;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->sheet_names != NULL, FALSE);
  g_return_val_if_fail (sheet >= 0 && (guint) sheet < g_strv_length (self->sheet_names), FALSE);

  csv_path = cst_xlsx_convert_to_csv (self->path, sheet, cancellable, error);
  if (csv_path == NULL)
    return FALSE;
  sniff = cst_sniff_file (csv_path, error);
  if (sniff == NULL)
    {
      g_unlink (csv_path);
      name_file_in_error (error, self->display_name);
      return FALSE;
    }
  inference = cst_infer_columns (sniff);

  if (self->csv_path != NULL)
    g_atomic_rc_box_release_full (self->csv_path, delete_temporary_file);
  self->csv_path = temporary_path_new (csv_path);
  self->sheet = sheet;
  take_analysis (self, g_steal_pointer (&sniff), inference, FALSE);
  return TRUE;
}

/**
 * cst_import_plan_reread:
 * @self: a plan
 * @forced: settings the user chose (encoding, delimiter, header row, decimal separator);
 *   the others are detected again
 * @error: return location for a #GError
 *
 * Sniffs and infers the file again with @forced. When the columns keep their number and
 * names, the user's roles, kind and date formats stay (a format only while the column still
 * has dates it reads); otherwise they start again from the new inference. On failure the
 * plan is unchanged.
 *
 * Returns: %TRUE on success
 */
gboolean
cst_import_plan_reread (CstImportPlan          *self,
                        const CstSniffOptions  *forced,
                        GError                **error)
{
  g_autoptr(CstSniffResult) sniff = NULL;
  CstInference *inference;
  gboolean same_columns;

  g_return_val_if_fail (self != NULL, FALSE);

  sniff = cst_sniff_file_full (read_path (self), forced, error);
  if (sniff == NULL)
    {
      name_file_in_error (error, self->display_name);
      return FALSE;
    }
  inference = cst_infer_columns (sniff);

  same_columns = sniff->n_columns == self->n_columns;
  for (guint c = 0; same_columns && c < self->n_columns; c++)
    same_columns = g_str_equal (sniff->header[c], self->column_names[c]);

  take_analysis (self, g_steal_pointer (&sniff), inference, same_columns);
  return TRUE;
}

/**
 * cst_import_plan_set_role:
 * @self: a plan
 * @column: a column, below `n_columns`
 * @role: its new role; %CST_ROLE_NONE keeps the column raw only
 *
 * Gives @column @role. A role other than %CST_ROLE_NONE belongs to one column at most, so
 * a column that had it loses it (it is moved, not copied).
 */
void
cst_import_plan_set_role (CstImportPlan *self,
                          guint          column,
                          CstRole        role)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (column < self->n_columns);
  g_return_if_fail (role < CST_N_ROLES);

  if (role != CST_ROLE_NONE)
    for (guint c = 0; c < self->n_columns; c++)
      if (self->roles[c] == role)
        self->roles[c] = CST_ROLE_NONE;
  self->roles[column] = role;
}

void
cst_import_plan_set_kind (CstImportPlan *self,
                          CstFileKind    kind)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (kind < CST_N_FILE_KINDS);

  self->kind = kind;
}

/**
 * cst_import_plan_set_date_format:
 * @self: a plan
 * @column: a column, below `n_columns`
 * @format: one #CstDateFormat flag, or %CST_DATE_FORMAT_NONE to read each value in the one
 *   format it fits
 */
void
cst_import_plan_set_date_format (CstImportPlan *self,
                                 guint          column,
                                 CstDateFormat  format)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (column < self->n_columns);
  g_return_if_fail ((format & ~CST_DATE_FORMAT_ALL) == 0 && (format & (format - 1)) == 0);

  self->date_formats[column] = format;
}

/**
 * cst_import_plan_validate:
 * @self: a plan
 * @error: return location for a #CST_IMPORT_ERROR naming the file and what is missing
 *
 * Checks that the columns hold what the kind needs: transactions an email address or a
 * customer number, an order date and an amount or unit price; engagement an email address and
 * whether it was opened. Contacts need nothing: without an email address or a customer number
 * each row is a person of its own (cst_import_plan_dup_notice() says so). Event files cannot be
 * imported yet.
 *
 * Returns: %TRUE when the plan can be imported
 */
gboolean
cst_import_plan_validate (const CstImportPlan  *self,
                          GError              **error)
{
  const char *file;
  gboolean who;

  g_return_val_if_fail (self != NULL, FALSE);

  file = self->display_name;
  /* Order lines linked to their orders take the person and the date from them. */
  who = has_role (self, CST_ROLE_EMAIL) || has_role (self, CST_ROLE_CUSTOMER_KEY) ||
        self->orders != NULL;

  switch (self->kind)
    {
    case CST_FILE_KIND_CONTACTS:
      /* Without an email address or a customer number each row is a person of its own. */
      return TRUE;

    case CST_FILE_KIND_TRANSACTIONS:
      if (!who)
        goto no_person;
      if (!has_role (self, CST_ROLE_ORDER_DATE) && !has_role (self, CST_ROLE_EVENT_TIME) &&
          self->orders == NULL)
        {
          g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_MISSING_COLUMN,
                       _("“%s” has no column for the order date. Choose the column that holds it."),
                       file);
          return FALSE;
        }
      if (!has_role (self, CST_ROLE_AMOUNT) && !has_role (self, CST_ROLE_UNIT_PRICE))
        {
          g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_MISSING_COLUMN,
                       _("“%s” has no column for the amount or the unit price. Choose the column "
                         "that holds one of them."),
                       file);
          return FALSE;
        }
      return TRUE;

    case CST_FILE_KIND_ENGAGEMENT:
      if (!has_role (self, CST_ROLE_EMAIL))
        {
          g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_MISSING_COLUMN,
                       _("“%s” has no column for the email address. Choose the column that holds it."),
                       file);
          return FALSE;
        }
      if (!has_role (self, CST_ROLE_OPENED))
        {
          g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_MISSING_COLUMN,
                       _("“%s” has no column that says whether the email was opened. Choose the "
                         "column that holds it."),
                       file);
          return FALSE;
        }
      return TRUE;

    case CST_FILE_KIND_EVENTS:
      g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_UNSUPPORTED,
                   _("Event files cannot be imported yet. If “%s” holds contacts, transactions "
                     "or email engagement, choose that instead."),
                   file);
      return FALSE;

    case CST_FILE_KIND_UNKNOWN:
    case CST_N_FILE_KINDS:
    default:
      g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_UNSUPPORTED,
                   _("Choose what “%s” holds: contacts, transactions or email engagement."),
                   file);
      return FALSE;
    }

no_person:
  g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_MISSING_COLUMN,
               _("“%s” has no column for the email address or the customer number. Choose the "
                 "column that holds one of them."),
               file);
  return FALSE;
}

/**
 * cst_import_plan_dup_notice:
 * @self: a plan
 *
 * What the user should know before importing a plan that is valid: for contacts without an
 * email address or a customer number, that each row becomes a person of its own, matched with
 * nobody in other files; for order lines linked to their orders, where their customer and
 * date come from.
 *
 * Returns: (transfer full) (nullable): a translated sentence naming the file, or %NULL
 */
char *
cst_import_plan_dup_notice (const CstImportPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->orders != NULL && self->kind == CST_FILE_KIND_TRANSACTIONS)
    return g_strdup_printf (_("Each line of “%s” takes its customer and its date from its order "
                              "in “%s”, by order number."),
                            self->display_name, self->orders->display_name);

  if (self->lines_name != NULL && self->kind == CST_FILE_KIND_CONTACTS)
    return g_strdup_printf (_("The orders in “%s” give their customers and dates to the lines in "
                              "“%s”; this file is kept with the contacts."),
                            self->display_name, self->lines_name);

  if (self->kind != CST_FILE_KIND_CONTACTS ||
      has_role (self, CST_ROLE_EMAIL) || has_role (self, CST_ROLE_CUSTOMER_KEY))
    return NULL;

  return g_strdup_printf (_("No column of “%s” says who each row is, so each row becomes a "
                            "person of its own, matched with nobody in your other files. If a "
                            "column holds email addresses or customer numbers, choose it."),
                          self->display_name);
}

/**
 * cst_import_plans_link_orders:
 * @plans: (element-type CstImportPlan): the plans of the files imported together
 *
 * Some shops export orders and their lines as two files: the orders with their number, the
 * customer and the date but no amount (Olist's orders.csv), the lines with the order number
 * and the price but no customer (order_items.csv). Neither is orders alone. Each plan of lines
 * (an order number and an amount or a unit price, but no email address or customer number) is
 * linked to a plan of orders among @plans (an order number, a person and a date, but no
 * amount): the lines then take the person and the date of their order, by order number, and
 * are imported as orders (their lines adding up per order); the orders file is imported as
 * contacts, so that its rows are kept and its customers are people.
 *
 * Returns: the number of plans of lines linked
 */
guint
cst_import_plans_link_orders (GPtrArray *plans)
{
  guint linked = 0;

  g_return_val_if_fail (plans != NULL, 0);

  for (guint i = 0; i < plans->len; i++)
    {
      CstImportPlan *lines = g_ptr_array_index (plans, i);

      if (lines->orders != NULL || !has_role (lines, CST_ROLE_ORDER_ID) ||
          has_role (lines, CST_ROLE_EMAIL) || has_role (lines, CST_ROLE_CUSTOMER_KEY) ||
          (!has_role (lines, CST_ROLE_AMOUNT) && !has_role (lines, CST_ROLE_UNIT_PRICE)))
        continue;

      for (guint j = 0; j < plans->len; j++)
        {
          CstImportPlan *orders = g_ptr_array_index (plans, j);

          if (j == i || !has_role (orders, CST_ROLE_ORDER_ID) ||
              (!has_role (orders, CST_ROLE_EMAIL) && !has_role (orders, CST_ROLE_CUSTOMER_KEY)) ||
              (!has_role (orders, CST_ROLE_ORDER_DATE) &&
               !has_role (orders, CST_ROLE_EVENT_TIME)) ||
              has_role (orders, CST_ROLE_AMOUNT) || has_role (orders, CST_ROLE_UNIT_PRICE))
            continue;

          lines->orders = cst_import_plan_copy (orders);
          lines->kind = CST_FILE_KIND_TRANSACTIONS;
          orders->kind = CST_FILE_KIND_CONTACTS;
          g_free (orders->lines_name);
          orders->lines_name = g_strdup (lines->display_name);
          linked++;
          break;
        }
    }

  return linked;
}

/**
 * cst_import_plan_dup_content_hash:
 * @self: a plan
 * @error: return location for a #GError naming the file
 *
 * Computes the SHA-256 of the bytes of the plan's file (of the workbook itself for an Excel
 * file, not of its temporary CSV): the same bytes give the same hash, so a file imported
 * before can be recognised (cst_store_find_source_by_hash()).
 *
 * Cost: one streaming pass over the file in 64 KiB blocks, constant memory.
 *
 * Returns: (transfer full) (nullable): the hash as 64 lower-case hex digits, or %NULL with
 *   @error set
 */
char *
cst_import_plan_dup_content_hash (const CstImportPlan  *self,
                                  GError              **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree guchar *buffer = NULL;
  gssize n;

  g_return_val_if_fail (self != NULL, NULL);

  file = g_file_new_for_path (self->path);
  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    {
      name_file_in_error (error, self->display_name);
      return NULL;
    }
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  buffer = g_malloc (64 * 1024);
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, 64 * 1024, NULL, error)) > 0)
    g_checksum_update (checksum, buffer, n);
  if (n < 0)
    {
      name_file_in_error (error, self->display_name);
      return NULL;
    }
  return g_strdup (g_checksum_get_string (checksum));
}

/**
 * cst_import_plan_copy:
 * @self: a plan
 *
 * Returns: (transfer full): a deep copy, for handing to another thread
 */
CstImportPlan *
cst_import_plan_copy (const CstImportPlan *self)
{
  CstImportPlan *copy;

  g_return_val_if_fail (self != NULL, NULL);

  /* Plain fields, skip_seen_rows among them, come with the block. */
  copy = g_memdup2 (self, sizeof *self);
  copy->path = g_strdup (self->path);
  copy->display_name = g_strdup (self->display_name);
  copy->encoding = g_strdup (self->encoding);
  copy->column_names = g_strdupv (self->column_names);
  copy->roles = g_memdup2 (self->roles, sizeof (CstRole) * self->n_columns);
  copy->date_formats = g_memdup2 (self->date_formats, sizeof (CstDateFormat) * self->n_columns);
  copy->sniff = self->sniff != NULL ? sniff_result_copy (self->sniff) : NULL;
  copy->inference = self->inference != NULL ? inference_copy (self->inference) : NULL;
  copy->csv_path = self->csv_path != NULL ? g_atomic_rc_box_acquire (self->csv_path) : NULL;
  copy->sheet_names = g_strdupv (self->sheet_names);
  copy->orders = self->orders != NULL ? cst_import_plan_copy (self->orders) : NULL;
  copy->lines_name = g_strdup (self->lines_name);
  return copy;
}

void
cst_import_plan_free (CstImportPlan *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_free (self->display_name);
  g_free (self->encoding);
  g_strfreev (self->column_names);
  g_free (self->roles);
  g_free (self->date_formats);
  g_clear_pointer (&self->sniff, cst_sniff_result_free);
  g_clear_pointer (&self->inference, cst_inference_free);
  if (self->csv_path != NULL)
    g_atomic_rc_box_release_full (self->csv_path, delete_temporary_file);
  g_strfreev (self->sheet_names);
  g_clear_pointer (&self->orders, cst_import_plan_free);
  g_free (self->lines_name);
  g_free (self);
}

/**
 * cst_import_file:
 * @store: an open project
 * @plan: how to read the file; it must validate (cst_import_plan_validate())
 * @report: (out caller-allocates) (optional): what was imported
 * @cancellable: (nullable): checked every 2,048 rows
 * @progress: (nullable): told the share of the file's bytes read
 * @progress_data: data for @progress
 * @error: return location for a #GError
 *
 * Imports the file as a new source in one transaction, following @plan: its encoding
 * (converted while reading), delimiter, header row, number separators, date formats and
 * roles. Every data row is kept raw; a row whose used values cannot be read is kept only raw
 * and listed with its column and reason, never silently dropped or bent. On a plan that does
 * not validate, a broken file, a database error or cancellation nothing is changed.
 *
 * The source keeps the SHA-256 of the file's bytes and each raw row the SHA-256 of its text.
 * With `skip_seen_rows`, a row that an earlier source with the same column names already holds
 * is skipped and counted in `n_skipped_seen`: importing a newer export of the same source
 * appends only the rows not seen yet.
 *
 * Cost: one pass over the file to hash it and one to read it, constant memory; with
 * `skip_seen_rows` an index lookup per row.
 *
 * Returns: %TRUE on success
 */
gboolean
cst_import_file (CstStore             *store,
                 const CstImportPlan  *plan,
                 CstImportReport      *report,
                 GCancellable         *cancellable,
                 CstProgressFunc       progress,
                 gpointer              progress_data,
                 GError              **error)
{
  CstSourceKind source_kind;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (!cst_import_plan_validate (plan, error))
    return FALSE;
  if (!source_kind_for_file_kind (plan->kind, &source_kind))
    g_assert_not_reached ();
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return import_rows (store, plan, source_kind, report, cancellable, progress, progress_data, error);
}
