//! Sessions and the sync tickets they issue: the rows, and the SQL both backends share.
//!
//! A ticket names the session that issued it, so a sync connection knows its session for
//! as long as it lives: ending the session ends the connection
//! ([`crate::sync::session_watch`]), and the change log refuses what a connection of an ended
//! session sends (`session_alive!`).

use pluma_core::UserId;

use crate::model::User;
use crate::store::{Result, StoreError};

/// The SHA-256 hash of a session token: how the database, the sync connections and other
/// servers name a session. It opens nothing (the server hashes what it is given), but it is
/// kept out of logs all the same.
pub type SessionHash = [u8; 32];

/// What a consumed ticket grants: a connection for this user, for as long as this session
/// lives.
#[derive(Clone, PartialEq, Eq)]
pub struct TicketGrant {
    /// Who.
    pub user: User,
    /// The session that issued the ticket.
    pub session: SessionHash,
    /// When the session expires, unix milliseconds.
    pub session_expires_at: i64,
}

impl std::fmt::Debug for TicketGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketGrant")
            .field("user", &self.user)
            .field("session", &"<hidden>")
            .field("session_expires_at", &self.session_expires_at)
            .finish()
    }
}

pub(crate) const INSERT_TICKET: &str = "INSERT INTO sync_tickets (ticket_hash, session_hash, user_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)";

pub(crate) const DELETE_EXPIRED_TICKETS: &str = "DELETE FROM sync_tickets WHERE expires_at <= $1";

/// Marks a ticket used, once; a ticket without a session (none are issued any more) is
/// not honoured.
pub(crate) const CONSUME_TICKET: &str = "UPDATE sync_tickets SET used_at = $2
     WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > $2 AND session_hash IS NOT NULL
     RETURNING user_id, session_hash";

/// A session's expiry, if it exists and has not expired at `$2`.
pub(crate) const SESSION_EXPIRY: &str = "SELECT expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2";

/// [`SESSION_EXPIRY`] with the row locked until the commit (PostgreSQL): a sign-out that
/// deletes it waits for the commit, and once a sign-out has committed the check finds
/// nothing. SQLite has one writer at a time, so a sign-out commits wholly before or after.
pub(crate) const SESSION_EXPIRY_LOCKING: &str = "SELECT expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2 FOR SHARE";

/// Whether the session of an append request is alive, asked inside the group commit with
/// `$query` ([`SESSION_EXPIRY`] or [`SESSION_EXPIRY_LOCKING`]): a change is stored only
/// while the session of the connection that sent it lives.
macro_rules! session_alive {
    ($conn:expr, $query:expr, $session:expr, $now:expr) => {{
        let session: &$crate::store::SessionHash = $session;
        sqlx::query_as::<_, (i64,)>($query).bind(&session[..]).bind($now).fetch_optional($conn).await.map(|row| row.is_some())
    }};
}
pub(crate) use session_alive;

/// Sessions asked about in one statement by [`ticket_methods`]' `find_live_sessions`.
pub(crate) const LIVE_CHUNK: usize = 500;

/// Reads the row [`CONSUME_TICKET`] returned: the user id and the session hash.
pub(crate) fn consumed(row: (String, Option<Vec<u8>>)) -> Result<(UserId, SessionHash)> {
    let (user, session) = row;
    let user: UserId = user.parse().map_err(|e| StoreError::corrupt("user id", e))?;
    let session: SessionHash = session
        .ok_or_else(|| StoreError::corrupt("ticket session", "missing"))?
        .try_into()
        .map_err(|_| StoreError::corrupt("ticket session", "not 32 bytes"))?;
    Ok((user, session))
}

/// Session hashes as read from the database; one that is not 32 bytes is corrupt.
pub(crate) fn hashes(rows: Vec<(Vec<u8>,)>) -> Result<Vec<SessionHash>> {
    rows.into_iter().map(|(h,)| h.try_into().map_err(|_| StoreError::corrupt("session hash", "not 32 bytes"))).collect()
}

/// The ticket queries as inherent methods of a backend whose struct has a `pool` field;
/// its `Store` methods call them.
macro_rules! ticket_methods {
    ($store:ty) => {
        impl $store {
            pub(crate) async fn insert_ticket(
                &self,
                ticket_hash: &[u8],
                session: &$crate::store::SessionHash,
                user: &UserId,
                now: i64,
                expires_at: i64,
            ) -> Result<()> {
                sqlx::query($crate::store::sessions::DELETE_EXPIRED_TICKETS).bind(now).execute(&self.pool).await?;
                sqlx::query($crate::store::sessions::INSERT_TICKET)
                    .bind(ticket_hash)
                    .bind(&session[..])
                    .bind(user.as_str())
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| StoreError::unique(e, "ticket"))?;
                Ok(())
            }

            pub(crate) async fn use_ticket(&self, ticket_hash: &[u8], now: i64) -> Result<Option<$crate::store::TicketGrant>> {
                let row: Option<(String, Option<Vec<u8>>)> =
                    sqlx::query_as($crate::store::sessions::CONSUME_TICKET).bind(ticket_hash).bind(now).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let (user, session) = $crate::store::sessions::consumed(row)?;
                // The ticket is used up either way: one whose session has ended opens nothing.
                let expiry: Option<(i64,)> =
                    sqlx::query_as($crate::store::sessions::SESSION_EXPIRY).bind(&session[..]).bind(now).fetch_optional(&self.pool).await?;
                let Some((session_expires_at,)) = expiry else { return Ok(None) };
                let user = self.user(&user).await?;
                Ok(Some($crate::store::TicketGrant { user, session, session_expires_at }))
            }

            pub(crate) async fn find_live_sessions(
                &self,
                sessions: &[$crate::store::SessionHash],
                now: i64,
            ) -> Result<Vec<$crate::store::SessionHash>> {
                let mut live = Vec::new();
                for chunk in sessions.chunks($crate::store::sessions::LIVE_CHUNK) {
                    let mut query = sqlx::QueryBuilder::new("SELECT token_hash FROM sessions WHERE expires_at > ");
                    query.push_bind(now).push(" AND token_hash IN (");
                    let mut list = query.separated(", ");
                    for session in chunk {
                        list.push_bind(session.to_vec());
                    }
                    list.push_unseparated(")");
                    let rows: Vec<(Vec<u8>,)> = query.build_query_as().fetch_all(&self.pool).await?;
                    live.extend($crate::store::sessions::hashes(rows)?);
                }
                Ok(live)
            }
        }
    };
}
pub(crate) use ticket_methods;
