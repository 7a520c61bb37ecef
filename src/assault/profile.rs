//! Who a virtual player is: the profiles (trader, fighter, chatter,
//! explorer, griefer), how `mixed` assigns them to client indices (a fixed
//! cycle, so a run's population is the same for the same client count), and
//! the [`View`] a client keeps of its entity and the world, which its
//! behaviour ([`super::behaviour`]) chooses actions from.

use serde::Serialize;

use crate::net::protocol::{EntityView, WorldInfo};

/// One way to play.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// Trades with its neighbours, gathers goods to sell.
    Trader,
    /// Attacks and chases its neighbours.
    Fighter,
    /// Talks and socialises.
    Chatter,
    /// Walks and travels between zones.
    Explorer,
    /// Breaks the rules on purpose: teleports, absurd trades, chat spam.
    Griefer,
}

impl Profile {
    pub const ALL: [Profile; 5] = [
        Profile::Trader,
        Profile::Fighter,
        Profile::Chatter,
        Profile::Explorer,
        Profile::Griefer,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Profile::Trader => "trader",
            Profile::Fighter => "fighter",
            Profile::Chatter => "chatter",
            Profile::Explorer => "explorer",
            Profile::Griefer => "griefer",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The profile of every client, or `mixed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ProfileChoice {
    /// A fixed mix by client index: in every ten clients three explorers, two
    /// traders, two chatters, two fighters and one griefer.
    Mixed,
    Trader,
    Fighter,
    Chatter,
    Explorer,
    Griefer,
}

/// The `mixed` cycle: the first five clients already cover every profile, so
/// even a small run exercises them all.
const MIX: [Profile; 10] = [
    Profile::Explorer,
    Profile::Trader,
    Profile::Chatter,
    Profile::Fighter,
    Profile::Griefer,
    Profile::Explorer,
    Profile::Trader,
    Profile::Explorer,
    Profile::Chatter,
    Profile::Fighter,
];

impl ProfileChoice {
    pub fn name(self) -> &'static str {
        match self {
            ProfileChoice::Mixed => "mixed",
            ProfileChoice::Trader => "trader",
            ProfileChoice::Fighter => "fighter",
            ProfileChoice::Chatter => "chatter",
            ProfileChoice::Explorer => "explorer",
            ProfileChoice::Griefer => "griefer",
        }
    }

    /// The profile client `index` plays.
    pub fn for_client(self, index: u64) -> Profile {
        match self {
            ProfileChoice::Mixed => MIX[(index % MIX.len() as u64) as usize],
            ProfileChoice::Trader => Profile::Trader,
            ProfileChoice::Fighter => Profile::Fighter,
            ProfileChoice::Chatter => Profile::Chatter,
            ProfileChoice::Explorer => Profile::Explorer,
            ProfileChoice::Griefer => Profile::Griefer,
        }
    }
}

/// A zone's extent, from `hello`.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneBox {
    pub id: u16,
    pub min: [f32; 2],
    pub max: [f32; 2],
}

/// What a client knows of its entity and the world.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    /// The entity this client owns (from `welcome`).
    pub me: Option<u64>,
    /// Where the entity is: from `welcome`, the moves the server permitted
    /// unchanged, and the entity's own deltas when the client tracks it.
    /// Without those deltas it goes stale when the server moves the entity
    /// on its own (travel, follow), and an honest step from a stale position
    /// can then be mutated by the speed limit.
    pub pos: [f32; 2],
    pub zone: u16,
    /// Entity ids near the entity at login: partners and targets.
    pub nearby: Vec<u64>,
    pub size: [f32; 2],
    pub zones: Vec<ZoneBox>,
}

impl View {
    /// Takes the owned entity's state from a snapshot or delta.
    pub fn learn_self(&mut self, entity: &EntityView) {
        if self.me == Some(entity.id) {
            self.pos = [entity.x, entity.y];
            self.zone = entity.zone;
        }
    }

    /// Takes the world's extent and zones from `hello`.
    pub fn learn_world(&mut self, world: &WorldInfo) {
        self.size = world.size;
        self.zones = world
            .zones
            .iter()
            .map(|z| ZoneBox {
                id: z.id,
                min: z.min,
                max: z.max,
            })
            .collect();
    }
}

/// A cycle of profiles in which each appears in proportion to its weight,
/// spread out (smooth weighted round robin) so that the first clients
/// already show the mix. Deterministic: the same weights, the same cycle.
pub fn weighted_cycle(weights: &[(Profile, u32)]) -> Vec<Profile> {
    let total: i64 = weights.iter().map(|(_, w)| *w as i64).sum();
    let mut credit = vec![0i64; weights.len()];
    let mut out = Vec::with_capacity(total.max(0) as usize);
    for _ in 0..total {
        for (c, (_, w)) in credit.iter_mut().zip(weights) {
            *c += *w as i64;
        }
        // The largest credit goes next; ties go to the first listed.
        let Some((best, _)) = credit.iter().enumerate().rev().max_by_key(|(_, c)| **c) else {
            break;
        };
        credit[best] -= total;
        out.push(weights[best].0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_learns_only_its_own_entity() {
        let entity = |id: u64, x: f32| EntityView {
            id,
            kind: "player".into(),
            x,
            y: 2.0,
            zone: 3,
            health: 1.0,
            wealth: 0,
            activity: "idle".into(),
        };
        let mut v = View::default();
        v.learn_self(&entity(5, 1.0));
        assert_eq!(v.pos, [0.0, 0.0], "no entity owned yet");
        v.me = Some(5);
        v.learn_self(&entity(6, 9.0));
        v.learn_self(&entity(5, 1.0));
        assert_eq!((v.pos, v.zone), ([1.0, 2.0], 3));
    }
}
