//! Warbler's beats, read back from a real store: every birth is told as the
//! child's birth and the parent's child, every death has an epitaph, each
//! beat cites the event it tells (an earlier seq of the same tick) and
//! belongs to the agent whose moment it is; "first" beats come once a life.

use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;

fn stored_run(name: &str) -> (PathBuf, Connection) {
    let dir = std::env::temp_dir().join(format!("seedsim-narrative-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let out = dir.join("run");
    let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["run", "--quiet", "--ticks", "1500", "--out"])
        .arg(&out)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/frontier.ron"))
        .output()
        .expect("seedsim runs");
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let conn = Connection::open(out.join("events.db")).expect("store opens");
    (dir, conn)
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn births_and_deaths_are_told_and_every_beat_cites_its_event() {
    let (dir, conn) = stored_run("coverage");
    let births = count(&conn, "SELECT count(*) FROM events WHERE kind = 'birth'");
    let deaths = count(&conn, "SELECT count(*) FROM events WHERE kind = 'death'");
    assert!(
        births > 0 && deaths > 0,
        "smoke has lives to tell ({births} births, {deaths} deaths)"
    );
    // The store keeps the pack its stories were told with.
    let pack: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'narrative_pack'",
            [],
            |r| r.get(0),
        )
        .expect("the pack is stored");
    assert_eq!(pack, seedsim::core::scenario::narrative::SHIPPED);
    // One beat per rule and told event, of the right agent.
    let told = |beat: &str, kind: &str, role: &str| {
        count(
            &conn,
            &format!(
                "SELECT count(*) FROM events b JOIN events e ON b.cause = e.seq
                 WHERE b.kind = 'beat' AND json_extract(b.payload, '$.beat') = '{beat}'
                   AND e.kind = '{kind}' AND b.actor = e.{role}"
            ),
        )
    };
    assert_eq!(told("born", "birth", "target"), births);
    assert_eq!(told("child_born", "birth", "actor"), births);
    assert_eq!(told("epitaph", "death", "actor"), deaths);
    // Every beat cites an earlier event of its own tick, and never a beat.
    let orphans = count(
        &conn,
        "SELECT count(*) FROM events b LEFT JOIN events e ON b.cause = e.seq
         WHERE b.kind = 'beat' AND (e.seq IS NULL OR e.seq >= b.seq OR e.tick != b.tick OR e.kind = 'beat')",
    );
    assert_eq!(orphans, 0);
    // A "first" comes at most once in a life.
    let repeated = count(
        &conn,
        "SELECT count(*) FROM (SELECT actor, json_extract(payload, '$.beat') AS beat, count(*) AS n
         FROM events WHERE kind = 'beat' AND json_extract(payload, '$.beat') LIKE 'first_%'
         GROUP BY actor, beat HAVING n > 1)",
    );
    assert_eq!(repeated, 0);
    assert!(
        count(
            &conn,
            "SELECT count(*) FROM events WHERE kind = 'beat' AND json_extract(payload, '$.beat') = 'first_trade'"
        ) > 0
    );
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_scenario_may_replace_the_pack_and_a_bad_one_is_refused() {
    let smoke =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.ron"))
            .expect("smoke.ron");
    let cut = smoke
        .find("    // What must hold")
        .expect("smoke.ron's checks");
    let with = |pack: &str| format!("{}    narrative: (beats: [{pack}]),\n)\n", &smoke[..cut]);
    let ok = seedsim::core::scenario::parse_str(
        "own.ron",
        &with(r#"(name: "gone", on: death, role: actor, salience: 5)"#),
    )
    .expect("a pack of its own");
    assert_eq!(ok.narrative_pack().beats.len(), 1);
    let e = seedsim::core::scenario::parse_str(
        "bad.ron",
        &with(r#"(name: "gone", on: death, role: actor, salience: 500)"#),
    )
    .expect_err("salience out of range");
    assert!(e.to_string().contains("bad.ron:"), "{e}");
    let e = seedsim::core::scenario::parse_str(
        "bad.ron",
        &with(r#"(name: "gone", on: death, role: actor, salience: 5), (name: "gone", on: birth, role: actor, salience: 5)"#),
    )
    .expect_err("two beats, one name");
    assert!(e.to_string().contains("narrative.beats[1]"), "{e}");
}

#[test]
fn seedsim_story_tells_a_life_in_order_each_line_citing_its_event() {
    let (dir, conn) = stored_run("story");
    let db = dir.join("run/events.db");
    let story = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
            .arg("story")
            .arg(&db)
            .args(args)
            .output()
            .expect("seedsim story runs");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let (code, text) = story(&["--top", "3", "--json"]);
    assert_eq!(code, Some(0), "{text}");
    let lives: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let lives = lives.as_array().expect("lives");
    assert_eq!(lives.len(), 3);
    for life in lives {
        let id = life["entity"].as_i64().expect("an id");
        let lines = life["lines"].as_array().expect("lines");
        let beats = count(
            &conn,
            &format!("SELECT count(*) FROM events WHERE kind = 'beat' AND actor = {id}"),
        );
        assert_eq!(lines.len() as i64, beats, "every beat of {id} is told");
        let seqs: Vec<i64> = lines.iter().map(|l| l["seq"].as_i64().unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order");
        for l in lines {
            let kind: String = conn
                .query_row(
                    "SELECT kind FROM events WHERE seq = ?1",
                    [l["told_seq"].as_i64().unwrap()],
                    |r| r.get(0),
                )
                .expect("the told event exists");
            assert_eq!(Some(kind.as_str()), l["told_kind"].as_str());
        }
    }
    let id = lives[0]["entity"].as_i64().unwrap().to_string();
    let (code, text) = story(&["--entity", &id]);
    assert_eq!(code, Some(0));
    assert!(text.contains("seedsim events --chain"), "{text}");
    let (code, _) = story(&[]);
    assert_eq!(code, Some(2), "an entity or --top is needed");
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}
