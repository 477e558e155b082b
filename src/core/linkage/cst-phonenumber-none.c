/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Built without libphonenumber: the built-in rules of cst-normalize.c are all there is. */
#define G_LOG_DOMAIN "cst-normalize"

#include "config.h"

#include "cst-phonenumber.h"

gboolean
cst_phonenumber_available (void)
{
  return FALSE;
}

char *
cst_phonenumber_e164 (const char *raw,
                      const char *default_region)
{
  return NULL;
}
