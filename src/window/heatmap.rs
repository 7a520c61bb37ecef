//! The population heatmap on the ground: one mesh of `cols` × `rows` flat
//! quads whose vertex colours are rewritten in place with every frame (a
//! colour ramp over the frame's counts, empty cells transparent), so the
//! whole heatmap is one entity and one draw call. The mesh is made when
//! the first frame says how many bins there are (and again if that changes).

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology, VertexAttributeValues};
use bevy::prelude::*;

use super::receive::{Latest, ReceiveSet};
use super::scene::WorldSize;
/// Height above the ground and the zone tiles.
const LIFT: f32 = 0.2;
/// The opacity of a cell with one agent (empty cells are clear).
const MIN_ALPHA: f32 = 0.15;
/// The densest cell's opacity.
const MAX_ALPHA: f32 = 0.6;

#[derive(Resource, Debug)]
struct Heatmap {
    entity: Entity,
    mesh: Handle<Mesh>,
    bins: (u32, u32),
}

pub struct HeatmapPlugin;

impl Plugin for HeatmapPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, update_heatmap.after(ReceiveSet));
    }
}

/// Cold to hot: indigo, crimson, orange, pale yellow (`t` in 0..=1); an
/// "inferno"-like ramp that, half transparent over the dark ground, stays
/// apart from the realm colours the agents are drawn in.
pub fn ramp(t: f32) -> LinearRgba {
    const STOPS: [(f32, f32, f32); 4] = [
        (0.25, 0.10, 0.55),
        (0.75, 0.15, 0.40),
        (0.98, 0.55, 0.10),
        (1.00, 0.95, 0.55),
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f32;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f32;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let srgb = Color::srgb(
        a.0 + (b.0 - a.0) * f,
        a.1 + (b.1 - a.1) * f,
        a.2 + (b.2 - a.2) * f,
    );
    srgb.to_linear()
}

/// The colour of every vertex of a heatmap of `counts` (four per bin).
fn vertex_colours(counts: &[u32]) -> Vec<[f32; 4]> {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f32;
    counts
        .iter()
        .flat_map(|&n| {
            let c = if n == 0 {
                [0.0; 4]
            } else {
                // Square root: a few crowded cells must not wash out the rest.
                let t = (n as f32 / max).sqrt();
                let rgb = ramp(t);
                [
                    rgb.red,
                    rgb.green,
                    rgb.blue,
                    MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * t,
                ]
            };
            [c; 4]
        })
        .collect()
}

/// A heatmap mesh of `bins` over a world of `size`, coloured by `counts`.
fn heatmap_mesh(size: Vec2, bins: (u32, u32), counts: &[u32]) -> Mesh {
    let (bx, by) = bins;
    let cell = Vec2::new(size.x / bx as f32, size.y / by as f32);
    let mut positions = Vec::with_capacity((bx * by * 4) as usize);
    let mut indices = Vec::with_capacity((bx * by * 6) as usize);
    // Bin (x, y) covers world x in [x, x+1) cells and world y (the
    // ground's z) in [y, y+1).
    for y in 0..by {
        for x in 0..bx {
            let (x0, z0) = (x as f32 * cell.x, y as f32 * cell.y);
            let (x1, z1) = (x0 + cell.x, z0 + cell.y);
            let base = positions.len() as u32;
            positions.extend([
                [x0, LIFT, z0],
                [x0, LIFT, z1],
                [x1, LIFT, z1],
                [x1, LIFT, z0],
            ]);
            // Counter-clockwise seen from above (+y).
            indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
        }
    }
    let n = positions.len();
    debug_assert_eq!(n, counts.len() * 4);
    // Kept in the main world too: the colours are rewritten every frame.
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0, 1.0, 0.0]; n])
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, vertex_colours(counts))
    .with_inserted_indices(Indices::U32(indices))
}

fn update_heatmap(
    mut commands: Commands,
    latest: Res<Latest>,
    size: Res<WorldSize>,
    mut heatmap: Option<ResMut<Heatmap>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    if !latest.changed {
        return;
    }
    let heat = &latest.frame.heat;
    let bins = (heat.cols, heat.rows);
    if bins.0 == 0 || bins.1 == 0 || heat.counts.len() != (bins.0 * bins.1) as usize {
        return;
    }
    if heatmap.as_ref().is_none_or(|h| h.bins != bins) {
        if let Some(old) = heatmap.as_ref() {
            commands.entity(old.entity).despawn();
        }
        let mesh = meshes.add(heatmap_mesh(size.0, bins, &heat.counts));
        let entity = commands
            .spawn((
                Mesh3d(mesh.clone()),
                MeshMaterial3d(materials.add(StandardMaterial {
                    // Vertex colours are multiplied by the base colour.
                    base_color: Color::WHITE,
                    unlit: true,
                    alpha_mode: AlphaMode::Blend,
                    cull_mode: None,
                    ..default()
                })),
                Transform::IDENTITY,
            ))
            .id();
        commands.insert_resource(Heatmap { entity, mesh, bins });
        return;
    }
    let Some(heatmap) = heatmap.as_deref_mut() else {
        return;
    };
    let Some(mut mesh) = meshes.get_mut(&heatmap.mesh) else {
        return;
    };
    if let Ok(Some(VertexAttributeValues::Float32x4(colours))) =
        mesh.try_attribute_mut_option(Mesh::ATTRIBUTE_COLOR)
    {
        let fresh = vertex_colours(&heat.counts);
        if colours.len() == fresh.len() {
            colours.copy_from_slice(&fresh);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_cells_are_clear_and_the_densest_is_hot() {
        let c = vertex_colours(&[0, 1, 100]);
        assert_eq!(c.len(), 12);
        assert_eq!(c[0], [0.0; 4]);
        assert!(c[4][3] > 0.0 && c[4][3] < c[8][3]);
        assert!((c[8][3] - MAX_ALPHA).abs() < 1e-6);
        let hot = ramp(1.0);
        assert!(hot.red > hot.blue);
    }
}
