//! Broken scenarios are rejected with exit code 2 and a message that names
//! the file, line:column and the field; nothing panics.

use std::process::Command;

use seedsim::core::scenario::{ScenarioError, parse_str};

const GOOD: &str = r#"Scenario(
    name: "t",
    seed: 1,
    ticks: 10,
    world: (size: (100.0, 100.0)),
    zones: [
        (name: "a", realm: void, rect: (0.0, 0.0, 100.0, 100.0)),
        (name: "b", realm: data, rect: (10.0, 10.0, 50.0, 50.0), richness: 0.5),
    ],
    population: (groups: [(kind: villager, count: 5, zone: "b")]),
)"#;

/// Parses `GOOD` with `from` replaced by `to`; returns (line, col, field, message).
fn error_for(from: &str, to: &str) -> (usize, usize, String, String) {
    assert!(GOOD.contains(from), "test edit {from:?} must apply");
    match parse_str("bad.ron", &GOOD.replacen(from, to, 1)) {
        Ok(_) => panic!("{to:?} should be rejected"),
        Err(ScenarioError::Invalid {
            file,
            line,
            col,
            field,
            message,
        }) => {
            assert_eq!(file, "bad.ron");
            (line, col, field, message)
        }
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn the_good_scenario_parses() {
    let s = parse_str("good.ron", GOOD).expect("valid");
    assert_eq!(s.zones.len(), 2);
}

#[test]
fn syntax_error_is_positioned() {
    let (line, _, _, msg) = error_for("seed: 1,", "seed: 1,,");
    assert_eq!(line, 3, "{msg}");
}

#[test]
fn unknown_field_is_named() {
    let (line, col, field, msg) = error_for("ticks: 10,", "tickz: 10,");
    assert_eq!(line, 4);
    assert!(col >= 5, "{col}");
    assert!(msg.contains("tickz"), "{msg}");
    assert_eq!(field, "tickz");
}

#[test]
fn out_of_range_value_is_positioned_with_its_path() {
    let (line, _, field, msg) = error_for("richness: 0.5", "richness: 2.5");
    assert_eq!((line, field.as_str()), (8, "zones[1].richness"), "{msg}");
    assert!(msg.contains("2.5") && msg.contains("[0, 1]"), "{msg}");
}

#[test]
fn wrong_type_is_positioned_with_its_path() {
    let (line, _, field, msg) = error_for("count: 5", "count: -5");
    assert_eq!(
        (line, field.as_str()),
        (10, "population.groups[0].count"),
        "{msg}"
    );
}

#[test]
fn unknown_kind_is_rejected() {
    let (_, _, field, msg) = error_for("kind: villager", "kind: dragon");
    assert_eq!(field, "population.groups[0].kind", "{msg}");
    assert!(msg.contains("dragon"), "{msg}");
}

#[test]
fn bad_rectangle_is_positioned() {
    let (line, col, field, msg) = error_for("(10.0, 10.0, 50.0, 50.0)", "(60.0, 10.0, 50.0, 50.0)");
    assert_eq!((line, field.as_str()), (8, "zones[1].rect"), "{msg}");
    assert!(col > 30, "{col}");
}

#[test]
fn cross_field_errors_point_at_the_field() {
    let (line, col, field, msg) = error_for("zone: \"b\"", "zone: \"nowhere\"");
    assert_eq!(
        (line, field.as_str()),
        (10, "population.groups[0].zone"),
        "{msg}"
    );
    assert!(msg.contains("nowhere"), "{msg}");
    assert_eq!(
        col,
        GOOD.lines()
            .nth(9)
            .and_then(|l| l.find("\"b\""))
            .map(|c| c + 1)
            .unwrap_or(0)
    );

    let (line, _, field, msg) = error_for("(10.0, 10.0, 50.0, 50.0)", "(10.0, 10.0, 150.0, 50.0)");
    assert_eq!((line, field.as_str()), (8, "zones[1].rect"), "{msg}");
    assert!(msg.contains("outside"), "{msg}");

    let (line, _, field, _) = error_for("name: \"b\"", "name: \"a\"");
    assert_eq!((line, field.as_str()), (8, "zones[1].name"));
}

#[test]
fn zero_ticks_and_missing_fields_are_rejected() {
    let (_, _, field, msg) = error_for("ticks: 10", "ticks: 0");
    assert_eq!(field, "ticks", "{msg}");
    let (_, _, _, msg) = error_for("    seed: 1,\n", "");
    assert!(msg.contains("seed"), "{msg}");
}

#[test]
fn the_binary_exits_2_and_names_file_line_and_field() {
    let dir = std::env::temp_dir().join(format!("seedsim-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("broken.ron");
    std::fs::write(&path, GOOD.replacen("richness: 0.5", "richness: 7.0", 1)).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["run", "--quiet"])
        .arg(&path)
        .output()
        .expect("seedsim runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let expected = format!("{}:8:", path.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("zones[1].richness"), "{stderr}");

    let missing = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["run", "--quiet", "/nonexistent/scenario.ron"])
        .output()
        .expect("seedsim runs");
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/scenario.ron"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_shipped_scenario_is_valid() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "ron") {
            seedsim::core::scenario::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 4, "smoke, town, city and metropolis ship");
}

#[test]
fn names_that_escape_the_run_folder_and_tick_0_waves_are_rejected() {
    let (line, _, field, msg) = error_for("name: \"t\"", "name: \"../../x\"");
    assert_eq!((line, field.as_str()), (2, "name"), "{msg}");
    let (_, _, field, msg) = error_for(
        "population: (groups",
        "waves: [(tick: 0, kind: monster, count: 1)],\n    population: (groups",
    );
    assert_eq!(field, "waves[0].tick", "{msg}");
}

#[test]
fn extreme_but_valid_values_do_not_overflow() {
    let text = GOOD
        .replacen("zone: \"b\")", "zone: \"b\", wealth: (0, 4294967295))", 1)
        .replacen(
            "    ticks: 10,",
            "    ticks: 10,\n    params: (death_rate: 0.000000000000000000000000000001),",
            1,
        );
    let scenario = parse_str("extreme.ron", &text).expect("valid");
    let config = seedsim::run::RunConfig {
        seed: 1,
        threads: None,
        store: None,
    };
    let mut sim = seedsim::run::Simulation::new(&scenario, &config, seedsim::run::Pace::Fast);
    for _ in 0..5 {
        assert_eq!(sim.step().population, 5);
    }
}

#[test]
fn arrival_caps_count_towards_the_population_limit() {
    let (_, _, field, msg) = error_for(
        "population: (groups",
        "spawn: (players_per_tick: 1000000000000.0, max_players: 4000000000),\n    population: (groups",
    );
    assert_eq!(field, "spawn", "{msg}");
}

#[test]
fn arrival_rates_and_weights_have_the_limits_tunables_have() {
    let with = |extra: &str| GOOD.replacen("\n)", &format!("\n    {extra}\n)"), 1);
    for (extra, field) in [
        (
            "spawn: (players_per_tick: 10001.0, max_players: 10),",
            "spawn.players_per_tick",
        ),
        (
            "params: (weights: { merchant: { trade: 3.0e38 } }),",
            "params.weights.merchant.trade",
        ),
        ("params: (birth_rate: 1000.0),", "params.birth_rate"),
    ] {
        let e = parse_str("bad.ron", &with(extra)).expect_err(extra);
        assert!(e.to_string().contains(field), "{extra}: {e}");
    }
    parse_str(
        "ok.ron",
        &with("spawn: (players_per_tick: 10000.0, max_players: 10),"),
    )
    .expect("at the limit");
}

#[test]
fn a_file_that_is_not_text_or_not_a_file_is_named() {
    let dir = std::env::temp_dir().join(format!("seedsim-scen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    // Invalid UTF-8 on line 3, column 8.
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, b"Scenario(\n  name: \"t\",\n  seed: \xff1,\n)").expect("write");
    let e = seedsim::core::scenario::load_file(&bad).expect_err("not UTF-8");
    assert!(e.to_string().contains("bad.ron:3:9:"), "{e}");
    assert!(e.to_string().contains("not UTF-8"), "{e}");
    // A FIFO is refused, not read for ever.
    let fifo = dir.join("fifo.ron");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let e = seedsim::core::scenario::load_file(&fifo).expect_err("a FIFO");
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
