//! The window on a live server end to end: `seedsim view` under
//! `xvfb-run` (software Vulkan) against a `seedsim serve` child takes a
//! screenshot, which must show a scene drawn from the stream: many colours
//! and agents in at least three of the smoke scenario's realm colours.
//! Skipped where xvfb-run is not installed.
#![cfg(feature = "window")]

mod support;

#[path = "view/server.rs"]
mod server;

use std::time::Duration;

use server::{Server, TOKEN};
use support::screen::{run_window, scene_pixels, seedsim_under_xvfb, smoke_realm_pixels};

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
    let shot = dir.join("view.png");
    let ws = format!("ws://{}", server.ws);
    let api = format!("http://{}", server.http);
    let cmd = seedsim_under_xvfb(
        &dir,
        [
            "view".as_ref(),
            ws.as_ref(),
            "--api".as_ref(),
            api.as_ref(),
            "--token".as_ref(),
            TOKEN.as_ref(),
            "--frames".as_ref(),
            "30".as_ref(),
            "--screenshot".as_ref(),
            shot.as_os_str(),
        ],
    );
    run_window(cmd, Duration::from_secs(240), "view");
    let (_, _, px) = scene_pixels(&shot);
    let realms = smoke_realm_pixels(&px)
        .iter()
        .filter(|(_, n)| *n >= 20)
        .count();
    assert!(
        realms >= 3,
        "fewer than three realm colours drawn from the stream"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
