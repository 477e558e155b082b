/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cst-chart-slide.h"
#include "models/cst-segmentation.h"

G_BEGIN_DECLS

/* The workshop deck of a segmentation: an overview slide, then one slide per segment. Shared
 * by the presentation mode and the PDF deck, so the room and the handout see the same. */
GPtrArray *cst_deck_build     (const CstSegmentation *segmentation);
gboolean   cst_deck_write_pdf (GPtrArray             *slides,
                               const char            *path,
                               double                 width,
                               double                 height,
                               GError               **error);

G_END_DECLS
