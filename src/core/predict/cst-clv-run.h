/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"
#include "predict/cst-clv.h"

G_BEGIN_DECLS

typedef struct _CstStore CstStore;

/* Lifetime value of every person of a project who ordered: BG/NBD + Gamma-Gamma fitted on all
 * purchase days (transactions on one day are one purchase), predictions from the last day of
 * the data, plus a holdout check that refits on the data before the last holdout_weeks and
 * compares its forecast with what happened, by frequency group. */
typedef struct
{
  gint64         id;                /* stored run, 0 before saving */
  gint64         identity_run;
  gint64         data_end;          /* last purchase day: "now" of the predictions */
  CstClvResult  *result;            /* parameters, and per person values in person_ids order */
  gint64        *person_ids;        /* result->n_customers, ascending */
  gint64         holdout_start;     /* first day of the holdout (0 when the data was too short) */
  double         holdout_weeks;
  CstBgnbdParams holdout_params;    /* fitted on the days before holdout_start */
  GArray        *holdout;           /* CstClvHoldoutGroup, frequencies 0…6 and 7+; empty without */
  char         **warnings;          /* translated sentences, NULL-terminated */
  double         seconds;
} CstClvRun;

/* Cancellable; progress from 0 to 1. Cost: one pass over the orders, the fits of cst_clv_fit()
 * and one more BG/NBD fit for the holdout check. */
CstClvRun *cst_clv_run      (CstStore            *store,
                             gint64               identity_run,
                             const CstClvOptions *options,
                             GCancellable        *cancellable,
                             CstProgressFunc      progress,
                             gpointer             progress_data,
                             GError             **error);
void       cst_clv_run_free (CstClvRun           *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstClvRun, cst_clv_run_free)

G_END_DECLS
