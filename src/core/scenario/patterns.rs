//! Story patterns as data (the narrative pack's `patterns:`): the shapes
//! of stories a raw event log hides (a feud, a vendetta chain, a fortune
//! made from nothing) that Warbler's sifter finds, live during a run and
//! over a stored `events.db`. A pattern is a sequence of stages, each an
//! event of a kind whose actor, target and zone bind shared role
//! variables, within a window of the stage before; `unless` clauses kill
//! a partial match while it waits between two stages. The checks here
//! refuse a pattern the sifter could not index or bound (a stage that
//! expects no id already bound, a stage without a window).

use serde::{Deserialize, Serialize};

use crate::core::agent::story::GoalKind;
use crate::core::event::EventKind;

/// One stage: an event of `kind` that binds or must agree with roles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub kind: EventKind,
    /// Only events whose detail (`Payload::detail`: a cause of death, a
    /// goal, `<goal>_<outcome>`...) is this (`*` globs as in beats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The role the event's actor binds (or must be, if bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The role the zone the event names binds (a zone role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// The event's cause must be the event of this earlier stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caused_by: Option<usize>,
    /// Ticks after the stage before by which this one must happen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<u64>,
    /// Bounds on the event's amount (`Payload::amount`: coins, damage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<u64>,
    /// How the story tells this stage: `{role}` is the role's name.
    pub say: String,
}

/// An event that ends a partial match waiting after stage `from` and
/// before stage `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unless {
    pub kind: EventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub from: usize,
    pub to: usize,
}

/// A goal a completed live match makes a role adopt (a feud's loser vows
/// revenge on the winner).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vow {
    pub who: String,
    pub goal: GoalKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foe: Option<String>,
}

/// One story pattern.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    pub name: String,
    /// The story's title: `{role}` is the role's name.
    pub title: String,
    pub stages: Vec<Stage>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unless: Vec<Unless>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vow: Option<Vow>,
}

/// Most patterns in a pack, stages in a pattern, roles in a pattern.
pub const MAX_PATTERNS: usize = 64;
pub const MAX_STAGES: usize = 8;
pub const MAX_ROLES: usize = 8;
/// Longest window between two stages (a day at 10 ticks a second).
pub const MAX_WITHIN: u64 = 864_000;

/// Whether a role stands for an agent or a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleKind {
    Entity,
    Zone,
}

impl Pattern {
    /// The pattern's roles in the order they first appear, with their kind.
    pub fn roles(&self) -> Result<Vec<(String, RoleKind)>, String> {
        let mut out: Vec<(String, RoleKind)> = Vec::new();
        let uses = self.stages.iter().flat_map(|s| {
            [
                (&s.actor, RoleKind::Entity),
                (&s.target, RoleKind::Entity),
                (&s.zone, RoleKind::Zone),
            ]
        });
        for (name, kind) in uses {
            let Some(name) = name else { continue };
            match out.iter().find(|(n, _)| n == name) {
                Some((_, k)) if *k != kind => {
                    return Err(format!("role {name:?} is both an agent and a zone"));
                }
                Some(_) => {}
                None => out.push((name.clone(), kind)),
            }
        }
        if out.len() > MAX_ROLES {
            return Err(format!("{} roles; at most {MAX_ROLES}", out.len()));
        }
        Ok(out)
    }

    /// What is wrong with the pattern, if anything.
    pub fn check(&self) -> Result<(), String> {
        if self.name.is_empty()
            || self.name.len() > 64
            || !self
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err("a pattern needs a name of 1 to 64 letters, digits or _".into());
        }
        if self.stages.is_empty() || self.stages.len() > MAX_STAGES {
            return Err(format!("expected 1 to {MAX_STAGES} stages"));
        }
        let roles = self.roles()?;
        let mut bound: Vec<&str> = Vec::new();
        for (i, s) in self.stages.iter().enumerate() {
            self.check_stage(i, s, &bound)?;
            for r in [&s.actor, &s.target, &s.zone].into_iter().flatten() {
                bound.push(r);
            }
        }
        for (i, u) in self.unless.iter().enumerate() {
            check_unless(i, u, self, &roles)?;
        }
        if let Some(v) = &self.vow {
            for r in std::iter::once(&v.who).chain(&v.foe) {
                if !roles.iter().any(|(n, k)| n == r && *k == RoleKind::Entity) {
                    return Err(format!("vow: {r:?} is not an agent role of the pattern"));
                }
            }
            if (v.goal == GoalKind::Revenge) != v.foe.is_some() {
                return Err("vow: a revenge needs a foe, and only a revenge has one".into());
            }
        }
        check_text(&self.title, &roles).map_err(|m| format!("title: {m}"))
    }

    fn check_stage(&self, i: usize, s: &Stage, bound: &[&str]) -> Result<(), String> {
        let at = |m: String| format!("stages[{i}]: {m}");
        if matches!(s.kind, EventKind::Sifted) {
            return Err(at("a pattern cannot match a sifted story".into()));
        }
        if s.actor.is_some() && s.actor == s.target {
            return Err(at("actor and target are one role".into()));
        }
        if let Some(c) = s.caused_by
            && c >= i
        {
            return Err(at(format!("caused_by {c}: expected an earlier stage")));
        }
        if let (Some(lo), Some(hi)) = (s.at_least, s.at_most)
            && lo > hi
        {
            return Err(at(format!("at_least {lo} is above at_most {hi}")));
        }
        check_text(&s.say, &self.roles()?).map_err(|m| at(format!("say: {m}")))?;
        if i == 0 {
            return match s.within {
                Some(_) => Err(at("the first stage has no window".into())),
                None => Ok(()),
            };
        }
        match s.within {
            Some(w) if (1..=MAX_WITHIN).contains(&w) => {}
            _ => return Err(at(format!("expected within: 1..={MAX_WITHIN} ticks"))),
        }
        // The sifter finds the partial matches an event may extend by the
        // ids they expect: a later stage must expect one.
        let expects = s.caused_by.is_some()
            || [&s.actor, &s.target, &s.zone]
                .into_iter()
                .flatten()
                .any(|r| bound.contains(&r.as_str()));
        if !expects {
            return Err(at(
                "it names no role an earlier stage bound, nor caused_by: nothing to find it by"
                    .into(),
            ));
        }
        Ok(())
    }
}

fn check_unless(
    i: usize,
    u: &Unless,
    p: &Pattern,
    roles: &[(String, RoleKind)],
) -> Result<(), String> {
    let at = |m: String| format!("unless[{i}]: {m}");
    if u.from >= u.to || u.to >= p.stages.len() {
        return Err(at(format!(
            "from {} to {}: expected from < to < {} (it ends a match waiting between them)",
            u.from,
            u.to,
            p.stages.len()
        )));
    }
    let bound: Vec<&str> = p.stages[..=u.from]
        .iter()
        .flat_map(|s| [&s.actor, &s.target])
        .flatten()
        .map(String::as_str)
        .collect();
    for r in [&u.actor, &u.target].into_iter().flatten() {
        if !roles.iter().any(|(n, k)| n == r && *k == RoleKind::Entity) {
            return Err(at(format!("{r:?} is not an agent role of the pattern")));
        }
    }
    if ![&u.actor, &u.target]
        .into_iter()
        .flatten()
        .any(|r| bound.contains(&r.as_str()))
    {
        return Err(at(format!(
            "it names no agent role bound by stage {}: nothing to find it by",
            u.from
        )));
    }
    Ok(())
}

/// A text's `{role}` slots must name roles.
fn check_text(text: &str, roles: &[(String, RoleKind)]) -> Result<(), String> {
    if text.is_empty() || text.len() > 200 {
        return Err("expected 1 to 200 bytes".into());
    }
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!("unclosed {{ in {text:?}"));
        };
        let name = &after[..close];
        if !roles.iter().any(|(n, _)| n == name) {
            return Err(format!("{{{name}}} names no role"));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// The checks of a pack's patterns: (index, message).
pub fn check(patterns: &[Pattern]) -> Result<(), (usize, String)> {
    if patterns.len() > MAX_PATTERNS {
        return Err((
            MAX_PATTERNS,
            format!("{} patterns; at most {MAX_PATTERNS}", patterns.len()),
        ));
    }
    for (i, p) in patterns.iter().enumerate() {
        p.check().map_err(|m| (i, m))?;
        if patterns[..i].iter().any(|o| o.name == p.name) {
            return Err((i, format!("{:?} names two patterns", p.name)));
        }
    }
    Ok(())
}
