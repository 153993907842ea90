//! Which activity entries concern a delegation, and which of an entry's events to show it.
//!
//! An entry concerns a delegation when the delegation acted (the entry's `country`), when
//! the entry names it (an event or detail with `"country": "PE"`), when it touches an
//! alternative formulation the delegation proposed or co-sponsors, or when it is
//! meeting-wide: paragraph status, approvals and their voiding, silence procedures,
//! adoption, and alternatives adopted by a chair. Pure: the route supplies the owners of
//! the draft's alternatives.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::store::AuditRecord;

/// Actions every delegation is told of, whoever acted.
pub const MEETING_WIDE: &[&str] = &[
    "paragraph_status_changed",
    "approval_given",
    "approval_voided",
    "draft_adopted",
    "adoption_refused",
    "silence_proposed",
    "silence_agreed",
    "silence_started",
    "silence_broken",
    "silence_lapsed",
];

/// Events inside a change that every delegation is told of.
const MEETING_WIDE_EVENTS: &[&str] = &["status_changed", "paragraph_added", "paragraph_removed"];

/// Alternative id → the countries that proposed or co-sponsor it.
pub type Owners = HashMap<String, HashSet<String>>;

/// Whether answering for `country` needs the owners of the draft's alternatives: an entry
/// by another delegation carries an alternative event that is not an adoption.
pub fn needs_owners(entries: &[AuditRecord], country: &str) -> bool {
    entries.iter().any(|e| {
        e.country.as_deref() != Some(country)
            && events(e).any(|ev| ev["event"] == "alternative" && ev["action"] != "adopted" && ev["action"] != "unadopted")
    })
}

/// The entry as `country` sees it, or `None` when it does not concern that delegation.
/// Entries by others that carry several events keep only the events that concern it.
pub fn narrow(entry: &AuditRecord, country: &str, owners: &Owners) -> Option<AuditRecord> {
    if entry.country.as_deref() == Some(country) || MEETING_WIDE.contains(&entry.action.as_str()) {
        return Some(entry.clone());
    }
    let Some(list) = entry.detail.get("events").and_then(Value::as_array) else {
        return names(&entry.detail, country).then(|| entry.clone());
    };
    let kept: Vec<Value> = list.iter().filter(|ev| event_concerns(ev, country, owners)).cloned().collect();
    if kept.is_empty() {
        return None;
    }
    let mut out = entry.clone();
    out.detail["events"] = Value::Array(kept);
    Some(out)
}

fn events(entry: &AuditRecord) -> impl Iterator<Item = &Value> {
    entry.detail.get("events").and_then(Value::as_array).into_iter().flatten()
}

fn event_concerns(ev: &Value, country: &str, owners: &Owners) -> bool {
    let kind = ev["event"].as_str().unwrap_or("");
    if MEETING_WIDE_EVENTS.contains(&kind) {
        return true;
    }
    if kind == "alternative" {
        let action = ev["action"].as_str().unwrap_or("");
        return action == "adopted"
            || action == "unadopted"
            || ev["alternative"].as_str().and_then(|a| owners.get(a)).is_some_and(|o| o.contains(country));
    }
    names(ev, country)
}

/// Whether a JSON value has a `country` key equal to `country`, at any depth.
fn names(v: &Value, country: &str) -> bool {
    match v {
        Value::Object(map) => map.iter().any(|(k, x)| (k == "country" && x.as_str() == Some(country)) || names(x, country)),
        Value::Array(list) => list.iter().any(|x| names(x, country)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(country: Option<&str>, action: &str, detail: Value) -> AuditRecord {
        AuditRecord {
            id: 1,
            at: 0,
            user: None,
            country: country.map(str::to_owned),
            draft: Some("d1".into()),
            action: action.into(),
            detail,
        }
    }

    /// A delegation sees its own entries, meeting-wide ones, and events naming it; an
    /// accepted batch by a chair keeps only the events that concern the reader.
    #[test]
    fn entries_are_narrowed_to_the_reader() {
        let none = Owners::new();
        assert!(narrow(&entry(Some("PE"), "changes_accepted", json!({"events": []})), "PE", &none).is_some());
        assert!(narrow(&entry(None, "silence_lapsed", json!({})), "PE", &none).is_some());
        assert!(narrow(&entry(Some("MX"), "draft_adopted", json!({})), "PE", &none).is_some());
        assert!(
            narrow(&entry(Some("US"), "changes_accepted", json!({"events": [{"event": "proposal_made", "country": "US"}]})), "PE", &none)
                .is_none()
        );
        assert!(narrow(&entry(None, "concordance_confirmed", json!({"paragraph": "p1"})), "PE", &none).is_none());
        let batch = entry(
            Some("AR"),
            "proposals_accepted",
            json!({"events": [
                {"event": "proposal_accepted", "country": "US"},
                {"event": "proposal_accepted", "country": "PE"},
            ]}),
        );
        let seen = narrow(&batch, "PE", &none).unwrap();
        assert_eq!(seen.detail["events"], json!([{"event": "proposal_accepted", "country": "PE"}]));
        assert_eq!(narrow(&batch, "AR", &none).unwrap(), batch);
    }

    /// Alternatives concern their proposer and sponsors; an adoption concerns everyone.
    #[test]
    fn alternatives_concern_their_sponsors() {
        let cosponsor = entry(
            Some("AR"),
            "changes_accepted",
            json!({"events": [{"event": "alternative", "alternative": "a1", "action": "cosponsored"}]}),
        );
        let owners: Owners = [("a1".to_owned(), ["US", "AR"].into_iter().map(str::to_owned).collect())].into_iter().collect();
        assert!(needs_owners(std::slice::from_ref(&cosponsor), "US"));
        assert!(!needs_owners(std::slice::from_ref(&cosponsor), "AR"));
        assert!(narrow(&cosponsor, "US", &owners).is_some());
        assert!(narrow(&cosponsor, "PE", &owners).is_none());
        let adopted =
            entry(Some("MX"), "changes_accepted", json!({"events": [{"event": "alternative", "alternative": "a1", "action": "adopted"}]}));
        assert!(!needs_owners(std::slice::from_ref(&adopted), "PE"));
        assert!(narrow(&adopted, "PE", &Owners::new()).is_some());
    }
}
