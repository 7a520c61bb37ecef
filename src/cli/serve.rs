//! The live part of `seedsim serve` and `seedsim run --serve`: start the
//! server, run the live loop until Ctrl-C/SIGTERM or the tick limit, and
//! after the store is finished confirm it verifies.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::RunArgs;
use super::clients::ClientLoad;
use crate::assault::AssaultReport;
use crate::check::Judge;
use crate::core::scenario::Scenario;
use crate::net::{NetError, Server, ServerConfig, world_info};
use crate::run::Simulation;
use crate::run::live::{self, LiveEnd, LiveLimits};
use crate::run::restart::{self, LiveError};
use crate::store::verify::{Verdict, verify};
use crate::world::Zones;

/// A token nobody can guess: 16 bytes from the OS.
fn random_token() -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Where a live run serves, for a window that shows it (`run --window`
/// with clients or `--serve`) and the flag that stops the run.
#[cfg_attr(not(feature = "window"), allow(dead_code))]
#[derive(Clone, Debug)]
pub struct Served {
    pub http: std::net::SocketAddr,
    pub ws: std::net::SocketAddr,
    pub token: String,
    /// Set when the window closes: the run stops as on Ctrl-C.
    pub stop: Arc<AtomicBool>,
}

/// Serves `sim` until stopped (with the scenario's clients playing, if it
/// has any); returns the server, still open, so the caller can finish the
/// store before the sockets close, and the clients' report. `announce`
/// is told where the server listens once it does.
pub fn live(
    sim: &mut Simulation,
    scenario: &Scenario,
    seed: u64,
    args: &RunArgs,
    until_tick: Option<u64>,
    judge: &mut Judge,
    announce: Option<&crossbeam_channel::Sender<Served>>,
) -> Result<(Server, Option<AssaultReport>), LiveError> {
    let (token, generated) = match &args.net.token {
        Some(t) => (t.clone(), false),
        None => (random_token().map_err(NetError::Runtime)?, true),
    };
    let world = world_info(scenario, seed, sim.world().resource::<Zones>());
    let config = ServerConfig {
        http: args.net.http,
        ws: args.net.ws,
        token: token.clone(),
    };
    let (mut server, mut side) = Server::start(&config, world)?;
    let stop = Arc::new(AtomicBool::new(false));
    watch_signals(&server, &stop);
    eprintln!(
        "serving {}: REST http://{} (API: /api/openapi.json, /metrics), WebSocket ws://{}",
        scenario.name, server.http_addr, server.ws_addr
    );
    if generated {
        eprintln!("admin token (control, tunables): {token}");
    }
    eprintln!("Ctrl-C stops the run; the event store is flushed and verified first.");
    if let Some(tx) = announce {
        // A window that has gone no longer needs to know.
        let _ = tx.send(Served {
            http: server.http_addr,
            ws: server.ws_addr,
            token: token.clone(),
            stop: stop.clone(),
        });
    }
    let mut load = match &scenario.clients {
        Some(c) => match ClientLoad::start(server.ws_addr, c, seed) {
            Ok(load) => Some(load),
            Err(e) => {
                server.stop();
                return Err(NetError::Clients(e).into());
            }
        },
        None => None,
    };
    let limits = LiveLimits {
        pace: args.pace,
        until_tick,
        start_paused: false,
    };
    let settings = restart::Settings {
        threads: args.common.threads.map(|t| t as usize),
        pace: args.pace,
    };
    let mut restarted = None;
    while let LiveEnd::Restart { fault } = live::run_with(sim, &side, limits, &stop, &mut |world| {
        judge.after_tick(world)
    }) {
        restart::count_reconnects(sim, &server, restarted);
        match restart::restart(sim, server, side, fault, &settings) {
            Ok((s, d)) => (server, side) = (s, d),
            Err(e) => {
                // The network is down and the store closed: the clients
                // stop (their wait is bounded) and the run fails.
                if let Some(load) = load.take() {
                    load.join();
                }
                return Err(e.into());
            }
        }
        watch_signals(&server, &stop);
        restarted = Some(fault);
    }
    let report = load.take().and_then(|mut load| {
        // The ticks are done: clients stop acting, and the world keeps
        // ticking until what they asked has been answered.
        load.stop();
        let drain = LiveLimits {
            until_tick: None,
            ..limits
        };
        live::run(sim, &side, drain, &load.done.clone());
        load.join()
    });
    restart::count_reconnects(sim, &server, restarted);
    drop(side);
    Ok((server, report))
}

/// Ctrl-C or SIGTERM sets `stop` (again on each server a restart brings up).
fn watch_signals(server: &Server, stop: &Arc<AtomicBool>) {
    let flag = stop.clone();
    server.spawn(async move {
        wait_for_signal().await;
        flag.store(true, Ordering::Relaxed);
    });
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Prints whether the finished store verifies.
pub fn check_intact(path: &Path) {
    match verify(path) {
        Ok(Verdict::Intact { events, .. }) => {
            eprintln!("events.db verified intact ({events} events)")
        }
        Ok(other) => eprintln!("warning: events.db does not verify: {other:?}"),
        Err(e) => eprintln!("warning: cannot verify events.db: {e}"),
    }
}
