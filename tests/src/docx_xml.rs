//! Reading a DOCX part as XML, strictly, to check where text sits: inside which revision
//! (`w:ins`, `w:del`) and by whom. A part that is not well-formed XML, or whose text holds a
//! character XML 1.0 cannot carry, is an error.

use anyhow::{Context, Result, bail};
use quick_xml::events::Event;

/// One piece of text of a part, where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The text (`w:t` or `w:delText`).
    pub text: String,
    /// Whether it is deleted text (`w:delText`).
    pub deleted_text: bool,
    /// The author of the enclosing `w:ins`, if any.
    pub inserted_by: Option<String>,
    /// The author of the enclosing `w:del`, if any.
    pub deleted_by: Option<String>,
}

/// Every piece of text of a part, in order.
pub fn pieces(xml: &str) -> Result<Vec<Piece>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<(String, Option<String>)> = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event().context("not well-formed XML")? {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let author = e
                    .attributes()
                    .filter_map(std::result::Result::ok)
                    .find(|a| a.key.as_ref() == b"w:author")
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                stack.push((name, author));
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                match stack.pop() {
                    Some((open, _)) if open == name => {}
                    other => bail!("</{name}> closes {other:?}"),
                }
            }
            Event::Text(t) => {
                let text = t.decode().context("text")?.into_owned();
                if let Some(c) = text.chars().find(|c| pluma_core::clean::is_forbidden(*c)) {
                    bail!("the text {text:?} holds U+{:04X}, which XML cannot carry", u32::from(c));
                }
                let Some((element, _)) = stack.last() else { continue };
                if element != "w:t" && element != "w:delText" {
                    continue;
                }
                let within = |tag: &str| stack.iter().rev().find(|(n, _)| n == tag).map(|(_, a)| a.clone().unwrap_or_default());
                out.push(Piece { deleted_text: element == "w:delText", inserted_by: within("w:ins"), deleted_by: within("w:del"), text });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        bail!("unclosed elements: {stack:?}");
    }
    Ok(out)
}
