//! Decide: every agent whose current activity is over settles what it cost
//! (energy, rest) and asks its brain for the next intent. Agents run in
//! parallel, each touching only its own components and writing intents into
//! per-thread buffers; the buffers are merged and sorted by actor id, so the
//! result is the same on one thread or many. A deciding agent also
//! notices when its life stage has changed since its last decision
//! (`StageNotices`, for the narrative), so stages are tracked without a
//! scan of the population.

use bevy::ecs::query::QueryData;
use bevy::prelude::*;
use bevy::utils::Parallel;

use super::brain::{Me, Surroundings, choose};
use super::census::EntityIndex;
use super::params::SimParams;
use crate::core::SimClock;
use crate::core::agent::components::*;
use crate::core::agent::intent::{Intent, Intents, Source};
use crate::core::agent::kinds::Activity;
use crate::core::agent::story::{Goal, GoalKind, LifeArc, Pursuit, StageNotices};
use crate::core::scenario::festival::ZoneFestivals;
use crate::core::stat7::Horizon;
use crate::world::{SpatialGrid, ZoneLedger, Zones};

#[derive(QueryData)]
#[query_data(mutable)]
pub(super) struct Deciding {
    entity: Entity,
    id: &'static EntityId,
    kind: &'static Kind,
    position: &'static Position,
    motion: &'static Motion,
    vitals: &'static mut Vitals,
    purse: &'static Purse,
    standing: &'static mut Standing,
    relations: &'static Relations,
    life: &'static Life,
    behaviour: &'static mut Behaviour,
    brain: &'static mut Brain,
    arc: &'static mut LifeArc,
    pursuit: &'static Pursuit,
}

/// Health regained per tick of rest.
const REST_HEALING: f32 = 0.3;
/// Mood drifts back towards neutral by this factor at each decision.
const MOOD_DECAY: f32 = 0.9;

#[allow(clippy::too_many_arguments)]
pub(super) fn decide(
    clock: Res<SimClock>,
    grid: Res<SpatialGrid>,
    zones: Res<Zones>,
    ledger: Res<ZoneLedger>,
    params: Res<SimParams>,
    festivals: Res<ZoneFestivals>,
    mut intents: ResMut<Intents>,
    mut buffers: Local<Parallel<Vec<Intent>>>,
    mut stages: Local<Parallel<Vec<(EntityId, Horizon)>>>,
    mut notices: ResMut<StageNotices>,
    mut agents: Query<Deciding, Without<Piloted>>,
    positions: Query<&Position>,
    index: Res<EntityIndex>,
) {
    let tick = clock.tick;
    let surroundings = Surroundings {
        tick,
        grid: &grid,
        zones: &zones,
        ledger: &ledger,
        params: &params,
        festivals: &festivals,
    };
    agents.par_iter_mut().for_each_init(
        || (buffers.borrow_local_mut(), stages.borrow_local_mut()),
        |(out, noticed), mut a| {
            let b = *a.behaviour;
            let arrived = matches!(
                b.activity,
                Activity::Wander | Activity::Travel | Activity::Flee
            ) && !a.motion.moving;
            if tick < b.until && !arrived {
                return;
            }
            let elapsed = tick.saturating_sub(b.since) as f32;
            let v = &mut *a.vitals;
            v.energy = (v.energy - b.activity.energy_per_tick() * elapsed).clamp(0.0, 100.0);
            if b.activity == Activity::Rest {
                v.health = (v.health + REST_HEALING * elapsed).min(100.0);
            }
            a.standing.mood *= MOOD_DECAY;
            a.behaviour.since = tick;
            let stage = a.life.horizon(tick);
            if stage != a.arc.0 && !a.kind.0.is_player() {
                a.arc.0 = stage;
                noticed.push((*a.id, stage));
            }
            let goal = a.pursuit.goal().map(|kind| Goal {
                kind,
                target: a
                    .pursuit
                    .target()
                    .and_then(|t| index.get(t).map(|e| (t, e))),
                zone: a.pursuit.zone(),
            });
            let sought = goal
                .and_then(|g| match g.kind {
                    GoalKind::Family => index.get(a.relations.closest_friend()?),
                    _ => g.target.map(|(_, e)| e),
                })
                .and_then(|e| positions.get(e).ok())
                .map(|p| p.0);
            let me = Me {
                id: *a.id,
                kind: a.kind.0,
                pos: a.position.0,
                vitals: &a.vitals,
                purse: a.purse,
                standing: &a.standing,
                relations: a.relations,
                life: a.life,
                goal: goal.as_ref(),
                sought,
            };
            let action = choose(&surroundings, &me, &mut a.brain.0);
            out.push(Intent {
                actor: *a.id,
                entity: a.entity,
                source: Source::Brain,
                action,
                correlation: None,
            });
        },
    );
    intents.0.clear();
    buffers.drain_into(&mut intents.0);
    intents.0.sort_unstable_by_key(|i| i.actor);
    notices.0.clear();
    stages.drain_into(&mut notices.0);
    notices.0.sort_unstable_by_key(|(id, _)| *id);
}
