//! The Tunables panel: the simulation's parameters as the admin API sees
//! them ([`Tunables`]), editable in a draft. The panel never writes the
//! parameters itself: "Apply" sends a JSON patch of what the draft changed
//! to the source, which checks it as `PUT /api/tunables` does (a live
//! server's own API does exactly that) and queues it as a recorded
//! `Input::Tune`. The next tick takes it, records it in the store and
//! changes the parameters, so a run tuned in the window replays bit for
//! bit. What the panel shows when the draft is clean is what the latest
//! frame says: always the truth, never the wish.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use serde_json::{Map, Value};

use super::feed::{Command, Notice, SourceKind};
use super::receive::{Latest, Link, Notices};
use crate::core::agent::kinds::{Activity, AgentKind};
use crate::core::scenario::Rule;
use crate::input::Tunables;

/// The JSON patch that turns `truth` into `draft`: only the fields that
/// differ. Weights go down to single entries (`weights.merchant.trade`);
/// the policies are replaced whole, because that is how `Tunables` takes
/// them.
pub fn build_patch(truth: &Tunables, draft: &Tunables) -> Value {
    let (Ok(Value::Object(old)), Ok(Value::Object(new))) =
        (serde_json::to_value(truth), serde_json::to_value(draft))
    else {
        return Value::Object(Map::new());
    };
    let mut out = Map::new();
    for (key, value) in new {
        let before = old.get(&key);
        if before == Some(&value) {
            continue;
        }
        if let (Value::Object(kinds), Some(Value::Object(old_kinds))) = (&value, before)
            && key == "weights"
        {
            let mut changed_kinds = Map::new();
            for (kind, row) in kinds {
                let changed = match (row, old_kinds.get(kind)) {
                    (Value::Object(row), Some(Value::Object(old_row))) => Value::Object(
                        row.iter()
                            .filter(|(activity, w)| old_row.get(*activity) != Some(*w))
                            .map(|(a, w)| (a.clone(), w.clone()))
                            .collect(),
                    ),
                    _ => row.clone(),
                };
                if changed.as_object().is_none_or(|m| !m.is_empty()) {
                    changed_kinds.insert(kind.clone(), changed);
                }
            }
            out.insert(key, Value::Object(changed_kinds));
            continue;
        }
        out.insert(key, value);
    }
    Value::Object(out)
}

/// Whether the patch changes nothing.
pub fn is_empty_patch(patch: &Value) -> bool {
    patch.as_object().is_none_or(Map::is_empty)
}

/// The panel's state between frames.
#[derive(Resource, Default)]
struct TunablesPanel {
    /// The parameters as of the last tick.
    truth: Option<Tunables>,
    /// What the user is editing; equal to `truth` when clean.
    draft: Option<Tunables>,
    /// The draft sent, waiting for the source's answer.
    asked: Option<(Tunables, Value)>,
    /// The draft that was queued, and the tick after which it was; kept on
    /// screen until a tick has taken it.
    sent: Option<(Tunables, u64)>,
    /// Index of the kind whose weights are shown.
    kind: usize,
    /// Why the last "Apply" was refused, and the patch it refused: shown
    /// while the draft still makes that patch, so the text never describes
    /// edits that are no longer there.
    error: Option<(String, Value)>,
}

pub struct TunablesPanelPlugin;

impl Plugin for TunablesPanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<TunablesPanel>()
            .add_systems(EguiPrimaryContextPass, tunables_panel);
    }
}

/// Reads the parameters from a new frame, and keeps the draft unless the
/// user has edits that no tick has taken yet; takes the source's answers.
fn refresh(panel: &mut TunablesPanel, latest: &Latest, notices: &mut Notices) {
    notices.0.retain(|n| match n {
        Notice::Tuned { tick, result } => {
            if let Some((draft, patch)) = panel.asked.take() {
                match result {
                    Ok(()) => panel.sent = Some((draft, *tick)),
                    Err(e) => panel.error = Some((e.clone(), patch)),
                }
            }
            false
        }
        _ => true,
    });
    if panel.truth.is_some() && !latest.changed {
        return;
    }
    let Some(params) = latest.frame.tunables.as_deref() else {
        return;
    };
    let tick = latest.frame.tick;
    let truth = params.clone();
    let clean = panel.draft == panel.truth;
    let taken = panel.sent.as_ref().is_some_and(|(_, at)| tick > *at);
    let was_sent = panel
        .sent
        .as_ref()
        .is_some_and(|(sent, _)| Some(sent) == panel.draft.as_ref());
    if clean || (taken && was_sent) {
        panel.draft = Some(truth.clone());
    }
    if taken {
        panel.sent = None;
    }
    panel.truth = Some(truth);
}

fn tunables_panel(
    mut contexts: EguiContexts,
    mut link: ResMut<Link>,
    latest: Res<Latest>,
    mut notices: ResMut<Notices>,
    mut panel: ResMut<TunablesPanel>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    refresh(&mut panel, &latest, &mut notices);
    let finished = latest.frame.finished || latest.closed;
    let tunable = match &link.info.kind {
        SourceKind::Local => Ok(()),
        SourceKind::Remote { can_tune: true, .. } => Ok(()),
        SourceKind::Remote { .. } => Err("read only: give `view` the server's --token to tune"),
        SourceKind::Replay { .. } => Err("a replay shows what was recorded: it cannot be tuned"),
    };
    let panel = &mut *panel;
    let (Some(truth), Some(draft)) = (panel.truth.as_ref(), panel.draft.as_mut()) else {
        return Ok(());
    };
    let mut apply = false;
    let mut revert = false;
    egui::Window::new("Tunables")
        .default_pos([12.0, 250.0])
        .default_open(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    rates_ui(ui, draft);
                    ui.separator();
                    weights_ui(ui, draft, &mut panel.kind);
                    ui.separator();
                    policies_ui(ui, draft);
                });
            ui.separator();
            let patch = build_patch(truth, draft);
            let dirty = !is_empty_patch(&patch);
            ui.horizontal(|ui| {
                let can_apply = dirty && !finished && tunable.is_ok() && panel.asked.is_none();
                apply = ui
                    .add_enabled(can_apply, egui::Button::new("Apply"))
                    .clicked();
                revert = ui.add_enabled(dirty, egui::Button::new("Revert")).clicked();
            });
            if dirty {
                ui.label(
                    egui::RichText::new(format!("change: {patch}"))
                        .small()
                        .monospace(),
                );
            }
            if let Err(why) = tunable {
                ui.label(why);
            }
            if panel.asked.is_some() {
                ui.label("Sent: waiting for the source's answer.");
            }
            if panel.sent.is_some() {
                ui.label(if finished {
                    "The run ended before a tick took the change."
                } else {
                    "Queued: the next tick takes and records it."
                });
            }
            if let Some((error, _)) = panel.error.as_ref().filter(|(_, p)| *p == patch) {
                ui.colored_label(egui::Color32::LIGHT_RED, format!("refused: {error}"));
            }
        });
    if revert {
        *draft = truth.clone();
        panel.error = None;
    }
    if apply {
        let patch = build_patch(truth, draft);
        panel.error = None;
        if link.send(Command::Tune(patch.clone())) {
            panel.asked = Some((draft.clone(), patch));
        }
    }
    Ok(())
}

/// A labelled drag value for an optional field (all are set in a full view).
fn drag<N: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut Option<N>,
    range: std::ops::RangeInclusive<N>,
    speed: f64,
) {
    if let Some(v) = value.as_mut() {
        ui.label(label);
        // The validation, not the widget, decides what is allowed: a value
        // out of range is refused with the API's message, not clamped.
        ui.add(
            egui::DragValue::new(v)
                .range(range)
                .clamp_existing_to_range(false)
                .speed(speed),
        );
        ui.end_row();
    }
}

fn rates_ui(ui: &mut egui::Ui, t: &mut Tunables) {
    egui::Grid::new("tunables_rates")
        .num_columns(2)
        .show(ui, |ui| {
            drag(ui, "birth rate", &mut t.birth_rate, 0.0..=100.0, 0.01);
            drag(ui, "death rate", &mut t.death_rate, 0.0..=100.0, 0.01);
            drag(
                ui,
                "players / tick",
                &mut t.players_per_tick,
                0.0..=10_000.0,
                0.01,
            );
            drag(ui, "max players", &mut t.max_players, 0..=u32::MAX, 1.0);
            drag(
                ui,
                "monsters / tick",
                &mut t.monsters_per_tick,
                0.0..=10_000.0,
                0.01,
            );
            drag(ui, "max monsters", &mut t.max_monsters, 0..=u32::MAX, 1.0);
            drag(
                ui,
                "cascade depth limit",
                &mut t.depth_limit,
                0..=u8::MAX,
                0.1,
            );
            drag(ui, "tick budget", &mut t.tick_budget, 0..=u32::MAX, 10.0);
        });
}

fn weights_ui(ui: &mut egui::Ui, t: &mut Tunables, kind_index: &mut usize) {
    let kinds: Vec<AgentKind> = AgentKind::all().collect();
    let Some(kind) = kinds.get(*kind_index).or(kinds.first()).copied() else {
        return;
    };
    ui.horizontal(|ui| {
        ui.label("weights of");
        egui::ComboBox::from_id_salt("tunables_kind")
            .selected_text(kind.name())
            .show_ui(ui, |ui| {
                for (i, k) in kinds.iter().enumerate() {
                    ui.selectable_value(kind_index, i, k.name());
                }
            });
    });
    let Some(row) = t.weights.as_mut().and_then(|w| w.get_mut(kind.name())) else {
        return;
    };
    egui::Grid::new("tunables_weights")
        .num_columns(2)
        .show(ui, |ui| {
            for activity in Activity::ALL {
                if let Some(w) = row.get_mut(activity.as_str()) {
                    ui.label(activity.as_str());
                    ui.add(
                        egui::Slider::new(w, 0.0..=20.0)
                            .clamping(egui::SliderClamping::Never)
                            .step_by(0.1),
                    );
                    ui.end_row();
                }
            }
        });
}

/// The governance thresholds that are plain numbers, policy by policy.
fn policies_ui(ui: &mut egui::Ui, t: &mut Tunables) {
    let Some(policies) = t.policies.as_mut() else {
        return;
    };
    ui.label("governance");
    egui::Grid::new("tunables_policies")
        .num_columns(2)
        .show(ui, |ui| {
            for policy in &mut policies.rules {
                let name = &policy.name;
                let field = |ui: &mut egui::Ui, label: &str| {
                    ui.label(format!("{name}: {label}"));
                };
                match &mut policy.rule {
                    Rule::SpeedLimit { max_speed } => {
                        field(ui, "max speed m/s");
                        ui.add(egui::DragValue::new(max_speed).speed(0.1));
                        ui.end_row();
                    }
                    Rule::RateLimit {
                        max_actions,
                        window_ticks,
                    } => {
                        field(ui, "max actions");
                        ui.add(egui::DragValue::new(max_actions));
                        ui.end_row();
                        field(ui, "window ticks");
                        ui.add(egui::DragValue::new(window_ticks));
                        ui.end_row();
                    }
                    Rule::Range {
                        trade,
                        attack,
                        talk,
                    } => {
                        for (label, v) in
                            [("trade m", trade), ("attack m", attack), ("talk m", talk)]
                        {
                            field(ui, label);
                            ui.add(egui::DragValue::new(v).speed(0.1));
                            ui.end_row();
                        }
                    }
                    Rule::ChatLength { max } => {
                        field(ui, "max characters");
                        ui.add(egui::DragValue::new(max));
                        ui.end_row();
                    }
                    Rule::ChatSpam {
                        max_chats,
                        window_ticks,
                    } => {
                        field(ui, "max chats");
                        ui.add(egui::DragValue::new(max_chats));
                        ui.end_row();
                        field(ui, "window ticks");
                        ui.add(egui::DragValue::new(window_ticks));
                        ui.end_row();
                    }
                    Rule::DeadCannotAct
                    | Rule::OwnEntity
                    | Rule::NotOneself
                    | Rule::SafeZones
                    | Rule::PvpZones
                    | Rule::Solvency
                    | Rule::ZonePopulationCap => {}
                }
            }
        });
}

#[cfg(test)]
#[path = "tunables_panel_tests.rs"]
mod tests;
