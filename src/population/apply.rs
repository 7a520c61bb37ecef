//! Apply: carries out this tick's intents one by one, in actor-id order, on
//! the world as it is at that moment (an earlier intent may have killed this
//! one's partner). Everything that moves between agents is conserved here:
//! coins and goods change hands, never appear; only gathering creates goods
//! and only resting consumes them.

use bevy::ecs::query::QueryData;
use bevy::ecs::system::SystemParam;
use bevy::math::Vec2;
use bevy::prelude::*;

use super::census::{ActionTally, Census, EntityIndex, NextId, TickCounters};
use super::encounter::Meeting;
use super::life::Calendar;
use super::params::SimParams;
use crate::core::agent::components::*;
use crate::core::agent::intent::{Action, ChatTexts, Intent, Intents, Target};
use crate::core::agent::kinds::Activity;
use crate::core::agent::story::Traits;
use crate::core::rng::WorldRng;
use crate::core::{RunSeed, SimClock};
use crate::events::{EventLog, Payload};
use crate::world::{ZoneLedger, Zones};

#[derive(QueryData)]
#[query_data(mutable)]
pub(super) struct Acting {
    pub(super) id: &'static EntityId,
    pub(super) kind: &'static Kind,
    pub(super) position: &'static mut Position,
    pub(super) motion: &'static mut Motion,
    pub(super) vitals: &'static mut Vitals,
    pub(super) purse: &'static mut Purse,
    pub(super) standing: &'static mut Standing,
    pub(super) relations: &'static mut Relations,
    pub(super) life: &'static Life,
    pub(super) traits: &'static Traits,
    pub(super) behaviour: &'static mut Behaviour,
}

/// The bookkeeping Apply updates besides the agents themselves.
#[derive(SystemParam)]
pub(super) struct ApplyBooks<'w> {
    pub(super) clock: Res<'w, SimClock>,
    pub(super) zones: Res<'w, Zones>,
    pub(super) params: Res<'w, SimParams>,
    pub(super) seed: Res<'w, RunSeed>,
    pub(super) ledger: ResMut<'w, ZoneLedger>,
    pub(super) census: ResMut<'w, Census>,
    pub(super) counters: ResMut<'w, TickCounters>,
    pub(super) next_id: ResMut<'w, NextId>,
    pub(super) calendar: ResMut<'w, Calendar>,
    pub(super) rng: ResMut<'w, WorldRng>,
    pub(super) index: ResMut<'w, EntityIndex>,
    pub(super) log: ResMut<'w, EventLog>,
    pub(super) texts: Res<'w, ChatTexts>,
}

/// Most ticks a walk may take before the agent reconsiders.
const WALK_TIMEOUT: u64 = 600;
/// Energy a meal (one good) restores.
const MEAL_ENERGY: f32 = 20.0;

pub(super) fn apply_intents(
    mut commands: Commands,
    intents: Res<Intents>,
    mut books: ApplyBooks,
    mut tally: ResMut<ActionTally>,
    mut agents: Query<Acting>,
) {
    for intent in &intents.0 {
        books.log.correlate(intent.correlation);
        let kind = agents.get(intent.entity).map(|a| a.kind.0).ok();
        let done = apply_one(&mut commands, &mut books, &mut agents, intent);
        if done {
            let action = intent.action.kind() as usize;
            books.counters.actions[action] += 1;
            if let Some(k) = kind {
                tally.executed[k.index()][action] += 1;
            }
        } else {
            books.counters.failed += 1;
        }
    }
    books.log.correlate(None);
}

pub(super) fn start(
    b: &mut Behaviour,
    activity: Activity,
    tick: u64,
    ticks: u64,
    with: Option<Entity>,
) {
    *b = Behaviour {
        activity,
        since: tick,
        until: tick + ticks,
        with,
    };
}

pub(super) fn walk_to(m: &mut Motion, to: Vec2) {
    m.target = to;
    m.moving = true;
}

/// Carries out one intent; false if it could not be (the actor is gone or
/// dead, the other party is gone, out of range, or cannot pay).
fn apply_one(
    commands: &mut Commands,
    books: &mut ApplyBooks,
    agents: &mut Query<Acting>,
    intent: &Intent,
) -> bool {
    let tick = books.clock.tick;
    let reach = 2.0 * books.zones.cell_size();
    let me = Target {
        id: intent.actor,
        entity: intent.entity,
    };
    let Ok(mut a) = agents.get_mut(intent.entity) else {
        return false;
    };
    if !a.vitals.alive() {
        return false;
    }
    match intent.action {
        Action::Idle { ticks } => start(&mut a.behaviour, Activity::Idle, tick, ticks as u64, None),
        Action::Wander { to } => {
            walk_to(&mut a.motion, to);
            start(&mut a.behaviour, Activity::Wander, tick, WALK_TIMEOUT, None);
        }
        Action::Step { to } => {
            // Governance has already limited how far a step may go.
            a.position.0 = books.zones.clamp(to);
            a.motion.target = a.position.0;
            a.motion.moving = false;
            start(&mut a.behaviour, Activity::Wander, tick, 5, None);
        }
        Action::Flee { to } => {
            walk_to(&mut a.motion, to);
            start(&mut a.behaviour, Activity::Flee, tick, WALK_TIMEOUT, None);
        }
        Action::Travel { to, zone } => {
            walk_to(&mut a.motion, to);
            start(
                &mut a.behaviour,
                Activity::Travel,
                tick,
                WALK_TIMEOUT * 5,
                None,
            );
            let payload = Payload::TravelStarted {
                zone: zone.0,
                x: to.x,
                y: to.y,
            };
            books.log.emit(payload, Some(me), None, None);
        }
        Action::Gather { ticks } => {
            let zone = books.zones.zone_at(a.position.0);
            let want = 1 + (zone.richness * 3.0) as u32;
            let got = books.ledger.take(zone.id, want);
            if got == 0 {
                return false;
            }
            a.purse.goods += got;
            start(&mut a.behaviour, Activity::Gather, tick, ticks as u64, None);
            let payload = Payload::Gather {
                zone: zone.id.0,
                goods: got,
            };
            books.log.emit(payload, Some(me), None, None);
        }
        Action::Rest { ticks } => {
            if a.purse.goods > 0 {
                a.purse.goods -= 1;
                let before = a.vitals.energy;
                a.vitals.energy = (before + MEAL_ENERGY).min(100.0);
                let payload = Payload::Meal {
                    energy: a.vitals.energy - before,
                };
                books.log.emit(payload, Some(me), None, None);
            }
            start(&mut a.behaviour, Activity::Rest, tick, ticks as u64, None);
        }
        _ => {
            let text = intent
                .correlation
                .and_then(|c| books.texts.0.get(&c).cloned());
            let mut meeting = Meeting {
                commands,
                books,
                agents,
                me,
                reach,
                text,
            };
            return meeting.act(intent.action);
        }
    }
    true
}
