/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cst-application.h"
#include "cst-import-wizard.h"
#include "cst-segments-page.h"

G_BEGIN_DECLS

#define CST_TYPE_WINDOW (cst_window_get_type ())

G_DECLARE_FINAL_TYPE (CstWindow, cst_window, CST, WINDOW, AdwApplicationWindow)

CstWindow       *cst_window_new               (CstApplication *application);
void             cst_window_try_sample        (CstWindow      *self);
void             cst_window_open_project      (CstWindow      *self,
                                               GFile          *file);
CstImportWizard *cst_window_open_import_wizard (CstWindow     *self,
                                                GFile        **files,
                                                guint          n_files);
gboolean         cst_window_has_project       (CstWindow      *self);
const char      *cst_window_get_project_path  (CstWindow      *self);
gboolean         cst_window_is_busy           (CstWindow      *self);
CstSegmentsPage *cst_window_get_segments_page (CstWindow      *self);
const char      *cst_window_get_visible_page  (CstWindow      *self);

G_END_DECLS
