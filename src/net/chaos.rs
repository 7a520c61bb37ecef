//! A connection's share of a scenario's link faults (see `crate::fault`),
//! on the server's side of the link: each client frame, as it arrives, may
//! be delayed, dropped, duplicated or cut short; a disconnect picks player
//! connections to close; slow consumers stop reading what the hub queues.
//! The connection task asks this before it handles a frame; nothing here
//! touches the simulation.
//!
//! What "nothing lost" means under these faults: a frame the network drops
//! or garbles never reached the server, so the client must resend it (the
//! assault clients resend an unanswered action under the same `req_id`);
//! the server recognises a repeated `req_id` on a connection ([`SeenIds`])
//! and does not execute it again — the first copy's ack is the answer. A
//! disconnect drains first: the connection stops taking actions (answering
//! each with a `shutting_down` error naming its `req_id`), waits for the
//! acks of what it already took, then closes, so every action is answered
//! exactly once.

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::bridge::Gauges;
use crate::fault::links::{LinkNow, draw};

/// Req ids a connection remembers for spotting repeats.
const SEEN: usize = 4096;
/// How long a closing connection stays open: the acks of what it took come
/// within a tick or two, and a client whose action the network lost resends
/// it after 1.5 s (and again at 3 s), to be answered `shutting_down` rather
/// than left waiting when the socket goes.
pub const DRAIN: Duration = Duration::from_millis(3500);

const SALT_DISCONNECT: u64 = 1;
const SALT_FRAME: u64 = 2;
const SALT_SLOW: u64 = 3;

/// What to do with one incoming frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Ingress {
    /// Handle these (one copy, two for a duplicate, a cut one if malformed),
    /// after waiting this long.
    Deliver(Vec<String>, Duration),
    /// The network lost it.
    Dropped,
}

/// What a change of the published faults asks of this connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    None,
    /// Start closing: drain, then close.
    Disconnect,
}

/// Recent req ids of a connection, bounded (oldest forgotten first).
#[derive(Debug, Default)]
pub struct SeenIds {
    order: VecDeque<u64>,
    set: BTreeSet<u64>,
}

impl SeenIds {
    pub fn contains(&self, id: u64) -> bool {
        self.set.contains(&id)
    }

    /// Remembers `id` (an action the simulation took).
    pub fn remember(&mut self, id: u64) {
        if !self.set.insert(id) {
            return;
        }
        self.order.push_back(id);
        if self.order.len() > SEEN
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
    }
}

/// One connection's view of the link faults.
pub struct Chaos {
    rx: watch::Receiver<LinkNow>,
    gauges: Arc<Gauges>,
    conn: u64,
    frames: u64,
    /// The disconnect (by first tick) this connection has already judged.
    judged: u64,
    /// Whether this viewer is one that stopped reading, and for which fault.
    slow: Option<usize>,
}

impl Chaos {
    pub fn new(gauges: Arc<Gauges>, conn: u64) -> Chaos {
        Chaos {
            rx: gauges.links.subscribe(),
            gauges,
            conn,
            frames: 0,
            judged: 0,
            slow: None,
        }
    }

    /// Resolves when the published faults change.
    pub async fn changed(&mut self) -> bool {
        self.rx.changed().await.is_ok()
    }

    /// Judges the faults now published; `player` / `viewer` say what this
    /// connection is.
    pub fn on_change(&mut self, player: bool, viewer: bool) -> Change {
        let now = *self.rx.borrow_and_update();
        let links = &self.gauges.links;
        match (now.faults.slow, viewer) {
            // Only pure viewers: a player's own acks must keep flowing.
            (Some((index, share)), true) if self.slow.is_none() && !player => {
                links.count(index, "viewers", 1);
                if draw(now.seed, SALT_SLOW, self.conn, now.tick) < share {
                    links.count(index, "slowed", 1);
                    self.slow = Some(index);
                }
            }
            (None, _) => self.slow = None,
            _ => {}
        }
        if let Some((index, share)) = now.faults.disconnect
            && player
            && self.judged != now.disconnect_from
        {
            self.judged = now.disconnect_from;
            links.count(index, "players", 1);
            if draw(now.seed, SALT_DISCONNECT, self.conn, now.disconnect_from) < share {
                links.count(index, "disconnected", 1);
                return Change::Disconnect;
            }
        }
        Change::None
    }

    /// Whether this connection has stopped reading what the hub queues.
    pub fn is_slow(&self) -> bool {
        self.slow.is_some()
    }

    /// What becomes of one client frame on its way in.
    pub fn ingress(&mut self, text: String) -> Ingress {
        let now = *self.rx.borrow();
        if now.faults.network.is_none() && now.faults.malformed.is_none() {
            return Ingress::Deliver(vec![text], Duration::ZERO);
        }
        self.frames += 1;
        let n = self.frames;
        let roll = |k: u64| draw(now.seed, SALT_FRAME + (k << 8), self.conn, n);
        let links = &self.gauges.links;
        let mut delay = Duration::ZERO;
        let mut copies = 1;
        if let Some((index, delay_ms, drop, duplicate)) = now.faults.network {
            links.count(index, "frames", 1);
            if roll(1) < drop {
                links.count(index, "dropped", 1);
                return Ingress::Dropped;
            }
            if delay_ms > 0 {
                links.count(index, "delayed", 1);
                delay = Duration::from_millis(delay_ms);
            }
            if roll(2) < duplicate {
                links.count(index, "duplicated", 1);
                copies = 2;
            }
        }
        let mut text = text;
        if let Some((index, rate)) = now.faults.malformed {
            links.count(index, "frames", 1);
            if roll(3) < rate {
                links.count(index, "malformed", 1);
                // Cut mid-frame, as a broken proxy would: never valid JSON.
                let cut = text.floor_char_boundary(text.len() / 2);
                text.truncate(cut);
                text.push('\u{1}');
            }
        }
        Ingress::Deliver(vec![text; copies], delay)
    }

    /// Counts a repeated action absorbed against the network fault in force.
    pub fn absorbed_duplicate(&self) {
        if let Some((index, ..)) = self.rx.borrow().faults.network {
            self.gauges.links.count(index, "duplicates_absorbed", 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_spotted_within_the_window() {
        let mut seen = SeenIds::default();
        seen.remember(1);
        seen.remember(1);
        assert!(seen.contains(1) && !seen.contains(2));
        for id in 2..=(SEEN as u64 + 1) {
            seen.remember(id);
        }
        assert!(!seen.contains(1), "forgotten after SEEN newer ids");
        assert!(seen.contains(2));
        assert!(seen.order.len() <= SEEN && seen.set.len() <= SEEN);
    }
}
