/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The people of one segment, read from a project for a table or an export. */
typedef struct
{
  gint64  person_id;
  char   *email;
  char   *first_name;
  char   *last_name;
  gint64  orders;
  double  total_spend;
  gint64  last_order;   /* wall-clock seconds since 1970, or CST_NO_TIME */
} CstMember;

GPtrArray *cst_members_load      (const char  *project_path,
                                  gint64       run_id,
                                  guint        segment,
                                  GError     **error);
gboolean   cst_members_write_csv (GPtrArray   *members,
                                  const char  *path,
                                  GError     **error);
char      *cst_csv_escape_field  (const char  *value);

G_END_DECLS
