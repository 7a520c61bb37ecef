//! The Tunables panel: the simulation's [`SimParams`] as the admin API sees
//! them ([`Tunables`]), editable in a draft. The panel never writes the
//! parameters itself: "Apply" builds a JSON patch of what the draft changed,
//! checks it with the same parsing and validation as `PUT /api/tunables`,
//! and queues it as an `Input::Tune` into `QueuedInputs`, exactly like the
//! live loop. The next tick takes it, records it in the store and changes
//! the parameters, so a run tuned in the window replays bit for bit. What
//! the panel shows when the draft is clean is read back from the simulation
//! after each tick: always the truth, never the wish.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use serde_json::{Map, Value};

use super::SimHandle;
use super::pace::{Pacing, Ticked};
use crate::govern::Rule;
use crate::input::{Input, QueuedInputs, Tunables};
use crate::population::SimParams;
use crate::population::kinds::{Activity, AgentKind};

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

/// Checks a patch as the REST API does (parse, then apply to a copy):
/// the parameters it would give, or the error text to show.
pub fn check_patch(patch: &Value, params: &SimParams) -> Result<SimParams, String> {
    Tunables::parse(patch.clone())
        .and_then(|t| t.applied_to(params))
        .map_err(|e| e.to_string())
}

/// Checks `patch` against the simulation's parameters and, if it applies,
/// queues it as the recorded input that the next tick takes; else the
/// error text. The window's one way to change the parameters.
pub fn submit(world: &mut World, patch: Value) -> Result<(), String> {
    let params = world
        .get_resource::<SimParams>()
        .ok_or("the simulation has no parameters")?;
    check_patch(&patch, params)?;
    world
        .get_resource_mut::<QueuedInputs>()
        .ok_or("the simulation takes no inputs")?
        .0
        .push(Input::Tune { patch });
    Ok(())
}

/// The panel's state between frames.
#[derive(Resource, Default)]
struct TunablesPanel {
    /// The parameters as of the last tick.
    truth: Option<Tunables>,
    /// What the user is editing; equal to `truth` when clean.
    draft: Option<Tunables>,
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

/// Reads the parameters back after a tick, and keeps the draft unless the
/// user has edits that no tick has taken yet.
fn refresh(panel: &mut TunablesPanel, handle: &SimHandle, ticked: &Ticked) {
    if panel.truth.is_some() && !ticked.changed {
        return;
    }
    let driven = handle.0.borrow();
    let tick = driven.sim.tick();
    let Some(params) = driven.sim.world().get_resource::<SimParams>() else {
        return;
    };
    let truth = Tunables::of(params);
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
    handle: NonSend<SimHandle>,
    ticked: Res<Ticked>,
    pacing: Res<Pacing>,
    mut panel: ResMut<TunablesPanel>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    refresh(&mut panel, &handle, &ticked);
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
                let can_apply = dirty && !pacing.finished;
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
            if panel.sent.is_some() {
                ui.label(if pacing.finished {
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
        let mut driven = handle.0.borrow_mut();
        let tick = driven.sim.tick();
        match submit(driven.sim.world_mut(), patch.clone()) {
            Ok(()) => {
                panel.sent = Some((draft.clone(), tick));
                panel.error = None;
            }
            Err(e) => panel.error = Some((e, patch)),
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
