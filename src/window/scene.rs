//! The static scene: the ground plane the size of the world, each zone as a
//! flat tile in a dimmed shade of its realm's colour, and the shared assets
//! every agent is drawn with. Everything is unlit: colours read true to the
//! STAT7 palette (the screenshot test looks for them) and software
//! rendering has no lights to shade.

use bevy::prelude::*;

use super::receive::Link;
use crate::stat7::Realm;

/// The ground's colour (sRGB); distinct from every realm colour, `void` included.
const GROUND: Color = Color::srgb(0.085, 0.095, 0.11);
/// How much of its realm's colour a zone tile takes (the rest is ground).
const ZONE_TINT: f32 = 0.22;

/// A realm's colour, from the one palette in `stat7`.
pub fn realm_colour(realm: Realm) -> Color {
    Srgba::hex(realm.colour_hex())
        .map(Color::from)
        .unwrap_or(Color::WHITE)
}

/// One mesh for every agent and one material per realm: Bevy batches
/// entities that share mesh and material, so the agents cost one batch per
/// realm in view (at most 7 draws), not a draw call each.
#[derive(Resource, Debug, Clone)]
pub struct Palette {
    pub agent_mesh: Handle<Mesh>,
    realm_materials: Vec<Handle<StandardMaterial>>,
    /// An agent's edge length in metres (scaled to the world so that a big
    /// world's agents stay visible when framed whole).
    pub agent_size: f32,
}

impl Palette {
    pub fn material(&self, realm: Realm) -> Handle<StandardMaterial> {
        let i = Realm::ALL.iter().position(|r| *r == realm).unwrap_or(0);
        self.realm_materials[i].clone()
    }
}

/// The world's extent in metres (x, z on the ground plane).
#[derive(Resource, Debug, Clone, Copy)]
pub struct WorldSize(pub Vec2);

pub struct ScenePlugin;

impl Plugin for ScenePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ClearColor(Color::srgb(0.03, 0.035, 0.04)))
            .add_systems(PreStartup, setup_scene);
    }
}

fn unlit(materials: &mut Assets<StandardMaterial>, colour: Color) -> Handle<StandardMaterial> {
    materials.add(StandardMaterial {
        base_color: colour,
        unlit: true,
        ..default()
    })
}

fn setup_scene(
    mut commands: Commands,
    link: Res<Link>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let size = link.info.size.max(Vec2::ONE);
    commands.insert_resource(WorldSize(size));

    commands.spawn((
        Mesh3d(meshes.add(Plane3d::default().mesh().size(size.x, size.y))),
        MeshMaterial3d(unlit(&mut materials, GROUND)),
        Transform::from_xyz(size.x / 2.0, 0.0, size.y / 2.0),
    ));
    // Later zones win where zones overlap: each is drawn a little higher.
    let ground = GROUND.to_srgba();
    for (i, zone) in link.info.zones.iter().enumerate() {
        let extent = zone.max - zone.min;
        if extent.x <= 0.0 || extent.y <= 0.0 {
            continue;
        }
        let tint = ground.mix(&realm_colour(zone.realm).to_srgba(), ZONE_TINT);
        let centre = (zone.min + zone.max) / 2.0;
        commands.spawn((
            Mesh3d(meshes.add(Plane3d::default().mesh().size(extent.x, extent.y))),
            MeshMaterial3d(unlit(&mut materials, tint.into())),
            Transform::from_xyz(centre.x, 0.01 * (i + 1) as f32, centre.y),
        ));
    }

    let agent_size = (size.max_element() / 130.0).clamp(1.0, 12.0);
    let realm_materials = Realm::ALL
        .iter()
        .map(|r| unlit(&mut materials, realm_colour(*r)))
        .collect();
    commands.insert_resource(Palette {
        agent_mesh: meshes.add(Cuboid::from_length(agent_size)),
        realm_materials,
        agent_size,
    });
}
