//! `seedsim test` through the real binary: a passing suite and
//! its three reports, a failed threshold, an invalid scenario, seed ranges,
//! filters, files that opt out; and, with a stand-in for `seedsim run`, a
//! run that crashes, through the same runner.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

const SMOKE: &str = include_str!("../scenarios/smoke.ron");
/// Longest a `seedsim test` here may take before the test fails.
const LIMIT: Duration = Duration::from_secs(300);

/// Held while this process starts a child or writes an executable: a child
/// forked while a script is open for writing would make running that
/// script fail with "text file busy".
static SPAWN: Mutex<()> = Mutex::new(());

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seedsim-suite-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A 30-tick copy of the smoke scenario named `name`, written as `dir/file`.
fn scenario(dir: &Path, file: &str, name: &str, extra_top_line: &str) -> PathBuf {
    assert!(SMOKE.contains("name: \"smoke\",") && SMOKE.contains("ticks: 300,"));
    let text = SMOKE
        .replacen("name: \"smoke\",", &format!("name: \"{name}\","), 1)
        .replacen("ticks: 300,", "ticks: 30,", 1);
    let path = dir.join(file);
    std::fs::write(&path, format!("{extra_top_line}\n{text}")).expect("write scenario");
    path
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `seedsim test ARGS` with a time limit.
fn seedsim_test(scratch: &Path, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Out {
    let (out_path, err_path) = (scratch.join("stdout.txt"), scratch.join("stderr.txt"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seedsim"));
    cmd.arg("test")
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"));
    let mut child = {
        let _guard = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        cmd.spawn().expect("seedsim starts")
    };
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("seedsim test took more than {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Out {
        code: status.code().expect("exit code"),
        stdout: std::fs::read_to_string(out_path).expect("stdout"),
        stderr: std::fs::read_to_string(err_path).expect("stderr"),
    }
}

fn summary(report_dir: &Path) -> Value {
    let text = std::fs::read_to_string(report_dir.join("summary.json")).expect("summary.json");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

fn statuses(summary: &Value) -> Vec<(String, Option<u64>, String)> {
    summary["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| {
            (
                r["scenario"].as_str().expect("scenario").to_string(),
                r["seed"].as_u64(),
                r["status"].as_str().expect("status").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_passing_suite_writes_all_three_reports() {
    let dir = scratch("pass");
    let scenarios = dir.join("scenarios");
    std::fs::create_dir_all(&scenarios).expect("dir");
    scenario(&scenarios, "b.ron", "beta", "");
    scenario(&scenarios, "a.ron", "alpha", "");
    scenario(
        &scenarios,
        "c.ron",
        "gamma",
        "// suite: skip - too slow for suites",
    );
    let report_dir = dir.join("out");
    let out = seedsim_test(
        &dir,
        &[
            &scenarios,
            &"--report-dir",
            &report_dir,
            &"--parallel",
            &"2",
        ],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);

    let s = summary(&report_dir);
    // Directory order (by file name), whatever order the runs finished in.
    assert_eq!(
        statuses(&s),
        [
            ("alpha".to_string(), Some(7), "passed".to_string()),
            ("beta".to_string(), Some(7), "passed".to_string()),
        ]
    );
    assert_eq!(s["skipped"][0]["scenario"], "gamma");
    assert_eq!(s["skipped"][0]["reason"], "too slow for suites");
    assert_eq!(s["exit_code"], 0);
    for stem in ["a-7", "b-7"] {
        assert!(
            report_dir.join(stem).join("report.json").is_file(),
            "{stem}"
        );
    }
    assert!(
        !report_dir.join("c-7").exists(),
        "a skipped file must not run"
    );

    let alpha = out.stdout.find("✓ passed").expect("a run line");
    assert!(
        out.stdout[alpha..].contains("a.ron  seed 7  (alpha)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("- skipped"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("runs: 2 passed, 0 failed, 0 invalid, 0 crashed, 1 skipped")
    );
    assert!(!out.stdout.contains("reproduce:"), "{}", out.stdout);

    let xml = std::fs::read_to_string(report_dir.join("junit.xml")).expect("junit.xml");
    assert!(xml.contains("<testsuites"), "{xml}");
    let verdicts: usize = s["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["verdicts"].as_array().map_or(0, Vec::len))
        .sum();
    // One case per run, one per verdict, one per skipped file.
    assert_eq!(xml.matches("<testcase ").count(), 2 + verdicts + 1, "{xml}");
    assert!(
        xml.contains(r#"<testcase name="alpha[seed=7] run""#),
        "{xml}"
    );

    let html = std::fs::read_to_string(report_dir.join("report.html")).expect("report.html");
    assert!(html.contains("<svg"), "no plots");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "not self-contained"
    );
    assert!(html.contains("Denials by governance rule"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_invalid_scenario_fails_the_suite_with_exit_2() {
    let dir = scratch("invalid");
    scenario(&dir, "good.ron", "good", "");
    let bad = scenario(&dir, "bad.ron", "bad", "");
    let text = std::fs::read_to_string(&bad).expect("read");
    std::fs::write(&bad, text.replacen("seed: 7,", "seed: 7,,", 1)).expect("write");
    let report_dir = dir.join("out");
    let out = seedsim_test(&dir, &[&dir, &"--report-dir", &report_dir]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    let s = summary(&report_dir);
    assert_eq!(
        statuses(&s),
        [
            ("bad".to_string(), None, "invalid".to_string()),
            ("good".to_string(), Some(7), "passed".to_string()),
        ]
    );
    let problem = s["runs"][0]["problem"].as_str().expect("the error");
    assert!(
        problem.contains("bad.ron:") && problem.contains(':'),
        "{problem}"
    );
    assert!(out.stdout.contains(problem), "{}", out.stdout);
    assert!(
        out.stdout.contains("seedsim run "),
        "a reproduce line: {}",
        out.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_seed_range_runs_each_scenario_once_per_seed() {
    let dir = scratch("seeds");
    let file = scenario(&dir, "s.ron", "seeded", "");
    let report_dir = dir.join("out");
    let out = seedsim_test(
        &dir,
        &[
            &file,
            &"--seeds",
            &"1..3",
            &"--ticks",
            &"10",
            &"--report-dir",
            &report_dir,
            &"-j",
            &"3",
        ],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let s = summary(&report_dir);
    let seeds: Vec<Option<u64>> = statuses(&s).into_iter().map(|r| r.1).collect();
    assert_eq!(seeds, [Some(1), Some(2), Some(3)]);
    for seed in 1..=3 {
        let report = std::fs::read_to_string(report_dir.join(format!("s-{seed}/report.json")))
            .expect("a run folder per seed");
        let report: Value = serde_json::from_str(&report).expect("json");
        assert_eq!(report["seed"], seed);
        assert_eq!(report["ticks"], 10, "--ticks reaches the runs");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn filter_selects_by_name_or_stem_and_must_select_something() {
    let dir = scratch("filter");
    scenario(&dir, "one.ron", "market-day", "");
    scenario(&dir, "two.ron", "quiet-night", "");
    let report_dir = dir.join("out");
    let out = seedsim_test(
        &dir,
        &[
            &dir,
            &"--filter",
            &"market",
            &"--seed",
            &"4",
            &"--report-dir",
            &report_dir,
        ],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let by_name = statuses(&summary(&report_dir));
    assert_eq!(
        by_name,
        [("market-day".to_string(), Some(4), "passed".to_string())]
    );

    let out = seedsim_test(
        &dir,
        &[&dir, &"--filter", &"two", &"--report-dir", &report_dir],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let by_stem = statuses(&summary(&report_dir));
    assert_eq!(
        by_stem,
        [("quiet-night".to_string(), Some(7), "passed".to_string())]
    );

    let out = seedsim_test(&dir, &[&dir, &"--filter", &"nothing-like-it"]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("nothing-like-it"), "{}", out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_command_line_is_exit_2() {
    let dir = scratch("cli");
    let missing = dir.join("no-such-dir");
    let out = seedsim_test(&dir, &[&missing]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no such file or directory"),
        "{}",
        out.stderr
    );
    let out = seedsim_test(&dir, &[&dir, &"--seeds", &"3..1"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("the first seed is after the last"),
        "{}",
        out.stderr
    );
    let out = seedsim_test(&dir, &[&dir, &"--seed", &"1", &"--seeds", &"1..2"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
    let out = seedsim_test(&dir, &[&dir]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no *.ron scenario files"),
        "{}",
        out.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_threshold_fails_the_suite_with_how_to_reproduce() {
    let dir = scratch("fail");
    let file = scenario(&dir, "market.ron", "market", "");
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(
        text.contains(r#""min >= 150""#),
        "smoke's population threshold"
    );
    let text = text.replacen(r#""min >= 150""#, r#""min >= 1000000""#, 1);
    std::fs::write(&file, text).expect("write");
    let report_dir = dir.join("out");
    let out = seedsim_test(
        &dir,
        &[
            &file,
            &"--seed",
            &"17",
            &"--ticks",
            &"20",
            &"--report-dir",
            &report_dir,
        ],
    );
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let repro = format!("seedsim run {} --seed 17 --ticks 20", file.display());
    assert!(
        out.stdout.contains(&format!("reproduce:\n  {repro}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("✗ failed"), "{}", out.stdout);
    assert!(
        out.stdout.contains("    ✗ population: min >= 1000000"),
        "{}",
        out.stdout
    );

    let s = summary(&report_dir);
    assert_eq!(
        statuses(&s),
        [("market".to_string(), Some(17), "failed".to_string())]
    );
    assert_eq!(s["runs"][0]["exit_code"], 1);
    assert_eq!(s["runs"][0]["repro"], repro.as_str());
    let failed: Vec<&Value> = s["runs"][0]["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .filter(|v| v["passed"] == false)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let xml = std::fs::read_to_string(report_dir.join("junit.xml")).expect("junit");
    assert!(xml.contains(r#"failures="1""#), "{xml}");
    assert!(
        xml.contains(r#"<testcase name="market[seed=17] population: min &gt;= 1000000""#),
        "{xml}"
    );
    assert!(xml.contains("(seed 17, tick "), "{xml}");
    let html = std::fs::read_to_string(report_dir.join("report.html")).expect("html");
    assert!(html.contains(r#"<tr class="fail">"#), "a failed row");

    // The printed command reproduces the failing run exactly.
    let again = dir.join("again");
    let args: Vec<&str> = repro.split(' ').skip(1).collect();
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(&args)
        .arg("--quiet")
        .arg("--out")
        .arg(&again)
        .output()
        .expect("seedsim run");
    assert_eq!(o.status.code(), Some(1), "the reproduction fails too");
    let read = |d: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).expect("report"))
            .expect("json")
    };
    let first = read(Path::new(
        s["runs"][0]["run_dir"].as_str().expect("run_dir"),
    ));
    let second = read(&again);
    for field in ["last_hash", "final_state_hash", "state_hash_chain"] {
        assert_eq!(first[field], second[field], "{field}");
    }
    assert_eq!(first["verdicts"], second["verdicts"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes an executable shell script (standing in for `seedsim`).
#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    let _guard = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// A run that crashes (nothing in seedsim crashes on purpose, so a script
/// stands in for the child: it panics and aborts after a report from an
/// earlier run was left in its folder), through the suite's own runner.
#[cfg(unix)]
#[test]
fn a_crashed_run_is_reported_with_its_stderr_and_how_to_reproduce() {
    use seedsim::suite::{self, RunStatus, Seeds, SuiteOptions};

    let dir = scratch("crash");
    let file = scenario(&dir, "market.ron", "market", "");
    let crashing = script(
        &dir,
        "crashes.sh",
        "echo \"thread 'main' panicked at src/sim/mod.rs:1:1:\" >&2; echo 'boom' >&2; kill -ABRT $$",
    );
    let opts = SuiteOptions {
        paths: vec![file],
        filter: None,
        seeds: Seeds::One(17),
        ticks: Some(30),
        parallel: 1,
        report_dir: dir.join("out"),
    };
    let (planned, skipped) = suite::prepare(&opts).expect("valid suite");
    std::fs::create_dir_all(&planned[0].run_dir).expect("run dir");
    std::fs::write(planned[0].run_dir.join("report.json"), "{}").expect("stale report");

    let crashed = suite::run_suite(&crashing, &opts, &planned, skipped, |_| {});
    let run = &crashed.runs[0];
    assert_eq!(run.status, RunStatus::Crashed, "{run:?}");
    assert_eq!(run.signal, Some(6));
    assert_eq!(
        run.problem.as_deref(),
        Some("killed by signal 6: panicked at src/sim/mod.rs:1:1 boom")
    );
    assert!(run.stderr_tail.contains("boom"), "{run:?}");
    assert!(
        !planned[0].run_dir.join("report.json").exists(),
        "the stale report was cleared"
    );
    assert_eq!(crashed.exit_code(), 1);
    let repro = format!(
        "seedsim run {} --seed 17 --ticks 30",
        dir.join("market.ron").display()
    );
    assert_eq!(run.repro, repro);
    let text = suite::summary_text(&crashed);
    assert!(text.contains("| boom"), "{text}");
    assert!(text.contains(&format!("reproduce:\n  {repro}")), "{text}");
    suite::write_reports(&crashed).expect("reports");
    let xml = std::fs::read_to_string(dir.join("out/junit.xml")).expect("junit");
    assert!(
        xml.contains(r#"errors="1""#) && xml.contains("<system-err>"),
        "{xml}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
