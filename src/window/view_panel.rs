//! The View panel (collapsed at start, between the Run and Events panels): how agents
//! are placed (world, a STAT7 projection on chosen axes, a cross-section),
//! coloured and sized; the realm legend with counts, the realm filter and
//! slice; lineage chains; cascade pulses; the heatmap's look and mode
//! (population, or zone tension with its legend and each directed zone's
//! reading); and the search. It edits a copy of [`ViewSettings`] and writes it back only when
//! something changed, so the scene redraws only then. Where a mode needs
//! numbers the source does not send (a live server has no STAT7 axes), the
//! panel says so instead of drawing something made up.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::colour::{Bucket, ColourBy, HEALTH_STEPS, MOOD_STEPS, kind_name};
use super::lineage::{LineageMode, LineageStats, MAX_LINES};
use super::projection::{Dim, Placement};
use super::pulse::Pulses;
use super::receive::{Latest, Link};
use super::search::{Found, Inspected, search};
use super::select::Selection;
use super::tension::{BandPosition, Known, Tension, zone_name};
use super::view::{HeatMode, HeatRamp, SliceStyle, ViewSettings, realm_index};
use crate::core::agent::kinds::KIND_COUNT;
use crate::core::stat7::Realm;

/// The search box and its last answer.
#[derive(Default)]
struct SearchBox {
    query: String,
    answer: Option<String>,
}

pub struct ViewPanelPlugin;

impl Plugin for ViewPanelPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(EguiPrimaryContextPass, view_panel);
    }
}

fn swatch(ui: &mut egui::Ui, colour: Color) {
    let c = colour.to_srgba();
    let fill = egui::Color32::from_rgb(
        (c.red * 255.0) as u8,
        (c.green * 255.0) as u8,
        (c.blue * 255.0) as u8,
    );
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, fill);
}

fn dim_combo(ui: &mut egui::Ui, salt: &str, label: &str, dim: &mut Dim) {
    egui::ComboBox::from_id_salt(salt)
        .selected_text(format!("{label}: {}", dim.label()))
        .show_ui(ui, |ui| {
            for d in Dim::ALL {
                ui.selectable_value(dim, d, d.label());
            }
        });
}

const NOTE: egui::Color32 = egui::Color32::from_rgb(230, 190, 110);

#[allow(clippy::too_many_arguments)]
fn view_panel(
    mut contexts: EguiContexts,
    mut settings: ResMut<ViewSettings>,
    latest: Res<Latest>,
    mut selection: ResMut<Selection>,
    lineage: Res<LineageStats>,
    pulses: Res<Pulses>,
    (tension, link): (Res<Tension>, Res<Link>),
    mut search_box: Local<SearchBox>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut v = settings.clone();
    let agents = &latest.frame.agents;
    let without_stat7 = agents.iter().filter(|a| a.stat7.is_none()).count();
    let mut by_realm = [0usize; 7];
    for a in agents.iter() {
        by_realm[realm_index(a.realm)] += 1;
    }
    let mut pick = None;
    egui::Window::new("View")
        .default_pos([370.0, 12.0])
        .default_open(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.strong("Placement");
            ui.horizontal(|ui| {
                ui.selectable_value(&mut v.placement, Placement::World, "world");
                ui.selectable_value(&mut v.placement, Placement::Stat7, "STAT7");
                let section = matches!(v.placement, Placement::CrossSection(_));
                if ui.selectable_label(section, "cross-section").clicked() && !section {
                    v.placement = Placement::CrossSection(Dim::Lineage);
                }
            });
            match &mut v.placement {
                Placement::World => {}
                Placement::Stat7 => {
                    dim_combo(ui, "axis_x", "x", &mut v.axes.x);
                    dim_combo(ui, "axis_y", "y", &mut v.axes.y);
                    let up = v.axes.up.map_or("flat (2D)", Dim::label);
                    egui::ComboBox::from_id_salt("axis_up")
                        .selected_text(format!("height: {up}"))
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut v.axes.up, None, "flat (2D)");
                            for d in Dim::ALL {
                                ui.selectable_value(&mut v.axes.up, Some(d), d.label());
                            }
                        });
                }
                Placement::CrossSection(dim) => {
                    dim_combo(ui, "section", "along", dim);
                    ui.label("One bar per value, one cube per agent.");
                }
            }
            if v.placement != Placement::World && without_stat7 > 0 {
                ui.colored_label(
                    NOTE,
                    format!(
                        "{without_stat7} of {} agents carry no STAT7 numbers (a live \
                         server's stream): they stay at their world position. \
                         Projections need STAT7 data.",
                        agents.len()
                    ),
                );
            }

            ui.separator();
            ui.strong("Colour and size");
            egui::ComboBox::from_id_salt("colour_by")
                .selected_text(format!("colour by {}", v.colour.label()))
                .show_ui(ui, |ui| {
                    for c in ColourBy::ALL {
                        ui.selectable_value(&mut v.colour, c, c.label());
                    }
                });
            colour_key(ui, v.colour);
            if v.colour == ColourBy::Mood && without_stat7 > 0 {
                ui.colored_label(NOTE, format!("{without_stat7} agents have no mood: grey"));
            }
            ui.checkbox(&mut v.size_by_density, "size by density");

            ui.separator();
            ui.strong("Realms");
            egui::Grid::new("realm_legend").num_columns(3).show(ui, |ui| {
                for (i, realm) in Realm::ALL.iter().enumerate() {
                    ui.horizontal(|ui| {
                        swatch(ui, Bucket::Realm(*realm).colour());
                        let mut shown = !v.hidden[i];
                        ui.checkbox(&mut shown, realm.as_str());
                        v.hidden[i] = !shown;
                    });
                    ui.label(by_realm[i].to_string());
                    ui.selectable_value(&mut v.slice, Some(*realm), "slice");
                    ui.end_row();
                }
            });
            if let Some(s) = v.slice {
                ui.horizontal(|ui| {
                    ui.label(format!("slice: {}; others", s.as_str()));
                    ui.selectable_value(&mut v.slice_style, SliceStyle::Dim, "dimmed");
                    ui.selectable_value(&mut v.slice_style, SliceStyle::Hide, "hidden");
                    if ui.button("no slice").clicked() {
                        v.slice = None;
                    }
                });
            }

            ui.separator();
            ui.strong("Lineage and cascades");
            ui.horizontal(|ui| {
                for m in LineageMode::ALL {
                    ui.selectable_value(&mut v.lineage, m, m.label());
                }
            });
            match v.lineage {
                LineageMode::Off => {}
                LineageMode::Ancestry
                    if selection.selected.or(selection.hovered).is_none() =>
                {
                    ui.label("Select (or point at) an agent to see its ancestry.");
                }
                _ => {
                    ui.label(format!("{} lines", lineage.drawn));
                }
            }
            if v.lineage != LineageMode::Off && lineage.cut > 0 {
                ui.colored_label(
                    NOTE,
                    format!("the cap of {MAX_LINES} lines left {} out", lineage.cut),
                );
            }
            if v.lineage != LineageMode::Off && lineage.orphans > 0 {
                ui.label(format!(
                    "{} children's parents are no longer alive",
                    lineage.orphans
                ));
            }
            ui.checkbox(
                &mut v.pulses,
                if pulses.is_empty() {
                    "flash agents touched by reactions".to_string()
                } else {
                    format!("flash agents touched by reactions ({} now)", pulses.len())
                },
            );

            ui.separator();
            ui.strong("Heatmap");
            ui.horizontal(|ui| {
                ui.checkbox(&mut v.heat.on, "on");
                for m in HeatMode::ALL {
                    ui.selectable_value(&mut v.heat.mode, m, m.label());
                }
            });
            ui.add(egui::Slider::new(&mut v.heat.opacity, 0.0..=1.0).text("opacity"));
            match v.heat.mode {
                HeatMode::Population => {
                    ui.horizontal(|ui| {
                        for r in HeatRamp::ALL {
                            ui.selectable_value(&mut v.heat.ramp, r, r.label());
                        }
                    });
                    ui.horizontal_wrapped(|ui| {
                        ui.label("counts");
                        for (i, realm) in Realm::ALL.iter().enumerate() {
                            ui.checkbox(&mut v.heat.realms[i], realm.as_str());
                        }
                    });
                }
                HeatMode::Tension => {
                    if v.placement != Placement::World {
                        ui.colored_label(
                            NOTE,
                            "Zones are world places: tension shows on the world placement only.",
                        );
                    }
                    tension_key(ui, &tension, &link.info.zones);
                }
            }

            ui.separator();
            ui.strong("Search");
            let answer = ui
                .horizontal(|ui| {
                    let edit = ui.text_edit_singleline(&mut search_box.query);
                    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    ui.button("find").clicked() || enter
                })
                .inner;
            if answer {
                let inspected = Inspected::of(latest.frame.inspected.as_deref());
                let found = search(&search_box.query, agents, selection.selected, &inspected);
                search_box.answer = Some(match found {
                    Found::Agent(id, note) => {
                        pick = Some(id);
                        note
                    }
                    Found::Nothing(why) => why,
                });
            }
            ui.small("an id, a kind (merchant, trader…), a realm, or the selected agent's address/URI prefix");
            if let Some(a) = &search_box.answer {
                ui.label(a.as_str());
            }
        });
    if pick.is_some() {
        selection.pick(pick);
    }
    if v != *settings {
        *settings = v;
    }
    Ok(())
}

/// What the tension mode's colours mean, where its readings come from,
/// and each directed zone's reading; or why there is nothing to show.
fn tension_key(ui: &mut egui::Ui, tension: &Tension, zones: &[super::feed::ZoneView]) {
    if let Some(why) = tension.nothing_because() {
        ui.colored_label(NOTE, why);
        return;
    }
    ui.label("Each zone coloured by its tension against its band:");
    ui.horizontal(|ui| {
        for p in BandPosition::ALL {
            swatch(ui, Color::from(p.colour()));
            ui.label(p.label());
        }
    });
    match tension.known {
        Known::Measured { on: false } => {
            ui.colored_label(NOTE, "The director is switched off: it only measures.");
        }
        Known::FromDecisions => {
            ui.colored_label(
                NOTE,
                "As of each zone's last director decision (a live server sends no \
                 tension otherwise); zones never decided for stay clear.",
            );
        }
        _ => {}
    }
    egui::Grid::new("tension_zones")
        .num_columns(3)
        .show(ui, |ui| {
            for (zone, r) in tension.directed() {
                ui.label(zone_name(zones, zone));
                ui.label(format!(
                    "{:.1} in {:.1}..{:.1}: {}",
                    r.level,
                    r.band.low,
                    r.band.high,
                    BandPosition::of(r.level, r.band).label()
                ));
                ui.label(format!("{} (tick {})", r.state.as_str(), r.at));
                ui.end_row();
            }
        });
}

/// What the colours mean in the non-realm modes (the realm legend is below).
fn colour_key(ui: &mut egui::Ui, by: ColourBy) {
    match by {
        ColourBy::Realm => {}
        ColourBy::Kind => {
            egui::Grid::new("kind_key").num_columns(4).show(ui, |ui| {
                for i in 0..KIND_COUNT {
                    ui.horizontal(|ui| {
                        swatch(ui, Bucket::Kind(i as u8).colour());
                        ui.label(kind_name(i));
                    });
                    if i % 4 == 3 {
                        ui.end_row();
                    }
                }
            });
        }
        ColourBy::Health => ramp_key(ui, "0", HEALTH_STEPS, Bucket::Health, "100"),
        ColourBy::Mood => ramp_key(ui, "-1", MOOD_STEPS, Bucket::Mood, "+1"),
    }
}

fn ramp_key(ui: &mut egui::Ui, low: &str, steps: usize, bucket: fn(u8) -> Bucket, high: &str) {
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 1.0;
        ui.label(low);
        for s in 0..steps {
            swatch(ui, bucket(s as u8).colour());
        }
        ui.label(high);
    });
}
