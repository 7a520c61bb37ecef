//! External inputs as the simulation receives, records and replays them.
//! Each is plain serializable data: the store keeps them as JSON in its
//! `inputs` table, and a replay feeds the same inputs back at the same ticks.

use serde::{Deserialize, Serialize};

use super::tunables::Tunables;
use crate::core::protocol::{ActionArgs, ActionMsg};

/// Something from outside the simulation that changes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Input {
    /// A client became a player: spawn the entity its session owns.
    Login {
        session: u64,
        #[serde(default)]
        name: Option<String>,
    },
    /// A scripted actor enters the world as a player of its own: like a
    /// login, with the kind, place and purse its scenario gives it.
    Enter {
        session: u64,
        actor: String,
        kind: crate::core::agent::kinds::AgentKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zone: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<(f32, f32)>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wealth: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        goods: Option<u16>,
    },
    /// A client left: its entity departs.
    Logout { session: u64 },
    /// A client's action for the entity it owns (or claims to).
    Act {
        session: u64,
        req_id: u64,
        action: ActionMsg,
    },
    /// Tunable parameters changed through the admin API.
    Tune { patch: Tunables },
    /// Pause, resume or step: recorded for the audit trail; they change
    /// when ticks run, never what a tick does.
    Control { action: ControlAction },
    /// A scenario fault that changes the world (see the fault plugin), taken
    /// at its tick; `index` is its place in the scenario's `faults`.
    Fault { index: usize, strike: Strike },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlAction {
    Pause,
    Resume,
    Step,
}

impl Input {
    /// The `source` column of the `inputs` table.
    pub fn source(&self) -> &'static str {
        match self {
            Input::Enter { .. } => "actor",
            Input::Login { session, .. }
            | Input::Logout { session }
            | Input::Act { session, .. }
                if *session >= ACTOR_SESSIONS =>
            {
                "actor"
            }
            Input::Login { .. } | Input::Logout { .. } | Input::Act { .. } => "client",
            Input::Tune { .. } | Input::Control { .. } => "admin",
            Input::Fault { .. } => "fault",
        }
    }
}

/// A fault that the simulation carries out, as recorded with the inputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Strike {
    Cataclysm {
        zone: String,
        fraction: f32,
    },
    /// The server restarted before this tick: client sessions numbered
    /// below `sessions_below` (the old server's connections) are over.
    Restart {
        sessions_below: u64,
    },
}

/// Sessions from here on belong to scripted actors (actor `i` has session
/// `ACTOR_SESSIONS + i`); network connections count up from 1 and never
/// get near it.
pub const ACTOR_SESSIONS: u64 = 1 << 62;

/// Ticks an activity lasts when the client does not say.
pub fn ticks_or_default(args: &ActionArgs) -> u16 {
    args.ticks.unwrap_or(10).clamp(1, 600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::ActionKindMsg;

    fn action(kind: ActionKindMsg, args: ActionArgs) -> ActionMsg {
        ActionMsg {
            req_id: 5,
            kind,
            args,
        }
    }

    #[test]
    fn inputs_round_trip_as_json() {
        let input = Input::Act {
            session: 2,
            req_id: 9,
            action: action(
                ActionKindMsg::Chat,
                ActionArgs {
                    with: Some(4),
                    text: Some("hi".into()),
                    ..Default::default()
                },
            ),
        };
        let text = serde_json::to_string(&input).unwrap();
        assert_eq!(serde_json::from_str::<Input>(&text).unwrap(), input);
        assert_eq!(input.source(), "client");
    }

    #[test]
    fn a_tune_is_stored_as_the_change_it_makes() {
        // The JSON a door accepted is what the store keeps, typed: the
        // fields given and nothing else; a stored change naming a field
        // this build does not know does not load.
        let text = r#"{"input":"tune","patch":{"birth_rate":2.5}}"#;
        let input: Input = serde_json::from_str(text).unwrap();
        let Input::Tune { patch } = &input else {
            panic!("a tune: {input:?}")
        };
        assert_eq!(patch.birth_rate, Some(2.5));
        assert_eq!(serde_json::to_string(&input).unwrap(), text);
        let bad = r#"{"input":"tune","patch":{"birth_rat":2.5}}"#;
        assert!(serde_json::from_str::<Input>(bad).is_err());
    }
}
