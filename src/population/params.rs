//! The tunable parameters of the population: behaviour weights per kind,
//! birth and death rates, arrival rates. One resource, so the window's sliders
//! and the admin API change the simulation through the same door.

use bevy::prelude::*;

use crate::core::agent::kinds::{AgentKind, KIND_COUNT};
pub use crate::core::agent::weights::{WeightRow, default_weights};
use crate::core::scenario::goals::GoalParams;
use crate::core::scenario::{PolicySet, Scenario, TickRange};

/// Parameters that may change while the simulation runs.
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct SimParams {
    /// Behaviour weights, indexed by `AgentKind::index()`.
    pub weights: [WeightRow; KIND_COUNT],
    /// Multiplies the chance that two friends who socialise have a child.
    pub birth_rate: f32,
    /// Divides lifespans of agents born or spawned from now on.
    pub death_rate: f32,
    pub players_per_tick: f32,
    pub max_players: u32,
    pub monsters_per_tick: f32,
    pub max_monsters: u32,
    pub lifespan_ticks: TickRange,
    pub session_ticks: TickRange,
    /// Events this deep are not reacted to (cascade depth limit).
    pub depth_limit: u8,
    /// Most reactions run per tick.
    pub tick_budget: u32,
    /// The governance policies in force (rules and thresholds).
    pub policies: PolicySet,
    /// How goals bias the brain (and whether they do).
    pub goals: GoalParams,
}

impl SimParams {
    pub fn from_scenario(s: &Scenario) -> SimParams {
        let mut weights = default_weights();
        for (kind, overrides) in &s.params.weights {
            for (activity, w) in overrides {
                weights[kind.index()][*activity as usize] = w.0;
            }
        }
        SimParams {
            weights,
            birth_rate: s.params.birth_rate.0,
            death_rate: s.params.death_rate.0,
            players_per_tick: s.spawn.players_per_tick.0,
            max_players: s.spawn.max_players,
            monsters_per_tick: s.spawn.monsters_per_tick.0,
            max_monsters: s.spawn.max_monsters,
            lifespan_ticks: s.population.lifespan_ticks,
            session_ticks: s.population.session_ticks,
            depth_limit: s.reaction_set().depth_limit,
            tick_budget: s.reaction_set().tick_budget,
            policies: PolicySet::with(s.policies.as_ref()),
            goals: GoalParams {
                on: s.params.goals,
                strength: s.params.goal_strength.0,
                ..GoalParams::from_rules(&s.narrative_pack().goals)
            },
        }
    }

    pub fn weights_of(&self, kind: AgentKind) -> &WeightRow {
        &self.weights[kind.index()]
    }
}
