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

use crate::error::ApiError;
use crate::model::User;
use crate::state::AppState;
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

/// The token a request carries: `Authorization: Bearer …` first, else the session cookie.
pub fn request_token(parts: &Parts) -> Option<String> {
    if let Some(auth) = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        return auth.strip_prefix("Bearer ").map(|t| t.trim().to_owned());
    }
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// The logged-in user of a request, from a session token; 401 without a valid one.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The user.
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
        let token = request_token(parts).ok_or(ApiError::Unauthorized("log in first"))?;
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
