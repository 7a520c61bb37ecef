//! Helpers the binary-driven test files share: a fresh scratch folder per
//! test, and the smoke scenario cut to a few ticks with its own checks
//! replaced by what a test puts there. (Files in this folder are not test
//! crates of their own; each test file includes it with `mod support;`.)
#![allow(dead_code)]

pub mod screen;

use std::path::{Path, PathBuf};

/// An empty folder for one test of one suite, unique to this process.
pub fn scratch(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seedsim-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `scenarios/smoke.ron` shortened to `ticks`, written to `dir/file`, with
/// its own checks (they come last) replaced by `body`.
pub fn smoke_with(dir: &Path, file: &str, ticks: u64, body: &str) -> PathBuf {
    let smoke =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.ron"))
            .expect("smoke.ron");
    assert!(smoke.contains("ticks: 300,"), "smoke.ron's length");
    let text = smoke.replace("ticks: 300,", &format!("ticks: {ticks},"));
    let head = match text.find("    // What must hold") {
        Some(at) => &text[..at],
        None => text
            .trim_end()
            .strip_suffix(')')
            .expect("a scenario ends with )"),
    };
    let path = dir.join(file);
    std::fs::write(&path, format!("{head}{body}\n)\n")).expect("write scenario");
    path
}
