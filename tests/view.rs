//! `view` against a real server: `seedsim serve` runs as a child process on
//! ephemeral 127.0.0.1 ports and the remote feed source is driven through
//! its `Feed`, as the window drives it, with no window: frames with agents
//! and a heatmap, events, tunes accepted and refused with the API's text,
//! an inspected entity, pause and step, a read-only session and a clean
//! quit, and a server killed under it. Then the command line's exit codes.
#![cfg(feature = "window")]

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use seedsim::input::ControlAction;
use seedsim::window::feed::remote::{self, Config, Endpoints};
use seedsim::window::feed::{self, Feed, Frame, Notice, SourceKind};

const TOKEN: &str = "view-test-token";
const LIMIT: Duration = Duration::from_secs(30);

/// A `seedsim serve` child and its two addresses; killed when dropped.
struct Server {
    child: Child,
    http: SocketAddr,
    ws: SocketAddr,
}

impl Server {
    fn start(name: &str) -> Server {
        let dir = support::scratch("view", name);
        // Without the smoke scenario's checks, nothing stops it early.
        let scenario = support::smoke_with(&dir, "smoke.ron", 300, "");
        let mut child = Command::new(env!("CARGO_BIN_EXE_seedsim"))
            .arg("serve")
            .arg(&scenario)
            .args(["--http", "127.0.0.1:0", "--ws", "127.0.0.1:0", "--no-store"])
            .args(["--token", TOKEN, "--out"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("seedsim serve starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        let (http, ws) = loop {
            line.clear();
            assert!(
                stderr.read_line(&mut line).expect("stderr") > 0,
                "server exited early"
            );
            let addr = |after: &str, before: &str| -> Option<SocketAddr> {
                line.split(after)
                    .nth(1)?
                    .split(before)
                    .next()?
                    .trim()
                    .parse()
                    .ok()
            };
            if let (Some(h), Some(w)) = (addr("REST http://", " "), addr("WebSocket ws://", "\n")) {
                break (h, w);
            }
        };
        // Keep draining its stderr so it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while stderr.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        Server { child, http, ws }
    }

    fn config(&self, token: Option<&str>) -> Config {
        let endpoints = Endpoints::parse(
            &format!("ws://{}", self.ws),
            Some(&format!("http://{}", self.http)),
        )
        .expect("addresses");
        Config {
            endpoints,
            token: token.map(str::to_string),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Everything a feed delivered so far.
#[derive(Default)]
struct Seen {
    frame: Option<Frame>,
    notices: Vec<Notice>,
    events: usize,
    closed: bool,
}

impl Seen {
    fn take(&mut self, feed: &Feed) {
        let d = feed.take();
        if d.frame.is_some() {
            self.frame = d.frame;
        }
        self.notices.extend(d.notices);
        self.events += d.events.len();
        self.closed |= d.closed;
    }

    /// Takes from `feed` until `done` holds (or fails after [`LIMIT`]).
    fn until(&mut self, feed: &Feed, what: &str, done: impl Fn(&Seen) -> bool) {
        let deadline = Instant::now() + LIMIT;
        loop {
            self.take(feed);
            if done(self) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "never: {what} (notices: {:?})",
                self.notices
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn tick(&self) -> u64 {
        self.frame.as_ref().map_or(0, |f| f.tick)
    }

    fn tuned(&self) -> Vec<&Result<(), String>> {
        self.notices
            .iter()
            .filter_map(|n| match n {
                Notice::Tuned { result, .. } => Some(result),
                Notice::Problem(_) => None,
            })
            .collect()
    }

    fn problem(&self, part: &str) -> bool {
        self.notices
            .iter()
            .any(|n| matches!(n, Notice::Problem(p) if p.contains(part)))
    }
}

#[test]
fn a_feed_follows_and_steers_a_live_server() {
    let server = Server::start("steer");
    let (feed, session) = remote::start(server.config(Some(TOKEN))).expect("starts");
    let info = feed.info().expect("the server's hello");
    assert_eq!(
        info.kind,
        SourceKind::Remote {
            url: format!("ws://{}", server.ws),
            can_tune: true
        }
    );
    assert!(info.zones.len() >= 3, "{:?}", info.zones);
    assert!(info.size.x > 0.0 && info.size.y > 0.0);
    let mut seen = Seen::default();
    seen.until(&feed, "agents, a heatmap, tunables and events", |s| {
        s.frame.as_ref().is_some_and(|f| {
            !f.agents.is_empty()
                && !f.heat.counts.is_empty()
                && f.tunables.is_some()
                && f.stats.population > 0
        }) && s.events > 0
    });
    let frame = seen.frame.clone().unwrap();
    assert!(
        frame.agents.windows(2).all(|w| w[0].id < w[1].id),
        "sorted by id"
    );
    assert_eq!(
        frame.heat.counts.len() as u32,
        frame.heat.cols * frame.heat.rows
    );
    assert!(frame.agents.iter().all(|a| {
        info.zones
            .iter()
            .any(|z| z.id == a.zone && z.realm == a.realm)
    }));
    let counted: u32 = frame.stats.by_kind.iter().sum();
    assert_eq!(counted as usize, frame.agents.len());
    assert!(
        seen.notices.is_empty(),
        "nothing unreadable: {:?}",
        seen.notices
    );

    // Inspect one of them.
    let id = frame.agents[frame.agents.len() / 2].id;
    feed.send(feed::Command::Inspect(Some(id))).unwrap();
    seen.until(&feed, "the inspected entity", |s| {
        s.frame
            .as_ref()
            .and_then(|f| f.inspected.as_ref())
            .is_some_and(|v| v["id"] == id)
    });

    // A tune accepted shows in later frames; a bad one is refused with the API's text.
    assert_ne!(frame.tunables.as_ref().unwrap().birth_rate, Some(0.25));
    feed.send(feed::Command::Tune(serde_json::json!({"birth_rate": 0.25})))
        .unwrap();
    seen.until(&feed, "the tune's answer", |s| s.tuned().len() == 1);
    assert_eq!(seen.tuned()[0], &Ok(()), "{:?}", seen.notices);
    feed.send(feed::Command::Tune(
        serde_json::json!({"birth_rate": "lots"}),
    ))
    .unwrap();
    seen.until(&feed, "the bad tune's answer", |s| s.tuned().len() == 2);
    let refused = seen.tuned()[1].clone().expect_err("a bad tune is refused");
    assert!(refused.starts_with("birth_rate: "), "{refused}");
    seen.until(&feed, "the new tunables", |s| {
        s.frame
            .as_ref()
            .and_then(|f| f.tunables.as_ref())
            .is_some_and(|t| t.birth_rate == Some(0.25))
    });

    // Pause: the ticks stop; a step moves one; the server runs at its own pace.
    feed.send(feed::Command::Control(ControlAction::Pause))
        .unwrap();
    seen.until(&feed, "paused", |s| {
        s.frame.as_ref().is_some_and(|f| f.paused)
    });
    std::thread::sleep(Duration::from_millis(400));
    seen.take(&feed);
    let at = seen.tick();
    std::thread::sleep(Duration::from_millis(500));
    seen.take(&feed);
    assert_eq!(seen.tick(), at, "paused, the server stays put");
    feed.send(feed::Command::Control(ControlAction::Step))
        .unwrap();
    seen.until(&feed, "one step", |s| s.tick() == at + 1);
    feed.send(feed::Command::Speed(4.0)).unwrap();
    seen.until(&feed, "the pace notice", |s| s.problem("its own pace"));
    feed.send(feed::Command::Control(ControlAction::Resume))
        .unwrap();
    seen.until(&feed, "running again", |s| {
        s.tick() > at + 3 && !s.frame.as_ref().unwrap().paused
    });

    // A second window without the token is read only, and quits cleanly.
    let (ro, ro_session) = remote::start(server.config(None)).expect("starts");
    let ro_info = ro.info().expect("hello");
    assert!(matches!(
        ro_info.kind,
        SourceKind::Remote {
            can_tune: false,
            ..
        }
    ));
    ro.send(feed::Command::Tune(serde_json::json!({"birth_rate": 0.5})))
        .unwrap();
    ro.send(feed::Command::Control(ControlAction::Pause))
        .unwrap();
    let mut ro_seen = Seen::default();
    ro_seen.until(&ro, "read-only answers", |s| {
        s.tuned().len() == 1 && s.problem("read only")
    });
    assert!(ro_seen.tuned()[0].as_ref().unwrap_err().contains("--token"));
    ro.send(feed::Command::Quit).unwrap();
    let ended = ro_session
        .join()
        .expect("no panic")
        .expect("it had started");
    assert_eq!(ended.lost, None, "the window closed it");
    assert!(ended.frames > 0);

    // The server dies under the first: a notice and a closed feed, no panic.
    drop(server);
    seen.notices.clear();
    seen.until(&feed, "the lost connection", |s| s.closed);
    assert!(
        seen.problem("closed the connection") || seen.problem("lost"),
        "{:?}",
        seen.notices
    );
    assert!(seen.frame.as_ref().is_some_and(|f| f.finished));
    let ended = session.join().expect("no panic").expect("it had started");
    assert!(ended.lost.is_some());
    assert!(ended.events > 0);
    assert_eq!(ended.unreadable, 0);
}

fn view(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .arg("view")
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_bad_url_is_an_invalid_command_line_and_no_server_a_failure() {
    for (url, says) in [
        ("http://127.0.0.1:8765", "ws://"),
        ("ws://127.0.0.1", "port is missing"),
        ("ws://127.0.0.1:70000", "not a port"),
        ("127.0.0.1:8765", "ws://HOST:PORT"),
    ] {
        let (code, err) = view(&[url]);
        assert_eq!(code, Some(2), "{url}: {err}");
        assert!(err.contains(says), "{url}: {err}");
    }
    let (code, err) = view(&["ws://127.0.0.1:1", "--api", "ftp://x:1"]);
    assert_eq!(code, Some(2), "{err}");
    // A port nobody listens on: taken, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, err) = view(&[&format!("ws://127.0.0.1:{port}")]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot connect to ws://127.0.0.1"), "{err}");
    // Something that listens but is no seedsim server: it closes at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let closer = std::thread::spawn(move || {
        if let Ok((s, _)) = listener.accept() {
            drop(s);
        }
    });
    let (code, err) = view(&[&format!("ws://{addr}")]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("error:"), "{err}");
    closer.join().unwrap();
}

fn has_xvfb_run() -> bool {
    Command::new("sh")
        .args(["-c", "command -v xvfb-run"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The realms of smoke.ron's zones and their STAT7 colours (as tests/window.rs).
const SMOKE_REALMS: [[u8; 3]; 4] = [
    [0x34, 0x49, 0x5e],
    [0xe7, 0x4c, 0x3c],
    [0x34, 0x98, 0xdb],
    [0x1a, 0xbc, 0x9c],
];

/// The screenshot's pixels as RGB.
fn pixels(path: &std::path::Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::fs::File::open(path).expect("the screenshot exists");
    let mut reader = png::Decoder::new(BufReader::new(file))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let px = buf[..info.buffer_size()]
        .chunks_exact(step)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, px)
}

#[test]
fn the_window_draws_a_live_server() {
    if !has_xvfb_run() {
        eprintln!("skipped: xvfb-run is not installed");
        return;
    }
    let server = Server::start("shot");
    let dir = support::scratch("view", "shot-out");
    let runtime = dir.join("xdg");
    std::fs::create_dir_all(&runtime).expect("temp dir");
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700));
    }
    let shot = dir.join("view.png");
    let mut child = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(env!("CARGO_BIN_EXE_seedsim"))
        .arg("view")
        .arg(format!("ws://{}", server.ws))
        .arg("--api")
        .arg(format!("http://{}", server.http))
        .args(["--token", TOKEN, "--frames", "30", "--screenshot"])
        .arg(&shot)
        .env("XDG_RUNTIME_DIR", &runtime)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xvfb-run starts");
    let mut err = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(240);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "view did not exit in time:\n{}",
                reader.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let output = reader.join().unwrap_or_default();
    assert!(status.success(), "view failed ({status}):\n{output}");
    let (w, h, px) = pixels(&shot);
    assert!(w >= 640 && h >= 400, "a {w}×{h} screenshot");
    let distinct: std::collections::HashSet<[u8; 3]> = px.iter().copied().collect();
    assert!(
        distinct.len() >= 50,
        "nearly blank: {} colours",
        distinct.len()
    );
    let near = |a: [u8; 3], b: [u8; 3]| a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 12);
    let realms = SMOKE_REALMS
        .iter()
        .filter(|rgb| px.iter().filter(|p| near(**p, **rgb)).count() >= 20)
        .count();
    assert!(
        realms >= 3,
        "fewer than three realm colours drawn from the stream"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
