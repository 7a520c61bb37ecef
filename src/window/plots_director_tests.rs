//! Tests of [`super`]: the director's series as data (bounded, sampled
//! once per reading, measured or from decisions) and as egui paints it on
//! the CPU (no window, no GPU).

use std::sync::Arc;

use bevy_egui::egui::{self, Pos2, RawInput, Rect, Shape, Vec2};

use super::*;
use crate::core::scenario::director::{DirectorAct, DirectorState};
use crate::window::feed::{Directed, Direction, ZoneReading};
use crate::window::tension::tests::{decision, zones};

fn measured(levels: &[(f32, bool)]) -> Direction {
    Direction::Measured(Arc::new(Directed {
        on: true,
        zones: levels
            .iter()
            .map(|&(level, directed)| ZoneReading {
                level,
                band: Band {
                    low: 5.0,
                    high: 30.0,
                },
                directed,
                state: DirectorState::BuildUp,
            })
            .collect(),
    }))
}

#[test]
fn measured_tension_is_a_bounded_series_of_the_directed_zones_only() {
    let mut h = TensionHistory::new(8);
    let mut t = Tension::default();
    for tick in 1..=1_000u64 {
        // The wilds measured but not directed; the valley rises and falls.
        let level = (tick % 50) as f32;
        t.take_frame(tick, &measured(&[(1.0, false), (level, true)]));
        h.push(tick, &t);
    }
    assert!(h.points().len() <= 8, "{} points", h.points().len());
    assert_eq!(h.zones().collect::<Vec<_>>(), [1], "only the directed zone");
    let s = h.samples(1);
    assert_eq!(s.len(), h.points().len(), "one sample a point");
    let last = s.last().expect("a sample");
    assert_eq!((last.at, last.level), (1_000, 0.0), "the latest at the end");
    assert_eq!(last.band.high, 30.0);
    for w in h.points().windows(2) {
        assert_eq!(w[0].last + 1, w[1].first, "points are contiguous");
    }
}

#[test]
fn decisions_are_plotted_once_at_their_own_ticks() {
    let mut h = TensionHistory::new(64);
    let mut t = Tension::default();
    h.push(5, &t);
    assert_eq!(h.zones().count(), 0, "nothing known yet");
    t.take_event(&decision(1, 10, 1, DirectorAct::Raid, 2.0));
    for tick in 10..=19 {
        h.push(tick, &t);
    }
    t.take_event(&decision(2, 20, 1, DirectorAct::Shift, 31.0));
    t.take_event(&decision(3, 20, 2, DirectorAct::Shift, 8.0));
    for tick in 20..=25 {
        h.push(tick, &t);
    }
    let valley: Vec<(u64, f32)> = h.samples(1).iter().map(|s| (s.at, s.level)).collect();
    assert_eq!(
        valley,
        [(10, 2.0), (20, 31.0)],
        "not again with every frame"
    );
    assert_eq!(h.zones().collect::<Vec<_>>(), [1, 2]);
    // A replay going back starts afresh.
    h.push(3, &t);
    assert_eq!(h.points().len(), 1);
    assert_eq!(h.samples(1).len(), 1, "the reading known then, once");
}

/// Every text egui painted.
fn texts(shapes: &[egui::epaint::ClippedShape]) -> Vec<String> {
    fn walk(shape: &Shape, out: &mut Vec<String>) {
        match shape {
            Shape::Text(t) => out.push(t.galley.text().to_string()),
            Shape::Vec(all) => all.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    shapes.iter().for_each(|c| walk(&c.shape, &mut out));
    out
}

/// Two frames of the director's plots (the first lays out, the second
/// paints with the sizes known).
fn painted(h: &TensionHistory, t: &Tension) -> Vec<String> {
    let ctx = egui::Context::default();
    let zones = zones();
    let mut last = Vec::new();
    for _ in 0..2 {
        let raw = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(700.0, 900.0))),
            ..RawInput::default()
        };
        let mut out = ctx.run_ui(raw, |ui| director_ui(ui, h, t, &zones));
        out.textures_delta.clear();
        last = texts(&out.shapes);
    }
    last
}

#[test]
fn the_panel_paints_a_plot_per_directed_zone_with_its_band() {
    let mut h = TensionHistory::new(64);
    let mut t = Tension::default();
    t.take_event(&decision(1, 10, 1, DirectorAct::Raid, 2.0));
    t.take_event(&decision(2, 12, 2, DirectorAct::Shift, 40.0));
    h.push(12, &t);
    t.take_event(&decision(3, 30, 1, DirectorAct::Shift, 12.0));
    h.push(30, &t);
    let shown = painted(&h, &t);
    for expected in ["tension in valley", "tension in march", "tension", "band"] {
        assert!(
            shown.iter().any(|s| s == expected),
            "{expected:?} in {shown:?}"
        );
    }
    assert!(!shown.iter().any(|s| s.contains("wilds")), "{shown:?}");
}

#[test]
fn a_run_without_a_director_says_so_instead_of_plotting_zeros() {
    let mut h = TensionHistory::new(64);
    let mut t = Tension::default();
    t.take_frame(1, &Direction::Absent);
    h.push(1, &t);
    let shown = painted(&h, &t);
    assert!(
        shown.iter().any(|s| s.contains("This run has no director")),
        "{shown:?}"
    );
    assert!(
        !shown.iter().any(|s| s.starts_with("tension in")),
        "{shown:?}"
    );
}
