//! STAT7: the seven-dimensional address space shared with the original system.
//!
//! This module owns the coordinate types, the canonical serialization of a
//! bit-chain (entity) and its content address and URI, exactly as specified in
//! `docs/STAT7.md`. It is pure data and hashing: the ECS side (an agent's coordinates) is
//! `world::stat7`.

mod address;
mod canonical;
mod coords;
mod error;
mod float;

#[cfg(test)]
mod tests;

pub use address::{BitChain, sha256_hex};
pub use canonical::{canonical_json, format_timestamp_micros, format_timestamp_ms};
pub use coords::{Coordinates, EntityType, Horizon, Realm};
pub use error::Stat7Error;
pub use float::format_float;
