//! Backup and restore on SQLite: introspection through `pragma_table_list`,
//! `pragma_table_info` and `pragma_foreign_key_list`; a deferred transaction whose first
//! read fixes the WAL snapshot every later read sees; restores under `BEGIN IMMEDIATE`.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use futures_util::TryStreamExt;
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{AssertSqlSafe, Connection, Row, SqliteConnection};

use super::archive::{ArchiveReader, ArchiveWriter, TableHeader, Value};
use super::batches::Batches;
use super::schema::{self, Column, Kind, Table, quote};
use super::{BackupError, Result, Summary, new_header};
use crate::store::SqliteStore;

/// How long to wait for a writer's lock (a running server may be committing).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens an existing database file without creating or migrating anything; `None` if the
/// file does not exist.
async fn connect_existing(url: &str) -> Result<Option<SqliteConnection>> {
    let options = SqliteConnectOptions::from_str(url)?.create_if_missing(false).busy_timeout(BUSY_TIMEOUT).foreign_keys(true);
    if !options.get_filename().exists() {
        return Ok(None);
    }
    Ok(Some(SqliteConnection::connect_with(&options).await?))
}

/// Every table except SQLite's own and `_sqlx_migrations`, by name.
async fn tables(conn: &mut SqliteConnection) -> Result<Vec<Table>> {
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tables = Vec::with_capacity(names.len());
    for (name,) in names {
        let info: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid").bind(&name).fetch_all(&mut *conn).await?;
        let mut columns = Vec::with_capacity(info.len());
        let mut key: Vec<(i64, String)> = Vec::new();
        for (column, declared, pk) in info {
            let kind = Kind::of_sqlite(&declared).ok_or_else(|| schema::unsupported(&name, &column, &declared))?;
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            columns.push(Column { name: column, kind, sql_type: declared });
        }
        key.sort();
        let references: Vec<(String,)> =
            sqlx::query_as("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)").bind(&name).fetch_all(&mut *conn).await?;
        tables.push(Table {
            name,
            columns,
            primary_key: key.into_iter().map(|(_, c)| c).collect(),
            references: references.into_iter().map(|(r,)| r).collect(),
        });
    }
    Ok(tables)
}

/// The newest applied migration.
async fn schema_version(conn: &mut SqliteConnection) -> Result<i64> {
    let (exists,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
        .fetch_one(&mut *conn)
        .await?;
    if exists == 0 {
        return Err(BackupError::NotPluma);
    }
    let (version,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success").fetch_one(&mut *conn).await?;
    version.ok_or(BackupError::NotPluma)
}

/// The first of `tables` that has a row.
async fn first_nonempty(conn: &mut SqliteConnection, tables: &[Table]) -> Result<Option<String>> {
    for table in tables {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", quote(&table.name));
        let (any,): (bool,) = sqlx::query_as(AssertSqlSafe(sql)).fetch_one(&mut *conn).await?;
        if any {
            return Ok(Some(table.name.clone()));
        }
    }
    Ok(None)
}

fn decode(row: &SqliteRow, index: usize, table: &Table, column: &Column) -> Result<Value> {
    let bad = |detail: String| BackupError::BadValue { table: table.name.clone(), column: column.name.clone(), detail };
    let value = match column.kind {
        Kind::Int => row.try_get::<Option<i64>, _>(index).map(|v| v.map(Value::Int)),
        Kind::Float => row.try_get::<Option<f64>, _>(index).map(|v| v.map(Value::Float)),
        Kind::Text => row.try_get::<Option<String>, _>(index).map(|v| v.map(Value::Text)),
        Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(index).map(|v| v.map(Value::Bytes)),
        // SQLite stores booleans as integers; anything but 0 and 1 is not one.
        Kind::Bool => match row.try_get::<Option<i64>, _>(index) {
            Ok(Some(n @ (0 | 1))) => Ok(Some(Value::Bool(n == 1))),
            Ok(Some(n)) => return Err(bad(format!("{n} is not a boolean"))),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        },
    };
    Ok(value.map_err(|e| bad(e.to_string()))?.unwrap_or(Value::Null))
}

/// Writes the archive of the database at `url` to `out`.
pub(super) async fn dump(url: &str, out: &Path) -> Result<Summary> {
    let options = SqliteConnectOptions::from_str(url)?;
    let mut conn = connect_existing(url).await?.ok_or_else(|| BackupError::NoDatabase(options.get_filename().to_owned()))?;
    // A deferred transaction: its first read starts the snapshot that every later read of
    // this transaction sees, whatever a running server commits meanwhile.
    let mut tx = conn.begin().await?;
    let version = schema_version(&mut tx).await?;
    let tables = schema::dependency_order(tables(&mut tx).await?)?;
    let mut writer = ArchiveWriter::create(out, &new_header(version, "sqlite"))?;
    let mut headers = Vec::with_capacity(tables.len());
    for table in &tables {
        let name = quote(&table.name);
        let (count,): (i64,) = sqlx::query_as(AssertSqlSafe(format!("SELECT COUNT(*) FROM {name}"))).fetch_one(&mut *tx).await?;
        let header = table.header(u64::try_from(count).unwrap_or(0));
        writer.begin_table(&header)?;
        headers.push(header);
        let columns: Vec<String> = table.columns.iter().map(|c| quote(&c.name)).collect();
        let order: Vec<String> = table.order_by().into_iter().map(quote).collect();
        let sql = format!("SELECT {} FROM {name} ORDER BY {}", columns.join(", "), order.join(", "));
        let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            let values = table.columns.iter().enumerate().map(|(i, column)| decode(&row, i, table, column)).collect::<Result<Vec<_>>>()?;
            writer.row(&values)?;
        }
    }
    writer.finish()?;
    tx.rollback().await?;
    conn.close().await?;
    Ok(Summary::of(version, &headers))
}

/// Loads the checked archive at `input` (whose tables are `archived`) into the database at
/// `url`, which must hold no row; creates and migrates it first.
pub(super) async fn load(url: &str, input: &Path, archived: &[TableHeader]) -> Result<()> {
    // Refuse a non-empty database before migrating it.
    if let Some(mut conn) = connect_existing(url).await? {
        let existing = tables(&mut conn).await?;
        let nonempty = first_nonempty(&mut conn, &existing).await?;
        conn.close().await?;
        if let Some(table) = nonempty {
            return Err(BackupError::NotEmpty { table });
        }
    }
    let store = SqliteStore::open(url).await?;
    let loaded = insert_all(&store, input, archived).await;
    store.pool().close().await;
    loaded
}

async fn insert_all(store: &SqliteStore, input: &Path, archived: &[TableHeader]) -> Result<()> {
    let mut tx = store.pool().begin_with("BEGIN IMMEDIATE").await?;
    let database = tables(&mut tx).await?;
    schema::check_archive(archived, &database)?;
    if let Some(table) = first_nonempty(&mut tx, &database).await? {
        return Err(BackupError::NotEmpty { table });
    }
    let mut batches = Batches::new(ArchiveReader::open(input)?);
    while let Some((table, rows)) = batches.next_batch()? {
        let columns: Vec<String> = table.columns.iter().map(|c| quote(&c.name)).collect();
        let one = format!("({})", vec!["?"; columns.len()].join(", "));
        let sql = format!("INSERT INTO {} ({}) VALUES {}", quote(&table.table), columns.join(", "), vec![one; rows.len()].join(", "));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for value in rows.into_iter().flatten() {
            query = match value {
                Value::Null => query.bind(None::<i64>),
                Value::Int(i) => query.bind(i),
                Value::Float(f) => query.bind(f),
                Value::Text(s) => query.bind(s),
                Value::Bytes(b) => query.bind(b),
                Value::Bool(b) => query.bind(b),
            };
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
