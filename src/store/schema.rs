//! The SQLite schema of `events.db`: one file per run holding the run's
//! inputs (scenario text, seed, version) and every event in seq order with
//! its hash-chain link. Users query it directly with `sqlite3`; the README
//! documents these tables.

use rusqlite::{Connection, OptionalExtension, params};

/// Identifies the file format; bumped if the tables or the chain change.
/// Format 2 binds the metadata, every tick and the end of the run into the
/// chain (see `store::seal`).
pub const FORMAT: &str = "seedsim-events/2";
/// The first format (a chain from zero bytes, no tick links, no closing
/// record): still verified and replayed.
pub const FORMAT_1: &str = "seedsim-events/1";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq         INTEGER PRIMARY KEY,
    tick        INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    actor       INTEGER,
    target      INTEGER,
    cause       INTEGER,
    correlation INTEGER,
    depth       INTEGER NOT NULL,
    payload     TEXT    NOT NULL,
    hash        BLOB    NOT NULL
);
CREATE TABLE IF NOT EXISTS ticks (
    tick       INTEGER PRIMARY KEY,
    last_seq   INTEGER NOT NULL,
    events     INTEGER NOT NULL,
    chain_hash BLOB    NOT NULL,
    state_hash TEXT    NOT NULL,
    link       BLOB    NOT NULL
);
CREATE TABLE IF NOT EXISTS inputs (
    id      INTEGER PRIMARY KEY,
    tick    INTEGER NOT NULL,
    source  TEXT    NOT NULL,
    payload TEXT    NOT NULL
);
";

/// Indexes for queries, built when a run finishes (appends stay fast, and
/// a sorted bulk build is cheaper than growing an index row by row). Only
/// the lookups a scan cannot answer quickly are indexed: by entity and by
/// cause, partial over the rows that have one. Tick ranges need no index
/// (`ticks.last_seq` turns them into seq ranges) and a kind alone is too
/// unselective to be worth its build time.
pub const INDEXES: &str = "
PRAGMA threads = 4;
CREATE INDEX IF NOT EXISTS events_actor  ON events(actor)  WHERE actor  IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_target ON events(target) WHERE target IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_cause  ON events(cause)  WHERE cause  IS NOT NULL;
";

/// Creates the tables in a new file and sets the pragmas for appending.
pub fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "page_size", 16384)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    tune(conn)?;
    conn.execute_batch(SCHEMA)
}

/// The settings of a connection that appends (they last as long as it
/// does; the page size and WAL mode stay with the file).
pub fn tune(conn: &Connection) -> rusqlite::Result<()> {
    // WAL + NORMAL: a killed process loses nothing committed. No automatic
    // checkpoints while the run writes (the writer would copy every page
    // twice and fsync); `finish` checkpoints once. Bigger pages and cache
    // mean fewer page splits per row appended.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "cache_size", -65536)
}

pub fn set_meta(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}
