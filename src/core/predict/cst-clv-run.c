/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-clv"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cst-clv-run.h"
#include "predict/cst-propensity.h"
#include "store/cst-store.h"

#define SECONDS_PER_DAY 86400

CstClvRun *
cst_clv_run (CstStore            *store,
             gint64               identity_run,
             const CstClvOptions *options,
             GCancellable        *cancellable,
             CstProgressFunc      progress,
             gpointer             progress_data,
             GError             **error)
{
  g_autoptr(CstClvRun) run = g_new0 (CstClvRun, 1);
  g_autoptr(GArray) purchases = NULL;
  g_autoptr(GArray) customers = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree gint64 *who = NULL, *when = NULL;
  g_autofree double *amount = NULL;
  CstProgressStage stage = { progress, progress_data, 0.1, 0.8 };
  gint64 data_start = G_MAXINT64;
  gboolean amounts_known = TRUE;
  double span_weeks;

  g_return_val_if_fail (store != NULL, NULL);

  run->identity_run = identity_run;
  run->holdout = g_array_new (FALSE, FALSE, sizeof (CstClvHoldoutGroup));
  cst_progress_report (progress, progress_data, 0.0, _("Reading orders"));
  purchases = cst_predict_collect_purchases (store, identity_run, cancellable, error);
  if (purchases == NULL)
    return NULL;
  if (purchases->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The project has no dated orders, so lifetime value cannot be estimated."));
      return NULL;
    }

  who = g_new (gint64, purchases->len);
  when = g_new (gint64, purchases->len);
  amount = g_new (double, purchases->len);
  run->data_end = G_MININT64;
  for (guint i = 0; i < purchases->len; i++)
    {
      const CstPurchaseDay *p = &g_array_index (purchases, CstPurchaseDay, i);

      who[i] = p->person_id;
      when[i] = p->time;
      amount[i] = p->amount;
      amounts_known &= !isnan (p->amount);
      run->data_end = MAX (run->data_end, p->time);
      data_start = MIN (data_start, p->time);
    }
  if (!amounts_known)
    g_ptr_array_add (warnings, g_strdup (_("Some orders have no amount, so spend and lifetime value use only the customers whose amounts are all known.")));

  customers = cst_clv_summarize (who, when, amount, purchases->len, run->data_end, run->data_end, &ids);
  run->result = cst_clv_fit ((const CstClvCustomer *) customers->data, customers->len, options,
                             cancellable, cst_progress_stage_report, &stage, error);
  if (run->result == NULL)
    return NULL;
  run->person_ids = g_memdup2 (ids->data, sizeof (gint64) * MAX (ids->len, 1));
  /* p → ∞ (γ → 0) is Gamma-Gamma's way of saying that a customer's orders are all worth about
   * the same: predictions then follow each customer's own average. */
  if (run->result->has_spend && run->result->gamma_gamma.p > 1e3)
    g_ptr_array_add (warnings, g_strdup (_("Each customer’s orders are worth almost the same every time, so expected spend is simply each customer’s own average.")));
  if (!run->result->has_spend)
    g_ptr_array_add (warnings, g_strdup (_("Too few customers bought twice with a known amount, so only purchases are predicted, not their value.")));

  /* The holdout check: the last quarter of the data, at most 26 weeks. */
  span_weeks = (double) (run->data_end - data_start) / SECONDS_PER_DAY / 7.0;
  run->holdout_weeks = floor (MIN (26.0, span_weeks / 4.0));
  if (run->holdout_weeks >= 4)
    {
      g_autoptr(GArray) calibration = NULL;
      g_autoptr(GError) local_error = NULL;
      gint64 cal_end = run->data_end - (gint64) (run->holdout_weeks * 7) * SECONDS_PER_DAY;

      cst_progress_report (progress, progress_data, 0.9, _("Checking against the last weeks"));
      run->holdout_start = cal_end + SECONDS_PER_DAY;
      calibration = cst_clv_summarize (who, when, NULL, purchases->len, cal_end, run->data_end, NULL);
      if (cst_bgnbd_fit ((const CstClvCustomer *) calibration->data, NULL, calibration->len, FALSE,
                         &run->holdout_params, &local_error))
        {
          g_array_unref (run->holdout);
          run->holdout = cst_clv_holdout_by_frequency (&run->holdout_params,
                                                       (const CstClvCustomer *) calibration->data,
                                                       calibration->len, run->holdout_weeks, 7);
        }
      else
        g_ptr_array_add (warnings, g_strdup_printf (_("The holdout check was skipped: %s"), local_error->message));
    }
  else
    {
      run->holdout_weeks = 0;
      g_ptr_array_add (warnings, g_strdup (_("The orders span too little time for a holdout check.")));
    }

  g_ptr_array_add (warnings, NULL);
  run->warnings = (char **) g_ptr_array_steal (warnings, NULL);
  run->seconds = g_timer_elapsed (timer, NULL);
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return g_steal_pointer (&run);
}

void
cst_clv_run_free (CstClvRun *run)
{
  if (run == NULL)
    return;
  g_clear_pointer (&run->result, cst_clv_result_free);
  g_free (run->person_ids);
  g_clear_pointer (&run->holdout, g_array_unref);
  g_strfreev (run->warnings);
  g_free (run);
}
