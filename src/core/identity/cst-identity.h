/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"

G_BEGIN_DECLS

typedef struct _CstStore CstStore;

typedef struct
{
  gint64 run_id;
  gsize  n_records;
  gsize  n_people;
  gsize  n_without_email;  /* records without a usable email address (matched by customer
                           * number, or a person of their own) */
  double seconds;
} CstIdentityReport;

char     *cst_identity_normalize_email (const char         *email);
gboolean  cst_identity_match_by_email  (CstStore           *store,
                                        CstIdentityReport  *report,
                                        GCancellable       *cancellable,
                                        CstProgressFunc     progress,
                                        gpointer            progress_data,
                                        GError            **error);

G_END_DECLS
