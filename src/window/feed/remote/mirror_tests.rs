//! Tests of [`super`]: the mirror follows snapshots and deltas, refuses
//! what does not add up, tells each kind of trouble once and stays bounded.

use super::*;
use crate::core::event::EventHeader;
use crate::core::protocol::{EventView, ZoneInfo};

fn world() -> WorldInfo {
    let zone = |id: u16, realm: &str| ZoneInfo {
        id,
        name: format!("z{id}"),
        realm: realm.into(),
        min: [0.0, 0.0],
        max: [10.0, 10.0],
        safe: false,
        pvp: false,
    };
    WorldInfo {
        scenario: "smoke".into(),
        seed: 7,
        size: [100.0, 50.0],
        zones: vec![zone(0, "data"), zone(1, "atlantis")],
    }
}

fn entity(id: u64, zone: u16) -> EntityView {
    EntityView {
        id,
        kind: "merchant".into(),
        x: id as f32,
        y: 1.0,
        zone,
        health: 50.0,
        wealth: 1,
        activity: "trade".into(),
    }
}

fn problems(a: &Applied) -> usize {
    a.notices
        .iter()
        .filter(|n| matches!(n, Notice::Problem(_)))
        .count()
}

#[test]
fn the_world_is_described_and_an_unknown_realm_is_told() {
    let (info, _, notices) = describe(&world(), "ws://h:1", false);
    assert_eq!(info.size, Vec2::new(100.0, 50.0));
    assert_eq!(info.zones[0].realm, Realm::Data);
    assert_eq!(info.zones[1].realm, Realm::Void);
    assert_eq!(info.ticks, None);
    assert!(info.title.contains("smoke"));
    assert_eq!(
        info.kind,
        SourceKind::Remote {
            url: "ws://h:1".into(),
            can_tune: false
        }
    );
    assert_eq!(notices.len(), 1, "{notices:?}");
}

#[test]
fn snapshots_replace_and_deltas_change_and_remove() {
    let (_, mut m, _) = describe(&world(), "ws://h:1", true);
    m.apply(ServerMsg::Snapshot {
        tick: 3,
        entities: vec![entity(5, 0), entity(2, 0), entity(9, 1)],
    });
    let f = m.frame();
    assert_eq!(f.tick, 3);
    let ids: Vec<u64> = f.agents.iter().map(|a| a.id).collect();
    assert_eq!(ids, vec![2, 5, 9], "sorted by id");
    let merchants = crate::core::agent::kinds::AgentKind::all()
        .find(|k| k.name() == "merchant")
        .unwrap();
    assert_eq!(f.stats.by_kind[merchants.index()], 3);
    let mut moved = entity(5, 0);
    moved.x = 40.0;
    m.apply(ServerMsg::Delta {
        tick: 4,
        changed: vec![moved, entity(11, 0)],
        removed: vec![2, 12345],
    });
    let f = m.frame();
    let ids: Vec<u64> = f.agents.iter().map(|a| a.id).collect();
    assert_eq!(ids, vec![5, 9, 11]);
    assert_eq!(f.agents[0].pos.x, 40.0);
    // A resync after `lagged` starts from nothing.
    let a = m.apply(ServerMsg::Lagged {
        tick: 6,
        dropped: 30,
    });
    assert_eq!(problems(&a), 1);
    m.apply(ServerMsg::Snapshot {
        tick: 6,
        entities: vec![entity(1, 0)],
    });
    assert_eq!(m.frame().agents.len(), 1);
    assert_eq!(m.frame().tick, 6);
}

#[test]
fn unreadable_entities_and_bad_heatmaps_are_counted_and_told_once() {
    let (_, mut m, _) = describe(&world(), "ws://h:1", true);
    m.apply(ServerMsg::Snapshot {
        tick: 1,
        entities: vec![entity(1, 0)],
    });
    let mut bad = entity(1, 0);
    bad.kind = "dragon".into();
    let a = m.apply(ServerMsg::Delta {
        tick: 2,
        changed: vec![bad.clone(), entity(2, 77)],
        removed: vec![],
    });
    assert_eq!(problems(&a), 1, "once, however many");
    assert_eq!(m.unreadable_entities, 2);
    assert!(
        m.is_empty(),
        "an entity that became unreadable is not left drawn"
    );
    let heat = |cols, rows, n| ServerMsg::Heatmap {
        tick: 2,
        cols,
        rows,
        cell: 1.0,
        counts: vec![1; n],
    };
    assert_eq!(problems(&m.apply(heat(2, 3, 6))), 0);
    assert_eq!(m.frame().heat.counts.len(), 6);
    assert_eq!(problems(&m.apply(heat(2, 3, 5))), 1);
    assert_eq!(
        problems(&m.apply(heat(u32::MAX, u32::MAX, 1))),
        0,
        "told already"
    );
    assert_eq!(problems(&m.apply(heat(0, 0, 0))), 0);
    assert_eq!(m.bad_heatmaps, 3);
    assert_eq!(
        (m.frame().heat.cols, m.frame().heat.rows),
        (2, 3),
        "the good one stays"
    );
}

#[test]
fn events_carry_their_actors_zone_and_metrics_give_a_ticks_count() {
    let (_, mut m, _) = describe(&world(), "ws://h:1", true);
    m.apply(ServerMsg::Snapshot {
        tick: 1,
        entities: vec![entity(4, 1)],
    });
    let view = |seq, kind: &str, payload| EventView {
        kind: kind.into(),
        header: EventHeader {
            seq,
            tick: 2,
            actor: Some(4),
            target: None,
            cause: None,
            correlation: None,
            depth: 0,
        },
        payload,
    };
    let a = m.apply(ServerMsg::Events {
        tick: 2,
        events: vec![
            view(
                1,
                "attack",
                serde_json::json!({"kind": "attack", "damage": 3}),
            ),
            view(2, "attack", serde_json::json!({"kind": "attack"})),
        ],
        tick_end_us: None,
    });
    assert_eq!(a.events.len(), 1);
    assert_eq!(a.events[0].zone, Some(ZoneId(1)));
    assert_eq!(m.unreadable_events, 1);
    assert_eq!(problems(&a), 1);
    let metrics = |tick, events| ServerMsg::Metrics {
        tick,
        population: 30,
        events,
        tick_ms: 1.5,
        connections: 1,
    };
    m.apply(metrics(2, 100));
    m.apply(metrics(3, 140));
    let f = m.frame();
    assert_eq!(
        (f.stats.population, f.stats.events, f.stats.tick_ms),
        (30, 40, 1.5)
    );
    assert_eq!(f.tick, 3);
}

#[test]
fn the_mirror_is_bounded() {
    let (_, mut m, _) = describe(&world(), "ws://h:1", true);
    m.limit = 3;
    let a = m.apply(ServerMsg::Snapshot {
        tick: 1,
        entities: (1..=5).map(|id| entity(id, 0)).collect(),
    });
    assert_eq!(m.len(), 3);
    assert_eq!((m.left_out, problems(&a)), (2, 1));
    // Those already in still change.
    let mut moved = entity(1, 0);
    moved.y = 9.0;
    m.apply(ServerMsg::Delta {
        tick: 2,
        changed: vec![moved],
        removed: vec![],
    });
    assert_eq!(m.frame().agents[0].pos.y, 9.0);
}
