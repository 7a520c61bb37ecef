//! `seedsim bench --sift <events.db>`: story sifting over a stored run, as
//! `seedsim story --sift all` does it (every pattern, no pool cap): the
//! run's events, those the patterns name and read, the stories found, the
//! wall time and the rate over all of the run's events.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::store::sift::{SiftOptions, sift_store, stored_patterns};
use crate::store::verify::open_read_only;

#[derive(Clone, Debug, Serialize)]
pub struct SiftBench {
    pub events: u64,
    pub events_read: u64,
    pub patterns: usize,
    pub stories: u64,
    pub peak_partials: u64,
    pub secs: f64,
    pub events_per_sec: f64,
}

pub fn measure(db: &Path) -> Result<SiftBench, String> {
    let conn = open_read_only(db).map_err(|e| e.to_string())?;
    let events: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    let (patterns, _) = stored_patterns(&conn).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let sifted = sift_store(&conn, &patterns, SiftOptions::default()).map_err(|e| e.to_string())?;
    let secs = started.elapsed().as_secs_f64();
    let st = sifted.sifter.stats;
    Ok(SiftBench {
        events: events as u64,
        events_read: st.events,
        patterns: patterns.len(),
        stories: st.found,
        peak_partials: st.peak,
        secs,
        events_per_sec: events as f64 / secs.max(1e-9),
    })
}

pub fn table(b: &SiftBench) -> String {
    format!(
        "| events in the run | read (kinds the patterns name) | patterns | stories | peak partials | time | events/s |\n\
         |---:|---:|---:|---:|---:|---:|---:|\n\
         | {} | {} | {} | {} | {} | {:.2} s | {:.1} M |\n",
        b.events,
        b.events_read,
        b.patterns,
        b.stories,
        b.peak_partials,
        b.secs,
        b.events_per_sec / 1e6
    )
}
