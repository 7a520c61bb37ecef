//! Turning simulation records into protocol frames. Events are written
//! straight from the event records (their payload borrowed, not copied into
//! an intermediate JSON tree): a frame of all events is serialized once per
//! tick however many viewers receive it.

use serde::Serialize;

use crate::core::event::EventHeader;
use crate::core::protocol::{EventView, ServerMsg};
use crate::events::{Event, Payload};
use crate::input::Reply;

#[derive(Serialize)]
struct EventOut<'a> {
    // The header first, as in `EventView`.
    #[serde(flatten)]
    header: EventHeader,
    kind: &'static str,
    payload: &'a Payload,
}

impl<'a> EventOut<'a> {
    fn of(e: &'a Event) -> EventOut<'a> {
        EventOut {
            kind: e.payload.kind().as_str(),
            header: e.header(),
            payload: &e.payload,
        }
    }
}

#[derive(Serialize)]
struct EventsOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    tick: u64,
    events: Vec<EventOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tick_end_us: Option<u64>,
}

/// An `events` frame (the same JSON as `ServerMsg::Events`).
pub fn events_text<'a>(
    tick: u64,
    tick_end_us: Option<u64>,
    events: impl Iterator<Item = &'a Event>,
) -> String {
    serde_json::to_string(&EventsOut {
        kind: "events",
        tick,
        events: events.map(EventOut::of).collect(),
        tick_end_us,
    })
    .unwrap_or_default()
}

/// An event as the REST API and the protocol show it.
pub fn event_view(e: &Event) -> EventView {
    EventView {
        kind: e.payload.kind().as_str().to_string(),
        header: e.header(),
        payload: serde_json::to_value(&e.payload).unwrap_or_default(),
    }
}

/// The frame answering a client's request.
pub fn reply_msg(r: &Reply) -> ServerMsg {
    match r.clone() {
        Reply::Welcome {
            entity,
            tick,
            x,
            y,
            zone,
            nearby,
            ..
        } => ServerMsg::Welcome {
            entity,
            tick,
            x,
            y,
            zone,
            nearby,
        },
        Reply::Ack {
            req_id,
            decision,
            rule,
            reason,
            seq,
            tick,
            ..
        } => ServerMsg::Ack {
            req_id,
            decision,
            rule,
            reason,
            seq,
            tick,
        },
        Reply::Refused { refusal, .. } => refusal.to_msg(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_events_frame_parses_as_the_protocol_says() {
        let e = Event {
            seq: 4,
            tick: 2,
            actor: Some(crate::core::agent::EntityId(7)),
            target: None,
            cause: None,
            correlation: Some(9),
            depth: 0,
            payload: Payload::Departure { wealth: 3 },
            handles: (None, None),
        };
        let text = events_text(2, Some(5), [&e].into_iter());
        let msg: ServerMsg = serde_json::from_str(&text).expect("an events frame");
        assert_eq!(
            msg,
            ServerMsg::Events {
                tick: 2,
                events: vec![event_view(&e)],
                tick_end_us: Some(5),
            }
        );
    }
}
