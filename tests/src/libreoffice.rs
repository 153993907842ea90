//! LibreOffice as a capital's legal office: a DOCX opened in LibreOffice itself (headless,
//! through its Python bridge), marked up with change recording on, and saved as DOCX again
//! (`tests/lo/edit_docx.py`).
//!
//! Needs `soffice` and LibreOffice's Python bridge for Debian's `/usr/bin/python3`
//! (`scripts/install-libreoffice` installs both; `PLUMA_UNO_PYTHON` names another python).
//! Without them a test says so loudly and passes, unless `PLUMA_REQUIRE_LIBREOFFICE` is set
//! (as `scripts/test` does), when it fails.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// The python that can `import uno`.
fn python() -> String {
    std::env::var("PLUMA_UNO_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

/// `soffice`, if LibreOffice and its Python bridge are installed. Panics when they are not
/// and `PLUMA_REQUIRE_LIBREOFFICE` is set; otherwise says loudly that the test is skipped.
pub fn soffice() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("soffice"))
        .find(|p| p.is_file());
    let bridge = Command::new(python()).args(["-c", "import uno"]).output().is_ok_and(|o| o.status.success());
    if found.is_some() && bridge {
        return found;
    }
    if std::env::var_os("PLUMA_REQUIRE_LIBREOFFICE").is_some() {
        panic!(
            "LibreOffice or its Python bridge (python3-uno) is missing but PLUMA_REQUIRE_LIBREOFFICE is set: run scripts/install-libreoffice"
        );
    }
    eprintln!(
        "\n*** SKIPPED: LibreOffice (soffice) or its Python bridge is not installed; no file was marked up in LibreOffice. Run scripts/install-libreoffice. ***\n"
    );
    None
}

/// `file` opened in LibreOffice, edited as `spec` says (see `tests/lo/edit_docx.py`: author,
/// change recording, and replace / delete / insert / paragraph_after / comment edits), and
/// saved as DOCX. Blocks for a few seconds: call it from `spawn_blocking`.
pub fn edit(soffice: &std::path::Path, file: &[u8], spec: &Value) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (input, output, edits) = (dir.path().join("in.docx"), dir.path().join("out.docx"), dir.path().join("edits.json"));
    std::fs::write(&input, file).expect("write the file");
    std::fs::write(&edits, spec.to_string()).expect("write the edits");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/lo/edit_docx.py");
    let out = Command::new(python()).arg(script).arg(soffice).arg(&input).arg(&output).arg(&edits).output().expect("run LibreOffice");
    assert!(
        out.status.success(),
        "LibreOffice could not edit the file: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&output).expect("LibreOffice wrote the file")
}
