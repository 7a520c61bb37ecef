//! seedsim simulates and stress-tests the population of an MMO world.
//!
//! The simulation is a Bevy app on a fixed 100 ms tick ([`sim`]): a world of
//! zones and a spatial grid ([`world`]), a population of players and NPCs
//! ([`population`]), and what each tick leaves behind ([`record`], [`report`]).
//! Runs are described by scenario files ([`scenario`]) and are deterministic:
//! the same scenario and seed give the same states, bit for bit, on any
//! number of threads. Entities also live in the STAT7 address space ([`stat7`]).
//! With the `window` feature, `window` shows a run in a Bevy window.

pub mod actor;
pub mod assault;
pub mod bench;
pub mod check;
pub mod cli;
pub mod events;
pub mod fault;
pub mod govern;
pub mod input;
pub mod net;
pub mod population;
pub mod react;
pub mod record;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod stat7;
pub mod store;
pub mod suite;
#[cfg(feature = "window")]
pub mod window;
pub mod world;
