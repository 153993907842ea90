//! Aligning two sequences of numbered tokens: Patience (anchors on tokens that occur once
//! on each side, in the same order), with Myers for stretches without such a token; and the
//! hash used to number tokens.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use similar::{Algorithm, DiffTag};

/// FNV-1a: tokens and ids are short, and a comparison hashes each one often. Its keys are
/// words and ids written by signed-in participants; keys made to collide could slow one
/// comparison down, nothing more.
#[derive(Default)]
pub(crate) struct Fnv(u64);

/// A hash map with [`Fnv`].
pub(crate) type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
/// A hash set with [`Fnv`].
pub(crate) type FnvSet<K> = std::collections::HashSet<K, BuildHasherDefault<Fnv>>;

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Gives each distinct key a small number, so the diff compares integers.
pub(crate) fn intern<'t>(keys: impl Iterator<Item = &'t str>, table: &mut HashMap<&'t str, u32, BuildHasherDefault<Fnv>>, ids: &mut [u32]) {
    for (k, id) in keys.zip(ids) {
        let next = u32::try_from(table.len()).unwrap_or(u32::MAX);
        *id = *table.entry(k).or_insert(next);
    }
}

/// Where each token id occurs in the ranges being aligned: counts and last index per side.
#[derive(Clone, Copy, Default)]
pub(crate) struct Seen {
    old: u32,
    old_at: usize,
    new: u32,
    new_at: usize,
}

/// Patience alignment of `old[o]` with `new[n]`: tokens that occur once on each side anchor
/// the alignment (the longest run of them in the same order), and the stretches between
/// anchors are aligned the same way; a stretch with no such token is aligned by Myers.
/// Appends (equal?, old range, new range) steps in order.
pub(crate) fn patience(
    old: &[u32],
    new: &[u32],
    mut o: Range<usize>,
    mut n: Range<usize>,
    seen: &mut [Seen],
    out: &mut Vec<(bool, Range<usize>, Range<usize>)>,
) {
    let prefix = o.clone().zip(n.clone()).take_while(|&(i, j)| old[i] == new[j]).count();
    if prefix > 0 {
        out.push((true, o.start..o.start + prefix, n.start..n.start + prefix));
        o.start += prefix;
        n.start += prefix;
    }
    let suffix = o.clone().rev().zip(n.clone().rev()).take_while(|&(i, j)| old[i] == new[j]).count();
    let tail = (o.end - suffix..o.end, n.end - suffix..n.end);
    o.end -= suffix;
    n.end -= suffix;
    if o.is_empty() || n.is_empty() {
        if !(o.is_empty() && n.is_empty()) {
            out.push((false, o, n));
        }
    } else {
        for i in o.clone() {
            let s = &mut seen[old[i] as usize];
            s.old += 1;
            s.old_at = i;
        }
        for j in n.clone() {
            let s = &mut seen[new[j] as usize];
            s.new += 1;
            s.new_at = j;
        }
        // Unique on both sides, in the newer text's order: (old index, new index); and
        // whether the two sides share any token at all.
        let mut shared = false;
        let pairs: Vec<(usize, usize)> = n
            .clone()
            .filter_map(|j| {
                let s = seen[new[j] as usize];
                shared |= s.old > 0;
                (s.old == 1 && s.new == 1).then_some((s.old_at, j))
            })
            .collect();
        for i in o.clone() {
            seen[old[i] as usize] = Seen::default();
        }
        for j in n.clone() {
            seen[new[j] as usize] = Seen::default();
        }
        let anchors = increasing(&pairs);
        if !shared {
            // Nothing in common (a word replaced by another): one change.
            out.push((false, o, n));
        } else if anchors.is_empty() {
            for op in similar::capture_diff_slices(Algorithm::Myers, &old[o.clone()], &new[n.clone()]) {
                let (tag, a, b) = op.as_tag_tuple();
                out.push((tag == DiffTag::Equal, o.start + a.start..o.start + a.end, n.start + b.start..n.start + b.end));
            }
        } else {
            let (mut i, mut j) = (o.start, n.start);
            for (ai, aj) in anchors {
                patience(old, new, i..ai, j..aj, seen, out);
                out.push((true, ai..ai + 1, aj..aj + 1));
                (i, j) = (ai + 1, aj + 1);
            }
            patience(old, new, i..o.end, j..n.end, seen, out);
        }
    }
    if suffix > 0 {
        out.push((true, tail.0, tail.1));
    }
}

/// The longest subsequence of `pairs` (ordered by new index) whose old indices increase.
fn increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // Patience sorting: `tops[k]` is the pair ending the best run of length k + 1 so far.
    let mut tops: Vec<usize> = Vec::new();
    let mut back: Vec<Option<usize>> = Vec::with_capacity(pairs.len());
    for (p, &(old_at, _)) in pairs.iter().enumerate() {
        let k = tops.partition_point(|&t| pairs[t].0 < old_at);
        back.push(k.checked_sub(1).map(|k| tops[k]));
        if k == tops.len() {
            tops.push(p);
        } else {
            tops[k] = p;
        }
    }
    let mut out = Vec::with_capacity(tops.len());
    let mut at = tops.last().copied();
    while let Some(p) = at {
        out.push(pairs[p]);
        at = back[p];
    }
    out.reverse();
    out
}
