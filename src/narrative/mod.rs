//! Warbler, the narrative engine (DESIGN §10, `WARBLER.md`), in the tick's
//! Narrate stage: it reads the tick's events in seq order and writes
//! events, its own resources and the agents' story components. Each step
//! sees the events of the one before:
//! - [`arcs`]: a life's new stage, noticed in Decide, becomes an event;
//! - [`goals`]: grief and coming of age adopt goals (revenge, mourning,
//!   fortune, family, pilgrimage) that the brain pursues; events fulfil,
//!   abandon or supersede them and a calendar expires them;
//! - [`beats`]: each event the pack names becomes a `beat` of the agent
//!   whose moment it is, citing the event it tells;
//! - [`chronicle`]: small acts fold into tallies, zones keep headlines and
//!   print gazettes; [`watch`] runs the story's cheap checks live;
//! - [`director`]: each zone's [`tension`] kept in its band by a four-state
//!   machine that raids the zone when it is too calm (scenarios with a
//!   `director:` section);
//! - [`sift`]: the pack's story patterns found among the tick's events,
//!   each completed story a `sifted` event (and maybe a vow).
//!
//! Beats are facts; their text is made only when they are read, by
//! [`render`]: a pure function of a grammar (`assets/narrative/grammar.ron`),
//! the run seed and the beat.
//!
//! Everything is driven by the tick's events and calendars, never by a scan
//! of the population, and every choice is a hash of the seed and a seq.

mod arcs;
mod beats;
mod chronicle;
pub mod cost;
pub mod director;
mod goals;
pub mod render;
pub mod sift;
pub mod tension;
mod tick;
mod watch;

use bevy::prelude::*;

pub use beats::{BeatBook, admits};
pub use chronicle::{GazetteEvery, HEADLINES, Headline, TALLY_NAMES, Tally, ZoneChronicle};
pub use goals::{GoalActs, GoalBook, GoalRules, Held};
pub use watch::LiveFindings;

use crate::core::NarrateStep;
use crate::core::scenario::NarrativePack;
use crate::core::scenario::director::{DirectorSpec, RaidOrders};

/// Runs Warbler with `pack`, and the scenario's director if it has one.
pub struct NarrativePlugin {
    pub pack: NarrativePack,
    pub director: Option<DirectorSpec>,
}

impl Plugin for NarrativePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(BeatBook::new(&self.pack))
            .insert_resource(GoalRules::new(&self.pack.goals))
            .init_resource::<ZoneChronicle>()
            .insert_resource(GazetteEvery(self.pack.gazette_every))
            .init_resource::<GoalBook>()
            .init_resource::<GoalActs>()
            .init_resource::<cost::NarrateCost>()
            .init_resource::<LiveFindings>()
            .init_resource::<RaidOrders>()
            .init_resource::<sift::SiftVows>()
            .add_systems(FixedUpdate, cost::close.in_set(NarrateStep::Close));
        if let Some(spec) = &self.director {
            // Its own switch: a run may direct its zones without telling.
            app.insert_resource(director::Director(spec.clone()))
                .insert_resource(crate::core::scenario::festival::ZoneFestivals::new(
                    &spec.festival,
                ))
                .insert_resource(crate::core::scenario::plague::PlagueOrders {
                    orders: Vec::new(),
                    spec: spec.plague,
                })
                .init_resource::<director::DirectorBook>()
                .init_resource::<tension::ZoneTension>()
                .add_systems(FixedUpdate, director::direct.in_set(NarrateStep::Direct));
        }
        if !self.pack.on {
            return;
        }
        app.add_systems(
            FixedUpdate,
            (
                arcs::tell_stages.in_set(NarrateStep::Arcs),
                goals::settle.in_set(NarrateStep::Goals),
                beats::tell.in_set(NarrateStep::Beats),
                (chronicle::fold, watch::watch)
                    .chain()
                    .in_set(NarrateStep::Chronicle),
            ),
        );
        if self.pack.patterns.is_empty() {
            return;
        }
        // The pack was checked when its scenario loaded.
        match sift::LiveSift::new(&self.pack.patterns, self.pack.sift_pool as usize) {
            Ok(live) => {
                app.insert_resource(live)
                    .add_systems(FixedUpdate, sift::sift.in_set(NarrateStep::Sift));
            }
            Err(e) => eprintln!("warning: story sifting is off: {e}"),
        }
    }
}
