//! Passwords and tokens: argon2id password hashes, random bearer tokens stored only as
//! SHA-256 hashes, and the [`CurrentUser`] extractor.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::app_state::AppState;
use crate::error::ApiError;
use crate::model::User;
use crate::time::now_ms;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "pluma_session";

/// Hashes a password with argon2id and a random salt (PHC string). CPU-heavy: call it from
/// `spawn_blocking` on a request path.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| ApiError::internal("hashing a password", e))
}

/// Whether `password` matches the PHC string. CPU-heavy like [`hash_password`]. A hash that
/// does not parse never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// Spends the time of a password check when there is no user, so that response times do not
/// tell which logins exist.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("no user has this password").unwrap_or_default());
    let _ = verify_password(password, dummy);
}

/// A fresh bearer token (32 random bytes, base64url) and the hash under which it is stored.
pub fn new_token() -> (String, [u8; 32]) {
    let bytes: [u8; 32] = rand::random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Where a request's token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// `Authorization: Bearer …`: set by script, never sent by a browser on its own.
    Bearer,
    /// The session cookie, which a browser attaches by itself.
    Cookie,
}

/// The token a request carries: `Authorization: Bearer …` first, else the session cookie.
pub fn request_token(parts: &Parts) -> Option<(String, TokenSource)> {
    if let Some(auth) = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        return auth.strip_prefix("Bearer ").map(|t| (t.trim().to_owned(), TokenSource::Bearer));
    }
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| (v.to_owned(), TokenSource::Cookie))
}

/// Refuses a state change authenticated by the cookie that another site's page made the
/// browser send (cross-site request forgery): browsers say where a request comes from in
/// `Sec-Fetch-Site`, and for POSTs in `Origin`, which must then be this server (the `Host`
/// the request was sent to). A request with neither is not from a browser's page, which
/// always sends `Origin` with a state change. `SameSite=Strict` on the cookie is the
/// first defence; this is the second.
pub fn check_same_origin(parts: &Parts) -> Result<(), ApiError> {
    use axum::http::Method;
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    const REFUSED: &str = "a request from another site may not act with your session; use the web client of this server";
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return if matches!(site, "same-origin" | "none") { Ok(()) } else { Err(ApiError::Forbidden(REFUSED)) };
    }
    let Some(origin) = header("origin") else { return Ok(()) };
    let origin_host = origin.split_once("://").map(|(_, rest)| rest.trim_end_matches('/'));
    match (origin_host, header("host")) {
        (Some(o), Some(host)) if o.eq_ignore_ascii_case(host) => Ok(()),
        _ => Err(ApiError::Forbidden(REFUSED)),
    }
}

/// The logged-in user of a request, from a session token; 401 without a valid one.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The person the session belongs to.
    pub user: User,
    /// The hash of the session token that authenticated the request.
    pub token_hash: [u8; 32],
}

impl<S> FromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = AppState::from_ref(state);
        let (token, source) = request_token(parts).ok_or(ApiError::Unauthorized("log in first"))?;
        if source == TokenSource::Cookie {
            check_same_origin(parts)?;
        }
        let token_hash = hash_token(&token);
        let user = state
            .store
            .session_user(&token_hash, now_ms())
            .await?
            .ok_or(ApiError::Unauthorized("the session is invalid or has expired; log in again"))?;
        Ok(CurrentUser { user, token_hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A password verifies against its own hash only; a malformed hash never verifies.
    #[test]
    fn passwords_verify() {
        let h = hash_password("pluma-demo").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("pluma-demo", &h));
        assert!(!verify_password("pluma-dem0", &h));
        assert!(!verify_password("pluma-demo", "not a hash"));
    }

    fn parts(method: &str, headers: &[(&str, &str)]) -> Parts {
        let mut req = axum::http::Request::builder().method(method).uri("/api/drafts");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(()).unwrap().into_parts().0
    }

    /// A cookie-authenticated state change passes from this server's own pages (same-origin
    /// fetch metadata, or an Origin equal to Host) and from non-browser clients (neither
    /// header); from another site it is refused; reads always pass.
    #[test]
    fn cross_site_state_changes_are_refused() {
        let host = ("host", "pluma.example.org");
        assert!(check_same_origin(&parts("POST", &[host, ("sec-fetch-site", "same-origin")])).is_ok());
        assert!(check_same_origin(&parts("POST", &[host, ("origin", "https://pluma.example.org")])).is_ok());
        assert!(check_same_origin(&parts("POST", &[host])).is_ok());
        assert!(check_same_origin(&parts("GET", &[host, ("sec-fetch-site", "cross-site")])).is_ok());
        assert!(check_same_origin(&parts("POST", &[host, ("sec-fetch-site", "cross-site")])).is_err());
        assert!(check_same_origin(&parts("POST", &[host, ("sec-fetch-site", "same-site")])).is_err());
        assert!(check_same_origin(&parts("DELETE", &[host, ("origin", "https://evil.example")])).is_err());
        assert!(check_same_origin(&parts("POST", &[host, ("origin", "null")])).is_err());
    }

    /// Tokens are 43 base64url characters and differ each time; the hash is SHA-256.
    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(ha, hash_token(&a));
        assert_ne!(ha, hash_token(&b));
    }
}
