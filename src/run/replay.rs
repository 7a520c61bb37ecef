//! `seedsim replay` and a restart's rebuild: a recorded run re-simulated
//! from what its `events.db` holds (scenario, seed, inputs) and compared
//! with the record by [`crate::store::recording`], which reports the first
//! divergence.

use std::path::Path;

use crate::events::TickEvents;
use crate::input::InputFeed;
use crate::record::StateHash;
use crate::run::{Pace, RunConfig, Simulation};
use crate::store::StoreError;
use crate::store::recording::{Outcome, Recording};

/// A fresh simulation of the recorded run, fed its recorded inputs (handed
/// over: call once per recording), at tick 0.
pub fn simulation(recording: &mut Recording, threads: Option<usize>) -> Simulation {
    let config = RunConfig {
        seed: recording.seed,
        threads,
        store: None,
    };
    let mut sim = Simulation::new(&recording.scenario, &config, Pace::Fast);
    sim.set_input_feed(InputFeed::Replay(recording.take_inputs()));
    sim
}

/// Steps `sim` (at tick 0) through every recorded tick, comparing it with
/// the record.
pub fn compare(recording: &Recording, sim: &mut Simulation) -> Result<Outcome, StoreError> {
    recording.compare(|step| {
        if step {
            sim.step();
        }
        let world = sim.world();
        (
            *world.resource::<StateHash>(),
            world.resource::<TickEvents>().0.clone(),
        )
    })
}

/// Re-simulates the run recorded at `path` and compares it with the record.
pub fn replay(path: &Path, threads: Option<usize>) -> Result<Outcome, StoreError> {
    let mut recording = Recording::open(path)?;
    let mut sim = simulation(&mut recording, threads);
    compare(&recording, &mut sim)
}

/// A world rebuilt from the store, and how much of the record it replayed.
pub struct Rebuilt {
    pub sim: Simulation,
    pub ticks: u64,
    pub events: u64,
}

fn invalid(path: &Path, message: String) -> StoreError {
    StoreError::Invalid {
        path: path.display().to_string(),
        message,
    }
}

/// Rebuilds the run recorded in a closed store by replaying all of it: the
/// scenario, seed and inputs come from the file, every event hash and tick
/// state hash is compared, and the record must end at `tick`.
pub fn rebuild(path: &Path, threads: Option<usize>, tick: u64) -> Result<Rebuilt, StoreError> {
    let mut recording = Recording::open(path)?;
    let last = recording.ticks.last().map_or(0, |(t, _)| *t);
    if last != tick {
        return Err(invalid(
            path,
            format!("the store ends at tick {last}, not at the restart's tick {tick}"),
        ));
    }
    let mut sim = simulation(&mut recording, threads);
    match compare(&recording, &mut sim)? {
        Outcome::Identical { ticks, events } => Ok(Rebuilt {
            sim,
            // Tick 0 is the initial state, not a replayed tick.
            ticks: ticks.saturating_sub(1),
            events,
        }),
        Outcome::Diverged(d) => Err(invalid(
            path,
            format!(
                "the rebuilt world diverges from the record at tick {}, seq {}: expected {}, got {}",
                d.tick, d.seq, d.expected, d.actual
            ),
        )),
    }
}
