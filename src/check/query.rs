//! What assertions and client thresholds read: an aggregate over the agents
//! a filter selects (state assertions), whether a kind matches a filter's
//! name, and a client metric from the assault's report.

use bevy::prelude::*;

use crate::assault::AssaultReport;
use crate::core::agent::components::{Life, Purse, Standing, Vitals};
use crate::core::agent::kinds::AgentKind;
use crate::core::agent::{Kind, Position};
use crate::core::scenario::checks::{Field, Filter, Measure};
use crate::core::scenario::thresholds::Threshold;
use crate::world::Zones;

pub(super) fn kind_matches(filter: &str, kind: AgentKind) -> bool {
    match filter {
        "player" => kind.is_player(),
        "npc" => !kind.is_player(),
        name => kind.name() == name,
    }
}

/// Aggregates `measure` over the agents `filter` selects.
pub(super) fn state(world: &mut World, measure: Measure, filter: &Filter) -> f64 {
    let zones = world.resource::<Zones>().clone();
    let mut q = world.query::<(&Kind, &Position, &Purse, &Vitals, &Standing, &Life)>();
    let field = |f: Field, (_, _, purse, vitals, standing, life): (_, _, _, _, _, &Life)| {
        f.read(purse, vitals, standing, life)
    };
    let (mut n, mut sum, mut min, mut max) = (0u64, 0.0, f64::INFINITY, f64::NEG_INFINITY);
    for a in q.iter(world) {
        let (kind, pos, ..) = a;
        if filter
            .kind
            .as_deref()
            .is_some_and(|k| !kind_matches(k, kind.0))
            || filter
                .zone
                .as_deref()
                .is_some_and(|z| zones.zone_at(pos.0).name != z)
        {
            continue;
        }
        n += 1;
        if let Measure::Min(f) | Measure::Max(f) | Measure::Mean(f) | Measure::Sum(f) = measure {
            let v = field(f, a);
            sum += v;
            min = min.min(v);
            max = max.max(v);
        }
    }
    match measure {
        Measure::Count => n as f64,
        Measure::Sum(_) => sum,
        // Over no agents there is no minimum, maximum or mean: NaN fails every bound.
        _ if n == 0 => f64::NAN,
        Measure::Min(_) => min,
        Measure::Max(_) => max,
        Measure::Mean(_) => sum / n as f64,
    }
}

/// A client metric from the assault's report; NaN (which fails every
/// bound) where there is nothing to measure.
pub(super) fn client_value(t: &Threshold, report: Option<&AssaultReport>) -> f64 {
    use crate::core::scenario::thresholds::{Agg, Metric};
    let Some(r) = report else {
        return f64::NAN;
    };
    let profile = t.tag.as_ref().map(|(_, p)| p.as_str());
    let latency = |ack: bool| -> Option<&crate::assault::Latency> {
        match profile {
            None => Some(if ack {
                &r.ack_latency
            } else {
                &r.event_latency
            }),
            Some(p) => r
                .by_profile
                .iter()
                .find(|(k, _)| k.name() == p)
                .map(|(_, v)| {
                    if ack {
                        &v.ack_latency
                    } else {
                        &v.event_latency
                    }
                }),
        }
    };
    match t.metric {
        Metric::AckMs | Metric::EventMs => {
            let Some(l) = latency(t.metric == Metric::AckMs) else {
                return f64::NAN;
            };
            let v = match t.agg {
                Agg::P(q) if q <= 50.0 => l.p50_ms,
                Agg::P(q) if q <= 95.0 => l.p95_ms,
                Agg::P(_) => l.p99_ms,
                Agg::Max => l.max_ms,
                Agg::Count => Some(l.count as f64),
                _ => l.mean_ms,
            };
            v.unwrap_or(f64::NAN)
        }
        Metric::AcksMissing => r.acks_missing as f64,
        Metric::ConnectionsFailed => r.connections.failed as f64,
        _ => f64::NAN,
    }
}
