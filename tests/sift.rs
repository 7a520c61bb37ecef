//! Story sifting through the real binary on `scenarios/frontier.ron`: the
//! stories the live sifter found during the run (its `sifted` events) are
//! exactly those the same engine finds over the stored run when its pool
//! evicted nothing; a capped pool finds a subset, short by exactly what its
//! evictions took; a feud's loser vows revenge; `seedsim story --sift`
//! tells the stories and refuses a pattern the run does not have.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use rusqlite::Connection;
use seedsim::events::Payload;
use seedsim::narrative::sift::Found;
use seedsim::store::sift::{SiftOptions, Sifted, roles_of, sift_store, stored_patterns};

/// A story's identity: pattern, roles by name, the event that completed it.
type Identity = (String, BTreeMap<String, u64>, u64);

/// One frontier run shared by the tests: (its folder, its report.json).
fn frontier() -> &'static (PathBuf, serde_json::Value) {
    static RUN: OnceLock<(PathBuf, serde_json::Value)> = OnceLock::new();
    RUN.get_or_init(|| {
        let out = std::env::temp_dir().join(format!("seedsim-sift-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
            .args(["run", "--quiet", "--out"])
            .arg(&out)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/frontier.ron"))
            .output()
            .expect("seedsim runs");
        assert_eq!(
            o.status.code(),
            Some(0),
            "the shipped run passes its own checks: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let report = std::fs::read_to_string(out.join("report.json")).expect("report");
        (out, serde_json::from_str(&report).expect("report parses"))
    })
}

fn store() -> Connection {
    Connection::open(frontier().0.join("events.db")).expect("store opens")
}

/// The stories the live run stored as `sifted` events.
fn live_stories(conn: &Connection) -> BTreeSet<Identity> {
    let mut stmt = conn
        .prepare("SELECT payload FROM events WHERE kind = 'sifted' ORDER BY seq")
        .expect("query");
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).expect("rows");
    rows.map(|t| match Payload::from_json(&t.expect("row")) {
        Some(Payload::Sifted(m)) => (
            m.pattern.clone(),
            m.roles.clone(),
            *m.events.last().expect("stages"),
        ),
        other => panic!("a sifted event with payload {other:?}"),
    })
    .collect()
}

fn identities(s: &Sifted, found: &[Found]) -> BTreeSet<Identity> {
    found
        .iter()
        .map(|f| {
            (
                s.sifter.name(f.pattern).to_string(),
                roles_of(&s.sifter, f),
                *f.events.last().expect("stages"),
            )
        })
        .collect()
}

fn sift(conn: &Connection, options: SiftOptions) -> (BTreeSet<Identity>, Sifted) {
    let (patterns, _) = stored_patterns(conn).expect("patterns");
    let s = sift_store(conn, &patterns, options).expect("sifts");
    (identities(&s, &s.found), s)
}

#[test]
fn the_live_stories_are_the_stored_runs_when_nothing_was_evicted() {
    let (_, report) = frontier();
    let facts = &report["narrative"]["sift"];
    assert_eq!(facts["evicted"], 0, "{facts}");
    let conn = store();
    let live = live_stories(&conn);
    let (stored, s) = sift(&conn, SiftOptions::default());
    assert!(
        live.len() >= 10,
        "a frontier run has stories: {}",
        live.len()
    );
    assert_eq!(
        live, stored,
        "live and over the store, one engine finds one set"
    );
    let patterns: BTreeSet<&str> = live.iter().map(|(p, _, _)| p.as_str()).collect();
    assert!(patterns.len() >= 4, "{patterns:?}");
    let found: u64 = facts["found"]
        .as_object()
        .expect("found by pattern")
        .values()
        .map(|v| v.as_u64().expect("count"))
        .sum();
    assert_eq!(
        found,
        live.len() as u64,
        "the report counts what was stored"
    );
    assert_eq!(s.sifter.stats.found, live.len() as u64);
}

#[test]
fn a_capped_pool_finds_a_subset_short_by_what_its_evictions_took() {
    let conn = store();
    let (all, _) = sift(&conn, SiftOptions::default());
    let capped = SiftOptions {
        cap: Some(48),
        keep_evictions: true,
        ..SiftOptions::default()
    };
    let (kept, s) = sift(&conn, capped);
    let evicted = s.sifter.evictions.clone().expect("kept");
    assert_eq!(evicted.len() as u64, s.sifter.stats.evicted);
    assert!(
        !evicted.is_empty(),
        "a pool of 48 overflows on the frontier"
    );
    assert!(
        kept.is_subset(&all),
        "a capped pool never finds a story the whole run lacks"
    );
    let lost = all.difference(&kept).count();
    assert!(lost > 0, "evictions cost stories");
    assert!(
        lost <= evicted.len(),
        "{lost} stories lost to {} evictions",
        evicted.len()
    );
    // The difference is exactly what the evicted partials would have grown
    // into: the whole run, with those partials never begun, finds the rest.
    let without = SiftOptions {
        exclude: evicted.into_iter().collect(),
        ..SiftOptions::default()
    };
    let (replayed, _) = sift(&conn, without);
    assert_eq!(replayed, kept);
}

#[test]
fn a_feuds_loser_vows_revenge_citing_the_story() {
    let conn = store();
    let mut stmt = conn
        .prepare(
            "SELECT s.actor, s.target, g.actor, g.target FROM events s JOIN events g ON g.cause = s.seq \
             WHERE s.kind = 'sifted' AND json_extract(s.payload, '$.pattern') = 'feud' \
             AND g.kind = 'goal_adopted' AND json_extract(g.payload, '$.goal') = 'revenge'",
        )
        .expect("query");
    let vows: Vec<(i64, i64, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    assert!(!vows.is_empty(), "some feud's loser lived to vow");
    for (a, b, who, foe) in vows {
        assert_eq!(
            (who, foe),
            (b, a),
            "the struck (b) vows revenge on the striker (a)"
        );
    }
}

fn story(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .arg("story")
        .arg(frontier().0.join("events.db"))
        .args(args)
        .output()
        .expect("seedsim story runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn story_sift_tells_the_feuds_and_refuses_an_unknown_pattern() {
    let (code, text, err) = story(&["--sift", "feud"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(text.contains("The feud of "), "{text}");
    assert!(text.contains("struck back"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("tick ") && l.contains('#'))
    );
    let (code, json, err) = story(&["--sift", "feud", "--json"]);
    assert_eq!(code, Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let stories = doc["stories"].as_array().expect("stories");
    let live = live_stories(&store())
        .iter()
        .filter(|(p, _, _)| p == "feud")
        .count();
    assert_eq!(stories.len(), live);
    assert!(
        stories
            .iter()
            .all(|s| s["lines"].as_array().is_some_and(|l| l.len() == 4))
    );
    let (code, _, err) = story(&["--sift", "romance"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("no pattern \"romance\"") && err.contains("feud"),
        "{err}"
    );
}
