//! The archive format, version 1: a gzip stream of JSON lines (UTF-8, one JSON value per
//! line, `\n` after each).
//!
//! ```text
//! {"format":"pluma-backup","format_version":1,"schema_version":3,"source":"sqlite","created_at_ms":…,"pluma_version":"0.1.0"}
//! {"table":"users","columns":[{"name":"id","type":"text"},…],"rows":2}
//! ["u…","mx",…]
//! ["u…","ar",…]
//! {"table":"sessions",…}
//! …
//! {"end":true,"tables":14,"rows":123}
//! ```
//!
//! The first line is the header; `schema_version` is the number of the newest migration
//! applied to the database the archive was taken from. Then each table, parents before the
//! tables whose foreign keys point at them: a table line naming its columns with their type,
//! and exactly `rows` row lines, each an array with one value per column in that order.
//! Values by column type: `null` for NULL in any column; `int` a JSON integer (64-bit
//! signed); `float` a string (Rust's shortest exact form, `NaN`, `inf`, `-inf`); `text` a
//! string; `bytes` a string in standard base64 with padding; `bool` `true` or `false`.
//! The last line counts the tables and rows; an archive without it is truncated.
//!
//! [`ArchiveWriter`] writes this format and [`ArchiveReader`] reads and checks it; both do
//! blocking file I/O.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::BackupError;
use super::schema::Kind;

mod value;

pub use value::Value;

/// The `format` field of every archive's header.
pub const FORMAT_NAME: &str = "pluma-backup";
/// The version of the format this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The first line of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`FORMAT_VERSION`] when written by this code.
    pub format_version: u32,
    /// The newest migration applied to the source database.
    pub schema_version: i64,
    /// `sqlite` or `postgres`: where the archive was taken.
    pub source: String,
    /// When the backup started, unix milliseconds.
    pub created_at_ms: i64,
    /// The version of `pluma` that wrote it.
    pub pluma_version: String,
}

/// One column of a table line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnHeader {
    /// The column's name.
    pub name: String,
    /// Its type in the archive.
    #[serde(rename = "type")]
    pub kind: Kind,
}

/// A table line: the table's name, columns, and how many row lines follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableHeader {
    /// The table's name.
    pub table: String,
    /// Its columns, in the order of every row's values.
    pub columns: Vec<ColumnHeader>,
    /// How many row lines follow.
    pub rows: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Trailer {
    end: bool,
    tables: u64,
    rows: u64,
}

/// Writes an archive; checks that each table gets the rows its line announced.
#[derive(Debug)]
pub struct ArchiveWriter {
    path: PathBuf,
    out: GzEncoder<BufWriter<File>>,
    table: Option<(TableHeader, u64)>,
    tables: u64,
    rows: u64,
}

impl ArchiveWriter {
    /// Creates the file at `path` (replacing one there) and writes the header.
    pub fn create(path: &Path, header: &Header) -> Result<ArchiveWriter, BackupError> {
        let file = File::create(path).map_err(|e| BackupError::io(path, e))?;
        let out = GzEncoder::new(BufWriter::new(file), flate2::Compression::default());
        let mut writer = ArchiveWriter { path: path.to_owned(), out, table: None, tables: 0, rows: 0 };
        writer.line(header)?;
        Ok(writer)
    }

    /// Starts a table; the previous one must have had all its rows.
    pub fn begin_table(&mut self, table: &TableHeader) -> Result<(), BackupError> {
        self.end_table()?;
        self.line(table)?;
        self.table = Some((table.clone(), 0));
        self.tables += 1;
        Ok(())
    }

    /// Writes one row of the current table.
    pub fn row(&mut self, values: &[Value]) -> Result<(), BackupError> {
        let Some((table, written)) = &mut self.table else {
            return Err(BackupError::Inconsistent("a row outside any table".into()));
        };
        if *written == table.rows || values.len() != table.columns.len() {
            return Err(BackupError::Inconsistent(format!("table {} changed while it was read", table.table)));
        }
        *written += 1;
        self.rows += 1;
        let row = Json::Array(values.iter().map(Value::to_json).collect());
        self.line(&row)
    }

    fn end_table(&mut self) -> Result<(), BackupError> {
        if let Some((table, written)) = self.table.take()
            && written != table.rows
        {
            return Err(BackupError::Inconsistent(format!("table {} announced {} rows but {written} were read", table.table, table.rows)));
        }
        Ok(())
    }

    /// Writes the last line, finishes the gzip stream and flushes the file to disk.
    pub fn finish(mut self) -> Result<(), BackupError> {
        self.end_table()?;
        let trailer = Trailer { end: true, tables: self.tables, rows: self.rows };
        self.line(&trailer)?;
        let path = self.path;
        let buffered = self.out.finish().map_err(|e| BackupError::io(&path, e))?;
        let file = buffered.into_inner().map_err(|e| BackupError::io(&path, e.into_error()))?;
        file.sync_all().map_err(|e| BackupError::io(&path, e))
    }

    /// Writes one line; struct fields keep their declared order.
    fn line<T: Serialize>(&mut self, value: &T) -> Result<(), BackupError> {
        serde_json::to_writer(&mut self.out, value)
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|e| BackupError::io(&self.path, e))
    }
}

/// What [`ArchiveReader::next_item`] yields after the header.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A table starts.
    Table(TableHeader),
    /// A row of the current table, one value per column.
    Row(Vec<Value>),
}

/// Reads an archive line by line and checks everything the format promises: the header, the
/// types of every value, the number of rows of every table, and the last line.
#[derive(Debug)]
pub struct ArchiveReader {
    input: BufReader<GzDecoder<BufReader<File>>>,
    header: Header,
    line_number: u64,
    line: String,
    table: Option<(TableHeader, u64)>,
    seen: HashSet<String>,
    tables: u64,
    rows: u64,
    ended: bool,
}

impl ArchiveReader {
    /// Opens an archive and reads its header; refuses other formats and format versions.
    pub fn open(path: &Path) -> Result<ArchiveReader, BackupError> {
        let file = File::open(path).map_err(|e| BackupError::io(path, e))?;
        let mut reader = ArchiveReader {
            input: BufReader::new(GzDecoder::new(BufReader::new(file))),
            header: Header {
                format: String::new(),
                format_version: 0,
                schema_version: 0,
                source: String::new(),
                created_at_ms: 0,
                pluma_version: String::new(),
            },
            line_number: 0,
            line: String::new(),
            table: None,
            seen: HashSet::new(),
            tables: 0,
            rows: 0,
            ended: false,
        };
        let first = reader.read_json()?.ok_or_else(|| BackupError::Archive("the archive is empty".into()))?;
        let format = first.get("format").and_then(Json::as_str).unwrap_or_default();
        if format != FORMAT_NAME {
            return Err(BackupError::Archive("this is not a Pluma backup (no pluma-backup header)".into()));
        }
        let version = first.get("format_version").and_then(Json::as_u64).unwrap_or(0);
        if version != u64::from(FORMAT_VERSION) {
            return Err(BackupError::Archive(format!(
                "archive format version {version} is not supported (this pluma reads version {FORMAT_VERSION})"
            )));
        }
        reader.header = serde_json::from_value(first).map_err(|e| reader.bad(format!("bad header: {e}")))?;
        Ok(reader)
    }

    /// The archive's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The next table or row; `None` after the last line, which has been checked.
    pub fn next_item(&mut self) -> Result<Option<Item>, BackupError> {
        if self.ended {
            return Ok(None);
        }
        let json = self.read_json()?.ok_or_else(|| BackupError::Archive("the archive is truncated (no end line)".into()))?;
        if let Json::Array(values) = json {
            return self.row(values).map(|row| Some(Item::Row(row)));
        }
        self.finish_table()?;
        if json.get("end").is_some() {
            let trailer: Trailer = serde_json::from_value(json).map_err(|e| self.bad(format!("bad end line: {e}")))?;
            if !trailer.end || trailer.tables != self.tables || trailer.rows != self.rows {
                return Err(self.bad(format!(
                    "the end line counts {} tables and {} rows, the archive holds {} and {}",
                    trailer.tables, trailer.rows, self.tables, self.rows
                )));
            }
            if self.read_json()?.is_some() {
                return Err(self.bad("data after the end line".into()));
            }
            self.ended = true;
            return Ok(None);
        }
        let table: TableHeader = serde_json::from_value(json).map_err(|e| self.bad(format!("expected a table line: {e}")))?;
        if !self.seen.insert(table.table.clone()) {
            return Err(self.bad(format!("table {} appears twice", table.table)));
        }
        let mut names = HashSet::new();
        if table.columns.is_empty() || !table.columns.iter().all(|c| names.insert(c.name.as_str())) {
            return Err(self.bad(format!("table {} has no columns or a column twice", table.table)));
        }
        self.tables += 1;
        self.table = Some((table.clone(), 0));
        Ok(Some(Item::Table(table)))
    }

    /// Reads the whole archive, checking every line; returns the header and the tables.
    pub fn verify(path: &Path) -> Result<(Header, Vec<TableHeader>), BackupError> {
        let mut reader = ArchiveReader::open(path)?;
        let mut tables = Vec::new();
        while let Some(item) = reader.next_item()? {
            if let Item::Table(t) = item {
                tables.push(t);
            }
        }
        Ok((reader.header, tables))
    }

    fn row(&mut self, values: Vec<Json>) -> Result<Vec<Value>, BackupError> {
        let line = self.line_number;
        let Some((table, read)) = &mut self.table else {
            return Err(BackupError::Archive(format!("line {line}: a row outside any table")));
        };
        if *read == table.rows {
            return Err(BackupError::Archive(format!("line {line}: more rows than table {} announced", table.table)));
        }
        if values.len() != table.columns.len() {
            return Err(BackupError::Archive(format!(
                "line {line}: {} values for the {} columns of table {}",
                values.len(),
                table.columns.len(),
                table.table
            )));
        }
        let mut row = Vec::with_capacity(values.len());
        for (json, column) in values.into_iter().zip(&table.columns) {
            let value = Value::from_json(column.kind, json).ok_or_else(|| {
                BackupError::Archive(format!(
                    "line {line}: column {}.{} does not hold a {} value",
                    table.table,
                    column.name,
                    column.kind.as_str()
                ))
            })?;
            row.push(value);
        }
        *read += 1;
        self.rows += 1;
        Ok(row)
    }

    fn finish_table(&mut self) -> Result<(), BackupError> {
        if let Some((table, read)) = self.table.take()
            && read != table.rows
        {
            return Err(self.bad(format!("table {} announced {} rows but has {read}", table.table, table.rows)));
        }
        Ok(())
    }

    /// The next line as JSON, or `None` at the end of the stream.
    fn read_json(&mut self) -> Result<Option<Json>, BackupError> {
        self.line.clear();
        let n = self
            .input
            .read_line(&mut self.line)
            .map_err(|e| BackupError::Archive(format!("the archive is not a readable gzip stream or is damaged: {e}")))?;
        if n == 0 {
            return Ok(None);
        }
        self.line_number += 1;
        if !self.line.ends_with('\n') {
            return Err(BackupError::Archive("the archive is truncated (its last line is cut)".into()));
        }
        serde_json::from_str(&self.line).map(Some).map_err(|e| self.bad(format!("not JSON: {e}")))
    }

    fn bad(&self, what: String) -> BackupError {
        BackupError::Archive(format!("line {}: {what}", self.line_number))
    }
}

#[cfg(test)]
mod tests;
