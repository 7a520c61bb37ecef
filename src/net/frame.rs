//! Publish for the network: what one tick sends to the hub. The events are
//! shared (the same `Arc` the store's writer gets); entity deltas and the
//! heatmap are gathered only while some viewer asked for them, so a server
//! nobody watches pays nothing for them.

use std::sync::Arc;

use bevy::prelude::*;

use super::bridge::Gauges;
use crate::core::PublishStep;
use crate::core::agent::components::{Behaviour, Purse, Vitals};
use crate::core::agent::kinds::{Activity, AgentKind};
use crate::core::agent::{EntityId, Kind, Position};
use crate::core::protocol::EntityView;
use crate::events::{Event, Payload, TickEvents};
use crate::input::{Replies, Reply};
use crate::population::Census;
use crate::world::{SpatialGrid, Zones};

/// Heatmap bins per side.
pub const HEATMAP_BINS: u32 = 32;

/// An entity as the network shows it, without allocations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntityState {
    pub id: u64,
    pub kind: AgentKind,
    pub x: f32,
    pub y: f32,
    pub zone: u16,
    pub health: f32,
    pub wealth: u64,
    pub activity: Activity,
}

impl EntityState {
    pub fn view(&self) -> EntityView {
        EntityView {
            id: self.id,
            kind: self.kind.name().to_string(),
            x: self.x,
            y: self.y,
            zone: self.zone,
            health: self.health,
            wealth: self.wealth,
            activity: self.activity.as_str().to_string(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Heatmap {
    pub cols: u32,
    pub rows: u32,
    pub cell: f32,
    pub counts: Vec<u32>,
}

/// One tick, for the hub.
#[derive(Clone, Debug, Default)]
pub struct NetFrame {
    pub tick: u64,
    pub events: Arc<Vec<Event>>,
    /// The zone each event's actor stands in (`u16::MAX` if none or gone).
    pub zones: Vec<u16>,
    pub replies: Vec<Reply>,
    /// Entities that changed this tick (empty unless deltas are wanted).
    pub changed: Vec<EntityState>,
    /// Entities that left the world this tick (died or departed).
    pub removed: Vec<u64>,
    pub heatmap: Option<Heatmap>,
    pub population: u64,
    pub events_total: u64,
    pub tick_ms: f64,
    /// Wall clock at the end of the tick (µs since the Unix epoch); never
    /// read by the simulation, only shown to viewers to measure delivery.
    pub tick_end_us: u64,
}

/// Connects the tick to a live server.
#[derive(Resource, Clone)]
pub struct NetLink {
    pub gauges: Arc<Gauges>,
}

/// Gathered in Publish, taken by the loop that sends the frame.
#[derive(Resource, Default)]
pub(crate) struct Gathered {
    pub changed: Vec<EntityState>,
    pub heatmap: Option<Heatmap>,
}

pub(crate) type Watched<'a> = (
    &'a EntityId,
    &'a Kind,
    &'a Position,
    &'a Vitals,
    &'a Purse,
    &'a Behaviour,
);

/// Anything a viewer sees changed.
type SeenChanged = Or<(
    bevy::prelude::Changed<Position>,
    bevy::prelude::Changed<Vitals>,
    bevy::prelude::Changed<Purse>,
    bevy::prelude::Changed<Behaviour>,
)>;

pub fn state_of((id, kind, pos, vitals, purse, behaviour): Watched, zones: &Zones) -> EntityState {
    EntityState {
        id: id.0,
        kind: kind.0,
        x: pos.0.x,
        y: pos.0.y,
        zone: zones.zone_at(pos.0).id.0,
        health: vitals.health,
        wealth: purse.wealth,
        activity: behaviour.activity,
    }
}

pub(crate) fn gather(
    link: Option<Res<NetLink>>,
    zones: Res<Zones>,
    grid: Res<SpatialGrid>,
    mut out: ResMut<Gathered>,
    changed: Query<Watched, SeenChanged>,
) {
    let Some(link) = link else {
        return;
    };
    out.changed.clear();
    if link
        .gauges
        .want_deltas
        .load(std::sync::atomic::Ordering::Relaxed)
    {
        out.changed
            .extend(changed.iter().map(|w| state_of(w, &zones)));
        out.changed.sort_unstable_by_key(|s| s.id);
    }
    let size = zones.size();
    out.heatmap = Some(Heatmap {
        cols: HEATMAP_BINS,
        rows: HEATMAP_BINS,
        cell: size.x.max(size.y) / HEATMAP_BINS as f32,
        counts: grid.heatmap(HEATMAP_BINS, HEATMAP_BINS),
    });
}

/// The frame of the tick that just ran.
pub fn collect(world: &mut World, tick: u64, tick_ms: f64) -> NetFrame {
    let events = world.resource::<TickEvents>().0.clone();
    let removed = events
        .iter()
        .filter(|e| matches!(e.payload, Payload::Death { .. } | Payload::Departure { .. }))
        .filter_map(|e| e.actor.map(|a| a.0))
        .collect();
    let zones = {
        let z = world.resource::<Zones>();
        events
            .iter()
            .map(|e| {
                e.handles
                    .0
                    .and_then(|h| world.get::<Position>(h))
                    .map_or(u16::MAX, |p| z.zone_at(p.0).id.0)
            })
            .collect()
    };
    let replies = std::mem::take(&mut world.resource_mut::<Replies>().0);
    let gathered = world
        .get_resource_mut::<Gathered>()
        .map(|mut g| (std::mem::take(&mut g.changed), g.heatmap.take()))
        .unwrap_or_default();
    NetFrame {
        tick,
        events,
        zones,
        replies,
        changed: gathered.0,
        removed,
        heatmap: gathered.1,
        population: world.resource::<Census>().total(),
        events_total: world.resource::<crate::events::EventLog>().total(),
        tick_ms,
        tick_end_us: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as u64),
    }
}

/// Gathers deltas and the heatmap for a live server.
pub struct NetPlugin;

impl Plugin for NetPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Gathered>()
            .add_systems(FixedUpdate, gather.in_set(PublishStep::Net));
    }
}
