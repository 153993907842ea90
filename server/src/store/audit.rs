//! The audit log: [`AuditStore`], its rows and the SQL both backends share (the statements
//! are the same on SQLite and PostgreSQL; [`audit_store`] implements it for either).

use async_trait::async_trait;
use pluma_core::{Country, UserId};
use serde::Serialize;

use crate::ids::DraftId;
use crate::store::{Result, StoreError};

/// The audit log: appended to, read by page. Each method is one transaction.
#[async_trait]
pub trait AuditStore {
    /// Appends entries to the audit log, in one transaction.
    async fn append_audit(&self, entries: &[AuditEntry], now: i64) -> Result<()>;
    /// A page of a draft's audit log, newest first: entries with ids below `before` (all
    /// for `None`), at most `limit`.
    async fn audit_page(&self, draft: &DraftId, before: Option<i64>, limit: i64) -> Result<Vec<AuditRecord>>;
    /// A draft's audit entries with ids above `after`, oldest first, at most `limit`.
    async fn audit_after(&self, draft: &DraftId, after: i64, limit: i64) -> Result<Vec<AuditRecord>>;
    /// A page of a draft's audit log concerning one delegation (its own entries and those
    /// whose detail names it), newest first.
    async fn audit_page_of_country(&self, draft: &DraftId, country: &Country, before: Option<i64>, limit: i64) -> Result<Vec<AuditRecord>>;
}

/// What is audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A person signed in.
    SignIn,
    /// A sign-in was refused (wrong password or unknown login).
    SignInRefused,
    /// A draft was created.
    DraftCreated,
    /// Changes were accepted and stored (their hashes and a summary in the detail).
    ChangesAccepted,
    /// Proposals were accepted through the API.
    ProposalsAccepted,
    /// Proposals were rejected through the API.
    ProposalsRejected,
    /// Proposals were withdrawn by their country through the API.
    ProposalsWithdrawn,
    /// Changes were refused for breaking a rule.
    ViolationRefused,
    /// A chair changed a paragraph's status (a reason in the detail when it left `agreed`).
    ParagraphStatusChanged,
    /// The secretariat or a chair confirmed a paragraph's translation concordance.
    ConcordanceConfirmed,
    /// A PPT chair approved the text at given heads.
    ApprovalGiven,
    /// A change accepted after an approval voided it (the reason in the detail).
    ApprovalVoided,
    /// Both approvals, or an unbroken silence, adopted the text: it is locked.
    DraftAdopted,
    /// Adoption was refused (paragraphs out of concordance, no override).
    AdoptionRefused,
    /// A chair of a PPT proposed a silence procedure; it waits for the other Presidency.
    SilenceProposed,
    /// A chair of another PPT agreed to a proposed silence procedure.
    SilenceAgreed,
    /// Every Presidency agreed: the text is under a silence procedure.
    SilenceStarted,
    /// A delegation's objection broke the silence procedure.
    SilenceBroken,
    /// The deadline passed unbroken but the text could not be adopted.
    SilenceLapsed,
    /// An administrator changed a meeting's settings (its minimum silence period).
    MeetingChanged,
    /// A delegation's Word file was brought back as its proposals and comments (the return,
    /// the file's digest, who brought it and for whom in the detail).
    WordReturned,
}

impl AuditAction {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInRefused => "sign_in_refused",
            AuditAction::DraftCreated => "draft_created",
            AuditAction::ChangesAccepted => "changes_accepted",
            AuditAction::ProposalsAccepted => "proposals_accepted",
            AuditAction::ProposalsRejected => "proposals_rejected",
            AuditAction::ProposalsWithdrawn => "proposals_withdrawn",
            AuditAction::ViolationRefused => "violation_refused",
            AuditAction::ParagraphStatusChanged => "paragraph_status_changed",
            AuditAction::ConcordanceConfirmed => "concordance_confirmed",
            AuditAction::ApprovalGiven => "approval_given",
            AuditAction::ApprovalVoided => "approval_voided",
            AuditAction::DraftAdopted => "draft_adopted",
            AuditAction::AdoptionRefused => "adoption_refused",
            AuditAction::SilenceProposed => "silence_proposed",
            AuditAction::SilenceAgreed => "silence_agreed",
            AuditAction::SilenceStarted => "silence_started",
            AuditAction::SilenceBroken => "silence_broken",
            AuditAction::SilenceLapsed => "silence_lapsed",
            AuditAction::MeetingChanged => "meeting_changed",
            AuditAction::WordReturned => "word_returned",
        }
    }
}

/// One entry to append.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// The person, if known.
    pub user: Option<UserId>,
    /// Their delegation, if any.
    pub country: Option<Country>,
    /// The draft concerned, if any.
    pub draft: Option<DraftId>,
    /// What happened.
    pub action: AuditAction,
    /// Details, as JSON (never a password or a token).
    pub detail: serde_json::Value,
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRecord {
    /// Its position in the log (increasing).
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// The person.
    pub user: Option<String>,
    /// Their delegation.
    pub country: Option<String>,
    /// The draft the entry concerns (its id), if any.
    pub draft: Option<String>,
    /// What happened.
    pub action: String,
    /// Details.
    pub detail: serde_json::Value,
}

pub(crate) const INSERT: &str = "INSERT INTO audit_log (at, user_id, country, draft_id, action, detail) VALUES ($1, $2, $3, $4, $5, $6)";

pub(crate) const PAGE: &str = "SELECT id, at, user_id, country, draft_id, action, detail FROM audit_log
     WHERE draft_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3";

/// Entries of a draft newer than `$2`, oldest first, at most `$3` (a feed's forward page).
pub(crate) const AFTER: &str = "SELECT id, at, user_id, country, draft_id, action, detail FROM audit_log
     WHERE draft_id = $1 AND id > $2 ORDER BY id LIMIT $3";

/// [`PAGE`] narrowed to the entries concerning one delegation: its own, and those whose
/// detail names it (`"country":"MX"`, as the events of accepted proposals do). `$4` is the
/// code, `$5` the `LIKE` pattern.
pub(crate) const PAGE_OF_COUNTRY: &str = "SELECT id, at, user_id, country, draft_id, action, detail FROM audit_log
     WHERE draft_id = $1 AND id < $2 AND (country = $4 OR detail LIKE $5) ORDER BY id DESC LIMIT $3";

/// A row as read by [`PAGE`].
pub(crate) type Row = (i64, i64, Option<String>, Option<String>, Option<String>, String, String);

pub(crate) fn record(row: Row) -> Result<AuditRecord> {
    let (id, at, user, country, draft, action, detail) = row;
    let detail = serde_json::from_str(&detail).map_err(|e| StoreError::corrupt("audit detail", e))?;
    Ok(AuditRecord { id, at, user, country, draft, action, detail })
}

/// Binds an entry to [`INSERT`] and runs it on `conn`.
macro_rules! insert_entry {
    ($conn:expr, $entry:expr, $now:expr) => {{
        let e: &$crate::store::AuditEntry = $entry;
        sqlx::query($crate::store::audit::INSERT)
            .bind($now)
            .bind(e.user.as_ref().map(|u| u.as_str()))
            .bind(e.country.as_ref().map(|c| c.as_str()))
            .bind(e.draft.as_ref().map(|d| d.as_str()))
            .bind(e.action.as_str())
            .bind(e.detail.to_string())
            .execute($conn)
            .await
    }};
}
pub(crate) use insert_entry;

/// [`AuditStore`] for a backend whose struct has a `pool` field.
macro_rules! audit_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AuditStore for $store {
            async fn append_audit(&self, entries: &[$crate::store::AuditEntry], now: i64) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                for entry in entries {
                    $crate::store::audit::insert_entry!(&mut *tx, entry, now)?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn audit_after(&self, draft: &$crate::ids::DraftId, after: i64, limit: i64) -> Result<Vec<$crate::store::AuditRecord>> {
                let rows: Vec<$crate::store::audit::Row> =
                    sqlx::query_as($crate::store::audit::AFTER).bind(draft.as_str()).bind(after).bind(limit).fetch_all(&self.pool).await?;
                rows.into_iter().map($crate::store::audit::record).collect()
            }

            async fn audit_page(
                &self,
                draft: &$crate::ids::DraftId,
                before: Option<i64>,
                limit: i64,
            ) -> Result<Vec<$crate::store::AuditRecord>> {
                let rows: Vec<$crate::store::audit::Row> = sqlx::query_as($crate::store::audit::PAGE)
                    .bind(draft.as_str())
                    .bind(before.unwrap_or(i64::MAX))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map($crate::store::audit::record).collect()
            }

            async fn audit_page_of_country(
                &self,
                draft: &$crate::ids::DraftId,
                country: &pluma_core::Country,
                before: Option<i64>,
                limit: i64,
            ) -> Result<Vec<$crate::store::AuditRecord>> {
                let rows: Vec<$crate::store::audit::Row> = sqlx::query_as($crate::store::audit::PAGE_OF_COUNTRY)
                    .bind(draft.as_str())
                    .bind(before.unwrap_or(i64::MAX))
                    .bind(limit)
                    .bind(country.as_str())
                    .bind(format!("%\"country\":\"{}\"%", country.as_str()))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map($crate::store::audit::record).collect()
            }
        }
    };
}
pub(crate) use audit_store;
