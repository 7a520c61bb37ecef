//! A headless build (`--no-default-features`) refuses `--window` with an
//! error that names the feature it lacks.
#![cfg(not(feature = "window"))]

use std::process::Command;

#[test]
fn window_without_the_feature_is_an_invalid_command_line() {
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .arg("run")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/smoke.ron"))
        .args(["--window", "--no-store"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("`window` feature"), "{err}");
}
