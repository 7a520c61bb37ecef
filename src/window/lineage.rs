//! Lineage chains: a line from each child to its parent, drawn between the
//! two agents' *displayed* positions (whatever the placement), for every
//! agent or only along the selected one's ancestry. Lines are capped at
//! [`MAX_LINES`] (the panel says when the cap cut some) and all live in
//! one line-list mesh with vertex colours, rebuilt when the frame, the
//! view or the selection changes: one entity and one draw call however
//! many there are, and no extra Bevy feature (gizmos) to build.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::PrimitiveTopology;
use bevy::prelude::*;

use super::feed::Agent;
use super::receive::Latest;
use super::select::Selection;
use super::sync::{AgentVisual, Mirror, SyncSet};
use super::view::ViewSettings;

/// Most lines drawn at once.
pub const MAX_LINES: usize = 2_000;

/// Which chains are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LineageMode {
    Off,
    /// The selected agent's parent, its parent's parent, and so on (with
    /// nothing selected, the hovered agent's).
    #[default]
    Ancestry,
    /// Every child whose parent is alive.
    All,
}

impl LineageMode {
    pub const ALL: [LineageMode; 3] = [LineageMode::Off, LineageMode::Ancestry, LineageMode::All];

    pub fn label(self) -> &'static str {
        match self {
            LineageMode::Off => "off",
            LineageMode::Ancestry => "selected's ancestry",
            LineageMode::All => "all",
        }
    }
}

/// The child → parent links to draw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chains {
    pub links: Vec<(u64, u64)>,
    /// Links left out by the cap.
    pub cut: usize,
    /// Children drawn whose parent is no longer in the frame (dead or gone).
    pub orphans: usize,
}

fn find(agents: &[Agent], id: u64) -> Option<&Agent> {
    agents
        .binary_search_by_key(&id, |a| a.id)
        .ok()
        .map(|i| &agents[i])
}

/// The links of `mode` among `agents` (sorted by id, as a frame's are),
/// only between agents `shown` lets through, at most `cap`.
pub fn chains(
    agents: &[Agent],
    mode: LineageMode,
    selected: Option<u64>,
    shown: impl Fn(&Agent) -> bool,
    cap: usize,
) -> Chains {
    let mut out = Chains::default();
    let add = |out: &mut Chains, child: u64, parent: u64| {
        if out.links.len() < cap {
            out.links.push((child, parent));
        } else {
            out.cut += 1;
        }
    };
    match mode {
        LineageMode::Off => {}
        LineageMode::All => {
            for a in agents.iter().filter(|a| a.parent != 0 && shown(a)) {
                match find(agents, a.parent) {
                    Some(p) if shown(p) => add(&mut out, a.id, p.id),
                    Some(_) => {}
                    None => out.orphans += 1,
                }
            }
        }
        LineageMode::Ancestry => {
            let mut at = selected.and_then(|id| find(agents, id));
            // Each step goes to a parent, born before its child: ids do
            // not cycle, but a bad source must not hang the window.
            let mut steps = 0;
            while let Some(child) = at.filter(|a| a.parent != 0) {
                let Some(parent) = find(agents, child.parent) else {
                    out.orphans += 1;
                    break;
                };
                if steps >= cap {
                    out.cut += 1;
                    break;
                }
                if shown(child) && shown(parent) {
                    add(&mut out, child.id, parent.id);
                }
                steps += 1;
                at = Some(parent);
            }
        }
    }
    out
}

/// What the panel says about the lines.
#[derive(Resource, Debug, Default, Clone, PartialEq, Eq)]
pub struct LineageStats {
    pub drawn: usize,
    pub cut: usize,
    pub orphans: usize,
}

#[derive(Resource)]
struct LineMesh {
    entity: Entity,
    mesh: Handle<Mesh>,
}

/// The child's end is bright, the parent's dim: the line shows its way.
const CHILD_END: [f32; 4] = [1.0, 0.93, 0.62, 1.0];
const PARENT_END: [f32; 4] = [0.35, 0.30, 0.20, 1.0];

fn line_mesh(ends: &[(Vec3, Vec3)]) -> Mesh {
    // A mesh of no vertices is not drawable; an empty one is a single
    // degenerate line on a hidden entity.
    let ends: &[(Vec3, Vec3)] = if ends.is_empty() {
        &[(Vec3::ZERO, Vec3::ZERO)]
    } else {
        ends
    };
    let positions: Vec<[f32; 3]> = ends
        .iter()
        .flat_map(|(a, b)| [a.to_array(), b.to_array()])
        .collect();
    let colours: Vec<[f32; 4]> = ends.iter().flat_map(|_| [CHILD_END, PARENT_END]).collect();
    let n = positions.len();
    Mesh::new(
        PrimitiveTopology::LineList,
        RenderAssetUsages::MAIN_WORLD | RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, vec![[0.0, 1.0, 0.0]; n])
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, colours)
}

pub struct LineagePlugin;

impl Plugin for LineagePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<LineageStats>()
            .add_systems(Startup, spawn_lines)
            .add_systems(Update, draw_chains.after(SyncSet));
    }
}

fn spawn_lines(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let mesh = meshes.add(line_mesh(&[]));
    let entity = commands
        .spawn((
            Mesh3d(mesh.clone()),
            MeshMaterial3d(materials.add(StandardMaterial {
                base_color: Color::WHITE,
                unlit: true,
                ..default()
            })),
            Transform::IDENTITY,
            Visibility::Hidden,
        ))
        .id();
    commands.insert_resource(LineMesh { entity, mesh });
}

#[allow(clippy::too_many_arguments)]
fn draw_chains(
    latest: Res<Latest>,
    settings: Res<ViewSettings>,
    selection: Res<Selection>,
    mirror: Res<Mirror>,
    lines: Option<Res<LineMesh>>,
    mut stats: ResMut<LineageStats>,
    mut meshes: ResMut<Assets<Mesh>>,
    transforms: Query<(&Transform, &Visibility), With<AgentVisual>>,
    mut own: Query<&mut Visibility, Without<AgentVisual>>,
) {
    let Some(lines) = lines else { return };
    if !(latest.changed || settings.is_changed() || selection.is_changed()) {
        return;
    }
    // Where each agent is drawn, if it is drawn (a hidden realm is not).
    let place = |id: u64| -> Option<Vec3> {
        let (entity, _, _) = mirror.visuals.get(&id)?;
        let (t, v) = transforms.get(*entity).ok()?;
        (*v != Visibility::Hidden).then_some(t.translation)
    };
    let chains = chains(
        &latest.frame.agents,
        settings.lineage,
        // With nothing picked, the agent under the pointer: a preview.
        selection.selected.or(selection.hovered),
        |a| settings.shows(a.realm),
        MAX_LINES,
    );
    let ends: Vec<(Vec3, Vec3)> = chains
        .links
        .iter()
        .filter_map(|(c, p)| Some((place(*c)?, place(*p)?)))
        .collect();
    let fresh = LineageStats {
        drawn: ends.len(),
        cut: chains.cut,
        orphans: chains.orphans,
    };
    if *stats != fresh {
        *stats = fresh;
    }
    if let Some(mut mesh) = meshes.get_mut(&lines.mesh) {
        *mesh = line_mesh(&ends);
    }
    if let Ok(mut v) = own.get_mut(lines.entity) {
        let want = if ends.is_empty() {
            Visibility::Hidden
        } else {
            Visibility::Inherited
        };
        if *v != want {
            *v = want;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agent::kinds::{Activity, AgentKind, Archetype};
    use crate::core::stat7::Realm;

    fn agent(id: u64, parent: u64) -> Agent {
        Agent {
            id,
            kind: AgentKind::Npc(Archetype::Villager),
            pos: Vec2::ZERO,
            zone: 0,
            realm: if id.is_multiple_of(2) {
                Realm::Data
            } else {
                Realm::Void
            },
            health: 100.0,
            activity: Activity::Idle,
            stat7: None,
            parent,
        }
    }

    /// 1 ← 2 ← 3 ← 4, 5 (parent 9, gone), 6 (spawned).
    fn family() -> Vec<Agent> {
        vec![
            agent(1, 0),
            agent(2, 1),
            agent(3, 2),
            agent(4, 3),
            agent(5, 9),
            agent(6, 0),
        ]
    }

    #[test]
    fn all_links_every_child_to_a_living_parent() {
        let c = chains(&family(), LineageMode::All, None, |_| true, 100);
        assert_eq!(c.links, vec![(2, 1), (3, 2), (4, 3)]);
        assert_eq!((c.cut, c.orphans), (0, 1));
        let off = chains(&family(), LineageMode::Off, Some(4), |_| true, 100);
        assert_eq!(off, Chains::default());
    }

    #[test]
    fn the_cap_cuts_and_says_so() {
        let c = chains(&family(), LineageMode::All, None, |_| true, 2);
        assert_eq!(c.links.len(), 2);
        assert_eq!(c.cut, 1);
        let a = chains(&family(), LineageMode::Ancestry, Some(4), |_| true, 2);
        assert_eq!(a.links, vec![(4, 3), (3, 2)]);
        assert_eq!(a.cut, 1);
    }

    #[test]
    fn ancestry_follows_parents_up_from_the_selected() {
        let a = chains(&family(), LineageMode::Ancestry, Some(4), |_| true, 100);
        assert_eq!(a.links, vec![(4, 3), (3, 2), (2, 1)]);
        assert_eq!(a.cut, 0);
        let none = chains(&family(), LineageMode::Ancestry, None, |_| true, 100);
        assert!(none.links.is_empty());
        let orphan = chains(&family(), LineageMode::Ancestry, Some(5), |_| true, 100);
        assert_eq!((orphan.links.len(), orphan.orphans), (0, 1));
    }

    #[test]
    fn hidden_agents_have_no_lines() {
        let even = |a: &Agent| a.realm == Realm::Data;
        let c = chains(&family(), LineageMode::All, None, even, 100);
        assert!(c.links.is_empty(), "every link has an odd end: {c:?}");
    }

    #[test]
    fn a_cycle_from_a_bad_source_ends() {
        let cyc = vec![agent(1, 2), agent(2, 1)];
        let a = chains(&cyc, LineageMode::Ancestry, Some(1), |_| true, 50);
        assert_eq!(a.links.len(), 50);
        assert_eq!(a.cut, 1);
    }

    #[test]
    fn the_line_mesh_has_two_ends_per_line() {
        let m = line_mesh(&[(Vec3::ZERO, Vec3::ONE), (Vec3::X, Vec3::Y)]);
        assert_eq!(m.count_vertices(), 4);
        assert_eq!(line_mesh(&[]).count_vertices(), 2);
    }
}
