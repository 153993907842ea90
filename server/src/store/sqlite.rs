//! [`SqliteStore`]: the default backend, one file in WAL mode.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use pluma_core::UserId;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};

use super::rows::{ActorRow, DelegationRow, DraftRow, MeetingRow, UserRow, UserWithHashRow, draft_columns, user_columns};
use super::{
    AppendOutcome, AppendRequest, AuditEntry, AuditRecord, Compaction, Feed, LogIndex, NewMeeting, Notice, Result, Store, StoreError,
    StoredDocument,
};
use crate::ids::{DocumentId, DraftId, MeetingId};
use crate::model::{ActorOwner, Delegation, DraftRecord, Meeting, NewUser, User};

/// How long a writer waits for another connection's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections in the pool: SQLite serialises writers anyway; readers run in parallel.
const MAX_CONNECTIONS: u32 = 8;

mod log;

/// A SQLite database file.
///
/// WAL journal with `synchronous = FULL`: a transaction is on disk when its commit returns,
/// so a killed process (or a power cut) never loses a committed change.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing, with its directory) the database at a `sqlite:` URL and
    /// runs the migrations.
    pub async fn open(url: &str) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        if let Some(dir) = options.get_filename().parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Other(sqlx::Error::Io(e)))?;
        }
        let pool = SqlitePoolOptions::new().max_connections(MAX_CONNECTIONS).connect_with(options).await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// The connection pool, for tests that inspect tables directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A transaction whose reads all see one state of the database: in WAL mode a read
    /// transaction keeps the snapshot of its first read.
    pub(crate) async fn begin_snapshot(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool.begin().await
    }
}

super::versions::version_methods!(SqliteStore);
super::agenda::agenda_methods!(SqliteStore, MeetingRow);
super::workflow::workflow_methods!(SqliteStore);
super::workflow::proposal_methods!(SqliteStore);
super::sessions::ticket_methods!(SqliteStore);
super::returns::return_methods!(SqliteStore);

#[async_trait]
impl Store for SqliteStore {
    async fn return_of_file(
        &self,
        draft: &DraftId,
        file_digest: &str,
        country: &pluma_core::Country,
    ) -> Result<Option<super::ReturnRecord>> {
        self.find_return_of_file(draft, file_digest, country).await
    }

    async fn begin_return(&self, r: &super::NewReturn, digests: &[String], stale_before: i64) -> Result<Vec<String>> {
        self.insert_return(r, digests, stale_before).await
    }

    async fn finish_return(&self, id: &crate::ids::ReturnId, report: Option<&str>, keep: &[String], now: i64) -> Result<()> {
        self.close_return(id, report, keep, now).await
    }

    async fn meeting(&self, id: &MeetingId) -> Result<Meeting> {
        self.find_meeting(id).await
    }

    async fn set_agenda(&self, meeting: &MeetingId, agenda_json: &str, now: i64) -> Result<()> {
        self.upsert_agenda(meeting, agenda_json, now).await
    }

    async fn agenda(&self, meeting: &MeetingId) -> Result<Option<String>> {
        self.find_agenda(meeting).await
    }

    async fn create_version(&self, version: &super::VersionRecord) -> Result<()> {
        self.insert_version(version).await
    }

    async fn versions(&self, draft: &DraftId) -> Result<Vec<super::VersionRecord>> {
        self.list_versions(draft).await
    }

    async fn version(&self, draft: &DraftId, id: &crate::ids::VersionId) -> Result<super::VersionRecord> {
        self.find_version(draft, id).await
    }

    async fn version_snapshot(&self, id: &crate::ids::VersionId) -> Result<Option<(i64, String)>> {
        self.find_version_snapshot(id).await
    }

    async fn put_version_snapshot(&self, id: &crate::ids::VersionId, format: i64, json: &str, now: i64) -> Result<()> {
        self.upsert_version_snapshot(id, format, json, now).await
    }

    async fn audit_page_of_country(
        &self,
        draft: &DraftId,
        country: &pluma_core::Country,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        self.read_audit_of_country(draft, country, before, limit).await
    }

    async fn workflow(&self, draft: &DraftId) -> Result<super::WorkflowRecord> {
        self.read_workflow(draft).await
    }

    async fn record_approval(
        &self,
        approval: &super::ApprovalRecord,
        version: &super::VersionRecord,
        audit: &[AuditEntry],
        now: i64,
    ) -> Result<()> {
        self.write_approval(approval, version, audit, now).await
    }

    async fn void_approvals(&self, voids: &[(crate::ids::ApprovalId, String)], audit: &[AuditEntry], now: i64) -> Result<()> {
        self.write_voids(voids, audit, now).await
    }

    async fn record_adoption(
        &self,
        adoption: &super::AdoptionRecord,
        version: &super::VersionRecord,
        audit: &[AuditEntry],
        now: i64,
    ) -> Result<bool> {
        self.write_adoption(adoption, version, audit, now).await
    }

    async fn start_silence(
        &self,
        silence: &super::SilenceRecord,
        version: Option<&super::VersionRecord>,
        audit: &[AuditEntry],
        now: i64,
    ) -> Result<()> {
        self.write_silence(silence, None, version, audit, now).await
    }

    async fn start_proposed_silence(
        &self,
        proposal: &crate::ids::SilenceProposalId,
        silence: &super::SilenceRecord,
        version: Option<&super::VersionRecord>,
        audit: &[AuditEntry],
        now: i64,
    ) -> Result<()> {
        self.write_silence(silence, Some(proposal), version, audit, now).await
    }

    async fn propose_silence(&self, proposal: &super::SilenceProposalRecord, audit: &[AuditEntry], now: i64) -> Result<()> {
        self.write_proposal(proposal, audit, now).await
    }

    async fn consent_to_silence(
        &self,
        proposal: &crate::ids::SilenceProposalId,
        country: &pluma_core::Country,
        audit: &[AuditEntry],
        now: i64,
    ) -> Result<bool> {
        self.write_consent(proposal, country, audit, now).await
    }

    async fn silence_minimum(&self, meeting: &MeetingId) -> Result<i64> {
        self.read_silence_minimum(meeting).await
    }

    async fn set_silence_minimum(&self, meeting: &MeetingId, ms: i64) -> Result<()> {
        self.write_silence_minimum(meeting, ms).await
    }

    async fn record_objection(
        &self,
        objection: &super::ObjectionRecord,
        audit: &[AuditEntry],
        now: i64,
    ) -> Result<super::ObjectionOutcome> {
        self.write_objection(objection, audit, now).await
    }

    async fn lapse_silence(&self, silence: &crate::ids::SilenceId, reason: &str, audit: &[AuditEntry], now: i64) -> Result<bool> {
        self.write_lapse(silence, reason, audit, now).await
    }

    async fn due_silences(&self, now: i64) -> Result<Vec<super::SilenceRecord>> {
        self.read_due_silences(now).await
    }

    async fn next_silence_deadline(&self) -> Result<Option<i64>> {
        self.read_next_deadline().await
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn health(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn storage_id(&self) -> Result<String> {
        sqlx::query("INSERT INTO server_meta (key, value) VALUES ('storage_id', $1) ON CONFLICT (key) DO NOTHING")
            .bind(uuid::Uuid::new_v4().to_string())
            .execute(&self.pool)
            .await?;
        let (id,): (String,) = sqlx::query_as("SELECT value FROM server_meta WHERE key = 'storage_id'").fetch_one(&self.pool).await?;
        Ok(id)
    }

    async fn create_user(&self, user: &NewUser, now: i64) -> Result<User> {
        let id = UserId::random();
        sqlx::query(
            "INSERT INTO users (id, login, display_name, role, country, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.as_str())
        .bind(&user.login)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(user.country.as_ref().map(|c| c.as_str()))
        .bind(&user.password_hash)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::unique(e, "login"))?;
        self.user(&id).await
    }

    async fn set_display_name_es(&self, id: &UserId, name: Option<&str>) -> Result<User> {
        let done =
            sqlx::query("UPDATE users SET display_name_es = $1 WHERE id = $2").bind(name).bind(id.as_str()).execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        self.user(id).await
    }

    async fn user_by_login(&self, login: &str) -> Result<Option<(User, String)>> {
        let row: Option<UserWithHashRow> =
            sqlx::query_as(concat!("SELECT ", user_columns!(), ", password_hash FROM users WHERE login = $1"))
                .bind(login)
                .fetch_optional(&self.pool)
                .await?;
        row.map(UserWithHashRow::into_pair).transpose()
    }

    async fn user(&self, id: &UserId) -> Result<User> {
        let row: Option<UserRow> = sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.ok_or(StoreError::NotFound("user"))?.into_user()
    }

    async fn users(&self) -> Result<Vec<User>> {
        let rows: Vec<UserRow> =
            sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users ORDER BY display_name, id")).fetch_all(&self.pool).await?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    async fn count_users(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
        Ok(n)
    }

    async fn create_session(&self, token_hash: &[u8], user: &UserId, now: i64, expires_at: i64) -> Result<()> {
        // Expired sessions are useless; dropping them here keeps the table small.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user.as_str())
            .bind(now)
            .bind(expires_at)
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::unique(e, "session"))?;
        Ok(())
    }

    async fn session_user(&self, token_hash: &[u8], now: i64) -> Result<Option<User>> {
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT u.id, u.login, u.display_name, u.display_name_es, u.role, u.country, u.created_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(UserRow::into_user).transpose()
    }

    async fn delete_session(&self, token_hash: &[u8]) -> Result<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }

    async fn live_sessions(&self, sessions: &[super::SessionHash], now: i64) -> Result<Vec<super::SessionHash>> {
        self.find_live_sessions(sessions, now).await
    }

    async fn create_ticket(
        &self,
        ticket_hash: &[u8],
        session: &super::SessionHash,
        user: &UserId,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        self.insert_ticket(ticket_hash, session, user, now, expires_at).await
    }

    async fn consume_ticket(&self, ticket_hash: &[u8], now: i64) -> Result<Option<super::TicketGrant>> {
        self.use_ticket(ticket_hash, now).await
    }

    async fn create_meeting(&self, meeting: &NewMeeting, now: i64) -> Result<Meeting> {
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
            insert_delegation(&mut tx, &meeting.id, d).await?;
        }
        tx.commit().await?;
        Ok(Meeting { id: meeting.id.clone(), name_en: meeting.name_en.clone(), name_es: meeting.name_es.clone(), created_at: now })
    }

    async fn meetings(&self) -> Result<Vec<Meeting>> {
        let rows: Vec<MeetingRow> =
            sqlx::query_as("SELECT id, name_en, name_es, created_at FROM meetings ORDER BY created_at, id").fetch_all(&self.pool).await?;
        rows.into_iter().map(MeetingRow::into_meeting).collect()
    }

    async fn delegations(&self, meeting: &MeetingId) -> Result<Vec<Delegation>> {
        let rows: Vec<DelegationRow> = sqlx::query_as(
            "SELECT code, name_en, name_es, conference, time_zone, is_ppt FROM delegations
             WHERE meeting_id = $1 ORDER BY code",
        )
        .bind(meeting.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(DelegationRow::into_delegation).collect()
    }

    async fn create_draft(&self, draft: &DraftRecord, snapshot: &[u8]) -> Result<()> {
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

    async fn draft(&self, id: &DraftId) -> Result<DraftRecord> {
        let row: Option<DraftRow> = sqlx::query_as(concat!("SELECT ", draft_columns!(), " FROM drafts WHERE id = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.ok_or(StoreError::NotFound("draft"))?.into_record()
    }

    async fn draft_by_document(&self, doc: &DocumentId) -> Result<DraftRecord> {
        let row: Option<DraftRow> = sqlx::query_as(concat!("SELECT ", draft_columns!(), " FROM drafts WHERE doc_id = $1"))
            .bind(doc.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.ok_or(StoreError::NotFound("document"))?.into_record()
    }

    async fn drafts(&self) -> Result<Vec<DraftRecord>> {
        let rows: Vec<DraftRow> =
            sqlx::query_as(concat!("SELECT ", draft_columns!(), " FROM drafts ORDER BY created_at, id")).fetch_all(&self.pool).await?;
        rows.into_iter().map(DraftRow::into_record).collect()
    }

    async fn actor_owners(&self, actors: &[String]) -> Result<Vec<(String, ActorOwner)>> {
        let json = serde_json::to_string(actors).map_err(|e| StoreError::corrupt("actor list", e))?;
        let rows: Vec<ActorRow> =
            sqlx::query_as("SELECT actor_id, user_id, country FROM actors WHERE actor_id IN (SELECT value FROM json_each($1))")
                .bind(json)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(ActorRow::into_pair).collect()
    }

    async fn append_changes(&self, requests: &[AppendRequest], now: i64) -> Result<Vec<AppendOutcome>> {
        self.write_changes(requests, now).await
    }

    async fn load_document(&self, doc: &DocumentId) -> Result<StoredDocument> {
        self.read_document(doc).await
    }

    async fn compact(&self, doc: &DocumentId, snapshot: &[u8], covered: &[i64], base: Option<i64>, now: i64) -> Result<Compaction> {
        self.write_compaction(doc, snapshot, covered, base, now).await
    }

    async fn log_index(&self, doc: &DocumentId) -> Result<LogIndex> {
        self.read_log_index(doc).await
    }

    async fn logged_changes(&self, doc: &DocumentId, hashes: &[[u8; 32]]) -> Result<Vec<(i64, Vec<u8>)>> {
        self.read_logged_changes(doc, hashes).await
    }

    /// One server per file: there is nobody to hear.
    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<Notice>> {
        None
    }

    fn feed(&self) -> Feed {
        Feed::Single
    }

    /// One server per file: nobody to tell.
    async fn announce_workflow(&self, _doc: &DocumentId) -> Result<()> {
        Ok(())
    }

    async fn logged_change_count(&self, doc: &DocumentId) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM changes WHERE doc_id = $1").bind(doc.as_str()).fetch_one(&self.pool).await?;
        Ok(n)
    }

    async fn append_audit(&self, entries: &[AuditEntry], now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        for entry in entries {
            super::audit::insert_entry!(&mut *tx, entry, now)?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn audit_after(&self, draft: &DraftId, after: i64, limit: i64) -> Result<Vec<AuditRecord>> {
        let rows: Vec<super::audit::Row> =
            sqlx::query_as(super::audit::AFTER).bind(draft.as_str()).bind(after).bind(limit).fetch_all(&self.pool).await?;
        rows.into_iter().map(super::audit::record).collect()
    }

    async fn audit_page(&self, draft: &DraftId, before: Option<i64>, limit: i64) -> Result<Vec<AuditRecord>> {
        let rows: Vec<super::audit::Row> = sqlx::query_as(super::audit::PAGE)
            .bind(draft.as_str())
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(super::audit::record).collect()
    }
}

async fn insert_delegation(conn: &mut SqliteConnection, meeting: &MeetingId, d: &Delegation) -> Result<()> {
    sqlx::query(
        "INSERT INTO delegations (meeting_id, code, name_en, name_es, conference, time_zone, is_ppt)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(meeting.as_str())
    .bind(d.code.as_str())
    .bind(&d.name_en)
    .bind(&d.name_es)
    .bind(d.conference.as_str())
    .bind(&d.time_zone)
    .bind(d.is_ppt)
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::unique(e, "delegation"))?;
    Ok(())
}
