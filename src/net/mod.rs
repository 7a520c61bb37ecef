//! The live server: the admin REST API and the WebSocket stream,
//! on a tokio runtime of their own. Bevy keeps the main thread; the two
//! sides meet only through bounded crossbeam channels ([`bridge`]) — inputs
//! and queries in, tick frames out — so the network can never stall a tick.
//!
//! ```text
//!  main thread (Bevy)            hub thread                tokio (2 threads)
//!  live::run ── NetFrame ──▶ hub::run ── Outbound ──▶ ws connection tasks
//!     ▲   ▲                                               │        │
//!     │   └──────────── Input (login, action, logout) ────┘        │
//!     └──────────────── SimQuery (REST, snapshots) ◀── rest (axum) ┘
//! ```

pub mod answer;
pub mod bridge;
pub mod chaos;
mod director;
pub mod frame;
pub mod guard;
mod http;
pub mod hub;
mod limiter;
mod metrics;
pub mod render;
pub mod rest;
pub mod server;
mod story;
pub mod ws;

pub use server::{NetError, Server, ServerConfig};

use crate::core::protocol::{WorldInfo, ZoneInfo};

/// The world as `hello` describes it.
pub fn world_info(
    scenario: &crate::core::scenario::Scenario,
    seed: u64,
    zones: &crate::world::Zones,
) -> WorldInfo {
    WorldInfo {
        scenario: scenario.name.clone(),
        seed,
        size: zones.size().to_array(),
        zones: zones
            .all()
            .iter()
            .map(|z| ZoneInfo {
                id: z.id.0,
                name: z.name.clone(),
                realm: z.realm.as_str().to_string(),
                min: z.min.to_array(),
                max: z.max.to_array(),
                safe: z.safe,
                pvp: z.pvp,
            })
            .collect(),
    }
}
