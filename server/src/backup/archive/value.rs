//! [`Value`]: one value of a row, and its JSON form in an archive (see the format in
//! [`super`]).

use base64::Engine;
use serde_json::Value as Json;

use crate::backup::schema::Kind;

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A 64-bit integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A string (SQLite `TEXT`, PostgreSQL `text`).
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A boolean.
    Bool(bool),
}

impl Value {
    /// How many bytes this value holds, roughly (to bound the size of insert batches).
    pub fn weight(&self) -> usize {
        match self {
            Value::Text(s) => s.len(),
            Value::Bytes(b) => b.len(),
            _ => 8,
        }
    }

    pub(super) fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Int(i) => Json::from(*i),
            Value::Float(f) => Json::String(f.to_string()),
            Value::Text(s) => Json::String(s.clone()),
            Value::Bytes(b) => Json::String(base64::engine::general_purpose::STANDARD.encode(b)),
            Value::Bool(b) => Json::Bool(*b),
        }
    }

    /// Reads a value of a column of `kind`; `None` if it is not one.
    pub(super) fn from_json(kind: Kind, json: Json) -> Option<Value> {
        Some(match (kind, json) {
            (_, Json::Null) => Value::Null,
            (Kind::Int, Json::Number(n)) => Value::Int(n.as_i64()?),
            (Kind::Float, Json::String(s)) => Value::Float(s.parse().ok()?),
            (Kind::Text, Json::String(s)) => Value::Text(s),
            (Kind::Bytes, Json::String(s)) => Value::Bytes(base64::engine::general_purpose::STANDARD.decode(s).ok()?),
            (Kind::Bool, Json::Bool(b)) => Value::Bool(b),
            _ => return None,
        })
    }

    /// Whether this value may sit in a column of `kind`.
    pub fn fits(&self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (Value::Null, _)
                | (Value::Int(_), Kind::Int)
                | (Value::Float(_), Kind::Float)
                | (Value::Text(_), Kind::Text)
                | (Value::Bytes(_), Kind::Bytes)
                | (Value::Bool(_), Kind::Bool)
        )
    }
}
