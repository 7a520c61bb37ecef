//! Tests of [`super`]: a recorded run played back through a feed, as the
//! window drives it (no window needed): play, seeks both ways, steps, the
//! end, a tampered recording, a bad path, and the frame cache's budget.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::cache::frame_bytes;
use super::*;
use crate::window::feed::{Agent, Delivery, Feed, Heat, channel};

/// Ticks of the recorded run.
const TICKS: u64 = 40;

/// Records `TICKS` ticks of the smoke scenario into a fresh `events.db`.
fn record(name: &str) -> (PathBuf, PathBuf) {
    use crate::run::{Pace, RunConfig};
    use crate::store::StoreConfig;
    let text = include_str!("../../../../scenarios/smoke.ron");
    let scenario = crate::core::scenario::parse_str("smoke.ron", text).unwrap();
    let dir = std::env::temp_dir().join(format!("seedsim-replay-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("events.db");
    let config = RunConfig {
        seed: 3,
        threads: Some(1),
        store: Some(StoreConfig {
            path: db.clone(),
            scenario_file: "smoke.ron".into(),
            scenario_text: text.into(),
            seed: 3,
            ticks: TICKS,
            narrative_pack: crate::core::scenario::narrative::SHIPPED.into(),
        }),
    };
    let mut sim = Simulation::recorded(&scenario, &config, Pace::Fast).unwrap();
    for _ in 0..TICKS {
        sim.step();
    }
    sim.finish_store().expect("a store").expect("it finishes");
    (dir, db)
}

/// Plays `db` on a thread of its own, as `replay --window` does.
fn start(
    db: &Path,
    cache_bytes: usize,
) -> (Feed, std::thread::JoinHandle<Result<Played, StoreError>>) {
    let (feed, source) = channel();
    let db = db.to_path_buf();
    let opts = ReplayOpts {
        threads: Some(1),
        cache_bytes,
    };
    let thread = std::thread::spawn(move || play(&db, opts, &source));
    (feed, thread)
}

/// What came through the feed while waiting, kept so notices and events
/// are not lost between waits.
#[derive(Default)]
struct Seen {
    skipped: u64,
    notices: Vec<Notice>,
    events: Vec<crate::events::Event>,
}

impl Seen {
    /// Takes from `feed` until a frame satisfies `done` (or fails after 60 s).
    fn frame(&mut self, feed: &Feed, mut done: impl FnMut(&Frame) -> bool) -> Frame {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let Delivery {
                frame,
                events,
                notices,
                skipped_frames,
                ..
            } = feed.take();
            self.skipped = skipped_frames;
            self.notices.extend(notices);
            self.events.extend(events.into_iter().map(|l| l.event));
            if let Some(f) = frame.filter(|f| done(f)) {
                return f;
            }
            assert!(Instant::now() < deadline, "the replay never got there");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn problems(&self) -> Vec<&str> {
        self.notices
            .iter()
            .filter_map(|n| match n {
                Notice::Problem(p) => Some(p.as_str()),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn a_replay_plays_seeks_both_ways_steps_and_stops_at_its_last_tick() {
    let (dir, db) = record("play");
    // No cache: the frame after a seek back comes from the rebuilt world.
    let (feed, thread) = start(&db, 0);
    let info = feed.info().expect("the replay describes its world");
    assert_eq!(info.kind, SourceKind::Replay { ticks: TICKS });
    assert_eq!(info.ticks, Some(TICKS));
    assert!(info.title.contains("smoke"), "{}", info.title);
    assert!(!info.zones.is_empty());
    let mut seen = Seen::default();
    let first = seen.frame(&feed, |_| true);
    assert_eq!(first.tick, 0);
    assert!(!first.agents.is_empty());

    feed.send(Command::Control(ControlAction::Pause)).unwrap();
    let paused = seen.frame(&feed, |f| f.paused);
    assert!(paused.tick < 5, "real time: a tick per 100 ms");

    // Forward: straight to tick 25; the Events panel gets the ticks just
    // before it, not the whole stretch.
    seen.events.clear();
    feed.send(Command::Seek(25)).unwrap();
    let at25 = seen.frame(&feed, |f| f.tick == 25);
    assert!(at25.paused && !at25.finished);
    assert!(!seen.events.is_empty(), "the ticks before 25 had events");
    assert!(
        seen.events
            .iter()
            .all(|e| e.tick > 25 - SEEK_LOG_TICKS && e.tick <= 25),
        "logged ticks {:?}",
        seen.events.iter().map(|e| e.tick).collect::<Vec<_>>()
    );
    let newest = seen.events.iter().map(|e| e.seq).max().unwrap();

    feed.send(Command::Control(ControlAction::Step)).unwrap();
    let at26 = seen.frame(&feed, |f| f.tick == 26);
    assert!(at26.paused);
    assert_ne!(at26.agents, at25.agents, "a tick moves the agents");

    // Backward: rebuilt from tick 0, the same world as the first time.
    seen.events.clear();
    feed.send(Command::Seek(25)).unwrap();
    let again = seen.frame(&feed, |f| f.tick == 25);
    assert!(!Arc::ptr_eq(&again.agents, &at25.agents), "drawn afresh");
    assert_eq!(*again.agents, *at25.agents, "every agent as it was");
    assert_eq!(again.heat, at25.heat);
    assert_eq!(again.stats.population, at25.stats.population);
    assert!(
        seen.events.first().is_some_and(|e| e.seq <= newest),
        "events going back start below the newest logged (the ring starts afresh)"
    );

    // Controls change nothing but when ticks run; a tune is refused.
    feed.send(Command::Tune(serde_json::json!({"birth_rate": 2.0})))
        .unwrap();
    feed.send(Command::Inspect(Some(at25.agents[0].id)))
        .unwrap();
    let inspected = seen.frame(&feed, |f| f.inspected.is_some());
    assert_eq!(inspected.inspected.unwrap()["id"], at25.agents[0].id);
    assert!(seen.notices.iter().any(|n| matches!(
        n,
        Notice::Tuned { result: Err(why), .. } if why == "a replay cannot be tuned"
    )));

    // Played to the end at 64×, it stops at the last recorded tick.
    feed.send(Command::Speed(64.0)).unwrap();
    feed.send(Command::Control(ControlAction::Resume)).unwrap();
    let end = seen.frame(&feed, |f| f.finished);
    assert_eq!(end.tick, TICKS);
    assert!(!end.paused);
    std::thread::sleep(Duration::from_millis(300));
    feed.send(Command::Control(ControlAction::Step)).unwrap();
    feed.send(Command::Seek(TICKS + 100)).unwrap();
    let still = seen.frame(&feed, |_| true);
    assert_eq!(still.tick, TICKS, "nothing past the recording");
    assert!(still.finished);

    assert!(seen.problems().is_empty(), "{:?}", seen.problems());
    feed.send(Command::Quit).unwrap();
    let played = thread.join().unwrap().expect("it played");
    assert_eq!(
        played,
        Played {
            last: TICKS,
            diverged: None
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_tampered_state_hash_is_reported_as_a_divergence_without_stopping() {
    let (dir, db) = record("tampered");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE ticks SET state_hash = ?1 WHERE tick = 7",
        [format!("{:032x}", 1u128)],
    )
    .unwrap();
    drop(conn);
    let (feed, thread) = start(&db, DEFAULT_CACHE_BYTES);
    feed.info().expect("it opens");
    let mut seen = Seen::default();
    feed.send(Command::Control(ControlAction::Pause)).unwrap();
    feed.send(Command::Seek(12)).unwrap();
    seen.frame(&feed, |f| f.tick == 12);
    let problems = seen.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("diverged at tick 7"),
        "{}",
        problems[0]
    );
    // Going back and through it again reports it again (a fresh world).
    feed.send(Command::Seek(3)).unwrap();
    seen.frame(&feed, |f| f.tick == 3);
    feed.send(Command::Seek(9)).unwrap();
    seen.frame(&feed, |f| f.tick == 9);
    assert_eq!(seen.problems().len(), 2, "{:?}", seen.problems());
    drop(feed);
    let played = thread.join().unwrap().expect("it played");
    assert_eq!(played.diverged, Some(7));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_recording_is_an_error_naming_the_file_and_the_feed_ends() {
    let dir = std::env::temp_dir().join(format!("seedsim-replay-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("no-such.db");
    let garbage = dir.join("garbage.db");
    std::fs::write(&garbage, b"this is not a database at all").unwrap();
    for path in [&missing, &garbage] {
        let (feed, thread) = start(path, 0);
        assert_eq!(feed.info(), None, "nothing is described");
        let e = thread.join().expect("no panic").unwrap_err().to_string();
        assert!(e.contains(&path.display().to_string()), "{e}");
        assert!(feed.take().closed);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_frame_cache_keeps_to_its_budget_dropping_the_oldest() {
    let frame = |tick: u64| Frame {
        tick,
        agents: Arc::new(vec![
            Agent {
                id: 1,
                kind: crate::core::agent::kinds::AgentKind::Npc(
                    crate::core::agent::kinds::Archetype::Villager
                ),
                pos: bevy::math::Vec2::ZERO,
                zone: 0,
                realm: crate::core::stat7::Realm::Void,
                health: 100.0,
                activity: crate::core::agent::kinds::Activity::Idle,
                stat7: None,
                parent: 0,
            };
            100
        ]),
        heat: Heat::default(),
        ..Frame::default()
    };
    let one = frame_bytes(&frame(0));
    let mut cache = FrameCache::new(one * 3);
    for tick in 0..5 {
        cache.insert(&frame(tick));
        assert!(cache.bytes() <= one * 3);
    }
    assert_eq!(cache.len(), 3);
    assert!(cache.get(0).is_none() && cache.get(1).is_none());
    assert_eq!(cache.get(4).map(|f| f.tick), Some(4));
    // A tick already kept is not counted twice.
    cache.insert(&frame(4));
    assert_eq!(cache.len(), 3);
    let mut none = FrameCache::new(0);
    none.insert(&frame(0));
    assert!(none.is_empty());
}

#[test]
fn a_seek_back_to_a_drawn_tick_shows_the_cached_frame_first() {
    let (dir, db) = record("cached");
    let (feed, thread) = start(&db, DEFAULT_CACHE_BYTES);
    feed.info().expect("it opens");
    let mut seen = Seen::default();
    feed.send(Command::Control(ControlAction::Pause)).unwrap();
    feed.send(Command::Seek(20)).unwrap();
    let drawn = seen.frame(&feed, |f| f.tick == 20);
    feed.send(Command::Seek(30)).unwrap();
    seen.frame(&feed, |f| f.tick == 30);
    let skipped = seen.skipped;
    feed.send(Command::Seek(20)).unwrap();
    let first = seen.frame(&feed, |f| f.tick == 20);
    // The cached frame goes out at once, the rebuilt one after the world
    // is back at tick 20; a slow taker may only see the second, and then
    // the mailbox counts the first as skipped. Without a cache there is
    // only the second and nothing skipped.
    assert!(
        Arc::ptr_eq(&first.agents, &drawn.agents) || seen.skipped > skipped,
        "no cached frame went out"
    );
    assert_eq!(*first.agents, *drawn.agents);
    drop(feed);
    assert_eq!(thread.join().unwrap().unwrap().diverged, None);
    let _ = std::fs::remove_dir_all(&dir);
}
