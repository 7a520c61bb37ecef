//! Story sifting (Talk of the Town, Winnow): the story patterns of the
//! narrative pack (`core::scenario::patterns`) found in a run's events.
//! One engine ([`Sifter`]) serves two modes: live, as Narrate's `Sift`
//! step, with a capped pool whose evictions are counted, where a completed
//! story becomes a `sifted` event and may make a role vow a goal; and over
//! a stored `events.db` (`store::sift`), uncapped. Both feed it the same
//! events (the kinds its patterns name, from tick 1 on, in seq order), so
//! what the live run finds is what the stored run gives, less what its
//! evictions took.
//!
//! A partial match waits for its next stage filed under the id that stage
//! expects (a role an earlier stage bound, or the seq of its cause), so an
//! event costs the few partials filed under its own ids, never a scan of
//! the pool.

mod compile;
mod engine;
mod live;
mod pool;

pub use compile::SiftEvent;
pub use engine::{Found, SiftStats, Sifter};
pub(super) use live::sift;
pub use live::{LiveSift, SiftVows, VowOrder};

#[cfg(test)]
mod tests;
