-- Pluma's first schema (SQLite). Times are unix milliseconds; ids are text.
-- The same tables and columns exist in ../postgres/0001_init.sql.

CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE meetings (
    id         TEXT PRIMARY KEY,
    name_en    TEXT NOT NULL,
    name_es    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE delegations (
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    name_es    TEXT NOT NULL,
    conference TEXT NOT NULL CHECK (conference IN ('rcm', 'sacm', 'observer')),
    time_zone  TEXT NOT NULL,
    is_ppt     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (meeting_id, code)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('delegate', 'chair', 'secretariat', 'observer', 'admin')),
    country       TEXT,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

-- Session and ticket tokens are stored only as SHA-256 hashes.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE sync_tickets (
    ticket_hash BLOB PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX sync_tickets_expires ON sync_tickets (expires_at);

-- An automerge actor id (hex) belongs to the first user whose change carried it.
CREATE TABLE actors (
    actor_id TEXT PRIMARY KEY,
    user_id  TEXT NOT NULL REFERENCES users (id),
    country  TEXT,
    bound_at BIGINT NOT NULL
);

CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    doc_id     TEXT NOT NULL UNIQUE,
    meeting_id TEXT REFERENCES meetings (id),
    kind       TEXT NOT NULL CHECK (kind IN ('communique', 'concept_note')),
    title_en   TEXT NOT NULL,
    title_es   TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at BIGINT NOT NULL
);

-- Append-only log of automerge changes per document, until a snapshot covers them.
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id     TEXT NOT NULL REFERENCES drafts (doc_id),
    hash       BLOB NOT NULL,
    actor_id   TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (doc_id, hash)
);

-- Compacted documents (automerge save); loading = newest snapshot + remaining changes.
CREATE TABLE snapshots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id     TEXT NOT NULL REFERENCES drafts (doc_id),
    bytes      BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX snapshots_doc ON snapshots (doc_id, id);
