//! Beats: the tick's events that the narrative pack names, told as moments
//! of a life. Rules are looked up by event kind (an array, no search per
//! event); "first" rules remember, per agent, which firsts it has had, and
//! forget an agent at its death, so the memory holds the living only.

use std::collections::BTreeSet;

use bevy::prelude::*;

use crate::core::agent::EntityId;
use crate::core::event::EVENT_KINDS;
use crate::core::scenario::narrative::{NarrativePack, Role};
use crate::events::{Event, EventKind, EventLog, Payload};

/// The pack's rules by the event kind they tell.
#[derive(Resource, Debug, Default)]
pub struct BeatBook {
    by_kind: Vec<Vec<Rule>>,
}

#[derive(Clone, Debug)]
struct Rule {
    /// Index in the pack (names a first).
    index: u16,
    name: String,
    role: Role,
    salience: u8,
    first: bool,
}

/// (agent, rule index) of every "first" an agent alive has had.
#[derive(Resource, Debug, Default)]
pub struct Firsts(BTreeSet<(u64, u16)>);

impl BeatBook {
    pub fn new(pack: &NarrativePack) -> BeatBook {
        let mut by_kind = vec![Vec::new(); EVENT_KINDS.len()];
        for (i, b) in pack.beats.iter().enumerate() {
            by_kind[b.on as usize].push(Rule {
                index: i as u16,
                name: b.name.clone(),
                role: b.role,
                salience: b.salience,
                first: b.first,
            });
        }
        BeatBook { by_kind }
    }
}

/// One beat to tell: whose, which rule, told from which event.
struct Told {
    who: EntityId,
    beat: String,
    salience: u8,
    cause: crate::events::Cause,
}

/// Narrate: every event of the tick the pack names, in seq order, becomes
/// a beat event (emitted after the tick's own events, in the same order).
pub(super) fn tell(book: Res<BeatBook>, mut firsts: ResMut<Firsts>, mut log: ResMut<EventLog>) {
    let mut told = Vec::new();
    for ev in log.pending() {
        let kind = ev.payload.kind();
        for rule in &book.by_kind[kind as usize] {
            let Some(who) = party(ev, rule.role) else {
                continue;
            };
            if rule.first && !firsts.0.insert((who.0, rule.index)) {
                continue;
            }
            told.push(Told {
                who,
                beat: rule.name.clone(),
                salience: rule.salience,
                cause: ev.as_cause(),
            });
        }
        if kind == EventKind::Death
            && let Some(dead) = ev.actor
        {
            // The dead have no more firsts: forget them.
            let from = (dead.0, 0);
            let to = (dead.0, u16::MAX);
            let gone: Vec<_> = firsts.0.range(from..=to).copied().collect();
            for key in gone {
                firsts.0.remove(&key);
            }
        }
    }
    for t in told {
        // Beats come after React: nothing reacts to them, and the agent may
        // already be buried, so they carry its id only.
        log.emit_about(
            Payload::Beat {
                beat: t.beat,
                salience: t.salience,
            },
            t.who,
            t.cause,
        );
    }
}

/// The agent an event is a moment of, in `role`.
fn party(ev: &Event, role: Role) -> Option<EntityId> {
    match role {
        Role::Actor => ev.actor,
        Role::Target => ev.target,
    }
}
