//! The source of a DOCX export, carried inside the file so that a returned copy can be read
//! against exactly the text it showed.
//!
//! Every DOCX export of a version (clean or tracked) carries it twice:
//! - a custom XML part (`customXml/item1.xml`, with its `itemProps1.xml`), invisible to
//!   readers, which Word keeps by design and LibreOffice keeps on save (checked by the
//!   LibreOffice tests):
//!
//!   ```xml
//!   <pluma:source xmlns:pluma="urn:x-pluma:word-source:1" version="1"
//!                 draft="d0123456789abcdef" lang="en" mode="tracked">
//!     <pluma:head>…64 hex…</pluma:head>
//!     <pluma:p id="p…"/>                          one per exported paragraph, in order
//!     <pluma:p id="p…" moved-here="s…-PE"/>       where a proposed move would put it
//!   </pluma:source>
//!   ```
//! - a custom document property `PlumaSource` (`docProps/custom.xml`, shown in File ›
//!   Properties), `pluma-source/1 draft=… lang=en mode=tracked heads=h1,h2`: enough to read
//!   the file back should a program drop custom XML parts.
//!
//! Nothing in either is text a person wrote: only ids, heads, a language and a mode, so the
//! part never needs escaping (docx-rs rewrites custom parts without escaping them).

use automerge::ChangeHash;

use crate::export::docx::DocxMode;
use crate::ids::{Lang, ParagraphId, SuggestionId};

/// The namespace of the source part.
pub const NAMESPACE: &str = "urn:x-pluma:word-source:1";
/// The name of the custom document property that repeats the source.
pub const PROPERTY: &str = "PlumaSource";
/// The data store id of the source part (one per file, so a fixed one).
pub const ITEM_ID: &str = "5C0A7E21-9B1D-4F3A-8E55-7A1F0D3B6C42";
const PROPERTY_PREFIX: &str = "pluma-source/1";

/// Where an exported DOCX came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The draft's id as the server names it (`d…`); `None` for an export made without one.
    pub draft: Option<String>,
    /// The heads of the exported version.
    pub heads: Vec<ChangeHash>,
    /// The exported language.
    pub lang: Lang,
    /// Clean or tracked.
    pub mode: DocxMode,
    /// The exported paragraphs in order (empty when read from the property alone).
    pub paragraphs: Vec<SourceParagraph>,
}

/// One exported paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceParagraph {
    /// The paragraph.
    pub id: ParagraphId,
    /// When this is where a proposed move would put it (shown a second time there): the
    /// move proposal.
    pub moved_here: Option<SuggestionId>,
}

fn mode_str(mode: DocxMode) -> &'static str {
    match mode {
        DocxMode::Clean => "clean",
        DocxMode::Tracked => "tracked",
    }
}

fn parse_mode(s: &str) -> Option<DocxMode> {
    match s {
        "clean" => Some(DocxMode::Clean),
        "tracked" => Some(DocxMode::Tracked),
        _ => None,
    }
}

/// A draft id as written in the part: a token of letters, digits, `-` and `_`.
fn valid_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Source {
    /// The custom XML part.
    pub fn to_xml(&self) -> String {
        let mut out = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<pluma:source xmlns:pluma=\"{NAMESPACE}\" version=\"1\"{draft} lang=\"{lang}\" mode=\"{mode}\">",
            draft = self.draft.as_deref().filter(|d| valid_token(d)).map(|d| format!(" draft=\"{d}\"")).unwrap_or_default(),
            lang = self.lang.as_str(),
            mode = mode_str(self.mode),
        );
        for h in &self.heads {
            out.push_str(&format!("<pluma:head>{h}</pluma:head>"));
        }
        for p in &self.paragraphs {
            match &p.moved_here {
                Some(m) => out.push_str(&format!("<pluma:p id=\"{}\" moved-here=\"{m}\"/>", p.id)),
                None => out.push_str(&format!("<pluma:p id=\"{}\"/>", p.id)),
            }
        }
        out.push_str("</pluma:source>");
        out
    }

    /// The custom document property's value.
    pub fn to_property(&self) -> String {
        let heads: Vec<String> = self.heads.iter().map(ToString::to_string).collect();
        let draft = self.draft.as_deref().filter(|d| valid_token(d)).map(|d| format!(" draft={d}")).unwrap_or_default();
        format!("{PROPERTY_PREFIX}{draft} lang={} mode={} heads={}", self.lang.as_str(), mode_str(self.mode), heads.join(","))
    }

    /// Reads the custom XML part; `None` if `xml` is not one (another program's part).
    /// `Some(Err)` names what is wrong with a part of ours.
    pub fn from_xml(xml: &str) -> Option<Result<Source, String>> {
        let options = roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: 1_000_000 };
        let doc = roxmltree::Document::parse_with_options(xml, options).ok()?;
        let root = doc.root_element();
        if root.tag_name().namespace() != Some(NAMESPACE) || root.tag_name().name() != "source" {
            return None;
        }
        Some(Source::read_element(root))
    }

    fn read_element(root: roxmltree::Node<'_, '_>) -> Result<Source, String> {
        if root.attribute("version") != Some("1") {
            return Err("its Pluma source part has an unknown version".into());
        }
        let lang: Lang = root.attribute("lang").unwrap_or_default().parse().map_err(|e| format!("its Pluma source part: {e}"))?;
        let mode = root.attribute("mode").and_then(parse_mode).ok_or("its Pluma source part names no export mode")?;
        let draft = match root.attribute("draft") {
            Some(d) if valid_token(d) => Some(d.to_owned()),
            Some(_) => return Err("its Pluma source part names an invalid draft".into()),
            None => None,
        };
        let mut heads = Vec::new();
        let mut paragraphs = Vec::new();
        for child in root.children().filter(|n| n.is_element() && n.tag_name().namespace() == Some(NAMESPACE)) {
            match child.tag_name().name() {
                "head" => {
                    let hex = child.text().unwrap_or_default().trim();
                    heads.push(hex.parse::<ChangeHash>().map_err(|_| "its Pluma source part has an invalid head".to_owned())?);
                }
                "p" => {
                    let id = child.attribute("id").unwrap_or_default().parse().map_err(|e| format!("its Pluma source part: {e}"))?;
                    let moved_here =
                        child.attribute("moved-here").map(str::parse).transpose().map_err(|e| format!("its Pluma source part: {e}"))?;
                    paragraphs.push(SourceParagraph { id, moved_here });
                }
                _ => {}
            }
        }
        if heads.is_empty() {
            return Err("its Pluma source part names no version (no heads)".into());
        }
        Ok(Source { draft, heads, lang, mode, paragraphs })
    }

    /// Reads the custom property's value; `None` if it is not ours.
    pub fn from_property(value: &str) -> Option<Result<Source, String>> {
        let rest = value.trim().strip_prefix(PROPERTY_PREFIX)?;
        let mut source = Source { draft: None, heads: Vec::new(), lang: Lang::En, mode: DocxMode::Clean, paragraphs: Vec::new() };
        let (mut lang, mut mode) = (None, None);
        for field in rest.split_whitespace() {
            let Some((key, value)) = field.split_once('=') else { continue };
            match key {
                "draft" if valid_token(value) => source.draft = Some(value.to_owned()),
                "lang" => lang = value.parse::<Lang>().ok(),
                "mode" => mode = parse_mode(value),
                "heads" => {
                    for h in value.split(',').filter(|h| !h.is_empty()) {
                        match h.parse::<ChangeHash>() {
                            Ok(h) => source.heads.push(h),
                            Err(_) => return Some(Err("its Pluma source property has an invalid head".into())),
                        }
                    }
                }
                _ => {}
            }
        }
        match (lang, mode) {
            (Some(l), Some(m)) if !source.heads.is_empty() => {
                source.lang = l;
                source.mode = m;
                Some(Ok(source))
            }
            _ => Some(Err("its Pluma source property is incomplete".into())),
        }
    }
}

/// Adds the source to a document being built: the property now, the part as a placeholder
/// that [`fill`] replaces once the document is built.
pub(crate) fn attach(docx: docx_rs::Docx, source: &Source) -> docx_rs::Docx {
    docx.custom_property(PROPERTY, source.to_property()).add_custom_item(ITEM_ID, &format!("<pluma:source xmlns:pluma=\"{NAMESPACE}\"/>"))
}

/// Writes the source part into a built document (see [`attach`]).
pub(crate) fn fill(xml: &mut docx_rs::XMLDocx, source: &Source) {
    if let Some(item) = xml.custom_items.first_mut() {
        *item = source.to_xml().into_bytes();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Source {
        Source {
            draft: Some("d0123456789abcdef".into()),
            heads: vec!["0a".repeat(32).parse().unwrap(), "1b".repeat(32).parse().unwrap()],
            lang: Lang::Es,
            mode: DocxMode::Tracked,
            paragraphs: vec![
                SourceParagraph { id: "p1".parse().unwrap(), moved_here: None },
                SourceParagraph { id: "p2".parse().unwrap(), moved_here: Some("s00-PE".parse().unwrap()) },
            ],
        }
    }

    /// The part and the property read back as written; another program's part is not ours.
    #[test]
    fn source_round_trips() {
        let s = sample();
        assert_eq!(Source::from_xml(&s.to_xml()).unwrap().unwrap(), s);
        let from_property = Source::from_property(&s.to_property()).unwrap().unwrap();
        assert_eq!(from_property, Source { paragraphs: Vec::new(), ..s });
        assert!(Source::from_xml("<ds:x xmlns:ds=\"urn:other\"/>").is_none());
        assert!(Source::from_property("something else").is_none());
        let broken = format!("<pluma:source xmlns:pluma=\"{NAMESPACE}\" version=\"1\" lang=\"en\" mode=\"clean\"/>");
        assert!(Source::from_xml(&broken).unwrap().is_err());
    }
}
