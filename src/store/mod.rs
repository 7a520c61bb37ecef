//! The event store: each run's events in `events.db` (SQLite), hash-chained,
//! written by a dedicated thread (see [`writer`]) so the tick only pays for
//! handing a batch over. With the run's scenario text and seed stored beside
//! them, the file alone is enough to replay the run ([`recording`] reads it
//! back and compares a re-simulation with it); [`verify`] checks the chain
//! and [`query`] answers `seedsim events`. A server restart closes the store
//! mid-run and [`reopen`]s it to carry on the same chain.

pub mod consistency;
pub mod director_story;
pub mod query;
pub mod recording;
pub mod reopen;
mod schema;
mod seal;
pub mod sift;
pub mod story;
pub mod telling;
pub mod verify;
mod writer;
pub mod zone_story;

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use crossbeam_channel::{Sender, TrySendError};
use rusqlite::Connection;
use thiserror::Error;

pub use schema::FORMAT;
pub use writer::{Stalls, TickBatch, WriterReport};

use crate::core::RecordStep;
use crate::events::TickEvents;
use crate::events::chain::hex;
use crate::input::TickInputs;
use crate::record::StateHash;

/// Ticks that may wait for the writer before the simulation has to.
const QUEUE_TICKS: usize = 256;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Sqlite {
        path: String,
        source: rusqlite::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{0}")]
    Writer(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn sqlite(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite {
        path: path.display().to_string(),
        source,
    }
}

/// What a new store records about its run.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub path: PathBuf,
    pub scenario_file: String,
    pub scenario_text: String,
    pub seed: u64,
    pub ticks: u64,
    /// The narrative pack in force, as RON text: kept (and its SHA-256
    /// bound into the genesis) so the store alone tells every story.
    pub narrative_pack: String,
}

/// The simulation's end of the store: hands each tick to the writer and
/// measures how long it had to wait.
#[derive(Resource)]
pub struct StoreSink {
    path: PathBuf,
    tx: Option<Sender<TickBatch>>,
    writer: Option<JoinHandle<WriterReport>>,
    /// Wall time the simulation spent waiting for the writer.
    pub stall: Duration,
    /// Ticks that had to wait.
    pub stalled_ticks: u64,
    failed: bool,
}

/// The store's figures at the end of a run.
#[derive(Clone, Debug)]
pub struct StoreSummary {
    pub path: PathBuf,
    pub events: u64,
    pub ticks: u64,
    pub last_seq: u64,
    pub last_hash: String,
    pub stall: Duration,
    pub stalled_ticks: u64,
    /// Time the writer thread spent linking and committing events.
    pub writer_busy: Duration,
    /// Stalls injected by writer-stall faults, by fault index.
    pub writer_stalls: std::collections::BTreeMap<usize, Stalls>,
}

impl StoreSink {
    /// Creates `events.db` (replacing an old one), records the run's inputs
    /// and starts the writer thread.
    pub fn create(config: &StoreConfig) -> Result<StoreSink, StoreError> {
        let path = config.path.clone();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        // A store is never replaced: what an earlier run recorded may not be
        // made again. (Run folders are fresh, so this is only ever hit by a
        // caller that skipped them.)
        for suffix in ["", "-wal", "-shm"] {
            let old = PathBuf::from(format!("{}{suffix}", path.display()));
            if old.exists() || old.is_symlink() {
                return Err(StoreError::Invalid {
                    path: old.display().to_string(),
                    message:
                        "already exists: a run's store is never replaced (write a new run folder)"
                            .into(),
                });
            }
        }
        let conn = Connection::open(&path).map_err(sqlite(&path))?;
        schema::create(&conn).map_err(sqlite(&path))?;
        let seed = config.seed.to_string();
        let ticks = config.ticks.to_string();
        let pack_sha = crate::core::stat7::sha256_hex(config.narrative_pack.as_bytes());
        // In `seal::BOUND_META` order: the genesis binds them.
        let bound = [
            ("format", FORMAT),
            ("seedsim_version", env!("CARGO_PKG_VERSION")),
            ("scenario_file", config.scenario_file.as_str()),
            ("scenario_text", config.scenario_text.as_str()),
            ("seed", seed.as_str()),
            ("ticks", ticks.as_str()),
            ("narrative_pack_sha256", pack_sha.as_str()),
        ];
        let genesis = seal::genesis(&bound);
        let genesis_hex = hex(&genesis);
        // The grammar tells the stored lives in words; it never changes
        // what happens, so it is kept with its SHA-256 (which `verify`
        // checks) but not bound into the genesis.
        let grammar = crate::narrative::render::grammar::SHIPPED;
        let grammar_sha = crate::core::stat7::sha256_hex(grammar.as_bytes());
        for (key, value) in bound.iter().chain([
            &("narrative_pack", config.narrative_pack.as_str()),
            &("narrative_grammar", grammar),
            &("narrative_grammar_sha256", grammar_sha.as_str()),
            &("genesis", genesis_hex.as_str()),
            &("status", "running"),
        ]) {
            schema::set_meta(&conn, key, value).map_err(sqlite(&path))?;
        }
        let (tx, writer) = start_writer(&path, conn, WriterReport::genesis(genesis))?;
        Ok(StoreSink {
            path,
            tx: Some(tx),
            writer: Some(writer),
            stall: Duration::ZERO,
            stalled_ticks: 0,
            failed: false,
        })
    }

    /// Hands one tick to the writer, waiting (and measuring the wait) if
    /// its queue is full.
    pub fn send(&mut self, batch: TickBatch) {
        let Some(tx) = &self.tx else {
            return;
        };
        let sent = match tx.try_send(batch) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(batch)) => {
                let start = Instant::now();
                let sent = tx.send(batch).map_err(|_| ());
                self.stall += start.elapsed();
                self.stalled_ticks += 1;
                sent
            }
            Err(TrySendError::Disconnected(_)) => Err(()),
        };
        if sent.is_err() {
            // The writer stopped (its error is reported by `finish`).
            self.failed = true;
            self.tx = None;
        }
    }

    /// Closes the channel and waits for the writer to commit what it holds.
    fn stop_writer(&mut self) -> Result<WriterReport, StoreError> {
        self.tx = None;
        let report = match self.writer.take().map(JoinHandle::join) {
            Some(Ok(report)) => report,
            Some(Err(_)) => {
                return Err(StoreError::Writer(
                    "the store writer thread panicked".into(),
                ));
            }
            None => return Err(StoreError::Writer("the store was already finished".into())),
        };
        match report.error {
            Some(e) => Err(StoreError::Writer(e)),
            None => Ok(report),
        }
    }

    /// Whether the writer has stopped with an error.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Waits for the writer to commit everything, indexes the events and
    /// marks the run complete.
    pub fn finish(&mut self) -> Result<StoreSummary, StoreError> {
        let report = self.stop_writer()?;
        let conn = Connection::open(&self.path).map_err(sqlite(&self.path))?;
        conn.execute_batch(schema::INDEXES)
            .map_err(sqlite(&self.path))?;
        let closing = seal::closing(&report.last_link, report.ticks, report.events);
        schema::set_meta(&conn, "closing", &hex(&closing)).map_err(sqlite(&self.path))?;
        schema::set_meta(&conn, "status", "complete").map_err(sqlite(&self.path))?;
        // One self-contained file: the WAL merged in and gone with its
        // index (a finished store copies as one file).
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(sqlite(&self.path))?;
        conn.pragma_update(None, "journal_mode", "DELETE")
            .map_err(sqlite(&self.path))?;
        drop(conn);
        Ok(StoreSummary {
            path: self.path.clone(),
            events: report.events,
            ticks: report.ticks,
            last_seq: report.last_seq,
            last_hash: hex(&report.last_hash),
            stall: self.stall,
            stalled_ticks: self.stalled_ticks,
            writer_busy: report.busy,
            writer_stalls: report.stalls,
        })
    }
}

/// Starts the writer thread on `conn`, carrying on from `report`.
fn start_writer(
    path: &Path,
    conn: Connection,
    report: WriterReport,
) -> Result<(Sender<TickBatch>, JoinHandle<WriterReport>), StoreError> {
    let (tx, rx) = crossbeam_channel::bounded(QUEUE_TICKS);
    let writer = std::thread::Builder::new()
        .name("seedsim-store".into())
        .spawn(move || writer::run(conn, rx, report))
        .map_err(|source| StoreError::Io {
            path: path.display().to_string(),
            source,
        })?;
    Ok((tx, writer))
}

/// Record: hands the tick's events and state hash to the writer.
fn send_tick(
    events: Res<TickEvents>,
    hash: Res<StateHash>,
    inputs: Res<TickInputs>,
    faults: Option<Res<crate::fault::ActiveFaults>>,
    sink: Option<ResMut<StoreSink>>,
) {
    if let Some(mut sink) = sink {
        sink.send(TickBatch {
            tick: hash.tick,
            events: std::sync::Arc::clone(&events.0),
            state_hash: hash.hex(),
            inputs: inputs.0.clone(),
            stall: faults.filter(|f| f.tick == hash.tick).and_then(|f| f.stall),
        });
    }
}

/// Sends every tick to the [`StoreSink`] resource when there is one.
pub struct StorePlugin;

impl Plugin for StorePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(FixedUpdate, send_tick.in_set(RecordStep::Store))
            .add_systems(PostStartup, send_tick.in_set(RecordStep::Store));
    }
}
