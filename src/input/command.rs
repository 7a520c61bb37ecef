//! External inputs as the simulation receives, records and replays them.
//! Each is plain serializable data: the store keeps them as JSON in its
//! `inputs` table, and a replay feeds the same inputs back at the same ticks.

use serde::{Deserialize, Serialize};

use crate::net::protocol::{ActionArgs, ActionKindMsg, ActionMsg, ErrorCode, Refusal};

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
        kind: crate::population::kinds::AgentKind,
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
    Tune { patch: serde_json::Value },
    /// Pause, resume or step: recorded for the audit trail; they change
    /// when ticks run, never what a tick does.
    Control { action: ControlAction },
    /// A scenario fault that changes the world (see `crate::fault`), taken
    /// at its tick; `index` is its place in the scenario's `faults`.
    Fault {
        index: usize,
        strike: crate::fault::Strike,
    },
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

/// Sessions from here on belong to scripted actors (actor `i` has session
/// `ACTOR_SESSIONS + i`); network connections count up from 1 and never
/// get near it.
pub const ACTOR_SESSIONS: u64 = 1 << 62;

/// Longest login name kept (longer ones are refused).
pub const MAX_NAME: usize = 64;
/// Longest chat text accepted in a frame (governance then cuts it further).
pub const MAX_TEXT: usize = 4096;

/// Checks that an action carries the arguments its kind needs, before it is
/// queued: what can be judged without the world is refused at the door.
pub fn check_action(a: &ActionMsg) -> Result<(), Refusal> {
    let args = &a.args;
    let need = |name: &str, present: bool| -> Result<(), Refusal> {
        if present {
            Ok(())
        } else {
            Err(Refusal {
                code: ErrorCode::InvalidField,
                message: format!(
                    "action {}: field `args.{name}` is required",
                    kind_name(a.kind)
                ),
                req_id: Some(a.req_id),
            })
        }
    };
    match a.kind {
        ActionKindMsg::Move => {
            need("x", args.x.is_some_and(f32::is_finite))?;
            need("y", args.y.is_some_and(f32::is_finite))?;
        }
        ActionKindMsg::Travel => need("zone", args.zone.is_some())?,
        ActionKindMsg::Trade => {
            need("with", args.with.is_some())?;
            need("goods", args.goods.is_some())?;
            need("price", args.price.is_some())?;
        }
        ActionKindMsg::Chat => {
            need("with", args.with.is_some())?;
            need("text", args.text.is_some())?;
            if args.text.as_ref().is_some_and(|t| t.len() > MAX_TEXT) {
                return Err(Refusal {
                    code: ErrorCode::InvalidField,
                    message: format!("action chat: field `args.text` is over {MAX_TEXT} bytes"),
                    req_id: Some(a.req_id),
                });
            }
        }
        ActionKindMsg::Attack | ActionKindMsg::Socialise | ActionKindMsg::Follow => {
            need("with", args.with.is_some())?
        }
        ActionKindMsg::Gather | ActionKindMsg::Rest | ActionKindMsg::Idle => {}
    }
    Ok(())
}

/// The protocol name of an action kind.
pub fn kind_name(kind: ActionKindMsg) -> &'static str {
    match kind {
        ActionKindMsg::Move => "move",
        ActionKindMsg::Travel => "travel",
        ActionKindMsg::Gather => "gather",
        ActionKindMsg::Trade => "trade",
        ActionKindMsg::Chat => "chat",
        ActionKindMsg::Attack => "attack",
        ActionKindMsg::Rest => "rest",
        ActionKindMsg::Socialise => "socialise",
        ActionKindMsg::Follow => "follow",
        ActionKindMsg::Idle => "idle",
    }
}

/// Ticks an activity lasts when the client does not say.
pub fn ticks_or_default(args: &ActionArgs) -> u16 {
    args.ticks.unwrap_or(10).clamp(1, 600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(kind: ActionKindMsg, args: ActionArgs) -> ActionMsg {
        ActionMsg {
            req_id: 5,
            kind,
            args,
        }
    }

    #[test]
    fn required_arguments_are_named() {
        let r = check_action(&action(ActionKindMsg::Move, ActionArgs::default())).unwrap_err();
        assert!(r.message.contains("args.x"), "{}", r.message);
        assert_eq!(r.req_id, Some(5));
        let nan = ActionArgs {
            x: Some(f32::NAN),
            y: Some(1.0),
            ..Default::default()
        };
        assert!(check_action(&action(ActionKindMsg::Move, nan)).is_err());
        let trade = ActionArgs {
            with: Some(3),
            goods: Some(1),
            ..Default::default()
        };
        let r = check_action(&action(ActionKindMsg::Trade, trade)).unwrap_err();
        assert!(r.message.contains("args.price"), "{}", r.message);
        assert!(check_action(&action(ActionKindMsg::Idle, ActionArgs::default())).is_ok());
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
}
