//! Checks of what people send the API, before any work or storage: every text is clean
//! ([`pluma_core::clean`], so SQLite and PostgreSQL refuse the same input the same way: a
//! U+0000 that PostgreSQL cannot store never reaches it) and within its bound
//! ([`crate::config::InputLimits`]).

use crate::error::ApiError;

/// Refuses (422) a text that holds a character no text may carry, or is longer than
/// `max_chars` characters. `what` names it in the message ("the title").
pub fn text(what: &str, value: &str, max_chars: usize) -> Result<(), ApiError> {
    pluma_core::clean::check(value).map_err(|e| ApiError::Unprocessable(format!("{what}: {e}")))?;
    // Counting stops at the bound: a megabyte-long text costs no more than a short one.
    if value.chars().nth(max_chars).is_some() {
        return Err(ApiError::Unprocessable(format!("{what} is longer than {max_chars} characters")));
    }
    Ok(())
}

/// Like [`text`] for an optional text.
pub fn optional_text(what: &str, value: Option<&str>, max_chars: usize) -> Result<(), ApiError> {
    value.map_or(Ok(()), |v| text(what, v, max_chars))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text at its bound passes; one character more, or a control character, is a 422
    /// naming the field.
    #[test]
    fn bounds_and_cleanliness() {
        assert!(text("the label", "ñandú", 5).is_ok());
        let long = text("the label", "ñandú!", 5).unwrap_err();
        assert!(matches!(&long, ApiError::Unprocessable(m) if m == "the label is longer than 5 characters"), "{long:?}");
        let nul = text("the login", "a\u{0}", 5).unwrap_err();
        assert!(matches!(&nul, ApiError::Unprocessable(m) if m.starts_with("the login: the character U+0000")), "{nul:?}");
        assert!(optional_text("the reason", None, 1).is_ok());
    }
}
