//! The shipped behaviour weights: how much each kind of agent likes each
//! activity before a scenario or a tunable changes it. Part of the
//! vocabulary because scenario files are checked against it (a kind whose
//! weights all become 0 could never act).

use super::kinds::{ACTIVITY_COUNT, KIND_COUNT};

/// Weight of each activity, indexed by `Activity as usize`.
pub type WeightRow = [f32; ACTIVITY_COUNT];

/// The shipped behaviour weights. Columns: idle, wander, travel, gather,
/// trade, chat, fight, flee, rest, socialise, follow.
pub fn default_weights() -> [WeightRow; KIND_COUNT] {
    [
        [1.0, 2.0, 2.0, 1.0, 8.0, 3.0, 0.0, 2.0, 2.0, 2.0, 0.5], // merchant
        [1.0, 4.0, 2.0, 0.0, 1.0, 2.0, 6.0, 0.5, 2.0, 1.0, 1.0], // guard
        [2.0, 3.0, 3.0, 1.0, 1.0, 5.0, 0.0, 3.0, 2.0, 3.0, 1.0], // scholar
        [3.0, 4.0, 3.0, 1.0, 1.0, 2.0, 0.0, 3.0, 2.0, 2.0, 0.5], // mystic
        [1.0, 1.0, 1.0, 6.0, 4.0, 2.0, 0.0, 2.0, 2.0, 2.0, 0.5], // artisan
        [1.0, 3.0, 1.0, 4.0, 2.0, 4.0, 0.0, 3.0, 2.0, 4.0, 1.0], // villager
        [2.0, 5.0, 1.0, 0.0, 0.0, 0.0, 6.0, 1.0, 2.0, 0.0, 1.0], // monster
        [0.5, 2.0, 3.0, 2.0, 8.0, 2.0, 0.0, 2.0, 1.0, 1.0, 1.0], // trader
        [0.5, 3.0, 3.0, 1.0, 1.0, 1.0, 8.0, 2.0, 1.0, 1.0, 1.0], // fighter
        [0.5, 2.0, 2.0, 0.5, 1.0, 8.0, 0.0, 2.0, 1.0, 4.0, 2.0], // chatter
        [0.5, 6.0, 6.0, 2.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 0.5], // explorer
        [0.5, 3.0, 2.0, 0.0, 1.0, 2.0, 8.0, 1.0, 1.0, 0.0, 3.0], // griefer
    ]
}
