//! The data types of a scenario file. Range checks live in small newtypes
//! (`Unit`, `NonNeg`, ...) so that a bad value is rejected by the parser at the
//! exact line and column it sits on.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::core::agent::kinds::{Activity, AgentKind, Archetype, Profile};
use crate::core::stat7::Realm;

use super::{
    ActorSpec, Assertion, ClientsSpec, FaultSpec, NarrativePack, ReactionSet, ScenarioPolicies,
};

/// One scenario: everything a run needs besides the seed override.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub seed: u64,
    pub ticks: Ticks,
    pub world: WorldSpec,
    pub zones: Vec<ZoneSpec>,
    pub population: PopulationSpec,
    #[serde(default)]
    pub spawn: SpawnSpec,
    #[serde(default)]
    pub params: ParamsSpec,
    #[serde(default)]
    pub waves: Vec<WaveSpec>,
    /// Replaces the shipped reaction rules (`assets/reactions/default.ron`).
    #[serde(default)]
    pub reactions: Option<ReactionSet>,
    /// Extends or replaces the shipped policies (`assets/policies/default.ron`).
    #[serde(default)]
    pub policies: Option<ScenarioPolicies>,
    /// Replaces the shipped narrative pack (`assets/narrative/pack.ron`).
    #[serde(default)]
    pub narrative: Option<NarrativePack>,
    /// A director that keeps each zone's tension in its band (absent: none).
    #[serde(default)]
    pub director: Option<super::director::DirectorSpec>,
    /// Connected clients: the run serves the world (on loopback, ephemeral
    /// ports) and this many real WebSocket players assault it.
    #[serde(default)]
    pub clients: Option<ClientsSpec>,
    /// Scripted actors (see `actors`).
    #[serde(default)]
    pub actors: Vec<ActorSpec>,
    /// What goes wrong, and when (see `faults`).
    #[serde(default)]
    pub faults: Vec<FaultSpec>,
    /// What must hold for the run to pass (see `checks`).
    #[serde(default)]
    pub assertions: Vec<Assertion>,
    /// Bounds on metrics, k6 style: metric (with an optional `{tag:value}`)
    /// → expressions such as `"p99 < 20"`.
    #[serde(default)]
    pub thresholds: BTreeMap<String, Vec<String>>,
    /// Stop the run as soon as a threshold fails.
    #[serde(default)]
    pub abort_on_fail: bool,
}

impl Scenario {
    /// The narrative pack in force: the scenario's own, else the shipped one.
    pub fn narrative_pack(&self) -> NarrativePack {
        self.narrative
            .clone()
            .unwrap_or_else(NarrativePack::shipped)
    }

    /// The narrative pack in force as RON text: the shipped file as it is,
    /// or the scenario's own pack written out.
    pub fn narrative_text(&self) -> String {
        match &self.narrative {
            None => super::narrative::SHIPPED.to_string(),
            Some(pack) => ron::ser::to_string_pretty(pack, ron::ser::PrettyConfig::default())
                .unwrap_or_default(),
        }
    }

    /// The reaction rules in force: the scenario's own, else the shipped ones.
    pub fn reaction_set(&self) -> ReactionSet {
        self.reactions.clone().unwrap_or_else(ReactionSet::shipped)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldSpec {
    /// Width and height of the plane in metres.
    pub size: (Positive, Positive),
    /// Side of a spatial-grid cell in metres: the neighbour-query radius.
    #[serde(default = "default_cell_size")]
    pub cell_size: Positive,
}

fn default_cell_size() -> Positive {
    Positive(10.0)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSpec {
    pub name: String,
    pub realm: Realm,
    /// `(x0, y0, x1, y1)` in metres; later zones win where zones overlap.
    pub rect: Rect,
    /// Point of interest travellers head for; the rect's centre if absent.
    #[serde(default)]
    pub poi: Option<(f32, f32)>,
    /// No fighting here.
    #[serde(default)]
    pub safe: bool,
    /// Players may fight players here.
    #[serde(default)]
    pub pvp: bool,
    /// Soft cap: nobody is born here while it is reached.
    #[serde(default)]
    pub population_cap: Option<u32>,
    /// How much there is to gather, 0..=1.
    #[serde(default = "default_richness")]
    pub richness: Unit,
}

fn default_richness() -> Unit {
    Unit(0.5)
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    pub groups: Vec<GroupSpec>,
    /// NPC lifespan in ticks, drawn uniformly in this range.
    #[serde(default = "default_lifespan")]
    pub lifespan_ticks: TickRange,
    /// How long a bot player stays logged in, in ticks.
    #[serde(default = "default_session")]
    pub session_ticks: TickRange,
}

fn default_lifespan() -> TickRange {
    TickRange(3000, 9000)
}

fn default_session() -> TickRange {
    TickRange(1000, 6000)
}

/// `count` entities of one kind, placed in `zone` (anywhere if absent).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    pub kind: AgentKind,
    pub count: Count,
    #[serde(default)]
    pub zone: Option<String>,
    /// Starting wealth, drawn uniformly in this range.
    #[serde(default = "default_wealth")]
    pub wealth: (u32, u32),
}

fn default_wealth() -> (u32, u32) {
    (50, 150)
}

/// Arrivals while the run goes: players logging in, monsters respawning.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpawnSpec {
    #[serde(default)]
    pub players_per_tick: NonNeg,
    #[serde(default)]
    pub max_players: u32,
    /// Zone where players arrive; the first safe zone (else the first) if absent.
    #[serde(default)]
    pub player_zone: Option<String>,
    #[serde(default)]
    pub monsters_per_tick: NonNeg,
    #[serde(default)]
    pub max_monsters: u32,
}

/// Starting values of the tunable parameters (see `population::SimParams`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamsSpec {
    #[serde(default = "one")]
    pub birth_rate: NonNeg,
    #[serde(default = "one")]
    pub death_rate: Positive,
    /// Per-kind overrides of the default behaviour weights.
    #[serde(default)]
    pub weights: BTreeMap<AgentKind, BTreeMap<Activity, NonNeg>>,
    /// Whether goals steer lives (they are adopted and told either way).
    #[serde(default = "yes")]
    pub goals: bool,
    /// How far a goal's bias moves the brain's weights, 0..=4 (1: as the
    /// narrative pack says).
    #[serde(default = "one")]
    pub goal_strength: NonNeg,
}

impl Default for ParamsSpec {
    fn default() -> Self {
        ParamsSpec {
            birth_rate: NonNeg(1.0),
            death_rate: Positive(1.0),
            weights: BTreeMap::new(),
            goals: true,
            goal_strength: NonNeg(1.0),
        }
    }
}

fn yes() -> bool {
    true
}

fn one<T: From<f32>>() -> T {
    T::from(1.0)
}

/// A scripted spawn at a given tick (an internal input source).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaveSpec {
    pub tick: u64,
    pub kind: AgentKind,
    pub count: Count,
    #[serde(default)]
    pub zone: Option<String>,
}

macro_rules! checked_f32 {
    ($name:ident, $doc:literal, $ok:expr, $expect:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub f32);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = f32::deserialize(d)?;
                let ok: fn(f32) -> bool = $ok;
                if v.is_finite() && ok(v) {
                    Ok($name(v))
                } else {
                    Err(serde::de::Error::custom(format!(
                        "{v} is out of range: expected {}",
                        $expect
                    )))
                }
            }
        }

        impl From<f32> for $name {
            fn from(v: f32) -> Self {
                $name(v)
            }
        }
    };
}

checked_f32!(
    Unit,
    "A number in [0, 1].",
    |v| (0.0..=1.0).contains(&v),
    "a number in [0, 1]"
);
checked_f32!(NonNeg, "A number ≥ 0.", |v| v >= 0.0, "a number >= 0");
checked_f32!(Positive, "A number > 0.", |v| v > 0.0, "a number > 0");

/// A number of entities, at most ten million per group.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Count(pub u32);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u32::deserialize(d)?;
        if v <= 10_000_000 {
            Ok(Count(v))
        } else {
            Err(serde::de::Error::custom(format!(
                "{v} is too many: at most 10000000 per group"
            )))
        }
    }
}

/// A run length in ticks, at least 1.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Ticks(pub u64);

impl<'de> Deserialize<'de> for Ticks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u64::deserialize(d)? {
            0 => Err(serde::de::Error::custom("0 ticks: a run needs at least 1")),
            v => Ok(Ticks(v)),
        }
    }
}

/// `(min, max)` ticks with `1 <= min <= max`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TickRange(pub u32, pub u32);

impl<'de> Deserialize<'de> for TickRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (lo, hi) = <(u32, u32)>::deserialize(d)?;
        if lo >= 1 && lo <= hi {
            Ok(TickRange(lo, hi))
        } else {
            Err(serde::de::Error::custom(format!(
                "({lo}, {hi}) is not a range: expected (min, max) with 1 <= min <= max"
            )))
        }
    }
}

/// `(x0, y0, x1, y1)` with `x0 < x1` and `y0 < y1`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Rect(pub f32, pub f32, pub f32, pub f32);

impl<'de> Deserialize<'de> for Rect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (x0, y0, x1, y1) = <(f32, f32, f32, f32)>::deserialize(d)?;
        let finite = [x0, y0, x1, y1].iter().all(|v| v.is_finite());
        if finite && x0 < x1 && y0 < y1 {
            Ok(Rect(x0, y0, x1, y1))
        } else {
            Err(serde::de::Error::custom(format!(
                "({x0}, {y0}, {x1}, {y1}) is not a rectangle: expected (x0, y0, x1, y1) with x0 < x1 and y0 < y1"
            )))
        }
    }
}

/// The flat names users write for kinds (`merchant`, `trader`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum KindName {
    Merchant,
    Guard,
    Scholar,
    Mystic,
    Artisan,
    Villager,
    Monster,
    Trader,
    Fighter,
    Chatter,
    Explorer,
    Griefer,
}

const KIND_NAMES: [KindName; 12] = [
    KindName::Merchant,
    KindName::Guard,
    KindName::Scholar,
    KindName::Mystic,
    KindName::Artisan,
    KindName::Villager,
    KindName::Monster,
    KindName::Trader,
    KindName::Fighter,
    KindName::Chatter,
    KindName::Explorer,
    KindName::Griefer,
];

impl From<KindName> for AgentKind {
    fn from(k: KindName) -> Self {
        let i = k as usize;
        match Archetype::ALL.get(i) {
            Some(a) => AgentKind::Npc(*a),
            None => AgentKind::Player(Profile::ALL[i - Archetype::ALL.len()]),
        }
    }
}

impl Serialize for AgentKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        KIND_NAMES[self.index()].serialize(s)
    }
}

impl<'de> Deserialize<'de> for AgentKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        KindName::deserialize(d).map(AgentKind::from)
    }
}
