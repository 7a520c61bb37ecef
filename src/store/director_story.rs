//! A stored run's director, zone by zone: every decision it made (each
//! `director` event) with its reasons — the state the zone's machine is in
//! after it, the zone's tension and band, the raid points it had, the
//! monsters sent, and the event that last raised the tension — read from
//! `events.db` alone.

use rusqlite::Connection;
use serde::Serialize;

use crate::events::Payload;

/// One decision.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decision {
    pub seq: u64,
    pub tick: u64,
    pub state: &'static str,
    pub act: &'static str,
    pub tension: f32,
    pub low: f32,
    pub high: f32,
    pub points: f32,
    pub monsters: u16,
    /// The event that last raised the zone's tension.
    pub cause: Option<u64>,
}

/// One zone's decisions, in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ZoneDecisions {
    pub zone: u16,
    pub name: String,
    pub raids: u32,
    pub withdrawals: u32,
    pub festivals: u32,
    pub plagues: u32,
    pub shifts: u32,
    pub decisions: Vec<Decision>,
}

/// Every zone the director decided for, in zone id order.
pub fn zone_decisions(conn: &Connection) -> rusqlite::Result<Vec<ZoneDecisions>> {
    let zones = super::telling::stored_zones(conn)?;
    let name_of = |id: u16| {
        zones
            .as_ref()
            .and_then(|z| z.all().get(id as usize))
            .map_or_else(|| format!("zone {id}"), |z| z.name.clone())
    };
    let mut out: std::collections::BTreeMap<u16, ZoneDecisions> = Default::default();
    let mut stmt = conn.prepare(
        "SELECT seq, tick, cause, payload FROM events WHERE kind = 'director' ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text: String = r.get(3)?;
        let Some(Payload::Director {
            zone,
            state,
            act,
            tension,
            low,
            high,
            budget,
            monsters,
        }) = Payload::from_json(&text)
        else {
            continue;
        };
        let z = out.entry(zone).or_insert_with(|| ZoneDecisions {
            zone,
            name: name_of(zone),
            ..ZoneDecisions::default()
        });
        match act {
            crate::core::scenario::director::DirectorAct::Raid => z.raids += 1,
            crate::core::scenario::director::DirectorAct::Withdraw => z.withdrawals += 1,
            crate::core::scenario::director::DirectorAct::Shift => z.shifts += 1,
            crate::core::scenario::director::DirectorAct::Festival => z.festivals += 1,
            crate::core::scenario::director::DirectorAct::Plague => z.plagues += 1,
        }
        z.decisions.push(Decision {
            seq: r.get::<_, i64>(0)? as u64,
            tick: r.get::<_, i64>(1)? as u64,
            state: state.as_str(),
            act: act.as_str(),
            tension,
            low,
            high,
            points: budget,
            monsters,
            cause: r.get::<_, Option<i64>>(2)?.map(|c| c as u64),
        });
    }
    Ok(out.into_values().collect())
}
