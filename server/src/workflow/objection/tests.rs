use super::*;
use crate::workflow::test_records::{self, user};

const DEADLINE: i64 = 1_638_313_200_000;

fn silence(state: SilenceState, outcome: Option<&str>) -> SilenceRecord {
    test_records::silence(state, DEADLINE, outcome)
}

fn refusal(workflow: &WorkflowRecord, now: i64) -> String {
    match running(workflow, now) {
        Err(WorkflowError::State(why)) => why,
        other => panic!("{other:?}"),
    }
}

/// Delegates and chairs object for their delegation; observers, the secretariat and
/// administrators do not.
#[test]
fn only_delegations_object() {
    let who = user;
    assert_eq!(objector(&who(Role::Delegate, Some("PE"))).unwrap().as_str(), "PE");
    assert_eq!(objector(&who(Role::Chair, Some("MX"))).unwrap().as_str(), "MX");
    for role in [Role::Observer, Role::Secretariat, Role::Admin] {
        assert!(matches!(objector(&who(role, Some("IOM"))), Err(WorkflowError::NotEntitled(_))));
    }
}

/// An objection breaks a procedure strictly before its deadline; at the deadline, after an
/// adoption or a lapse, or with no procedure, the refusal says which.
#[test]
fn an_objection_needs_a_running_procedure_before_its_deadline() {
    let mut workflow = WorkflowRecord::default();
    assert_eq!(refusal(&workflow, 0), "no silence procedure is running for this draft");
    workflow.silences.push(silence(SilenceState::Running, None));
    assert!(running(&workflow, DEADLINE - 1).is_ok());
    assert!(refusal(&workflow, DEADLINE).starts_with("the deadline passed at 2021-11-30 23:00 UTC"));
    workflow.silences[0] = silence(SilenceState::Adopted, Some("adopted"));
    assert_eq!(refusal(&workflow, DEADLINE), "the deadline passed at 2021-11-30 23:00 UTC: objections are no longer accepted (adopted)");
    workflow.silences[0] = silence(SilenceState::Broken, None);
    assert!(refusal(&workflow, 0).starts_with("no silence procedure is running: the last one ended"));
}
