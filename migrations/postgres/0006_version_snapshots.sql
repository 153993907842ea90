-- A saved version as comparisons read it: the JSON of pluma_core::compare::Snapshot (texts,
-- per-character credits, pending proposals, the deletions of its history), made the first
-- time the version is compared and kept, so comparing saved versions reads no document.
-- Derived data: a missing row, or one of another format, is made again from the document.
CREATE TABLE version_snapshots (
    version_id TEXT PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    format     BIGINT NOT NULL,
    snapshot   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
