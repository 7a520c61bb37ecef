//! Turning what the stream says back into the window's own types: an
//! [`EntityView`] into an [`Agent`] and an [`EventView`] into an
//! [`Event`]. The protocol carries names (kinds, activities, realms) and a
//! payload as JSON; everything is checked against the names this build
//! knows, so a server of another version gives a counted "unreadable"
//! rather than a wrong picture ([`Payload`]'s own deserialization checks
//! the names it keeps).

use bevy::math::Vec2;
use serde::Deserialize;

use super::super::Agent;
use crate::core::agent::EntityId;
use crate::core::agent::kinds::{Activity, AgentKind};
use crate::core::protocol::{EntityView, EventView};
use crate::core::stat7::Realm;
use crate::events::{Event, Payload};

pub fn kind(name: &str) -> Option<AgentKind> {
    AgentKind::all().find(|k| k.name() == name)
}

pub fn activity(name: &str) -> Option<Activity> {
    Activity::ALL.into_iter().find(|a| a.as_str() == name)
}

/// An entity as the window draws it; `realm_of` gives a zone's realm (None:
/// a zone the server's `hello` did not list). Err names what is unreadable.
pub fn agent(e: &EntityView, realm_of: impl Fn(u16) -> Option<Realm>) -> Result<Agent, String> {
    let kind =
        kind(&e.kind).ok_or_else(|| format!("entity {}: unknown kind {:?}", e.id, e.kind))?;
    let activity = activity(&e.activity)
        .ok_or_else(|| format!("entity {}: unknown activity {:?}", e.id, e.activity))?;
    let realm =
        realm_of(e.zone).ok_or_else(|| format!("entity {}: unknown zone {}", e.id, e.zone))?;
    if !(e.x.is_finite() && e.y.is_finite() && e.health.is_finite()) {
        return Err(format!(
            "entity {}: a position or health that is not a number",
            e.id
        ));
    }
    Ok(Agent {
        id: e.id,
        kind,
        pos: Vec2::new(e.x, e.y),
        zone: e.zone,
        realm,
        health: e.health.clamp(0.0, 100.0),
        activity,
        stat7: None,
        parent: 0,
    })
}

/// A payload as the stream writes it (the store's JSON).
fn payload(value: &serde_json::Value) -> Result<Payload, String> {
    // Owned: the names `Payload` keeps are `&'static str`, so it cannot
    // borrow from the frame (they are looked up, not borrowed).
    Payload::deserialize(value.clone()).map_err(|e| e.to_string())
}

/// The event a stream's view shows (its ECS handles, never sent, are
/// empty). Err says why it cannot be read.
pub fn event(v: &EventView) -> Result<Event, String> {
    let payload = payload(&v.payload).map_err(|e| format!("event {}: {e}", v.header.seq))?;
    if payload.kind().as_str() != v.kind {
        return Err(format!(
            "event {}: kind {:?} but a {} payload",
            v.header.seq,
            v.kind,
            payload.kind().as_str()
        ));
    }
    Ok(Event {
        seq: v.header.seq,
        tick: v.header.tick,
        actor: v.header.actor.map(EntityId),
        target: v.header.target.map(EntityId),
        cause: v.header.cause,
        correlation: v.header.correlation,
        depth: v.header.depth,
        payload,
        handles: (None, None),
    })
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
