//! [`Role`]: what a person may do in a meeting (ARCHITECTURE §1). One type for the
//! permission rules, the server's accounts and its API.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::IdError;

/// What a person may do (ARCHITECTURE §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An official of one member state: proposes, comments.
    Delegate,
    /// An official of a Pro-Tempore Presidency: edits, decides, approves.
    Chair,
    /// The technical secretariat, pen-holder: edits, decides, no approval.
    Secretariat,
    /// IOM, UNHCR and other observers: read and comment.
    Observer,
    /// Runs the installation: users and meetings, no drafting.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [Role::Delegate, Role::Chair, Role::Secretariat, Role::Observer, Role::Admin];

    /// The name stored in the database and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Delegate => "delegate",
            Role::Chair => "chair",
            Role::Secretariat => "secretariat",
            Role::Observer => "observer",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may create drafts.
    pub fn may_create_drafts(self) -> bool {
        matches!(self, Role::Chair | Role::Secretariat | Role::Admin)
    }

    /// Whether this role decides on proposals (accepts, rejects, edits directly).
    pub(crate) fn decides(self) -> bool {
        matches!(self, Role::Chair | Role::Secretariat)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| IdError::new("role", s, "one of delegate, chair, secretariat, observer, admin"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every role reads back from the name it prints; other names are refused.
    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{role}\""));
        }
        assert!("Chair".parse::<Role>().is_err());
    }
}
