//! The negotiation workflow on the server (ARCHITECTURE §5): approval by both Pro-Tempore
//! Presidencies, adoption and its certified fingerprint, silence procedures, and the lock
//! they put on the text.
//!
//! - Which delegations hold a PPT is `delegations.is_ppt` of the draft's meeting; a chair
//!   of one of them approves for it.
//! - Workflow actions run while the document's task is **held** ([`hold`]): the task hands
//!   over its heads and bytes and handles no change until the action is done, so a decision
//!   ("both approvals are of the current heads") cannot race a change. The task then reloads
//!   its cached [`Lock`], which is what refuses every change to an adopted text or a text
//!   under silence.
//! - Everything that must happen once (adopting, a silence leaving `running`) is a
//!   conditional write checked by its row count, in the transaction that records its
//!   consequences; see [`crate::store::workflow`]. That holds across processes sharing one
//!   database.
//! - [`adoption`]: the one path to adoption (approvals or silence), with the concordance
//!   check and the fingerprint; [`silence`]: the deadline timer of `pluma serve`;
//!   [`deadline`]: reading and printing times.

pub mod adoption;
pub mod approval;
pub mod consent;
pub mod deadline;
mod error;
pub mod objection;
pub mod settled;
pub mod silence;
#[cfg(test)]
mod test_records;
pub mod timer;
pub mod view;

pub use error::WorkflowError;

use pluma_core::{Concordance, Country, Draft, DraftError, Label, ParagraphId, ParagraphKind};
use serde::Serialize;

use crate::app_state::AppState;
use crate::model::DraftRecord;
use crate::store::{Store, StoreError, VersionRecord};
pub use crate::sync::lock::{Lock, same_heads};
use crate::sync::{DocCommand, Held};

/// Heads as sorted hex strings.
pub fn heads_hex(heads: &[pluma_core::automerge::ChangeHash]) -> Vec<String> {
    let mut out: Vec<String> = heads.iter().map(ToString::to_string).collect();
    out.sort();
    out
}

/// Holds the draft's document for a workflow action (see the module docs). The hold ends
/// when the returned [`Held`] is dropped.
pub async fn hold(state: &AppState, record: &DraftRecord) -> Result<Held, WorkflowError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    state.hub.send(&record.doc_id, DocCommand::Hold { reply }).await.map_err(|_| WorkflowError::Unavailable)?;
    answer.await.map_err(|_| {
        tracing::error!(draft = %record.id, "the draft's document is unavailable");
        WorkflowError::Unavailable
    })
}

/// The PPT delegations of the draft's meeting (none without a meeting).
pub async fn ppt_countries(store: &dyn Store, record: &DraftRecord) -> Result<Vec<Country>, StoreError> {
    let Some(meeting) = &record.meeting_id else { return Ok(Vec::new()) };
    let mut out: Vec<Country> = store.delegations(meeting).await?.into_iter().filter(|d| d.is_ppt).map(|d| d.code).collect();
    out.sort();
    Ok(out)
}

/// A paragraph whose two texts are not confirmed to match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Unconcordant {
    /// Its number in reading order (headings are not numbered: `None`).
    pub number: Option<usize>,
    /// The paragraph's stable id, for clients that act on it.
    #[schema(value_type = String)]
    pub paragraph: ParagraphId,
    /// `out_of_concordance` (a text changed since it was confirmed) or `unconfirmed`.
    #[schema(value_type = String)]
    pub concordance: Concordance,
    /// How messages name it (`PP 3`, `OP 2`, a heading by its words); not in the API's
    /// fields, which stay as they were.
    #[serde(skip)]
    pub label: Label,
}

/// A paragraph in reading order: its number in the API's structured fields (every
/// paragraph but headings counted in reading order, as clients of the dashboard read it),
/// its label for messages ([`pluma_core::labels`]: what people read), and the paragraph.
#[derive(Debug, Clone)]
pub struct Numbered {
    /// Reading-order number; `None` for headings.
    pub number: Option<usize>,
    /// What messages call it.
    pub label: Label,
    /// The paragraph.
    pub paragraph: pluma_core::Paragraph,
}

/// Each paragraph in reading order with its number and label.
pub fn numbered(draft: &mut Draft) -> Result<Vec<Numbered>, DraftError> {
    let paragraphs = draft.paragraphs()?;
    let labels = pluma_core::labels::labels(&paragraphs);
    let mut n = 0;
    let mut out = Vec::with_capacity(paragraphs.len());
    for (paragraph, label) in paragraphs.into_iter().zip(labels) {
        let number = if paragraph.kind == ParagraphKind::Heading {
            None
        } else {
            n += 1;
            Some(n)
        };
        out.push(Numbered { number, label, paragraph });
    }
    Ok(out)
}

/// The paragraphs out of concordance. CPU work: call from the blocking pool.
pub fn out_of_concordance(draft: &mut Draft) -> Result<Vec<Unconcordant>, DraftError> {
    let mut out = Vec::new();
    for Numbered { number, label, paragraph } in numbered(draft)? {
        let concordance = draft.concordance(&paragraph.id)?;
        if concordance != Concordance::Confirmed {
            out.push(Unconcordant { number, paragraph: paragraph.id, concordance, label });
        }
    }
    Ok(out)
}

/// Says which paragraphs are out of concordance, naming them as the web client does:
/// "OP 2 is out of concordance", "PP 1, OP 3 and the heading "Objectives" are out of
/// concordance".
pub fn out_of_concordance_phrase(list: &[Unconcordant]) -> String {
    let names: Vec<String> = list.iter().map(|u| u.label.to_string()).collect();
    match names.as_slice() {
        [one] => format!("{one} is out of concordance"),
        [init @ .., last] => format!("{} and {last} are out of concordance", init.join(", ")),
        [] => "every paragraph is in concordance".to_owned(),
    }
}

/// The version a workflow action saves for the text at `heads`.
pub fn auto_version(record: &DraftRecord, label: String, heads: &[String], who: Option<&crate::model::User>, now: i64) -> VersionRecord {
    VersionRecord {
        id: crate::ids::VersionId::random(),
        draft_id: record.id.clone(),
        label,
        heads: heads.to_vec(),
        created_by: who.map(|u| u.id.clone()),
        country: who.and_then(|u| u.country.clone()),
        created_at: now,
    }
}

/// What an export of the draft prints about its adoption (`None` before adoption).
/// `version`: the exported version (`None`: the current text, which after adoption is the
/// adopted text).
pub async fn certification(
    store: &dyn Store,
    record: &DraftRecord,
    version: Option<&VersionRecord>,
) -> Result<Option<pluma_core::export::Certification>, StoreError> {
    let Some(adoption) = store.workflow(&record.id).await?.adoption else { return Ok(None) };
    let settled: Option<settled::OverrideRecord> = adoption.settled_override.as_deref().and_then(|json| serde_json::from_str(json).ok());
    Ok(Some(pluma_core::export::Certification {
        adopted_on: deadline::utc_display(adoption.adopted_at),
        fingerprint: adoption.fingerprint.clone(),
        is_adopted_text: version.is_none_or(|v| same_heads(&v.heads, &adoption.heads)),
        override_note: settled.map(|o| pluma_core::Bilingual { en: o.note(pluma_core::Lang::En), es: o.note(pluma_core::Lang::Es) }),
    }))
}

/// Runs CPU work on the blocking pool; a task that panicked is an internal error of `E`.
pub(crate) async fn blocking<T, E>(f: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: From<tokio::task::JoinError> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paragraphs out of concordance are named by label (PP n, OP n, a heading by its
    /// words), never by id.
    #[test]
    fn unconcordant_paragraphs_are_named() {
        let u =
            |label: Label| Unconcordant { number: Some(7), paragraph: "p1".parse().unwrap(), concordance: Concordance::Unconfirmed, label };
        assert_eq!(out_of_concordance_phrase(&[u(Label::Operative(2))]), "OP 2 is out of concordance");
        assert_eq!(
            out_of_concordance_phrase(&[u(Label::Preamble(1)), u(Label::Heading("Objectives".into())), u(Label::Operative(3))]),
            "PP 1, the heading \"Objectives\" and OP 3 are out of concordance"
        );
    }
}
