//! Mirrors the simulation's agents into visual entities, keyed by
//! `EntityId`: after each tick, new agents get a mesh, agents gone lose
//! theirs, and the rest move (and change material when they cross into a
//! zone of another realm). It only reads the simulation's world.

use std::collections::HashMap;

use bevy::ecs::query::QueryState;
use bevy::prelude::*;

use super::SimHandle;
use super::pace::{StepSet, Ticked};
use super::scene::Palette;
use crate::population::{EntityId, Position};
use crate::stat7::Realm;
use crate::world::Zones;

/// A visual entity standing for one agent (the [`Mirror`] knows which).
#[derive(Component, Debug)]
pub struct AgentVisual;

/// The visual entity of each agent, the realm it is drawn in, and the pass
/// that last saw it (agents not seen in a pass are gone).
#[derive(Resource, Default)]
pub struct Mirror {
    pub visuals: HashMap<EntityId, (Entity, Realm, u64)>,
    pass: u64,
}

/// A read-only query over the simulation's world, kept between frames so
/// its archetype cache is not rebuilt each time.
#[derive(Default)]
struct AgentQuery(Option<QueryState<(&'static EntityId, &'static Position)>>);

/// Runs after the simulation steps, before anything that reads the visuals.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyncSet;

pub struct SyncPlugin;

impl Plugin for SyncPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Mirror>()
            .add_systems(Update, sync_agents.in_set(SyncSet).after(StepSet));
    }
}

fn sync_agents(
    mut commands: Commands,
    handle: NonSend<SimHandle>,
    ticked: Res<Ticked>,
    palette: Res<Palette>,
    mut mirror: ResMut<Mirror>,
    mut query: Local<AgentQuery>,
    mut visuals: Query<(&mut Transform, &mut MeshMaterial3d<StandardMaterial>), With<AgentVisual>>,
) {
    if !ticked.changed {
        return;
    }
    let driven = handle.0.borrow();
    let world = driven.sim.world();
    let Some(zones) = world.get_resource::<Zones>() else {
        return;
    };
    if query.0.is_none() {
        query.0 = world.try_query();
    }
    let Some(state) = query.0.as_mut() else {
        return;
    };
    mirror.pass += 1;
    let pass = mirror.pass;
    let lift = palette.agent_size / 2.0 + 0.5;
    for (id, pos) in state.iter(world) {
        let realm = zones.zone_at(pos.0).realm;
        let at = Vec3::new(pos.0.x, lift, pos.0.y);
        match mirror.visuals.get_mut(id) {
            Some((entity, drawn, seen)) => {
                *seen = pass;
                if let Ok((mut transform, mut material)) = visuals.get_mut(*entity) {
                    if transform.translation != at {
                        transform.translation = at;
                    }
                    if *drawn != realm {
                        *drawn = realm;
                        material.0 = palette.material(realm);
                    }
                }
            }
            None => {
                let entity = commands
                    .spawn((
                        AgentVisual,
                        Mesh3d(palette.agent_mesh.clone()),
                        MeshMaterial3d(palette.material(realm)),
                        Transform::from_translation(at),
                    ))
                    .id();
                mirror.visuals.insert(*id, (entity, realm, pass));
            }
        }
    }
    mirror.visuals.retain(|_, (entity, _, seen)| {
        let here = *seen == pass;
        if !here {
            commands.entity(*entity).despawn();
        }
        here
    });
}
