/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cst-store"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "cst-store-private.h"
#include "predict/cst-store-predict.h"

/* JSON helpers: small documents (curves, drivers, sentences) stored beside the numbers. */

static char *
to_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

static void
add_curve (JsonBuilder  *b,
           const char   *name,
           const GArray *curve)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; curve != NULL && i < curve->len; i++)
    {
      const CstCurvePoint *p = &g_array_index (curve, CstCurvePoint, i);

      json_builder_begin_array (b);
      json_builder_add_double_value (b, p->x);
      json_builder_add_double_value (b, p->y);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

static GArray *
read_curve (JsonArray *array)
{
  GArray *curve = g_array_new (FALSE, FALSE, sizeof (CstCurvePoint));

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonArray *pair = json_array_get_array_element (array, i);
      CstCurvePoint p;

      if (pair == NULL || json_array_get_length (pair) < 2)
        continue;
      p.x = json_array_get_double_element (pair, 0);
      p.y = json_array_get_double_element (pair, 1);
      g_array_append_val (curve, p);
    }
  return curve;
}

static void
add_counts (JsonBuilder  *b,
            const char   *name,
            const GArray *counts)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; counts != NULL && i < counts->len; i++)
    json_builder_add_int_value (b, (gint64) g_array_index (counts, guint64, i));
  json_builder_end_array (b);
}

/* Returns: a guint64 array, or %NULL when the document has no such member (runs saved before
 * counts were kept). */
static GArray *
read_counts (JsonArray *array)
{
  GArray *counts;

  if (array == NULL)
    return NULL;
  counts = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gint64 value = json_array_get_int_element (array, i);
      guint64 count = value > 0 ? (guint64) value : 0;

      g_array_append_val (counts, count);
    }
  return counts;
}

static JsonArray *
member_array (JsonNode   *node,
              const char *name)
{
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  return object != NULL && json_object_has_member (object, name)
         ? json_object_get_array_member (object, name) : NULL;
}

static char *
strv_to_json (char **strv)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
  return to_json (b);
}

static char **
strv_from_json (const char *text)
{
  g_autoptr(JsonNode) node = parse_json (text);
  g_autoptr(GPtrArray) out = g_ptr_array_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (out, g_strdup (json_array_get_string_element (array, i)));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static gboolean
step_row (CstStore      *store,
          sqlite3_stmt  *stmt,
          gboolean      *has_row,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  *has_row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  cst_store_set_sqlite_error (store, rc, error);
  sqlite3_reset (stmt);
  return FALSE;
}

/* Steps a query for the newest run. Returns: %TRUE with the row ready to read (reset the
 * statement afterwards); %FALSE, with the statement reset, when there is no row or on an error
 * (then @error is set). */
static gboolean
step_first_row (CstStore      *store,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  gboolean has_row;

  if (!step_row (store, stmt, &has_row, error))
    return FALSE;
  if (!has_row)
    sqlite3_reset (stmt);
  return has_row;
}

/* A run made from a people run refers to it; one made from files alone stores NULL. */
static void
bind_identity_run (sqlite3_stmt *stmt,
                   int           column,
                   gint64        identity_run)
{
  if (identity_run > 0)
    sqlite3_bind_int64 (stmt, column, identity_run);
  else
    sqlite3_bind_null (stmt, column);
}

/* Opens the saving transaction and prepares the run's INSERT @sql, whose first two parameters
 * are always created_at and identity_run_id, and binds those. Returns: the statement, or %NULL
 * with @error set and no transaction left open. */
static sqlite3_stmt *
begin_run_insert (CstStore    *store,
                  const char  *sql,
                  const char  *now,
                  gint64       identity_run,
                  GError     **error)
{
  sqlite3_stmt *stmt;

  if (!cst_store_begin (store, error))
    return NULL;
  stmt = cst_store_prepare (store, sql, error);
  if (stmt == NULL)
    {
      cst_store_rollback (store);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  bind_identity_run (stmt, 2, identity_run);
  return stmt;
}

/* Steps the bound run INSERT; *id receives the new row's id. */
static gboolean
insert_run_row (CstStore      *store,
                sqlite3_stmt  *stmt,
                gint64        *id,
                GError       **error)
{
  if (!cst_store_step_done (store, stmt, error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (cst_store_get_db (store));
  return TRUE;
}

/* Commits the saving transaction (rolling back when that fails) and only then hands the run
 * its new id. */
static gboolean
commit_run (CstStore  *store,
            gint64     id,
            gint64    *run_id,
            GError   **error)
{
  if (!cst_store_commit (store, error))
    {
      cst_store_rollback (store);
      return FALSE;
    }
  *run_id = id;
  return TRUE;
}

/* Per-person scores of a run, (run_id, person_id, value, flag) rows: a propensity's probability
 * and band, a lookalike's similarity and seed mark. Call inside the saving transaction. */
static gboolean
insert_scores (CstStore      *store,
               const char    *sql,
               gint64         run_id,
               const gint64  *person_ids,
               const double  *values,
               const guint8  *flags,
               gsize          n,
               GError       **error)
{
  sqlite3_stmt *stmt = cst_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      sqlite3_bind_int64 (stmt, 1, run_id);
      sqlite3_bind_int64 (stmt, 2, person_ids[i]);
      sqlite3_bind_double (stmt, 3, values[i]);
      sqlite3_bind_int (stmt, 4, flags[i]);
      if (!cst_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The rest of saving a propensity or lookalike run, after begin_run_insert() and the binding
 * of its own columns: insert the run, then its scores (with @scores_sql), and commit. On
 * success *run_id receives the new id; on failure the transaction is rolled back. */
static gboolean
finish_scored_run (CstStore      *store,
                   sqlite3_stmt  *stmt,
                   const char    *scores_sql,
                   const gint64  *person_ids,
                   const double  *values,
                   const guint8  *flags,
                   gsize          n,
                   gint64        *run_id,
                   GError       **error)
{
  gint64 id;

  if (!insert_run_row (store, stmt, &id, error) ||
      !insert_scores (store, scores_sql, id, person_ids, values, flags, n, error))
    {
      cst_store_rollback (store);
      return FALSE;
    }
  return commit_run (store, id, run_id, error);
}

/* Reads back what insert_scores() wrote: @sql selects (person_id, value, flag) of run ?1. The
 * out arrays are set only on success, each of *n entries (erased people have left the run). */
static gboolean
load_scores (CstStore      *store,
             const char    *sql,
             gint64         run_id,
             gsize         *n,
             gint64       **person_ids,
             double       **values,
             guint8       **flags,
             GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) doubles = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  sqlite3_stmt *stmt = cst_store_prepare (store, sql, error);
  gboolean has_row;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  for (;;)
    {
      gint64 person;
      double value;
      guint8 flag;

      if (!step_row (store, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      person = sqlite3_column_int64 (stmt, 0);
      value = sqlite3_column_double (stmt, 1);
      flag = (guint8) sqlite3_column_int (stmt, 2);
      g_array_append_val (ids, person);
      g_array_append_val (doubles, value);
      g_byte_array_append (bytes, &flag, 1);
    }
  sqlite3_reset (stmt);
  *n = ids->len;
  *person_ids = (gint64 *) g_array_free (g_steal_pointer (&ids), FALSE);
  *values = (double *) g_array_free (g_steal_pointer (&doubles), FALSE);
  *flags = g_byte_array_free (g_steal_pointer (&bytes), FALSE);
  return TRUE;
}

/* Propensity ------------------------------------------------------------------------------ */

gboolean
cst_store_save_propensity (CstStore          *store,
                           CstPropensityRun  *run,
                           GError           **error)
{
  g_autoptr(JsonBuilder) eval = json_builder_new ();
  g_autoptr(JsonBuilder) drivers = json_builder_new ();
  g_autofree char *eval_json = NULL, *drivers_json = NULL, *warnings_json = NULL, *features_json = NULL;
  g_autofree char *now = cst_store_now_iso8601 ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && run != NULL, FALSE);

  json_builder_begin_object (eval);
  add_curve (eval, "roc", run->roc);
  add_curve (eval, "gain", run->gain);
  add_curve (eval, "calibration", run->calibration);
  if (run->calibration_counts != NULL)
    add_counts (eval, "calibration_counts", run->calibration_counts);
  json_builder_end_object (eval);
  eval_json = to_json (eval);

  json_builder_begin_array (drivers);
  for (guint d = 0; run->drivers != NULL && d < run->drivers->len; d++)
    {
      const CstPropensityDriver *driver = g_ptr_array_index (run->drivers, d);

      json_builder_begin_object (drivers);
      json_builder_set_member_name (drivers, "feature");
      json_builder_add_string_value (drivers, driver->feature);
      json_builder_set_member_name (drivers, "text");
      json_builder_add_string_value (drivers, driver->text);
      json_builder_set_member_name (drivers, "importance");
      json_builder_add_double_value (drivers, driver->importance);
      json_builder_set_member_name (drivers, "direction");
      json_builder_add_int_value (drivers, driver->direction);
      json_builder_end_object (drivers);
    }
  json_builder_end_array (drivers);
  drivers_json = to_json (drivers);
  warnings_json = strv_to_json (run->warnings);
  features_json = strv_to_json (run->feature_names);

  stmt = begin_run_insert (store,
                           "INSERT INTO propensity_runs (created_at, identity_run_id, target, data_start, "
                           "data_end, cutoff, horizon_days, gap_p90_days, model, low_threshold, "
                           "high_threshold, auc, auc_logistic, auc_trees, lift_top10, base_rate, n_train, "
                           "n_test, evaluation, drivers, warnings, features, seconds) VALUES (?1, ?2, ?3, "
                           "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
                           "?21, ?22, ?23)",
                           now, run->identity_run, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 3, cst_propensity_target_to_string (run->target), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, run->split.data_start);
  sqlite3_bind_int64 (stmt, 5, run->split.data_end);
  sqlite3_bind_int64 (stmt, 6, run->split.cutoff);
  sqlite3_bind_int64 (stmt, 7, run->split.horizon_days);
  cst_store_bind_double_or_null (stmt, 8, run->split.gap_p90_days);
  sqlite3_bind_text (stmt, 9, cst_classifier_kind_to_string (run->kind), -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 10, run->low_threshold);
  sqlite3_bind_double (stmt, 11, run->high_threshold);
  cst_store_bind_double_or_null (stmt, 12, run->auc);
  cst_store_bind_double_or_null (stmt, 13, run->auc_logistic);
  cst_store_bind_double_or_null (stmt, 14, run->auc_trees);
  cst_store_bind_double_or_null (stmt, 15, run->lift_top10);
  cst_store_bind_double_or_null (stmt, 16, run->base_rate);
  sqlite3_bind_int64 (stmt, 17, run->n_train);
  sqlite3_bind_int64 (stmt, 18, run->n_test);
  sqlite3_bind_text (stmt, 19, eval_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 20, drivers_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 21, warnings_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 22, features_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 23, run->seconds);
  return finish_scored_run (store, stmt,
                            "INSERT INTO propensity_scores (run_id, person_id, probability, band) "
                            "VALUES (?1, ?2, ?3, ?4)",
                            run->person_ids, run->probability, run->band, run->n_people, &run->id, error);
}

static CstClassifierKind
kind_from_string (const char *text)
{
  if (g_strcmp0 (text, cst_classifier_kind_to_string (CST_CLASSIFIER_TREES)) == 0)
    return CST_CLASSIFIER_TREES;
  if (g_strcmp0 (text, cst_classifier_kind_to_string (CST_CLASSIFIER_LOGISTIC)) == 0)
    return CST_CLASSIFIER_LOGISTIC;
  return CST_CLASSIFIER_AUTO;
}

CstPropensityRun *
cst_store_load_latest_propensity (CstStore             *store,
                                  CstPropensityTarget   target,
                                  GError              **error)
{
  g_autoptr(CstPropensityRun) run = NULL;
  g_autoptr(JsonNode) eval = NULL;
  g_autoptr(JsonNode) drivers = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, NULL);

  stmt = cst_store_prepare (store,
                            "SELECT id, identity_run_id, data_start, data_end, cutoff, horizon_days, "
                            "gap_p90_days, model, low_threshold, high_threshold, auc, auc_logistic, "
                            "auc_trees, lift_top10, base_rate, n_train, n_test, evaluation, drivers, "
                            "warnings, features, seconds FROM propensity_runs WHERE target = ?1 "
                            "ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, cst_propensity_target_to_string (target), -1, SQLITE_STATIC);
  if (!step_first_row (store, stmt, error))
    return NULL;
  run = g_new0 (CstPropensityRun, 1);
  run->target = target;
  run->id = sqlite3_column_int64 (stmt, 0);
  run->identity_run = sqlite3_column_int64 (stmt, 1);
  run->split.data_start = sqlite3_column_int64 (stmt, 2);
  run->split.data_end = sqlite3_column_int64 (stmt, 3);
  run->split.cutoff = sqlite3_column_int64 (stmt, 4);
  run->split.horizon_days = sqlite3_column_int (stmt, 5);
  run->split.gap_p90_days = cst_store_column_double_or_nan (stmt, 6);
  run->kind = kind_from_string (column_text (stmt, 7));
  run->low_threshold = sqlite3_column_double (stmt, 8);
  run->high_threshold = sqlite3_column_double (stmt, 9);
  run->auc = cst_store_column_double_or_nan (stmt, 10);
  run->auc_logistic = cst_store_column_double_or_nan (stmt, 11);
  run->auc_trees = cst_store_column_double_or_nan (stmt, 12);
  run->lift_top10 = cst_store_column_double_or_nan (stmt, 13);
  run->base_rate = cst_store_column_double_or_nan (stmt, 14);
  run->n_train = sqlite3_column_int64 (stmt, 15);
  run->n_test = sqlite3_column_int64 (stmt, 16);
  eval = parse_json (column_text (stmt, 17));
  drivers = parse_json (column_text (stmt, 18));
  run->warnings = strv_from_json (column_text (stmt, 19));
  run->feature_names = strv_from_json (column_text (stmt, 20));
  run->seconds = sqlite3_column_double (stmt, 21);
  sqlite3_reset (stmt);

  run->roc = read_curve (member_array (eval, "roc"));
  run->gain = read_curve (member_array (eval, "gain"));
  run->calibration = read_curve (member_array (eval, "calibration"));
  run->calibration_counts = read_counts (member_array (eval, "calibration_counts"));
  if (run->calibration_counts != NULL && run->calibration_counts->len != run->calibration->len)
    g_clear_pointer (&run->calibration_counts, g_array_unref);
  run->drivers = g_ptr_array_new_with_free_func ((GDestroyNotify) cst_propensity_driver_free);
  if (drivers != NULL && JSON_NODE_HOLDS_ARRAY (drivers))
    {
      JsonArray *array = json_node_get_array (drivers);

      for (guint d = 0; d < json_array_get_length (array); d++)
        {
          JsonObject *o = json_array_get_object_element (array, d);
          CstPropensityDriver *driver;

          if (o == NULL)
            continue;
          driver = g_new0 (CstPropensityDriver, 1);
          driver->feature = g_strdup (json_object_get_string_member_with_default (o, "feature", ""));
          driver->text = g_strdup (json_object_get_string_member_with_default (o, "text", ""));
          driver->importance = json_object_get_double_member_with_default (o, "importance", 0);
          driver->direction = (int) json_object_get_int_member_with_default (o, "direction", 1);
          g_ptr_array_add (run->drivers, driver);
        }
    }

  if (!load_scores (store,
                    "SELECT person_id, probability, band FROM propensity_scores WHERE run_id = ?1 "
                    "ORDER BY person_id",
                    run->id, &run->n_people, &run->person_ids, &run->probability, &run->band, error))
    return NULL;
  return g_steal_pointer (&run);
}

/* Lifetime value ------------------------------------------------------------------------- */

gboolean
cst_store_save_clv (CstStore   *store,
                    CstClvRun  *run,
                    GError    **error)
{
  g_autoptr(JsonBuilder) holdout = json_builder_new ();
  g_autoptr(JsonBuilder) params = json_builder_new ();
  g_autofree char *holdout_json = NULL, *params_json = NULL, *warnings_json = NULL;
  g_autofree char *now = cst_store_now_iso8601 ();
  const CstClvResult *r;
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (store != NULL && run != NULL && run->result != NULL, FALSE);
  r = run->result;

  json_builder_begin_array (holdout);
  for (guint g = 0; run->holdout != NULL && g < run->holdout->len; g++)
    {
      const CstClvHoldoutGroup *group = &g_array_index (run->holdout, CstClvHoldoutGroup, g);

      json_builder_begin_object (holdout);
      json_builder_set_member_name (holdout, "frequency");
      json_builder_add_int_value (holdout, group->frequency);
      json_builder_set_member_name (holdout, "customers");
      json_builder_add_int_value (holdout, group->n_customers);
      json_builder_set_member_name (holdout, "actual");
      json_builder_add_double_value (holdout, group->actual);
      json_builder_set_member_name (holdout, "predicted");
      json_builder_add_double_value (holdout, group->predicted);
      json_builder_end_object (holdout);
    }
  json_builder_end_array (holdout);
  holdout_json = to_json (holdout);
  json_builder_begin_object (params);
  json_builder_set_member_name (params, "r");
  json_builder_add_double_value (params, run->holdout_params.r);
  json_builder_set_member_name (params, "alpha");
  json_builder_add_double_value (params, run->holdout_params.alpha);
  json_builder_set_member_name (params, "a");
  json_builder_add_double_value (params, run->holdout_params.a);
  json_builder_set_member_name (params, "b");
  json_builder_add_double_value (params, run->holdout_params.b);
  json_builder_set_member_name (params, "log_likelihood");
  json_builder_add_double_value (params, run->holdout_params.log_likelihood);
  json_builder_end_object (params);
  params_json = to_json (params);
  warnings_json = strv_to_json (run->warnings);

  stmt = begin_run_insert (store,
                           "INSERT INTO clv_runs (created_at, identity_run_id, data_end, horizon_weeks, "
                           "months, monthly_discount, n_bootstrap, seed, r, alpha, a, b, bgnbd_ll, "
                           "has_spend, p, q, gamma, gamma_gamma_ll, population_spend, n_customers, "
                           "n_repeat, holdout_start, holdout_weeks, holdout, holdout_params, warnings, "
                           "seconds_fit, seconds_bootstrap, seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                           "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, "
                           "?24, ?25, ?26, ?27, ?28, ?29)",
                           now, run->identity_run, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 3, run->data_end);
  sqlite3_bind_double (stmt, 4, r->options.horizon_weeks);
  sqlite3_bind_int (stmt, 5, r->options.months);
  sqlite3_bind_double (stmt, 6, r->options.monthly_discount);
  sqlite3_bind_int (stmt, 7, r->n_bootstrap);
  sqlite3_bind_int64 (stmt, 8, r->options.seed);
  sqlite3_bind_double (stmt, 9, r->bgnbd.r);
  sqlite3_bind_double (stmt, 10, r->bgnbd.alpha);
  sqlite3_bind_double (stmt, 11, r->bgnbd.a);
  sqlite3_bind_double (stmt, 12, r->bgnbd.b);
  sqlite3_bind_double (stmt, 13, r->bgnbd.log_likelihood);
  sqlite3_bind_int (stmt, 14, r->has_spend);
  cst_store_bind_double_or_null (stmt, 15, r->has_spend ? r->gamma_gamma.p : NAN);
  cst_store_bind_double_or_null (stmt, 16, r->has_spend ? r->gamma_gamma.q : NAN);
  cst_store_bind_double_or_null (stmt, 17, r->has_spend ? r->gamma_gamma.gamma : NAN);
  cst_store_bind_double_or_null (stmt, 18, r->has_spend ? r->gamma_gamma.log_likelihood : NAN);
  cst_store_bind_double_or_null (stmt, 19, r->population_spend);
  sqlite3_bind_int64 (stmt, 20, r->n_customers);
  sqlite3_bind_int64 (stmt, 21, r->n_repeat);
  sqlite3_bind_int64 (stmt, 22, run->holdout_start);
  sqlite3_bind_double (stmt, 23, run->holdout_weeks);
  sqlite3_bind_text (stmt, 24, holdout_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 25, params_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 26, warnings_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 27, r->seconds_fit);
  sqlite3_bind_double (stmt, 28, r->seconds_bootstrap);
  sqlite3_bind_double (stmt, 29, run->seconds);
  if (!insert_run_row (store, stmt, &id, error))
    goto fail;

  stmt = cst_store_prepare (store,
                            "INSERT INTO clv_values (run_id, person_id, expected_purchases, "
                            "expected_purchases_low, expected_purchases_high, p_alive, p_alive_low, "
                            "p_alive_high, expected_spend, expected_spend_low, expected_spend_high, clv, "
                            "clv_low, clv_high) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                            "?13, ?14)", error);
  if (stmt == NULL)
    goto fail;
  for (gsize i = 0; i < r->n_customers; i++)
    {
      const CstClvValue *v = &r->values[i];
      const double values[12] = {
        v->expected_purchases, v->expected_purchases_low, v->expected_purchases_high,
        v->p_alive, v->p_alive_low, v->p_alive_high,
        v->expected_spend, v->expected_spend_low, v->expected_spend_high,
        v->clv, v->clv_low, v->clv_high,
      };

      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, run->person_ids[i]);
      for (guint k = 0; k < 12; k++)
        sqlite3_bind_double (stmt, 3 + k, values[k]);
      if (!cst_store_step_done (store, stmt, error))
        goto fail;
    }
  return commit_run (store, id, &run->id, error);

fail:
  cst_store_rollback (store);
  return FALSE;
}

CstClvRun *
cst_store_load_latest_clv (CstStore  *store,
                           GError   **error)
{
  g_autoptr(CstClvRun) run = NULL;
  g_autoptr(JsonNode) holdout = NULL;
  g_autoptr(JsonNode) params = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (CstClvValue));
  CstClvResult *r;
  sqlite3_stmt *stmt;
  gboolean has_row;

  g_return_val_if_fail (store != NULL, NULL);

  stmt = cst_store_prepare (store,
                            "SELECT id, identity_run_id, data_end, horizon_weeks, months, monthly_discount, "
                            "n_bootstrap, seed, r, alpha, a, b, bgnbd_ll, has_spend, p, q, gamma, "
                            "gamma_gamma_ll, population_spend, n_customers, n_repeat, holdout_start, "
                            "holdout_weeks, holdout, holdout_params, warnings, seconds_fit, "
                            "seconds_bootstrap, seconds FROM clv_runs ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  if (!step_first_row (store, stmt, error))
    return NULL;
  run = g_new0 (CstClvRun, 1);
  r = run->result = g_new0 (CstClvResult, 1);
  run->id = sqlite3_column_int64 (stmt, 0);
  run->identity_run = sqlite3_column_int64 (stmt, 1);
  run->data_end = sqlite3_column_int64 (stmt, 2);
  r->options.horizon_weeks = sqlite3_column_double (stmt, 3);
  r->options.months = sqlite3_column_int (stmt, 4);
  r->options.monthly_discount = sqlite3_column_double (stmt, 5);
  r->n_bootstrap = sqlite3_column_int (stmt, 6);
  r->options.n_bootstrap = r->n_bootstrap;
  r->options.seed = (guint32) sqlite3_column_int64 (stmt, 7);
  r->bgnbd.r = sqlite3_column_double (stmt, 8);
  r->bgnbd.alpha = sqlite3_column_double (stmt, 9);
  r->bgnbd.a = sqlite3_column_double (stmt, 10);
  r->bgnbd.b = sqlite3_column_double (stmt, 11);
  r->bgnbd.log_likelihood = sqlite3_column_double (stmt, 12);
  r->has_spend = sqlite3_column_int (stmt, 13) != 0;
  r->gamma_gamma.p = cst_store_column_double_or_nan (stmt, 14);
  r->gamma_gamma.q = cst_store_column_double_or_nan (stmt, 15);
  r->gamma_gamma.gamma = cst_store_column_double_or_nan (stmt, 16);
  r->gamma_gamma.log_likelihood = cst_store_column_double_or_nan (stmt, 17);
  r->population_spend = cst_store_column_double_or_nan (stmt, 18);
  r->n_customers = sqlite3_column_int64 (stmt, 19);
  r->n_repeat = sqlite3_column_int64 (stmt, 20);
  run->holdout_start = sqlite3_column_int64 (stmt, 21);
  run->holdout_weeks = sqlite3_column_double (stmt, 22);
  holdout = parse_json (column_text (stmt, 23));
  params = parse_json (column_text (stmt, 24));
  run->warnings = strv_from_json (column_text (stmt, 25));
  r->seconds_fit = sqlite3_column_double (stmt, 26);
  r->seconds_bootstrap = sqlite3_column_double (stmt, 27);
  run->seconds = sqlite3_column_double (stmt, 28);
  sqlite3_reset (stmt);

  run->holdout = g_array_new (FALSE, FALSE, sizeof (CstClvHoldoutGroup));
  if (holdout != NULL && JSON_NODE_HOLDS_ARRAY (holdout))
    {
      JsonArray *array = json_node_get_array (holdout);

      for (guint g = 0; g < json_array_get_length (array); g++)
        {
          JsonObject *o = json_array_get_object_element (array, g);
          CstClvHoldoutGroup group;

          if (o == NULL)
            continue;
          group.frequency = (guint) json_object_get_int_member_with_default (o, "frequency", g);
          group.n_customers = (gsize) json_object_get_int_member_with_default (o, "customers", 0);
          group.actual = json_object_get_double_member_with_default (o, "actual", NAN);
          group.predicted = json_object_get_double_member_with_default (o, "predicted", NAN);
          g_array_append_val (run->holdout, group);
        }
    }
  if (params != NULL && JSON_NODE_HOLDS_OBJECT (params))
    {
      JsonObject *o = json_node_get_object (params);

      run->holdout_params.r = json_object_get_double_member_with_default (o, "r", NAN);
      run->holdout_params.alpha = json_object_get_double_member_with_default (o, "alpha", NAN);
      run->holdout_params.a = json_object_get_double_member_with_default (o, "a", NAN);
      run->holdout_params.b = json_object_get_double_member_with_default (o, "b", NAN);
      run->holdout_params.log_likelihood = json_object_get_double_member_with_default (o, "log_likelihood", NAN);
    }

  stmt = cst_store_prepare (store,
                            "SELECT person_id, expected_purchases, expected_purchases_low, "
                            "expected_purchases_high, p_alive, p_alive_low, p_alive_high, expected_spend, "
                            "expected_spend_low, expected_spend_high, clv, clv_low, clv_high FROM "
                            "clv_values WHERE run_id = ?1 ORDER BY person_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run->id);
  for (;;)
    {
      CstClvValue v;
      gint64 person;

      if (!step_row (store, stmt, &has_row, error))
        return NULL;
      if (!has_row)
        break;
      person = sqlite3_column_int64 (stmt, 0);
      v.expected_purchases = sqlite3_column_double (stmt, 1);
      v.expected_purchases_low = sqlite3_column_double (stmt, 2);
      v.expected_purchases_high = sqlite3_column_double (stmt, 3);
      v.p_alive = sqlite3_column_double (stmt, 4);
      v.p_alive_low = sqlite3_column_double (stmt, 5);
      v.p_alive_high = sqlite3_column_double (stmt, 6);
      v.expected_spend = sqlite3_column_double (stmt, 7);
      v.expected_spend_low = sqlite3_column_double (stmt, 8);
      v.expected_spend_high = sqlite3_column_double (stmt, 9);
      v.clv = sqlite3_column_double (stmt, 10);
      v.clv_low = sqlite3_column_double (stmt, 11);
      v.clv_high = sqlite3_column_double (stmt, 12);
      g_array_append_val (ids, person);
      g_array_append_val (values, v);
    }
  sqlite3_reset (stmt);
  /* Erased people leave the run: the per-person count follows what is stored. */
  r->n_customers = ids->len;
  run->person_ids = (gint64 *) g_array_free (g_steal_pointer (&ids), FALSE);
  r->values = (CstClvValue *) g_array_free (g_steal_pointer (&values), FALSE);
  return g_steal_pointer (&run);
}

/* Lookalikes ------------------------------------------------------------------------------ */

gboolean
cst_store_save_lookalike (CstStore         *store,
                          CstLookalikeRun  *run,
                          GError          **error)
{
  g_autoptr(JsonBuilder) reach = json_builder_new ();
  g_autofree char *reach_json = NULL, *warnings_json = NULL;
  g_autofree char *now = cst_store_now_iso8601 ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL && run != NULL, FALSE);

  json_builder_begin_object (reach);
  add_curve (reach, "reach", run->reach);
  json_builder_end_object (reach);
  reach_json = to_json (reach);
  warnings_json = strv_to_json (run->warnings);

  stmt = begin_run_insert (store,
                           "INSERT INTO lookalike_runs (created_at, identity_run_id, method, "
                           "seed_description, n_seed, n_seed_unknown, auc, reach, warnings, seconds) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           now, run->identity_run, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 3, cst_lookalike_method_to_string (run->method), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, run->seed_description != NULL ? run->seed_description : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, run->n_seed);
  sqlite3_bind_int64 (stmt, 6, run->n_seed_unknown);
  cst_store_bind_double_or_null (stmt, 7, run->auc);
  sqlite3_bind_text (stmt, 8, reach_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, warnings_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (stmt, 10, run->seconds);
  return finish_scored_run (store, stmt,
                            "INSERT INTO lookalike_scores (run_id, person_id, similarity, is_seed) "
                            "VALUES (?1, ?2, ?3, ?4)",
                            run->person_ids, run->similarity, run->is_seed, run->n_people, &run->id, error);
}

CstLookalikeRun *
cst_store_load_latest_lookalike (CstStore  *store,
                                 GError   **error)
{
  g_autoptr(CstLookalikeRun) run = NULL;
  g_autoptr(JsonNode) reach = NULL;
  const char *method;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, NULL);

  stmt = cst_store_prepare (store,
                            "SELECT id, identity_run_id, method, seed_description, n_seed, n_seed_unknown, "
                            "auc, reach, warnings, seconds FROM lookalike_runs ORDER BY id DESC LIMIT 1",
                            error);
  if (stmt == NULL)
    return NULL;
  if (!step_first_row (store, stmt, error))
    return NULL;
  run = g_new0 (CstLookalikeRun, 1);
  run->id = sqlite3_column_int64 (stmt, 0);
  run->identity_run = sqlite3_column_int64 (stmt, 1);
  method = column_text (stmt, 2);
  run->method = g_strcmp0 (method, "classifier") == 0 ? CST_LOOKALIKE_CLASSIFIER
              : g_strcmp0 (method, "distance") == 0 ? CST_LOOKALIKE_DISTANCE : CST_LOOKALIKE_AUTO;
  run->seed_description = g_strdup (column_text (stmt, 3));
  run->n_seed = sqlite3_column_int64 (stmt, 4);
  run->n_seed_unknown = sqlite3_column_int64 (stmt, 5);
  run->auc = cst_store_column_double_or_nan (stmt, 6);
  reach = parse_json (column_text (stmt, 7));
  run->warnings = strv_from_json (column_text (stmt, 8));
  run->seconds = sqlite3_column_double (stmt, 9);
  sqlite3_reset (stmt);
  run->reach = read_curve (member_array (reach, "reach"));

  if (!load_scores (store,
                    "SELECT person_id, similarity, is_seed FROM lookalike_scores WHERE run_id = ?1 "
                    "ORDER BY person_id",
                    run->id, &run->n_people, &run->person_ids, &run->similarity, &run->is_seed, error))
    return NULL;
  return g_steal_pointer (&run);
}

/* "First Last", either alone, or NULL when neither is known. */
static char *
join_name (const char *first,
           const char *last)
{
  g_autofree char *f = g_strstrip (g_strdup (first != NULL ? first : ""));
  g_autofree char *l = g_strstrip (g_strdup (last != NULL ? last : ""));

  if (*f != '\0' && *l != '\0')
    return g_strconcat (f, " ", l, NULL);
  if (*f != '\0')
    return g_steal_pointer (&f);
  if (*l != '\0')
    return g_steal_pointer (&l);
  return NULL;
}

GArray *
cst_store_list_people_full (CstStore    *store,
                            gint64       identity_run,
                            GPtrArray  **emails,
                            GPtrArray  **names,
                            GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) mails = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) full = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gboolean has_row;

  g_return_val_if_fail (store != NULL, NULL);

  stmt = cst_store_prepare (store,
                            "SELECT id, email, first_name, last_name FROM people WHERE run_id = ?1 "
                            "ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, identity_run);
  for (;;)
    {
      gint64 id;

      if (!step_row (store, stmt, &has_row, error))
        return NULL;
      if (!has_row)
        break;
      id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
      g_ptr_array_add (mails, g_strdup (column_text (stmt, 1)));
      if (names != NULL)
        g_ptr_array_add (full, join_name (column_text (stmt, 2), column_text (stmt, 3)));
    }
  sqlite3_reset (stmt);
  if (emails != NULL)
    *emails = g_steal_pointer (&mails);
  if (names != NULL)
    *names = g_steal_pointer (&full);
  return g_steal_pointer (&ids);
}

GArray *
cst_store_list_people (CstStore    *store,
                       gint64       identity_run,
                       GPtrArray  **emails,
                       GError     **error)
{
  return cst_store_list_people_full (store, identity_run, emails, NULL, error);
}

/* Thresholds ------------------------------------------------------------------------------ */

gboolean
cst_store_update_propensity_thresholds (CstStore  *store,
                                        gint64     run_id,
                                        double     low,
                                        double     high,
                                        GError   **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (store != NULL, FALSE);

  if (!(low >= 0.0 && high <= 1.0 && low <= high))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The band thresholds must lie between 0 and 1, the lower one first."));
      return FALSE;
    }
  if (!cst_store_begin (store, error))
    return FALSE;
  stmt = cst_store_prepare (store,
                            "UPDATE propensity_runs SET low_threshold = ?2, high_threshold = ?3 "
                            "WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_double (stmt, 2, low);
  sqlite3_bind_double (stmt, 3, high);
  if (!cst_store_step_done (store, stmt, error))
    goto fail;
  if (sqlite3_changes (cst_store_get_db (store)) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The prediction run is no longer in the project."));
      goto fail;
    }
  /* The same rule as cst_band_for(). */
  stmt = cst_store_prepare (store,
                            "UPDATE propensity_scores SET band = CASE WHEN probability >= ?3 THEN 2 "
                            "WHEN probability >= ?2 THEN 1 ELSE 0 END WHERE run_id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_double (stmt, 2, low);
  sqlite3_bind_double (stmt, 3, high);
  if (!cst_store_step_done (store, stmt, error))
    goto fail;
  if (!cst_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cst_store_rollback (store);
  return FALSE;
}
