//! A Word document's body as one stream of characters, each with the revisions it is in:
//! every paragraph's characters followed by its end ([`PARAGRAPH_END`]), tracked insertions
//! (`w:ins`, `w:moveTo`) and deletions (`w:del`, `w:moveFrom`, deleted text and deleted
//! paragraph marks included), and where each comment's range starts and ends.
//!
//! Read with `roxmltree` (no DTD, so no entity expansion; a bounded number of nodes) rather
//! than `docx-rs`' reader, which keeps neither paragraph-mark revisions nor comment ranges.
//! Field instructions, drawings and text boxes are not body text and are skipped.

use roxmltree::{Document, Node, ParsingOptions};

use super::ReturnError;

/// The character that stands for a paragraph's end in the stream.
pub const PARAGRAPH_END: char = '\u{2029}';

/// Most XML nodes read from one part.
const MAX_NODES: u32 = 5_000_000;
/// Deepest nesting of elements read; Word's own files stay far below.
const MAX_DEPTH: usize = 200;

/// What the XML parser is allowed.
pub(crate) fn xml_options() -> ParsingOptions {
    ParsingOptions { allow_dtd: false, nodes_limit: MAX_NODES }
}

/// Who made a revision or a comment, and when, as the file says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Stamp {
    /// `w:author`.
    pub author: String,
    /// `w:date`, as written.
    pub date: String,
}

/// One character (or paragraph end) of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// The character; [`PARAGRAPH_END`] for a paragraph's end.
    pub ch: char,
    /// The insertion (or move destination) it is in: an index into [`Body::revisions`].
    pub ins: Option<usize>,
    /// The deletion (or move source) it is in.
    pub del: Option<usize>,
    /// Whether that insertion or deletion is a move.
    pub moved: bool,
}

/// One paragraph of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordParagraph {
    /// Index of its first token.
    pub start: usize,
    /// Index of its end token.
    pub end: usize,
    /// Its style id, lower case (`title`, `heading2`), empty if none.
    pub style: String,
}

/// A comment of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordComment {
    /// Who wrote it, when.
    pub stamp: Stamp,
    /// Its text, paragraphs separated by blank lines.
    pub text: String,
    /// Token index where its range starts, if the file marks one.
    pub start: Option<usize>,
    /// Token index where its range ends (exclusive).
    pub end: Option<usize>,
    /// Token index of its reference mark.
    pub reference: Option<usize>,
}

/// A document's body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// Every character and paragraph end, in order.
    pub tokens: Vec<Tok>,
    /// The revisions tokens are in.
    pub revisions: Vec<Stamp>,
    /// The paragraphs.
    pub paragraphs: Vec<WordParagraph>,
    /// The comments, with their places.
    pub comments: Vec<WordComment>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    ins: Option<usize>,
    del: Option<usize>,
    moved: bool,
}

/// Elements that hold no body text (or text that is not the document's).
const SKIPPED: &[&str] = &[
    "pPr",
    "rPr",
    "sectPr",
    "tblPr",
    "tblGrid",
    "trPr",
    "tcPr",
    "sdtPr",
    "sdtEndPr",
    "instrText",
    "delInstrText",
    "fldData",
    "drawing",
    "pict",
    "object",
    "AlternateContent",
    "txbxContent",
    "footnoteReference",
    "endnoteReference",
    "rPrChange",
    "pPrChange",
    "numPr",
];

struct Reader {
    body: Body,
    max_chars: usize,
    starts: Vec<(String, usize)>,
    ends: Vec<(String, usize)>,
    references: Vec<(String, usize)>,
}

impl Reader {
    fn revision(&mut self, node: Node<'_, '_>) -> usize {
        let stamp = Stamp { author: attr(node, "author").to_owned(), date: attr(node, "date").to_owned() };
        self.body.revisions.push(stamp);
        self.body.revisions.len() - 1
    }

    fn push(&mut self, ch: char, ctx: Ctx) -> Result<(), ReturnError> {
        if self.body.tokens.len() >= self.max_chars {
            return Err(ReturnError::TooLarge(format!("its text is longer than {} characters", self.max_chars)));
        }
        let ch = if ch == PARAGRAPH_END { ' ' } else { ch };
        self.body.tokens.push(Tok { ch, ins: ctx.ins, del: ctx.del, moved: ctx.moved });
        Ok(())
    }

    fn walk(&mut self, node: Node<'_, '_>, ctx: Ctx, depth: usize) -> Result<(), ReturnError> {
        if depth > MAX_DEPTH {
            return Err(ReturnError::Malformed("its XML is nested too deeply".into()));
        }
        for child in node.children().filter(Node::is_element) {
            let name = child.tag_name().name();
            if SKIPPED.contains(&name) {
                continue;
            }
            let mut inner = ctx;
            match name {
                "p" => {
                    self.paragraph(child, ctx, depth)?;
                    continue;
                }
                "t" | "delText" => {
                    for ch in child.text().unwrap_or_default().chars() {
                        self.push(ch, ctx)?;
                    }
                    continue;
                }
                "tab" | "br" | "cr" => {
                    self.push(' ', ctx)?;
                    continue;
                }
                "noBreakHyphen" => {
                    self.push('-', ctx)?;
                    continue;
                }
                "commentRangeStart" | "commentRangeEnd" | "commentReference" => {
                    let at = (attr(child, "id").to_owned(), self.body.tokens.len());
                    match name {
                        "commentRangeStart" => self.starts.push(at),
                        "commentRangeEnd" => self.ends.push(at),
                        _ => self.references.push(at),
                    }
                    continue;
                }
                "ins" => inner.ins = Some(self.revision(child)),
                "moveTo" => {
                    inner.ins = Some(self.revision(child));
                    inner.moved = true;
                }
                "del" => inner.del = Some(self.revision(child)),
                "moveFrom" => {
                    inner.del = Some(self.revision(child));
                    inner.moved = true;
                }
                _ => {}
            }
            self.walk(child, inner, depth + 1)?;
        }
        Ok(())
    }

    fn paragraph(&mut self, p: Node<'_, '_>, ctx: Ctx, depth: usize) -> Result<(), ReturnError> {
        let start = self.body.tokens.len();
        let ppr = p.children().find(|n| n.is_element() && n.tag_name().name() == "pPr");
        let style = ppr
            .and_then(|ppr| ppr.children().find(|n| n.tag_name().name() == "pStyle"))
            .map(|s| attr(s, "val").to_ascii_lowercase())
            .unwrap_or_default();
        self.walk(p, ctx, depth + 1)?;
        // The paragraph mark's own revisions (w:pPr/w:rPr/w:ins and the like).
        let mut mark = ctx;
        if let Some(rpr) = ppr.and_then(|ppr| ppr.children().find(|n| n.is_element() && n.tag_name().name() == "rPr")) {
            for r in rpr.children().filter(Node::is_element) {
                match r.tag_name().name() {
                    "ins" => mark.ins = Some(self.revision(r)),
                    "moveTo" => {
                        mark.ins = Some(self.revision(r));
                        mark.moved = true;
                    }
                    "del" => mark.del = Some(self.revision(r)),
                    "moveFrom" => {
                        mark.del = Some(self.revision(r));
                        mark.moved = true;
                    }
                    _ => {}
                }
            }
        }
        let end = self.body.tokens.len();
        self.push(' ', mark)?;
        if let Some(t) = self.body.tokens.last_mut() {
            t.ch = PARAGRAPH_END;
        }
        self.body.paragraphs.push(WordParagraph { start, end, style });
        Ok(())
    }
}

fn attr<'a>(node: Node<'a, '_>, local: &str) -> &'a str {
    node.attributes().find(|a| a.name() == local).map(|a| a.value()).unwrap_or_default()
}

fn parse<'x>(xml: &'x str, part: &str) -> Result<Document<'x>, ReturnError> {
    Document::parse_with_options(xml, xml_options()).map_err(|_| ReturnError::Malformed(format!("its {part} is not well-formed XML")))
}

/// Reads `word/document.xml` and `word/comments.xml` into a [`Body`]; refuses a body of more
/// than `max_chars` characters.
pub fn read(document: &str, comments: Option<&str>, max_chars: usize) -> Result<Body, ReturnError> {
    let doc = parse(document, "document")?;
    let body = doc
        .root_element()
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "body")
        .ok_or_else(|| ReturnError::Malformed("its document has no body".into()))?;
    let mut reader = Reader { body: Body::default(), max_chars, starts: Vec::new(), ends: Vec::new(), references: Vec::new() };
    reader.walk(body, Ctx::default(), 0)?;
    let Reader { mut body, starts, ends, references, .. } = reader;
    if let Some(xml) = comments {
        let doc = parse(xml, "comments")?;
        for c in doc.root_element().children().filter(|n| n.is_element() && n.tag_name().name() == "comment") {
            let id = attr(c, "id");
            let find = |list: &[(String, usize)]| list.iter().find(|(i, _)| i == id).map(|(_, at)| *at);
            let paragraphs: Vec<String> = c
                .descendants()
                .filter(|n| n.is_element() && n.tag_name().name() == "p")
                .map(|p| p.descendants().filter(|n| n.is_element() && n.tag_name().name() == "t").filter_map(|t| t.text()).collect())
                .collect();
            body.comments.push(WordComment {
                stamp: Stamp { author: attr(c, "author").to_owned(), date: attr(c, "date").to_owned() },
                text: paragraphs.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n"),
                start: find(&starts),
                end: find(&ends),
                reference: find(&references),
            });
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn text(body: &Body) -> String {
        body.tokens.iter().map(|t| if t.ch == PARAGRAPH_END { '¶' } else { t.ch }).collect()
    }

    /// Insertions, deletions, deleted text, an inserted paragraph mark and a comment's range
    /// are all read; field instructions are not text.
    #[test]
    fn revisions_marks_and_comments() {
        let xml = format!(
            "<w:document {W}><w:body><w:p><w:pPr><w:rPr><w:ins w:author=\"P\" w:date=\"d\"/></w:rPr></w:pPr>\
             <w:r><w:t xml:space=\"preserve\">We </w:t></w:r><w:del w:author=\"P\" w:date=\"d\"><w:r><w:delText>safe</w:delText></w:r></w:del>\
             <w:commentRangeStart w:id=\"0\"/><w:ins w:author=\"P\" w:date=\"d\"><w:r><w:t>sure</w:t></w:r></w:ins><w:commentRangeEnd w:id=\"0\"/>\
             <w:r><w:instrText>PAGE</w:instrText></w:r></w:p><w:p><w:r><w:t>Next</w:t></w:r></w:p><w:sectPr/></w:body></w:document>"
        );
        let comments = format!(
            "<w:comments {W}><w:comment w:id=\"0\" w:author=\"Peru\" w:date=\"x\"><w:p><w:r><w:t>Why?</w:t></w:r></w:p></w:comment></w:comments>"
        );
        let body = read(&xml, Some(&comments), 1000).unwrap();
        assert_eq!(text(&body), "We safesure¶Next¶");
        assert!(body.tokens[3].del.is_some() && body.tokens[3].ins.is_none());
        assert!(body.tokens[7].ins.is_some());
        assert!(body.tokens[11].ins.is_some(), "the paragraph mark is inserted");
        assert!(body.tokens[16].ins.is_none());
        assert_eq!(body.paragraphs.len(), 2);
        let c = &body.comments[0];
        assert_eq!((c.start, c.end, c.text.as_str()), (Some(7), Some(11), "Why?"));
        assert!(matches!(read(&xml, None, 5), Err(ReturnError::TooLarge(_))));
    }
}
