//! Errors of the document model. Each variant names what was asked for and not found, or
//! what is wrong with the input; none of them is a catch-all.

use crate::ids::{AlternativeId, IdError, Lang, MessageId, ParagraphId, SuggestionId, ThreadId};

/// Everything a [`crate::Draft`] operation can refuse.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// No paragraph with this id is in the draft.
    #[error("no paragraph {0} in this draft")]
    UnknownParagraph(ParagraphId),
    /// No comment thread with this id.
    #[error("no comment thread {0} in this draft")]
    UnknownThread(ThreadId),
    /// No message with this id in the thread.
    #[error("no message {message} in thread {thread}")]
    UnknownMessage {
        /// The thread searched.
        thread: ThreadId,
        /// The message asked for.
        message: MessageId,
    },
    /// No pending proposal with this id.
    #[error("no pending proposal {0} in this draft")]
    UnknownSuggestion(SuggestionId),
    /// A country tried to withdraw a proposal that is not its own.
    #[error("proposal {suggestion} belongs to {country}; only its proposer may withdraw it")]
    NotProposer {
        /// The proposal.
        suggestion: SuggestionId,
        /// Its proposing country.
        country: crate::ids::Country,
    },
    /// An agreed paragraph takes no proposal.
    #[error("paragraph {0} is agreed: it takes no proposal")]
    ParagraphAgreed(ParagraphId),
    /// A paragraph proposal that cannot be made as asked.
    #[error("paragraph {paragraph}: {reason}")]
    InvalidMove {
        /// The paragraph.
        paragraph: ParagraphId,
        /// Why not.
        reason: &'static str,
    },
    /// A position or range falls outside the text.
    #[error("range {start}..{end} is outside the {lang} text of paragraph {paragraph} ({len} characters)")]
    OutOfRange {
        /// The paragraph.
        paragraph: ParagraphId,
        /// The language.
        lang: Lang,
        /// Start of the requested range.
        start: usize,
        /// End of the requested range (exclusive).
        end: usize,
        /// Length of the text.
        len: usize,
    },
    /// A range that must cover at least one character covers none.
    #[error("empty range at {at} in the {lang} text of paragraph {paragraph}")]
    EmptyRange {
        /// The paragraph.
        paragraph: ParagraphId,
        /// The language.
        lang: Lang,
        /// Where the empty range sits.
        at: usize,
    },
    /// A paragraph index past the end of the reading order.
    #[error("paragraph position {index} is past the end of the draft ({len} paragraphs)")]
    IndexOutOfRange {
        /// The requested position.
        index: usize,
        /// Number of paragraphs.
        len: usize,
    },
    /// The document does not have the shape of a draft at this path.
    #[error("the document is not a valid draft at {path}: {reason}")]
    Malformed {
        /// Where in the document, e.g. `paragraphs/p12/text/en`.
        path: String,
        /// What was expected.
        reason: String,
    },
    /// An identifier or enumeration value could not be parsed.
    #[error(transparent)]
    InvalidId(#[from] IdError),
    /// A version names changes (heads, hex) this document does not have.
    #[error("this draft has no version with heads {0}")]
    UnknownHeads(String),
    /// The DOCX writer failed (it writes to memory, so this is a defect, not bad input).
    #[error("could not write the DOCX file: {0}")]
    Docx(String),
    /// The PDF writer failed (it writes to memory with fonts shipped in the crate, so this
    /// is a defect, not bad input).
    #[error("could not write the PDF file: {0}")]
    Pdf(String),
    /// A file to import could not be used (the text says why).
    #[error("cannot import: {0}")]
    InvalidImport(String),
    /// A file to import unpacks to more text than the caller allows.
    #[error("cannot import: the file unpacks to more than {limit} bytes of text")]
    ImportTooLarge {
        /// The bound, in bytes.
        limit: usize,
    },
    /// A zero-draft JSON file could not be read.
    #[error("invalid zero-draft JSON: {0}")]
    InvalidZeroDraft(String),
    /// A comment body was empty or too long.
    #[error("invalid comment: {0}")]
    InvalidComment(&'static str),
    /// No alternative with this id on the paragraph.
    #[error("no alternative {alternative} on paragraph {paragraph}")]
    UnknownAlternative {
        /// The paragraph.
        paragraph: ParagraphId,
        /// The alternative asked for.
        alternative: AlternativeId,
    },
    /// An alternative that is no longer open to this action (withdrawn or adopted).
    #[error("alternative {alternative} is {state}")]
    AlternativeNotProposed {
        /// The alternative.
        alternative: AlternativeId,
        /// Where it stands.
        state: crate::schema::AlternativeState,
    },
    /// A country withdrawing a sponsorship it does not hold.
    #[error("{country} does not sponsor alternative {alternative}")]
    NotSponsor {
        /// The alternative.
        alternative: AlternativeId,
        /// The country.
        country: crate::ids::Country,
    },
    /// An alternative text was empty or too long.
    #[error("invalid alternative: {0}")]
    InvalidAlternative(&'static str),
    /// Bytes that are not an automerge document, or that automerge refused.
    #[error("automerge: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}

impl DraftError {
    pub(crate) fn malformed(path: impl Into<String>, reason: impl Into<String>) -> Self {
        DraftError::Malformed { path: path.into(), reason: reason.into() }
    }
}
