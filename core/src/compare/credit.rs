//! Who produced each inserted and deleted character between two versions.
//!
//! - An **inserted** character (in the newer text) is credited to the country of its pending
//!   `ins:XX` proposal if it has one, else to the delegation whose actor inserted it.
//! - A **deleted** character (in the older text) is credited to the country whose `del:XX`
//!   proposal it carried (the proposal was accepted) in the older version or just before
//!   the change that deleted it, else to the delegation whose actor deleted it (a rejected
//!   insertion, a direct edit). When the older version is not an ancestor of the newer
//!   one, a character may be missing from the newer version because it was never in its
//!   history; it is then credited to whoever inserted it. Should two concurrent changes
//!   both delete a character, the one with the smaller hash counts.
//!
//! Deletions are read from the changes of a version's history (`deletions`, when a
//! [`Snapshot`] is made): a delete operation names the character (by the id of the
//! operation that inserted it) or the map key (a paragraph) it removes.

use std::collections::{HashMap, HashSet};

use automerge::legacy::{ElementId, Key, ObjectId, OpType};
use automerge::{ActorId, AutoCommit, ChangeHash, ObjId, ReadDoc};

use super::align::{FnvMap, FnvSet};
use super::snapshot::{ActorTable, CountryRun, DeletedParagraph, DeletedRun, IdRun, RunCursor, SnapText, Snapshot};
use crate::ids::Country;
use crate::schema::SuggestionKind;
use crate::view::DraftView;

/// Maps actor ids to delegations (the server's actor bindings).
pub type CountryOf<'f> = &'f dyn Fn(&ActorId) -> Option<Country>;

/// A text object as the legacy change format names it: (op counter, actor hex).
type TextKey = (u64, String);

/// Reads the delete operations of every change in the history of `heads`, with the
/// deleting delegation and, on texts where a cut was ever proposed, the country of the
/// cut each character carried just before the change that deleted it: the deleted
/// characters in runs (actors numbered by `actors`) and the deleted paragraphs.
pub(crate) fn deletions(
    doc: &mut AutoCommit,
    heads: &[ChangeHash],
    paragraphs_obj: &ObjId,
    who: &mut ActorCountries<'_>,
    actors: &mut ActorTable,
) -> (Vec<DeletedRun>, Vec<DeletedParagraph>, Vec<DeletedParagraph>) {
    let paragraphs_op = match paragraphs_obj {
        ObjId::Id(ctr, actor, _) => Some((*ctr, actor.clone())),
        ObjId::Root => None,
    };
    // One pass over the history (asking for changes one by one costs a walk each).
    let all: HashMap<ChangeHash, automerge::Change> = doc.get_changes(&[]).into_iter().map(|c| (c.hash(), c)).collect();
    let mut stack: Vec<ChangeHash> = heads.iter().copied().filter(|h| all.contains_key(h)).collect();
    let mut seen: HashSet<ChangeHash> = stack.iter().copied().collect();
    // (text, char counter, char actor, change, deleting actor)
    let mut chars: Vec<(TextKey, u64, String, ChangeHash, ActorId)> = Vec::new();
    let mut cut_texts: HashSet<TextKey> = HashSet::new();
    let mut paragraphs: Vec<(String, ChangeHash, Option<Country>)> = Vec::new();
    let mut moves: Vec<DeletedParagraph> = Vec::new();
    while let Some(hash) = stack.pop() {
        let Some(change) = all.get(&hash) else { continue };
        for dep in change.deps() {
            if all.contains_key(dep) && seen.insert(*dep) {
                stack.push(*dep);
            }
        }
        let expanded = change.decode();
        for op in &expanded.operations {
            let text = match &op.obj {
                ObjectId::Id(id) => Some((id.0, id.1.to_hex_string())),
                ObjectId::Root => None,
            };
            if let OpType::MarkBegin(m) = &op.action {
                if let (true, Some(text)) = (m.name.starts_with("del:"), text) {
                    cut_texts.insert(text);
                }
                continue;
            }
            // A move proposed: its target entry in the order names the paragraph and the
            // proposal, whose id names the delegation.
            if let (true, OpType::Put(automerge::ScalarValue::Str(entry))) = (op.insert, &op.action)
                && let Some(crate::paragraph_proposals::OrderEntry::MoveTarget { paragraph, proposal }) =
                    crate::paragraph_proposals::OrderEntry::parse(entry)
            {
                moves.push(DeletedParagraph { id: paragraph.to_string(), change: hash.to_string(), by: proposal.country() });
            }
            if op.action != OpType::Delete {
                continue;
            }
            match (&op.key, text) {
                (Key::Seq(ElementId::Id(id)), Some(text)) => {
                    chars.push((text, id.0, id.1.to_hex_string(), hash, expanded.actor_id.clone()));
                }
                (Key::Map(name), _) => {
                    let on_paragraphs = match (&op.obj, &paragraphs_op) {
                        (ObjectId::Id(id), Some((ctr, actor))) => id.0 == *ctr && &id.1 == actor,
                        _ => false,
                    };
                    if on_paragraphs {
                        // Accepting a delegation's proposal to delete it: the paragraph
                        // goes as that delegation's deletion, not the accepting chair's.
                        let by = proposed_deletion(doc, change.deps(), name).or_else(|| who.of(&expanded.actor_id));
                        paragraphs.push((name.to_string(), hash, by));
                    }
                }
                _ => {}
            }
        }
    }
    let runs = deleted_runs(doc, chars, &cut_texts, who, actors);
    paragraphs.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let paragraphs = paragraphs.into_iter().map(|(id, change, by)| DeletedParagraph { id, change: change.to_string(), by }).collect();
    moves.sort_by(|a, b| (&a.id, &a.change).cmp(&(&b.id, &b.change)));
    (runs, paragraphs, moves)
}

/// The deleted characters in runs: one change deleting consecutive characters of one
/// actor, credited alike. `chars`: (text, char counter, char actor, change, deleting actor).
fn deleted_runs(
    doc: &mut AutoCommit,
    mut chars: Vec<(TextKey, u64, String, ChangeHash, ActorId)>,
    cut_texts: &HashSet<TextKey>,
    who: &mut ActorCountries<'_>,
    actors: &mut ActorTable,
) -> Vec<DeletedRun> {
    chars.sort_by(|a, b| (a.3, &a.2, a.1).cmp(&(b.3, &b.2, b.1)));
    let mut cuts: HashMap<(ChangeHash, TextKey), HashMap<(u64, String), Country>> = HashMap::new();
    let mut runs: Vec<(ChangeHash, DeletedRun)> = Vec::new();
    for (text, counter, actor, change, deleter) in chars {
        let cut = if cut_texts.contains(&text) {
            let before = cuts.entry((change, text.clone())).or_insert_with(|| cuts_before(doc, change, &text));
            before.get(&(counter, actor.clone())).cloned()
        } else {
            None
        };
        let by = who.of(&deleter);
        let actor = actors.index(&actor);
        match runs.last_mut() {
            Some((last_change, last))
                if *last_change == change
                    && last.actor == actor
                    && last.counter + u64::from(last.len) == counter
                    && last.by == by
                    && last.cut == cut =>
            {
                last.len += 1;
            }
            _ => runs.push((change, DeletedRun { change: change.to_string(), actor, counter, len: 1, by, cut })),
        }
    }
    runs.into_iter().map(|(_, run)| run).collect()
}

/// The characters of a text under a `del:XX` proposal just before `change` was applied.
fn cuts_before(doc: &AutoCommit, change: ChangeHash, text: &TextKey) -> HashMap<(u64, String), Country> {
    let mut out = HashMap::new();
    let Some(c) = doc.get_change_by_hash(&change) else { return out };
    let deps = c.deps().to_vec();
    let Ok(obj) = doc.import_obj(&format!("{}@{}", text.0, text.1)) else { return out };
    let then = DraftView::new(doc, Some(&deps));
    let (Ok(ids), Ok(runs)) = (then.char_ids(&obj), then.tracked_runs(&obj)) else { return out };
    for run in runs {
        if run.name.kind == SuggestionKind::Delete {
            for ch in ids.iter().take(run.end).skip(run.start) {
                out.insert((ch.counter, ch.actor.clone()), run.name.country.clone());
            }
        }
    }
    out
}

/// Who is credited with the character at an index of a text.
pub(crate) trait CreditOf<'s> {
    /// The credited country, if any.
    fn at(&self, index: usize) -> Option<&'s Country>;
}

impl<'s> CreditOf<'s> for [Option<&'s Country>] {
    fn at(&self, index: usize) -> Option<&'s Country> {
        self.get(index).copied().flatten()
    }
}

/// [`Between::delete_credits`] of one text.
pub(crate) struct DeleteCredits<'s> {
    cut: RunCursor<'s, CountryRun>,
    inserter: RunCursor<'s, CountryRun>,
    ids: RunCursor<'s, IdRun>,
    between: &'s Between<'s>,
}

impl<'s> CreditOf<'s> for DeleteCredits<'s> {
    fn at(&self, index: usize) -> Option<&'s Country> {
        if let Some(cut) = self.cut.country(index) {
            return Some(cut);
        }
        let id = SnapText::char_id(&self.ids, index);
        match id.and_then(|(actor, counter)| self.between.deleted(actor, counter)) {
            Some(credit) => credit,
            None => self.inserter.country(index),
        }
    }
}

/// A run of characters deleted by one change, as [`Between`] looks them up.
struct Deleted<'s> {
    /// The characters' actor, numbered as the older snapshot numbers its actors.
    actor: u32,
    counter: u64,
    len: u64,
    change: &'s str,
    credit: Option<&'s Country>,
}

/// The deletions between two snapshots: those of the newer one whose change is not in the
/// older one's history.
pub(crate) struct Between<'s> {
    /// Runs of deleted characters, sorted by (actor, first counter).
    chars: Vec<Deleted<'s>>,
    /// The longest run, which bounds how far back a lookup looks.
    longest: u64,
    /// Paragraph id → (change, deleting delegation).
    paragraphs: FnvMap<&'s str, (&'s str, Option<&'s Country>)>,
    /// Paragraph id → the delegation that proposed moving it in between.
    moves: FnvMap<&'s str, Option<&'s Country>>,
}

impl<'s> Between<'s> {
    pub(crate) fn of(old: &'s Snapshot, new: &'s Snapshot) -> Self {
        let known: FnvSet<&str> =
            old.deleted_chars.iter().map(|d| d.change.as_str()).chain(old.deleted_paragraphs.iter().map(|d| d.change.as_str())).collect();
        // Actors are numbered as the older snapshot numbers them (the characters looked up
        // are its own); one it does not know cannot be looked up.
        let old_index: FnvMap<&str, u32> = old.actors.iter().enumerate().map(|(i, a)| (a.as_str(), i as u32)).collect();
        let mut chars: Vec<Deleted<'s>> = new
            .deleted_chars
            .iter()
            .filter(|d| !known.contains(d.change.as_str()))
            .filter_map(|d| Some((d, *old_index.get(new.actors.get(d.actor as usize)?.as_str())?)))
            .map(|(d, actor)| Deleted {
                actor,
                counter: d.counter,
                len: u64::from(d.len),
                change: d.change.as_str(),
                credit: d.cut.as_ref().or(d.by.as_ref()),
            })
            .collect();
        chars.sort_unstable_by(|a, b| (a.actor, a.counter, a.change).cmp(&(b.actor, b.counter, b.change)));
        let longest = chars.iter().map(|d| d.len).max().unwrap_or(0);
        let mut paragraphs: FnvMap<&str, (&str, Option<&Country>)> = FnvMap::default();
        for d in new.deleted_paragraphs.iter().filter(|d| !known.contains(d.change.as_str())) {
            let slot = paragraphs.entry(d.id.as_str()).or_insert((d.change.as_str(), d.by.as_ref()));
            if d.change.as_str() < slot.0 {
                *slot = (d.change.as_str(), d.by.as_ref());
            }
        }
        let known_moves: FnvSet<&str> = old.proposed_moves.iter().map(|m| m.change.as_str()).collect();
        let mut moves: FnvMap<&str, Option<&Country>> = FnvMap::default();
        for m in new.proposed_moves.iter().filter(|m| !known_moves.contains(m.change.as_str())) {
            moves.insert(m.id.as_str(), m.by.as_ref());
        }
        Between { chars, longest, paragraphs, moves }
    }

    /// The delegation that proposed moving paragraph `id` between the two versions, if one
    /// did (the last, when several).
    pub(crate) fn proposed_move(&self, id: &str) -> Option<&'s Country> {
        self.moves.get(id).copied().flatten()
    }

    /// The credit of a character deleted in between, if it was: of the deleting change with
    /// the smallest hash, should two have deleted it.
    fn deleted(&self, actor: u32, counter: u64) -> Option<Option<&'s Country>> {
        // Runs that start at or before the character, nearest first, as far back as the
        // longest run reaches.
        let end = self.chars.partition_point(|d| (d.actor, d.counter) <= (actor, counter));
        self.chars[..end]
            .iter()
            .rev()
            .take_while(|d| d.actor == actor && d.counter + self.longest > counter)
            .filter(|d| counter < d.counter + d.len)
            .min_by_key(|d| d.change)
            .map(|d| d.credit)
    }

    /// The delegation that deleted a paragraph, if it was deleted in between by one.
    pub(crate) fn paragraph(&self, id: &str) -> Option<&'s Country> {
        self.paragraphs.get(id).and_then(|(_, by)| *by)
    }

    /// Credits for the characters of a text of the older version, as deletions, in order
    /// of preference: the country of a `del:XX` proposal on it in the older version; else,
    /// if a change in between deleted it, the country of the cut it carried just before
    /// that change or that change's delegation; else its inserter's. Worked out per
    /// character when asked ([`CreditOf::at`]): a comparison asks only for the deleted ones.
    pub(crate) fn delete_credits(&'s self, text: &'s SnapText) -> DeleteCredits<'s> {
        DeleteCredits {
            cut: RunCursor::new(&text.proposed_cut),
            inserter: RunCursor::new(&text.inserter),
            ids: RunCursor::new(&text.ids),
            between: self,
        }
    }
}

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

/// Whether a document has every change of `heads`.
pub(crate) fn has_heads(doc: &AutoCommit, heads: &[ChangeHash]) -> bool {
    heads.iter().all(|h| doc.get_change_by_hash(h).is_some())
}

/// The delegation whose pending proposal to delete paragraph `id` stood just before a change
/// with these dependencies (the first proposed, when several).
fn proposed_deletion(doc: &AutoCommit, deps: &[ChangeHash], id: &str) -> Option<Country> {
    let id: crate::ids::ParagraphId = id.parse().ok()?;
    let view = crate::view::DraftView::new(doc, Some(deps));
    let proposals = view.paragraph_proposals(&id).ok()?;
    proposals.into_iter().find(|p| p.kind == crate::schema::ParagraphProposalKind::Delete).map(|p| p.country)
}
