//! `pluma backup` and `pluma restore`: a whole installation to one archive file and back,
//! on either backend. SQLite → PostgreSQL is how a meeting that outgrew one machine moves.
//!
//! - [`backup`] reads every table of the database (found by introspection, so tables added
//!   by later migrations are included without a list here; only sqlx's `_sqlx_migrations`
//!   is left out) inside one read transaction, so the archive is one consistent moment:
//!   SQLite's WAL gives the transaction a snapshot, PostgreSQL runs it `REPEATABLE READ
//!   READ ONLY`. It writes the archive next to `out` under a temporary name and renames it
//!   when complete, so a failed backup never leaves a partial file under the final name.
//! - [`restore`] first reads the whole archive and checks it ([`archive`] describes the
//!   format), refuses an archive of another schema version than this binary's migrations,
//!   refuses a database that holds any row, then runs the migrations and inserts every row
//!   in one transaction, parents before the tables that reference them. A failure leaves
//!   the database without rows. On PostgreSQL, sequences are moved past the restored ids.
//!
//! Layout: [`archive`] the file format; [`schema`] the tables found by introspection and the
//! checks between an archive and a database; `sqlite.rs` and `postgres.rs` the reading and
//! writing on each backend. File I/O blocks the calling thread: these are command-line
//! operations, not request handlers.

pub mod archive;
mod batches;
mod postgres;
pub mod schema;
mod sqlite;

use std::path::{Path, PathBuf};

use sqlx::migrate::Migrator;

pub use archive::{ArchiveReader, FORMAT_VERSION, Header, TableHeader};

/// The migrations this binary runs on SQLite (the same as `store::SqliteStore` runs).
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
/// The migrations this binary runs on PostgreSQL.
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Results of backups and restores.
pub type Result<T, E = BackupError> = std::result::Result<T, E>;

/// Why a backup or a restore failed. Nothing was written under the final name (backup) and
/// the database holds no row (restore).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The URL names no backend we have.
    #[error("unsupported database URL scheme {0:?}: use sqlite:PATH or postgres://...")]
    UnsupportedUrl(String),
    /// A SQLite database to back up does not exist.
    #[error("there is no database at {0}")]
    NoDatabase(PathBuf),
    /// The database has no applied migrations: not a Pluma database.
    #[error("the database is not a Pluma database (it has no applied migrations)")]
    NotPluma,
    /// A column's type has no archive type.
    #[error("column {table}.{column} has the type {sql_type}, which the backup does not know")]
    UnsupportedType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Its type as declared.
        sql_type: String,
    },
    /// A stored value does not fit its column's type (SQLite accepts anything).
    #[error("a value of column {table}.{column} cannot be read: {detail}")]
    BadValue {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// What is wrong.
        detail: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The archive is unreadable, damaged, truncated or not an archive.
    #[error("bad archive: {0}")]
    Archive(String),
    /// The archive was taken at another schema version than this binary's.
    #[error(
        "the archive has schema version {archive}, this pluma's migrations end at {binary}: \
         restore it with the pluma version that wrote it"
    )]
    SchemaVersion {
        /// The archive's version.
        archive: i64,
        /// This binary's newest migration.
        binary: i64,
    },
    /// The target database already holds rows.
    #[error("the database is not empty (table {table} has rows): restore only into an empty database")]
    NotEmpty {
        /// The first table found with rows.
        table: String,
    },
    /// The archive's tables do not match the database's schema.
    #[error("the archive does not match the database: {0}")]
    SchemaMismatch(String),
    /// What was read changed while it was read (cannot happen inside one transaction).
    #[error("inconsistent read: {0}")]
    Inconsistent(String),
    /// Opening or migrating the database failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl BackupError {
    fn io(path: &Path, source: std::io::Error) -> BackupError {
        BackupError::Io { path: path.to_owned(), source }
    }
}

/// The two backends, by URL scheme (the same schemes as [`crate::store::connect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn of(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            // Only the scheme: the rest of a URL may hold a password.
            let scheme = url.split(':').next().unwrap_or_default();
            Err(BackupError::UnsupportedUrl(scheme.chars().take(40).collect()))
        }
    }

    fn migrator(self) -> &'static Migrator {
        match self {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }
}

/// The newest migration this binary knows (the same number on both backends).
pub fn schema_version() -> i64 {
    latest(&SQLITE_MIGRATIONS)
}

fn latest(migrator: &Migrator) -> i64 {
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

/// What a backup wrote or a restore loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The schema version of the archive.
    pub schema_version: i64,
    /// Every table with its number of rows, in archive order.
    pub tables: Vec<(String, u64)>,
}

impl Summary {
    fn of(schema_version: i64, tables: &[TableHeader]) -> Summary {
        Summary { schema_version, tables: tables.iter().map(|t| (t.table.clone(), t.rows)).collect() }
    }

    /// Rows in all tables.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// The header of an archive taken now from a database at `schema_version`.
fn new_header(schema_version: i64, source: &str) -> Header {
    Header {
        format: archive::FORMAT_NAME.to_owned(),
        format_version: FORMAT_VERSION,
        schema_version,
        source: source.to_owned(),
        created_at_ms: crate::time::now_ms(),
        pluma_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// Writes a consistent archive of the database at `database_url` to `out` (replacing a file
/// there only once the new archive is complete and on disk). Never writes to the database.
pub async fn backup(database_url: &str, out: &Path) -> Result<Summary> {
    let backend = Backend::of(database_url)?;
    let partial = partial_path(out);
    let written = match backend {
        Backend::Sqlite => sqlite::dump(database_url, &partial).await,
        Backend::Postgres => postgres::dump(database_url, &partial).await,
    };
    let done = written.and_then(|summary| {
        std::fs::rename(&partial, out).map_err(|e| BackupError::io(out, e))?;
        sync_parent(out);
        Ok(summary)
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    done
}

/// Loads the archive at `input` into the empty database at `database_url` (created and
/// migrated if needed). Checks the whole archive before touching the database.
pub async fn restore(database_url: &str, input: &Path) -> Result<Summary> {
    let backend = Backend::of(database_url)?;
    let (header, tables) = ArchiveReader::verify(input)?;
    let binary = latest(backend.migrator());
    if header.schema_version != binary {
        return Err(BackupError::SchemaVersion { archive: header.schema_version, binary });
    }
    match backend {
        Backend::Sqlite => sqlite::load(database_url, input, &tables).await?,
        Backend::Postgres => postgres::load(database_url, input, &tables).await?,
    }
    Ok(Summary::of(header.schema_version, &tables))
}

/// `dir/.name.partial-PID`: beside the final file (so the rename stays on one file system)
/// and hidden.
fn partial_path(out: &Path) -> PathBuf {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "backup".into());
    out.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Makes the rename durable (best effort: not every platform can sync a directory).
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = std::fs::File::open(parent) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both backends' migrations end at the same number, the archive's schema version.
    #[test]
    fn backends_share_the_schema_version() {
        assert_eq!(latest(&SQLITE_MIGRATIONS), latest(&POSTGRES_MIGRATIONS));
        assert!(schema_version() >= 3);
    }

    /// A partial archive sits beside the final one, hidden.
    #[test]
    fn partial_files_are_hidden_siblings() {
        let p = partial_path(Path::new("/backups/pluma.backup"));
        assert_eq!(p.parent(), Some(Path::new("/backups")));
        assert!(p.file_name().unwrap_or_default().to_string_lossy().starts_with(".pluma.backup.partial-"));
    }
}
