//! Starting and stopping the network side: a tokio runtime on its own
//! threads with the REST and WebSocket listeners, and the hub thread. The
//! main thread stays with Bevy; [`Server::start`] hands back the channels'
//! simulation end for the loop in [`super::live`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::bridge::{Gauges, SimSide, channels};
use super::hub::{self, HubMsg, Recent};
use super::rest::{ApiState, router};
use super::ws::{WsContext, accept};
use crate::core::protocol::WorldInfo;

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
    /// What it was started with, the addresses as bound (a restart binds
    /// the same ports again).
    config: ServerConfig,
    world: WorldInfo,
    first_conn: u64,
    next_conn: Arc<AtomicU64>,
    restarting: Arc<AtomicBool>,
    gauges: Arc<Gauges>,
}

/// A server that went down for a restart: what it closed, and what it
/// needs to come back as itself (same ports, connection ids carrying on).
pub struct Down {
    pub config: ServerConfig,
    pub world: WorldInfo,
    /// The first connection id of the server that comes back: sessions
    /// below it belonged to this one.
    pub next_conn: u64,
    /// Connections (players and viewers) open when it went down.
    pub connections_closed: u64,
    /// Connections that had not closed within the bounded wait (the
    /// runtime's shutdown dropped them).
    pub connections_dropped: u64,
}

/// How long a restart waits for the hub to hand out its last frames.
const HUB_DRAIN: Duration = Duration::from_secs(2);
/// How long a restart waits for connections to write their close frames.
const CLOSE_WAIT: Duration = Duration::from_millis(1500);
/// How long a restart keeps trying to bind its old ports again.
const REBIND_PATIENCE: Duration = Duration::from_secs(3);

/// Waits until `done` holds, for at most `limit`.
fn wait_until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    while !done() {
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    true
}

impl Server {
    /// Binds both listeners and starts serving; the returned [`SimSide`]
    /// must be driven by [`super::live::run`].
    pub fn start(config: &ServerConfig, world: WorldInfo) -> Result<(Server, SimSide), NetError> {
        Server::start_from(config, world, 1, Duration::ZERO)
    }

    /// Starts again after [`Server::go_down`], on the same ports, numbering
    /// connections on from where the old server stopped.
    pub fn come_back(down: &Down) -> Result<(Server, SimSide), NetError> {
        Server::start_from(
            &down.config,
            down.world.clone(),
            down.next_conn,
            REBIND_PATIENCE,
        )
    }

    fn start_from(
        config: &ServerConfig,
        world: WorldInfo,
        first_conn: u64,
        patience: Duration,
    ) -> Result<(Server, SimSide), NetError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("seedsim-net")
            .on_thread_start(behind_the_tick)
            .enable_all()
            .build()
            .map_err(NetError::Runtime)?;
        let (net, sim, frames) = channels(world.clone());
        let bind = |addr: SocketAddr| {
            let deadline = std::time::Instant::now() + patience;
            loop {
                match runtime.block_on(TcpListener::bind(addr)) {
                    Ok(l) => return Ok(l),
                    // The old listener's port may linger for a moment.
                    Err(e)
                        if e.kind() == std::io::ErrorKind::AddrInUse
                            && std::time::Instant::now() < deadline =>
                    {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    Err(source) => return Err(NetError::Bind { addr, source }),
                }
            }
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
        runtime.spawn(super::http::serve(http, router(state), shutdown_rx.clone()));
        let next_conn = Arc::new(AtomicU64::new(first_conn));
        let restarting = Arc::new(AtomicBool::new(false));
        let gauges = net.gauges.clone();
        runtime.spawn(accept(
            ws,
            WsContext {
                net,
                hub: hub_tx,
                shutdown: shutdown_rx,
                next_conn: next_conn.clone(),
                restarting: restarting.clone(),
            },
        ));
        Ok((
            Server {
                runtime: Some(runtime),
                http_addr,
                ws_addr,
                shutdown,
                hub: Some(hub),
                config: ServerConfig {
                    http: http_addr,
                    ws: ws_addr,
                    token: config.token.clone(),
                },
                world,
                first_conn,
                next_conn,
                restarting,
                gauges,
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

    /// Connections accepted so far.
    pub fn accepted(&self) -> u64 {
        self.next_conn
            .load(Ordering::Relaxed)
            .saturating_sub(self.first_conn)
    }

    /// Goes down for a restart, every wait bounded: the hub hands out the
    /// frames it was given (the last tick's acks reach their clients), then
    /// every connection writes what it has queued and closes with 1012
    /// ("service restart"), then the listeners close and the runtime stops.
    /// Close the intake ([`SimSide::close_intake`]) and answer what it held
    /// before handing over `side`.
    pub fn go_down(mut self, side: SimSide) -> Down {
        let open = Gauges::get(&self.gauges.connections);
        self.restarting.store(true, Ordering::Relaxed);
        drop(side);
        // A hub still busy after the wait ends with the runtime below.
        if let Some(hub) = self.hub.take()
            && wait_until(HUB_DRAIN, || hub.is_finished())
        {
            let _ = hub.join();
        }
        wait_until(CLOSE_WAIT, || Gauges::get(&self.gauges.connections) == 0);
        let lingering = Gauges::get(&self.gauges.connections);
        let _ = self.shutdown.send(true);
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
        Down {
            config: self.config.clone(),
            world: self.world.clone(),
            next_conn: self.next_conn.load(Ordering::Relaxed),
            connections_closed: open,
            connections_dropped: lingering,
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
