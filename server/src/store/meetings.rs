//! Meetings, their delegations and agendas, and the drafts: [`MeetingStore`], and the SQL
//! both backends share ([`meeting_store`] implements it for either). The agenda is kept as
//! the JSON of `pluma_core::agenda::Agenda`: it is read and written whole, never queried
//! inside.

use async_trait::async_trait;

use crate::ids::{DocumentId, DraftId, MeetingId};
use crate::model::{Delegation, DraftRecord, Meeting};
use crate::store::Result;

/// A meeting to create with its delegations.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// Its id, chosen by the caller.
    pub id: MeetingId,
    /// Name in English.
    pub name_en: String,
    /// Name in Spanish.
    pub name_es: String,
    /// Its delegations.
    pub delegations: Vec<Delegation>,
}

/// Meetings and drafts. Each method is one transaction.
#[async_trait]
pub trait MeetingStore {
    /// Creates a meeting and its delegations.
    async fn create_meeting(&self, meeting: &NewMeeting, now: i64) -> Result<Meeting>;
    /// Every meeting, oldest first.
    async fn meetings(&self) -> Result<Vec<Meeting>>;
    /// The delegations of a meeting, by code.
    async fn delegations(&self, meeting: &MeetingId) -> Result<Vec<Delegation>>;
    /// One meeting; `NotFound` if there is none with this id.
    async fn meeting(&self, id: &MeetingId) -> Result<Meeting>;
    /// Stores (or replaces) a meeting's agenda, as JSON; `NotFound` if the meeting does not exist.
    async fn set_agenda(&self, meeting: &MeetingId, agenda_json: &str, now: i64) -> Result<()>;
    /// A meeting's agenda as stored, if it has one.
    async fn agenda(&self, meeting: &MeetingId) -> Result<Option<String>>;

    /// Creates a draft and its first snapshot in one transaction.
    async fn create_draft(&self, draft: &DraftRecord, snapshot: &[u8]) -> Result<()>;
    /// A draft by id; `NotFound` if there is none.
    async fn draft(&self, id: &DraftId) -> Result<DraftRecord>;
    /// A draft by its document id; `NotFound` if there is none.
    async fn draft_by_document(&self, doc: &DocumentId) -> Result<DraftRecord>;
    /// Every draft, oldest first.
    async fn drafts(&self) -> Result<Vec<DraftRecord>>;
}

pub(crate) const MEETING: &str = "SELECT id, name_en, name_es, created_at FROM meetings WHERE id = $1";

pub(crate) const UPSERT: &str = "INSERT INTO meeting_agendas (meeting_id, agenda, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (meeting_id) DO UPDATE SET agenda = excluded.agenda, updated_at = excluded.updated_at";

pub(crate) const AGENDA: &str = "SELECT agenda FROM meeting_agendas WHERE meeting_id = $1";

pub(crate) const INSERT_DELEGATION: &str = "INSERT INTO delegations (meeting_id, code, name_en, name_es, conference, time_zone, is_ppt)
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// [`MeetingStore`] for a backend whose struct has a `pool` field.
macro_rules! meeting_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::MeetingStore for $store {
            async fn create_meeting(&self, meeting: &$crate::store::NewMeeting, now: i64) -> Result<$crate::model::Meeting> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO meetings (id, name_en, name_es, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(meeting.id.as_str())
                    .bind(&meeting.name_en)
                    .bind(&meeting.name_es)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::unique(e, "meeting"))?;
                for d in &meeting.delegations {
                    sqlx::query($crate::store::meetings::INSERT_DELEGATION)
                        .bind(meeting.id.as_str())
                        .bind(d.code.as_str())
                        .bind(&d.name_en)
                        .bind(&d.name_es)
                        .bind(d.conference.as_str())
                        .bind(&d.time_zone)
                        .bind(d.is_ppt)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| StoreError::unique(e, "delegation"))?;
                }
                tx.commit().await?;
                Ok($crate::model::Meeting {
                    id: meeting.id.clone(),
                    name_en: meeting.name_en.clone(),
                    name_es: meeting.name_es.clone(),
                    created_at: now,
                })
            }

            async fn meetings(&self) -> Result<Vec<$crate::model::Meeting>> {
                let rows: Vec<$crate::store::rows::MeetingRow> =
                    sqlx::query_as("SELECT id, name_en, name_es, created_at FROM meetings ORDER BY created_at, id")
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map($crate::store::rows::MeetingRow::into_meeting).collect()
            }

            async fn delegations(&self, meeting: &$crate::ids::MeetingId) -> Result<Vec<$crate::model::Delegation>> {
                let rows: Vec<$crate::store::rows::DelegationRow> = sqlx::query_as(
                    "SELECT code, name_en, name_es, conference, time_zone, is_ppt FROM delegations
                     WHERE meeting_id = $1 ORDER BY code",
                )
                .bind(meeting.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::store::rows::DelegationRow::into_delegation).collect()
            }

            async fn meeting(&self, id: &$crate::ids::MeetingId) -> Result<$crate::model::Meeting> {
                let row: Option<$crate::store::rows::MeetingRow> =
                    sqlx::query_as($crate::store::meetings::MEETING).bind(id.as_str()).fetch_optional(&self.pool).await?;
                match row {
                    Some(row) => row.into_meeting(),
                    None => Err(StoreError::NotFound("meeting")),
                }
            }

            async fn set_agenda(&self, meeting: &$crate::ids::MeetingId, json: &str, now: i64) -> Result<()> {
                sqlx::query($crate::store::meetings::UPSERT)
                    .bind(meeting.as_str())
                    .bind(json)
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| match e {
                        sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::NotFound("meeting"),
                        e => e.into(),
                    })?;
                Ok(())
            }

            async fn agenda(&self, meeting: &$crate::ids::MeetingId) -> Result<Option<String>> {
                let row: Option<(String,)> =
                    sqlx::query_as($crate::store::meetings::AGENDA).bind(meeting.as_str()).fetch_optional(&self.pool).await?;
                Ok(row.map(|(json,)| json))
            }

            async fn create_draft(&self, draft: &$crate::model::DraftRecord, snapshot: &[u8]) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO drafts (id, doc_id, meeting_id, kind, title_en, title_es, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(draft.id.as_str())
                .bind(draft.doc_id.as_str())
                .bind(draft.meeting_id.as_ref().map(|m| m.as_str()))
                .bind(draft.kind.as_str())
                .bind(&draft.title_en)
                .bind(&draft.title_es)
                .bind(draft.created_by.as_ref().map(|u| u.as_str()))
                .bind(draft.created_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "draft"))?;
                sqlx::query("INSERT INTO snapshots (doc_id, bytes, created_at) VALUES ($1, $2, $3)")
                    .bind(draft.doc_id.as_str())
                    .bind(snapshot)
                    .bind(draft.created_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn draft(&self, id: &$crate::ids::DraftId) -> Result<$crate::model::DraftRecord> {
                let row: Option<$crate::store::rows::DraftRow> =
                    sqlx::query_as(concat!("SELECT ", $crate::store::rows::draft_columns!(), " FROM drafts WHERE id = $1"))
                        .bind(id.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.ok_or(StoreError::NotFound("draft"))?.into_record()
            }

            async fn draft_by_document(&self, doc: &$crate::ids::DocumentId) -> Result<$crate::model::DraftRecord> {
                let row: Option<$crate::store::rows::DraftRow> =
                    sqlx::query_as(concat!("SELECT ", $crate::store::rows::draft_columns!(), " FROM drafts WHERE doc_id = $1"))
                        .bind(doc.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.ok_or(StoreError::NotFound("document"))?.into_record()
            }

            async fn drafts(&self) -> Result<Vec<$crate::model::DraftRecord>> {
                let rows: Vec<$crate::store::rows::DraftRow> =
                    sqlx::query_as(concat!("SELECT ", $crate::store::rows::draft_columns!(), " FROM drafts ORDER BY created_at, id"))
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map($crate::store::rows::DraftRow::into_record).collect()
            }
        }
    };
}
pub(crate) use meeting_store;
