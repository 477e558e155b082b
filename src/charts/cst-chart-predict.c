/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 6: reserved for the prediction painters. */

#include "config.h"
