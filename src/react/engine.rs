//! The cascade engine. After Apply, every event of the tick is offered to the
//! rules for its kind, in seq order; reactions may change the world and emit
//! new events (depth + 1, caused by the event they react to), which are
//! offered in turn, until nothing new happens. Delayed rules park the event
//! and react to it at the start of React on a later tick. A depth limit and
//! a per-tick budget bound the work; what they cut off is counted.

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy::prelude::*;

use super::{combat, kin, society};
use crate::core::SimClock;
use crate::core::event::EventKind;
use crate::core::scenario::{Reaction, ReactionSet};
use crate::events::{Event, EventLog};
use crate::population::SimParams;

/// The rules in force, indexed by event kind.
#[derive(Resource, Clone, Debug)]
pub struct ReactionRules {
    set: Arc<ReactionSet>,
    by_kind: Vec<Vec<usize>>,
}

impl ReactionRules {
    pub fn new(set: ReactionSet) -> ReactionRules {
        let by_kind = EventKind::ALL
            .iter()
            .map(|k| {
                (0..set.rules.len())
                    .filter(|i| set.rules[*i].on == *k)
                    .collect()
            })
            .collect();
        ReactionRules {
            set: Arc::new(set),
            by_kind,
        }
    }

    pub fn set(&self) -> &ReactionSet {
        &self.set
    }
}

/// What the engine did over the run.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct ReactStats {
    pub ran: u64,
    pub scheduled: u64,
    /// Reactions not run because their event was at the depth limit.
    pub truncated_depth: u64,
    /// Reactions not run because the tick's budget was spent (or, for
    /// delayed ones, because the schedule was full).
    pub truncated_budget: u64,
}

/// Most delayed reactions waiting at once.
const MAX_SCHEDULED: usize = 1_000_000;

/// Delayed reactions, by the tick they are due.
#[derive(Resource, Debug, Default)]
pub struct Scheduled {
    due: BTreeMap<u64, Vec<(usize, Event)>>,
    len: usize,
}

impl Scheduled {
    fn push(&mut self, tick: u64, rule: usize, event: Event) -> bool {
        if self.len >= MAX_SCHEDULED {
            return false;
        }
        self.due.entry(tick).or_default().push((rule, event));
        self.len += 1;
        true
    }

    fn take_due(&mut self, tick: u64) -> Vec<(usize, Event)> {
        let later = self.due.split_off(&(tick + 1));
        let due: Vec<_> = std::mem::replace(&mut self.due, later)
            .into_values()
            .flatten()
            .collect();
        self.len -= due.len();
        due
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

fn run(world: &mut World, reaction: &Reaction, event: &Event) {
    match reaction {
        Reaction::Damage => combat::damage(world, event),
        Reaction::Death => combat::death(world, event),
        Reaction::LootDrop => combat::loot_drop(world, event),
        Reaction::LootPick => combat::loot_pick(world, event),
        Reaction::Grief { mood } => kin::grief(world, event, *mood),
        Reaction::Inheritance => kin::inheritance(world, event),
        Reaction::Lineage { affinity } => kin::lineage(world, event, *affinity),
        Reaction::Reputation { delta } => society::reputation(world, event, *delta),
        Reaction::Overcrowding { threshold } => society::overcrowding(world, event, *threshold),
        Reaction::Migration => society::migration(world, event),
    }
}

/// React: delayed reactions due now, then every event of the tick, breadth
/// first in seq order, until quiet.
pub(super) fn react(world: &mut World) {
    let rules = world.resource::<ReactionRules>().clone();
    let tick = world.resource::<SimClock>().tick;
    let (limit, budget) = {
        let p = world.resource::<SimParams>();
        (p.depth_limit, p.tick_budget)
    };
    let mut stats = world.resource::<ReactStats>().clone();
    let mut ran = 0u32;
    let mut attempt =
        |world: &mut World, stats: &mut ReactStats, rule: usize, event: &Event, now: bool| {
            let spec = &rules.set.rules[rule];
            if event.depth >= limit {
                stats.truncated_depth += 1;
            } else if ran >= budget {
                stats.truncated_budget += 1;
            } else if spec.delay > 0 && !now {
                let parked = world.resource_mut::<Scheduled>().push(
                    tick + spec.delay as u64,
                    rule,
                    event.clone(),
                );
                if parked {
                    stats.scheduled += 1;
                } else {
                    stats.truncated_budget += 1;
                }
            } else {
                ran += 1;
                stats.ran += 1;
                run(world, &spec.react, event);
            }
        };
    let due = world.resource_mut::<Scheduled>().take_due(tick);
    for (rule, event) in &due {
        attempt(world, &mut stats, *rule, event, true);
    }
    let mut i = 0;
    loop {
        // Only events some rule reacts to are copied out of the log.
        let next = {
            let pending = world.resource::<EventLog>().pending();
            let Some(offset) = pending[i..]
                .iter()
                .position(|e| !rules.by_kind[e.payload.kind_index()].is_empty())
            else {
                break;
            };
            i += offset + 1;
            pending[i - 1].clone()
        };
        for rule in &rules.by_kind[next.payload.kind_index()] {
            attempt(world, &mut stats, *rule, &next, false);
        }
    }
    *world.resource_mut::<ReactStats>() = stats;
}
