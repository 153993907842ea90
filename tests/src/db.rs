//! Test databases: every store test runs on SQLite (a temporary file) and, when
//! `PLUMA_TEST_POSTGRES_URL` is set, on a fresh PostgreSQL database dropped afterwards.

use std::sync::Arc;

use pluma_server::store::{self, Store};

/// The environment variable naming a PostgreSQL server for tests (any database on it; each
/// test creates its own).
pub const POSTGRES_ENV: &str = "PLUMA_TEST_POSTGRES_URL";

/// One test database. Dropping it deletes it (the temporary directory, or the PostgreSQL
/// database), also when the test panics.
#[derive(Debug)]
pub struct TestDb {
    /// `"sqlite"` or `"postgres"`, for messages.
    pub backend: &'static str,
    /// The URL the server should open.
    pub url: String,
    dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// A fresh SQLite database in a temporary directory.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite:{}", dir.path().join("pluma.db").display());
        TestDb { backend: "sqlite", url, dir: Some(dir), postgres: None }
    }

    /// A fresh PostgreSQL database, or `None` when `PLUMA_TEST_POSTGRES_URL` is unset.
    /// Under CI (`CI` set) an unset URL fails the test instead: a PostgreSQL test that
    /// passes without PostgreSQL proves nothing.
    pub async fn postgres() -> Option<TestDb> {
        let admin = postgres_url()?;
        let name = format!("pluma_test_{:016x}", rand::random::<u64>());
        let mut conn = sqlx_connect(&admin).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.expect("create the test database");
        Some(TestDb { backend: "postgres", url: with_database(&admin, &name), dir: None, postgres: Some((admin, name)) })
    }

    /// SQLite, then PostgreSQL if configured.
    pub async fn each() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite()];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    /// Opens the store (running migrations).
    pub async fn open(&self) -> Arc<dyn Store> {
        store::connect(&self.url).await.unwrap_or_else(|e| panic!("open the {} test database: {e}", self.backend))
    }

    /// Runs SQL statements directly on the database (to corrupt data or break writes in
    /// tests), separated by `;;`.
    pub async fn execute(&self, sql: &'static str) {
        use sqlx::Connection;
        for statement in sql.split(";;").map(str::trim).filter(|s| !s.is_empty()) {
            let statement = sqlx::AssertSqlSafe(statement.to_owned());
            let done = if self.backend == "postgres" {
                let mut conn = sqlx::PgConnection::connect(&self.url).await.expect("connect");
                sqlx::query(statement).execute(&mut conn).await.map(|_| ())
            } else {
                let mut conn = sqlx::SqliteConnection::connect(&self.url).await.expect("connect");
                sqlx::query(statement).execute(&mut conn).await.map(|_| ())
            };
            done.unwrap_or_else(|e| panic!("{}: {e}", self.backend));
        }
    }

    /// PostgreSQL: ends every connection to this test database but the caller's (as a
    /// database restart or a network cut would), and returns how many were ended. Only this
    /// test's database is touched.
    pub async fn cut_connections(&self) -> usize {
        let (admin, name) = self.postgres.as_ref().expect("cut_connections needs PostgreSQL");
        let mut conn = sqlx_connect(admin).await;
        let ended: Vec<(bool,)> =
            sqlx::query_as("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()")
                .bind(name)
                .fetch_all(&mut conn)
                .await
                .expect("terminate connections");
        ended.len()
    }

    /// PostgreSQL: opens or closes this test database to new connections (closing it also
    /// ends the open ones): from the servers' side, the database is down.
    pub async fn set_reachable(&self, reachable: bool) {
        let (admin, name) = self.postgres.as_ref().expect("set_reachable needs PostgreSQL");
        let mut conn = sqlx_connect(admin).await;
        let statement = format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}");
        sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut conn).await.expect("alter database");
        if !reachable {
            self.cut_connections().await;
        }
    }

    /// The directory of a SQLite database (for crash tests that spawn a server on it).
    pub fn dir(&self) -> Option<&std::path::Path> {
        self.dir.as_ref().map(|d| d.path())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside any runtime guarantee (maybe inside one, maybe panicking):
        // a thread with its own runtime can always block.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            rt.block_on(async {
                let mut conn = sqlx_connect(&admin).await;
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                    .execute(&mut conn)
                    .await
                    .map(|_| ())
                    .map_err(std::io::Error::other)
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop a PostgreSQL test database: {dropped:?}");
        }
    }
}

/// `PLUMA_TEST_POSTGRES_URL`; `None` (with a note) when it is unset, except under CI (the
/// `CI` variable set), where that is a failure.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("{POSTGRES_ENV} is not set but CI is: the PostgreSQL tests must run in CI (.ci/run sets it)")
        }
        Err(_) => {
            eprintln!("note: {POSTGRES_ENV} is not set; running this test on SQLite only");
            None
        }
    }
}

async fn sqlx_connect(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| panic!("connect to {POSTGRES_ENV}: {e}"))
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = main.find("://").map_or(0, |i| i + 3);
    let base = match main[authority_start..].find('/') {
        Some(i) => &main[..authority_start + i],
        None => main,
    };
    format!("{base}/{name}{query}")
}

/// Stores a communiqué draft record (no meeting, no creator) with `snapshot` as its document.
pub async fn stored_draft(store: &Arc<dyn Store>, snapshot: &[u8]) -> pluma_server::model::DraftRecord {
    let record = pluma_server::model::DraftRecord {
        id: pluma_server::ids::DraftId::random(),
        doc_id: pluma_server::ids::DocumentId::random(),
        meeting_id: None,
        kind: pluma_core::DraftKind::Communique,
        title_en: "Joint Communiqué".into(),
        title_es: "Comunicado Conjunto".into(),
        created_by: None,
        created_at: 5,
    };
    store.create_draft(&record, snapshot).await.expect("draft stored");
    record
}

#[cfg(test)]
mod tests {
    /// The database name in a PostgreSQL URL is replaced, keeping credentials and options.
    #[test]
    fn database_names_are_swapped() {
        assert_eq!(super::with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"), "postgres://postgres@127.0.0.1:5432/x");
        assert_eq!(super::with_database("postgres://u:p@h/db?sslmode=disable", "y"), "postgres://u:p@h/y?sslmode=disable");
        assert_eq!(super::with_database("postgres://h:5432", "z"), "postgres://h:5432/z");
    }
}
