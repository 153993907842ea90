//! [`Draft`]: one negotiated text, one automerge document.

use std::collections::HashMap;

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ChangeHash, ObjId, ObjType, ScalarValue};

use crate::Result;
use crate::error::DraftError;
use crate::ids::{Lang, ParagraphId};
use crate::schema::{Bilingual, DraftKind, Paragraph, SCHEMA_VERSION, keys};
use crate::text_state::{MarkShadow, PendingInsert, TextState};
use crate::view::DraftView;

mod history;

/// A negotiated draft: the Joint Communiqué or the Concept Note, in English and Spanish.
///
/// Wraps an [`AutoCommit`] document with the schema of ARCHITECTURE §3. Edits accumulate in an
/// open transaction until [`Draft::commit`] (or anything that needs heads or bytes, which
/// commits first). Reads take `&mut self` because the current run of suggested typing is
/// marked lazily (see [`crate::text_state`]) and is completed before anything reads the
/// document. Nothing here blocks or does I/O.
#[derive(Debug)]
pub struct Draft {
    pub(crate) doc: AutoCommit,
    /// Object ids (and mark shadows) of paragraph texts, English then Spanish, looked up
    /// once. Cleared whenever changes from elsewhere arrive, since a merge may replace
    /// objects and marks.
    texts: HashMap<ParagraphId, [Option<TextState>; 2]>,
    /// The current run of suggested typing, not yet marked.
    pub(crate) pending: Option<PendingInsert>,
    /// Whether the document changed in memory (edits of this replica, or changes from
    /// elsewhere) since it was last loaded from bytes. See [`Draft::clean`].
    dirty: bool,
    /// The length of the text the last direct edit changed, so that a run of direct edits
    /// checks its positions without asking automerge for the length each time (which costs
    /// in proportion to the text). Forgotten by every other edit and by changes from
    /// elsewhere.
    pub(crate) known_len: Option<KnownLen>,
}

/// The length of one paragraph text, as it stood after this replica's last direct edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KnownLen {
    pub(crate) paragraph: ParagraphId,
    pub(crate) lang: Lang,
    pub(crate) len: usize,
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
        Draft { doc, texts: HashMap::new(), pending: None, dirty: false, known_len: None }
    }

    /// Wraps an existing automerge document, checking that it is a draft (schema version,
    /// kind, and the root objects).
    ///
    /// The document's in-memory history is unknown, so the first read reloads it from its
    /// own bytes (see [`Draft::clean`]).
    pub fn from_automerge(doc: AutoCommit) -> Result<Draft> {
        let mut draft = Draft::wrap(doc);
        draft.check_root()?;
        draft.dirty = true;
        Ok(draft)
    }

    /// Loads a draft from bytes written by [`Draft::save`] (or any automerge save of a draft).
    ///
    /// Fails, never returns an empty draft, if the bytes are not a draft.
    pub fn load(bytes: &[u8]) -> Result<Draft> {
        let draft = Draft::wrap(AutoCommit::load(bytes)?);
        draft.check_root()?;
        Ok(draft)
    }

    /// Checks that an automerge document has the shape of a draft (schema version, kind and
    /// root objects) without wrapping it.
    pub fn check_automerge(doc: &AutoCommit) -> Result<()> {
        Draft::check_view(&DraftView::new(doc, None))
    }

    fn check_root(&self) -> Result<()> {
        Draft::check_view(&self.peek())
    }

    fn check_view(v: &DraftView<'_>) -> Result<()> {
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
        self.settle();
        self.doc.set_actor(actor);
    }

    /// The automerge actor id of this replica.
    pub fn actor(&self) -> &ActorId {
        self.doc.get_actor()
    }

    /// A view of the current state (completes the current run of suggested typing, and
    /// reads from a clean copy of the document; see [`Draft::clean`]).
    pub fn view(&mut self) -> DraftView<'_> {
        self.settle_clean();
        DraftView::new(&self.doc, None)
    }

    /// A view of the draft as it was at `heads` (a saved version).
    pub fn view_at<'a>(&'a mut self, heads: &'a [ChangeHash]) -> DraftView<'a> {
        self.settle_clean();
        DraftView::new(&self.doc, Some(heads))
    }

    /// A view without completing pending typing: for code that has just done so.
    pub(crate) fn peek(&self) -> DraftView<'_> {
        DraftView::new(&self.doc, None)
    }

    /// The underlying automerge document, read-only (clean, as for [`Draft::view`]).
    pub fn automerge(&mut self) -> &AutoCommit {
        self.settle_clean();
        &self.doc
    }

    /// The underlying automerge document, for the sync protocol. Clears cached state,
    /// since whatever is done through it may bring changes from elsewhere.
    pub fn automerge_mut(&mut self) -> &mut AutoCommit {
        self.settle();
        self.forget_texts();
        self.dirty = true;
        &mut self.doc
    }

    /// Unwraps the automerge document.
    pub fn into_automerge(mut self) -> AutoCommit {
        self.settle();
        self.doc
    }

    /// Makes sure the document in memory reads as its own bytes do.
    ///
    /// automerge 0.12 can report wrong marks (the name and value of another mark, even of
    /// another text) for a document that was edited in memory — by local transactions and
    /// changes applied from other replicas in turn — while the same history loaded from
    /// bytes reads correctly. A wrong mark would credit a proposal to the wrong country, so
    /// before anything reads marks, a document changed in memory since its last load is
    /// reloaded from its own bytes (keeping its actor): one save and one load. Edits do not
    /// read marks from the document (proposals use the mark shadow, built from a clean
    /// read), so a burst of typing pays nothing. A document that is loaded, read and edited
    /// once (the server's per-request drafts) never pays it either.
    pub(crate) fn clean(&mut self) -> Result<()> {
        self.flush()?;
        if self.dirty {
            let actor = self.doc.get_actor().clone();
            let bytes = self.doc.save();
            self.doc = AutoCommit::load(&bytes)?.with_actor(actor);
            // Object ids carry an index into the actor table, which a reload may renumber:
            // look every cached text up again. The mark shadows stay: they followed every
            // edit of this replica, and changes from elsewhere already dropped them.
            let cached = std::mem::take(&mut self.texts);
            for (id, states) in cached {
                for (slot, state) in states.into_iter().enumerate() {
                    let Some(state) = state else { continue };
                    let lang = if slot == Lang::En as usize { Lang::En } else { Lang::Es };
                    if let Ok(obj) = self.peek().text_obj(&id, lang) {
                        self.texts.entry(id.clone()).or_default()[slot] = Some(TextState { obj, shadow: state.shadow });
                    }
                }
            }
            self.dirty = false;
        }
        Ok(())
    }

    /// [`Draft::clean`] where no error can be reported (views). Reloading a document's own
    /// bytes does not fail; should it ever, the view reads the document in memory.
    fn settle_clean(&mut self) {
        let cleaned = self.clean();
        debug_assert!(cleaned.is_ok(), "reloading the draft failed: {cleaned:?}");
    }

    /// Makes the document ready for an edit of this replica's own: completes pending
    /// typing and notes that the document is changing in memory.
    pub(crate) fn prepare_local(&mut self) -> Result<()> {
        self.flush()?;
        self.known_len = None;
        self.dirty = true;
        Ok(())
    }

    /// Marks the current run of suggested typing, if any. Every operation other than
    /// continuing that run calls this first.
    pub(crate) fn flush(&mut self) -> Result<()> {
        let Some(p) = self.pending.take() else { return Ok(()) };
        let obj = self.text_obj(&p.paragraph, p.lang)?;
        self.doc.mark(
            &obj,
            automerge::marks::Mark::new(p.name.clone(), p.json.clone(), p.start, p.end),
            automerge::marks::ExpandMark::None,
        )?;
        if let Some(shadow) = self.shadow_if_built(&p.paragraph, p.lang) {
            shadow.set(&p.name, Some(&p.json), p.start, p.end);
        }
        Ok(())
    }

    /// [`Draft::flush`] where no error can be reported. The pending run's range is kept
    /// exactly in step with this replica's edits and no merge happens while it is open,
    /// so marking it cannot fail; should it ever, the characters stay as typed, unmarked.
    fn settle(&mut self) {
        let flushed = self.flush();
        debug_assert!(flushed.is_ok(), "marking the pending run failed: {flushed:?}");
    }

    // ---- history and bytes ----

    /// Completes pending typing before reading the change history.
    pub(crate) fn settle_for_history(&mut self) {
        self.settle();
    }

    // ---- reading shortcuts (see DraftView for the rest) ----

    /// The kind of draft.
    pub fn kind(&mut self) -> Result<DraftKind> {
        self.view().kind()
    }

    /// The title in one language.
    pub fn title(&mut self, lang: Lang) -> Result<String> {
        self.view().title(lang)
    }

    /// Paragraph ids in reading order.
    pub fn paragraph_ids(&mut self) -> Result<Vec<ParagraphId>> {
        self.view().paragraph_ids()
    }

    /// One paragraph.
    pub fn paragraph(&mut self, id: &ParagraphId) -> Result<Paragraph> {
        self.view().paragraph(id)
    }

    /// Every paragraph in reading order.
    pub fn paragraphs(&mut self) -> Result<Vec<Paragraph>> {
        self.view().paragraphs()
    }

    /// The text of one paragraph in one language.
    pub fn text(&mut self, id: &ParagraphId, lang: Lang) -> Result<String> {
        self.view().text(id, lang)
    }

    /// The length in characters of a paragraph's text in one language. Unlike
    /// [`Draft::text`] it never reloads the document, so an editor can ask it after every
    /// keystroke.
    pub fn text_len(&mut self, id: &ParagraphId, lang: Lang) -> Result<usize> {
        let obj = self.text_obj(id, lang)?;
        Ok(automerge::ReadDoc::length(&self.doc, &obj))
    }

    // ---- helpers for the editing modules ----

    /// The text object of a paragraph's language, cached for repeated edits.
    pub(crate) fn text_obj(&mut self, id: &ParagraphId, lang: Lang) -> Result<ObjId> {
        Ok(self.text_state(id, lang)?.obj.clone())
    }

    fn text_state(&mut self, id: &ParagraphId, lang: Lang) -> Result<&mut TextState> {
        let slot = lang as usize;
        let cached = self.texts.get(id).is_some_and(|s| s[slot].is_some());
        if !cached {
            let obj = self.peek().text_obj(id, lang)?;
            self.texts.entry(id.clone()).or_default()[slot] = Some(TextState { obj, shadow: None });
        }
        self.texts.get_mut(id).and_then(|s| s[slot].as_mut()).ok_or_else(|| DraftError::UnknownParagraph(id.clone()))
    }

    /// The mark shadow of a text, read from the document if not yet built.
    pub(crate) fn shadow(&mut self, id: &ParagraphId, lang: Lang) -> Result<&mut MarkShadow> {
        let built = self.shadow_if_built(id, lang).is_some();
        if !built {
            // Read marks from a clean document; this may reload it, so object ids are
            // looked up afterwards.
            self.clean()?;
            let obj = self.text_obj(id, lang)?;
            let shadow = MarkShadow::build(&self.peek(), &obj)?;
            self.text_state(id, lang)?.shadow = Some(shadow);
        }
        let state = self.text_state(id, lang)?;
        Ok(state.shadow.get_or_insert_with(MarkShadow::default))
    }

    /// The mark shadow of a text if it has been built.
    pub(crate) fn shadow_if_built(&mut self, id: &ParagraphId, lang: Lang) -> Option<&mut MarkShadow> {
        self.texts.get_mut(id)?[lang as usize].as_mut()?.shadow.as_mut()
    }

    /// Forgets the mark shadow of a text (after edits it does not follow).
    pub(crate) fn forget_shadow(&mut self, id: &ParagraphId, lang: Lang) {
        if let Some(state) = self.texts.get_mut(id).and_then(|s| s[lang as usize].as_mut()) {
            state.shadow = None;
        }
    }

    /// Forgets every cached object id, mark shadow and length (changes from elsewhere may
    /// replace objects, marks and texts).
    fn forget_texts(&mut self) {
        self.texts.clear();
        self.known_len = None;
    }

    /// Forgets cached state of one paragraph (after it is deleted or replaced).
    pub(crate) fn forget_paragraph(&mut self, id: &ParagraphId) {
        self.texts.remove(id);
    }

    /// Checks that `start..end` lies within a text of length `len`.
    pub(crate) fn check_range(id: &ParagraphId, lang: Lang, start: usize, end: usize, len: usize) -> Result<()> {
        if start > end || end > len {
            return Err(DraftError::OutOfRange { paragraph: id.clone(), lang, start, end, len });
        }
        Ok(())
    }
}

/// Drops the patches automerge recorded while applying changes from elsewhere.
///
/// automerge 0.12 records a patch event for every operation it applies with
/// `apply_changes`, `load_incremental` or `merge`, even when nobody asked for patches, and
/// keeps them until the diff cursor is reset. A document that lives long and takes in
/// changes (a server's copy of a draft under negotiation) would grow without limit, and
/// every copy of it would copy them all. Nothing in Pluma reads those patches.
pub fn drop_patch_log(doc: &mut AutoCommit) {
    doc.reset_diff_cursor();
}
