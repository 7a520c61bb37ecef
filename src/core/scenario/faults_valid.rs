//! A scenario's faults, checked when it loads: each error is (field path,
//! message) with the path as the user wrote it, e.g.
//! `faults[2].fault.fraction`.

use super::Scenario;
use super::faults::Fault;

/// Longest writer stall per batch (a minute): beyond that a run looks hung.
pub const MAX_STALL_MS: u64 = 60_000;
/// Longest ingress delay a client frame may be given.
pub const MAX_DELAY_MS: u64 = 10_000;

pub fn validate(s: &Scenario) -> Result<(), (String, String)> {
    for (i, spec) in s.faults.iter().enumerate() {
        let at = |field: &str| format!("faults[{i}].{field}");
        let bad = |field: &str, m: String| Err((at(field), m));
        let t = spec.at;
        if t.from == 0 {
            return bad(
                "at",
                "tick 0 is the initial state: faults happen from tick 1".into(),
            );
        }
        if t.to < t.from {
            return bad(
                "at",
                format!("({}, {}) ends before it starts", t.from, t.to),
            );
        }
        if t.to > s.ticks.0 {
            return bad(
                "at",
                format!("tick {} is past the run's end (ticks: {})", t.to, s.ticks.0),
            );
        }
        let f = &spec.fault;
        if f.is_instant() && !t.is_single() {
            return bad(
                "at",
                format!("a {} happens at one tick, not over a range", f.name()),
            );
        }
        if f.needs_server() && s.clients.is_none() {
            let what = if f.on_links() {
                "acts on client links"
            } else {
                "restarts the run's server"
            };
            return bad(
                "fault",
                format!("{} {what}: the scenario needs `clients`", f.name()),
            );
        }
        let earlier_restart = s.faults[..i]
            .iter()
            .any(|e| e.fault == Fault::Restart && e.at.from == t.from);
        if matches!(f, Fault::Restart) && earlier_restart {
            return bad(
                "at",
                format!("another restart is already at tick {}", t.from),
            );
        }
        if matches!(f, Fault::Restart) && !s.actors.is_empty() {
            // A rebuild replays the store, and a replay takes the actors'
            // inputs from the record instead of running their scripts: their
            // memory and progress would not survive it.
            return bad(
                "fault",
                "a restart rebuilds the world by replay, which does not resume scripted actors: \
                 a scenario with `actors` cannot restart"
                    .into(),
            );
        }
        let share = |field: &str, v: f32| {
            if v.is_finite() && (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err((
                    at(&format!("fault.{field}")),
                    format!("{v} is out of range: expected a number in [0, 1]"),
                ))
            }
        };
        match f {
            Fault::Cataclysm { zone, fraction } => {
                if !s.zones.iter().any(|z| z.name == *zone) {
                    let names: Vec<&str> = s.zones.iter().map(|z| z.name.as_str()).collect();
                    return bad(
                        "fault.zone",
                        format!("no zone is named {zone:?} (zones: {})", names.join(", ")),
                    );
                }
                share("fraction", *fraction)?;
            }
            Fault::StallWriter { ms } => {
                if *ms == 0 || *ms > MAX_STALL_MS {
                    return bad(
                        "fault.ms",
                        format!("{ms} is out of range: expected 1 to {MAX_STALL_MS} ms"),
                    );
                }
            }
            Fault::Disconnect { fraction } => share("fraction", *fraction)?,
            Fault::Network {
                delay_ms,
                drop,
                duplicate,
            } => {
                if *delay_ms > MAX_DELAY_MS {
                    return bad(
                        "fault.delay_ms",
                        format!("{delay_ms} is out of range: at most {MAX_DELAY_MS} ms"),
                    );
                }
                share("drop", *drop)?;
                share("duplicate", *duplicate)?;
            }
            Fault::Malformed { rate } => share("rate", *rate)?,
            Fault::SlowConsumers { fraction } => share("fraction", *fraction)?,
            Fault::Restart => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::core::scenario::parse_str;

    const BASE: &str = r#"Scenario(name: "f", seed: 1, ticks: 100,
        world: (size: (100.0, 100.0)),
        zones: [(name: "village", realm: data, rect: (0.0, 0.0, 100.0, 100.0))],
        population: (groups: [(kind: villager, count: 10)]),
        CLIENTS
        faults: [FAULTS],
    )"#;

    fn load(faults: &str, clients: bool) -> Result<(), String> {
        let text = BASE
            .replace("FAULTS", faults)
            .replace("CLIENTS", if clients { "clients: (count: 2)," } else { "" });
        parse_str("f.ron", &text)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn sound_faults_load() {
        load(
            r#"(at: 50, fault: Cataclysm(zone: "village", fraction: 0.5)),
               (at: (10, 20), fault: StallWriter(ms: 30))"#,
            false,
        )
        .expect("loads");
        load(
            r#"(at: 5, fault: Disconnect(fraction: 0.3)),
               (at: (5, 9), fault: Network(delay_ms: 50, drop: 0.1, duplicate: 0.1)),
               (at: (5, 9), fault: Malformed(rate: 0.1)),
               (at: (5, 9), fault: SlowConsumers(fraction: 0.2)),
               (at: 20, fault: Restart), (at: 40, fault: Restart)"#,
            true,
        )
        .expect("loads");
    }

    #[test]
    fn each_mistake_names_its_field() {
        let cases = [
            (
                r#"(at: 5, fault: StallWriter(ms: 1)), (at: 5, fault: Cataclysm(zone: "nowhere", fraction: 0.5))"#,
                "faults[1].fault.zone: no zone is named \"nowhere\"",
            ),
            (
                r#"(at: 5, fault: Cataclysm(zone: "village", fraction: 1.5))"#,
                "faults[0].fault.fraction: 1.5 is out of range",
            ),
            (
                r#"(at: (20, 10), fault: StallWriter(ms: 5))"#,
                "faults[0].at: (20, 10) ends before it starts",
            ),
            (
                r#"(at: 101, fault: StallWriter(ms: 5))"#,
                "faults[0].at: tick 101 is past the run's end",
            ),
            (
                r#"(at: (5, 9), fault: Cataclysm(zone: "village", fraction: 0.5))"#,
                "faults[0].at: a cataclysm happens at one tick",
            ),
            (
                r#"(at: 5, fault: Disconnect(fraction: 0.5))"#,
                "faults[0].fault: disconnect acts on client links",
            ),
            (
                r#"(at: 5, fault: Restart)"#,
                "faults[0].fault: restart restarts the run's server: the scenario needs `clients`",
            ),
            (
                r#"(at: 5, fault: StallWriter(ms: 0))"#,
                "faults[0].fault.ms: 0 is out of range",
            ),
        ];
        for (faults, expect) in cases {
            let err = load(faults, false).expect_err(faults);
            assert!(err.contains(expect), "{faults}\n  got: {err}");
        }
        let err = load(r#"(at: 5, fault: Malformed(rate: -0.1))"#, true).expect_err("rate");
        assert!(err.contains("faults[0].fault.rate"), "{err}");
        let err = load(r#"(at: (5, 9), fault: Restart)"#, true).expect_err("range");
        assert!(err.contains("a restart happens at one tick"), "{err}");
        let err =
            load(r#"(at: 5, fault: Restart), (at: 5, fault: Restart)"#, true).expect_err("twice");
        assert!(
            err.contains("faults[1].at: another restart is already at tick 5"),
            "{err}"
        );
    }
}
