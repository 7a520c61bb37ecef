//! What the window knows of the director: every zone's latest tension,
//! band and state ([`Tension`]), and how a tension is shown against its
//! band ([`BandPosition`], its colour, a decision's line of text). The
//! heatmap's tension mode, the Plots panel's director series and the
//! Events panel all read it, so they agree on one reading.
//!
//! A source that runs the simulation (local, replay) measures tension every
//! tick and sends it with the frame ([`Direction::Measured`]); that reading
//! wins. A live server's stream carries no tension, so there the zones'
//! readings are folded from the `director` events the window receives: each
//! decision names its zone's tension, band and state. Those come only when
//! the director decides, so such a reading is as of the decision's tick
//! (`Reading::at`), and a zone the director never decided for has none.
//! [`receive`](super::receive) feeds it, with the ring, from each delivery.

use bevy::prelude::*;

use super::feed::{Direction, ZoneView};
use crate::core::scenario::director::{Band, DirectorAct, DirectorState};
use crate::events::{Event, Payload};

/// Zones followed (a scenario's own bound): a hostile stream naming zone
/// 65,535 must not make the window allocate for every id below it.
pub const MAX_ZONES: usize = 4_096;

/// Where the window's knowledge of tension comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Known {
    /// Nothing yet: a live server's run, before any decision arrived.
    #[default]
    Unknown,
    /// The run has no director.
    NoDirector,
    /// The simulation's own measure, every tick (`on`: false when the
    /// director is switched off and only measures).
    Measured { on: bool },
    /// Folded from the `director` events received.
    FromDecisions,
}

/// One zone's latest tension.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reading {
    pub level: f32,
    pub band: Band,
    pub state: DirectorState,
    /// The director decides for this zone.
    pub directed: bool,
    /// The tick the level is of.
    pub at: u64,
    /// The decision it came from (None: measured).
    pub act: Option<DirectorAct>,
}

/// Every zone's latest reading, by zone id.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct Tension {
    pub known: Known,
    zones: Vec<Option<Reading>>,
}

impl Tension {
    /// The frame of `tick` says what it knows; a measure replaces whatever
    /// was known, an unmeasuring source leaves the decisions folded so far.
    pub fn take_frame(&mut self, tick: u64, direction: &Direction) {
        match direction {
            Direction::Unmeasured => {}
            Direction::Absent => *self = Tension::with(Known::NoDirector),
            Direction::Measured(d) => {
                self.known = Known::Measured { on: d.on };
                self.zones = d
                    .zones
                    .iter()
                    .take(MAX_ZONES)
                    .map(|z| {
                        Some(Reading {
                            level: z.level,
                            band: z.band,
                            state: z.state,
                            directed: z.directed,
                            at: tick,
                            act: None,
                        })
                    })
                    .collect();
            }
        }
    }

    /// A received event: a director's decision is its zone's latest
    /// reading, unless the source measures tension itself.
    pub fn take_event(&mut self, event: &Event) {
        let Payload::Director {
            zone,
            state,
            act,
            tension,
            low,
            high,
            ..
        } = event.payload
        else {
            return;
        };
        if matches!(self.known, Known::Measured { .. } | Known::NoDirector) {
            return;
        }
        let i = zone as usize;
        if i >= MAX_ZONES {
            return;
        }
        self.known = Known::FromDecisions;
        if self.zones.len() <= i {
            self.zones.resize(i + 1, None);
        }
        self.zones[i] = Some(Reading {
            level: tension,
            band: Band { low, high },
            state,
            directed: true,
            at: event.tick,
            act: Some(act),
        });
    }

    fn with(known: Known) -> Tension {
        Tension {
            known,
            zones: Vec::new(),
        }
    }

    /// Zone `zone`'s latest reading.
    pub fn reading(&self, zone: usize) -> Option<&Reading> {
        self.zones.get(zone).and_then(Option::as_ref)
    }

    /// The zones the director decides for, with their readings, by id.
    pub fn directed(&self) -> impl Iterator<Item = (u16, &Reading)> {
        self.zones
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i as u16, r.as_ref()?)))
            .filter(|(_, r)| r.directed)
    }

    /// Why there is nothing to draw, or None when there is.
    pub fn nothing_because(&self) -> Option<&'static str> {
        match self.known {
            Known::NoDirector => Some("This run has no director: no zone's tension is measured."),
            Known::Unknown => Some(
                "No director decision seen yet (a live server sends tension only with them; \
                 a run without a director never does).",
            ),
            _ if self.zones.iter().all(Option::is_none) => {
                Some("The director has not measured any zone yet.")
            }
            _ => None,
        }
    }
}

/// Where a tension sits against its band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BandPosition {
    Below,
    In,
    Above,
}

impl BandPosition {
    pub const ALL: [BandPosition; 3] = [BandPosition::Below, BandPosition::In, BandPosition::Above];

    /// The band's edges count as in it, as the director's time in band does.
    pub fn of(level: f32, band: Band) -> BandPosition {
        if level < band.low {
            BandPosition::Below
        } else if level > band.high {
            BandPosition::Above
        } else {
            BandPosition::In
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BandPosition::Below => "below band",
            BandPosition::In => "in band",
            BandPosition::Above => "above band",
        }
    }

    /// Cold blue for a zone too quiet, green for one in its band, red for
    /// one too tense: three hues far apart, so a glance tells them apart
    /// over any zone tint.
    pub fn colour(self) -> LinearRgba {
        let [r, g, b] = match self {
            BandPosition::Below => [0.20, 0.45, 0.95],
            BandPosition::In => [0.25, 0.80, 0.35],
            BandPosition::Above => [0.95, 0.22, 0.18],
        };
        Color::srgb(r, g, b).to_linear()
    }
}

/// A zone's name by id, or `#id` for one the source did not describe.
pub fn zone_name(zones: &[ZoneView], id: u16) -> String {
    zones
        .iter()
        .find(|z| z.id == id)
        .map_or_else(|| format!("#{id}"), |z| z.name.clone())
}

/// A director's decision in words: `valley: raid, 3 monsters (build_up;
/// tension 2.1 below band 5.0..30.0; 14.0 points)`. None for other events.
pub fn decision_text(payload: &Payload, zones: &[ZoneView]) -> Option<String> {
    let Payload::Director {
        zone,
        state,
        act,
        tension,
        low,
        high,
        budget,
        monsters,
    } = *payload
    else {
        return None;
    };
    let what = match act {
        DirectorAct::Raid => format!("raid, {monsters} monsters"),
        DirectorAct::Shift => format!("shift to {}", state.as_str()),
        DirectorAct::Withdraw => "withdraw raiders".to_string(),
        DirectorAct::Festival => "festival".to_string(),
        DirectorAct::Plague => "plague".to_string(),
    };
    let position = BandPosition::of(tension, Band { low, high }).label();
    Some(format!(
        "{}: {what} ({}; tension {tension:.1} {position} {low:.1}..{high:.1}; {budget:.1} points)",
        zone_name(zones, zone),
        state.as_str(),
    ))
}

#[cfg(test)]
#[path = "tension_tests.rs"]
pub(crate) mod tests;
