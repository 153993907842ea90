//! The text of one paragraph in one language, character by character.

use std::collections::{BTreeSet, HashMap, HashSet};

use automerge::ScalarValue;

use super::ops::TextOps;
use crate::ids::{Lang, ParagraphId};
use crate::rules::{CharState, Event, Rule, Summary, Who, read_text, states_of, violation};
use crate::schema::SuggestionKind;
use crate::view::{CharId, DraftView};

/// Checks what happened to one text. `may_edit`: whether `who` may edit it directly
/// (a chair, the secretariat, or a country among the paragraph's editors). `ops`: what the
/// changes' operations did to it.
///
/// When the operations only inserted characters and marked nothing but those (the usual
/// proposal, and plain typing), the text after the change says everything: the characters
/// that were there keep their state. Otherwise the text is compared with the text before,
/// character by character.
#[allow(clippy::too_many_arguments)]
pub(super) fn check_text(
    b: &DraftView<'_>,
    a: &DraftView<'_>,
    id: &ParagraphId,
    lang: Lang,
    who: &Who,
    may_edit: bool,
    ops: Option<&TextOps>,
    summary: &mut Summary,
) -> Result<(), crate::rules::Violation> {
    let at = |e: crate::DraftError| violation(Rule::Schema, Some(id), None, e.to_string());
    let obj = a.text_obj(id, lang).map_err(at)?;
    let (ids, others) = a.text_layout(&obj).map_err(at)?;
    let marks = a.marks(&obj).map_err(at)?;
    let states = states_of(&ids, &marks)?;
    if let (Some(ops), Some(others)) = (ops, others)
        && only_inserts(ops, &ids, &others)
    {
        let mut direct_edit = false;
        for (char_id, state) in ids.iter().zip(&states).filter(|(c, _)| ops.inserted(c)) {
            direct_edit |= judge_inserted(id, lang, who, may_edit, char_id, state, summary)?;
        }
        if direct_edit {
            summary.events.insert(Event::DirectEdit { paragraph: id.clone(), lang });
        }
        return Ok(());
    }
    compare_text(b, id, lang, who, may_edit, (&ids, &states), summary)
}

/// Whether the operations only inserted characters and every mark they set spans only
/// characters they inserted: from the op that begins it to the op that ends it, which
/// `others` places among the characters. (A removed mark, or one whose range reaches text
/// that was already there, needs the text before to judge.)
fn only_inserts(ops: &TextOps, ids: &[CharId], others: &[(CharId, usize)]) -> bool {
    if ops.rewrites {
        return false;
    }
    let place = |counter: u64, actor: &str| others.iter().find(|(c, _)| c.counter == counter && c.actor == actor).map(|(_, at)| *at);
    ops.marks.iter().all(|(_, value, begin, actor)| {
        if matches!(value, ScalarValue::Null) {
            return false;
        }
        // automerge writes a mark as two consecutive ops, its beginning and its end.
        if !ops.mark_ends.contains(&(begin + 1, actor.clone())) {
            return false;
        }
        let (Some(start), Some(end)) = (place(*begin, actor), place(begin + 1, actor)) else {
            return false;
        };
        ids.get(start..end).is_some_and(|chars| chars.iter().all(|c| ops.inserted(c)))
    })
}

/// Judges one character these changes inserted; whether it is a direct (unproposed) insertion.
fn judge_inserted(
    id: &ParagraphId,
    lang: Lang,
    who: &Who,
    may_edit: bool,
    char_id: &CharId,
    state: &CharState,
    summary: &mut Summary,
) -> Result<bool, crate::rules::Violation> {
    check_new_marks(id, who, &state.proposals, &BTreeSet::new(), true)?;
    let own = who.country.as_ref();
    let proposed = state.proposals.iter().any(|(kind, country, _, _)| *kind == SuggestionKind::Insert && Some(country) == own);
    if !proposed && !may_edit {
        return Err(violation(
            Rule::DirectEdit,
            Some(id),
            own,
            format!(
                "inserting text (character {}@{}) in the {lang} text is a direct edit; propose it as a suggestion instead",
                char_id.counter, char_id.actor
            ),
        ));
    }
    for (kind, country, _, _) in &state.proposals {
        summary.events.insert(Event::ProposalMade { paragraph: id.clone(), lang, country: country.clone(), kind: *kind });
    }
    Ok(!proposed)
}

/// Compares the text after the change (`after`: its characters and their states, in order)
/// with the text before, character by character, in the order of the text (so that of
/// several faults the first in the text is the one reported).
fn compare_text(
    b: &DraftView<'_>,
    id: &ParagraphId,
    lang: Lang,
    who: &Who,
    may_edit: bool,
    after: (&[CharId], &[CharState]),
    summary: &mut Summary,
) -> Result<(), crate::rules::Violation> {
    let mut direct_edit = false;
    let at = |e: crate::DraftError| violation(Rule::Schema, Some(id), None, e.to_string());
    let (before_ids, before_marks) = read_text(b, &b.text_obj(id, lang).map_err(at)?)?;
    let before_states = states_of(&before_ids, &before_marks)?;
    let before: HashMap<&CharId, &CharState> = before_ids.iter().zip(&before_states).collect();
    let after_ids: HashSet<&CharId> = after.0.iter().collect();
    let after = || after.0.iter().zip(after.1);
    let judge = Judge { id, lang, who, own: who.country.as_ref(), decides: who.role.decides(), may_edit };

    // Characters inserted by these changes.
    for (char_id, state) in after().filter(|(c, _)| !before.contains_key(c)) {
        direct_edit |= judge_inserted(id, lang, who, may_edit, char_id, state, summary)?;
    }
    // Characters deleted by these changes.
    for state in before_ids.iter().zip(&before_states).filter(|(c, _)| !after_ids.contains(c)).map(|(_, s)| s) {
        direct_edit |= judge.deleted(state, summary)?;
    }
    // Characters kept: proposals added or removed, formatting changed.
    for (char_id, now) in after() {
        let Some(&was) = before.get(char_id) else { continue };
        if now != was {
            direct_edit |= judge.kept(now, was, summary)?;
        }
    }
    if direct_edit {
        summary.events.insert(Event::DirectEdit { paragraph: id.clone(), lang });
    }
    Ok(())
}

/// What a proposal's fate is, as an event.
type Fate = fn(ParagraphId, Lang, crate::Country, SuggestionKind) -> Event;

fn made(paragraph: ParagraphId, lang: Lang, country: crate::Country, kind: SuggestionKind) -> Event {
    Event::ProposalMade { paragraph, lang, country, kind }
}

fn withdrawn(paragraph: ParagraphId, lang: Lang, country: crate::Country, kind: SuggestionKind) -> Event {
    Event::ProposalWithdrawn { paragraph, lang, country, kind }
}

fn accepted(paragraph: ParagraphId, lang: Lang, country: crate::Country, kind: SuggestionKind) -> Event {
    Event::ProposalAccepted { paragraph, lang, country, kind }
}

fn rejected(paragraph: ParagraphId, lang: Lang, country: crate::Country, kind: SuggestionKind) -> Event {
    Event::ProposalRejected { paragraph, lang, country, kind }
}

/// The judgement of what a change did to the characters of one text of one paragraph.
struct Judge<'a> {
    id: &'a ParagraphId,
    lang: Lang,
    who: &'a Who,
    /// The acting person's delegation.
    own: Option<&'a crate::Country>,
    /// Whether they accept and reject proposals (a chair, the secretariat).
    decides: bool,
    /// Whether they may edit this text directly.
    may_edit: bool,
}

impl Judge<'_> {
    fn note(&self, summary: &mut Summary, fate: Fate, country: &crate::Country, kind: SuggestionKind) {
        summary.events.insert(fate(self.id.clone(), self.lang, country.clone(), kind));
    }

    fn direct(&self, what: &str) -> crate::rules::Violation {
        violation(
            Rule::DirectEdit,
            Some(self.id),
            self.own,
            format!("{what} in the {} text is a direct edit; propose it as a suggestion instead", self.lang),
        )
    }

    /// A character these changes deleted, in its state before; whether that was a direct edit.
    fn deleted(&self, state: &CharState, summary: &mut Summary) -> Result<bool, crate::rules::Violation> {
        let ins: Vec<_> = state.proposals.iter().filter(|p| p.0 == SuggestionKind::Insert).collect();
        let del: Vec<_> = state.proposals.iter().filter(|p| p.0 == SuggestionKind::Delete).collect();
        if !ins.is_empty() {
            // Removing a proposed insertion: a withdrawal by its country, or a rejection.
            if let Some(other) = ins.iter().find(|p| Some(&p.1) != self.own)
                && !self.decides
            {
                return Err(violation(
                    Rule::AcceptReject,
                    Some(self.id),
                    Some(&other.1),
                    "only a chair or the secretariat may reject another country's proposal",
                ));
            }
            for p in &ins {
                let fate: Fate = if Some(&p.1) == self.own && !self.decides { withdrawn } else { rejected };
                self.note(summary, fate, &p.1, SuggestionKind::Insert);
            }
            Ok(false)
        } else if let Some(d) = del.first() {
            // Removing text proposed for deletion: accepting that deletion.
            if !self.decides {
                return Err(violation(
                    Rule::AcceptReject,
                    Some(self.id),
                    Some(&d.1),
                    "only a chair or the secretariat may accept a proposed deletion",
                ));
            }
            for p in &del {
                self.note(summary, accepted, &p.1, SuggestionKind::Delete);
            }
            Ok(false)
        } else if !self.may_edit {
            Err(self.direct("deleting text that is not your own pending insertion"))
        } else {
            Ok(true)
        }
    }

    /// A character kept whose state changed (`was` to `now`); whether that was a direct edit.
    fn kept(&self, now: &CharState, was: &CharState, summary: &mut Summary) -> Result<bool, crate::rules::Violation> {
        check_new_marks(self.id, self.who, &now.proposals, &was.proposals, false)?;
        for (kind, country, _, _) in now.proposals.difference(&was.proposals) {
            self.note(summary, made, country, *kind);
        }
        for gone in was.proposals.difference(&now.proposals) {
            let (kind, country, _, _) = gone;
            let withdrawal = *kind == SuggestionKind::Delete && Some(country) == self.own;
            if !withdrawal && !self.decides {
                let what = match kind {
                    SuggestionKind::Insert => "accept a proposed insertion",
                    SuggestionKind::Delete => "reject another country's proposed deletion",
                };
                return Err(violation(
                    Rule::AcceptReject,
                    Some(self.id),
                    Some(country),
                    format!("only a chair or the secretariat may {what}"),
                ));
            }
            let fate: Fate = match (kind, withdrawal && !self.decides) {
                (_, true) => withdrawn,
                (SuggestionKind::Insert, false) => accepted,
                (SuggestionKind::Delete, false) => rejected,
            };
            self.note(summary, fate, country, *kind);
        }
        if (now.strong, now.em) != (was.strong, was.em) {
            if !self.may_edit {
                return Err(self.direct("changing formatting"));
            }
            return Ok(true);
        }
        Ok(false)
    }
}

/// Proposals that appear on a character must be the acting person's own, of their country,
/// and an insertion only on a character they just inserted.
fn check_new_marks(
    id: &ParagraphId,
    who: &Who,
    now: &BTreeSet<(SuggestionKind, crate::Country, String, crate::UserId)>,
    was: &BTreeSet<(SuggestionKind, crate::Country, String, crate::UserId)>,
    inserted: bool,
) -> Result<(), crate::rules::Violation> {
    for (kind, country, _, user) in now.difference(was) {
        if Some(country) != who.country.as_ref() {
            return Err(violation(
                Rule::ProposalCountry,
                Some(id),
                Some(country),
                format!(
                    "a proposal in the name of {country}, by someone of {}",
                    who.country.as_ref().map_or("no delegation", |c| c.as_str())
                ),
            ));
        }
        if user != &who.user {
            return Err(violation(
                Rule::ProposalAuthor,
                Some(id),
                Some(country),
                format!("a proposal attributed to another person ({user})"),
            ));
        }
        match (kind, inserted) {
            (SuggestionKind::Insert, false) => {
                return Err(violation(Rule::ProposalCountry, Some(id), Some(country), "an insertion mark on text that was already there"));
            }
            (SuggestionKind::Delete, true) => {
                return Err(violation(
                    Rule::ProposalCountry,
                    Some(id),
                    Some(country),
                    "a deletion mark on text inserted in the same change",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}
