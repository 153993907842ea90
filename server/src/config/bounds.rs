//! The bounds on what people send ([`InputLimits`]) and on HTTP connections
//! ([`HttpLimits`]): each a setting with a default, checked before any work or storage.

use std::time::Duration;

use super::parse_secs;

/// Largest JSON body of an API request other than an import.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest body of an import request (the files, DOCX in base64, as sent).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
/// Most bytes of text an import may unpack (a DOCX's XML, or the Markdown): a 100 KB DOCX
/// can hold hundreds of megabytes of compressed text.
pub const MAX_IMPORT_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// Longest text of one paragraph in one language (or of an alternative), in characters. A
/// long operative paragraph is a few thousand.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Most characters one sync message may insert into one text (a proposal, or a chair's
/// direct edit).
pub const MAX_PROPOSAL_CHARS: usize = 10_000;
/// Longest comment, objection or reason, in characters.
pub const MAX_COMMENT_CHARS: usize = 10_000;
/// Longest title of a draft, per language, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest version label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// Longest login name, in characters.
pub const MAX_LOGIN_CHARS: usize = 100;
/// Most paragraphs a draft may be created or imported with.
pub const MAX_PARAGRAPHS: usize = 1_000;
/// Most drafts one meeting may hold.
pub const MAX_DRAFTS_PER_MEETING: usize = 100;
/// Versions one draft may be saved with in an hour (by people; workflow actions save
/// theirs regardless).
pub const VERSIONS_PER_DRAFT_PER_HOUR: u32 = 30;
/// Largest ephemeral (presence, cursor) message; a real one is a few hundred bytes.
pub const MAX_EPHEMERAL_BYTES: usize = 16 * 1024;
/// Ephemeral messages one connection may send per second, sustained (twice that in a
/// burst). A browser sends one per cursor move, throttled.
pub const EPHEMERAL_PER_SECOND: u32 = 20;
/// Bytes that may wait in one socket's outbound queue; a peer that lets more pile up does
/// not read, and is disconnected. One message larger than this (a whole document for a
/// newcomer) is always let through onto an empty queue.
pub const OUTBOUND_QUEUE_BYTES: usize = 8 * 1024 * 1024;
/// Imports, zero drafts, snapshots, comparisons and exports running at once; the rest wait.
pub const HEAVY_WORK_CONCURRENCY: usize = 2;

/// Bounds on what people send; the defaults are the constants above.
#[derive(Debug, Clone, clap::Args)]
pub struct InputLimits {
    /// Largest JSON body of an API request other than an import, in bytes.
    #[arg(long, env = "PLUMA_MAX_BODY_BYTES", default_value_t = MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Largest body of an import request, in bytes.
    #[arg(long, env = "PLUMA_MAX_IMPORT_BYTES", default_value_t = MAX_IMPORT_BYTES)]
    pub max_import_bytes: usize,
    /// Most bytes of text an import may unpack (DOCX XML or Markdown).
    #[arg(long, env = "PLUMA_MAX_IMPORT_TEXT_BYTES", default_value_t = MAX_IMPORT_TEXT_BYTES)]
    pub max_import_text_bytes: usize,
    /// Longest paragraph text in one language, in characters.
    #[arg(long, env = "PLUMA_MAX_TEXT_CHARS", default_value_t = MAX_TEXT_CHARS)]
    pub max_text_chars: usize,
    /// Most characters one sync message may insert into one text.
    #[arg(long, env = "PLUMA_MAX_PROPOSAL_CHARS", default_value_t = MAX_PROPOSAL_CHARS)]
    pub max_proposal_chars: usize,
    /// Longest comment, objection or reason, in characters.
    #[arg(long, env = "PLUMA_MAX_COMMENT_CHARS", default_value_t = MAX_COMMENT_CHARS)]
    pub max_comment_chars: usize,
    /// Longest draft title per language, in characters.
    #[arg(long, env = "PLUMA_MAX_TITLE_CHARS", default_value_t = MAX_TITLE_CHARS)]
    pub max_title_chars: usize,
    /// Longest version label, in characters.
    #[arg(long, env = "PLUMA_MAX_LABEL_CHARS", default_value_t = MAX_LABEL_CHARS)]
    pub max_label_chars: usize,
    /// Longest login name, in characters.
    #[arg(long, env = "PLUMA_MAX_LOGIN_CHARS", default_value_t = MAX_LOGIN_CHARS)]
    pub max_login_chars: usize,
    /// Most paragraphs a draft may be created or imported with.
    #[arg(long, env = "PLUMA_MAX_PARAGRAPHS", default_value_t = MAX_PARAGRAPHS)]
    pub max_paragraphs: usize,
    /// Most drafts one meeting may hold.
    #[arg(long, env = "PLUMA_MAX_DRAFTS_PER_MEETING", default_value_t = MAX_DRAFTS_PER_MEETING)]
    pub max_drafts_per_meeting: usize,
    /// Versions people may save of one draft per hour.
    #[arg(long, env = "PLUMA_VERSIONS_PER_DRAFT_PER_HOUR", default_value_t = VERSIONS_PER_DRAFT_PER_HOUR)]
    pub versions_per_draft_per_hour: u32,
    /// Largest ephemeral (presence) sync message, in bytes.
    #[arg(long, env = "PLUMA_MAX_EPHEMERAL_BYTES", default_value_t = MAX_EPHEMERAL_BYTES)]
    pub max_ephemeral_bytes: usize,
    /// Ephemeral messages per connection per second (twice that in a burst).
    #[arg(long, env = "PLUMA_EPHEMERAL_PER_SECOND", default_value_t = EPHEMERAL_PER_SECOND)]
    pub ephemeral_per_second: u32,
    /// Bytes that may wait for one socket before its peer is disconnected.
    #[arg(long, env = "PLUMA_OUTBOUND_QUEUE_BYTES", default_value_t = OUTBOUND_QUEUE_BYTES)]
    pub outbound_queue_bytes: usize,
    /// Heavy tasks (imports, zero drafts, snapshots, comparisons, exports) run at once.
    #[arg(long, env = "PLUMA_HEAVY_WORK_CONCURRENCY", default_value_t = HEAVY_WORK_CONCURRENCY)]
    pub heavy_work_concurrency: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits {
            max_body_bytes: MAX_BODY_BYTES,
            max_import_bytes: MAX_IMPORT_BYTES,
            max_import_text_bytes: MAX_IMPORT_TEXT_BYTES,
            max_text_chars: MAX_TEXT_CHARS,
            max_proposal_chars: MAX_PROPOSAL_CHARS,
            max_comment_chars: MAX_COMMENT_CHARS,
            max_title_chars: MAX_TITLE_CHARS,
            max_label_chars: MAX_LABEL_CHARS,
            max_login_chars: MAX_LOGIN_CHARS,
            max_paragraphs: MAX_PARAGRAPHS,
            max_drafts_per_meeting: MAX_DRAFTS_PER_MEETING,
            versions_per_draft_per_hour: VERSIONS_PER_DRAFT_PER_HOUR,
            max_ephemeral_bytes: MAX_EPHEMERAL_BYTES,
            ephemeral_per_second: EPHEMERAL_PER_SECOND,
            outbound_queue_bytes: OUTBOUND_QUEUE_BYTES,
            heavy_work_concurrency: HEAVY_WORK_CONCURRENCY,
        }
    }
}

impl InputLimits {
    /// The bounds the sync server checks changes against.
    pub fn sizes(&self) -> pluma_core::bounds::SizeLimits {
        pluma_core::bounds::SizeLimits {
            max_text_chars: self.max_text_chars,
            max_proposal_chars: self.max_proposal_chars,
            max_comment_chars: self.max_comment_chars,
            max_title_chars: self.max_title_chars,
        }
    }
}

/// How long a client may take to send a request's headers: a connection that sends half
/// a request and stops is closed after this.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's body (an import is the largest).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(60);
/// Open connections one client address may hold (sync sockets included). Behind a reverse
/// proxy every client comes from the proxy's address: raise it there.
pub const MAX_CONNECTIONS_PER_ADDRESS: usize = 512;

/// Bounds on HTTP connections; the defaults are the constants above.
#[derive(Debug, Clone, clap::Args)]
pub struct HttpLimits {
    /// Seconds a client may take to send a request's headers.
    #[arg(long = "header-timeout-secs", env = "PLUMA_HEADER_TIMEOUT_SECS", default_value = "10", value_parser = parse_secs)]
    pub header_timeout: Duration,
    /// Seconds a client may take to send a request's body.
    #[arg(long = "body-timeout-secs", env = "PLUMA_BODY_TIMEOUT_SECS", default_value = "60", value_parser = parse_secs)]
    pub body_timeout: Duration,
    /// Open connections per client address.
    #[arg(long, env = "PLUMA_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = MAX_CONNECTIONS_PER_ADDRESS)]
    pub max_connections_per_address: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits { header_timeout: HEADER_TIMEOUT, body_timeout: BODY_TIMEOUT, max_connections_per_address: MAX_CONNECTIONS_PER_ADDRESS }
    }
}
