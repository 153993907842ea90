#![allow(clippy::unwrap_used)]
#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{para, stamp};
use pluma_core::delegations::CountryNames;
use pluma_core::export::ExportInfo;
use pluma_core::export::docx::DocxMode;
use pluma_core::returns::{self, ApplyOptions, ReadOptions, ReturnLimits};
use pluma_core::rules::{Role, Who};
use pluma_core::{Bilingual, Draft, DraftKind, Lang, ParagraphKind, Stamp};
use std::collections::HashSet;

fn world() -> Draft {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let pp1 = d.insert_paragraph(0, para(ParagraphKind::Preamble, "Recognizing the value of cooperation,")).unwrap();
    let op1 = d.insert_paragraph(1, para(ParagraphKind::Operative, "We agree on safe migration.")).unwrap();
    let op2 = d.insert_paragraph(2, para(ParagraphKind::Operative, "We call on states to share data.")).unwrap();
    let op3 = d.insert_paragraph(3, para(ParagraphKind::Operative, "We thank the hosts.")).unwrap();
    d.suggest_insert(&op1, Lang::En, 8, " fully", &stamp("MX")).unwrap();
    d.suggest_delete(&op2, Lang::En, 8, 10, &stamp("AR")).unwrap();
    d.create_thread(&pp1, Lang::En, 0, 11, "Welcoming?", &stamp("BR")).unwrap();
    d.propose_paragraph(Some(&op2), para(ParagraphKind::Operative, "We welcome data."), &stamp("US")).unwrap();
    d.suggest_insert(&op3, Lang::En, 16, " in Buenos Aires", &stamp("MX")).unwrap();
    d.propose_paragraph_deletion(&op3, &stamp("MX")).unwrap();
    d.propose_paragraph_move(&pp1, Some(&op1), &stamp("CL")).unwrap();
    d.commit();
    d
}

#[test]
fn write() {
    let mut d = world();
    std::fs::write("/tmp/wr/draft.bin", d.save()).unwrap();
    for lang in Lang::ALL {
        for (mode, m) in [(DocxMode::Clean, "clean"), (DocxMode::Tracked, "tracked")] {
            let f =
                d.export_docx_from(None, lang, &ExportInfo::default(), mode, &CountryNames::builtin(), Some("d0123456789abcdef")).unwrap();
            std::fs::write(format!("/tmp/wr/{lang}-{m}.docx"), f).unwrap();
        }
    }
}

#[test]
fn read() {
    let bytes = std::fs::read("/tmp/wr/draft.bin").unwrap();
    let file = std::fs::read(std::env::var("FILE").unwrap()).unwrap();
    let mut draft = Draft::load(&bytes).unwrap();
    let pe: pluma_core::Country = "PE".parse().unwrap();
    let candidates = vec![draft.heads()];
    let limits = ReturnLimits::default();
    let names = CountryNames::builtin();
    let opts = ReadOptions { draft_id: None, country: &pe, names: &names, limits: &limits, candidates: &candidates, deadline: None };
    let plan = returns::read(&mut draft, &file, &opts).unwrap();
    println!("{:#?}", plan.items);
    let by = Stamp { at: 1, ..stamp("PE") };
    let who = Who { user: by.user.clone(), role: Role::Delegate, country: Some(by.country.clone()) };
    let mut draft = Draft::load(&bytes).unwrap();
    let applied = returns::apply(&mut draft, &plan, &ApplyOptions { by: &by, who: &who, skip: &HashSet::new() }).unwrap();
    println!("{}", serde_json::to_string_pretty(&applied.report).unwrap());
}
