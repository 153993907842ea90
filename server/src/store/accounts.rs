//! People, their sessions and the sync tickets those issue: [`AccountStore`], and the SQL
//! both backends share ([`account_store`] implements it for either).
//!
//! A ticket names the session that issued it, so a sync connection knows its session for
//! as long as it lives: ending the session ends the connection
//! ([`crate::sync::session_watch`]), and the change log refuses what a connection of an ended
//! session sends (`session_alive!`).

use async_trait::async_trait;
use pluma_core::UserId;

use crate::model::{NewUser, User};
use crate::store::{Result, StoreError};

/// People and sessions. Each method is one transaction.
#[async_trait]
pub trait AccountStore {
    /// Creates a user with a fresh id; `Conflict` if the login is taken.
    async fn create_user(&self, user: &NewUser, now: i64) -> Result<User>;
    /// Sets (or clears) a user's display name in Spanish; `NotFound` for an unknown id.
    async fn set_display_name_es(&self, id: &UserId, name: Option<&str>) -> Result<User>;
    /// A user and their password hash, by login.
    async fn user_by_login(&self, login: &str) -> Result<Option<(User, String)>>;
    /// A user by id; `NotFound` if there is none.
    async fn user(&self, id: &UserId) -> Result<User>;
    /// Every person, by display name.
    async fn users(&self) -> Result<Vec<User>>;
    /// How many users exist.
    async fn count_users(&self) -> Result<i64>;

    /// Stores a session (token hash only).
    async fn create_session(&self, token_hash: &[u8], user: &UserId, now: i64, expires_at: i64) -> Result<()>;
    /// The user of an unexpired session.
    async fn session_user(&self, token_hash: &[u8], now: i64) -> Result<Option<User>>;
    /// Ends a session; whether it existed. On a backend several servers share, the others
    /// hear of it ([`crate::store::Notice::SessionEnded`]) when, and only if, the deletion
    /// commits.
    async fn delete_session(&self, token_hash: &[u8]) -> Result<bool>;
    /// Those of `sessions` that exist and have not expired at `now`.
    async fn live_sessions(&self, sessions: &[SessionHash], now: i64) -> Result<Vec<SessionHash>>;

    /// Stores a sync ticket (hash only) issued by `session` (the hash of its token).
    async fn create_ticket(&self, ticket_hash: &[u8], session: &SessionHash, user: &UserId, now: i64, expires_at: i64) -> Result<()>;
    /// Consumes a ticket atomically: its user and session if it was unused and unexpired
    /// and its session is alive, else `None`. A second call with the same ticket always
    /// gives `None`.
    async fn consume_ticket(&self, ticket_hash: &[u8], now: i64) -> Result<Option<TicketGrant>>;
}

/// The SHA-256 hash of a session token: how the database, the sync connections and other
/// servers name a session. It opens nothing (the server hashes what it is given), but it is
/// kept out of logs all the same.
pub type SessionHash = [u8; 32];

/// What a consumed ticket grants: a connection for this user, for as long as this session
/// lives.
#[derive(Clone, PartialEq, Eq)]
pub struct TicketGrant {
    /// The person the connection acts for.
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

/// Sessions asked about in one statement by [`AccountStore::live_sessions`].
pub(crate) const LIVE_CHUNK: usize = 500;

/// Reads the row [`CONSUME_TICKET`] returned: the user id and the session hash.
pub(crate) fn consumed(row: (String, Option<Vec<u8>>)) -> Result<(pluma_core::UserId, SessionHash)> {
    let (user, session) = row;
    let user: pluma_core::UserId = user.parse().map_err(|e| StoreError::corrupt("user id", e))?;
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

/// [`AccountStore`] for a backend whose struct has a `pool` field and an inherent
/// `end_session` (the deletion of a session, which PostgreSQL announces to other servers).
macro_rules! account_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AccountStore for $store {
            async fn create_user(&self, user: &$crate::model::NewUser, now: i64) -> Result<$crate::model::User> {
                let id = pluma_core::UserId::random();
                sqlx::query(
                    "INSERT INTO users (id, login, display_name, role, country, password_hash, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id.as_str())
                .bind(&user.login)
                .bind(&user.display_name)
                .bind(user.role.as_str())
                .bind(user.country.as_ref().map(|c| c.as_str()))
                .bind(&user.password_hash)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(|e| StoreError::unique(e, "login"))?;
                self.user(&id).await
            }

            async fn set_display_name_es(&self, id: &pluma_core::UserId, name: Option<&str>) -> Result<$crate::model::User> {
                let done = sqlx::query("UPDATE users SET display_name_es = $1 WHERE id = $2")
                    .bind(name)
                    .bind(id.as_str())
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("user"));
                }
                self.user(id).await
            }

            async fn user_by_login(&self, login: &str) -> Result<Option<($crate::model::User, String)>> {
                let row: Option<$crate::store::rows::UserWithHashRow> =
                    sqlx::query_as(concat!("SELECT ", $crate::store::rows::user_columns!(), ", password_hash FROM users WHERE login = $1"))
                        .bind(login)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::store::rows::UserWithHashRow::into_pair).transpose()
            }

            async fn user(&self, id: &pluma_core::UserId) -> Result<$crate::model::User> {
                let row: Option<$crate::store::rows::UserRow> =
                    sqlx::query_as(concat!("SELECT ", $crate::store::rows::user_columns!(), " FROM users WHERE id = $1"))
                        .bind(id.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.ok_or(StoreError::NotFound("user"))?.into_user()
            }

            async fn users(&self) -> Result<Vec<$crate::model::User>> {
                let rows: Vec<$crate::store::rows::UserRow> =
                    sqlx::query_as(concat!("SELECT ", $crate::store::rows::user_columns!(), " FROM users ORDER BY display_name, id"))
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map($crate::store::rows::UserRow::into_user).collect()
            }

            async fn count_users(&self) -> Result<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
                Ok(n)
            }

            async fn create_session(&self, token_hash: &[u8], user: &pluma_core::UserId, now: i64, expires_at: i64) -> Result<()> {
                // Expired sessions are useless; dropping them here keeps the table small.
                sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
                sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(user.as_str())
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| StoreError::unique(e, "session"))?;
                Ok(())
            }

            async fn session_user(&self, token_hash: &[u8], now: i64) -> Result<Option<$crate::model::User>> {
                let row: Option<$crate::store::rows::UserRow> = sqlx::query_as(
                    "SELECT u.id, u.login, u.display_name, u.display_name_es, u.role, u.country, u.created_at
                     FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = $1 AND s.expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                row.map($crate::store::rows::UserRow::into_user).transpose()
            }

            async fn delete_session(&self, token_hash: &[u8]) -> Result<bool> {
                self.end_session(token_hash).await
            }

            async fn create_ticket(
                &self,
                ticket_hash: &[u8],
                session: &$crate::store::SessionHash,
                user: &pluma_core::UserId,
                now: i64,
                expires_at: i64,
            ) -> Result<()> {
                sqlx::query($crate::store::accounts::DELETE_EXPIRED_TICKETS).bind(now).execute(&self.pool).await?;
                sqlx::query($crate::store::accounts::INSERT_TICKET)
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

            async fn consume_ticket(&self, ticket_hash: &[u8], now: i64) -> Result<Option<$crate::store::TicketGrant>> {
                let row: Option<(String, Option<Vec<u8>>)> =
                    sqlx::query_as($crate::store::accounts::CONSUME_TICKET).bind(ticket_hash).bind(now).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                let (user, session) = $crate::store::accounts::consumed(row)?;
                // The ticket is used up either way: one whose session has ended opens nothing.
                let expiry: Option<(i64,)> =
                    sqlx::query_as($crate::store::accounts::SESSION_EXPIRY).bind(&session[..]).bind(now).fetch_optional(&self.pool).await?;
                let Some((session_expires_at,)) = expiry else { return Ok(None) };
                let user = self.user(&user).await?;
                Ok(Some($crate::store::TicketGrant { user, session, session_expires_at }))
            }

            async fn live_sessions(&self, sessions: &[$crate::store::SessionHash], now: i64) -> Result<Vec<$crate::store::SessionHash>> {
                let mut live = Vec::new();
                for chunk in sessions.chunks($crate::store::accounts::LIVE_CHUNK) {
                    let mut query = sqlx::QueryBuilder::new("SELECT token_hash FROM sessions WHERE expires_at > ");
                    query.push_bind(now).push(" AND token_hash IN (");
                    let mut list = query.separated(", ");
                    for session in chunk {
                        list.push_bind(session.to_vec());
                    }
                    list.push_unseparated(")");
                    let rows: Vec<(Vec<u8>,)> = query.build_query_as().fetch_all(&self.pool).await?;
                    live.extend($crate::store::accounts::hashes(rows)?);
                }
                Ok(live)
            }
        }
    };
}
pub(crate) use account_store;
