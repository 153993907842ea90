-- A meeting's agenda: the JSON of pluma_core::agenda::Agenda (days, sessions with absolute
-- start and end instants, lead panelist countries, speakers), one per meeting.
CREATE TABLE meeting_agendas (
    meeting_id TEXT PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    agenda     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
