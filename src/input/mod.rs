//! Input, the first stage of every tick: external inputs —
//! client logins and actions, admin tunable changes and controls — are
//! taken from their [`InputFeed`], stamped with the tick and an input id,
//! turned into spawns, departures, parameter changes and intents, and kept
//! in [`TickInputs`] for the store. With the seed and the scenario they are
//! all a replay needs: a replay's feed hands back the recorded inputs at
//! the ticks they were taken.
//!
//! What happened to each client request goes back as a [`Reply`]: a welcome
//! for a login, an error for what the world refuses (an unknown target, a
//! dead entity), and an ack for every action once its tick has been judged
//! and applied (see [`acks`]).

mod acks;
pub mod command;
mod login;
mod take;
pub mod tunables;

use std::collections::{BTreeMap, VecDeque};

use bevy::prelude::*;
use crossbeam_channel::Receiver;

pub use command::{ACTOR_SESSIONS, ControlAction, Input, Strike};
pub use tunables::{Tunables, TunablesError};

use crate::core::agent::EntityId;
use crate::core::protocol::{Decision, Refusal};
use crate::core::{DecideStep, InputStep, RecordStep};

/// Most inputs taken in one tick; the rest wait for the next (the channel
/// behind the feed is bounded too, so senders see back pressure).
pub const MAX_INPUTS_PER_TICK: usize = 50_000;

/// Where a tick's external inputs come from.
#[derive(Resource, Default)]
pub enum InputFeed {
    /// None (a headless run).
    #[default]
    Closed,
    /// A live server's command channel, and the sessions whose connection
    /// ended (their logouts).
    Live(Receiver<Input>, EndedSessions),
    /// Recorded inputs by tick, for a replay.
    Replay(VecDeque<(u64, Input)>),
}

/// Sessions whose connection ended, each waiting for its logout. A logout
/// never waits on the bounded input channel, so none is ever dropped and an
/// entity never outlives its client; the list holds at most one entry per
/// connection that was open, and the next tick takes them all, after what
/// the channel holds.
#[derive(Clone, Debug, Default)]
pub struct EndedSessions(std::sync::Arc<std::sync::Mutex<Vec<u64>>>);

impl EndedSessions {
    pub fn push(&self, session: u64) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(session);
    }

    /// Every session ended since the last take, in the order they ended.
    pub fn take(&self) -> Vec<u64> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The inputs taken this tick with their ids, for the store.
#[derive(Resource, Clone, Debug, Default)]
pub struct TickInputs(pub Vec<(u64, Input)>);

/// The id the next input gets; action events carry it as `correlation`.
#[derive(Resource, Clone, Copy, Debug)]
pub struct NextInput(pub u64);

impl Default for NextInput {
    fn default() -> Self {
        NextInput(1)
    }
}

/// Inputs the live loop hands over directly (admin controls and tunables):
/// taken first at the next tick, so they can never be lost to a full queue.
#[derive(Resource, Clone, Debug, Default)]
pub struct QueuedInputs(pub Vec<Input>);

/// Client sessions and the entity each owns.
#[derive(Resource, Clone, Debug, Default)]
pub struct Sessions(pub BTreeMap<u64, (EntityId, Entity)>);

/// What goes back to a client about its requests.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Welcome {
        session: u64,
        entity: u64,
        tick: u64,
        x: f32,
        y: f32,
        zone: u16,
        nearby: Vec<u64>,
    },
    Ack {
        session: u64,
        req_id: u64,
        decision: Decision,
        rule: Option<String>,
        reason: Option<String>,
        seq: Option<u64>,
        tick: u64,
    },
    Refused {
        session: u64,
        refusal: Refusal,
    },
}

impl Reply {
    pub fn session(&self) -> u64 {
        match self {
            Reply::Welcome { session, .. }
            | Reply::Ack { session, .. }
            | Reply::Refused { session, .. } => *session,
        }
    }
}

/// This tick's replies, in the order they arose.
#[derive(Resource, Clone, Debug, Default)]
pub struct Replies(pub Vec<Reply>);

/// Client intents waiting to join the brains' intents in Decide.
#[derive(Resource, Clone, Debug, Default)]
struct ClientIntents(Vec<crate::core::agent::Intent>);

/// Client actions of this tick awaiting their ack: (correlation, session, req_id).
#[derive(Resource, Clone, Debug, Default)]
struct PendingActs(Vec<(u64, u64, u64)>);

pub struct InputPlugin;

impl Plugin for InputPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<InputFeed>()
            .init_resource::<QueuedInputs>()
            .init_resource::<TickInputs>()
            .init_resource::<NextInput>()
            .init_resource::<Sessions>()
            .init_resource::<Replies>()
            .init_resource::<ClientIntents>()
            .init_resource::<PendingActs>()
            .add_systems(
                FixedUpdate,
                (
                    take::take_inputs.in_set(InputStep::TakeInputs),
                    take::join_client_intents.in_set(DecideStep::ClientIntents),
                    acks::make_acks.in_set(RecordStep::Acks),
                ),
            );
    }
}
