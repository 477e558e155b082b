/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cst-chart-slide.h"
#include "cst-report.h"
#include "models/cst-segmentation.h"

G_BEGIN_DECLS

/* The workshop deck of a segmentation: an overview slide, then one slide per segment. Shared
 * by the presentation mode and the PDF deck, so the room and the handout see the same. */
GPtrArray *cst_deck_build     (const CstSegmentation *segmentation);

/* Issue 7: after the segments, one slide per stored prediction — churn, purchase, lifetime
 * value, lookalikes — each a headline in words, its chart and what it rests on. */
GPtrArray *cst_deck_build_predictions (const CstReportPredictions *predictions);
/* The whole deck: @segmentation's slides (when not %NULL), then @predictions' (when not %NULL),
 * numbered. */
GPtrArray *cst_deck_build_full        (const CstSegmentation      *segmentation,
                                       const CstReportPredictions *predictions);
/* Loads the newest segmentation and predictions of a project in the calling thread (open no
 * store on the main thread) and builds the whole deck. Fails with a sentence when the project
 * does not exist or has no segments yet. */
GPtrArray *cst_deck_build_for_project (const char                 *project_path,
                                       GError                    **error);
/* Numbers the slides "1 / n" … after slides were added or removed. */
void       cst_deck_number            (GPtrArray                  *slides);
gboolean   cst_deck_write_pdf (GPtrArray             *slides,
                               const char            *path,
                               double                 width,
                               double                 height,
                               GError               **error);

G_END_DECLS
