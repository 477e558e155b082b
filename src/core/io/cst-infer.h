/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "cst-parse.h"
#include "cst-sniff.h"

G_BEGIN_DECLS

typedef enum
{
  CST_COLUMN_TYPE_EMPTY,
  CST_COLUMN_TYPE_INTEGER,
  CST_COLUMN_TYPE_DECIMAL,
  CST_COLUMN_TYPE_MONEY,
  CST_COLUMN_TYPE_DATE,
  CST_COLUMN_TYPE_DATETIME,
  CST_COLUMN_TYPE_BOOLEAN,
  CST_COLUMN_TYPE_EMAIL,
  CST_COLUMN_TYPE_PHONE,
  CST_COLUMN_TYPE_POSTCODE,
  CST_COLUMN_TYPE_COUNTRY,
  CST_COLUMN_TYPE_CATEGORY,
  CST_COLUMN_TYPE_TEXT,
  CST_COLUMN_TYPE_IDENTIFIER,
  CST_N_COLUMN_TYPES
} CstColumnType;

typedef enum
{
  CST_ROLE_NONE,
  CST_ROLE_CUSTOMER_KEY,
  CST_ROLE_EMAIL,
  CST_ROLE_PHONE,
  CST_ROLE_FIRST_NAME,
  CST_ROLE_LAST_NAME,
  CST_ROLE_FULL_NAME,
  CST_ROLE_STREET,
  CST_ROLE_POSTCODE,
  CST_ROLE_CITY,
  CST_ROLE_COUNTRY,
  CST_ROLE_BIRTH_DATE,
  CST_ROLE_ORDER_ID,
  CST_ROLE_ORDER_DATE,
  CST_ROLE_AMOUNT,
  CST_ROLE_UNIT_PRICE,
  CST_ROLE_QUANTITY,
  CST_ROLE_PRODUCT,
  CST_ROLE_CATEGORY,
  CST_ROLE_CHANNEL,
  CST_ROLE_DISCOUNT,
  CST_ROLE_EVENT_TYPE,
  CST_ROLE_EVENT_TIME,
  CST_ROLE_CAMPAIGN,
  CST_ROLE_OPENED,
  CST_ROLE_CLICKED,
  CST_ROLE_CONSENT,
  CST_ROLE_OUTCOME,
  CST_N_ROLES
} CstRole;

/* What a file holds, as the wizard asks it ("What is in this file?"). */
typedef enum
{
  CST_FILE_KIND_UNKNOWN,
  CST_FILE_KIND_CONTACTS,
  CST_FILE_KIND_TRANSACTIONS,
  CST_FILE_KIND_EVENTS,
  CST_FILE_KIND_ENGAGEMENT,
  CST_N_FILE_KINDS
} CstFileKind;

typedef enum
{
  CST_EXPORT_NONE,
  CST_EXPORT_SHOPIFY_ORDERS,
  CST_EXPORT_SHOPIFY_CUSTOMERS,
  CST_EXPORT_HUBSPOT_CONTACTS,
  CST_EXPORT_MAILCHIMP_AUDIENCE,
  CST_EXPORT_STRIPE_PAYMENTS,
  CST_EXPORT_GA4_EVENTS,
  CST_N_EXPORTS
} CstExport;

/**
 * CstColumnInference:
 * @name: the column's header name
 * @type: what the values are
 * @type_confidence: the share of sampled values that fit @type, 0–1
 * @role: what the column means for Constellate, %CST_ROLE_NONE when nothing fits well
 * @confidence: how sure the role is, 0–1; below 0.5 the wizard should ask
 * @date_format: for dates, the format to read them with (one flag); with @date_ambiguous the
 *   D/M/Y reading is preselected and the user must confirm
 * @date_ambiguous: every date fits both D/M/Y and M/D/Y
 * @currency: (nullable): the ISO code of the money, when one currency was seen
 * @n_empty: sampled values that are empty or NA
 * @n_values: sampled values that are not
 * @n_distinct: distinct non-empty sampled values
 * @samples: (array zero-terminated=1): up to five distinct non-empty values, in file order
 * @warnings: (array zero-terminated=1): translated sentences about problems, possibly none
 */
typedef struct
{
  char          *name;
  CstColumnType  type;
  double         type_confidence;
  CstRole        role;
  double         confidence;
  CstDateFormat  date_format;
  gboolean       date_ambiguous;
  const char    *currency;
  guint          n_empty;
  guint          n_values;
  guint          n_distinct;
  char         **samples;
  char         **warnings;
} CstColumnInference;

/**
 * CstInference:
 * @n_columns: columns, as in the sniff result
 * @columns: (array length=n_columns): one inference per column
 * @kind: what the file holds, preselected for the wizard
 * @kind_confidence: 0–1
 * @export: the recognised export, %CST_EXPORT_NONE if none
 * @detected_export: (nullable): a translated sentence naming it ("This looks like a Shopify
 *   orders export")
 */
typedef struct
{
  guint                n_columns;
  CstColumnInference  *columns;
  CstFileKind          kind;
  double               kind_confidence;
  CstExport            export;
  char                *detected_export;
} CstInference;

CstInference *cst_infer_columns            (const CstSniffResult *sniff);
void          cst_inference_free           (CstInference         *self);
int           cst_inference_find_role      (const CstInference   *self,
                                            CstRole               role);

const char   *cst_column_type_to_string    (CstColumnType         type);
const char   *cst_column_type_get_label    (CstColumnType         type);
const char   *cst_role_to_string           (CstRole               role);
CstRole       cst_role_from_string         (const char           *nick);
const char   *cst_role_get_label           (CstRole               role);
const char   *cst_file_kind_to_string      (CstFileKind           kind);
const char   *cst_file_kind_get_label      (CstFileKind           kind);
CstFileKind   cst_role_get_file_kind       (CstRole               role);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstInference, cst_inference_free)

G_END_DECLS
