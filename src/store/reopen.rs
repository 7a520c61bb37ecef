//! A run's store across a server restart. [`StoreSink::close`] commits
//! everything handed over and stops the writer without finishing the run
//! (the status stays `running`, no indexes are built); the run layer
//! rebuilds its world from the closed file (`run::replay::rebuild`);
//! [`StoreSink::reopen`] appends to the same file, carrying the hash chain
//! on from its last committed tick (next seq, previous hash), so the file
//! still verifies and replays as one run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::writer::WriterReport;
use super::{StoreError, StoreSink, schema, sqlite, start_writer};
use crate::events::chain::hex;

/// A store whose writer has stopped mid-run, everything committed.
pub struct Closed {
    pub path: PathBuf,
    report: WriterReport,
    stall: Duration,
    stalled_ticks: u64,
}

impl Closed {
    /// Events committed so far.
    pub fn events(&self) -> u64 {
        self.report.events
    }
}

fn invalid(path: &Path, message: String) -> StoreError {
    StoreError::Invalid {
        path: path.display().to_string(),
        message,
    }
}

impl StoreSink {
    /// Waits for the writer to commit everything it was handed and stops it;
    /// the run is not finished (see [`StoreSink::reopen`]).
    pub fn close(&mut self) -> Result<Closed, StoreError> {
        let report = self.stop_writer()?;
        Ok(Closed {
            path: self.path.clone(),
            report,
            stall: self.stall,
            stalled_ticks: self.stalled_ticks,
        })
    }

    /// Opens a closed store for appending: its last committed tick must be
    /// where the writer stopped (same last seq, same chain hash), and the
    /// new writer carries on from there with the old totals.
    pub fn reopen(closed: Closed) -> Result<StoreSink, StoreError> {
        let path = closed.path;
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(sqlite(&path))?;
        match schema::meta(&conn, "format").map_err(sqlite(&path))? {
            Some(f) if f == schema::FORMAT => {}
            other => {
                return Err(invalid(
                    &path,
                    format!("not a seedsim event store (format {other:?})"),
                ));
            }
        }
        schema::tune(&conn).map_err(sqlite(&path))?;
        let (last_seq, chain, link): (i64, Vec<u8>, Vec<u8>) = conn
            .query_row(
                "SELECT last_seq, chain_hash, link FROM ticks ORDER BY tick DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(sqlite(&path))?;
        let report = closed.report;
        if last_seq as u64 != report.last_seq
            || chain.as_slice() != report.last_hash.as_slice()
            || link.as_slice() != report.last_link.as_slice()
        {
            return Err(invalid(
                &path,
                format!(
                    "reopened with a tail (seq {last_seq}) that is not the one the writer left \
                     (seq {}, hash {})",
                    report.last_seq,
                    hex(&report.last_hash)
                ),
            ));
        }
        let (tx, writer) = start_writer(&path, conn, report)?;
        Ok(StoreSink {
            path,
            tx: Some(tx),
            writer: Some(writer),
            stall: closed.stall,
            stalled_ticks: closed.stalled_ticks,
            failed: false,
        })
    }
}
