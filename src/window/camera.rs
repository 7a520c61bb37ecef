//! The orbit camera: left drag orbits around a focus point on the ground,
//! right drag pans it, the wheel zooms, R (or the panel's button) goes back
//! to the start, which frames the whole world. Input that egui takes (a
//! drag on a panel) does not move the camera. A new pick
//! ([`Selection::fly_to`]) eases the focus to the picked agent's visual
//! over [`FLIGHT_SECS`], following it if it moves meanwhile; a pan or a
//! reset ends the flight.

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use bevy_egui::input::{egui_wants_any_keyboard_input, egui_wants_any_pointer_input};

use super::scene::WorldSize;
use super::select::Selection;
use super::sync::{AgentVisual, Mirror};

/// How long the focus takes to reach a picked agent.
pub const FLIGHT_SECS: f32 = 0.5;

/// Where the camera looks from: angles around `focus` and a distance.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct Orbit {
    pub focus: Vec3,
    /// Around the vertical axis, radians.
    pub yaw: f32,
    /// Above the ground, radians (kept between 5° and 89°).
    pub pitch: f32,
    pub distance: f32,
    /// The framing at start, for reset.
    pub home: (Vec3, f32, f32, f32),
}

impl Orbit {
    /// Framed on a world of `size` metres: centred, seen from the south at
    /// 60°, far enough for the whole world to fit a 45° field of view.
    pub fn framing(size: Vec2) -> Orbit {
        let focus = Vec3::new(size.x / 2.0, 0.0, size.y / 2.0);
        let (yaw, pitch) = (0.0, 60f32.to_radians());
        let distance = size.max_element().max(1.0) * 1.15;
        Orbit {
            focus,
            yaw,
            pitch,
            distance,
            home: (focus, yaw, pitch, distance),
        }
    }

    pub fn reset(&mut self) {
        (self.focus, self.yaw, self.pitch, self.distance) = self.home;
    }

    pub fn transform(&self) -> Transform {
        let dir = Vec3::new(
            self.pitch.cos() * self.yaw.sin(),
            self.pitch.sin(),
            self.pitch.cos() * self.yaw.cos(),
        );
        Transform::from_translation(self.focus + dir * self.distance)
            .looking_at(self.focus, Vec3::Y)
    }
}

/// Asked by the panel's button.
#[derive(Resource, Debug, Default)]
pub struct ResetCamera(pub bool);

pub struct CameraPlugin;

impl Plugin for CameraPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ResetCamera>()
            .add_systems(Startup, spawn_camera)
            .add_systems(
                Update,
                (
                    mouse_controls.run_if(not(egui_wants_any_pointer_input)),
                    reset_key.run_if(not(egui_wants_any_keyboard_input)),
                    fly_to_selection,
                    place_camera,
                )
                    .chain(),
            );
    }
}

fn spawn_camera(mut commands: Commands, size: Res<WorldSize>) {
    let orbit = Orbit::framing(size.0);
    commands.spawn((
        Camera3d::default(),
        // Colours as given (the realm palette), not tone-mapped.
        Tonemapping::None,
        // Software rendering (llvmpipe) spends nearly all of a frame shading
        // fragments; four samples a pixel would quadruple that.
        Msaa::Off,
        Projection::Perspective(PerspectiveProjection {
            far: orbit.distance * 20.0,
            ..default()
        }),
        orbit.transform(),
    ));
    commands.insert_resource(orbit);
}

fn mouse_controls(
    buttons: Res<ButtonInput<MouseButton>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    orbit: Option<ResMut<Orbit>>,
) {
    let Some(mut orbit) = orbit else { return };
    let d = motion.delta;
    if buttons.pressed(MouseButton::Left) && d != Vec2::ZERO {
        orbit.yaw -= d.x * 0.005;
        orbit.pitch = (orbit.pitch + d.y * 0.005).clamp(5f32.to_radians(), 89f32.to_radians());
    }
    if buttons.pressed(MouseButton::Right) && d != Vec2::ZERO {
        // Along the ground, so the focus stays on it; faster when far away.
        let right = Vec3::new(orbit.yaw.cos(), 0.0, -orbit.yaw.sin());
        let back = Vec3::new(orbit.yaw.sin(), 0.0, orbit.yaw.cos());
        let k = orbit.distance * 0.0015;
        orbit.focus += (-right * d.x - back * d.y) * k;
    }
    let lines = match scroll.unit {
        MouseScrollUnit::Line => scroll.delta.y,
        MouseScrollUnit::Pixel => scroll.delta.y / 40.0,
    };
    if lines != 0.0 {
        let max = orbit.home.3 * 8.0;
        orbit.distance = (orbit.distance * 0.9f32.powf(lines)).clamp(2.0, max);
    }
}

fn reset_key(keys: Res<ButtonInput<KeyCode>>, mut reset: ResMut<ResetCamera>) {
    if keys.just_pressed(KeyCode::KeyR) {
        reset.0 = true;
    }
}

/// Where the focus is `elapsed` seconds into a flight from `from` to `to`
/// (smoothstep: no jolt at either end), and whether the flight is over.
pub fn flight_focus(from: Vec3, to: Vec3, elapsed: f32) -> (Vec3, bool) {
    let t = (elapsed / FLIGHT_SECS).clamp(0.0, 1.0);
    let eased = t * t * (3.0 - 2.0 * t);
    (from.lerp(to, eased), t >= 1.0)
}

/// A flight under way: to which agent, from where, for how long so far.
#[derive(Debug, Clone, Copy)]
struct Flight {
    id: u64,
    from: Vec3,
    elapsed: f32,
}

// A system's parameters: each is one thing the flight reads.
#[allow(clippy::too_many_arguments)]
fn fly_to_selection(
    mut selection: ResMut<Selection>,
    mirror: Res<Mirror>,
    visuals: Query<&Transform, (With<AgentVisual>, Without<Camera3d>)>,
    time: Res<Time>,
    buttons: Res<ButtonInput<MouseButton>>,
    reset: Res<ResetCamera>,
    orbit: Option<ResMut<Orbit>>,
    mut flight: Local<Option<Flight>>,
) {
    let Some(mut orbit) = orbit else { return };
    if selection.fly_to {
        selection.fly_to = false;
        *flight = selection.selected.map(|id| Flight {
            id,
            from: orbit.focus,
            elapsed: 0.0,
        });
    }
    if reset.0 || buttons.pressed(MouseButton::Right) {
        *flight = None;
    }
    let Some(f) = flight.as_mut() else { return };
    // The agent may have left (or not be drawn yet): then there is nowhere to go.
    let Some(to) = mirror
        .visuals
        .get(&f.id)
        .and_then(|(entity, ..)| visuals.get(*entity).ok())
        .map(|t| t.translation)
    else {
        *flight = None;
        return;
    };
    f.elapsed += time.delta_secs();
    let (focus, done) = flight_focus(f.from, to, f.elapsed);
    orbit.focus = focus;
    if done {
        *flight = None;
    }
}

fn place_camera(
    orbit: Option<ResMut<Orbit>>,
    mut reset: ResMut<ResetCamera>,
    mut camera: Query<&mut Transform, With<Camera3d>>,
) {
    let Some(mut orbit) = orbit else { return };
    if std::mem::take(&mut reset.0) {
        orbit.reset();
    }
    if !orbit.is_changed() {
        return;
    }
    for mut t in &mut camera {
        *t = orbit.transform();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_framing_looks_at_the_world_centre_from_above() {
        let o = Orbit::framing(Vec2::new(300.0, 200.0));
        let t = o.transform();
        assert!(t.translation.y > 0.0);
        let ahead = t.forward().as_vec3();
        let to_focus = (o.focus - t.translation).normalize();
        assert!(ahead.dot(to_focus) > 0.999);
        let mut moved = o;
        moved.yaw = 1.0;
        moved.distance = 10.0;
        moved.reset();
        assert_eq!(moved, o);
    }

    #[test]
    fn a_flight_eases_from_start_to_target_and_ends() {
        let (from, to) = (Vec3::ZERO, Vec3::new(10.0, 0.0, -4.0));
        assert_eq!(flight_focus(from, to, 0.0), (from, false));
        let (early, _) = flight_focus(from, to, FLIGHT_SECS * 0.1);
        let (mid, done) = flight_focus(from, to, FLIGHT_SECS * 0.5);
        assert!(!done);
        assert!((mid - to / 2.0).length() < 1e-5, "halfway at half time");
        assert!(early.length() < 0.1 * to.length(), "slow to start");
        assert_eq!(flight_focus(from, to, FLIGHT_SECS), (to, true));
        assert_eq!(flight_focus(from, to, FLIGHT_SECS * 3.0), (to, true));
    }
}
