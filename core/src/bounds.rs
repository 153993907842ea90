//! How much one change may write: the sizes of texts, proposals, comments and titles, so
//! that one delegation cannot make a draft too large for everyone else to load.
//!
//! - [`check_before`] runs before the changes are applied anywhere, from their headers
//!   alone: a change with more operations than any allowed edit needs is refused without
//!   the memory that applying it would cost.
//! - [`check_after`] runs on the document with the changes applied (after the permission
//!   rules, [`crate::rules`]): each text they inserted into is within its length, and each
//!   string they wrote (a comment, a quote) too.
//!
//! A text that was already longer (stored before these bounds) may still be shortened.

use std::collections::HashMap;

use automerge::legacy::{Key, OpType};
use automerge::{AutoCommit, Change, ObjId, ReadDoc, ScalarValue};

use crate::rules::{Rule, Violation, violation};
use crate::schema::keys;

/// The bounds, all in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimits {
    /// Longest text of a paragraph (or an alternative) in one language.
    pub max_text_chars: usize,
    /// Most characters the changes may insert into one text.
    pub max_proposal_chars: usize,
    /// Longest comment.
    pub max_comment_chars: usize,
    /// Longest title, per language.
    pub max_title_chars: usize,
}

impl SizeLimits {
    /// The most operations one change may hold: inserting the largest proposal takes one
    /// operation per character, marking it two more per mark, and deleting a whole text
    /// one per character; the slack covers the fields of a new paragraph or thread.
    pub fn max_change_ops(&self) -> usize {
        self.max_proposal_chars.max(self.max_text_chars).saturating_mul(2).saturating_add(1_000)
    }
}

fn too_large(detail: String) -> Violation {
    violation(Rule::TooLarge, None, None, detail)
}

/// Refuses a change with more operations than [`SizeLimits::max_change_ops`], reading only
/// the changes' headers.
pub fn check_before(changes: &[Change], limits: &SizeLimits) -> Result<(), Violation> {
    let most = limits.max_change_ops();
    match changes.iter().find(|c| c.len() > most) {
        Some(c) => Err(too_large(format!("a change of {} operations; the limit is {most}", c.len()))),
        None => Ok(()),
    }
}

/// Checks the sizes of what `changes` wrote into `after` (the document with them applied).
pub fn check_after(after: &AutoCommit, changes: &[Change], limits: &SizeLimits) -> Result<(), Violation> {
    let mut inserted: HashMap<String, usize> = HashMap::new();
    for change in changes {
        for op in change.decode().operations {
            match (&op.action, &op.key) {
                (OpType::Put(ScalarValue::Str(s)), _) if op.insert => {
                    *inserted.entry(op.obj.to_string()).or_default() += s.chars().count();
                }
                (OpType::Put(ScalarValue::Str(s)), Key::Map(key)) => {
                    let (what, most) = match key.as_str() {
                        keys::M_BODY => ("a comment", limits.max_comment_chars),
                        _ => ("a value", limits.max_text_chars),
                    };
                    let n = s.chars().count();
                    if n > most {
                        return Err(too_large(format!("{what} of {n} characters; the limit is {most}")));
                    }
                }
                _ => {}
            }
        }
    }
    let titles = title_objects(after);
    for (obj, n) in inserted {
        if n > limits.max_proposal_chars {
            return Err(too_large(format!("{n} characters inserted into one text at once; the limit is {}", limits.max_proposal_chars)));
        }
        let Ok((id, _)) = after.import(&obj) else { continue };
        let (what, most) = if titles.contains(&id) { ("the title", limits.max_title_chars) } else { ("a text", limits.max_text_chars) };
        let len = after.length(&id);
        if len > most {
            return Err(too_large(format!("{what} would be {len} characters long; the limit is {most}")));
        }
    }
    Ok(())
}

/// The title's text objects (both languages).
fn title_objects(doc: &AutoCommit) -> Vec<ObjId> {
    let Ok(Some((_, title))) = doc.get(automerge::ROOT, keys::TITLE) else { return Vec::new() };
    ["en", "es"].iter().filter_map(|lang| doc.get(&title, *lang).ok().flatten().map(|(_, obj)| obj)).collect()
}
