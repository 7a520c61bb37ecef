//! The writer thread: the only code that writes `events.db` during a run.
//! It receives each tick's events over a bounded channel, links them into the
//! hash chain and commits a transaction per batch of ticks (whatever is
//! queued, up to `MAX_BATCH` ticks). The channel's bound is the back
//! pressure: when the writer falls behind, the simulation waits.

use crossbeam_channel::Receiver;
use rusqlite::{Connection, params};

use crate::events::Event;
use crate::events::chain::{GENESIS, Row};

/// One tick's worth of work for the writer.
pub struct TickBatch {
    pub tick: u64,
    pub events: Vec<Event>,
    pub state_hash: String,
}

/// What the writer reports when it stops.
#[derive(Clone, Debug, Default)]
pub struct WriterReport {
    pub events: u64,
    pub ticks: u64,
    pub last_seq: u64,
    pub last_hash: [u8; 32],
    pub error: Option<String>,
}

/// Most ticks committed in one transaction.
const MAX_BATCH: usize = 64;

pub fn run(mut conn: Connection, rx: Receiver<TickBatch>) -> WriterReport {
    let mut report = WriterReport {
        last_hash: GENESIS,
        ..Default::default()
    };
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(b) => batch.push(b),
                Err(_) => break,
            }
        }
        if let Err(e) = commit(&mut conn, &batch, &mut report) {
            report.error = Some(format!(
                "writing events.db failed at tick {}: {e}",
                batch[0].tick
            ));
            // Dropping the receiver makes the simulation's next send fail.
            return report;
        }
    }
    report
}

fn commit(
    conn: &mut Connection,
    batch: &[TickBatch],
    report: &mut WriterReport,
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO events(seq, tick, kind, actor, target, cause, correlation, depth, payload, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut tick_row = tx.prepare_cached(
            "INSERT INTO ticks(tick, last_seq, events, chain_hash, state_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut hash = report.last_hash;
        let mut last_seq = report.last_seq;
        for b in batch {
            for e in &b.events {
                let row = Row::from_event(e);
                hash = row.link(&hash);
                insert.execute(params![
                    row.seq as i64,
                    row.tick as i64,
                    row.kind,
                    row.actor.map(|v| v as i64),
                    row.target.map(|v| v as i64),
                    row.cause.map(|v| v as i64),
                    row.correlation.map(|v| v as i64),
                    row.depth,
                    row.payload,
                    &hash[..],
                ])?;
                last_seq = row.seq;
            }
            tick_row.execute(params![
                b.tick as i64,
                last_seq as i64,
                b.events.len() as i64,
                &hash[..],
                b.state_hash
            ])?;
        }
        report.last_hash = hash;
        report.last_seq = last_seq;
    }
    tx.commit()?;
    report.events += batch.iter().map(|b| b.events.len() as u64).sum::<u64>();
    report.ticks += batch.len() as u64;
    Ok(())
}
