-- Migration 6: audiences out (issue 8): holdout groups, exports, sensitive columns, erasure log.
-- Every table that names a person refers to people (id) ON DELETE CASCADE, so erasing a person
-- removes them here too; the erasure log keeps only an internal number and a time.

-- An audience is what was exported: its key says where its people came from and which rules
-- applied ("segment:3:1|country=DE|consent=refused"); the same key always gets the same holdout.
CREATE TABLE audiences (
  id            INTEGER PRIMARY KEY,
  key           TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  seed          INTEGER NOT NULL,
  holdout_share REAL NOT NULL CHECK (holdout_share >= 0 AND holdout_share < 1)
);

-- The eligible people of an audience when it was first exported, and whether each is held back
-- as the control group (held = 1) or exported (held = 0).
CREATE TABLE audience_members (
  audience_id INTEGER NOT NULL REFERENCES audiences (id) ON DELETE CASCADE,
  person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  held        INTEGER NOT NULL CHECK (held IN (0, 1)),
  PRIMARY KEY (audience_id, person_id)
) WITHOUT ROWID;
CREATE INDEX audience_members_person ON audience_members (person_id);

CREATE TABLE audience_exports (
  id           INTEGER PRIMARY KEY,
  audience_id  INTEGER NOT NULL REFERENCES audiences (id) ON DELETE CASCADE,
  created_at   TEXT NOT NULL,
  format       TEXT NOT NULL,
  n_candidates INTEGER NOT NULL,
  n_no_consent INTEGER NOT NULL,
  n_filtered   INTEGER NOT NULL,
  n_held       INTEGER NOT NULL,
  n_written    INTEGER NOT NULL
);

-- Columns of an imported source the user marked sensitive (health, religion, ethnicity,
-- birth date…): left out of exports and of models unless allowed explicitly.
CREATE TABLE sensitive_columns (
  source_id       INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  column_name     TEXT NOT NULL,
  allow_in_models INTEGER NOT NULL DEFAULT 0,
  marked_at       TEXT NOT NULL,
  PRIMARY KEY (source_id, column_name)
) WITHOUT ROWID;

-- Right to erasure: what was erased and when, never who (no reference: the person is gone).
CREATE TABLE erasure_log (
  id         INTEGER PRIMARY KEY,
  person_id  INTEGER NOT NULL,
  erased_at  TEXT NOT NULL,
  n_people   INTEGER NOT NULL,
  n_records  INTEGER NOT NULL,
  n_raw_rows INTEGER NOT NULL
);

-- Erasing a person looks up their assignments by person alone (the foreign key's cascade and
-- the segment sizes); the primary key starts with the run, so without this every erasure
-- would scan all assignments of all runs.
CREATE INDEX assignments_person ON assignments (person_id);
