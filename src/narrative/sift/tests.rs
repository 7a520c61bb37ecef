//! The engine on hand-made events: stages bind roles and keep windows,
//! `unless` ends a wait, two roles are never one agent, `caused_by` ties a
//! stage to its cause, one story completed twice at one event is told
//! once, and a full pool evicts its oldest partial without growing.

use super::*;
use crate::core::event::EventKind;
use crate::core::scenario::patterns::Pattern;

fn pattern(text: &str) -> Pattern {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .expect("pattern parses")
}

fn feud() -> Pattern {
    pattern(
        r#"(name: "feud", title: "{a} and {b}", stages: [
            (kind: attack, actor: "a", target: "b", say: "x"),
            (kind: attack, actor: "b", target: "a", within: 10, say: "x"),
        ], unless: [(kind: death, actor: "a", from: 0, to: 1)])"#,
    )
}

fn ev(seq: u64, tick: u64, kind: EventKind, actor: u64, target: u64) -> SiftEvent {
    SiftEvent {
        seq,
        tick,
        kind: Some(kind),
        actor: Some(actor),
        target: Some(target),
        ..SiftEvent::default()
    }
}

fn run(s: &mut Sifter, events: &[SiftEvent]) -> Vec<Found> {
    let mut out = Vec::new();
    for e in events {
        s.feed(e, &mut out);
    }
    out
}

#[test]
fn a_story_completes_with_its_roles_and_its_stage_events() {
    let mut s = Sifter::new(&[feud()], None).expect("compiles");
    let found = run(
        &mut s,
        &[
            ev(1, 1, EventKind::Attack, 10, 20),
            ev(2, 2, EventKind::Attack, 30, 10),
            ev(3, 3, EventKind::Attack, 20, 10),
        ],
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].roles, vec![10, 20]);
    assert_eq!(found[0].events, vec![1, 3]);
    assert_eq!(
        s.pool_len(),
        2,
        "the blows of 20 on 10 and 30 on 10 still wait"
    );
}

#[test]
fn a_closed_window_or_an_unless_ends_the_wait() {
    let mut s = Sifter::new(&[feud()], None).expect("compiles");
    let late = run(
        &mut s,
        &[
            ev(1, 1, EventKind::Attack, 10, 20),
            ev(2, 12, EventKind::Attack, 20, 10),
        ],
    );
    assert!(late.is_empty(), "11 ticks after is outside a window of 10");
    assert_eq!(s.stats.expired, 1);
    let mut s = Sifter::new(&[feud()], None).expect("compiles");
    let vetoed = run(
        &mut s,
        &[
            ev(1, 1, EventKind::Attack, 10, 20),
            ev(2, 2, EventKind::Death, 10, 99),
            ev(3, 3, EventKind::Attack, 20, 10),
        ],
    );
    assert!(vetoed.is_empty());
    assert_eq!(s.stats.vetoed, 1);
}

#[test]
fn two_roles_are_never_one_agent_and_caused_by_is_the_stage_event() {
    let p = pattern(
        r#"(name: "p", title: "{a}", stages: [
            (kind: death, actor: "a", say: "x"),
            (kind: grief, actor: "g", target: "a", caused_by: 0, within: 5, say: "x"),
        ])"#,
    );
    let mut s = Sifter::new(&[p], None).expect("compiles");
    let mut grief = ev(3, 1, EventKind::Grief, 5, 5);
    grief.cause = Some(1);
    let mut other = ev(4, 1, EventKind::Grief, 6, 5);
    other.cause = Some(2);
    let mut right = ev(5, 1, EventKind::Grief, 7, 5);
    right.cause = Some(1);
    let found = run(
        &mut s,
        &[ev(1, 1, EventKind::Death, 5, 0), grief, other, right],
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].roles, vec![5, 7]);
}

#[test]
fn a_story_completed_twice_at_one_event_is_told_once() {
    let mut s = Sifter::new(&[feud()], None).expect("compiles");
    let found = run(
        &mut s,
        &[
            ev(1, 1, EventKind::Attack, 10, 20),
            ev(2, 2, EventKind::Attack, 10, 20),
            ev(3, 3, EventKind::Attack, 20, 10),
        ],
    );
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].events,
        vec![1, 3],
        "told from its earliest beginning"
    );
}

#[test]
fn a_full_pool_evicts_its_oldest_and_stays_bounded() {
    let mut s = Sifter::new(&[feud()], Some(4)).expect("compiles");
    s.evictions = Some(Vec::new());
    let blows: Vec<SiftEvent> = (0..10_000)
        .map(|i| ev(i + 1, 1 + i / 100, EventKind::Attack, 1000 + i, 5000 + i))
        .collect();
    assert!(run(&mut s, &blows).is_empty());
    assert_eq!(s.pool_len(), 4);
    assert_eq!(s.stats.evicted + s.stats.expired, 10_000 - 4);
    let evicted = s.evictions.as_ref().expect("kept");
    assert_eq!(evicted.first(), Some(&(0, 1)), "the oldest goes first");
    assert!(
        s.queued() <= 3 * 4 + 3 * 1024,
        "queues stay bounded: {}",
        s.queued()
    );
    // The newest partial still completes.
    let found = run(
        &mut s,
        &[ev(
            20_000,
            101,
            EventKind::Attack,
            5000 + 9_999,
            1000 + 9_999,
        )],
    );
    assert_eq!(found.len(), 1);
}

#[test]
fn a_pattern_the_sifter_cannot_index_is_refused() {
    let p = pattern(
        r#"(name: "p", title: "{a}", stages: [
            (kind: attack, actor: "a", say: "x"),
            (kind: attack, actor: "b", within: 5, say: "x"),
        ])"#,
    );
    let e = Sifter::new(&[p], None).err().expect("refused");
    assert!(
        e.contains("stages[1]") && e.contains("nothing to find it by"),
        "{e}"
    );
}
