//! Where each change goes in the current text, found by the ids of the characters it was
//! made against (automerge keeps a character's id whatever is typed around it):
//! - a deletion covers its characters wherever they now are (several runs if others typed
//!   inside since); if any of them is gone, the paragraph was rewritten there since and the
//!   change is reported, not made;
//! - an insertion goes after the deleted characters, or else right after the character
//!   that preceded it, or right before the one that followed it; when both are gone, the
//!   words around it have changed and it is reported rather than guessed;
//! - a new paragraph follows the paragraph it followed in the file (the nearest earlier
//!   one still in the draft); a comment sits on the characters it covered.

use std::collections::HashMap;

use super::super::plan::Change;
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::{Lang, ParagraphId, SuggestionId, ThreadId};
use crate::schema::{Bilingual, NewParagraph, Stamp, Status};
use crate::view::CharId;

/// What placing a change made.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The paragraph it is in or about (a new paragraph's own id).
    pub paragraph: ParagraphId,
    /// The proposal made, if one was.
    pub proposal: Option<SuggestionId>,
    /// The comment thread opened, if one was.
    pub thread: Option<ThreadId>,
    /// The text deleted (or commented on), as it stands now.
    pub deleted: String,
}

/// Why a change was not made.
#[derive(Debug)]
pub(super) enum Refusal {
    /// It cannot be placed, for this reason (nothing was changed).
    Reason(String),
    /// Making it failed midway: the draft must be restored.
    Failed(DraftError),
}

impl From<DraftError> for Refusal {
    fn from(e: DraftError) -> Self {
        Refusal::Failed(e)
    }
}

fn refuse<T>(reason: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal::Reason(reason.into()))
}

/// The paragraph, checked to be there and open to proposals.
fn open_paragraph(draft: &mut Draft, paragraph: &ParagraphId) -> Result<(), Refusal> {
    match draft.peek().paragraph_fields(paragraph) {
        Ok(p) if p.status == Status::Agreed => refuse("the paragraph is agreed: it takes no proposal"),
        Ok(_) => Ok(()),
        Err(DraftError::UnknownParagraph(_)) => refuse("the paragraph has since been deleted"),
        Err(e) => Err(e.into()),
    }
}

/// Where each character of a paragraph's text is now.
fn positions(draft: &mut Draft, paragraph: &ParagraphId, lang: Lang) -> Result<(HashMap<CharId, usize>, Vec<char>), Refusal> {
    draft.commit();
    let view = draft.peek();
    let obj = view.text_obj(paragraph, lang)?;
    let ids = view.char_ids(&obj)?;
    let text: Vec<char> = view.text_of(&obj)?.chars().collect();
    Ok((ids.into_iter().enumerate().map(|(i, c)| (c, i)).collect(), text))
}

/// Contiguous runs of sorted positions.
fn runs(mut at: Vec<usize>) -> Vec<(usize, usize)> {
    at.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for p in at {
        match out.last_mut() {
            Some((_, e)) if *e == p => *e = p + 1,
            _ => out.push((p, p + 1)),
        }
    }
    out
}

/// Makes one change on the draft and commits it.
pub(super) fn place(draft: &mut Draft, change: &Change, lang: Lang, by: &Stamp, new: &[Option<ParagraphId>]) -> Result<Placed, Refusal> {
    let placed = match change {
        Change::Text { paragraph, deleted, deleted_text, inserted, after, before, .. } => {
            open_paragraph(draft, paragraph)?;
            text(draft, paragraph, lang, by, (deleted, deleted_text), inserted, (after, before))?
        }
        Change::NewParagraph { after, after_item, kind, text, .. } => {
            let follows = after_item.and_then(|i| new.get(i).cloned().flatten()).or_else(|| first_there(draft, after, None));
            let section = follows.as_ref().and_then(|p| draft.peek().paragraph_fields(p).ok()).and_then(|p| p.section);
            let escaped = crate::markdown::escape_markdown(text);
            let texts = match lang {
                Lang::En => Bilingual { en: escaped, es: String::new() },
                Lang::Es => Bilingual { en: String::new(), es: escaped },
            };
            let new = NewParagraph { kind: *kind, section, editors: Vec::new(), text: texts };
            let (id, proposal) = draft.propose_paragraph(follows.as_ref(), new, by)?;
            Placed { paragraph: id, proposal: Some(proposal), thread: None, deleted: String::new() }
        }
        Change::DeleteParagraph { paragraph, .. } => {
            open_paragraph(draft, paragraph)?;
            let proposal = draft.propose_paragraph_deletion(paragraph, by).or_else(reason)?;
            Placed { paragraph: paragraph.clone(), proposal: Some(proposal), thread: None, deleted: String::new() }
        }
        Change::MoveParagraph { paragraph, after, .. } => {
            open_paragraph(draft, paragraph)?;
            let follows = first_there(draft, after, Some(paragraph));
            let proposal = draft.propose_paragraph_move(paragraph, follows.as_ref(), by).or_else(reason)?;
            Placed { paragraph: paragraph.clone(), proposal: Some(proposal), thread: None, deleted: String::new() }
        }
        Change::Comment { paragraph, first, last, body, .. } => comment(draft, paragraph, lang, (first, last), body, by)?,
    };
    draft.commit();
    Ok(placed)
}

/// A paragraph proposal the draft refuses as asked (already there, a proposed new
/// paragraph): a reason, not a failure.
fn reason<T>(e: DraftError) -> Result<T, Refusal> {
    match e {
        DraftError::InvalidMove { reason, .. } => refuse(reason),
        DraftError::ParagraphAgreed(_) => refuse("the paragraph is agreed: it takes no proposal"),
        e => Err(Refusal::Failed(e)),
    }
}

/// The first of `candidates` the draft still has (other than `not`).
fn first_there(draft: &mut Draft, candidates: &[ParagraphId], not: Option<&ParagraphId>) -> Option<ParagraphId> {
    let view = draft.peek();
    candidates.iter().find(|p| Some(*p) != not && view.paragraph_obj(p).is_ok()).cloned()
}

fn text(
    draft: &mut Draft,
    paragraph: &ParagraphId,
    lang: Lang,
    by: &Stamp,
    (deleted, deleted_text): (&[CharId], &str),
    inserted: &str,
    (after, before): (&Option<CharId>, &Option<CharId>),
) -> Result<Placed, Refusal> {
    let (at, chars) = positions(draft, paragraph, lang)?;
    // A change is made on the very text it was made against, or not at all: half a
    // deletion, or a replacement of words someone has rewritten since, would propose what
    // the delegation never saw.
    let alive: Vec<usize> = deleted.iter().filter_map(|c| at.get(c).copied()).collect();
    if alive.len() < deleted.len() {
        let gone: String = deleted.iter().zip(deleted_text.chars()).filter(|(c, _)| !at.contains_key(*c)).map(|(_, ch)| ch).collect();
        let verb = if inserted.is_empty() { "deletes" } else { "replaces" };
        return refuse(format!("the text it {verb} has changed since: “{}” is no longer in the paragraph", gone.trim()));
    }
    let id = SuggestionId::for_country(&by.country);
    let mut runs = runs(alive);
    let now: String = runs.iter().flat_map(|&(s, e)| chars[s..e].iter()).collect();
    match runs.pop() {
        Some((s, e)) => {
            draft.suggest_replace(paragraph, lang, (s, e), inserted, by, Some(&id))?;
            for (s, e) in runs.into_iter().rev() {
                draft.suggest_replace(paragraph, lang, (s, e), "", by, Some(&id))?;
            }
        }
        None => {
            let pos = after
                .as_ref()
                .map(|c| at.get(c).map(|p| p + 1))
                .unwrap_or(Some(0))
                .or_else(|| before.as_ref().and_then(|c| at.get(c).copied()))
                .or_else(|| before.is_none().then_some(chars.len()));
            let Some(pos) = pos else {
                return refuse(format!("the words around it have changed since: “{inserted}” has no place to go"));
            };
            draft.suggest_insert_joining(paragraph, lang, pos, inserted, by, &id)?;
        }
    }
    Ok(Placed { paragraph: paragraph.clone(), proposal: Some(id), thread: None, deleted: now })
}

fn comment(
    draft: &mut Draft,
    paragraph: &ParagraphId,
    lang: Lang,
    (first, last): (&CharId, &CharId),
    body: &str,
    by: &Stamp,
) -> Result<Placed, Refusal> {
    if draft.peek().paragraph_obj(paragraph).is_err() {
        return refuse("the paragraph has since been deleted");
    }
    let (at, chars) = positions(draft, paragraph, lang)?;
    let (start, end) = match (at.get(first), at.get(last)) {
        (Some(&s), Some(&e)) if s <= e => (s, e + 1),
        (Some(&p), _) | (None, Some(&p)) => (p, p + 1),
        (None, None) => return refuse("the words it comments on are no longer in the paragraph"),
    };
    let thread = match draft.create_thread(paragraph, lang, start, end, body, by) {
        Ok(t) => t,
        Err(DraftError::InvalidComment(why)) => return refuse(why),
        Err(e) => return Err(e.into()),
    };
    let quote = chars[start..end].iter().collect();
    Ok(Placed { paragraph: paragraph.clone(), proposal: None, thread: Some(thread), deleted: quote })
}
