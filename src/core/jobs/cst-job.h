/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cst-progress.h"

G_BEGIN_DECLS

#define CST_TYPE_JOB (cst_job_get_type ())

G_DECLARE_FINAL_TYPE (CstJob, cst_job, CST, JOB, GObject)

CstJob       *cst_job_new             (const char *title);
const char   *cst_job_get_title       (CstJob     *self);
double        cst_job_get_fraction    (CstJob     *self);
char         *cst_job_dup_message     (CstJob     *self);
GCancellable *cst_job_get_cancellable (CstJob     *self);
void          cst_job_cancel          (CstJob     *self);
void          cst_job_update          (CstJob     *self,
                                       double      fraction,
                                       const char *message);
void          cst_job_progress        (double      fraction,
                                       const char *message,
                                       gpointer    job);

G_END_DECLS
