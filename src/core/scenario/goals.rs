//! Goals as data: for each goal kind, how long it lasts, which trait must
//! be strong for an agent to adopt it, and how it biases the brain (a
//! multiplier per activity, a birth-chance multiplier, a coin aim). Part
//! of the narrative pack (`goals:`); the narrative adopts and resolves
//! goals, the brain reads their bias rows (`GoalParams`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::agent::kinds::{ACTIVITY_COUNT, Activity};
use crate::core::agent::story::{GOAL_KINDS, GoalKind};
use crate::core::scenario::limits::MAX_WEIGHT;

/// Which trait decides whether a goal is adopted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraitName {
    Vengeance,
    Devotion,
    Ambition,
    Warmth,
}

/// One goal kind's rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalRule {
    pub goal: GoalKind,
    /// Ticks until it expires.
    pub ticks: u32,
    /// The trait that leads to it, and how strong it must be.
    #[serde(rename = "trait")]
    pub trait_name: TraitName,
    pub min_trait: u8,
    /// Activity weight multipliers while it is held (absent: 1).
    #[serde(default)]
    pub bias: BTreeMap<Activity, f32>,
    /// Multiplies the chance of a child while it is held.
    #[serde(default = "one")]
    pub birth: f32,
    /// Coins to gain (fortune).
    #[serde(default)]
    pub aim: u64,
}

fn one() -> f32 {
    1.0
}

/// Largest goal strength (the `goal_strength` tunable): four times the
/// pack's bias.
pub const MAX_GOAL_STRENGTH: f32 = 4.0;

/// Longest goal, in ticks (a day at 10 ticks a second).
pub const MAX_GOAL_TICKS: u32 = 864_000;

/// The goal rules' checks: (index, message).
pub fn check(rules: &[GoalRule]) -> Result<(), (usize, String)> {
    for (i, r) in rules.iter().enumerate() {
        if rules[..i].iter().any(|o| o.goal == r.goal) {
            return Err((i, format!("{} has two rules", r.goal.as_str())));
        }
        if r.ticks == 0 || r.ticks > MAX_GOAL_TICKS {
            return Err((
                i,
                format!("ticks {}: expected 1..={MAX_GOAL_TICKS}", r.ticks),
            ));
        }
        for (a, m) in &r.bias {
            if !m.is_finite() || *m < 0.0 || *m > MAX_WEIGHT {
                return Err((i, format!("bias {a:?} {m}: expected 0..={MAX_WEIGHT}")));
            }
        }
        if !r.birth.is_finite() || r.birth < 0.0 || r.birth > 100.0 {
            return Err((i, format!("birth {}: expected 0..=100", r.birth)));
        }
    }
    Ok(())
}

/// What the brain needs of the goals in force: per goal kind, its activity
/// multipliers and birth multiplier, scaled by a strength (0 = goals off).
#[derive(Clone, Debug, PartialEq)]
pub struct GoalParams {
    pub on: bool,
    /// 0..=4: how far the bias moves weights from 1 (1 = as written).
    pub strength: f32,
    pub bias: [[f32; ACTIVITY_COUNT]; GOAL_KINDS],
    pub birth: [f32; GOAL_KINDS],
}

impl GoalParams {
    pub fn from_rules(rules: &[GoalRule]) -> GoalParams {
        let mut bias = [[1.0; ACTIVITY_COUNT]; GOAL_KINDS];
        let mut birth = [1.0; GOAL_KINDS];
        for r in rules {
            for (a, m) in &r.bias {
                bias[r.goal as usize][*a as usize] = *m;
            }
            birth[r.goal as usize] = r.birth;
        }
        GoalParams {
            on: true,
            strength: 1.0,
            bias,
            birth,
        }
    }

    /// The multiplier on `activity` while holding `goal`.
    pub fn multiplier(&self, goal: GoalKind, activity: usize) -> f32 {
        let m = self.bias[goal as usize][activity];
        (1.0 + self.strength * (m - 1.0)).max(0.0)
    }

    /// The multiplier on the chance of a child while holding `goal`.
    pub fn birth_multiplier(&self, goal: GoalKind) -> f32 {
        (1.0 + self.strength * (self.birth[goal as usize] - 1.0)).max(0.0)
    }
}
