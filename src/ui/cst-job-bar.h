/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "jobs/cst-job.h"

G_BEGIN_DECLS

#define CST_TYPE_JOB_BAR (cst_job_bar_get_type ())

G_DECLARE_FINAL_TYPE (CstJobBar, cst_job_bar, CST, JOB_BAR, GtkWidget)

CstJob *cst_job_bar_get_job (CstJobBar *self);
void    cst_job_bar_set_job (CstJobBar *self,
                             CstJob    *job);

G_END_DECLS
