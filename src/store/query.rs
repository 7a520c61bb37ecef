//! `seedsim events`: queries over a stored run — by entity, kind and tick
//! range, and the causal chain of one event (its causes up to the root and
//! everything that followed from it).

use std::collections::BTreeSet;

use rusqlite::{Connection, ToSql};

use super::verify::{ROW_COLUMNS, read_row};
use crate::events::chain::Row;

/// Which events to list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub entity: Option<u64>,
    pub kind: Option<String>,
    pub ticks: Option<(u64, u64)>,
    pub limit: usize,
}

/// Events matching `filter`, in seq order.
pub fn select(conn: &Connection, filter: &Filter) -> rusqlite::Result<Vec<Row>> {
    let mut clauses = Vec::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    if let Some(id) = filter.entity {
        clauses.push("(actor = ? OR target = ?)");
        args.push(Box::new(id as i64));
        args.push(Box::new(id as i64));
    }
    if let Some(kind) = &filter.kind {
        clauses.push("kind = ?");
        args.push(Box::new(kind.clone()));
    }
    if let Some((a, b)) = filter.ticks {
        // The seq bounds let SQLite walk just the rowid range of those ticks.
        clauses.push(
            "seq > COALESCE((SELECT last_seq FROM ticks WHERE tick < ? ORDER BY tick DESC LIMIT 1), 0) \
             AND seq <= COALESCE((SELECT last_seq FROM ticks WHERE tick <= ? ORDER BY tick DESC LIMIT 1), 0) \
             AND tick BETWEEN ? AND ?",
        );
        for t in [a, b, a, b] {
            args.push(Box::new(t as i64));
        }
    }
    let filter_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let sql = format!("SELECT {ROW_COLUMNS} FROM events {filter_sql} ORDER BY seq LIMIT ?");
    args.push(Box::new(filter.limit as i64));
    let mut stmt = conn.prepare(&sql)?;
    let params: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref()).collect();
    stmt.query_map(params.as_slice(), |r| read_row(r).map(|(row, _)| row))?
        .collect()
}

fn by_seq(conn: &Connection, seq: u64) -> rusqlite::Result<Option<Row>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM events WHERE seq = ?"))?;
    let mut rows = stmt.query([seq as i64])?;
    rows.next()?
        .map(|r| read_row(r).map(|(row, _)| row))
        .transpose()
}

/// An event with where it came from and what it led to.
#[derive(Clone, Debug)]
pub struct Chain {
    /// From the root cause down to the event's direct cause.
    pub causes: Vec<Row>,
    pub event: Row,
    /// Everything caused by it, directly or not, in seq order (at most `limit`).
    pub effects: Vec<Row>,
}

pub fn chain(conn: &Connection, seq: u64, limit: usize) -> rusqlite::Result<Option<Chain>> {
    let Some(event) = by_seq(conn, seq)? else {
        return Ok(None);
    };
    let mut causes = Vec::new();
    let mut next = event.header.cause;
    // Causes always have smaller seqs, so this walk ends; the bound guards
    // against a tampered file.
    while let Some(c) = next.filter(|_| causes.len() < limit) {
        let Some(row) = by_seq(conn, c)? else {
            break;
        };
        next = row.header.cause.filter(|p| *p < row.header.seq);
        causes.push(row);
    }
    causes.reverse();
    let mut effects = Vec::new();
    let mut frontier = vec![seq];
    let mut seen = BTreeSet::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT {ROW_COLUMNS} FROM events WHERE cause = ? ORDER BY seq"
    ))?;
    while let Some(parent) = frontier.pop() {
        if effects.len() >= limit {
            break;
        }
        let children: Vec<Row> = stmt
            .query_map([parent as i64], |r| read_row(r).map(|(row, _)| row))?
            .collect::<Result<_, _>>()?;
        for child in children {
            if seen.insert(child.header.seq) && effects.len() < limit {
                frontier.push(child.header.seq);
                effects.push(child);
            }
        }
    }
    effects.sort_by_key(|r| r.header.seq);
    Ok(Some(Chain {
        causes,
        event,
        effects,
    }))
}
