//! A live server on 127.0.0.1 with ephemeral ports, for tests: the
//! simulation loop runs on its own thread, the test drives clients, and
//! the server stops (store finished, sockets closed) when the test ends.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use seedsim::core::protocol::ServerMsg;
use seedsim::core::scenario::load_file;
use seedsim::net::{Server, ServerConfig, world_info};
use seedsim::run::live::{self, LiveLimits};
use seedsim::run::{Pace, RunConfig, Simulation};
use seedsim::store::{StoreConfig, StoreSummary};
use seedsim::world::Zones;
use tokio::net::TcpStream as AsyncTcp;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const TOKEN: &str = "test-token";

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seedsim-live-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub struct Live {
    pub http: SocketAddr,
    pub ws: SocketAddr,
    pub dir: PathBuf,
    stop: Arc<AtomicBool>,
    sim: Option<JoinHandle<Finished>>,
}

/// What a live run left.
pub struct Finished {
    pub tick: u64,
    pub summary: StoreSummary,
}

impl Live {
    /// Serves `scenario` (recorded into a scratch folder) until `until_tick`.
    /// The simulation lives on its own thread (a Bevy app stays where it
    /// was built), which also finishes the store and stops the server.
    pub fn start(
        name: &str,
        scenario: &str,
        pace: Pace,
        until_tick: u64,
        start_paused: bool,
    ) -> Live {
        let dir = scratch(name);
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(scenario);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let db = dir.join("events.db");
        let (tx, rx) = std::sync::mpsc::channel();
        let sim = std::thread::spawn(move || {
            let (scenario, text) = load_file(&path).expect("scenario loads");
            let config = RunConfig {
                seed: scenario.seed,
                threads: None,
                store: Some(StoreConfig {
                    path: db,
                    scenario_file: path.display().to_string(),
                    scenario_text: text,
                    seed: scenario.seed,
                    ticks: until_tick,
                    narrative_pack: scenario.narrative_text(),
                }),
            };
            let mut sim =
                Simulation::recorded(&scenario, &config, Pace::Fast).expect("store opens");
            let world = world_info(&scenario, scenario.seed, sim.world().resource::<Zones>());
            let localhost = "127.0.0.1:0".parse().expect("address");
            let (server, side) = Server::start(
                &ServerConfig {
                    http: localhost,
                    ws: localhost,
                    token: TOKEN.into(),
                },
                world,
            )
            .expect("server starts");
            tx.send((server.http_addr, server.ws_addr))
                .expect("test waits");
            live::run(
                &mut sim,
                &side,
                LiveLimits {
                    pace,
                    until_tick: Some(until_tick),
                    start_paused,
                },
                &flag,
            );
            drop(side);
            let summary = sim
                .finish_store()
                .expect("recording")
                .expect("store finishes");
            server.stop();
            Finished {
                tick: sim.tick(),
                summary,
            }
        });
        let (http, ws) = rx.recv().expect("server address");
        Live {
            http,
            ws,
            dir,
            stop,
            sim: Some(sim),
        }
    }

    /// Waits for the loop to reach its last tick (or stops it now).
    pub fn finish(mut self, stop_now: bool) -> Finished {
        if stop_now {
            self.stop.store(true, Ordering::Relaxed);
        }
        self.sim
            .take()
            .expect("running")
            .join()
            .expect("sim thread")
    }

    pub fn db(&self) -> PathBuf {
        self.dir.join("events.db")
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(sim) = self.sim.take() {
            let _ = sim.join();
        }
    }
}

/// A plain HTTP/1.1 request; returns the status and the body.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let body = body.unwrap_or("");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    // Chunked bodies: keep only the JSON/text between the chunk sizes.
    let body = if out
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// The tick the server has run up to.
pub fn tick(addr: SocketAddr) -> u64 {
    let (status, body) = http(addr, "GET", "/api/stats", None, None);
    assert_eq!(status, 200, "{body}");
    json(&body)["tick"].as_u64().expect("tick")
}

/// Asks the server to run `n` ticks (while paused) and waits until they ran.
pub fn step(addr: SocketAddr, n: u64) {
    let before = tick(addr);
    for _ in 0..n {
        let (status, body) = http(addr, "POST", "/api/control/step", Some(TOKEN), None);
        assert_eq!(status, 200, "{body}");
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while tick(addr) < before + n {
        assert!(
            std::time::Instant::now() < deadline,
            "the steps did not run"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

pub type Ws = WebSocketStream<MaybeTlsStream<AsyncTcp>>;

pub async fn connect(addr: SocketAddr) -> Ws {
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}"))
        .await
        .expect("ws connects");
    match next(&mut ws).await {
        Some(ServerMsg::Hello { version, .. }) => assert_eq!(version, 1),
        other => panic!("expected hello, got {other:?}"),
    }
    ws
}

pub async fn send(ws: &mut Ws, text: &str) {
    ws.send(Message::Text(text.into())).await.expect("send");
}

/// The next protocol frame (within 10 s), `None` if the connection ended.
pub async fn next(ws: &mut Ws) -> Option<ServerMsg> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a frame within 10 s");
        match msg {
            Some(Ok(Message::Text(t))) => {
                return Some(
                    serde_json::from_str(&t).unwrap_or_else(|e| panic!("bad frame {e}: {t}")),
                );
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}
