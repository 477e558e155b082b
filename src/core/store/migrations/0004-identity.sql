-- Migration 4: probabilistic identity resolution (issue 4). An identity run made by the linker
-- keeps its model, every scored candidate pair (so a threshold slider needs no re-run) and a
-- stable id per person. Decisions by people outlive runs: they refer to records, not people.

CREATE TABLE linkage_runs (
  run_id       INTEGER PRIMARY KEY REFERENCES identity_runs (id) ON DELETE CASCADE,
  threshold    REAL NOT NULL,
  n_estimated  INTEGER NOT NULL,
  n_candidates INTEGER NOT NULL,
  n_matched    INTEGER NOT NULL,
  n_flagged    INTEGER NOT NULL,
  match_share  REAL NOT NULL,
  prior        REAL NOT NULL,
  rules        INTEGER NOT NULL DEFAULT 7,  -- CstLinkRules the run linked by
  -- the newest linkage_decisions.id the run respected: later ones wait to be applied
  last_decision INTEGER NOT NULL DEFAULT 0
);

-- The compared columns of a run with their m and u per agreement level (exact, close,
-- similar, different).
CREATE TABLE linkage_columns (
  run_id INTEGER NOT NULL REFERENCES identity_runs (id) ON DELETE CASCADE,
  idx    INTEGER NOT NULL,
  kind   TEXT NOT NULL,
  name   TEXT NOT NULL,
  m1 REAL NOT NULL, m2 REAL NOT NULL, m3 REAL NOT NULL, m4 REAL NOT NULL,
  u1 REAL NOT NULL, u2 REAL NOT NULL, u3 REAL NOT NULL, u4 REAL NOT NULL,
  PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;

-- levels packs four bits per column (CstLinkLevel); record_a < record_b.
CREATE TABLE linkage_pairs (
  run_id      INTEGER NOT NULL REFERENCES identity_runs (id) ON DELETE CASCADE,
  record_a    INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  record_b    INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  probability REAL NOT NULL,
  weight      REAL NOT NULL,
  levels      INTEGER NOT NULL,
  rules       INTEGER NOT NULL,
  PRIMARY KEY (run_id, record_a, record_b)
) WITHOUT ROWID;
CREATE INDEX linkage_pairs_probability ON linkage_pairs (run_id, probability);
-- Both ends indexed: erasing a record (ON DELETE CASCADE) must not scan every pair.
CREATE INDEX linkage_pairs_record_a ON linkage_pairs (record_a);
CREATE INDEX linkage_pairs_record_b ON linkage_pairs (record_b);

-- "Same" or "Different", said by a person about two records; every later run respects it.
-- Ids only grow (AUTOINCREMENT: an undone decision's id is never reused), so a run's
-- last_decision tells which decisions came after it. The decisions of one split share a batch
-- (the first one's id; NULL: a decision of its own).
CREATE TABLE linkage_decisions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  record_a   INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  record_b   INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  same       INTEGER NOT NULL,
  decided_at TEXT NOT NULL,
  batch      INTEGER
);
CREATE INDEX linkage_decisions_a ON linkage_decisions (record_a);
CREATE INDEX linkage_decisions_b ON linkage_decisions (record_b);

-- A person's id that survives re-runs (uid), and whether a chain joined strangers in it.
CREATE TABLE linkage_people (
  person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
  uid       INTEGER NOT NULL,
  flagged   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX linkage_people_uid ON linkage_people (uid);
