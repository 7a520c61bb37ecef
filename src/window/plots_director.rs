//! The director's series in the Plots panel: per directed zone, its
//! tension over time with its band shaded behind it. Sampled as the other
//! plot series are (`plots_history`): one point per arriving frame, kept in
//! a `record::Series` of the same capacity that merges neighbours when
//! full, so it stays bounded however long the run and its points cover the
//! same ticks as the others'. A point keeps each zone's latest sample, with
//! the tick the sample is of: a measured reading (local, replay) is of the
//! frame's tick, one folded from a `director` event (a live server) is of
//! the decision's — so the line joins the decisions where they were made,
//! and a reading is plotted once, not again with every frame after it.

use bevy_egui::egui;
use egui_plot::{FilledArea, Line};

use super::feed::ZoneView;
use super::plots_history::CAPACITY;
use super::plots_panel::{PLOT_HEIGHT, plot};
use super::tension::{Tension, zone_name};
use crate::core::scenario::director::Band;
use crate::record::{Fold, Series};

/// Zones followed: a scenario directs a handful, and a source naming more
/// must not grow the history (or the panel) without end.
pub const MAX_ZONES: usize = 16;

/// One zone's tension and band, as of tick `at`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub at: u64,
    pub level: f32,
    pub band: Band,
}

/// The ticks `first..=last` and each zone's latest sample in them.
#[derive(Clone, Debug, PartialEq)]
pub struct TensionPoint {
    pub first: u64,
    pub last: u64,
    /// (zone id, sample), a zone at most once.
    samples: Vec<(u16, Sample)>,
}

impl Fold for TensionPoint {
    fn first(&self) -> u64 {
        self.first
    }

    fn last(&self) -> u64 {
        self.last
    }

    fn absorb(&mut self, later: TensionPoint) {
        self.last = later.last;
        for (zone, s) in later.samples {
            match self.samples.iter_mut().find(|(z, _)| *z == zone) {
                Some(kept) => kept.1 = s,
                None => self.samples.push((zone, s)),
            }
        }
    }
}

/// A bounded history of the directed zones' tension.
#[derive(Clone, Debug)]
pub struct TensionHistory {
    points: Series<TensionPoint>,
    /// (zone id, tick of its last sample), in the order first seen.
    zones: Vec<(u16, u64)>,
}

impl Default for TensionHistory {
    fn default() -> Self {
        TensionHistory::new(CAPACITY)
    }
}

impl TensionHistory {
    pub fn new(capacity: usize) -> TensionHistory {
        TensionHistory {
            points: Series::new(capacity),
            zones: Vec::new(),
        }
    }

    pub fn points(&self) -> &[TensionPoint] {
        self.points.points()
    }

    /// The zones followed, in the order they first had a reading.
    pub fn zones(&self) -> impl Iterator<Item = u16> + '_ {
        self.zones.iter().map(|(z, _)| *z)
    }

    /// Adds the frame of `tick` with the readings known then. A tick not
    /// after the last one (a replay went back, a new source) starts afresh,
    /// as the other series do.
    pub fn push(&mut self, tick: u64, tension: &Tension) {
        let last = self.points().last().map(|p| p.last);
        if last.is_some_and(|l| tick <= l) {
            *self = TensionHistory::new(self.points.capacity());
        }
        let first = self.points().last().map_or(tick, |p| p.last + 1);
        let mut samples = Vec::new();
        for (zone, r) in tension.directed() {
            let i = match self.zones.iter().position(|(z, _)| *z == zone) {
                Some(i) if self.zones[i].1 >= r.at => continue,
                Some(i) => i,
                None if self.zones.len() < MAX_ZONES => {
                    self.zones.push((zone, 0));
                    self.zones.len() - 1
                }
                None => continue,
            };
            self.zones[i].1 = r.at;
            let (level, band, at) = (r.level, r.band, r.at);
            samples.push((zone, Sample { at, level, band }));
        }
        // A point even with no samples: its ticks line up with the others'.
        self.points.push(TensionPoint {
            first,
            last: tick,
            samples,
        });
    }

    /// Zone `zone`'s samples, oldest first.
    pub fn samples(&self, zone: u16) -> Vec<Sample> {
        self.points()
            .iter()
            .filter_map(|p| p.samples.iter().find(|(z, _)| *z == zone))
            .map(|(_, s)| *s)
            .collect()
    }
}

/// The director's plots: one per directed zone, or why there are none.
pub fn director_ui(ui: &mut egui::Ui, h: &TensionHistory, tension: &Tension, zones: &[ZoneView]) {
    if h.zones.is_empty() {
        let why = tension
            .nothing_because()
            .unwrap_or("The director directs no zone.");
        ui.label(format!("director: {why}"));
        return;
    }
    for zone in h.zones() {
        let samples = h.samples(zone);
        let name = zone_name(zones, zone);
        let id = format!("plot_tension_{zone}");
        plot(ui, &format!("tension in {name}"), &id, PLOT_HEIGHT, |p| {
            let xs: Vec<f64> = samples.iter().map(|s| s.at as f64).collect();
            let lows: Vec<f64> = samples.iter().map(|s| f64::from(s.band.low)).collect();
            let highs: Vec<f64> = samples.iter().map(|s| f64::from(s.band.high)).collect();
            p.add(
                FilledArea::new("band", &xs, &lows, &highs)
                    .fill_color(egui::Color32::from_rgba_unmultiplied(80, 200, 100, 40)),
            );
            let line: Vec<[f64; 2]> = samples
                .iter()
                .map(|s| [s.at as f64, f64::from(s.level)])
                .collect();
            p.line(Line::new("tension", line));
        });
    }
}

#[cfg(test)]
#[path = "plots_director_tests.rs"]
mod tests;
