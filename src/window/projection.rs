//! Where each agent is drawn: at its world position (the default), at a
//! STAT7 projection (the user picks which dimension drives x, y and
//! height), or in a one-dimension cross-section (a histogram laid on the
//! ground: one bar per value of the dimension, one cube per agent). Every
//! layout is normalised to the world's extent, so the camera's framing
//! and the heatmap's grid fit all of them. Agents whose source sends no
//! STAT7 numbers (a live server's stream) keep their world position.
//! Pure functions of the frame's agents: the sync system calls them.

use bevy::prelude::*;

use super::feed::{Agent, Stat7Axes};
use crate::core::stat7::Realm;

/// A STAT7 dimension as a number to place by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dim {
    Realm,
    Lineage,
    Adjacency,
    Horizon,
    Resonance,
    Velocity,
    Density,
}

impl Dim {
    pub const ALL: [Dim; 7] = [
        Dim::Realm,
        Dim::Lineage,
        Dim::Adjacency,
        Dim::Horizon,
        Dim::Resonance,
        Dim::Velocity,
        Dim::Density,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Dim::Realm => "realm",
            Dim::Lineage => "lineage",
            Dim::Adjacency => "adjacency",
            Dim::Horizon => "horizon",
            Dim::Resonance => "resonance",
            Dim::Velocity => "velocity",
            Dim::Density => "density",
        }
    }

    /// The dimension's value for an agent: an index for the discrete ones.
    fn raw(self, realm: Realm, s: &Stat7Axes) -> f32 {
        match self {
            Dim::Realm => Realm::ALL.iter().position(|r| *r == realm).unwrap_or(0) as f32,
            Dim::Lineage => s.lineage as f32,
            Dim::Adjacency => s.adjacency as f32,
            Dim::Horizon => s.horizon as f32,
            Dim::Resonance => s.resonance,
            Dim::Velocity => s.velocity,
            Dim::Density => s.density,
        }
    }

    /// How many values a discrete dimension takes (None: continuous).
    pub fn levels(self, norms: &Norms) -> Option<u32> {
        match self {
            Dim::Realm => Some(Realm::ALL.len() as u32),
            Dim::Lineage => Some(norms.max_lineage.min(MAX_LINEAGE_LEVELS - 1) + 1),
            Dim::Adjacency => Some(5),
            Dim::Horizon => Some(5),
            Dim::Resonance | Dim::Velocity | Dim::Density => None,
        }
    }

    /// A continuous dimension's value in 0..=1.
    fn unit(self, raw: f32) -> f32 {
        let t = match self {
            Dim::Resonance | Dim::Velocity => (raw + 1.0) / 2.0,
            _ => raw,
        };
        if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// Lineage levels told apart; deeper generations share the last one.
pub const MAX_LINEAGE_LEVELS: u32 = 64;
/// Bars of a continuous dimension's cross-section.
pub const SECTION_BINS: u32 = 24;

/// How agents are placed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Placement {
    #[default]
    World,
    /// A STAT7 projection on [`Axes`].
    Stat7,
    /// Laid out along one dimension.
    CrossSection(Dim),
}

/// Which dimension drives which screen axis of a projection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Axes {
    /// Across the ground (world x).
    pub x: Dim,
    /// Along the ground (world y).
    pub y: Dim,
    /// Height above it (None: flat, a 2D projection).
    pub up: Option<Dim>,
}

impl Default for Axes {
    fn default() -> Self {
        Axes {
            x: Dim::Resonance,
            y: Dim::Lineage,
            up: Some(Dim::Density),
        }
    }
}

/// What normalising needs from the whole frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Norms {
    pub max_lineage: u32,
}

impl Norms {
    pub fn of(agents: &[Agent]) -> Norms {
        Norms {
            max_lineage: agents
                .iter()
                .filter_map(|a| a.stat7.map(|s| s.lineage))
                .max()
                .unwrap_or(0),
        }
    }
}

/// The space a layout fills.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extent {
    /// The world's size on the ground.
    pub size: Vec2,
    /// Height of an agent's centre standing on the ground.
    pub lift: f32,
    /// The tallest a projection's height axis goes.
    pub height: f32,
    /// Centre-to-centre distance of a cross-section's cubes (shrunk when
    /// a bar would not fit the world).
    pub spacing: f32,
}

/// A stable offset in -0.5..0.5 for an agent on one axis, so that agents
/// sharing a discrete value spread over its cell instead of piling into
/// one cube, and stay where they were from frame to frame.
pub fn jitter(id: u64, axis: u64) -> f32 {
    let mut z = id
        .wrapping_add(axis.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 24) as f32 - 0.5
}

/// `dim`'s value for an agent in 0..=1 (discrete values at the centres
/// of their cells, jittered within them).
pub fn coordinate(dim: Dim, agent: &Agent, s: &Stat7Axes, norms: &Norms, axis: u64) -> f32 {
    let raw = dim.raw(agent.realm, s);
    match dim.levels(norms) {
        Some(n) => {
            let level = raw.clamp(0.0, (n - 1) as f32);
            (level + 0.5 + 0.8 * jitter(agent.id, axis)) / n as f32
        }
        None => dim.unit(raw),
    }
}

/// The cross-section bar an agent falls in, and how many bars there are.
pub fn section_bin(dim: Dim, agent: &Agent, s: &Stat7Axes, norms: &Norms) -> (u32, u32) {
    let raw = dim.raw(agent.realm, s);
    match dim.levels(norms) {
        Some(n) => ((raw.max(0.0) as u32).min(n - 1), n),
        None => (
            ((dim.unit(raw) * SECTION_BINS as f32) as u32).min(SECTION_BINS - 1),
            SECTION_BINS,
        ),
    }
}

/// Where every agent of `agents` is drawn (same order).
pub fn layout(agents: &[Agent], placement: Placement, axes: Axes, ext: Extent) -> Vec<Vec3> {
    let world = |a: &Agent| Vec3::new(a.pos.x, ext.lift, a.pos.y);
    let norms = Norms::of(agents);
    match placement {
        Placement::World => agents.iter().map(world).collect(),
        Placement::Stat7 => agents
            .iter()
            .map(|a| match &a.stat7 {
                None => world(a),
                Some(s) => Vec3::new(
                    coordinate(axes.x, a, s, &norms, 0) * ext.size.x,
                    ext.lift
                        + axes
                            .up
                            .map_or(0.0, |d| coordinate(d, a, s, &norms, 2) * ext.height),
                    coordinate(axes.y, a, s, &norms, 1) * ext.size.y,
                ),
            })
            .collect(),
        Placement::CrossSection(dim) => cross_section(agents, dim, &norms, ext),
    }
}

/// One bar per value of `dim` across the world, each a block of cubes
/// growing from the near edge (the camera's side) away from it.
fn cross_section(agents: &[Agent], dim: Dim, norms: &Norms, ext: Extent) -> Vec<Vec3> {
    let bins: Vec<Option<(u32, u32)>> = agents
        .iter()
        .map(|a| a.stat7.as_ref().map(|s| section_bin(dim, a, s, norms)))
        .collect();
    let n = bins.iter().flatten().map(|b| b.1).max().unwrap_or(1).max(1);
    let mut counts = vec![0usize; n as usize];
    for (b, _) in bins.iter().flatten() {
        counts[*b as usize] += 1;
    }
    let bar = ext.size.x / n as f32;
    // A gap between bars keeps neighbouring values apart.
    let inner = bar * 0.8;
    let tallest = counts.iter().copied().max().unwrap_or(0).max(1) as f32;
    let fit = (inner * ext.size.y / tallest).sqrt();
    let mut s = ext.spacing.min(fit).max(1e-3);
    let mut cols = ((inner / s).floor() as usize).max(1);
    // Whole columns lose a little of the room `fit` counted on: shrink
    // until the tallest bar's rows fit too (a few steps at most).
    for _ in 0..64 {
        if (tallest / cols as f32).ceil() * s <= ext.size.y {
            break;
        }
        s *= 0.95;
        cols = ((inner / s).floor() as usize).max(1);
    }
    let mut placed = vec![0usize; n as usize];
    agents
        .iter()
        .zip(&bins)
        .map(|(a, bin)| match bin {
            None => Vec3::new(a.pos.x, ext.lift, a.pos.y),
            Some((b, _)) => {
                let k = placed[*b as usize];
                placed[*b as usize] += 1;
                let (col, row) = (k % cols, k / cols);
                let x = *b as f32 * bar + (bar - inner) / 2.0 + (col as f32 + 0.5) * s;
                let z = ext.size.y - (row as f32 + 0.5) * s;
                Vec3::new(x, ext.lift, z)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agent::kinds::{Activity, AgentKind, Archetype};

    fn agent(id: u64, realm: Realm, stat7: Option<Stat7Axes>) -> Agent {
        Agent {
            id,
            kind: AgentKind::Npc(Archetype::Villager),
            pos: Vec2::new(10.0 + id as f32, 20.0),
            zone: 0,
            realm,
            health: 100.0,
            activity: Activity::Idle,
            stat7,
            parent: 0,
        }
    }

    fn axes(lineage: u32, resonance: f32, density: f32) -> Option<Stat7Axes> {
        Some(Stat7Axes {
            lineage,
            resonance,
            density,
            ..Stat7Axes::default()
        })
    }

    const EXT: Extent = Extent {
        size: Vec2::new(200.0, 100.0),
        lift: 1.0,
        height: 50.0,
        spacing: 2.0,
    };

    fn inside(p: Vec3) -> bool {
        (0.0..=EXT.size.x).contains(&p.x)
            && (0.0..=EXT.size.y).contains(&p.z)
            && (EXT.lift..=EXT.lift + EXT.height).contains(&p.y)
    }

    #[test]
    fn jitter_is_stable_and_bounded() {
        for id in 0..1000 {
            let j = jitter(id, 1);
            assert!((-0.5..0.5).contains(&j));
            assert_eq!(j, jitter(id, 1));
        }
        assert_ne!(jitter(7, 0), jitter(7, 1), "axes jitter apart");
    }

    #[test]
    fn world_placement_is_the_world_position() {
        let a = [agent(1, Realm::Data, axes(1, 0.0, 0.0))];
        let p = layout(&a, Placement::World, Axes::default(), EXT);
        assert_eq!(p, vec![Vec3::new(11.0, 1.0, 20.0)]);
    }

    #[test]
    fn a_projection_orders_by_its_dimensions_and_fits_the_world() {
        let agents = vec![
            agent(1, Realm::Data, axes(1, -1.0, 0.0)),
            agent(2, Realm::Void, axes(3, 0.0, 0.5)),
            agent(3, Realm::Narrative, axes(9, 1.0, 1.0)),
            agent(4, Realm::Data, None),
        ];
        let p = layout(&agents, Placement::Stat7, Axes::default(), EXT);
        // x by resonance (continuous: exact), height by density.
        assert_eq!(p[0].x, 0.0);
        assert_eq!(p[1].x, 100.0);
        assert_eq!(p[2].x, 200.0);
        assert!(p[0].y < p[1].y && p[1].y < p[2].y);
        // y by lineage (discrete, jittered within its cell): still ordered.
        assert!(p[0].z < p[1].z && p[1].z < p[2].z);
        assert!(p[..3].iter().all(|q| inside(*q)));
        // No STAT7 numbers: the world position.
        assert_eq!(p[3], Vec3::new(14.0, 1.0, 20.0));
        let flat = Axes {
            up: None,
            ..Axes::default()
        };
        let q = layout(&agents, Placement::Stat7, flat, EXT);
        assert!(q.iter().all(|v| v.y == EXT.lift));
    }

    #[test]
    fn discrete_values_stay_in_their_cells() {
        let norms = Norms { max_lineage: 0 };
        for (i, realm) in Realm::ALL.iter().enumerate() {
            for id in 0..50 {
                let a = agent(id, *realm, axes(0, 0.0, 0.0));
                let c = coordinate(Dim::Realm, &a, &a.stat7.unwrap(), &norms, 0);
                let cell = (c * 7.0).floor() as usize;
                assert_eq!(cell, i, "{realm:?} id {id}: {c}");
            }
        }
    }

    #[test]
    fn a_cross_section_is_a_histogram_of_the_dimension() {
        let mut agents: Vec<Agent> = (0..30)
            .map(|i| agent(i, Realm::Data, axes(0, 0.0, 0.0)))
            .collect();
        agents.extend((30..40).map(|i| agent(i, Realm::Data, axes(2, 0.0, 0.0))));
        agents.push(agent(99, Realm::Data, None));
        let p = layout(
            &agents,
            Placement::CrossSection(Dim::Lineage),
            Axes::default(),
            EXT,
        );
        let bar = EXT.size.x / 3.0;
        assert!(p[..30].iter().all(|q| q.x < bar), "lineage 0 in bar 0");
        assert!(
            p[30..40].iter().all(|q| q.x > 2.0 * bar),
            "lineage 2 in bar 2"
        );
        assert!(p[..40].iter().all(|q| inside(*q)));
        // One cube per agent: no two share a place.
        for i in 0..40 {
            for j in i + 1..40 {
                assert!(p[i].distance(p[j]) > 1e-3, "{i} and {j} overlap");
            }
        }
        // The bigger bar reaches further from the near edge.
        let reach = |r: &[Vec3]| r.iter().map(|q| EXT.size.y - q.z).fold(0.0, f32::max);
        assert!(reach(&p[..30]) > reach(&p[30..40]));
        assert_eq!(p[40], Vec3::new(109.0, 1.0, 20.0));
    }

    #[test]
    fn a_crowded_bar_shrinks_to_fit_the_world() {
        let agents: Vec<Agent> = (0..10_000)
            .map(|i| agent(i, Realm::Data, axes(0, 0.0, 0.5)))
            .collect();
        let p = layout(
            &agents,
            Placement::CrossSection(Dim::Density),
            Axes::default(),
            EXT,
        );
        assert!(p.iter().all(|q| inside(*q)));
    }
}
