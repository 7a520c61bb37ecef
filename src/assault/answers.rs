//! What a player makes of each frame the server sends: `hello` and
//! `welcome` (log in, subscribe, send again what a restart left
//! unanswered), acks (latency, decisions, the event to expect), events on
//! the stream, errors that name a request, and the rest. Every frame is
//! untrusted: one that does not parse is a `protocol` error, never a panic.

use tokio::time::Instant;

use super::error_class::ErrorClass;
use super::pending::Insert;
use super::session::{Conn, NEARBY_MAX, Player};
use super::stats::{bump, drop_by};
use crate::core::protocol::{
    ClientMsg, Decision, ErrorCode, PROTOCOL_VERSION, ServerMsg, Subscription,
};

impl Player {
    /// Handles one text frame; an error ends the connection.
    pub(super) async fn on_text(&mut self, c: &mut Conn, text: &str) -> Result<(), ErrorClass> {
        let Ok(msg) = serde_json::from_str::<ServerMsg>(text) else {
            self.stats.error(ErrorClass::Protocol);
            return Ok(());
        };
        let now = Instant::now();
        match msg {
            ServerMsg::Hello { version, world, .. } => {
                if version != PROTOCOL_VERSION {
                    return Err(ErrorClass::Protocol);
                }
                self.view.learn_world(&world);
                c.expect_by = None;
                self.login(c).await?;
            }
            ServerMsg::Welcome {
                entity,
                x,
                y,
                zone,
                mut nearby,
                ..
            } => {
                nearby.truncate(NEARBY_MAX);
                self.view.me = Some(entity);
                self.view.pos = [x, y];
                self.view.zone = zone;
                self.view.nearby = nearby;
                c.awaiting_welcome = false;
                c.expect_by = None;
                c.logged_in = true;
                c.welcomed = true;
                bump(&self.stats.logins);
                for (req_id, mut sent) in self.carried.drain(..) {
                    // Due for a resend at once, with its resends to come.
                    sent.last = now.checked_sub(self.rto.timeout()).unwrap_or(now);
                    sent.resends = 0;
                    c.acks.insert(req_id, sent);
                }
                c.next_action = now + self.behaviour.jitter(self.config.think);
                if self.config.track_self {
                    // Only this entity's deltas; no viewer events (the
                    // player's own still come).
                    let sub = Subscription {
                        entities: Some(vec![entity]),
                        events: Some(Vec::new()),
                        deltas: true,
                        ..Subscription::default()
                    };
                    self.send(c, &ClientMsg::Subscribe(sub)).await?;
                }
            }
            ServerMsg::Ack {
                req_id,
                decision,
                rule,
                seq,
                ..
            } => {
                let Some(sent) = c.acks.take(req_id) else {
                    bump(&self.stats.acks_unmatched);
                    return Ok(());
                };
                drop_by(&self.stats.awaiting_acks, 1);
                if sent.resends == 0 {
                    self.rto.sample(now - sent.at);
                    let us = self.rto.timeout().as_micros() as u64;
                    self.stats
                        .rto_max_us
                        .fetch_max(us, std::sync::atomic::Ordering::Relaxed);
                }
                let profile = self.client.profile;
                self.stats
                    .acked(profile, now - sent.at, decision, rule.as_deref());
                if let (Decision::Permitted, Some(to)) = (decision, sent.to) {
                    self.view.pos = to;
                }
                if let (Decision::Permitted | Decision::Mutated, Some(zone)) = (decision, sent.zone)
                {
                    // The server walks the entity there, so the explorer
                    // picks another zone next time.
                    self.view.zone = zone;
                }
                if let Some(seq) = seq {
                    bump(&self.stats.events_expected);
                    if c.events.insert(seq, sent.at) == Insert::New {
                        bump(&self.stats.awaiting_events);
                    }
                }
            }
            ServerMsg::Events { events, .. } => {
                for event in events {
                    if let Some(at) = c.events.take(event.header.seq) {
                        drop_by(&self.stats.awaiting_events, 1);
                        self.stats.event_seen(self.client.profile, now - at);
                    }
                }
            }
            ServerMsg::Error { code, req_id, .. } => {
                self.stats.error(ErrorClass::Server(code));
                if let Some(sent) = req_id.and_then(|r| c.acks.take(r)) {
                    drop_by(&self.stats.awaiting_acks, 1);
                    bump(&self.stats.answered);
                    if code == ErrorCode::UnknownTarget
                        && let Some(gone) = sent.with
                    {
                        self.view.nearby.retain(|id| *id != gone);
                    }
                }
                match code {
                    ErrorCode::EntityGone | ErrorCode::NotLoggedIn => {
                        c.logged_in = false;
                        self.login(c).await?;
                    }
                    // The server is closing this connection: act no more
                    // here (an action sent as it closes would be lost with
                    // the socket); unanswered ones are resent at once, not
                    // after the retransmission timeout, which may outlast
                    // the close (an ack the network dropped would then be
                    // lost with the socket).
                    ErrorCode::ShuttingDown => {
                        if !c.draining {
                            let now = tokio::time::Instant::now();
                            let due = now.checked_sub(self.rto.timeout()).unwrap_or(now);
                            c.acks
                                .iter_mut()
                                .for_each(|(_, s)| s.last = s.last.min(due));
                        }
                        c.draining = true;
                    }
                    ErrorCode::AlreadyLoggedIn => {
                        // The server still knows our entity: play on.
                        c.awaiting_welcome = false;
                        c.expect_by = None;
                        c.logged_in = c.welcomed;
                    }
                    _ => {}
                }
            }
            ServerMsg::Lagged { .. } => bump(&self.stats.lagged),
            ServerMsg::Snapshot { entities, .. } => {
                entities.iter().for_each(|e| self.view.learn_self(e));
            }
            ServerMsg::Delta { changed, .. } => {
                changed.iter().for_each(|e| self.view.learn_self(e));
            }
            ServerMsg::Heatmap { .. } | ServerMsg::Metrics { .. } => {}
        }
        Ok(())
    }
}
