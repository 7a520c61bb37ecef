//! The story's cheap checks, live: every tick, over its own events, the
//! classes that need nothing but the tick — an agent acting after its death
//! in the same tick (other than what its death causes), a beat or goal
//! ending that cites no earlier event, and goal books that do not balance.
//! Counted with the first bad seq; the full checker (`seedsim story
//! --check`, and every stored run's end) finds the rest.

use std::collections::BTreeMap;

use bevy::prelude::*;

use super::GoalBook;
use crate::events::{EventLog, Payload};

/// What the live checks found in the whole run.
#[derive(Resource, Debug, Default, Clone, PartialEq, Eq)]
pub struct LiveFindings {
    pub count: u64,
    /// The first bad seq, and why.
    pub first: Option<(u64, String)>,
}

impl LiveFindings {
    fn add(&mut self, seq: u64, why: impl FnOnce() -> String) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((seq, why()));
        }
    }
}

/// Narrate: the story's cheap checks, live.
pub(super) fn watch(log: Res<EventLog>, book: Res<GoalBook>, mut found: ResMut<LiveFindings>) {
    let mut died: BTreeMap<u64, u64> = BTreeMap::new();
    let pending = log.pending();
    // The effect of an agent's own act struck before its death this tick
    // (a blow dealt just before a cataclysm) is not a new act.
    let unfolding = |ev: &crate::events::Event, actor, death| {
        ev.cause.is_some_and(|c| {
            c < death
                && pending
                    .binary_search_by_key(&c, |e| e.seq)
                    .is_ok_and(|i| pending[i].actor == Some(actor))
        })
    };
    // A telling that tells another (a beat of a goal's end) follows what
    // that one tells.
    let root = |mut c: u64| {
        while let Ok(i) = pending.binary_search_by_key(&c, |e| e.seq) {
            match (&pending[i].payload, pending[i].cause) {
                (Payload::Beat { .. } | Payload::GoalEnded { .. }, Some(up)) if up < c => c = up,
                _ => break,
            }
        }
        c
    };
    for ev in pending {
        let narrated = matches!(
            ev.payload,
            Payload::Beat { .. }
                | Payload::GoalEnded { .. }
                | Payload::GoalAdopted { .. }
                | Payload::LifeStage { .. }
        );
        if matches!(ev.payload, Payload::Beat { .. } | Payload::GoalEnded { .. })
            && ev.cause.is_none_or(|c| c >= ev.seq)
        {
            found.add(ev.seq, || {
                format!("{} cites no earlier event", ev.payload.kind().as_str())
            });
        }
        let Some(actor) = ev.actor else { continue };
        if let Some(&death) = died.get(&actor.0) {
            let follows = ev.cause.is_some_and(|c| root(c) <= death);
            let acting = !narrated && ev.cause != Some(death) && !unfolding(ev, actor, death);
            if acting || (narrated && !follows) {
                found.add(ev.seq, || {
                    format!("agent {} after its death at seq {death}", actor.0)
                });
            }
        }
        if matches!(ev.payload, Payload::Death { .. }) {
            died.entry(actor.0).or_insert(ev.seq);
        }
    }
    if !book.balanced() {
        let seq = log.next_seq();
        found.add(seq, || "the goal books do not balance".into());
    }
}

#[cfg(test)]
mod tests {
    use bevy::ecs::system::RunSystemOnce;

    use super::*;
    use crate::core::agent::EntityId;
    use crate::events::{DeathCause, EventLog};

    #[test]
    fn the_dead_acting_in_their_tick_and_a_causeless_beat_are_caught() {
        let mut world = World::new();
        world.init_resource::<GoalBook>();
        world.init_resource::<LiveFindings>();
        let mut log = EventLog::default();
        let death = log.emit_ids(
            Payload::Death {
                cause: DeathCause::Age,
                age: 9,
                zone: 0,
            },
            Some(EntityId(5)),
            None,
            None,
        );
        // What the death causes is fine; a chat afterwards is not.
        let cause = crate::events::Cause {
            seq: death,
            depth: 0,
            correlation: None,
        };
        log.emit_ids(
            Payload::Beat {
                beat: "epitaph".into(),
                salience: 90,
            },
            Some(EntityId(5)),
            None,
            Some(cause),
        );
        let chat = log.emit_ids(
            Payload::Chat {
                ticks: 1,
                length: 3,
                text: None,
            },
            Some(EntityId(5)),
            None,
            None,
        );
        log.emit_ids(
            Payload::Beat {
                beat: "born".into(),
                salience: 60,
            },
            Some(EntityId(6)),
            None,
            None,
        );
        world.insert_resource(log);
        world.init_resource::<crate::narrative::cost::NarrateCost>();
        world.run_system_once(watch).expect("runs");
        let found = world.resource::<LiveFindings>();
        assert_eq!(found.count, 2, "{found:?}");
        assert_eq!(found.first.as_ref().map(|f| f.0), Some(chat));
    }

    #[test]
    fn the_effect_of_a_blow_struck_before_death_is_not_the_dead_acting() {
        let mut world = World::new();
        world.init_resource::<GoalBook>();
        world.init_resource::<LiveFindings>();
        let mut log = EventLog::default();
        let (me, foe) = (Some(EntityId(7)), Some(EntityId(8)));
        let cause = |seq| crate::events::Cause {
            seq,
            depth: 0,
            correlation: None,
        };
        let mine = log.emit_ids(Payload::Attack { damage: 5 }, me, foe, None);
        let theirs = log.emit_ids(Payload::Attack { damage: 5 }, foe, me, None);
        let death = Payload::Death {
            cause: DeathCause::Cataclysm,
            age: 9,
            zone: 0,
        };
        log.emit_ids(death, me, None, None);
        let blow = Payload::Damage {
            amount: 5,
            health: 90.0,
        };
        // Its own blow lands; a blow dealt in answer to the foe's is new.
        log.emit_ids(blow.clone(), me, foe, Some(cause(mine)));
        let answer = log.emit_ids(blow, me, foe, Some(cause(theirs)));
        world.insert_resource(log);
        world.init_resource::<crate::narrative::cost::NarrateCost>();
        world.run_system_once(watch).expect("runs");
        let found = world.resource::<LiveFindings>();
        assert_eq!(found.count, 1, "{found:?}");
        assert_eq!(found.first.as_ref().map(|f| f.0), Some(answer));
    }

    #[test]
    fn a_beat_of_a_goal_fulfilled_before_death_is_told_of_the_dead() {
        use crate::core::agent::story::{GoalKind, GoalOutcome};
        let mut world = World::new();
        world.init_resource::<GoalBook>();
        world.init_resource::<LiveFindings>();
        let mut log = EventLog::default();
        let (me, foe) = (Some(EntityId(7)), Some(EntityId(8)));
        let cause = |seq| crate::events::Cause {
            seq,
            depth: 0,
            correlation: None,
        };
        let blow = Payload::Damage {
            amount: 5,
            health: 90.0,
        };
        let paid = log.emit_ids(blow, me, foe, None);
        let death = Payload::Death {
            cause: DeathCause::Killed,
            age: 9,
            zone: 0,
        };
        log.emit_ids(death, me, foe, None);
        let ended = Payload::GoalEnded {
            goal: GoalKind::Revenge,
            outcome: GoalOutcome::Fulfilled,
            adopted: 0,
        };
        let end = log.emit_ids(ended, me, foe, Some(cause(paid)));
        let avenged = Payload::Beat {
            beat: "avenged".into(),
            salience: 85,
        };
        log.emit_ids(avenged, me, None, Some(cause(end)));
        world.insert_resource(log);
        world.run_system_once(watch).expect("runs");
        assert_eq!(world.resource::<LiveFindings>().count, 0);
    }
}
