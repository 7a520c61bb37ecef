//! The Input stage of each tick: which faults are active now. Faults that
//! change the world are queued as inputs at their first tick (never during
//! a replay: its recorded inputs already hold them); the writer stall and
//! the link faults are published in [`ActiveFaults`] for the store and the
//! server to act on.

use bevy::prelude::*;

use super::{FaultLog, FaultPlan};
use crate::core::SimClock;
use crate::core::scenario::Fault;
use crate::input::Strike;
use crate::input::{Input, InputFeed, QueuedInputs};

/// The writer's stall for this tick's batch: which fault asks, and how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriterStall {
    pub fault: usize,
    pub ms: u64,
}

/// The link faults active at a tick. Shares combine by taking the largest
/// when two faults of a kind overlap; each carries the index of the fault
/// it came from so its effects are counted against it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LinkFaults {
    /// (fault, share of player connections) to close at this tick.
    pub disconnect: Option<(usize, f32)>,
    /// (fault, delay ms, drop probability, duplicate probability).
    pub network: Option<(usize, u64, f32, f32)>,
    /// (fault, share of frames replaced by malformed ones).
    pub malformed: Option<(usize, f32)>,
    /// (fault, share of viewers that stop reading).
    pub slow: Option<(usize, f32)>,
}

impl LinkFaults {
    pub fn is_quiet(&self) -> bool {
        *self == LinkFaults::default()
    }
}

/// What is active at the current tick.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct ActiveFaults {
    pub tick: u64,
    pub stall: Option<WriterStall>,
    pub links: LinkFaults,
}

fn larger(old: Option<(usize, f32)>, new: (usize, f32)) -> Option<(usize, f32)> {
    match old {
        Some(o) if o.1 >= new.1 => Some(o),
        _ => Some(new),
    }
}

/// Input, before inputs are taken.
pub(super) fn inject(
    clock: Res<SimClock>,
    plan: Res<FaultPlan>,
    feed: Res<InputFeed>,
    mut queued: ResMut<QueuedInputs>,
    mut active: ResMut<ActiveFaults>,
    mut log: ResMut<FaultLog>,
) {
    let tick = clock.tick;
    let replaying = matches!(*feed, InputFeed::Replay(_));
    let mut now = ActiveFaults {
        tick,
        ..Default::default()
    };
    for (index, spec) in plan.0.iter().enumerate() {
        if !spec.at.covers(tick) {
            continue;
        }
        if let Some(r) = log.0.get_mut(index) {
            r.reached = true;
        }
        match &spec.fault {
            Fault::Cataclysm { zone, fraction } => {
                if !replaying && spec.at.from == tick {
                    queued.0.push(Input::Fault {
                        index,
                        strike: Strike::Cataclysm {
                            zone: zone.clone(),
                            fraction: *fraction,
                        },
                    });
                }
            }
            Fault::StallWriter { ms } => {
                if now.stall.is_none_or(|s| s.ms < *ms) {
                    now.stall = Some(WriterStall {
                        fault: index,
                        ms: *ms,
                    });
                }
            }
            Fault::Disconnect { fraction } => {
                now.links.disconnect = larger(now.links.disconnect, (index, *fraction));
            }
            Fault::Network {
                delay_ms,
                drop,
                duplicate,
            } => {
                // Overlapping network faults: the later one in the list wins.
                now.links.network = Some((index, *delay_ms, *drop, *duplicate));
            }
            Fault::Malformed { rate } => {
                now.links.malformed = larger(now.links.malformed, (index, *rate));
            }
            Fault::SlowConsumers { fraction } => {
                now.links.slow = larger(now.links.slow, (index, *fraction));
            }
            // Carried out by the live loop after the tick (`net::restart`).
            Fault::Restart => {}
        }
    }
    *active = now;
}
