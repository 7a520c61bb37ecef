//! The Plots panel: live lines of what the run does over time — the tick's
//! wall time, the population by kind (a line for each kind ever present),
//! events per simulated second, governance denials by rule (per tick) and
//! the director's tension per directed zone against its band
//! (`plots_director`).
//! Each new frame goes into a bounded [`History`] (see `plots_history`),
//! so however long the run, a line has at most `plots_history::CAPACITY`
//! points to draw. Collapsed by default: the plots cost nothing to draw
//! until opened, though the history keeps filling.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Legend, Line, Plot};

use super::plots_director::{TensionHistory, director_ui};
use super::plots_history::History;
use super::receive::{Latest, Link, ReceiveSet};
use super::tension::Tension;
use crate::core::agent::kinds::AgentKind;

/// Each plot's height in the panel; the population's is taller, for its
/// legend of up to a dozen kinds.
pub const PLOT_HEIGHT: f32 = 130.0;
const POPULATION_HEIGHT: f32 = 220.0;

/// The history the panel draws.
#[derive(Resource, Debug, Default)]
pub struct Plots(pub History);

/// The director's series, pushed with the same frames as [`Plots`].
#[derive(Resource, Debug, Default)]
pub struct DirectorPlots(pub TensionHistory);

pub struct PlotsPanelPlugin;

impl Plugin for PlotsPanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Plots>()
            .init_resource::<DirectorPlots>()
            .add_systems(First, record.after(ReceiveSet))
            .add_systems(EguiPrimaryContextPass, plots_panel);
    }
}

/// Keeps each new frame's numbers.
fn record(
    latest: Res<Latest>,
    tension: Res<Tension>,
    mut plots: ResMut<Plots>,
    mut director: ResMut<DirectorPlots>,
) {
    if latest.changed {
        plots.0.push(latest.frame.tick, &latest.frame.stats);
        director.0.push(latest.frame.tick, &tension);
    }
}

fn plots_panel(
    mut contexts: EguiContexts,
    plots: Res<Plots>,
    director: Res<DirectorPlots>,
    tension: Res<Tension>,
    link: Res<Link>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let h = &plots.0;
    egui::Window::new("Plots")
        .default_pos([12.0, 420.0])
        .default_width(520.0)
        .default_open(false)
        .show(ctx, |ui| {
            if h.points().is_empty() {
                ui.label("No frames yet.");
                return;
            }
            ui.label(format!(
                "{} ticks in {} points ({} ticks a point)",
                h.ticks(),
                h.points().len(),
                h.ticks_per_point()
            ));
            egui::ScrollArea::vertical()
                .max_height(560.0)
                .show(ui, |ui| {
                    plots_ui(ui, h);
                    director_ui(ui, &director.0, &tension, &link.info.zones);
                });
        });
    Ok(())
}

fn plots_ui(ui: &mut egui::Ui, h: &History) {
    plot(ui, "tick time (ms)", "plot_tick_ms", PLOT_HEIGHT, |p| {
        p.line(Line::new("mean ms", h.tick_ms()));
    });
    let population = POPULATION_HEIGHT;
    plot(
        ui,
        "population by kind",
        "plot_population",
        population,
        |p| {
            for k in h.kinds_present() {
                let name = AgentKind::all().nth(k).map_or("?", AgentKind::name);
                p.line(Line::new(name, h.population_of(k)));
            }
        },
    );
    plot(ui, "events per second", "plot_events", PLOT_HEIGHT, |p| {
        p.line(Line::new("events/s", h.events_per_second()));
    });
    if h.rules().is_empty() {
        ui.label("denials: none so far");
        return;
    }
    plot(
        ui,
        "denials per tick, by rule",
        "plot_denials",
        PLOT_HEIGHT,
        |p| {
            for (i, rule) in h.rules().iter().enumerate() {
                p.line(Line::new(rule.as_str(), h.denial_rate(i)));
            }
        },
    );
}

/// One titled plot, ticks along x, sharing the x axis with the others so
/// that zooming one zooms them all.
pub fn plot<'a>(
    ui: &mut egui::Ui,
    title: &str,
    id: &str,
    height: f32,
    lines: impl FnOnce(&mut egui_plot::PlotUi<'a>) + 'a,
) {
    ui.label(egui::RichText::new(title).strong());
    Plot::new(id)
        .height(height)
        .legend(Legend::default())
        .link_axis("plots_ticks", [true, false])
        .include_y(0.0)
        .x_axis_label("tick")
        .show(ui, lines);
}
