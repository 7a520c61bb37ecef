//! The actors of a run and each one's private state: where its script is,
//! what it is waiting for, what it remembers, its inbox and its errors.
//! Nothing here is shared between actors; one only knows another's entity
//! through the [`Directory`], by name.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::agent::EntityId;
use crate::core::agent::kinds::AgentKind;
use crate::core::scenario::actor_program::Program;
use crate::core::scenario::{ActorSpec, OnError};
use crate::input::ACTOR_SESSIONS;

/// Most errors kept per actor (the rest are counted).
pub const MAX_ERRORS: usize = 100;

/// Where an actor's script stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Before its spawn tick.
    Unborn,
    /// Its entrance is queued; waiting for the welcome.
    Entering,
    /// Runs its next step at the next Input stage.
    Ready,
    /// An action was sent; waiting for its ack until `deadline`.
    Acting { req_id: u64, deadline: u64 },
    /// In a wait step since `since`, until `deadline`.
    Waiting { since: u64, deadline: u64 },
    /// A failed step is tried again at `until`.
    Backoff { until: u64 },
    /// An action that lasts (`ticks: n`) is under way; the next step runs
    /// at `until`.
    Busy { until: u64 },
    /// The script ended (or stopped): the actor leaves at the next Input.
    Done,
    /// It left the world (or never got in).
    Gone,
}

/// A message in an actor's inbox: a chat with words aimed at it.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub tick: u64,
    pub seq: u64,
    pub from: EntityId,
    pub text: Arc<str>,
}

/// A step that failed for good (its retries spent), with its context.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepError {
    pub actor: String,
    /// Where the step is written (`actors[0].steps[2]`).
    pub step: String,
    /// What the step is (`act trade`, `wait for a message`).
    pub label: String,
    pub tick: u64,
    pub cause: String,
    /// Attempts made (1 + retries).
    pub attempts: u32,
}

/// One actor's state.
#[derive(Clone, Debug)]
pub struct Actor {
    pub name: String,
    pub index: usize,
    pub session: u64,
    pub kind: AgentKind,
    pub zone: Option<String>,
    pub at: Option<(f32, f32)>,
    pub wealth: Option<u32>,
    pub goods: Option<u16>,
    pub spawn_tick: u64,
    pub on_error: OnError,
    pub inbox_cap: usize,
    pub program: Program,
    /// The next op to run.
    pub pc: usize,
    /// Rounds done of each loop.
    pub rounds: Vec<u32>,
    pub status: Status,
    pub entity: Option<EntityId>,
    /// The tick it entered the world.
    pub entered: Option<u64>,
    /// Entities remembered by name (bounded by the names its script uses).
    pub memory: BTreeMap<String, EntityId>,
    pub inbox: VecDeque<Message>,
    pub inbox_dropped: u64,
    pub received: u64,
    /// Attempts made at the current step beyond the first.
    pub attempts: u32,
    pub next_req: u64,
    pub errors: Vec<StepError>,
    pub errors_total: u64,
    pub steps_done: u64,
    /// Whether an error stopped the script.
    pub stopped: bool,
}

impl Actor {
    pub fn new(index: usize, spec: &ActorSpec, program: Program) -> Actor {
        Actor {
            name: spec.name.clone(),
            index,
            session: ACTOR_SESSIONS + index as u64,
            kind: spec.kind,
            zone: spec.zone.clone(),
            at: spec.at,
            wealth: spec.wealth,
            goods: spec.goods,
            spawn_tick: spec.spawn_tick,
            on_error: spec.on_error,
            inbox_cap: spec.inbox.max(1) as usize,
            rounds: vec![0; program.loops],
            program,
            pc: 0,
            status: Status::Unborn,
            entity: None,
            entered: None,
            memory: BTreeMap::new(),
            inbox: VecDeque::new(),
            inbox_dropped: 0,
            received: 0,
            attempts: 0,
            next_req: 1,
            errors: Vec::new(),
            errors_total: 0,
            steps_done: 0,
            stopped: false,
        }
    }

    /// Puts a message in the inbox; a full inbox drops its oldest.
    pub fn deliver(&mut self, m: Message) {
        if self.inbox.len() >= self.inbox_cap {
            self.inbox.pop_front();
            self.inbox_dropped += 1;
        }
        self.received += 1;
        self.inbox.push_back(m);
    }

    pub fn record_error(&mut self, e: StepError) {
        self.errors_total += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(e);
        }
    }

    /// The step it is at, for reports (`actors[0].steps[3]`), if any.
    pub fn at_step(&self) -> Option<&str> {
        self.program.ops.get(self.pc).map(|o| o.path.as_str())
    }
}

/// The run's actors, in the order the scenario lists them.
#[derive(Resource, Clone, Debug, Default)]
pub struct Cast {
    pub actors: Vec<Actor>,
}

/// Actor names → their entities, for steps that name another actor.
pub type Directory = BTreeMap<String, EntityId>;

impl Cast {
    pub fn directory(&self) -> Directory {
        self.actors
            .iter()
            .filter_map(|a| a.entity.map(|e| (a.name.clone(), e)))
            .collect()
    }
}
