/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"

G_BEGIN_DECLS

/* The planted behavioural groups of the sample data; the generator's truth file names them
 * with these strings. People who never ordered are "prospect" and belong to no group. */
#define CST_SAMPLE_GROUP_LOYAL    "loyal-big-spenders"
#define CST_SAMPLE_GROUP_BARGAIN  "weekend-bargain-hunters"
#define CST_SAMPLE_GROUP_LAPSED   "lapsed-one-time-buyers"
#define CST_SAMPLE_GROUP_NEW      "new-customers"
#define CST_SAMPLE_GROUP_PROSPECT "prospect"

#define CST_SAMPLE_DEFAULT_SEED   20261122u
#define CST_SAMPLE_DEFAULT_PEOPLE 5000u

/* File names written into the output directory. */
#define CST_SAMPLE_CONTACTS_FILE   "crm-contacts.csv"
#define CST_SAMPLE_ORDERS_FILE     "shop-orders.csv"
#define CST_SAMPLE_ENGAGEMENT_FILE "email-engagement.csv"
#define CST_SAMPLE_TRUTH_FILE      "truth.csv"

typedef struct
{
  guint32 seed;
  guint   n_people;   /* contacts in the CRM file */
  int     end_year;   /* the last day of the two-year window (an export date) */
  int     end_month;
  int     end_day;
} CstSampleOptions;

void     cst_sample_options_init (CstSampleOptions       *options);
gboolean cst_sample_write        (const char             *directory,
                                  const CstSampleOptions *options,
                                  GCancellable           *cancellable,
                                  CstProgressFunc         progress,
                                  gpointer                progress_data,
                                  GError                **error);

G_END_DECLS
