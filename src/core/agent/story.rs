//! What a life carries for its story (Warbler): traits it was born with,
//! the life stage it last noticed, its chronicle, and the goal it pursues.
//! They are agent components below every layer because the brain reads the
//! goal (population, in Decide) and the narrative writes it (narrative, in
//! Narrate): both speak this vocabulary, neither imports the other. All are
//! small on purpose: a million agents hold them (about 60 bytes each; a
//! goal only for its holders).

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::components::{EntityId, ZoneId};
use crate::core::rng::mix64;
use crate::core::stat7::Horizon;

/// Four traits, each 0..=255, fixed at birth: from the run seed and the id
/// for the spawned, from the parents with a small mutation for the born.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Traits {
    /// How strongly a loss turns into a wish to strike back.
    pub vengeance: u8,
    /// Pull towards holy places and far journeys.
    pub devotion: u8,
    /// Pull towards coin and trade.
    pub ambition: u8,
    /// Pull towards friends and family; softens grief into mourning.
    pub warmth: u8,
}

/// Largest change of one trait from the parents' mean, either way.
const MUTATION: i16 = 24;

impl Traits {
    /// The traits of an agent that was spawned, not born.
    pub fn of(seed: u64, id: EntityId) -> Traits {
        let h = mix64(seed ^ mix64(id.0 ^ 0x7472_6169_7473));
        let b = h.to_le_bytes();
        Traits {
            vengeance: b[0],
            devotion: b[1],
            ambition: b[2],
            warmth: b[3],
        }
    }

    /// A child's traits: its parents' mean, each trait moved by a hashed
    /// mutation of at most [`MUTATION`].
    pub fn inherit(a: Traits, b: Traits, seed: u64, child: EntityId) -> Traits {
        let h = mix64(seed ^ mix64(child.0 ^ 0x6d75_7461_7465)).to_le_bytes();
        let mix = |x: u8, y: u8, r: u8| {
            let mean = (x as i16 + y as i16) / 2;
            let shift = (r as i16 % (2 * MUTATION + 1)) - MUTATION;
            (mean + shift).clamp(0, 255) as u8
        };
        Traits {
            vengeance: mix(a.vengeance, b.vengeance, h[0]),
            devotion: mix(a.devotion, b.devotion, h[1]),
            ambition: mix(a.ambition, b.ambition, h[2]),
            warmth: mix(a.warmth, b.warmth, h[3]),
        }
    }
}

/// The life stage an agent last noticed. Decide compares it with the stage
/// its age gives at each decision, so a change is noticed without scanning
/// every agent every tick.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct LifeArc(pub Horizon);

/// Stage changes noticed in this tick's Decide, in id order; Narrate tells
/// them. Cleared by Decide each tick.
#[derive(Resource, Debug, Default)]
pub struct StageNotices(pub Vec<(EntityId, Horizon)>);

/// What a goal wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    /// Seek out and strike the killer of a friend.
    Revenge,
    /// Travel to a zone.
    Pilgrimage,
    /// Gather and trade until richer by an aim.
    Fortune,
    /// Keep close company and have a child.
    Family,
    /// Rest and stay near home for a while after a loss.
    Mourning,
}

/// How many goal kinds there are.
pub const GOAL_KINDS: usize = 5;

impl GoalKind {
    pub const ALL: [GoalKind; GOAL_KINDS] = [
        GoalKind::Revenge,
        GoalKind::Pilgrimage,
        GoalKind::Fortune,
        GoalKind::Family,
        GoalKind::Mourning,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GoalKind::Revenge => "revenge",
            GoalKind::Pilgrimage => "pilgrimage",
            GoalKind::Fortune => "fortune",
            GoalKind::Family => "family",
            GoalKind::Mourning => "mourning",
        }
    }
}

/// How a goal ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalOutcome {
    Fulfilled,
    /// It could no longer be reached (the foe died by other hands).
    Abandoned,
    /// Its time ran out.
    Expired,
    /// Its holder died.
    Died,
    /// A stronger goal took its place.
    Superseded,
}

pub const GOAL_OUTCOMES: usize = 5;

impl GoalOutcome {
    pub const ALL: [GoalOutcome; GOAL_OUTCOMES] = [
        GoalOutcome::Fulfilled,
        GoalOutcome::Abandoned,
        GoalOutcome::Expired,
        GoalOutcome::Died,
        GoalOutcome::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GoalOutcome::Fulfilled => "fulfilled",
            GoalOutcome::Abandoned => "abandoned",
            GoalOutcome::Expired => "expired",
            GoalOutcome::Died => "died",
            GoalOutcome::Superseded => "superseded",
        }
    }
}

/// The goal an agent pursues, as its brain sees it (Decide makes it from
/// the agent's [`Pursuit`], finding the target's entity by its id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Goal {
    pub kind: GoalKind,
    /// Whom it is about (the foe of a revenge).
    pub target: Option<(EntityId, Entity)>,
    /// Where it leads (a pilgrimage's zone).
    pub zone: Option<ZoneId>,
}

/// The goal an agent pursues, as the narrative writes it: every agent has
/// one (12 bytes; kind 0 is none), so adopting or ending a goal is a write
/// in place, with no command and no sync point in the tick.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pursuit {
    /// The target's id in two halves (keeps the alignment, and so the
    /// size, at 4).
    target: [u32; 2],
    zone: u16,
    /// 1 + the `GoalKind`, 0 for none.
    kind: u8,
}

impl Pursuit {
    pub fn set(&mut self, kind: GoalKind, target: Option<EntityId>, zone: Option<ZoneId>) {
        self.kind = kind as u8 + 1;
        let t = target.map_or(0, |t| t.0);
        self.target = [t as u32, (t >> 32) as u32];
        self.zone = zone.map_or(u16::MAX, |z| z.0);
    }

    pub fn clear(&mut self) {
        *self = Pursuit::default();
    }

    pub fn goal(&self) -> Option<GoalKind> {
        GoalKind::ALL
            .get((self.kind as usize).checked_sub(1)?)
            .copied()
    }

    /// Whom it is about (ids start at 1).
    pub fn target(&self) -> Option<EntityId> {
        let t = self.target[0] as u64 | (self.target[1] as u64) << 32;
        (t != 0).then_some(EntityId(t))
    }

    pub fn zone(&self) -> Option<ZoneId> {
        (self.goal().is_some() && self.zone != u16::MAX).then_some(ZoneId(self.zone))
    }
}

/// How many chronicle categories (one salience slot each).
pub const CHRONICLE_SLOTS: usize = 4;
/// How many life-summary tallies.
pub const TALLIES: usize = 8;

/// A life's chronicle as the running simulation keeps it: per category the
/// strongest beat so far (its event's seq and rule, packed in one word),
/// saturating tallies of small acts, and which "first" beats it has had.
/// The whole life stays in the store; this is what a glance needs.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Chronicle {
    /// (seq << 16 | rule), 0 for an empty slot.
    slots: [u64; CHRONICLE_SLOTS],
    /// Small acts by `Tally`.
    pub tallies: [u16; TALLIES],
    /// Bit i: the pack's i-th "first" rule has been told.
    pub firsts: u16,
}

/// A chronicle slot, unpacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Seq of the beat event.
    pub seq: u64,
    /// Index of the beat's rule in the narrative pack.
    pub rule: u16,
}

impl Chronicle {
    pub fn slot(&self, category: usize) -> Option<Slot> {
        let w = *self.slots.get(category)?;
        (w != 0).then_some(Slot {
            seq: w >> 16,
            rule: (w & 0xffff) as u16,
        })
    }

    pub fn set_slot(&mut self, category: usize, slot: Slot) {
        if let Some(w) = self.slots.get_mut(category) {
            *w = (slot.seq << 16) | slot.rule as u64;
        }
    }

    pub fn tally(&mut self, which: usize) {
        if let Some(t) = self.tallies.get_mut(which) {
            *t = t.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traits_are_fixed_by_seed_and_id_and_inherited_close_to_the_parents() {
        let a = Traits::of(7, EntityId(1));
        assert_eq!(a, Traits::of(7, EntityId(1)));
        assert_ne!(a, Traits::of(8, EntityId(1)));
        let b = Traits::of(7, EntityId(2));
        let child = Traits::inherit(a, b, 7, EntityId(3));
        let mean = (a.warmth as i16 + b.warmth as i16) / 2;
        assert!((child.warmth as i16 - mean).abs() <= MUTATION);
        assert_eq!(child, Traits::inherit(a, b, 7, EntityId(3)));
    }

    #[test]
    fn a_chronicle_slot_packs_seq_and_rule() {
        let mut c = Chronicle::default();
        assert_eq!(c.slot(0), None);
        c.set_slot(
            2,
            Slot {
                seq: 123_456_789,
                rule: 7,
            },
        );
        assert_eq!(
            c.slot(2),
            Some(Slot {
                seq: 123_456_789,
                rule: 7
            })
        );
        for _ in 0..70_000 {
            c.tally(1);
        }
        assert_eq!(c.tallies[1], u16::MAX);
        assert!(std::mem::size_of::<Chronicle>() <= 56);
    }

    #[test]
    fn a_pursuit_holds_a_goal_in_twelve_bytes() {
        let mut p = Pursuit::default();
        assert_eq!((p.goal(), p.target(), p.zone()), (None, None, None));
        p.set(GoalKind::Revenge, Some(EntityId(9)), None);
        assert_eq!(
            (p.goal(), p.target(), p.zone()),
            (Some(GoalKind::Revenge), Some(EntityId(9)), None)
        );
        p.set(GoalKind::Pilgrimage, None, Some(ZoneId(3)));
        assert_eq!(
            (p.goal(), p.target(), p.zone()),
            (Some(GoalKind::Pilgrimage), None, Some(ZoneId(3)))
        );
        p.clear();
        assert_eq!(p.goal(), None);
        p.set(GoalKind::Revenge, Some(EntityId(u64::MAX - 1)), None);
        assert_eq!(p.target(), Some(EntityId(u64::MAX - 1)));
        assert_eq!(std::mem::size_of::<Pursuit>(), 12);
    }
}
