//! What a scenario may require, as written in its RON: assertions (named
//! facts about the run) and thresholds (k6-style bounds on metrics). Both
//! are checked when the scenario loads — a threshold on a metric that does
//! not exist, a rule or kind nobody knows, an expression that does not
//! parse — so a typo is an invalid scenario (exit 2), never a silent pass.

use serde::{Deserialize, Serialize};

/// A comparison, written `"<op> <number>"` (e.g. `">= 30"`, `"== 0"`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    pub op: Op,
    pub value: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
}

impl Bound {
    /// Parses `"<op> <number>"`.
    pub fn parse(text: &str) -> Result<Bound, String> {
        let t = text.trim();
        let (op, rest) = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .into_iter()
        .find_map(|(s, op)| t.strip_prefix(s).map(|r| (op, r)))
        .ok_or_else(|| format!("{text:?}: expected a comparison such as \"< 20\" or \">= 3\""))?;
        let value: f64 = rest
            .trim()
            .parse()
            .map_err(|_| format!("{text:?}: {:?} is not a number", rest.trim()))?;
        if !value.is_finite() {
            return Err(format!("{text:?}: the bound must be finite"));
        }
        Ok(Bound { op, value })
    }

    pub fn holds(&self, x: f64) -> bool {
        match self.op {
            Op::Lt => x < self.value,
            Op::Le => x <= self.value,
            Op::Gt => x > self.value,
            Op::Ge => x >= self.value,
            Op::Eq => x == self.value,
            Op::Ne => x != self.value,
        }
    }

    pub fn describe(&self) -> String {
        format!("{} {}", self.op.as_str(), self.value)
    }
}

/// A field of an agent that state assertions aggregate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Wealth,
    Health,
    Energy,
    Goods,
    Reputation,
    Generation,
}

impl Field {
    /// This field of one agent.
    pub fn read(
        self,
        purse: &crate::core::agent::components::Purse,
        vitals: &crate::core::agent::components::Vitals,
        standing: &crate::core::agent::components::Standing,
        life: &crate::core::agent::components::Life,
    ) -> f64 {
        match self {
            Field::Wealth => purse.wealth as f64,
            Field::Goods => purse.goods as f64,
            Field::Health => vitals.health as f64,
            Field::Energy => vitals.energy as f64,
            Field::Reputation => standing.reputation as f64,
            Field::Generation => life.generation as f64,
        }
    }
}

/// How a state assertion sums up the matching agents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    Count,
    Min(Field),
    Max(Field),
    Mean(Field),
    Sum(Field),
}

/// Which agents a state assertion looks at (all if empty).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// A kind name (`merchant`, `griefer`, ...), or `player` / `npc`.
    #[serde(default)]
    pub kind: Option<String>,
    /// A zone name: agents standing in it.
    #[serde(default)]
    pub zone: Option<String>,
}

/// When a state assertion is judged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum When {
    /// After the last tick.
    #[default]
    End,
    /// After this tick.
    Tick(u64),
    /// After every tick (the first tick where it does not hold fails it).
    Always,
}

/// Executed (applied) or denied by governance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    #[default]
    Executed,
    Denied,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Permitted,
    Mutated,
    Denied,
}

fn yes() -> bool {
    true
}

/// What a narrative assertion measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NarrativeMeasure {
    /// The story checker's findings over `events.db`.
    Findings,
    /// Percent of deaths told with an epitaph.
    EpitaphCoverage,
    /// Percent of births told as a birth.
    BirthCoverage,
    /// Goals adopted (of one kind, or all).
    Adopted(Option<crate::core::agent::story::GoalKind>),
    /// Goals ended (of one kind or all, as one outcome or any).
    Ended(
        Option<crate::core::agent::story::GoalKind>,
        Option<crate::core::agent::story::GoalOutcome>,
    ),
    /// Adopted − ended − active: 0 when the goal books balance.
    Unbalanced,
}

/// What a director assertion measures in its zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DirectorMeasure {
    /// Percent of the ticks after the director's warm-up spent in band.
    TimeInBand,
    /// Raids the director sent.
    Raids,
    /// Raids it called off as a peak faded.
    Withdrawals,
    /// Festivals it called to calm the zone.
    Festivals,
    /// Plagues it sent.
    Plagues,
}

/// One named requirement on a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Assertion {
    /// A query over agents compared with a bound, e.g. the number of
    /// villagers at the end `">= 30"`.
    State {
        name: String,
        measure: Measure,
        #[serde(default)]
        filter: Filter,
        expect: String,
        #[serde(default)]
        when: When,
    },
    /// How often an action kind was executed or denied over the run,
    /// optionally only for actors of one kind.
    Action {
        name: String,
        action: String,
        #[serde(default)]
        outcome: Outcome,
        #[serde(default)]
        by: Option<String>,
        expect: String,
    },
    /// How often a governance rule decided one way.
    Governance {
        name: String,
        rule: String,
        decision: DecisionKind,
        expect: String,
    },
    /// Every event of kind `first` is followed, within `within_ticks`, by
    /// an event of kind `then` among its effects (its cascade).
    Timing {
        name: String,
        first: String,
        then: String,
        within_ticks: u64,
    },
    /// The store verifies (hash chain intact) and, if asked, the run
    /// replays identically from it.
    Integrity {
        name: String,
        #[serde(default = "yes")]
        verify: bool,
        #[serde(default)]
        replay: bool,
    },
    /// A scripted actor receives a message (a chat with words aimed at
    /// it) containing `text` and/or matching `regex`, from another actor if
    /// `from` names one, within `within_ticks` of entering the world.
    Message {
        name: String,
        actor: String,
        #[serde(default)]
        from: Option<String>,
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        regex: Option<String>,
        #[serde(default)]
        within_ticks: Option<u64>,
    },
    /// A fact of the told story (Warbler), judged from the run's store
    /// and its narrative books: e.g. the story checker's findings `"== 0"`.
    Narrative {
        name: String,
        measure: NarrativeMeasure,
        expect: String,
    },
    /// A fact of the director in one zone: e.g. its time in band `">= 80"`.
    Director {
        name: String,
        zone: String,
        measure: DirectorMeasure,
        expect: String,
    },
    /// Stories of a pattern the live sifter found: e.g. feuds `">= 1"`.
    Sifted {
        name: String,
        pattern: String,
        expect: String,
    },
    /// Peak resident memory, and its growth from the end of the warm-up
    /// to the end of the run.
    Memory {
        name: String,
        #[serde(default)]
        peak_mib: Option<f64>,
        #[serde(default)]
        growth_pct: Option<f64>,
        #[serde(default)]
        warm_up_ticks: u64,
    },
}

impl Assertion {
    pub fn name(&self) -> &str {
        match self {
            Assertion::State { name, .. }
            | Assertion::Action { name, .. }
            | Assertion::Governance { name, .. }
            | Assertion::Timing { name, .. }
            | Assertion::Integrity { name, .. }
            | Assertion::Message { name, .. }
            | Assertion::Memory { name, .. }
            | Assertion::Narrative { name, .. }
            | Assertion::Director { name, .. }
            | Assertion::Sifted { name, .. } => name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_parse_and_compare() {
        let b = Bound::parse(" >= 30").unwrap();
        assert_eq!(
            b,
            Bound {
                op: Op::Ge,
                value: 30.0
            }
        );
        assert!(b.holds(30.0) && !b.holds(29.9));
        assert!(Bound::parse("<3.5").unwrap().holds(3.0));
        assert!(Bound::parse("== 0").unwrap().holds(0.0));
        assert!(Bound::parse("about 3").is_err());
        assert!(Bound::parse("< lots").unwrap_err().contains("lots"));
        assert!(Bound::parse("< inf").is_err());
    }
}
