-- A sync ticket names the session that issued it (the hash of its token), so that ending
-- the session ends the sync connections opened with its tickets, and a ticket whose session
-- has ended opens nothing. Tickets issued before this migration name no session: they live
-- a minute, and are dropped here rather than honoured.
DELETE FROM sync_tickets;
ALTER TABLE sync_tickets ADD COLUMN session_hash BYTEA;
