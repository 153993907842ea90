//! The shape of a database as the backup sees it, found by introspection: its tables, their
//! columns with a backend-neutral [`Kind`], primary keys and foreign keys; the order that
//! puts every table after the tables it references; and the checks a restore makes of an
//! archive against the database it fills.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::BackupError;
use super::archive::TableHeader;

/// A column's type in the archive, the same on both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `INTEGER`/`BIGINT` (SQLite), `smallint`/`integer`/`bigint` (PostgreSQL).
    Int,
    /// `REAL`/`DOUBLE` (SQLite), `real`/`double precision` (PostgreSQL).
    Float,
    /// `TEXT`/`VARCHAR` (SQLite), `text`/`varchar`/`char`/`json`/`jsonb`/`uuid` (PostgreSQL,
    /// read and written through their text form).
    Text,
    /// `BLOB` (SQLite), `bytea` (PostgreSQL).
    Bytes,
    /// `BOOLEAN`, stored as 0/1 by SQLite.
    Bool,
}

impl Kind {
    /// The name used in archives.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::Text => "text",
            Kind::Bytes => "bytes",
            Kind::Bool => "bool",
        }
    }

    /// The kind of a SQLite column from its declared type, by SQLite's affinity rules
    /// (with `BOOLEAN` apart); `None` for declared types the backup does not know.
    pub fn of_sqlite(declared: &str) -> Option<Kind> {
        let t = declared.to_ascii_uppercase();
        let has = |s: &str| t.contains(s);
        if has("BOOL") {
            Some(Kind::Bool)
        } else if has("INT") {
            Some(Kind::Int)
        } else if has("CHAR") || has("CLOB") || has("TEXT") || t == "JSON" || t == "UUID" {
            Some(Kind::Text)
        } else if has("BLOB") {
            Some(Kind::Bytes)
        } else if has("REAL") || has("FLOA") || has("DOUB") {
            Some(Kind::Float)
        } else {
            None
        }
    }

    /// The kind of a PostgreSQL column from its type's name (`pg_type.typname`); `None` for
    /// types the backup does not know.
    pub fn of_postgres(typname: &str) -> Option<Kind> {
        match typname {
            "int2" | "int4" | "int8" => Some(Kind::Int),
            "float4" | "float8" => Some(Kind::Float),
            "text" | "varchar" | "bpchar" | "json" | "jsonb" | "uuid" => Some(Kind::Text),
            "bytea" => Some(Kind::Bytes),
            "bool" => Some(Kind::Bool),
            _ => None,
        }
    }
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: Kind,
    /// Its type as the database spells it (`BIGINT`, `bytea`, …), for casts on PostgreSQL.
    pub sql_type: String,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// Its columns, in the database's order.
    pub columns: Vec<Column>,
    /// The columns of its primary key, in key order (empty if it has none).
    pub primary_key: Vec<String>,
    /// The other tables its foreign keys reference.
    pub references: BTreeSet<String>,
}

impl Table {
    /// What an archive's table line says about this table, with `rows` rows to follow.
    pub fn header(&self, rows: u64) -> TableHeader {
        TableHeader {
            table: self.name.clone(),
            columns: self.columns.iter().map(|c| super::archive::ColumnHeader { name: c.name.clone(), kind: c.kind }).collect(),
            rows,
        }
    }

    /// The columns to sort rows by: the primary key, or every column if there is none.
    pub fn order_by(&self) -> Vec<&str> {
        if self.primary_key.is_empty() {
            self.columns.iter().map(|c| c.name.as_str()).collect()
        } else {
            self.primary_key.iter().map(String::as_str).collect()
        }
    }
}

/// The error for a column whose type has no [`Kind`].
pub fn unsupported(table: &str, column: &str, sql_type: &str) -> BackupError {
    BackupError::UnsupportedType { table: table.to_owned(), column: column.to_owned(), sql_type: sql_type.to_owned() }
}

/// Quotes an identifier for SQL (the same on SQLite and PostgreSQL).
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Sorts tables so that each comes after every table it references (ties by name); refuses
/// tables that reference each other in a cycle, which no insert order can load.
pub fn dependency_order(tables: Vec<Table>) -> Result<Vec<Table>, BackupError> {
    let mut remaining: BTreeMap<String, Table> = tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut ordered = Vec::with_capacity(remaining.len());
    while !remaining.is_empty() {
        let ready =
            remaining.values().find(|t| t.references.iter().all(|r| r == &t.name || !remaining.contains_key(r))).map(|t| t.name.clone());
        let Some(name) = ready else {
            let names: Vec<&str> = remaining.keys().map(String::as_str).collect();
            return Err(BackupError::SchemaMismatch(format!("the tables {} reference each other in a cycle", names.join(", "))));
        };
        ordered.extend(remaining.remove(&name));
    }
    Ok(ordered)
}

/// Checks that an archive's tables are exactly the database's tables, with the same
/// columns of the same kinds, and come in an order the database's foreign keys accept.
pub fn check_archive(archive: &[TableHeader], database: &[Table]) -> Result<(), BackupError> {
    let by_name: HashMap<&str, &Table> = database.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut loaded: BTreeSet<&str> = BTreeSet::new();
    for header in archive {
        let Some(table) = by_name.get(header.table.as_str()) else {
            return Err(BackupError::SchemaMismatch(format!("the archive has a table {} that this database does not have", header.table)));
        };
        let archived: BTreeMap<&str, _> = header.columns.iter().map(|c| (c.name.as_str(), c.kind)).collect();
        let expected: BTreeMap<&str, _> = table.columns.iter().map(|c| (c.name.as_str(), c.kind)).collect();
        if archived.keys().ne(expected.keys()) {
            return Err(BackupError::SchemaMismatch(format!(
                "table {}: the archive has the columns {:?}, the database {:?}",
                header.table,
                archived.keys().collect::<Vec<_>>(),
                expected.keys().collect::<Vec<_>>()
            )));
        }
        for (name, kind) in &archived {
            if expected.get(name) != Some(kind) {
                return Err(BackupError::SchemaMismatch(format!(
                    "column {}.{name}: the archive holds {} values, the database expects {}",
                    header.table,
                    kind.as_str(),
                    expected.get(name).map_or("nothing", |k| k.as_str())
                )));
            }
        }
        if let Some(parent) = table.references.iter().find(|r| **r != table.name && !loaded.contains(r.as_str())) {
            return Err(BackupError::SchemaMismatch(format!(
                "the archive has table {} before {parent}, which it references",
                header.table
            )));
        }
        loaded.insert(&header.table);
    }
    if let Some(missing) = database.iter().find(|t| !loaded.contains(t.name.as_str())) {
        return Err(BackupError::SchemaMismatch(format!("the archive has no table {}", missing.name)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn table(name: &str, references: &[&str]) -> Table {
        Table {
            name: name.into(),
            columns: vec![Column { name: "id".into(), kind: Kind::Int, sql_type: "INTEGER".into() }],
            primary_key: vec!["id".into()],
            references: references.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Parents come first; a self-reference does not block a table; a cycle is refused.
    #[test]
    fn tables_are_ordered_by_their_foreign_keys() {
        let order = dependency_order(vec![table("changes", &["drafts"]), table("drafts", &["users"]), table("users", &["users"])]).unwrap();
        let names: Vec<&str> = order.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["users", "drafts", "changes"]);
        assert!(dependency_order(vec![table("a", &["b"]), table("b", &["a"])]).is_err());
    }

    /// SQLite's declared types and PostgreSQL's types map to the same kinds.
    #[test]
    fn kinds_match_across_backends() {
        for (sqlite, postgres, kind) in [
            ("INTEGER", "int8", Kind::Int),
            ("BIGINT", "int4", Kind::Int),
            ("TEXT", "text", Kind::Text),
            ("BLOB", "bytea", Kind::Bytes),
            ("BOOLEAN", "bool", Kind::Bool),
            ("REAL", "float8", Kind::Float),
        ] {
            assert_eq!(Kind::of_sqlite(sqlite), Some(kind));
            assert_eq!(Kind::of_postgres(postgres), Some(kind));
        }
        assert_eq!(Kind::of_sqlite("TIMESTAMP"), None);
        assert_eq!(Kind::of_postgres("timestamptz"), None);
    }

    /// An archive out of foreign-key order, with a missing table or another column, is refused.
    #[test]
    fn archives_are_checked_against_the_database() {
        let db = vec![table("users", &[]), table("drafts", &["users"])];
        let headers: Vec<_> = db.iter().map(|t| t.header(0)).collect();
        check_archive(&headers, &db).unwrap();
        let reversed: Vec<_> = headers.iter().rev().cloned().collect();
        assert!(check_archive(&reversed, &db).is_err());
        assert!(check_archive(&headers[..1], &db).is_err());
        let mut other = headers.clone();
        other[1].columns[0].kind = Kind::Text;
        assert!(check_archive(&other, &db).is_err());
    }
}
