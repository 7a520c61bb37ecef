//! The live sifter, Narrate's `Sift` step: the tick's events in seq order
//! move its partial matches; each story completed becomes a `sifted`
//! event citing the event that completed it, and a pattern's vow is
//! handed to the next tick's `Goals` step.

use bevy::prelude::*;

use super::{Found, SiftEvent, Sifter};
use crate::core::agent::EntityId;
use crate::core::agent::story::GoalKind;
use crate::core::event::EventKind;
use crate::core::scenario::patterns::{Pattern, RoleKind};
use crate::events::{Cause, Event, EventLog, Payload, SiftMatch};

/// The live sifter and what it found so far.
#[derive(Resource)]
pub struct LiveSift {
    pub sifter: Sifter,
    /// Each pattern's vow, in pattern order.
    vows: Vec<Option<(u8, GoalKind, Option<u8>)>>,
    /// Stories found, by pattern (in pattern order).
    pub found: Vec<u64>,
    /// Events of the run the sifter was shown (every kind).
    pub seen: u64,
    /// Wall time of the step, summed (measured only: it never steers).
    pub busy: std::time::Duration,
    /// The latest stories found, oldest first: (seq of the `sifted`
    /// event, tick, the story).
    pub recent: std::collections::VecDeque<(u64, u64, SiftMatch)>,
}

/// Stories the live sifter keeps for the REST API (all are in the store).
pub const RECENT_STORIES: usize = 256;

impl LiveSift {
    /// A live sifter for `patterns` with a pool of `cap` partials; Err
    /// names the pattern that is wrong.
    pub fn new(patterns: &[Pattern], cap: usize) -> Result<LiveSift, String> {
        let sifter = Sifter::new(patterns, Some(cap))?;
        let vows = patterns
            .iter()
            .map(|p| {
                let roles = p.roles().ok()?;
                let at = |name: &str| roles.iter().position(|(n, _)| n == name).map(|i| i as u8);
                let v = p.vow.as_ref()?;
                Some((at(&v.who)?, v.goal, v.foe.as_deref().and_then(at)))
            })
            .collect();
        Ok(LiveSift {
            found: vec![0; patterns.len()],
            sifter,
            vows,
            seen: 0,
            busy: std::time::Duration::ZERO,
            recent: std::collections::VecDeque::new(),
        })
    }
}

/// A goal a completed story makes an agent adopt at the next tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VowOrder {
    pub who: EntityId,
    pub goal: GoalKind,
    pub foe: Option<EntityId>,
    /// The `sifted` event.
    pub cause: Cause,
}

/// Vows made this tick, adopted by the next tick's `Goals` step.
#[derive(Resource, Debug, Default)]
pub struct SiftVows(pub Vec<VowOrder>);

/// What the sifter reads of a live event.
pub fn view(ev: &Event) -> SiftEvent {
    SiftEvent {
        seq: ev.seq,
        tick: ev.tick,
        kind: Some(ev.payload.kind()),
        actor: ev.actor.map(|a| a.0),
        target: ev.target.map(|t| t.0),
        cause: ev.cause,
        zone: ev.payload.zone(),
        amount: ev.payload.amount(),
        detail: ev.payload.detail(),
    }
}

/// Narrate: the tick's events through the sifter; its stories as events.
pub(in crate::narrative) fn sift(
    mut live: ResMut<LiveSift>,
    mut vows: ResMut<SiftVows>,
    mut log: ResMut<EventLog>,
) {
    let started = std::time::Instant::now();
    let live = &mut *live;
    let mut found = Vec::new();
    let mut causes = Vec::new();
    let pending = log.pending();
    live.seen += pending.len() as u64;
    for ev in pending {
        let kind = ev.payload.kind();
        if ev.tick == 0 || kind == EventKind::Sifted || !live.sifter.wants(kind) {
            continue;
        }
        let before = found.len();
        live.sifter.feed(&view(ev), &mut found);
        causes.extend(std::iter::repeat_n(ev.as_cause(), found.len() - before));
    }
    for (f, cause) in found.into_iter().zip(causes) {
        live.found[f.pattern as usize] += 1;
        let (payload, actor, target) = story_event(&live.sifter, &f);
        let kept = match &payload {
            Payload::Sifted(m) => Some((**m).clone()),
            _ => None,
        };
        let seq = log.emit_ids(payload, actor, target, Some(cause));
        if let Some(m) = kept {
            if live.recent.len() == RECENT_STORIES {
                live.recent.pop_front();
            }
            live.recent.push_back((seq, f.tick, m));
        }
        if let Some((who, goal, foe)) = live.vows[f.pattern as usize] {
            vows.0.push(VowOrder {
                who: EntityId(f.roles[who as usize]),
                goal,
                foe: foe.map(|r| EntityId(f.roles[r as usize])),
                cause: Cause {
                    seq,
                    depth: cause.depth.saturating_add(1),
                    correlation: None,
                },
            });
        }
    }
    live.busy += started.elapsed();
}

/// A found story as an event: its payload, and its first two agent roles
/// as actor and target.
pub fn story_event(sifter: &Sifter, f: &Found) -> (Payload, Option<EntityId>, Option<EntityId>) {
    let roles = sifter.roles(f.pattern);
    let mut agents = roles
        .iter()
        .zip(&f.roles)
        .filter(|((_, k), _)| *k == RoleKind::Entity)
        .map(|(_, v)| EntityId(*v));
    let (actor, target) = (agents.next(), agents.next());
    let payload = Payload::Sifted(Box::new(SiftMatch {
        pattern: sifter.name(f.pattern).to_string(),
        roles: roles
            .iter()
            .zip(&f.roles)
            .map(|((n, _), v)| (n.clone(), *v))
            .collect(),
        events: f.events.clone(),
    }));
    (payload, actor, target)
}
