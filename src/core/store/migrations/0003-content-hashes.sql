-- Migration 3: recognising files and rows seen before.
-- content_hash is the SHA-256 of a source file's bytes, so importing the same file again can be
-- noticed and asked about; row_hash the SHA-256 of a raw row's text, so a newer export of the
-- same source appends only the rows not seen yet. Both are NULL for data imported before this
-- migration: those rows are never taken as seen, which can only import too much, never lose.

ALTER TABLE sources ADD COLUMN content_hash TEXT;
ALTER TABLE raw_rows ADD COLUMN row_hash TEXT;

CREATE INDEX sources_content_hash ON sources (content_hash);
CREATE INDEX raw_rows_row_hash ON raw_rows (row_hash);
