//! The window's buttons, clicked: `seedsim run smoke.ron --window` under
//! `xvfb-run`, with `xdotool` pressing the Run panel's Pause and then its
//! Step button the way a user's mouse does (a press and, a moment later, a
//! release), then Ctrl+Q. The run's own record must show it: the store
//! has the pause and the step as control inputs, and while paused the
//! frame-rate log shows the tick standing still. Skipped (with a line
//! saying so) without xvfb-run or xdotool.
#![cfg(feature = "window")]

mod support;

use std::process::Command;

use support::screen::has;

/// Where the Run panel's buttons are at egui's default scale (the panel
/// opens at 12, 12): Pause, and Step beside it (inside Step whether its
/// neighbour reads "Pause" or the wider "Resume").
const PAUSE: (u32, u32) = (45, 62);
const STEP: (u32, u32) = (108, 62);

/// Waits (up to 4 minutes: a debug build on software Vulkan compiles its
/// shaders slowly) until the log shows agents drawn, clicks, quits.
const SCRIPT: &str = r#"
"$SEEDSIM" run "$SCENARIO" --window --fps-log 1 --ticks 100000 --quiet --out "$OUT" > "$LOG" 2>&1 &
pid=$!
n=0
until grep -q "agents drawn [1-9]" "$LOG"; do
    n=$((n + 1))
    if [ $n -gt 480 ] || ! kill -0 $pid 2>/dev/null; then kill $pid 2>/dev/null; exit 90; fi
    sleep 0.5
done
sleep 2
xdotool mousemove $PAUSE_X $PAUSE_Y mousedown 1 sleep 0.4 mouseup 1
sleep 4
xdotool mousemove $STEP_X $STEP_Y mousedown 1 sleep 0.4 mouseup 1
sleep 3
# Without a window manager nothing gives the window the keyboard: focus it.
xdotool search --name seedsim windowfocus
sleep 1
# Held across frames, as fingers do (a chord sent at once may begin and
# end within one frame, and the app would never see Ctrl down with Q).
xdotool keydown ctrl sleep 0.3 key q sleep 0.3 keyup ctrl
n=0
while kill -0 $pid 2>/dev/null; do
    n=$((n + 1))
    if [ $n -gt 240 ]; then kill $pid; exit 91; fi
    sleep 0.5
done
wait $pid
"#;

#[test]
fn pause_and_step_clicked_in_the_run_panel_are_recorded() {
    if !has("xvfb-run") || !has("xdotool") {
        eprintln!("skipped: needs xvfb-run and xdotool");
        return;
    }
    let dir = std::env::temp_dir().join(format!("seedsim-window-clicks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let runtime = dir.join("xdg");
    std::fs::create_dir_all(&runtime).expect("temp dir");
    let log = dir.join("window.log");
    let out = dir.join("run");
    let status = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", "sh", "-c", SCRIPT])
        .env("SEEDSIM", env!("CARGO_BIN_EXE_seedsim"))
        .env(
            "SCENARIO",
            concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/smoke.ron"),
        )
        .env("OUT", &out)
        .env("LOG", &log)
        .env("PAUSE_X", PAUSE.0.to_string())
        .env("PAUSE_Y", PAUSE.1.to_string())
        .env("STEP_X", STEP.0.to_string())
        .env("STEP_Y", STEP.1.to_string())
        .env("XDG_RUNTIME_DIR", &runtime)
        .status()
        .expect("xvfb-run starts");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        status.success(),
        "the clicked window run failed ({status}):\n{text}"
    );

    let conn = rusqlite::Connection::open(out.join("events.db")).expect("the run's store");
    let controls: Vec<String> = conn
        .prepare("SELECT payload FROM inputs WHERE payload LIKE '%\"control\"%' ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("inputs");
    assert_eq!(
        controls.len(),
        2,
        "one pause and one step recorded: {controls:?}\n{text}"
    );
    assert!(controls[0].contains("pause"), "{controls:?}");
    assert!(controls[1].contains("step"), "{controls:?}");

    // Paused, the tick stands still from one log line to the next.
    let ticks: Vec<u64> = text
        .lines()
        .filter(|l| l.starts_with("fps "))
        .filter_map(|l| l.split(", tick ").nth(1)?.split(',').next()?.parse().ok())
        .collect();
    assert!(
        ticks.windows(2).any(|w| w[0] == w[1] && w[0] > 0),
        "no standstill in the ticks logged: {ticks:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
