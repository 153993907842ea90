//! A small HTTP client for Pluma's JSON API, for tests and load tools.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// The JSON API of one server.
#[derive(Debug, Clone)]
pub struct Api {
    /// `http://host:port`.
    pub base: String,
    http: reqwest::Client,
}

/// A logged-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Bearer token.
    pub token: String,
    /// The user as the API returned it.
    pub user: Value,
}

impl Api {
    /// A client for the server at `addr` (`host:port`).
    pub fn new(addr: impl std::fmt::Display) -> Api {
        Api { base: format!("http://{addr}"), http: reqwest::Client::new() }
    }

    /// A client for the server at `addr` whose requests come from the local address `from`
    /// (any of 127.0.0.0/8 on loopback): the server sees another client address.
    pub fn from_address(addr: impl std::fmt::Display, from: std::net::IpAddr) -> Api {
        let http = reqwest::Client::builder().local_address(from).build().expect("an HTTP client");
        Api { base: format!("http://{addr}"), http }
    }

    /// The underlying HTTP client (for requests this API's helpers do not make).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The WebSocket URL for a ticket.
    pub fn sync_url(&self, ticket: &str) -> String {
        format!("{}/sync?ticket={ticket}", self.base.replacen("http://", "ws://", 1))
    }

    /// Any request; returns status and JSON body (`Null` for an empty body).
    pub async fn call(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<Value>) -> Result<(u16, Value)> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.with_context(|| format!("request to {path}"))?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Ok((status, value))
    }

    /// A GET whose answer is a file: status and bytes.
    pub async fn bytes(&self, path: &str, token: &str) -> Result<(u16, Vec<u8>)> {
        let resp =
            self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.with_context(|| format!("request to {path}"))?;
        Ok((resp.status().as_u16(), resp.bytes().await?.to_vec()))
    }

    /// Brings back a Word file (`POST /api/drafts/{id}/returns`, base64 in JSON) for
    /// delegation `as_country` (`None`: the person's own); status and answer.
    pub async fn bring_back(&self, token: &str, draft: &str, file: &[u8], as_country: Option<&str>) -> Result<(u16, Value)> {
        use base64::Engine;
        let content = base64::engine::general_purpose::STANDARD.encode(file);
        let body = match as_country {
            Some(c) => json!({"content": content, "as": c}),
            None => json!({"content": content}),
        };
        self.call(reqwest::Method::POST, &format!("/api/drafts/{draft}/returns"), Some(token), Some(body)).await
    }

    /// Logs in.
    pub async fn login(&self, login: &str, password: &str) -> Result<Session> {
        let (status, body) =
            self.call(reqwest::Method::POST, "/api/session", None, Some(json!({"login": login, "password": password}))).await?;
        if status != 200 {
            bail!("login {login}: {status} {body}");
        }
        Ok(Session { token: body["token"].as_str().context("token")?.to_owned(), user: body["user"].clone() })
    }

    /// A fresh sync ticket.
    pub async fn ticket(&self, token: &str) -> Result<String> {
        let (status, body) = self.call(reqwest::Method::POST, "/api/sync-tickets", Some(token), None).await?;
        if status != 201 {
            bail!("ticket: {status} {body}");
        }
        Ok(body["ticket"].as_str().context("ticket")?.to_owned())
    }

    /// Creates a draft from a zero draft; returns the API's draft object.
    pub async fn create_draft(&self, token: &str, zero_draft: Value) -> Result<Value> {
        let (status, body) = self.call(reqwest::Method::POST, "/api/drafts", Some(token), Some(json!({"zero_draft": zero_draft}))).await?;
        if status != 201 {
            bail!("create draft: {status} {body}");
        }
        Ok(body)
    }
}

/// A small zero draft for tests: two paragraphs.
pub fn small_zero_draft() -> Value {
    json!({
        "kind": "communique",
        "title": {"en": "Test Communiqué", "es": "Comunicado de prueba"},
        "paragraphs": [
            {"kind": "preamble", "en": "*Recognizing* the value of cooperation,", "es": "*Reconociendo* el valor de la cooperación,"},
            {"kind": "operative", "en": "Agree to meet again.", "es": "Acuerdan reunirse nuevamente."}
        ]
    })
}
