//! The director's part of a finished run's narrative facts: per zone, its
//! band, the share of ticks after the warm-up it spent in it, its mean and
//! peak tension, and the director's raids and state changes there.

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::narrative::director::DirectorBook;
use crate::narrative::tension::ZoneTension;
use crate::world::Zones;

/// One zone under the director.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ZoneDirection {
    pub zone: String,
    pub low: f32,
    pub high: f32,
    /// Percent of the measured ticks (after the warm-up) in the band.
    pub time_in_band: f64,
    pub mean_tension: f64,
    pub peak_tension: f32,
    pub raids: u32,
    pub shifts: u32,
    /// The state its machine ended in.
    pub state: String,
}

/// Every zone's direction, in zone id order (empty without a director).
pub fn zones(world: &World) -> Vec<ZoneDirection> {
    let (Some(t), Some(book), Some(zones)) = (
        world.get_resource::<ZoneTension>(),
        world.get_resource::<DirectorBook>(),
        world.get_resource::<Zones>(),
    ) else {
        return Vec::new();
    };
    zones
        .all()
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < t.level.len())
        .map(|(i, z)| {
            let band = t.band(i);
            let m = book.zones.get(i).copied().unwrap_or_default();
            ZoneDirection {
                zone: z.name.clone(),
                low: band.low,
                high: band.high,
                time_in_band: t.time_in_band(i),
                mean_tension: if t.measured == 0 {
                    0.0
                } else {
                    t.sum[i] / t.measured as f64
                },
                peak_tension: t.peak[i],
                raids: m.raids,
                shifts: m.shifts,
                state: m.state.as_str().into(),
            }
        })
        .collect()
}
