//! Placing a [`Plan`] on the current text, as the returning delegation's proposals and
//! comments (see [`place`] for where each goes), each checked with the permission rules
//! as the returning delegation: one the rules refuse is reported and undone, the others
//! stand. The changes made are returned for the caller to store.

mod place;

use std::collections::HashSet;

use automerge::AutoCommit;

use super::ReturnError;
use super::plan::{Change, Plan};
use super::report::{MadeKind, NotPlaced, Report};
use crate::draft::Draft;
use crate::export::docx::DocxMode;
use crate::ids::ParagraphId;
use crate::rules::Who;
use crate::schema::Stamp;

pub use place::Placed;

/// What [`apply`] needs besides the draft and the plan.
#[derive(Debug, Clone)]
pub struct ApplyOptions<'a> {
    /// The returning delegation's proposals are made in this name: the person (a delegate
    /// of it, or the secretariat acting for it), the delegation, the time.
    pub by: &'a Stamp,
    /// The person as the permission rules judge them: with the returning delegation's
    /// country and a delegate's rights.
    pub who: &'a Who,
    /// Digests of changes an earlier return already made: these are not made again.
    pub skip: &'a HashSet<String>,
}

/// The outcome.
#[derive(Debug, Clone)]
pub struct Applied {
    /// What was done, for the person who brought the file back.
    pub report: Report,
    /// The automerge changes that make it, to store (empty when nothing was made).
    pub changes: Vec<automerge::Change>,
    /// The digests of the changes made.
    pub made: Vec<String>,
}

fn mode_name(mode: DocxMode) -> String {
    match mode {
        DocxMode::Clean => "clean".into(),
        DocxMode::Tracked => "tracked".into(),
    }
}

/// The paragraph a change is about and a description of it, for the report.
fn describe(change: &Change) -> (Option<&ParagraphId>, String, String) {
    match change {
        Change::Text { paragraph, deleted_text, inserted, .. } => {
            let what = match (deleted_text.is_empty(), inserted.is_empty()) {
                (true, _) => format!("insertion of “{inserted}”"),
                (false, true) => format!("deletion of “{deleted_text}”"),
                (false, false) => format!("replacement of “{deleted_text}” by “{inserted}”"),
            };
            (Some(paragraph), what, format!("{deleted_text}{}{inserted}", if deleted_text.is_empty() { "" } else { " → " }))
        }
        Change::NewParagraph { after, text, .. } => (after.first(), "a new paragraph".into(), text.clone()),
        Change::DeleteParagraph { paragraph, text, .. } => (Some(paragraph), "the paragraph's deletion".into(), text.clone()),
        Change::MoveParagraph { paragraph, text, .. } => (Some(paragraph), "the paragraph's move".into(), text.clone()),
        Change::Comment { paragraph, quote, body, .. } => (Some(paragraph), format!("a comment on “{quote}”"), body.clone()),
    }
}

fn not_placed(change: &Change, reason: String) -> NotPlaced {
    let (paragraph, what, text) = describe(change);
    NotPlaced { paragraph: paragraph.cloned(), label: None, what, text, reason }
}

/// Makes the plan's changes on `draft` (the current text, loaded from stored bytes), except
/// those in `opts.skip`. Never fails for a change that cannot be placed or that the rules
/// refuse: it is reported. Fails only if the draft itself cannot be read.
pub fn apply(draft: &mut Draft, plan: &Plan, opts: &ApplyOptions<'_>) -> Result<Applied, ReturnError> {
    let start = draft.heads();
    let actor = draft.actor().clone();
    let mut base: AutoCommit = draft.automerge().clone();
    let origin = &plan.origin;
    let mut report = Report {
        draft: origin.draft.clone(),
        country: opts.by.country.clone(),
        lang: origin.lang,
        mode: mode_name(origin.mode),
        heads: origin.heads.iter().map(ToString::to_string).collect(),
        matched_by: origin.matched_by,
        proposals: Vec::new(),
        comments: Vec::new(),
        not_placed: plan.not_placed.clone(),
        already_brought_back: Vec::new(),
        paragraphs: Vec::new(),
    };
    let mut made = Vec::new();
    let mut new_paragraphs: Vec<Option<ParagraphId>> = vec![None; plan.items.len()];
    for (i, item) in plan.items.iter().enumerate() {
        if opts.skip.contains(&item.digest) {
            let (paragraph, what, text) = describe(&item.change);
            let reason = "an earlier return of the same edits already made it".to_owned();
            report.already_brought_back.push(NotPlaced { paragraph: paragraph.cloned(), label: None, what, text, reason });
            continue;
        }
        let before = draft.heads();
        let placed = place::place(draft, &item.change, origin.lang, opts.by, &new_paragraphs);
        let placed = match placed {
            Ok(p) => p,
            Err(place::Refusal::Reason(reason)) => {
                report.not_placed.push(not_placed(&item.change, reason));
                continue;
            }
            Err(place::Refusal::Failed(e)) => {
                report.not_placed.push(not_placed(&item.change, format!("it could not be made: {e}")));
                *draft = restore(&base, &actor)?;
                continue;
            }
        };
        let changes = draft.changes_since(&before);
        match crate::rules::check_on_copy(&base, &changes, opts.who) {
            Ok((after, _)) => base = after,
            Err(v) => {
                let label = v.paragraph.as_ref().and_then(|p| crate::labels::label_in(&base, p).ok().flatten());
                report.not_placed.push(not_placed(&item.change, format!("the rules refuse it: {}", v.describe(label.as_ref()))));
                *draft = restore(&base, &actor)?;
                continue;
            }
        }
        made.push(item.digest.clone());
        record(&mut report, &item.change, placed, &mut new_paragraphs[i]);
    }
    label(draft, &mut report)?;
    let changes = draft.changes_since(&start);
    Ok(Applied { report, changes, made })
}

/// The draft as `base` holds it, with the same actor (so its next change follows the last
/// one kept).
fn restore(base: &AutoCommit, actor: &automerge::ActorId) -> Result<Draft, ReturnError> {
    let mut draft = Draft::from_automerge(base.clone())?;
    draft.set_actor(actor.clone());
    Ok(draft)
}

fn record(report: &mut Report, change: &Change, placed: Placed, new_paragraph: &mut Option<ParagraphId>) {
    use super::report::{Commented, Made};
    let (kind, deleted, inserted, tracked) = match change {
        Change::Text { inserted, tracked, .. } => (MadeKind::Text, placed.deleted.clone(), inserted.clone(), *tracked),
        Change::NewParagraph { text, tracked, .. } => (MadeKind::NewParagraph, String::new(), text.clone(), *tracked),
        Change::DeleteParagraph { text, tracked, .. } => (MadeKind::DeleteParagraph, text.clone(), String::new(), *tracked),
        Change::MoveParagraph { text, tracked, .. } => (MadeKind::MoveParagraph, text.clone(), String::new(), *tracked),
        Change::Comment { body, .. } => {
            if let Some(thread) = placed.thread {
                report.comments.push(Commented {
                    thread,
                    paragraph: placed.paragraph,
                    label: String::new(),
                    quote: placed.deleted,
                    body: body.clone(),
                });
            }
            return;
        }
    };
    if kind == MadeKind::NewParagraph {
        *new_paragraph = Some(placed.paragraph.clone());
    }
    if let Some(id) = placed.proposal {
        report.proposals.push(Made { id, paragraph: placed.paragraph, label: String::new(), kind, deleted, inserted, tracked });
    }
}

/// Fills in every paragraph's label as the draft now names it, and the counts.
fn label(draft: &mut Draft, report: &mut Report) -> Result<(), ReturnError> {
    let labels: Vec<(ParagraphId, String)> = draft.view().labels()?.into_iter().map(|(id, _, l)| (id, l.to_string())).collect();
    let find = |id: &ParagraphId| labels.iter().find(|(p, _)| p == id).map(|(_, l)| l.clone());
    for m in &mut report.proposals {
        m.label = find(&m.paragraph).unwrap_or_default();
    }
    for c in &mut report.comments {
        c.label = find(&c.paragraph).unwrap_or_default();
    }
    for n in report.not_placed.iter_mut().chain(report.already_brought_back.iter_mut()) {
        n.label = n.paragraph.as_ref().and_then(find);
    }
    report.tally(&labels);
    Ok(())
}
