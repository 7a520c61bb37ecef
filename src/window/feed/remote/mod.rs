//! The remote source (`view ws://…`): a live server's world, drawn from its
//! WebSocket stream and steered through its REST API. A thread of its own
//! runs a small tokio runtime for the connection ([`session`]) so the
//! window's thread never waits on the network. The stream's entity deltas
//! keep a [`mirror`] of the world that frames are built from; commands
//! become REST calls with the server's bearer token ([`http`]); what the
//! stream says is read back into the window's types ([`wire`]). Without a
//! token the window is read only (its panels say why).

pub mod address;
mod connect;
pub mod http;
pub mod mirror;
mod session;
pub mod wire;

use std::thread::JoinHandle;

pub use address::Endpoints;
pub use session::{INSPECT_EVERY, POLL};

use super::{Feed, channel};

/// Where the server is and what `view` may do there.
#[derive(Clone, Debug)]
pub struct Config {
    pub endpoints: Endpoints,
    /// The server's bearer token (None: read only).
    pub token: Option<String>,
}

/// Why a session could not start.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("{url} does not answer as a seedsim server: {reason}")]
    NotAServer { url: String, reason: String },
    #[error("cannot start the connection: {0}")]
    Start(String),
}

/// How a session that started went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ended {
    /// Why the connection ended from the server's side (None: the window closed it).
    pub lost: Option<String>,
    /// Frames handed to the window.
    pub frames: u64,
    /// Events handed to the window.
    pub events: u64,
    /// Messages, entities, events and heatmaps that could not be read.
    pub unreadable: u64,
}

/// Starts the connection on a thread of its own. The feed's `info()` is the
/// server's world once its `hello` arrived, or None when the session could
/// not start; the thread's result then says why.
pub fn start(
    config: Config,
) -> Result<(Feed, JoinHandle<Result<Ended, RemoteError>>), RemoteError> {
    let (feed, source) = channel();
    let thread = std::thread::Builder::new()
        .name("seedsim-view".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| RemoteError::Start(e.to_string()))?;
            runtime.block_on(session::run(config, source))
        })
        .map_err(|e| RemoteError::Start(e.to_string()))?;
    Ok((feed, thread))
}
