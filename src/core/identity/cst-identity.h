/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"
#include "linkage/cst-linker.h"

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

/**
 * cst_identity_link:
 * @store: an open project with imported records
 * @options: (nullable): linker options (threshold, rules…); %NULL for the defaults with the
 *   threshold and rules of the newest linker run (so that a user's choice survives an import)
 * @report: (out caller-allocates) (optional): what was done
 *
 * Finds people with the probabilistic linker (linkage/cst-linker.h) over every record of the
 * project, respecting every decision stored with cst_store_linkage_decide(), and stores the
 * result as a new identity run (linkage/cst-store-linkage.h) in one transaction: on error or
 * cancellation the project is unchanged. People keep their stable ids across runs.
 * n_without_email counts records without a usable address. Cost: see cst_link_run().
 */
gboolean  cst_identity_link            (CstStore           *store,
                                        const CstLinkOptions *options,
                                        CstIdentityReport  *report,
                                        GCancellable       *cancellable,
                                        CstProgressFunc     progress,
                                        gpointer            progress_data,
                                        GError            **error);

G_END_DECLS
