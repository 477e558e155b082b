-- Migration 2: segmentation runs that explain themselves.
-- How k was chosen (and why), the options of the run, notes on features the data could not
-- support, each segment's name and key facts, each feature's difference from everyone else,
-- and the quality of every candidate k.

ALTER TABLE segment_runs ADD COLUMN auto_k INTEGER NOT NULL DEFAULT 0;
ALTER TABLE segment_runs ADD COLUMN reason TEXT;
ALTER TABLE segment_runs ADD COLUMN settings TEXT;
ALTER TABLE segment_runs ADD COLUMN notes TEXT;

-- A mean can be missing (a gap between orders of one-time buyers): the columns become nullable,
-- which SQLite allows only by rebuilding the tables.
CREATE TABLE segment_run_features_new (
  run_id       INTEGER NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  name         TEXT NOT NULL,
  overall_mean REAL,
  n_missing    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;
INSERT INTO segment_run_features_new (run_id, idx, name, overall_mean)
  SELECT run_id, idx, name, overall_mean FROM segment_run_features;
DROP TABLE segment_run_features;
ALTER TABLE segment_run_features_new RENAME TO segment_run_features;

ALTER TABLE segments ADD COLUMN fact1 TEXT;
ALTER TABLE segments ADD COLUMN fact2 TEXT;
ALTER TABLE segments ADD COLUMN fact3 TEXT;

CREATE TABLE segment_means_new (
  run_id    INTEGER NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
  segment   INTEGER NOT NULL,
  feature   INTEGER NOT NULL,
  mean      REAL,
  rest_mean REAL,
  std_diff  REAL,
  PRIMARY KEY (run_id, segment, feature)
) WITHOUT ROWID;
INSERT INTO segment_means_new (run_id, segment, feature, mean)
  SELECT run_id, segment, feature, mean FROM segment_means;
DROP TABLE segment_means;
ALTER TABLE segment_means_new RENAME TO segment_means;

CREATE TABLE segment_k_choices (
  run_id            INTEGER NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
  k                 INTEGER NOT NULL,
  inertia           REAL NOT NULL,
  silhouette        REAL NOT NULL,
  calinski_harabasz REAL NOT NULL,
  davies_bouldin    REAL NOT NULL,
  stability         REAL NOT NULL,
  smallest_share    REAL NOT NULL,
  actionable        INTEGER NOT NULL,
  PRIMARY KEY (run_id, k)
) WITHOUT ROWID;
