//! Alternative formulations (ARCHITECTURE §5): a delegation proposes only in its own name with
//! itself as sole sponsor; a delegation adds or removes only its own country as sponsor
//! (the proposing one withdraws the alternative instead of leaving it); only the proposing
//! delegation edits an alternative's text, while it is proposed, and withdraws or reinstates
//! it; only a chair adopts or un-adopts; no alternative is ever removed.

use std::collections::BTreeMap;

use automerge::ObjType;

use crate::alternatives::{Alternative, AlternativeAction};
use crate::ids::{AlternativeId, Country, ParagraphId};
use crate::rules::{Event, Role, Rule, Summary, Violation, Who, violation};
use crate::schema::{AlternativeState, keys};
use crate::view::DraftView;

const ALTERNATIVE_KEYS: [&str; 4] = [keys::A_TEXT, keys::A_SPONSORS, keys::A_PROPOSER, keys::A_STATE];
const PROPOSER_KEYS: [&str; 3] = ["user", "country", "at"];

pub(super) fn check_alternatives(
    b: &DraftView<'_>,
    a: &DraftView<'_>,
    id: &ParagraphId,
    who: &Who,
    summary: &mut Summary,
) -> Result<(), Violation> {
    let before = read(b, id)?;
    let after = read(a, id)?;
    let refuse = |rule: Rule, alt: &AlternativeId, detail: &str| {
        violation(rule, Some(id), who.country.as_ref(), format!("{detail} (alternative {alt})"))
    };
    if let Some(gone) = before.keys().find(|k| !after.contains_key(*k)) {
        return Err(refuse(Rule::AlternativeText, gone, "an alternative was removed; alternatives stay on record"));
    }
    // Only delegations (delegates and chairs) propose and sponsor.
    let delegation = match who.role {
        Role::Delegate | Role::Chair => who.country.as_ref(),
        _ => None,
    };
    let mut note = |alt: &AlternativeId, action| {
        summary.events.insert(Event::Alternative { paragraph: id.clone(), alternative: alt.clone(), action });
    };
    for (alt_id, new) in &after {
        check_keys(a, id, alt_id)?;
        let Some(old) = before.get(alt_id) else {
            let Some(own) = delegation else {
                return Err(refuse(Rule::AlternativeSponsor, alt_id, "only a delegation may propose an alternative"));
            };
            if &new.proposer.country != own || new.proposer.user != who.user {
                return Err(refuse(Rule::AlternativeSponsor, alt_id, "an alternative proposed in someone else's name"));
            }
            if new.sponsors != [own.clone()] {
                return Err(refuse(Rule::AlternativeSponsor, alt_id, "a new alternative is sponsored by its proposing delegation alone"));
            }
            if new.state != AlternativeState::Proposed {
                return Err(refuse(Rule::AlternativeAdopt, alt_id, "a new alternative starts as proposed"));
            }
            note(alt_id, AlternativeAction::Proposed);
            continue;
        };
        if old == new {
            continue;
        }
        let proposer_acts = delegation == Some(&old.proposer.country);
        if old.proposer != new.proposer {
            return Err(refuse(Rule::AlternativeSponsor, alt_id, "the proposer of an alternative cannot be changed"));
        }
        if old.text != new.text {
            if !proposer_acts || old.state != AlternativeState::Proposed {
                return Err(refuse(
                    Rule::AlternativeText,
                    alt_id,
                    "only the proposing delegation may edit an alternative, while it is proposed",
                ));
            }
            note(alt_id, AlternativeAction::Edited);
        }
        check_sponsors(old, new, delegation).map_err(|detail| refuse(Rule::AlternativeSponsor, alt_id, detail))?;
        if new.sponsors.iter().any(|c| !old.sponsors.contains(c)) {
            note(alt_id, AlternativeAction::Cosponsored);
        }
        if old.sponsors.iter().any(|c| !new.sponsors.contains(c)) {
            note(alt_id, AlternativeAction::SponsorshipWithdrawn);
        }
        match (old.state, new.state) {
            (from, to) if from == to => {}
            (_, AlternativeState::Adopted) | (AlternativeState::Adopted, _) => {
                if who.role != Role::Chair {
                    return Err(refuse(Rule::AlternativeAdopt, alt_id, "only a chair may adopt an alternative or undo its adoption"));
                }
                note(
                    alt_id,
                    if new.state == AlternativeState::Adopted { AlternativeAction::Adopted } else { AlternativeAction::Unadopted },
                );
            }
            (_, to) => {
                if !proposer_acts {
                    return Err(refuse(
                        Rule::AlternativeSponsor,
                        alt_id,
                        "only the proposing delegation may withdraw or reinstate its alternative",
                    ));
                }
                note(alt_id, if to == AlternativeState::Withdrawn { AlternativeAction::Withdrawn } else { AlternativeAction::Reinstated });
            }
        }
    }
    Ok(())
}

/// Sponsors added or removed are the acting delegation's own; the proposing delegation
/// stays a sponsor; sponsors join only a proposed alternative.
fn check_sponsors(old: &Alternative, new: &Alternative, delegation: Option<&Country>) -> Result<(), &'static str> {
    let added: Vec<&Country> = new.sponsors.iter().filter(|c| !old.sponsors.contains(c)).collect();
    let removed: Vec<&Country> = old.sponsors.iter().filter(|c| !new.sponsors.contains(c)).collect();
    if added.iter().chain(&removed).any(|c| Some(*c) != delegation) {
        return Err("a delegation may add or remove only its own country as sponsor");
    }
    if !added.is_empty() && old.state != AlternativeState::Proposed {
        return Err("only a proposed alternative takes new sponsors");
    }
    if removed.contains(&&old.proposer.country) {
        return Err("the proposing delegation withdraws the alternative rather than its sponsorship");
    }
    Ok(())
}

fn read(v: &DraftView<'_>, id: &ParagraphId) -> Result<BTreeMap<AlternativeId, Alternative>, Violation> {
    let alts = v.alternatives(id).map_err(|e| violation(Rule::Schema, Some(id), None, e.to_string()))?;
    Ok(alts.into_iter().map(|a| (a.id.clone(), a)).collect())
}

/// An alternative holds the schema's keys only; its texts are `en` and `es`.
fn check_keys(a: &DraftView<'_>, id: &ParagraphId, alt: &AlternativeId) -> Result<(), Violation> {
    let schema = |detail: String| violation(Rule::Schema, Some(id), None, format!("alternative {alt}: {detail}"));
    let map = a.alternatives_obj(id).map_err(|e| schema(e.to_string()))?.ok_or_else(|| schema("missing".into()))?;
    let obj = a.object(&map, alt.as_str(), ObjType::Map, "alternative").map_err(|e| schema(e.to_string()))?;
    if let Some(k) = a.keys(&obj).into_iter().find(|k| !ALTERNATIVE_KEYS.contains(&k.as_str())) {
        return Err(schema(format!("unknown field {k:?}")));
    }
    for (key, allowed) in [(keys::A_TEXT, &["en", "es"][..]), (keys::A_PROPOSER, &PROPOSER_KEYS[..])] {
        let inner = a.object(&obj, key, ObjType::Map, key).map_err(|e| schema(e.to_string()))?;
        if let Some(k) = a.keys(&inner).into_iter().find(|k| !allowed.contains(&k.as_str())) {
            return Err(schema(format!("unknown {key} field {k:?}")));
        }
    }
    Ok(())
}
