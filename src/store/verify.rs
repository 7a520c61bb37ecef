//! `seedsim verify`: runs SQLite's integrity check, then recomputes the hash
//! chain of an `events.db` from its rows — from the genesis its metadata
//! gives, through every tick's record and link, to a finished run's closing
//! record (see `store::seal`) — and reports the first thing that does not
//! match: a broken seq, a truncation, or damage to the file or its records.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use std::collections::BTreeMap;

use super::seal::{InputsDigest, TickRecord, closing, metadata_genesis, stored_genesis, tick_link};
use super::{StoreError, schema, sqlite};
use crate::core::event::EventHeader;
use crate::events::chain::{Row, hex};

/// What verification found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The chain is intact up to `last_seq` (at `last_tick`); `complete` is
    /// false for a run that stopped before finishing (e.g. it was killed).
    Intact {
        events: u64,
        last_seq: u64,
        last_tick: u64,
        complete: bool,
    },
    /// Event `seq` does not match its stored hash (or is out of sequence).
    Broken { seq: u64, reason: String },
    /// The file, its metadata, a tick's record or the closing record is
    /// damaged or does not match the events (SQLite's integrity check, a
    /// tick link, the closing record).
    Damaged { reason: String },
    /// Events end at `last_seq` but the writer recorded up to `recorded_seq`.
    Truncated {
        last_seq: u64,
        recorded_seq: u64,
        recorded_tick: u64,
    },
}

/// Opens an `events.db` read-only, checking that it is one.
pub fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    if !path.exists() {
        return Err(StoreError::Invalid {
            path: path.display().to_string(),
            message: "no such file".into(),
        });
    }
    // A FIFO or a device would block the open for ever.
    if !path.is_file() {
        return Err(StoreError::Invalid {
            path: path.display().to_string(),
            message: "not a regular file".into(),
        });
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(sqlite(path))?;
    match schema::meta(&conn, "format") {
        Ok(Some(f)) if f == schema::FORMAT || f == schema::FORMAT_1 => Ok(conn),
        Ok(other) => Err(StoreError::Invalid {
            path: path.display().to_string(),
            message: format!(
                "not a seedsim event store (format {other:?}, expected {:?})",
                schema::FORMAT
            ),
        }),
        Err(e) => Err(StoreError::Invalid {
            path: path.display().to_string(),
            message: format!("not a seedsim event store: {e}"),
        }),
    }
}

/// The columns [`read_row`] expects, in order.
pub const ROW_COLUMNS: &str =
    "seq, tick, kind, actor, target, cause, correlation, depth, payload, hash";

/// One stored event and its stored hash, from a `SELECT` of [`ROW_COLUMNS`].
pub fn read_row(r: &rusqlite::Row) -> rusqlite::Result<(Row, Vec<u8>)> {
    let row = Row {
        kind: r.get(2)?,
        header: EventHeader {
            seq: r.get::<_, i64>(0)? as u64,
            tick: r.get::<_, i64>(1)? as u64,
            actor: r.get::<_, Option<i64>>(3)?.map(|v| v as u64),
            target: r.get::<_, Option<i64>>(4)?.map(|v| v as u64),
            cause: r.get::<_, Option<i64>>(5)?.map(|v| v as u64),
            correlation: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
            depth: r.get(7)?,
        },
        payload: r.get(8)?,
    };
    Ok((row, r.get(9)?))
}

/// Reads every event row in seq order, calling `f` for each until it returns false.
pub fn for_each_row(
    conn: &Connection,
    mut f: impl FnMut(Row, Vec<u8>) -> bool,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT {ROW_COLUMNS} FROM events ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (row, hash) = read_row(r)?;
        if !f(row, hash) {
            break;
        }
    }
    Ok(())
}

/// Verifies the store at `path`: SQLite's own integrity check, then every
/// event's link from the run's genesis, every tick's record against its
/// events and (format 2) its link, and a finished run's closing record.
pub fn verify(path: &Path) -> Result<Verdict, StoreError> {
    let conn = open_read_only(path)?;
    if let Some(reason) = integrity(&conn) {
        return Ok(Verdict::Damaged { reason });
    }
    match audit(&conn).map_err(sqlite(path))? {
        Ok(verdict) => Ok(verdict),
        Err(reason) => Ok(Verdict::Damaged { reason }),
    }
}

/// SQLite's integrity check (pages, records, indexes): what is wrong, if
/// anything.
fn integrity(conn: &Connection) -> Option<String> {
    let checked: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA integrity_check(20)")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect());
    match checked {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => None,
        Ok(lines) => Some(format!("SQLite's integrity check: {}", lines.join("; "))),
        Err(e) => Some(format!(
            "SQLite's integrity check could not read the file: {e}"
        )),
    }
}

/// One row of the `ticks` table.
struct TickRow {
    tick: u64,
    last_seq: u64,
    events: u64,
    chain: Vec<u8>,
    state_hash: String,
    /// None in format 1, which had no links.
    link: Option<Vec<u8>>,
}

fn read_ticks(conn: &Connection, linked: bool) -> rusqlite::Result<Vec<TickRow>> {
    let link = if linked { "link" } else { "NULL" };
    let mut stmt = conn.prepare(&format!(
        "SELECT tick, last_seq, events, chain_hash, state_hash, {link} FROM ticks ORDER BY tick"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok(TickRow {
            tick: r.get::<_, i64>(0)? as u64,
            last_seq: r.get::<_, i64>(1)? as u64,
            events: r.get::<_, i64>(2)? as u64,
            chain: r.get(3)?,
            state_hash: r.get(4)?,
            link: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// Each tick's inputs, digested in id order.
fn input_digests(conn: &Connection) -> rusqlite::Result<BTreeMap<u64, InputsDigest>> {
    let mut stmt = conn.prepare("SELECT id, tick, source, payload FROM inputs ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut out: BTreeMap<u64, InputsDigest> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let (id, tick): (i64, i64) = (r.get(0)?, r.get(1)?);
        let (source, payload): (String, String) = (r.get(2)?, r.get(3)?);
        out.entry(tick as u64)
            .or_default()
            .add(id as u64, &source, &payload);
    }
    Ok(out)
}

/// The chain walk. Err is damage that names no single event.
fn audit(conn: &Connection) -> rusqlite::Result<Result<Verdict, String>> {
    let linked = schema::meta(conn, "format")?.as_deref() == Some(schema::FORMAT);
    let genesis = match stored_genesis(conn)? {
        Ok(g) => g,
        Err(m) => return Ok(Err(m)),
    };
    if linked && metadata_genesis(conn)? != Ok(genesis) {
        return Ok(Err(
            "the run's metadata (seed, scenario, version, length) was changed: it no longer gives its genesis"
                .into(),
        ));
    }
    if linked {
        let pack = schema::meta(conn, "narrative_pack")?.unwrap_or_default();
        let sha = schema::meta(conn, "narrative_pack_sha256")?;
        if sha.as_deref() != Some(crate::core::stat7::sha256_hex(pack.as_bytes()).as_str()) {
            return Ok(Err("the narrative pack does not match its SHA-256".into()));
        }
        // Kept since the grammar was stored; older stores tell with the
        // shipped one.
        if let Some(grammar) = schema::meta(conn, "narrative_grammar")? {
            let sha = schema::meta(conn, "narrative_grammar_sha256")?;
            if sha.as_deref() != Some(crate::core::stat7::sha256_hex(grammar.as_bytes()).as_str()) {
                return Ok(Err(
                    "the narrative grammar does not match its SHA-256".into()
                ));
            }
        }
    }
    let ticks = read_ticks(conn, linked)?;
    let mut inputs = input_digests(conn)?;
    let mut stmt = conn.prepare(&format!("SELECT {ROW_COLUMNS} FROM events ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    let next = |rows: &mut rusqlite::Rows| rows.next()?.map(read_row).transpose();
    let mut pending = next(&mut rows)?;
    let (mut prev, mut link, mut seq) = (genesis, genesis, 0u64);
    for (i, t) in ticks.iter().enumerate() {
        if t.tick != i as u64 {
            return Ok(Err(format!(
                "tick {i} has no record (the next is tick {})",
                t.tick
            )));
        }
        let mut events = 0;
        while let Some((row, stored)) = pending.take() {
            if row.header.seq > t.last_seq {
                pending = Some((row, stored));
                break;
            }
            if let Some(broken) = broken_link(&row, &stored, seq + 1, t.tick, &mut prev) {
                return Ok(Ok(broken));
            }
            seq += 1;
            events += 1;
            pending = next(&mut rows)?;
        }
        if seq < t.last_seq {
            return Ok(Ok(Verdict::Truncated {
                last_seq: seq,
                recorded_seq: t.last_seq,
                recorded_tick: t.tick,
            }));
        }
        if events != t.events || t.chain.as_slice() != prev.as_slice() {
            return Ok(Err(format!(
                "tick {}'s record does not match its events",
                t.tick
            )));
        }
        if let Some(stored) = &t.link {
            let digest = inputs.remove(&t.tick).unwrap_or_default().finish();
            let record = TickRecord {
                tick: t.tick,
                last_seq: t.last_seq,
                events: t.events,
                chain: &t.chain,
                state_hash: &t.state_hash,
                inputs: digest,
            };
            link = tick_link(&link, &record);
            if stored.as_slice() != link.as_slice() {
                return Ok(Err(format!(
                    "tick {}: its state hash, inputs or record were changed (its link does not match)",
                    t.tick
                )));
            }
        }
    }
    if let Some((row, _)) = pending {
        let tail = ticks.last().map_or(0, |t| t.tick);
        return Ok(Ok(Verdict::Broken {
            seq: row.header.seq,
            reason: format!(
                "the events after tick {tail}'s recorded tail (seq {seq}) do not belong to it"
            ),
        }));
    }
    if let Some(tick) = inputs.keys().next().filter(|_| linked) {
        return Ok(Err(format!(
            "inputs are recorded for tick {tick}, which has no record"
        )));
    }
    let complete = schema::meta(conn, "status")?.as_deref() == Some("complete");
    if linked && let Err(reason) = closed(conn, complete, &link, ticks.len() as u64, seq)? {
        return Ok(Err(reason));
    }
    Ok(Ok(Verdict::Intact {
        events: seq,
        last_seq: seq,
        last_tick: ticks.last().map_or(0, |t| t.tick),
        complete,
    }))
}

/// Checks event `row` (expected to be `seq`, of `tick`) against its stored
/// hash, chaining it after `prev`; the verdict if it breaks.
fn broken_link(
    row: &Row,
    stored: &[u8],
    seq: u64,
    tick: u64,
    prev: &mut [u8; 32],
) -> Option<Verdict> {
    let broken = |reason: String| Some(Verdict::Broken { seq, reason });
    if row.header.seq != seq {
        return broken(format!(
            "missing: the next stored event is seq {}",
            row.header.seq
        ));
    }
    if row.header.tick != tick {
        return broken(format!(
            "it says tick {}, but tick {tick}'s record holds it",
            row.header.tick
        ));
    }
    let hash = row.link(prev);
    if stored != hash.as_slice() {
        return broken("its content does not match its hash".into());
    }
    *prev = hash;
    None
}

/// A finished run's closing record must match what the store holds; an
/// unfinished one has none.
fn closed(
    conn: &Connection,
    complete: bool,
    last_link: &[u8; 32],
    ticks: u64,
    events: u64,
) -> rusqlite::Result<Result<(), String>> {
    let stored = schema::meta(conn, "closing")?;
    Ok(match (complete, stored) {
        (true, Some(c)) if c == hex(&closing(last_link, ticks, events)) => Ok(()),
        (true, Some(_)) => Err(format!(
            "the closing record does not match: ticks or events were cut or changed (the store holds {ticks} ticks and {events} events)"
        )),
        (true, None) => Err("the run is marked complete but has no closing record".into()),
        (false, Some(_)) => Err("a closing record, but the run is not marked complete".into()),
        (false, None) => Ok(()),
    })
}
