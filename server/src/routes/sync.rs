//! `GET /sync?ticket=…`: consumes the ticket, then upgrades to the automerge-repo WebSocket
//! bound to the ticket's user. Authenticating during the upgrade lets the connection
//! answer `join` at once, which the client needs.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;

use std::sync::Arc;

use crate::app_state::AppState;
use crate::auth::hash_token;
use crate::error::ApiError;
use crate::rate_limit::RateLimits;
use crate::store::TicketGrant;
use crate::sync::connection::{self, Frame, FrameError};
use crate::sync::hub::Hub;
use crate::time::now_ms;

/// The query string.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// A ticket from `POST /api/sync-tickets`.
    pub ticket: Option<String>,
}

/// Checks the upgrade and the ticket, then hands the socket to a connection task.
#[utoipa::path(get, path = "/sync", security(()), tag = "sync", params(SyncQuery),
    responses((status = 101, description = "switches to the automerge-repo WebSocket protocol (CBOR messages)"), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn upgrade(
    State(state): State<AppState>,
    query: Result<Query<SyncQuery>, axum::extract::rejection::QueryRejection>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let ws = ws.map_err(|e| ApiError::BadRequest(format!("/sync only accepts WebSocket upgrades: {}", e.body_text())))?;
    let ticket = query
        .ok()
        .and_then(|Query(q)| q.ticket)
        .ok_or(ApiError::Unauthorized("a sync ticket is required: /sync?ticket=… with a ticket from POST /api/sync-tickets"))?;
    let grant = state
        .store
        .consume_ticket(&hash_token(&ticket), now_ms())
        .await?
        .ok_or(ApiError::Unauthorized("the sync ticket is invalid, expired or already used, or its session has ended"))?;
    let limits = &state.config.limits;
    let hub = state.hub.clone();
    let tracker = hub.shared().tracker.clone();
    Ok(ws
        .max_message_size(limits.max_frame_bytes)
        .max_frame_size(limits.max_frame_bytes)
        .on_upgrade(move |socket| tracker.track_future(run(socket, grant, hub, state.rate_limits.clone())))
        .into_response())
}

async fn run(socket: WebSocket, grant: TicketGrant, hub: Hub, limits: Arc<RateLimits>) {
    let (sink, stream) = socket.split();
    let sink = sink.with(|frame: Frame| async move {
        Ok::<_, axum::Error>(match frame {
            Frame::Binary(b) => WsMessage::Binary(b.into()),
            Frame::Text(t) => WsMessage::Text(t.into()),
            Frame::Ping(p) => WsMessage::Ping(p.into()),
            Frame::Pong(p) => WsMessage::Pong(p.into()),
            // The reason is the error message's text (a close frame holds 123 bytes of it).
            Frame::Close(reason) => WsMessage::Close(Some(CloseFrame {
                code: axum::extract::ws::close_code::POLICY,
                reason: connection::close_reason(reason.as_deref().unwrap_or("closed by the server")).into(),
            })),
        })
    });
    let stream = stream.map(|item| match item {
        Ok(WsMessage::Binary(b)) => Ok(Frame::Binary(b.to_vec())),
        Ok(WsMessage::Text(t)) => Ok(Frame::Text(t.to_string())),
        Ok(WsMessage::Ping(p)) => Ok(Frame::Ping(p.to_vec())),
        Ok(WsMessage::Pong(p)) => Ok(Frame::Pong(p.to_vec())),
        Ok(WsMessage::Close(frame)) => Ok(Frame::Close(frame.map(|f| f.reason.to_string()))),
        Err(e) => Err(classify(e)),
    });
    // Per-user rate limit on incoming bytes: a frame over the user's rate is handed on only
    // after the wait it costs, which slows the sender's socket (TCP backpressure) and loses
    // nothing.
    let key = grant.user.id.as_str().to_owned();
    let stream = stream.then(move |item| {
        let limits = limits.clone();
        let key = key.clone();
        async move {
            let bytes = match &item {
                Ok(Frame::Binary(b)) => b.len(),
                Ok(Frame::Text(t)) => t.len(),
                _ => 0,
            };
            if bytes > 0 {
                let wait = limits.sync_bytes.spend(&key, bytes as f64, std::time::Instant::now());
                if !wait.is_zero() {
                    tracing::debug!(user = %key, wait_ms = wait.as_millis() as u64, "sync traffic over the rate limit: slowed");
                    tokio::time::sleep(wait).await;
                }
            }
            item
        }
    });
    connection::run(Box::pin(sink), Box::pin(stream), grant, hub).await;
}

fn classify(e: axum::Error) -> FrameError {
    let too_large = std::error::Error::source(&e)
        .and_then(|s| s.downcast_ref::<tungstenite::Error>())
        .is_some_and(|t| matches!(t, tungstenite::Error::Capacity(_)));
    if too_large { FrameError::TooLarge } else { FrameError::Other(e.to_string()) }
}
