//! A meeting and its agenda: the SQL both backends share (the statements are the same on
//! SQLite and PostgreSQL). The agenda is kept as the JSON of `pluma_core::agenda::Agenda`:
//! it is read and written whole, never queried inside.

pub(crate) const MEETING: &str = "SELECT id, name_en, name_es, created_at FROM meetings WHERE id = $1";

pub(crate) const UPSERT: &str = "INSERT INTO meeting_agendas (meeting_id, agenda, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (meeting_id) DO UPDATE SET agenda = excluded.agenda, updated_at = excluded.updated_at";

pub(crate) const AGENDA: &str = "SELECT agenda FROM meeting_agendas WHERE meeting_id = $1";

/// The meeting and agenda queries as inherent methods of a backend whose struct has a
/// `pool` field; its `Store` methods call them.
macro_rules! agenda_methods {
    ($store:ty, $row:ty) => {
        impl $store {
            pub(crate) async fn find_meeting(&self, id: &$crate::ids::MeetingId) -> Result<$crate::model::Meeting> {
                let row: Option<$row> = sqlx::query_as($crate::store::agenda::MEETING).bind(id.as_str()).fetch_optional(&self.pool).await?;
                match row {
                    Some(row) => row.into_meeting(),
                    None => Err(StoreError::NotFound("meeting")),
                }
            }

            pub(crate) async fn upsert_agenda(&self, meeting: &$crate::ids::MeetingId, json: &str, now: i64) -> Result<()> {
                sqlx::query($crate::store::agenda::UPSERT).bind(meeting.as_str()).bind(json).bind(now).execute(&self.pool).await.map_err(
                    |e| match e {
                        sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::NotFound("meeting"),
                        e => e.into(),
                    },
                )?;
                Ok(())
            }

            pub(crate) async fn find_agenda(&self, meeting: &$crate::ids::MeetingId) -> Result<Option<String>> {
                let row: Option<(String,)> =
                    sqlx::query_as($crate::store::agenda::AGENDA).bind(meeting.as_str()).fetch_optional(&self.pool).await?;
                Ok(row.map(|(json,)| json))
            }
        }
    };
}
pub(crate) use agenda_methods;
