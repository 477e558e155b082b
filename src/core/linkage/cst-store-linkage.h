/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "linkage/cst-linker.h"
#include "store/cst-store.h"

G_BEGIN_DECLS

/* The People page's view of identity resolution, and the linker's storage. Every function takes
 * an open project; @run_id ≤ 0 means the newest identity run made by the linker. Functions that
 * return data return %NULL (or %FALSE) with @error set on a database error. Cost: each is one or
 * two indexed queries unless stated. */

/* Records of the project as linker input: columns customer key, email, first name, surname,
 * phone, postcode, town; one source per imported file; ids are records.id. */
CstLinkData *cst_store_linkage_load_records   (CstStore             *self,
                                               const char           *default_region,
                                               GError              **error);

/* Every decision ever taken, oldest first, as record-id pairs. */
typedef struct
{
  gint64   id;
  gint64   record_a;
  gint64   record_b;
  gboolean same;
} CstLinkageDecision;

GArray      *cst_store_linkage_list_decisions (CstStore             *self,
                                               GError              **error);

/**
 * cst_store_linkage_save:
 * @data: the records as loaded by cst_store_linkage_load_records()
 * @result: the linker's result on @data
 *
 * Stores a complete identity run in one transaction: people with a golden record (per field
 * the value most records agree on, ties to the newest record), their records, the model, every
 * scored pair, the threshold and rules of @options, @last_decision (the newest decision id the
 * run respected: later decisions count as pending) and a stable id per person: a person keeps
 * the id of an earlier person when it holds the most of that person's records and at least
 * half of them. Cost: linear in records and pairs.
 *
 * Returns: the new identity run's id, or −1 with @error set (nothing stored)
 */
gint64       cst_store_linkage_save           (CstStore             *self,
                                               const CstLinkData    *data,
                                               const CstLinkResult  *result,
                                               const CstLinkOptions *options,
                                               gint64                last_decision,
                                               double                seconds,
                                               GCancellable         *cancellable,
                                               GError              **error);

typedef struct
{
  gint64 source_a;
  gint64 source_b;
  char  *name_a;
  char  *name_b;
  gint64 n_people;  /* people with records in both sources */
} CstLinkageOverlap;

typedef struct
{
  gint64  run_id;
  gint64  n_records;
  gint64  n_people;
  gint64  n_flagged;     /* people a chain may have joined wrongly: review them */
  gint64  n_candidates;  /* scored pairs */
  gint64  n_matched;
  double  threshold;
  GArray *overlaps;      /* CstLinkageOverlap, for every pair of sources that share people */
} CstLinkageSummary;

void         cst_linkage_summary_clear        (CstLinkageSummary    *summary);
/* "12,000 records → 9,800 people" and the overlap between sources. Returns %FALSE without an
 * error when the project has no linker run yet. */
gboolean     cst_store_linkage_get_summary    (CstStore             *self,
                                               gint64                run_id,
                                               CstLinkageSummary    *summary,
                                               GError              **error);

/* For a threshold slider: precision and recall as the model expects them (a pair of
 * probability p is a match with probability p), and how many pairs would be merged. */
typedef struct
{
  double threshold;
  double precision;
  double recall;
  gint64 n_merges;
} CstLinkageCurvePoint;

/* @n_steps + 1 points for thresholds 0, 1/n_steps, …, 1 (one aggregate query; cache it). */
GArray      *cst_store_linkage_get_curve      (CstStore             *self,
                                               gint64                run_id,
                                               guint                 n_steps,
                                               GError              **error);

/* One field of a review item: its label, both records' values as written and the agreement. */
typedef struct
{
  char         *label;
  char         *value_a;
  char         *value_b;
  CstLinkLevel  level;
} CstLinkageField;

typedef struct
{
  gint64     record_a;
  gint64     record_b;
  char      *source_a;
  char      *source_b;
  double     probability;
  char      *sentence;  /* translated: "Same email and birth date; surname differs by a letter or two." */
  GPtrArray *fields;    /* CstLinkageField */
} CstLinkageReviewItem;

void         cst_linkage_review_item_free     (CstLinkageReviewItem *item);

/* Uncertain pairs without a decision, most informative first (probability nearest 0.5, between
 * 0.05 and 0.95), at most @limit. */
GPtrArray   *cst_store_linkage_list_review    (CstStore             *self,
                                               gint64                run_id,
                                               guint                 limit,
                                               GError              **error);

/* Stores a decision about two records ("Same" or "Different"); it takes effect at the next run
 * (cst_identity_link()) and in every later one. Returns the decision's id or −1. */
gint64       cst_store_linkage_decide         (CstStore             *self,
                                               gint64                record_a,
                                               gint64                record_b,
                                               gboolean              same,
                                               GError              **error);
/* Decisions stored after run @run_id (≤ 0: the newest) was made, the decisions of one split
 * counted once: the changes an Apply would bring. Every decision when there is no linker run
 * yet. Returns −1 with @error set on a database error. */
gint64       cst_store_linkage_count_pending_decisions (CstStore    *self,
                                                        gint64       run_id,
                                                        GError     **error);
/* The newest decision id (0 when there is none), for cst_store_linkage_save(). */
gint64       cst_store_linkage_get_last_decision (CstStore          *self,
                                                  GError           **error);
/* Overwrites @options->threshold and @options->rules with those run @run_id (≤ 0: the newest)
 * was made with, leaving the other fields alone. Returns %FALSE without an error when the
 * project has no linker run. */
gboolean     cst_store_linkage_get_run_options (CstStore            *self,
                                                gint64               run_id,
                                                CstLinkOptions      *options,
                                                GError             **error);
/* Removes the newest decision; %FALSE without an error when there is none. */
gboolean     cst_store_linkage_undo           (CstStore             *self,
                                               GError              **error);
/* Splits @person_id: the records in @record_ids become "Different" from the person's other
 * records (one decision per pair, one transaction). Takes effect at the next run. */
gboolean     cst_store_linkage_split_person   (CstStore             *self,
                                               gint64                person_id,
                                               const gint64         *record_ids,
                                               guint                 n_record_ids,
                                               GError              **error);

typedef struct
{
  gint64   person_id;
  gint64   uid;        /* stable across runs */
  char    *email;
  char    *first_name;
  char    *last_name;
  gint64   n_records;
  gboolean flagged;
} CstLinkagePerson;

void         cst_linkage_person_clear         (CstLinkagePerson     *person);
/* People whose name or email contains @query (case-insensitive; "" lists everybody), flagged
 * people first, then by name; at most @limit. GArray of CstLinkagePerson (cleared on free). */
GArray      *cst_store_linkage_search_people  (CstStore             *self,
                                               gint64                run_id,
                                               const char           *query,
                                               guint                 limit,
                                               GError              **error);
/* The person of @run_id with stable id @uid, or −1. */
gint64       cst_store_linkage_find_uid       (CstStore             *self,
                                               gint64                run_id,
                                               gint64                uid);

typedef struct
{
  gint64  record_id;
  gint64  source_id;
  gint64  row_number;  /* the data row in its file, from 1 */
  char   *source;
  char   *customer_key;
  char   *email;
  char   *first_name;
  char   *last_name;
  char   *phone;
  char   *postcode;
  char   *city;
} CstLinkageRecord;

void         cst_linkage_record_clear         (CstLinkageRecord     *record);
/* The person of @run_id (≤ 0: the newest) that holds @record_id, or −1. One indexed lookup. */
gint64       cst_store_linkage_person_of_record (CstStore         *self,
                                                 gint64            run_id,
                                                 gint64            record_id);
/* A person's records ordered by source, then record. GArray of CstLinkageRecord. */
GArray      *cst_store_linkage_list_person_records (CstStore        *self,
                                                    gint64           person_id,
                                                    GError         **error);

G_END_DECLS
