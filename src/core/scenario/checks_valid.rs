//! A scenario's assertions and thresholds, checked when it loads: every
//! name they refer to (event and action kinds, rules in force, profiles,
//! actors, zones) must exist, and every expression must parse. Errors are
//! (field path, message).

use super::Scenario;
use super::checks::{Assertion, Bound};
use super::policies::PolicySet;
use super::thresholds::{self as threshold, Threshold};
use crate::core::agent::Profile;
use crate::core::agent::intent::ActionKind;
use crate::core::agent::kinds::AgentKind;
use crate::core::event::EVENT_KINDS;

/// The scenario's thresholds, parsed (in key order, then as written).
pub fn thresholds(s: &Scenario) -> Result<Vec<Threshold>, (String, String)> {
    let rules: Vec<String> = PolicySet::with(s.policies.as_ref())
        .rules
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let actions: Vec<&str> = ActionKind::ALL.iter().map(|a| a.as_str()).collect();
    let vocab = threshold::Vocabulary {
        event_kinds: &EVENT_KINDS,
        action_kinds: &actions,
        rules: &rules,
        profiles: &[],
        clients: false,
    };
    let mut out = Vec::new();
    let profiles: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
    let vocab = threshold::Vocabulary {
        profiles: &profiles,
        clients: s.clients.is_some(),
        ..vocab
    };
    for (key, exprs) in &s.thresholds {
        out.extend(
            threshold::parse(key, exprs, &vocab)
                .map_err(|m| (format!("thresholds[{key:?}]"), m))?,
        );
    }
    Ok(out)
}

/// Checks every name an assertion or threshold refers to. Errors are
/// (field path, message).
pub fn validate(s: &Scenario) -> Result<(), (String, String)> {
    thresholds(s)?;
    let rules = PolicySet::with(s.policies.as_ref());
    let kind_ok = |k: &str| k == "player" || k == "npc" || AgentKind::all().any(|a| a.name() == k);
    let mut names = std::collections::BTreeSet::new();
    for (i, a) in s.assertions.iter().enumerate() {
        let at = |field: &str| format!("assertions[{i}].{field}");
        let bad = |field: &str, m: String| Err((at(field), m));
        if a.name().trim().is_empty() {
            return bad("name", "an assertion needs a name".into());
        }
        if !names.insert(a.name().to_string()) {
            return bad("name", format!("{:?} names two assertions", a.name()));
        }
        match a {
            Assertion::State { filter, expect, .. } => {
                Bound::parse(expect).map_err(|m| (at("expect"), m))?;
                if let Some(k) = &filter.kind
                    && !kind_ok(k)
                {
                    return bad("filter.kind", format!("no kind {k:?}"));
                }
                if let Some(z) = &filter.zone
                    && !s.zones.iter().any(|zone| zone.name == *z)
                {
                    return bad("filter.zone", format!("no zone {z:?}"));
                }
            }
            Assertion::Action {
                action, by, expect, ..
            } => {
                Bound::parse(expect).map_err(|m| (at("expect"), m))?;
                if !ActionKind::ALL.iter().any(|k| k.as_str() == action) {
                    return bad("action", format!("no action kind {action:?}"));
                }
                if let Some(k) = by
                    && !kind_ok(k)
                {
                    return bad("by", format!("no kind {k:?}"));
                }
            }
            Assertion::Narrative { expect, .. } => {
                Bound::parse(expect).map_err(|m| (at("expect"), m))?;
            }
            Assertion::Director { zone, expect, .. } => {
                Bound::parse(expect).map_err(|m| (at("expect"), m))?;
                if s.director.is_none() {
                    return bad("zone", "the scenario has no director".into());
                }
                if !s.zones.iter().any(|z| z.name == *zone) {
                    return bad("zone", format!("no zone {zone:?}"));
                }
            }
            Assertion::Sifted {
                pattern, expect, ..
            } => {
                Bound::parse(expect).map_err(|m| (at("expect"), m))?;
                let pack = s.narrative_pack();
                if !pack.patterns.iter().any(|p| p.name == *pattern) {
                    let known: Vec<&str> = pack.patterns.iter().map(|p| p.name.as_str()).collect();
                    return bad(
                        "pattern",
                        format!(
                            "no pattern {pattern:?} in the narrative pack in force (it has: {})",
                            known.join(", ")
                        ),
                    );
                }
            }
            Assertion::Governance { rule, expect, .. } => {
                Bound::parse(expect).map_err(|m| (at("expect"), m))?;
                if !rules.rules.iter().any(|p| p.name == *rule) {
                    return bad("rule", format!("no rule {rule:?} in the policies in force"));
                }
            }
            Assertion::Timing { first, then, .. } => {
                for (field, k) in [("first", first), ("then", then)] {
                    if !EVENT_KINDS.contains(&k.as_str()) {
                        return bad(field, format!("no event kind {k:?}"));
                    }
                }
            }
            Assertion::Integrity { verify, replay, .. } => {
                if !verify && !replay {
                    return bad(
                        "verify",
                        "an integrity assertion must verify or replay".into(),
                    );
                }
            }
            Assertion::Message {
                actor, from, regex, ..
            } => {
                let known = |n: &str| s.actors.iter().any(|a| a.name == n);
                if !known(actor) {
                    return bad("actor", format!("no actor {actor:?} in this scenario"));
                }
                if let Some(f) = from
                    && !known(f)
                {
                    return bad("from", format!("no actor {f:?} in this scenario"));
                }
                if let Some(r) = regex {
                    regex::Regex::new(r).map_err(|e| (at("regex"), e.to_string()))?;
                }
            }
            Assertion::Memory {
                peak_mib,
                growth_pct,
                warm_up_ticks,
                ..
            } => {
                if peak_mib.is_none() && growth_pct.is_none() {
                    return bad(
                        "peak_mib",
                        "a memory assertion needs peak_mib or growth_pct".into(),
                    );
                }
                if growth_pct.is_some() && *warm_up_ticks >= s.ticks.0 {
                    return bad(
                        "warm_up_ticks",
                        "the warm-up must end before the run does".into(),
                    );
                }
            }
        }
    }
    Ok(())
}
