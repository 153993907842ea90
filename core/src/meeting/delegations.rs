//! Names of the delegations, for exports: a Word tracked change is authored by
//! "Mexico" / "México", not by "MX".

use std::collections::HashMap;

use serde::Deserialize;

use crate::ids::{Country, Lang};
use crate::schema::Bilingual;

/// The member states of both conferences and the observers, as shipped in
/// `data/delegations.json`.
const DELEGATIONS: &str = include_str!("../../../data/delegations.json");

#[derive(Deserialize)]
struct Entry {
    code: String,
    en: String,
    es: String,
}

#[derive(Deserialize)]
struct File {
    rcm: Vec<Entry>,
    sacm: Vec<Entry>,
    #[serde(default)]
    observers: Vec<Entry>,
}

/// Country code → name in both languages.
#[derive(Debug, Clone, Default)]
pub struct CountryNames(HashMap<Country, Bilingual<String>>);

/// The code the technical secretariat signs with: no delegation, but it proposes like one.
pub const SECRETARIAT: &str = "SEC";

impl CountryNames {
    /// The delegations shipped with Pluma.
    pub fn builtin() -> CountryNames {
        // The file is part of the source tree and checked by a test; should it ever not
        // parse, names fall back to codes rather than failing an export.
        CountryNames::from_json(DELEGATIONS).unwrap_or_default()
    }

    /// Reads names from a file shaped like `data/delegations.json`.
    pub fn from_json(json: &str) -> Result<CountryNames, serde_json::Error> {
        let file: File = serde_json::from_str(json)?;
        let mut map = HashMap::new();
        for e in file.rcm.into_iter().chain(file.sacm).chain(file.observers) {
            if let Ok(code) = e.code.parse::<Country>() {
                map.insert(code, Bilingual { en: e.en, es: e.es });
            }
        }
        if let Ok(code) = SECRETARIAT.parse::<Country>() {
            map.insert(code, Bilingual { en: "Technical Secretariat".into(), es: "Secretaría Técnica".into() });
        }
        Ok(CountryNames(map))
    }

    /// A country's name in a language; its code when unknown.
    pub fn name(&self, country: &Country, lang: Lang) -> String {
        self.0.get(country).map_or_else(|| country.as_str().to_owned(), |n| n.get(lang).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_parses_with_every_member() {
        let names = CountryNames::from_json(DELEGATIONS).expect("data/delegations.json parses");
        assert_eq!(names.name(&"MX".parse().unwrap(), Lang::Es), "México");
        assert_eq!(names.name(&"AR".parse().unwrap(), Lang::En), "Argentina");
        assert_eq!(names.name(&"ZZ".parse().unwrap(), Lang::En), "ZZ");
        assert_eq!(names.name(&SECRETARIAT.parse().unwrap(), Lang::Es), "Secretaría Técnica");
        assert!(names.0.len() >= 23);
    }
}
