//! Tests of [`super`]: the ring (bound, filters, chains) and the event line; no window needed.

use super::*;
use crate::core::agent::EntityId;
use crate::events::Payload;

fn event(seq: u64, cause: Option<u64>, actor: u64, payload: Payload) -> Event {
    Event {
        seq,
        tick: seq / 10,
        actor: Some(EntityId(actor)),
        target: None,
        cause,
        correlation: None,
        depth: u8::from(cause.is_some()),
        payload,
        handles: (None, None),
    }
}

fn attack(seq: u64, cause: Option<u64>, actor: u64) -> Event {
    event(seq, cause, actor, Payload::Attack { damage: 3 })
}

#[test]
fn the_ring_is_bounded_and_drops_the_oldest() {
    let mut ring = EventRing::new(3);
    for seq in 1..=5 {
        ring.push(attack(seq, None, 1), None);
    }
    assert_eq!(ring.len(), 3);
    assert_eq!(ring.dropped, 2);
    assert!(ring.get(2).is_none());
    assert_eq!(ring.get(3).unwrap().event.seq, 3);
    let newest_first: Vec<u64> = ring
        .filtered(&Filter::default())
        .into_iter()
        .map(|i| ring.at(i).unwrap().event.seq)
        .collect();
    assert_eq!(newest_first, [5, 4, 3]);
}

#[test]
fn filters_by_kind_zone_and_entity() {
    let mut ring = EventRing::new(10);
    ring.push(attack(1, None, 7), Some(ZoneId(0)));
    ring.push(
        event(2, None, 8, Payload::Meal { energy: 1.0 }),
        Some(ZoneId(1)),
    );
    let mut e = attack(3, None, 9);
    e.target = Some(EntityId(7));
    ring.push(e, None);
    let seqs = |f: Filter| -> Vec<u64> {
        ring.filtered(&f)
            .into_iter()
            .map(|i| ring.at(i).unwrap().event.seq)
            .collect()
    };
    let kind = Filter {
        kind: Some(EventKind::Attack),
        ..Filter::default()
    };
    assert_eq!(seqs(kind), [3, 1]);
    let zone = Filter {
        zone: Some(ZoneId(1)),
        ..Filter::default()
    };
    assert_eq!(seqs(zone), [2]);
    let entity = Filter {
        entity: Some(7),
        ..Filter::default()
    };
    assert_eq!(seqs(entity), [3, 1], "actor or target");
    let both = Filter {
        kind: Some(EventKind::Meal),
        entity: Some(7),
        ..Filter::default()
    };
    assert!(seqs(both).is_empty());
    assert!(line(ring.get(2).unwrap()).contains("meal"));
    assert!(line(ring.get(2).unwrap()).contains("energy=1.0"));
    let spawn = Logged {
        event: event(
            9,
            None,
            4,
            Payload::Spawn {
                agent: "trader",
                x: 162.830_93,
                y: 5.0,
                wealth: 74,
            },
        ),
        zone: None,
    };
    let text = line(&spawn);
    assert!(text.contains("4->—"), "{text}");
    assert!(
        text.contains("agent=\"trader\" wealth=74 x=162.8 y=5.0"),
        "{text}"
    );
}

#[test]
fn the_chain_follows_causes_back_and_effects_forward_while_kept() {
    let mut ring = EventRing::new(5);
    // 1 → 2 → 3 → {4, 6}, 5 unrelated, 6 → 7; 1 is dropped when 7 comes.
    ring.push(attack(1, None, 1), None);
    ring.push(attack(2, Some(1), 1), None);
    ring.push(attack(3, Some(2), 1), None);
    ring.push(attack(4, Some(3), 1), None);
    ring.push(attack(5, None, 2), None);
    ring.push(attack(6, Some(3), 1), None);
    ring.push(attack(7, Some(6), 1), None);
    let seqs = |v: Vec<&Logged>| v.iter().map(|l| l.event.seq).collect::<Vec<_>>();
    assert_eq!(
        seqs(ring.causes(4)),
        [3],
        "2 was dropped, the chain stops there"
    );
    assert_eq!(seqs(ring.causes(7)), [6, 3]);
    assert_eq!(seqs(ring.effects(3)), [4, 6, 7]);
    assert!(ring.effects(5).is_empty());
    assert!(ring.effects(1).is_empty(), "not kept");
}

#[test]
fn a_directors_decision_reads_in_words_and_filters_by_kind_and_its_zone() {
    use crate::core::scenario::director::DirectorAct;
    use crate::window::feed::stated_zone;
    use crate::window::tension::tests::{decision, zones};
    let mut ring = EventRing::new(10);
    ring.push(attack(1, None, 7), Some(ZoneId(1)));
    let raid = decision(2, 30, 1, DirectorAct::Raid, 2.0);
    // Where the sources place it: the zone it names (it has no actor).
    let zone = stated_zone(&raid.payload).map(ZoneId);
    assert_eq!(zone, Some(ZoneId(1)));
    ring.push(raid, zone);
    ring.push(
        decision(3, 40, 2, DirectorAct::Withdraw, 12.0),
        Some(ZoneId(2)),
    );
    let seqs = |f: Filter| -> Vec<u64> {
        ring.filtered(&f)
            .into_iter()
            .map(|i| ring.at(i).unwrap().event.seq)
            .collect()
    };
    let director = Filter {
        kind: Some(EventKind::Director),
        ..Filter::default()
    };
    assert_eq!(seqs(director.clone()), [3, 2]);
    let in_valley = Filter {
        zone: Some(ZoneId(1)),
        ..director
    };
    assert_eq!(seqs(in_valley), [2]);
    let text = line_in(ring.get(2).unwrap(), &zones());
    assert!(text.contains("director"), "{text}");
    assert!(
        text.ends_with(
            "valley: raid, 3 monsters (build_up; tension 2.0 below band 5.0..30.0; 14.0 points)"
        ),
        "uncut, the zone by name: {text}"
    );
    let text = line_in(ring.get(3).unwrap(), &zones());
    assert!(text.contains("march: withdraw raiders"), "{text}");
    assert!(text.contains("in band"), "{text}");
    // Without the zones' names, the id.
    assert!(line(ring.get(3).unwrap()).contains("#2: withdraw"));
}
