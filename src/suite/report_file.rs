//! What the suite reads back from a child's `report.json`: the verdicts and
//! the pass mark (to judge the run) and what the HTML report plots. It is its
//! own read-side type because `report::Report` is built from a live world and
//! only serialises; unknown fields are ignored, so `report.json` can grow
//! without breaking the suite.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::core::scenario::Verdict;

/// A `report.json` larger than this is not read (the series is bounded, so a
/// real one is a few hundred KiB; this keeps a corrupt file from costing memory).
const MAX_REPORT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct TickMs {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct EventCount {
    pub total: u64,
}

/// Governance decisions of one rule.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct RuleCounts {
    pub permitted: u64,
    pub mutated: u64,
    pub denied: u64,
}

/// The series columns that are plotted: one entry per point, each point
/// covering the ticks after the previous point's up to `tick`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Series {
    pub ticks_per_point: u64,
    pub tick: Vec<u64>,
    pub population: Vec<u64>,
    pub tick_ms: Vec<f64>,
    pub tick_ms_max: Vec<f64>,
    /// Sums over each point's ticks.
    pub actions: Vec<u64>,
    pub events: Vec<u64>,
}

/// The parts of `report.json` the suite uses.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct RunReport {
    pub scenario: String,
    pub seed: u64,
    pub ticks: u64,
    pub wall_secs: f64,
    pub tick_ms: TickMs,
    #[serde(default)]
    pub events: EventCount,
    #[serde(default)]
    pub governance: BTreeMap<String, RuleCounts>,
    #[serde(default)]
    pub series: Series,
    #[serde(default)]
    pub verdicts: Vec<Verdict>,
    pub passed: bool,
    /// The scenario's clients, if it had any: their latency histograms.
    #[serde(default)]
    pub clients: Option<ClientLatencies>,
}

/// `[microseconds, count]` buckets of one latency histogram.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Buckets {
    pub buckets: Vec<[u64; 2]>,
}

/// The parts of a run's `clients` report the plots use.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClientLatencies {
    pub ack_latency: Buckets,
    pub event_latency: Buckets,
}

/// Reads `dir/report.json`; the error says what was wrong in one line.
pub fn read_report(dir: &Path) -> Result<RunReport, String> {
    let path = dir.join("report.json");
    let size = std::fs::metadata(&path)
        .map_err(|e| format!("no report at {}: {e}", path.display()))?
        .len();
    if size > MAX_REPORT_BYTES {
        return Err(format!(
            "{} is {size} bytes, more than a report can be",
            path.display()
        ));
    }
    let text = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{} is not a report: {e}", path.display()))
}
