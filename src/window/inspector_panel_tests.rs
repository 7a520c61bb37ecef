use serde_json::json;

use super::*;
use crate::core::agent::EntityId;
use crate::events::{Event, Payload};
use crate::run::{Pace, RunConfig, Simulation};

/// What a real simulation answers for one of its entities.
fn answered() -> serde_json::Value {
    let text = include_str!("../../scenarios/smoke.ron");
    let scenario = crate::core::scenario::parse_str("smoke.ron", text).expect("the smoke scenario");
    let mut sim = Simulation::new(&scenario, &RunConfig::seeded(7), Pace::Fast);
    for _ in 0..5 {
        sim.step();
    }
    let id = (1..100)
        .find(|id| super::super::feed::observe::inspect(sim.world_mut(), *id).is_some())
        .expect("some entity");
    let v = super::super::feed::observe::inspect(sim.world_mut(), id).expect("it");
    (*v).clone()
}

#[test]
fn the_sources_entity_object_reads_whole() {
    let v = answered();
    let i = Inspected::read(&v).expect("readable");
    assert_eq!(i.id, v["id"].as_u64().unwrap());
    assert_eq!(i.kind, v["kind"].as_str().unwrap());
    assert_eq!(i.zone, v["zone"].as_u64().map(|z| z as u16));
    let p = i.position.expect("a position");
    assert_eq!(p.x, v["position"]["x"].as_f64().unwrap());
    assert!(i.vitals.expect("vitals").health > 0.0);
    assert!(i.purse.is_some() && i.standing.is_some() && i.activity.is_some());
    assert_eq!(
        i.life.expect("life").generation,
        v["life"]["generation"].as_u64().unwrap() as u32
    );
    let s = i.stat7.expect("stat7");
    assert_eq!(s.realm, v["stat7"]["realm"].as_str().unwrap());
    assert_eq!(s.address.as_deref(), v["stat7"]["address"].as_str());
    assert!(s.address.is_some() && s.uri.is_some());
    assert_eq!(
        i.relationships.len(),
        v["relationships"].as_array().unwrap().len()
    );
    let story = i.story.expect("a story");
    assert_eq!(story.name, v["story"]["name"].as_str().unwrap());
    assert!(story.name.len() >= 3);
    assert!(story.traits.is_some());
    assert_eq!(story.tallies.len(), 8, "every tally, named");
}

#[test]
fn fields_a_source_leaves_out_are_none_not_errors() {
    let i = Inspected::read(&json!({"id": 4, "kind": "guard",
        "relationships": [{"id": 9, "affinity": -3}]}))
    .expect("readable");
    assert_eq!(i.id, 4);
    assert_eq!(i.vitals, None);
    assert_eq!(i.stat7, None);
    assert_eq!(
        i.relationships,
        vec![Relationship {
            id: 9,
            affinity: -3.0
        }]
    );
    assert!(Inspected::read(&json!({"id": "four"})).is_err());
}

#[test]
fn the_view_tells_shown_waiting_and_gone_apart() {
    let four = json!({"id": 4, "kind": "guard"});
    assert!(matches!(view(4, Some(&four), true), View::Shown(i) if i.id == 4));
    // Still the previous pick's answer.
    assert_eq!(view(5, Some(&four), true), View::Waiting);
    assert_eq!(view(5, None, true), View::Waiting);
    assert_eq!(view(5, None, false), View::Gone);
    assert_eq!(view(5, Some(&four), false), View::Gone);
    assert!(matches!(
        view(4, Some(&json!({"id": []})), true),
        View::Unreadable(_)
    ));
}

#[test]
fn an_event_leads_to_its_other_party() {
    let event = |actor: Option<u64>, target: Option<u64>| Event {
        seq: 1,
        tick: 1,
        actor: actor.map(EntityId),
        target: target.map(EntityId),
        cause: None,
        correlation: None,
        depth: 0,
        payload: Payload::Attack { damage: 1 },
        handles: (None, None),
    };
    assert_eq!(other_party(&event(Some(1), Some(2)), 1), Some(2));
    assert_eq!(other_party(&event(Some(1), Some(2)), 2), Some(1));
    assert_eq!(other_party(&event(Some(1), None), 1), None);
    assert_eq!(other_party(&event(None, Some(1)), 1), None);
}
