//! Encounters: intents that involve a second agent — trade, chat and
//! socialising, following, attacks and children. Both parties are borrowed
//! together and checked (present, alive, within reach) before anything
//! changes; every coin or good that moves is taken from one purse and put in
//! another. What follows from an encounter (damage, reputation, lineage) is
//! left to the reaction rules.

use bevy::math::Vec2;
use bevy::prelude::*;

use super::apply::{Acting, ActingItem, ApplyBooks, start, walk_to};
use super::life::scaled_lifespan;
use super::spawn::{Newcomer, Registry, spawn_agent};
use crate::core::agent::components::Life;
use crate::core::agent::intent::{Action, Target};
use crate::core::agent::kinds::Activity;
use crate::core::rng::Draw;
use crate::core::stat7::Horizon;
use crate::events::Payload;

/// One actor meeting another this tick.
pub(super) struct Meeting<'a, 'w, 's, 'b, 'q, 'qs> {
    pub commands: &'a mut Commands<'w, 's>,
    pub books: &'a mut ApplyBooks<'b>,
    pub agents: &'a mut Query<'q, 'qs, Acting>,
    pub me: Target,
    pub reach: f32,
    /// What a client or actor says in a chat (absent for NPCs).
    pub text: Option<std::sync::Arc<str>>,
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

impl Meeting<'_, '_, '_, '_, '_, '_> {
    /// Carries out a two-party action; false if it could not be.
    pub fn act(&mut self, action: Action) -> bool {
        match action {
            Action::Trade {
                with,
                goods,
                price,
                buying,
            } => self.trade(with, goods as u32, price as u64, buying),
            Action::Chat {
                with,
                ticks,
                length,
            } => {
                let text = self.text.take().map(|t| cut(&t, length));
                self.befriend(
                    with,
                    3,
                    0.05,
                    Activity::Chat,
                    ticks,
                    Payload::Chat {
                        ticks,
                        length,
                        text,
                    },
                )
            }
            Action::Socialise { with, ticks } => self.befriend(
                with,
                6,
                0.1,
                Activity::Socialise,
                ticks,
                Payload::Socialise { ticks },
            ),
            Action::Follow { target, ticks } => self.follow(target, ticks),
            Action::Attack { target, damage } => self.attack(target, damage),
            Action::Reproduce { partner } => self.reproduce(partner),
            // Single-party actions are applied by `apply`.
            _ => false,
        }
    }

    fn emit(&mut self, payload: Payload, other: Target) -> u64 {
        self.books
            .log
            .emit(payload, Some(self.me), Some(other), None)
    }

    fn trade(&mut self, with: Target, goods: u32, price: u64, buying: bool) -> bool {
        let tick = self.books.clock.tick;
        let Some([mut a, mut b]) = pair(self.agents, self.me.entity, with, self.reach) else {
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
        let (buyer, seller) = (buyer.id.0, seller.id.0);
        let (ida, idb) = (*a.id, *b.id);
        for (x, y) in [(&mut a, idb), (&mut b, ida)] {
            x.relations.adjust(y, 5);
            x.standing.mood = (x.standing.mood + 0.1).min(1.0);
        }
        start(
            &mut a.behaviour,
            Activity::Trade,
            tick,
            5,
            Some(with.entity),
        );
        self.emit(
            Payload::Trade {
                buyer,
                seller,
                goods,
                price,
            },
            with,
        );
        true
    }

    fn befriend(
        &mut self,
        with: Target,
        warmth: i8,
        cheer: f32,
        activity: Activity,
        ticks: u16,
        payload: Payload,
    ) -> bool {
        let tick = self.books.clock.tick;
        let Some([mut a, mut b]) = pair(self.agents, self.me.entity, with, self.reach) else {
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
        self.emit(payload, with);
        true
    }

    fn follow(&mut self, target: Target, ticks: u16) -> bool {
        let tick = self.books.clock.tick;
        let Some([mut a, b]) = pair(self.agents, self.me.entity, target, self.reach) else {
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
        true
    }

    /// The blow itself; the `Damage` reaction decides what it does.
    fn attack(&mut self, target: Target, damage: u16) -> bool {
        let tick = self.books.clock.tick;
        let Some([mut a, mut b]) = pair(self.agents, self.me.entity, target, self.reach) else {
            return false;
        };
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
        self.emit(Payload::Attack { damage }, target);
        true
    }

    fn reproduce(&mut self, partner: Target) -> bool {
        let tick = self.books.clock.tick;
        let Some([mut a, mut b]) = pair(self.agents, self.me.entity, partner, self.reach) else {
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
        for x in [&mut a, &mut b] {
            x.standing.mood = (x.standing.mood + 0.3).min(1.0);
        }
        start(
            &mut a.behaviour,
            Activity::Socialise,
            tick,
            20,
            Some(partner.entity),
        );
        let books = &mut *self.books;
        let range = books.params.lifespan_ticks;
        let len = scaled_lifespan(books.rng.between(range.0, range.1), books.params.death_rate);
        let generation = a.life.generation.max(b.life.generation) + 1;
        let newcomer = Newcomer {
            kind: a.kind.0,
            pos: books.zones.clamp(a.position.0 + Vec2::new(1.0, 1.0)),
            wealth: gift_a + gift_b,
            goods: 0,
            faction: a.standing.faction,
            born: tick as i64,
            ends: tick as i64 + len,
            generation,
            parent: *a.id,
            busy_until: 0,
            parents: Some((*a.traits, *b.traits)),
            heading: None,
        };
        let mut reg = Registry {
            next_id: &mut books.next_id,
            census: &mut books.census,
            calendar: &mut books.calendar,
            index: &mut books.index,
            seed: books.seed.0,
            now: tick,
        };
        let (id, entity) = spawn_agent(self.commands, &mut reg, newcomer);
        books.counters.births += 1;
        self.emit(
            Payload::Birth {
                partner: partner.id.0,
                generation,
                wealth: gift_a + gift_b,
            },
            Target { id, entity },
        );
        true
    }
}

/// `text` cut to `length` characters (governance may have shortened a chat).
fn cut(text: &std::sync::Arc<str>, length: u16) -> std::sync::Arc<str> {
    match text.char_indices().nth(length as usize) {
        Some((end, _)) => std::sync::Arc::from(&text[..end]),
        None => text.clone(),
    }
}
