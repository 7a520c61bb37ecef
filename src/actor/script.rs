//! Running scripts. At each tick's Input stage every actor runs its steps
//! until one has to wait (for an ack, a message, an event, a retry), and
//! what it does becomes inputs like a client's. Each step runs inside its
//! own error boundary: a failure or even a panic is recorded with its
//! context and the actor goes on or stops per its `on_error`; the others
//! never notice.
//!
//! The interpreter sees the world only through [`Stage`], so its rules can
//! be tested without an app.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::cast::{Actor, Directory, Status, StepError};
use crate::core::agent::EntityId;
use crate::core::protocol::check::check_action;
use crate::core::protocol::{ActionArgs, ActionKindMsg, ActionMsg};
use crate::core::scenario::Bound;
use crate::core::scenario::actor_program::Code;
use crate::core::scenario::checks::Field;
use crate::core::scenario::{Expect, OnError, Step, Who};
use crate::input::Input;

/// Most ops one actor runs in one tick (a loop of asserts yields here).
pub const OPS_PER_TICK: usize = 64;
/// Ticks an action may wait for its ack before its step fails.
pub const ACK_TICKS: u64 = 20;

/// What a script sees of the world and how it acts on it.
pub trait Stage {
    fn tick(&self) -> u64;
    /// A field of an entity in the world, or `None` if it is not there.
    fn field(&self, id: EntityId, field: Field) -> Option<f64>;
    /// A zone's index by name.
    fn zone(&self, name: &str) -> Option<u16>;
    /// Queues an input for this tick.
    fn send(&mut self, input: Input);
}

/// How an op ended.
enum Flow {
    /// Go on with the next op.
    Next,
    /// Go on at this op.
    Jump(usize),
    /// Wait (the status says for what).
    Block,
}

/// A failure: why, and the rule if governance denied it (for `retry.on_rules`).
#[derive(Debug)]
pub struct Failure {
    pub cause: String,
    pub rule: Option<String>,
}

impl From<String> for Failure {
    fn from(cause: String) -> Failure {
        Failure { cause, rule: None }
    }
}

/// Runs `f` in an error boundary: a panic becomes a failure.
pub fn guarded<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(format!(
            "the step panicked: {}",
            crate::core::panic::panic_message(payload.as_ref())
        )
        .into()),
    }
}

/// The entity `who` names for `actor`.
pub fn resolve(actor: &Actor, dir: &Directory, who: &Who) -> Result<EntityId, String> {
    match who {
        Who::Me => actor.entity.ok_or_else(|| "not in the world".to_string()),
        Who::Entity(id) => Ok(EntityId(*id)),
        Who::Actor(name) => dir
            .get(name)
            .copied()
            .ok_or_else(|| format!("actor {name:?} is not in the world")),
        Who::Remembered(key) => actor
            .memory
            .get(key)
            .copied()
            .ok_or_else(|| format!("nothing remembered as {key:?} yet")),
    }
}

/// The Input stage for one actor.
pub fn advance(actor: &mut Actor, stage: &mut dyn Stage, dir: &Directory) {
    let tick = stage.tick();
    for _ in 0..OPS_PER_TICK {
        match actor.status {
            Status::Unborn if tick >= actor.spawn_tick => {
                let zone = actor.zone.as_deref().and_then(|z| stage.zone(z));
                stage.send(Input::Enter {
                    session: actor.session,
                    actor: actor.name.clone(),
                    kind: actor.kind,
                    zone,
                    at: actor.at,
                    wealth: actor.wealth,
                    goods: actor.goods,
                });
                actor.status = Status::Entering;
                return;
            }
            Status::Backoff { until } | Status::Busy { until } if tick >= until => {
                actor.status = Status::Ready
            }
            Status::Ready => {}
            Status::Done => {
                // Teardown: the actor's entity leaves with its session.
                stage.send(Input::Logout {
                    session: actor.session,
                });
                actor.status = Status::Gone;
                return;
            }
            _ => return,
        }
        let Some(op) = actor.program.ops.get(actor.pc) else {
            actor.status = Status::Done;
            continue;
        };
        let code = op.code.clone();
        match guarded(|| run_op(actor, &code, stage, dir)) {
            Ok(Flow::Next) => finish_step(actor),
            Ok(Flow::Jump(pc)) => actor.pc = pc,
            Ok(Flow::Block) => return,
            Err(f) => fail(actor, tick, f),
        }
    }
}

/// The current step succeeded.
pub fn finish_step(actor: &mut Actor) {
    if matches!(
        actor.program.ops.get(actor.pc).map(|o| &o.code),
        Some(Code::Step(_) | Code::WaitMessage(_))
    ) {
        actor.steps_done += 1;
    }
    actor.pc += 1;
    actor.attempts = 0;
    actor.status = Status::Ready;
}

/// The current step failed: retry it if its policy allows, else record the
/// error and go on or stop per the actor's `on_error`.
pub fn fail(actor: &mut Actor, tick: u64, f: Failure) {
    let Some(op) = actor.program.ops.get(actor.pc) else {
        actor.status = Status::Done;
        return;
    };
    if let Some(r) = op.step.retry()
        && actor.attempts < r.times
        && (r.on_rules.is_empty() || f.rule.as_ref().is_some_and(|x| r.on_rules.contains(x)))
    {
        actor.attempts += 1;
        actor.status = Status::Backoff {
            until: tick + r.after_ticks.max(1),
        };
        return;
    }
    let error = StepError {
        actor: actor.name.clone(),
        step: op.path.clone(),
        label: op.step.label(),
        tick,
        cause: f.cause,
        attempts: actor.attempts + 1,
    };
    actor.record_error(error);
    actor.attempts = 0;
    match actor.on_error {
        OnError::Continue => {
            actor.pc += 1;
            actor.status = Status::Ready;
        }
        OnError::Stop => {
            actor.stopped = true;
            actor.status = Status::Done;
        }
    }
}

fn run_op(
    actor: &mut Actor,
    code: &Code,
    stage: &mut dyn Stage,
    dir: &Directory,
) -> Result<Flow, Failure> {
    let tick = stage.tick();
    match code {
        Code::LoopStart { slot, times, end } => {
            if times.is_some_and(|n| actor.rounds[*slot] >= n) {
                actor.rounds[*slot] = 0;
                Ok(Flow::Jump(end + 1))
            } else {
                Ok(Flow::Jump(actor.pc + 1))
            }
        }
        Code::LoopEnd { start } => {
            if let Some(Code::LoopStart { slot, .. }) =
                actor.program.ops.get(*start).map(|o| &o.code)
            {
                actor.rounds[*slot] += 1;
            }
            Ok(Flow::Jump(*start))
        }
        Code::WaitMessage(_) => {
            let Step::WaitMessage { timeout_ticks, .. } = actor.program.ops[actor.pc].step else {
                return Err("a message wait without its step".to_string().into());
            };
            actor.status = Status::Waiting {
                since: tick,
                deadline: tick + timeout_ticks,
            };
            // The message may be in the inbox already.
            if super::observe::take_message(actor, dir) {
                return Ok(Flow::Next);
            }
            Ok(Flow::Block)
        }
        Code::Step(step) => match step {
            Step::WaitEvent { timeout_ticks, .. } => {
                actor.status = Status::Waiting {
                    since: tick,
                    deadline: tick + timeout_ticks,
                };
                Ok(Flow::Block)
            }
            Step::Assert { field, of, expect } => {
                let id = resolve(actor, dir, of.as_ref().unwrap_or(&Who::Me))?;
                let bound = Bound::parse(expect)?;
                let v = stage
                    .field(id, *field)
                    .ok_or_else(|| format!("entity {} is not in the world", id.0))?;
                if bound.holds(v) {
                    Ok(Flow::Next)
                } else {
                    let name = format!("{field:?}").to_lowercase();
                    Err(format!(
                        "{name} of entity {} is {v}, expected {}",
                        id.0,
                        bound.describe()
                    )
                    .into())
                }
            }
            Step::Say { to, text, .. } => {
                let to = resolve(actor, dir, to)?;
                let args = ActionArgs {
                    with: Some(to.0),
                    text: Some(text.clone()),
                    ..Default::default()
                };
                send_action(actor, stage, ActionKindMsg::Chat, args)
            }
            Step::Act {
                action,
                with,
                as_,
                x,
                y,
                zone,
                goods,
                price,
                buying,
                text,
                ticks,
                ..
            } => {
                let id = |w: &Option<Who>| {
                    w.as_ref()
                        .map(|w| resolve(actor, dir, w).map(|e| e.0))
                        .transpose()
                };
                let zone = match zone {
                    Some(name) => Some(
                        stage
                            .zone(name)
                            .ok_or_else(|| format!("there is no zone {name:?}"))?,
                    ),
                    None => None,
                };
                let args = ActionArgs {
                    actor: id(as_)?,
                    with: id(with)?,
                    x: *x,
                    y: *y,
                    zone,
                    goods: *goods,
                    price: *price,
                    buying: *buying,
                    text: text.clone(),
                    ticks: *ticks,
                };
                send_action(actor, stage, *action, args)
            }
            Step::WaitMessage { .. } | Step::Repeat { .. } => {
                Err("a step compiled into another op".to_string().into())
            }
        },
    }
}

fn send_action(
    actor: &mut Actor,
    stage: &mut dyn Stage,
    kind: ActionKindMsg,
    args: ActionArgs,
) -> Result<Flow, Failure> {
    let req_id = actor.next_req;
    actor.next_req += 1;
    let action = ActionMsg { req_id, kind, args };
    check_action(&action).map_err(|r| r.message)?;
    stage.send(Input::Act {
        session: actor.session,
        req_id,
        action,
    });
    actor.status = Status::Acting {
        req_id,
        deadline: stage.tick() + ACK_TICKS,
    };
    Ok(Flow::Block)
}

/// Whether an acknowledged decision is what the step expected.
pub fn judge_ack(
    step: &Step,
    decision: crate::core::protocol::Decision,
    rule: Option<&str>,
    reason: Option<&str>,
) -> Result<(), Failure> {
    use crate::core::protocol::Decision;
    let (expect, want_rule) = match step {
        Step::Act { expect, rule, .. } => (*expect, rule.as_deref()),
        _ => (Expect::Permitted, None),
    };
    let denied = decision == Decision::Denied;
    match expect {
        Expect::Any => Ok(()),
        Expect::Permitted if !denied => Ok(()),
        Expect::Permitted => Err(Failure {
            cause: format!(
                "denied by {}: {}",
                rule.unwrap_or("?"),
                reason.unwrap_or("no reason given")
            ),
            rule: rule.map(str::to_string),
        }),
        Expect::Denied if denied && want_rule.is_none_or(|w| Some(w) == rule) => Ok(()),
        Expect::Denied if denied => Err(format!(
            "denied by {}, expected a denial by {}",
            rule.unwrap_or("?"),
            want_rule.unwrap_or("?")
        )
        .into()),
        Expect::Denied => Err(format!("went through ({decision:?}), expected a denial").into()),
    }
}
