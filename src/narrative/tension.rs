//! Tension per zone: each event of a weighted kind (blows, deaths, grief
//! raise it; births and company calm it) adds its weight in the zone where
//! it happened, and the level halves every `half_life` ticks, except in a
//! zone where a blow was struck this tick (violence that goes on keeps it
//! up). The director reads it; time in band is counted here, every tick
//! after the warm-up.

use bevy::prelude::*;

use crate::core::event::{EVENT_KINDS, EventKind};
use crate::core::scenario::director::{Band, DirectorSpec};
use crate::events::{Cause, Event, Payload};
use crate::world::Zones;

/// Every zone's tension and what is known of it.
#[derive(Resource, Debug, Default)]
pub struct ZoneTension {
    pub level: Vec<f32>,
    /// The last event that raised each zone's tension (a decision cites it).
    pub trigger: Vec<Option<Cause>>,
    /// Ticks each zone spent in its band, of `measured`.
    pub in_band: Vec<u64>,
    pub measured: u64,
    /// Sum and peak of each zone's tension over the measured ticks.
    pub sum: Vec<f64>,
    pub peak: Vec<f32>,
    violent: Vec<bool>,
    weights: Vec<f32>,
    decay: f32,
    warmup: u64,
    bands: Vec<Band>,
}

impl ZoneTension {
    pub fn new(spec: &DirectorSpec, zones: &Zones) -> ZoneTension {
        let n = zones.all().len();
        let mut weights = vec![0.0; EVENT_KINDS.len()];
        for (kind, w) in &spec.weights {
            weights[*kind as usize] = *w;
        }
        ZoneTension {
            level: vec![0.0; n],
            trigger: vec![None; n],
            in_band: vec![0; n],
            measured: 0,
            sum: vec![0.0; n],
            peak: vec![0.0; n],
            violent: vec![false; n],
            weights,
            decay: 0.5f32.powf(1.0 / spec.half_life.max(1) as f32),
            warmup: spec.warmup as u64,
            bands: zones.all().iter().map(|z| spec.band_of(z.realm)).collect(),
        }
    }

    /// The band of zone `i`.
    pub fn band(&self, i: usize) -> Band {
        self.bands[i]
    }

    /// Adds one event of the tick, which happened in `zone`.
    pub fn add(&mut self, ev: &Event, zone: u16) {
        let i = zone as usize;
        if i >= self.level.len() {
            return;
        }
        let w = self.weights[ev.payload.kind() as usize];
        if w != 0.0 {
            self.level[i] = (self.level[i] + w).max(0.0);
            if w > 0.0 {
                self.trigger[i] = Some(ev.as_cause());
            }
        }
        if violent(&ev.payload) {
            self.violent[i] = true;
        }
    }

    /// Whether an event of this kind moves tension at all (so its zone must
    /// be found).
    pub fn weighs(&self, kind: EventKind) -> bool {
        self.weights[kind as usize] != 0.0 || matches!(kind, EventKind::Attack | EventKind::Damage)
    }

    /// The tick is over: quiet zones calm down, and time in band is counted.
    pub fn settle(&mut self, tick: u64) {
        for i in 0..self.level.len() {
            if !std::mem::take(&mut self.violent[i]) {
                self.level[i] *= self.decay;
            }
        }
        if tick < self.warmup {
            return;
        }
        self.measured += 1;
        for i in 0..self.level.len() {
            let t = self.level[i];
            self.in_band[i] += u64::from(self.bands[i].holds(t));
            self.sum[i] += t as f64;
            self.peak[i] = self.peak[i].max(t);
        }
    }

    /// Share of measured ticks zone `i` spent in its band, in percent.
    pub fn time_in_band(&self, i: usize) -> f64 {
        if self.measured == 0 {
            return 0.0;
        }
        self.in_band[i] as f64 * 100.0 / self.measured as f64
    }
}

/// A blow struck: tension does not fade where one was.
fn violent(p: &Payload) -> bool {
    matches!(p, Payload::Attack { .. } | Payload::Damage { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agent::EntityId;

    fn spec() -> DirectorSpec {
        ron::from_str("(half_life: 10, warmup: 0, band: (low: 1, high: 5))").expect("spec")
    }

    fn zones() -> Zones {
        let s =
            crate::core::scenario::parse_str("town.ron", include_str!("../../scenarios/town.ron"))
                .expect("town parses");
        Zones::from_scenario(&s)
    }

    fn event(payload: Payload) -> Event {
        Event {
            seq: 9,
            tick: 1,
            actor: Some(EntityId(1)),
            target: None,
            cause: None,
            correlation: None,
            depth: 0,
            payload,
            handles: (None, None),
        }
    }

    #[test]
    fn tension_rises_with_blows_halves_when_quiet_and_holds_while_they_go_on() {
        let mut t = ZoneTension::new(&spec(), &zones());
        let death = Payload::Death {
            cause: crate::events::DeathCause::Killed,
            age: 5,
            zone: 0,
        };
        t.add(&event(death), 0);
        assert_eq!(t.level[0], 3.0);
        assert_eq!(t.trigger[0].map(|c| c.seq), Some(9));
        t.settle(1);
        assert_eq!(t.level[0], 3.0 * 0.5f32.powf(0.1));
        for tick in 2..11 {
            t.settle(tick);
        }
        assert!(
            (t.level[0] - 1.5).abs() < 1e-4,
            "halved in 10 ticks: {}",
            t.level[0]
        );
        // A blow each tick: it does not fade.
        for tick in 11..30 {
            t.add(
                &event(Payload::Damage {
                    amount: 1,
                    health: 50.0,
                }),
                0,
            );
            t.settle(tick);
        }
        assert!((t.level[0] - 1.5).abs() < 1e-4, "{}", t.level[0]);
        assert_eq!(t.measured, 29);
        assert_eq!(t.in_band[0], 29, "1.5 is in (1, 5) all along");
        assert!(
            t.in_band[1] == 0 && t.level[1] == 0.0,
            "other zones untouched"
        );
        // Calming never takes it below zero.
        t.add(
            &event(Payload::Birth {
                partner: 2,
                generation: 2,
                wealth: 0,
            }),
            0,
        );
        t.add(
            &event(Payload::Birth {
                partner: 2,
                generation: 2,
                wealth: 0,
            }),
            0,
        );
        assert_eq!(t.level[0], 0.0);
    }
}
