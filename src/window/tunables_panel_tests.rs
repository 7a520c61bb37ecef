//! Tests of [`super`]: the patch, its check, and its recording as an input
//! (a short smoke run that must replay); no window needed.

use super::*;
use crate::core::scenario::load_file;
use crate::population::SimParams;
use crate::window::feed::local::{check_patch, submit};

fn params() -> SimParams {
    let (s, _) = load_file(std::path::Path::new("scenarios/smoke.ron")).unwrap();
    SimParams::from_scenario(&s)
}

#[test]
fn the_patch_holds_only_what_changed() {
    let p = params();
    let truth = Tunables::of(&p);
    assert!(is_empty_patch(&build_patch(&truth, &truth)));
    let mut draft = truth.clone();
    draft.birth_rate = Some(2.5);
    draft.tick_budget = Some(77);
    if let Some(row) = draft.weights.as_mut().and_then(|w| w.get_mut("merchant")) {
        row.insert("trade".into(), 0.5);
    }
    let patch = build_patch(&truth, &draft);
    assert_eq!(
        patch,
        serde_json::json!({
            "birth_rate": 2.5,
            "tick_budget": 77,
            "weights": {"merchant": {"trade": 0.5}}
        })
    );
    let q = check_patch(&patch, &p).unwrap();
    assert_eq!(q.birth_rate, 2.5);
    assert_eq!(q.tick_budget, 77);
    assert_eq!(Tunables::of(&q), draft);
}

#[test]
fn a_run_tuned_through_the_panel_is_recorded_and_replays() {
    use crate::run::replay::replay;
    use crate::run::{Pace, RunConfig, Simulation};
    use crate::store::StoreConfig;
    use crate::store::recording::Outcome;
    let text = include_str!("../../scenarios/smoke.ron");
    let scenario = crate::core::scenario::parse_str("smoke.ron", text).unwrap();
    let dir = std::env::temp_dir().join(format!("seedsim-tune-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("events.db");
    let config = RunConfig {
        seed: 11,
        threads: Some(2),
        store: Some(StoreConfig {
            path: db.clone(),
            scenario_file: "smoke.ron".into(),
            scenario_text: text.into(),
            seed: 11,
            ticks: 12,
            narrative_pack: crate::core::scenario::narrative::SHIPPED.into(),
        }),
    };
    let mut sim = Simulation::recorded(&scenario, &config, Pace::Fast).unwrap();
    for _ in 0..4 {
        sim.step();
    }
    let truth = Tunables::of(sim.world().resource::<SimParams>());
    let mut draft = truth.clone();
    draft.birth_rate = Some(9.0);
    draft.players_per_tick = Some(3.0);
    let mut bad = truth.clone();
    bad.tick_budget = Some(0);
    let e = submit(sim.world_mut(), build_patch(&truth, &bad)).unwrap_err();
    assert_eq!(e, "tick_budget: must be at least 1");
    submit(sim.world_mut(), build_patch(&truth, &draft)).unwrap();
    // Queued, not applied: only a tick changes the parameters.
    assert_eq!(
        sim.world().resource::<SimParams>().birth_rate,
        truth.birth_rate.unwrap()
    );
    for _ in 4..12 {
        sim.step();
    }
    assert_eq!(Tunables::of(sim.world().resource::<SimParams>()), draft);
    sim.finish_store().expect("a store").expect("it finishes");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let tunes: i64 = conn
        .query_row(
            "SELECT count(*) FROM inputs WHERE payload LIKE '%\"tune\"%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tunes, 1, "the change is a recorded input");
    match replay(&db, Some(2)).expect("replays") {
        Outcome::Identical { .. } => {}
        Outcome::Diverged(d) => panic!("a tuned run must replay: {d:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_threshold_change_replaces_the_policies_and_a_refused_patch_says_why() {
    let p = params();
    let truth = Tunables::of(&p);
    let mut draft = truth.clone();
    let rules = &mut draft.policies.as_mut().unwrap().rules;
    let speed = rules
        .iter_mut()
        .find_map(|r| match &mut r.rule {
            Rule::SpeedLimit { max_speed } => Some(max_speed),
            _ => None,
        })
        .expect("the shipped policies have a speed limit");
    *speed += 1.0;
    let patch = build_patch(&truth, &draft);
    assert_eq!(patch.as_object().unwrap().len(), 1, "{patch}");
    assert!(patch.get("policies").is_some());
    assert_eq!(
        check_patch(&patch, &p).unwrap().policies,
        *draft.policies.as_ref().unwrap()
    );

    let mut bad = truth.clone();
    bad.death_rate = Some(0.0);
    let e = check_patch(&build_patch(&truth, &bad), &p).unwrap_err();
    assert!(e.starts_with("death_rate: must be above 0"), "{e}");
    let mut bad = truth.clone();
    for w in bad
        .weights
        .as_mut()
        .unwrap()
        .get_mut("guard")
        .unwrap()
        .values_mut()
    {
        *w = 0.0;
    }
    let e = check_patch(&build_patch(&truth, &bad), &p).unwrap_err();
    assert!(e.starts_with("weights.guard: every weight"), "{e}");
}
