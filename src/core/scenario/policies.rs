//! Policies as data: named rules with a priority and parameters, read from
//! RON (`assets/policies/default.ron`, compiled in; a scenario may extend or
//! replace the set). Evaluation order is priority (high first), then the
//! order of declaration.

use serde::{Deserialize, Serialize};

/// A built-in governance rule and its thresholds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Rule {
    /// Agents with no health left cannot act.
    DeadCannotAct,
    /// Intents from a client must be for the entity that client owns.
    OwnEntity,
    /// Nobody trades with, talks to, attacks or follows themselves.
    NotOneself,
    /// A `step` covers at most `max_speed` metres per second (mutates).
    SpeedLimit { max_speed: f32 },
    /// At most `max_actions` intents per actor per `window_ticks`.
    RateLimit { max_actions: u16, window_ticks: u32 },
    /// No attacks where attacker or victim stands in a safe zone.
    SafeZones,
    /// Players attack players only in PvP zones.
    PvpZones,
    /// Maximum distances (metres) to trade, attack and talk (chat,
    /// socialise, follow, start a family).
    Range { trade: f32, attack: f32, talk: f32 },
    /// Trades shrink to what the buyer can pay and the seller holds (mutates);
    /// denied if not even one good can change hands.
    Solvency,
    /// Chat messages longer than `max` characters are cut (mutates).
    ChatLength { max: u16 },
    /// At most `max_chats` chats per actor per `window_ticks`.
    ChatSpam { max_chats: u16, window_ticks: u32 },
    /// No travel into, and no births in, a zone at its population cap.
    ZonePopulationCap,
}

/// One named rule of a policy set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub name: String,
    #[serde(default)]
    pub priority: i32,
    pub rule: Rule,
}

/// The policy file format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Policies")]
pub struct PolicySet {
    pub rules: Vec<Policy>,
}

/// What a scenario says about policies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioPolicies {
    /// Replace the shipped rules instead of extending them.
    #[serde(default)]
    pub replace: bool,
    pub rules: Vec<Policy>,
}

/// The shipped policies, as written in `assets/policies/default.ron`.
pub const DEFAULT_RON: &str = include_str!("../../../assets/policies/default.ron");

impl PolicySet {
    pub fn shipped() -> PolicySet {
        ron::from_str(DEFAULT_RON).expect("the shipped policies parse (checked by a unit test)")
    }

    /// The shipped set changed by a scenario: extended (same names replace
    /// shipped rules in place, new names are appended) or replaced.
    pub fn with(scenario: Option<&ScenarioPolicies>) -> PolicySet {
        let Some(s) = scenario else {
            return PolicySet::shipped();
        };
        if s.replace {
            return PolicySet {
                rules: s.rules.clone(),
            };
        }
        let mut set = PolicySet::shipped();
        for p in &s.rules {
            match set.rules.iter_mut().find(|r| r.name == p.name) {
                Some(existing) => *existing = p.clone(),
                None => set.rules.push(p.clone()),
            }
        }
        set
    }

    /// Indices of the rules in evaluation order.
    pub fn order(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.rules.len()).collect();
        idx.sort_by_key(|i| (std::cmp::Reverse(self.rules[*i].priority), *i));
        idx
    }

    /// Checks names are unique and numbers sensible; the first problem found.
    pub fn check(&self) -> Result<(), (usize, String)> {
        for (i, p) in self.rules.iter().enumerate() {
            if p.name.is_empty() || self.rules[..i].iter().any(|q| q.name == p.name) {
                return Err((i, format!("rule name {:?} is empty or used twice", p.name)));
            }
            let ok = match p.rule {
                Rule::SpeedLimit { max_speed } => max_speed.is_finite() && max_speed >= 0.0,
                Rule::Range {
                    trade,
                    attack,
                    talk,
                } => [trade, attack, talk]
                    .iter()
                    .all(|d| d.is_finite() && *d >= 0.0),
                Rule::RateLimit { window_ticks, .. } | Rule::ChatSpam { window_ticks, .. } => {
                    window_ticks > 0
                }
                _ => true,
            };
            if !ok {
                return Err((
                    i,
                    format!(
                        "{:?}: thresholds must be finite, >= 0, windows >= 1 tick",
                        p.rule
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_policies_parse_and_cover_design_6() {
        let set: PolicySet = ron::from_str(DEFAULT_RON).expect("default.ron parses");
        assert_eq!(set.check(), Ok(()));
        assert_eq!(set.rules.len(), 12);
    }

    #[test]
    fn equal_priorities_keep_declaration_order() {
        let set = PolicySet::shipped();
        let names: Vec<&str> = set
            .order()
            .iter()
            .map(|i| set.rules[*i].name.as_str())
            .collect();
        assert_eq!(&names[..2], ["dead_cannot_act", "own_entity"]);
        let safe = names.iter().position(|n| *n == "safe_zones");
        let pvp = names.iter().position(|n| *n == "pvp_zones");
        assert!(safe < pvp);
        assert_eq!(names.last(), Some(&"zone_population_cap"));
    }

    #[test]
    fn scenarios_extend_or_replace() {
        let ext = ScenarioPolicies {
            replace: false,
            rules: vec![
                Policy {
                    name: "chat_length".into(),
                    priority: 40,
                    rule: Rule::ChatLength { max: 10 },
                },
                Policy {
                    name: "extra".into(),
                    priority: 0,
                    rule: Rule::SafeZones,
                },
            ],
        };
        let set = PolicySet::with(Some(&ext));
        assert_eq!(set.rules.len(), 13);
        assert!(
            set.rules
                .iter()
                .any(|p| p.rule == Rule::ChatLength { max: 10 })
        );
        let rep = ScenarioPolicies {
            replace: true,
            ..ext
        };
        assert_eq!(PolicySet::with(Some(&rep)).rules.len(), 2);
    }
}
