//! A scenario's `clients`: the assault engine, in process, against the
//! run's own server. It runs on its own tokio runtime and thread, so the
//! simulation loop keeps the main thread; when the run's ticks are done the
//! clients stop acting and the loop keeps ticking until every outstanding
//! action has been answered (or the engine's grace period ends).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::assault::{AssaultConfig, AssaultReport, Load, run_until};
use crate::scenario::ClientsSpec;
use crate::sim::TICK;

pub struct ClientLoad {
    stop: Option<oneshot::Sender<()>>,
    /// Set when the engine has finished (report built, connections closed).
    pub done: Arc<AtomicBool>,
    thread: Option<JoinHandle<Option<AssaultReport>>>,
}

/// `n` ticks of wall time (clients run at real-time pace).
fn ticks(n: u64) -> Duration {
    TICK * n.min(u32::MAX as u64) as u32
}

impl ClientLoad {
    /// Starts `spec`'s clients against `ws`; they play until [`ClientLoad::stop`].
    pub fn start(ws: SocketAddr, spec: &ClientsSpec, seed: u64) -> ClientLoad {
        let mut config = AssaultConfig::new(format!("ws://{ws}"), spec.count);
        // Without a duration the run decides when the clients stop; this is
        // only an upper bound.
        config.duration = spec
            .duration_ticks
            .map_or(Duration::from_secs(366 * 24 * 3600), ticks);
        config.load = match spec.arrival_rate {
            Some(rate) => Load::Open {
                rate: rate.0 as f64,
                max_clients: spec.count,
                session: spec.session_ticks.map(ticks),
            },
            None => Load::Closed {
                clients: spec.count,
                ramp: ticks(spec.ramp_ticks),
            },
        };
        config.profile = spec.profile;
        let weights: Vec<_> = spec.mix.iter().map(|(p, w)| (*p, *w)).collect();
        config.mix = crate::assault::weighted_cycle(&weights);
        config.think = Duration::from_millis(spec.think_ms.max(1));
        config.seed = seed;
        config.viewers = spec.viewers;
        let (stop, stopped) = oneshot::channel::<()>();
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let thread = std::thread::Builder::new()
            .name("seedsim-clients".into())
            .spawn(move || {
                let report = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .ok()
                    .and_then(|rt| {
                        rt.block_on(run_until(config, None, async {
                            let _ = stopped.await;
                        }))
                        .ok()
                    });
                flag.store(true, Ordering::Relaxed);
                report
            })
            .ok();
        if thread.is_none() {
            done.store(true, Ordering::Relaxed);
        }
        ClientLoad {
            stop: Some(stop),
            done,
            thread,
        }
    }

    /// Clients stop acting; the engine waits for outstanding answers.
    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }

    /// The engine's report (after [`ClientLoad::stop`] and `done`).
    pub fn join(mut self) -> Option<AssaultReport> {
        self.stop();
        self.thread.take().and_then(|t| t.join().ok()).flatten()
    }
}
