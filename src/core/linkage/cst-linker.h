/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "jobs/cst-progress.h"

G_BEGIN_DECLS

/* Probabilistic record linkage (Fellegi & Sunter 1969) without SQL: records in, scored pairs and
 * people out. The store (store/cst-store-linkage.h) feeds it a project's records and keeps its
 * results; the CLI feeds it CSV files. */

#define CST_LINK_ERROR (cst_link_error_quark ())
GQuark cst_link_error_quark (void);

typedef enum
{
  CST_LINK_ERROR_TOO_MANY_COMPARISONS,
} CstLinkError;

/* What a column holds; decides its normalizer, comparison levels and blocking keys. */
typedef enum
{
  CST_LINK_CUSTOMER_KEY,  /* never compared; the deterministic "same key within a source" rule */
  CST_LINK_FIRST_NAME,
  CST_LINK_LAST_NAME,
  CST_LINK_FULL_NAME,     /* a person's or an organisation's whole name */
  CST_LINK_EMAIL,
  CST_LINK_PHONE,
  CST_LINK_BIRTH_DATE,
  CST_LINK_STREET,
  CST_LINK_HOUSE_NUMBER,
  CST_LINK_POSTCODE,
  CST_LINK_CITY,
  CST_LINK_OTHER,         /* any other text compared as written (ids, states, address lines) */
  CST_LINK_N_KINDS
} CstLinkKind;

/* Agreement levels of one field in one pair, as stored with each pair. */
typedef enum
{
  CST_LINK_LEVEL_MISSING,    /* either value empty: no evidence either way */
  CST_LINK_LEVEL_EXACT,
  CST_LINK_LEVEL_CLOSE,      /* Jaro-Winkler ≥ 0.92, one digit off, day and month swapped… */
  CST_LINK_LEVEL_SIMILAR,    /* Jaro-Winkler ≥ 0.80, same year… */
  CST_LINK_LEVEL_DIFFERENT,
  CST_LINK_N_LEVELS
} CstLinkLevel;

#define CST_LINK_MAX_COLUMNS 16

/* Deterministic rules that link a pair whatever its score (a user can switch each). */
typedef enum
{
  CST_LINK_RULE_NONE           = 0,
  CST_LINK_RULE_CUSTOMER_KEY   = 1 << 0,  /* same customer key within one source */
  CST_LINK_RULE_EMAIL          = 1 << 1,  /* same normalized email address */
  CST_LINK_RULE_PHONE_AND_NAME = 1 << 2,  /* same phone and a name with Jaro-Winkler ≥ 0.9 */
  CST_LINK_RULE_DECISION       = 1 << 3,  /* a person said "Same" */
  CST_LINK_RULES_DEFAULT       = 0x7,
} CstLinkRules;

typedef struct _CstLinkData CstLinkData;

CstLinkData *cst_link_data_new          (const char         *default_region);
void         cst_link_data_free         (CstLinkData        *self);
/* Columns first, then sources, then records. Returns the column's index. */
guint        cst_link_data_add_column   (CstLinkData        *self,
                                         CstLinkKind         kind,
                                         const char         *name);
guint        cst_link_data_add_source   (CstLinkData        *self,
                                         const char         *name);
/* @values: one raw string per column (%NULL or "" when empty); normalized here.
 * @id: the caller's id for the record (the store's records.id, a CSV's row number);
 * @label: (nullable): its id as written (a CSV's id column). */
void         cst_link_data_add_record   (CstLinkData        *self,
                                         guint               source,
                                         gint64              id,
                                         const char         *label,
                                         const char * const *values);
guint        cst_link_data_get_n_records (const CstLinkData *self);
guint        cst_link_data_get_n_columns (const CstLinkData *self);
CstLinkKind  cst_link_data_get_kind     (const CstLinkData  *self,
                                         guint               column);
const char  *cst_link_data_get_column_name (const CstLinkData *self,
                                            guint              column);
gint64       cst_link_data_get_id       (const CstLinkData  *self,
                                         guint               record);
guint        cst_link_data_get_source   (const CstLinkData  *self,
                                         guint               record);
const char  *cst_link_data_get_label    (const CstLinkData  *self,
                                         guint               record);
guint        cst_link_data_get_n_sources (const CstLinkData *self);
const char  *cst_link_data_get_source_name (const CstLinkData *self,
                                            guint              source);
/* The raw value as given, and the normalized one the comparisons use (both borrowed, nullable). */
const char  *cst_link_data_get_raw      (const CstLinkData  *self,
                                         guint               record,
                                         guint               column);
const char  *cst_link_data_get_value    (const CstLinkData  *self,
                                         guint               record,
                                         guint               column);

/* A decision by a person about two records (indices into the data). */
typedef struct
{
  guint    a;
  guint    b;
  gboolean same;
} CstLinkDecision;

typedef struct
{
  double        threshold;        /* match probability that links a pair, 0–1 (0.9) */
  guint64       max_comparisons;  /* hard cap on the estimated candidate pairs (100,000,000) */
  CstLinkRules  rules;            /* CST_LINK_RULES_DEFAULT */
  gboolean      tf_adjust;        /* term-frequency adjustment of exact name matches (TRUE) */
  guint32       seed;             /* for the random pairs that estimate u (42) */
  guint         n_random_pairs;   /* at most 500,000; 50 per record suffice below 10,000 */
  guint         max_em_iterations;/* 100 */
  const CstLinkDecision *decisions;  /* borrowed, n_decisions long */
  guint         n_decisions;
  guint         n_threads;        /* 0: one per processor */
  gboolean      chain_guard;      /* refuse score links that join strangers (TRUE) */
} CstLinkOptions;

void cst_link_options_init (CstLinkOptions *options);

/* A scored candidate pair. @a < @b are record indices; @levels packs 4 bits per column. */
typedef struct
{
  guint   a;
  guint   b;
  float   probability;
  float   weight;      /* match weight in bits (log2 of the likelihood ratio, prior included) */
  guint32 rules;       /* CstLinkRules that link it regardless of the score */
  guint64 levels;
} CstLinkPair;

static inline CstLinkLevel
cst_link_pair_get_level (const CstLinkPair *pair,
                         guint              column)
{
  return (CstLinkLevel) ((pair->levels >> (4 * column)) & 0xf);
}

enum
{
  CST_LINK_STAGE_NORMALIZE,  /* filled by the caller that reads the input */
  CST_LINK_STAGE_BLOCKING,
  CST_LINK_STAGE_COMPARING,
  CST_LINK_STAGE_TRAINING,
  CST_LINK_STAGE_CLUSTERING,
  CST_LINK_N_STAGES
};

typedef struct
{
  guint     n_records;
  guint64   n_estimated;        /* Σ n_b(n_b−1)/2 over the blocks of every rule, before running */
  guint64   n_candidates;       /* distinct pairs compared */
  guint64   n_matched;          /* pairs linked (score ≥ threshold or a rule) */
  GArray   *pairs;              /* CstLinkPair, every candidate, sorted by (a, b) */
  guint    *person;             /* n_records: person index 0…n_people−1, by first record */
  guint     n_people;
  gboolean *flagged;            /* n_people: a chain joins records that differ (review) */
  guint     n_flagged;
  double    lambda;             /* share of matches among the candidates, from EM */
  double    prior;              /* log2 prior odds that a random pair is a match */
  double    m[CST_LINK_MAX_COLUMNS][CST_LINK_N_LEVELS];
  double    u[CST_LINK_MAX_COLUMNS][CST_LINK_N_LEVELS];             /* random pairs */
  double    u_candidates[CST_LINK_MAX_COLUMNS][CST_LINK_N_LEVELS];  /* non-matches among candidates (EM) */
  guint     em_iterations;
  gboolean  em_converged;
  double    seconds[CST_LINK_N_STAGES];
} CstLinkResult;

void cst_link_result_free (CstLinkResult *self);

/**
 * cst_link_run:
 * @data: records to link (within and across sources)
 * @options: (nullable): %NULL for the defaults
 *
 * Blocks (postcode + surname initial; surname sound + first initial + birth year; last 7 phone
 * digits; email local part; first name + surname + town or birth year; whole name; first-name
 * sound + birth date; birth date + postcode; street + house number or town; the exact value of
 * identifier-like other columns), estimates the comparisons first and refuses with
 * %CST_LINK_ERROR_TOO_MANY_COMPARISONS above the cap, compares each distinct pair on every
 * column (on the processors in parallel), estimates u from random pairs and m and the match
 * share by EM over the distinct comparison patterns, scores every pair, and clusters pairs above
 * the threshold (and rule-linked pairs, never across a "Different" decision) into people.
 * Cost: O(n log n + pairs × columns); memory about 32 bytes per pair.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error set
 */
CstLinkResult *cst_link_run (CstLinkData           *data,
                             const CstLinkOptions  *options,
                             GCancellable          *cancellable,
                             CstProgressFunc        progress,
                             gpointer               progress_data,
                             GError               **error);

/* A distinct comparison vector and how many pairs have it. */
typedef struct
{
  guint64 levels;
  double  count;
} CstLinkPattern;

/**
 * cst_link_em:
 * @m: (out): m per column and level (level 0, missing, is unused)
 * @u: (inout): u per column and level: the start (e.g. from random pairs) and the estimate of
 *   the non-matches among the patterns
 * @lambda: (out): the share of matches
 * @converged: (out) (optional): whether the largest change fell below 1e-6
 *
 * Expectation–maximisation for the two-class mixture of Fellegi–Sunter over distinct patterns
 * (missing levels carry no evidence). m starts from priors (exact 0.85, close 0.07, similar
 * 0.04, different 0.04), the match share from 0.01. A column whose match class mostly
 * disagrees (m(different) > 0.6) is not identified by the data and keeps the prior.
 * Cost: O(iterations × patterns × columns).
 *
 * Returns: the iterations run
 */
guint cst_link_em (const CstLinkPattern *patterns,
                   guint                 n_patterns,
                   guint                 n_columns,
                   guint                 max_iterations,
                   double                m[][CST_LINK_N_LEVELS],
                   double                u[][CST_LINK_N_LEVELS],
                   double               *lambda,
                   gboolean             *converged);

/* Match probability of records @a and @b under a result's model (for pairs that were not
 * candidates, e.g. to check a chain), filling @levels when not %NULL. */
double cst_link_score (const CstLinkData   *data,
                       const CstLinkResult *result,
                       guint                a,
                       guint                b,
                       guint64             *levels);

/* Levels and match probability → a translated sentence: "Same email and birth date; surname
 * differs by one letter." */
char *cst_link_explain (const CstLinkData *data,
                        guint64            levels);
char *cst_link_explain_columns (const CstLinkKind  *kinds,
                                const char * const *names,
                                guint               n_columns,
                                guint64             levels);

/* Kind names for storage and the UI ("first-name"…) and back. */
const char  *cst_link_kind_to_string   (CstLinkKind  kind);
CstLinkKind  cst_link_kind_from_string (const char  *name);
/* A translated lower-case label ("surname"). */
const char  *cst_link_kind_get_label   (CstLinkKind  kind);

/* Jaro-Winkler similarity of two strings (bytes), 0–1. */
double cst_link_jaro_winkler (const char *a,
                              const char *b);

/* Pairwise precision, recall and F1 of a clustering against truth labels (any strings; equal
 * labels are the same entity). Cost: O(n log n). */
void cst_link_pairwise_quality (const guint       *person,
                                const char *const *truth,
                                guint              n,
                                double            *precision,
                                double            *recall,
                                double            *f1);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstLinkData, cst_link_data_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CstLinkResult, cst_link_result_free)

G_END_DECLS
