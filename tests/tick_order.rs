//! The tick's order is stated, not left to Bevy's executor: the full app (every
//! plugin of a run, a live server's and scripted actors' included) must build
//! its schedules with ambiguity detection set to error. Two systems that touch
//! the same data with no order between them would make entity ids, seqs and
//! correlations depend on which thread ran first; this test fails instead,
//! naming them. `core::order` is where a new system gets its step.

use bevy::ecs::schedule::{InternedScheduleLabel, LogLevel, ScheduleLabel};
use bevy::prelude::*;

use seedsim::core::scenario::load_file;
use seedsim::run::{RunConfig, assemble};

/// Every schedule a tick (or tick 0) runs in.
fn tick_schedules() -> [InternedScheduleLabel; 5] {
    [
        Startup.intern(),
        PostStartup.intern(),
        FixedFirst.intern(),
        FixedUpdate.intern(),
        FixedLast.intern(),
    ]
}

/// Builds each schedule with ambiguity detection at `Error`; returns what
/// failed, with the systems named.
fn ambiguities(app: &mut App, labels: &[InternedScheduleLabel]) -> Vec<String> {
    let mut found = Vec::new();
    for label in labels {
        // A schedule builds against the world, which holds `Schedules`: take
        // it out while it builds.
        let Some(mut schedule) = app.world_mut().resource_mut::<Schedules>().remove(*label) else {
            continue;
        };
        let mut settings = schedule.get_build_settings();
        settings.ambiguity_detection = LogLevel::Error;
        schedule.set_build_settings(settings);
        if let Err(e) = schedule.initialize(app.world_mut()) {
            found.push(format!(
                "{label:?}: {}",
                e.to_string(schedule.graph(), app.world())
            ));
        }
        app.world_mut().resource_mut::<Schedules>().insert(schedule);
    }
    found
}

#[test]
fn a_runs_tick_has_no_unordered_pair_of_systems() {
    // market-day has scripted actors, raid faults, and every app carries the
    // live server's Publish step.
    for file in [
        "scenarios/market-day.ron",
        "scenarios/raid.ron",
        "scenarios/griefers.ron",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let (scenario, _) = load_file(&path).expect("a shipped scenario loads");
        let mut app = assemble(&scenario, &RunConfig::seeded(1), None);
        let found = ambiguities(&mut app, &tick_schedules());
        assert!(
            found.is_empty(),
            "{file}: unordered systems:\n{}",
            found.join("\n")
        );
    }
}

#[derive(Resource, Default)]
struct Tally(u32);

fn first(mut t: ResMut<Tally>) {
    t.0 += 1;
}

fn second(mut t: ResMut<Tally>) {
    t.0 *= 2;
}

#[test]
fn an_unordered_pair_of_writers_is_caught() {
    // The guard itself: two writers of one resource in the same stage with no
    // order between them must be reported, by name.
    let mut app = App::new();
    app.init_resource::<Tally>().add_systems(
        FixedUpdate,
        (first, second).in_set(seedsim::core::TickSet::Input),
    );
    let found = ambiguities(&mut app, &[FixedUpdate.intern()]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("first") && found[0].contains("second"),
        "{}",
        found[0]
    );
    // Ordered, they pass.
    let mut app = App::new();
    app.init_resource::<Tally>()
        .add_systems(FixedUpdate, (first, second).chain());
    assert!(ambiguities(&mut app, &[FixedUpdate.intern()]).is_empty());
}
