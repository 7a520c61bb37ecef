//! The agent vocabulary every layer speaks: who an agent is (ids, kinds,
//! components) and what it wants to do (intents). Pure types; the systems
//! that give them life are the model plugins above (population, govern…).

pub mod components;
pub mod intent;
pub mod kinds;
pub mod story;
pub mod weights;

pub use components::{EntityId, Kind, Piloted, Position, ZoneId};
pub use intent::{ChatTexts, Intent, Intents};
pub use kinds::{AgentKind, Archetype, Profile};
