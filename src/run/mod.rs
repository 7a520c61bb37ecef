//! Driving a run (layer 5 of ARCHITECTURE.md's table): building the app from the model
//! plugins ([`app`]), stepping it at a pace ([`Simulation`]) to the end of a
//! headless run ([`drive`]), the live loop
//! between ticks of a served run ([`live`]), a server restart from the store
//! ([`restart`]) and re-simulating a stored run ([`replay`]). This is the
//! only layer that owns a whole `Simulation`; the store, the server and the
//! model below it never see one.

mod app;
pub mod drive;
pub mod folder;
pub mod live;
pub mod replay;
pub mod restart;
mod simulation;

pub use app::{RunConfig, assemble, build_app};
pub use simulation::{Pace, Simulation, TickPanic};
