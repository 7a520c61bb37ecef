//! The components of an agent (player or NPC). They are small and `Copy` on
//! purpose: a million agents must fit in well under 1 KiB each, and parallel
//! systems iterate them by the million. Anything persisted or sent over the
//! wire names an agent by [`EntityId`], never by Bevy's `Entity`.

use bevy::math::Vec2;
use bevy::prelude::*;
use rand_pcg::Pcg32;

use super::kinds::{Activity, AgentKind};

/// An entity a connected client drives: its brain stays silent and its
/// intents come from the client's actions (see the `input` plugin).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piloted {
    pub session: u64,
}

/// Stable identity of an agent for the whole run (and in every record).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct EntityId(pub u64);

/// Index of a zone in the world's zone table (`world::Zones`), in scenario
/// order: where an agent is or is going.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ZoneId(pub u16);

/// What the agent is.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind(pub AgentKind);

/// Where it stands, in metres.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Position(pub Vec2);

/// Where it is walking to; `moving` is false once there.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Motion {
    pub target: Vec2,
    pub moving: bool,
}

/// Health and energy, both 0..=100.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Vitals {
    pub health: f32,
    pub energy: f32,
}

impl Vitals {
    pub fn alive(&self) -> bool {
        self.health > 0.0
    }
}

/// Coins (conserved: they only move between holders) and goods (gathered from
/// zones, eaten while resting, traded for coins).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Purse {
    pub wealth: u64,
    pub goods: u32,
}

/// Faction, reputation and mood (STAT7 resonance, in [-1, 1]).
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    pub faction: u8,
    pub reputation: i16,
    pub mood: f32,
}

/// How many relationships an agent remembers.
pub const RELATION_SLOTS: usize = 4;

/// The agent's strongest relationships, bounded: a new acquaintance replaces
/// the weakest one when all slots are taken.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Relations {
    ids: [EntityId; RELATION_SLOTS],
    affinity: [i8; RELATION_SLOTS],
}

impl Relations {
    /// Changes the affinity towards `other` by `delta` (saturating).
    pub fn adjust(&mut self, other: EntityId, delta: i8) {
        let slot = match self.ids.iter().position(|id| *id == other) {
            Some(i) => i,
            None => {
                // An empty slot has id 0 (ids start at 1); else the weakest bond goes.
                let i = (0..RELATION_SLOTS)
                    .min_by_key(|&i| {
                        (
                            self.ids[i].0 != 0,
                            self.affinity[i].unsigned_abs(),
                            self.ids[i],
                        )
                    })
                    .unwrap_or(0);
                self.ids[i] = other;
                self.affinity[i] = 0;
                i
            }
        };
        self.affinity[slot] = self.affinity[slot].saturating_add(delta);
    }

    pub fn affinity(&self, other: EntityId) -> i8 {
        self.iter()
            .find(|(id, _)| *id == other)
            .map_or(0, |(_, a)| a)
    }

    /// Known relationships as (id, affinity).
    pub fn iter(&self) -> impl Iterator<Item = (EntityId, i8)> + '_ {
        self.ids
            .iter()
            .zip(self.affinity.iter())
            .filter(|(id, _)| id.0 != 0)
            .map(|(id, a)| (*id, *a))
    }

    /// The best friend, if any affinity is positive.
    pub fn closest_friend(&self) -> Option<EntityId> {
        self.iter()
            .filter(|(_, a)| *a > 0)
            .max_by_key(|(id, a)| (*a, std::cmp::Reverse(*id)))
            .map(|(id, _)| id)
    }
}

/// Birth, the tick its life (or, for players, its session) ends, generation
/// (STAT7 lineage) and parent (0 if spawned rather than born).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Life {
    /// Negative for agents who were already alive when the run started.
    pub born: i64,
    pub ends: i64,
    pub generation: u32,
    pub parent: EntityId,
}

/// What the agent is doing and until when. `with` is the other party of a
/// social or hostile activity.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Behaviour {
    pub activity: Activity,
    pub since: u64,
    pub until: u64,
    pub with: Option<Entity>,
}

/// The agent's own random stream: brains run in parallel, so each draws only
/// from its own generator and the draws do not depend on thread scheduling.
#[derive(Component, Clone, Debug)]
pub struct Brain(pub Pcg32);

/// How much the agent has asked for lately: the counters behind
/// governance's rate and spam limits (windows restart, so they stay small).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Conduct {
    pub window_start: u64,
    pub actions: u16,
    pub chat_window_start: u64,
    pub chats: u16,
}

/// Everything an agent is spawned with.
#[derive(Bundle)]
pub struct AgentBundle {
    pub id: EntityId,
    pub kind: Kind,
    pub position: Position,
    pub motion: Motion,
    pub vitals: Vitals,
    pub purse: Purse,
    pub standing: Standing,
    pub relations: Relations,
    pub life: Life,
    pub behaviour: Behaviour,
    pub brain: Brain,
    pub conduct: Conduct,
    pub traits: super::story::Traits,
    pub arc: super::story::LifeArc,
    pub chronicle: super::story::Chronicle,
    pub pursuit: super::story::Pursuit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_are_bounded_and_drop_the_weakest() {
        let mut r = Relations::default();
        for (id, a) in [(1, 50), (2, -90), (3, 10), (4, 70)] {
            r.adjust(EntityId(id), a);
        }
        r.adjust(EntityId(5), 20);
        let ids: Vec<u64> = r.iter().map(|(id, _)| id.0).collect();
        assert_eq!(ids.len(), RELATION_SLOTS);
        assert!(
            !ids.contains(&3),
            "the weakest bond (10) is forgotten: {ids:?}"
        );
        assert_eq!(r.affinity(EntityId(2)), -90);
        assert_eq!(r.closest_friend(), Some(EntityId(4)));
        r.adjust(EntityId(4), 100);
        assert_eq!(r.affinity(EntityId(4)), 127);
    }
}
