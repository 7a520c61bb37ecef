//! The world's side of a server restart. The restart itself (network down,
//! store closed, world rebuilt from the store, server back) is carried out
//! by the run layer (`run::restart`) between two ticks; what the world must know is
//! recorded as an input at the first tick after it, so a replay does the
//! same without any network: every client session of the old server ends
//! there (its connection was closed), and its entity departs, as the entity
//! of any client that vanishes does at the next tick.

use bevy::prelude::*;

use super::{FaultLog, FaultPlan};
use crate::core::SimClock;
use crate::core::agent::components::{Life, Vitals};
use crate::core::scenario::Fault;
use crate::input::Strike;
use crate::input::{ACTOR_SESSIONS, Input, Sessions, TickInputs};
use crate::population::Calendar;

/// The index of the restart fault at `tick`, if there is one.
pub fn due_at(world: &World, tick: u64) -> Option<usize> {
    world
        .get_resource::<FaultPlan>()?
        .0
        .iter()
        .position(|f| f.fault == Fault::Restart && f.at.from == tick)
}

/// The input that tells the rebuilt world which sessions the restart ended:
/// every client session numbered below the new server's first connection.
pub fn strike(index: usize, sessions_below: u64) -> Input {
    Input::Fault {
        index,
        strike: Strike::Restart { sessions_below },
    }
}

/// Input, after inputs are taken: a restart's strike ends the old server's
/// client sessions now (scripted actors' sessions are not connections and
/// carry on); Apply's end of lives makes their entities depart this tick.
pub(super) fn end_sessions(
    clock: Res<SimClock>,
    inputs: Res<TickInputs>,
    mut sessions: ResMut<Sessions>,
    mut calendar: ResMut<Calendar>,
    mut faults: ResMut<FaultLog>,
    agents: Query<(&Life, &Vitals)>,
) {
    for (_, input) in &inputs.0 {
        let Input::Fault {
            index,
            strike: Strike::Restart { sessions_below },
        } = input
        else {
            continue;
        };
        let gone: Vec<u64> = sessions
            .0
            .range(..(*sessions_below).min(ACTOR_SESSIONS))
            .map(|(s, _)| *s)
            .collect();
        let mut departing = 0;
        for session in gone {
            if let Some((id, entity)) = sessions.0.remove(&session)
                && let Ok((life, vitals)) = agents.get(entity)
                && vitals.alive()
            {
                calendar.reschedule(life.ends, clock.tick as i64, id, entity);
                departing += 1;
            }
        }
        faults.add(*index, "players_departed", departing);
    }
}
