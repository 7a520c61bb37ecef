//! A scenario's `clients`: the assault engine against the run's own server,
//! either in this process (its own tokio runtime and thread, so the
//! simulation loop keeps the main thread) or, with `process: child`, in a
//! `seedsim assault` child process. A big load needs the child: in one
//! process every loopback connection costs two file descriptors, and the
//! server's memory and CPU figures would include the clients'. When the
//! run's ticks are done the clients stop acting (the child by SIGINT, which
//! `seedsim assault` handles like Ctrl-C) and the loop keeps ticking until
//! every outstanding action has been answered or the engine's grace period
//! ends.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

use super::fd_limit;
use crate::assault::{AssaultConfig, AssaultReport, Load, run_until};
use crate::core::TICK;
use crate::core::scenario::{ClientProcess, ClientsSpec};

/// File descriptors a process needs besides its connections (the store,
/// listeners, the runtime, the standard streams).
const FD_MARGIN: u64 = 256;
/// The clients' upper bound on acting when the run decides when they stop.
const UNTIL_STOPPED: Duration = Duration::from_secs(366 * 24 * 3600);

enum Engine {
    InProcess {
        stop: Option<oneshot::Sender<()>>,
        thread: Option<JoinHandle<Option<AssaultReport>>>,
    },
    Child {
        pid: libc::pid_t,
        json: PathBuf,
        waiter: Option<JoinHandle<()>>,
        signalled: bool,
    },
}

pub struct ClientLoad {
    engine: Engine,
    /// Set when the engine has finished (report built, connections closed).
    pub done: Arc<AtomicBool>,
}

/// `n` ticks of wall time (clients run at real-time pace).
fn ticks(n: u64) -> Duration {
    TICK * n.min(u32::MAX as u64) as u32
}

/// The assault `spec` describes, against `ws`.
fn config(ws: SocketAddr, spec: &ClientsSpec, seed: u64) -> AssaultConfig {
    let mut config = AssaultConfig::new(format!("ws://{ws}"), spec.count);
    config.duration = spec.duration_ticks.map_or(UNTIL_STOPPED, ticks);
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
    config
}

/// `seedsim assault` flags for `spec` against `ws`, reporting into `json`.
fn child_args(
    ws: SocketAddr,
    spec: &ClientsSpec,
    seed: u64,
    json: &std::path::Path,
) -> Vec<String> {
    let ms = |d: Duration| format!("{}ms", d.as_millis());
    let mut a: Vec<String> = vec![
        "assault".into(),
        "--quiet".into(),
        "--target".into(),
        format!("ws://{ws}"),
        "--clients".into(),
        spec.count.to_string(),
        "--viewers".into(),
        spec.viewers.to_string(),
        "--duration".into(),
        ms(spec.duration_ticks.map_or(UNTIL_STOPPED, ticks)),
        "--think".into(),
        format!("{}ms", spec.think_ms.max(1)),
        "--seed".into(),
        seed.to_string(),
        "--json".into(),
        json.display().to_string(),
    ];
    match spec.arrival_rate {
        Some(rate) => {
            a.extend(["--arrival-rate".into(), rate.0.to_string()]);
            if let Some(s) = spec.session_ticks {
                a.extend(["--session".into(), ms(ticks(s))]);
            }
        }
        None => a.extend(["--ramp".into(), ms(ticks(spec.ramp_ticks))]),
    }
    if spec.mix.is_empty() {
        a.extend(["--profile".into(), spec.profile.name().into()]);
    } else {
        let mix: Vec<String> = spec
            .mix
            .iter()
            .map(|(p, w)| format!("{}={w}", p.name()))
            .collect();
        a.extend(["--mix".into(), mix.join(",")]);
    }
    a
}

impl ClientLoad {
    /// Starts `spec`'s clients against `ws`; they play until [`ClientLoad::stop`].
    /// Fails when this machine cannot hold the connections (file
    /// descriptors) or the child does not start.
    pub fn start(ws: SocketAddr, spec: &ClientsSpec, seed: u64) -> Result<ClientLoad, String> {
        let connections = spec.count + spec.viewers;
        let child = spec.process == ClientProcess::Child;
        // In one process each connection has both of its ends here.
        let need = connections * if child { 1 } else { 2 } + FD_MARGIN;
        let limit = fd_limit::raise();
        if let Some(limit) = limit
            && need > limit
        {
            let hint = if child {
                "raise it (ulimit -n)"
            } else {
                "raise it (ulimit -n), or run the clients in a child process (clients: (process: child, ...))"
            };
            return Err(format!(
                "{connections} client connections need about {need} file descriptors in this process, \
                 and the limit is {limit}: {hint}"
            ));
        }
        if child {
            Self::start_child(ws, spec, seed)
        } else {
            Ok(Self::start_in_process(config(ws, spec, seed)))
        }
    }

    fn start_in_process(config: AssaultConfig) -> ClientLoad {
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
            engine: Engine::InProcess {
                stop: Some(stop),
                thread,
            },
            done,
        }
    }

    fn start_child(ws: SocketAddr, spec: &ClientsSpec, seed: u64) -> Result<ClientLoad, String> {
        let exe =
            std::env::current_exe().map_err(|e| format!("cannot find seedsim itself: {e}"))?;
        let json = std::env::temp_dir().join(format!(
            "seedsim-clients-{}-{}.json",
            std::process::id(),
            ws.port()
        ));
        let _ = std::fs::remove_file(&json);
        let mut child: Child = Command::new(exe)
            .args(child_args(ws, spec, seed, &json))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the clients' process: {e}"))?;
        let pid = child.id() as libc::pid_t;
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let waiter = std::thread::Builder::new()
            .name("seedsim-clients".into())
            .spawn(move || {
                let _ = child.wait();
                flag.store(true, Ordering::Relaxed);
            })
            .map_err(|e| format!("cannot watch the clients' process: {e}"))?;
        Ok(ClientLoad {
            engine: Engine::Child {
                pid,
                json,
                waiter: Some(waiter),
                signalled: false,
            },
            done,
        })
    }

    /// Clients stop acting; the engine waits for outstanding answers.
    pub fn stop(&mut self) {
        match &mut self.engine {
            Engine::InProcess { stop, .. } => {
                if let Some(s) = stop.take() {
                    let _ = s.send(());
                }
            }
            Engine::Child { pid, signalled, .. } => {
                if !*signalled && !self.done.load(Ordering::Relaxed) {
                    // SAFETY: kill(2) with a pid this process started and
                    // has not reaped yet (the waiter sets `done` after it).
                    unsafe {
                        libc::kill(*pid, libc::SIGINT);
                    }
                }
                *signalled = true;
            }
        }
    }

    /// The engine's report (after [`ClientLoad::stop`] and `done`).
    pub fn join(mut self) -> Option<AssaultReport> {
        self.stop();
        match &mut self.engine {
            Engine::InProcess { thread, .. } => thread.take().and_then(|t| t.join().ok()).flatten(),
            Engine::Child { json, waiter, .. } => {
                if let Some(w) = waiter.take() {
                    let _ = w.join();
                }
                let text = std::fs::read_to_string(&*json);
                let _ = std::fs::remove_file(&*json);
                match text.map(|t| serde_json::from_str::<AssaultReport>(&t)) {
                    Ok(Ok(report)) => Some(report),
                    Ok(Err(e)) => {
                        eprintln!("error: the clients' report does not parse: {e}");
                        None
                    }
                    Err(e) => {
                        eprintln!("error: the clients' process left no report: {e}");
                        None
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_flags_say_what_the_spec_says() {
        let spec: ClientsSpec = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(
                "(count: 40, arrival_rate: 2.5, session_ticks: 30, duration_ticks: 50, \
                  mix: { trader: 3, griefer: 1 }, think_ms: 250, viewers: 2, process: child)",
            )
            .unwrap();
        let ws: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let a = child_args(ws, &spec, 8, std::path::Path::new("/tmp/r.json")).join(" ");
        for want in [
            "assault --quiet --target ws://127.0.0.1:9 --clients 40 --viewers 2",
            "--duration 5000ms --think 250ms --seed 8 --json /tmp/r.json",
            "--arrival-rate 2.5 --session 3000ms",
            "--mix trader=3,griefer=1",
        ] {
            assert!(a.contains(want), "{want:?} in {a}");
        }
        assert!(!a.contains("--ramp") && !a.contains("--profile"), "{a}");
        // The flags parse back into the same assault.
        let cli = <super::super::Cli as clap::Parser>::try_parse_from(
            std::iter::once("seedsim".to_string()).chain(child_args(
                ws,
                &spec,
                8,
                std::path::Path::new("/tmp/r.json"),
            )),
        )
        .unwrap();
        let super::super::Command::Assault(args) = cli.command else {
            panic!("not an assault")
        };
        let from_flags = super::super::assault::config_of(&args).unwrap();
        let direct = config(ws, &spec, 8);
        assert_eq!(from_flags.load, direct.load);
        assert_eq!(from_flags.mix, direct.mix);
        assert_eq!(
            (
                from_flags.think,
                from_flags.duration,
                from_flags.viewers,
                from_flags.seed
            ),
            (direct.think, direct.duration, direct.viewers, direct.seed)
        );
    }
}
