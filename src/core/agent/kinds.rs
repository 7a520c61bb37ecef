//! The closed sets that describe who an entity is and what it can be doing:
//! NPC archetypes, bot-player profiles and activities. They are enums (not
//! strings) so that tables indexed by them are plain arrays on the hot path.

use serde::{Deserialize, Serialize};

/// What an NPC is. Monsters are NPCs too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Archetype {
    Merchant,
    Guard,
    Scholar,
    Mystic,
    Artisan,
    Villager,
    Monster,
}

/// How a bot player plays (headless runs drive players with these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Trader,
    Fighter,
    Chatter,
    Explorer,
    /// Breaks rules on purpose: attacks anyone, anywhere.
    Griefer,
}

/// An entity's kind: an NPC of some archetype or a player of some profile.
/// In files it is written by its flat name (`merchant`, `trader`); see
/// `scenario::types` for the serde side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgentKind {
    Npc(Archetype),
    Player(Profile),
}

/// Everything an entity can spend its time on. Each is a real activity with
/// consequences in Apply; none is decoration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activity {
    Idle,
    Wander,
    Travel,
    Gather,
    Trade,
    Chat,
    Fight,
    Flee,
    Rest,
    Socialise,
    Follow,
}

impl Archetype {
    pub const ALL: [Archetype; 7] = [
        Archetype::Merchant,
        Archetype::Guard,
        Archetype::Scholar,
        Archetype::Mystic,
        Archetype::Artisan,
        Archetype::Villager,
        Archetype::Monster,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Archetype::Merchant => "merchant",
            Archetype::Guard => "guard",
            Archetype::Scholar => "scholar",
            Archetype::Mystic => "mystic",
            Archetype::Artisan => "artisan",
            Archetype::Villager => "villager",
            Archetype::Monster => "monster",
        }
    }
}

impl Profile {
    pub const ALL: [Profile; 5] = [
        Profile::Trader,
        Profile::Fighter,
        Profile::Chatter,
        Profile::Explorer,
        Profile::Griefer,
    ];

    /// The profile's name, as files and the command line spell it.
    pub fn name(self) -> &'static str {
        self.as_str()
    }

    /// Dense index for per-profile tables.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Trader => "trader",
            Profile::Fighter => "fighter",
            Profile::Chatter => "chatter",
            Profile::Explorer => "explorer",
            Profile::Griefer => "griefer",
        }
    }
}

/// Number of distinct [`AgentKind`]s; tables indexed by kind have this length.
pub const KIND_COUNT: usize = Archetype::ALL.len() + Profile::ALL.len();

impl AgentKind {
    /// Every kind, in table order.
    pub fn all() -> impl Iterator<Item = AgentKind> {
        Archetype::ALL
            .into_iter()
            .map(AgentKind::Npc)
            .chain(Profile::ALL.into_iter().map(AgentKind::Player))
    }

    /// Dense index for per-kind tables.
    pub fn index(self) -> usize {
        match self {
            AgentKind::Npc(a) => a as usize,
            AgentKind::Player(p) => Archetype::ALL.len() + p as usize,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AgentKind::Npc(a) => a.as_str(),
            AgentKind::Player(p) => p.as_str(),
        }
    }

    pub fn is_player(self) -> bool {
        matches!(self, AgentKind::Player(_))
    }

    pub fn is_monster(self) -> bool {
        self == AgentKind::Npc(Archetype::Monster)
    }

    /// Whether this kind starts fights with `other` on its own initiative.
    pub fn hostile_to(self, other: AgentKind) -> bool {
        match self {
            AgentKind::Npc(Archetype::Monster) => !other.is_monster(),
            AgentKind::Npc(Archetype::Guard) | AgentKind::Player(Profile::Fighter) => {
                other.is_monster() || other == AgentKind::Player(Profile::Griefer)
            }
            AgentKind::Player(Profile::Griefer) => other != self,
            _ => false,
        }
    }

    /// Whether this kind trades at all.
    pub fn trades(self) -> bool {
        !self.is_monster()
    }

    /// Whether this kind has children (players and monsters do not).
    pub fn breeds(self) -> bool {
        matches!(self, AgentKind::Npc(a) if a != Archetype::Monster)
    }

    /// Walking speed in metres per second.
    pub fn speed(self) -> f32 {
        match self {
            AgentKind::Npc(Archetype::Monster) => 2.2,
            AgentKind::Npc(Archetype::Guard) => 1.8,
            AgentKind::Npc(_) => 1.4,
            AgentKind::Player(_) => 2.5,
        }
    }

    /// Damage dealt by one blow, before the random spread.
    pub fn power(self) -> u16 {
        match self {
            AgentKind::Npc(Archetype::Monster) => 14,
            AgentKind::Npc(Archetype::Guard) => 18,
            AgentKind::Player(Profile::Fighter) | AgentKind::Player(Profile::Griefer) => 16,
            _ => 5,
        }
    }
}

/// Number of activities; per-kind weight rows have this length.
pub const ACTIVITY_COUNT: usize = 11;

impl Activity {
    pub const ALL: [Activity; ACTIVITY_COUNT] = [
        Activity::Idle,
        Activity::Wander,
        Activity::Travel,
        Activity::Gather,
        Activity::Trade,
        Activity::Chat,
        Activity::Fight,
        Activity::Flee,
        Activity::Rest,
        Activity::Socialise,
        Activity::Follow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Idle => "idle",
            Activity::Wander => "wander",
            Activity::Travel => "travel",
            Activity::Gather => "gather",
            Activity::Trade => "trade",
            Activity::Chat => "chat",
            Activity::Fight => "fight",
            Activity::Flee => "flee",
            Activity::Rest => "rest",
            Activity::Socialise => "socialise",
            Activity::Follow => "follow",
        }
    }

    /// How busy an entity is while doing this, in [-1, 1]: STAT7's velocity.
    pub fn intensity(self) -> f32 {
        match self {
            Activity::Rest => -0.8,
            Activity::Idle => -0.5,
            Activity::Chat | Activity::Socialise => 0.0,
            Activity::Trade => 0.2,
            Activity::Wander => 0.3,
            Activity::Gather => 0.4,
            Activity::Follow => 0.5,
            Activity::Travel => 0.6,
            Activity::Flee => 0.9,
            Activity::Fight => 1.0,
        }
    }

    /// Energy spent (positive) or recovered (negative) per tick.
    pub fn energy_per_tick(self) -> f32 {
        match self {
            Activity::Rest => -0.6,
            Activity::Idle => -0.1,
            Activity::Chat | Activity::Socialise | Activity::Trade => 0.02,
            Activity::Wander | Activity::Follow => 0.05,
            Activity::Gather | Activity::Travel => 0.08,
            Activity::Flee | Activity::Fight => 0.2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_indices_are_dense_and_unique() {
        let idx: Vec<usize> = AgentKind::all().map(AgentKind::index).collect();
        assert_eq!(idx, (0..KIND_COUNT).collect::<Vec<_>>());
    }

    #[test]
    fn activity_table_matches_enum_order() {
        for (i, a) in Activity::ALL.iter().enumerate() {
            assert_eq!(*a as usize, i, "{}", a.as_str());
        }
    }

    #[test]
    fn monsters_and_guards_are_enemies_but_villagers_are_peaceful() {
        let monster = AgentKind::Npc(Archetype::Monster);
        let guard = AgentKind::Npc(Archetype::Guard);
        let villager = AgentKind::Npc(Archetype::Villager);
        assert!(monster.hostile_to(villager));
        assert!(guard.hostile_to(monster));
        assert!(!villager.hostile_to(monster));
        assert!(!monster.hostile_to(monster));
    }
}
