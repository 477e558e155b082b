/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cst-csv.h"

G_BEGIN_DECLS

/* A large delimited file cut into pieces that end at line ends, for one reader per core. Only
 * files without a quote character are cut: a quoted field may hold a line break, and then only
 * a reader going from the start can tell where rows end. */
typedef struct
{
  GBytes  *bytes;       /* the piece, a slice of the mapped file */
  guint64  first_line;  /* the file's line number of the piece's first line */
} CstCsvChunk;

void          cst_csv_chunk_clear          (CstCsvChunk        *chunk);
GArray       *cst_csv_split                (const char         *path,
                                            guint               n_chunks,
                                            gsize               min_size,
                                            GError            **error);
CstCsvReader *cst_csv_reader_new_for_chunk (const CstCsvChunk  *chunk,
                                            const char         *path,
                                            char                delimiter);

G_END_DECLS
