//! Reaction rules: data (RON) that wires event kinds to built-in reactions.
//! The shipped set is `assets/reactions/default.ron`, compiled into the
//! binary; a scenario may replace it. Each reaction says which event kinds it
//! understands, so a rule that could never do anything is a load error.

use serde::{Deserialize, Serialize};

use crate::core::event::EventKind;

/// A built-in reaction and its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reaction {
    /// attack → damage: the victim loses the blow's damage in health.
    Damage,
    /// damage → death: a victim with no health left dies.
    Death,
    /// death → loot_dropped: goods (and half the coins of the killed) fall.
    LootDrop,
    /// loot_dropped → loot_picked: the killer takes the loot, else the zone.
    LootPick,
    /// death → grief: friends of the dead lose `mood`.
    Grief { mood: f32 },
    /// death → inheritance: remaining coins go to the closest friend alive,
    /// else to the zone's treasury.
    Inheritance,
    /// trade → reputation_changed: both parties gain `delta`.
    Reputation { delta: i16 },
    /// birth → lineage_registered: parents and child bond by `affinity`.
    Lineage { affinity: i8 },
    /// birth/spawn → overcrowded: when the zone's head count reaches
    /// `threshold` × its population cap.
    Overcrowding { threshold: f32 },
    /// overcrowded → migration: the crowded-out family travels to the
    /// emptiest zone with room.
    Migration,
}

impl Reaction {
    /// The event kinds this reaction can react to.
    pub fn accepts(&self) -> &'static [EventKind] {
        use EventKind as K;
        match self {
            Reaction::Damage => &[K::Attack],
            Reaction::Death => &[K::Damage],
            Reaction::LootDrop | Reaction::Grief { .. } | Reaction::Inheritance => &[K::Death],
            Reaction::LootPick => &[K::LootDropped],
            Reaction::Reputation { .. } => &[K::Trade],
            Reaction::Lineage { .. } => &[K::Birth],
            Reaction::Overcrowding { .. } => &[K::Birth, K::Spawn],
            Reaction::Migration => &[K::Overcrowded],
        }
    }
}

/// One rule: when an event of kind `on` happens, run `react` (after `delay` ticks).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub on: EventKind,
    pub react: Reaction,
    #[serde(default)]
    pub delay: u32,
}

/// A whole set of reaction rules with its limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Reactions")]
pub struct ReactionSet {
    pub depth_limit: u8,
    pub tick_budget: u32,
    pub rules: Vec<RuleSpec>,
}

/// The shipped rules, as written in `assets/reactions/default.ron`.
pub const DEFAULT_RON: &str = include_str!("../../../assets/reactions/default.ron");

/// Longest delay a rule may ask for (about a day of simulated time).
pub const MAX_DELAY: u32 = 864_000;

impl ReactionSet {
    /// The shipped set. Its validity is checked by a unit test.
    pub fn shipped() -> ReactionSet {
        ron::from_str(DEFAULT_RON)
            .expect("the shipped reaction rules parse (checked by a unit test)")
    }

    /// Checks every rule; returns the index and the problem of the first bad one.
    pub fn check(&self) -> Result<(), (usize, String)> {
        for (i, r) in self.rules.iter().enumerate() {
            if !r.react.accepts().contains(&r.on) {
                let accepted: Vec<&str> = r.react.accepts().iter().map(|k| k.as_str()).collect();
                return Err((
                    i,
                    format!(
                        "{:?} cannot react to {} events (it reacts to: {})",
                        r.react,
                        r.on.as_str(),
                        accepted.join(", ")
                    ),
                ));
            }
            if r.delay > MAX_DELAY {
                return Err((
                    i,
                    format!("delay {} is longer than {MAX_DELAY} ticks", r.delay),
                ));
            }
            if let Reaction::Grief { mood } | Reaction::Overcrowding { threshold: mood } = r.react
                && !mood.is_finite()
            {
                return Err((i, "parameter must be a finite number".to_string()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_parse_and_are_valid() {
        let set: ReactionSet = ron::from_str(DEFAULT_RON).expect("default.ron parses");
        assert_eq!(set.check(), Ok(()));
        assert_eq!(set, ReactionSet::shipped());
        assert!(
            set.rules.iter().any(|r| r.delay > 0),
            "one delayed rule ships"
        );
    }

    #[test]
    fn mismatched_rules_are_rejected() {
        let mut set = ReactionSet::shipped();
        set.rules[0].on = EventKind::Trade;
        let (i, msg) = set.check().expect_err("Damage cannot react to trade");
        assert_eq!(i, 0);
        assert!(msg.contains("attack"), "{msg}");
        let unknown = DEFAULT_RON.replacen("on: attack", "on: tarde", 1);
        let err = ron::from_str::<ReactionSet>(&unknown).expect_err("unknown kind");
        assert!(err.to_string().contains("tarde"), "{err}");
    }
}
