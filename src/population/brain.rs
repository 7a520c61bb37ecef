//! The brain of an NPC or bot player: a weighted choice between activities,
//! shaped by needs (energy, health, goods), danger, zone rules and who is
//! nearby. It is a pure function of the agent, a read-only world snapshot and
//! the agent's own random stream, which is what lets Decide run in parallel
//! and stay deterministic. Neighbours are picked by the smallest random key,
//! never by the order the grid lists them in. A goal (Warbler's) biases the
//! weights and gives the brain a foe to strike or a zone to reach; the brain
//! still only proposes, and governance judges what it proposes.

use bevy::math::Vec2;
use rand_pcg::Pcg32;

use super::params::SimParams;
use crate::core::agent::components::{EntityId, Life, Purse, Relations, Standing, Vitals};
use crate::core::agent::intent::{Action, Target};
use crate::core::agent::kinds::{ACTIVITY_COUNT, Activity, AgentKind, Profile};
use crate::core::agent::story::{Goal, GoalKind};
use crate::core::rng::{Draw, mix64};
use crate::core::scenario::festival::ZoneFestivals;
use crate::core::stat7::Horizon;
use crate::world::{Neighbour, SpatialGrid, ZoneLedger, Zones};

/// The read-only world a brain looks at.
pub struct Surroundings<'a> {
    pub tick: u64,
    pub grid: &'a SpatialGrid,
    pub zones: &'a Zones,
    pub ledger: &'a ZoneLedger,
    pub params: &'a SimParams,
    /// The director's festivals, by zone.
    pub festivals: &'a ZoneFestivals,
}

/// The deciding agent.
pub struct Me<'a> {
    pub id: EntityId,
    pub kind: AgentKind,
    pub pos: Vec2,
    pub vitals: &'a Vitals,
    pub purse: &'a Purse,
    pub standing: &'a Standing,
    pub relations: &'a Relations,
    pub life: &'a Life,
    /// The goal it pursues, if any.
    pub goal: Option<&'a Goal>,
    /// Where the one its goal seeks stands now: a revenge's foe, a
    /// family-seeker's closest friend (if alive).
    pub sought: Option<Vec2>,
}

/// Base chance per socialising tick-decision that two friends have a child.
const BIRTH_CHANCE: f32 = 0.25;
/// Affinity two agents need before they start a family.
const FAMILY_AFFINITY: i8 = 20;

/// How close a foe must be to be struck (governance's attack range).
const FOE_REACH: f32 = 12.0;

/// Most neighbours a brain looks at in each of the 3×3 cells around it.
const NEIGHBOURS_PER_CELL: usize = 16;

/// Who is around, each category picked by smallest random key.
#[derive(Default)]
struct Around {
    partner: Option<(u64, Target)>,
    enemy: Option<(u64, Target)>,
    threat: Option<(f32, EntityId, Vec2)>,
    friend: Option<Target>,
    /// The foe of a revenge, when in reach.
    foe: Option<Target>,
}

fn keep_min(slot: &mut Option<(u64, Target)>, key: u64, n: &Neighbour) {
    if slot.is_none_or(|(k, _)| key < k) {
        *slot = Some((
            key,
            Target {
                id: n.id,
                entity: n.entity,
            },
        ));
    }
}

fn look_around(s: &Surroundings, me: &Me, salt: u64, may_fight: bool) -> Around {
    let radius2 = s.zones.cell_size() * s.zones.cell_size();
    let friend = me.relations.closest_friend();
    let foe = me
        .goal
        .filter(|g| g.kind == GoalKind::Revenge)
        .and_then(|g| g.target)
        .map(|(id, _)| id);
    let mut around = Around::default();
    s.grid
        .for_each_near_capped(me.pos, NEIGHBOURS_PER_CELL, salt, |n| {
            if n.id == me.id {
                return;
            }
            let d2 = n.pos.distance_squared(me.pos);
            if d2 > radius2 {
                return;
            }
            let key = mix64(salt ^ n.id.0);
            if n.kind.hostile_to(me.kind)
                && around.threat.is_none_or(|(t, id, _)| (d2, n.id) < (t, id))
            {
                around.threat = Some((d2, n.id, n.pos));
            }
            if may_fight && me.kind.hostile_to(n.kind) {
                let pvp_ok = !(me.kind.is_player() && n.kind.is_player())
                    || s.zones.zone_at(me.pos).pvp
                    || me.kind == AgentKind::Player(Profile::Griefer);
                if pvp_ok {
                    keep_min(&mut around.enemy, key, n);
                }
            }
            if me.kind.trades() && n.kind.trades() && !n.kind.hostile_to(me.kind) {
                keep_min(&mut around.partner, key, n);
            }
            if Some(n.id) == foe {
                around.foe = Some(Target {
                    id: n.id,
                    entity: n.entity,
                });
            }
            if Some(n.id) == friend {
                around.friend = Some(Target {
                    id: n.id,
                    entity: n.entity,
                });
            }
        });
    around
}

/// Chooses what `me` does next.
pub fn choose(s: &Surroundings, me: &Me, rng: &mut Pcg32) -> Action {
    let zone = s.zones.zone_at(me.pos);
    let griefer = me.kind == AgentKind::Player(Profile::Griefer);
    let may_fight = !zone.safe || griefer;
    let salt = ((rng.raw() as u64) << 32) | rng.raw() as u64;
    let mut around = look_around(s, me, salt, may_fight);
    let goal = me.goal.filter(|_| s.params.goals.on);

    let mut w: [f32; ACTIVITY_COUNT] = *s.params.weights_of(me.kind);
    let v = me.vitals;
    if v.energy < 25.0 {
        w[Activity::Rest as usize] += 10.0;
    } else if v.energy > 90.0 {
        w[Activity::Rest as usize] *= 0.1;
    }
    // Good moods make company attractive, bad ones keep agents apart.
    let sociable = 1.0 + me.standing.mood.max(-0.9);
    w[Activity::Chat as usize] *= sociable;
    w[Activity::Socialise as usize] *= sociable;
    if me.purse.goods == 0 {
        w[Activity::Gather as usize] *= 2.0;
    }
    if s.ledger.stock[zone.id.0 as usize] == 0 {
        w[Activity::Gather as usize] = 0.0;
    }
    let fighter = matches!(
        me.kind,
        AgentKind::Player(Profile::Fighter | Profile::Griefer)
    );
    match around.threat {
        Some(_) if v.health < 50.0 || !fighter => w[Activity::Flee as usize] *= 4.0,
        Some(_) => {}
        None => w[Activity::Flee as usize] = 0.0,
    }
    let festive = s.festivals.on(zone.id.0 as usize, s.tick);
    if festive {
        for (weight, bias) in w.iter_mut().zip(s.festivals.bias) {
            *weight *= bias;
        }
    }
    if let Some(g) = goal {
        steer(s, me, g, &mut around, &mut w);
    }
    if around.enemy.is_none() {
        w[Activity::Fight as usize] = 0.0;
    }
    if around.partner.is_none() {
        for a in [Activity::Trade, Activity::Chat, Activity::Socialise] {
            w[a as usize] = 0.0;
        }
    }
    if around.friend.is_none() && around.partner.is_none() {
        w[Activity::Follow as usize] = 0.0;
    }

    let activity = rng
        .weighted(&w)
        .map_or(Activity::Idle, |i| Activity::ALL[i]);
    let partner = around.partner.map(|(_, t)| t);
    let seeking_fortune = goal.is_some_and(|g| g.kind == GoalKind::Fortune);
    match activity {
        Activity::Idle => Action::Idle {
            ticks: rng.between(10, 30) as u16,
        },
        // Griefers try to teleport now and then (the speed limit stops them).
        Activity::Wander if griefer && rng.chance(0.3) => Action::Step {
            to: s
                .zones
                .clamp(me.pos + Vec2::new(rng.signed(), rng.signed()) * 40.0),
        },
        Activity::Wander | Activity::Travel
            if goal.is_some_and(|g| matches!(g.kind, GoalKind::Revenge | GoalKind::Family)) =>
        {
            pursue(s, me, rng)
        }
        Activity::Travel if goal.is_some_and(|g| g.kind == GoalKind::Pilgrimage) => {
            pilgrimage(s, me, rng)
        }
        Activity::Wander => Action::Wander {
            to: s
                .zones
                .clamp(me.pos + Vec2::new(rng.signed(), rng.signed()) * 30.0),
        },
        Activity::Travel => {
            let all = s.zones.all();
            let dest = &all[rng.below(all.len() as u32) as usize];
            Action::Travel {
                zone: dest.id,
                to: s
                    .zones
                    .clamp(dest.poi + Vec2::new(rng.signed(), rng.signed()) * 5.0),
            }
        }
        Activity::Gather => Action::Gather {
            ticks: rng.between(20, 40) as u16,
        },
        Activity::Trade => match partner {
            Some(with) => {
                let goods = rng.between(1, 3) as u16;
                // A fortune is made by selling what one gathers, dearly.
                let buying = me.purse.goods < 2 || (!seeking_fortune && rng.chance(0.5));
                let each = if seeking_fortune && !buying {
                    rng.between(12, 18)
                } else {
                    rng.between(8, 15)
                };
                Action::Trade {
                    with,
                    goods,
                    price: goods as u32 * each,
                    buying,
                }
            }
            None => Action::Idle { ticks: 10 },
        },
        Activity::Chat => match partner {
            Some(with) => Action::Chat {
                with,
                ticks: rng.between(10, 30) as u16,
                // Griefers spam walls of text; everyone else keeps it short.
                length: if griefer {
                    rng.between(150, 600)
                } else {
                    rng.between(5, 120)
                } as u16,
            },
            None => Action::Idle { ticks: 10 },
        },
        Activity::Fight => match around.enemy {
            Some((_, target)) => Action::Attack {
                target,
                damage: (me.kind.power() as f32 * (0.5 + rng.unit())) as u16,
            },
            None => Action::Idle { ticks: 10 },
        },
        Activity::Flee => {
            let from = around.threat.map_or(me.pos, |(_, _, p)| p);
            let away = (me.pos - from).normalize_or(Vec2::X);
            Action::Flee {
                to: s.zones.clamp(me.pos + away * 25.0),
            }
        }
        Activity::Rest => Action::Rest {
            ticks: rng.between(20, 60) as u16,
        },
        Activity::Socialise => socialise(s, me, rng, around.friend, partner),
        Activity::Follow => match around.friend.or(partner) {
            Some(target) => Action::Follow {
                target,
                ticks: rng.between(20, 50) as u16,
            },
            None => Action::Idle { ticks: 10 },
        },
    }
}

/// A goal's bias on the weights, and its foe as the enemy to strike (a
/// foe is struck even where the brain would not start a fight: governance
/// decides whether the blow may land).
fn steer(s: &Surroundings, me: &Me, g: &Goal, around: &mut Around, w: &mut [f32; ACTIVITY_COUNT]) {
    let goals = &s.params.goals;
    let at_shrine = g.kind == GoalKind::Pilgrimage && g.zone == Some(s.zones.zone_at(me.pos).id);
    for (a, weight) in w.iter_mut().enumerate() {
        if at_shrine && a == Activity::Travel as usize {
            continue;
        }
        *weight *= goals.multiplier(g.kind, a);
    }
    if g.kind == GoalKind::Revenge {
        // The foe is watched, not just met: within a blow's reach it is
        // struck even when the neighbour scan did not list it.
        if around.foe.is_none()
            && let (Some(pos), Some((id, entity))) = (me.sought, g.target)
            && pos.distance_squared(me.pos) <= FOE_REACH * FOE_REACH
        {
            around.foe = Some(Target { id, entity });
        }
        match around.foe {
            Some(foe) => {
                around.enemy = Some((0, foe));
                let fight = Activity::Fight as usize;
                w[fight] = w[fight].max(goals.multiplier(g.kind, fight));
            }
            // Nobody to strike here: going where the foe is weighs as
            // much as striking it would.
            None if me.sought.is_some() => {
                let wander = Activity::Wander as usize;
                w[wander] = w[wander].max(goals.multiplier(g.kind, Activity::Fight as usize));
            }
            None => {}
        }
    }
    // A family is made with a close friend: seek them out when apart.
    if g.kind == GoalKind::Family && around.friend.is_none() && me.sought.is_some() {
        let wander = Activity::Wander as usize;
        w[wander] = w[wander].max(goals.multiplier(g.kind, Activity::Socialise as usize));
    }
}

/// Walks (or travels, to another zone) towards whom the goal seeks.
fn pursue(s: &Surroundings, me: &Me, rng: &mut Pcg32) -> Action {
    let Some(to) = me.sought else {
        return Action::Wander {
            to: s
                .zones
                .clamp(me.pos + Vec2::new(rng.signed(), rng.signed()) * 30.0),
        };
    };
    let there = s.zones.zone_at(to);
    if there.id == s.zones.zone_at(me.pos).id {
        Action::Wander {
            to: s.zones.clamp(to),
        }
    } else {
        Action::Travel {
            zone: there.id,
            to: s.zones.clamp(to),
        }
    }
}

/// Travels to the zone a pilgrimage leads to.
fn pilgrimage(s: &Surroundings, me: &Me, rng: &mut Pcg32) -> Action {
    let all = s.zones.all();
    let dest = me
        .goal
        .and_then(|g| g.zone)
        .and_then(|z| all.get(z.0 as usize))
        .unwrap_or(&all[0]);
    Action::Travel {
        zone: dest.id,
        to: s
            .zones
            .clamp(dest.poi + Vec2::new(rng.signed(), rng.signed()) * 5.0),
    }
}

/// Socialising with a close friend of one's own kind may start a family.
fn socialise(
    s: &Surroundings,
    me: &Me,
    rng: &mut Pcg32,
    friend: Option<Target>,
    partner: Option<Target>,
) -> Action {
    let ticks = rng.between(10, 30) as u16;
    let fertile = matches!(me.life.horizon(s.tick), Horizon::Emergence | Horizon::Peak);
    let zone = s.zones.zone_at(me.pos);
    let room = zone
        .population_cap
        .is_none_or(|cap| s.ledger.population[zone.id.0 as usize] < cap);
    if let Some(f) = friend
        && me.kind.breeds()
        && fertile
        && room
        && me.relations.affinity(f.id) >= FAMILY_AFFINITY
        && rng.chance(s.params.birth_rate * BIRTH_CHANCE * family_bias(s, me))
    {
        return Action::Reproduce { partner: f };
    }
    match friend.or(partner) {
        Some(with) => Action::Socialise { with, ticks },
        None => Action::Idle { ticks },
    }
}

/// How much a goal raises the chance of a child (1 without one).
fn family_bias(s: &Surroundings, me: &Me) -> f32 {
    let goal = match me.goal {
        Some(g) if s.params.goals.on => s.params.goals.birth_multiplier(g.kind),
        _ => 1.0,
    };
    let zone = s.zones.zone_at(me.pos).id.0 as usize;
    if s.festivals.on(zone, s.tick) {
        goal * s.festivals.birth
    } else {
        goal
    }
}

#[cfg(test)]
#[path = "brain_tests.rs"]
mod tests;
