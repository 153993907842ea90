//! Backup and restore on PostgreSQL: introspection through `pg_catalog` (tables of the
//! current schema); backups in a `REPEATABLE READ READ ONLY` transaction; restores with
//! every table locked against writers, values cast to each column's type, and sequences
//! (serial and identity columns) moved past the restored ids.

use std::path::Path;

use futures_util::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};

use super::archive::{ArchiveReader, ArchiveWriter, TableHeader, Value};
use super::batches::Batches;
use super::schema::{self, Column, Kind, Table, quote};
use super::{BackupError, Result, Summary, new_header};
use crate::store::PgStore;

/// Every ordinary table of the current schema except `_sqlx_migrations`, by name.
async fn tables(conn: &mut PgConnection) -> Result<Vec<Table>> {
    let names: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.oid::int8, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname <> '_sqlx_migrations'
         ORDER BY c.relname",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut tables = Vec::with_capacity(names.len());
    for (oid, name) in names {
        let info: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT a.attname::text, t.typname::text, format_type(a.atttypid, a.atttypmod)
             FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
             WHERE a.attrelid = $1::int8::oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
             ORDER BY a.attnum",
        )
        .bind(oid)
        .fetch_all(&mut *conn)
        .await?;
        let mut columns = Vec::with_capacity(info.len());
        for (column, typname, sql_type) in info {
            let kind = Kind::of_postgres(&typname).ok_or_else(|| schema::unsupported(&name, &column, &sql_type))?;
            columns.push(Column { name: column, kind, sql_type });
        }
        let key: Vec<(String,)> = sqlx::query_as(
            "SELECT a.attname::text
             FROM pg_index i
             CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE i.indrelid = $1::int8::oid AND i.indisprimary
             ORDER BY k.position",
        )
        .bind(oid)
        .fetch_all(&mut *conn)
        .await?;
        let references: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT r.relname::text FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid
             WHERE c.contype = 'f' AND c.conrelid = $1::int8::oid",
        )
        .bind(oid)
        .fetch_all(&mut *conn)
        .await?;
        tables.push(Table {
            name,
            columns,
            primary_key: key.into_iter().map(|(c,)| c).collect(),
            references: references.into_iter().map(|(r,)| r).collect(),
        });
    }
    Ok(tables)
}

/// The newest applied migration.
async fn schema_version(conn: &mut PgConnection) -> Result<i64> {
    let (exists,): (bool,) = sqlx::query_as("SELECT to_regclass('_sqlx_migrations') IS NOT NULL").fetch_one(&mut *conn).await?;
    if !exists {
        return Err(BackupError::NotPluma);
    }
    let (version,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success").fetch_one(&mut *conn).await?;
    version.ok_or(BackupError::NotPluma)
}

/// The first of `tables` that has a row.
async fn first_nonempty(conn: &mut PgConnection, tables: &[Table]) -> Result<Option<String>> {
    for table in tables {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", quote(&table.name));
        let (any,): (bool,) = sqlx::query_as(AssertSqlSafe(sql)).fetch_one(&mut *conn).await?;
        if any {
            return Ok(Some(table.name.clone()));
        }
    }
    Ok(None)
}

/// The select expression of a column: cast to the one Rust type read for its kind.
fn select_expression(column: &Column) -> String {
    let name = quote(&column.name);
    match column.kind {
        Kind::Int => format!("{name}::int8"),
        Kind::Float => format!("{name}::float8"),
        Kind::Text => format!("{name}::text"),
        Kind::Bytes | Kind::Bool => name,
    }
}

fn decode(row: &PgRow, index: usize, table: &Table, column: &Column) -> Result<Value> {
    let value = match column.kind {
        Kind::Int => row.try_get::<Option<i64>, _>(index).map(|v| v.map(Value::Int)),
        Kind::Float => row.try_get::<Option<f64>, _>(index).map(|v| v.map(Value::Float)),
        Kind::Text => row.try_get::<Option<String>, _>(index).map(|v| v.map(Value::Text)),
        Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(index).map(|v| v.map(Value::Bytes)),
        Kind::Bool => row.try_get::<Option<bool>, _>(index).map(|v| v.map(Value::Bool)),
    };
    let value =
        value.map_err(|e| BackupError::BadValue { table: table.name.clone(), column: column.name.clone(), detail: e.to_string() })?;
    Ok(value.unwrap_or(Value::Null))
}

/// Writes the archive of the database at `url` to `out`.
pub(super) async fn dump(url: &str, out: &Path) -> Result<Summary> {
    let mut conn = PgConnection::connect(url).await?;
    let mut tx = conn.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?;
    let version = schema_version(&mut tx).await?;
    let tables = schema::dependency_order(tables(&mut tx).await?)?;
    let mut writer = ArchiveWriter::create(out, &new_header(version, "postgres"))?;
    let mut headers = Vec::with_capacity(tables.len());
    for table in &tables {
        let name = quote(&table.name);
        let (count,): (i64,) = sqlx::query_as(AssertSqlSafe(format!("SELECT COUNT(*) FROM {name}"))).fetch_one(&mut *tx).await?;
        let header = table.header(u64::try_from(count).unwrap_or(0));
        writer.begin_table(&header)?;
        headers.push(header);
        let columns: Vec<String> = table.columns.iter().map(select_expression).collect();
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
/// `url`, which must exist and hold no row; migrates it first.
pub(super) async fn load(url: &str, input: &Path, archived: &[TableHeader]) -> Result<()> {
    // Refuse a non-empty database before migrating it.
    let mut conn = PgConnection::connect(url).await?;
    let existing = tables(&mut conn).await?;
    let nonempty = first_nonempty(&mut conn, &existing).await?;
    conn.close().await?;
    if let Some(table) = nonempty {
        return Err(BackupError::NotEmpty { table });
    }
    let store = PgStore::open(url).await?;
    let loaded = insert_all(&store, input, archived).await;
    store.pool().close().await;
    loaded
}

async fn insert_all(store: &PgStore, input: &Path, archived: &[TableHeader]) -> Result<()> {
    let mut tx = store.pool().begin().await?;
    let database = tables(&mut tx).await?;
    schema::check_archive(archived, &database)?;
    // Nobody writes while the archive loads; readers may look.
    let names: Vec<String> = database.iter().map(|t| quote(&t.name)).collect();
    if !names.is_empty() {
        sqlx::query(AssertSqlSafe(format!("LOCK TABLE {} IN EXCLUSIVE MODE", names.join(", ")))).execute(&mut *tx).await?;
    }
    if let Some(table) = first_nonempty(&mut tx, &database).await? {
        return Err(BackupError::NotEmpty { table });
    }
    let mut batches = Batches::new(ArchiveReader::open(input)?);
    while let Some((header, rows)) = batches.next_batch()? {
        // check_archive matched every archived table and column to the database.
        let Some(table) = database.iter().find(|t| t.name == header.table) else {
            return Err(BackupError::SchemaMismatch(format!("no table {}", header.table)));
        };
        let mut casts = Vec::with_capacity(header.columns.len());
        for column in &header.columns {
            let Some(c) = table.columns.iter().find(|c| c.name == column.name) else {
                return Err(BackupError::SchemaMismatch(format!("no column {}.{}", header.table, column.name)));
            };
            casts.push(c.sql_type.clone());
        }
        let mut tuples = Vec::with_capacity(rows.len());
        let mut n = 0;
        for _ in &rows {
            let one: Vec<String> = casts
                .iter()
                .map(|ty| {
                    n += 1;
                    format!("CAST(${n} AS {ty})")
                })
                .collect();
            tuples.push(format!("({})", one.join(", ")));
        }
        let columns: Vec<String> = header.columns.iter().map(|c| quote(&c.name)).collect();
        // OVERRIDING SYSTEM VALUE: identity columns take the archived ids.
        let sql =
            format!("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE VALUES {}", quote(&header.table), columns.join(", "), tuples.join(", "));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in rows {
            for (value, column) in row.into_iter().zip(&header.columns) {
                query = match (value, column.kind) {
                    (Value::Null, Kind::Int) => query.bind(None::<i64>),
                    (Value::Null, Kind::Float) => query.bind(None::<f64>),
                    (Value::Null, Kind::Text) => query.bind(None::<String>),
                    (Value::Null, Kind::Bytes) => query.bind(None::<Vec<u8>>),
                    (Value::Null, Kind::Bool) => query.bind(None::<bool>),
                    (Value::Int(i), _) => query.bind(i),
                    (Value::Float(f), _) => query.bind(f),
                    (Value::Text(s), _) => query.bind(s),
                    (Value::Bytes(b), _) => query.bind(b),
                    (Value::Bool(b), _) => query.bind(b),
                };
            }
        }
        query.execute(&mut *tx).await?;
    }
    reset_sequences(&mut tx, &database).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves every column's sequence (serial or identity) so the next id follows the largest
/// restored one.
async fn reset_sequences(conn: &mut PgConnection, tables: &[Table]) -> Result<()> {
    for table in tables {
        for column in table.columns.iter().filter(|c| c.kind == Kind::Int) {
            let (sequence,): (Option<String>,) = sqlx::query_as("SELECT pg_get_serial_sequence($1, $2)")
                .bind(quote(&table.name))
                .bind(&column.name)
                .fetch_one(&mut *conn)
                .await?;
            let Some(sequence) = sequence else { continue };
            let sql = format!(
                "SELECT setval($1::text::regclass, COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                quote(&column.name),
                quote(&table.name)
            );
            sqlx::query(AssertSqlSafe(sql)).bind(sequence).execute(&mut *conn).await?;
        }
    }
    Ok(())
}
