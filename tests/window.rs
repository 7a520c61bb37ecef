//! The window end to end: `seedsim run scenarios/smoke.ron --window
//! --screenshot` under `xvfb-run` (software Vulkan), then the PNG is
//! decoded and must show a scene — many colours, and agents in at least
//! three of the smoke scenario's realm colours; and a scenario with
//! clients, served and watched from the window.
#![cfg(feature = "window")]

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::screen::{
    has as has_tool, run_window, scene_pixels, seedsim_under_xvfb, smoke_realm_pixels,
};

/// A realm counts as shown from this many pixels of its colour.
const MIN_PIXELS: usize = 20;
const LIMIT: Duration = Duration::from_secs(240);

fn has_xvfb_run() -> bool {
    has_tool("xvfb-run")
}

#[test]
fn a_screenshot_of_the_smoke_scenario_shows_its_realms() {
    assert!(
        has_xvfb_run(),
        "xvfb-run is not installed: the window test needs it and a software Vulkan driver \
         (Debian: apt-get install -y xvfb xauth mesa-vulkan-drivers libvulkan1)"
    );
    let dir = support::scratch("window", "smoke");
    let shot = dir.join("smoke.png");
    let smoke = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.ron");
    let run = dir.join("run");
    let cmd = seedsim_under_xvfb(
        &dir,
        [
            "run".as_ref(),
            smoke.as_os_str(),
            "--window".as_ref(),
            "--frames".as_ref(),
            "30".as_ref(),
            "--quiet".as_ref(),
            "--out".as_ref(),
            run.as_os_str(),
            "--screenshot".as_ref(),
            shot.as_os_str(),
        ],
    );
    run_window(cmd, LIMIT, "the window run");
    let (_, _, pixels) = scene_pixels(&shot);
    let shown = smoke_realm_pixels(&pixels);
    let realms = shown.iter().filter(|(_, n)| *n >= MIN_PIXELS).count();
    assert!(
        realms >= 3,
        "fewer than three realm colours in the screenshot (pixels per realm: {shown:?})"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Checked before any window opens, so no display is needed.
#[test]
fn bad_window_arguments_and_scenarios_exit_2() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_seedsim"))
            .arg("run")
            .args(args)
            .output()
            .expect("runs")
    };
    let smoke = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/smoke.ron");
    let o = run(&[smoke, "--window", "--no-store", "--screenshot", "shot.jpg"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".png"));
    let o = run(&["no-such-scenario.ron", "--window"]);
    assert_eq!(o.status.code(), Some(2));
    // --screenshot only makes sense with --window.
    let o = run(&[smoke, "--screenshot", "shot.png"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[smoke, "--window", "--speed", "100"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("0.25 to 64"));
}

/// A scenario with clients is served as without a window (the clients
/// play through its sockets) and the window watches it as a viewer; closing
/// the window (here: after its screenshot) stops the run, which still ends
/// with its store, its checks and the clients' report.
#[test]
fn a_scenario_with_clients_is_served_and_watched_from_the_window() {
    if !has_xvfb_run() {
        eprintln!("skipped: xvfb-run is not installed");
        return;
    }
    let dir = support::scratch("window", "served");
    let shot = dir.join("griefers.png");
    let griefers = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/griefers.ron");
    let run = dir.join("run");
    let cmd = seedsim_under_xvfb(
        &dir,
        [
            "run".as_ref(),
            griefers.as_os_str(),
            "--window".as_ref(),
            "--frames".as_ref(),
            "20".as_ref(),
            "--quiet".as_ref(),
            "--out".as_ref(),
            run.as_os_str(),
            "--screenshot".as_ref(),
            shot.as_os_str(),
        ],
    );
    run_window(cmd, LIMIT, "the served window run");
    scene_pixels(&shot);
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("run/report.json")).expect("report.json"),
    )
    .expect("JSON");
    let clients = &report["clients"];
    assert!(
        clients["logins"].as_u64().unwrap_or(0) > 0 && clients["acks"].as_u64().unwrap_or(0) > 0,
        "the clients played while the window watched: {clients}"
    );
    assert_eq!(clients["acks_missing"], 0, "{clients}");
    assert!(
        dir.join("run/events.db").exists(),
        "the served run recorded its store"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
