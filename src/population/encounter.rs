//! Encounters: what happens when two agents meet through an intent — trade,
//! friendship, violence and children. Both parties are borrowed together and
//! checked (present, alive, within reach) before anything changes, and every
//! coin or good that moves is taken from one purse and put in another.

use bevy::math::Vec2;
use bevy::prelude::*;

use super::apply::{Acting, Books, pair, start, walk_to};
use super::components::Life;
use super::intent::Target;
use super::kinds::Activity;
use super::kinds::{AgentKind, Profile};
use super::life::scaled_lifespan;
use super::spawn::{Newcomer, Registry, spawn_agent};
use crate::sim::rng::Draw;
use crate::stat7::Horizon;

#[allow(clippy::too_many_arguments)]
pub(super) fn trade(
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
pub(super) fn befriend(
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

pub(super) fn attack(
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
    // Zone rules protect the victim where it stands, not only where the
    // attacker stands (griefers break them on purpose).
    let zone = books.zones.zone_at(b.position.0);
    let both_players = a.kind.0.is_player() && b.kind.0.is_player();
    if a.kind.0 != AgentKind::Player(Profile::Griefer) && (zone.safe || (both_players && !zone.pvp))
    {
        return false;
    }
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

pub(super) fn reproduce(
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
    let len = scaled_lifespan(books.rng.between(range.0, range.1), books.params.death_rate);
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
