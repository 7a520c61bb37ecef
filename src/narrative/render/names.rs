//! Names for the named: a given name built from syllables and a family
//! epithet from two halves of a place word ("Maren Ashford"), both drawn
//! from mix64 of (run seed, id). No table of who is called what is kept:
//! the same agent of the same run has the same name wherever it is told.
//! The tables are ASCII and short, so a name is always 3..=24 bytes.

use crate::core::rng::mix64;

/// What a name opens on; the empty one lets it open on a vowel.
const ONSETS: [&str; 20] = [
    "", "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "th",
    "st", "el",
];

/// Softer consonants between the vowels inside a name.
const MIDDLES: [&str; 16] = [
    "l", "n", "r", "m", "d", "th", "v", "s", "b", "ld", "nd", "rr", "ll", "g", "k", "w",
];

/// Vowels of a syllable (the plain ones twice, so they come up most).
const VOWELS: [&str; 10] = ["a", "e", "i", "o", "u", "a", "e", "ai", "ea", "o"];

/// What closes a given name (a soft consonant mostly, sometimes nothing).
const ENDINGS: [&str; 16] = [
    "n", "r", "l", "s", "th", "d", "k", "m", "", "", "wyn", "ric", "na", "ra", "lin", "dra",
];

/// First halves of a family epithet.
const FIRSTS: [&str; 40] = [
    "Ash", "Black", "Stone", "Thorn", "Oak", "Raven", "Dell", "Brook", "Wolf", "Iron", "Mill",
    "Fen", "Marsh", "Elder", "Frost", "Hazel", "Moss", "Briar", "Cold", "Dun", "Gold", "Grey",
    "Holt", "Kell", "Lark", "Mere", "North", "Red", "Salt", "Shep", "Tall", "West", "White",
    "Wren", "Yew", "Crow", "Dale", "Fair", "Hart", "Rush",
];

/// Second halves of a family epithet.
const SECONDS: [&str; 30] = [
    "ford", "well", "wood", "field", "by", "ley", "hill", "brook", "wick", "more", "stone", "dale",
    "croft", "ridge", "holm", "worth", "mere", "gate", "shaw", "ton", "fell", "thorn", "water",
    "bridge", "ward", "wright", "smith", "son", "man", "hurst",
];

/// The name of agent `id` in the run seeded `seed`.
pub fn name_of(seed: u64, id: u64) -> String {
    let mut draws = Draws(mix64(seed ^ mix64(id ^ 0x6e61_6d65)));
    let mut given = String::with_capacity(24);
    // Two syllables and an ending, or, for about one name in four, three
    // syllables and none (which keeps the longest name within 24 bytes).
    let three = draws.pick(4) == 0;
    for syllable in 0..if three { 3 } else { 2 } {
        let onsets: &[&str] = if syllable == 0 { &ONSETS } else { &MIDDLES };
        given.push_str(onsets[draws.pick(onsets.len())]);
        given.push_str(VOWELS[draws.pick(VOWELS.len())]);
    }
    if !three {
        given.push_str(ENDINGS[draws.pick(ENDINGS.len())]);
    }
    let first = FIRSTS[draws.pick(FIRSTS.len())];
    let mut second = SECONDS[draws.pick(SECONDS.len())];
    // "Thornthorn", "Stonestone": take the next half instead.
    if first.to_ascii_lowercase().ends_with(second) {
        second = SECONDS[(draws.pick(SECONDS.len() - 1) + 1) % SECONDS.len()];
    }
    capitalize(&mut given);
    format!("{given} {first}{second}")
}

/// A stream of picks from one hash, each step through mix64.
struct Draws(u64);

impl Draws {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = mix64(self.0);
        (self.0 % n as u64) as usize
    }
}

fn capitalize(s: &mut str) {
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn names_are_deterministic_and_bounded() {
        for id in 0..2000 {
            let name = name_of(7, id);
            assert_eq!(name, name_of(7, id));
            assert!((3..=24).contains(&name.len()), "{name}");
            assert!(name.is_ascii(), "{name}");
            assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
            assert_eq!(name.split(' ').count(), 2, "{name}");
        }
        assert_ne!(name_of(7, 1), name_of(8, 1), "the seed matters");
    }

    #[test]
    fn ten_thousand_ids_have_many_names() {
        let names: BTreeSet<String> = (1..=10_000).map(|id| name_of(42, id)).collect();
        assert!(names.len() >= 9_000, "{} distinct", names.len());
    }

    #[test]
    fn the_longest_name_fits() {
        let longest = |t: &[&str]| t.iter().map(|s| s.len()).max().unwrap_or(0);
        let onset = longest(&ONSETS).max(longest(&MIDDLES));
        let syllable = onset + longest(&VOWELS);
        let given = (2 * syllable + longest(&ENDINGS)).max(3 * syllable);
        let family = longest(&FIRSTS) + longest(&SECONDS);
        assert!(given + 1 + family <= 24, "{given} + 1 + {family}");
    }
}
