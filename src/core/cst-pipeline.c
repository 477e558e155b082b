/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-pipeline"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cst-pipeline.h"
#include "identity/cst-identity.h"
#include "io/cst-import.h"
#include "io/cst-import-plan.h"
#include "store/cst-store.h"

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
remove_project_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_remove (path);
  g_remove (wal);
  g_remove (shm);
}

/* A new project is built under a temporary name and renamed into place only when complete,
 * so a failed or cancelled run never leaves a half-made project (nor destroys an old one). */
static gboolean
commit_new_project (const char  *tmp_path,
                    const char  *project_path,
                    GError     **error)
{
  g_autofree char *wal = g_strconcat (project_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (project_path, "-shm", NULL);

  g_remove (wal);
  g_remove (shm);
  if (g_rename (tmp_path, project_path) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (project_path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not save the project “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Too few customers for the segments asked for is not a failure of the project: the data is
 * imported and matched, and the summary says why there are no segments. */
static gboolean
run_segmentation (CstStore                     *store,
                  const CstSegmentationOptions *options,
                  CstPipelineSummary           *summary,
                  GCancellable                 *cancellable,
                  CstProgressStage                        *stage,
                  GError                      **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_clear_pointer (&summary->segmentation, cst_segmentation_free);
  g_clear_pointer (&summary->note, g_free);
  summary->segmentation = cst_segmentation_run (store, options, cancellable, cst_progress_stage_report, stage,
                                                &local_error);
  summary->seconds_segment = seconds_since (start);

  if (g_error_matches (local_error, CST_SEGMENTATION_ERROR, CST_SEGMENTATION_ERROR_TOO_FEW_PEOPLE))
    {
      summary->note = g_strdup (local_error->message);
      return TRUE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
segment_store (CstStore                     *store,
               const CstSegmentationOptions *options,
               CstPipelineSummary           *summary,
               GCancellable                 *cancellable,
               CstProgressStage                        *identity_stage,
               CstProgressStage                        *segment_stage,
               GError                      **error)
{
  CstIdentityReport identity = { 0 };
  gint64 start = g_get_monotonic_time ();

  if (!cst_identity_link (store, NULL, &identity, cancellable, cst_progress_stage_report, identity_stage, error))
    return FALSE;
  summary->seconds_identity = seconds_since (start);
  summary->n_records = identity.n_records;
  summary->n_people = identity.n_people;

  start = g_get_monotonic_time ();
  return run_segmentation (store, options, summary, cancellable, segment_stage, error);
}

/* Imports the project's files into @store, reporting through @stage. build_project() takes
 * one of these, so files given by name and files the wizard planned share one path. */
typedef gboolean (*ImportFunc) (CstStore            *store,
                                gconstpointer        input,
                                CstPipelineSummary  *summary,
                                GCancellable        *cancellable,
                                CstProgressStage    *stage,
                                GError             **error);

static void
add_report (CstPipelineSummary    *summary,
            const CstImportReport *report)
{
  summary->n_sources++;
  summary->n_rows += report->n_rows;
  summary->n_rejected += report->n_rejected;
}

typedef struct
{
  CstImportPlan * const *plans;
  guint                  n_plans;
} Plans;

static gboolean
import_plans (CstStore            *store,
              gconstpointer        input,
              CstPipelineSummary  *summary,
              GCancellable        *cancellable,
              CstProgressStage    *stage,
              GError             **error)
{
  const Plans *plans = input;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < plans->n_plans; i++)
    {
      CstImportReport report = { 0 };
      CstProgressStage file_stage = {
        stage->progress, stage->data,
        stage->start + stage->span * i / plans->n_plans, stage->span / plans->n_plans
      };

      if (!cst_import_file (store, plans->plans[i], &report, cancellable, cst_progress_stage_report,
                            &file_stage, error))
        return FALSE;
      add_report (summary, &report);
    }
  summary->seconds_import = seconds_since (start);
  return TRUE;
}

/* @input: a NULL-terminated array of paths; each is read as cst_import_plan_new() finds it,
 * exactly as the import wizard would propose. */
static gboolean
import_files (CstStore            *store,
              gconstpointer        input,
              CstPipelineSummary  *summary,
              GCancellable        *cancellable,
              CstProgressStage    *stage,
              GError             **error)
{
  const char * const *files = input;
  g_autoptr(GPtrArray) planned = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_import_plan_free);
  Plans plans;

  for (guint i = 0; files[i] != NULL; i++)
    {
      CstImportPlan *plan = cst_import_plan_new (files[i], cancellable, error);

      if (plan == NULL)
        return FALSE;
      g_ptr_array_add (planned, plan);
    }
  cst_import_plans_link_orders (planned);
  for (guint i = 0; i < planned->len; i++)
    if (!cst_import_plan_validate (g_ptr_array_index (planned, i), error))
      return FALSE;

  plans.plans = (CstImportPlan * const *) planned->pdata;
  plans.n_plans = planned->len;
  return import_plans (store, &plans, summary, cancellable, stage, error);
}

static gboolean
build_project (const char                   *project_path,
               ImportFunc                    import,
               gconstpointer                 import_input,
               const CstSegmentationOptions *options,
               CstPipelineSummary           *summary,
               GCancellable                 *cancellable,
               double                        start_fraction,
               CstProgressFunc               progress,
               gpointer                      progress_data,
               GError                      **error)
{
  g_autofree char *tmp_path = g_strconcat (project_path, ".part", NULL);
  double rest = 1.0 - start_fraction;
  CstProgressStage import_stage = { progress, progress_data, start_fraction, 0.45 * rest };
  CstProgressStage identity_stage = { progress, progress_data, start_fraction + 0.45 * rest, 0.15 * rest };
  CstProgressStage segment_stage = { progress, progress_data, start_fraction + 0.60 * rest, 0.40 * rest };
  gboolean ok;

  remove_project_files (tmp_path);
  {
    g_autoptr(CstStore) store = cst_store_open (tmp_path, error);

    ok = store != NULL &&
         import (store, import_input, summary, cancellable, &import_stage, error) &&
         segment_store (store, options, summary, cancellable, &identity_stage, &segment_stage, error);
  }

  if (!ok || !commit_new_project (tmp_path, project_path, error))
    {
      remove_project_files (tmp_path);
      return FALSE;
    }
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return TRUE;
}

/**
 * cst_pipeline_create_sample:
 * @project_path: where the new project goes; an existing file there is replaced only once
 *   the new project is complete
 *
 * Writes the sample exports into a temporary folder, imports them into a new project, matches
 * people and segments them.
 */
gboolean
cst_pipeline_create_sample (const char                   *project_path,
                            const CstSampleOptions       *sample_options,
                            const CstSegmentationOptions *options,
                            CstPipelineSummary           *summary,
                            GCancellable                 *cancellable,
                            CstProgressFunc               progress,
                            gpointer                      progress_data,
                            GError                      **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *contacts = NULL;
  g_autofree char *orders = NULL;
  g_autofree char *engagement = NULL;
  CstProgressStage sample_stage = { progress, progress_data, 0.0, 0.15 };
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  g_return_val_if_fail (project_path != NULL, FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  dir = g_dir_make_tmp ("constellate-sample-XXXXXX", error);
  if (dir == NULL)
    return FALSE;

  cst_progress_report (progress, progress_data, 0.0, _("Writing the sample exports"));
  contacts = g_build_filename (dir, CST_SAMPLE_CONTACTS_FILE, NULL);
  orders = g_build_filename (dir, CST_SAMPLE_ORDERS_FILE, NULL);
  engagement = g_build_filename (dir, CST_SAMPLE_ENGAGEMENT_FILE, NULL);

  ok = cst_sample_write (dir, sample_options, cancellable, cst_progress_stage_report, &sample_stage, error);
  summary->seconds_sample = seconds_since (start);
  if (ok)
    {
      const char *files[] = { contacts, orders, engagement, NULL };

      ok = build_project (project_path, import_files, files, options, summary, cancellable, 0.15,
                          progress, progress_data, error);
    }

  /* The exports were only a means to fill the project. */
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_remove (path);
      }
    g_rmdir (dir);
  }
  return ok;
}

/**
 * cst_pipeline_create_from_files:
 * @files: CSV exports; what each holds is guessed from its header
 *
 * Imports @files into a new project at @project_path, matches people and segments them. If
 * any file cannot be imported, no project is made.
 */
gboolean
cst_pipeline_create_from_files (const char                   *project_path,
                                const char * const           *files,
                                const CstSegmentationOptions *options,
                                CstPipelineSummary           *summary,
                                GCancellable                 *cancellable,
                                CstProgressFunc               progress,
                                gpointer                      progress_data,
                                GError                      **error)
{
  g_return_val_if_fail (project_path != NULL, FALSE);
  g_return_val_if_fail (files != NULL && files[0] != NULL, FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  return build_project (project_path, import_files, files, options, summary, cancellable, 0.0,
                        progress, progress_data, error);
}

/**
 * cst_pipeline_create_from_plans:
 * @project_path: where the new project goes; an existing file there is replaced only once
 *   the new project is complete
 * @plans: (array length=n_plans): how to read each file, as the import wizard set it up;
 *   each must validate (cst_import_plan_validate())
 * @n_plans: at least one
 *
 * Like cst_pipeline_create_from_files(), reading each file as its plan says: imports them
 * into a new project, matches people and segments them. If any file cannot be imported, or
 * the job is cancelled, no project is made.
 */
gboolean
cst_pipeline_create_from_plans (const char                   *project_path,
                                CstImportPlan * const        *plans,
                                guint                         n_plans,
                                const CstSegmentationOptions *options,
                                CstPipelineSummary           *summary,
                                GCancellable                 *cancellable,
                                CstProgressFunc               progress,
                                gpointer                      progress_data,
                                GError                      **error)
{
  Plans input = { plans, n_plans };

  g_return_val_if_fail (project_path != NULL, FALSE);
  g_return_val_if_fail (plans != NULL && n_plans > 0, FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  /* A plan that cannot be imported fails before a project file is made. */
  for (guint i = 0; i < n_plans; i++)
    if (!cst_import_plan_validate (plans[i], error))
      return FALSE;

  return build_project (project_path, import_plans, &input, options, summary, cancellable, 0.0,
                        progress, progress_data, error);
}

/* "22 November 2026" from a stored ISO 8601 time; the text itself when it does not read. */
static char *
format_import_date (const char *imported_at)
{
  g_autoptr(GDateTime) time = imported_at != NULL ? g_date_time_new_from_iso8601 (imported_at, NULL) : NULL;
  g_autoptr(GDateTime) local = time != NULL ? g_date_time_to_local (time) : NULL;

  if (local == NULL)
    return g_strdup (imported_at != NULL ? imported_at : "");
  /* Translators: the date a file was imported, see g_date_time_format() */
  return g_date_time_format (local, _("%-d %B %Y"));
}

/* Refuses, before anything changes, a plan whose file is in the project already or is chosen
 * twice: importing the same bytes again would only add the same rows again. */
static gboolean
check_not_imported (CstStore               *store,
                    CstImportPlan * const  *plans,
                    guint                   n_plans,
                    GCancellable           *cancellable,
                    GError                **error)
{
  g_autoptr(GHashTable) chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n_plans; i++)
    {
      g_autofree char *hash = NULL;
      g_autofree char *imported_at = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      hash = cst_import_plan_dup_content_hash (plans[i], error);
      if (hash == NULL)
        return FALSE;
      if (cst_store_find_source_by_hash (store, hash, &imported_at) >= 0)
        {
          g_autofree char *date = format_import_date (imported_at);

          g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_ALREADY_IMPORTED,
                       _("“%s” is already in this project (imported on %s)"),
                       plans[i]->display_name, date);
          return FALSE;
        }
      if (!g_hash_table_add (chosen, g_steal_pointer (&hash)))
        {
          g_set_error (error, CST_IMPORT_ERROR, CST_IMPORT_ERROR_ALREADY_IMPORTED,
                       _("“%s” was chosen twice: the same file can be added only once"),
                       plans[i]->display_name);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * cst_pipeline_add_plans:
 * @project_path: an existing project
 * @plans: (array length=n_plans): how to read each file, as the import wizard set it up;
 *   each must validate (cst_import_plan_validate())
 * @n_plans: at least one
 * @summary: (out caller-allocates): the project's counts after the import (sources, rows,
 *   records, people, segments), with `n_added_rows` and `n_skipped_seen` for this call
 *
 * Adds files to an existing project, then matches people and segments again. A file whose
 * bytes are in the project already (or that is chosen twice) is refused with
 * %CST_IMPORT_ERROR_ALREADY_IMPORTED before anything changes, so the window can ask the user.
 * Every other file is imported with `skip_seen_rows`: a newer export of a source already in
 * the project appends only the rows not seen yet.
 *
 * Each file is imported in its own transaction: when a later file fails or the job is
 * cancelled, the files before it stay imported, and the project is matched and segmented
 * again on the next run.
 *
 * Cost: hashes every file once before importing and once while importing; otherwise as
 * cst_pipeline_create_from_plans().
 */
gboolean
cst_pipeline_add_plans (const char                   *project_path,
                        CstImportPlan * const        *plans,
                        guint                         n_plans,
                        const CstSegmentationOptions *options,
                        CstPipelineSummary           *summary,
                        GCancellable                 *cancellable,
                        CstProgressFunc               progress,
                        gpointer                      progress_data,
                        GError                      **error)
{
  g_autoptr(CstStore) store = NULL;
  g_autoptr(GArray) sources = NULL;
  CstProgressStage import_stage = { progress, progress_data, 0.0, 0.45 };
  CstProgressStage identity_stage = { progress, progress_data, 0.45, 0.15 };
  CstProgressStage segment_stage = { progress, progress_data, 0.60, 0.40 };
  gint64 start;

  g_return_val_if_fail (project_path != NULL, FALSE);
  g_return_val_if_fail (plans != NULL && n_plans > 0, FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  for (guint i = 0; i < n_plans; i++)
    if (!cst_import_plan_validate (plans[i], error))
      return FALSE;

  /* Only an existing project: cst_store_open() would make a new one. */
  if (!g_file_test (project_path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *display = g_filename_display_name (project_path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The project “%s” does not exist"), display);
      return FALSE;
    }
  store = cst_store_open (project_path, error);
  if (store == NULL)
    return FALSE;

  if (!check_not_imported (store, plans, n_plans, cancellable, error))
    return FALSE;

  start = g_get_monotonic_time ();
  summary->n_added_rows = summary->n_skipped_seen = 0;
  for (guint i = 0; i < n_plans; i++)
    {
      g_autoptr(CstImportPlan) plan = cst_import_plan_copy (plans[i]);
      CstImportReport report = { 0 };
      CstProgressStage file_stage = {
        progress, progress_data,
        import_stage.start + import_stage.span * i / n_plans, import_stage.span / n_plans
      };

      plan->skip_seen_rows = TRUE;
      if (!cst_import_file (store, plan, &report, cancellable, cst_progress_stage_report, &file_stage, error))
        return FALSE;
      summary->n_added_rows += report.n_rows;
      summary->n_skipped_seen += report.n_skipped_seen;
    }
  summary->seconds_import = seconds_since (start);

  sources = cst_store_list_sources (store, error);
  if (sources == NULL)
    return FALSE;
  summary->n_sources = sources->len;
  summary->n_rows = summary->n_rejected = 0;
  for (guint i = 0; i < sources->len; i++)
    {
      const CstSourceInfo *info = &g_array_index (sources, CstSourceInfo, i);

      summary->n_rows += info->n_rows;
      summary->n_rejected += info->n_rejected;
    }
  g_clear_pointer (&summary->sources, g_array_unref);
  summary->sources = g_steal_pointer (&sources);

  if (!segment_store (store, options, summary, cancellable, &identity_stage, &segment_stage, error))
    return FALSE;
  cst_progress_report (progress, progress_data, 1.0, NULL);
  return TRUE;
}

/**
 * cst_pipeline_segment:
 *
 * Matches the people of an existing project again and adds a new segmentation run.
 */
gboolean
cst_pipeline_segment (const char                   *project_path,
                      const CstSegmentationOptions *options,
                      CstPipelineSummary           *summary,
                      GCancellable                 *cancellable,
                      CstProgressFunc               progress,
                      gpointer                      progress_data,
                      GError                      **error)
{
  g_autoptr(CstStore) store = NULL;
  CstProgressStage segment_stage = { progress, progress_data, 0.0, 1.0 };
  gint64 n_people = 0;

  g_return_val_if_fail (summary != NULL, FALSE);

  store = cst_store_open (project_path, error);
  if (store == NULL)
    return FALSE;

  /* Matching again is only needed when nothing was matched yet. */
  if (cst_store_get_latest_identity_run (store, &n_people) < 0)
    {
      CstProgressStage identity_stage = { progress, progress_data, 0.0, 0.3 };

      segment_stage.start = 0.3, segment_stage.span = 0.7;
      return segment_store (store, options, summary, cancellable, &identity_stage, &segment_stage, error);
    }

  summary->n_people = n_people;
  summary->n_records = cst_store_count_records (store);
  return run_segmentation (store, options, summary, cancellable, &segment_stage, error);
}

/**
 * cst_pipeline_load:
 * @summary: (out caller-allocates) (optional): counts of the project
 *
 * Opens a project and reads its newest segmentation.
 *
 * Returns: (transfer full) (nullable): the newest segmentation, or %NULL when the project has
 *   none yet (@error unset) or cannot be opened (@error set)
 */
CstSegmentation *
cst_pipeline_load (const char          *project_path,
                   CstPipelineSummary  *summary,
                   GError             **error)
{
  g_autoptr(CstStore) store = cst_store_open (project_path, error);
  g_autoptr(GArray) sources = NULL;
  gint64 n_people = 0;

  if (store == NULL)
    return NULL;

  if (summary != NULL)
    {
      sources = cst_store_list_sources (store, error);
      if (sources == NULL)
        return NULL;
      summary->n_sources = sources->len;
      summary->n_rows = summary->n_rejected = 0;
      for (guint i = 0; i < sources->len; i++)
        {
          const CstSourceInfo *info = &g_array_index (sources, CstSourceInfo, i);

          summary->n_rows += info->n_rows;
          summary->n_rejected += info->n_rejected;
        }
      summary->n_records = cst_store_count_records (store);
      cst_store_get_latest_identity_run (store, &n_people);
      summary->n_people = n_people;
      g_clear_pointer (&summary->sources, g_array_unref);
      summary->sources = g_steal_pointer (&sources);
    }
  return cst_store_load_latest_segmentation (store, error);
}

void
cst_pipeline_summary_clear (CstPipelineSummary *summary)
{
  g_clear_pointer (&summary->segmentation, cst_segmentation_free);
  g_clear_pointer (&summary->sources, g_array_unref);
  g_clear_pointer (&summary->note, g_free);
}
