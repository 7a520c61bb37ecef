//! The tick's order, written once. A tick is eight stages ([`TickSet`]) and
//! each stage a chain of steps; every step of every stage is
//! declared here and chained here, so the whole order of a tick reads top
//! to bottom in [`configure`] and no plugin orders itself against another.
//! A plugin only puts its systems into these steps (`.in_set(ApplyStep::Motion)`).
//! `tests/tick_order.rs` builds the full app with Bevy's ambiguity
//! detection set to error: two systems that touch the same data in no
//! stated order fail the build of the schedule, so the order cannot drift.
//!
//! Tick 0 (the initial population, in `PostStartup`) runs the Record and
//! Publish steps once, in the same order.

use bevy::prelude::*;

/// The stages of a tick, chained in this order inside `FixedUpdate`.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TickSet {
    /// External and scripted inputs become intents or arrivals.
    Input,
    /// Brains choose intents (in parallel; collected in `EntityId` order).
    Decide,
    /// Governance permits, mutates or denies every intent.
    Govern,
    /// Permitted intents change the world.
    Apply,
    /// Reaction rules turn events into further events.
    React,
    /// Warbler advances life stories and sets goals.
    Narrate,
    /// The tick's events are sealed, hashed, acknowledged and stored.
    Record,
    /// The tick's frame is handed to whoever watches.
    Publish,
}

/// `FixedFirst`, before any stage: a new tick begins.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BeginStep {
    /// The clock moves to the new tick.
    Clock,
    /// Last tick's sealed events are let go (everyone who watches has them).
    ReleaseEvents,
    /// Per-tick tallies start from zero.
    ResetCounters,
}

/// The Input stage. Faults and scripts queue inputs before the tick takes
/// them, so what they do this tick is taken this tick, faults first (a
/// restart's end of the old sessions precedes anything an actor says).
/// Sessions that a restart ended end once this tick's inputs are in;
/// arrivals come last, so the ids of the tick's logins come before theirs.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputStep {
    /// The scenario's faults active now; world-changing ones are queued.
    Faults,
    /// Scripted actors run until they wait; their acts are queued.
    Scripts,
    /// Queued and external inputs: logins, actions, logouts, controls, tunes.
    TakeInputs,
    /// A restart's end of the old server's sessions.
    EndSessions,
    /// Scripted waves, bot players logging in, monsters respawning.
    Arrivals,
}

/// The Decide stage: the grid and zone stock brains read, then the brains.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecideStep {
    /// Every agent bucketed into the spatial grid; heads per zone.
    Grid,
    /// Zone stock regrows towards capacity.
    Resources,
    /// Brains choose intents (parallel; merged in id order).
    Brains,
    /// Client intents join the brains', stable-sorted by actor.
    ClientIntents,
}

/// The Apply stage. Lives and sessions that end this tick end before anyone
/// acts (nobody acts after their end, no blow lands on who is leaving); a
/// cataclysm strikes after the tick's own changes.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplyStep {
    /// The calendar's deaths and logouts.
    EndLives,
    /// Permitted intents, in `EntityId` order.
    Intents,
    /// Walkers take one step.
    Motion,
    /// Who reached their destination is announced, in id order.
    Arrived,
    /// A cataclysm taken this tick: its event, then its victims' deaths.
    Cataclysm,
    /// The director's plagues: seeded, passed on by the tick's chats and
    /// socials, draining their victims, ending.
    Plague,
}

/// The React stage: the cascade, then what it leaves on the ground and dead.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReactStep {
    /// Delayed reactions due now, then every event breadth first by seq.
    Cascade,
    /// Unclaimed loot goes to its zone.
    ClearGround,
    /// The tick's dead leave the world.
    Bury,
}

/// The Narrate stage: Warbler reads the tick's events and tells them.
/// Each step sees the events of the steps before it.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NarrateStep {
    /// Stages of life noticed in Decide become `life_stage` events.
    Arcs,
    /// Goals are adopted, fulfilled, abandoned, superseded or expire.
    Goals,
    /// The moments of lives the narrative pack names, as beat events.
    Beats,
    /// Small acts fold into chronicles; zones print their gazettes.
    Chronicle,
    /// Zones' tension moves; the director decides for them.
    Direct,
    /// The tick's events move the story sifter's partial matches; the
    /// stories completed become `sifted` events.
    Sift,
    /// The stage's clock stops.
    Close,
}

/// The Record stage (also tick 0's, in `PostStartup`).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordStep {
    /// The tick's events, in seq order, become `TickEvents`.
    Seal,
    /// The 128-bit digest of every agent's state.
    StateHash,
    /// Tick 0 only: the initial population counts as arrivals.
    InitialStats,
    /// Each client action's ack, from the events carrying its correlation.
    Acks,
    /// Actors take their acks, messages and awaited events.
    Actors,
    /// Events, state hash and inputs to the store's writer thread.
    Store,
}

/// The Publish stage (also tick 0's).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PublishStep {
    /// The tick's `TickFrame` for watchers.
    Frame,
    /// A live server's share: changed entities and the heatmap.
    Net,
}

/// Chains every stage and step; called once, by `SimPlugin`.
pub fn configure(app: &mut App) {
    use ApplyStep as A;
    use DecideStep as D;
    use InputStep as I;
    use PublishStep as P;
    use ReactStep as R;
    use RecordStep as Rec;
    let record = (
        Rec::Seal,
        Rec::StateHash,
        Rec::InitialStats,
        Rec::Acks,
        Rec::Actors,
        Rec::Store,
    );
    app.configure_sets(
        FixedFirst,
        (
            BeginStep::Clock,
            BeginStep::ReleaseEvents,
            BeginStep::ResetCounters,
        )
            .chain(),
    )
    .configure_sets(
        FixedUpdate,
        (
            TickSet::Input,
            TickSet::Decide,
            TickSet::Govern,
            TickSet::Apply,
            TickSet::React,
            TickSet::Narrate,
            TickSet::Record,
            TickSet::Publish,
        )
            .chain(),
    )
    .configure_sets(
        FixedUpdate,
        (
            I::Faults,
            I::Scripts,
            I::TakeInputs,
            I::EndSessions,
            I::Arrivals,
        )
            .chain()
            .in_set(TickSet::Input),
    )
    .configure_sets(
        FixedUpdate,
        (D::Grid, D::Resources, D::Brains, D::ClientIntents)
            .chain()
            .in_set(TickSet::Decide),
    )
    .configure_sets(
        FixedUpdate,
        (
            A::EndLives,
            A::Intents,
            A::Motion,
            A::Arrived,
            A::Cataclysm,
            A::Plague,
        )
            .chain()
            .in_set(TickSet::Apply),
    )
    .configure_sets(
        FixedUpdate,
        (R::Cascade, R::ClearGround, R::Bury)
            .chain()
            .in_set(TickSet::React),
    )
    .configure_sets(
        FixedUpdate,
        (
            NarrateStep::Arcs,
            NarrateStep::Goals,
            NarrateStep::Beats,
            NarrateStep::Chronicle,
            NarrateStep::Direct,
            NarrateStep::Sift,
            NarrateStep::Close,
        )
            .chain()
            .in_set(TickSet::Narrate),
    )
    .configure_sets(FixedUpdate, record.chain().in_set(TickSet::Record))
    .configure_sets(
        FixedUpdate,
        (P::Frame, P::Net).chain().in_set(TickSet::Publish),
    )
    .configure_sets(
        PostStartup,
        (record.chain(), (P::Frame, P::Net).chain()).chain(),
    );
}
