/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CST_TYPE_PRIVACY_WINDOW (cst_privacy_window_get_type ())

G_DECLARE_FINAL_TYPE (CstPrivacyWindow, cst_privacy_window, CST, PRIVACY_WINDOW, AdwPreferencesWindow)

CstPrivacyWindow *cst_privacy_window_new              (GtkWindow        *parent,
                                                       const char       *project_path);

/* For tests: whether a worker job is still under way. */
gboolean          cst_privacy_window_is_busy          (CstPrivacyWindow *self);
/* Marks a column as the switch on its row does. */
void              cst_privacy_window_set_sensitive    (CstPrivacyWindow *self,
                                                       gint64            source_id,
                                                       const char        *column_name,
                                                       gboolean          sensitive);
/* Whether the switch of @column_name in @source_id's group is on (FALSE without a row). */
gboolean          cst_privacy_window_get_sensitive    (CstPrivacyWindow *self,
                                                       gint64            source_id,
                                                       const char        *column_name);
/* The subtitle of @column_name's row (NULL without a row or subtitle): proxies show there. */
const char       *cst_privacy_window_get_column_note  (CstPrivacyWindow *self,
                                                       gint64            source_id,
                                                       const char        *column_name);
/* Searches as the "Email or person number" row does; the people found, once not busy. */
void              cst_privacy_window_search           (CstPrivacyWindow *self,
                                                       const char        *email_or_id);
guint             cst_privacy_window_get_n_found      (CstPrivacyWindow *self);
/* Erases the people found, as the confirmation dialog's Erase does. */
void              cst_privacy_window_erase_found      (CstPrivacyWindow *self);
/* Erasures in the project's log (-1 before it loaded); each has a row in the Erasure Log. */
gint64            cst_privacy_window_get_n_erasures   (CstPrivacyWindow *self);
guint             cst_privacy_window_get_n_log_rows   (CstPrivacyWindow *self);
/* Writes a pseudonymized copy as "Save a Pseudonymized Copy…" does after its file chooser. */
void              cst_privacy_window_save_copy_to     (CstPrivacyWindow *self,
                                                       const char        *path);

G_END_DECLS
