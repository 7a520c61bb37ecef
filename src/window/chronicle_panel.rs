//! The Chronicle panel: one zone's story as the window's event log holds
//! it — its latest gazette (births, deaths, arrivals, departures, feuds
//! since the one before) and its headlines (beats salient enough, of agents
//! in that zone, newest first). Built from the event stream alone, so a
//! local run and a remote server show the same; clicking a headline selects
//! whose moment it is.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::events_panel::EventRing;
use super::receive::Link;
use super::select::Selection;
use crate::core::agent::ZoneId;
use crate::events::Payload;

/// Beats at least this salient are headlines (the shipped pack's default).
const HEADLINE: u8 = 60;
/// Headlines listed.
const SHOWN: usize = 24;

/// The zone the panel shows.
#[derive(Resource, Default)]
struct Chosen(u16);

/// A zone's chronicle from the ring.
#[derive(Debug, Default, PartialEq)]
pub struct ZoneStory {
    /// Tick and counts of the latest gazette: births, deaths, arrivals,
    /// departures, feuds.
    pub gazette: Option<(u64, [u32; 5])>,
    /// (tick, who, beat), newest first.
    pub headlines: Vec<(u64, u64, String)>,
}

/// What the ring says of `zone`.
pub fn zone_story(ring: &EventRing, zone: u16) -> ZoneStory {
    let mut story = ZoneStory::default();
    for i in (0..ring.len()).rev() {
        let Some(l) = ring.at(i) else { continue };
        match &l.event.payload {
            Payload::Gazette {
                zone: z,
                births,
                deaths,
                arrivals,
                departures,
                feuds,
            } if *z == zone && story.gazette.is_none() => {
                story.gazette = Some((
                    l.event.tick,
                    [*births, *deaths, *arrivals, *departures, *feuds],
                ));
            }
            Payload::Beat { beat, salience }
                if *salience >= HEADLINE
                    && l.zone == Some(ZoneId(zone))
                    && story.headlines.len() < SHOWN =>
            {
                if let Some(who) = l.event.actor {
                    story.headlines.push((l.event.tick, who.0, beat.clone()));
                }
            }
            _ => {}
        }
    }
    story
}

pub struct ChroniclePanelPlugin;

impl Plugin for ChroniclePanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Chosen>()
            .add_systems(EguiPrimaryContextPass, chronicle_panel);
    }
}

fn chronicle_panel(
    mut contexts: EguiContexts,
    link: Res<Link>,
    ring: Res<EventRing>,
    mut chosen: ResMut<Chosen>,
    mut selection: ResMut<Selection>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let zones = &link.info.zones;
    let mut pick = None;
    egui::Window::new("Chronicle")
        .default_pos([420.0, 420.0])
        .default_width(360.0)
        .default_open(false)
        .show(ctx, |ui| {
            let name = |id: u16| {
                zones
                    .iter()
                    .find(|z| z.id == id)
                    .map_or_else(|| format!("zone {id}"), |z| z.name.clone())
            };
            egui::ComboBox::from_label("zone")
                .selected_text(name(chosen.0))
                .show_ui(ui, |ui| {
                    for z in zones {
                        ui.selectable_value(&mut chosen.0, z.id, z.name.clone());
                    }
                });
            let story = zone_story(&ring, chosen.0);
            match story.gazette {
                Some((tick, [b, d, a, l, f])) => ui.label(format!(
                    "gazette, tick {tick}: {b} born, {d} dead, {a} arrived, {l} left, {f} feuds sworn"
                )),
                None => ui.label("no gazette yet in the window's event log"),
            };
            ui.separator();
            if story.headlines.is_empty() {
                ui.label("no headlines yet");
            }
            for (tick, who, beat) in &story.headlines {
                if ui.link(format!("tick {tick}: #{who} {beat}")).clicked() {
                    pick = Some(*who);
                }
            }
        });
    if pick.is_some() {
        selection.pick(pick);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agent::EntityId;
    use crate::events::Event;

    fn event(seq: u64, actor: Option<u64>, payload: Payload) -> Event {
        Event {
            seq,
            tick: seq * 10,
            actor: actor.map(EntityId),
            target: None,
            cause: Some(seq - 1),
            correlation: None,
            depth: 1,
            payload,
            handles: (None, None),
        }
    }

    #[test]
    fn a_zone_shows_its_latest_gazette_and_its_salient_beats_newest_first() {
        let mut ring = EventRing::new(64);
        let beat = |seq, who, name: &str, salience| {
            event(
                seq,
                Some(who),
                Payload::Beat {
                    beat: name.into(),
                    salience,
                },
            )
        };
        let gazette = |seq, zone, births| {
            event(
                seq,
                None,
                Payload::Gazette {
                    zone,
                    births,
                    deaths: 1,
                    arrivals: 0,
                    departures: 0,
                    feuds: 2,
                },
            )
        };
        ring.push(gazette(2, 1, 5), Some(ZoneId(1)));
        ring.push(beat(3, 7, "epitaph", 90), Some(ZoneId(1)));
        ring.push(beat(4, 8, "first_trade", 20), Some(ZoneId(1)));
        ring.push(beat(5, 9, "avenged", 85), Some(ZoneId(2)));
        ring.push(gazette(6, 1, 3), Some(ZoneId(1)));
        ring.push(beat(7, 10, "born", 60), Some(ZoneId(1)));
        let s = zone_story(&ring, 1);
        assert_eq!(s.gazette, Some((60, [3, 1, 0, 0, 2])));
        assert_eq!(
            s.headlines,
            vec![(70, 10, "born".to_string()), (30, 7, "epitaph".to_string())]
        );
        assert_eq!(zone_story(&ring, 2).headlines.len(), 1);
        assert_eq!(zone_story(&ring, 3), ZoneStory::default());
    }
}
