-- The audit log: who did what, when, to which draft. Append-only: rows are never updated
-- or deleted (the triggers refuse it).
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    user_id  TEXT REFERENCES users (id),
    country  TEXT,
    draft_id TEXT REFERENCES drafts (id),
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL
);

CREATE INDEX audit_log_by_draft ON audit_log (draft_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
