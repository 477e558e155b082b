/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CST_TYPE_PEOPLE_PAGE (cst_people_page_get_type ())

G_DECLARE_FINAL_TYPE (CstPeoplePage, cst_people_page, CST, PEOPLE_PAGE, GtkWidget)

GtkWidget  *cst_people_page_new                  (void);
void        cst_people_page_set_project          (CstPeoplePage *self,
                                                  const char    *project_path);
const char *cst_people_page_get_project          (CstPeoplePage *self);
/* TRUE while the page loads, stores a decision or re-runs the linker. */
gboolean    cst_people_page_is_busy              (CstPeoplePage *self);
/* TRUE only while Apply re-runs the linker. */
gboolean    cst_people_page_is_applying          (CstPeoplePage *self);
/* What the page shows, for the window's status and for tests. */
const char *cst_people_page_get_summary_text     (CstPeoplePage *self);
guint       cst_people_page_get_n_review         (CstPeoplePage *self);
/* Changes stored since the newest run (a split counts once), as the store counts them: the
 * number survives closing and reopening the project. */
guint       cst_people_page_get_n_pending        (CstPeoplePage *self);
guint       cst_people_page_get_n_people_listed  (CstPeoplePage *self);
guint       cst_people_page_get_n_person_records (CstPeoplePage *self);

G_END_DECLS
