-- Named versions of a draft: a label, who saved it and when, and the document heads
-- (automerge change hashes, hex, separated by spaces) that the version is.
CREATE TABLE versions (
    id         TEXT PRIMARY KEY,
    draft_id   TEXT NOT NULL REFERENCES drafts (id),
    label      TEXT NOT NULL,
    heads      TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    country    TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX versions_by_draft ON versions (draft_id, created_at);
