//! The interpreter's rules without an app: a stage made up here stands for
//! the world, replies and events are built by hand.

use std::sync::Arc;

use super::cast::{Actor, Directory, Status};
use super::observe::observe;
use super::script::{Stage, advance};
use crate::core::agent::EntityId;
use crate::core::protocol::Decision;
use crate::core::scenario::ActorSpec;
use crate::core::scenario::actor_program::Program;
use crate::core::scenario::checks::Field;
use crate::events::{Event, Payload};
use crate::input::{ACTOR_SESSIONS, Input, Reply};

/// A world of fixed fields; `panic_on` makes reading that field panic.
struct FakeStage {
    tick: u64,
    wealth: f64,
    panic_on: Option<Field>,
    sent: Vec<Input>,
}

impl Stage for FakeStage {
    fn tick(&self) -> u64 {
        self.tick
    }
    fn field(&self, _: EntityId, field: Field) -> Option<f64> {
        if self.panic_on == Some(field) {
            panic!("the world caught fire");
        }
        Some(self.wealth)
    }
    fn zone(&self, name: &str) -> Option<u16> {
        (name == "market").then_some(1)
    }
    fn send(&mut self, input: Input) {
        self.sent.push(input);
    }
}

fn stage() -> FakeStage {
    FakeStage {
        tick: 1,
        wealth: 100.0,
        panic_on: None,
        sent: Vec::new(),
    }
}

fn actor(index: usize, spec: &str) -> Actor {
    let spec: ActorSpec = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(spec)
        .unwrap();
    let program = Program::compile(&format!("actors[{index}]"), &spec.steps).unwrap();
    let mut a = Actor::new(index, &spec, program);
    // In the world already, as entity 100 + index.
    a.entity = Some(EntityId(100 + index as u64));
    a.entered = Some(0);
    a.status = Status::Ready;
    a
}

fn ack(session: u64, req_id: u64, decision: Decision, rule: Option<&str>) -> Reply {
    Reply::Ack {
        session,
        req_id,
        decision,
        rule: rule.map(str::to_string),
        reason: rule.map(|_| "because".to_string()),
        seq: None,
        tick: 1,
    }
}

fn chat(seq: u64, from: u64, to: u64, text: &str) -> Event {
    Event {
        seq,
        tick: 1,
        actor: Some(EntityId(from)),
        target: Some(EntityId(to)),
        cause: None,
        correlation: None,
        depth: 0,
        payload: Payload::Chat {
            ticks: 5,
            length: text.len() as u16,
            text: Some(Arc::from(text)),
        },
        handles: (None, None),
    }
}

#[test]
fn a_panicking_step_is_contained_and_the_others_go_on() {
    let mut brave = actor(
        0,
        r#"(name: "brave", kind: trader, on_error: continue, steps: [
            Assert(field: health, expect: "> 0"),
            Assert(field: wealth, expect: ">= 100"),
        ])"#,
    );
    let mut calm = actor(
        1,
        r#"(name: "calm", kind: trader, steps: [Assert(field: wealth, expect: ">= 100")])"#,
    );
    let mut st = stage();
    st.panic_on = Some(Field::Health);
    let dir = Directory::new();
    advance(&mut brave, &mut st, &dir);
    advance(&mut calm, &mut st, &dir);
    assert_eq!(brave.errors.len(), 1, "{:?}", brave.errors);
    let e = &brave.errors[0];
    assert_eq!(e.step, "actors[0].steps[0]");
    assert_eq!(e.tick, 1);
    assert!(
        e.cause.contains("panicked") && e.cause.contains("caught fire"),
        "{}",
        e.cause
    );
    // on_error: continue — the next step ran and passed; the script ended
    // and its teardown ran: the actor left with its session.
    assert_eq!(brave.steps_done, 1);
    assert_eq!(brave.status, Status::Gone);
    assert!(calm.errors.is_empty());
    assert_eq!(calm.steps_done, 1);
    let left: Vec<u64> = st
        .sent
        .iter()
        .filter_map(|i| match i {
            Input::Logout { session } => Some(*session),
            _ => None,
        })
        .collect();
    assert_eq!(left, [ACTOR_SESSIONS, ACTOR_SESSIONS + 1]);
}

#[test]
fn stop_on_error_ends_the_script_and_says_where() {
    let mut a = actor(
        0,
        r#"(name: "a", kind: trader, steps: [
            Assert(field: wealth, expect: "> 500"),
            Assert(field: wealth, expect: "> 0"),
        ])"#,
    );
    let mut st = stage();
    advance(&mut a, &mut st, &Directory::new());
    assert!(a.stopped);
    assert_eq!(a.steps_done, 0);
    assert!(
        a.errors[0]
            .cause
            .contains("wealth of entity 100 is 100, expected > 500")
    );
}

#[test]
fn a_denial_by_a_listed_rule_is_retried_then_reported() {
    let mut a = actor(
        0,
        r#"(name: "a", kind: chatter, steps: [
            Say(to: Me, text: "hi", retry: (times: 2, after_ticks: 3, on_rules: ["chat_spam"])),
        ])"#,
    );
    let mut st = stage();
    let dir = Directory::new();
    let mut req = 0;
    for attempt in 0..3 {
        advance(&mut a, &mut st, &dir);
        let Some(Input::Act { req_id, .. }) = st.sent.last() else {
            panic!("attempt {attempt} sent nothing: {:?}", a.status)
        };
        assert!(*req_id > req, "each attempt is a new request");
        req = *req_id;
        observe(
            &mut a,
            st.tick,
            &[ack(
                ACTOR_SESSIONS,
                req,
                Decision::Denied,
                Some("chat_spam"),
            )],
            &[],
            &dir,
        );
        if attempt < 2 {
            assert_eq!(a.status, Status::Backoff { until: st.tick + 3 });
            // Nothing happens before the backoff ends.
            st.tick += 1;
            let sent = st.sent.len();
            advance(&mut a, &mut st, &dir);
            assert_eq!(st.sent.len(), sent);
            st.tick += 2;
        }
    }
    assert_eq!(a.errors.len(), 1);
    assert_eq!(a.errors[0].attempts, 3);
    assert!(a.errors[0].cause.contains("denied by chat_spam"));
    // A denial by another rule is not retried.
    let mut b = actor(
        1,
        r#"(name: "b", kind: chatter, steps: [
            Say(to: Me, text: "hi", retry: (times: 2, on_rules: ["chat_spam"])),
        ])"#,
    );
    advance(&mut b, &mut st, &dir);
    observe(
        &mut b,
        st.tick,
        &[ack(
            ACTOR_SESSIONS + 1,
            1,
            Decision::Denied,
            Some("interaction_range"),
        )],
        &[],
        &dir,
    );
    assert_eq!(b.errors.len(), 1);
    assert_eq!(b.errors[0].attempts, 1);
}

#[test]
fn expected_denials_pass_and_surprises_fail() {
    let spec = r#"(name: "t", kind: griefer, on_error: continue, steps: [
        Act(action: attack, with: Entity(7), expect: denied, rule: "safe_zones"),
        Act(action: attack, with: Entity(7), expect: denied, rule: "safe_zones"),
        Act(action: attack, with: Entity(7), expect: denied),
    ])"#;
    let mut a = actor(0, spec);
    let mut st = stage();
    let dir = Directory::new();
    let answers = [
        (Decision::Denied, Some("safe_zones")),
        (Decision::Denied, Some("interaction_range")),
        (Decision::Permitted, None),
    ];
    for (i, (d, rule)) in answers.into_iter().enumerate() {
        advance(&mut a, &mut st, &dir);
        observe(
            &mut a,
            st.tick,
            &[ack(ACTOR_SESSIONS, i as u64 + 1, d, rule)],
            &[],
            &dir,
        );
        st.tick += 1;
    }
    let causes: Vec<&str> = a.errors.iter().map(|e| e.cause.as_str()).collect();
    assert_eq!(causes.len(), 2, "{causes:?}");
    assert!(causes[0].contains("expected a denial by safe_zones"));
    assert!(causes[1].contains("expected a denial"));
    assert_eq!(a.steps_done, 1);
}

#[test]
fn waits_end_on_their_message_or_time_out() {
    let mut a = actor(
        0,
        r#"(name: "a", kind: trader, on_error: continue, steps: [
            WaitMessage(from: Actor("b"), regex: "^[0-9]+ coins$", timeout_ticks: 5, remember: "seller"),
            Say(to: Remembered("seller"), text: "deal"),
            WaitEvent(kind: "trade", timeout_ticks: 2),
        ])"#,
    );
    let mut dir = Directory::new();
    dir.insert("b".into(), EntityId(7));
    let mut st = stage();
    advance(&mut a, &mut st, &dir);
    assert!(matches!(a.status, Status::Waiting { .. }));
    // Words from someone else, and the wrong words from b, do not end it.
    let noise = [
        chat(1, 8, 100, "12 coins"),
        chat(2, 7, 100, "hello"),
        chat(3, 7, 101, "3 coins"),
    ];
    observe(&mut a, 1, &[], &noise, &dir);
    assert!(matches!(a.status, Status::Waiting { .. }));
    assert_eq!(a.inbox.len(), 2, "only chats aimed at it arrive");
    observe(&mut a, 2, &[], &[chat(4, 7, 100, "3 coins")], &dir);
    assert_eq!(a.status, Status::Ready);
    assert_eq!(a.memory.get("seller"), Some(&EntityId(7)));
    st.tick = 3;
    advance(&mut a, &mut st, &dir);
    let Some(Input::Act { action, .. }) = st.sent.last() else {
        panic!("no say")
    };
    assert_eq!(action.args.with, Some(7));
    observe(
        &mut a,
        3,
        &[ack(ACTOR_SESSIONS, 1, Decision::Permitted, None)],
        &[],
        &dir,
    );
    st.tick = 4;
    advance(&mut a, &mut st, &dir);
    observe(&mut a, 5, &[], &[], &dir);
    assert!(a.errors.is_empty());
    observe(&mut a, 6, &[], &[], &dir);
    assert_eq!(a.errors.len(), 1);
    assert_eq!(a.errors[0].step, "actors[0].steps[2]");
    assert!(
        a.errors[0].cause.contains("timed out after 2 ticks"),
        "{}",
        a.errors[0].cause
    );
}

#[test]
fn a_full_inbox_drops_its_oldest_message() {
    let mut a = actor(
        0,
        r#"(name: "a", kind: trader, inbox: 2, steps: [WaitEvent(kind: "trade", timeout_ticks: 100)])"#,
    );
    let dir = Directory::new();
    let words = [
        chat(1, 7, 100, "one"),
        chat(2, 7, 100, "two"),
        chat(3, 7, 100, "three"),
    ];
    observe(&mut a, 1, &[], &words, &dir);
    let texts: Vec<&str> = a.inbox.iter().map(|m| &*m.text).collect();
    assert_eq!(texts, ["two", "three"]);
    assert_eq!((a.received, a.inbox_dropped), (3, 1));
}

#[test]
fn repeats_run_their_rounds_and_endless_loops_yield() {
    let mut a = actor(
        0,
        r#"(name: "a", kind: trader, steps: [
            Repeat(times: 3, steps: [Assert(field: wealth, expect: "> 0")]),
            Repeat(steps: [Assert(field: wealth, expect: "> 0")]),
        ])"#,
    );
    let mut st = stage();
    advance(&mut a, &mut st, &Directory::new());
    assert!(a.errors.is_empty());
    // Three rounds of the first loop, then the endless one until the
    // tick's op budget ran out; it goes on next tick.
    assert!(a.steps_done > 3 && a.steps_done < super::script::OPS_PER_TICK as u64);
    assert_eq!(a.status, Status::Ready);
    let before = a.steps_done;
    advance(&mut a, &mut st, &Directory::new());
    assert!(a.steps_done > before);
}
