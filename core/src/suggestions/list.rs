//! Reading the pending proposals of a text: listed in reading order, and the countries
//! with a proposal pending in a text.

use std::collections::{BTreeMap, BTreeSet};

use super::Suggestion;
use crate::Result;
use crate::ids::{Country, Lang, ParagraphId, SuggestionId};
use crate::schema::SuggestionKind;
use crate::view::{DraftView, TrackedRun};

impl<'a> DraftView<'a> {
    /// Every pending proposal, in reading order of paragraphs, English before Spanish, then
    /// by position.
    pub fn suggestions(&self) -> Result<Vec<Suggestion>> {
        let mut out = Vec::new();
        for id in self.paragraph_ids()? {
            for lang in Lang::ALL {
                out.extend(self.paragraph_suggestions(&id, lang)?);
            }
        }
        Ok(out)
    }

    /// The pending proposals in one text, by position.
    pub fn paragraph_suggestions(&self, id: &ParagraphId, lang: Lang) -> Result<Vec<Suggestion>> {
        let obj = self.text_obj(id, lang)?;
        let tracked = self.tracked_runs(&obj)?;
        if tracked.is_empty() {
            return Ok(Vec::new());
        }
        let chars: Vec<char> = self.text_of(&obj)?.chars().collect();
        // Group runs by (kind, country, id), keeping first-seen order by start position.
        let mut groups: BTreeMap<(SuggestionKind, Country, SuggestionId), Suggestion> = BTreeMap::new();
        for TrackedRun { name, value, start, end } in tracked {
            let end = end.min(chars.len());
            if start >= end {
                continue;
            }
            let key = (name.kind, name.country.clone(), value.id.clone());
            let s = groups.entry(key).or_insert_with(|| Suggestion {
                id: value.id.clone(),
                country: name.country.clone(),
                user: value.user.clone(),
                at: value.at,
                kind: name.kind,
                paragraph: id.clone(),
                lang,
                ranges: Vec::new(),
                text: String::new(),
            });
            match s.ranges.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => s.ranges.push((start, end)),
            }
        }
        let mut list: Vec<Suggestion> = groups
            .into_values()
            .map(|mut s| {
                s.ranges.sort_unstable();
                s.text = s.ranges.iter().flat_map(|&(a, b)| chars[a..b].iter()).collect();
                s
            })
            .collect();
        list.sort_by(|a, b| (a.span(), a.kind, &a.country).cmp(&(b.span(), b.kind, &b.country)));
        Ok(list)
    }

    /// The countries with at least one pending proposal in one text.
    pub fn pending_countries(&self, id: &ParagraphId, lang: Lang) -> Result<BTreeSet<Country>> {
        let obj = self.text_obj(id, lang)?;
        Ok(self.tracked_runs(&obj)?.into_iter().map(|r| r.name.country).collect())
    }
}
