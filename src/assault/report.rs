//! The result of an assault as data ([`AssaultReport`], `serde::Serialize`):
//! what the terminal summary prints and `--json` writes, and what the
//! scenario runner checks thresholds against. Latencies are in milliseconds;
//! a measure with no samples has no percentiles (null), never a made-up zero.
//! Each latency also carries its histogram's recorded buckets, so reports of
//! several shards can be merged exactly (HDR histograms merge losslessly).

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::config::{AssaultConfig, Load};
use super::error_class::ErrorClass;
use super::profile::{Profile, ProfileChoice};
use super::stats::{Stats, histogram, lock};
use crate::core::protocol::PROTOCOL_VERSION;

/// The load model, as reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    Closed,
    Open,
}

/// One latency distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub count: u64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub mean_ms: Option<f64>,
    /// `[microseconds, count]` for every recorded bucket (3 significant figures).
    pub buckets: Vec<[u64; 2]>,
}

impl Latency {
    pub fn of(h: &Histogram<u64>) -> Latency {
        let count = h.len();
        let ms = |us: u64| us as f64 / 1000.0;
        let some = |v: f64| (count > 0).then_some(v);
        Latency {
            count,
            p50_ms: some(ms(h.value_at_quantile(0.50))),
            p95_ms: some(ms(h.value_at_quantile(0.95))),
            p99_ms: some(ms(h.value_at_quantile(0.99))),
            max_ms: some(ms(h.max())),
            mean_ms: some(h.mean() / 1000.0),
            buckets: h
                .iter_recorded()
                .map(|v| [v.value_iterated_to(), v.count_at_value()])
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Connections {
    /// Attempts that finished (an attempt cut short by the end of the run
    /// is not counted).
    pub attempted: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// Attempts after a client's first (after a lost or refused connection).
    pub reconnects: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Decisions {
    pub permitted: u64,
    pub mutated: u64,
    pub denied: u64,
}

impl Decisions {
    fn of(slots: &[AtomicU64; 3]) -> Decisions {
        Decisions {
            permitted: Stats::get(&slots[0]),
            mutated: Stats::get(&slots[1]),
            denied: Stats::get(&slots[2]),
        }
    }
}

/// One profile's share of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileReport {
    pub clients: u64,
    pub actions: u64,
    pub acks: u64,
    pub decisions: Decisions,
    pub ack_latency: Latency,
    pub event_latency: Latency,
}

/// Everything an assault measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssaultReport {
    pub target: String,
    pub model: Model,
    pub profile: ProfileChoice,
    pub seed: u64,
    pub think_ms: f64,
    /// The duration asked for.
    pub duration_s: f64,
    /// How long clients actually acted (shorter when the run was stopped).
    pub active_s: f64,
    pub stopped_early: bool,
    /// Clients the load model planned, and those that started.
    pub clients_planned: u64,
    pub clients_started: u64,
    pub connections: Connections,
    pub logins: u64,
    pub actions: u64,
    pub acks: u64,
    /// Actions sent but never answered (neither an ack nor an error naming them).
    pub acks_missing: u64,
    /// Acks for requests not waiting (answered twice, or given up on).
    pub acks_unmatched: u64,
    /// Unanswered actions sent again under the same req_id (the server
    /// executes a req_id once, so a resend never acts twice).
    #[serde(default)]
    pub resent: u64,
    pub actions_per_s: f64,
    pub ack_latency: Latency,
    /// Acks that named an event seq.
    pub events_expected: u64,
    /// From sending the action to its event arriving on the stream.
    pub event_latency: Latency,
    /// Expected events that never arrived.
    pub events_missing: u64,
    pub decisions: Decisions,
    pub denied_by_rule: BTreeMap<String, u64>,
    pub mutated_by_rule: BTreeMap<String, u64>,
    /// Server error codes and client-side failures, only those that happened.
    pub errors: BTreeMap<ErrorClass, u64>,
    /// `lagged` frames received.
    pub lagged: u64,
    /// Client tasks that panicked (a bug in the assault itself).
    pub client_crashes: u64,
    pub by_profile: BTreeMap<Profile, ProfileReport>,
    /// Present when the assault had viewers.
    pub viewers: Option<super::viewer::ViewerReport>,
}

impl AssaultReport {
    /// Builds the report once every client has stopped.
    pub fn build(
        config: &AssaultConfig,
        stats: &Stats,
        active: Duration,
        stopped_early: bool,
        clients_started: u64,
        client_crashes: u64,
    ) -> AssaultReport {
        let get = Stats::get;
        let mut ack_all = histogram();
        let mut event_all = histogram();
        let mut by_profile = BTreeMap::new();
        for profile in Profile::ALL {
            let p = &stats.profiles[profile.index()];
            let clients = get(&p.clients);
            let latency = lock(&p.latency);
            // Same bounds everywhere: adding cannot fail.
            let _ = ack_all.add(&latency.ack);
            let _ = event_all.add(&latency.event);
            if clients > 0 {
                by_profile.insert(
                    profile,
                    ProfileReport {
                        clients,
                        actions: get(&p.actions),
                        acks: get(&p.acks),
                        decisions: Decisions::of(&p.decisions),
                        ack_latency: Latency::of(&latency.ack),
                        event_latency: Latency::of(&latency.event),
                    },
                );
            }
        }
        let errors = ErrorClass::ALL
            .iter()
            .map(|c| (*c, get(&stats.errors[c.index()])))
            .filter(|(_, n)| *n > 0)
            .collect();
        let actions = get(&stats.actions);
        let active_s = active.as_secs_f64();
        AssaultReport {
            target: config.target.clone(),
            model: match config.load {
                Load::Closed { .. } => Model::Closed,
                Load::Open { .. } => Model::Open,
            },
            profile: config.profile,
            seed: config.seed,
            think_ms: config.think.as_secs_f64() * 1000.0,
            duration_s: config.duration.as_secs_f64(),
            active_s,
            stopped_early,
            clients_planned: config.client_count(),
            clients_started,
            connections: Connections {
                attempted: get(&stats.attempted),
                succeeded: get(&stats.succeeded),
                failed: get(&stats.failed),
                reconnects: get(&stats.reconnects),
            },
            logins: get(&stats.logins),
            actions,
            acks: get(&stats.acks),
            acks_missing: actions.saturating_sub(get(&stats.answered)),
            acks_unmatched: get(&stats.acks_unmatched),
            resent: get(&stats.resent),
            actions_per_s: if active_s > 0.0 {
                actions as f64 / active_s
            } else {
                0.0
            },
            ack_latency: Latency::of(&ack_all),
            events_expected: get(&stats.events_expected),
            event_latency: Latency::of(&event_all),
            events_missing: get(&stats.events_expected).saturating_sub(get(&stats.events_matched)),
            decisions: Decisions::of(&stats.decisions),
            denied_by_rule: lock(&stats.denied_by).to_map(),
            mutated_by_rule: lock(&stats.mutated_by).to_map(),
            errors,
            lagged: get(&stats.lagged),
            client_crashes,
            by_profile,
            viewers: None,
        }
    }

    /// Why the assault did not pass (empty when it did): a connection that
    /// failed, an action never answered, or a crashed client.
    pub fn failures(&self) -> Vec<String> {
        let mut why = Vec::new();
        let c = &self.connections;
        if c.failed > 0 {
            why.push(format!(
                "{} of {} connection attempts failed",
                c.failed, c.attempted
            ));
        }
        if self.acks_missing > 0 {
            why.push(format!(
                "{} of {} actions were never answered",
                self.acks_missing, self.actions
            ));
        }
        if self.client_crashes > 0 {
            why.push(format!("{} clients crashed", self.client_crashes));
        }
        if self.clients_started > 0 && c.attempted == 0 {
            why.push("no connection attempt finished".into());
        }
        if self.clients_started > 0 && self.logins == 0 {
            why.push(format!(
                "none of {} clients could log in (no welcome from the server)",
                self.clients_started
            ));
        }
        let protocol = self.errors.get(&ErrorClass::Protocol).copied().unwrap_or(0);
        if protocol > 0 {
            why.push(format!(
                "{protocol} frames or greetings were not protocol version {PROTOCOL_VERSION} (another server, or another version of seedsim)"
            ));
        }
        if let Some(v) = &self.viewers {
            why.extend(v.failures());
        }
        why
    }
}
