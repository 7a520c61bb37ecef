//! Reading a simulation's world into what the window draws: the sources
//! that own a `Simulation` (local and replay) call these between ticks, on
//! their own thread. Nothing here changes the world.

use std::sync::Arc;

use bevy::ecs::query::QueryState;
use bevy::prelude::*;

use super::{Agent, Frame, Heat, Logged, Stat7Axes, Stats, ZoneView};
use crate::core::agent::components::*;
use crate::core::stat7::Horizon;
use crate::events::TickEvents;
use crate::govern::GovernStats;
use crate::input::Tunables;
use crate::population::SimParams;
use crate::record::TickFrame;
use crate::world::{SpatialGrid, Zones};

/// Most heatmap bins along an axis: the grid's own cells up to this, so a
/// big world's heatmap stays a few thousand quads.
pub const MAX_BINS: u32 = 96;
/// Neighbours (3×3 cells) at which STAT7 density reaches 1 (as `stat7::agent`).
const DENSITY_FULL: f32 = 64.0;

type Items = (
    &'static EntityId,
    &'static Kind,
    &'static Position,
    &'static Vitals,
    &'static Standing,
    &'static Relations,
    &'static Life,
    &'static Behaviour,
);

/// What a source keeps between frames: the query (its archetype cache) and
/// the last parameters (shared while they do not change).
#[derive(Default)]
pub struct Observer {
    query: Option<QueryState<Items>>,
    tunables: Option<Arc<Tunables>>,
}

impl Observer {
    /// The frame of the tick the world is at (`tick_ms`: what it cost).
    pub fn frame(&mut self, world: &World, tick_ms: f64) -> Frame {
        let tick = world.resource::<TickFrame>().tick;
        let agents = self.agents(world, tick);
        let heat = heat(world);
        let stats = stats(world, tick_ms);
        let tunables = world.get_resource::<SimParams>().map(|p| {
            let now = Tunables::of(p);
            match &self.tunables {
                Some(last) if **last == now => last.clone(),
                _ => {
                    let fresh = Arc::new(now);
                    self.tunables = Some(fresh.clone());
                    fresh
                }
            }
        });
        Frame {
            tick,
            agents: Arc::new(agents),
            heat,
            stats,
            direction: super::direction::observe(world),
            tunables,
            ..Frame::default()
        }
    }

    fn agents(&mut self, world: &World, tick: u64) -> Vec<Agent> {
        let (Some(zones), Some(grid)) = (
            world.get_resource::<Zones>(),
            world.get_resource::<SpatialGrid>(),
        ) else {
            return Vec::new();
        };
        if self.query.is_none() {
            self.query = world.try_query();
        }
        let Some(query) = self.query.as_mut() else {
            return Vec::new();
        };
        let mut out: Vec<Agent> = query
            .iter(world)
            .map(
                |(id, kind, pos, vitals, standing, relations, life, behaviour)| {
                    let zone = zones.zone_at(pos.0);
                    let horizon = life.horizon(tick);
                    Agent {
                        id: id.0,
                        kind: kind.0,
                        pos: pos.0,
                        zone: zone.id.0,
                        realm: zone.realm,
                        health: vitals.health,
                        activity: behaviour.activity,
                        parent: life.parent.0,
                        stat7: Some(Stat7Axes {
                            lineage: life.generation,
                            adjacency: relations.iter().count() as u8,
                            horizon: Horizon::ALL.iter().position(|h| *h == horizon).unwrap_or(0)
                                as u8,
                            resonance: standing.mood.clamp(-1.0, 1.0),
                            velocity: behaviour.activity.intensity(),
                            density: (grid.count_near(pos.0).saturating_sub(1) as f32
                                / DENSITY_FULL)
                                .min(1.0),
                        }),
                    }
                },
            )
            .collect();
        // Archetype order is not id order; the window looks agents up by id.
        out.sort_unstable_by_key(|a| a.id);
        out
    }
}

/// The zones, for the ground and the legend.
pub fn zones(world: &World) -> (Vec2, Vec<ZoneView>) {
    let Some(zones) = world.get_resource::<Zones>() else {
        return (Vec2::ONE, Vec::new());
    };
    let list = zones
        .all()
        .iter()
        .map(|z| ZoneView {
            id: z.id.0,
            name: z.name.clone(),
            realm: z.realm,
            min: z.min,
            max: z.max,
        })
        .collect();
    (zones.size(), list)
}

fn heat(world: &World) -> Heat {
    let (Some(zones), Some(grid)) = (
        world.get_resource::<Zones>(),
        world.get_resource::<SpatialGrid>(),
    ) else {
        return Heat::default();
    };
    let (cols, rows) = zones.dims();
    let (cols, rows) = (cols.clamp(1, MAX_BINS), rows.clamp(1, MAX_BINS));
    Heat {
        cols,
        rows,
        counts: grid.heatmap(cols, rows),
    }
}

fn stats(world: &World, tick_ms: f64) -> Stats {
    let frame = world.resource::<TickFrame>();
    let events = world
        .get_resource::<TickEvents>()
        .map_or(0, |t| t.0.len() as u64);
    let denials = world
        .get_resource::<GovernStats>()
        .map(|g| {
            g.by_rule()
                .into_iter()
                .map(|(rule, d)| (rule, d.denied))
                .collect()
        })
        .unwrap_or_default();
    Stats {
        tick_ms,
        population: frame.population,
        by_kind: frame.by_kind,
        events,
        denials,
    }
}

/// The tick just sealed, at most `limit` events of it (the newest), each
/// with its actor's zone. Call right after the tick: the next one lets
/// them go.
pub fn events(world: &World, limit: usize) -> Vec<Logged> {
    let Some(sealed) = world.get_resource::<TickEvents>() else {
        return Vec::new();
    };
    let zones = world.get_resource::<Zones>();
    let index = world.get_resource::<crate::population::EntityIndex>();
    let events = &sealed.0;
    let skip = events.len().saturating_sub(limit);
    events
        .iter()
        .skip(skip)
        .map(|event| {
            // Where it happened, when the event says.
            let zone = match super::stated_zone(&event.payload) {
                Some(zone) => Some(ZoneId(zone)),
                None => zones.and_then(|zones| {
                    // Told after the tick's reactions, a beat carries its
                    // agent's id only: find the agent by it.
                    let entity = event.handles.0.or_else(|| index?.get(event.actor?))?;
                    let pos = world.get::<Position>(entity)?;
                    Some(zones.zone_at(pos.0).id)
                }),
            };
            Logged {
                event: event.clone(),
                zone,
            }
        })
        .collect()
}

/// The inspected entity as `GET /api/entities/{id}` shows it (without the
/// recent events, which the window has in its own log).
pub fn inspect(world: &mut World, id: u64) -> Option<Arc<serde_json::Value>> {
    let tick = world.resource::<TickFrame>().tick;
    crate::net::answer::entity(world, id, tick).map(Arc::new)
}
