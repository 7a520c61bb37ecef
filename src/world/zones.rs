//! Zones: named rectangles of the plane with a STAT7 realm and rules, looked
//! up by position through a per-grid-cell table (so a lookup is one index),
//! and their changing state (gatherable stock, treasury, head count).

use bevy::math::Vec2;
use bevy::prelude::*;

use crate::core::scenario::Scenario;
use crate::core::stat7::Realm;

pub use crate::core::agent::ZoneId;

/// A zone's fixed description.
#[derive(Clone, Debug)]
pub struct Zone {
    pub id: ZoneId,
    pub name: String,
    pub realm: Realm,
    pub min: Vec2,
    pub max: Vec2,
    pub poi: Vec2,
    pub safe: bool,
    pub pvp: bool,
    pub population_cap: Option<u32>,
    pub richness: f32,
}

/// All zones plus the cell → zone table. Where zones overlap the later one
/// wins; a point inside no zone belongs to the first zone (usually "the wilds").
#[derive(Resource, Clone, Debug)]
pub struct Zones {
    zones: Vec<Zone>,
    size: Vec2,
    cell: f32,
    cols: u32,
    rows: u32,
    cell_zone: Vec<u16>,
}

impl Zones {
    pub fn from_scenario(s: &Scenario) -> Zones {
        let zones: Vec<Zone> = s
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| {
                let min = Vec2::new(z.rect.0, z.rect.1);
                let max = Vec2::new(z.rect.2, z.rect.3);
                Zone {
                    id: ZoneId(i as u16),
                    name: z.name.clone(),
                    realm: z.realm,
                    min,
                    max,
                    poi: z.poi.map_or((min + max) * 0.5, |(x, y)| Vec2::new(x, y)),
                    safe: z.safe,
                    pvp: z.pvp,
                    population_cap: z.population_cap,
                    richness: z.richness.0,
                }
            })
            .collect();
        let size = Vec2::new(s.world.size.0.0, s.world.size.1.0);
        let cell = s.world.cell_size.0;
        let cols = (size.x / cell).ceil().max(1.0) as u32;
        let rows = (size.y / cell).ceil().max(1.0) as u32;
        let mut cell_zone = vec![0u16; cols as usize * rows as usize];
        for (i, slot) in cell_zone.iter_mut().enumerate() {
            let centre = Vec2::new(
                ((i as u32 % cols) as f32 + 0.5) * cell,
                ((i as u32 / cols) as f32 + 0.5) * cell,
            );
            if let Some(z) = zones.iter().rev().find(|z| z.contains(centre)) {
                *slot = z.id.0;
            }
        }
        Zones {
            zones,
            size,
            cell,
            cols,
            rows,
            cell_zone,
        }
    }

    pub fn size(&self) -> Vec2 {
        self.size
    }

    pub fn cell_size(&self) -> f32 {
        self.cell
    }

    pub fn dims(&self) -> (u32, u32) {
        (self.cols, self.rows)
    }

    /// Grid cell of a position (clamped to the world).
    pub fn cell_of(&self, p: Vec2) -> usize {
        let cx = ((p.x / self.cell) as u32).min(self.cols - 1);
        let cy = ((p.y / self.cell) as u32).min(self.rows - 1);
        (cy * self.cols + cx) as usize
    }

    /// The zone a grid cell belongs to.
    pub fn zone_of_cell(&self, cell: usize) -> ZoneId {
        ZoneId(self.cell_zone[cell])
    }

    pub fn zone_at(&self, p: Vec2) -> &Zone {
        &self.zones[self.cell_zone[self.cell_of(p)] as usize]
    }

    pub fn get(&self, id: ZoneId) -> &Zone {
        &self.zones[id.0 as usize]
    }

    pub fn by_name(&self, name: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.name == name)
    }

    pub fn all(&self) -> &[Zone] {
        &self.zones
    }

    /// Keeps a point inside the world.
    pub fn clamp(&self, p: Vec2) -> Vec2 {
        p.clamp(Vec2::ZERO, self.size - Vec2::splat(0.001))
    }
}

impl Zone {
    pub fn contains(&self, p: Vec2) -> bool {
        p.x >= self.min.x && p.x < self.max.x && p.y >= self.min.y && p.y < self.max.y
    }
}

/// What changes about zones: gatherable stock (regrows toward richness ×
/// capacity), the treasury that receives the estate of those who die with no
/// killer, and the head count from the latest grid rebuild.
#[derive(Resource, Clone, Debug)]
pub struct ZoneLedger {
    pub stock: Vec<u32>,
    pub capacity: Vec<u32>,
    pub treasury: Vec<u64>,
    pub population: Vec<u32>,
}

/// Goods a zone of richness 1 holds when full.
const STOCK_PER_RICHNESS: f32 = 400.0;

impl ZoneLedger {
    pub fn new(zones: &Zones) -> ZoneLedger {
        let capacity: Vec<u32> = zones
            .all()
            .iter()
            .map(|z| (z.richness * STOCK_PER_RICHNESS) as u32)
            .collect();
        ZoneLedger {
            stock: capacity.clone(),
            treasury: vec![0; capacity.len()],
            population: vec![0; capacity.len()],
            capacity,
        }
    }

    /// Takes up to `want` goods from a zone's stock; returns what was taken.
    pub fn take(&mut self, zone: ZoneId, want: u32) -> u32 {
        let stock = &mut self.stock[zone.0 as usize];
        let got = want.min(*stock);
        *stock -= got;
        got
    }
}

/// Stock regrows by a fixed fraction of capacity every 10 ticks.
pub(super) fn regrow_resources(clock: Res<crate::core::SimClock>, mut ledger: ResMut<ZoneLedger>) {
    if !clock.tick.is_multiple_of(10) {
        return;
    }
    let ZoneLedger {
        stock, capacity, ..
    } = &mut *ledger;
    for (s, cap) in stock.iter_mut().zip(capacity.iter()) {
        *s = (*s + cap / 50 + 1).min(*cap);
    }
}
