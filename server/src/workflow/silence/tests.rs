use super::*;

fn proposal(by: &str, consents: &[&str], state: ProposalState) -> SilenceProposalRecord {
    SilenceProposalRecord {
        id: SilenceProposalId::random(),
        draft_id: crate::ids::DraftId::random(),
        heads: vec!["a".into()],
        version_id: None,
        deadline: 1_638_313_200_000,
        concordance_override: None,
        settled_override: None,
        proposed_by: pluma_core::UserId::random(),
        country: by.parse().unwrap(),
        consents: consents.iter().map(|c| c.parse().unwrap()).collect(),
        state,
        silence_id: None,
        proposed_at: 0,
        ended_at: None,
    }
}

/// The other Presidency agrees to a waiting proposal; the proposer, a Presidency that
/// agreed already, and anyone after the proposal started or was replaced are refused
/// (the consent rule named where it is the rule that refuses).
#[test]
fn a_proposal_is_agreed_once_by_each_other_presidency() {
    let mx = "MX".parse().unwrap();
    let ar = "AR".parse().unwrap();
    assert!(check_waiting(&proposal("MX", &["MX"], ProposalState::Proposed), &ar).is_ok());
    let refusal = |p: SilenceProposalRecord, c: &pluma_core::Country| match check_waiting(&p, c) {
        Err(WorkflowError::State(why)) => why,
        other => panic!("{other:?}"),
    };
    assert!(refusal(proposal("MX", &["MX"], ProposalState::Proposed), &mx).starts_with("rule silence-consent: MX proposed it"));
    assert!(refusal(proposal("MX", &["MX", "AR"], ProposalState::Proposed), &ar).starts_with("rule silence-consent: AR already agreed"));
    assert!(refusal(proposal("MX", &["MX"], ProposalState::Started), &ar).contains("already started"));
    assert!(refusal(proposal("MX", &["MX"], ProposalState::Superseded), &ar).contains("newer silence proposal"));
}
