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
    /// Ticks measured (0: the run ended within the warm-up).
    pub measured_ticks: u64,
    pub mean_tension: f64,
    pub peak_tension: f32,
    pub raids: u32,
    pub withdrawals: u32,
    #[serde(default)]
    pub festivals: u32,
    #[serde(default)]
    pub plagues: u32,
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
                measured_ticks: t.measured,
                mean_tension: if t.measured == 0 {
                    0.0
                } else {
                    t.sum[i] / t.measured as f64
                },
                peak_tension: t.peak[i],
                raids: m.raids,
                withdrawals: m.withdrawals,
                festivals: m.festivals,
                plagues: m.plagues,
                shifts: m.shifts,
                state: m.state.as_str().into(),
            }
        })
        .collect()
}

/// The verdict of a director assertion on `zone`.
pub(super) fn judge(
    name: &str,
    zone: &str,
    measure: crate::core::scenario::checks::DirectorMeasure,
    expect: &str,
    facts: Option<&super::NarrativeReport>,
    tick: u64,
) -> crate::core::scenario::Verdict {
    use crate::core::scenario::CheckKind;
    use crate::core::scenario::checks::{Bound, DirectorMeasure};
    let verdict = |passed, measured: String, expected| {
        super::judge::verdict(CheckKind::Assertion, name, passed, measured, expected, tick)
    };
    let Ok(bound) = Bound::parse(expect) else {
        return verdict(false, "no bound".into(), expect.to_string());
    };
    let Some(z) = facts.and_then(|f| f.director.iter().find(|z| z.zone == zone)) else {
        return verdict(
            false,
            format!("no director facts for {zone:?}"),
            bound.describe(),
        );
    };
    if measure == DirectorMeasure::TimeInBand && z.measured_ticks == 0 {
        let why = "not measured (the run ended within the director's warm-up)";
        return verdict(false, why.into(), bound.describe());
    }
    let value = match measure {
        DirectorMeasure::TimeInBand => z.time_in_band,
        DirectorMeasure::Raids => z.raids as f64,
        DirectorMeasure::Withdrawals => z.withdrawals as f64,
        DirectorMeasure::Festivals => z.festivals as f64,
        DirectorMeasure::Plagues => z.plagues as f64,
    };
    let shown = match measure {
        DirectorMeasure::TimeInBand => format!("{value:.1}% in {}..{}", z.low, z.high),
        _ => format!("{value}"),
    };
    verdict(bound.holds(value), shown, bound.describe())
}
