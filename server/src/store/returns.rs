//! Word files brought back: the returns and the digests of the changes each made (see
//! `migrations/*/0009_word_returns.sql`): [`ReturnStore`], with the SQL both backends share.

use async_trait::async_trait;
use pluma_core::{Country, UserId};

use crate::ids::{DraftId, ReturnId};
use crate::store::Result;

/// Word files brought back, and the changes each claimed. Each method is one transaction.
#[async_trait]
pub trait ReturnStore {
    /// The newest finished return of this file (its SHA-256) to a draft for a delegation.
    async fn return_of_file(&self, draft: &DraftId, file_digest: &str, country: &Country) -> Result<Option<ReturnRecord>>;
    /// In one transaction: records a return as pending and claims the digests of the
    /// changes it will make; returns those it claimed. A digest claimed by a finished return
    /// (or one pending since `stale_before` or later) stays with it; returns pending since
    /// before `stale_before` (a crash) count as failed and release theirs.
    async fn begin_return(&self, r: &NewReturn, digests: &[String], stale_before: i64) -> Result<Vec<String>>;
    /// In one transaction: a return is done with its report (JSON), keeping the claims of
    /// the changes it made (`keep`) and releasing the others; or, with no report, failed,
    /// releasing every claim.
    async fn finish_return(&self, id: &ReturnId, report: Option<&str>, keep: &[String], now: i64) -> Result<()>;
}

/// A return about to make its changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReturn {
    /// Stable id, chosen before the changes are made.
    pub id: ReturnId,
    /// The draft the file was exported from.
    pub draft: DraftId,
    /// The returning delegation.
    pub country: Country,
    /// The person who brought the file back (a delegate of it, or the secretariat).
    pub user: UserId,
    /// SHA-256 (hex) of the file.
    pub file_digest: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A finished return, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRecord {
    /// Stable id; the report names it.
    pub id: ReturnId,
    /// Its report (JSON of `pluma_core::returns::Report`).
    pub report: String,
    /// When it was brought back, unix milliseconds.
    pub created_at: i64,
}

pub(crate) const OF_FILE: &str = "SELECT id, report, created_at FROM word_returns
     WHERE draft_id = $1 AND file_digest = $2 AND country = $3 AND state = 'done' AND report IS NOT NULL
     ORDER BY created_at DESC, id DESC LIMIT 1";

pub(crate) const INSERT: &str = "INSERT INTO word_returns (id, draft_id, country, user_id, file_digest, state, created_at)
     VALUES ($1, $2, $3, $4, $5, 'pending', $6)";

/// Returns left pending by a crash before `$2`, and failed ones, give up their claims.
pub(crate) const EXPIRE: &str = "UPDATE word_returns SET state = 'failed', finished_at = $3
     WHERE draft_id = $1 AND state = 'pending' AND created_at < $2";

pub(crate) const RELEASE_FAILED: &str = "DELETE FROM word_return_changes
     WHERE draft_id = $1 AND return_id IN (SELECT id FROM word_returns WHERE draft_id = $1 AND state = 'failed')";

pub(crate) const CLAIM: &str = "INSERT INTO word_return_changes (draft_id, digest, return_id) VALUES ($1, $2, $3)
     ON CONFLICT (draft_id, digest) DO NOTHING";

pub(crate) const CLAIMED: &str = "SELECT digest FROM word_return_changes WHERE return_id = $1";

pub(crate) const RELEASE_ONE: &str = "DELETE FROM word_return_changes WHERE return_id = $1 AND digest = $2";

pub(crate) const RELEASE_ALL: &str = "DELETE FROM word_return_changes WHERE return_id = $1";

pub(crate) const FINISH: &str = "UPDATE word_returns SET state = $2, report = $3, finished_at = $4 WHERE id = $1";

/// [`ReturnStore`] for a backend whose struct has a `pool` field.
macro_rules! return_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::ReturnStore for $store {
            async fn return_of_file(
                &self,
                draft: &$crate::ids::DraftId,
                file_digest: &str,
                country: &pluma_core::Country,
            ) -> Result<Option<$crate::store::returns::ReturnRecord>> {
                let row: Option<(String, String, i64)> = sqlx::query_as($crate::store::returns::OF_FILE)
                    .bind(draft.as_str())
                    .bind(file_digest)
                    .bind(country.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|(id, report, created_at)| {
                    let id = id.parse().map_err(|e| StoreError::corrupt("return id", e))?;
                    Ok($crate::store::returns::ReturnRecord { id, report, created_at })
                })
                .transpose()
            }

            async fn begin_return(
                &self,
                r: &$crate::store::returns::NewReturn,
                digests: &[String],
                stale_before: i64,
            ) -> Result<Vec<String>> {
                use $crate::store::returns as q;
                let mut tx = self.pool.begin().await?;
                let draft = r.draft.as_str();
                sqlx::query(q::EXPIRE).bind(draft).bind(stale_before).bind(r.created_at).execute(&mut *tx).await?;
                sqlx::query(q::RELEASE_FAILED).bind(draft).execute(&mut *tx).await?;
                sqlx::query(q::INSERT)
                    .bind(r.id.as_str())
                    .bind(draft)
                    .bind(r.country.as_str())
                    .bind(r.user.as_str())
                    .bind(&r.file_digest)
                    .bind(r.created_at)
                    .execute(&mut *tx)
                    .await?;
                for digest in digests {
                    sqlx::query(q::CLAIM).bind(draft).bind(digest).bind(r.id.as_str()).execute(&mut *tx).await?;
                }
                let claimed: Vec<(String,)> = sqlx::query_as(q::CLAIMED).bind(r.id.as_str()).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                Ok(claimed.into_iter().map(|(d,)| d).collect())
            }

            async fn finish_return(&self, id: &$crate::ids::ReturnId, report: Option<&str>, keep: &[String], now: i64) -> Result<()> {
                use $crate::store::returns as q;
                let mut tx = self.pool.begin().await?;
                let claimed: Vec<(String,)> = sqlx::query_as(q::CLAIMED).bind(id.as_str()).fetch_all(&mut *tx).await?;
                match report {
                    Some(_) => {
                        for (digest,) in claimed.iter().filter(|(d,)| !keep.contains(d)) {
                            sqlx::query(q::RELEASE_ONE).bind(id.as_str()).bind(digest).execute(&mut *tx).await?;
                        }
                    }
                    None => {
                        sqlx::query(q::RELEASE_ALL).bind(id.as_str()).execute(&mut *tx).await?;
                    }
                }
                let state = if report.is_some() { "done" } else { "failed" };
                sqlx::query(q::FINISH).bind(id.as_str()).bind(state).bind(report).bind(now).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use return_store;
