//! Alternative formulations of a paragraph (ARCHITECTURE §5): a delegation proposes another
//! wording in both languages; other delegations co-sponsor it or withdraw their
//! sponsorship; a chair adopts one, whose texts then become the paragraph's. Nothing is
//! removed: withdrawn and unadopted alternatives stay on record. They are numbered "Alt 1",
//! "Alt 2", ... in the order they were proposed.
//!
//! Who may do what is checked by `rules/alternatives.rs`: a delegation proposes only in its
//! own name, adds or removes only its own country as sponsor, edits only its own
//! alternative's text while it is proposed; only a chair adopts.

use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};
use serde::Serialize;

use crate::Result;
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::{AlternativeId, Country, Lang, ParagraphId};
use crate::schema::{AlternativeState, Bilingual, Stamp, keys};
use crate::view::DraftView;

/// The longest alternative text accepted, in characters per language.
pub const MAX_ALTERNATIVE_CHARS: usize = 20_000;

/// One alternative formulation as read from the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternative {
    /// Stable id; a chair's decision and co-sponsorships name it.
    pub id: AlternativeId,
    /// Its number among the paragraph's alternatives ("Alt 1" is 1), by time proposed.
    pub number: usize,
    /// Its text in both languages.
    pub text: Bilingual<String>,
    /// Co-sponsoring countries, each once, in the order they joined.
    pub sponsors: Vec<Country>,
    /// Who proposed it, and when.
    pub proposer: Stamp,
    /// Proposed, adopted or withdrawn.
    pub state: AlternativeState,
}

/// What happened to an alternative, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlternativeAction {
    /// Proposed.
    Proposed,
    /// Its text edited by its proposer.
    Edited,
    /// A country joined its sponsors.
    Cosponsored,
    /// A country left its sponsors.
    SponsorshipWithdrawn,
    /// Withdrawn by its proposer.
    Withdrawn,
    /// Proposed again by its proposer after a withdrawal.
    Reinstated,
    /// Adopted by a chair.
    Adopted,
    /// Its adoption undone by a chair.
    Unadopted,
}

impl<'a> DraftView<'a> {
    /// The map of a paragraph's alternatives, if it has one.
    pub(crate) fn alternatives_obj(&self, paragraph: &ParagraphId) -> Result<Option<ObjId>> {
        let p = self.paragraph_obj(paragraph)?;
        match self.get(&p, keys::P_ALTERNATIVES)? {
            Some((Value::Object(ObjType::Map), obj)) => Ok(Some(obj)),
            None => Ok(None),
            Some(_) => Err(DraftError::malformed(format!("paragraphs/{paragraph}/alternatives"), "expected a map")),
        }
    }

    /// A paragraph's alternatives, numbered in the order they were proposed.
    pub fn alternatives(&self, paragraph: &ParagraphId) -> Result<Vec<Alternative>> {
        let Some(map) = self.alternatives_obj(paragraph)? else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for key in self.keys(&map) {
            let id: AlternativeId = key.parse()?;
            out.push(self.read_alternative(paragraph, &map, &id)?);
        }
        out.sort_by(|a, b| (a.proposer.at, &a.id).cmp(&(b.proposer.at, &b.id)));
        for (i, a) in out.iter_mut().enumerate() {
            a.number = i + 1;
        }
        Ok(out)
    }

    /// One alternative.
    pub fn alternative(&self, paragraph: &ParagraphId, id: &AlternativeId) -> Result<Alternative> {
        self.alternatives(paragraph)?
            .into_iter()
            .find(|a| &a.id == id)
            .ok_or_else(|| DraftError::UnknownAlternative { paragraph: paragraph.clone(), alternative: id.clone() })
    }

    fn read_alternative(&self, paragraph: &ParagraphId, map: &ObjId, id: &AlternativeId) -> Result<Alternative> {
        let path = format!("paragraphs/{paragraph}/alternatives/{id}");
        let a = self.object(map, id.as_str(), ObjType::Map, &path)?;
        let texts = self.object(&a, keys::A_TEXT, ObjType::Map, &format!("{path}/text"))?;
        let text = Bilingual {
            en: self.string(&texts, "en", &format!("{path}/text/en"))?,
            es: self.string(&texts, "es", &format!("{path}/text/es"))?,
        };
        let list = self.object(&a, keys::A_SPONSORS, ObjType::List, &format!("{path}/sponsors"))?;
        let mut sponsors: Vec<Country> = Vec::new();
        for c in self.string_list(&list, &format!("{path}/sponsors"))? {
            let c: Country = c.parse()?;
            if !sponsors.contains(&c) {
                sponsors.push(c);
            }
        }
        let p = self.object(&a, keys::A_PROPOSER, ObjType::Map, &format!("{path}/proposer"))?;
        let at = self
            .opt_int(&p, "at", &format!("{path}/proposer/at"))?
            .ok_or_else(|| DraftError::malformed(format!("{path}/proposer/at"), "missing"))?;
        let proposer = Stamp {
            user: self.string(&p, "user", &format!("{path}/proposer/user"))?.parse()?,
            country: self.string(&p, "country", &format!("{path}/proposer/country"))?.parse()?,
            at,
        };
        let state = self.string(&a, keys::A_STATE, &format!("{path}/state"))?.parse()?;
        Ok(Alternative { id: id.clone(), number: 0, text, sponsors, proposer, state })
    }
}

fn check_texts(text: &Bilingual<&str>) -> Result<()> {
    for lang in Lang::ALL {
        let t = text.get(lang);
        if t.trim().is_empty() {
            return Err(DraftError::InvalidAlternative("an alternative needs a text in both languages"));
        }
        if t.chars().count() > MAX_ALTERNATIVE_CHARS {
            return Err(DraftError::InvalidAlternative("an alternative text is longer than 20,000 characters"));
        }
    }
    Ok(())
}

impl Draft {
    /// A paragraph's alternatives.
    pub fn alternatives(&mut self, paragraph: &ParagraphId) -> Result<Vec<Alternative>> {
        self.view().alternatives(paragraph)
    }

    /// Proposes an alternative formulation in both languages, sponsored by the proposer's
    /// country. Texts are plain (no formatting).
    pub fn propose_alternative(&mut self, paragraph: &ParagraphId, text: Bilingual<&str>, by: &Stamp) -> Result<AlternativeId> {
        check_texts(&text)?;
        self.prepare_local()?;
        let map = match self.peek().alternatives_obj(paragraph)? {
            Some(map) => map,
            None => {
                let p = self.peek().paragraph_obj(paragraph)?;
                self.doc.put_object(&p, keys::P_ALTERNATIVES, ObjType::Map)?
            }
        };
        let id = AlternativeId::random();
        let doc = &mut self.doc;
        let a = doc.put_object(&map, id.as_str(), ObjType::Map)?;
        let texts = doc.put_object(&a, keys::A_TEXT, ObjType::Map)?;
        for lang in Lang::ALL {
            let t = doc.put_object(&texts, lang.as_str(), ObjType::Text)?;
            doc.splice_text(&t, 0, 0, text.get(lang))?;
        }
        let sponsors = doc.put_object(&a, keys::A_SPONSORS, ObjType::List)?;
        doc.insert(&sponsors, 0, by.country.as_str())?;
        let p = doc.put_object(&a, keys::A_PROPOSER, ObjType::Map)?;
        doc.put(&p, "user", by.user.as_str())?;
        doc.put(&p, "country", by.country.as_str())?;
        doc.put(&p, "at", ScalarValue::Int(by.at))?;
        doc.put(&a, keys::A_STATE, AlternativeState::Proposed.as_str())?;
        Ok(id)
    }

    /// Adds a country to an alternative's sponsors (nothing if it is one already).
    pub fn cosponsor_alternative(&mut self, paragraph: &ParagraphId, id: &AlternativeId, country: &Country) -> Result<()> {
        let alt = self.view().alternative(paragraph, id)?;
        if alt.state != AlternativeState::Proposed {
            return Err(DraftError::AlternativeNotProposed { alternative: id.clone(), state: alt.state });
        }
        if alt.sponsors.contains(country) {
            return Ok(());
        }
        self.prepare_local()?;
        let list = self.sponsors_obj(paragraph, id)?;
        let end = self.doc.length(&list);
        self.doc.insert(&list, end, country.as_str())?;
        Ok(())
    }

    /// Withdraws a country's sponsorship. When the proposing country withdraws, the
    /// alternative itself is withdrawn (its sponsors stay on record).
    pub fn withdraw_sponsorship(&mut self, paragraph: &ParagraphId, id: &AlternativeId, country: &Country) -> Result<()> {
        let alt = self.view().alternative(paragraph, id)?;
        if alt.state != AlternativeState::Proposed {
            return Err(DraftError::AlternativeNotProposed { alternative: id.clone(), state: alt.state });
        }
        if &alt.proposer.country == country {
            return self.set_alternative_state(paragraph, id, AlternativeState::Withdrawn);
        }
        if !alt.sponsors.contains(country) {
            return Err(DraftError::NotSponsor { alternative: id.clone(), country: country.clone() });
        }
        self.prepare_local()?;
        let list = self.sponsors_obj(paragraph, id)?;
        for i in (0..self.doc.length(&list)).rev() {
            if let Some((Value::Scalar(s), _)) = self.doc.get(&list, i)?
                && s.as_str() == Some(country.as_str())
            {
                self.doc.delete(&list, i)?;
            }
        }
        Ok(())
    }

    /// Adopts an alternative (a chair's decision): its texts replace the paragraph's, as a
    /// direct edit that also settles any proposals pending in the paragraph, and it is marked
    /// adopted. The other alternatives stay as they are, on record.
    pub fn adopt_alternative(&mut self, paragraph: &ParagraphId, id: &AlternativeId) -> Result<()> {
        let alt = self.view().alternative(paragraph, id)?;
        if alt.state == AlternativeState::Adopted {
            return Err(DraftError::AlternativeNotProposed { alternative: id.clone(), state: alt.state });
        }
        for lang in Lang::ALL {
            let len = self.text_len(paragraph, lang)?;
            self.splice(paragraph, lang, 0, len, alt.text.get(lang))?;
        }
        self.set_alternative_state(paragraph, id, AlternativeState::Adopted)
    }

    fn set_alternative_state(&mut self, paragraph: &ParagraphId, id: &AlternativeId, state: AlternativeState) -> Result<()> {
        self.prepare_local()?;
        let a = self.alternative_obj(paragraph, id)?;
        self.doc.put(&a, keys::A_STATE, state.as_str())?;
        Ok(())
    }

    fn alternative_obj(&self, paragraph: &ParagraphId, id: &AlternativeId) -> Result<ObjId> {
        let unknown = || DraftError::UnknownAlternative { paragraph: paragraph.clone(), alternative: id.clone() };
        let map = self.peek().alternatives_obj(paragraph)?.ok_or_else(unknown)?;
        match self.doc.get(&map, id.as_str())? {
            Some((Value::Object(ObjType::Map), a)) => Ok(a),
            _ => Err(unknown()),
        }
    }

    fn sponsors_obj(&self, paragraph: &ParagraphId, id: &AlternativeId) -> Result<ObjId> {
        let a = self.alternative_obj(paragraph, id)?;
        self.peek().object(&a, keys::A_SPONSORS, ObjType::List, &format!("paragraphs/{paragraph}/alternatives/{id}/sponsors"))
    }
}
