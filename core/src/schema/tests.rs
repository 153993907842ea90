use super::*;

#[test]
fn track_mark_names_parse() {
    let n = TrackMarkName::parse("ins:MX").unwrap();
    assert_eq!(n.kind, SuggestionKind::Insert);
    assert_eq!(n.country.as_str(), "MX");
    assert_eq!(n.to_name(), "ins:MX");
    assert!(TrackMarkName::parse("strong").is_none());
    assert!(TrackMarkName::parse("ins:mx").is_none());
    assert!(TrackMarkName::parse("upd:MX").is_none());
    let n = TrackMarkName::parse("ins:MX:0a1b").unwrap();
    assert_eq!((n.kind, n.actor.as_deref()), (SuggestionKind::Insert, Some("0a1b")));
    assert_eq!(n.to_name(), "ins:MX:0a1b");
    assert_eq!(TrackMarkName::insertion(&"MX".parse().unwrap(), "0a1b"), n);
    // Only insertions name an actor, and only in lower-case hex.
    assert!(TrackMarkName::parse("del:MX:0a1b").is_none());
    assert!(TrackMarkName::parse("ins:MX:0A1B").is_none());
    assert!(TrackMarkName::parse("ins:MX:0a1").is_none());
    assert!(TrackMarkName::parse("ins:MX:").is_none());
    assert!(TrackMarkName::parse("ins:MX:0a:1b").is_none());
}

#[test]
fn enums_round_trip() {
    for s in Status::ALL {
        assert_eq!(s.as_str().parse::<Status>().unwrap(), *s);
    }
    assert!("closed".parse::<Status>().is_err());
    assert_eq!(serde_json::to_string(&Status::AgreedAdRef).unwrap(), "\"agreed_ad_ref\"");
}
