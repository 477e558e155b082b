/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CST_CSV_ERROR (cst_csv_error_quark ())

typedef enum
{
  CST_CSV_ERROR_OPEN,
  CST_CSV_ERROR_ENCODING,
  CST_CSV_ERROR_SYNTAX,
} CstCsvError;

typedef struct _CstCsvReader CstCsvReader;

GQuark        cst_csv_error_quark            (void);
CstCsvReader *cst_csv_reader_new             (const char    *path,
                                              char           delimiter,
                                              GError       **error);
CstCsvReader *cst_csv_reader_new_for_stream  (GInputStream  *stream,
                                              const char    *path,
                                              goffset        size,
                                              char           delimiter);
void          cst_csv_reader_set_first_line  (CstCsvReader  *self,
                                              guint64        line);
gboolean      cst_csv_reader_next            (CstCsvReader  *self,
                                              GError       **error);
guint         cst_csv_reader_get_n_fields    (CstCsvReader  *self);
const char   *cst_csv_reader_get_field       (CstCsvReader  *self,
                                              guint          index);
const char   *cst_csv_reader_get_raw         (CstCsvReader  *self,
                                              gsize         *length);
guint64       cst_csv_reader_get_line        (CstCsvReader  *self);
guint64       cst_csv_reader_get_record      (CstCsvReader  *self);
goffset       cst_csv_reader_get_offset      (CstCsvReader  *self);
goffset       cst_csv_reader_get_size        (CstCsvReader  *self);
const char   *cst_csv_reader_get_path        (CstCsvReader  *self);
void          cst_csv_reader_free            (CstCsvReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstCsvReader, cst_csv_reader_free)

/* Writing */
void          cst_csv_append_field           (GString       *out,
                                              const char    *value);
char         *cst_csv_quote_field            (const char    *value);

G_END_DECLS
