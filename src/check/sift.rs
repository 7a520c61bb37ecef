//! The sifter's part of a finished run's narrative facts: the stories the
//! live sifter found by pattern, what its pool did (evictions above all:
//! each may have cost a story a stored run would give), and the first
//! story of each pattern told in full from the store.

use std::collections::BTreeMap;

use bevy::prelude::*;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::events::Payload;
use crate::narrative::sift::LiveSift;
use crate::store::sift::{Story, stored_patterns, tell};

/// Stories told in the report.
const TOLD: usize = 6;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SiftReport {
    /// Stories found live, by pattern (every pattern of the pack listed).
    pub found: BTreeMap<String, u64>,
    /// Events of the run the sifter saw, and those its patterns name.
    pub events_seen: u64,
    pub events_sifted: u64,
    pub begun: u64,
    /// Partials dropped because the pool was full.
    pub evicted: u64,
    pub expired: u64,
    pub vetoed: u64,
    pub peak_pool: u64,
    /// A few stories, told (from the store).
    #[serde(default)]
    pub stories: Vec<Story>,
}

impl SiftReport {
    /// The live sifter's facts, if the run sifted.
    pub fn build(world: &World) -> Option<SiftReport> {
        let live = world.get_resource::<LiveSift>()?;
        let st = live.sifter.stats;
        let found = live
            .found
            .iter()
            .enumerate()
            .map(|(i, n)| (live.sifter.name(i as u16).to_string(), *n))
            .collect();
        Some(SiftReport {
            found,
            events_seen: live.seen,
            events_sifted: st.events,
            begun: st.begun,
            evicted: st.evicted,
            expired: st.expired,
            vetoed: st.vetoed,
            peak_pool: st.peak,
            stories: Vec::new(),
        })
    }

    /// Tells the first stored story of each pattern (up to a few).
    pub fn tell_stories(&mut self, conn: &Connection) -> Result<(), String> {
        let (patterns, _) = stored_patterns(conn).map_err(|e| e.to_string())?;
        let mut stmt = conn
            .prepare("SELECT payload FROM events WHERE kind = 'sifted' ORDER BY seq")
            .map_err(|e| e.to_string())?;
        let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
        while let Some(r) = rows.next().map_err(|e| e.to_string())? {
            if self.stories.len() >= TOLD {
                break;
            }
            let text: String = r.get(0).map_err(|e| e.to_string())?;
            let Some(Payload::Sifted(m)) = Payload::from_json(&text) else {
                continue;
            };
            if self.stories.iter().any(|s| s.pattern == m.pattern) {
                continue;
            }
            let Some(p) = patterns.iter().find(|p| p.name == m.pattern) else {
                continue;
            };
            let story = tell(conn, p, &m.roles, &m.events).map_err(|e| e.to_string())?;
            self.stories.push(story);
        }
        Ok(())
    }
}

/// The verdict of a `Sifted` assertion: stories of `pattern` found live.
pub(super) fn judge(
    name: &str,
    pattern: &str,
    expect: &str,
    facts: Option<&super::NarrativeReport>,
    tick: u64,
) -> crate::core::scenario::Verdict {
    use crate::core::scenario::CheckKind;
    use crate::core::scenario::checks::Bound;
    let verdict = |passed, measured: String, expected| {
        super::judge::verdict(CheckKind::Assertion, name, passed, measured, expected, tick)
    };
    let Ok(bound) = Bound::parse(expect) else {
        return verdict(false, "no bound".into(), expect.to_string());
    };
    let Some(sift) = facts.and_then(|f| f.sift.as_ref()) else {
        return verdict(false, "the run sifted no stories".into(), bound.describe());
    };
    let n = sift.found.get(pattern).copied().unwrap_or(0);
    let shown = format!(
        "{n} {pattern} stories ({} partial matches evicted)",
        sift.evicted
    );
    verdict(bound.holds(n as f64), shown, bound.describe())
}
