//! Tests of [`super`]: every payload the simulation writes reads back as
//! itself, and what this build does not know is refused, not guessed.

use super::*;
use crate::core::event::EventHeader;
use crate::events::{DeathCause, Ruling};
use crate::net::render::event_view;
use std::sync::Arc;

fn every_payload() -> Vec<Payload> {
    let ruling = |action| {
        Box::new(Ruling {
            rule: "solvency".into(),
            reason: "no coins".into(),
            action,
        })
    };
    vec![
        Payload::Spawn {
            agent: "merchant",
            x: 1.5,
            y: -2.0,
            wealth: 30,
        },
        Payload::Birth {
            partner: 4,
            generation: 2,
            wealth: 5,
        },
        Payload::Cataclysm {
            zone: 1,
            victims: 9,
        },
        Payload::Death {
            cause: DeathCause::Killed,
            age: 120,
            zone: 0,
        },
        Payload::Death {
            cause: DeathCause::Age,
            age: 9000,
            zone: 1,
        },
        Payload::Death {
            cause: DeathCause::Cataclysm,
            age: 1,
            zone: 2,
        },
        Payload::Departure { wealth: 3 },
        Payload::TravelStarted {
            zone: 2,
            x: 10.0,
            y: 20.0,
        },
        Payload::Arrived { x: 10.0, y: 20.0 },
        Payload::Gather { zone: 2, goods: 3 },
        Payload::Trade {
            buyer: 1,
            seller: 2,
            goods: 3,
            price: 40,
        },
        Payload::Chat {
            ticks: 4,
            length: 11,
            text: Some(Arc::from("hello there")),
        },
        Payload::Chat {
            ticks: 4,
            length: 0,
            text: None,
        },
        Payload::Socialise { ticks: 6 },
        Payload::Meal { energy: 0.25 },
        Payload::Attack { damage: 14 },
        Payload::Damage {
            amount: 14,
            health: 61.5,
        },
        Payload::LootDropped {
            wealth: 12,
            goods: 1,
        },
        Payload::LootPicked {
            wealth: 12,
            goods: 1,
        },
        Payload::IntentDenied(ruling("trade")),
        Payload::IntentMutated(ruling("step")),
        Payload::ReputationChanged {
            delta: -3,
            reputation: 40,
        },
        Payload::Grief {
            for_whom: 8,
            mood: -0.5,
        },
        Payload::Inheritance {
            wealth: 100,
            to_treasury: true,
        },
        Payload::LineageRegistered {
            child: 77,
            generation: 3,
        },
        Payload::Overcrowded {
            zone: 0,
            population: 300,
            cap: 250,
        },
        Payload::Migration {
            from_zone: 0,
            to_zone: 3,
        },
        Payload::Beat {
            beat: "epitaph".into(),
            salience: 90,
        },
        Payload::LifeStage {
            stage: crate::core::stat7::Horizon::Decay,
        },
        Payload::GoalAdopted {
            goal: crate::core::agent::story::GoalKind::Pilgrimage,
            until: 3000,
            zone: Some(2),
            aim: None,
        },
        Payload::GoalEnded {
            goal: crate::core::agent::story::GoalKind::Revenge,
            outcome: crate::core::agent::story::GoalOutcome::Abandoned,
            adopted: 12,
        },
        Payload::Gazette {
            zone: 1,
            births: 2,
            deaths: 3,
            arrivals: 4,
            departures: 5,
            feuds: 1,
        },
        Payload::Director {
            zone: 1,
            state: crate::core::scenario::director::DirectorState::BuildUp,
            act: crate::core::scenario::director::DirectorAct::Raid,
            tension: 2.5,
            low: 3.0,
            high: 30.0,
            budget: 12.25,
            monsters: 2,
        },
        Payload::Sifted(Box::new(crate::events::SiftMatch {
            pattern: "feud".into(),
            roles: [("a".to_string(), 3), ("b".to_string(), 4)].into(),
            events: vec![1, 2],
        })),
        Payload::Infected { zone: 1, plague: 9 },
        Payload::Recovered { plague: 9 },
    ]
}

#[test]
fn every_payload_reads_back_as_itself() {
    let payloads = every_payload();
    let kinds: std::collections::BTreeSet<_> = payloads.iter().map(|p| p.kind()).collect();
    assert_eq!(
        kinds.len(),
        crate::core::event::EVENT_KINDS.len(),
        "one of each kind"
    );
    for (i, payload) in payloads.into_iter().enumerate() {
        let e = Event {
            seq: i as u64 + 1,
            tick: 7,
            actor: Some(EntityId(3)),
            target: (i % 2 == 0).then_some(EntityId(4)),
            cause: Some(2),
            correlation: None,
            depth: 1,
            payload,
            handles: (None, None),
        };
        // Through the text the server sends, as a viewer receives it.
        let text = serde_json::to_string(&event_view(&e)).unwrap();
        let view: EventView = serde_json::from_str(&text).unwrap();
        assert_eq!(event(&view).as_ref(), Ok(&e), "{text}");
    }
}

#[test]
fn what_this_build_does_not_know_is_refused() {
    let view = |kind: &str, payload: serde_json::Value| EventView {
        kind: kind.into(),
        header: EventHeader {
            seq: 5,
            tick: 1,
            actor: None,
            target: None,
            cause: None,
            correlation: None,
            depth: 0,
        },
        payload,
    };
    use serde_json::json;
    let bad = [
        view("dance", json!({"kind": "dance"})),
        view("attack", json!({"kind": "attack"})),
        view("attack", json!({"kind": "attack", "damage": "lots"})),
        view("attack", json!({"kind": "departure", "wealth": 1})),
        view(
            "spawn",
            json!({"kind": "spawn", "agent": "dragon", "x": 0, "y": 0, "wealth": 0}),
        ),
        view(
            "intent_denied",
            json!({"kind": "intent_denied", "rule": "r", "reason": "x", "action": "fly"}),
        ),
        view("attack", json!([1, 2])),
    ];
    for v in bad {
        let err = event(&v).expect_err(&v.payload.to_string());
        assert!(err.starts_with("event 5:"), "{err}");
    }
}

#[test]
fn entities_need_known_names_and_zones() {
    let mut e = EntityView {
        id: 9,
        kind: "guard".into(),
        x: 3.0,
        y: 4.0,
        zone: 1,
        health: 120.0,
        wealth: 0,
        activity: "rest".into(),
    };
    let realm_of = |z: u16| (z == 1).then_some(Realm::Data);
    let a = agent(&e, realm_of).unwrap();
    assert_eq!(a.kind.name(), "guard");
    assert_eq!(
        (a.pos, a.realm, a.activity),
        (Vec2::new(3.0, 4.0), Realm::Data, Activity::Rest)
    );
    assert_eq!(a.health, 100.0, "clamped to the window's range");
    e.zone = 2;
    assert!(agent(&e, realm_of).unwrap_err().contains("zone 2"));
    e.zone = 1;
    e.activity = "juggle".into();
    assert!(agent(&e, realm_of).unwrap_err().contains("juggle"));
    e.activity = "rest".into();
    e.kind = "dragon".into();
    assert!(agent(&e, realm_of).unwrap_err().contains("dragon"));
    e.kind = "fighter".into();
    e.x = f32::NAN;
    assert!(agent(&e, realm_of).is_err());
}
