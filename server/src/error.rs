//! [`ApiError`]: every error an HTTP handler returns, as JSON `{"error": "..."}` with the
//! right status. Client mistakes say precisely what is wrong; server faults say nothing
//! more than "internal error" and log the detail.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

/// An error answered to an HTTP client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// 401: not authenticated, or bad credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: authenticated but not allowed.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 403: the permission rules refuse the action (the text names the rule).
    #[error("{0}")]
    Refused(String),
    /// 408: the client took too long to send the request.
    #[error("{0}")]
    RequestTimeout(String),
    /// 404: no such resource.
    #[error("{0}")]
    NotFound(String),
    /// 409: conflicts with what exists.
    #[error("{0}")]
    Conflict(String),
    /// 409: the text is not settled (paragraphs not agreed, proposals pending); the body
    /// lists each such paragraph as `unsettled`.
    #[error("{message}")]
    Unsettled {
        /// In words.
        message: String,
        /// The paragraphs in the way.
        unsettled: Vec<crate::workflow::settled::Unsettled>,
    },
    /// 413: the body is too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: wrong content type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed but invalid content.
    #[error("{0}")]
    Unprocessable(String),
    /// 429: too many requests of a kind; try again after `retry_after` seconds.
    #[error("{reason}; try again in {retry_after} s")]
    TooManyRequests {
        /// What there were too many of.
        reason: String,
        /// Seconds until one more is allowed (`Retry-After`).
        retry_after: u64,
    },
    /// 503: a dependency (the database) is down.
    #[error("service unavailable")]
    Unavailable,
    /// 500: a fault of ours; the detail is logged, not sent.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Refused(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Conflict(_) | ApiError::Unsettled { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A 429 saying what there were too many of, for a wait of `wait`.
    pub fn too_many(reason: impl Into<String>, wait: std::time::Duration) -> ApiError {
        ApiError::TooManyRequests { reason: reason.into(), retry_after: wait.as_secs_f64().ceil().max(1.0) as u64 }
    }

    /// Logs `detail` with what we were doing and gives the generic 500.
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(%detail, "{context}");
        ApiError::Internal
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            StoreError::Conflict(what) => ApiError::Conflict(format!("{what} already exists")),
            e if e.is_unavailable() => {
                tracing::error!(error = %e, "database unavailable");
                ApiError::Unavailable
            }
            e => ApiError::internal("database error", e),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::internal("a blocking task failed", e)
    }
}

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        use axum::extract::rejection::JsonRejection as J;
        match r {
            J::MissingJsonContentType(_) => {
                ApiError::UnsupportedMediaType("send the body as JSON with Content-Type: application/json".into())
            }
            J::JsonSyntaxError(e) => ApiError::BadRequest(format!("the body is not valid JSON: {}", detail(&e))),
            J::JsonDataError(e) => ApiError::Unprocessable(format!("the body is valid JSON of the wrong shape: {}", detail(&e))),
            J::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge("the request body is larger than this endpoint accepts".into())
            }
            J::BytesRejection(e) if caused_by_timeout(&e) => {
                ApiError::RequestTimeout("the request body was not sent in time; send it at once".into())
            }
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl ApiError {
    /// A body that could not be read: too large (413), too slow (408), or cut off (400).
    pub fn from_bytes_rejection(e: axum::extract::rejection::BytesRejection) -> ApiError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge("the request body is larger than this endpoint accepts".into())
        } else if caused_by_timeout(&e) {
            ApiError::RequestTimeout("the request body was not sent in time; send it at once".into())
        } else {
            ApiError::BadRequest(e.body_text())
        }
    }
}

/// What serde said about a JSON body (its path and problem), without axum's preamble.
fn detail(e: &(dyn std::error::Error + 'static)) -> String {
    std::error::Error::source(e).map_or_else(|| e.to_string(), ToString::to_string)
}

/// Whether reading the body stopped because the client went quiet
/// ([`crate::config::HttpLimits::body_timeout`]).
fn caused_by_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(e);
    while let Some(err) = source {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// The body of every error response.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words (never internal detail).
    pub error: String,
}

/// The body of a 409 for a text that is not settled: the error and the paragraphs in the way.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UnsettledBody {
    /// What went wrong, in words.
    pub error: String,
    /// Each paragraph not agreed or with proposals pending, named as the web client names it.
    pub unsettled: Vec<crate::workflow::settled::Unsettled>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Unsettled { message, unsettled } = self {
            return (StatusCode::CONFLICT, Json(UnsettledBody { error: message, unsettled })).into_response();
        }
        let body = Json(ErrorBody { error: self.to_string() });
        if let ApiError::TooManyRequests { retry_after, .. } = self {
            return (self.status_code(), [(axum::http::header::RETRY_AFTER, retry_after.to_string())], body).into_response();
        }
        (self.status_code(), body).into_response()
    }
}
