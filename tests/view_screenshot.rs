//! The window on a live server end to end: `seedsim view` under
//! `xvfb-run` (software Vulkan) against a `seedsim serve` child takes a
//! screenshot, which must show a scene drawn from the stream: many colours
//! and agents in at least three of the smoke scenario's realm colours.
//! Skipped where xvfb-run is not installed.
#![cfg(feature = "window")]

mod support;

#[path = "view/server.rs"]
mod server;

use std::io::BufReader;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use server::{Server, TOKEN};

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
