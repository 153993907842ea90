-- The audit log: who did what, when, to which draft. Append-only: rows are never updated
-- or deleted (the trigger refuses it).
CREATE TABLE audit_log (
    id       BIGSERIAL PRIMARY KEY,
    at       BIGINT NOT NULL,
    user_id  TEXT REFERENCES users (id),
    country  TEXT,
    draft_id TEXT REFERENCES drafts (id),
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL
);

CREATE INDEX audit_log_by_draft ON audit_log (draft_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
