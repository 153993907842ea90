//! Tracked changes (ARCHITECTURE §3): proposals marked with the proposing country, listed,
//! accepted, rejected and withdrawn.
//!
//! - Suggest insert: the new characters carry `ins:XX`. Typing right after one's own pending
//!   insertion (same person) extends that proposal rather than starting a new one.
//! - Suggest delete: characters inside the country's own pending insertion are really
//!   deleted; every other character stays and gains `del:XX`.
//! - Accept: `ins` is unmarked, `del`eted characters go. Reject: the reverse. Withdraw is a
//!   reject by the proposing country.

use std::collections::{BTreeMap, BTreeSet};

use automerge::ReadDoc;
use automerge::marks::{ExpandMark, Mark};
use automerge::transaction::Transactable;
use serde::Serialize;

use crate::Result;
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::{Country, Lang, ParagraphId, SuggestionId, UserId};
use crate::schema::{Stamp, SuggestionKind, TrackMarkName, TrackMarkValue};
use crate::text_state::PendingInsert;
use crate::view::CharId;

mod list;

/// A pending proposal as it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The proposal's id (`s<16 hex>-<country>`, ARCHITECTURE §3): accept, reject and withdraw name it.
    pub id: SuggestionId,
    /// The proposing country.
    pub country: Country,
    /// The person who proposed it.
    pub user: UserId,
    /// When, in unix milliseconds.
    pub at: i64,
    /// Insertion or deletion.
    pub kind: SuggestionKind,
    /// The paragraph it is in.
    pub paragraph: ParagraphId,
    /// The language of the text it is in.
    pub lang: Lang,
    /// Its current character ranges, in order. More than one when others have since typed
    /// inside it.
    pub ranges: Vec<(usize, usize)>,
    /// The characters it covers, in order.
    pub text: String,
}

impl Suggestion {
    /// From the start of its first range to the end of its last.
    pub fn span(&self) -> (usize, usize) {
        let start = self.ranges.first().map_or(0, |r| r.0);
        let end = self.ranges.last().map_or(0, |r| r.1);
        (start, end)
    }
}

/// What resolving proposals does to one text.
#[derive(Debug, Default)]
struct TextResolution {
    /// Rejected deletions: their mark to remove (name, start, end).
    unmarks: Vec<(String, usize, usize)>,
    /// Accepted insertions: character ranges that lose every insertion mark.
    accepted: Vec<(usize, usize)>,
    /// Character ranges to delete.
    deletes: Vec<(usize, usize)>,
}

impl Draft {
    /// Every pending proposal.
    pub fn suggestions(&mut self) -> Result<Vec<Suggestion>> {
        self.view().suggestions()
    }

    /// Proposes inserting `text` at `pos`, for `by.country`. Returns the proposal's id (an
    /// existing one when this continues the same person's insertion just before `pos`).
    ///
    /// Consecutive typing is marked once, when the run ends (see [`crate::text_state`]).
    pub fn suggest_insert(&mut self, id: &ParagraphId, lang: Lang, pos: usize, text: &str, by: &Stamp) -> Result<SuggestionId> {
        self.insert_proposed(id, lang, pos, text, by, None)
    }

    /// Proposes replacing `start..end` with `text`, for `by.country`, as one proposal: the
    /// deletion and the insertion (placed after the text proposed for deletion) share one id,
    /// and are accepted, rejected or withdrawn together. With `join`, they join that proposal
    /// instead of starting one: the same replacement in the other language is attached to its
    /// counterpart this way. Characters of the country's own pending insertions in the range
    /// are simply removed, as with [`Draft::suggest_delete`]. Returns the proposal's id.
    pub fn suggest_replace(
        &mut self,
        id: &ParagraphId,
        lang: Lang,
        range: (usize, usize),
        text: &str,
        by: &Stamp,
        join: Option<&SuggestionId>,
    ) -> Result<SuggestionId> {
        let (start, end) = range;
        let proposal = join.cloned().unwrap_or_else(|| SuggestionId::for_country(&by.country));
        if !text.is_empty() {
            self.insert_proposed(id, lang, end, text, by, Some(&proposal))?;
        }
        if start < end {
            self.delete_proposed(id, lang, start, end, by, Some(&proposal))?;
        }
        Ok(proposal)
    }

    /// Proposes inserting `text` at `pos` as part of the existing proposal `join` (its
    /// counterpart in the other language, say).
    pub fn suggest_insert_joining(
        &mut self,
        id: &ParagraphId,
        lang: Lang,
        pos: usize,
        text: &str,
        by: &Stamp,
        join: &SuggestionId,
    ) -> Result<SuggestionId> {
        self.insert_proposed(id, lang, pos, text, by, Some(join))
    }

    /// [`Draft::suggest_insert`], under the proposal id `join` when given.
    fn insert_proposed(
        &mut self,
        id: &ParagraphId,
        lang: Lang,
        pos: usize,
        text: &str,
        by: &Stamp,
        join: Option<&SuggestionId>,
    ) -> Result<SuggestionId> {
        let actor = self.doc.get_actor().to_hex_string();
        let name = TrackMarkName::insertion(&by.country, &actor).to_name();
        let n = text.chars().count();
        if let Some(p) = &self.pending
            && p.continues(id, lang, &name, &by.user, pos)
            && join.is_none_or(|j| j == &p.value.id)
        {
            let obj = self.text_obj(id, lang)?;
            self.doc.splice_text(&obj, pos, 0, text)?;
            self.known_len = None;
            if let Some(shadow) = self.shadow_if_built(id, lang) {
                shadow.insert(pos, n);
            }
            let p = self.pending.as_mut().ok_or(DraftError::UnknownParagraph(id.clone()))?;
            p.end += n;
            return Ok(p.value.id.clone());
        }
        self.shadow(id, lang)?;
        self.prepare_local()?;
        let obj = self.text_obj(id, lang)?;
        let len = self.doc.length(&obj);
        Draft::check_range(id, lang, pos, pos, len)?;
        let previous = match pos.checked_sub(1) {
            Some(before) => self.own_value_at(id, lang, before, &name, &by.user)?,
            None => None,
        };
        let base = match join {
            Some(j) => previous.filter(|v| &v.id == j).unwrap_or_else(|| TrackMarkValue { id: j.clone(), ..new_value(by) }),
            None => previous.unwrap_or_else(|| new_value(by)),
        };
        let value = TrackMarkValue { actor: Some(actor), seen: None, ..base };
        if n == 0 {
            return Ok(value.id);
        }
        self.doc.splice_text(&obj, pos, 0, text)?;
        if let Some(shadow) = self.shadow_if_built(id, lang) {
            shadow.insert(pos, n);
        }
        let suggestion = value.id.clone();
        self.pending = Some(PendingInsert { paragraph: id.clone(), lang, start: pos, end: pos + n, name, json: value.to_json(), value });
        Ok(suggestion)
    }

    /// Proposes deleting `start..end`, for `by.country`. Characters of the country's own
    /// pending insertions are removed outright; the rest gain `del:XX`. Returns the id of the
    /// deletion proposal, or `None` if every character was the country's own insertion.
    pub fn suggest_delete(&mut self, id: &ParagraphId, lang: Lang, start: usize, end: usize, by: &Stamp) -> Result<Option<SuggestionId>> {
        self.delete_proposed(id, lang, start, end, by, None)
    }

    /// [`Draft::suggest_delete`], under the proposal id `join` when given.
    fn delete_proposed(
        &mut self,
        id: &ParagraphId,
        lang: Lang,
        start: usize,
        end: usize,
        by: &Stamp,
        join: Option<&SuggestionId>,
    ) -> Result<Option<SuggestionId>> {
        // Backspace inside the run being typed: those characters are simply removed.
        if let Some(p) = &self.pending
            && &p.paragraph == id
            && p.lang == lang
            && p.value.user == by.user
            && p.start <= start
            && start < end
            && end <= p.end
        {
            let obj = self.text_obj(id, lang)?;
            self.doc.splice_text(&obj, start, (end - start) as isize, "")?;
            if let Some(shadow) = self.shadow_if_built(id, lang) {
                shadow.delete(start, end - start);
            }
            if let Some(p) = self.pending.as_mut() {
                p.end -= end - start;
                if p.start == p.end {
                    self.pending = None;
                }
            }
            return Ok(None);
        }
        self.shadow(id, lang)?;
        self.prepare_local()?;
        let obj = self.text_obj(id, lang)?;
        let len = self.doc.length(&obj);
        Draft::check_range(id, lang, start, end, len)?;
        if start == end {
            return Err(DraftError::EmptyRange { paragraph: id.clone(), lang, at: start });
        }
        let del_name = TrackMarkName::deletion(&by.country).to_name();

        // Split the range into runs that are / are not the country's own pending insertion,
        // noting the inserting op of every character that will be marked.
        let mut runs: Vec<(usize, usize, bool)> = Vec::new();
        let mut marked: Vec<CharId> = Vec::new();
        for i in start..end {
            let char_id =
                CharId::parse(&self.peek().cursor_at(&obj, i)?).ok_or_else(|| DraftError::malformed("text", "unreadable cursor"))?;
            let own = self.shadow(id, lang)?.values_at(i).any(|(name, v)| {
                TrackMarkName::parse(name).is_some_and(|n| n.kind == SuggestionKind::Insert && n.country == by.country)
                    && TrackMarkValue::parse(v).is_some_and(|v| v.covers(char_id.counter, &char_id.actor))
            });
            if !own {
                marked.push(char_id);
            }
            match runs.last_mut() {
                Some((_, e, o)) if *o == own => *e = i + 1,
                _ => runs.push((i, i + 1, own)),
            }
        }
        // Continue an adjacent deletion by the same person (holding backspace or delete).
        let value = if marked.is_empty() {
            None
        } else {
            let after = if end < len { self.own_value_at(id, lang, end, &del_name, &by.user)? } else { None };
            let before = match (after.is_none(), start.checked_sub(1)) {
                (true, Some(b)) => self.own_value_at(id, lang, b, &del_name, &by.user)?,
                _ => None,
            };
            let mut value = match join {
                Some(j) => after.or(before).filter(|v| &v.id == j).unwrap_or_else(|| TrackMarkValue { id: j.clone(), ..new_value(by) }),
                None => after.or(before).unwrap_or_else(|| new_value(by)),
            };
            value.actor = None;
            let seen = value.seen.get_or_insert_with(Default::default);
            for CharId { counter, actor } in marked {
                let max = seen.entry(actor).or_insert(counter);
                *max = (*max).max(counter);
            }
            Some(value)
        };
        let json = value.as_ref().map(TrackMarkValue::to_json);
        for &(s, e, own) in runs.iter().rev() {
            if own {
                self.doc.splice_text(&obj, s, (e - s) as isize, "")?;
                self.shadow(id, lang)?.delete(s, e - s);
            } else if let Some(json) = &json {
                self.doc.mark(&obj, Mark::new(del_name.clone(), json.clone(), s, e), ExpandMark::None)?;
                self.shadow(id, lang)?.set(&del_name, Some(json), s, e);
            }
        }
        Ok(value.map(|v| v.id))
    }

    /// The value of mark `name` on character `index` if it was set by `user`.
    fn own_value_at(&mut self, id: &ParagraphId, lang: Lang, index: usize, name: &str, user: &UserId) -> Result<Option<TrackMarkValue>> {
        Ok(self.shadow(id, lang)?.value_at(name, index).and_then(TrackMarkValue::parse).filter(|v| &v.user == user))
    }

    /// Resolves text proposals' parts, accepted (`true`) or rejected (`false`): what
    /// [`Draft::accept`] and [`Draft::reject`] do to text.
    pub(crate) fn resolve_text(&mut self, chosen: &[Suggestion], accept: bool) -> Result<()> {
        if chosen.is_empty() {
            return Ok(());
        }
        self.prepare_local()?;
        // Per text: marks to remove, then character ranges to delete from the end backwards.
        let mut per_text: BTreeMap<(ParagraphId, Lang), TextResolution> = BTreeMap::new();
        for s in chosen {
            let entry = per_text.entry((s.paragraph.clone(), s.lang)).or_default();
            let removes_text = match s.kind {
                SuggestionKind::Insert => !accept,
                SuggestionKind::Delete => accept,
            };
            for &(a, b) in &s.ranges {
                match (removes_text, s.kind) {
                    (true, _) => entry.deletes.push((a, b)),
                    (false, SuggestionKind::Insert) => entry.accepted.push((a, b)),
                    (false, SuggestionKind::Delete) => entry.unmarks.push((TrackMarkName::deletion(&s.country).to_name(), a, b)),
                }
            }
        }
        for ((paragraph, lang), TextResolution { unmarks, accepted, mut deletes }) in per_text {
            let obj = self.text_obj(&paragraph, lang)?;
            self.forget_shadow(&paragraph, lang);
            // An accepted insertion's characters lose every insertion mark, not only its own
            // (a proposal continued from another replica has several): another replica's mark
            // can reach over them (see `TrackMarkName`). It never covered them, but left there
            // it would read as that replica's proposal to anything that trusts a mark's range.
            let mut removals: BTreeSet<(String, usize, usize)> = unmarks.into_iter().collect();
            if !accepted.is_empty() {
                let insertion = |name: &str| TrackMarkName::parse(name).is_some_and(|n| n.kind == SuggestionKind::Insert);
                for m in self.peek().marks(&obj)?.into_iter().filter(|m| insertion(&m.name)) {
                    for &(a, b) in accepted.iter().filter(|&&(a, b)| m.start < b && a < m.end) {
                        removals.insert((m.name.to_string(), a.max(m.start), b.min(m.end)));
                    }
                }
            }
            for (name, a, b) in removals {
                self.doc.unmark(&obj, &name, a, b, ExpandMark::None)?;
            }
            deletes.sort_unstable();
            let mut merged: Vec<(usize, usize)> = Vec::new();
            for (a, b) in deletes {
                match merged.last_mut() {
                    Some((_, e)) if a <= *e => *e = (*e).max(b),
                    _ => merged.push((a, b)),
                }
            }
            for (a, b) in merged.into_iter().rev() {
                self.doc.splice_text(&obj, a, (b - a) as isize, "")?;
            }
        }
        Ok(())
    }
}

fn new_value(by: &Stamp) -> TrackMarkValue {
    TrackMarkValue { id: SuggestionId::for_country(&by.country), user: by.user.clone(), at: by.at, actor: None, seen: None }
}
