//! [`Draft`]: one negotiated text, one automerge document.

use std::collections::HashMap;

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, Change, ChangeHash, ObjId, ObjType, ScalarValue};

use crate::error::DraftError;
use crate::ids::{Lang, ParagraphId};
use crate::schema::{keys, Bilingual, DraftKind, Paragraph, SCHEMA_VERSION};
use crate::view::DraftView;
use crate::Result;

/// A negotiated draft: the Joint Communiqué or the Concept Note, in English and Spanish.
///
/// Wraps an [`AutoCommit`] document with the schema of DESIGN §3. Edits accumulate in an
/// open transaction until [`Draft::commit`] (or anything that needs heads or bytes, which
/// commits first). Nothing here blocks or does I/O.
#[derive(Debug)]
pub struct Draft {
    pub(crate) doc: AutoCommit,
    /// Object ids of paragraph texts, looked up once per paragraph and language.
    /// Cleared whenever changes from elsewhere arrive, since a merge may replace objects.
    texts: HashMap<(ParagraphId, Lang), ObjId>,
}

impl Draft {
    /// A new empty draft of the given kind and title, with a random actor id.
    pub fn new(kind: DraftKind, title: Bilingual<&str>) -> Result<Draft> {
        let mut doc = AutoCommit::new();
        doc.put(&ObjId::Root, keys::SCHEMA, ScalarValue::Int(SCHEMA_VERSION))?;
        doc.put(&ObjId::Root, keys::KIND, kind.as_str())?;
        let t = doc.put_object(&ObjId::Root, keys::TITLE, ObjType::Map)?;
        for lang in Lang::ALL {
            let text = doc.put_object(&t, lang.as_str(), ObjType::Text)?;
            doc.splice_text(&text, 0, 0, title.get(lang))?;
        }
        doc.put_object(&ObjId::Root, keys::ORDER, ObjType::List)?;
        doc.put_object(&ObjId::Root, keys::PARAGRAPHS, ObjType::Map)?;
        doc.put_object(&ObjId::Root, keys::THREADS, ObjType::Map)?;
        doc.commit();
        Ok(Draft::wrap(doc))
    }

    fn wrap(doc: AutoCommit) -> Draft {
        Draft {
            doc,
            texts: HashMap::new(),
        }
    }

    /// Wraps an existing automerge document, checking that it is a draft (schema version,
    /// kind, and the root objects).
    pub fn from_automerge(doc: AutoCommit) -> Result<Draft> {
        let draft = Draft::wrap(doc);
        draft.check_root()?;
        Ok(draft)
    }

    /// Loads a draft from bytes written by [`Draft::save`] (or any automerge save of a draft).
    ///
    /// Fails, never returns an empty draft, if the bytes are not a draft.
    pub fn load(bytes: &[u8]) -> Result<Draft> {
        Draft::from_automerge(AutoCommit::load(bytes)?)
    }

    fn check_root(&self) -> Result<()> {
        let v = self.view();
        match v.scalar(&ObjId::Root, keys::SCHEMA)?.as_deref() {
            Some(s) if crate::view::scalar_int(s) == Some(SCHEMA_VERSION) => {}
            Some(s) => return Err(DraftError::malformed(keys::SCHEMA, format!("unsupported schema {s}"))),
            None => return Err(DraftError::malformed(keys::SCHEMA, "missing: not a Pluma draft")),
        }
        v.kind()?;
        v.root_object(keys::TITLE, ObjType::Map)?;
        v.root_object(keys::ORDER, ObjType::List)?;
        v.root_object(keys::PARAGRAPHS, ObjType::Map)?;
        v.root_object(keys::THREADS, ObjType::Map)?;
        Ok(())
    }

    /// Sets the automerge actor id used for this replica's changes from now on.
    pub fn set_actor(&mut self, actor: ActorId) {
        self.doc.set_actor(actor);
    }

    /// The automerge actor id of this replica.
    pub fn actor(&self) -> &ActorId {
        self.doc.get_actor()
    }

    /// A view of the current state.
    pub fn view(&self) -> DraftView<'_> {
        DraftView::new(&self.doc, None)
    }

    /// A view of the draft as it was at `heads` (a saved version).
    pub fn view_at<'a>(&'a self, heads: &'a [ChangeHash]) -> DraftView<'a> {
        DraftView::new(&self.doc, Some(heads))
    }

    /// The underlying automerge document, read-only.
    pub fn automerge(&self) -> &AutoCommit {
        &self.doc
    }

    /// The underlying automerge document, for the sync protocol. Clears cached object ids,
    /// since whatever is done through it may bring changes from elsewhere.
    pub fn automerge_mut(&mut self) -> &mut AutoCommit {
        self.texts.clear();
        &mut self.doc
    }

    /// Unwraps the automerge document.
    pub fn into_automerge(self) -> AutoCommit {
        self.doc
    }

    // ---- history and bytes ----

    /// Commits pending edits as one change; `None` if there were none.
    pub fn commit(&mut self) -> Option<ChangeHash> {
        self.doc.commit()
    }

    /// Commits pending edits as one change with a message and a timestamp (unix ms).
    pub fn commit_with(&mut self, message: &str, at_ms: i64) -> Option<ChangeHash> {
        self.doc.commit_with(
            automerge::transaction::CommitOptions::default()
                .with_message(message.to_owned())
                .with_time(at_ms / 1000),
        )
    }

    /// Current heads (commits pending edits first).
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// The whole document, compressed.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The changes since the last `save` or `save_incremental`, to append to a log.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.doc.save_incremental()
    }

    /// Applies changes saved by another replica (`save_incremental`, or whole documents).
    /// Returns the number of operations applied.
    pub fn load_incremental(&mut self, bytes: &[u8]) -> Result<usize> {
        self.texts.clear();
        Ok(self.doc.load_incremental(bytes)?)
    }

    /// Applies individual changes.
    pub fn apply_changes(&mut self, changes: Vec<Change>) -> Result<()> {
        self.texts.clear();
        self.doc.apply_changes(changes)?;
        Ok(())
    }

    /// The changes made since `heads` (all changes for empty heads).
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<Change> {
        self.doc.get_changes(heads)
    }

    /// Merges another replica's changes into this one.
    pub fn merge(&mut self, other: &mut Draft) -> Result<Vec<ChangeHash>> {
        self.texts.clear();
        Ok(self.doc.merge(&mut other.doc)?)
    }

    /// An independent copy with a new random actor id.
    pub fn fork(&mut self) -> Draft {
        Draft::wrap(self.doc.fork())
    }

    /// An independent copy of the draft as it was at `heads`, with a new random actor id.
    pub fn fork_at(&mut self, heads: &[ChangeHash]) -> Result<Draft> {
        Ok(Draft::wrap(self.doc.fork_at(heads)?))
    }

    // ---- reading shortcuts (see DraftView for the rest) ----

    /// The kind of draft.
    pub fn kind(&self) -> Result<DraftKind> {
        self.view().kind()
    }

    /// The title in one language.
    pub fn title(&self, lang: Lang) -> Result<String> {
        self.view().title(lang)
    }

    /// Paragraph ids in reading order.
    pub fn paragraph_ids(&self) -> Result<Vec<ParagraphId>> {
        self.view().paragraph_ids()
    }

    /// One paragraph.
    pub fn paragraph(&self, id: &ParagraphId) -> Result<Paragraph> {
        self.view().paragraph(id)
    }

    /// Every paragraph in reading order.
    pub fn paragraphs(&self) -> Result<Vec<Paragraph>> {
        self.view().paragraphs()
    }

    /// The text of one paragraph in one language.
    pub fn text(&self, id: &ParagraphId, lang: Lang) -> Result<String> {
        self.view().text(id, lang)
    }

    // ---- helpers for the editing modules ----

    /// The text object of a paragraph's language, cached for repeated edits.
    pub(crate) fn text_obj(&mut self, id: &ParagraphId, lang: Lang) -> Result<ObjId> {
        if let Some(obj) = self.texts.get(&(id.clone(), lang)) {
            return Ok(obj.clone());
        }
        let obj = self.view().text_obj(id, lang)?;
        self.texts.insert((id.clone(), lang), obj.clone());
        Ok(obj)
    }

    /// Forgets cached object ids of one paragraph (after it is deleted or replaced).
    pub(crate) fn forget_paragraph(&mut self, id: &ParagraphId) {
        self.texts.retain(|(p, _), _| p != id);
    }

    /// Checks that `start..end` lies within a text of length `len`.
    pub(crate) fn check_range(
        id: &ParagraphId,
        lang: Lang,
        start: usize,
        end: usize,
        len: usize,
    ) -> Result<()> {
        if start > end || end > len {
            return Err(DraftError::OutOfRange {
                paragraph: id.clone(),
                lang,
                start,
                end,
                len,
            });
        }
        Ok(())
    }
}
