//! Time series with a fixed memory bound: one point per tick until the
//! series is full, then neighbouring points are merged and each point
//! covers twice as many ticks. A run of any length keeps at most `capacity`
//! points, and every tick still counts in exactly one point. [`Series`] is
//! generic over what a point holds ([`Fold`]): the run's own [`Point`]s
//! here, the window's plots their own.

use serde::Serialize;

/// One point: the ticks `first..=last` folded together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    pub first: u64,
    pub last: u64,
    /// Population at the end of `last`.
    pub population: u64,
    /// Mean and max wall time of the ticks, in milliseconds.
    pub tick_ms_mean: f64,
    pub tick_ms_max: f64,
    /// Sums over the ticks.
    pub actions: u64,
    pub events: u64,
    pub births: u64,
    pub deaths: u64,
    /// State hash at the end of `last`.
    pub state_hash: String,
}

/// A point of a [`Series`]: the ticks `first()..=last()` folded together,
/// able to fold in the point that follows it.
pub trait Fold {
    fn first(&self) -> u64;
    fn last(&self) -> u64;
    /// Folds in `later`, which starts where this one ends.
    fn absorb(&mut self, later: Self);

    fn ticks(&self) -> u64 {
        self.last() - self.first() + 1
    }
}

impl Fold for Point {
    fn first(&self) -> u64 {
        self.first
    }

    fn last(&self) -> u64 {
        self.last
    }

    fn absorb(&mut self, later: Point) {
        let (n1, n2) = (
            (self.last - self.first + 1) as f64,
            (later.last - later.first + 1) as f64,
        );
        self.tick_ms_mean = (self.tick_ms_mean * n1 + later.tick_ms_mean * n2) / (n1 + n2);
        self.tick_ms_max = self.tick_ms_max.max(later.tick_ms_max);
        self.actions += later.actions;
        self.events += later.events;
        self.births += later.births;
        self.deaths += later.deaths;
        self.last = later.last;
        self.population = later.population;
        self.state_hash = later.state_hash;
    }
}

/// A bounded series of points.
#[derive(Clone, Debug)]
pub struct Series<P = Point> {
    capacity: usize,
    ticks_per_point: u64,
    points: Vec<P>,
}

impl<P: Fold> Series<P> {
    /// `capacity` is rounded up to an even number of at least 2.
    pub fn new(capacity: usize) -> Series<P> {
        Series {
            capacity: capacity.max(2).next_multiple_of(2),
            ticks_per_point: 1,
            points: Vec::new(),
        }
    }

    /// Adds the point after the last one (merging when the open point
    /// covers fewer ticks than a point now does, or the series is full).
    pub fn push(&mut self, p: P) {
        if let Some(open) = self.points.last_mut()
            && open.ticks() < self.ticks_per_point
        {
            open.absorb(p);
            return;
        }
        if self.points.len() == self.capacity {
            let old = std::mem::take(&mut self.points);
            let mut it = old.into_iter();
            while let Some(mut a) = it.next() {
                if let Some(b) = it.next() {
                    a.absorb(b);
                }
                self.points.push(a);
            }
            self.ticks_per_point *= 2;
            return self.push(p);
        }
        self.points.push(p);
    }

    pub fn points(&self) -> &[P] {
        &self.points
    }

    pub fn ticks_per_point(&self) -> u64 {
        self.ticks_per_point
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: u64) -> Point {
        Point {
            first: t,
            last: t,
            population: t * 10,
            tick_ms_mean: t as f64,
            tick_ms_max: t as f64,
            actions: 1,
            events: 2,
            births: 0,
            deaths: 0,
            state_hash: format!("{t}"),
        }
    }

    #[test]
    fn stays_bounded_and_keeps_every_tick() {
        let mut s = Series::new(8);
        for t in 1..=1000 {
            s.push(at(t));
        }
        assert!(s.points().len() <= 8);
        assert_eq!(s.points().iter().map(|p| p.actions).sum::<u64>(), 1000);
        assert_eq!(s.points().first().map(|p| p.first), Some(1));
        let last = s.points().last().expect("points");
        assert_eq!(
            (last.last, last.population, last.state_hash.as_str()),
            (1000, 10_000, "1000")
        );
        assert_eq!(s.points()[0].tick_ms_max, s.ticks_per_point() as f64);
        for w in s.points().windows(2) {
            assert_eq!(w[0].last + 1, w[1].first);
        }
    }

    #[test]
    fn short_runs_keep_one_point_per_tick() {
        let mut s = Series::new(16);
        for t in 1..=10 {
            s.push(at(t));
        }
        assert_eq!(s.points().len(), 10);
        assert_eq!(s.ticks_per_point(), 1);
    }
}
