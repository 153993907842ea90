//! Tracked changes (DESIGN §3): proposals marked with the proposing country, listed,
//! accepted, rejected and withdrawn.
//!
//! - Suggest insert: the new characters carry `ins:XX`. Typing right after one's own pending
//!   insertion (same person) extends that proposal rather than starting a new one.
//! - Suggest delete: characters inside the country's own pending insertion are really
//!   deleted; every other character stays and gains `del:XX`.
//! - Accept: `ins` is unmarked, `del`eted characters go. Reject: the reverse. Withdraw is a
//!   reject by the proposing country.

use std::collections::{BTreeMap, BTreeSet};

use automerge::marks::{ExpandMark, Mark};
use automerge::transaction::Transactable;
use automerge::{ObjId, ReadDoc, ScalarValue};
use serde::Serialize;

use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::{Country, Lang, ParagraphId, SuggestionId, UserId};
use crate::schema::{Stamp, SuggestionKind, TrackMarkName, TrackMarkValue};
use crate::view::{CharId, DraftView, TrackedRun};
use crate::Result;

/// A pending proposal as it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Its id.
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

    /// The mark name it is stored under (`ins:MX`).
    pub fn mark_name(&self) -> String {
        TrackMarkName {
            kind: self.kind,
            country: self.country.clone(),
        }
        .to_name()
    }
}

/// Which proposals an accept, reject or withdraw applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// These ids; an unknown id refuses the whole request.
    Ids(Vec<SuggestionId>),
    /// Every pending proposal of one country.
    Country(Country),
    /// Every pending proposal in one paragraph.
    Paragraph(ParagraphId),
    /// Every pending proposal.
    All,
}

/// What to do with the characters of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolution {
    Accept,
    Reject,
}

impl<'a> DraftView<'a> {
    /// Every pending proposal, in reading order of paragraphs, English before Spanish, then
    /// by position.
    pub fn suggestions(&self) -> Result<Vec<Suggestion>> {
        let mut out = Vec::new();
        for id in self.paragraph_ids()? {
            for lang in Lang::ALL {
                out.extend(self.paragraph_suggestions(&id, lang)?);
            }
        }
        Ok(out)
    }

    /// The pending proposals in one text, by position.
    pub fn paragraph_suggestions(&self, id: &ParagraphId, lang: Lang) -> Result<Vec<Suggestion>> {
        let obj = self.text_obj(id, lang)?;
        let tracked = self.tracked_runs(&obj)?;
        if tracked.is_empty() {
            return Ok(Vec::new());
        }
        let chars: Vec<char> = self.text_of(&obj)?.chars().collect();
        // Group runs by (kind, country, id), keeping first-seen order by start position.
        let mut groups: BTreeMap<(SuggestionKind, Country, SuggestionId), Suggestion> = BTreeMap::new();
        for TrackedRun { name, value, start, end } in tracked {
            let end = end.min(chars.len());
            if start >= end {
                continue;
            }
            let key = (name.kind, name.country.clone(), value.id.clone());
            let s = groups.entry(key).or_insert_with(|| Suggestion {
                id: value.id.clone(),
                country: name.country.clone(),
                user: value.user.clone(),
                at: value.at,
                kind: name.kind,
                paragraph: id.clone(),
                lang,
                ranges: Vec::new(),
                text: String::new(),
            });
            match s.ranges.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => s.ranges.push((start, end)),
            }
        }
        let mut list: Vec<Suggestion> = groups
            .into_values()
            .map(|mut s| {
                s.ranges.sort_unstable();
                s.text = s
                    .ranges
                    .iter()
                    .flat_map(|&(a, b)| chars[a..b].iter())
                    .collect();
                s
            })
            .collect();
        list.sort_by(|a, b| (a.span(), a.kind, &a.country).cmp(&(b.span(), b.kind, &b.country)));
        Ok(list)
    }

    /// The countries with at least one pending proposal in one text.
    pub fn pending_countries(&self, id: &ParagraphId, lang: Lang) -> Result<BTreeSet<Country>> {
        let obj = self.text_obj(id, lang)?;
        Ok(self.tracked_runs(&obj)?.into_iter().map(|r| r.name.country).collect())
    }
}

impl Draft {
    /// Every pending proposal.
    pub fn suggestions(&self) -> Result<Vec<Suggestion>> {
        self.view().suggestions()
    }

    /// Proposes inserting `text` at `pos`, for `by.country`. Returns the proposal's id (an
    /// existing one when this continues the same person's insertion just before `pos`).
    pub fn suggest_insert(
        &mut self,
        id: &ParagraphId,
        lang: Lang,
        pos: usize,
        text: &str,
        by: &Stamp,
    ) -> Result<SuggestionId> {
        let obj = self.text_obj(id, lang)?;
        let len = self.doc.length(&obj);
        Draft::check_range(id, lang, pos, pos, len)?;
        let name = TrackMarkName {
            kind: SuggestionKind::Insert,
            country: by.country.clone(),
        }
        .to_name();
        let value = match pos.checked_sub(1) {
            Some(before) => self.own_mark_at(&obj, before, &name, &by.user)?,
            None => None,
        }
        .unwrap_or_else(|| new_value(by));
        let value = TrackMarkValue {
            actor: Some(self.doc.get_actor().to_hex_string()),
            seen: None,
            ..value
        };
        if text.is_empty() {
            return Ok(value.id);
        }
        let end = pos + text.chars().count();
        self.doc.splice_text(&obj, pos, 0, text)?;
        self.strip_inherited_track_marks(&obj, pos, end, Some(&name))?;
        self.doc.mark(
            &obj,
            Mark::new(name, value.to_json(), pos, end),
            ExpandMark::None,
        )?;
        Ok(value.id)
    }

    /// Proposes deleting `start..end`, for `by.country`. Characters of the country's own
    /// pending insertions are removed outright; the rest gain `del:XX`. Returns the id of the
    /// deletion proposal, or `None` if every character was the country's own insertion.
    pub fn suggest_delete(
        &mut self,
        id: &ParagraphId,
        lang: Lang,
        start: usize,
        end: usize,
        by: &Stamp,
    ) -> Result<Option<SuggestionId>> {
        let obj = self.text_obj(id, lang)?;
        let len = self.doc.length(&obj);
        Draft::check_range(id, lang, start, end, len)?;
        if start == end {
            return Err(DraftError::EmptyRange {
                paragraph: id.clone(),
                lang,
                at: start,
            });
        }
        let ins_name = TrackMarkName {
            kind: SuggestionKind::Insert,
            country: by.country.clone(),
        }
        .to_name();
        let del_name = TrackMarkName {
            kind: SuggestionKind::Delete,
            country: by.country.clone(),
        }
        .to_name();

        // Split the range into runs that are / are not the country's own pending insertion.
        let mut runs: Vec<(usize, usize, bool)> = Vec::new();
        for i in start..end {
            let own = self
                .doc
                .get_marks(&obj, i, None)?
                .iter()
                .any(|(n, v)| n == ins_name && !v.is_null());
            match runs.last_mut() {
                Some((_, e, o)) if *o == own => *e = i + 1,
                _ => runs.push((i, i + 1, own)),
            }
        }
        let marks_any = runs.iter().any(|r| !r.2);
        // Continue an adjacent deletion by the same person (holding backspace or delete).
        let value = if marks_any {
            let after = if end < len {
                self.own_mark_at(&obj, end, &del_name, &by.user)?
            } else {
                None
            };
            let before = match (after.is_none(), start.checked_sub(1)) {
                (true, Some(b)) => self.own_mark_at(&obj, b, &del_name, &by.user)?,
                _ => None,
            };
            let mut value = after.or(before).unwrap_or_else(|| new_value(by));
            value.actor = None;
            let seen = value.seen.get_or_insert_with(Default::default);
            for &(s, e, own) in &runs {
                if own {
                    continue;
                }
                for i in s..e {
                    let cursor = self.view().cursor_at(&obj, i)?;
                    if let Some(CharId { counter, actor }) = CharId::parse(&cursor) {
                        let max = seen.entry(actor).or_insert(counter);
                        *max = (*max).max(counter);
                    }
                }
            }
            Some(value)
        } else {
            None
        };
        for &(s, e, own) in runs.iter().rev() {
            if own {
                self.doc.splice_text(&obj, s, (e - s) as isize, "")?;
            } else if let Some(v) = &value {
                self.doc.mark(
                    &obj,
                    Mark::new(del_name.clone(), v.to_json(), s, e),
                    ExpandMark::None,
                )?;
            }
        }
        Ok(value.map(|v| v.id))
    }

    /// The value of mark `name` at `index` if it was set by `user`.
    fn own_mark_at(
        &self,
        obj: &ObjId,
        index: usize,
        name: &str,
        user: &UserId,
    ) -> Result<Option<TrackMarkValue>> {
        let marks = self.doc.get_marks(obj, index, None)?;
        Ok(marks
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| match v {
                ScalarValue::Str(s) => TrackMarkValue::parse(s),
                _ => None,
            })
            .filter(|v| &v.user == user))
    }

    /// Accepts the selected proposals: insertions become plain text, deleted text goes.
    /// Returns what was accepted.
    pub fn accept(&mut self, selection: &Selection) -> Result<Vec<Suggestion>> {
        let chosen = self.select(selection, None)?;
        self.resolve(&chosen, Resolution::Accept)?;
        Ok(chosen)
    }

    /// Rejects the selected proposals: inserted text goes, deletion marks are removed.
    pub fn reject(&mut self, selection: &Selection) -> Result<Vec<Suggestion>> {
        let chosen = self.select(selection, None)?;
        self.resolve(&chosen, Resolution::Reject)?;
        Ok(chosen)
    }

    /// Withdraws the selected proposals of `country` (a reject by the proposer). Naming
    /// another country's proposal by id is refused.
    pub fn withdraw(&mut self, country: &Country, selection: &Selection) -> Result<Vec<Suggestion>> {
        let chosen = self.select(selection, Some(country))?;
        self.resolve(&chosen, Resolution::Reject)?;
        Ok(chosen)
    }

    fn select(&self, selection: &Selection, only: Option<&Country>) -> Result<Vec<Suggestion>> {
        let all = self.suggestions()?;
        let chosen: Vec<Suggestion> = match selection {
            Selection::Ids(ids) => {
                for id in ids {
                    match all.iter().find(|s| &s.id == id) {
                        None => return Err(DraftError::UnknownSuggestion(id.clone())),
                        Some(s) if only.is_some_and(|c| c != &s.country) => {
                            return Err(DraftError::NotProposer {
                                suggestion: id.clone(),
                                country: s.country.clone(),
                            })
                        }
                        Some(_) => {}
                    }
                }
                all.into_iter().filter(|s| ids.contains(&s.id)).collect()
            }
            Selection::Country(c) => all.into_iter().filter(|s| &s.country == c).collect(),
            Selection::Paragraph(p) => {
                self.view().paragraph_obj(p)?;
                all.into_iter().filter(|s| &s.paragraph == p).collect()
            }
            Selection::All => all,
        };
        Ok(chosen
            .into_iter()
            .filter(|s| only.is_none_or(|c| c == &s.country))
            .collect())
    }

    fn resolve(&mut self, chosen: &[Suggestion], how: Resolution) -> Result<()> {
        // Per text: marks to remove, then character ranges to delete from the end backwards.
        let mut per_text: BTreeMap<(ParagraphId, Lang), (Vec<(String, usize, usize)>, Vec<(usize, usize)>)> =
            BTreeMap::new();
        for s in chosen {
            let entry = per_text.entry((s.paragraph.clone(), s.lang)).or_default();
            let removes_text = matches!(
                (s.kind, how),
                (SuggestionKind::Insert, Resolution::Reject) | (SuggestionKind::Delete, Resolution::Accept)
            );
            for &(a, b) in &s.ranges {
                if removes_text {
                    entry.1.push((a, b));
                } else {
                    entry.0.push((s.mark_name(), a, b));
                }
            }
        }
        for ((paragraph, lang), (unmarks, mut deletes)) in per_text {
            let obj = self.text_obj(&paragraph, lang)?;
            for (name, a, b) in unmarks {
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
    TrackMarkValue {
        id: SuggestionId::random(),
        user: by.user.clone(),
        at: by.at,
        actor: None,
        seen: None,
    }
}
