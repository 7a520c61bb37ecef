//! Head counts and the tick's tallies. Kept incrementally by the systems that
//! spawn, kill and act, so nobody has to scan the population to know them.

use bevy::prelude::*;

use crate::core::agent::intent::ACTION_KINDS;
use crate::core::agent::kinds::{AgentKind, KIND_COUNT};

/// How many agents of each kind are alive now.
#[derive(Resource, Clone, Debug, Default)]
pub struct Census {
    pub alive: [u32; KIND_COUNT],
}

impl Census {
    pub fn total(&self) -> u64 {
        self.alive.iter().map(|n| *n as u64).sum()
    }

    pub fn of(&self, kind: AgentKind) -> u32 {
        self.alive[kind.index()]
    }

    pub fn players(&self) -> u32 {
        AgentKind::all()
            .filter(|k| k.is_player())
            .map(|k| self.of(k))
            .sum()
    }
}

/// What happened during the current tick; cleared when the next one starts.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct TickCounters {
    /// Agents that appeared by spawning (initial, arrivals, waves).
    pub arrivals: u32,
    pub births: u32,
    /// Deaths by age and by violence.
    pub deaths: u32,
    pub killed: u32,
    /// Players who logged out at the end of their session.
    pub departures: u32,
    /// Intents applied, by `ActionKind`.
    pub actions: [u32; ACTION_KINDS],
    /// Intents that could not be carried out (partner gone, out of money...).
    pub failed: u32,
    /// Coins that entered the world with spawned agents.
    pub wealth_minted: u64,
    /// Coins that left with departing players.
    pub wealth_departed: u64,
}

impl TickCounters {
    pub fn actions_total(&self) -> u64 {
        self.actions.iter().map(|n| *n as u64).sum()
    }
}

/// Intents by actor kind and action kind over the whole run: applied, and
/// denied by governance. Scenario assertions ask "how often did griefers
/// trade"; fixed-size, so it stays bounded however long the run.
#[derive(Resource, Clone, Debug, Default)]
pub struct ActionTally {
    pub executed: [[u64; ACTION_KINDS]; KIND_COUNT],
    pub denied: [[u64; ACTION_KINDS]; KIND_COUNT],
}

/// Stable ids are handed out in order, starting at 1 (0 means "nobody").
#[derive(Resource, Clone, Debug)]
pub struct NextId(pub u64);

impl Default for NextId {
    fn default() -> Self {
        NextId(1)
    }
}

pub(super) fn reset_counters(mut counters: ResMut<TickCounters>) {
    *counters = TickCounters::default();
}

/// Finds an agent's entity by its stable id (for reactions that follow
/// relationships). Only looked up, never iterated, so its order never leaks
/// into the simulation.
#[derive(Resource, Debug, Default)]
pub struct EntityIndex(
    bevy::platform::collections::HashMap<crate::core::agent::components::EntityId, Entity>,
);

impl EntityIndex {
    pub fn insert(&mut self, id: crate::core::agent::components::EntityId, entity: Entity) {
        self.0.insert(id, entity);
    }

    pub fn remove(&mut self, id: crate::core::agent::components::EntityId) {
        self.0.remove(&id);
    }

    pub fn get(&self, id: crate::core::agent::components::EntityId) -> Option<Entity> {
        self.0.get(&id).copied()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
