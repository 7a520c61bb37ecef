//! The live story answers (`GET /api/entities/{id}/story`,
//! `GET /api/zones/{name}/chronicle`), made from the running world between
//! ticks: an agent's generated name, traits, goal, chronicle slots and
//! tallies; a zone's headlines and what its next gazette will report. The
//! whole life of any agent, dead ones included, is in `events.db`
//! (`seedsim story`).

use bevy::prelude::*;
use serde_json::{Value, json};

use crate::core::RunSeed;
use crate::core::agent::components::EntityId;
use crate::core::agent::story::{CHRONICLE_SLOTS, Chronicle, Pursuit, Traits};
use crate::core::scenario::narrative::Category;
use crate::narrative::render::name_of;
use crate::narrative::{BeatBook, GoalBook, TALLY_NAMES, ZoneChronicle};
use crate::population::EntityIndex;
use crate::world::Zones;

const CATEGORIES: [Category; CHRONICLE_SLOTS] = [
    Category::Kin,
    Category::Strife,
    Category::Fortune,
    Category::Journey,
];

/// A living agent's story as the simulation holds it now.
pub fn entity_story(world: &World, id: u64, tick: u64) -> Option<Value> {
    let entity = world.resource::<EntityIndex>().get(EntityId(id))?;
    let e = world.get_entity(entity).ok()?;
    let seed = world.resource::<RunSeed>().0;
    let book = world.get_resource::<BeatBook>()?;
    let chronicle = e.get::<Chronicle>().copied().unwrap_or_default();
    let slots: serde_json::Map<String, Value> = CATEGORIES
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let s = chronicle.slot(i)?;
            let name = serde_json::to_value(c).ok()?.as_str()?.to_string();
            Some((name, json!({ "seq": s.seq, "beat": book.name_of(s.rule) })))
        })
        .collect();
    let tallies: serde_json::Map<String, Value> = TALLY_NAMES
        .iter()
        .zip(chronicle.tallies)
        .map(|(n, v)| (n.to_string(), json!(v)))
        .collect();
    let pursuit = e.get::<Pursuit>().copied().unwrap_or_default();
    let goal = pursuit.goal().map(|kind| {
        let held = world.resource::<GoalBook>().held(EntityId(id)).copied();
        json!({
            "goal": kind.as_str(),
            "target": pursuit.target().map(|t| t.0),
            "target_name": pursuit.target().map(|t| name_of(seed, t.0)),
            "zone": pursuit.zone().map(|z| z.0),
            "until": held.map(|h| h.until),
            "adopted_seq": held.map(|h| h.adopted),
        })
    });
    Some(json!({
        "id": id,
        "tick": tick,
        "name": name_of(seed, id),
        "traits": e.get::<Traits>().copied(),
        "goal": goal,
        "chronicle": slots,
        "tallies": tallies,
        "note": "the whole life, told in words, is in events.db: seedsim story <events.db> --entity ID",
    }))
}

/// A zone's chronicle now: its headlines (oldest first) and what its next
/// gazette will report so far.
pub fn zone_chronicle(world: &World, name: &str, tick: u64) -> Option<Value> {
    let zone = world.resource::<Zones>().by_name(name)?.id.0;
    let seed = world.resource::<RunSeed>().0;
    let book = world.get_resource::<BeatBook>()?;
    let chronicle = world.get_resource::<ZoneChronicle>()?;
    let headlines: Vec<Value> = chronicle
        .headlines(zone)
        .map(|h| {
            json!({
                "seq": h.seq,
                "tick": h.tick,
                "who": h.who.0,
                "name": name_of(seed, h.who.0),
                "beat": book.name_of(h.rule),
            })
        })
        .collect();
    Some(json!({
        "zone": name,
        "id": zone,
        "tick": tick,
        "headlines": headlines,
        "headlines_dropped": chronicle.dropped,
        "since_last_gazette": chronicle.pending(zone),
    }))
}
