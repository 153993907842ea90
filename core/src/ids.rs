//! Identifiers: small newtypes that validate on parse and print as they were written.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A string did not have the form of the identifier it was parsed as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: {value:?} ({reason})")]
pub struct IdError {
    /// Which kind of identifier was expected (`"country"`, `"paragraph id"`, ...).
    pub kind: &'static str,
    /// The offending input, truncated to 80 characters.
    pub value: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl IdError {
    pub(crate) fn new(kind: &'static str, value: &str, reason: &'static str) -> Self {
        IdError { kind, value: value.chars().take(80).collect(), reason }
    }
}

/// The longest identifier we accept; ids are map keys and appear in every mark value.
const MAX_ID_LEN: usize = 64;

fn check_token(kind: &'static str, s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::new(kind, s, "empty"));
    }
    if s.len() > MAX_ID_LEN {
        return Err(IdError::new(kind, s, "longer than 64 characters"));
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(IdError::new(kind, s, "only ASCII letters, digits, '-' and '_' are allowed"));
    }
    Ok(())
}

/// A fresh random token of 16 lowercase hex digits (64 bits) after a one-letter prefix.
///
/// 64 random bits make a collision between concurrently created ids in one draft
/// vanishingly unlikely (a draft holds thousands of ids, not billions).
fn random_token(prefix: &str) -> String {
    let n: u64 = rand::random();
    format!("{prefix}{n:016x}")
}

macro_rules! token_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A new random id (prefix plus 64 random bits in hex).
            pub fn random() -> Self {
                $name(random_token($prefix))
            }

            /// The id as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                check_token($kind, s)?;
                Ok($name(s.to_owned()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                check_token($kind, &s)?;
                Ok($name(s))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

token_id!(
    /// A paragraph's stable id: the key in `paragraphs` and the entry in `order`.
    ParagraphId,
    "paragraph id",
    "p"
);
token_id!(
    /// An alternative formulation's id: the key in a paragraph's `alternatives`.
    AlternativeId,
    "alternative id",
    "a"
);
token_id!(
    /// A comment thread's id: the key in `threads`.
    ThreadId,
    "thread id",
    "t"
);
token_id!(
    /// One comment message's id inside a thread.
    MessageId,
    "message id",
    "m"
);
token_id!(
    /// A tracked change's id, carried in the value of its `ins:XX`/`del:XX` mark.
    SuggestionId,
    "suggestion id",
    "s"
);
impl SuggestionId {
    /// A new random id that names its proposing delegation: `s<16 hex>-<country>`.
    ///
    /// The rules accept a new proposal only under an id of its own country (or one its
    /// country already uses in the paragraph), so that no delegation can make its text part
    /// of another's proposal and have it decided with it.
    pub fn for_country(country: &Country) -> SuggestionId {
        SuggestionId(format!("{}-{country}", random_token("s")))
    }

    /// The delegation the id names, if it names one ([`SuggestionId::for_country`]).
    pub fn country(&self) -> Option<Country> {
        self.0.rsplit_once('-').and_then(|(_, c)| c.parse().ok())
    }

    /// Whether the id names `country` as [`SuggestionId::for_country`] writes it.
    pub fn names_country(&self, country: &Country) -> bool {
        self.0.strip_suffix(country.as_str()).is_some_and(|rest| rest.ends_with('-'))
    }
}

token_id!(
    /// A person's id as the server knows them (the audit log keeps the person).
    UserId,
    "user id",
    "u"
);

/// A delegation: an ISO 3166 alpha-2 country code (`MX`, `AR`) or an observer's
/// organisation code (`IOM`, `UNHCR`). Two to eight uppercase ASCII letters.
///
/// A country's officials act as one author: marks, colours and bulk actions are per country.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country(String);

impl Country {
    /// The code as written (`"MX"`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Country {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        if !(2..=8).contains(&s.len()) {
            return Err(IdError::new("country", s, "must be 2 to 8 letters"));
        }
        if !s.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(IdError::new("country", s, "must be uppercase ASCII letters"));
        }
        Ok(Country(s.to_owned()))
    }
}

impl TryFrom<String> for Country {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<Country> for String {
    fn from(c: Country) -> String {
        c.0
    }
}

/// The two working languages of the conferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// Both languages, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The key used in the document (`"en"`, `"es"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The other working language.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Lang {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        match s {
            "en" => Ok(Lang::En),
            "es" => Ok(Lang::Es),
            _ => Err(IdError::new("language", s, "must be \"en\" or \"es\"")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_validated() {
        assert!("MX".parse::<Country>().is_ok());
        assert!("UNHCR".parse::<Country>().is_ok());
        assert!("mx".parse::<Country>().is_err());
        assert!("M".parse::<Country>().is_err());
        assert!("M:X".parse::<Country>().is_err());
    }

    #[test]
    fn random_ids_parse_back() {
        let id = ParagraphId::random();
        assert_eq!(id.as_str().parse::<ParagraphId>().unwrap(), id);
        assert!("has space".parse::<ParagraphId>().is_err());
        assert!("".parse::<ThreadId>().is_err());
        assert!("x".repeat(65).parse::<SuggestionId>().is_err());
    }

    /// A proposal id made for a country names it, and parses back.
    #[test]
    fn proposal_ids_name_their_country() {
        let pe: Country = "PE".parse().unwrap();
        let id = SuggestionId::for_country(&pe);
        assert_eq!(id.as_str().parse::<SuggestionId>().unwrap(), id);
        assert!(id.names_country(&pe));
        assert!(!id.names_country(&"MX".parse().unwrap()));
        assert!(!SuggestionId::random().names_country(&pe));
        assert!(!"s00-XPE".parse::<SuggestionId>().unwrap().names_country(&pe));
    }

    #[test]
    fn ids_round_trip_through_json() {
        let c: Country = serde_json::from_str("\"AR\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"AR\"");
        assert!(serde_json::from_str::<Country>("\"ar\"").is_err());
    }
}
