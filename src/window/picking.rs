//! Picking agents in the scene: the agent under the pointer is hovered (a
//! tooltip says what it is), a left click selects it and a click on empty
//! ground clears the selection. The camera orbits on a left drag, so a
//! press only counts as a click when the pointer stayed within
//! [`CLICK_SLOP`] of where it went down. Where egui wants the pointer (over
//! a panel) the scene is not picked at all.
//!
//! The pick is our own ray test rather than `bevy_picking`: one ray from
//! the camera through the pointer against every agent visual's cube (from
//! its `Transform`, so it picks wherever the placement put the agent), a
//! bounding-sphere test rejecting almost all of them before an exact
//! oriented-box test; the nearest hit wins. Over 10k agents that is a
//! tight loop of a few multiplications each, with no mesh raycasts, no
//! extra plugin and no per-entity picking components. The selected and the
//! hovered agent are outlined with gizmo wire cubes.

use bevy::math::Ray3d;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::receive::{Latest, Link};
use super::scene::Palette;
use super::select::Selection;
use super::sync::{AgentVisual, Mirror, SyncSet};

/// How far (logical pixels) the pointer may move between press and release
/// for the press to still be a click rather than a drag.
pub const CLICK_SLOP: f32 = 4.0;

/// The outline around the selected agent, and the hovered one.
const SELECTED_COLOUR: Color = Color::srgb(1.0, 0.85, 0.1);
const HOVERED_COLOUR: Color = Color::srgb(0.9, 0.9, 0.9);

/// Where along `ray` (its parameter, in world units) it first meets the cube
/// of edge `2 * half` that `transform` places (scaled, rotated, moved), if
/// it does in front of the origin (0 when the origin is inside).
pub fn ray_cube(ray: Ray3d, transform: &Transform, half: f32) -> Option<f32> {
    let dir = ray.direction.as_vec3();
    // The sphere around the cube's corners: most agents miss it, and it
    // costs a dot product and no division.
    let radius = half * transform.scale.abs().max_element() * 3f32.sqrt();
    let oc = transform.translation - ray.origin;
    let along = oc.dot(dir);
    if oc.length_squared() - along * along > radius * radius || along + radius < 0.0 {
        return None;
    }
    // In the cube's own frame the box is [-half, half]³; an affine map keeps
    // the ray's parameter, so the hit distance comes out in world units.
    let inverse = transform.rotation.inverse();
    let scale = transform.scale;
    let origin = inverse * (ray.origin - transform.translation) / scale;
    let dir = inverse * dir / scale;
    let (mut near, mut far) = (0.0f32, f32::INFINITY);
    for axis in 0..3 {
        let (o, d) = (origin[axis], dir[axis]);
        if d.abs() < 1e-12 {
            if o.abs() > half {
                return None;
            }
            continue;
        }
        let (a, b) = ((-half - o) / d, (half - o) / d);
        near = near.max(a.min(b));
        far = far.min(a.max(b));
        if near > far {
            return None;
        }
    }
    Some(near)
}

/// The candidate `ray` meets first, and how far along the ray.
pub fn nearest<'a>(
    ray: Ray3d,
    half: f32,
    candidates: impl IntoIterator<Item = (u64, &'a Transform)>,
) -> Option<(u64, f32)> {
    candidates
        .into_iter()
        .filter_map(|(id, t)| ray_cube(ray, t, half).map(|d| (id, d)))
        // Ties (coincident agents) go to the lower id, whatever the order.
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
}

/// Tells a click from a drag: a press, then the farthest the pointer got
/// from it before the release.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ClickTracker {
    down: Option<Vec2>,
    farthest: f32,
}

impl ClickTracker {
    pub fn press(&mut self, at: Vec2) {
        self.down = Some(at);
        self.farthest = 0.0;
    }

    pub fn moved(&mut self, to: Vec2) {
        if let Some(down) = self.down {
            self.farthest = self.farthest.max(down.distance(to));
        }
    }

    /// Forgets a press (the pointer went to a panel).
    pub fn cancel(&mut self) {
        self.down = None;
    }

    /// Whether the press that ends here was a click.
    pub fn release(&mut self, at: Vec2) -> bool {
        self.moved(at);
        self.down.take().is_some() && self.farthest <= CLICK_SLOP
    }
}

pub struct PickingPlugin;

impl Plugin for PickingPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, (pick, outline).chain().after(SyncSet))
            .add_systems(EguiPrimaryContextPass, tooltip);
    }
}

/// The ray under the pointer, if the pointer is over the scene.
fn pointer_ray(
    window: &Window,
    camera: &Query<(&Camera, &GlobalTransform), With<Camera3d>>,
) -> Option<(Vec2, Ray3d)> {
    let at = window.cursor_position()?;
    let (camera, transform) = camera.single().ok()?;
    let ray = camera.viewport_to_world(transform, at).ok()?;
    Some((at, ray))
}

#[allow(clippy::too_many_arguments)]
fn pick(
    window: Query<&Window, With<PrimaryWindow>>,
    camera: Query<(&Camera, &GlobalTransform), With<Camera3d>>,
    visuals: Query<(&Transform, &Visibility), With<AgentVisual>>,
    mirror: Res<Mirror>,
    palette: Option<Res<Palette>>,
    buttons: Res<ButtonInput<MouseButton>>,
    egui: Res<EguiWantsInput>,
    mut selection: ResMut<Selection>,
    mut tracker: Local<ClickTracker>,
) {
    let over_scene = window
        .single()
        .ok()
        .filter(|_| !egui.wants_any_pointer_input())
        .and_then(|w| pointer_ray(w, &camera));
    let (Some((at, ray)), Some(palette)) = (over_scene, palette) else {
        tracker.cancel();
        if selection.hovered.is_some() {
            selection.hovered = None;
        }
        return;
    };
    let candidates =
        mirror
            .visuals
            .iter()
            .filter_map(|(id, (entity, ..))| match visuals.get(*entity) {
                // What the View panel hides cannot be clicked either.
                Ok((_, Visibility::Hidden)) | Err(_) => None,
                Ok((t, _)) => Some((*id, t)),
            });
    let hit = nearest(ray, palette.agent_size / 2.0, candidates).map(|(id, _)| id);
    // Only a real change touches the resource: others react to its changes.
    if selection.hovered != hit {
        selection.hovered = hit;
    }
    if buttons.just_pressed(MouseButton::Left) {
        tracker.press(at);
    } else if buttons.pressed(MouseButton::Left) {
        tracker.moved(at);
    }
    if buttons.just_released(MouseButton::Left) && tracker.release(at) {
        selection.pick(hit);
    }
}

/// Wire cubes around the selected and the hovered agent.
fn outline(
    selection: Res<Selection>,
    mirror: Res<Mirror>,
    palette: Option<Res<Palette>>,
    visuals: Query<&Transform, With<AgentVisual>>,
    mut gizmos: Gizmos,
) {
    let Some(palette) = palette else { return };
    let marks = [
        (selection.selected, SELECTED_COLOUR, 1.6),
        (selection.hovered, HOVERED_COLOUR, 1.3),
    ];
    for (id, colour, grow) in marks {
        let Some(t) = id
            .and_then(|id| mirror.visuals.get(&id))
            .and_then(|(entity, ..)| visuals.get(*entity).ok())
        else {
            continue;
        };
        let box_ = t.with_scale(t.scale * palette.agent_size * grow);
        gizmos.cube(box_, colour);
    }
}

/// What the hovered agent is, next to the pointer.
fn tooltip(
    mut contexts: EguiContexts,
    selection: Res<Selection>,
    latest: Res<Latest>,
    link: Res<Link>,
) -> Result {
    let Some(id) = selection.hovered else {
        return Ok(());
    };
    let agents = &latest.frame.agents;
    let Ok(i) = agents.binary_search_by_key(&id, |a| a.id) else {
        return Ok(());
    };
    let agent = agents[i];
    let ctx = contexts.ctx_mut()?;
    let Some(pointer) = ctx.pointer_hover_pos() else {
        return Ok(());
    };
    let zone = link
        .info
        .zones
        .iter()
        .find(|z| z.id == agent.zone)
        .map_or_else(|| format!("zone {}", agent.zone), |z| z.name.clone());
    // Beside the pointer, not under it: under it, egui would claim the
    // pointer and the hover would flicker off.
    egui::Area::new(egui::Id::new("agent_tooltip"))
        .order(egui::Order::Tooltip)
        .fixed_pos(pointer + egui::vec2(16.0, 16.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                // A new Area starts narrow: lines would wrap word by word.
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                ui.label(egui::RichText::new(format!("#{id} {}", agent.kind.name())).strong());
                ui.label(format!("{zone} · {}", agent.realm.as_str()));
                ui.label(format!(
                    "health {:.0} · {}",
                    agent.health,
                    agent.activity.as_str()
                ));
            });
        });
    Ok(())
}

#[cfg(test)]
#[path = "picking_tests.rs"]
mod tests;
