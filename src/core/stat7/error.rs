//! The error type of the STAT7 module: everything that can make a bit-chain
//! unaddressable or a coordinate name unparseable.

/// Why a STAT7 value could not be parsed or canonically serialized.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Stat7Error {
    /// A float that must be canonicalized was NaN or infinite.
    #[error("{field} must be finite, got {value}")]
    NonFinite {
        /// Which value was rejected (e.g. `stat7_coordinates.resonance`).
        field: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A realm name outside `data, narrative, system, faculty, event, pattern, void`.
    #[error("unknown STAT7 realm {0:?}")]
    UnknownRealm(String),
    /// A horizon name outside `genesis, emergence, peak, decay, crystallization`.
    #[error("unknown STAT7 horizon {0:?}")]
    UnknownHorizon(String),
    /// An entity type outside `concept, artifact, agent, lineage, adjacency, horizon, fragment`.
    #[error("unknown STAT7 entity type {0:?}")]
    UnknownEntityType(String),
    /// A JSON number with no integer or finite float reading (only possible
    /// if some dependency turns on serde_json's `arbitrary_precision`).
    #[error("JSON number {0} is neither an integer nor a finite float")]
    InvalidNumber(String),
}
