/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cst-cli.h"

/* constellate-cli export and erase: issue 8. */
int
cst_cli_export (int    argc,
                char **argv)
{
  fprintf (stderr, "constellate-cli export: %s\n", _("not available yet"));
  return 1;
}

int
cst_cli_erase (int    argc,
               char **argv)
{
  fprintf (stderr, "constellate-cli erase: %s\n", _("not available yet"));
  return 1;
}
