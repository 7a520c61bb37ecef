//! A verdict: what one assertion or threshold of a scenario found. Verdicts
//! are the currency between a run (which judges), its `report.json` (which
//! keeps them), `seedsim test` (which collects them over a suite) and the
//! JUnit and HTML reports (which show them).

use serde::{Deserialize, Serialize};

/// Assertion or threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Assertion,
    Threshold,
    /// A scripted actor's script: passes when none of its steps failed.
    Actor,
}

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub kind: CheckKind,
    /// The check's name: the assertion's `name`, or `metric: expression`
    /// for a threshold (e.g. `tick_ms: p99 < 20`).
    pub name: String,
    pub passed: bool,
    /// What was measured, with its unit (e.g. `p99 = 12.4 ms`).
    pub measured: String,
    /// What was required (e.g. `< 20`).
    pub expected: String,
    /// Why it failed, or further detail; empty when there is nothing to add.
    #[serde(default)]
    pub detail: String,
    /// The tick it was decided at (end of run, or the tick it broke).
    pub tick: u64,
}

impl Verdict {
    pub fn symbol(&self) -> &'static str {
        if self.passed { "✓" } else { "✗" }
    }
}
