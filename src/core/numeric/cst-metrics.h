/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

double cst_adjusted_rand_index (const guint *labels_a,
                                const guint *labels_b,
                                gsize        n);

G_END_DECLS
