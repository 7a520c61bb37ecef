//! The director as data (a scenario's `director:` section; absent, there
//! is none): what raises and lowers a zone's tension and how fast it fades,
//! the band each realm's zones should stay in, how long each of the four
//! states lasts at least, and what a raid may cost. Warbler's director
//! (`narrative::director`) reads it; the brain never does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::event::EventKind;
use crate::core::stat7::Realm;

/// A scenario's director.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectorSpec {
    /// Off, tension is still measured (time in band with no director: the
    /// baseline a director is judged against) but nothing is decided.
    #[serde(default = "yes")]
    pub on: bool,
    /// The zones it directs, by name (empty: every zone). Tension and time
    /// in band are measured in every zone.
    #[serde(default)]
    pub zones: Vec<String>,
    /// Ticks between two looks at the zones.
    #[serde(default = "every")]
    pub every: u32,
    /// Ticks for a zone's tension to halve while no blow is struck there.
    #[serde(default = "half_life")]
    pub half_life: u32,
    /// Ticks before time in band is counted (tension starts at 0).
    #[serde(default = "warmup")]
    pub warmup: u32,
    /// Tension an event of each kind adds in its zone (negative: calms).
    #[serde(default = "weights")]
    pub weights: BTreeMap<EventKind, f32>,
    /// The band of zones of a realm not in `bands`.
    #[serde(default = "band")]
    pub band: Band,
    #[serde(default)]
    pub bands: BTreeMap<Realm, Band>,
    /// Least ticks in each state before it may change.
    #[serde(default)]
    pub states: StateTicks,
    #[serde(default)]
    pub raid: RaidSpec,
    /// The calming action: called when a zone is above its band.
    #[serde(default)]
    pub festival: super::festival::FestivalSpec,
    /// The other action for a zone below its band, when no raid can go.
    #[serde(default)]
    pub plague: super::plague::PlagueSpec,
    /// Most actions the director takes in one tick, over all zones.
    #[serde(default = "max_actions")]
    pub max_actions: u8,
}

/// The tension a zone should stay within.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub low: f32,
    pub high: f32,
}

impl Band {
    pub fn holds(&self, tension: f32) -> bool {
        (self.low..=self.high).contains(&tension)
    }
}

/// Least ticks in each state of the director's machine.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StateTicks {
    pub build_up: u32,
    pub sustain: u32,
    pub fade: u32,
    pub relax: u32,
}

impl Default for StateTicks {
    fn default() -> Self {
        StateTicks {
            build_up: 50,
            sustain: 100,
            fade: 50,
            relax: 150,
        }
    }
}

/// What a raid may cost: its points come from the zone's people and coins,
/// the first raids ramp up to them, and each monster costs `per_monster`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RaidSpec {
    /// Points per agent in the zone.
    pub per_head: f32,
    /// Points per 100 coins in the zone's treasury.
    pub per_100_coins: f32,
    /// The first `ramp` raids get 1/ramp, 2/ramp, ... of the points.
    pub ramp: u32,
    pub per_monster: f32,
    pub max_monsters: u32,
    /// Least ticks between two raids on one zone.
    pub cooldown: u32,
}

impl Default for RaidSpec {
    fn default() -> Self {
        RaidSpec {
            per_head: 0.5,
            per_100_coins: 0.1,
            ramp: 3,
            per_monster: 4.0,
            max_monsters: 12,
            cooldown: 200,
        }
    }
}

fn yes() -> bool {
    true
}
fn every() -> u32 {
    10
}
fn half_life() -> u32 {
    150
}
fn warmup() -> u32 {
    300
}
fn max_actions() -> u8 {
    2
}
fn band() -> Band {
    Band {
        low: 5.0,
        high: 30.0,
    }
}

/// Blows and deaths raise tension; births and festivities calm it.
fn weights() -> BTreeMap<EventKind, f32> {
    BTreeMap::from([
        (EventKind::Attack, 0.5),
        (EventKind::Death, 3.0),
        (EventKind::Grief, 1.0),
        (EventKind::Infected, 1.0),
        (EventKind::Birth, -2.0),
        (EventKind::Socialise, -0.05),
    ])
}

/// Longest interval (ticks) any director setting may name.
pub const MAX_DIRECTOR_TICKS: u32 = 1_000_000;
/// Largest weight or band edge.
pub const MAX_TENSION: f32 = 1.0e6;
/// Most monsters one raid may bring.
pub const MAX_RAID_MONSTERS: u32 = 1_000;

impl DirectorSpec {
    /// The band of a zone of `realm`.
    pub fn band_of(&self, realm: Realm) -> Band {
        self.bands.get(&realm).copied().unwrap_or(self.band)
    }

    /// Checks: (field under `director.`, message).
    pub fn check(&self) -> Result<(), (String, String)> {
        let ticks = [
            ("every", self.every, 1),
            ("half_life", self.half_life, 1),
            ("warmup", self.warmup, 0),
            ("states.build_up", self.states.build_up, 0),
            ("states.sustain", self.states.sustain, 0),
            ("states.fade", self.states.fade, 0),
            ("states.relax", self.states.relax, 0),
            ("raid.cooldown", self.raid.cooldown, 0),
            ("raid.ramp", self.raid.ramp, 1),
            ("festival.ticks", self.festival.ticks, 0),
            ("festival.cooldown", self.festival.cooldown, 0),
            ("plague.ticks", self.plague.ticks, 0),
            ("plague.cooldown", self.plague.cooldown, 0),
        ];
        for (field, v, least) in ticks {
            if !(least..=MAX_DIRECTOR_TICKS).contains(&v) {
                return Err((
                    field.into(),
                    format!("{v}; must be {least} to {MAX_DIRECTOR_TICKS}"),
                ));
            }
        }
        for (kind, w) in &self.weights {
            if !w.is_finite() || w.abs() > MAX_TENSION {
                return Err((
                    format!("weights.{}", kind.as_str()),
                    format!("{w}; must be finite, at most {MAX_TENSION} either way"),
                ));
            }
        }
        let bands = std::iter::once(("band".to_string(), self.band)).chain(
            self.bands
                .iter()
                .map(|(r, b)| (format!("bands.{r:?}").to_lowercase(), *b)),
        );
        for (field, b) in bands {
            let ok = b.low.is_finite() && b.high.is_finite();
            if !ok || b.low < 0.0 || b.low > b.high || b.high > MAX_TENSION {
                return Err((
                    field,
                    format!(
                        "({}, {}); needs 0 <= low <= high <= {MAX_TENSION}",
                        b.low, b.high
                    ),
                ));
            }
        }
        let r = &self.raid;
        let points = [
            ("raid.per_head", r.per_head),
            ("raid.per_100_coins", r.per_100_coins),
        ];
        for (field, v) in points {
            if !v.is_finite() || !(0.0..=MAX_TENSION).contains(&v) {
                return Err((field.into(), format!("{v}; must be 0 to {MAX_TENSION}")));
            }
        }
        if !r.per_monster.is_finite() || !(0.01..=MAX_TENSION).contains(&r.per_monster) {
            return Err((
                "raid.per_monster".into(),
                format!("{}; must be 0.01 to {MAX_TENSION}", r.per_monster),
            ));
        }
        self.festival
            .check()
            .map_err(|(f, m)| (format!("festival.{f}"), m))?;
        self.plague
            .check()
            .map_err(|(f, m)| (format!("plague.{f}"), m))?;
        if r.max_monsters > MAX_RAID_MONSTERS {
            return Err((
                "raid.max_monsters".into(),
                format!("{}; at most {MAX_RAID_MONSTERS}", r.max_monsters),
            ));
        }
        Ok(())
    }
}

/// The director's four states (Left 4 Dead's): tension is let build up,
/// held at its peak, let fade, and the zone left to relax before the next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectorState {
    #[default]
    BuildUp,
    Sustain,
    Fade,
    Relax,
}

impl DirectorState {
    pub fn as_str(self) -> &'static str {
        match self {
            DirectorState::BuildUp => "build_up",
            DirectorState::Sustain => "sustain",
            DirectorState::Fade => "fade",
            DirectorState::Relax => "relax",
        }
    }
}

/// What a director's decision does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectorAct {
    /// The zone's machine moved to `state`.
    Shift,
    /// Monsters sent to the zone: they arrive at its edge next tick and
    /// head for its point of interest.
    Raid,
    /// The peak is over: the zone's raiders withdraw (with the shift to
    /// `fade`).
    Withdraw,
    /// The zone is above its band: a festival calms it for a while.
    Festival,
    /// The zone is below its band and no raid can go: a plague is seeded.
    Plague,
}

impl DirectorAct {
    pub fn as_str(self) -> &'static str {
        match self {
            DirectorAct::Shift => "shift",
            DirectorAct::Raid => "raid",
            DirectorAct::Withdraw => "withdraw",
            DirectorAct::Festival => "festival",
            DirectorAct::Plague => "plague",
        }
    }
}

/// Raids the director ordered in Narrate, carried out at the next tick's
/// Input (the population spawns or withdraws the monsters): the only way
/// the director touches the world, so the tick's order stays written in
/// one place.
#[derive(bevy::prelude::Resource, Debug, Default)]
pub struct RaidOrders(pub Vec<RaidOrder>);

/// One order; `decision` is the seq of the director's decision, which the
/// raiders' spawns or departures cite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RaidOrder {
    /// Monsters arrive at the zone's edge and head for its point of interest.
    Send {
        zone: u16,
        monsters: u16,
        decision: u64,
    },
    /// The zone's raiders still there leave (the peak is over).
    Withdraw { zone: u16, decision: u64 },
}
