//! Tests of [`super`]: a run driven through a feed, as the window drives it
//! (no window needed).

use std::time::{Duration, Instant};

use super::*;
use crate::input::ControlAction;
use crate::window::feed::{Delivery, Feed, channel};

/// Takes from `feed` until `done` says so (or fails after 20 s).
fn wait_for(feed: &Feed, mut done: impl FnMut(&Delivery) -> bool) -> Delivery {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let d = feed.take();
        if done(&d) {
            return d;
        }
        assert!(Instant::now() < deadline, "the source never got there");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn the_window_paces_pauses_steps_and_tunes_a_run_on_its_own_thread() {
    let (feed, source) = channel();
    let dir = std::env::temp_dir().join(format!("seedsim-local-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("events.db");
    let store_path = db.clone();
    let run = std::thread::spawn(move || {
        let text = include_str!("../../../scenarios/smoke.ron");
        let scenario = crate::core::scenario::parse_str("smoke.ron", text).unwrap();
        let config = crate::run::RunConfig {
            store: Some(crate::store::StoreConfig {
                path: store_path,
                scenario_file: "smoke.ron".into(),
                scenario_text: text.into(),
                seed: 5,
                ticks: 10_000,
                narrative_pack: crate::core::scenario::narrative::SHIPPED.into(),
            }),
            ..crate::run::RunConfig::seeded(5)
        };
        let mut sim = Simulation::recorded(&scenario, &config, crate::run::Pace::Fast).unwrap();
        let mut judge = Judge::new(&scenario);
        let ended = drive(&mut sim, &mut judge, 10_000, "smoke", &source);
        sim.finish_store().expect("a store").expect("it finishes");
        (ended, sim.tick())
    });
    let info = feed.info().expect("the source describes its world");
    assert_eq!(info.kind, SourceKind::Local);
    assert!(!info.zones.is_empty());
    let first = wait_for(&feed, |d| d.frame.is_some());
    let frame = first.frame.unwrap();
    assert_eq!(frame.tick, 0);
    assert!(!frame.agents.is_empty());
    assert!(frame.agents.windows(2).all(|w| w[0].id < w[1].id));
    assert!(frame.tunables.is_some());

    // At 64× a tick is due every 1.6 ms: ticks pass without the window
    // taking a single frame in between.
    feed.send(Command::Speed(64.0)).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Events come with whichever delivery follows their tick; under load the
    // one that shows tick 20 may carry none, so count them across the wait.
    let mut events = 0;
    wait_for(&feed, |d| {
        events += d.events.len();
        d.frame.as_ref().is_some_and(|f| f.tick >= 20)
    });
    assert!(events > 0, "the ticks' events came along");

    feed.send(Command::Control(ControlAction::Pause)).unwrap();
    let paused = wait_for(&feed, |d| d.frame.as_ref().is_some_and(|f| f.paused));
    let at = paused.frame.unwrap().tick;
    std::thread::sleep(Duration::from_millis(200));
    let still = feed.take().frame.map_or(at, |f| f.tick);
    assert!(
        still <= at + 1,
        "paused, the run stays put ({at} → {still})"
    );
    feed.send(Command::Control(ControlAction::Step)).unwrap();
    wait_for(&feed, |d| {
        d.frame.as_ref().is_some_and(|f| f.tick == still + 1)
    });

    let truth = (*frame.tunables.unwrap()).clone();
    let mut draft = truth.clone();
    draft.birth_rate = Some(0.5);
    let patch = crate::window::tunables_panel::build_patch(&truth, &draft);
    feed.send(Command::Tune(patch)).unwrap();
    feed.send(Command::Tune(serde_json::json!({"birth_rate": -3})))
        .unwrap();
    // The two answers may come in two deliveries: gather them.
    let mut answers = Vec::new();
    wait_for(&feed, |d| {
        answers.extend(d.notices.iter().cloned());
        answers.len() >= 2
    });
    assert!(matches!(answers[0], Notice::Tuned { result: Ok(()), .. }));
    let Notice::Tuned {
        result: Err(why), ..
    } = &answers[1]
    else {
        panic!("a bad patch is refused: {answers:?}")
    };
    assert!(why.contains("birth_rate"), "{why}");
    feed.send(Command::Control(ControlAction::Step)).unwrap();
    feed.send(Command::Inspect(Some(1))).unwrap();
    let tuned = wait_for(&feed, |d| {
        d.frame.as_ref().is_some_and(|f| {
            f.tunables
                .as_ref()
                .is_some_and(|t| t.birth_rate == Some(0.5))
                && f.inspected.is_some()
        })
    });
    let inspected = tuned.frame.unwrap().inspected.unwrap();
    assert_eq!(inspected["id"], 1);
    assert!(inspected["stat7"]["address"].is_string());

    feed.send(Command::Quit).unwrap();
    let (ended, tick) = run.join().unwrap();
    assert!(ended.cut_short);
    assert!(tick > 20);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let count = |kind: &str| -> i64 {
        conn.query_row(
            &format!("SELECT count(*) FROM inputs WHERE payload LIKE '%\"{kind}\"%'"),
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(count("control"), 3, "pause and two steps are recorded");
    assert_eq!(count("tune"), 1, "only the accepted tune is");
    match crate::run::replay::replay(&db, Some(1)).expect("replays") {
        crate::store::recording::Outcome::Identical { .. } => {}
        crate::store::recording::Outcome::Diverged(d) => {
            panic!("a windowed run must replay: {d:?}")
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
