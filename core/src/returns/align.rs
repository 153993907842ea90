//! Which characters of the returned file are the exported ones: the two streams compared
//! word by word (a word is a run of letters and digits; every other character, paragraph
//! ends included, stands alone), so an edit replaces whole words as a person sees it.
//!
//! The returned stream compared is its *base*: every character except those of tracked
//! insertions the export did not write (those are placed by where they sit among the
//! base's characters) and the meta lines under the title.

use std::collections::HashMap;

use similar::{Algorithm, DiffOp};

/// The result of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alignment {
    /// For each exported character, the returned character it is (an index into the
    /// returned stream), or `None` if the returned file no longer has it.
    pub x_to_r: Vec<Option<usize>>,
    /// For each returned character, the exported character it is, if any.
    pub r_to_x: Vec<Option<usize>>,
    /// For each returned character, how many exported characters come before it: where an
    /// inserted one goes. (For a matched one, its own exported index.)
    pub gap: Vec<usize>,
}

/// Cuts characters into words and single other characters, as ranges.
fn words(chars: &[char]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        if chars[i].is_alphanumeric() {
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
        } else {
            i += 1;
        }
        out.push(start..i);
    }
    out
}

/// Compares the exported characters `x` with the returned ones `r`, of which only those
/// with `base[i]` take part (the others are placed by their neighbours). Past `deadline`,
/// the comparison finishes faster and less exactly.
pub fn align(x: &[char], r: &[char], base: &[bool], deadline: Option<std::time::Instant>) -> Alignment {
    let base_index: Vec<usize> = (0..r.len()).filter(|&i| base[i]).collect();
    let base_chars: Vec<char> = base_index.iter().map(|&i| r[i]).collect();
    let (xw, rw) = (words(x), words(&base_chars));
    let mut interned: HashMap<String, u32> = HashMap::new();
    let mut intern = |chars: &[char], w: &std::ops::Range<usize>| {
        let key: String = chars[w.clone()].iter().collect();
        let next = interned.len() as u32;
        *interned.entry(key).or_insert(next)
    };
    let xs: Vec<u32> = xw.iter().map(|w| intern(x, w)).collect();
    let rs: Vec<u32> = rw.iter().map(|w| intern(&base_chars, w)).collect();
    let mut x_to_r = vec![None; x.len()];
    let mut r_to_x = vec![None; r.len()];
    for op in similar::capture_diff_slices_deadline(Algorithm::Myers, &xs, &rs, deadline) {
        if let DiffOp::Equal { old_index, new_index, len } = op {
            for k in 0..len {
                let (xr, rr) = (&xw[old_index + k], &rw[new_index + k]);
                for (xi, bi) in xr.clone().zip(rr.clone()) {
                    x_to_r[xi] = Some(base_index[bi]);
                    r_to_x[base_index[bi]] = Some(xi);
                }
            }
        }
    }
    let mut gap = Vec::with_capacity(r.len());
    let mut next = 0;
    for m in &r_to_x {
        match m {
            Some(xi) => {
                gap.push(*xi);
                next = xi + 1;
            }
            None => gap.push(next),
        }
    }
    Alignment { x_to_r, r_to_x, gap }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// A replaced word is unmatched whole; a character left out of the base sits where its
    /// neighbours put it.
    #[test]
    fn words_are_matched_whole() {
        let x = chars("We agree on safe migration.");
        let r = chars("We agree on orderly migration.");
        let a = align(&x, &r, &vec![true; r.len()], None);
        assert_eq!(a.x_to_r[0], Some(0));
        assert_eq!(a.x_to_r[12], None, "safe is gone");
        assert_eq!(a.r_to_x[12], None, "orderly is new");
        assert_eq!(a.gap[12], 12, "and goes where safe was");
        assert_eq!(a.x_to_r[17], Some(20));

        let r = chars("We XXagree");
        let base: Vec<bool> = (0..r.len()).map(|i| !(3..5).contains(&i)).collect();
        let a = align(&chars("We agree"), &r, &base, None);
        assert_eq!((a.gap[3], a.gap[4]), (3, 3));
        assert_eq!(a.x_to_r[3], Some(5));
    }
}
