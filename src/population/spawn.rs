//! Bringing agents into the world: the scenario's initial groups (Startup),
//! players logging in and monsters respawning at the scenario's rates, and
//! scripted waves (all in Input). Births go through [`spawn_agent`] too, so
//! every agent starts the same way and is counted the same way.

use bevy::math::Vec2;
use bevy::prelude::*;

use super::census::{Census, EntityIndex, NextId, TickCounters};
use super::life::{Calendar, scaled_lifespan};
use super::params::SimParams;
use crate::core::agent::components::*;
use crate::core::agent::intent::Target;
use crate::core::agent::kinds::{Activity, AgentKind, Archetype};
use crate::core::agent::story::{Chronicle, LifeArc, Pursuit, Traits};
use crate::core::rng::{Draw, WorldRng, entity_rng};
use crate::core::scenario::director::{RaidOrder, RaidOrders};
use crate::core::scenario::{GroupSpec, Scenario};
use crate::core::{RunSeed, SimClock};
use crate::events::{EventLog, Payload};
use crate::world::{Zone, Zones};

/// Everything that differs between two newly spawned agents.
pub struct Newcomer {
    pub kind: AgentKind,
    pub pos: Vec2,
    pub wealth: u64,
    pub goods: u32,
    pub faction: u8,
    pub born: i64,
    pub ends: i64,
    pub generation: u32,
    pub parent: EntityId,
    /// First tick its brain decides (staggers a large initial population).
    pub busy_until: u64,
    /// The parents' traits, for the born (the spawned get their own).
    pub parents: Option<(Traits, Traits)>,
    /// Where it travels from the start (a raider heads for its zone's
    /// point of interest until `busy_until`); none: it decides at once.
    pub heading: Option<Vec2>,
}

/// The shared bookkeeping every spawn touches.
pub struct Registry<'a> {
    pub next_id: &'a mut NextId,
    pub census: &'a mut Census,
    pub calendar: &'a mut Calendar,
    pub index: &'a mut EntityIndex,
    pub seed: u64,
    /// The current tick.
    pub now: u64,
}

/// Spawns one agent, registers its end of life and counts it.
pub fn spawn_agent(commands: &mut Commands, reg: &mut Registry, n: Newcomer) -> (EntityId, Entity) {
    let id = EntityId(reg.next_id.0);
    reg.next_id.0 += 1;
    let life = Life {
        born: n.born,
        ends: n.ends,
        generation: n.generation,
        parent: n.parent,
    };
    let traits = match n.parents {
        Some((a, b)) => Traits::inherit(a, b, reg.seed, id),
        None => Traits::of(reg.seed, id),
    };
    let entity = commands
        .spawn(AgentBundle {
            id,
            kind: Kind(n.kind),
            position: Position(n.pos),
            motion: Motion {
                target: n.heading.unwrap_or(n.pos),
                moving: n.heading.is_some(),
            },
            vitals: Vitals {
                health: 100.0,
                energy: 80.0,
            },
            purse: Purse {
                wealth: n.wealth,
                goods: n.goods,
            },
            standing: Standing {
                faction: n.faction,
                reputation: 0,
                mood: 0.0,
            },
            relations: Relations::default(),
            life,
            behaviour: Behaviour {
                activity: match n.heading {
                    Some(_) => Activity::Travel,
                    None => Activity::Idle,
                },
                since: n.born.max(0) as u64,
                until: n.busy_until,
                with: None,
            },
            brain: Brain(entity_rng(reg.seed, id.0)),
            conduct: Conduct::default(),
            traits,
            arc: LifeArc(life.horizon(reg.now)),
            chronicle: Chronicle::default(),
            pursuit: Pursuit::default(),
        })
        .id();
    reg.census.alive[n.kind.index()] += 1;
    reg.index.insert(id, entity);
    reg.calendar.schedule(n.ends, id, entity);
    (id, entity)
}

/// A uniformly random point in a zone (or anywhere if `zone` is `None`).
fn random_point(rng: &mut WorldRng, zones: &Zones, zone: Option<&Zone>) -> Vec2 {
    let (min, max) = zone.map_or((Vec2::ZERO, zones.size()), |z| (z.min, z.max));
    zones.clamp(min + (max - min) * Vec2::new(rng.unit(), rng.unit()))
}

/// Lifespan (NPCs) or session length (players) of a newcomer, in ticks.
fn life_length(rng: &mut WorldRng, params: &SimParams, kind: AgentKind) -> i64 {
    let range = if kind.is_player() {
        params.session_ticks
    } else {
        params.lifespan_ticks
    };
    let scale = if kind.is_player() {
        1.0
    } else {
        params.death_rate
    };
    scaled_lifespan(rng.between(range.0, range.1), scale)
}

pub(super) struct Spawner<'w, 's, 'a> {
    pub(super) commands: Commands<'w, 's>,
    pub(super) reg: Registry<'a>,
    pub(super) log: &'a mut EventLog,
    pub(super) rng: &'a mut WorldRng,
    pub(super) zones: &'a Zones,
    pub(super) params: &'a SimParams,
    pub(super) counters: &'a mut TickCounters,
    pub(super) tick: i64,
}

impl Spawner<'_, '_, '_> {
    /// Spawns `count` of `kind` in `zone`; `age`: whether NPCs start part-way
    /// through life (the initial population: up to 95% of it lived, so the
    /// old die early in the run) or newly arrived.
    fn group(
        &mut self,
        kind: AgentKind,
        count: u32,
        zone: Option<&Zone>,
        wealth: (u32, u32),
        age: bool,
    ) {
        for _ in 0..count {
            let pos = random_point(self.rng, self.zones, zone);
            let len = life_length(self.rng, self.params, kind);
            let already = if age && !kind.is_player() {
                (self.rng.unit() * 0.95 * len as f32) as i64
            } else {
                0
            };
            let wealth = self.rng.between(wealth.0, wealth.1) as u64;
            let goods = self.rng.below(6);
            let faction = self.rng.below(4) as u8;
            let (id, entity) = spawn_agent(
                &mut self.commands,
                &mut self.reg,
                Newcomer {
                    kind,
                    pos,
                    wealth,
                    goods,
                    faction,
                    born: self.tick - already,
                    ends: self.tick - already + len,
                    generation: 1,
                    parent: EntityId(0),
                    // The initial population starts mid-activity, so its
                    // first decisions spread over the first ticks.
                    busy_until: if age {
                        self.rng.below(INITIAL_STAGGER) as u64
                    } else {
                        0
                    },
                    parents: None,
                    heading: None,
                },
            );
            announce_arrival(
                self.log,
                self.counters,
                Target { id, entity },
                kind,
                pos,
                wealth,
            );
        }
    }
}

/// The spawn event of a newcomer and its count: an arrival brings coins
/// into the world, which the wealth books must know.
pub fn announce_arrival(
    log: &mut EventLog,
    counters: &mut TickCounters,
    who: Target,
    kind: AgentKind,
    pos: Vec2,
    wealth: u64,
) {
    announce_caused(log, counters, who, (kind, pos, wealth), None);
}

/// [`announce_arrival`] of a newcomer something brought (a raider, the
/// director's decision).
pub(super) fn announce_caused(
    log: &mut EventLog,
    counters: &mut TickCounters,
    who: Target,
    (kind, pos, wealth): (AgentKind, Vec2, u64),
    cause: Option<crate::events::Cause>,
) {
    log.emit(
        Payload::Spawn {
            agent: kind.name(),
            x: pos.x,
            y: pos.y,
            wealth,
        },
        Some(who),
        None,
        cause,
    );
    counters.arrivals += 1;
    counters.wealth_minted += wealth;
}

/// Ticks over which the initial population's first decisions are spread.
const INITIAL_STAGGER: u32 = 30;

/// The scenario's groups and waves, kept for the spawn systems.
#[derive(Resource, Clone, Debug)]
pub struct SpawnPlan {
    pub groups: Vec<GroupSpec>,
    pub waves: Vec<crate::core::scenario::WaveSpec>,
    pub player_zone: Option<String>,
    /// Fractional arrivals carried over between ticks (players, monsters).
    pub credit: (f32, f32),
}

impl SpawnPlan {
    pub fn from_scenario(s: &Scenario) -> SpawnPlan {
        let mut waves = s.waves.clone();
        waves.sort_by_key(|w| w.tick);
        SpawnPlan {
            groups: s.population.groups.clone(),
            waves,
            player_zone: s.spawn.player_zone.clone(),
            credit: (0.0, 0.0),
        }
    }
}

#[derive(bevy::ecs::system::SystemParam)]
pub(super) struct SpawnParams<'w, 's> {
    pub(super) commands: Commands<'w, 's>,
    next_id: ResMut<'w, NextId>,
    pub(super) census: ResMut<'w, Census>,
    calendar: ResMut<'w, Calendar>,
    pub(super) counters: ResMut<'w, TickCounters>,
    rng: ResMut<'w, WorldRng>,
    zones: Res<'w, Zones>,
    params: Res<'w, SimParams>,
    seed: Res<'w, RunSeed>,
    clock: Res<'w, SimClock>,
    plan: ResMut<'w, SpawnPlan>,
    pub(super) index: ResMut<'w, EntityIndex>,
    pub(super) log: ResMut<'w, EventLog>,
    raids: ResMut<'w, RaidOrders>,
    pub(super) raiders: Query<'w, 's, super::raid::RaiderFacts>,
}

impl SpawnParams<'_, '_> {
    /// Runs `f` with a spawner over this system's resources and the plan.
    fn with(&mut self, f: impl FnOnce(&mut Spawner, &mut SpawnPlan, u32, u32)) {
        let players = self.census.players();
        let monsters = self.census.of(AgentKind::Npc(Archetype::Monster));
        let mut spawner = Spawner {
            commands: self.commands.reborrow(),
            reg: Registry {
                next_id: &mut self.next_id,
                census: &mut self.census,
                calendar: &mut self.calendar,
                index: &mut self.index,
                seed: self.seed.0,
                now: self.clock.tick,
            },
            log: &mut self.log,
            rng: &mut self.rng,
            zones: &self.zones,
            params: &self.params,
            counters: &mut self.counters,
            tick: self.clock.tick as i64,
        };
        f(&mut spawner, &mut self.plan, players, monsters);
    }
}

/// Startup: the scenario's initial population, part-way through their lives.
pub(super) fn spawn_initial(mut p: SpawnParams) {
    // One spawn event each: reserve once rather than grow (and briefly hold
    // two copies of) a million-event buffer.
    let total: u64 = p.plan.groups.iter().map(|g| g.count.0 as u64).sum();
    p.log.reserve(total as usize);
    p.with(|s, plan, _, _| {
        for g in &plan.groups {
            let zone = g.zone.as_deref().and_then(|name| s.zones.by_name(name));
            s.group(g.kind, g.count.0, zone, g.wealth, true);
        }
    });
}

/// Input: waves due this tick, then players and monsters arriving at the
/// scenario's rates up to their caps.
pub(super) fn arrivals(mut p: SpawnParams) {
    let tick = p.clock.tick;
    let raids = std::mem::take(&mut p.raids.0);
    for order in &raids {
        if let RaidOrder::Withdraw { zone, decision } = *order {
            super::raid::withdraw(&mut p, zone, decision);
        }
    }
    p.with(|s, plan, players, monsters| {
        for order in raids {
            if let RaidOrder::Send {
                zone,
                monsters,
                decision,
            } = order
            {
                super::raid::raid(s, zone, monsters, decision);
            }
        }
        let due = plan.waves.partition_point(|w| w.tick < tick);
        let end = plan.waves.partition_point(|w| w.tick <= tick);
        for w in &plan.waves[due..end] {
            let zone = w.zone.as_deref().and_then(|name| s.zones.by_name(name));
            s.group(w.kind, w.count.0, zone, (50, 150), false);
        }

        let player_zone = match plan.player_zone.as_deref() {
            Some(name) => s.zones.by_name(name),
            None => s
                .zones
                .all()
                .iter()
                .find(|z| z.safe)
                .or(s.zones.all().first()),
        };
        plan.credit.0 += s.params.players_per_tick;
        let room = s.params.max_players.saturating_sub(players);
        let n = (plan.credit.0 as u32).min(room);
        plan.credit.0 = if room == 0 {
            0.0
        } else {
            plan.credit.0 - n as f32
        };
        for _ in 0..n {
            let profile = crate::core::agent::kinds::Profile::ALL[s.rng.below(5) as usize];
            s.group(AgentKind::Player(profile), 1, player_zone, (20, 80), false);
        }

        plan.credit.1 += s.params.monsters_per_tick;
        let room = s.params.max_monsters.saturating_sub(monsters);
        let n = (plan.credit.1 as u32).min(room);
        plan.credit.1 = if room == 0 {
            0.0
        } else {
            plan.credit.1 - n as f32
        };
        let wild: Vec<&Zone> = s.zones.all().iter().filter(|z| !z.safe).collect();
        for _ in 0..n {
            let zone = (!wild.is_empty()).then(|| wild[s.rng.below(wild.len() as u32) as usize]);
            s.group(AgentKind::Npc(Archetype::Monster), 1, zone, (5, 40), false);
        }
    });
}
