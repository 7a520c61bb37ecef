//! The bottom layer of ARCHITECTURE.md's table: what every other layer speaks and nothing
//! it depends on. The tick's stages and their one order ([`order`], [`tick`]); the
//! clock, seed and generators ([`rng`]); the agent vocabulary ([`agent`]);
//! the wire protocol ([`protocol`]); STAT7 ([`stat7`]); and the scenario
//! format with every spec type it holds ([`scenario`]). Nothing here
//! imports from a layer above, so the model plugins, the store, the server
//! and the tools can all build on it without tying themselves to each other.

pub mod agent;
pub mod event;
pub mod order;
pub mod panic;
pub mod protocol;
pub mod rng;
pub mod scenario;
pub mod stat7;
pub mod tick;

pub use order::{
    ApplyStep, BeginStep, DecideStep, InputStep, NarrateStep, PublishStep, ReactStep, RecordStep,
    TickSet,
};
pub use tick::{RunSeed, SimClock, SimPlugin, TICK};
