//! Intents: what an agent wants to do this tick. Brains, clients and scripted
//! actors produce them; governance judges them; Apply
//! carries them out in a fixed order, by actor `EntityId`.

use bevy::math::Vec2;
use bevy::prelude::*;

use super::components::EntityId;
use super::components::ZoneId;

/// Another agent, by stable id and by its current ECS handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub id: EntityId,
    pub entity: Entity,
}

/// One thing an agent can try to do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    Idle {
        ticks: u16,
    },
    Wander {
        to: Vec2,
    },
    Travel {
        zone: ZoneId,
        to: Vec2,
    },
    Gather {
        ticks: u16,
    },
    /// `buying`: the actor pays `price` for `goods`; otherwise it sells them.
    Trade {
        with: Target,
        goods: u16,
        price: u32,
        buying: bool,
    },
    /// `length`: characters said (chat rules limit it).
    Chat {
        with: Target,
        ticks: u16,
        length: u16,
    },
    Attack {
        target: Target,
        damage: u16,
    },
    Flee {
        to: Vec2,
    },
    Rest {
        ticks: u16,
    },
    Socialise {
        with: Target,
        ticks: u16,
    },
    Follow {
        target: Target,
        ticks: u16,
    },
    Reproduce {
        partner: Target,
    },
    /// Move straight to a nearby point this tick (speed-limited by governance).
    Step {
        to: Vec2,
    },
}

impl Action {
    /// The other party of a two-party action.
    pub fn other(&self) -> Option<Target> {
        match *self {
            Action::Trade { with, .. }
            | Action::Chat { with, .. }
            | Action::Socialise { with, .. } => Some(with),
            Action::Attack { target, .. } | Action::Follow { target, .. } => Some(target),
            Action::Reproduce { partner } => Some(partner),
            _ => None,
        }
    }
}

/// Number of [`ActionKind`]s.
pub const ACTION_KINDS: usize = 13;

/// The kind of an [`Action`], for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    Idle,
    Wander,
    Travel,
    Gather,
    Trade,
    Chat,
    Attack,
    Flee,
    Rest,
    Socialise,
    Follow,
    Reproduce,
    Step,
}

impl ActionKind {
    pub const ALL: [ActionKind; ACTION_KINDS] = [
        ActionKind::Idle,
        ActionKind::Wander,
        ActionKind::Travel,
        ActionKind::Gather,
        ActionKind::Trade,
        ActionKind::Chat,
        ActionKind::Attack,
        ActionKind::Flee,
        ActionKind::Rest,
        ActionKind::Socialise,
        ActionKind::Follow,
        ActionKind::Reproduce,
        ActionKind::Step,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Idle => "idle",
            ActionKind::Wander => "wander",
            ActionKind::Travel => "travel",
            ActionKind::Gather => "gather",
            ActionKind::Trade => "trade",
            ActionKind::Chat => "chat",
            ActionKind::Attack => "attack",
            ActionKind::Flee => "flee",
            ActionKind::Rest => "rest",
            ActionKind::Socialise => "socialise",
            ActionKind::Follow => "follow",
            ActionKind::Reproduce => "reproduce",
            ActionKind::Step => "step",
        }
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Idle { .. } => ActionKind::Idle,
            Action::Wander { .. } => ActionKind::Wander,
            Action::Travel { .. } => ActionKind::Travel,
            Action::Gather { .. } => ActionKind::Gather,
            Action::Trade { .. } => ActionKind::Trade,
            Action::Chat { .. } => ActionKind::Chat,
            Action::Attack { .. } => ActionKind::Attack,
            Action::Flee { .. } => ActionKind::Flee,
            Action::Rest { .. } => ActionKind::Rest,
            Action::Socialise { .. } => ActionKind::Socialise,
            Action::Follow { .. } => ActionKind::Follow,
            Action::Reproduce { .. } => ActionKind::Reproduce,
            Action::Step { .. } => ActionKind::Step,
        }
    }
}

/// Where an intent came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The agent's own brain (an NPC, or a bot player).
    Brain,
    /// A connected client, which owns (at most) one entity.
    Client { owns: Option<EntityId> },
}

/// An intent of one actor, stamped with its source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Intent {
    pub actor: EntityId,
    pub entity: Entity,
    pub source: Source,
    pub action: Action,
    /// The outside request this intent answers (a client's action); its
    /// events carry it, so the request can be acknowledged.
    pub correlation: Option<u64>,
}

/// This tick's intents, sorted by actor id: the order Govern and Apply see.
#[derive(Resource, Clone, Debug, Default)]
pub struct Intents(pub Vec<Intent>);

/// What this tick's chat intents say, by correlation. Intents stay small and
/// `Copy`; the words of a client's or actor's chat wait here for Apply,
/// which puts them (cut to the length governance allowed) in the event.
#[derive(Resource, Clone, Debug, Default)]
pub struct ChatTexts(pub std::collections::BTreeMap<u64, std::sync::Arc<str>>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_kind_table_matches_enum_order() {
        for (i, k) in ActionKind::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i, "{}", k.as_str());
        }
    }
}
