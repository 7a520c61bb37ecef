//! The ground and its population heatmap: one opaque mesh of `cols` ×
//! `rows` flat quads whose vertex colours are rewritten in place with every
//! frame — each bin's zone tint (the bare ground while a STAT7 placement is
//! shown) with the heat blended over it on the CPU (a colour ramp over the
//! frame's counts, empty cells showing the ground alone). So the whole
//! ground is one entity, one draw call and one layer of fragments: a
//! transparent heatmap over separate ground and zone tiles cost software
//! rendering (llvmpipe) almost half of every frame. The mesh is made when
//! the first frame says how many bins there are (and again if that changes).
//! The View panel picks the ramp, the opacity and whether it shows at all,
//! and the mode: population, or zone tension, where each zone's cells take
//! the colour of its tension against its band (`tension::BandPosition`)
//! instead of the counts — the director's view of the same ground.
//! The source's counts are of every agent at its world position; when only
//! some realms are counted, or agents are placed by a STAT7 projection,
//! the window counts the frame's agents itself — where they are drawn —
//! into the same bins, so the heatmap always matches the scene.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology, VertexAttributeValues};
use bevy::prelude::*;

use super::colour::through;
use super::feed::ZoneView;
use super::projection::Placement;
use super::receive::{Latest, Link};
use super::scene::{WorldSize, ground_colour, zone_tint};
use super::sync::{Placed, SyncSet};
use super::tension::{BandPosition, Tension};
use super::view::{HeatMode, HeatRamp, HeatSettings, ViewSettings, realm_index};
/// Height of the ground mesh (agents stand on it).
const LIFT: f32 = 0.2;
/// The opacity of a cell with one agent (empty cells are clear).
const MIN_ALPHA: f32 = 0.15;
/// The densest cell's opacity.
const MAX_ALPHA: f32 = 0.6;
/// A zone's tension colour's opacity: strong enough to read at a glance,
/// weak enough that the agents over it stay visible.
const TENSION_ALPHA: f32 = 0.55;

#[derive(Resource, Debug)]
struct Heatmap {
    mesh: Handle<Mesh>,
    bins: (u32, u32),
    /// The ground under each bin, and whether it is tinted by zones.
    bases: Vec<LinearRgba>,
    tinted: bool,
    /// The zone id of each bin (what the tension mode colours by).
    zones: Vec<Option<u16>>,
}

/// The zone of each bin (index into `zones`): the last zone that contains
/// its centre, else the zone with id 0, as the simulation's own zone lookup
/// does.
pub fn bin_zones(zones: &[ZoneView], size: Vec2, bins: (u32, u32)) -> Vec<Option<usize>> {
    let (bx, by) = bins;
    let cell = Vec2::new(size.x / bx.max(1) as f32, size.y / by.max(1) as f32);
    let fallback = zones.iter().position(|z| z.id == 0);
    (0..by)
        .flat_map(|y| (0..bx).map(move |x| (x, y)))
        .map(|(x, y)| {
            let centre = Vec2::new((x as f32 + 0.5) * cell.x, (y as f32 + 0.5) * cell.y);
            zones
                .iter()
                .rposition(|z| {
                    centre.x >= z.min.x
                        && centre.x < z.max.x
                        && centre.y >= z.min.y
                        && centre.y < z.max.y
                })
                .or(fallback)
        })
        .collect()
}

/// The ground under each bin: the tint of its zone ([`bin_zones`]), or the
/// bare ground when `tinted` is false.
pub fn bases(zones: &[ZoneView], size: Vec2, bins: (u32, u32), tinted: bool) -> Vec<LinearRgba> {
    bin_zones(zones, size, bins)
        .into_iter()
        .map(|zone| match zone {
            Some(i) if tinted => zone_tint(zones[i].realm).to_linear(),
            _ => ground_colour().to_linear(),
        })
        .collect()
}

/// The tension mode's colour of every vertex (four per bin): each bin its
/// zone's tension against its band; a zone with no reading stays clear
/// (unmeasured is not "calm").
fn tension_colours(bin_zones: &[Option<u16>], tension: &Tension, opacity: f32) -> Vec<[f32; 4]> {
    let alpha = TENSION_ALPHA * opacity.clamp(0.0, 1.0);
    bin_zones
        .iter()
        .flat_map(|zone| {
            let reading = zone.and_then(|z| tension.reading(z as usize));
            let c = match reading {
                Some(r) => {
                    let rgb = BandPosition::of(r.level, r.band).colour();
                    [rgb.red, rgb.green, rgb.blue, alpha]
                }
                None => [0.0; 4],
            };
            [c; 4]
        })
        .collect()
}

/// The zone id of each bin.
fn bin_zone_ids(zones: &[ZoneView], size: Vec2, bins: (u32, u32)) -> Vec<Option<u16>> {
    bin_zones(zones, size, bins)
        .into_iter()
        .map(|i| i.map(|i| zones[i].id))
        .collect()
}

/// The heat (four vertices a bin, alpha = how much of it shows) over each
/// bin's ground, opaque.
fn blend(bases: &[LinearRgba], heat: &[[f32; 4]]) -> Vec<[f32; 4]> {
    heat.chunks_exact(4)
        .zip(bases)
        .flat_map(|(quad, base)| {
            quad.iter().map(move |[r, g, b, a]| {
                let mix = |under: f32, over: f32| under + (over - under) * a;
                [
                    mix(base.red, *r),
                    mix(base.green, *g),
                    mix(base.blue, *b),
                    1.0,
                ]
            })
        })
        .collect::<Vec<_>>()
}

pub struct HeatmapPlugin;

impl Plugin for HeatmapPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            (update_heatmap.after(SyncSet), drop_old_ground).chain(),
        );
    }
}

/// `t` (0..=1) on the chosen ramp. Inferno (indigo, crimson, orange,
/// pale yellow), the default, stays apart from the realm colours the
/// agents are drawn in, half transparent over the dark ground.
pub fn ramp_of(which: HeatRamp, t: f32) -> LinearRgba {
    let stops: &[[f32; 3]] = match which {
        HeatRamp::Inferno => &[
            [0.25, 0.10, 0.55],
            [0.75, 0.15, 0.40],
            [0.98, 0.55, 0.10],
            [1.00, 0.95, 0.55],
        ],
        HeatRamp::Viridis => &[
            [0.27, 0.00, 0.33],
            [0.23, 0.32, 0.55],
            [0.13, 0.57, 0.55],
            [0.37, 0.79, 0.38],
            [0.99, 0.91, 0.14],
        ],
        HeatRamp::Greys => &[[0.25, 0.25, 0.27], [1.0, 1.0, 1.0]],
    };
    through(stops, t).to_linear()
}

/// Counts of `points` (world x, ground y) in `bins` over a world of `size`,
/// row-major from the origin as the source's heatmap; points outside go to
/// the nearest edge cell.
pub fn count(points: impl Iterator<Item = Vec2>, size: Vec2, bins: (u32, u32)) -> Vec<u32> {
    let (bx, by) = bins;
    let mut out = vec![0u32; (bx * by) as usize];
    if bx == 0 || by == 0 {
        return out;
    }
    let cell = |v: f32, extent: f32, n: u32| -> u32 {
        let i = (v / extent.max(1e-6) * n as f32).floor();
        if i.is_finite() {
            (i.max(0.0) as u32).min(n - 1)
        } else {
            0
        }
    };
    for p in points {
        let (x, y) = (cell(p.x, size.x, bx), cell(p.y, size.y, by));
        out[(y * bx + x) as usize] += 1;
    }
    out
}

/// The colour of every vertex of a heatmap of `counts` (four per bin).
fn vertex_colours(counts: &[u32], look: &HeatSettings) -> Vec<[f32; 4]> {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f32;
    counts
        .iter()
        .flat_map(|&n| {
            let c = if n == 0 {
                [0.0; 4]
            } else {
                // Square root: a few crowded cells must not wash out the rest.
                let t = (n as f32 / max).sqrt();
                let rgb = ramp_of(look.ramp, t);
                [
                    rgb.red,
                    rgb.green,
                    rgb.blue,
                    (MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * t) * look.opacity.clamp(0.0, 1.0),
                ]
            };
            [c; 4]
        })
        .collect()
}

/// The ground mesh of `bins` over a world of `size`, coloured by `colours`.
fn heatmap_mesh(size: Vec2, bins: (u32, u32), colours: Vec<[f32; 4]>) -> Mesh {
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
    debug_assert_eq!(n, colours.len());
    // Kept in the main world too: the colours are rewritten every frame.
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0, 1.0, 0.0]; n])
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
    .with_inserted_indices(Indices::U32(indices))
}

/// The counts the heatmap shows: the source's own, or the window's of the
/// agents drawn where they are drawn, of the realms counted.
fn counts_shown(
    latest: &Latest,
    settings: &ViewSettings,
    placed: &Placed,
    size: Vec2,
    bins: (u32, u32),
) -> Option<Vec<u32>> {
    let heat = &latest.frame.heat;
    if settings.placement == Placement::World && settings.heat.counts_all() {
        return None;
    }
    let agents = &latest.frame.agents;
    if placed.0.len() != agents.len() {
        return Some(vec![0; heat.counts.len()]);
    }
    let realms = settings.heat.realms;
    let points = agents
        .iter()
        .zip(&placed.0)
        .filter(|(a, _)| realms[realm_index(a.realm)] && settings.shows(a.realm))
        .map(|(_, p)| Vec2::new(p.x, p.z));
    Some(count(points, size, bins))
}

#[allow(clippy::too_many_arguments)]
fn update_heatmap(
    mut commands: Commands,
    latest: Res<Latest>,
    link: Res<Link>,
    settings: Res<ViewSettings>,
    placed: Res<Placed>,
    size: Res<WorldSize>,
    tension: Res<Tension>,
    mut heatmap: Option<ResMut<Heatmap>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    if !(latest.changed || settings.is_changed()) {
        return;
    }
    let heat = &latest.frame.heat;
    let bins = (heat.cols, heat.rows);
    if bins.0 == 0 || bins.1 == 0 || heat.counts.len() != (bins.0 * bins.1) as usize {
        return;
    }
    let own = counts_shown(&latest, &settings, &placed, size.0, bins);
    let counts = own.as_deref().unwrap_or(&heat.counts);
    let look = settings.heat;
    // Zone tints stand for world places: bare ground under a STAT7 placement.
    let tinted = settings.placement == Placement::World;
    let heat_colours = |zones: &[Option<u16>]| match look.mode {
        _ if !look.on => vec![[0.0; 4]; counts.len() * 4],
        HeatMode::Population => vertex_colours(counts, &look),
        // Zones are world places: over a STAT7 placement the ground
        // stands for none, so the mode shows nothing (the panel says why).
        HeatMode::Tension if tinted => tension_colours(zones, &tension, look.opacity),
        HeatMode::Tension => vec![[0.0; 4]; counts.len() * 4],
    };
    match heatmap.as_deref_mut() {
        Some(h) if h.bins == bins => {
            if h.tinted != tinted {
                h.bases = bases(&link.info.zones, size.0, bins, tinted);
                h.tinted = tinted;
            }
            let Some(mut mesh) = meshes.get_mut(&h.mesh) else {
                return;
            };
            if let Ok(Some(VertexAttributeValues::Float32x4(colours))) =
                mesh.try_attribute_mut_option(Mesh::ATTRIBUTE_COLOR)
            {
                let fresh = blend(&h.bases, &heat_colours(&h.zones));
                if colours.len() == fresh.len() {
                    colours.copy_from_slice(&fresh);
                }
            }
        }
        _ => {
            // The first frame, or a source whose bins changed.
            let bases = bases(&link.info.zones, size.0, bins, tinted);
            let zones = bin_zone_ids(&link.info.zones, size.0, bins);
            let colours = blend(&bases, &heat_colours(&zones));
            let mesh = meshes.add(heatmap_mesh(size.0, bins, colours));
            commands.spawn((
                Ground,
                Mesh3d(mesh.clone()),
                MeshMaterial3d(materials.add(StandardMaterial {
                    // Vertex colours are multiplied by the base colour.
                    base_color: Color::WHITE,
                    unlit: true,
                    cull_mode: None,
                    ..default()
                })),
                Transform::IDENTITY,
            ));
            commands.insert_resource(Heatmap {
                mesh,
                bins,
                bases,
                tinted,
                zones,
            });
        }
    }
}

/// The ground's entity (one at a time: a new one replaces it).
#[derive(Component, Debug)]
struct Ground;

/// A ground replaced (its source's bins changed) leaves.
fn drop_old_ground(mut commands: Commands, grounds: Query<Entity, With<Ground>>) {
    let all: Vec<Entity> = grounds.iter().collect();
    if let Some((_, older)) = all.split_last() {
        for e in older {
            commands.entity(*e).despawn();
        }
    }
}

#[cfg(test)]
#[path = "heatmap_tests.rs"]
mod tests;
