//! Key names in the document (ARCHITECTURE §3).

/// Root: schema version (integer).
pub const SCHEMA: &str = "schema";
/// Root: `"communique"` or `"concept_note"`.
pub const KIND: &str = "kind";
/// Root: `{ en: Text, es: Text }`.
pub const TITLE: &str = "title";
/// Root: list of paragraph ids in reading order.
pub const ORDER: &str = "order";
/// Root: map of paragraph id to paragraph.
pub const PARAGRAPHS: &str = "paragraphs";
/// Root: map of thread id to comment thread.
pub const THREADS: &str = "threads";

/// Paragraph: kind.
pub const P_KIND: &str = "kind";
/// Paragraph: status.
pub const P_STATUS: &str = "status";
/// Paragraph: list of countries that may direct-edit it.
pub const P_EDITORS: &str = "editors";
/// Paragraph: agenda session number or null.
pub const P_SECTION: &str = "section";
/// Paragraph: `{ en: Text, es: Text }`.
pub const P_TEXT: &str = "text";
/// Paragraph: `{ en: digest, es: digest }` or null.
pub const P_CONCORDANCE: &str = "concordance";
/// Paragraph: map of alternative id to alternative formulation (see
/// [`crate::alternatives`]).
pub const P_ALTERNATIVES: &str = "alternatives";
/// Paragraph: map of proposal id to a pending proposal about the whole paragraph (see
/// [`crate::paragraph_proposals`]).
pub const P_PROPOSALS: &str = "proposals";

/// Paragraph proposal: `"insert"`, `"delete"` or `"move"`.
pub const PP_KIND: &str = "kind";
/// Paragraph proposal: the proposing delegation.
pub const PP_COUNTRY: &str = "country";
/// Paragraph proposal: the proposing person's user id.
pub const PP_USER: &str = "user";
/// Paragraph proposal: unix milliseconds.
pub const PP_AT: &str = "at";

/// Alternative: `{ en: Text, es: Text }`.
pub const A_TEXT: &str = "text";
/// Alternative: list of co-sponsoring countries, the proposer's first.
pub const A_SPONSORS: &str = "sponsors";
/// Alternative: `{ user, country, at }` of who proposed it.
pub const A_PROPOSER: &str = "proposer";
/// Alternative: `"proposed"`, `"adopted"` or `"withdrawn"`.
pub const A_STATE: &str = "state";

/// Thread: the paragraph it sits on.
pub const T_PARAGRAPH: &str = "paragraph";
/// Thread: the language of the text it sits on.
pub const T_LANG: &str = "lang";
/// Thread: cursor of the first character of its range.
pub const T_START: &str = "start";
/// Thread: cursor of the last character of its range (inclusive).
pub const T_END: &str = "end";
/// Thread: the text of its range when it was created.
pub const T_QUOTE: &str = "quote";
/// Thread: whether it is resolved.
pub const T_RESOLVED: &str = "resolved";
/// Thread: list of messages.
pub const T_MESSAGES: &str = "messages";

/// Message: id.
pub const M_ID: &str = "id";
/// Message: author's user id.
pub const M_USER: &str = "user";
/// Message: author's country.
pub const M_COUNTRY: &str = "country";
/// Message: unix milliseconds.
pub const M_AT: &str = "at";
/// Message: markdown body.
pub const M_BODY: &str = "body";

/// Formatting mark: bold.
pub const STRONG: &str = "strong";
/// Formatting mark: italic.
pub const EM: &str = "em";
