//! Who produced each inserted and deleted character between two versions.
//!
//! - An **inserted** character (in the newer text) is credited to the country of its pending
//!   `ins:XX` proposal if it has one, else to the delegation whose actor inserted it.
//! - A **deleted** character (in the older text) is credited to the country whose `del:XX`
//!   proposal it carried (the proposal was accepted) in the older version or just before
//!   the change that deleted it, else to the delegation whose actor deleted it (a rejected
//!   insertion, a direct edit). When the older version is not an
//!   ancestor of the newer one, a character may be missing from the newer version because it
//!   was never in its history; it is then credited to whoever inserted it.
//!
//! Deleting actors are found in the changes that are in the newer version's history and
//! not in the older one's: a delete operation names the character (by the id of the
//! operation that inserted it) or the map key (a paragraph) it removes.

use std::collections::{HashMap, HashSet};

use automerge::legacy::{ElementId, Key, OpType};
use automerge::{ActorId, AutoCommit, ChangeHash, ObjId, ReadDoc};

use crate::ids::{Country, Lang, ParagraphId};
use crate::schema::SuggestionKind;
use crate::view::DraftView;
use crate::Result;

/// Maps actor ids to delegations (the server's actor bindings).
pub type CountryOf<'f> = &'f dyn Fn(&ActorId) -> Option<Country>;

/// Who deleted what, between two versions.
#[derive(Debug, Default)]
pub(crate) struct Deleters {
    /// Character (inserting op counter, actor hex) → deleting actor and change.
    chars: HashMap<(u64, String), (ActorId, ChangeHash)>,
    /// Paragraph id → actor that deleted it from the paragraphs map.
    paragraphs: HashMap<String, ActorId>,
    /// Text objects (op counter, actor hex) on which a cut was proposed in between.
    cut_texts: HashSet<(u64, String)>,
}

impl Deleters {
    /// Reads the delete operations of the changes in `to`'s history but not in `from`'s.
    pub(crate) fn collect(doc: &mut AutoCommit, from: &[ChangeHash], to: &[ChangeHash], paragraphs_obj: &ObjId) -> Deleters {
        // One pass over the changes newer than `from` (asking for changes one by one costs
        // a walk of the document each).
        let newer: HashMap<ChangeHash, automerge::Change> = doc.get_changes(from).into_iter().map(|c| (c.hash(), c)).collect();
        let mut stack: Vec<ChangeHash> = to.iter().copied().filter(|h| newer.contains_key(h)).collect();
        let mut seen: HashSet<ChangeHash> = stack.iter().copied().collect();
        let paragraphs_op = match paragraphs_obj {
            ObjId::Id(ctr, actor, _) => Some((*ctr, actor.clone())),
            ObjId::Root => None,
        };
        let mut out = Deleters::default();
        while let Some(hash) = stack.pop() {
            let Some(change) = newer.get(&hash) else { continue };
            for dep in change.deps() {
                if newer.contains_key(dep) && seen.insert(*dep) {
                    stack.push(*dep);
                }
            }
            let expanded = change.decode();
            for op in &expanded.operations {
                if let OpType::MarkBegin(m) = &op.action {
                    if let (true, automerge::legacy::ObjectId::Id(id)) = (m.name.starts_with("del:"), &op.obj) {
                        out.cut_texts.insert((id.0, id.1.to_hex_string()));
                    }
                    continue;
                }
                if op.action != OpType::Delete {
                    continue;
                }
                match &op.key {
                    Key::Seq(ElementId::Id(id)) => {
                        out.chars.insert((id.0, id.1.to_hex_string()), (expanded.actor_id.clone(), hash));
                    }
                    Key::Map(name) => {
                        let on_paragraphs = match (&op.obj, &paragraphs_op) {
                            (automerge::legacy::ObjectId::Id(id), Some((ctr, actor))) => id.0 == *ctr && &id.1 == actor,
                            _ => false,
                        };
                        if on_paragraphs {
                            out.paragraphs.insert(name.to_string(), expanded.actor_id.clone());
                        }
                    }
                    Key::Seq(ElementId::Head) => {}
                }
            }
        }
        out
    }

    /// The actor that deleted a paragraph, if it was deleted in between.
    pub(crate) fn paragraph(&self, id: &ParagraphId) -> Option<&ActorId> {
        self.paragraphs.get(id.as_str())
    }
}

/// Per-character credit of one text of one version.
pub(crate) type Credits = Vec<Option<Country>>;

/// Looks countries up once per actor.
pub(crate) struct ActorCountries<'f> {
    country_of: CountryOf<'f>,
    cache: HashMap<String, Option<Country>>,
}

impl<'f> ActorCountries<'f> {
    pub(crate) fn new(country_of: CountryOf<'f>) -> Self {
        ActorCountries { country_of, cache: HashMap::new() }
    }

    pub(crate) fn of_hex(&mut self, actor_hex: &str) -> Option<Country> {
        if let Some(c) = self.cache.get(actor_hex) {
            return c.clone();
        }
        let c = ActorId::try_from(actor_hex).ok().and_then(|a| (self.country_of)(&a));
        self.cache.insert(actor_hex.to_owned(), c.clone());
        c
    }

    pub(crate) fn of(&mut self, actor: &ActorId) -> Option<Country> {
        self.of_hex(&actor.to_hex_string())
    }
}

/// Credits for the characters of a text in the newer version: the pending insertion's
/// country, else the inserting actor's delegation.
pub(crate) fn insert_credits(view: &DraftView<'_>, id: &ParagraphId, lang: Lang, who: &mut ActorCountries<'_>) -> Result<Credits> {
    let obj = view.text_obj(id, lang)?;
    let ids = view.char_ids(&obj)?;
    let mut out: Credits = ids.iter().map(|c| who.of_hex(&c.actor)).collect();
    for run in view.tracked_runs(&obj)? {
        if run.name.kind == SuggestionKind::Insert {
            for slot in out.iter_mut().take(run.end).skip(run.start) {
                *slot = Some(run.name.country.clone());
            }
        }
    }
    Ok(out)
}

/// Credits for the characters of a text in the older version, as deletions, in order of
/// preference: the country of a `del:XX` proposal on it in the older version; else the
/// country of a `del:XX` proposal on it just before the change that deleted it (a cut
/// proposed after the older version and accepted since); else its deleting actor's
/// delegation; else its inserter's.
pub(crate) fn delete_credits(
    view: &DraftView<'_>,
    id: &ParagraphId,
    lang: Lang,
    deleters: &Deleters,
    who: &mut ActorCountries<'_>,
) -> Result<Credits> {
    let obj = view.text_obj(id, lang)?;
    let ids = view.char_ids(&obj)?;
    // Only a text on which a cut was proposed in between can lose characters to one.
    let cut_here = match &obj {
        ObjId::Id(ctr, actor, _) => deleters.cut_texts.contains(&(*ctr, actor.to_hex_string())),
        ObjId::Root => false,
    };
    let mut marked: Vec<Option<Country>> = vec![None; ids.len()];
    for run in view.tracked_runs(&obj)? {
        if run.name.kind == SuggestionKind::Delete {
            for slot in marked.iter_mut().take(run.end).skip(run.start) {
                *slot = Some(run.name.country.clone());
            }
        }
    }
    // Proposed cuts as they stood just before each deleting change, read once per change.
    let mut before: HashMap<ChangeHash, HashMap<(u64, String), Country>> = HashMap::new();
    let mut out = Vec::with_capacity(ids.len());
    for (c, mark) in ids.iter().zip(marked) {
        if mark.is_some() {
            out.push(mark);
            continue;
        }
        let credit = match deleters.chars.get(&(c.counter, c.actor.clone())) {
            Some((actor, _)) if !cut_here => who.of(actor),
            Some((actor, hash)) => {
                if !before.contains_key(hash) {
                    let cuts = cuts_before(view, *hash, id, lang).unwrap_or_default();
                    before.insert(*hash, cuts);
                }
                match before.get(hash).and_then(|m| m.get(&(c.counter, c.actor.clone()))) {
                    Some(country) => Some(country.clone()),
                    None => who.of(actor),
                }
            }
            None => who.of_hex(&c.actor),
        };
        out.push(credit);
    }
    Ok(out)
}

/// The characters of a text under a `del:XX` proposal just before `change` was applied.
fn cuts_before(view: &DraftView<'_>, change: ChangeHash, id: &ParagraphId, lang: Lang) -> Result<HashMap<(u64, String), Country>> {
    let Some(c) = view.doc.get_change_by_hash(&change) else { return Ok(HashMap::new()) };
    let deps = c.deps().to_vec();
    let then = DraftView::new(view.doc, Some(&deps));
    let obj = then.text_obj(id, lang)?;
    let ids = then.char_ids(&obj)?;
    let mut out = HashMap::new();
    for run in then.tracked_runs(&obj)? {
        if run.name.kind == SuggestionKind::Delete {
            for ch in ids.iter().take(run.end).skip(run.start) {
                out.insert((ch.counter, ch.actor.clone()), run.name.country.clone());
            }
        }
    }
    Ok(out)
}

/// Whether a document has every change of `heads`.
pub(crate) fn has_heads(doc: &AutoCommit, heads: &[ChangeHash]) -> bool {
    heads.iter().all(|h| doc.get_change_by_hash(h).is_some())
}
