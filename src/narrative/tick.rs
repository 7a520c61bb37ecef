//! What every narrative step needs of the tick: who dies in it (their
//! stories may end this tick but nothing new begins for them) and the few
//! facts of a living agent, looked up by id through the entity index (the
//! narrative is driven by events, so it looks agents up, never scans them).

use std::collections::BTreeSet;

use bevy::math::Vec2;
use bevy::prelude::*;

use crate::core::agent::components::{EntityId, Kind, Position, Purse};
use crate::core::agent::kinds::AgentKind;
use crate::core::agent::story::Traits;
use crate::events::{Event, Payload};
use crate::population::EntityIndex;

/// The agents whose death is among `pending`.
pub(super) fn dying(pending: &[Event]) -> BTreeSet<EntityId> {
    pending
        .iter()
        .filter(|e| matches!(e.payload, Payload::Death { .. }))
        .filter_map(|e| e.actor)
        .collect()
}

/// A living agent's facts.
#[derive(Clone, Copy, Debug)]
pub(super) struct Agent {
    pub kind: AgentKind,
    pub traits: Traits,
    pub pos: Vec2,
    pub wealth: u64,
}

/// The query behind [`Index`].
pub(super) type Facts<'w, 's> = Query<
    'w,
    's,
    (
        &'static Kind,
        &'static Traits,
        &'static Position,
        &'static Purse,
    ),
>;

/// Looks living agents up by id.
pub(super) struct Index<'a, 'w, 's> {
    entities: &'a EntityIndex,
    agents: &'a Facts<'w, 's>,
}

impl<'a, 'w, 's> Index<'a, 'w, 's> {
    pub fn new(entities: &'a EntityIndex, agents: &'a Facts<'w, 's>) -> Self {
        Index { entities, agents }
    }

    pub fn agent(&self, id: EntityId) -> Option<Agent> {
        let (kind, traits, pos, purse) = self.agents.get(self.entities.get(id)?).ok()?;
        Some(Agent {
            kind: kind.0,
            traits: *traits,
            pos: pos.0,
            wealth: purse.wealth,
        })
    }
}
