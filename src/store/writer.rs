//! The writer thread: the only code that writes `events.db` during a run.
//! It receives each tick's events over a bounded channel, links them into the
//! hash chain and commits a transaction per batch of ticks: whatever is
//! queued, up to `MAX_BATCH`; a writer that has caught up sleeps for
//! `BATCH_WINDOW`, so ticks arrive in batches without a wake-up each. The
//! channel's bound is the back pressure: when the writer falls behind, the
//! simulation waits.

use crossbeam_channel::Receiver;
use rusqlite::{Connection, params};

use super::seal::{InputsDigest, TickRecord, tick_link};
use crate::events::Event;
use crate::events::chain::Row;

/// One tick's worth of work for the writer.
pub struct TickBatch {
    pub tick: u64,
    pub events: std::sync::Arc<Vec<Event>>,
    pub state_hash: String,
    /// External inputs taken this tick, with their ids.
    pub inputs: Vec<(u64, crate::input::Input)>,
    /// A scenario's writer-stall fault active at this tick.
    pub stall: Option<crate::fault::WriterStall>,
}

/// The stalls one fault caused: how many batches, how long in all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stalls {
    pub count: u64,
    pub slept: std::time::Duration,
}

/// What the writer reports when it stops.
#[derive(Clone, Debug, Default)]
pub struct WriterReport {
    pub events: u64,
    pub ticks: u64,
    pub last_seq: u64,
    /// The event chain's hash after the last event.
    pub last_hash: [u8; 32],
    /// The last committed tick's link (`store::seal`).
    pub last_link: [u8; 32],
    pub error: Option<String>,
    /// Time spent linking and committing (not waiting for work).
    pub busy: std::time::Duration,
    /// Injected stalls by fault index.
    pub stalls: std::collections::BTreeMap<usize, Stalls>,
}

/// Most ticks committed in one transaction.
const MAX_BATCH: usize = 64;
/// How long a writer that has caught up sleeps before looking again.
const BATCH_WINDOW: std::time::Duration = std::time::Duration::from_millis(20);

/// Puts this thread in Linux's idle scheduling class: the writer uses only
/// the cycles the simulation leaves idle between its parallel bursts and is
/// preempted the moment a simulation thread wants its core (a merely lower
/// priority still holds the core for a whole time slice, and a parallel
/// system then waits on it). It still keeps up: when the queue is full the
/// simulation blocks, the core goes idle and the writer runs.
fn yield_to_the_simulation() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain syscalls on the calling thread's own id with a valid,
    // initialised sched_param; no memory is shared.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::pid_t;
        let param = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(tid, libc::SCHED_IDLE, &param) != 0 {
            // Not permitted here: fall back to the lowest ordinary priority.
            libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 19);
        }
    }
}

impl WriterReport {
    /// A writer starting a new chain from `genesis` (the run's metadata).
    pub fn genesis(genesis: [u8; 32]) -> WriterReport {
        WriterReport {
            last_hash: genesis,
            last_link: genesis,
            ..Default::default()
        }
    }
}

/// Writes what arrives on `rx`, carrying on from `report` (a new chain's
/// [`WriterReport::genesis`], or a reopened store's tail and totals).
pub fn run(
    mut conn: Connection,
    rx: Receiver<TickBatch>,
    mut report: WriterReport,
) -> WriterReport {
    yield_to_the_simulation();
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(b) => batch.push(b),
                Err(_) => break,
            }
        }
        let caught_up = batch.len() < MAX_BATCH;
        // A stalled writer sleeps once per batch that holds a stalled tick
        // (the longest asked), as a slow disk would hold a commit.
        if let Some(stall) = batch.iter().filter_map(|b| b.stall).max_by_key(|s| s.ms) {
            let slept = std::time::Duration::from_millis(stall.ms);
            std::thread::sleep(slept);
            let tally = report.stalls.entry(stall.fault).or_default();
            tally.count += 1;
            tally.slept += slept;
        }
        let start = std::time::Instant::now();
        let committed = commit(&mut conn, &batch, &mut report);
        report.busy += start.elapsed();
        if let Err(e) = committed {
            report.error = Some(format!(
                "writing events.db failed at tick {}: {e}",
                batch[0].tick
            ));
            // Dropping the receiver makes the simulation's next send fail.
            return report;
        }
        if caught_up {
            // Ahead of the simulation: let ticks pile up in the queue rather
            // than be woken for each one (a wake-up per tick costs the
            // simulation a context switch on a busy core).
            std::thread::sleep(BATCH_WINDOW);
        }
    }
    report
}

/// Rows per multi-row INSERT: one statement step stores this many events.
const ROWS_PER_INSERT: usize = 32;

fn insert_sql(rows: usize) -> String {
    let one = "(?,?,?,?,?,?,?,?,?,?)";
    format!(
        "INSERT INTO events(seq, tick, kind, actor, target, cause, correlation, depth, payload, hash) VALUES {}",
        vec![one; rows].join(",")
    )
}

fn bind(values: &mut Vec<rusqlite::types::Value>, row: Row, hash: &[u8; 32]) {
    use rusqlite::types::Value;
    let opt = |v: Option<u64>| v.map_or(Value::Null, |x| Value::Integer(x as i64));
    values.extend([
        Value::Integer(row.header.seq as i64),
        Value::Integer(row.header.tick as i64),
        Value::Text(row.kind),
        opt(row.header.actor),
        opt(row.header.target),
        opt(row.header.cause),
        opt(row.header.correlation),
        Value::Integer(row.header.depth as i64),
        Value::Text(row.payload),
        Value::Blob(hash.to_vec()),
    ]);
}

fn commit(
    conn: &mut Connection,
    batch: &[TickBatch],
    report: &mut WriterReport,
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let mut hash = report.last_hash;
    let mut link = report.last_link;
    let mut last_seq = report.last_seq;
    {
        let mut tick_row = tx.prepare_cached(
            "INSERT INTO ticks(tick, last_seq, events, chain_hash, state_hash, link) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut input_row = tx.prepare_cached(
            "INSERT INTO inputs(id, tick, source, payload) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut values = Vec::with_capacity(ROWS_PER_INSERT * 10);
        let mut pending = 0;
        let flush =
            |values: &mut Vec<rusqlite::types::Value>, rows: usize| -> rusqlite::Result<()> {
                if rows > 0 {
                    let mut stmt = tx.prepare_cached(&insert_sql(rows))?;
                    stmt.execute(rusqlite::params_from_iter(values.drain(..)))?;
                }
                Ok(())
            };
        for b in batch {
            for e in b.events.iter() {
                let row = Row::from_event(e);
                hash = row.link(&hash);
                last_seq = row.header.seq;
                bind(&mut values, row, &hash);
                pending += 1;
                if pending == ROWS_PER_INSERT {
                    flush(&mut values, pending)?;
                    pending = 0;
                }
            }
            // The tick's tail row must follow its events.
            flush(&mut values, pending)?;
            pending = 0;
            let mut inputs = InputsDigest::default();
            for (id, input) in &b.inputs {
                // Inputs are plain data (ids, numbers, strings): always serializable.
                let payload = serde_json::to_string(input).unwrap_or_default();
                inputs.add(*id, input.source(), &payload);
                input_row.execute(params![*id as i64, b.tick as i64, input.source(), payload])?;
            }
            link = tick_link(
                &link,
                &TickRecord {
                    tick: b.tick,
                    last_seq,
                    events: b.events.len() as u64,
                    chain: &hash,
                    state_hash: &b.state_hash,
                    inputs: inputs.finish(),
                },
            );
            tick_row.execute(params![
                b.tick as i64,
                last_seq as i64,
                b.events.len() as i64,
                &hash[..],
                b.state_hash,
                &link[..]
            ])?;
        }
    }
    tx.commit()?;
    report.last_hash = hash;
    report.last_link = link;
    report.last_seq = last_seq;
    report.events += batch.iter().map(|b| b.events.len() as u64).sum::<u64>();
    report.ticks += batch.len() as u64;
    Ok(())
}
