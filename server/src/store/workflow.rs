//! The workflow's rows (approvals, silence procedures, objections, adoptions) and the SQL
//! both backends share (the statements are the same on SQLite and PostgreSQL).
//!
//! Every state change that must happen once is a conditional write checked by its row
//! count, inside the transaction that records its consequences: a silence procedure leaves
//! `running` exactly once (broken by an objection before the deadline, or adopted or
//! lapsed at it, by whichever process claims it first), and a draft has at most one
//! adoption (its primary key).

use pluma_core::{Country, UserId};
use serde::Serialize;

use crate::ids::{ApprovalId, DraftId, ObjectionId, SilenceId, VersionId};
use crate::store::{Result, StoreError};

/// One PPT's approval of the text at `heads`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalRecord {
    /// Id.
    pub id: ApprovalId,
    /// The draft.
    pub draft_id: DraftId,
    /// The approving PPT delegation.
    pub country: Country,
    /// The chair who approved.
    pub user: UserId,
    /// The heads approved (hex).
    pub heads: Vec<String>,
    /// The version saved with the approval.
    pub version_id: Option<VersionId>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When a later change voided it.
    pub voided_at: Option<i64>,
    /// Why it was voided.
    pub void_reason: Option<String>,
}

/// Where a silence procedure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SilenceState {
    /// Until the deadline: the text is frozen.
    Running,
    /// A delegation objected before the deadline.
    Broken,
    /// The deadline passed unbroken and the text was adopted.
    Adopted,
    /// The deadline passed unbroken but adoption was refused (the reason is the outcome).
    Lapsed,
    /// The text was adopted by both approvals while the procedure ran.
    Closed,
}

impl SilenceState {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SilenceState::Running => "running",
            SilenceState::Broken => "broken",
            SilenceState::Adopted => "adopted",
            SilenceState::Lapsed => "lapsed",
            SilenceState::Closed => "closed",
        }
    }

    fn parse(s: &str) -> Result<SilenceState> {
        Ok(match s {
            "running" => SilenceState::Running,
            "broken" => SilenceState::Broken,
            "adopted" => SilenceState::Adopted,
            "lapsed" => SilenceState::Lapsed,
            "closed" => SilenceState::Closed,
            other => return Err(StoreError::corrupt("silence state", other)),
        })
    }
}

/// A silence procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SilenceRecord {
    /// Id.
    pub id: SilenceId,
    /// The draft.
    pub draft_id: DraftId,
    /// The heads under silence (hex).
    pub heads: Vec<String>,
    /// The version put under silence.
    pub version_id: Option<VersionId>,
    /// Unix milliseconds; objections are accepted strictly before it.
    pub deadline: i64,
    /// Where it stands.
    pub state: SilenceState,
    /// The chair who started it.
    pub started_by: Option<UserId>,
    /// Their delegation.
    pub country: Option<Country>,
    /// A chair's reason to adopt at the deadline although paragraphs are out of concordance.
    pub concordance_override: Option<String>,
    /// Unix milliseconds.
    pub started_at: i64,
    /// When it left `running`.
    pub ended_at: Option<i64>,
    /// How it ended, in words.
    pub outcome: Option<String>,
}

/// A written objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectionRecord {
    /// Id.
    pub id: ObjectionId,
    /// The procedure it broke.
    pub silence_id: SilenceId,
    /// Who objected.
    pub user: UserId,
    /// For which delegation.
    pub country: Country,
    /// The objection.
    pub body: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// The adoption of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdoptionRecord {
    /// The draft.
    pub draft_id: DraftId,
    /// The adopted heads (hex, sorted).
    pub heads: Vec<String>,
    /// The certified fingerprint (`pluma_core::fingerprint`), hex.
    pub fingerprint: String,
    /// The version "Adopted".
    pub version_id: Option<VersionId>,
    /// `approvals` or `silence`.
    pub how: String,
    /// The silence procedure that adopted it.
    pub silence_id: Option<SilenceId>,
    /// The chair's reason for adopting with paragraphs out of concordance.
    pub concordance_override: Option<String>,
    /// Unix milliseconds.
    pub adopted_at: i64,
}

/// Everything the workflow keeps about one draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorkflowRecord {
    /// Every approval, oldest first (voided ones included).
    pub approvals: Vec<ApprovalRecord>,
    /// Every silence procedure, oldest first.
    pub silences: Vec<SilenceRecord>,
    /// Every objection, oldest first.
    pub objections: Vec<ObjectionRecord>,
    /// The adoption, once adopted.
    pub adoption: Option<AdoptionRecord>,
}

impl WorkflowRecord {
    /// The running silence procedure, if any.
    pub fn running_silence(&self) -> Option<&SilenceRecord> {
        self.silences.iter().find(|s| s.state == SilenceState::Running)
    }

    /// Approvals not voided.
    pub fn live_approvals(&self) -> impl Iterator<Item = &ApprovalRecord> {
        self.approvals.iter().filter(|a| a.voided_at.is_none())
    }
}

/// What became of an objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectionOutcome {
    /// It broke the procedure.
    Broke,
    /// The procedure's deadline had passed (unix milliseconds).
    TooLate(i64),
    /// The procedure is no longer running.
    NotRunning(SilenceState),
}

/// Whether a document's draft is adopted or under a running silence procedure (a count,
/// 0 when not). Checked in every append transaction, so that a process whose cached
/// workflow state is stale (another process adopted the draft) still refuses changes.
pub(crate) const LOCKED: &str = "SELECT
       (SELECT COUNT(*) FROM adoptions a JOIN drafts d ON d.id = a.draft_id WHERE d.doc_id = $1)
     + (SELECT COUNT(*) FROM silence_procedures s JOIN drafts d ON d.id = s.draft_id WHERE d.doc_id = $1 AND s.state = 'running')";

pub(crate) fn join_heads(heads: &[String]) -> String {
    heads.join(" ")
}

fn split_heads(heads: &str) -> Vec<String> {
    heads.split_whitespace().map(str::to_owned).collect()
}

fn parse<T: std::str::FromStr>(what: &'static str, s: String) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| StoreError::corrupt(what, e))
}

fn parse_opt<T: std::str::FromStr>(what: &'static str, s: Option<String>) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    s.map(|s| parse(what, s)).transpose()
}

pub(crate) const APPROVALS: &str = "SELECT id, draft_id, country, user_id, heads, version_id, created_at, voided_at, void_reason
     FROM approvals WHERE draft_id = $1 ORDER BY created_at, id";

pub(crate) type ApprovalRow = (String, String, String, String, String, Option<String>, i64, Option<i64>, Option<String>);

pub(crate) fn approval(row: ApprovalRow) -> Result<ApprovalRecord> {
    let (id, draft_id, country, user, heads, version_id, created_at, voided_at, void_reason) = row;
    Ok(ApprovalRecord {
        id: parse("approval id", id)?,
        draft_id: parse("approval draft", draft_id)?,
        country: parse("approval country", country)?,
        user: parse("approval user", user)?,
        heads: split_heads(&heads),
        version_id: parse_opt("approval version", version_id)?,
        created_at,
        voided_at,
        void_reason,
    })
}

pub(crate) const SILENCE_COLUMNS: &str = "id, draft_id, heads, version_id, deadline, state, started_by, country, concordance_override, started_at, ended_at, outcome";

pub(crate) type SilenceRow = (
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<String>,
);

pub(crate) fn silence(row: SilenceRow) -> Result<SilenceRecord> {
    let (id, draft_id, heads, version_id, deadline, state, started_by, country, concordance_override, started_at, ended_at, outcome) = row;
    Ok(SilenceRecord {
        id: parse("silence id", id)?,
        draft_id: parse("silence draft", draft_id)?,
        heads: split_heads(&heads),
        version_id: parse_opt("silence version", version_id)?,
        deadline,
        state: SilenceState::parse(&state)?,
        started_by: parse_opt("silence user", started_by)?,
        country: parse_opt("silence country", country)?,
        concordance_override,
        started_at,
        ended_at,
        outcome,
    })
}

pub(crate) const OBJECTIONS: &str = "SELECT o.id, o.silence_id, o.user_id, o.country, o.body, o.created_at
     FROM silence_objections o JOIN silence_procedures s ON s.id = o.silence_id
     WHERE s.draft_id = $1 ORDER BY o.created_at, o.id";

pub(crate) type ObjectionRow = (String, String, String, String, String, i64);

pub(crate) fn objection(row: ObjectionRow) -> Result<ObjectionRecord> {
    let (id, silence_id, user, country, body, created_at) = row;
    Ok(ObjectionRecord {
        id: parse("objection id", id)?,
        silence_id: parse("objection silence", silence_id)?,
        user: parse("objection user", user)?,
        country: parse("objection country", country)?,
        body,
        created_at,
    })
}

pub(crate) const ADOPTION: &str = "SELECT draft_id, heads, fingerprint, version_id, how, silence_id, concordance_override, adopted_at
     FROM adoptions WHERE draft_id = $1";

pub(crate) type AdoptionRow = (String, String, String, Option<String>, String, Option<String>, Option<String>, i64);

pub(crate) fn adoption(row: AdoptionRow) -> Result<AdoptionRecord> {
    let (draft_id, heads, fingerprint, version_id, how, silence_id, concordance_override, adopted_at) = row;
    Ok(AdoptionRecord {
        draft_id: parse("adoption draft", draft_id)?,
        heads: split_heads(&heads),
        fingerprint,
        version_id: parse_opt("adoption version", version_id)?,
        how,
        silence_id: parse_opt("adoption silence", silence_id)?,
        concordance_override,
        adopted_at,
    })
}

/// Inserts a version on `conn` (inside the caller's transaction).
macro_rules! insert_version_on {
    ($conn:expr, $v:expr) => {{
        let v: &$crate::store::VersionRecord = $v;
        sqlx::query($crate::store::versions::INSERT)
            .bind(v.id.as_str())
            .bind(v.draft_id.as_str())
            .bind(&v.label)
            .bind(v.heads.join(" "))
            .bind(v.created_by.as_ref().map(|u| u.as_str()))
            .bind(v.country.as_ref().map(|c| c.as_str()))
            .bind(v.created_at)
            .execute($conn)
            .await
            .map_err(|e| StoreError::unique(e, "version"))
    }};
}
pub(crate) use insert_version_on;

/// The workflow queries as inherent methods of a backend whose struct has a `pool` field;
/// its `Store` methods call them (as for versions: `async_trait` cannot see into a macro).
macro_rules! workflow_methods {
    ($store:ty) => {
        impl $store {
            pub(crate) async fn read_workflow(&self, draft: &DraftId) -> Result<$crate::store::workflow::WorkflowRecord> {
                use $crate::store::workflow as w;
                let mut tx = self.pool.begin().await?;
                let approvals: Vec<w::ApprovalRow> = sqlx::query_as(w::APPROVALS).bind(draft.as_str()).fetch_all(&mut *tx).await?;
                let silences: Vec<w::SilenceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM silence_procedures WHERE draft_id = $1 ORDER BY started_at, id",
                    w::SILENCE_COLUMNS
                )))
                .bind(draft.as_str())
                .fetch_all(&mut *tx)
                .await?;
                let objections: Vec<w::ObjectionRow> = sqlx::query_as(w::OBJECTIONS).bind(draft.as_str()).fetch_all(&mut *tx).await?;
                let adoption: Option<w::AdoptionRow> = sqlx::query_as(w::ADOPTION).bind(draft.as_str()).fetch_optional(&mut *tx).await?;
                tx.commit().await?;
                Ok(w::WorkflowRecord {
                    approvals: approvals.into_iter().map(w::approval).collect::<Result<_>>()?,
                    silences: silences.into_iter().map(w::silence).collect::<Result<_>>()?,
                    objections: objections.into_iter().map(w::objection).collect::<Result<_>>()?,
                    adoption: adoption.map(w::adoption).transpose()?,
                })
            }

            pub(crate) async fn write_approval(
                &self,
                a: &$crate::store::workflow::ApprovalRecord,
                version: &$crate::store::VersionRecord,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                $crate::store::workflow::insert_version_on!(&mut *tx, version)?;
                sqlx::query(
                    "INSERT INTO approvals (id, draft_id, country, user_id, heads, version_id, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(a.id.as_str())
                .bind(a.draft_id.as_str())
                .bind(a.country.as_str())
                .bind(a.user.as_str())
                .bind($crate::store::workflow::join_heads(&a.heads))
                .bind(a.version_id.as_ref().map(|v| v.as_str()))
                .bind(a.created_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "approval"))?;
                for entry in audit {
                    $crate::store::audit::insert_entry!(&mut *tx, entry, now)?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn write_voids(
                &self,
                voids: &[($crate::ids::ApprovalId, String)],
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                for (id, reason) in voids {
                    sqlx::query("UPDATE approvals SET voided_at = $2, void_reason = $3 WHERE id = $1 AND voided_at IS NULL")
                        .bind(id.as_str())
                        .bind(now)
                        .bind(reason)
                        .execute(&mut *tx)
                        .await?;
                }
                for entry in audit {
                    $crate::store::audit::insert_entry!(&mut *tx, entry, now)?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn write_adoption(
                &self,
                adoption: &$crate::store::workflow::AdoptionRecord,
                version: &$crate::store::VersionRecord,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<bool> {
                let mut tx = self.pool.begin().await?;
                match &adoption.silence_id {
                    // The claim: only the process whose UPDATE changes the row adopts.
                    Some(silence) => {
                        let done = sqlx::query(
                            "UPDATE silence_procedures SET state = 'adopted', ended_at = $2, outcome = $3
                             WHERE id = $1 AND state = 'running' AND deadline <= $2",
                        )
                        .bind(silence.as_str())
                        .bind(now)
                        .bind("the deadline passed without objection: the text was adopted")
                        .execute(&mut *tx)
                        .await?;
                        if done.rows_affected() != 1 {
                            tx.rollback().await?;
                            return Ok(false);
                        }
                    }
                    None => {
                        sqlx::query(
                            "UPDATE silence_procedures SET state = 'closed', ended_at = $2, outcome = $3
                             WHERE draft_id = $1 AND state = 'running'",
                        )
                        .bind(adoption.draft_id.as_str())
                        .bind(now)
                        .bind("both Pro-Tempore Presidencies approved the text: it was adopted")
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                $crate::store::workflow::insert_version_on!(&mut *tx, version)?;
                let done = sqlx::query(
                    "INSERT INTO adoptions (draft_id, heads, fingerprint, version_id, how, silence_id, concordance_override, adopted_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (draft_id) DO NOTHING",
                )
                .bind(adoption.draft_id.as_str())
                .bind($crate::store::workflow::join_heads(&adoption.heads))
                .bind(&adoption.fingerprint)
                .bind(adoption.version_id.as_ref().map(|v| v.as_str()))
                .bind(&adoption.how)
                .bind(adoption.silence_id.as_ref().map(|s| s.as_str()))
                .bind(adoption.concordance_override.as_deref())
                .bind(adoption.adopted_at)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                for entry in audit {
                    $crate::store::audit::insert_entry!(&mut *tx, entry, now)?;
                }
                tx.commit().await?;
                Ok(true)
            }

            pub(crate) async fn write_silence(
                &self,
                s: &$crate::store::workflow::SilenceRecord,
                version: Option<&$crate::store::VersionRecord>,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                if let Some(v) = version {
                    $crate::store::workflow::insert_version_on!(&mut *tx, v)?;
                }
                sqlx::query(
                    "INSERT INTO silence_procedures (id, draft_id, heads, version_id, deadline, state, started_by, country, concordance_override, started_at)
                     VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8, $9)",
                )
                .bind(s.id.as_str())
                .bind(s.draft_id.as_str())
                .bind($crate::store::workflow::join_heads(&s.heads))
                .bind(s.version_id.as_ref().map(|v| v.as_str()))
                .bind(s.deadline)
                .bind(s.started_by.as_ref().map(|u| u.as_str()))
                .bind(s.country.as_ref().map(|c| c.as_str()))
                .bind(s.concordance_override.as_deref())
                .bind(s.started_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "a running silence procedure for this draft"))?;
                for entry in audit {
                    $crate::store::audit::insert_entry!(&mut *tx, entry, now)?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn write_objection(
                &self,
                o: &$crate::store::workflow::ObjectionRecord,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<$crate::store::workflow::ObjectionOutcome> {
                use $crate::store::workflow::ObjectionOutcome;
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE silence_procedures SET state = 'broken', ended_at = $2, outcome = $3
                     WHERE id = $1 AND state = 'running' AND deadline > $2",
                )
                .bind(o.silence_id.as_str())
                .bind(now)
                .bind(format!("broken by an objection of {}", o.country))
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    let (state, deadline): (String, i64) =
                        sqlx::query_as("SELECT state, deadline FROM silence_procedures WHERE id = $1")
                            .bind(o.silence_id.as_str())
                            .fetch_one(&mut *tx)
                            .await?;
                    tx.rollback().await?;
                    let state = $crate::store::workflow::SilenceState::parse_stored(&state)?;
                    return Ok(if state == $crate::store::workflow::SilenceState::Running {
                        ObjectionOutcome::TooLate(deadline)
                    } else {
                        ObjectionOutcome::NotRunning(state)
                    });
                }
                sqlx::query(
                    "INSERT INTO silence_objections (id, silence_id, user_id, country, body, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(o.id.as_str())
                .bind(o.silence_id.as_str())
                .bind(o.user.as_str())
                .bind(o.country.as_str())
                .bind(&o.body)
                .bind(o.created_at)
                .execute(&mut *tx)
                .await?;
                for entry in audit {
                    $crate::store::audit::insert_entry!(&mut *tx, entry, now)?;
                }
                tx.commit().await?;
                Ok(ObjectionOutcome::Broke)
            }

            pub(crate) async fn write_lapse(
                &self,
                silence: &$crate::ids::SilenceId,
                reason: &str,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<bool> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE silence_procedures SET state = 'lapsed', ended_at = $2, outcome = $3
                     WHERE id = $1 AND state = 'running' AND deadline <= $2",
                )
                .bind(silence.as_str())
                .bind(now)
                .bind(reason)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                for entry in audit {
                    $crate::store::audit::insert_entry!(&mut *tx, entry, now)?;
                }
                tx.commit().await?;
                Ok(true)
            }

            pub(crate) async fn read_due_silences(&self, now: i64) -> Result<Vec<$crate::store::workflow::SilenceRecord>> {
                let rows: Vec<$crate::store::workflow::SilenceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM silence_procedures WHERE state = 'running' AND deadline <= $1 ORDER BY deadline, id",
                    $crate::store::workflow::SILENCE_COLUMNS
                )))
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::store::workflow::silence).collect()
            }

            pub(crate) async fn read_next_deadline(&self) -> Result<Option<i64>> {
                let (next,): (Option<i64>,) =
                    sqlx::query_as("SELECT MIN(deadline) FROM silence_procedures WHERE state = 'running'")
                        .fetch_one(&self.pool)
                        .await?;
                Ok(next)
            }

            pub(crate) async fn read_audit_of_country(
                &self,
                draft: &DraftId,
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
pub(crate) use workflow_methods;

impl SilenceState {
    /// Parses a stored state (for the backends' macro).
    pub(crate) fn parse_stored(s: &str) -> Result<SilenceState> {
        SilenceState::parse(s)
    }
}
