-- The negotiation workflow of a draft (DESIGN §5): approvals by the Pro-Tempore
-- Presidencies, silence procedures and their objections, and adoption. Which delegation
-- holds a conference's PPT is `delegations.is_ppt` (0001). Times are unix milliseconds;
-- heads are automerge change hashes (hex) separated by spaces.
-- The same tables and columns exist in ../sqlite/0004_workflow.sql.

-- One PPT's approval of the text at `heads`. Live while `voided_at` is null; any later
-- accepted change voids it, saying why.
CREATE TABLE approvals (
    id          TEXT PRIMARY KEY,
    draft_id    TEXT NOT NULL REFERENCES drafts (id),
    country     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    heads       TEXT NOT NULL,
    version_id  TEXT REFERENCES versions (id),
    created_at  BIGINT NOT NULL,
    voided_at   BIGINT,
    void_reason TEXT
);
CREATE INDEX approvals_by_draft ON approvals (draft_id, created_at);

-- A silence procedure: the text at `heads` is frozen until `deadline`; an objection breaks
-- it, an unbroken deadline adopts it. `state` moves from 'running' exactly once, by a
-- conditional UPDATE (the row is the claim).
CREATE TABLE silence_procedures (
    id                   TEXT PRIMARY KEY,
    draft_id             TEXT NOT NULL REFERENCES drafts (id),
    heads                TEXT NOT NULL,
    version_id           TEXT REFERENCES versions (id),
    deadline             BIGINT NOT NULL,
    state                TEXT NOT NULL CHECK (state IN ('running', 'broken', 'adopted', 'lapsed', 'closed')),
    started_by           TEXT REFERENCES users (id),
    country              TEXT,
    concordance_override TEXT,
    started_at           BIGINT NOT NULL,
    ended_at             BIGINT,
    outcome              TEXT
);
CREATE UNIQUE INDEX silence_one_running ON silence_procedures (draft_id) WHERE state = 'running';
CREATE INDEX silence_due ON silence_procedures (state, deadline);

-- A written objection that broke a silence procedure.
CREATE TABLE silence_objections (
    id         TEXT PRIMARY KEY,
    silence_id TEXT NOT NULL REFERENCES silence_procedures (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    country    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The adoption of a draft: once per draft (the primary key), after which the server
-- refuses every change. `how` is 'approvals' or 'silence'.
CREATE TABLE adoptions (
    draft_id             TEXT PRIMARY KEY REFERENCES drafts (id),
    heads                TEXT NOT NULL,
    fingerprint          TEXT NOT NULL,
    version_id           TEXT REFERENCES versions (id),
    how                  TEXT NOT NULL CHECK (how IN ('approvals', 'silence')),
    silence_id           TEXT REFERENCES silence_procedures (id),
    concordance_override TEXT,
    adopted_at           BIGINT NOT NULL
);
