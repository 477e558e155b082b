/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 8: reserved for this window. */

#include "config.h"
