//! Comparisons and exports of stored drafts, shared by the HTTP routes
//! ([`crate::routes::versions`]) and the `pluma diff` / `pluma export` commands.
//!
//! Inputs are a draft's document bytes (from its running task, or loaded from the database)
//! and its stored versions; outputs are bytes with their content type. The CPU work is
//! synchronous: callers run it on the blocking pool.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;

use pluma_core::automerge::{ActorId, ChangeHash};
use pluma_core::compare::{Snapshot, compare_snapshots};
use pluma_core::delegations::CountryNames;
use pluma_core::export::docx::DocxMode;
use pluma_core::export::{self, ExportInfo};
use pluma_core::{Country, Draft, DraftError, Lang};

use crate::ids::DocumentId;
use crate::model::DraftRecord;
use crate::store::{Store, StoreError, VersionRecord};

/// The PDF media type.
pub const PDF_TYPE: &str = "application/pdf";
/// The media type of DOCX files.
pub const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Formats of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// The comparison as JSON.
    Json,
    /// An HTML redline page.
    Html,
    /// Markdown with CriticMarkup.
    Md,
    /// A DOCX redline.
    Docx,
}

impl FromStr for DiffFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(DiffFormat::Json),
            "html" => Ok(DiffFormat::Html),
            "md" => Ok(DiffFormat::Md),
            "docx" => Ok(DiffFormat::Docx),
            other => Err(format!("unknown format {other:?}: use json, html, md or docx")),
        }
    }
}

/// Formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Markdown with proposals in CriticMarkup.
    Md,
    /// A print-ready HTML page.
    Html,
    /// A clean DOCX.
    Docx,
    /// A DOCX with proposals as Word revisions and threads as comments.
    DocxTracked,
    /// A PDF of the clean text (with the fingerprint of an adopted text).
    Pdf,
}

impl FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "md" => Ok(ExportFormat::Md),
            "html" => Ok(ExportFormat::Html),
            "docx" => Ok(ExportFormat::Docx),
            "docx-tracked" => Ok(ExportFormat::DocxTracked),
            "pdf" => Ok(ExportFormat::Pdf),
            other => Err(format!("unknown format {other:?}: use md, html, docx, docx-tracked or pdf")),
        }
    }
}

/// A rendered comparison or export.
#[derive(Debug, Clone)]
pub struct Output {
    /// Media type.
    pub content_type: &'static str,
    /// The bytes.
    pub body: Vec<u8>,
    /// For DOCX and PDF: a file name to offer.
    pub file_name: Option<String>,
}

/// Why rendering failed. Every variant is a fault of ours or of the stored data, never of
/// the request (which is checked before).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The document bytes or a version's heads do not work with the document.
    #[error(transparent)]
    Draft(#[from] DraftError),
    /// A stored version is corrupt.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// JSON encoding failed.
    #[error("encoding JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// "Current text" in a language.
pub fn current_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Current text",
        Lang::Es => "Texto actual",
    }
}

fn heads_of(version: Option<&VersionRecord>) -> Result<Option<Vec<ChangeHash>>, StoreError> {
    version.map(VersionRecord::change_hashes).transpose()
}

fn docx(draft: &DraftRecord, lang: Lang, what: &str, body: Vec<u8>) -> Output {
    Output { content_type: DOCX_TYPE, body, file_name: Some(format!("{}-{}-{what}.docx", draft.id, lang.as_str())) }
}

fn text(content_type: &'static str, body: String) -> Output {
    Output { content_type, body: body.into_bytes(), file_name: None }
}

/// Everything a comparison needs besides the document.
#[derive(Debug, Clone)]
pub struct DiffRequest {
    /// The older version (`None`: the current text).
    pub from: Option<VersionRecord>,
    /// The newer version (`None`: the current text).
    pub to: Option<VersionRecord>,
    /// Language.
    pub lang: Lang,
    /// Format.
    pub format: DiffFormat,
    /// The meeting's name, if any.
    pub meeting: Option<String>,
    /// Now, unix milliseconds (the date of "current text").
    pub now: i64,
}

/// Compares two versions of a draft, given as their snapshots (see
/// [`crate::version_snapshots`]).
pub fn render_diff(draft: &DraftRecord, [old, new]: &[Arc<Snapshot>; 2], req: &DiffRequest) -> Result<Output, RenderError> {
    let lang = req.lang;
    let label = |v: &Option<VersionRecord>| v.as_ref().map_or_else(|| current_label(lang).to_owned(), |v| v.label.clone());
    let heading = format!("{} → {}", label(&req.from), label(&req.to));
    let to_ms = req.to.as_ref().map_or(req.now, |v| v.created_at);
    let cmp = compare_snapshots(old, new, lang);
    let names = CountryNames::builtin();
    Ok(match req.format {
        DiffFormat::Json => Output { content_type: "application/json", body: cmp.to_json()?, file_name: None },
        DiffFormat::Html => text("text/html; charset=utf-8", cmp.to_html(&names, &heading)),
        DiffFormat::Md => text("text/markdown; charset=utf-8", cmp.to_markdown(&names)),
        DiffFormat::Docx => {
            let info = ExportInfo { meeting: req.meeting.clone(), version: Some(heading), date: export::date(to_ms), certified: None };
            docx(draft, lang, "redline", cmp.to_docx(&names, &info, to_ms)?)
        }
    })
}

/// Exports the current text (`version` `None`) or a version of a draft. `certified`: for an
/// adopted draft, its adoption date and fingerprint (see
/// [`crate::workflow::certification`]), printed under the meta line.
#[allow(clippy::too_many_arguments)]
pub fn render_export(
    draft: &DraftRecord,
    bytes: &[u8],
    version: Option<&VersionRecord>,
    lang: Lang,
    format: ExportFormat,
    meeting: Option<String>,
    certified: Option<export::Certification>,
    now: i64,
) -> Result<Output, RenderError> {
    let mut doc = Draft::load(bytes)?;
    let heads = heads_of(version)?;
    let info = ExportInfo {
        meeting,
        version: version.map(|v| v.label.clone()),
        date: export::date(version.map_or(now, |v| v.created_at)),
        certified,
    };
    let names = CountryNames::builtin();
    let heads = heads.as_deref();
    Ok(match format {
        ExportFormat::Md => text("text/markdown; charset=utf-8", doc.export_markdown(heads, lang, &info)?),
        ExportFormat::Html => text("text/html; charset=utf-8", doc.export_html(heads, lang, &info)?),
        // Each DOCX names its draft and version, so a copy marked up in Word can be brought back.
        ExportFormat::Docx => {
            docx(draft, lang, "clean", doc.export_docx_from(heads, lang, &info, DocxMode::Clean, &names, Some(draft.id.as_str()))?)
        }
        ExportFormat::DocxTracked => {
            docx(draft, lang, "tracked", doc.export_docx_from(heads, lang, &info, DocxMode::Tracked, &names, Some(draft.id.as_str()))?)
        }
        ExportFormat::Pdf => Output {
            content_type: PDF_TYPE,
            body: doc.export_pdf(heads, lang, &info)?,
            file_name: Some(format!("{}-{}.pdf", draft.id, lang.as_str())),
        },
    })
}

/// The actors of a document (hex), each once. CPU work: call from the blocking pool.
pub fn document_actors(bytes: &[u8]) -> Result<Vec<String>, DraftError> {
    let mut doc = Draft::load(bytes)?;
    let set: HashSet<String> = doc.actors().iter().map(ActorId::to_hex_string).collect();
    Ok(set.into_iter().collect())
}

/// The delegation of each of `actors` that is bound to one.
pub async fn actor_countries(store: &dyn Store, actors: &[String]) -> Result<HashMap<String, Country>, StoreError> {
    let owners = store.actor_owners(actors).await?;
    Ok(owners.into_iter().filter_map(|(actor, owner)| owner.country.map(|c| (actor, c))).collect())
}

/// The meeting's name in a language, if the draft belongs to one.
pub async fn meeting_name(store: &dyn Store, draft: &DraftRecord, lang: Lang) -> Result<Option<String>, StoreError> {
    let Some(id) = &draft.meeting_id else { return Ok(None) };
    Ok(store.meetings().await?.into_iter().find(|m| &m.id == id).map(|m| match lang {
        Lang::En => m.name_en,
        Lang::Es => m.name_es,
    }))
}

/// A stored document's bytes, loaded from the database (snapshot and logged changes,
/// checked as the sync server checks them). For the command line, which runs beside or
/// without a server; the server itself asks the document's task.
pub async fn stored_bytes(store: &Arc<dyn Store>, doc_id: &DocumentId) -> Result<Vec<u8>, String> {
    let mut doc = crate::sync::document::load::load(store, doc_id).await.map_err(|e| e.to_string())?.doc;
    Ok(doc.save())
}
