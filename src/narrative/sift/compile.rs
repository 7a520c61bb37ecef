//! Patterns compiled for matching: role names become indices, each stage
//! after the first gets the one field of an event it is found by (an id an
//! earlier stage bound, or the seq of the event that must be its cause),
//! and every event kind gets the list of hooks it may move.

use std::borrow::Cow;

use crate::core::event::EventKind;
use crate::core::scenario::patterns::{MAX_ROLES, MAX_STAGES, Pattern, RoleKind, Stage, Unless};
use crate::narrative::admits;

/// What the sifter needs of an event: its header, and the detail, zone
/// and amount of its payload.
#[derive(Clone, Debug, Default)]
pub struct SiftEvent {
    pub seq: u64,
    pub tick: u64,
    pub kind: Option<EventKind>,
    pub actor: Option<u64>,
    pub target: Option<u64>,
    pub cause: Option<u64>,
    pub zone: Option<u16>,
    pub amount: Option<u64>,
    pub detail: Option<Cow<'static, str>>,
}

/// A field of an event a stage reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    Actor,
    Target,
    Zone,
    Cause,
}

impl Field {
    pub fn of(self, ev: &SiftEvent) -> Option<u64> {
        match self {
            Field::Actor => ev.actor,
            Field::Target => ev.target,
            Field::Zone => ev.zone.map(u64::from),
            Field::Cause => ev.cause,
        }
    }
}

/// Where the value a waiting partial is found by comes from.
#[derive(Clone, Copy, Debug)]
pub(super) enum Source {
    Role(u8),
    StageSeq(u8),
}

/// The event field a waiting partial is indexed by, and its value's source.
#[derive(Clone, Copy, Debug)]
pub(super) struct Key {
    pub field: Field,
    pub source: Source,
}

/// An event test: kind, detail, amount, and the roles its fields bind.
#[derive(Clone, Debug)]
pub(super) struct Matcher {
    pub kind: EventKind,
    pub detail: Option<String>,
    pub binds: Vec<(Field, u8)>,
    pub caused_by: Option<u8>,
    pub within: u64,
    pub at_least: Option<u64>,
    pub at_most: Option<u64>,
}

impl Matcher {
    /// Whether `ev` passes the tests that need no bindings.
    pub fn admits(&self, ev: &SiftEvent) -> bool {
        ev.kind == Some(self.kind)
            && admits(self.detail.as_deref(), ev.detail.as_deref())
            && self
                .at_least
                .is_none_or(|lo| ev.amount.is_some_and(|a| a >= lo))
            && self
                .at_most
                .is_none_or(|hi| ev.amount.is_some_and(|a| a <= hi))
    }
}

/// A compiled unless clause.
#[derive(Clone, Debug)]
pub(super) struct Guard {
    pub test: Matcher,
    pub from: u8,
    pub to: u8,
    pub key: Key,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(super) struct Compiled {
    pub roles: Vec<(String, RoleKind)>,
    pub stages: Vec<Matcher>,
    /// The key of each stage a partial waits for (none for the first).
    pub keys: Vec<Option<Key>>,
    pub guards: Vec<Guard>,
}

/// What an event of some kind may do.
#[derive(Clone, Copy, Debug)]
pub(super) enum Hook {
    /// End partials of a pattern waiting under its guard.
    Guard { pattern: u16, guard: u8 },
    /// Move partials of a pattern waiting for its stage.
    Stage { pattern: u16, stage: u8 },
    /// Begin a partial of a pattern.
    Start { pattern: u16 },
}

/// Index of role `name` in `roles`.
fn role(roles: &[(String, RoleKind)], name: &str) -> u8 {
    roles.iter().position(|(n, _)| n == name).unwrap_or(0) as u8
}

fn matcher(roles: &[(String, RoleKind)], s: &Stage) -> Matcher {
    let mut binds = Vec::new();
    for (field, name) in [
        (Field::Actor, &s.actor),
        (Field::Target, &s.target),
        (Field::Zone, &s.zone),
    ] {
        if let Some(n) = name {
            binds.push((field, role(roles, n)));
        }
    }
    Matcher {
        kind: s.kind,
        detail: s.detail.clone(),
        binds,
        caused_by: s.caused_by.map(|c| c as u8),
        within: s.within.unwrap_or(u64::MAX),
        at_least: s.at_least,
        at_most: s.at_most,
    }
}

fn guard(roles: &[(String, RoleKind)], p: &Pattern, u: &Unless) -> Guard {
    let mut binds = Vec::new();
    for (field, name) in [(Field::Actor, &u.actor), (Field::Target, &u.target)] {
        if let Some(n) = name {
            binds.push((field, role(roles, n)));
        }
    }
    let bound = bound_by(roles, &p.stages[..=u.from]);
    let key = binds
        .iter()
        .find(|(_, r)| bound[*r as usize])
        .map(|&(field, r)| Key {
            field,
            source: Source::Role(r),
        })
        .unwrap_or(Key {
            field: Field::Actor,
            source: Source::Role(0),
        });
    Guard {
        test: Matcher {
            kind: u.kind,
            detail: u.detail.clone(),
            binds,
            caused_by: None,
            within: u64::MAX,
            at_least: None,
            at_most: None,
        },
        from: u.from as u8,
        to: u.to as u8,
        key,
    }
}

/// Which roles `stages` bind.
fn bound_by(roles: &[(String, RoleKind)], stages: &[Stage]) -> [bool; MAX_ROLES] {
    let mut out = [false; MAX_ROLES];
    for s in stages {
        for n in [&s.actor, &s.target, &s.zone].into_iter().flatten() {
            out[role(roles, n) as usize] = true;
        }
    }
    out
}

/// The key a partial waiting for stage `i` is found by: its cause if the
/// stage names one, else the first field whose role is bound.
fn key(m: &Matcher, bound: &[bool; MAX_ROLES]) -> Option<Key> {
    if let Some(c) = m.caused_by {
        return Some(Key {
            field: Field::Cause,
            source: Source::StageSeq(c),
        });
    }
    m.binds
        .iter()
        .find(|(_, r)| bound[*r as usize])
        .map(|&(field, r)| Key {
            field,
            source: Source::Role(r),
        })
}

/// Compiles checked patterns (`Pattern::check`); Err names what is wrong.
pub(super) fn compile(p: &Pattern) -> Result<Compiled, String> {
    p.check()?;
    debug_assert!(p.stages.len() <= MAX_STAGES);
    let roles = p.roles()?;
    let stages: Vec<Matcher> = p.stages.iter().map(|s| matcher(&roles, s)).collect();
    let mut keys = vec![None];
    for (i, stage) in stages.iter().enumerate().skip(1) {
        let bound = bound_by(&roles, &p.stages[..i]);
        keys.push(Some(
            key(stage, &bound).ok_or_else(|| format!("stages[{i}]: nothing to find it by"))?,
        ));
    }
    let guards = p.unless.iter().map(|u| guard(&roles, p, u)).collect();
    Ok(Compiled {
        roles,
        stages,
        keys,
        guards,
    })
}

/// For each event kind, the hooks it may move: guards first (an event
/// that ends a wait is not also its next stage), then stages, then starts,
/// each in pattern order.
pub(super) fn hooks(patterns: &[Compiled]) -> Vec<Vec<Hook>> {
    let mut by_kind = vec![Vec::new(); EventKind::ALL.len()];
    for (i, c) in patterns.iter().enumerate() {
        for (g, guard) in c.guards.iter().enumerate() {
            by_kind[guard.test.kind as usize].push(Hook::Guard {
                pattern: i as u16,
                guard: g as u8,
            });
        }
    }
    for (i, c) in patterns.iter().enumerate() {
        for (s, m) in c.stages.iter().enumerate().skip(1) {
            by_kind[m.kind as usize].push(Hook::Stage {
                pattern: i as u16,
                stage: s as u8,
            });
        }
    }
    for (i, c) in patterns.iter().enumerate() {
        by_kind[c.stages[0].kind as usize].push(Hook::Start { pattern: i as u16 });
    }
    by_kind
}

/// For each event kind, whether a pattern reads its payload.
pub(super) fn reads(patterns: &[Compiled]) -> Vec<bool> {
    let mut out = vec![false; EventKind::ALL.len()];
    let tests = patterns
        .iter()
        .flat_map(|c| c.stages.iter().chain(c.guards.iter().map(|g| &g.test)));
    for m in tests {
        if m.detail.is_some()
            || m.at_least.is_some()
            || m.at_most.is_some()
            || m.binds.iter().any(|(f, _)| *f == Field::Zone)
        {
            out[m.kind as usize] = true;
        }
    }
    out
}
