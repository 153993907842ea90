//! [`WorkflowError`]: why a workflow decision (approve, propose or agree to a silence,
//! object, adopt) was refused or failed, in the workflow's own terms. The HTTP layer turns
//! it into an [`ApiError`] with one `From`; the deadline timer logs it.

use crate::error::ApiError;
use crate::store::StoreError;

use super::settled::Unsettled;

/// A refused or failed workflow decision. The texts are the ones the person reads.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The person's role or delegation does not take this decision.
    #[error("{0}")]
    NotEntitled(&'static str),
    /// A named rule of the procedure refuses it (`rule silence-presidency: …`).
    #[error("{0}")]
    Rule(String),
    /// The draft's text or workflow is not where the decision needs it: adopted, under
    /// silence, changed since it was read, a proposal no longer waiting.
    #[error("{0}")]
    State(String),
    /// The text is not settled and no chair's decision covers it; lists each paragraph.
    #[error("{message}")]
    Unsettled {
        /// In words.
        message: String,
        /// The paragraphs in the way.
        unsettled: Vec<Unsettled>,
    },
    /// A value given with the decision is not acceptable (a deadline too soon, an empty
    /// reason).
    #[error("{0}")]
    Invalid(String),
    /// Something the decision names does not exist (a version, a proposal).
    #[error("{0}")]
    Missing(String),
    /// The draft's document could not be held (its task is gone or shutting down).
    #[error("the draft's document is unavailable")]
    Unavailable,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A fault of ours; the detail was logged where it happened.
    #[error("internal error")]
    Internal,
}

impl WorkflowError {
    /// Logs `detail` with what we were doing and gives [`WorkflowError::Internal`].
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> WorkflowError {
        tracing::error!(%detail, "{context}");
        WorkflowError::Internal
    }
}

impl From<tokio::task::JoinError> for WorkflowError {
    fn from(e: tokio::task::JoinError) -> Self {
        WorkflowError::internal("a blocking task failed", e)
    }
}

impl From<WorkflowError> for ApiError {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::NotEntitled(why) => ApiError::Forbidden(why),
            WorkflowError::Rule(why) => ApiError::Refused(why),
            WorkflowError::State(why) => ApiError::Conflict(why),
            WorkflowError::Unsettled { message, unsettled } => ApiError::Unsettled { message, unsettled },
            WorkflowError::Invalid(why) => ApiError::Unprocessable(why),
            WorkflowError::Missing(what) => ApiError::NotFound(what),
            WorkflowError::Unavailable => ApiError::Unavailable,
            WorkflowError::Store(e) => e.into(),
            WorkflowError::Internal => ApiError::Internal,
        }
    }
}
