//! The parts of a returned DOCX file that a return reads, taken out of its ZIP package
//! within bounds: no part is read past what the limits allow, whatever the archive claims.

use std::io::Read;

use super::{ReturnError, ReturnLimits};

/// The parts a return reads, as text.
#[derive(Debug, Clone, Default)]
pub struct Package {
    /// `word/document.xml`.
    pub document: String,
    /// `word/comments.xml`, if the file has comments.
    pub comments: Option<String>,
    /// Every custom XML part (`customXml/item*.xml`).
    pub custom_items: Vec<String>,
    /// `docProps/custom.xml`, if the file has custom properties.
    pub custom_properties: Option<String>,
}

/// Most entries a package may list (a Word file has a few dozen).
const MAX_ENTRIES: usize = 10_000;

/// Reads the package. Refuses what is not a ZIP archive with a Word document in it, and
/// any part (or all parts together) larger than the limits once uncompressed.
pub fn read(bytes: &[u8], limits: &ReturnLimits) -> Result<Package, ReturnError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ReturnError::TooLarge(format!("the file is larger than {} bytes", limits.max_file_bytes)));
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| ReturnError::NotDocx("it is not a ZIP archive, as every DOCX file is".into()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ReturnError::NotDocx(format!("its archive lists more than {MAX_ENTRIES} parts")));
    }
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let mut budget = limits.max_unzipped_bytes;
    let mut take = |name: &str| -> Result<Option<String>, ReturnError> {
        let Ok(mut entry) = zip.by_name(name) else { return Ok(None) };
        let mut raw = Vec::new();
        (&mut entry)
            .take((budget as u64).saturating_add(1))
            .read_to_end(&mut raw)
            .map_err(|_| ReturnError::NotDocx(format!("its part {name} is damaged")))?;
        if raw.len() > budget {
            return Err(ReturnError::TooLarge(format!("its parts are larger than {} bytes once uncompressed", limits.max_unzipped_bytes)));
        }
        budget -= raw.len();
        String::from_utf8(raw).map(Some).map_err(|_| ReturnError::NotDocx(format!("its part {name} is not UTF-8 text")))
    };
    let document = take("word/document.xml")?.ok_or_else(|| ReturnError::NotDocx("it has no Word document (word/document.xml)".into()))?;
    let comments = take("word/comments.xml")?;
    let custom_properties = take("docProps/custom.xml")?;
    let mut custom_items = Vec::new();
    for name in names.iter().filter(|n| is_custom_item(n)) {
        if let Some(item) = take(name)? {
            custom_items.push(item);
        }
    }
    Ok(Package { document, comments, custom_items, custom_properties })
}

/// `customXml/item1.xml` and the like, not their properties or relationships.
fn is_custom_item(name: &str) -> bool {
    name.strip_prefix("customXml/item")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The value of a custom document property, from `docProps/custom.xml`.
pub fn custom_property(xml: &str, name: &str) -> Option<String> {
    let doc = roxmltree::Document::parse_with_options(xml, super::word::xml_options()).ok()?;
    let property = doc.descendants().find(|n| n.tag_name().name() == "property" && n.attribute("name") == Some(name))?;
    let value: String = property.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_items_are_told_apart() {
        assert!(is_custom_item("customXml/item1.xml"));
        assert!(is_custom_item("customXml/item12.xml"));
        assert!(!is_custom_item("customXml/itemProps1.xml"));
        assert!(!is_custom_item("customXml/_rels/item1.xml.rels"));
    }

    /// A small archive that inflates past the limit is refused before it is read whole.
    #[test]
    fn archives_that_inflate_too_far_are_refused() {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file("word/document.xml", deflated).unwrap();
        std::io::Write::write_all(&mut w, &vec![b' '; 4 << 20]).unwrap();
        w.finish().unwrap();
        assert!(buf.get_ref().len() < 64 << 10, "the archive itself is small");
        let limits = ReturnLimits { max_unzipped_bytes: 1 << 20, ..ReturnLimits::default() };
        let err = read(buf.get_ref(), &limits).unwrap_err();
        assert!(matches!(err, ReturnError::TooLarge(_)), "{err}");
    }

    /// Not a ZIP, and a ZIP without a document, are refused with a reason.
    #[test]
    fn non_documents_are_refused() {
        let limits = ReturnLimits::default();
        assert!(matches!(read(b"plain text", &limits), Err(ReturnError::NotDocx(_))));
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        w.start_file("hello.txt", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut w, b"hi").unwrap();
        w.finish().unwrap();
        let err = read(buf.get_ref(), &limits).unwrap_err();
        assert!(err.to_string().contains("word/document.xml"), "{err}");
    }
}
