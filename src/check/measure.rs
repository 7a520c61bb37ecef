//! Reading a threshold's metric off a running or finished simulation. Every
//! figure comes from what the run keeps anyway (run statistics, the event
//! log's counts, governance and action tallies, the store sink), so a
//! threshold can be judged mid-run for `abort_on_fail` and again at the end.

use bevy::prelude::*;

use crate::core::agent::intent::ActionKind;
use crate::core::event::EVENT_KINDS;
use crate::core::scenario::thresholds::{Agg, Metric, Threshold};
use crate::events::EventLog;
use crate::govern::GovernStats;
use crate::population::ActionTally;
use crate::react::ReactStats;
use crate::record::RunStats;
use crate::record::memory::peak_rss_bytes;
use crate::store::StoreSink;

/// Population over the ticks so far (kept by the judge, tick by tick).
#[derive(Clone, Copy, Debug, Default)]
pub struct PopulationSeen {
    pub min: u64,
    pub max: u64,
    pub sum: u64,
    pub ticks: u64,
    pub last: u64,
}

impl PopulationSeen {
    pub fn add(&mut self, n: u64) {
        self.min = if self.ticks == 0 { n } else { self.min.min(n) };
        self.max = self.max.max(n);
        self.sum += n;
        self.ticks += 1;
        self.last = n;
    }
}

fn count(world: &World, t: &Threshold) -> f64 {
    let tag = t.tag.as_ref().map(|(_, v)| v.as_str());
    match t.metric {
        Metric::Events => {
            let log = world.resource::<EventLog>();
            match tag {
                Some(k) => EVENT_KINDS
                    .iter()
                    .position(|e| *e == k)
                    .map_or(0, |i| log.by_kind[i]) as f64,
                None => log.total() as f64,
            }
        }
        Metric::Actions => {
            let tally = world.resource::<ActionTally>();
            let by_action = |a: usize| tally.executed.iter().map(|row| row[a]).sum::<u64>();
            match tag {
                Some(k) => ActionKind::ALL
                    .iter()
                    .find(|a| a.as_str() == k)
                    .map_or(0, |a| by_action(*a as usize)) as f64,
                None => (0..ActionKind::ALL.len()).map(by_action).sum::<u64>() as f64,
            }
        }
        Metric::Permitted | Metric::Mutated | Metric::Denied => {
            let by_rule = world.resource::<GovernStats>().by_rule();
            by_rule
                .iter()
                .filter(|(rule, _)| tag.is_none_or(|r| r == rule.as_str()))
                .map(|(_, d)| match t.metric {
                    Metric::Permitted => d.permitted,
                    Metric::Mutated => d.mutated,
                    _ => d.denied,
                })
                .sum::<u64>() as f64
        }
        Metric::CascadeTruncations => world
            .get_resource::<ReactStats>()
            .map_or(0, |r| r.truncated_depth + r.truncated_budget)
            as f64,
        Metric::Births => world.resource::<RunStats>().births as f64,
        Metric::Deaths => world.resource::<RunStats>().deaths as f64,
        Metric::Arrivals => world.resource::<RunStats>().arrivals as f64,
        Metric::Departures => world.resource::<RunStats>().departures as f64,
        _ => 0.0,
    }
}

/// The threshold's aggregate now. `stall_ms` is the store's stall, which
/// the caller knows once the sink has been finished.
pub fn value(world: &World, t: &Threshold, pop: &PopulationSeen, stall_ms: Option<f64>) -> f64 {
    let stats = world.resource::<RunStats>();
    match (t.metric, t.agg) {
        (Metric::TickMs, Agg::P(q)) => stats.tick_us.value_at_quantile(q / 100.0) as f64 / 1000.0,
        (Metric::TickMs, Agg::Min) => stats.tick_us.min() as f64 / 1000.0,
        (Metric::TickMs, Agg::Max) => stats.tick_us.max() as f64 / 1000.0,
        (Metric::TickMs, _) => stats.tick_us.mean() / 1000.0,
        (Metric::Population, Agg::Min) => pop.min as f64,
        (Metric::Population, Agg::Max) => pop.max as f64,
        (Metric::Population, Agg::Last) => pop.last as f64,
        (Metric::Population, _) => pop.sum as f64 / pop.ticks.max(1) as f64,
        (Metric::StoreStallMs, _) => stall_ms.unwrap_or_else(|| {
            world
                .get_resource::<StoreSink>()
                .map_or(0.0, |s| s.stall.as_secs_f64() * 1000.0)
        }),
        (Metric::RssMib, _) => peak_rss_bytes().unwrap_or(0) as f64 / (1024.0 * 1024.0),
        (Metric::EntityTicksPerSec, _) => stats.entity_ticks_per_sec(),
        (_, Agg::Rate) => {
            count(world, t) / (stats.ticks.max(1) as f64 * crate::core::TICK.as_secs_f64())
        }
        _ => count(world, t),
    }
}

/// How a measured value reads, with its unit.
pub fn describe(t: &Threshold, v: f64) -> String {
    let agg = match t.agg {
        Agg::P(q) => format!("p{q}"),
        Agg::Min => "min".into(),
        Agg::Max => "max".into(),
        Agg::Mean => "mean".into(),
        Agg::Last => "last".into(),
        Agg::Count => "count".into(),
        Agg::Rate => "rate".into(),
        Agg::Value => "value".into(),
    };
    let unit = match (t.metric, t.agg) {
        (Metric::AckMs | Metric::EventMs, Agg::Count) => "",
        (Metric::TickMs | Metric::StoreStallMs | Metric::AckMs | Metric::EventMs, _) => " ms",
        (Metric::RssMib, _) => " MiB",
        (_, Agg::Rate) => "/s",
        _ => "",
    };
    let v = if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    };
    format!("{agg} = {v}{unit}")
}
