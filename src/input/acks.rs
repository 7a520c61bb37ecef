//! Acks: once a tick's events are sealed, each client action of the tick is
//! answered from the events that carry its correlation — a denial names its
//! rule and reason, a mutation likewise, and the ack points at the event the
//! action produced. The events are the single source of truth: an ack can
//! never say something the store does not.

use std::collections::HashMap;

use bevy::prelude::*;

use super::{PendingActs, Replies, Reply};
use crate::core::SimClock;
use crate::core::protocol::Decision;
use crate::events::{Payload, TickEvents};

struct Outcome {
    decision: Decision,
    rule: Option<String>,
    reason: Option<String>,
    /// The first event the applied action produced.
    result: Option<u64>,
    /// The governance event (denial or first mutation).
    ruling: Option<u64>,
}

pub(super) fn make_acks(
    clock: Res<SimClock>,
    events: Res<TickEvents>,
    mut pending: ResMut<PendingActs>,
    mut replies: ResMut<Replies>,
) {
    if pending.0.is_empty() {
        return;
    }
    let mut outcomes: HashMap<u64, Outcome> = pending
        .0
        .iter()
        .map(|&(c, _, _)| {
            (
                c,
                Outcome {
                    decision: Decision::Permitted,
                    rule: None,
                    reason: None,
                    result: None,
                    ruling: None,
                },
            )
        })
        .collect();
    for e in events.0.iter().filter(|e| e.depth == 0) {
        let Some(o) = e.correlation.and_then(|c| outcomes.get_mut(&c)) else {
            continue;
        };
        match &e.payload {
            Payload::IntentDenied(r) => {
                o.decision = Decision::Denied;
                o.rule = Some(r.rule.clone());
                o.reason = Some(r.reason.clone());
                o.ruling = Some(e.seq);
            }
            Payload::IntentMutated(r) if o.ruling.is_none() => {
                o.decision = Decision::Mutated;
                o.rule = Some(r.rule.clone());
                o.reason = Some(r.reason.clone());
                o.ruling = Some(e.seq);
            }
            Payload::IntentMutated(_) => {}
            _ if o.result.is_none() => o.result = Some(e.seq),
            _ => {}
        }
    }
    for (correlation, session, req_id) in pending.0.drain(..) {
        let Some(o) = outcomes.remove(&correlation) else {
            continue;
        };
        let seq = match o.decision {
            Decision::Denied => o.ruling,
            _ => o.result.or(o.ruling),
        };
        replies.0.push(Reply::Ack {
            session,
            req_id,
            decision: o.decision,
            rule: o.rule,
            reason: o.reason,
            seq,
            tick: clock.tick,
        });
    }
}
