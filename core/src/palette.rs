//! The delegations' colours, one source for the web client and the exports:
//! `data/palette.json`, one colour per country code (the delegations of the meeting, the
//! observers, and the Technical Secretariat's neutral grey). Its bounds (CIEDE2000 distance,
//! WCAG contrast) are checked by the tests here, with the arithmetic in [`colour`].

pub mod colour;

use std::sync::OnceLock;

use serde::Deserialize;

use crate::ids::Country;

/// The palette as shipped.
const PALETTE: &str = include_str!("../../data/palette.json");

/// How far apart (CIEDE2000) any two colours of the palette are at least.
pub const MIN_DISTANCE: f64 = 10.0;

/// The WCAG AA contrast every colour keeps with the backgrounds it is used on.
pub const MIN_CONTRAST: f64 = 4.5;

#[derive(Debug, Clone, Deserialize)]
struct Entry {
    code: String,
    colour: String,
}

/// Country code → colour, with the tint of highlights and the body text's colour.
#[derive(Debug, Clone, Deserialize)]
pub struct Palette {
    /// The opacity of a colour over white behind highlighted (proposed) text.
    pub tint: f64,
    /// The body text's colour, which sits on the tints.
    pub ink: String,
    colours: Vec<Entry>,
}

impl Palette {
    /// The palette shipped in `data/palette.json` (parsed once; a test proves it parses, so
    /// an empty palette here would only mean every code takes the fallback grey).
    pub fn builtin() -> &'static Palette {
        static BUILTIN: OnceLock<Palette> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Palette::from_json(PALETTE).unwrap_or_else(|_| Palette { tint: 0.12, ink: "#1d2433".into(), colours: Vec::new() })
        })
    }

    /// Reads a palette shaped like `data/palette.json`.
    pub fn from_json(json: &str) -> Result<Palette, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The colour (`#rrggbb`) of a code listed in the palette.
    pub fn colour_of(&self, code: &str) -> Option<&str> {
        self.colours.iter().find(|e| e.code == code).map(|e| e.colour.as_str())
    }

    /// Every code with its colour, in the file's order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.colours.iter().map(|e| (e.code.as_str(), e.colour.as_str()))
    }

    /// The colour of each country of a page, in the order given: a listed code its own; a
    /// code not listed the first colour that no country of the page has (so two countries
    /// of one page never share a colour while the palette lasts), grey after that.
    pub fn colours_for<'a, 'p>(&'p self, countries: impl IntoIterator<Item = &'a Country>) -> Vec<(&'a Country, &'p str)> {
        let countries: Vec<&Country> = countries.into_iter().collect();
        let mut taken: Vec<&str> = countries.iter().filter_map(|c| self.colour_of(c.as_str())).collect();
        countries
            .into_iter()
            .map(|c| {
                let colour = self.colour_of(c.as_str()).unwrap_or_else(|| {
                    let free = self.colours.iter().map(|e| e.colour.as_str()).find(|col| !taken.contains(col)).unwrap_or(FALLBACK);
                    taken.push(free);
                    free
                });
                (c, colour)
            })
            .collect()
    }
}

/// The colour of a country past the palette's end.
const FALLBACK: &str = "#5f6368";

#[cfg(test)]
mod tests {
    use super::colour::{Rgb, ciede2000};
    use super::*;
    use crate::meeting::delegations::SECRETARIAT;

    /// The codes of every delegation and observer of the meeting, and the secretariat.
    fn meeting_codes() -> Vec<String> {
        let file: serde_json::Value = serde_json::from_str(include_str!("../../data/delegations.json")).unwrap();
        let mut codes: Vec<String> = ["rcm", "sacm", "observers"]
            .iter()
            .flat_map(|k| file[k].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap().to_owned()))
            .collect();
        codes.push(SECRETARIAT.to_owned());
        codes
    }

    /// Every delegation, observer and the secretariat has a colour; any two are at least 10
    /// apart in CIEDE2000; each colour keeps a 4.5:1 contrast with white and with its own
    /// tint, and the body text keeps as much on every tint.
    #[test]
    fn the_meetings_colours_are_told_apart_and_readable() {
        let palette = Palette::from_json(PALETTE).expect("data/palette.json parses");
        let codes = meeting_codes();
        assert!(codes.len() >= 26, "{codes:?}");
        let ink = Rgb::from_hex(&palette.ink).expect("ink is #rrggbb");
        let colours: Vec<(&str, Rgb)> = codes
            .iter()
            .map(|c| {
                let hex = palette.colour_of(c).unwrap_or_else(|| panic!("{c} has no colour"));
                (c.as_str(), Rgb::from_hex(hex).unwrap_or_else(|| panic!("{c}: {hex} is not #rrggbb")))
            })
            .collect();
        for (i, (a, x)) in colours.iter().enumerate() {
            let tint = x.over_white(palette.tint);
            for (bg, name) in [(Rgb::WHITE, "white"), (tint, "its tint")] {
                let ratio = x.contrast(bg);
                assert!(ratio >= MIN_CONTRAST, "{a} {} on {name}: {ratio:.2}", x.to_hex());
            }
            let ratio = ink.contrast(tint);
            assert!(ratio >= MIN_CONTRAST, "text on {a}'s tint: {ratio:.2}");
            for (b, y) in &colours[i + 1..] {
                let d = ciede2000(x.lab(), y.lab());
                assert!(d >= MIN_DISTANCE, "{a} {} and {b} {}: ΔE00 {d:.2}", x.to_hex(), y.to_hex());
            }
        }
    }

    /// A page gives listed codes their own colours and unlisted codes colours no other
    /// country of the page has.
    #[test]
    fn unlisted_codes_take_free_colours() {
        let palette = Palette::builtin();
        let countries: Vec<Country> = ["AR", "QQ", "MX", "QR"].iter().map(|c| c.parse().unwrap()).collect();
        let colours = palette.colours_for(&countries);
        assert_eq!(colours[0].1, palette.colour_of("AR").unwrap());
        assert_eq!(colours[2].1, palette.colour_of("MX").unwrap());
        let mut all: Vec<&str> = colours.iter().map(|c| c.1).collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 4);
    }
}
