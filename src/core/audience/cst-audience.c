/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-audience"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "cst-audience.h"
#include "io/cst-csv.h"
#include "linkage/cst-normalize.h"
#include "numeric/cst-compare.h"

struct _CstAudience
{
  char           *source_key;   /* "segment:RUN:IDX" or the caller's key */
  char           *name;
  char           *description;  /* for people lists */
  GArray         *ids;          /* gint64, ascending, unique */
  char           *country;
  CstConsentRule  consent;
  gboolean        from_segment;
  gint64          run_id;
  guint           segment;
};

struct _CstAudienceWriter
{
  CstExportFormat    format;
  CstHashedPlatform  platform;
  CstAudienceColumn  columns[CST_AUDIENCE_N_COLUMNS];
  guint              n_columns;
  char              *path;
  char              *part;
  FILE              *file;
  GString           *line;
  GChecksum         *checksum;
  lxw_workbook      *workbook;
  lxw_worksheet     *sheet;
  lxw_worksheet     *about;
  lxw_format        *bold;
  guint32            row;
  gboolean           hash_email;
  gboolean           hash_phone;
  GPtrArray         *description;  /* label, value, label, value… */
};

static const struct
{
  const char *id;
  const char *title;
} columns_info[CST_AUDIENCE_N_COLUMNS] = {
  [CST_AUDIENCE_COLUMN_PERSON_ID]    = { "person_id",    N_("Person") },
  [CST_AUDIENCE_COLUMN_EMAIL]        = { "email",        N_("Email") },
  [CST_AUDIENCE_COLUMN_FIRST_NAME]   = { "first_name",   N_("First name") },
  [CST_AUDIENCE_COLUMN_LAST_NAME]    = { "last_name",    N_("Last name") },
  [CST_AUDIENCE_COLUMN_PHONE]        = { "phone",        N_("Phone") },
  [CST_AUDIENCE_COLUMN_COUNTRY]      = { "country",      N_("Country") },
  [CST_AUDIENCE_COLUMN_POSTCODE]     = { "postcode",     N_("Postcode") },
  [CST_AUDIENCE_COLUMN_CITY]         = { "city",         N_("City") },
  [CST_AUDIENCE_COLUMN_CUSTOMER_KEY] = { "customer_key", N_("Customer number") },
  [CST_AUDIENCE_COLUMN_CONSENT]      = { "consent",      N_("Consent") },
  [CST_AUDIENCE_COLUMN_ORDERS]       = { "orders",       N_("Orders") },
  [CST_AUDIENCE_COLUMN_TOTAL_SPEND]  = { "total_spend",  N_("Total spend") },
  [CST_AUDIENCE_COLUMN_LAST_ORDER]   = { "last_order",   N_("Last order") },
  [CST_AUDIENCE_COLUMN_SEGMENT]      = { "segment",      N_("Segment") },
};

static const CstAudienceColumn default_columns[] = {
  CST_AUDIENCE_COLUMN_EMAIL, CST_AUDIENCE_COLUMN_FIRST_NAME, CST_AUDIENCE_COLUMN_LAST_NAME,
  CST_AUDIENCE_COLUMN_PHONE, CST_AUDIENCE_COLUMN_COUNTRY, CST_AUDIENCE_COLUMN_ORDERS,
  CST_AUDIENCE_COLUMN_TOTAL_SPEND, CST_AUDIENCE_COLUMN_LAST_ORDER, CST_AUDIENCE_COLUMN_SEGMENT,
};

/* Other names a source column of the same meaning goes by, normalized (lower case, letters and
 * digits only): a column marked sensitive under one of them removes that export column. */
static const struct
{
  CstAudienceColumn column;
  const char       *alias;
} column_aliases[] = {
  { CST_AUDIENCE_COLUMN_EMAIL, "emailaddress" }, { CST_AUDIENCE_COLUMN_EMAIL, "mail" },
  { CST_AUDIENCE_COLUMN_FIRST_NAME, "firstname" }, { CST_AUDIENCE_COLUMN_FIRST_NAME, "givenname" },
  { CST_AUDIENCE_COLUMN_FIRST_NAME, "vorname" }, { CST_AUDIENCE_COLUMN_LAST_NAME, "lastname" },
  { CST_AUDIENCE_COLUMN_LAST_NAME, "surname" }, { CST_AUDIENCE_COLUMN_LAST_NAME, "familyname" },
  { CST_AUDIENCE_COLUMN_LAST_NAME, "nachname" }, { CST_AUDIENCE_COLUMN_PHONE, "mobile" },
  { CST_AUDIENCE_COLUMN_PHONE, "telephone" }, { CST_AUDIENCE_COLUMN_PHONE, "tel" },
  { CST_AUDIENCE_COLUMN_PHONE, "phonenumber" }, { CST_AUDIENCE_COLUMN_POSTCODE, "zip" },
  { CST_AUDIENCE_COLUMN_POSTCODE, "zipcode" }, { CST_AUDIENCE_COLUMN_POSTCODE, "postalcode" },
  { CST_AUDIENCE_COLUMN_POSTCODE, "plz" }, { CST_AUDIENCE_COLUMN_CITY, "town" },
  { CST_AUDIENCE_COLUMN_CITY, "ort" }, { CST_AUDIENCE_COLUMN_COUNTRY, "land" },
  { CST_AUDIENCE_COLUMN_CUSTOMER_KEY, "customerid" }, { CST_AUDIENCE_COLUMN_CUSTOMER_KEY, "customerkey" },
  { CST_AUDIENCE_COLUMN_CUSTOMER_KEY, "customernumber" }, { CST_AUDIENCE_COLUMN_CONSENT, "newsletterconsent" },
  { CST_AUDIENCE_COLUMN_CONSENT, "emailconsent" }, { CST_AUDIENCE_COLUMN_CONSENT, "optin" },
};

G_DEFINE_QUARK (cst-audience-error-quark, cst_audience_error)

static void
sort_unique (GArray *ids)
{
  guint out = 0;

  g_array_sort (ids, cst_compare_int64);
  for (guint i = 0; i < ids->len; i++)
    if (out == 0 || g_array_index (ids, gint64, i) != g_array_index (ids, gint64, out - 1))
      g_array_index (ids, gint64, out++) = g_array_index (ids, gint64, i);
  g_array_set_size (ids, out);
}

static char *
normalize_column_name (const char *name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

/* A uniform number in [0, 1) from (seed, person): SplitMix64, for people who join an audience
 * after its holdout was drawn; they are held back with the audience's share. */
static double
person_uniform (guint32 seed,
                gint64  person_id)
{
  guint64 z = ((guint64) seed << 32) ^ (guint64) person_id;

  z += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  z ^= z >> 31;
  return (double) (z >> 11) / 9007199254740992.0;
}

static const char *
consent_key (CstConsentRule rule)
{
  switch (rule)
    {
    case CST_CONSENT_EXCLUDE_REFUSED: return "refused";
    case CST_CONSENT_REQUIRE_GIVEN: return "given";
    case CST_CONSENT_IGNORE: return "any";
    default: g_assert_not_reached ();
    }
}

static char *
format_day (gint64 seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (seconds == CST_NO_TIME)
    return NULL;
  dt = g_date_time_new_from_unix_utc (seconds);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d") : NULL;
}

static const char *
consent_text (int consent)
{
  return consent == 1 ? "yes" : consent == 0 ? "no" : "";
}

/* Writer */

static gboolean
set_write_error (CstAudienceWriter  *self,
                 int                 saved_errno,
                 GError            **error)
{
  g_autofree char *display = g_filename_display_name (self->path);

  g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_WRITE,
               _("Could not write the audience to “%s”: %s"), display, g_strerror (saved_errno));
  return FALSE;
}

static void
append_csv_cell (GString    *line,
                 const char *value)
{
  g_autofree char *escaped = cst_audience_escape_cell (value);

  cst_csv_append_field (line, escaped);
}

static const char *
hash_into (CstAudienceWriter *self,
           const char        *normalized)
{
  g_checksum_reset (self->checksum);
  g_checksum_update (self->checksum, (const guchar *) normalized, strlen (normalized));
  return g_checksum_get_string (self->checksum);
}

/**
 * cst_audience_writer_new:
 * @path: the file; written as @path.part and renamed into place by finish
 * @columns: (array length=n_columns): the columns of a CSV or XLSX file, in order (none: the
 *   default columns); a hashed list has its platform's layout and hashes the email and the phone
 *   when they are among @columns
 *
 * Returns: (transfer full) (nullable): a writer, or %NULL with @error set
 */
CstAudienceWriter *
cst_audience_writer_new (const char               *path,
                         CstExportFormat           format,
                         CstHashedPlatform         platform,
                         const CstAudienceColumn  *columns,
                         guint                     n_columns,
                         GError                  **error)
{
  g_autoptr(CstAudienceWriter) self = g_new0 (CstAudienceWriter, 1);

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (n_columns <= CST_AUDIENCE_N_COLUMNS, NULL);

  self->format = format;
  self->platform = platform;
  self->path = g_strdup (path);
  self->part = g_strconcat (path, ".part", NULL);
  self->line = g_string_sized_new (256);
  self->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  self->description = g_ptr_array_new_with_free_func (g_free);
  if (n_columns == 0)
    {
      memcpy (self->columns, default_columns, sizeof default_columns);
      self->n_columns = G_N_ELEMENTS (default_columns);
    }
  else
    {
      memcpy (self->columns, columns, n_columns * sizeof (CstAudienceColumn));
      self->n_columns = n_columns;
    }

  if (format == CST_EXPORT_XLSX)
    {
      lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE };

      self->workbook = workbook_new_opt (self->part, &options);
      if (self->workbook == NULL)
        {
          set_write_error (self, errno != 0 ? errno : EIO, error);
          return NULL;
        }
      self->sheet = workbook_add_worksheet (self->workbook, _("Audience"));
      self->about = workbook_add_worksheet (self->workbook, _("About"));
      self->bold = workbook_add_format (self->workbook);
      format_set_bold (self->bold);
      for (guint c = 0; c < self->n_columns; c++)
        worksheet_write_string (self->sheet, 0, (lxw_col_t) c, _(columns_info[self->columns[c]].title), self->bold);
      self->row = 1;
      return g_steal_pointer (&self);
    }

  self->file = g_fopen (self->part, "wb");
  if (self->file == NULL)
    {
      set_write_error (self, errno, error);
      return NULL;
    }
  setvbuf (self->file, NULL, _IOFBF, 1 << 20);
  if (format == CST_EXPORT_HASHED)
    {
      /* Only the identifiers among the columns: a sensitive phone column leaves a list of
       * email hashes, which both platforms accept. */
      for (guint c = 0; c < self->n_columns; c++)
        {
          if (self->columns[c] == CST_AUDIENCE_COLUMN_EMAIL)
            self->hash_email = TRUE;
          else if (self->columns[c] == CST_AUDIENCE_COLUMN_PHONE)
            self->hash_phone = TRUE;
        }
      if (n_columns == 0)
        self->hash_email = self->hash_phone = TRUE;
      if (!self->hash_email && !self->hash_phone)
        {
          g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_INVALID, "%s",
                       _("A hashed list needs the email or the phone column"));
          fclose (g_steal_pointer (&self->file));
          g_remove (self->part);
          return NULL;
        }
      if (self->hash_email)
        g_string_append (self->line, platform == CST_HASHED_GOOGLE ? "Email" : "email");
      if (self->hash_email && self->hash_phone)
        g_string_append_c (self->line, ',');
      if (self->hash_phone)
        g_string_append (self->line, platform == CST_HASHED_GOOGLE ? "Phone" : "phone");
      g_string_append_c (self->line, '\n');
    }
  else
    {
      for (guint c = 0; c < self->n_columns; c++)
        {
          if (c > 0)
            g_string_append_c (self->line, ',');
          g_string_append (self->line, columns_info[self->columns[c]].id);
        }
      g_string_append_c (self->line, '\n');
    }
  if (fwrite (self->line->str, 1, self->line->len, self->file) != self->line->len)
    {
      set_write_error (self, errno, error);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static char *
member_text (const CstAudienceMember *m,
             CstAudienceColumn        column,
             const char              *segment_name)
{
  switch (column)
    {
    case CST_AUDIENCE_COLUMN_PERSON_ID: return g_strdup_printf ("%" G_GINT64_FORMAT, m->person_id);
    case CST_AUDIENCE_COLUMN_EMAIL: return g_strdup (m->email);
    case CST_AUDIENCE_COLUMN_FIRST_NAME: return g_strdup (m->first_name);
    case CST_AUDIENCE_COLUMN_LAST_NAME: return g_strdup (m->last_name);
    case CST_AUDIENCE_COLUMN_PHONE: return g_strdup (m->phone);
    case CST_AUDIENCE_COLUMN_COUNTRY: return g_strdup (m->country);
    case CST_AUDIENCE_COLUMN_POSTCODE: return g_strdup (m->postcode);
    case CST_AUDIENCE_COLUMN_CITY: return g_strdup (m->city);
    case CST_AUDIENCE_COLUMN_CUSTOMER_KEY: return g_strdup (m->customer_key);
    case CST_AUDIENCE_COLUMN_CONSENT: return g_strdup (consent_text (m->consent));
    case CST_AUDIENCE_COLUMN_ORDERS: return g_strdup_printf ("%" G_GINT64_FORMAT, m->orders);
    case CST_AUDIENCE_COLUMN_TOTAL_SPEND:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.2f", m->total_spend));
      }
    case CST_AUDIENCE_COLUMN_LAST_ORDER: return format_day (m->last_order);
    case CST_AUDIENCE_COLUMN_SEGMENT: return g_strdup (segment_name);
    case CST_AUDIENCE_N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_numeric_column (CstAudienceColumn column)
{
  return column == CST_AUDIENCE_COLUMN_PERSON_ID || column == CST_AUDIENCE_COLUMN_ORDERS ||
         column == CST_AUDIENCE_COLUMN_TOTAL_SPEND;
}

static double
member_number (const CstAudienceMember *m,
               CstAudienceColumn        column)
{
  switch (column)
    {
    case CST_AUDIENCE_COLUMN_PERSON_ID: return (double) m->person_id;
    case CST_AUDIENCE_COLUMN_ORDERS: return (double) m->orders;
    case CST_AUDIENCE_COLUMN_TOTAL_SPEND: return round (m->total_spend * 100.0) / 100.0;
    default: g_assert_not_reached ();
    }
}

gboolean
cst_audience_writer_add (CstAudienceWriter        *self,
                         const CstAudienceMember  *member,
                         const char               *segment_name,
                         gboolean                 *written,
                         GError                  **error)
{
  if (written != NULL)
    *written = TRUE;

  if (self->format == CST_EXPORT_XLSX)
    {
      for (guint c = 0; c < self->n_columns; c++)
        {
          CstAudienceColumn column = self->columns[c];
          lxw_error rc;

          /* Text goes in as string cells, which a spreadsheet shows and never evaluates. */
          if (is_numeric_column (column))
            rc = worksheet_write_number (self->sheet, self->row, (lxw_col_t) c, member_number (member, column), NULL);
          else
            {
              g_autofree char *text = member_text (member, column, segment_name);

              rc = text != NULL && *text != '\0'
                   ? worksheet_write_string (self->sheet, self->row, (lxw_col_t) c, text, NULL)
                   : LXW_NO_ERROR;
            }
          if (rc != LXW_NO_ERROR)
            {
              g_autofree char *display = g_filename_display_name (self->path);

              g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_WRITE,
                           _("Could not write row %u of “%s”: %s"), self->row + 1, display, lxw_strerror (rc));
              return FALSE;
            }
        }
      self->row++;
      return TRUE;
    }

  g_string_truncate (self->line, 0);
  if (self->format == CST_EXPORT_HASHED)
    {
      g_autofree char *email = self->hash_email ? cst_audience_normalize_email (member->email, self->platform) : NULL;
      g_autofree char *phone = self->hash_phone
                               ? cst_audience_normalize_phone (member->phone, member->country, self->platform)
                               : NULL;

      if (email == NULL && phone == NULL)
        {
          if (written != NULL)
            *written = FALSE;
          return TRUE;
        }
      if (email != NULL)
        g_string_append (self->line, hash_into (self, email));
      if (self->hash_email && self->hash_phone)
        g_string_append_c (self->line, ',');
      if (phone != NULL)
        g_string_append (self->line, hash_into (self, phone));
      g_string_append_c (self->line, '\n');
    }
  else
    {
      for (guint c = 0; c < self->n_columns; c++)
        {
          CstAudienceColumn column = self->columns[c];

          if (c > 0)
            g_string_append_c (self->line, ',');
          if (is_numeric_column (column))
            {
              g_autofree char *text = member_text (member, column, segment_name);

              g_string_append (self->line, text);
            }
          else
            {
              g_autofree char *text = member_text (member, column, segment_name);

              append_csv_cell (self->line, text);
            }
        }
      g_string_append_c (self->line, '\n');
    }
  if (fwrite (self->line->str, 1, self->line->len, self->file) != self->line->len)
    return set_write_error (self, errno, error);
  self->row++;
  return TRUE;
}

void
cst_audience_writer_describe (CstAudienceWriter *self,
                              const char        *label,
                              const char        *value)
{
  g_ptr_array_add (self->description, g_strdup (label));
  g_ptr_array_add (self->description, g_strdup (value != NULL ? value : ""));
}

gboolean
cst_audience_writer_finish (CstAudienceWriter  *self,
                            guint64            *bytes,
                            GError            **error)
{
  GStatBuf st;

  if (self->format == CST_EXPORT_XLSX)
    {
      lxw_error rc;

      worksheet_set_column (self->about, 0, 0, 24, self->bold);
      worksheet_set_column (self->about, 1, 1, 80, NULL);
      for (guint i = 0; i + 1 < self->description->len; i += 2)
        {
          worksheet_write_string (self->about, i / 2, 0, g_ptr_array_index (self->description, i), NULL);
          worksheet_write_string (self->about, i / 2, 1, g_ptr_array_index (self->description, i + 1), NULL);
        }
      rc = workbook_close (g_steal_pointer (&self->workbook));
      if (rc != LXW_NO_ERROR)
        {
          g_autofree char *display = g_filename_display_name (self->path);

          g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_WRITE,
                       _("Could not write the audience to “%s”: %s"), display, lxw_strerror (rc));
          return FALSE;
        }
    }
  else
    {
      FILE *file = g_steal_pointer (&self->file);

      if (fflush (file) != 0 || fsync (fileno (file)) != 0)
        {
          int saved = errno;

          fclose (file);
          return set_write_error (self, saved, error);
        }
      if (fclose (file) != 0)
        return set_write_error (self, errno, error);
    }

  if (g_rename (self->part, self->path) != 0)
    return set_write_error (self, errno, error);
  if (bytes != NULL)
    *bytes = g_stat (self->path, &st) == 0 ? (guint64) st.st_size : 0;
  return TRUE;
}

void
cst_audience_writer_free (CstAudienceWriter *self)
{
  if (self == NULL)
    return;
  if (self->workbook != NULL)
    {
      /* Closing is the only way to release the workbook; the half-written file goes. */
      workbook_close (self->workbook);
      g_remove (self->part);
    }
  if (self->file != NULL)
    {
      fclose (self->file);
      g_remove (self->part);
    }
  g_string_free (self->line, TRUE);
  g_checksum_free (self->checksum);
  g_ptr_array_unref (self->description);
  g_free (self->path);
  g_free (self->part);
  g_free (self);
}

/* Public API: cells and hashes */

char *
cst_audience_escape_cell (const char *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (value[0] != '\0' && strchr ("=+-@\t\r'", value[0]) != NULL)
    return g_strconcat ("'", value, NULL);
  return g_strdup (value);
}

char *
cst_audience_unescape_cell (const char *cell)
{
  if (cell == NULL)
    return NULL;
  if (cell[0] == '\'' && cell[1] != '\0' && strchr ("=+-@\t\r'", cell[1]) != NULL)
    return g_strdup (cell + 1);
  return g_strdup (cell);
}

char *
cst_audience_sha256_hex (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/**
 * cst_audience_normalize_email:
 * @raw: (nullable): an address as stored
 * @platform: whose rules to follow (see #CstHashedPlatform)
 *
 * Returns: (transfer full) (nullable): the trimmed, lower-cased address (for Google without the
 *   dots of a gmail.com / googlemail.com local part), or %NULL when it is not an address
 */
char *
cst_audience_normalize_email (const char        *raw,
                              CstHashedPlatform  platform)
{
  g_autofree char *copy = NULL;
  g_autofree char *lower = NULL;
  char *at;

  if (raw == NULL || !g_utf8_validate (raw, -1, NULL))
    return NULL;
  copy = g_strstrip (g_strdup (raw));
  lower = g_utf8_strdown (copy, -1);
  at = strchr (lower, '@');
  if (at == NULL || at == lower || at[1] == '\0' || strchr (at + 1, '@') != NULL || strpbrk (lower, " \t\r\n,") != NULL)
    return NULL;

  if (platform == CST_HASHED_GOOGLE && (g_str_equal (at + 1, "gmail.com") || g_str_equal (at + 1, "googlemail.com")))
    {
      GString *out = g_string_new (NULL);

      for (const char *p = lower; p < at; p++)
        if (*p != '.')
          g_string_append_c (out, *p);
      g_string_append (out, at);
      return g_string_free (out, FALSE);
    }
  return g_steal_pointer (&lower);
}

/**
 * cst_audience_normalize_phone:
 * @raw: (nullable): a phone number as written
 * @default_region: (nullable): the person's country (ISO alpha-2) for numbers without a code
 *
 * E.164 through cst_normalize_phone_e164(): "+491711234567" for Google, "491711234567" for
 * Meta.
 *
 * Returns: (transfer full) (nullable): the number, or %NULL when it is not a phone number
 */
char *
cst_audience_normalize_phone (const char        *raw,
                              const char        *default_region,
                              CstHashedPlatform  platform)
{
  g_autofree char *region = NULL;
  char *e164;

  if (raw == NULL || *raw == '\0')
    return NULL;
  if (default_region != NULL && strlen (default_region) == 2)
    region = g_ascii_strup (default_region, -1);
  e164 = cst_normalize_phone_e164 (raw, region);
  if (e164 == NULL || e164[0] != '+')
    {
      g_free (e164);
      return NULL;
    }
  if (platform == CST_HASHED_META)
    memmove (e164, e164 + 1, strlen (e164));
  return e164;
}

/* Public API: columns, formats */

void
cst_export_options_init (CstExportOptions *options)
{
  memset (options, 0, sizeof *options);
  options->format = CST_EXPORT_CSV;
  options->platform = CST_HASHED_GOOGLE;
  options->holdout_share = -1.0;
}

const char *
cst_audience_column_get_id (CstAudienceColumn column)
{
  g_return_val_if_fail (column < CST_AUDIENCE_N_COLUMNS, NULL);
  return columns_info[column].id;
}

const char *
cst_audience_column_get_title (CstAudienceColumn column)
{
  g_return_val_if_fail (column < CST_AUDIENCE_N_COLUMNS, NULL);
  return _(columns_info[column].title);
}

gboolean
cst_audience_column_from_id (const char        *id,
                             CstAudienceColumn *column)
{
  for (guint c = 0; c < CST_AUDIENCE_N_COLUMNS; c++)
    if (g_strcmp0 (id, columns_info[c].id) == 0)
      {
        *column = c;
        return TRUE;
      }
  return FALSE;
}

const char *
cst_export_format_to_string (CstExportFormat format)
{
  switch (format)
    {
    case CST_EXPORT_CSV: return "csv";
    case CST_EXPORT_XLSX: return "xlsx";
    case CST_EXPORT_HASHED: return "hashed";
    default: g_return_val_if_reached (NULL);
    }
}

gboolean
cst_export_format_from_string (const char      *text,
                               CstExportFormat *format)
{
  for (CstExportFormat f = CST_EXPORT_CSV; f <= CST_EXPORT_HASHED; f++)
    if (g_strcmp0 (text, cst_export_format_to_string (f)) == 0)
      {
        *format = f;
        return TRUE;
      }
  return FALSE;
}

gboolean
cst_hashed_platform_from_string (const char        *text,
                                 CstHashedPlatform *platform)
{
  if (g_strcmp0 (text, "google") == 0)
    *platform = CST_HASHED_GOOGLE;
  else if (g_strcmp0 (text, "meta") == 0 || g_strcmp0 (text, "facebook") == 0)
    *platform = CST_HASHED_META;
  else
    return FALSE;
  return TRUE;
}

/* Public API: audiences */

CstAudience *
cst_audience_new_from_segment (CstStore    *store,
                               const char  *segment_id_or_name,
                               GError     **error)
{
  g_autoptr(CstAudience) self = g_new0 (CstAudience, 1);
  g_autofree char *reason = NULL;
  g_autofree char *created_at = NULL;
  g_auto(GStrv) facts = NULL;
  gint64 size;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (segment_id_or_name != NULL, NULL);

  self->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->consent = CST_CONSENT_EXCLUDE_REFUSED;
  self->from_segment = TRUE;
  if (!cst_store_audience_find_segment (store, segment_id_or_name, &self->run_id, &self->segment, error) ||
      !cst_store_audience_describe_segment (store, self->run_id, self->segment, &self->name, &size, &facts,
                                            &reason, &created_at, error) ||
      !cst_store_audience_segment_people (store, self->run_id, self->segment, self->ids, error))
    return NULL;
  self->source_key = g_strdup_printf ("segment:%" G_GINT64_FORMAT ":%u", self->run_id, self->segment);
  {
    g_autofree char *joined = g_strjoinv (" · ", facts);

    self->description = g_strdup (joined);
  }
  return g_steal_pointer (&self);
}

/**
 * cst_audience_new_from_people:
 * @key: what makes the list, stable across exports ("score:12:0.8-1.0", "lookalike:4:top-5%")
 * @name: shown in the file and its description
 * @description: (nullable): why these people, in words
 * @person_ids: (array length=n_ids): the people, in any order
 *
 * An audience from any list of people: a score band, a lookalike list, a hand-made list.
 */
CstAudience *
cst_audience_new_from_people (const char    *key,
                              const char    *name,
                              const char    *description,
                              const gint64  *person_ids,
                              gsize          n_ids)
{
  CstAudience *self = g_new0 (CstAudience, 1);

  g_return_val_if_fail (key != NULL && name != NULL, NULL);

  self->source_key = g_strdup (key);
  self->name = g_strdup (name);
  self->description = g_strdup (description);
  self->consent = CST_CONSENT_EXCLUDE_REFUSED;
  self->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (self->ids, person_ids, n_ids);
  sort_unique (self->ids);
  return self;
}

void
cst_audience_free (CstAudience *self)
{
  if (self == NULL)
    return;
  g_free (self->source_key);
  g_free (self->name);
  g_free (self->description);
  g_free (self->country);
  g_clear_pointer (&self->ids, g_array_unref);
  g_free (self);
}

void
cst_audience_set_country (CstAudience *self,
                          const char  *country)
{
  g_clear_pointer (&self->country, g_free);
  if (country != NULL && *country != '\0')
    self->country = g_ascii_strup (country, -1);
}

void
cst_audience_set_consent_rule (CstAudience    *self,
                               CstConsentRule  rule)
{
  self->consent = rule;
}

const char *
cst_audience_get_name (CstAudience *self)
{
  return self->name;
}

char *
cst_audience_dup_key (CstAudience *self)
{
  return g_strdup_printf ("%s|country=%s|consent=%s", self->source_key,
                          self->country != NULL ? self->country : "*", consent_key (self->consent));
}

void
cst_holdout_draw (const gint64 *ids,
                  gsize         n_ids,
                  double        share,
                  guint32       seed,
                  guint8       *held)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree gsize *order = g_new (gsize, MAX (n_ids, 1));
  gsize n_held = (gsize) llround (CLAMP (share, 0.0, 1.0) * (double) n_ids);

  g_return_if_fail (n_ids <= G_MAXINT32);

  memset (held, 0, n_ids);
  for (gsize i = 0; i < n_ids; i++)
    order[i] = i;
  for (gsize i = 0; i < n_held; i++)
    {
      gsize j = (gsize) g_rand_int_range (rand, (gint32) i, (gint32) n_ids);
      gsize t = order[i];

      order[i] = order[j];
      order[j] = t;
      held[order[i]] = 1;
    }
}

/* Export */

/* Audiences up to this size keep their eligible members from the first pass in memory (about
 * 250 bytes each), so the file is written without reading their records a second time. */
#define CACHE_MAX_PEOPLE 250000

/* CST_AUDIENCE_CACHE_MAX overrides the limit (tests compare both paths with it). */
static gsize
cache_max_people (void)
{
  const char *env = g_getenv ("CST_AUDIENCE_CACHE_MAX");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 0, G_MAXSIZE, &value, NULL))
    return (gsize) value;
  return CACHE_MAX_PEOPLE;
}

typedef struct
{
  GStringChunk *chunk;
  GArray       *members;   /* CstAudienceMember, strings in chunk, ascending ids */
} MemberCache;

static void
member_cache_clear (MemberCache *cache)
{
  g_clear_pointer (&cache->chunk, g_string_chunk_free);
  g_clear_pointer (&cache->members, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MemberCache, member_cache_clear)

static const char *
cache_string (MemberCache *cache,
              const char  *text)
{
  return text != NULL ? g_string_chunk_insert (cache->chunk, text) : NULL;
}

typedef struct
{
  CstAudience  *audience;
  GArray       *eligible;
  gsize         n_no_consent;
  gsize         n_filtered;
  gsize         seen;
  GCancellable *cancellable;
  MemberCache  *cache;
} EligibleScan;

static gboolean
collect_eligible (const CstAudienceMember *m,
                  gpointer                 user_data)
{
  EligibleScan *scan = user_data;
  CstAudience *audience = scan->audience;

  if ((++scan->seen & 4095) == 0 && g_cancellable_is_cancelled (scan->cancellable))
    return FALSE;
  if ((audience->consent == CST_CONSENT_EXCLUDE_REFUSED && m->consent == 0) ||
      (audience->consent == CST_CONSENT_REQUIRE_GIVEN && m->consent != 1))
    scan->n_no_consent++;
  else if (audience->country != NULL && g_ascii_strcasecmp (audience->country, m->country != NULL ? m->country : "") != 0)
    scan->n_filtered++;
  else
    {
      g_array_append_val (scan->eligible, m->person_id);
      if (scan->cache != NULL)
        {
          MemberCache *cache = scan->cache;
          CstAudienceMember copy = *m;

          copy.email = cache_string (cache, m->email);
          copy.first_name = cache_string (cache, m->first_name);
          copy.last_name = cache_string (cache, m->last_name);
          copy.phone = cache_string (cache, m->phone);
          copy.country = cache_string (cache, m->country);
          copy.postcode = cache_string (cache, m->postcode);
          copy.city = cache_string (cache, m->city);
          copy.customer_key = cache_string (cache, m->customer_key);
          g_array_append_val (cache->members, copy);
        }
    }
  return TRUE;
}

/* See cst_audience_resolve(); without @persist nothing is stored. */
static GArray *
resolve (CstStore                *store,
         CstAudience             *audience,
         const CstExportOptions  *options,
         gboolean                 persist,
         MemberCache             *cache,
         GCancellable            *cancellable,
         CstExportSummary        *summary,
         GArray                 **held_out,
         GError                 **error)
{
  g_autoptr(GArray) eligible = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) held_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree guint8 *held = NULL;
  g_autofree char *key = cst_audience_dup_key (audience);
  EligibleScan scan = { audience, eligible, 0, 0, 0, cancellable, cache };
  gint64 audience_id = 0;
  guint32 seed = 0;
  double share = 0;
  g_autoptr(GError) local_error = NULL;

  if (!cst_store_audience_foreach_member (store, (const gint64 *) (void *) audience->ids->data, audience->ids->len,
                                          collect_eligible, &scan, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  held = g_new0 (guint8, MAX (eligible->len, 1));

  if (cst_store_audience_lookup (store, key, &audience_id, &seed, &share, &local_error))
    {
      g_autoptr(GHashTable) members = NULL;
      g_autoptr(GArray) new_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GByteArray) new_held = g_byte_array_new ();

      if ((options->holdout_share >= 0 && fabs (options->holdout_share - share) > 1e-9) ||
          (options->has_seed && options->seed != seed))
        {
          g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_HOLDOUT_CHANGED,
                       _("The audience “%s” already holds back %.0f %% of its people (seed %u); exports of it "
                         "keep that holdout so that results can be compared"),
                       audience->name, share * 100.0, seed);
          return NULL;
        }
      members = cst_store_audience_load_members (store, audience_id, error);
      if (members == NULL)
        return NULL;
      for (guint i = 0; i < eligible->len; i++)
        {
          gint64 id = g_array_index (eligible, gint64, i);
          gpointer value = g_hash_table_lookup (members, &id);

          if (value != NULL)
            held[i] = GPOINTER_TO_INT (value) - 1;
          else
            {
              guint8 h = person_uniform (seed, id) < share;

              held[i] = h;
              g_array_append_val (new_ids, id);
              g_byte_array_append (new_held, &h, 1);
            }
        }
      if (new_ids->len > 0 && persist)
        {
          if (!cst_store_begin (store, error))
            return NULL;
          if (!cst_store_audience_add_members (store, audience_id, (const gint64 *) (void *) new_ids->data,
                                               new_held->data, new_ids->len, error) ||
              !cst_store_commit (store, error))
            {
              cst_store_rollback (store);
              return NULL;
            }
        }
      if (summary != NULL)
        summary->holdout_reused = TRUE;
    }
  else if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  else
    {
      share = options->holdout_share >= 0 ? options->holdout_share : CST_AUDIENCE_DEFAULT_HOLDOUT;
      if (share > 0.9)
        {
          g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_INVALID,
                       _("A holdout of %.0f %% leaves too few people to reach; use at most 90 %%"), share * 100.0);
          return NULL;
        }
      /* Without a seed, one from the key: reproducible, and different for each audience. */
      seed = options->has_seed ? options->seed : g_str_hash (key);
      cst_holdout_draw ((const gint64 *) (void *) eligible->data, eligible->len, share, seed, held);
      if (persist)
        {
          audience_id = cst_store_audience_create (store, key, audience->name, seed, share,
                                                   (const gint64 *) (void *) eligible->data, held, eligible->len,
                                                   error);
          if (audience_id == 0)
            return NULL;
        }
    }

  for (guint i = 0; i < eligible->len; i++)
    {
      if (held[i])
        g_array_append_val (held_ids, g_array_index (eligible, gint64, i));
      else
        g_array_append_val (out, g_array_index (eligible, gint64, i));
    }

  if (summary != NULL)
    {
      summary->audience_id = audience_id;
      summary->n_candidates = audience->ids->len;
      summary->n_no_consent = scan.n_no_consent;
      summary->n_filtered = scan.n_filtered;
      summary->n_eligible = eligible->len;
      summary->n_held = held_ids->len;
      summary->seed = seed;
      summary->holdout_share = share;
    }
  if (held_out != NULL)
    *held_out = g_steal_pointer (&held_ids);
  return g_steal_pointer (&out);
}

/**
 * cst_audience_resolve:
 * @held: (out) (optional) (transfer full): the held-back people (gint64, ascending)
 *
 * Applies the audience's rules and its holdout: on the first export of the audience's key the
 * holdout is drawn (cst_holdout_draw()) and stored with every eligible member; later exports
 * use the stored draw, so the same people stay held back. A person who became eligible since
 * is held back with the audience's share by a per-person draw from the seed. Asking for a
 * different share or seed than the stored one fails with %CST_AUDIENCE_ERROR_HOLDOUT_CHANGED:
 * a control group that changes between exports measures nothing.
 *
 * Returns: (transfer full) (nullable): the people to export (gint64, ascending)
 */
GArray *
cst_audience_resolve (CstStore                *store,
                      CstAudience             *audience,
                      const CstExportOptions  *options,
                      CstExportSummary        *summary,
                      GArray                 **held,
                      GError                 **error)
{
  g_return_val_if_fail (store != NULL && audience != NULL && options != NULL, NULL);

  return resolve (store, audience, options, TRUE, NULL, NULL, summary, held, error);
}

/**
 * cst_audience_preview:
 *
 * The counts an export would give (#CstExportSummary without bytes and seconds; n_written is
 * the number of people not held back), without writing a file or storing a holdout: for the
 * export dialog while the user changes rules. audience_id is 0 when the audience is new.
 */
gboolean
cst_audience_preview (CstStore                *store,
                      CstAudience             *audience,
                      const CstExportOptions  *options,
                      CstExportSummary        *summary,
                      GError                 **error)
{
  g_autoptr(GArray) ids = NULL;

  g_return_val_if_fail (store != NULL && audience != NULL && options != NULL && summary != NULL, FALSE);

  memset (summary, 0, sizeof *summary);
  ids = resolve (store, audience, options, FALSE, NULL, NULL, summary, NULL, error);
  if (ids == NULL)
    return FALSE;
  summary->n_written = ids->len;
  return TRUE;
}

/**
 * cst_audience_export_project:
 * @project_path: a project file
 * @segment_id_or_name: a segment of the newest run
 * @country: (nullable): only people of this country
 *
 * cst_audience_export() of a segment on a store opened and closed on the calling thread: what
 * a worker thread of the export dialog runs (GTask with a copy of these arguments).
 */
gboolean
cst_audience_export_project (const char              *project_path,
                             const char              *segment_id_or_name,
                             const char              *country,
                             CstConsentRule           consent,
                             const CstExportOptions  *options,
                             const char              *path,
                             CstExportSummary        *summary,
                             GCancellable            *cancellable,
                             CstProgressFunc          progress,
                             gpointer                 progress_data,
                             GError                 **error)
{
  g_autoptr(CstStore) store = NULL;
  g_autoptr(CstAudience) audience = NULL;

  g_return_val_if_fail (project_path != NULL && segment_id_or_name != NULL, FALSE);

  store = cst_store_open (project_path, error);
  if (store == NULL)
    return FALSE;
  audience = cst_audience_new_from_segment (store, segment_id_or_name, error);
  if (audience == NULL)
    return FALSE;
  cst_audience_set_country (audience, country);
  cst_audience_set_consent_rule (audience, consent);
  return cst_audience_export (store, audience, options, path, summary, cancellable, progress, progress_data, error);
}

/* Which export columns the sensitive source columns stand for: by the export column's id, its
 * title or one of its aliases, all normalized. */
static gboolean
find_sensitive_columns (CstStore  *store,
                        gboolean   drop[CST_AUDIENCE_N_COLUMNS],
                        GError   **error)
{
  g_autoptr(GPtrArray) sensitive = cst_store_audience_list_sensitive (store, error);

  if (sensitive == NULL)
    return FALSE;
  for (guint i = 0; i < sensitive->len; i++)
    {
      const CstSensitiveColumn *s = g_ptr_array_index (sensitive, i);
      g_autofree char *name = normalize_column_name (s->column_name);

      for (guint c = 0; c < CST_AUDIENCE_N_COLUMNS; c++)
        {
          g_autofree char *id = normalize_column_name (columns_info[c].id);
          g_autofree char *title = normalize_column_name (columns_info[c].title);

          if (g_str_equal (name, id) || g_str_equal (name, title))
            drop[c] = TRUE;
        }
      for (guint a = 0; a < G_N_ELEMENTS (column_aliases); a++)
        if (g_str_equal (name, column_aliases[a].alias))
          drop[column_aliases[a].column] = TRUE;
    }
  return TRUE;
}

/* The export columns that a sensitive source column stands for. */
static guint
drop_sensitive_columns (CstStore           *store,
                        CstAudienceColumn  *columns,
                        guint              *n_columns,
                        GError            **error)
{
  gboolean drop[CST_AUDIENCE_N_COLUMNS] = { FALSE };
  guint kept = 0;
  guint dropped = 0;

  if (!find_sensitive_columns (store, drop, error))
    return G_MAXUINT;
  for (guint c = 0; c < *n_columns; c++)
    {
      if (drop[columns[c]])
        dropped++;
      else
        columns[kept++] = columns[c];
    }
  *n_columns = kept;
  return dropped;
}

typedef struct
{
  CstAudienceWriter *writer;
  const char        *segment_name;
  gsize              n_total;
  gsize              n_done;
  gsize              n_written;
  gsize              n_no_identifier;
  GCancellable      *cancellable;
  CstProgressFunc    progress;
  gpointer           progress_data;
  GError            *error;
} WriteScan;

static gboolean
write_member (const CstAudienceMember *m,
              gpointer                 user_data)
{
  WriteScan *scan = user_data;
  gboolean written;

  if (!cst_audience_writer_add (scan->writer, m, scan->segment_name, &written, &scan->error))
    return FALSE;
  if (written)
    scan->n_written++;
  else
    scan->n_no_identifier++;
  if ((++scan->n_done & 4095) == 0)
    {
      if (g_cancellable_set_error_if_cancelled (scan->cancellable, &scan->error))
        return FALSE;
      cst_progress_report (scan->progress, scan->progress_data,
                           0.5 + 0.5 * (double) scan->n_done / (double) MAX (scan->n_total, 1),
                           _("Writing the audience"));
    }
  return TRUE;
}

/**
 * cst_audience_export:
 * @store: the project, opened on this thread
 * @audience: who to export
 * @options: format, columns, holdout (see cst_export_options_init())
 * @path: the file to write; it appears complete or not at all
 * @summary: (out caller-allocates) (optional): counts and the holdout used
 *
 * Resolves the audience (rules, consent, the stored or a newly drawn holdout) and writes the
 * people who are not held back. CSV and XLSX carry the chosen columns, minus those marked
 * sensitive unless @options->include_sensitive; XLSX adds a sheet describing the audience.
 * Hashed lists carry only SHA-256 hashes in the platform's layout, and skip people with neither
 * email nor phone. Every export is logged in the project. Costs two passes over the members'
 * records in the store and constant memory per written row.
 */
gboolean
cst_audience_export (CstStore                *store,
                     CstAudience             *audience,
                     const CstExportOptions  *options,
                     const char              *path,
                     CstExportSummary        *summary,
                     GCancellable            *cancellable,
                     CstProgressFunc          progress,
                     gpointer                 progress_data,
                     GError                 **error)
{
  CstExportSummary local = { 0 };
  CstAudienceColumn columns[CST_AUDIENCE_N_COLUMNS];
  guint n_columns = options->n_columns;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(CstAudienceWriter) writer = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  WriteScan scan = { 0 };
  g_auto(MemberCache) cache = { NULL, NULL };

  g_return_val_if_fail (store != NULL && audience != NULL && options != NULL && path != NULL, FALSE);

  if (options->format == CST_EXPORT_HASHED)
    {
      columns[0] = CST_AUDIENCE_COLUMN_EMAIL;
      columns[1] = CST_AUDIENCE_COLUMN_PHONE;
      n_columns = 2;
    }
  else if (n_columns == 0)
    {
      memcpy (columns, default_columns, sizeof default_columns);
      n_columns = G_N_ELEMENTS (default_columns);
    }
  else
    memcpy (columns, options->columns, n_columns * sizeof (CstAudienceColumn));
  if (!options->include_sensitive)
    {
      local.n_dropped_columns = drop_sensitive_columns (store, columns, &n_columns, error);
      if (local.n_dropped_columns == G_MAXUINT)
        return FALSE;
      if (n_columns == 0)
        {
          g_set_error (error, CST_AUDIENCE_ERROR, CST_AUDIENCE_ERROR_INVALID, "%s",
                       _("Every chosen column is marked sensitive: there is nothing left to export"));
          return FALSE;
        }
    }

  cst_progress_report (progress, progress_data, 0.0, _("Choosing the audience"));
  if (audience->ids->len <= cache_max_people ())
    {
      cache.chunk = g_string_chunk_new (1 << 16);
      cache.members = g_array_new (FALSE, FALSE, sizeof (CstAudienceMember));
    }
  ids = resolve (store, audience, options, TRUE, cache.members != NULL ? &cache : NULL, cancellable, &local, NULL, error);
  if (ids == NULL)
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  cst_progress_report (progress, progress_data, 0.5, _("Writing the audience"));

  writer = cst_audience_writer_new (path, options->format, options->platform, columns, n_columns, error);
  if (writer == NULL)
    return FALSE;
  scan.writer = writer;
  scan.segment_name = audience->name;
  scan.n_total = ids->len;
  scan.cancellable = cancellable;
  scan.progress = progress;
  scan.progress_data = progress_data;
  if (cache.members != NULL)
    {
      /* The written people are the cached (eligible) ones minus the held: both ascending. */
      guint j = 0;

      for (guint i = 0; i < cache.members->len && j < ids->len; i++)
        {
          const CstAudienceMember *m = &g_array_index (cache.members, CstAudienceMember, i);

          if (m->person_id != g_array_index (ids, gint64, j))
            continue;
          j++;
          if (!write_member (m, &scan))
            break;
        }
    }
  else if (!cst_store_audience_foreach_member (store, (const gint64 *) (void *) ids->data, ids->len, write_member,
                                               &scan, error))
    return FALSE;
  if (scan.error != NULL)
    {
      g_propagate_error (error, scan.error);
      return FALSE;
    }
  local.n_written = scan.n_written;
  local.n_no_identifier = scan.n_no_identifier;

  if (options->format == CST_EXPORT_XLSX)
    {
      g_autofree char *size = g_strdup_printf ("%zu", local.n_candidates);
      g_autofree char *written = g_strdup_printf ("%zu", local.n_written);
      g_autofree char *consent = g_strdup_printf ("%zu", local.n_no_consent);
      g_autofree char *filtered = g_strdup_printf ("%zu", local.n_filtered);
      g_autofree char *holdout = g_strdup_printf (_("%.1f %% (%zu people held back)"), local.holdout_share * 100.0,
                                                  local.n_held);
      g_autofree char *seed = g_strdup_printf ("%u", local.seed);
      g_autofree char *now = NULL;
      g_autoptr(GDateTime) dt = g_date_time_new_now_utc ();
      g_autofree char *key = cst_audience_dup_key (audience);

      now = g_date_time_format_iso8601 (dt);
      cst_audience_writer_describe (writer, _("Audience"), audience->name);
      cst_audience_writer_describe (writer, _("Why these people"), audience->description);
      cst_audience_writer_describe (writer, _("People in the source"), size);
      cst_audience_writer_describe (writer, _("Left out: no consent"), consent);
      cst_audience_writer_describe (writer, _("Left out: rules"), filtered);
      cst_audience_writer_describe (writer, _("Holdout"), holdout);
      cst_audience_writer_describe (writer, _("Holdout seed"), seed);
      cst_audience_writer_describe (writer, _("People in this file"), written);
      cst_audience_writer_describe (writer, _("Rules"), key);
      cst_audience_writer_describe (writer, _("Exported"), now);
    }
  if (!cst_audience_writer_finish (writer, &local.bytes, error) ||
      !cst_store_audience_log_export (store, local.audience_id, cst_export_format_to_string (options->format),
                                      local.n_candidates, local.n_no_consent, local.n_filtered, local.n_held,
                                      local.n_written, error))
    return FALSE;

  local.seconds = g_timer_elapsed (timer, NULL);
  cst_progress_report (progress, progress_data, 1.0, NULL);
  if (summary != NULL)
    *summary = local;
  return TRUE;
}

/**
 * cst_audience_column_is_sensitive:
 * @sensitive: (out): whether a column marked sensitive in the project stands for @column (by
 *   its id, title or a usual alias: "Mobile" for the phone, "PLZ" for the postcode…), so that
 *   exports leave it out unless asked to include sensitive columns
 *
 * One query over the (few) sensitive columns.
 */
gboolean
cst_audience_column_is_sensitive (CstStore           *store,
                                  CstAudienceColumn   column,
                                  gboolean           *sensitive,
                                  GError            **error)
{
  gboolean drop[CST_AUDIENCE_N_COLUMNS] = { FALSE };

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail ((guint) column < CST_AUDIENCE_N_COLUMNS, FALSE);
  g_return_val_if_fail (sensitive != NULL, FALSE);

  if (!find_sensitive_columns (store, drop, error))
    return FALSE;
  *sensitive = drop[column];
  return TRUE;
}
