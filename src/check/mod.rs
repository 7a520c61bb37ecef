//! Checks: a scenario's assertions and thresholds, judged over a run into
//! verdicts (`core::scenario::Verdict`). A run passes when every verdict
//! does. What the scenario may require, and its checks at load time, are
//! the scenario format's (`core::scenario::checks`); this is the judging.

pub mod director;
mod judge;
mod measure;
pub mod narrative;
mod query;
pub mod sift;
mod store_checks;

pub use judge::Judge;
pub use narrative::NarrativeReport;
