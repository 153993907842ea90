//! [`Config`]: every setting of `pluma serve`, from flags or `PLUMA_` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub mod bounds;

pub use bounds::{HttpLimits, InputLimits};

/// Where the default SQLite database lives, relative to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:pluma-data/pluma.db";
/// Where the default web UI build lives, relative to the working directory.
pub const DEFAULT_WEB_DIR: &str = "client/dist";

/// The settings of a running server.
#[derive(Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "PLUMA_LISTEN", default_value = "127.0.0.1:7373")]
    pub listen: SocketAddr,
    /// Database URL: `sqlite:PATH` (created if missing) or `postgres://...`.
    #[arg(long, env = "PLUMA_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Directory of the built web UI, served instead of the build embedded in the binary
    /// (for developing the client; see `routes::web`).
    #[arg(long, env = "PLUMA_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// Hours a login session lasts.
    #[arg(long, env = "PLUMA_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: u64,
    /// Logged changes of one document after which it is compacted into a snapshot.
    #[arg(long, env = "PLUMA_COMPACTION_THRESHOLD", default_value_t = 1000)]
    pub compaction_threshold: usize,
    /// Limits of the sync protocol.
    #[command(flatten)]
    pub limits: SyncLimits,
    /// Per-person rate limits.
    #[command(flatten)]
    pub rate_limits: RateLimitSettings,
    /// Bounds on what people send.
    #[command(flatten)]
    pub input: InputLimits,
    /// Bounds on HTTP connections.
    #[command(flatten)]
    pub http: HttpLimits,
    /// Whether the session cookie carries `Secure` (sent over HTTPS only). Default: on
    /// unless the server listens on a loopback address (where a TLS proxy sits in front or
    /// the browser runs on the same machine).
    #[arg(long, env = "PLUMA_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Bounds on Word files brought back.
    #[command(flatten)]
    pub returns: ReturnSettings,
}

/// Largest Word file a delegation may bring back, in bytes (a communiqué with its tracked
/// changes and comments is a few hundred kilobytes).
pub const MAX_RETURN_BYTES: usize = 16 * 1024 * 1024;
/// Most bytes the parts of a returned Word file may take once uncompressed, together: a ZIP
/// that inflates past this is refused before it fills memory.
pub const MAX_RETURN_UNZIPPED_BYTES: usize = 64 * 1024 * 1024;
/// Longest text of a returned Word file, in characters (the longest communiqué is a few
/// tens of thousands).
pub const MAX_RETURN_CHARS: usize = 2_000_000;
/// Most proposals and comments one returned file may bring.
pub const MAX_RETURN_CHANGES: usize = 2_000;
/// How long reading and placing a returned file may take before the request is answered
/// with an error; past half of it the comparison finishes faster and coarser.
pub const RETURN_TIMEOUT: Duration = Duration::from_secs(60);

/// Bounds on Word files brought back (`POST /api/drafts/{id}/returns`, `pluma return`),
/// like those of every import; the defaults are the constants above.
#[derive(Debug, Clone, clap::Args)]
pub struct ReturnSettings {
    /// Largest returned Word file, in bytes.
    #[arg(long, env = "PLUMA_MAX_RETURN_BYTES", default_value_t = MAX_RETURN_BYTES)]
    pub max_return_bytes: usize,
    /// Most bytes a returned Word file may take once uncompressed.
    #[arg(long, env = "PLUMA_MAX_RETURN_UNZIPPED_BYTES", default_value_t = MAX_RETURN_UNZIPPED_BYTES)]
    pub max_return_unzipped_bytes: usize,
    /// Longest text of a returned Word file, in characters.
    #[arg(long, env = "PLUMA_MAX_RETURN_CHARS", default_value_t = MAX_RETURN_CHARS)]
    pub max_return_chars: usize,
    /// Most proposals and comments one returned Word file may bring.
    #[arg(long, env = "PLUMA_MAX_RETURN_CHANGES", default_value_t = MAX_RETURN_CHANGES)]
    pub max_return_changes: usize,
    /// Seconds reading and placing a returned Word file may take.
    #[arg(long = "return-timeout-secs", env = "PLUMA_RETURN_TIMEOUT_SECS", default_value = "60", value_parser = parse_secs)]
    pub return_timeout: Duration,
}

impl Default for ReturnSettings {
    fn default() -> Self {
        ReturnSettings {
            max_return_bytes: MAX_RETURN_BYTES,
            max_return_unzipped_bytes: MAX_RETURN_UNZIPPED_BYTES,
            max_return_chars: MAX_RETURN_CHARS,
            max_return_changes: MAX_RETURN_CHANGES,
            return_timeout: RETURN_TIMEOUT,
        }
    }
}

impl ReturnSettings {
    /// The bounds as the core reads them.
    pub fn limits(&self) -> pluma_core::returns::ReturnLimits {
        pluma_core::returns::ReturnLimits {
            max_file_bytes: self.max_return_bytes,
            max_unzipped_bytes: self.max_return_unzipped_bytes,
            max_text_chars: self.max_return_chars,
            max_changes: self.max_return_changes,
        }
    }
}

/// Failed sign-ins allowed per login per minute (and in a burst).
pub const FAILED_SIGN_INS_PER_MINUTE: u32 = 10;
/// Failed sign-ins allowed per client address per minute (and in a burst), whatever the
/// logins: one address cannot try many logins.
pub const FAILED_SIGN_INS_PER_ADDRESS_PER_MINUTE: u32 = 30;
/// Incoming sync bytes per user per second, sustained. Typing is a few hundred bytes a
/// second; a delegation coming back online sends its offline work in one burst.
pub const SYNC_BYTES_PER_SECOND: u64 = 2 * 1024 * 1024;
/// Incoming sync bytes per user in a burst (two full frames).
pub const SYNC_BURST_BYTES: u64 = 2 * MAX_FRAME_BYTES as u64;

/// Per-person rate limits; the defaults are the constants above.
#[derive(Debug, Clone, clap::Args)]
pub struct RateLimitSettings {
    /// Failed sign-ins per login per minute before further attempts get 429.
    #[arg(long, env = "PLUMA_FAILED_SIGN_INS_PER_MINUTE", default_value_t = FAILED_SIGN_INS_PER_MINUTE)]
    pub failed_sign_ins_per_minute: u32,
    /// Failed sign-ins per client address per minute before further attempts get 429.
    #[arg(long, env = "PLUMA_FAILED_SIGN_INS_PER_ADDRESS_PER_MINUTE", default_value_t = FAILED_SIGN_INS_PER_ADDRESS_PER_MINUTE)]
    pub failed_sign_ins_per_address_per_minute: u32,
    /// Incoming sync bytes per user per second; faster senders are slowed down, never cut.
    #[arg(long, env = "PLUMA_SYNC_BYTES_PER_SECOND", default_value_t = SYNC_BYTES_PER_SECOND)]
    pub sync_bytes_per_second: u64,
    /// Incoming sync bytes per user in a burst.
    #[arg(long, env = "PLUMA_SYNC_BURST_BYTES", default_value_t = SYNC_BURST_BYTES)]
    pub sync_burst_bytes: u64,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            failed_sign_ins_per_minute: FAILED_SIGN_INS_PER_MINUTE,
            failed_sign_ins_per_address_per_minute: FAILED_SIGN_INS_PER_ADDRESS_PER_MINUTE,
            sync_bytes_per_second: SYNC_BYTES_PER_SECOND,
            sync_burst_bytes: SYNC_BURST_BYTES,
        }
    }
}

impl Config {
    /// The defaults, with another database (for tests and embedding).
    pub fn with_database(database_url: impl Into<String>) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.into(),
            web_dir: None,
            session_hours: 12,
            compaction_threshold: 1000,
            limits: SyncLimits::default(),
            rate_limits: RateLimitSettings::default(),
            input: InputLimits::default(),
            http: HttpLimits::default(),
            secure_cookies: None,
            returns: ReturnSettings::default(),
        }
    }

    /// Whether the session cookie is `Secure` (see [`Config::secure_cookies`]).
    pub fn cookies_are_secure(&self) -> bool {
        self.secure_cookies.unwrap_or(!self.listen.ip().is_loopback())
    }

    /// How long a session lasts.
    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_hours.saturating_mul(3600))
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("session_hours", &self.session_hours)
            .field("compaction_threshold", &self.compaction_threshold)
            .field("limits", &self.limits)
            .field("rate_limits", &self.rate_limits)
            .field("input", &self.input)
            .field("http", &self.http)
            .field("secure_cookies", &self.cookies_are_secure())
            .field("returns", &self.returns)
            .finish()
    }
}

/// The URL with any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            let hidden = if userinfo.contains(':') { format!("{user}:***") } else { user.to_owned() };
            format!("{}{hidden}{}", &url[..scheme_end + 3], &rest[at..])
        }
        None => url.to_owned(),
    }
}

/// Maximum size of one WebSocket message (one CBOR automerge-repo message). A whole
/// negotiated text with its history is far below this; anything above is refused.
pub const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;
/// Maximum documents one connection may sync at once; a browser opens a handful.
pub const MAX_DOCUMENTS_PER_CONNECTION: usize = 64;
/// How often the server pings each socket. Browsers answer pings without any script, so a
/// missing pong means the peer or the network is gone (laptop lid closed, Wi-Fi lost).
pub const PING_INTERVAL: Duration = Duration::from_secs(20);
/// How long without any frame (pongs included) before a socket counts as dead: two missed
/// pings plus slack, so one slow round trip does not cut a delegate off.
pub const PONG_TIMEOUT: Duration = Duration::from_secs(45);
/// How long a connection may stay without any automerge-repo message before it is closed:
/// it frees the documents a forgotten tab keeps loaded.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// How long a new socket may take to send `join`; real clients send it at once.
pub const JOIN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a document with no peers stays in memory before it is unloaded.
pub const DOCUMENT_IDLE: Duration = Duration::from_secs(30);
/// How often each server asks the database whether the sessions of its sync connections
/// still live: the longest a connection of an ended session stays open on a server that
/// missed the sign-out's notice, while the database answers ([`crate::sync::session_watch`]).
/// A sign-out is usually heard within milliseconds; this bounds the rare case, at the cost
/// of one small query per server per interval.
pub const SESSION_CHECK_INTERVAL: Duration = Duration::from_secs(15);

/// The limits of the sync protocol; the defaults are the constants above.
#[derive(Debug, Clone, clap::Args)]
pub struct SyncLimits {
    /// Largest WebSocket message accepted, in bytes.
    #[arg(long, env = "PLUMA_MAX_FRAME_BYTES", default_value_t = MAX_FRAME_BYTES)]
    pub max_frame_bytes: usize,
    /// Most documents one connection may sync.
    #[arg(long, env = "PLUMA_MAX_DOCUMENTS_PER_CONNECTION", default_value_t = MAX_DOCUMENTS_PER_CONNECTION)]
    pub max_documents_per_connection: usize,
    /// Seconds between pings.
    #[arg(long = "ping-interval-secs", env = "PLUMA_PING_INTERVAL_SECS", default_value = "20", value_parser = parse_secs)]
    pub ping_interval: Duration,
    /// Seconds without any frame before a socket is dropped.
    #[arg(long = "pong-timeout-secs", env = "PLUMA_PONG_TIMEOUT_SECS", default_value = "45", value_parser = parse_secs)]
    pub pong_timeout: Duration,
    /// Seconds without any protocol message before a connection is closed.
    #[arg(long = "idle-timeout-secs", env = "PLUMA_IDLE_TIMEOUT_SECS", default_value = "3600", value_parser = parse_secs)]
    pub idle_timeout: Duration,
    /// Seconds a new socket has to send `join`.
    #[arg(long = "join-timeout-secs", env = "PLUMA_JOIN_TIMEOUT_SECS", default_value = "10", value_parser = parse_secs)]
    pub join_timeout: Duration,
    /// Seconds a document without peers stays loaded.
    #[arg(long = "document-idle-secs", env = "PLUMA_DOCUMENT_IDLE_SECS", default_value = "30", value_parser = parse_secs)]
    pub document_idle: Duration,
    /// Seconds between checks of the sync connections' sessions.
    #[arg(long = "session-check-secs", env = "PLUMA_SESSION_CHECK_SECS", default_value = "15", value_parser = parse_secs)]
    pub session_check_interval: Duration,
}

impl Default for SyncLimits {
    fn default() -> Self {
        SyncLimits {
            max_frame_bytes: MAX_FRAME_BYTES,
            max_documents_per_connection: MAX_DOCUMENTS_PER_CONNECTION,
            ping_interval: PING_INTERVAL,
            pong_timeout: PONG_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            join_timeout: JOIN_TIMEOUT,
            document_idle: DOCUMENT_IDLE,
            session_check_interval: SESSION_CHECK_INTERVAL,
        }
    }
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.parse().map_err(|_| format!("{s:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs).map_err(|e| format!("{s:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Passwords in database URLs never reach logs.
    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite:pluma-data/pluma.db"), "sqlite:pluma-data/pluma.db");
        let c = Config::with_database("postgres://u:secret@h/db");
        assert!(!format!("{c:?}").contains("secret"));
    }
}
