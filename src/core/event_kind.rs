//! The kinds of events, by name: the closed vocabulary that scenario files
//! (reaction triggers, waits, checks), the store's `kind` column and the
//! protocol's event frames share. What each kind carries is the model's
//! business (`events::Payload`); the names live here, below everything
//! that spells them.

use serde::{Deserialize, Serialize};

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
}

/// Every event kind's name, in `EventKind` order.
pub const EVENT_KINDS: [&str; 24] = [
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
];

impl EventKind {
    pub const ALL: [EventKind; 24] = [
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
    ];

    pub fn as_str(self) -> &'static str {
        EVENT_KINDS[self as usize]
    }
}
