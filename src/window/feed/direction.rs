//! The director as a frame carries it: every zone's tension, band and
//! machine state, read from the world by the sources that own a
//! simulation (local and replay). It is its own type, not part of
//! [`super::Stats`], because a source may not know it at all: a live
//! server's stream carries no tension, and the window then derives what it
//! can from the `director` events instead (`window::tension`). A run
//! without a director says so, so the window can tell "no director" from
//! "not known here".

use std::sync::Arc;

use bevy::prelude::World;

use crate::core::scenario::director::{Band, DirectorState};
use crate::events::Payload;
use crate::narrative::director::{Director, DirectorBook};
use crate::narrative::tension::ZoneTension;
use crate::world::Zones;

/// What a frame says of the director.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Direction {
    /// The source cannot read tension (a live server's stream).
    #[default]
    Unmeasured,
    /// The run has no director: no zone's tension is measured.
    Absent,
    /// Tension as the simulation measures it, every tick.
    Measured(Arc<Directed>),
}

/// The director's reading of the zones at one tick.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Directed {
    /// False: switched off, it only measures.
    pub on: bool,
    /// By zone id (empty before the director's first tick).
    pub zones: Vec<ZoneReading>,
}

/// One zone's tension and what the director makes of it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZoneReading {
    pub level: f32,
    pub band: Band,
    /// The director decides for this zone (tension is measured in all).
    pub directed: bool,
    pub state: DirectorState,
}

/// The world's director, read without changing anything.
pub fn observe(world: &World) -> Direction {
    let Some(director) = world.get_resource::<Director>() else {
        return Direction::Absent;
    };
    let (Some(tension), Some(zones)) = (
        world.get_resource::<ZoneTension>(),
        world.get_resource::<Zones>(),
    ) else {
        return Direction::Absent;
    };
    let book = world.get_resource::<DirectorBook>();
    let spec = &director.0;
    let readings = zones
        .all()
        .iter()
        .enumerate()
        // The levels are sized on the director's first tick.
        .take(tension.level.len())
        .map(|(i, z)| ZoneReading {
            level: tension.level[i],
            band: tension.band(i),
            directed: spec.zones.is_empty() || spec.zones.contains(&z.name),
            state: book
                .and_then(|b| b.zones.get(i))
                .map(|m| m.state)
                .unwrap_or_default(),
        })
        .collect();
    Direction::Measured(Arc::new(Directed {
        on: spec.on,
        zones: readings,
    }))
}

/// The zone an event says it happened in, when its payload names one (a
/// death, a gazette, a director's decision); other events are placed by
/// where their actor stands.
pub fn stated_zone(payload: &Payload) -> Option<u16> {
    match payload {
        Payload::Death { zone, .. }
        | Payload::Gazette { zone, .. }
        | Payload::Director { zone, .. } => Some(*zone),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agent::ZoneId;
    use crate::run::{Pace, RunConfig, Simulation};

    fn sim(file: &str, text: &str) -> Simulation {
        let scenario = crate::core::scenario::parse_str(file, text).expect("it parses");
        Simulation::new(&scenario, &RunConfig::seeded(31), Pace::Fast)
    }

    #[test]
    fn a_directed_run_sends_every_zones_tension_and_its_decisions_name_their_zone() {
        let mut sim = sim("valley.ron", include_str!("../../../scenarios/valley.ron"));
        let mut decisions = Vec::new();
        for _ in 0..10 {
            sim.step();
            let events = super::super::observe::events(sim.world(), usize::MAX);
            decisions.extend(
                events
                    .into_iter()
                    .filter(|l| matches!(l.event.payload, Payload::Director { .. })),
            );
        }
        let Direction::Measured(d) = observe(sim.world()) else {
            panic!("valley has a director");
        };
        assert!(d.on);
        // wilds (void), valley (system), march (pattern): only the last two directed.
        let directed: Vec<bool> = d.zones.iter().map(|z| z.directed).collect();
        assert_eq!(directed, [false, true, true]);
        let bands: Vec<(f32, f32)> = d.zones.iter().map(|z| (z.band.low, z.band.high)).collect();
        assert_eq!(bands, [(2.0, 20.0), (3.0, 30.0), (5.0, 35.0)]);
        // On its first look (tick 10) the quiet valley is raided.
        let raid = decisions
            .iter()
            .find(|l| matches!(l.event.payload, Payload::Director { zone: 1, .. }))
            .expect("a decision for the valley");
        assert_eq!(raid.zone, Some(ZoneId(1)), "placed in the zone it names");
        assert_eq!(raid.event.tick, 10);
    }

    #[test]
    fn a_run_without_a_director_says_so() {
        let sim = sim("smoke.ron", include_str!("../../../scenarios/smoke.ron"));
        assert_eq!(observe(sim.world()), Direction::Absent);
    }
}
