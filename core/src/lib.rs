//! # pluma-core
//!
//! The document model of Pluma: one negotiated draft (the Joint Communiqué or the Concept
//! Note) is one [`automerge`] document holding bilingual paragraphs, each country's proposals
//! as tracked changes, and comment threads. Pure and synchronous: no I/O, no async runtime,
//! no clock (callers pass times), so every rule here is testable alone and could run in the
//! browser.
//!
//! ## Layout
//! - [`ids`]: validated identifiers (`Country`, `ParagraphId`, `SuggestionId`, ...) and `Lang`.
//! - [`role`]: [`Role`], what a person may do (ARCHITECTURE §1), for the rules and the server.
//! - [`rules`]: who may change what: the permission rules (ARCHITECTURE §1, §3) as a pure
//!   function over a proposed change, naming the rule a refused change broke.
//! - [`schema`]: key names and value shapes of the document (ARCHITECTURE §3).
//! - [`draft`]: [`Draft`], creation, bytes, merge, heads and forks; a draft from a
//!   zero-draft JSON file (`zero_draft`); the per-text state kept between keystrokes
//!   (`text_state`).
//! - [`view`]: [`DraftView`], every read, of the current state or of past heads.
//! - [`paragraphs`]: insert, move, delete, fields, direct edits, formatting, concordance.
//! - [`suggestions`]: tracked changes: suggest, list, accept, reject, withdraw.
//! - [`proposals`]: proposals as they are decided, whole: text (a replacement, with its
//!   counterpart in the other language) or paragraph; accept, reject, withdraw.
//! - [`paragraph_proposals`]: proposals about whole paragraphs: new ("OP 5 bis"), deleted,
//!   moved.
//! - [`threads`]: comment threads anchored by cursors.
//! - [`attribution`]: which delegation inserted each character.
//! - [`render`]: a paragraph with its proposals as Markdown (CriticMarkup) or HTML.
//! - [`markdown`]: inline markdown in, safe HTML out.
//! - [`bounds`]: how much one change may write (text, proposal, comment, title sizes).
//! - [`clean`]: the characters no text may carry (refused by the API and the rules, left
//!   out of exports).
//! - [`compare`]: two versions compared word by word, each change credited to a country.
//! - [`export`]: a version as Markdown, print-ready HTML, DOCX (clean, with proposals
//!   as Word tracked changes and threads as Word comments, or a redline of a comparison),
//!   or PDF (the clean text, typeset here with the fonts of `core/fonts/`).
//! - [`labels`]: how paragraphs are named and numbered (PP 3, OP 2), as the web client
//!   shows them: exports print operative numbers, messages name paragraphs by label.
//! - [`fingerprint`]: the canonical text and certified fingerprint of an adopted draft.
//! - [`palette`]: each delegation's colour (`data/palette.json`, shared with the web
//!   client), with the CIEDE2000 and contrast arithmetic that checks it.
//! - [`meeting`]: the meeting's own content, apart from the document model:
//!   [`meeting::delegations`] (country names for exports), [`meeting::agenda`] (parsed from
//!   the circulated text: days, sessions, absolute times, lead panelist countries,
//!   speakers), [`meeting::concept_note`] (generated from the agenda), and drafts made from
//!   a zero-draft file. Re-exported at `agenda`, `concept_note` and `delegations`.
//! - [`alternatives`]: alternative formulations of a paragraph with their co-sponsors.
//! - [`import`]: a draft from Markdown or DOCX files, one per language.
//! - [`returns`]: a DOCX export marked up in Word and sent back, read as the returning
//!   delegation's proposals and comments, placed on the current text.
//!
//! ## Decisions
//! - **Positions** are Unicode code points (automerge's default text encoding here). The
//!   browser counts UTF-16 units; positions never cross between the two, only cursors do.
//! - **Edits are not committed one by one.** They gather in an open transaction until
//!   [`Draft::commit`] or anything that needs heads or bytes, as with automerge's
//!   `AutoCommit`, so a burst of keystrokes costs one change.
//! - **Proposals cover only what their proposer touched.** Marks are set with expand
//!   `none`; automerge still gives characters inserted inside (or concurrently at the edge
//!   of) a marked range that mark, so a proposal's value names what it covers: an insertion
//!   its actor, a deletion a clock of the characters it marked (see
//!   [`schema::TrackMarkValue`]). A character counts as proposed by XX only if XX's value
//!   covers it.
//! - **A person's consecutive typing is one proposal.** An insertion right after the same
//!   person's pending insertion reuses its mark value (its id); so does a deletion next to
//!   their own pending deletion.
//! - **Threads never vanish.** A thread whose characters (or paragraph) are gone is listed
//!   as detached with its quote.
//! - **Paragraph order** is a list of ids; after concurrent moves an id may appear twice and
//!   its first place wins; ids of deleted paragraphs are skipped. Moving a paragraph removes
//!   its duplicates.
//! - **Concordance** is stored as SHA-256 digests of both texts when the secretariat confirms
//!   them; any later change to either text shows as out of concordance, whoever made it.
//! - **Reads come from a clean document.** automerge 0.12 can report wrong marks (the
//!   name and value of another mark, even of another text) for a document that was edited
//!   in memory by local transactions and changes from other replicas in turn, while the
//!   same history loaded from bytes reads correctly (found by the convergence property
//!   test; `tests/hub_marks.rs` checks the workaround). A draft changed in memory since its
//!   last load is therefore reloaded from its own bytes before anything reads it
//!   ([`Draft::view`]); typing never reads marks from the document, so it never pays this.
//! - **Typing is marked once per run.** Marking costs automerge time in proportion to the
//!   text, so a person's consecutive suggested characters are marked when the run ends
//!   (before any other operation or read), in the same change as the characters.
//! - **Identity comes from outside.** Core does not know who owns an actor id; attribution
//!   takes the server's binding as a function.
//!
//! Errors are [`DraftError`] ([`error`]): unknown ids, out-of-range positions and malformed documents are
//! each reported precisely, never by a panic.

#![forbid(unsafe_code)]

pub mod alternatives;
pub mod attribution;
pub mod bounds;
pub mod calendar;
pub mod clean;
pub mod compare;
pub mod draft;
pub mod error;
pub mod export;
pub mod fingerprint;
pub mod ids;
pub mod import;
pub mod labels;
pub mod markdown;
pub mod meeting;
pub mod palette;
pub mod paragraph_proposals;
pub mod paragraphs;
pub mod proposals;
pub mod render;
pub mod returns;
pub mod role;
pub mod rules;
pub mod schema;
pub mod suggestions;
pub(crate) mod text_state;
pub mod threads;
pub mod view;

pub use automerge;
pub use draft::Draft;
pub use error::DraftError;
pub use ids::{AlternativeId, Country, IdError, Lang, MessageId, ParagraphId, SuggestionId, ThreadId, UserId};
pub use labels::Label;
/// The meeting's content under its former paths, which the server and tests use.
pub use meeting::{agenda, concept_note, delegations};
pub use paragraph_proposals::{ParagraphProposal, Slot};
pub use paragraphs::{Concordance, Format};
pub use proposals::{Proposal, ProposalKind, Selection};
pub use role::Role;
pub use schema::{Bilingual, DraftKind, NewParagraph, Paragraph, ParagraphKind, ParagraphProposalKind, Stamp, Status, SuggestionKind};
pub use suggestions::Suggestion;
pub use threads::{Anchor, Message, Thread};
pub use view::DraftView;

/// Results of this crate.
pub type Result<T, E = DraftError> = std::result::Result<T, E>;
