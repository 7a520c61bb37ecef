//! The WebSocket protocol, version 1 (documented in `docs/PROTOCOL.md`):
//! JSON text frames, each an object with a `type` tag. Both the server and
//! the assault's clients use these types, so they cannot drift apart.
//!
//! Client frames are parsed in two steps ([`parse_client`]): first whether
//! the text is a JSON object with a known `type`, then its fields, so every
//! kind of bad input gets an [`ErrorCode`] and a message naming what is wrong.

pub mod check;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::event::EventHeader;

/// Bumped when a frame changes incompatibly.
pub const PROTOCOL_VERSION: u32 = 1;

/// What a client sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// Start (or replace) a viewer subscription.
    Subscribe(Subscription),
    /// Stop receiving the stream (acks and errors still arrive).
    Unsubscribe(Unsubscribe),
    /// Become a player: the server spawns an entity this connection owns.
    Login(Login),
    /// Ask the owned entity to do something; answered by an `ack`.
    Action(ActionMsg),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unsubscribe {}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Shown in the entity's spawn event; at most 64 characters.
    #[serde(default)]
    pub name: Option<String>,
}

/// A viewer's filters. Absent lists mean "everything"; an empty list means
/// "nothing of this".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// Event kinds (e.g. `"trade"`); all kinds if absent.
    #[serde(default)]
    pub events: Option<Vec<String>>,
    /// Zone ids: events whose actor is in one of these zones, entity deltas there.
    #[serde(default)]
    pub zones: Option<Vec<u16>>,
    /// Entity ids: only events naming one of them, only their deltas.
    #[serde(default)]
    pub entities: Option<Vec<u64>>,
    /// Per-tick entity deltas (positions, health, wealth) for the filtered entities.
    #[serde(default)]
    pub deltas: bool,
    #[serde(default)]
    pub heatmap: bool,
    #[serde(default)]
    pub metrics: bool,
}

/// An action request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionMsg {
    /// Chosen by the client; echoed in the `ack` (and in errors about it).
    pub req_id: u64,
    pub kind: ActionKindMsg,
    #[serde(default)]
    pub args: ActionArgs,
}

/// The actions a player can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKindMsg {
    /// Step towards (x, y) this tick (the speed limit clamps long steps).
    Move,
    /// Walk to a zone (args: zone).
    Travel,
    Gather,
    /// Trade with another entity (args: with, goods, price, buying).
    Trade,
    /// Talk to another entity (args: with, text).
    Chat,
    Attack,
    Rest,
    Socialise,
    Follow,
    Idle,
}

/// Arguments of an action; which are required depends on its kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionArgs {
    /// Act as this entity instead of the one the connection owns; the
    /// `own_entity` rule denies it (griefers try).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<u16>,
    /// The other party (trade, chat, attack, socialise, follow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buying: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticks: Option<u16>,
}

/// Governance's answer to an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Permitted,
    Mutated,
    Denied,
}

/// Why a frame was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    MalformedJson,
    NotAnObject,
    MissingType,
    UnknownType,
    InvalidField,
    BinaryFrame,
    NotLoggedIn,
    AlreadyLoggedIn,
    /// The owned entity has died or left; log in again for a new one.
    EntityGone,
    UnknownTarget,
    /// Too many frames: slow down (repeated, the connection is closed).
    RateLimited,
    /// The simulation's input queue is full; retry later.
    Busy,
    /// The server is stopping.
    ShuttingDown,
}

/// A zone as described in `hello`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoneInfo {
    pub id: u16,
    pub name: String,
    pub realm: String,
    pub min: [f32; 2],
    pub max: [f32; 2],
    pub safe: bool,
    pub pvp: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorldInfo {
    pub scenario: String,
    pub seed: u64,
    pub size: [f32; 2],
    pub zones: Vec<ZoneInfo>,
}

/// One entity as the stream shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityView {
    pub id: u64,
    pub kind: String,
    pub x: f32,
    pub y: f32,
    pub zone: u16,
    pub health: f32,
    pub wealth: u64,
    pub activity: String,
}

/// One event as the stream shows it (the store's row without its hash,
/// which the writer computes after the tick).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    /// First in the JSON: `{"seq":` opens every event, which the assault's
    /// viewers scan for without a full parse.
    #[serde(flatten)]
    pub header: EventHeader,
    pub kind: String,
    pub payload: Value,
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    Hello {
        version: u32,
        tick: u64,
        world: WorldInfo,
    },
    /// The filtered entities as they are now (after `subscribe` or `lagged`).
    Snapshot {
        tick: u64,
        entities: Vec<EntityView>,
    },
    Delta {
        tick: u64,
        changed: Vec<EntityView>,
        removed: Vec<u64>,
    },
    Events {
        tick: u64,
        events: Vec<EventView>,
        /// When the tick ended, in microseconds since the Unix epoch (the
        /// server's clock): lets a viewer measure how late a batch arrives.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tick_end_us: Option<u64>,
    },
    Heatmap {
        tick: u64,
        cols: u32,
        rows: u32,
        cell: f32,
        counts: Vec<u32>,
    },
    Metrics {
        tick: u64,
        population: u64,
        events: u64,
        tick_ms: f64,
        connections: u64,
    },
    /// The client's queue overflowed: `dropped` frames were skipped; a
    /// fresh snapshot follows if subscribed.
    Lagged { tick: u64, dropped: u64 },
    /// Login accepted: the entity this connection now owns, where it stands
    /// and a few entities near it (candidates to trade, talk or fight with).
    Welcome {
        entity: u64,
        tick: u64,
        x: f32,
        y: f32,
        zone: u16,
        nearby: Vec<u64>,
    },
    Ack {
        req_id: u64,
        decision: Decision,
        /// The rule that mutated or denied the action.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// The event the action produced (the denial itself when denied);
        /// absent for actions that only change state (a step).
        #[serde(default)]
        seq: Option<u64>,
        tick: u64,
    },
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        req_id: Option<u64>,
    },
}

/// A refused client frame: the `error` frame to answer with.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
    pub req_id: Option<u64>,
}

impl Refusal {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
            req_id: None,
        }
    }

    pub fn to_msg(&self) -> ServerMsg {
        ServerMsg::Error {
            code: self.code,
            message: self.message.clone(),
            req_id: self.req_id,
        }
    }
}

const CLIENT_TYPES: [&str; 4] = ["subscribe", "unsubscribe", "login", "action"];

/// Parses one client text frame, naming what is wrong when it is refused.
pub fn parse_client(text: &str) -> Result<ClientMsg, Refusal> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Refusal::new(ErrorCode::MalformedJson, format!("not valid JSON: {e}")))?;
    let Value::Object(map) = &value else {
        return Err(Refusal::new(
            ErrorCode::NotAnObject,
            "a frame must be a JSON object with a \"type\" field",
        ));
    };
    let kind = match map.get("type") {
        None => {
            return Err(Refusal::new(
                ErrorCode::MissingType,
                "the frame has no \"type\" field",
            ));
        }
        Some(Value::String(k)) => k.clone(),
        Some(_) => {
            return Err(Refusal::new(
                ErrorCode::MissingType,
                "\"type\" must be a string",
            ));
        }
    };
    if !CLIENT_TYPES.contains(&kind.as_str()) {
        return Err(Refusal::new(
            ErrorCode::UnknownType,
            format!(
                "unknown type {kind:?}; expected one of {}",
                CLIENT_TYPES.join(", ")
            ),
        ));
    }
    // A request id, if one can be read, goes back with the error so the
    // client can match it.
    let req_id = map.get("req_id").and_then(Value::as_u64);
    let mut map = map.clone();
    map.remove("type");
    let body = Value::Object(map);
    let refuse = |e: serde_path_to_error::Error<serde_json::Error>| {
        let path = e.path().to_string();
        let field = if path == "." {
            String::new()
        } else {
            format!("field `{path}`: ")
        };
        Refusal {
            code: ErrorCode::InvalidField,
            message: format!("{kind}: {field}{}", e.into_inner()),
            req_id,
        }
    };
    Ok(match kind.as_str() {
        "subscribe" => {
            ClientMsg::Subscribe(serde_path_to_error::deserialize(body).map_err(refuse)?)
        }
        "unsubscribe" => {
            ClientMsg::Unsubscribe(serde_path_to_error::deserialize(body).map_err(refuse)?)
        }
        "login" => ClientMsg::Login(serde_path_to_error::deserialize(body).map_err(refuse)?),
        _ => ClientMsg::Action(serde_path_to_error::deserialize(body).map_err(refuse)?),
    })
}

impl ServerMsg {
    /// The frame's JSON text. Every variant holds plain data, so this
    /// cannot fail; a failure would be a bug and yields an error frame.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(
                r#"{{"type":"error","code":"invalid_field","message":"unencodable frame: {e}"}}"#
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> ErrorCode {
        parse_client(text).expect_err(text).code
    }

    #[test]
    fn bad_frames_are_named() {
        assert_eq!(code("{"), ErrorCode::MalformedJson);
        assert_eq!(code("[1,2]"), ErrorCode::NotAnObject);
        assert_eq!(code("\"login\""), ErrorCode::NotAnObject);
        assert_eq!(code("{}"), ErrorCode::MissingType);
        assert_eq!(code(r#"{"type":7}"#), ErrorCode::MissingType);
        assert_eq!(code(r#"{"type":"dance"}"#), ErrorCode::UnknownType);
        let r = parse_client(r#"{"type":"action","req_id":4,"kind":"fly"}"#).unwrap_err();
        assert_eq!(r.code, ErrorCode::InvalidField);
        assert_eq!(r.req_id, Some(4));
        assert!(r.message.contains("kind"), "{}", r.message);
        let r = parse_client(r#"{"type":"action","kind":"move"}"#).unwrap_err();
        assert!(r.message.contains("req_id"), "{}", r.message);
        let r = parse_client(r#"{"type":"action","req_id":1,"kind":"move","args":{"x":"far"}}"#)
            .unwrap_err();
        assert!(r.message.contains("args.x"), "{}", r.message);
        let r = parse_client(r#"{"type":"subscribe","zones":[1],"colour":"red"}"#).unwrap_err();
        assert!(r.message.contains("colour"), "{}", r.message);
    }

    #[test]
    fn good_frames_parse() {
        let m = parse_client(r#"{"type":"action","req_id":9,"kind":"move","args":{"x":1,"y":2}}"#)
            .unwrap();
        let ClientMsg::Action(a) = m else {
            panic!("{m:?}")
        };
        assert_eq!(
            (a.req_id, a.kind, a.args.x),
            (9, ActionKindMsg::Move, Some(1.0))
        );
        assert_eq!(
            parse_client(r#"{"type":"login"}"#).unwrap(),
            ClientMsg::Login(Login { name: None })
        );
        let ClientMsg::Subscribe(s) =
            parse_client(r#"{"type":"subscribe","heatmap":true}"#).unwrap()
        else {
            panic!()
        };
        assert!(s.heatmap && s.events.is_none());
    }

    #[test]
    fn server_frames_round_trip() {
        let ack = ServerMsg::Ack {
            req_id: 3,
            decision: Decision::Denied,
            rule: Some("solvency".into()),
            reason: Some("no coins".into()),
            seq: Some(12),
            tick: 40,
        };
        let text = ack.to_text();
        assert!(text.starts_with(r#"{"type":"ack""#), "{text}");
        assert_eq!(serde_json::from_str::<ServerMsg>(&text).unwrap(), ack);
    }
}
