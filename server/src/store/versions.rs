//! Named versions of a draft: [`VersionStore`], the rows, and the SQL both backends share
//! (the statements are the same on SQLite and PostgreSQL).

use async_trait::async_trait;
use pluma_core::automerge::ChangeHash;
use pluma_core::{Country, UserId};
use serde::Serialize;

use crate::ids::{DraftId, VersionId};
use crate::store::{Result, StoreError};

/// Named versions and their comparison snapshots. Each method is one transaction.
#[async_trait]
pub trait VersionStore {
    /// Stores a named version; `Conflict` if its id exists.
    async fn create_version(&self, version: &VersionRecord) -> Result<()>;
    /// A draft's versions, oldest first.
    async fn versions(&self, draft: &DraftId) -> Result<Vec<VersionRecord>>;
    /// One version of a draft; `NotFound` if there is none with this id for this draft.
    async fn version(&self, draft: &DraftId, id: &VersionId) -> Result<VersionRecord>;
    /// A version's stored comparison snapshot (its format and JSON), if one was made.
    async fn version_snapshot(&self, id: &VersionId) -> Result<Option<(i64, String)>>;
    /// Stores a version's comparison snapshot, replacing any earlier one.
    async fn put_version_snapshot(&self, id: &VersionId, format: i64, json: &str, now: i64) -> Result<()>;
}

/// A named version: a label on a set of document heads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionRecord {
    /// Stable id (`v` + 16 hex digits).
    pub id: VersionId,
    /// The draft whose heads it names.
    pub draft_id: DraftId,
    /// What the person called it ("Sent to capitals").
    pub label: String,
    /// The automerge heads (hex) the version is.
    pub heads: Vec<String>,
    /// Who saved it (`None` for versions the server saves itself).
    pub created_by: Option<UserId>,
    /// Their delegation.
    pub country: Option<Country>,
    /// Unix milliseconds.
    pub created_at: i64,
}

impl VersionRecord {
    /// The heads as change hashes. They were checked when stored; a row edited by hand to
    /// something else is reported as corrupt.
    pub fn change_hashes(&self) -> Result<Vec<ChangeHash>> {
        self.heads.iter().map(|h| h.parse::<ChangeHash>().map_err(|e| StoreError::corrupt("version heads", e))).collect()
    }
}

pub(crate) const INSERT: &str = "INSERT INTO versions (id, draft_id, label, heads, created_by, country, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub(crate) const LIST: &str = "SELECT id, draft_id, label, heads, created_by, country, created_at FROM versions
     WHERE draft_id = $1 ORDER BY created_at, id";

pub(crate) const ONE: &str = "SELECT id, draft_id, label, heads, created_by, country, created_at FROM versions
     WHERE draft_id = $1 AND id = $2";

pub(crate) const SNAPSHOT: &str = "SELECT format, snapshot FROM version_snapshots WHERE version_id = $1";

/// A newer snapshot replaces one of another format.
pub(crate) const PUT_SNAPSHOT: &str = "INSERT INTO version_snapshots (version_id, format, snapshot, created_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (version_id) DO UPDATE SET format = excluded.format, snapshot = excluded.snapshot, created_at = excluded.created_at";

/// A row as read by [`LIST`] and [`ONE`].
pub(crate) type Row = (String, String, String, String, Option<String>, Option<String>, i64);

pub(crate) fn record(row: Row) -> Result<VersionRecord> {
    let (id, draft_id, label, heads, created_by, country, created_at) = row;
    Ok(VersionRecord {
        id: id.parse().map_err(|e| StoreError::corrupt("version id", e))?,
        draft_id: draft_id.parse().map_err(|e| StoreError::corrupt("version draft id", e))?,
        label,
        heads: heads.split_whitespace().map(str::to_owned).collect(),
        created_by: created_by.map(|u| u.parse().map_err(|e| StoreError::corrupt("version user", e))).transpose()?,
        country: country.map(|c| c.parse().map_err(|e| StoreError::corrupt("version country", e))).transpose()?,
        created_at,
    })
}

/// [`VersionStore`] for a backend whose struct has a `pool` field.
macro_rules! version_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::VersionStore for $store {
            async fn create_version(&self, v: &$crate::store::VersionRecord) -> Result<()> {
                sqlx::query($crate::store::versions::INSERT)
                    .bind(v.id.as_str())
                    .bind(v.draft_id.as_str())
                    .bind(&v.label)
                    .bind(v.heads.join(" "))
                    .bind(v.created_by.as_ref().map(|u| u.as_str()))
                    .bind(v.country.as_ref().map(|c| c.as_str()))
                    .bind(v.created_at)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| StoreError::unique(e, "version"))?;
                Ok(())
            }

            async fn versions(&self, draft: &$crate::ids::DraftId) -> Result<Vec<$crate::store::VersionRecord>> {
                let rows: Vec<$crate::store::versions::Row> =
                    sqlx::query_as($crate::store::versions::LIST).bind(draft.as_str()).fetch_all(&self.pool).await?;
                rows.into_iter().map($crate::store::versions::record).collect()
            }

            async fn version(&self, draft: &$crate::ids::DraftId, id: &$crate::ids::VersionId) -> Result<$crate::store::VersionRecord> {
                let row: Option<$crate::store::versions::Row> =
                    sqlx::query_as($crate::store::versions::ONE).bind(draft.as_str()).bind(id.as_str()).fetch_optional(&self.pool).await?;
                match row {
                    Some(row) => $crate::store::versions::record(row),
                    None => Err(StoreError::NotFound("version")),
                }
            }

            async fn version_snapshot(&self, id: &$crate::ids::VersionId) -> Result<Option<(i64, String)>> {
                Ok(sqlx::query_as($crate::store::versions::SNAPSHOT).bind(id.as_str()).fetch_optional(&self.pool).await?)
            }

            async fn put_version_snapshot(&self, id: &$crate::ids::VersionId, format: i64, json: &str, now: i64) -> Result<()> {
                sqlx::query($crate::store::versions::PUT_SNAPSHOT)
                    .bind(id.as_str())
                    .bind(format)
                    .bind(json)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}
pub(crate) use version_store;
