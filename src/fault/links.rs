//! The link faults' meeting point between the tick and the connection
//! tasks. After each tick the live loop publishes what is active (a
//! `watch` value: a store that never blocks, read by every connection);
//! the connections count what they did against the fault's index, and the
//! loop folds those counts into the [`FaultLog`] when it stops.
//!
//! Every draw is a hash of the run seed, the tick the fault began, the
//! connection and (for frames) a per-connection counter: the same seed and
//! the same connections give the same choices. Which connection gets which
//! id, and when a frame arrives, is up to the network, so a served run's
//! link faults are reproducible in kind and rate, not frame for frame.

use std::collections::BTreeMap;
use std::sync::Mutex;

use bevy::prelude::*;
use tokio::sync::watch;

use super::{ActiveFaults, FaultLog, LinkFaults};
use crate::core::RunSeed;
use crate::core::rng::mix64;

/// What the connections act on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LinkNow {
    pub tick: u64,
    pub seed: u64,
    pub faults: LinkFaults,
    /// First tick of the disconnect being asked for (each is done once).
    pub disconnect_from: u64,
}

/// Published faults and the counts of their effects.
#[derive(Debug)]
pub struct LinkState {
    now: watch::Sender<LinkNow>,
    counts: Mutex<BTreeMap<(usize, &'static str), u64>>,
}

impl Default for LinkState {
    fn default() -> Self {
        LinkState {
            now: watch::Sender::new(LinkNow::default()),
            counts: Mutex::new(BTreeMap::new()),
        }
    }
}

impl LinkState {
    pub fn subscribe(&self) -> watch::Receiver<LinkNow> {
        self.now.subscribe()
    }

    pub fn current(&self) -> LinkNow {
        *self.now.borrow()
    }

    /// Adds `n` to fault `index`'s `effect`.
    pub fn count(&self, index: usize, effect: &'static str, n: u64) {
        if let Ok(mut c) = self.counts.lock() {
            *c.entry((index, effect)).or_default() += n;
        }
    }

    /// Publishes the faults active at the world's tick; connections are
    /// woken only when something changed.
    pub fn publish(&self, world: &World) {
        let Some(active) = world.get_resource::<ActiveFaults>() else {
            return;
        };
        let seed = world.get_resource::<RunSeed>().map_or(0, |s| s.0);
        let faults = active.links;
        self.now.send_if_modified(|now| {
            let disconnect_from = match (faults.disconnect, now.faults.disconnect) {
                (Some(_), None) => active.tick,
                (Some(_), Some(_)) => now.disconnect_from,
                (None, _) => 0,
            };
            let next = LinkNow {
                tick: if faults.is_quiet() {
                    now.tick
                } else {
                    active.tick
                },
                seed,
                faults,
                disconnect_from,
            };
            let changed = next.faults != now.faults || next.seed != now.seed;
            *now = next;
            changed
        });
    }

    /// Moves the counts so far into the world's [`FaultLog`].
    pub fn fold_into(&self, world: &mut World) {
        let counts = match self.counts.lock() {
            Ok(mut c) => std::mem::take(&mut *c),
            Err(_) => return,
        };
        if let Some(mut log) = world.get_resource_mut::<FaultLog>() {
            for ((index, effect), n) in counts {
                log.add(index, effect, n);
            }
        }
    }
}

/// A draw in [0, 1) from the seed and what is being decided.
pub fn draw(seed: u64, salt: u64, conn: u64, n: u64) -> f32 {
    let h = mix64(seed ^ mix64(salt ^ mix64(conn ^ mix64(n))));
    (h >> 40) as f32 / (1u64 << 24) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_follow_the_seed_and_spread() {
        assert_eq!(draw(1, 2, 3, 4), draw(1, 2, 3, 4));
        assert_ne!(draw(1, 2, 3, 4), draw(2, 2, 3, 4));
        let hits = (0..10_000).filter(|n| draw(9, 1, 5, *n) < 0.3).count();
        assert!((2_700..3_300).contains(&hits), "{hits}");
        assert!((0..1000).all(|n| (0.0..1.0).contains(&draw(3, 3, 3, n))));
    }
}
