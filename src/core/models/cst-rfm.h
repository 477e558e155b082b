/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Classic RFM: recency, frequency and monetary quintile scores (5 best) and the usual named
 * groups marketers know from the RFM literature. */
typedef enum
{
  CST_RFM_CHAMPIONS,
  CST_RFM_LOYAL,
  CST_RFM_POTENTIAL_LOYALISTS,
  CST_RFM_NEW_CUSTOMERS,
  CST_RFM_PROMISING,
  CST_RFM_NEED_ATTENTION,
  CST_RFM_ABOUT_TO_SLEEP,
  CST_RFM_AT_RISK,
  CST_RFM_CANT_LOSE,
  CST_RFM_HIBERNATING,
  CST_RFM_LOST,
  CST_RFM_N_GROUPS
} CstRfmGroup;

typedef struct
{
  guint8 r;  /* 1–5; 5 = bought most recently */
  guint8 f;  /* 1–5; 5 = buys most often */
  guint8 m;  /* 1–5; 5 = spends most */
} CstRfmScore;

void        cst_rfm_score             (const double *recency_days,
                                       const double *frequency,
                                       const double *monetary,
                                       gsize         n,
                                       CstRfmScore  *scores,
                                       CstRfmGroup  *groups);
CstRfmGroup cst_rfm_group_for_score   (CstRfmScore   score);
const char *cst_rfm_group_name        (CstRfmGroup   group);
const char *cst_rfm_group_description (CstRfmGroup   group);

G_END_DECLS
