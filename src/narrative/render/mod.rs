//! Warbler's rendering grammar (`WARBLER.md`, "Rendering"): a beat is a
//! fact in the log, and its text is made when it is read, by a pure
//! function of the grammar, the run seed, the beat's seq and what the
//! caller knows (names, zone, tone). This module is that function and its
//! data, apart from the simulation: it needs no ECS, only `core`'s hash.
//!
//! - [`grammar`]: symbols and tagged variants, read from RON, with limits;
//! - [`syntax`]: the variant text syntax, shared by renderer and linter;
//! - [`expand`]: the [`Renderer`], counter-hash choices, caps, no repeats;
//! - [`voice`]: registers (which telling) and tones (how it is told);
//! - [`names`]: deterministic names from seed and id;
//! - [`import`]: the prototype's template packs as a grammar;
//! - [`lint`]: what a grammar that parses can still get wrong.

pub mod expand;
pub mod grammar;
pub mod import;
pub mod lint;
pub mod names;
pub mod syntax;
pub mod voice;

#[cfg(test)]
mod tests;

pub use expand::{RenderError, Renderer, Telling};
pub use grammar::{Grammar, GrammarError, Variant};
pub use import::{ImportError, import_prototype};
pub use lint::Finding;
pub use names::name_of;
pub use voice::{Register, Tone};

/// The beats the shipped grammar tells (it lints clean for exactly these).
pub const SHIPPED_BEATS: [&str; 29] = [
    "born",
    "child_born",
    "epitaph",
    "first_blood",
    "first_wound",
    "friend_lost",
    "inherited",
    "left_home",
    "first_trade",
    "denied",
    "came_of_age",
    "in_prime",
    "grew_old",
    "twilight",
    "swore_revenge",
    "avenged",
    "revenge_abandoned",
    "revenge_denied",
    "pilgrimage_begun",
    "pilgrimage_done",
    "fortune_sought",
    "fortune_made",
    "family_sought",
    "family_founded",
    "mourning",
    "mourning_ended",
    "goal_lost",
    "caught_plague",
    "survived_plague",
];

/// The beats whose telling has another party: the only ones whose texts
/// may use `{other}`, which the others are not given.
pub const BEATS_WITH_OTHER: [&str; 12] = [
    "child_born",
    "first_blood",
    "first_wound",
    "friend_lost",
    "inherited",
    "swore_revenge",
    "avenged",
    "revenge_abandoned",
    "revenge_denied",
    "family_founded",
    "mourning",
    "first_trade",
];
