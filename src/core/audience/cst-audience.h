/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "audience/cst-store-audience.h"
#include "jobs/cst-progress.h"
#include "store/cst-store.h"

G_BEGIN_DECLS

/* Audiences out (issue 8). An audience is a set of candidate people (a segment of the newest
 * run today; a score band or a lookalike list through cst_audience_new_from_people()), narrowed
 * by simple rules (a country, consent), with a holdout group held back from every export of it.
 *
 * For the export dialog: build a CstAudience (from_segment / from_people), set its rules, fill
 * a CstExportOptions (cst_export_options_init() gives the defaults: CSV, the default columns,
 * 10 % holdout, sensitive columns left out, people who refused consent left out) and call
 * cst_audience_export() in a worker thread with its own CstStore; the CstExportSummary it
 * fills says how many people were written, held back, left out for consent and by the rules.
 * cst_audience_preview() gives the same counts without writing a file. */

#define CST_AUDIENCE_ERROR (cst_audience_error_quark ())

typedef enum
{
  CST_AUDIENCE_ERROR_INVALID,
  CST_AUDIENCE_ERROR_WRITE,
  CST_AUDIENCE_ERROR_HOLDOUT_CHANGED,
  CST_AUDIENCE_ERROR_EMPTY,
} CstAudienceError;

typedef enum
{
  CST_EXPORT_CSV,
  CST_EXPORT_XLSX,
  CST_EXPORT_HASHED,
} CstExportFormat;

/* Layouts of hashed customer lists (SHA-256, lower-case hex, UTF-8 CSV, no raw identifier):
 * GOOGLE: Google Ads Customer Match, header "Email,Phone". Emails trimmed and lower-cased, dots
 *   of the local part removed for gmail.com / googlemail.com (Google's rule for enhanced
 *   conversions; Customer Match accepts both spellings); phones in E.164 with "+".
 * META: Meta (Facebook) custom audience customer list, header "email,phone". Emails trimmed and
 *   lower-cased only (Meta documents no Gmail rule); phones as digits with country code, no
 *   "+" and no leading zeros. */
typedef enum
{
  CST_HASHED_GOOGLE,
  CST_HASHED_META,
} CstHashedPlatform;

typedef enum
{
  CST_CONSENT_EXCLUDE_REFUSED,   /* default: leave out people any of whose records says no */
  CST_CONSENT_REQUIRE_GIVEN,     /* keep only people whose records say yes (and none no) */
  CST_CONSENT_IGNORE,
} CstConsentRule;

typedef enum
{
  CST_AUDIENCE_COLUMN_PERSON_ID,
  CST_AUDIENCE_COLUMN_EMAIL,
  CST_AUDIENCE_COLUMN_FIRST_NAME,
  CST_AUDIENCE_COLUMN_LAST_NAME,
  CST_AUDIENCE_COLUMN_PHONE,
  CST_AUDIENCE_COLUMN_COUNTRY,
  CST_AUDIENCE_COLUMN_POSTCODE,
  CST_AUDIENCE_COLUMN_CITY,
  CST_AUDIENCE_COLUMN_CUSTOMER_KEY,
  CST_AUDIENCE_COLUMN_CONSENT,
  CST_AUDIENCE_COLUMN_ORDERS,
  CST_AUDIENCE_COLUMN_TOTAL_SPEND,
  CST_AUDIENCE_COLUMN_LAST_ORDER,
  CST_AUDIENCE_COLUMN_SEGMENT,
  CST_AUDIENCE_N_COLUMNS,
} CstAudienceColumn;

#define CST_AUDIENCE_DEFAULT_HOLDOUT 0.10

typedef struct _CstAudience CstAudience;

typedef struct
{
  CstExportFormat   format;
  CstHashedPlatform platform;            /* for CST_EXPORT_HASHED */
  CstAudienceColumn columns[CST_AUDIENCE_N_COLUMNS];
  guint             n_columns;           /* 0: the default columns */
  double            holdout_share;       /* [0, 0.9]; negative: the stored share, else 10 % */
  gboolean          has_seed;            /* FALSE: the stored seed, else one from the key */
  guint32           seed;
  gboolean          include_sensitive;   /* FALSE (default): columns marked sensitive in any
                                          * source are left out of the file */
} CstExportOptions;

typedef struct
{
  gint64   audience_id;
  gsize    n_candidates;     /* people of the source (segment, score band…) */
  gsize    n_no_consent;     /* left out by the consent rule */
  gsize    n_filtered;       /* left out by the other rules (country…) */
  gsize    n_eligible;       /* candidates − no consent − filtered */
  gsize    n_held;           /* the holdout: eligible, never written */
  gsize    n_written;        /* rows in the file */
  gsize    n_no_identifier;  /* hashed lists: eligible people with neither email nor phone */
  gsize    n_dropped_columns;/* requested columns left out because they are sensitive */
  guint32  seed;
  double   holdout_share;
  gboolean holdout_reused;   /* the audience existed: its stored holdout was used */
  guint64  bytes;
  double   seconds;
} CstExportSummary;

GQuark       cst_audience_error_quark       (void);

/* Sources of people. */
CstAudience *cst_audience_new_from_segment  (CstStore            *store,
                                             const char          *segment_id_or_name,
                                             GError             **error);
CstAudience *cst_audience_new_from_people   (const char          *key,
                                             const char          *name,
                                             const char          *description,
                                             const gint64        *person_ids,
                                             gsize                n_ids);
void         cst_audience_free              (CstAudience         *self);
/* Rules. @country: ISO 3166 alpha-2, case-insensitive, or %NULL for any. */
void         cst_audience_set_country       (CstAudience         *self,
                                             const char          *country);
void         cst_audience_set_consent_rule  (CstAudience         *self,
                                             CstConsentRule       rule);
const char  *cst_audience_get_name          (CstAudience         *self);
/* The key the holdout is stored under: source and rules ("segment:3:1|country=DE|consent=refused"). */
char        *cst_audience_dup_key           (CstAudience         *self);

void         cst_export_options_init        (CstExportOptions    *options);
const char  *cst_audience_column_get_id     (CstAudienceColumn    column);
const char  *cst_audience_column_get_title  (CstAudienceColumn    column);
gboolean     cst_audience_column_from_id    (const char          *id,
                                             CstAudienceColumn   *column);
gboolean     cst_audience_column_is_sensitive (CstStore          *store,
                                               CstAudienceColumn  column,
                                               gboolean          *sensitive,
                                               GError           **error);
const char  *cst_export_format_to_string    (CstExportFormat      format);
gboolean     cst_export_format_from_string  (const char          *text,
                                             CstExportFormat     *format);
gboolean     cst_hashed_platform_from_string (const char         *text,
                                              CstHashedPlatform  *platform);

gboolean     cst_audience_export            (CstStore            *store,
                                             CstAudience         *audience,
                                             const CstExportOptions *options,
                                             const char          *path,
                                             CstExportSummary    *summary,
                                             GCancellable        *cancellable,
                                             CstProgressFunc      progress,
                                             gpointer             progress_data,
                                             GError             **error);
/* The eligible people written by an export (held back excluded), ascending; for tests and the
 * dialog's preview. Draws and stores the holdout like an export does. */
GArray      *cst_audience_resolve           (CstStore            *store,
                                             CstAudience         *audience,
                                             const CstExportOptions *options,
                                             CstExportSummary    *summary,
                                             GArray             **held,
                                             GError             **error);

gboolean     cst_audience_preview           (CstStore            *store,
                                             CstAudience         *audience,
                                             const CstExportOptions *options,
                                             CstExportSummary    *summary,
                                             GError             **error);
gboolean     cst_audience_export_project    (const char          *project_path,
                                             const char          *segment_id_or_name,
                                             const char          *country,
                                             CstConsentRule       consent,
                                             const CstExportOptions *options,
                                             const char          *path,
                                             CstExportSummary    *summary,
                                             GCancellable        *cancellable,
                                             CstProgressFunc      progress,
                                             gpointer             progress_data,
                                             GError             **error);

/* The holdout draw itself: exactly round (share × n) of @ids (ascending), by a partial
 * Fisher–Yates shuffle driven by GRand seeded with @seed. @held gets 1 for the drawn. */
void         cst_holdout_draw               (const gint64        *ids,
                                             gsize                n_ids,
                                             double               share,
                                             guint32              seed,
                                             guint8              *held);

/* Normalization and hashing for ad platforms. Results are newly allocated, %NULL when the
 * value is empty or not usable (an email without "@", a phone that is not a number). */
char        *cst_audience_normalize_email   (const char          *raw,
                                             CstHashedPlatform    platform);
char        *cst_audience_normalize_phone   (const char          *raw,
                                             const char          *default_region,
                                             CstHashedPlatform    platform);
char        *cst_audience_sha256_hex        (const char          *text);

/* Spreadsheet-safe text: a value starting with = + - @ tab or CR gets a leading apostrophe
 * (OWASP's advice against CSV injection), and so does one that starts with an apostrophe, so
 * cst_audience_unescape_cell() gives every value back exactly. */
char        *cst_audience_escape_cell       (const char          *value);
char        *cst_audience_unescape_cell     (const char          *cell);

/* A writer over plain rows, without a project: the path the export takes after reading the
 * store, and what the benchmark measures. */
typedef struct _CstAudienceWriter CstAudienceWriter;

CstAudienceWriter *cst_audience_writer_new  (const char              *path,
                                             CstExportFormat          format,
                                             CstHashedPlatform        platform,
                                             const CstAudienceColumn *columns,
                                             guint                    n_columns,
                                             GError                 **error);
/* Returns FALSE with @error on a write error; a hashed row without identifiers is skipped and
 * *written set to FALSE. */
gboolean     cst_audience_writer_add        (CstAudienceWriter       *self,
                                             const CstAudienceMember *member,
                                             const char              *segment_name,
                                             gboolean                *written,
                                             GError                 **error);
/* XLSX only: a "key: value" line of the description sheet. */
void         cst_audience_writer_describe   (CstAudienceWriter       *self,
                                             const char              *label,
                                             const char              *value);
gboolean     cst_audience_writer_finish     (CstAudienceWriter       *self,
                                             guint64                 *bytes,
                                             GError                 **error);
void         cst_audience_writer_free       (CstAudienceWriter       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstAudience, cst_audience_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstAudienceWriter, cst_audience_writer_free)

G_END_DECLS
