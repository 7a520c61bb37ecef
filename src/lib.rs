//! seedsim simulates and stress-tests the population of an MMO world.
//!
//! The crate is layered (ARCHITECTURE.md has the table): an
//! import only points down, and `tests/layers.rs` keeps it so.
//!
//! 1. `core`: the tick's stages and their order, clock, seed and RNG, the
//!    agent vocabulary, the wire protocol, STAT7 and the scenario format.
//! 2. model plugins, each naming only core's stages: `events`, `world`,
//!    `population`, `govern`, `react`, `input`, `fault`, `actor`, `narrative`,
//!    `record`.
//! 3. `store`: `events.db`.
//! 4. `net`: the live server's sockets, hub and REST API.
//! 5. `run`: building, stepping and serving a `Simulation`; replay.
//! 6. tools: `exit`, `assault`, `check`, `report`, `suite`, `bench`,
//!    `window` (feature `window`) and `cli` on top.

pub mod core;

pub mod actor;
pub mod events;
pub mod fault;
pub mod govern;
pub mod input;
pub mod narrative;
pub mod population;
pub mod react;
pub mod record;
pub mod world;

pub mod store;

pub mod net;

pub mod run;

pub mod assault;
pub mod bench;
pub mod check;
pub mod cli;
pub mod exit;
pub mod report;
pub mod suite;
#[cfg(feature = "window")]
pub mod window;
