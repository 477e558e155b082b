/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "io/cst-import-plan.h"

G_BEGIN_DECLS

#define CST_TYPE_IMPORT_WIZARD (cst_import_wizard_get_type ())

G_DECLARE_FINAL_TYPE (CstImportWizard, cst_import_wizard, CST, IMPORT_WIZARD, AdwWindow)

CstImportWizard *cst_import_wizard_new          (GtkWindow        *parent,
                                                 GFile           **files,
                                                 guint             n_files);
gboolean         cst_import_wizard_is_reading   (CstImportWizard  *self);
guint            cst_import_wizard_get_n_plans  (CstImportWizard  *self);
CstImportPlan   *cst_import_wizard_get_plan     (CstImportWizard  *self,
                                                 guint             index);
void             cst_import_wizard_refresh      (CstImportWizard  *self);

G_END_DECLS
