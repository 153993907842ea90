//! Paragraphs: insert, move, delete, their fields, direct text edits and formatting.

use automerge::marks::{ExpandMark, Mark};
use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};
use sha2::{Digest, Sha256};

use crate::Result;
use crate::draft::{Draft, KnownLen};
use crate::error::DraftError;
use crate::ids::{Country, Lang, ParagraphId};
use crate::markdown::parse_inline;
use crate::schema::{Bilingual, NewParagraph, ParagraphKind, Status, keys};

/// Inline formatting a chair or pen-holder may apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Bold (`strong` mark).
    Strong,
    /// Italic (`em` mark).
    Em,
}

impl Format {
    fn mark_name(self) -> &'static str {
        match self {
            Format::Strong => keys::STRONG,
            Format::Em => keys::EM,
        }
    }
}

/// Whether a paragraph's two texts are confirmed to say the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Concordance {
    /// Both texts are as they were when the secretariat confirmed them.
    Confirmed,
    /// Confirmed once, but a text has changed since.
    OutOfConcordance,
    /// Never confirmed.
    Unconfirmed,
}

/// The digest stored in `concordance`: SHA-256 of the text, in hex.
pub fn text_digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Draft {
    /// Inserts a paragraph at `index` in reading order (`index == len` appends) and returns
    /// its new id. Its text is inline markdown; it starts `open`.
    pub fn insert_paragraph(&mut self, index: usize, new: NewParagraph) -> Result<ParagraphId> {
        self.prepare_local()?;
        let raw_index = self.raw_order_index(index, None)?;
        self.create_paragraph_at_raw(raw_index, new)
    }

    /// Appends paragraphs after the last one, in order, and returns their new ids: what
    /// [`Draft::insert_paragraph`] at the end does for each, but the reading order is read
    /// once for all of them rather than once per paragraph (which made a 2,000-paragraph
    /// zero draft take seconds: reading the order costs in proportion to its length).
    pub fn append_paragraphs(&mut self, paragraphs: impl IntoIterator<Item = NewParagraph>) -> Result<Vec<ParagraphId>> {
        self.prepare_local()?;
        let order = self.peek().root_object(keys::ORDER, ObjType::List)?;
        // The raw list may hold stale or duplicate entries; appending after all of them is
        // appending after the last paragraph.
        let start = self.doc.length(&order);
        let mut ids = Vec::new();
        for (i, new) in paragraphs.into_iter().enumerate() {
            ids.push(self.create_paragraph_at_raw(start + i, new)?);
        }
        Ok(ids)
    }

    /// Creates a paragraph and puts its id at `raw_index` of the raw `order` list.
    pub(crate) fn create_paragraph_at_raw(&mut self, raw_index: usize, new: NewParagraph) -> Result<ParagraphId> {
        let id = ParagraphId::random();
        let paragraphs = self.peek().root_object(keys::PARAGRAPHS, ObjType::Map)?;
        let order = self.peek().root_object(keys::ORDER, ObjType::List)?;
        let doc = &mut self.doc;
        let p = doc.put_object(&paragraphs, id.as_str(), ObjType::Map)?;
        doc.put(&p, keys::P_KIND, new.kind.as_str())?;
        doc.put(&p, keys::P_STATUS, Status::Open.as_str())?;
        let editors = doc.put_object(&p, keys::P_EDITORS, ObjType::List)?;
        for (i, c) in new.editors.iter().enumerate() {
            doc.insert(&editors, i, c.as_str())?;
        }
        match new.section {
            Some(s) => doc.put(&p, keys::P_SECTION, ScalarValue::Int(s))?,
            None => doc.put(&p, keys::P_SECTION, ScalarValue::Null)?,
        }
        doc.put(&p, keys::P_CONCORDANCE, ScalarValue::Null)?;
        // Made with the paragraph, so two delegations proposing the first alternatives (or
        // the first paragraph proposals) at once add to one map instead of each creating
        // their own.
        doc.put_object(&p, keys::P_ALTERNATIVES, ObjType::Map)?;
        doc.put_object(&p, keys::P_PROPOSALS, ObjType::Map)?;
        let texts = doc.put_object(&p, keys::P_TEXT, ObjType::Map)?;
        for lang in Lang::ALL {
            let text = doc.put_object(&texts, lang.as_str(), ObjType::Text)?;
            write_inline_markdown(doc, &text, new.text.get(lang))?;
        }
        let raw_len = doc.length(&order);
        doc.insert(&order, raw_index.min(raw_len), id.as_str())?;
        Ok(id)
    }

    /// Moves a paragraph to `index` in reading order, counted without the paragraph itself.
    /// Also removes duplicate entries left by concurrent moves.
    pub fn move_paragraph(&mut self, id: &ParagraphId, index: usize) -> Result<()> {
        self.prepare_local()?;
        self.peek().paragraph_obj(id)?;
        self.remove_from_order(id, false)?;
        let raw_index = self.raw_order_index(index, Some(id))?;
        let order = self.peek().root_object(keys::ORDER, ObjType::List)?;
        self.doc.insert(&order, raw_index, id.as_str())?;
        Ok(())
    }

    /// Deletes a paragraph. Comment threads on it stay, detached, with their quotes.
    pub fn delete_paragraph(&mut self, id: &ParagraphId) -> Result<()> {
        self.prepare_local()?;
        self.peek().paragraph_obj(id)?;
        self.remove_from_order(id, true)?;
        let paragraphs = self.peek().root_object(keys::PARAGRAPHS, ObjType::Map)?;
        self.doc.delete(&paragraphs, id.as_str())?;
        self.forget_paragraph(id);
        Ok(())
    }

    /// Removes a paragraph's places from `order` and, with `targets`, also the places
    /// pending moves would put it.
    fn remove_from_order(&mut self, id: &ParagraphId, targets: bool) -> Result<()> {
        use crate::paragraph_proposals::OrderEntry;
        let order = self.peek().root_object(keys::ORDER, ObjType::List)?;
        let raw = self.peek().string_list(&order, keys::ORDER)?;
        for (i, entry) in raw.iter().enumerate().rev() {
            let remove = match OrderEntry::parse(entry) {
                Some(OrderEntry::Paragraph(p)) => &p == id,
                Some(OrderEntry::MoveTarget { paragraph, .. }) => targets && &paragraph == id,
                None => false,
            };
            if remove {
                self.doc.delete(&order, i)?;
            }
        }
        Ok(())
    }

    /// The position in the raw `order` list before which a paragraph lands when it is put
    /// at reading position `index`. `ignore` is a paragraph not to count.
    fn raw_order_index(&self, index: usize, ignore: Option<&ParagraphId>) -> Result<usize> {
        let view = self.peek();
        let visible = view.paragraph_ids()?;
        let visible: Vec<_> = visible.iter().filter(|p| Some(*p) != ignore).collect();
        if index > visible.len() {
            return Err(DraftError::IndexOutOfRange { index, len: visible.len() });
        }
        let order = view.root_object(keys::ORDER, ObjType::List)?;
        let raw = view.string_list(&order, keys::ORDER)?;
        if index == visible.len() {
            return Ok(raw.len());
        }
        let target = visible[index].as_str();
        Ok(raw.iter().position(|e| e == target).unwrap_or(raw.len()))
    }

    fn paragraph_obj_mut(&self, id: &ParagraphId) -> Result<ObjId> {
        self.peek().paragraph_obj(id)
    }

    /// Sets a paragraph's status.
    pub fn set_status(&mut self, id: &ParagraphId, status: Status) -> Result<()> {
        self.prepare_local()?;
        let p = self.paragraph_obj_mut(id)?;
        self.doc.put(&p, keys::P_STATUS, status.as_str())?;
        Ok(())
    }

    /// Sets a paragraph's kind.
    pub fn set_kind(&mut self, id: &ParagraphId, kind: ParagraphKind) -> Result<()> {
        self.prepare_local()?;
        let p = self.paragraph_obj_mut(id)?;
        self.doc.put(&p, keys::P_KIND, kind.as_str())?;
        Ok(())
    }

    /// Sets the agenda session a paragraph belongs to.
    pub fn set_section(&mut self, id: &ParagraphId, section: Option<i64>) -> Result<()> {
        self.prepare_local()?;
        let p = self.paragraph_obj_mut(id)?;
        let value = section.map_or(ScalarValue::Null, ScalarValue::Int);
        self.doc.put(&p, keys::P_SECTION, value)?;
        Ok(())
    }

    /// Replaces the list of countries that may direct-edit a paragraph.
    pub fn set_editors(&mut self, id: &ParagraphId, editors: &[Country]) -> Result<()> {
        self.prepare_local()?;
        let p = self.paragraph_obj_mut(id)?;
        let list = match self.doc.get(&p, keys::P_EDITORS)? {
            Some((Value::Object(ObjType::List), list)) => list,
            _ => self.doc.put_object(&p, keys::P_EDITORS, ObjType::List)?,
        };
        for i in (0..self.doc.length(&list)).rev() {
            self.doc.delete(&list, i)?;
        }
        for (i, c) in editors.iter().enumerate() {
            self.doc.insert(&list, i, c.as_str())?;
        }
        Ok(())
    }

    /// Records that both texts of a paragraph, as they stand now, say the same thing.
    pub fn confirm_concordance(&mut self, id: &ParagraphId) -> Result<()> {
        self.prepare_local()?;
        let p = self.paragraph_obj_mut(id)?;
        let en = text_digest(&self.text(id, Lang::En)?);
        let es = text_digest(&self.text(id, Lang::Es)?);
        let c = self.doc.put_object(&p, keys::P_CONCORDANCE, ObjType::Map)?;
        self.doc.put(&c, "en", en)?;
        self.doc.put(&c, "es", es)?;
        Ok(())
    }

    /// Clears a paragraph's concordance record.
    pub fn clear_concordance(&mut self, id: &ParagraphId) -> Result<()> {
        self.prepare_local()?;
        let p = self.paragraph_obj_mut(id)?;
        self.doc.put(&p, keys::P_CONCORDANCE, ScalarValue::Null)?;
        Ok(())
    }

    /// Whether a paragraph's texts are still as confirmed.
    pub fn concordance(&mut self, id: &ParagraphId) -> Result<Concordance> {
        let p = self.paragraph(id)?;
        Ok(match p.concordance {
            None => Concordance::Unconfirmed,
            Some(c) if c.en == text_digest(&p.text.en) && c.es == text_digest(&p.text.es) => Concordance::Confirmed,
            Some(_) => Concordance::OutOfConcordance,
        })
    }

    /// A direct edit: deletes `delete` characters at `pos` and inserts `insert` there, with
    /// no tracked-change marks (chairs, the secretariat, a paragraph's own editors).
    ///
    /// Inserted characters take the formatting around them. Automerge also gives them the
    /// proposal marks whose range they fall inside, but a proposal covers only characters
    /// its value names (see [`crate::schema::TrackMarkValue`]), so they are not counted as
    /// anyone's proposal.
    pub fn splice(&mut self, id: &ParagraphId, lang: Lang, pos: usize, delete: usize, insert: &str) -> Result<()> {
        // A run of direct edits to one text knows its length from the previous edit.
        let known = self.known_len.take().filter(|k| k.paragraph == *id && k.lang == lang);
        self.prepare_local()?;
        let obj = self.text_obj(id, lang)?;
        let len = match &known {
            Some(k) => k.len,
            None => self.doc.length(&obj),
        };
        Draft::check_range(id, lang, pos, pos.saturating_add(delete), len)?;
        self.doc.splice_text(&obj, pos, delete as isize, insert)?;
        let inserted = insert.chars().count();
        if let Some(shadow) = self.shadow_if_built(id, lang) {
            shadow.delete(pos, delete);
            shadow.insert(pos, inserted);
        }
        let mut known = known.unwrap_or_else(|| KnownLen { paragraph: id.clone(), lang, len });
        known.len = len - delete + inserted;
        self.known_len = Some(known);
        Ok(())
    }

    /// Turns bold or italic on or off over `start..end`.
    pub fn set_format(&mut self, id: &ParagraphId, lang: Lang, start: usize, end: usize, format: Format, on: bool) -> Result<()> {
        self.prepare_local()?;
        let obj = self.text_obj(id, lang)?;
        let len = self.doc.length(&obj);
        Draft::check_range(id, lang, start, end, len)?;
        if start == end {
            return Err(DraftError::EmptyRange { paragraph: id.clone(), lang, at: start });
        }
        if on {
            let mark = Mark::new(format.mark_name().to_owned(), true, start, end);
            self.doc.mark(&obj, mark, ExpandMark::After)?;
        } else {
            self.doc.unmark(&obj, format.mark_name(), start, end, ExpandMark::After)?;
        }
        Ok(())
    }

    /// A direct edit of the title.
    pub fn splice_title(&mut self, lang: Lang, pos: usize, delete: usize, insert: &str) -> Result<()> {
        self.prepare_local()?;
        let title = self.peek().root_object(keys::TITLE, ObjType::Map)?;
        let obj = self.peek().object(&title, lang.as_str(), ObjType::Text, "title")?;
        let len = self.doc.length(&obj);
        if pos.saturating_add(delete) > len {
            return Err(DraftError::malformed(
                format!("title/{lang}"),
                format!("range {pos}..{} is outside the title ({len} characters)", pos + delete),
            ));
        }
        self.doc.splice_text(&obj, pos, delete as isize, insert)?;
        Ok(())
    }

    /// Both texts of a paragraph.
    pub fn texts(&mut self, id: &ParagraphId) -> Result<Bilingual<String>> {
        Ok(Bilingual { en: self.text(id, Lang::En)?, es: self.text(id, Lang::Es)? })
    }
}

/// Writes inline markdown into an empty text object as text plus `strong`/`em` marks.
pub(crate) fn write_inline_markdown(doc: &mut automerge::AutoCommit, text: &ObjId, markdown: &str) -> Result<()> {
    let runs = parse_inline(markdown);
    // All text first, then marks: a mark that expands would otherwise swallow the next run.
    let plain: String = runs.iter().map(|r| r.text.as_str()).collect();
    doc.splice_text(text, 0, 0, &plain)?;
    let mut pos = 0;
    for run in runs {
        let len = run.text.chars().count();
        for (on, name) in [(run.strong, keys::STRONG), (run.em, keys::EM)] {
            if on {
                doc.mark(text, Mark::new(name.to_owned(), true, pos, pos + len), ExpandMark::After)?;
            }
        }
        pos += len;
    }
    Ok(())
}
