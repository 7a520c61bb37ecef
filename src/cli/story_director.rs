//! `seedsim story <events.db> --director [--json]`: what the director
//! decided in a stored run, zone by zone, each decision with its tick, the
//! zone's tension against its band, its points, what it did and the event
//! it cites (`seedsim events --chain SEQ` walks back from it).

use std::io::Write;
use std::process::ExitCode;

use crate::store::director_story::zone_decisions;

pub fn director_cmd(conn: &rusqlite::Connection, json: bool) -> ExitCode {
    let zones = match zone_decisions(conn) {
        Ok(z) => z,
        Err(e) => return super::story::failed(&e),
    };
    let mut out = std::io::stdout().lock();
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string(&zones).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    if zones.is_empty() {
        let _ = writeln!(
            out,
            "no director decisions (the run had no director, or it was off)"
        );
        return ExitCode::SUCCESS;
    }
    for z in &zones {
        let _ = writeln!(
            out,
            "zone {}: {} raids, {} withdrawals, {} festivals, {} plagues, {} state changes",
            z.name, z.raids, z.withdrawals, z.festivals, z.plagues, z.shifts
        );
        for d in &z.decisions {
            let what = match d.monsters {
                0 => d.act.to_string(),
                n => format!("{} {n} monsters", d.act),
            };
            let cites = d.cause.map_or(String::new(), |c| format!("  cites #{c}"));
            let _ = writeln!(
                out,
                "  tick {:>7}  #{:<8} {:<20} now {:<8} tension {:>6.1} in {}..{}  points {:.1}{cites}",
                d.tick, d.seq, what, d.state, d.tension, d.low, d.high, d.points
            );
        }
    }
    ExitCode::SUCCESS
}
