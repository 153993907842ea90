//! Proposed silence procedures and the meetings' minimum silence period (migration 0008):
//! [`SilenceProposalStore`], the rows and the SQL both backends share.
//!
//! A proposal leaves `proposed` once, by a conditional write checked by its row count:
//! started in the transaction that starts its procedure, or superseded by a newer
//! proposal. A consent is appended to `consents` only while the proposal is `proposed`.

use async_trait::async_trait;
use pluma_core::{Country, UserId};
use serde::Serialize;

use super::{parse, parse_opt, split_heads};
use crate::ids::{DraftId, MeetingId, SilenceId, SilenceProposalId, VersionId};
use crate::store::{AuditEntry, Result, StoreError};

/// Silence proposals and the consent of the Presidencies; the meetings' minimum period.
/// Each method is one transaction.
#[async_trait]
pub trait SilenceProposalStore {
    /// In one transaction: a silence proposal for its draft (superseding one still
    /// proposed) and its audit.
    async fn propose_silence(&self, proposal: &SilenceProposalRecord, audit: &[AuditEntry], now: i64) -> Result<()>;
    /// In one transaction: a PPT's consent to a proposal still proposed, and its audit;
    /// `false` (nothing written) if the proposal is no longer proposed.
    async fn consent_to_silence(&self, proposal: &SilenceProposalId, country: &Country, audit: &[AuditEntry], now: i64) -> Result<bool>;
    /// A meeting's minimum silence period, milliseconds; `NotFound` without the meeting.
    async fn silence_minimum(&self, meeting: &MeetingId) -> Result<i64>;
    /// Sets a meeting's minimum silence period; `NotFound` without the meeting.
    async fn set_silence_minimum(&self, meeting: &MeetingId, ms: i64) -> Result<()>;
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Waiting for the other Presidencies' consent.
    Proposed,
    /// Every Presidency consented: its procedure started.
    Started,
    /// A newer proposal replaced it.
    Superseded,
}

impl ProposalState {
    fn parse(s: &str) -> Result<ProposalState> {
        Ok(match s {
            "proposed" => ProposalState::Proposed,
            "started" => ProposalState::Started,
            "superseded" => ProposalState::Superseded,
            other => return Err(StoreError::corrupt("silence proposal state", other)),
        })
    }
}

/// A proposed silence procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SilenceProposalRecord {
    /// Stable id; an agreement names it.
    pub id: SilenceProposalId,
    /// The draft it would put under silence.
    pub draft_id: DraftId,
    /// The heads proposed for silence (hex): the procedure starts only on these.
    pub heads: Vec<String>,
    /// The version proposed, if the proposer named one.
    pub version_id: Option<VersionId>,
    /// The proposed deadline, unix milliseconds.
    pub deadline: i64,
    /// The proposer's reason to adopt although paragraphs are out of concordance.
    pub concordance_override: Option<String>,
    /// The proposer's decision to go ahead with a text that is not settled (JSON of
    /// [`crate::workflow::settled::OverrideRecord`]).
    pub settled_override: Option<String>,
    /// The chair who proposed it.
    pub proposed_by: UserId,
    /// Their delegation.
    pub country: Country,
    /// The PPT delegations that consented, the proposer's first.
    pub consents: Vec<Country>,
    /// Where it stands.
    pub state: ProposalState,
    /// The procedure it started.
    pub silence_id: Option<SilenceId>,
    /// Unix milliseconds.
    pub proposed_at: i64,
    /// When it left `proposed`.
    pub ended_at: Option<i64>,
}

pub(crate) const PROPOSALS: &str = "SELECT id, draft_id, heads, version_id, deadline, concordance_override, settled_override, proposed_by,
            country, consents, state, silence_id, proposed_at, ended_at
     FROM silence_proposals WHERE draft_id = $1 ORDER BY proposed_at, id";

pub(crate) type ProposalRow = (
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
);

pub(crate) fn proposal(row: ProposalRow) -> Result<SilenceProposalRecord> {
    let (
        id,
        draft_id,
        heads,
        version_id,
        deadline,
        concordance_override,
        settled_override,
        proposed_by,
        country,
        consents,
        state,
        silence_id,
        proposed_at,
        ended_at,
    ) = row;
    Ok(SilenceProposalRecord {
        id: parse("silence proposal id", id)?,
        draft_id: parse("silence proposal draft", draft_id)?,
        heads: split_heads(&heads),
        version_id: parse_opt("silence proposal version", version_id)?,
        deadline,
        concordance_override,
        settled_override,
        proposed_by: parse("silence proposal user", proposed_by)?,
        country: parse("silence proposal country", country)?,
        consents: consents.split_whitespace().map(|c| parse("silence consent", c.to_owned())).collect::<Result<_>>()?,
        state: ProposalState::parse(&state)?,
        silence_id: parse_opt("silence proposal procedure", silence_id)?,
        proposed_at,
        ended_at,
    })
}

/// [`SilenceProposalStore`] for a backend whose struct has a `pool` field.
macro_rules! proposal_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::SilenceProposalStore for $store {
            async fn propose_silence(
                &self,
                p: &$crate::store::workflow::SilenceProposalRecord,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE silence_proposals SET state = 'superseded', ended_at = $2 WHERE draft_id = $1 AND state = 'proposed'")
                    .bind(p.draft_id.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let consents: Vec<&str> = p.consents.iter().map(|c| c.as_str()).collect();
                sqlx::query(
                    "INSERT INTO silence_proposals (id, draft_id, heads, version_id, deadline, concordance_override, settled_override,
                                                    proposed_by, country, consents, state, proposed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'proposed', $11)",
                )
                .bind(p.id.as_str())
                .bind(p.draft_id.as_str())
                .bind($crate::store::workflow::join_heads(&p.heads))
                .bind(p.version_id.as_ref().map(|v| v.as_str()))
                .bind(p.deadline)
                .bind(p.concordance_override.as_deref())
                .bind(p.settled_override.as_deref())
                .bind(p.proposed_by.as_str())
                .bind(p.country.as_str())
                .bind(consents.join(" "))
                .bind(p.proposed_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "a silence proposal for this draft"))?;
                for entry in audit {
                    $crate::store::audit::insert_entry!(&mut *tx, entry, now)?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn consent_to_silence(
                &self,
                proposal: &$crate::ids::SilenceProposalId,
                country: &pluma_core::Country,
                audit: &[$crate::store::AuditEntry],
                now: i64,
            ) -> Result<bool> {
                let mut tx = self.pool.begin().await?;
                let done =
                    sqlx::query("UPDATE silence_proposals SET consents = consents || ' ' || $2 WHERE id = $1 AND state = 'proposed'")
                        .bind(proposal.as_str())
                        .bind(country.as_str())
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

            async fn silence_minimum(&self, meeting: &$crate::ids::MeetingId) -> Result<i64> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT silence_minimum_ms FROM meetings WHERE id = $1")
                    .bind(meeting.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|(ms,)| ms).ok_or(StoreError::NotFound("meeting"))
            }

            async fn set_silence_minimum(&self, meeting: &$crate::ids::MeetingId, ms: i64) -> Result<()> {
                let done = sqlx::query("UPDATE meetings SET silence_minimum_ms = $2 WHERE id = $1")
                    .bind(meeting.as_str())
                    .bind(ms)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("meeting"));
                }
                Ok(())
            }
        }
    };
}
pub(crate) use proposal_store;
