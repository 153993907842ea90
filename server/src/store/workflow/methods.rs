//! [`WorkflowStore`] and the SQL both backends share for it (the statements are the same
//! on SQLite and PostgreSQL); `store/workflow.rs` holds the rows they read and write.

use async_trait::async_trait;

use super::{AdoptionRecord, ApprovalRecord, ObjectionOutcome, ObjectionRecord, SilenceRecord, WorkflowRecord};
use crate::ids::{ApprovalId, DraftId, SilenceId, SilenceProposalId};
use crate::store::{AuditEntry, Result, VersionRecord};

/// Approvals, adoption and silence procedures. Each method is one transaction.
#[async_trait]
pub trait WorkflowStore {
    /// Everything the workflow keeps about a draft (see [`crate::store::workflow`]).
    async fn workflow(&self, draft: &DraftId) -> Result<WorkflowRecord>;
    /// In one transaction: the version saved with an approval, the approval, its audit.
    async fn record_approval(&self, approval: &ApprovalRecord, version: &VersionRecord, audit: &[AuditEntry], now: i64) -> Result<()>;
    /// In one transaction: voids live approvals, each with its reason, and writes `audit`.
    async fn void_approvals(&self, voids: &[(ApprovalId, String)], audit: &[AuditEntry], now: i64) -> Result<()>;
    /// In one transaction: adopts a draft (version, adoption row, audit). With a silence
    /// procedure, claims it first (`running` and due, or nothing happens); without, closes
    /// a running one. `false`: not adopted here (already adopted, or another process
    /// claimed the procedure); nothing was written.
    async fn record_adoption(&self, adoption: &AdoptionRecord, version: &VersionRecord, audit: &[AuditEntry], now: i64) -> Result<bool>;
    /// In one transaction: starts a silence procedure (and saves its version, if new);
    /// `Conflict` if one is running for the draft.
    async fn start_silence(&self, silence: &SilenceRecord, version: Option<&VersionRecord>, audit: &[AuditEntry], now: i64) -> Result<()>;
    /// In one transaction: starts the silence procedure a proposal asked for, claiming the
    /// proposal (`Conflict` if it is no longer proposed, or a procedure is running).
    async fn start_proposed_silence(
        &self,
        proposal: &SilenceProposalId,
        silence: &SilenceRecord,
        version: Option<&VersionRecord>,
        audit: &[AuditEntry],
        now: i64,
    ) -> Result<()>;
    /// In one transaction: an objection breaks a running procedure whose deadline is after
    /// `now`, and is stored with its audit; otherwise nothing is written.
    async fn record_objection(&self, objection: &ObjectionRecord, audit: &[AuditEntry], now: i64) -> Result<ObjectionOutcome>;
    /// In one transaction: claims a due running procedure and ends it as lapsed with a
    /// reason; `false` if it was not running and due (another process had it).
    async fn lapse_silence(&self, silence: &SilenceId, reason: &str, audit: &[AuditEntry], now: i64) -> Result<bool>;
    /// Running procedures whose deadline is at or before `now`, earliest first.
    async fn due_silences(&self, now: i64) -> Result<Vec<SilenceRecord>>;
    /// The earliest deadline of a running procedure.
    async fn next_silence_deadline(&self) -> Result<Option<i64>>;
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

/// [`WorkflowStore`] for a backend whose struct has a `pool` field. Its writes are
/// conditional where they must happen once (see [`crate::store::workflow`]).
macro_rules! workflow_store {
    ($store:ty) => {
        impl $store {
            /// Starts a silence procedure, claiming the proposal that asked for it, if any.
            async fn write_silence(
                &self,
                s: &$crate::store::workflow::SilenceRecord,
                proposal: Option<&$crate::ids::SilenceProposalId>,
                version: Option<&$crate::store::VersionRecord>,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                if let Some(v) = version {
                    $crate::store::workflow::insert_version_on!(&mut *tx, v)?;
                }
                sqlx::query(
                    "INSERT INTO silence_procedures (id, draft_id, heads, version_id, deadline, state, started_by, country, concordance_override, settled_override, started_at)
                     VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8, $9, $10)",
                )
                .bind(s.id.as_str())
                .bind(s.draft_id.as_str())
                .bind($crate::store::workflow::join_heads(&s.heads))
                .bind(s.version_id.as_ref().map(|v| v.as_str()))
                .bind(s.deadline)
                .bind(s.started_by.as_ref().map(|u| u.as_str()))
                .bind(s.country.as_ref().map(|c| c.as_str()))
                .bind(s.concordance_override.as_deref())
                .bind(s.settled_override.as_deref())
                .bind(s.started_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "a running silence procedure for this draft"))?;
                if let Some(proposal) = proposal {
                    // The claim (after the row it names): only the transaction that moves the
                    // proposal on starts it.
                    let done = sqlx::query(
                        "UPDATE silence_proposals SET state = 'started', silence_id = $2, ended_at = $3 WHERE id = $1 AND state = 'proposed'",
                    )
                    .bind(proposal.as_str())
                    .bind(s.id.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        tx.rollback().await?;
                        return Err(StoreError::Conflict("a start of this silence proposal"));
                    }
                }
                for entry in audit {
                    $crate::store::audit::insert_entry!(&mut *tx, entry, now)?;
                }
                tx.commit().await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::WorkflowStore for $store {
            async fn workflow(&self, draft: &$crate::ids::DraftId) -> Result<$crate::store::workflow::WorkflowRecord> {
                use $crate::store::workflow as w;
                // One snapshot: a dashboard read while an adoption commits shows it whole.
                let mut tx = self.begin_snapshot().await?;
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
                let proposals: Vec<w::proposals::ProposalRow> =
                    sqlx::query_as(w::proposals::PROPOSALS).bind(draft.as_str()).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                Ok(w::WorkflowRecord {
                    approvals: approvals.into_iter().map(w::approval).collect::<Result<_>>()?,
                    silences: silences.into_iter().map(w::silence).collect::<Result<_>>()?,
                    objections: objections.into_iter().map(w::objection).collect::<Result<_>>()?,
                    adoption: adoption.map(w::adoption).transpose()?,
                    proposals: proposals.into_iter().map(w::proposals::proposal).collect::<Result<_>>()?,
                })
            }

            async fn record_approval(
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

            async fn void_approvals(
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

            async fn record_adoption(
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
                    "INSERT INTO adoptions (draft_id, heads, fingerprint, version_id, how, silence_id, concordance_override, settled_override, adopted_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (draft_id) DO NOTHING",
                )
                .bind(adoption.draft_id.as_str())
                .bind($crate::store::workflow::join_heads(&adoption.heads))
                .bind(&adoption.fingerprint)
                .bind(adoption.version_id.as_ref().map(|v| v.as_str()))
                .bind(&adoption.how)
                .bind(adoption.silence_id.as_ref().map(|s| s.as_str()))
                .bind(adoption.concordance_override.as_deref())
                .bind(adoption.settled_override.as_deref())
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

            async fn start_silence(
                &self,
                silence: &$crate::store::workflow::SilenceRecord,
                version: Option<&$crate::store::VersionRecord>,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<()> {
                self.write_silence(silence, None, version, audit, now).await
            }

            async fn start_proposed_silence(
                &self,
                proposal: &$crate::ids::SilenceProposalId,
                silence: &$crate::store::workflow::SilenceRecord,
                version: Option<&$crate::store::VersionRecord>,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<()> {
                self.write_silence(silence, Some(proposal), version, audit, now).await
            }

            async fn record_objection(
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

            async fn lapse_silence(
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

            async fn due_silences(&self, now: i64) -> Result<Vec<$crate::store::workflow::SilenceRecord>> {
                let rows: Vec<$crate::store::workflow::SilenceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM silence_procedures WHERE state = 'running' AND deadline <= $1 ORDER BY deadline, id",
                    $crate::store::workflow::SILENCE_COLUMNS
                )))
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::store::workflow::silence).collect()
            }

            async fn next_silence_deadline(&self) -> Result<Option<i64>> {
                let (next,): (Option<i64>,) =
                    sqlx::query_as("SELECT MIN(deadline) FROM silence_procedures WHERE state = 'running'")
                        .fetch_one(&self.pool)
                        .await?;
                Ok(next)
            }
        }
    };
}
pub(crate) use workflow_store;
