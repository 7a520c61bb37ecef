//! `seedsim story`: the lives a stored run tells, read back from its beats.
//! A life is an agent's beats in seq order, each with the event it tells
//! (its kind, seq and tick), so every line can be followed to its cause
//! (`seedsim events --chain SEQ`).

use rusqlite::{Connection, params};
use serde::Serialize;

/// One moment of a life.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub tick: u64,
    /// The beat's own seq.
    pub seq: u64,
    pub beat: String,
    pub salience: u8,
    /// The event the beat tells.
    pub told_kind: String,
    pub told_seq: u64,
    /// The moment in words (`store::telling`), once told.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Most lines read for one life (a long life's beats are bounded anyway:
/// firsts once, births and deaths few).
pub const MAX_LINES: usize = 10_000;

/// The beats of `entity`, in seq order.
pub fn life(conn: &Connection, entity: u64) -> rusqlite::Result<Vec<Line>> {
    let mut stmt = conn.prepare(
        "SELECT b.tick, b.seq, json_extract(b.payload, '$.beat'), json_extract(b.payload, '$.salience'),
                COALESCE(e.kind, '?'), COALESCE(e.seq, 0)
         FROM events b LEFT JOIN events e ON e.seq = b.cause
         WHERE b.kind = 'beat' AND b.actor = ?1 ORDER BY b.seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![entity as i64, MAX_LINES as i64], |r| {
        Ok(Line {
            tick: r.get::<_, i64>(0)? as u64,
            seq: r.get::<_, i64>(1)? as u64,
            beat: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            salience: r.get::<_, Option<i64>>(3)?.unwrap_or(0).clamp(0, 255) as u8,
            told_kind: r.get(4)?,
            told_seq: r.get::<_, i64>(5)? as u64,
            text: None,
        })
    })?;
    rows.collect()
}

/// The `n` agents whose lives weigh most (sum of their beats' salience),
/// heaviest first, ties by id.
pub fn top(conn: &Connection, n: usize) -> rusqlite::Result<Vec<(u64, u64)>> {
    let mut stmt = conn.prepare(
        "SELECT actor, sum(json_extract(payload, '$.salience')) AS weight FROM events
         WHERE kind = 'beat' AND actor IS NOT NULL
         GROUP BY actor ORDER BY weight DESC, actor LIMIT ?1",
    )?;
    let rows = stmt.query_map([n as i64], |r| {
        Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
    })?;
    rows.collect()
}

/// Most lives `--all` tells.
pub const MAX_LIVES: usize = 1_000_000;

/// Every agent with a beat, in id order.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<u64>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT actor FROM events WHERE kind = 'beat' AND actor IS NOT NULL
         ORDER BY actor LIMIT ?1",
    )?;
    let rows = stmt.query_map([MAX_LIVES as i64], |r| Ok(r.get::<_, i64>(0)? as u64))?;
    rows.collect()
}
