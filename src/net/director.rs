//! The live answers of Warbler's second half (`GET /api/director`,
//! `GET /api/stories`), made from the running world between ticks: each
//! zone's tension against its band, the director's state and what it has
//! done there; the stories the live sifter found, by pattern, and the
//! latest ones. Every decision and story is also an event in `events.db`
//! (`seedsim story --director`, `seedsim story --sift`).

use bevy::prelude::*;
use serde_json::{Value, json};

use crate::core::scenario::festival::ZoneFestivals;
use crate::narrative::director::{Director, DirectorBook};
use crate::narrative::sift::LiveSift;
use crate::narrative::tension::ZoneTension;
use crate::world::Zones;

/// The director's state now, zone by zone; `None` without a director.
pub fn director_state(world: &World, tick: u64) -> Option<Value> {
    let spec = &world.get_resource::<Director>()?.0;
    let tension = world.get_resource::<ZoneTension>()?;
    let book = world.get_resource::<DirectorBook>()?;
    let festivals = world.get_resource::<ZoneFestivals>();
    let zones: Vec<Value> = world
        .resource::<Zones>()
        .all()
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < tension.level.len())
        .map(|(i, z)| {
            let band = tension.band(i);
            let m = book.zones.get(i).copied().unwrap_or_default();
            let directed = spec.zones.is_empty() || spec.zones.contains(&z.name);
            json!({
                "zone": z.name,
                "id": z.id.0,
                "directed": directed && spec.on,
                "tension": tension.level[i],
                "band": { "low": band.low, "high": band.high },
                "in_band": band.holds(tension.level[i]),
                "time_in_band": tension.time_in_band(i),
                "state": m.state.as_str(),
                "since": m.since,
                "raids": m.raids,
                "withdrawals": m.withdrawals,
                "festivals": m.festivals,
                "plagues": m.plagues,
                "festival_on": festivals.is_some_and(|f| f.on(i, tick)),
                "last_raid": m.last_raid,
                "last_festival": m.last_festival,
            })
        })
        .collect();
    Some(json!({ "tick": tick, "on": spec.on, "every": spec.every, "zones": zones }))
}

/// The live sifter's stories: counts by pattern and the latest `limit`
/// (of `pattern`, if given), newest first; `None` if the run sifts none.
pub fn stories(world: &World, pattern: Option<&str>, limit: usize, tick: u64) -> Option<Value> {
    let live = world.get_resource::<LiveSift>()?;
    let found: serde_json::Map<String, Value> = live
        .found
        .iter()
        .enumerate()
        .map(|(i, n)| (live.sifter.name(i as u16).to_string(), json!(n)))
        .collect();
    let latest: Vec<Value> = live
        .recent
        .iter()
        .rev()
        .filter(|(_, _, m)| pattern.is_none_or(|p| m.pattern == p))
        .take(limit)
        .map(|(seq, tick, m)| {
            json!({ "seq": seq, "tick": tick, "pattern": m.pattern, "roles": m.roles, "events": m.events })
        })
        .collect();
    let st = live.sifter.stats;
    Some(json!({
        "tick": tick,
        "found": found,
        "pool": { "held": live.sifter.pool_len(), "peak": st.peak, "evicted": st.evicted, "begun": st.begun },
        "stories": latest,
        "note": "every story is a `sifted` event; told in words: seedsim story <events.db> --sift PATTERN",
    }))
}

/// Whether the run's patterns include `name`.
pub fn knows_pattern(world: &World, name: &str) -> bool {
    world
        .get_resource::<LiveSift>()
        .is_some_and(|l| (0..l.found.len()).any(|i| l.sifter.name(i as u16) == name))
}
