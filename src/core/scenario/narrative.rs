//! The narrative pack as data (`assets/narrative/pack.ron`, compiled in;
//! a scenario may replace it): which events are moments of a life worth
//! telling, as whose beat, in which chronicle category and how much each
//! weighs; the goals lives may pursue ([`super::goals`]); how often zones
//! print a gazette. Warbler's Narrate stage (`narrative`) runs it; the
//! pack's own checks live here, so a bad pack is refused when the scenario
//! loads.

use serde::{Deserialize, Serialize};

use super::goals::{self, GoalRule};
use super::patterns::{self, Pattern};
use crate::core::agent::story::CHRONICLE_SLOTS;
use crate::core::event::EventKind;

/// Whose life an event is a moment of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Actor,
    Target,
}

/// The part of a life a beat belongs to: a chronicle keeps the strongest
/// beat of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Birth, family, friends, mourning.
    #[default]
    Kin,
    /// Blows, wounds, feuds, denials.
    Strife,
    /// Coin and trade.
    Fortune,
    /// Journeys and the stages of life.
    Journey,
}

/// One beat: events of kind `on` told as a moment of the `role` agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeatRule {
    pub name: String,
    pub on: EventKind,
    pub role: Role,
    /// How much the moment weighs in a life's story, 1..=100.
    pub salience: u8,
    /// Only the first such event of each life.
    #[serde(default)]
    pub first: bool,
    /// Only events whose detail (a stage, a goal, an outcome, a cause of
    /// death: `events::Payload::detail`) is this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    #[serde(default)]
    pub category: Category,
}

/// The narrative pack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Narrative")]
pub struct NarrativePack {
    /// Whether the Narrate stage runs at all (off: no stages, goals, beats
    /// or chronicles; `seedsim bench --narrative` measures the difference).
    #[serde(default = "yes")]
    pub on: bool,
    pub beats: Vec<BeatRule>,
    #[serde(default)]
    pub goals: Vec<GoalRule>,
    /// Beats at least this salient make a zone's headlines.
    #[serde(default = "headline")]
    pub headline: u8,
    /// Ticks between two gazettes of a zone (0: none).
    #[serde(default = "gazette_every")]
    pub gazette_every: u32,
    /// The story patterns the sifter looks for (`patterns`).
    #[serde(default)]
    pub patterns: Vec<Pattern>,
    /// Most partial matches the live sifter keeps (the oldest goes first,
    /// counted as evicted).
    #[serde(default = "sift_pool")]
    pub sift_pool: u32,
}

fn sift_pool() -> u32 {
    65_536
}

/// Largest live sift pool a pack may ask for.
pub const MAX_SIFT_POOL: u32 = 1 << 22;

fn yes() -> bool {
    true
}

fn headline() -> u8 {
    60
}

fn gazette_every() -> u32 {
    600
}

/// Most "first" rules a pack may have (a chronicle keeps them in 16 bits).
pub const MAX_FIRSTS: usize = 16;

/// The shipped pack's text.
pub const SHIPPED: &str = include_str!("../../../assets/narrative/pack.ron");

/// Most beat rules in a pack.
pub const MAX_BEATS: usize = 256;

impl NarrativePack {
    /// The pack seedsim ships.
    pub fn shipped() -> NarrativePack {
        // Compiled in and checked by a test: it always parses.
        NarrativePack::parse(SHIPPED).unwrap_or(NarrativePack {
            on: true,
            beats: Vec::new(),
            goals: Vec::new(),
            headline: headline(),
            gazette_every: gazette_every(),
            patterns: Vec::new(),
            sift_pool: sift_pool(),
        })
    }

    /// A pack from RON text, read as scenario files are (`when: "x"`
    /// needs no `Some`).
    pub fn parse(text: &str) -> Result<NarrativePack, ron::error::SpannedError> {
        ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
    }

    /// The index among the pack's "first" rules of rule `i`, if it is one.
    pub fn first_index(&self, i: usize) -> Option<usize> {
        let rule = self.beats.get(i)?;
        rule.first
            .then(|| self.beats[..i].iter().filter(|b| b.first).count())
    }

    /// What is wrong with the pack: (where, message), `where` naming the
    /// field (`beats[3]`, `goals[1]`).
    pub fn check(&self) -> Result<(), (String, String)> {
        self.check_beats()
            .map_err(|(i, m)| (format!("beats[{i}]"), m))?;
        goals::check(&self.goals).map_err(|(i, m)| (format!("goals[{i}]"), m))?;
        if self.beats.iter().filter(|b| b.first).count() > MAX_FIRSTS {
            return Err((
                "beats".into(),
                format!("more than {MAX_FIRSTS} first-only beats"),
            ));
        }
        if !(1..=100).contains(&self.headline) {
            return Err(("headline".into(), "expected 1..=100".into()));
        }
        patterns::check(&self.patterns).map_err(|(i, m)| (format!("patterns[{i}]"), m))?;
        if !(1..=MAX_SIFT_POOL).contains(&self.sift_pool) {
            return Err((
                "sift_pool".into(),
                format!("expected 1..={MAX_SIFT_POOL} partial matches"),
            ));
        }
        Ok(())
    }

    fn check_beats(&self) -> Result<(), (usize, String)> {
        debug_assert_eq!(CHRONICLE_SLOTS, 4, "one slot per Category");
        if self.beats.len() > MAX_BEATS {
            return Err((
                MAX_BEATS,
                format!("{} beats; at most {MAX_BEATS}", self.beats.len()),
            ));
        }
        for (i, b) in self.beats.iter().enumerate() {
            if b.name.is_empty() || b.name.len() > 64 {
                return Err((i, "a beat needs a name of 1 to 64 bytes".into()));
            }
            if self.beats[..i].iter().any(|o| o.name == b.name) {
                return Err((i, format!("{:?} names two beats", b.name)));
            }
            if !(1..=100).contains(&b.salience) {
                return Err((i, format!("salience {}: expected 1..=100", b.salience)));
            }
            if b.on == EventKind::Beat {
                return Err((i, "a beat cannot tell a beat".into()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_pack_parses_and_passes_its_checks() {
        let pack = NarrativePack::parse(SHIPPED).expect("pack.ron parses");
        assert_eq!(pack.check(), Ok(()));
        assert!(
            pack.beats
                .iter()
                .any(|b| b.name == "epitaph" && b.on == EventKind::Death)
        );
        assert!(
            pack.beats
                .iter()
                .any(|b| b.name == "born" && b.on == EventKind::Birth)
        );
    }

    #[test]
    fn bad_packs_name_the_rule() {
        let rule = |name: &str, salience: u8, on: EventKind| BeatRule {
            name: name.into(),
            on,
            role: Role::Actor,
            salience,
            first: false,
            when: None,
            category: Category::Kin,
        };
        let pack = |beats| NarrativePack {
            beats,
            ..NarrativePack::shipped()
        };
        let twice = pack(vec![
            rule("a", 5, EventKind::Death),
            rule("a", 5, EventKind::Birth),
        ]);
        assert_eq!(twice.check().unwrap_err().0, "beats[1]");
        let loud = pack(vec![rule("a", 101, EventKind::Death)]);
        assert!(loud.check().unwrap_err().1.contains("salience"));
        let meta = pack(vec![rule("a", 5, EventKind::Beat)]);
        assert!(meta.check().is_err());
        let mut long = NarrativePack::shipped();
        long.goals[0].ticks = 0;
        assert_eq!(long.check().unwrap_err().0, "goals[0]");
    }
}
