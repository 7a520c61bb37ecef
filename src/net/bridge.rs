//! The only places where the simulation and the network meet: bounded
//! crossbeam channels. Inputs and queries flow into the simulation's loop,
//! tick frames flow out to the hub. Every send from the network side is a
//! `try_send`: a full channel is answered with "busy", never waited on, and
//! the simulation never waits on the network either.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};
use tokio::sync::oneshot;

use super::frame::{EntityState, NetFrame};
use crate::core::protocol::{Subscription, WorldInfo};
use crate::input::{ControlAction, EndedSessions, Input, Tunables};

/// Inputs waiting for the next tick.
pub const INPUT_QUEUE: usize = 65_536;
/// Queries waiting between ticks.
pub const QUERY_QUEUE: usize = 1024;
/// Tick frames waiting for the hub; beyond this a frame is dropped (and
/// counted) rather than stall the tick; viewers then get `lagged`.
pub const FRAME_QUEUE: usize = 64;

/// A question to the simulation, answered between ticks.
pub enum SimQuery {
    Entities(EntityFilter, oneshot::Sender<EntityPage>),
    Entity(u64, oneshot::Sender<Option<serde_json::Value>>),
    /// A living agent's story (`net::story`).
    Story(u64, oneshot::Sender<Option<serde_json::Value>>),
    /// A zone's chronicle, by zone name.
    Chronicle(String, oneshot::Sender<Option<serde_json::Value>>),
    /// The director's state, zone by zone (`None` without a director).
    Director(oneshot::Sender<Option<serde_json::Value>>),
    /// The live sifter's stories (of a pattern), at most `limit`; `Err`
    /// names an unknown pattern; `Ok(None)`: the run sifts none.
    Stories(
        Option<String>,
        usize,
        oneshot::Sender<Result<Option<serde_json::Value>, String>>,
    ),
    Stats(oneshot::Sender<serde_json::Value>),
    Governance(oneshot::Sender<serde_json::Value>),
    Tunables(oneshot::Sender<Tunables>),
    /// Check a change and queue it as an input; answers the parameters as
    /// they will be, or what is wrong.
    Tune(
        serde_json::Value,
        oneshot::Sender<Result<Tunables, crate::input::TunablesError>>,
    ),
    Control(ControlAction, oneshot::Sender<ControlState>),
    Snapshot(Subscription, oneshot::Sender<(u64, Vec<EntityState>)>),
}

/// Filters of `GET /api/entities`.
#[derive(Clone, Debug, Default)]
pub struct EntityFilter {
    pub kind: Option<String>,
    pub archetype: Option<String>,
    pub zone: Option<u16>,
    pub realm: Option<String>,
    pub near: Option<(f32, f32, f32)>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct EntityPage {
    pub tick: u64,
    pub total: usize,
    pub offset: usize,
    pub entities: Vec<serde_json::Value>,
}

#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct ControlState {
    pub tick: u64,
    pub paused: bool,
}

/// Counters both sides update and `/metrics` reads.
#[derive(Debug, Default)]
pub struct Gauges {
    pub tick: AtomicU64,
    pub population: AtomicU64,
    pub events: AtomicU64,
    /// Last tick's wall time in microseconds.
    pub tick_us: AtomicU64,
    pub tick_p99_us: AtomicU64,
    pub frames_dropped: AtomicU64,
    pub connections: AtomicU64,
    pub players: AtomicU64,
    pub viewers: AtomicU64,
    pub inputs_refused_busy: AtomicU64,
    pub messages_sent: AtomicU64,
    pub messages_dropped: AtomicU64,
    pub lagged: AtomicU64,
    pub paused: AtomicBool,
    /// Whether any viewer wants entity deltas (the tick only gathers them then).
    pub want_deltas: AtomicBool,
    /// A scenario's link faults, published after each tick.
    pub links: crate::fault::links::LinkState,
}

impl Gauges {
    pub fn get(v: &AtomicU64) -> u64 {
        v.load(Ordering::Relaxed)
    }
}

/// The gate of the input channel. A restart closes it before its tick, so
/// that every input the network handed over is either in the channel (and
/// taken and answered by that tick) or refused at the connection: a
/// connection checks and sends under the lock, so nothing slips in after.
#[derive(Debug, Default)]
pub struct Intake {
    closed: Mutex<bool>,
}

impl Intake {
    fn lock(&self) -> MutexGuard<'_, bool> {
        // A poisoned flag is still a flag.
        self.closed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The network's end: cheap to clone into every task.
#[derive(Clone)]
pub struct NetSide {
    inputs: Sender<Input>,
    ended: EndedSessions,
    intake: Arc<Intake>,
    queries: Sender<SimQuery>,
    pub gauges: Arc<Gauges>,
    pub world: Arc<WorldInfo>,
}

/// Why the simulation could not take a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    Busy,
    Stopped,
    /// The server is going down for a restart.
    Restarting,
}

fn refused<T>(e: TrySendError<T>) -> Refused {
    match e {
        TrySendError::Full(_) => Refused::Busy,
        TrySendError::Disconnected(_) => Refused::Stopped,
    }
}

impl NetSide {
    pub fn input(&self, input: Input) -> Result<(), Refused> {
        let closed = self.intake.lock();
        if *closed {
            return Err(Refused::Restarting);
        }
        self.inputs.try_send(input).map_err(|e| {
            self.gauges
                .inputs_refused_busy
                .fetch_add(1, Ordering::Relaxed);
            refused(e)
        })
    }

    /// A logged-in connection ended: its logout, which is never dropped
    /// (see [`EndedSessions`]).
    pub fn session_ended(&self, session: u64) {
        self.ended.push(session);
    }

    /// Asks the simulation; `None` if it is busy or gone.
    pub async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> SimQuery,
    ) -> Result<T, Refused> {
        let (tx, rx) = oneshot::channel();
        self.queries.try_send(make(tx)).map_err(refused)?;
        rx.await.map_err(|_| Refused::Stopped)
    }
}

/// The simulation's end, held by the loop that runs the ticks.
pub struct SimSide {
    pub inputs: Receiver<Input>,
    pub ended: EndedSessions,
    intake: Arc<Intake>,
    pub queries: Receiver<SimQuery>,
    pub frames: Sender<NetFrame>,
    pub gauges: Arc<Gauges>,
}

impl SimSide {
    /// Closes the input channel to the network for good: what was handed
    /// over stays to be taken, anything later is refused at the connection.
    pub fn close_intake(&self) {
        *self.intake.lock() = true;
    }
}

/// Both ends, plus the hub's receiver of frames.
pub fn channels(world: WorldInfo) -> (NetSide, SimSide, Receiver<NetFrame>) {
    let (input_tx, input_rx) = bounded(INPUT_QUEUE);
    let (query_tx, query_rx) = bounded(QUERY_QUEUE);
    let (frame_tx, frame_rx) = bounded(FRAME_QUEUE);
    let gauges = Arc::new(Gauges::default());
    let intake = Arc::new(Intake::default());
    let ended = EndedSessions::default();
    (
        NetSide {
            inputs: input_tx,
            ended: ended.clone(),
            intake: intake.clone(),
            queries: query_tx,
            gauges: gauges.clone(),
            world: Arc::new(world),
        },
        SimSide {
            inputs: input_rx,
            ended,
            intake,
            queries: query_rx,
            frames: frame_tx,
            gauges,
        },
        frame_rx,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logout_is_never_dropped_however_full_the_queue() {
        let world = WorldInfo {
            scenario: "t".into(),
            seed: 1,
            size: [10.0, 10.0],
            zones: Vec::new(),
        };
        let (net, side, _frames) = channels(world);
        let mut filled = 0;
        while net
            .input(Input::Login {
                session: 1,
                name: None,
            })
            .is_ok()
        {
            filled += 1;
        }
        assert_eq!(filled, INPUT_QUEUE);
        assert_eq!(net.input(Input::Logout { session: 7 }), Err(Refused::Busy));
        // The connection's end still goes through, whatever the queue holds.
        net.session_ended(7);
        assert_eq!(side.inputs.len(), INPUT_QUEUE);
        assert_eq!(side.ended.take(), vec![7]);
        assert!(side.ended.take().is_empty(), "taken once");
    }
}
