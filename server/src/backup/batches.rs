//! Rows of an archive grouped into insert batches: all rows of a batch belong to one table,
//! and a batch stays under both databases' limit of bound parameters and a memory bound.

use super::Result;
use super::archive::{ArchiveReader, Item, TableHeader, Value};

/// Bound parameters per statement; SQLite allows 32766, PostgreSQL 65535.
const MAX_PARAMETERS: usize = 30_000;
/// Rows per statement.
const MAX_ROWS: usize = 500;
/// Bytes of values per statement: snapshots can be megabytes each.
const MAX_BYTES: usize = 8 * 1024 * 1024;

/// Reads an archive as batches of rows.
#[derive(Debug)]
pub(super) struct Batches {
    reader: ArchiveReader,
    table: Option<TableHeader>,
    pending: Option<TableHeader>,
}

impl Batches {
    pub(super) fn new(reader: ArchiveReader) -> Batches {
        Batches { reader, table: None, pending: None }
    }

    /// The next batch of rows with the table they belong to; `None` at the end of the archive.
    /// Tables without rows yield nothing.
    pub(super) fn next_batch(&mut self) -> Result<Option<(TableHeader, Vec<Vec<Value>>)>> {
        let mut rows: Vec<Vec<Value>> = Vec::new();
        let mut bytes = 0;
        if let Some(next) = self.pending.take() {
            self.table = Some(next);
        }
        loop {
            match self.reader.next_item()? {
                None => break,
                Some(Item::Table(next)) => {
                    if rows.is_empty() {
                        self.table = Some(next);
                    } else {
                        self.pending = Some(next);
                        break;
                    }
                }
                Some(Item::Row(row)) => {
                    let columns = row.len().max(1);
                    bytes += row.iter().map(Value::weight).sum::<usize>();
                    rows.push(row);
                    if rows.len() >= MAX_ROWS || (rows.len() + 1) * columns > MAX_PARAMETERS || bytes >= MAX_BYTES {
                        break;
                    }
                }
            }
        }
        if rows.is_empty() {
            return Ok(None);
        }
        // The reader refuses rows outside a table, so a batch always has its table.
        Ok(self.table.clone().map(|table| (table, rows)))
    }
}
