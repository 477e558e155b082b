/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Each subcommand gets argv with argv[0] set to "constellate-cli SUBCOMMAND" and returns the
 * process exit status. Errors go to stderr; with --json exactly one JSON object goes to stdout. */
int  cst_cli_segment    (int          argc,
                         char       **argv);
int  cst_cli_sample     (int          argc,
                         char       **argv);
int  cst_cli_run        (int          argc,
                         char       **argv);
int  cst_cli_import     (int          argc,
                         char       **argv);
int  cst_cli_inspect    (int          argc,
                         char       **argv);

int  cst_cli_deck       (int          argc,
                         char       **argv);
int  cst_cli_chart      (int          argc,
                         char       **argv);

/* Issue 4: cst-cli-link.c */
int  cst_cli_link       (int          argc,
                         char       **argv);
/* Issue 6: cst-cli-predict.c, cst-cli-clv.c */
int  cst_cli_score      (int          argc,
                         char       **argv);
int  cst_cli_clv        (int          argc,
                         char       **argv);
/* Issue 8: cst-cli-audience.c */
int  cst_cli_export     (int          argc,
                         char       **argv);
int  cst_cli_erase      (int          argc,
                         char       **argv);

gboolean cst_cli_parse_options (GOptionContext   *context,
                                int              *argc,
                                char           ***argv);
gboolean cst_cli_parse_command (const char         *summary,
                                const GOptionEntry *entries,
                                int                *argc,
                                char             ***argv);
int  cst_cli_usage_error (const char *message);
void cst_cli_print_json (JsonBuilder *builder);
int  cst_cli_fail       (const GError *error);

/* One member of the object being built: its name, then its value. */
void cst_cli_json_add_int     (JsonBuilder *builder,
                               const char  *name,
                               gint64       value);
void cst_cli_json_add_double  (JsonBuilder *builder,
                               const char  *name,
                               double       value);
void cst_cli_json_add_string  (JsonBuilder *builder,
                               const char  *name,
                               const char  *value);
void cst_cli_json_add_boolean (JsonBuilder *builder,
                               const char  *name,
                               gboolean     value);

G_END_DECLS
