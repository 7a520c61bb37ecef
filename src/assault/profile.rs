//! Who a virtual player is: its profile (one of the agent vocabulary's
//! `Profile`s, assigned by a `ProfileChoice` of the scenario format) and
//! the [`View`] a client keeps of its entity and the world, which its
//! behaviour ([`super::behaviour`]) chooses actions from.

use crate::core::protocol::{EntityView, WorldInfo};

pub use crate::core::agent::Profile;
pub use crate::core::scenario::ProfileChoice;

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
