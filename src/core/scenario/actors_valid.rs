//! Checks on a scenario's actors that need the rest of it: names that steps
//! refer to (actors, zones, rules, event kinds, remembered names), places
//! inside the world, patterns that compile, bounds that parse. A mistake is
//! an invalid scenario (exit 2) naming the field, never a script that fails
//! at tick 300.

use std::collections::BTreeSet;

use super::Scenario;
use super::actor_program::Program;
use super::actors::{ActorSpec, Step, Who};
use super::checks::Bound;
use super::policies::PolicySet;
use crate::core::event::EVENT_KINDS;

/// Most steps (ops after unrolling nothing) in one actor's script.
const MAX_STEPS: usize = 10_000;
/// Deepest nesting of `Repeat`s.
const MAX_DEPTH: usize = 8;
/// Largest inbox.
const MAX_INBOX: u16 = 1024;
/// Most actors in one scenario.
const MAX_ACTORS: usize = 1000;

type Problem = (String, String);

struct Names<'a> {
    actors: BTreeSet<&'a str>,
    zones: BTreeSet<&'a str>,
    rules: Vec<String>,
}

pub fn validate(s: &Scenario) -> Result<(), Problem> {
    if s.actors.len() > MAX_ACTORS {
        return Err((
            "actors".into(),
            format!("{} actors; at most {MAX_ACTORS}", s.actors.len()),
        ));
    }
    let mut names = Names {
        actors: BTreeSet::new(),
        zones: s.zones.iter().map(|z| z.name.as_str()).collect(),
        rules: PolicySet::with(s.policies.as_ref())
            .rules
            .iter()
            .map(|r| r.name.clone())
            .collect(),
    };
    for (i, a) in s.actors.iter().enumerate() {
        if a.name.trim().is_empty() {
            return Err((format!("actors[{i}].name"), "an actor needs a name".into()));
        }
        if !names.actors.insert(a.name.as_str()) {
            return Err((
                format!("actors[{i}].name"),
                format!("{:?} names two actors", a.name),
            ));
        }
    }
    for (i, a) in s.actors.iter().enumerate() {
        actor(s, &names, i, a)?;
    }
    Ok(())
}

fn actor(s: &Scenario, names: &Names, i: usize, a: &ActorSpec) -> Result<(), Problem> {
    let at = |f: &str| format!("actors[{i}].{f}");
    if !a.kind.is_player() {
        return Err((
            at("kind"),
            format!(
                "{} is an NPC kind; actors are scripted players: trader, fighter, chatter, explorer or griefer",
                a.kind.name()
            ),
        ));
    }
    if let Some(z) = &a.zone
        && !names.zones.contains(z.as_str())
    {
        return Err((at("zone"), format!("no zone {z:?}")));
    }
    if let Some((x, y)) = a.at {
        let (w, h) = (s.world.size.0.0, s.world.size.1.0);
        if !(x.is_finite() && y.is_finite() && (0.0..=w).contains(&x) && (0.0..=h).contains(&y)) {
            return Err((
                at("at"),
                format!("({x}, {y}) is outside the {w}x{h} m world"),
            ));
        }
    }
    if a.spawn_tick == 0 || a.spawn_tick > s.ticks.0 {
        return Err((
            at("spawn_tick"),
            format!("{}: expected a tick in 1..={}", a.spawn_tick, s.ticks.0),
        ));
    }
    if a.inbox == 0 || a.inbox > MAX_INBOX {
        return Err((
            at("inbox"),
            format!("{}: expected 1..={MAX_INBOX}", a.inbox),
        ));
    }
    if a.steps.is_empty() {
        return Err((at("steps"), "a script needs at least one step".into()));
    }
    let program = Program::compile(&format!("actors[{i}]"), &a.steps)?;
    if program.ops.len() > MAX_STEPS {
        return Err((
            at("steps"),
            format!("{} steps; at most {MAX_STEPS}", program.ops.len()),
        ));
    }
    let mut remembered = BTreeSet::new();
    collect_remembered(&a.steps, &mut remembered);
    steps(names, &remembered, &at("steps"), &a.steps, 1)
}

fn collect_remembered(steps: &[Step], out: &mut BTreeSet<String>) {
    for step in steps {
        match step {
            Step::WaitMessage {
                remember: Some(k), ..
            }
            | Step::WaitEvent {
                remember: Some(k), ..
            } => {
                out.insert(k.clone());
            }
            Step::Repeat { steps, .. } => collect_remembered(steps, out),
            _ => {}
        }
    }
}

fn steps(
    names: &Names,
    remembered: &BTreeSet<String>,
    path: &str,
    list: &[Step],
    depth: usize,
) -> Result<(), Problem> {
    if depth > MAX_DEPTH {
        return Err((path.into(), format!("repeats nest deeper than {MAX_DEPTH}")));
    }
    for (j, step) in list.iter().enumerate() {
        let here = format!("{path}[{j}]");
        let field = |f: &str| format!("{here}.{f}");
        let who = |f: &str, w: &Option<Who>| -> Result<(), Problem> {
            match w {
                Some(Who::Actor(n)) if !names.actors.contains(n.as_str()) => {
                    Err((field(f), format!("no actor {n:?} in this scenario")))
                }
                Some(Who::Remembered(k)) if !remembered.contains(k) => Err((
                    field(f),
                    format!(
                        "nothing is ever remembered as {k:?} (no wait step has remember: {k:?})"
                    ),
                )),
                _ => Ok(()),
            }
        };
        if let Some(r) = step.retry() {
            if r.times > 100 {
                return Err((field("retry.times"), format!("{}: at most 100", r.times)));
            }
            for rule in &r.on_rules {
                if !names.rules.contains(rule) {
                    return Err((
                        field("retry.on_rules"),
                        format!("no rule {rule:?} in the policies in force"),
                    ));
                }
            }
        }
        match step {
            Step::Act {
                with,
                as_,
                zone,
                rule,
                ..
            } => {
                who("with", with)?;
                who("as", as_)?;
                if let Some(z) = zone
                    && !names.zones.contains(z.as_str())
                {
                    return Err((field("zone"), format!("no zone {z:?}")));
                }
                if let Some(r) = rule
                    && !names.rules.contains(r)
                {
                    return Err((
                        field("rule"),
                        format!("no rule {r:?} in the policies in force"),
                    ));
                }
            }
            Step::Say { to, text, .. } => {
                who("to", &Some(to.clone()))?;
                if text.len() > crate::core::protocol::check::MAX_TEXT {
                    return Err((field("text"), "over 4096 bytes".into()));
                }
            }
            Step::WaitMessage { from, .. } => who("from", from)?,
            Step::WaitEvent {
                kind,
                actor,
                target,
                ..
            } => {
                if !EVENT_KINDS.contains(&kind.as_str()) {
                    return Err((field("kind"), format!("no event kind {kind:?}")));
                }
                who("actor", actor)?;
                who("target", target)?;
            }
            Step::Assert { of, expect, .. } => {
                who("of", of)?;
                Bound::parse(expect).map_err(|m| (field("expect"), m))?;
            }
            Step::Repeat { steps: inner, .. } => {
                if inner.is_empty() {
                    return Err((field("steps"), "a repeat needs at least one step".into()));
                }
                steps(names, remembered, &field("steps"), inner, depth + 1)?;
            }
        }
    }
    Ok(())
}
