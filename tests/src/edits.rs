//! Plain automerge edits of a draft document, as a client would make them.

use anyhow::{Context, Result};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc};

/// The text object of paragraph `index` (reading order) in `lang`.
pub fn paragraph_text(doc: &AutoCommit, index: usize, lang: &str) -> Result<ObjId> {
    let (_, order) = doc.get(automerge::ROOT, "order")?.context("order")?;
    let (pid, _) = doc.get(&order, index)?.context("paragraph id")?;
    let pid = pid.into_string().map_err(|_| anyhow::anyhow!("paragraph id is not a string"))?;
    let (_, paragraphs) = doc.get(automerge::ROOT, "paragraphs")?.context("paragraphs")?;
    let (_, para) = doc.get(&paragraphs, pid.as_str())?.context("paragraph")?;
    let (_, text) = doc.get(&para, "text")?.context("text")?;
    let (_, obj) = doc.get(&text, lang)?.context("language")?;
    anyhow::ensure!(doc.object_type(&obj)? == ObjType::Text, "not a text");
    Ok(obj)
}

/// Who proposes a suggested edit: a user id and their country.
#[derive(Debug, Clone)]
pub struct Proposer {
    /// The user id.
    pub user: String,
    /// Their country code.
    pub country: String,
}

impl Proposer {
    /// The proposer of a signed-in session.
    pub fn of(session: &crate::api::Session) -> Proposer {
        Proposer {
            user: session.user["id"].as_str().unwrap_or_default().to_owned(),
            country: session.user["country"].as_str().unwrap_or_default().to_owned(),
        }
    }
}

/// Proposes appending `s` to paragraph `index` in `lang`, as the browser does: the new
/// characters carry `ins:XX:<actor>` with the proposer, the time and this replica's actor.
pub fn append(doc: &mut AutoCommit, who: &Proposer, index: usize, lang: &str, s: &str) -> Result<()> {
    let obj = paragraph_text(doc, index, lang)?;
    let len = doc.length(&obj);
    insert(doc, who, index, lang, len, s)
}

/// Proposes inserting `s` at `pos` of paragraph `index` in `lang`, as the browser does.
pub fn insert(doc: &mut AutoCommit, who: &Proposer, index: usize, lang: &str, pos: usize, s: &str) -> Result<()> {
    let obj = paragraph_text(doc, index, lang)?;
    let len = pos;
    doc.splice_text(&obj, len, 0, s)?;
    let actor = doc.get_actor().to_hex_string();
    let value = serde_json::json!({
        "id": format!("s{:016x}-{}", rand::random::<u64>(), who.country),
        "user": who.user,
        "at": 1_631_196_000_000_i64,
        "actor": actor,
    });
    let mark = automerge::marks::Mark::new(format!("ins:{}:{actor}", who.country), value.to_string(), len, len + s.chars().count());
    doc.mark(&obj, mark, automerge::marks::ExpandMark::None)?;
    Ok(())
}

/// The text of paragraph `index` in `lang`.
pub fn text(doc: &AutoCommit, index: usize, lang: &str) -> Result<String> {
    let obj = paragraph_text(doc, index, lang)?;
    Ok(doc.text(&obj)?)
}

/// Proposes a new operative paragraph after paragraph `after` (reading order), for `who`,
/// as the web client does: made with the document model on a copy sharing this replica's
/// actor, and its change applied here. Returns the new paragraph's id.
pub fn propose_paragraph(doc: &mut AutoCommit, who: &Proposer, after: usize, en: &str, es: &str) -> Result<String> {
    let mut draft = pluma_core::Draft::load(&doc.save())?;
    draft.set_actor(doc.get_actor().clone());
    let heads = draft.heads();
    let anchor = draft.paragraph_ids()?.get(after).cloned().context("no such paragraph")?;
    let stamp = pluma_core::Stamp { user: who.user.parse()?, country: who.country.parse()?, at: 1_631_196_000_000 };
    let new = pluma_core::NewParagraph {
        kind: pluma_core::ParagraphKind::Operative,
        section: None,
        editors: vec![],
        text: pluma_core::Bilingual { en: en.into(), es: es.into() },
    };
    let (id, _) = draft.propose_paragraph(Some(&anchor), new, &stamp)?;
    doc.apply_changes(draft.changes_since(&heads))?;
    Ok(id.to_string())
}

/// Makes a change with the document model on a copy sharing this replica's actor, and
/// applies it here (as the web client does for proposals about whole paragraphs).
pub fn with_draft(doc: &mut AutoCommit, f: impl FnOnce(&mut pluma_core::Draft) -> Result<()>) -> Result<()> {
    let mut draft = pluma_core::Draft::load(&doc.save())?;
    draft.set_actor(doc.get_actor().clone());
    let heads = draft.heads();
    f(&mut draft)?;
    doc.apply_changes(draft.changes_since(&heads))?;
    Ok(())
}
