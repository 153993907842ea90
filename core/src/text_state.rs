//! Per-text state a [`crate::Draft`] keeps between edits, so that a keystroke costs about
//! what automerge's own splice costs.
//!
//! Automerge answers "which marks are on character i" and adds a mark in time that grows
//! with the length of the text. A delegation typing a long proposal would pay that on every
//! key. Two things avoid it:
//! - [`PendingInsert`]: the characters of a person's current run of typing are marked once,
//!   when the run ends (another edit, a read, a commit), not once per key. The mark lands in
//!   the same change as the characters, so no other replica ever sees them unmarked.
//! - [`MarkShadow`]: the proposal marks of a text as automerge reported them, kept in step
//!   with this replica's own edits, to answer "is this character my own pending insertion".
//!   It is rebuilt from the document whenever changes arrive from elsewhere.

use automerge::{ObjId, ScalarValue};

use crate::Result;
use crate::ids::{Lang, ParagraphId};
use crate::schema::{TrackMarkName, TrackMarkValue};
use crate::view::DraftView;

/// The cached object id of one text and, once needed, its mark shadow.
#[derive(Debug, Clone)]
pub(crate) struct TextState {
    pub(crate) obj: ObjId,
    pub(crate) shadow: Option<MarkShadow>,
}

/// One proposal mark interval as automerge reports it (raw: no coverage filtering).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawMark {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The proposal marks of one text, kept in step with this replica's edits.
///
/// Exact for marks this replica sets and for what it deletes; for characters it inserts,
/// it assumes they take the marks whose range strictly contains the insertion point, as
/// automerge does. Only the proposer's own `ins:XX:<actor>` on characters it marked itself,
/// and its country's insertions as last read from the document, are ever read from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MarkShadow {
    marks: Vec<RawMark>,
}

impl MarkShadow {
    /// Reads the proposal marks of a text from the document.
    pub(crate) fn build(view: &DraftView<'_>, obj: &ObjId) -> Result<MarkShadow> {
        let marks = view
            .marks(obj)?
            .into_iter()
            .filter(|m| m.start < m.end && TrackMarkName::parse(&m.name).is_some())
            .filter_map(|m| match &m.value {
                ScalarValue::Str(v) => Some(RawMark { name: m.name.to_string(), value: v.to_string(), start: m.start, end: m.end }),
                _ => None,
            })
            .collect();
        Ok(MarkShadow { marks })
    }

    /// `n` characters were inserted at `pos`.
    pub(crate) fn insert(&mut self, pos: usize, n: usize) {
        for m in &mut self.marks {
            if m.start >= pos {
                m.start += n;
                m.end += n;
            } else if m.end > pos {
                m.end += n;
            }
        }
    }

    /// `n` characters were deleted at `pos`.
    pub(crate) fn delete(&mut self, pos: usize, n: usize) {
        let shift = |x: usize| {
            if x <= pos {
                x
            } else if x >= pos + n {
                x - n
            } else {
                pos
            }
        };
        for m in &mut self.marks {
            m.start = shift(m.start);
            m.end = shift(m.end);
        }
        self.marks.retain(|m| m.start < m.end);
    }

    /// Mark `name` was set to `value` (or removed, for `None`) over `start..end`.
    pub(crate) fn set(&mut self, name: &str, value: Option<&str>, start: usize, end: usize) {
        let mut kept = Vec::with_capacity(self.marks.len() + 2);
        for m in self.marks.drain(..) {
            if m.name != name || m.end <= start || m.start >= end {
                kept.push(m);
                continue;
            }
            if m.start < start {
                kept.push(RawMark { end: start, ..m.clone() });
            }
            if m.end > end {
                kept.push(RawMark { start: end, ..m });
            }
        }
        if let Some(v) = value {
            kept.push(RawMark { name: name.to_owned(), value: v.to_owned(), start, end });
        }
        self.marks = kept;
    }

    /// The value of mark `name` on character `index`, if any.
    pub(crate) fn value_at(&self, name: &str, index: usize) -> Option<&str> {
        self.values_at(index).find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Every proposal mark on character `index`: (name, value).
    pub(crate) fn values_at(&self, index: usize) -> impl Iterator<Item = (&str, &str)> {
        self.marks.iter().filter(move |m| m.start <= index && index < m.end).map(|m| (m.name.as_str(), m.value.as_str()))
    }
}

/// The characters of the current run of typing, not yet marked.
#[derive(Debug, Clone)]
pub(crate) struct PendingInsert {
    pub(crate) paragraph: ParagraphId,
    pub(crate) lang: Lang,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The mark name, `ins:XX:<actor>`.
    pub(crate) name: String,
    pub(crate) value: TrackMarkValue,
    /// `value` as the JSON string the mark will carry.
    pub(crate) json: String,
}

impl PendingInsert {
    /// Whether an insertion at `pos` by `name`/`user` in this text continues this run.
    pub(crate) fn continues(&self, paragraph: &ParagraphId, lang: Lang, name: &str, user: &crate::UserId, pos: usize) -> bool {
        &self.paragraph == paragraph
            && self.lang == lang
            && self.name == name
            && &self.value.user == user
            && self.start <= pos
            && pos <= self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(name: &str, start: usize, end: usize) -> RawMark {
        RawMark { name: name.into(), value: "v".into(), start, end }
    }

    #[test]
    fn insert_shifts_and_extends_strictly_inside() {
        let mut s = MarkShadow { marks: vec![mark("ins:MX", 2, 5)] };
        s.insert(5, 1); // at the end: not inside
        assert_eq!(s.marks, vec![mark("ins:MX", 2, 5)]);
        s.insert(2, 1); // at the start: shifted
        assert_eq!(s.marks, vec![mark("ins:MX", 3, 6)]);
        s.insert(4, 2); // inside: extended
        assert_eq!(s.marks, vec![mark("ins:MX", 3, 8)]);
    }

    #[test]
    fn delete_and_set() {
        let mut s = MarkShadow { marks: vec![mark("del:AR", 2, 8)] };
        s.delete(3, 2);
        assert_eq!(s.marks, vec![mark("del:AR", 2, 6)]);
        s.set("del:AR", None, 3, 4);
        assert_eq!(s.marks, vec![mark("del:AR", 2, 3), mark("del:AR", 4, 6)]);
        s.set("del:AR", Some("w"), 0, 10);
        assert_eq!(s.value_at("del:AR", 5), Some("w"));
        s.delete(0, 10);
        assert!(s.marks.is_empty());
    }
}
