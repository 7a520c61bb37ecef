//! Run folders are never clobbered: no command removes or replaces an
//! earlier run's `events.db`. A failed start leaves what was there byte for
//! byte; a second run into an occupied `--out` is refused (exit 2) unless
//! `--force`, which moves the old folder aside whole; without `--out` each
//! run gets the next free `runs/<name>-<seed>[-N]` and `runs/latest`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seedsim-folders-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

fn smoke() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.ron")
}

/// `seedsim ARGS` in `cwd`.
fn seedsim(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("seedsim runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every file of a folder with its bytes, sorted by name.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("a folder")
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn no_command_replaces_an_earlier_run() {
    let dir = scratch("exact");
    let scenario = smoke();
    let scenario = scenario.to_str().expect("utf-8 path");
    let out = dir.join("x");
    let out_s = out.to_str().expect("utf-8 path");
    let first = seedsim(
        &dir,
        &[
            "run", scenario, "--seed", "3", "--ticks", "30", "--quiet", "--out", out_s,
        ],
    );
    assert!(first.status.success(), "{}", text(&first));
    let before = contents(&out);
    assert!(
        before
            .iter()
            .any(|(n, b)| n == "events.db" && !b.is_empty()),
        "{before:?}"
    );

    // A serve that cannot bind its port: fails, touches nothing.
    let taken = TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("addr").to_string();
    let serve = seedsim(
        &dir,
        &[
            "serve", scenario, "--seed", "3", "--ticks", "30", "--http", &port, "--out", out_s,
        ],
    );
    assert_eq!(serve.status.code(), Some(2), "{}", text(&serve));
    assert!(text(&serve).contains("already holds"), "{}", text(&serve));
    assert_eq!(contents(&out), before, "a refused serve changed the run");

    // The same into a free folder: the start fails on the port, and the
    // folder it claimed is given back.
    let fresh = dir.join("y");
    let serve = seedsim(
        &dir,
        &[
            "serve",
            scenario,
            "--ticks",
            "30",
            "--http",
            &port,
            "--out",
            fresh.to_str().unwrap(),
        ],
    );
    assert_eq!(serve.status.code(), Some(1), "{}", text(&serve));
    assert!(!fresh.exists(), "a failed start left {}", fresh.display());
    drop(taken);

    // A second run, a --no-store run: refused, nothing changed.
    for extra in [&[][..], &["--no-store"][..]] {
        let mut args = vec!["run", scenario, "--ticks", "30", "--quiet", "--out", out_s];
        args.extend_from_slice(extra);
        let again = seedsim(&dir, &args);
        assert_eq!(again.status.code(), Some(2), "{extra:?}: {}", text(&again));
        assert!(text(&again).contains("--force"), "{}", text(&again));
        assert_eq!(contents(&out), before, "{extra:?} changed the run");
    }

    // --force moves the old run aside whole, then runs.
    let forced = seedsim(
        &dir,
        &[
            "run", scenario, "--seed", "4", "--ticks", "30", "--quiet", "--out", out_s, "--force",
        ],
    );
    assert!(forced.status.success(), "{}", text(&forced));
    assert_eq!(contents(&dir.join("x.replaced-1")), before);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report"))
            .expect("json");
    assert_eq!(report["seed"], 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn runs_without_out_get_the_next_free_folder_and_latest_follows() {
    let dir = scratch("numbered");
    let scenario = smoke();
    let scenario = scenario.to_str().expect("utf-8 path");
    for _ in 0..2 {
        let o = seedsim(
            &dir,
            &["run", scenario, "--ticks", "10", "--quiet", "--no-store"],
        );
        // Ten ticks do not meet smoke's checks (exit 1): still a run.
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
    }
    let runs = dir.join("runs");
    assert!(runs.join("smoke-7/report.json").is_file());
    assert!(runs.join("smoke-7-2/report.json").is_file());
    let first = contents(&runs.join("smoke-7"));
    #[cfg(unix)]
    assert_eq!(
        std::fs::read_link(runs.join("latest")).expect("a link"),
        Path::new("smoke-7-2")
    );
    // A serve that cannot start leaves no third folder.
    let taken = TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("addr").to_string();
    let serve = seedsim(&dir, &["serve", scenario, "--ticks", "10", "--http", &port]);
    assert_eq!(serve.status.code(), Some(1), "{}", text(&serve));
    assert!(!runs.join("smoke-7-3").exists());
    assert_eq!(contents(&runs.join("smoke-7")), first);
    #[cfg(unix)]
    assert_eq!(
        std::fs::read_link(runs.join("latest")).expect("a link"),
        Path::new("smoke-7-2"),
        "latest names the last run that started"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_served_run_that_fails_points_at_replaying_its_store() {
    // A served run's inputs cannot be made again, so the way to reproduce a
    // failure is its store. Smoke with a threshold no run meets:
    let dir = scratch("served");
    let text_of = std::fs::read_to_string(smoke()).expect("smoke.ron");
    let cut = text_of
        .find("    // What must hold")
        .expect("smoke.ron's checks");
    let scenario = dir.join("failing.ron");
    std::fs::write(
        &scenario,
        format!(
            "{}    thresholds: {{ \"tick_ms\": [\"max < 0\"] }},\n)\n",
            &text_of[..cut]
        ),
    )
    .expect("write");
    let out = dir.join("x");
    let o = seedsim(
        &dir,
        &[
            "run",
            scenario.to_str().expect("utf-8"),
            "--ticks",
            "10",
            "--serve",
            "--http",
            "127.0.0.1:0",
            "--ws",
            "127.0.0.1:0",
            "--quiet",
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let expected = format!(
        "reproduce with: seedsim replay {}",
        out.join("events.db").display()
    );
    assert!(text(&o).contains(&expected), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_that_cannot_be_written_is_refused_before_the_run() {
    // /proc takes no new folders, even from root: the run must say so at
    // once, not after a million ticks.
    let dir = scratch("unwritable");
    let scenario = smoke();
    let started = std::time::Instant::now();
    let o = seedsim(
        &dir,
        &[
            "run",
            scenario.to_str().expect("utf-8"),
            "--ticks",
            "1000000",
            "--no-store",
            "--quiet",
            "--out",
            "/proc/seedsim-no-such-folder",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("/proc/seedsim-no-such-folder"),
        "{}",
        text(&o)
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "it ran first"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
