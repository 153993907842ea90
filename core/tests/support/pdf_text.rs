//! The text of a PDF export as a reader extracting it gets it: each page's text objects
//! decoded through their fonts' ToUnicode maps (lopdf's own extraction does not read the
//! maps of the Type0 fonts the writer embeds). Shared by core's and the API's tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

/// A font's ToUnicode map: glyph code → text (the `bfchar` entries the writer emits).
fn to_unicode(doc: &lopdf::Document, font: &lopdf::Dictionary) -> HashMap<u16, String> {
    let id = font.get(b"ToUnicode").and_then(lopdf::Object::as_reference).expect("a ToUnicode map");
    let stream = doc.get_object(id).and_then(lopdf::Object::as_stream).expect("a stream");
    let cmap = String::from_utf8(stream.decompressed_content().unwrap_or_else(|_| stream.content.clone())).unwrap();
    let hex = |h: &str| u16::from_str_radix(h.trim_matches(|c| c == '<' || c == '>'), 16).ok();
    let mut map = HashMap::new();
    for line in cmap.lines() {
        let pair = match line.split_whitespace().collect::<Vec<_>>()[..] {
            [code, uni] => (hex(code), hex(uni)),
            _ => continue,
        };
        if let (Some(code), Some(uni)) = pair {
            map.insert(code, char::from_u32(u32::from(uni)).map(String::from).unwrap_or_default());
        }
    }
    map
}

/// The text of every page, decoded through each font's ToUnicode map as a reader
/// extracting it would (each text object ends a word).
pub fn pages_text(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let mut out = Vec::new();
    for (_, page) in doc.get_pages() {
        let deref = |o: &lopdf::Object| match o.as_reference() {
            Ok(id) => doc.get_object(id).expect("a referenced object").as_dict().expect("a dictionary").clone(),
            Err(_) => o.as_dict().expect("a dictionary").clone(),
        };
        let page_dict = doc.get_object(page).and_then(lopdf::Object::as_dict).expect("a page");
        let resources = deref(page_dict.get(b"Resources").expect("resources"));
        let fonts = deref(resources.get(b"Font").expect("fonts"));
        let maps: HashMap<Vec<u8>, HashMap<u16, String>> =
            fonts.iter().map(|(name, font)| (name.clone(), to_unicode(&doc, &deref(font)))).collect();
        let content = doc.get_and_decode_page_content(page).expect("page content");
        let (mut text, mut font) = (String::new(), None);
        let show = |bytes: &[u8], font: &Option<Vec<u8>>, text: &mut String| {
            let map = &maps[font.as_ref().expect("a font is set before text")];
            for pair in bytes.chunks(2) {
                let code = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
                text.push_str(map.get(&code).map_or("\u{fffd}", String::as_str));
            }
        };
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => font = op.operands.first().and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec),
                "Tj" => show(op.operands[0].as_str().expect("a string"), &font, &mut text),
                "TJ" => {
                    for o in op.operands[0].as_array().expect("an array") {
                        if let Ok(bytes) = o.as_str() {
                            show(bytes, &font, &mut text);
                        }
                    }
                }
                "ET" => text.push(' '),
                _ => {}
            }
        }
        out.push(text);
    }
    out
}
