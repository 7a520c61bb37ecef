//! `seedsim verify`: recomputes the hash chain of an `events.db` from its
//! rows and compares it with the stored hashes and with the per-tick tail
//! the writer recorded after each commit. The first broken seq is reported;
//! rows missing at the end are caught against that tail.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{StoreError, schema, sqlite};
use crate::core::event::EventHeader;
use crate::events::chain::{GENESIS, Row};

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
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(sqlite(path))?;
    match schema::meta(&conn, "format") {
        Ok(Some(f)) if f == schema::FORMAT => Ok(conn),
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

pub fn verify(path: &Path) -> Result<Verdict, StoreError> {
    let conn = open_read_only(path)?;
    let mut prev = GENESIS;
    let mut expected_seq = 1u64;
    let mut last_tick = 0u64;
    let mut broken = None;
    for_each_row(&conn, |row, stored| {
        if row.header.seq != expected_seq {
            broken = Some(Verdict::Broken {
                seq: expected_seq,
                reason: format!("missing: the next stored event is seq {}", row.header.seq),
            });
            return false;
        }
        let hash = row.link(&prev);
        if stored.as_slice() != hash.as_slice() {
            broken = Some(Verdict::Broken {
                seq: row.header.seq,
                reason: "its content does not match its hash".into(),
            });
            return false;
        }
        prev = hash;
        expected_seq += 1;
        last_tick = row.header.tick;
        true
    })
    .map_err(sqlite(path))?;
    if let Some(b) = broken {
        return Ok(b);
    }
    let last_seq = expected_seq - 1;
    let tail: Option<(i64, i64, Vec<u8>)> = conn
        .query_row(
            "SELECT tick, last_seq, chain_hash FROM ticks ORDER BY tick DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .map_err(sqlite(path))?;
    if let Some((tick, recorded, chain)) = tail {
        let recorded = recorded as u64;
        if recorded > last_seq {
            return Ok(Verdict::Truncated {
                last_seq,
                recorded_seq: recorded,
                recorded_tick: tick as u64,
            });
        }
        if recorded < last_seq || chain.as_slice() != prev.as_slice() {
            return Ok(Verdict::Broken {
                seq: recorded + 1,
                reason: format!(
                    "the events after tick {tick}'s recorded tail (seq {recorded}) do not belong to it"
                ),
            });
        }
    }
    let complete = schema::meta(&conn, "status")
        .map_err(sqlite(path))?
        .as_deref()
        == Some("complete");
    Ok(Verdict::Intact {
        events: last_seq,
        last_seq,
        last_tick,
        complete,
    })
}
