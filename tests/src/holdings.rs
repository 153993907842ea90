//! What a database holds, read straight from its tables and documents, independently of
//! the backup code: to compare an installation with its restored copy. A helper of tests:
//! a failed read panics, as the test would.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use automerge::{AutoCommit, AutoSerde};
use pluma_server::store::Store;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection, Row, ValueRef};

use crate::db::TestDb;

/// Every table's rows, each row a JSON object with sorted keys (bytes as `\x` + hex, as
/// PostgreSQL prints them), rows sorted: read straight from the database, independently
/// of the backup code.
pub type Rows = BTreeMap<String, Vec<String>>;

pub async fn table_rows(db: &TestDb) -> Rows {
    let mut out = Rows::new();
    if db.backend == "postgres" {
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for (table,) in tables {
            let sql = format!("SELECT row_to_json(t)::text FROM \"{table}\" t");
            let rows: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(sql)).fetch_all(&mut conn).await.unwrap();
            let mut rows: Vec<String> = rows
                .into_iter()
                .map(|(r,)| {
                    let object: BTreeMap<String, Value> = serde_json::from_str(&r).unwrap();
                    serde_json::to_string(&object).unwrap()
                })
                .collect();
            rows.sort();
            out.insert(table, rows);
        }
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for (table,) in tables {
            let columns: Vec<(String, String)> =
                sqlx::query_as("SELECT name, type FROM pragma_table_info($1)").bind(&table).fetch_all(&mut conn).await.unwrap();
            let sql = format!("SELECT * FROM \"{table}\"");
            let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut conn).await.unwrap();
            let mut normalised = Vec::new();
            for row in rows {
                let mut object = BTreeMap::new();
                for (i, (name, declared)) in columns.iter().enumerate() {
                    let raw = row.try_get_raw(i).unwrap();
                    let value = if raw.is_null() {
                        Value::Null
                    } else {
                        match raw.type_info().to_string().as_str() {
                            "INTEGER" if declared == "BOOLEAN" => json!(row.get::<i64, _>(i) != 0),
                            "INTEGER" => json!(row.get::<i64, _>(i)),
                            "REAL" => json!(row.get::<f64, _>(i)),
                            "TEXT" => json!(row.get::<String, _>(i)),
                            "BLOB" => json!(format!("\\x{}", hex(&row.get::<Vec<u8>, _>(i)))),
                            other => panic!("{table}.{name}: a value of type {other}"),
                        }
                    };
                    object.insert(name.clone(), value);
                }
                normalised.push(serde_json::to_string(&object).unwrap());
            }
            normalised.sort();
            out.insert(table, normalised);
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every draft's document as loaded by the server's loader: heads (sorted) and whole content.
pub async fn documents(store: &Arc<dyn Store>) -> BTreeMap<String, (Vec<String>, String)> {
    let mut out = BTreeMap::new();
    for draft in store.drafts().await.unwrap() {
        let bytes = pluma_server::versions::stored_bytes(store, &draft.doc_id).await.unwrap();
        let mut doc = AutoCommit::load(&bytes).unwrap();
        let mut heads: Vec<String> = doc.get_heads().iter().map(|h| h.to_string()).collect();
        heads.sort();
        let content = serde_json::to_string(&AutoSerde::from(&doc)).unwrap();
        out.insert(draft.id.to_string(), (heads, content));
    }
    out
}

/// Rows and documents of a database.
pub async fn snapshot_of(db: &TestDb) -> (Rows, BTreeMap<String, (Vec<String>, String)>) {
    let store = db.open().await;
    let docs = documents(&store).await;
    store.close().await;
    (table_rows(db).await, docs)
}
