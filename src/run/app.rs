//! Assembling the Bevy `App` for a scenario: which plugins, in which order,
//! with which thread pool. The simulation's app is headless: the window has
//! an app of its own and watches this one through a feed.

use bevy::app::TaskPoolPlugin;
use bevy::prelude::*;
use bevy::tasks::available_parallelism;
use bevy::time::{TimePlugin, TimeUpdateStrategy};

use crate::actor::ActorPlugin;
use crate::core::SimPlugin;
use crate::core::scenario::Scenario;
use crate::events::EventsPlugin;
use crate::fault::FaultPlugin;
use crate::govern::GovernPlugin;
use crate::input::InputPlugin;
use crate::narrative::NarrativePlugin;
use crate::net::frame::NetPlugin;
use crate::population::PopulationPlugin;
use crate::react::ReactPlugin;
use crate::record::RecordPlugin;
use crate::store::{StoreConfig, StorePlugin, StoreSink};
use crate::world::WorldPlugin;

/// How to run a scenario (the parts that are not in the scenario file).
#[derive(Clone, Debug)]
pub struct RunConfig {
    pub seed: u64,
    /// Compute threads for parallel systems; all cores if `None`. The thread
    /// pools are process-wide and fixed by the first app built in a process.
    pub threads: Option<usize>,
    /// Record every event into this store (see `crate::store`).
    pub store: Option<StoreConfig>,
}

impl RunConfig {
    /// A run with this seed on all cores, recording nothing.
    pub fn seeded(seed: u64) -> RunConfig {
        RunConfig {
            seed,
            threads: None,
            store: None,
        }
    }
}

/// Builds an app that runs exactly one tick per `app.update()`, regardless of
/// the wall clock (pacing is the caller's business), with Startup done. With
/// a `sink`, every tick (tick 0 included) is recorded.
pub fn build_app(scenario: &Scenario, config: &RunConfig, sink: Option<StoreSink>) -> App {
    let mut app = assemble(scenario, config, sink);
    // The first update runs Startup and no fixed step.
    app.update();
    app
}

/// The app with every plugin of a run (a live server's included) and
/// nothing run yet: what [`build_app`] starts, and what a test inspects.
pub fn assemble(scenario: &Scenario, config: &RunConfig, sink: Option<StoreSink>) -> App {
    let mut app = App::new();
    app.add_plugins((
        TaskPoolPlugin {
            task_pool_options: pool_options(config.threads),
        },
        TimePlugin,
    ))
    .insert_resource(TimeUpdateStrategy::FixedTimesteps(1))
    .add_plugins((
        SimPlugin { seed: config.seed },
        WorldPlugin {
            scenario: scenario.clone(),
        },
        PopulationPlugin {
            scenario: scenario.clone(),
        },
        EventsPlugin,
        InputPlugin,
        GovernPlugin,
        ReactPlugin {
            rules: scenario.reaction_set(),
        },
        RecordPlugin,
        StorePlugin,
        NetPlugin,
        FaultPlugin {
            faults: scenario.faults.clone(),
        },
    ))
    .add_plugins((
        ActorPlugin {
            scenario: scenario.clone(),
        },
        NarrativePlugin {
            pack: scenario.narrative_pack(),
            director: scenario.director.clone(),
        },
    ));
    if let Some(sink) = sink {
        app.insert_resource(sink);
    }
    app.finish();
    app.cleanup();
    app
}

fn pool_options(threads: Option<usize>) -> bevy::app::TaskPoolOptions {
    use bevy::app::{TaskPoolOptions, TaskPoolThreadAssignmentPolicy};
    let compute = threads.unwrap_or_else(available_parallelism).max(1);
    let one = || TaskPoolThreadAssignmentPolicy {
        min_threads: 1,
        max_threads: 1,
        percent: 0.0,
        on_thread_spawn: None,
        on_thread_destroy: None,
    };
    // IO and async pools get one thread each; the simulation only uses the
    // compute pool, which gets exactly the requested number of threads.
    TaskPoolOptions {
        min_total_threads: compute + 2,
        max_total_threads: compute + 2,
        io: one(),
        async_compute: one(),
        compute: TaskPoolThreadAssignmentPolicy {
            min_threads: compute,
            max_threads: compute,
            percent: 1.0,
            on_thread_spawn: None,
            on_thread_destroy: None,
        },
    }
}
