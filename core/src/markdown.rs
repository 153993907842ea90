//! Markdown in and out: inline markdown of zero drafts becomes text with `strong`/`em`
//! marks; comment bodies become safe HTML.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// A run of plain text with its formatting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InlineRun {
    /// The characters.
    pub text: String,
    /// Bold.
    pub strong: bool,
    /// Italic.
    pub em: bool,
}

/// Parses one paragraph of inline markdown (`*Recognizing* that ...`) into formatted runs.
///
/// Structure other than emphasis is flattened to its text: a link keeps its words, code
/// keeps its characters, line breaks become spaces, raw HTML is kept as literal text.
/// Adjacent runs with the same formatting are joined.
pub fn parse_inline(markdown: &str) -> Vec<InlineRun> {
    let mut runs: Vec<InlineRun> = Vec::new();
    let (mut strong, mut em) = (0u32, 0u32);
    let mut paragraphs = 0u32;
    let push = |runs: &mut Vec<InlineRun>, text: &str, strong: bool, em: bool| {
        if text.is_empty() {
            return;
        }
        if let Some(last) = runs.last_mut()
            && last.strong == strong
            && last.em == em
        {
            last.text.push_str(text);
            return;
        }
        runs.push(InlineRun { text: text.to_owned(), strong, em });
    };
    for event in Parser::new_ext(markdown, Options::empty()) {
        match event {
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::Emphasis) => em += 1,
            Event::End(TagEnd::Emphasis) => em = em.saturating_sub(1),
            Event::Start(Tag::Paragraph) => {
                if paragraphs > 0 {
                    push(&mut runs, " ", strong > 0, em > 0);
                }
                paragraphs += 1;
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => push(&mut runs, &t, strong > 0, em > 0),
            Event::SoftBreak | Event::HardBreak => push(&mut runs, " ", strong > 0, em > 0),
            _ => {}
        }
    }
    runs
}

/// The plain text of a list of runs.
pub fn runs_text(runs: &[InlineRun]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// Renders a comment body (CommonMark with tables and strikethrough) to HTML that is safe
/// to put in a page: raw HTML is shown as text, images become their description, and only
/// `http`, `https` and `mailto` links are kept.
pub fn render_comment_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    let mut in_image = 0u32;
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        Event::Start(Tag::Image { .. }) => {
            in_image += 1;
            None
        }
        Event::End(TagEnd::Image) => {
            in_image = in_image.saturating_sub(1);
            None
        }
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest_url = if is_safe_url(&dest_url) { dest_url } else { CowStr::from("") };
            Some(Event::Start(Tag::Link {
                link_type: match link_type {
                    LinkType::Email => LinkType::Email,
                    _ => LinkType::Inline,
                },
                dest_url,
                title,
                id,
            }))
        }
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes the characters that inline markdown would read as syntax.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '{' | '}' | '#' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_becomes_runs() {
        let runs = parse_inline("*Recognizing* that **all** migrants");
        assert_eq!(
            runs,
            vec![
                InlineRun { text: "Recognizing".into(), strong: false, em: true },
                InlineRun { text: " that ".into(), strong: false, em: false },
                InlineRun { text: "all".into(), strong: true, em: false },
                InlineRun { text: " migrants".into(), strong: false, em: false },
            ]
        );
        assert_eq!(runs_text(&runs), "Recognizing that all migrants");
    }

    #[test]
    fn plain_text_keeps_its_characters() {
        let text = "Acuerdan fortalecer (CRM) y la CSM, 9–10 de septiembre.";
        assert_eq!(runs_text(&parse_inline(text)), text);
    }

    #[test]
    fn comment_html_is_safe() {
        let html =
            render_comment_html("**ok** <script>alert(1)</script> [x](javascript:alert(1)) ![img](http://t/p.png) [ok](https://iom.int)");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("<strong>ok</strong>"));
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("href=\"https://iom.int\""));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_html("<a href=\"x\">&</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
        assert_eq!(escape_markdown("a*b_c"), "a\\*b\\_c");
    }
}
