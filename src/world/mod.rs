//! The world the population lives in: a plane cut into zones (each with a
//! STAT7 realm and rules) and the uniform spatial grid that answers neighbour
//! queries and gives the heatmap. The grid is rebuilt once per tick, at the
//! start of Decide, so every brain sees the same snapshot of positions.

mod grid;
pub mod stat7;
mod zones;

use bevy::prelude::*;

pub use grid::{Neighbour, SpatialGrid};
pub use zones::{Zone, ZoneId, ZoneLedger, Zones};

use crate::core::DecideStep;
use crate::core::scenario::Scenario;

pub use crate::core::scenario::MAX_GRID_CELLS;

/// Adds zones, their ledger and the spatial grid, built from the scenario.
pub struct WorldPlugin {
    pub scenario: Scenario,
}

impl Plugin for WorldPlugin {
    fn build(&self, app: &mut App) {
        let zones = Zones::from_scenario(&self.scenario);
        let grid = SpatialGrid::new(&zones);
        let ledger = ZoneLedger::new(&zones);
        app.insert_resource(zones)
            .insert_resource(grid)
            .insert_resource(ledger)
            .add_systems(
                FixedUpdate,
                (
                    grid::rebuild_grid.in_set(DecideStep::Grid),
                    zones::regrow_resources.in_set(DecideStep::Resources),
                ),
            );
    }
}
