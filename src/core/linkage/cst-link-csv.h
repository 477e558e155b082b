/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cst-linker.h"

G_BEGIN_DECLS

/**
 * cst_link_data_new_from_csv:
 * @paths: (array zero-terminated=1): CSV files, one source each (named by file name)
 * @id_column: (nullable): the column holding each record's id (not compared); %NULL, or a
 *   file without it, numbers records by their data row, from 1 (an error when no file has it)
 * @keep_column: (nullable): a column to hand back untouched and never compare (a truth label)
 * @kept: (out) (optional) (transfer full): with @keep_column, its value per record (owned
 *   strings, "" when the file has no such column)
 * @default_region: (nullable): ISO 3166 alpha-2 for phone numbers without a country code
 *
 * Reads each file as the importer does (encoding, separator and header sniffed, column roles
 * inferred by cst_infer_columns()) and keeps the columns that identify people: names, email,
 * phone, street, house number, postcode, town, birth date, customer number, and up to six other
 * text columns that are filled in at least half the sampled rows. Values are trimmed. Columns
 * of all files are matched by role (other columns by name).
 *
 * Returns: (transfer full) (nullable): the records, or %NULL with @error naming file and line
 */
CstLinkData *cst_link_data_new_from_csv (const char * const  *paths,
                                         const char          *id_column,
                                         const char          *keep_column,
                                         GPtrArray          **kept,
                                         const char          *default_region,
                                         GCancellable        *cancellable,
                                         GError             **error);

G_END_DECLS
