//! Creating a draft from a zero-draft JSON file:
//! `{ "kind", "title": {en, es}, "paragraphs": [{ "kind", "en", "es", ... }] }`,
//! texts in inline markdown (`*Recognizing*` becomes an `em` mark).

use serde::Deserialize;

use crate::Result;
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::Country;
use crate::schema::{Bilingual, DraftKind, NewParagraph, ParagraphKind, Status};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ZeroDraft {
    kind: DraftKind,
    title: Bilingual<String>,
    paragraphs: Vec<ZeroParagraph>,
    /// Free-text remark about the file; not part of the draft.
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ZeroParagraph {
    kind: ParagraphKind,
    en: String,
    es: String,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    section: Option<i64>,
    #[serde(default)]
    editors: Vec<Country>,
}

impl Draft {
    /// Builds a draft from zero-draft JSON. The whole file is checked before anything is
    /// written; an invalid file gives [`DraftError::InvalidZeroDraft`] naming the problem.
    pub fn from_zero_draft_json(json: &str) -> Result<Draft> {
        let zero: ZeroDraft = serde_json::from_str(json).map_err(|e| DraftError::InvalidZeroDraft(e.to_string()))?;
        let mut draft = Draft::new(zero.kind, Bilingual { en: zero.title.en.as_str(), es: zero.title.es.as_str() })?;
        let statuses: Vec<Option<Status>> = zero.paragraphs.iter().map(|p| p.status).collect();
        let ids = draft.append_paragraphs(zero.paragraphs.into_iter().map(|p| NewParagraph {
            kind: p.kind,
            section: p.section,
            editors: p.editors,
            text: Bilingual { en: p.en, es: p.es },
        }))?;
        for (id, status) in ids.iter().zip(statuses) {
            if let Some(status) = status {
                draft.set_status(id, status)?;
            }
        }
        draft.commit();
        Ok(draft)
    }
}
