//! Word files brought back: a DOCX export of a version, marked up by a capital in Word
//! (or LibreOffice) and returned, becomes the returning delegation's proposals and comment
//! threads on the text as it stands now, however much it moved on meanwhile.
//!
//! ## How
//! 1. **Which version** ([`source`]): every export carries the draft, the version's heads,
//!    the language, clean or tracked, and the paragraph ids. A file without that part (made
//!    elsewhere, or stripped) is matched by text against the draft's current text and its
//!    saved versions, and refused when no version's paragraphs are found in it.
//! 2. **What the file showed** ([`exported`]): the export of that version is made again and
//!    read as Word reads it, so every character it showed is known with its automerge id
//!    (a cursor), and so are the revisions and comments the export itself wrote (their
//!    author and date).
//! 3. **What changed** ([`word`], [`align`]): the returned body is read as one stream of
//!    characters with their revisions. Tracked insertions not written by the export are the
//!    returner's; the rest is compared word by word with what the export showed, which
//!    finds tracked deletions and untracked edits alike.
//! 4. **As proposals** ([`plan`]): each change becomes one proposal of the returning
//!    delegation: a replacement, insertion or deletion in a paragraph, a new paragraph, a
//!    paragraph's deletion or move; each new Word comment a thread. Changes that are not
//!    proposals (the title, paragraph numbers, deciding other delegations' proposals, joining
//!    or splitting paragraphs) are listed, never dropped silently.
//! 5. **Placed now** ([`apply`]): each proposal is made on the current text by the ids of the
//!    characters it was made against: a deletion covers those characters wherever they now
//!    are; an insertion goes right after the character before it (or before the one after
//!    it). Text the draft no longer has is reported as not placed, with the reason. Each
//!    proposal is checked with the permission rules as the returning delegation; one the
//!    rules refuse is reported, the others stand.
//!
//! Every planned change has a digest of what it is and what it was made against, so the
//! caller can make sure that bringing the same file (or the same edits) back twice creates
//! nothing twice.
//!
//! Pure: the caller reads the file and the draft, passes the deadline, and stores the
//! result. Costs time in proportion to the file and the draft; bounded by [`ReturnLimits`].

pub mod align;
pub mod apply;
pub mod exported;
pub mod package;
pub mod plan;
pub mod report;
pub mod source;
pub mod word;

pub use apply::{ApplyOptions, apply};
pub use plan::{Plan, ReadOptions, read};
pub use report::Report;

/// Bounds on a returned file, like those of every import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnLimits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: usize,
    /// Most bytes its parts may take once uncompressed, together.
    pub max_unzipped_bytes: usize,
    /// Longest body text accepted, in characters.
    pub max_text_chars: usize,
    /// Most proposals and comments one file may bring.
    pub max_changes: usize,
}

impl Default for ReturnLimits {
    fn default() -> Self {
        ReturnLimits { max_file_bytes: 16 << 20, max_unzipped_bytes: 64 << 20, max_text_chars: 2_000_000, max_changes: 2_000 }
    }
}

/// Why a returned file cannot be read. Each says what is wrong with the file in words
/// for the person who sent it.
#[derive(Debug, thiserror::Error)]
pub enum ReturnError {
    /// Not a DOCX file.
    #[error("this is not a Word (DOCX) file: {0}")]
    NotDocx(String),
    /// A DOCX whose XML cannot be read.
    #[error("this Word file cannot be read: {0}")]
    Malformed(String),
    /// Over a limit.
    #[error("this Word file is too large: {0}")]
    TooLarge(String),
    /// It names another draft.
    #[error("this Word file was exported from another draft ({file}), not from this one")]
    OtherDraft {
        /// The draft the file names.
        file: String,
    },
    /// Its version is not in the draft's history.
    #[error("this Word file was exported from a version this draft does not have")]
    UnknownVersion,
    /// Its source part is damaged.
    #[error("this Word file's Pluma source cannot be read: {0}")]
    BadSource(String),
    /// No source part, and no version of the draft matches its text.
    #[error(
        "this Word file does not say which version of the draft it was exported from, and its paragraphs do not match the draft's \
         ({found} of the {total} paragraphs of the closest version found in it): export the draft from Pluma and mark up that file"
    )]
    NoMatch {
        /// Paragraphs of the closest version found in the file.
        found: usize,
        /// Paragraphs of that version.
        total: usize,
    },
    /// More changes than one return may bring.
    #[error("this Word file brings {count} changes, more than the {limit} one return may bring")]
    TooManyChanges {
        /// Changes found.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The draft itself could not be read or exported (a fault of ours, not of the file).
    #[error("the draft could not be read: {0}")]
    Draft(#[from] crate::DraftError),
    /// The export made again did not read back as written (a fault of ours).
    #[error("the exported version could not be rebuilt: {0}")]
    Rebuild(String),
}

impl ReturnError {
    /// Whether this is the file's fault (the sender can do something), not ours.
    pub fn is_input(&self) -> bool {
        !matches!(self, ReturnError::Draft(_) | ReturnError::Rebuild(_))
    }
}
