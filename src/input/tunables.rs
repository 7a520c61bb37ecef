//! The tunable parameters as the admin API shows and changes them: a JSON
//! view of [`SimParams`]. A change is a partial object (only the fields to
//! change); every door (`PUT /api/tunables`, the window's Tunables panel)
//! checks it with [`check`] before anything changes and queues it typed,
//! as `Input::Tune`; the Input stage of a tick applies it and the store
//! records it, so a replay changes the same parameters at the same tick.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::core::agent::kinds::{Activity, AgentKind};
use crate::core::scenario::PolicySet;
use crate::core::scenario::goals::MAX_GOAL_STRENGTH;
use crate::core::scenario::limits::{MAX_ARRIVALS_PER_TICK, MAX_POPULATION, MAX_RATE, MAX_WEIGHT};
use crate::population::SimParams;

/// Every tunable; in a change, absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tunables {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_rate: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_rate: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub players_per_tick: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_players: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monsters_per_tick: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_monsters: Option<u32>,
    /// Cascade depth limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth_limit: Option<u8>,
    /// Most reactions per tick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick_budget: Option<u32>,
    /// Behaviour weights: kind name → activity name → weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<BTreeMap<String, BTreeMap<String, f32>>>,
    /// The governance policies in force (replaced whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<PolicySet>,
    /// Whether goals steer lives (Warbler keeps telling and adopting them
    /// either way; off, the brain ignores them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<bool>,
    /// How far a goal's bias moves the brain's weights (1: as the pack says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal_strength: Option<f32>,
}

#[derive(Debug, Error, PartialEq)]
#[error("{field}: {message}")]
pub struct TunablesError {
    /// The offending field, as a path (`weights.merchant.trade`).
    pub field: String,
    pub message: String,
}

fn bad(field: impl Into<String>, message: impl Into<String>) -> TunablesError {
    TunablesError {
        field: field.into(),
        message: message.into(),
    }
}

/// The one check of a change from outside: parsed (naming a wrong or
/// unknown field), then applied to a copy of `params`. Gives the change,
/// typed, and the parameters it would make.
pub fn check(
    patch: serde_json::Value,
    params: &SimParams,
) -> Result<(Tunables, SimParams), TunablesError> {
    let change = Tunables::parse(patch)?;
    let tuned = change.applied_to(params)?;
    Ok((change, tuned))
}

impl Tunables {
    /// All of `params`.
    pub fn of(params: &SimParams) -> Tunables {
        let weights = AgentKind::all()
            .map(|k| {
                let row = params.weights_of(k);
                let named = Activity::ALL
                    .iter()
                    .map(|a| (a.as_str().to_string(), row[*a as usize]))
                    .collect();
                (k.name().to_string(), named)
            })
            .collect();
        Tunables {
            birth_rate: Some(params.birth_rate),
            death_rate: Some(params.death_rate),
            players_per_tick: Some(params.players_per_tick),
            max_players: Some(params.max_players),
            monsters_per_tick: Some(params.monsters_per_tick),
            max_monsters: Some(params.max_monsters),
            depth_limit: Some(params.depth_limit),
            tick_budget: Some(params.tick_budget),
            weights: Some(weights),
            policies: Some(params.policies.clone()),
            goals: Some(params.goals.on),
            goal_strength: Some(params.goals.strength),
        }
    }

    /// Parses a change from JSON, naming the field that is wrong.
    pub fn parse(value: serde_json::Value) -> Result<Tunables, TunablesError> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            // The path names the field, an unknown one included.
            let field = e.path().to_string();
            bad(field, e.into_inner().to_string())
        })
    }

    /// `params` with this change applied, or what is wrong with it.
    pub fn applied_to(&self, params: &SimParams) -> Result<SimParams, TunablesError> {
        let mut p = params.clone();
        let rate = |name: &str, v: Option<f32>, max: f32| -> Result<Option<f32>, TunablesError> {
            match v {
                Some(x) if !(x.is_finite() && (0.0..=max).contains(&x)) => {
                    Err(bad(name, format!("must be a number from 0 to {max}")))
                }
                other => Ok(other),
            }
        };
        if let Some(x) = rate("birth_rate", self.birth_rate, MAX_RATE)? {
            p.birth_rate = x;
        }
        if let Some(x) = rate("death_rate", self.death_rate, MAX_RATE)? {
            if x == 0.0 {
                return Err(bad("death_rate", "must be above 0 (it divides lifespans)"));
            }
            p.death_rate = x;
        }
        if let Some(x) = rate(
            "players_per_tick",
            self.players_per_tick,
            MAX_ARRIVALS_PER_TICK,
        )? {
            p.players_per_tick = x;
        }
        if let Some(x) = rate(
            "monsters_per_tick",
            self.monsters_per_tick,
            MAX_ARRIVALS_PER_TICK,
        )? {
            p.monsters_per_tick = x;
        }
        p.max_players = self.max_players.unwrap_or(p.max_players);
        p.max_monsters = self.max_monsters.unwrap_or(p.max_monsters);
        let caps = p.max_players as u64 + p.max_monsters as u64;
        if caps > MAX_POPULATION {
            let field = if self.max_players.is_some() {
                "max_players"
            } else {
                "max_monsters"
            };
            return Err(bad(
                field,
                format!("max_players + max_monsters would be {caps}; at most {MAX_POPULATION}"),
            ));
        }
        p.goals.on = self.goals.unwrap_or(p.goals.on);
        if let Some(x) = rate("goal_strength", self.goal_strength, MAX_GOAL_STRENGTH)? {
            p.goals.strength = x;
        }
        p.depth_limit = self.depth_limit.unwrap_or(p.depth_limit);
        if let Some(budget) = self.tick_budget {
            if budget == 0 {
                return Err(bad("tick_budget", "must be at least 1"));
            }
            p.tick_budget = budget;
        }
        for (kind_name, row) in self.weights.iter().flatten() {
            let kind = AgentKind::all()
                .find(|k| k.name() == kind_name)
                .ok_or_else(|| bad(format!("weights.{kind_name}"), "no such kind"))?;
            for (activity_name, w) in row {
                let field = format!("weights.{kind_name}.{activity_name}");
                let activity = Activity::ALL
                    .iter()
                    .find(|a| a.as_str() == activity_name)
                    .ok_or_else(|| bad(&field, "no such activity"))?;
                if !(w.is_finite() && (0.0..=MAX_WEIGHT).contains(w)) {
                    return Err(bad(
                        &field,
                        format!("must be a number from 0 to {MAX_WEIGHT}"),
                    ));
                }
                p.weights[kind.index()][*activity as usize] = *w;
            }
            if p.weights[kind.index()].iter().sum::<f32>() <= 0.0 {
                return Err(bad(
                    format!("weights.{kind_name}"),
                    "every weight of this kind would be 0: it could never do anything",
                ));
            }
        }
        if let Some(policies) = &self.policies {
            policies
                .check()
                .map_err(|(i, message)| bad(format!("policies.rules[{i}]"), message))?;
            p.policies = policies.clone();
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::load_file;

    fn params() -> SimParams {
        let (s, _) = load_file(std::path::Path::new("scenarios/smoke.ron")).unwrap();
        SimParams::from_scenario(&s)
    }

    #[test]
    fn a_full_view_applies_as_a_no_op() {
        let p = params();
        let view = Tunables::of(&p);
        let json = serde_json::to_value(&view).unwrap();
        let back = Tunables::parse(json).unwrap();
        assert_eq!(back.applied_to(&p).unwrap(), p);
    }

    #[test]
    fn changes_apply_and_bad_ones_name_their_field() {
        let p = params();
        let change = Tunables::parse(
            serde_json::json!({"birth_rate": 2.5, "weights": {"merchant": {"trade": 0.5}}}),
        )
        .unwrap();
        let q = change.applied_to(&p).unwrap();
        assert_eq!(q.birth_rate, 2.5);
        assert_ne!(q, p);
        let e = Tunables::parse(serde_json::json!({"birth_rat": 1})).unwrap_err();
        assert_eq!(e.field, "birth_rat", "{e}");
        let e = Tunables::parse(serde_json::json!({"birth_rate": "high"})).unwrap_err();
        assert_eq!(e.field, "birth_rate");
        let e = Tunables::parse(serde_json::json!({"death_rate": -1.0}))
            .unwrap()
            .applied_to(&p)
            .unwrap_err();
        assert_eq!(e.field, "death_rate");
        // The limits scenario files have: no more agents than a file may
        // hold, no weights that sum past any number.
        let e = Tunables::parse(
            serde_json::json!({"players_per_tick": 10000, "max_players": 4294967295u64}),
        )
        .unwrap()
        .applied_to(&p)
        .unwrap_err();
        assert_eq!(e.field, "max_players", "{e}");
        let e = Tunables::parse(serde_json::json!({"weights": {"merchant": {"trade": 3.0e38}}}))
            .unwrap()
            .applied_to(&p)
            .unwrap_err();
        assert_eq!(e.field, "weights.merchant.trade", "{e}");
        let e = Tunables::parse(serde_json::json!({"players_per_tick": 10001}))
            .unwrap()
            .applied_to(&p)
            .unwrap_err();
        assert_eq!(e.field, "players_per_tick", "{e}");
        let e = Tunables::parse(serde_json::json!({"weights": {"merchant": {"dance": 1.0}}}))
            .unwrap()
            .applied_to(&p)
            .unwrap_err();
        assert_eq!(e.field, "weights.merchant.dance");
    }
}
