-- Word files brought back (pluma_core::returns): one row per file a delegation (or the
-- secretariat on its behalf) returned, with what it made; and one row per change a return
-- made, by its digest (what the change is and what it was made against), so that the same
-- file, or the same edits in another copy, never make a proposal twice.
--
-- A return claims its changes' digests before making them (state 'pending'); when they
-- are stored it becomes 'done' with its report (the JSON of pluma_core::returns::Report)
-- and keeps the claims of the changes it made; a refused return becomes 'failed' and
-- releases every claim. Claims of a return left 'pending' by a crash may be taken over
-- once it is old (see pluma_server::returns).
CREATE TABLE word_returns (
    id          TEXT PRIMARY KEY,
    draft_id    TEXT NOT NULL REFERENCES drafts (id),
    country     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    file_digest TEXT NOT NULL,
    state       TEXT NOT NULL,
    report      TEXT,
    created_at  BIGINT NOT NULL,
    finished_at BIGINT
);

CREATE INDEX word_returns_by_file ON word_returns (draft_id, file_digest, country);

CREATE TABLE word_return_changes (
    draft_id  TEXT NOT NULL REFERENCES drafts (id),
    digest    TEXT NOT NULL,
    return_id TEXT NOT NULL REFERENCES word_returns (id),
    PRIMARY KEY (draft_id, digest)
);
