/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "predict/cst-clv-run.h"
#include "predict/cst-lookalike.h"
#include "predict/cst-propensity.h"

G_BEGIN_DECLS

/* Storage of prediction runs (migration 0005). Each save is one transaction and sets the run's
 * id; each load returns the newest run (of a target, for propensity), or %NULL with no error
 * when there is none. Nothing is ever overwritten: every run is kept as history. */

gboolean          cst_store_save_propensity        (CstStore             *store,
                                                    CstPropensityRun     *run,
                                                    GError              **error);
CstPropensityRun *cst_store_load_latest_propensity (CstStore             *store,
                                                    CstPropensityTarget   target,
                                                    GError              **error);
gboolean          cst_store_save_clv               (CstStore             *store,
                                                    CstClvRun            *run,
                                                    GError              **error);
CstClvRun        *cst_store_load_latest_clv        (CstStore             *store,
                                                    GError              **error);
gboolean          cst_store_save_lookalike         (CstStore             *store,
                                                    CstLookalikeRun      *run,
                                                    GError              **error);
CstLookalikeRun  *cst_store_load_latest_lookalike  (CstStore             *store,
                                                    GError              **error);

/* Every person of @identity_run with their email (NULL when unknown), ascending by id: for
 * matching seed lists and exports. Returns: (transfer full): gint64 ids; emails in @emails
 * (transfer full, a GPtrArray of strings) when not %NULL. */
GArray           *cst_store_list_people            (CstStore             *store,
                                                    gint64                identity_run,
                                                    GPtrArray           **emails,
                                                    GError              **error);
/* As cst_store_list_people(), with each person's name ("First Last", either part alone, or
 * NULL when unknown) in @names (transfer full, a GPtrArray of strings) when not %NULL. */
GArray           *cst_store_list_people_full       (CstStore             *store,
                                                    gint64                identity_run,
                                                    GPtrArray           **emails,
                                                    GPtrArray           **names,
                                                    GError              **error);

/* Keeps the band thresholds the user moved: updates the run and re-bands its stored scores
 * (cst_band_for()'s rule) in one transaction. Fails when 0 ≤ @low ≤ @high ≤ 1 does not hold
 * or the run is gone. */
gboolean          cst_store_update_propensity_thresholds (CstStore       *store,
                                                          gint64          run_id,
                                                          double          low,
                                                          double          high,
                                                          GError        **error);

G_END_DECLS
