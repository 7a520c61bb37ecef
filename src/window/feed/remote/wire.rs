//! Turning what the stream says back into the window's own types: an
//! [`EntityView`] into an [`Agent`] and an [`EventView`] into an
//! [`Event`]. The protocol carries names (kinds, activities, realms) and a
//! payload as JSON; everything is checked against the names this build
//! knows, so a server of another version gives a counted "unreadable"
//! rather than a wrong picture. [`Payload`] is written, never read, by the
//! rest of the program (its names are `&'static str`), so its JSON is read
//! here through a mirror of it with owned names, then mapped onto the
//! static ones.

use std::sync::Arc;

use bevy::math::Vec2;
use serde::Deserialize;

use super::super::Agent;
use crate::events::{DeathCause, Event, Payload, Ruling};
use crate::net::protocol::{EntityView, EventView};
use crate::population::EntityId;
use crate::population::intent::ActionKind;
use crate::population::kinds::{Activity, AgentKind};
use crate::stat7::Realm;

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

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum DeathWire {
    Age,
    Killed,
    Cataclysm,
}

#[derive(Deserialize)]
struct RulingWire {
    rule: String,
    reason: String,
    action: String,
}

/// [`Payload`]'s JSON, with owned names.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum PayloadWire {
    Spawn {
        agent: String,
        x: f32,
        y: f32,
        wealth: u64,
    },
    Birth {
        partner: u64,
        generation: u32,
        wealth: u64,
    },
    Cataclysm {
        zone: u16,
        victims: u32,
    },
    Death {
        cause: DeathWire,
        age: i64,
    },
    Departure {
        wealth: u64,
    },
    TravelStarted {
        zone: u16,
        x: f32,
        y: f32,
    },
    Arrived {
        x: f32,
        y: f32,
    },
    Gather {
        zone: u16,
        goods: u32,
    },
    Trade {
        buyer: u64,
        seller: u64,
        goods: u32,
        price: u64,
    },
    Chat {
        ticks: u16,
        length: u16,
        #[serde(default)]
        text: Option<String>,
    },
    Socialise {
        ticks: u16,
    },
    Meal {
        energy: f32,
    },
    Attack {
        damage: u16,
    },
    Damage {
        amount: u16,
        health: f32,
    },
    LootDropped {
        wealth: u64,
        goods: u32,
    },
    LootPicked {
        wealth: u64,
        goods: u32,
    },
    IntentDenied(RulingWire),
    IntentMutated(RulingWire),
    ReputationChanged {
        delta: i16,
        reputation: i16,
    },
    Grief {
        for_whom: u64,
        mood: f32,
    },
    Inheritance {
        wealth: u64,
        to_treasury: bool,
    },
    LineageRegistered {
        child: u64,
        generation: u32,
    },
    Overcrowded {
        zone: u16,
        population: u32,
        cap: u32,
    },
    Migration {
        from_zone: u16,
        to_zone: u16,
    },
}

fn ruling(r: RulingWire) -> Result<Box<Ruling>, String> {
    let action = ActionKind::ALL
        .into_iter()
        .find(|a| a.as_str() == r.action)
        .ok_or_else(|| format!("unknown action {:?}", r.action))?
        .as_str();
    Ok(Box::new(Ruling {
        rule: r.rule,
        reason: r.reason,
        action,
    }))
}

fn payload(value: &serde_json::Value) -> Result<Payload, String> {
    use PayloadWire as W;
    let wire = PayloadWire::deserialize(value).map_err(|e| e.to_string())?;
    Ok(match wire {
        W::Spawn {
            agent,
            x,
            y,
            wealth,
        } => Payload::Spawn {
            agent: kind(&agent)
                .ok_or_else(|| format!("unknown kind {agent:?}"))?
                .name(),
            x,
            y,
            wealth,
        },
        W::Birth {
            partner,
            generation,
            wealth,
        } => Payload::Birth {
            partner,
            generation,
            wealth,
        },
        W::Cataclysm { zone, victims } => Payload::Cataclysm { zone, victims },
        W::Death { cause, age } => Payload::Death {
            cause: match cause {
                DeathWire::Age => DeathCause::Age,
                DeathWire::Killed => DeathCause::Killed,
                DeathWire::Cataclysm => DeathCause::Cataclysm,
            },
            age,
        },
        W::Departure { wealth } => Payload::Departure { wealth },
        W::TravelStarted { zone, x, y } => Payload::TravelStarted { zone, x, y },
        W::Arrived { x, y } => Payload::Arrived { x, y },
        W::Gather { zone, goods } => Payload::Gather { zone, goods },
        W::Trade {
            buyer,
            seller,
            goods,
            price,
        } => Payload::Trade {
            buyer,
            seller,
            goods,
            price,
        },
        W::Chat {
            ticks,
            length,
            text,
        } => Payload::Chat {
            ticks,
            length,
            text: text.map(Arc::from),
        },
        W::Socialise { ticks } => Payload::Socialise { ticks },
        W::Meal { energy } => Payload::Meal { energy },
        W::Attack { damage } => Payload::Attack { damage },
        W::Damage { amount, health } => Payload::Damage { amount, health },
        W::LootDropped { wealth, goods } => Payload::LootDropped { wealth, goods },
        W::LootPicked { wealth, goods } => Payload::LootPicked { wealth, goods },
        W::IntentDenied(r) => Payload::IntentDenied(ruling(r)?),
        W::IntentMutated(r) => Payload::IntentMutated(ruling(r)?),
        W::ReputationChanged { delta, reputation } => {
            Payload::ReputationChanged { delta, reputation }
        }
        W::Grief { for_whom, mood } => Payload::Grief { for_whom, mood },
        W::Inheritance {
            wealth,
            to_treasury,
        } => Payload::Inheritance {
            wealth,
            to_treasury,
        },
        W::LineageRegistered { child, generation } => {
            Payload::LineageRegistered { child, generation }
        }
        W::Overcrowded {
            zone,
            population,
            cap,
        } => Payload::Overcrowded {
            zone,
            population,
            cap,
        },
        W::Migration { from_zone, to_zone } => Payload::Migration { from_zone, to_zone },
    })
}

/// The event a stream's view shows (its ECS handles, never sent, are
/// empty). Err says why it cannot be read.
pub fn event(v: &EventView) -> Result<Event, String> {
    let payload = payload(&v.payload).map_err(|e| format!("event {}: {e}", v.seq))?;
    if payload.kind().as_str() != v.kind {
        return Err(format!(
            "event {}: kind {:?} but a {} payload",
            v.seq,
            v.kind,
            payload.kind().as_str()
        ));
    }
    Ok(Event {
        seq: v.seq,
        tick: v.tick,
        actor: v.actor.map(EntityId),
        target: v.target.map(EntityId),
        cause: v.cause,
        correlation: v.correlation,
        depth: v.depth,
        payload,
        handles: (None, None),
    })
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
