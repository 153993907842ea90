//! The meeting's own content, apart from the document model: its delegations (names and
//! codes, `data/delegations.json`), its agenda parsed from the circulated text, the Concept
//! Note built from that agenda, and drafts made from a zero-draft file (the demo's
//! communiqué). The document model ([`crate::draft`] and the modules beside it) knows
//! nothing of a particular meeting.

pub mod agenda;
pub mod concept_note;
pub mod delegations;
mod zero_draft;
