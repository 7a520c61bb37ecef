//! Scenario files: the RON documents in `scenarios/` that describe a run —
//! world and zones, seed, length, population, tunable parameters and scripted
//! spawn waves. This module owns their shape ([`Scenario`]), loading them with
//! errors that name file, line:column and field ([`load`]), and the checks a
//! well-formed file must still pass ([`validate`]).
//!
//! Scenario files come from users and CI pipelines, so they are untrusted: a
//! bad file never panics, it gets exit code 2 and a precise message.

mod load;
mod locate;
mod types;
mod validate;

pub use load::{ScenarioError, load_file, parse_str};
pub use types::*;
