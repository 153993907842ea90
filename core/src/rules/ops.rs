//! What a set of changes touches, read from their operations: each operation's object
//! resolved to its place in the draft, and for each paragraph text, what the operations did
//! to it (which characters they inserted, whether they deleted or replaced anything, which
//! marks they set). The text rules use the latter to judge a plain insertion, the usual
//! proposal, from the text after the change alone.

use std::collections::{BTreeSet, HashMap, HashSet};

use automerge::legacy::{Key, OpType};
use automerge::{AutoCommit, Change, Prop, ReadDoc, ScalarValue};

use super::{Violation, Who, check_mark_op, schema};
use crate::ids::Lang;
use crate::schema::keys;
use crate::view::CharId;

/// What one operation touched.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Touch {
    Title,
    Order,
    Paragraph(String),
    ParagraphField(String, String),
    Text(String, String),
    Thread(String),
}

/// What the operations did to one paragraph text.
#[derive(Debug, Default)]
pub(super) struct TextOps {
    /// The characters (and mark boundaries) inserted: op counters by actor (hex).
    pub(super) inserted: HashMap<String, HashSet<u64>>,
    /// Something other than inserting and marking: a deletion, an overwrite, a counter,
    /// or the text object itself replaced.
    pub(super) rewrites: bool,
    /// The marks set: name, value, and the op counter of their beginning (the end is the
    /// op after it; both are by the change's actor, in `inserted`).
    pub(super) marks: Vec<(String, ScalarValue, u64, String)>,
    /// The ops that end marks, by op counter and actor.
    pub(super) mark_ends: HashSet<(u64, String)>,
}

impl TextOps {
    /// Whether these operations inserted the character.
    pub(super) fn inserted(&self, c: &CharId) -> bool {
        self.inserted.get(&c.actor).is_some_and(|ctrs| ctrs.contains(&c.counter))
    }

    fn note_insert(&mut self, counter: u64, actor: &str) {
        match self.inserted.get_mut(actor) {
            Some(ctrs) => {
                ctrs.insert(counter);
            }
            None => {
                self.inserted.insert(actor.to_owned(), HashSet::from([counter]));
            }
        }
    }
}

/// Everything the changes touched.
#[derive(Debug, Default)]
pub(super) struct Touched {
    pub(super) touches: BTreeSet<Touch>,
    /// Per paragraph text (paragraph id, language).
    pub(super) texts: HashMap<(String, String), TextOps>,
    /// Proposal marks set under an id that does not name the mark's country (paragraph id,
    /// country, proposal id): allowed only where that country already uses the id in the
    /// paragraph (continuing a proposal made before ids named their country).
    pub(super) foreign_ids: BTreeSet<(String, crate::Country, crate::SuggestionId)>,
    /// Whether the rules must read everything touched before and after (see
    /// [`Touched::read_everything`]).
    everything: bool,
}

impl Touched {
    /// Whether the changes touched a paragraph's own fields (or the paragraph itself), as
    /// opposed to only its texts.
    pub(super) fn paragraph_fields(&self, id: &str) -> bool {
        self.everything
            || self.touches.iter().any(|t| match t {
                Touch::Paragraph(p) | Touch::ParagraphField(p, _) => p == id,
                _ => false,
            })
    }

    /// Forgets what the operations did, so that the rules read every touched paragraph and
    /// text before and after the changes (the thorough way, for tests).
    pub(super) fn read_everything(&mut self) {
        self.texts.clear();
        self.everything = true;
    }
}

/// Reads the changes' operations; checks each proposal mark they set on the way.
pub(super) fn scan(after: &AutoCommit, changes: &[Change], who: &Who) -> Result<Touched, Violation> {
    let mut out = Touched::default();
    // Objects resolved to their path once: a typed word is many operations on one text.
    let mut paths: HashMap<String, Vec<String>> = HashMap::new();
    for change in changes {
        let actor = change.actor_id().to_hex_string();
        let start = change.start_op().get();
        for (i, op) in change.decode().operations.into_iter().enumerate() {
            // First, so that no message below quotes a string XML or a database cannot hold.
            crate::clean::check_operation(&op)?;
            if let OpType::MarkBegin(data) = &op.action {
                check_mark_op(&data.name, &data.value, &actor, who)?;
            }
            let obj = op.obj.to_string();
            let path = match paths.get(&obj) {
                Some(p) => p,
                None => {
                    let p = path_of(after, &obj).ok_or_else(|| schema(format!("operation on unknown object {obj}")))?;
                    paths.entry(obj).or_insert(p)
                }
            };
            let key = match &op.key {
                Key::Map(k) => Some(k.to_string()),
                Key::Seq(_) => None,
            };
            let on_text_itself = key.is_none();
            let touch = classify(path, key)?;
            if let Touch::Text(id, lang) = &touch {
                let text = out.texts.entry((id.clone(), lang.clone())).or_default();
                match &op.action {
                    _ if !on_text_itself => text.rewrites = true,
                    OpType::MarkBegin(data) => {
                        if let Some(key) = foreign_id(&data.name, &data.value) {
                            out.foreign_ids.insert((id.clone(), key.0, key.1));
                        }
                        text.marks.push((data.name.to_string(), data.value.clone(), start + i as u64, actor.clone()));
                        text.note_insert(start + i as u64, &actor);
                    }
                    OpType::MarkEnd(_) if op.insert => {
                        text.mark_ends.insert((start + i as u64, actor.clone()));
                        text.note_insert(start + i as u64, &actor);
                    }
                    OpType::Put(_) if op.insert => text.note_insert(start + i as u64, &actor),
                    _ => text.rewrites = true,
                }
            }
            out.touches.insert(touch);
        }
    }
    Ok(out)
}

/// The country and id of a proposal mark whose id does not name that country.
fn foreign_id(name: &str, value: &ScalarValue) -> Option<(crate::Country, crate::SuggestionId)> {
    let mark = crate::schema::TrackMarkName::parse(name)?;
    let ScalarValue::Str(json) = value else { return None };
    let value = crate::schema::TrackMarkValue::parse(json)?;
    (!value.id.names_country(&mark.country)).then_some((mark.country, value.id))
}

/// Resolves an operation's object path (and map key) to what it touches in the draft.
fn classify(path: &[String], key: Option<String>) -> Result<Touch, Violation> {
    let mut p: Vec<&str> = path.iter().map(String::as_str).collect();
    if let Some(k) = &key {
        p.push(k);
    }
    Ok(match p.as_slice() {
        [keys::TITLE, "en" | "es", ..] => Touch::Title,
        [keys::ORDER, ..] => Touch::Order,
        [keys::PARAGRAPHS, id] => Touch::Paragraph((*id).to_owned()),
        [keys::PARAGRAPHS, id, keys::P_TEXT, lang, ..] if Lang::ALL.iter().any(|l| l.as_str() == *lang) => {
            // An op on the `text` map itself (putting a text object) or inside the text.
            Touch::Text((*id).to_owned(), (*lang).to_owned())
        }
        [keys::PARAGRAPHS, id, field, ..]
            if [
                keys::P_KIND,
                keys::P_STATUS,
                keys::P_EDITORS,
                keys::P_SECTION,
                keys::P_CONCORDANCE,
                keys::P_TEXT,
                keys::P_ALTERNATIVES,
                keys::P_PROPOSALS,
            ]
            .contains(field) =>
        {
            Touch::ParagraphField((*id).to_owned(), (*field).to_owned())
        }
        [keys::THREADS, id, ..] => Touch::Thread((*id).to_owned()),
        _ => return Err(schema(format!("a change outside the draft's schema at /{}", p.join("/")))),
    })
}

/// The path of an object in the document, as strings (map keys, list indexes).
fn path_of(doc: &AutoCommit, obj: &str) -> Option<Vec<String>> {
    if obj == "_root" {
        return Some(Vec::new());
    }
    let (id, _) = doc.import(obj).ok()?;
    let parents = doc.parents(&id).ok()?;
    Some(
        parents
            .path()
            .into_iter()
            .map(|(_, p)| match p {
                Prop::Map(k) => k,
                Prop::Seq(i) => i.to_string(),
            })
            .collect(),
    )
}
