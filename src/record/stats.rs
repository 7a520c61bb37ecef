//! Whole-run statistics: tick wall times (HDR histogram), totals of the
//! per-tick counters, entity-ticks, the bounded series, and a SHA-256 chain
//! over every tick's state hash so one value witnesses all of them.

use std::time::Duration;

use bevy::prelude::*;
use hdrhistogram::Histogram;
use sha2::{Digest, Sha256};

use super::frame::TickFrame;
use super::series::{Point, Series};
use crate::core::agent::intent::ACTION_KINDS;
use crate::population::{Census, TickCounters};

/// Points kept in the run's time series.
const SERIES_POINTS: usize = 2048;

/// Statistics of the run so far.
#[derive(Resource, Clone)]
pub struct RunStats {
    /// Tick wall times in microseconds (1 µs to 1 hour, 3 significant digits).
    pub tick_us: Histogram<u64>,
    pub ticks: u64,
    pub entity_ticks: u64,
    pub busy: Duration,
    pub initial_population: u64,
    pub peak_population: u64,
    pub arrivals: u64,
    pub births: u64,
    pub deaths: u64,
    pub killed: u64,
    pub departures: u64,
    pub actions: [u64; ACTION_KINDS],
    pub failed: u64,
    pub wealth_minted: u64,
    pub wealth_departed: u64,
    pub series: Series,
    chain: Sha256,
}

impl Default for RunStats {
    fn default() -> Self {
        RunStats {
            tick_us: Histogram::new_with_bounds(1, 3_600_000_000, 3)
                .expect("static histogram bounds are valid"),
            ticks: 0,
            entity_ticks: 0,
            busy: Duration::ZERO,
            initial_population: 0,
            peak_population: 0,
            arrivals: 0,
            births: 0,
            deaths: 0,
            killed: 0,
            departures: 0,
            actions: [0; ACTION_KINDS],
            failed: 0,
            wealth_minted: 0,
            wealth_departed: 0,
            series: Series::new(SERIES_POINTS),
            chain: Sha256::new(),
        }
    }
}

impl RunStats {
    fn add_counters(&mut self, c: &TickCounters) {
        self.arrivals += c.arrivals as u64;
        self.births += c.births as u64;
        self.deaths += c.deaths as u64;
        self.killed += c.killed as u64;
        self.departures += c.departures as u64;
        for (total, n) in self.actions.iter_mut().zip(c.actions) {
            *total += n as u64;
        }
        self.failed += c.failed as u64;
        self.wealth_minted += c.wealth_minted;
        self.wealth_departed += c.wealth_departed;
    }

    /// Folds in a finished tick and the wall time it took.
    pub fn finish_tick(&mut self, frame: &TickFrame, events: u64, elapsed: Duration) {
        self.ticks += 1;
        self.entity_ticks += frame.population;
        self.peak_population = self.peak_population.max(frame.population);
        self.busy += elapsed;
        let us = (elapsed.as_micros() as u64).clamp(1, 3_600_000_000);
        // In bounds by the clamp, so recording cannot fail.
        let _ = self.tick_us.record(us);
        self.add_counters(&frame.counters);
        self.chain.update(frame.state_hash.value.to_be_bytes());
        let ms = elapsed.as_secs_f64() * 1000.0;
        self.series.push(Point {
            first: frame.tick,
            last: frame.tick,
            population: frame.population,
            tick_ms_mean: ms,
            tick_ms_max: ms,
            actions: frame.counters.actions_total(),
            events,
            births: frame.counters.births as u64,
            deaths: frame.counters.deaths as u64,
            state_hash: frame.state_hash.hex(),
        });
    }

    /// SHA-256 over the state hashes of every tick so far (hex).
    pub fn state_hash_chain(&self) -> String {
        self.chain
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Tick wall time at quantile `q`, in milliseconds.
    pub fn tick_ms(&self, q: f64) -> f64 {
        self.tick_us.value_at_quantile(q) as f64 / 1000.0
    }

    pub fn tick_ms_max(&self) -> f64 {
        self.tick_us.max() as f64 / 1000.0
    }

    /// Entity-ticks per second of wall time spent in ticks.
    pub fn entity_ticks_per_sec(&self) -> f64 {
        self.entity_ticks as f64 / self.busy.as_secs_f64().max(1e-9)
    }
}

/// PostStartup: the initial population counts as arrivals of tick 0.
pub(super) fn count_initial(
    census: Res<Census>,
    counters: Res<TickCounters>,
    mut stats: ResMut<RunStats>,
) {
    stats.add_counters(&counters);
    stats.initial_population = census.total();
    stats.peak_population = census.total();
}
