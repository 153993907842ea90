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

/// Appends `s` to paragraph `index` in `lang`.
pub fn append(doc: &mut AutoCommit, index: usize, lang: &str, s: &str) -> Result<()> {
    let obj = paragraph_text(doc, index, lang)?;
    let len = doc.length(&obj);
    doc.splice_text(&obj, len, 0, s)?;
    Ok(())
}

/// The text of paragraph `index` in `lang`.
pub fn text(doc: &AutoCommit, index: usize, lang: &str) -> Result<String> {
    let obj = paragraph_text(doc, index, lang)?;
    Ok(doc.text(&obj)?)
}
