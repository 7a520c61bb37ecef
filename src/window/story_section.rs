//! The Inspector's Story section: the selected agent's life as Warbler
//! holds it — its generated name, traits, the goal it pursues (its foe a
//! button that selects the foe), the strongest beat of each chronicle
//! category and its tallies of small acts, read from the source's entity
//! object (`story`, as `GET /api/entities/{id}/story` shows it); then its
//! recent beats from the Events ring. Every cited event is a button: picked,
//! the section shows that event's causes, so "why?" is one click away.

use std::collections::BTreeMap;

use bevy_egui::egui;
use serde::Deserialize;

use super::events_panel::{EventRing, line};
use crate::events::Payload;

/// Beats of the selected agent listed from the ring.
const RECENT_BEATS: usize = 20;

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Traits {
    pub vengeance: u8,
    pub devotion: u8,
    pub ambition: u8,
    pub warmth: u8,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct GoalView {
    pub goal: String,
    pub target: Option<u64>,
    pub target_name: Option<String>,
    pub zone: Option<u16>,
    pub until: Option<u64>,
    pub adopted_seq: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct SlotView {
    pub seq: u64,
    pub beat: Option<String>,
}

/// The `story` part of the source's entity object.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct StoryView {
    pub name: String,
    pub traits: Option<Traits>,
    pub goal: Option<GoalView>,
    pub chronicle: BTreeMap<String, SlotView>,
    pub tallies: BTreeMap<String, u64>,
}

/// What a click in the section asks for.
#[derive(Default)]
pub struct Clicked {
    pub entity: Option<u64>,
    pub event: Option<u64>,
}

/// Draws the section; `cited` is the event whose causes are shown.
pub fn story_ui(
    ui: &mut egui::Ui,
    id: u64,
    story: &StoryView,
    ring: &EventRing,
    cited: Option<u64>,
    clicked: &mut Clicked,
) {
    ui.separator();
    ui.label(egui::RichText::new(format!("Story of {}", story.name)).strong());
    if let Some(t) = &story.traits {
        ui.label(format!(
            "traits: vengeance {}, devotion {}, ambition {}, warmth {}",
            t.vengeance, t.devotion, t.ambition, t.warmth
        ));
    }
    match &story.goal {
        Some(g) => goal_ui(ui, g, clicked),
        None => {
            ui.label("goal: none");
        }
    }
    for (category, slot) in &story.chronicle {
        ui.horizontal(|ui| {
            ui.label(format!("{category}:"));
            let beat = slot.beat.as_deref().unwrap_or("?");
            if ui.link(format!("{beat} #{}", slot.seq)).clicked() {
                clicked.event = Some(slot.seq);
            }
        });
    }
    let tallies: Vec<String> = story
        .tallies
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    if !tallies.is_empty() {
        ui.label(format!("a life of: {}", tallies.join(", ")));
    }
    beats_ui(ui, id, ring, clicked);
    if let Some(seq) = cited {
        causes_ui(ui, ring, seq);
    }
}

fn goal_ui(ui: &mut egui::Ui, g: &GoalView, clicked: &mut Clicked) {
    ui.horizontal(|ui| {
        ui.label(format!("goal: {}", g.goal));
        if let Some(t) = g.target {
            let name = g.target_name.clone().unwrap_or_default();
            if ui.link(format!("against {name} #{t}")).clicked() {
                clicked.entity = Some(t);
            }
        }
        if let Some(z) = g.zone {
            ui.label(format!("to zone {z}"));
        }
        if let Some(until) = g.until {
            ui.label(format!("until tick {until}"));
        }
        if let Some(seq) = g.adopted_seq
            && ui.link(format!("#{seq}")).clicked()
        {
            clicked.event = Some(seq);
        }
    });
}

/// The agent's beats still in the ring, newest last.
fn beats_ui(ui: &mut egui::Ui, id: u64, ring: &EventRing, clicked: &mut Clicked) {
    let beats: Vec<(u64, u64, String)> = (0..ring.len())
        .filter_map(|i| ring.at(i))
        .filter(|l| l.event.actor.map(|a| a.0) == Some(id))
        .filter_map(|l| match &l.event.payload {
            Payload::Beat { beat, .. } => Some((l.event.tick, l.event.cause?, beat.clone())),
            _ => None,
        })
        .collect();
    let skip = beats.len().saturating_sub(RECENT_BEATS);
    for (tick, cause, beat) in &beats[skip..] {
        if ui
            .link(format!("tick {tick}: {beat} (cites #{cause})"))
            .clicked()
        {
            clicked.event = Some(*cause);
        }
    }
}

/// An event's causes as far as the ring still holds them.
fn causes_ui(ui: &mut egui::Ui, ring: &EventRing, seq: u64) {
    ui.label(egui::RichText::new(format!("why #{seq}:")).strong());
    let causes = ring.causes(seq);
    if causes.is_empty() && ring.get(seq).is_none() {
        ui.label("no longer in the window's event log (seedsim events --chain SEQ finds it in events.db)");
    }
    for l in causes.into_iter().rev().chain(ring.get(seq)) {
        ui.label(egui::RichText::new(line(l)).monospace().small());
    }
}

#[cfg(test)]
#[path = "story_section_tests.rs"]
mod tests;
