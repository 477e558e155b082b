/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Google's libphonenumber, when the build found it (meson option `phonenumber`): the numbering
 * plans of every country. cst_normalize_phone_e164() asks it for numbers its own rules cannot
 * place; without the library these say "not available" and return %NULL. */
gboolean  cst_phonenumber_available (void);
char     *cst_phonenumber_e164      (const char *raw,
                                     const char *default_region);

G_END_DECLS
