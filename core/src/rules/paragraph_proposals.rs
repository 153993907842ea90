//! Proposals about whole paragraphs ([`crate::paragraph_proposals`]), and the reading order:
//! - a delegation proposes a new paragraph, a deletion or a move only in its own name (its
//!   country, its person, an id of its country), and a new paragraph only as a plain open
//!   paragraph with that one proposal;
//! - only a chair or the secretariat accepts or rejects; the proposing delegation withdraws
//!   its own;
//! - a proposal is never rewritten, only made or removed;
//! - the order changes only through these proposals, or by a chair's or the secretariat's
//!   direct edit: anyone else may add or remove only the entries of their own proposals.

use std::collections::{BTreeMap, HashMap};

use automerge::ObjType;

use crate::ids::{ParagraphId, SuggestionId};
use crate::paragraph_proposals::{OrderEntry, ParagraphProposal};
use crate::rules::{Event, Rule, Summary, Violation, Who, schema, violation};
use crate::schema::{ParagraphProposalKind, Status, keys};
use crate::view::DraftView;

const PROPOSAL_KEYS: [&str; 4] = [keys::PP_KIND, keys::PP_COUNTRY, keys::PP_USER, keys::PP_AT];

/// The pending paragraph proposals of a paragraph in a view, by id (none if it is absent).
fn read(v: &DraftView<'_>, id: &ParagraphId) -> Result<BTreeMap<SuggestionId, ParagraphProposal>, Violation> {
    match v.paragraph_proposals(id) {
        Ok(list) => Ok(list.into_iter().map(|p| (p.id.clone(), p)).collect()),
        Err(crate::DraftError::UnknownParagraph(_)) => Ok(BTreeMap::new()),
        Err(e) => Err(violation(Rule::Schema, Some(id), None, e.to_string())),
    }
}

/// Whether the paragraph is a pending new paragraph proposed by `who`'s delegation, whose
/// text that delegation edits directly (as its own pending insertion).
pub(super) fn proposed_by(b: &DraftView<'_>, id: &ParagraphId, who: &Who) -> Result<bool, Violation> {
    let Some(own) = who.country.as_ref() else { return Ok(false) };
    Ok(read(b, id)?.values().any(|p| p.kind == ParagraphProposalKind::Insert && &p.country == own))
}

/// The keys of every proposal record are the schema's.
fn check_keys(a: &DraftView<'_>, id: &ParagraphId) -> Result<(), Violation> {
    let at = |e: crate::DraftError| violation(Rule::Schema, Some(id), None, e.to_string());
    for map in a.proposal_maps(id).map_err(at)? {
        for key in a.keys(&map) {
            let entry = a.object(&map, &key, ObjType::Map, &format!("paragraphs/{id}/proposals/{key}")).map_err(at)?;
            if let Some(k) = a.keys(&entry).into_iter().find(|k| !PROPOSAL_KEYS.contains(&k.as_str())) {
                return Err(violation(Rule::Schema, Some(id), None, format!("unknown field {k:?} in a paragraph proposal")));
            }
        }
    }
    Ok(())
}

/// A proposal made by `who`: in their delegation's name, by them, under an id of their
/// delegation.
fn check_made(id: &ParagraphId, p: &ParagraphProposal, who: &Who) -> Result<(), Violation> {
    if who.country.as_ref() != Some(&p.country) {
        return Err(violation(
            Rule::ProposalCountry,
            Some(id),
            Some(&p.country),
            format!(
                "a paragraph proposal in the name of {}, by someone of {}",
                p.country,
                who.country.as_ref().map_or("no delegation", |c| c.as_str())
            ),
        ));
    }
    if p.user != who.user {
        return Err(violation(
            Rule::ProposalAuthor,
            Some(id),
            Some(&p.country),
            format!("a proposal attributed to another person ({})", p.user),
        ));
    }
    if !p.id.names_country(&p.country) {
        return Err(violation(
            Rule::ProposalCountry,
            Some(id),
            Some(&p.country),
            format!("a new proposal's id must name its delegation (…-{}), not {}", p.country, p.id),
        ));
    }
    Ok(())
}

/// A paragraph created by these changes. Chairs and the secretariat add paragraphs
/// directly; anyone else only proposes one: an open paragraph, editable by no one else,
/// carrying one `insert` proposal of their own.
pub(super) fn check_added(a: &DraftView<'_>, id: &ParagraphId, who: &Who, summary: &mut Summary) -> Result<(), Violation> {
    let after = read(a, id)?;
    check_keys(a, id)?;
    for (lang, text) in paragraph_texts(a, id)? {
        let (ids, marks) = crate::rules::read_text(a, &text)?;
        crate::rules::states_of(&ids, &marks).map_err(|v| Violation {
            paragraph: Some(id.clone()),
            detail: format!("{} ({lang} text)", v.detail),
            ..v
        })?;
    }
    let insert = after.values().find(|p| p.kind == ParagraphProposalKind::Insert);
    if who.decides() && insert.is_none() {
        summary.events.insert(Event::ParagraphAdded { paragraph: id.clone() });
        return Ok(());
    }
    let Some(insert) = insert else {
        return Err(violation(
            Rule::ParagraphOrder,
            Some(id),
            None,
            "only a chair or the secretariat may add a paragraph; propose one instead",
        ));
    };
    check_made(id, insert, who)?;
    if after.len() != 1 {
        return Err(violation(Rule::Schema, Some(id), who.country.as_ref(), "a proposed new paragraph carries its own proposal only"));
    }
    let fields = a.paragraph_fields(id).map_err(|e| violation(Rule::Schema, Some(id), None, e.to_string()))?;
    if fields.status != Status::Open || !fields.editors.is_empty() || fields.concordance.is_some() {
        return Err(violation(
            Rule::ParagraphFields,
            Some(id),
            who.country.as_ref(),
            "a proposed new paragraph starts open, with no editors and no concordance",
        ));
    }
    let has_alternatives = a.alternatives(id).map_err(|e| violation(Rule::Schema, Some(id), None, e.to_string()))?;
    if !has_alternatives.is_empty() {
        return Err(violation(Rule::Schema, Some(id), who.country.as_ref(), "a proposed new paragraph starts without alternatives"));
    }
    summary.events.insert(Event::ParagraphProposalMade { paragraph: id.clone(), country: insert.country.clone(), kind: insert.kind });
    Ok(())
}

fn paragraph_texts(v: &DraftView<'_>, id: &ParagraphId) -> Result<Vec<(crate::Lang, automerge::ObjId)>, Violation> {
    crate::Lang::ALL
        .into_iter()
        .map(|l| v.text_obj(id, l).map(|o| (l, o)).map_err(|e| violation(Rule::Schema, Some(id), None, e.to_string())))
        .collect()
}

/// A paragraph removed by these changes: directly by a chair or the secretariat (accepting
/// its deletion, rejecting it as a new paragraph), or a delegation withdrawing the new
/// paragraph it proposed.
pub(super) fn check_removed(b: &DraftView<'_>, id: &ParagraphId, who: &Who, summary: &mut Summary) -> Result<(), Violation> {
    let agreed = b.paragraph_fields(id).map_err(|e| violation(Rule::Schema, Some(id), None, e.to_string()))?.status == Status::Agreed;
    if agreed && who.role != crate::rules::Role::Chair {
        return Err(violation(Rule::AgreedFrozen, Some(id), None, "the paragraph is agreed; only a chair may remove it"));
    }
    let before = read(b, id)?;
    let own_insert = before.values().find(|p| p.kind == ParagraphProposalKind::Insert && who.country.as_ref() == Some(&p.country));
    if !who.decides() && own_insert.is_none() {
        return Err(violation(
            Rule::ParagraphOrder,
            Some(id),
            None,
            "only a chair or the secretariat may remove a paragraph; propose its deletion instead",
        ));
    }
    let withdrawal = !who.decides();
    for p in before.values() {
        let (paragraph, country, kind) = (id.clone(), p.country.clone(), p.kind);
        summary.events.insert(match (p.kind, withdrawal) {
            (_, true) => Event::ParagraphProposalWithdrawn { paragraph, country, kind },
            (ParagraphProposalKind::Delete, false) => Event::ParagraphProposalAccepted { paragraph, country, kind },
            (_, false) => Event::ParagraphProposalRejected { paragraph, country, kind },
        });
    }
    if !withdrawal && !before.values().any(|p| p.kind == ParagraphProposalKind::Delete) {
        summary.events.insert(Event::ParagraphRemoved { paragraph: id.clone() });
    }
    Ok(())
}

/// The `proposals` map of a paragraph that stays: records made, and records removed (a
/// decision or a withdrawal); never one rewritten.
pub(super) fn check_changed(
    b: &DraftView<'_>,
    a: &DraftView<'_>,
    id: &ParagraphId,
    who: &Who,
    summary: &mut Summary,
) -> Result<(), Violation> {
    let before = read(b, id)?;
    let after = read(a, id)?;
    check_keys(a, id)?;
    for (pid, new) in &after {
        match before.get(pid) {
            Some(old) if old == new => {}
            Some(_) => {
                return Err(violation(
                    Rule::Schema,
                    Some(id),
                    Some(&new.country),
                    "a paragraph proposal is made or removed, never rewritten",
                ));
            }
            None => {
                check_made(id, new, who)?;
                if new.kind == ParagraphProposalKind::Insert {
                    return Err(violation(Rule::Schema, Some(id), Some(&new.country), "an existing paragraph cannot be proposed as new"));
                }
                summary.events.insert(Event::ParagraphProposalMade { paragraph: id.clone(), country: new.country.clone(), kind: new.kind });
            }
        }
    }
    let moved = || -> Result<bool, Violation> {
        let place = |v: &DraftView<'_>| v.paragraph_ids().map(|ids| ids.iter().position(|p| p == id)).map_err(|e| schema(e.to_string()));
        Ok(place(b)? != place(a)?)
    };
    for old in before.values().filter(|p| !after.contains_key(&p.id)) {
        let own = who.country.as_ref() == Some(&old.country);
        if !who.decides() && !own {
            return Err(violation(
                Rule::AcceptReject,
                Some(id),
                Some(&old.country),
                "only a chair or the secretariat may accept or reject another country's proposal",
            ));
        }
        let accepted = match old.kind {
            ParagraphProposalKind::Insert => true,
            ParagraphProposalKind::Delete => false,
            ParagraphProposalKind::Move => moved()?,
        };
        let (paragraph, country, kind) = (id.clone(), old.country.clone(), old.kind);
        summary.events.insert(match (who.decides(), accepted) {
            (false, false) => Event::ParagraphProposalWithdrawn { paragraph, country, kind },
            (false, true) => {
                return Err(violation(
                    Rule::AcceptReject,
                    Some(id),
                    Some(&old.country),
                    "only a chair or the secretariat may accept a proposal",
                ));
            }
            (true, true) => Event::ParagraphProposalAccepted { paragraph, country, kind },
            (true, false) => Event::ParagraphProposalRejected { paragraph, country, kind },
        });
    }
    Ok(())
}

/// The reading order. A chair or the secretariat may change it at will; anyone else may
/// only add and remove the entries of their own paragraph proposals, together with the
/// proposals (a new paragraph's place, a move's target).
pub(super) fn check_order(b: &DraftView<'_>, a: &DraftView<'_>, who: &Who, summary: &mut Summary) -> Result<(), Violation> {
    let visible = |v: &DraftView<'_>| v.paragraph_ids().map_err(|e| schema(e.to_string()));
    if who.decides() {
        if visible(b)? != visible(a)? {
            summary.events.insert(Event::OrderChanged);
        }
        return Ok(());
    }
    let (before_list, after_list) = (raw_list(b)?, raw_list(a)?);
    let (before, after) = (counted(&before_list), counted(&after_list));
    let refuse = |what: &str| {
        violation(
            Rule::ParagraphOrder,
            None,
            who.country.as_ref(),
            format!("only a chair or the secretariat may reorder paragraphs ({what}); propose a move instead"),
        )
    };
    let mut added: HashMap<String, usize> = HashMap::new();
    for (entry, n) in &after {
        let extra = n.saturating_sub(before.get(entry).copied().unwrap_or(0));
        if extra == 0 {
            continue;
        }
        if !may_add(b, a, entry, who)? {
            return Err(refuse("an entry added"));
        }
        added.insert(entry.clone(), extra);
    }
    let mut removed: HashMap<String, usize> = HashMap::new();
    for (entry, n) in &before {
        let gone = n.saturating_sub(after.get(entry).copied().unwrap_or(0));
        if gone == 0 {
            continue;
        }
        if !may_remove(b, a, entry, who)? {
            return Err(refuse("an entry removed"));
        }
        removed.insert(entry.clone(), gone);
    }
    if without(&before_list, removed) != without(&after_list, added) {
        return Err(refuse("paragraphs reordered"));
    }
    Ok(())
}

/// An entry `who` (neither chair nor secretariat) may add: the place of a new paragraph they
/// propose in these changes, or the target of a move they propose in them.
fn may_add(b: &DraftView<'_>, a: &DraftView<'_>, entry: &str, who: &Who) -> Result<bool, Violation> {
    let own_new = |p: &ParagraphProposal| Some(&p.country) == who.country.as_ref() && p.user == who.user;
    Ok(match OrderEntry::parse(entry) {
        Some(OrderEntry::Paragraph(p)) => {
            b.paragraph_obj(&p).is_err() && read(a, &p)?.values().any(|x| x.kind == ParagraphProposalKind::Insert && own_new(x))
        }
        Some(OrderEntry::MoveTarget { paragraph, proposal }) => {
            !read(b, &paragraph)?.contains_key(&proposal)
                && read(a, &paragraph)?.get(&proposal).is_some_and(|x| x.kind == ParagraphProposalKind::Move && own_new(x))
        }
        None => false,
    })
}

/// An entry `who` (neither chair nor secretariat) may remove: those of their delegation's
/// proposals they withdraw in these changes (a new paragraph with every entry of it, a
/// move's target).
fn may_remove(b: &DraftView<'_>, a: &DraftView<'_>, entry: &str, who: &Who) -> Result<bool, Violation> {
    let own = |p: &ParagraphProposal| Some(&p.country) == who.country.as_ref();
    let own_new_paragraph_gone = |p: &ParagraphId| -> Result<bool, Violation> {
        Ok(a.paragraph_obj(p).is_err() && read(b, p)?.values().any(|x| x.kind == ParagraphProposalKind::Insert && own(x)))
    };
    Ok(match OrderEntry::parse(entry) {
        Some(OrderEntry::Paragraph(p)) => own_new_paragraph_gone(&p)?,
        Some(OrderEntry::MoveTarget { paragraph, proposal }) => {
            let withdrawn = read(b, &paragraph)?.get(&proposal).is_some_and(own) && !read(a, &paragraph)?.contains_key(&proposal);
            withdrawn || own_new_paragraph_gone(&paragraph)?
        }
        None => false,
    })
}

/// `list` without `skip[e]` occurrences of each entry `e`: what must keep its order.
fn without(list: &[String], mut skip: HashMap<String, usize>) -> Vec<&String> {
    list.iter()
        .filter(|e| match skip.get_mut(*e) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

fn counted(list: &[String]) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for e in list {
        *out.entry(e.clone()).or_default() += 1;
    }
    out
}

/// The raw entries of `order`.
fn raw_list(v: &DraftView<'_>) -> Result<Vec<String>, Violation> {
    let order = v.root_object(keys::ORDER, ObjType::List).map_err(|e| schema(e.to_string()))?;
    v.string_list(&order, keys::ORDER).map_err(|e| schema(e.to_string()))
}
