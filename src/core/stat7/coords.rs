//! The seven STAT7 dimensions as Rust types: the closed vocabularies (realm,
//! horizon, entity type) with their canonical lowercase names, and the
//! coordinate tuple itself.

use std::str::FromStr;

use super::Stat7Error;

/// Generates `ALL`, `as_str` and a strict (lowercase-only) `FromStr` for a
/// closed vocabulary, so the name table is written once per enum.
macro_rules! vocabulary {
    ($ty:ident, $err:ident, $count:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in the order docs/STAT7.md lists them.
            pub const ALL: [$ty; $count] = [$($ty::$variant),+];

            /// The canonical lowercase name used in JSON and URIs.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        // Only the exact canonical spelling parses: a second accepted spelling
        // would invite callers to hash a name that differs from the canonical one.
        impl FromStr for $ty {
            type Err = Stat7Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok($ty::$variant),)+
                    _ => Err(Stat7Error::$err(s.to_owned())),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Dimension 1: the realm a bit-chain belongs to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Realm {
    /// `data`
    Data,
    /// `narrative`
    Narrative,
    /// `system`
    System,
    /// `faculty`
    Faculty,
    /// `event`
    Event,
    /// `pattern`
    Pattern,
    /// `void`
    Void,
}

vocabulary!(Realm, UnknownRealm, 7, {
    Data => "data",
    Narrative => "narrative",
    System => "system",
    Faculty => "faculty",
    Event => "event",
    Pattern => "pattern",
    Void => "void",
});

impl Realm {
    /// The realm's colour in the original's visualizer (`#rrggbb`).
    pub fn colour_hex(self) -> &'static str {
        match self {
            Realm::Data => "#3498db",
            Realm::Narrative => "#e74c3c",
            Realm::System => "#2ecc71",
            Realm::Faculty => "#f39c12",
            Realm::Event => "#9b59b6",
            Realm::Pattern => "#1abc9c",
            Realm::Void => "#34495e",
        }
    }
}

/// Dimension 4: the life stage of a bit-chain.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Horizon {
    /// `genesis`
    Genesis,
    /// `emergence`
    Emergence,
    /// `peak`
    Peak,
    /// `decay`
    Decay,
    /// `crystallization`
    Crystallization,
}

vocabulary!(Horizon, UnknownHorizon, 5, {
    Genesis => "genesis",
    Emergence => "emergence",
    Peak => "peak",
    Decay => "decay",
    Crystallization => "crystallization",
});

/// The kind of thing a bit-chain is (seedsim entities are agents, LUCA is a fragment).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    /// `concept`
    Concept,
    /// `artifact`
    Artifact,
    /// `agent`
    Agent,
    /// `lineage`
    Lineage,
    /// `adjacency`
    Adjacency,
    /// `horizon`
    Horizon,
    /// `fragment`
    Fragment,
}

vocabulary!(EntityType, UnknownEntityType, 7, {
    Concept => "concept",
    Artifact => "artifact",
    Agent => "agent",
    Lineage => "lineage",
    Adjacency => "adjacency",
    Horizon => "horizon",
    Fragment => "fragment",
});

impl EntityType {
    /// Display size relative to a concept, as in the original's visualizer.
    pub fn relative_size(self) -> f32 {
        match self {
            EntityType::Concept => 1.0,
            EntityType::Artifact => 1.5,
            EntityType::Agent => 2.0,
            EntityType::Lineage => 1.2,
            EntityType::Adjacency => 0.8,
            EntityType::Horizon => 1.8,
            EntityType::Fragment => 0.6,
        }
    }
}

/// The seven STAT7 coordinates of one bit-chain.
///
/// Ranges (resonance and velocity in [-1, 1], density in [0, 1]) are the
/// caller's contract; only finiteness is checked, when serializing.
#[derive(Clone, Debug, PartialEq)]
pub struct Coordinates {
    /// Dimension 1.
    pub realm: Realm,
    /// Dimension 2: generation, LUCA is 0.
    pub lineage: u64,
    /// Dimension 3: ids of the strongest relationships; order is irrelevant,
    /// they are sorted whenever hashed.
    pub adjacency: Vec<String>,
    /// Dimension 4.
    pub horizon: Horizon,
    /// Dimension 5: mood / alignment.
    pub resonance: f64,
    /// Dimension 6: activity.
    pub velocity: f64,
    /// Dimension 7: local crowding.
    pub density: f64,
}
