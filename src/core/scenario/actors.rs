//! Actors as a scenario writes them: who each one is, where it enters, and
//! the steps of its script. Everything here is plain data; `check` holds the
//! rules that need the rest of the scenario (known zones, actors, rules).

use serde::{Deserialize, Serialize};

use super::checks::Field;
use crate::core::agent::kinds::AgentKind;
use crate::core::protocol::ActionKindMsg;

fn one() -> u64 {
    1
}

fn default_inbox() -> u16 {
    64
}

/// One scripted actor: a player entity of its own, driven by its steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorSpec {
    /// Unique among the scenario's actors; other steps refer to it.
    pub name: String,
    /// A player profile (trader, fighter, chatter, explorer, griefer):
    /// actors stand in for players, so governance judges them as clients.
    pub kind: AgentKind,
    /// Where it enters (a random spot of the zone), unless `at` says.
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub at: Option<(f32, f32)>,
    /// Coins and goods it enters with (else drawn like a login's).
    #[serde(default)]
    pub wealth: Option<u32>,
    #[serde(default)]
    pub goods: Option<u16>,
    /// The tick it enters at (its script starts once it is in the world).
    #[serde(default = "one")]
    pub spawn_tick: u64,
    /// What a failed step does to the rest of the script.
    #[serde(default)]
    pub on_error: OnError,
    /// Most unread messages kept; when full the oldest is dropped (counted).
    #[serde(default = "default_inbox")]
    pub inbox: u16,
    pub steps: Vec<Step>,
}

/// After a step fails (retries spent): go on with the next step, or stop
/// the script (the actor leaves the world).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    Continue,
    #[default]
    Stop,
}

/// An entity a step refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Who {
    /// The actor itself.
    Me,
    /// Another actor of the scenario, by name.
    Actor(String),
    /// Any entity by id.
    Entity(u64),
    /// An entity this actor remembered from an earlier wait (`remember`).
    Remembered(String),
}

/// What an action step expects governance to decide.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Permitted, or mutated (a clamped step, a trade cut to what both can
    /// afford): the action went through.
    #[default]
    Permitted,
    /// Denied (by `rule`, if given): the step fails if it went through.
    Denied,
    /// Whatever the decision.
    Any,
}

/// Trying a failed step again, for failures that pass (a rate limit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Further attempts after the first.
    pub times: u32,
    /// Ticks between attempts.
    #[serde(default = "one")]
    pub after_ticks: u64,
    /// Retry only denials by these rules; any failure if empty.
    #[serde(default)]
    pub on_rules: Vec<String>,
}

/// One step of a script. Every step runs in its own error boundary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Step {
    /// An action of any kind, judged by governance like a client's; the
    /// step ends with its ack.
    Act {
        action: ActionKindMsg,
        #[serde(default)]
        with: Option<Who>,
        /// Act as this entity instead (governance's `own_entity` denies it).
        #[serde(default, rename = "as")]
        as_: Option<Who>,
        #[serde(default)]
        x: Option<f32>,
        #[serde(default)]
        y: Option<f32>,
        /// A zone name (travel).
        #[serde(default)]
        zone: Option<String>,
        #[serde(default)]
        goods: Option<u16>,
        #[serde(default)]
        price: Option<u32>,
        #[serde(default)]
        buying: Option<bool>,
        #[serde(default)]
        text: Option<String>,
        /// How long the activity lasts; the script waits for it to end.
        #[serde(default)]
        ticks: Option<u16>,
        #[serde(default)]
        expect: Expect,
        /// With `expect: denied`: the rule that must deny it.
        #[serde(default)]
        rule: Option<String>,
        #[serde(default)]
        retry: Option<Retry>,
    },
    /// A chat with words: the other party receives them as a message.
    Say {
        to: Who,
        text: String,
        #[serde(default)]
        retry: Option<Retry>,
    },
    /// Until a message arrives in the inbox (from whom, containing `text`
    /// or matching `regex`), at most `timeout_ticks`.
    WaitMessage {
        #[serde(default)]
        from: Option<Who>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        regex: Option<String>,
        timeout_ticks: u64,
        /// Remember the sender under this name.
        #[serde(default)]
        remember: Option<String>,
        #[serde(default)]
        retry: Option<Retry>,
    },
    /// Until an event of `kind` happens (with this actor and target, if
    /// given), at most `timeout_ticks`.
    WaitEvent {
        kind: String,
        #[serde(default)]
        actor: Option<Who>,
        #[serde(default)]
        target: Option<Who>,
        timeout_ticks: u64,
        /// Remember the event's actor under this name.
        #[serde(default)]
        remember: Option<String>,
        #[serde(default)]
        retry: Option<Retry>,
    },
    /// A field of an entity (this actor's own by default) against a bound.
    Assert {
        field: Field,
        #[serde(default)]
        of: Option<Who>,
        expect: String,
    },
    /// The steps again, `times` times (until the run ends if absent).
    Repeat {
        #[serde(default)]
        times: Option<u32>,
        steps: Vec<Step>,
    },
}

impl Step {
    /// The step's name in messages and reports.
    pub fn label(&self) -> String {
        match self {
            Step::Act { action, .. } => {
                format!("act {}", crate::core::protocol::check::kind_name(*action))
            }
            Step::Say { .. } => "say".into(),
            Step::WaitMessage { .. } => "wait for a message".into(),
            Step::WaitEvent { kind, .. } => format!("wait for {kind}"),
            Step::Assert { field, .. } => format!("assert {field:?}").to_lowercase(),
            Step::Repeat { .. } => "repeat".into(),
        }
    }

    pub fn retry(&self) -> Option<&Retry> {
        match self {
            Step::Act { retry, .. }
            | Step::Say { retry, .. }
            | Step::WaitMessage { retry, .. }
            | Step::WaitEvent { retry, .. } => retry.as_ref(),
            Step::Assert { .. } | Step::Repeat { .. } => None,
        }
    }
}
