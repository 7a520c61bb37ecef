//! Tests of [`super`]: a tension against its band, readings from frames
//! and from `director` events, and a decision in words.

use std::sync::Arc;

use bevy::math::Vec2;

use super::*;
use crate::core::stat7::Realm;
use crate::window::feed::{Directed, ZoneReading};

const BAND: Band = Band {
    low: 5.0,
    high: 30.0,
};

pub(crate) fn decision(seq: u64, tick: u64, zone: u16, act: DirectorAct, tension: f32) -> Event {
    Event {
        seq,
        tick,
        actor: None,
        target: None,
        cause: None,
        correlation: None,
        depth: 0,
        payload: Payload::Director {
            zone,
            state: DirectorState::BuildUp,
            act,
            tension,
            low: BAND.low,
            high: BAND.high,
            budget: 14.0,
            monsters: if act == DirectorAct::Raid { 3 } else { 0 },
        },
        handles: (None, None),
    }
}

pub(crate) fn zones() -> Vec<ZoneView> {
    ["wilds", "valley", "march"]
        .iter()
        .enumerate()
        .map(|(i, name)| ZoneView {
            id: i as u16,
            name: name.to_string(),
            realm: Realm::Void,
            min: Vec2::ZERO,
            max: Vec2::ONE,
        })
        .collect()
}

#[test]
fn a_level_is_below_in_or_above_its_band_and_the_edges_are_in() {
    assert_eq!(BandPosition::of(0.0, BAND), BandPosition::Below);
    assert_eq!(BandPosition::of(4.99, BAND), BandPosition::Below);
    assert_eq!(BandPosition::of(5.0, BAND), BandPosition::In);
    assert_eq!(BandPosition::of(30.0, BAND), BandPosition::In);
    assert_eq!(BandPosition::of(30.01, BAND), BandPosition::Above);
    // The three colours are far apart: each differs in some channel by a lot.
    for a in BandPosition::ALL {
        for b in BandPosition::ALL {
            if a == b {
                continue;
            }
            let (x, y) = (a.colour(), b.colour());
            let gap = (x.red - y.red)
                .abs()
                .max((x.green - y.green).abs())
                .max((x.blue - y.blue).abs());
            assert!(gap > 0.3, "{a:?} and {b:?} look alike");
        }
    }
    let too_tense = BandPosition::Above.colour();
    assert!(too_tense.red > too_tense.blue && too_tense.red > too_tense.green);
    let quiet = BandPosition::Below.colour();
    assert!(quiet.blue > quiet.red);
}

#[test]
fn decisions_fold_into_each_zones_latest_reading() {
    let mut t = Tension::default();
    assert_eq!(t.known, Known::Unknown);
    assert!(t.nothing_because().is_some());
    t.take_event(&decision(1, 100, 1, DirectorAct::Raid, 2.0));
    t.take_event(&decision(2, 100, 2, DirectorAct::Shift, 40.0));
    t.take_event(&decision(3, 150, 1, DirectorAct::Shift, 31.0));
    assert_eq!(t.known, Known::FromDecisions);
    assert!(t.nothing_because().is_none());
    let valley = t.reading(1).expect("valley");
    assert_eq!((valley.level, valley.at), (31.0, 150), "the latest wins");
    assert_eq!(valley.act, Some(DirectorAct::Shift));
    assert_eq!(valley.band, BAND);
    assert!(t.reading(0).is_none(), "never decided for: no reading");
    let directed: Vec<u16> = t.directed().map(|(z, _)| z).collect();
    assert_eq!(directed, [1, 2]);
    // Other events and absurd zones change nothing.
    let before = t.clone();
    let mut other = decision(4, 160, 1, DirectorAct::Raid, 1.0);
    other.payload = Payload::Attack { damage: 1 };
    t.take_event(&other);
    t.take_event(&decision(5, 160, u16::MAX, DirectorAct::Raid, 1.0));
    assert_eq!(t, before);
}

#[test]
fn a_measured_frame_wins_and_a_run_without_a_director_says_so() {
    let mut t = Tension::default();
    t.take_event(&decision(1, 10, 1, DirectorAct::Raid, 2.0));
    let measured = Direction::Measured(Arc::new(Directed {
        on: true,
        zones: vec![
            ZoneReading {
                level: 1.0,
                band: BAND,
                directed: false,
                state: DirectorState::BuildUp,
            },
            ZoneReading {
                level: 12.5,
                band: BAND,
                directed: true,
                state: DirectorState::Sustain,
            },
        ],
    }));
    t.take_frame(20, &measured);
    assert_eq!(t.known, Known::Measured { on: true });
    let valley = t.reading(1).expect("valley");
    assert_eq!((valley.level, valley.at, valley.act), (12.5, 20, None));
    assert_eq!(valley.state, DirectorState::Sustain);
    // Measured, the wilds have a reading too, but only the valley is directed.
    assert!(t.reading(0).is_some());
    assert_eq!(t.directed().map(|(z, _)| z).collect::<Vec<_>>(), [1]);
    // A later decision does not overwrite the measure.
    t.take_event(&decision(2, 21, 1, DirectorAct::Raid, 0.0));
    assert_eq!(t.reading(1).map(|r| r.level), Some(12.5));
    // A frame that cannot measure leaves what is known.
    t.take_frame(22, &Direction::Unmeasured);
    assert_eq!(t.reading(1).map(|r| r.level), Some(12.5));

    t.take_frame(23, &Direction::Absent);
    assert_eq!(t.known, Known::NoDirector);
    assert!(t.reading(1).is_none(), "no zeros drawn");
    let why = t.nothing_because().expect("a reason");
    assert!(why.contains("no director"), "{why}");
}

#[test]
fn a_decision_reads_with_its_zone_act_state_band_and_monsters() {
    let zones = zones();
    let raid = decision(1, 100, 1, DirectorAct::Raid, 2.04);
    assert_eq!(
        decision_text(&raid.payload, &zones).as_deref(),
        Some("valley: raid, 3 monsters (build_up; tension 2.0 below band 5.0..30.0; 14.0 points)")
    );
    let shift = decision(2, 100, 2, DirectorAct::Shift, 31.0);
    let text = decision_text(&shift.payload, &zones).expect("text");
    assert!(text.starts_with("march: shift to build_up"), "{text}");
    assert!(text.contains("above band"), "{text}");
    let withdraw = decision(3, 100, 9, DirectorAct::Withdraw, 10.0);
    let text = decision_text(&withdraw.payload, &zones).expect("text");
    assert!(text.starts_with("#9: withdraw raiders"), "{text}");
    assert!(text.contains("in band"), "{text}");
    assert!(decision_text(&Payload::Attack { damage: 1 }, &zones).is_none());
}
