//! What the clients count while they play, shared by all of them: plain
//! atomic counters for the hot totals, and per-profile HDR histograms
//! (microseconds, 3 significant figures) behind a mutex. One shared
//! histogram per profile and measure keeps memory independent of the number
//! of clients (one covering 1 µs to a minute at this precision is about
//! 140 KB; thousands of per-client ones would be hundreds of megabytes), and
//! the lock is held only for a single record. Names of
//! rules come from the server, so their map is bounded.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hdrhistogram::Histogram;

use super::error_class::ErrorClass;
use super::profile::Profile;
use crate::core::protocol::Decision;

/// Latencies above this are recorded as this (a minute is far past any
/// timeout the clients wait for).
pub const MAX_LATENCY_US: u64 = 60_000_000;
/// Distinct rule names kept; any further ones are counted under [`OTHER_RULE`].
const MAX_RULES: usize = 64;
/// Rule names are cut to this many characters.
const MAX_RULE_LEN: usize = 64;
pub const OTHER_RULE: &str = "(other)";

/// A histogram of microseconds.
pub fn histogram() -> Histogram<u64> {
    // The bounds are constants that hdrhistogram accepts (low >= 1,
    // high >= 2 * low, 3 significant figures); this cannot fail.
    Histogram::new_with_bounds(1, MAX_LATENCY_US, 3).expect("valid histogram bounds")
}

fn micros(d: Duration) -> u64 {
    (d.as_micros().min(MAX_LATENCY_US as u128) as u64).max(1)
}

/// The two correlated latencies of one profile.
pub struct Latencies {
    pub ack: Histogram<u64>,
    pub event: Histogram<u64>,
}

/// One profile's share.
pub struct ProfileStats {
    pub clients: AtomicU64,
    pub actions: AtomicU64,
    pub acks: AtomicU64,
    /// Permitted, mutated, denied: which profiles break the rules.
    pub decisions: [AtomicU64; 3],
    pub latency: Mutex<Latencies>,
}

/// Names of rules, bounded.
#[derive(Default)]
pub struct RuleCounts(BTreeMap<String, u64>);

impl RuleCounts {
    pub fn count(&mut self, rule: Option<&str>) {
        let rule = rule.unwrap_or("(none)");
        let name: String = rule.chars().take(MAX_RULE_LEN).collect();
        if let Some(n) = self.0.get_mut(&name) {
            *n += 1;
        } else if self.0.len() < MAX_RULES {
            self.0.insert(name, 1);
        } else {
            *self.0.entry(OTHER_RULE.to_string()).or_insert(0) += 1;
        }
    }

    pub fn to_map(&self) -> BTreeMap<String, u64> {
        self.0.clone()
    }
}

/// Everything the clients count.
pub struct Stats {
    pub attempted: AtomicU64,
    pub succeeded: AtomicU64,
    pub failed: AtomicU64,
    pub reconnects: AtomicU64,
    /// Connections open right now (handshake done, not yet closed).
    pub open: AtomicU64,
    pub actions: AtomicU64,
    /// Actions answered: an `ack`, or an `error` naming the request.
    pub answered: AtomicU64,
    pub acks: AtomicU64,
    /// Acks for a request id that was not waiting (never sent, answered
    /// twice, or given up on long ago).
    pub acks_unmatched: AtomicU64,
    /// Unanswered actions sent again under their req_id.
    pub resent: AtomicU64,
    /// The longest retransmission timeout any client has used (µs): the
    /// drain at the end waits at least this long for answers.
    pub rto_max_us: AtomicU64,
    /// Acks that named an event seq (expected on the stream).
    pub events_expected: AtomicU64,
    pub events_matched: AtomicU64,
    /// Requests and seqs waiting right now, so the end of a run knows when
    /// nothing more is coming.
    pub awaiting_acks: AtomicU64,
    pub awaiting_events: AtomicU64,
    pub lagged: AtomicU64,
    pub logins: AtomicU64,
    pub decisions: [AtomicU64; 3],
    pub errors: [AtomicU64; ErrorClass::ALL.len()],
    pub denied_by: Mutex<RuleCounts>,
    pub mutated_by: Mutex<RuleCounts>,
    pub profiles: [ProfileStats; Profile::ALL.len()],
}

impl Stats {
    pub fn new() -> Stats {
        Stats {
            attempted: AtomicU64::new(0),
            succeeded: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            open: AtomicU64::new(0),
            actions: AtomicU64::new(0),
            answered: AtomicU64::new(0),
            acks: AtomicU64::new(0),
            acks_unmatched: AtomicU64::new(0),
            resent: AtomicU64::new(0),
            rto_max_us: AtomicU64::new(0),
            events_expected: AtomicU64::new(0),
            events_matched: AtomicU64::new(0),
            awaiting_acks: AtomicU64::new(0),
            awaiting_events: AtomicU64::new(0),
            lagged: AtomicU64::new(0),
            logins: AtomicU64::new(0),
            decisions: std::array::from_fn(|_| AtomicU64::new(0)),
            errors: std::array::from_fn(|_| AtomicU64::new(0)),
            denied_by: Mutex::new(RuleCounts::default()),
            mutated_by: Mutex::new(RuleCounts::default()),
            profiles: std::array::from_fn(|_| ProfileStats {
                clients: AtomicU64::new(0),
                actions: AtomicU64::new(0),
                acks: AtomicU64::new(0),
                decisions: std::array::from_fn(|_| AtomicU64::new(0)),
                latency: Mutex::new(Latencies {
                    ack: histogram(),
                    event: histogram(),
                }),
            }),
        }
    }

    pub fn error(&self, class: ErrorClass) {
        bump(&self.errors[class.index()]);
    }

    pub fn sent(&self, profile: Profile) {
        bump(&self.actions);
        bump(&self.profiles[profile.index()].actions);
    }

    /// An ack for a request that was waiting, `took` after it was sent.
    pub fn acked(&self, profile: Profile, took: Duration, decision: Decision, rule: Option<&str>) {
        bump(&self.acks);
        bump(&self.answered);
        let p = &self.profiles[profile.index()];
        bump(&p.acks);
        lock(&p.latency).ack.saturating_record(micros(took));
        let slot = match decision {
            Decision::Permitted => 0,
            Decision::Mutated => 1,
            Decision::Denied => 2,
        };
        bump(&self.decisions[slot]);
        bump(&p.decisions[slot]);
        match decision {
            Decision::Permitted => {}
            Decision::Mutated => lock(&self.mutated_by).count(rule),
            Decision::Denied => lock(&self.denied_by).count(rule),
        }
    }

    /// An action's event arrived on the stream, `took` after the action was sent.
    pub fn event_seen(&self, profile: Profile, took: Duration) {
        bump(&self.events_matched);
        let p = &self.profiles[profile.index()];
        lock(&p.latency).event.saturating_record(micros(took));
    }

    /// The ack latency of all profiles together.
    pub fn ack_all(&self) -> Histogram<u64> {
        let mut all = histogram();
        for p in &self.profiles {
            // Same bounds on both sides: adding cannot fail.
            let _ = all.add(&lock(&p.latency).ack);
        }
        all
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

impl Default for Stats {
    fn default() -> Stats {
        Stats::new()
    }
}

pub fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Lowers a gauge, never below zero.
pub fn drop_by(counter: &AtomicU64, n: u64) {
    let _ = counter.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| {
        Some(v.saturating_sub(n))
    });
}

/// A poisoned lock only means another client panicked mid-record; the
/// counts are still usable.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_from_the_server_are_bounded() {
        let mut rules = RuleCounts::default();
        for i in 0..200 {
            rules.count(Some(&format!("rule_{i}")));
        }
        rules.count(Some("rule_3"));
        rules.count(Some(&"x".repeat(10_000)));
        rules.count(None);
        let map = rules.to_map();
        assert_eq!(map.len(), MAX_RULES + 1);
        assert_eq!(map["rule_3"], 2);
        assert_eq!(map[OTHER_RULE], 200 - MAX_RULES as u64 + 2);
        assert!(map.keys().all(|k| k.chars().count() <= MAX_RULE_LEN));
    }

    #[test]
    fn latencies_are_recorded_per_profile_and_merge() {
        let stats = Stats::new();
        stats.acked(
            Profile::Trader,
            Duration::from_millis(5),
            Decision::Denied,
            Some("solvency"),
        );
        stats.acked(
            Profile::Griefer,
            Duration::from_secs(3600),
            Decision::Mutated,
            Some("speed_limit"),
        );
        stats.acked(Profile::Griefer, Duration::ZERO, Decision::Permitted, None);
        let all = stats.ack_all();
        assert_eq!(all.len(), 3);
        assert!(
            all.max() >= MAX_LATENCY_US * 999 / 1000,
            "clamped, not lost"
        );
        assert_eq!(all.min(), 1);
        assert_eq!(Stats::get(&stats.decisions[2]), 1);
        assert_eq!(lock(&stats.denied_by).to_map()["solvency"], 1);
        assert_eq!(lock(&stats.mutated_by).to_map()["speed_limit"], 1);
        assert_eq!(
            Stats::get(&stats.profiles[Profile::Griefer.index()].acks),
            2
        );
    }
}
