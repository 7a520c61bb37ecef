//! The Inspector: the selected entity as the source describes it
//! (`frame.inspected`, the same object `GET /api/entities/{id}` answers) —
//! what it is, where, its vitals, purse, standing, life and lineage, its
//! STAT7 coordinates with the address and URI to copy — its relationships,
//! its story (`story_section`: name, traits, goal, chronicle, beats, each
//! cited event a click from its causes), and the recent events naming it
//! from the Events panel's ring. Every id
//! it shows (parent, relations, the other party of an event) is a button
//! that selects that entity. The object is read into [`Inspected`] (types,
//! not string look-ups in the drawing code); a source that cannot say
//! something leaves it out, and a selected entity the source no longer
//! finds is shown as gone. Shown while something is selected; closing it
//! clears the selection.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use serde::Deserialize;

use super::events_panel::{EventRing, Filter, line};
use super::receive::{Latest, Link};
use super::select::Selection;

/// Recent events listed for the selected entity.
const RECENT_EVENTS: usize = 30;

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
pub struct Xy {
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Vitals {
    pub health: f64,
    pub energy: f64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Purse {
    pub wealth: u64,
    pub goods: u64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Standing {
    pub faction: u32,
    pub reputation: i64,
    pub mood: f64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Life {
    pub born: i64,
    pub ends: i64,
    pub generation: u32,
    /// 0: spawned, not born.
    pub parent: u64,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
pub struct Relationship {
    pub id: u64,
    pub affinity: f64,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Stat7 {
    pub realm: String,
    pub lineage: u64,
    /// The ids of its strongest relationships, as STAT7 writes them.
    pub adjacency: Vec<String>,
    pub horizon: String,
    pub resonance: f64,
    pub velocity: f64,
    pub density: f64,
    pub address: Option<String>,
    pub uri: Option<String>,
}

/// The inspected entity, read from the source's JSON.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Inspected {
    pub id: u64,
    pub tick: u64,
    pub kind: String,
    pub player: bool,
    pub piloted: bool,
    pub position: Option<Xy>,
    pub zone: Option<u16>,
    pub vitals: Option<Vitals>,
    pub purse: Option<Purse>,
    pub standing: Option<Standing>,
    pub life: Option<Life>,
    pub activity: Option<String>,
    pub relationships: Vec<Relationship>,
    pub stat7: Option<Stat7>,
    pub story: Option<super::story_section::StoryView>,
}

impl Inspected {
    pub fn read(v: &serde_json::Value) -> Result<Inspected, serde_json::Error> {
        Inspected::deserialize(v)
    }
}

/// What the Inspector can say about the selection this frame.
#[derive(Debug, PartialEq)]
pub enum View {
    /// Boxed: the other views are a word or a message.
    Shown(Box<Inspected>),
    /// Picked, but the source has not answered for it yet.
    Waiting,
    /// The source no longer finds it (it died or left).
    Gone,
    /// The source sent something this window cannot read.
    Unreadable(String),
}

/// The view of `selected` from the frame's `inspected` object; `present`
/// says whether the frame still draws the entity (then a missing answer is
/// one on its way, not a departure).
pub fn view(selected: u64, inspected: Option<&serde_json::Value>, present: bool) -> View {
    match inspected.map(Inspected::read) {
        Some(Ok(i)) if i.id == selected => View::Shown(Box::new(i)),
        Some(Err(e)) => View::Unreadable(e.to_string()),
        // An answer for the previous pick, or none at all.
        _ if present => View::Waiting,
        _ => View::Gone,
    }
}

/// The entity an event row leads to from `id`: the other party, if any.
pub fn other_party(event: &crate::events::Event, id: u64) -> Option<u64> {
    let (actor, target) = (event.actor.map(|a| a.0), event.target.map(|t| t.0));
    match (actor, target) {
        (Some(a), t) if a == id => t,
        (a, _) => a,
    }
}

pub struct InspectorPanelPlugin;

impl Plugin for InspectorPanelPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(EguiPrimaryContextPass, inspector_panel);
    }
}

fn inspector_panel(
    mut contexts: EguiContexts,
    mut selection: ResMut<Selection>,
    latest: Res<Latest>,
    link: Res<Link>,
    ring: Res<EventRing>,
    mut cited: Local<Option<(u64, u64)>>,
) -> Result {
    let Some(id) = selection.selected else {
        return Ok(());
    };
    // A cited event belongs to the agent it was picked for.
    let shown_cause = cited.filter(|(who, _)| *who == id).map(|(_, seq)| seq);
    let mut clicked = super::story_section::Clicked::default();
    let ctx = contexts.ctx_mut()?;
    let frame = &latest.frame;
    let present = frame.agents.binary_search_by_key(&id, |a| a.id).is_ok();
    let view = view(id, frame.inspected.as_deref(), present);
    let mut open = true;
    let mut go_to = None;
    egui::Window::new("Inspector")
        .default_pos([820.0, 52.0])
        .default_width(400.0)
        .open(&mut open)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(600.0)
                .show(ui, |ui| match &view {
                    View::Shown(i) => {
                        fields_ui(ui, i, &link, &mut go_to);
                        stat7_ui(ui, i);
                        relationships_ui(ui, i, &mut go_to);
                        if let Some(story) = &i.story {
                            super::story_section::story_ui(
                                ui,
                                id,
                                story,
                                &ring,
                                shown_cause,
                                &mut clicked,
                            );
                        }
                        events_ui(ui, id, &ring, &mut go_to);
                    }
                    View::Waiting => {
                        ui.label(format!("#{id}: asking the source…"));
                    }
                    View::Gone => {
                        ui.colored_label(
                            egui::Color32::LIGHT_RED,
                            format!("#{id} is gone: it is no longer in the world."),
                        );
                        events_ui(ui, id, &ring, &mut go_to);
                    }
                    View::Unreadable(why) => {
                        ui.colored_label(egui::Color32::LIGHT_RED, format!("unreadable: {why}"));
                    }
                });
        });
    if let Some(seq) = clicked.event {
        *cited = Some((id, seq));
    }
    let go_to = go_to.or(clicked.entity);
    if !open {
        selection.pick(None);
    } else if let Some(next) = go_to {
        selection.pick(Some(next));
    }
    Ok(())
}

/// A button for an entity id; clicked, it becomes the one to select.
fn id_button(ui: &mut egui::Ui, id: u64, go_to: &mut Option<u64>) {
    if ui.link(format!("#{id}")).clicked() {
        *go_to = Some(id);
    }
}

fn fields_ui(ui: &mut egui::Ui, i: &Inspected, link: &Link, go_to: &mut Option<u64>) {
    let who = match (i.player, i.piloted) {
        (true, true) => "player (piloted)",
        (true, false) => "player",
        (false, _) => "NPC",
    };
    ui.label(egui::RichText::new(format!("#{} {} — {who}", i.id, i.kind)).strong());
    egui::Grid::new("inspector_fields")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let row = |ui: &mut egui::Ui, name: &str, value: String| {
                ui.label(name);
                ui.label(value);
                ui.end_row();
            };
            if let Some(p) = i.position {
                row(ui, "position", format!("{:.1}, {:.1}", p.x, p.y));
            }
            if let Some(z) = i.zone {
                let name = link.info.zones.iter().find(|v| v.id == z);
                let text = name.map_or_else(
                    || format!("{z}"),
                    |v| format!("{} ({z}, {})", v.name, v.realm.as_str()),
                );
                row(ui, "zone", text);
            }
            if let Some(a) = &i.activity {
                row(ui, "activity", a.clone());
            }
            if let Some(v) = &i.vitals {
                let text = format!("health {:.1} · energy {:.1}", v.health, v.energy);
                row(ui, "vitals", text);
            }
            if let Some(p) = &i.purse {
                row(
                    ui,
                    "purse",
                    format!("{} wealth · {} goods", p.wealth, p.goods),
                );
            }
            if let Some(s) = &i.standing {
                let text = format!(
                    "faction {} · reputation {} · mood {:+.2}",
                    s.faction, s.reputation, s.mood
                );
                row(ui, "standing", text);
            }
            if let Some(l) = &i.life {
                row(ui, "life", format!("born t{} · ends t{}", l.born, l.ends));
                ui.label("lineage");
                ui.horizontal(|ui| {
                    ui.label(format!("generation {}", l.generation));
                    if l.parent != 0 {
                        ui.label("· parent");
                        id_button(ui, l.parent, go_to);
                    } else {
                        ui.label("· spawned");
                    }
                });
                ui.end_row();
            }
            row(ui, "as of", format!("tick {}", i.tick));
        });
}

fn stat7_ui(ui: &mut egui::Ui, i: &Inspected) {
    let Some(s) = &i.stat7 else { return };
    ui.separator();
    ui.label(egui::RichText::new("STAT7").strong());
    egui::Grid::new("inspector_stat7")
        .num_columns(2)
        .show(ui, |ui| {
            let dims = [
                ("realm", s.realm.clone()),
                ("lineage", s.lineage.to_string()),
                ("adjacency", adjacency_text(&s.adjacency)),
                ("horizon", s.horizon.clone()),
                ("resonance", format!("{:+.3}", s.resonance)),
                ("velocity", format!("{:+.3}", s.velocity)),
                ("density", format!("{:.3}", s.density)),
            ];
            for (name, value) in dims {
                ui.label(name);
                ui.label(value);
                ui.end_row();
            }
        });
    for (name, text) in [("address", &s.address), ("URI", &s.uri)] {
        let Some(text) = text else { continue };
        ui.horizontal(|ui| {
            ui.label(name);
            if ui.small_button("copy").clicked() {
                ui.ctx().copy_text(text.clone());
            }
        });
        // Selectable, and wrapped: an address is longer than the panel.
        ui.add(egui::Label::new(egui::RichText::new(text).monospace().small()).selectable(true));
    }
}

fn adjacency_text(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".to_string()
    } else {
        ids.join(", ")
    }
}

fn relationships_ui(ui: &mut egui::Ui, i: &Inspected, go_to: &mut Option<u64>) {
    ui.separator();
    ui.label(egui::RichText::new(format!("relationships: {}", i.relationships.len())).strong());
    ui.horizontal_wrapped(|ui| {
        for r in &i.relationships {
            id_button(ui, r.id, go_to);
            ui.label(format!("{:+}", r.affinity));
        }
    });
}

fn events_ui(ui: &mut egui::Ui, id: u64, ring: &EventRing, go_to: &mut Option<u64>) {
    let filter = Filter {
        entity: Some(id),
        ..Filter::default()
    };
    let rows = ring.filtered(&filter);
    ui.separator();
    ui.label(
        egui::RichText::new(format!(
            "recent events: {} of the last {} kept",
            rows.len(),
            ring.len()
        ))
        .strong(),
    );
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
    for l in rows.iter().take(RECENT_EVENTS).filter_map(|&i| ring.at(i)) {
        let text = egui::RichText::new(line(l)).monospace().small();
        let button = ui.selectable_label(false, text);
        let other = other_party(&l.event, id);
        if let Some(other) = other
            && button.on_hover_text(format!("select #{other}")).clicked()
        {
            *go_to = Some(other);
        }
    }
}

#[cfg(test)]
#[path = "inspector_panel_tests.rs"]
mod tests;
