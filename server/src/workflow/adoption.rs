//! The one path to adoption, by both approvals or by an unbroken silence: the concordance
//! check (every paragraph's two texts confirmed, unless a chair overrides with a reason),
//! the certified fingerprint, the version "Adopted", and one transaction that records it
//! all — once per draft, whichever process gets there first.

use pluma_core::Draft;

use super::{Unconcordant, WorkflowError, auto_version, blocking, heads_hex, out_of_concordance, out_of_concordance_phrase};
use crate::ids::SilenceId;
use crate::model::{DraftRecord, User};
use crate::store::{AdoptionRecord, AuditAction, AuditEntry, Store};
use crate::sync::Held;
use crate::time::now_ms;

/// The label of the version saved at adoption.
pub const ADOPTED_LABEL: &str = "Adopted";

/// How the text is being adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// Both PPTs approved these heads; `by` made the last approval.
    Approvals,
    /// This silence procedure's deadline passed unbroken.
    Silence(SilenceId),
}

/// What came of an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Adopted now.
    Adopted(AdoptionRecord),
    /// Refused: these paragraphs are out of concordance and no chair overrode it.
    Blocked(Vec<Unconcordant>),
    /// Not adopted here: it already was, or another process claimed the silence procedure.
    NotHere,
}

/// What a chair decided when the text was approved or put under silence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// A reason to adopt with paragraphs out of concordance.
    pub concordance: Option<String>,
    /// A decision to adopt a text that is not settled (checked when it was given: the text
    /// is held, or frozen under silence, since).
    pub settled: Option<super::settled::OverrideRecord>,
}

/// Adopts the held text unless concordance blocks it. `by`: who triggered it (none for a
/// deadline). The caller keeps the document held throughout.
pub async fn adopt(
    store: &dyn Store,
    record: &DraftRecord,
    held: &Held,
    how: How,
    overrides: Overrides,
    by: Option<&User>,
) -> Result<Outcome, WorkflowError> {
    let override_reason = overrides.concordance;
    let bytes = held.bytes.clone();
    let (unconcordant, certified) = blocking(move || {
        let mut draft = Draft::load(&bytes).map_err(|e| WorkflowError::internal("loading a held draft", e))?;
        let unconcordant = out_of_concordance(&mut draft).map_err(|e| WorkflowError::internal("checking concordance", e))?;
        let certified = draft.certify().map_err(|e| WorkflowError::internal("computing a fingerprint", e))?;
        Ok::<_, WorkflowError>((unconcordant, certified))
    })
    .await?;
    if !unconcordant.is_empty() && override_reason.is_none() {
        return Ok(Outcome::Blocked(unconcordant));
    }
    let now = now_ms();
    let heads = heads_hex(&certified.heads);
    let version = auto_version(record, ADOPTED_LABEL.to_owned(), &heads, by, now);
    let adoption = AdoptionRecord {
        draft_id: record.id.clone(),
        heads: heads.clone(),
        fingerprint: certified.fingerprint.clone(),
        version_id: Some(version.id.clone()),
        how: match how {
            How::Approvals => "approvals".into(),
            How::Silence(_) => "silence".into(),
        },
        silence_id: match &how {
            How::Silence(id) => Some(id.clone()),
            How::Approvals => None,
        },
        concordance_override: override_reason.clone(),
        settled_override: overrides.settled.as_ref().map(|o| serde_json::to_string(o).unwrap_or_default()),
        adopted_at: now,
    };
    let mut detail = serde_json::json!({
        "how": adoption.how,
        "fingerprint": adoption.fingerprint,
        "heads": heads,
        "version": version.id,
        "silence": adoption.silence_id,
    });
    if let Some(reason) = &override_reason {
        detail["concordance_override"] = serde_json::json!({
            "reason": reason,
            "paragraphs": unconcordant,
            "note": format!("adopted although {}", out_of_concordance_phrase(&unconcordant)),
        });
    }
    if let Some(settled) = &overrides.settled {
        detail["settled_override"] = serde_json::json!(settled);
    }
    let audit = [AuditEntry {
        user: by.map(|u| u.id.clone()),
        country: by.and_then(|u| u.country.clone()),
        draft: Some(record.id.clone()),
        action: AuditAction::DraftAdopted,
        detail,
    }];
    if store.record_adoption(&adoption, &version, &audit, now).await? {
        tracing::info!(draft = %record.id, fingerprint = %adoption.fingerprint, how = %adoption.how, "adopted");
        Ok(Outcome::Adopted(adoption))
    } else {
        Ok(Outcome::NotHere)
    }
}

/// The audit entry of an adoption refused for concordance.
pub fn refused_entry(record: &DraftRecord, by: Option<&User>, unconcordant: &[Unconcordant], context: &str) -> AuditEntry {
    AuditEntry {
        user: by.map(|u| u.id.clone()),
        country: by.and_then(|u| u.country.clone()),
        draft: Some(record.id.clone()),
        action: AuditAction::AdoptionRefused,
        detail: serde_json::json!({
            "reason": out_of_concordance_phrase(unconcordant),
            "paragraphs": unconcordant,
            "context": context,
        }),
    }
}
