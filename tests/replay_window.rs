//! `seedsim replay <events.db> --window` end to end: a short run is
//! recorded with the binary, then played back in the window under
//! `xvfb-run` (software Vulkan) until a screenshot; the PNG must show a
//! scene and the Timeline panel's slider, filled as far as the replay got.
//! Its command line is checked without a display: a bad recording or a bad
//! screenshot name exits 2, and a headless build refuses `--window` naming
//! the feature it lacks.

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn seedsim(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(args)
        .output()
        .expect("runs")
}

/// Records `ticks` ticks of the smoke scenario; the events.db's path.
fn record(dir: &Path, ticks: u64) -> std::path::PathBuf {
    let scenario = support::smoke_with(dir, "short.ron", ticks, "");
    let run = dir.join("run");
    let o = seedsim(&[
        "run".as_ref(),
        scenario.as_os_str(),
        "--quiet".as_ref(),
        "--out".as_ref(),
        run.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    run.join("events.db")
}

#[cfg(not(feature = "window"))]
#[test]
fn a_headless_build_refuses_a_replay_window_naming_the_feature() {
    let dir = support::scratch("replay-window", "headless");
    let db = record(&dir, 5);
    let o = seedsim(&["replay".as_ref(), db.as_os_str(), "--window".as_ref()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("`window` feature"), "{err}");
    // Without --window the replay compares as before.
    let o = seedsim(&["replay".as_ref(), db.as_os_str()]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("identical"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(feature = "window")]
#[test]
fn bad_replay_window_arguments_exit_2_before_any_window() {
    let dir = support::scratch("replay-window", "args");
    let missing = dir.join("no-such.db");
    let o = seedsim(&["replay".as_ref(), missing.as_os_str(), "--window".as_ref()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no-such.db") && err.contains("no such file"),
        "{err}"
    );
    let o = seedsim(&[
        "replay".as_ref(),
        missing.as_os_str(),
        "--window".as_ref(),
        "--screenshot".as_ref(),
        "shot.jpg".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".png"));
    // --screenshot only makes sense with --window.
    let o = seedsim(&[
        "replay".as_ref(),
        missing.as_os_str(),
        "--screenshot".as_ref(),
        "shot.png".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(feature = "window")]
mod shown {
    use std::time::Duration;

    use super::support::screen::{close, has, run_window, scene_pixels, seedsim_under_xvfb};

    const LIMIT: Duration = Duration::from_secs(300);
    /// egui's dark theme fills a slider's track up to its value with this.
    const SLIDER_FILL: [u8; 3] = [0, 92, 128];

    fn has_xvfb_run() -> bool {
        has("xvfb-run")
    }

    #[test]
    fn a_replay_in_the_window_shows_the_scene_and_its_timeline() {
        if !has_xvfb_run() {
            eprintln!(
                "skipped: xvfb-run is not installed (apt-get install -y xvfb xauth mesa-vulkan-drivers libvulkan1)"
            );
            return;
        }
        let dir = super::support::scratch("replay-window", "shown");
        // Ten ticks: at real time the replay reaches its end in a second,
        // long before the screenshot.
        let db = super::record(&dir, 10);
        let shot = dir.join("replay.png");
        let cmd = seedsim_under_xvfb(
            &dir,
            [
                "replay".as_ref(),
                db.as_os_str(),
                "--window".as_ref(),
                "--frames".as_ref(),
                "30".as_ref(),
                "--screenshot".as_ref(),
                shot.as_os_str(),
            ],
        );
        run_window(cmd, LIMIT, "the replay window");
        let (w, h, pixels) = scene_pixels(&shot);
        // The Timeline sits at the bottom, centred; its slider's fill shows
        // how far the replay got (the whole track at the end).
        let (w, h) = (w as usize, h as usize);
        let fill = (h * 85 / 100..h)
            .flat_map(|y| (w / 4..w * 3 / 4).map(move |x| y * w + x))
            .filter(|i| close(pixels[*i], SLIDER_FILL))
            .count();
        assert!(
            fill >= 200,
            "no timeline slider at the bottom ({fill} pixels of its fill)"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
