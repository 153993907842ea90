//! A version of a draft as a comparison reads it, kept apart from the document.
//!
//! A [`Snapshot`] holds, for one set of heads: the title and every paragraph (kind, status,
//! text in both languages), and for each character its element id, the delegation that
//! inserted it, and the country of the pending proposal on it if any; the pending proposals;
//! and every deletion in the history up to those heads (which change deleted which
//! characters and paragraphs, credited as [`super::credit`] says).
//!
//! Two snapshots are all a comparison needs ([`super::compare_snapshots`]): the deletions
//! between them are the deletions of the newer one made by changes the older one does not
//! have. A change in a version's history that deleted anything is among that version's
//! deletions, so "not among the older one's deletions" is "not in its history".
//!
//! The server saves one snapshot per named version, so comparing versions reads no
//! document at all. Countries are resolved when the snapshot is made (actor bindings never
//! change), so a snapshot needs no lookups later.

use std::collections::HashMap;

use automerge::{ChangeHash, ObjId, ObjType, Value};
use serde::{Deserialize, Serialize};

use super::ProposalNote;
use super::credit::{self, ActorCountries, CountryOf, CreditOf};
use crate::Result;
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::{Country, Lang, ParagraphId};
use crate::schema::{Bilingual, ParagraphKind, ParagraphProposalKind, Status, SuggestionKind, keys};
use crate::view::{CharId, DraftView};

/// The format of [`Snapshot`]s this build writes; a snapshot of another format is made
/// again from the document.
pub const SNAPSHOT_FORMAT: u32 = 3;

/// One version of a draft, as comparisons read it. Serializable (the server stores it as
/// JSON beside the version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// [`SNAPSHOT_FORMAT`] when it was made.
    pub format: u32,
    /// The heads it was made at (hex).
    pub heads: Vec<String>,
    /// Actor ids (hex) that element ids refer to by index.
    pub(crate) actors: Vec<String>,
    /// The title per language.
    pub(crate) title: Bilingual<SnapText>,
    /// The paragraphs in reading order.
    pub(crate) paragraphs: Vec<SnapParagraph>,
    /// Pending proposals per language, in reading order.
    pub(crate) proposals: Bilingual<Vec<ProposalNote>>,
    /// Every run of characters deleted in the history up to the heads.
    pub(crate) deleted_chars: Vec<DeletedRun>,
    /// Every paragraph deleted in the history up to the heads.
    pub(crate) deleted_paragraphs: Vec<DeletedParagraph>,
    /// Every move of a paragraph proposed in the history up to the heads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) proposed_moves: Vec<DeletedParagraph>,
}

/// A paragraph of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SnapParagraph {
    pub(crate) id: ParagraphId,
    pub(crate) kind: ParagraphKind,
    pub(crate) status: Status,
    pub(crate) text: Bilingual<SnapText>,
    /// Its pending proposals as a whole (new, deletion, move), with their delegations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) pending: Vec<(ParagraphProposalKind, Country)>,
}

/// A text and what is known of each of its characters, as runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SnapText {
    pub(crate) text: String,
    /// Element ids: runs of consecutive counters of one actor.
    pub(crate) ids: Vec<IdRun>,
    /// The delegation whose actor inserted each character.
    pub(crate) inserter: Vec<CountryRun>,
    /// The italic runs, as character ranges (a preambular paragraph's opening words), so a
    /// redline keeps them (format 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) em: Vec<std::ops::Range<usize>>,
    /// The country of a pending insertion proposal on each character.
    pub(crate) proposed_in: Vec<CountryRun>,
    /// The country of a pending deletion proposal on each character.
    pub(crate) proposed_cut: Vec<CountryRun>,
}

/// Characters whose element ids are `counter..counter + len` of one actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IdRun {
    pub(crate) actor: u32,
    pub(crate) counter: u64,
    pub(crate) len: u32,
}

/// `len` characters with the same country (or none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CountryRun {
    pub(crate) len: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) country: Option<Country>,
}

/// Characters `counter..counter + len` of one actor, deleted by one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeletedRun {
    /// The deleting change (hex).
    pub(crate) change: String,
    /// The characters' actor, by index.
    pub(crate) actor: u32,
    pub(crate) counter: u64,
    pub(crate) len: u32,
    /// The deleting actor's delegation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) by: Option<Country>,
    /// The country whose deletion proposal covered them just before the change.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) cut: Option<Country>,
}

/// A paragraph deleted by one change (or, in [`Snapshot::proposed_moves`], proposed for
/// moving by one change, `by` the proposing delegation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeletedParagraph {
    pub(crate) id: String,
    pub(crate) change: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub(crate) by: Option<Country>,
}

/// A run of characters.
pub(crate) trait Run {
    /// How many characters it covers.
    fn len(&self) -> usize;
}

impl Run for CountryRun {
    fn len(&self) -> usize {
        self.len as usize
    }
}

impl Run for IdRun {
    fn len(&self) -> usize {
        self.len as usize
    }
}

/// Finds the run covering a character. Lookups mostly go forward (a comparison asks for
/// the characters of a change in order), so it goes on from the run it last found.
pub(crate) struct RunCursor<'s, R> {
    runs: &'s [R],
    /// The run last found and the index of its first character.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'s, R: Run> RunCursor<'s, R> {
    pub(crate) fn new(runs: &'s [R]) -> Self {
        RunCursor { runs, last: std::cell::Cell::new((0, 0)) }
    }

    /// The run covering character `index`, and the index of its first character.
    pub(crate) fn find(&self, index: usize) -> Option<(&'s R, usize)> {
        let (mut run, mut start) = self.last.get();
        if index < start {
            (run, start) = (0, 0);
        }
        while let Some(r) = self.runs.get(run) {
            if index < start + r.len() {
                self.last.set((run, start));
                return Some((r, start));
            }
            start += r.len();
            run += 1;
        }
        self.last.set((run, start));
        None
    }
}

impl<'s> RunCursor<'s, CountryRun> {
    /// The country of character `index`, if any.
    pub(crate) fn country(&self, index: usize) -> Option<&'s Country> {
        self.find(index).and_then(|(r, _)| r.country.as_ref())
    }
}

/// Run-length encodes one country (or none) per character.
fn country_runs(items: impl IntoIterator<Item = Option<Country>>) -> Vec<CountryRun> {
    let mut runs: Vec<CountryRun> = Vec::new();
    for country in items {
        match runs.last_mut() {
            Some(last) if last.country == country => last.len += 1,
            _ => runs.push(CountryRun { len: 1, country }),
        }
    }
    // A text nobody proposed on has one run of nothing: store none.
    if runs.len() == 1 && runs[0].country.is_none() {
        return Vec::new();
    }
    runs
}

impl SnapText {
    /// Number of characters.
    pub(crate) fn len(&self) -> usize {
        self.ids.iter().map(|r| r.len as usize).sum::<usize>().max(self.text.chars().count())
    }

    /// The element id (actor index in the snapshot's table, counter) of character `index`.
    pub(crate) fn char_id(ids: &RunCursor<'_, IdRun>, index: usize) -> Option<(u32, u64)> {
        let (run, start) = ids.find(index)?;
        Some((run.actor, run.counter + (index - start) as u64))
    }

    /// Credits of the characters as insertions: a pending insertion's country, else the
    /// inserting actor's delegation (worked out per character when asked).
    pub(crate) fn insert_credits(&self) -> InsertCredits<'_> {
        InsertCredits { proposed: RunCursor::new(&self.proposed_in), inserter: RunCursor::new(&self.inserter) }
    }

    /// Credits of the characters by inserting actor alone (titles carry no proposals).
    pub(crate) fn inserter_credits(&self) -> InsertCredits<'_> {
        InsertCredits { proposed: RunCursor::new(&[]), inserter: RunCursor::new(&self.inserter) }
    }
}

/// [`SnapText::insert_credits`].
pub(crate) struct InsertCredits<'s> {
    proposed: RunCursor<'s, CountryRun>,
    inserter: RunCursor<'s, CountryRun>,
}

impl<'s> CreditOf<'s> for InsertCredits<'s> {
    fn at(&self, index: usize) -> Option<&'s Country> {
        self.proposed.country(index).or_else(|| self.inserter.country(index))
    }
}

/// Interns actor ids (hex) as indices.
#[derive(Default)]
pub(crate) struct ActorTable {
    hex: Vec<String>,
    index: HashMap<String, u32>,
}

impl ActorTable {
    pub(crate) fn index(&mut self, hex: &str) -> u32 {
        if let Some(i) = self.index.get(hex) {
            return *i;
        }
        let i = u32::try_from(self.hex.len()).unwrap_or(u32::MAX);
        self.hex.push(hex.to_owned());
        self.index.insert(hex.to_owned(), i);
        i
    }
}

fn id_runs(ids: &[CharId], actors: &mut ActorTable) -> Vec<IdRun> {
    let mut out: Vec<IdRun> = Vec::new();
    for c in ids {
        let actor = actors.index(&c.actor);
        match out.last_mut() {
            Some(r) if r.actor == actor && r.counter + u64::from(r.len) == c.counter => r.len += 1,
            _ => out.push(IdRun { actor, counter: c.counter, len: 1 }),
        }
    }
    out
}

/// Reads one text object of a view.
fn text_snap(view: &DraftView<'_>, obj: &ObjId, marks: bool, actors: &mut ActorTable, who: &mut ActorCountries<'_>) -> Result<SnapText> {
    let text = view.text_of(obj)?;
    let ids = view.char_ids(obj)?;
    let inserter = country_runs(ids.iter().map(|c| who.of_hex(&c.actor)));
    let (mut proposed_in, mut proposed_cut) = (Vec::new(), Vec::new());
    if marks {
        let mut ins: Vec<Option<Country>> = vec![None; ids.len()];
        let mut cut: Vec<Option<Country>> = vec![None; ids.len()];
        for run in view.tracked_runs(obj)? {
            let slots = match run.name.kind {
                SuggestionKind::Insert => &mut ins,
                SuggestionKind::Delete => &mut cut,
            };
            for slot in slots.iter_mut().take(run.end).skip(run.start) {
                *slot = Some(run.name.country.clone());
            }
        }
        proposed_in = country_runs(ins);
        proposed_cut = country_runs(cut);
    }
    Ok(SnapText { text, ids: id_runs(&ids, actors), inserter, proposed_in, proposed_cut, em: Vec::new() })
}

/// The title in one language: a text object (credited by actor), or a plain string from
/// an older draft (credited to no one).
fn title_snap(view: &DraftView<'_>, lang: Lang, actors: &mut ActorTable, who: &mut ActorCountries<'_>) -> Result<SnapText> {
    let title = view.root_object(keys::TITLE, ObjType::Map)?;
    match view.get(&title, lang.as_str())? {
        Some((Value::Object(ObjType::Text), obj)) => text_snap(view, &obj, false, actors, who),
        _ => Ok(SnapText { text: view.title(lang)?, ..SnapText::default() }),
    }
}

impl Draft {
    /// The snapshot of the draft at `heads` (`None`: as it stands), for comparisons.
    /// `country_of` maps actor ids to delegations (the server's bindings).
    ///
    /// Reads the whole history up to the heads (for its deletions). Fails with
    /// [`DraftError::UnknownHeads`] if the heads name a change this document does not have.
    pub fn snapshot(&mut self, heads: Option<&[ChangeHash]>, country_of: CountryOf<'_>) -> Result<Snapshot> {
        self.clean()?;
        let heads = match heads {
            None => self.doc.get_heads(),
            Some(h) if credit::has_heads(&self.doc, h) => h.to_vec(),
            Some(h) => return Err(DraftError::UnknownHeads(h.iter().map(ChangeHash::to_string).collect::<Vec<_>>().join(","))),
        };
        let paragraphs_obj = self.peek().root_object(keys::PARAGRAPHS, ObjType::Map)?;
        let mut who = ActorCountries::new(country_of);
        let mut actors = ActorTable::default();
        let (deleted_chars, deleted_paragraphs, proposed_moves) =
            credit::deletions(&mut self.doc, &heads, &paragraphs_obj, &mut who, &mut actors);
        let view = DraftView::new(&self.doc, Some(&heads));
        let mut paragraphs = Vec::new();
        let mut proposals = Bilingual { en: Vec::new(), es: Vec::new() };
        for id in view.paragraph_ids()? {
            let p = view.paragraph_obj(&id)?;
            let path = format!("paragraphs/{id}");
            let kind: ParagraphKind = view.string(&p, keys::P_KIND, &format!("{path}/kind"))?.parse()?;
            let status: Status = view.string(&p, keys::P_STATUS, &format!("{path}/status"))?.parse()?;
            let mut text = Bilingual { en: SnapText::default(), es: SnapText::default() };
            for lang in Lang::ALL {
                let obj = view.text_obj(&id, lang)?;
                *text.get_mut(lang) = text_snap(&view, &obj, true, &mut actors, &mut who)?;
                text.get_mut(lang).em = crate::compare::emphasis::italic_runs(&view.segments(&id, lang)?);
                proposals.get_mut(lang).extend(view.paragraph_suggestions(&id, lang)?.into_iter().map(|s| ProposalNote {
                    id: s.id,
                    country: s.country,
                    kind: s.kind,
                    paragraph: s.paragraph,
                    text: s.text,
                }));
            }
            let pending = view.paragraph_proposals(&id)?.into_iter().map(|p| (p.kind, p.country)).collect();
            paragraphs.push(SnapParagraph { id, kind, status, text, pending });
        }
        let title =
            Bilingual { en: title_snap(&view, Lang::En, &mut actors, &mut who)?, es: title_snap(&view, Lang::Es, &mut actors, &mut who)? };
        Ok(Snapshot {
            format: SNAPSHOT_FORMAT,
            heads: heads.iter().map(ChangeHash::to_string).collect(),
            actors: actors.hex,
            title,
            paragraphs,
            proposals,
            deleted_chars,
            deleted_paragraphs,
            proposed_moves,
        })
    }
}
