//! What each fault did, for `report.json` (`faults`) and the summary: the
//! simulation's side counts victims; the writer thread and the connection
//! tasks report their side, folded in at the end of the run.

use std::collections::BTreeMap;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::scenario::{Fault, FaultSpec};

/// One fault's record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultReport {
    /// Its place in the scenario's `faults`.
    pub index: usize,
    pub fault: String,
    pub from_tick: u64,
    pub to_tick: u64,
    /// Whether the run got to its first tick.
    pub reached: bool,
    /// Named counts: `killed`, `candidates`, `writer_stalls`,
    /// `writer_stalled_ms`, `disconnected`, `delayed`, `dropped`, ...
    pub effects: BTreeMap<String, u64>,
    /// What is not a count: a restart's state hashes before and after.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub notes: BTreeMap<String, String>,
    /// The same in words.
    pub summary: String,
    #[serde(skip)]
    spec: Option<Fault>,
}

impl FaultReport {
    pub fn add(&mut self, effect: &str, n: u64) {
        match self.effects.get_mut(effect) {
            Some(count) => *count += n,
            None => {
                self.effects.insert(effect.to_string(), n);
            }
        }
    }

    pub fn note(&mut self, name: &str, text: String) {
        self.notes.insert(name.to_string(), text);
    }

    fn get(&self, effect: &str) -> u64 {
        self.effects.get(effect).copied().unwrap_or(0)
    }

    /// Writes `summary` from the effects.
    pub fn describe(&mut self) {
        let when = if self.from_tick == self.to_tick {
            format!("tick {}", self.from_tick)
        } else {
            format!("ticks {}..={}", self.from_tick, self.to_tick)
        };
        let what = match &self.spec {
            _ if !self.reached => "not reached: the run ended first".to_string(),
            Some(Fault::Cataclysm { zone, .. }) => format!(
                "killed {} of {} living in {zone}",
                self.get("killed"),
                self.get("candidates")
            ),
            Some(Fault::StallWriter { ms }) => format!(
                "writer stalled {} times ({ms} ms each, {} ms in all)",
                self.get("writer_stalls"),
                self.get("writer_stalled_ms")
            ),
            Some(Fault::Disconnect { .. }) => format!(
                "closed {} of {} player connections",
                self.get("disconnected"),
                self.get("players")
            ),
            Some(Fault::Network { .. }) => format!(
                "{} frames: delayed {}, dropped {}, duplicated {} ({} duplicate actions answered from the first)",
                self.get("frames"),
                self.get("delayed"),
                self.get("dropped"),
                self.get("duplicated"),
                self.get("duplicates_absorbed")
            ),
            Some(Fault::Malformed { .. }) => format!(
                "{} of {} frames malformed, each answered with an error",
                self.get("malformed"),
                self.get("frames")
            ),
            Some(Fault::SlowConsumers { .. }) => format!(
                "{} of {} viewer connections stopped reading",
                self.get("slowed"),
                self.get("viewers")
            ),
            Some(Fault::Restart) if self.get("restarts") == 0 => self
                .notes
                .get("error")
                .map_or("did not restart".to_string(), |e| format!("failed: {e}")),
            Some(Fault::Restart) => format!(
                "server restarted in {} ms: closed {} connections, rebuilt the world from the store \
                 ({} ticks, {} events replayed; state hash {} before and after), {} players \
                 departed, {} connections since",
                self.get("restart_ms"),
                self.get("connections_closed"),
                self.get("ticks_replayed"),
                self.get("events_replayed"),
                self.notes.get("state_hash").map_or("?", String::as_str),
                self.get("players_departed"),
                self.get("reconnects")
            ),
            None => String::new(),
        };
        self.summary = format!("{when}: {what}");
    }
}

/// Every fault's record, by index.
#[derive(Resource, Clone, Debug, Default)]
pub struct FaultLog(pub Vec<FaultReport>);

impl FaultLog {
    pub fn new(faults: &[FaultSpec]) -> FaultLog {
        FaultLog(
            faults
                .iter()
                .enumerate()
                .map(|(index, f)| FaultReport {
                    index,
                    fault: f.fault.name().to_string(),
                    from_tick: f.at.from,
                    to_tick: f.at.to,
                    reached: false,
                    effects: BTreeMap::new(),
                    notes: BTreeMap::new(),
                    summary: String::new(),
                    spec: Some(f.fault.clone()),
                })
                .collect(),
        )
    }

    /// Fault `index`'s record (`None` for an index out of range).
    pub fn get_mut(&mut self, index: usize) -> Option<&mut FaultReport> {
        self.0.get_mut(index)
    }

    /// Adds `n` to fault `index`'s `effect` (an index out of range, from a
    /// hand-edited recording, is ignored).
    pub fn add(&mut self, index: usize, effect: &'static str, n: u64) {
        if let Some(r) = self.0.get_mut(index) {
            r.add(effect, n);
        }
    }

    /// The records with their summaries written.
    pub fn finished(&self) -> Vec<FaultReport> {
        let mut out = self.0.clone();
        out.iter_mut().for_each(FaultReport::describe);
        out
    }
}
