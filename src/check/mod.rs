//! Checks: a scenario's assertions and thresholds, judged over a run into
//! [`Verdict`]s. A run passes when every verdict does.

pub mod verdict;

pub use verdict::{CheckKind, Verdict};
