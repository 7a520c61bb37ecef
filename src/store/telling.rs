//! A stored life told in words: each beat rendered by the narrative grammar
//! (`narrative::render`) with what the store knows at that moment — the
//! agent's and the other party's generated names, its kind, the zone it was
//! last seen in, its age and its reputation (the tone). Everything comes
//! from `events.db` (the seed and scenario from its meta, the facts from the
//! life's own events, the grammar from its meta), so the same file tells
//! the same words, whatever grammar a later seedsim ships.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};

use super::schema;
use super::story::{Line, MAX_LINES};
use crate::core::scenario::parse_str;
use crate::events::Payload;
use crate::narrative::render::{
    Grammar, GrammarError, Register, RenderError, Renderer, Telling, Tone, name_of,
};
use crate::world::Zones;

/// Ticks per year of a told age (a life of 1,500 to 5,000 ticks reads as
/// 25 to 80 years).
pub const TICKS_PER_YEAR: i64 = 60;

/// Why a store's lives cannot be told.
#[derive(Debug, thiserror::Error)]
pub enum TellError {
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    #[error("the run's stored narrative grammar does not parse: {0}")]
    Grammar(#[from] GrammarError),
}

/// Tells lives of one store.
pub struct Teller {
    seed: u64,
    zones: Option<Zones>,
    renderer: Renderer,
}

/// What the store knows of an agent at one of its beats.
#[derive(Clone, Debug, Default)]
struct Known {
    kind: String,
    zone: Option<String>,
    reputation: i16,
    /// Tick it appeared (spawned or born).
    appeared: Option<i64>,
    /// (tick, age) of its death, if it died.
    death: Option<(i64, i64)>,
}

impl Teller {
    /// A teller for the store behind `conn`, with the grammar the run
    /// stored (the shipped one for a store from before it was kept).
    pub fn open(conn: &Connection) -> Result<Teller, TellError> {
        let seed = schema::meta(conn, "seed")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let zones = stored_zones(conn)?;
        let grammar = match schema::meta(conn, "narrative_grammar")? {
            Some(text) => Grammar::parse(&text)?,
            None => Grammar::shipped(),
        };
        Ok(Teller {
            seed,
            zones,
            renderer: Renderer::new(grammar),
        })
    }

    /// `lines` (the beats of `entity`, in order) told in words, one string
    /// each, or the error rendering it gave (an unresolved slot...).
    pub fn tell(
        &mut self,
        conn: &Connection,
        entity: u64,
        lines: &[Line],
    ) -> rusqlite::Result<Vec<Result<String, RenderError>>> {
        let facts = self.facts(conn, entity)?;
        let mut out = Vec::with_capacity(lines.len());
        for l in lines {
            let known = facts.at(l.seq);
            let other = match facts.other_in(l.told_seq) {
                Ok(o) => o,
                // Its cause is not one of the life's own events (a birth
                // names a second parent only in its payload): read it.
                Err(cause) => party_of(conn, cause, entity)?,
            };
            out.push(self.render(entity, l, &known, other));
        }
        Ok(out)
    }

    fn render(
        &mut self,
        entity: u64,
        l: &Line,
        k: &Known,
        other: Option<u64>,
    ) -> Result<String, RenderError> {
        let mut slots: BTreeMap<&str, String> = BTreeMap::new();
        slots.insert("name", name_of(self.seed, entity));
        slots.insert("kind", k.kind.clone());
        slots.insert("zone", k.zone.clone().unwrap_or_else(|| "the wilds".into()));
        let age = match (k.death, k.appeared) {
            (Some((tick, age)), _) => age - (tick - l.tick as i64),
            (None, Some(from)) => l.tick as i64 - from,
            (None, None) => 0,
        };
        slots.insert("age", (age.max(0) / TICKS_PER_YEAR).to_string());
        if let Some(o) = other {
            slots.insert("other", name_of(self.seed, o));
        }
        slots.insert("goal", l.beat.replace('_', " "));
        let tags = vec![Tone::of(k.reputation).tag(), format!("arch:{}", k.kind)];
        let register = if l.beat == "epitaph" {
            Register::Epitaph
        } else {
            Register::Chronicle
        };
        self.renderer.render(&Telling {
            seed: self.seed,
            seq: l.seq,
            agent: entity,
            beat: &l.beat,
            register,
            tags: &tags,
            slots: &slots,
        })
    }

    /// The life's own events, walked once: where it was, its standing, and
    /// the other party of each event.
    fn facts(&self, conn: &Connection, entity: u64) -> rusqlite::Result<Facts> {
        let mut stmt = conn.prepare_cached(
            "SELECT seq, tick, kind, actor, target, payload, cause FROM events
             WHERE actor = ?1 OR target = ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![entity as i64, (MAX_LINES * 20) as i64], |r| {
            Ok((
                r.get::<_, i64>(0)? as u64,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?.map(|v| v as u64),
                r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
                r.get::<_, String>(5)?,
                r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
            ))
        })?;
        let mut facts = Facts::default();
        let mut now = Known {
            kind: kind_of(conn, entity)?,
            ..Known::default()
        };
        for row in rows {
            let (seq, tick, kind, actor, target, payload, cause) = row?;
            let other = if actor == Some(entity) { target } else { actor };
            facts.others.insert(seq, (other, cause));
            let p = Payload::from_json(&payload);
            let me = actor == Some(entity);
            match (p, kind.as_str()) {
                (Some(Payload::Spawn { x, y, .. }), _) if me => {
                    now.appeared = Some(tick);
                    now.zone = self.zone_at(x, y);
                }
                (Some(Payload::Birth { .. }), _) if !me => now.appeared = Some(tick),
                (Some(Payload::Arrived { x, y }), _) if me => now.zone = self.zone_at(x, y),
                (Some(Payload::ReputationChanged { reputation, .. }), _) if me => {
                    now.reputation = reputation
                }
                (Some(Payload::Death { age, zone, .. }), _) if me => {
                    now.death = Some((tick, age));
                    now.zone = self.zone_name(zone);
                }
                _ => {}
            }
            facts.timeline.push((seq, now.clone()));
        }
        // The age at a beat needs the death, which comes last: give it to all.
        if let Some(death) = now.death {
            for (_, k) in &mut facts.timeline {
                k.death = Some(death);
            }
        }
        Ok(facts)
    }

    fn zone_at(&self, x: f32, y: f32) -> Option<String> {
        let zones = self.zones.as_ref()?;
        Some(zones.zone_at(bevy::math::Vec2::new(x, y)).name.clone())
    }

    fn zone_name(&self, id: u16) -> Option<String> {
        let zones = self.zones.as_ref()?;
        zones.all().get(id as usize).map(|z| z.name.clone())
    }
}

/// What the store knows of a life, event by event.
#[derive(Default)]
struct Facts {
    /// (seq, what was known after it), in seq order.
    timeline: Vec<(u64, Known)>,
    /// The other party and the cause of each of the life's events.
    others: BTreeMap<u64, (Option<u64>, Option<u64>)>,
}

impl Facts {
    /// The other party of event `seq`, or of its cause when it has none (a
    /// mourning's is the mourned, named by the grief that moved it).
    /// `Err(cause)` when that cause is not among the life's events.
    fn other_in(&self, seq: u64) -> Result<Option<u64>, u64> {
        let Some(&(other, cause)) = self.others.get(&seq) else {
            return Ok(None);
        };
        match (other, cause) {
            (Some(o), _) => Ok(Some(o)),
            (None, None) => Ok(None),
            (None, Some(c)) => match self.others.get(&c) {
                Some(&(o, _)) => Ok(o),
                None => Err(c),
            },
        }
    }

    /// What was known at `seq`.
    fn at(&self, seq: u64) -> Known {
        let i = self.timeline.partition_point(|(s, _)| *s <= seq);
        i.checked_sub(1)
            .map(|i| self.timeline[i].1.clone())
            .unwrap_or_default()
    }
}

/// The zone table of the stored run (from its scenario), if it loads.
pub(super) fn stored_zones(conn: &Connection) -> rusqlite::Result<Option<Zones>> {
    let (Some(file), Some(text)) = (
        schema::meta(conn, "scenario_file")?,
        schema::meta(conn, "scenario_text")?,
    ) else {
        return Ok(None);
    };
    Ok(parse_str(&file, &text)
        .ok()
        .map(|s| Zones::from_scenario(&s)))
}

/// The party of event `seq` that is not `entity` (its target first).
fn party_of(conn: &Connection, seq: u64, entity: u64) -> rusqlite::Result<Option<u64>> {
    let row: Option<(Option<i64>, Option<i64>)> = conn
        .query_row(
            "SELECT actor, target FROM events WHERE seq = ?1",
            [seq as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let Some((actor, target)) = row else {
        return Ok(None);
    };
    Ok([target, actor]
        .into_iter()
        .flatten()
        .map(|v| v as u64)
        .find(|v| *v != entity))
}

/// An agent's kind: from its spawn, or its parent's, up the lineage.
fn kind_of(conn: &Connection, entity: u64) -> rusqlite::Result<String> {
    let mut id = entity as i64;
    for _ in 0..64 {
        let spawned: Option<String> = conn
            .query_row(
                "SELECT json_extract(payload, '$.agent') FROM events WHERE kind = 'spawn' AND actor = ?1 LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .ok();
        if let Some(kind) = spawned {
            return Ok(kind);
        }
        match conn
            .query_row(
                "SELECT actor FROM events WHERE kind = 'birth' AND target = ?1 LIMIT 1",
                [id],
                |r| r.get::<_, i64>(0),
            )
            .ok()
        {
            Some(parent) => id = parent,
            None => break,
        }
    }
    Ok("wanderer".into())
}

/// Adds to `audit` every beat of every life that the grammar cannot tell
/// (an unresolved slot, an unknown symbol...), naming the beat's seq.
pub fn audit_text(
    conn: &Connection,
    audit: &mut super::consistency::Audit,
) -> Result<(), TellError> {
    let mut teller = Teller::open(conn)?;
    for id in super::story::all(conn)? {
        let lines = super::story::life(conn, id)?;
        for (l, told) in lines.iter().zip(teller.tell(conn, id, &lines)?) {
            if let Err(e) = told {
                audit.add(
                    super::consistency::Class::UnresolvedSlot,
                    l.seq,
                    format!("{} of agent {id} cannot be told: {e}", l.beat),
                );
            }
        }
    }
    audit.findings.sort_by_key(|f| f.seq);
    Ok(())
}
