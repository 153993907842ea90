//! A negotiated text is adopted when everything in it is agreed. Approval, a silence
//! procedure and adoption are refused while any paragraph is open or bracketed, or agreed
//! ad referendum, or while any proposal (of text or of a whole paragraph) is pending: a
//! proposal that nobody accepted or rejected would be in the tracked export and not in the
//! clean one, under one certified fingerprint, and the locked text would keep it open for
//! ever.
//!
//! A chair who must go ahead anyway gives a [`SettledOverride`]: a reason, recorded in the
//! audit log and printed with the fingerprint on every export, and, to count paragraphs
//! agreed ad referendum as agreed, says so in the same override.

use std::collections::BTreeMap;

use pluma_core::{Country, Draft, DraftError, Lang, Status};
use serde::{Deserialize, Serialize};

use super::WorkflowError;

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

/// A chair's decision to approve, put under silence or adopt a text that is not settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettledOverride {
    /// Why the text goes ahead as it is (1 to 2,000 characters).
    pub reason: String,
    /// Whether paragraphs agreed ad referendum count as agreed.
    #[serde(default)]
    pub ad_referendum_agreed: bool,
}

/// Pending proposals of one delegation in one paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PendingCount {
    /// The proposing delegation.
    #[schema(value_type = String)]
    pub country: Country,
    /// How many of its proposals are pending there.
    pub count: usize,
}

/// A paragraph that stands in the way of adoption, named as the web client names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Unsettled {
    /// The paragraph's id.
    #[schema(value_type = String)]
    pub paragraph: pluma_core::ParagraphId,
    /// Its label in both languages (`OP 2` / `PO 2`; a heading or question by its words).
    #[schema(value_type = Object)]
    pub label: pluma_core::Bilingual<String>,
    /// Its status.
    #[schema(value_type = String)]
    pub status: Status,
    /// The proposals pending in or about it, per delegation.
    pub pending: Vec<PendingCount>,
}

impl Unsettled {
    /// Whether the paragraph's status keeps it from adoption (whatever its proposals).
    fn status_unsettled(&self, ad_referendum_agreed: bool) -> bool {
        match self.status {
            Status::Open | Status::Bracketed => true,
            Status::AgreedAdRef => !ad_referendum_agreed,
            Status::Agreed => false,
        }
    }

    /// The paragraph in words: "OP 2 is bracketed", "OP 5 bis has 1 pending proposal (PE 1)".
    fn phrase(&self) -> String {
        let status = match self.status {
            Status::Open => Some("is open"),
            Status::Bracketed => Some("is bracketed"),
            Status::AgreedAdRef => Some("is agreed ad referendum"),
            Status::Agreed => None,
        };
        let total: usize = self.pending.iter().map(|p| p.count).sum();
        let pending = (total > 0).then(|| {
            let each: Vec<String> = self.pending.iter().map(|p| format!("{} {}", p.country, p.count)).collect();
            format!("has {total} pending proposal{} ({})", if total == 1 { "" } else { "s" }, each.join(", "))
        });
        let what = match (status, pending) {
            (Some(s), Some(p)) => format!("{s} and {p}"),
            (Some(s), None) => s.to_owned(),
            (None, Some(p)) => p,
            (None, None) => "is settled".to_owned(),
        };
        format!("{} {what}", self.label.en)
    }
}

/// Every paragraph that is not settled, in reading order: its status is not agreed (agreed
/// ad referendum counts as agreed with `ad_referendum_agreed`), or proposals are pending in
/// or about it.
pub fn unsettled(draft: &mut Draft, ad_referendum_agreed: bool) -> Result<Vec<Unsettled>, DraftError> {
    let view = draft.view();
    let mut pending: BTreeMap<pluma_core::ParagraphId, BTreeMap<Country, usize>> = BTreeMap::new();
    for p in view.proposals()? {
        *pending.entry(p.paragraph).or_default().entry(p.country).or_default() += 1;
    }
    let mut out = Vec::new();
    for (id, _, label) in view.labels()? {
        let status = view.paragraph(&id)?.status;
        let name = |lang: Lang| label.short(lang).unwrap_or_else(|| label.to_string());
        let u = Unsettled {
            label: pluma_core::Bilingual { en: name(Lang::En), es: name(Lang::Es) },
            status,
            pending: pending.remove(&id).unwrap_or_default().into_iter().map(|(country, count)| PendingCount { country, count }).collect(),
            paragraph: id,
        };
        if u.status_unsettled(ad_referendum_agreed) || !u.pending.is_empty() {
            out.push(u);
        }
    }
    Ok(out)
}

/// What goes on record when a chair goes ahead with a text that is not settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideRecord {
    /// The chair's reason.
    pub reason: String,
    /// Whether paragraphs agreed ad referendum were counted as agreed.
    pub ad_referendum_agreed: bool,
    /// What was not settled, in words (`OP 2 is bracketed; …`).
    pub unsettled: String,
}

impl OverrideRecord {
    /// The note printed with the fingerprint on every export.
    pub fn note(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("adopted by a chair's decision although {}: {}", self.unsettled, self.reason),
            Lang::Es => format!("adoptado por decisión de la Presidencia aunque {}: {}", self.unsettled, self.reason),
        }
    }
}

/// The longest override reason accepted, in characters.
const MAX_REASON_CHARS: usize = 2_000;

/// Refuses (409, naming every unsettled paragraph) unless the text is settled or a chair's
/// `override` covers what is not. `what` the text cannot be yet ("approved", "put under
/// silence", "adopted"). Returns the override's record when one was needed.
pub fn check(draft: &mut Draft, over: Option<&SettledOverride>, what: &str) -> Result<Option<OverrideRecord>, WorkflowError> {
    if let Some(o) = over {
        let reason = o.reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(WorkflowError::Invalid(format!("settled_override.reason must say why, in 1 to {MAX_REASON_CHARS} characters")));
        }
    }
    let list = unsettled(draft, false).map_err(|e| WorkflowError::internal("reading the paragraphs' statuses", e))?;
    if list.is_empty() {
        return Ok(None);
    }
    let phrase = list.iter().map(Unsettled::phrase).collect::<Vec<_>>().join("; ");
    match over {
        // An override decides for open and bracketed paragraphs and pending proposals; a
        // paragraph agreed ad referendum counts as agreed only when the chair says so.
        Some(o) if !list.iter().any(|u| u.status == Status::AgreedAdRef) || o.ad_referendum_agreed => {
            Ok(Some(OverrideRecord { reason: o.reason.trim().to_owned(), ad_referendum_agreed: o.ad_referendum_agreed, unsettled: phrase }))
        }
        Some(_) => {
            let names: Vec<&str> = list.iter().filter(|u| u.status == Status::AgreedAdRef).map(|u| u.label.en.as_str()).collect();
            Err(WorkflowError::Unsettled {
                message: format!(
                    "the text cannot be {what}: {} agreed ad referendum; say so in settled_override (ad_referendum_agreed) to count {} as agreed",
                    names.join(", "),
                    if names.len() == 1 { "it" } else { "them" }
                ),
                unsettled: list,
            })
        }
        None => Err(WorkflowError::Unsettled {
            message: format!(
                "the text cannot be {what} until every paragraph is agreed and no proposal is pending: {phrase}; a chair who must go ahead gives settled_override with a reason"
            ),
            unsettled: list,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsettled_paragraph_in_words() {
        let u = Unsettled {
            paragraph: "p1".parse().unwrap_or_else(|_| unreachable!()),
            label: pluma_core::Bilingual { en: "OP 5 bis".into(), es: "PO 5 bis".into() },
            status: Status::Open,
            pending: vec![PendingCount { country: "PE".parse().unwrap_or_else(|_| unreachable!()), count: 1 }],
        };
        assert_eq!(u.phrase(), "OP 5 bis is open and has 1 pending proposal (PE 1)");
        assert!(u.status_unsettled(true));
        let adref = Unsettled { status: Status::AgreedAdRef, pending: vec![], ..u };
        assert_eq!(adref.phrase(), "OP 5 bis is agreed ad referendum");
        assert!(adref.status_unsettled(false) && !adref.status_unsettled(true));
    }
}
