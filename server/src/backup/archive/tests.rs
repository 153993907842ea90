#![allow(clippy::unwrap_used)]

use super::*;

fn header() -> Header {
    Header {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        schema_version: 3,
        source: "sqlite".into(),
        created_at_ms: 1,
        pluma_version: "0.1.0".into(),
    }
}

fn table(rows: u64) -> TableHeader {
    let column = |name: &str, kind| ColumnHeader { name: name.into(), kind };
    TableHeader {
        table: "t".into(),
        columns: vec![
            column("i", Kind::Int),
            column("f", Kind::Float),
            column("s", Kind::Text),
            column("b", Kind::Bytes),
            column("o", Kind::Bool),
        ],
        rows,
    }
}

fn values() -> Vec<Vec<Value>> {
    vec![
        vec![Value::Int(i64::MIN), Value::Float(0.1), Value::Text("é\n\"".into()), Value::Bytes(vec![0, 255]), Value::Bool(true)],
        vec![Value::Int(i64::MAX), Value::Float(f64::NAN), Value::Null, Value::Bytes(vec![]), Value::Bool(false)],
        vec![Value::Null, Value::Float(-f64::INFINITY), Value::Text(String::new()), Value::Null, Value::Null],
    ]
}

/// Every type, extremes included, reads back as written (NaN compared by its text).
#[test]
fn values_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pluma");
    let mut w = ArchiveWriter::create(&path, &header()).unwrap();
    w.begin_table(&table(3)).unwrap();
    for row in values() {
        w.row(&row).unwrap();
    }
    w.finish().unwrap();
    let mut r = ArchiveReader::open(&path).unwrap();
    assert_eq!(r.header(), &header());
    assert_eq!(r.next_item().unwrap(), Some(Item::Table(table(3))));
    for expected in values() {
        let Some(Item::Row(row)) = r.next_item().unwrap() else { panic!("a row") };
        assert_eq!(format!("{row:?}"), format!("{expected:?}"));
    }
    assert_eq!(r.next_item().unwrap(), None);
}

/// The writer refuses to end a table short of the rows it announced.
#[test]
fn writer_counts_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = ArchiveWriter::create(&dir.path().join("a"), &header()).unwrap();
    w.begin_table(&table(2)).unwrap();
    w.row(&values()[0]).unwrap();
    assert!(matches!(w.finish(), Err(BackupError::Inconsistent(_))));
}
