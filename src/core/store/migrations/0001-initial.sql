-- Migration 1: the project file of the walking skeleton.
-- Every stage writes a new run; nothing the user imported is altered or lost.

CREATE TABLE project_info (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  path        TEXT,
  kind        TEXT NOT NULL CHECK (kind IN ('contacts', 'orders', 'engagement')),
  imported_at TEXT NOT NULL,
  header      TEXT NOT NULL,
  n_rows      INTEGER NOT NULL DEFAULT 0,
  n_rejected  INTEGER NOT NULL DEFAULT 0
);

-- Every data row exactly as it was in the file, whether it could be read or not.
CREATE TABLE raw_rows (
  source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  row_number INTEGER NOT NULL,
  line       INTEGER NOT NULL,
  raw        TEXT NOT NULL,
  PRIMARY KEY (source_id, row_number)
) WITHOUT ROWID;

CREATE TABLE rejected_rows (
  source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  row_number  INTEGER NOT NULL,
  column_name TEXT,
  reason      TEXT NOT NULL,
  PRIMARY KEY (source_id, row_number)
) WITHOUT ROWID;

-- Parsed values of the rows that could be read; event_time is seconds since 1970 of the
-- wall-clock time written in the file (zone-less times are kept as they were written).
CREATE TABLE records (
  id           INTEGER PRIMARY KEY,
  source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  row_number   INTEGER NOT NULL,
  customer_key TEXT,
  email        TEXT,
  first_name   TEXT,
  last_name    TEXT,
  phone        TEXT,
  postcode     TEXT,
  city         TEXT,
  country      TEXT,
  consent      INTEGER,
  order_id     TEXT,
  event_time   INTEGER,
  amount       REAL,
  quantity     INTEGER,
  category     TEXT,
  channel      TEXT,
  discount     REAL,
  campaign     TEXT,
  opened       INTEGER,
  clicked      INTEGER,
  UNIQUE (source_id, row_number)
);

CREATE TABLE identity_runs (
  id         INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  method     TEXT NOT NULL,
  n_records  INTEGER NOT NULL,
  n_people   INTEGER NOT NULL,
  seconds    REAL NOT NULL
);

CREATE TABLE people (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES identity_runs (id) ON DELETE CASCADE,
  match_key  TEXT NOT NULL,
  email      TEXT,
  first_name TEXT,
  last_name  TEXT,
  n_records  INTEGER NOT NULL
);
CREATE INDEX people_run ON people (run_id);

CREATE TABLE person_records (
  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  PRIMARY KEY (person_id, record_id)
) WITHOUT ROWID;
CREATE INDEX person_records_record ON person_records (record_id);

CREATE TABLE segment_runs (
  id              INTEGER PRIMARY KEY,
  created_at      TEXT NOT NULL,
  identity_run_id INTEGER REFERENCES identity_runs (id) ON DELETE SET NULL,
  method          TEXT NOT NULL,
  k               INTEGER NOT NULL,
  seed            INTEGER NOT NULL,
  n_people        INTEGER NOT NULL,
  n_skipped       INTEGER NOT NULL,
  inertia         REAL NOT NULL,
  iterations      INTEGER NOT NULL,
  explained_x     REAL NOT NULL,
  explained_y     REAL NOT NULL,
  seconds         REAL NOT NULL
);

CREATE TABLE segment_run_features (
  run_id       INTEGER NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  name         TEXT NOT NULL,
  overall_mean REAL NOT NULL,
  PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;

CREATE TABLE segments (
  run_id INTEGER NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
  idx    INTEGER NOT NULL,
  name   TEXT NOT NULL,
  size   INTEGER NOT NULL,
  PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;

CREATE TABLE segment_means (
  run_id  INTEGER NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
  segment INTEGER NOT NULL,
  feature INTEGER NOT NULL,
  mean    REAL NOT NULL,
  PRIMARY KEY (run_id, segment, feature)
) WITHOUT ROWID;

CREATE TABLE assignments (
  run_id    INTEGER NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  segment   INTEGER NOT NULL,
  x         REAL NOT NULL,
  y         REAL NOT NULL,
  PRIMARY KEY (run_id, person_id)
) WITHOUT ROWID;
