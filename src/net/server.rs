//! Starting and stopping the network side: a tokio runtime on its own
//! threads with the REST and WebSocket listeners, and the hub thread. The
//! main thread stays with Bevy; [`Server::start`] hands back the channels'
//! simulation end for the loop in [`super::live`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::thread::JoinHandle;
use std::time::Duration;

use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::bridge::{SimSide, channels};
use super::hub::{self, HubMsg, Recent};
use super::protocol::WorldInfo;
use super::rest::{ApiState, router};
use super::ws::{WsContext, accept};

/// Control messages from connections to the hub, waiting.
const HUB_QUEUE: usize = 65_536;

#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub http: SocketAddr,
    pub ws: SocketAddr,
    /// Bearer token for endpoints that change the simulation.
    pub token: String,
}

#[derive(Debug, Error)]
pub enum NetError {
    #[error("cannot start the network runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the scenario's clients cannot start: {0}")]
    Clients(String),
}

/// Network threads run at a lower priority than the simulation: on a busy
/// machine a tick then gets its cores when it needs them (a tick late is
/// every client's ack late), and connections are served in the rest of the
/// 100 ms between ticks.
fn behind_the_tick() {
    #[cfg(target_os = "linux")]
    // SAFETY: a plain syscall on the calling thread's own id; no memory is shared.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 5);
    }
}

/// A running server.
pub struct Server {
    runtime: Option<tokio::runtime::Runtime>,
    pub http_addr: SocketAddr,
    pub ws_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    hub: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds both listeners and starts serving; the returned [`SimSide`]
    /// must be driven by [`super::live::run`].
    pub fn start(config: &ServerConfig, world: WorldInfo) -> Result<(Server, SimSide), NetError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("seedsim-net")
            .on_thread_start(behind_the_tick)
            .enable_all()
            .build()
            .map_err(NetError::Runtime)?;
        let (net, sim, frames) = channels(world);
        let bind = |addr: SocketAddr| {
            runtime
                .block_on(TcpListener::bind(addr))
                .map_err(|source| NetError::Bind { addr, source })
        };
        let http = bind(config.http)?;
        let ws = bind(config.ws)?;
        let http_addr = http.local_addr().map_err(NetError::Runtime)?;
        let ws_addr = ws.local_addr().map_err(NetError::Runtime)?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (hub_tx, hub_rx) = crossbeam_channel::bounded::<HubMsg>(HUB_QUEUE);
        let recent: Recent = Arc::default();
        let hub = {
            let gauges = net.gauges.clone();
            let recent = recent.clone();
            std::thread::Builder::new()
                .name("seedsim-hub".into())
                .spawn(move || hub::run(frames, hub_rx, gauges, recent))
                .map_err(NetError::Runtime)?
        };
        let depth = sim.inputs.clone();
        let state = ApiState {
            net: net.clone(),
            recent,
            token: Arc::new(config.token.clone()),
            input_depth: Arc::new(move || depth.len()),
        };
        let mut stop = shutdown_rx.clone();
        runtime.spawn(async move {
            let _ = axum::serve(http, router(state))
                .with_graceful_shutdown(async move {
                    let _ = stop.changed().await;
                })
                .await;
        });
        runtime.spawn(accept(
            ws,
            WsContext {
                net,
                hub: hub_tx,
                shutdown: shutdown_rx,
                next_conn: Arc::new(AtomicU64::new(1)),
            },
        ));
        Ok((
            Server {
                runtime: Some(runtime),
                http_addr,
                ws_addr,
                shutdown,
                hub: Some(hub),
            },
            sim,
        ))
    }

    /// Runs `f` on the server's runtime (for a signal handler, say).
    pub fn spawn<F>(&self, f: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        if let Some(rt) = &self.runtime {
            rt.spawn(f);
        }
    }

    /// Sends every connection a close frame and stops serving. Call after
    /// the simulation's end ([`SimSide`]) has been dropped.
    pub fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(rt) = self.runtime.take() {
            // Let connections write their close frames.
            rt.block_on(async { tokio::time::sleep(Duration::from_millis(200)).await });
            rt.shutdown_timeout(Duration::from_secs(2));
        }
        if let Some(hub) = self.hub.take() {
            let _ = hub.join();
        }
    }
}
