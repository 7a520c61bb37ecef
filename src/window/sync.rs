//! Mirrors the frame's agents into visual entities, keyed by id: with each
//! new frame (or a change of the View panel's settings), new agents get a
//! mesh, agents gone lose theirs, and the rest move to where the placement
//! puts them ([`projection::layout`]), take the material of their colour
//! bucket, the scale of their density and the visibility of the realm
//! filter and slice. Only what differs is written, so change detection
//! (and the renderer's re-upload) sees only what really changed.

use std::collections::HashMap;

use bevy::prelude::*;

use super::colour::Bucket;
use super::projection::{self, Extent};
use super::receive::{Latest, ReceiveSet};
use super::scene::{Palette, WorldSize};
use super::view::{Shown, ViewSettings};
use crate::core::stat7::Realm;

/// A visual entity standing for one agent (the [`Mirror`] knows which).
#[derive(Component, Debug)]
pub struct AgentVisual;

/// How an agent's visual is drawn when nothing flashes it: what a pulse
/// goes back to.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Look {
    pub bucket: Bucket,
    pub scale: f32,
}

/// The visual entity of each agent, the realm it is drawn in, and the pass
/// that last saw it (agents not seen in a pass are gone).
#[derive(Resource, Default)]
pub struct Mirror {
    pub visuals: HashMap<u64, (Entity, Realm, u64)>,
    pass: u64,
}

/// Where each of the latest frame's agents is drawn (same order as
/// `frame.agents`), for what counts or draws by displayed position.
#[derive(Resource, Debug, Default)]
pub struct Placed(pub Vec<Vec3>);

/// Runs after the simulation steps, before anything that reads the visuals.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyncSet;

pub struct SyncPlugin;

impl Plugin for SyncPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Mirror>()
            .init_resource::<Placed>()
            .add_systems(Update, sync_agents.in_set(SyncSet).after(ReceiveSet));
    }
}

/// The extent every placement fills, for a world of `size` and agents of
/// edge `agent_size`.
pub fn extent(size: Vec2, agent_size: f32) -> Extent {
    Extent {
        size,
        lift: agent_size / 2.0 + 0.5,
        height: size.min_element() * 0.5,
        spacing: agent_size * 1.25,
    }
}

type Visual<'a> = (
    &'a mut Transform,
    &'a mut MeshMaterial3d<StandardMaterial>,
    &'a mut Visibility,
    &'a mut Look,
);

#[allow(clippy::too_many_arguments)]
fn sync_agents(
    mut commands: Commands,
    latest: Res<Latest>,
    settings: Res<ViewSettings>,
    palette: Res<Palette>,
    size: Res<WorldSize>,
    mut mirror: ResMut<Mirror>,
    mut placed: ResMut<Placed>,
    mut visuals: Query<Visual, With<AgentVisual>>,
) {
    if !(latest.changed || settings.is_changed()) {
        return;
    }
    mirror.pass += 1;
    let pass = mirror.pass;
    let agents = &latest.frame.agents;
    let ext = extent(size.0, palette.agent_size);
    placed.0 = projection::layout(agents, settings.placement, settings.axes, ext);
    for (agent, &at) in agents.iter().zip(&placed.0) {
        let shown = settings.show(agent.realm);
        let look = Look {
            bucket: match shown {
                Shown::Dimmed => Bucket::Dim,
                _ => Bucket::of(agent, settings.colour),
            },
            scale: settings.scale(agent.stat7.map(|s| s.density)),
        };
        let visibility = match shown {
            Shown::Hidden => Visibility::Hidden,
            _ => Visibility::Inherited,
        };
        match mirror.visuals.get_mut(&agent.id) {
            Some((entity, drawn, seen)) => {
                *seen = pass;
                *drawn = agent.realm;
                if let Ok((mut transform, mut material, mut vis, mut was)) =
                    visuals.get_mut(*entity)
                {
                    if transform.translation != at {
                        transform.translation = at;
                    }
                    if transform.scale != Vec3::splat(look.scale) {
                        transform.scale = Vec3::splat(look.scale);
                    }
                    if was.bucket != look.bucket {
                        material.0 = palette.look(look.bucket);
                    }
                    was.set_if_neq(look);
                    vis.set_if_neq(visibility);
                }
            }
            None => {
                let entity = commands
                    .spawn((
                        AgentVisual,
                        look,
                        Mesh3d(palette.agent_mesh.clone()),
                        MeshMaterial3d(palette.look(look.bucket)),
                        Transform::from_translation(at).with_scale(Vec3::splat(look.scale)),
                        visibility,
                    ))
                    .id();
                mirror.visuals.insert(agent.id, (entity, agent.realm, pass));
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
