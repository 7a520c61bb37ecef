//! The scene's colours and shared assets: the ground's colour and each
//! zone's dimmed shade of its realm (the ground mesh itself, with the
//! heatmap over it, is `heatmap`'s), the world's size, and the mesh and
//! materials every agent is drawn with. Everything is unlit: colours read
//! true to the STAT7 palette (the screenshot test looks for them) and
//! software rendering has no lights to shade.

use bevy::prelude::*;

use super::colour::{BUCKETS, Bucket};
use super::receive::Link;
use crate::core::stat7::Realm;

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

/// The bare ground's colour.
pub fn ground_colour() -> Color {
    GROUND
}

/// A zone's ground: a dim shade of its realm's colour.
pub fn zone_tint(realm: Realm) -> Color {
    GROUND
        .to_srgba()
        .mix(&realm_colour(realm).to_srgba(), ZONE_TINT)
        .into()
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

    let agent_size = (size.max_element() / 130.0).clamp(1.0, 12.0);
    let looks: Vec<_> = Bucket::all()
        .into_iter()
        .map(|b| unlit(&mut materials, b.colour()))
        .collect();
    debug_assert_eq!(looks.len(), BUCKETS);
    commands.insert_resource(Palette {
        agent_mesh: meshes.add(agent_cube(agent_size)),
        looks,
        agent_size,
    });
}

/// A cube of edge `size` with its eight corners shared by its faces (a
/// lit cube needs 24 vertices for flat normals; these are unlit). Software
/// rendering shades every vertex of every agent each frame, so a third of
/// the vertices is most of the agents' cost there.
pub fn agent_cube(size: f32) -> Mesh {
    use bevy::asset::RenderAssetUsages;
    use bevy::mesh::{Indices, PrimitiveTopology};
    let h = size / 2.0;
    let corners: Vec<[f32; 3]> = (0..8)
        .map(|i| {
            let s = |bit: u32| if i & bit == 0 { -h } else { h };
            [s(1), s(2), s(4)]
        })
        .collect();
    // Two triangles a face, counter-clockwise seen from outside.
    let indices = vec![
        0, 2, 3, 0, 3, 1, // -z
        4, 5, 7, 4, 7, 6, // +z
        0, 4, 6, 0, 6, 2, // -x
        1, 3, 7, 1, 7, 5, // +x
        0, 1, 5, 0, 5, 4, // -y
        2, 6, 7, 2, 7, 3, // +y
    ];
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD | RenderAssetUsages::MAIN_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, corners)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0, 1.0, 0.0]; 8])
    .with_inserted_indices(Indices::U32(indices))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::mesh::{Indices, VertexAttributeValues};

    #[test]
    fn the_agent_cube_shares_its_eight_corners_among_twelve_triangles() {
        let m = agent_cube(2.0);
        let Some(VertexAttributeValues::Float32x3(p)) = m.attribute(Mesh::ATTRIBUTE_POSITION)
        else {
            panic!("positions")
        };
        assert_eq!(p.len(), 8);
        assert!(
            p.iter().flatten().all(|c| c.abs() == 1.0),
            "a cube of edge 2"
        );
        let Some(Indices::U32(i)) = m.indices() else {
            panic!("indices")
        };
        assert_eq!(i.len(), 36);
        // Every face is outward: its normal points away from the centre.
        for t in i.chunks_exact(3) {
            let [a, b, c] = [t[0], t[1], t[2]].map(|k| Vec3::from(p[k as usize]));
            let normal = (b - a).cross(c - a);
            assert!(
                normal.dot((a + b + c) / 3.0) > 0.0,
                "triangle {t:?} faces inward"
            );
        }
    }
}
