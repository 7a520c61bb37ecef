//! The static scene: the ground plane the size of the world, each zone as a
//! flat tile in a dimmed shade of its realm's colour, and the shared assets
//! every agent is drawn with. Everything is unlit: colours read true to the
//! STAT7 palette (the screenshot test looks for them) and software
//! rendering has no lights to shade. The zone tiles stand for world
//! places, so they are hidden while a STAT7 placement is shown.

use bevy::prelude::*;

use super::colour::{BUCKETS, Bucket};
use super::projection::Placement;
use super::receive::Link;
use super::view::ViewSettings;

pub use super::colour::realm_colour;

/// The ground's colour (sRGB); distinct from every realm colour, `void` included.
const GROUND: Color = Color::srgb(0.085, 0.095, 0.11);
/// How much of its realm's colour a zone tile takes (the rest is ground).
const ZONE_TINT: f32 = 0.22;

/// One mesh for every agent and one material per colour [`Bucket`]: Bevy
/// batches entities that share mesh and material, so the agents cost one
/// batch per bucket in view (7 by realm, a few more by kind or a ramp),
/// not a draw call each.
#[derive(Resource, Debug, Clone)]
pub struct Palette {
    pub agent_mesh: Handle<Mesh>,
    /// Indexed by [`Bucket::index`].
    looks: Vec<Handle<StandardMaterial>>,
    /// An agent's edge length in metres (scaled to the world so that a big
    /// world's agents stay visible when framed whole).
    pub agent_size: f32,
}

impl Palette {
    pub fn look(&self, bucket: Bucket) -> Handle<StandardMaterial> {
        self.looks[bucket.index()].clone()
    }
}

/// A zone's tile on the ground.
#[derive(Component, Debug)]
struct ZoneTile;

/// The world's extent in metres (x, z on the ground plane).
#[derive(Resource, Debug, Clone, Copy)]
pub struct WorldSize(pub Vec2);

pub struct ScenePlugin;

impl Plugin for ScenePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ClearColor(Color::srgb(0.03, 0.035, 0.04)))
            .add_systems(PreStartup, setup_scene)
            .add_systems(Update, show_tiles);
    }
}

/// Zone tiles only where agents stand at their world positions.
fn show_tiles(settings: Res<ViewSettings>, mut tiles: Query<&mut Visibility, With<ZoneTile>>) {
    if !settings.is_changed() {
        return;
    }
    let want = if settings.placement == Placement::World {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    };
    for mut v in &mut tiles {
        v.set_if_neq(want);
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
            ZoneTile,
            Mesh3d(meshes.add(Plane3d::default().mesh().size(extent.x, extent.y))),
            MeshMaterial3d(unlit(&mut materials, tint.into())),
            Transform::from_xyz(centre.x, 0.01 * (i + 1) as f32, centre.y),
        ));
    }

    let agent_size = (size.max_element() / 130.0).clamp(1.0, 12.0);
    let looks: Vec<_> = Bucket::all()
        .into_iter()
        .map(|b| unlit(&mut materials, b.colour()))
        .collect();
    debug_assert_eq!(looks.len(), BUCKETS);
    commands.insert_resource(Palette {
        agent_mesh: meshes.add(Cuboid::from_length(agent_size)),
        looks,
        agent_size,
    });
}
