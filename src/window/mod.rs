//! The window (`seedsim run <scenario> --window`): a Bevy app of its own,
//! with the windowed plugins, that owns the scenario's [`Simulation`] and
//! steps it at real-time pace (100 ms a tick, divided by the chosen speed,
//! at most [`MAX_TICKS_PER_FRAME`] ticks a frame) and shows it: every agent
//! as a small mesh coloured by its zone's realm, the population heatmap on
//! the ground, an orbit camera and three egui panels: Run, Tunables (see
//! [`tunables_panel`]) and Events (see [`events_panel`]). The simulation is a
//! separate `App` stepped by one system (see [`pace`]); everything else only
//! reads its world after a tick (see [`sync`], [`heatmap`]). The one way in
//! is a recorded input — pause, resume and step are queued as
//! `Input::Control` through `QueuedInputs`, exactly as the live server does
//! — so a windowed run computes the same ticks as a headless one and its
//! `events.db` replays like any other.

mod camera;
mod capture;
mod events_panel;
mod heatmap;
mod pace;
mod panels;
mod scene;
mod sync;
mod tunables_panel;

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use bevy::prelude::*;
use bevy::window::{ExitCondition, WindowResolution};
use bevy::winit::{UpdateMode, WinitSettings};

use crate::check::Judge;
use crate::sim::Simulation;

pub use capture::CaptureOutcome;

/// Most ticks one frame runs: a slow frame (software rendering, a big
/// world) makes the simulation fall behind its speed rather than freeze the
/// window catching up.
pub const MAX_TICKS_PER_FRAME: u32 = 4;

/// How the window runs, from the command line.
#[derive(Clone, Debug, Default)]
pub struct WindowOpts {
    /// Render `frames` frames (once the scene is drawable), save a PNG here, exit.
    pub screenshot: Option<PathBuf>,
    /// Frames before the screenshot.
    pub frames: u32,
    /// Print the frame rate every this many seconds.
    pub fps_log: Option<f64>,
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

/// The simulation the window drives, and what follows its ticks. Shared
/// through an `Rc` so that the caller gets it back for the teardown (store,
/// report) after the window's app is gone.
pub struct Driven {
    pub sim: Simulation,
    /// The scenario's name, for the title.
    pub scenario: String,
    pub judge: Judge,
    /// The run's length: stepping stops after this tick.
    pub ticks: u64,
    /// Set when a tick panicked, the store failed or a threshold stopped the run.
    pub stopped: bool,
}

/// The window's handle on the simulation (a non-send resource: the
/// simulation's `App` lives on the main thread, like the window's).
#[derive(Clone)]
pub(crate) struct SimHandle(pub Rc<RefCell<Driven>>);

/// Opens the window and runs until it is closed (or the screenshot is
/// taken). The simulation is handed back through `driven` either way.
pub fn run(driven: Rc<RefCell<Driven>>, opts: &WindowOpts) -> Result<CaptureOutcome, WindowError> {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(WindowError::NoDisplay);
    }
    let outcome = capture::Outcome::default();
    let app_outcome = outcome.clone();
    let opts = opts.clone();
    // Winit and the renderer panic when they cannot get a display or an
    // adapter; that must end as an error message and an exit code.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let scenario = driven.borrow().scenario.clone();
        let mut app = App::new();
        app.add_plugins(WindowPlugin {
            scenario,
            opts,
            outcome: app_outcome,
        });
        // After the plugins, whose build panics when there is no display
        // (and Bevy then keeps the app, and this handle, from being
        // dropped); before the first update, whose systems read it.
        app.insert_non_send(SimHandle(driven));
        app.run()
    }));
    match result {
        Err(payload) => Err(WindowError::Failed(crate::sim::panic_message(
            payload.as_ref(),
        ))),
        Ok(exit) => outcome.finish(exit),
    }
}

/// Everything the window adds to its app.
struct WindowPlugin {
    scenario: String,
    opts: WindowOpts,
    outcome: capture::Outcome,
}

impl Plugin for WindowPlugin {
    fn build(&self, app: &mut App) {
        let scenario_name = &self.scenario;
        let screenshot = self.opts.screenshot.is_some();
        app.add_plugins(
            DefaultPlugins
                .build()
                // The command line already installed a tracing subscriber;
                // Bevy's would fight it for the global slot.
                .disable::<bevy::log::LogPlugin>()
                .set(bevy::window::WindowPlugin {
                    primary_window: Some(Window {
                        title: format!("seedsim — {scenario_name}"),
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
        .add_plugins((
            scene::ScenePlugin,
            pace::PacePlugin,
            sync::SyncPlugin,
            heatmap::HeatmapPlugin,
            camera::CameraPlugin,
            panels::PanelsPlugin,
            tunables_panel::TunablesPanelPlugin,
            events_panel::EventsPanelPlugin,
            capture::CapturePlugin {
                opts: self.opts.clone(),
                outcome: self.outcome.clone(),
            },
        ));
    }
}
