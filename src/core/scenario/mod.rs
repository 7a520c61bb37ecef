//! Scenario files: the RON documents in `scenarios/` that describe a run —
//! world and zones, seed, length, population, tunable parameters, spawn
//! waves, and every spec a model plugin or tool reads from them: policies,
//! reactions, client load, scripted actors, faults, assertions and
//! thresholds. This module owns their shape ([`Scenario`] and the spec
//! types), loading them with errors that name file, line:column and field
//! ([`load_file`]), and every check a well-formed file must still pass —
//! all of them here, so a loaded scenario is valid for every layer above
//! without calling back into any of them.
//!
//! Scenario files come from users and CI pipelines, so they are untrusted: a
//! bad file never panics, it gets exit code 2 and a precise message.

pub mod actor_program;
mod actors;
mod actors_valid;
pub mod checks;
mod checks_valid;
mod clients;
pub mod director;
mod faults;
mod faults_valid;
pub mod festival;
pub mod goals;
pub mod limits;
mod load;
mod locate;
pub mod narrative;
pub mod patterns;
pub mod plague;
mod policies;
mod reactions;
pub mod thresholds;
mod types;
mod validate;
mod verdict;

pub use actors::{ActorSpec, Expect, OnError, Retry, Step, Who};
pub use checks::{Assertion, Bound};
pub use checks_valid::thresholds;
pub use clients::{ClientProcess, ClientsSpec, ProfileChoice};
pub use faults::{Fault, FaultSpec, FaultTime};
pub use load::{ScenarioError, load_file, parse_str};
pub use narrative::NarrativePack;
pub use policies::{Policy, PolicySet, Rule, ScenarioPolicies};
pub use reactions::{Reaction, ReactionSet, RuleSpec};
pub use thresholds::Threshold;
pub use types::*;
pub use validate::MAX_GRID_CELLS;
pub use verdict::{CheckKind, Verdict};
