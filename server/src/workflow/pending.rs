//! Pending proposals keep a text from being approved or put under silence. What the
//! Pro-Tempore Presidencies adopt is one text: a proposal that nobody accepted or rejected
//! would be in the export with tracked changes and not in the clean one, both stamped with
//! the same certified fingerprint, and the locked text would keep it open for ever.

use std::collections::BTreeMap;

use pluma_core::{Country, Draft, DraftError};

use crate::error::ApiError;

/// The pending proposals of the draft, counted per country (what the dashboard shows, too):
/// each proposal once, whole (a replacement with its counterpart is one; so is a proposed
/// new, deleted or moved paragraph).
pub fn by_country(draft: &mut Draft) -> Result<BTreeMap<Country, usize>, DraftError> {
    let mut counts = BTreeMap::new();
    for p in draft.proposals()? {
        *counts.entry(p.country).or_default() += 1;
    }
    Ok(counts)
}

/// A conflict naming the pending proposals, if the draft has any; `what` the text cannot
/// be yet ("approved", "put under silence").
pub fn refuse_if_any(draft: &mut Draft, what: &str) -> Result<(), ApiError> {
    let counts = by_country(draft).map_err(|e| ApiError::internal("listing pending proposals", e))?;
    if counts.is_empty() {
        return Ok(());
    }
    let total: usize = counts.values().sum();
    let each: Vec<String> = counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
    Err(ApiError::Conflict(format!(
        "the text still carries {total} pending proposal{s} ({each}): a chair or the secretariat accepts or rejects {them} before the text can be {what}",
        s = if total == 1 { "" } else { "s" },
        each = each.join(", "),
        them = if total == 1 { "it" } else { "each" },
    )))
}
