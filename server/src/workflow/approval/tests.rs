use super::*;
use crate::model::Role;
use crate::workflow::test_records::{adoption, user};

fn countries(list: &[&str]) -> Vec<Country> {
    list.iter().map(|c| c.parse().unwrap()).collect()
}

/// Only a chair of one of the meeting's Presidencies approves, for their delegation; a
/// draft of no meeting with Presidencies cannot be approved by anyone, which is a matter
/// of the draft (409), not of the person (403), except for people who could never approve.
#[test]
fn only_a_chair_of_a_presidency_approves() {
    let ppt = countries(&["AR", "MX"]);
    assert_eq!(approver(&user(Role::Chair, Some("MX")), &ppt).unwrap().as_str(), "MX");
    for who in
        [user(Role::Chair, Some("PE")), user(Role::Delegate, Some("MX")), user(Role::Secretariat, Some("SEC")), user(Role::Admin, None)]
    {
        assert!(matches!(approver(&who, &ppt), Err(WorkflowError::NotEntitled(ONLY_PPT_CHAIRS))), "{who:?}");
    }
    assert!(matches!(approver(&user(Role::Chair, Some("MX")), &[]), Err(WorkflowError::State(_))));
    assert!(matches!(approver(&user(Role::Delegate, Some("MX")), &[]), Err(WorkflowError::NotEntitled(_))));
}

/// Heads read in another order are the same text; other heads are refused naming the
/// current ones; no heads given means the text as it stands.
#[test]
fn an_approval_is_of_the_text_the_chair_read() {
    let heads = vec!["a".to_owned(), "b".to_owned()];
    assert!(check_read(None, &heads).is_ok());
    assert!(check_read(Some(&["b".to_owned(), "a".to_owned()]), &heads).is_ok());
    let Err(WorkflowError::State(why)) = check_read(Some(&["a".to_owned()]), &heads) else { panic!("other heads were accepted") };
    assert!(why.contains("a b"), "{why}");
}

/// An adopted text is not approved again: the refusal names the date and fingerprint.
#[test]
fn an_adopted_text_is_not_approved_again() {
    let mut workflow = WorkflowRecord::default();
    assert!(check_not_adopted(&workflow).is_ok());
    workflow.adoption = Some(adoption("f00d", 1_638_313_200_000));
    let Err(WorkflowError::State(why)) = check_not_adopted(&workflow) else { panic!("an adopted text was approved") };
    assert!(why.contains("2021-11-30 23:00 UTC") && why.contains("f00d"), "{why}");
}
