//! What the actors leave in a run's verdicts and `report.json`: one verdict
//! per actor (its script ran without a failed step; every error listed with
//! actor, step, tick and cause), the verdicts of `Message` assertions
//! (judged as messages arrive, so a bounded inbox never hides one), and a
//! summary per actor.

use regex::Regex;
use serde::{Deserialize, Serialize};

use bevy::prelude::*;

use super::cast::{Actor, Cast, Directory, Message, Status, StepError};
use crate::core::scenario::Scenario;
use crate::core::scenario::checks::Assertion;
use crate::core::scenario::{CheckKind, Verdict};

/// A `Message` assertion, followed while the run goes.
#[derive(Clone, Debug)]
struct Watch {
    name: String,
    actor: String,
    from: Option<String>,
    text: Option<String>,
    regex: Option<Regex>,
    within: Option<u64>,
    /// The first message that met it: (tick, sender, text).
    met: Option<(u64, u64, String)>,
    /// Messages the actor received that did not meet it, and the last one.
    missed: u64,
    last_missed: Option<String>,
}

/// The scenario's `Message` assertions, in the order written.
#[derive(Resource, Clone, Debug, Default)]
pub struct MessageWatches(Vec<Watch>);

impl MessageWatches {
    pub fn new(s: &Scenario) -> MessageWatches {
        MessageWatches(
            s.assertions
                .iter()
                .filter_map(|a| match a {
                    Assertion::Message {
                        name,
                        actor,
                        from,
                        text,
                        regex,
                        within_ticks,
                    } => Some(Watch {
                        name: name.clone(),
                        actor: actor.clone(),
                        from: from.clone(),
                        text: text.clone(),
                        // Checked when the scenario loaded.
                        regex: regex.as_deref().and_then(|r| Regex::new(r).ok()),
                        within: *within_ticks,
                        met: None,
                        missed: 0,
                        last_missed: None,
                    }),
                    _ => None,
                })
                .collect(),
        )
    }

    /// Messages just delivered to `actor`.
    pub fn offer(&mut self, actor: &Actor, delivered: &[Message], dir: &Directory) {
        for w in self
            .0
            .iter_mut()
            .filter(|w| w.actor == actor.name && w.met.is_none())
        {
            for m in delivered {
                let from_ok = w
                    .from
                    .as_ref()
                    .is_none_or(|f| dir.get(f).is_some_and(|e| *e == m.from));
                let says = w.text.as_deref().is_none_or(|t| m.text.contains(t))
                    && w.regex.as_ref().is_none_or(|r| r.is_match(&m.text));
                let entered = actor.entered.unwrap_or(0);
                let in_time = w.within.is_none_or(|n| m.tick <= entered + n);
                if from_ok && says && in_time {
                    w.met = Some((m.tick, m.from.0, m.text.to_string()));
                    break;
                }
                w.missed += 1;
                w.last_missed = Some(m.text.to_string());
            }
        }
    }

    fn verdict(&self, name: &str, tick: u64) -> Option<Verdict> {
        let w = self.0.iter().find(|w| w.name == name)?;
        let mut expected = format!("{} receives a message", w.actor);
        if let Some(f) = &w.from {
            expected += &format!(" from {f}");
        }
        if let Some(t) = &w.text {
            expected += &format!(" containing {t:?}");
        }
        if let Some(r) = &w.regex {
            expected += &format!(" matching /{}/", r.as_str());
        }
        if let Some(n) = w.within {
            expected += &format!(" within {n} ticks");
        }
        let (passed, measured, detail) = match &w.met {
            Some((at, from, text)) => (
                true,
                format!("{text:?} from entity {from} at tick {at}"),
                String::new(),
            ),
            None => (
                false,
                format!("no such message ({} others received)", w.missed),
                w.last_missed
                    .as_ref()
                    .map_or(String::new(), |t| format!("the last one said {t:?}")),
            ),
        };
        Some(Verdict {
            kind: CheckKind::Assertion,
            name: w.name.clone(),
            passed,
            measured,
            expected,
            detail,
            tick: w.met.as_ref().map_or(tick, |m| m.0),
        })
    }
}

/// An actor at the end of the run, for `report.json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActorSummary {
    pub name: String,
    pub entity: Option<u64>,
    /// `finished`, `stopped` (an error ended it), `running` (its script was
    /// still going when the run ended) or `never_entered`.
    pub status: String,
    /// The step it was at when the run ended, if still running.
    pub at_step: Option<String>,
    pub steps_done: u64,
    pub messages_received: u64,
    pub inbox_dropped: u64,
    pub errors_total: u64,
    pub errors: Vec<StepError>,
}

fn status(a: &Actor) -> &'static str {
    match a.status {
        _ if a.stopped => "stopped",
        Status::Done | Status::Gone if a.entered.is_some() => "finished",
        Status::Unborn | Status::Entering | Status::Gone => "never_entered",
        _ => "running",
    }
}

pub fn summaries(world: &World) -> Vec<ActorSummary> {
    let Some(cast) = world.get_resource::<Cast>() else {
        return Vec::new();
    };
    cast.actors
        .iter()
        .map(|a| ActorSummary {
            name: a.name.clone(),
            entity: a.entity.map(|e| e.0),
            status: status(a).to_string(),
            at_step: (status(a) == "running")
                .then(|| a.at_step().map(str::to_string))
                .flatten(),
            steps_done: a.steps_done,
            messages_received: a.received,
            inbox_dropped: a.inbox_dropped,
            errors_total: a.errors_total,
            errors: a.errors.clone(),
        })
        .collect()
}

/// The verdict of the `Message` assertion `name`.
pub fn message_verdict(world: &World, name: &str, tick: u64) -> Option<Verdict> {
    world.get_resource::<MessageWatches>()?.verdict(name, tick)
}

/// One verdict per actor: its script ran without a failed step.
pub fn actor_verdicts(world: &World, tick: u64) -> Vec<Verdict> {
    summaries(world)
        .into_iter()
        .map(|s| {
            let passed = s.errors_total == 0;
            let measured = match s.status.as_str() {
                "running" => format!(
                    "{} steps done, still at {} when the run ended",
                    s.steps_done,
                    s.at_step.as_deref().unwrap_or("?")
                ),
                st => format!("{st} after {} steps", s.steps_done),
            };
            let mut detail: Vec<String> = s
                .errors
                .iter()
                .take(5)
                .map(|e| format!("tick {} {} ({}): {}", e.tick, e.step, e.label, e.cause))
                .collect();
            if s.errors_total > 5 {
                detail.push(format!("and {} more", s.errors_total - 5));
            }
            Verdict {
                kind: CheckKind::Actor,
                name: format!("actor {}", s.name),
                passed,
                measured,
                expected: "no failed step".into(),
                detail: detail.join("; "),
                tick,
            }
        })
        .collect()
}
