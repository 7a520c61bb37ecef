//! The Events panel: a live log of the latest sealed events, newest first,
//! filtered by kind, zone and entity, and the causal chain of the event
//! clicked (its causes back through `cause`, its effects forward). It owns
//! [`EventRing`], a bounded copy of the last [`RING_CAPACITY`] events: the
//! simulation lets a tick's events go at the start of the next tick, and a
//! frame may run several ticks, so [`capture`] is called by the stepping
//! system right after each tick (and once for the initial population,
//! sealed as tick 0). The zone of an event is the zone its actor stands in
//! right after that tick, read through the event's ECS handle (one lookup
//! per event kept); events whose actor is gone by then (a death, a
//! departure) or that have none have no zone and only pass the "any zone"
//! filter. Only the visible rows are drawn (`ScrollArea::show_rows`).
//! Clicking an event also selects its actor ([`Selection::pick`]). A
//! director's decision reads as what it did where and why (its zone by
//! name, act, state, tension against its band, monsters:
//! `tension::decision_text`), and is placed in the zone it names, so the
//! kind and zone filters find it.

use std::collections::{HashSet, VecDeque};

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

pub use super::feed::Logged;
use super::feed::ZoneView;
use super::receive::Link;
use super::select::Selection;
use super::tension::decision_text;
use crate::core::agent::ZoneId;
use crate::core::event::{EVENT_KINDS, EventKind};
use crate::events::Event;

/// Events kept; when full, the oldest are dropped.
pub const RING_CAPACITY: usize = 2_000;

/// Which events a view shows; `None` means any.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    pub kind: Option<EventKind>,
    pub zone: Option<ZoneId>,
    /// Matches the actor or the target.
    pub entity: Option<u64>,
}

impl Filter {
    pub fn matches(&self, l: &Logged) -> bool {
        let e = &l.event;
        self.kind.is_none_or(|k| e.payload.kind() == k)
            && self.zone.is_none_or(|z| l.zone == Some(z))
            && self.entity.is_none_or(|id| {
                e.actor.map(|a| a.0) == Some(id) || e.target.map(|t| t.0) == Some(id)
            })
    }
}

/// The last `capacity` events in seq order (oldest first); pushing into a
/// full ring drops the oldest.
#[derive(Resource, Debug)]
pub struct EventRing {
    rows: VecDeque<Logged>,
    capacity: usize,
    /// Events dropped to make room, over the run.
    pub dropped: u64,
}

impl Default for EventRing {
    fn default() -> Self {
        EventRing::new(RING_CAPACITY)
    }
}

impl EventRing {
    pub fn new(capacity: usize) -> EventRing {
        EventRing {
            rows: VecDeque::with_capacity(capacity),
            capacity: capacity.max(1),
            dropped: 0,
        }
    }

    /// Adds an event. Seqs come in increasing order, which keeps the ring
    /// sorted for [`EventRing::get`]; one that does not (a replay's timeline
    /// went back) starts the ring afresh.
    pub fn push(&mut self, event: Event, zone: Option<ZoneId>) {
        if self.rows.back().is_some_and(|l| l.event.seq >= event.seq) {
            self.rows.clear();
        }
        if self.rows.len() == self.capacity {
            self.rows.pop_front();
            self.dropped += 1;
        }
        self.rows.push_back(Logged { event, zone });
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row at `index` (0 = oldest).
    pub fn at(&self, index: usize) -> Option<&Logged> {
        self.rows.get(index)
    }

    fn position(&self, seq: u64) -> Option<usize> {
        self.rows.binary_search_by_key(&seq, |l| l.event.seq).ok()
    }

    /// The event with this seq, while it is kept.
    pub fn get(&self, seq: u64) -> Option<&Logged> {
        self.position(seq).and_then(|i| self.rows.get(i))
    }

    /// Indexes of the rows that pass `filter`, newest first.
    pub fn filtered(&self, filter: &Filter) -> Vec<usize> {
        (0..self.rows.len())
            .rev()
            .filter(|&i| filter.matches(&self.rows[i]))
            .collect()
    }

    /// The causes of `seq`, nearest first, following `cause` back while the
    /// ring still holds it.
    pub fn causes(&self, seq: u64) -> Vec<&Logged> {
        let mut out = Vec::new();
        let mut next = self.get(seq).and_then(|l| l.event.cause);
        while let Some(cause) = next {
            let Some(l) = self.get(cause) else { break };
            out.push(l);
            next = l.event.cause;
        }
        out
    }

    /// Every kept event that `seq` caused, directly or through others, in
    /// seq order. Effects always have larger seqs than their causes, so one
    /// pass forward from `seq` finds them all.
    pub fn effects(&self, seq: u64) -> Vec<&Logged> {
        let Some(start) = self.position(seq) else {
            return Vec::new();
        };
        let mut chain = HashSet::from([seq]);
        let mut out = Vec::new();
        for l in self.rows.range(start + 1..) {
            if l.event.cause.is_some_and(|c| chain.contains(&c)) {
                chain.insert(l.event.seq);
                out.push(l);
            }
        }
        out
    }
}

/// The line of one event: `seq tick kind actor->target payload` (ASCII:
/// egui's monospace font has no arrow glyph); zones named by id.
pub fn line(l: &Logged) -> String {
    line_in(l, &[])
}

/// [`line`], with the zones a decision names called by their names.
pub fn line_in(l: &Logged, zones: &[ZoneView]) -> String {
    let e = &l.event;
    let who = |id: Option<crate::core::agent::EntityId>| {
        id.map_or("—".to_string(), |i| i.0.to_string())
    };
    format!(
        "{:>8} t{:<6} {:<18} {}->{}  {}",
        e.seq,
        e.tick,
        e.payload.kind().as_str(),
        who(e.actor),
        who(e.target),
        // A decision in words, uncut: its reasons are the point of it.
        decision_text(&e.payload, zones).unwrap_or_else(|| summary(e))
    )
}

/// The payload's fields as `name=value`, without its kind, cut short.
fn summary(e: &Event) -> String {
    const MAX: usize = 60;
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&e.payload) else {
        return String::new();
    };
    let mut s = fields
        .iter()
        .filter(|(k, _)| k.as_str() != "kind")
        .map(|(k, v)| match v.as_f64() {
            // Positions and energies are f32 widened to f64: 162.8309326171875.
            Some(x) if !v.is_i64() && !v.is_u64() => format!("{k}={x:.1}"),
            _ => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join(" ");
    if s.chars().count() > MAX {
        s = s.chars().take(MAX - 1).collect::<String>() + "…";
    }
    s
}

/// The panel's state between frames.
#[derive(Resource, Default)]
struct EventsPanel {
    filter: Filter,
    entity_text: String,
    selected: Option<u64>,
    /// Zone names for the filter, read once from the simulation.
    zones: Vec<(ZoneId, String)>,
}

pub struct EventsPanelPlugin;

impl Plugin for EventsPanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<EventRing>()
            .init_resource::<EventsPanel>()
            .add_systems(Startup, zone_names)
            .add_systems(EguiPrimaryContextPass, events_panel);
    }
}

/// The zone names for the filter.
fn zone_names(link: Res<Link>, mut panel: ResMut<EventsPanel>) {
    panel.zones = link
        .info
        .zones
        .iter()
        .map(|z| (ZoneId(z.id), z.name.clone()))
        .collect();
}

fn events_panel(
    mut contexts: EguiContexts,
    ring: Res<EventRing>,
    mut panel: ResMut<EventsPanel>,
    mut selection: ResMut<Selection>,
    link: Res<Link>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let panel = &mut *panel;
    let zones = &link.info.zones;
    let mut clicked = None;
    egui::Window::new("Events")
        .default_pos([820.0, 12.0])
        .default_width(440.0)
        .default_open(false)
        .show(ctx, |ui| {
            // One line a row, whatever its length: `show_rows` needs rows of
            // one height to know which are visible.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            filters_ui(ui, panel);
            if ring.is_empty() {
                ui.label("No events yet.");
            }
            let rows = ring.filtered(&panel.filter);
            ui.label(format!(
                "{} shown of the last {} kept ({} older dropped)",
                rows.len(),
                ring.len(),
                ring.dropped
            ));
            let row_height = ui.spacing().interact_size.y;
            egui::ScrollArea::vertical()
                .id_salt("event_rows")
                .max_height(320.0)
                .auto_shrink([false, true])
                .show_rows(ui, row_height, rows.len(), |ui, visible| {
                    for &i in &rows[visible] {
                        if let Some(l) = ring.at(i)
                            && event_button(ui, l, panel.selected, zones).clicked()
                        {
                            clicked = Some(l.event.seq);
                        }
                    }
                });
            if let Some(seq) = panel.selected {
                ui.separator();
                chain_ui(ui, &ring, seq, zones, &mut clicked);
            }
        });
    if clicked.is_some() {
        panel.selected = clicked;
        let actor = clicked
            .and_then(|seq| ring.get(seq))
            .and_then(|l| l.event.actor);
        if let Some(actor) = actor {
            selection.pick(Some(actor.0));
        }
    }
    Ok(())
}

fn event_button(
    ui: &mut egui::Ui,
    l: &Logged,
    selected: Option<u64>,
    zones: &[ZoneView],
) -> egui::Response {
    let text = egui::RichText::new(line_in(l, zones)).monospace().small();
    ui.selectable_label(selected == Some(l.event.seq), text)
}

fn filters_ui(ui: &mut egui::Ui, panel: &mut EventsPanel) {
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("events_kind")
            .selected_text(panel.filter.kind.map_or("any kind", |k| k.as_str()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut panel.filter.kind, None, "any kind");
                for (k, name) in EventKind::ALL.iter().zip(EVENT_KINDS) {
                    ui.selectable_value(&mut panel.filter.kind, Some(*k), name);
                }
            });
        let zone_name = panel
            .filter
            .zone
            .and_then(|z| panel.zones.iter().find(|(id, _)| *id == z))
            .map_or("any zone", |(_, n)| n.as_str());
        egui::ComboBox::from_id_salt("events_zone")
            .selected_text(zone_name)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut panel.filter.zone, None, "any zone");
                for (id, name) in &panel.zones {
                    ui.selectable_value(&mut panel.filter.zone, Some(*id), name);
                }
            });
        ui.add(
            egui::TextEdit::singleline(&mut panel.entity_text)
                .hint_text("entity id")
                .desired_width(80.0),
        );
    });
    let text = panel.entity_text.trim();
    panel.filter.entity = text.parse().ok();
    if !text.is_empty() && panel.filter.entity.is_none() {
        ui.colored_label(egui::Color32::LIGHT_RED, "an entity id is a number");
    }
}

fn chain_ui(
    ui: &mut egui::Ui,
    ring: &EventRing,
    seq: u64,
    zones: &[ZoneView],
    clicked: &mut Option<u64>,
) {
    let Some(l) = ring.get(seq) else {
        ui.label(format!("event {seq} is no longer kept"));
        return;
    };
    ui.label(egui::RichText::new("selected").strong());
    event_button(ui, l, Some(seq), zones);
    egui::ScrollArea::vertical()
        .id_salt("event_chain")
        .max_height(200.0)
        .show(ui, |ui| {
            let causes = ring.causes(seq);
            let missing = if l.event.cause.is_some() && causes.len() < l.event.depth as usize {
                " (earlier ones no longer kept)"
            } else {
                ""
            };
            ui.label(egui::RichText::new(format!("causes: {}{missing}", causes.len())).strong());
            for c in causes {
                if event_button(ui, c, None, zones).clicked() {
                    *clicked = Some(c.event.seq);
                }
            }
            let effects = ring.effects(seq);
            ui.label(egui::RichText::new(format!("effects: {}", effects.len())).strong());
            for e in effects {
                if event_button(ui, e, None, zones).clicked() {
                    *clicked = Some(e.event.seq);
                }
            }
        });
}

#[cfg(test)]
#[path = "events_panel_tests.rs"]
mod tests;
