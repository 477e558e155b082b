/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "io/cst-import-plan.h"
#include "io/cst-sample.h"
#include "jobs/cst-progress.h"
#include "models/cst-segmentation.h"
#include "store/cst-store.h"

G_BEGIN_DECLS

/* The end-to-end path, synchronous and cancellable: what the window runs in a worker thread
 * and what `constellate-cli run` runs in the foreground. */
typedef struct
{
  gsize            n_sources;
  gsize            n_rows;
  gsize            n_rejected;
  gsize            n_records;
  gsize            n_people;
  double           seconds_sample;
  double           seconds_import;
  double           seconds_identity;
  double           seconds_segment;
  GArray          *sources;        /* CstSourceInfo, owned; filled by cst_pipeline_load() */
  CstSegmentation *segmentation;   /* owned */
  char            *note;           /* owned: why there are no segments, when there are none */
  gsize            n_added_rows;   /* cst_pipeline_add_plans(): rows appended by this call */
  gsize            n_skipped_seen; /* cst_pipeline_add_plans(): rows seen before, not added */
} CstPipelineSummary;

gboolean cst_pipeline_create_sample (const char                   *project_path,
                                     const CstSampleOptions       *sample_options,
                                     const CstSegmentationOptions *options,
                                     CstPipelineSummary           *summary,
                                     GCancellable                 *cancellable,
                                     CstProgressFunc               progress,
                                     gpointer                      progress_data,
                                     GError                      **error);
gboolean cst_pipeline_create_from_files (const char                   *project_path,
                                         const char * const           *files,
                                         const CstSegmentationOptions *options,
                                         CstPipelineSummary           *summary,
                                         GCancellable                 *cancellable,
                                         CstProgressFunc               progress,
                                         gpointer                      progress_data,
                                         GError                      **error);
gboolean cst_pipeline_create_from_plans (const char                   *project_path,
                                         CstImportPlan * const        *plans,
                                         guint                         n_plans,
                                         const CstSegmentationOptions *options,
                                         CstPipelineSummary           *summary,
                                         GCancellable                 *cancellable,
                                         CstProgressFunc               progress,
                                         gpointer                      progress_data,
                                         GError                      **error);
gboolean cst_pipeline_add_plans     (const char                   *project_path,
                                     CstImportPlan * const        *plans,
                                     guint                         n_plans,
                                     const CstSegmentationOptions *options,
                                     CstPipelineSummary           *summary,
                                     GCancellable                 *cancellable,
                                     CstProgressFunc               progress,
                                     gpointer                      progress_data,
                                     GError                      **error);
gboolean cst_pipeline_segment       (const char                   *project_path,
                                     const CstSegmentationOptions *options,
                                     CstPipelineSummary           *summary,
                                     GCancellable                 *cancellable,
                                     CstProgressFunc               progress,
                                     gpointer                      progress_data,
                                     GError                      **error);
CstSegmentation *cst_pipeline_load  (const char                   *project_path,
                                     CstPipelineSummary           *summary,
                                     GError                      **error);
void     cst_pipeline_summary_clear (CstPipelineSummary           *summary);

G_END_DECLS
