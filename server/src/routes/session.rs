//! `POST /api/session` (log in), `DELETE /api/session` (log out), `GET /api/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::app_state::AppState;
use crate::auth::{self, CurrentUser, SESSION_COOKIE};
use crate::error::ApiError;
use crate::http::ClientAddr;
use crate::model::User;
use crate::store::{AuditAction, AuditEntry};
use crate::time::now_ms;
use std::time::Instant;

/// Longest password accepted; argon2 would hash anything, but megabytes cost time.
const MAX_PASSWORD_BYTES: usize = 1024;
/// The one answer to any wrong login or password: it must not say which was wrong.
const BAD_CREDENTIALS: &str = "wrong login or password";

/// A login attempt.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Login name.
    pub login: String,
    /// Password.
    pub password: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login").field("login", &self.login).field("password", &"<hidden>").finish()
    }
}

/// A new session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionCreated {
    /// Bearer token (also set as the `pluma_session` cookie).
    pub token: String,
    /// When it expires, unix milliseconds.
    pub expires_at: i64,
    /// Who logged in.
    pub user: User,
}

/// Logs in: checks the password, creates a session, sets the HttpOnly cookie.
#[utoipa::path(post, path = "/api/session", security(()), tag = "session", request_body = Login,
    responses((status = 200, body = SessionCreated, description = "signed in; also sets the pluma_session cookie"), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<Login>,
) -> Result<Response, ApiError> {
    if body.password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::BadRequest(format!("the password is longer than {MAX_PASSWORD_BYTES} bytes")));
    }
    crate::input::text("the login", &body.login, state.config.input.max_login_chars)?;
    // The attempt counts before the password is checked (see rate_limit::sign_in).
    let attempt = state.rate_limits.sign_in.attempt(&body.login, address, Instant::now()).map_err(|wait| {
        tracing::warn!(login = %body.login, %address, "sign-in refused: too many failed attempts");
        ApiError::too_many("too many failed sign-ins", wait)
    })?;
    let found = state.store.user_by_login(&body.login).await?;
    let password = body.password;
    // Each check holds tens of megabytes for a moment (argon2): a few at a time.
    let _permit = state.password_checks.acquire().await.map_err(|_| ApiError::Unavailable)?;
    let user = tokio::task::spawn_blocking(move || match found {
        Some((user, hash)) => auth::verify_password(&password, &hash).then_some(user),
        None => {
            auth::verify_against_dummy(&password);
            None
        }
    })
    .await
    .map_err(|e| ApiError::internal("password check", e))?;
    let Some(user) = user else {
        drop(attempt);
        let entry = AuditEntry {
            user: None,
            country: None,
            draft: None,
            action: AuditAction::SignInRefused,
            detail: serde_json::json!({ "login": body.login }),
        };
        state.store.append_audit(&[entry], now_ms()).await?;
        return Err(ApiError::Unauthorized(BAD_CREDENTIALS));
    };
    attempt.succeeded(Instant::now());

    let (token, hash) = auth::new_token();
    let now = now_ms();
    let ttl = state.config.session_ttl();
    let expires_at = now.saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
    state.store.create_session(&hash, &user.id, now, expires_at).await?;
    let entry = AuditEntry {
        user: Some(user.id.clone()),
        country: user.country.clone(),
        draft: None,
        action: AuditAction::SignIn,
        detail: serde_json::json!({ "login": user.login }),
    };
    state.store.append_audit(&[entry], now).await?;
    tracing::info!(user = %user.login, "logged in");
    let secure = if state.config.cookies_are_secure() { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}", ttl.as_secs());
    let body = SessionCreated { token, expires_at, user };
    Ok(([(SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Logs out: ends the session and clears the cookie. The session's sync connections on this
/// server are closed before the answer; on other servers soon after
/// ([`crate::sync::session_watch`]).
#[utoipa::path(delete, path = "/api/session", tag = "session",
    responses((status = 204, description = "signed out"), (status = 401, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn delete(State(state): State<AppState>, who: CurrentUser) -> Result<Response, ApiError> {
    state.store.delete_session(&who.token_hash).await?;
    let closed = state.hub.shared().sessions.end(&who.token_hash);
    tracing::info!(user = %who.user.login, sync_connections = closed, "logged out");
    let secure = if state.config.cookies_are_secure() { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}");
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

/// Who is logged in.
#[utoipa::path(get, path = "/api/me", tag = "session",
    responses((status = 200, body = crate::model::User), (status = 401, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn me(who: CurrentUser) -> Json<User> {
    Json(who.user)
}
