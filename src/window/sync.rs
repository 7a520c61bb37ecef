//! Mirrors the frame's agents into visual entities, keyed by id: with each
//! new frame, new agents get a mesh, agents gone lose theirs, and the rest
//! move (and change material when they cross into a zone of another realm).

use std::collections::HashMap;

use bevy::prelude::*;

use super::receive::{Latest, ReceiveSet};
use super::scene::Palette;
use crate::stat7::Realm;

/// A visual entity standing for one agent (the [`Mirror`] knows which).
#[derive(Component, Debug)]
pub struct AgentVisual;

/// The visual entity of each agent, the realm it is drawn in, and the pass
/// that last saw it (agents not seen in a pass are gone).
#[derive(Resource, Default)]
pub struct Mirror {
    pub visuals: HashMap<u64, (Entity, Realm, u64)>,
    pass: u64,
}

/// Runs after the simulation steps, before anything that reads the visuals.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyncSet;

pub struct SyncPlugin;

impl Plugin for SyncPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Mirror>()
            .add_systems(Update, sync_agents.in_set(SyncSet).after(ReceiveSet));
    }
}

fn sync_agents(
    mut commands: Commands,
    latest: Res<Latest>,
    palette: Res<Palette>,
    mut mirror: ResMut<Mirror>,
    mut visuals: Query<(&mut Transform, &mut MeshMaterial3d<StandardMaterial>), With<AgentVisual>>,
) {
    if !latest.changed {
        return;
    }
    mirror.pass += 1;
    let pass = mirror.pass;
    let lift = palette.agent_size / 2.0 + 0.5;
    for agent in latest.frame.agents.iter() {
        let realm = agent.realm;
        let at = Vec3::new(agent.pos.x, lift, agent.pos.y);
        match mirror.visuals.get_mut(&agent.id) {
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
                mirror.visuals.insert(agent.id, (entity, realm, pass));
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
