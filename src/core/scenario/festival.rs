//! The director's calming action as data (`director.festival`): for a
//! while, a zone's people favour company and trade over fights and have
//! children more readily. The director calls one when a zone's tension is
//! above its band; the brain reads the zones' festivals in Decide
//! ([`ZoneFestivals`]), the only way a festival touches the world.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::agent::kinds::{ACTIVITY_COUNT, Activity};
use crate::core::scenario::limits::MAX_WEIGHT;

/// A festival's length, how soon another may follow, and its bias.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FestivalSpec {
    /// Ticks it lasts (0: the director never calls one).
    pub ticks: u32,
    /// Least ticks from one festival's call in a zone to the next's.
    pub cooldown: u32,
    /// Activity weight multipliers for the zone's people (absent: 1).
    pub bias: BTreeMap<Activity, f32>,
    /// Multiplies the chance of a child.
    pub birth: f32,
}

impl Default for FestivalSpec {
    fn default() -> Self {
        FestivalSpec {
            ticks: 200,
            cooldown: 300,
            bias: BTreeMap::from([
                (Activity::Socialise, 3.0),
                (Activity::Chat, 2.0),
                (Activity::Trade, 2.0),
                (Activity::Fight, 0.2),
            ]),
            birth: 2.0,
        }
    }
}

impl FestivalSpec {
    /// Checks: (field under `director.festival.`, message).
    pub fn check(&self) -> Result<(), (String, String)> {
        for (a, w) in &self.bias {
            if !w.is_finite() || !(0.0..=MAX_WEIGHT).contains(w) {
                return Err((
                    format!("bias.{}", a.as_str()),
                    format!("{w}; must be 0 to {MAX_WEIGHT}"),
                ));
            }
        }
        if !self.birth.is_finite() || !(0.0..=MAX_WEIGHT).contains(&self.birth) {
            return Err((
                "birth".into(),
                format!("{}; must be 0 to {MAX_WEIGHT}", self.birth),
            ));
        }
        Ok(())
    }

    /// The bias as a row of multipliers by activity.
    pub fn row(&self) -> [f32; ACTIVITY_COUNT] {
        let mut row = [1.0; ACTIVITY_COUNT];
        for (a, w) in &self.bias {
            row[*a as usize] = *w;
        }
        row
    }
}

/// Each zone's festival, if one is on: what the brain reads.
#[derive(bevy::prelude::Resource, Clone, Debug)]
pub struct ZoneFestivals {
    /// By zone index: the tick its festival ends (0: none yet).
    pub until: Vec<u64>,
    pub bias: [f32; ACTIVITY_COUNT],
    pub birth: f32,
}

impl Default for ZoneFestivals {
    fn default() -> Self {
        ZoneFestivals::new(&FestivalSpec::default())
    }
}

impl ZoneFestivals {
    pub fn new(spec: &FestivalSpec) -> ZoneFestivals {
        ZoneFestivals {
            until: Vec::new(),
            bias: spec.row(),
            birth: spec.birth,
        }
    }

    /// Whether zone `zone` holds a festival at `tick`.
    pub fn on(&self, zone: usize, tick: u64) -> bool {
        self.until.get(zone).is_some_and(|&end| tick < end)
    }

    /// Zone `zone` holds a festival until `end`.
    pub fn call(&mut self, zone: usize, end: u64) {
        if self.until.len() <= zone {
            self.until.resize(zone + 1, 0);
        }
        self.until[zone] = end;
    }
}
