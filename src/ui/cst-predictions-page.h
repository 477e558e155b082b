/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "models/cst-segmentation.h"

G_BEGIN_DECLS

#define CST_TYPE_PREDICTIONS_PAGE (cst_predictions_page_get_type ())

G_DECLARE_FINAL_TYPE (CstPredictionsPage, cst_predictions_page, CST, PREDICTIONS_PAGE, GtkWidget)

/* The Predictions page: who will stop buying or buy next (propensity with bands), lifetime value
 * and lookalike audiences of one project. Every job runs in a worker thread with its own store.
 *
 * Signals:
 *   export-audience (GArray *person_ids): the chosen lookalike audience (gint64 ids, borrowed
 *   for the emission), for the window to open the audience export.
 *   busy-changed (gboolean busy). */
GtkWidget  *cst_predictions_page_new              (void);
void        cst_predictions_page_set_project      (CstPredictionsPage    *self,
                                                   const char            *project_path);
void        cst_predictions_page_set_segmentation (CstPredictionsPage    *self,
                                                   const CstSegmentation *segmentation);
gboolean    cst_predictions_page_is_busy          (CstPredictionsPage    *self);
void        cst_predictions_page_cancel           (CstPredictionsPage    *self);

/* For tests and the window's summary: what the page shows. */
const char *cst_predictions_page_get_headline     (CstPredictionsPage    *self);
gsize       cst_predictions_page_get_band_counts  (CstPredictionsPage    *self,
                                                   gsize                  counts[3]);
guint       cst_predictions_page_get_n_top_customers (CstPredictionsPage *self);

G_END_DECLS
