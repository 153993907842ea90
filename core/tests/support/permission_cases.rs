//! The role × action catalogue shared by the permission tests: the pure rules
//! (`core/tests/permission_rules.rs`) and the same matrix through the real sync server
//! (`tests/tests/permissions_sync.rs`).
#![allow(dead_code)]

use pluma_core::automerge::ActorId;
use pluma_core::rules::{Role, Rule, Who};
use pluma_core::{
    AlternativeId, Bilingual, Draft, DraftKind, Format, Lang, NewParagraph, ParagraphId, ParagraphKind, Selection, Stamp, Status,
    SuggestionId, ThreadId, UserId,
};

/// The personas: login, role, country.
pub const PERSONAS: [(&str, Role, Option<&str>); 9] = [
    ("mx", Role::Delegate, Some("MX")),
    ("mx2", Role::Delegate, Some("MX")),
    ("ar", Role::Delegate, Some("AR")),
    ("us", Role::Delegate, Some("US")),
    ("pa", Role::Delegate, Some("PA")),
    ("ar-chair", Role::Chair, Some("AR")),
    ("sec", Role::Secretariat, Some("SEC")),
    ("iom", Role::Observer, Some("IOM")),
    ("admin", Role::Admin, None),
];

/// Who each persona is: their user ids come from wherever the test made them.
pub struct Cast {
    people: Vec<(&'static str, Who)>,
}

impl Cast {
    /// User ids `u-<login>`.
    pub fn fixed() -> Cast {
        Cast::with_ids(|login| format!("u-{login}").parse().unwrap())
    }

    /// User ids from `id_of(login)`.
    pub fn with_ids(mut id_of: impl FnMut(&str) -> UserId) -> Cast {
        let people = PERSONAS
            .iter()
            .map(|(login, role, country)| (*login, Who { user: id_of(login), role: *role, country: country.map(|c| c.parse().unwrap()) }))
            .collect();
        Cast { people }
    }

    /// The persona as the rules see them.
    pub fn who(&self, login: &str) -> Who {
        self.people.iter().find(|p| p.0 == login).unwrap().1.clone()
    }

    /// Their stamp on proposals and comments.
    pub fn stamp(&self, login: &str) -> Stamp {
        let w = self.who(login);
        Stamp { user: w.user, country: w.country.unwrap_or_else(|| "XX".parse().unwrap()), at: 1 }
    }
}

/// The draft every action starts from, and its parts.
pub struct Base {
    pub bytes: Vec<u8>,
    pub p1: ParagraphId,
    pub p2: ParagraphId,
    pub p3: ParagraphId,
    pub thread: ThreadId,
    /// Mexico's alternative to p1, co-sponsored by Argentina.
    pub alt: AlternativeId,
    /// A new paragraph Mexico proposes after p1, and its proposal.
    pub mx_new: ParagraphId,
    pub mx_new_proposal: SuggestionId,
    /// The United States' proposal to delete p2.
    pub us_deletion: SuggestionId,
    /// Argentina's proposal to move p1 after p2.
    pub ar_move: SuggestionId,
}

fn para(kind: ParagraphKind, editors: Vec<&str>, en: &str) -> NewParagraph {
    NewParagraph {
        kind,
        section: None,
        editors: editors.into_iter().map(|c| c.parse().unwrap()).collect(),
        text: Bilingual { en: en.into(), es: en.into() },
    }
}

/// Three paragraphs (one with Panama as editor, one agreed), a proposal by Mexico, a
/// deletion proposed by Argentina, a thread opened by Mexico, an alternative to p1
/// proposed by Mexico and co-sponsored by Argentina; and proposals about paragraphs: a new
/// paragraph after p1 by Mexico, the deletion of p2 by the United States, the move of p1
/// after p2 by Argentina.
pub fn base(cast: &Cast) -> Base {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let p1 = d.insert_paragraph(0, para(ParagraphKind::Operative, vec![], "Agree to cooperate closely.")).unwrap();
    let p2 = d.insert_paragraph(1, para(ParagraphKind::Question, vec!["PA"], "What measures work?")).unwrap();
    let p3 = d.insert_paragraph(2, para(ParagraphKind::Operative, vec![], "Agreed text.")).unwrap();
    d.set_status(&p3, Status::Agreed).unwrap();
    d.commit();
    // Mexico proposes " fully"; Argentina proposes cutting "closely"; Mexico opens a thread.
    let mut mx = Draft::load(&d.save()).unwrap();
    mx.set_actor(ActorId::random());
    mx.suggest_insert(&p1, Lang::En, 8, "fully ", &cast.stamp("mx")).unwrap();
    let thread = mx.create_thread(&p1, Lang::En, 0, 5, "Why *agree*?", &cast.stamp("mx")).unwrap();
    let alt = mx
        .propose_alternative(&p1, Bilingual { en: "Agree to work together.", es: "Acuerdan trabajar juntos." }, &cast.stamp("mx"))
        .unwrap();
    mx.commit();
    let mut ar = Draft::load(&mx.save()).unwrap();
    ar.set_actor(ActorId::random());
    let text = ar.text(&p1, Lang::En).unwrap();
    let start = text.find("closely").unwrap();
    ar.suggest_delete(&p1, Lang::En, start, start + 7, &cast.stamp("ar")).unwrap();
    ar.cosponsor_alternative(&p1, &alt, &"AR".parse().unwrap()).unwrap();
    let ar_move = ar.propose_paragraph_move(&p1, Some(&p2), &cast.stamp("ar")).unwrap();
    ar.commit();
    let mut others = Draft::load(&ar.save()).unwrap();
    others.set_actor(ActorId::random());
    let us_deletion = others.propose_paragraph_deletion(&p2, &cast.stamp("us")).unwrap();
    others.commit();
    others.set_actor(ActorId::random());
    let new = para(ParagraphKind::Operative, vec![], "Further agree.");
    let (mx_new, mx_new_proposal) = others.propose_paragraph(Some(&p1), new, &cast.stamp("mx")).unwrap();
    others.commit();
    Base { bytes: others.save(), p1, p2, p3, thread, alt, mx_new, mx_new_proposal, us_deletion, ar_move }
}

/// An action, made by the person of the stamp.
pub type Action = fn(&mut Draft, &Base, &Stamp);

fn suggestion(d: &mut Draft, country: &str) -> pluma_core::SuggestionId {
    d.suggestions().unwrap().into_iter().find(|s| s.country.as_str() == country).unwrap().id
}

/// One kind of change and who may make it.
pub struct Case {
    pub name: &'static str,
    pub action: Action,
    pub allowed: &'static [&'static str],
    /// The rule that refuses delegates, chairs and the secretariat when they are not allowed.
    pub refused_by: Rule,
    /// Whether observers may do it (comments only).
    pub comment: bool,
}

impl Case {
    /// What the rules must answer when `login` makes this change.
    pub fn expected(&self, login: &str) -> Result<(), Rule> {
        let (_, role, _) = PERSONAS.iter().find(|p| p.0 == login).unwrap();
        if self.allowed.contains(&login) {
            Ok(())
        } else if *role == Role::Admin {
            Err(Rule::NoDocumentRights)
        } else if *role == Role::Observer && !self.comment {
            Err(Rule::ObserverCommentsOnly)
        } else {
            Err(self.refused_by)
        }
    }
}

/// Every kind of change.
pub fn cases() -> Vec<Case> {
    [text_cases(), paragraph_cases(), paragraph_decision_cases(), other_cases()].into_iter().flatten().collect()
}

/// Proposals in a text and the decisions on them; direct edits.
fn text_cases() -> Vec<Case> {
    vec![
        Case {
            name: "suggest an insertion",
            action: |d, b, s| drop(d.suggest_insert(&b.p1, Lang::En, 0, "We ", s).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec"],
            refused_by: Rule::DirectEdit,
            comment: false,
        },
        Case {
            name: "suggest a deletion",
            action: |d, b, s| drop(d.suggest_delete(&b.p1, Lang::En, 0, 5, s).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec"],
            refused_by: Rule::DirectEdit,
            comment: false,
        },
        Case {
            name: "direct insertion",
            action: |d, b, _| d.splice(&b.p1, Lang::En, 0, 0, "We ").unwrap(),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::DirectEdit,
            comment: false,
        },
        Case {
            name: "direct deletion",
            action: |d, b, _| d.splice(&b.p1, Lang::Es, 0, 6, "").unwrap(),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::DirectEdit,
            comment: false,
        },
        Case {
            name: "direct edit by a paragraph's editor",
            action: |d, b, _| d.splice(&b.p2, Lang::En, 0, 4, "Which").unwrap(),
            allowed: &["pa", "ar-chair", "sec"],
            refused_by: Rule::DirectEdit,
            comment: false,
        },
        Case {
            name: "accept Mexico's insertion",
            action: |d, _, _| {
                let s = suggestion(d, "MX");
                d.accept(&Selection::Ids(vec![s])).unwrap();
            },
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::AcceptReject,
            comment: false,
        },
        Case {
            name: "reject Mexico's insertion (withdraw, for Mexico)",
            action: |d, _, _| {
                let s = suggestion(d, "MX");
                d.reject(&Selection::Ids(vec![s])).unwrap();
            },
            allowed: &["mx", "mx2", "ar-chair", "sec"],
            refused_by: Rule::AcceptReject,
            comment: false,
        },
        Case {
            name: "accept Argentina's deletion",
            action: |d, _, _| {
                let s = suggestion(d, "AR");
                d.accept(&Selection::Ids(vec![s])).unwrap();
            },
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::AcceptReject,
            comment: false,
        },
        Case {
            name: "reject Argentina's deletion (withdraw, for Argentina)",
            action: |d, _, _| {
                let s = suggestion(d, "AR");
                d.reject(&Selection::Ids(vec![s])).unwrap();
            },
            allowed: &["ar", "ar-chair", "sec"],
            refused_by: Rule::AcceptReject,
            comment: false,
        },
    ]
}

/// A paragraph's fields and place, and proposals about whole paragraphs.
fn paragraph_cases() -> Vec<Case> {
    vec![
        Case {
            name: "set a paragraph's status",
            action: |d, b, _| d.set_status(&b.p1, Status::Bracketed).unwrap(),
            allowed: &["ar-chair"],
            refused_by: Rule::ParagraphFields,
            comment: false,
        },
        Case {
            name: "set a paragraph's editors",
            action: |d, b, _| d.set_editors(&b.p1, &["US".parse().unwrap()]).unwrap(),
            allowed: &["ar-chair"],
            refused_by: Rule::ParagraphFields,
            comment: false,
        },
        Case {
            name: "move a paragraph",
            action: |d, b, _| d.move_paragraph(&b.p2, 0).unwrap(),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "add a paragraph",
            action: |d, _, _| drop(d.insert_paragraph(0, para(ParagraphKind::Operative, vec![], "New.")).unwrap()),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "delete a paragraph",
            action: |d, b, _| d.delete_paragraph(&b.p2).unwrap(),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "propose a new paragraph",
            action: |d, b, s| drop(d.propose_paragraph(Some(&b.p2), para(ParagraphKind::Operative, vec![], "Also."), s).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "propose deleting a paragraph",
            action: |d, b, s| drop(d.propose_paragraph_deletion(&b.p1, s).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "propose moving a paragraph",
            action: |d, b, s| drop(d.propose_paragraph_move(&b.p2, None, s).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "propose deleting an agreed paragraph",
            action: |d, b, s| {
                d.set_status(&b.p3, Status::Open).ok();
                drop(d.propose_paragraph_deletion(&b.p3, s).unwrap());
                d.set_status(&b.p3, Status::Agreed).unwrap();
            },
            allowed: &["ar-chair"],
            refused_by: Rule::AgreedFrozen,
            comment: false,
        },
    ]
}

/// Decisions on proposals about whole paragraphs; concordance.
fn paragraph_decision_cases() -> Vec<Case> {
    vec![
        Case {
            name: "accept Mexico's new paragraph",
            action: |d, b, _| drop(d.accept(&Selection::Ids(vec![b.mx_new_proposal.clone()])).unwrap()),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::AcceptReject,
            comment: false,
        },
        Case {
            name: "reject Mexico's new paragraph (withdraw, for Mexico)",
            action: |d, b, _| drop(d.reject(&Selection::Ids(vec![b.mx_new_proposal.clone()])).unwrap()),
            allowed: &["mx", "mx2", "ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "edit Mexico's new paragraph directly",
            action: |d, b, _| d.splice(&b.mx_new, Lang::En, 0, 7, "Also").unwrap(),
            allowed: &["mx", "mx2", "ar-chair", "sec"],
            refused_by: Rule::DirectEdit,
            comment: false,
        },
        Case {
            name: "accept the United States' deletion of a paragraph",
            action: |d, b, _| drop(d.accept(&Selection::Ids(vec![b.us_deletion.clone()])).unwrap()),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "reject the United States' deletion of a paragraph (withdraw, for the United States)",
            action: |d, b, _| drop(d.reject(&Selection::Ids(vec![b.us_deletion.clone()])).unwrap()),
            allowed: &["us", "ar-chair", "sec"],
            refused_by: Rule::AcceptReject,
            comment: false,
        },
        Case {
            name: "accept Argentina's move",
            action: |d, b, _| drop(d.accept(&Selection::Ids(vec![b.ar_move.clone()])).unwrap()),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "reject Argentina's move (withdraw, for Argentina)",
            action: |d, b, _| drop(d.reject(&Selection::Ids(vec![b.ar_move.clone()])).unwrap()),
            allowed: &["ar", "ar-chair", "sec"],
            refused_by: Rule::ParagraphOrder,
            comment: false,
        },
        Case {
            name: "confirm concordance",
            action: |d, b, _| d.confirm_concordance(&b.p1).unwrap(),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::Concordance,
            comment: false,
        },
    ]
}

/// The title, formatting, agreed paragraphs, comments, alternatives.
fn other_cases() -> Vec<Case> {
    vec![
        Case {
            name: "change the title",
            action: |d, _, _| d.splice_title(Lang::En, 0, 5, "Final").unwrap(),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::Title,
            comment: false,
        },
        Case {
            name: "bold text",
            action: |d, b, _| d.set_format(&b.p1, Lang::En, 0, 5, Format::Strong, true).unwrap(),
            allowed: &["ar-chair", "sec"],
            refused_by: Rule::DirectEdit,
            comment: false,
        },
        Case {
            name: "propose in an agreed paragraph",
            action: |d, b, s| drop(d.suggest_insert(&b.p3, Lang::En, 0, "Not ", s).unwrap()),
            allowed: &["ar-chair"],
            refused_by: Rule::AgreedFrozen,
            comment: false,
        },
        Case {
            name: "open a comment thread",
            action: |d, b, s| drop(d.create_thread(&b.p1, Lang::Es, 0, 5, "Una pregunta", s).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec", "iom"],
            refused_by: Rule::CommentAuthor,
            comment: true,
        },
        Case {
            name: "comment on an agreed paragraph",
            action: |d, b, s| drop(d.create_thread(&b.p3, Lang::En, 0, 6, "Noted", s).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec", "iom"],
            refused_by: Rule::CommentAuthor,
            comment: true,
        },
        Case {
            name: "reply",
            action: |d, b, s| drop(d.reply(&b.thread, "Agreed.", s).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair", "sec", "iom"],
            refused_by: Rule::CommentAuthor,
            comment: true,
        },
        Case {
            name: "edit Mexico's comment",
            action: |d, b, _| {
                let m = d.view().thread(&b.thread).unwrap().messages[0].id.clone();
                d.edit_message(&b.thread, &m, "Why?").unwrap();
            },
            allowed: &["mx"],
            refused_by: Rule::CommentEdit,
            comment: true,
        },
        Case {
            name: "propose an alternative",
            action: |d, b, s| drop(d.propose_alternative(&b.p1, Bilingual { en: "Agree.", es: "Acuerdan." }, s).unwrap()),
            allowed: &["mx", "mx2", "ar", "us", "pa", "ar-chair"],
            refused_by: Rule::AlternativeSponsor,
            comment: false,
        },
        Case {
            name: "add Panama as co-sponsor of Mexico's alternative",
            action: |d, b, _| d.cosponsor_alternative(&b.p1, &b.alt, &"PA".parse().unwrap()).unwrap(),
            allowed: &["pa"],
            refused_by: Rule::AlternativeSponsor,
            comment: false,
        },
        Case {
            name: "withdraw Argentina's sponsorship of Mexico's alternative",
            action: |d, b, _| d.withdraw_sponsorship(&b.p1, &b.alt, &"AR".parse().unwrap()).unwrap(),
            allowed: &["ar", "ar-chair"],
            refused_by: Rule::AlternativeSponsor,
            comment: false,
        },
        Case {
            name: "withdraw Mexico's alternative",
            action: |d, b, _| d.withdraw_sponsorship(&b.p1, &b.alt, &"MX".parse().unwrap()).unwrap(),
            allowed: &["mx", "mx2"],
            refused_by: Rule::AlternativeSponsor,
            comment: false,
        },
        Case {
            name: "adopt Mexico's alternative",
            action: |d, b, _| d.adopt_alternative(&b.p1, &b.alt).unwrap(),
            allowed: &["ar-chair"],
            refused_by: Rule::AlternativeAdopt,
            comment: false,
        },
        Case {
            name: "resolve Mexico's thread",
            action: |d, b, _| d.resolve_thread(&b.thread).unwrap(),
            allowed: &["mx", "mx2", "ar-chair", "sec"],
            refused_by: Rule::ThreadResolve,
            comment: true,
        },
    ]
}
