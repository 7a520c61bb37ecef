//! Warbler, the narrative engine (DESIGN §10, `WARBLER.md`), in the tick's
//! Narrate stage: it reads the tick's events in seq order and writes only
//! events. Today it tells the moments of lives ([`beats`]): each event the
//! narrative pack names becomes a `beat` event of the agent whose moment it
//! is, citing the event it tells as its cause, so a life can be read back
//! from the store in order, each line traceable to what happened.

mod beats;

use bevy::prelude::*;

pub use beats::{BeatBook, Firsts};

use crate::core::NarrateStep;
use crate::core::scenario::NarrativePack;

/// Tells the beats of `pack`.
pub struct NarrativePlugin {
    pub pack: NarrativePack,
}

impl Plugin for NarrativePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(BeatBook::new(&self.pack))
            .init_resource::<Firsts>()
            .add_systems(FixedUpdate, beats::tell.in_set(NarrateStep::Beats));
    }
}
