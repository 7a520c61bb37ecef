//! The uniform spatial grid: entities bucketed by cell with a counting sort,
//! rebuilt once per tick. Brains read it in parallel; nobody writes it during
//! Decide. Its per-cell counts are also the population heatmap.

use bevy::math::Vec2;
use bevy::prelude::*;

use super::zones::{ZoneLedger, Zones};
use crate::core::agent::kinds::AgentKind;
use crate::core::agent::{EntityId, Kind, Position};

/// Below this many entities the scatter runs on one thread.
const PARALLEL_SCATTER: usize = 50_000;

/// What a brain may know about a neighbour without touching its components.
#[derive(Clone, Copy, Debug)]
pub struct Neighbour {
    pub id: EntityId,
    pub entity: Entity,
    pub pos: Vec2,
    pub kind: AgentKind,
}

/// Entities bucketed by cell: `entries[starts[c]..starts[c + 1]]` are in cell `c`.
#[derive(Resource)]
pub struct SpatialGrid {
    cell: f32,
    cols: u32,
    rows: u32,
    starts: Vec<u32>,
    entries: Vec<Neighbour>,
    staging: Vec<(u32, Neighbour)>,
    /// Fill cursors per cell, kept between rebuilds to avoid reallocating.
    cursor: Vec<u32>,
}

impl SpatialGrid {
    pub fn new(zones: &Zones) -> SpatialGrid {
        let (cols, rows) = zones.dims();
        SpatialGrid {
            cell: zones.cell_size(),
            cols,
            rows,
            starts: vec![0; cols as usize * rows as usize + 1],
            entries: Vec::new(),
            staging: Vec::new(),
            cursor: Vec::new(),
        }
    }

    /// Re-buckets the given entities (order within a cell follows input order).
    pub fn rebuild(&mut self, zones: &Zones, items: impl Iterator<Item = Neighbour>) {
        self.staging.clear();
        self.staging
            .extend(items.map(|n| (zones.cell_of(n.pos) as u32, n)));
        self.starts.fill(0);
        for (c, _) in &self.staging {
            self.starts[*c as usize + 1] += 1;
        }
        for i in 1..self.starts.len() {
            self.starts[i] += self.starts[i - 1];
        }
        let Some(&(_, filler)) = self.staging.first() else {
            self.entries.clear();
            return;
        };
        self.entries.clear();
        self.entries.resize(self.staging.len(), filler);
        self.cursor.clear();
        self.cursor.extend_from_slice(&self.starts);
        let pool = bevy::tasks::ComputeTaskPool::try_get().map(|p| &**p);
        let threads = match pool {
            Some(p) if self.staging.len() >= PARALLEL_SCATTER => p.thread_num().max(1),
            _ => 1,
        };
        self.scatter(pool, threads);
    }

    /// Places every staged entity at its cell's cursor. The cells are split
    /// into one contiguous range per compute thread; each thread reads all of
    /// the staging but writes only its own cells' slice of `entries`, in
    /// staging order, so the result is the same on any number of threads. A
    /// million-agent grid scatters into 32 MB at random, which is the part of
    /// the rebuild worth sharing out.
    fn scatter(&mut self, pool: Option<&bevy::tasks::TaskPool>, threads: usize) {
        let cells = self.starts.len() - 1;
        let staging = &self.staging;
        let mut parts = Vec::with_capacity(threads);
        let (mut entries, mut cursor) = (&mut self.entries[..], &mut self.cursor[..cells]);
        let mut first_cell = 0;
        for t in 0..threads {
            let last_cell = if t + 1 == threads {
                cells
            } else {
                cells * (t + 1) / threads
            };
            let offset = self.starts[first_cell];
            let len = (self.starts[last_cell] - offset) as usize;
            let (mine, rest) = std::mem::take(&mut entries).split_at_mut(len);
            let (my_cursor, rest_cursor) =
                std::mem::take(&mut cursor).split_at_mut(last_cell - first_cell);
            parts.push((first_cell as u32, last_cell as u32, offset, mine, my_cursor));
            entries = rest;
            cursor = rest_cursor;
            first_cell = last_cell;
        }
        let place =
            |(lo, hi, offset, out, cursor): (u32, u32, u32, &mut [Neighbour], &mut [u32])| {
                for (c, n) in staging {
                    if (lo..hi).contains(c) {
                        let slot = &mut cursor[(c - lo) as usize];
                        out[(*slot - offset) as usize] = *n;
                        *slot += 1;
                    }
                }
            };
        match pool {
            Some(pool) if threads > 1 => {
                pool.scope(|scope| {
                    for part in parts {
                        scope.spawn(async move { place(part) });
                    }
                });
            }
            _ => parts.into_iter().for_each(place),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The `i`-th entity in cell order (deterministic for a given world).
    pub fn entry(&self, i: usize) -> Option<&Neighbour> {
        self.entries.get(i)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn cell_range(&self, cx: u32, cy: u32) -> &[Neighbour] {
        let c = (cy * self.cols + cx) as usize;
        &self.entries[self.starts[c] as usize..self.starts[c + 1] as usize]
    }

    /// Calls `f` for every entity in the 3×3 cells around `pos` (a superset
    /// of those within one cell size). Callers must not depend on the order.
    pub fn for_each_near(&self, pos: Vec2, mut f: impl FnMut(&Neighbour)) {
        let cx = ((pos.x / self.cell) as u32).min(self.cols - 1);
        let cy = ((pos.y / self.cell) as u32).min(self.rows - 1);
        for y in cy.saturating_sub(1)..=(cy + 1).min(self.rows - 1) {
            for x in cx.saturating_sub(1)..=(cx + 1).min(self.cols - 1) {
                self.cell_range(x, y).iter().for_each(&mut f);
            }
        }
    }

    /// Calls `f` for at most `cap` entities of each of the 3×3 cells around
    /// `pos`: in a crowded cell, `cap` consecutive entries from an offset
    /// chosen by `salt` (wrapping). Bounds a brain's work in a crowd of
    /// thousands; which entries are seen depends only on `salt` and the
    /// grid's order, both deterministic.
    pub fn for_each_near_capped(
        &self,
        pos: Vec2,
        cap: usize,
        salt: u64,
        mut f: impl FnMut(&Neighbour),
    ) {
        let (cx, cy) = self.cell_xy(pos);
        for y in cy.saturating_sub(1)..=(cy + 1).min(self.rows - 1) {
            for x in cx.saturating_sub(1)..=(cx + 1).min(self.cols - 1) {
                let cell = self.cell_range(x, y);
                if cell.len() <= cap {
                    cell.iter().for_each(&mut f);
                } else {
                    let start = (salt % cell.len() as u64) as usize;
                    cell.iter().cycle().skip(start).take(cap).for_each(&mut f);
                }
            }
        }
    }

    fn cell_xy(&self, pos: Vec2) -> (u32, u32) {
        (
            ((pos.x / self.cell) as u32).min(self.cols - 1),
            ((pos.y / self.cell) as u32).min(self.rows - 1),
        )
    }

    /// Number of entities in the 3×3 cells around `pos`.
    pub fn count_near(&self, pos: Vec2) -> u32 {
        let (cx, cy) = self.cell_xy(pos);
        let mut n = 0;
        for y in cy.saturating_sub(1)..=(cy + 1).min(self.rows - 1) {
            for x in cx.saturating_sub(1)..=(cx + 1).min(self.cols - 1) {
                n += self.cell_range(x, y).len() as u32;
            }
        }
        n
    }

    /// Population counts on a `bins_x` × `bins_y` grid over the world.
    pub fn heatmap(&self, bins_x: u32, bins_y: u32) -> Vec<u32> {
        let mut out = vec![0u32; (bins_x * bins_y) as usize];
        for cy in 0..self.rows {
            let by = cy * bins_y / self.rows;
            for cx in 0..self.cols {
                let bx = cx * bins_x / self.cols;
                out[(by * bins_x + bx) as usize] += self.cell_range(cx, cy).len() as u32;
            }
        }
        out
    }
}

/// Start of Decide: bucket everyone and count heads per zone.
pub(super) fn rebuild_grid(
    mut grid: ResMut<SpatialGrid>,
    mut ledger: ResMut<ZoneLedger>,
    zones: Res<Zones>,
    agents: Query<(Entity, &EntityId, &Position, &Kind)>,
) {
    grid.rebuild(
        &zones,
        agents.iter().map(|(entity, id, pos, kind)| Neighbour {
            id: *id,
            entity,
            pos: pos.0,
            kind: kind.0,
        }),
    );
    ledger.population.fill(0);
    for (cell, pair) in grid.starts.windows(2).enumerate() {
        let here = pair[1] - pair[0];
        if here > 0 {
            ledger.population[zones.zone_of_cell(cell).0 as usize] += here;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::parse_str;

    fn zones() -> Zones {
        let s = parse_str(
            "t.ron",
            r#"(name: "t", seed: 1, ticks: 1, world: (size: (100.0, 50.0), cell_size: 10.0),
                zones: [(name: "a", realm: void, rect: (0.0, 0.0, 100.0, 50.0))],
                population: (groups: []))"#,
        )
        .expect("valid scenario");
        Zones::from_scenario(&s)
    }

    fn at(i: u64, x: f32, y: f32) -> Neighbour {
        Neighbour {
            id: EntityId(i),
            entity: Entity::PLACEHOLDER,
            pos: Vec2::new(x, y),
            kind: AgentKind::Npc(crate::core::agent::kinds::Archetype::Villager),
        }
    }

    #[test]
    fn near_query_sees_adjacent_cells_only() {
        let z = zones();
        let mut g = SpatialGrid::new(&z);
        g.rebuild(
            &z,
            [
                at(1, 5.0, 5.0),
                at(2, 15.0, 5.0),
                at(3, 35.0, 5.0),
                at(4, 99.9, 49.9),
            ]
            .into_iter(),
        );
        let mut seen = Vec::new();
        g.for_each_near(Vec2::new(6.0, 6.0), |n| seen.push(n.id.0));
        seen.sort();
        assert_eq!(seen, vec![1, 2]);
        let mut capped = Vec::new();
        g.for_each_near_capped(Vec2::new(6.0, 6.0), 1, 0, |n| capped.push(n.id.0));
        capped.sort();
        assert_eq!(capped, vec![1, 2], "one per cell is all there is");
        assert_eq!(g.count_near(Vec2::new(99.0, 49.0)), 1);
        assert_eq!(g.len(), 4);
    }

    #[test]
    fn crowded_cells_are_sampled_up_to_the_cap() {
        let z = zones();
        let mut g = SpatialGrid::new(&z);
        g.rebuild(&z, (0..100).map(|i| at(i, 55.0, 25.0)));
        for salt in [0, 7, 99, 12345] {
            let mut seen = Vec::new();
            g.for_each_near_capped(Vec2::new(55.0, 25.0), 10, salt, |n| seen.push(n.id.0));
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), 10);
        }
        assert_eq!(g.count_near(Vec2::new(55.0, 25.0)), 100);
    }

    #[test]
    fn parallel_scatter_matches_the_sequential_one() {
        use bevy::tasks::{ComputeTaskPool, TaskPoolBuilder};
        let pool = ComputeTaskPool::get_or_init(|| TaskPoolBuilder::new().num_threads(3).build());
        let z = zones();
        let mut g = SpatialGrid::new(&z);
        let crowd = || {
            (0..5000u64).map(|i| {
                at(
                    i + 1,
                    ((i * 37) % 997) as f32 / 10.0,
                    ((i * 91) % 499) as f32 / 10.0,
                )
            })
        };
        g.rebuild(&z, crowd());
        let sequential: Vec<(u64, Vec2)> = g.entries.iter().map(|n| (n.id.0, n.pos)).collect();
        for threads in [2, 3, 7] {
            g.cursor.clear();
            g.cursor.extend_from_slice(&g.starts);
            g.scatter(Some(pool), threads);
            let parallel: Vec<(u64, Vec2)> = g.entries.iter().map(|n| (n.id.0, n.pos)).collect();
            assert_eq!(parallel, sequential, "{threads} threads");
        }
    }

    #[test]
    fn heatmap_counts_everyone_once() {
        let z = zones();
        let mut g = SpatialGrid::new(&z);
        g.rebuild(
            &z,
            (0..100).map(|i| at(i, (i % 10) as f32 * 10.0 + 1.0, (i / 10) as f32 * 5.0)),
        );
        let h = g.heatmap(2, 1);
        assert_eq!(h.iter().sum::<u32>(), 100);
        assert_eq!(h, vec![50, 50]);
    }
}
