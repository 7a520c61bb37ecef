//! Story sifting over a stored run (`seedsim story --sift`): the run's
//! events fed, in seq order, to the same sifter Narrate runs live, without
//! its cap; each story found told from the store: its title and one line
//! per stage, with the tick and seq of the event it cites. The patterns
//! are the run's own (kept in its narrative pack), else the shipped ones.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::schema;
use crate::core::event::{EVENT_KINDS, EventKind};
use crate::core::scenario::NarrativePack;
use crate::core::scenario::patterns::{Pattern, RoleKind};
use crate::events::Payload;
use crate::narrative::render::name_of;
use crate::narrative::sift::{Found, SiftEvent, Sifter};

/// Why sifting a store failed.
#[derive(Debug, thiserror::Error)]
pub enum SiftError {
    #[error("reading the store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Pattern(String),
    #[error("no pattern {name:?}; the run's patterns are: {known}")]
    Unknown { name: String, known: String },
}

/// Where the patterns came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatternSource {
    /// The run's narrative pack.
    Run,
    /// The shipped pack (the run's had none).
    Shipped,
}

/// The run's story patterns.
pub fn stored_patterns(conn: &Connection) -> Result<(Vec<Pattern>, PatternSource), SiftError> {
    let stored = schema::meta(conn, "narrative_pack")?
        .and_then(|text| NarrativePack::parse(&text).ok())
        .map(|p| p.patterns)
        .unwrap_or_default();
    if stored.is_empty() {
        return Ok((NarrativePack::shipped().patterns, PatternSource::Shipped));
    }
    crate::core::scenario::patterns::check(&stored)
        .map_err(|(i, m)| SiftError::Pattern(format!("the run's patterns[{i}]: {m}")))?;
    Ok((stored, PatternSource::Run))
}

/// `patterns` narrowed to the one named `name` (`all`: every one).
pub fn choose(patterns: Vec<Pattern>, name: &str) -> Result<Vec<Pattern>, SiftError> {
    if name == "all" {
        return Ok(patterns);
    }
    let known = patterns
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let chosen: Vec<Pattern> = patterns.into_iter().filter(|p| p.name == name).collect();
    if chosen.is_empty() {
        return Err(SiftError::Unknown {
            name: name.into(),
            known,
        });
    }
    Ok(chosen)
}

/// What sifting a run found: the sifter (its names, roles and counts) and
/// the stories, in the order they completed.
pub struct Sifted {
    pub sifter: Sifter,
    pub found: Vec<Found>,
}

/// How to sift a store: over it, a run is sifted uncapped; a cap (and the
/// evictions it makes, kept) replays what a live pool of that size found.
#[derive(Clone, Debug, Default)]
pub struct SiftOptions {
    pub cap: Option<usize>,
    pub keep_evictions: bool,
    /// Partials never to begin: (pattern, seq of its first event).
    pub exclude: BTreeSet<(u16, u64)>,
}

/// Sifts the store's events with `patterns`.
pub fn sift_store(
    conn: &Connection,
    patterns: &[Pattern],
    options: SiftOptions,
) -> Result<Sifted, SiftError> {
    let mut sifter = Sifter::new(patterns, options.cap).map_err(SiftError::Pattern)?;
    sifter.exclude = options.exclude;
    if options.keep_evictions {
        sifter.evictions = Some(Vec::new());
    }
    let kinds: Vec<EventKind> = EventKind::ALL
        .into_iter()
        .filter(|k| *k != EventKind::Sifted && sifter.wants(*k))
        .collect();
    let mut found = Vec::new();
    if kinds.is_empty() {
        return Ok(Sifted { sifter, found });
    }
    let names = kinds
        .iter()
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, tick, kind, actor, target, cause, payload FROM events \
         WHERE tick > 0 AND kind IN ({names}) ORDER BY seq"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let kind = kind_named(r.get_ref(2)?.as_str().unwrap_or(""));
        let mut ev = SiftEvent {
            seq: r.get::<_, i64>(0)? as u64,
            tick: r.get::<_, i64>(1)? as u64,
            kind,
            actor: r.get::<_, Option<i64>>(3)?.map(|v| v as u64),
            target: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
            cause: r.get::<_, Option<i64>>(5)?.map(|v| v as u64),
            ..SiftEvent::default()
        };
        if kind.is_some_and(|k| sifter.reads_payload(k))
            && let Some(p) = Payload::from_json(r.get_ref(6)?.as_str().unwrap_or(""))
        {
            ev.zone = p.zone();
            ev.amount = p.amount();
            ev.detail = p.detail();
        }
        sifter.feed(&ev, &mut found);
    }
    Ok(Sifted { sifter, found })
}

fn kind_named(name: &str) -> Option<EventKind> {
    EVENT_KINDS
        .iter()
        .position(|k| *k == name)
        .map(|i| EventKind::ALL[i])
}

/// A story told: its title and one line per stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub pattern: String,
    pub title: String,
    /// Each role's value by name (agents' ids, zones' ids).
    pub roles: BTreeMap<String, u64>,
    pub lines: Vec<StoryLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryLine {
    pub tick: u64,
    pub seq: u64,
    pub text: String,
}

/// Found `f` as a story's roles by name.
pub fn roles_of(sifter: &Sifter, f: &Found) -> BTreeMap<String, u64> {
    sifter
        .roles(f.pattern)
        .iter()
        .map(|(n, _)| n.clone())
        .zip(f.roles.iter().copied())
        .collect()
}

/// Tells a story of `pattern` (its roles' values by name, each stage's
/// event seq) with the names of the run (its seed) and its zones.
pub fn tell(
    conn: &Connection,
    pattern: &Pattern,
    roles: &BTreeMap<String, u64>,
    events: &[u64],
) -> Result<Story, SiftError> {
    let seed = schema::meta(conn, "seed")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let zones = super::telling::stored_zones(conn)?;
    let kinds = pattern.roles().map_err(SiftError::Pattern)?;
    let named: Vec<(String, String)> = kinds
        .iter()
        .filter_map(|(n, kind)| {
            let v = *roles.get(n)?;
            let name = match kind {
                RoleKind::Entity => name_of(seed, v),
                RoleKind::Zone => zones
                    .as_ref()
                    .and_then(|z| z.all().get(v as usize))
                    .map_or_else(|| format!("zone {v}"), |z| z.name.clone()),
            };
            Some((n.clone(), name))
        })
        .collect();
    let fill = |text: &str| {
        named.iter().fold(text.to_string(), |t, (n, v)| {
            t.replace(&format!("{{{n}}}"), v)
        })
    };
    let mut lines = Vec::with_capacity(events.len());
    for (stage, seq) in pattern.stages.iter().zip(events) {
        let tick: Option<i64> = conn
            .query_row(
                "SELECT tick FROM events WHERE seq = ?1",
                [*seq as i64],
                |r| r.get(0),
            )
            .ok();
        lines.push(StoryLine {
            tick: tick.unwrap_or(0) as u64,
            seq: *seq,
            text: fill(&stage.say),
        });
    }
    Ok(Story {
        pattern: pattern.name.clone(),
        title: fill(&pattern.title),
        roles: roles.clone(),
        lines,
    })
}
