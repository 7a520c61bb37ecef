//! The ECS side of STAT7: an agent's seven coordinates, derived from its
//! components when asked (never for every agent every tick), and its
//! bit-chain, whose canonical form gives the address and URI.

use bevy::prelude::*;
use serde_json::{Map, Value, json};

use crate::core::agent::components::*;
use crate::core::stat7::{BitChain, Coordinates, EntityType};
use crate::world::{SpatialGrid, Zones};

/// Simulated time starts at 2025-01-01T00:00:00Z; tick n is n × 100 ms later.
pub const SIM_EPOCH_MS: i64 = 1_735_689_600_000;

/// Neighbours (3×3 cells) at which density reaches 1.
const DENSITY_FULL: f64 = 64.0;

/// The components an agent's coordinates are derived from.
pub type AgentView<'a> = (
    &'a EntityId,
    &'a Kind,
    &'a Position,
    &'a Purse,
    &'a Standing,
    &'a Relations,
    &'a Life,
    &'a Behaviour,
);

/// The id string of an agent in STAT7 (its decimal `EntityId`).
pub fn stat7_id(id: EntityId) -> String {
    id.0.to_string()
}

/// Widens an `f32` to the `f64` of its shortest decimal form, so that 0.3f32
/// becomes 0.3 rather than 0.30000001192092896 (which STAT7 would print as
/// 0.30000001).
fn widen(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(x as f64)
}

/// An agent's coordinates at `tick`: realm from its zone, lineage from its
/// generation, adjacency from its strongest relations (sorted ids), horizon
/// from its life stage, resonance from its mood, velocity from its activity
/// and density from the crowding of its grid cell.
pub fn coordinates(agent: AgentView, tick: u64, zones: &Zones, grid: &SpatialGrid) -> Coordinates {
    let (_, _, pos, _, standing, relations, life, behaviour) = agent;
    let mut strongest: Vec<(i8, EntityId)> = relations.iter().map(|(id, a)| (a, id)).collect();
    strongest.sort_by_key(|(a, id)| (std::cmp::Reverse(a.unsigned_abs()), *id));
    Coordinates {
        realm: zones.zone_at(pos.0).realm,
        lineage: life.generation as u64,
        adjacency: strongest.iter().map(|(_, id)| stat7_id(*id)).collect(),
        horizon: life.horizon(tick),
        resonance: widen(standing.mood).clamp(-1.0, 1.0),
        velocity: widen(behaviour.activity.intensity()),
        density: (grid.count_near(pos.0).saturating_sub(1) as f64 / DENSITY_FULL).min(1.0),
    }
}

/// An agent as a STAT7 bit-chain (entity type `agent`).
pub fn bitchain(agent: AgentView, tick: u64, zones: &Zones, grid: &SpatialGrid) -> BitChain {
    let coordinates = coordinates(agent, tick, zones, grid);
    let (id, kind, _, purse, standing, _, life, _) = agent;
    let mut state = Map::new();
    state.insert("kind".into(), json!(kind.0.name()));
    state.insert("player".into(), json!(kind.0.is_player()));
    state.insert("wealth".into(), json!(purse.wealth));
    state.insert("goods".into(), json!(purse.goods));
    state.insert("faction".into(), json!(standing.faction));
    state.insert("reputation".into(), json!(standing.reputation));
    state.insert(
        "parent".into(),
        match life.parent.0 {
            0 => Value::Null,
            p => json!(stat7_id(EntityId(p))),
        },
    );
    BitChain {
        id: stat7_id(*id),
        entity_type: EntityType::Agent,
        realm: coordinates.realm,
        created_at_ms: SIM_EPOCH_MS + life.born * 100,
        coordinates,
        state,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn widening_keeps_the_decimal_a_person_wrote() {
        assert_eq!(super::widen(0.3), 0.3);
        assert_eq!(super::widen(-0.8), -0.8);
        let printed = crate::core::stat7::format_float(super::widen(0.3)).expect("finite");
        assert_eq!(printed, "0.3");
    }
}
