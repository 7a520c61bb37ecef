//! The window: a Bevy app of its own (winit, the renderer, egui) that draws
//! what a [`feed`] brings — a simulation on its own thread (`run --window`),
//! a stored run under a timeline (`replay --window`) or a live server
//! (`view`) — and sends back what the user asks for as [`feed::Command`]s.
//! It never steps or reads a simulation itself: a frame as slow as software
//! rendering makes it costs the ticks nothing. Each frame takes the latest
//! [`feed::Frame`] ([`receive`]) and redraws from it: every agent as a small
//! mesh coloured by its zone's realm ([`sync`]), the population or zone
//! tension heatmap on the ground ([`heatmap`], the director's readings in
//! [`tension`]), an orbit camera ([`camera`]) and the egui
//! panels: Run ([`panels`]), Tunables ([`tunables_panel`]), Events
//! ([`events_panel`]), Inspector ([`inspector_panel`]), Plots
//! ([`plots_panel`]) and, for a replay, Timeline ([`timeline_panel`]).
//! Agents are picked with the pointer ([`picking`]). The View panel
//! ([`view_panel`]) changes how agents are placed ([`projection`]),
//! coloured ([`colour`]), filtered ([`view`]), linked to their parents
//! ([`lineage`]) and flashed by cascades ([`pulse`]).

mod camera;
mod capture;
mod chronicle_panel;
mod colour;
mod events_panel;
pub mod feed;
mod heatmap;
mod inspector_panel;
mod lineage;
mod panels;
mod picking;
mod plots_director;
mod plots_history;
mod plots_panel;
mod projection;
mod pulse;
mod receive;
mod scene;
mod search;
mod select;
mod story_section;
mod sync;
mod tension;
mod timeline_panel;
mod tunables_panel;
mod view;
mod view_panel;

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::window::{ExitCondition, WindowResolution};
use bevy::winit::{UpdateMode, WinitSettings};

use feed::{Command, Feed, Info};

pub use capture::CaptureOutcome;

/// How the window runs, from the command line.
#[derive(Clone, Debug, Default)]
pub struct WindowOpts {
    /// Render `frames` frames (once the scene is drawable), save a PNG here, exit.
    pub screenshot: Option<PathBuf>,
    /// Frames before the screenshot.
    pub frames: u32,
    /// Print the frame rate every this many seconds.
    pub fps_log: Option<f64>,
    /// The speed to start at (a paced source: local or replay).
    pub speed: Option<f32>,
}

/// Why the window could not run.
#[derive(Debug, thiserror::Error)]
pub enum WindowError {
    #[error(
        "no display: neither DISPLAY nor WAYLAND_DISPLAY is set (run under a desktop, or headless under `xvfb-run -a`)"
    )]
    NoDisplay,
    #[error("the window failed: {0}")]
    Failed(String),
    #[error("the screenshot failed: {0}")]
    Screenshot(String),
}

/// Opens the window on `feed` (whose source has described its world as
/// `info`) and runs until it is closed (or the screenshot is taken). The
/// source is told to quit when the window goes.
pub fn run(feed: Feed, info: Info, opts: &WindowOpts) -> Result<CaptureOutcome, WindowError> {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(WindowError::NoDisplay);
    }
    let outcome = capture::Outcome::default();
    let app_outcome = outcome.clone();
    let opts = opts.clone();
    // Winit and the renderer panic when they cannot get a display or an
    // adapter; that must end as an error message and an exit code.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let title = info.title.clone();
        let mut app = App::new();
        app.add_plugins(WindowPlugin {
            title,
            opts,
            outcome: app_outcome,
        });
        // After the plugins, whose build panics when there is no display;
        // before the first update, whose systems read it.
        app.insert_resource(receive::Link::new(feed, info));
        app.run()
    }));
    match result {
        Err(payload) => Err(WindowError::Failed(crate::core::panic::panic_message(
            payload.as_ref(),
        ))),
        Ok(exit) => outcome.finish(exit),
    }
}

/// Everything the window adds to its app.
struct WindowPlugin {
    title: String,
    opts: WindowOpts,
    outcome: capture::Outcome,
}

impl Plugin for WindowPlugin {
    fn build(&self, app: &mut App) {
        let title = &self.title;
        let screenshot = self.opts.screenshot.is_some();
        app.add_plugins(
            DefaultPlugins
                .build()
                // The command line already installed a tracing subscriber;
                // Bevy's would fight it for the global slot.
                .disable::<bevy::log::LogPlugin>()
                .set(bevy::window::WindowPlugin {
                    primary_window: Some(Window {
                        title: format!("seedsim — {title}"),
                        resolution: WindowResolution::new(1280, 800),
                        ..default()
                    }),
                    exit_condition: ExitCondition::OnPrimaryClosed,
                    ..default()
                })
                .set(bevy::render::RenderPlugin {
                    // A screenshot must show the scene, not the frames before
                    // its shaders are compiled: compile them when first needed.
                    synchronous_pipeline_compilation: screenshot,
                    ..default()
                }),
        )
        .add_plugins(bevy_egui::EguiPlugin::default())
        // Under Xvfb the window never has focus; it must keep rendering.
        .insert_resource(WinitSettings {
            focused_mode: UpdateMode::Continuous,
            unfocused_mode: UpdateMode::Continuous,
        })
        .add_systems(Update, quit_on_ctrl_q)
        .add_systems(Last, quit_source)
        .add_plugins((
            receive::ReceivePlugin,
            select::SelectPlugin,
            scene::ScenePlugin,
            sync::SyncPlugin,
            heatmap::HeatmapPlugin,
            camera::CameraPlugin,
            panels::PanelsPlugin {
                speed: self.opts.speed,
            },
            tunables_panel::TunablesPanelPlugin,
            events_panel::EventsPanelPlugin,
            (
                view::ViewPlugin,
                lineage::LineagePlugin,
                pulse::PulsePlugin,
                view_panel::ViewPanelPlugin,
            ),
            capture::CapturePlugin {
                opts: self.opts.clone(),
                outcome: self.outcome.clone(),
            },
        ))
        .add_plugins((
            picking::PickingPlugin,
            inspector_panel::InspectorPanelPlugin,
            plots_panel::PlotsPanelPlugin,
            timeline_panel::TimelinePanelPlugin,
            chronicle_panel::ChroniclePanelPlugin,
        ));
    }
}

/// Ctrl+Q closes the window (as its close button does), unless a panel's
/// text field has the keyboard.
fn quit_on_ctrl_q(
    keys: Res<ButtonInput<KeyCode>>,
    egui: Res<bevy_egui::input::EguiWantsInput>,
    mut exit: MessageWriter<AppExit>,
) {
    let ctrl = keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight]);
    if ctrl && keys.just_pressed(KeyCode::KeyQ) && !egui.wants_any_keyboard_input() {
        exit.write(AppExit::Success);
    }
}

/// The window is going: the source stops (a local run then finishes its
/// store and report).
fn quit_source(mut exits: MessageReader<AppExit>, mut link: ResMut<receive::Link>) {
    if exits.read().next().is_some() {
        link.send(Command::Quit);
    }
}
