//! Whole-run properties of the population on a real scenario: coins are
//! conserved, the census matches the entities that exist, lives begin and
//! end, and every activity actually happens.

use std::path::Path;

use seedsim::core::agent::EntityId;
use seedsim::core::agent::components::{Life, Purse};
use seedsim::core::scenario::load_file;
use seedsim::population::Census;
use seedsim::report::{Report, RunInfo};
use seedsim::run::{Pace, RunConfig, Simulation};

#[test]
fn town_run_conserves_wealth_and_keeps_an_honest_census() {
    let (scenario, _) = load_file(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/town.ron"
    )))
    .expect("town loads");
    let mut sim = Simulation::new(
        &scenario,
        &RunConfig {
            seed: 11,
            threads: None,
            store: None,
        },
        Pace::Fast,
    );
    for _ in 0..600 {
        sim.step();
    }
    let world = sim.world_mut();
    let census = world.resource::<Census>().total();
    let counted = world.query::<&EntityId>().iter(world).count() as u64;
    assert_eq!(census, counted);
    let mut ids: Vec<u64> = world
        .query::<&EntityId>()
        .iter(world)
        .map(|i| i.0)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len() as u64, counted, "ids are unique");
    let max_generation = world
        .query::<&Life>()
        .iter(world)
        .map(|l| l.generation)
        .max();
    assert!(
        max_generation >= Some(2),
        "children are born: {max_generation:?}"
    );
    let coins: u64 = world.query::<&Purse>().iter(world).map(|p| p.wealth).sum();
    assert!(coins > 0);

    let report = Report::from_world(
        world,
        RunInfo {
            scenario: "town".into(),
            scenario_file: "town.ron".into(),
            seed: 11,
            pace: Pace::Fast,
            threads: 1,
            wall_secs: 0.0,
        },
        None,
    );
    assert!(report.wealth.conserved, "{:?}", report.wealth);
    assert_eq!(report.wealth.held_by_agents, coins);
    let t = &report.totals;
    assert!(
        t.births > 0 && t.deaths > 0 && t.departures > 0 && t.arrivals > 1000,
        "{t:?}"
    );
    for (action, n) in &t.actions {
        assert!(*n > 0, "nobody did {action} in 600 ticks of town");
    }
    assert_eq!(report.population.r#final, census);
    assert_eq!(
        report.heatmap.counts.iter().map(|c| *c as u64).sum::<u64>(),
        census
    );
    assert!(!report.stat7.is_empty());
    for s in &report.stat7 {
        assert_eq!(s.address.len(), 64);
        assert!(s.uri.starts_with("stat7://"), "{}", s.uri);
    }
}
