//! The Run panel: pause, resume, one step, the speed (0.25× to 64× real
//! time), the tick, what the last tick cost, the population, how many
//! agents are drawn, the frame rate, and the camera's reset. The buttons
//! only send commands; what the panel shows is what the source's latest
//! frame says.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::camera::ResetCamera;
use super::capture::FrameRate;
use super::feed::{Command, MAX_SPEED, MIN_SPEED, SourceKind};
use super::receive::{Latest, Link};
use super::sync::Mirror;
use crate::input::ControlAction;

/// The speed the slider shows: the user's, sent when changed.
#[derive(Resource, Debug)]
struct Speed(f32);

pub struct PanelsPlugin {
    /// The speed to start at (`--speed`).
    pub speed: Option<f32>,
}

impl Plugin for PanelsPlugin {
    fn build(&self, app: &mut App) {
        if let Some(speed) = self.speed {
            app.add_systems(Startup, move |mut link: ResMut<Link>| {
                link.send(Command::Speed(speed));
            });
        }
        app.insert_resource(Speed(self.speed.unwrap_or(1.0)))
            .add_systems(EguiPrimaryContextPass, run_panel);
    }
}

fn run_panel(
    mut contexts: EguiContexts,
    mut link: ResMut<Link>,
    latest: Res<Latest>,
    mut speed: ResMut<Speed>,
    mut reset: ResMut<ResetCamera>,
    mirror: Res<Mirror>,
    fps: Res<FrameRate>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let frame = &latest.frame;
    let ticks = link
        .info
        .ticks
        .map_or_else(|| "…".to_string(), |t| t.to_string());
    let paced = !matches!(link.info.kind, SourceKind::Remote { .. });
    let mut action = None;
    let before = speed.0;
    egui::Window::new("Run")
        .default_pos([12.0, 12.0])
        .resizable(false)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if frame.paused {
                    if ui.button("▶ Resume").clicked() {
                        action = Some(ControlAction::Resume);
                    }
                } else if ui.button("⏸ Pause").clicked() {
                    action = Some(ControlAction::Pause);
                }
                if ui.button("Step").clicked() {
                    action = Some(ControlAction::Step);
                }
            });
            if paced {
                ui.add(
                    egui::Slider::new(&mut speed.0, MIN_SPEED..=MAX_SPEED)
                        .logarithmic(true)
                        .text("speed ×"),
                );
            }
            egui::Grid::new("run_stats").num_columns(2).show(ui, |ui| {
                ui.label("tick");
                ui.label(format!("{} / {ticks}", frame.tick));
                ui.end_row();
                ui.label("last tick");
                ui.label(format!("{:.2} ms", frame.stats.tick_ms));
                ui.end_row();
                ui.label("population");
                ui.label(frame.stats.population.to_string());
                ui.end_row();
                ui.label("drawn");
                ui.label(mirror.visuals.len().to_string());
                ui.end_row();
                ui.label("frame rate");
                ui.label(format!("{:.1} fps", fps.fps));
                ui.end_row();
                ui.label("tick rate");
                ui.label(format!("{:.1} ticks/s", fps.ticks_per_sec));
                ui.end_row();
            });
            if frame.finished {
                ui.label(match link.info.kind {
                    SourceKind::Local => "The run is over: close the window for the report.",
                    _ => "At the end of the run.",
                });
            }
            if latest.closed {
                ui.colored_label(egui::Color32::LIGHT_RED, "The source has stopped.");
            }
            if let Some(why) = &link.refused {
                ui.colored_label(egui::Color32::LIGHT_RED, why.as_str());
            }
            if ui.button("Reset camera (R)").clicked() {
                reset.0 = true;
            }
        });
    if let Some(action) = action {
        link.send(Command::Control(action));
    }
    if speed.0 != before {
        link.send(Command::Speed(speed.0));
    }
    Ok(())
}
