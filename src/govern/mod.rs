//! Govern: every intent, from any source, is judged by the policies in force
//! before it can change the world. Rules run in a fixed order
//! (priority, then declaration); each permits, mutates or denies, and every
//! decision is counted per rule. Denials and mutations are events naming the
//! rule and a reason. The policies live in `SimParams`, so their thresholds
//! can be tuned while the simulation runs.

pub mod rules;

use std::collections::BTreeMap;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::core::scenario::{Policy, PolicySet, Rule, ScenarioPolicies};
pub use rules::{Party, Scene, Verdict, judge};

use crate::core::agent::components::{Conduct, Position, Purse, Vitals};
use crate::core::agent::intent::{Intent, Intents};
use crate::core::agent::{EntityId, Kind};
use crate::core::{SimClock, TickSet};
use crate::events::{EventLog, Payload, Ruling};
use crate::population::{ActionTally, SimParams};
use crate::world::{ZoneLedger, Zones};

/// Decisions of one rule over the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions {
    pub permitted: u64,
    pub mutated: u64,
    pub denied: u64,
}

/// Decisions by rule name, over the run. Counted by rule position on the hot
/// path (no string work per intent) and keyed by name when read.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct GovernStats {
    counts: Vec<(String, Decisions)>,
}

impl GovernStats {
    /// The counters of the rules of `policies`, in its order; a renamed or
    /// added rule gets its own counter, counts under old names are kept.
    fn slots(&mut self, policies: &PolicySet) -> Vec<usize> {
        policies
            .rules
            .iter()
            .map(
                |p| match self.counts.iter().position(|(n, _)| *n == p.name) {
                    Some(i) => i,
                    None => {
                        self.counts.push((p.name.clone(), Decisions::default()));
                        self.counts.len() - 1
                    }
                },
            )
            .collect()
    }

    /// Decisions by rule name.
    pub fn by_rule(&self) -> BTreeMap<String, Decisions> {
        self.counts.iter().cloned().collect()
    }
}

type Judged<'a> = (&'a EntityId, &'a Kind, &'a Position, &'a Vitals, &'a Purse);

fn party((id, kind, pos, vitals, purse): Judged) -> Party {
    Party {
        id: *id,
        kind: kind.0,
        pos: pos.0,
        alive: vitals.alive(),
        wealth: purse.wealth,
        goods: purse.goods,
    }
}

#[allow(clippy::too_many_arguments)]
fn govern(
    clock: Res<SimClock>,
    zones: Res<Zones>,
    ledger: Res<ZoneLedger>,
    params: Res<SimParams>,
    mut intents: ResMut<Intents>,
    mut log: ResMut<EventLog>,
    mut stats: ResMut<GovernStats>,
    mut tally: ResMut<ActionTally>,
    agents: Query<Judged>,
    mut conduct: Query<&mut Conduct>,
) {
    let policies = &params.policies;
    let order = policies.order();
    let slots = stats.slots(policies);
    let scene = Scene {
        tick: clock.tick,
        zones: &zones,
        ledger: &ledger,
    };
    let mut kept = Vec::with_capacity(intents.0.len());
    for intent in intents.0.drain(..) {
        let (Ok(me), Ok(mut conduct)) = (agents.get(intent.entity), conduct.get_mut(intent.entity))
        else {
            // The actor is gone; Apply would fail it anyway.
            continue;
        };
        log.correlate(intent.correlation);
        let me = party(me);
        let target = intent.action.other();
        let other = target.and_then(|t| agents.get(t.entity).ok()).map(party);
        let mut action = intent.action;
        let mut denied = false;
        for &i in &order {
            let policy = &policies.rules[i];
            let verdict = judge(
                &policy.rule,
                &scene,
                &intent,
                &action,
                &me,
                other.as_ref(),
                &mut conduct,
            );
            let counts = &mut stats.counts[slots[i]].1;
            let ruling = |reason| {
                Box::new(Ruling {
                    rule: policy.name.clone(),
                    reason,
                    action: action.kind().as_str(),
                })
            };
            let (payload, next) = match verdict {
                Verdict::Permit => {
                    counts.permitted += 1;
                    continue;
                }
                Verdict::Mutate(changed, reason) => {
                    counts.mutated += 1;
                    (Payload::IntentMutated(ruling(reason)), Some(changed))
                }
                Verdict::Deny(reason) => {
                    counts.denied += 1;
                    tally.denied[me.kind.index()][action.kind() as usize] += 1;
                    (Payload::IntentDenied(ruling(reason)), None)
                }
            };
            log.emit(payload, Some(actor(&intent)), target, None);
            match next {
                Some(changed) => action = changed,
                None => {
                    denied = true;
                    break;
                }
            }
        }
        if !denied {
            kept.push(Intent { action, ..intent });
        }
    }
    log.correlate(None);
    intents.0 = kept;
}

fn actor(intent: &Intent) -> crate::core::agent::intent::Target {
    crate::core::agent::intent::Target {
        id: intent.actor,
        entity: intent.entity,
    }
}

/// Judges every intent in the Govern stage.
pub struct GovernPlugin;

impl Plugin for GovernPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<GovernStats>()
            .add_systems(FixedUpdate, govern.in_set(TickSet::Govern));
    }
}
