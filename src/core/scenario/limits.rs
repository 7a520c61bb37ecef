//! The limits every way into a run shares: a scenario file when it loads
//! and a tunable changed while the run goes (`PUT /api/tunables`, the
//! window's panel) are held to the same numbers, so nothing reachable at
//! run time is beyond what a file may ask for.

/// Most agents a run may ever hold at once: initial groups, every wave
/// and the arrival caps together.
pub const MAX_POPULATION: u64 = 20_000_000;
/// Most players (or monsters) arriving per tick.
pub const MAX_ARRIVALS_PER_TICK: f32 = 10_000.0;
/// Largest behaviour weight: a row of them sums to a finite number.
pub const MAX_WEIGHT: f32 = 1_000_000.0;
/// Most client connections (players and viewers) one process drives: past
/// this a machine runs out of descriptors and memory, and a load that big
/// is split over machines (`--shard`).
pub const MAX_CLIENTS: u64 = 100_000;
/// Largest birth or death rate multiplier.
pub const MAX_RATE: f32 = 100.0;
