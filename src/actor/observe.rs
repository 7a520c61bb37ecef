//! What actors learn from a finished tick (the Record stage, once acks are
//! made): welcomes and acks for their sessions, chats with words aimed at
//! them (into their inboxes), and the events their waits look for. Waits
//! are driven by these events alone: nothing sleeps, and a timeout is a
//! number of ticks.

use super::cast::{Actor, Directory, Message, Status, StepError};
use super::script::{Failure, fail, finish_step, guarded, judge_ack, resolve};
use crate::core::agent::EntityId;
use crate::core::scenario::actor_program::Code;
use crate::core::scenario::{Step, Who};
use crate::events::{Event, Payload};
use crate::input::Reply;

/// Whether `who` (if given) is `id`; a name that resolves to nothing
/// matches nothing.
fn is(actor: &Actor, dir: &Directory, who: &Option<Who>, id: Option<EntityId>) -> bool {
    match who {
        None => true,
        Some(w) => resolve(actor, dir, w).is_ok_and(|e| Some(e) == id),
    }
}

/// Takes the first inbox message the current wait accepts, remembering its
/// sender if asked; `true` if there was one.
pub fn take_message(actor: &mut Actor, dir: &Directory) -> bool {
    let Some(op) = actor.program.ops.get(actor.pc) else {
        return false;
    };
    let (Code::WaitMessage(pattern), Step::WaitMessage { remember, .. }) = (&op.code, &op.step)
    else {
        return false;
    };
    let found = actor
        .inbox
        .iter()
        .position(|m| is(actor, dir, &pattern.from, Some(m.from)) && pattern.says(&m.text));
    let Some(i) = found else {
        return false;
    };
    let remember = remember.clone();
    if let Some(m) = actor.inbox.remove(i)
        && let Some(key) = remember
    {
        actor.memory.insert(key, m.from);
    }
    true
}

/// Whether `e` is what the current event wait looks for; remembers its actor.
fn take_event(actor: &mut Actor, dir: &Directory, e: &Event) -> bool {
    let Some(Step::WaitEvent {
        kind,
        actor: by,
        target,
        remember,
        ..
    }) = actor.program.ops.get(actor.pc).map(|o| &o.step)
    else {
        return false;
    };
    let hit = e.payload.kind().as_str() == kind
        && is(actor, dir, by, e.actor)
        && is(actor, dir, target, e.target);
    if hit
        && let Some(key) = remember.clone()
        && let Some(who) = e.actor
    {
        actor.memory.insert(key, who);
    }
    hit
}

/// Follows one finished tick for one actor.
/// Returns the messages delivered to it this tick.
pub fn observe(
    actor: &mut Actor,
    tick: u64,
    replies: &[Reply],
    events: &[Event],
    dir: &Directory,
) -> Vec<Message> {
    let mut delivered = Vec::new();
    let session = actor.session;
    for reply in replies.iter().filter(|r| r.session() == session) {
        match (reply, actor.status) {
            (Reply::Welcome { entity, .. }, Status::Entering) => {
                actor.entity = Some(EntityId(*entity));
                actor.entered = Some(tick);
                actor.status = Status::Ready;
            }
            (Reply::Refused { refusal, .. }, Status::Entering) => {
                actor.record_error(StepError {
                    actor: actor.name.clone(),
                    step: format!("actors[{}]", actor.index),
                    label: "enter".into(),
                    tick,
                    cause: refusal.message.clone(),
                    attempts: 1,
                });
                actor.stopped = true;
                actor.status = Status::Gone;
            }
            (
                Reply::Ack {
                    req_id,
                    decision,
                    rule,
                    reason,
                    ..
                },
                Status::Acting { req_id: want, .. },
            ) if *req_id == want => {
                let step = actor.program.ops[actor.pc].step.clone();
                match judge_ack(&step, *decision, rule.as_deref(), reason.as_deref()) {
                    Ok(()) => {
                        finish_step(actor);
                        // An action that lasts holds the script until it is over.
                        if let Step::Act { ticks: Some(n), .. } = step
                            && *decision != crate::core::protocol::Decision::Denied
                        {
                            actor.status = Status::Busy {
                                until: tick + n as u64,
                            };
                        }
                    }
                    Err(f) => fail(actor, tick, f),
                }
            }
            (Reply::Refused { refusal, .. }, Status::Acting { req_id: want, .. })
                if refusal.req_id == Some(want) =>
            {
                fail(actor, tick, refusal.message.clone().into());
            }
            _ => {}
        }
    }
    if let Some(me) = actor.entity {
        for e in events {
            if let Payload::Chat {
                text: Some(text), ..
            } = &e.payload
                && e.target == Some(me)
                && let Some(from) = e.actor
            {
                let m = Message {
                    tick,
                    seq: e.seq,
                    from,
                    text: text.clone(),
                };
                delivered.push(m.clone());
                actor.deliver(m);
            }
        }
    }
    let outcome = guarded(|| Ok(follow_wait(actor, tick, events, dir)));
    match outcome {
        Ok(Some(f)) | Err(f) => fail(actor, tick, f),
        Ok(None) => {}
    }
    delivered
}

/// Ends the current wait if what it waits for came, or fails it at its
/// deadline; `Some` is the failure.
fn follow_wait(actor: &mut Actor, tick: u64, events: &[Event], dir: &Directory) -> Option<Failure> {
    match actor.status {
        Status::Waiting { since, deadline } => {
            let met = match actor.program.ops.get(actor.pc).map(|o| &o.code) {
                Some(Code::WaitMessage(_)) => take_message(actor, dir),
                Some(Code::Step(Step::WaitEvent { .. })) => {
                    events.iter().any(|e| take_event(actor, dir, e))
                }
                _ => false,
            };
            if met {
                finish_step(actor);
                None
            } else if tick >= deadline {
                let label = actor.program.ops[actor.pc].step.label();
                Some(format!("timed out after {} ticks ({label})", deadline - since).into())
            } else {
                None
            }
        }
        Status::Acting { deadline, req_id } if tick >= deadline => {
            Some(format!("no answer to request {req_id} by tick {deadline}").into())
        }
        _ => None,
    }
}
