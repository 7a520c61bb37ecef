//! A recorded run read back from its `events.db`: what it needs to be
//! re-simulated (scenario text, seed, inputs) and a comparison of a
//! re-simulation's ticks with the record, tick by tick, every event's chain
//! hash and the state hash, stopping at the first divergence. Stepping the
//! re-simulation is the run layer's business (`run::replay`); this side only
//! reads the file and compares.

use std::path::Path;

use super::verify::{ROW_COLUMNS, open_read_only, read_row};
use super::{StoreError, schema, sqlite};
use std::sync::Arc;

use super::seal::stored_genesis;
use crate::core::scenario::parse_str;
use crate::events::Event;
use crate::events::chain::{Row, hex};
use crate::input::Input;
use crate::record::StateHash;

/// What replaying found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Identical { ticks: u64, events: u64 },
    Diverged(Divergence),
}

/// The first place where the replay differs from the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    pub tick: u64,
    pub seq: u64,
    /// What the record says (hash and kind, or the state hash).
    pub expected: String,
    /// What the replay produced.
    pub actual: String,
}

fn invalid(path: &Path, message: String) -> StoreError {
    StoreError::Invalid {
        path: path.display().to_string(),
        message,
    }
}

fn describe(row: Option<&(Row, Vec<u8>)>) -> String {
    match row {
        Some((r, h)) => format!("{} {} (hash {})", r.kind, r.payload, hex_vec(h)),
        None => "no more events".into(),
    }
}

fn hex_vec(h: &[u8]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// A recorded run, read back from its `events.db`: what it needs to be
/// re-simulated (scenario, seed, inputs) and what it must reproduce (every
/// tick's state hash; the events are read as they are compared).
pub struct Recording {
    path: std::path::PathBuf,
    conn: rusqlite::Connection,
    pub scenario: crate::core::scenario::Scenario,
    pub seed: u64,
    /// Every recorded tick with its state hash, tick 0 first.
    pub ticks: Vec<(u64, String)>,
    inputs: std::collections::VecDeque<(u64, Input)>,
}

impl Recording {
    /// Reads a store (read-only) for replay.
    pub fn open(path: &Path) -> Result<Recording, StoreError> {
        let conn = open_read_only(path)?;
        let get = |key: &str| -> Result<String, StoreError> {
            schema::meta(&conn, key)
                .map_err(sqlite(path))?
                .ok_or_else(|| invalid(path, format!("meta has no {key}")))
        };
        let text = get("scenario_text")?;
        let file = get("scenario_file")?;
        let seed: u64 = get("seed")?
            .parse()
            .map_err(|e| invalid(path, format!("stored seed is not a number: {e}")))?;
        let scenario = parse_str(&file, &text)
            .map_err(|e| invalid(path, format!("the stored scenario does not load: {e}")))?;
        let ticks = read_ticks(&conn).map_err(sqlite(path))?;
        let inputs = read_inputs(&conn, path)?;
        Ok(Recording {
            path: path.to_path_buf(),
            conn,
            scenario,
            seed,
            ticks,
            inputs,
        })
    }

    /// The recorded inputs, in order (handed over: call once).
    pub fn take_inputs(&mut self) -> std::collections::VecDeque<(u64, Input)> {
        std::mem::take(&mut self.inputs)
    }

    /// Compares a re-simulation with the record: `current(step)` gives the
    /// state hash and events of the simulation's current tick, after stepping
    /// it once when `step` (never for tick 0). Every event's chain hash and
    /// each tick's state hash must match, and no event may be left over.
    pub fn compare(
        &self,
        mut current: impl FnMut(bool) -> (StateHash, Arc<Vec<Event>>),
    ) -> Result<Outcome, StoreError> {
        let path = self.path.as_path();
        let mut events_stmt = self
            .conn
            .prepare(&format!("SELECT {ROW_COLUMNS} FROM events ORDER BY seq"))
            .map_err(sqlite(path))?;
        let mut stored = events_stmt.query([]).map_err(sqlite(path))?;
        let mut prev = stored_genesis(&self.conn)
            .map_err(sqlite(path))?
            .map_err(|m| invalid(path, m))?;
        let mut events = 0u64;
        for (i, (tick, state_hash)) in self.ticks.iter().enumerate() {
            let (now, tick_events) = current(i > 0);
            if now.tick != *tick {
                return Ok(Outcome::Diverged(Divergence {
                    tick: *tick,
                    seq: events + 1,
                    expected: format!("tick {tick}"),
                    actual: format!("tick {}", now.tick),
                }));
            }
            for event in tick_events.iter() {
                let row = Row::from_event(event);
                let hash = row.link(&prev);
                let next = stored
                    .next()
                    .map_err(sqlite(path))?
                    .map(read_row)
                    .transpose()
                    .map_err(sqlite(path))?;
                let same = next.as_ref().is_some_and(|(r, h)| {
                    r.header.seq == row.header.seq && h.as_slice() == hash.as_slice()
                });
                if !same {
                    return Ok(Outcome::Diverged(Divergence {
                        tick: *tick,
                        seq: row.header.seq,
                        expected: describe(next.as_ref()),
                        actual: format!("{} {} (hash {})", row.kind, row.payload, hex(&hash)),
                    }));
                }
                prev = hash;
                events += 1;
            }
            if now.hex() != *state_hash {
                return Ok(Outcome::Diverged(Divergence {
                    tick: *tick,
                    seq: events + 1,
                    expected: format!("state hash {state_hash}"),
                    actual: format!("state hash {}", now.hex()),
                }));
            }
        }
        if let Some(extra) = stored
            .next()
            .map_err(sqlite(path))?
            .map(read_row)
            .transpose()
            .map_err(sqlite(path))?
        {
            return Ok(Outcome::Diverged(Divergence {
                tick: extra.0.header.tick,
                seq: extra.0.header.seq,
                expected: describe(Some(&extra)),
                actual: "no more events".into(),
            }));
        }
        Ok(Outcome::Identical {
            ticks: self.ticks.len() as u64,
            events,
        })
    }
}

fn read_ticks(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<(u64, String)>> {
    let mut stmt = conn.prepare("SELECT tick, state_hash FROM ticks ORDER BY tick")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))?;
    rows.collect()
}

fn read_inputs(
    conn: &rusqlite::Connection,
    path: &Path,
) -> Result<std::collections::VecDeque<(u64, Input)>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT id, tick, payload FROM inputs ORDER BY id")
        .map_err(sqlite(path))?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(sqlite(path))?;
    let mut inputs = std::collections::VecDeque::new();
    for row in rows {
        let (id, tick, payload) = row.map_err(sqlite(path))?;
        let input: Input = serde_json::from_str(&payload)
            .map_err(|e| invalid(path, format!("input {id} does not parse: {e}")))?;
        inputs.push_back((tick as u64, input));
    }
    Ok(inputs)
}
