//! What an event says: one typed payload per kind. Payloads are serialized
//! to JSON (tagged by `kind`) in the store, where `sqlite3`'s JSON functions
//! can read them; that text is also what the hash chain covers. The same
//! JSON is read back (a live stream's events, in the window): names kept as
//! `&'static str` are checked against the names this build knows.

use serde::{Deserialize, Serialize};

use crate::core::agent::story::{GoalKind, GoalOutcome};
use crate::core::event::EventKind;
use crate::core::scenario::director::{DirectorAct, DirectorState};
use crate::core::stat7::Horizon;

/// Why an agent died.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeathCause {
    Age,
    Killed,
    /// Struck down by a scenario's cataclysm fault.
    Cataclysm,
    /// Drained by the director's plague.
    Plague,
}

/// A governance decision against an intent: which rule, why, on what action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ruling {
    pub rule: String,
    pub reason: String,
    #[serde(deserialize_with = "action_name")]
    pub action: &'static str,
}

/// An action kind's name, as this build spells it.
fn action_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name = String::deserialize(d)?;
    crate::core::agent::intent::ActionKind::ALL
        .into_iter()
        .map(|a| a.as_str())
        .find(|a| *a == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown action {name:?}")))
}

/// An agent kind's name, as this build spells it.
fn kind_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name = String::deserialize(d)?;
    crate::core::agent::kinds::AgentKind::all()
        .map(|k| k.name())
        .find(|k| *k == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown kind {name:?}")))
}

/// The payload of an event; its variant is the event's kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    /// An agent appeared (initial population, arrival, wave).
    Spawn {
        #[serde(deserialize_with = "kind_name")]
        agent: &'static str,
        x: f32,
        y: f32,
        wealth: u64,
    },
    /// A child was born (actor: parent, target: child).
    Birth {
        partner: u64,
        generation: u32,
        wealth: u64,
    },
    /// A scenario's cataclysm struck a zone (its deaths are effects of this).
    Cataclysm {
        zone: u16,
        victims: u32,
    },
    /// An agent died (actor: the dead; target: the killer, if any) in `zone`.
    Death {
        cause: DeathCause,
        age: i64,
        zone: u16,
    },
    /// A player logged out at the end of its session.
    Departure {
        wealth: u64,
    },
    TravelStarted {
        zone: u16,
        x: f32,
        y: f32,
    },
    /// A traveller reached its destination.
    Arrived {
        x: f32,
        y: f32,
    },
    Gather {
        zone: u16,
        goods: u32,
    },
    /// Goods for coins (actor: initiator, target: the other party).
    Trade {
        buyer: u64,
        seller: u64,
        goods: u32,
        price: u64,
    },
    /// A conversation; `text` is what a client or scripted actor said (cut
    /// to the length governance allowed). NPCs talk without words.
    Chat {
        ticks: u16,
        length: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<std::sync::Arc<str>>,
    },
    Socialise {
        ticks: u16,
    },
    /// A good eaten while resting.
    Meal {
        energy: f32,
    },
    Attack {
        damage: u16,
    },
    Damage {
        amount: u16,
        health: f32,
    },
    LootDropped {
        wealth: u64,
        goods: u32,
    },
    LootPicked {
        wealth: u64,
        goods: u32,
    },
    /// Boxed: rulings are rare and their text would make every event bigger.
    IntentDenied(Box<Ruling>),
    IntentMutated(Box<Ruling>),
    ReputationChanged {
        delta: i16,
        reputation: i16,
    },
    Grief {
        for_whom: u64,
        mood: f32,
    },
    Inheritance {
        wealth: u64,
        to_treasury: bool,
    },
    LineageRegistered {
        child: u64,
        generation: u32,
    },
    Overcrowded {
        zone: u16,
        population: u32,
        cap: u32,
    },
    Migration {
        from_zone: u16,
        to_zone: u16,
    },
    /// A moment of a life, told (actor: whose life; cause: the event told).
    /// `beat` names the narrative pack's rule, `salience` how much it
    /// weighs in a life's story (1..=100).
    Beat {
        beat: String,
        salience: u8,
    },
    /// An agent entered a stage of life (noticed at its next decision).
    LifeStage {
        stage: Horizon,
    },
    /// An agent took up a goal (target: its foe, for a revenge; cause: what
    /// moved it). `until`: the tick it expires; `zone`: where it leads;
    /// `aim`: the wealth it seeks.
    GoalAdopted {
        goal: GoalKind,
        until: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zone: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        aim: Option<u64>,
    },
    /// An agent's goal ended; `adopted` is the seq of its adoption.
    GoalEnded {
        goal: GoalKind,
        outcome: GoalOutcome,
        adopted: u64,
    },
    /// What happened in a zone since its last gazette.
    Gazette {
        zone: u16,
        births: u32,
        deaths: u32,
        arrivals: u32,
        departures: u32,
        feuds: u32,
    },
    /// The director's decision for a zone: the state it is in after it,
    /// what it did, the zone's tension and band, and the raid points it had
    /// (`monsters` sent, for a raid).
    Director {
        zone: u16,
        state: DirectorState,
        act: DirectorAct,
        tension: f32,
        low: f32,
        high: f32,
        budget: f32,
        #[serde(default, skip_serializing_if = "is_zero")]
        monsters: u16,
    },
    /// A story pattern matched (actor and target: its first two agent
    /// roles; cause: the event that completed it). Boxed: rare, and the
    /// stage seqs would make every event bigger.
    Sifted(Box<SiftMatch>),
    /// An agent caught a plague in `zone` (target: who passed it on, none
    /// for its first victims); `plague`: the seq of the director's decision.
    Infected {
        zone: u16,
        plague: u64,
    },
    /// An agent's plague ended and it lived.
    Recovered {
        plague: u64,
    },
}

/// A completed story: the pattern, its roles' values by name (agents'
/// ids, zones' ids) and the seq of each stage's event, in stage order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiftMatch {
    pub pattern: String,
    pub roles: std::collections::BTreeMap<String, u64>,
    pub events: Vec<u64>,
}

fn is_zero(n: &u16) -> bool {
    *n == 0
}

impl Payload {
    /// This payload's kind.
    pub fn kind(&self) -> EventKind {
        match self {
            Payload::Spawn { .. } => EventKind::Spawn,
            Payload::Birth { .. } => EventKind::Birth,
            Payload::Death { .. } => EventKind::Death,
            Payload::Departure { .. } => EventKind::Departure,
            Payload::TravelStarted { .. } => EventKind::TravelStarted,
            Payload::Arrived { .. } => EventKind::Arrived,
            Payload::Gather { .. } => EventKind::Gather,
            Payload::Trade { .. } => EventKind::Trade,
            Payload::Chat { .. } => EventKind::Chat,
            Payload::Socialise { .. } => EventKind::Socialise,
            Payload::Meal { .. } => EventKind::Meal,
            Payload::Attack { .. } => EventKind::Attack,
            Payload::Damage { .. } => EventKind::Damage,
            Payload::LootDropped { .. } => EventKind::LootDropped,
            Payload::LootPicked { .. } => EventKind::LootPicked,
            Payload::IntentDenied(_) => EventKind::IntentDenied,
            Payload::IntentMutated(_) => EventKind::IntentMutated,
            Payload::ReputationChanged { .. } => EventKind::ReputationChanged,
            Payload::Grief { .. } => EventKind::Grief,
            Payload::Inheritance { .. } => EventKind::Inheritance,
            Payload::LineageRegistered { .. } => EventKind::LineageRegistered,
            Payload::Overcrowded { .. } => EventKind::Overcrowded,
            Payload::Migration { .. } => EventKind::Migration,
            Payload::Beat { .. } => EventKind::Beat,
            Payload::Cataclysm { .. } => EventKind::Cataclysm,
            Payload::LifeStage { .. } => EventKind::LifeStage,
            Payload::GoalAdopted { .. } => EventKind::GoalAdopted,
            Payload::GoalEnded { .. } => EventKind::GoalEnded,
            Payload::Gazette { .. } => EventKind::Gazette,
            Payload::Director { .. } => EventKind::Director,
            Payload::Sifted(_) => EventKind::Sifted,
            Payload::Infected { .. } => EventKind::Infected,
            Payload::Recovered { .. } => EventKind::Recovered,
        }
    }

    /// What narrative rules match on besides the kind (`when:`): a life
    /// stage, a goal, `<goal>_<outcome>`, a cause of death, a denied action.
    pub fn detail(&self) -> Option<std::borrow::Cow<'static, str>> {
        use std::borrow::Cow;
        match self {
            Payload::LifeStage { stage } => Some(Cow::Borrowed(stage.as_str())),
            Payload::GoalAdopted { goal, .. } => Some(Cow::Borrowed(goal.as_str())),
            Payload::GoalEnded { goal, outcome, .. } => Some(Cow::Owned(format!(
                "{}_{}",
                goal.as_str(),
                outcome.as_str()
            ))),
            Payload::Death { cause, .. } => Some(Cow::Borrowed(match cause {
                DeathCause::Age => "age",
                DeathCause::Killed => "killed",
                DeathCause::Cataclysm => "cataclysm",
                DeathCause::Plague => "plague",
            })),
            Payload::IntentDenied(r) => Some(Cow::Borrowed(r.action)),
            Payload::Sifted(m) => Some(Cow::Owned(m.pattern.clone())),
            _ => None,
        }
    }

    /// The zone the event names, if it names one (where a death or a
    /// gathering happened, where a journey or a goal leads).
    pub fn zone(&self) -> Option<u16> {
        match self {
            Payload::Death { zone, .. }
            | Payload::Gather { zone, .. }
            | Payload::TravelStarted { zone, .. }
            | Payload::Cataclysm { zone, .. }
            | Payload::Overcrowded { zone, .. }
            | Payload::Gazette { zone, .. }
            | Payload::Director { zone, .. }
            | Payload::Infected { zone, .. } => Some(*zone),
            Payload::Migration { to_zone, .. } => Some(*to_zone),
            Payload::GoalAdopted { zone, .. } => *zone,
            _ => None,
        }
    }

    /// The event's amount, if it has one: coins (a spawn's or birth's
    /// wealth, a price, loot, an inheritance, a fortune's aim) or harm.
    pub fn amount(&self) -> Option<u64> {
        match self {
            Payload::Spawn { wealth, .. }
            | Payload::Birth { wealth, .. }
            | Payload::Departure { wealth }
            | Payload::LootDropped { wealth, .. }
            | Payload::LootPicked { wealth, .. }
            | Payload::Inheritance { wealth, .. } => Some(*wealth),
            Payload::Trade { price, .. } => Some(*price),
            Payload::Attack { damage } => Some(u64::from(*damage)),
            Payload::Damage { amount, .. } => Some(u64::from(*amount)),
            Payload::GoalAdopted { aim, .. } => *aim,
            _ => None,
        }
    }

    /// A payload from its stored JSON; `None` if it is not one this build
    /// reads (owned parsing: the names it keeps are `&'static str`).
    pub fn from_json(text: &str) -> Option<Payload> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        Payload::deserialize(value).ok()
    }

    /// Index of this payload's kind in [`EVENT_KINDS`].
    pub fn kind_index(&self) -> usize {
        self.kind() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_stay_small() {
        // Every event of a million-agent tick carries one.
        assert!(
            std::mem::size_of::<Payload>() <= 40,
            "{}",
            std::mem::size_of::<Payload>()
        );
    }

    #[test]
    fn kind_names_follow_the_enum() {
        for (i, k) in EventKind::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i);
            let name = serde_json::to_value(k).expect("serializes");
            assert_eq!(name, k.as_str());
        }
    }

    #[test]
    fn the_json_tag_is_the_kind_name() {
        let samples = [
            Payload::Spawn {
                agent: "guard",
                x: 1.0,
                y: 2.0,
                wealth: 3,
            },
            Payload::TravelStarted {
                zone: 1,
                x: 0.5,
                y: 0.0,
            },
            Payload::IntentDenied(Box::new(Ruling {
                rule: "r".into(),
                reason: "x".into(),
                action: "attack",
            })),
            Payload::LineageRegistered {
                child: 4,
                generation: 2,
            },
            Payload::Migration {
                from_zone: 0,
                to_zone: 1,
            },
        ];
        for p in samples {
            let json = serde_json::to_value(&p).expect("serializes");
            assert_eq!(json["kind"], p.kind().as_str());
            if let Payload::IntentDenied(_) = p {
                assert_eq!(json["rule"], "r", "rulings are flat objects: {json}");
            }
        }
    }
}
