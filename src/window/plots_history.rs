//! The Plots panel's memory: what each arriving frame's [`Stats`] said,
//! kept with a fixed bound however long the run. Frames skip ticks (the
//! mailbox keeps only the latest), so a point covers the ticks since the
//! one before it, not one tick: every tick seen is counted in exactly one
//! point. The points are a `record::series::Series`: when it is full,
//! neighbouring points merge and each covers twice as many ticks, so a
//! series never has more than [`CAPACITY`] points to draw. Denials come as
//! cumulative counts, which survive skipped ticks and merges exactly: a
//! point keeps the count at its end, and its rate is the difference from
//! the point before over the ticks between.

use crate::core::TICK;
use crate::core::agent::kinds::KIND_COUNT;
use crate::record::{Fold, Series};

use super::feed::Stats;

/// Points kept (even, so that a merge halves the history exactly).
pub const CAPACITY: usize = 1_000;
/// Governance rules followed; a configuration has a handful, and a source
/// sending more must still not grow the history without end.
pub const MAX_RULES: usize = 32;

/// The ticks `first..=last`, folded together from the frames that arrived.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub first: u64,
    pub last: u64,
    /// Frames folded in.
    pub frames: u32,
    tick_ms_sum: f64,
    pub tick_ms_max: f64,
    /// At the end of `last`.
    pub population: u64,
    pub by_kind: [u32; KIND_COUNT],
    /// Events over the ticks, estimated: a frame tells its own tick's count,
    /// which stands for every tick since the frame before.
    pub events: f64,
    /// Cumulative denials at the end of `last`, by [`History::rules`] index
    /// (shorter when a rule first appeared later: its count was 0).
    denials: Vec<u64>,
}

impl Point {
    /// The mean tick time of the frames folded in.
    pub fn tick_ms_mean(&self) -> f64 {
        self.tick_ms_sum / f64::from(self.frames.max(1))
    }

    fn denied(&self, rule: usize) -> u64 {
        self.denials.get(rule).copied().unwrap_or(0)
    }
}

impl Fold for Point {
    fn first(&self) -> u64 {
        self.first
    }

    fn last(&self) -> u64 {
        self.last
    }

    fn absorb(&mut self, later: Point) {
        self.last = later.last;
        self.frames += later.frames;
        self.tick_ms_sum += later.tick_ms_sum;
        self.tick_ms_max = self.tick_ms_max.max(later.tick_ms_max);
        self.population = later.population;
        self.by_kind = later.by_kind;
        self.events += later.events;
        self.denials = later.denials;
    }
}

/// A bounded history of [`Point`]s.
#[derive(Clone, Debug)]
pub struct History {
    points: Series<Point>,
    /// The rule names, in the order they first appeared.
    rules: Vec<String>,
    /// Cumulative denials before the first point: the first frame's own,
    /// since what came before the window started is not a rate it saw.
    baseline: Vec<u64>,
}

impl Default for History {
    fn default() -> Self {
        History::new(CAPACITY)
    }
}

impl History {
    /// `capacity` is rounded up to an even number of at least 2.
    pub fn new(capacity: usize) -> History {
        History {
            points: Series::new(capacity),
            rules: Vec::new(),
            baseline: Vec::new(),
        }
    }

    pub fn points(&self) -> &[Point] {
        self.points.points()
    }

    pub fn rules(&self) -> &[String] {
        &self.rules
    }

    pub fn ticks_per_point(&self) -> u64 {
        self.points.ticks_per_point()
    }

    /// Ticks counted since the history (re)started.
    pub fn ticks(&self) -> u64 {
        self.points().iter().map(Point::ticks).sum()
    }

    /// Adds the frame of `tick`. A tick not after the last one (a replay's
    /// timeline went back, a new source) starts the history afresh.
    pub fn push(&mut self, tick: u64, stats: &Stats) {
        if self.points().last().is_some_and(|p| tick <= p.last) {
            *self = History::new(self.points.capacity());
        }
        let denials = self.cumulative(&stats.denials);
        let first = match self.points().last() {
            Some(p) => p.last + 1,
            None => {
                self.baseline = denials.clone();
                tick
            }
        };
        let ticks = tick - first + 1;
        self.points.push(Point {
            first,
            last: tick,
            frames: 1,
            tick_ms_sum: stats.tick_ms,
            tick_ms_max: stats.tick_ms,
            population: stats.population,
            by_kind: stats.by_kind,
            events: stats.events as f64 * ticks as f64,
            denials,
        });
    }

    /// The counts of `denials` by rule index, learning new rules.
    fn cumulative(&mut self, denials: &[(String, u64)]) -> Vec<u64> {
        let mut out = vec![0; self.rules.len()];
        for (rule, count) in denials {
            let i = match self.rules.iter().position(|r| r == rule) {
                Some(i) => i,
                None if self.rules.len() < MAX_RULES => {
                    self.rules.push(rule.clone());
                    out.push(0);
                    self.rules.len() - 1
                }
                None => continue,
            };
            out[i] = *count;
        }
        out
    }

    /// Mean tick time against the tick each point ends on.
    pub fn tick_ms(&self) -> Vec<[f64; 2]> {
        self.series(|p| p.tick_ms_mean())
    }

    /// The kinds that were ever present, by index into the kind table.
    pub fn kinds_present(&self) -> Vec<usize> {
        (0..KIND_COUNT)
            .filter(|&k| self.points().iter().any(|p| p.by_kind[k] > 0))
            .collect()
    }

    pub fn population_of(&self, kind: usize) -> Vec<[f64; 2]> {
        self.series(|p| f64::from(p.by_kind[kind]))
    }

    /// Events per simulated second ([`TICK`] of simulated time a tick).
    pub fn events_per_second(&self) -> Vec<[f64; 2]> {
        let per_second = 1.0 / TICK.as_secs_f64();
        self.series(|p| p.events / p.ticks() as f64 * per_second)
    }

    /// Denials of rule `rule` per tick. A count that went down (a source
    /// that restarted its counters) reads as no denials, not a negative rate.
    pub fn denial_rate(&self, rule: usize) -> Vec<[f64; 2]> {
        let mut before = self.baseline.get(rule).copied().unwrap_or(0);
        self.points()
            .iter()
            .map(|p| {
                let now = p.denied(rule);
                let rate = now.saturating_sub(before) as f64 / p.ticks() as f64;
                before = now;
                [p.last as f64, rate]
            })
            .collect()
    }

    fn series(&self, y: impl Fn(&Point) -> f64) -> Vec<[f64; 2]> {
        self.points()
            .iter()
            .map(|p| [p.last as f64, y(p)])
            .collect()
    }
}

#[cfg(test)]
#[path = "plots_history_tests.rs"]
mod tests;
