//! A server restart (the `Restart` fault), between two ticks of a served
//! run, the way a game server restarts: the network goes down (the hub
//! hands out the last tick's frames, every connection closes with 1012,
//! the listeners and the runtime stop), the store is closed with
//! everything committed, the world is rebuilt from the store alone (its
//! scenario, seed and inputs, replayed and checked hash by hash), the store
//! is reopened to append to the same chain, and the server comes back on
//! the same ports. Clients reconnect by themselves. The rebuilt world is
//! the one a replay of the file makes, so the run stays replayable bit for
//! bit; the first tick after the restart records the restart as an input
//! (`crate::fault::restart`) and the old server's sessions end there.

use std::time::Instant;

use thiserror::Error;

use crate::fault::{FaultLog, restart::strike};
use crate::input::QueuedInputs;
use crate::net::bridge::SimSide;
use crate::net::server::{NetError, Server};
use crate::record::{RunStats, StateHash};
use crate::run::replay::rebuild;
use crate::run::{Pace, Simulation};
use crate::store::{StoreError, StoreSink};

#[derive(Debug, Error)]
pub enum RestartError {
    #[error("restart after tick {tick}: the run records no event store to rebuild from")]
    NoStore { tick: u64 },
    #[error("restart after tick {tick}: closing the event store failed: {source}")]
    Close { tick: u64, source: StoreError },
    #[error("restart after tick {tick}: rebuilding the world from the store failed: {source}")]
    Rebuild { tick: u64, source: StoreError },
    #[error(
        "restart after tick {tick}: the rebuilt world's state hash {after} is not the one before the restart ({before})"
    )]
    StateMismatch {
        tick: u64,
        before: String,
        after: String,
    },
    #[error("restart after tick {tick}: reopening the event store failed: {source}")]
    Reopen { tick: u64, source: StoreError },
    #[error("restart after tick {tick}: the server could not come back: {source}")]
    Net { tick: u64, source: NetError },
}

/// Why a served run could not go on.
#[derive(Debug, Error)]
pub enum LiveError {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(transparent)]
    Restart(#[from] RestartError),
}

/// Counts, against the restart fault `fault` that brought `server` up, the
/// connections it has accepted since (clients coming back, and new ones).
pub fn count_reconnects(sim: &mut Simulation, server: &Server, fault: Option<usize>) {
    if let Some(fault) = fault {
        sim.world_mut()
            .resource_mut::<FaultLog>()
            .add(fault, "reconnects", server.accepted());
    }
}

/// How the restarted run goes on.
pub struct Settings {
    pub threads: Option<usize>,
    pub pace: Pace,
}

/// Restarts `server` after the tick `sim` has just run (fault `fault`);
/// on success `sim` is the rebuilt simulation, recording into the same
/// store, and the returned server and side replace the old ones. On error
/// the network is down and the store closed (verifiable up to this tick).
pub fn restart(
    sim: &mut Simulation,
    server: Server,
    side: SimSide,
    fault: usize,
    settings: &Settings,
) -> Result<(Server, SimSide), RestartError> {
    let started = Instant::now();
    let tick = sim.tick();
    let before = sim.world().resource::<StateHash>().hex();
    // This tick took everything handed over before the intake closed, so
    // this is only what the per-tick bound left (normally nothing).
    let untaken = side.inputs.len() as u64;
    // Checked before anything goes down: without a store there is nothing
    // to rebuild from, and the run ends as it was.
    let mut sink = sim
        .world_mut()
        .remove_resource::<StoreSink>()
        .ok_or(RestartError::NoStore { tick })?;
    let down = server.go_down(side);
    let closed = sink
        .close()
        .map_err(|source| RestartError::Close { tick, source })?;
    let committed = closed.events();
    let rebuilt = rebuild(&closed.path, settings.threads, tick)
        .map_err(|source| RestartError::Rebuild { tick, source })?;
    let mut next = rebuilt.sim;
    let after = next.world().resource::<StateHash>().hex();
    if after != before {
        return Err(RestartError::StateMismatch {
            tick,
            before,
            after,
        });
    }
    let sink = StoreSink::reopen(closed).map_err(|source| RestartError::Reopen { tick, source })?;
    // What the run measured on the wall clock, and what the faults did, are
    // the run's, not the replay's.
    let world = sim.world_mut();
    let stats = world.remove_resource::<RunStats>();
    let faults = world.remove_resource::<FaultLog>();
    let world = next.world_mut();
    if let Some(stats) = stats {
        world.insert_resource(stats);
    }
    if let Some(faults) = faults {
        world.insert_resource(faults);
    }
    world.insert_resource(sink);
    world
        .resource_mut::<QueuedInputs>()
        .0
        .push(strike(fault, down.next_conn));
    next.set_pace(settings.pace);
    *sim = next;
    let (server, side) =
        Server::come_back(&down).map_err(|source| RestartError::Net { tick, source })?;
    let ms = started.elapsed().as_millis() as u64;
    if let Some(r) = sim.world_mut().resource_mut::<FaultLog>().get_mut(fault) {
        r.add("restarts", 1);
        r.add("restart_ms", ms);
        r.add("ticks_replayed", rebuilt.ticks);
        r.add("events_replayed", rebuilt.events);
        r.add("events_committed", committed);
        r.add("connections_closed", down.connections_closed);
        r.add("connections_dropped", down.connections_dropped);
        r.add("inputs_untaken", untaken);
        r.add("state_hash_matches", 1);
        r.note("state_hash", before);
    }
    Ok((server, side))
}
