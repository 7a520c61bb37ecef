//! Answers to the network's questions, computed from the world between
//! ticks (the loop that runs the ticks calls [`answer`]), so every answer
//! is a consistent picture of one tick. Nothing here changes the world:
//! changes travel as recorded inputs.

use bevy::prelude::*;
use serde_json::{Value, json};

use super::bridge::{EntityFilter, EntityPage, SimQuery};
use super::frame::{EntityState, Watched as Agent, state_of};
use crate::core::SimClock;
use crate::core::agent::components::*;
use crate::core::protocol::Subscription;
use crate::govern::GovernStats;
use crate::input::Input;
use crate::input::tunables::{self, Tunables};
use crate::population::{Census, SimParams};
use crate::record::RunStats;
use crate::world::stat7::bitchain;
use crate::world::{SpatialGrid, Zones};

/// Longest page of `GET /api/entities`.
pub const MAX_PAGE: usize = 1000;

/// What answering a query asks of the loop besides the reply.
pub enum Effect {
    None,
    /// Queue this input for the next tick.
    Input(Input),
}

pub fn answer(world: &mut World, query: SimQuery) -> Effect {
    let tick = world.resource::<SimClock>().tick;
    match query {
        SimQuery::Entities(filter, reply) => {
            let _ = reply.send(entities(world, &filter, tick));
        }
        SimQuery::Entity(id, reply) => {
            let _ = reply.send(entity(world, id, tick));
        }
        SimQuery::Story(id, reply) => {
            let _ = reply.send(super::story::entity_story(world, id, tick));
        }
        SimQuery::Chronicle(zone, reply) => {
            let _ = reply.send(super::story::zone_chronicle(world, &zone, tick));
        }
        SimQuery::Director(reply) => {
            let _ = reply.send(super::director::director_state(world, tick));
        }
        SimQuery::Stories(pattern, limit, reply) => {
            let answer = match &pattern {
                Some(p)
                    if world
                        .get_resource::<crate::narrative::sift::LiveSift>()
                        .is_some()
                        && !super::director::knows_pattern(world, p) =>
                {
                    Err(format!("no pattern {p:?} in the run's narrative pack"))
                }
                _ => Ok(super::director::stories(
                    world,
                    pattern.as_deref(),
                    limit,
                    tick,
                )),
            };
            let _ = reply.send(answer);
        }
        SimQuery::Stats(reply) => {
            let _ = reply.send(stats(world, tick));
        }
        SimQuery::Governance(reply) => {
            let by_rule = world.resource::<GovernStats>().by_rule();
            let _ = reply.send(json!({ "tick": tick, "by_rule": by_rule }));
        }
        SimQuery::Tunables(reply) => {
            let _ = reply.send(Tunables::of(world.resource::<SimParams>()));
        }
        SimQuery::Tune(patch, reply) => {
            match tunables::check(patch, world.resource::<SimParams>()) {
                Ok((change, tuned)) => {
                    let _ = reply.send(Ok(Tunables::of(&tuned)));
                    return Effect::Input(Input::Tune { patch: change });
                }
                Err(e) => {
                    let _ = reply.send(Err(e));
                }
            }
        }
        SimQuery::Snapshot(sub, reply) => {
            let _ = reply.send((tick, snapshot(world, &sub)));
        }
        // Controls change the loop, not the world; the loop handles them.
        SimQuery::Control(..) => {}
    }
    Effect::None
}

fn entities(world: &mut World, f: &EntityFilter, tick: u64) -> EntityPage {
    let zones = world.resource::<Zones>().clone();
    let mut q = world.query::<Agent>();
    let mut found: Vec<EntityState> = q
        .iter(world)
        .map(|a| state_of(a, &zones))
        .filter(|s| {
            let kind_ok = f.kind.as_deref().is_none_or(|k| match k {
                "player" => s.kind.is_player(),
                "npc" => !s.kind.is_player(),
                other => s.kind.name() == other,
            });
            let arch_ok = f.archetype.as_deref().is_none_or(|a| s.kind.name() == a);
            let zone = zones.get(crate::core::agent::ZoneId(s.zone));
            kind_ok
                && arch_ok
                && f.zone.is_none_or(|z| z == s.zone)
                && f.realm.as_deref().is_none_or(|r| zone.realm.as_str() == r)
                && f.near.is_none_or(|(x, y, r)| {
                    let (dx, dy) = (s.x - x, s.y - y);
                    dx * dx + dy * dy <= r * r
                })
        })
        .collect();
    found.sort_unstable_by_key(|s| s.id);
    let total = found.len();
    let limit = f.limit.clamp(1, MAX_PAGE);
    EntityPage {
        tick,
        total,
        offset: f.offset,
        entities: found
            .iter()
            .skip(f.offset)
            .take(limit)
            .map(|s| serde_json::to_value(s.view()).unwrap_or(Value::Null))
            .collect(),
    }
}

/// One entity in full, as `GET /api/entities/{id}` shows it (the recent
/// events are added by the caller that keeps them).
pub fn entity(world: &mut World, id: u64, tick: u64) -> Option<Value> {
    let entity = world
        .resource::<crate::population::EntityIndex>()
        .get(EntityId(id))?;
    let e = world.get_entity(entity).ok()?;
    let zones = world.resource::<Zones>();
    let grid = world.resource::<SpatialGrid>();
    let view = (
        e.get::<EntityId>()?,
        e.get::<Kind>()?,
        e.get::<Position>()?,
        e.get::<Purse>()?,
        e.get::<Standing>()?,
        e.get::<Relations>()?,
        e.get::<Life>()?,
        e.get::<Behaviour>()?,
    );
    let chain = bitchain(view, tick, zones, grid);
    let vitals = e.get::<Vitals>()?;
    let motion = e.get::<Motion>()?;
    let (_, kind, pos, purse, standing, relations, life, behaviour) = view;
    let c = &chain.coordinates;
    let story = super::story::entity_story(world, id, tick);
    Some(json!({
        "story": story,
        "id": id,
        "tick": tick,
        "kind": kind.0.name(),
        "player": kind.0.is_player(),
        "piloted": e.get::<Piloted>().is_some(),
        "position": { "x": pos.0.x, "y": pos.0.y },
        "zone": zones.zone_at(pos.0).id.0,
        "motion": { "moving": motion.moving, "target": { "x": motion.target.x, "y": motion.target.y } },
        "vitals": { "health": vitals.health, "energy": vitals.energy },
        "purse": { "wealth": purse.wealth, "goods": purse.goods },
        "standing": { "faction": standing.faction, "reputation": standing.reputation, "mood": standing.mood },
        "life": { "born": life.born, "ends": life.ends, "generation": life.generation, "parent": life.parent.0 },
        "activity": behaviour.activity.as_str(),
        "relationships": relations.iter().map(|(o, a)| json!({"id": o.0, "affinity": a})).collect::<Vec<_>>(),
        "stat7": {
            "realm": c.realm.as_str(),
            "lineage": c.lineage,
            "adjacency": c.adjacency,
            "horizon": c.horizon.as_str(),
            "resonance": c.resonance,
            "velocity": c.velocity,
            "density": c.density,
            "address": chain.address().ok(),
            "uri": chain.uri().ok(),
        },
    }))
}

fn stats(world: &World, tick: u64) -> Value {
    let s = world.resource::<RunStats>();
    let census = world.resource::<Census>();
    // Paused by whom ever asked (a viewer only knows its own commands).
    let paused = world
        .get_resource::<super::frame::NetLink>()
        .is_some_and(|l| l.gauges.paused.load(std::sync::atomic::Ordering::Relaxed));
    json!({
        "tick": tick,
        "paused": paused,
        "population": census.total(),
        "players": census.players(),
        "events": world.resource::<crate::events::EventLog>().total(),
        "ticks_run": s.ticks,
        "tick_ms": { "p50": s.tick_ms(0.5), "p99": s.tick_ms(0.99), "max": s.tick_ms_max() },
        "births": s.births,
        "deaths": s.deaths,
        "arrivals": s.arrivals,
        "departures": s.departures,
        "entity_ticks_per_sec": s.entity_ticks_per_sec(),
    })
}

fn snapshot(world: &mut World, sub: &Subscription) -> Vec<EntityState> {
    let zones = world.resource::<Zones>().clone();
    let mut q = world.query::<Agent>();
    let mut out: Vec<EntityState> = q
        .iter(world)
        .filter(|a| sub.entities.as_ref().is_none_or(|ids| ids.contains(&a.0.0)))
        .map(|a| state_of(a, &zones))
        .filter(|s| sub.zones.as_ref().is_none_or(|z| z.contains(&s.zone)))
        .collect();
    out.sort_unstable_by_key(|s| s.id);
    out
}
