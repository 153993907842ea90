-- A silence procedure cannot replace the Presidencies (DESIGN §5): a chair of a PPT
-- delegation proposes it, and it starts only once every PPT of the draft's meeting has
-- consented (the proposer's delegation by proposing). Its deadline is at least the
-- meeting's minimum period after it starts (24 hours unless an administrator sets
-- another). The same tables and columns exist for the other backend.
ALTER TABLE meetings ADD COLUMN silence_minimum_ms BIGINT NOT NULL DEFAULT 86400000;

-- A proposed silence procedure. `consents` holds the codes of the PPT delegations that
-- consented, separated by spaces. `state` moves from 'proposed' exactly once: to 'started'
-- (by the transaction that starts the procedure, `silence_id`) or to 'superseded' (by a
-- newer proposal for the draft).
CREATE TABLE silence_proposals (
    id                   TEXT PRIMARY KEY,
    draft_id             TEXT NOT NULL REFERENCES drafts (id),
    heads                TEXT NOT NULL,
    version_id           TEXT REFERENCES versions (id),
    deadline             BIGINT NOT NULL,
    concordance_override TEXT,
    proposed_by          TEXT NOT NULL REFERENCES users (id),
    country              TEXT NOT NULL,
    consents             TEXT NOT NULL,
    state                TEXT NOT NULL CHECK (state IN ('proposed', 'started', 'superseded')),
    silence_id           TEXT REFERENCES silence_procedures (id),
    proposed_at          BIGINT NOT NULL,
    ended_at             BIGINT
);
CREATE UNIQUE INDEX silence_one_proposal ON silence_proposals (draft_id) WHERE state = 'proposed';
CREATE INDEX silence_proposals_by_draft ON silence_proposals (draft_id, proposed_at);
