//! The window on a live server end to end: `seedsim view` under
//! `xvfb-run` (software Vulkan) against a `seedsim serve` child takes a
//! screenshot, which must show a scene drawn from the stream: many colours
//! and agents in at least three of the smoke scenario's realm colours.
//! Skipped where xvfb-run is not installed.
#![cfg(feature = "window")]

mod support;

#[path = "view/server.rs"]
mod server;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use server::{Server, TOKEN};
use support::screen::{SMOKE_REALMS, close, decode_rgb};

fn has_xvfb_run() -> bool {
    support::screen::has("xvfb-run")
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
    let (w, h, px) = decode_rgb(&shot);
    assert!(w >= 640 && h >= 400, "a {w}×{h} screenshot");
    let distinct: std::collections::HashSet<[u8; 3]> = px.iter().copied().collect();
    assert!(
        distinct.len() >= 50,
        "nearly blank: {} colours",
        distinct.len()
    );
    let realms = SMOKE_REALMS
        .iter()
        .filter(|(_, rgb)| px.iter().filter(|p| close(**p, *rgb)).count() >= 20)
        .count();
    assert!(
        realms >= 3,
        "fewer than three realm colours drawn from the stream"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
