/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For the store's own files only (src/core/store/cst-store*.c): the one place outside
 * cst-store.c where sqlite3.h may be included. Each capability keeps its SQL in a file of its
 * own here (cst-store-linkage.c, cst-store-predict.c, cst-store-audience.c) and exposes plain
 * C functions through its own header; nothing else in the core sees SQLite. */

#include <sqlite3.h>

#include "cst-store.h"

G_BEGIN_DECLS

sqlite3      *cst_store_get_db                (CstStore      *self);

/* A cached statement for static SQL text (the pointer is the cache key), reset and unbound. */
sqlite3_stmt *cst_store_prepare               (CstStore      *self,
                                               const char    *sql,
                                               GError       **error);
gboolean      cst_store_exec                  (CstStore      *self,
                                               const char    *sql,
                                               GError       **error);
/* Ends a statement whose rows were stepped through: resets it, and sets @error unless the
 * last step, @rc, was SQLITE_DONE. Returns %FALSE on an error. */
gboolean      cst_store_step_rows_done        (CstStore      *self,
                                               sqlite3_stmt  *stmt,
                                               int            rc,
                                               GError       **error);
/* Steps a statement that returns no rows, then resets it. */
gboolean      cst_store_step_done             (CstStore      *self,
                                               sqlite3_stmt  *stmt,
                                               GError       **error);
/* Sets @error from SQLite's last message on this connection; returns %FALSE. */
gboolean      cst_store_set_sqlite_error      (CstStore      *self,
                                               int            code,
                                               GError       **error);

/* NULL or "" binds NULL; NAN binds NULL; a negative int binds NULL. */
void          cst_store_bind_text_or_null     (sqlite3_stmt  *stmt,
                                               int            index,
                                               const char    *text);
void          cst_store_bind_double_or_null   (sqlite3_stmt  *stmt,
                                               int            index,
                                               double         value);
void          cst_store_bind_int_or_null      (sqlite3_stmt  *stmt,
                                               int            index,
                                               int            value);
double        cst_store_column_double_or_nan  (sqlite3_stmt  *stmt,
                                               int            column);
char         *cst_store_now_iso8601           (void);

G_END_DECLS
