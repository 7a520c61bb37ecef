//! What every event is, below everything that reads one: its kind, by name
//! (the closed vocabulary that scenario files, the store's `kind` column and
//! the protocol's event frames share), and its [`EventHeader`] (where it sits
//! in the run's order and causality), which the store's row, the stream's
//! event frames and the REST API's views all carry. What each kind says is
//! the model's business (`events::Payload`).

use serde::{Deserialize, Serialize};

/// An event's place in a run: its order, who it concerns and what caused it.
/// Flattened into the protocol's JSON (`"seq": …, "tick": …` beside `kind`
/// and `payload`); the store keeps each field in a column of its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventHeader {
    /// Global order of the run's events; a cause always has a smaller one.
    pub seq: u64,
    pub tick: u64,
    /// The entity that acted (its `EntityId`).
    pub actor: Option<u64>,
    /// The entity acted on.
    pub target: Option<u64>,
    /// Seq of the event that caused this one.
    pub cause: Option<u64>,
    /// Ties an event to an outside request (e.g. a client's request id).
    pub correlation: Option<u64>,
    /// Cascade depth: 0 for what intents and the world do, +1 per reaction.
    pub depth: u8,
}

/// The kind of an event (the `kind` column of the store).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Spawn,
    Birth,
    Death,
    Departure,
    TravelStarted,
    Arrived,
    Gather,
    Trade,
    Chat,
    Socialise,
    Meal,
    Attack,
    Damage,
    LootDropped,
    LootPicked,
    IntentDenied,
    IntentMutated,
    ReputationChanged,
    Grief,
    Inheritance,
    LineageRegistered,
    Overcrowded,
    Migration,
    Cataclysm,
    /// Warbler told a moment of a life (`narrative`).
    Beat,
    /// An agent entered a new stage of life.
    LifeStage,
    /// An agent took up a goal.
    GoalAdopted,
    /// An agent's goal ended (fulfilled, abandoned, expired, died, superseded).
    GoalEnded,
    /// A zone's periodic gazette: what happened there lately.
    Gazette,
    /// The director decided for a zone (a state change, or a raid).
    Director,
    /// The sifter found a story pattern complete (`narrative::sift`).
    Sifted,
    /// An agent caught the director's plague (target: who gave it).
    Infected,
    /// An agent's plague ended and it lived.
    Recovered,
}

/// Every event kind's name, in `EventKind` order.
pub const EVENT_KINDS: [&str; 33] = [
    "spawn",
    "birth",
    "death",
    "departure",
    "travel_started",
    "arrived",
    "gather",
    "trade",
    "chat",
    "socialise",
    "meal",
    "attack",
    "damage",
    "loot_dropped",
    "loot_picked",
    "intent_denied",
    "intent_mutated",
    "reputation_changed",
    "grief",
    "inheritance",
    "lineage_registered",
    "overcrowded",
    "migration",
    "cataclysm",
    "beat",
    "life_stage",
    "goal_adopted",
    "goal_ended",
    "gazette",
    "director",
    "sifted",
    "infected",
    "recovered",
];

impl EventKind {
    pub const ALL: [EventKind; 33] = [
        EventKind::Spawn,
        EventKind::Birth,
        EventKind::Death,
        EventKind::Departure,
        EventKind::TravelStarted,
        EventKind::Arrived,
        EventKind::Gather,
        EventKind::Trade,
        EventKind::Chat,
        EventKind::Socialise,
        EventKind::Meal,
        EventKind::Attack,
        EventKind::Damage,
        EventKind::LootDropped,
        EventKind::LootPicked,
        EventKind::IntentDenied,
        EventKind::IntentMutated,
        EventKind::ReputationChanged,
        EventKind::Grief,
        EventKind::Inheritance,
        EventKind::LineageRegistered,
        EventKind::Overcrowded,
        EventKind::Migration,
        EventKind::Cataclysm,
        EventKind::Beat,
        EventKind::LifeStage,
        EventKind::GoalAdopted,
        EventKind::GoalEnded,
        EventKind::Gazette,
        EventKind::Director,
        EventKind::Sifted,
        EventKind::Infected,
        EventKind::Recovered,
    ];

    pub fn as_str(self) -> &'static str {
        EVENT_KINDS[self as usize]
    }
}
