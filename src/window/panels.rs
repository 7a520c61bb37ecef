//! The egui panels. This slice has the Run panel: pause, resume, one step,
//! the speed (0.25× to 64× real time), the tick, what the last tick cost,
//! the population and how many agents are drawn, and the camera's reset.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::SimHandle;
use super::camera::ResetCamera;
use super::capture::FrameRate;
use super::pace::{MAX_SPEED, MIN_SPEED, Pacing};
use super::sync::Mirror;
use crate::input::ControlAction;
use crate::record::TickFrame;

pub struct PanelsPlugin;

impl Plugin for PanelsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(EguiPrimaryContextPass, run_panel);
    }
}

fn run_panel(
    mut contexts: EguiContexts,
    handle: NonSend<SimHandle>,
    mut pacing: ResMut<Pacing>,
    mut reset: ResMut<ResetCamera>,
    mirror: Res<Mirror>,
    fps: Res<FrameRate>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let (tick, ticks, population) = {
        let driven = handle.0.borrow();
        let frame = driven.sim.world().resource::<TickFrame>();
        (driven.sim.tick(), driven.ticks, frame.population)
    };
    let mut action = None;
    egui::Window::new("Run")
        .default_pos([12.0, 12.0])
        .resizable(false)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if pacing.paused {
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
            ui.add(
                egui::Slider::new(&mut pacing.speed, MIN_SPEED..=MAX_SPEED)
                    .logarithmic(true)
                    .text("speed ×"),
            );
            egui::Grid::new("run_stats").num_columns(2).show(ui, |ui| {
                ui.label("tick");
                ui.label(format!("{tick} / {ticks}"));
                ui.end_row();
                ui.label("last tick");
                ui.label(format!("{:.2} ms", pacing.last_tick_ms));
                ui.end_row();
                ui.label("population");
                ui.label(population.to_string());
                ui.end_row();
                ui.label("drawn");
                ui.label(mirror.visuals.len().to_string());
                ui.end_row();
                ui.label("frame rate");
                ui.label(format!("{:.1} fps", fps.fps));
                ui.end_row();
            });
            if pacing.finished {
                ui.label("The run is over: close the window for the report.");
            }
            if ui.button("Reset camera (R)").clicked() {
                reset.0 = true;
            }
        });
    if let Some(action) = action {
        pacing.control(&handle, action);
    }
    Ok(())
}
