//! `seedsim story <events.db> --zone NAME`: a zone's chronicle read back —
//! its gazettes and its headlines (beats salient enough of agents who were
//! in it at the time: the zone of their last spawn, arrival or death
//! before the beat), in order, newest last. Bounded: the newest
//! [`MAX_LINES`] lines, found among at most [`MAX_SCANNED`] salient beats.

use rusqlite::{Connection, params};
use serde::Serialize;

use super::story::Line;
use crate::world::Zones;

/// Lines told of a zone.
pub const MAX_LINES: usize = 200;
/// Salient beats looked at (newest first) to find the zone's.
pub const MAX_SCANNED: usize = 50_000;
/// Beats at least this salient are headlines (the shipped pack's default).
pub const HEADLINE: i64 = 60;

/// One line of a zone's chronicle.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ZoneLine {
    Gazette {
        tick: u64,
        seq: u64,
        births: u64,
        deaths: u64,
        arrivals: u64,
        departures: u64,
        feuds: u64,
    },
    Headline {
        entity: u64,
        #[serde(flatten)]
        line: Line,
    },
}

impl ZoneLine {
    pub fn seq(&self) -> u64 {
        match self {
            ZoneLine::Gazette { seq, .. } => *seq,
            ZoneLine::Headline { line, .. } => line.seq,
        }
    }
}

/// The chronicle of zone `name`, or `None` if the run has no such zone.
pub fn zone_lines(conn: &Connection, name: &str) -> rusqlite::Result<Option<Vec<ZoneLine>>> {
    let Some(zones) = super::telling::stored_zones(conn)? else {
        return Ok(None);
    };
    let Some(zone) = zones.by_name(name).map(|z| z.id.0) else {
        return Ok(None);
    };
    let mut out = gazettes(conn, zone)?;
    out.extend(headlines(conn, &zones, zone)?);
    out.sort_by_key(ZoneLine::seq);
    let skip = out.len().saturating_sub(MAX_LINES);
    Ok(Some(out.split_off(skip)))
}

fn gazettes(conn: &Connection, zone: u16) -> rusqlite::Result<Vec<ZoneLine>> {
    let mut stmt = conn.prepare(
        "SELECT tick, seq, json_extract(payload, '$.births'), json_extract(payload, '$.deaths'),
                json_extract(payload, '$.arrivals'), json_extract(payload, '$.departures'),
                json_extract(payload, '$.feuds')
         FROM events WHERE kind = 'gazette' AND json_extract(payload, '$.zone') = ?1
         ORDER BY seq DESC LIMIT ?2",
    )?;
    let n = |r: &rusqlite::Row, i| {
        r.get::<_, Option<i64>>(i)
            .map(|v| v.unwrap_or(0).max(0) as u64)
    };
    stmt.query_map(params![zone as i64, MAX_LINES as i64], |r| {
        Ok(ZoneLine::Gazette {
            tick: n(r, 0)?,
            seq: n(r, 1)?,
            births: n(r, 2)?,
            deaths: n(r, 3)?,
            arrivals: n(r, 4)?,
            departures: n(r, 5)?,
            feuds: n(r, 6)?,
        })
    })?
    .collect()
}

fn headlines(conn: &Connection, zones: &Zones, zone: u16) -> rusqlite::Result<Vec<ZoneLine>> {
    let mut beats = conn.prepare(
        "SELECT b.tick, b.seq, b.actor, json_extract(b.payload, '$.beat'), json_extract(b.payload, '$.salience'),
                COALESCE(e.kind, '?'), COALESCE(e.seq, 0)
         FROM events b LEFT JOIN events e ON e.seq = b.cause
         WHERE b.kind = 'beat' AND json_extract(b.payload, '$.salience') >= ?1
         ORDER BY b.seq DESC LIMIT ?2",
    )?;
    let mut place = conn.prepare(
        "SELECT kind, payload FROM events WHERE actor = ?1 AND seq <= ?2
           AND kind IN ('spawn', 'arrived', 'death') ORDER BY seq DESC LIMIT 1",
    )?;
    let rows = beats.query_map(params![HEADLINE, MAX_SCANNED as i64], |r| {
        Ok((
            r.get::<_, i64>(2)? as u64,
            Line {
                tick: r.get::<_, i64>(0)? as u64,
                seq: r.get::<_, i64>(1)? as u64,
                beat: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                salience: r.get::<_, Option<i64>>(4)?.unwrap_or(0).clamp(0, 255) as u8,
                told_kind: r.get(5)?,
                told_seq: r.get::<_, i64>(6)? as u64,
                text: None,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (entity, line) = row?;
        let at: Option<(String, String)> = place
            .query_row(params![entity as i64, line.seq as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .ok();
        if at.and_then(|(kind, p)| zone_in(zones, &kind, &p)) == Some(zone) {
            out.push(ZoneLine::Headline { entity, line });
            if out.len() == MAX_LINES {
                break;
            }
        }
    }
    Ok(out)
}

/// The zone a placing event puts its agent in.
fn zone_in(zones: &Zones, kind: &str, payload: &str) -> Option<u16> {
    let v: serde_json::Value = serde_json::from_str(payload).ok()?;
    if kind == "death" {
        return v["zone"].as_u64().map(|z| z as u16);
    }
    let (x, y) = (v["x"].as_f64()? as f32, v["y"].as_f64()? as f32);
    Some(zones.zone_at(bevy::math::Vec2::new(x, y)).id.0)
}
