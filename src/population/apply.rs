//! Apply: carries out this tick's intents one by one, in actor-id order, on
//! the world as it is at that moment (an earlier intent may have killed this
//! one's partner). Everything that moves between agents is conserved here:
//! coins and goods change hands, never appear; only gathering creates goods
//! and only resting consumes them.

use bevy::ecs::query::QueryData;
use bevy::ecs::system::SystemParam;
use bevy::math::Vec2;
use bevy::prelude::*;

use super::census::{Census, NextId, TickCounters};
use super::components::*;
use super::intent::{Action, Intent, Intents, Target};
use super::kinds::Activity;
use super::life::Calendar;
use super::params::SimParams;
use super::spawn::{Newcomer, Registry, spawn_agent};
use crate::sim::rng::{Draw, WorldRng};
use crate::sim::{RunSeed, SimClock};
use crate::stat7::Horizon;
use crate::world::{ZoneLedger, Zones};

#[derive(QueryData)]
#[query_data(mutable)]
pub(super) struct Acting {
    id: &'static EntityId,
    kind: &'static Kind,
    position: &'static Position,
    motion: &'static mut Motion,
    vitals: &'static mut Vitals,
    purse: &'static mut Purse,
    standing: &'static mut Standing,
    relations: &'static mut Relations,
    life: &'static Life,
    behaviour: &'static mut Behaviour,
}

/// The bookkeeping Apply updates besides the agents themselves.
#[derive(SystemParam)]
pub(super) struct Books<'w> {
    clock: Res<'w, SimClock>,
    zones: Res<'w, Zones>,
    params: Res<'w, SimParams>,
    seed: Res<'w, RunSeed>,
    ledger: ResMut<'w, ZoneLedger>,
    census: ResMut<'w, Census>,
    counters: ResMut<'w, TickCounters>,
    next_id: ResMut<'w, NextId>,
    calendar: ResMut<'w, Calendar>,
    rng: ResMut<'w, WorldRng>,
}

/// Most ticks a walk may take before the agent reconsiders.
const WALK_TIMEOUT: u64 = 600;
/// Energy a meal (one good) restores.
const MEAL_ENERGY: f32 = 20.0;

pub(super) fn apply_intents(
    mut commands: Commands,
    intents: Res<Intents>,
    mut books: Books,
    mut agents: Query<Acting>,
) {
    for intent in &intents.0 {
        let done = apply_one(&mut commands, &mut books, &mut agents, intent);
        if done {
            books.counters.actions[intent.action.kind() as usize] += 1;
        } else {
            books.counters.failed += 1;
        }
    }
}

fn start(b: &mut Behaviour, activity: Activity, tick: u64, ticks: u64, with: Option<Entity>) {
    *b = Behaviour {
        activity,
        since: tick,
        until: tick + ticks,
        with,
    };
}

fn walk_to(m: &mut Motion, to: Vec2) {
    m.target = to;
    m.moving = true;
}

/// Carries out one intent; false if it could not be (the actor is gone or
/// dead, the other party is gone, out of range, or cannot pay).
fn apply_one(
    commands: &mut Commands,
    books: &mut Books,
    agents: &mut Query<Acting>,
    intent: &Intent,
) -> bool {
    let tick = books.clock.tick;
    let reach = 2.0 * books.zones.cell_size();
    let Ok(mut me) = agents.get_mut(intent.entity) else {
        return false;
    };
    if !me.vitals.alive() {
        return false;
    }
    match intent.action {
        Action::Idle { ticks } => {
            start(&mut me.behaviour, Activity::Idle, tick, ticks as u64, None)
        }
        Action::Wander { to } => {
            walk_to(&mut me.motion, to);
            start(
                &mut me.behaviour,
                Activity::Wander,
                tick,
                WALK_TIMEOUT,
                None,
            );
        }
        Action::Travel { to, .. } => {
            walk_to(&mut me.motion, to);
            start(
                &mut me.behaviour,
                Activity::Travel,
                tick,
                WALK_TIMEOUT * 5,
                None,
            );
        }
        Action::Flee { to } => {
            walk_to(&mut me.motion, to);
            start(&mut me.behaviour, Activity::Flee, tick, WALK_TIMEOUT, None);
        }
        Action::Gather { ticks } => {
            let zone = books.zones.zone_at(me.position.0);
            let want = 1 + (zone.richness * 3.0) as u32;
            let got = books.ledger.take(zone.id, want);
            if got == 0 {
                return false;
            }
            me.purse.goods += got;
            start(
                &mut me.behaviour,
                Activity::Gather,
                tick,
                ticks as u64,
                None,
            );
        }
        Action::Rest { ticks } => {
            if me.purse.goods > 0 {
                me.purse.goods -= 1;
                me.vitals.energy = (me.vitals.energy + MEAL_ENERGY).min(100.0);
            }
            start(&mut me.behaviour, Activity::Rest, tick, ticks as u64, None);
        }
        Action::Trade {
            with,
            goods,
            price,
            buying,
        } => {
            return trade(
                agents,
                intent.entity,
                with,
                goods as u32,
                price as u64,
                buying,
                reach,
                tick,
            );
        }
        Action::Chat { with, ticks } => {
            return befriend(
                agents,
                intent.entity,
                with,
                3,
                0.05,
                Activity::Chat,
                ticks,
                reach,
                tick,
            );
        }
        Action::Socialise { with, ticks } => {
            return befriend(
                agents,
                intent.entity,
                with,
                6,
                0.1,
                Activity::Socialise,
                ticks,
                reach,
                tick,
            );
        }
        Action::Follow { target, ticks } => {
            let Some([mut a, b]) = pair(agents, intent.entity, target, reach) else {
                return false;
            };
            walk_to(&mut a.motion, b.position.0);
            start(
                &mut a.behaviour,
                Activity::Follow,
                tick,
                ticks as u64,
                Some(target.entity),
            );
        }
        Action::Attack { target, damage } => {
            return attack(
                commands,
                books,
                agents,
                intent.entity,
                target,
                damage,
                reach,
            );
        }
        Action::Reproduce { partner } => {
            return reproduce(commands, books, agents, intent.entity, partner, reach);
        }
    }
    true
}

/// Both parties, if both exist, are alive and within `reach` of each other.
fn pair<'a, 's>(
    agents: &'a mut Query<'_, 's, Acting>,
    me: Entity,
    other: Target,
    reach: f32,
) -> Option<[ActingItem<'a, 's>; 2]> {
    let [a, b] = agents.get_many_mut([me, other.entity]).ok()?;
    let ok = a.vitals.alive() && b.vitals.alive() && a.position.0.distance(b.position.0) <= reach;
    ok.then_some([a, b])
}

#[allow(clippy::too_many_arguments)]
fn trade(
    agents: &mut Query<Acting>,
    me: Entity,
    with: Target,
    goods: u32,
    price: u64,
    buying: bool,
    reach: f32,
    tick: u64,
) -> bool {
    let Some([mut a, mut b]) = pair(agents, me, with, reach) else {
        return false;
    };
    let (buyer, seller) = if buying {
        (&mut a, &mut b)
    } else {
        (&mut b, &mut a)
    };
    if buyer.purse.wealth < price || seller.purse.goods < goods {
        return false;
    }
    buyer.purse.wealth -= price;
    seller.purse.wealth += price;
    seller.purse.goods -= goods;
    buyer.purse.goods += goods;
    let (ida, idb) = (*a.id, *b.id);
    for (x, y) in [(&mut a, idb), (&mut b, ida)] {
        x.relations.adjust(y, 5);
        x.standing.mood = (x.standing.mood + 0.1).min(1.0);
        x.standing.reputation = x.standing.reputation.saturating_add(1);
    }
    start(
        &mut a.behaviour,
        Activity::Trade,
        tick,
        5,
        Some(with.entity),
    );
    true
}

#[allow(clippy::too_many_arguments)]
fn befriend(
    agents: &mut Query<Acting>,
    me: Entity,
    with: Target,
    warmth: i8,
    cheer: f32,
    activity: Activity,
    ticks: u16,
    reach: f32,
    tick: u64,
) -> bool {
    let Some([mut a, mut b]) = pair(agents, me, with, reach) else {
        return false;
    };
    let meet = b.position.0;
    let (ida, idb) = (*a.id, *b.id);
    for (x, y) in [(&mut a, idb), (&mut b, ida)] {
        x.relations.adjust(y, warmth);
        x.standing.mood = (x.standing.mood + cheer).min(1.0);
    }
    walk_to(&mut a.motion, meet);
    start(
        &mut a.behaviour,
        activity,
        tick,
        ticks as u64,
        Some(with.entity),
    );
    true
}

fn attack(
    commands: &mut Commands,
    books: &mut Books,
    agents: &mut Query<Acting>,
    me: Entity,
    target: Target,
    damage: u16,
    reach: f32,
) -> bool {
    let tick = books.clock.tick;
    let Some([mut a, mut b]) = pair(agents, me, target, reach) else {
        return false;
    };
    b.vitals.health -= damage as f32;
    b.relations.adjust(*a.id, -30);
    a.relations.adjust(*b.id, -5);
    b.standing.mood = (b.standing.mood - 0.3).max(-1.0);
    // The victim reconsiders at once: flee or fight back next tick.
    b.behaviour.until = tick;
    start(
        &mut a.behaviour,
        Activity::Fight,
        tick,
        5,
        Some(target.entity),
    );
    if !b.vitals.alive() {
        // The killer takes everything the victim carried.
        a.purse.wealth += std::mem::take(&mut b.purse.wealth);
        a.purse.goods += std::mem::take(&mut b.purse.goods);
        a.standing.reputation = a.standing.reputation.saturating_sub(5);
        books.census.alive[b.kind.0.index()] -= 1;
        books.counters.deaths += 1;
        books.counters.killed += 1;
        commands.entity(target.entity).despawn();
    }
    true
}

fn reproduce(
    commands: &mut Commands,
    books: &mut Books,
    agents: &mut Query<Acting>,
    me: Entity,
    partner: Target,
    reach: f32,
) -> bool {
    let tick = books.clock.tick;
    let Some([mut a, mut b]) = pair(agents, me, partner, reach) else {
        return false;
    };
    let fertile = |l: &Life| matches!(l.horizon(tick), Horizon::Emergence | Horizon::Peak);
    if a.kind != b.kind || !fertile(a.life) || !fertile(b.life) {
        return false;
    }
    // Each parent gives the child a fifth of their coins: wealth is conserved.
    let gift_a = a.purse.wealth / 5;
    let gift_b = b.purse.wealth / 5;
    a.purse.wealth -= gift_a;
    b.purse.wealth -= gift_b;
    let range = books.params.lifespan_ticks;
    let len =
        ((books.rng.between(range.0, range.1) as f32 / books.params.death_rate) as i64).max(1);
    let pos = books.zones.clamp(a.position.0 + Vec2::new(1.0, 1.0));
    let mut reg = Registry {
        next_id: &mut books.next_id,
        census: &mut books.census,
        calendar: &mut books.calendar,
        seed: books.seed.0,
    };
    let (child, _) = spawn_agent(
        commands,
        &mut reg,
        Newcomer {
            kind: a.kind.0,
            pos,
            wealth: gift_a + gift_b,
            goods: 0,
            faction: a.standing.faction,
            born: tick as i64,
            ends: tick as i64 + len,
            generation: a.life.generation.max(b.life.generation) + 1,
            parent: *a.id,
        },
    );
    for x in [&mut a, &mut b] {
        x.relations.adjust(child, 60);
        x.standing.mood = (x.standing.mood + 0.3).min(1.0);
    }
    start(
        &mut a.behaviour,
        Activity::Socialise,
        tick,
        20,
        Some(partner.entity),
    );
    books.counters.births += 1;
    true
}
