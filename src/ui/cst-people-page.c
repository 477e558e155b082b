/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 4: reserved for this widget. */

#include "config.h"
