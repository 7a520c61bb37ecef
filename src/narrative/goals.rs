//! Goals that steer lives. Grief moves the vengeful to revenge and the warm
//! to mourning; coming of age (or, for those still without one, their
//! prime) brings a life goal: fortune, family or pilgrimage, the strongest
//! pull of traits and archetype. The book holds only holders; a calendar
//! expires goals without a scan; every adoption and every outcome is an
//! event, so the books balance in the log (adopted = ended + active). The
//! brain sees a goal through the holder's `Pursuit`, written here in place,
//! in seq order.

use std::collections::{BTreeMap, BTreeSet};

use bevy::prelude::*;

use super::tick::{Facts, Index, dying};
use crate::core::agent::components::{EntityId, ZoneId};
use crate::core::agent::story::{GOAL_KINDS, GOAL_OUTCOMES, GoalKind, GoalOutcome, Pursuit};
use crate::core::scenario::goals::GoalRule;
use crate::core::{RunSeed, SimClock};
use crate::events::{Cause, Event, EventLog, Payload};
use crate::population::EntityIndex;
use crate::world::Zones;

/// A goal held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    pub kind: GoalKind,
    pub foe: Option<EntityId>,
    pub zone: Option<ZoneId>,
    /// Wealth a fortune must reach.
    pub aim: u64,
    pub until: u64,
    /// Seq of its adoption event.
    pub adopted: u64,
    depth: u8,
}

/// Every goal held now, its calendar and the books.
#[derive(Resource, Debug, Default)]
pub struct GoalBook {
    held: BTreeMap<EntityId, Held>,
    /// (expiry tick, holder).
    due: BTreeSet<(u64, EntityId)>,
    /// (foe, holder) of every revenge.
    hunted: BTreeSet<(EntityId, EntityId)>,
    pub adopted: [u64; GOAL_KINDS],
    pub ended: [[u64; GOAL_OUTCOMES]; GOAL_KINDS],
}

impl GoalBook {
    pub fn held(&self, id: EntityId) -> Option<&Held> {
        self.held.get(&id)
    }

    pub fn active(&self) -> u64 {
        self.held.len() as u64
    }

    /// Adopted = ended + active, for every kind together.
    pub fn balanced(&self) -> bool {
        let adopted: u64 = self.adopted.iter().sum();
        let ended: u64 = self.ended.iter().flatten().sum();
        adopted == ended + self.active()
    }

    fn take(&mut self, id: EntityId) -> Option<Held> {
        let h = self.held.remove(&id)?;
        self.due.remove(&(h.until, id));
        if let Some(foe) = h.foe {
            self.hunted.remove(&(foe, id));
        }
        Some(h)
    }

    fn put(&mut self, id: EntityId, h: Held) {
        self.due.insert((h.until, id));
        if let Some(foe) = h.foe {
            self.hunted.insert((foe, id));
        }
        self.adopted[h.kind as usize] += 1;
        self.held.insert(id, h);
    }

    fn hunters_of(&self, foe: EntityId) -> Vec<EntityId> {
        self.hunted
            .range((foe, EntityId(0))..=(foe, EntityId(u64::MAX)))
            .map(|(_, h)| *h)
            .collect()
    }
}

/// The pack's goal rules by kind.
#[derive(Resource, Debug, Default)]
pub struct GoalRules(pub [Option<GoalRule>; GOAL_KINDS]);

impl GoalRules {
    pub fn new(rules: &[GoalRule]) -> GoalRules {
        let mut by_kind: [Option<GoalRule>; GOAL_KINDS] = Default::default();
        for r in rules {
            by_kind[r.goal as usize] = Some(r.clone());
        }
        GoalRules(by_kind)
    }

    fn get(&self, kind: GoalKind) -> Option<&GoalRule> {
        self.0[kind as usize].as_ref()
    }
}

/// This tick's denied intents that were acts of a goal: (seq, goal).
#[derive(Resource, Debug, Default)]
pub struct GoalActs(pub Vec<(u64, GoalKind)>);

/// One goal event to emit.
enum Change {
    Adopt(EntityId, Held, Cause),
    End(EntityId, Held, GoalOutcome, Cause),
}

/// What `settle` works with.
struct Ctx<'a, 'w, 's> {
    tick: u64,
    seed: u64,
    rules: &'a GoalRules,
    zones: &'a Zones,
    index: &'a Index<'a, 'w, 's>,
    dying: &'a BTreeSet<EntityId>,
    /// Seq the next change will get.
    next_seq: u64,
    out: Vec<Change>,
}

impl Ctx<'_, '_, '_> {
    fn end(&mut self, book: &mut GoalBook, who: EntityId, outcome: GoalOutcome, cause: Cause) {
        if let Some(h) = book.take(who) {
            book.ended[h.kind as usize][outcome as usize] += 1;
            self.out.push(Change::End(who, h, outcome, cause));
            self.next_seq += 1;
        }
    }

    /// Adopts `kind` (ending a held goal as superseded first).
    fn adopt(
        &mut self,
        book: &mut GoalBook,
        who: EntityId,
        kind: GoalKind,
        foe: Option<EntityId>,
        cause: Cause,
    ) {
        let Some(rule) = self.rules.get(kind) else {
            return;
        };
        let Some(agent) = self.index.agent(who) else {
            return;
        };
        let mut h = Held {
            kind,
            foe,
            zone: None,
            aim: 0,
            until: self.tick + rule.ticks as u64,
            adopted: 0,
            depth: cause.depth.saturating_add(1),
        };
        match kind {
            GoalKind::Fortune => h.aim = agent.wealth.saturating_add(rule.aim),
            GoalKind::Pilgrimage => match shrine(self.zones, agent.pos, self.seed, cause.seq) {
                Some(z) => h.zone = Some(z),
                None => return,
            },
            _ => {}
        }
        if book.held(who).is_some() {
            self.end(book, who, GoalOutcome::Superseded, cause);
        }
        h.adopted = self.next_seq;
        book.put(who, h);
        self.out.push(Change::Adopt(who, h, cause));
        self.next_seq += 1;
    }
}

/// Narrate: goals adopted and ended by the tick's events, then those due
/// expire; their events are emitted in that order and mirrored on the
/// holders' `Goal` components.
#[allow(clippy::too_many_arguments)]
pub(super) fn settle(
    clock: Res<SimClock>,
    seed: Res<RunSeed>,
    rules: Res<GoalRules>,
    zones: Res<Zones>,
    entities: Res<EntityIndex>,
    mut book: ResMut<GoalBook>,
    mut acts: ResMut<GoalActs>,
    mut vows: ResMut<super::sift::SiftVows>,
    mut log: ResMut<EventLog>,
    agents: Facts,
    mut pursuits: Query<&mut Pursuit>,
) {
    acts.0.clear();
    let index = Index::new(&entities, &agents);
    let pending = log.pending();
    let dying = dying(pending);
    let mut ctx = Ctx {
        tick: clock.tick,
        seed: seed.0,
        rules: &rules,
        zones: &zones,
        index: &index,
        dying: &dying,
        next_seq: log.next_seq(),
        out: Vec::new(),
    };
    for vow in vows.0.drain(..) {
        keep_vow(&mut ctx, &mut book, vow);
    }
    for ev in pending {
        on_event(&mut ctx, &mut book, &mut acts, pending, ev);
    }
    expire(&mut ctx, &mut book);
    let out = std::mem::take(&mut ctx.out);
    drop(ctx);
    for change in out {
        emit(&mut log, &change);
        mirror(&mut pursuits, &entities, &change);
    }
}

/// What one event does to the goals.
fn on_event(
    ctx: &mut Ctx,
    book: &mut GoalBook,
    acts: &mut GoalActs,
    pending: &[Event],
    ev: &Event,
) {
    let Some(actor) = ev.actor else {
        return;
    };
    // Most events (trades, chats, reputation) never need the holder's goal.
    let asks = matches!(
        ev.payload,
        Payload::Damage { .. }
            | Payload::LifeStage { .. }
            | Payload::Arrived { .. }
            | Payload::Migration { .. }
            | Payload::IntentDenied(_)
    );
    let held = if asks {
        book.held(actor).copied()
    } else {
        None
    };
    match &ev.payload {
        Payload::Death { .. } => {
            ctx.end(book, actor, GoalOutcome::Died, ev.as_cause());
            for hunter in book.hunters_of(actor) {
                let outcome = if ev.target == Some(hunter) {
                    GoalOutcome::Fulfilled
                } else {
                    GoalOutcome::Abandoned
                };
                ctx.end(book, hunter, outcome, ev.as_cause());
            }
        }
        Payload::Departure { .. } => {
            // A foe who leaves the world can no longer be paid back.
            for hunter in book.hunters_of(actor) {
                ctx.end(book, hunter, GoalOutcome::Abandoned, ev.as_cause());
            }
        }
        Payload::Damage { .. } => {
            if let (Some(h), Some(foe)) = (held, ev.target)
                && h.kind == GoalKind::Revenge
                && h.foe == Some(foe)
            {
                ctx.end(book, actor, GoalOutcome::Fulfilled, ev.as_cause());
            }
        }
        Payload::Grief { .. } => grieve(ctx, book, pending, ev, actor),
        Payload::LifeStage { stage } => {
            use crate::core::stat7::Horizon;
            if matches!(stage, Horizon::Emergence | Horizon::Peak)
                && held.is_none()
                && !ctx.dying.contains(&actor)
                && let Some(kind) = ctx
                    .index
                    .agent(actor)
                    .and_then(|a| life_goal(ctx, a, ev.seq))
            {
                ctx.adopt(book, actor, kind, None, ev.as_cause());
            }
        }
        Payload::Arrived { x, y } => {
            let here = ctx.zones.zone_at(bevy::math::Vec2::new(*x, *y)).id;
            if held.is_some_and(|h| h.kind == GoalKind::Pilgrimage && h.zone == Some(here)) {
                ctx.end(book, actor, GoalOutcome::Fulfilled, ev.as_cause());
            }
        }
        Payload::Migration { to_zone, .. }
            if held.is_some_and(|h| {
                h.kind == GoalKind::Pilgrimage && h.zone == Some(ZoneId(*to_zone))
            }) =>
        {
            ctx.end(book, actor, GoalOutcome::Fulfilled, ev.as_cause());
        }
        Payload::Birth { partner, .. } => {
            for parent in [actor, EntityId(*partner)] {
                if book
                    .held(parent)
                    .is_some_and(|h| h.kind == GoalKind::Family)
                {
                    ctx.end(book, parent, GoalOutcome::Fulfilled, ev.as_cause());
                }
            }
        }
        Payload::Trade { buyer, seller, .. } => {
            for party in [EntityId(*buyer), EntityId(*seller)] {
                rich_enough(ctx, book, party, ev);
            }
        }
        Payload::LootPicked { .. } => rich_enough(ctx, book, actor, ev),
        Payload::Inheritance { .. } => {
            if let Some(heir) = ev.target {
                rich_enough(ctx, book, heir, ev);
            }
        }
        Payload::IntentDenied(r) => {
            if let Some(h) = held
                && goal_act(h, r.action, ev.target)
            {
                acts.0.push((ev.seq, h.kind));
            }
        }
        _ => {}
    }
}

/// A story's vow (last tick's `sifted` event): a nudge, not an order. It
/// is kept only by one who has the goal's trait as strongly as the goal
/// asks (as grief's revenge does), does not pursue that goal already, and
/// lives, as its foe does; it supersedes another goal, as grief does.
fn keep_vow(ctx: &mut Ctx, book: &mut GoalBook, vow: super::sift::VowOrder) {
    use crate::core::scenario::goals::TraitName;
    let alive = |id: EntityId| !ctx.dying.contains(&id) && ctx.index.agent(id).is_some();
    let (Some(me), Some(rule)) = (ctx.index.agent(vow.who), ctx.rules.get(vow.goal)) else {
        return;
    };
    let t = &me.traits;
    let strength = match rule.trait_name {
        TraitName::Vengeance => t.vengeance,
        TraitName::Devotion => t.devotion,
        TraitName::Ambition => t.ambition,
        TraitName::Warmth => t.warmth,
    };
    let busy = book.held(vow.who).is_some_and(|h| h.kind == vow.goal);
    if !busy
        && me.kind.breeds()
        && strength >= rule.min_trait
        && alive(vow.who)
        && vow.foe.is_none_or(alive)
    {
        ctx.adopt(book, vow.who, vow.goal, vow.foe, vow.cause);
    }
}

/// Whether a denied action was an act of the goal `h`.
fn goal_act(h: Held, action: &str, target: Option<EntityId>) -> bool {
    match h.kind {
        GoalKind::Revenge => action == "attack" && target.is_some() && target == h.foe,
        GoalKind::Pilgrimage => action == "travel",
        GoalKind::Fortune => matches!(action, "trade" | "gather"),
        GoalKind::Family => matches!(action, "reproduce" | "socialise"),
        GoalKind::Mourning => false,
    }
}

/// A fortune is made once the holder is as rich as it aimed.
fn rich_enough(ctx: &mut Ctx, book: &mut GoalBook, who: EntityId, ev: &Event) {
    let Some(h) = book.held(who).copied() else {
        return;
    };
    if h.kind == GoalKind::Fortune && ctx.index.agent(who).is_some_and(|a| a.wealth >= h.aim) {
        ctx.end(book, who, GoalOutcome::Fulfilled, ev.as_cause());
    }
}

/// Grief: a friend killed moves the vengeful to revenge on the killer
/// (whatever else they pursued); otherwise the warm who pursue nothing
/// mourn (a life goal carries one through grief).
fn grieve(ctx: &mut Ctx, book: &mut GoalBook, pending: &[Event], ev: &Event, who: EntityId) {
    if ctx.dying.contains(&who) {
        return;
    }
    let Some(me) = ctx.index.agent(who) else {
        return;
    };
    if !me.kind.breeds() {
        return;
    }
    let killer = ev
        .cause
        .and_then(|seq| by_seq(pending, seq))
        .and_then(|death| death.target)
        .filter(|k| *k != who && !ctx.dying.contains(k) && ctx.index.agent(*k).is_some());
    let held = book.held(who).map(|h| h.kind);
    if let (Some(killer), Some(rule)) = (killer, ctx.rules.get(GoalKind::Revenge))
        && me.traits.vengeance >= rule.min_trait
    {
        ctx.adopt(book, who, GoalKind::Revenge, Some(killer), ev.as_cause());
        return;
    }
    if let Some(rule) = ctx.rules.get(GoalKind::Mourning)
        && me.traits.warmth >= rule.min_trait
        && held.is_none()
    {
        ctx.adopt(book, who, GoalKind::Mourning, None, ev.as_cause());
    }
}

/// The event of this tick with `seq`, if any (the tick's events are in seq order).
fn by_seq(pending: &[Event], seq: u64) -> Option<&Event> {
    pending
        .binary_search_by_key(&seq, |e| e.seq)
        .ok()
        .map(|i| &pending[i])
}

/// Goals whose time is up: expired (a mourning is then over: fulfilled).
fn expire(ctx: &mut Ctx, book: &mut GoalBook) {
    let due: Vec<(u64, EntityId)> = book
        .due
        .range(..=(ctx.tick, EntityId(u64::MAX)))
        .copied()
        .collect();
    for (_, who) in due {
        let Some(h) = book.held(who).copied() else {
            continue;
        };
        let outcome = match h.kind {
            GoalKind::Mourning => GoalOutcome::Fulfilled,
            _ => GoalOutcome::Expired,
        };
        let cause = Cause {
            seq: h.adopted,
            depth: h.depth,
            correlation: None,
        };
        ctx.end(book, who, outcome, cause);
    }
}

fn emit(log: &mut EventLog, change: &Change) {
    match change {
        Change::Adopt(who, h, cause) => {
            let aim = (h.kind == GoalKind::Fortune).then_some(h.aim);
            log.emit_ids(
                Payload::GoalAdopted {
                    goal: h.kind,
                    until: h.until,
                    zone: h.zone.map(|z| z.0),
                    aim,
                },
                Some(*who),
                h.foe,
                Some(*cause),
            );
        }
        Change::End(who, h, outcome, cause) => {
            log.emit_ids(
                Payload::GoalEnded {
                    goal: h.kind,
                    outcome: *outcome,
                    adopted: h.adopted,
                },
                Some(*who),
                h.foe,
                Some(*cause),
            );
        }
    }
}

/// The brain's view of the change, written in place on the holder's
/// `Pursuit`. The dead are already buried, so a holder may be gone.
fn mirror(pursuits: &mut Query<&mut Pursuit>, entities: &EntityIndex, change: &Change) {
    let who = match change {
        Change::Adopt(who, ..) | Change::End(who, ..) => *who,
    };
    let Some(mut p) = entities.get(who).and_then(|e| pursuits.get_mut(e).ok()) else {
        return;
    };
    match change {
        Change::Adopt(_, h, _) => p.set(h.kind, h.foe, h.zone),
        Change::End(..) => p.clear(),
    }
}

/// The life goal a coming of age brings: the strongest pull of traits and
/// archetype among fortune, family and pilgrimage, if strong enough.
fn life_goal(ctx: &Ctx, a: super::tick::Agent, seq: u64) -> Option<GoalKind> {
    use crate::core::agent::kinds::{AgentKind, Archetype};
    let AgentKind::Npc(arch) = a.kind else {
        return None;
    };
    if arch == Archetype::Monster {
        return None;
    }
    let bonus = |k: GoalKind| -> i32 {
        match (k, arch) {
            (GoalKind::Fortune, Archetype::Merchant) => 40,
            (GoalKind::Fortune, Archetype::Artisan) => 20,
            (GoalKind::Family, Archetype::Villager) => 30,
            (GoalKind::Pilgrimage, Archetype::Mystic) => 50,
            (GoalKind::Pilgrimage, Archetype::Scholar) => 30,
            _ => 0,
        }
    };
    let jitter = crate::core::rng::mix64(ctx.seed ^ crate::core::rng::mix64(seq ^ 0x676f_616c));
    [
        (GoalKind::Fortune, a.traits.ambition),
        (GoalKind::Family, a.traits.warmth),
        (GoalKind::Pilgrimage, a.traits.devotion),
    ]
    .into_iter()
    .enumerate()
    .filter_map(|(i, (k, t))| {
        let rule = ctx.rules.get(k)?;
        let score = t as i32 + bonus(k) + ((jitter >> (8 * i)) & 0x1f) as i32;
        (score >= rule.min_trait as i32).then_some((score, k))
    })
    .max()
    .map(|(_, k)| k)
}

/// A pilgrimage's destination: another zone than `pos`'s, chosen by hash.
fn shrine(zones: &Zones, pos: bevy::math::Vec2, seed: u64, seq: u64) -> Option<ZoneId> {
    let here = zones.zone_at(pos).id;
    let others: Vec<ZoneId> = zones
        .all()
        .iter()
        .map(|z| z.id)
        .filter(|z| *z != here)
        .collect();
    if others.is_empty() {
        return None;
    }
    let h = crate::core::rng::mix64(seed ^ crate::core::rng::mix64(seq ^ 0x7368_7269_6e65));
    Some(others[(h % others.len() as u64) as usize])
}
