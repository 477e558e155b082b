/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cst-cli.h"

/* constellate-cli score: issue 6. */
int
cst_cli_score (int    argc,
               char **argv)
{
  fprintf (stderr, "constellate-cli score: %s\n", _("not available yet"));
  return 1;
}
