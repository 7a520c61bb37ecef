//! The live server (DESIGN §7): the admin REST API and the WebSocket stream,
//! on a tokio runtime of their own. Bevy keeps the main thread; the two
//! sides meet only through bounded crossbeam channels — commands in, tick
//! frames out — so the network can never stall a tick.

pub mod answer;
pub mod bridge;
pub mod frame;
pub mod hub;
pub mod protocol;
pub mod render;
