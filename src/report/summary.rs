//! The run summary printed at the end of `seedsim run`.

use std::fmt::Write;

use super::Report;

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("n/a".to_string(), |b| {
        format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0))
    })
}

/// A plain-text table of the report's headline figures.
pub fn summary_table(r: &Report) -> String {
    let mut rows: Vec<(String, String)> = vec![
        (
            "scenario".into(),
            format!("{} ({})", r.scenario, r.scenario_file),
        ),
        ("seed".into(), r.seed.to_string()),
        (
            "ticks".into(),
            format!("{} ({:?} pace, {} threads)", r.ticks, r.pace, r.threads),
        ),
        (
            "population".into(),
            format!(
                "{} at start, {} at end, {} at peak",
                r.population.initial, r.population.r#final, r.population.peak
            ),
        ),
    ];
    let kinds: Vec<String> = r
        .population
        .by_kind
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    rows.push(("  by kind".into(), kinds.join(", ")));
    rows.push((
        "births / deaths".into(),
        format!(
            "{} / {} ({} killed), {} arrivals, {} departures",
            r.totals.births,
            r.totals.deaths,
            r.totals.killed,
            r.totals.arrivals,
            r.totals.departures
        ),
    ));
    let acted: u64 = r.totals.actions.values().sum();
    rows.push((
        "actions".into(),
        format!(
            "{acted} applied, {} could not be carried out",
            r.totals.failed_actions
        ),
    ));
    rows.push((
        "tick time".into(),
        format!(
            "p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            r.tick_ms.p50, r.tick_ms.p99, r.tick_ms.max
        ),
    ));
    rows.push((
        "throughput".into(),
        format!(
            "{:.0} entity-ticks/s, {:.1} ticks/s",
            r.entity_ticks_per_sec, r.ticks_per_sec
        ),
    ));
    let mut kinds: Vec<(&String, &u64)> =
        r.events.by_kind.iter().filter(|(_, n)| **n > 0).collect();
    kinds.sort_by_key(|(k, n)| (std::cmp::Reverse(**n), *k));
    let top: Vec<String> = kinds
        .iter()
        .take(6)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    rows.push((
        "events".into(),
        format!("{} ({})", r.events.total, top.join(", ")),
    ));
    rows.push((
        "governance".into(),
        "permitted / mutated / denied, by rule".into(),
    ));
    for (rule, d) in &r.governance {
        rows.push((
            format!("  {rule}"),
            format!("{} / {} / {}", d.permitted, d.mutated, d.denied),
        ));
    }
    let c = &r.cascades;
    let deepest = c.depth_histogram.iter().rposition(|n| *n > 0).unwrap_or(0);
    let depths: Vec<String> = c.depth_histogram[..=deepest]
        .iter()
        .map(|n| n.to_string())
        .collect();
    rows.push((
        "cascades".into(),
        format!(
            "{} reactions, events by depth [{}], truncated {} (depth) + {} (budget)",
            c.reactions_run,
            depths.join(", "),
            c.truncated_by_depth,
            c.truncated_by_budget
        ),
    ));
    if let Some(n) = &r.narrative {
        let fulfilled = n.goals_where(
            None,
            Some(crate::core::agent::story::GoalOutcome::Fulfilled),
        );
        let check = if n.checked {
            format!("story check: {} findings", n.findings)
        } else {
            "story not checked (no store)".into()
        };
        rows.push((
            "narrative".into(),
            format!(
                "{} beats; goals {} adopted, {} fulfilled, {} active; {check}",
                n.beats.values().sum::<u64>(),
                n.goals_where(None, None),
                fulfilled,
                n.goals_active
            ),
        ));
        if !n.director.is_empty() {
            let zones: Vec<String> = n
                .director
                .iter()
                .map(|z| {
                    format!(
                        "{} {:.0}% in band ({}..{}), {} raids, {} festivals, {} plagues",
                        z.zone, z.time_in_band, z.low, z.high, z.raids, z.festivals, z.plagues
                    )
                })
                .collect();
            rows.push(("director".into(), zones.join("; ")));
        }
        if let Some(sift) = &n.sift {
            let found: Vec<String> = sift
                .found
                .iter()
                .filter(|(_, k)| **k > 0)
                .map(|(p, k)| format!("{p} {k}"))
                .collect();
            let found = if found.is_empty() {
                "none".to_string()
            } else {
                found.join(", ")
            };
            rows.push((
                "stories".into(),
                format!(
                    "{found}; pool peak {}, {} evicted",
                    sift.peak_pool, sift.evicted
                ),
            ));
        }
    }
    rows.push(("wall time".into(), format!("{:.2} s", r.wall_secs)));
    rows.push(("peak memory".into(), mib(r.peak_rss_bytes)));
    rows.push((
        "wealth".into(),
        format!(
            "{} held, {} in treasuries, conserved: {}",
            r.wealth.held_by_agents, r.wealth.in_treasuries, r.wealth.conserved
        ),
    ));
    rows.push(("final state hash".into(), r.final_state_hash.clone()));
    if let (Some(db), Some(last), Some(s)) = (&r.events_db, &r.last_hash, &r.store) {
        rows.push((
            "events.db".into(),
            format!("{db} ({} events)", s.events_written),
        ));
        rows.push(("last event hash".into(), last.clone()));
        rows.push((
            "store stall".into(),
            format!("{:.3} s over {} ticks", s.stall_secs, s.stalled_ticks),
        ));
    }
    for f in &r.faults {
        rows.push((format!("fault {} {}", f.index, f.fault), f.summary.clone()));
    }
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in rows {
        let _ = writeln!(out, "  {k:<width$}  {v}");
    }
    if !r.verdicts.is_empty() {
        let passed = r.verdicts.iter().filter(|v| v.passed).count();
        let _ = writeln!(out, "\n  checks: {passed} of {} passed", r.verdicts.len());
        for v in &r.verdicts {
            let _ = writeln!(
                out,
                "    {} {}  {} (expected {})",
                v.symbol(),
                v.name,
                v.measured,
                v.expected
            );
            if !v.detail.is_empty() {
                let _ = writeln!(out, "        {}", v.detail);
            }
        }
    }
    out
}
