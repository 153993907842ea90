//! Reading a draft, now or as it was at some heads.
//!
//! Every read of the document goes through [`DraftView`], so the same code lists the
//! paragraphs, proposals and threads of the current text and of any saved version.

use std::borrow::Cow;

use automerge::marks::Mark;
use automerge::{AutoCommit, ChangeHash, Cursor, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use crate::Result;
use crate::error::DraftError;
use crate::ids::{Country, Lang, ParagraphId};
use crate::schema::{Bilingual, DraftKind, Paragraph, ParagraphKind, Status, TrackMarkName, TrackMarkValue, keys};

/// A read-only view of a draft, either current or at a set of heads.
///
/// Cheap to copy; borrows the draft. Reads never block and never change the document.
#[derive(Debug, Clone, Copy)]
pub struct DraftView<'a> {
    pub(crate) doc: &'a AutoCommit,
    pub(crate) heads: Option<&'a [ChangeHash]>,
}

impl<'a> DraftView<'a> {
    pub(crate) fn new(doc: &'a AutoCommit, heads: Option<&'a [ChangeHash]>) -> Self {
        DraftView { doc, heads }
    }

    /// The heads this view reads at, or `None` for the current state.
    pub fn heads(&self) -> Option<&'a [ChangeHash]> {
        self.heads
    }

    // ---- low-level reads, all honouring `heads` ----

    pub(crate) fn get(&self, obj: &ObjId, prop: &str) -> Result<Option<(Value<'a>, ObjId)>> {
        Ok(match self.heads {
            None => self.doc.get(obj, prop)?,
            Some(h) => self.doc.get_at(obj, prop, h)?,
        })
    }

    pub(crate) fn get_index(&self, obj: &ObjId, index: usize) -> Result<Option<(Value<'a>, ObjId)>> {
        Ok(match self.heads {
            None => self.doc.get(obj, index)?,
            Some(h) => self.doc.get_at(obj, index, h)?,
        })
    }

    pub(crate) fn keys(&self, obj: &ObjId) -> Vec<String> {
        match self.heads {
            None => self.doc.keys(obj).collect(),
            Some(h) => self.doc.keys_at(obj, h).collect(),
        }
    }

    pub(crate) fn length(&self, obj: &ObjId) -> usize {
        match self.heads {
            None => self.doc.length(obj),
            Some(h) => self.doc.length_at(obj, h),
        }
    }

    pub(crate) fn text_of(&self, obj: &ObjId) -> Result<String> {
        Ok(match self.heads {
            None => self.doc.text(obj)?,
            Some(h) => self.doc.text_at(obj, h)?,
        })
    }

    pub(crate) fn marks(&self, obj: &ObjId) -> Result<Vec<Mark>> {
        Ok(match self.heads {
            None => self.doc.marks(obj)?,
            Some(h) => self.doc.marks_at(obj, h)?,
        })
    }

    pub(crate) fn cursor_position(&self, obj: &ObjId, cursor: &Cursor) -> Result<usize> {
        Ok(self.doc.get_cursor_position(obj, cursor, self.heads)?)
    }

    /// The cursor string (`counter@actor`) of the character at `index` of a text.
    pub(crate) fn cursor_at(&self, obj: &ObjId, index: usize) -> Result<String> {
        Ok(self.doc.get_cursor(obj, index, self.heads)?.to_string())
    }

    /// The id of the operation that inserted each character of a text, in order.
    ///
    /// Automerge's `list_range` over a text also yields the ops that begin and end marks
    /// (with the mark's value); characters are the items whose value is a one-code-point
    /// string. Our marks never have such values, but if the count does not match the text,
    /// this falls back to asking for the cursor of every index.
    pub(crate) fn char_ids(&self, obj: &ObjId) -> Result<Vec<CharId>> {
        Ok(self.text_layout(obj)?.0)
    }

    /// [`DraftView::char_ids`], and the other items of the text (the ops that begin and end
    /// marks) each with the number of characters before it; `None` for those if the
    /// characters had to be found by cursor.
    pub(crate) fn text_layout(&self, obj: &ObjId) -> Result<TextLayout> {
        let len = self.length(obj);
        let items = match self.heads {
            None => self.doc.list_range(obj, ..),
            Some(h) => self.doc.list_range_at(obj, .., h),
        };
        let mut out = Vec::with_capacity(len);
        let mut others = Vec::new();
        let mut hex_of: Vec<(usize, String)> = Vec::new();
        for item in items {
            let is_char = match &item.value {
                automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) => {
                    let mut chars = s.chars();
                    chars.next().is_some() && chars.next().is_none()
                }
                _ => false,
            };
            if let ObjId::Id(ctr, actor, index) = item.id() {
                // Most characters share a few actors: encode each actor's hex once.
                let hex = match hex_of.iter().find(|(i, _)| *i == index) {
                    Some((_, hex)) => hex.clone(),
                    None => {
                        let hex = actor.to_hex_string();
                        hex_of.push((index, hex.clone()));
                        hex
                    }
                };
                let id = CharId { counter: ctr, actor: hex };
                if is_char {
                    out.push(id);
                } else {
                    others.push((id, out.len()));
                }
            }
        }
        if out.len() == len {
            return Ok((out, Some(others)));
        }
        let ids = (0..len)
            .map(|i| {
                let cursor = self.cursor_at(obj, i)?;
                CharId::parse(&cursor).ok_or_else(|| DraftError::malformed("text", format!("unexpected cursor {cursor}")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((ids, None))
    }

    /// The proposal marks of a text as effective runs: marks whose value does not parse are
    /// ignored, and a selective value (`actor`, `seen`) covers only the characters it names.
    pub(crate) fn tracked_runs(&self, obj: &ObjId) -> Result<Vec<TrackedRun>> {
        tracked_runs_of(&self.marks(obj)?, || self.char_ids(obj))
    }

    /// The object stored at `obj[prop]`, checked to be of the given type.
    pub(crate) fn object(&self, obj: &ObjId, prop: &str, ty: ObjType, path: &str) -> Result<ObjId> {
        match self.get(obj, prop)? {
            Some((Value::Object(t), id)) if t == ty => Ok(id),
            Some((Value::Object(t), _)) => Err(DraftError::malformed(path, format!("expected {ty:?}, found {t:?}"))),
            Some(_) => Err(DraftError::malformed(path, format!("expected {ty:?}, found a scalar"))),
            None => Err(DraftError::malformed(path, "missing")),
        }
    }

    /// The scalar at `obj[prop]`, or `None` if the key is absent.
    pub(crate) fn scalar(&self, obj: &ObjId, prop: &str) -> Result<Option<Cow<'a, ScalarValue>>> {
        match self.get(obj, prop)? {
            Some((Value::Scalar(s), _)) => Ok(Some(s)),
            Some((Value::Object(_), _)) => Ok(None),
            None => Ok(None),
        }
    }

    pub(crate) fn string(&self, obj: &ObjId, prop: &str, path: &str) -> Result<String> {
        match self.get(obj, prop)? {
            Some((Value::Scalar(s), _)) => match s.as_ref() {
                ScalarValue::Str(s) => Ok(s.to_string()),
                other => Err(DraftError::malformed(path, format!("expected a string, found {other}"))),
            },
            Some((Value::Object(ObjType::Text), id)) => self.text_of(&id),
            Some((Value::Object(t), _)) => Err(DraftError::malformed(path, format!("expected a string, found {t:?}"))),
            None => Err(DraftError::malformed(path, "missing")),
        }
    }

    pub(crate) fn opt_int(&self, obj: &ObjId, prop: &str, path: &str) -> Result<Option<i64>> {
        match self.scalar(obj, prop)?.as_deref() {
            None | Some(ScalarValue::Null) => Ok(None),
            Some(v) => scalar_int(v).map(Some).ok_or_else(|| DraftError::malformed(path, format!("expected an integer, found {v}"))),
        }
    }

    pub(crate) fn bool(&self, obj: &ObjId, prop: &str, path: &str) -> Result<bool> {
        match self.scalar(obj, prop)?.as_deref() {
            Some(ScalarValue::Boolean(b)) => Ok(*b),
            None | Some(ScalarValue::Null) => Ok(false),
            Some(v) => Err(DraftError::malformed(path, format!("expected a boolean, found {v}"))),
        }
    }

    /// A list of strings, read element by element.
    pub(crate) fn string_list(&self, list: &ObjId, path: &str) -> Result<Vec<String>> {
        let len = self.length(list);
        let mut out = Vec::with_capacity(len);
        for i in 0..len {
            match self.get_index(list, i)? {
                Some((Value::Scalar(s), _)) => match s.as_ref() {
                    ScalarValue::Str(s) => out.push(s.to_string()),
                    other => return Err(DraftError::malformed(format!("{path}/{i}"), format!("expected a string, found {other}"))),
                },
                _ => return Err(DraftError::malformed(format!("{path}/{i}"), "expected a string")),
            }
        }
        Ok(out)
    }

    // ---- the draft's structure ----

    pub(crate) fn root_object(&self, key: &'static str, ty: ObjType) -> Result<ObjId> {
        self.object(&ObjId::Root, key, ty, key)
    }

    /// The kind of draft.
    pub fn kind(&self) -> Result<DraftKind> {
        Ok(self.string(&ObjId::Root, keys::KIND, keys::KIND)?.parse()?)
    }

    /// The title in one language.
    pub fn title(&self, lang: Lang) -> Result<String> {
        let title = self.root_object(keys::TITLE, ObjType::Map)?;
        self.string(&title, lang.as_str(), "title")
    }

    /// The paragraph ids in reading order. A paragraph listed twice (two concurrent moves)
    /// counts at its first place; ids whose paragraph was deleted are skipped.
    pub fn paragraph_ids(&self) -> Result<Vec<ParagraphId>> {
        let order = self.root_object(keys::ORDER, ObjType::List)?;
        let paragraphs = self.root_object(keys::PARAGRAPHS, ObjType::Map)?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for raw in self.string_list(&order, keys::ORDER)? {
            let Ok(id) = raw.parse::<ParagraphId>() else { continue };
            if !seen.insert(id.clone()) {
                continue;
            }
            if self.get(&paragraphs, id.as_str())?.is_some() {
                out.push(id);
            }
        }
        Ok(out)
    }

    pub(crate) fn paragraph_obj(&self, id: &ParagraphId) -> Result<ObjId> {
        let paragraphs = self.root_object(keys::PARAGRAPHS, ObjType::Map)?;
        match self.get(&paragraphs, id.as_str())? {
            Some((Value::Object(ObjType::Map), obj)) => Ok(obj),
            Some(_) => Err(DraftError::malformed(format!("paragraphs/{id}"), "expected a map")),
            None => Err(DraftError::UnknownParagraph(id.clone())),
        }
    }

    pub(crate) fn text_obj(&self, id: &ParagraphId, lang: Lang) -> Result<ObjId> {
        let p = self.paragraph_obj(id)?;
        let texts = self.object(&p, keys::P_TEXT, ObjType::Map, &format!("paragraphs/{id}/text"))?;
        self.object(&texts, lang.as_str(), ObjType::Text, &format!("paragraphs/{id}/text/{lang}"))
    }

    /// The text of one paragraph in one language, as it stands.
    pub fn text(&self, id: &ParagraphId, lang: Lang) -> Result<String> {
        let obj = self.text_obj(id, lang)?;
        self.text_of(&obj)
    }

    /// One paragraph with all its fields.
    pub fn paragraph(&self, id: &ParagraphId) -> Result<Paragraph> {
        let mut paragraph = self.paragraph_fields(id)?;
        paragraph.text = Bilingual { en: self.text(id, Lang::En)?, es: self.text(id, Lang::Es)? };
        Ok(paragraph)
    }

    /// A paragraph's fields (kind, status, editors, section, concordance) without reading
    /// its texts, which stay empty: for the rules, which judge texts character by character.
    pub(crate) fn paragraph_fields(&self, id: &ParagraphId) -> Result<Paragraph> {
        let p = self.paragraph_obj(id)?;
        let path = format!("paragraphs/{id}");
        let kind: ParagraphKind = self.string(&p, keys::P_KIND, &format!("{path}/kind"))?.parse()?;
        let status: Status = self.string(&p, keys::P_STATUS, &format!("{path}/status"))?.parse()?;
        let editors_path = format!("{path}/editors");
        let editors = match self.get(&p, keys::P_EDITORS)? {
            Some((Value::Object(ObjType::List), list)) => self
                .string_list(&list, &editors_path)?
                .into_iter()
                .map(|c| c.parse::<Country>())
                .collect::<std::result::Result<Vec<_>, _>>()?,
            None => Vec::new(),
            Some(_) => return Err(DraftError::malformed(editors_path, "expected a list")),
        };
        let section = self.opt_int(&p, keys::P_SECTION, &format!("{path}/section"))?;
        let concordance = match self.get(&p, keys::P_CONCORDANCE)? {
            Some((Value::Object(ObjType::Map), c)) => Some(Bilingual {
                en: self.string(&c, "en", &format!("{path}/concordance/en"))?,
                es: self.string(&c, "es", &format!("{path}/concordance/es"))?,
            }),
            Some((Value::Scalar(s), _)) if s.is_null() => None,
            None => None,
            Some(_) => return Err(DraftError::malformed(format!("{path}/concordance"), "expected a map or null")),
        };
        Ok(Paragraph { id: id.clone(), kind, status, editors, section, text: Bilingual::default(), concordance })
    }

    /// Every paragraph in reading order.
    pub fn paragraphs(&self) -> Result<Vec<Paragraph>> {
        self.paragraph_ids()?.iter().map(|id| self.paragraph(id)).collect()
    }
}

/// An integer from any of automerge's numeric scalars (JS writes whole numbers as ints,
/// but a float with no fraction is accepted too).
pub(crate) fn scalar_int(v: &ScalarValue) -> Option<i64> {
    match v {
        ScalarValue::Int(i) => Some(*i),
        ScalarValue::Uint(u) => i64::try_from(*u).ok(),
        ScalarValue::F64(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
        ScalarValue::Timestamp(t) => Some(*t),
        _ => None,
    }
}

/// A text's characters, and its other items (the ops that begin and end marks) each with
/// the number of characters before it, when known. See [`DraftView::text_layout`].
pub(crate) type TextLayout = (Vec<CharId>, Option<Vec<(CharId, usize)>>);

/// The op that inserted a character: its counter and actor (hex).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CharId {
    /// Op counter.
    pub counter: u64,
    /// Actor id in hex.
    pub actor: String,
}

impl CharId {
    /// From a cursor string `counter@actor` (or `-counter@actor`).
    pub(crate) fn parse(cursor: &str) -> Option<CharId> {
        let s = cursor.strip_prefix('-').unwrap_or(cursor);
        let (ctr, actor) = s.split_once('@')?;
        Some(CharId { counter: ctr.parse().ok()?, actor: actor.to_owned() })
    }
}

/// A run of characters under one effective proposal mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TrackedRun {
    pub(crate) name: TrackMarkName,
    pub(crate) value: TrackMarkValue,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// [`DraftView::tracked_runs`] from marks already read; `ids` gives the text's character ids
/// and is called at most once, only if a selective value needs them.
pub(crate) fn tracked_runs_of<I: AsRef<[CharId]>>(marks: &[Mark], ids: impl FnOnce() -> Result<I>) -> Result<Vec<TrackedRun>> {
    let mut runs = Vec::new();
    let mut ids = Some(ids);
    let mut char_ids: Option<I> = None;
    for m in marks {
        let Some(name) = TrackMarkName::parse(&m.name) else { continue };
        let ScalarValue::Str(s) = &m.value else { continue };
        let Some(value) = TrackMarkValue::parse(s) else { continue };
        if m.start >= m.end {
            continue;
        }
        if !value.is_selective() {
            runs.push(TrackedRun { name, value, start: m.start, end: m.end });
            continue;
        }
        if let Some(read) = ids.take() {
            char_ids = Some(read()?);
        }
        let char_ids = char_ids.as_ref().map_or(&[][..], AsRef::as_ref);
        let mut run_start: Option<usize> = None;
        let end = m.end.min(char_ids.len());
        for i in m.start..=end {
            let covered = char_ids.get(i).is_some_and(|c| i < end && value.covers(c.counter, &c.actor));
            match (covered, run_start) {
                (true, None) => run_start = Some(i),
                (false, Some(s)) => {
                    runs.push(TrackedRun { name: name.clone(), value: value.clone(), start: s, end: i });
                    run_start = None;
                }
                _ => {}
            }
        }
    }
    Ok(runs)
}
