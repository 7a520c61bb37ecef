//! The director's plague as data (`director.plague`): seeded in a few of a
//! quiet zone's people, it passes from one to another through their chats
//! and socials by hashed chance, drains the health of the infected (some
//! die of it, a death of its own cause) and ends for each after a while.
//! Its victims are capped per plague. The director orders one in Narrate
//! ([`PlagueOrders`]); the population carries it out in Apply.

use serde::{Deserialize, Serialize};

/// A plague's reach and harm.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlagueSpec {
    /// Ticks an infection lasts (0: the director never sends a plague).
    pub ticks: u32,
    /// People first infected.
    pub seeds: u32,
    /// Chance that a chat or a social passes it on.
    pub chance: f32,
    /// Health an infected loses each tick.
    pub drain: f32,
    /// Most people one plague infects, seeds included.
    pub max_victims: u32,
    /// Least ticks between two plagues in one zone.
    pub cooldown: u32,
}

impl Default for PlagueSpec {
    fn default() -> Self {
        PlagueSpec {
            ticks: 150,
            seeds: 3,
            chance: 0.3,
            drain: 0.7,
            max_victims: 20,
            cooldown: 1500,
        }
    }
}

/// Most victims a plague may be given.
pub const MAX_PLAGUE_VICTIMS: u32 = 100_000;

impl PlagueSpec {
    /// Checks: (field under `director.plague.`, message).
    pub fn check(&self) -> Result<(), (String, String)> {
        if !self.chance.is_finite() || !(0.0..=1.0).contains(&self.chance) {
            return Err(("chance".into(), format!("{}; must be 0 to 1", self.chance)));
        }
        if !self.drain.is_finite() || !(0.0..=100.0).contains(&self.drain) {
            return Err(("drain".into(), format!("{}; must be 0 to 100", self.drain)));
        }
        if self.max_victims > MAX_PLAGUE_VICTIMS || self.seeds > self.max_victims {
            return Err((
                "max_victims".into(),
                format!(
                    "{} (seeds {}); needs seeds <= max_victims <= {MAX_PLAGUE_VICTIMS}",
                    self.max_victims, self.seeds
                ),
            ));
        }
        Ok(())
    }
}

/// Plagues the director ordered in Narrate, sent at the next tick's Apply,
/// and the spec they follow.
#[derive(bevy::prelude::Resource, Debug, Default)]
pub struct PlagueOrders {
    /// (zone id, seq of the decision, which the first infections cite).
    pub orders: Vec<(u16, u64)>,
    pub spec: PlagueSpec,
}
