//! Beats: the tick's events that the narrative pack names, told as moments
//! of a life. Rules are looked up by event kind (an array, no search per
//! event) and filtered by the event's detail (`when`); "first" rules are
//! remembered in the agent's chronicle (a bit each), and every beat told
//! is offered to its chronicle's slot and, if salient enough, to its zone's
//! headlines.

use bevy::prelude::*;

use super::chronicle::{Headline, ZoneChronicle};
use super::goals::GoalActs;
use crate::core::agent::components::{EntityId, Position};
use crate::core::agent::story::{Chronicle, Slot};
use crate::core::event::EVENT_KINDS;
use crate::core::scenario::narrative::{Category, NarrativePack, Role};
use crate::events::{Cause, Event, EventKind, EventLog, Payload};
use crate::population::EntityIndex;
use crate::world::Zones;

/// The pack's rules by the event kind they tell.
#[derive(Resource, Debug, Default)]
pub struct BeatBook {
    by_kind: Vec<Vec<Rule>>,
    /// Salience and name of each rule, by its index in the pack.
    salience: Vec<u8>,
    names: Vec<String>,
    /// Beats at least this salient make headlines.
    headline: u8,
}

#[derive(Clone, Debug)]
struct Rule {
    /// Index in the pack.
    index: u16,
    name: String,
    role: Role,
    salience: u8,
    /// Bit of the chronicle's firsts, for a first-only rule.
    first: Option<u16>,
    when: Option<String>,
    category: Category,
}

impl BeatBook {
    pub fn new(pack: &NarrativePack) -> BeatBook {
        let mut by_kind = vec![Vec::new(); EVENT_KINDS.len()];
        for (i, b) in pack.beats.iter().enumerate() {
            by_kind[b.on as usize].push(Rule {
                index: i as u16,
                name: b.name.clone(),
                role: b.role,
                salience: b.salience,
                first: pack.first_index(i).map(|f| 1u16 << f),
                when: b.when.clone(),
                category: b.category,
            });
        }
        BeatBook {
            by_kind,
            salience: pack.beats.iter().map(|b| b.salience).collect(),
            names: pack.beats.iter().map(|b| b.name.clone()).collect(),
            headline: pack.headline,
        }
    }

    /// The name of the pack's rule `index`.
    pub fn name_of(&self, index: u16) -> Option<&str> {
        self.names.get(index as usize).map(String::as_str)
    }

    /// The salience of the pack's rule `index` (0 if none).
    pub fn salience_of(&self, index: u16) -> u8 {
        self.salience.get(index as usize).copied().unwrap_or(0)
    }
}

/// Whether a rule's `when` admits an event's detail: exact, or a `*`
/// at either end for a suffix or prefix.
pub fn admits(when: Option<&str>, detail: Option<&str>) -> bool {
    let Some(when) = when else {
        return true;
    };
    let Some(detail) = detail else {
        return false;
    };
    if let Some(suffix) = when.strip_prefix('*') {
        detail.ends_with(suffix)
    } else if let Some(prefix) = when.strip_suffix('*') {
        detail.starts_with(prefix)
    } else {
        when == detail
    }
}

/// One beat to tell.
struct Told {
    who: EntityId,
    rule: u16,
    beat: String,
    salience: u8,
    cause: Cause,
    /// Where it happened, if the event says (a death's zone).
    zone: Option<u16>,
    /// The agent, if it is still in the world.
    entity: Option<Entity>,
}

/// Narrate: every event of the tick the pack names, in seq order, becomes
/// a beat event (emitted after the tick's own events, in the same order).
/// Each agent's chronicle is read and written once per beat, while the
/// events are read: its slot takes the seq the beat will be emitted with
/// (the beats are emitted in order, right after), so the second pass only
/// emits. At a million agents the chronicles are cache misses, and Narrate
/// is mostly these.
#[allow(clippy::too_many_arguments)]
pub(super) fn tell(
    book: Res<BeatBook>,
    acts: Res<GoalActs>,
    entities: Res<EntityIndex>,
    zones: Res<Zones>,
    mut headlines: ResMut<ZoneChronicle>,
    mut log: ResMut<EventLog>,
    mut chronicles: Query<&mut Chronicle>,
    positions: Query<&Position>,
) {
    let first_seq = log.next_seq();
    let mut told = Vec::new();
    for ev in log.pending() {
        let kind = ev.payload.kind();
        let rules = &book.by_kind[kind as usize];
        if rules.is_empty() {
            continue;
        }
        let detail = detail(ev, &acts);
        for rule in rules {
            if !admits(rule.when.as_deref(), detail.as_deref()) {
                continue;
            }
            let Some(who) = party(ev, rule.role) else {
                continue;
            };
            let handle = match rule.role {
                Role::Actor => ev.handles.0,
                Role::Target => ev.handles.1,
            };
            let entity = handle.or_else(|| entities.get(who));
            // Nothing watches chronicles for changes: skipping the change
            // tick saves a write to another random cache line.
            let mut chronicle = entity.and_then(|e| chronicles.get_mut(e).ok());
            let chronicle = chronicle.as_mut().map(|c| c.bypass_change_detection());
            if let Some(bit) = rule.first {
                // Someone buried this tick has no chronicle left to ask:
                // a first is then not told rather than maybe told twice.
                let Some(c) = &chronicle else { continue };
                if c.firsts & bit != 0 {
                    continue;
                }
            }
            let seq = first_seq + told.len() as u64;
            if let Some(c) = chronicle {
                if let Some(bit) = rule.first {
                    c.firsts |= bit;
                }
                let slot = Slot {
                    seq,
                    rule: rule.index,
                };
                keep(&book, c, rule.category, slot, rule.salience);
            }
            told.push(Told {
                who,
                rule: rule.index,
                beat: rule.name.clone(),
                salience: rule.salience,
                cause: ev.as_cause(),
                zone: match ev.payload {
                    Payload::Death { zone, .. } => Some(zone),
                    _ => None,
                },
                entity,
            });
        }
    }
    let tick = log.pending().last().map_or(0, |e| e.tick);
    for (i, t) in told.into_iter().enumerate() {
        // Beats come after React: nothing reacts to them, and the agent may
        // already be buried, so they carry its id only.
        let seq = log.emit_about(
            Payload::Beat {
                beat: t.beat,
                salience: t.salience,
            },
            t.who,
            t.cause,
        );
        debug_assert_eq!(seq, first_seq + i as u64, "the slot took this seq");
        if t.salience >= book.headline {
            let zone = t.zone.or_else(|| {
                t.entity
                    .and_then(|e| positions.get(e).ok())
                    .map(|p| zones.zone_at(p.0).id.0)
            });
            if let Some(zone) = zone {
                let rule = t.rule;
                let who = t.who;
                headlines.push(
                    zone,
                    Headline {
                        seq,
                        tick,
                        who,
                        rule,
                    },
                );
            }
        }
    }
}

/// The strongest beat of each category stays in the chronicle (a tie goes
/// to the later one: the story so far ends with it).
fn keep(book: &BeatBook, c: &mut Chronicle, category: Category, slot: Slot, salience: u8) {
    let i = category as usize;
    if c.slot(i)
        .is_none_or(|old| book.salience_of(old.rule) <= salience)
    {
        c.set_slot(i, slot);
    }
}

/// An event's detail for `when`; a denied intent that was a goal's act has
/// the goal as its detail.
fn detail(ev: &Event, acts: &GoalActs) -> Option<std::borrow::Cow<'static, str>> {
    if ev.payload.kind() == EventKind::IntentDenied
        && let Some((_, goal)) = acts.0.iter().find(|(seq, _)| *seq == ev.seq)
    {
        return Some(std::borrow::Cow::Borrowed(goal.as_str()));
    }
    ev.payload.detail()
}

/// The agent an event is a moment of, in `role`.
fn party(ev: &Event, role: Role) -> Option<EntityId> {
    match role {
        Role::Actor => ev.actor,
        Role::Target => ev.target,
    }
}
