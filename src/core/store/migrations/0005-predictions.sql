-- Migration 0005: predictions (issue 6). Churn and purchase scores from a time split, lifetime
-- value (BG/NBD + Gamma-Gamma), lookalike audiences. Every per-person row cascades with its
-- person, so erasing a person leaves no trace; run-level rows hold only aggregates.

CREATE TABLE propensity_runs (
  id              INTEGER PRIMARY KEY,
  created_at      TEXT NOT NULL,
  identity_run_id INTEGER REFERENCES identity_runs (id) ON DELETE SET NULL,
  target          TEXT NOT NULL CHECK (target IN ('churn', 'purchase')),
  data_start      INTEGER NOT NULL,
  data_end        INTEGER NOT NULL,
  cutoff          INTEGER NOT NULL,
  horizon_days    INTEGER NOT NULL,
  gap_p90_days    REAL,
  model           TEXT NOT NULL,
  low_threshold   REAL NOT NULL,
  high_threshold  REAL NOT NULL,
  auc             REAL,
  auc_logistic    REAL,
  auc_trees       REAL,
  lift_top10      REAL,
  base_rate       REAL,
  n_train         INTEGER NOT NULL,
  n_test          INTEGER NOT NULL,
  evaluation      TEXT NOT NULL,  -- JSON {"roc": [[x, y], …], "gain": …, "calibration": …}
  drivers         TEXT NOT NULL,  -- JSON [{"feature", "text", "importance", "direction"}, …]
  warnings        TEXT NOT NULL,  -- JSON [sentence, …], translated when the run was made
  features        TEXT NOT NULL,  -- JSON [feature name, …]: the model's columns
  seconds         REAL NOT NULL
);

CREATE TABLE propensity_scores (
  run_id      INTEGER NOT NULL REFERENCES propensity_runs (id) ON DELETE CASCADE,
  person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  probability REAL NOT NULL,
  band        INTEGER NOT NULL,  -- 0 low, 1 medium, 2 high
  PRIMARY KEY (run_id, person_id)
) WITHOUT ROWID;
CREATE INDEX propensity_scores_person ON propensity_scores (person_id);

CREATE TABLE clv_runs (
  id                INTEGER PRIMARY KEY,
  created_at        TEXT NOT NULL,
  identity_run_id   INTEGER REFERENCES identity_runs (id) ON DELETE SET NULL,
  data_end          INTEGER NOT NULL,
  horizon_weeks     REAL NOT NULL,
  months            INTEGER NOT NULL,
  monthly_discount  REAL NOT NULL,
  n_bootstrap       INTEGER NOT NULL,
  seed              INTEGER NOT NULL,
  r                 REAL NOT NULL,
  alpha             REAL NOT NULL,
  a                 REAL NOT NULL,
  b                 REAL NOT NULL,
  bgnbd_ll          REAL NOT NULL,
  has_spend         INTEGER NOT NULL,
  p                 REAL,
  q                 REAL,
  gamma             REAL,
  gamma_gamma_ll    REAL,
  population_spend  REAL,
  n_customers       INTEGER NOT NULL,
  n_repeat          INTEGER NOT NULL,
  holdout_start     INTEGER NOT NULL,
  holdout_weeks     REAL NOT NULL,
  holdout           TEXT NOT NULL,  -- JSON [{"frequency", "customers", "actual", "predicted"}, …]
  holdout_params    TEXT NOT NULL,  -- JSON {"r", "alpha", "a", "b", "log_likelihood"}
  warnings          TEXT NOT NULL,
  seconds_fit       REAL NOT NULL,
  seconds_bootstrap REAL NOT NULL,
  seconds           REAL NOT NULL
);

CREATE TABLE clv_values (
  run_id                  INTEGER NOT NULL REFERENCES clv_runs (id) ON DELETE CASCADE,
  person_id               INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  expected_purchases      REAL NOT NULL,
  expected_purchases_low  REAL NOT NULL,
  expected_purchases_high REAL NOT NULL,
  p_alive                 REAL NOT NULL,
  p_alive_low             REAL NOT NULL,
  p_alive_high            REAL NOT NULL,
  expected_spend          REAL NOT NULL,
  expected_spend_low      REAL NOT NULL,
  expected_spend_high     REAL NOT NULL,
  clv                     REAL NOT NULL,
  clv_low                 REAL NOT NULL,
  clv_high                REAL NOT NULL,
  PRIMARY KEY (run_id, person_id)
) WITHOUT ROWID;
CREATE INDEX clv_values_person ON clv_values (person_id);

CREATE TABLE lookalike_runs (
  id               INTEGER PRIMARY KEY,
  created_at       TEXT NOT NULL,
  identity_run_id  INTEGER REFERENCES identity_runs (id) ON DELETE SET NULL,
  method           TEXT NOT NULL,
  seed_description TEXT NOT NULL,
  n_seed           INTEGER NOT NULL,
  n_seed_unknown   INTEGER NOT NULL,
  auc              REAL,
  reach            TEXT NOT NULL,  -- JSON [[threshold, people], …]
  warnings         TEXT NOT NULL,
  seconds          REAL NOT NULL
);

CREATE TABLE lookalike_scores (
  run_id     INTEGER NOT NULL REFERENCES lookalike_runs (id) ON DELETE CASCADE,
  person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  similarity REAL NOT NULL,
  is_seed    INTEGER NOT NULL,
  PRIMARY KEY (run_id, person_id)
) WITHOUT ROWID;
CREATE INDEX lookalike_scores_person ON lookalike_scores (person_id);
