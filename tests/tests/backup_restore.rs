//! `pluma backup` and `pluma restore` (the library functions the commands call): a
//! populated installation goes SQLite → archive → PostgreSQL → archive → SQLite with every
//! table's rows and every document's history intact, a server on the restored database
//! serves the same text and takes new edits; a non-empty target, a damaged archive or an
//! archive of another schema version is refused and leaves nothing behind.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::Path;

use automerge::AutoCommit;
use pluma_server::Config;
use pluma_server::backup::{self, BackupError};
use pluma_server::ids::MeetingId;
use pluma_server::model::{Conference, Delegation, Role};
use pluma_server::store::NewMeeting;
use pluma_tests::api::{Session, small_zero_draft};
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::holdings::{snapshot_of, table_rows};
use pluma_tests::server::{TestServer, password_of};
use reqwest::Method;
use serde_json::{Value, json};

/// What the populated installation holds that a restored server must serve.
#[derive(Debug)]
struct Populated {
    draft: String,
    doc_id: String,
    text_en: String,
    mx: Session,
}

/// Users, sessions, tickets (used and unused), a refused sign-in, a meeting with its
/// delegations, two drafts edited by two countries over the sync protocol (with a
/// compaction, so snapshots and logged changes both hold history), versions, audit entries.
async fn populate(db: &TestDb) -> Populated {
    let mut config = Config::with_database(&db.url);
    config.compaction_threshold = 4;
    let server = TestServer::start_with(config).await;
    let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;
    assert!(server.api.login("ar", "wrong").await.is_err());
    server.api.ticket(&ar.token).await.unwrap();
    let meeting = NewMeeting {
        id: MeetingId::random(),
        name_en: "Joint plenary".into(),
        name_es: "Plenaria conjunta".into(),
        delegations: vec![
            Delegation {
                code: "MX".parse().unwrap(),
                name_en: "Mexico".into(),
                name_es: "México".into(),
                conference: Conference::Rcm,
                time_zone: "America/Mexico_City".into(),
                is_ppt: true,
            },
            Delegation {
                code: "CL".parse().unwrap(),
                name_en: "Chile".into(),
                name_es: "Chile".into(),
                conference: Conference::Sacm,
                time_zone: "America/Santiago".into(),
                is_ppt: false,
            },
        ],
    };
    server.state.store.create_meeting(&meeting, 7).await.unwrap();
    let (status, body) = server
        .api
        .call(
            Method::POST,
            "/api/drafts",
            Some(&chair.token),
            Some(json!({"zero_draft": small_zero_draft(), "meeting_id": meeting.id.to_string()})),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
    let draft = body["id"].as_str().unwrap().to_owned();
    let doc_id = body["doc_id"].as_str().unwrap().to_owned();
    let other = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
    let other_doc = other["doc_id"].as_str().unwrap().to_owned();
    let (status, _) = server
        .api
        .call(Method::POST, &format!("/api/drafts/{draft}/versions"), Some(&chair.token), Some(json!({"label": "Zero draft"})))
        .await
        .unwrap();
    assert_eq!(status, 201);

    let mut a = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
    let mut b = client::connect(&server.sync_url(&ar).await, "peer-ar").await.unwrap();
    a.open(&doc_id).await.unwrap();
    b.open(&doc_id).await.unwrap();
    for (i, (en, es)) in [(" in Lima", " en Lima"), (" in May", " en mayo"), (" of 2022", " de 2022")].iter().enumerate() {
        a.change(&doc_id, |d| edits::append(d, &Proposer::of(&mx), 1, "en", en)).await.unwrap();
        a.wait_synced(&doc_id).await.unwrap();
        b.change(&doc_id, |d| edits::append(d, &Proposer::of(&ar), i % 2, "es", es)).await.unwrap();
        b.wait_synced(&doc_id).await.unwrap();
    }
    a.open(&other_doc).await.unwrap();
    a.change(&other_doc, |d| edits::append(d, &Proposer::of(&mx), 0, "en", " and trust")).await.unwrap();
    a.wait_synced(&other_doc).await.unwrap();
    let (status, _) = server
        .api
        .call(Method::POST, &format!("/api/drafts/{draft}/versions"), Some(&ar.token), Some(json!({"label": "After Lima"})))
        .await
        .unwrap();
    assert_eq!(status, 201);
    let text_en = edits::text(&a.docs[&doc_id].doc, 1, "en").unwrap();
    assert!(text_en.ends_with("in Lima in May of 2022"), "{text_en}");
    drop((a, b));
    server.stop().await;
    Populated { draft, doc_id, text_en, mx }
}

/// The restored installation works: the old session still signs the delegate in, the
/// password still works, the draft syncs with the same text, and a new edit is stored
/// (on PostgreSQL: the change log's sequence continues after the restored numbers).
async fn serves_the_draft(db: &TestDb, populated: &Populated) {
    let server = TestServer::start(&db.url).await;
    let (status, drafts) = server.api.call(Method::GET, "/api/drafts", Some(&populated.mx.token), None).await.unwrap();
    assert_eq!(status, 200, "{}: the restored session works: {drafts}", db.backend);
    assert_eq!(drafts.as_array().unwrap().len(), 2);
    let mx = server.api.login("mx", &password_of("mx")).await.unwrap();
    let mut c = client::connect(&server.sync_url(&mx).await, "peer-restored").await.unwrap();
    c.open(&populated.doc_id).await.unwrap();
    c.wait_synced(&populated.doc_id).await.unwrap();
    assert_eq!(edits::text(&c.docs[&populated.doc_id].doc, 1, "en").unwrap(), populated.text_en, "{}", db.backend);
    c.change(&populated.doc_id, |d| edits::append(d, &Proposer::of(&mx), 1, "en", " (restored)")).await.unwrap();
    c.wait_synced(&populated.doc_id).await.unwrap();
    let (status, audit) =
        server.api.call(Method::GET, &format!("/api/drafts/{}/activity", populated.draft), Some(&mx.token), None).await.unwrap();
    assert_eq!(status, 200, "{audit}");
    drop(c);
    server.stop().await;
    let store = db.open().await;
    let bytes = pluma_server::versions::stored_bytes(&store, &populated.doc_id.parse().unwrap()).await.unwrap();
    let doc = AutoCommit::load(&bytes).unwrap();
    assert_eq!(edits::text(&doc, 1, "en").unwrap(), format!("{} (restored)", populated.text_en), "{}", db.backend);
    store.close().await;
}

/// SQLite → archive → PostgreSQL → archive → SQLite: every table's rows and every
/// document's heads and content are the same at each step, and servers on the restored
/// databases serve the draft and take new edits. Without PostgreSQL configured, the middle
/// step is a second SQLite database.
#[tokio::test]
async fn round_trip_sqlite_postgres_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestDb::sqlite();
    let populated = populate(&source).await;
    let (rows, docs) = snapshot_of(&source).await;
    for table in [
        "users",
        "sessions",
        "sync_tickets",
        "actors",
        "meetings",
        "delegations",
        "drafts",
        "changes",
        "snapshots",
        "audit_log",
        "versions",
    ] {
        assert!(!rows[table].is_empty(), "the source has rows in {table}");
    }
    assert!(rows["sync_tickets"].iter().any(|r| r.contains("\"used_at\":null")));
    assert!(rows["sync_tickets"].iter().any(|r| !r.contains("\"used_at\":null")));
    assert!(rows["audit_log"].iter().any(|r| r.contains("\"user_id\":null")));
    assert_eq!(docs.len(), 2);

    let first = dir.path().join("first.backup");
    let summary = backup::backup(&source.url, &first).await.unwrap();
    assert_eq!(summary.schema_version, backup::schema_version());
    let total: usize = rows.values().map(Vec::len).sum();
    assert_eq!(summary.rows(), total as u64);
    assert_eq!(summary.tables.len(), rows.len(), "every table is in the archive");

    let middle = match TestDb::postgres().await {
        Some(db) => db,
        None => TestDb::sqlite(),
    };
    backup::restore(&middle.url, &first).await.unwrap();
    let (middle_rows, middle_docs) = snapshot_of(&middle).await;
    assert_eq!(middle_rows, rows, "{}: rows after the first restore", middle.backend);
    assert_eq!(middle_docs, docs, "{}: documents after the first restore", middle.backend);

    let second = dir.path().join("second.backup");
    backup::backup(&middle.url, &second).await.unwrap();
    let last = TestDb::sqlite();
    backup::restore(&last.url, &second).await.unwrap();
    let (last_rows, last_docs) = snapshot_of(&last).await;
    assert_eq!(last_rows, rows, "rows after the second restore");
    assert_eq!(last_docs, docs, "documents after the second restore");

    serves_the_draft(&middle, &populated).await;
    serves_the_draft(&last, &populated).await;
}

/// A database that holds any row is refused before anything is written to it, on every
/// backend; so is restoring the same archive twice.
#[tokio::test]
async fn restore_refuses_a_non_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestDb::sqlite();
    populate(&source).await;
    let archive = dir.path().join("a.backup");
    backup::backup(&source.url, &archive).await.unwrap();
    for db in TestDb::each().await {
        backup::restore(&db.url, &archive).await.unwrap();
        let before = table_rows(&db).await;
        let err = backup::restore(&db.url, &archive).await.unwrap_err();
        assert!(matches!(err, BackupError::NotEmpty { .. }), "{}: {err}", db.backend);
        assert!(err.to_string().contains("not empty"), "{err}");
        assert_eq!(table_rows(&db).await, before, "{}: nothing changed", db.backend);
    }
}

/// Decompressed lines of an archive.
fn lines_of(path: &Path) -> Vec<String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    text.lines().map(str::to_owned).collect()
}

fn write_gzip(path: &Path, lines: &[String]) {
    let mut out = flate2::write::GzEncoder::new(std::fs::File::create(path).unwrap(), flate2::Compression::default());
    for line in lines {
        out.write_all(line.as_bytes()).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.finish().unwrap();
}

/// Whether a database has no table with rows (the migrations may have run).
async fn holds_no_rows(db: &TestDb) -> bool {
    table_rows(db).await.values().all(Vec::is_empty)
}

/// Damaged archives — cut short, garbage, a cut line, a missing end line, a value of the
/// wrong type, another format or schema version — are refused with a precise error
/// before the database is touched; an archive that breaks a foreign key half-way through
/// loading leaves the database without any row.
#[tokio::test]
async fn restore_refuses_damaged_archives() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestDb::sqlite();
    populate(&source).await;
    let good = dir.path().join("good.backup");
    backup::backup(&source.url, &good).await.unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let lines = lines_of(&good);

    let mut cases: Vec<(&str, &str)> = Vec::new();
    let cut = dir.path().join("cut.backup");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    cases.push(("cut.backup", "gzip"));
    let garbage = dir.path().join("garbage.backup");
    std::fs::write(&garbage, b"this is not an archive at all").unwrap();
    cases.push(("garbage.backup", "gzip"));
    write_gzip(&dir.path().join("no-end.backup"), &lines[..lines.len() - 1]);
    cases.push(("no-end.backup", "truncated"));
    let mut half_line = lines[..lines.len() / 2].join("\n");
    half_line.truncate(half_line.len() - 3);
    let mut out =
        flate2::write::GzEncoder::new(std::fs::File::create(dir.path().join("half-line.backup")).unwrap(), flate2::Compression::default());
    out.write_all(half_line.as_bytes()).unwrap();
    out.finish().unwrap();
    cases.push(("half-line.backup", "truncated"));
    let mut header: Value = serde_json::from_str(&lines[0]).unwrap();
    header["schema_version"] = json!(999);
    let mut other_schema = lines.clone();
    other_schema[0] = header.to_string();
    write_gzip(&dir.path().join("schema.backup"), &other_schema);
    cases.push(("schema.backup", "schema version 999"));
    let mut header: Value = serde_json::from_str(&lines[0]).unwrap();
    header["format_version"] = json!(2);
    let mut other_format = lines.clone();
    other_format[0] = header.to_string();
    write_gzip(&dir.path().join("format.backup"), &other_format);
    cases.push(("format.backup", "format version 2"));
    // A row of `users` with a number where its id (text) belongs.
    let users = lines.iter().position(|l| l.starts_with("{\"table\":\"users\"")).unwrap();
    let mut row: Vec<Value> = serde_json::from_str(&lines[users + 1]).unwrap();
    row[0] = json!(42);
    let mut wrong_type = lines.clone();
    wrong_type[users + 1] = serde_json::to_string(&row).unwrap();
    write_gzip(&dir.path().join("type.backup"), &wrong_type);
    cases.push(("type.backup", "does not hold a text value"));

    for (name, message) in &cases {
        let target = dir.path().join(format!("{name}.db"));
        let err = backup::restore(&format!("sqlite:{}", target.display()), &dir.path().join(name)).await.unwrap_err();
        assert!(err.to_string().contains(message), "{name}: {err}");
        assert!(!target.exists(), "{name}: the target database was not even created");
    }

    // A session of a user the archive does not have: well-formed, but the foreign key fails
    // during the load, which is rolled back.
    let sessions = lines.iter().position(|l| l.starts_with("{\"table\":\"sessions\"")).unwrap();
    let mut row: Vec<Value> = serde_json::from_str(&lines[sessions + 1]).unwrap();
    let user_column = serde_json::from_str::<Value>(&lines[sessions]).unwrap()["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["name"] == "user_id")
        .unwrap();
    row[user_column] = json!("u-nobody");
    let mut orphan = lines.clone();
    orphan[sessions + 1] = serde_json::to_string(&row).unwrap();
    let orphan_path = dir.path().join("orphan.backup");
    write_gzip(&orphan_path, &orphan);
    for db in TestDb::each().await {
        let err = backup::restore(&db.url, &orphan_path).await.unwrap_err();
        assert!(matches!(err, BackupError::Database(_)), "{}: {err}", db.backend);
        assert!(holds_no_rows(&db).await, "{}: the failed restore left no row", db.backend);
        // The same database takes the good archive afterwards.
        backup::restore(&db.url, &good).await.unwrap();
        assert_eq!(table_rows(&db).await, table_rows(&source).await, "{}", db.backend);
        let err = backup::restore(&db.url, &cut).await.unwrap_err();
        assert!(matches!(err, BackupError::Archive(_)), "{}: {err}", db.backend);
    }
}

/// A backup that fails leaves the previous archive under the final name untouched and no
/// partial file beside it: from a file that is not a Pluma database, from a missing file,
/// and into a missing directory.
#[tokio::test]
async fn failed_backups_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pluma.backup");
    std::fs::write(&out, b"the previous archive").unwrap();
    // An empty file is an empty SQLite database, without Pluma's migrations.
    let empty = TestDb::sqlite();
    std::fs::write(empty.dir().unwrap().join("pluma.db"), b"").unwrap();
    let err = backup::backup(&empty.url, &out).await.unwrap_err();
    assert!(matches!(err, BackupError::NotPluma), "{err}");
    let missing = format!("sqlite:{}", dir.path().join("missing.db").display());
    let err = backup::backup(&missing, &out).await.unwrap_err();
    assert!(matches!(err, BackupError::NoDatabase(_)), "{err}");
    assert!(!dir.path().join("missing.db").exists(), "the backup created no database");
    assert_eq!(std::fs::read(&out).unwrap(), b"the previous archive");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("pluma.backup")], "no partial file");

    let source = TestDb::sqlite();
    source.open().await.close().await;
    let err = backup::backup(&source.url, &dir.path().join("no/such/dir/pluma.backup")).await.unwrap_err();
    assert!(matches!(err, BackupError::Io { .. }), "{err}");
}

/// Backups read from a running server's PostgreSQL database as from SQLite: an archive of a
/// PostgreSQL installation restores into SQLite with the same rows.
#[tokio::test]
async fn postgres_installation_moves_to_sqlite() {
    let Some(source) = TestDb::postgres().await else { return };
    populate(&source).await;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("pg.backup");
    backup::backup(&source.url, &archive).await.unwrap();
    let target = TestDb::sqlite();
    backup::restore(&target.url, &archive).await.unwrap();
    let (rows, docs) = snapshot_of(&source).await;
    assert_eq!(snapshot_of(&target).await, (rows, docs));
}
