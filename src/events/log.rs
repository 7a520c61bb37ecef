//! The tick's event log. Sequential systems emit events into it as things
//! happen; each gets its global `seq` at once, so an effect can name its
//! cause and a cause always has the smaller seq. Record seals the tick's
//! events, in seq order, for the store and the watchers.

use bevy::prelude::*;

use super::payload::Payload;
use crate::core::agent::EntityId;
use crate::core::agent::intent::Target;
use crate::core::event::{EVENT_KINDS, EventHeader};

/// Deepest cascade depth that gets its own histogram bucket.
pub const DEPTH_BUCKETS: usize = 16;

/// One thing that happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub seq: u64,
    pub tick: u64,
    pub actor: Option<EntityId>,
    pub target: Option<EntityId>,
    /// Seq of the event that caused this one.
    pub cause: Option<u64>,
    /// Ties an event to an outside request (e.g. a client's request id).
    pub correlation: Option<u64>,
    /// Cascade depth: 0 for what intents and the world do, +1 per reaction.
    pub depth: u8,
    pub payload: Payload,
    /// The ECS entities of actor and target, for reactions; never stored.
    pub handles: (Option<Entity>, Option<Entity>),
}

impl Event {
    /// Its header as stored and sent: ids as plain numbers.
    pub fn header(&self) -> EventHeader {
        EventHeader {
            seq: self.seq,
            tick: self.tick,
            actor: self.actor.map(|a| a.0),
            target: self.target.map(|t| t.0),
            cause: self.cause,
            correlation: self.correlation,
            depth: self.depth,
        }
    }
}

/// The event that caused a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cause {
    pub seq: u64,
    pub depth: u8,
    pub correlation: Option<u64>,
}

impl Event {
    /// This event as the cause of another.
    pub fn as_cause(&self) -> Cause {
        Cause {
            seq: self.seq,
            depth: self.depth,
            correlation: self.correlation,
        }
    }
}

/// Events of the current tick plus run-wide counters.
#[derive(Resource, Debug)]
pub struct EventLog {
    next_seq: u64,
    tick: u64,
    pending: Vec<Event>,
    /// The request being handled: events without a cause carry it.
    correlation: Option<u64>,
    /// Events emitted so far in the run, by kind (index into `EVENT_KINDS`).
    pub by_kind: [u64; EVENT_KINDS.len()],
    /// Events by cascade depth (the last bucket holds everything deeper).
    pub by_depth: [u64; DEPTH_BUCKETS],
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog {
            next_seq: 1,
            tick: 0,
            pending: Vec::new(),
            correlation: None,
            by_kind: [0; EVENT_KINDS.len()],
            by_depth: [0; DEPTH_BUCKETS],
        }
    }
}

impl EventLog {
    /// Records an event and returns its seq.
    pub fn emit(
        &mut self,
        payload: Payload,
        actor: Option<Target>,
        target: Option<Target>,
        cause: Option<Cause>,
    ) -> u64 {
        let handles = (actor.map(|t| t.entity), target.map(|t| t.entity));
        let ids = (actor.map(|t| t.id), target.map(|t| t.id));
        self.push(payload, ids, handles, cause)
    }

    /// Emits an event about `actor` that nothing reacts to (the tick's
    /// reactions are over): it needs the agent's id only, not its entity,
    /// which may already be buried.
    pub fn emit_about(&mut self, payload: Payload, actor: EntityId, cause: Cause) -> u64 {
        self.push(payload, (Some(actor), None), (None, None), Some(cause))
    }

    /// Like [`EventLog::emit_about`], with the other party's id and an
    /// optional cause (a life stage or an expiry has none in this tick).
    pub fn emit_ids(
        &mut self,
        payload: Payload,
        actor: Option<EntityId>,
        target: Option<EntityId>,
        cause: Option<Cause>,
    ) -> u64 {
        // Told, not requested: it answers no client's request.
        let request = self.correlation.take();
        let seq = self.push(payload, (actor, target), (None, None), cause);
        self.correlation = request;
        seq
    }

    fn push(
        &mut self,
        payload: Payload,
        (actor, target): (Option<EntityId>, Option<EntityId>),
        handles: (Option<Entity>, Option<Entity>),
        cause: Option<Cause>,
    ) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        let depth = cause.map_or(0, |c| c.depth.saturating_add(1));
        self.by_kind[payload.kind_index()] += 1;
        self.by_depth[(depth as usize).min(DEPTH_BUCKETS - 1)] += 1;
        self.pending.push(Event {
            seq,
            tick: self.tick,
            actor,
            target,
            cause: cause.map(|c| c.seq),
            correlation: cause.map_or(self.correlation, |c| c.correlation),
            depth,
            payload,
            handles,
        });
        seq
    }

    /// Sets the request that events emitted from now on (without a cause)
    /// answer; `None` when done with it. Effects inherit it from their cause.
    pub fn correlate(&mut self, correlation: Option<u64>) {
        self.correlation = correlation;
    }

    /// Makes room for `n` more events this tick.
    pub fn reserve(&mut self, n: usize) {
        self.pending.reserve(n);
    }

    /// The events emitted so far this tick, in seq order.
    pub fn pending(&self) -> &[Event] {
        &self.pending
    }

    /// The seq the next event will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    pub(super) fn begin(&mut self, tick: u64) {
        self.tick = tick;
    }

    /// Moves the tick's events out, leaving an empty log for the next tick.
    pub(super) fn seal(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.pending)
    }

    /// Events emitted in the whole run.
    pub fn total(&self) -> u64 {
        self.next_seq - 1
    }
}

/// The sealed events of the tick that just ran, in seq order. Shared, not
/// copied, with the store's writer and other watchers.
#[derive(Resource, Debug, Default)]
pub struct TickEvents(pub std::sync::Arc<Vec<Event>>);
