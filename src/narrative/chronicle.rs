//! Chronicles: what a glance at a life or a zone needs, bounded. Small,
//! frequent acts (trades, gathering, talk, meals, blows) are not beats: they
//! fold into each agent's saturating tallies. Each zone keeps a ring of its
//! latest headlines (beats salient enough; what falls off is counted) and
//! counts what happens in it; every `gazette_every` ticks it prints a
//! gazette event of those counts. The full story stays in the store.

use std::collections::VecDeque;

use bevy::prelude::*;

use crate::core::SimClock;
use crate::core::agent::components::{EntityId, Position};
use crate::core::agent::story::{Chronicle, GoalKind};
use crate::events::{Event, EventLog, Payload};
use crate::population::EntityIndex;
use crate::world::Zones;

/// Headlines a zone keeps.
pub const HEADLINES: usize = 32;

/// A beat that made a zone's headlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Headline {
    pub seq: u64,
    pub tick: u64,
    pub who: EntityId,
    /// The beat's rule (index in the pack).
    pub rule: u16,
}

/// What a zone's next gazette reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub births: u32,
    pub deaths: u32,
    pub arrivals: u32,
    pub departures: u32,
    pub feuds: u32,
}

/// Every zone's headlines and gazette counts.
#[derive(Resource, Debug, Default)]
pub struct ZoneChronicle {
    rings: Vec<VecDeque<Headline>>,
    tallies: Vec<Tally>,
    /// Headlines pushed off a full ring, in the whole run.
    pub dropped: u64,
    /// Gazettes printed.
    pub gazettes: u64,
}

impl ZoneChronicle {
    /// Zone ids come from the world's zone table, so the per-zone vectors
    /// grow to its size and no further.
    fn grow(&mut self, zone: u16) {
        let n = zone as usize + 1;
        if self.rings.len() < n {
            self.rings.resize_with(n, VecDeque::new);
            self.tallies.resize(n, Tally::default());
        }
    }

    pub fn push(&mut self, zone: u16, h: Headline) {
        self.grow(zone);
        let ring = &mut self.rings[zone as usize];
        if ring.len() == HEADLINES {
            ring.pop_front();
            self.dropped += 1;
        }
        ring.push_back(h);
    }

    /// A zone's headlines, oldest first.
    pub fn headlines(&self, zone: u16) -> impl Iterator<Item = &Headline> {
        self.rings.get(zone as usize).into_iter().flatten()
    }

    /// Bytes held for the zones' rings and counts.
    pub fn bytes(&self) -> usize {
        self.rings.len() * (HEADLINES * size_of::<Headline>() + size_of::<Tally>())
    }

    /// What a zone's next gazette would report so far.
    pub fn pending(&self, zone: u16) -> Tally {
        self.tallies.get(zone as usize).copied().unwrap_or_default()
    }

    fn tally(&mut self, zone: u16) -> Option<&mut Tally> {
        self.grow(zone);
        self.tallies.get_mut(zone as usize)
    }
}

/// Which life-summary tally an event adds to, for its actor and target.
fn tallies_of(p: &Payload) -> (Option<usize>, Option<usize>) {
    match p {
        Payload::Trade { .. } => (Some(0), Some(0)),
        Payload::Gather { .. } => (Some(1), None),
        Payload::Chat { .. } => (Some(2), Some(2)),
        Payload::Socialise { .. } => (Some(3), Some(3)),
        Payload::Meal { .. } => (Some(4), None),
        Payload::Attack { .. } => (Some(5), None),
        Payload::Damage { .. } => (None, Some(6)),
        Payload::IntentDenied(_) => (Some(7), None),
        _ => (None, None),
    }
}

/// The tallies' names, in order.
pub const TALLY_NAMES: [&str; 8] = [
    "trades", "gathers", "chats", "socials", "meals", "blows", "wounds", "denials",
];

/// Narrate, last: fold the tick's small acts into tallies, count what the
/// zones' gazettes report, and print the gazettes that are due.
#[allow(clippy::too_many_arguments)]
pub(super) fn fold(
    clock: Res<SimClock>,
    every: Res<GazetteEvery>,
    entities: Res<EntityIndex>,
    zones: Res<Zones>,
    mut book: ResMut<ZoneChronicle>,
    mut log: ResMut<EventLog>,
    mut chronicles: Query<&mut Chronicle>,
    positions: Query<&Position>,
) {
    let zone_of = |id: Option<EntityId>| -> Option<u16> {
        let e = entities.get(id?)?;
        positions.get(e).ok().map(|p| zones.zone_at(p.0).id.0)
    };
    for ev in log.pending() {
        let (mine, theirs) = tallies_of(&ev.payload);
        // The event's own entity handles save a look-up by id (most acts
        // carry them; the buried are simply not found).
        let parties = [
            (ev.handles.0, ev.actor, mine),
            (ev.handles.1, ev.target, theirs),
        ];
        for (handle, who, which) in parties {
            let Some(which) = which else { continue };
            if let Some(e) = handle.or_else(|| entities.get(who?))
                && let Ok(mut c) = chronicles.get_mut(e)
            {
                // Nothing watches chronicles for changes: no change tick
                // (a write to another random cache line).
                c.bypass_change_detection().tally(which);
            }
        }
        count(&mut book, ev, &zones, &zone_of);
    }
    if every.0 > 0 && clock.tick > 0 && clock.tick.is_multiple_of(every.0 as u64) {
        print_gazettes(&mut book, &mut log);
    }
}

/// Adds an event to its zone's gazette counts.
fn count(
    book: &mut ZoneChronicle,
    ev: &Event,
    zones: &Zones,
    zone_of: &dyn Fn(Option<EntityId>) -> Option<u16>,
) {
    let at = |x: f32, y: f32| zones.zone_at(bevy::math::Vec2::new(x, y)).id.0;
    let (zone, add): (Option<u16>, fn(&mut Tally)) = match &ev.payload {
        Payload::Birth { .. } => (zone_of(ev.actor), |t| t.births += 1),
        Payload::Death { zone, .. } => (Some(*zone), |t| t.deaths += 1),
        Payload::Spawn { x, y, .. } => (Some(at(*x, *y)), |t| t.arrivals += 1),
        Payload::Departure { .. } => (zone_of(ev.actor), |t| t.departures += 1),
        Payload::Migration { from_zone, to_zone } => {
            if let Some(t) = book.tally(*from_zone) {
                t.departures += 1;
            }
            (Some(*to_zone), |t| t.arrivals += 1)
        }
        Payload::GoalAdopted {
            goal: GoalKind::Revenge,
            ..
        } => (zone_of(ev.actor), |t| t.feuds += 1),
        _ => return,
    };
    if let Some(t) = zone.and_then(|z| book.tally(z)) {
        add(t);
    }
}

fn print_gazettes(book: &mut ZoneChronicle, log: &mut EventLog) {
    for zone in 0..book.tallies.len() {
        let t = std::mem::take(&mut book.tallies[zone]);
        if t == Tally::default() {
            continue;
        }
        book.gazettes += 1;
        log.emit_ids(
            Payload::Gazette {
                zone: zone as u16,
                births: t.births,
                deaths: t.deaths,
                arrivals: t.arrivals,
                departures: t.departures,
                feuds: t.feuds,
            },
            None,
            None,
            None,
        );
    }
}

/// Ticks between gazettes (0: none).
#[derive(Resource, Debug, Default)]
pub struct GazetteEvery(pub u32);
