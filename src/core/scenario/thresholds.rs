//! Thresholds, k6 style: `thresholds: { "tick_ms": ["p99 < 20", "max < 80"],
//! "denied{rule:speed_limit}": ["count == 0"] }`. A key names a metric and
//! optionally one tag; each expression is an aggregation, a comparison and a
//! number. Everything is parsed and checked against the scenario when it
//! loads, so an unknown metric, tag or aggregation is an error.

use super::checks::Bound;

/// The metrics a run measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Wall time per tick (ms).
    TickMs,
    /// Agents alive, tick by tick.
    Population,
    Events,
    /// Intents applied.
    Actions,
    Permitted,
    Mutated,
    Denied,
    CascadeTruncations,
    Births,
    Deaths,
    Arrivals,
    Departures,
    /// Time the tick waited for the store's writer (ms).
    StoreStallMs,
    /// Resident memory (MiB).
    RssMib,
    EntityTicksPerSec,
    /// Client action → ack (ms), from the scenario's clients.
    AckMs,
    /// Client action → its event on the stream (ms).
    EventMs,
    /// Client actions never answered.
    AcksMissing,
    /// Client connection attempts that failed.
    ConnectionsFailed,
}

/// The tag a metric may be narrowed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagKey {
    Kind,
    Rule,
    Profile,
}

/// How a metric is summed up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Agg {
    /// A percentile, 0–100.
    P(f64),
    Min,
    Max,
    Mean,
    Last,
    Count,
    /// Per simulated second.
    Rate,
    Value,
}

impl Metric {
    const ALL: [(&'static str, Metric); 19] = [
        ("ack_ms", Metric::AckMs),
        ("event_ms", Metric::EventMs),
        ("acks_missing", Metric::AcksMissing),
        ("connections_failed", Metric::ConnectionsFailed),
        ("tick_ms", Metric::TickMs),
        ("population", Metric::Population),
        ("events", Metric::Events),
        ("actions", Metric::Actions),
        ("permitted", Metric::Permitted),
        ("mutated", Metric::Mutated),
        ("denied", Metric::Denied),
        ("cascade_truncations", Metric::CascadeTruncations),
        ("births", Metric::Births),
        ("deaths", Metric::Deaths),
        ("arrivals", Metric::Arrivals),
        ("departures", Metric::Departures),
        ("store_stall_ms", Metric::StoreStallMs),
        ("rss_mib", Metric::RssMib),
        ("entity_ticks_per_sec", Metric::EntityTicksPerSec),
    ];

    fn tag(self) -> Option<TagKey> {
        match self {
            Metric::Events | Metric::Actions => Some(TagKey::Kind),
            Metric::Permitted | Metric::Mutated | Metric::Denied => Some(TagKey::Rule),
            Metric::AckMs | Metric::EventMs => Some(TagKey::Profile),
            _ => None,
        }
    }

    fn aggs(self) -> &'static [&'static str] {
        match self {
            Metric::TickMs => &["p50", "p90", "p95", "p99", "p99.9", "min", "max", "mean"],
            Metric::Population => &["min", "max", "mean", "last"],
            Metric::StoreStallMs | Metric::EntityTicksPerSec => &["value"],
            Metric::RssMib => &["max"],
            Metric::AckMs | Metric::EventMs => &["p50", "p95", "p99", "max", "mean", "count"],
            Metric::AcksMissing | Metric::ConnectionsFailed => &["count"],
            _ => &["count", "rate"],
        }
    }
}

/// One parsed threshold expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    /// As written: `metric: expression`.
    pub text: String,
    pub metric: Metric,
    pub tag: Option<(TagKey, String)>,
    pub agg: Agg,
    pub bound: Bound,
}

/// Names a threshold may refer to, from the scenario in force.
pub struct Vocabulary<'a> {
    pub event_kinds: &'a [&'a str],
    pub action_kinds: &'a [&'a str],
    pub rules: &'a [String],
    pub profiles: &'a [&'a str],
    /// Whether the scenario has clients (their metrics exist only then).
    pub clients: bool,
}

impl Metric {
    pub fn of_clients(self) -> bool {
        matches!(
            self,
            Metric::AckMs | Metric::EventMs | Metric::AcksMissing | Metric::ConnectionsFailed
        )
    }
}

fn parse_agg(word: &str) -> Option<Agg> {
    Some(match word {
        "min" => Agg::Min,
        "max" => Agg::Max,
        "mean" | "avg" => Agg::Mean,
        "last" => Agg::Last,
        "count" => Agg::Count,
        "rate" => Agg::Rate,
        "value" => Agg::Value,
        p => Agg::P(
            p.strip_prefix('p')?
                .parse()
                .ok()
                .filter(|q: &f64| (0.0..=100.0).contains(q))?,
        ),
    })
}

/// Parses one key and its expressions.
pub fn parse(key: &str, exprs: &[String], vocab: &Vocabulary) -> Result<Vec<Threshold>, String> {
    let (name, tag) = match key.split_once('{') {
        None => (key.trim(), None),
        Some((name, rest)) => {
            let inner = rest
                .strip_suffix('}')
                .ok_or_else(|| format!("{key:?}: a tag is written {{key:value}}"))?;
            let (k, v) = inner
                .split_once(':')
                .ok_or_else(|| format!("{key:?}: a tag is written {{key:value}}"))?;
            (name.trim(), Some((k.trim(), v.trim())))
        }
    };
    let metric = Metric::ALL
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| *m)
        .ok_or_else(|| {
            let known: Vec<&str> = Metric::ALL.iter().map(|(n, _)| *n).collect();
            format!(
                "unknown metric {name:?}; known metrics: {}",
                known.join(", ")
            )
        })?;
    if metric.of_clients() && !vocab.clients {
        return Err(format!(
            "{name} is measured on clients; the scenario has no `clients`"
        ));
    }
    let tag = match (tag, metric.tag()) {
        (None, _) => None,
        (Some((k, _)), None) => return Err(format!("{name} takes no tag (got {k:?})")),
        (Some((k, v)), Some(want)) => {
            let (key_name, known): (&str, Vec<&str>) = match want {
                TagKey::Kind if name == "events" => ("kind", vocab.event_kinds.to_vec()),
                TagKey::Kind => ("kind", vocab.action_kinds.to_vec()),
                TagKey::Rule => ("rule", vocab.rules.iter().map(String::as_str).collect()),
                TagKey::Profile => ("profile", vocab.profiles.to_vec()),
            };
            if k != key_name {
                return Err(format!("{name} is tagged by {key_name}, not {k:?}"));
            }
            if !known.contains(&v) {
                return Err(format!(
                    "{name}{{{k}:{v}}}: no {key_name} {v:?}; known: {}",
                    known.join(", ")
                ));
            }
            Some((want, v.to_string()))
        }
    };
    if exprs.is_empty() {
        return Err(format!("{key}: no expressions"));
    }
    exprs
        .iter()
        .map(|e| {
            let e = e.trim();
            let (word, rest) = e.split_once(char::is_whitespace).ok_or_else(|| {
                format!(
                    "{e:?}: expected \"<aggregation> <comparison> <number>\", e.g. \"p99 < 20\""
                )
            })?;
            let agg = parse_agg(word)
                .filter(|_| {
                    metric.aggs().contains(&word)
                        || matches!(metric, Metric::TickMs) && word.starts_with('p')
                })
                .ok_or_else(|| {
                    format!(
                        "{name}: {word:?} is not one of {}",
                        metric.aggs().join(", ")
                    )
                })?;
            let bound = Bound::parse(rest)?;
            Ok(Threshold {
                text: format!("{key}: {e}"),
                metric,
                tag: tag.clone(),
                agg,
                bound,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> (Vec<&'static str>, Vec<&'static str>, Vec<String>) {
        (
            vec!["trade", "death"],
            vec!["trade", "step"],
            vec!["speed_limit".to_string()],
        )
    }

    fn p(key: &str, e: &[&str]) -> Result<Vec<Threshold>, String> {
        let (ev, ac, ru) = vocab();
        let v = Vocabulary {
            event_kinds: &ev,
            action_kinds: &ac,
            rules: &ru,
            profiles: &["trader"],
            clients: true,
        };
        parse(
            key,
            &e.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            &v,
        )
    }

    #[test]
    fn good_thresholds_parse() {
        let t = p("tick_ms", &["p99 < 20", "max < 80", "p99.9 <= 100"]).unwrap();
        assert_eq!(t[0].agg, Agg::P(99.0));
        assert_eq!(t[2].agg, Agg::P(99.9));
        let t = p("denied{rule:speed_limit}", &["count == 0"]).unwrap();
        assert_eq!(t[0].tag, Some((TagKey::Rule, "speed_limit".into())));
        assert_eq!(t[0].text, "denied{rule:speed_limit}: count == 0");
        p("events{kind:death}", &["rate < 5"]).unwrap();
    }

    #[test]
    fn unknown_names_are_errors() {
        assert!(
            p("tick_time", &["p99 < 1"])
                .unwrap_err()
                .contains("unknown metric")
        );
        assert!(
            p("denied{rule:nope}", &["count == 0"])
                .unwrap_err()
                .contains("nope")
        );
        assert!(
            p("denied{kind:trade}", &["count == 0"])
                .unwrap_err()
                .contains("rule")
        );
        assert!(
            p("population{kind:x}", &["min > 0"])
                .unwrap_err()
                .contains("no tag")
        );
        assert!(p("population", &["p99 > 0"]).unwrap_err().contains("p99"));
        assert!(p("tick_ms", &["p99<20"]).is_err());
        assert!(p("tick_ms", &["p99 ~ 20"]).is_err());
        assert!(p("tick_ms", &[]).is_err());
    }
}
