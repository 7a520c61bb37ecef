//! The narrative pack as data (`assets/narrative/beats.ron`, compiled in;
//! a scenario may replace it): which events are moments of a life worth
//! telling, as whose beat, and how much each weighs. Warbler's Narrate stage
//! (`narrative`) tells them; the pack's own checks live here, so a bad pack
//! is refused when the scenario loads.

use serde::{Deserialize, Serialize};

use crate::core::event::EventKind;

/// Whose life an event is a moment of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Actor,
    Target,
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
}

/// The narrative pack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Narrative")]
pub struct NarrativePack {
    pub beats: Vec<BeatRule>,
}

/// The shipped pack's text.
pub const SHIPPED: &str = include_str!("../../../assets/narrative/beats.ron");

/// Most beat rules in a pack.
pub const MAX_BEATS: usize = 256;

impl NarrativePack {
    /// The pack seedsim ships.
    pub fn shipped() -> NarrativePack {
        // Compiled in and checked by a test: it always parses.
        ron::from_str(SHIPPED).unwrap_or(NarrativePack { beats: Vec::new() })
    }

    /// What is wrong with the pack: (rule index, message).
    pub fn check(&self) -> Result<(), (usize, String)> {
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
        let pack: NarrativePack = ron::from_str(SHIPPED).expect("beats.ron parses");
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
        };
        let twice = NarrativePack {
            beats: vec![
                rule("a", 5, EventKind::Death),
                rule("a", 5, EventKind::Birth),
            ],
        };
        assert_eq!(twice.check().unwrap_err().0, 1);
        let loud = NarrativePack {
            beats: vec![rule("a", 101, EventKind::Death)],
        };
        assert!(loud.check().unwrap_err().1.contains("salience"));
        let meta = NarrativePack {
            beats: vec![rule("a", 5, EventKind::Beat)],
        };
        assert!(meta.check().is_err());
    }
}
