//! What can be judged of a client's frame without the world: bounded names
//! and texts, and that an action carries the arguments its kind needs.
//! Every side that builds or takes actions (the server's input, scripted
//! actors, the assault's clients) checks them here, the one definition.

use super::{ActionKindMsg, ActionMsg, ErrorCode, Refusal};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::protocol::ActionArgs;

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
}
