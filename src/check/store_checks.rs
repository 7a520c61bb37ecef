//! The assertions judged from the finished `events.db`: integrity (the
//! chain verifies, the run replays) and timing (causes followed by their
//! effects in time). Reading the store rather than memory means they judge
//! exactly what was recorded — the evidence a user gets.

use std::collections::HashMap;
use std::path::Path;

use crate::core::scenario::{CheckKind, Verdict};
use crate::run::replay::replay;
use crate::store::recording::Outcome;
use crate::store::verify::{Verdict as Chain, open_read_only, verify};

fn failed(name: &str, measured: String, expected: &str, tick: u64) -> Verdict {
    Verdict {
        kind: CheckKind::Assertion,
        name: name.into(),
        passed: false,
        measured,
        expected: expected.into(),
        detail: String::new(),
        tick,
    }
}

pub fn integrity(
    name: &str,
    store: Option<&Path>,
    check_chain: bool,
    check_replay: bool,
    threads: Option<usize>,
    tick: u64,
) -> Verdict {
    let expected = match (check_chain, check_replay) {
        (true, true) => "chain intact, replay identical",
        (true, false) => "chain intact",
        _ => "replay identical",
    };
    let Some(db) = store else {
        return failed(
            name,
            "no events.db (run with the store)".into(),
            expected,
            tick,
        );
    };
    let mut measured = Vec::new();
    let mut passed = true;
    if check_chain {
        match verify(db) {
            Ok(Chain::Intact {
                events, complete, ..
            }) => {
                measured.push(format!("chain intact ({events} events)"));
                passed &= complete;
            }
            Ok(other) => {
                passed = false;
                measured.push(format!("chain broken: {other:?}"));
            }
            Err(e) => {
                passed = false;
                measured.push(format!("cannot verify: {e}"));
            }
        }
    }
    if check_replay {
        match replay(db, threads) {
            Ok(Outcome::Identical { ticks, .. }) => {
                measured.push(format!("replay identical ({ticks} ticks)"))
            }
            Ok(Outcome::Diverged(d)) => {
                passed = false;
                measured.push(format!(
                    "replay diverged at tick {} seq {}: expected {}, got {}",
                    d.tick, d.seq, d.expected, d.actual
                ));
            }
            Err(e) => {
                passed = false;
                measured.push(format!("cannot replay: {e}"));
            }
        }
    }
    Verdict {
        kind: CheckKind::Assertion,
        name: name.into(),
        passed,
        measured: measured.join("; "),
        expected: expected.into(),
        detail: String::new(),
        tick,
    }
}

/// From the store: the `first` events (seq, tick), every event's (tick,
/// cause) by seq, and the `then` events' seqs.
type Causality = (Vec<(u64, u64)>, HashMap<u64, (u64, Option<u64>)>, Vec<u64>);

/// Every `first` event has a `then` event among its effects within
/// `within` ticks. Events too close to the end to have had the time are
/// not counted against it.
pub fn timing(
    name: &str,
    store: Option<&Path>,
    first: &str,
    then: &str,
    within: u64,
    tick: u64,
) -> Verdict {
    let expected = format!("every {first} followed by {then} within {within} ticks");
    let Some(db) = store else {
        return failed(
            name,
            "no events.db (run with the store)".into(),
            &expected,
            tick,
        );
    };
    let read = || -> rusqlite::Result<Causality> {
        let conn = open_read_only(db).map_err(|_| rusqlite::Error::InvalidQuery)?;
        // Only what the walk needs: seq → (tick, cause), firsts and thens.
        let mut stmt = conn.prepare("SELECT seq, tick, kind, cause FROM events ORDER BY seq")?;
        let mut firsts = Vec::new();
        let mut nodes = HashMap::new();
        let mut thens = Vec::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)? as u64,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?.map(|c| c as u64),
            ))
        })?;
        for row in rows {
            let (seq, t, kind, cause) = row?;
            nodes.insert(seq, (t, cause));
            if kind == first {
                firsts.push((seq, t));
            }
            if kind == then {
                thens.push(seq);
            }
        }
        Ok((firsts, nodes, thens))
    };
    let (firsts, nodes, thens) = match read() {
        Ok(x) => x,
        Err(e) => return failed(name, format!("cannot read events.db: {e}"), &expected, tick),
    };
    let mut followed = std::collections::HashSet::new();
    for seq in thens {
        let Some(&(t_then, mut cause)) = nodes.get(&seq) else {
            continue;
        };
        // Walk up the causes (bounded by the depth limit in practice; by
        // the seq ordering always: a cause has a smaller seq).
        let mut guard = 0;
        while let Some(c) = cause.filter(|_| guard < 64) {
            guard += 1;
            let Some(&(t_cause, up)) = nodes.get(&c) else {
                break;
            };
            if t_then <= t_cause + within {
                followed.insert(c);
            }
            cause = up.filter(|u| *u < c);
        }
    }
    let judged: Vec<u64> = firsts
        .iter()
        .filter(|(_, t)| t + within <= tick)
        .map(|(s, _)| *s)
        .collect();
    let missing: Vec<u64> = judged
        .iter()
        .copied()
        .filter(|s| !followed.contains(s))
        .collect();
    let mut v = Verdict {
        kind: CheckKind::Assertion,
        name: name.into(),
        passed: missing.is_empty(),
        measured: format!(
            "{} of {} {first} events followed",
            judged.len() - missing.len(),
            judged.len()
        ),
        expected,
        detail: String::new(),
        tick,
    };
    if let Some(s) = missing.first() {
        v.detail = format!("first not followed: seq {s} (seedsim events <events.db> --chain {s})");
    }
    v
}
