/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CstProgressFunc:
 * @fraction: progress of the whole operation, from 0.0 to 1.0
 * @message: (nullable): a short, translated description of the current step
 * @user_data: closure data
 *
 * Called by synchronous core functions from the thread they run in. Implementations must be
 * cheap and thread-safe; #CstJob provides one that forwards to the main loop.
 */
typedef void (*CstProgressFunc) (double      fraction,
                                 const char *message,
                                 gpointer    user_data);

static inline void
cst_progress_report (CstProgressFunc progress,
                     gpointer        user_data,
                     double          fraction,
                     const char     *message)
{
  if (progress != NULL)
    progress (CLAMP (fraction, 0.0, 1.0), message, user_data);
}

/* A step of a longer operation that owns the slice [start, start + span] of its progress: pass
 * cst_progress_stage_report with a stage as the step's own CstProgressFunc and data. */
typedef struct
{
  CstProgressFunc progress;
  gpointer        data;
  double          start;
  double          span;
} CstProgressStage;

static inline void
cst_progress_stage_report (double      fraction,
                           const char *message,
                           gpointer    stage)
{
  CstProgressStage *self = stage;

  cst_progress_report (self->progress, self->data, self->start + self->span * fraction, message);
}

G_END_DECLS
