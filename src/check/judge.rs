//! Judging a run. The [`Judge`] follows the run tick by tick (state
//! assertions `Always` or at a tick, the population seen, memory after the
//! warm-up, thresholds for `abort_on_fail`) and gives every assertion and
//! threshold its [`Verdict`] at the end, when the store is finished and can
//! be verified, replayed and queried.

use std::path::Path;

use bevy::prelude::*;

use super::measure::{PopulationSeen, describe, value};
use super::query::{client_value, kind_matches, state};
use crate::assault::AssaultReport;
use crate::core::SimClock;
use crate::core::agent::intent::ActionKind;
use crate::core::agent::kinds::AgentKind;
use crate::core::scenario::Scenario;
use crate::core::scenario::checks::{Assertion, Bound, DecisionKind, Outcome, When};
use crate::core::scenario::thresholds::Threshold;
use crate::core::scenario::{CheckKind, Verdict};
use crate::govern::GovernStats;
use crate::population::ActionTally;
use crate::record::memory::current_rss_bytes;

/// How often thresholds are judged mid-run when the scenario aborts on failure.
const ABORT_EVERY: u64 = 10;

pub struct Judge {
    assertions: Vec<Assertion>,
    thresholds: Vec<Threshold>,
    abort_on_fail: bool,
    /// Verdicts decided during the run (by assertion index).
    early: Vec<Option<Verdict>>,
    population: PopulationSeen,
    /// Resident memory at the end of each memory assertion's warm-up.
    warm_rss: Vec<Option<u64>>,
    /// Resident memory after the latest tick, when a memory assertion
    /// measures growth: the end of the run is its last tick, not the
    /// verification and replay that judging does afterwards.
    last_rss: Option<u64>,
    /// The threshold that stopped the run, if one did.
    aborted: Option<Verdict>,
}

pub(super) fn verdict(
    kind: CheckKind,
    name: &str,
    passed: bool,
    measured: String,
    expected: String,
    tick: u64,
) -> Verdict {
    Verdict {
        kind,
        name: name.to_string(),
        passed,
        measured,
        expected,
        detail: String::new(),
        tick,
    }
}

impl Judge {
    /// The scenario's checks (validated when it loaded).
    pub fn new(s: &Scenario) -> Judge {
        Judge {
            assertions: s.assertions.clone(),
            thresholds: crate::core::scenario::thresholds(s).unwrap_or_default(),
            abort_on_fail: s.abort_on_fail,
            early: vec![None; s.assertions.len()],
            population: PopulationSeen::default(),
            warm_rss: vec![None; s.assertions.len()],
            last_rss: None,
            aborted: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.assertions.is_empty() && self.thresholds.is_empty()
    }

    /// Follows one finished tick; `true` if a threshold failed and the
    /// scenario asked to abort on failure.
    pub fn after_tick(&mut self, world: &mut World) -> bool {
        let tick = world.resource::<SimClock>().tick;
        self.population
            .add(world.resource::<crate::population::Census>().total());
        let growth = self.assertions.iter().any(|a| {
            matches!(
                a,
                Assertion::Memory {
                    growth_pct: Some(_),
                    ..
                }
            )
        });
        if growth {
            self.last_rss = current_rss_bytes();
        }
        for i in 0..self.assertions.len() {
            match &self.assertions[i] {
                Assertion::State {
                    name,
                    measure,
                    filter,
                    expect,
                    when,
                } if self.early[i].is_none() => {
                    let due = match when {
                        When::Always => true,
                        When::Tick(t) => *t == tick,
                        When::End => false,
                    };
                    if !due {
                        continue;
                    }
                    let bound = Bound::parse(expect).unwrap_or(Bound {
                        op: crate::core::scenario::checks::Op::Eq,
                        value: f64::NAN,
                    });
                    let v = state(world, *measure, filter);
                    let passed = bound.holds(v);
                    // `Always` is decided by its first failure (or at the end).
                    if !passed || matches!(when, When::Tick(_)) {
                        let mut out = verdict(
                            CheckKind::Assertion,
                            name,
                            passed,
                            format!("{v} at tick {tick}"),
                            bound.describe(),
                            tick,
                        );
                        if !passed && matches!(when, When::Always) {
                            out.detail = format!("first broken at tick {tick}");
                        }
                        self.early[i] = Some(out);
                    }
                }
                Assertion::Memory { warm_up_ticks, .. } if *warm_up_ticks == tick => {
                    self.warm_rss[i] = current_rss_bytes();
                }
                _ => {}
            }
        }
        if self.abort_on_fail && tick.is_multiple_of(ABORT_EVERY) {
            for t in &self.thresholds {
                let v = value(world, t, &self.population, None);
                if !t.bound.holds(v) {
                    let mut out = verdict(
                        CheckKind::Threshold,
                        &t.text,
                        false,
                        describe(t, v),
                        t.bound.describe(),
                        tick,
                    );
                    out.detail = format!("aborted the run at tick {tick}");
                    self.aborted = Some(out);
                    return true;
                }
            }
        }
        false
    }

    /// Every verdict, assertions first (in the order written), then
    /// thresholds. `store`: the finished `events.db`, if recorded.
    pub fn finish(
        self,
        world: &mut World,
        store: Option<&Path>,
        stall_ms: Option<f64>,
        threads: Option<usize>,
        clients: Option<&AssaultReport>,
        narrative: Option<&super::NarrativeReport>,
    ) -> Vec<Verdict> {
        let tick = world.resource::<SimClock>().tick;
        let mut out = Vec::new();
        for (i, a) in self.assertions.iter().enumerate() {
            if let Some(v) = self.early[i].clone() {
                out.push(v);
                continue;
            }
            out.push(match a {
                Assertion::State {
                    name,
                    measure,
                    filter,
                    expect,
                    when,
                } => {
                    let bound = Bound::parse(expect).unwrap_or(Bound {
                        op: crate::core::scenario::checks::Op::Eq,
                        value: f64::NAN,
                    });
                    match when {
                        When::Tick(t) => {
                            let mut v = verdict(
                                CheckKind::Assertion,
                                name,
                                false,
                                "never judged".into(),
                                bound.describe(),
                                tick,
                            );
                            v.detail = format!("the run ended at tick {tick}, before tick {t}");
                            v
                        }
                        _ => {
                            let v = state(world, *measure, filter);
                            verdict(
                                CheckKind::Assertion,
                                name,
                                bound.holds(v),
                                format!("{v}"),
                                bound.describe(),
                                tick,
                            )
                        }
                    }
                }
                Assertion::Action {
                    name,
                    action,
                    outcome,
                    by,
                    expect,
                } => {
                    let bound = Bound::parse(expect).unwrap_or(Bound {
                        op: crate::core::scenario::checks::Op::Eq,
                        value: f64::NAN,
                    });
                    let tally = world.resource::<ActionTally>();
                    let table = match outcome {
                        Outcome::Executed => &tally.executed,
                        Outcome::Denied => &tally.denied,
                    };
                    let a = ActionKind::ALL
                        .iter()
                        .position(|k| k.as_str() == action)
                        .unwrap_or(0);
                    let n: u64 = AgentKind::all()
                        .filter(|k| by.as_deref().is_none_or(|b| kind_matches(b, *k)))
                        .map(|k| table[k.index()][a])
                        .sum();
                    let what = match outcome {
                        Outcome::Executed => "executed",
                        Outcome::Denied => "denied",
                    };
                    let who = by.as_deref().map_or(String::new(), |b| format!(" by {b}"));
                    verdict(
                        CheckKind::Assertion,
                        name,
                        bound.holds(n as f64),
                        format!("{action} {what}{who} {n} times"),
                        bound.describe(),
                        tick,
                    )
                }
                Assertion::Governance {
                    name,
                    rule,
                    decision,
                    expect,
                } => {
                    let bound = Bound::parse(expect).unwrap_or(Bound {
                        op: crate::core::scenario::checks::Op::Eq,
                        value: f64::NAN,
                    });
                    let d = world
                        .resource::<GovernStats>()
                        .by_rule()
                        .get(rule)
                        .copied()
                        .unwrap_or_default();
                    let (n, word) = match decision {
                        DecisionKind::Permitted => (d.permitted, "permitted"),
                        DecisionKind::Mutated => (d.mutated, "mutated"),
                        DecisionKind::Denied => (d.denied, "denied"),
                    };
                    verdict(
                        CheckKind::Assertion,
                        name,
                        bound.holds(n as f64),
                        format!("{rule} {word} {n}"),
                        bound.describe(),
                        tick,
                    )
                }
                Assertion::Timing {
                    name,
                    first,
                    then,
                    within_ticks,
                } => super::store_checks::timing(name, store, first, then, *within_ticks, tick),
                Assertion::Integrity {
                    name,
                    verify,
                    replay,
                } => super::store_checks::integrity(name, store, *verify, *replay, threads, tick),
                Assertion::Message { name, .. } => {
                    crate::actor::report::message_verdict(world, name, tick).unwrap_or_else(|| {
                        verdict(
                            CheckKind::Assertion,
                            name,
                            false,
                            "never followed".into(),
                            "a message".into(),
                            tick,
                        )
                    })
                }
                Assertion::Narrative {
                    name,
                    measure,
                    expect,
                } => super::narrative::judge(name, *measure, expect, narrative, tick),
                Assertion::Director {
                    name,
                    zone,
                    measure,
                    expect,
                } => super::director::judge(name, zone, *measure, expect, narrative, tick),
                Assertion::Sifted {
                    name,
                    pattern,
                    expect,
                } => super::sift::judge(name, pattern, expect, narrative, tick),
                Assertion::Memory {
                    name,
                    peak_mib,
                    growth_pct,
                    ..
                } => {
                    let peak =
                        crate::record::memory::peak_rss_bytes().unwrap_or(0) as f64 / 1048576.0;
                    let now = self.last_rss.or_else(current_rss_bytes).unwrap_or(0) as f64;
                    let mut passed = true;
                    let mut measured = Vec::new();
                    let mut expected = Vec::new();
                    if let Some(limit) = peak_mib {
                        passed &= peak <= *limit;
                        measured.push(format!("peak {peak:.1} MiB"));
                        expected.push(format!("peak <= {limit} MiB"));
                    }
                    if let Some(limit) = growth_pct {
                        let growth = self.warm_rss[i]
                            .filter(|w| *w > 0)
                            .map(|w| (now / w as f64 - 1.0) * 100.0);
                        passed &= growth.is_some_and(|g| g <= *limit);
                        measured.push(
                            growth.map_or("growth unknown (no RSS reading)".into(), |g| {
                                format!("growth {g:.1}%")
                            }),
                        );
                        expected.push(format!("growth <= {limit}%"));
                    }
                    verdict(
                        CheckKind::Assertion,
                        name,
                        passed,
                        measured.join(", "),
                        expected.join(", "),
                        tick,
                    )
                }
            });
        }
        out.extend(crate::actor::report::actor_verdicts(world, tick));
        for t in &self.thresholds {
            if let Some(a) = self.aborted.as_ref().filter(|a| a.name == t.text) {
                out.push(a.clone());
                continue;
            }
            let v = if t.metric.of_clients() {
                client_value(t, clients)
            } else {
                value(world, t, &self.population, stall_ms)
            };
            out.push(verdict(
                CheckKind::Threshold,
                &t.text,
                t.bound.holds(v),
                describe(t, v),
                t.bound.describe(),
                tick,
            ));
        }
        out
    }
}
